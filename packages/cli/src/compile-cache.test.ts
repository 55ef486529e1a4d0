import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { constants } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix, sep, win32 } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { compileCacheDirectory } from './compile-cache.js';

const source = pathToFileURL(fileURLToPath(new URL('./compile-cache.ts', import.meta.url))).href;
const folders: string[] = [];
const folder = () => {
  const made = mkdtempSync(join(tmpdir(), 'unilive-compile-cache-'));
  folders.push(made);
  return made;
};
afterEach(() => {
  for (const made of folders.splice(0)) rmSync(made, { recursive: true, force: true });
});

// Runs the module from source in a fresh Node process, as bin.ts runs it first thing: enables the cache,
// compiles one more module, flushes the cache to disk and prints Node's answer.
function enableIn(env: Record<string, string>) {
  const work = folder();
  const other = join(work, 'other.mjs');
  writeFileSync(other, 'export const answer = 42;\n');
  const script = [
    `import { enableCliCompileCache } from ${JSON.stringify(source)};`,
    'import { flushCompileCache } from "node:module";',
    'const result = enableCliCompileCache();',
    `const { answer } = await import(${JSON.stringify(pathToFileURL(other).href)});`,
    'flushCompileCache();',
    'console.log(JSON.stringify({ result: result ?? null, answer }));',
  ].join('\n');
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(NODE_COMPILE_CACHE|NODE_DISABLE_COMPILE_CACHE|XDG_CACHE_HOME)$/.test(name),
    ),
  );
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...clean, ...env },
    // A place on which making a directory never returns (a recursive mkdir under /proc) must not hang.
    timeout: 60_000,
  });
  expect(run.signal).toBeNull();
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as {
    result: { status: number; directory?: string; message?: string } | null;
    answer: number;
  };
}

const filesUnder = (directory: string): string[] =>
  readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);

describe('compileCacheDirectory', () => {
  const text = fc.string({ maxLength: 12 }).filter((value) => !value.includes('\0'));
  const absolute = fc.array(fc.stringMatching(/^[a-z0-9._-]{1,8}$/), { minLength: 1, maxLength: 3 });

  it("is the user's own cache directory, or none where Node's setting or no home decides", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<NodeJS.Platform>('linux', 'darwin', 'win32', 'freebsd'),
        fc.option(
          absolute.map((parts) => posix.join('/', ...parts)),
          { nil: undefined },
        ),
        fc.option(text, { nil: undefined }),
        fc.option(
          absolute.map((parts) => win32.join('C:\\', ...parts)),
          { nil: undefined },
        ),
        fc.oneof(
          absolute.map((parts) => posix.join('/', ...parts)),
          text,
        ),
        fc.option(fc.constantFrom('', ' ', '1', '/tmp/ncc'), { nil: undefined }),
        (platform, xdgAbsolute, xdgOther, localAppData, home, nodeCache) => {
          const xdg = xdgAbsolute ?? xdgOther;
          const env = { XDG_CACHE_HOME: xdg, LOCALAPPDATA: localAppData, NODE_COMPILE_CACHE: nodeCache };
          const got = compileCacheDirectory({ env, platform, home });
          const tail = ['unilive', 'compile-cache'];
          const path = platform === 'win32' ? win32 : posix;
          const usable = (value: string | undefined): value is string =>
            value !== undefined && value.trim() !== '' && path.isAbsolute(value);
          let expected: string | undefined;
          if (nodeCache !== undefined && nodeCache.trim() !== '') expected = undefined;
          else if (usable(xdg)) expected = path.join(xdg, ...tail);
          else if (platform === 'win32')
            expected = usable(localAppData) ? path.join(localAppData, ...tail) : undefined;
          else if (usable(home))
            expected = path.join(
              home,
              ...(platform === 'darwin' ? ['Library', 'Caches'] : ['.cache']),
              ...tail,
            );
          expect(got).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('enableCliCompileCache, in a process of its own', () => {
  it("keeps V8's code in the user's cache directory, readable by the user alone", () => {
    const cacheHome = folder();
    const { result, answer } = enableIn({ XDG_CACHE_HOME: cacheHome });
    const directory = join(cacheHome, 'unilive', 'compile-cache');
    expect(answer).toBe(42);
    expect(result).toEqual({ status: constants.compileCacheStatus.ENABLED, directory });
    if (process.platform !== 'win32') {
      expect(statSync(join(cacheHome, 'unilive')).mode & 0o777).toBe(0o700);
      expect(statSync(directory).mode & 0o777).toBe(0o700);
    }
    expect(filesUnder(directory).length).toBeGreaterThan(0);
  });

  it('goes where NODE_COMPILE_CACHE says, and makes nothing of its own', () => {
    const cacheHome = folder();
    const chosen = join(folder(), 'chosen');
    const { result } = enableIn({ XDG_CACHE_HOME: cacheHome, NODE_COMPILE_CACHE: chosen });
    // Node turned it on at start-up, from the variable.
    expect(result?.status).toBe(constants.compileCacheStatus.ALREADY_ENABLED);
    expect(result?.directory?.startsWith(`${chosen}${sep}`)).toBe(true);
    expect(filesUnder(chosen).length).toBeGreaterThan(0);
    expect(readdirSync(cacheHome)).toEqual([]);
  });

  it('is off with NODE_DISABLE_COMPILE_CACHE=1, with nothing made on disk', () => {
    const cacheHome = folder();
    const { result, answer } = enableIn({ XDG_CACHE_HOME: cacheHome, NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(answer).toBe(42);
    expect(result?.status).toBe(constants.compileCacheStatus.DISABLED);
    expect(readdirSync(cacheHome)).toEqual([]);
  });

  it('goes without a cache, at once, under /proc and where HOME does not exist, making nothing', () => {
    for (const env of [
      { XDG_CACHE_HOME: '/proc' },
      { XDG_CACHE_HOME: '/proc/self/cache' },
      { HOME: '/proc' },
      { HOME: join(folder(), 'no-such-home') },
    ]) {
      const { result, answer } = enableIn(env);
      expect(answer).toBe(42);
      expect(result, JSON.stringify(env)).toBeNull();
    }
  });

  it.skipIf(process.platform === 'win32')('uses no directory another user could write into', () => {
    // The cache home writable by others without the sticky bit: someone could swap `unilive/` in it.
    const open = folder();
    chmodSync(open, 0o777);
    expect(enableIn({ XDG_CACHE_HOME: open }).result).toBeNull();
    expect(readdirSync(open)).toEqual([]);
    // A sticky one, as /tmp is, is fine: only the owner of `unilive/` can rename or remove it.
    const sticky = folder();
    chmodSync(sticky, 0o1777);
    expect(enableIn({ XDG_CACHE_HOME: sticky }).result?.status).toBe(constants.compileCacheStatus.ENABLED);
    // `compile-cache/` already there and writable by others: not used, not changed.
    const made = folder();
    mkdirSync(join(made, 'unilive', 'compile-cache'), { recursive: true });
    chmodSync(join(made, 'unilive', 'compile-cache'), 0o777);
    expect(enableIn({ XDG_CACHE_HOME: made }).result).toBeNull();
    expect(statSync(join(made, 'unilive', 'compile-cache')).mode & 0o777).toBe(0o777);
    // A link where the directory would be: not followed.
    const linked = folder();
    mkdirSync(join(linked, 'elsewhere'));
    symlinkSync(join(linked, 'elsewhere'), join(linked, 'unilive'));
    expect(enableIn({ XDG_CACHE_HOME: linked }).result).toBeNull();
    expect(readdirSync(join(linked, 'elsewhere'))).toEqual([]);
  });

  it.skipIf(process.getuid?.() !== 0)(
    'uses no directory of another user (run as root, which can give one away)',
    () => {
      const cacheHome = folder();
      mkdirSync(join(cacheHome, 'unilive'), { mode: 0o700 });
      chownSync(join(cacheHome, 'unilive'), 65534, 65534);
      expect(enableIn({ XDG_CACHE_HOME: cacheHome }).result).toBeNull();
      expect(readdirSync(join(cacheHome, 'unilive'))).toEqual([]);
    },
  );

  it('leaves the command as it was where the cache cannot be made', () => {
    const blocked = join(folder(), 'a-file');
    writeFileSync(blocked, 'not a directory');
    const { result, answer } = enableIn({ XDG_CACHE_HOME: blocked });
    expect(answer).toBe(42);
    expect(result).toBeNull();
  });
});
