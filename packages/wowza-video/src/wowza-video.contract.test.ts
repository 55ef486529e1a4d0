import {
  fixtureHarness,
  runLiveStreamContract,
  runLiveStreamModelContract,
  sandboxHarness,
} from '@unilive/testing/contract';
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

// The neutral model on a sandbox of its own: quick transitions, no media (the model pushes no video).
runLiveStreamModelContract({
  name: 'wowza-video on the sandbox',
  setup: sandboxHarness({
    provider: 'wowza-video',
    createProvider: (sandbox) => wowzaVideo(sandbox.adapterSettings('wowza-video')),
    sandbox: { transitionMs: 50, media: false },
  }),
  region: 'us_west_california',
});
