import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { liveapiDialect } from './dialects/liveapi.js';
import { videosdkDialect } from './dialects/videosdk.js';
import { wowzaRealtimeDialect } from './dialects/wowza-realtime.js';
import { wowzaVideoDialect } from './dialects/wowza-video.js';
import { createEngine, type SandboxEngine } from './engine.js';
import type { StreamChange } from './types.js';

// The engine reports every stream change through one emitter; each dialect says what changed.

let engine: SandboxEngine;
let changes: StreamChange[];

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-11-29T12:00:00Z') });
  engine = createEngine({
    dialects: [wowzaVideoDialect, wowzaRealtimeDialect, liveapiDialect, videosdkDialect],
    transitionMs: 1_000,
  });
  changes = [];
  engine.onStreamChange((change) => changes.push(change));
});
afterEach(() => {
  engine.close();
  vi.useRealTimers();
});

function authorization(provider: string): string {
  const credentials = engine.settingsOf(provider)?.credentials ?? {};
  if (provider === 'liveapi') {
    return `Basic ${Buffer.from(`${credentials.tokenId}:${credentials.secretKey}`).toString('base64')}`;
  }
  if (provider === 'videosdk') {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ apikey: credentials.apiKey })}`;
    return `${input}.${createHmac('sha256', credentials.secret ?? '')
      .update(input)
      .digest('base64url')}`;
  }
  return `Bearer ${credentials.token}`;
}

async function call(provider: string, method: string, path: string, body?: unknown) {
  const outcome = await engine.handle(provider, {
    method,
    path,
    query: new URLSearchParams(),
    headers: new Headers({ authorization: authorization(provider) }),
    body,
  });
  if (outcome.kind !== 'respond') throw new Error('dropped');
  return outcome.response.body as Record<string, Record<string, unknown>>;
}

const summary = (change: StreamChange) => [
  change.kind,
  change.previousState ?? null,
  change.state ?? null,
  change.record === undefined ? 'no record' : 'record',
];

describe('stream changes', () => {
  it('wowza-video: created, updated, each state of start and stop, recording ready, deleted', async () => {
    const created = await call('wowza-video', 'POST', '/live_streams', {
      live_stream: { name: 'a', broadcast_location: 'eu_germany', encoder: 'other_rtmp' },
    });
    const id = String(created.live_stream?.id);
    await call('wowza-video', 'PATCH', `/live_streams/${id}`, { live_stream: { recording: true } });
    await call('wowza-video', 'PUT', `/live_streams/${id}/start`);
    await vi.advanceTimersByTimeAsync(1_000);
    await call('wowza-video', 'PUT', `/live_streams/${id}/stop`);
    await vi.advanceTimersByTimeAsync(1_000);
    await call('wowza-video', 'DELETE', `/live_streams/${id}`);

    expect(changes.map(summary)).toEqual([
      ['created', null, 'stopped', 'record'],
      ['updated', null, 'stopped', 'record'],
      ['state-changed', 'stopped', 'starting', 'record'],
      ['state-changed', 'starting', 'started', 'record'],
      // Stop answers `stopped` and the stream is stopped at once (quick start, OpenAPI example).
      ['state-changed', 'started', 'stopped', 'record'],
      ['recording-ready', null, 'stopped', 'record'],
      ['deleted', null, 'stopped', 'record'],
    ]);
    expect(changes.every((change) => change.provider === 'wowza-video' && change.id === id)).toBe(true);
    expect(changes[3]?.at).toBe(Date.parse('2026-11-29T12:00:01Z'));
    expect(changes[5]?.details).toEqual({ url: expect.stringContaining(`/recordings/${id}.mp4`) });
  });

  it('wowza-realtime: encoder connected and disconnected carry the stream as the API renders it', async () => {
    const created = await call('wowza-realtime', 'POST', '/real_time', {
      real_time_stream: { name: 'rt', recording: true },
    });
    const id = String(created.real_time_stream?.id);
    engine.setEncoder('wowza-realtime', id, true);
    engine.setEncoder('wowza-realtime', id, true); // no change, no report
    engine.setEncoder('wowza-realtime', id, false);
    await call('wowza-realtime', 'PUT', `/real_time/${id}/stop`);
    await call('wowza-realtime', 'DELETE', `/real_time/${id}`);

    expect(changes.map(summary)).toEqual([
      ['created', null, 'started', 'record'],
      ['encoder-connected', null, 'started', 'record'],
      ['encoder-disconnected', null, 'started', 'record'],
      ['state-changed', 'started', 'stopped', 'record'],
      ['recording-ready', null, 'stopped', 'record'],
      ['deleted', null, 'stopped', 'record'],
    ]);
    expect(changes[1]?.record?.stream_name).toBe(created.real_time_stream?.stream_name);
  });

  it('liveapi: the enabled toggle is a state change; a restream target added is an update', async () => {
    const created = await call('liveapi', 'POST', '/live_streams', { name: 'l' });
    const id = String(created._id);
    await call('liveapi', 'PATCH', `/live_streams/${id}`, { enabled: false });
    await call('liveapi', 'PATCH', `/live_streams/${id}`, { enabled: true });
    await call('liveapi', 'PATCH', `/live_streams/${id}`, { name: 'renamed' });
    await call('liveapi', 'POST', `/live_streams/${id}/platforms`, {
      template: 'custom',
      server: 'rtmp://example.com/live',
      key: 'k',
    });
    engine.setEncoder('liveapi', id, true);
    await call('liveapi', 'DELETE', `/live_streams/${id}`);

    expect(changes.map(summary)).toEqual([
      ['created', null, 'enabled', 'record'],
      ['state-changed', 'enabled', 'disabled', 'record'],
      ['state-changed', 'disabled', 'enabled', 'record'],
      ['updated', null, 'enabled', 'record'],
      ['updated', null, 'enabled', 'record'],
      ['encoder-connected', null, 'enabled', 'record'],
      // The delete cuts the encoder while the stream still exists: its disconnect names the stream.
      ['encoder-disconnected', null, 'enabled', 'record'],
      ['deleted', null, 'enabled', 'record'],
    ]);
    expect(changes[4]?.details).toEqual({ restream: 'added' });
    expect(changes[5]?.record?.broadcasting_status).toBe('online');
    expect(changes[6]?.record).toMatchObject({ _id: id, broadcasting_status: 'offline' });
    expect(engine.encoderConnected('liveapi', id)).toBe(false);
  });

  it('videosdk v1: created, updated, deleted (no lifecycle to report)', async () => {
    const created = await call('videosdk', 'POST', '/v1/livestreams', { name: 'v' });
    const id = String(created.id);
    await call('videosdk', 'POST', `/v1/livestreams/${id}`, { name: 'w' });
    await call('videosdk', 'DELETE', `/v1/livestreams/${id}`);
    expect(changes.map(summary)).toEqual([
      ['created', null, null, 'record'],
      ['updated', null, null, 'record'],
      ['deleted', null, null, 'record'],
    ]);
  });

  it('an observer that throws neither breaks the call nor silences the others; unsubscribing stops it', async () => {
    engine.onStreamChange(() => {
      throw new Error('broken observer');
    });
    const seen: string[] = [];
    const stop = engine.onStreamChange((change) => seen.push(change.kind));
    const created = await call('liveapi', 'POST', '/live_streams', { name: 'l' });
    expect(created._id).toBeDefined();
    stop();
    await call('liveapi', 'DELETE', `/live_streams/${String(created._id)}`);
    expect(seen).toEqual(['created']);
    expect(changes.map((change) => change.kind)).toEqual(['created', 'deleted']);
  });

  it('an encoder change on a stream the dialect does not know is still reported, without a record', () => {
    engine.setEncoder('liveapi', 'nope', true);
    expect(changes).toEqual([
      { kind: 'encoder-connected', provider: 'liveapi', id: 'nope', at: Date.parse('2026-11-29T12:00:00Z') },
    ]);
  });
});
