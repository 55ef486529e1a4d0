import {
  AbortError,
  builtInCredentialVariables,
  builtInProviderIds,
  type ConfiguredProviderFactory,
  InvalidInputError,
  isLoopbackHost,
  type LiveStreamProvider,
  nearestName,
  type ProviderId,
  readCappedText,
  TimeoutError,
} from '@unilive/core';

/** Loads an adapter's factory by provider id; injectable for tests. */
export type FactoryLoader = (id: ProviderId) => Promise<ConfiguredProviderFactory | undefined>;

/** Imports `@unilive/<id>` and returns its default export, or undefined when it is not installed. */
export const importFactory: FactoryLoader = async (id) => {
  if (!(builtInProviderIds as readonly string[]).includes(id)) return undefined;
  try {
    const module = (await import(`@unilive/${id}`)) as { default?: unknown };
    return typeof module.default === 'function' ? (module.default as ConfiguredProviderFactory) : undefined;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
};

/** What a running sandbox says about itself at `GET /_sandbox`. */
interface SandboxIndex {
  providers: Record<string, { basePath: string; credentials: Record<string, string> }>;
}

/** Options of {@link sandboxSettings}. */
export interface SandboxDiscoveryOptions {
  /** Ends the look-up at once (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /** How long to wait for the sandbox's answer. Default 5000 ms. */
  timeoutMs?: number | undefined;
}

/** How long `sandboxSettings` waits for a sandbox by default. */
export const sandboxDiscoveryTimeoutMs = 5_000;

/**
 * Settings that let an adapter talk to a sandbox: its base URL and development credentials, and
 * `allowInsecureHttp: true` when the sandbox is reached over plain http at a host other than loopback (a
 * sandbox on a LAN address): the adapters refuse that unless told, and only the sandbox's development
 * credentials travel there.
 *
 * @throws InvalidInputError when no sandbox answers within the time limit or it does not serve `id`.
 * @throws AbortError when `signal` fires first.
 */
export async function sandboxSettings(
  sandboxUrl: string,
  id: ProviderId,
  options: SandboxDiscoveryOptions = {},
): Promise<Record<string, string | true>> {
  let origin: string;
  let insecure: { allowInsecureHttp?: true } = {};
  try {
    const url = new URL(sandboxUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('not http');
    // A query or fragment, even an empty one (`…/?`, `…/#`), would be dropped from the address looked up.
    if (/[?#]/.test(url.href)) throw new TypeError('query or fragment');
    // Without user info: the origin is printed in messages.
    origin = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) insecure = { allowInsecureHttp: true };
  } catch {
    throw new InvalidInputError({
      operation: 'configure',
      message:
        'The sandbox URL (--sandbox or UNILIVE_SANDBOX_URL) must be an http:// or https:// URL, without query or fragment',
      issues: [{ path: 'sandbox', message: 'expected an http:// or https:// URL without query or fragment' }],
    });
  }
  const timeoutMs = options.timeoutMs ?? sandboxDiscoveryTimeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let index: SandboxIndex;
  try {
    const response = await fetch(`${origin}/_sandbox`, { signal, redirect: 'manual' });
    index = JSON.parse(await readCapped(response, maxDiscoveryBytes)) as SandboxIndex;
  } catch (error) {
    if (options.signal?.aborted) {
      throw new AbortError({ operation: 'configure', message: 'Interrupted while looking for the sandbox' });
    }
    // Something took the connection and did not answer in time: a sandbox that is busy (thousands of
    // streams, a paused debugger) as often as none. Said as the time-out it is (exit 1, retryable), never
    // as bad usage (exit 2) telling the user to start a sandbox that is running.
    if (timeout.aborted && !(error instanceof DiscoveryTooLarge)) {
      throw new TimeoutError({
        operation: 'configure',
        message: `The sandbox at ${origin} gave no answer within ${timeoutMs} ms: is it busy, or is something else listening there? (--timeout-ms raises the limit; \`unilive sandbox\` starts one)`,
        delivery: 'unknown',
      });
    }
    const why =
      error instanceof DiscoveryTooLarge
        ? `its answer is larger than ${maxDiscoveryBytes / 1024} KiB`
        : 'no sandbox answers';
    throw new InvalidInputError({
      operation: 'configure',
      message: `No sandbox at ${origin} (${why}): start one with \`unilive sandbox\``,
      issues: [{ path: 'sandbox', message: 'expected a running sandbox' }],
    });
  }
  const entry = sandboxEntry(index, id, origin);
  // An id no package provides is what is wrong, whatever the sandbox serves: the same refusal (and the same
  // nearest id) as without a sandbox, rather than a list of what the sandbox serves that holds the right one.
  if (!entry && !(builtInProviderIds as readonly string[]).includes(id)) throw unknownProviderError(id);
  if (!entry) {
    const providers = typeof index === 'object' && index !== null ? index.providers : undefined;
    const served =
      typeof providers === 'object' && providers !== null ? Object.keys(providers).join(', ') : '';
    throw new InvalidInputError({
      provider: id,
      operation: 'configure',
      message: `The sandbox at ${origin} does not serve this provider; it serves ${served}`,
      issues: [{ path: 'provider', message: `expected one of ${served}` }],
    });
  }
  return { ...entry.credentials, baseUrl: entry.baseUrl, ...insecure };
}

/** The most of a sandbox's `/_sandbox` answer read: the real one is about a kilobyte. */
export const maxDiscoveryBytes = 1_048_576;

class DiscoveryTooLarge extends Error {}

// Counts the bytes fetch decoded (a compressed answer is counted inflated) and stops at the cap.
async function readCapped(response: Response, limit: number): Promise<string> {
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  return readCappedText(response, limit, undefined, () => new DiscoveryTooLarge());
}

/**
 * The credential settings each built-in adapter needs; with all of them from the sandbox, the adapter never
 * reads the vendor's environment variables (the caller's real credentials, which must never reach a
 * sandbox: anything listening where `--sandbox` points would receive them).
 */
const sandboxCredentialSets: Readonly<Record<string, readonly (readonly string[])[]>> = {
  'wowza-video': [['token']],
  'wowza-realtime': [['token']],
  liveapi: [['tokenId', 'secretKey']],
  videosdk: [['token'], ['apiKey', 'secret']],
};

/**
 * Every setting that carries a credential of a built-in adapter. Under `--sandbox` a `--config` entry's own
 * values of these are dropped, so only the sandbox's development credentials are sent, and a production
 * key kept in the file never reaches whatever answers at the sandbox's URL.
 */
export const credentialSettingNames: readonly string[] = [
  ...new Set(Object.values(sandboxCredentialSets).flat(2)),
];

/**
 * The environment variables every built-in adapter reads its credentials from. Whatever they hold is masked
 * in everything the CLI prints, whichever provider the command uses: a value of another vendor's account,
 * typed as a name or an option, is a credential all the same.
 */
export const credentialVariables: readonly string[] = builtInCredentialVariables;

// The settings that say where an adapter's requests go, which a sandbox's credentials never set.
const whereSettings: readonly string[] = ['baseUrl', 'allowInsecureHttp', 'fetch'];

// What the sandbox says of one provider, checked: a base path on the sandbox's own origin (never `//host`
// or `@host`, which would send the requests elsewhere), and development credentials for every setting
// the adapter would otherwise read from the environment.
function sandboxEntry(
  index: SandboxIndex,
  id: ProviderId,
  origin: string,
): { baseUrl: string; credentials: Record<string, string> } | undefined {
  const providers = typeof index === 'object' && index !== null ? index.providers : undefined;
  if (typeof providers !== 'object' || providers === null || !Object.hasOwn(providers, id)) return undefined;
  const entry = providers[id] as { basePath?: unknown; credentials?: unknown } | undefined;
  const invalid = (what: string) =>
    new InvalidInputError({
      provider: id,
      operation: 'configure',
      message: `The sandbox at ${origin} gave ${what} for this provider; is it a unilive sandbox?`,
      issues: [{ path: 'sandbox', message: 'expected a unilive sandbox' }],
    });
  const basePath = entry?.basePath;
  let baseUrl: URL;
  try {
    // A path only: a `?` or `#` in it (`/liveapi#`) would put every request's own path after it.
    if (typeof basePath !== 'string' || !/^\/(?!\/)[^?#]*$/.test(basePath)) throw new Error('not a path');
    baseUrl = new URL(`${origin}${basePath}`);
  } catch {
    throw invalid('no usable base path');
  }
  if (baseUrl.origin !== new URL(origin).origin || baseUrl.username !== '' || baseUrl.password !== '') {
    throw invalid('a base path that leads to another host');
  }
  const given = entry?.credentials;
  const sets = sandboxCredentialSets[id];
  // Credentials only: a built-in provider's credential settings, and for another provider any text but the
  // settings that say where requests go. A `baseUrl` (or `allowInsecureHttp`) among them would send the
  // requests to a host the sandbox URL never named, with the sandbox's credentials and the command's input.
  const takes = (name: string) =>
    sets ? sets.some((set) => set.includes(name)) : !whereSettings.includes(name);
  const credentials: Record<string, string> = {};
  if (typeof given === 'object' && given !== null) {
    for (const [name, value] of Object.entries(given))
      if (typeof value === 'string' && takes(name)) credentials[name] = value;
  }
  const complete = sets
    ? sets.some((set) => set.every((name) => (credentials[name] ?? '') !== ''))
    : Object.keys(credentials).length > 0;
  if (!complete) {
    throw new InvalidInputError({
      provider: id,
      operation: 'configure',
      message: `The sandbox at ${origin} gave no development credentials for this provider; unilive never sends the environment's credentials to a sandbox`,
      issues: [
        { path: 'sandbox', message: 'expected a unilive sandbox, which gives development credentials' },
      ],
    });
  }
  return { baseUrl: `${origin}${basePath}`, credentials };
}

/**
 * The message for a provider id that no package provides: the known ids and, when `id` is near one of them
 * (`LiveAPI`, `livepi`, `wowza_video`), that one, as core's configuration names it; never the id given.
 */
export function unknownProviderMessage(id?: string): string {
  return `Unknown provider: expected one of ${builtInProviderIds.join(', ')}${id === undefined ? '' : nearProviderHint(id)}`;
}

/**
 * `; did you mean "liveapi"?` when `id` is near one of `ids` (`livapi`, `LiveAPI`), else nothing: the one
 * rule every flag naming a provider follows. Never the id given.
 */
export function nearProviderHint(id: string, ids: readonly string[] = builtInProviderIds): string {
  const nearest = id === '' ? undefined : nearestName(id, ids);
  return nearest ? `; did you mean "${nearest}"?` : '';
}

/** The refusal of a provider id no package provides (see {@link unknownProviderMessage}). */
function unknownProviderError(id: string): InvalidInputError {
  return new InvalidInputError({
    operation: 'configure',
    message: unknownProviderMessage(id),
    issues: [{ path: 'provider', message: `expected one of ${builtInProviderIds.join(', ')}` }],
  });
}

/** Builds a provider from its id and plain settings. */
export async function buildProvider(
  id: ProviderId,
  settings: Record<string, unknown>,
  load: FactoryLoader = importFactory,
): Promise<LiveStreamProvider> {
  return (await loadFactory(id, load))(settings);
}

/**
 * The factory of a provider id, or `InvalidInputError` naming the package to install (a built-in id) or the
 * known ids (any other).
 */
export async function loadFactory(
  id: ProviderId,
  load: FactoryLoader = importFactory,
): Promise<ConfiguredProviderFactory> {
  const factory = await load(id);
  if (!factory) {
    if (!(builtInProviderIds as readonly string[]).includes(id)) throw unknownProviderError(id);
    throw new InvalidInputError({
      provider: id,
      operation: 'configure',
      message: `The provider package @unilive/${id} is not installed: run \`npm install @unilive/${id}\``,
      issues: [{ path: 'provider', message: `expected one of ${builtInProviderIds.join(', ')}` }],
    });
  }
  return factory;
}
