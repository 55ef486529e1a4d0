import { InvalidInputError, onceListenerOptions, type ProviderId } from '@unilive/core';
import { startSandbox } from '@unilive/sandbox';
import { type CommandSpec, integerFlag, listFlag, nonEmptyFlag, UsageError } from '../context.js';
import { nearProviderHint } from '../providers.js';
import { webhookUrlText } from '../text.js';

const webhookProviders = ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk'];

/** `--webhook provider=url`, checked before the sandbox starts; the message never repeats the value. */
function webhookEndpoints(values: readonly string[]): { provider: ProviderId; url: string }[] {
  return values.map((value) => {
    const separator = value.indexOf('=');
    const provider = separator === -1 ? '' : value.slice(0, separator);
    const url = separator === -1 ? '' : value.slice(separator + 1);
    if (!webhookProviders.includes(provider)) {
      throw new UsageError(
        `--webhook expects <provider>=<url>, provider one of ${webhookProviders.join(', ')}${nearProviderHint(provider, webhookProviders)}`,
      );
    }
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new UsageError('--webhook expects <provider>=<url> with an http:// or https:// URL');
    }
    return { provider, url: parsed.href };
  });
}

/**
 * The sandbox's refusal to start, in the terms of the flag to change rather than the library's setting:
 * `--host` (only an address of this machine can be listened on, and how to be reached from elsewhere; a
 * wildcard only as `0.0.0.0` or `::`, never `0` or another spelling the resolver reads as one; a link-local
 * IPv6 address only with its zone),
 * `--port` or `--rtmp-port` with the port asked for (in use, or needing privileges), or `--persist`.
 */
function startRefused(
  error: unknown,
  ports: { port: number; rtmpPort: number },
  allowedHosts: readonly string[] = [],
): never {
  if (!InvalidInputError.isInstance(error)) throw error;
  const path = error.issues[0]?.path;
  const allowed = /^allowedHosts\.(\d+)$/.exec(path ?? '');
  if (allowed) {
    throw new UsageError(
      `--allowed-host ${JSON.stringify(allowedHosts[Number(allowed[1])] ?? '')} is no host name: give a name or address as it appears in the Host header (dev.example.test, 192.168.1.20, with an optional :port), not a URL, a wildcard or a name with a leading or trailing dot or a space`,
    );
  }
  if (path === 'host' && error.issues[0]?.message.includes('every address')) {
    throw new UsageError(
      '--host would listen on every address of this machine without saying so: write 0.0.0.0 (or ::) to mean that, or give an address of this machine (127.0.0.1, the default, keeps the sandbox to it)',
    );
  }
  if (path === 'host' && (error.cause as { code?: unknown } | undefined)?.code === 'EINVAL') {
    throw new UsageError(
      '--host cannot be listened on: a link-local IPv6 address needs its zone (fe80::1%eth0); give an address of this machine',
    );
  }
  if (path === 'host') {
    throw new UsageError(
      '--host is not an address of this machine: give one of its own (127.0.0.1, the default, keeps the sandbox to this machine; 0.0.0.0 listens on all of them)',
    );
  }
  if (path === 'port' || path === 'media.port') {
    const asked = path === 'port' ? `--port ${ports.port}` : `--rtmp-port ${ports.rtmpPort}`;
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    throw new UsageError(
      code === 'EACCES'
        ? `${asked}: listening on this port is not allowed here (ports below 1024 need privileges); choose another, or 0 for any free port`
        : code === 'EADDRINUSE'
          ? `${asked}: the port is already in use on this host; choose another, or 0 for any free port`
          : `${asked}: ${error.message}`,
    );
  }
  if (path === 'persistPath') {
    throw new UsageError(`--persist: ${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}`);
  }
  throw error;
}

/** `unilive sandbox`: runs the sandbox in the foreground until interrupted. */
export const sandbox: CommandSpec = {
  name: 'sandbox',
  summary: "run a local sandbox that speaks every vendor's API, until Ctrl-C",
  options: [
    { flags: '--port <port>', description: 'port to listen on; 0 picks a free one (default: 4010)' },
    { flags: '--host <host>', description: 'address to listen on (default: 127.0.0.1, this machine only)' },
    {
      flags: '--allowed-host <host>',
      description:
        'a host name to answer to, and whose pages may change the sandbox, besides loopback (repeatable)',
      repeatable: true,
    },
    { flags: '--persist <file>', description: 'keep the streams in this JSON file across restarts' },
    { flags: '--transition-ms <ms>', description: 'how long state changes take (default: 1500)' },
    { flags: '--rate-limit <n>', description: 'answer 429 beyond n requests a second' },
    {
      flags: '--documented-only',
      description: "leave out of answers what no vendor document shows (see the sandbox's README)",
    },
    {
      flags: '--rtmp-port <port>',
      description: 'port of the RTMP ingest encoders push to; 0 picks a free one (default: 1935)',
    },
    {
      flags: '--webhook <provider=url>',
      description: "send that provider's webhooks, signed the vendor's way, to url (repeatable)",
      repeatable: true,
    },
    {
      flags: '--max-pending <n>',
      description:
        'deliveries that may wait for a webhook URL that does not answer; one more drops the oldest (default: 1000)',
    },
  ],
  help:
    "Webhooks: each vendor's own envelope and signature, one attempt each, never retried. The Wowza\n" +
    'Real-Time signing secret and the videosdk public key are at GET /_sandbox/webhooks; endpoints can be\n' +
    'added there too (POST { provider, url }), or relayed to a local app with `unilive listen`.\n\n' +
    'Pages: a change (POST, PUT, PATCH, DELETE) from a browser page is taken only from a page served by this\n' +
    'machine (localhost, 127.0.0.1, ::1) or by a host named with --allowed-host; a name other than these in\n' +
    'the Host header is refused (DNS rebinding). With --host 0.0.0.0, name the machine whose app uses it.\n\n' +
    'Addresses: with --host 0.0.0.0 (or ::) it listens on every address, and the URLs it hands out (its\n' +
    'own, ingest, playback) name loopback, for this machine; for another machine, give --host the address\n' +
    'that machine reaches: the URLs name it, and clients under --sandbox take its plain http.\n\n' +
    'Ctrl-C (or SIGTERM, SIGHUP) stops it, and it exits with 130 (interrupted).',
  async run({ flags, context }) {
    const { output, signal } = context;
    const port = integerFlag(flags, 'port', '--port', { min: 0, max: 65_535 }) ?? 4010;
    const rtmpPort = integerFlag(flags, 'rtmpPort', '--rtmp-port', { min: 0, max: 65_535 }) ?? 1935;
    // Both are TCP on the same host: the ingest would take the port first, and the refusal would read as
    // another process holding it.
    if (port === rtmpPort && port !== 0) {
      throw new UsageError(
        `--port and --rtmp-port both name ${port}: the sandbox's HTTP server and its RTMP ingest need a port each; choose two, or 0 for any free port`,
      );
    }
    const transitionMs = integerFlag(flags, 'transitionMs', '--transition-ms', {
      min: 0,
      max: 3_600_000,
      unit: 'ms',
    });
    const rate = integerFlag(flags, 'rateLimit', '--rate-limit', { min: 1, max: 1_000_000 });
    const maxPending = integerFlag(flags, 'maxPending', '--max-pending', { min: 1 });
    const host = nonEmptyFlag(flags, 'host', '--host');
    const allowedHosts = listFlag(flags, 'allowedHost', '--allowed-host');
    // An empty path would otherwise read as "no --persist": the streams would be lost at the next start.
    const persistPath = nonEmptyFlag(flags, 'persist', '--persist');
    const endpoints = webhookEndpoints(listFlag(flags, 'webhook'));
    const running = await startSandbox({
      webhooks: {
        endpoints,
        ...(maxPending === undefined ? {} : { maxPending }),
        onDelivery: (delivery) =>
          output.out(
            `webhook ${delivery.provider} ${delivery.event} → ${webhookUrlText(delivery.url)} ${delivery.status ?? delivery.error}${delivery.reason ? ` (${delivery.reason})` : ''}`,
          ),
      },
      port,
      ...(host ? { host } : {}),
      ...(allowedHosts.length > 0 ? { allowedHosts } : {}),
      ...(persistPath === undefined ? {} : { persistPath }),
      ...(transitionMs === undefined ? {} : { transitionMs }),
      ...(rate ? { rateLimit: { requestsPerSecond: rate } } : {}),
      ...(flags.documentedOnly === true ? { documentedOnly: true } : {}),
      media: { port: rtmpPort },
      // Refused publishers, stalled encoders and packager failures, as they happen (never with a key).
      log: (entry) =>
        output.err(
          `[${entry.level}]${entry.provider ? ` ${entry.provider}${entry.streamId ? `/${entry.streamId}` : ''}` : ''} ${entry.message}`,
        ),
    }).catch((error: unknown) => startRefused(error, { port, rtmpPort }, allowedHosts));
    output.out(`unilive sandbox listening on ${running.url}`);
    output.out(`  RTMP ingest     ${running.ingestUrl}`);
    output.out(`  dashboard       ${running.url}/`);
    for (const provider of running.providers)
      output.out(`  ${provider.padEnd(15)} ${running.baseUrl(provider)}`);
    for (const endpoint of running.webhooks.endpoints())
      output.out(`  webhooks of ${endpoint.provider} → ${webhookUrlText(endpoint.url)}`);
    output.out(
      `\nUse it from another terminal:\n  export UNILIVE_SANDBOX_URL=${running.url}\n  unilive create --provider ${running.providers[0] ?? 'wowza-video'} --name "My stream"`,
    );
    // A wildcard is listened on but names no address to connect to: the URLs above name loopback, which
    // another machine cannot use, so it is told how to get URLs it can.
    if (running.host !== new URL(running.url).hostname.replace(/^\[(.*)\]$/, '$1')) {
      output.out(
        `\nListening on every address (${running.host}); the URLs above name this machine's loopback. For URLs another\nmachine can use (ingest and playback included), start it with --host <the address that machine reaches>.`,
      );
    }
    await new Promise<void>((resolve) => {
      if (signal?.aborted) resolve();
      signal?.addEventListener('abort', () => resolve(), onceListenerOptions);
    });
    await running.close();
    output.out('sandbox stopped');
    // It runs until interrupted, so ending is always an interrupt: 130, as for `listen` and any command
    // Ctrl-C stops (a script waiting on it tells a stop from a clean finish it never has).
    return 130;
  },
};
