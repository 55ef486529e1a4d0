import { fixtureHarness, runLiveStreamContract, sandboxHarness } from '@unilive/testing/contract';
import nock from 'nock';
import { fixtureContract } from '../test/contract-config.js';
import { wowzaVideo } from './wowza-video-provider.js';

runLiveStreamContract({
  name: 'wowza-video on recorded fixtures',
  setup: fixtureHarness({ nock, ...fixtureContract }),
  wait: { intervalMs: 100, maxIntervalMs: 100 },
});

runLiveStreamContract({
  name: 'wowza-video on the sandbox',
  setup: sandboxHarness({
    provider: 'wowza-video',
    createProvider: (sandbox) => wowzaVideo(sandbox.adapterSettings('wowza-video')),
  }),
  wait: { intervalMs: 100, maxIntervalMs: 200 },
});
