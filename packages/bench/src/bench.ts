import { loadavg } from 'node:os';
import { type FanOutResult, fanOutMaxRatio, fanOutMet, measureFanOut } from './fanout.js';
import { type FleetConfig, type FleetReport, fleetMaxRatio, fleetMet, measureFleet } from './fleet.js';
import { type MachineInfo, machineInfo } from './machine.js';
import { type MediaConfig, type MediaReport, measureMedia, mediaTargets } from './media.js';
import { type MemoryReport, measureMemory, memoryFlatBytes } from './memory.js';
import { measureOverhead, type OverheadReport } from './overhead.js';
import { measureOwnCost, type OwnCostReport } from './own-cost.js';
import { type BenchProviderId, providerIds } from './providers.js';
import { measureRedaction, type RedactionOptions, type RedactionReport } from './redaction.js';
import { startSandboxChild } from './sandbox-child.js';
import { measureStartup, type StartupReport } from './startup.js';
import { now, round } from './stats.js';
import { measureWeight, type WeightReport } from './weight.js';

/** Sizes of every measurement. */
export interface BenchConfig {
  mode: 'full' | 'quick' | 'smoke';
  providers: readonly BenchProviderId[];
  overhead: { calls: number; runs: number; warmup: number; concurrency: readonly number[] };
  ownCost: { calls: number; runs: number; warmup: number };
  weight: { providers: readonly BenchProviderId[]; adapterOnly: boolean; container: boolean };
  startup: { runs: number; providers: readonly BenchProviderId[] };
  fanOut: {
    creates: number;
    requestsPerSecond: number;
    /** Adapters run with the client's rate limit set to the sandbox's. */
    providers: readonly BenchProviderId[];
    /** Also one run without any client-side limit, on the first adapter. */
    unpaced: boolean;
  };
  /** Several processes on one account, their gates in Redis or each in memory. */
  fleet: FleetConfig;
  memory: { streams: number; pageSize: number; sampleEvery: number };
  redaction: RedactionOptions;
  media: MediaConfig;
}

/** The sizes `pnpm bench` uses: a few minutes on 2 cores. */
export const fullConfig: BenchConfig = {
  mode: 'full',
  providers: providerIds,
  overhead: { calls: 1000, runs: 7, warmup: 300, concurrency: [1, 8] },
  ownCost: { calls: 3000, runs: 9, warmup: 1000 },
  weight: { providers: providerIds, adapterOnly: true, container: true },
  startup: { runs: 20, providers: providerIds },
  fanOut: { creates: 500, requestsPerSecond: 100, providers: providerIds, unpaced: true },
  fleet: { provider: 'liveapi', processes: 4, creates: 125, requestsPerSecond: 100, latencySamples: 2000 },
  memory: { streams: 10_000, pageSize: 1000, sampleEvery: 50 },
  redaction: {
    sizes: [1_000, 100_000, 1_000_000],
    secrets: 1_000,
    runs: 7,
    hostileBaseline: true,
    learnKeys: 20_000,
  },
  media: { samples: 5, publishers: 8, cpuSeconds: 10, clip: { size: '1280x720', seconds: 10 } },
};

/** `--quick`: the same measurements, smaller; figures are rougher. */
export const quickConfig: BenchConfig = {
  mode: 'quick',
  providers: providerIds,
  overhead: { calls: 300, runs: 3, warmup: 100, concurrency: [1, 8] },
  ownCost: { calls: 2000, runs: 3, warmup: 500 },
  weight: { providers: providerIds, adapterOnly: true, container: true },
  startup: { runs: 5, providers: providerIds },
  fanOut: { creates: 200, requestsPerSecond: 100, providers: ['wowza-video'], unpaced: true },
  fleet: { provider: 'liveapi', processes: 4, creates: 50, requestsPerSecond: 100, latencySamples: 500 },
  memory: { streams: 2000, pageSize: 1000, sampleEvery: 50 },
  redaction: { sizes: [1_000, 100_000], secrets: 1_000, runs: 3, hostileBaseline: false, learnKeys: 8_000 },
  media: { samples: 3, publishers: 8, cpuSeconds: 5, clip: { size: '1280x720', seconds: 4 } },
};

/** Tiny sizes for the CI smoke test: proves the harness runs, measures nothing worth reading. */
export const smokeConfig: BenchConfig = {
  mode: 'smoke',
  providers: providerIds,
  overhead: { calls: 20, runs: 1, warmup: 5, concurrency: [1] },
  ownCost: { calls: 20, runs: 1, warmup: 5 },
  weight: { providers: ['liveapi'], adapterOnly: false, container: true },
  startup: { runs: 1, providers: ['liveapi'] },
  fanOut: { creates: 10, requestsPerSecond: 50, providers: ['wowza-video'], unpaced: false },
  fleet: { provider: 'liveapi', processes: 2, creates: 5, requestsPerSecond: 50, latencySamples: 20 },
  memory: { streams: 30, pageSize: 1000, sampleEvery: 10 },
  redaction: { sizes: [1_000], secrets: 20, runs: 1, hostileBaseline: false, learnKeys: 40 },
  media: { samples: 1, publishers: 2, cpuSeconds: 1, clip: { size: '320x180', seconds: 2 } },
};

/** One target and how the run fared against it. */
export interface TargetOutcome {
  measurement: string;
  target: string;
  figure: string;
  met: boolean;
}

/** Everything one run measured; written as docs/performance.json. */
export interface BenchReport {
  schemaVersion: 1;
  mode: BenchConfig['mode'];
  machine: MachineInfo & { loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  durationMs: number;
  config: BenchConfig;
  overhead: OverheadReport[];
  ownCost: OwnCostReport;
  weight: WeightReport;
  startup: StartupReport;
  fanOut: { targetMaxRatio: number; results: (FanOutResult & { met: boolean | null })[]; met: boolean };
  fleet: FleetReport;
  memory: MemoryReport;
  redaction: RedactionReport;
  media: MediaReport;
  targets: TargetOutcome[];
}

/** Runs every measurement in turn, reporting progress through `log`. */
export async function runBench(
  config: BenchConfig,
  log: (line: string) => void = () => {},
): Promise<BenchReport> {
  const started = now();
  const loadAverageAtStart = loadavg().map((value) => round(value, 2));
  const machine = machineInfo();

  // First, while the heap is small and no other measurement has shaped the JIT's view of these functions.
  log("per-call overhead: unilive's own code, transport excluded");
  const ownCost = await measureOwnCost({ ...config.ownCost, providers: config.providers });

  log('memory: seeding and walking streams');
  const memory = await measureMemory(config.memory);

  const overhead: OverheadReport[] = [];
  for (const concurrency of config.overhead.concurrency) {
    log(`per-call overhead: concurrency ${concurrency}`);
    overhead.push(
      await measureOverhead({
        calls: config.overhead.calls,
        runs: config.overhead.runs,
        warmup: config.overhead.warmup,
        concurrency,
        providers: config.providers,
      }),
    );
  }

  log('weight: bundling, and running each bundle against a sandbox');
  const bundleSandbox = await startSandboxChild();
  let weight: WeightReport;
  try {
    weight = await measureWeight({
      providers: config.weight.providers,
      adapterOnly: config.weight.adapterOnly,
      container: config.weight.container,
      sandbox: bundleSandbox,
    });
  } finally {
    await bundleSandbox.close();
  }

  log('start-up: fresh processes');
  const startup = measureStartup({ runs: config.startup.runs, providers: config.startup.providers });

  const fanOutResults: BenchReport['fanOut']['results'] = [];
  for (const provider of config.fanOut.providers) {
    log(`fan-out: ${config.fanOut.creates} creates on ${provider}`);
    const result = await measureFanOut({
      provider,
      creates: config.fanOut.creates,
      serverRequestsPerSecond: config.fanOut.requestsPerSecond,
      clientRateLimit: { requestsPerSecond: config.fanOut.requestsPerSecond },
    });
    fanOutResults.push({ ...result, met: fanOutMet(result) });
  }
  const unpacedProvider = config.fanOut.providers[0];
  if (config.fanOut.unpaced && unpacedProvider) {
    log(`fan-out: ${config.fanOut.creates} creates on ${unpacedProvider}, no client-side limit`);
    const result = await measureFanOut({
      provider: unpacedProvider,
      creates: config.fanOut.creates,
      serverRequestsPerSecond: config.fanOut.requestsPerSecond,
    });
    fanOutResults.push({ ...result, met: null });
  }
  const fanOut = {
    targetMaxRatio: fanOutMaxRatio,
    results: fanOutResults,
    met: fanOutResults.every((result) => result.met !== false),
  };
  const fleet = await measureFleet(config.fleet, log);

  log('redaction: vendor text against many secrets');
  const redaction = measureRedaction(config.redaction);
  log('media: real RTMP publishers into the sandbox, HLS out');
  const media = await measureMedia(config.media, log);

  const report: BenchReport = {
    schemaVersion: 1,
    mode: config.mode,
    machine: { ...machine, loadAverageAtStart, loadAverageAtEnd: loadavg().map((value) => round(value, 2)) },
    durationMs: round(now() - started),
    config,
    overhead,
    ownCost,
    weight,
    startup,
    fanOut,
    fleet,
    memory,
    redaction,
    media,
    targets: [],
  };
  report.targets = targetsOf(report);
  return report;
}

const kib = (bytes: number) => `${round(bytes / 1024, 1)} KiB`;
const mib = (bytes: number) => `${round(bytes / 1024 / 1024, 2)} MiB`;

/** The issue's targets, one line each, with the run's figure. */
export function targetsOf(report: Omit<BenchReport, 'targets'>): TargetOutcome[] {
  const targets: TargetOutcome[] = [];
  for (const overhead of report.overhead) {
    const worst = Math.min(...overhead.results.map((result) => result.throughputRatio));
    const kyRatios = overhead.results.map((result) => result.kyRatio);
    targets.push({
      measurement: `Per-call overhead, ${overhead.concurrency === 1 ? 'one call at a time' : `${overhead.concurrency} calls in flight`}`,
      target: `client.get ≥ ${overhead.targetRatio} × raw fetch throughput, every adapter`,
      figure:
        `${worst} (lowest of ${overhead.results.map((result) => `${result.provider} ${result.throughputRatio}`).join(', ')}); ` +
        `the bare ky layer alone reaches ${Math.min(...kyRatios)} to ${Math.max(...kyRatios)}`,
      met: overhead.met,
    });
  }
  const clients = report.weight.unilive.filter(
    (item) => item.variant === 'client' && item.resolution === 'esbuild-node',
  );
  const vendors = report.weight.vendors.filter((vendor) => vendor.resolution === 'esbuild-node');
  const smallestVendor = vendors.reduce<(typeof vendors)[number] | undefined>(
    (smallest, vendor) =>
      smallest === undefined || vendor.gzipBytes < smallest.gzipBytes ? vendor : smallest,
    undefined,
  );
  if (clients.length > 0 && smallestVendor) {
    const largest = Math.max(...clients.map((item) => item.gzipBytes));
    targets.push({
      measurement: 'Weight: smallest of all',
      target: 'every core + adapter bundle smaller than every vendor SDK bundle (gzip)',
      figure: `unilive up to ${kib(largest)}; ${smallestVendor.name} ${kib(smallestVendor.gzipBytes)}`,
      met: report.weight.targets.smallest,
    });
    const highest = (key: 'ratioToFloor' | 'ratioToDependencyFloor') =>
      `${Math.max(...clients.map((item) => item[key]))} (highest of ${clients.map((item) => `${item.provider} ${item[key]}`).join(', ')})`;
    targets.push({
      measurement: 'Weight: near the dependency floor',
      target: `≤ ${report.weight.targets.maxRatioToFloor} × (ky + valibot functions used + tsyringe), gzip`,
      figure: highest('ratioToDependencyFloor'),
      met: report.weight.targets.withinDependencyFloor,
    });
    targets.push({
      measurement: 'Weight: near the floor of what the bundle contains',
      target: `≤ ${report.weight.targets.maxRatioToFloor} × (the ky, valibot and jose exports the bundle uses), gzip`,
      figure: highest('ratioToFloor'),
      met: report.weight.targets.withinFloor,
    });
  }
  const failedRuns = report.weight.unilive.filter((item) => !item.run.ok);
  if (report.weight.unilive.length > 0) {
    targets.push({
      measurement: 'Weight: every bundle weighed works',
      target: 'each core + adapter bundle, run in a fresh Node process, creates its stream on the sandbox',
      figure:
        failedRuns.length === 0
          ? `${report.weight.unilive.length} of ${report.weight.unilive.length} created a stream`
          : failedRuns
              .map((item) => `${item.entry} (${item.resolution}): ${item.run.ok ? '' : item.run.error}`)
              .join('; '),
      met: report.weight.targets.allRun,
    });
  }
  targets.push({
    measurement: 'Weight: one adapter pulls in no other vendor',
    target: 'no other adapter package in a core + adapter bundle',
    figure: report.weight.isolation.every((check) => check.ok)
      ? 'none found in any bundle'
      : report.weight.isolation
          .filter((check) => !check.ok)
          .map((check) => `${check.provider}: ${check.otherVendors.join(', ')}`)
          .join('; '),
    met: report.weight.isolation.every((check) => check.ok),
  });
  if (report.fleet.skipped === undefined) {
    for (const run of report.fleet.runs.filter((item) => item.gate === 'redis')) {
      const total = run.processes * run.creates;
      targets.push({
        measurement: `Fan-out across a fleet, ${run.processes} processes on one Redis budget`,
        target: `${total} created, no duplicate, ≤ ${fleetMaxRatio} × the ${round(run.floorMs / 1000, 1)} s floor`,
        figure: `${run.succeeded} created, ${run.duplicates} duplicates, ${run.rateLimited} 429s, ${round(run.elapsedMs / 1000, 2)} s (${run.ratioToFloor} ×)`,
        met: fleetMet(run),
      });
    }
  }
  for (const result of report.fanOut.results.filter((item) => item.met !== null)) {
    targets.push({
      measurement: `Fan-out under a rate limit, ${result.provider}`,
      target: `${result.creates} created, no duplicate, ≤ ${report.fanOut.targetMaxRatio} × the ${round(result.floorMs / 1000, 1)} s floor`,
      figure: `${result.succeeded} created, ${result.duplicates} duplicates, ${round(result.elapsedMs / 1000, 2)} s (${result.ratioToFloor} ×)`,
      met: result.met === true,
    });
  }
  for (const result of report.memory.results) {
    targets.push({
      measurement: `Memory, list() of ${result.streams.toLocaleString('en-US')} streams (${result.variant})`,
      target: `heap growth flat in the number of streams (< ${mib(memoryFlatBytes)} from first page to last), < ${mib(report.memory.maxGrowthBytes)}; judged on the heap retained after GC`,
      figure: `retained ${mib(result.peakRetainedGrowthBytes)} at most, ${result.retainedBytesPerStream} B more per stream; before GC up to ${mib(result.peakHeapGrowthBytes)}`,
      met: result.met,
    });
  }
  const { media } = report;
  if (media.firstPacketToBroadcasting && media.firstPacketToWaitForBroadcast) {
    targets.push({
      measurement: 'Media: live state follows the encoder',
      target: `broadcasting seen ≤ ${mediaTargets.liveWithinMs / 1000} s after the encoder's first packet`,
      figure: `get: ${media.firstPacketToBroadcasting.maxMs} ms at most; waitForBroadcast (100 ms polls): ${media.firstPacketToWaitForBroadcast.maxMs} ms at most`,
      met:
        Math.max(media.firstPacketToBroadcasting.maxMs, media.firstPacketToWaitForBroadcast.maxMs) <=
        mediaTargets.liveWithinMs,
    });
  }
  if (media.refusedAfter && media.cutAfterStopMs !== undefined) {
    targets.push({
      measurement: 'Media: a wrong key is refused, a stopped stream cut',
      target: `within ${mediaTargets.cutWithinMs / 1000} s`,
      figure: `refused ${media.refusedAfter.maxMs} ms at most after the encoder started (its start-up included); cut ${media.cutAfterStopMs} ms after the stop`,
      met: Math.max(media.refusedAfter.maxMs, media.cutAfterStopMs) <= mediaTargets.cutWithinMs,
    });
  }
  if (media.disconnectToOffline) {
    targets.push({
      measurement: 'Media: leaving shows at once',
      target: `broadcasting false ≤ ${mediaTargets.offlineWithinMs / 1000} s after the encoder's socket closes`,
      figure: `${media.disconnectToOffline.maxMs} ms at most (node-media-server's own donePublish: 30 s)`,
      met: media.disconnectToOffline.maxMs <= mediaTargets.offlineWithinMs,
    });
  }
  if (media.concurrent) {
    const { concurrent } = media;
    targets.push({
      measurement: `Media: ${concurrent.publishers} publishers at once`,
      target: 'every one admitted, none dropped, each one playing over HLS',
      figure: `${concurrent.admitted} admitted, ${concurrent.dropped} dropped, ${concurrent.playing} playing over ${concurrent.seconds} s`,
      met:
        concurrent.admitted === concurrent.publishers &&
        concurrent.dropped === 0 &&
        concurrent.playing === concurrent.publishers,
    });
  }
  return targets;
}
