import { ResponseShapeError, type UniliveError } from '@unilive/core';
import { errorTranscript, rejectionOf } from '@unilive/testing';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { fixture, fixtureToken, recordingFetch } from '../test/fixtures.js';
import { mapWowzaVideoLiveStream, wowzaVideoSecretsOf } from './map-wowza-video-live-stream.js';
import { wowzaVideoLiveStreamSchema } from './wowza-video-api.js';
import { wowzaVideo } from './wowza-video-provider.js';

// Found by an outside probe: user information Wowza's answer put in `primary_server` reached `ingest[].server`
// (which never carries any), while `url` carried the issued push credentials, so the two named different
// logins; a hostile `stream_name` gave a `url` whose last segment was not `streamKey`; a `host_port` of text
// that is no port went into the URL.

const id = 'wdjfqvsv';
const parse = (value: unknown) => v.parse(wowzaVideoLiveStreamSchema, value);
const liveStream = (fixture('get').response.body as { live_stream: Record<string, unknown> }).live_stream;
const issued = { username: 'clientv6ijrh', password: '26b61394' };
const withSource = (source: Record<string, unknown>, encoder = 'other_rtmp') =>
  parse({ id: 'abc12345', encoder, source_connection_information: source });

const failure = async (run: () => Promise<unknown>) => (await rejectionOf(run)) as UniliveError;

describe('user information inside primary_server', () => {
  it('is in no endpoint: server is without it, url carries the issued push credentials', () => {
    const stream = withSource({
      primary_server: 'rtmp://evil:pw@host.example/app',
      application: 'app-NEE0ZM7Y',
      stream_name: '498ee134',
      ...issued,
    });
    const mapped = mapWowzaVideoLiveStream(stream, {});
    expect(mapped.ingest).toEqual([
      {
        protocol: 'rtmp',
        url: 'rtmp://clientv6ijrh:26b61394@host.example/app/app-NEE0ZM7Y/498ee134',
        server: 'rtmp://host.example/app/app-NEE0ZM7Y',
        streamKey: '498ee134',
        username: 'clientv6ijrh',
        password: '26b61394',
      },
    ]);
    expect(mapped).not.toHaveProperty('warnings');
  });

  it('is dropped from a primary_server without a scheme, before the port', () => {
    const stream = withSource({
      primary_server: 'evil:pw@host.example',
      host_port: 1935,
      application: 'app-NEE0ZM7Y',
      stream_name: '498ee134',
      ...issued,
    });
    expect(mapWowzaVideoLiveStream(stream, {}).ingest).toEqual([
      {
        protocol: 'rtmp',
        url: 'rtmp://clientv6ijrh:26b61394@host.example:1935/app-NEE0ZM7Y/498ee134',
        server: 'rtmp://host.example:1935/app-NEE0ZM7Y',
        streamKey: '498ee134',
        username: 'clientv6ijrh',
        password: '26b61394',
      },
    ]);
  });

  it('is never taken for push credentials: without the issued ones (or with authentication off) neither url nor server has any', () => {
    const source = {
      primary_server: 'rtmp://evil:pw@host.example:1935',
      application: 'app-1',
      stream_name: '498ee134',
    };
    const open = mapWowzaVideoLiveStream(
      withSource({ ...source, disable_authentication: true, ...issued }),
      {},
    );
    expect(open.ingest).toEqual([
      {
        protocol: 'rtmp',
        url: 'rtmp://host.example:1935/app-1/498ee134',
        server: 'rtmp://host.example:1935/app-1',
        streamKey: '498ee134',
      },
    ]);
    expect(open).not.toHaveProperty('warnings');
    const lacking = mapWowzaVideoLiveStream(withSource(source), {});
    expect(lacking.ingest).toEqual([
      {
        protocol: 'rtmp',
        url: 'rtmp://host.example:1935/app-1/498ee134',
        server: 'rtmp://host.example:1935/app-1',
        streamKey: '498ee134',
      },
    ]);
    expect(lacking.warnings).toEqual([
      {
        type: 'incomplete-answer',
        message:
          "the rtmp ingest endpoint has no username and password although source authentication is on (disable_authentication is not true): Wowza's answer did not carry them, so the encoder may be refused; set username and password with providerOptions['wowza-video'] or disable authentication",
      },
    ]);
  });

  it('is dropped from the RTSP and SRT URLs too', () => {
    const rtsp = withSource(
      {
        primary_server: 'evil:pw@host.example',
        host_port: 1935,
        application: 'app-1',
        stream_name: '498ee134',
        ...issued,
      },
      'other_rtsp',
    );
    expect(mapWowzaVideoLiveStream(rtsp, {}).ingest).toEqual([
      {
        protocol: 'rtsp',
        url: 'rtsp://clientv6ijrh:26b61394@host.example:1935/app-1/498ee134',
        ...issued,
      },
    ]);
    const srt = withSource(
      { primary_server: 'evil:pw@host.example', host_port: 10000, stream_name: '498ee134' },
      'other_srt',
    );
    expect(mapWowzaVideoLiveStream(srt, {}).ingest).toEqual([
      { protocol: 'srt', url: 'srt://host.example:10000', streamName: '498ee134' },
    ]);
  });

  it('has its password learned as a secret, with or without a scheme', () => {
    for (const primary_server of ['rtmp://evil:pw-1a2b3c@host.example/app', 'evil:pw-1a2b3c@host.example']) {
      expect(wowzaVideoSecretsOf(withSource({ primary_server }))).toContain('pw-1a2b3c');
    }
    // The unmapped backup server, read from what Wowza sent, alike.
    const raw = { source_connection_information: { backup_server: 'evil:bk-9z8y7x@backup.example' } };
    expect(wowzaVideoSecretsOf(withSource({}), raw)).toContain('bk-9z8y7x');
  });

  it('is masked when a later error echoes the password alone (a primary_server without a scheme)', async () => {
    const password = 'pw-5e6f7a8b';
    let echo: string | undefined;
    const { fetch } = recordingFetch(() =>
      echo === undefined
        ? {
            status: 200,
            body: {
              live_stream: {
                ...liveStream,
                source_connection_information: {
                  primary_server: `evil:${password}@host.example`,
                  host_port: 1935,
                  application: 'app-X',
                  stream_name: 'c773b967',
                  ...issued,
                },
              },
            },
          }
        : {
            status: 500,
            body: { meta: { status: 500, code: 'ERR-500', title: '', message: `failed: ${echo}` } },
          },
    );
    const wowza = wowzaVideo({ token: fixtureToken, fetch, retry: { maxRetries: 0 } });
    const stream = await wowza.get(id);
    expect(JSON.stringify(stream.ingest)).not.toContain(password);
    echo = `[${password}]`;
    const error = await failure(() => wowza.get(id));
    expect(error.vendorMessage).toBe('failed: [[REDACTED]]');
    expect(errorTranscript(error)).not.toContain(password);
  });
});

describe('url, server and streamKey name one stream', () => {
  const source = {
    primary_server: '127.0.0.1',
    host_port: 1935,
    application: 'app-NEE0ZM7Y',
    ...issued,
  };
  const leftOut =
    'no ingest endpoint: encoder other_rtmp pushes RTMP and Wowza Video\'s answer has a stream_name or application that an RTMP URL cannot carry in its path as sent (a "/" in the stream name, a "?", "#" or "%", a "." or ".." segment, or a character a URL escapes), so the URL would name another stream than the stream key; Wowza documents these keys for API v1 only (for v2.0 it documents source_connection_information\'s WebRTC keys alone, and the RTMP details on its transcoder resource, which unilive does not read), so a v2.0 answer may leave them out; what Wowza sent is in raw.source_connection_information';

  it.each(['k/../x?y#z', 'k/x', '..', '.', 'k?token=1', 'k#1', 'k%2Fx', 'k x', 'kéy'])(
    'leaves the endpoint out, with the incomplete-answer warning, for stream_name %j',
    (stream_name) => {
      const mapped = mapWowzaVideoLiveStream(withSource({ ...source, stream_name }), {});
      expect(mapped.ingest).toEqual([]);
      expect(mapped.warnings).toEqual([{ type: 'incomplete-answer', message: leftOut }]);
    },
  );

  it('leaves it out for an application holding a dot segment or a query', () => {
    for (const application of ['app/../x', 'app?x']) {
      const mapped = mapWowzaVideoLiveStream(
        withSource({ ...source, application, stream_name: '498ee134' }),
        {},
      );
      expect(mapped.ingest).toEqual([]);
      expect(mapped.warnings).toEqual([{ type: 'incomplete-answer', message: leftOut }]);
    }
  });

  it('keeps a stream name of the characters a URL path writes as they are', () => {
    const stream_name = "Ab9._~!$&'()*+,;=:@-";
    expect(mapWowzaVideoLiveStream(withSource({ ...source, stream_name }), {}).ingest).toEqual([
      {
        protocol: 'rtmp',
        url: `rtmp://clientv6ijrh:26b61394@127.0.0.1:1935/app-NEE0ZM7Y/${stream_name}`,
        server: 'rtmp://127.0.0.1:1935/app-NEE0ZM7Y',
        streamKey: stream_name,
        ...issued,
      },
    ]);
  });

  it('writes a host_port sent as digits as its number, in url and server alike', () => {
    const mapped = mapWowzaVideoLiveStream(
      withSource({ ...source, host_port: '01935', stream_name: '498ee134' }),
      {},
    );
    expect(mapped.ingest).toEqual([
      {
        protocol: 'rtmp',
        url: 'rtmp://clientv6ijrh:26b61394@127.0.0.1:1935/app-NEE0ZM7Y/498ee134',
        server: 'rtmp://127.0.0.1:1935/app-NEE0ZM7Y',
        streamKey: '498ee134',
        ...issued,
      },
    ]);
  });
});

describe('a host_port that is no integer', () => {
  it.each([
    ['1935/evil', 'an integer (a port)'],
    ['1935 ', 'an integer (a port)'],
    [1935.5, 'an integer (a port)'],
    [true, '(number | string)'],
  ])(
    '%j is a ResponseShapeError naming the path, as a mistyped disable_authentication is',
    async (host_port, expected) => {
      const { fetch } = recordingFetch(() => ({
        status: 200,
        body: {
          live_stream: {
            ...liveStream,
            source_connection_information: {
              primary_server: '127.0.0.1',
              host_port,
              application: 'app-X',
              stream_name: 'c773b967',
              ...issued,
            },
          },
        },
      }));
      const wowza = wowzaVideo({ token: fixtureToken, fetch, retry: { maxRetries: 0 } });
      const error = await failure(() => wowza.get(id));
      expect(ResponseShapeError.isInstance(error)).toBe(true);
      expect((error as ResponseShapeError).issues).toEqual([
        { path: 'live_stream.source_connection_information.host_port', expected },
      ]);
      // The published schema says the same.
      const published = v.safeParse(wowzaVideoLiveStreamSchema, {
        id,
        source_connection_information: { primary_server: '127.0.0.1', host_port },
      });
      expect(published.issues?.map((issue) => [v.getDotPath(issue), issue.expected])).toEqual([
        ['source_connection_information.host_port', expected],
      ]);
    },
  );
});
