import { describe, expect, it } from 'vitest';
import { allDialects } from './dialects/index.js';
import { liveapiDialect } from './dialects/liveapi.js';
import { wowzaRealtimeDialect } from './dialects/wowza-realtime.js';
import { wowzaVideoDialect } from './dialects/wowza-video.js';
import { createEngine } from './engine.js';
import type { SandboxResponse } from './types.js';

// `documentedOnly` leaves out of answers what no vendor document shows, so the adapters' paths for a
// documented absence can run against the sandbox. Each case compares the same requests in both modes.

type Body = Record<string, unknown>;

function sandbox(documentedOnly: boolean) {
  const engine = createEngine({ dialects: allDialects, transitionMs: 10, documentedOnly });
  const authorization: Record<string, string> = {
    'wowza-video': `Bearer ${wowzaVideoDialect.defaultCredentials().token}`,
    'wowza-realtime': `Bearer ${wowzaRealtimeDialect.defaultCredentials().token}`,
    liveapi: `Basic ${Buffer.from(
      `${liveapiDialect.defaultCredentials().tokenId}:${liveapiDialect.defaultCredentials().secretKey}`,
    ).toString('base64')}`,
  };
  async function call(provider: string, method: string, path: string, body?: unknown) {
    const url = new URL(path, 'http://sandbox');
    const outcome = await engine.handle(provider, {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: new Headers({ authorization: authorization[provider] ?? '' }),
      body,
    });
    if (outcome.kind !== 'respond') throw new Error('dropped');
    return outcome.response as SandboxResponse & { body: Body };
  }
  return { engine, call };
}

describe('documentedOnly', () => {
  it('is off by default, and set per engine or per dialect', () => {
    expect(createEngine({ dialects: allDialects }).settingsOf('liveapi')?.documentedOnly).toBe(false);
    const engine = createEngine({
      dialects: allDialects,
      documentedOnly: true,
      settings: { liveapi: { documentedOnly: false } },
    });
    expect(engine.settingsOf('wowza-video')?.documentedOnly).toBe(true);
    expect(engine.settingsOf('liveapi')?.documentedOnly).toBe(false);
  });

  it('wowza-video: keeps only the WebRTC source_connection_information, the one v2.0 documents', async () => {
    const encoders = ['other_rtmp', 'other_rtsp', 'other_srt', 'vmix', 'ipcamera', 'other_webrtc'];
    for (const documentedOnly of [false, true]) {
      const { call } = sandbox(documentedOnly);
      for (const encoder of encoders) {
        const created = await call('wowza-video', 'POST', '/live_streams', {
          live_stream: { name: encoder, broadcast_location: 'eu_germany', encoder },
        });
        const id = (created.body.live_stream as Body).id;
        const fetched = await call('wowza-video', 'GET', `/live_streams/${id}`);
        for (const answer of [created.body.live_stream, fetched.body.live_stream] as Body[]) {
          const kept = !documentedOnly || encoder === 'other_webrtc';
          expect('source_connection_information' in answer, `${encoder} ${documentedOnly}`).toBe(kept);
          // Everything else is as documented: the connection code, stream targets, playback.
          expect(answer).toMatchObject({
            connection_code: expect.any(String),
            stream_targets: [expect.any(Object)],
          });
        }
      }
    }
  });

  it('liveapi: no name, a list of docs alone, platforms without their own status', async () => {
    const { call } = sandbox(true);
    for (let index = 0; index < 12; index += 1) {
      await call('liveapi', 'POST', '/live_streams', { name: `show ${index}` });
    }
    const list = await call('liveapi', 'GET', '/live_streams');
    expect(Object.keys(list.body)).toEqual(['docs']);
    const docs = list.body.docs as Body[];
    expect(docs).toHaveLength(12);
    expect(docs.some((doc) => 'name' in doc)).toBe(false);
    const id = String(docs[0]?._id);
    await call('liveapi', 'POST', `/live_streams/${id}/platforms`, {
      template: 'custom',
      server: 'rtmp://a.rtmp.youtube.com/live2',
      key: 'yt-key',
      enabled: true,
    });
    const stream = (await call('liveapi', 'GET', `/live_streams/${id}`)).body;
    expect(stream.platforms).toEqual([
      {
        _id: expect.stringMatching(/^[0-9a-f]{24}$/),
        template: 'custom',
        enabled: true,
        server: 'rtmp://a.rtmp.youtube.com/live2',
        key: 'yt-key',
      },
    ]);
    // The stream's own broadcasting_status is documented and stays.
    expect(stream.broadcasting_status).toBe('offline');

    const full = sandbox(false);
    await full.call('liveapi', 'POST', '/live_streams', { name: 'show' });
    expect(Object.keys((await full.call('liveapi', 'GET', '/live_streams')).body)).toEqual([
      'docs',
      'total',
      'limit',
      'page',
      'pages',
    ]);
  });

  it('wowza-realtime: answers the same in both modes, every field being documented', async () => {
    const keys = async (documentedOnly: boolean) => {
      const { call } = sandbox(documentedOnly);
      const created = await call('wowza-realtime', 'POST', '/real_time', {
        real_time_stream: { name: 'rt', enable_secure_viewer: true, expires_on: '2030-01-01' },
      });
      const list = await call('wowza-realtime', 'GET', '/real_time?page=1&per_page=10');
      return [Object.keys(created.body.real_time_stream as Body).sort(), Object.keys(list.body).sort()];
    };
    expect(await keys(true)).toEqual(await keys(false));
  });
});
