import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { InvalidInputError } from '../errors/errors.js';
import { createMemoryGateStore } from '../http/gate-store.js';
import { createLiveStreamRegistryFromConfig } from '../registry/registry-config.js';
import { createLiveStreamClientFromConfig } from './load-client.js';

// The second argument of both configuration loaders is read as `createLiveStreamClient`'s options are:
// own properties of a plain object, each once, every name known, one level down for `hooks`, `providers`
// and `gateStores`. Whatever sits at one of those places (a Map, a class instance, a throwing getter with
// any thrown value, a revoked Proxy, a misspelt name, null) is an InvalidInputError naming the place,
// before any factory is called or package loaded.

class Settings {
  readonly liveapi = () => fakeProvider('liveapi').provider;
}

const revoked = (): object => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

// Where the hostile value goes: a path of keys under the options (`[]` the options themselves), and
// whether a function (a factory, a hook) or an object is expected there.
const places = [
  { keys: [], expects: 'object' },
  { keys: ['hooks'], expects: 'object' },
  { keys: ['providers'], expects: 'object' },
  { keys: ['providers', 'liveapi'], expects: 'function' },
  { keys: ['gateStores'], expects: 'object' },
  { keys: ['gateStores', 'redis'], expects: 'function' },
  { keys: ['hooks', 'onRequest'], expects: 'function' },
] as const;

type Hostile =
  | { kind: 'map' }
  | { kind: 'class' }
  | { kind: 'getter'; thrown: unknown }
  | { kind: 'revoked' }
  | { kind: 'misspelt' }
  | { kind: 'null' };

const hostile: fc.Arbitrary<Hostile> = fc.oneof(
  fc.constant({ kind: 'map' as const }),
  fc.constant({ kind: 'class' as const }),
  fc.record({
    kind: fc.constant('getter' as const),
    thrown: fc.oneof(fc.anything(), fc.constant(new Error('caller')), fc.constant(Symbol('s'))),
  }),
  fc.constant({ kind: 'revoked' as const }),
  fc.constant({ kind: 'misspelt' as const }),
  fc.constant({ kind: 'null' as const }),
);

function scenario(place: (typeof places)[number], bad: Hostile) {
  const built: string[] = [];
  const options: Record<string, unknown> = {
    providers: {
      liveapi: () => {
        built.push('provider');
        return fakeProvider('liveapi').provider;
      },
    },
    gateStores: {
      redis: () => {
        built.push('store');
        return createMemoryGateStore(() => 0);
      },
    },
    hooks: { onRequest: () => undefined },
  };
  const path = ['options', ...place.keys].join('.');
  const parent = place.keys
    .slice(0, -1)
    .reduce<Record<string, unknown>>((object, key) => object[key] as Record<string, unknown>, options);
  const last = place.keys.at(-1);
  // The expected issue: its path and a part of its message.
  let expected: { path: string; message: string };
  const set = (value: unknown) => {
    if (last === undefined) return value;
    parent[last] = value;
    return options;
  };
  let given: unknown;
  switch (bad.kind) {
    case 'map':
      given = set(new Map([['liveapi', () => fakeProvider('liveapi').provider]]));
      expected = { path, message: place.expects === 'function' ? 'expected a' : 'not a Map' };
      break;
    case 'class':
      given = set(new Settings());
      expected = {
        path,
        message: place.expects === 'function' ? 'expected a' : 'not an instance of Settings',
      };
      break;
    case 'null':
      given = set(null);
      expected = { path, message: 'expected a' };
      break;
    case 'revoked':
      given = set(revoked());
      expected = {
        path,
        message: place.expects === 'function' ? 'expected a' : 'could not be read',
      };
      break;
    case 'getter':
      if (last === undefined) {
        // The options themselves have no getter of their own: every one of them throws instead.
        given = new Proxy(options, {
          getPrototypeOf: () => {
            throw bad.thrown;
          },
        });
      } else {
        Object.defineProperty(parent, last, {
          enumerable: true,
          get: () => {
            throw bad.thrown;
          },
        });
        given = options;
      }
      expected = { path, message: 'could not be read' };
      break;
    case 'misspelt': {
      // A name the object at this place does not have; a function has no names: the misspelling goes
      // beside it instead.
      const holder = (
        place.expects === 'function' ? parent : last === undefined ? options : parent[last]
      ) as Record<string, unknown>;
      const holderPath =
        holder === options ? 'options' : holder === parent ? path.slice(0, path.lastIndexOf('.')) : path;
      const misspelt: Record<string, string> = {
        options: 'provders',
        'options.hooks': 'onRequests',
        'options.gateStores': 'rediss',
        'options.providers': 'liveapi',
      };
      const name = misspelt[holderPath] ?? 'x';
      if (holderPath === 'options.providers') {
        // Every provider id is a name there: a value that is no factory is what is refused.
        holder.wowza = 'not a factory';
        expected = { path: 'options.providers.wowza', message: 'expected a function' };
      } else {
        holder[name] = () => undefined;
        expected = { path: `${holderPath}.${name}`, message: 'did you mean' };
      }
      given = options;
      break;
    }
  }
  return { given, built, expected };
}

const config = {
  provider: 'liveapi',
  rateLimit: { store: 'redis' as const, url: 'redis://127.0.0.1:1' },
};

const loaders = {
  client: (options: unknown) => createLiveStreamClientFromConfig(config, options as never),
  registry: (options: unknown) =>
    createLiveStreamRegistryFromConfig({ providers: [config] }, options as never),
};

async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('the configuration loaders read their options as createLiveStreamClient does', () => {
  it('refuse a hostile value at any place of the options, naming it, before anything is built', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...places),
        hostile,
        fc.constantFrom('client', 'registry') as fc.Arbitrary<keyof typeof loaders>,
        async (place, bad, loader) => {
          const { given, built, expected } = scenario(place, bad);
          const error = await caught(() => loaders[loader](given));
          expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
          const refused = error as InvalidInputError;
          expect(refused.operation).toBe('configure');
          expect(refused.issues.map((issue) => issue.path)).toEqual([expected.path]);
          expect(refused.issues[0]?.message).toContain(expected.message);
          expect(built).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('build with the options as given when every place holds what it should', async () => {
    for (const loader of ['client', 'registry'] as const) {
      const { given, built } = scenario(places[0], { kind: 'misspelt' });
      delete (given as Record<string, unknown>).provders;
      await loaders[loader](given);
      expect(built.sort()).toEqual(['provider', 'store']);
    }
  });
});

describe('options of many unknown names', () => {
  it('names the first 100 and counts the rest, in one refusal before any factory is called', async () => {
    for (const count of [100, 101, 20_000]) {
      const options: Record<string, unknown> = {
        providers: { fake: () => fakeProvider('fake', {}).provider },
      };
      for (let index = 0; index < count; index += 1) options[`zq${index.toString(36)}x`] = index;
      const error = (await createLiveStreamClientFromConfig({ provider: 'fake' }, options as never).catch(
        (caught: unknown) => caught,
      )) as InvalidInputError;
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect(error.issues.slice(0, 100).every((issue) => /^options\.zq[0-9a-z]+x$/.test(issue.path))).toBe(
        true,
      );
      expect(error.issues.length).toBe(count > 100 ? 101 : count);
      if (count > 100) {
        expect(error.issues[100]).toEqual({
          path: 'options',
          message:
            count === 101
              ? 'and 1 more unknown name, not listed'
              : `and ${count - 100} more unknown names, not listed`,
        });
      }
    }
  });
});

describe("a configuration's name given in the options", () => {
  it("is told it belongs in the configuration, not pointed at the options' `providers`", async () => {
    for (const name of ['provider', 'package']) {
      const error = (await createLiveStreamClientFromConfig({ provider: 'fake' }, {
        providers: { fake: () => fakeProvider('fake', {}).provider },
        [name]: 'liveapi',
      } as never).catch((caught: unknown) => caught)) as InvalidInputError;
      expect(error.issues).toEqual([
        {
          path: `options.${name}`,
          message: `unknown option; "${name}" is a setting of the configuration (the first argument), not of its options`,
        },
      ]);
    }
  });
});
