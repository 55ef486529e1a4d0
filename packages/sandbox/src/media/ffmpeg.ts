import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** An ffmpeg binary and where it was found. */
export interface FfmpegBinary {
  path: string;
  /** `env`: `UNILIVE_FFMPEG`; `system`: `ffmpeg` on the PATH; `npm`: the `@ffmpeg-installer/ffmpeg` package. */
  source: 'env' | 'system' | 'npm';
}

let found: FfmpegBinary | null | undefined;

function runs(path: string): boolean {
  const result = spawnSync(path, ['-hide_banner', '-version'], { stdio: 'ignore', timeout: 10_000 });
  return result.status === 0;
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
  try {
    const require = createRequire(import.meta.url);
    const installer = require('@ffmpeg-installer/ffmpeg') as { path: string };
    if (runs(installer.path)) found = { path: installer.path, source: 'npm' };
  } catch {
    // Not installed (optional dependency) or no build for this platform.
  }
  return found ?? undefined;
}
