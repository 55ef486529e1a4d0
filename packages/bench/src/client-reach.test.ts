import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientEntryOf, clientUnreachableModules, sourceBytesOf, sourceRoot } from './client-reach.js';
import { providerIds } from './providers.js';

// Bytes of a bundle are deterministic: these are checks of what a bundle contains, not of how long anything
// takes. A bundler keeps an unused top-level statement it cannot prove free of effects (an object spread, a
// call, arithmetic), and with a package's `dist` in one file that keeps it whatever module it came from.

describe('a client bundle of core + one adapter', () => {
  it('names only modules that exist, so a renamed module cannot pass unchecked', () => {
    for (const provider of providerIds) {
      for (const path of clientUnreachableModules(provider))
        expect(existsSync(join(sourceRoot, path)), path).toBe(true);
    }
  });

  it.each(providerIds)('carries no byte of a module the client path cannot run (%s)', async (provider) => {
    const bundle = await sourceBytesOf({ file: clientEntryOf(provider) });
    // The source maps account for the bundle: the client, the HTTP layer and the adapter are all found.
    expect(bundle.sources.get('packages/core/src/client/live-stream-client.ts')).toBeGreaterThan(1_000);
    expect(bundle.sources.get('packages/core/src/http/http-client.ts')).toBeGreaterThan(1_000);
    expect(bundle.sources.get(`packages/${provider}/src/${provider}-provider.ts`)).toBeGreaterThan(1_000);
    expect(bundle.unmappedBytes).toBeLessThan(bundle.minifiedBytes * 0.02);
    const carried = clientUnreachableModules(provider)
      .map((path) => ({ path, bytes: bundle.sources.get(path) ?? 0 }))
      .filter(({ bytes }) => bytes > 0);
    expect(carried).toEqual([]);
  });

  it('would show such a module: a bundle that uses the registry and a webhook parser carries them', async () => {
    const bundle = await sourceBytesOf({
      contents: [
        "import { createLiveStreamRegistry } from '@unilive/core';",
        "import { parseWebhook } from '@unilive/liveapi';",
        'export { createLiveStreamRegistry, parseWebhook };',
      ].join('\n'),
    });
    expect(bundle.sources.get('packages/core/src/registry/registry.ts')).toBeGreaterThan(1_000);
    expect(bundle.sources.get('packages/liveapi/src/liveapi-webhooks.ts')).toBeGreaterThan(500);
  });
});
