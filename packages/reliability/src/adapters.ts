import type {
  CreateLiveStreamInput,
  LiveStreamProvider,
  ProviderId,
  ProviderSettingsBase,
  UpdateLiveStreamInput,
} from '@unilive/core';
import liveapi from '@unilive/liveapi';
import type { FaultOperation } from '@unilive/sandbox';
import type { FixtureHarnessOptions, PagingSetup } from '@unilive/testing/contract';
import videosdk from '@unilive/videosdk';
import wowzaRealtime from '@unilive/wowza-realtime';
import wowzaVideo from '@unilive/wowza-video';
import {
  fixtureContract as liveapiFixtures,
  fixtureSettings as liveapiSettings,
} from '../../liveapi/test/contract-config.js';
import {
  fixtureContract as videosdkFixtures,
  fixtureSettings as videosdkSettings,
  v2FixtureContract as videosdkV2Fixtures,
  v2FixtureSettings as videosdkV2Settings,
} from '../../videosdk/test/contract-config.js';
import {
  fixtureContract as wowzaRealtimeFixtures,
  fixtureSettings as wowzaRealtimeSettings,
} from '../../wowza-realtime/test/contract-config.js';
import {
  fixtureContract as wowzaVideoFixtures,
  fixtureSettings as wowzaVideoSettings,
} from '../../wowza-video/test/contract-config.js';

/**
 * The adapter configurations the suites run: the four adapters unilive ships, videosdk twice (`videosdk`
 * speaks v1, `/v1/livestreams`; `videosdk-v2` the room API, the adapter's default).
 */
export const adapterIds = ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk', 'videosdk-v2'] as const;
export type AdapterId = (typeof adapterIds)[number];

/** One configuration per adapter package, with the settings a user gets by default (videosdk: v2). */
export const vendorAdapterIds = ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk-v2'] as const;

/** Every operation of the neutral interface; `status` is `waitForState`, which polls the cheapest state call. */
export const matrixOperations = [
  'create',
  'get',
  'list',
  'update',
  'delete',
  'start',
  'stop',
  'status',
] as const;
export type MatrixOperation = (typeof matrixOperations)[number];

/**
 * The client's calls a user makes with a signal, as named in its interface: the lifecycle and both waits
 * (the suites on aborts run each of them on every adapter).
 */
export const clientOperations = [
  'create',
  'get',
  'list',
  'update',
  'delete',
  'start',
  'stop',
  'waitForState',
  'waitForBroadcast',
] as const;
export type ClientOperation = (typeof clientOperations)[number];

/** One operation replayed on recorded fixtures: the request a fault replaces, and the exchanges of a success. */
export interface FixtureOperation {
  /** The fixture whose request is the operation's first (the one faults replace). */
  target: string;
  /** The fixtures a successful call consumes, in order (optional fallbacks included). */
  success: readonly string[];
}

/** Everything the suites need to know about one adapter. */
export interface AdapterSpec {
  /** The configuration's name in reports and test titles. */
  id: AdapterId;
  /** The provider id the adapter reports, the sandbox serves and configuration selects. */
  provider: ProviderId;
  /** The package's default export, as `createLiveStreamClientFromConfig` would call it. */
  factory(settings: Record<string, unknown>): LiveStreamProvider;
  /** Settings every run of this configuration passes besides credentials and transport (`apiVersion`). */
  settings?: Record<string, unknown>;
  /** The adapter's credential settings, for hostile credential cases (every one is tried). */
  credentialSettings: readonly string[];
  /**
   * The environment variable each credential setting is read from when it is left out: a credential the
   * factory cannot know for good, read before each request (a setting is checked by the factory).
   */
  credentialVariables: Readonly<Record<string, string>>;
  fixtures: {
    origin: string;
    directory: string;
    /** The credential settings the recordings carry. */
    settings: Record<string, string>;
    /** Every credential of the recordings, by label. */
    secrets: Record<string, string>;
    /** The error fixtures whose bodies faults serve. */
    errors: { rateLimit: string; serverError: string };
    createInput: CreateLiveStreamInput;
    updatePatch: UpdateLiveStreamInput;
    subjectId: string;
    operations: Partial<Record<MatrixOperation, FixtureOperation>>;
    /** The recorded paging scenarios (the contract suite's), with how their pages are sized. */
    paging: FixtureHarnessOptions['paging'];
  };
  /** How the sandbox's dialect pages this adapter's lists. */
  sandboxPaging: PagingSetup;
  /** The sandbox fault operation of each matrix operation's first request. */
  sandboxOperations: Partial<Record<MatrixOperation, FaultOperation>>;
  /** On the sandbox, operations whose subject must be started first. */
  needsStarted: readonly MatrixOperation[];
  /**
   * Operations whose first two requests go out at once (videosdk v2's read of a room and its egress): the
   * faulted one's retries may come before, between or after the other's one request.
   */
  readsAtOnce?: readonly MatrixOperation[];
  /**
   * Of `readsAtOnce`, the operations that poll (a wait): the read sent first is never the faulted one, and
   * its next sending begins the call's next step (the read of the whole stream), whose requests are not
   * attempts of the faulted one.
   */
  pollsAtOnce?: readonly MatrixOperation[];
  /**
   * The path of the read sent beside an operation's own first request (videosdk v2's active-egress read,
   * beside the room read): a hostile answer meant for the operation's request is never planned on it.
   */
  besideRead?: RegExp;
  /**
   * The path of the read a `list` walk makes for each stream its pages name (Wowza's stream read, videosdk
   * v2's active-egress read), for adapters whose pages lack what a stream needs; absent where a page holds
   * whole streams.
   */
  listDetailRead?: RegExp;
  /**
   * Whether the operation's first request may be repeated after an answer that was lost (timeout, 5xx, reset):
   * what the adapter tells the HTTP layer (`idempotent`).
   */
  retrySafe: Record<MatrixOperation, boolean>;
  /** Operations that send nothing and throw UnsupportedOperationError. */
  unsupported: readonly MatrixOperation[];
  /** Operations whose success has no body (204): a slow body has nothing to hold back there. */
  noBody: readonly MatrixOperation[];
}

const allSafeButCreate: Record<MatrixOperation, boolean> = {
  create: false,
  get: true,
  list: true,
  update: true,
  delete: true,
  start: true,
  stop: true,
  status: true,
};

const videosdkCredentialVariables = {
  token: 'VIDEOSDK_TOKEN',
  apiKey: 'VIDEOSDK_API_KEY',
  secret: 'VIDEOSDK_SECRET',
} as const;

const asFactory = (factory: unknown) =>
  factory as (settings: Record<string, unknown> & ProviderSettingsBase) => LiveStreamProvider;

const restreamTarget = (streamKey: string, url = 'rtmp://a.rtmp.youtube.com/live2') => ({ url, streamKey });

/** The adapter configurations, with their recorded fixtures and sandbox wiring. */
export const adapters: Record<AdapterId, AdapterSpec> = {
  'wowza-video': {
    id: 'wowza-video',
    provider: 'wowza-video',
    factory: asFactory(wowzaVideo),
    credentialSettings: ['token'],
    credentialVariables: { token: 'WOWZA_VIDEO_TOKEN' },
    fixtures: {
      origin: wowzaVideoFixtures.origin,
      directory: wowzaVideoFixtures.directory,
      settings: wowzaVideoSettings,
      secrets: wowzaVideoFixtures.secrets,
      errors: {
        rateLimit: wowzaVideoFixtures.errors['rate-limit'],
        serverError: wowzaVideoFixtures.errors['server-error'],
      },
      createInput: { name: 'unilive error subject' },
      updatePatch: { name: 'unilive contract stream (renamed)' },
      subjectId: 'wdjfqvsv',
      operations: {
        create: { target: 'create.error-subject', success: ['create.error-subject'] },
        get: { target: 'get', success: ['get'] },
        list: { target: 'list', success: ['list', 'get', 'list.details.KyxWKtHQ'] },
        update: { target: 'update', success: ['update'] },
        delete: { target: 'delete', success: ['delete'] },
        start: { target: 'start', success: ['start', 'get.after-start'] },
        stop: { target: 'stop', success: ['stop', 'get.stopped'] },
        status: { target: 'state.started', success: ['state.started', 'get.started'] },
      },
      paging: wowzaVideoFixtures.paging,
    },
    sandboxPaging: { pageSize: 2, perPage: 2 },
    sandboxOperations: {
      create: 'create',
      get: 'get',
      list: 'list',
      update: 'update',
      delete: 'delete',
      start: 'start',
      stop: 'stop',
      status: 'status',
    },
    needsStarted: ['stop'],
    // Wowza Video pages carry summaries: each stream is read whole as the walk reaches it.
    listDetailRead: /^\/wowza-video\/api\/v2\.0\/live_streams\/[^/?]+$/,
    // A repeated start or stop that reached Wowza answers ERR-422-InvalidStateChange, which the lifecycle
    // rule reads as done: both may be repeated.
    retrySafe: allSafeButCreate,
    unsupported: [],
    noBody: ['delete'],
  },
  'wowza-realtime': {
    id: 'wowza-realtime',
    provider: 'wowza-realtime',
    factory: asFactory(wowzaRealtime),
    credentialSettings: ['token'],
    credentialVariables: { token: 'WOWZA_REALTIME_TOKEN' },
    fixtures: {
      origin: wowzaRealtimeFixtures.origin,
      directory: wowzaRealtimeFixtures.directory,
      settings: wowzaRealtimeSettings,
      secrets: wowzaRealtimeFixtures.secrets,
      errors: {
        rateLimit: wowzaRealtimeFixtures.errors['rate-limit'],
        serverError: wowzaRealtimeFixtures.errors['server-error'],
      },
      createInput: { name: 'unilive error subject' },
      updatePatch: { name: 'unilive contract stream (renamed)' },
      subjectId: '2adffc17',
      operations: {
        create: { target: 'create.error-subject', success: ['create.error-subject'] },
        get: { target: 'get', success: ['get'] },
        list: { target: 'list', success: ['list', 'list.detail-if7le8ip', 'get'] },
        update: { target: 'update', success: ['update'] },
        delete: { target: 'delete', success: ['delete'] },
        // No start call: start reads the stream.
        start: { target: 'start', success: ['start'] },
        stop: { target: 'stop', success: ['stop', 'get.stopped'] },
        status: { target: 'state.started', success: ['state.started', 'get.renamed'] },
      },
      paging: wowzaRealtimeFixtures.paging,
    },
    sandboxPaging: { pageSize: 2, perPage: 2 },
    sandboxOperations: {
      create: 'create',
      get: 'get',
      list: 'list',
      update: 'update',
      delete: 'delete',
      start: 'get',
      stop: 'stop',
      status: 'status',
    },
    needsStarted: [],
    // A list item lacks the publish token: each stream is read whole as the walk reaches it.
    listDetailRead: /^\/wowza-realtime\/.*\/real_time\/[^/?]+$/,
    retrySafe: allSafeButCreate,
    unsupported: [],
    noBody: ['delete'],
  },
  liveapi: {
    id: 'liveapi',
    provider: 'liveapi',
    factory: asFactory(liveapi),
    credentialSettings: ['tokenId', 'secretKey'],
    credentialVariables: { tokenId: 'LIVEAPI_TOKEN_ID', secretKey: 'LIVEAPI_SECRET_KEY' },
    fixtures: {
      origin: liveapiFixtures.origin,
      directory: liveapiFixtures.directory,
      settings: liveapiSettings,
      secrets: liveapiFixtures.secrets,
      errors: {
        rateLimit: liveapiFixtures.errors['rate-limit'],
        serverError: liveapiFixtures.errors['server-error'],
      },
      // A restream target makes create three requests: the stream, its platform, the stream read back.
      createInput: { name: 'unilive error subject', restream: [restreamTarget('debs-4ux2-r565-1sv4-68zh')] },
      updatePatch: { name: 'unilive contract stream (renamed)' },
      subjectId: '621c8dda6ebae022f13ee87u',
      operations: {
        create: { target: 'create-any', success: ['create-any', 'platform-create', 'get-with-platform'] },
        get: { target: 'get', success: ['get'] },
        list: { target: 'list', success: ['list', 'list-page-2'] },
        // A PATCH answered with anything but the stream is read back with a GET.
        update: { target: 'update', success: ['update', 'get'] },
        delete: { target: 'delete', success: ['delete'] },
        start: { target: 'start', success: ['start', 'get'] },
        stop: { target: 'stop', success: ['stop', 'get-stopped'] },
        // No state call: waitForState polls get.
        status: { target: 'get', success: ['get'] },
      },
      paging: liveapiFixtures.paging,
    },
    // LiveAPI takes no page size; the sandbox cuts pages of 10.
    sandboxPaging: { perPage: 10 },
    sandboxOperations: {
      create: 'create',
      get: 'get',
      list: 'list',
      update: 'update',
      delete: 'delete',
      start: 'start',
      stop: 'stop',
      status: 'get',
    },
    needsStarted: [],
    retrySafe: allSafeButCreate,
    unsupported: [],
    noBody: [],
  },
  videosdk: {
    id: 'videosdk',
    provider: 'videosdk',
    factory: asFactory(videosdk),
    // v1, chosen explicitly: v2 is the default (the `videosdk-v2` configuration).
    settings: { apiVersion: 'v1' },
    credentialSettings: ['token', 'apiKey', 'secret'],
    credentialVariables: videosdkCredentialVariables,
    fixtures: {
      origin: videosdkFixtures.origin,
      directory: videosdkFixtures.directory,
      settings: videosdkSettings,
      secrets: videosdkFixtures.secrets,
      errors: {
        rateLimit: videosdkFixtures.errors['rate-limit'],
        serverError: videosdkFixtures.errors['server-error'],
      },
      createInput: {
        name: 'unilive error subject',
        recording: true,
        restream: [restreamTarget('0tjp-h6a2-8c9d-vusv-01uu', 'rtmp://x.rtmp.youtube.com/live2')],
      },
      updatePatch: { name: 'Nickname for livestream (renamed)' },
      subjectId: '6034a7dfa9cedd724c20cf67',
      operations: {
        create: {
          target: 'create-livestream.error-subject',
          success: ['create-livestream.error-subject'],
        },
        get: { target: 'get-livestream', success: ['get-livestream'] },
        list: { target: 'list-livestreams', success: ['list-livestreams'] },
        update: { target: 'update-livestream', success: ['update-livestream'] },
        delete: { target: 'delete-livestream', success: ['delete-livestream'] },
        // v1 has no start call: start fetches the stream.
        start: { target: 'get-livestream', success: ['get-livestream'] },
        status: { target: 'get-livestream', success: ['get-livestream'] },
      },
      paging: videosdkFixtures.paging,
    },
    sandboxPaging: { pageSize: 2, perPage: 2 },
    sandboxOperations: {
      create: 'create',
      get: 'get',
      list: 'list',
      update: 'update',
      delete: 'delete',
      start: 'get',
      status: 'get',
    },
    needsStarted: [],
    retrySafe: allSafeButCreate,
    // v1 has no stop call: stop throws UnsupportedOperationError before any request.
    unsupported: ['stop'],
    noBody: [],
  },
  'videosdk-v2': {
    id: 'videosdk-v2',
    provider: 'videosdk',
    factory: asFactory(videosdk),
    settings: { apiVersion: 'v2' },
    credentialSettings: ['token', 'apiKey', 'secret'],
    credentialVariables: videosdkCredentialVariables,
    fixtures: {
      origin: videosdkV2Fixtures.origin,
      directory: videosdkV2Fixtures.directory,
      settings: videosdkV2Settings,
      secrets: videosdkV2Fixtures.secrets,
      errors: {
        rateLimit: videosdkV2Fixtures.errors['rate-limit'],
        serverError: videosdkV2Fixtures.errors['server-error'],
      },
      // Recording and restream targets wait for start (held by the client): the create is the room alone.
      createInput: {
        name: 'unilive error subject',
        recording: true,
        restream: [restreamTarget('fcz-4da-dver-qxzp-0rm')],
      },
      // Rooms keep no name: the change v2 can make is the room's status toggle, then a read.
      updatePatch: { providerOptions: { videosdk: { disabled: false } } },
      subjectId: 'abcd-efgh-ijkl',
      operations: {
        create: { target: 'v2-rooms-create.error-subject', success: ['v2-rooms-create.error-subject'] },
        get: { target: 'v2-rooms-get', success: ['v2-rooms-get', 'v2-hls-active.none'] },
        list: { target: 'v2-rooms-list', success: ['v2-rooms-list', 'v2-hls-active.none'] },
        update: {
          target: 'v2-rooms-update',
          success: ['v2-rooms-update', 'v2-rooms-get', 'v2-hls-active.none'],
        },
        delete: { target: 'v2-rooms-deactivate', success: ['v2-rooms-deactivate'] },
        // A fresh client holds nothing for the room: the start is the room id alone, then a read.
        start: {
          target: 'v2-hls-start.error-subject',
          success: [
            'v2-hls-start.error-subject',
            'v2-rooms-get',
            'v2-hls-active.starting',
            'v2-livestreams-list.running',
          ],
        },
        // stop reads the active egress first, ends the RTMP-outs and the egress, then reads the stream.
        stop: {
          target: 'v2-hls-active',
          success: [
            'v2-hls-active',
            'v2-livestreams-list.running',
            'v2-livestreams-end',
            'v2-hls-end',
            'v2-rooms-get',
            'v2-hls-active.stopping',
            'v2-livestreams-list.ended',
          ],
        },
        // waitForState polls the room and its egress (read at once, as get reads them), then reads the
        // whole stream once.
        status: {
          target: 'v2-hls-active',
          success: [
            'v2-rooms-get',
            'v2-hls-active',
            'v2-rooms-get',
            'v2-hls-active',
            'v2-livestreams-list.running',
          ],
        },
      },
      paging: videosdkV2Fixtures.paging,
    },
    sandboxPaging: { pageSize: 2, perPage: 2 },
    sandboxOperations: {
      create: 'create',
      get: 'get',
      list: 'list',
      update: 'update',
      delete: 'delete',
      start: 'start',
      // stop's first request is the active egress read.
      stop: 'status',
      status: 'status',
    },
    needsStarted: ['stop'],
    // get, and the status poll, read the room and its egress at once; the poll's room read comes first and
    // is not the one faulted (the egress read is), so the read of the whole stream after it begins where
    // the room is read again.
    readsAtOnce: ['get', 'status'],
    pollsAtOnce: ['status'],
    besideRead: /^\/videosdk\/v2\/hls\/[^/]+\/active$/,
    // A room page carries no state: each room's active egress is read as the walk reaches it.
    listDetailRead: /^\/videosdk\/v2\/hls\/[^/]+\/active$/,
    // `hls/start` is a POST the HTTP layer does not repeat (a repeated start is refused 409 and read back
    // by the lifecycle rule, but only a new call makes it); the reads, deactivate and the ends may repeat.
    retrySafe: { ...allSafeButCreate, start: false },
    unsupported: [],
    noBody: [],
  },
};
