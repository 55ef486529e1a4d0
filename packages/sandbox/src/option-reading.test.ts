import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startSandbox } from './server.js';

// Every option object startSandbox takes, at every level, is read once before anything listens: one whose
// reading throws (a revoked Proxy, a Proxy whose `ownKeys` or `get` trap throws, a getter that throws) is an
// InvalidInputError naming the path that could not be read, never the caller's own error in its place (its
// message may hold a secret, and is not repeated).
const places = {
  '': 'port',
  rateLimit: 'requestsPerSecond',
  media: 'port',
  'media.hls': 'segmentSeconds',
  webhooks: 'secret',
  'webhooks.keyPair': 'privateKey',
  'webhooks.endpoints.0': 'url',
  settings: 'liveapi',
  'settings.liveapi': 'transitionMs',
  'settings.liveapi.credentials': 'token',
} as const;
type Place = keyof typeof places;

// The options with `value` at `path` (a list index for `webhooks.endpoints.0`).
function optionsWith(path: Place, value: unknown): unknown {
  if (path === '') return value;
  const names = path.split('.');
  let inner = value;
  for (let at = names.length - 1; at >= 0; at -= 1) {
    const name = names[at] as string;
    inner = /^\d+$/.test(name) ? [inner] : { [name]: inner };
  }
  return path.startsWith('media') ? inner : { media: false, ...(inner as object) };
}

describe('startSandbox option objects that throw as they are read', () => {
  it('refuses each, naming its path, without the caller error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(places) as Place[])),
        fc.constantFrom('revoked', 'ownKeys', 'get', 'getter'),
        fc.stringMatching(/^[a-z0-9]{6,16}$/),
        async (path, trap, marker) => {
          const thrown = new Error(`caller SECRET-${marker}`);
          const fail = () => {
            throw thrown;
          };
          const key = places[path];
          let hostile: unknown;
          if (trap === 'revoked') {
            const revocable = Proxy.revocable({}, {});
            revocable.revoke();
            hostile = revocable.proxy;
          } else if (trap === 'ownKeys') {
            hostile = new Proxy({}, { ownKeys: fail });
          } else if (trap === 'get') {
            hostile = new Proxy({ [key]: 1 }, { get: fail });
          } else {
            hostile = Object.defineProperty({}, key, { get: fail, enumerable: true });
          }
          const error = await startSandbox(optionsWith(path, hostile) as never).then(
            async (sandbox) => {
              await sandbox.close();
              return undefined;
            },
            (e: unknown) => e,
          );
          const named =
            trap === 'get' || trap === 'getter' ? (path === '' ? key : `${path}.${key}`) : path || 'options';
          const message = 'could not be read (a getter or a Proxy in it threw)';
          expect(InvalidInputError.isInstance(error)).toBe(true);
          const refused = error as InvalidInputError;
          expect(refused.operation).toBe('startSandbox');
          expect(refused.issues).toEqual([{ path: named, message }]);
          expect(refused.message).toBe(`${named} ${message}`);
          // The caller's error is not kept (toJSON shows a cause); a revoked Proxy's TypeError, the engine's, is.
          if (trap === 'revoked') expect((refused.cause as Error).name).toBe('TypeError');
          else expect(refused.cause).toBeUndefined();
          expect(`${refused.message} ${String(refused)} ${JSON.stringify(refused)}`).not.toContain(marker);
        },
      ),
      {
        numRuns: 40,
        examples: [
          ['', 'revoked', 'toprevoked'],
          ['rateLimit', 'ownKeys', 'ownkeystrap'],
          ['rateLimit', 'getter', 'ratetrap'],
          ['webhooks', 'getter', 'secrettrap'],
          ['webhooks.keyPair', 'revoked', 'keypairtrap'],
          ['webhooks.endpoints.0', 'revoked', 'endpointtrap'],
          ['settings.liveapi', 'revoked', 'settingstrap'],
          ['media', 'revoked', 'mediatrap'],
          ['media', 'get', 'mediaget'],
        ],
      },
    );
  });
});

// An option held as a non-enumerable own property is still the caller's option: read and checked as any
// other, never dropped for a default the caller did not choose.
describe('startSandbox options held as non-enumerable own properties', () => {
  const wrong = {
    port: ['port', 'not-a-port'],
    rateLimit: ['rateLimit.requestsPerSecond', { requestsPerSecond: -5 }],
    transitionMs: ['transitionMs', -1],
    webhooks: ['webhooks.maxPending', { maxPending: 0 }],
    documentedOnly: ['documentedOnly', 'yes'],
    misspelt: ['misspelt', 1],
  } as const;
  it('checks each, naming it, at the top and inside an option object', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(wrong) as (keyof typeof wrong)[])),
        fc.boolean(),
        fc.boolean(),
        async (name, inner, throwing) => {
          const [named, value] = wrong[name];
          const hidden = (target: object, key: string, held: unknown) =>
            Object.defineProperty(
              target,
              key,
              throwing && !inner
                ? {
                    get: () => {
                      throw new Error('caller SECRET-hidden');
                    },
                    enumerable: false,
                  }
                : { value: held, enumerable: false },
            );
          // Inside: the wrong field of rateLimit or webhooks hidden within a visible object.
          const options =
            inner && typeof value === 'object'
              ? {
                  media: false,
                  [name]: hidden({}, Object.keys(value)[0] as string, Object.values(value)[0]),
                }
              : hidden({ media: false }, name, value);
          const error = await startSandbox(options as never).then(
            async (sandbox) => {
              await sandbox.close();
              return undefined;
            },
            (e: unknown) => e,
          );
          expect(InvalidInputError.isInstance(error)).toBe(true);
          const refused = error as InvalidInputError;
          const path = throwing && !inner ? name : named;
          expect(refused.issues.map((issue) => issue.path)).toEqual([path]);
          if (throwing && !inner) {
            expect(refused.issues[0]?.message).toBe('could not be read (a getter or a Proxy in it threw)');
          }
        },
      ),
      {
        numRuns: 30,
        examples: [
          ['port', false, false],
          ['rateLimit', true, false],
          ['rateLimit', false, false],
          ['port', false, true],
        ],
      },
    );
  });
});
