import { batch, layerNames, layersOf, type OverheadLayer, type RecordedGet, recordGet } from './overhead.js';
import { type BenchProviderId, providerIds } from './providers.js';
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
  providers?: readonly BenchProviderId[];
}

/** The CPU one layer costs per call, transport excluded. */
export interface OwnCostLayer {
  layer: OverheadLayer;
  cpuMicrosPerCall: number;
  /** This layer's figure minus the one before it: what the layer itself adds. */
  addedMicros: number;
}

/** The figures for one adapter. */
export interface OwnCostResult {
  provider: BenchProviderId;
  responseBytes: number;
  layers: OwnCostLayer[];
  /** The full client minus the stand-in `fetch` + `JSON.parse`: everything unilive does per call. */
  totalAddedMicros: number;
}

/** The own-cost report. */
export interface OwnCostReport {
  calls: number;
  runs: number;
  warmup: number;
  results: OwnCostResult[];
}

/**
 * What each layer's own code costs per `get`, with the network taken out: the adapter's recorded request
 * is answered, in process, by a stand-in `fetch` that returns the recorded response. Unlike the loopback
 * figures, these are not shared with undici's sockets or the server, so they move by a few µs from run to
 * run rather than tens, and show where unilive's own time goes.
 */
export async function measureOwnCost(options: OwnCostOptions): Promise<OwnCostReport> {
  const sandbox = await startSandboxChild({ transitionMs: 50 });
  const recordings: RecordedGet[] = [];
  try {
    for (const provider of options.providers ?? providerIds)
      recordings.push(await recordGet(provider, sandbox));
  } finally {
    await sandbox.close();
  }
  const results: OwnCostResult[] = [];
  for (const recorded of recordings) {
    const { body, status, headers } = recorded.response;
    const standIn: typeof fetch = async () => new Response(body, { status, headers });
    const layers = await layersOf(recorded, standIn);
    for (const layer of layerNames) await batch(layers[layer], options.warmup, 1);
    const samples = new Map<OverheadLayer, number[]>(layerNames.map((layer) => [layer, []]));
    for (let run = 0; run < options.runs; run += 1) {
      for (let index = 0; index < layerNames.length; index += 1) {
        const layer = layerNames[(index + run) % layerNames.length] as OverheadLayer;
        const timing = await batch(layers[layer], options.calls, 1);
        samples.get(layer)?.push(timing.cpuMicros / options.calls);
      }
    }
    // Other work on the machine and stray collections only ever add time: the lowest run is the cost.
    const lowest = layerNames.map((layer) => Math.min(...(samples.get(layer) ?? [Number.NaN])));
    const costs = layerNames.map(
      (layer, index): OwnCostLayer => ({
        layer,
        cpuMicrosPerCall: round(lowest[index] ?? Number.NaN, 1),
        addedMicros: index === 0 ? 0 : round((lowest[index] ?? 0) - (lowest[index - 1] ?? 0), 1),
      }),
    );
    const first = costs[0]?.cpuMicrosPerCall ?? 0;
    const last = costs.at(-1)?.cpuMicrosPerCall ?? 0;
    results.push({
      provider: recorded.provider,
      responseBytes: Buffer.byteLength(body),
      layers: costs,
      totalAddedMicros: round(last - first, 1),
    });
  }
  return { calls: options.calls, runs: options.runs, warmup: options.warmup, results };
}
