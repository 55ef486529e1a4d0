import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeUnprintable, onceListenerOptions } from '@unilive/core';
import { type CommandSpec, listFlag, stringFlag, UsageError } from '../context.js';
import { webhookUrlText } from '../text.js';

const providers = ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk'];
// Headers a relay must not copy: they describe the hop, not the delivery.
const hopHeaders = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/**
 * `unilive listen --forward-to URL`: registers itself with a running sandbox as the webhook endpoint of each
 * provider and relays every delivery, body and signature headers untouched, to a local app, printing one
 * line per delivery; on Ctrl-C it removes its registrations.
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
    "and the app's status goes back to the sandbox. Example:\n" +
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
    const server = createServer((request, response) => {
      void relay(request, forwardTo).then(
        ({ status, event, provider }) => {
          // One line each: a line feed in what the request said reads as an escape.
          output.out(
            `${escapeUnprintable(provider)} ${escapeUnprintable(event)} → ${webhookUrlText(forwardTo.href)} ${status}`,
          );
          response.statusCode = status;
          response.end();
        },
        () => {
          output.out(
            `${escapeUnprintable(providerOf(request))} delivery → ${webhookUrlText(forwardTo.href)} unreachable`,
          );
          response.statusCode = 502;
          response.end();
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const relayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const control = new URL('_sandbox/webhooks', `${sandbox.href.replace(/\/+$/, '')}/`).href;
    const registered: string[] = [];
    try {
      for (const provider of chosen.length > 0 ? chosen : providers) {
        const answer = await fetch(control, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ provider, url: `${relayUrl}/${provider}` }),
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
    return 0;
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

// The provider the sandbox named in the path it posts to. Anything on this machine can post here, so a
// path that does not decode is shown as it came rather than thrown out of the request handler, which would
// end the process.
function providerOf(request: IncomingMessage): string {
  const segment = (request.url ?? '/').split('/')[1] ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function relay(
  request: IncomingMessage,
  forwardTo: URL,
): Promise<{ status: number; event: string; provider: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string' && !hopHeaders.has(name)) headers[name] = value;
  }
  const answer = await fetch(forwardTo, { method: 'POST', headers, body, redirect: 'manual' });
  await answer.arrayBuffer().catch(() => undefined);
  return { status: answer.status, event: eventName(body), provider: providerOf(request) };
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
