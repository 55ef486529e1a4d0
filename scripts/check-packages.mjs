#!/usr/bin/env node
// The packages as a user gets them. Packs every public package with pnpm (workspace and catalog ranges
// become real versions), lints each tarball with publint and are-the-types-wrong, installs the tarballs
// into scratch apps in a temporary folder with npm, pnpm and yarn, and there runs a small script, a
// `tsc --strict` type-check of every entry point (moduleResolution node16, nodenext and bundler, and a
// project without the DOM library), the README's Install and Quick start
// (against the sandbox, by environment alone) and `npx unilive demo`. There it also imports every `exports`
// entry alone (and as on an older Node.js, which the version check must refuse before anything else runs),
// checks that errors reached through adapters and the container entry point are core's classes (with and
// without reflect-metadata), that no local path ships and every source map resolves, and that a bundle of
// one adapter holds no other. From the repository root it checks `npx unilive` and `pnpm unilive`. Part of
// `npm test`; needs the packages built.
//
//   node scripts/check-packages.mjs [--keep] [--skip-yarn]
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { keep: { type: 'boolean' }, 'skip-yarn': { type: 'boolean' } } });
const root = dirname(import.meta.dirname);
const work = mkdtempSync(join(tmpdir(), 'unilive-packages-'));
const tarballDir = join(work, 'tarballs');
mkdirSync(tarballDir);
const yarnVersion = '1.22.22';
const reflectMetadataVersion = '0.2.2';
const figures = { packages: [], installs: [], steps: [] };
const failures = [];

/** Runs a command; returns its output. A failure is recorded and, unless `allowFailure`, ends the check. */
function run(label, command, args, options = {}) {
  const started = performance.now();
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? 600_000,
  });
  const seconds = (performance.now() - started) / 1000;
  figures.steps.push({ label, seconds: Math.round(seconds * 10) / 10, status: result.status });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) {
    const why = result.error ? String(result.error) : `exit ${result.status}`;
    failures.push(`${label}: ${why}`);
    console.log(
      `✗ ${label} (${why}, ${seconds.toFixed(1)} s)\n${output.trim().split('\n').slice(-40).join('\n')}`,
    );
    if (!options.allowFailure) finish();
    return { ok: false, output, seconds };
  }
  console.log(`✓ ${label} (${seconds.toFixed(1)} s)`);
  return { ok: true, output, seconds, stdout: result.stdout ?? '' };
}

/** `run` without blocking this process, for a child that talks to a server running here. */
function runAsync(label, command, args, options) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      figures.steps.push({ label, seconds: Math.round(seconds * 10) / 10, status });
      if (status === 0) {
        console.log(`✓ ${label} (${seconds.toFixed(1)} s)`);
      } else {
        failures.push(`${label}: exit ${status}`);
        console.log(`✗ ${label} (exit ${status}, ${seconds.toFixed(1)} s)\n${`${stdout}${stderr}`.trim()}`);
      }
      resolve({ ok: status === 0, stdout, output: `${stdout}${stderr}`, seconds });
    });
  });
}

function finish() {
  const sizes = figures.packages.map(
    (item) =>
      `  ${item.name.padEnd(24)} ${String(item.packedBytes).padStart(8)} B packed, ${item.files} files`,
  );
  console.log(`\npackages (tarball size):\n${sizes.join('\n')}`);
  for (const install of figures.installs) console.log(`install with ${install.manager}: ${install.result}`);
  writeFileSync(join(work, 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
  if (failures.length > 0) {
    console.log(`\ncheck-packages: ${failures.length} failed (kept in ${work}):\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
  if (!values.keep) rmSync(work, { recursive: true, force: true });
  console.log('\ncheck-packages: every package packs, lints clean and installs with npm, pnpm and yarn');
  process.exit(0);
}

// 1. Pack every public package.
const packages = readdirSync(join(root, 'packages'))
  .map((folder) => ({ folder: join(root, 'packages', folder) }))
  .filter(({ folder }) => existsSync(join(folder, 'package.json')))
  .map(({ folder }) => ({ folder, manifest: JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => manifest.private !== true);
for (const item of packages) {
  const packed = run(`pack ${item.manifest.name}`, 'pnpm', ['pack', '--pack-destination', tarballDir], {
    cwd: item.folder,
  });
  item.tarball = packed.stdout
    .trim()
    .split('\n')
    .filter((line) => line.endsWith('.tgz'))
    .at(-1);
  if (!item.tarball || !existsSync(item.tarball)) {
    failures.push(`pack ${item.manifest.name}: no tarball reported`);
    finish();
  }
  const list = spawnSync('tar', ['-tzf', item.tarball], { encoding: 'utf8' }).stdout.trim().split('\n');
  const required = ['package/package.json', 'package/README.md', 'package/LICENSE', 'package/dist/index.js'];
  const missing = required.filter((file) => !list.includes(file));
  if (list.some((file) => file.endsWith('.test.ts') || file.endsWith('.test.js'))) missing.push('(no tests)');
  if (missing.length > 0) failures.push(`${item.manifest.name}: tarball lacks ${missing.join(', ')}`);
  figures.packages.push({
    name: item.manifest.name,
    version: item.manifest.version,
    packedBytes: statSync(item.tarball).size,
    files: list.length,
  });
}

// 2. Lint each tarball: publint (strict: warnings fail too) and are-the-types-wrong (ESM-only packages).
for (const item of packages) {
  const publint = run(
    `publint ${item.manifest.name}`,
    'pnpm',
    ['exec', 'publint', 'run', item.tarball, '--strict'],
    {
      allowFailure: true,
    },
  );
  if (publint.ok && !publint.output.includes('All good!')) {
    failures.push(`publint ${item.manifest.name}: ${publint.output.trim().split('\n').slice(-3).join(' ')}`);
  }
  run(
    `attw ${item.manifest.name}`,
    'pnpm',
    ['exec', 'attw', item.tarball, '--profile', 'esm-only', '--format', 'ascii'],
    {
      allowFailure: true,
    },
  );
}
// Changesets versions the public packages together and leaves the private ones alone.
const changesets = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8'));
const publicNames = packages.map((item) => item.manifest.name).sort();
if (JSON.stringify([...(changesets.fixed?.[0] ?? [])].sort()) !== JSON.stringify(publicNames)) {
  failures.push(`.changeset/config.json: "fixed" should list exactly ${publicNames.join(', ')}`);
}
if (changesets.access !== 'public') failures.push('.changeset/config.json: "access" should be "public"');
if (failures.length > 0) finish();

// 3. The README's Install lines name exactly the public packages, so each has a tarball.
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const installBlock = /## Install\s+```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const installed = installBlock
  .split('\n')
  .filter((line) => line.startsWith('npm install'))
  .flatMap((line) => line.split(/\s+/).slice(2))
  .filter((word) => !word.startsWith('-'));
const byName = new Map(packages.map((item) => [item.manifest.name, item]));
const unknown = installed.filter((name) => !byName.has(name));
if (installed.length === 0 || unknown.length > 0) {
  failures.push(
    `README Install names ${unknown.length > 0 ? `unpublished packages: ${unknown.join(', ')}` : 'nothing'}`,
  );
  finish();
}
const installSection = /## Install\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
const notInReadme = packages.filter(
  (item) => !installSection.includes(`\`${item.manifest.name}\``) && !installed.includes(item.manifest.name),
);
if (notInReadme.length > 0) {
  failures.push(`README Install leaves out ${notInReadme.map((item) => item.manifest.name).join(', ')}`);
}
const quickStart = /## Quick start\s+```ts[^\n]*\n([\s\S]*?)```/.exec(readme)?.[1];
// The core README's composition example, type-checked as written (strict: an untyped callback fails).
const containerExample = /compose it on a container[\s\S]*?```ts[^\n]*\n([\s\S]*?)```/.exec(
  readFileSync(join(root, 'packages', 'core', 'README.md'), 'utf8'),
)?.[1];
if (!containerExample) {
  failures.push('packages/core/README.md has no container example');
  finish();
}
if (!quickStart) {
  failures.push('README has no Quick start TypeScript block');
  finish();
}

// 4. Scratch apps. Every package comes from its tarball, also as another package's dependency.
const files = Object.fromEntries(packages.map((item) => [item.manifest.name, `file:${item.tarball}`]));
const smoke = `import { createLiveStreamClient, createLiveStreamClientFromConfig, type LiveStream, NotFoundError } from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import { startSandbox } from '@unilive/sandbox';
import { createMemoryProvider } from '@unilive/testing';

// Every adapter loaded by name from this app, against the embedded sandbox; the memory provider without
// any test runner installed.
const sandbox = await startSandbox({ transitionMs: 50 });
try {
  for (const provider of sandbox.providers) {
    const client = await createLiveStreamClientFromConfig({ provider, ...sandbox.adapterSettings(provider) });
    const stream: LiveStream = await client.create({ name: \`scratch app on \${provider}\` });
    const fetched = await client.get(stream.id);
    if (fetched.id !== stream.id || stream.ingest.length === 0) throw new Error(\`\${provider}: unexpected stream\`);
    console.log(\`\${provider}: created \${stream.id} with \${stream.ingest.length} ingest endpoint(s)\`);
  }
  const memory = createLiveStreamClient(createMemoryProvider());
  console.log(\`memory: created \${(await memory.create({ name: 'scratch app in memory' })).id}\`);
  // The container entry point loads tsyringe after core's Reflect shim (its own file in the bundled dist).
  const composed = createLiveStreamClient(createMemoryProvider(), { container: createContainer() });
  const missing = await composed.get('no-such-stream').catch((error: unknown) => error);
  if (!NotFoundError.isInstance(missing)) throw new Error(\`memory on a container: expected NotFoundError, got \${String(missing)}\`);
  console.log('memory on a container: get of a missing stream is a NotFoundError');
} finally {
  await sandbox.close();
}
`;

function scratchApp(manager) {
  const dir = join(work, `app-${manager}`);
  mkdirSync(dir);
  const manifest = {
    name: `unilive-scratch-${manager}`,
    private: true,
    type: 'module',
    // The npm app also runs the container entry point beside reflect-metadata, which applications with
    // decorators of their own load (see the entry point checks below).
    dependencies: manager === 'npm' ? { ...files, 'reflect-metadata': reflectMetadataVersion } : files,
    overrides: files,
    resolutions: files,
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (manager === 'pnpm') {
    const overrides = Object.entries(files).map(([name, spec]) => `  '${name}': '${spec}'`);
    // As the README's Install says for pnpm 10 and later: the sandbox's optional ffmpeg package has an
    // install script that only marks the binary executable, which its tarball already does.
    writeFileSync(
      join(dir, 'pnpm-workspace.yaml'),
      `overrides:\n${overrides.join('\n')}\nallowBuilds:\n  '@ffmpeg-installer/${process.platform}-${process.arch}': false\n`,
    );
  }
  writeFileSync(join(dir, 'smoke.ts'), smoke);
  writeFileSync(join(dir, 'quickstart.ts'), quickStart);
  writeFileSync(join(dir, 'container.ts'), containerExample);
  return dir;
}

const registry =
  spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).stdout.trim() ||
  'https://registry.npmjs.org/';
const managers = [
  { manager: 'npm', command: 'npm', args: ['install', '--no-audit', '--no-fund', '--prefer-offline'] },
  // A scratch app has no lockfile; on CI pnpm would otherwise insist on a frozen one.
  { manager: 'pnpm', command: 'pnpm', args: ['install', '--prefer-offline', '--no-frozen-lockfile'] },
  ...(values['skip-yarn']
    ? []
    : [
        {
          manager: `yarn ${yarnVersion}`,
          command: 'npx',
          args: [
            '-y',
            `yarn@${yarnVersion}`,
            'install',
            '--non-interactive',
            '--no-progress',
            `--registry=${registry}`,
          ],
        },
      ]),
];
const apps = {};
for (const { manager, command, args } of managers) {
  const dir = scratchApp(manager.split(' ')[0]);
  apps[manager.split(' ')[0]] = dir;
  const install = run(`install with ${manager}`, command, args, { cwd: dir, allowFailure: true });
  if (!install.ok) {
    figures.installs.push({ manager, result: `FAILED (${install.output.trim().split('\n').at(-1)})` });
    continue;
  }
  const testRunner = ['vitest', 'nock'].filter((name) => existsSync(join(dir, 'node_modules', name)));
  if (testRunner.length > 0)
    failures.push(`${manager}: installed ${testRunner.join(', ')} though no entry used needs them`);
  const ran = run(`run a script with ${manager}`, process.execPath, ['smoke.ts'], {
    cwd: dir,
    allowFailure: true,
  });
  figures.installs.push({
    manager,
    result: ran.ok ? `ok in ${install.seconds.toFixed(1)} s, script ran` : 'installed, but the script FAILED',
  });
}
if (failures.length > 0) finish();

// 5. In the npm app: strict type-checks, the Quick start verbatim, and the command line.
const app = apps.npm;
const tsc = join(root, 'node_modules', '.bin', 'tsc');
const typeRoots = [join(root, 'node_modules', '@types')];
// Every entry point each package exports, imported by a file of its own, so that each declaration file is
// type-checked (`skipLibCheck: false`), not only those the scripts reach. Not `@unilive/testing/contract`:
// its recorded-fixture harness takes the caller's nock, an optional peer this app leaves out.
const typeCheckedApart = new Set(['@unilive/testing/contract']);
writeFileSync(
  join(app, 'every-entry.ts'),
  `${packages
    .flatMap((item) =>
      Object.keys(item.manifest.exports ?? {})
        .filter((subpath) => !subpath.endsWith('.json'))
        .map((subpath) =>
          subpath === '.' ? item.manifest.name : `${item.manifest.name}${subpath.slice(1)}`,
        ),
    )
    .filter((specifier) => !typeCheckedApart.has(specifier))
    .map((specifier, index) => `import type * as entry${index} from '${specifier}';\n`)
    .join('')}export {};\n`,
);
// The last one is a Node-only project: no DOM library, so every type the packages name must come from
// the language or `@types/node` (WebCrypto's `CryptoKey` and `AddEventListenerOptions` are DOM-only names).
for (const [label, module, moduleResolution, lib] of [
  ['node16', 'node16', 'node16', ['es2023', 'dom']],
  ['nodenext', 'nodenext', 'nodenext', ['es2023', 'dom']],
  ['bundler', 'esnext', 'bundler', ['es2023', 'dom']],
  ['nodenext without the DOM library', 'nodenext', 'nodenext', ['es2023']],
]) {
  const config = join(app, `tsconfig.${label.replaceAll(' ', '-')}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2023',
        lib,
        module,
        moduleResolution,
        types: ['node'],
        typeRoots,
        skipLibCheck: false,
      },
      files: ['smoke.ts', 'quickstart.ts', 'container.ts', 'every-entry.ts'],
    }),
  );
  run(`tsc --strict, moduleResolution ${label}`, tsc, ['-p', config], { cwd: app });
}

// 6. Every entry point as published (one bundled file each, chunks beside them).
const adapterNames = packages
  .map((item) => item.manifest.name)
  .filter((name) =>
    ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk'].some((id) => name === `@unilive/${id}`),
  );
const entries = packages.flatMap((item) => {
  const name = item.manifest.name;
  const optionalPeers = Object.keys(item.manifest.peerDependenciesMeta ?? {}).filter(
    (peer) => item.manifest.peerDependenciesMeta[peer]?.optional,
  );
  return Object.keys(item.manifest.exports ?? {}).map((subpath) => ({
    specifier: subpath === '.' ? name : `${name}${subpath.slice(1)}`,
    json: subpath.endsWith('.json'),
    optionalPeers,
  }));
});
// Each imports in a process of its own, as an application's first import would; one whose optional peer
// dependency (vitest for the contract suite) is not installed must say so and nothing else.
const entryScript = `const [specifier, json, peers] = JSON.parse(process.argv[1]);
try {
  await (json ? import(specifier, { with: { type: 'json' } }) : import(specifier));
  console.log('loaded');
} catch (error) {
  const peer = error?.code === 'ERR_MODULE_NOT_FOUND' && peers.find((name) => error.message.includes(\`'\${name}'\`));
  console.log(peer ? \`needs \${peer}\` : \`failed: \${error?.message}\`);
}`;
// Node.js reports an older version than it is before anything loads: the version check must come before
// any other module of unilive runs (or fails for a reason an older Node.js would hide).
writeFileSync(
  join(app, 'old-node.mjs'),
  "Object.defineProperty(process.versions, 'node', { value: '20.11.1' });\n",
);
for (const entry of entries) {
  const argument = JSON.stringify([entry.specifier, entry.json, entry.optionalPeers]);
  const loaded = spawnSync(process.execPath, ['--input-type=module', '-e', entryScript, argument], {
    cwd: app,
    encoding: 'utf8',
  });
  const said = loaded.stdout.trim();
  if (said !== 'loaded' && !said.startsWith('needs '))
    failures.push(`import ${entry.specifier}: ${said}${loaded.stderr}`);
  if (entry.json || said.startsWith('needs ')) continue;
  const old = spawnSync(
    process.execPath,
    ['--import', './old-node.mjs', '--input-type=module', '-e', entryScript, argument],
    { cwd: app, encoding: 'utf8' },
  );
  if (!/^failed: unilive needs Node\.js 22 or newer; this is Node\.js 20\.11\.1\./.test(old.stdout.trim()))
    failures.push(`import ${entry.specifier} on an older Node.js: ${old.stdout.trim()}${old.stderr}`);
}
for (const item of packages) {
  for (const bin of Object.keys(item.manifest.bin ?? {})) {
    const old = spawnSync(
      process.execPath,
      ['--import', './old-node.mjs', join('node_modules', '.bin', bin), '--help'],
      {
        cwd: app,
        encoding: 'utf8',
      },
    );
    if (old.status === 0 || !old.stderr.includes('needs Node.js 22'))
      failures.push(`${bin} --help on an older Node.js: exit ${old.status}, ${old.stderr.trim()}`);
  }
}
console.log(
  `${failures.length === 0 ? '✓' : '✗'} every exports entry imports alone, and checks the Node.js version first`,
);

// An error reached through an adapter, the container entry point or a factory is an instance of the class
// core exports (one copy of each class across entry points), without reflect-metadata, with it loaded
// first, and with it loaded after the container entry point for decorators of the application's own.
const errorsScript = `import { createLiveStreamClientFromConfig, InvalidInputError, NotFoundError, UniliveError } from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import { startSandbox } from '@unilive/sandbox';
const problems = [];
const sandbox = await startSandbox({ transitionMs: 50 });
try {
  for (const provider of sandbox.providers) {
    const client = await createLiveStreamClientFromConfig(
      { provider, ...sandbox.adapterSettings(provider) },
      { container: createContainer() },
    );
    const missing = await client.get('no-such-stream').catch((error) => error);
    if (!(missing instanceof NotFoundError && missing instanceof UniliveError))
      problems.push(\`\${provider} get: \${missing?.constructor?.name}\`);
    const adapter = await import(\`@unilive/\${provider}\`);
    const factory = Object.values(adapter).find(
      (value) => typeof value === 'function' && value.name.toLowerCase() === provider.replaceAll('-', ''),
    );
    let refused;
    try {
      factory?.({ ...sandbox.adapterSettings(provider), baseURL: 'https://example.test' });
    } catch (error) {
      refused = error;
    }
    if (!(refused instanceof InvalidInputError)) problems.push(\`\${provider} factory: \${refused?.constructor?.name}\`);
  }
} finally {
  await sandbox.close();
}
if (process.argv[2] === 'then-reflect-metadata') {
  await import('reflect-metadata');
  const { container, injectable } = await import('tsyringe');
  class Dependency {}
  class Decorated {
    constructor(dependency) {
      this.dependency = dependency;
    }
  }
  Reflect.defineMetadata('design:paramtypes', [Dependency], Decorated);
  injectable()(Decorated);
  if (!(container.resolve(Decorated).dependency instanceof Dependency)) problems.push('reflect-metadata after the container: no injection');
}
console.log(problems.length === 0 ? 'ok' : problems.join('; '));
`;
writeFileSync(join(app, 'errors.mjs'), errorsScript);
for (const [label, args] of [
  ['errors are core classes across entry points', ['errors.mjs']],
  ['… with reflect-metadata loaded first', ['--import', 'reflect-metadata', 'errors.mjs']],
  ['… with reflect-metadata loaded after the container', ['errors.mjs', 'then-reflect-metadata']],
]) {
  const result = await runAsync(label, process.execPath, args, { cwd: app });
  if (result.ok && result.stdout.trim() !== 'ok') failures.push(`${label}: ${result.stdout.trim()}`);
}

// No path of this machine in what ships, and every source map names files that ship.
for (const name of [...byName.keys()]) {
  const installedAt = join(app, 'node_modules', ...name.split('/'));
  for (const file of readdirSync(installedAt, { recursive: true })) {
    const path = join(installedAt, file);
    if (!statSync(path).isFile() || file.startsWith('node_modules')) continue;
    const text = readFileSync(path, 'utf8');
    for (const local of [root, work]) {
      if (text.includes(local)) failures.push(`${name}/${file} holds the local path ${local}`);
    }
    if (!file.endsWith('.map')) continue;
    const map = JSON.parse(text);
    for (const source of map.sources) {
      const resolved = join(dirname(path), map.sourceRoot ?? '', source);
      if (!resolved.startsWith(installedAt) || !existsSync(resolved))
        failures.push(`${name}/${file} names a source that does not ship: ${source}`);
    }
  }
}

// An application bundling one adapter holds no other adapter, nor the container's tsyringe.
const { build } = await import('esbuild');
for (const adapter of adapterNames) {
  const result = await build({
    stdin: {
      contents: `export { createLiveStreamClient } from '@unilive/core';\nexport * from '${adapter}';\n`,
      resolveDir: app,
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const strays = [...adapterNames.filter((other) => other !== adapter), 'tsyringe'].filter((other) =>
    inputs.some((input) => input.includes(`node_modules/${other}/`)),
  );
  if (strays.length > 0) failures.push(`a bundle of ${adapter} holds ${strays.join(', ')}`);
}
console.log(
  `${failures.length === 0 ? '✓' : '✗'} no local path ships, source maps resolve, one adapter bundles alone`,
);
if (failures.length > 0) finish();

// The Quick start, as written, pointed at the sandbox by environment alone.
const { startSandbox } = await import(join(app, 'node_modules', '@unilive', 'sandbox', 'dist', 'index.js'));
const sandbox = await startSandbox({ transitionMs: 200 });
try {
  // Asynchronously: the sandbox answers from this process's event loop.
  const quick = await runAsync('README Quick start on the sandbox', process.execPath, ['quickstart.ts'], {
    cwd: app,
    env: {
      WOWZA_VIDEO_BASE_URL: sandbox.baseUrl('wowza-video'),
      ...upper(sandbox.credentials('wowza-video')),
    },
  });
  if (quick.ok && !/^https?:\/\/\S+\.m3u8$/m.test(quick.stdout)) {
    failures.push(`README Quick start printed no HLS URL: ${quick.stdout.trim()}`);
  }
} finally {
  await sandbox.close();
}

/** `{ token }` as the environment the adapter reads: WOWZA_VIDEO_TOKEN. */
function upper(credentials) {
  return Object.fromEntries(
    Object.entries(credentials).map(([key, value]) => [`WOWZA_VIDEO_${key.toUpperCase()}`, value]),
  );
}

const cliVersion = byName.get('unilive')?.manifest.version;
const version = run(
  'npx unilive --version (installed CLI)',
  'npx',
  ['--no-install', 'unilive', '--version'],
  {
    cwd: app,
    allowFailure: true,
  },
);
if (version.ok && version.stdout.trim() !== cliVersion)
  failures.push(`npx unilive --version printed ${version.stdout.trim()}`);
const demo = run(
  'npx unilive demo (installed CLI, embedded sandbox)',
  'npx',
  ['--no-install', 'unilive', 'demo'],
  {
    cwd: app,
    allowFailure: true,
  },
);
if (demo.ok && (demo.stdout.match(/ {2}ok {2}/g) ?? []).length !== 4)
  failures.push('npx unilive demo: not every provider ok');

// 7. From the repository root, after the README's set-up (the toolchain on PATH, the CLI built).
for (const [label, command] of [
  ['npx unilive --version (repository root)', ['npx', ['--no-install', 'unilive', '--version']]],
  ['pnpm unilive --version (repository root)', ['pnpm', ['unilive', '--version']]],
]) {
  const result = run(label, command[0], command[1], { allowFailure: true });
  if (result.ok && !result.stdout.trim().endsWith(cliVersion))
    failures.push(`${label} printed ${result.stdout.trim()}`);
}
finish();
