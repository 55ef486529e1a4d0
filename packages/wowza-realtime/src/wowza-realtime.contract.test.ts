import {
  fixtureHarness,
  runLiveStreamContract,
  runLiveStreamModelContract,
  sandboxHarness,
} from '@unilive/testing/contract';
import nock from 'nock';
import { fixtureContract } from '../test/contract-config.js';
import { wowzaRealtime } from './wowza-realtime-provider.js';

runLiveStreamContract({
  name: 'wowza-realtime on recorded fixtures',
  setup: fixtureHarness({ nock, ...fixtureContract }),
});

runLiveStreamContract({
  name: 'wowza-realtime on the sandbox',
  setup: sandboxHarness({
    provider: 'wowza-realtime',
    createProvider: (sandbox) => wowzaRealtime(sandbox.adapterSettings('wowza-realtime')),
  }),
});

// The neutral model on a sandbox of its own: quick transitions, no media (the model pushes no video).
runLiveStreamModelContract({
  name: 'wowza-realtime on the sandbox',
  setup: sandboxHarness({
    provider: 'wowza-realtime',
    createProvider: (sandbox) => wowzaRealtime(sandbox.adapterSettings('wowza-realtime')),
    sandbox: { transitionMs: 50, media: false },
  }),
  region: 'phoenix',
});
