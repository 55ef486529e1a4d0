import {
  AbortError,
  builtInProviderIds,
  type ConfiguredProviderFactory,
  InvalidInputError,
  type LiveStreamProvider,
  type ProviderId,
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
 * Settings that let an adapter talk to a sandbox: its base URL and development credentials.
 *
 * @throws InvalidInputError when no sandbox answers within the time limit or it does not serve `id`.
 * @throws AbortError when `signal` fires first.
 */
export async function sandboxSettings(
  sandboxUrl: string,
  id: ProviderId,
  options: SandboxDiscoveryOptions = {},
): Promise<Record<string, string>> {
  let origin: string;
  try {
    const url = new URL(sandboxUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('not http');
    // Without user info: the origin is printed in messages.
    origin = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  } catch {
    throw new InvalidInputError({
      operation: 'configure',
      message: 'The sandbox URL (--sandbox or UNILIVE_SANDBOX_URL) must be an http:// or https:// URL',
      issues: [{ path: 'sandbox', message: 'expected an http:// or https:// URL' }],
    });
  }
  const timeoutMs = options.timeoutMs ?? sandboxDiscoveryTimeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let index: SandboxIndex;
  try {
    const response = await fetch(`${origin}/_sandbox`, { signal });
    index = (await response.json()) as SandboxIndex;
  } catch {
    if (options.signal?.aborted) {
      throw new AbortError({ operation: 'configure', message: 'Interrupted while looking for the sandbox' });
    }
    const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : 'no sandbox answers';
    throw new InvalidInputError({
      operation: 'configure',
      message: `No sandbox at ${origin} (${why}): start one with \`unilive sandbox\``,
      issues: [{ path: 'sandbox', message: 'expected a running sandbox' }],
    });
  }
  const entry = index.providers?.[id];
  if (!entry) {
    throw new InvalidInputError({
      provider: id,
      operation: 'configure',
      message: `The sandbox at ${origin} does not serve this provider; it serves ${Object.keys(index.providers ?? {}).join(', ')}`,
      issues: [
        { path: 'provider', message: `expected one of ${Object.keys(index.providers ?? {}).join(', ')}` },
      ],
    });
  }
  return { baseUrl: `${origin}${entry.basePath}`, ...entry.credentials };
}

/** The message for a provider id that no package provides: the known ids, never the id given. */
export function unknownProviderMessage(): string {
  return `Unknown provider: expected one of ${builtInProviderIds.join(', ')}`;
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
    const known = (builtInProviderIds as readonly string[]).includes(id);
    throw new InvalidInputError({
      ...(known ? { provider: id } : {}),
      operation: 'configure',
      message: known
        ? `The provider package @unilive/${id} is not installed: run \`npm install @unilive/${id}\``
        : unknownProviderMessage(),
      issues: [{ path: 'provider', message: `expected one of ${builtInProviderIds.join(', ')}` }],
    });
  }
  return factory;
}
