import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Sandbox } from '@unilive/sandbox';
import type { SampleModule } from './type-check.js';

/**
 * The environment a sample runs in: each adapter's API root and credentials (the variables a user sets)
 * pointing at the sandbox, and the ones the multi-provider page names for its two LiveAPI accounts. Nothing
 * else of this process's environment is passed on, so a vendor credential set on the machine is never used
 * and no request can leave it.
 */
export function sandboxEnvironment(sandbox: Sandbox): Record<string, string> {
  const wowzaVideo = sandbox.credentials('wowza-video');
  const wowzaRealtime = sandbox.credentials('wowza-realtime');
  const liveapi = sandbox.credentials('liveapi');
  const videosdk = sandbox.credentials('videosdk');
  return {
    PATH: process.env.PATH ?? '',
    WOWZA_VIDEO_BASE_URL: sandbox.baseUrl('wowza-video'),
    WOWZA_VIDEO_TOKEN: wowzaVideo.token ?? '',
    WOWZA_REALTIME_BASE_URL: sandbox.baseUrl('wowza-realtime'),
    WOWZA_REALTIME_TOKEN: wowzaRealtime.token ?? '',
    LIVEAPI_BASE_URL: sandbox.baseUrl('liveapi'),
    LIVEAPI_TOKEN_ID: liveapi.tokenId ?? '',
    LIVEAPI_SECRET_KEY: liveapi.secretKey ?? '',
    EU_TOKEN_ID: liveapi.tokenId ?? '',
    EU_SECRET_KEY: liveapi.secretKey ?? '',
    US_TOKEN_ID: liveapi.tokenId ?? '',
    US_SECRET_KEY: liveapi.secretKey ?? '',
    VIDEOSDK_BASE_URL: sandbox.baseUrl('videosdk'),
    VIDEOSDK_API_KEY: videosdk.apiKey ?? '',
    VIDEOSDK_SECRET: videosdk.secret ?? '',
  };
}

/** How one sample's run ended. */
export interface SampleRun {
  /** `README.md:47`: the page and the line of the block's fence. */
  where: string;
  ok: boolean;
  /** The error it threw, with its stack. */
  error?: string;
}

// Imports each sample's JavaScript in turn, in one process, and writes how each ended; exits once all ran,
// whatever timers or sockets a sample left open (a sample's client is never closed, as in an app).
const runner = `import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [results, ...files] = process.argv.slice(2);
const runs = [];
for (const file of files) {
  try {
    await import(pathToFileURL(file).href);
    runs.push({ file, ok: true });
  } catch (error) {
    runs.push({ file, ok: false, error: error instanceof Error ? String(error.stack) : String(error) });
  }
}
writeFileSync(results, JSON.stringify(runs));
process.exit(0);
`;

/**
 * Runs the emitted JavaScript of the given modules (written by `typeCheck` into `directory/out`) in a child
 * process with only `environment`, its working directory `directory` (a sample that writes a file writes it
 * there), `@unilive/*` resolved from the built packages as an app resolves them.
 */
export async function runSamples(
  modules: readonly SampleModule[],
  directory: string,
  environment: Record<string, string>,
): Promise<{ runs: SampleRun[]; output: string }> {
  const runnerFile = join(directory, 'run-samples.mjs');
  const resultsFile = join(directory, 'runs.json');
  writeFileSync(runnerFile, runner);
  const files = modules.map((module) => join(directory, 'out', module.file.replace(/\.mts$/, '.mjs')));
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [runnerFile, resultsFile, ...files],
    {
      cwd: directory,
      env: environment,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const byFile = new Map(files.map((file, index) => [file, modules[index]]));
  const runs = (
    JSON.parse(readFileSync(resultsFile, 'utf8')) as { file: string; ok: boolean; error?: string }[]
  ).map((run) => {
    const block = byFile.get(run.file)?.block;
    const where = block ? `${block.page}:${block.line - 1}` : run.file;
    return run.error === undefined ? { where, ok: run.ok } : { where, ok: run.ok, error: run.error };
  });
  return { runs, output: `${stdout}${stderr}` };
}
