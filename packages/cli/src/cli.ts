import { constants, createReadStream, open as openDescriptor } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import {
  AuthenticationError,
  environmentView,
  InvalidInputError,
  knownValuesRedactor,
  nearestName,
  onceListenerOptions,
  type Redactor,
  UniliveError,
} from '@unilive/core';
import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import { printWalkWarnings } from './connection.js';
import {
  type CommandContext,
  CommandFailure,
  type CommandSpec,
  type ReadLimits,
  UsageError,
} from './context.js';
import { type Output, processOutput } from './progress.js';

export { outputFailure } from './progress.js';

import { credentialVariables, type FactoryLoader, importFactory } from './providers.js';
import { jsonText, neutralise } from './text.js';
import { version } from './version.js';

/** What the CLI needs from its surroundings; tests replace each part. */
export interface CliEnvironment {
  output?: Output;
  environment?: Record<string, string | undefined>;
  loadFactory?: FactoryLoader;
  /** Aborts running calls (SIGINT, SIGTERM). */
  signal?: AbortSignal;
  /** Reads standard input, for `--token-file -`. Default: the process's, at most `maxBytes` + 1 bytes. */
  readStdin?: (limits?: ReadLimits) => Promise<string>;
}

const exitCodes =
  'Exit codes: 0 success, 1 the operation failed, 2 bad usage or input (an unknown command or option, or\n' +
  'too many arguments, with or without --help or --version, after help too), 130 interrupted.';

/**
 * Reads a stream to its end, or to `maxBytes` and one byte more: a secret file of gigabytes (`/dev/zero`, a
 * wrong path) costs a few kilobytes before it is refused, never the process's memory. The bytes must be
 * UTF-8: anything else rejects with `code: 'EILSEQ'`, where decoding it would put U+FFFD in place of each bad
 * byte and send a credential that is not the one in the file (a Latin-1 `é` in a key), and two keys that
 * differ only there would be the same. A read past `maxBytes` is refused for its size by the reader, so its
 * bytes are not checked.
 */
async function readBounded(stream: AsyncIterable<unknown>, limits: ReadLimits | undefined): Promise<string> {
  const maxBytes = limits?.maxBytes ?? Number.POSITIVE_INFINITY;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.from(chunk as Buffer);
    chunks.push(bytes);
    total += bytes.length;
    if (total > maxBytes) break;
  }
  // Past the limit the read is refused for its size, whatever its last bytes: the text only has to be
  // longer than the limit, which a character the limit cut is (U+FFFD, three bytes, in its place).
  if (total > maxBytes) return Buffer.concat(chunks).toString('utf8');
  try {
    // The byte-order mark is kept: the readers drop it where a format allows one.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Buffer.concat(chunks));
  } catch {
    throw Object.assign(new Error('the bytes read are not UTF-8'), { code: 'EILSEQ' });
  }
}

/** Reads the process's standard input, as {@link readBounded} does. */
function readProcessStdin(limits?: ReadLimits): Promise<string> {
  return readBounded(process.stdin, limits);
}

/**
 * Reads a file, as {@link readBounded} does: only the bytes it may need are read. A named pipe is opened
 * without blocking and read through the event loop, so a pipe nobody writes can be given up on (Ctrl-C):
 * opened the ordinary way, it would hold a worker thread, and with it the process, until a writer came.
 */
async function readBoundedFile(path: string, limits?: ReadLimits): Promise<string> {
  const end = limits?.maxBytes ?? Number.POSITIVE_INFINITY;
  const signal = limits?.signal;
  if ((await stat(path)).isFIFO()) {
    // A plain descriptor, not a FileHandle: the socket owns it and closes it.
    const fd = await new Promise<number>((resolve, reject) =>
      openDescriptor(path, constants.O_RDONLY | constants.O_NONBLOCK, (error, opened) =>
        error ? reject(error) : resolve(opened),
      ),
    );
    const socket = new Socket({ fd, readable: true, writable: false });
    const close = () => socket.destroy();
    signal?.addEventListener('abort', close, onceListenerOptions);
    try {
      return await readBounded(socket, limits);
    } finally {
      signal?.removeEventListener('abort', close);
      socket.destroy();
    }
  }
  return readBounded(
    createReadStream(path, { ...(Number.isFinite(end) ? { end } : {}), ...(signal ? { signal } : {}) }),
    limits,
  );
}

/**
 * Writes every line through `neutralise`, vendor text never reaching the terminal as control characters,
 * after masking the credentials `masked` gives (see `CommandContext.maskCredentials`).
 */
function safeOutput(output: Output, masked: () => Redactor | undefined): Output {
  const shown = (text: string) => {
    const credentials = masked();
    return neutralise(credentials === undefined ? text : credentials.redact(text));
  };
  return {
    out: (text) => output.out(shown(text)),
    err: (text) => output.err(shown(text)),
    interactive: output.interactive,
  };
}

/**
 * The flag a parse error is about, without any `=value` attached to it, and only when it reads like a flag
 * name (lowercase words and dashes): `--s3cRet…` typed by mistake is a value, and is never repeated.
 */
function flagOf(message: string): string {
  const token = /'([^']*)'/.exec(message)?.[1] ?? '';
  const flag = token.startsWith('--') ? (token.split('=')[0] ?? token) : token.slice(0, 2);
  return /^--?[a-z]+(-[a-z]+)*$/.test(flag) ? flag : '(not shown: it is not an option name)';
}

/** ` (did you mean --name?)` for the option of `command` nearest the flag name `typed`, or nothing. */
function nearestOptionOf(command: Command, typed: string): string {
  if (!/^--[a-z]+(-[a-z]+)*$/.test(typed)) return '';
  const names = command.options.flatMap((option) => (option.long ? [option.long.slice(2)] : []));
  const nearest = nearestName(typed.slice(2), names);
  return nearest === undefined ? '' : ` (did you mean --${nearest}?)`;
}

/**
 * An option written in camelCase as the library's own option is (`--pageSize`, `--timeoutMs=5`) whose
 * kebab-case form is an option of `command` (`--page-size`): the name typed, shown because it spells a
 * known option, and that option. Any other token that is no lowercase flag name stays unshown (flagOf).
 */
function kebabOptionOf(command: Command, given: string): { given: string; option: string } | undefined {
  const typed = given.split('=')[0] ?? given;
  if (!/^--[a-z]+(?:[A-Z][a-z]*)+$/.test(typed)) return undefined;
  const option = `--${typed.slice(2).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
  return command.options.some((candidate) => candidate.long === option)
    ? { given: typed, option }
    : undefined;
}

/**
 * The long name of a known option that lacks its value: commander quotes its flags as declared
 * (`'-p, --provider <id>'`), which hold nothing the user typed.
 */
function optionOf(message: string): string {
  const flags = /'([^']*)'/.exec(message)?.[1] ?? '';
  return /--[a-z]+(-[a-z]+)*/.exec(flags)?.[0] ?? flagOf(message);
}

/** The suggestion commander adds (`(Did you mean --token?)`), which names only known flags or commands. */
function suggestionOf(message: string): string {
  const match = /\(Did you mean ([^)]*)\?\)/.exec(message);
  return match ? ` (did you mean ${match[1]}?)` : '';
}

/**
 * The switch (an option that takes no value) `flag` names on `command`, with its opposite when the command
 * has one (`--recording` and `--no-recording`), or undefined when `flag` is no switch of it.
 */
function switchOf(command: Command, flag: string): { opposite: string | undefined } | undefined {
  const option = command.options.find((candidate) => candidate.long === flag || candidate.short === flag);
  if (!option || option.required || option.optional) return undefined;
  const long = option.long ?? flag;
  const oppositeName = long.startsWith('--no-') ? `--${long.slice(5)}` : `--no-${long.slice(2)}`;
  const opposite = command.options.some((candidate) => candidate.long === oppositeName)
    ? oppositeName
    : undefined;
  return { opposite };
}

/**
 * commander's code for a value option followed by another option (`--name --json`), which {@link
 * UniliveCommand} raises: the option lacks its value, and the option after it is not taken as one.
 */
const optionAsValueCode = 'unilive.optionValueIsOption';

/** One line for a parse error; never the value the user typed, which may be a secret. */
function parseErrorLine(error: CommanderError, command: Command | undefined, program: Command): string {
  const where = command ? `unilive ${command.name()}` : 'unilive';
  switch (error.code) {
    case 'commander.unknownOption': {
      const flag = flagOf(error.message);
      // `--low-latency=1`: commander takes a known switch with a value for an unknown option; the option
      // exists, and the value is what is wrong.
      const given = /'([^']*)'/.exec(error.message)?.[1] ?? '';
      const known = given.includes('=') ? switchOf(command ?? program, flag) : undefined;
      if (known) {
        return `${where}: ${flag} takes no value: give ${flag} alone${known.opposite ? ` or ${known.opposite}` : ', or leave it out'}`;
      }
      const kebab = kebabOptionOf(command ?? program, given);
      if (kebab) return `${where}: unknown option ${kebab.given} (did you mean ${kebab.option}?)`;
      // commander looks for the nearest option in the whole token, the value after `=` included
      // (`--x=secret` drew "did you mean --secret?", telling what the value looks like): with a value, the
      // nearest is looked for by the name alone.
      const suggestion = given.includes('=')
        ? nearestOptionOf(command ?? program, given.split('=')[0] ?? '')
        : suggestionOf(error.message);
      return `${where}: unknown option ${flag}${suggestion}`;
    }
    case optionAsValueCode: {
      const option = optionOf(error.message);
      return `${where}: ${option} needs a value (an argument that starts with "-" is an option; give such a value as ${option}=VALUE)`;
    }
    case 'commander.unknownCommand':
      return `unilive: unknown command${suggestionOf(error.message)}; the commands are ${commands.map((spec) => spec.name).join(', ')}`;
    case 'commander.optionMissingArgument':
    case 'commander.missingMandatoryOptionValue':
      return `${where}: ${optionOf(error.message)} needs a value`;
    case 'commander.missingArgument':
      return `${where}: missing ${/'([^']*)'/.exec(error.message)?.[1] ?? 'an argument'}`;
    case 'commander.excessArguments':
      return `${where}: too many arguments`;
    default:
      return `${where}: ${error.message.replace(/^error: /, '').split('\n')[0]}`;
  }
}

/**
 * A commander command that refuses an option's value that is itself an option: commander gives a value
 * option the next argument whatever it is, so `create --name --json` would name a stream `--json` (and
 * print text). The next argument counts as an option as commander's own parser reads one (a dash and at
 * least one more character: `-` alone, standard input for `--token-file -`, stays a value, and so does a
 * negative number); a value that truly starts with a dash is given joined, `--name=-x`, which commander reads
 * as the value it is.
 */
// A negative number is a value, as commander's own parser reads one for an optional value: no option of the
// CLI is a digit, and `--limit -1` is then refused for its range, naming it.
const negativeNumber = /^-(\d+|\d*\.\d+)([eE][+-]?\d+)?$/;

class UniliveCommand extends Command {
  override createCommand(name?: string): Command {
    return new UniliveCommand(name);
  }

  override parseOptions(args: string[]): { operands: string[]; unknown: string[] } {
    for (let index = 0; index < args.length; index += 1) {
      const arg = args[index] ?? '';
      if (arg === '--') break;
      const option = this.options.find((candidate) => candidate.long === arg || candidate.short === arg);
      if (!option?.required) continue;
      const value = args[index + 1];
      if (value !== undefined && value.length > 1 && value.startsWith('-') && !negativeNumber.test(value)) {
        this.error(`error: option '${option.flags}' argument is an option`, { code: optionAsValueCode });
      }
      index += 1;
    }
    return super.parseOptions(args);
  }
}

/** The program: one commander command per spec, parsed with our output and our exit codes. */
function buildProgram(context: CommandContext, ran: { code: number; failing?: Command }): Command {
  const { output } = context;
  const program = new UniliveCommand('unilive')
    .description('live streams on any supported vendor, from the command line')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .configureOutput({
      writeOut: (text) => output.out(text.trimEnd()),
      writeErr: (text) => output.err(text.trimEnd()),
      outputError: () => {},
    })
    .exitOverride()
    .addHelpText('after', `\nRun "unilive <command> --help" for a command's options.\n${exitCodes}`);
  for (const spec of commands) addCommand(program, spec, context, ran);
  return program;
}

function addCommand(
  program: Command,
  spec: CommandSpec,
  context: CommandContext,
  ran: { code: number; failing?: Command },
) {
  const command = program
    .command(spec.name)
    .summary(spec.summary)
    .description(spec.summary)
    .helpOption('-h, --help', 'show help')
    .exitOverride((error) => {
      ran.failing = command;
      throw error;
    });
  for (const argument of spec.arguments ?? []) {
    // One the command checks itself is declared optional, so that leaving it out reaches the command's run
    // (`wait ID` says what `wait ID ""` says); the usage line below still shows it as required.
    const declared = argument.checkedByRun ? `[${argument.name.replace(/^<|>$/g, '')}]` : argument.name;
    command.argument(declared, argument.description);
  }
  if (spec.arguments?.some((argument) => argument.checkedByRun)) {
    command.usage(['[options]', ...spec.arguments.map((argument) => argument.name)].join(' '));
  }
  for (const option of spec.options) {
    if (option.repeatable) {
      command.option(option.flags, option.description, (value: string, previous: string[] | undefined) => [
        ...(previous ?? []),
        value,
      ]);
    } else {
      command.option(option.flags, option.description);
    }
  }
  // What each option that is given once was given as: `--token a --token b` would send the last one
  // silently, `--recording --no-recording` would decide by order. Either is a usage error, before anything
  // runs; values are never named.
  const given = new Map<string, string[]>();
  for (const option of command.options) {
    if (spec.options.some((each) => each.repeatable && each.flags === option.flags)) continue;
    command.on(`option:${option.name()}`, () => {
      const attribute = option.attributeName();
      given.set(attribute, [...(given.get(attribute) ?? []), option.long ?? option.flags]);
    });
  }
  command.addHelpText('after', `${spec.help ? `\n${spec.help}` : ''}\n${exitCodes}`);
  command.action(async () => {
    for (const [attribute, flags] of given) {
      const named = [...new Set(flags)];
      if (named.length > 1) throw new UsageError(`${named.join(' and ')} contradict each other: give one`);
      // A switch said twice says the same thing; a value given twice is two values.
      const takesValue = command.options.some(
        (option) => option.attributeName() === attribute && (option.required || option.optional),
      );
      if (flags.length > 1 && takesValue)
        throw new UsageError(`${named[0]} is given ${flags.length} times: give it once`);
    }
    try {
      ran.code = await spec.run({ args: command.args, flags: command.opts(), context });
    } finally {
      // What a walk left out is said even when the command printed none of it (a failed list, a
      // registry's walk on the way), masked as core masked it.
      printWalkWarnings(context);
    }
  });
}

/** What {@link stopOnSignals} listens on: `process`, or a stand-in in tests. */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP', listener: (signal: NodeJS.Signals) => void): unknown;
}

/** The exit code of a process ended by `signal` (128 + its number), as shells report it. */
const signalExitCodes = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Turns Ctrl-C (SIGINT), SIGTERM and a closed terminal (SIGHUP) into the abort signal every command
 * stops on: `listen` removes its registrations, `push` stops ffmpeg, calls end. The first one aborts; a
 * second one ends the process at once through `exit`.
 */
export function stopOnSignals(source: SignalSource, exit: (code: number) => void): AbortSignal {
  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      exit(signalExitCodes[signal as keyof typeof signalExitCodes] ?? 143);
      return;
    }
    controller.abort();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) source.on(signal, interrupt);
  return controller.signal;
}

const isHelpFlag = (arg: string) => arg === '--help' || arg === '-h';
const isVersionFlag = (arg: string) => arg === '--version' || arg === '-v';

/**
 * Whether `argv` asks for help or the version and is also a usage error without that flag: an option its
 * command (or the program, before any command) does not know, or, beside either flag, more arguments
 * than the command takes. commander answers the help and version flags before it looks at the options
 * and the arguments, so `list --nosuch --version`, `list extra --help` and `list extra --version` would
 * exit 0 where `list --nosuch` and `list extra` exit 2. The options are parsed by a program of
 * their own that prints nothing, so nothing the probe does reaches the real run.
 */
function isUsageErrorBesideFlag(context: CommandContext, argv: readonly string[]): boolean {
  const asksHelp = argv.some(isHelpFlag);
  if (!asksHelp && !argv.some(isVersionFlag)) return false;
  const silent: Output = { out: () => {}, err: () => {}, interactive: false };
  const program = buildProgram({ ...context, output: silent }, { code: 0 });
  // The command is the first argument that is no option, when only the help and version flags (which take
  // no value) come before it: `--version list extra` is `list extra --version`.
  const at = argv.findIndex((arg) => !arg.startsWith('-'));
  const flagsFirst = at >= 0 && argv.slice(0, at).every((arg) => isHelpFlag(arg) || isVersionFlag(arg));
  const named = flagsFirst ? program.commands.find((command) => command.name() === argv[at]) : undefined;
  const target = named ?? program;
  try {
    const { operands, unknown } = target.parseOptions(
      (named ? argv.slice(at + 1) : argv).filter((arg) => !isHelpFlag(arg) && !isVersionFlag(arg)),
    );
    // commander puts the first option it does not know, and everything after it, in `unknown`.
    if (/^-./.test(unknown[0] ?? '')) return true;
    // Without extra arguments the flag keeps commander's answer (`unilive list --version` prints the version).
    if (!named) return false;
    const declared = named.registeredArguments;
    return (
      !declared.some((argument) => argument.variadic) && operands.length + unknown.length > declared.length
    );
  } catch {
    return false;
  }
}

/**
 * `unilive help [command] [options]` as the help flag it stands for, so that it answers as `--help` does,
 * usage errors included: `help create --nosuch` is `create --help --nosuch` (2, unknown option), `help nosuch`
 * is `nosuch --help` (2, unknown command), `help` and `help help` are `--help`. The flag goes right after the
 * command, before the options: `help create --name` shows the help rather than naming a stream `--help`.
 * commander's own help command would show the help and exit 0 whatever followed it.
 */
function helpAsFlag(argv: readonly string[]): readonly string[] {
  if (argv[0] !== 'help') return argv;
  const [topic, ...rest] = argv.slice(1);
  if (topic === undefined) return ['--help'];
  if (topic === 'help' || topic.startsWith('-'))
    return ['--help', ...(topic === 'help' ? rest : [topic, ...rest])];
  return [topic, '--help', ...rest];
}

/** Runs the CLI with arguments (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], environment: CliEnvironment = {}): Promise<number> {
  // The account's credentials, and what masks them: their values alone, in every encoding, and nothing by
  // shape, so `--show-secrets` still prints a stream's key and push URL (see maskCredentials).
  let credentials: readonly string[] = [];
  let masking: Redactor | undefined;
  const context: CommandContext = {
    output: safeOutput(environment.output ?? processOutput, () => masking),
    // The same rule as the adapters': `UNILIVE_SANDBOX_URL="  "` is no sandbox, as an empty one is.
    environment: environmentView(environment.environment ?? process.env),
    loadFactory: environment.loadFactory ?? importFactory,
    signal: environment.signal,
    readStdin: environment.readStdin ?? readProcessStdin,
    readFile: readBoundedFile,
    opened: [],
    maskCredentials: (values) => {
      const added = values.filter((value) => value !== '' && !credentials.includes(value));
      if (added.length === 0) return;
      credentials = [...credentials, ...added];
      masking = knownValuesRedactor(credentials);
    },
  };
  // Every credential the environment holds, from the start: the account a command uses is known only once
  // its provider is made, and any other is a credential all the same (typed as a stream's name, an option).
  context.maskCredentials(
    credentialVariables.map((name) => context.environment[name] ?? '').filter((value) => value.length >= 4),
  );
  const { output } = context;
  const ran: { code: number; failing?: Command } = { code: 0 };
  const program = buildProgram(context, ran);
  if (argv.length === 0) {
    output.err(program.helpInformation().trimEnd());
    return 2;
  }
  const asked = helpAsFlag(argv);
  // `unilive nosuch --help` is the usage error `unilive nosuch` is (2), not a request for the overall help:
  // commander would answer the help flag before it looks at the command.
  // The command is the first argument that is no option: the program's own options (-h, -v) take no value,
  // so `unilive --help nosuch` and `unilive --version nosuch` name `nosuch` as `unilive nosuch` does, and
  // the version flag is dropped with the help flag: commander would answer either before the command.
  const first = asked.find((arg) => !arg.startsWith('-'));
  const unknownCommand =
    first !== undefined && first !== 'help' && !program.commands.some((command) => command.name() === first);
  // Likewise `create --nosuch --help`, `create --nosuch --version` and `get a b --help` are the usage
  // errors they are without the flag.
  const parsed =
    unknownCommand || isUsageErrorBesideFlag(context, asked)
      ? asked.filter((arg) => !isHelpFlag(arg) && !isVersionFlag(arg))
      : asked;
  try {
    await program.parseAsync([...parsed], { from: 'user' });
    return ran.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)) {
        return error.exitCode === 0 ? 0 : 2;
      }
      const line = parseErrorLine(error, ran.failing, program);
      output.err(line);
      if (ran.failing) {
        output.err(`Usage: unilive ${ran.failing.name()} ${ran.failing.usage()}`);
        output.err(`Run "unilive ${ran.failing.name()} --help" for every option.`);
      }
      if (asksForJson(argv)) output.out(jsonText({ error: usageErrorJson(line.replace(/^[^:]*: /, '')) }));
      return 2;
    }
    return reportFailure(error, output, asksForJson(argv));
  } finally {
    await closeOpened(context);
  }
}

// Closes what the command opened once it is over, however it ended (an interrupt included: the process
// exits only after this). A store's `close` never rejects, and resolves within its `commandTimeoutMs` when
// Redis does not answer; anything else that fails to close is not the command's outcome.
async function closeOpened(context: CommandContext): Promise<void> {
  const opened = context.opened.splice(0);
  await Promise.all(opened.map((resource) => Promise.resolve(resource.close()).catch(() => {})));
}

/**
 * Whether the command line asks for `--json` (`--json=…` too, itself a usage error): then every error, the
 * CLI's own usage errors included, prints one `{"error": {…}}` document on standard output besides its line
 * on standard error. Arguments after `--` are operands, and `--name=--json` is a value.
 */
function asksForJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => arg === '--json' || arg.startsWith('--json='));
}

/**
 * The error document of a usage error the CLI raises itself, shaped as a library error's `toJSON` is: the
 * same `name`/`message` pair, refused before any request (`delivery: 'not-sent'`), not worth repeating.
 */
function usageErrorJson(message: string): Record<string, unknown> {
  return { name: 'UsageError', message, delivery: 'not-sent', isRetryable: false };
}

function reportFailure(error: unknown, output: Output, json: boolean): number {
  if (error instanceof UsageError) {
    output.err(`unilive: ${error.message}`);
    if (json) output.out(jsonText({ error: usageErrorJson(error.message) }));
    return 2;
  }
  if (error instanceof CommandFailure) {
    output.err(`unilive: ${error.message}`);
    if (json)
      output.out(jsonText({ error: { name: error.name, message: error.message, isRetryable: false } }));
    return 1;
  }
  if (UniliveError.isInstance(error)) {
    output.err(`unilive: ${error.name}: ${error.message}`);
    if (json) output.out(jsonText({ error: error.toJSON() }));
    if (error.name === 'AbortError') return 130;
    // Refused before any request (a bad setting, a bad input, credentials missing or unusable): a usage
    // error. An AuthenticationError the vendor answered has a status; one without is the account's settings.
    if (error.status !== undefined) return 1;
    if (InvalidInputError.isInstance(error)) return 2;
    return AuthenticationError.isInstance(error) && error.delivery === 'not-sent' ? 2 : 1;
  }
  const message = `unexpected failure: ${(error as Error)?.message ?? String(error)}`;
  output.err(`unilive: ${message}`);
  if (json) output.out(jsonText({ error: { name: 'UnexpectedError', message, isRetryable: false } }));
  return 1;
}
