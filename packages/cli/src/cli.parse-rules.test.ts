import type { ConfiguredProviderFactory } from '@unilive/core';
import { createMemoryBackend, createMemoryProvider } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from './cli.js';
import { commands } from './commands/index.js';
import type { Output } from './progress.js';

// How the command line is read: an option's value that is an option, a switch given a value, and the one
// error document every error prints under --json.

const token = 'cli-parse-rules-token-1234';

function harness(environment: Record<string, string | undefined> = { UNILIVE_PROVIDER: 'memory' }) {
  const backend = createMemoryBackend({ token, transitionPolls: 1 });
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (text) => out.push(text), err: (text) => err.push(text), interactive: false };
  const loadFactory = async (id: string) =>
    id === 'memory'
      ? ((() => createMemoryProvider({ backend, token })) as unknown as ConfiguredProviderFactory)
      : undefined;
  const run = (...argv: string[]) =>
    main(argv, { output, loadFactory, environment, readStdin: async () => '' });
  const streams = async () => {
    const found = [];
    for await (const stream of createMemoryProvider({ backend, token }).list()) found.push(stream);
    return found;
  };
  return { run, out, err, streams };
}

// Every option of every command as it is spelled long, with whether it takes a value.
const options = commands.flatMap((spec) =>
  spec.options.map((option) => ({
    command: spec.name,
    long: /--[a-z-]+/.exec(option.flags)?.[0] ?? '',
    takesValue: option.flags.includes('<'),
  })),
);

describe('an option whose value would be another option', () => {
  it('is refused as the option lacking its value, for every value option and every option after it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...options.filter((option) => option.takesValue)),
        fc.nat(),
        async (option, pick) => {
          const others = options.filter((other) => other.command === option.command);
          const next = others[pick % others.length]?.long ?? '--json';
          const { run, out, err, streams } = harness();
          expect(await run(option.command, option.long, next)).toBe(2);
          expect(err[0]).toBe(
            `unilive ${option.command}: ${option.long} needs a value (an argument that starts with "-" is an option; give such a value as ${option.long}=VALUE)`,
          );
          // Nothing was sent: the slip made nothing on the vendor.
          expect(await streams()).toEqual([]);
          if (next !== '--json') expect(out).toEqual([]);
        },
      ),
      {
        numRuns: 60,
        examples: [
          [{ command: 'create', long: '--name', takesValue: true }, 0],
          [{ command: 'list', long: '--limit', takesValue: true }, 0],
        ],
      },
    );
    // `--name --json` named a stream `--json` and printed text.
    const { run, out, streams } = harness();
    expect(await run('create', '--name', '--json')).toBe(2);
    expect(await streams()).toEqual([]);
    expect(JSON.parse(out[0] ?? 'null')).toMatchObject({ error: { name: 'UsageError' } });
  });

  it('is taken when joined to its option (--name=-x), and a lone "-" stays a value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^-{1,2}[a-z][a-z-]{0,10}$/), async (name) => {
        const { run, out, streams } = harness();
        expect(await run('create', `--name=${name}`, '--json')).toBe(0);
        expect(JSON.parse(out[0] ?? 'null')).toMatchObject({ name });
        expect((await streams()).map((stream) => stream.name)).toEqual([name]);
      }),
      { numRuns: 15, examples: [['--json'], ['-x']] },
    );
    const { run, err } = harness();
    // `-` is standard input for a -file option, never an option: the read is what fails (empty input).
    expect(await run('list', '--token-file', '-')).toBe(2);
    expect(err.at(-1)).toBe('unilive: --token-file: the file is empty');
  });
});

describe('a switch given a value', () => {
  it('is told it takes no value, never "unknown option", for every switch of every command', async () => {
    const switches = options.filter((option) => !option.takesValue);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...switches),
        fc.constantFrom('1', 'true', 'no', '5', ''),
        async (option, value) => {
          const { run, err, streams } = harness();
          expect(
            await run(
              option.command,
              ...(option.command === 'create' ? ['--name', 'x'] : []).concat(`${option.long}=${value}`),
            ),
          ).toBe(2);
          const opposite = option.long.startsWith('--no-')
            ? `--${option.long.slice(5)}`
            : `--no-${option.long.slice(2)}`;
          const hasOpposite = options.some(
            (other) => other.command === option.command && other.long === opposite,
          );
          expect(err[0]).toBe(
            `unilive ${option.command}: ${option.long} takes no value: give ${option.long} alone${hasOpposite ? ` or ${opposite}` : ', or leave it out'}`,
          );
          expect(await streams()).toEqual([]);
        },
      ),
      {
        numRuns: 60,
        examples: [
          [{ command: 'create', long: '--low-latency', takesValue: false }, '1'],
          [{ command: 'update', long: '--recording', takesValue: false }, 'no'],
          [{ command: 'list', long: '--json', takesValue: false }, '1'],
        ],
      },
    );
  });
});

describe('errors under --json', () => {
  // Each refused before any request, by the CLI's parser or its own checks, and one the library refuses.
  const usageErrors: [string[], Record<string, string | undefined>][] = [
    [['create', '--name', 'x'], {}],
    [['create'], { UNILIVE_PROVIDER: 'memory' }],
    [['create', '--name', 'x', '--protocol', 'xyz'], { UNILIVE_PROVIDER: 'memory' }],
    [['list', '--limit', '0'], { UNILIVE_PROVIDER: 'memory' }],
    [['list', '--nosuch'], { UNILIVE_PROVIDER: 'memory' }],
    [['list', '--config', '/nonexistent/unilive.json'], {}],
    [['wait', 'abc', 'Ready'], { UNILIVE_PROVIDER: 'memory' }],
    [['get', 'abc', 'extra'], { UNILIVE_PROVIDER: 'memory' }],
    [['list', '--provider', 'livepi'], {}],
  ];

  it('print one {"error": …} document on stdout beside the line on stderr, whoever raised them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...usageErrors), fc.boolean(), async ([argv, environment], first) => {
        const { run, out, err } = harness(environment);
        expect(await run(...(first ? ['--json', ...argv] : [...argv, '--json'])), argv.join(' ')).toBe(2);
        expect(out).toHaveLength(1);
        const document = JSON.parse(out[0] ?? 'null') as { error: Record<string, unknown> };
        expect(Object.keys(document)).toEqual(['error']);
        expect(document.error).toMatchObject({ delivery: 'not-sent', isRetryable: false });
        expect(document.error.name).toMatch(/^(UsageError|InvalidInputError)$/);
        // The message is the stderr line's, without its `unilive …:` (and, for the library's, `Name:`) start.
        expect(err[0]).toMatch(/^unilive( [a-z]+)?: /);
        expect(err[0]?.endsWith(`: ${document.error.message}`)).toBe(true);
      }),
      {
        numRuns: 30,
        examples: usageErrors.map((error): [(typeof usageErrors)[number], boolean] => [error, false]),
      },
    );
  });

  it('leave stdout empty without --json, and a "--json" after "--" or inside a value asks for nothing', async () => {
    for (const [argv, environment] of usageErrors) {
      const { run, out } = harness(environment);
      expect(await run(...argv)).toBe(2);
      expect(out).toEqual([]);
    }
    const { run, out } = harness({});
    expect(await run('create', '--name=--json')).toBe(2);
    expect(out).toEqual([]);
  });
});
