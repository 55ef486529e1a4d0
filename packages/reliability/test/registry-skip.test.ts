import {
  createLiveStreamRegistry,
  InvalidInputError,
  type LiveStreamProvider,
  UniliveError,
  type WarningEvent,
} from '@unilive/core';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { createMemoryBackend, createMemoryProvider, SecretScanner } from '@unilive/testing';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import { checkSection } from './check-rows.js';

// A registry of every adapter on one sandbox, and of an adapter from outside (the memory provider, built on
// core's HTTP layer as docs/adding-an-adapter.md describes), one of them configured with a credential no
// header can carry (an adapter's from its environment variable, since its factory refuses such a setting),
// which it finds out only when called. Listed with `onProviderError: 'skip'`, every other
// provider's streams come out, in order, and one warning names the broken provider and its error, with no
// credential in it; without 'skip' the same failure ends the walk. A bad list option still fails the list
// before any request.

const runs = Number(process.env.UNILIVE_REGISTRY_SKIP_RUNS ?? 12);

const kinds = [...adapterIds, 'memory'] as const;
type Kind = (typeof kinds)[number];

let sandbox: Sandbox;
const memoryToken = 'memory-token-registry-skip-0123';
const memoryBackend = createMemoryBackend({ token: memoryToken });
const scanner = new SecretScanner();

/**
 * The provider of a kind, with its credentials as given or each replaced by `credential`: for an adapter, read
 * from its environment variables (an adapter's factory refuses such a setting; a variable is read, and
 * refused, at each call). The memory provider has no variable and refuses such a token at configure time, as
 * an adapter's factory does: its `list` builds it, so the refusal comes at the call, as an adapter's does.
 */
function providerOf(kind: Kind, credential?: string): LiveStreamProvider {
  if (kind === 'memory') {
    const working = createMemoryProvider({ backend: memoryBackend, token: memoryToken });
    if (credential === undefined) return working;
    return {
      ...working,
      async *list(options) {
        yield* createMemoryProvider({ backend: memoryBackend, token: credential }).list(options);
      },
    };
  }
  const spec = adapters[kind as AdapterId];
  const settings: Record<string, unknown> = {
    ...sandbox.adapterSettings(spec.provider),
    ...spec.settings,
  };
  if (credential !== undefined) {
    for (const setting of spec.credentialSettings) {
      delete settings[setting];
      const variable = spec.credentialVariables[setting];
      if (variable !== undefined) vi.stubEnv(variable, credential);
    }
  }
  return spec.factory(settings);
}

beforeAll(async () => {
  sandbox = await startSandbox({ transitionMs: 5 });
  for (const id of adapterIds) {
    for (const [label, value] of Object.entries(sandbox.credentials(adapters[id].provider)))
      scanner.register(`${id} ${label}`, value);
  }
  scanner.register('memory token', memoryToken);
  // Two streams on each vendor, so every provider has something to list.
  for (const kind of kinds) {
    const provider = providerOf(kind);
    for (const index of [1, 2]) await provider.create({ name: `registry skip ${kind} ${index}` });
  }
});

afterAll(async () => {
  await sandbox?.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

// A credential as a user may paste it: printable characters around a line break or other control character,
// which no HTTP header can carry. The control character sits inside: whitespace at either end of a credential
// setting is dropped, as around a variable, so `key\r\n` is a working credential.
const unsendable = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9_-]{4,24}$/),
    // (No NUL: the adapters read it from a variable, whose value a NUL would end.)
    fc.constantFrom('\r\n', '\n', '\r', '\u001b', '\u007f'),
    fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
  )
  .map(([before, control, after]) => `${before}${control}${after}`);

// The skip check's rows are by the provider that failed.
const { counted } = checkSection('registry.skip', 'registry');

describe("a registry's list with onProviderError 'skip'", () => {
  it('lists every other provider and names the one whose configuration fails when called', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...kinds], { minLength: kinds.length }),
        fc.constantFrom(...kinds),
        unsendable,
        (order, broken, credential) =>
          counted(
            "list with onProviderError 'skip' lists every other provider; one warning names the one that failed",
            broken,
            async () => {
              vi.unstubAllEnvs();
              scanner.register(`${broken} unsendable credential`, credential);
              // Registry names are the kinds (`videosdk-v2`), so every provider, videosdk's two included, has its own.
              const providers = Object.fromEntries(
                order.map((kind) => [kind, providerOf(kind, kind === broken ? credential : undefined)]),
              );
              const warnings: WarningEvent[] = [];
              const registry = createLiveStreamRegistry({
                providers,
                hooks: { onWarning: (event) => warnings.push(event) },
              });
              // What each working provider lists on its own, in the registry's order.
              const expected: string[] = [];
              for (const kind of order) {
                if (kind === broken) continue;
                for (const stream of await registry.client(kind).list().toArray())
                  expected.push(`${kind}:${stream.id}`);
              }
              expect(expected.length).toBeGreaterThanOrEqual(2 * (kinds.length - 1));

              const listed = await registry.list({ onProviderError: 'skip' }).toArray();
              expect(listed.map((stream) => stream.ref)).toEqual(expected);
              expect(warnings).toHaveLength(1);
              const [event] = warnings;
              expect(event).toMatchObject({
                provider: providers[broken]?.id,
                operation: 'list',
                warning: { type: 'skipped-provider' },
              });
              expect(event?.warning.message).toMatch(
                new RegExp(
                  `^${broken} failed after 0 stream\\(s\\) and was skipped: InvalidInputError, not-sent: ${providers[broken]?.id}: `,
                ),
              );
              scanner.recordText(event?.warning.message ?? '', `skipped-provider warning (${broken})`);

              // Without 'skip' the walk ends with the same failure, naming the provider, after what came before it.
              const seen: string[] = [];
              let thrown: unknown;
              try {
                for await (const stream of registry.list()) seen.push(stream.ref);
              } catch (error) {
                thrown = error;
              }
              scanner.recordError(thrown, `list error (${broken})`);
              expect(InvalidInputError.isInstance(thrown)).toBe(true);
              expect(thrown).toMatchObject({ providerName: broken, delivery: 'not-sent', operation: 'list' });
              expect(seen).toEqual(
                expected.filter((ref) => order.indexOf(ref.split(':')[0] as Kind) < order.indexOf(broken)),
              );
            },
          ),
      ),
      { numRuns: runs },
    );
    expect(scanner.leaks()).toEqual([]);
  });

  it("refuses a bad list option before any request, even with 'skip'", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(0, -1, 1.5, Number.NaN).map((value) => ({ pageSize: value })),
          fc.constantFrom(0, -3, 2.5).map((value) => ({ maxPages: value })),
          fc.constantFrom(0, -1, Number.POSITIVE_INFINITY, 2 ** 31).map((value) => ({ timeoutMs: value })),
        ),
        (bad) =>
          counted(
            "a bad list option is refused before any request, even with 'skip'",
            'memory and every adapter',
            async () => {
              let requests = 0;
              const registry = createLiveStreamRegistry({
                providers: Object.fromEntries(kinds.map((kind) => [kind, providerOf(kind)])),
                hooks: { onRequest: () => (requests += 1) },
              });
              let thrown: unknown;
              try {
                await registry.list({ ...bad, onProviderError: 'skip' }).toArray();
              } catch (error) {
                thrown = error;
              }
              expect(InvalidInputError.isInstance(thrown)).toBe(true);
              expect(UniliveError.isInstance(thrown) && thrown.delivery).toBe('not-sent');
              expect((thrown as InvalidInputError).issues.map((issue) => issue.path)).toEqual(
                Object.keys(bad).map((name) => `options.${name}`),
              );
              expect(requests).toBe(0);
            },
          ),
      ),
      { numRuns: 20 },
    );
  });
});
