import {
  apiVideoClients,
  type Client,
  type ClientKind,
  muxClients,
  streamIdOf,
  uniliveClients,
  vendorRoutes,
} from './clients.js';
import { ownCostTargets } from './own-cost.js';
import { type BenchSubject, defaultSubjects } from './providers.js';
import { batch, type RecordedGet, recordGet, replayRoutesOf } from './record.js';
import { type ReplayAnswer, type ReplayServer, startReplayServer } from './replay-server.js';
import { startSandboxChild } from './sandbox-child.js';
import { median, round } from './stats.js';

/** Sizes of the side-by-side measurement. */
export interface SideBySideOptions {
  /** Calls per client in each run, taken in slices of {@link sliceCalls}. */
  calls: number;
  /** Runs; each figure is the median over them, each ratio the median of the runs' ratios. */
  runs: number;
  /** Untimed calls per client first, so every client is compiled by the JIT before timing. */
  warmup: number;
  /** Calls in flight at once (1: one after the other, as a loop with `await` does). */
  concurrency: number;
  subjects?: readonly BenchSubject[];
}

/** One client's figures in one run, or the median of several. */
export interface ClientFigures {
  callsPerSecond: number;
  /** CPU time (user + system, every thread) of this process per call, µs; the server runs elsewhere. */
  cpuMicrosPerCall: number;
  /** V8 heap allocated per call, KiB (heap growth between collections, summed). */
  heapKiBPerCall: number;
}

/** One client of the comparison. */
export interface ClientResult {
  /** `unilive liveapi`, `Mux SDK`, `bare ky (liveapi answer)`… */
  name: string;
  kind: ClientKind;
  /** Whose answer it reads: an adapter's subject id, `mux` or `api.video`. */
  answer: string;
  /** What one call is. */
  call: string;
  /** Bytes of the answers one call reads. */
  responseBytes: number;
  /** HTTP requests one call sends (checked against the server's counter). */
  requestsPerCall: number;
  /** Medians over the runs. */
  median: ClientFigures;
  /** Lowest and highest over the runs. */
  range: { callsPerSecond: [number, number]; cpuMicrosPerCall: [number, number] };
  perRun: ClientFigures[];
}

/** One unilive adapter against Mux's SDK and against bare ky on its own answer. */
export interface SideBySideComparison {
  subject: string;
  /** unilive calls/s ÷ Mux SDK calls/s, median of the runs' ratios, and their range. */
  callsVsMux: number;
  callsVsMuxRange: [number, number];
  /** unilive CPU per call ÷ Mux SDK CPU per call, median of the runs' ratios, and their range. */
  cpuVsMux: number;
  cpuVsMuxRange: [number, number];
  /** unilive calls/s ÷ bare ky calls/s on the same answer, median of the runs' ratios, and their range. */
  callsVsKy: number;
  callsVsKyRange: [number, number];
  /** unilive heap per call − bare ky heap per call on the same answer, KiB (medians). */
  heapOverKyKiB: number;
  targets: SideBySideTargets;
  /** Each verdict, taken on the exact figure; `heapOverKy` against {@link ownCostTargets}. */
  met: { callsVsMux: boolean; cpuVsMux: boolean; callsVsKy: boolean | null; heapOverKy: boolean };
}

/** The targets one adapter is judged by. */
export interface SideBySideTargets {
  minCallsVsMux: number;
  maxCpuVsMux: number;
  /** null: reported, not judged. */
  minCallsVsKy: number | null;
}

/** The side-by-side report, for one concurrency. */
export interface SideBySideReport {
  calls: number;
  runs: number;
  warmup: number;
  concurrency: number;
  clients: ClientResult[];
  comparisons: SideBySideComparison[];
  met: boolean;
}

/**
 * The targets: ahead of Mux's SDK (1.15 × its calls per second, 0.85 × its CPU per call) and close to bare
 * ky (0.9 × its calls per second on the same answer); for Wowza Video's 5.5 kB answer with 30 playback URLs
 * to validate and map, level with Mux (1.0 ×, both ways), its ratio to bare ky reported.
 */
export function sideBySideTargets(subject: BenchSubject): SideBySideTargets {
  return subject.provider === 'wowza-video'
    ? { minCallsVsMux: 1, maxCpuVsMux: 1, minCallsVsKy: null }
    : { minCallsVsMux: 1.15, maxCpuVsMux: 0.85, minCallsVsKy: 0.9 };
}

/**
 * One adapter's runs against Mux's SDK's and bare ky's, run by run (the three were measured in the same
 * runs, index for index): each ratio is the median of the runs' ratios. Every verdict is taken on the exact
 * median, before it is rounded for the report, so a rounding never turns a miss into a pass.
 */
export function compareRuns(
  subject: BenchSubject,
  own: readonly ClientFigures[],
  mux: readonly ClientFigures[],
  bareKy: readonly ClientFigures[],
): SideBySideComparison {
  const ratios = (
    of: (run: ClientFigures, other: ClientFigures) => number,
    others: readonly ClientFigures[],
  ): { exact: number; median: number; range: [number, number] } => {
    const values = own.map((run, index) => of(run, others[index] as ClientFigures));
    const exact = median(values);
    return {
      exact,
      median: round(exact, 3),
      range: [round(Math.min(...values), 3), round(Math.max(...values), 3)],
    };
  };
  const callsVsMux = ratios((run, other) => run.callsPerSecond / other.callsPerSecond, mux);
  const cpuVsMux = ratios((run, other) => run.cpuMicrosPerCall / other.cpuMicrosPerCall, mux);
  const callsVsKy = ratios((run, other) => run.callsPerSecond / other.callsPerSecond, bareKy);
  const heap = (runs: readonly ClientFigures[]) => median(runs.map((run) => run.heapKiBPerCall));
  const heapOverKy = heap(own) - heap(bareKy);
  const targets = sideBySideTargets(subject);
  return {
    subject: subject.id,
    callsVsMux: callsVsMux.median,
    callsVsMuxRange: callsVsMux.range,
    cpuVsMux: cpuVsMux.median,
    cpuVsMuxRange: cpuVsMux.range,
    callsVsKy: callsVsKy.median,
    callsVsKyRange: callsVsKy.range,
    heapOverKyKiB: round(heapOverKy, 1),
    targets,
    met: {
      callsVsMux: callsVsMux.exact >= targets.minCallsVsMux,
      cpuVsMux: cpuVsMux.exact <= targets.maxCpuVsMux,
      callsVsKy: targets.minCallsVsKy === null ? null : callsVsKy.exact >= targets.minCallsVsKy,
      heapOverKy: heapOverKy <= ownCostTargets.heapOverKyKiB,
    },
  };
}

/** Calls per turn of a client. */
const sliceCalls = 50;

/**
 * Each client of a live stream API a user would pick, reading one live stream from a loopback server in a
 * process of its own that answers in that client's vendor shape: raw `fetch` + `JSON.parse` and bare ky on
 * every answer, Mux's SDK (`video.liveStreams.retrieve`), api.video's SDK (`liveStreams.get`) and unilive's
 * `client.get` on each adapter. Every server is the same trivial replay server, so the server's own speed
 * is the same for all. The clients take turns of {@link sliceCalls} calls in an order that rotates, so a
 * burst of other work on the machine falls on all of them alike.
 */
export async function measureSideBySide(options: SideBySideOptions): Promise<SideBySideReport> {
  const subjects = options.subjects ?? defaultSubjects;
  const sandbox = await startSandboxChild({ transitionMs: 50, media: false });
  const recordings: RecordedGet[] = [];
  try {
    for (const subject of subjects) recordings.push(await recordGet(subject, sandbox));
  } finally {
    await sandbox.close();
  }
  const servers: ReplayServer[] = [];
  try {
    const clients: Client[] = [];
    const serverOf = new Map<Client, ReplayServer>();
    const serve = async (routes: Record<string, ReplayAnswer>, make: (origin: string) => Client[]) => {
      const server = await startReplayServer(routes);
      servers.push(server);
      for (const client of make(server.url)) {
        clients.push(client);
        serverOf.set(client, server);
      }
    };
    for (const recorded of recordings)
      await serve(replayRoutesOf(recorded), (origin) => uniliveClients(recorded, origin));
    await serve(vendorRoutes.mux, muxClients);
    await serve(vendorRoutes['api.video'], apiVideoClients);

    for (const client of clients) await checkClient(client, serverOf.get(client) as ReplayServer);
    for (const client of clients) await batch(client.run, options.warmup, options.concurrency);

    const samples = new Map<Client, ClientFigures[]>(clients.map((client) => [client, []]));
    const slices = Math.max(1, Math.round(options.calls / sliceCalls));
    for (let run = 0; run < options.runs; run += 1) {
      const totals = new Map(clients.map((client) => [client, { elapsedMs: 0, cpuMicros: 0, heapBytes: 0 }]));
      for (let slice = 0; slice < slices; slice += 1) {
        const calls =
          Math.round(((slice + 1) * options.calls) / slices) - Math.round((slice * options.calls) / slices);
        for (let index = 0; index < clients.length; index += 1) {
          const client = clients[(index + slice + run) % clients.length] as Client;
          const timing = await batch(client.run, calls, options.concurrency);
          const total = totals.get(client);
          if (total) {
            total.elapsedMs += timing.elapsedMs;
            total.cpuMicros += timing.cpuMicros;
            total.heapBytes += timing.heapBytes;
          }
        }
      }
      for (const [client, total] of totals) {
        samples.get(client)?.push({
          callsPerSecond: (options.calls / total.elapsedMs) * 1000,
          cpuMicrosPerCall: total.cpuMicros / options.calls,
          heapKiBPerCall: total.heapBytes / 1024 / options.calls,
        });
      }
    }

    const results = clients.map((client): ClientResult => {
      const runs = samples.get(client) ?? [];
      const pick = (key: keyof ClientFigures) => runs.map((run) => run[key]);
      const spread = (values: number[], digits: number): [number, number] => [
        round(Math.min(...values), digits),
        round(Math.max(...values), digits),
      ];
      return {
        name: client.name,
        kind: client.kind,
        answer: client.answer,
        call: client.call,
        responseBytes: client.responseBytes,
        requestsPerCall: client.requestsPerCall,
        median: {
          callsPerSecond: round(median(pick('callsPerSecond'))),
          cpuMicrosPerCall: round(median(pick('cpuMicrosPerCall')), 1),
          heapKiBPerCall: round(median(pick('heapKiBPerCall')), 1),
        },
        range: {
          callsPerSecond: spread(pick('callsPerSecond'), 0),
          cpuMicrosPerCall: spread(pick('cpuMicrosPerCall'), 1),
        },
        perRun: runs.map((figures) => ({
          callsPerSecond: round(figures.callsPerSecond),
          cpuMicrosPerCall: round(figures.cpuMicrosPerCall, 1),
          heapKiBPerCall: round(figures.heapKiBPerCall, 1),
        })),
      };
    });

    const mux = samples.get(clients.find((client) => client.kind === 'mux') as Client) ?? [];
    const comparisons = subjects.map((subject): SideBySideComparison => {
      const unilive = clients.find((client) => client.kind === 'unilive' && client.answer === subject.id);
      const bareKy = clients.find((client) => client.kind === 'ky' && client.answer === subject.id);
      return compareRuns(
        subject,
        samples.get(unilive as Client) ?? [],
        mux,
        samples.get(bareKy as Client) ?? [],
      );
    });
    return {
      calls: options.calls,
      runs: options.runs,
      warmup: options.warmup,
      concurrency: options.concurrency,
      clients: results,
      comparisons,
      met: comparisons.every(
        (comparison) =>
          comparison.met.callsVsMux && comparison.met.cpuVsMux && comparison.met.callsVsKy !== false,
      ),
    };
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }
}

// Every client reads a stream, with the number of requests it claims: a client that quietly failed or
// sent more requests than said would make its figures meaningless.
export async function checkClient(client: Client, server: ReplayServer): Promise<void> {
  const before = await server.requests();
  const got = await client.run();
  const sent = (await server.requests()) - before;
  if (typeof got !== 'object' || got === null || sent !== client.requestsPerCall)
    throw new Error(`${client.name}: expected a stream in ${client.requestsPerCall} requests, sent ${sent}`);
  if (client.kind !== 'fetch' && client.kind !== 'ky' && streamIdOf(client.kind, got) === undefined)
    throw new Error(`${client.name}: read no stream id`);
}
