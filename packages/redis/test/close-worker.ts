// A process with one Redis gate store and nothing else, started by the tests of what `close()` leaves behind.
// This file has only erasable TypeScript and imports the store's own source, so Node runs it as it is. The
// store is made on the URL in argv[2], with the options in argv[3] (JSON). It says "ready", then does what
// each message asks: `call` (a read of the pause) and `take` (a slot take) answer with `called` and the
// outcome's code (`ok`, or the store's error code); `close` closes the store, waits for the calls it started
// (each ends with close at the latest), and answers `closed` with the resources that still keep the process
// alive, read right then: nothing of the store's may be among them.
import { createRedisGateStore, RedisGateStoreError } from '../src/redis-gate-store.ts';

const store = createRedisGateStore({ url: process.argv[2], ...JSON.parse(process.argv[3] ?? '{}') });
const calls: Promise<unknown>[] = [];
const outcome = (done: Promise<unknown>) =>
  done.then(
    () => 'ok',
    (error: unknown) => (error instanceof RedisGateStoreError ? error.code : String(error)),
  );
process.on('message', async (message: { type: string }) => {
  if (message.type === 'call' || message.type === 'take') {
    const done =
      message.type === 'call'
        ? outcome(store.pausedUntil('k'))
        : outcome(store.acquireSlot('k', `holder-${calls.length}`, 3, 60_000));
    calls.push(done);
    process.send?.({ type: 'called', code: await done });
    return;
  }
  await store.close();
  await Promise.allSettled(calls);
  process.send?.({ type: 'closed', resources: process.getActiveResourcesInfo() });
  process.disconnect?.();
});
process.send?.({ type: 'ready' });
