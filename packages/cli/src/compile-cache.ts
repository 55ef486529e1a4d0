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
import { mkdirSync } from 'node:fs';
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
 * Turns Node's compile cache on for this process, in {@link compileCacheDirectory} (made with mode 0700
 * when missing) or where `NODE_COMPILE_CACHE` says. Never throws: a cache is an optimisation, and a home
 * directory that cannot be written (a read-only container, a missing `HOME`) leaves the command as it was.
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
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    return enableCompileCache(directory);
  } catch {
    return undefined;
  }
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
