import type { LiveStreamProvider } from '@unilive/core';
import type { Sandbox } from '@unilive/sandbox';
import { registryHarness, runLiveStreamContract, sandboxHarness } from '@unilive/testing/contract';
import { fixtureCreateInput as videosdkCreateInput } from '../../videosdk/test/contract-config.js';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';

// The contract suite through a registry holding all four adapters on one sandbox: once for each adapter,
// which sits first in the routing order and takes the suite's faults, while every call finds it by
// reference among the four.
const paces: Record<AdapterId, { intervalMs: number; maxIntervalMs: number } | undefined> = {
  'wowza-video': { intervalMs: 100, maxIntervalMs: 200 },
  'wowza-realtime': undefined,
  liveapi: { intervalMs: 100, maxIntervalMs: 100 },
  videosdk: { intervalMs: 100, maxIntervalMs: 100 },
};

for (const id of adapterIds) {
  let sandbox: Sandbox | undefined;
  const build = (on: Sandbox, adapter: AdapterId): LiveStreamProvider =>
    adapters[adapter].factory(on.adapterSettings(adapter));
  const wait = paces[id];
  runLiveStreamContract({
    name: `registry of all four adapters on the sandbox, ${id} first`,
    ...(id === 'videosdk' ? { createInput: videosdkCreateInput } : {}),
    ...(wait ? { wait } : {}),
    setup: registryHarness({
      setup: sandboxHarness({
        provider: id,
        // LiveAPI takes no page size; the sandbox cuts pages of 10.
        ...(id === 'liveapi' ? { paging: { perPage: 10 } } : {}),
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
