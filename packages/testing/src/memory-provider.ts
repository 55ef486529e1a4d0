import {
  type CallOptions,
  type CreateLiveStreamInput,
  createHttpClient,
  type ListOptions,
  type LiveStream,
  type LiveStreamProvider,
  type LiveStreamStatus,
  lenientPicklist,
  liveStreamStates,
  type ProviderCapabilities,
  pathOf,
  type RetryPolicy,
  SecretSet,
  type UpdateLiveStreamInput,
} from '@unilive/core';
import * as v from 'valibot';
import { createMemoryBackend, type MemoryBackend } from './memory-backend.js';

const memoryStreamSchema = v.looseObject({
  id: v.string(),
  name: v.string(),
  state: lenientPicklist(liveStreamStates, 'unknown'),
  recording: v.boolean(),
  createdAt: v.string(),
  updatedAt: v.string(),
  ingest: v.looseObject({ server: v.string(), stream_key: v.string() }),
});
const streamEnvelope = v.looseObject({ stream: memoryStreamSchema });
const listEnvelope = v.looseObject({ streams: v.array(memoryStreamSchema), has_more: v.boolean() });
const statusEnvelope = v.looseObject({ state: lenientPicklist(liveStreamStates, 'unknown') });
const errorBody = v.looseObject({ error: v.looseObject({ code: v.string(), message: v.string() }) });

/** What the memory provider can do: everything, like a vendor with explicit start and stop. */
export const memoryCapabilities: ProviderCapabilities = {
  lifecycle: 'explicit',
  start: true,
  stop: true,
  restart: true,
  update: true,
  delete: true,
  recording: true,
  restream: false,
  regions: false,
  lowLatency: false,
  broadcastingStatus: false,
  names: true,
  ingestProtocols: ['rtmp'],
  playbackProtocols: ['hls'],
  maxNameLength: 200,
};

/** Settings of {@link createMemoryProvider}. */
export interface MemoryProviderSettings {
  /** The backend to talk to; a new one by default. */
  backend?: MemoryBackend;
  token?: string;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
}

/**
 * A provider whose vendor lives in memory, reached through core's real HTTP layer: fast, deterministic,
 * and able to fail on demand. Use it to test code written against unilive without any vendor.
 */
export function createMemoryProvider(settings: MemoryProviderSettings = {}): LiveStreamProvider & {
  backend: MemoryBackend;
} {
  const token = settings.token ?? 'memory-token-0123456789';
  const backend = settings.backend ?? createMemoryBackend({ token });
  const secrets = new SecretSet();
  secrets.add(token);
  const http = createHttpClient({
    provider: 'memory',
    baseUrl: 'https://memory.unilive.test/v1',
    headers: () => ({ authorization: `Bearer ${token}` }),
    fetch: backend.fetch,
    secrets,
    retry: settings.retry,
    timeoutMs: settings.timeoutMs,
    readError: (body) => {
      const parsed = v.safeParse(errorBody, body);
      return parsed.success ? { code: parsed.output.error.code, message: parsed.output.error.message } : {};
    },
  });

  const toStream = (raw: v.InferOutput<typeof memoryStreamSchema>): LiveStream => {
    secrets.learn(raw.ingest.stream_key);
    return {
      id: raw.id,
      provider: 'memory',
      name: raw.name,
      state: raw.state,
      ingest: [
        {
          protocol: 'rtmp',
          url: `${raw.ingest.server}/${raw.ingest.stream_key}`,
          server: raw.ingest.server,
          streamKey: raw.ingest.stream_key,
        },
      ],
      playback: [{ protocol: 'hls', url: `https://play.memory.test/${raw.id}/index.m3u8` }],
      recording: raw.recording,
      createdAt: new Date(raw.createdAt),
      updatedAt: new Date(raw.updatedAt),
      raw,
    };
  };

  return {
    specificationVersion: 'v1',
    id: 'memory',
    capabilities: memoryCapabilities,
    backend,
    secrets: () => secrets.values(),
    async create(input: CreateLiveStreamInput, options?: CallOptions) {
      const response = await http.request({
        operation: 'create',
        method: 'POST',
        path: 'streams',
        body: { name: input.name, recording: input.recording ?? false },
        schema: streamEnvelope,
        options,
      });
      return toStream(response.data.stream);
    },
    async get(id: string, options?: CallOptions) {
      const response = await http.request({
        operation: 'get',
        method: 'GET',
        path: pathOf`streams/${id}`,
        schema: streamEnvelope,
        options,
      });
      return toStream(response.data.stream);
    },
    async *list(options: ListOptions = {}) {
      for (let page = 1; ; page += 1) {
        const response = await http.request({
          operation: 'list',
          method: 'GET',
          path: 'streams',
          query: { page, per_page: options.pageSize ?? 20 },
          schema: listEnvelope,
          options,
        });
        for (const raw of response.data.streams) yield toStream(raw);
        if (!response.data.has_more) return;
      }
    },
    async update(id: string, patch: UpdateLiveStreamInput, options?: CallOptions) {
      const response = await http.request({
        operation: 'update',
        method: 'PATCH',
        path: pathOf`streams/${id}`,
        body: { name: patch.name, recording: patch.recording },
        schema: streamEnvelope,
        idempotent: true,
        options,
      });
      return toStream(response.data.stream);
    },
    async delete(id: string, options?: CallOptions) {
      await http.request({ operation: 'delete', method: 'DELETE', path: pathOf`streams/${id}`, options });
    },
    async start(id: string, options?: CallOptions) {
      const response = await http.request({
        operation: 'start',
        method: 'PUT',
        path: pathOf`streams/${id}/start`,
        schema: streamEnvelope,
        options,
      });
      return toStream(response.data.stream);
    },
    async stop(id: string, options?: CallOptions) {
      const response = await http.request({
        operation: 'stop',
        method: 'PUT',
        path: pathOf`streams/${id}/stop`,
        schema: streamEnvelope,
        options,
      });
      return toStream(response.data.stream);
    },
    async getStatus(id: string, options?: CallOptions): Promise<LiveStreamStatus> {
      const response = await http.request({
        operation: 'status',
        method: 'GET',
        path: pathOf`streams/${id}/status`,
        schema: statusEnvelope,
        options,
      });
      return { state: response.data.state, raw: response.data };
    },
  };
}
