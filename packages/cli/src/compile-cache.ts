// Node's module compile cache for the command line: each `unilive` command is a process of its own that
// compiles the CLI, core and the adapters again, and with V8's code for them kept on disk a command after the
// first starts some 20 % sooner (`unilive --help`: 235 → 188 ms here). Node offers it to tools, not to
// libraries: only bin.ts turns it on, so an application importing unilive decides for itself.
//
// Node's default place is `os.tmpdir()/node-compile-cache`, which on a machine with several users is a
// directory anyone may have made first and written V8 code into for this process to run. The CLI keeps its
// cache in the user's own cache directory instead, made readable by the user alone. `NODE_COMPILE_CACHE=dir`
// still chooses the place, and `NODE_DISABLE_COMPILE_CACHE` turns it off, as for every Node tool.
//
// No relative imports and only erasable TypeScript: bin.ts loads it before anything else, and its test runs
// it from source.
import { chmodSync, lstatSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

/** What decides the cache's place: the environment, the platform and the home directory. */
export interface CompileCacheHost {
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  home: string;
}

/**
 * The directory the CLI keeps its compile cache in, or `undefined` when Node's own choice stands
 * (`NODE_COMPILE_CACHE` is set to anything but an empty value) or there is no usable place (no absolute home
 * directory): `$XDG_CACHE_HOME/unilive/compile-cache` (an absolute `XDG_CACHE_HOME`), else
 * `~/.cache/unilive/…` on Linux and the like, `~/Library/Caches/unilive/…` on macOS,
 * `%LOCALAPPDATA%\unilive\…` on Windows. The path as given: the CLI resolves links before it uses it.
 */
export function compileCacheDirectory(host: CompileCacheHost): string | undefined {
  const { env, platform, home } = host;
  if (nodeChoosesPlace(env)) return undefined;
  // The host's own path rules, whichever platform this code runs on (its test gives every platform).
  const { isAbsolute, join } = platform === 'win32' ? win32 : posix;
  const xdg = env.XDG_CACHE_HOME;
  let base: string | undefined;
  if (nonEmpty(xdg) && isAbsolute(xdg)) base = xdg;
  else if (platform === 'win32') {
    const local = env.LOCALAPPDATA;
    base = nonEmpty(local) && isAbsolute(local) ? local : undefined;
  } else if (nonEmpty(home) && isAbsolute(home)) {
    base = platform === 'darwin' ? join(home, 'Library', 'Caches') : join(home, '.cache');
  }
  return base === undefined ? undefined : join(base, 'unilive', 'compile-cache');
}

/**
 * Turns Node's compile cache on for this process, in {@link compileCacheDirectory} or where
 * `NODE_COMPILE_CACHE` says. The CLI's own directory is used only when it is private, by the rules OpenSSH
 * applies to `~/.ssh`: the cache home (`~/.cache`) must already be a directory, and it and every directory
 * above its real path, from `/` down, must belong to root or this user and be writable by no one else
 * unless sticky (as `/tmp` is); `unilive/` and `compile-cache/` in it are made, one level at a time, or
 * tightened to mode 0700, and must be directories (not links) of this user. Node is given the real path, and
 * what it makes there is private whatever the umask. A code cache someone else could write is code they
 * could make this command run, so any other case goes without a cache. Never throws and never waits: a
 * cache is an optimisation, and a place that cannot be used (a read-only container, a missing `HOME`,
 * `/proc`, on which a recursive `mkdir` never returns) leaves the command as it was.
 *
 * @returns Node's answer (`status`, and `directory` once enabled), or `undefined` when nothing was tried.
 */
export function enableCliCompileCache(
  host: CompileCacheHost = { env: process.env, platform: process.platform, home: safeHome() },
): ReturnType<typeof enableCompileCache> | undefined {
  try {
    // Node reads NODE_DISABLE_COMPILE_CACHE set to anything, an empty value too, as off, and answers
    // DISABLED; a cache that is off or in Node's own place has nothing made on disk for it.
    if (nodeChoosesPlace(host.env) || host.env.NODE_DISABLE_COMPILE_CACHE !== undefined)
      return enableCompileCache();
    const directory = compileCacheDirectory(host);
    if (directory === undefined) return undefined;
    const { dirname } = host.platform === 'win32' ? win32 : posix;
    const made = privateDirectory(dirname(dirname(directory)), ['unilive', 'compile-cache'], host.platform);
    if (made === undefined) return undefined;
    // Node makes its folder for this Node version in there now, with the process's umask (000 would make
    // it writable by everyone); the entries it writes later are 0600 whatever the umask.
    const umask = process.umask(0o077);
    try {
      process.umask(umask | 0o077);
      return enableCompileCache(made);
    } finally {
      process.umask(umask);
    }
  } catch {
    return undefined;
  }
}

// `names` made (or found) one level at a time in the cache home `base`, each private to this user; the real
// path of the last, or undefined when one cannot be made or is not private, or `base` is not a directory no
// one else can change.
function privateDirectory(
  base: string,
  names: readonly string[],
  platform: NodeJS.Platform,
): string | undefined {
  // Windows has neither these owners nor these mode bits: there the place is the user's own LOCALAPPDATA.
  if (platform === 'win32') {
    if (!statSync(base).isDirectory()) return undefined;
    let path = base;
    for (const name of names) {
      path = win32.join(path, name);
      if (!madeOrFound(path) || !lstatSync(path).isDirectory()) return undefined;
    }
    return path;
  }
  const uid = process.getuid?.();
  // Another user who can rename an entry of any directory on the way can put a link to a tree of their own
  // in place of the cache home between this check and Node's use of it, so every directory from `/` down
  // must be shut to them: that user's or root's, and writable by no one else unless sticky (in which only
  // an entry's owner, the directory's owner or root may rename it). A path checked so cannot change under
  // Node, and it is the real path, with no link another user could turn elsewhere, that Node is given.
  const real = realpathSync.native(base);
  let path = '/';
  for (const name of ['', ...real.split('/').filter((part) => part !== '')]) {
    path = posix.join(path, name);
    const directory = lstatSync(path);
    if (!directory.isDirectory() || (directory.uid !== uid && directory.uid !== 0)) return undefined;
    if ((directory.mode & 0o022) !== 0 && (directory.mode & 0o1000) === 0) return undefined;
  }
  for (const [index, name] of names.entries()) {
    path = posix.join(path, name);
    if (!madeOrFound(path)) return undefined;
    const made = lstatSync(path);
    // Not a link, and this user's: a directory another user made is theirs to fill.
    if (!made.isDirectory() || made.uid !== uid || (made.mode & 0o022) !== 0) return undefined;
    // What is in `compile-cache/` (Node's version folders) must be this user's, no link, and shut to others,
    // whatever the folder's own mode: a version folder a lax umask, an earlier Node or a hand made open to
    // others, or a link to another user's directory, would have this command read and write code there.
    if (index === names.length - 1 && !onlyOwn(path, uid)) return undefined;
    if ((made.mode & 0o7777) === 0o700) continue;
    // This user's, but others could look in (a 0755 one, or one made under a lax umask), and through it
    // into a version folder. Tightening it to 0700 shuts that; no one else can rename it in a directory
    // checked as above, so the path changed is still this one.
    chmodSync(path, 0o700);
    const tightened = lstatSync(path);
    if (!tightened.isDirectory() || tightened.uid !== uid || (tightened.mode & 0o7777) !== 0o700)
      return undefined;
  }
  return path;
}

// Whether `path` was made now or is there already.
function madeOrFound(path: string): boolean {
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') return false;
  }
  return true;
}

// Whether everything directly in `directory` (Node's version folders) is this user's, no link, and writable
// by no one else: Node writes its entries 0600 into them, so then nothing below came from anyone else.
function onlyOwn(directory: string, uid: number | undefined): boolean {
  return readdirSync(directory).every((name) => {
    const entry = lstatSync(posix.join(directory, name));
    return !entry.isSymbolicLink() && entry.uid === uid && (entry.mode & 0o022) === 0;
  });
}

// Node keeps its cache where NODE_COMPILE_CACHE says when it is set to anything but an empty value (a
// blank one is a relative folder to Node).
function nodeChoosesPlace(env: CompileCacheHost['env']): boolean {
  const place = env.NODE_COMPILE_CACHE;
  return place !== undefined && place !== '';
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function safeHome(): string {
  try {
    return homedir();
  } catch {
    return '';
  }
}
