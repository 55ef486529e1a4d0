import { fileURLToPath } from 'node:url';
import { fixtureHarness, loadFixture, runLiveStreamContract, sandboxHarness } from '@unilive/testing';
import nock from 'nock';
import { videosdk } from './videosdk-provider.js';

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
// The fixtures carry one fixed JWT: a signed one changes every run and could not be matched exactly. The
// signed mode's header is asserted in videosdk-auth.test.ts.
const fixtureToken = loadFixture(directory, 'get-livestream').request.headers?.authorization ?? '';

// The v1 guide's own create body: recording on, one YouTube restream target.
const createInput = {
  name: 'Nickname for livestream',
  recording: true,
  restream: [{ url: 'rtmp://x.rtmp.youtube.com/live2', streamKey: '0tjp-h6a2-8c9d-vusv-01uu' }],
};

runLiveStreamContract({
  name: 'videosdk on recorded fixtures',
  createInput,
  setup: fixtureHarness({
    nock,
    origin: 'https://api.videosdk.live',
    directory,
    createProvider: () => videosdk({ token: fixtureToken }),
    secrets: { token: fixtureToken, 'restream key': '0tjp-h6a2-8c9d-vusv-01uu' },
    steps: {
      create: ['create-livestream'],
      get: ['get-livestream'],
      list: ['list-livestreams'],
      update: ['update-livestream'],
      // v1 has no start call: start fetches the stream, which is ready.
      start: ['get-livestream.renamed'],
      'wait-ready': ['get-livestream.renamed'],
      // stop sends nothing: it throws UnsupportedOperationError.
      delete: ['delete-livestream'],
      'get-deleted': ['get-livestream.404'],
      'error-subject': ['create-livestream.error-subject'],
    },
    operations: {
      create: 'create-livestream.error-subject',
      get: 'get-livestream',
      list: 'list-livestreams',
      update: 'update-livestream',
      delete: 'delete-livestream',
    },
    // No conflict: v1 has no state a call could conflict with (the contract skips that test on start: false).
    errors: {
      unauthorized: 'get-livestream.401',
      forbidden: 'get-livestream.403',
      'not-found': 'get-livestream.404',
      'rate-limit': 'get-livestream.429',
      'server-error': 'get-livestream.500',
    },
  }),
});

runLiveStreamContract({
  name: 'videosdk on the sandbox',
  createInput,
  setup: sandboxHarness({
    provider: 'videosdk',
    createProvider: (sandbox) => {
      const { apiKey, secret } = sandbox.credentials('videosdk');
      return videosdk({ baseUrl: sandbox.baseUrl('videosdk'), apiKey, secret });
    },
  }),
  wait: { intervalMs: 20, maxIntervalMs: 50 },
});
