import { fileURLToPath } from 'node:url';
import type { FixtureHarnessOptions } from '@unilive/testing/contract';
import { wowzaRealtime } from '../src/wowza-realtime-provider.js';

const directory = fileURLToPath(new URL('../../../test-fixtures/wowza-realtime', import.meta.url));
// The JWT the recorded exchanges carry (not a real token).
const token =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ1bmlsaXZlLWZpeHR1cmVzIiwic3ViIjoid293emEtcmVhbHRpbWUifQ.Zml4dHVyZSBzaWduYXR1cmUsIG5vdCBhIHJlYWwgdG9rZW4';

/** The settings the recorded fixtures expect. */
export const fixtureSettings = { token };

/**
 * How the recorded fixtures replay the contract: which exchanges each lifecycle step uses, which request
 * each fault operation fails and which vendor error each status fault serves. Shared by the contract test
 * and the reliability suite.
 */
export const fixtureContract = {
  origin: 'https://api.video.wowza.com',
  directory,
  createProvider: () => wowzaRealtime({ ...fixtureSettings }),
  secrets: {
    token,
    'publish token': '97e52731bc21ef66e4c05a8ee1e28b64bf5f9db728573d94e690277cea9215bc',
  },
  steps: {
    create: ['create'],
    get: ['get'],
    // One page, then each listed stream's details (list items carry no ingest information).
    list: ['list', 'list.detail-if7le8ip', 'get'],
    // The walk, then a second one whose read of the contract stream fails (planned by the suite): the other
    // stream is still read.
    'list-detail-fails': ['list', 'list.detail-if7le8ip', 'get', 'list', 'list.detail-if7le8ip'],
    update: ['update'],
    // No start call exists: start reads the stream.
    start: ['start'],
    'wait-ready': ['state.started', 'get.renamed'],
    stop: ['stop', 'get.stopped'],
    'wait-stopped': ['state.stopped', 'get.stopped'],
    delete: ['delete'],
    'get-deleted': ['get.deleted'],
    // The deleted stream is gone: a second delete is refused like a read of it (410).
    'delete-deleted': ['delete.deleted'],
    'error-subject': ['create.error-subject'],
    // RTMP, then low latency (both a create with the name alone: every stream is RTMP and sub-second); each
    // removed after.
    'create-settings': [
      'create.settings.rtmp',
      'create.settings.low-latency',
      'delete.settings.rtmp',
      'delete.settings.low-latency',
    ],
    // No start call: start reads the stream, which is ready.
    'start-again': ['get.renamed'],
    // A repeated stop is refused (ERR-423-StreamAlreadyStopped) and the stream, read, is returned.
    'stop-again': ['stop.already-stopped', 'get.stopped'],
    'stop-accepted': ['stop'],
    // Each aborted call's own stream (the suite holds the call's request, then lets the vendor carry it out)
    // and its removal; the aborted create is looked for in the list, found and removed. No start call: that
    // abort is skipped by capability, and a stream takes a stop as soon as it exists.
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
    'abort-stop': ['create.aborted-stop'],
    'abort-stop-cleanup': ['delete.aborted-stop'],
    'abort-delete': ['create.aborted-delete'],
    // The held delete was carried out: the stream is gone.
    'abort-delete-cleanup': ['delete.aborted-delete'],
    // Nothing to send: the stream is read and returned.
    'update-same-restream': ['get'],
  },
  // Three streams at per_page=2; each listed stream is then read for its endpoints.
  paging: {
    pageSize: 2,
    perPage: 2,
    scenarios: {
      pages: [
        'list.paging.page-1-of-2',
        'list.paging.page-2-of-2',
        'list.detail-if7le8ip',
        'get',
        'list.detail-q3mxk7ue',
      ],
      'ignore-page': ['list.paging.page-1-of-2', 'list.paging.page-2-ignored', 'list.detail-if7le8ip', 'get'],
      // maxPages 1: page 1 and the details of its two streams.
      capped: ['list.paging.page-1-of-2', 'list.detail-if7le8ip', 'get'],
      'repeat-page': [
        'list.paging.page-1-of-3-repeated',
        'list.paging.page-2-of-3-repeated',
        'list.detail-if7le8ip',
        'get',
      ],
      shift: [
        'list.paging.page-1-of-2',
        'list.paging.page-2-shifted',
        'list.detail-if7le8ip',
        'get',
        'list.detail-q3mxk7ue',
      ],
      'odd-record': [
        'list.paging.page-1-odd-record',
        'list.paging.page-2-of-2',
        'list.detail-if7le8ip',
        'get',
        'list.detail-q3mxk7ue',
      ],
      'odd-record-strict': ['list.paging.page-1-odd-record', 'list.detail-if7le8ip'],
    },
  },
  operations: {
    create: 'create.error-subject',
    get: 'get',
    list: 'list',
    update: 'update',
    delete: 'delete',
    stop: 'stop',
    status: 'state.started',
  },
  errors: {
    unauthorized: 'error.401.InvalidToken',
    forbidden: 'error.403.RecordUnaccessible',
    'not-found': 'error.404.RecordNotFound',
    conflict: 'error.422.InvalidStateChange',
    'rate-limit': 'error.429',
    'server-error': 'error.503',
  },
} satisfies Omit<FixtureHarnessOptions, 'nock'>;
