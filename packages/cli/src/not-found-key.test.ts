import { inspect } from 'node:util';
import {
  createLiveStreamClient,
  createLiveStreamRegistry,
  InvalidInputError,
  type LiveStreamProvider,
  NotFoundError,
  redactedMarker,
} from '@unilive/core';
import { liveapi } from '@unilive/liveapi';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { videosdk } from '@unilive/videosdk';
import { wowzaRealtime } from '@unilive/wowza-realtime';
import { wowzaVideo } from '@unilive/wowza-video';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { capturedOutput, leaked } from '../test/secrets.js';
import { main } from './cli.js';

// A stream key passed where an id goes, to a client that never saw that key (another process, the CLI),
// ends in a NotFoundError whose `streamId` is the key as given: its shape cannot tell it from an id (an 8-hex
// Wowza Video stream name has the shape of an 8-character Wowza id). So no serialized form of the error (JSON,
// inspect, String, the message, the CLI's output) may carry it, while code reading `streamId` still gets
// the id it passed (a key the provider knows masked).

const dialects = ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk-v1', 'videosdk-v2'] as const;
type Dialect = (typeof dialects)[number];

const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
const base64url = (min: number, max: number) =>
  fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
    minLength: min,
    maxLength: max,
  });

/** Keys in the shape each vendor issues them (the sandbox's, as the vendors document them). */
const keyOf: Record<Dialect, fc.Arbitrary<string>> = {
  // An 8-hex stream name: passes every adapter's id check.
  'wowza-video': hex(8),
  'wowza-realtime': fc.tuple(hex(32), hex(64)).map(([name, token]) => `${name}?token=${token}`),
  liveapi: fc.tuple(hex(32), hex(8)).map(([name, password]) => `lv_${name}?password=${password}`),
  'videosdk-v1': fc.uuid(),
  // A JWT of the sandbox's length (289), longer than any id may be.
  'videosdk-v2': fc
    .tuple(base64url(200, 240), base64url(43, 43))
    .map(([payload, signature]) => `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ${payload}.${signature}`),
};

let sandbox: Sandbox;

function providerOf(dialect: Dialect): LiveStreamProvider {
  switch (dialect) {
    case 'wowza-video':
      return wowzaVideo(sandbox.adapterSettings('wowza-video'));
    case 'wowza-realtime':
      return wowzaRealtime(sandbox.adapterSettings('wowza-realtime'));
    case 'liveapi':
      return liveapi(sandbox.adapterSettings('liveapi'));
    case 'videosdk-v1':
      return videosdk({ ...sandbox.adapterSettings('videosdk'), apiVersion: 'v1' });
    case 'videosdk-v2':
      return videosdk({ ...sandbox.adapterSettings('videosdk'), apiVersion: 'v2' });
  }
}

/** What the `onError` hook of every client here was handed since the run began: each error as JSON and inspected. */
const heard: string[] = [];
const hooks = {
  onError: (event: { error: unknown }) => {
    heard.push(JSON.stringify(event.error), inspect(event.error));
  },
};

/** One provider per dialect, with a client and a registry on it, and the key of a stream made through it. */
interface Known {
  provider: LiveStreamProvider;
  client: ReturnType<typeof createLiveStreamClient>;
  registry: ReturnType<typeof createLiveStreamRegistry>;
  key: string;
}
const known = new Map<Dialect, Known>();

beforeAll(async () => {
  sandbox = await startSandbox({ transitionMs: 50, media: false });
  for (const dialect of dialects) {
    const provider = providerOf(dialect);
    const client = createLiveStreamClient(provider, { hooks });
    const registry = createLiveStreamRegistry({ providers: { main: provider } });
    const stream = await client.create({ name: 'keyed' });
    const key = stream.ingest.map((endpoint) => endpoint.streamKey).find((value) => value !== undefined);
    if (key === undefined) throw new Error(`${dialect}: the sandbox issued no stream key`);
    known.set(dialect, { provider, client, registry, key });
  }
});
afterAll(async () => {
  await sandbox?.close();
});

const paths = ['client', 'provider', 'registry', 'cli'] as const;
type Path = (typeof paths)[number];

/** The error `get` or `delete` of `id` ends in, through `path`, and all the CLI printed when it ran. */
async function failure(
  path: Path,
  dialect: Dialect,
  operation: 'get' | 'delete',
  id: string,
  fresh: boolean,
): Promise<{ error?: unknown; printed: string }> {
  if (path === 'cli') {
    // A new run, as every CLI command is: it never saw the key.
    const { out, err, output } = capturedOutput();
    const provider = dialect.startsWith('videosdk') ? 'videosdk' : dialect;
    vi.stubEnv('VIDEOSDK_API_VERSION', dialect === 'videosdk-v1' ? 'v1' : 'v2');
    try {
      const code = await main([operation, id, '-p', provider, '--json'], {
        output,
        environment: { UNILIVE_SANDBOX_URL: sandbox.url },
      });
      expect(code).not.toBe(0);
    } finally {
      vi.unstubAllEnvs();
    }
    const json = out.length > 0 ? (JSON.parse(out.join('\n')) as { error?: Record<string, unknown> }) : {};
    return { error: json.error, printed: [...out, ...err].join('\n') };
  }
  const owner = known.get(dialect) as Known;
  const provider = fresh ? providerOf(dialect) : owner.provider;
  const run =
    path === 'client'
      ? () => (fresh ? createLiveStreamClient(provider, { hooks }) : owner.client)[operation](id)
      : path === 'provider'
        ? () => provider[operation](id)
        : () =>
            (fresh ? createLiveStreamRegistry({ providers: { main: provider } }) : owner.registry)[operation](
              `main:${id}`,
            );
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { error, printed: '' };
}

describe('a stream key passed where an id goes', () => {
  it('never shows in the error (JSON, inspect, String, message) nor the CLI output; streamId is the id given, a known key masked (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.constantFrom(...dialects),
        fc.constantFrom(...dialects).chain((of) =>
          fc.record({
            of: fc.constant(of),
            key: keyOf[of],
            which: fc.constantFrom('generated', 'issued', 'known'),
          }),
        ),
        fc.constantFrom('get' as const, 'delete' as const),
        async (path, dialect, { of, key: generated, which }, operation) => {
          // `issued`: a real key the sandbox issued for a stream of `of`, which this client never saw (a
          // fresh provider); `known`: the key of the stream this very client made (`of` is its vendor). The
          // CLI, a new run each time, knows no key.
          const knows = which === 'known' && path !== 'cli';
          const key =
            which === 'generated' ? generated : (known.get(which === 'known' ? dialect : of) as Known).key;
          heard.length = 0;
          const { error, printed } = await failure(path, dialect, operation, key, !knows);
          expect(error, 'the call fails').toBeDefined();
          const shown =
            path === 'cli'
              ? printed
              : [
                  JSON.stringify(error),
                  inspect(error),
                  inspect(error, { showHidden: true }),
                  String(error),
                  (error as Error).message,
                  (error as Error).stack,
                  JSON.stringify({ ...(error as object) }),
                  ...heard,
                ].join('\n');
          expect(leaked(shown, [key]), 'the key in what the error shows').toBeUndefined();
          const name = path === 'cli' ? (error as { name?: unknown }).name : (error as Error).name;
          // A key that vendor's ids cannot be is refused before any request; any other reaches the vendor,
          // which has no such stream.
          const accepted = /^[0-9a-f]{8}$/.test(key) || /^[0-9a-f-]{36}$/.test(key);
          expect(name).toBe(accepted ? 'NotFoundError' : 'InvalidInputError');
          if (path === 'cli') {
            expect(error).not.toHaveProperty('streamId');
            return;
          }
          if (NotFoundError.isInstance(error)) {
            expect(error.streamId).toBe(knows ? redactedMarker : key);
            expect(error.toJSON()).not.toHaveProperty('streamId');
            expect(Object.keys(error)).not.toContain('streamId');
          } else {
            expect(InvalidInputError.isInstance(error)).toBe(true);
          }
        },
      ),
      {
        numRuns: 40,
        examples: [
          // (`key`, the generated one, is not read for `issued` and `known`.)
          // Real keys the sandbox issued, an 8-hex Wowza Video key and a videosdk v1 UUID key,
          // through every path, on their own vendor and another.
          ...paths.flatMap((path) =>
            (['wowza-video', 'videosdk-v1'] as const).flatMap((of) =>
              (['wowza-video', 'wowza-realtime', 'videosdk-v1'] as const).map(
                (dialect) =>
                  [path, dialect, { of, key: '00000000', which: 'issued' }, 'get'] as [
                    Path,
                    Dialect,
                    { of: Dialect; key: string; which: string },
                    'get' | 'delete',
                  ],
              ),
            ),
          ),
          // Known secrets: the key of the stream this client made, masked in streamId.
          ['client', 'wowza-video', { of: 'wowza-video', key: '00000000', which: 'known' }, 'delete'],
          ['provider', 'videosdk-v1', { of: 'videosdk-v1', key: '00000000', which: 'known' }, 'get'],
          ['registry', 'wowza-video', { of: 'wowza-video', key: '00000000', which: 'known' }, 'get'],
          // Keys that no id can be, refused before any request.
          ['cli', 'liveapi', { of: 'liveapi', key: '00000000', which: 'issued' }, 'get'],
          ['client', 'wowza-video', { of: 'videosdk-v2', key: '00000000', which: 'issued' }, 'delete'],
        ],
      },
    );
  });
});
