// Node's module compile cache for the command line: each `unilive` command is a process of its own that
// compiles the CLI, core and the adapters again, and with V8's code for them kept on disk a command after the
// first starts some 20 % sooner (`unilive --help`: 235 → 188 ms here). Node offers it to tools, not to
// libraries: only bin.ts turns it on, so an application importing unilive decides for itself.
//
// Node's default place is `os.tmpdir()/node-compile-cache`, which on a machine with several users is a
// directory anyone may have made first and written V8 code into for this process to run. The CLI keeps its
// cache in the user's own cache directory instead, made readable by the user alone. `NODE_COMPILE_CACHE=dir`
// still chooses the place, and `NODE_DISABLE_COMPILE_CACHE=1` turns it off, as for every Node tool.
//
// No relative imports and only erasable TypeScript: bin.ts loads it before anything else, and its test runs
// it from source.
import { lstatSync, mkdirSync, statSync } from 'node:fs';
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
 * (`NODE_COMPILE_CACHE` is set) or there is no usable place (no absolute home directory):
 * `$XDG_CACHE_HOME/unilive/compile-cache` (an absolute `XDG_CACHE_HOME`), else `~/.cache/unilive/…` on Linux
 * and the like, `~/Library/Caches/unilive/…` on macOS, `%LOCALAPPDATA%\unilive\…` on Windows.
 */
export function compileCacheDirectory(host: CompileCacheHost): string | undefined {
  const { env, platform, home } = host;
  if (nonEmpty(env.NODE_COMPILE_CACHE)) return undefined;
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
 * `NODE_COMPILE_CACHE` says. The CLI's own directory is used only when it is private: its parent (the cache
 * home, `~/.cache`) must already be a directory no other user can write into (or a sticky one, as `/tmp`
 * is), and `unilive/` and `compile-cache/` in it are made with mode 0700, one level at a time, or, when they
 * exist, must be directories (not links) of this user that no one else can write into. A code cache someone
 * else could write is code they could make this command run, so any other case goes without a cache.
 * Never throws and never waits: a cache is an optimisation, and a place that cannot be used (a read-only
 * container, a missing `HOME`, `/proc`, on which a recursive `mkdir` never returns) leaves the command as
 * it was.
 *
 * @returns Node's answer (`status`, and `directory` once enabled), or `undefined` when nothing was tried.
 */
export function enableCliCompileCache(
  host: CompileCacheHost = { env: process.env, platform: process.platform, home: safeHome() },
): ReturnType<typeof enableCompileCache> | undefined {
  try {
    // Node answers DISABLED to either; nothing is made on disk for a cache that is off.
    if (nonEmpty(host.env.NODE_COMPILE_CACHE) || nonEmpty(host.env.NODE_DISABLE_COMPILE_CACHE))
      return enableCompileCache();
    const directory = compileCacheDirectory(host);
    if (directory === undefined) return undefined;
    const { dirname } = host.platform === 'win32' ? win32 : posix;
    const made = privateDirectory(dirname(dirname(directory)), ['unilive', 'compile-cache'], host.platform);
    return made === undefined ? undefined : enableCompileCache(made);
  } catch {
    return undefined;
  }
}

// `names` made (or found) one level at a time under `base`, each private to this user; undefined when one
// cannot be made or is not private, or `base` is no directory shut to other users.
function privateDirectory(
  base: string,
  names: readonly string[],
  platform: NodeJS.Platform,
): string | undefined {
  // Windows has neither these owners nor these mode bits: there the place is the user's own LOCALAPPDATA.
  const checked = platform !== 'win32';
  const uid = process.getuid?.();
  const writableByOthers = (mode: number) => (mode & 0o022) !== 0;
  const parent = statSync(base);
  if (!parent.isDirectory()) return undefined;
  if (checked && parent.uid !== uid && parent.uid !== 0) return undefined;
  if (checked && writableByOthers(parent.mode) && (parent.mode & 0o1000) === 0) return undefined;
  const { join } = platform === 'win32' ? win32 : posix;
  let path = base;
  for (const name of names) {
    path = join(path, name);
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') return undefined;
    }
    const made = lstatSync(path);
    if (!made.isDirectory()) return undefined;
    if (checked && (made.uid !== uid || writableByOthers(made.mode))) return undefined;
  }
  return path;
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
