import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ConfiguredProviderFactory, environmentView, InvalidInputError } from '@unilive/core';
import { createMemoryBackend, createMemoryProvider } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capturedOutput, testFolder } from '../test/secrets.js';
import { type CliEnvironment, main } from './cli.js';
import { commands } from './commands/index.js';
import type { Output } from './progress.js';
import { version } from './version.js';

// The command line as a person meets it: version, help, usage errors, secrets and what reaches the terminal.

const token = 'cli-memory-token-1234';

// The usage line of a generated unknown option (`--zz…`): the CLI may add the nearest option it has
// (`--zzon` is one letter from `--json`: "(did you mean --json?)"), which the hint tests assert; these
// properties assert the line itself.
function unknownOptionLine(prefix: string, flag: string): RegExp {
  const escaped = `${prefix}: unknown option ${flag}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}(?: \\(did you mean --[a-z-]+\\?\\))?$`);
}

function harness(environment: CliEnvironment['environment'] = { UNILIVE_PROVIDER: 'memory' }) {
  const backend = createMemoryBackend({ token, transitionPolls: 1 });
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (text) => out.push(text), err: (text) => err.push(text), interactive: false };
  const settingsSeen: Record<string, unknown>[] = [];
  const loadFactory = async (id: string) =>
    id === 'memory'
      ? (((settings: Record<string, unknown>) => {
          settingsSeen.push(settings);
          return createMemoryProvider({ backend, token: String(settings.token ?? token) });
        }) as ConfiguredProviderFactory)
      : undefined;
  let stdin = '';
  const run = (...argv: string[]) =>
    main(argv, { output, loadFactory, environment, readStdin: async () => stdin });
  return {
    run,
    out,
    err,
    backend,
    settingsSeen,
    setStdin: (text: string) => {
      stdin = text;
    },
  };
}

describe('unilive --version and --help', () => {
  it('prints the package version', async () => {
    const { run, out } = harness();
    expect(await run('--version')).toBe(0);
    expect(out).toEqual([version]);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each(commands.map((command) => command.name))(
    '%s --help lists its own options and exits 0',
    async (name) => {
      const { run, out, backend } = harness();
      expect(await run(name, '--help')).toBe(0);
      const help = out.join('\n');
      expect(help).toContain(`Usage: unilive ${name}`);
      const spec = commands.find((command) => command.name === name);
      for (const option of spec?.options ?? []) {
        const long = /--[\w-]+/.exec(option.flags)?.[0] ?? '';
        expect(help).toContain(long);
      }
      expect(help).toContain('Exit codes: 0 success');
      expect(backend.counts.requests).toBe(0);
    },
  );

  it('without a command prints the overview on stderr and exits 2', async () => {
    const { run, err } = harness();
    expect(await run()).toBe(2);
    for (const command of commands) expect(err.join('\n')).toContain(command.name);
  });
});

describe('environment variables', () => {
  it('reads a blank one as absent and trims the whitespace around a value, as the adapters do', async () => {
    const blank = fc.string({ unit: fc.constantFrom(' ', '\t', '\r', '\n'), maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(blank, blank, blank, blank, async (before, after, sandbox, config) => {
        // A blank sandbox URL or config path is no sandbox and no file, as an empty one is.
        const { run, err } = harness({
          UNILIVE_PROVIDER: `${before}memory${after}`,
          UNILIVE_SANDBOX_URL: sandbox,
          UNILIVE_CONFIG: config,
        });
        expect(await run('list', '--json'), err.join('\n')).toBe(0);
      }),
      { numRuns: 25 },
    );
  });
});

describe('on an older Node.js', () => {
  it('bin says what it needs in one line before loading anything', () => {
    for (const version of ['18.20.8', '20.20.2', '22.11.0']) {
      const run = spawnSync(
        process.execPath,
        [
          '--import',
          `data:text/javascript,Object.defineProperty(process.versions,'node',{value:'${version}'})`,
          fileURLToPath(new URL('./bin.ts', import.meta.url)),
          '--version',
        ],
        { encoding: 'utf8' },
      );
      expect([run.status, run.stdout, run.stderr]).toEqual([
        1,
        '',
        `unilive: needs Node.js 22.12 or newer; this is Node.js ${version}. Install a current Node.js and run it again.\n`,
      ]);
    }
  });
});

describe('usage errors', () => {
  it('an unknown flag gets one line and the command usage, never its value', async () => {
    const { run, err, out } = harness();
    expect(await run('list', '--tokn=s3cr3t-value')).toBe(2);
    expect(err).toEqual([
      // The nearest option to the name typed, never to the value.
      'unilive list: unknown option --tokn (did you mean --token?)',
      'Usage: unilive list [options]',
      'Run "unilive list --help" for every option.',
    ]);
    expect(out).toEqual([]);
  });

  // The library's options are camelCase (`pageSize`), the command line's kebab-case (`--page-size`).
  it('names an option typed in camelCase and the kebab-case option it spells; any other stays unshown', async () => {
    const listed: unknown[] = [];
    for (const [typed, line] of [
      [['--pageSize', '2'], 'unilive list: unknown option --pageSize (did you mean --page-size?)'],
      [['--pageSize=2'], 'unilive list: unknown option --pageSize (did you mean --page-size?)'],
      [['--showSecrets'], 'unilive list: unknown option --showSecrets (did you mean --show-secrets?)'],
      [['--timeoutMs=5'], 'unilive list: unknown option --timeoutMs (did you mean --timeout-ms?)'],
      // No option of `list` is spelt so: a camelCase password is never repeated.
      [['--correctHorse'], 'unilive list: unknown option (not shown: it is not an option name)'],
      // commander's own suggestion, which names only options that exist, stays.
      [
        ['--pageSizes'],
        'unilive list: unknown option (not shown: it is not an option name) (did you mean --page-size?)',
      ],
      [
        ['--PageSize'],
        'unilive list: unknown option (not shown: it is not an option name) (did you mean --page-size?)',
      ],
    ] as const) {
      const { run, err, out } = harness();
      expect(await run('list', ...typed)).toBe(2);
      expect(err[0]).toBe(line);
      expect(out).toEqual([]);
      listed.push(typed);
    }
    expect(listed).toHaveLength(7);
  });

  it('list --page-size asks each vendor page for that many streams; a value that is no whole number is refused', async () => {
    const backend = createMemoryBackend({ token, transitionPolls: 1 });
    const pageSizes: unknown[] = [];
    const loadFactory = async () =>
      (() => {
        const provider = createMemoryProvider({ backend, token });
        return {
          ...provider,
          list: (options?: { pageSize?: number }) => {
            pageSizes.push(options?.pageSize);
            return provider.list(options);
          },
        };
      }) as unknown as ConfiguredProviderFactory;
    const out: string[] = [];
    const err: string[] = [];
    const output: Output = {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      interactive: false,
    };
    const run = (...argv: string[]) =>
      main(argv, { output, loadFactory, environment: { UNILIVE_PROVIDER: 'memory' } });
    expect(await run('list', '--page-size', '2', '--json')).toBe(0);
    expect(await run('list', '--json')).toBe(0);
    expect(pageSizes).toEqual([2, undefined]);
    for (const value of ['0', '-1', '2.5', 'x']) {
      err.length = 0;
      expect(await run('list', `--page-size=${value}`)).toBe(2);
      expect(err[0]).toMatch(/^unilive: --page-size expects a whole number/);
    }
    expect(pageSizes).toHaveLength(2);
  });

  // commander looked for the nearest option in the whole token: `--x=secret` drew "did you mean --secret?",
  // telling an onlooker what the value looks like.
  it('suggests an option from the name typed alone, never from the value after =', async () => {
    for (const [typed, line] of [
      ['--x=secret', 'unilive list: unknown option --x'],
      ['--zz=json', 'unilive list: unknown option --zz'],
      ['--q=limit', 'unilive list: unknown option --q'],
      ['--limt=5', 'unilive list: unknown option --limt (did you mean --limit?)'],
      ['--limt', 'unilive list: unknown option --limt (did you mean --limit?)'],
    ] as const) {
      const { run, err } = harness();
      expect(await run('list', typed)).toBe(2);
      expect(err[0]).toBe(line);
    }
  });

  it('--config - reads the configuration from standard input; UNILIVE_CONFIG=- names a file', async () => {
    const { run, out, err, setStdin, backend } = harness({});
    setStdin(JSON.stringify({ providers: [{ provider: 'memory', name: 'piped', token }] }));
    expect(await run('create', '--config', '-', '--name', 'From a pipe', '--json')).toBe(0);
    expect(JSON.parse(out.pop() ?? '{}')).toMatchObject({
      name: 'From a pipe',
      ref: expect.stringMatching(/^piped:/),
    });
    expect(err).toEqual([]);
    setStdin('{"providers": [');
    expect(await run('list', '--config', '-')).toBe(2);
    expect(err.pop()).toBe('unilive: --config: the file is not JSON');
    const requests = backend.counts.requests;
    const fromEnvironment = harness({ UNILIVE_CONFIG: '-' });
    fromEnvironment.setStdin(JSON.stringify({ providers: [{ provider: 'memory', token }] }));
    expect(await fromEnvironment.run('list')).toBe(2);
    expect(fromEnvironment.err[0]).toBe('unilive: UNILIVE_CONFIG: no such file');
    expect(backend.counts.requests).toBe(requests);
  });

  it('suggests the command meant', async () => {
    const { run, err } = harness();
    expect(await run('lsit')).toBe(2);
    expect(err).toEqual([
      `unilive: unknown command (did you mean list?); the commands are ${commands.map((c) => c.name).join(', ')}`,
    ]);
  });

  it('an unknown command with --help is the same usage error, not the overall help', async () => {
    const names = new Set([...commands.map((command) => command.name), 'help']);
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/).filter((name) => !names.has(name)),
        fc.constantFrom(['--help'], ['-h'], ['--nosuchflag', '--help'], ['x', '-h']),
        async (name, rest) => {
          const { run, out, err } = harness();
          expect(await run(name, ...rest)).toBe(2);
          expect(out).toEqual([]);
          expect(err[0]).toMatch(/^unilive: unknown command/);
        },
      ),
      { numRuns: 30 },
    );
  });

  // `unilive --help nosuch`, `-h nosuch` and `--version nosuch` showed the help or the version and exited 0.
  it("an unknown command beside the program's --help, -h, --version or -v is the same usage error", async () => {
    const names = new Set([...commands.map((command) => command.name), 'help']);
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/).filter((name) => !names.has(name)),
        fc.constantFrom(
          ['--help'],
          ['-h'],
          ['--version'],
          ['-v'],
          ['-h', '--version'],
          ['--version', '--help'],
        ),
        fc.boolean(),
        async (name, flags, flagsFirst) => {
          const { run, out, err } = harness();
          expect(await run(...(flagsFirst ? [...flags, name] : [name, ...flags]))).toBe(2);
          expect(out).toEqual([]);
          expect(err[0]).toMatch(/^unilive: unknown command/);
        },
      ),
      { numRuns: 40 },
    );
    // A known command still gets what was asked.
    const { run, out } = harness();
    expect(await run('--version', 'list')).toBe(0);
    expect(out).toEqual([version]);
  });

  it('an unknown option with --help is the same usage error, not the help', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...commands.map((command) => command.name)),
        fc.stringMatching(/^[a-z]{2,10}$/).map((word) => `--zz${word}`),
        fc.constantFrom('--help', '-h'),
        fc.boolean(),
        fc.option(fc.constant('=value'), { nil: '' }),
        async (name, flag, help, helpFirst, value) => {
          const { run, out, err } = harness();
          const rest = helpFirst ? [help, `${flag}${value}`] : [`${flag}${value}`, help];
          expect(await run(name, ...rest)).toBe(2);
          expect(out).toEqual([]);
          expect(err[0]).toMatch(unknownOptionLine(`unilive ${name}`, flag));
        },
      ),
      { numRuns: 40 },
    );
    // Before any command, too; a known option with --help still shows the help.
    const { run, out, err } = harness();
    expect(await run('--zzflag', '--help')).toBe(2);
    expect(err).toEqual(['unilive: unknown option --zzflag']);
    expect(await run('create', '--name', 'x', '--help')).toBe(0);
    expect(out.join('\n')).toContain('Usage: unilive create');
  });

  // `unilive list --nosuch --version` printed the version and exited 0, where `--help` in its place exits 2.
  it('an unknown option with --version or -v is the same usage error, not the version', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...commands.map((command) => command.name), undefined),
        fc.stringMatching(/^[a-z]{2,10}$/).map((word) => `--zz${word}`),
        fc.constantFrom('--version', '-v'),
        fc.boolean(),
        fc.option(fc.constant('=value'), { nil: '' }),
        async (name, flag, versionFlag, versionFirst, value) => {
          const { run, out, err } = harness();
          const rest = versionFirst ? [versionFlag, `${flag}${value}`] : [`${flag}${value}`, versionFlag];
          expect(await run(...(name === undefined ? [] : [name]), ...rest)).toBe(2);
          expect(out).toEqual([]);
          expect(err[0]).toMatch(unknownOptionLine(name === undefined ? 'unilive' : `unilive ${name}`, flag));
        },
      ),
      { numRuns: 40 },
    );
    // The version flag alone still prints the version, before a command or after one.
    for (const argv of [['--version'], ['-v'], ['list', '--version'], ['get', 'abc', '-v']]) {
      const { run, out, err } = harness();
      expect(await run(...argv)).toBe(0);
      expect([out, err]).toEqual([[version], []]);
    }
  });

  // `unilive list extra --help` showed the help and exited 0, where `unilive list extra` exits 2.
  it('more arguments than a command takes, with --help or after help, are the usage error they are alone', async () => {
    const answer = async (...argv: string[]) => {
      const { run, out, err } = harness();
      return { code: await run(...argv), out, err };
    };
    const fixed = commands.filter(
      (command) => !(command.arguments ?? []).some((a) => a.name.includes('...')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fixed),
        fc.array(fc.stringMatching(/^[a-z0-9]{1,8}$/), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('--help', '-h', 'help'),
        fc.nat(4),
        async (command, extra, help, at) => {
          const operands = [...(command.arguments ?? []).map((_, index) => `arg${index}`), ...extra];
          const alone = await answer(command.name, ...operands);
          expect(alone.code).toBe(2);
          expect(alone.err[0]).toBe(`unilive ${command.name}: too many arguments`);
          const position = Math.min(at, operands.length);
          const argv =
            help === 'help'
              ? ['help', command.name, ...operands]
              : [command.name, ...operands.slice(0, position), help, ...operands.slice(position)];
          expect(await answer(...argv)).toEqual(alone);
        },
      ),
      { numRuns: 40 },
    );
    // The arguments a command takes, with --help, still show its help.
    const help = await answer('get', 'abc', '--help');
    expect([help.code, help.err]).toEqual([0, []]);
    expect(help.out.join('\n')).toContain('Usage: unilive get');
  });

  // `unilive list extra --version` and `unilive --version list extra` printed the version and exited 0,
  // where the same arguments with --help exit 2.
  it('more arguments than a command takes, with --version or -v anywhere, are the usage error they are alone', async () => {
    const answer = async (...argv: string[]) => {
      const { run, out, err } = harness();
      return { code: await run(...argv), out, err };
    };
    const fixed = commands.filter(
      (command) => !(command.arguments ?? []).some((a) => a.name.includes('...')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fixed),
        fc.array(fc.stringMatching(/^[a-z0-9]{1,8}$/), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('--version', '-v'),
        fc.integer({ min: -1, max: 4 }),
        async (command, extra, flag, at) => {
          const operands = [...(command.arguments ?? []).map((_, index) => `arg${index}`), ...extra];
          const alone = await answer(command.name, ...operands);
          expect(alone.code).toBe(2);
          expect(alone.err[0]).toBe(`unilive ${command.name}: too many arguments`);
          // -1 puts the flag before the command, as `unilive --version list extra`.
          const position = Math.min(at, operands.length);
          const argv =
            at < 0
              ? [flag, command.name, ...operands]
              : [command.name, ...operands.slice(0, position), flag, ...operands.slice(position)];
          expect(await answer(...argv)).toEqual(alone);
        },
      ),
      { numRuns: 40 },
    );
  });

  // `unilive help X …` is `unilive X --help …`: the same help, and the same usage errors.
  it('help before a command answers as --help after it, for every command', async () => {
    const names = [...commands.map((command) => command.name), 'help'];
    const answer = async (...argv: string[]) => {
      const { run, out, err } = harness();
      return { code: await run(...argv), out, err };
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.stringMatching(/^[a-z]{2,10}$/).map((word) => `--zz${word}`),
        fc.option(fc.constant('=value'), { nil: '' }),
        async (name, flag, value) => {
          // `help help` is the overall help, so `help help --zz…` is `unilive --zz…`.
          const plain = name === 'help' ? [`${flag}${value}`] : [name, `${flag}${value}`];
          const unknown = await answer('help', name, `${flag}${value}`);
          expect(unknown).toEqual(await answer(...plain));
          expect(unknown.code).toBe(2);
          expect(unknown.out).toEqual([]);
          expect(unknown.err[0]).toMatch(
            unknownOptionLine(name === 'help' ? 'unilive' : `unilive ${name}`, flag),
          );
        },
      ),
      { numRuns: 40 },
    );
    for (const name of names) {
      const help = await answer('help', name);
      expect(help).toEqual(await answer(...(name === 'help' ? [] : [name]), '--help'));
      expect([help.code, help.err]).toEqual([0, []]);
    }
    expect(await answer('help')).toEqual(await answer('--help'));
    expect(await answer('help', '--zzflag')).toEqual({
      code: 2,
      out: [],
      err: ['unilive: unknown option --zzflag'],
    });
  });

  it('help with an unknown command is the usage error the command alone is', async () => {
    const names = new Set([...commands.map((command) => command.name), 'help']);
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/).filter((name) => !names.has(name)),
        fc.constantFrom([], ['--help'], ['--nosuchflag'], ['x']),
        async (name, rest) => {
          const { run, out, err } = harness();
          expect(await run('help', name, ...rest)).toBe(2);
          expect(out).toEqual([]);
          expect(err).toHaveLength(1);
          expect(err[0]).toMatch(/^unilive: unknown command.*; the commands are create, /);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('an option missing its value is named, for every option of every command', async () => {
    for (const spec of commands) {
      for (const option of spec.options.filter((option) => option.flags.includes('<'))) {
        const long = /--[a-z-]+/.exec(option.flags)?.[0] ?? '';
        const { run, out, err } = harness();
        expect(await run(spec.name, long)).toBe(2);
        expect([out, err[0]]).toEqual([[], `unilive ${spec.name}: ${long} needs a value`]);
      }
    }
    // `help` puts its flag before the options, so it never becomes a value: `--name --help` would name a stream.
    const { run, err } = harness();
    expect(await run('help', 'create', '--name')).toBe(2);
    expect(err[0]).toBe('unilive create: --name needs a value');
  });

  // Any value a user typed in the wrong place may be a secret: no usage error repeats it.
  it('never echoes the offending value, whatever it is', async () => {
    // Shaped like credentials: mixed case, digits or symbols, never a plain lowercase word like a flag name.
    const secret = fc.stringMatching(/^[A-Za-z0-9+/]{12,40}$/).filter((value) => /[A-Z0-9+/]/.test(value));
    await fc.assert(
      fc.asyncProperty(
        secret,
        fc.constantFrom(
          (value: string) => ['list', `--tokn=${value}`],
          (value: string) => ['list', `--${value}`],
          (value: string) => ['create', '--name', 'x', '--option', value],
          (value: string) => ['list', '--limit', value],
          (value: string) => ['list', '--timeout-ms', value],
          (value: string) => ['sandbox', '--port', value],
          (value: string) => ['get', 'abc', value],
          (value: string) => [value],
          (value: string) => ['wait', 'abc', value],
          (value: string) => ['demo', '-p', value],
          (value: string) => ['create', '--name', 'x', '--protocol', value],
          (value: string) => ['list', '--base-url', value],
        ),
        async (value, argv) => {
          const { run, err, out } = harness();
          const code = await run(...argv(value));
          expect(code).toBe(2);
          expect([...err, ...out].join('\n')).not.toContain(value);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a bad base URL is a usage error', async () => {
    const { run, err, backend } = harness();
    expect(await run('list', '--base-url', 'not a url')).toBe(2);
    expect(await run('list', '--base-url', 'javascript:alert(1)')).toBe(2);
    expect(err).toEqual([
      'unilive: --base-url expects an http:// or https:// URL',
      'unilive: --base-url expects an http:// or https:// URL',
    ]);
    expect(backend.counts.requests).toBe(0);
  });

  it('a setting the provider refuses with InvalidInputError is a usage error', async () => {
    const { err, output } = capturedOutput();
    const refusing = (() => {
      throw new InvalidInputError({
        provider: 'memory',
        operation: 'configure',
        message: 'baseUrl must be an http:// or https:// URL',
        issues: [{ path: 'baseUrl', message: 'expected an http:// or https:// URL' }],
      });
    }) as ConfiguredProviderFactory;
    const code = await main(['list'], {
      output,
      environment: { UNILIVE_PROVIDER: 'memory' },
      loadFactory: async () => refusing,
    });
    expect([code, err]).toEqual([
      2,
      ['unilive: InvalidInputError: baseUrl must be an http:// or https:// URL'],
    ]);
  });

  it('--option __proto__=… is refused as every key that names no option is, never dropped in silence', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const { run, err, backend } = harness();
      expect(await run('create', '--name', 'x', '--option', `${key}={"recording":true}`)).toBe(2);
      expect(err).toEqual([
        'unilive: InvalidInputError: Invalid input for create: expected no "__proto__", "constructor" or "prototype" keys',
      ]);
      expect(backend.counts.requests).toBe(0);
    }
  });
});

describe('secrets', () => {
  it('reads a secret from a file or standard input without a warning', async () => {
    const { run, err, settingsSeen, setStdin } = harness();
    const folder = await testFolder();
    const file = join(folder, 'token');
    writeFileSync(file, `${token}\n`);
    expect(await run('list', '--token-file', file)).toBe(0);
    setStdin(`${token}\n`);
    expect(await run('list', '--token-file', '-')).toBe(0);
    expect(settingsSeen.map((settings) => settings.token)).toEqual([token, token]);
    expect(err).toEqual([]);
  });

  // Standard input is read once: the second `-` found it spent and said "the file is empty".
  it('refuses two secret files read from standard input, naming both, before reading either', async () => {
    const { run, err, settingsSeen, setStdin } = harness();
    setStdin('zq-token-id\nzq-secret-key\n');
    expect(await run('list', '--token-id-file', '-', '--secret-key-file', '-')).toBe(2);
    expect(err.at(-1)).toBe(
      'unilive: --token-id-file - and --secret-key-file -: standard input can give one of them; give the other a file or the environment',
    );
    expect(settingsSeen).toEqual([]);
  });

  // A file ending in NEL (U+0085) was refused as holding a control character, where the environment
  // variable holding the same text was trimmed.
  it('drops the whitespace around a secret file by the rule the environment is read by, NEL included', async () => {
    const space = fc
      .array(fc.constantFrom(' ', '\t', '\n', '\r\n', '\u0085', '\u00a0', '\u2028', '\u3000', '\ufeff'), {
        maxLength: 4,
      })
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(space, space, async (before, after) => {
        const text = `${before}${token}${after}`;
        const { run, err, settingsSeen, setStdin } = harness();
        setStdin(text);
        expect(await run('list', '--token-file', '-')).toBe(0);
        expect(err).toEqual([]);
        expect(settingsSeen.map((settings) => settings.token)).toEqual([token]);
        expect(environmentView({ TOKEN: text }).TOKEN).toBe(token);
      }),
      { numRuns: 60 },
    );
    // Only whitespace is an empty file; NEL inside the value is still refused by the provider.
    const { run, err, setStdin } = harness();
    setStdin('\u0085\r\n');
    expect(await run('list', '--token-file', '-')).toBe(2);
    expect(err).toEqual(['unilive: --token-file: the file is empty']);
  });

  it('warns when a secret comes from the command line, without printing it', async () => {
    const { run, err } = harness();
    expect(await run('list', '--token', token)).toBe(0);
    expect(err).toEqual([
      'unilive: warning: --token on the command line can be read by other users of this machine; use the environment or --token-file (- reads standard input)',
    ]);
  });

  it('refuses an unreadable, empty or multi-line secret file, and a secret given twice', async () => {
    const { run, err, backend } = harness();
    const folder = await testFolder();
    writeFileSync(join(folder, 'empty'), '\n');
    writeFileSync(join(folder, 'two'), 'a\nb\n');
    expect(await run('list', '--token-file', join(folder, 'missing'))).toBe(2);
    expect(await run('list', '--token-file', join(folder, 'empty'))).toBe(2);
    expect(await run('list', '--token-file', join(folder, 'two'))).toBe(2);
    expect(await run('list', '--token-file', join(folder, 'two'), '--token', 'x')).toBe(2);
    expect(err).toEqual([
      'unilive: --token-file: no such file',
      'unilive: --token-file: the file is empty',
      'unilive: --token-file: expected one line',
      'unilive: --token and --token-file: give one of them',
    ]);
    expect(backend.counts.requests).toBe(0);
  });

  it('reads at most 64 KiB of a secret file: a larger one, or a device that never ends, is refused', async () => {
    const { run, err, settingsSeen } = harness();
    const folder = await testFolder();
    writeFileSync(join(folder, 'large'), `${'a'.repeat(5 * 1024 * 1024)}\n`);
    writeFileSync(join(folder, 'just-fits'), 'a'.repeat(65_536));
    expect(await run('list', '--token-file', join(folder, 'large'))).toBe(2);
    expect(await run('list', '--token-file', '/dev/zero')).toBe(2);
    expect(err).toEqual([
      'unilive: --token-file: larger than 64 KiB; expected one line holding the credential',
      'unilive: --token-file: larger than 64 KiB; expected one line holding the credential',
    ]);
    expect(settingsSeen).toEqual([]);
    // At the limit the file is read whole, and the provider is handed it to judge.
    await run('list', '--token-file', join(folder, 'just-fits'));
    expect(settingsSeen.map((settings) => String(settings.token).length)).toEqual([65_536]);
  });

  it('Ctrl-C ends a read of a named pipe nobody writes, or of standard input left open', async () => {
    const folder = await testFolder();
    const fifo = join(folder, 'pipe');
    execFileSync('mkfifo', [fifo]);
    for (const [flag, path] of [
      ['--token-file', fifo],
      ['--token-file', '-'],
      ['--config', fifo],
    ] as const) {
      const err: string[] = [];
      const output: Output = { out: () => {}, err: (text) => err.push(text), interactive: false };
      const controller = new AbortController();
      let reading = false;
      const running = main(['list', flag, path], {
        output,
        environment: flag === '--config' ? {} : { UNILIVE_PROVIDER: 'memory' },
        loadFactory: async () =>
          (() => createMemoryProvider({ token })) as unknown as ConfiguredProviderFactory,
        signal: controller.signal,
        readStdin: () => {
          reading = true;
          return new Promise<string>(() => {});
        },
      });
      // The pipe's open never completes without a writer; standard input never ends.
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (path === '-') await expect.poll(() => reading).toBe(true);
      controller.abort();
      expect(await running).toBe(130);
      expect(err).toEqual([`unilive: AbortError: Interrupted while reading ${flag}`]);
    }
  });

  it('reads at most 1 MiB of --config: a larger file is refused before any request, one at the limit is read', async () => {
    const { run, err, backend } = harness({});
    const folder = await testFolder();
    const config = JSON.stringify({ providers: [{ provider: 'memory', name: 'm' }] });
    // Valid JSON either way: only its size differs.
    writeFileSync(join(folder, 'large.json'), config.padEnd(1_048_577, ' '));
    writeFileSync(join(folder, 'at-limit.json'), config.padEnd(1_048_576, ' '));
    expect(await run('list', '--config', join(folder, 'large.json'))).toBe(2);
    expect(err).toEqual(['unilive: --config: larger than 1 MiB; expected a JSON file of providers']);
    expect(backend.counts.requests).toBe(0);
    expect(await run('list', '--config', join(folder, 'at-limit.json'), '--json')).toBe(0);
  });

  it('refuses --raw without --json, which alone would print nothing of it', async () => {
    const { run, err, backend } = harness();
    expect(await run('list', '--raw')).toBe(2);
    expect(await run('get', 'some-id', '--raw')).toBe(2);
    expect(err).toEqual(['unilive: --raw needs --json', 'unilive: --raw needs --json']);
    expect(backend.counts.requests).toBe(0);
    expect(await run('list', '--raw', '--json')).toBe(0);
  });

  it('warns for every credential flag on the command line, and for a credential in --option', async () => {
    const { run, err } = harness();
    await run('list', '--token-id', 'some-token-id', '--api-key', 'some-api-key', '--token', token);
    await run('create', '--name', 'x', '--option', 'password="ArgvPushPw999"', '--option', 'region=eu');
    expect(err).toEqual([
      'unilive: warning: --token on the command line can be read by other users of this machine; use the environment or --token-file (- reads standard input)',
      'unilive: warning: --token-id on the command line can be read by other users of this machine; use the environment or --token-id-file (- reads standard input)',
      'unilive: warning: --api-key on the command line can be read by other users of this machine; use the environment or --api-key-file (- reads standard input)',
      'unilive: warning: --option password holds a credential, and the command line can be read by other users of this machine',
      // The memory vendor has no options: the create is refused before any request, never showing a value.
      'unilive: InvalidInputError: Invalid input for create: providerOptions.memory: memory takes no provider options',
    ]);
    expect(err.join('\n')).not.toMatch(/some-token-id|some-api-key|ArgvPushPw999/);
  });
});

describe('what reaches the terminal', () => {
  // ESC, CSI (7-bit and C1), OSC, BEL, bidi overrides: text a vendor sends back must not act on the terminal.
  const hostile = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '\u001b[2J',
          '\u001b]0;pwned\u0007',
          '\u009b31m',
          '\u202e',
          '\r',
          '\u0008',
          '\u001bc',
          '\u200b',
          '\u2028',
          '\u2029',
          '\ufeff',
          '\u{e0041}\u{e0042}',
          '\u0085',
        ),
        fc.string({ maxLength: 4 }),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((parts) => `x${parts.join('')}`);
  // Every control, format and separator character but the tab and line feed of the CLI's own layout.
  const controls = /(?![\t\n])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

  /** A vendor that answers every stream with `name` as its name. */
  function renamingVendor(name: () => string) {
    const backend = createMemoryBackend({ token, transitionPolls: 1 });
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const response = await backend.fetch(input, init);
      const text = await response.text();
      // A function, not a string: a name holding `$$` or `$&` must reach the client as it is.
      const renamed = text.replace(/"name":"[^"]*"/g, () => `"name":${JSON.stringify(name())}`);
      return new Response(renamed, { status: response.status, headers: response.headers });
    };
    const out: string[] = [];
    const output: Output = {
      out: (text) => out.push(text),
      err: (text) => out.push(text),
      interactive: false,
    };
    const factory = (() =>
      createMemoryProvider({ backend: { ...backend, fetch }, token })) as ConfiguredProviderFactory;
    const run = (...argv: string[]) =>
      main(argv, { output, loadFactory: async () => factory, environment: { UNILIVE_PROVIDER: 'memory' } });
    return { run, out };
  }

  it('neutralises control characters in text output and keeps JSON exact', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (name) => {
        const { run, out } = renamingVendor(() => name);
        expect(await run('create', '--name', 'plain', '--json')).toBe(0);
        const line = out.pop() ?? '';
        expect(line).not.toMatch(controls);
        expect(JSON.parse(line).name).toBe(name);
        expect(await run('get', JSON.parse(line).id)).toBe(0);
        expect(await run('list')).toBe(0);
        expect(await run('list', '--json')).toBe(0);
        expect(JSON.parse(out.at(-1) ?? '')[0].name).toBe(name);
        for (const text of out) expect(text).not.toMatch(controls);
      }),
      { numRuns: 40 },
    );
  });

  it('shows what was sent as visible escapes', async () => {
    const { run, out } = renamingVendor(() => 'a\u001b]0;t\u0007b\u009b2Jc\u202ed');
    expect(await run('create', '--name', 'plain')).toBe(0);
    expect(out.pop()?.split('\n')[0]).toMatch(/^a\\x1b\]0;t\\x07b\\x9b2Jc\\u202ed {2}\[memory /);
  });

  it('shows zero-width, separator and tag characters as escapes too', async () => {
    const { run, out } = renamingVendor(() => 'a\u200bb\u2028c\u{e0041}d');
    expect(await run('create', '--name', 'plain')).toBe(0);
    expect(out.pop()?.split('\n')[0]).toMatch(/^a\\u200bb\\u2028c\\u\{e0041\}d {2}\[memory /);
  });

  // The CLI lays out its own lines with line feeds; one a vendor sends inside a field must not start a
  // line of its own (`name\n    stream key:  …` would forge a line) nor break `list`'s table. The forged line
  // reads as the CLI's own: a value after `stream key:` would be masked as a credential's.
  const breaking = fc
    .array(
      fc.oneof(
        fc.constantFrom('\n', '\t', '\r\n', '\n    stream key:  (hidden; --show-secrets prints it)'),
        fc.string({ maxLength: 4 }),
      ),
      {
        minLength: 1,
        maxLength: 6,
      },
    )
    .filter((parts) => parts.some((part) => /[\t\n]/.test(part)))
    .map((parts) => `x${parts.join('')}`);

  it('keeps a line feed or tab a vendor sends on the line of its field, as an escape', async () => {
    const lineCount = async (name: string) => {
      const { run, out } = renamingVendor(() => name);
      expect(await run('create', '--name', 'plain', '--json')).toBe(0);
      const id = JSON.parse(out.pop() ?? '').id as string;
      expect(await run('get', id)).toBe(0);
      const shown = out.pop() ?? '';
      expect(await run('list')).toBe(0);
      return { shown, listed: out.pop() ?? '' };
    };
    const plain = await lineCount('x');
    await fc.assert(
      fc.asyncProperty(breaking, async (name) => {
        const { shown, listed } = await lineCount(name);
        expect(shown).not.toContain('\t');
        expect(shown.split('\n')).toHaveLength(plain.shown.split('\n').length);
        expect(shown.split('\n')[0]).toBe(
          `${name.replaceAll('\r', '\\x0d').replaceAll('\n', '\\x0a').replaceAll('\t', '\\x09')}  ${plain.shown.split('\n')[0]?.slice(3)}`,
        );
        expect(listed).not.toContain('\t');
        expect(listed.split('\n')).toHaveLength(3);
      }),
      { numRuns: 40 },
    );
  });
});

describe('a provider named on a flag', () => {
  it('a near miss is named wherever a flag takes a provider; a repeated --provider is named as that', async () => {
    const { run, err } = harness({});
    const sandbox = ['--sandbox', 'http://127.0.0.1:9'];
    expect(await run('listen', ...sandbox, '--forward-to', 'http://localhost:3000/h', '-p', 'livapi')).toBe(
      2,
    );
    expect(
      await run('sandbox', '--port', '0', '--rtmp-port', '0', '--webhook', 'livapi=http://localhost:3000/h'),
    ).toBe(2);
    expect(
      await run(
        'sandbox',
        '--port',
        '0',
        '--rtmp-port',
        '0',
        '--webhook',
        'nothing-near=http://localhost:3000/h',
      ),
    ).toBe(2);
    expect(await run('list', '-p', 'livapi', '-p', 'videosdk')).toBe(2);
    expect(await run('create', '--name', 'twice', '-p', 'liveapi', '-p', 'liveapi')).toBe(2);
    expect(
      await run(
        'listen',
        ...sandbox,
        '--forward-to',
        'http://localhost:3000/h',
        '-p',
        'liveapi',
        '-p',
        'liveapi',
      ),
    ).toBe(2);
    // A sandbox URL with a query or fragment, even an empty one, is refused before anything is asked.
    for (const mark of ['?', '#', '?a=1', '#x'])
      expect(await run('list', '-p', 'liveapi', '--sandbox', `http://127.0.0.1:9/${mark}`)).toBe(2);
    const ids = 'wowza-video, wowza-realtime, liveapi, videosdk';
    expect(err).toEqual([
      `unilive: --provider expects one of ${ids}; did you mean "liveapi"?`,
      `unilive: --webhook expects <provider>=<url>, provider one of ${ids}; did you mean "liveapi"?`,
      `unilive: --webhook expects <provider>=<url>, provider one of ${ids}`,
      expect.stringMatching(/did you mean "liveapi"\?/),
      'unilive: --provider liveapi is given twice: name each provider once',
      'unilive: --provider liveapi is given twice: name each provider once',
      ...Array(4).fill(
        'unilive: InvalidInputError: The sandbox URL (--sandbox or UNILIVE_SANDBOX_URL) must be an http:// or https:// URL, without query or fragment',
      ),
    ]);
  });
});

describe('unilive sandbox', () => {
  it('a bad port, a port in use and a corrupt persist file are usage errors with a clear line', async () => {
    const { run, err } = harness();
    expect(await run('sandbox', '--port', '70000')).toBe(2);
    const folder = await testFolder();
    const persist = join(folder, 'data.json');
    writeFileSync(persist, '{"wowza-video": {"live_streams": ');
    expect(await run('sandbox', '--port', '0', '--rtmp-port', '0', '--persist', persist)).toBe(2);
    // A port in use: the first sandbox holds it until interrupted.
    const controller = new AbortController();
    const out: string[] = [];
    const output: Output = { out: (text) => out.push(text), err: () => {}, interactive: false };
    const first = main(['sandbox', '--port', '0', '--rtmp-port', '0'], { output, signal: controller.signal });
    await expect
      .poll(() => out.find((line) => line.startsWith('unilive sandbox listening on')))
      .toBeDefined();
    const port = /:(\d+)$/.exec(out[0] ?? '')?.[1] ?? '';
    const rtmpPort = /:(\d+)$/.exec(out[1] ?? '')?.[1] ?? '';
    expect(await run('sandbox', '--port', port, '--rtmp-port', '0')).toBe(2);
    expect(await run('sandbox', '--port', '0', '--rtmp-port', rtmpPort)).toBe(2);
    // The same port for both, free or not: named as that, not as a port some other process holds.
    expect(await run('sandbox', '--port', rtmpPort, '--rtmp-port', rtmpPort)).toBe(2);
    expect(await run('sandbox', '--port', '1935')).toBe(2);
    controller.abort();
    expect(await first).toBe(130);
    expect(err).toEqual([
      'unilive: --port expects a whole number from 0 to 65535',
      `unilive: --persist: the persist file ${persist} is not valid JSON: move it away or pass another path, and the sandbox starts empty there`,
      `unilive: --port ${port}: the port is already in use on this host; choose another, or 0 for any free port`,
      `unilive: --rtmp-port ${rtmpPort}: the port is already in use on this host; choose another, or 0 for any free port`,
      `unilive: --port and --rtmp-port both name ${rtmpPort}: the sandbox's HTTP server and its RTMP ingest need a port each; choose two, or 0 for any free port`,
      "unilive: --port and --rtmp-port both name 1935: the sandbox's HTTP server and its RTMP ingest need a port each; choose two, or 0 for any free port",
    ]);
  });

  it('a --persist another sandbox holds exits 2 naming it, and starts once that one is interrupted', async () => {
    const { run, err } = harness();
    const folder = await testFolder();
    const persist = join(folder, 'data.json');
    const controller = new AbortController();
    const out: string[] = [];
    const output: Output = { out: (text) => out.push(text), err: () => {}, interactive: false };
    const first = main(['sandbox', '--port', '0', '--rtmp-port', '0', '--persist', persist], {
      output,
      signal: controller.signal,
    });
    await expect
      .poll(() => out.find((line) => line.startsWith('unilive sandbox listening on')))
      .toBeDefined();
    expect(await run('sandbox', '--port', '0', '--rtmp-port', '0', '--persist', persist)).toBe(2);
    controller.abort();
    expect(await first).toBe(130);
    expect(err).toEqual([
      `unilive: --persist: the persist file ${persist} is in use by another sandbox (it holds ${persist}.lock): give each sandbox its own persist file, or close the other; a lock left by a sandbox that ended without closing frees itself within 10 s`,
    ]);
    // Freed as the first closed: the next start on the file takes it.
    const again = new AbortController();
    const next = main(['sandbox', '--port', '0', '--rtmp-port', '0', '--persist', persist], {
      output: { out: () => {}, err: (text) => err.push(text), interactive: false },
      signal: again.signal,
    });
    await expect.poll(() => readdirSync(folder).includes('data.json.lock')).toBe(true);
    again.abort();
    expect(await next).toBe(130);
    expect(err).toHaveLength(1);
  });

  it('a --persist it can never use (a FIFO, a path ending in a slash) exits 2 at once, starting nothing', async () => {
    const { run, err } = harness();
    const folder = await testFolder();
    const fifo = join(folder, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    // A FIFO read would block the process for good, past SIGTERM: it is refused without being read.
    expect(await run('sandbox', '--port', '0', '--rtmp-port', '0', '--persist', fifo)).toBe(2);
    expect(await run('sandbox', '--port', '0', '--rtmp-port', '0', '--persist', `${folder}/data.json/`)).toBe(
      2,
    );
    expect(err).toEqual([
      'unilive: --persist: the persist file is no regular file (a FIFO, a socket or a device): pass a path in a folder the sandbox may write to',
      'unilive: --persist: the persist file path ends with a slash (it names a folder): pass a path in a folder the sandbox may write to',
    ]);
  });
});

describe('numeric and host flags', () => {
  // Every numeric flag of every command, with the range it takes and the line a bad value draws.
  const numericFlags = [
    { flag: '--port', min: 0, max: 65_535, line: '--port expects a whole number from 0 to 65535' },
    { flag: '--rtmp-port', min: 0, max: 65_535, line: '--rtmp-port expects a whole number from 0 to 65535' },
    {
      flag: '--transition-ms',
      min: 0,
      max: 3_600_000,
      line: '--transition-ms expects a whole number of ms from 0 to 3600000',
    },
    {
      flag: '--timeout-ms',
      min: 1,
      max: 2_147_483_647,
      line: '--timeout-ms expects a whole number of ms from 1 to 2147483647',
    },
    {
      flag: '--total-timeout-ms',
      min: 1,
      max: 2_147_483_647,
      line: '--total-timeout-ms expects a whole number of ms from 1 to 2147483647',
    },
    { flag: '--limit', min: 1, line: '--limit expects a whole number, at least 1' },
    { flag: '--page-size', min: 1, line: '--page-size expects a whole number, at least 1' },
    { flag: '--max-concurrency', min: 1, line: '--max-concurrency expects a whole number, at least 1' },
    { flag: '--max-pending', min: 1, line: '--max-pending expects a whole number, at least 1' },
  ];
  // A flag with no bound of its own stops at the largest safe integer, and a value past it is told so.
  const highLine = (numeric: { flag: string; max?: number; line: string }) =>
    numeric.max === undefined
      ? `${numeric.flag} expects a whole number, at most ${Number.MAX_SAFE_INTEGER}`
      : numeric.line;
  // What a command needs besides the flag under test to get as far as checking it.
  const needs: Record<string, string[]> = {
    create: ['--name', 'x'],
    migrate: ['abc', '--to', 'memory'],
    wait: ['abc', 'ready'],
  };
  const cases = commands.flatMap((spec) =>
    numericFlags
      .filter(({ flag }) => spec.options.some((option) => option.flags.split(/[ ,]+/).includes(flag)))
      .map((numeric) => ({
        ...numeric,
        argv: [
          spec.name,
          ...(needs[spec.name] ??
            (spec.arguments ?? []).filter((a) => a.name.startsWith('<')).map(() => 'abc')),
        ],
      })),
  );
  const sandboxRate = {
    flag: '--rate-limit',
    min: 1,
    max: 1_000_000,
    line: '--rate-limit expects a whole number from 1 to 1000000',
    argv: ['sandbox'],
  };

  /**
   * Decimal digits above a flag's bound (the largest safe integer when it has none): just past it, far past
   * it, and strings of digits too long for any number, with or without leading zeros.
   */
  function tooLarge(max: number | undefined) {
    const bound = BigInt(max ?? Number.MAX_SAFE_INTEGER);
    return fc.oneof(
      fc.bigInt({ min: bound + 1n, max: bound + 1000n }).map(String),
      fc.bigInt({ min: bound + 1n, max: 10n ** 30n }).map(String),
      fc.stringMatching(/^[1-9]\d{20,400}$/),
      fc
        .tuple(fc.stringMatching(/^0{1,5}$/), fc.bigInt({ min: bound + 1n, max: 10n ** 25n }))
        .map(([zeros, n]) => `${zeros}${n}`),
    );
  }

  /** Values no numeric flag takes: too small, not whole, not decimal digits, or with whitespace. */
  function badValues(min: number, max: number | undefined) {
    const whole = fc.integer({ min, max: max ?? Number.MAX_SAFE_INTEGER }).map(String);
    return fc.oneof(
      min > 0 ? fc.integer({ min: 0, max: min - 1 }).map(String) : fc.constant('-0'),
      fc.integer({ min: 1, max: 1_000_000 }).map((n) => `-${n}`),
      fc.constantFrom('', ' ', '\t', 'abc', '0x10', '1e3', '1.5', '+1', '1_000', 'Infinity', 'NaN', '١٢'),
      whole.map((n) => `0x${n}`),
      whole.map((n) => `${n}e0`),
      whole.map((n) => `${n}.0`),
      fc
        .tuple(
          whole,
          fc.constantFrom(' ', '\t', '\n', '\u00a0'),
          fc.constantFrom('before', 'after', 'inside'),
        )
        .map(([n, space, where]) =>
          where === 'before'
            ? `${space}${n}`
            : where === 'after'
              ? `${n}${space}`
              : `${n[0]}${space}${n.slice(1)}`,
        ),
    );
  }

  it.each([...cases, sandboxRate].map((c) => [`${c.argv[0]} ${c.flag}`, c] as const))(
    '%s: a bad value exits 2 with one line naming the flag and its range, before any request',
    async (_, { flag, min, max, line, argv }) => {
      await fc.assert(
        fc.asyncProperty(badValues(min, max), async (value) => {
          const { run, err, out, backend } = harness();
          const code = await run(...argv, flag, value);
          expect([code, err, out]).toEqual([2, [`unilive: ${line}`], []]);
          expect(backend.counts.requests).toBe(0);
        }),
        { numRuns: 40 },
      );
    },
  );

  it.each([...cases, sandboxRate].map((c) => [`${c.argv[0]} ${c.flag}`, c] as const))(
    '%s: a value above the bound, however many digits, exits 2 with one line naming the upper bound',
    async (_, numeric) => {
      const { flag, max, argv } = numeric;
      await fc.assert(
        fc.asyncProperty(tooLarge(max), async (value) => {
          const { run, err, out, backend } = harness();
          const code = await run(...argv, flag, value);
          expect([code, err, out]).toEqual([2, [`unilive: ${highLine(numeric)}`], []]);
          expect(backend.counts.requests).toBe(0);
        }),
        { numRuns: 40 },
      );
    },
  );

  it.each([...cases, sandboxRate].map((c) => [`${c.argv[0]} ${c.flag}`, c] as const))(
    '%s: a value at either bound is taken',
    async (_, { flag, min, max, argv }) => {
      // The sandbox would start: a blank --host, checked after every number, stops it just past them.
      const rest = argv[0] === 'sandbox' ? ['--host', ''] : [];
      for (const value of [min, max ?? Number.MAX_SAFE_INTEGER, `000${min}`]) {
        const { run, err } = harness();
        await run(...argv, flag, String(value), ...rest);
        expect(err.filter((line) => line.startsWith(`unilive: ${flag} `))).toEqual([]);
        if (argv[0] === 'sandbox') expect(err).toEqual(['unilive: --host needs a value']);
      }
    },
  );

  it('knows the range of every whole-number flag of every command', () => {
    const found = commands.flatMap((spec) =>
      spec.options
        .map((option) => /(--[a-z-]+) <(n|port|ms)>/.exec(option.flags))
        .filter((match) => match !== null)
        .map(([, flag]) => `${spec.name} ${flag}`),
    );
    const known = [...cases, sandboxRate].map((c) => `${c.argv[0]} ${c.flag}`);
    // --rate-limit of a stream command takes a fraction: it has its own rule, tested below.
    expect(new Set(found.filter((entry) => !/^(?!sandbox).* --rate-limit$/.test(entry)))).toEqual(
      new Set(known),
    );
  });

  // Every flag that takes a length of time, found from the command list (a placeholder `<ms>` or
  // `<length>`, or a name ending in `-ms`), with a value it takes and the line a bad one draws.
  const durationFlags: Record<string, { good: fc.Arbitrary<string>; line: string }> = {
    '--duration': {
      good: fc
        .tuple(fc.integer({ min: 1, max: 24 }), fc.constantFrom('h', 'm', 's', ''))
        .map(([n, unit]) => `${n}${unit}`),
      line: '--duration expects a length such as 10s, 2m or 1h (from 1ms to 24h)',
    },
    '--timeout-ms': {
      good: fc.integer({ min: 1, max: 2_147_483_647 }).map(String),
      line: '--timeout-ms expects a whole number of ms from 1 to 2147483647',
    },
    '--total-timeout-ms': {
      good: fc.integer({ min: 1, max: 2_147_483_647 }).map(String),
      line: '--total-timeout-ms expects a whole number of ms from 1 to 2147483647',
    },
    '--transition-ms': {
      good: fc.integer({ min: 0, max: 3_600_000 }).map(String),
      line: '--transition-ms expects a whole number of ms from 0 to 3600000',
    },
  };
  const durationCases = commands.flatMap((spec) =>
    spec.options
      .map((option) => /(--[a-z-]+) <(\w+)>/.exec(option.flags))
      .filter((match) => match !== null)
      .filter(([, flag, value]) => value === 'ms' || value === 'length' || flag?.endsWith('-ms'))
      .map(([, flag]) => ({
        flag: flag ?? '',
        argv: [
          spec.name,
          ...(needs[spec.name] ??
            (spec.arguments ?? []).filter((a) => a.name.startsWith('<')).map(() => 'abc')),
        ],
      })),
  );

  it('finds every duration flag, and knows the rule of each', () => {
    expect(new Set(durationCases.map((entry) => entry.flag))).toEqual(new Set(Object.keys(durationFlags)));
  });

  it.each(durationCases.map((c) => [`${c.argv[0]} ${c.flag}`, c] as const))(
    '%s: a length padded or split by whitespace exits 2 with one line naming the flag, before any request',
    async (_, { flag, argv }) => {
      const rule = durationFlags[flag];
      if (!rule) throw new Error(`no rule for ${flag}`);
      const padded = fc
        .tuple(
          rule.good,
          fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u2003'),
          fc.constantFrom('before', 'after', 'inside'),
        )
        .map(([value, space, where]) =>
          where === 'before'
            ? `${space}${value}`
            : where === 'after'
              ? `${value}${space}`
              : `${value.slice(0, -1)}${space}${value.slice(-1)}`,
        );
      await fc.assert(
        fc.asyncProperty(padded, async (value) => {
          const { run, err, out, backend } = harness();
          expect([await run(...argv, flag, value), err, out]).toEqual([2, [`unilive: ${rule.line}`], []]);
          expect(backend.counts.requests).toBe(0);
        }),
        { numRuns: 30 },
      );
    },
  );

  it('--rate-limit of a stream command (requests a second, a fraction allowed) refuses the same shapes', async () => {
    const bad = fc.oneof(
      fc.constantFrom('', ' ', '0', '0.0', '-1', '0x10', '1e3', '1.', '.5', 'Infinity', '+2', '1,5'),
      fc
        .tuple(fc.double({ min: 0.01, max: 1e6, noNaN: true }), fc.constantFrom(' ', '\t', '\n'))
        .map(([rate, space]) => `${space}${rate}`),
    );
    await fc.assert(
      fc.asyncProperty(bad, async (value) => {
        const { run, err, out, backend } = harness();
        expect([await run('list', '--rate-limit', value), err, out]).toEqual([
          2,
          ['unilive: --rate-limit expects a number of requests per second above 0'],
          [],
        ]);
        expect(backend.counts.requests).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it('sandbox --host, --persist or --allowed-host empty or blank exits 2 and starts nothing', async () => {
    for (const flag of ['--host', '--persist', '--allowed-host']) {
      // NEL (U+0085) is whitespace to the library's rule, which `trim` misses.
      const nel = flag === '--allowed-host' ? [] : ['\u0085', ' \u0085\ufeff'];
      for (const value of ['', ' ', '\t', '\n', ...nel]) {
        const { run, err, out } = harness();
        expect([await run('sandbox', '--port', '0', '--rtmp-port', '0', flag, value), err, out]).toEqual([
          2,
          [`unilive: ${flag} needs a value`],
          [],
        ]);
      }
    }
  });

  it('sandbox --host spelling a wildcard other than 0.0.0.0 or :: exits 2 and listens nowhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.constantFrom('0', '00', '0x0'), { minLength: 1, maxLength: 4 })
          .map((parts) => parts.join('.'))
          .filter((value) => value !== '0.0.0.0'),
        async (value) => {
          const { run, err, out } = harness();
          expect([
            await run('sandbox', '--port', '0', '--rtmp-port', '0', '--host', value),
            err,
            out,
          ]).toEqual([
            2,
            [
              'unilive: --host would listen on every address of this machine without saying so: write 0.0.0.0 (or ::) to mean that, or give an address of this machine (127.0.0.1, the default, keeps the sandbox to it)',
            ],
            [],
          ]);
        },
      ),
      { numRuns: 10, examples: [['0'], ['0.0'], ['0x0']] },
    );
  });

  it('sandbox --host that is a link-local IPv6 address without its zone exits 2 naming --host', async () => {
    const { run, err, out } = harness();
    expect([await run('sandbox', '--port', '0', '--rtmp-port', '0', '--host', 'fe80::1'), err, out]).toEqual([
      2,
      [
        'unilive: --host cannot be listened on: a link-local IPv6 address needs its zone (fe80::1%eth0); give an address of this machine',
      ],
      [],
    ]);
  });

  it('sandbox --host that is not an address of this machine exits 2 saying what --host takes', async () => {
    for (const value of ['192.0.2.1', '8.8.8.8', 'no-such-host.invalid']) {
      const { run, err, out } = harness();
      expect([await run('sandbox', '--port', '0', '--rtmp-port', '0', '--host', value), err, out]).toEqual([
        2,
        [
          'unilive: --host is not an address of this machine: give one of its own (127.0.0.1, the default, keeps the sandbox to this machine; 0.0.0.0 listens on all of them)',
        ],
        [],
      ]);
    }
  });
});
