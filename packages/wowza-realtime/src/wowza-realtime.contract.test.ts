import { fixtureHarness, runLiveStreamContract, sandboxHarness } from '@unilive/testing/contract';
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
