import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type {
  DialectContext,
  DialectSettings,
  ErrorKind,
  FaultOperation,
  SandboxDialect,
  SandboxRequest,
  SandboxResponse,
} from '../types.js';
import { hasLoneSurrogate, nameTooLong, restreamTargetsProblem } from './names.js';
import { isPagingRefusal, type PagingRefusal, type PagingRules, readPaging } from './paging.js';
import { decodeSegment } from './path.js';
import {
  describeVideosdkV2Room,
  handleVideosdkV2,
  isVideosdkV2Path,
  resumeVideosdkV2,
  videosdkV2CrossOriginHeaders,
  videosdkV2OperationOf,
  videosdkV2Rooms,
} from './videosdk-v2.js';

/**
 * videosdk.live, v1 live-stream API (`/v1/livestreams`), as the vendor documented it until the product was
 * withdrawn in February 2023: create, list, get, update (POST) and delete; no start, stop or state.
 *
 * Authentication: `Authorization` carries a bare HS256 JWT signed with the account secret, payload
 * `{ apikey }` plus `iat`/`exp` (vendor v1 authentication page). The sandbox verifies the signature with
 * its `secret`, the `apikey` claim against its `apiKey`, and `exp`/`nbf`; anything else, a missing header
 * or a `Bearer `-prefixed one included, is a 401.
 *
 * Error bodies are not documented for v1; the sandbox answers `{ message }`, the field the vendor's own
 * server SDK reads first, with the wording of the vendor's v2 error table.
 */

interface VideosdkRestreamRecord {
  _id: string;
  url: string;
  streamKey: string;
}

interface VideosdkLiveStreamRecord {
  id: string;
  record: boolean;
  userId: string;
  name: string;
  streamKey: string;
  streamUrl: string;
  upstreamUrl: string;
  downstreamUrl: string;
  recordingUrl: string;
  restream: VideosdkRestreamRecord[];
  createdAt: string;
  updatedAt: string;
}

// The reference pushes to `rtmp://live.videosdk.live/live/<streamKey>`; the sandbox keeps the `live`
// application on its own RTMP ingest and serves the HLS at its media route. The URLs are rendered from the
// sandbox's addresses on every answer, so a persisted stream follows a sandbox restarted on other ports.
const ingestApplication = 'live';

/**
 * The folder of the media route under which v1's playback URLs name a stream by its key. The vendor plays a
 * stream at `https://live.videosdk.live/live/<streamKey>/index.m3u8` (its recording at
 * `…/live/<streamKey>/storage/index.m3u8`): the key, not the id, is in the path, so anyone holding a
 * playback URL holds the publishing key. The sandbox keeps that path under its own origin and media route,
 * `/media/videosdk/live/<streamKey>/…`, so an adapter meets the key where users meet it, and the route
 * resolves the key to the stream as the RTMP ingest does ({@link videosdkV1StreamOfKey}): a deleted stream's
 * key, or one no stream has, plays nothing. v1 ids are 24 hex digits and v2 room ids `xxxx-xxxx-xxxx`, so
 * no stream's id is `live`.
 */
export const videosdkV1MediaFolder = ingestApplication;

function render(stream: VideosdkLiveStreamRecord, context: DialectContext): VideosdkLiveStreamRecord {
  const streamUrl = `${context.ingestOrigin}/${ingestApplication}/`;
  const key = encodeURIComponent(stream.streamKey);
  return {
    ...stream,
    streamUrl,
    upstreamUrl: `${streamUrl}${stream.streamKey}`,
    downstreamUrl: context.mediaUrl(videosdkV1MediaFolder, `${key}/index.m3u8`),
    // No recording is kept by the sandbox: the URL has the vendor's shape and serves nothing.
    recordingUrl: context.mediaUrl(videosdkV1MediaFolder, `${key}/storage/index.m3u8`),
  };
}

/**
 * The id of the v1 stream whose key is `key`, or undefined when none has it: what both the RTMP ingest
 * (`rtmp://…/live/<streamKey>`) and the media route (`/media/videosdk/live/<streamKey>/…`) resolve a key
 * with, so a stream that is deleted, or whose key is no longer the one asked, is found by neither.
 */
export function videosdkV1StreamOfKey(key: string, context: DialectContext): string | undefined {
  if (key === '') return undefined;
  for (const stream of context.collection<VideosdkLiveStreamRecord>(collectionName).values()) {
    if (stream.streamKey === key) return stream.id;
  }
  return undefined;
}

const defaultPageSize = 20;
// The reference documents no maximum; the sandbox caps generously so any adapter cap fits under it.
const maxPageSize = 100;

const collectionName = 'livestreams';
const invalidToken = '`token` is invalid.';
const notFound = 'Livestream not found.';

/**
 * The videosdk dialect of the sandbox: v1 (`/v1/livestreams`, this file) and v2 (`/v2/…`, rooms, sessions,
 * HLS and RTMP-out; `videosdk-v2.ts`) side by side under one host, as at the vendor, so one adapter
 * setting (`apiVersion`) picks between them.
 */
export const videosdkDialect: SandboxDialect = {
  id: 'videosdk',
  // The adapter's base URL is the bare API host; `/v1` or `/v2` is part of every path, as at the vendor.
  basePath: '',

  defaultCredentials: () => ({
    apiKey: '5b1d4c2e-9a7f-4e36-8c0d-2f1a9e7b6c53',
    secret: 'sandbox-videosdk-secret-3f9c1a7e5d2b8046e1c9a3f7d5b2e80c',
  }),

  operationOf(request: SandboxRequest): FaultOperation | undefined {
    if (isVideosdkV2Path(request.path)) return videosdkV2OperationOf(request);
    const route = routeOf(request.path);
    if (route === 'collection') {
      if (request.method === 'POST') return 'create';
      if (request.method === 'GET') return 'list';
      return undefined;
    }
    if (route === undefined) return undefined;
    if (request.method === 'GET') return 'get';
    if (request.method === 'POST') return 'update';
    if (request.method === 'DELETE') return 'delete';
    return undefined;
  },

  crossOriginHeaders: videosdkV2CrossOriginHeaders,

  error(kind: ErrorKind, status: number, message: string): SandboxResponse {
    // Both versions answer errors alike: `{ message }`, and 409 for a conflict (v2 can have real ones: an
    // egress that is starting or stopping).
    // A conflict here is a planned fault (v1 has no state that could conflict; v2's own conflicts are
    // answered by its routes). The nearest honest answer is the status the vendor's server SDK reads as a
    // conflict, 409, whatever the engine proposes (422 is a validation failure at this vendor:
    // `invalid_object`); its text names neither version, since both answer it.
    if (kind === 'conflict') {
      return {
        status: 409,
        body: { message: 'this 409 was planned: a conflict fault the sandbox was asked for' },
      };
    }
    return { status, body: { message } };
  },

  handle(request: SandboxRequest, context: DialectContext): SandboxResponse {
    if (isVideosdkV2Path(request.path)) return handleVideosdkV2(request, context);
    const route = routeOf(request.path);
    if (route === undefined) return notFoundRoute(request);
    if (!authenticated(request.headers.get('authorization'), context.settings, context.now())) {
      return { status: 401, body: { message: invalidToken } };
    }
    const streams = context.collection<VideosdkLiveStreamRecord>(collectionName);
    if (route === 'collection') {
      if (request.method === 'POST') return create(request.body, streams, context);
      if (request.method === 'GET') return list(request.query, streams, context);
      return notFoundRoute(request);
    }
    const stream = streams.get(route.id);
    if (request.method !== 'GET' && request.method !== 'POST' && request.method !== 'DELETE') {
      return notFoundRoute(request);
    }
    if (!stream) return { status: 404, body: { message: notFound } };
    if (request.method === 'GET') return { status: 200, body: render(stream, context) };
    if (request.method === 'POST') return update(stream, request.body, context);
    // The publisher the delete cuts leaves while the stream still exists, as it would by itself.
    context.disconnectEncoder(stream.id);
    streams.delete(stream.id);
    context.changed();
    const last = render(stream, context);
    context.emit({ kind: 'deleted', id: stream.id, record: { ...last } });
    return { status: 200, body: last };
  },

  // `upstreamUrl` = `streamUrl` + `streamKey`: a stream takes video for as long as it exists.
  ingest: {
    match(request, context) {
      if (request.application !== ingestApplication) return undefined;
      const streamId = videosdkV1StreamOfKey(request.streamName, context);
      return streamId !== undefined
        ? { accept: true, streamId }
        : { accept: false, reason: 'unknown stream key' };
    },
  },

  // v1 live streams, then v2 rooms (the default API version's streams), each oldest first.
  streams(context) {
    const v1 = [...context.collection<VideosdkLiveStreamRecord>(collectionName).values()].map((stream) => {
      const rendered = render(stream, context);
      return {
        id: stream.id,
        name: stream.name,
        // v1 keeps no state: a stream takes video for as long as it exists.
        state: 'always on',
        acceptsVideo: true,
        ingest: [
          { label: 'streamUrl', value: rendered.streamUrl },
          { label: 'streamKey', value: stream.streamKey, secret: true },
        ],
        // The API's `downstreamUrl` holds the stream key, which the overview never shows (it is a secret
        // above): the dashboard names the sandbox's own address of the same HLS, by the stream's id.
        hlsUrl: context.mediaUrl(stream.id, 'index.m3u8'),
      };
    });
    return [...v1, ...videosdkV2Rooms(context)];
  },

  describe(id: string, context: DialectContext) {
    const stream = context.collection<VideosdkLiveStreamRecord>(collectionName).get(id);
    return stream ? { record: { ...render(stream, context) } } : describeVideosdkV2Room(id, context);
  },

  // v1 streams have no transition in flight; v2 egresses saved starting or stopping are re-armed.
  resume: resumeVideosdkV2,
};

type Route = 'collection' | { id: string } | undefined;

function routeOf(path: string): Route {
  const match = /^\/v1\/livestreams\/?(?:([^/]+)\/?)?$/.exec(path);
  if (!match) return undefined;
  if (match[1] === undefined) return 'collection';
  const id = decodeSegment(match[1]);
  return id === undefined ? undefined : { id };
}

function notFoundRoute(request: SandboxRequest): SandboxResponse {
  return { status: 404, body: { message: `Cannot ${request.method} ${request.path}` } };
}

function create(
  body: unknown,
  streams: Map<string, VideosdkLiveStreamRecord>,
  context: DialectContext,
): SandboxResponse {
  // The vendor's one message for a name it refuses; its limit is the sandbox's own (unverified).
  if (!isObject(body) || typeof body.name !== 'string' || !validName(body.name)) {
    return invalid('Please provide a valid name in body params.');
  }
  if (body.record !== undefined && typeof body.record !== 'boolean') {
    return invalid('record must be a boolean.');
  }
  const restream = readRestream(body.restream, context);
  if (restream === undefined) return invalid('restream must be an array of { url, streamKey }.');
  const restreamRefused = restreamTargetsProblem(restream, 'restream');
  if (restreamRefused) return invalid(restreamRefused);
  const now = new Date(context.now()).toISOString();
  const streamKey = randomUUID();
  const userId = userIdOf(context.settings);
  const stream: VideosdkLiveStreamRecord = {
    id: context.randomHex(24),
    record: body.record ?? false,
    userId,
    name: body.name,
    streamKey,
    // Rendered from the sandbox's addresses on every answer (see `render`).
    streamUrl: '',
    upstreamUrl: '',
    downstreamUrl: '',
    // Every reference example carries it, `record: false` ones included, though the guide says otherwise.
    recordingUrl: '',
    restream,
    createdAt: now,
    updatedAt: now,
  };
  streams.set(stream.id, stream);
  context.countCreate();
  context.changed();
  const rendered = render(stream, context);
  context.emit({ kind: 'created', id: stream.id, record: { ...rendered } });
  // Only the create example shows the owner inline.
  return { status: 200, body: { ...rendered, user: { name: 'Sandbox user', id: userId } } };
}

function list(
  query: URLSearchParams,
  streams: Map<string, VideosdkLiveStreamRecord>,
  context: DialectContext,
): SandboxResponse {
  const asked = readPaging(query, videosdkPaging(defaultPageSize, maxPageSize));
  if (isPagingRefusal(asked)) return invalid(videosdkPagingProblem(asked));
  const { perPage } = asked;
  const { records, page, total } = context.page([...streams.values()], asked.page, perPage);
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const data = records.map((stream) => render(stream, context));
  return { status: 200, body: { pageInfo: { currentPage: page, perPage, lastPage }, data } };
}

function update(stream: VideosdkLiveStreamRecord, body: unknown, context: DialectContext): SandboxResponse {
  if (body !== undefined && !isObject(body)) return invalid('Please provide a valid body.');
  const patch = body ?? {};
  if (patch.name !== undefined && (typeof patch.name !== 'string' || !validName(patch.name))) {
    return invalid('Please provide a valid name in body params.');
  }
  if (patch.record !== undefined && typeof patch.record !== 'boolean') {
    return invalid('record must be a boolean.');
  }
  // The reference's update body is `name` and `record`; anything else is ignored.
  if (typeof patch.name === 'string') stream.name = patch.name;
  if (typeof patch.record === 'boolean') stream.record = patch.record;
  stream.updatedAt = new Date(context.now()).toISOString();
  context.changed();
  const rendered = render(stream, context);
  context.emit({ kind: 'updated', id: stream.id, record: { ...rendered } });
  return { status: 200, body: rendered };
}

// Not blank, no lone surrogate (no character: no UTF-8 form to answer or persist), and within the sandbox's
// own (unverified) bound.
function validName(name: string): boolean {
  return name.trim() !== '' && !hasLoneSurrogate(name) && !nameTooLong(name);
}

function readRestream(value: unknown, context: DialectContext): VideosdkRestreamRecord[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return undefined;
  const targets: VideosdkRestreamRecord[] = [];
  for (const item of value) {
    if (!isObject(item) || typeof item.url !== 'string' || typeof item.streamKey !== 'string')
      return undefined;
    if (!/^rtmps?:\/\/\S+$/i.test(item.url) || item.streamKey === '') return undefined;
    targets.push({ _id: context.randomHex(24), url: item.url, streamKey: item.streamKey });
  }
  return targets;
}

/**
 * Verifies the raw JWT in `Authorization` as the vendor does: HS256 over `header.payload` with the
 * account secret, an `apikey` claim naming the account, not expired, not before its `nbf`.
 */
function authenticated(header: string | null, settings: DialectSettings, nowMs: number): boolean {
  return verifiedClaims(header, settings, nowMs) !== undefined;
}

/** The claims of a token {@link authenticated} accepts (v2 checks its `version` and `roles` too). */
export function verifiedClaims(
  header: string | null,
  settings: DialectSettings,
  nowMs: number,
): Record<string, unknown> | undefined {
  const { apiKey, secret } = settings.credentials;
  if (!header || !apiKey || !secret) return undefined;
  // The vendor takes the whole header as the token: a "Bearer " prefix makes it no JWT at all.
  const parts = header.split('.');
  if (parts.length !== 3 || !parts.every((part) => /^[A-Za-z0-9_-]+$/.test(part))) return undefined;
  const [encodedHeader = '', encodedPayload = '', signature = ''] = parts;
  const protectedHeader = decodeJson(encodedHeader);
  if (protectedHeader?.alg !== 'HS256') return undefined;
  const expected = createHmac('sha256', secret).update(`${encodedHeader}.${encodedPayload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const payload = decodeJson(encodedPayload);
  if (!payload || payload.apikey !== apiKey) return undefined;
  const now = Math.floor(nowMs / 1000);
  if (payload.exp !== undefined && (typeof payload.exp !== 'number' || payload.exp <= now)) return undefined;
  if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > now)) return undefined;
  return payload;
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

// The account id is stable per API key, like the vendor's `userId` (24 hex digits).
export function userIdOf(settings: DialectSettings): string {
  return createHash('sha256')
    .update(settings.credentials.apiKey ?? '')
    .digest('hex')
    .slice(0, 24);
}

function invalid(message: string): SandboxResponse {
  return { status: 400, body: { message } };
}

/** How videosdk's lists (v1 and v2) read `page` and `perPage`, at a list's default and largest size. */
export function videosdkPaging(defaultSize: number, maxSize: number): PagingRules {
  return { page: 'page', perPage: 'perPage', defaultSize, maxSize };
}

/**
 * Why a videosdk list's `page` or `perPage` is refused (both "number" in the reference), in the vendor's
 * "Please provide a valid … params." words it uses for a bad body field. Answered 400, the status the
 * vendor's server SDK classes as validation; no videosdk source shows the answer to such a query
 * (unverified).
 */
export function videosdkPagingProblem(refusal: PagingRefusal): string {
  const valid = `Please provide a valid ${refusal.parameter} in query params.`;
  return refusal.problem === 'not-an-integer'
    ? valid
    : `${valid} ${refusal.parameter} must be at most ${refusal.max}.`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
