import { join } from 'node:path';
import type { ConfiguredProviderFactory, LiveStreamProvider } from '@unilive/core';
import { createMemoryBackend, createMemoryProvider } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cliRunner, leaked, temporaryFolder, twoMemoryProviders } from '../test/secrets.js';
import { skippedCountLine } from './connection.js';

// Every output line of `list` and of a real `migrate` is masked by the secrets of every stream the command
// shows, not only by those the provider knew when a line's text was made.

const encodings = {
  plain: (value: string) => value,
  url: (value: string) => encodeURIComponent(value),
  base64: (value: string) => Buffer.from(value).toString('base64'),
  json: (value: string) => JSON.stringify(value).slice(1, -1),
} as const;
type Encoding = keyof typeof encodings;

/** What the next command's provider does beyond the memory vendor's own behaviour. */
interface Script {
  /** Skipped-record warnings a list reports before it reads its first page, each made from the keys listed. */
  skipped: ((keys: readonly string[]) => string)[];
  /** Keys the vendor issued, by stream id, read before the list runs (the test's own knowledge). */
  keys: string[];
  /** A warning a create adds, quoting the name it was given. */
  echoName: boolean;
}

const folder = temporaryFolder('unilive-cli-masking-');

function harness() {
  const token = 'cli-masking-token-1234';
  const backend = createMemoryBackend({ token, transitionPolls: 0 });
  const script: Script = { skipped: [], keys: [], echoName: false };
  // A provider from outside the repository, built on the memory vendor: its list reports records it
  // skipped (a legacy id quoting another stream's key) before the walk reaches the stream it quotes, and
  // its create may say what it did with the name it was given.
  const provider = (): LiveStreamProvider => {
    const base = createMemoryProvider({ backend, token });
    return {
      ...base,
      async create(input, options) {
        const made = await base.create(input, options);
        if (!script.echoName) return made;
        return {
          ...made,
          warnings: [
            ...(made.warnings ?? []),
            { type: 'unsupported-setting', setting: 'name', message: `name kept as given: ${input.name}` },
          ],
        };
      },
      async *list(options) {
        for (const make of script.skipped) {
          options?.runtime?.hooks?.onWarning?.({
            provider: 'memory',
            operation: 'list',
            warning: { type: 'skipped-record', message: make(script.keys) },
          });
        }
        yield* base.list(options);
      },
    };
  };
  const loadFactory = async (id: string) =>
    id === 'memory' ? ((() => provider()) as ConfiguredProviderFactory) : undefined;
  const cli = cliRunner(loadFactory);
  const { out, err } = cli;
  return {
    out,
    err,
    script,
    reset() {
      out.length = 0;
      err.length = 0;
      script.skipped = [];
      script.echoName = false;
    },
    single: cli.single,
    several: cli.several,
    /** Creates a stream on the single provider and returns its id and stream key. */
    async create(name: string) {
      expect(await cli.single('create', '--name', name, '--json', '--show-secrets')).toBe(0);
      const made = JSON.parse(out.pop() ?? '{}') as { id: string; ingest: { streamKey?: string }[] };
      return { id: made.id, key: made.ingest.find((endpoint) => endpoint.streamKey)?.streamKey ?? '' };
    },
  };
}

// Each case runs a few CLI commands; a limit ends a hang, it never measures speed.
const cliRunLimitMs = 600_000;

describe('unilive list', () => {
  it(
    'masks a skipped record quoting the key of a stream listed after it, in every encoding, text and --json',
    async () => {
      const h = harness();
      const made = [await h.create('First'), await h.create('Second'), await h.create('Third')];
      h.script.keys = made.map((stream) => stream.key);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...(Object.keys(encodings) as Encoding[])),
          fc.integer({ min: 0, max: made.length - 1 }),
          fc.boolean(),
          async (encoding, which, json) => {
            h.reset();
            h.script.skipped = [
              (keys) => `memory list: record legacy:${encodings[encoding](keys[which] ?? '')} was skipped`,
            ];
            expect(await h.single('list', ...(json ? ['--json'] : []))).toBe(0);
            expect(h.err).toEqual(['unilive: warning: memory list: record legacy:[REDACTED] was skipped']);
            expect(leaked([...h.out, ...h.err].join('\n'), h.script.keys)).toBeUndefined();
            // The listing itself is whole.
            const listed = json
              ? (JSON.parse(h.out[0] ?? '[]') as { id: string }[]).map((stream) => stream.id)
              : (h.out[0] ?? '')
                  .split('\n')
                  .slice(2)
                  .map((line) => line.split(/\s+/)[0]);
            expect(listed.sort()).toEqual(made.map((stream) => stream.id).sort());
          },
        ),
        { numRuns: 16 },
      );
      // With --show-secrets the warning is printed as the provider gave it.
      h.reset();
      h.script.skipped = [(keys) => `record legacy:${keys[2]} was skipped`];
      expect(await h.single('list', '--show-secrets')).toBe(0);
      expect(h.err).toEqual([`unilive: warning: record legacy:${h.script.keys[2]} was skipped`]);
    },
    cliRunLimitMs,
  );

  it(
    `names each skipped record on its own line, and counts them on one more from ${skippedCountLine} on`,
    async () => {
      const h = harness();
      await h.create('Kept');
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: skippedCountLine + 5 }), async (count) => {
          h.reset();
          h.script.skipped = Array.from(
            { length: count },
            (_, index) => () => `record old:${index} was skipped`,
          );
          expect(await h.single('list')).toBe(0);
          expect(h.err).toEqual([
            ...Array.from(
              { length: count },
              (_, index) => `unilive: warning: record old:${index} was skipped`,
            ),
            ...(count >= skippedCountLine
              ? [`unilive: warning: ${count} streams were left out of the list (named above)`]
              : []),
          ]);
        }),
        { numRuns: 12 },
      );
    },
    cliRunLimitMs,
  );
});

describe('unilive migrate', () => {
  it(
    "masks the source's key carried in the new stream's name and warnings, in text and --json",
    async () => {
      const config = await twoMemoryProviders(join(folder(), 'two.json'));
      const h = harness();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...(Object.keys(encodings) as Encoding[])),
          fc.constantFrom<string[]>([], ['--json'], ['--json', '--raw']),
          fc.boolean(),
          async (encoding, mode, deleteSource) => {
            h.reset();
            // The source, named after its own key (a vendor dashboard that defaults names to keys does this).
            expect(
              await h.several(config, 'create', '--name', 'Echo', '--on', 'a', '--json', '--show-secrets'),
            ).toBe(0);
            const source = JSON.parse(h.out.pop() ?? '{}') as {
              ref: string;
              ingest: { streamKey?: string }[];
            };
            const key = source.ingest.find((endpoint) => endpoint.streamKey)?.streamKey ?? '';
            expect(
              await h.several(config, 'update', source.ref, '--name', `Echo ${encodings[encoding](key)}`),
            ).toBe(0);
            h.reset();
            h.script.echoName = true;
            const code = await h.several(
              config,
              'migrate',
              source.ref,
              '--to',
              'b',
              ...(deleteSource ? ['--delete-source'] : []),
              ...mode,
            );
            expect(code).toBe(0);
            const shown = [...h.out, ...h.err].join('\n');
            expect(leaked(shown, [key])).toBeUndefined();
            if (mode.length === 0) {
              expect(shown).toContain('Echo [REDACTED]  [memory b:');
              expect(shown).toContain('  warning:    name kept as given: Echo [REDACTED]');
            } else {
              const json = JSON.parse(h.out[0] ?? '{}') as {
                stream: { name: string };
                warnings: { message: string }[];
                sourceDeleted: boolean;
              };
              expect(json.stream.name).toBe('Echo [REDACTED]');
              expect(json.warnings).toContainEqual({
                type: 'unsupported-setting',
                setting: 'name',
                message: 'name kept as given: Echo [REDACTED]',
              });
              expect(json.sourceDeleted).toBe(deleteSource);
            }
          },
        ),
        { numRuns: 12 },
      );
    },
    cliRunLimitMs,
  );
});
