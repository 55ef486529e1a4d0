import type { FixtureHarnessOptions } from '@unilive/testing/contract';
import { liveapi } from '../src/liveapi-provider.js';
import { fixtureBasic, fixtureCredentials, fixturesDirectory, origin } from './support.js';

/** The settings the recorded fixtures expect. */
export const fixtureSettings = { ...fixtureCredentials };

/**
 * How the recorded fixtures replay the contract: which exchanges each lifecycle step uses, which request
 * each fault operation fails and which vendor error each status fault serves. Shared by the contract test
 * and the reliability suite.
 */
export const fixtureContract = {
  origin,
  directory: fixturesDirectory,
  createProvider: () => liveapi({ ...fixtureSettings }),
  secrets: { ...fixtureCredentials, 'basic credentials': fixtureBasic },
  steps: {
    create: ['create'],
    get: ['get'],
    list: ['list', 'list-page-2'],
    // Pages hold whole streams: both walks read no detail, so the failing read planned is never asked for.
    'list-detail-fails': ['list', 'list-page-2', 'list', 'list-page-2'],
    update: ['update'],
    start: ['start'],
    'wait-ready': ['get-ready'],
    stop: ['stop'],
    'wait-stopped': ['get-stopped'],
    delete: ['delete'],
    'get-deleted': ['error-404'],
    'delete-deleted': ['delete-deleted'],
    'error-subject': ['create-any'],
    // RTMP, then low latency and a region (neither sent: warned); each stream removed after.
    'create-settings': [
      ...['rtmp', 'low-latency', 'region'].map((setting) => `create.settings.${setting}`),
      ...['rtmp', 'low-latency', 'region'].map((setting) => `delete.settings.${setting}`),
    ],
    // Setting enabled to the value it has is accepted and answers the stream.
    'start-again': ['start'],
    'stop-again': ['stop'],
    'stop-accepted': ['stop'],
    // Each aborted call's own stream (the suite holds the call's request, then lets the vendor carry it out)
    // and its removal. LiveAPI keeps no name, so a stream the aborted create made is not looked for.
    'abort-create': [],
    'abort-list': [],
    'abort-update': ['create.aborted-update'],
    'abort-update-cleanup': ['delete.aborted-update'],
    'abort-start': ['create.aborted-start'],
    'abort-start-cleanup': ['delete.aborted-start'],
    // A stop has something to do on a started stream: started and waited for first.
    'abort-stop': ['create.aborted-stop', 'start.aborted-stop', 'get-ready.aborted-stop'],
    'abort-stop-cleanup': ['delete.aborted-stop'],
    'abort-delete': ['create.aborted-delete'],
    // The held delete was carried out: the stream is gone.
    'abort-delete-cleanup': ['delete.aborted-delete'],
    // The stream, then its one restream target; the read-back after them is made to fail.
    'create-restream': ['create.restream', 'platform-create.restream'],
    // The targets are planned against the stream as read: none to add, none to remove.
    'update-same-restream': ['get'],
  },
  // Three streams, two a page (LiveAPI takes no page size: the pages come as the vendor cuts them).
  paging: {
    perPage: 2,
    scenarios: {
      pages: ['list.paging.page-1-of-2', 'list.paging.page-2-of-2'],
      'ignore-page': ['list.paging.page-1-of-2', 'list.paging.page-2-ignored'],
      capped: ['list.paging.page-1-of-2'],
      'repeat-page': ['list.paging.page-1-of-3-repeated', 'list.paging.page-2-of-3-repeated'],
      shift: ['list.paging.page-1-of-2', 'list.paging.page-2-shifted'],
      'odd-record': ['list.paging.page-1-odd-record', 'list.paging.page-2-of-2'],
      'odd-record-strict': ['list.paging.page-1-odd-record'],
    },
  },
  operations: {
    create: 'create-any',
    get: 'get',
    list: 'list',
    update: 'update',
    delete: 'delete',
    start: 'start',
    stop: 'stop',
  },
  errors: {
    unauthorized: 'error-401',
    forbidden: 'error-403',
    'not-found': 'error-404',
    conflict: 'error-409',
    'rate-limit': 'error-429',
    'server-error': 'error-500',
  },
} satisfies Omit<FixtureHarnessOptions, 'nock'>;
