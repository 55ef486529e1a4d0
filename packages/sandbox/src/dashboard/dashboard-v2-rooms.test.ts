import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { videosdkDialect } from '../dialects/videosdk.js';
import { type Sandbox, startSandbox } from '../server.js';
import type { DashboardOverview } from './dashboard.js';

// A videosdk v2 token, as the videosdk adapter signs it by default (API v2: `version: 2`, the crawler role).
function v2Token(): string {
  const { apiKey = '', secret = '' } = videosdkDialect.defaultCredentials();
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ apikey: apiKey, version: 2, roles: ['crawler'], iat: now, exp: now + 600 })}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function v2(
  running: Sandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${running.baseUrl('videosdk')}${path}`, {
    method,
    headers: { authorization: v2Token(), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

const videosdkStreams = async (running: Sandbox) => {
  const overview = (await (
    await fetch(`${running.url}/_sandbox/dashboard/overview.json`)
  ).json()) as DashboardOverview;
  return overview.providers.find((provider) => provider.id === 'videosdk')?.streams ?? [];
};

describe('the dashboard lists videosdk v2 rooms', () => {
  it('beside v1 live streams: each room with its custom id and the state of its HLS egress', async () => {
    const running = await startSandbox({ media: false, transitionMs: 3_600_000 });
    sandbox = running;
    const plain = await v2(running, 'POST', '/v2/rooms', {});
    const named = await v2(running, 'POST', '/v2/rooms', { customRoomId: 'launch-show' });
    const gone = await v2(running, 'POST', '/v2/rooms', {});
    await v2(running, 'POST', '/v2/rooms/deactivate', { roomId: gone.roomId });
    await v2(running, 'POST', '/v2/hls/start', { roomId: named.roomId });
    expect(await videosdkStreams(running)).toEqual([
      {
        id: plain.roomId,
        state: 'hls-stopped',
        acceptsVideo: false,
        ingest: [{ label: 'roomId', value: plain.roomId }],
        live: false,
      },
      {
        id: named.roomId,
        name: 'launch-show',
        state: 'hls-starting',
        acceptsVideo: false,
        ingest: [{ label: 'roomId', value: named.roomId }],
        live: false,
      },
    ]);
  });

  it('with the egress playback URL once it is playable, and its state as it ends', async () => {
    const running = await startSandbox({ media: false, transitionMs: 0 });
    sandbox = running;
    const room = await v2(running, 'POST', '/v2/rooms', {});
    await v2(running, 'POST', '/v2/hls/start', { roomId: room.roomId });
    await expect.poll(async () => (await videosdkStreams(running))[0]?.state).toBe('hls-playable');
    const active = (await v2(running, 'GET', `/v2/hls/${String(room.roomId)}/active`)).data as Record<
      string,
      unknown
    >;
    expect((await videosdkStreams(running))[0]).toMatchObject({
      id: room.roomId,
      hlsUrl: active.playbackHlsUrl,
    });
    await v2(running, 'POST', '/v2/hls/end', { roomId: room.roomId });
    await expect.poll(async () => (await videosdkStreams(running))[0]?.state).toBe('hls-stopped');
    expect((await videosdkStreams(running))[0]).not.toHaveProperty('hlsUrl');
  });
});
