import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createLiveStreamClient } from '@unilive/core';
import { allDialects, createEngine } from '@unilive/sandbox';
import { wowzaVideo } from '@unilive/wowza-video';
import { subjectOf } from './providers.js';
import { batch, recordGet, replayRoutesOf } from './record.js';
import { startReplayServer } from './replay-server.js';
import { startSandboxChild } from './sandbox-child.js';
import { now, round } from './stats.js';

/** Options of {@link measureMemory}. */
export interface MemoryOptions {
  /** `get` calls of the repeated-get measurement (0: not measured). */
  gets: number;
  /** What the repeated gets retain is read after every this many calls. */
  getsSampleEvery: number;
  /** Streams seeded and walked. */
  streams: number;
  /** `per_page` of each list request (Wowza Video allows up to 1000). */
  pageSize: number;
  /** Heap samples are taken every this many streams. */
  sampleEvery: number;
  /** Which walks to run: summaries (`listDetails: false`), details (the adapter's default), or both. */
  variants?: readonly MemoryVariant[];
}

/** `summaries`: one request per page; `details`: one more GET per stream, the adapter's default. */
export type MemoryVariant = 'summaries' | 'details';

/**
 * One walk's figures. Bytes are heap bytes (V8 `heapUsed`) plus array buffers (`arrayBuffers`: typed arrays'
 * storage lives outside the heap, and the secrets index keeps its tables there) above the baseline taken
 * after a full GC.
 */
export interface MemoryResult {
  variant: MemoryVariant;
  streams: number;
  pageSize: number;
  /** HTTP requests the walk sent (the sandbox's counter). */
  requests: number;
  elapsedMs: number;
  /** Highest heap growth seen while walking with no forced GC (garbage not yet collected included). */
  peakHeapGrowthBytes: number;
  /** The same, page by page: flat when the garbage does not pile up with the streams walked. */
  peakHeapGrowthByPageBytes: number[];
  /** Highest resident set growth seen in the same walk. */
  peakRssGrowthBytes: number;
  /** Heap growth after a full GC at the end of each page: what the walk holds on to, page by page. */
  retainedAfterPageBytes: number[];
  /** The largest of those. */
  peakRetainedGrowthBytes: number;
  /** Retained bytes per stream between the first and the last page (the slope; 0 when flat). */
  retainedBytesPerStream: number;
  /** Retained growth from the first page to the last stays under {@link memoryFlatBytes}. */
  flat: boolean;
  /** Flat, and the retained growth under {@link memoryMaxGrowthBytes}. */
  met: boolean;
}

/** The memory report. */
export interface MemoryReport {
  provider: 'wowza-video';
  streams: number;
  pageSize: number;
  results: MemoryResult[];
  /** One client's `get`, called again and again; absent when not measured. */
  gets?: GetsMemoryResult;
  /** The target: growth flat in the number of streams, under this many bytes. */
  maxGrowthBytes: number;
  met: boolean;
}

/** Many `get` calls through one client: what the heap retains as they pile up. */
export interface GetsMemoryResult {
  calls: number;
  /** Calls in flight at once. */
  concurrency: number;
  elapsedMs: number;
  /** Heap retained after a full GC, above the baseline, after each `sampleEvery` calls. */
  sampleEvery: number;
  retainedBytes: number[];
  /** Retained growth from the first sample to the last. */
  growthBytes: number;
  /** Growth under {@link memoryFlatBytes}. */
  met: boolean;
}

/** The target: walking the streams grows the heap by less than this. */
export const memoryMaxGrowthBytes = 10 * 1024 * 1024;

/** "Flat": what the walk retains grows by less than this between its first page and its last. */
export const memoryFlatBytes = 1024 * 1024;

/**
 * Seeds a sandbox with `streams` Wowza Video streams (made by the sandbox's own dialect, written as its
 * persistence snapshot), then walks them with `client.list()` in this process while the sandbox serves
 * from another, measuring this process's heap.
 */
export async function measureMemory(options: MemoryOptions): Promise<MemoryReport> {
  const directory = mkdtempSync(join(tmpdir(), 'unilive-bench-'));
  const persistPath = join(directory, 'sandbox.json');
  try {
    writeFileSync(persistPath, JSON.stringify(await seed(options.streams)));
    const sandbox = await startSandboxChild({ transitionMs: 50, persistPath });
    try {
      const results: MemoryResult[] = [];
      for (const variant of options.variants ?? (['summaries', 'details'] as const)) {
        results.push(await walk(variant, options, sandbox));
      }
      const gets = options.gets > 0 ? await repeatGets(options, sandbox) : undefined;
      return {
        provider: 'wowza-video',
        streams: options.streams,
        pageSize: options.pageSize,
        results,
        ...(gets ? { gets } : {}),
        maxGrowthBytes: memoryMaxGrowthBytes,
        met: results.every((result) => result.met) && gets?.met !== false,
      };
    } finally {
      await sandbox.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

// The sandbox's own Wowza Video dialect creates the records, so they are exactly what it serves.
function seed(streams: number): unknown {
  const engine = createEngine({ dialects: allDialects, transitionMs: 50 });
  const token = engine.settingsOf('wowza-video')?.credentials.token ?? '';
  const headers = new Headers({ authorization: `Bearer ${token}` });
  const encoders = ['other_rtmp', 'other_webrtc', 'other_srt'];
  const pending: Promise<unknown>[] = [];
  for (let index = 0; index < streams; index += 1) {
    pending.push(
      engine.handle('wowza-video', {
        method: 'POST',
        path: '/live_streams',
        query: new URLSearchParams(),
        headers,
        body: {
          live_stream: {
            name: `Stream ${index + 1}`,
            broadcast_location: 'eu_germany',
            encoder: encoders[index % encoders.length],
          },
        },
      }),
    );
  }
  return Promise.all(pending).then(() => {
    const snapshot = engine.snapshot();
    engine.close();
    return snapshot;
  });
}

async function walk(
  variant: MemoryVariant,
  options: MemoryOptions,
  sandbox: Awaited<ReturnType<typeof startSandboxChild>>,
): Promise<MemoryResult> {
  const settings = sandbox.adapterSettings('wowza-video');
  const listDetails = variant === 'details';
  const collect = fullGc();

  // Pass 1, as an application runs it: no forced GC, heap sampled as the walk goes.
  const peak = await (async () => {
    const client = createLiveStreamClient(wowzaVideo({ ...settings, listDetails }));
    await collect();
    const baseline = process.memoryUsage();
    const before = (await sandbox.stats()).requests;
    let heap = 0;
    let rss = 0;
    let count = 0;
    const byPage: number[] = [];
    const started = now();
    for await (const stream of client.list({ pageSize: options.pageSize })) {
      if (!stream.id) throw new Error('a stream without an id');
      count += 1;
      if (count % options.sampleEvery === 0 || count === options.streams) {
        const usage = process.memoryUsage();
        const growth = heldBytes(usage) - heldBytes(baseline);
        heap = Math.max(heap, growth);
        rss = Math.max(rss, usage.rss - baseline.rss);
        const page = Math.floor((count - 1) / options.pageSize);
        byPage[page] = Math.max(byPage[page] ?? 0, growth);
      }
    }
    const elapsedMs = now() - started;
    if (count !== options.streams) throw new Error(`walked ${count} streams, expected ${options.streams}`);
    const requests = (await sandbox.stats()).requests - before;
    return { heap, rss, elapsedMs, requests, byPage };
  })();

  // Pass 2, with a fresh client: a full GC at the end of each page shows what the walk retains.
  const retained = await (async () => {
    const client = createLiveStreamClient(wowzaVideo({ ...settings, listDetails }));
    await collect();
    const baseline = heldBytes(process.memoryUsage());
    const series: number[] = [];
    let count = 0;
    for await (const stream of client.list({ pageSize: options.pageSize })) {
      if (!stream.id) throw new Error('a stream without an id');
      count += 1;
      if (count % options.pageSize === 0 || count === options.streams) {
        await collect();
        series.push(heldBytes(process.memoryUsage()) - baseline);
      }
    }
    return series;
  })();

  const first = retained[0] ?? 0;
  const last = retained.at(-1) ?? 0;
  const span = options.streams - Math.min(options.pageSize, options.streams);
  const peakRetained = Math.max(0, Math.round(Math.max(...retained)));
  const flat = last - first < memoryFlatBytes;
  return {
    variant,
    streams: options.streams,
    pageSize: options.pageSize,
    requests: peak.requests,
    elapsedMs: round(peak.elapsedMs),
    peakHeapGrowthBytes: Math.max(0, Math.round(peak.heap)),
    peakHeapGrowthByPageBytes: Array.from(peak.byPage, (bytes) => Math.max(0, Math.round(bytes ?? 0))),
    peakRssGrowthBytes: Math.max(0, Math.round(peak.rss)),
    retainedAfterPageBytes: retained.map((bytes) => Math.round(bytes)),
    peakRetainedGrowthBytes: peakRetained,
    retainedBytesPerStream: span > 0 ? round((last - first) / span, 1) : 0,
    flat,
    met: flat && peakRetained < memoryMaxGrowthBytes,
  };
}

// One client reading one Wowza Video stream `gets` times from a replay server (its answer recorded from the
// sandbox), 8 in flight: nothing a call leaves behind (a listener, a timer, a learned secret, a cache entry)
// may pile up.
async function repeatGets(
  options: MemoryOptions,
  sandbox: Awaited<ReturnType<typeof startSandboxChild>>,
): Promise<GetsMemoryResult> {
  const recorded = await recordGet(subjectOf('wowza-video'), sandbox);
  const server = await startReplayServer(replayRoutesOf(recorded));
  try {
    const basePath = new URL(recorded.settings.baseUrl).pathname;
    const client = createLiveStreamClient(
      wowzaVideo({ ...recorded.settings, baseUrl: `${server.url}${basePath}` }),
    );
    const call = () => client.get(recorded.streamId);
    const concurrency = 8;
    await batch(call, Math.min(options.getsSampleEvery, 1000), concurrency);
    const collect = fullGc();
    await collect();
    const baseline = heldBytes(process.memoryUsage());
    const retainedBytes: number[] = [];
    const started = now();
    for (let done = 0; done < options.gets; done += options.getsSampleEvery) {
      await batch(call, Math.min(options.getsSampleEvery, options.gets - done), concurrency);
      await collect();
      retainedBytes.push(Math.round(heldBytes(process.memoryUsage()) - baseline));
    }
    const growthBytes = (retainedBytes.at(-1) ?? 0) - (retainedBytes[0] ?? 0);
    return {
      calls: options.gets,
      concurrency,
      elapsedMs: round(now() - started),
      sampleEvery: options.getsSampleEvery,
      retainedBytes,
      growthBytes,
      met: growthBytes < memoryFlatBytes,
    };
  } finally {
    await server.close();
  }
}

// What the process holds in JavaScript objects: the V8 heap, and the storage of typed arrays and buffers,
// which V8 keeps outside it.
function heldBytes(usage: NodeJS.MemoryUsage): number {
  return usage.heapUsed + usage.arrayBuffers;
}

// Full GCs until the heap stops shrinking: fetch frees response buffers through finalizers, which run
// after a GC has found them, so one GC alone leaves them for the next. `gc()` is there when Node runs with
// --expose-gc (as `pnpm bench` does); otherwise the flag is set at run time.
function fullGc(): () => Promise<void> {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  const collect = gc;
  return async () => {
    let before = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 10; round += 1) {
      collect();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const after = heldBytes(process.memoryUsage());
      if (round >= 2 && after >= before - 64 * 1024) return;
      before = Math.min(before, after);
    }
  };
}
