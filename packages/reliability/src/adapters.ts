import type {
  CreateLiveStreamInput,
  LiveStreamProvider,
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
} from '../../videosdk/test/contract-config.js';
import {
  fixtureContract as wowzaRealtimeFixtures,
  fixtureSettings as wowzaRealtimeSettings,
} from '../../wowza-realtime/test/contract-config.js';
import {
  fixtureContract as wowzaVideoFixtures,
  fixtureSettings as wowzaVideoSettings,
} from '../../wowza-video/test/contract-config.js';

/** The four adapters unilive ships. */
export const adapterIds = ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk'] as const;
export type AdapterId = (typeof adapterIds)[number];

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

/** One operation replayed on recorded fixtures: the request a fault replaces, and the exchanges of a success. */
export interface FixtureOperation {
  /** The fixture whose request is the operation's first (the one faults replace). */
  target: string;
  /** The fixtures a successful call consumes, in order (optional fallbacks included). */
  success: readonly string[];
}

/** Everything the suites need to know about one adapter. */
export interface AdapterSpec {
  id: AdapterId;
  /** The package's default export, as `createLiveStreamClientFromConfig` would call it. */
  factory(settings: Record<string, unknown>): LiveStreamProvider;
  /** Settings every run of this configuration passes besides credentials and transport (`apiVersion`). */
  settings?: Record<string, unknown>;
  /** The adapter's credential settings, for hostile credential cases (every one is tried). */
  credentialSettings: readonly string[];
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

const asFactory = (factory: unknown) =>
  factory as (settings: Record<string, unknown> & ProviderSettingsBase) => LiveStreamProvider;

const restreamTarget = (streamKey: string, url = 'rtmp://a.rtmp.youtube.com/live2') => ({ url, streamKey });

/** The four adapters, with their recorded fixtures and sandbox wiring. */
export const adapters: Record<AdapterId, AdapterSpec> = {
  'wowza-video': {
    id: 'wowza-video',
    factory: asFactory(wowzaVideo),
    credentialSettings: ['token'],
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
    // A repeated start or stop that reached Wowza answers ERR-422-InvalidStateChange, which the lifecycle
    // rule reads as done: both may be repeated.
    retrySafe: allSafeButCreate,
    unsupported: [],
    noBody: ['delete'],
  },
  'wowza-realtime': {
    id: 'wowza-realtime',
    factory: asFactory(wowzaRealtime),
    credentialSettings: ['token'],
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
    retrySafe: allSafeButCreate,
    unsupported: [],
    noBody: ['delete'],
  },
  liveapi: {
    id: 'liveapi',
    factory: asFactory(liveapi),
    credentialSettings: ['tokenId', 'secretKey'],
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
    factory: asFactory(videosdk),
    // The configuration the matrix has covered since v1 was the only API: v1 is chosen explicitly now that
    // v2 is the default.
    settings: { apiVersion: 'v1' },
    credentialSettings: ['token', 'apiKey', 'secret'],
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
};
