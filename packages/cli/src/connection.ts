import {
  type ConfiguredProviderFactory,
  createLiveStreamClient,
  createLiveStreamRegistryFromConfig,
  type LiveStreamClient,
  type LiveStreamRegistry,
  type LiveStreamRegistryConfig,
  type ProviderId,
} from '@unilive/core';
import { type Invocation, listFlag, type OptionSpec, stringFlag, UsageError } from './context.js';
import { buildProvider, loadFactory, sandboxSettings } from './providers.js';

/** Credentials a flag can carry, the setting each becomes, and whether it is a secret. */
const credentialFlags = [
  { flag: 'token', key: 'token', setting: 'token', secret: true },
  { flag: 'token-id', key: 'tokenId', setting: 'tokenId', secret: false },
  { flag: 'secret-key', key: 'secretKey', setting: 'secretKey', secret: true },
  { flag: 'api-key', key: 'apiKey', setting: 'apiKey', secret: false },
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
    description: 'a JSON file of several providers, each with a name (default: $UNILIVE_CONFIG)',
  },
  { flags: '--sandbox <url>', description: 'talk to a running sandbox (default: $UNILIVE_SANDBOX_URL)' },
  { flags: '--base-url <url>', description: "the vendor API root, instead of the vendor's own" },
  { flags: '--json', description: 'machine-readable output' },
  { flags: '--raw', description: "with --json, include the vendor's own object" },
  { flags: '--timeout-ms <ms>', description: 'per-request time limit (wait: the whole wait)' },
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
(--token-file FILE, --token-file -), or from flags, which other users of this machine can read.

Several providers at once (--provider repeated, or --config FILE): streams are then named by reference,
<name>:<stream id> (liveapi:abc123), where a repeated --provider is named by its id and a --config entry by
its "name". The file is what createLiveStreamRegistryFromConfig takes:
  {"providers": [{"provider": "liveapi", "name": "eu"}, {"provider": "wowza-video"}],
   "routing": {"order": ["wowza-video", "eu"]}}
Credentials left out of an entry come from the environment; credential flags and --base-url then do not apply.`;

/** Reads a secret from `--<flag>-file`: a path, or `-` for standard input; one trailing newline dropped. */
async function readSecretFile(invocation: Invocation, flag: string, path: string): Promise<string> {
  let text: string;
  try {
    text = path === '-' ? await invocation.context.readStdin() : await invocation.context.readFile(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a folder'
            : 'it cannot be read';
    throw new UsageError(`--${flag}-file: ${why}`);
  }
  const value = text.replace(/\r?\n$/, '');
  if (value.length === 0) throw new UsageError(`--${flag}-file: the file is empty`);
  if (/[\r\n]/.test(value)) throw new UsageError(`--${flag}-file: expected one line`);
  return value;
}

/** The credentials the flags and files give, warning once for each secret read from the command line. */
async function credentialSettings(invocation: Invocation): Promise<Record<string, string>> {
  const settings: Record<string, string> = {};
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

/** The per-request limit of `--timeout-ms`, validated. */
export function timeoutFlag(invocation: Invocation): number | undefined {
  const text = stringFlag(invocation.flags, 'timeoutMs');
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new UsageError('--timeout-ms expects a whole number of ms, at least 1');
  return value;
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
  const providers = listFlag(flags, 'provider');
  const configPath =
    stringFlag(flags, 'config') ?? (providers.length === 0 ? context.environment.UNILIVE_CONFIG : undefined);
  if (configPath !== undefined && providers.length > 0) {
    throw new UsageError('--config and --provider: give one of them');
  }
  if (configPath === undefined && providers.length <= 1) {
    const client = await clientFor(invocation);
    return { kind: 'client', calls: client, client };
  }
  for (const { flag, key } of credentialFlags) {
    if (stringFlag(flags, key) !== undefined || stringFlag(flags, `${key}File`) !== undefined) {
      throw new UsageError(
        `--${flag} sets one provider's credential: with several providers, put credentials in the --config file or the environment`,
      );
    }
  }
  if (stringFlag(flags, 'baseUrl') !== undefined) {
    throw new UsageError(
      "--base-url sets one provider's API root: with several providers, set baseUrl in the --config file",
    );
  }
  const config =
    configPath === undefined
      ? { providers: providers.map((provider) => ({ provider })) }
      : await readRegistryConfig(invocation, configPath);
  const registry = await registryFor(invocation, config);
  return { kind: 'registry', calls: registry, registry };
}

/** Reads `--config`: a JSON object with a `providers` list; the message never repeats the file's text. */
async function readRegistryConfig(invocation: Invocation, path: string): Promise<LiveStreamRegistryConfig> {
  let text: string;
  try {
    text = await invocation.context.readFile(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new UsageError(
      `--config: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'it cannot be read'}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError('--config: the file is not JSON');
  }
  const providers = (parsed as { providers?: unknown } | null)?.providers;
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(providers)) {
    throw new UsageError('--config: expected {"providers": [{"provider": "<id>", "name": "<name>"}, …]}');
  }
  return parsed as LiveStreamRegistryConfig;
}

// Each entry as createLiveStreamRegistryFromConfig builds it, with a sandbox's address and development
// credentials underneath what the entry sets itself.
async function registryFor(
  invocation: Invocation,
  config: LiveStreamRegistryConfig,
): Promise<LiveStreamRegistry> {
  const { flags, context } = invocation;
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
  for (const id of ids) factories[id] = await loadFactory(id, context.loadFactory);
  const sandboxUrl = stringFlag(flags, 'sandbox') ?? context.environment.UNILIVE_SANDBOX_URL;
  const entries = sandboxUrl
    ? await Promise.all(
        config.providers.map(async (entry) =>
          typeof entry === 'object' && entry !== null && typeof entry.provider === 'string'
            ? {
                ...(await sandboxSettings(sandboxUrl, entry.provider, {
                  signal: context.signal,
                  timeoutMs: timeoutFlag(invocation),
                })),
                ...entry,
              }
            : entry,
        ),
      )
    : config.providers;
  return createLiveStreamRegistryFromConfig({ ...config, providers: entries }, { providers: factories });
}

/** The client the connection options describe. */
export async function clientFor(invocation: Invocation): Promise<LiveStreamClient> {
  const { flags, context } = invocation;
  const given = listFlag(flags, 'provider');
  if (given.length > 1) throw new UsageError('this command takes one --provider');
  const id: ProviderId | undefined = given[0] ?? context.environment.UNILIVE_PROVIDER;
  if (!id) throw new UsageError('no provider: pass --provider or set UNILIVE_PROVIDER');
  const settings: Record<string, unknown> = {};
  const sandboxUrl = stringFlag(flags, 'sandbox') ?? context.environment.UNILIVE_SANDBOX_URL;
  if (sandboxUrl) {
    Object.assign(
      settings,
      await sandboxSettings(sandboxUrl, id, { signal: context.signal, timeoutMs: timeoutFlag(invocation) }),
    );
  }
  const baseUrl = stringFlag(flags, 'baseUrl');
  if (baseUrl !== undefined) {
    if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
      throw new UsageError('--base-url expects an http:// or https:// URL');
    }
    settings.baseUrl = baseUrl;
  }
  Object.assign(settings, await credentialSettings(invocation));
  return createLiveStreamClient(await buildProvider(id, settings, context.loadFactory));
}
