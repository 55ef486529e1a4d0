import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, version as esbuildVersion, type Metafile } from 'esbuild';
import { type BundleRun, runBundle } from './bundle-run.js';
import { type BenchProviderId, providerIds } from './providers.js';
import type { SandboxChild } from './sandbox-child.js';

/** Where the entry files live (`packages/bench/entries`), from `src/` and from `dist/` alike. */
export const benchDir = fileURLToPath(new URL('..', import.meta.url));
const entriesDir = join(benchDir, 'entries');

/** How every bundle is made: what an application's bundler does for a Node ESM target. */
export const bundleSettings = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'es2022',
  minify: true,
  gzipLevel: 9,
} as const;

/** One bundle's size, with what it is made of. */
export interface BundleFigures {
  minifiedBytes: number;
  gzipBytes: number;
  /** Minified bytes each package contributes (esbuild's `bytesInOutput`), largest first. */
  packages: { name: string; bytes: number }[];
}

/**
 * How packages are resolved: `esbuild-node` is esbuild's default for platform node (`main` before
 * `module`); `module-first` prefers `module`, as Rollup, Vite and webpack do.
 */
export type Resolution = 'esbuild-node' | 'module-first';

/** A unilive bundle: core + one adapter, with or without the client. */
export interface UniliveBundle extends BundleFigures {
  provider: BenchProviderId;
  resolution: Resolution;
  /**
   * `client`: `createLiveStreamClient(adapter(...))`, as the README shows; `adapter`: the adapter alone;
   * `container`: the client composed on a container from `@unilive/core/container`.
   */
  variant: BundleVariant;
  entry: string;
  /** The same bundle's third-party imports alone (the exact exports it uses), bundled the same way. */
  floor: BundleFigures & { imports: Record<string, string[]> };
  /** gzip bytes of this bundle divided by gzip bytes of its floor. */
  ratioToFloor: number;
  /**
   * unilive's own code, gzip: this bundle's gzip bytes minus its floor's (the third-party exports it uses,
   * bundled alone), what unilive adds on top of its dependencies.
   */
  ownGzipBytes: number;
  /**
   * gzip bytes of this bundle divided by those of ky + the valibot functions used + tsyringe (and jose
   * where the adapter signs tokens), whether or not the bundle contains tsyringe: the floor as the issue
   * of these benchmarks defines it.
   */
  ratioToDependencyFloor: number;
  /**
   * gzip bytes of that dependency floor, from which `ratioToDependencyFloor` (rounded to 3 decimals) is
   * computed and the target judged exactly. Absent from reports written before it was recorded.
   */
  dependencyFloorGzipBytes?: number;
  /** The bundle run in a fresh Node process against the sandbox, creating one stream. */
  run: BundleRun;
}

/** Which use of unilive a bundle holds. */
export type BundleVariant = 'client' | 'adapter' | 'container';

const entrySuffix: Record<BundleVariant, string> = {
  client: '',
  adapter: '-direct',
  container: '-container',
};

/** A vendor SDK doing the same live-stream create. */
export interface VendorBundle extends BundleFigures {
  name: string;
  resolution: Resolution;
  packageName: string;
  packageVersion: string;
  entry: string;
}

/** Whether one adapter's bundle holds code of another adapter. */
export interface IsolationCheck {
  provider: BenchProviderId;
  /** Workspace packages in the bundle. */
  uniliveParts: string[];
  /** Third-party packages in the bundle. */
  dependencies: string[];
  /** Other adapters found in the bundle (should be none). */
  otherVendors: string[];
  ok: boolean;
}

/** The weight report. */
export interface WeightReport {
  esbuild: string;
  settings: typeof bundleSettings;
  unilive: UniliveBundle[];
  vendors: VendorBundle[];
  isolation: IsolationCheck[];
  targets: {
    /** Largest allowed gzip ratio of a unilive client bundle to the dependency floor. */
    maxRatioToFloor: number;
    /** Every client bundle within the ratio of ky + valibot used + tsyringe, the dependency floor. */
    withinDependencyFloor: boolean;
    /** Most gzip bytes of unilive's own code in a core + adapter client bundle. */
    maxOwnGzipBytes: number;
    /** Every client bundle's own code within {@link maxOwnGzipBytes}. */
    ownCodeWithin: boolean;
    /** Every unilive bundle weighed also ran and created its stream. */
    allRun: boolean;
  };
  met: boolean;
}

/** Options of {@link measureWeight}. */
export interface WeightOptions {
  providers?: readonly BenchProviderId[];
  /** Also bundle each adapter without the client. Default true. */
  adapterOnly?: boolean;
  /** Also bundle each client composed on a container. Default true. */
  container?: boolean;
  /** Also bundle the vendor SDKs. Default true. */
  vendors?: boolean;
  /** Also bundle the client bundles and the vendor SDKs with module-first resolution. Default true. */
  moduleFirst?: boolean;
  /** The sandbox every unilive bundle is run against. */
  sandbox: SandboxChild;
}

const vendorEntries = [
  { name: 'Mux', packageName: '@mux/mux-node', entry: 'mux.js' },
  { name: 'api.video', packageName: '@api.video/nodejs-client', entry: 'api-video.js' },
] as const;

// Third-party packages whose used exports make up a unilive bundle's floor.
const floorPackages = ['ky', 'valibot', 'tsyringe', 'jose'];

/** The target: a unilive client bundle is at most this many times its dependency floor (gzip). */
export const maxRatioToFloor = 1.25;

/** The target: unilive's own code in a core + adapter client bundle, gzip bytes (8 kB). */
export const maxOwnGzipBytes = 8_000;

/**
 * Bundles core + each adapter (esbuild, ESM, minified, every runtime dependency included) and gzips it;
 * does the same for the vendor SDKs doing a live-stream create, and for the floor: exactly the exports of
 * ky, valibot, tsyringe (and jose) that the unilive bundle uses, bundled alone.
 */
export async function measureWeight(options: WeightOptions): Promise<WeightReport> {
  const providers = options.providers ?? providerIds;
  const unilive: UniliveBundle[] = [];
  const isolation: IsolationCheck[] = [];
  const resolutions: Resolution[] =
    options.moduleFirst === false ? ['esbuild-node'] : ['esbuild-node', 'module-first'];
  for (const resolution of resolutions) {
    for (const provider of providers) {
      const variants: BundleVariant[] = ['client'];
      if (resolution === 'esbuild-node') {
        if (options.adapterOnly !== false) variants.push('adapter');
        if (options.container !== false) variants.push('container');
      }
      for (const variant of variants) {
        const entry = `unilive-${provider}${entrySuffix[variant]}.js`;
        const { figures, metafile, code } = await bundle(
          { entryPoints: [join(entriesDir, entry)] },
          resolution,
        );
        const floor = await floorOf(join(entriesDir, entry), metafile, resolution);
        const dependencyFloor = await dependencyFloorOf(provider, floor, metafile, resolution);
        unilive.push({
          provider,
          resolution,
          variant,
          entry: `entries/${entry}`,
          ...figures,
          floor,
          ratioToFloor: ratio(figures.gzipBytes, floor.gzipBytes),
          ownGzipBytes: figures.gzipBytes - floor.gzipBytes,
          ratioToDependencyFloor: ratio(figures.gzipBytes, dependencyFloor),
          dependencyFloorGzipBytes: dependencyFloor,
          run: await runBundle(code, provider, options.sandbox),
        });
        if (variant === 'client' && resolution === 'esbuild-node')
          isolation.push(isolationOf(provider, figures));
      }
    }
  }
  const vendors: VendorBundle[] = [];
  if (options.vendors !== false) {
    for (const resolution of resolutions) {
      for (const vendor of vendorEntries) {
        const { figures } = await bundle({ entryPoints: [join(entriesDir, vendor.entry)] }, resolution);
        vendors.push({
          name: vendor.name,
          resolution,
          packageName: vendor.packageName,
          packageVersion: installedVersion(vendor.packageName),
          entry: `entries/${vendor.entry}`,
          ...figures,
        });
      }
    }
  }
  const targets = weightTargetsOf(unilive);
  return {
    esbuild: esbuildVersion,
    settings: bundleSettings,
    unilive,
    vendors,
    isolation,
    targets,
    met:
      targets.withinDependencyFloor &&
      targets.ownCodeWithin &&
      targets.allRun &&
      isolation.every((check) => check.ok),
  };
}

/**
 * The weight verdicts: every client bundle (as esbuild resolves by default; module-first figures are
 * reported beside them) within {@link maxRatioToFloor} of the dependency floor and {@link maxOwnGzipBytes}
 * of own code, and every bundle weighed able to create its stream.
 */
export function weightTargetsOf(unilive: readonly UniliveBundle[]): WeightReport['targets'] {
  const clients = unilive.filter((item) => item.variant === 'client' && item.resolution === 'esbuild-node');
  return {
    maxRatioToFloor,
    withinDependencyFloor: clients.every(withinDependencyFloor),
    maxOwnGzipBytes,
    ownCodeWithin: clients.every((item) => item.ownGzipBytes <= maxOwnGzipBytes),
    allRun: unilive.every((item) => item.run.ok),
  };
}

const ratio = (bytes: number, floor: number) => Math.round((bytes / floor) * 1000) / 1000;

/**
 * A bundle's ratio to the dependency floor, exact where the report holds the floor's bytes (the rounded
 * ratio in an older report): what the target is judged on, so that 1.2504 × is no pass as 1.25.
 */
export const exactRatioToDependencyFloor = (item: UniliveBundle): number =>
  item.dependencyFloorGzipBytes === undefined
    ? item.ratioToDependencyFloor
    : item.gzipBytes / item.dependencyFloorGzipBytes;

/** Whether a bundle is within {@link maxRatioToFloor} of the dependency floor, judged exactly. */
export const withinDependencyFloor = (item: UniliveBundle): boolean =>
  exactRatioToDependencyFloor(item) <= maxRatioToFloor;

// ky + the valibot functions used + tsyringe's `container` (+ jose's `SignJWT` for videosdk), gzip: the
// dependency floor as defined before tsyringe left the client's default path, kept for comparison.
const dependencyFloorCache = new Map<string, number>();
async function dependencyFloorOf(
  provider: BenchProviderId,
  floor: UniliveBundle['floor'],
  metafile: Metafile,
  resolution: Resolution,
): Promise<number> {
  const imports: Record<string, string[]> = { ...floor.imports, tsyringe: ['container'], ky: ['default'] };
  if (provider === 'videosdk') imports.jose = ['SignJWT'];
  const key = `${resolution} ${JSON.stringify(imports)}`;
  const cached = dependencyFloorCache.get(key);
  if (cached !== undefined) return cached;
  const { figures } = await bundle(
    {
      stdin: { contents: floorModule(imports), resolveDir: benchDir, loader: 'js' },
      nodePaths: dependencyDirs(metafile),
    },
    resolution,
  );
  dependencyFloorCache.set(key, figures.gzipBytes);
  return figures.gzipBytes;
}

// A module re-exporting exactly these names, so the bundler keeps them and drops the rest of each package.
function floorModule(imports: Record<string, readonly string[]>): string {
  const lines = Object.entries(imports)
    .filter(([, names]) => names.length > 0)
    .map(([source, names]) => {
      const safe = source.replace(/\W/g, '_');
      const list = [...names]
        .sort()
        .map((name) => `${name} as ${safe}_${name === 'default' ? 'default' : name}`);
      return `export { ${list.join(', ')} } from '${source}';`;
    });
  return lines.join('\n');
}

async function bundle(
  input: Pick<BuildOptions, 'entryPoints' | 'stdin' | 'nodePaths'>,
  resolution: Resolution,
): Promise<{ figures: BundleFigures; metafile: Metafile; code: Uint8Array }> {
  const result = await build({
    ...input,
    ...(resolution === 'module-first' ? { mainFields: ['module', 'main'] } : {}),
    absWorkingDir: benchDir,
    bundle: bundleSettings.bundle,
    format: bundleSettings.format,
    platform: bundleSettings.platform,
    target: bundleSettings.target,
    minify: bundleSettings.minify,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output');
  const bytes = output.contents;
  const packages = new Map<string, number>();
  for (const out of Object.values(result.metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(out.inputs)) {
      if (bytesInOutput === 0) continue;
      const name = packageOf(path);
      packages.set(name, (packages.get(name) ?? 0) + bytesInOutput);
    }
  }
  return {
    figures: {
      minifiedBytes: bytes.length,
      gzipBytes: gzipSync(bytes, { level: bundleSettings.gzipLevel }).length,
      packages: [...packages]
        .map(([name, size]) => ({ name, bytes: size }))
        .sort((a, b) => b.bytes - a.bytes),
    },
    metafile: result.metafile,
    code: bytes,
  };
}

// The floor: bundle the entry with the third-party packages left external, read which of their exports
// the remaining code imports, and bundle exactly those exports on their own.
async function floorOf(
  entry: string,
  metafile: Metafile,
  resolution: Resolution,
): Promise<UniliveBundle['floor']> {
  const probe = await build({
    entryPoints: [entry],
    absWorkingDir: benchDir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: bundleSettings.target,
    minify: false,
    write: false,
    external: [...floorPackages, 'tslib'],
    logLevel: 'silent',
  });
  const code = probe.outputFiles[0]?.text ?? '';
  const imports: Record<string, Set<string>> = {};
  for (const match of code.matchAll(/^import\s+([^;]+?)\s+from\s+"([^"]+)";/gm)) {
    const [, clause = '', source = ''] = match;
    if (!floorPackages.includes(source)) continue;
    const names = imports[source] ?? new Set<string>();
    imports[source] = names;
    const exported = await exportsOf(source, metafile);
    for (const part of splitImportClause(clause)) {
      if (part.kind === 'default') names.add('default');
      else if (part.kind === 'named') names.add(part.name);
      else {
        const pattern = new RegExp(`\\b${part.name}\\.([A-Za-z_$][\\w$]*)`, 'g');
        for (const use of code.matchAll(pattern)) if (use[1] && exported.has(use[1])) names.add(use[1]);
      }
    }
  }
  const contents = floorModule(
    Object.fromEntries(Object.entries(imports).map(([source, names]) => [source, [...names]])),
  );
  const { figures } = await bundle(
    {
      stdin: { contents, resolveDir: benchDir, loader: 'js' },
      nodePaths: dependencyDirs(metafile),
    },
    resolution,
  );
  return {
    ...figures,
    imports: Object.fromEntries(
      Object.entries(imports).map(([source, names]) => [source, [...names].sort()]),
    ),
  };
}

type ImportPart = { kind: 'default' } | { kind: 'named'; name: string } | { kind: 'namespace'; name: string };

function splitImportClause(clause: string): ImportPart[] {
  const parts: ImportPart[] = [];
  const namespace = /\*\s+as\s+([\w$]+)/.exec(clause);
  if (namespace?.[1]) parts.push({ kind: 'namespace', name: namespace[1] });
  const braces = /\{([^}]*)\}/.exec(clause);
  for (const item of braces?.[1]?.split(',') ?? []) {
    const name = item
      .trim()
      .split(/\s+as\s+/)[0]
      ?.trim();
    if (name) parts.push(name === 'default' ? { kind: 'default' } : { kind: 'named', name });
  }
  const head = clause.replace(/\{[^}]*\}/, '').replace(/\*\s+as\s+[\w$]+/, '');
  if (/^\s*[\w$]+\s*(,|$)/.test(head)) parts.push({ kind: 'default' });
  return parts;
}

// Names a package exports, as esbuild sees them (loading tsyringe would need a Reflect polyfill first).
async function exportsOf(source: string, metafile: Metafile): Promise<Set<string>> {
  const result = await build({
    stdin: { contents: `export * from '${source}';`, resolveDir: benchDir, loader: 'js' },
    absWorkingDir: benchDir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    metafile: true,
    nodePaths: dependencyDirs(metafile),
    logLevel: 'silent',
  });
  return new Set(Object.values(result.metafile.outputs).flatMap((output) => output.exports));
}

// node_modules folders of the workspace packages in a bundle, where their dependencies resolve.
function dependencyDirs(metafile: Metafile): string[] {
  const dirs = new Set<string>([join(benchDir, 'node_modules')]);
  for (const path of Object.keys(metafile.inputs)) {
    const root = packageRootOf(resolve(benchDir, path));
    if (root && !root.includes('node_modules')) dirs.add(join(root, 'node_modules'));
  }
  return [...dirs].filter((dir) => existsSync(dir));
}

const rootCache = new Map<string, string | undefined>();

function packageRootOf(file: string): string | undefined {
  let dir = dirname(file);
  const visited: string[] = [];
  for (;;) {
    if (rootCache.has(dir)) {
      const found = rootCache.get(dir);
      for (const seen of visited) rootCache.set(seen, found);
      return found;
    }
    visited.push(dir);
    if (existsSync(join(dir, 'package.json'))) {
      const name = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name;
      if (name) {
        for (const seen of visited) rootCache.set(seen, dir);
        return dir;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) {
      for (const seen of visited) rootCache.set(seen, undefined);
      return undefined;
    }
    dir = parent;
  }
}

function packageOf(path: string): string {
  if (path.startsWith('<stdin>')) return '(entry)';
  const full = resolve(benchDir, path);
  if (full.startsWith(entriesDir)) return '(entry)';
  const root = packageRootOf(full);
  if (!root) return path;
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string }).name;
}

function installedVersion(packageName: string): string {
  const file = join(benchDir, 'node_modules', packageName, 'package.json');
  return (JSON.parse(readFileSync(realpathSync(file), 'utf8')) as { version: string }).version;
}

function isolationOf(provider: BenchProviderId, figures: BundleFigures): IsolationCheck {
  const names = figures.packages.map((item) => item.name).filter((name) => name !== '(entry)');
  const uniliveParts = names.filter((name) => name.startsWith('@unilive/')).sort();
  const otherVendors = uniliveParts.filter(
    (name) => name !== '@unilive/core' && name !== `@unilive/${provider}`,
  );
  return {
    provider,
    uniliveParts,
    dependencies: names.filter((name) => !name.startsWith('@unilive/')).sort(),
    otherVendors,
    ok: otherVendors.length === 0 && uniliveParts.includes(`@unilive/${provider}`),
  };
}
