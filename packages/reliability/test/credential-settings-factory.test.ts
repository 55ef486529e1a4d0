import { inspect } from 'node:util';
import { AuthenticationError, InvalidInputError, type LiveStreamProvider } from '@unilive/core';
import { liveapi } from '@unilive/liveapi';
import { videosdk } from '@unilive/videosdk';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import { type CheckRow, writeSection } from '../src/report.js';

// A credential given as a setting is known when the factory runs: one that can never be sent (empty, blank,
// no string, a control or invisible character, longer than 8,192 characters) is refused there, `operation: 'configure'`,
// as every other bad setting is, not at the first call. The same value in the environment variable is read
// before each request (the environment may change), so it fails that request, named for the call.

const rows: CheckRow[] = [];
afterAll(() =>
  writeSection('hardening.credential-settings-factory', { kind: 'checks', area: 'configuration', rows }),
);
afterEach(() => {
  vi.unstubAllEnvs();
});

/** The credentials one configuration of an adapter is given, with the variable each is read from. */
interface CredentialGroup {
  label: string;
  values: Record<string, string>;
  variables: Record<string, string>;
}

const setting = (adapterId: AdapterId, name: string) =>
  String(adapters[adapterId].fixtures.settings[name] as unknown);

const videosdkGroups = (adapterId: 'videosdk' | 'videosdk-v2'): CredentialGroup[] => [
  { label: 'token', values: { token: setting(adapterId, 'token') }, variables: { token: 'VIDEOSDK_TOKEN' } },
  {
    label: 'apiKey and secret',
    values: { apiKey: 'a3f1c2d4-7b8e-4f00-9a1b-2c3d4e5f6a7b', secret: 'Qm9zY2gtc2VjcmV0LWtleS0xMjM0NTY3' },
    variables: { apiKey: 'VIDEOSDK_API_KEY', secret: 'VIDEOSDK_SECRET' },
  },
];

const groups: Record<AdapterId, CredentialGroup[]> = {
  'wowza-video': [
    {
      label: 'token',
      values: { token: setting('wowza-video', 'token') },
      variables: { token: 'WOWZA_VIDEO_TOKEN' },
    },
  ],
  'wowza-realtime': [
    {
      label: 'token',
      values: { token: setting('wowza-realtime', 'token') },
      variables: { token: 'WOWZA_REALTIME_TOKEN' },
    },
  ],
  liveapi: [
    {
      label: 'tokenId and secretKey',
      values: { tokenId: setting('liveapi', 'tokenId'), secretKey: setting('liveapi', 'secretKey') },
      variables: { tokenId: 'LIVEAPI_TOKEN_ID', secretKey: 'LIVEAPI_SECRET_KEY' },
    },
  ],
  videosdk: videosdkGroups('videosdk'),
  'videosdk-v2': videosdkGroups('videosdk-v2'),
};

const allVariables = [
  'WOWZA_VIDEO_TOKEN',
  'WOWZA_REALTIME_TOKEN',
  'LIVEAPI_TOKEN_ID',
  'LIVEAPI_SECRET_KEY',
  'VIDEOSDK_TOKEN',
  'VIDEOSDK_API_KEY',
  'VIDEOSDK_SECRET',
];

function blankEnvironment(): void {
  for (const name of allVariables) vi.stubEnv(name, '');
}

/** A fetch that counts what reaches it and answers 404 (never reached when a refusal is right). */
function countingFetch(): { fetch: typeof fetch; requests: () => number } {
  let requests = 0;
  const fetch = async (): Promise<Response> => {
    requests += 1;
    return new Response('{"message":"not found"}', {
      status: 404,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { fetch, requests: () => requests };
}

/** What the factory did with `settings`: the provider it built, or what it threw (synchronously). */
function build(
  adapterId: AdapterId,
  settings: Record<string, unknown>,
  fetch: typeof globalThis.fetch,
): { provider?: LiveStreamProvider; thrown?: unknown } {
  const adapter = adapters[adapterId];
  try {
    return {
      provider: adapter.factory({
        ...adapter.settings,
        baseUrl: 'https://vendor.invalid/api',
        fetch,
        retry: { maxRetries: 0 },
        ...settings,
      }),
    };
  } catch (thrown) {
    return { thrown };
  }
}

const whitespace = fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\ufeff', '\u3000', '\u0085', '\u2028');
const controls = fc.constantFrom('\u0000', '\u0007', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009b');
const secretText = fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKMNPQRSTVWXYZ23456789'), minLength: 6 });

type Bad = { kind: string; value: unknown; shown: readonly string[]; fromVariable?: 'unset' | 'refused' };

/** Values no credential setting may hold, each with the texts of it that must not be shown. */
const badValues: fc.Arbitrary<Bad> = fc.oneof(
  fc
    .array(whitespace, { maxLength: 4 })
    .map((spaces): Bad => ({ kind: 'blank', value: spaces.join(''), shown: [], fromVariable: 'unset' })),
  fc.tuple(secretText, controls, secretText).map(
    ([before, control, after]): Bad => ({
      kind: 'control',
      value: `${before}${control}${after}`,
      shown: [before, after],
      fromVariable: 'refused',
    }),
  ),
  fc
    .tuple(
      fc.option(secretText, { nil: '' }),
      fc.constantFrom('\u200b', '\u200c', '\u200d', '\u2060', '\u00ad', '\ufe0f', '\u{e0041}'),
      fc.option(secretText, { nil: '' }),
    )
    .map(
      ([before, character, after]): Bad => ({
        kind: 'invisible',
        value: `${before}${character}${after}`,
        shown: [before, after].filter((text) => text !== ''),
        fromVariable: 'refused',
      }),
    ),
  secretText.map(
    (text): Bad => ({ kind: 'long', value: text.repeat(Math.ceil(8_193 / text.length)), shown: [text] }),
  ),
  fc.oneof(
    fc.integer().map((value): Bad => ({ kind: 'number', value, shown: [] })),
    fc.boolean().map((value): Bad => ({ kind: 'boolean', value, shown: [] })),
    secretText.map((text): Bad => ({ kind: 'function', value: () => text, shown: [text] })),
    fc.array(secretText, { maxLength: 2 }).map((value): Bad => ({ kind: 'array', value, shown: value })),
  ),
);

function everythingShown(error: unknown): string {
  return [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  ].join('\n');
}

function expectConfigureRefusal(thrown: unknown, path: string, shown: readonly string[]): void {
  expect(InvalidInputError.isInstance(thrown)).toBe(true);
  const error = thrown as InvalidInputError;
  expect(error.operation).toBe('configure');
  expect(error.delivery).toBe('not-sent');
  expect(error.issues.map((issue) => issue.path)).toEqual([path]);
  const everything = [
    error.message,
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  ].join('\n');
  for (const text of shown) expect(everything).not.toContain(text);
}

describe('credential settings are checked at the factory', () => {
  for (const adapterId of adapterIds) {
    for (const group of groups[adapterId]) {
      it(`${adapterId} ${group.label}: a setting no request could carry is refused by the factory, one from the environment by the call`, async () => {
        const failures: string[] = [];
        let runs = 0;
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...Object.keys(group.values)), badValues, async (name, bad) => {
            runs += 1;
            blankEnvironment();
            const vendor = countingFetch();
            const given = build(adapterId, { ...group.values, [name]: bad.value }, vendor.fetch);
            if (given.provider !== undefined)
              failures.push(`${name} ${bad.kind}: the factory built a provider`);
            expect(given.provider).toBeUndefined();
            expectConfigureRefusal(given.thrown, name, bad.shown);
            expect(vendor.requests()).toBe(0);

            // The same text in the variable: the factory cannot know it for good, the first call reads it.
            // (A NUL ends an environment variable's value in Node: that variable would hold another text.)
            if (
              typeof bad.value !== 'string' ||
              bad.fromVariable === undefined ||
              bad.value.includes('\u0000')
            )
              return;
            blankEnvironment();
            for (const [other, value] of Object.entries(group.values)) {
              vi.stubEnv(group.variables[other] as string, other === name ? bad.value : value);
            }
            const fromVariable = build(adapterId, {}, vendor.fetch);
            expect(fromVariable.thrown).toBeUndefined();
            const error = await (fromVariable.provider as LiveStreamProvider)
              .get(adapters[adapterId].fixtures.subjectId)
              .then(
                () => undefined,
                (caught: unknown) => caught,
              );
            expect(vendor.requests()).toBe(0);
            if (bad.fromVariable === 'unset') {
              // A blank variable is an unset one: the credential is missing.
              expect(AuthenticationError.isInstance(error)).toBe(true);
            } else {
              expect(InvalidInputError.isInstance(error)).toBe(true);
              expect((error as InvalidInputError).operation).toBe('get');
              expect((error as InvalidInputError).delivery).toBe('not-sent');
            }
          }),
          {
            numRuns: 40,
            examples: Object.keys(group.values).map((name): [string, Bad] => [
              name,
              { kind: 'empty', value: '', shown: [], fromVariable: 'unset' },
            ]),
          },
        );
        rows.push({
          check: `credential setting refused at the factory (${group.label})`,
          adapter: adapterId,
          runs,
          failures,
        });
      });
    }
  }

  it("liveapi: a tokenId with ':' (no HTTP Basic user name carries one) is refused by the factory", () => {
    fc.assert(
      fc.property(secretText, secretText, (before, after) => {
        const vendor = countingFetch();
        const tokenId = `${before}:${after}`;
        const { thrown } = build('liveapi', { ...groups.liveapi[0]?.values, tokenId }, vendor.fetch);
        expectConfigureRefusal(thrown, 'tokenId', [tokenId, before, after]);
        expect((thrown as Error).message).toBe(
          'liveapi: tokenId contains ":", which cannot be carried in an HTTP Basic (RFC 7617) user name',
        );
        expect(vendor.requests()).toBe(0);
      }),
      { numRuns: 30 },
    );
  });

  for (const adapterId of ['videosdk', 'videosdk-v2'] as const) {
    it(`${adapterId}: a token videosdk could not read, or a token beside a key pair, is refused by the factory`, () => {
      const token = setting(adapterId, 'token');
      fc.assert(
        fc.property(
          fc.oneof(
            fc
              .constantFrom('Bearer ', 'bearer ', 'BASIC ', 'Basic\t')
              .map((prefix) => ({ token: `${prefix}${token}` })),
            fc
              .constantFrom('€', '\u3042', '\u0100', '😀')
              .map((character) => ({ token: `${token.slice(0, 10)}${character}${token.slice(10)}` })),
            fc
              .constantFrom(
                { apiKey: 'a3f1c2d4' },
                { secret: 'Qm9zY2gtc2Vj' },
                { apiKey: 'a3f1c2d4', secret: 'Qm9zY2gtc2Vj' },
              )
              .map((pair) => ({ token, ...pair })),
          ),
          (credentials) => {
            blankEnvironment();
            const vendor = countingFetch();
            const { thrown } = build(adapterId, credentials, vendor.fetch);
            expectConfigureRefusal(thrown, 'token', Object.values(credentials));
            expect(vendor.requests()).toBe(0);
          },
        ),
        { numRuns: 30 },
      );
    });
  }
});

describe('a Bearer token no request could carry', () => {
  for (const adapterId of ['wowza-video', 'wowza-realtime'] as const) {
    it(`${adapterId}: with a scheme prefix or beyond Latin-1, refused naming token, by the factory or at each call`, async () => {
      const token = setting(adapterId, 'token');
      const variable = groups[adapterId][0]?.variables.token as string;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.constantFrom('Bearer ', 'bearer ', 'BASIC ', 'Basic ').map((prefix) => ({
              value: `${prefix}${token}`,
              words: `drop the "${prefix.trim()} " prefix`,
            })),
            fc.constantFrom('€', '\u3042', '\u0100', '😀').map((character) => ({
              value: `${token.slice(0, 10)}${character}${token.slice(10)}`,
              words: 'beyond Latin-1',
            })),
          ),
          fc.boolean(),
          async ({ value, words }, fromVariable) => {
            blankEnvironment();
            const vendor = countingFetch();
            let error: unknown;
            if (fromVariable) {
              vi.stubEnv(variable, value);
              const { provider, thrown } = build(adapterId, {}, vendor.fetch);
              expect(thrown).toBeUndefined();
              error = await (provider as LiveStreamProvider).get(adapters[adapterId].fixtures.subjectId).then(
                () => undefined,
                (caught: unknown) => caught,
              );
            } else {
              error = build(adapterId, { token: value }, vendor.fetch).thrown;
            }
            expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
            const refusal = error as InvalidInputError;
            expect(refusal.operation).toBe(fromVariable ? 'get' : 'configure');
            expect(refusal.issues.map((issue) => issue.path)).toEqual(['token']);
            expect(refusal.message).toContain(words);
            expect(everythingShown(refusal)).not.toContain(token);
            expect(vendor.requests()).toBe(0);
          },
        ),
        { numRuns: 40 },
      );
    });
  }
});

describe('Wowza Video settings are checked at the factory', () => {
  it('listDetails takes true or false only, defaultRegion one of the broadcast locations', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant({}), fc.constant([true]))
            .map((value) => ({ listDetails: value, path: 'listDetails' })),
          fc
            .oneof(
              fc.string().filter((text) => !/^[a-z_]+$/i.test(text)),
              fc.constantFrom('US-WEST-CALIFORNIA', 'eu-germany', 'mars'),
              fc.integer(),
            )
            .map((value) => ({ defaultRegion: value, path: 'defaultRegion' })),
        ),
        ({ path, ...settings }) => {
          const vendor = countingFetch();
          const { thrown } = build('wowza-video', settings, vendor.fetch);
          expect(InvalidInputError.isInstance(thrown)).toBe(true);
          expect((thrown as InvalidInputError).operation).toBe('configure');
          expect((thrown as InvalidInputError).issues.map((issue) => issue.path)).toEqual([path]);
          expect(vendor.requests()).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
    for (const listDetails of [true, false]) {
      expect(build('wowza-video', { listDetails }, countingFetch().fetch).thrown).toBeUndefined();
    }
    expect(
      build('wowza-video', { defaultRegion: 'eu_germany' }, countingFetch().fetch).thrown,
    ).toBeUndefined();
  });
});

// A two-part credential given wrong in both parts is refused naming both, whatever is wrong with each: the
// caller fixes both at once instead of meeting the second after fixing the first.

// Values a credential setting cannot take, each refused at the factory.
const wrongCredential = fc.constantFrom<unknown>(
  null,
  '',
  '   ',
  '\u00a0',
  5,
  'tok\r\nx-injected: 1',
  'a\u200bb',
  'tok\u2028en',
  `\${TOKEN}`, // a placeholder left unexpanded
);
const goodCredential = fc.constantFrom('tid-abcdefgh', 'sec-abcdefgh');

const refusalOf = (make: () => unknown) => {
  try {
    make();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('credential settings given wrong', () => {
  it('are all named in one InvalidInputError at the factory, on LiveAPI and on videosdk’s key pair (generated)', () => {
    fc.assert(
      fc.property(
        fc.option(wrongCredential, { nil: undefined }),
        fc.option(wrongCredential, { nil: undefined }),
        goodCredential,
        (first, second, fine) => {
          const cases = [
            {
              make: (a: unknown, b: unknown) => liveapi({ tokenId: a, secretKey: b } as never),
              names: ['tokenId', 'secretKey'],
            },
            {
              make: (a: unknown, b: unknown) => videosdk({ apiKey: a, secret: b } as never),
              names: ['apiKey', 'secret'],
            },
          ];
          for (const { make, names } of cases) {
            const given = [first === undefined ? fine : first, second === undefined ? fine : second];
            const bad = names.filter((_, index) => [first, second][index] !== undefined);
            const error = refusalOf(() => make(given[0], given[1]));
            if (bad.length === 0) {
              expect(error).toBeUndefined();
              continue;
            }
            expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
            expect([...new Set((error as InvalidInputError).issues.map((issue) => issue.path))]).toEqual(bad);
            expect((error as InvalidInputError).delivery).toBe('not-sent');
            expect(JSON.stringify(error) + String((error as Error).message)).not.toContain('x-injected');
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});
