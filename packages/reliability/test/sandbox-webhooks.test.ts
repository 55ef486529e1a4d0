import {
  createLiveStreamClient,
  type LiveStream,
  type LiveStreamClient,
  type LiveStreamEvent,
  type LiveStreamProvider,
  type ProviderId,
  type RestreamTargetInput,
} from '@unilive/core';
import { liveapi, parseWebhook as parseLiveApi } from '@unilive/liveapi';
import { type Sandbox, startSandbox, type WebhookDeliveryRecord } from '@unilive/sandbox';
import { startWebhookReceiver, type WebhookReceiver } from '@unilive/testing';
import { parseWebhook as parseVideosdk, videosdk, videosdkPublicKey } from '@unilive/videosdk';
import {
  parseWebhook as parseRealtime,
  wowzaRealtime,
  wowzaRealtimeDetailsOf,
} from '@unilive/wowza-realtime';
import { parseWebhook as parseWowzaVideo, wowzaVideo } from '@unilive/wowza-video';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSection } from './check-rows.js';

// The sandbox's webhooks against what its README promises per dialect, and each adapter's parseWebhook
// against what its provider page maps them to: random lifecycles of one stream, each step followed by the
// exact deliveries it must cause (the vendor's event names, in order, in the vendor's payload shape) and the
// neutral event each becomes. A transition the sandbox reports but sends nothing for (Wowza Video's stop
// once did) is a missing delivery here; one it sends twice, or for the wrong step, an extra one.

const { counted } = checkSection('sandbox.webhooks', 'events');

type Dialect = 'wowza-video' | 'wowza-realtime' | 'liveapi' | 'videosdk' | 'videosdk-v2';
type Command = 'start' | 'stop' | 'reset' | 'rename' | 'encoder-on' | 'encoder-off' | 'restream-add';

/** What the model knows of the stream between steps (every step ends settled). */
interface Model {
  running: boolean;
  encoder: boolean;
  recording: boolean;
  restream: RestreamTargetInput[];
}

/** The neutral event a vendor event becomes, as each provider page's Webhooks section maps it. */
type Neutral = Pick<LiveStreamEvent, 'type'> & { state?: string; broadcasting?: boolean };

interface DialectSpec {
  provider: ProviderId;
  make(sandbox: Sandbox): LiveStreamProvider;
  commands: readonly Command[];
  /** Whether `create` records (a stream that records has a recording once it stops). */
  recording: boolean;
  running(stream: LiveStream): boolean;
  /** The deliveries `create` causes. */
  created(): string[];
  /** The deliveries a step causes from the model's state, in order (`next` moves the model on). */
  step(command: Command, model: Model): string[];
  /** The deliveries `delete` causes from the model's state (a stream running, an encoder on it or not). */
  deleted(model: Model): string[];
  neutral: Record<string, Neutral | ((payload: Record<string, unknown>) => Neutral)>;
  /** The payload's shape, per the vendor's reference (and the sandbox README where nothing is published). */
  shape(event: string, payload: Record<string, unknown>, id: string): void;
}

const ready = (stream: LiveStream) => stream.state === 'ready';

// Wowza Video legacy transcoder events (wowza.md §9.1; fixtures webhook.v1.transcoder.*): the envelope, and
// the `object_data` keys of each event. `stop.requested` and `reset.*` are named by symmetry only; the sandbox
// shapes a request like `start.requested` and `reset.complete` like `start.complete`.
const wowzaObjectData: Record<string, string[]> = {
  'start.requested': ['uptime_id', 'reference_id'],
  'start.complete': ['uptime_id', 'ip_address', 'reference_id'],
  'stop.requested': ['uptime_id', 'reference_id'],
  'stop.complete': ['uptime_id'],
  'reset.requested': ['uptime_id', 'reference_id'],
  'reset.complete': ['uptime_id', 'ip_address', 'reference_id'],
};

const dialects: Record<Dialect, DialectSpec> = {
  'wowza-video': {
    provider: 'wowza-video',
    make: (sandbox) => wowzaVideo(sandbox.adapterSettings('wowza-video')),
    commands: ['start', 'stop', 'reset', 'rename', 'encoder-on', 'encoder-off'],
    recording: true,
    running: ready,
    created: () => [],
    step(command, model) {
      if (command === 'start' && !model.running) return ['start.requested', 'start.complete'];
      if (command === 'stop' && model.running) return ['stop.requested', 'stop.complete'];
      if (command === 'reset' && model.running) return ['reset.requested', 'reset.complete'];
      return [];
    },
    // A delete stops a running stream first (its transcoder stops), as `stop` would.
    deleted: (model) => (model.running ? ['stop.requested', 'stop.complete'] : []),
    neutral: {
      'start.requested': { type: 'live_stream.state_changed', state: 'starting' },
      'start.complete': { type: 'live_stream.state_changed', state: 'ready' },
      'stop.requested': { type: 'live_stream.state_changed', state: 'stopping' },
      'stop.complete': { type: 'live_stream.state_changed', state: 'stopped' },
      'reset.requested': { type: 'live_stream.state_changed', state: 'resetting' },
      'reset.complete': { type: 'live_stream.state_changed', state: 'ready' },
    },
    shape(event, payload, id) {
      expect(Object.keys(payload)).toEqual([
        'version',
        'event',
        'event_id',
        'event_time',
        'object_type',
        'object_id',
        'object_data',
      ]);
      expect(payload).toMatchObject({ version: 1.0, event, object_type: 'transcoder', object_id: id });
      expect(typeof payload.event_time).toBe('number');
      const data = payload.object_data as Record<string, unknown>;
      expect(Object.keys(data)).toEqual(wowzaObjectData[event]);
      expect(data.uptime_id).toMatch(/^[a-z0-9]{8}$/);
      if ('ip_address' in data) expect(data.ip_address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    },
  },
  'wowza-realtime': {
    provider: 'wowza-realtime',
    make: (sandbox) => wowzaRealtime(sandbox.adapterSettings('wowza-realtime')),
    // A Real-Time stream is live from its creation and does not start again once stopped (`restart: false`).
    commands: ['start', 'stop', 'rename', 'encoder-on', 'encoder-off'],
    recording: true,
    running: ready,
    created: () => [],
    step(command, model) {
      if (command === 'stop' && model.running) return model.recording ? ['media.completed'] : [];
      if (command === 'encoder-on' && !model.encoder) return ['feeds.started'];
      if (command === 'encoder-off' && model.encoder) return ['feeds.ended'];
      return [];
    },
    // A delete cuts the encoder: its feed ends, naming the stream (Real-Time sends no delete event).
    deleted: (model) => (model.encoder ? ['feeds.ended'] : []),
    neutral: {
      'feeds.started': { type: 'live_stream.connected', broadcasting: true },
      'feeds.ended': { type: 'live_stream.disconnected', broadcasting: false },
      'media.completed': { type: 'live_stream.recording_ready' },
    },
    shape(event, payload) {
      expect(Object.keys(payload)).toEqual(['type', 'event', 'timestamp', 'data']);
      expect(`${payload.type}.${payload.event}`).toBe(event);
    },
  },
  liveapi: {
    provider: 'liveapi',
    make: (sandbox) => liveapi(sandbox.adapterSettings('liveapi')),
    commands: ['start', 'stop', 'rename', 'encoder-on', 'encoder-off', 'restream-add'],
    recording: false,
    running: ready,
    created: () => ['stream-created'],
    step(command, model) {
      if (command === 'start' && !model.running) return ['stream-status-toggle'];
      if (command === 'stop' && model.running) return ['stream-status-toggle'];
      if (command === 'encoder-on' && !model.encoder) return ['stream-connected'];
      if (command === 'encoder-off' && model.encoder) return ['stream-disconnected'];
      if (command === 'restream-add') return ['stream-platform-added'];
      return [];
    },
    // A delete cuts the encoder: `stream-disconnected` with the stream, then `stream-removed`.
    deleted: (model) => [...(model.encoder ? ['stream-disconnected'] : []), 'stream-removed'],
    neutral: {
      'stream-created': { type: 'live_stream.created' },
      'stream-status-toggle': (payload) => ({
        type: 'live_stream.state_changed',
        state: (payload.payload as { enabled?: boolean }).enabled ? 'ready' : 'stopped',
      }),
      'stream-connected': { type: 'live_stream.connected', broadcasting: true },
      'stream-disconnected': { type: 'live_stream.disconnected', broadcasting: false },
      'stream-platform-added': { type: 'live_stream.restream_changed' },
      'stream-removed': { type: 'live_stream.deleted' },
    },
    shape(event, payload) {
      expect(Object.keys(payload)).toEqual(['event', 'payload']);
      expect(payload.event).toBe(event);
    },
  },
  // v1 documents no webhooks: nothing is ever sent.
  videosdk: {
    provider: 'videosdk',
    make: (sandbox) => videosdk({ ...sandbox.adapterSettings('videosdk'), apiVersion: 'v1' }),
    commands: ['start', 'rename', 'encoder-on', 'encoder-off'],
    recording: false,
    running: ready,
    created: () => [],
    step: () => [],
    deleted: () => [],
    neutral: {},
    shape() {},
  },
  'videosdk-v2': {
    provider: 'videosdk',
    make: (sandbox) => videosdk({ ...sandbox.adapterSettings('videosdk'), apiVersion: 'v2' }),
    commands: ['start', 'stop', 'encoder-on', 'encoder-off'],
    recording: false,
    running: ready,
    created: () => [],
    step(command, model) {
      if (command === 'start' && !model.running) return ['hls-starting', 'hls-started', 'hls-playable'];
      if (command === 'stop' && model.running) return ['hls-stopping', 'hls-stopped'];
      return [];
    },
    // Deactivating the room ends its HLS egress: hls-stopping, hls-stopped.
    deleted: (model) => (model.running ? ['hls-stopping', 'hls-stopped'] : []),
    neutral: {
      'hls-starting': { type: 'live_stream.state_changed', state: 'starting' },
      'hls-started': { type: 'live_stream.state_changed', state: 'starting' },
      'hls-playable': { type: 'live_stream.state_changed', state: 'ready' },
      'hls-stopping': { type: 'live_stream.state_changed', state: 'stopping' },
      'hls-stopped': { type: 'live_stream.state_changed', state: 'stopped' },
    },
    shape(event, payload, id) {
      expect(Object.keys(payload)).toEqual(['webhookType', 'data']);
      expect(payload.webhookType).toBe(event);
      expect(payload.data).toMatchObject({ meetingId: id, sessionId: expect.any(String) });
    },
  },
};

let sandbox: Sandbox;
const receivers = new Map<ProviderId, WebhookReceiver>();
// Real-Time events name the stream by its Millicast name; the test knows each one it made.
const realtimeNames = new Map<string, string>();
// Every delivery record since the start (the sandbox keeps only its last 100).
const log: WebhookDeliveryRecord[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ transitionMs: 5, media: false });
  sandbox.webhooks.onDelivery((record) => log.push(record));
  const keySource = videosdkPublicKey({ baseUrl: sandbox.baseUrl('videosdk') });
  const parsers: [ProviderId, Parameters<typeof startWebhookReceiver>[0]['parse']][] = [
    ['wowza-video', (input) => parseWowzaVideo(input, { unsigned: true })],
    [
      'wowza-realtime',
      (input) =>
        parseRealtime(input, {
          secret: sandbox.webhooks.secret,
          resolveStreamId: (name) => realtimeNames.get(name),
        }),
    ],
    ['liveapi', (input) => parseLiveApi(input, { unsigned: true })],
    ['videosdk', (input) => parseVideosdk(input, { keySource })],
  ];
  for (const [provider, parse] of parsers) {
    const receiver = await startWebhookReceiver({ parse, path: `/hooks/${provider}` });
    receivers.set(provider, receiver);
    sandbox.webhooks.register(provider, receiver.url);
  }
});

afterAll(async () => {
  for (const receiver of receivers.values()) await receiver.close();
  await sandbox?.close();
});

// Waits until `count` deliveries of `provider` have been answered, then until nothing more is queued: a
// step whose deliveries never come fails here, naming what did come. The polls here and in `run` wait as
// long as the shared config's (30 s): a 5 s limit failed a step whose process stalled 5 s mid-transition
// (the stream still 'starting' when the limit's timer ran), which is the machine's pace, not a lost delivery.
async function delivered(provider: ProviderId, count: number, expected: string[]): Promise<string[]> {
  const names = () => log.filter((delivery) => delivery.provider === provider);
  await expect
    .poll(() => names().length, { interval: 5, message: `expected ${expected.join(', ')}` })
    .toBeGreaterThanOrEqual(count);
  await sandbox.webhooks.settled();
  return names().map((delivery) => delivery.event);
}

async function reset(id: string): Promise<void> {
  const response = await fetch(`${sandbox.baseUrl('wowza-video')}/live_streams/${id}/reset`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${sandbox.credentials('wowza-video').token}` },
  });
  await response.arrayBuffer();
}

// Runs one command; every step ends settled (the stream in the state the command leads to), so the next
// one starts from what the model knows. A refusal is fine: the deliveries decide.
async function run(
  client: LiveStreamClient,
  spec: DialectSpec,
  stream: LiveStream,
  command: Command,
  model: Model,
): Promise<void> {
  // Polled here rather than by waitForState, whose interval is at least 100 ms.
  const settle = (state: 'ready' | 'stopped') =>
    expect.poll(async () => (await client.get(stream.id)).state, { interval: 5 }).toBe(state);
  switch (command) {
    case 'start':
      if (
        await client.start(stream.id).then(
          () => true,
          () => false,
        )
      )
        await settle('ready');
      break;
    case 'stop':
      if (
        await client.stop(stream.id).then(
          () => true,
          () => false,
        )
      )
        await settle('stopped');
      break;
    case 'reset':
      await reset(stream.id);
      if (model.running) await settle('ready');
      break;
    case 'rename':
      await client.update(stream.id, { name: `renamed ${model.restream.length}` }).catch(() => undefined);
      break;
    case 'encoder-on':
      sandbox.setEncoder(spec.provider, stream.id, true);
      break;
    case 'encoder-off':
      sandbox.setEncoder(spec.provider, stream.id, false);
      break;
    case 'restream-add': {
      const target = { url: 'rtmp://restream.example/live', streamKey: `key-${model.restream.length}` };
      model.restream.push(target);
      await client.update(stream.id, { restream: model.restream });
      break;
    }
  }
}

function next(spec: DialectSpec, command: Command, model: Model): void {
  if (command === 'start' && spec.provider !== 'wowza-realtime') model.running = true;
  if (command === 'stop') model.running = false;
  if (command === 'encoder-on') model.encoder = true;
  if (command === 'encoder-off') model.encoder = false;
}

describe('sandbox webhooks: every promised transition is delivered, and parsed as documented', () => {
  for (const [dialect, spec] of Object.entries(dialects) as [Dialect, DialectSpec][]) {
    it(`${dialect}: random lifecycles get exactly the documented deliveries`, async () => {
      const client = createLiveStreamClient(spec.make(sandbox));
      const receiver = receivers.get(spec.provider) as WebhookReceiver;
      await fc.assert(
        // `live`: the stream is deleted as the steps left it (running, an encoder on it), not stopped and
        // disconnected first.
        fc.asyncProperty(
          fc.array(fc.constantFrom(...spec.commands), { maxLength: 8 }),
          fc.boolean(),
          (commands, live) =>
            counted(
              'sandbox webhooks: the documented deliveries of a lifecycle',
              dialect,
              async () => {
                await sandbox.webhooks.settled();
                const before = log.filter((record) => record.provider === spec.provider).length;
                const eventsBefore = receiver.events.length;
                const stream = await client.create({
                  name: 'webhook lifecycle',
                  ...(spec.recording ? { recording: true } : {}),
                });
                const details = wowzaRealtimeDetailsOf(stream);
                if (details) realtimeNames.set(details.sdk.streamName, stream.id);
                const model: Model = {
                  running: spec.running(stream),
                  encoder: false,
                  recording: spec.recording,
                  restream: [],
                };
                const expected = spec.created();
                await delivered(spec.provider, before + expected.length, expected);
                for (const command of commands) {
                  const step = spec.step(command, model);
                  await run(client, spec, stream, command, model);
                  next(spec, command, model);
                  expected.push(...step);
                  const got = await delivered(spec.provider, before + expected.length, step);
                  expect([command, got.slice(before)]).toEqual([command, expected]);
                }
                if (model.encoder && !live) {
                  expected.push(...spec.step('encoder-off', model));
                  sandbox.setEncoder(spec.provider, stream.id, false);
                  next(spec, 'encoder-off', model);
                }
                if (model.running && spec.commands.includes('stop') && !live) {
                  expected.push(...spec.step('stop', model));
                  await run(client, spec, stream, 'stop', model);
                  next(spec, 'stop', model);
                }
                await client.delete(stream.id);
                expected.push(...spec.deleted(model));
                const got = await delivered(spec.provider, before + expected.length, expected);
                expect(got.slice(before)).toEqual(expected);
                // Each delivery verified and was answered 200, in the vendor's shape, about this stream.
                const records = log.filter((record) => record.provider === spec.provider);
                expect(records.slice(before).map((record) => record.status)).toEqual(expected.map(() => 200));
                const events = receiver.events.slice(eventsBefore);
                expect(events.map((event) => event.data?.vendorEvent)).toEqual(expected);
                for (const [index, event] of events.entries()) {
                  const name = expected[index] as string;
                  const payload = event.raw as Record<string, unknown>;
                  spec.shape(name, payload, stream.id);
                  const rule = spec.neutral[name];
                  const neutral = typeof rule === 'function' ? rule(payload) : rule;
                  expect({ name, type: event.type, streamId: event.streamId }).toEqual({
                    name,
                    type: neutral?.type,
                    streamId: stream.id,
                  });
                  if (neutral?.state !== undefined)
                    expect([name, event.state]).toEqual([name, neutral.state]);
                  if (neutral?.broadcasting !== undefined)
                    expect([name, event.broadcasting]).toEqual([name, neutral.broadcasting]);
                }
              },
              `${commands.join(' ') || '(no step)'}${live ? ', deleted live' : ''}`,
            ),
        ),
        { numRuns: 25 },
      );
    });
  }
});
