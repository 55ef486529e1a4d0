import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/errors.js';
import { createEventHub } from './event-hub.js';
import { createWebhookHandler } from './webhook-handler.js';
import { checkWebhookInput } from './webhook-input.js';

const revoked = (): object => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

class Hub {
  publish(): void {}
}

// Anything that is no hub made by createEventHub: taken for one, it answered every delivery 500.
const noHub = fc.oneof(
  fc.constant<unknown>(new Map()),
  fc.constant<unknown>(new Hub()),
  fc.constant<unknown>({ publish: () => undefined, subscribe: () => undefined }),
  fc.constant<unknown>(null),
  fc.constant<unknown>([]),
  fc.func(fc.anything()),
  fc.object(),
  fc.string(),
  fc.integer(),
);

describe('createWebhookHandler hub', () => {
  it('refuses anything that is no event hub when the handler is made, naming hub', () => {
    fc.assert(
      fc.property(noHub, (hub) => {
        let parsed = 0;
        let caught: unknown;
        try {
          createWebhookHandler({
            parse: async () => {
              parsed += 1;
              return [];
            },
            hub: hub as never,
          });
        } catch (error) {
          caught = error;
        }
        expect(InvalidInputError.isInstance(caught), String(caught)).toBe(true);
        expect(caught).toMatchObject({
          operation: 'configure',
          issues: [{ path: 'hub', message: 'expected an event hub (createEventHub)' }],
        });
        expect(parsed).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('takes a hub made by createEventHub', async () => {
    const hub = createEventHub();
    const handler = createWebhookHandler({ parse: async () => [], hub });
    const answer = await handler.handleWebhook(
      new Request('https://app.test/hooks', { method: 'POST', body: '{}' }),
    );
    expect(answer.status).toBe(200);
  });
});

// What parseWebhook's options may be besides a plain object, and what the issue says of each.
const badOptions: fc.Arbitrary<{ value: unknown; message: string }> = fc.oneof(
  fc.constant({ value: revoked(), message: 'could not be read' }),
  fc.constant({ value: new Map([['clock', () => 0]]), message: 'not a Map' }),
  fc.constant({ value: new Hub(), message: 'not an instance of Hub' }),
  fc.constant({ value: null, message: 'must be an object' }),
  fc.constant({ value: [], message: 'must be an object' }),
  fc.oneof(fc.string(), fc.integer(), fc.boolean()).map((value) => ({ value, message: 'must be an object' })),
  fc.anything().map((thrown) => ({
    value: new Proxy(
      {},
      {
        getPrototypeOf: () => {
          throw thrown;
        },
      },
    ),
    message: 'could not be read',
  })),
);

describe('checkWebhookInput options', () => {
  it('names options, not the first option read, when the options themselves cannot be used', () => {
    fc.assert(
      fc.property(
        badOptions,
        fc.constantFrom('liveapi', 'wowza-video', 'wowza-realtime', 'videosdk'),
        ({ value, message }, provider) => {
          let caught: unknown;
          try {
            checkWebhookInput(provider, { body: '{}', headers: {} }, value);
          } catch (error) {
            caught = error;
          }
          expect(InvalidInputError.isInstance(caught), String(caught)).toBe(true);
          const refused = caught as InvalidInputError;
          expect(refused).toMatchObject({ provider, operation: 'parseWebhook' });
          expect(refused.issues.map((issue) => issue.path)).toEqual(['options']);
          expect(refused.issues[0]?.message).toContain(message);
        },
      ),
      { numRuns: 200 },
    );
  });
});
