import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type BenchSubject, defaultSubjects } from './providers.js';
import {
  batch,
  type Layer,
  layerBase,
  layerNames,
  layersOf,
  type RecordedGet,
  recordGet,
  responseBytesOf,
} from './record.js';
import { startSandboxChild } from './sandbox-child.js';
import { round } from './stats.js';

/** Sizes of the own-cost measurement. */
export interface OwnCostOptions {
  /** Calls per layer in each run. */
  calls: number;
  /** Runs per adapter, each taking every layer in turn; each figure is the lowest over them. */
  runs: number;
  /** Untimed calls per layer first, so every layer is compiled by the JIT before timing. */
  warmup: number;
  subjects?: readonly BenchSubject[];
}

/** The CPU and heap one layer costs per call, transport excluded. */
export interface OwnCostLayer {
  layer: Layer;
  cpuMicrosPerCall: number;
  /** This layer's figure minus that of the layer it is built on ({@link layerBase}): what it adds. */
  addedMicros: number;
  /** V8 heap allocated per call, KiB (median over the runs). */
  heapKiBPerCall: number;
}

/** The figures for one adapter. */
export interface OwnCostResult {
  subject: string;
  responseBytes: number;
  layers: OwnCostLayer[];
  /** The full client minus the stand-in `fetch` + `JSON.parse`: everything unilive and ky do per call. */
  totalAddedMicros: number;
  /** The full client's heap per call minus bare ky's, KiB. */
  heapOverKyKiB: number;
  /** `totalAddedMicros`, exact, within {@link ownCostTargetOf} the adapter. */
  met: boolean;
}

/** The own-cost report. */
export interface OwnCostReport {
  calls: number;
  runs: number;
  warmup: number;
  /** The targets: µs of CPU per call for small answers and for Wowza Video's, heap KiB over bare ky. */
  targets: { smallMicros: number; wowzaVideoMicros: number; heapOverKyKiB: number };
  results: OwnCostResult[];
}

/** The targets of unilive's own CPU per call (ky's included) and of its heap per call beyond bare ky's. */
export const ownCostTargets = { smallMicros: 20, wowzaVideoMicros: 45, heapOverKyKiB: 10 } as const;

/** The CPU target for one adapter: Wowza Video's answer is 5.5 kB with 30 playback URLs, the others under 1 kB. */
export const ownCostTargetOf = (subject: BenchSubject | string) =>
  (typeof subject === 'string' ? subject : subject.provider) === 'wowza-video'
    ? ownCostTargets.wowzaVideoMicros
    : ownCostTargets.smallMicros;

/**
 * What each layer's own code costs per `get`, with the network taken out: the adapter's recorded requests
 * are answered, in process, by a stand-in `fetch` that returns the recorded response. Unlike the loopback
 * figures, these are not shared with undici's sockets or the server, so they move by a few µs from run to
 * run rather than tens, and show where unilive's own time goes.
 */
export async function measureOwnCost(options: OwnCostOptions): Promise<OwnCostReport> {
  const sandbox = await startSandboxChild({ transitionMs: 50, media: false });
  const recordings: RecordedGet[] = [];
  try {
    for (const subject of options.subjects ?? defaultSubjects)
      recordings.push(await recordGet(subject, sandbox));
  } finally {
    await sandbox.close();
  }
  const results: OwnCostResult[] = [];
  for (const recorded of recordings) {
    const layers = await layersOf(recorded, standInFetch(recorded));
    for (const layer of layerNames) await batch(layers[layer], options.warmup, 1);
    const cpu = new Map<Layer, number[]>(layerNames.map((layer) => [layer, []]));
    const heap = new Map<Layer, number[]>(layerNames.map((layer) => [layer, []]));
    for (let run = 0; run < options.runs; run += 1) {
      for (let index = 0; index < layerNames.length; index += 1) {
        const layer = layerNames[(index + run) % layerNames.length] as Layer;
        const timing = await batch(layers[layer], options.calls, 1);
        cpu.get(layer)?.push(timing.cpuMicros / options.calls);
        heap.get(layer)?.push(timing.heapBytes / 1024 / options.calls);
      }
    }
    results.push(ownCostOf(recorded.subject, responseBytesOf(recorded), cpu, heap));
  }
  return {
    calls: options.calls,
    runs: options.runs,
    warmup: options.warmup,
    targets: ownCostTargets,
    results,
  };
}

// Compiled, this module sits next to own-cost-process.js. Under vitest it is TypeScript, and the child's
// relative `.js` import would not resolve under Node's type stripping, so the smoke test measures in process.
const compiled = !import.meta.url.endsWith('.ts');
const childModule = fileURLToPath(new URL('./own-cost-process.js', import.meta.url));

/**
 * {@link measureOwnCost} in a fresh process of its own (own-cost-process.ts), so that nothing the rest of the
 * benchmark loads (a Redis client, the vendor SDKs, esbuild) shares the process whose CPU it counts. Under
 * vitest, from the sources, it measures in this process instead.
 */
export async function measureOwnCostApart(options: OwnCostOptions): Promise<OwnCostReport> {
  if (!compiled) return measureOwnCost(options);
  const child = fork(childModule, [JSON.stringify(options)], {
    // The heap figures read V8's GC statistics, which need no flag; --expose-gc is the parent's, for its
    // memory section.
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return new Promise<OwnCostReport>((resolve, reject) => {
    let report: OwnCostReport | undefined;
    child.once('message', (message) => {
      report = message as OwnCostReport;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (report !== undefined && code === 0) resolve(report);
      else reject(new Error(`the own-cost process ended without a report (code ${code}, signal ${signal})`));
    });
  });
}

/**
 * One adapter's figures from its runs (µs of CPU and KiB of heap per call, per layer, one value per run):
 * the lowest CPU run of each layer is its cost, since other work on the machine and stray collections only
 * ever add time; heap is the median run. The verdict is taken on the exact figures, before rounding.
 */
export function ownCostOf(
  subject: BenchSubject,
  responseBytes: number,
  cpu: ReadonlyMap<Layer, readonly number[]>,
  heap: ReadonlyMap<Layer, readonly number[]>,
): OwnCostResult {
  const lowestOf = (layer: Layer) => Math.min(...(cpu.get(layer) ?? [Number.NaN]));
  const heapOf = (layer: Layer) => {
    const values = [...(heap.get(layer) ?? [])].sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)] ?? Number.NaN;
  };
  const costs = layerNames.map((layer): OwnCostLayer => {
    const base = layerBase[layer];
    return {
      layer,
      cpuMicrosPerCall: round(lowestOf(layer), 1),
      addedMicros: base === null ? 0 : round(lowestOf(layer) - lowestOf(base), 1),
      heapKiBPerCall: round(heapOf(layer), 1),
    };
  });
  const total = lowestOf('client') - lowestOf('fetch');
  return {
    subject: subject.id,
    responseBytes,
    layers: costs,
    totalAddedMicros: round(total, 1),
    heapOverKyKiB: round(heapOf('client') - heapOf('ky'), 1),
    met: total <= ownCostTargetOf(subject),
  };
}

/** A `fetch` that answers each recorded request with its recorded response, without a network. */
export function standInFetch(recorded: RecordedGet): typeof fetch {
  const answers = new Map(recorded.requests.map((request) => [request.path, request.response] as const));
  const only = recorded.requests.length === 1 ? recorded.requests[0]?.response : undefined;
  return async (input) => {
    // One request: no need to read the URL (reading a Request's URL costs the caller nothing it would not
    // pay anyway, but the stand-in should cost as little as possible).
    const answer =
      only ??
      answers.get(
        (() => {
          const url = new URL(input instanceof Request ? input.url : String(input));
          return `${url.pathname}${url.search}`;
        })(),
      );
    if (!answer) throw new Error('the stand-in fetch has no answer for this request');
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };
}
