import {
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

/** Settings that let an adapter talk to a sandbox: its base URL and development credentials. */
export async function sandboxSettings(sandboxUrl: string, id: ProviderId): Promise<Record<string, string>> {
  const origin = sandboxUrl.replace(/\/+$/, '');
  let index: SandboxIndex;
  try {
    const response = await fetch(`${origin}/_sandbox`);
    index = (await response.json()) as SandboxIndex;
  } catch {
    throw new InvalidInputError({
      operation: 'configure',
      message: `No sandbox answers at ${origin}: start one with \`unilive sandbox\``,
      issues: [{ path: 'sandbox', message: 'expected a running sandbox' }],
    });
  }
  const entry = index.providers?.[id];
  if (!entry) {
    throw new InvalidInputError({
      provider: id,
      operation: 'configure',
      message: `The sandbox at ${origin} does not speak ${id}`,
      issues: [
        { path: 'provider', message: `expected one of ${Object.keys(index.providers ?? {}).join(', ')}` },
      ],
    });
  }
  return { baseUrl: `${origin}${entry.basePath}`, ...entry.credentials };
}

/** Builds a provider from its id and plain settings. */
export async function buildProvider(
  id: ProviderId,
  settings: Record<string, unknown>,
  load: FactoryLoader = importFactory,
): Promise<LiveStreamProvider> {
  const factory = await load(id);
  if (!factory) {
    const known = (builtInProviderIds as readonly string[]).includes(id);
    throw new InvalidInputError({
      provider: id,
      operation: 'configure',
      message: known
        ? `The provider package @unilive/${id} is not installed: run \`npm install @unilive/${id}\``
        : `Unknown provider "${id}": expected one of ${builtInProviderIds.join(', ')}`,
      issues: [{ path: 'provider', message: `expected one of ${builtInProviderIds.join(', ')}` }],
    });
  }
  return factory(settings);
}
