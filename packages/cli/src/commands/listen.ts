import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeUnprintable, onceListenerOptions } from '@unilive/core';
import { type CommandSpec, listFlag, stringFlag, UsageError } from '../context.js';
import { webhookUrlText } from '../text.js';

const providers = ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk'];

/**
 * The most of a delivery's body the listener reads, in bytes: 10 MiB, the default `maxBodyBytes` of
 * `createWebhookHandler`, so the app behind it would have refused anything larger too. A larger body (a
 * declared `Content-Length` at once, else as soon as the bytes read pass it) is answered 413, never
 * forwarded, and no more of it is held.
 */
export const maxDeliveryBytes = 10_485_760;
// Headers a relay must not copy: they describe the hop, not the delivery.
const hopHeaders = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/**
 * `unilive listen --forward-to URL`: registers itself with a running sandbox as the webhook endpoint of each
 * provider and relays every delivery, body and signature headers untouched, to a local app, printing one
 * line per delivery; on Ctrl-C it removes its registrations and ends with 130 (interrupted).
 *
 * What it relays is only what the sandbox delivers: a POST to one of the paths it registered, each
 * `/<provider>/<per-run secret>` (24 random base64url characters, never printed: the sandbox's listing masks
 * the last segment), with the `Host` the sandbox sends (`127.0.0.1:<port>`) and no `Origin` or `Sec-Fetch-*`
 * header (a browser sends those; the sandbox never does). Anything else is answered 403 or 404, is not
 * printed and never reaches the app, whose URL may carry its own secret path segment. Only the app's status
 * goes back: none of its answer's body is read.
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
    "webhook handler's default maxBodyBytes) is answered 413 and not forwarded. Ctrl-C ends it with 130.\n" +
    'Example:\n' +
    '  unilive sandbox &\n  unilive listen --sandbox http://127.0.0.1:4010 --forward-to http://localhost:3000/webhooks',
  async run({ flags, context }) {
    const { output, signal } = context;
    const forwardTo = parseUrl(stringFlag(flags, 'forwardTo'), '--forward-to');
    const sandbox = parseUrl(
      stringFlag(flags, 'sandbox') ?? context.environment.UNILIVE_SANDBOX_URL,
      '--sandbox',
    );
    const chosen = listFlag(flags, 'provider');
    for (const provider of chosen) {
      if (!providers.includes(provider))
        throw new UsageError(`--provider expects one of ${providers.join(', ')}`);
    }
    // The per-run path segment the sandbox is told to post to: a page or process that cannot read the
    // sandbox's registrations cannot guess it, so it cannot have the app's secret URL post its events.
    const secret = randomBytes(18).toString('base64url');
    const registeredPaths = new Map<string, string>();
    let host = '';
    const server = createServer((request, response) => {
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
      void relay(request, forwardTo).then(
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
          output.out(
            `${escapeUnprintable(provider)} ${escapeUnprintable(failure instanceof Unreachable ? failure.event : 'delivery')} → ${webhookUrlText(forwardTo.href)} unreachable`,
          );
          response.statusCode = 502;
          response.end();
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const relayUrl = `http://${host}`;
    const control = new URL('_sandbox/webhooks', `${sandbox.href.replace(/\/+$/, '')}/`).href;
    const registered: string[] = [];
    try {
      for (const provider of chosen.length > 0 ? chosen : providers) {
        const path = `/${provider}/${secret}`;
        registeredPaths.set(path, provider);
        const answer = await fetch(control, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ provider, url: `${relayUrl}${path}` }),
          ...(signal ? { signal } : {}),
        }).catch(() => undefined);
        if (answer?.status !== 201) {
          throw new UsageError(
            `no sandbox took the webhook registration at ${sandbox.origin}: is \`unilive sandbox\` running?`,
          );
        }
        registered.push(((await (answer as Response).json()) as { id: string }).id);
      }
      output.out(
        `Forwarding ${chosen.length > 0 ? chosen.join(', ') : 'all'} webhooks of ${sandbox.origin} to ${webhookUrlText(forwardTo.href)} (Ctrl-C to stop)`,
      );
      await new Promise<void>((resolve) => {
        if (signal?.aborted) resolve();
        signal?.addEventListener('abort', () => resolve(), onceListenerOptions);
      });
    } finally {
      for (const id of registered) {
        await fetch(`${control}/${encodeURIComponent(id)}`, { method: 'DELETE' }).catch(() => undefined);
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    output.out('stopped forwarding');
    // It runs until interrupted, so ending is always an interrupt: 130, as for any command Ctrl-C stops.
    return 130;
  },
};

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

// The app did not answer; the delivery's event name still labels the printed line.
class Unreachable extends Error {
  constructor(readonly event: string) {
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
  });
}

async function relay(request: IncomingMessage, forwardTo: URL): Promise<{ status: number; event: string }> {
  const body = await readDelivery(request);
  const event = eventName(body);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string' && !hopHeaders.has(name)) headers[name] = value;
  }
  let answer: Response;
  try {
    answer = await fetch(forwardTo, { method: 'POST', headers, body, redirect: 'manual' });
  } catch {
    throw new Unreachable(event);
  }
  // Only the status goes back to the sandbox: the body is not read at all (an app answering with a
  // gigabyte must not have it held here), and cancelling it frees the connection.
  await answer.body?.cancel().catch(() => undefined);
  return { status: answer.status, event };
}

// The vendor's name for a delivery, for the printed line: Millicast `type.event`, videosdk `webhookType`,
// Wowza `event` / `event_type`, LiveAPI `event`; a thumbnail (JPEG) is `thumbnail`.
function eventName(body: Buffer): string {
  try {
    const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    if (text(json.type) && text(json.event)) return `${json.type}.${json.event}`;
    return text(json.webhookType) ?? text(json.event_type) ?? text(json.event) ?? 'delivery';
  } catch {
    return 'thumbnail';
  }
}
