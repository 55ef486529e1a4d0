import { isAbortSignal, ownValue } from './own.js';

/**
 * Runs the changes a provider makes to one stream one after another, and those to different streams at
 * once: `changes(id, options, run)` starts `run` once every change of `id` queued before it has settled
 * (fulfilled or rejected), and gives its outcome.
 *
 * For a change planned from a read of the stream (LiveAPI's restream targets, added to those it reads;
 * videosdk v2's RTMP-outs, ended and started again as a set): two such changes made at once would each
 * plan from the same read, and together leave a set that neither asked for. One provider object applies
 * them in the order they were made; processes sharing an account must still order theirs themselves.
 *
 * A change whose `options.signal` fires while it waits starts at once, so that its first request refuses
 * the aborted signal before anything is sent (an `AbortError`, `delivery: 'not-sent'`), rather than after
 * the changes ahead of it. Its deadline (`totalTimeoutMs`, fixed by `startCall` before it is queued) runs
 * while it waits, as the caller's clock does. Nothing is held for a stream once its changes have settled.
 * @internal
 */
export function streamChanges(): <T>(id: string, options: unknown, run: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<void>>();
  return <T>(id: string, options: unknown, run: () => Promise<T>): Promise<T> => {
    const ahead = tails.get(id);
    const result = ahead === undefined ? run() : waitFor(ahead, signalOf(options)).then(run);
    // The next change waits for this one and for every change ahead of it: one that started early (its
    // signal fired while it waited) must not let those behind it start beside a change still running.
    const tail =
      ahead === undefined
        ? result.then(settled, settled)
        : Promise.all([ahead, result.then(settled, settled)]).then(settled);
    tails.set(id, tail);
    void tail.then(() => {
      if (tails.get(id) === tail) tails.delete(id);
    });
    return result;
  };
}

const settled = (): void => undefined;

function signalOf(options: unknown): AbortSignal | undefined {
  if (typeof options !== 'object' || options === null) return undefined;
  let signal: unknown;
  try {
    signal = ownValue(options, 'signal');
  } catch {
    // Options that cannot be read are the request's to refuse: waited as any other.
    return undefined;
  }
  return isAbortSignal(signal) ? signal : undefined;
}

// Until `ahead` settles, or `signal` fires (one listener, removed when either comes first).
function waitFor(ahead: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return ahead;
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void ahead.then(done);
  });
}
