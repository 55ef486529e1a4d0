import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
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
// Another user, for the tests run as root: root can give a directory away to it.
const nobody = 65534;
const isRoot = process.getuid?.() === 0;
afterEach(() => {
  for (const made of folders.splice(0)) rmSync(made, { recursive: true, force: true });
});

// Runs the module from source in a fresh Node process (in a folder of its own, with the given umask), as
// bin.ts runs it first thing: enables the cache, compiles one more module, flushes the cache to disk and
// prints Node's answer, the directory Node's cache is on in (null when off) and the umask afterwards.
function enableIn(env: Record<string, string>, options: { umask?: number } = {}) {
  const work = folder();
  const other = join(work, 'other.mjs');
  writeFileSync(other, 'export const answer = 42;\n');
  const script = [
    `import { enableCliCompileCache } from ${JSON.stringify(source)};`,
    'import { flushCompileCache, getCompileCacheDir } from "node:module";',
    options.umask === undefined ? '' : `process.umask(${options.umask});`,
    'const result = enableCliCompileCache();',
    `const { answer } = await import(${JSON.stringify(pathToFileURL(other).href)});`,
    'flushCompileCache();',
    'const umask = process.umask(0);',
    'process.umask(umask);',
    'const dir = getCompileCacheDir() ?? null;',
    'console.log(JSON.stringify({ result: result ?? null, answer, dir, umask }));',
  ].join('\n');
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(NODE_COMPILE_CACHE|NODE_DISABLE_COMPILE_CACHE|XDG_CACHE_HOME)$/.test(name),
    ),
  );
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...clean, ...env },
    cwd: work,
    // A place on which making a directory never returns (a recursive mkdir under /proc) must not hang.
    timeout: 60_000,
  });
  expect(run.signal).toBeNull();
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return {
    ...(JSON.parse(run.stdout) as {
      result: { status: number; directory?: string; message?: string } | null;
      answer: number;
      dir: string | null;
      umask: number;
    }),
    work,
  };
}

// Nothing tried and nothing on: Node's compile cache stays off in the process.
const noCache = (run: ReturnType<typeof enableIn>, what: string) => {
  expect(run.answer).toBe(42);
  expect(run.result, what).toBeNull();
  expect(run.dir, what).toBeNull();
};

// The mode bits of everything below `directory`, itself included, by path.
const modesUnder = (directory: string): Record<string, number> =>
  Object.fromEntries(
    ['', ...readdirSync(directory, { recursive: true, encoding: 'utf8' })].map((name) => [
      name,
      statSync(join(directory, name)).mode & 0o7777,
    ]),
  );

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
          // Node takes any value but an empty one as the place, a blank one too (a relative folder).
          if (nodeCache !== undefined && nodeCache !== '') expected = undefined;
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
    const { result, answer, dir } = enableIn({ XDG_CACHE_HOME: cacheHome });
    const directory = join(realpathSync(cacheHome), 'unilive', 'compile-cache');
    expect(answer).toBe(42);
    expect(result).toEqual({ status: constants.compileCacheStatus.ENABLED, directory });
    expect(dir?.startsWith(`${directory}${sep}`)).toBe(true);
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

  it('takes NODE_COMPILE_CACHE as Node does: any value but an empty one, a blank one too', () => {
    // Blank: Node keeps its cache in a folder of that name in the working directory.
    const cacheHome = folder();
    const blank = enableIn({ XDG_CACHE_HOME: cacheHome, NODE_COMPILE_CACHE: ' ' });
    expect(blank.result?.status).toBe(constants.compileCacheStatus.ALREADY_ENABLED);
    expect(blank.dir?.startsWith(`${join(realpathSync(blank.work), ' ')}${sep}`)).toBe(true);
    expect(readdirSync(cacheHome)).toEqual([]);
    // Empty: Node does not read it as a place, and the CLI's own one is used.
    const empty = enableIn({ XDG_CACHE_HOME: cacheHome, NODE_COMPILE_CACHE: '' });
    expect(empty.result).toEqual({
      status: constants.compileCacheStatus.ENABLED,
      directory: join(realpathSync(cacheHome), 'unilive', 'compile-cache'),
    });
  });

  it('is off with NODE_DISABLE_COMPILE_CACHE set to anything, an empty value too, with nothing made', () => {
    for (const value of ['1', '', ' ', '0']) {
      const cacheHome = folder();
      const { result, answer, dir } = enableIn({
        XDG_CACHE_HOME: cacheHome,
        NODE_DISABLE_COMPILE_CACHE: value,
      });
      expect(answer).toBe(42);
      expect(result?.status, JSON.stringify(value)).toBe(constants.compileCacheStatus.DISABLED);
      expect(dir).toBeNull();
      expect(readdirSync(cacheHome), JSON.stringify(value)).toEqual([]);
    }
  });

  it('goes without a cache, at once, under /proc and where HOME does not exist, making nothing', () => {
    for (const env of [
      { XDG_CACHE_HOME: '/proc' },
      { XDG_CACHE_HOME: '/proc/self/cache' },
      { HOME: '/proc' },
      { HOME: join(folder(), 'no-such-home') },
    ]) {
      noCache(enableIn(env), JSON.stringify(env));
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

  it.skipIf(process.platform === 'win32')(
    'uses no cache home below a directory others could write into, unless that one is sticky',
    () => {
      // The parent writable by the group: one of it could rename the cache home and put a link there.
      const shared = folder();
      chmodSync(shared, 0o775);
      mkdirSync(join(shared, 'cache'), { mode: 0o700 });
      noCache(enableIn({ XDG_CACHE_HOME: join(shared, 'cache') }), 'group-writable parent');
      expect(readdirSync(join(shared, 'cache'))).toEqual([]);
      // Any ancestor counts, however far up, and HOME as much as XDG_CACHE_HOME.
      const open = folder();
      chmodSync(open, 0o777);
      mkdirSync(join(open, 'users', 'me', '.cache'), { recursive: true, mode: 0o700 });
      chmodSync(join(open, 'users'), 0o755);
      noCache(enableIn({ XDG_CACHE_HOME: join(open, 'users', 'me', '.cache') }), 'open grandparent');
      noCache(enableIn({ HOME: join(open, 'users', 'me') }), 'home in an open directory');
      expect(readdirSync(join(open, 'users', 'me', '.cache'))).toEqual([]);
      // Sticky, as /tmp is: only the owner of the cache home (or of the directory, this user) can move it.
      const sticky = folder();
      chmodSync(sticky, 0o1777);
      mkdirSync(join(sticky, 'cache'), { mode: 0o700 });
      const { result, dir } = enableIn({ XDG_CACHE_HOME: join(sticky, 'cache') });
      const directory = join(realpathSync(sticky), 'cache', 'unilive', 'compile-cache');
      expect(result).toEqual({ status: constants.compileCacheStatus.ENABLED, directory });
      expect(dir?.startsWith(`${directory}${sep}`)).toBe(true);
    },
  );

  it.skipIf(process.platform === 'win32')(
    'keeps the cache at the real path of a cache home reached through a link',
    () => {
      const real = folder();
      mkdirSync(join(real, 'cache'), { mode: 0o700 });
      const links = folder();
      symlinkSync(join(real, 'cache'), join(links, 'cache'));
      const directory = join(realpathSync(real), 'cache', 'unilive', 'compile-cache');
      const { result, dir } = enableIn({ XDG_CACHE_HOME: join(links, 'cache') });
      expect(result).toEqual({ status: constants.compileCacheStatus.ENABLED, directory });
      expect(dir?.startsWith(`${directory}${sep}`)).toBe(true);
      expect(readdirSync(join(real, 'cache'))).toEqual(['unilive']);
      // A home directory reached through a link, likewise.
      mkdirSync(join(real, 'home', '.cache'), { recursive: true, mode: 0o700 });
      symlinkSync(join(real, 'home'), join(links, 'home'));
      expect(enableIn({ HOME: join(links, 'home') }).result).toEqual({
        status: constants.compileCacheStatus.ENABLED,
        directory: join(realpathSync(real), 'home', '.cache', 'unilive', 'compile-cache'),
      });
    },
  );

  it.skipIf(process.platform === 'win32')(
    'makes its own unilive/ and compile-cache/ readable by the user alone, and what Node makes in them',
    () => {
      // Found readable by others: tightened to 0700, then used.
      const cacheHome = folder();
      mkdirSync(join(cacheHome, 'unilive', 'compile-cache'), { recursive: true });
      chmodSync(join(cacheHome, 'unilive'), 0o755);
      chmodSync(join(cacheHome, 'unilive', 'compile-cache'), 0o755);
      const directory = join(realpathSync(cacheHome), 'unilive', 'compile-cache');
      expect(enableIn({ XDG_CACHE_HOME: cacheHome }).result).toEqual({
        status: constants.compileCacheStatus.ENABLED,
        directory,
      });
      expect(statSync(join(cacheHome, 'unilive')).mode & 0o7777).toBe(0o700);
      expect(statSync(directory).mode & 0o7777).toBe(0o700);
      // Under umask 000 Node's version folder and its files are the user's alone too, and the umask is as
      // it was afterwards.
      const open = folder();
      const run = enableIn({ XDG_CACHE_HOME: open }, { umask: 0 });
      expect(run.result?.status).toBe(constants.compileCacheStatus.ENABLED);
      expect(run.umask).toBe(0);
      const modes = modesUnder(join(open, 'unilive'));
      expect(Object.keys(modes).length).toBeGreaterThan(3);
      for (const [name, mode] of Object.entries(modes)) expect(mode & 0o077, name).toBe(0);
      // Found with something in it that others could have written: neither used nor changed.
      const exposed = folder();
      mkdirSync(join(exposed, 'unilive', 'compile-cache', 'v0'), { recursive: true });
      chmodSync(join(exposed, 'unilive', 'compile-cache'), 0o755);
      chmodSync(join(exposed, 'unilive', 'compile-cache', 'v0'), 0o777);
      noCache(enableIn({ XDG_CACHE_HOME: exposed }), 'an exposed version folder');
      expect(statSync(join(exposed, 'unilive', 'compile-cache')).mode & 0o7777).toBe(0o755);
      // A private compile-cache/ holding a version folder open to others, or a link out of it, is not used
      // either: what is in it counts, whatever its own mode.
      for (const make of ['open folder', 'link'] as const) {
        const kept = folder();
        const cache = join(kept, 'unilive', 'compile-cache');
        mkdirSync(cache, { recursive: true, mode: 0o700 });
        chmodSync(join(kept, 'unilive'), 0o700);
        chmodSync(cache, 0o700);
        if (make === 'open folder') {
          mkdirSync(join(cache, 'v0'));
          chmodSync(join(cache, 'v0'), 0o777);
        } else {
          const elsewhere = folder();
          symlinkSync(elsewhere, join(cache, 'v0'));
        }
        noCache(enableIn({ XDG_CACHE_HOME: kept }), `a private compile-cache/ holding an ${make}`);
      }
    },
  );

  it.skipIf(!isRoot)('uses no directory of another user (run as root, which can give one away)', () => {
    const cacheHome = folder();
    mkdirSync(join(cacheHome, 'unilive'), { mode: 0o700 });
    chownSync(join(cacheHome, 'unilive'), nobody, nobody);
    expect(enableIn({ XDG_CACHE_HOME: cacheHome }).result).toBeNull();
    expect(readdirSync(join(cacheHome, 'unilive'))).toEqual([]);
  });

  it.skipIf(!isRoot)(
    "uses no cache home of its own inside another user's directory, whose owner could swap it for a link",
    () => {
      const theirs = folder();
      chmodSync(theirs, 0o755);
      chownSync(theirs, nobody, nobody);
      mkdirSync(join(theirs, 'cache'), { mode: 0o700 });
      mkdirSync(join(theirs, 'home', '.cache'), { recursive: true, mode: 0o700 });
      chmodSync(join(theirs, 'home'), 0o755);
      noCache(enableIn({ XDG_CACHE_HOME: join(theirs, 'cache') }), 'parent of another user');
      noCache(enableIn({ HOME: join(theirs, 'home') }), 'home in a directory of another user');
      // Reached through a link of the user's own: the real path is what counts.
      const links = folder();
      symlinkSync(join(theirs, 'cache'), join(links, 'cache'));
      noCache(enableIn({ XDG_CACHE_HOME: join(links, 'cache') }), 'link into a directory of another user');
      // Sticky changes nothing here: the owner of a sticky directory may still rename what is in it.
      chmodSync(theirs, 0o1777);
      noCache(enableIn({ XDG_CACHE_HOME: join(theirs, 'cache') }), 'sticky parent of another user');
      expect(readdirSync(join(theirs, 'cache'))).toEqual([]);
      expect(readdirSync(join(theirs, 'home', '.cache'))).toEqual([]);
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
