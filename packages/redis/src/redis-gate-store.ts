import type { Socket } from 'node:net';
import {
  environment,
  type GateStore,
  type GateStoreUnavailableMode,
  type InputIssue,
  InvalidInputError,
  maxTimeoutMs,
  nearestName,
  plainObjectProblem,
  retryAfterCeilingMs,
} from '@unilive/core';
import { Redis, type RedisOptions } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** The environment variable read for the Redis URL when `url` is left out. */
export const redisUrlVariable = 'UNILIVE_REDIS_URL';

/** Options of {@link createRedisGateStore}. */
export interface RedisGateStoreOptions {
  /**
   * Where Redis listens: `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS, `db` a decimal
   * number from 0 to 2147483646 (default 0). Default: the `UNILIVE_REDIS_URL` environment variable. A
   * password in it is used to connect and never shown.
   */
  url?: string | undefined;
  /**
   * What the request gate does while Redis cannot be reached: `'fallback'` (the default) paces each process
   * alone in its own memory, with one `fallback` warning per outage through the client's `onWarning` hook,
   * and returns to Redis once it answers; `'fail'` refuses every request with `ProviderUnavailableError`
   * (`delivery: 'not-sent'`) until then. Neither waits on Redis longer than `commandTimeoutMs`.
   */
  onUnavailable?: GateStoreUnavailableMode | undefined;
  /** Put before every key, so several applications can share a Redis. Default `'unilive:gate:'`. */
  keyPrefix?: string | undefined;
  /**
   * The longest a call waits for Redis (connecting included) before the gate falls back or fails, in ms.
   * Default 1000. A slot the call gave up on is not taken when Redis runs the command later (after a stall),
   * nor left held when its answer is lost; a rate token it gave up on may still be spent then, at most one per
   * call and only until its window ends (see `docs/rate-limits.md`). A connection that leaves a call
   * unanswered this long (answers lost on a half-open connection: a new one's handshake and resumption, or a
   * command on one that worked, after its Redis host vanished or a failover moved its address) is dropped
   * then, and made again by the next call, or by the store itself while a slot removal waits: at once after
   * one that worked, else at most once per `reconnectIntervalMs`. The removal of a slot take given up on goes
   * to another connection than the take's only once the take can no longer run, this long after it was
   * sent; a later take of the same holder waits for it. `close` waits at most this long for Redis, twice
   * when a connection that answered goes silent while it closes (see `close`).
   */
  commandTimeoutMs?: number | undefined;
  /**
   * How often a request waiting for a concurrency slot asks Redis again, in ms: slots freed by other
   * processes are seen this late at most. Default 50.
   */
  pollIntervalMs?: number | undefined;
  /**
   * While Redis is down, the least time between two attempts to connect again, in ms. Default 1000. The
   * store connects when a call needs Redis, and by itself (through ioredis's reconnection) only while a slot
   * holder's removal waits to be sent, until those slots would have expired anyway. After a connection that
   * was up closed, broke or was dropped unanswered, the first attempt is at once (the next call's, or the
   * store's own); this interval spaces the attempts after one that failed. "Up" means the connection
   * answered the removals and the clock read sent on it: one that comes up and breaks before (a middlebox
   * resetting connections on the removal) is followed after this interval, not at once.
   */
  reconnectIntervalMs?: number | undefined;
  /**
   * Further ioredis options (TLS certificates, a username, a database), as a plain object (a `Map` or a class
   * instance is refused: only own properties are read). Those that decide how a failure behaves and where
   * the keys are are the store's own, refused here as in the URL's query: no offline queue, no retry of a
   * command, no background reconnection, and the store's `keyPrefix`, not ioredis's.
   * `reconnectOnError` (a function) is asked about each error reply, but its 2, "reconnect and resend the
   * command", is taken as 1: the store never sends a command twice (see `reconnectWithoutResend`). The next
   * call connects again at once, not after `reconnectIntervalMs`: Redis answered, it is not down. Those that
   * would break the store are refused, whatever their value, each naming why:
   * `enableAutoPipelining` (it ended the process with an uncaught TypeError from ioredis on the store's
   * scripts), `stringNumbers`, `monitor`, `commandTimeout` and `socketTimeout` (`commandTimeoutMs` is the
   * store's bound), `Connector`. `host`, `port` and `path` are checked before anything connects (a host
   * name or IP address, not a URL; a whole number from 1 to 65535; a non-empty path), as in the URL's query;
   * the URL's host and port win over them, and a `path` connects to that Unix socket instead. Every option
   * not given here or in the URL is ioredis 6.0.0's own default, never what `Redis.defaultOptions` holds at
   * the time: that object is shared by the process, and a change to it (a `commandTimeout`, a `path`, a
   * `keyPrefix`) would change how the store connects and fails. One default differs from ioredis's:
   * `enableReadyCheck` is `false` (its `INFO` cost a round trip per connection and printed a warning for an
   * ACL user without `INFO`; a Redis still loading answers the store's first command `LOADING`, the call's
   * error code).
   */
  redisOptions?:
    | Omit<
        RedisOptions,
        | 'enableOfflineQueue'
        | 'maxRetriesPerRequest'
        | 'retryStrategy'
        | 'lazyConnect'
        | 'keyPrefix'
        | 'replyMapping'
        | 'enableAutoPipelining'
        | 'stringNumbers'
        | 'monitor'
        | 'commandTimeout'
        | 'socketTimeout'
        | 'Connector'
      >
    | undefined;
}

/** A {@link GateStore} on Redis, as {@link createRedisGateStore} makes it. */
export interface RedisGateStore extends GateStore {
  readonly onUnavailable: GateStoreUnavailableMode;
  /** `Redis at <host>:<port>`, and `/<db>` for a database other than 0: the URL without credentials. */
  readonly description: string;
  /**
   * Closes the connection. First sends the slot holders' removals still waiting (a take or a release whose
   * connection broke before its answer), and removes the slots of requests still in flight (taken by this
   * store and not released yet: their releases come after `close` and are not sent), after waiting for slot
   * takes already sent (one Redis answers now is given back, and fails with `CLOSED`); connecting for them
   * if need be, for at most `commandTimeoutMs`. When the connection it finds had answered and goes silent
   * meanwhile (a command of the store's waiting on it: a release or a take during a failover, or on a
   * half-open path), that connection is dropped and the removals are sent on one made afresh, within one
   * more `commandTimeoutMs`: at most twice `commandTimeoutMs` in all. When Redis does not answer within
   * that bound (or cannot be reached within the first), closes anyway and those slots expire by themselves
   * (the attempt's time limit plus 5 s). Once it has resolved, the store opens no connection and keeps
   * none open. A request still in flight then runs outside the
   * account's `maxConcurrency` (another process may take its slot): drain requests first where that
   * matters. Never rejects. Later calls (such a request's release included) fail with
   * `RedisGateStoreError` `CLOSED`, as if Redis were down (so the gate falls back or fails; it ignores a
   * release's failure). Call it before a process ends: the store's connection and reconnection never keep a
   * process alive, so one that just ends leaves such slots to expire; once it has resolved, nothing of the
   * store's does, whatever state the connection was in (connecting, refused, silent, a reconnection
   * pending): it resolves once the sockets it destroyed have closed, and leaves no timer. A removal whose
   * slot take may still run (given up on, on a connection that broke) is sent once it cannot, within the
   * bound.
   */
  close(): Promise<void>;
}

/** A Redis call that failed; `code` says why without repeating anything Redis or the network said. */
export class RedisGateStoreError extends Error {
  override readonly name = 'RedisGateStoreError';
  /**
   * `ECONNREFUSED`, `ECONNRESET` (the connection closed under the call), `ETIMEDOUT` (no answer within
   * `commandTimeoutMs`), `CLOSED` (after `close()`), `ERANGE` (a rate below one request an hour, or none; a
   * slot limit that is no whole number from 1, or a hold that is no time: nothing was sent), a Redis error
   * code…
   */
  readonly code: string;
  constructor(store: string, code: string) {
    super(`${store}: ${code}`);
    this.code = code;
  }
}

/**
 * The longest slot hold a take is sent with, in ms: the longest attempt core's HTTP layer makes
 * (`maxTimeoutMs`, some 24.8 days) plus the 5 s margin it adds. A longer one, or Infinity, is refused
 * (`ERANGE`), and a holder in Redis whose slot ends later than this from now was not written by a take: the
 * slot script drops it.
 */
const maxHoldMs = maxTimeoutMs + 5_000;

// Redis's time in ms, and the refusal of a command that runs after the time its caller gave up on it
// (ARGV[n], in Redis's own clock; 0 when the store does not know that clock yet): a command Redis carries
// out late, after a stall (a fork, a slow command, a stopped process), takes no slot nobody waits for.
const lateCheck = (argument: number) => `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local deadline = tonumber(ARGV[${argument}])
if deadline > 0 and now > deadline then return {-1, now} end
`;

// Takes a concurrency slot in a sorted set of holders scored by when their slot expires (Redis's own clock,
// so the processes' clocks do not matter): expired holders are dropped first, and the set itself lives as
// long as its longest slot, so a process that dies holding slots leaves nothing behind for good. Answers
// {1 taken | 0 none free | -1 late, Redis's time}.
const acquireSlotScript = `${lateCheck(4)}
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
-- A holder whose slot ends later than any take can hold one (another program's entry, or a score written
-- by hand) is no holder: left, it would hold the slot for the account for ever.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '(' .. (now + ${maxHoldMs}), '+inf')
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return {0, now} end
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return {1, now}
`;

// Pauses for ARGV[1] ms unless a longer pause is in force. Only durations travel and the key's own expiry
// (Redis's clock) marks the end: a process whose clock is off by minutes neither pauses the others for
// minutes nor shortens their pause.
const setPauseScript = `
local left = redis.call('PTTL', KEYS[1])
if tonumber(ARGV[1]) > left then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[1]) end
return 1
`;

// Brings a pause that ends later than ARGV[1] ms from now down to that: only ever shorter.
const capPauseScript = `
if redis.call('PTTL', KEYS[1]) > tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1
`;

/** The slot script's answer: 1 taken, 0 none free, -1 late (nothing taken); Redis's time in ms. */
type SlotAnswer = [number, number];

interface ScriptedRedis extends Redis {
  uniliveAcquireSlot(
    key: string,
    holder: string,
    limit: number,
    ttlMs: number,
    deadline: number,
  ): Promise<SlotAnswer>;
  uniliveSetPause(key: string, forMs: number): Promise<number>;
  uniliveCapPause(key: string, atMostMs: number): Promise<number>;
}

/**
 * Makes the request gate's store on Redis, so that every process using one vendor account shares one
 * budget: pass it as `rateLimit.store` (`createLiveStreamClient(provider, { rateLimit: { requestsPerSecond:
 * 100, store } })`), or name it in configuration (`rateLimit: { store: 'redis', url }`).
 *
 * - Rate: `rate-limiter-flexible`'s `RateLimiterRedis`, `requestsPerSecond` requests per window of a whole
 *   second (a fraction becomes a whole number of requests over a few seconds, rounded down, never above the
 *   rate).
 * - Concurrency: a sorted set of slot holders per account, each slot expiring after its hold time.
 * - The pause after a 429: one key per account that expires when the pause ends (Redis's clock), read as
 *   what is left of it, so clocks that disagree between processes do not matter.
 * - A slot is taken only while its caller still waits: each slot take carries the time the caller gives up
 *   (`commandTimeoutMs` after the call began), on Redis's clock, and Redis takes nothing past it; a slot
 *   command given up on is followed by the removal of its holder on the same connection, or, when that
 *   connection broke or was dropped, on the next one once the take can no longer run (past its deadline:
 *   never before a take still on its way), which the store makes as soon as Redis can be reached
 *   (ioredis's reconnection, with no further call needed) and on `close`: a Redis that stalls and resumes,
 *   or a connection cut after Redis ran a take, leaves no slot held by nobody. A rate token whose take
 *   was given up on may still be spent when Redis runs it late: one token per such take, of the window it
 *   ran in, free again when that window ends (`duration` s of {@link windowOf}: 1000 ms at a whole
 *   `requestsPerSecond`).
 *
 * Keys are `<keyPrefix>{<provider>:<digest>}:rate|slots|pause`, the digest coming from core's `gateKeyOf`:
 * no credential, nor anything else secret, is written to Redis. The connection never keeps the process
 * alive on its own, and is made on the first call, not here.
 *
 * @throws InvalidInputError naming `url` (not a `redis://` or `rediss://` URL, none given, or a database
 *   part that is not a decimal number from 0 to 2147483646: `/abc`, `/1e1`, `/-1`, `/%31`, or a query setting
 *   one of the ioredis options the store owns, `?enableOfflineQueue=true`, `?keyPrefix=x`, or anything else
 *   ioredis cannot build a connection from, such as `?sentinels=x` without a master's name: its own error
 *   is the `cause`, scrubbed of the URL's credentials), an option name it does not have (naming the nearest
 *   one), `redisOptions` that is no object or no plain one (a `Map`, a class instance), sets one of the
 *   options the store owns (`redisOptions.keyPrefix`, `redisOptions.enableOfflineQueue`…) or one that would
 *   break it (`redisOptions.enableAutoPipelining`, `stringNumbers`, `monitor`, `commandTimeout`,
 *   `socketTimeout`, `Connector`; in the URL's query too, naming `url`), a `db` out of
 *   that range or a `reconnectOnError` that is no function, a `host` that is no host name or IP address
 *   (whitespace, a URL), a `port` that is no whole number from 1 to 65535 (`'abc'`, `70000`, `-1`, `1.5`) or
 *   an empty `path` (in `redisOptions`, naming it, or in the URL's query, naming `url`), or a numeric option out of range, or an option
 *   or `redisOptions` entry whose getter or Proxy throws (naming it: `redisOptions.username`), or a
 *   `"__proto__"` own key in `redisOptions` (unknown option), before anything connects. Each option is read
 *   once.
 */
export function createRedisGateStore(options: RedisGateStoreOptions = {}): RedisGateStore {
  const settings = checkOptions(options);
  const { url, description, keyPrefix, commandTimeoutMs, reconnectIntervalMs } = settings;
  // Set when the application's reconnectOnError dropped a connection Redis was answering on: the next call
  // connects again at once, neither held back by reconnectIntervalMs (Redis is up) nor failed as refused.
  let droppedOnReply = false;
  let closed = false;
  // Set once `close` has given up waiting: from then on nothing connects (a connection made after `close`
  // resolved would be left open, sending what it was given whenever Redis answered).
  let shut = false;
  let closing: Promise<void> | undefined;
  let connecting: Promise<void> | undefined;
  let nextConnectAt = 0;
  // Whether the connection ioredis may make again had been resumed (it answered the removals sent on it and
  // the clock read after them): then Redis was up a moment ago, and the first attempt is at once. A
  // connection that came up and broke before its resumption was answered (a middlebox resetting it on the
  // removal, a Redis killing clients) does not count: the attempts after it wait `reconnectIntervalMs`.
  let wasReady = false;
  // When the reconnection ioredis has scheduled (reconnectDelay) is due.
  let attemptAt = 0;
  const redisOptions: Omit<RedisOptions, 'replyMapping'> = {
    // The copy checkOptions read, once: a getter is not asked again, to answer otherwise or throw.
    ...settings.redisOptions,
    lazyConnect: true,
    // Set, not left to ioredis's defaults, which an application may change for every client
    // (`Redis.defaultOptions`): see storeBreakingOptions.
    enableAutoPipelining: false,
    stringNumbers: false,
    monitor: false,
    // A call while Redis is down fails at once instead of waiting in a queue, and is never sent twice.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Reconnection is on demand (below), except while a slot holder's removal waits to be sent: then
    // ioredis reconnects by itself, on a timer that does not keep the process alive (see reconnectDelay).
    retryStrategy: () => reconnectDelay(),
    connectTimeout: settings.redisOptions?.connectTimeout ?? commandTimeoutMs,
    // Off unless asked for (ioredis's default is on). ioredis's ready check sends INFO on every connection
    // before any command: one more round trip before a call on a new connection, and a warning printed to the
    // console when an ACL user may not run INFO (a least-privilege user usually may not: INFO is in
    // @dangerous). It only waits while Redis loads its data, which the store's first command meets anyway as
    // a LOADING reply, named in the call's error (the gate falls back, or fails) sooner than the check's wait
    // would end in ETIMEDOUT.
    enableReadyCheck: settings.redisOptions?.enableReadyCheck ?? false,
    reconnectOnError: reconnectWithoutResend(settings.redisOptions?.reconnectOnError, () => {
      droppedOnReply = true;
    }),
  };
  const client = connectionOf(url, redisOptions);
  client.defineCommand('uniliveAcquireSlot', { numberOfKeys: 1, lua: acquireSlotScript });
  client.defineCommand('uniliveSetPause', { numberOfKeys: 1, lua: setPauseScript });
  client.defineCommand('uniliveCapPause', { numberOfKeys: 1, lua: capPauseScript });
  // ioredis reports connection errors as events too; the calls that fail report them to the gate.
  let lastErrorCode: string | undefined;
  client.on('error', (error: unknown) => {
    // A refused password (WRONGPASS, NOAUTH) is a reply, not a system error: named as such.
    lastErrorCode = replyCodeOf(error) ?? lastErrorCode;
  });
  client.on('connect', () => {
    const stream = client.stream;
    (stream as Socket | undefined)?.unref?.();
    // A connection no call waits on (ioredis's own, made while a removal waits) is given up on as a call
    // would (dropUnresumed) when it is not resumed within commandTimeoutMs; unreferenced, like the socket.
    setTimeout(() => {
      if (client.stream === stream) dropUnresumed(true);
    }, commandTimeoutMs).unref?.();
  });
  // ioredis keeps its reconnection timer referenced: a process with nothing else to do would wait for it.
  // The timer is an undeclared field of ioredis's client, set before this event is emitted.
  client.on('reconnecting', () => {
    (client as unknown as { reconnectTimeout?: { unref?: () => void } | null }).reconnectTimeout?.unref?.();
  });
  // Every connection, made on demand or by ioredis's reconnection, is resumed before any call uses it:
  // listened to here, before any call's own wait for 'ready', so the removals go out first.
  let resumedStream: unknown;
  let resumed: Promise<void> = Promise.resolve();
  let resumeSettled: Promise<void> = resumed;
  // The connection whose resumption Redis answered, and the one given up on (see dropUnresumed).
  let answeredStream: unknown;
  let droppedStream: unknown;
  client.on('ready', () => {
    const stream = client.stream;
    resumedStream = stream;
    resumed = resumeConnection();
    resumeSettled = resumed.catch(() => {});
    resumed.then(
      () => {
        if (client.stream === stream) {
          wasReady = true;
          answeredStream = stream;
          // Redis answers again: a failure named from now on is one that happens from now on.
          lastErrorCode = undefined;
          sendDue();
        }
      },
      (error: unknown) => {
        // Redis refused the resumption (an ACL user without TIME: NOPERM; a database still loading:
        // LOADING): the calls refused until the next attempt name that reply, not a closed connection, and
        // the connection is dropped: without Redis's clock a slot take would go out with no deadline, and
        // the removals due on it may not have been sent. A call waiting on it gets the reply; ioredis's own
        // reconnection (a removal waits) tries again after the interval.
        if (client.stream === stream) {
          lastErrorCode = replyCodeOf(error) ?? lastErrorCode;
          if (!shut && stream !== droppedStream) drop(stream, false);
        }
      },
    );
  });

  const failure = (code: string) => new RedisGateStoreError(description, code);
  // What the last attempt met (a refusal, no answer, a reply); a connection that just closed, with no error,
  // is named as reset by its peer, as the system names it (never a refusal that did not happen): `CLOSED` is
  // the store's own state, once `close` was called.
  const lostCode = () => (closed ? 'CLOSED' : 'ECONNRESET');
  const down = () => failure(lastErrorCode ?? lostCode());

  // ioredis asks this whenever a connection closes (it broke, an attempt failed, reconnectOnError dropped
  // it): a delay reconnects after it, null ends the connection. It reconnects only while a slot holder's
  // removal waits to be sent (or a slot take's answer was still awaited, whose removal is registered right
  // after), and only until those holders would have expired anyway: a process that makes no further call
  // (idle, or finishing) then frees the slot as soon as Redis can be reached, instead of every process of
  // the account waiting for its expiry. Otherwise the next call connects, as before. The first attempt
  // after a connection that was up is at once (Redis may well be up: a network blip); later ones
  // `reconnectIntervalMs` apart, as calls' own attempts are. "Up" means resumed (see wasReady): a
  // connection broken on the removal it was made for is followed after the interval, never at once, or a
  // middlebox resetting every connection on it would be met with hundreds of connections a second.
  function reconnectDelay(): number | null {
    const broke = wasReady;
    wasReady = false;
    // A connection lost while it worked (Redis closed it while idle, its `timeout`, a proxy's idle limit, or
    // the store dropped it for an unanswered command) is no failed attempt: the next call connects at once.
    // The interval holds back only the attempts after one that failed.
    if (broke) nextConnectAt = 0;
    if (closed || !removalsPending()) return null;
    const now = Date.now();
    const delay = droppedOnReply || broke ? 0 : Math.max(0, nextConnectAt - now);
    // The attempt is ioredis's now: the connection reconnectOnError dropped is replaced by it.
    droppedOnReply = false;
    attemptAt = now + delay;
    nextConnectAt = attemptAt + reconnectIntervalMs;
    return delay;
  }

  // A new connection, made now; resolves once it is resumed.
  function connectNow(): Promise<void> {
    if (shut) return Promise.reject(failure('CLOSED'));
    droppedOnReply = false;
    wasReady = false;
    return client
      .connect()
      .then(() => resumed)
      .catch((error: unknown) => {
        throw failure(replyCodeOf(error) ?? lastErrorCode ?? 'ECONNREFUSED');
      });
  }

  // The outcome of the attempt under way (or due now): resolves once that connection is resumed.
  function outcome(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const ready = () => {
        client.off('close', lost);
        client.off('end', lost);
        resolve();
      };
      const lost = () => {
        client.off('ready', ready);
        client.off('close', lost);
        client.off('end', lost);
        reject(down());
      };
      client.once('ready', ready);
      client.once('close', lost);
      client.once('end', lost);
    }).then(() => resumed);
  }

  // Resumed, and still open both ways: a connection Redis ended (`CLIENT KILL`, its `timeout`) says 'ready'
  // until its socket closes, and one dropped here until its destroy is heard.
  const resumedNow = () =>
    client.status === 'ready' &&
    !droppedOnReply &&
    resumedStream === client.stream &&
    client.stream !== droppedStream &&
    (client.stream as Socket | undefined)?.writable !== false;

  // Reaches Redis from where the connection stands. `force` (closing) neither waits for the interval
  // between attempts nor stops at `closed`.
  function reach(force: boolean): Promise<void> {
    const status = client.status;
    if (resumedNow()) return resumed;
    if (
      status === 'ready' &&
      !droppedOnReply &&
      ((client.stream as Socket | undefined)?.writable === false || client.stream === droppedStream)
    ) {
      // Redis ended the connection (or it was dropped here) and ioredis says 'ready' until its socket
      // closes: on from where it then stands, at once (a connection that worked: no outage), never failed
      // as closed meanwhile.
      return new Promise<void>((resolve) => {
        client.once('close', () => resolve());
      }).then(() => {
        if (closed && !force) throw failure('CLOSED');
        return reach(force);
      });
    }
    if (droppedOnReply && status === 'ready') {
      // The connection reconnectOnError dropped is still closing (ioredis says 'ready' until its socket
      // closes): once closed, on from where it then stands (ended, or reconnecting at once).
      return new Promise<void>((resolve) => {
        client.once('close', () => resolve());
      }).then(() => {
        if (closed && !force) throw failure('CLOSED');
        return reach(force);
      });
    }
    // Connecting already, or ready with its 'ready' still to be emitted, or ioredis's attempt due now.
    if (
      status === 'connecting' ||
      status === 'connect' ||
      status === 'ready' ||
      (status === 'reconnecting' && Date.now() >= attemptAt)
    )
      return outcome();
    if (status === 'reconnecting') {
      // Closing: now, not when ioredis's interval is over (its timer goes with the connection, in close).
      if (force) return connectNow();
      // Down: ioredis tries again when its interval is over; calls before fail at once.
      return Promise.reject(down());
    }
    // Down: try again at most once per interval; calls between fail at once. A connection dropped on a
    // reply was no outage: made again at once.
    if (!force && !droppedOnReply && Date.now() < nextConnectAt) return Promise.reject(down());
    nextConnectAt = Date.now() + reconnectIntervalMs;
    return connectNow();
  }

  // A call gave up waiting for the connection under way (or it has been connected for commandTimeoutMs):
  // one not resumed by now (no answer to its handshake or its resumption: answers lost on a half-open
  // connection, which TCP can leave open for many minutes) is dropped, or every later call would wait on it
  // for good. ioredis
  // then asks reconnectDelay: made again after the interval while a removal waits, else by the next call,
  // at most once per interval (the attempt's start counts), so a lasting fault is not met with a storm.
  function dropUnresumed(timedOut: boolean): void {
    const status = client.status;
    const stream = client.stream;
    if (shut || droppedOnReply || stream === droppedStream) return;
    if (
      status === 'connecting' ||
      status === 'connect' ||
      (status === 'ready' && answeredStream !== stream)
    ) {
      drop(stream, timedOut);
    }
  }

  // A connection that was resumed and whose command got no answer within commandTimeoutMs (a half-open
  // connection: the Redis host vanished, a failover moved its address, a middlebox forgot it; or Redis
  // stalled) is dropped as an unresumed one is: TCP alone can keep it for many minutes, failing every call.
  // What this may reorder is handled where removals are sent (see `notBefore`): a take given up on can run
  // on Redis only until its deadline, and its removal goes to another connection only after that.
  function dropSilent(stream: unknown): void {
    if (shut || droppedOnReply || stream === undefined || stream !== client.stream) return;
    if (stream === droppedStream) return;
    drop(stream, true);
  }

  // Ends the connection at once, as a broken one (ioredis then asks reconnectDelay). Not ioredis's
  // `disconnect`: it ends the socket politely and waits up to 2 s, on a referenced timer, for a peer that,
  // on a half-open connection, never answers, holding both the process and the next connection back.
  function drop(stream: unknown, timedOut: boolean): void {
    droppedStream = stream;
    // Calls refused before the next attempt name what happened: no answer, not a refusal.
    if (timedOut) lastErrorCode = 'ETIMEDOUT';
    const socket = stream as Socket | undefined;
    if (socket && typeof socket.destroy === 'function') socket.destroy();
    else client.disconnect(true);
  }

  function connect(): Promise<void> {
    if (closed) return Promise.reject(failure('CLOSED'));
    if (resumedNow()) return resumeSettled;
    if (!connecting) {
      const attempt = reach(false);
      connecting = attempt;
      const settle = () => {
        if (connecting === attempt) connecting = undefined;
      };
      attempt.then(settle, settle);
    }
    return connecting;
  }

  // ioredis selects the URL's database (`/2`) as it connects, but when Redis refuses it (a database past its
  // `databases`) it only reports an error event and goes on in database 0, where the budget would then be
  // written. Selected again here, a refusal fails the connection: the gate falls back, or fails, naming it.
  async function selectDatabase(): Promise<void> {
    const database = client.options.db;
    if (!database) return;
    try {
      await client.select(database);
    } catch (error) {
      client.disconnect();
      throw error;
    }
  }

  // How far Redis's clock (ms) is ahead of performance.now() here, as the answers tell: Redis dated an answer
  // `redis` and it reached this process at `local`, so it ran no later than `local` here and the offset is
  // at least `redis - local`. A command Redis runs at r therefore runs here no later than r - offset: a
  // deadline mapped with any such offset errs early, never late, for clocks that tick at one rate between
  // the answer and the command (performance.now() no clock step moves). The largest offset is the closest
  // (the answer that travelled fastest); it is kept for `clockMemoryMs` only, so that clocks drifting apart,
  // or Redis's clock stepped back, are followed.
  let redisClock: { offset: number; at: number } | undefined;
  const readRedisClock = (redisMs: number) => {
    if (!Number.isFinite(redisMs) || redisMs <= 0) return;
    const local = performance.now();
    const offset = redisMs - local;
    if (!redisClock || offset >= redisClock.offset || local - redisClock.at > clockMemoryMs)
      redisClock = { offset, at: local };
  };
  // The Redis time past which a command its caller gives up on at `giveUpAt` (performance.now()) must take
  // nothing; 0 (no limit) before Redis's clock is known, where the removal of holders (below) still acts.
  const redisDeadline = (giveUpAt: number) =>
    redisClock ? Math.max(1, Math.floor(giveUpAt + redisClock.offset)) : 0;

  // Slot holders whose removal Redis has not confirmed: a release, or the undoing of an acquire given up on,
  // whose answer did not come. Each is sent again on the next connection, before any other command (so never
  // after a later acquire of the same holder), which ioredis makes by itself while one waits
  // (reconnectDelay), and by `close`; removing a holder that is not there is no change, so sending one twice
  // is harmless. Each is kept until the time (performance.now()) its slot expires at the latest: removing it
  // after that changes nothing. Bounded: the oldest are dropped past `maxUnconfirmed` (their slots then
  // expire by themselves).
  //
  // `notBefore` (performance.now(); 0 for a release, which follows a take that answered) is when the take a
  // removal undoes can no longer run: its deadline on Redis's clock, mapped early (redisDeadline), has passed
  // by then. Until then that take may still reach Redis and run, from the buffer of a connection that broke
  // or that the store dropped, or from the network; a removal sent on another connection could run before
  // it and leave its slot held by nobody. So such a removal goes to another connection only once this
  // process's clock is past `notBefore` (on Redis's, past the take's deadline): by the next connection's
  // resumption, or on the connection up then (sendDue), and a later take of the same holder waits for it
  // (removalFirst). On the take's own connection it is sent at once: one connection's commands run in order.
  interface Removal {
    slots: string;
    holder: string;
    until: number;
    notBefore: number;
    // The connection it was last written on, unanswered yet: not written there twice.
    sentOn?: unknown;
  }
  const unconfirmed = new Map<string, Removal>();
  // Slot takes sent whose answer has not come: when their connection breaks, their holders' removals follow
  // (the calls' `abandoned`), just after ioredis asks reconnectDelay whether to reconnect.
  let takesAwaited = 0;
  // Called when takesAwaited comes back to 0: `close` waits for the takes in flight before it removes.
  const takesSettled: (() => void)[] = [];
  // The longest hold a take asked for: a holder released now expires within it at the latest.
  let longestHoldMs = 0;
  // Slots this store took and was told it holds, not released yet: the requests in flight. `close` removes
  // them (the process is going away; their releases, after `close`, could not be sent).
  const held = new Map<string, { slots: string; holder: string; until: number }>();
  // Keeps the removal of `holder` to send, and sends it now on the connection up now unless `send` is false
  // (the take it undoes was sent on another connection, and may run until `notBefore`).
  function removeHolder(
    slots: string,
    holder: string,
    until: number,
    notBefore = 0,
    send = true,
  ): Promise<void> {
    const id = `${slots}\n${holder}`;
    const kept = unconfirmed.get(id);
    unconfirmed.delete(id);
    const removal: Removal = {
      slots,
      holder,
      until: Math.max(kept?.until ?? 0, until),
      notBefore: Math.max(kept?.notBefore ?? 0, notBefore),
      sentOn: kept?.sentOn,
    };
    unconfirmed.set(id, removal);
    if (unconfirmed.size > maxUnconfirmed) unconfirmed.delete(unconfirmed.keys().next().value as string);
    if (!send) {
      sendDueLater();
      return Promise.resolve();
    }
    removal.sentOn = client.stream;
    // Only the answer to this removal, or to a later one, confirms it: a removal kept since (another take of
    // the holder given up on) is not forgotten on an earlier removal's answer.
    const answered = () => {
      if (unconfirmed.get(id) === removal) unconfirmed.delete(id);
    };
    return client.zrem(slots, holder).then(answered, (error: unknown) => {
      if (removal.sentOn === client.stream) removal.sentOn = undefined;
      // Redis answered (a key of another type): nothing to remove, nothing to send again.
      if ((error as { name?: unknown } | null)?.name === 'ReplyError') answered();
      throw error;
    });
  }

  // The removals that may go to the connection up now: their take can no longer run (see `notBefore`);
  // with `stream`, those not written on it already.
  const dueRemovals = (stream?: unknown) => {
    const now = performance.now();
    return [...unconfirmed.values()].filter(
      (removal) => removal.notBefore <= now && (stream === undefined || removal.sentOn !== stream),
    );
  };

  // Sends the removals that have come due on the connection up now (none up: the next one's resumption
  // sends them), and waits for the next to come due. Until they are answered, that connection does not
  // count as up (wasReady): one that breaks on them is followed after reconnectIntervalMs, as one broken
  // on its resumption is.
  let dueTimer: ReturnType<typeof setTimeout> | undefined;
  function sendDue(): void {
    if (dueTimer) clearTimeout(dueTimer);
    dueTimer = undefined;
    const stream = client.stream;
    if (shut || !resumedNow() || answeredStream !== stream) return;
    const due = dueRemovals(stream);
    if (due.length > 0) {
      wasReady = false;
      void Promise.allSettled(due.map(({ slots, holder, until }) => removeHolder(slots, holder, until))).then(
        (outcomes) => {
          if (client.stream === stream && outcomes.every((outcome) => outcome.status === 'fulfilled'))
            wasReady = true;
        },
      );
    }
    sendDueLater();
  }
  // A timer to the next removal to come due; unreferenced, as the socket is: a process that ends leaves
  // that slot to expire.
  function sendDueLater(): void {
    if (dueTimer) clearTimeout(dueTimer);
    dueTimer = undefined;
    if (shut) return;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const { notBefore } of unconfirmed.values()) if (notBefore > now) next = Math.min(next, notBefore);
    if (next === Number.POSITIVE_INFINITY) return;
    dueTimer = setTimeout(sendDue, Math.ceil(next - now) + 1);
    dueTimer.unref?.();
  }
  // Before a take of `holder`: a removal of it that waits for an earlier take's deadline goes first, once
  // due, on the connection the take then goes on, so that it never frees the slot this take is told it
  // holds. Waits no longer than the caller does (`giveUpAt`).
  async function removalFirst(id: string, giveUpAt: number): Promise<void> {
    const pending = unconfirmed.get(id);
    if (!pending) return;
    const wait = Math.min(pending.notBefore, giveUpAt) - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait) + 1));
    sendDue();
  }

  // Whether a removal waits to be sent (or may follow a take still awaited); forgets the removals of slots
  // that have expired by now.
  function removalsPending(): boolean {
    const now = performance.now();
    for (const [id, { until }] of unconfirmed) if (until <= now) unconfirmed.delete(id);
    return unconfirmed.size > 0 || takesAwaited > 0;
  }

  // A new connection: the removals the last one left unconfirmed that are due first, then Redis's clock, in
  // one round trip; those not due yet follow once they are (sendDueLater, when resumed). The clock is read
  // afresh: the new connection may reach another server (a failover), on another clock.
  async function resumeConnection(): Promise<void> {
    await selectDatabase();
    redisClock = undefined;
    for (const { slots, holder, until } of dueRemovals(client.stream))
      removeHolder(slots, holder, until).catch(() => {});
    const [seconds, micros] = await client.time();
    readRedisClock(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000));
  }

  // One call to Redis, never longer than commandTimeoutMs, connecting first if need be. The timer is
  // referenced, so a process waits for the answer even though the socket itself does not hold it open.
  // `command` gets the Redis time past which its caller no longer waits (see redisDeadline); it is never
  // sent once the caller has given up (a slow connect). `abandoned` runs when the command was sent but its
  // answer never came (the time ran out, or the connection broke): it may still have run, or run later; it
  // is told when the caller gave up (performance.now()) and whether the connection the command went on is
  // still the one up. `prepare` runs once connected, before the command is sent (on the connection up then).
  // A command that got no answer within commandTimeoutMs on a connection that was resumed has its
  // connection dropped (dropSilent), as one that never answered its resumption.
  async function call<T>(
    command: (deadline: number) => Promise<T>,
    abandoned?: (giveUpAt: number, sameConnection: boolean) => void,
    prepare?: (giveUpAt: number) => Promise<void>,
  ): Promise<T> {
    const giveUpAt = performance.now() + commandTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let gaveUp = false;
    let timedOut = false;
    let sent = false;
    let answered = false;
    let sentOn: unknown;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        gaveUp = true;
        timedOut = true;
        reject(failure('ETIMEDOUT'));
      }, commandTimeoutMs);
    });
    const ready = prepare
      ? connect()
          .then(() => prepare(giveUpAt))
          .then(() => connect())
      : connect();
    const run = ready.then(() => {
      if (gaveUp) throw failure('ETIMEDOUT');
      sent = true;
      sentOn = client.stream;
      return command(redisDeadline(giveUpAt)).then(
        (value) => {
          answered = true;
          return value;
        },
        (error: unknown) => {
          // An error reply, or an answer read as a failure (a take run late), is Redis's answer: the command
          // ran (or not) and is over.
          answered =
            error instanceof RedisGateStoreError ||
            (error as { name?: unknown } | null)?.name === 'ReplyError';
          throw error;
        },
      );
    });
    try {
      return await Promise.race([run, timeout]);
    } catch (error) {
      gaveUp = true;
      if (!sent) dropUnresumed(timedOut);
      if (sent && !answered) {
        const same =
          client.stream === sentOn &&
          client.status === 'ready' &&
          (sentOn as Socket | undefined)?.writable === true;
        abandoned?.(giveUpAt, same);
        if (timedOut) dropSilent(sentOn);
      }
      if (error instanceof RedisGateStoreError) throw error;
      // Between the end of the stream (Redis went away) and its close, ioredis still says 'ready' but refuses
      // to write, with an error that has no code: a closed connection, as the user sees a moment later.
      const answering = client.status === 'ready' && (client.stream as Socket | undefined)?.writable === true;
      throw failure(replyCodeOf(error) ?? (answering ? 'ERROR' : (lastErrorCode ?? lostCode())));
    } finally {
      clearTimeout(timer);
    }
  }

  const limiters = new Map<string, RateLimiterRedis>();
  function limiterFor(requestsPerSecond: number): RateLimiterRedis {
    const { points, duration } = windowOf(requestsPerSecond);
    const id = `${points}/${duration}`;
    let limiter = limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: client,
        points,
        duration,
        keyPrefix: '',
        rejectIfRedisNotReady: true,
      });
      limiters.set(id, limiter);
    }
    return limiter;
  }

  // Closing: the removals still waiting are sent first (connecting for them if need be, ioredis's own
  // reconnection included), within commandTimeoutMs, the bound of every wait on Redis. When the connection
  // they went on had been resumed and left them unanswered or broke meanwhile (it went silent while a
  // command of the store waited on it: a failover, a vanished host, a half-open path), it is dropped and
  // one more connection, made afresh, gets one more commandTimeoutMs: Redis may well answer on a new
  // connection, as the store's own reconnection would have found, and each removal left would hold a slot
  // for its whole hold. A Redis that could not be reached (refused, or no connection resumed within the
  // first bound) gets no second attempt: its holders expire by themselves. Calls after this fail (CLOSED);
  // ioredis no longer reconnects (reconnectDelay).
  async function closeNow(): Promise<void> {
    closed = true;
    // The slots of requests still in flight are removed with the removals waiting: their releases come after
    // `close` and are not sent, so left held they would make every process of the account wait for them
    // to expire. Those requests then run outside the account's concurrency (see `close`'s TSDoc).
    for (const [id, slot] of held) {
      const kept = unconfirmed.get(id);
      unconfirmed.set(id, {
        ...slot,
        until: Math.max(kept?.until ?? 0, slot.until),
        notBefore: kept?.notBefore ?? 0,
        sentOn: kept?.sentOn,
      });
    }
    held.clear();
    if (removalsPending()) {
      const first = await sendRemovalsWithin(false);
      if (first.reached && removalsPending()) await sendRemovalsWithin(true);
    }
    // Nothing connects from here on: an attempt of close's own still under way (or the one that follows a
    // failed one) would otherwise open a connection after close resolved and leave it open.
    shut = true;
    if (dueTimer) clearTimeout(dueTimer);
    // Not QUIT: its answer would come on a socket that no longer holds the process open. The sockets are
    // destroyed here, and ioredis's connector is left none to end: its `disconnect` ends its socket and
    // waits for that socket's close up to 2 s, on a referenced timer that only the close clears. A peer that
    // never answers an end (a half-open connection) would keep the process alive that long, and so would a
    // socket closed already (a refused attempt, a connection dropped or broken before `close`), whose close
    // never comes again. `close` resolves once the sockets it destroyed have closed.
    const connector = (client as unknown as { connector?: { stream?: unknown } }).connector;
    const sockets = new Set(
      [client.stream, connector?.stream].filter(
        (socket): socket is Socket =>
          typeof (socket as Socket | undefined)?.destroy === 'function' && !(socket as Socket).destroyed,
      ),
    );
    if (connector) connector.stream = undefined;
    client.disconnect();
    await Promise.all(
      [...sockets].map((socket) => {
        const gone = new Promise<void>((resolve) => socket.once('close', () => resolve()));
        socket.destroy();
        return gone;
      }),
    );
  }

  // One attempt of `close` at the removals waiting, within commandTimeoutMs: reaches Redis (an attempt under
  // way that fails, a connection still closing, is followed by one of close's own), waits for the slot takes
  // in flight (one answered now, taken while closing, adds its removal: acquireSlot), sends the removals
  // that are due, and those of takes given up on that may still run once they cannot (see `notBefore`)
  // within the bound; past it, their slots expire by themselves. `afresh`: the connection there is, which
  // left what was sent on it unanswered for the first attempt's whole bound or broke, is dropped first, as a
  // call's command unanswered that long drops it (dropSilent). Resolves with whether a connection was
  // resumed; once the bound is over, what is left of the attempt sends and connects no more.
  async function sendRemovalsWithin(afresh: boolean): Promise<{ reached: boolean }> {
    const closeBy = performance.now() + commandTimeoutMs;
    let over = false;
    let reached = false;
    const timers: ReturnType<typeof setTimeout>[] = [];
    const bound = new Promise<void>((resolve) => {
      timers.push(setTimeout(resolve, commandTimeoutMs));
    });
    const sendDueNow = () =>
      over
        ? Promise.resolve([])
        : Promise.allSettled(
            dueRemovals().map(({ slots, holder, until }) => removeHolder(slots, holder, until)),
          );
    const attempt = (afresh ? dropForClose() : Promise.resolve())
      .then(() => reach(true))
      .catch(() => (over ? undefined : reach(true)))
      .then(() => {
        reached = !over;
      })
      .then(() =>
        takesAwaited > 0 && !over ? new Promise<void>((resolve) => takesSettled.push(resolve)) : undefined,
      )
      .then(async () => {
        await sendDueNow();
        const now = performance.now();
        const last = Math.max(0, ...[...unconfirmed.values()].map(({ notBefore }) => notBefore));
        if (last > now && last < closeBy && !over) {
          await new Promise<void>((resolve) => {
            timers.push(setTimeout(resolve, Math.ceil(last - now) + 1));
          });
          await sendDueNow();
        }
      });
    try {
      await Promise.race([attempt.catch(() => {}), bound]);
    } finally {
      over = true;
      for (const timer of timers) clearTimeout(timer);
    }
    return { reached };
  }

  // Before close's second attempt: the connection up (or under way) is dropped as a silent one, and its
  // close awaited, so that the attempt makes a new one rather than writing on it again.
  async function dropForClose(): Promise<void> {
    const status = client.status;
    if (status !== 'ready' && status !== 'connect' && status !== 'connecting') return;
    const stream = client.stream as Socket | undefined;
    // An attempt whose socket is not made yet: `reach` waits for its outcome.
    if (status === 'connecting' && (!stream || stream.destroyed)) return;
    const gone = new Promise<void>((resolve) => client.once('close', () => resolve()));
    if (stream && !stream.destroyed) drop(stream, true);
    await gone;
  }

  const keyOf = (key: string, part: 'rate' | 'slots' | 'pause') => `${keyPrefix}{${key}}:${part}`;

  return {
    description,
    onUnavailable: settings.onUnavailable,
    pollIntervalMs: settings.pollIntervalMs,
    takeToken(key, requestsPerSecond) {
      // A rate whose window Redis should not keep (longestWindowS), or no rate at all, is refused before
      // anything is sent, naming why: the gate falls back to pacing in memory, or fails, as it is told.
      if (
        typeof requestsPerSecond !== 'number' ||
        !(requestsPerSecond * longestWindowS >= 1 - 1e-9) ||
        !Number.isFinite(requestsPerSecond)
      )
        return Promise.reject(failure('ERANGE'));
      // No deadline and no undoing here: `consume` has no place for a deadline, and its `reward` (a decrement
      // that makes the window's key when it is gone) would add a token when the consume never ran or ran in
      // an earlier window. A take given up on may spend one token, until its window ends.
      return call(async () => {
        const rate = keyOf(key, 'rate');
        try {
          const taken = await limiterFor(requestsPerSecond).consume(rate, 1);
          // Counted from 1 up in each window by every process, the window's count is at least the token just
          // taken. A lower one (a negative number another program wrote there) would let every request
          // through until the key expired: a store fault, warned about like the others, and the key dropped
          // so that the next window counts from nothing again.
          if (!(taken.consumedPoints >= 1)) {
            client.del(rate).catch(() => {});
            throw failure('BADCOUNT');
          }
          return 0;
        } catch (refusal) {
          // Over the budget: the limiter answers how long until its window ends; anything else failed.
          if (refusal instanceof RateLimiterRes) return Math.max(1, Math.ceil(refusal.msBeforeNext));
          // A window's key holding what no process writes (text, `1.5`, a hash) fails every take for as long
          // as it stays, and the limiter's script sets no expiry on a key it cannot count in: dropped.
          if (holdsForeignValue(refusal)) client.del(rate).catch(() => {});
          throw refusal;
        }
      });
    },
    acquireSlot(key, holder, limit, ttlMs) {
      // A limit that is no whole number from 1, or a hold that is no time (NaN, Infinity, 0 or less), is
      // refused before anything is sent: Redis would keep an endless hold, or refuse the script after it
      // added the holder.
      if (!Number.isSafeInteger(limit) || limit < 1 || !(ttlMs > 0 && ttlMs <= maxHoldMs))
        return Promise.reject(failure('ERANGE'));
      const slots = keyOf(key, 'slots');
      const holdMs = Math.ceil(ttlMs);
      longestHoldMs = Math.max(longestHoldMs, holdMs);
      const id = `${slots}\n${holder}`;
      // The deadline the take was sent with: 0 (Redis's clock unknown, which resumption rules out) means none.
      let sentDeadline = 0;
      return call(
        async (deadline) => {
          sentDeadline = deadline;
          takesAwaited += 1;
          let answer: SlotAnswer;
          try {
            answer = await client.uniliveAcquireSlot(slots, holder, limit, holdMs, deadline);
          } catch (error) {
            // An error reply from within the script (a command of it the ACL refuses) may come after it added
            // the holder: a script's writes before its error stay. Given back, as a take given up on is.
            if ((error as { name?: unknown } | null)?.name === 'ReplyError')
              removeHolder(slots, holder, performance.now() + holdMs).catch(() => {});
            // A slots key of another type holds no holder of any process: dropped, or every take fails for
            // as long as it stays.
            if (holdsForeignValue(error)) client.del(slots).catch(() => {});
            throw error;
          } finally {
            takesAwaited -= 1;
            if (takesAwaited === 0) for (const settled of takesSettled.splice(0)) settled();
          }
          const [taken, now] = answer;
          readRedisClock(now);
          if (taken < 0) throw failure('ETIMEDOUT');
          if (taken === 1 && closed) {
            // Taken while `close` runs: given back at once (on this connection, if `close` has not ended
            // it yet), and refused as any call after `close` is; its caller's release would not be sent.
            removeHolder(slots, holder, performance.now() + holdMs).catch(() => {});
            throw failure('CLOSED');
          }
          if (taken === 1) held.set(id, { slots, holder, until: performance.now() + holdMs });
          return taken === 1;
        },
        // Given up on: whatever it took, or takes when Redis runs it late, is given back right after it (one
        // connection answers in order), or on another connection once the take can no longer run (its
        // deadline passed: giveUpAt here). Redis runs it by its deadline (at most commandTimeoutMs from
        // now), so what it took expires by then plus its hold. A take sent without a deadline could run at
        // any time: its removal goes on its own connection only, or the slot expires by itself.
        (giveUpAt, sameConnection) => {
          const until = performance.now() + commandTimeoutMs + holdMs;
          const notBefore = sentDeadline > 0 ? giveUpAt : until;
          removeHolder(slots, holder, until, notBefore, sameConnection).catch(() => {});
        },
        (giveUpAt) => removalFirst(id, giveUpAt),
      );
    },
    releaseSlot(key, holder) {
      const slots = keyOf(key, 'slots');
      const until = performance.now() + longestHoldMs;
      held.delete(`${slots}\n${holder}`);
      let sent = false;
      return call(() => {
        sent = true;
        return removeHolder(slots, holder, until);
      }).catch((error: unknown) => {
        // Never sent: the store was down (a request that took its slot here, then fell back to memory for its
        // rate token while Redis was away, is released while it still is), or the call gave up before it
        // could send. Kept, as an unanswered removal is, for the next connection and for `close`: dropped,
        // the slot stayed held by nobody for its whole hold, and held up every process of the account.
        if (!sent) removeHolder(slots, holder, until, 0, false).catch(() => {});
        throw error;
      });
    },
    setPause(key, untilMs) {
      const forMs = Math.ceil(untilMs - Date.now());
      if (forMs <= 0) return Promise.resolve();
      return call(async () => {
        await client.uniliveSetPause(keyOf(key, 'pause'), forMs);
      });
    },
    pausedUntil(key) {
      // What is left of the pause, on this process's clock: never an end written by another clock.
      return call(async () => {
        const pause = keyOf(key, 'pause');
        const left = await client.pttl(pause);
        if (left <= 0) return 0;
        // Longer than any process writes (each at most its `maxRetryAfterMs`): another program's key, held to
        // the ceiling in Redis itself, so the whole account waits a day at most, as the error says, not the
        // key's own expiry.
        if (left > retryAfterCeilingMs) {
          await client.uniliveCapPause(pause, retryAfterCeilingMs);
          return Date.now() + retryAfterCeilingMs;
        }
        return Date.now() + left;
      });
    },
    close() {
      closing ??= closeNow();
      return closing;
    },
  };
}

/**
 * Whether Redis refused a command for what a key of the store holds: another type (`WRONGTYPE`), or a value
 * that is no whole number where the store counts (`ERR value is not an integer…`): something no process of
 * the store wrote, which stays until it expires (if ever).
 */
function holdsForeignValue(error: unknown): boolean {
  if ((error as { name?: unknown } | null)?.name !== 'ReplyError') return false;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && (message.startsWith('WRONGTYPE') || /not an integer/.test(message));
}

/** How long the best reading of Redis's clock is trusted before a newer one replaces it, in ms. */
const clockMemoryMs = 60_000;

/** At most this many unconfirmed holder removals are kept to send again (see `removeHolder`). */
const maxUnconfirmed = 10_000;

/**
 * The application's `reconnectOnError`, asked as ioredis asks it about each error reply, but never to resend:
 * its 2 ("reconnect and resend the command") is taken as 1 ("reconnect"). A command the store sent is never
 * sent twice: a slot taken or a token spent again, after the gate had already fallen back or failed on the
 * first (`commandTimeoutMs`), would hold a slot nobody releases or spend a budget no request used. The call
 * fails with Redis's own reply code and the gate falls back or fails; the next call connects again at once
 * (`dropped`), not held back by `reconnectIntervalMs` as after an outage, nor failed as refused. A
 * function that throws is taken as "no": the error reply fails the call, the connection stays.
 */
function reconnectWithoutResend(
  decide: RedisOptions['reconnectOnError'] | undefined,
  dropped: () => void,
): RedisOptions['reconnectOnError'] {
  if (typeof decide !== 'function') return null;
  return (error) => {
    let answer: unknown;
    try {
      answer = decide(error);
    } catch {
      return false;
    }
    if (answer !== 2 && answer !== 1 && answer !== true) return false;
    // ioredis drops the connection and, with no retryStrategy, ends it: the next call connects again.
    dropped();
    return answer === 2 ? 1 : answer;
  };
}

/**
 * The longest window, in seconds: a rate needing a longer one (below one request an hour) is refused. The
 * window's key is the account's, whatever rate made it, and lasts its whole window: a rate set by mistake
 * (`1e-7` for `1e7`) would hold the whole fleet's budget for that long after the fix (at `1e-17`, for good:
 * 9e15 s, the longest expiry Redis takes).
 */
export const longestWindowS = 3_600;

/**
 * The fixed window `rate-limiter-flexible` counts in for a rate: whole requests over whole seconds. A
 * rate that is no whole number of requests in any window up to a minute is rounded down, so the budget is
 * never above the rate. Only for a rate {@link createRedisGateStore} takes: from one request an hour.
 */
export function windowOf(requestsPerSecond: number): { points: number; duration: number } {
  for (let duration = 1; duration <= 60; duration += 1) {
    const points = requestsPerSecond * duration;
    const whole = Math.round(points);
    if (whole >= 1 && Math.abs(points - whole) < 1e-9) return { points: whole, duration };
  }
  return requestsPerSecond >= 1
    ? { points: Math.floor(requestsPerSecond), duration: 1 }
    : { points: 1, duration: Math.min(Math.ceil(1 / requestsPerSecond - 1e-9), longestWindowS) };
}

/** The names {@link createRedisGateStore} takes: any other is a misspelling, refused rather than ignored. */
const optionNames: readonly (keyof RedisGateStoreOptions)[] = [
  'url',
  'onUnavailable',
  'keyPrefix',
  'commandTimeoutMs',
  'pollIntervalMs',
  'reconnectIntervalMs',
  'redisOptions',
];

// The ioredis options that decide how the store fails and where its keys are: the store's alone.
const storeOwnedOptions = [
  'enableOfflineQueue',
  'maxRetriesPerRequest',
  'retryStrategy',
  'lazyConnect',
  'keyPrefix',
  'replyMapping',
] as const;

/**
 * The ioredis options that would break the store, refused in `redisOptions` and in the URL's query (where
 * ioredis takes any text, `false` included, as set), each with why: auto-pipelining batches the store's
 * commands, which must each go out on their own on a connection the store tracks, and on the store's
 * scripts throws an uncaught TypeError from ioredis that ends the process (ioredis issue 1931);
 * `stringNumbers` makes a taken slot read as not taken; monitor mode refuses every command; ioredis's own
 * command and socket timers fail a command the store still counts as running, and name it as a refused
 * connection, where `commandTimeoutMs` already bounds each command and drops a silent connection; a
 * `Connector` replaces how the connection is made (one that is no connector throws from ioredis's
 * internals). See `docs/decisions/2026-12-02-redis-options-that-break-the-store.md`.
 */
const storeBreakingOptions = {
  enableAutoPipelining:
    "the store sends each command on its own: ioredis's auto-pipelining would batch them, and ends the process on the store's scripts",
  stringNumbers: "the store reads Redis's numbers as numbers",
  monitor: 'a connection in monitor mode sends no command',
  commandTimeout: 'the store bounds each command itself: set commandTimeoutMs',
  socketTimeout: 'the store drops a silent connection itself: set commandTimeoutMs',
  Connector: 'the store connects as its url says',
} as const satisfies Partial<Record<keyof RedisOptions, string>>;

/**
 * The ioredis options it hands to Node's socket as milliseconds (`connectTimeout`, to `socket.setTimeout`),
 * which Node checks when the connection is made, outside any call: text (all a URL's query can give) or a
 * number out of range threw from there and ended the process. Each must be a number of ms from 0 to
 * 2^31 − 1 in `redisOptions`, and is refused in the URL's query.
 */
const socketMillisecondOptions = ['connectTimeout'] as const;
const maxSocketMilliseconds = 2_147_483_647;

/**
 * What is wrong with a `host`, `port` or `path` given in `redisOptions` or (as text, `fromUrl`) in the URL's
 * query, or undefined when nothing is. ioredis hands them to Node's socket when it connects: a port that is
 * no whole number from 1 to 65535 (`'abc'`, `70000`, `-1`, `1.5`; the query's text must be its digits) was
 * refused there, outside any call, as something else; a host with whitespace, a `/` or a URL in it was
 * looked up as a name no resolver has; an empty path is no path, silently dropped. The URL's own host and
 * port win over the option's (ioredis reads the URL first); a `path` connects to that Unix socket instead.
 */
const addressProblems: Record<
  'host' | 'port' | 'path',
  (value: unknown, fromUrl: boolean) => string | undefined
> = {
  host: (value) =>
    typeof value === 'string' && value.length <= 253 && /^[A-Za-z0-9._\-:[\]%]+$/.test(value)
      ? undefined
      : 'expected a host name or IP address (letters, digits and . - _ : [ ] %), not a URL',
  port: (value, fromUrl) => {
    const port = fromUrl && typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : value;
    return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65_535
      ? undefined
      : 'expected a whole number from 1 to 65535';
  },
  path: (value) =>
    typeof value === 'string' && value !== '' && !value.includes('\0')
      ? undefined
      : 'expected the path of a Unix socket (text, not empty)',
};

/**
 * The highest database number Redis can have: `databases` is at most 2147483647 (INT_MAX), numbered from 0.
 * Which of them a server has is its own setting, checked when the connection selects it.
 */
const maxRedisDatabase = 2_147_483_646;

// A database number as written in a URL: decimal digits only. ioredis reads it with parseInt, so `1e1` and
// `1.5` would be database 1, `2abc` database 2, and `abc` NaN, which it sends as `SELECT NaN` outside any
// call (an unhandled rejection that ends the process).
function databaseOf(text: string): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const database = Number(text);
  return database <= maxRedisDatabase ? database : undefined;
}

const unreadable = 'could not be read (a getter or a Proxy in it threw)';

/**
 * `source`'s own enumerable properties, each read once into a copy without a prototype: a getter or a Proxy
 * trap that throws is an issue naming the option (`redisOptions.username`), not a bare error escaping the
 * factory, and one that would answer differently later cannot pass a check with another value. A
 * `"__proto__"` own key (JSON.parse makes one) is no option of anyone's: refused as unknown.
 */
function readOwn(source: object, prefix: string, issues: InputIssue[]): Record<string, unknown> {
  const copy: Record<string, unknown> = Object.create(null);
  let keys: string[];
  try {
    keys = Object.keys(source);
  } catch {
    issues.push({
      path: prefix === '' ? 'options' : prefix.slice(0, -1),
      message: 'its properties could not be listed',
    });
    return copy;
  }
  for (const key of keys) {
    if (key === '__proto__') {
      issues.push({ path: `${prefix}${key}`, message: 'unknown option' });
      continue;
    }
    try {
      copy[key] = (source as Record<string, unknown>)[key];
    } catch {
      issues.push({ path: `${prefix}${key}`, message: unreadable });
    }
  }
  return copy;
}

function checkOptions(given: RedisGateStoreOptions) {
  const issues: InputIssue[] = [];
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new InvalidInputError({
      operation: 'configure',
      message: 'invalid Redis rate limit store: options (expected an object)',
      issues: [{ path: 'options', message: 'expected an object' }],
      delivery: 'not-sent',
    });
  }
  const options = readOwn(given, '', issues) as RedisGateStoreOptions;
  // A misspelt name (`onUnavailible: 'fail'`) would otherwise leave the default in force without a word: a
  // fleet that asked to fail during an outage would each pace alone, over the vendor's limit.
  for (const key of Object.keys(options)) {
    if ((optionNames as readonly string[]).includes(key)) continue;
    const nearest = nearestName(key, optionNames);
    issues.push({
      path: key,
      message: nearest
        ? `unknown option; did you mean "${nearest}"?`
        : `unknown option; expected one of ${optionNames.join(', ')}`,
    });
  }
  const url = options.url ?? environment()[redisUrlVariable];
  let description = 'Redis';
  let database: number | undefined;
  if (url === undefined || url === '') {
    // A `url` whose getter threw is named as such above, not as missing.
    if (!issues.some((issue) => issue.path === 'url'))
      issues.push({ path: 'url', message: `expected a redis:// or rediss:// URL, or ${redisUrlVariable}` });
  } else {
    const parsed = typeof url === 'string' && URL.canParse(url) ? new URL(url) : undefined;
    if (
      !parsed ||
      (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') ||
      parsed.hostname === ''
    ) {
      // The URL may hold a password: never repeated.
      issues.push({ path: 'url', message: 'expected a redis:// or rediss:// URL with a host' });
    } else {
      // The database: the path (`/2`), else a `db` in the query, as ioredis reads them; either must be a
      // number Redis can have, or the budget would land in another database than the one named.
      const path = parsed.pathname === '/' ? '' : parsed.pathname.slice(1);
      const queried = parsed.searchParams.getAll('db');
      const written = [...(path === '' ? [] : [path]), ...queried];
      if (written.some((text) => databaseOf(text) === undefined)) {
        issues.push({
          path: 'url',
          message: `expected the database after the host to be a number from 0 to ${maxRedisDatabase} (redis://host:port/2)`,
        });
      }
      database = path !== '' ? databaseOf(path) : databaseOf(queried.at(-1) ?? '');
      // ioredis takes options from the URL's query too, and before the store's own: `?enableOfflineQueue=true`
      // or `?keyPrefix=x` would otherwise replace how the store fails, or where its keys are.
      const owned = storeOwnedOptions.filter((name) => parsed.searchParams.has(name));
      if (owned.length > 0) {
        issues.push({
          path: 'url',
          message: `the store sets ${owned.join(', ')} itself, not the URL's query`,
        });
      }
      for (const [name, why] of Object.entries(storeBreakingOptions)) {
        if (parsed.searchParams.has(name))
          issues.push({ path: 'url', message: `?${name} is refused: ${why}` });
      }
      for (const name of socketMillisecondOptions) {
        if (parsed.searchParams.has(name))
          issues.push({
            path: 'url',
            message: `?${name} is refused: ioredis would hand the socket its text, not a number; set redisOptions.${name}`,
          });
      }
      // ioredis takes `host`, `port` and `path` from the query too (a port when the URL has none, a path
      // over the URL's host): each as text, checked as in redisOptions. The value is not repeated.
      for (const [name, problem] of Object.entries(addressProblems)) {
        for (const value of parsed.searchParams.getAll(name)) {
          const message = problem(value, true);
          if (message !== undefined) issues.push({ path: 'url', message: `?${name} is refused: ${message}` });
        }
      }
      description = `Redis at ${parsed.hostname}:${parsed.port || '6379'}`;
    }
  }
  const givenRedisOptions = options.redisOptions as Record<string, unknown> | undefined;
  let redisOptions: Record<string, unknown> | undefined;
  if (
    givenRedisOptions !== undefined &&
    (typeof givenRedisOptions !== 'object' || givenRedisOptions === null || Array.isArray(givenRedisOptions))
  ) {
    issues.push({ path: 'redisOptions', message: 'expected an object' });
  } else if (givenRedisOptions !== undefined && plainObjectProblem(givenRedisOptions)) {
    // A Map's entries or a class's getters are not own properties: they would be taken for no options.
    issues.push({ path: 'redisOptions', message: plainObjectProblem(givenRedisOptions) ?? '' });
  } else if (givenRedisOptions !== undefined) {
    redisOptions = readOwn(givenRedisOptions, 'redisOptions.', issues);
    // The same options the URL's query may not set (above): the store spreads these first and sets most of
    // them over, but an ioredis `keyPrefix` would be put before the store's own, so that two processes,
    // one configured by the URL and one by these options, would not share a budget.
    for (const name of storeOwnedOptions) {
      if (Object.hasOwn(redisOptions, name))
        issues.push({ path: `redisOptions.${name}`, message: 'the store sets it itself' });
    }
    // Whatever the value: `false` is what the store sets anyway, and one rule is easier to keep than two.
    for (const [name, why] of Object.entries(storeBreakingOptions)) {
      if (Object.hasOwn(redisOptions, name)) issues.push({ path: `redisOptions.${name}`, message: why });
    }
    for (const name of socketMillisecondOptions) {
      const value = redisOptions[name];
      if (
        value !== undefined &&
        (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > maxSocketMilliseconds)
      )
        issues.push({
          path: `redisOptions.${name}`,
          message: `expected a number of milliseconds from 0 to ${maxSocketMilliseconds}`,
        });
    }
    // Where to connect: ioredis hands these to Node's socket when it connects, outside any call, where a
    // port of the wrong type or range, a host that is no host, or an empty path surfaced as a failure
    // naming something else (or none, an empty path being no path). See addressProblems.
    for (const [name, problem] of Object.entries(addressProblems)) {
      const value = redisOptions[name];
      if (value === undefined) continue;
      const message = problem(value, false);
      if (message !== undefined) issues.push({ path: `redisOptions.${name}`, message });
    }
    // ioredis would call it on the first error reply, where a TypeError would escape the store.
    const decide = redisOptions.reconnectOnError;
    if (decide !== undefined && decide !== null && typeof decide !== 'function')
      issues.push({ path: 'redisOptions.reconnectOnError', message: 'expected a function' });
  }
  const optionDatabase = redisOptions?.db;
  if (optionDatabase !== undefined) {
    if (
      !Number.isInteger(optionDatabase) ||
      (optionDatabase as number) < 0 ||
      (optionDatabase as number) > maxRedisDatabase
    ) {
      issues.push({
        path: 'redisOptions.db',
        message: `expected a whole number from 0 to ${maxRedisDatabase}`,
      });
    } else {
      // The URL's database wins over this one (ioredis reads the URL first).
      database ??= optionDatabase as number;
    }
  }
  // The database, when not 0: a refusal of it then names where it was sought.
  if (database) description = `${description}/${database}`;
  const onUnavailable = options.onUnavailable ?? 'fallback';
  if (onUnavailable !== 'fallback' && onUnavailable !== 'fail') {
    issues.push({ path: 'onUnavailable', message: "expected 'fallback' or 'fail'" });
  }
  if (options.keyPrefix !== undefined && typeof options.keyPrefix !== 'string') {
    issues.push({ path: 'keyPrefix', message: 'expected a string' });
  }
  const milliseconds = (name: keyof RedisGateStoreOptions, fallback: number, min: number, max: number) => {
    const value = options[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      issues.push({ path: name, message: `expected a number of milliseconds from ${min} to ${max}` });
    }
    return value as number;
  };
  const commandTimeoutMs = milliseconds('commandTimeoutMs', 1_000, 1, 60_000);
  const pollIntervalMs = milliseconds('pollIntervalMs', 50, 1, 60_000);
  const reconnectIntervalMs = milliseconds('reconnectIntervalMs', 1_000, 0, 600_000);
  if (issues.length > 0) {
    throw new InvalidInputError({
      operation: 'configure',
      message: `invalid Redis rate limit store: ${issues.map((issue) => `${issue.path} (${issue.message})`).join('; ')}`,
      issues,
      delivery: 'not-sent',
    });
  }
  return {
    url: url as string,
    description,
    onUnavailable,
    keyPrefix: options.keyPrefix ?? 'unilive:gate:',
    commandTimeoutMs,
    pollIntervalMs,
    reconnectIntervalMs,
    // Handed to ioredis as a plain object: its option merging reads inherited defaults the usual way.
    redisOptions:
      redisOptions === undefined
        ? undefined
        : (Object.assign({}, redisOptions) as Omit<RedisOptions, 'replyMapping'>),
  };
}

// ioredis reads more of the URL than the checks above (its query's `sentinels`, `name`, `tls`…) and throws
// a bare Error for what it cannot use (`?sentinels=x` without a master's name): a refusal of the URL like
// the others, before anything connects. Its text may repeat the URL: it is kept only as the cause, scrubbed
// of the URL's credentials.
function connectionOf(url: string, redisOptions: Omit<RedisOptions, 'replyMapping'>): ScriptedRedis {
  try {
    return withStoreDefaults(() => new Redis(url, redisOptions) as ScriptedRedis);
  } catch (error) {
    const parsed = new URL(url);
    const secrets = [parsed.password, parsed.username]
      .filter((text) => text !== '')
      .flatMap((text) => [text, safeDecode(text)]);
    throw new InvalidInputError({
      operation: 'configure',
      message:
        'invalid Redis rate limit store: url (ioredis cannot connect as the URL and redisOptions ask: see cause)',
      issues: [{ path: 'url', message: 'ioredis cannot connect as the URL and redisOptions ask' }],
      delivery: 'not-sent',
      cause: error,
      secrets,
    });
  }
}

/**
 * ioredis 6.0.0's own defaults (its `DEFAULT_REDIS_OPTIONS`), which the store was built and tested against.
 * ioredis fills every option neither the URL nor the options name from `Redis.defaultOptions`, an object
 * shared by the whole process that an application or another library may change (or replace): a
 * `commandTimeout` or `socketTimeout` there failed the store's calls with Redis up, a `path` sent them to a
 * Unix socket instead of the URL's host, a `keyPrefix` or `db` moved its keys where no other process looks,
 * a `sentinels` list or a `Connector` replaced how it connects. The store's connection is made with these
 * in its place, so a changed global changes nothing of it (`docs/decisions/2026-12-03-redis-options-pinned.md`).
 */
function storeDefaults(): Record<string, unknown> {
  return {
    port: 6379,
    host: 'localhost',
    family: 0,
    connectTimeout: 10_000,
    disconnectTimeout: 2_000,
    retryStrategy: (times: number) =>
      Math.min(2 ** (times - 1) * 50, 5_000) + Math.floor(Math.random() * 200),
    keepAlive: 30_000,
    noDelay: true,
    connectionName: null,
    disableClientInfo: false,
    clientInfoTag: undefined,
    sentinels: null,
    name: null,
    role: 'master',
    sentinelRetryStrategy: (times: number) => Math.min(times * 10, 1_000),
    sentinelReconnectStrategy: () => 60_000,
    natMap: null,
    enableTLSForSentinelMode: false,
    updateSentinels: true,
    failoverDetector: false,
    username: null,
    password: null,
    db: 0,
    enableOfflineQueue: true,
    enableReadyCheck: true,
    autoResubscribe: true,
    autoResendUnfulfilledCommands: true,
    lazyConnect: false,
    keyPrefix: '',
    reconnectOnError: null,
    readOnly: false,
    stringNumbers: false,
    protocol: 3,
    replyMapping: 'legacy',
    maxRetriesPerRequest: 20,
    maxLoadingRetryTime: 10_000,
    enableAutoPipelining: false,
    autoPipeliningIgnoredCommands: [],
    sentinelMaxConnections: 10,
    blockingTimeoutGrace: 100,
  };
}

// Makes the store's connection with `storeDefaults` as ioredis's shared defaults, which ioredis reads only
// while a client is constructed: put back at once, in the same turn, so no other client sees them.
function withStoreDefaults<T>(make: () => T): T {
  const shared = Redis as unknown as { defaultOptions: unknown };
  const global = shared.defaultOptions;
  shared.defaultOptions = storeDefaults();
  try {
    return make();
  } finally {
    shared.defaultOptions = global;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// A system error code (ECONNREFUSED, ECONNRESET, ENOTFOUND): safe to repeat.
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,39}$/.test(code) ? code : undefined;
}

// A Redis error reply starts with its code in capitals (NOAUTH, WRONGPASS, NOSCRIPT, ERR); the rest of the
// message is not repeated.
// An answer that is no Redis reply at all (a web server, or another service, on the port) is a protocol
// error, named as the system names one: the connection itself was accepted. ioredis 6's decoder throws a
// plain Error for it (`Unknown RESP type 72 "H"`), redis-parser a ParserError (`Protocol error, got …`).
function replyCodeOf(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  const message = String((error as { message?: unknown } | null)?.message);
  if (name === 'ParserError' || /^(?:Unknown RESP type|Protocol error)\b/.test(message)) return 'EPROTO';
  if (name !== 'ReplyError') return codeOf(error);
  const word = /^([A-Z]{2,20})\b/.exec(String((error as Error).message))?.[1];
  return word ?? 'ERR';
}
