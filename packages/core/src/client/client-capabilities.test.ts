import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider, fullCapabilities } from '../../test/fake-provider.js';
import { everything, leaks, secrets } from '../../test/leak-views.js';
import { malformedCapability } from '../../test/malformed-capabilities.js';
import type { ProviderCapabilities } from '../capabilities.js';
import { InvalidInputError } from '../errors/errors.js';
import type { LiveStreamState } from '../live-stream.js';
import type { LiveStreamProvider } from '../provider.js';
import { createLiveStreamClient } from './live-stream-client.js';

// A client reads its provider's capabilities once, as it is made: a wait decides on them (`states`,
// `restart`, `broadcastingStatus`), so a provider from outside this repository whose capabilities are
// malformed is configuration refused then, not a TypeError inside its first wait.
describe("a client's capabilities", () => {
  it('malformed are refused as the client is made, naming the field, nothing of the provider called', async () => {
    await fc.assert(
      fc.property(
        malformedCapability.filter(({ value }) => value !== undefined),
        ({ field, value }) => {
          const fake = fakeProvider('outside');
          const provider = {
            ...fake.provider,
            capabilities: { ...fullCapabilities, [field]: value } as unknown as ProviderCapabilities,
          };
          const failed = thrownBy(() => createLiveStreamClient(provider));
          expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
          expect(failed).toMatchObject({
            operation: 'configure',
            delivery: 'not-sent',
            issues: [{ path: `provider.capabilities.${field}` }],
          });
          expect((failed as Error).message).toMatch(/^Invalid provider: provider\.capabilities\./);
          expect(fake.calls).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('absent, or not an object, are refused; a field left out is no problem (a flag reads false, a list any)', () => {
    for (const capabilities of [undefined, null, 'all', ['rtmp'], 5]) {
      const provider = { ...fakeProvider('outside').provider, capabilities } as unknown as LiveStreamProvider;
      expect(() => createLiveStreamClient(provider)).toThrow(
        expect.objectContaining({
          name: 'InvalidInputError',
          issues: [
            { path: 'provider.capabilities', message: 'expected the capabilities object of a provider' },
          ],
        }),
      );
    }
    const bare = { ...fakeProvider('outside').provider, capabilities: {} as ProviderCapabilities };
    expect(createLiveStreamClient(bare).capabilities).toEqual({});
  });

  it('whose getter throws are refused, what it threw masked by the provider secrets', () => {
    fc.assert(
      fc.property(secrets, (secret) => {
        const provider = {
          ...fakeProvider('outside').provider,
          secrets: () => [secret],
          get capabilities(): ProviderCapabilities {
            throw new Error(`capabilities unavailable for account ${secret}`);
          },
        };
        const failed = thrownBy(() => createLiveStreamClient(provider));
        expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
        expect(failed).toMatchObject({ issues: [{ path: 'provider.capabilities' }] });
        expect(leaks(everything(failed), secret)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('shown are a frozen copy, read once: the provider changing its object later changes no decision', async () => {
    const states: LiveStreamState[] = ['stopped', 'ready'];
    let reads = 0;
    const fake = fakeProvider('outside', { streams: 1 });
    const capabilities = { ...fullCapabilities, states, restart: false };
    const provider = {
      ...fake.provider,
      get capabilities() {
        reads += 1;
        return capabilities;
      },
    };
    const client = createLiveStreamClient(provider);
    expect(reads).toBe(1);
    expect(Object.isFrozen(client.capabilities)).toBe(true);
    expect(Object.isFrozen(client.capabilities.states)).toBe(true);
    expect(client.capabilities).toEqual({
      ...fullCapabilities,
      states: ['stopped', 'ready'],
      restart: false,
    });
    // Taken out of the provider's own list afterwards: the client waits on what it read.
    states.splice(0, 1);
    capabilities.restart = true;
    const stream = await client.waitForState('outside1', 'stopped', { timeoutMs: 1_000 });
    expect(stream.state).toBe('stopped');
    expect(client.capabilities.states).toEqual(['stopped', 'ready']);
    expect(client.capabilities.restart).toBe(false);
    expect(reads).toBe(1);
    // A copy made from an own-less wrapper of the client reads as its provider's.
    expect(Object.create(client).capabilities).toBe(capabilities);
  });
});

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
