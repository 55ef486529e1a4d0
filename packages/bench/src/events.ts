import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createEventHub,
  createLiveStreamClient,
  createWebhookHandler,
  type LiveStreamClient,
  type LiveStreamEvent,
  type LiveStreamProvider,
  type WebhookParser,
} from '@unilive/core';
import { parseWebhook as parseLiveApiWebhook } from '@unilive/liveapi';
import { parseWebhook as parseWowzaVideoWebhook } from '@unilive/wowza-video';
import { createProvider } from './providers.js';
import { type SandboxChild, startSandboxChild } from './sandbox-child.js';
import { median, now, round } from './stats.js';

/** Sizes of the events measurement. */
export interface EventsOptions {
  /** Waits per case that hear events. */
  samples: number;
  /** Waits per case that only poll (each lasts about a transition). */
  pollingSamples: number;
  /** How long the sandbox takes to start a stream, ms (Wowza Video's transition). */
  transitionMs: number;
}

/** How a wait learned the stream got there. */
export type WaitMode = 'events' | 'polling';

/** The figures of one way of waiting in one scenario. */
export interface EventsCase {
  provider: 'wowza-video' | 'liveapi';
  /** What is waited for, and what makes it happen. */
  scenario: string;
  mode: WaitMode;
  samples: number;
  /** The wait's polling pace: its first interval and its longest, ms. */
  intervalMs: { first: number; max: number };
  /** Webhook arrival at the application's endpoint → the wait resolved, ms. */
  latencyMs: { median: number; p99: number; min: number; max: number };
  /** A wait that hears events: its exact p99 within {@link eventsTargetMs}; null for one that only polls. */
  met: boolean | null;
  /** Requests the wait itself sent (its polls), per wait: median and most. */
  requestsPerWait: { median: number; max: number };
  /** Requests the webhook parser sent to confirm events over the API, per wait: median and most. */
  confirmationsPerWait: { median: number; max: number };
}

/** The events report. */
export interface EventsReport {
  transitionMs: number;
  /** The target: a wait that hears events resolves within this many ms of the webhook's arrival (p99). */
  targetMs: number;
  cases: EventsCase[];
  met: boolean;
}

/** The target: webhook arrival → wait resolved, p99. */
export const eventsTargetMs = 50;

/** The p-th percentile (0–100) of some numbers, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

/**
 * The latency figures of one case's waits (ms each) and its verdict: a wait that hears events is judged on
 * its p99 (nearest rank) before it is rounded for the report; one that only polls is reported.
 */
export function latencyOf(
  latencies: readonly number[],
  mode: WaitMode,
): Pick<EventsCase, 'latencyMs' | 'met'> {
  const p99 = percentile(latencies, 99);
  return {
    latencyMs: {
      median: round(median(latencies), 1),
      p99: round(p99, 1),
      min: round(Math.min(...latencies), 1),
      max: round(Math.max(...latencies), 1),
    },
    met: mode === 'events' ? p99 <= eventsTargetMs : null,
  };
}

// An application's webhook endpoint: core's handler behind node:http, publishing to the hub, noting when
// each delivery arrived (as the request came in) and what it said about which stream.
interface Endpoint {
  url: string;
  /** Deliveries about a stream: when each arrived (this process's clock, ms) and each event it held. */
  arrivals(streamId: string): { at: number; event: LiveStreamEvent }[];
  close(): Promise<void>;
}

async function startEndpoint(
  path: string,
  parse: WebhookParser,
  hub: ReturnType<typeof createEventHub>,
): Promise<Endpoint> {
  const arrivals = new Map<string, { at: number; event: LiveStreamEvent }[]>();
  const arrival = new AsyncLocalStorage<number>();
  const handler = createWebhookHandler({
    parse: async (input) => {
      const events = await parse(input);
      const at = arrival.getStore() ?? now();
      for (const event of events) {
        const list = arrivals.get(event.streamId) ?? [];
        list.push({ at, event });
        arrivals.set(event.streamId, list);
      }
      return events;
    },
    hub,
  });
  const server: Server = createServer((request, response) => {
    arrival.run(now(), () => void handler.node(request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    arrivals: (streamId) => arrivals.get(streamId) ?? [],
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// A fetch that counts the requests it sends, and tells when the first answer since the last reset came.
function counting(): { fetch: typeof fetch; count(): number; reset(): void; answered(): Promise<void> } {
  let requests = 0;
  let resolve = () => {};
  let answered = new Promise<void>((done) => {
    resolve = done;
  });
  return {
    fetch: async (input, init) => {
      requests += 1;
      const response = await fetch(input, init);
      resolve();
      return response;
    },
    count: () => requests,
    reset: () => {
      requests = 0;
      answered = new Promise<void>((done) => {
        resolve = done;
      });
    },
    answered: () => answered,
  };
}

// A deterministic generator, so every run waits the same pauses.
function generator(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

interface Scenario {
  provider: EventsCase['provider'];
  scenario: string;
  parse: (confirm: LiveStreamProvider) => WebhookParser;
  pathSecret: string;
  /** Makes the awaited change happen (through a client whose requests are not counted). */
  trigger(sandbox: SandboxChild, control: LiveStreamClient, id: string): Promise<void>;
  /** Waits for it; `events` given or not. */
  wait(
    client: LiveStreamClient,
    id: string,
    events: ReturnType<typeof createEventHub> | undefined,
  ): Promise<unknown>;
  /** Whether an event tells of the awaited change. */
  tells(event: LiveStreamEvent): boolean;
}

const scenarios: Scenario[] = [
  {
    provider: 'wowza-video',
    scenario: '`waitForState(id, "ready")` after `start` (webhook `start.complete`, confirmed over the API)',
    pathSecret: 'bench-events-path-secret-0001',
    parse: (confirm) => (input) =>
      parseWowzaVideoWebhook(input, { unsigned: true, pathSecret: 'bench-events-path-secret-0001', confirm }),
    trigger: async (_sandbox, control, id) => {
      await control.start(id);
    },
    wait: (client, id, events) =>
      client.waitForState(id, 'ready', { timeoutMs: 120_000, ...(events ? { events } : {}) }),
    tells: (event) => event.state === 'ready',
  },
  {
    provider: 'liveapi',
    scenario: '`waitForBroadcast(id)` when the encoder connects (webhook `stream-connected`)',
    pathSecret: 'bench-events-path-secret-0002',
    parse: () => (input) =>
      parseLiveApiWebhook(input, { unsigned: true, pathSecret: 'bench-events-path-secret-0002' }),
    trigger: async (sandbox, _control, id) => {
      const answer = await fetch(`${sandbox.url}/_sandbox/encoders/liveapi/${id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ connected: true }),
      });
      await answer.arrayBuffer();
      if (answer.status !== 200) throw new Error(`the sandbox refused the encoder (${answer.status})`);
    },
    wait: (client, id, events) =>
      client.waitForBroadcast(id, { timeoutMs: 120_000, ...(events ? { events } : {}) }),
    tells: (event) => event.type === 'live_stream.connected' || event.broadcasting === true,
  },
];

/**
 * Webhooks against polling: the sandbox (in its own process) sends each vendor's webhooks to an endpoint in
 * this process, built as an application builds it (core's webhook handler publishing to an event hub). A
 * wait that hears the hub and one that only polls (the defaults of each) wait for the same change; each
 * wait's latency is counted from the arrival of the webhook that told of the change, and every request
 * each one sent is counted.
 */
export async function measureEvents(options: EventsOptions): Promise<EventsReport> {
  const cases: EventsCase[] = [];
  const sandbox = await startSandboxChild({ transitionMs: options.transitionMs, media: false });
  try {
    for (const scenario of scenarios) {
      const settings = sandbox.adapterSettings(scenario.provider);
      const polls = counting();
      const confirmations = counting();
      const client = createLiveStreamClient(
        createProvider(scenario.provider, { ...settings, fetch: polls.fetch }),
      );
      const confirm = createProvider(scenario.provider, { ...settings, fetch: confirmations.fetch });
      const control = createLiveStreamClient(createProvider(scenario.provider, settings));
      const hub = createEventHub();
      const endpoint = await startEndpoint(`/hooks/${scenario.pathSecret}`, scenario.parse(confirm), hub);
      try {
        const registered = await fetch(`${sandbox.url}/_sandbox/webhooks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ provider: scenario.provider, url: endpoint.url }),
        });
        await registered.arrayBuffer();
        if (registered.status !== 201)
          throw new Error(`could not register the endpoint (${registered.status})`);
        for (const mode of ['events', 'polling'] as const) {
          const latencies: number[] = [];
          const requests: number[] = [];
          const confirmed: number[] = [];
          const samples = mode === 'events' ? options.samples : options.pollingSamples;
          const random = generator(11);
          for (let sample = 0; sample < samples; sample += 1) {
            const stream = await control.create({
              name: `bench events ${mode} ${sample}`,
              ingestProtocol: 'rtmp',
            });
            polls.reset();
            confirmations.reset();
            const waiting = scenario
              .wait(client, stream.id, mode === 'events' ? hub : undefined)
              .then(() => now());
            // The change comes while the wait sleeps, at a point of its polling interval drawn at random,
            // as a change in the vendor's own time would.
            await polls.answered();
            await new Promise((resolve) => setTimeout(resolve, 20 + random() * 1_000));
            await scenario.trigger(sandbox, control, stream.id);
            const resolvedAt = await waiting;
            const waitRequests = polls.count();
            // A wait that polls may see the change before its webhook arrives: wait for the webhook too.
            const deadline = now() + 30_000;
            let told: { at: number } | undefined;
            while (!told && now() < deadline) {
              told = endpoint.arrivals(stream.id).find((arrival) => scenario.tells(arrival.event));
              if (!told) await new Promise((resolve) => setTimeout(resolve, 5));
            }
            if (!told) throw new Error(`${scenario.provider}: no webhook told of the change`);
            latencies.push(resolvedAt - told.at);
            requests.push(waitRequests);
            confirmed.push(confirmations.count());
            await control.delete(stream.id).catch(() => {});
          }
          const intervals =
            mode === 'events' ? { first: 10_000, max: 60_000 } : { first: 1_000, max: 10_000 };
          cases.push({
            provider: scenario.provider,
            scenario: scenario.scenario,
            mode,
            samples,
            intervalMs: intervals,
            ...latencyOf(latencies, mode),
            requestsPerWait: { median: median(requests), max: Math.max(...requests) },
            confirmationsPerWait: { median: median(confirmed), max: Math.max(...confirmed) },
          });
        }
      } finally {
        hub.close();
        await endpoint.close();
      }
    }
  } finally {
    await sandbox.close();
  }
  const met = cases.every((item) => item.met !== false);
  return { transitionMs: options.transitionMs, targetMs: eventsTargetMs, cases, met };
}
