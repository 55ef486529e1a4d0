import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { liveApiDefaultBaseUrl } from '@unilive/liveapi';
import { videosdkDefaultBaseUrl } from '@unilive/videosdk';
import { wowzaRealtimeDefaultBaseUrl } from '@unilive/wowza-realtime';
import { wowzaVideoBaseUrl } from '@unilive/wowza-video';
import type { BenchProviderId } from './providers.js';
import type { SandboxChild } from './sandbox-child.js';

/** What running a bundle produced: the stream its entry created, or why it did not. */
export type BundleRun = { ok: true; streamId: string; state: string } | { ok: false; error: string };

// The environment variables each entry file reads, and the sandbox setting each one carries.
const environmentOf: Record<BenchProviderId, Record<string, string>> = {
  'wowza-video': { WOWZA_VIDEO_TOKEN: 'token' },
  'wowza-realtime': { WOWZA_REALTIME_TOKEN: 'token' },
  liveapi: { LIVEAPI_TOKEN_ID: 'tokenId', LIVEAPI_SECRET_KEY: 'secretKey' },
  videosdk: { VIDEOSDK_API_KEY: 'apiKey', VIDEOSDK_SECRET: 'secret' },
};

const vendorBaseUrls: Record<BenchProviderId, string> = {
  'wowza-video': wowzaVideoBaseUrl,
  'wowza-realtime': wowzaRealtimeDefaultBaseUrl,
  liveapi: liveApiDefaultBaseUrl,
  videosdk: videosdkDefaultBaseUrl,
};

// Loaded before the bundle: sends what the bundle addresses to the vendor to the sandbox instead, so the
// bundle runs exactly as built, with the vendor's base URL inside it.
const redirect = `const from = process.env.BENCH_VENDOR_URL, to = process.env.BENCH_SANDBOX_URL;
const original = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  if (!url.startsWith(from)) return original(input, init);
  const target = to + url.slice(from.length);
  return original(input instanceof Request ? new Request(target, input) : target, init);
};
`;

const driver = `const { stream } = await import('./bundle.mjs');
console.log(JSON.stringify({ id: stream.id, state: stream.state }));
`;

/**
 * Runs a bundle's entry (which creates one live stream) in a fresh Node process against the sandbox, to
 * prove the bytes weighed are a program that works, not only one that builds.
 */
export async function runBundle(
  code: Uint8Array,
  provider: BenchProviderId,
  sandbox: SandboxChild,
): Promise<BundleRun> {
  const dir = await mkdtemp(join(tmpdir(), 'unilive-bundle-'));
  try {
    await writeFile(join(dir, 'bundle.mjs'), code);
    await writeFile(join(dir, 'redirect.mjs'), redirect);
    await writeFile(join(dir, 'driver.mjs'), driver);
    const settings = sandbox.adapterSettings(provider);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      BENCH_VENDOR_URL: vendorBaseUrls[provider],
      BENCH_SANDBOX_URL: settings.baseUrl,
    };
    for (const [variable, setting] of Object.entries(environmentOf[provider])) {
      const value = settings[setting];
      env[variable] = typeof value === 'string' ? value : '';
    }
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', './redirect.mjs', 'driver.mjs'],
      // Ends a hung bundle only; a loaded machine may take many seconds to start one.
      { cwd: dir, env, timeout: 300_000 },
    );
    const { id, state } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      id?: unknown;
      state?: unknown;
    };
    if (typeof id !== 'string' || id === '' || typeof state !== 'string')
      return { ok: false, error: `the entry printed no stream: ${stdout.trim().slice(0, 200)}` };
    return { ok: true, streamId: id, state };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    const lastLine = stderr.trim().split('\n').filter(Boolean).at(-1);
    return { ok: false, error: (lastLine ?? (error as Error).message).slice(0, 300) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
