// A process with one Redis gate store and nothing else, started by the half-open tests. This file has only
// erasable TypeScript and imports the store's own source, so Node runs it as it is. It makes one call, says
// "up", and on any message closes the store and reports which resources still keep it alive.
import { createRedisGateStore } from '../src/redis-gate-store.ts';

const store = createRedisGateStore({ url: process.argv[2], commandTimeoutMs: 30_000 });
await store.pausedUntil('k');
process.send?.({ type: 'up' });
process.once('message', async () => {
  await store.close();
  // After the loop's next turn, whose close callbacks end what close destroyed: what is left is what would
  // keep the process from ending.
  setImmediate(() =>
    setImmediate(() => {
      process.send?.({ type: 'closed', resources: process.getActiveResourcesInfo() });
      process.disconnect?.();
    }),
  );
});
