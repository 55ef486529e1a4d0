// One process of a fleet sharing a vendor account, started by the fleet tests. This file has only erasable
// TypeScript and imports built packages (and the store's own source), so Node runs it as it is.
//   create: waits for "go", sends its creates through a client paced by a Redis (or in-memory) gate, and
//           reports when each request left and when each 429 came back.
//   hold:   takes slots of a Redis gate and keeps them until it is killed.
import { createLiveStreamClient, createRequestGate, systemClock, systemSleep } from '@unilive/core';
import liveapi from '@unilive/liveapi';
import { createRedisGateStore } from '../src/redis-gate-store.ts';

/** What the parent asks of this process. */
export interface FleetPlan {
  mode: 'create' | 'hold';
  name: string;
  /** Without it, the gate is in memory: each process paces alone. */
  redisUrl?: string;
  adapter?: { baseUrl: string; tokenId: string; secretKey: string };
  creates?: number;
  requestsPerSecond?: number;
  /** hold: the gate key and how many slots, for how long. */
  key?: string;
  slots?: number;
  holdMs?: number;
}

/** What a create worker reports when it is done. */
export interface FleetReport {
  type: 'done';
  name: string;
  /** When each request left this process (ms since the epoch), 429s' retries included. */
  requests: number[];
  /** When each 429 came back. */
  rateLimited: number[];
  created: number;
  failed: string[];
}

const plan = JSON.parse(process.argv[2] ?? '{}') as FleetPlan;
// A generous time limit: these processes test sharing, and a busy machine must not make them fall back.
const store = plan.redisUrl
  ? createRedisGateStore({ url: plan.redisUrl, commandTimeoutMs: 10_000 })
  : undefined;

if (plan.mode === 'hold') {
  const gate = createRequestGate({ maxConcurrency: plan.slots ?? 1, store }, systemClock, systemSleep);
  for (let index = 0; index < (plan.slots ?? 1); index += 1) {
    await gate.acquire({ key: plan.key, holdMs: plan.holdMs });
  }
  process.send?.({ type: 'holding' });
  // Holds them until killed.
  setInterval(() => {}, 60_000);
} else {
  const requests: number[] = [];
  const rateLimited: number[] = [];
  const client = createLiveStreamClient(liveapi(plan.adapter ?? {}), {
    rateLimit: { requestsPerSecond: plan.requestsPerSecond ?? 10, ...(store ? { store } : {}) },
    hooks: {
      onRequest: () => {
        requests.push(Date.now());
      },
      onRetry: (event) => {
        if (event.error.status === 429) rateLimited.push(Date.now());
      },
    },
  });
  // Warm up the connection to Redis before the start, so every process starts on equal terms.
  await store?.pausedUntil('warm-up').catch(() => 0);
  process.send?.({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const outcomes = await Promise.allSettled(
    Array.from({ length: plan.creates ?? 0 }, (_, index) =>
      client.create({ name: `${plan.name} ${index + 1}` }),
    ),
  );
  const report: FleetReport = {
    type: 'done',
    name: plan.name,
    requests,
    rateLimited,
    created: outcomes.filter((outcome) => outcome.status === 'fulfilled').length,
    failed: outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [String(outcome.reason?.name)] : [],
    ),
  };
  process.send?.(report);
  await store?.close();
  process.disconnect?.();
}
