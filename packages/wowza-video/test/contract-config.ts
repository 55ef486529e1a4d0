import type { FixtureHarnessOptions } from '@unilive/testing/contract';
import { wowzaVideo } from '../src/wowza-video-provider.js';
import { fixturesDirectory, fixtureToken, origin } from './fixtures.js';

/** The settings the recorded fixtures expect. */
export const fixtureSettings = { token: fixtureToken };

/**
 * How the recorded fixtures replay the contract: which exchanges each lifecycle step uses, which request
 * each fault operation fails and which vendor error each status fault serves. Shared by the contract test
 * and the reliability suite.
 */
export const fixtureContract = {
  origin,
  directory: fixturesDirectory,
  createProvider: () => wowzaVideo({ ...fixtureSettings }),
  secrets: { token: fixtureToken },
  steps: {
    create: ['create'],
    get: ['get'],
    // The list page, then one GET per listed stream (list items carry no ingest or playback).
    list: ['list', 'get', 'list.details.KyxWKtHQ'],
    // The walk, then a second one whose read of the first stream fails (planned by the suite): the other
    // stream is still read.
    'list-detail-fails': ['list', 'get', 'list.details.KyxWKtHQ', 'list', 'list.details.KyxWKtHQ'],
    update: ['update'],
    // start answers only the state; the stream is fetched after it.
    start: ['start', 'get.after-start'],
    'wait-ready': ['state.starting', 'state.started', 'get.started'],
    stop: ['stop', 'get.stopped'],
    'wait-stopped': ['state.stopped', 'get.stopped'],
    delete: ['delete'],
    'get-deleted': ['get.error.410.RecordDeleted'],
    // The deleted stream is gone: a second delete is refused like a read of it (410).
    'delete-deleted': ['delete.error.410.RecordDeleted'],
    'error-subject': ['create.error-subject'],
    // A stream for each ingest protocol, one with low latency (a region is claimed, so none is asked for);
    // each removed after.
    'create-settings': [
      ...['rtmp', 'rtsp', 'srt', 'webrtc', 'low-latency'].map((setting) => `create.settings.${setting}`),
      ...['rtmp', 'rtsp', 'srt', 'webrtc', 'low-latency'].map((setting) => `delete.settings.${setting}`),
    ],
    // A repeated start or stop is refused (ERR-422-InvalidStateChange) and the stream, read, is returned.
    'start-again': ['start.error.422.InvalidStateChange', 'get.started'],
    'stop-again': ['stop.error.422.InvalidStateChange', 'get.stopped'],
    'start-accepted': ['start'],
    'stop-accepted': ['stop'],
    // Each aborted call's own stream (the suite holds the call's request, then lets the vendor carry it out)
    // and its removal; the aborted create is looked for in the list, found and removed.
    'abort-create': [],
    'abort-create-cleanup': [
      'list.aborted-create',
      'get.aborted-create.subject',
      'get.aborted-create',
      'delete.aborted-create',
    ],
    'abort-list': [],
    'abort-update': ['create.aborted-update'],
    'abort-update-cleanup': ['delete.aborted-update'],
    'abort-start': ['create.aborted-start'],
    'abort-start-cleanup': ['delete.aborted-start'],
    // A stop has something to do on a started stream: started and waited for first.
    'abort-stop': [
      'create.aborted-stop',
      'start.aborted-stop',
      'get.aborted-stop.after-start',
      'state.aborted-stop.started',
      'get.aborted-stop.started',
    ],
    'abort-stop-cleanup': ['delete.aborted-stop'],
    'abort-delete': ['create.aborted-delete'],
    // The held delete was carried out: the stream is gone.
    'abort-delete-cleanup': ['delete.aborted-delete'],
    // Nothing Wowza can change: the stream is read and returned.
    'update-same-restream': ['get'],
  },
  // Three streams at per_page=2; with details, each listed stream is then read.
  paging: {
    pageSize: 2,
    perPage: 2,
    scenarios: {
      pages: [
        'list.page-1-of-2',
        'list.page-2-of-2',
        'get',
        'list.details.KyxWKtHQ',
        'list.details.Ly40ZDSg',
      ],
      'ignore-page': ['list.page-1-of-2', 'list.paging.page-2-ignored', 'get', 'list.details.KyxWKtHQ'],
      'repeat-page': [
        'list.paging.page-1-of-3-repeated',
        'list.paging.page-2-of-3-repeated',
        'get',
        'list.details.KyxWKtHQ',
      ],
      shift: [
        'list.page-1-of-2',
        'list.paging.page-2-shifted',
        'get',
        'list.details.KyxWKtHQ',
        'list.details.Ly40ZDSg',
      ],
      'odd-record': [
        'list.paging.page-1-odd-record',
        'list.page-2-of-2',
        'get',
        'list.details.KyxWKtHQ',
        'list.details.Ly40ZDSg',
      ],
      'odd-record-strict': ['list.paging.page-1-odd-record', 'get'],
      // maxPages 1: page 1 and the details of its two streams.
      capped: ['list.page-1-of-2', 'get', 'list.details.KyxWKtHQ'],
    },
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
} satisfies Omit<FixtureHarnessOptions, 'nock'>;
