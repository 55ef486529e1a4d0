import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dialectClients } from '../../test/dialect-clients.js';
import { type Sandbox, startSandbox } from '../server.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a webhook receiver that sends its status but never ends its body', () => {
  it('has each delivery done and recorded at the status, its connection ended, the next one sent at once', async () => {
    const answers: ServerResponse[] = [];
    let closed = 0;
    const app = createServer((request, response) => {
      request.resume();
      response.writeHead(202, { 'content-type': 'text/plain' });
      response.write('accepted, and more to come');
      // Never ended: only the sandbox can end this exchange.
      response.on('close', () => {
        closed += 1;
      });
      answers.push(response);
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      app.closeAllConnections();
      return new Promise<void>((resolve) => app.close(() => resolve()));
    });
    const sandbox: Sandbox = await startSandbox({
      media: false,
      webhooks: {
        endpoints: [
          { provider: 'liveapi', url: `http://127.0.0.1:${(app.address() as AddressInfo).port}/hooks` },
        ],
        // The longest limit there is: a delivery that waited for the body would never be recorded here.
        timeoutMs: 2_147_483_647,
      },
    });
    cleanups.push(() => sandbox.close());
    const clients = dialectClients(sandbox.engine);
    for (const name of ['a', 'b', 'c']) await clients.liveapi!.create(name);
    await expect.poll(() => sandbox.webhooks.deliveries().length).toBe(3);
    expect(sandbox.webhooks.deliveries().map((delivery) => [delivery.status, delivery.error])).toEqual([
      [202, undefined],
      [202, undefined],
      [202, undefined],
    ]);
    expect(answers).toHaveLength(3);
    // The sandbox ended each exchange itself: the receiver's answers were cut off, not left open.
    await expect.poll(() => closed).toBe(3);
    expect(answers.every((answer) => !answer.writableEnded)).toBe(true);
  });
});
