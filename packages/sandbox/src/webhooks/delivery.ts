import { InvalidInputError, maxTimeoutMs, type ProviderId } from '@unilive/core';
import type { StreamChange } from '../types.js';
import { createEnvelopeRenderer } from './envelopes.js';
import { createWebhookKeyPair, createWebhookSecret, signWebhook, webhookProviders } from './sign.js';

/**
 * A registered webhook endpoint: every webhook of `provider` is delivered to the URL it was registered with.
 * The sandbox never hands that URL back: the endpoint of a vendor that signs nothing holds its secret in the
 * path, and this record reaches the control API, the dashboard and the CLI. Code that registered an endpoint
 * knows its URL already, and finds the endpoint by `id`.
 */
export interface WebhookEndpoint {
  /** The endpoint's id (`wh_1`, …), what `remove` and `DELETE /_sandbox/webhooks/{id}` take. */
  id: string;
  provider: ProviderId;
  /** Where it delivers, as {@link maskWebhookUrl} shows it (`http://127.0.0.1:3000/hooks/…`). */
  url: string;
}

/** One delivery attempt, as the sandbox recorded it. */
export interface WebhookDeliveryRecord {
  provider: ProviderId;
  /** The vendor's event name (`feeds.started`, `hls-playable`, `start.complete`, `stream-connected`). */
  event: string;
  /**
   * Where it went, as {@link maskWebhookUrl} shows it (`http://127.0.0.1:3000/hooks/…`, and
   * `http://127.0.0.1:3000/…` for a path of one segment), since the path of an endpoint for a vendor that
   * signs nothing holds its secret.
   */
  url: string;
  /** The stream the change was about. */
  streamId: string;
  /** The answer's status; absent when the request failed (`error` says how). */
  status?: number;
  /**
   * How the request failed: `timeout`, `unreachable`, `invalid-url` (no request can go to that URL), or
   * `dropped` (never sent: `reason` says why).
   */
  error?: string;
  /**
   * Why a `dropped` delivery was never sent, or never answered: `backlog` (the URL had
   * {@link WebhookDeliveryOptions.maxPending} deliveries waiting behind one it has not answered, and this was
   * the oldest of them), `removed` (its endpoint was removed while it waited) or `closed` (the sender was
   * closed while it waited or was being sent).
   */
  reason?: string;
  /** When the attempt ended (or the delivery was dropped), in ms since the epoch, by the sender's `now`. */
  at: number;
}

/** The videosdk key pair the sandbox signs with (PEM). */
export interface WebhookKeyPair {
  publicKey: string;
  privateKey: string;
}

/**
 * How long the sandbox waits for a receiver to answer one webhook delivery (its status: the delivery is done
 * and recorded then, and the answer's body is never read), in ms, unless `timeoutMs` (or
 * `startSandbox`'s `webhooks.timeoutMs`) says otherwise: 10 000 (10 s). Past it the request is aborted and
 * recorded with `error` `timeout`, never retried, and the next delivery to that URL is sent. Exported so that
 * what stands between the sandbox and an app (`unilive listen`, whose own bound is one second shorter so that
 * it gives up first) is derived from it rather than written again.
 */
export const defaultWebhookDeliveryTimeoutMs = 10_000;

/** Options of {@link createWebhookDelivery}. */
export interface WebhookDeliveryOptions {
  /** Endpoints registered from the start. */
  endpoints?: readonly { provider: ProviderId; url: string }[] | undefined;
  /**
   * The Real-Time webhook secret (base64); a fresh one by default. `startSandbox` refuses one that is no
   * base64 (`InvalidInputError` naming `webhooks.secret`): it could sign nothing.
   */
  secret?: string | undefined;
  /**
   * The videosdk key pair (PEM, as `createWebhookKeyPair` makes it: a PKCS#8 RSA private key and its SPKI
   * public half); a fresh one by default. `startSandbox` refuses a key that is no RSA key, or a public key
   * of another pair, naming `webhooks.keyPair.privateKey` or `webhooks.keyPair.publicKey`.
   */
  keyPair?: { publicKey: string; privateKey: string } | undefined;
  /**
   * Each delivery's time limit, in ms: a number above 0 and at most 2147483647 (`maxTimeoutMs`, the longest a
   * timer holds). Default {@link defaultWebhookDeliveryTimeoutMs} (10 000). Anything else (`NaN`, 0, a negative number, `Infinity`, a string) throws
   * `InvalidInputError` naming `timeoutMs`.
   */
  timeoutMs?: number | undefined;
  /**
   * How many deliveries may wait for one URL behind the one being sent, a whole number from 1. Default 1000.
   * One more drops the oldest waiting delivery, recorded with `error` `dropped` and `reason` `backlog`, so a
   * receiver that never answers (paused in a debugger) costs a bounded amount of memory. A number that is not
   * a whole number of at least 1 throws `InvalidInputError` naming `maxPending`.
   */
  maxPending?: number | undefined;
  /** Replaces the global `fetch` (tests). */
  fetch?: typeof fetch | undefined;
  /**
   * The clock each delivery record's `at` is read from, in ms since the epoch. Default `Date.now`;
   * `startSandbox` passes the sandbox's own `now`, so records agree with the times stamped on streams.
   */
  now?: (() => number) | undefined;
  /**
   * Reports each delivery (the CLI prints them). What it throws, or the promise it returns rejects with,
   * is ignored.
   */
  onDelivery?: ((record: WebhookDeliveryRecord) => void) | undefined;
}

/** The sandbox's webhook sender. */
export interface WebhookDelivery {
  /** The Wowza Real-Time (Millicast) webhook secret, base64. */
  readonly secret: string;
  /**
   * The videosdk key pair, made on first use (an RSA key takes a moment to generate); the public key is
   * served at `GET /videosdk/v2/public/rsa-public-key`.
   */
  keyPair(): Promise<WebhookKeyPair>;
  /**
   * Adds an endpoint; returns it with its `id` and the URL masked (see {@link WebhookEndpoint}). Throws
   * `InvalidInputError` naming `provider` or `url` for a provider the sandbox sends no webhooks for, or a
   * URL that is not absolute `http://` or `https://`, or carries a user name or password.
   */
  register(provider: ProviderId, url: string): WebhookEndpoint;
  /**
   * Removes an endpoint: no later change is sent to it, and the deliveries waiting for it are dropped,
   * each recorded with `error` `dropped` and `reason` `removed` (one already being sent is answered or
   * times out as it would). `false` when no endpoint has that id.
   */
  remove(id: string): boolean;
  /** The registered endpoints, oldest first, each URL masked (see {@link WebhookEndpoint}). */
  endpoints(): WebhookEndpoint[];
  /** The most recent deliveries (at most 100), oldest first. */
  deliveries(): WebhookDeliveryRecord[];
  /**
   * Observes every delivery; returns the function that stops observing. What the listener throws, or the
   * promise it returns rejects with, is ignored.
   */
  onDelivery(listener: (record: WebhookDeliveryRecord) => void): () => void;
  /** Handles one engine change: renders, signs and sends the vendor's webhooks for it. */
  handle(change: StreamChange): void;
  /** How many deliveries wait for each URL (as {@link maskWebhookUrl} shows it), not counting one being sent. */
  pending(): { url: string; waiting: number }[];
  /** Resolves once every delivery queued so far has been attempted or dropped. */
  settled(): Promise<void>;
  /**
   * Stops: later changes send nothing, observers hear nothing more, deliveries waiting are dropped and the
   * ones being sent cut off, each recorded with `error` `dropped` and `reason` `closed`.
   */
  close(): void;
}

/**
 * Delivers each vendor's webhooks for the sandbox's stream changes: the vendor's envelope, signed the
 * vendor's way, POSTed to every endpoint registered for the provider (and, for videosdk, to the room's own
 * `webhook.endPoint` when its `events` list the event).
 *
 * Delivery semantics: one attempt per webhook, never retried. That is Wowza Real-Time's documented
 * behaviour (Millicast: "will not attempt a retry"); Wowza Video, LiveAPI and videosdk document none, and
 * the sandbox does the same for them, so a test sees exactly one delivery per change. Deliveries to one
 * URL are sent one after another, in the order of the changes (stricter than Real-Time, which guarantees no
 * order). At most `maxPending` wait behind the one being sent; beyond that the oldest waiting one is dropped
 * and recorded as such, as a vendor's delivery to a receiver that does not answer would time out. No vendor
 * documents a bound on its backlog: the bound and which delivery goes are the sandbox's own.
 */
export function createWebhookDelivery(options: WebhookDeliveryOptions = {}): WebhookDelivery {
  const secret = options.secret ?? createWebhookSecret();
  let keyPair: Promise<WebhookKeyPair> | undefined = options.keyPair
    ? Promise.resolve(options.keyPair)
    : undefined;
  const keys = () => {
    keyPair ??= createWebhookKeyPair();
    return keyPair;
  };
  const endpoints = new Map<string, WebhookEndpoint>();
  const records: WebhookDeliveryRecord[] = [];
  const listeners = new Set<(record: WebhookDeliveryRecord) => void>();
  if (options.onDelivery) listeners.add(options.onDelivery);
  // Per URL: the deliveries waiting behind the one being sent, and the loop that sends them.
  const queues = new Map<string, { waiting: Pending[]; running: Promise<void> }>();
  const render = createEnvelopeRenderer();
  // Only an absent option takes the default: `null` (from JSON configuration, say) is refused like any value.
  const timeoutMs = options.timeoutMs === undefined ? defaultWebhookDeliveryTimeoutMs : options.timeoutMs;
  // Checked here, not at the first delivery: `AbortSignal.timeout` throws on NaN or a negative number inside
  // a delivery (recorded as `unreachable`), and a timer longer than `maxTimeoutMs` fires at once.
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || timeoutMs > maxTimeoutMs) {
    throw invalid(
      'timeoutMs',
      `expected a number of milliseconds above 0 and at most ${maxTimeoutMs}, got ${describeValue(timeoutMs)}`,
    );
  }
  const now = options.now ?? Date.now;
  const maxPending = options.maxPending === undefined ? 1_000 : options.maxPending;
  if (!Number.isSafeInteger(maxPending) || maxPending < 1) {
    throw invalid('maxPending', `expected a whole number of at least 1, got ${describeValue(maxPending)}`);
  }
  let sequence = 0;
  let closed = false;
  // Ends the delivery being sent to each URL when the sender closes, so a receiver that never answers keeps
  // no request open after the sandbox has stopped.
  const stop = new AbortController();

  const register = (provider: ProviderId, url: string): WebhookEndpoint => {
    if (!(webhookProviders as readonly string[]).includes(provider)) {
      throw invalid('provider', `expected one of ${webhookProviders.join(', ')}`);
    }
    const parsed = deliverableUrl(url);
    if (!parsed) {
      throw invalid('url', 'expected an absolute http:// or https:// URL without a user name or password');
    }
    sequence += 1;
    const endpoint = { id: `wh_${sequence}`, provider, url: parsed.href };
    endpoints.set(endpoint.id, endpoint);
    return shown(endpoint);
  };
  for (const endpoint of options.endpoints ?? []) register(endpoint.provider, endpoint.url);

  const report = (record: WebhookDeliveryRecord) => {
    records.push(record);
    if (records.length > 100) records.shift();
    for (const listener of listeners) {
      try {
        // An async observer's promise is watched too: its rejection would otherwise be an unhandled
        // rejection per delivery, which ends the process under Node's defaults.
        const returned: unknown = (listener as (record: WebhookDeliveryRecord) => unknown)(record);
        if (typeof returned === 'object' && returned !== null) Promise.resolve(returned).catch(() => {});
      } catch {
        // An observer's failure changes nothing.
      }
    }
  };

  const send = async (url: string, change: StreamChange, event: string, payload: unknown) => {
    const base = { provider: change.provider, event, url: maskWebhookUrl(url), streamId: change.id };
    // A room's own endPoint comes from whoever created the room (or from a persist file): one that cannot be
    // sent to is recorded as such, never thrown, since nothing would catch it.
    if (!deliverableUrl(url)) {
      report({ ...base, error: 'invalid-url', at: now() });
      return;
    }
    // Ends this delivery's request once its status is in, whatever the receiver still sends.
    const cut = new AbortController();
    try {
      const signing = change.provider === 'videosdk' ? { privateKey: (await keys()).privateKey } : { secret };
      const signed = await signWebhook(change.provider, payload, signing);
      const response = await (options.fetch ?? fetch)(url, {
        method: 'POST',
        headers: { ...signed.headers, 'user-agent': `unilive-sandbox (${change.provider} webhooks)` },
        body: typeof signed.body === 'string' ? signed.body : new Uint8Array(signed.body),
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stop.signal, cut.signal]),
        redirect: 'manual',
      });
      // The delivery is done at the status, as vendors look at nothing else: it is recorded then, and the
      // answer's body is never read. A receiver that sends its status but never ends its body (a handler
      // that forgets `res.end()`, a streamed answer) would otherwise hold the URL's queue until the time
      // limit, each later change heard that much later, and be recorded as answering when the limit ran out.
      report({ ...base, status: response.status, at: now() });
      cut.abort();
      response.body?.cancel().catch(() => undefined);
    } catch (error) {
      if (stop.signal.aborted) {
        report({ ...base, error: 'dropped', reason: 'closed', at: now() });
        return;
      }
      report({
        ...base,
        error: (error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable',
        at: now(),
      });
    }
  };

  const drop = (url: string, delivery: Pending, reason: 'backlog' | 'removed' | 'closed') =>
    report({
      provider: delivery.change.provider,
      event: delivery.event,
      url: maskWebhookUrl(url),
      streamId: delivery.change.id,
      error: 'dropped',
      reason,
      at: now(),
    });

  const drain = async (url: string, first: Pending) => {
    let next: Pending | undefined = first;
    while (next && !closed) {
      // `send` records every failure itself; a throw here would strand the deliveries waiting behind it.
      await send(url, next.change, next.event, next.payload).catch(() => undefined);
      next = queues.get(url)?.waiting.shift();
    }
    queues.delete(url);
  };

  const enqueue = (url: string, delivery: Pending) => {
    const queue = queues.get(url);
    if (!queue) {
      // The first delivery is sent at once; the entry exists before `drain` starts so that what comes next waits.
      const entry = { waiting: [] as Pending[], running: Promise.resolve() };
      queues.set(url, entry);
      entry.running = drain(url, delivery);
      return;
    }
    queue.waiting.push(delivery);
    if (queue.waiting.length <= maxPending) return;
    // The oldest waiting delivery goes: those behind it keep their order, and the receiver, once it answers
    // again, hears the latest changes rather than ones a vendor would long have given up on.
    drop(url, queue.waiting.shift() as Pending, 'backlog');
  };

  return {
    secret,
    keyPair: keys,
    register,
    remove(id) {
      if (!endpoints.delete(id)) return false;
      // What waits for it was meant for a receiver that no longer wants it: a paused app removed from the
      // list hears nothing of its backlog when it resumes.
      for (const [url, queue] of queues) {
        const removed = queue.waiting.filter((delivery) => delivery.endpoint === id);
        if (removed.length === 0) continue;
        queue.waiting = queue.waiting.filter((delivery) => delivery.endpoint !== id);
        for (const delivery of removed) drop(url, delivery, 'removed');
      }
      return true;
    },
    endpoints: () => [...endpoints.values()].map(shown),
    deliveries: () => records.map((record) => ({ ...record })),
    onDelivery(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    handle(change) {
      if (closed) return;
      for (const webhook of render(change)) {
        // Each delivery remembers the endpoint it is for, so removing that endpoint drops it; one the room's
        // own subscription also asks for belongs to no endpoint and stays.
        const targets: { url: string; endpoint?: string }[] = [...endpoints.values()]
          .filter((endpoint) => endpoint.provider === change.provider)
          .map((endpoint) => ({ url: endpoint.url, endpoint: endpoint.id }));
        const room = webhook.roomSubscription;
        if (room && subscribed(room.events, webhook.name)) {
          const same = targets.find((target) => target.url === room.endPoint);
          if (same) delete same.endpoint;
          else targets.push({ url: room.endPoint });
        }
        for (const { url, endpoint } of targets) {
          enqueue(url, {
            change,
            event: webhook.name,
            payload: webhook.payload,
            ...(endpoint === undefined ? {} : { endpoint }),
          });
        }
      }
    },
    pending: () =>
      [...queues].map(([url, queue]) => ({ url: maskWebhookUrl(url), waiting: queue.waiting.length })),
    async settled() {
      while (queues.size > 0) await Promise.all([...queues.values()].map((queue) => queue.running));
    },
    close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      // What waits is dropped and what is being sent is cut off, each recorded as dropped (`closed`).
      for (const [url, queue] of queues)
        for (const delivery of queue.waiting.splice(0)) drop(url, delivery, 'closed');
      stop.abort();
    },
  };
}

interface Pending {
  change: StreamChange;
  event: string;
  payload: unknown;
  /** The registered endpoint it is for; absent for a room's own subscription. */
  endpoint?: string;
}

/**
 * The URL a webhook can be sent to: absolute, `http:` or `https:`, and without a user name or password
 * (fetch refuses those). `undefined` for anything else.
 */
export function deliverableUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (parsed.username !== '' || parsed.password !== '') return undefined;
  return parsed;
}

// An endpoint as the sandbox hands it out: the URL it delivers to stays inside (see WebhookEndpoint).
function shown(endpoint: WebhookEndpoint): WebhookEndpoint {
  return { id: endpoint.id, provider: endpoint.provider, url: maskWebhookUrl(endpoint.url) };
}

/**
 * A webhook URL as the sandbox shows it (its delivery log, the dashboard, the CLI): the origin and, when the
 * path has more than one segment, its first one; everything after is masked (`…`), and so are the query and
 * fragment. Vendors that document no signature are protected by a secret path segment, the last one (what
 * `pathSecret` checks), which must never reach a terminal, a log or a page: a path of one segment is that
 * segment, so it is masked too (`https://app.example/…`). Text that is no URL reads `(a URL)`.
 */
export function maskWebhookUrl(url: string): string {
  if (!URL.canParse(url)) return '(a URL)';
  const parsed = new URL(url);
  const segments = parsed.pathname.split('/').filter((segment) => segment !== '');
  const hidden = segments.length > 0 || parsed.search !== '' || parsed.hash !== '';
  const shown = segments.length > 1 ? `${segments[0]}/` : '';
  return `${parsed.origin}/${shown}${hidden ? '…' : ''}`;
}

// A room's `events` may hold exact names or wildcard patterns such as `hls*` (server SDK); `*` is any run of
// characters, everything else itself. Matched by hand rather than as a regular expression: `.*` forty times
// backtracks through every way of cutting the name into forty pieces, and the room's creator writes the
// pattern. This walk retries only from the last `*`, so a pattern costs at most its length times the name's.
function subscribed(events: readonly string[], name: string): boolean {
  return events.some((pattern) => wildcardMatch(pattern, name));
}

function wildcardMatch(pattern: string, name: string): boolean {
  let at = 0;
  let position = 0;
  let star = -1;
  let resume = 0;
  while (position < name.length) {
    if (at < pattern.length && pattern[at] === '*') {
      star = at;
      at += 1;
      resume = position;
    } else if (at < pattern.length && pattern[at] === name[position]) {
      at += 1;
      position += 1;
    } else if (star !== -1) {
      // The last `*` takes one more character, and the rest of the pattern starts again after it.
      at = star + 1;
      resume += 1;
      position = resume;
    } else return false;
  }
  while (at < pattern.length && pattern[at] === '*') at += 1;
  return at === pattern.length;
}

// A number shows itself; anything else only its type (a misplaced option may hold a secret).
function describeValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : `a ${typeof value}`;
}

function invalid(path: string, message: string): InvalidInputError {
  return new InvalidInputError({
    operation: 'configure',
    message: `sandbox webhook: ${path}: ${message}`,
    issues: [{ path, message }],
  });
}
