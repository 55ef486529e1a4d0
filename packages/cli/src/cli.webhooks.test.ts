import { createServer, type IncomingHttpHeaders } from 'node:http';
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
