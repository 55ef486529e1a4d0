import {
  fixtureHarness,
  runLiveStreamContract,
  runLiveStreamModelContract,
  sandboxHarness,
} from '@unilive/testing/contract';
import nock from 'nock';
import {
  fixtureContract,
  fixtureCreateInput,
  v2FixtureContract,
  v2FixtureCreateInput,
} from '../test/contract-config.js';
import { videosdk } from './videosdk-provider.js';

runLiveStreamContract({
  name: 'videosdk v2 on recorded fixtures',
  createInput: v2FixtureCreateInput,
  setup: fixtureHarness({ nock, ...v2FixtureContract }),
});

runLiveStreamContract({
  name: 'videosdk v2 on the sandbox',
  createInput: { name: 'unilive contract stream', recording: true },
  setup: sandboxHarness({
    provider: 'videosdk',
    createProvider: (sandbox) => videosdk({ ...sandbox.adapterSettings('videosdk'), apiVersion: 'v2' }),
  }),
  wait: { intervalMs: 100, maxIntervalMs: 100 },
});

runLiveStreamContract({
  name: 'videosdk v1 on recorded fixtures',
  createInput: fixtureCreateInput,
  setup: fixtureHarness({ nock, ...fixtureContract }),
});

runLiveStreamContract({
  name: 'videosdk v1 on the sandbox',
  createInput: fixtureCreateInput,
  setup: sandboxHarness({
    provider: 'videosdk',
    createProvider: (sandbox) => videosdk({ ...sandbox.adapterSettings('videosdk'), apiVersion: 'v1' }),
  }),
  wait: { intervalMs: 100, maxIntervalMs: 100 },
});

// The neutral model on a sandbox of its own for each API version: quick transitions, no media.
for (const apiVersion of ['v2', 'v1'] as const)
  runLiveStreamModelContract({
    name: `videosdk ${apiVersion} on the sandbox`,
    setup: sandboxHarness({
      provider: 'videosdk',
      createProvider: (sandbox) => videosdk({ ...sandbox.adapterSettings('videosdk'), apiVersion }),
      sandbox: { transitionMs: 50, media: false },
    }),
  });
