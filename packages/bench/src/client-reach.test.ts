import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  clientEntryOf,
  clientUnreachableModules,
  extraModules,
  sourceBytesOf,
  sourceModuleBytesOf,
  sourceRoot,
} from './client-reach.js';
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

describe('a bundle of core without its errors', () => {
  // A class with a computed method key (`[util.inspect.custom]`) is one esbuild cannot prove free of effects:
  // UniliveError, and everything it imports, stayed in a bundle of anything from core (8.1 kB gzip for
  // isLiveStreamEvent alone, 0.7 kB without).
  it('carries no error class when it uses none: isLiveStreamEvent alone', async () => {
    const entry = { contents: "export { isLiveStreamEvent } from '@unilive/core';" };
    const [bundle, fromSources] = await Promise.all([sourceBytesOf(entry), sourceModuleBytesOf(entry)]);
    expect(bundle.sources.get('packages/core/src/events/live-stream-event.ts')).toBeGreaterThan(200);
    // And no more than a bundle of the sources (a handful of modules: too few for the list below).
    expect(extraModules(bundle.sources, fromSources)).toEqual([]);
    const carried = ['errors/unilive-error.ts', 'errors/errors.ts', 'secrets.ts', 'text.ts']
      .map((path) => ({ path, bytes: bundle.sources.get(`packages/core/src/${path}`) ?? 0 }))
      .filter(({ bytes }) => bytes > 0);
    expect(carried).toEqual([]);
  });

  it('would show it: a bundle of UniliveError carries the class', async () => {
    const bundle = await sourceBytesOf({ contents: "export { UniliveError } from '@unilive/core';" });
    expect(bundle.sources.get('packages/core/src/errors/unilive-error.ts')).toBeGreaterThan(1_000);
  });
});

// With each package's `dist` one file, whatever a module kept at its top level stayed in every bundle that
// used anything else of the package. Marked pure, those statements go wherever the module would go: a bundle
// of the `dist` carries no more of unilive than a bundle of its sources.
const entries: Record<string, { file: string } | { contents: string }> = {
  ...Object.fromEntries(
    providerIds.map((provider) => [`the ${provider} client`, { file: clientEntryOf(provider) }]),
  ),
  ...Object.fromEntries(
    providerIds.map((provider) => [
      `${provider}'s webhook parser alone`,
      { contents: `export { parseWebhook } from '@unilive/${provider}';` },
    ]),
  ),
  'the webhook handler alone': { contents: "export { createWebhookHandler } from '@unilive/core';" },
  'the error classes alone': {
    contents: "export { UniliveError, InvalidInputError, isLiveStreamEvent } from '@unilive/core';",
  },
};

describe('a bundle of the dist against a bundle of the sources', () => {
  it.each(Object.keys(entries))('carries no module the sources would not (%s)', async (name) => {
    const entry = entries[name] as { file: string } | { contents: string };
    const [fromDist, fromSources] = await Promise.all([sourceBytesOf(entry), sourceModuleBytesOf(entry)]);
    expect(fromSources.size).toBeGreaterThan(3);
    expect(extraModules(fromDist.sources, fromSources)).toEqual([]);
  });

  it('would show a module the sources drop: the client against the webhook handler alone', async () => {
    const client = await sourceBytesOf({ file: clientEntryOf('liveapi') });
    const handler = await sourceModuleBytesOf(entries['the webhook handler alone'] as { contents: string });
    const extra = extraModules(client.sources, handler).map(({ path }) => path);
    expect(extra).toContain('packages/core/src/client/live-stream-client.ts');
    expect(extra).toContain('packages/liveapi/src/liveapi-provider.ts');
  });
});
