import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createWebhookHandler,
  type LiveStreamEvent,
  type LiveStreamEventHub,
  optionRules,
  readOptions,
  type Sleep,
  type WebhookParser,
} from '@unilive/core';

/** A local webhook endpoint on loopback, for end-to-end tests with the sandbox. */
export interface WebhookReceiver {
  /** The endpoint's URL, `http://127.0.0.1:PORT<path>`. */
  readonly url: string;
  /** Every verified event, in the order received. */
  readonly events: LiveStreamEvent[];
  /** Every answer's status, in order (200 verified, 400 refused…). */
  readonly statuses: number[];
  close(): Promise<void>;
}

/** Options of {@link startWebhookReceiver}. */
export interface WebhookReceiverOptions {
  parse: WebhookParser;
  hub?: LiveStreamEventHub;
  /** The endpoint's path. Default `/webhooks`. */
  path?: string;
}

const receiverOptionRules = {
  parse: optionRules.function,
  hub: optionRules.object,
  path: optionRules.string,
};

/**
 * Starts `createWebhookHandler({ parse, hub })` behind a `node:http` server on 127.0.0.1, the way an
 * application would mount it, and records what it answered.
 *
 * @throws InvalidInputError (`operation: 'configure'`) before the server starts, naming the option: options
 *   that are no plain object (a `Map`, a class instance), a name they do not have, an option that cannot be
 *   read or of the wrong type, and what `createWebhookHandler` refuses (`parse` missing, a `hub` that is no
 *   event hub).
 */
export async function startWebhookReceiver(given: WebhookReceiverOptions): Promise<WebhookReceiver> {
  // Read as every options object is (core's readOptions), before the server starts; `parse` and `hub` are
  // then checked by createWebhookHandler.
  const options = readOptions<WebhookReceiverOptions>(given, receiverOptionRules, {
    operation: 'configure',
    path: 'options',
  });
  const events: LiveStreamEvent[] = [];
  const statuses: number[] = [];
  const handler = createWebhookHandler({
    parse: options.parse,
    hub: options.hub,
    onEvents: (received) => {
      events.push(...received);
    },
  });
  const server = createServer((request, response) => {
    response.once('finish', () => statuses.push(response.statusCode));
    void handler.node(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${options.path ?? '/webhooks'}`,
    events,
    statuses,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A sleep that never ends by itself, only when its signal aborts: a wait given it can end only because
 * something woke it (an event), which is how a test proves promptness by order instead of by the clock.
 * `count()` tells how many sleeps began.
 */
export function sleepUntilWoken(): Sleep & { count(): number } {
  let started = 0;
  const sleep = (_ms: number, signal?: AbortSignal) =>
    new Promise<void>((_resolve, reject) => {
      started += 1;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  return Object.assign(sleep, { count: () => started });
}
