import {
  createLiveStreamClient,
  type LiveStreamClient,
  type LiveStreamClientOptions,
} from '../client/live-stream-client.js';
import { tokens } from '../di/tokens.js';
import { InvalidInputError } from '../errors/errors.js';
import { ownData } from '../inputs.js';
import type { ProviderId } from '../live-stream.js';
import type { LiveStreamProvider } from '../provider.js';
import { builtInProviderIds, nearestName, packageNameProblem, providerIdProblem } from './names.js';
import { environment } from './settings.js';

export { builtInProviderIds } from './names.js';

/**
 * Plain configuration naming a provider and its settings, as it would come from a file or environment:
 * `{ provider: 'liveapi', tokenId: '…' }`. Credentials may be left out and read from each adapter's
 * documented environment variables.
 */
export interface LiveStreamConfig {
  /** The provider id; defaults to the `UNILIVE_PROVIDER` environment variable. */
  provider?: ProviderId;
  /** The package to load for a third-party provider; built-in ids need none. */
  package?: string;
  /** Settings passed to the adapter's factory. */
  [setting: string]: unknown;
}

/** A function that builds a provider from settings: an adapter package's default export. */
export type ConfiguredProviderFactory = (settings: Record<string, unknown>) => LiveStreamProvider;

/** Options of {@link createLiveStreamClientFromConfig}. */
export interface ConfigClientOptions extends LiveStreamClientOptions {
  /**
   * Adapter factories by provider id, used instead of loading packages by name (for bundles that
   * should not import dynamically).
   */
  providers?: Record<string, ConfiguredProviderFactory>;
}

/**
 * Builds a client from configuration, loading the adapter package for the configured provider, so a
 * deployment switches vendor by changing configuration only. Everything is checked before any request, as
 * `InvalidInputError` naming the setting: `provider` must be a provider id (never `constructor` or
 * `__proto__`), `package` a bare package name (never a URL, `data:` or a file path), and every other key a
 * setting of that adapter (`baseURL` names `baseUrl`). Only the configuration's own properties are read. A
 * missing adapter package gives an `InvalidInputError` naming the package to install.
 */
export async function createLiveStreamClientFromConfig(
  config: LiveStreamConfig = {},
  options: ConfigClientOptions = {},
): Promise<LiveStreamClient> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw configurationError('$', 'expected an object such as { provider: "liveapi" }', undefined);
  }
  const { provider: configured, package: packageName, ...settings } = ownData(config) as LiveStreamConfig;
  const id = configured ?? environment().UNILIVE_PROVIDER;
  if (!id) {
    throw new InvalidInputError({
      operation: 'configure',
      message: 'No provider configured: set `provider` or the UNILIVE_PROVIDER environment variable',
      issues: [
        { path: 'provider', message: `expected one of ${builtInProviderIds.join(', ')} or a package` },
      ],
    });
  }
  const idProblem = providerIdProblem(id);
  if (idProblem) {
    const nearest = typeof id === 'string' ? nearestName(id, builtInProviderIds) : undefined;
    throw configurationError(
      'provider',
      `${idProblem}${nearest ? `; did you mean "${nearest}"?` : ''}`,
      undefined,
    );
  }
  if (packageName !== undefined) {
    const problem = packageNameProblem(packageName);
    if (problem) throw configurationError('package', problem, id);
  }
  const given = options.providers;
  const factory =
    given && Object.hasOwn(given, id) && typeof given[id] === 'function'
      ? (given[id] as ConfiguredProviderFactory)
      : await loadFactory(id, packageName);
  const { container } = options;
  if (settings.fetch === undefined && container?.isRegistered(tokens.fetch, true)) {
    settings.fetch = container.resolve(tokens.fetch);
  }
  return createLiveStreamClient(factory(settings), options);
}

function configurationError(path: string, problem: string, provider: ProviderId | undefined) {
  return new InvalidInputError({
    provider,
    operation: 'configure',
    message: `Invalid configuration: ${path === '$' ? problem : `${path}: ${problem}`}`,
    issues: [{ path, message: problem }],
  });
}

async function loadFactory(id: string, packageName: string | undefined): Promise<ConfiguredProviderFactory> {
  const isBuiltIn = (builtInProviderIds as readonly string[]).includes(id);
  const name = packageName ?? (isBuiltIn ? `@unilive/${id}` : undefined);
  if (!name) {
    throw new InvalidInputError({
      provider: id,
      operation: 'configure',
      message: `Unknown provider "${id}": set \`package\` to the adapter package that provides it`,
      issues: [{ path: 'package', message: 'expected the adapter package name' }],
    });
  }
  const module = await importPackage(name);
  const factory = (module as { default?: unknown } | undefined)?.default;
  if (typeof factory !== 'function') {
    throw new InvalidInputError({
      provider: id,
      operation: 'configure',
      message: `The package ${name} has no default export that builds a provider`,
      issues: [{ path: 'package', message: 'expected an adapter package' }],
    });
  }
  return factory as ConfiguredProviderFactory;
}

// The adapter is the application's dependency, not core's: when core cannot see it (pnpm's strict layout),
// resolve it from the application's directory.
async function importPackage(name: string): Promise<unknown> {
  try {
    return await import(name);
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
  }
  try {
    const { createRequire } = await import('node:module');
    const { pathToFileURL } = await import('node:url');
    const resolved = createRequire(`${process.cwd()}/`).resolve(name);
    return await import(pathToFileURL(resolved).href);
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
    throw new InvalidInputError({
      operation: 'configure',
      message: `The provider package ${name} is not installed: run \`npm install ${name}\``,
      issues: [{ path: 'provider', message: `expected ${name} to be installed` }],
    });
  }
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}
