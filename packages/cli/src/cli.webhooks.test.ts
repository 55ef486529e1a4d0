import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLiveStreamClient } from '@unilive/core';
import { liveapi, parseWebhook } from '@unilive/liveapi';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from './cli.js';
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
    expect(await running).toBe(0);
  });
});

describe('unilive sandbox --max-pending', () => {
  it('bounds the deliveries waiting for a URL that does not answer, printing each one dropped', async () => {
    // A receiver paused in a debugger: it takes each request and answers none until released.
    const held: ServerResponse[] = [];
    const server = createServer((request, response) => {
      request.resume();
      held.push(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
    expect(await running).toBe(0);
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
    const { out, output } = capture();
    const controller = new AbortController();
    const listening = main(['listen', '--forward-to', `${target.url}/webhooks`, '-p', 'wowza-realtime'], {
      output,
      signal: controller.signal,
      environment: { UNILIVE_SANDBOX_URL: box.url },
    });
    await expect.poll(() => out.find((line) => line.startsWith('Forwarding'))).toBeDefined();
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
    expect(await listening).toBe(0);
    expect(box.webhooks.endpoints()).toEqual([]);
  });

  it('a request no sandbox sent (a bad percent-encoding, a line feed in its event) keeps it running, one line each', async () => {
    // Anything on this machine, a web page's `fetch` included, can post to the port it listens on.
    const box = await sandbox();
    const target = await app();
    const { out, output } = capture();
    const controller = new AbortController();
    const listening = main(['listen', '--forward-to', `${target.url}/webhooks`, '-p', 'liveapi'], {
      output,
      signal: controller.signal,
      environment: { UNILIVE_SANDBOX_URL: box.url },
    });
    await expect.poll(() => out.find((line) => line.startsWith('Forwarding'))).toBeDefined();
    const origin = new URL(box.webhooks.endpoints()[0]?.url ?? '').origin;
    const post = (path: string, body: string) =>
      fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    expect((await post('/%E0%A4%A', '{"event":"x"}')).status).toBe(204);
    expect(
      (await post('/liveapi%0Aforged', '{"event":"a\\nliveapi stream-created → elsewhere 200"}')).status,
    ).toBe(204);
    // Still relaying what the sandbox sends.
    const client = createLiveStreamClient(liveapi(box.adapterSettings('liveapi')));
    await client.create({ name: 'after' });
    await box.webhooks.settled();
    expect(target.received).toHaveLength(3);
    expect(out.slice(1)).toEqual([
      `%E0%A4%A x → ${target.url}/… 204`,
      `liveapi\\x0aforged a\\x0aliveapi stream-created → elsewhere 200 → ${target.url}/… 204`,
      `liveapi stream-created → ${target.url}/… 204`,
    ]);
    controller.abort();
    expect(await listening).toBe(0);
    expect(box.webhooks.endpoints()).toEqual([]);
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
});
