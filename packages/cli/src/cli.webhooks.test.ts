import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { createLiveStreamClient } from '@unilive/core';
import { liveapi, parseWebhook } from '@unilive/liveapi';
import { defaultWebhookDeliveryTimeoutMs, type Sandbox, startSandbox } from '@unilive/sandbox';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './cli.js';
import { listenAppMs, listenTiming } from './commands/listen.js';
import type { Output } from './progress.js';

// `unilive sandbox --webhook` and `unilive listen --forward-to`, against real loopback servers.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function app() {
  const received: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      received.push({ url: request.url ?? '', headers: request.headers, body });
      response.statusCode = 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (text) => out.push(text), err: (text) => err.push(text), interactive: false };
  return { out, err, output };
}

/** A local HTTP server answering with `handler`, closed (its open connections too) after the test; its URL. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** `unilive listen ARGS` against the sandbox at `sandboxUrl`, once it says it is forwarding. */
async function forwarding(args: string[], sandboxUrl: string) {
  const { out, err, output } = capture();
  const controller = new AbortController();
  const listening = main(args, {
    output,
    signal: controller.signal,
    environment: { UNILIVE_SANDBOX_URL: sandboxUrl },
  });
  await expect.poll(() => out.find((line) => line.startsWith('Forwarding'))).toBeDefined();
  return { out, err, controller, listening };
}

async function sandbox(): Promise<Sandbox> {
  const started = await startSandbox({ media: false });
  cleanups.push(() => started.close());
  return started;
}

describe('unilive sandbox --webhook', () => {
  it('refuses a malformed value without repeating it', async () => {
    const { err, output } = capture();
    for (const value of [
      'liveapi',
      'nope=http://127.0.0.1:1/',
      'liveapi=ftp://x/',
      'liveapi=secret-ish-value',
    ]) {
      expect(await main(['sandbox', '--port', '0', '--webhook', value], { output })).toBe(2);
    }
    expect(err.join('\n')).not.toContain('secret-ish-value');
    expect(err[0]).toContain('--webhook expects <provider>=<url>');
  });

  it("delivers that provider's webhooks to the URL and prints each delivery", async () => {
    const target = await app();
    const { out, output } = capture();
    const controller = new AbortController();
    const running = main(
      ['sandbox', '--port', '0', '--rtmp-port', '0', '--webhook', `liveapi=${target.url}/hooks/path-secret`],
      { output, signal: controller.signal },
    );
    await expect
      .poll(() => out.find((line) => line.startsWith('unilive sandbox listening on')))
      .toBeDefined();
    const url = /on (http:\/\/\S+)$/.exec(out[0] ?? '')?.[1] ?? '';
    expect(out).toContain(`  webhooks of liveapi → ${target.url}/hooks/…`);
    expect(out.join('\n')).not.toContain('path-secret');
    const index = (await (await fetch(`${url}/_sandbox`)).json()) as {
      providers: { liveapi: { credentials: Record<string, string> } };
    };
    const client = createLiveStreamClient(
      liveapi({ baseUrl: `${url}/liveapi`, ...index.providers.liveapi.credentials }),
    );
    const stream = await client.create({ name: 'from the CLI sandbox' });
    await expect.poll(() => target.received.length).toBe(1);
    const [events] = await Promise.all(
      target.received.map((delivery) =>
        parseWebhook(
          { body: delivery.body, headers: delivery.headers, url: delivery.url },
          { unsigned: true, pathSecret: 'path-secret' },
        ),
      ),
    );
    expect(events?.map((event) => [event.type, event.streamId])).toEqual([
      ['live_stream.created', stream.id],
    ]);
    await expect
      .poll(() => out.find((line) => line.startsWith('webhook liveapi stream-created')))
      .toBe(`webhook liveapi stream-created → ${target.url}/hooks/… 204`);
    expect(out.join('\n')).not.toContain('path-secret');
    controller.abort();
    expect(await running).toBe(130);
  });
});

describe('unilive sandbox --max-pending', () => {
  it('bounds the deliveries waiting for a URL that does not answer, printing each one dropped', async () => {
    // A receiver paused in a debugger: it takes each request and answers none until released.
    const held: ServerResponse[] = [];
    const target = await serve((request, response) => {
      request.resume();
      held.push(response);
    });
    const { out, output } = capture();
    const controller = new AbortController();
    const running = main(
      [
        'sandbox',
        '--port',
        '0',
        '--rtmp-port',
        '0',
        '--max-pending',
        '2',
        '--webhook',
        `liveapi=${target}/hooks/path-secret`,
      ],
      { output, signal: controller.signal },
    );
    await expect
      .poll(() => out.find((line) => line.startsWith('unilive sandbox listening on')))
      .toBeDefined();
    const url = /on (http:\/\/\S+)$/.exec(out[0] ?? '')?.[1] ?? '';
    const index = (await (await fetch(`${url}/_sandbox`)).json()) as {
      providers: { liveapi: { credentials: Record<string, string> } };
    };
    const client = createLiveStreamClient(
      liveapi({ baseUrl: `${url}/liveapi`, ...index.providers.liveapi.credentials }),
    );
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) ids.push((await client.create({ name: `s${index}` })).id);
    await expect.poll(() => held.length).toBe(1);
    // One is being sent, two wait, and the two oldest of those that waited were dropped.
    const listed = (await (await fetch(`${url}/_sandbox/webhooks`)).json()) as {
      pending: unknown;
      deliveries: { streamId: string; error?: string; reason?: string }[];
    };
    expect(listed.pending).toEqual([{ url: `${target}/hooks/…`, waiting: 2 }]);
    expect(listed.deliveries.map(({ streamId, error, reason }) => ({ streamId, error, reason }))).toEqual([
      { streamId: ids[1], error: 'dropped', reason: 'backlog' },
      { streamId: ids[2], error: 'dropped', reason: 'backlog' },
    ]);
    expect(out.filter((line) => line.startsWith('webhook '))).toEqual([
      `webhook liveapi stream-created → ${target}/hooks/… dropped (backlog)`,
      `webhook liveapi stream-created → ${target}/hooks/… dropped (backlog)`,
    ]);
    controller.abort();
    expect(await running).toBe(130);
  });

  it('is shown in --help with its default', async () => {
    const { out, output } = capture();
    expect(await main(['sandbox', '--help'], { output })).toBe(0);
    // commander wraps the description to the terminal's width.
    expect(out.join('\n').replace(/\s+/g, ' ')).toContain(
      '--max-pending <n> deliveries that may wait for a webhook URL that does not answer; one more drops the oldest (default: 1000)',
    );
  });
});

describe('unilive listen --forward-to', () => {
  it('relays deliveries untouched to the local app, and removes its registrations when stopped', async () => {
    const box = await sandbox();
    const target = await app();
    const { out, controller, listening } = await forwarding(
      ['listen', '--forward-to', `${target.url}/webhooks`, '-p', 'wowza-realtime'],
      box.url,
    );
    expect(box.webhooks.endpoints().map((endpoint) => endpoint.provider)).toEqual(['wowza-realtime']);
    const client = createLiveStreamClient(
      (await import('@unilive/wowza-realtime')).wowzaRealtime(box.adapterSettings('wowza-realtime')),
    );
    const stream = await client.create({ name: 'listened' });
    box.setEncoder('wowza-realtime', stream.id, true);
    await box.webhooks.settled();
    expect(target.received).toHaveLength(1);
    const [delivery] = target.received;
    // The signature still verifies: body and headers reached the app as the sandbox signed them.
    const { parseWebhook: parseRealtime } = await import('@unilive/wowza-realtime');
    const events = await parseRealtime(
      { body: delivery?.body ?? '', headers: delivery?.headers ?? {} },
      { secret: box.webhooks.secret, resolveStreamId: () => stream.id },
    );
    expect(events.map((event) => event.type)).toEqual(['live_stream.connected']);
    expect(delivery?.url).toBe('/webhooks');
    expect(out).toContain(`wowza-realtime feeds.started → ${target.url}/… 204`);
    expect(box.webhooks.deliveries().map((record) => record.status)).toEqual([204]);
    controller.abort();
    // Interrupted, as the README's exit codes say for Ctrl-C.
    expect(await listening).toBe(130);
    expect(box.webhooks.endpoints()).toEqual([]);
  });

  it('relays only what the sandbox delivers: any other path, a foreign Host or any Origin is refused unforwarded and unprinted', async () => {
    // Anything on this machine, a web page's `fetch` included, can post to the port it listens on; the app's
    // URL carries its secret path segment, which only a sandbox delivery may be sent to.
    const box = await sandbox();
    const target = await app();
    const { out, output } = capture();
    const controller = new AbortController();
    // The URL it registers, as the sandbox is told it (its listings mask the last segment).
    const registrations: string[] = [];
    const realFetch = globalThis.fetch;
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      if (String(input).endsWith('/_sandbox/webhooks') && typeof init?.body === 'string') {
        registrations.push((JSON.parse(init.body) as { url: string }).url);
      }
      return realFetch(input, init);
    });
    cleanups.push(async () => spy.mockRestore());
    const listening = main(
      ['listen', '--forward-to', `${target.url}/webhooks/app-path-secret`, '-p', 'liveapi'],
      { output, signal: controller.signal, environment: { UNILIVE_SANDBOX_URL: box.url } },
    );
    await expect.poll(() => out.find((line) => line.startsWith('Forwarding'))).toBeDefined();
    const registered = new URL(registrations[0] ?? '');
    const port = Number(registered.port);
    // The per-run segment is the last one: the sandbox's listing masks it.
    const [, provider, secret = ''] = registered.pathname.split('/');
    expect(provider).toBe('liveapi');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await (await fetch(`${box.url}/_sandbox/webhooks`)).text()).not.toContain(secret);
    const post = (path: string, headers: Record<string, string>, method = 'POST') =>
      new Promise<number>((resolve, reject) => {
        const sent = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (answer) => {
          answer.resume();
          resolve(answer.statusCode ?? 0);
        });
        sent.on('error', reject);
        sent.end('{"event":"stream-connected","payload":{"live_stream_id":"forged"}}');
      });
    const host = `127.0.0.1:${port}`;
    const segment = fc.stringMatching(/^[A-Za-z0-9%._~-]{0,40}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // Any path but the registered one, with the sandbox's own headers.
          fc
            .array(segment, { minLength: 0, maxLength: 4 })
            .map((parts) => ({ path: `/${parts.join('/')}`, headers: { host } }))
            .filter(({ path }) => path !== registered.pathname),
          // The registered path, from a browser page (any Origin, or a cross-site fetch without one).
          fc
            .oneof(
              fc.webUrl().map((origin) => ({ origin })),
              fc.constantFrom(
                { origin: 'null' },
                { origin: `http://${host}` },
                { 'sec-fetch-site': 'cross-site' },
              ),
            )
            .map((extra) => ({
              path: registered.pathname,
              headers: { host, 'content-type': 'text/plain', ...extra },
            })),
          // The registered path under another name (DNS rebinding) or another loopback spelling.
          fc
            .oneof(fc.domain(), fc.constantFrom('localhost', '127.0.0.2', '[::1]', 'evil.example'))
            .map((name) => ({ path: registered.pathname, headers: { host: `${name}:${port}` } })),
        ),
        async ({ path, headers }) => {
          expect([403, 404]).toContain(await post(path, headers));
        },
      ),
      { numRuns: 60 },
    );
    expect(await post(registered.pathname, { host }, 'PUT')).toBe(404);
    expect(target.received).toEqual([]);
    expect(out.slice(1)).toEqual([]);
    // Still relaying what the sandbox sends.
    const client = createLiveStreamClient(liveapi(box.adapterSettings('liveapi')));
    await client.create({ name: 'after' });
    await box.webhooks.settled();
    expect(target.received.map((delivery) => delivery.url)).toEqual(['/webhooks/app-path-secret']);
    expect(out.slice(1)).toEqual([`liveapi stream-created → ${target.url}/webhooks/… 204`]);
    expect(out.join('\n')).not.toContain(secret);
    controller.abort();
    expect(await listening).toBe(130);
    expect(box.webhooks.endpoints()).toEqual([]);
  });

  it("reads a delivery's body up to the webhook handler's 10 MiB and answers 413 beyond it, unforwarded", async () => {
    const box = await sandbox();
    const target = await app();
    const { out, output } = capture();
    const controller = new AbortController();
    const registrations: string[] = [];
    const realFetch = globalThis.fetch;
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      if (String(input).endsWith('/_sandbox/webhooks') && typeof init?.body === 'string') {
        registrations.push((JSON.parse(init.body) as { url: string }).url);
      }
      return realFetch(input, init);
    });
    cleanups.push(async () => spy.mockRestore());
    const listening = main(['listen', '--forward-to', `${target.url}/hooks`, '-p', 'liveapi'], {
      output,
      signal: controller.signal,
      environment: { UNILIVE_SANDBOX_URL: box.url },
    });
    await expect.poll(() => out.find((line) => line.startsWith('Forwarding'))).toBeDefined();
    const registered = new URL(registrations[0] ?? '');
    // A delivery as the sandbox posts it, `size` bytes long, its length declared or sent chunked.
    const deliver = (size: number, declared: boolean) =>
      new Promise<number>((resolve, reject) => {
        const sent = httpRequest(
          {
            host: '127.0.0.1',
            port: Number(registered.port),
            path: registered.pathname,
            method: 'POST',
            headers: {
              host: registered.host,
              'content-type': 'application/json',
              ...(declared ? { 'content-length': String(size) } : {}),
            },
          },
          (answer) => {
            answer.resume();
            resolve(answer.statusCode ?? 0);
          },
        );
        // The listener may close the connection after its 413 while the rest is still being sent.
        sent.on('error', reject);
        const body = Buffer.alloc(size, 0x20);
        body.write('{"event":"big"}');
        for (let at = 0; at < size; at += 1_048_576) sent.write(body.subarray(at, at + 1_048_576));
        sent.end();
      });
    const limit = 10_485_760;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -2, max: 2 }), fc.boolean(), async (offset, declared) => {
        const before = target.received.length;
        const lines = out.length;
        const status = await deliver(limit + offset, declared);
        if (offset <= 0) {
          expect(status).toBe(204);
          expect(target.received.length).toBe(before + 1);
          expect(target.received.at(-1)?.body.length).toBe(limit + offset);
          expect(out.slice(lines)).toEqual([`liveapi big → ${target.url}/… 204`]);
        } else {
          expect(status).toBe(413);
          expect(target.received.length).toBe(before);
          expect(out.slice(lines)).toEqual([
            `liveapi delivery → ${target.url}/… 413 (body over ${limit} bytes, not forwarded)`,
          ]);
        }
      }),
      { numRuns: 8 },
    );
    controller.abort();
    expect(await listening).toBe(130);
  });

  it("passes back the app's status without reading its body, and names the event of a delivery the app did not take", async () => {
    const box = await sandbox();
    // An app that answers 202 and then streams a body without end.
    const closed: boolean[] = [];
    const endless = await serve((request, response) => {
      request.resume();
      response.writeHead(202, { 'content-type': 'application/octet-stream' });
      response.write(Buffer.alloc(64 * 1024));
      response.on('close', () => closed.push(true));
    });
    const { out, controller, listening } = await forwarding(
      ['listen', '--forward-to', `${endless}/hooks`, '-p', 'liveapi'],
      box.url,
    );
    const client = createLiveStreamClient(liveapi(box.adapterSettings('liveapi')));
    await client.create({ name: 'endless answer' });
    await box.webhooks.settled();
    expect(out.slice(1)).toEqual([`liveapi stream-created → ${endless}/… 202`]);
    expect(box.webhooks.deliveries().map((record) => record.status)).toEqual([202]);
    // The rest of the answer is refused: the app sees its connection end.
    await expect.poll(() => closed.length).toBe(1);
    controller.abort();
    expect(await listening).toBe(130);

    // A target that is down: the line still names the event.
    const down = await app();
    const downUrl = down.url;
    await cleanups.pop()?.();
    const again = capture();
    const stop = new AbortController();
    const relaying = main(['listen', '--forward-to', `${downUrl}/hooks`, '-p', 'liveapi'], {
      output: again.output,
      signal: stop.signal,
      environment: { UNILIVE_SANDBOX_URL: box.url },
    });
    await expect.poll(() => again.out.find((line) => line.startsWith('Forwarding'))).toBeDefined();
    await client.create({ name: 'nobody home' });
    await box.webhooks.settled();
    expect(again.out.slice(1)).toEqual([`liveapi stream-created → ${downUrl}/… unreachable`]);
    stop.abort();
    expect(await relaying).toBe(130);
  });

  it("sends a delivery once more when the app's connection fails before it answers, and says unreachable when that fails too", async () => {
    const box = await sandbox();
    // An app that drops the connection of the first `drops` deliveries it reads, unanswered (as a server
    // closing an idle kept-alive connection just as it is reused), and answers 204 after that.
    let drops = 1;
    const seen: string[] = [];
    const url = await serve((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      request.on('end', () => {
        seen.push(body);
        if (drops > 0) {
          drops -= 1;
          request.socket.destroy();
          return;
        }
        response.statusCode = 204;
        response.end();
      });
    });
    const { out, controller, listening } = await forwarding(
      ['listen', '--forward-to', `${url}/hooks`, '-p', 'liveapi'],
      box.url,
    );
    const client = createLiveStreamClient(liveapi(box.adapterSettings('liveapi')));
    await client.create({ name: 'dropped once' });
    await box.webhooks.settled();
    // The app read the same delivery twice and answered the second: the sandbox's delivery went through.
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(seen[0]);
    expect(out.slice(1)).toEqual([`liveapi stream-created → ${url}/… 204`]);
    expect(box.webhooks.deliveries().map((record) => record.status)).toEqual([204]);

    // Dropped on both tries: sent twice, no third time, and the sandbox gets 502.
    drops = 2;
    await client.create({ name: 'dropped twice' });
    await box.webhooks.settled();
    expect(seen).toHaveLength(4);
    expect(seen[3]).toBe(seen[2]);
    expect(out.slice(2)).toEqual([`liveapi stream-created → ${url}/… unreachable`]);
    expect(box.webhooks.deliveries().map((record) => record.status)).toEqual([204, 502]);
    controller.abort();
    expect(await listening).toBe(130);
  });

  // Ctrl-C while a registration was on its way ended with 2, "no sandbox took the webhook registration", and
  // left the registration the sandbox took: it kept delivering to a port nobody listened on.
  it('interrupted while it registers: ends with 130 and removes the registration in flight, answered or not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.boolean(), async (nth, answered) => {
        const fake = await heldSandbox(nth, answered);
        const { out, err, output } = capture();
        const controller = new AbortController();
        const listening = main(
          ['listen', '--forward-to', 'http://127.0.0.1:9/hooks', '--sandbox', fake.url],
          {
            output,
            signal: controller.signal,
            environment: {},
          },
        );
        // The nth registration has reached the sandbox, which holds its answer.
        await fake.held;
        controller.abort();
        fake.release();
        expect(await listening).toBe(130);
        expect(err.join('\n')).not.toContain('no sandbox took');
        expect(out).toEqual(['stopped before forwarding']);
        expect(fake.posts).toBe(nth);
        // Every registration the sandbox took is gone: by its id, or by the listener's origin.
        expect(fake.endpoints).toEqual([]);
        await fake.close();
      }),
      { numRuns: 8 },
    );
  });

  it('says so on stderr when the sandbox no longer holds its registration, and registers again', async () => {
    const timing = { ...listenTiming };
    listenTiming.checkEveryMs = 10;
    cleanups.push(async () => {
      Object.assign(listenTiming, timing);
    });
    const box = await sandbox();
    const target = await app();
    const { err, controller, listening } = await forwarding(
      ['listen', '--forward-to', `${target.url}/webhooks`, '-p', 'liveapi'],
      box.url,
    );
    const [first] = box.webhooks.endpoints();
    // What a restart does: the sandbox keeps no registration.
    box.webhooks.remove(first?.id ?? '');
    await expect.poll(() => box.webhooks.endpoints().length).toBe(1);
    expect(err).toContain(
      `unilive: the sandbox at ${new URL(box.url).origin} no longer holds the registration of liveapi (restarted?); registering again`,
    );
    const [again] = box.webhooks.endpoints();
    expect(again?.id).not.toBe(first?.id);
    expect(again?.url).toBe(first?.url);
    controller.abort();
    expect(await listening).toBe(130);
    expect(box.webhooks.endpoints()).toEqual([]);
  });

  it("after a restart, takes no other endpoint's registration for its own, nor removes it when stopped", async () => {
    const timing = { ...listenTiming };
    listenTiming.checkEveryMs = 10;
    cleanups.push(async () => {
      Object.assign(listenTiming, timing);
    });
    const first = await startSandbox({ media: false });
    const port = Number(new URL(first.url).port);
    const target = await app();
    const { err, controller, listening } = await forwarding(
      ['listen', '--forward-to', `${target.url}/webhooks`, '-p', 'liveapi'],
      first.url,
    );
    const [mine] = first.webhooks.endpoints();
    await first.close();
    // The restarted sandbox numbers its endpoints from the start again: its own endpoint takes the id the
    // listener had.
    const second = await startSandbox({ media: false, port });
    cleanups.push(() => second.close());
    const own = second.webhooks.register('liveapi', 'http://127.0.0.1:9/own');
    expect(own.id).toBe(mine?.id);
    await expect.poll(() => second.webhooks.endpoints().length).toBe(2);
    expect(err.join('\n')).toContain(
      'no longer holds the registration of liveapi (restarted?); registering again',
    );
    controller.abort();
    expect(await listening).toBe(130);
    expect(second.webhooks.endpoints()).toEqual([
      { id: own.id, provider: 'liveapi', url: 'http://127.0.0.1:9/…' },
    ]);
  });

  it('closes a connection that sends no complete headers in time, so half-open ones do not pile up', async () => {
    const timing = { ...listenTiming };
    Object.assign(listenTiming, { headersMs: 50, requestMs: 100, checkConnectionsMs: 10 });
    cleanups.push(async () => {
      Object.assign(listenTiming, timing);
    });
    const box = await sandbox();
    const { controller, listening } = await forwarding(
      ['listen', '--forward-to', 'http://127.0.0.1:9/hooks', '-p', 'liveapi'],
      box.url,
    );
    const port = Number(new URL(box.webhooks.endpoints()[0]?.url ?? '').port);
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    // Read, so that the end the listener sends is seen.
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
    });
    socket.write(`POST /liveapi/x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
    // Ended by the listener: nothing here closes it.
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    controller.abort();
    expect(await listening).toBe(130);
  });

  it('needs a running sandbox and a forward URL', async () => {
    const { err, output } = capture();
    expect(await main(['listen', '--forward-to', 'http://127.0.0.1:1/x'], { output, environment: {} })).toBe(
      2,
    );
    expect(
      await main(['listen'], { output, environment: { UNILIVE_SANDBOX_URL: 'http://127.0.0.1:9' } }),
    ).toBe(2);
    expect(
      await main(['listen', '--forward-to', 'http://127.0.0.1:1/x', '--sandbox', 'http://127.0.0.1:9'], {
        output,
        environment: {},
      }),
    ).toBe(2);
    expect(err.join('\n')).toContain('is `unilive sandbox` running?');
  });

  it('says which of the two is missing, and refuses a sandbox URL with credentials or a query and a forward URL on the sandbox itself', async () => {
    const run = async (args: string[], environment: Record<string, string> = {}) => {
      const { err, output } = capture();
      const code = await main(['listen', ...args], { output, environment });
      return { code, err: err.join('\n') };
    };
    const noSandbox = await run(['--forward-to', 'http://127.0.0.1:1/x']);
    expect(noSandbox).toEqual({
      code: 2,
      err: expect.stringContaining('no sandbox given: pass --sandbox URL or set UNILIVE_SANDBOX_URL'),
    });
    const noForward = await run([], { UNILIVE_SANDBOX_URL: 'http://127.0.0.1:9' });
    expect(noForward.code).toBe(2);
    expect(noForward.err).toContain('--forward-to URL is required');
    for (const given of ['http://user:SBPASS1234@127.0.0.1:9', 'http://127.0.0.1:9/?token=QQSECRET99']) {
      const refused = await run(['--forward-to', 'http://127.0.0.1:1/x', '--sandbox', given]);
      expect(refused.code).toBe(2);
      expect(refused.err).toContain('without a user name, password, query or fragment');
      expect(refused.err).not.toMatch(/SBPASS1234|QQSECRET99/);
    }
    const loop = await run([
      '--forward-to',
      'http://127.0.0.1:9/liveapi/live_streams',
      '--sandbox',
      'http://127.0.0.1:9',
    ]);
    expect(loop.code).toBe(2);
    expect(loop.err).toContain('--forward-to is the sandbox itself');
    // The sandbox answers to every loopback name on its port: each is the sandbox itself.
    for (const [forward, sandbox] of [
      ['http://localhost:9/liveapi/live_streams', 'http://127.0.0.1:9'],
      ['http://127.0.0.2:9/x', 'http://localhost:9'],
      ['http://[::1]:9/x', 'http://127.0.0.1:9'],
      ['http://127.1:9/x', 'http://[::1]:9/'],
    ]) {
      const other = await run(['--forward-to', forward as string, '--sandbox', sandbox as string]);
      expect({ forward, code: other.code }).toEqual({ forward, code: 2 });
      expect(other.err).toContain('--forward-to is the sandbox itself');
    }
    const password = await run([
      '--forward-to',
      'http://app:APPPASS123@127.0.0.1:1/x',
      '--sandbox',
      'http://127.0.0.1:9',
    ]);
    expect(password.err).toContain(
      '--forward-to holds a password, which other users of this machine can read',
    );
    expect(password.err).not.toContain('APPPASS123');
  });
});

/**
 * A stand-in for a sandbox's webhook control routes (`/_sandbox/webhooks`), which keeps the URLs the listener
 * registers whole (a real sandbox lists them masked): a test can post to the listener as a sender would.
 */
async function controlRoutes() {
  const endpoints: { id: string; provider: string; url: string }[] = [];
  let next = 1;
  const url = await serve((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      if (request.method === 'POST') {
        const { provider, url: given } = JSON.parse(Buffer.concat(chunks).toString()) as {
          provider: string;
          url: string;
        };
        const endpoint = { id: `wh_${next++}`, provider, url: given };
        endpoints.push(endpoint);
        response.statusCode = 201;
        response.end(JSON.stringify({ id: endpoint.id }));
      } else if (request.method === 'DELETE') {
        const id = decodeURIComponent(request.url?.split('/').pop() ?? '');
        endpoints.splice(endpoints.findIndex((endpoint) => endpoint.id === id) >>> 0, 1);
        response.statusCode = 204;
        response.end();
      } else {
        const masked = endpoints.map((endpoint) => ({
          ...endpoint,
          url: `${new URL(endpoint.url).origin}/${endpoint.provider}/…`,
        }));
        response.end(JSON.stringify({ endpoints: masked }));
      }
    });
  });
  return { url, endpoints };
}

/** Sends `head` and `body` as one raw HTTP/1.1 request (headers no fetch would send), and its status. */
function rawPost(target: string, head: string[], body: string): Promise<number> {
  const { hostname, port, pathname } = new URL(target);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        [
          `POST ${pathname} HTTP/1.1`,
          `Host: ${hostname}:${port}`,
          `Content-Length: ${Buffer.byteLength(body)}`,
          ...head,
          '',
          body,
        ].join('\r\n'),
      );
    });
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
      const status = /^HTTP\/1\.1 (\d{3})(?! Continue)/m.exec(answer);
      if (status) {
        resolve(Number(status[1]));
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}

describe('unilive listen: what a sender sends', () => {
  it("relays a delivery without the connection's own headers (Expect, Upgrade, what Connection names), and names it by its event", async () => {
    const control = await controlRoutes();
    const target = await app();
    const { out, controller, listening } = await forwarding(
      ['listen', '--forward-to', `${target.url}/webhooks`, '-p', 'liveapi'],
      control.url,
    );
    const registered = control.endpoints[0]?.url ?? '';
    const cases: { head: string[]; body: string; printed: string }[] = [
      {
        head: [
          'Content-Type: application/json',
          'Expect: 100-continue',
          'Upgrade: websocket',
          'Connection: X-Drop',
          'X-Drop: 1',
          'X-Keep: yes',
        ],
        body: '{"event":"stream-connected"}',
        printed: 'liveapi stream-connected',
      },
      { head: ['Content-Type: application/json'], body: '{"event":""}', printed: 'liveapi delivery' },
      { head: ['Content-Type: text/plain'], body: 'not json', printed: 'liveapi delivery' },
      { head: ['Content-Type: image/jpeg'], body: 'jpeg bytes', printed: 'liveapi thumbnail' },
      {
        head: ['Content-Type: application/json'],
        body: JSON.stringify({ event: 'e'.repeat(5_000) }),
        printed: `liveapi ${'e'.repeat(100)}…`,
      },
    ];
    for (const [index, { head, body, printed }] of cases.entries()) {
      expect(await rawPost(registered, head, body)).toBe(204);
      await expect.poll(() => target.received.length).toBe(index + 1);
      expect(out.some((line) => line.startsWith(`${printed} → `))).toBe(true);
    }
    const [first] = target.received;
    expect(first?.headers['x-keep']).toBe('yes');
    expect(first?.headers.expect).toBeUndefined();
    expect(first?.headers.upgrade).toBeUndefined();
    expect(first?.headers['x-drop']).toBeUndefined();
    expect(first?.body).toBe('{"event":"stream-connected"}');
    controller.abort();
    expect(await listening).toBe(130);
    expect(control.endpoints).toEqual([]);
  });

  it('gives up on a sandbox that holds its registration unanswered: TimeoutError, exit 1, not "no sandbox"', async () => {
    timing({ sandboxMs: 200 });
    const held = await serve((request) => {
      request.resume();
    });
    const { err, output } = capture();
    expect(
      await main(['listen', '--forward-to', 'http://127.0.0.1:1/x', '-p', 'liveapi'], {
        output,
        environment: { UNILIVE_SANDBOX_URL: held },
      }),
    ).toBe(1);
    expect(err.join('\n')).toContain(
      `the sandbox at ${held} did not answer the webhook registration within 0.2 s: is it busy?`,
    );
  });
});

/** Sets `listenTiming` fields for one test; the defaults come back after it. */
function timing(changed: Partial<typeof listenTiming>) {
  const saved = { ...listenTiming };
  Object.assign(listenTiming, changed);
  cleanups.push(async () => {
    Object.assign(listenTiming, saved);
  });
}

/**
 * An app that takes its first request and never answers it (stopped at a breakpoint), and answers every
 * later one 204 at once. `ended` counts the unanswered requests whose connection was closed.
 */
async function hangingApp() {
  let requests = 0;
  let ended = 0;
  const url = await serve((request, response) => {
    requests += 1;
    request.resume();
    if (requests === 1) {
      response.on('close', () => {
        ended += 1;
      });
      return;
    }
    request.on('end', () => {
      response.statusCode = 204;
      response.end();
    });
  });
  return {
    url,
    get requests() {
      return requests;
    },
    get ended() {
      return ended;
    },
  };
}

describe('unilive listen: an app that does not answer', () => {
  // The sandbox holds the deliveries behind one that is not answered (its per-URL order) and gives up after
  // 10 s; the listener printed nothing for it, ever.
  it('prints one line when its own bound passes, ends the request and answers the sandbox 504, which sends the next', async () => {
    // The bound running out is what is tested: it is set short here, and is 9 s by default (under the
    // sandbox's 10 s, so the listener is the one that gives up). 1 s, not less: the app that does answer
    // must always fit in it, however busy the machine.
    timing({ appMs: 1_000 });
    const box = await sandbox();
    const target = await hangingApp();
    const { out, err, controller, listening } = await forwarding(
      ['listen', '--forward-to', `${target.url}/hooks`, '-p', 'liveapi'],
      box.url,
    );
    const client = createLiveStreamClient(liveapi(box.adapterSettings('liveapi')));
    await client.create({ name: 'first, never answered' });
    await client.create({ name: 'second, answered' });
    await box.webhooks.settled();
    expect(out.slice(1)).toEqual([
      `liveapi stream-created → ${target.url}/… no answer within 1 s`,
      `liveapi stream-created → ${target.url}/… 204`,
    ]);
    expect(box.webhooks.deliveries().map((record) => record.status ?? record.error)).toEqual([504, 204]);
    // The app's request is not left open behind the line.
    await expect.poll(() => target.ended).toBe(1);
    controller.abort();
    expect(await listening).toBe(130);
    expect(out.at(-1)).toBe('stopped forwarding');
    expect(err).toEqual([]);
  });

  it('stopped with deliveries waiting behind one the app has not answered: those are dropped as removed, never sent to the stopping listener', async () => {
    timing({ appMs: 30_000 });
    const box = await sandbox();
    const target = await hangingApp();
    const { out, err, controller, listening } = await forwarding(
      ['listen', '--forward-to', `${target.url}/hooks`, '-p', 'liveapi'],
      box.url,
    );
    const client = createLiveStreamClient(liveapi(box.adapterSettings('liveapi')));
    for (const name of ['first', 'second', 'third']) await client.create({ name });
    await expect.poll(() => target.requests).toBe(1);
    controller.abort();
    expect(await listening).toBe(130);
    await box.webhooks.settled();
    // The two waiting behind the one being sent are dropped when the registration goes; that one is then
    // answered as usual (502: interrupted).
    expect(box.webhooks.deliveries().map((record) => [record.status ?? record.error, record.reason])).toEqual(
      [
        ['dropped', 'removed'],
        ['dropped', 'removed'],
        [502, undefined],
      ],
    );
    expect(target.requests).toBe(1);
    expect(out.slice(1)).toEqual([
      `liveapi stream-created → ${target.url}/… interrupted before the app answered`,
      'stopped forwarding',
    ]);
    expect(err).toEqual([]);
  });

  it('stopped while the app has not answered: that delivery gets its line before the last one, and the request ends', async () => {
    // Not a bound running out: the shared 30 s limit.
    timing({ appMs: 30_000 });
    const box = await sandbox();
    const target = await hangingApp();
    const { out, err, controller, listening } = await forwarding(
      ['listen', '--forward-to', `${target.url}/hooks`, '-p', 'liveapi'],
      box.url,
    );
    const client = createLiveStreamClient(liveapi(box.adapterSettings('liveapi')));
    await client.create({ name: 'never answered' });
    await expect.poll(() => target.requests).toBe(1);
    controller.abort();
    expect(await listening).toBe(130);
    expect(out.slice(1)).toEqual([
      `liveapi stream-created → ${target.url}/… interrupted before the app answered`,
      'stopped forwarding',
    ]);
    expect(err).toEqual([]);
    await expect.poll(() => target.ended).toBe(1);
  });

  it("gives up a second before the sandbox's own delivery timeout, the figure it is derived from", () => {
    // The sandbox's bound is what the listener must stay under: the listener, not the sandbox, gives up
    // first, so every delivery gets its line.
    expect(defaultWebhookDeliveryTimeoutMs).toBe(10_000);
    expect(listenAppMs).toBe(defaultWebhookDeliveryTimeoutMs - 1_000);
  });

  it('is described in --help with its bound', async () => {
    const { out, output } = capture();
    expect(await main(['listen', '--help'], { output, environment: {} })).toBe(0);
    expect(out.join('\n').replace(/\s+/g, ' ')).toContain(
      'An app that has not answered within 9 s (the sandbox waits 10 s) reads "no answer within 9 s", and the sandbox gets 504.',
    );
  });
});

describe('unilive listen --forward-to with a user name or password', () => {
  // fetch refuses a URL that carries credentials: every delivery read `unreachable` and the app got nothing.
  it('sends them as Authorization: Basic to the URL without them, and never prints them', async () => {
    timing({ appMs: 30_000 });
    const box = await sandbox();
    const target = await app();
    const client = createLiveStreamClient(liveapi(box.adapterSettings('liveapi')));
    const user = fc.string({ unit: 'binary', maxLength: 12 }).filter((text) => !text.includes(':'));
    const password = fc.string({ unit: 'binary', maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(user, password, async (name, secret) => {
        // Typed as a browser writes it: each part percent-encoded where it must be.
        const forward = new URL(`${target.url}/hooks/app-path-secret`);
        forward.username = encodeURIComponent(name);
        forward.password = encodeURIComponent(secret);
        const credentials = name !== '' || secret !== '';
        const before = target.received.length;
        const { out, err, controller, listening } = await forwarding(
          ['listen', '--forward-to', forward.href, '-p', 'liveapi'],
          box.url,
        );
        await client.create({ name: 'behind basic auth' });
        await box.webhooks.settled();
        controller.abort();
        expect(await listening).toBe(130);
        const received = target.received.slice(before);
        expect(received.map((request) => [request.url, request.headers.authorization])).toEqual([
          [
            '/hooks/app-path-secret',
            credentials ? `Basic ${Buffer.from(`${name}:${secret}`, 'utf8').toString('base64')}` : undefined,
          ],
        ]);
        // Every line, exactly: none holds the user name or password, raw, encoded or as the header's base64.
        expect(out).toEqual([
          `Forwarding liveapi webhooks of ${box.url} to ${target.url}/hooks/…${credentials ? " with the URL's user name and password (HTTP Basic)" : ''} (Ctrl-C to stop)`,
          `liveapi stream-created → ${target.url}/hooks/… 204`,
          'stopped forwarding',
        ]);
        // A password on the command line is readable in the process list: said, never shown.
        expect(err).toEqual(
          secret === ''
            ? []
            : [
                'unilive: warning: --forward-to holds a password, which other users of this machine can read in the process list while unilive listens; prefer an app URL without one',
              ],
        );
      }),
      {
        numRuns: 15,
        examples: [
          ['hookuser', 'hookpass'],
          ['', ''],
          ['', 'only-a-password'],
          ['only-a-user', ''],
          ['ünïcødé 名前', 'p@ss/wörd:with:colons%41'],
        ],
      },
    );
    expect(box.webhooks.endpoints()).toEqual([]);
  });

  it('refuses, with exit 2 before any request and without repeating them, ones Basic cannot carry', async () => {
    const refusals = fc.oneof(
      // A user name holding a colon: Basic ends the user name at the first one.
      fc
        .tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }))
        .map(([head, tail, secret]) => ({
          userinfo: `${encodeURIComponent(`${head}:${tail}`)}:${encodeURIComponent(secret)}`,
          message:
            'unilive: --forward-to: a user name holding a colon cannot be sent with HTTP Basic (the colon ends it)',
        })),
      // Not percent-encoded UTF-8: a stray `%`, or bytes that decode to no text.
      fc
        .tuple(
          fc.constantFrom('%zz', '%', '%ED%A0%80', '%C3', '%FF'),
          fc.boolean(),
          fc.string({ maxLength: 8 }),
        )
        .map(([broken, inPassword, other]) => ({
          userinfo: inPassword
            ? `${encodeURIComponent(other)}:${broken}`
            : `${broken}:${encodeURIComponent(other)}`,
          message: 'unilive: --forward-to: the user name or password in the URL is not percent-encoded UTF-8',
        })),
    );
    const asked = vi.spyOn(globalThis, 'fetch');
    cleanups.push(async () => asked.mockRestore());
    await fc.assert(
      fc.asyncProperty(refusals, async ({ userinfo, message }) => {
        const { out, err, output } = capture();
        expect(
          await main(['listen', '--forward-to', `http://${userinfo}@127.0.0.1:1/hooks`], {
            output,
            environment: { UNILIVE_SANDBOX_URL: 'http://127.0.0.1:9' },
          }),
        ).toBe(2);
        expect(err).toEqual([message]);
        expect(out).toEqual([]);
      }),
      {
        examples: [
          [
            {
              userinfo: 'a%3Ab:pw',
              message:
                'unilive: --forward-to: a user name holding a colon cannot be sent with HTTP Basic (the colon ends it)',
            },
          ],
          [
            {
              userinfo: 'user:%ED%A0%80',
              message:
                'unilive: --forward-to: the user name or password in the URL is not percent-encoded UTF-8',
            },
          ],
        ],
      },
    );
    // Refused before the sandbox is asked anything.
    expect(asked).not.toHaveBeenCalled();
  });
});

/**
 * A sandbox that holds the answer to its `nth` registration until released, then answers it (201) or drops
 * the connection without an answer; either way it has taken the registration. Lists its registrations with
 * the URL masked as the sandbox masks it, and removes them on DELETE.
 */
async function heldSandbox(nth: number, answered: boolean) {
  const endpoints: { id: string; url: string }[] = [];
  let posts = 0;
  let release = () => {};
  let held = () => {};
  const heldPromise = new Promise<void>((resolve) => {
    held = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', async () => {
      if (request.method === 'GET') {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ endpoints }));
        return;
      }
      if (request.method === 'DELETE') {
        const id = decodeURIComponent(request.url?.split('/').at(-1) ?? '');
        const index = endpoints.findIndex((endpoint) => endpoint.id === id);
        if (index >= 0) endpoints.splice(index, 1);
        response.statusCode = index >= 0 ? 204 : 404;
        response.end();
        return;
      }
      posts += 1;
      const { provider, url } = JSON.parse(body) as { provider: string; url: string };
      const id = `id-${posts}`;
      endpoints.push({ id, url: `${new URL(url).origin}/${provider}/…` });
      if (posts === nth) {
        held();
        await released;
        if (!answered) {
          response.socket?.destroy();
          return;
        }
      }
      response.statusCode = 201;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ id, provider, url: `${new URL(url).origin}/${provider}/…` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    endpoints,
    held: heldPromise,
    release: () => release(),
    get posts() {
      return posts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
