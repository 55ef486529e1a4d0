import { join, relative, resolve } from 'node:path';
import { decode } from '@jridgewell/sourcemap-codec';
import { build } from 'esbuild';
import type { BenchProviderId } from './providers.js';
import { benchDir, bundleSettings } from './weight.js';

// What a client bundle carries, per source module. An application bundles unilive's published `dist`, where
// each package is one file, so esbuild's metafile names `core/dist/index.js` and nothing finer; the source
// maps of those files lead each byte of the bundle back to the module it was written in.

const repoDir = resolve(benchDir, '..', '..');

/** A bundle's minified bytes, each counted for the source file it comes from. */
export interface SourceBytes {
  minifiedBytes: number;
  /** Bytes per source file, by path from the repository root (`packages/core/src/http/http-client.ts`). */
  sources: Map<string, number>;
  /** Bytes no source map accounts for (esbuild's own glue between modules). */
  unmappedBytes: number;
}

/**
 * Bundles `entry` (a file, or module text resolved from `packages/bench`) as {@link bundleSettings} says and
 * counts its minified bytes per source file, through the source maps of the packages' `dist`.
 */
export async function sourceBytesOf(entry: { file: string } | { contents: string }): Promise<SourceBytes> {
  const outfile = join(benchDir, 'client-reach.js');
  const result = await build({
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.contents, resolveDir: benchDir, loader: 'js' as const } }),
    absWorkingDir: benchDir,
    outfile,
    bundle: bundleSettings.bundle,
    format: bundleSettings.format,
    platform: bundleSettings.platform,
    target: bundleSettings.target,
    minify: bundleSettings.minify,
    sourcemap: 'external',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles.find((file) => file.path === outfile);
  const map = result.outputFiles.find((file) => file.path === `${outfile}.map`);
  if (!code || !map) throw new Error('esbuild produced no bundle or no source map');
  const { sources, mappings } = JSON.parse(map.text) as { sources: string[]; mappings: string };
  const lines = code.text.split('\n');
  const bytes = new Map<string, number>();
  let mapped = 0;
  decode(mappings).forEach((segments, line) => {
    const text = lines[line] ?? '';
    // The bundle's own `export{…};` has no mapping: it would count for the module written just before it.
    const exportAt = /export\{[^}]*\};?$/.exec(text)?.index ?? text.length;
    segments.forEach((segment, index) => {
      const [column, sourceIndex] = segment;
      const source = sourceIndex === undefined ? undefined : sources[sourceIndex];
      if (source === undefined || column >= exportAt) return;
      const end = Math.min(segments[index + 1]?.[0] ?? text.length, exportAt);
      // Minified output is ASCII apart from string contents; byte counts are taken from the UTF-8 text.
      const size = Buffer.byteLength(text.slice(column, end));
      const key = relative(repoDir, resolve(benchDir, source));
      bytes.set(key, (bytes.get(key) ?? 0) + size);
      mapped += size;
    });
  });
  return {
    minifiedBytes: code.contents.length,
    sources: bytes,
    unmappedBytes: code.contents.length - mapped,
  };
}

/**
 * Source modules the client path (`createLiveStreamClient` around one adapter, every method of the client it
 * returns) cannot run, so a client bundle must not carry a byte of them. Each is reached only through an
 * export a client never calls:
 *
 * - the registry (`createLiveStreamRegistry`, routing, migration, stream references) and the configuration
 *   loader (`createLiveStreamClientFromConfig`, which imports adapters and `@unilive/redis` by name);
 * - webhook reading (`createWebhookHandler`, `checkWebhookInput`, `checkUnsignedWebhook`, each adapter's
 *   `parseWebhook`) and the event hub's copying of events (`createEventHub`: a client only recognises a hub
 *   it is given);
 * - the tsyringe container (`@unilive/core/container`) and its Reflect shim.
 *
 * These were found in the bundles (as a top-level table, a `new TextEncoder()`, valibot schemas built at
 * import) while the dist was one file per package, before each was built by a call marked pure.
 */
export function clientUnreachableModules(provider: BenchProviderId): string[] {
  return [
    ...[
      'config/load-client.ts',
      'di/container.ts',
      'di/reflect-polyfill.ts',
      'events/copy-event.ts',
      'events/unsigned-webhooks.ts',
      'events/webhook-handler.ts',
      'events/webhook-input.ts',
      'registry/migration.ts',
      'registry/references.ts',
      'registry/registry-config.ts',
      'registry/registry.ts',
      'registry/routing.ts',
    ].map((path) => `packages/core/src/${path}`),
    `packages/${provider}/src/${provider}-webhooks.ts`,
  ];
}

/**
 * The same bundle made from the packages' sources (`source` export condition) instead of their `dist`: a
 * bundler then sees one module per source file and drops a whole module nothing uses, as the packages'
 * `sideEffects` allow. Minified bytes per source file, from esbuild's metafile.
 */
export async function sourceModuleBytesOf(
  entry: { file: string } | { contents: string },
): Promise<Map<string, number>> {
  const result = await build({
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.contents, resolveDir: benchDir, loader: 'js' as const } }),
    absWorkingDir: benchDir,
    conditions: ['source'],
    bundle: bundleSettings.bundle,
    format: bundleSettings.format,
    platform: bundleSettings.platform,
    target: bundleSettings.target,
    minify: bundleSettings.minify,
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const bytes = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput > 0 && !path.startsWith('<stdin>'))
        bytes.set(relative(repoDir, resolve(benchDir, path)), bytesInOutput);
    }
  }
  return bytes;
}

/**
 * unilive's source modules (`packages/…/src/…`) that a bundle of the `dist` carries beyond what the bundle
 * of the sources carries: a module the source bundle dropped, or more bytes of one than it kept. `slack`
 * covers what minified names alone change (a longer name where the bundle has more of them).
 */
export function extraModules(
  fromDist: ReadonlyMap<string, number>,
  fromSources: ReadonlyMap<string, number>,
  slack = (bytes: number) => 64 + bytes / 100,
): { path: string; dist: number; sources: number }[] {
  return [...fromDist]
    .filter(([path]) => /^packages\/[^/]+\/src\//.test(path))
    .map(([path, dist]) => ({ path, dist, sources: fromSources.get(path) ?? 0 }))
    .filter(({ dist, sources }) => (sources === 0 ? dist > 0 : dist > sources + slack(sources)));
}

/** The entry file of the client bundle of core + `provider`, as the weight scenario bundles it. */
export const clientEntryOf = (provider: BenchProviderId): string =>
  join(benchDir, 'entries', `unilive-${provider}.js`);

/** The repository root, where {@link SourceBytes.sources} paths start. */
export const sourceRoot = repoDir;
