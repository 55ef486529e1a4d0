import { createHttpClient, createLiveStreamClient, SecretSet } from '@unilive/core';
import type { AdapterSettings } from '@unilive/sandbox';
import ky from 'ky';
import * as v from 'valibot';
import { type BenchProviderId, createProvider, providerIds } from './providers.js';
import { type SandboxChild, startSandboxChild } from './sandbox-child.js';
import { cpuMicros, median, now, round } from './stats.js';

/** Sizes of the per-call overhead measurement. */
export interface OverheadOptions {
  /** Calls per layer in each run, taken in turns of 50 calls per layer. */
  calls: number;
  /** Runs per adapter; the figures are medians over them. */
  runs: number;
  /** Untimed calls per side and adapter first, so both paths are compiled by the JIT before timing. */
  warmup: number;
  /** Calls in flight at once (1: one after the other, as a loop with `await` does). */
  concurrency: number;
  providers?: readonly BenchProviderId[];
}

/** One side (raw fetch or unilive) of one batch, or the median of several. */
export interface OverheadSide {
  callsPerSecond: number;
  /** CPU time (user + system) of this process per call, in microseconds; the server runs elsewhere. */
  cpuMicrosPerCall: number;
}

/** The figures for one adapter. */
export interface OverheadResult {
  provider: BenchProviderId;
  /** HTTP requests one `client.get(id)` sends (checked against the sandbox's counter). */
  requestsPerCall: number;
  /** Bytes of the response body both sides read. */
  responseBytes: number;
  raw: OverheadSide;
  client: OverheadSide;
  /** Median over runs of unilive's throughput divided by raw fetch's in the same run. */
  throughputRatio: number;
  /**
   * The same for the bare ky layer: the most any client that sends its requests through ky can keep, before
   * unilive does anything.
   */
  kyRatio: number;
  /** Median unilive CPU per call minus median raw CPU per call. */
  cpuOverheadMicrosPerCall: number;
  /** Every layer between the two, medians, to show where the difference goes. */
  layers: { layer: OverheadLayer; description: string; callsPerSecond: number; cpuMicrosPerCall: number }[];
  perRun: { raw: OverheadSide; client: OverheadSide; ratio: number }[];
}

/** The layers timed, from raw fetch to the full client. */
export type OverheadLayer = 'fetch' | 'ky' | 'http' | 'adapter' | 'client';

/** What each layer adds. */
export const overheadLayers: Record<OverheadLayer, string> = {
  fetch: 'fetch + JSON.parse (raw)',
  ky: 'the same request through a ky instance (retry 0, timeout off, as core configures it)',
  http: "core's HTTP layer: createHttpClient().request() (timeouts, classification, JSON read)",
  adapter: "the adapter's get() (its credentials, the vendor schema, mapping to LiveStream)",
  client: 'createLiveStreamClient(adapter).get() (id check, call options)',
};

/** The per-call overhead report. */
export interface OverheadReport {
  calls: number;
  runs: number;
  warmup: number;
  concurrency: number;
  targetRatio: number;
  results: OverheadResult[];
  met: boolean;
}

interface Subject {
  provider: BenchProviderId;
  layers: Record<OverheadLayer, () => Promise<unknown>>;
  requestsPerCall: number;
  responseBytes: number;
}

/** The layers in order, from raw fetch to the full client. */
export const layerNames = Object.keys(overheadLayers) as OverheadLayer[];

/** The target: unilive keeps at least this share of raw fetch's throughput. */
export const overheadTargetRatio = 0.9;

/**
 * `client.get(id)` through each adapter against the sandbox on loopback, versus `fetch` + `JSON.parse` of
 * the very same request (URL and headers recorded from the adapter), with the layers in between, all taking
 * turns of {@link sliceCalls} calls. The recorded headers are reused for the whole measurement, which must
 * therefore end within the lifetime of a videosdk token (10 minutes); the full sizes take under 2.
 */
export async function measureOverhead(options: OverheadOptions): Promise<OverheadReport> {
  const sandbox = await startSandboxChild({ transitionMs: 50 });
  try {
    const subjects: Subject[] = [];
    for (const provider of options.providers ?? providerIds) {
      subjects.push(await prepare(provider, sandbox));
    }
    for (const subject of subjects) {
      for (const layer of layerNames) await batch(subject.layers[layer], options.warmup, options.concurrency);
    }
    const samples = new Map<BenchProviderId, Record<OverheadLayer, OverheadSide>[]>();
    for (let run = 0; run < options.runs; run += 1) {
      for (const subject of subjects) {
        // The layers take turns in slices of a few dozen calls, in an order that rotates, so a burst of
        // other work on the machine falls on all of them alike rather than on one batch.
        const totals = new Map(layerNames.map((layer) => [layer, { elapsedMs: 0, cpuMicros: 0 }]));
        const slices = Math.max(1, Math.round(options.calls / sliceCalls));
        for (let slice = 0; slice < slices; slice += 1) {
          const calls =
            Math.round(((slice + 1) * options.calls) / slices) - Math.round((slice * options.calls) / slices);
          for (let index = 0; index < layerNames.length; index += 1) {
            const layer = layerNames[(index + slice + run) % layerNames.length] as OverheadLayer;
            const timing = await batch(subject.layers[layer], calls, options.concurrency);
            const total = totals.get(layer);
            if (total) {
              total.elapsedMs += timing.elapsedMs;
              total.cpuMicros += timing.cpuMicros;
            }
          }
        }
        const sample = {} as Record<OverheadLayer, OverheadSide>;
        for (const [layer, total] of totals) {
          sample[layer] = {
            callsPerSecond: (options.calls / total.elapsedMs) * 1000,
            cpuMicrosPerCall: total.cpuMicros / options.calls,
          };
        }
        const list = samples.get(subject.provider) ?? [];
        list.push(sample);
        samples.set(subject.provider, list);
      }
    }
    const results = subjects.map((subject): OverheadResult => {
      const runs = samples.get(subject.provider) ?? [];
      const side = (layer: OverheadLayer): OverheadSide => ({
        callsPerSecond: round(median(runs.map((run) => run[layer].callsPerSecond))),
        cpuMicrosPerCall: round(median(runs.map((run) => run[layer].cpuMicrosPerCall)), 1),
      });
      const raw = side('fetch');
      const client = side('client');
      const perRun = runs.map((run) => ({
        raw: run.fetch,
        client: run.client,
        ratio: run.client.callsPerSecond / run.fetch.callsPerSecond,
        kyRatio: run.ky.callsPerSecond / run.fetch.callsPerSecond,
      }));
      return {
        provider: subject.provider,
        requestsPerCall: subject.requestsPerCall,
        responseBytes: subject.responseBytes,
        raw,
        client,
        throughputRatio: round(median(perRun.map((run) => run.ratio)), 3),
        kyRatio: round(median(perRun.map((run) => run.kyRatio)), 3),
        cpuOverheadMicrosPerCall: round(client.cpuMicrosPerCall - raw.cpuMicrosPerCall, 1),
        layers: layerNames.map((layer) => ({ layer, description: overheadLayers[layer], ...side(layer) })),
        perRun: perRun.map((run) => ({
          raw: {
            callsPerSecond: round(run.raw.callsPerSecond),
            cpuMicrosPerCall: round(run.raw.cpuMicrosPerCall, 1),
          },
          client: {
            callsPerSecond: round(run.client.callsPerSecond),
            cpuMicrosPerCall: round(run.client.cpuMicrosPerCall, 1),
          },
          ratio: round(run.ratio, 3),
        })),
      };
    });
    return {
      calls: options.calls,
      runs: options.runs,
      warmup: options.warmup,
      concurrency: options.concurrency,
      targetRatio: overheadTargetRatio,
      results,
      met: results.every((result) => result.throughputRatio >= overheadTargetRatio),
    };
  } finally {
    await sandbox.close();
  }
}

/** The adapter's own `get` request and its answer, recorded once from the sandbox. */
export interface RecordedGet {
  provider: BenchProviderId;
  settings: AdapterSettings;
  streamId: string;
  /** HTTP requests one `client.get(id)` sends (checked against the sandbox's counter). */
  requestsPerCall: number;
  url: string;
  headers: Record<string, string>;
  response: { status: number; headers: Record<string, string>; body: string };
}

/** Creates a stream on the sandbox and records the request `get` sends for it, with the answer. */
export async function recordGet(provider: BenchProviderId, sandbox: SandboxChild): Promise<RecordedGet> {
  const settings = sandbox.adapterSettings(provider);
  const stream = await createLiveStreamClient(createProvider(provider, settings)).create({
    name: `overhead ${provider}`,
  });
  const recorded: { request: Request; response: RecordedGet['response'] }[] = [];
  const recorder = createLiveStreamClient(
    createProvider(provider, {
      ...settings,
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const request = new Request(input, init);
        const answer = await fetch(request);
        const response = {
          status: answer.status,
          headers: Object.fromEntries(answer.headers),
          body: await answer.text(),
        };
        recorded.push({ request, response });
        return new Response(response.body, response);
      },
    }),
  );
  const before = (await sandbox.stats()).requests;
  await recorder.get(stream.id);
  const requestsPerCall = (await sandbox.stats()).requests - before;
  const last = recorded.at(-1);
  if (!last || recorded.length !== requestsPerCall || last.response.status !== 200)
    throw new Error(`${provider}: could not record the request of get`);
  return {
    provider,
    settings,
    streamId: stream.id,
    requestsPerCall,
    url: last.request.url,
    headers: Object.fromEntries(last.request.headers),
    response: last.response,
  };
}

/**
 * Every layer from bare `fetch` to the full client, each sending the recorded `get` through `transport`
 * (the global `fetch`, or a stand-in that answers without a network).
 */
export async function layersOf(
  recorded: RecordedGet,
  transport: typeof fetch,
): Promise<Record<OverheadLayer, () => Promise<unknown>>> {
  const { provider, settings, url, headers, streamId } = recorded;
  const fetchLayer = async () => {
    const response = await transport(url, { headers });
    const text = await response.text();
    if (!response.ok) throw new Error(`${provider}: raw fetch answered ${response.status}`);
    return JSON.parse(text) as unknown;
  };
  const api = ky.create({ retry: 0, timeout: false, throwHttpErrors: false, fetch: transport });
  const kyLayer = async () => {
    const response = await api(url, { headers });
    const text = await response.text();
    if (!response.ok) throw new Error(`${provider}: ky answered ${response.status}`);
    return JSON.parse(text) as unknown;
  };
  const http = createHttpClient({
    provider,
    baseUrl: settings.baseUrl,
    headers: () => headers,
    secrets: new SecretSet(),
    fetch: transport,
  });
  const path = url.slice(settings.baseUrl.replace(/\/$/, '').length + 1);
  const adapter = createProvider(provider, { ...settings, fetch: transport });
  const client = createLiveStreamClient(createProvider(provider, { ...settings, fetch: transport }));
  const layers: Record<OverheadLayer, () => Promise<unknown>> = {
    fetch: fetchLayer,
    ky: kyLayer,
    http: () => http.request({ operation: 'get', method: 'GET', path, schema: v.unknown() }),
    adapter: () => adapter.get(streamId),
    client: () => client.get(streamId),
  };
  for (const layer of layerNames) {
    const got = await layers[layer]();
    if (typeof got !== 'object' || got === null)
      throw new Error(`${provider}: the ${layer} layer returned no object`);
  }
  return layers;
}

async function prepare(provider: BenchProviderId, sandbox: SandboxChild): Promise<Subject> {
  const recorded = await recordGet(provider, sandbox);
  return {
    provider,
    layers: await layersOf(recorded, globalThis.fetch),
    requestsPerCall: recorded.requestsPerCall,
    responseBytes: Buffer.byteLength(recorded.response.body),
  };
}

/** Calls per turn of a layer. */
const sliceCalls = 50;

export async function batch(
  call: () => Promise<unknown>,
  calls: number,
  concurrency: number,
): Promise<{ elapsedMs: number; cpuMicros: number }> {
  const lanes = Math.max(1, Math.min(concurrency, calls));
  let next = 0;
  const lane = async () => {
    while (next < calls) {
      next += 1;
      await call();
    }
  };
  const cpuBefore = cpuMicros();
  const started = now();
  await Promise.all(Array.from({ length: lanes }, lane));
  return { elapsedMs: now() - started, cpuMicros: cpuMicros() - cpuBefore };
}
