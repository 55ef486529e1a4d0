import {
  fixtureHarness,
  runLiveStreamContract,
  runLiveStreamModelContract,
  sandboxHarness,
} from '@unilive/testing/contract';
import nock from 'nock';
import { fixtureContract } from '../test/contract-config.js';
import { liveapi } from './liveapi-provider.js';

runLiveStreamContract({
  name: 'liveapi on recorded fixtures',
  setup: fixtureHarness({ nock, ...fixtureContract }),
  wait: { intervalMs: 100, maxIntervalMs: 100 },
});

runLiveStreamContract({
  name: 'liveapi on the sandbox',
  setup: sandboxHarness({
    provider: 'liveapi',
    createProvider: (sandbox) => liveapi(sandbox.adapterSettings('liveapi')),
    // LiveAPI takes no page size; the sandbox cuts pages of 10.
    paging: { perPage: 10 },
  }),
  wait: { intervalMs: 100, maxIntervalMs: 100 },
});

// The neutral model on a sandbox of its own: quick transitions, no media (the model pushes no video).
runLiveStreamModelContract({
  name: 'liveapi on the sandbox',
  setup: sandboxHarness({
    provider: 'liveapi',
    createProvider: (sandbox) => liveapi(sandbox.adapterSettings('liveapi')),
    sandbox: { transitionMs: 50, media: false },
  }),
});
