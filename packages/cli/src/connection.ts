import {
  AbortError,
  builtInProviderIds,
  type ConfiguredProviderFactory,
  createLiveStreamClient,
  createLiveStreamRegistryFromConfig,
  environmentView,
  escapeUnprintable,
  type GateStoreFactory,
  type HttpHooks,
  InvalidInputError,
  type LiveStreamClient,
  type LiveStreamProvider,
  type LiveStreamRegistry,
  type LiveStreamRegistryConfig,
  maxTimeoutMs,
  onceListenerOptions,
  type ProviderId,
  providerIdProblem,
  type RateLimitConfig,
  type Redactor,
  rateLimitFromConfig,
  redactStable,
  type Warning,
} from '@unilive/core';
import { createScanner } from 'jsonc-parser';
import {
  type CommandContext,
  type Invocation,
  integerFlag,
  listFlag,
  nonEmptyFlag,
  type OptionSpec,
  stringFlag,
  UsageError,
} from './context.js';
import {
  buildProvider,
  credentialSettingNames,
  loadFactory,
  sandboxDiscoveryTimeoutMs,
  sandboxSettings,
} from './providers.js';

/**
 * Credentials a flag can carry, the setting each becomes, and whether it is a secret: all of them are, the
 * LiveAPI token id and the videosdk API key too (half of a credential pair, and scrubbed like the rest).
 */
const credentialFlags = [
  { flag: 'token', key: 'token', setting: 'token', secret: true },
  { flag: 'token-id', key: 'tokenId', setting: 'tokenId', secret: true },
  { flag: 'secret-key', key: 'secretKey', setting: 'secretKey', secret: true },
  { flag: 'api-key', key: 'apiKey', setting: 'apiKey', secret: true },
  { flag: 'secret', key: 'secret', setting: 'secret', secret: true },
] as const;

/** The options every command that talks to a vendor takes: provider, where, credentials, output. */
export const connectionOptions: readonly OptionSpec[] = [
  {
    flags: '-p, --provider <id>',
    description:
      'wowza-video | wowza-realtime | liveapi | videosdk (default: $UNILIVE_PROVIDER); repeat it for several',
    repeatable: true,
  },
  {
    flags: '--config <file>',
    description:
      'a JSON file of several providers, each with a name; - reads it from standard input (default: $UNILIVE_CONFIG)',
  },
  { flags: '--sandbox <url>', description: 'talk to a running sandbox (default: $UNILIVE_SANDBOX_URL)' },
  { flags: '--base-url <url>', description: "the vendor API root, instead of the vendor's own" },
  { flags: '--json', description: 'machine-readable output' },
  { flags: '--raw', description: "with --json (needed), include the vendor's own object" },
  {
    flags: '--timeout-ms <ms>',
    description: 'per-attempt time limit: each try of a request, retries not counted (wait: the whole wait)',
  },
  {
    flags: '--total-timeout-ms <ms>',
    description: "one deadline for the whole call, retries and waits included (adapter's totalTimeoutMs)",
  },
  { flags: '--rate-limit <n>', description: "requests per second to keep to (the vendor account's limit)" },
  { flags: '--max-concurrency <n>', description: 'requests in flight at once' },
  {
    flags: '--rate-limit-store <store>',
    description:
      'memory | redis: redis shares the budget with every process on the account (default: memory)',
  },
  { flags: '--redis-url <url>', description: 'with --rate-limit-store redis (default: $UNILIVE_REDIS_URL)' },
  {
    flags: '--on-store-unavailable <mode>',
    description: 'fallback | fail, while Redis cannot be reached (default: fallback)',
  },
  ...credentialFlags.flatMap(({ flag, secret }): OptionSpec[] =>
    secret
      ? [
          {
            flags: `--${flag}-file <file>`,
            description: `read --${flag} from a file (- for standard input)`,
          },
          { flags: `--${flag} <value>`, description: 'visible to other local users: prefer the file or env' },
        ]
      : [{ flags: `--${flag} <value>`, description: `the ${flag.replace('-', ' ')} credential` }],
  ),
];

/** Shown after the `--help` of every command that talks to a vendor. */
export const connectionHelp = `Credentials come from the environment (WOWZA_VIDEO_TOKEN, WOWZA_REALTIME_TOKEN, LIVEAPI_TOKEN_ID,
LIVEAPI_SECRET_KEY, VIDEOSDK_TOKEN or VIDEOSDK_API_KEY + VIDEOSDK_SECRET), from a file or standard input
(--token-file FILE, --token-file -, at most 64 KiB), or from flags, which other users of this machine can
read. Ctrl-C ends the read of any file the CLI is given, a named pipe nobody writes included.

With --sandbox (or UNILIVE_SANDBOX_URL), one provider or several: the sandbox's address and development
credentials are used, whatever the credential flags, their -file forms, --base-url or the environment say;
the values given are never sent anywhere (a note on stderr names the flags ignored, never their values).

Several providers at once (--provider repeated, or --config FILE): streams are then named by reference,
<name>:<stream id> (liveapi:abc123), where a repeated --provider is named by its id and a --config entry by
its "name". The file is what createLiveStreamRegistryFromConfig takes:
  {"providers": [{"provider": "liveapi", "name": "eu"}, {"provider": "wowza-video"}],
   "routing": {"order": ["wowza-video", "eu"]}}
Credentials left out of an entry come from the environment; credential flags and --base-url then do not apply.
At most 1 MiB of the file is read; a larger one (or a device such as /dev/zero) is a usage error.

--rate-limit and --max-concurrency pace the command's requests; with --rate-limit-store redis the budget
(and the pause after a 429) is kept in Redis per vendor account, shared with every process configured alike,
so many unilive runs at once keep to one limit; --redis-url's database (/2) is a number from 0 to 2147483646,
anything else a usage error. While Redis cannot be reached the command paces alone and
warns (--on-store-unavailable fallback), or fails without sending anything (fail). A --config entry's own
"rateLimit" wins over the flags. The store is closed when the command ends (Ctrl-C included): the slots of
requests still in flight are removed, so an interrupted run holds none back from the other processes.`;

/** The most a `--<flag>-file` may hold: a credential is one line of at most 8,192 characters. */
export const maxSecretFileBytes = 65_536;

/** The most `--config` (or `UNILIVE_CONFIG`) may hold: a registry of providers is a few kilobytes. */
export const maxConfigFileBytes = 1_048_576;

/**
 * Reads a file the CLI was given (`--config`, a `--<flag>-file`): a path, or `-` for standard input where
 * `stdin` allows it. At most `maxBytes` and one byte more are read (`/dev/zero`, a wrong path, costs that much
 * and is refused, never the process's memory); Ctrl-C or SIGTERM ends the wait at once (a named pipe nobody
 * writes, a terminal left open), as `AbortError`. Every other problem is a `UsageError` naming `flag`,
 * never the file's text.
 */
async function readInputFile(
  invocation: Invocation,
  flag: string,
  path: string,
  { maxBytes, tooLarge, stdin }: { maxBytes: number; tooLarge: string; stdin: boolean },
): Promise<string> {
  const { signal } = invocation.context;
  const interrupted = () =>
    new AbortError({ operation: 'configure', message: `Interrupted while reading ${flag}` });
  if (signal?.aborted) throw interrupted();
  let text: string;
  const limits = { maxBytes, signal };
  const reading =
    stdin && path === '-' ? invocation.context.readStdin(limits) : invocation.context.readFile(path, limits);
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(interrupted());
    signal?.addEventListener('abort', onAbort, onceListenerOptions);
  });
  try {
    text = await Promise.race([reading, aborted]);
  } catch (error) {
    if (signal?.aborted) throw interrupted();
    const code = (error as { code?: unknown }).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a folder'
            : code === 'ELOOP'
              ? 'too many symbolic links (a link that leads back to itself)'
              : code === 'ENOTDIR'
                ? 'a part of its path is no folder'
                : code === 'ENAMETOOLONG'
                  ? 'its name is too long for the file system'
                  : code === 'EILSEQ'
                    ? 'it is not UTF-8 text (a byte no UTF-8 character holds; save it as UTF-8)'
                    : 'it cannot be read';
    throw new UsageError(`${flag}: ${why}`);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reading.catch(() => {});
  }
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new UsageError(`${flag}: larger than ${sizeText(maxBytes)}; ${tooLarge}`);
  }
  return text;
}

/** 65536 as `64 KiB`, 1048576 as `1 MiB`. */
function sizeText(bytes: number): string {
  return bytes >= 1_048_576 ? `${bytes / 1_048_576} MiB` : `${bytes / 1024} KiB`;
}

/**
 * Reads a secret from `--<flag>-file`: a path, or `-` for standard input. The whitespace around the value
 * (a line end, CRLF or NEL included) is dropped by core's rule for an environment variable, so a file and
 * the variable holding the same text give the same credential. At most {@link maxSecretFileBytes} are
 * read, as {@link readInputFile} reads.
 */
async function readSecretFile(invocation: Invocation, flag: string, path: string): Promise<string> {
  const text = await readInputFile(invocation, `--${flag}-file`, path, {
    maxBytes: maxSecretFileBytes,
    tooLarge: 'expected one line holding the credential',
    stdin: true,
  });
  const value = environmentView({ value: text }).value ?? '';
  if (value.length === 0) throw new UsageError(`--${flag}-file: the file is empty`);
  if (/[\r\n]/.test(value)) throw new UsageError(`--${flag}-file: expected one line`);
  return value;
}

/** The credentials the flags and files give, warning once for each secret read from the command line. */
async function credentialSettings(invocation: Invocation): Promise<Record<string, string>> {
  const settings: Record<string, string> = {};
  // Standard input is read once, whole: a second `-` would find it spent and say the file was empty.
  let stdinFlag: string | undefined;
  for (const { flag, key, secret } of credentialFlags) {
    if (!secret || stringFlag(invocation.flags, `${key}File`) !== '-') continue;
    if (stdinFlag !== undefined)
      throw new UsageError(
        `--${stdinFlag}-file - and --${flag}-file -: standard input can give one of them; give the other a file or the environment`,
      );
    stdinFlag = flag;
  }
  for (const { flag, key, setting, secret } of credentialFlags) {
    const direct = stringFlag(invocation.flags, key);
    const file = secret ? stringFlag(invocation.flags, `${key}File`) : undefined;
    if (direct !== undefined && file !== undefined) {
      throw new UsageError(`--${flag} and --${flag}-file: give one of them`);
    }
    if (file !== undefined) settings[setting] = await readSecretFile(invocation, flag, file);
    if (direct !== undefined) {
      settings[setting] = direct;
      if (secret) {
        invocation.context.output.err(
          `unilive: warning: --${flag} on the command line can be read by other users of this machine; ` +
            `use the environment or --${flag}-file (- reads standard input)`,
        );
      }
    }
  }
  return settings;
}

/**
 * Under `--sandbox`, the flags that would set a credential or the address and are ignored: one note on
 * stderr naming them (never their values, nor a `-file`'s contents, which is not read).
 */
function ignoredUnderSandbox(invocation: Invocation): void {
  const ignored = [
    ...credentialFlags.flatMap(({ flag, key }) => [
      ...(stringFlag(invocation.flags, key) !== undefined ? [`--${flag}`] : []),
      ...(stringFlag(invocation.flags, `${key}File`) !== undefined ? [`--${flag}-file`] : []),
    ]),
    ...(stringFlag(invocation.flags, 'baseUrl') !== undefined ? ['--base-url'] : []),
  ];
  if (ignored.length === 0) return;
  invocation.context.output.err(
    `unilive: note: ${ignored.join(', ')} ignored: with --sandbox the sandbox's address and development credentials are used`,
  );
}

/**
 * The per-attempt limit of `--timeout-ms`, validated: the call option `timeoutMs`, which bounds each try
 * of a request (a request retried twice can run for three of it, plus the backoff between).
 */
export function timeoutFlag(invocation: Invocation): number | undefined {
  return integerFlag(invocation.flags, 'timeoutMs', '--timeout-ms', {
    min: 1,
    max: maxTimeoutMs,
    unit: 'ms',
  });
}

/**
 * `--total-timeout-ms`, validated: the adapter setting `totalTimeoutMs` (see docs/errors.md, "How long a
 * call can take"), given to the provider the flags describe and to every `--config` entry that sets none
 * of its own. The same whole milliseconds, from 1 to 2³¹−1, as `--timeout-ms`.
 */
export function totalTimeoutFlag(invocation: Invocation): number | undefined {
  return integerFlag(invocation.flags, 'totalTimeoutMs', '--total-timeout-ms', {
    min: 1,
    max: maxTimeoutMs,
    unit: 'ms',
  });
}

/**
 * How long the sandbox look-up may take: `--timeout-ms` (else 5 s), and no longer than `--total-timeout-ms`,
 * one deadline for the command's whole call, the look-up included.
 */
function lookupTimeout(invocation: Invocation): number {
  const total = totalTimeoutFlag(invocation);
  const attempt = timeoutFlag(invocation) ?? sandboxDiscoveryTimeoutMs;
  return total === undefined ? attempt : Math.min(attempt, total);
}

/**
 * `--total-timeout-ms` less what the command has spent since `began` (the sandbox look-up; `undefined` when
 * there was none): what the adapter's `totalTimeoutMs` is given, so that the calls after the look-up end by
 * the command's deadline.
 */
function totalLeft(invocation: Invocation, began: number | undefined): number | undefined {
  const total = totalTimeoutFlag(invocation);
  return total === undefined || began === undefined ? total : Math.max(1, total - (Date.now() - began));
}

/**
 * The rate limit the flags describe, as configuration takes it; undefined when no flag is given. A Redis
 * URL with a password on the command line draws the same warning as a secret flag.
 */
export function rateLimitFlags(invocation: Invocation): RateLimitConfig | undefined {
  const { flags, context } = invocation;
  const config: RateLimitConfig = {};
  const rate = stringFlag(flags, 'rateLimit');
  if (rate !== undefined) {
    const value = /^\d+(\.\d+)?$/.test(rate) ? Number(rate) : Number.NaN;
    if (!(value > 0) || !Number.isFinite(value)) {
      throw new UsageError('--rate-limit expects a number of requests per second above 0');
    }
    config.requestsPerSecond = value;
  }
  const concurrency = integerFlag(flags, 'maxConcurrency', '--max-concurrency', { min: 1 });
  if (concurrency !== undefined) config.maxConcurrency = concurrency;
  const store = stringFlag(flags, 'rateLimitStore');
  if (store !== undefined && store !== 'memory' && store !== 'redis') {
    throw new UsageError('--rate-limit-store expects memory or redis');
  }
  const urlFlag = stringFlag(flags, 'redisUrl');
  const onUnavailable = stringFlag(flags, 'onStoreUnavailable');
  if (store !== 'redis') {
    if (urlFlag !== undefined) throw new UsageError('--redis-url needs --rate-limit-store redis');
    if (onUnavailable !== undefined)
      throw new UsageError('--on-store-unavailable needs --rate-limit-store redis');
  } else {
    config.store = 'redis';
    const url = urlFlag ?? context.environment.UNILIVE_REDIS_URL;
    if (url !== undefined) config.url = url;
    if (urlFlag !== undefined) {
      if (URL.canParse(urlFlag) && new URL(urlFlag).password !== '') {
        context.output.err(
          'unilive: warning: --redis-url holds a password, which other users of this machine can read; use UNILIVE_REDIS_URL',
        );
      }
    }
    if (onUnavailable !== undefined) {
      if (onUnavailable !== 'fallback' && onUnavailable !== 'fail') {
        throw new UsageError('--on-store-unavailable expects fallback or fail');
      }
      config.onUnavailable = onUnavailable;
    }
  }
  return Object.keys(config).length > 0 || store === 'memory' ? config : undefined;
}

/**
 * `@unilive/redis`'s store factory, loaded only when a command asks for it. Each store it makes is kept in
 * `context.opened`, so `main` closes it when the command ends: the store's connection never keeps the process
 * alive, but a process that just ends leaves the slots of requests still in flight (an interrupted command's)
 * and releases not yet sent held in Redis until they expire, holding back every other process of the
 * account. A factory of this command's own: core keeps one store per factory and settings, and a store
 * closed here must not be handed to a later command of the same process.
 */
async function redisStores(
  config: RateLimitConfig | undefined,
  context: CommandContext,
): Promise<{ redis?: GateStoreFactory }> {
  if (config?.store !== 'redis') return {};
  const { createRedisGateStore } = await import('@unilive/redis');
  return {
    redis: (settings) => {
      const store = createRedisGateStore(settings);
      context.opened.push(store);
      return store;
    },
  };
}

/**
 * Warnings with no stream to ride on, which only stderr can carry, whatever the output mode: a list's
 * streams left out (`skipped-record`: one gone between its page and its details read, one whose details
 * could not be used or read), a list cut short (`incomplete-list`), a provider a registry's list left out
 * (`skipped-provider`).
 */
const walkWarningTypes: ReadonlySet<Warning['type']> = new Set([
  'skipped-record',
  'incomplete-list',
  'skipped-provider',
]);

/**
 * Prints, one `unilive: warning:` line on stderr, the store's fallback warning (once per outage) at once,
 * and holds what a list walk left out or could not reach until the command has every stream it lists (see
 * {@link printWalkWarnings}); a stream's own warnings are printed with the stream. Core has scrubbed each
 * message of the secrets the provider knew when it was raised; a stream listed later may carry a key an
 * earlier warning quotes, so the walk's are masked again once the list is complete.
 */
function callWarnings(invocation: Invocation): HttpHooks {
  const { context } = invocation;
  return {
    onWarning: ({ warning }) => {
      // Said at once, as a setting the call was given: a rate-limit store unused, a page size not sent.
      if (warning.setting === 'rateLimit.store' || warning.setting === 'pageSize')
        context.output.err(`unilive: warning: ${escapeUnprintable(warning.message)}`);
      else if (walkWarningTypes.has(warning.type)) {
        const held = heldWarnings.get(context) ?? [];
        held.push(warning);
        heldWarnings.set(context, held);
      }
    },
  };
}

// The walk warnings of a run, held until printWalkWarnings.
const heldWarnings = new WeakMap<CommandContext, Warning[]>();

/**
 * From this many streams left out of one list on, a closing line counts them: the lines naming each may
 * have scrolled past, and a script reading stderr gets the total without counting.
 */
export const skippedCountLine = 10;

/**
 * Prints the walk warnings held so far, one `unilive: warning:` line each on stderr, each masked by
 * `redactor` (a listing passes the secrets of every stream it lists: an earlier warning may quote a key of
 * a stream listed after it), control characters shown escaped; then, when {@link skippedCountLine} or more
 * streams were left out, one line that counts them. Every command's run ends by printing what is left.
 */
export function printWalkWarnings(context: CommandContext, redactor?: Redactor): void {
  const held = heldWarnings.get(context);
  if (!held || held.length === 0) return;
  heldWarnings.delete(context);
  for (const warning of held) {
    const message = redactor ? redactStable(redactor, warning.message) : warning.message;
    context.output.err(`unilive: warning: ${escapeUnprintable(message)}`);
  }
  const skipped = held.filter((warning) => warning.type === 'skipped-record').length;
  if (skipped >= skippedCountLine)
    context.output.err(`unilive: warning: ${skipped} streams were left out of the list (named above)`);
}

/** The positional argument of every command that names a stream. */
export const streamArgument = {
  name: '<id>',
  description: 'the stream id; with several providers, its reference <name>:<id>',
} as const;

/** The calls a stream command makes: by id on one provider's client, by reference on a registry. */
export type StreamCalls = Pick<
  LiveStreamClient,
  'create' | 'get' | 'list' | 'update' | 'delete' | 'start' | 'stop' | 'waitForState'
>;

/** What the connection options describe: one provider, or several in a registry. */
export type Streams =
  | { kind: 'client'; calls: StreamCalls; client: LiveStreamClient }
  | { kind: 'registry'; calls: StreamCalls; registry: LiveStreamRegistry };

/**
 * The providers the connection options describe: several (`--config FILE`, `UNILIVE_CONFIG`, or more than
 * one `--provider`) make a registry whose streams are named by reference; one makes a client.
 */
export async function streamsFor(invocation: Invocation): Promise<Streams> {
  const { flags, context } = invocation;
  // The vendor's object is printed only inside the JSON: without --json the flag would do nothing, silently.
  if (flags.raw === true && flags.json !== true) throw new UsageError('--raw needs --json');
  const providers = listFlag(flags, 'provider');
  // Taken as several providers, a repeated one read as a registry configuration naming one twice.
  const repeated = providers.find((provider, index) => providers.indexOf(provider) !== index);
  if (repeated !== undefined) {
    throw new UsageError(`--provider ${escapeUnprintable(repeated)} is given twice: name each provider once`);
  }
  // A blank path is refused as a blank --host or --sandbox is (`--config "$UNSET"`), never read as a file.
  // (A blank UNILIVE_CONFIG is absent, as every blank variable is: `environmentView`.)
  const configPath =
    nonEmptyFlag(flags, 'config', '--config') ??
    (providers.length === 0 ? context.environment.UNILIVE_CONFIG : undefined);
  if (configPath !== undefined && providers.length > 0) {
    throw new UsageError('--config and --provider: give one of them');
  }
  if (configPath === undefined && providers.length <= 1) {
    const client = await clientFor(invocation);
    return { kind: 'client', calls: client, client };
  }
  // Named by what made this a registry: a config file of one entry is still a config file, whose entries
  // hold the credentials and API roots.
  const why =
    configPath === undefined
      ? 'with several providers'
      : stringFlag(flags, 'config') !== undefined
        ? 'with --config'
        : 'with UNILIVE_CONFIG';
  for (const { flag, key } of credentialFlags) {
    if (stringFlag(flags, key) !== undefined || stringFlag(flags, `${key}File`) !== undefined) {
      throw new UsageError(
        `--${flag} sets one provider's credential: ${why}, put credentials in the ${configPath === undefined ? '--config' : 'config'} file or the environment`,
      );
    }
  }
  if (stringFlag(flags, 'baseUrl') !== undefined) {
    throw new UsageError(
      `--base-url sets one provider's API root: ${why}, set baseUrl in the ${configPath === undefined ? '--config' : 'config'} file`,
    );
  }
  const config =
    configPath === undefined
      ? { providers: providers.map((provider) => ({ provider })) }
      : await readRegistryConfig(
          invocation,
          configPath,
          // Named as the user gave it: a file from the environment is no flag they passed.
          stringFlag(flags, 'config') !== undefined ? '--config' : 'UNILIVE_CONFIG',
        );
  const registry = await registryFor(invocation, config);
  return { kind: 'registry', calls: registry, registry };
}

/**
 * Reads `--config` (`-`: standard input): a JSON object with a `providers` list, at most {@link maxConfigFileBytes}, read as
 * {@link readInputFile} reads, a leading UTF-8 byte-order mark ignored; the message never repeats the
 * file's text.
 */
async function readRegistryConfig(
  invocation: Invocation,
  path: string,
  label: '--config' | 'UNILIVE_CONFIG',
): Promise<LiveStreamRegistryConfig> {
  const text = await readInputFile(invocation, label, path, {
    maxBytes: maxConfigFileBytes,
    tooLarge: 'expected a JSON file of providers',
    // `--config -` reads standard input, as a credential's `--<flag>-file -` does (`… | unilive list --config -`);
    // no credential flag goes with --config, so nothing else reads it. UNILIVE_CONFIG names a file.
    stdin: label === '--config',
  });
  let parsed: unknown;
  let json = text;
  try {
    // A byte-order mark (Windows Notepad, PowerShell 5's Out-File) is no part of the JSON text: RFC 8259
    // section 8.1 lets a parser ignore it, and JSON.parse would not.
    json = text.startsWith('\uFEFF') ? text.slice(1) : text;
    parsed = JSON.parse(json);
  } catch {
    throw new UsageError(`${label}: the file is not JSON`);
  }
  const repeated = repeatedKey(json);
  if (repeated !== undefined) {
    throw new UsageError(
      `${label}: a key is written twice in one object (the second time at line ${repeated.line}, column ${repeated.column}); JSON keeps the last and drops the first, so write each key once`,
    );
  }
  const providers = (parsed as { providers?: unknown } | null)?.providers;
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(providers)) {
    throw new UsageError(`${label}: expected {"providers": [{"provider": "<id>", "name": "<name>"}, …]}`);
  }
  return parsed as LiveStreamRegistryConfig;
}

// The tokens of jsonc-parser's `SyntaxKind` read here (a const enum, which this build cannot import by name).
const token = {
  openBrace: 1,
  closeBrace: 2,
  openBracket: 3,
  closeBracket: 4,
  comma: 5,
  string: 10,
  end: 17,
} as const;

/**
 * Where the first key a JSON text writes twice in one object is written the second time (1-based line and
 * column), or `undefined`: `JSON.parse` keeps the last of them, so a merge that left two `providers` lists
 * would drop the first list's accounts without a word. The names are compared as JSON reads them
 * (`"provid\\u0065rs"` is `providers`); the message names the place, never the name (a usage error never
 * repeats the file's text). The text is JSON already (parsed first); it is read token by token with a stack
 * of its own, so a file nested thousands deep costs no call stack.
 */
function repeatedKey(text: string): { line: number; column: number } | undefined {
  // Per open object, the names it has written and whether a name comes next; `undefined` for an array.
  const open: ({ names: Set<string>; expectsKey: boolean } | undefined)[] = [];
  const scanner = createScanner(text, true);
  for (let kind: number = scanner.scan(); kind !== token.end; kind = scanner.scan()) {
    const top = open[open.length - 1];
    if (kind === token.openBrace) open.push({ names: new Set(), expectsKey: true });
    else if (kind === token.openBracket) open.push(undefined);
    else if (kind === token.closeBrace || kind === token.closeBracket) open.pop();
    else if (kind === token.comma && top !== undefined) top.expectsKey = true;
    else if (kind === token.string && top?.expectsKey === true) {
      top.expectsKey = false;
      const name = scanner.getTokenValue();
      if (top.names.has(name))
        return { line: scanner.getTokenStartLine() + 1, column: scanner.getTokenStartCharacter() + 1 };
      top.names.add(name);
    }
  }
  return undefined;
}

// Each entry as createLiveStreamRegistryFromConfig builds it; with a sandbox, its address and development
// credentials replace the entry's own (the file's credentials are never sent to a sandbox), and the entry's
// other settings stay.
async function registryFor(
  invocation: Invocation,
  config: LiveStreamRegistryConfig,
): Promise<LiveStreamRegistry> {
  const { flags, context } = invocation;
  const began = Date.now();
  const ids = [
    ...new Set(
      config.providers.flatMap((entry) =>
        typeof entry === 'object' && entry !== null && typeof entry.provider === 'string'
          ? [entry.provider]
          : [],
      ),
    ),
  ];
  const factories: Record<string, ConfiguredProviderFactory> = {};
  // An id no package provides is refused at its entry as the entries are built, in order: an earlier entry's
  // own problem is reported first, as it would be were every id known.
  const unloaded = new Map<string, InvalidInputError>();
  for (const id of ids) {
    try {
      factories[id] = await loadFactory(id, context.loadFactory);
    } catch (error) {
      if (!InvalidInputError.isInstance(error)) throw error;
      unloaded.set(id, error);
      // Defined, not assigned: an id such as `__proto__` must be an entry of its own, not the prototype.
      Object.defineProperty(factories, id, {
        value: () => {
          throw error;
        },
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  const rateLimit = rateLimitFlags(invocation);
  const entryLimits = config.providers.map((entry) =>
    typeof entry === 'object' && entry !== null && entry.rateLimit !== undefined
      ? entry.rateLimit
      : rateLimit,
  );
  const gateStores = entryLimits.some((limit) => limit?.store === 'redis')
    ? await redisStores({ store: 'redis' }, context)
    : {};
  const sandboxUrl = nonEmptyFlag(flags, 'sandbox', '--sandbox') ?? context.environment.UNILIVE_SANDBOX_URL;
  // The configuration is the user's to fix here and now, and known wrong without any network: an entry
  // naming a provider no package provides is refused before the sandbox is looked up, with the refusal it
  // gets without a sandbox, placed at its entry. Else a sandbox that is down (or slow) would be reported
  // first, and fixing it would only uncover the file's mistake. An id core refuses by its form
  // (`__proto__`) is left to core, whose refusal says what is wrong with it.
  if (sandboxUrl) {
    for (const [index, entry] of config.providers.entries()) {
      const id = typeof entry === 'object' && entry !== null ? entry.provider : undefined;
      const refused = isUnknownProviderId(id) ? unloaded.get(id) : undefined;
      if (refused !== undefined) throw atEntry(refused, index);
    }
  }
  const located = sandboxUrl
    ? await Promise.all(
        config.providers.map(async (entry) =>
          typeof entry === 'object' &&
          entry !== null &&
          typeof entry.provider === 'string' &&
          !unloaded.has(entry.provider)
            ? {
                ...(Object.fromEntries(
                  Object.entries(entry).filter(([name]) => !credentialSettingNames.includes(name)),
                ) as typeof entry),
                ...(await sandboxSettings(sandboxUrl, entry.provider, {
                  signal: context.signal,
                  timeoutMs: lookupTimeout(invocation),
                })),
              }
            : entry,
        ),
      )
    : config.providers;
  // The flags' rate limit and total time limit for every entry that sets none of its own: the time limit
  // less what the sandbox look-up spent, so that the calls end by the command's deadline.
  const totalTimeoutMs = totalLeft(invocation, sandboxUrl ? began : undefined);
  const entries = located.map((entry) => {
    if (typeof entry !== 'object' || entry === null) return entry;
    let out = entry;
    if (out.rateLimit === undefined && rateLimit) out = { ...out, rateLimit };
    if (totalTimeoutMs !== undefined && (out as { totalTimeoutMs?: unknown }).totalTimeoutMs === undefined)
      out = { ...out, totalTimeoutMs };
    return out;
  });
  const registry = await createLiveStreamRegistryFromConfig(
    { ...config, providers: entries },
    { providers: factories, gateStores, hooks: callWarnings(invocation) },
  );
  for (const { client } of registry.providers) maskAccount(context, client.provider);
  return registry;
}

/**
 * Whether `id` is a well-formed provider id that is none of the built-in ones: no package provides it unless
 * the factory loader does, which only `loadFactory` can tell, without any network.
 */
function isUnknownProviderId(id: unknown): id is string {
  return (
    typeof id === 'string' &&
    providerIdProblem(id) === undefined &&
    !(builtInProviderIds as readonly string[]).includes(id)
  );
}

/**
 * `error`, a refusal of one entry's provider, placed at that entry as core's registry configuration places
 * it (`Invalid registry configuration: providers.1: …`, its issue paths under `providers.1`): the same line
 * with a sandbox as without one. The refusal names known ids only, never the one given (unknownProviderError).
 */
function atEntry(error: InvalidInputError, index: number): InvalidInputError {
  const place = `providers.${index}`;
  return new InvalidInputError({
    ...(error.provider === undefined ? {} : { provider: error.provider }),
    operation: 'configure',
    message: `Invalid registry configuration: ${place}: ${error.message}`,
    issues: error.issues.map((issue) => ({
      path: issue.path === '' ? place : `${place}.${issue.path}`,
      message: issue.message,
    })),
    delivery: 'not-sent',
    cause: error,
  });
}

/**
 * The account's credentials, masked in everything the command writes: what a provider just made knows as
 * secret before any call, which is what its settings and the environment gave it.
 */
function maskAccount(context: CommandContext, provider: LiveStreamProvider): void {
  context.maskCredentials(provider.secrets?.() ?? []);
}

/** The client the connection options describe. */
export async function clientFor(invocation: Invocation): Promise<LiveStreamClient> {
  const { flags, context } = invocation;
  const given = listFlag(flags, 'provider');
  if (given.length > 1) throw new UsageError('this command takes one --provider');
  const id: ProviderId | undefined = given[0] ?? context.environment.UNILIVE_PROVIDER;
  if (!id) throw new UsageError('no provider: pass --provider or set UNILIVE_PROVIDER');
  const settings: Record<string, unknown> = {};
  const began = Date.now();
  const sandboxUrl = nonEmptyFlag(flags, 'sandbox', '--sandbox') ?? context.environment.UNILIVE_SANDBOX_URL;
  if (sandboxUrl) {
    // One rule under a sandbox, as for --config entries: its address and development credentials, whatever
    // the flags say. A credential given would otherwise be sent to whatever answers at the sandbox's URL.
    ignoredUnderSandbox(invocation);
    // An id no package provides is known here, without any network: refused before the look-up, as a
    // --config entry's is, not after a sandbox that is down.
    if (isUnknownProviderId(id)) await loadFactory(id, context.loadFactory);
    Object.assign(
      settings,
      await sandboxSettings(sandboxUrl, id, { signal: context.signal, timeoutMs: lookupTimeout(invocation) }),
    );
  } else {
    const baseUrl = stringFlag(flags, 'baseUrl');
    if (baseUrl !== undefined) {
      if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
        throw new UsageError('--base-url expects an http:// or https:// URL');
      }
      settings.baseUrl = baseUrl;
    }
    Object.assign(settings, await credentialSettings(invocation));
  }
  // Less what the sandbox look-up spent: the calls after it end by the command's deadline.
  const totalTimeoutMs = totalLeft(invocation, sandboxUrl ? began : undefined);
  if (totalTimeoutMs !== undefined) settings.totalTimeoutMs = totalTimeoutMs;
  const config = rateLimitFlags(invocation);
  const rateLimit = await rateLimitFromConfig(config, { gateStores: await redisStores(config, context) });
  const provider = await buildProvider(id, settings, context.loadFactory);
  maskAccount(context, provider);
  return createLiveStreamClient(provider, {
    ...(rateLimit ? { rateLimit } : {}),
    hooks: callWarnings(invocation),
  });
}
