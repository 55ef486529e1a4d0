import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../test/fake-provider.js';
import { createLiveStreamClient } from './client/live-stream-client.js';
import { createLiveStreamClientFromConfig } from './config/load-client.js';
import { readSettings } from './config/settings.js';
import { InvalidInputError } from './errors/errors.js';
import { createEventHub } from './events/event-hub.js';
import { createWebhookHandler } from './events/webhook-handler.js';
import { checkWebhookInput } from './events/webhook-input.js';
import { createLiveStreamRegistry } from './registry/registry.js';
import { createLiveStreamRegistryFromConfig } from './registry/registry-config.js';

// A revoked Proxy throws on every question asked of it, `Array.isArray` and `Object.getPrototypeOf`
// included: where options, settings or a webhook input are read it is one that could not be read, as a
// throwing getter is, never a bare TypeError.

const revoked = (): object => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

const id = 'abcdefabcdefabcdefabcdef';
const client = () => createLiveStreamClient(fakeProvider('vendor-a', { streams: 1 }).provider);

// Each place a caller's object is read, given the revoked Proxy.
const places: Record<string, (value: object) => unknown> = {
  'client options': (value) => createLiveStreamClient(fakeProvider('vendor-a').provider, value as never),
  'registry options': (value) => createLiveStreamRegistry(value as never),
  'config loader, the config': (value) => createLiveStreamClientFromConfig(value as never),
  'registry config, an entry': (value) => createLiveStreamRegistryFromConfig({ providers: [value] } as never),
  'event hub options': (value) => createEventHub(value as never),
  'webhook handler options': (value) => createWebhookHandler(value as never),
  'settings of an adapter': (value) => readSettings('liveapi', value as never, { baseUrl: true }),
  'call options of get': (value) => client().get(id, value as never),
  'call options of list': async (value) => {
    for await (const _ of client().list(value as never)) break;
  },
  'providerOptions of start': (value) => client().start(id, { providerOptions: value } as never),
  'webhook input body': (value) => checkWebhookInput('liveapi', { body: value, headers: {} }),
};

describe('a revoked Proxy where options or settings are read', () => {
  it('is refused as could not be read, wherever it sits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(places)), async (place) => {
        let caught: unknown;
        try {
          await places[place]?.(revoked());
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(InvalidInputError);
        expect((caught as Error).message).toContain('could not be read (a getter or a Proxy in it threw)');
      }),
      { numRuns: 40 },
    );
  });
});
