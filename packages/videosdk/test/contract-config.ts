import { fileURLToPath } from 'node:url';
import { loadFixture } from '@unilive/testing';
import type { FixtureHarnessOptions } from '@unilive/testing/contract';
import { videosdk } from '../src/videosdk-provider.js';

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
// The fixtures carry one fixed JWT: a signed one changes every run and could not be matched exactly. The
// signed mode's header is asserted in videosdk-auth.test.ts.
const fixtureToken = loadFixture(directory, 'get-livestream').request.headers?.authorization ?? '';

/** The settings the recorded fixtures expect. */
export const fixtureSettings = { token: fixtureToken, apiVersion: 'v1' } as const;

/** The seed's own create body: recording on, one YouTube restream target. */
export const fixtureCreateInput = {
  name: 'Nickname for livestream',
  recording: true,
  restream: [{ url: 'rtmp://x.rtmp.youtube.com/live2', streamKey: '0tjp-h6a2-8c9d-vusv-01uu' }],
};

/**
 * How the recorded fixtures replay the contract: which exchanges each lifecycle step uses, which request
 * each fault operation fails and which vendor error each status fault serves. Shared by the contract test
 * and the reliability suite.
 */
export const fixtureContract = {
  origin: 'https://api.videosdk.live',
  directory,
  createProvider: () => videosdk({ ...fixtureSettings }),
  secrets: { token: fixtureToken, 'restream key': '0tjp-h6a2-8c9d-vusv-01uu' },
  steps: {
    create: ['create-livestream'],
    get: ['get-livestream'],
    list: ['list-livestreams'],
    // Pages hold whole streams: both walks read no detail, so the failing read planned is never asked for.
    'list-detail-fails': ['list-livestreams', 'list-livestreams'],
    update: ['update-livestream'],
    // v1 has no start call: start fetches the stream, which is ready.
    start: ['get-livestream.renamed'],
    'wait-ready': ['get-livestream.renamed'],
    // stop sends nothing: it throws UnsupportedOperationError.
    delete: ['delete-livestream'],
    'get-deleted': ['get-livestream.404'],
    'delete-deleted': ['delete-livestream.404'],
    'error-subject': ['create-livestream.error-subject'],
    // RTMP, then low latency and a region (neither sent: warned); each stream removed after.
    'create-settings': [
      ...['rtmp', 'low-latency', 'region'].map((setting) => `create-livestream.settings.${setting}`),
      ...['rtmp', 'low-latency', 'region'].map((setting) => `delete-livestream.settings.${setting}`),
    ],
    // v1 has no start call: start reads the stream, which is always ready.
    'start-again': ['get-livestream.renamed'],
    // v1 takes restream targets in the create body: one request, nothing to read back.
    'create-restream': ['create-livestream.restream'],
    // The same targets: compared with the stream as read, nothing to change, nothing sent.
    'update-same-restream': ['get-livestream.renamed'],
    // Each aborted call's own stream (the suite holds the call's request, then lets the vendor carry it out)
    // and its removal; the aborted create is looked for in the list, found and removed. No start or stop
    // call: those aborts are skipped by capability.
    'abort-create': [],
    'abort-create-cleanup': ['list-livestreams.aborted-create', 'delete-livestream.aborted-create'],
    'abort-list': [],
    'abort-update': ['create-livestream.aborted-update'],
    'abort-update-cleanup': ['delete-livestream.aborted-update'],
    'abort-delete': ['create-livestream.aborted-delete'],
    // The held delete was carried out: the stream is gone.
    'abort-delete-cleanup': ['delete-livestream.aborted-delete'],
  },
  // Three streams at perPage=2.
  paging: {
    pageSize: 2,
    perPage: 2,
    scenarios: {
      pages: ['list-livestreams.page-1-of-2', 'list-livestreams.page-2-of-2'],
      'ignore-page': ['list-livestreams.page-1-of-2', 'list-livestreams.paging.page-2-ignored'],
      capped: ['list-livestreams.page-1-of-2'],
      'repeat-page': [
        'list-livestreams.paging.page-1-of-3-repeated',
        'list-livestreams.paging.page-2-of-3-repeated',
      ],
      shift: ['list-livestreams.page-1-of-2', 'list-livestreams.paging.page-2-shifted'],
      'odd-record': ['list-livestreams.paging.page-1-odd-record', 'list-livestreams.page-2-of-2'],
      'odd-record-strict': ['list-livestreams.paging.page-1-odd-record'],
    },
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
} satisfies Omit<FixtureHarnessOptions, 'nock'>;

// The v2 fixtures carry one fixed token with the v2 server claims (`version: 2`, `roles: ['crawler']`).
const v2FixtureToken = loadFixture(directory, 'v2-rooms-get').request.headers?.authorization ?? '';

/** The settings the recorded v2 fixtures expect. */
export const v2FixtureSettings = { token: v2FixtureToken, apiVersion: 'v2' } as const;

/** The v2 round trip's create: recording on, one YouTube restream target (started with the HLS egress). */
export const v2FixtureCreateInput = {
  name: 'unilive contract stream',
  recording: true,
  restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'fcz-4da-dver-qxzp-0rm' }],
};

// The active-HLS reads of the paging rooms a, b and c (none runs: 404).
const v2PagingRooms = { a: '', b: '.mnop-qrst-uvwx', c: '.yzab-cdef-ghij' } as const;
const v2ActiveReads = (...rooms: (keyof typeof v2PagingRooms)[]) =>
  rooms.map((room) => `v2-hls-active.none${v2PagingRooms[room]}`);

/** How the recorded v2 fixtures replay the contract (see {@link fixtureContract}). */
export const v2FixtureContract = {
  origin: 'https://api.videosdk.live',
  directory,
  createProvider: () => videosdk({ ...v2FixtureSettings }),
  secrets: { token: v2FixtureToken, 'restream key': 'fcz-4da-dver-qxzp-0rm' },
  steps: {
    create: ['v2-rooms-create'],
    get: ['v2-rooms-get', 'v2-hls-active.none'],
    list: ['v2-rooms-list', 'v2-hls-active.none'],
    // Two rooms, each read for its egress; on the second walk the lifecycle room's read fails (planned by
    // the suite) and the other room's is still made.
    'list-detail-fails': [
      'v2-rooms-list.two-rooms',
      ...v2ActiveReads('a', 'b'),
      'v2-rooms-list.two-rooms',
      ...v2ActiveReads('b'),
    ],
    // No name to change: update reads the stream.
    update: ['v2-rooms-get', 'v2-hls-active.none'],
    start: [
      'v2-hls-start',
      'v2-livestreams-start',
      'v2-rooms-get',
      'v2-hls-active.starting',
      'v2-livestreams-list.running',
    ],
    // waitForState polls the status call (the room and its egress, as get reads them), then reads the
    // whole stream once.
    'wait-ready': [
      'v2-rooms-get',
      'v2-hls-active',
      'v2-rooms-get',
      'v2-hls-active',
      'v2-livestreams-list.running',
    ],
    stop: [
      'v2-hls-active',
      'v2-livestreams-list.running',
      'v2-livestreams-end',
      'v2-hls-end',
      'v2-rooms-get',
      'v2-hls-active.stopping',
      'v2-livestreams-list.ended',
    ],
    // The status call reads the room with the egress (a disabled room is `disabled`).
    'wait-stopped': ['v2-hls-active.none', 'v2-rooms-get', 'v2-rooms-get', 'v2-hls-active.none'],
    delete: ['v2-rooms-deactivate'],
    'get-deleted': ['v2-rooms-get.404'],
    // A deactivated room is not found, by a read or by a second deactivate.
    'delete-deleted': ['v2-rooms-deactivate.404'],
    'error-subject': ['v2-rooms-create.error-subject'],
    // WHIP (built from the room), then low latency and a region (neither sent: warned); each room
    // deactivated after.
    'create-settings': [
      ...['webrtc', 'low-latency', 'region'].map((setting) => `v2-rooms-create.settings.${setting}`),
      ...['webrtc', 'low-latency', 'region'].map((setting) => `v2-rooms-deactivate.settings.${setting}`),
    ],
    // A second start is refused as the egress runs (the vendor's answer is undocumented: 409 is what its
    // server SDK reads as a conflict); the stream is read, found ready, and returned.
    'start-again': ['v2-hls-start.409', 'v2-rooms-get', 'v2-hls-active', 'v2-livestreams-list.running'],
    // No egress runs: nothing to end; the stream is read and returned.
    'stop-again': ['v2-hls-active.none', 'v2-rooms-get', 'v2-hls-active.none'],
    // The subject starts with nothing held: no recording, no restream; its read-back fails (injected).
    'start-accepted': ['v2-hls-start.error-subject'],
    // Restream targets wait for start: the create is the room alone, with nothing to read back.
    'create-restream': ['v2-rooms-create'],
    // Each aborted call's own room (the suite holds the call's request, then lets the vendor carry it out)
    // and its deactivation. Rooms keep no name: a room the aborted create made is not looked for, and the
    // aborted update (a rename) has nothing to send, so it has no exchange to hold (it stays skipped).
    'abort-create': [],
    'abort-list': [],
    'abort-start': ['v2-rooms-create.aborted-start'],
    'abort-start-cleanup': ['v2-rooms-deactivate.aborted-start'],
    // A stop has something to do while HLS runs: started, read back and waited for; stop then reads the
    // egress and its RTMP-outs before the end request it holds.
    'abort-stop': [
      'v2-rooms-create.aborted-stop',
      'v2-hls-start.aborted-stop',
      'v2-rooms-get.aborted-stop',
      'v2-hls-active.aborted-stop.starting',
      'v2-livestreams-list.aborted-stop',
      'v2-rooms-get.aborted-stop',
      'v2-hls-active.aborted-stop',
      'v2-rooms-get.aborted-stop',
      'v2-hls-active.aborted-stop',
      'v2-livestreams-list.aborted-stop',
      'v2-hls-active.aborted-stop',
      'v2-livestreams-list.aborted-stop',
    ],
    'abort-stop-cleanup': ['v2-rooms-deactivate.aborted-stop'],
    'abort-delete': ['v2-rooms-create.aborted-delete'],
    // The held deactivate was carried out: the room is not found.
    'abort-delete-cleanup': ['v2-rooms-deactivate.aborted-delete'],
  },
  // Three rooms at perPage=2. A room page carries no egress: each listed room's state is one more read.
  paging: {
    pageSize: 2,
    perPage: 2,
    scenarios: {
      pages: ['v2-rooms-list.page-1-of-2', 'v2-rooms-list.page-2-of-2', ...v2ActiveReads('a', 'b', 'c')],
      'ignore-page': [
        'v2-rooms-list.page-1-of-2',
        'v2-rooms-list.paging.page-2-ignored',
        ...v2ActiveReads('a', 'b'),
      ],
      'repeat-page': [
        'v2-rooms-list.paging.page-1-of-3-repeated',
        'v2-rooms-list.paging.page-2-of-3-repeated',
        ...v2ActiveReads('a', 'b'),
      ],
      shift: [
        'v2-rooms-list.page-1-of-2',
        'v2-rooms-list.paging.page-2-shifted',
        ...v2ActiveReads('a', 'b', 'c'),
      ],
      'odd-record': [
        'v2-rooms-list.paging.page-1-odd-record',
        'v2-rooms-list.page-2-of-2',
        ...v2ActiveReads('a', 'b', 'c'),
      ],
      'odd-record-strict': ['v2-rooms-list.paging.page-1-odd-record', ...v2ActiveReads('a', 'b')],
    },
  },
  operations: {
    create: 'v2-rooms-create.error-subject',
    get: 'v2-rooms-get',
    list: 'v2-rooms-list',
    delete: 'v2-rooms-deactivate',
    // Its request leaves the body unmatched: the error subject starts without the lifecycle's recording.
    start: 'v2-hls-start.409',
    stop: 'v2-hls-end',
    status: 'v2-hls-active',
  },
  errors: {
    unauthorized: 'v2-rooms-get.401',
    forbidden: 'v2-rooms-get.403',
    'not-found': 'v2-rooms-get.404',
    conflict: 'v2-hls-start.409',
    'rate-limit': 'v2-rooms-get.429',
    'server-error': 'v2-rooms-get.500',
  },
} satisfies Omit<FixtureHarnessOptions, 'nock'>;
