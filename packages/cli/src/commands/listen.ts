import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeUnprintable, isLoopbackHost, onceListenerOptions, TimeoutError } from '@unilive/core';
import { defaultWebhookDeliveryTimeoutMs } from '@unilive/sandbox';
import { type CommandSpec, listFlag, nonEmptyFlag, stringFlag, UsageError } from '../context.js';
import { nearProviderHint } from '../providers.js';
import { webhookUrlText } from '../text.js';

const providers = ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk'];

/**
 * The most of a delivery's body the listener reads, in bytes: 10 MiB, the default `maxBodyBytes` of
 * `createWebhookHandler`, so the app behind it would have refused anything larger too. A larger body (a
 * declared `Content-Length` at once, else as soon as the bytes read pass it) is answered 413, never
 * forwarded, and no more of it is held.
 */
export const maxDeliveryBytes = 10_485_760;
/**
 * How long the listener waits for the app's answer to a delivery, in ms: the sandbox's
 * `defaultWebhookDeliveryTimeoutMs` (10 s) less one second, 9 s. Derived from the sandbox's figure so the
 * two cannot drift apart: with the same bound, which gives up first would be a race, and the sandbox's
 * giving up leaves the delivery without its line (`docs/decisions/2026-12-01-listen-unanswered-and-basic-auth.md`).
 */
export const listenAppMs = defaultWebhookDeliveryTimeoutMs - 1_000;

/**
 * The listener's timings, in ms. `sandboxMs` bounds each request to the sandbox (a registration, its
 * removal, a check), so that a sandbox that stops answering neither hangs the start nor Ctrl-C.
 * `checkEveryMs` is how often it checks that the sandbox still holds its registrations (a restarted
 * sandbox holds none). `headersMs` and `requestMs` bound how long a connection to the listener may take to
 * send a request's headers and the whole request (Node's defaults are 60 s and 300 s, which lets
 * half-open connections pile up); `checkConnectionsMs` is how often Node looks. `appMs` bounds how long
 * the app may take to answer a delivery (its status; the body is never read): {@link listenAppMs}, a second
 * under the sandbox's own bound per delivery, so that the listener, not the sandbox, gives up first, prints
 * the delivery's line (`… no answer within 9 s`) and answers the sandbox 504, which then sends the next
 * delivery. Written here for the tests, which shorten them.
 */
export const listenTiming = {
  sandboxMs: 5_000,
  checkEveryMs: 2_000,
  headersMs: 5_000,
  requestMs: 30_000,
  checkConnectionsMs: 1_000,
  appMs: listenAppMs,
};

// Headers a relay must not copy: they describe the hop, not the delivery.
// Headers of the connection, not of the delivery (RFC 9110 §7.6.1: Connection, Keep-Alive, TE, Trailer,
// Transfer-Encoding, Upgrade, Proxy-Connection), with Host and Content-Length, which fetch sets, and Expect,
// which fetch refuses: relayed, a sender's `Expect: 100-continue` or `Upgrade` failed the relay as if the app
// were unreachable.
const hopHeaders = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'proxy-connection',
  'expect',
  'http2-settings',
]);

/**
 * `unilive listen --forward-to URL`: registers itself with a running sandbox as the webhook endpoint of each
 * provider and relays every delivery, body and signature headers untouched, to a local app, printing one
 * line per delivery; on Ctrl-C it removes its registrations and ends with 130 (interrupted), also while it
 * is still registering (the registration on its way is awaited and removed). It checks every
 * {@link listenTiming}.checkEveryMs that the sandbox still holds them, and registers again (saying so on
 * stderr) when a restarted sandbox does not.
 *
 * What it relays is only what the sandbox delivers: a POST to one of the paths it registered, each
 * `/<provider>/<per-run secret>` (24 random base64url characters, never printed: the sandbox's listing masks
 * the last segment), with the `Host` the sandbox sends (`127.0.0.1:<port>`) and no `Origin` or `Sec-Fetch-*`
 * header (a browser sends those; the sandbox never does). Anything else is answered 403 or 404, is not
 * printed and never reaches the app, whose URL may carry its own secret path segment. Only the app's status
 * goes back: none of its answer's body is read. A delivery whose connection fails before the app answers
 * (an app closing an idle kept-alive connection as it is reused) is sent once more on a new one; a second
 * failure reads `… unreachable` and the sandbox gets 502. An app that has not answered within
 * {@link listenTiming}.appMs, both tries together, gets its request aborted: the line reads
 * `… no answer within 9 s` and the sandbox gets 504. A `--forward-to` URL with a user name or password is sent as `Authorization: Basic`
 * (the URL itself goes without them, and neither is ever printed), as the Stripe CLI's HTTP client does.
 */
export const listen: CommandSpec = {
  name: 'listen',
  summary: "forward a running sandbox's webhooks to a local app, until Ctrl-C",
  options: [
    {
      flags: '--forward-to <url>',
      description: 'where to POST each delivery (http://localhost:3000/webhooks)',
    },
    {
      flags: '-p, --provider <id>',
      description: `only this provider's webhooks (repeatable; default: ${providers.join(', ')})`,
      repeatable: true,
    },
    { flags: '--sandbox <url>', description: 'the running sandbox (default: $UNILIVE_SANDBOX_URL)' },
  ],
  help:
    "Each delivery reaches the app exactly as the vendor sends it (the sandbox signs it the vendor's way),\n" +
    "and the app's status goes back to the sandbox (none of the app's answer body is read). Only the sandbox's\n" +
    'deliveries are relayed: a POST to the per-run path it registered, with its Host and no browser Origin;\n' +
    'any other request is refused (403/404), never forwarded nor printed. A delivery body over 10 MiB (the\n' +
    "webhook handler's default maxBodyBytes) is answered 413 and not forwarded. An app that has not answered\n" +
    `within ${seconds(listenAppMs)} (the sandbox waits ${seconds(defaultWebhookDeliveryTimeoutMs)}) reads ` +
    `"no answer within ${seconds(listenAppMs)}", and the sandbox gets 504. A user name\n` +
    'and password in the URL (before an @ ahead of its host) are sent to the app with HTTP Basic,\n' +
    'never printed. A sandbox that restarts has lost the registrations: the listener says so on stderr and\n' +
    'registers again. Ctrl-C removes them and ends it with 130, also while it is still registering.\n' +
    'Example:\n' +
    '  unilive sandbox &\n  unilive listen --sandbox http://127.0.0.1:4010 --forward-to http://localhost:3000/webhooks',
  async run({ flags, context }) {
    const { output, signal } = context;
    const forwardText = stringFlag(flags, 'forwardTo');
    if (forwardText === undefined)
      throw new UsageError('--forward-to URL is required: the local app the deliveries are relayed to');
    const given = parseUrl(forwardText, '--forward-to');
    const { url: forwardTo, authorization } = forwardTarget(given);
    const sandboxText =
      nonEmptyFlag(flags, 'sandbox', '--sandbox') ?? context.environment.UNILIVE_SANDBOX_URL;
    if (sandboxText === undefined)
      throw new UsageError(
        'no sandbox given: pass --sandbox URL or set UNILIVE_SANDBOX_URL (what `unilive sandbox` prints)',
      );
    const sandbox = parseUrl(sandboxText, '--sandbox');
    // Its control routes take no user information, query or fragment: such a URL named no sandbox, and a
    // query was dropped unsaid.
    if (sandbox.username !== '' || sandbox.password !== '' || sandbox.search !== '' || sandbox.hash !== '')
      throw new UsageError(
        '--sandbox takes the URL `unilive sandbox` prints (http://127.0.0.1:4010), without a user name, password, query or fragment',
      );
    // Relayed to the sandbox's own API, each delivery would make a change that makes another: a loop. The
    // sandbox answers to every loopback name (`localhost`, `127.0.0.1`, `[::1]`, `127.1`) on its port:
    // each is the sandbox itself.
    const sameLoopback =
      forwardTo.protocol === sandbox.protocol &&
      forwardTo.port === sandbox.port &&
      isLoopbackHost(forwardTo.hostname) &&
      isLoopbackHost(sandbox.hostname);
    if (forwardTo.origin === sandbox.origin || sameLoopback)
      throw new UsageError(
        "--forward-to is the sandbox itself: each delivery relayed to its API would make another, without end; forward to your app's URL",
      );
    if (given.password !== '')
      output.err(
        'unilive: warning: --forward-to holds a password, which other users of this machine can read in the process list while unilive listens; prefer an app URL without one',
      );
    const chosen = listFlag(flags, 'provider');
    const repeated = chosen.find((provider, index) => chosen.indexOf(provider) !== index);
    if (repeated !== undefined && providers.includes(repeated))
      throw new UsageError(`--provider ${repeated} is given twice: name each provider once`);
    for (const provider of chosen) {
      if (!providers.includes(provider))
        throw new UsageError(
          `--provider expects one of ${providers.join(', ')}${nearProviderHint(provider, providers)}`,
        );
    }
    // The per-run path segment the sandbox is told to post to: a page or process that cannot read the
    // sandbox's registrations cannot guess it, so it cannot have the app's secret URL post its events.
    const secret = randomBytes(18).toString('base64url');
    const registeredPaths = new Map<string, string>();
    let host = '';
    // Ends the requests to the app still waiting for an answer when the listener stops; each still gets its
    // line, before the last one.
    const stopping = new AbortController();
    const relaying = new Set<Promise<void>>();
    const server = createServer(
      {
        headersTimeout: listenTiming.headersMs,
        requestTimeout: listenTiming.requestMs,
        connectionsCheckingInterval: listenTiming.checkConnectionsMs,
      },
      (request, response) => {
        const provider = deliveryProvider(request, host, registeredPaths);
        if (typeof provider === 'number') {
          // Not read, not printed, not forwarded: whoever sent it learns nothing but the refusal.
          request.resume();
          response.statusCode = provider;
          response.end();
          return;
        }
        const tooLarge = () => {
          output.out(
            `${escapeUnprintable(provider)} delivery → ${webhookUrlText(forwardTo.href)} 413 (body over ${maxDeliveryBytes} bytes, not forwarded)`,
          );
          // The rest of the body is read and dropped, not left unread: closing a connection the sender is still
          // writing to would reset it, and the sender could lose the 413 with it.
          request.resume();
          response.statusCode = 413;
          response.end();
        };
        const declared = request.headers['content-length'];
        if (declared !== undefined && /^\d+$/.test(declared.trim()) && Number(declared) > maxDeliveryBytes) {
          tooLarge();
          return;
        }
        const relayed = relay(request, forwardTo, authorization, stopping.signal).then(
          ({ status, event }) => {
            // One line each: a line feed in what the request said reads as an escape.
            output.out(
              `${escapeUnprintable(provider)} ${escapeUnprintable(event)} → ${webhookUrlText(forwardTo.href)} ${status}`,
            );
            response.statusCode = status;
            response.end();
          },
          (failure: unknown) => {
            if (failure instanceof TooLarge) {
              tooLarge();
              return;
            }
            const event = failure instanceof Unanswered ? failure.event : 'delivery';
            // A stop says so whatever the request was doing; a timeout is the app's silence, anything else
            // (refused, reset, no such host) is the app not being reachable.
            const outcome = stopping.signal.aborted
              ? 'interrupted before the app answered'
              : failure instanceof Unanswered && failure.timedOut
                ? `no answer within ${seconds(listenTiming.appMs)}`
                : 'unreachable';
            output.out(
              `${escapeUnprintable(provider)} ${escapeUnprintable(event)} → ${webhookUrlText(forwardTo.href)} ${outcome}`,
            );
            // 504 for the app's silence, as a gateway answers: the sandbox records it and sends the next one.
            response.statusCode = failure instanceof Unanswered && failure.timedOut ? 504 : 502;
            response.end();
          },
        );
        relaying.add(relayed);
        void relayed.finally(() => relaying.delete(relayed));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const relayUrl = `http://${host}`;
    const control = new URL('_sandbox/webhooks', `${sandbox.href.replace(/\/+$/, '')}/`).href;
    const wanted = chosen.length > 0 ? chosen : providers;
    // Registration ids by provider, as the sandbox answered them.
    const registered = new Map<string, string>();
    const pathOf = (provider: string) => `/${provider}/${secret}`;
    for (const provider of wanted) registeredPaths.set(pathOf(provider), provider);
    // Not tied to Ctrl-C: a registration the sandbox took must be answered, so that its id can be removed.
    // Ctrl-C stops waiting for it, and the removal waits for it instead (see `finally`).
    const register = (provider: string): Promise<Registration | undefined> =>
      fetch(control, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provider, url: `${relayUrl}${pathOf(provider)}` }),
        signal: AbortSignal.timeout(listenTiming.sandboxMs),
      })
        .then(async (answer) => {
          if (answer.status !== 201) {
            await answer.body?.cancel().catch(() => undefined);
            return { status: answer.status };
          }
          const { id } = (await answer.json()) as { id?: unknown };
          return { status: 201, ...(typeof id === 'string' ? { id } : {}) };
        })
        .catch((error: unknown) =>
          error instanceof Error && error.name === 'TimeoutError' ? { status: 0, timedOut: true } : undefined,
        );
    let inFlight: { provider: string; answer: Promise<Registration | undefined> } | undefined;
    const watch = sandboxWatch({ control, origin: sandbox.origin, relayUrl, registered, register, output });
    let forwarding = false;
    // A registration that got no answer (lost, or past sandboxMs) may still have been taken.
    let unanswered = false;
    try {
      for (const provider of wanted) {
        if (signal?.aborted) break;
        inFlight = { provider, answer: register(provider) };
        const answer = await unlessAborted(inFlight.answer, signal);
        if (answer === interrupted) break;
        inFlight = undefined;
        if (answer === undefined || answer.timedOut) unanswered = true;
        if (answer?.id !== undefined) registered.set(provider, answer.id);
        if (answer?.status !== 201) {
          // Ctrl-C in the same moment is an interrupt, not a missing sandbox.
          if (signal?.aborted) break;
          // Something answers there, or holds the connection: a sandbox may be busy (exit 1), where nothing
          // listening at all is bad usage (exit 2), as every --sandbox look-up says.
          if (answer?.timedOut)
            throw new TimeoutError({
              operation: 'listen',
              message: `the sandbox at ${sandbox.origin} did not answer the webhook registration within ${listenTiming.sandboxMs / 1000} s: is it busy?`,
            });
          throw new UsageError(
            `no sandbox took the webhook registration at ${sandbox.origin}: is \`unilive sandbox\` running?`,
          );
        }
      }
      if (!signal?.aborted) {
        forwarding = true;
        output.out(
          `Forwarding ${chosen.length > 0 ? chosen.join(', ') : 'all'} webhooks of ${sandbox.origin} to ${webhookUrlText(forwardTo.href)}${authorization === undefined ? '' : " with the URL's user name and password (HTTP Basic)"} (Ctrl-C to stop)`,
        );
        watch.start();
        await new Promise<void>((resolve) => {
          if (signal?.aborted) resolve();
          signal?.addEventListener('abort', () => resolve(), onceListenerOptions);
        });
      }
    } finally {
      // The registrations go first, and only then the requests still waiting for the app: a delivery
      // answered (502, interrupted) while its registration stood would have the sandbox send the next one
      // waiting to a listener on its way out, recorded `unreachable`, where removing it drops them all.
      await watch.stop();
      // The registration Ctrl-C interrupted: the sandbox may have taken it, so its answer is awaited (for
      // at most sandboxMs) and what it took removed with the rest.
      if (inFlight !== undefined) {
        const late = await inFlight.answer;
        if (late?.id !== undefined) registered.set(inFlight.provider, late.id);
      }
      // Removed by what the sandbox lists at this listener's URL, never by the ids it was given alone: a
      // sandbox that restarted since the last check may have given one of them to another endpoint. That
      // finds too a registration whose answer never came (lost, or past sandboxMs). The listing masks the
      // path, and the origin is this listener's own port, which no other process holds.
      if (registered.size > 0 || inFlight !== undefined || unanswered)
        await removeByOrigin(control, relayUrl);
      stopping.abort();
      // Each delivery still on its way has its line (interrupted) before the last one, and its answer
      // written (502) before the connections close: the sandbox records it as answered, not unreachable.
      await Promise.all(relaying);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    output.out(forwarding ? 'stopped forwarding' : 'stopped before forwarding');
    // It runs until interrupted, so ending is always an interrupt: 130, as for any command Ctrl-C stops.
    return 130;
  },
};

/** A registration's answer: its status, and its id when the sandbox took it (201). */
interface Registration {
  status: number;
  id?: string;
  /** No answer within `sandboxMs`: a sandbox may be there, and busy. */
  timedOut?: boolean;
}

const interrupted: unique symbol = Symbol('interrupted');

/** `promise`'s value, or {@link interrupted} as soon as `signal` aborts; `promise` never rejects. */
function unlessAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T | typeof interrupted> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.resolve(interrupted);
  return new Promise((resolve) => {
    const onAbort = () => resolve(interrupted);
    signal.addEventListener('abort', onAbort, onceListenerOptions);
    void promise.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    });
  });
}

/** Removes every registration the sandbox lists for `relayUrl`'s origin (masked path, origin shown). */
/** Whether an endpoint the sandbox lists is one of this listener's: its URL is on the listener's origin. */
function isOurs(endpoint: unknown, relayUrl: string): endpoint is { id: string; url: string } {
  if (typeof endpoint !== 'object' || endpoint === null) return false;
  const { id, url } = endpoint as { id?: unknown; url?: unknown };
  return typeof id === 'string' && typeof url === 'string' && url.startsWith(`${relayUrl}/`);
}

async function removeByOrigin(control: string, relayUrl: string): Promise<void> {
  const options = () => ({ signal: AbortSignal.timeout(listenTiming.sandboxMs) });
  try {
    const answer = await fetch(control, options());
    if (!answer.ok) {
      await answer.body?.cancel().catch(() => undefined);
      return;
    }
    const { endpoints } = (await answer.json()) as { endpoints?: { id?: unknown; url?: unknown }[] };
    const ours = (Array.isArray(endpoints) ? endpoints : []).filter((endpoint) => isOurs(endpoint, relayUrl));
    await Promise.all(
      ours.map((endpoint) =>
        fetch(`${control}/${encodeURIComponent(String(endpoint.id))}`, {
          method: 'DELETE',
          ...options(),
        }).then(
          (deleted) => deleted.body?.cancel().catch(() => undefined),
          () => undefined,
        ),
      ),
    );
  } catch {
    // The sandbox is gone or answered nonsense: it holds nothing to remove, or nothing can be done.
  }
}

/**
 * Checks, every {@link listenTiming}.checkEveryMs, that the sandbox still holds the listener's
 * registrations. A restarted sandbox holds none (it keeps no registration on disk, so the per-run secret
 * never is): the listener says so on stderr and registers again, with the same per-run path; a sandbox that
 * does not answer is said once, and again when it answers.
 */
function sandboxWatch(watched: {
  control: string;
  origin: string;
  relayUrl: string;
  registered: Map<string, string>;
  register: (provider: string) => Promise<Registration | undefined>;
  output: { err(text: string): void };
}) {
  const { control, origin, relayUrl, registered, register, output } = watched;
  let timer: ReturnType<typeof setInterval> | undefined;
  let checking: Promise<void> | undefined;
  let stopped = false;
  let unanswered = false;
  const check = async () => {
    let held: Set<unknown> | undefined;
    try {
      const answer = await fetch(control, { signal: AbortSignal.timeout(listenTiming.sandboxMs) });
      if (answer.ok) {
        const { endpoints } = (await answer.json()) as { endpoints?: unknown };
        // Held by its id and its URL: a restarted sandbox numbers its endpoints from the start again, so
        // another endpoint may hold the id this listener had (the listing masks the path, but the origin is
        // this listener's own port, which no other process holds).
        if (Array.isArray(endpoints))
          held = new Set(
            endpoints.filter((endpoint) => isOurs(endpoint, relayUrl)).map((endpoint) => endpoint.id),
          );
      } else {
        await answer.body?.cancel().catch(() => undefined);
      }
    } catch {
      held = undefined;
    }
    if (stopped) return;
    if (held === undefined) {
      if (!unanswered)
        output.err(`unilive: the sandbox at ${origin} does not answer; no deliveries until it does`);
      unanswered = true;
      return;
    }
    const lost = [...registered].filter(([, id]) => !held.has(id)).map(([provider]) => provider);
    if (lost.length === 0) {
      if (unanswered) output.err(`unilive: the sandbox at ${origin} answers again`);
      unanswered = false;
      return;
    }
    unanswered = false;
    output.err(
      `unilive: the sandbox at ${origin} no longer holds the registration of ${lost.join(', ')} (restarted?); registering again`,
    );
    for (const provider of lost) {
      registered.delete(provider);
      if (stopped) break;
      const again = await register(provider);
      if (again?.id !== undefined) registered.set(provider, again.id);
      if (again?.status !== 201)
        output.err(`unilive: the sandbox at ${origin} did not take the registration of ${provider} again`);
    }
  };
  return {
    start() {
      timer = setInterval(() => {
        // One check at a time: a slow sandbox does not get a second one stacked on it.
        if (checking === undefined && !stopped)
          checking = check().finally(() => {
            checking = undefined;
          });
      }, listenTiming.checkEveryMs);
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearInterval(timer);
      // A registration made again while Ctrl-C came is in `registered` once this ends, and removed.
      await checking;
    },
  };
}

/**
 * The app's URL without its user information, and the `Authorization: Basic` header that information stands
 * for (RFC 7617, UTF-8): fetch refuses a URL that carries a user name or password, and Go's HTTP client, which
 * the Stripe CLI relays with, sends them this way. Refused (a usage error that never repeats them): a user
 * name or password that is not percent-encoded UTF-8, and a user name holding a colon, which Basic cannot
 * tell from the one that ends it.
 */
function forwardTarget(url: URL): { url: URL; authorization?: string } {
  if (url.username === '' && url.password === '') return { url };
  let user: string;
  let password: string;
  try {
    user = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    throw new UsageError('--forward-to: the user name or password in the URL is not percent-encoded UTF-8');
  }
  if (user.includes(':')) {
    throw new UsageError(
      '--forward-to: a user name holding a colon cannot be sent with HTTP Basic (the colon ends it)',
    );
  }
  const bare = new URL(url.href);
  bare.username = '';
  bare.password = '';
  return {
    url: bare,
    authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`,
  };
}

/** A bound in ms as the printed lines say it: whole seconds as `9 s`, anything else as `250 ms`. */
function seconds(ms: number): string {
  return ms % 1_000 === 0 ? `${ms / 1_000} s` : `${ms} ms`;
}

function parseUrl(value: string | undefined, flag: string): URL {
  let url: URL | undefined;
  try {
    url = value === undefined ? undefined : new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`${flag} expects an http:// or https:// URL`);
  }
  return url;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The provider of a request the sandbox delivered, or the status refusing one it did not: 403 for a `Host`
 * other than the listener's own (a DNS-rebinding page names its own) or any `Origin` / `Sec-Fetch-Site`
 * (a browser's marks; the sandbox's requests carry none), 404 for any method or path but a POST to a path it
 * registered. Compared in constant time: the path holds the per-run secret.
 */
function deliveryProvider(
  request: IncomingMessage,
  host: string,
  registered: ReadonlyMap<string, string>,
): string | number {
  const { headers } = request;
  if (host === '' || headers.host?.toLowerCase() !== host) return 403;
  if (headers.origin !== undefined || headers['sec-fetch-site'] !== undefined) return 403;
  if (request.method !== 'POST') return 404;
  const asked = digest(request.url ?? '');
  let found: string | undefined;
  for (const [path, provider] of registered) {
    if (timingSafeEqual(asked, digest(path))) found = provider;
  }
  return found ?? 404;
}

// The app did not answer: unreachable, or not within listenTiming.appMs (`timedOut`); the delivery's event
// name still labels the printed line.
class Unanswered extends Error {
  constructor(
    readonly event: string,
    readonly timedOut: boolean,
  ) {
    super('the app did not answer');
  }
}

// A delivery's body passed maxDeliveryBytes.
class TooLarge extends Error {}

// Reads a delivery's body up to maxDeliveryBytes; past it, drops what it held, keeps none of the rest and
// rejects with TooLarge at once (the request is left open, so the 413 can still be sent).
function readDelivery(request: IncomingMessage): Promise<Buffer<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxDeliveryBytes) {
        request.off('data', onData);
        chunks.length = 0;
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
    // A connection closed before the body ended (the listener stopping closes them all): settled, so the stop
    // that waits for every relay does not wait for this one.
    request.once('close', () => {
      if (!request.complete) reject(new Error('the delivery ended before its body'));
    });
  });
}

async function relay(
  request: IncomingMessage,
  forwardTo: URL,
  authorization: string | undefined,
  stopping: AbortSignal,
): Promise<{ status: number; event: string }> {
  const body = await readDelivery(request);
  const event = eventName(body, request.headers['content-type']);
  // And any header the Connection header names as the connection's own.
  const named = new Set(
    (request.headers.connection ?? '')
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter((token) => token !== ''),
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string' && !hopHeaders.has(name) && !named.has(name)) headers[name] = value;
  }
  // As Go's client (the Stripe CLI's) does: the URL's credentials, unless the delivery carries its own
  // Authorization, which no vendor the sandbox speaks sends.
  if (authorization !== undefined && headers.authorization === undefined)
    headers.authorization = authorization;
  const answerTime = AbortSignal.timeout(listenTiming.appMs);
  const signal = AbortSignal.any([answerTime, stopping]);
  let answer: Response | undefined;
  // An app's server closes a kept-alive connection once it has been idle a while (Node's after 5 s), and
  // fetch may be sending on it at that moment: the delivery fails as the app drops it. It is sent once more,
  // on a new connection and within the same answer time. A vendor delivers a webhook at least once, so an
  // app that did take the first copy drops the second by its id, as it would a vendor's retry.
  for (let attempt = 1; answer === undefined; attempt += 1) {
    try {
      answer = await fetch(forwardTo, { method: 'POST', headers, body, redirect: 'manual', signal });
    } catch {
      if (attempt === 2 || signal.aborted)
        throw new Unanswered(event, answerTime.aborted && !stopping.aborted);
    }
  }
  // Only the status goes back to the sandbox: the body is not read at all (an app answering with a
  // gigabyte must not have it held here), and cancelling it frees the connection.
  await answer.body?.cancel().catch(() => undefined);
  return { status: answer.status, event };
}

// The vendor's name for a delivery, for the printed line: Millicast `type.event`, videosdk `webhookType`,
// Wowza `event` / `event_type`, LiveAPI `event`; an image (Wowza Real-Time's thumbnail) is `thumbnail`; any
// other body, or a name that is empty, `delivery`. Cut to `maxEventNameLength` characters: the name is the
// sender's, and a line of 100 kB helps nobody.
function eventName(body: Buffer, contentType: string | undefined): string {
  let name: string | undefined;
  try {
    const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
    name =
      text(json.type) && text(json.event)
        ? `${json.type}.${json.event}`
        : (text(json.webhookType) ?? text(json.event_type) ?? text(json.event));
  } catch {
    if (/^\s*image\//i.test(contentType ?? '')) return 'thumbnail';
  }
  if (name === undefined) return 'delivery';
  return name.length > maxEventNameLength ? `${name.slice(0, maxEventNameLength)}…` : name;
}

const maxEventNameLength = 100;
