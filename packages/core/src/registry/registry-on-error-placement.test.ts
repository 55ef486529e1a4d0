import type { DependencyContainer } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { createLiveStreamClient } from '../client/live-stream-client.js';
import { tokens } from '../di/tokens.js';
import { ProviderUnavailableError } from '../errors/errors.js';
import { UniliveError } from '../errors/unilive-error.js';
import type { ErrorEvent, HttpHooks } from '../http/hooks.js';
import type { LiveStreamProvider } from '../provider.js';
import { createLiveStreamRegistry, type LiveStreamRegistry } from './registry.js';
import { createLiveStreamRegistryFromConfig } from './registry-config.js';

// A registry's call that rejects is heard by `onError` exactly once, with the error its caller gets, and a
// call that resolves not at all, wherever the hook is given: on the registry, on a container it is handed,
// in the options of a registry built from configuration (providers named by id), or in a container there.

// A container that holds the hooks, told by the two methods a client calls on one.
function containerWith(hooks: HttpHooks): DependencyContainer {
  return {
    isRegistered: (token: unknown) => token === tokens.hooks,
    resolve: (token: unknown) => {
      if (token !== tokens.hooks) throw new Error('not registered');
      return hooks;
    },
  } as unknown as DependencyContainer;
}

type Placement =
  | 'registry'
  | 'container'
  | 'registry-and-container'
  | 'config'
  | 'config-container'
  | 'clients'
  | 'clients-and-registry';
type Operation =
  | 'get-missing'
  | 'create-failed-over'
  | 'create-failing-everywhere'
  | 'start-bad-ref'
  | 'delete-missing';

const down = (id: string) =>
  new ProviderUnavailableError({ provider: id, operation: 'create', message: 'down', delivery: 'not-sent' });

async function registryFor(
  placement: Placement,
  hooks: HttpHooks,
  fakes: Record<string, LiveStreamProvider>,
) {
  if (placement === 'config' || placement === 'config-container') {
    const providers = Object.fromEntries(Object.entries(fakes).map(([id, provider]) => [id, () => provider]));
    return createLiveStreamRegistryFromConfig(
      { providers: Object.keys(fakes).map((id) => ({ provider: id })) },
      placement === 'config' ? { providers, hooks } : { providers, container: containerWith(hooks) },
    );
  }
  if (placement === 'clients' || placement === 'clients-and-registry') {
    // Clients handed to the registry as they are, each made with the hook.
    const clients = Object.fromEntries(
      Object.entries(fakes).map(([id, provider]) => [id, createLiveStreamClient(provider, { hooks })]),
    );
    return createLiveStreamRegistry({ providers: clients, ...(placement === 'clients' ? {} : { hooks }) });
  }
  return createLiveStreamRegistry({
    providers: fakes,
    ...(placement === 'container' ? {} : { hooks }),
    ...(placement === 'registry' ? {} : { container: containerWith(hooks) }),
  });
}

async function run(
  operation: Operation,
  registry: LiveStreamRegistry,
  fakes: ReturnType<typeof fakeProvider>[],
) {
  const [a, b] = fakes;
  if (!a || !b) throw new Error('two fakes expected');
  switch (operation) {
    case 'get-missing':
      return registry.get('liveapi:nothing-here');
    case 'create-failed-over':
      a.script({ kind: 'fail', error: down('liveapi') });
      return registry.create({ name: 'launch' });
    case 'create-failing-everywhere':
      a.script({ kind: 'fail', error: down('liveapi') });
      b.script({ kind: 'fail', error: down('wowza-video') });
      return registry.create({ name: 'launch' });
    case 'start-bad-ref':
      return registry.start('no-such-provider:abc');
    case 'delete-missing':
      return registry.delete('wowza-video:nothing-here');
  }
}

const placements: Placement[] = [
  'registry',
  'container',
  'registry-and-container',
  'config',
  'config-container',
  'clients',
  'clients-and-registry',
];
const operations: Operation[] = [
  'get-missing',
  'create-failed-over',
  'create-failing-everywhere',
  'start-bad-ref',
  'delete-missing',
];
// Every placement with every operation: generated whole, none left to chance.
const cases = placements.flatMap((placement) =>
  operations.map((operation) => [placement, operation] as const),
);

describe('registry onError, wherever the hook is given', () => {
  it.each(cases)(
    '%s, %s: a rejected call heard once with the caller error, a resolved one never',
    async (placement, operation) => {
      const heard: ErrorEvent[] = [];
      const hooks: HttpHooks = { onError: (event) => heard.push(event) };
      const fakes = [fakeProvider('liveapi'), fakeProvider('wowza-video')];
      const registry = await registryFor(
        placement,
        hooks,
        Object.fromEntries(fakes.map((fake) => [fake.provider.id, fake.provider])),
      );
      let caught: unknown;
      let resolved = false;
      try {
        await run(operation, registry, fakes);
        resolved = true;
      } catch (error) {
        caught = error;
      }
      expect(resolved).toBe(operation === 'create-failed-over');
      if (resolved) {
        expect(heard).toEqual([]);
        return;
      }
      expect(UniliveError.isInstance(caught)).toBe(true);
      const error = caught as UniliveError;
      expect(heard.map((event) => event.operation)).toEqual([operation.split('-')[0]]);
      expect(heard[0]?.error.toJSON()).toEqual(error.toJSON());
    },
  );
});
