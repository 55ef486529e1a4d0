import { createHmac, createVerify } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidInputError, maxTimeoutMs } from '@unilive/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../server.js';
import type { StreamChange } from '../types.js';
import { createWebhookDelivery } from './delivery.js';
import { createEnvelopeRenderer } from './envelopes.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(status = 200) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
      response.statusCode = status;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

async function sandbox(): Promise<Sandbox> {
  const started = await startSandbox({ transitionMs: 20 });
  cleanups.push(() => started.close());
  return started;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('sandbox webhook delivery', () => {
  it('signs Real-Time deliveries with HMAC-SHA1 under the base64-decoded secret, exactly over the bytes sent', async () => {
    const box = await sandbox();
    const target = await receiver();
    box.webhooks.register('wowza-realtime', `${target.url}/rt`);
    const token = box.credentials('wowza-realtime').token;
    const created = (await (
      await post(
        `${box.baseUrl('wowza-realtime')}/real_time`,
        { real_time_stream: { name: 'x' } },
        { authorization: `Bearer ${token}` },
      )
    ).json()) as { real_time_stream: { id: string; stream_name: string } };
    box.setEncoder('wowza-realtime', created.real_time_stream.id, true);
    await box.webhooks.settled();
    const [delivery] = target.received;
    const expected = createHmac('sha1', Buffer.from(box.webhooks.secret, 'base64'))
      .update(delivery?.body ?? '')
      .digest('hex');
    expect(delivery?.headers['x-millicast-signature']).toBe(`sha1=${expected}`);
    expect(delivery?.headers['content-type']).toBe('application/json');
    const payload = JSON.parse(String(delivery?.body));
    expect(payload).toMatchObject({
      type: 'feeds',
      event: 'started',
      data: { name: created.real_time_stream.stream_name, active: true },
    });
    expect(payload.data.streamId).toBe(`${payload.data.accountId}/${created.real_time_stream.stream_name}`);
  });

  it('serves the videosdk public key, and signs with its private key (RSA-SHA256)', async () => {
    const box = await sandbox();
    const answer = (await (await fetch(`${box.baseUrl('videosdk')}/v2/public/rsa-public-key`)).json()) as {
      publicKey: string;
    };
    expect(answer.publicKey).toContain('-----BEGIN PUBLIC KEY-----');
    const deliveries = createWebhookDelivery({ keyPair: await box.webhooks.keyPair() });
    const target = await receiver();
    deliveries.register('videosdk', target.url);
    deliveries.handle({
      kind: 'state-changed',
      provider: 'videosdk',
      id: 'abcd-efgh-ijkl',
      at: 0,
      previousState: 'hls-stopped',
      state: 'hls-starting',
      record: { roomId: 'abcd-efgh-ijkl', hls: { sessionId: 's-1' } },
    });
    await deliveries.settled();
    const [delivery] = target.received;
    const verify = createVerify('RSA-SHA256').update(delivery?.body ?? '');
    expect(verify.verify(answer.publicKey, String(delivery?.headers['videosdk-signature']), 'base64')).toBe(
      true,
    );
    expect(JSON.parse(String(delivery?.body))).toEqual({
      webhookType: 'hls-starting',
      data: { meetingId: 'abcd-efgh-ijkl', sessionId: 's-1' },
    });
  });

  it('registers, lists and removes endpoints through the control API, refusing what it cannot deliver to', async () => {
    const box = await sandbox();
    const control = `${box.url}/_sandbox/webhooks`;
    const created = await post(control, { provider: 'liveapi', url: 'http://127.0.0.1:9/hooks' });
    expect(created.status).toBe(201);
    const endpoint = (await created.json()) as { id: string };
    for (const body of [
      { provider: 'nope', url: 'http://127.0.0.1:9/' },
      { provider: 'liveapi', url: 'ftp://x/' },
      // fetch refuses a URL with credentials: every delivery would fail.
      { provider: 'liveapi', url: 'http://user:password@127.0.0.1:9/hooks' },
      { provider: 'liveapi' },
    ]) {
      expect((await post(control, body)).status).toBe(400);
    }
    const listed = (await (await fetch(control)).json()) as {
      endpoints: unknown[];
      signing: { 'wowza-realtime': { secret: string }; videosdk: { publicKey: string } };
    };
    expect(listed.endpoints).toEqual([{ id: endpoint.id, provider: 'liveapi', url: 'http://127.0.0.1:9/…' }]);
    expect(listed.signing['wowza-realtime'].secret).toBe(box.webhooks.secret);
    expect((await fetch(`${control}/${endpoint.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${control}/${endpoint.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('never hands back the secret path segment of an endpoint: not from register, endpoints() nor the control API (generated)', async () => {
    const box = await sandbox();
    const control = `${box.url}/_sandbox/webhooks`;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { maxLength: 2 }),
        fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/),
        fc.boolean(),
        async (before, secret, throughApi) => {
          const url = `http://127.0.0.1:9/${[...before, secret].join('/')}`;
          const masked = `http://127.0.0.1:9/${before.length > 0 ? `${before[0]}/` : ''}…`;
          const registered = throughApi
            ? ((await (await post(control, { provider: 'liveapi', url })).json()) as Record<string, unknown>)
            : box.webhooks.register('liveapi', url);
          expect(registered).toEqual({
            id: expect.stringMatching(/^wh_\d+$/),
            provider: 'liveapi',
            url: masked,
          });
          const listed = await (await fetch(control)).text();
          expect(listed).not.toContain(secret);
          expect(JSON.stringify(box.webhooks.endpoints())).not.toContain(secret);
          expect(box.webhooks.endpoints().find((endpoint) => endpoint.id === registered.id)?.url).toBe(
            masked,
          );
          expect(box.webhooks.remove(String(registered.id))).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('names a control request body that does not parse as such, whatever it holds', async () => {
    const box = await sandbox();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }).filter((text) => {
          try {
            JSON.parse(text);
            return false;
          } catch {
            return true;
          }
        }),
        fc.constantFrom(
          ['POST', '/_sandbox/webhooks'],
          ['POST', '/_sandbox/faults'],
          ['PUT', '/_sandbox/encoders/liveapi/x'],
        ),
        async (text, [method, path]) => {
          const answer = await fetch(`${box.url}${path}`, {
            method,
            headers: { 'content-type': 'application/json' },
            body: text,
          });
          expect(answer.status).toBe(400);
          expect(await answer.json()).toEqual({
            error: 'the control API takes a JSON body, and this one does not parse',
          });
        },
      ),
      { numRuns: 30 },
    );
    expect(box.webhooks.endpoints()).toEqual([]);
  });

  it('sends one attempt per webhook, never retried, and records the outcome', async () => {
    const box = await sandbox();
    const failing = await receiver(500);
    box.webhooks.register('liveapi', `${failing.url}/hooks/p4th-s3cret`);
    box.webhooks.register('liveapi', 'http://127.0.0.1:9/closed-port');
    const credentials = box.credentials('liveapi');
    const basic = Buffer.from(`${credentials.tokenId}:${credentials.secretKey}`).toString('base64');
    await post(`${box.baseUrl('liveapi')}/live_streams`, { name: 'x' }, { authorization: `Basic ${basic}` });
    await box.webhooks.settled();
    expect(failing.received.map((delivery) => delivery.path)).toEqual(['/hooks/p4th-s3cret']);
    // The log masks what follows the first path segment: a path secret stays out of it.
    expect(box.webhooks.deliveries().map((record) => record.url)).toContain(`${failing.url}/hooks/…`);
    expect(JSON.stringify(box.webhooks.deliveries())).not.toContain('p4th-s3cret');
    expect(box.webhooks.deliveries().map(({ event, status, error }) => ({ event, status, error }))).toEqual(
      expect.arrayContaining([
        { event: 'stream-created', status: 500, error: undefined },
        { event: 'stream-created', status: undefined, error: 'unreachable' },
      ]),
    );
  });
});

// An observer is the application's code: one that throws, or an async one that rejects, changes nothing,
// and leaves no unhandled rejection behind (Node's default would end the process on the first delivery).
describe('delivery observers that fail', () => {
  it('are ignored, sync throw or rejected promise, from the option and from onDelivery alike', async () => {
    const escaped: unknown[] = [];
    const listener = (reason: unknown) => escaped.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const heard: string[] = [];
      const failing = [
        () => {
          heard.push('sync');
          throw new Error('sync observer');
        },
        async () => {
          heard.push('async');
          throw new Error('async observer');
        },
      ];
      const target = await receiver();
      const box = await startSandbox({
        transitionMs: 20,
        webhooks: {
          onDelivery: async () => {
            heard.push('option');
            throw new Error('async option observer');
          },
          endpoints: [{ provider: 'liveapi', url: `${target.url}/h` }],
        },
      });
      cleanups.push(() => box.close());
      for (const observer of failing) box.webhooks.onDelivery(observer);
      const credentials = box.credentials('liveapi');
      const basic = Buffer.from(`${credentials.tokenId}:${credentials.secretKey}`).toString('base64');
      await post(
        `${box.baseUrl('liveapi')}/live_streams`,
        { name: 'x' },
        { authorization: `Basic ${basic}` },
      );
      await box.webhooks.settled();
      await new Promise((resolve) => setTimeout(resolve, 0));
      await new Promise((resolve) => setImmediate(resolve));
      expect(target.received).toHaveLength(1);
      expect(heard).toEqual(['option', 'sync', 'async']);
      expect(escaped).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});

describe('a receiver that does not answer', () => {
  const created = (id: string): StreamChange => ({
    kind: 'created',
    provider: 'liveapi',
    id,
    at: 1_700_000_000_000,
    record: { id },
  });

  // Lets the event loop turn until `done` holds: the test waits on what happened, never on a duration.
  async function until(done: () => boolean) {
    while (!done()) await new Promise((resolve) => setImmediate(resolve));
  }

  // A fetch whose answers the test gives, one at a time, in the order the requests were made.
  function heldFetch() {
    const requests: { url: string; stream: string; signal: AbortSignal; answer: (status: number) => void }[] =
      [];
    const fetch = ((url: string, init: RequestInit) =>
      new Promise<Response>((resolve, reject) => {
        const body = JSON.parse(String(init.body)) as { payload: { id: string } };
        const signal = init.signal as AbortSignal;
        signal.addEventListener('abort', () => reject(signal.reason));
        requests.push({
          url,
          stream: body.payload.id,
          signal,
          answer: (status) => resolve(new Response(null, { status })),
        });
      })) as unknown as typeof globalThis.fetch;
    return { fetch, requests };
  }

  it('keeps at most maxPending deliveries waiting per URL, dropping and recording the oldest, in order for the rest', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 8 }),
        async (changes, maxPending) => {
          const held = heldFetch();
          const delivery = createWebhookDelivery({
            endpoints: [{ provider: 'liveapi', url: 'http://127.0.0.1:9/hooks/s3cret' }],
            fetch: held.fetch,
            maxPending,
          });
          const ids = Array.from({ length: changes }, (_, index) => `s${index}`);
          for (const id of ids) delivery.handle(created(id));
          await Promise.resolve();
          // One request is out, unanswered; the rest wait or were dropped, the oldest first.
          const waiting = Math.min(maxPending, changes - 1);
          const dropped = ids.slice(1, changes - waiting);
          const kept = [ids[0], ...ids.slice(changes - waiting)];
          expect(held.requests.map((request) => request.stream)).toEqual(['s0']);
          expect(delivery.pending()).toEqual([{ url: 'http://127.0.0.1:9/hooks/…', waiting }]);
          expect(delivery.deliveries()).toEqual(
            dropped.map((streamId) => ({
              provider: 'liveapi',
              event: 'stream-created',
              url: 'http://127.0.0.1:9/hooks/…',
              streamId,
              error: 'dropped',
              reason: 'backlog',
              at: expect.any(Number),
            })),
          );
          // Once the receiver answers again, what was kept goes out one at a time, in the order of the changes.
          for (let answered = 0; answered < kept.length; answered += 1) {
            await until(() => held.requests.length === answered + 1);
            held.requests[answered]?.answer(204);
          }
          await delivery.settled();
          expect(held.requests.map((request) => request.stream)).toEqual(kept);
          expect(
            delivery
              .deliveries()
              .filter((record) => record.status === 204)
              .map((record) => record.streamId),
          ).toEqual(kept);
          expect(delivery.pending()).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('bounds each URL on its own: a hanging one drops, one that answers receives everything', async () => {
    const held = heldFetch();
    const delivery = createWebhookDelivery({
      endpoints: [
        { provider: 'liveapi', url: 'http://127.0.0.1:9/hung' },
        { provider: 'liveapi', url: 'http://127.0.0.1:9/fine' },
      ],
      fetch: ((url: string, init: RequestInit) =>
        url.endsWith('/fine')
          ? Promise.resolve(new Response(null, { status: 200 }))
          : held.fetch(url, init)) as typeof fetch,
      maxPending: 2,
    });
    const answered = () =>
      delivery
        .deliveries()
        .filter((record) => record.status === 200)
        .map((record) => record.streamId);
    for (const [index, id] of ['a', 'b', 'c', 'd', 'e'].entries()) {
      delivery.handle(created(id));
      await until(() => answered().length === index + 1);
    }
    expect(answered()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(delivery.pending()).toEqual([{ url: 'http://127.0.0.1:9/…', waiting: 2 }]);
    expect(
      delivery
        .deliveries()
        .filter((record) => record.error === 'dropped')
        .map((record) => record.streamId),
    ).toEqual(['b', 'c']);
    expect(held.requests.map((request) => request.stream)).toEqual(['a']);
  });

  it('an endpoint removed while deliveries wait for it gets none of them: each is dropped and recorded (removed)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.boolean(), async (changes, shared) => {
        const held = heldFetch();
        // The endpoint kept shares the removed one's URL or has its own: removal drops only what was the removed one's.
        const goneUrl = 'http://127.0.0.1:9/hooks/gone';
        const keptUrl = `http://127.0.0.1:9/hooks/${shared ? 'gone' : 'kept'}`;
        const delivery = createWebhookDelivery({
          endpoints: [
            { provider: 'liveapi', url: goneUrl },
            { provider: 'liveapi', url: keptUrl },
          ],
          fetch: held.fetch,
        });
        const [gone] = delivery.endpoints();
        const ids = Array.from({ length: changes }, (_, index) => `s${index}`);
        for (const id of ids) delivery.handle(created(id));
        await until(() => held.requests.length === (shared ? 1 : 2));
        expect(delivery.remove(gone?.id ?? '')).toBe(true);
        // What waited for the removed endpoint is dropped at once, in the order of the changes.
        const removed = delivery.deliveries().filter((record) => record.reason === 'removed');
        expect(removed.map((record) => record.streamId)).toEqual(ids.slice(1));
        expect(removed.every((record) => record.error === 'dropped')).toBe(true);
        delivery.handle(created('after'));
        // Everything else goes out, one at a time: the request already out is answered, nothing more reaches
        // the removed endpoint, and the kept one hears every change.
        for (let answered = 0; ; answered += 1) {
          await until(() => held.requests.length > answered || delivery.pending().length === 0);
          const request = held.requests[answered];
          if (!request) break;
          request.answer(200);
        }
        await delivery.settled();
        const toKept = held.requests
          .filter((request) => request.url === keptUrl)
          .map((request) => request.stream);
        // On a shared URL the first request out was the removed endpoint's.
        expect(toKept.slice(shared ? 1 : 0)).toEqual([...ids, 'after']);
        if (!shared) {
          expect(
            held.requests.filter((request) => request.url === goneUrl).map((request) => request.stream),
          ).toEqual(['s0']);
        }
        expect(delivery.pending()).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });

  it('a real receiver that takes the request and never answers: the backlog stops at 1000 (the default)', async () => {
    let hang = true;
    const held: ServerResponse[] = [];
    const paths: string[] = [];
    const server = createServer((request, response) => {
      paths.push(request.url ?? '');
      request.resume();
      if (hang) held.push(response);
      else response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    const delivery = createWebhookDelivery({ endpoints: [{ provider: 'liveapi', url }] });
    for (let index = 0; index < 1_500; index += 1) delivery.handle(created(`s${index}`));
    await until(() => held.length === 1);
    expect(delivery.pending()).toEqual([{ url: `${url.slice(0, -'hooks'.length)}…`, waiting: 1_000 }]);
    expect(delivery.deliveries()).toHaveLength(100); // the log keeps the newest 100 records
    expect(
      delivery.deliveries().every((record) => record.error === 'dropped' && record.reason === 'backlog'),
    ).toBe(true);
    expect(delivery.deliveries().at(-1)?.streamId).toBe('s499');
    hang = false;
    for (const response of held) response.end();
    await delivery.settled();
    expect(paths).toHaveLength(1_001);
    const sent = delivery.deliveries().filter((record) => record.status === 200);
    expect(sent.map((record) => record.streamId)).toEqual(
      Array.from({ length: 100 }, (_, index) => `s${1_400 + index}`),
    );
  });

  it('shows a dropped delivery and the backlog in GET /_sandbox/webhooks and on the dashboard', async () => {
    let hang = true;
    const held: ServerResponse[] = [];
    const server = createServer((request, response) => {
      request.resume();
      if (hang) held.push(response);
      else response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const box = await startSandbox({ webhooks: { maxPending: 1 } });
    cleanups.push(() => box.close());
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    box.webhooks.register('liveapi', `${origin}/hooks/p4th-s3cret`);
    const credentials = box.credentials('liveapi');
    const basic = Buffer.from(`${credentials.tokenId}:${credentials.secretKey}`).toString('base64');
    const ids: string[] = [];
    for (const name of ['first', 'second', 'third']) {
      const response = await post(
        `${box.baseUrl('liveapi')}/live_streams`,
        { name },
        { authorization: `Basic ${basic}` },
      );
      ids.push(((await response.json()) as { _id: string })._id);
    }
    await until(() => held.length === 1);
    const listed = (await (await fetch(`${box.url}/_sandbox/webhooks`)).json()) as Record<string, unknown>;
    const dropped = {
      provider: 'liveapi',
      event: 'stream-created',
      url: `${origin}/hooks/…`,
      streamId: ids[1],
      error: 'dropped',
      reason: 'backlog',
      at: expect.any(Number),
    };
    expect(listed.deliveries).toEqual([dropped]);
    expect(listed.pending).toEqual([{ url: `${origin}/hooks/…`, waiting: 1 }]);
    const dashboard = (await (await fetch(`${box.url}/_sandbox/dashboard/overview.json`)).json()) as {
      deliveries: unknown[];
    };
    expect(dashboard.deliveries).toEqual([dropped]);
    hang = false;
    for (const response of held) response.end();
    await box.webhooks.settled();
    expect(
      box.webhooks.deliveries().map(({ streamId, status, error }) => ({ streamId, status, error })),
    ).toEqual([
      { streamId: ids[1], status: undefined, error: 'dropped' },
      { streamId: ids[0], status: 200, error: undefined },
      { streamId: ids[2], status: 200, error: undefined },
    ]);
  });

  it('closing drops what waits and cuts off what is being sent, recording each, and sends nothing more', async () => {
    const held = heldFetch();
    const delivery = createWebhookDelivery({
      endpoints: [{ provider: 'liveapi', url: 'http://127.0.0.1:9/hooks/s3cret' }],
      fetch: held.fetch,
      maxPending: 2,
    });
    for (const id of ['s0', 's1', 's2', 's3']) delivery.handle(created(id));
    await until(() => held.requests.length === 1);
    delivery.close();
    delivery.handle(created('s4'));
    await delivery.settled();
    expect(held.requests.map((request) => request.stream)).toEqual(['s0']);
    expect(held.requests[0]?.signal.aborted).toBe(true);
    expect(delivery.deliveries().map(({ streamId, error, reason }) => ({ streamId, error, reason }))).toEqual(
      [
        { streamId: 's1', error: 'dropped', reason: 'backlog' },
        { streamId: 's2', error: 'dropped', reason: 'closed' },
        { streamId: 's3', error: 'dropped', reason: 'closed' },
        { streamId: 's0', error: 'dropped', reason: 'closed' },
      ],
    );
    expect(delivery.pending()).toEqual([]);
  });

  it('refuses a timeoutMs that is not a number of ms above 0 and at most maxTimeoutMs, naming it, before anything starts', async () => {
    const bad = fc.oneof(
      fc.constantFrom(
        0,
        -0,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        maxTimeoutMs + 1,
      ),
      fc.double({ max: 0, noNaN: true }),
      fc.double({ min: maxTimeoutMs + 1, noNaN: true }),
      fc
        .oneof(fc.string(), fc.boolean(), fc.constant(null), fc.bigInt())
        .map((value) => value as unknown as number),
    );
    await fc.assert(
      fc.asyncProperty(bad, async (timeoutMs) => {
        const caught = (() => {
          try {
            createWebhookDelivery({ timeoutMs });
          } catch (error) {
            return error;
          }
          return undefined;
        })();
        expect(InvalidInputError.isInstance(caught)).toBe(true);
        expect((caught as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['timeoutMs']);
        expect((caught as Error).message).toMatch(
          /^sandbox webhook: timeoutMs: expected a number of milliseconds above 0 and at most 2147483647, got /,
        );
        // Through startSandbox, named by its path among the sandbox's options.
        const refused = startSandbox({ media: false, webhooks: { timeoutMs } });
        await expect(refused).rejects.toThrow(
          /^webhooks\.timeoutMs expected a number of milliseconds above 0 and at most 2147483647, got /,
        );
        await expect(refused).rejects.toMatchObject({
          operation: 'startSandbox',
          issues: [{ path: 'webhooks.timeoutMs' }],
        });
      }),
      { numRuns: 40 },
    );
    // The whole range is taken, fractions of a millisecond too.
    fc.assert(
      fc.property(fc.double({ min: Number.MIN_VALUE, max: maxTimeoutMs, noNaN: true }), (timeoutMs) => {
        createWebhookDelivery({ timeoutMs }).close();
      }),
    );
  });

  it("stamps every kind of record by the given clock, and the sandbox's records by its own now", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4_102_444_800_000 }), async (at) => {
        const held = heldFetch();
        const delivery = createWebhookDelivery({
          endpoints: [
            { provider: 'liveapi', url: 'http://127.0.0.1:9/held/s3cret' },
            { provider: 'liveapi', url: 'http://127.0.0.1:9/fine/s3cret' },
            { provider: 'liveapi', url: 'http://127.0.0.1:9/down/s3cret' },
          ],
          fetch: ((url: string, init: RequestInit) =>
            url.includes('/fine/')
              ? Promise.resolve(new Response(null, { status: 204 }))
              : url.includes('/down/')
                ? Promise.reject(new TypeError('fetch failed'))
                : held.fetch(url, init)) as typeof fetch,
          maxPending: 1,
          now: () => at,
        });
        for (const id of ['s0', 's1', 's2', 's3']) delivery.handle(created(id));
        // Per URL: s0 is sent at once, s1 and s2 are dropped from the backlog of one, s3 is sent next.
        const count = (outcome: number | string) =>
          delivery.deliveries().filter((record) => (record.status ?? record.error) === outcome).length;
        await until(() => count(204) === 2 && count('unreachable') === 2);
        delivery.close();
        await delivery.settled();
        const kinds = new Set(
          delivery.deliveries().map((record) => `${record.status ?? record.error}${record.reason ?? ''}`),
        );
        expect(kinds).toEqual(new Set(['204', 'unreachable', 'droppedbacklog', 'droppedclosed']));
        expect(delivery.deliveries().every((record) => record.at === at)).toBe(true);
      }),
      { numRuns: 20 },
    );
    const at = Date.UTC(2030, 0, 1, 12);
    const box = await startSandbox({
      media: false,
      now: () => at,
      webhooks: {
        endpoints: [{ provider: 'liveapi', url: 'http://127.0.0.1:9/hooks/s3cret' }],
        fetch: (async () => new Response(null, { status: 200 })) as typeof fetch,
      },
    });
    cleanups.push(() => box.close());
    const changes: number[] = [];
    box.onStreamChange((change) => changes.push(change.at));
    const credentials = box.credentials('liveapi');
    const basic = Buffer.from(`${credentials.tokenId}:${credentials.secretKey}`).toString('base64');
    const response = await post(
      `${box.baseUrl('liveapi')}/live_streams`,
      { name: 'clock' },
      { authorization: `Basic ${basic}` },
    );
    // LiveAPI's id begins with its creation time in seconds (a Mongo ObjectId).
    const stream = (await response.json()) as { _id: string };
    await box.webhooks.settled();
    expect(Number.parseInt(stream._id.slice(0, 8), 16)).toBe(at / 1000);
    expect(changes).toEqual([at]);
    expect(box.webhooks.deliveries()).toEqual([
      expect.objectContaining({ event: 'stream-created', streamId: stream._id, status: 200, at }),
    ]);
  });

  it('refuses a maxPending that is not a whole number of at least 1, naming it', () => {
    for (const maxPending of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10' as unknown as number]) {
      expect(() => createWebhookDelivery({ maxPending })).toThrow(InvalidInputError);
      expect(() => createWebhookDelivery({ maxPending })).toThrow(
        /sandbox webhook: maxPending: expected a whole number/,
      );
    }
  });
});

describe('vendor envelopes', () => {
  const change = (fields: Partial<StreamChange>): StreamChange => ({
    kind: 'state-changed',
    provider: 'wowza-video',
    id: 'ab12cd34',
    at: 1_700_000_000_500,
    ...fields,
  });

  it('Wowza Video: the legacy transcoder events of each transition the dialect makes, nothing for other changes', () => {
    const render = createEnvelopeRenderer();
    const rendered = [
      ['stopped', 'starting'],
      ['starting', 'started'],
      ['started', 'resetting'],
      ['resetting', 'started'],
      // Stop answers `stopped` at once: its one transition is the request and the completion.
      ['started', 'stopped'],
    ].map(([previousState = '', state = '']) =>
      render(
        change({
          previousState,
          state,
          record: { reference_id: 'ref-1' },
          ...(state === 'started' ? { details: { ipAddress: '198.51.100.7' } } : {}),
        }),
      ),
    );
    expect(rendered.map((webhooks) => webhooks.map((webhook) => webhook.name))).toEqual([
      ['start.requested'],
      ['start.complete'],
      ['reset.requested'],
      ['reset.complete'],
      ['stop.requested', 'stop.complete'],
    ]);
    const payloads = rendered.flat().map((webhook) => webhook.payload as Record<string, unknown>);
    // One uptime record for the whole session, start to stop (eight lower-case letters and digits).
    const uptime = (payloads[0]?.object_data as { uptime_id: string } | undefined)?.uptime_id;
    expect(uptime).toMatch(/^[a-z0-9]{8}$/);
    // The documented payloads (wowza.md §9.1, its fixtures), and the unverified ones shaped alike.
    expect(payloads.map((payload) => [payload.event, payload.object_data])).toEqual([
      ['start.requested', { uptime_id: uptime, reference_id: 'ref-1' }],
      ['start.complete', { uptime_id: uptime, ip_address: '198.51.100.7', reference_id: 'ref-1' }],
      ['reset.requested', { uptime_id: uptime, reference_id: 'ref-1' }],
      ['reset.complete', { uptime_id: uptime, ip_address: '198.51.100.7', reference_id: 'ref-1' }],
      ['stop.requested', { uptime_id: uptime, reference_id: 'ref-1' }],
      ['stop.complete', { uptime_id: uptime }],
    ]);
    for (const payload of payloads) {
      expect(Object.keys(payload)).toEqual([
        'version',
        'event',
        'event_id',
        'event_time',
        'object_type',
        'object_id',
        'object_data',
      ]);
      expect(payload).toMatchObject({
        version: 1.0,
        event_time: 1_700_000_000.5,
        object_type: 'transcoder',
        object_id: 'ab12cd34',
      });
    }
    expect(new Set(payloads.map((payload) => payload.event_id)).size).toBe(payloads.length);
    // The next start is a new transcoding session; a stream without a reference id sends the text "null".
    const [next] = render(change({ previousState: 'stopped', state: 'starting', record: {} }));
    expect(next?.payload).toMatchObject({ object_data: { reference_id: 'null' } });
    expect(
      (next?.payload as { object_data?: { uptime_id: string } } | undefined)?.object_data?.uptime_id,
    ).not.toBe(uptime);
    // `stopping` is a state Wowza's enum lists but the dialect never enters: nothing is made up for it.
    expect(render(change({ previousState: 'started', state: 'stopping', record: {} }))).toEqual([]);
    expect(render(change({ kind: 'created', record: {} }))).toEqual([]);
    expect(render(change({ kind: 'encoder-connected', record: {} }))).toEqual([]);
  });

  it('videosdk: an egress starting is hls-starting then hls-started with its URL; playable later is hls-playable', () => {
    const render = createEnvelopeRenderer();
    const playbackHlsUrl = 'https://cdn.videosdk.live/meetings-hls/r1/index.m3u8';
    const livestreamUrl = 'https://cdn.videosdk.live/meetings-hls/r1/live.m3u8';
    const state = (name: string) =>
      render({
        kind: 'state-changed',
        provider: 'videosdk',
        id: 'r1',
        at: 0,
        state: name,
        record: {
          roomId: 'r1',
          webhook: { endPoint: 'https://app.example/v', events: ['hls*'] },
          hls: { sessionId: 's', playbackHlsUrl, livestreamUrl },
        },
      });
    const starting = state('hls-starting');
    // The vendor's order: started (the egress up, its URL known) before playable, not together with it.
    expect(starting.map((webhook) => [webhook.name, webhook.payload])).toEqual([
      ['hls-starting', { webhookType: 'hls-starting', data: { meetingId: 'r1', sessionId: 's' } }],
      [
        'hls-started',
        { webhookType: 'hls-started', data: { meetingId: 'r1', sessionId: 's', playbackHlsUrl } },
      ],
    ]);
    expect(starting[0]?.roomSubscription).toEqual({ endPoint: 'https://app.example/v', events: ['hls*'] });
    expect(state('hls-playable').map((webhook) => [webhook.name, webhook.payload])).toEqual([
      [
        'hls-playable',
        {
          webhookType: 'hls-playable',
          data: { meetingId: 'r1', sessionId: 's', playbackHlsUrl, livestreamUrl },
        },
      ],
    ]);
    expect(
      render({ kind: 'created', provider: 'videosdk', id: 'v1-stream', at: 0, record: { streamKey: 'k' } }),
    ).toEqual([]);
  });

  it('videosdk delivers to the room endpoint only for the events it subscribed to (wildcards too)', async () => {
    const target = await receiver();
    const deliveries = createWebhookDelivery();
    for (const [events, state] of [
      [['hls-stopped'], 'hls-starting'],
      [['hls-stopped'], 'hls-stopped'],
      [['hls-st*'], 'hls-starting'],
    ] as const) {
      deliveries.handle({
        kind: 'state-changed',
        provider: 'videosdk',
        id: 'r1',
        at: 0,
        state,
        record: { roomId: 'r1', webhook: { endPoint: `${target.url}/room`, events } },
      });
    }
    await deliveries.settled();
    // An egress starting is `hls-starting` then `hls-started`: `hls-st*` takes both.
    expect(target.received.map((delivery) => JSON.parse(String(delivery.body)).webhookType)).toEqual([
      'hls-stopped',
      'hls-starting',
      'hls-started',
    ]);
  });

  // A room whose events are `patterns`, stopped: which of its webhooks reach the room's endPoint.
  async function roomDeliveries(patterns: readonly string[]): Promise<string[]> {
    const sent: string[] = [];
    const deliveries = createWebhookDelivery({
      fetch: async (_url, init) => {
        sent.push((JSON.parse(String(init?.body)) as { webhookType: string }).webhookType);
        return new Response(null, { status: 204 });
      },
    });
    deliveries.handle({
      kind: 'state-changed',
      provider: 'videosdk',
      id: 'r1',
      at: 0,
      state: 'hls-stopped',
      record: { roomId: 'r1', webhook: { endPoint: 'http://127.0.0.1:9/room', events: patterns } },
    });
    await deliveries.settled();
    return sent;
  }

  it('matches a room event pattern as the wildcard it is: * any run of characters, all else literal', async () => {
    // The reference: the pattern as a regular expression, fine for patterns this short.
    const reference = (pattern: string, name: string) =>
      new RegExp(
        `^${pattern
          .split('*')
          .map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
          .join('.*')}$`,
      ).test(name);
    await fc.assert(
      fc.asyncProperty(
        fc.string({
          unit: fc.constantFrom('*', 'h', 'l', 's', '-', 't', 'o', 'p', 'e', 'd', '.', '+'),
          maxLength: 14,
        }),
        async (pattern) => {
          expect(await roomDeliveries([pattern])).toEqual(
            reference(pattern, 'hls-stopped') ? ['hls-stopped'] : [],
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a room event pattern of many wildcards costs no more than its length: the sandbox never stalls on one', async () => {
    // As a regular expression, `*` sixty-four times and a letter the name lacks tries every way of cutting
    // the name into sixty-four pieces before it fails (eighteen stars already held the sandbox, which
    // matches the pattern for every change of the room, for seconds): this ends at once or never.
    expect(await roomDeliveries([`${'*'.repeat(64)}Z`, `${'*s'.repeat(64)}Z`])).toEqual([]);
    expect(await roomDeliveries([`${'*'.repeat(40)}d`])).toEqual(['hls-stopped']);
  });

  it('records where each delivery went without the path secret, whatever the path holds', async () => {
    // Vendors that document no signature are protected by a secret last path segment; a path of one segment is it.
    const secret = fc.stringMatching(/^[A-Za-z0-9_-]{16,32}$/);
    const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { maxLength: 2 }),
        secret,
        fc.boolean(),
        async (before, last, query) => {
          const url = `http://127.0.0.1:3000/${[...before, last].join('/')}${query ? `?token=${last}` : ''}`;
          const deliveries = createWebhookDelivery({
            fetch: async () => new Response(null, { status: 204 }),
          });
          deliveries.register('liveapi', url);
          deliveries.handle({ kind: 'created', provider: 'liveapi', id: 's1', at: 0, record: { _id: 's1' } });
          await deliveries.settled();
          const [record] = deliveries.deliveries();
          expect(record?.status).toBe(204);
          expect(record?.url).toBe(
            before.length > 0 ? `http://127.0.0.1:3000/${before[0]}/…` : 'http://127.0.0.1:3000/…',
          );
        },
      ),
    );
  });

  it('a room endPoint that is no URL to send to is recorded as such, and never ends the process', async () => {
    // Rooms made before the dialect checked endPoint (a persist file) still reach delivery with theirs.
    const unhandled: unknown[] = [];
    const hear = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', hear);
    cleanups.push(async () => {
      process.off('unhandledRejection', hear);
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string().filter((text) => !URL.canParse(text)),
          fc.constantFrom('file:///etc/passwd', 'http://user:password@127.0.0.1:9/room'),
        ),
        async (endPoint) => {
          const deliveries = createWebhookDelivery();
          deliveries.handle({
            kind: 'state-changed',
            provider: 'videosdk',
            id: 'r1',
            at: 0,
            state: 'hls-stopped',
            record: { roomId: 'r1', webhook: { endPoint, events: ['hls*'] } },
          });
          await deliveries.settled();
          expect(
            deliveries.deliveries().map(({ event, status, error }) => ({ event, status, error })),
          ).toEqual([{ event: 'hls-stopped', status: undefined, error: 'invalid-url' }]);
          expect(JSON.stringify(deliveries.deliveries())).not.toContain('password');
        },
      ),
    );
    // Any rejection left unhandled surfaces on a later turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  });

  it('LiveAPI: the stream as the payload; a platform added names its stream', () => {
    const render = createEnvelopeRenderer();
    const record = { _id: 'l1', enabled: true, platforms: [{ _id: 'p1', template: 'custom' }] };
    const base = { provider: 'liveapi', id: 'l1', at: 0, record } as const;
    expect(render({ ...base, kind: 'encoder-connected' })).toEqual([
      { name: 'stream-connected', payload: { event: 'stream-connected', payload: record } },
    ]);
    expect(render({ ...base, kind: 'updated', details: { restream: 'added' } })[0]?.payload).toEqual({
      event: 'stream-platform-added',
      payload: { _id: 'p1', template: 'custom', live_stream_id: 'l1' },
    });
    expect(render({ ...base, kind: 'updated' })).toEqual([]);
  });
});
