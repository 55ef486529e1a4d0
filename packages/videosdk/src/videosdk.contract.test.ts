import { fixtureHarness, runLiveStreamContract, sandboxHarness } from '@unilive/testing/contract';
import nock from 'nock';
import { fixtureContract, fixtureCreateInput } from '../test/contract-config.js';
import { videosdk } from './videosdk-provider.js';

runLiveStreamContract({
  name: 'videosdk on recorded fixtures',
  createInput: fixtureCreateInput,
  setup: fixtureHarness({ nock, ...fixtureContract }),
});

runLiveStreamContract({
  name: 'videosdk on the sandbox',
  createInput: fixtureCreateInput,
  setup: sandboxHarness({
    provider: 'videosdk',
    createProvider: (sandbox) => videosdk(sandbox.adapterSettings('videosdk')),
  }),
  wait: { intervalMs: 100, maxIntervalMs: 100 },
});
