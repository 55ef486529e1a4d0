import type {
  DialectContext,
  ErrorKind,
  FaultOperation,
  SandboxDialect,
  SandboxRequest,
  SandboxResponse,
} from '../types.js';
import {
  hasLoneSurrogate,
  keptJsonProblem,
  nameTooLong,
  undocumentedNameLimit,
  undocumentedPlatformLimits,
  undocumentedRestreamTargetLimit,
  undocumentedSettingsLimits,
} from './names.js';
import { isPagingRefusal, readPaging } from './paging.js';
import { decodeSegment } from './path.js';

// LiveAPI (api.liveapi.com), as far as its docs, client code and Castr's shared API show it:
// - HTTP Basic with Token ID and Secret Key; no version segment in paths;
// - a live stream is Mongo-shaped (`_id`, `creation_time`) with `enabled` as its only lifecycle flag;
//   toggling it takes effect at once ("emergency stop"), so there is no intermediate state to time;
// - `broadcasting_status` is `online` while an encoder pushes to an enabled stream, else `offline`, and
//   `pull_urls` exists only while online; the create answer carries neither (create-livestream sample);
// - restream targets are `platforms` added under the stream and listed on it;
// - the list is a mongoose-paginate envelope (`docs`, `page`, `pages`, …) walked with `?page=N`.
// Error bodies are not documented: the sandbox answers `{ "message": … }` with the documented statuses.
// SANDBOX CHOICES no LiveAPI document shows, left out with `documentedOnly`: the stream's `name` (only Castr
// keeps one), the list's paging fields (`total`, `limit`, `page`, `pages`: only `docs` is seen, so the list
// is then one page of every stream) and each platform's own `broadcasting_status` (placement inferred).
// Temporary recordings (`/live_streams/{id}/temporary_recordings[/{recording_id}]`, vendor reference §10.1: the list
// is a bare JSON array, D5; one recording and its convert-to-VOD POST, G1): LiveAPI records every broadcast, but
// the sandbox keeps no recording of any (its media routes serve live HLS only), so the list is always `[]` and
// every recording id is unknown: 404, the convert POST included. SANDBOX CHOICE, unverified: the message
// `Temporary recording not found` (LiveAPI's error bodies are undocumented, as for streams).

interface PlatformRecord {
  id: string;
  template: string;
  enabled: boolean;
  server: string;
  key: string;
}

interface StreamRecord {
  id: string;
  name?: string;
  enabled: boolean;
  /** `lv_` and 32 hex digits: the public part, also in playback URLs. */
  key: string;
  /** The 8 hex digits after `?password=`: what makes the key a publish credential. */
  password: string;
  settings: Record<string, unknown>;
  platforms: PlatformRecord[];
  creationTime: string;
}

const pageSize = 10;
// Owner ids every stream carries (at the vendor, `user` is also a path segment of the HLS URL).
const userId = '64b7f0c2a1d3e5f7091b2c3d';
const organizationId = '64b7f0c2a1d3e5f7091b2c3e';
// Ingest and HLS point at the sandbox's own RTMP ingest and media route (`static` is the vendor's application
// name); the other hosts are vendor-shaped under a sandbox label: they are data, never contacted.
const ingestApplication = 'static';
const playerOrigin = 'https://player.sandbox.liveapi.com';
const pullHost = 'sg-1.sandbox.liveapi.com';

const json = (status: number, body: unknown, headers?: Record<string, string>): SandboxResponse => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});
const failure = (status: number, message: string): SandboxResponse => json(status, { message });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const streamPath = /^\/live_streams\/([^/]+)$/;
// A segment that does not decode names no stream: as an unknown id.
const decode = (segment: string | undefined): string => decodeSegment(segment) ?? '';
const platformsPath = /^\/live_streams\/([^/]+)\/platforms$/;
const recordingsPath = /^\/live_streams\/([^/]+)\/temporary_recordings$/;
const recordingPath = /^\/live_streams\/([^/]+)\/temporary_recordings\/([^/]+)$/;

/** LiveAPI's dialect: `/live_streams` with Basic auth, the `enabled` toggle and platforms. */
export const liveapiDialect: SandboxDialect = {
  id: 'liveapi',
  basePath: '',

  defaultCredentials: () => ({
    tokenId: 'sandbox-liveapi-token-id',
    secretKey: 'sandbox-liveapi-secret-key-0123456789',
  }),

  operationOf(request: SandboxRequest): FaultOperation | undefined {
    const { method, path } = request;
    if (path === '/live_streams') {
      if (method === 'POST') return 'create';
      if (method === 'GET') return 'list';
      return undefined;
    }
    if (!streamPath.test(path)) return undefined;
    if (method === 'GET') return 'get';
    if (method === 'DELETE') return 'delete';
    if (method !== 'PATCH') return undefined;
    const body = request.body;
    if (isObject(body) && Object.keys(body).length === 1 && typeof body.enabled === 'boolean') {
      return body.enabled ? 'start' : 'stop';
    }
    return 'update';
  },

  error(kind: ErrorKind, status: number, message: string): SandboxResponse {
    // LiveAPI documents no state conflict; 409 is its listed status for "conflicts with another request".
    if (kind === 'conflict') return failure(409, message);
    if (kind === 'invalid') return failure(400, message);
    return failure(status, message);
  },

  handle(request: SandboxRequest, context: DialectContext): SandboxResponse {
    if (!authorized(request.headers.get('authorization'), context.settings.credentials)) {
      return failure(401, 'Unauthorized');
    }
    const streams = context.collection<StreamRecord>('live_streams');
    const { method, path } = request;

    if (path === '/live_streams') {
      if (method === 'POST') return create(request.body, streams, context);
      if (method === 'GET') return list(request.query, streams, context);
      return failure(404, 'Not found');
    }

    const platformsMatch = platformsPath.exec(path);
    if (platformsMatch) {
      const stream = streams.get(decode(platformsMatch[1]));
      if (!stream) return failure(404, 'Live stream not found');
      if (method === 'GET') return json(200, render(stream, context).platforms);
      if (method === 'POST') return addPlatform(stream, request.body, context);
      return failure(404, 'Not found');
    }

    const recordingsMatch = recordingsPath.exec(path);
    if (recordingsMatch) {
      if (!streams.get(decode(recordingsMatch[1]))) return failure(404, 'Live stream not found');
      // A bare array, not the `docs` envelope (D5). The sandbox keeps no recording: none to list.
      if (method === 'GET') return json(200, []);
      return failure(404, 'Not found');
    }

    const recordingMatch = recordingPath.exec(path);
    if (recordingMatch) {
      if (!streams.get(decode(recordingMatch[1]))) return failure(404, 'Live stream not found');
      // GET reads one recording (G1); POST `{ from, duration }` converts it into a VOD (G1, D5). With no
      // recording kept, every id is unknown to both: 404 before the convert body is read.
      if (method === 'GET' || method === 'POST') return failure(404, 'Temporary recording not found');
      return failure(404, 'Not found');
    }

    const streamMatch = streamPath.exec(path);
    if (!streamMatch) return failure(404, 'Not found');
    const id = decode(streamMatch[1]);
    const stream = streams.get(id);
    if (!stream) return failure(404, 'Live stream not found');
    if (method === 'GET') return json(200, render(stream, context));
    if (method === 'PATCH') return patch(stream, request.body, context);
    if (method === 'DELETE') {
      // A publisher on the stream is cut by the delete: `stream-disconnected` carries the stream as any
      // disconnect does, before `stream-removed` (undocumented; docs/providers/liveapi.md).
      context.disconnectEncoder(id);
      const record = render(stream, context);
      streams.delete(id);
      context.changed();
      context.emit({ kind: 'deleted', id, state: stateOf(stream), record });
      return json(200, { success: true });
    }
    return failure(404, 'Not found');
  },

  // `server` + `key`: the key is `lv_…` and its `?password=` suffix is what makes it a publish credential.
  ingest: {
    match(request, context) {
      if (request.application !== ingestApplication) return undefined;
      const stream = [...context.collection<StreamRecord>('live_streams').values()].find(
        (candidate) => candidate.key === request.streamName,
      );
      if (!stream) return { accept: false, reason: 'unknown stream key' };
      if (request.query.get('password') !== stream.password) {
        return { accept: false, reason: 'wrong stream key password', streamId: stream.id };
      }
      if (!stream.enabled) return { accept: false, reason: 'the stream is disabled', streamId: stream.id };
      return { accept: true, streamId: stream.id };
    },
  },

  streams(context) {
    return [...context.collection<StreamRecord>('live_streams').values()].map((stream) => {
      const rendered = render(stream, context);
      return {
        id: stream.id,
        ...(stream.name === undefined ? {} : { name: stream.name }),
        state: stateOf(stream),
        acceptsVideo: stream.enabled,
        ingest: [
          { label: 'server', value: rendered.ingest.server },
          { label: 'key', value: rendered.ingest.key, secret: true },
        ],
        hlsUrl: rendered.playback.hls_url,
      };
    });
  },

  describe(id: string, context: DialectContext) {
    const stream = context.collection<StreamRecord>('live_streams').get(id);
    return stream ? { record: render(stream, context), state: stateOf(stream) } : undefined;
  },
};

// LiveAPI has no state word: the `enabled` flag is its lifecycle.
const stateOf = (stream: StreamRecord) => (stream.enabled ? 'enabled' : 'disabled');

function authorized(header: string | null, credentials: Record<string, string>): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header?.trim() ?? '');
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  return decoded === `${credentials.tokenId ?? ''}:${credentials.secretKey ?? ''}`;
}

/** A Mongo ObjectId: 8 hex digits of creation time in seconds, then 16 random hex digits. */
function objectId(context: DialectContext): string {
  const seconds = Math.floor(context.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `${seconds}${context.randomHex(16)}`;
}

function checkFields(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  if (!isObject(body)) return 'Request body must be a JSON object';
  if (body.name !== undefined && typeof body.name !== 'string') return 'name must be a string';
  // A lone surrogate is no character: it has no UTF-8 form to answer or persist.
  if (typeof body.name === 'string' && hasLoneSurrogate(body.name))
    return 'name must be well-formed text (no lone surrogate)';
  // No LiveAPI source gives a limit; the sandbox's own (unverified) keeps the store bounded.
  if (typeof body.name === 'string' && nameTooLong(body.name))
    return `name must be at most ${undocumentedNameLimit} characters`;
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean') return 'enabled must be a boolean';
  if (body.settings !== undefined && !isObject(body.settings)) return 'settings must be an object';
  return undefined;
}

/**
 * Why `settings` as they would be kept (a create's, or an update's merged over the stream's) are refused:
 * no LiveAPI source documents their fields or a limit, so the sandbox's own unverified bounds
 * (`undocumentedSettingsLimits`) keep a raw request from storing what every later read carries.
 */
function settingsProblem(settings: Record<string, unknown>): string | undefined {
  const { jsonLength, depth } = undocumentedSettingsLimits;
  const problem = keptJsonProblem(settings, jsonLength, depth);
  if (problem === 'depth') return `settings must be nested at most ${depth} levels deep`;
  if (problem === 'surrogate') return 'settings must be well-formed text (no lone surrogate)';
  if (problem === 'length') return `settings must be at most ${jsonLength} characters as JSON`;
  return undefined;
}

function create(body: unknown, streams: Map<string, StreamRecord>, context: DialectContext): SandboxResponse {
  const problem = checkFields(body);
  if (problem) return failure(400, problem);
  const fields = isObject(body) ? body : {};
  const settings = isObject(fields.settings) ? { ...fields.settings } : {};
  const settingsRefused = settingsProblem(settings);
  if (settingsRefused) return failure(400, settingsRefused);
  const record: StreamRecord = {
    id: objectId(context),
    enabled: typeof fields.enabled === 'boolean' ? fields.enabled : true,
    key: `lv_${context.randomHex(32)}`,
    password: context.randomHex(8),
    settings,
    platforms: [],
    creationTime: new Date(context.now()).toISOString(),
  };
  if (typeof fields.name === 'string') record.name = fields.name;
  streams.set(record.id, record);
  context.countCreate();
  context.changed();
  context.emit({ kind: 'created', id: record.id, state: stateOf(record), record: render(record, context) });
  // The documented create answer has no `broadcasting_status` (nor `pull_urls`).
  const { broadcasting_status: _status, ...created } = render(record, context);
  return json(201, created);
}

function list(
  query: URLSearchParams,
  streams: Map<string, StreamRecord>,
  context: DialectContext,
): SandboxResponse {
  const all = [...streams.values()];
  if (context.settings.documentedOnly) {
    // One unpaged page, as the documents show it; list faults still apply to it (an odd record).
    const { records } = context.page(all, 1, Math.max(all.length, 1));
    return json(200, { docs: records.map((record) => render(record, context)) });
  }
  // `?page=N` (G1's walk); the page size is fixed, so `page` is the one parameter read. One that is no
  // integer, or past what the answer can carry exactly, is a bad request: LiveAPI's documented 400 ("Bad
  // request"); its wording is the sandbox's, as LiveAPI documents no error body.
  const asked = readPaging(query, { page: 'page', defaultSize: pageSize, maxSize: pageSize });
  if (isPagingRefusal(asked)) {
    return failure(
      400,
      asked.problem === 'not-an-integer'
        ? 'page must be an integer'
        : `page must be an integer no greater than ${asked.max}`,
    );
  }
  const { records, page, total } = context.page(all, asked.page, pageSize);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const docs = records.map((record) => render(record, context));
  return json(200, { docs, total, limit: pageSize, page, pages });
}

function patch(stream: StreamRecord, body: unknown, context: DialectContext): SandboxResponse {
  const problem = checkFields(body);
  if (problem) return failure(400, problem);
  if (!isObject(body)) return failure(400, 'Request body must be a JSON object');
  // Checked as they would be kept, merged over the stream's, before anything changes.
  const settings = isObject(body.settings) ? { ...stream.settings, ...body.settings } : undefined;
  const settingsRefused = settings && settingsProblem(settings);
  if (settingsRefused) return failure(400, settingsRefused);
  const previousState = stateOf(stream);
  const others = Object.keys(body).some((key) => key !== 'enabled');
  if (typeof body.name === 'string') stream.name = body.name;
  if (typeof body.enabled === 'boolean') stream.enabled = body.enabled;
  if (settings) stream.settings = settings;
  context.changed();
  const state = stateOf(stream);
  const record = render(stream, context);
  if (state !== previousState)
    context.emit({ kind: 'state-changed', id: stream.id, previousState, state, record });
  if (others) context.emit({ kind: 'updated', id: stream.id, state, record });
  return json(200, record);
}

function addPlatform(stream: StreamRecord, body: unknown, context: DialectContext): SandboxResponse {
  if (!isObject(body)) return failure(400, 'Request body must be a JSON object');
  if (body.template !== 'custom') return failure(400, 'template must be "custom"');
  if (typeof body.server !== 'string' || !/^rtmps?:\/\/[^/\s]+/.test(body.server)) {
    return failure(400, 'server must be an RTMP URL');
  }
  if (typeof body.key !== 'string' || body.key.length === 0) return failure(400, 'key is required');
  for (const field of ['server', 'key'] as const) {
    if (hasLoneSurrogate(body[field] as string))
      return failure(400, `${field} must be well-formed text (no lone surrogate)`);
  }
  // No LiveAPI source gives a limit; the sandbox's own (unverified) keeps the store bounded, as for names.
  for (const field of ['server', 'key'] as const) {
    if ((body[field] as string).length > undocumentedPlatformLimits[field])
      return failure(400, `${field} must be at most ${undocumentedPlatformLimits[field]} characters`);
  }
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean') {
    return failure(400, 'enabled must be a boolean');
  }
  // The count bounded too, as videosdk's targets are: each platform may hold kilobytes, and a stream is
  // answered, and saved, whole.
  if (stream.platforms.length >= undocumentedRestreamTargetLimit) {
    return failure(400, `a stream holds at most ${undocumentedRestreamTargetLimit} platforms`);
  }
  const platform: PlatformRecord = {
    id: objectId(context),
    template: 'custom',
    enabled: body.enabled === true,
    server: body.server,
    key: body.key,
  };
  stream.platforms.push(platform);
  context.changed();
  context.emit({
    kind: 'updated',
    id: stream.id,
    state: stateOf(stream),
    record: render(stream, context),
    details: { restream: 'added' },
  });
  return json(201, {
    _id: platform.id,
    template: platform.template,
    enabled: platform.enabled,
    server: platform.server,
    key: platform.key,
  });
}

function render(stream: StreamRecord, context: DialectContext) {
  // `enabled: false` refuses the encoder, so a disabled stream is never online.
  const online = stream.enabled && context.encoderConnected(stream.id);
  const documentedOnly = context.settings.documentedOnly;
  return {
    _id: stream.id,
    ...(stream.name === undefined || documentedOnly ? {} : { name: stream.name }),
    enabled: stream.enabled,
    ingest: {
      server: `${context.ingestOrigin}/${ingestApplication}`,
      key: `${stream.key}?password=${stream.password}`,
    },
    playback: {
      embed_url: `${playerOrigin}/${stream.key}`,
      embed_audio_url: `${playerOrigin}/${stream.key}?onlyAudio=true`,
      hls_url: context.mediaUrl(stream.id, 'index.m3u8'),
    },
    platforms: stream.platforms.map((platform) => ({
      _id: platform.id,
      template: platform.template,
      enabled: platform.enabled,
      server: platform.server,
      key: platform.key,
      ...(documentedOnly ? {} : { broadcasting_status: online && platform.enabled ? 'online' : 'offline' }),
    })),
    settings: { pulling_mode: {}, ...stream.settings },
    broadcasting_status: online ? 'online' : 'offline',
    user: userId,
    environment: 'production',
    organization: organizationId,
    creation_time: stream.creationTime,
    ...(online
      ? {
          pull_urls: {
            rtmp: `rtmp://${pullHost}/${stream.key}`,
            srt: `srt://${pullHost}:9998/?streamid=#!::r=${stream.key},m=request`,
          },
        }
      : {}),
  };
}
