import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { liveapiDialect } from './dialects/liveapi.js';
import { startSandbox } from './server.js';
import type { SandboxDialect } from './types.js';

// An entry of `dialects` is read once, as every other option is: one of its members whose reading throws (a
// getter, a Proxy's `get` trap, a Proxy whose every trap throws) is an InvalidInputError naming the member,
// `could not be read`, before anything listens, never the caller's own error (its message may hold a secret),
// which is not kept as `cause` either.
const members = [
  'id',
  'basePath',
  'defaultCredentials',
  'operationOf',
  'error',
  'handle',
  'describe',
  'ingest',
  'streams',
] as const;
const unreadable = 'could not be read (a getter or a Proxy in it threw)';

const outcome = (options: unknown) =>
  startSandbox(options as never).then(
    async (sandbox) => {
      await sandbox.close();
      return undefined;
    },
    (error: unknown) => error,
  );

describe('startSandbox dialects entries', () => {
  it('refuses an entry whose member throws as it is read, naming it, without the caller error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...members),
        fc.constantFrom('getter', 'get-trap', 'every-trap'),
        fc.boolean(),
        fc.stringMatching(/^[a-z0-9]{6,16}$/),
        async (member, trap, second, marker) => {
          const thrown = new Error(`caller SECRET-${marker}`);
          const fail = () => {
            throw thrown;
          };
          const dialect = { ...liveapiDialect, id: 'entry-test' };
          let hostile: unknown;
          if (trap === 'getter') {
            hostile = Object.defineProperty(dialect, member, { get: fail, enumerable: true });
          } else if (trap === 'get-trap') {
            hostile = new Proxy(dialect, {
              get: (target, name, receiver) =>
                name === member ? fail() : Reflect.get(target, name, receiver),
            });
          } else {
            hostile = new Proxy(dialect, {
              get: fail,
              ownKeys: fail,
              getPrototypeOf: fail,
              getOwnPropertyDescriptor: fail,
              has: fail,
            });
          }
          // The entry first or after a good one, so its index is named.
          const dialects = second ? [liveapiDialect, hostile] : [hostile];
          const error = await outcome({ media: false, dialects });
          const index = second ? 1 : 0;
          // Every trap throwing, the first member read (`id`) is the one named.
          const named = `dialects.${index}.${trap === 'every-trap' ? 'id' : member}`;
          expect(InvalidInputError.isInstance(error)).toBe(true);
          const refused = error as InvalidInputError;
          expect(refused.operation).toBe('startSandbox');
          expect(refused.issues).toEqual([{ path: named, message: unreadable }]);
          expect(refused.message).toBe(`${named} ${unreadable}`);
          expect(refused.cause).toBeUndefined();
          expect(`${refused.message} ${String(refused)} ${JSON.stringify(refused)}`).not.toContain(marker);
        },
      ),
      {
        numRuns: 30,
        examples: [
          ['id', 'getter', false, 'idgetter'],
          ['id', 'every-trap', true, 'everytrap'],
          ['handle', 'get-trap', false, 'handletrap'],
          ['ingest', 'getter', true, 'ingestgetter'],
        ],
      },
    );
  });

  it('names a dialect whose defaultCredentials throws, without what it threw', async () => {
    const dialect = {
      ...liveapiDialect,
      defaultCredentials: () => {
        throw new Error('caller SECRET-credentials');
      },
    };
    const error = (await outcome({ media: false, dialects: [dialect] })) as InvalidInputError;
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(error.issues.map((issue) => issue.path)).toEqual(['dialects.0.defaultCredentials']);
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify(error)).not.toContain('SECRET');
  });

  it('serves a dialect that is a class instance, its methods called on it, each member read once', async () => {
    let idReads = 0;
    class Counted implements SandboxDialect {
      readonly basePath = liveapiDialect.basePath;
      readonly inner = liveapiDialect;
      get id() {
        idReads += 1;
        return liveapiDialect.id;
      }
      defaultCredentials() {
        return this.inner.defaultCredentials();
      }
      operationOf(request: Parameters<SandboxDialect['operationOf']>[0]) {
        return this.inner.operationOf(request);
      }
      error(...args: Parameters<SandboxDialect['error']>) {
        return this.inner.error(...args);
      }
      handle(...args: Parameters<SandboxDialect['handle']>) {
        return this.inner.handle(...args);
      }
    }
    const sandbox = await startSandbox({ media: false, dialects: [new Counted()] });
    try {
      const { tokenId, secretKey } = sandbox.credentials('liveapi') as Record<string, string>;
      const basic = Buffer.from(`${tokenId}:${secretKey}`).toString('base64');
      const response = await fetch(`${sandbox.baseUrl('liveapi')}/live_streams`, {
        headers: { authorization: `Basic ${basic}` },
      });
      expect(response.status).toBe(200);
      expect(idReads).toBe(1);
    } finally {
      await sandbox.close();
    }
  });

  it('refuses an id no path segment carries as it is, or that the sandbox serves itself, naming dialects.N.id', async () => {
    const idChar = fc.constantFrom(...'abcXYZ019._-');
    const badIds = fc.oneof(
      fc.constantFrom(
        '_sandbox',
        'media',
        'MEDIA',
        '.',
        '..',
        '-a',
        '_x',
        'a/b',
        'x?y',
        'x#y',
        'x y',
        'é',
        'a%2f',
      ),
      fc
        .tuple(
          fc.string({ minLength: 1, maxLength: 8 }),
          fc.constantFrom('/', '?', '#', '%', ' ', '\\', ':', '@'),
        )
        .map(([text, bad]) => `a${text}${bad}`),
      fc.integer({ min: 65, max: 100_000 }).map((length) => 'a'.repeat(length)),
    );
    await fc.assert(
      fc.asyncProperty(badIds, fc.boolean(), async (id, second) => {
        const dialects = second ? [liveapiDialect, { ...liveapiDialect, id }] : [{ ...liveapiDialect, id }];
        const error = (await outcome({ media: false, dialects })) as InvalidInputError;
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect(error.issues.map((issue) => issue.path)).toEqual([`dialects.${second ? 1 : 0}.id`]);
      }),
      {
        numRuns: 40,
        examples: [
          ['_sandbox', false],
          ['media', true],
          ['..', false],
          ['a'.repeat(100_000), false],
        ],
      },
    );
    // One segment of safe characters is served at the base URL the sandbox hands out, as the built-in ids are.
    const goodIds = fc
      .tuple(fc.constantFrom(...'abcXYZ019'), fc.array(idChar, { maxLength: 63 }))
      .map(([head, rest]) => `${head}${rest.join('')}`)
      .filter((id) => !['media'].includes(id.toLowerCase()));
    await fc.assert(
      fc.asyncProperty(goodIds, async (id) => {
        const sandbox = await startSandbox({ media: false, dialects: [{ ...liveapiDialect, id }] });
        try {
          // Served, asking for credentials: 401 in the vendor's shape, not the sandbox's 404.
          expect((await fetch(`${sandbox.baseUrl(id as never)}/live_streams`)).status).toBe(401);
        } finally {
          await sandbox.close();
        }
      }),
      { numRuns: 10, examples: [['constructor'], ['hls'], ['My.Vendor-2_x'], ['a'.repeat(64)]] },
    );
  });

  it('reads a dialect ingest once at start into its copy, and refuses a member it could not use, naming it', async () => {
    const refusedFor = async (ingest: unknown) => {
      const error = (await outcome({
        media: false,
        dialects: [{ ...liveapiDialect, ingest }],
      })) as InvalidInputError;
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect(error.cause).toBeUndefined();
      expect(`${error.message} ${JSON.stringify(error)}`).not.toContain('SECRET');
      return error.issues.map((issue) => issue.path);
    };
    const real = liveapiDialect.ingest!;
    const fail = () => {
      throw new Error('caller SECRET-ingest');
    };
    for (const member of ['match', 'credentialsFor', 'playlistName']) {
      const getter = Object.defineProperty({ ...real }, member, { get: fail, enumerable: true });
      expect(await refusedFor(getter)).toEqual([`dialects.0.ingest.${member}`]);
      const trap = new Proxy(
        { ...real },
        { get: (target, name) => (name === member ? fail() : Reflect.get(target, name)) },
      );
      expect(await refusedFor(trap)).toEqual([`dialects.0.ingest.${member}`]);
    }
    expect(await refusedFor(42)).toEqual(['dialects.0.ingest']);
    expect(await refusedFor({ ...real, match: 'no function' })).toEqual(['dialects.0.ingest.match']);
    expect(await refusedFor({ credentialsFor: real.credentialsFor })).toEqual(['dialects.0.ingest.match']);
    expect(await refusedFor({ ...real, credentialsFor: 42 })).toEqual(['dialects.0.ingest.credentialsFor']);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(
            42,
            '',
            'index.m3u',
            'index',
            '../../escape.m3u8',
            'a/b.m3u8',
            '.m3u8',
            'a b.m3u8',
            'segment1.ts',
          ),
          fc.string().filter((name) => !/^[A-Za-z0-9_-]{1,64}\.m3u8$/.test(name)),
        ),
        async (playlistName) => {
          expect(await refusedFor({ ...real, playlistName })).toEqual(['dialects.0.ingest.playlistName']);
        },
      ),
      { numRuns: 20 },
    );
    // Each member read once, at start: a getter that counts runs once however often the dialect is asked.
    let reads = 0;
    const counted = Object.defineProperty({ ...real }, 'match', {
      get: () => {
        reads += 1;
        return real.match;
      },
      enumerable: true,
    });
    const sandbox = await startSandbox({ media: false, dialects: [{ ...liveapiDialect, ingest: counted }] });
    try {
      expect(reads).toBe(1);
      const copy = sandbox.engine.dialects.get('liveapi')?.ingest;
      // Compared by identity alone: a deep comparison would run the getter itself.
      expect(copy === counted).toBe(false);
      expect(copy?.playlistName).toBe(real.playlistName);
      expect(reads).toBe(1);
    } finally {
      await sandbox.close();
    }
  });
});
