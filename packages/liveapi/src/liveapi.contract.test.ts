import { fixtureHarness, runLiveStreamContract, sandboxHarness } from '@unilive/testing';
import nock from 'nock';
import { fixtureBasic, fixtureCredentials, fixturesDirectory, origin } from '../test/support.js';
import { liveapi } from './liveapi-provider.js';

runLiveStreamContract({
  name: 'liveapi on recorded fixtures',
  setup: fixtureHarness({
    nock,
    origin,
    directory: fixturesDirectory,
    createProvider: () => liveapi({ ...fixtureCredentials }),
    secrets: { ...fixtureCredentials, 'basic credentials': fixtureBasic },
    steps: {
      create: ['create'],
      get: ['get'],
      list: ['list', 'list-page-2'],
      update: ['update'],
      start: ['start'],
      'wait-ready': ['get-ready'],
      stop: ['stop'],
      'wait-stopped': ['get-stopped'],
      delete: ['delete'],
      'get-deleted': ['error-404'],
      'error-subject': ['create-any'],
    },
    operations: {
      create: 'create-any',
      get: 'get',
      start: 'start',
    },
    errors: {
      unauthorized: 'error-401',
      forbidden: 'error-403',
      'not-found': 'error-404',
      conflict: 'error-409',
      'rate-limit': 'error-429',
      'server-error': 'error-500',
    },
  }),
  wait: { intervalMs: 10, maxIntervalMs: 20 },
});

runLiveStreamContract({
  name: 'liveapi on the sandbox',
  setup: sandboxHarness({
    provider: 'liveapi',
    createProvider: (sandbox) =>
      liveapi({ baseUrl: sandbox.baseUrl('liveapi'), ...sandbox.credentials('liveapi') }),
  }),
  wait: { intervalMs: 50, maxIntervalMs: 100 },
});
