import { trimWhitespace } from '@unilive/core';
import type { Output } from './progress.js';
import type { FactoryLoader } from './providers.js';

/** A mistake in how the command was called: exit code 2, and the message never repeats a value given. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The command could not do what it was asked for a reason of this machine or of the stream (no ffmpeg runs,
 * the stream has no RTMP ingest): exit code 1, the message on standard error and, with `--json`, as
 * `{"error": …}` on standard output, as every other failure is.
 */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
}

/** What every command gets: where to write, the environment, and how to load adapters and read secrets. */
export interface CommandContext {
  /** Where to write; every line goes through `neutralise` first. */
  output: Output;
  /** Read through core's `environmentView`: a blank variable is absent, a value's whitespace trimmed. */
  environment: Readonly<Record<string, string | undefined>>;
  loadFactory: FactoryLoader;
  /** Ctrl-C or SIGTERM: ends running calls and waits. */
  signal: AbortSignal | undefined;
  /**
   * Reads standard input (`--token-file -`) to its end, or to `maxBytes` and one byte more (enough to tell
   * the limit was passed); ends when `signal` fires.
   */
  readStdin(limits?: ReadLimits): Promise<string>;
  /** Reads a file as {@link readStdin} reads standard input: at most `maxBytes` and one byte more. */
  readFile(path: string, limits?: ReadLimits): Promise<string>;
  /**
   * What the command opened that must be closed when it ends (the Redis rate-limit stores it made), each
   * closed by `main` once the command is over, whatever way it ended.
   */
  opened: { close(): Promise<void> }[];
  /**
   * Masks `values` in every line written from now on, in every encoding core's `redact` covers: the
   * account's credentials, which no output shows, `--show-secrets` or not. A vendor may echo one anywhere
   * in a success answer (a stream's name), where a stream's own secrets mask only the stream's.
   */
  maskCredentials(values: readonly string[]): void;
}

/** How much of a secret file to read, and when to stop waiting for it. */
export interface ReadLimits {
  maxBytes: number;
  signal?: AbortSignal | undefined;
}

/** One run of a command: its positional arguments and its options, as commander parsed them. */
export interface Invocation {
  args: readonly string[];
  flags: Readonly<Record<string, unknown>>;
  context: CommandContext;
}

/** An option of a command, as commander spells it (`--limit <n>`, `-p, --provider <id>`, `--wait`). */
export interface OptionSpec {
  flags: string;
  description: string;
  /** May be given several times; the values are collected in order. */
  repeatable?: boolean;
}

/**
 * A CLI command. Adding one is a new file under `src/commands/` exporting a `CommandSpec`, plus one line
 * in `src/commands/index.ts`; parsing, `--help`, usage errors and exit codes come from `cli.ts`.
 */
export interface CommandSpec {
  name: string;
  /** One line, shown in `unilive --help`. */
  summary: string;
  /**
   * Positional arguments as commander spells them: `<id>`, `[state]`. `checkedByRun`: a required one
   * (`<state>`) whose absence the command's `run` reports itself, with the message it gives an empty or
   * blank one: commander's own "missing state" would word the same mistake another way.
   */
  arguments?: readonly { name: string; description: string; checkedByRun?: true }[];
  /** Options of this command, shown in its `--help` in this order. */
  options: readonly OptionSpec[];
  /** Shown at the end of the command's `--help`. */
  help?: string;
  run(invocation: Invocation): Promise<number>;
}

/** The string value of an option, or undefined. */
export function stringFlag(flags: Invocation['flags'], name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** The values of a repeatable option; `flag` is how a message names it (default `--<name>`). */
export function listFlag(flags: Invocation['flags'], name: string, flag = `--${name}`): string[] {
  const value = flags[name];
  const items = Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  // An empty one (`--provider=`, a variable that expanded to nothing) is refused, as `nonEmptyFlag` refuses
  // one: read as "none given", it would fall back to the environment's choice without a word.
  if (items.some((item) => trimWhitespace(item) === '')) throw new UsageError(`${flag} needs a value`);
  return items;
}

/**
 * A whole number in a range, or undefined when absent: the one rule every numeric flag of every command
 * keeps. Only decimal digits are taken: no sign, no `0x10`, no `1e3`, no fraction, no surrounding or inner
 * whitespace (a quoting slip is refused rather than guessed at), and nothing past `max` (default: the
 * largest safe integer, 9007199254740991). The message names the option and the bound the value broke
 * (both bounds when the flag has a `max` of its own, so a digit string too large for a number at all is told
 * "at most", never "at least"), never the value, which may be a secret typed in the wrong place.
 */
export function integerFlag(
  flags: Invocation['flags'],
  name: string,
  flag: string,
  range: { min: number; max?: number; unit?: string },
): number | undefined {
  const text = stringFlag(flags, name);
  if (text === undefined) return undefined;
  const digits = /^\d+$/.test(text);
  const value = digits ? Number(text) : Number.NaN;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (Number.isSafeInteger(value) && value >= range.min && value <= max) return value;
  const what = `a whole number${range.unit ? ` of ${range.unit}` : ''}`;
  // Digits that are no safe integer stand for 2^53 or more: Number() rounds only above the safe range.
  const tooLarge = digits && (!Number.isSafeInteger(value) || value > max);
  throw new UsageError(
    range.max !== undefined
      ? `${flag} expects ${what} from ${range.min} to ${range.max}`
      : tooLarge
        ? `${flag} expects ${what}, at most ${max}`
        : `${flag} expects ${what}, at least ${range.min}`,
  );
}

const durationUnits: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const shortestSeconds = 0.001;

/** `86400` → `24h`, `90` → `90s`: a limit in the largest unit that divides it. */
function durationText(seconds: number): string {
  if (seconds < 1) return `${seconds * 1000}ms`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * A length of time in seconds (`10s`, `1.5m`, `500ms`, `1h`; a bare number is seconds), or undefined when
 * absent: the one rule every duration flag keeps, as {@link integerFlag} is for numbers. Only decimal
 * digits, an optional decimal fraction and one unit are taken: no sign, no exponent, no surrounding or inner
 * whitespace (a quoting slip is refused rather than guessed at), nothing under `minSeconds` (default and
 * floor 1ms) or above `maxSeconds`. A flag counting whole milliseconds (`--timeout-ms`, `--transition-ms`)
 * is a number flag and goes through `integerFlag` with `unit: 'ms'`. The message names the option and what it takes, never the value.
 */
export function durationFlag(
  flags: Invocation['flags'],
  name: string,
  flag: string,
  range: { minSeconds?: number; maxSeconds: number },
): number | undefined {
  const text = stringFlag(flags, name);
  if (text === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  const seconds = match ? Number(match[1]) * (durationUnits[match[2] ?? 's'] ?? 1) : Number.NaN;
  // Under a millisecond is no length anything here waits for, and below a microsecond a number reads as an
  // exponent (`1e-7`), which ffmpeg's `-t` refuses after the push was set up.
  const minSeconds = Math.max(range.minSeconds ?? shortestSeconds, shortestSeconds);
  if (!Number.isFinite(seconds) || seconds < minSeconds || seconds > range.maxSeconds) {
    throw new UsageError(
      `${flag} expects a length such as 10s, 2m or 1h (from ${durationText(minSeconds)} to ${durationText(range.maxSeconds)})`,
    );
  }
  return seconds;
}

/**
 * A flag naming something (a host, say), or undefined when absent; an empty or blank value (the library's
 * whitespace, NEL included: `trimWhitespace`) is refused rather than read as "the default", which would
 * start on an address the user did not ask for.
 */
export function nonEmptyFlag(flags: Invocation['flags'], name: string, flag: string): string | undefined {
  const text = stringFlag(flags, name);
  if (text !== undefined && trimWhitespace(text) === '') throw new UsageError(`${flag} needs a value`);
  return text;
}
