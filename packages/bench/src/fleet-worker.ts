// One process of the fleet fan-out (`fleet.ts`): its share of the creates through one client, its gate in
// Redis (shared with the other processes) or in its own memory. Started with the plan as its argument; waits
// for "go", then reports over IPC. Only erasable TypeScript and no relative imports, so Node runs it from
// source as well.
import { createLiveStreamClient, type LiveStreamProvider, type RateLimitOptions } from '@unilive/core';
import liveapi from '@unilive/liveapi';
import { createRedisGateStore } from '@unilive/redis';
import videosdk from '@unilive/videosdk';
import wowzaRealtime from '@unilive/wowza-realtime';
import wowzaVideo from '@unilive/wowza-video';
import type { StoreCount } from './counted-store.js';

/** What the parent asks of one process. */
export interface FleetWorkerPlan {
  index: number;
  provider: 'wowza-video' | 'wowza-realtime' | 'liveapi' | 'videosdk';
  adapterSettings: Record<string, unknown>;
  creates: number;
  requestsPerSecond: number;
  /** Without it, the gate is in this process's memory. */
  redisUrl?: string;
}

/** What one process reports. */
export interface FleetWorkerReport {
  type: 'done';
  index: number;
  ids: string[];
  failures: Record<string, number>;
  retries: number;
  rateLimited: number;
  /** Calls to the shared store, and the round trips they made (calls sent together count once). */
  storeCalls: number;
  storeRounds: number;
  /** Requests this process sent (retries included). */
  requests: number;
}

const plan = JSON.parse(process.argv[2] ?? '{}') as FleetWorkerPlan;
const factories = { 'wowza-video': wowzaVideo, 'wowza-realtime': wowzaRealtime, liveapi, videosdk } as Record<
  string,
  (settings: Record<string, unknown>) => LiveStreamProvider
>;

// Counts the store's calls, and as one round trip the calls the gate sends in the same turn. This process is
// forked from the sources in tests (run by Node's type stripping, which keeps import paths as written), so
// the module is named with the extension this file has.
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const { countedStore } = (await import(
  new URL(`./counted-store${extension}`, import.meta.url).href
)) as typeof import('./counted-store.js');
const storeCount: StoreCount = { calls: 0, rounds: 0 };

const redis = plan.redisUrl ? createRedisGateStore({ url: plan.redisUrl }) : undefined;
const rateLimit: RateLimitOptions = {
  requestsPerSecond: plan.requestsPerSecond,
  ...(redis ? { store: countedStore(redis, storeCount) } : {}),
};
let retries = 0;
let rateLimited = 0;
let requests = 0;
const factory = factories[plan.provider];
if (!factory) throw new Error(`no adapter ${plan.provider}`);
const client = createLiveStreamClient(factory(plan.adapterSettings), {
  rateLimit,
  hooks: {
    onRequest: () => {
      requests += 1;
    },
    onRetry: (event) => {
      retries += 1;
      if (event.error.status === 429) rateLimited += 1;
    },
  },
});
// Connected before the start, so the processes start on equal terms.
await redis?.pausedUntil('bench-warm-up').catch(() => 0);
storeCount.calls = 0;
storeCount.rounds = 0;
process.send?.({ type: 'ready' });
await new Promise<void>((resolve) => process.once('message', () => resolve()));
const outcomes = await Promise.allSettled(
  Array.from({ length: plan.creates }, (_, index) =>
    client.create({ name: `fleet ${plan.index + 1}.${index + 1}` }),
  ),
);
const failures: Record<string, number> = {};
const ids: string[] = [];
for (const outcome of outcomes) {
  if (outcome.status === 'fulfilled') ids.push(outcome.value.id);
  else {
    const name = outcome.reason instanceof Error ? outcome.reason.name : 'unknown';
    failures[name] = (failures[name] ?? 0) + 1;
  }
}
const report: FleetWorkerReport = {
  type: 'done',
  index: plan.index,
  ids,
  failures,
  retries,
  rateLimited,
  storeCalls: storeCount.calls,
  storeRounds: storeCount.rounds,
  requests,
};
process.send?.(report);
await redis?.close();
process.disconnect?.();
