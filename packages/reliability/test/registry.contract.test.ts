import type { LiveStreamProvider } from '@unilive/core';
import type { Sandbox } from '@unilive/sandbox';
import { registryHarness, runLiveStreamContract, sandboxHarness } from '@unilive/testing/contract';
import { type AdapterId, adapters, vendorAdapterIds } from '../src/adapters.js';

// The contract suite through a registry holding all four adapters on one sandbox: once for each adapter,
// which sits first in the routing order and takes the suite's faults, while every call finds it by
// reference among the four.
// Each adapter once, as a user gets it by default (videosdk: v2).
const adapterIds = vendorAdapterIds;
const paces: Partial<Record<AdapterId, { intervalMs: number; maxIntervalMs: number }>> = {
  'wowza-video': { intervalMs: 100, maxIntervalMs: 200 },
  liveapi: { intervalMs: 100, maxIntervalMs: 100 },
  'videosdk-v2': { intervalMs: 100, maxIntervalMs: 100 },
};

for (const id of adapterIds) {
  let sandbox: Sandbox | undefined;
  const build = (on: Sandbox, adapter: AdapterId): LiveStreamProvider =>
    adapters[adapter].factory({
      ...on.adapterSettings(adapters[adapter].provider),
      ...adapters[adapter].settings,
    });
  const wait = paces[id];
  runLiveStreamContract({
    name: `registry of all four adapters on the sandbox, ${id} first`,
    // Recording is v2's to keep (restream targets need a running room session).
    ...(id === 'videosdk-v2' ? { createInput: { name: 'unilive contract stream', recording: true } } : {}),
    ...(wait ? { wait } : {}),
    setup: registryHarness({
      setup: sandboxHarness({
        provider: adapters[id].provider,
        // LiveAPI takes no page size; the sandbox cuts pages of 10.
        ...(id === 'liveapi' ? { paging: { perPage: 10 } } : {}),
        // Real media once, through the adapter whose stream must be started before it takes video: each
        // adapter's own suite pushes to its ingest, and four more encoders would only load the machine.
        ...(id === 'wowza-video' ? {} : { sandbox: { media: false } }),
        createProvider: (started) => {
          sandbox = started;
          return build(started, id);
        },
      }),
      others: () => {
        const on = sandbox;
        if (!on) throw new Error('the sandbox did not start');
        return Object.fromEntries(
          adapterIds.filter((other) => other !== id).map((other) => [other, build(on, other)]),
        );
      },
    }),
  });
}
