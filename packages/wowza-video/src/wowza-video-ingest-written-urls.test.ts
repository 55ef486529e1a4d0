import { describe, expect, it } from 'vitest';
import { fixture, fixtureToken, recordingFetch } from '../test/fixtures.js';
import { wowzaVideo } from './wowza-video-provider.js';

// Found by an outside probe (EA): a `primary_server` written with its scheme but without `//`
// (`rtmp:/user:pw@host/EntryPoint`) gave a `server` holding the password and a `url` opening host `rtmp`; a
// missing `stream_name` gave an RTMP endpoint without a stream key, silently; a scheme-less
// `primary_server` with a path got `host_port` written into the path; the password of one that does not
// parse was never learned.

const id = 'wdjfqvsv';
const liveStream = (fixture('get').response.body as { live_stream: Record<string, unknown> }).live_stream;
const issued = { username: 'clientrpizhh', password: '0d836670' };
const source = {
  primary_server: 'h.example.com',
  host_port: 1935,
  application: 'app-XO46IQZX',
  stream_name: '07328075',
  ...issued,
};

// The stream `get` returns when Wowza answers `source_connection_information` as given, and the provider.
async function read(info: Record<string, unknown>) {
  const { fetch } = recordingFetch(() => ({
    status: 200,
    body: { live_stream: { ...liveStream, encoder: 'other_rtmp', source_connection_information: info } },
  }));
  const wowza = wowzaVideo({ token: fixtureToken, fetch, retry: { maxRetries: 0 } });
  return { stream: await wowza.get(id), wowza };
}

const why =
  "Wowza documents these keys for API v1 only (for v2.0 it documents source_connection_information's WebRTC keys alone, and the RTMP details on its transcoder resource, which unilive does not read), so a v2.0 answer may leave them out; what Wowza sent is in raw.source_connection_information";
const noEndpoint = (lacks: string) => [
  {
    type: 'incomplete-answer',
    message: `no ingest endpoint: encoder other_rtmp pushes RTMP and Wowza Video's answer ${lacks}; ${why}`,
  },
];
const withoutSlashes =
  'has a primary_server that writes its scheme without the "//" of a URL\'s host (rtmp:/host, rtmp:user:password@host, rtmp:///host), which names no host an encoder can open as written';
const needs =
  '(the RTMP server, stream key and push credentials need primary_server, host_port, application (or application_name), stream_name, username, password)';

describe('a primary_server whose scheme is written without "//"', () => {
  it.each([
    ['rtmp:/usr:Secr3tPassw0rd@h.example.com/EntryPoint', 'Secr3tPassw0rd'],
    ['rtmp:usr:Pw9sEcret77@h.example.com:1936/EntryPoint', 'Pw9sEcret77'],
    ['rtmp:///usr:Pw3thr33sl@h.example.com/EntryPoint', 'Pw3thr33sl'],
    ['RTMP:usr:Pw8upperCase@h.example.com', 'Pw8upperCase'],
  ])(
    '%j gives no endpoint, the incomplete-answer warning, and its password is a secret',
    async (primary_server, password) => {
      const { stream, wowza } = await read({ ...source, primary_server });
      expect(stream.ingest).toEqual([]);
      expect(stream.warnings).toEqual(noEndpoint(withoutSlashes));
      expect(wowza.secrets()).toContain(password);
      expect(JSON.stringify(stream.ingest)).not.toContain(password);
    },
  );

  it.each(['rtmp:/h.example.com/EntryPoint', 'rtmp:h.example.com/EntryPoint'])(
    '%j (no user information) gives no endpoint either, with the same warning',
    async (primary_server) => {
      const { stream } = await read({ ...source, primary_server });
      expect(stream.ingest).toEqual([]);
      expect(stream.warnings).toEqual(noEndpoint(withoutSlashes));
    },
  );

  it('leaves a full URL with its "//" as it was', async () => {
    const { stream, wowza } = await read({
      ...source,
      primary_server: 'rtmp://usr:Pw5full@h.example.com/EntryPoint',
    });
    expect(stream.ingest).toEqual([
      {
        protocol: 'rtmp',
        url: 'rtmp://clientrpizhh:0d836670@h.example.com/EntryPoint/app-XO46IQZX/07328075',
        server: 'rtmp://h.example.com/EntryPoint/app-XO46IQZX',
        streamKey: '07328075',
        ...issued,
      },
    ]);
    expect(stream).not.toHaveProperty('warnings');
    expect(wowza.secrets()).toEqual(expect.arrayContaining(['Pw5full', '0d836670', '07328075']));
  });
});

describe('an RTMP endpoint carries its stream key after an application', () => {
  it.each([
    ['without stream_name', { stream_name: undefined }],
    ['with an empty stream_name', { stream_name: '' }],
    ['with a null stream_name', { stream_name: null }],
  ])('is left out %s, the warning naming stream_name', async (_, change) => {
    const { stream } = await read({ ...source, ...change });
    expect(stream.ingest).toEqual([]);
    expect(stream.warnings).toEqual(
      noEndpoint(`lacks stream_name in source_connection_information ${needs}`),
    );
  });

  it.each([
    ['with an empty application', { application: '' }],
    ['without application', { application: undefined }],
  ])('is left out %s on a plain host, the warning naming the application', async (_, change) => {
    const { stream } = await read({ ...source, ...change });
    expect(stream.ingest).toEqual([]);
    expect(stream.warnings).toEqual(
      noEndpoint(`lacks application (or application_name) in source_connection_information ${needs}`),
    );
  });
});

describe('a scheme-less primary_server with a path', () => {
  it('has host_port written after its host, as a plain host has', async () => {
    const { stream } = await read({ ...source, primary_server: 'h.example.com/' });
    expect(stream.ingest).toEqual([
      {
        protocol: 'rtmp',
        url: 'rtmp://clientrpizhh:0d836670@h.example.com:1935/app-XO46IQZX/07328075',
        server: 'rtmp://h.example.com:1935/app-XO46IQZX',
        streamKey: '07328075',
        ...issued,
      },
    ]);
    expect(stream).not.toHaveProperty('warnings');
    const withPath = await read({ ...source, primary_server: 'usr:Pw4path@h.example.com/x' });
    expect(withPath.stream.ingest).toEqual([
      {
        protocol: 'rtmp',
        url: 'rtmp://clientrpizhh:0d836670@h.example.com:1935/x/app-XO46IQZX/07328075',
        server: 'rtmp://h.example.com:1935/x/app-XO46IQZX',
        streamKey: '07328075',
        ...issued,
      },
    ]);
    expect(withPath.wowza.secrets()).toContain('Pw4path');
  });

  it('is refused with a port out of range, as a plain host is', async () => {
    for (const primary_server of ['h.example.com/', 'h.example.com']) {
      const { stream } = await read({ ...source, primary_server, host_port: '65536' });
      expect(stream.ingest).toEqual([]);
      expect(stream.warnings).toEqual(
        noEndpoint('has source_connection_information keys that make no valid RTMP URL'),
      );
    }
  });
});

describe('a primary_server that does not parse', () => {
  it.each([
    [' rtmp://usr:Secr3tPassw0rd@h.example.com', 'Secr3tPassw0rd'],
    ['rtmp://usr:Pw6space@h example.com', 'Pw6space'],
    ['usr:Pw7space@h example.com', 'Pw7space'],
  ])('%j gives no endpoint, and its password is a secret', async (primary_server, password) => {
    const { stream, wowza } = await read({ ...source, primary_server });
    expect(stream.ingest).toEqual([]);
    expect(stream.warnings).toEqual(
      noEndpoint('has source_connection_information keys that make no valid RTMP URL'),
    );
    expect(wowza.secrets()).toContain(password);
  });
});

// A WebRTC `sdp_url` beside the RTMP keys does not stand in for the RTMP endpoint an RTMP encoder pushes to:
// when that one is left out, the answer says so as it does with no endpoint at all.
describe('an RTMP endpoint left out beside a WebRTC one', () => {
  const webrtc = { sdp_url: 'wss://h.example.com/webrtc-session.json', application_name: 'app-XO46IQZX' };

  it.each([
    ['rtmp:/usr:Secr3tPassw0rd@h.example.com/EntryPoint', withoutSlashes],
    [undefined, `lacks primary_server in source_connection_information ${needs}`],
  ])('%j: the WebRTC endpoint is kept, and the missing RTMP one is named', async (primary_server, lacks) => {
    const info: Record<string, unknown> = { ...source, ...webrtc, primary_server };
    if (primary_server === undefined) delete info.primary_server;
    const { stream } = await read(info);
    expect(stream.ingest.map((endpoint) => endpoint.protocol)).toEqual(['webrtc']);
    expect(stream.warnings).toEqual([
      {
        type: 'incomplete-answer',
        message: `no RTMP ingest endpoint: encoder other_rtmp pushes RTMP and Wowza Video's answer ${lacks}; ${why}`,
      },
    ]);
  });

  it('says nothing when the RTMP endpoint is there too', async () => {
    const { stream } = await read({ ...source, ...webrtc });
    expect(stream.ingest.map((endpoint) => endpoint.protocol).sort()).toEqual(['rtmp', 'webrtc']);
    expect(stream.warnings ?? []).toEqual([]);
  });
});
