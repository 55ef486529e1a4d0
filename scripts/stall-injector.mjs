// The stall injector: a vitest setup file that, while a test runs, blocks the worker's event loop (or delays
// a fetch answer or a timer) at seeded random moments, as a busy machine does, so a test whose verdict
// depends on how long the machine took shows itself. Off unless UNILIVE_STALL_SEED is set (vitest.shared.ts
// adds this file then); never part of `npm test`.
//
//   UNILIVE_STALL_SEED=7 pnpm vitest run src/http            # random stalls, replayable with the same seed
//   UNILIVE_STALL_SEED=7 UNILIVE_STALL_AT=fetch-answer#1 UNILIVE_STALL_MS=5200 pnpm vitest run -t 'name'
//
// UNILIVE_STALL_SEED    integer; each test draws from its own generator, seeded from it, the file and the
//                       test's name, so one test replays alone (-t) as it ran among the others
// UNILIVE_STALL_RATE    chance that a stall point stalls: one number for all, or "point=chance,…" (default
//                       0.2 for each point, 0.03 for io, which comes far more often)
// UNILIVE_STALL_MAX     stalls per test at most (default 1)
// UNILIVE_STALL_MS      a stall's length, "min-max" or one number of milliseconds (default 500-5000)
// UNILIVE_STALL_POINTS  which points may stall (default all): fetch-send (the call to the global fetch),
//                       fetch-answer (its answer arriving), timer (a setTimeout callback about to run),
//                       io (any other callback of the event loop about to run: a socket's data, a server's
//                       request, an immediate, a child process's exit; promises aside)
// UNILIVE_STALL_MODE    block (default: the whole event loop stops, Atomics.wait) or delay (only that fetch
//                       answer or timer is late; everything else runs meanwhile; io always blocks)
// UNILIVE_STALL_AT      "point#n[,point#n…]": stall exactly at the n-th such point of each test (1-based),
//                       ignoring RATE and MAX; with a fixed UNILIVE_STALL_MS this reproduces a failure at will
// UNILIVE_STALL_LOG     file each stall is appended to (default $TMPDIR/unilive-stall.log), to match a
//                       failure with the stall that preceded it
import { createHook } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, expect } from 'vitest';

const env = process.env;
const seed = Number(env.UNILIVE_STALL_SEED);
const rates = { 'fetch-send': 0.2, 'fetch-answer': 0.2, timer: 0.2, io: 0.03 };
for (const part of (env.UNILIVE_STALL_RATE ?? '').split(',').filter(Boolean)) {
  const [name, value] = part.includes('=') ? part.split('=') : [undefined, part];
  for (const point of name === undefined ? Object.keys(rates) : [name]) rates[point] = Number(value);
}
const max = Number(env.UNILIVE_STALL_MAX ?? 1);
const [minMs, maxMs] = (env.UNILIVE_STALL_MS ?? '500-5000').split('-').map(Number);
const points = new Set((env.UNILIVE_STALL_POINTS ?? 'fetch-send,fetch-answer,timer,io').split(','));
const mode = env.UNILIVE_STALL_MODE ?? 'block';
const at = new Set((env.UNILIVE_STALL_AT ?? '').split(',').filter(Boolean));
const log = env.UNILIVE_STALL_LOG ?? join(tmpdir(), 'unilive-stall.log');

// Captured before any test can install fake timers, so a stall and a delay always take real time.
const realSetTimeout = globalThis.setTimeout;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** mulberry32: small, seedable, good enough to pick moments. */
function generator(n) {
  let a = n >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const state = { name: '(outside a test)', random: generator(seed), stalls: 0, counts: new Map() };

function enter(name) {
  state.name = name;
  state.random = generator(seed ^ hash(name));
  state.stalls = 0;
  state.counts = new Map();
}

enter(`${expect.getState().testPath ?? ''} (outside a test)`);
beforeEach(() => {
  const { testPath, currentTestName } = expect.getState();
  enter(`${testPath} > ${currentTestName}`);
});

/** How long to stall at this point, or 0. Draws the same numbers whatever the point decides. */
function decide(point, detail) {
  const n = (state.counts.get(point) ?? 0) + 1;
  state.counts.set(point, n);
  const roll = state.random();
  const length = Math.round(minMs + state.random() * ((maxMs ?? minMs) - minMs));
  const chosen =
    at.size > 0 ? at.has(`${point}#${n}`) : points.has(point) && state.stalls < max && roll < rates[point];
  if (!chosen) return 0;
  state.stalls++;
  appendFileSync(
    log,
    `[stall seed=${seed}] ${mode} ${length} ms at ${point}#${n}${detail ? ` (${detail})` : ''} in ${state.name}\n`,
  );
  return length;
}

function block(ms) {
  Atomics.wait(sleeper, 0, 0, ms);
}

const later = (ms) => new Promise((resolve) => realSetTimeout(resolve, ms));

// The global fetch, read at each call by core's HTTP layer: an accessor, so a fetch installed later (nock's
// interceptor) is wrapped as well. A proxy keeps the wrapped function's own properties visible (an
// interceptor's "already patched" mark), and what is stored back is unwrapped, so nothing is wrapped twice.
const inners = new WeakMap();
const wrappers = new WeakMap();
function wrapFetch(inner) {
  if (typeof inner !== 'function') return inner;
  let wrapper = wrappers.get(inner);
  if (wrapper !== undefined) return wrapper;
  wrapper = new Proxy(inner, {
    apply(target, self, args) {
      const input = args[0];
      const what = `${args[1]?.method ?? input?.method ?? 'GET'} ${input?.url ?? input}`;
      const before = decide('fetch-send', what);
      if (before > 0) block(before);
      return Reflect.apply(target, self, args).then(async (response) => {
        const after = decide('fetch-answer', what);
        if (after > 0) {
          if (mode === 'delay') await later(after);
          else block(after);
        }
        return response;
      });
    },
  });
  wrappers.set(inner, wrapper);
  inners.set(wrapper, inner);
  return wrapper;
}
let currentFetch = globalThis.fetch;
Object.defineProperty(globalThis, 'fetch', {
  configurable: true,
  enumerable: true,
  get: () => wrapFetch(currentFetch),
  set: (value) => {
    currentFetch = inners.get(value) ?? value;
  },
});

// Timers: the callback of a real setTimeout may stall as it is about to run (the loop was busy when it was
// due), or, in delay mode, run late. Fake timers replace this wrapper while installed, which is right: their
// time is not the machine's.
const realClearTimeout = globalThis.clearTimeout;
const cleared = new WeakSet();
globalThis.clearTimeout = function stallingClearTimeout(handle) {
  if (typeof handle === 'object' && handle !== null) cleared.add(handle);
  return realClearTimeout(handle);
};
globalThis.setTimeout = Object.assign(function stallingSetTimeout(callback, ms, ...args) {
  if (typeof callback !== 'function') return realSetTimeout(callback, ms, ...args);
  const name = callback.name || 'anonymous';
  const handle = realSetTimeout(
    function stallingCallback(...given) {
      const length = decide('timer', `${ms ?? 0} ms ${name}`);
      if (length > 0 && mode === 'delay') {
        // A late timer still honours a clearTimeout made while it was late.
        realSetTimeout(() => cleared.has(handle) || callback.apply(this, given), length);
        return;
      }
      if (length > 0) block(length);
      return callback.apply(this, given);
    },
    ms,
    ...args,
  );
  return handle;
}, realSetTimeout);

// Any other moment the event loop resumes: the callback of a socket, a server, a file, an immediate, a child
// process. Timers are the `timer` point above; promise reactions run inside these and are not moments of
// their own.
const kinds = new Map();
if (points.has('io') || [...at].some((point) => point.startsWith('io#'))) {
  createHook({
    init(asyncId, type) {
      if (type !== 'PROMISE' && type !== 'Timeout') kinds.set(asyncId, type);
    },
    before(asyncId) {
      const type = kinds.get(asyncId);
      if (type === undefined) return;
      const length = decide('io', type);
      if (length > 0) block(length);
    },
    destroy(asyncId) {
      kinds.delete(asyncId);
    },
  }).enable();
}
