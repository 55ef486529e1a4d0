import { createLiveStreamClient, type LiveStreamClient, type ProviderId } from '@unilive/core';
import { type Invocation, type OptionSpec, stringFlag, UsageError } from './context.js';
import { buildProvider, sandboxSettings } from './providers.js';

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
    description: 'wowza-video | wowza-realtime | liveapi | videosdk (default: $UNILIVE_PROVIDER)',
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
(--token-file FILE, --token-file -), or from flags, which other users of this machine can read.`;

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

/** The client the connection options describe. */
export async function clientFor(invocation: Invocation): Promise<LiveStreamClient> {
  const { flags, context } = invocation;
  const id: ProviderId | undefined = stringFlag(flags, 'provider') ?? context.environment.UNILIVE_PROVIDER;
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
