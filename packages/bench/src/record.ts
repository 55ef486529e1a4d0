import { GCProfiler, getHeapStatistics } from 'node:v8';
import { createHttpClient, createLiveStreamClient, SecretSet } from '@unilive/core';
import type { AdapterSettings } from '@unilive/sandbox';
import ky, { type KyInstance } from 'ky';
import * as v from 'valibot';
import { type BenchSubject, createProvider } from './providers.js';
import type { ReplayAnswer } from './replay-server.js';
import type { SandboxChild } from './sandbox-child.js';
import { cpuMicros, now } from './stats.js';

/** One request an adapter's `get` sent, and the sandbox's answer. */
export interface RecordedRequest {
  method: string;
  /** The URL as sent. */
  url: string;
  /** `pathname + search`, the key a replay server answers by. */
  path: string;
  headers: Record<string, string>;
  response: { status: number; headers: Record<string, string>; body: string };
}

/** The requests one `client.get(id)` sends, and their answers, recorded once from the sandbox. */
export interface RecordedGet {
  subject: BenchSubject;
  /** The adapter's settings against the sandbox: its base URL and credentials. */
  settings: AdapterSettings;
  streamId: string;
  /** In the order sent; the last one's answer is the stream. */
  requests: RecordedRequest[];
}

/** Bytes of the answers one `get` reads. */
export const responseBytesOf = (recorded: RecordedGet) =>
  recorded.requests.reduce((total, request) => total + Buffer.byteLength(request.response.body), 0);

/** What a replay server answers to replay a recorded `get`. */
export function replayRoutesOf(recorded: RecordedGet): Record<string, ReplayAnswer> {
  return Object.fromEntries(
    recorded.requests.map((request) => [
      `${request.method} ${request.path}`,
      { status: request.response.status, body: request.response.body },
    ]),
  );
}

/** Creates a stream on the sandbox and records every request `get` sends for it, with the answers. */
export async function recordGet(subject: BenchSubject, sandbox: SandboxChild): Promise<RecordedGet> {
  const settings = sandbox.adapterSettings(subject.provider);
  const stream = await createLiveStreamClient(createProvider(subject, settings)).create({
    name: `bench ${subject.id}`,
  });
  const requests: RecordedRequest[] = [];
  const recorder = createLiveStreamClient(
    createProvider(subject, {
      ...settings,
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const request = new Request(input, init);
        const answer = await fetch(request);
        const response = {
          status: answer.status,
          headers: Object.fromEntries(answer.headers),
          body: await answer.text(),
        };
        const url = new URL(request.url);
        requests.push({
          method: request.method,
          url: request.url,
          path: `${url.pathname}${url.search}`,
          headers: Object.fromEntries(request.headers),
          response,
        });
        return new Response(response.body, response);
      },
    }),
  );
  const before = (await sandbox.stats()).requests;
  await recorder.get(stream.id);
  const sent = (await sandbox.stats()).requests - before;
  // Every request a GET; the stream's own answer a 200 (videosdk v2 also asks for the room's HLS egress,
  // which a stream not started answers with 404, as the vendor does).
  if (
    requests.length === 0 ||
    requests.length !== sent ||
    requests.some((request) => request.method !== 'GET') ||
    requests[0]?.response.status !== 200
  )
    throw new Error(`${subject.id}: could not record the requests of get`);
  return { subject, settings, streamId: stream.id, requests };
}

/**
 * A bare ky instance configured as core's HTTP layer configures its own (no retry, no timeout, no throw on
 * an HTTP error status, redirects not followed), so that the baseline differs from unilive only by what
 * unilive does on top of ky.
 */
export function bareKy(transport?: typeof fetch): KyInstance {
  return ky.create({
    retry: 0,
    timeout: false,
    throwHttpErrors: false,
    redirect: 'manual',
    ...(transport ? { fetch: transport } : {}),
  });
}

/**
 * Sends every request of one `get` at once, as the adapters that need two answers do (videosdk v2 reads
 * the room and its egress together), and gives the first one's parsed body: a baseline sending them one
 * after the other would take two round trips where unilive takes one, and look slower than it is.
 */
export async function readAll<T>(requests: readonly T[], read: (request: T) => Promise<unknown>) {
  if (requests.length === 1) return read(requests[0] as T);
  const bodies = await Promise.all(requests.map(read));
  return bodies[0];
}

/** The layers timed, from bare `fetch` to the full client. */
export type Layer = 'fetch' | 'ky' | 'http' | 'adapter' | 'client';

/** What each layer adds. */
export const layerDescriptions: Record<Layer, string> = {
  fetch: 'fetch + JSON.parse (raw)',
  ky: "the same requests through a bare ky instance configured as core's (retry 0, timeout off, manual redirects), its headers given to ky to merge as an application gives them (core hands its own to the fetch ky calls, so its layer can come out below this one)",
  http: "core's HTTP layer on ky: createHttpClient().request() (pollution guard, timeouts, classification, JSON read)",
  adapter: "the adapter's get() (its credentials, the vendor schema, mapping to LiveStream)",
  client: 'createLiveStreamClient(adapter).get() (id check, call options)',
};

/**
 * The layer each one is built on, whose figure its own addition is measured from: core's HTTP layer sends
 * through ky, so it is measured from bare ky, and ky from the stand-in fetch.
 */
export const layerBase: Record<Layer, Layer | null> = {
  fetch: null,
  ky: 'fetch',
  http: 'ky',
  adapter: 'http',
  client: 'adapter',
};

/** The layers in order, from bare fetch to the full client. */
export const layerNames = Object.keys(layerDescriptions) as Layer[];

/**
 * Every layer from bare `fetch` to the full client, each sending the recorded requests through `transport`
 * (the global `fetch`, or a stand-in that answers without a network) to `baseUrl` (the sandbox's, where they
 * were recorded, or a replay server's with the same path).
 */
export async function layersOf(
  recorded: RecordedGet,
  transport: typeof fetch,
  origin: string = new URL(recorded.settings.baseUrl).origin,
): Promise<Record<Layer, () => Promise<unknown>>> {
  const { subject, streamId } = recorded;
  const baseUrl = `${origin}${new URL(recorded.settings.baseUrl).pathname}`;
  const requests = recorded.requests.map((request) => ({
    url: `${origin}${request.path}`,
    headers: request.headers,
    status: request.response.status,
    path: request.path.slice(new URL(baseUrl).pathname.replace(/\/?$/, '/').length),
  }));
  const fetchLayer = () =>
    readAll(requests, async ({ url, headers, status }) => {
      const response = await transport(url, { headers });
      const text = await response.text();
      if (response.status !== status) throw new Error(`${subject.id}: raw fetch answered ${response.status}`);
      return JSON.parse(text) as unknown;
    });
  const api = bareKy(transport);
  const kyLayer = () =>
    readAll(requests, async ({ url, headers, status }) => {
      const response = await api(url, { headers });
      const text = await response.text();
      if (response.status !== status) throw new Error(`${subject.id}: ky answered ${response.status}`);
      return JSON.parse(text) as unknown;
    });
  const http = createHttpClient({
    provider: subject.provider,
    baseUrl,
    headers: () => requests[0]?.headers ?? {},
    secrets: new SecretSet(),
    fetch: transport,
  });
  // One schema for every call, as an adapter has: a schema made per call would be hardened per call too
  // (core walks each new schema once), a cost no adapter pays, charged to this layer and taken off the next.
  const anyBody = v.unknown();
  const httpLayer = () =>
    readAll(requests, async ({ path, status }) => {
      // A 404 the adapter expects (videosdk v2's egress of a room not started) is an answer, as there.
      const { data } = await http.request({
        operation: 'get',
        method: 'GET',
        path,
        schema: anyBody,
        notFoundIsAnswer: status === 404,
      });
      return data;
    });
  const settings = { ...recorded.settings, baseUrl, fetch: transport };
  const adapter = createProvider(subject, settings);
  const client = createLiveStreamClient(createProvider(subject, settings));
  const layers: Record<Layer, () => Promise<unknown>> = {
    fetch: fetchLayer,
    ky: kyLayer,
    http: httpLayer,
    adapter: () => adapter.get(streamId),
    client: () => client.get(streamId),
  };
  for (const layer of layerNames) {
    const got = await layers[layer]();
    if (typeof got !== 'object' || got === null)
      throw new Error(`${subject.id}: the ${layer} layer returned no object`);
  }
  return layers;
}

/** What a batch of calls took. */
export interface BatchTiming {
  elapsedMs: number;
  /** CPU time (user + system, every thread) of this process. */
  cpuMicros: number;
  /** V8 heap allocated: the heap's growth between collections, summed. */
  heapBytes: number;
}

/** Runs `calls` calls with `concurrency` in flight: the wall time, CPU time and V8 heap they took. */
export async function batch(
  call: () => Promise<unknown>,
  calls: number,
  concurrency: number,
): Promise<BatchTiming> {
  const lanes = Math.max(1, Math.min(concurrency, calls));
  let next = 0;
  const lane = async () => {
    while (next < calls) {
      next += 1;
      await call();
    }
  };
  const profiler = new GCProfiler();
  profiler.start();
  const heapBefore = getHeapStatistics().used_heap_size;
  const cpuBefore = cpuMicros();
  const started = now();
  await Promise.all(Array.from({ length: lanes }, lane));
  const elapsedMs = now() - started;
  const cpu = cpuMicros() - cpuBefore;
  const heapAfter = getHeapStatistics().used_heap_size;
  // Heap used grows with every allocation and shrinks only in a collection: what each collection freed,
  // added back to the growth, is what the calls allocated.
  let freed = 0;
  for (const collection of profiler.stop()?.statistics ?? [])
    freed += collection.beforeGC.heapStatistics.usedHeapSize - collection.afterGC.heapStatistics.usedHeapSize;
  return { elapsedMs, cpuMicros: cpu, heapBytes: Math.max(0, heapAfter - heapBefore + freed) };
}
