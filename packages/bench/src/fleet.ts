import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createMemoryGateStore,
  createRequestGate,
  type GateStore,
  systemClock,
  systemSleep,
} from '@unilive/core';
import { findRedisServer, type LaunchedRedisServer, launchRedisServer } from '@unilive/testing/redis-server';
import { countedStore, type StoreCount } from './counted-store.js';
import type { FleetWorkerPlan, FleetWorkerReport } from './fleet-worker.js';
import type { BenchProviderId } from './providers.js';
import { startSandboxChild } from './sandbox-child.js';
import { median, now, round } from './stats.js';

/** Sizes of the fleet measurement. */
export interface FleetConfig {
  provider: BenchProviderId;
  processes: number;
  /** Creates per process. */
  creates: number;
  /** The sandbox's limit, for the whole fleet, and each process's `requestsPerSecond`. */
  requestsPerSecond: number;
  /** Gate passages timed for the store's own latency. */
  latencySamples: number;
}

/** One fleet run: every process at once, the gates in Redis or each in its own memory. */
export interface FleetRun {
  gate: 'redis' | 'memory';
  provider: BenchProviderId;
  processes: number;
  creates: number;
  requestsPerSecond: number;
  elapsedMs: number;
  floorMs: number;
  ratioToFloor: number;
  succeeded: number;
  failed: number;
  failures: Record<string, number>;
  createdByServer: number;
  duplicates: number;
  requests: number;
  rateLimited: number;
  retries: number;
  /** Redis round trips and calls per request sent (Redis runs only). */
  roundTripsPerRequest: number | null;
  storeCallsPerRequest: number | null;
}

/** What the shared store adds to one request's passage through the gate, no wait involved. */
export interface StoreLatency {
  samples: number;
  /** Gate passage (acquire and release) with the store in Redis, and in memory. */
  redis: { medianMs: number; p99Ms: number };
  memory: { medianMs: number; p99Ms: number };
  added: { medianMs: number; p99Ms: number };
  /** Round trips per passage with `requestsPerSecond` and `maxConcurrency` both set. */
  roundTrips: number;
  storeCalls: number;
}

/** The fleet measurement, or why it was skipped. */
export type FleetReport =
  | { skipped: string }
  | { skipped?: undefined; runs: FleetRun[]; latency: StoreLatency; redisVersion: string };

/** All made, none twice, within this multiple of the floor. */
export const fleetMaxRatio = 1.2;

/** Whether the Redis run meets the targets. */
export function fleetMet(run: FleetRun): boolean {
  return (
    run.succeeded === run.processes * run.creates &&
    run.duplicates === 0 &&
    run.elapsedMs / run.floorMs <= fleetMaxRatio
  );
}

const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const workerModule = fileURLToPath(new URL(`./fleet-worker${extension}`, import.meta.url));

/**
 * `processes` processes, each sending `creates` creates at once through its own client, against one sandbox
 * limited to `requestsPerSecond` in total: once with every gate in one Redis (one budget for the fleet), once
 * with each process pacing alone at the same rate (today's default). Then the store's own cost per request.
 * Skipped where no `redis-server` is on PATH.
 */
export async function measureFleet(
  config: FleetConfig,
  log: (line: string) => void = () => {},
): Promise<FleetReport> {
  const binary = findRedisServer();
  if (!binary) return { skipped: 'no redis-server on PATH (apt-get install redis-server)' };
  const redis = await startBenchRedis(binary);
  try {
    const runs: FleetRun[] = [];
    for (const gate of ['redis', 'memory'] as const) {
      log(`fleet: ${config.processes} processes × ${config.creates} creates, gates in ${gate}`);
      runs.push(await runFleet(config, gate === 'redis' ? redis.url : undefined));
    }
    log('fleet: what the store adds to one request');
    const latency = await measureLatency(redis.url, config.latencySamples);
    return { runs, latency, redisVersion: redis.version };
  } finally {
    await redis.close();
  }
}

async function runFleet(config: FleetConfig, redisUrl: string | undefined): Promise<FleetRun> {
  const sandbox = await startSandboxChild({
    transitionMs: 50,
    rateLimit: { requestsPerSecond: config.requestsPerSecond },
  });
  const workers: { child: ChildProcess; messages: AsyncIterator<unknown> }[] = [];
  try {
    for (let index = 0; index < config.processes; index += 1) {
      const plan: FleetWorkerPlan = {
        index,
        provider: config.provider,
        adapterSettings: sandbox.adapterSettings(config.provider),
        creates: config.creates,
        requestsPerSecond: config.requestsPerSecond,
        ...(redisUrl ? { redisUrl } : {}),
      };
      const child = fork(workerModule, [JSON.stringify(plan)], {
        execArgv: [],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      workers.push({ child, messages: messagesOf(child) });
    }
    for (const worker of workers) await next(worker.messages, 'ready');
    const started = now();
    for (const worker of workers) worker.child.send('go');
    const reports: FleetWorkerReport[] = [];
    let elapsedMs = 0;
    await Promise.all(
      workers.map(async (worker) => {
        reports.push((await next(worker.messages, 'done')) as FleetWorkerReport);
        elapsedMs = Math.max(elapsedMs, now() - started);
      }),
    );
    const stats = await sandbox.stats();
    const ids = new Set(reports.flatMap((report) => report.ids));
    const succeeded = reports.reduce((total, report) => total + report.ids.length, 0);
    const failures: Record<string, number> = {};
    for (const report of reports)
      for (const [name, count] of Object.entries(report.failures))
        failures[name] = (failures[name] ?? 0) + count;
    const total = config.processes * config.creates;
    const createdByServer = stats.created[config.provider] ?? 0;
    const sent = reports.reduce((sum, report) => sum + report.requests, 0);
    const floorMs = (total / config.requestsPerSecond) * 1000;
    const storeCalls = reports.reduce((sum, report) => sum + report.storeCalls, 0);
    const storeRounds = reports.reduce((sum, report) => sum + report.storeRounds, 0);
    return {
      gate: redisUrl ? 'redis' : 'memory',
      provider: config.provider,
      processes: config.processes,
      creates: config.creates,
      requestsPerSecond: config.requestsPerSecond,
      elapsedMs: round(elapsedMs),
      floorMs,
      ratioToFloor: round(elapsedMs / floorMs, 3),
      succeeded,
      failed: total - succeeded,
      failures,
      createdByServer,
      duplicates: Math.max(0, createdByServer - ids.size) + (succeeded - ids.size),
      requests: stats.requests,
      rateLimited: stats.rateLimited,
      retries: reports.reduce((sum, report) => sum + report.retries, 0),
      roundTripsPerRequest: redisUrl ? round(storeRounds / sent, 2) : null,
      storeCallsPerRequest: redisUrl ? round(storeCalls / sent, 2) : null,
    };
  } finally {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await sandbox.close();
  }
}

// Times one gate passage at a time (no limit is reached, so nothing waits): with the store in Redis, and
// in memory. The difference is what the shared store costs a request.
async function measureLatency(url: string, samples: number): Promise<StoreLatency> {
  const limits = { requestsPerSecond: 1_000_000, maxConcurrency: 1_000 };
  // Loaded here, when the fleet section runs, not with the benchmark: ioredis in a process slows every
  // fetch made in it (bare ky's layer 22 → 30 µs per call here), and the per-call sections run before this.
  const { createRedisGateStore } = await import('@unilive/redis');
  const redis = createRedisGateStore({ url });
  const count: StoreCount = { calls: 0, rounds: 0 };
  const countedRedis = countedStore(redis, count);
  try {
    const time = async (store: GateStore, clock: () => number) => {
      const gate = createRequestGate({ ...limits, store }, clock, systemSleep);
      const durations: number[] = [];
      for (let index = 0; index < samples + 50; index += 1) {
        const started = now();
        const release = await gate.acquire({ key: 'bench:latency' });
        release();
        // What the request waited for; the release goes out without being waited for, as in a real call.
        const elapsed = now() - started;
        // Untimed, in a round trip of its own: let the release land before the next passage.
        await new Promise((resolve) => setImmediate(resolve));
        await store.pausedUntil('bench:settle');
        if (index >= 50) durations.push(elapsed);
      }
      return durations;
    };
    // The memory store spaces requests to the millisecond: its clock moves on 10 ms at every reading, so
    // that it never has a request wait either.
    let virtual = 0;
    const moving = () => (virtual += 10);
    const memoryDurations = await time(createMemoryGateStore(moving), moving);
    const redisDurations = await time(countedRedis, systemClock);
    const figures = (values: number[]) => ({
      medianMs: round(median(values), 3),
      p99Ms: round(percentile(values, 0.99), 3),
    });
    const redisFigures = figures(redisDurations);
    const memoryFigures = figures(memoryDurations);
    // Per passage: its calls and round trips, less the settling read each loop adds.
    const passages = samples + 50;
    return {
      samples,
      redis: redisFigures,
      memory: memoryFigures,
      added: {
        medianMs: round(redisFigures.medianMs - memoryFigures.medianMs, 3),
        p99Ms: round(redisFigures.p99Ms - memoryFigures.p99Ms, 3),
      },
      roundTrips: round((count.rounds - passages) / passages, 2),
      storeCalls: round((count.calls - passages) / passages, 2),
    };
  } finally {
    await redis.close();
  }
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

function messagesOf(child: ChildProcess): AsyncIterator<unknown> {
  const queue: unknown[] = [];
  const waiting: ((value: IteratorResult<unknown>) => void)[] = [];
  let ended = false;
  child.on('message', (message) => {
    const wake = waiting.shift();
    if (wake) wake({ value: message, done: false });
    else queue.push(message);
  });
  child.once('exit', () => {
    ended = true;
    for (const wake of waiting.splice(0)) wake({ value: undefined, done: true });
  });
  return {
    next: () =>
      queue.length > 0
        ? Promise.resolve({ value: queue.shift(), done: false })
        : ended
          ? Promise.resolve({ value: undefined, done: true })
          : new Promise((resolve) => waiting.push(resolve)),
  };
}

async function next(messages: AsyncIterator<unknown>, type: string): Promise<unknown> {
  for (;;) {
    const { value, done } = await messages.next();
    if (done) throw new Error(`a fleet process exited before "${type}"`);
    if ((value as { type?: unknown }).type === type) return value;
  }
}

/** The benchmark's own redis-server, as {@link startBenchRedis} started it. */
export interface BenchRedis {
  readonly url: string;
  readonly port: number;
  readonly version: string;
  /** Stops it (SIGTERM), waits until it is gone, and gives its port back. */
  close(): Promise<void>;
}

/**
 * A redis-server of the benchmark's own, without persistence, on a loopback port reserved as the tests'
 * Redis reserves its own (`reservePort` of `@unilive/testing/ports`, see
 * docs/decisions/2026-11-29-test-redis-ports.md) from before it starts until `close`. A port from `listen(0)`,
 * closed and then given to redis-server, could be taken in between by any process (a second copy of the
 * suite, a test's server), and the fleet would measure someone else's Redis or none. A port something outside
 * the suite listens on makes redis-server exit at once: another one is reserved. Started by `launchRedisServer`
 * of `@unilive/testing/redis-server`, as the tests' Redis is.
 */
export async function startBenchRedis(binary: string): Promise<BenchRedis> {
  const directory = mkdtempSync(join(tmpdir(), 'unilive-bench-redis-'));
  let launched: LaunchedRedisServer;
  try {
    launched = await launchRedisServer(binary, directory, { stderr: 'inherit' });
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  const { child, reserved } = launched;
  const version =
    /v=([\d.]+)/.exec(spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown';
  return {
    url: `redis://127.0.0.1:${reserved.port}`,
    port: reserved.port,
    version,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      reserved.release();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The report's section for the fleet: the two runs side by side, then what the store costs a request. */
export function renderFleetSection(fleet: FleetReport): string[] {
  const lines = ['## 4b. Fan-out across a fleet: one budget in Redis', ''];
  if (fleet.skipped !== undefined) return [...lines, `Not measured in this run: ${fleet.skipped}.`, ''];
  const [first] = fleet.runs;
  if (!first) return lines;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  lines.push(
    `${first.processes} processes, each a separate Node process with its own client, send ${first.creates} creates at once on one ${first.provider} account, against a fresh sandbox (in another process) that allows ${first.requestsPerSecond} requests per second in total (a token bucket; 429 with \`Retry-After\` beyond it). ` +
      `Every process sets \`rateLimit: { requestsPerSecond: ${first.requestsPerSecond} }\`, the account's limit. With the gate in Redis (\`@unilive/redis\`, redis-server ${fleet.redisVersion} on loopback) they share one budget; in memory (the default) each paces alone. Time runs from the start signal to the last process's report.`,
    '',
    '| gates | processes × creates | took | floor | ratio | created | failed | duplicates | requests | 429s | retries | Redis round trips per request | target ≤ 1.2 × |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const run of fleet.runs) {
    const failures = Object.entries(run.failures)
      .map(([name, count]) => `${name} ${count}`)
      .join(', ');
    lines.push(
      `| ${run.gate === 'redis' ? 'one budget in Redis' : 'each process in memory'} | ${run.processes} × ${run.creates} | ${seconds(run.elapsedMs)} | ${seconds(run.floorMs)} | ${run.ratioToFloor.toFixed(3)} | ${run.succeeded} | ${run.failed}${failures ? ` (${failures})` : ''} | ${run.duplicates} | ${run.requests} | ${run.rateLimited} | ${run.retries} | ${run.roundTripsPerRequest ?? '–'}${run.storeCallsPerRequest === null ? '' : ` (${run.storeCallsPerRequest} calls)`} | ${run.gate === 'redis' ? (fleetMet(run) ? 'met' : '**missed**') : '–'} |`,
    );
  }
  const { latency } = fleet;
  lines.push(
    '',
    `What the shared store adds to one request, nothing to wait for (${latency.samples} gate passages one at a time, \`requestsPerSecond\` and \`maxConcurrency\` both set, so a passage asks for the pause, a slot and a token and gives the slot back):`,
    '',
    '| store | median | p99 | round trips | store calls |',
    '| --- | --- | --- | --- | --- |',
    `| Redis (loopback) | ${latency.redis.medianMs} ms | ${latency.redis.p99Ms} ms | ${latency.roundTrips} | ${latency.storeCalls} |`,
    `| memory | ${latency.memory.medianMs} ms | ${latency.memory.p99Ms} ms | 0 | – |`,
    `| **added by Redis** | **${latency.added.medianMs} ms** | **${latency.added.p99Ms} ms** | | |`,
    '',
  );
  return lines;
}
