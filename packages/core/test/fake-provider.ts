import type { ProviderCapabilities } from '../src/capabilities.js';
import { NotFoundError } from '../src/errors/errors.js';
import type { IngestEndpoint, IngestProtocol, LiveStream, LiveStreamState } from '../src/live-stream.js';
import type { CallOptions, CreateLiveStreamInput, LiveStreamProvider } from '../src/provider.js';

/** Capabilities of a vendor that can do everything a fake needs; override what a test varies. */
export const fullCapabilities: ProviderCapabilities = {
  lifecycle: 'explicit',
  start: true,
  stop: true,
  restart: true,
  update: true,
  delete: true,
  recording: true,
  restream: true,
  regions: true,
  lowLatency: true,
  broadcastingStatus: false,
  names: true,
  ingestProtocols: ['rtmp', 'srt', 'webrtc'],
  playbackProtocols: ['hls'],
  maxNameLength: 200,
};

/**
 * What a scripted create does: succeed, fail before making anything, or make the stream and then fail
 * (the answer was lost), as a vendor behind a flaky network does.
 */
export type CreateScript =
  | { kind: 'succeed' }
  | { kind: 'fail'; error: Error }
  | { kind: 'make-then-fail'; error: Error };

// An endpoint of `protocol` whose URL has that protocol's scheme, as a vendor's would.
function ingestEndpoint(protocol: IngestProtocol, host: string, next: number): IngestEndpoint {
  const scheme = protocol === 'webrtc' ? 'wss' : protocol === 'wowz' ? 'wowz' : protocol;
  return { protocol, url: `${scheme}://${host}/live/key${next}` };
}

/** An in-memory provider whose creates follow a script; every call is logged as `<op> <id>`. */
export function fakeProvider(
  id: string,
  options: {
    capabilities?: Partial<ProviderCapabilities>;
    streams?: number;
    /** `list` throws this after yielding `failListAfter` streams. */
    failList?: { after: number; error: Error };
    deleteError?: Error;
    startState?: LiveStreamState;
  } = {},
) {
  const store = new Map<string, LiveStream>();
  const calls: string[] = [];
  const script: CreateScript[] = [];
  const createInputs: CreateLiveStreamInput[] = [];
  let next = 0;
  const make = (input: CreateLiveStreamInput, state: LiveStreamState = 'stopped'): LiveStream => {
    next += 1;
    const stream: LiveStream = {
      id: `${id.replace(/[^a-z0-9]/gi, '')}${next}`,
      provider: id,
      name: input.name,
      state,
      ingest: [ingestEndpoint(input.ingestProtocol ?? 'rtmp', `${id}.test`, next)],
      playback: [{ protocol: 'hls', url: `https://${id}.test/${next}.m3u8` }],
      ...(input.recording === undefined ? {} : { recording: input.recording }),
      ...(input.restream ? { restream: input.restream.map((target) => ({ ...target })) } : {}),
      raw: { made: next },
    };
    store.set(stream.id, stream);
    return stream;
  };
  for (let index = 0; index < (options.streams ?? 0); index += 1) make({ name: `${id} stream ${index}` });
  const found = (streamId: string, operation: string) => {
    const stream = store.get(streamId);
    if (!stream) {
      throw new NotFoundError({
        provider: id,
        operation,
        status: 404,
        message: 'not found',
        delivery: 'refused',
      });
    }
    return stream;
  };
  const provider: LiveStreamProvider = {
    specificationVersion: 'v1',
    id,
    capabilities: { ...fullCapabilities, ...options.capabilities },
    async create(input: CreateLiveStreamInput, _options?: CallOptions) {
      calls.push('create');
      createInputs.push(input);
      const step = script.shift() ?? { kind: 'succeed' };
      if (step.kind === 'fail') throw step.error;
      const stream = make(input);
      if (step.kind === 'make-then-fail') throw step.error;
      return stream;
    },
    async get(streamId) {
      calls.push(`get ${streamId}`);
      return found(streamId, 'get');
    },
    async *list() {
      let yielded = 0;
      for (const stream of [...store.values()]) {
        if (options.failList && yielded === options.failList.after) throw options.failList.error;
        calls.push(`list-item ${stream.id}`);
        yielded += 1;
        yield stream;
      }
      if (options.failList && yielded === options.failList.after) throw options.failList.error;
    },
    async update(streamId, patch) {
      calls.push(`update ${streamId}`);
      const stream = { ...found(streamId, 'update'), ...(patch.name ? { name: patch.name } : {}) };
      store.set(streamId, stream);
      return stream;
    },
    async delete(streamId) {
      calls.push(`delete ${streamId}`);
      found(streamId, 'delete');
      if (options.deleteError) throw options.deleteError;
      store.delete(streamId);
    },
    async start(streamId) {
      calls.push(`start ${streamId}`);
      const stream = { ...found(streamId, 'start'), state: options.startState ?? ('ready' as const) };
      store.set(streamId, stream);
      return stream;
    },
    async stop(streamId) {
      calls.push(`stop ${streamId}`);
      const stream = { ...found(streamId, 'stop'), state: 'stopped' as const };
      store.set(streamId, stream);
      return stream;
    },
  };
  return {
    provider,
    store,
    calls,
    createInputs,
    /** Scripts the next creates, in order; unscripted creates succeed. */
    script(...steps: CreateScript[]) {
      script.push(...steps);
    },
  };
}
