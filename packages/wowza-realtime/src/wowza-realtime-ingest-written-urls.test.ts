import type { UniliveError } from '@unilive/core';
import { errorTranscript, rejectionOf } from '@unilive/testing';
import { describe, expect, it } from 'vitest';
import { fixtureToken, recordingFetch } from '../test/recording-fetch.js';
import { splitRtmpUrl } from './map-wowza-realtime-stream.js';
import { wowzaRealtime } from './wowza-realtime-provider.js';

// Found by an outside probe (EA): an `rtmp_url` whose scheme is written without `//`
// (`rtmp:user:pw@host/v2/pub/…`, `rtmp:/user:pw@host/…`, `rtmp:///…`), in which the URL parser places no host,
// was returned as an endpoint whose `server` held the user information and password, and the password was
// never learned as a secret.

const id = '84rp1twm';
const name = '026d16f0f754';
const token = 'f1e2d3c4b5a697887766554433221100';
const stream = (rtmp_url: string) => ({
  id,
  name: 'written urls',
  stream_name: name,
  token,
  state: 'started',
  rtmp_url,
});
const noEndpoint = [
  {
    type: 'incomplete-answer',
    message:
      "no ingest endpoint: Wowza Real-Time's answer has no RTMP URL (rtmp_url); publish over WebRTC with Wowza's SDK or OBS build using providerDetails['wowza-realtime'].sdk (streamName, publishToken)",
  },
];

const failure = async (run: () => Promise<unknown>) => (await rejectionOf(run)) as UniliveError;

const written: [string, string][] = [
  [`rtmp:usr:Secr3tPassw0rd@h.example.com/v2/pub/${name}?token=${token}`, 'Secr3tPassw0rd'],
  [`rtmp:/usr:Pw2oneSlash@h.example.com/v2/pub/${name}?token=${token}`, 'Pw2oneSlash'],
  [`rtmp:///u%40x:Pw3three@h.example.com:1935/v2/pub/${name}?token=${token}`, 'Pw3three'],
  [`RTMPS:usr:Pw4upper@h.example.com:443/v2/pub/${name}?token=${token}`, 'Pw4upper'],
];

describe('an rtmp_url whose scheme is written without "//"', () => {
  it.each(written)(
    '%j gives no endpoint, the incomplete-answer warning, and its password is a secret',
    async (rtmp_url, password) => {
      const { fetch } = recordingFetch({ status: 200, body: { real_time_stream: stream(rtmp_url) } });
      const provider = wowzaRealtime({ token: fixtureToken, fetch, retry: { maxRetries: 0 } });
      const result = await provider.get(id);
      expect(result.ingest).toEqual([]);
      expect(result.warnings).toEqual(noEndpoint);
      expect(provider.secrets?.()).toContain(password);
      expect(splitRtmpUrl(rtmp_url)).toBeUndefined();
    },
  );

  it.each([
    `rtmp:/h.example.com/v2/pub/${name}?token=${token}`,
    `rtmp:h.example.com/v2/pub/${name}`,
    `rtmp:///h.example.com:1935/v2/pub/${name}`,
  ])('%j (no user information) gives no endpoint either', async (rtmp_url) => {
    const { fetch } = recordingFetch({ status: 200, body: { real_time_stream: stream(rtmp_url) } });
    const provider = wowzaRealtime({ token: fixtureToken, fetch, retry: { maxRetries: 0 } });
    const result = await provider.get(id);
    expect(result.ingest).toEqual([]);
    expect(result.warnings).toEqual(noEndpoint);
  });

  it('has its password learned from the read an update makes first, and masked in a later error', async () => {
    const password = 'Pw5update0d1e';
    const { fetch } = recordingFetch(
      {
        status: 200,
        body: { real_time_stream: stream(`rtmp:/pub:${password}@h:1935/v2/pub/${name}?token=${token}`) },
      },
      {
        status: 422,
        body: {
          meta: { status: 422, code: 'ERR-422-RecordInvalid', title: 'x', message: `refused: [${password}]` },
        },
      },
    );
    const provider = wowzaRealtime({ token: fixtureToken, fetch, retry: { maxRetries: 0 } });
    const error = await failure(() => provider.update(id, { region: 'amsterdam' }));
    expect(provider.secrets?.()).toContain(password);
    expect(error.vendorMessage).toBe('refused: [[REDACTED]]');
    expect(errorTranscript(error)).not.toContain(password);
  });

  it('leaves the form with "//" as it was', async () => {
    const url = `rtmp://usr:Pw6slashes@h.example.com:1935/v2/pub/${name}?token=${token}`;
    const { fetch } = recordingFetch({ status: 200, body: { real_time_stream: stream(url) } });
    const provider = wowzaRealtime({ token: fixtureToken, fetch, retry: { maxRetries: 0 } });
    const result = await provider.get(id);
    expect(result.ingest).toEqual([
      {
        protocol: 'rtmp',
        url,
        server: 'rtmp://h.example.com:1935/v2/pub',
        streamKey: `${name}?token=${token}`,
        username: 'usr',
        password: 'Pw6slashes',
      },
    ]);
    expect(result).not.toHaveProperty('warnings');
    expect(provider.secrets?.()).toEqual(expect.arrayContaining(['Pw6slashes', token]));
  });
});
