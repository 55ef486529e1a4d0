import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWebhook, videosdkPublicKey } from './videosdk-webhooks.js';

// videosdkPublicKey reads its settings as an adapter's are (core's readSettings): a Map's `baseUrl` taken
// for none would fetch the key from the production API. Every hostile shape is refused, naming the
// setting, before anything is fetched.

const sandboxUrl = 'http://127.0.0.1:1/videosdk';
const names = ['baseUrl', 'fetch', 'token', 'refreshMs', 'clock'] as const;

const revoked = (): object => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

class KeySettings {
  constructor(readonly baseUrl: string) {}
}

type Case = { settings: unknown; path: string; message: string };

function cases(fetch: typeof globalThis.fetch): fc.Arbitrary<Case> {
  const valid = (): Record<string, unknown> => ({ baseUrl: sandboxUrl, fetch, clock: () => 0 });
  return fc.oneof(
    fc.constant<Case>({
      settings: new Map<string, unknown>([
        ['baseUrl', sandboxUrl],
        ['fetch', fetch],
      ]),
      path: '$',
      message: 'not a Map',
    }),
    fc.constant<Case>({
      settings: new KeySettings(sandboxUrl),
      path: '$',
      message: 'not an instance of KeySettings',
    }),
    fc.constant<Case>({ settings: revoked(), path: '$', message: 'could not be read' }),
    fc.constant<Case>({ settings: null, path: '$', message: 'expected an object' }),
    fc.tuple(fc.constantFrom(...names), fc.anything()).map(([name, thrown]): Case => {
      const settings = valid();
      Object.defineProperty(settings, name, {
        enumerable: true,
        get: () => {
          throw thrown;
        },
      });
      return { settings, path: name, message: 'could not be read' };
    }),
    fc.constantFrom(...names).map(
      (name): Case => ({
        settings: { ...valid(), [name]: null },
        path: name,
        message: 'null is none',
      }),
    ),
    fc
      .constantFrom(['clok', 'clock'], ['baseURL', 'baseUrl'], ['fetc', 'fetch'], ['refreshMS', 'refreshMs'])
      .map(
        ([typo, name]): Case => ({
          settings: { ...valid(), [typo as string]: 1 },
          path: typo as string,
          message: `did you mean "${name}"`,
        }),
      ),
    fc
      .constantFrom<[string, unknown]>(
        ['refreshMs', -1],
        ['refreshMs', Number.NaN],
        ['refreshMs', '600000'],
        ['clock', 5],
        ['token', 42],
      )
      .map(
        ([name, value]): Case => ({
          settings: { ...valid(), [name]: value },
          path: name,
          message: 'expected',
        }),
      ),
  );
}

describe('videosdkPublicKey settings', () => {
  it('refuses settings it cannot use as given, naming the setting, before anything is fetched', async () => {
    let fetched = 0;
    const fetch = (async () => {
      fetched += 1;
      return Response.json({ publicKey: 'x' });
    }) as typeof globalThis.fetch;
    await fc.assert(
      fc.asyncProperty(cases(fetch), async ({ settings, path, message }) => {
        fetched = 0;
        let caught: unknown;
        try {
          await videosdkPublicKey(settings as never).get();
        } catch (error) {
          caught = error;
        }
        expect(InvalidInputError.isInstance(caught), String(caught)).toBe(true);
        const refused = caught as InvalidInputError;
        expect(refused).toMatchObject({ provider: 'videosdk', operation: 'configure' });
        expect(refused.issues.map((issue) => issue.path)).toEqual([path]);
        expect(refused.issues[0]?.message).toContain(message);
        expect(fetched).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('fetches from the base URL and with the fetch given as a plain object', async () => {
    const urls: string[] = [];
    const source = videosdkPublicKey({
      baseUrl: sandboxUrl,
      fetch: (async (input: RequestInfo | URL) => {
        urls.push(input instanceof Request ? input.url : String(input));
        return Response.json({ publicKey: 'not a key' });
      }) as typeof globalThis.fetch,
    });
    await source.get().catch(() => undefined);
    expect(urls).toEqual([`${sandboxUrl}/v2/public/rsa-public-key`]);
  });
});

describe('videosdk parseWebhook options', () => {
  it('names options when they are a revoked Proxy, a Map or a class instance', async () => {
    for (const [options, message] of [
      [revoked(), 'could not be read'],
      [new Map([['publicKey', 'x']]), 'not a Map'],
      [new KeySettings(sandboxUrl), 'not an instance of KeySettings'],
      [null, 'must be an object'],
    ] as const) {
      let caught: unknown;
      try {
        await parseWebhook({ body: '{}', headers: {} }, options as never);
      } catch (error) {
        caught = error;
      }
      expect(InvalidInputError.isInstance(caught), String(caught)).toBe(true);
      expect((caught as InvalidInputError).issues).toEqual([
        { path: 'options', message: expect.stringContaining(message) },
      ]);
    }
  });
});
