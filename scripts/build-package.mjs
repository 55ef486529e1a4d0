#!/usr/bin/env node
// Builds the package in the current directory: its `dist/` as published. `tsc` type-checks the sources and
// writes the declarations (`.d.ts` and their maps, one per source file, as before); esbuild writes the
// JavaScript as bundled ESM: one file per entry point (each `exports` entry and each `bin`), code shared by
// two entry points or loaded by a dynamic `import()` in chunks beside them, every dependency left as an
// import. Node then resolves, reads and compiles a handful of files instead of one per source module,
// which is most of what a cold import of core + an adapter cost beyond ky's own (see
// docs/decisions/2026-11-29-bundled-dist.md).
//
// Not minified: esbuild's `minifyWhitespace` drops every `/* @__PURE__ */` annotation and `minifySyntax`
// unwraps the annotated IIFEs, so an application's bundler would keep top-level values of unilive it never
// uses, for some 0.7 ms of CPU saved on a cold import (docs/decisions/2026-12-01-unminified-dist.md).
// Identifiers are never mangled: packages/bench/src/dist-names.test.ts holds every exported name to the
// sources'.
//
// A module listed in the package's `sideEffects` stays a file of its own, imported where its importer
// imported it: its effect then runs exactly when it did, before the dependencies imported after it (core's
// Reflect shim must run before tsyringe loads; a bundle would hoist `import 'tsyringe'` above it).
//
//   node ../../scripts/build-package.mjs        (each package's `build` script)
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { delimiter, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const packageDir = process.cwd();
const manifest = JSON.parse(readFileSync(resolve(packageDir, 'package.json'), 'utf8'));
const dist = resolve(packageDir, 'dist');
const src = resolve(packageDir, 'src');

/** `./dist/a/b.js` → the source it is built from, `<package>/src/a/b.ts` (tsc's rootDir → outDir). */
function sourceOf(distPath) {
  const match = /^\.\/dist\/(.+)\.js$/.exec(distPath);
  if (!match) throw new Error(`${manifest.name}: ${distPath} is not a .js file under ./dist`);
  return resolve(src, `${match[1]}.ts`);
}

const entryPoints = new Set();
for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
  if (typeof target !== 'object' || target === null) continue;
  const built = sourceOf(target.default);
  if (target.source !== undefined && resolve(packageDir, target.source) !== built) {
    throw new Error(`${manifest.name}: exports["${subpath}"] builds ${target.default} from ${target.source}`);
  }
  entryPoints.add(built);
}
const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
for (const bin of bins) entryPoints.add(sourceOf(bin.startsWith('./') ? bin : `./${bin}`));
const ownFiles = new Set(
  (Array.isArray(manifest.sideEffects) ? manifest.sideEffects : [])
    .filter((path) => path.startsWith('./dist/'))
    .map(sourceOf),
);
for (const file of ownFiles) entryPoints.add(file);

rmSync(dist, { recursive: true, force: true });

// The workspace's own tsc, whether this script runs as the package's `build` script (which puts it on PATH)
// or by hand with only Node on PATH: found in the package's and the repository's node_modules/.bin first.
const binFolders = [
  resolve(packageDir, 'node_modules', '.bin'),
  resolve(packageDir, '..', '..', 'node_modules', '.bin'),
];
const tsc = spawnSync('tsc', ['-p', 'tsconfig.build.json', '--emitDeclarationOnly'], {
  cwd: packageDir,
  stdio: 'inherit',
  shell: process.platform === 'win32',
  env: { ...process.env, PATH: [...binFolders, process.env.PATH ?? ''].join(delimiter) },
});
if (tsc.error)
  console.error(`${manifest.name}: tsc could not be run (${tsc.error.message}); run pnpm install first`);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const result = await build({
  absWorkingDir: packageDir,
  entryPoints: [...entryPoints],
  outbase: src,
  outdir: dist,
  // Chunks sit beside the top-level entries, so a path relative to a module (`../package.json`) means the
  // same from every file.
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  packages: 'external',
  // The sources ship in the package (`files`), so the maps point at them rather than repeating them.
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'side-effect-files',
      setup(build) {
        build.onResolve({ filter: /^\.\.?\// }, (args) => {
          if (args.kind === 'entry-point') return undefined;
          const target = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
          if (!ownFiles.has(target)) return undefined;
          // The importer is an entry point built to the same place relative to dist as it sits in src, so
          // its relative specifier still names the file.
          if (!entryPoints.has(args.importer)) {
            throw new Error(
              `${relative(packageDir, args.importer)} imports ${args.path}, listed in sideEffects: only an entry point may`,
            );
          }
          return { path: args.path, external: true };
        });
      },
    },
  ],
});

// With splitting, esbuild puts each module in one output file; a class in two files would make
// `instanceof` fail across entry points, so this is checked rather than assumed.
const placed = new Map();
for (const [output, { inputs }] of Object.entries(result.metafile.outputs)) {
  for (const input of Object.keys(inputs)) {
    const other = placed.get(input);
    if (other !== undefined) throw new Error(`${input} is in both ${other} and ${output}`);
    placed.set(input, output);
  }
}
const files = Object.keys(result.metafile.outputs).filter((output) => output.endsWith('.js'));
console.log(`${manifest.name}: ${files.length} JavaScript files in dist/`);
