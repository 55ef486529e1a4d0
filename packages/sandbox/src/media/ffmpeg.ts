import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** An ffmpeg binary and where it was found. */
export interface FfmpegBinary {
  path: string;
  /** `env`: `UNILIVE_FFMPEG`; `system`: `ffmpeg` on the PATH; `npm`: the `@ffmpeg-installer/ffmpeg` package. */
  source: 'env' | 'system' | 'npm';
}

let found: FfmpegBinary | null | undefined;
// The asynchronous lookup under way, shared by every caller until it settles.
let looking: Promise<FfmpegBinary | undefined> | undefined;

const versionArguments = ['-hide_banner', '-version'];
const lookupTimeoutMs = 10_000;

function runs(path: string): boolean {
  const result = spawnSync(path, versionArguments, { stdio: 'ignore', timeout: lookupTimeoutMs });
  return result.status === 0;
}

// `ffmpeg -version` takes from a few ms to over a second on a busy machine: run without holding the event loop.
function runsAsync(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(path, versionArguments, { stdio: 'ignore', timeout: lookupTimeoutMs });
    } catch {
      resolve(false);
      return;
    }
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
    // A process done with the sandbox need not wait for a lookup nobody awaits any more.
    child.unref();
  });
}

function installedPath(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    // Not installed (optional dependency) or no build for this platform.
    return undefined;
  }
}

/**
 * Finds an ffmpeg the sandbox can run: `UNILIVE_FFMPEG` when set, else the system's `ffmpeg`, else the
 * static build the optional `@ffmpeg-installer/ffmpeg` dependency ships inside its platform package (so a
 * machine with only Node and npm still has one). Undefined when none runs. The answer is kept for the
 * process; `refresh` looks again.
 */
export function findFfmpeg(options: { refresh?: boolean } = {}): FfmpegBinary | undefined {
  if (found !== undefined && !options.refresh) return found ?? undefined;
  found = null;
  const fromEnvironment = process.env.UNILIVE_FFMPEG;
  if (fromEnvironment) {
    if (runs(fromEnvironment)) found = { path: fromEnvironment, source: 'env' };
    return found ?? undefined;
  }
  if (runs('ffmpeg')) {
    found = { path: 'ffmpeg', source: 'system' };
    return found;
  }
  const installed = installedPath();
  if (installed && runs(installed)) found = { path: installed, source: 'npm' };
  return found ?? undefined;
}

/**
 * {@link findFfmpeg} without holding the event loop: the same ffmpeg, looked for in the same order, each
 * candidate's `ffmpeg -version` run as a child process the caller does not wait on synchronously. The answer
 * is kept for the process and shared with `findFfmpeg`; concurrent calls share one lookup.
 */
export function findFfmpegAsync(): Promise<FfmpegBinary | undefined> {
  if (found !== undefined) return Promise.resolve(found ?? undefined);
  looking ??= lookUp().finally(() => {
    looking = undefined;
  });
  return looking;
}

async function lookUp(): Promise<FfmpegBinary | undefined> {
  const answer = await firstRunning();
  // A synchronous `findFfmpeg({ refresh: true })` meanwhile looked again: its answer is the newer.
  if (found === undefined) found = answer ?? null;
  return found ?? undefined;
}

async function firstRunning(): Promise<FfmpegBinary | undefined> {
  const fromEnvironment = process.env.UNILIVE_FFMPEG;
  if (fromEnvironment) {
    return (await runsAsync(fromEnvironment)) ? { path: fromEnvironment, source: 'env' } : undefined;
  }
  if (await runsAsync('ffmpeg')) return { path: 'ffmpeg', source: 'system' };
  const installed = installedPath();
  if (installed && (await runsAsync(installed))) return { path: installed, source: 'npm' };
  return undefined;
}
