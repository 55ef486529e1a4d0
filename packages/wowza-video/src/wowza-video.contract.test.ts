import { fixtureHarness, runLiveStreamContract, sandboxHarness } from '@unilive/testing';
import nock from 'nock';
import { fixturesDirectory, fixtureToken, origin } from '../test/fixtures.js';
import { wowzaVideo } from './wowza-video-provider.js';

runLiveStreamContract({
  name: 'wowza-video on recorded fixtures',
  setup: fixtureHarness({
    nock,
    origin,
    directory: fixturesDirectory,
    createProvider: () => wowzaVideo({ token: fixtureToken }),
    secrets: { token: fixtureToken },
    steps: {
      create: ['create'],
      get: ['get'],
      // The list page, then one GET per listed stream (list items carry no ingest or playback).
      list: ['list', 'get', 'list.details.KyxWKtHQ'],
      update: ['update'],
      // start answers only the state; the stream is fetched after it.
      start: ['start', 'get.after-start'],
      'wait-ready': ['state.starting', 'state.started', 'get.started'],
      stop: ['stop', 'get.stopped'],
      'wait-stopped': ['state.stopped', 'get.stopped'],
      delete: ['delete'],
      'get-deleted': ['get.error.410.RecordDeleted'],
      'error-subject': ['create.error-subject'],
    },
    operations: {
      create: 'create.error-subject',
      get: 'get',
      list: 'list',
      update: 'update',
      delete: 'delete',
      start: 'start',
      stop: 'stop',
      status: 'state.started',
    },
    errors: {
      unauthorized: 'get.error.401.InvalidToken',
      forbidden: 'get.error.403.RecordUnaccessible',
      'not-found': 'get.error.404.RecordNotFound',
      conflict: 'start.error.422.InvalidStateChange',
      'rate-limit': 'get.error.429.TooManyRequests',
      'server-error': 'get.error.503',
    },
  }),
  wait: { intervalMs: 20, maxIntervalMs: 50 },
});

runLiveStreamContract({
  name: 'wowza-video on the sandbox',
  setup: sandboxHarness({
    provider: 'wowza-video',
    createProvider: (sandbox) =>
      wowzaVideo({ baseUrl: sandbox.baseUrl('wowza-video'), ...sandbox.credentials('wowza-video') }),
  }),
  wait: { intervalMs: 50, maxIntervalMs: 200 },
});
