import { SecretSet, type UniliveError } from '@unilive/core';
import { errorTranscript, rejectionOf } from '@unilive/testing';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { fixtureToken, recordingFetch } from '../test/recording-fetch.js';
import { mapWowzaRealtimeStream, splitRtmpUrl } from './map-wowza-realtime-stream.js';
import { wowzaRealtimeStreamEnvelopeSchema } from './wowza-realtime-api.js';
import { wowzaRealtime } from './wowza-realtime-provider.js';

// Found by an outside probe: user information in `rtmp_url` (which Wowza documents without any) reached
// `ingest[].server`, which never carries any; encoders given the server and key had no way to the login
// the URL carries.

const name = '026d16f0f754';
const token = 'f1e2d3c4b5a697887766554433221100';
const stream = (rtmp_url: string) => ({
  id: '84rp1twm',
  name: 'user info',
  stream_name: name,
  token,
  state: 'started',
  rtmp_url,
});
const mapped = (rtmp_url: string) => {
  const secrets = new SecretSet();
  const raw = stream(rtmp_url);
  const read = v.parse(wowzaRealtimeStreamEnvelopeSchema, { real_time_stream: raw }).real_time_stream;
  return { stream: mapWowzaRealtimeStream(read, raw, secrets), secrets };
};

const failure = async (run: () => Promise<unknown>) => (await rejectionOf(run)) as UniliveError;

describe('user information in rtmp_url', () => {
  it('is kept in url, left out of server, and named beside it as username and password', () => {
    const url = `rtmp://u:pw-7a8b9c@h:1935/v2/pub/${name}?token=${token}`;
    const { stream: result, secrets } = mapped(url);
    expect(result.ingest).toEqual([
      {
        protocol: 'rtmp',
        url,
        server: 'rtmp://h:1935/v2/pub',
        streamKey: `${name}?token=${token}`,
        username: 'u',
        password: 'pw-7a8b9c',
      },
    ]);
    expect(result).not.toHaveProperty('warnings');
    expect(secrets.values()).toContain('pw-7a8b9c');
  });

  it('is read percent-decoded, as the URL parser reads it; an empty part is left out', () => {
    expect(splitRtmpUrl(`rtmp://pub%40lisher:p%3Aw%2Fd@h.example/v2/pub/${name}?token=${token}`)).toEqual({
      server: 'rtmp://h.example/v2/pub',
      streamKey: `${name}?token=${token}`,
      username: 'pub@lisher',
      password: 'p:w/d',
    });
    expect(splitRtmpUrl(`rtmps://:secret-pw@h.example:443/v2/pub/${name}?token=${token}`)).toEqual({
      server: 'rtmps://h.example:443/v2/pub',
      streamKey: `${name}?token=${token}`,
      password: 'secret-pw',
    });
    expect(splitRtmpUrl(`rtmp://only-user@h.example/v2/pub/${name}`)).toEqual({
      server: 'rtmp://h.example/v2/pub',
      streamKey: name,
      username: 'only-user',
    });
    // An `@` past the host is the path's, not user information.
    expect(splitRtmpUrl(`rtmp://h.example/v2/p@b/${name}`)).toEqual({
      server: 'rtmp://h.example/v2/p@b',
      streamKey: name,
    });
  });

  it('has its password masked in a later error that echoes it alone, after the read an update makes first', async () => {
    const password = 'pw-0d1e2f3a4b';
    const { fetch } = recordingFetch(
      {
        status: 200,
        body: { real_time_stream: stream(`rtmp://pub:${password}@h:1935/v2/pub/${name}?token=${token}`) },
      },
      {
        status: 422,
        body: {
          meta: { status: 422, code: 'ERR-422-RecordInvalid', title: 'x', message: `refused: [${password}]` },
        },
      },
    );
    const provider = wowzaRealtime({ token: fixtureToken, fetch, retry: { maxRetries: 0 } });
    const error = await failure(() => provider.update('84rp1twm', { region: 'amsterdam' }));
    expect(error.vendorMessage).toBe('refused: [[REDACTED]]');
    expect(errorTranscript(error)).not.toContain(password);
  });
});
