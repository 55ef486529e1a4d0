import { codePointLength } from '@unilive/core';
import type {
  DialectContext,
  ErrorKind,
  FaultOperation,
  SandboxDialect,
  SandboxRequest,
  SandboxResponse,
} from '../types.js';
import { hasLoneSurrogate, undocumentedWowzaTextLimits, wowzaTextProblem } from './names.js';
import { decodeSegment } from './path.js';
import {
  wowzaBearerToken,
  wowzaMeta,
  wowzaPage,
  wowzaRecordDeleted,
  wowzaRecordInvalid,
  wowzaRecordNotFound,
} from './wowza-shared.js';

// Wowza Video REST API v2.0, Real-Time Streaming at Scale (`/real_time`), as its OpenAPI description,
// the real-time tutorial and the vendor's example payloads show it:
// - `Authorization: Bearer <JWT>`; failures are `{"meta": {status, code, title, message, description, links}}`;
// - bodies and answers are wrapped: `real_time_stream` / `real_time_streams`, and `real_time` for /state;
// - a stream is usable as soon as it exists: the full object says `started` (the v2.0 example), there is
//   no start call, and `PUT /stop` ends it at once (its answer already says `stopped`), so there is no
//   intermediate state to time; stopping a stopped stream is 423 ERR-423-StreamAlreadyStopped;
// - the list shows limited details with its own state enum (`active` where the object says `started`),
//   oldest first, `page`/`per_page` (default and maximum 1000) and a `pagination` object;
// - ids are 8 lowercase letters and digits, `stream_name` 32 hex digits, tokens 64 hex digits, and
//   `rtmp_url` is `rtmp://host:1935/v2/pub/<stream_name>?token=<token>`;
// - PATCH requires `name`; `recording`, `disable_vod_encoder` and `enable_player_and_hosted_page` are
//   create-only and ignored there; a deleted stream answers 410 ERR-410-RecordDeleted.

type State = 'started' | 'stopped' | 'disabled';

interface HostedPage {
  url: string;
  title?: string;
  description?: string;
  logo_image_url?: string;
  sharing_icons: boolean;
}

interface RealTimeRecord {
  id: string;
  name: string;
  description?: string;
  stream_name: string;
  token: string;
  subscribe_token?: string;
  enable_secure_viewer: boolean;
  expires_on?: string;
  state: State;
  region: string;
  recording: boolean;
  disable_vod_encoder: boolean;
  reference_id?: string;
  enable_player_and_hosted_page: boolean;
  player_id?: string;
  logo_image_url?: string;
  logo_position?: string;
  video_poster_image_url?: string;
  width?: number;
  hosted_page?: HostedPage;
  created_at: string;
  updated_at: string;
}

const regions = ['phoenix', 'amsterdam', 'singapore', 'bangalore', 'auto'];
const logoPositions = ['top-left', 'top-right', 'bottom-left', 'bottom-right'];
// `rtmp_url` keeps the vendor's `v2/pub` application, on the sandbox's own RTMP ingest.
const ingestApplication = 'v2/pub';
// Vendor-shaped hosts under a sandbox label: they are data, never contacted.
const hostedPageOrigin = 'https://embed.sandbox.flowplayer.com/hosted/default';
const uploadsOrigin = 'https://uploads.sandbox.wowza.com/player';
const defaultPlayerId = '2205b4e8-b160-43c2-868d-d88698a4e850';

const streamPath = /^\/real_time\/([^/]+)$/;
const statePath = /^\/real_time\/([^/]+)\/state$/;
const stopPath = /^\/real_time\/([^/]+)\/stop$/;

const meta = wowzaMeta;
const invalidToken = () => meta(401, 'ERR-401-InvalidToken', 'JWT is invalid', 'Token is invalid.');
const notFound = wowzaRecordNotFound;
const deleted = wowzaRecordDeleted;
const recordInvalid = wowzaRecordInvalid;
const alreadyStopped = () =>
  meta(
    423,
    'ERR-423-StreamAlreadyStopped',
    'Stream Already Stopped Error',
    "The request couldn't be processed. The stream has already been stopped.",
  );

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// A segment that does not decode names no stream: as an unknown id.
const decode = (segment: string | undefined): string => decodeSegment(segment) ?? '';

/** Wowza Real-Time Streaming at Scale's dialect: `/real_time` under `/api/v2.0` with a bearer JWT. */
export const wowzaRealtimeDialect: SandboxDialect = {
  id: 'wowza-realtime',
  basePath: '/api/v2.0',

  // A JWT-shaped token (header {"alg":"HS256","typ":"JWT"}, payload {"iss":"unilive-sandbox"}).
  defaultCredentials: () => ({
    token:
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ1bmlsaXZlLXNhbmRib3giLCJzdWIiOiJ3b3d6YS1yZWFsdGltZSJ9.c2FuZGJveC1zaWduYXR1cmUtbm90LXJlYWw',
  }),

  operationOf({ method, path }: SandboxRequest): FaultOperation | undefined {
    if (path === '/real_time') {
      if (method === 'POST') return 'create';
      if (method === 'GET') return 'list';
      return undefined;
    }
    if (stopPath.test(path)) return method === 'PUT' ? 'stop' : undefined;
    if (statePath.test(path)) return method === 'GET' ? 'status' : undefined;
    if (!streamPath.test(path)) return undefined;
    if (method === 'GET') return 'get';
    if (method === 'PATCH') return 'update';
    if (method === 'DELETE') return 'delete';
    return undefined;
  },

  error(kind: ErrorKind, status: number, message: string): SandboxResponse {
    switch (kind) {
      case 'unauthorized':
        return invalidToken();
      case 'forbidden':
        return meta(
          403,
          'ERR-403-RecordUnaccessible',
          'Record Unaccessible Error',
          "The requested resource isn't accessible.",
        );
      case 'not-found':
        return notFound();
      // The conflict the vendor documents for /real_time is stopping a stopped stream.
      case 'conflict':
        return alreadyStopped();
      case 'invalid':
        return recordInvalid(message);
      // No body or code is documented for these: the meta envelope without a code.
      case 'rate-limit':
        return meta(429, undefined, 'Too Many Requests', 'Too many requests');
      case 'server-error':
        return meta(status, undefined, 'Service Unavailable', message);
    }
  },

  handle(request: SandboxRequest, context: DialectContext): SandboxResponse {
    const token = wowzaBearerToken(request.headers.get('authorization'));
    if (token === undefined || token !== context.settings.credentials.token) return invalidToken();
    const streams = context.collection<RealTimeRecord>('real_time_streams');
    const tombstones = context.collection<{ id: string }>('deleted_real_time_streams');
    const { method, path } = request;

    if (path === '/real_time') {
      if (method === 'POST') return create(request.body, streams, context);
      if (method === 'GET') return list(request.query, streams, context);
      return notFound();
    }

    const match = stopPath.exec(path) ?? statePath.exec(path) ?? streamPath.exec(path);
    if (!match) return notFound();
    const id = decode(match[1]);
    const stream = streams.get(id);
    if (!stream) return tombstones.has(id) ? deleted() : notFound();

    if (stopPath.test(path)) return method === 'PUT' ? stop(stream, context) : notFound();
    if (statePath.test(path)) {
      return method === 'GET' ? { status: 200, body: { real_time: { state: stream.state } } } : notFound();
    }
    if (method === 'GET') return { status: 200, body: { real_time_stream: render(stream, context) } };
    if (method === 'PATCH') return update(stream, request.body, context);
    if (method === 'DELETE') {
      // A publisher on the stream is cut by the delete: its feed ends while the stream still exists, so
      // `feeds.ended` names it (Real-Time sends no delete event; without it an app would hear the feed
      // live forever). What Real-Time sends then is undocumented (docs/providers/wowza-realtime.md).
      context.disconnectEncoder(id);
      streams.delete(id);
      tombstones.set(id, { id });
      context.changed();
      context.emit({ kind: 'deleted', id, state: stream.state, record: render(stream, context) });
      return { status: 204 };
    }
    return notFound();
  },

  // `rtmp_url` = `…/v2/pub/<stream_name>?token=<publish token>`; a started stream takes video.
  ingest: {
    match(request, context) {
      if (request.application !== ingestApplication) return undefined;
      const stream = [...context.collection<RealTimeRecord>('real_time_streams').values()].find(
        (candidate) => candidate.stream_name === request.streamName,
      );
      if (!stream) return { accept: false, reason: 'unknown stream name' };
      if (request.query.get('token') !== stream.token) {
        return { accept: false, reason: 'wrong publish token', streamId: stream.id };
      }
      if (stream.state !== 'started') {
        return { accept: false, reason: `the stream is ${stream.state}`, streamId: stream.id };
      }
      return { accept: true, streamId: stream.id };
    },
  },

  streams(context) {
    return [...context.collection<RealTimeRecord>('real_time_streams').values()].map((stream) => ({
      id: stream.id,
      name: stream.name,
      state: stream.state,
      acceptsVideo: stream.state === 'started',
      ingest: [
        { label: 'RTMP server', value: `${context.ingestOrigin}/${ingestApplication}` },
        { label: 'stream name', value: stream.stream_name },
        { label: 'publish token', value: stream.token, secret: true },
      ],
    }));
  },

  describe(id: string, context: DialectContext) {
    const stream = context.collection<RealTimeRecord>('real_time_streams').get(id);
    return stream ? { record: render(stream, context), state: stream.state } : undefined;
  },
};

function render(record: RealTimeRecord, context: DialectContext): Record<string, unknown> {
  return {
    id: record.id,
    name: record.name,
    ...(record.description === undefined ? {} : { description: record.description }),
    stream_name: record.stream_name,
    token: record.token,
    ...(record.subscribe_token === undefined ? {} : { subscribe_token: record.subscribe_token }),
    rtmp_url: `${context.ingestOrigin}/${ingestApplication}/${record.stream_name}?token=${record.token}`,
    enable_secure_viewer: record.enable_secure_viewer,
    ...(record.expires_on === undefined ? {} : { expires_on: record.expires_on }),
    state: record.state,
    region: record.region,
    recording: record.recording,
    ...(record.reference_id === undefined ? {} : { reference_id: record.reference_id }),
    disable_vod_encoder: record.disable_vod_encoder,
    enable_player_and_hosted_page: record.enable_player_and_hosted_page,
    ...(record.enable_player_and_hosted_page
      ? {
          player_id: record.player_id ?? defaultPlayerId,
          player_type: 'wowza_flowplayer_v2',
          flowplayer: true,
          embed_code: null,
        }
      : {}),
    ...(record.logo_image_url === undefined ? {} : { logo_image_url: record.logo_image_url }),
    ...(record.logo_position === undefined ? {} : { logo_position: record.logo_position }),
    ...(record.video_poster_image_url === undefined
      ? {}
      : { video_poster_image_url: record.video_poster_image_url }),
    ...(record.width === undefined ? {} : { width: record.width }),
    ...(record.hosted_page === undefined ? {} : { hosted_page: { ...record.hosted_page } }),
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
}

// The list item: limited details, with the list schema's state enum (active|archived|disabled|stopped).
function renderItem(record: RealTimeRecord): Record<string, unknown> {
  return {
    id: record.id,
    name: record.name,
    state: record.state === 'started' ? 'active' : record.state,
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
}

// `expires_on` in either form the vendor gives it: its description's "YYYY-MM-DD HH:MM:SS" in UTC (example
// `2021-10-27 23:08:55 UTC`), or a date alone, and its schema's `format: date-time` (RFC 3339,
// `2021-10-27T23:08:55Z`). Kept as sent: no answer of the vendor shows a stream's `expires_on`.
const expiresOnPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(?: UTC)?|[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2})))?$/;

/** Whether `value` is an `expires_on` in one of its forms, naming a day and a time that exist. */
function isExpiresOn(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const parts = expiresOnPattern.exec(value);
  if (!parts) return false;
  const number = (at: number) => Number(parts[at] ?? 0);
  const [year, month, day] = [number(1), number(2), number(3)];
  // The time of the described form (groups 4 to 6) or of the schema's (7 to 9), and the offset's (10, 11).
  const time = parts[4] === undefined ? 7 : 4;
  const [hour, minute, second] = [number(time), number(time + 1), number(time + 2)];
  const [offsetHour, offsetMinute] = [number(10), number(11)];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= days &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHour <= 23 &&
    offsetMinute <= 59
  );
}
const referenceIdPattern = /^[A-Za-z0-9!@#$%^&*()\-_+=:;,.?~|]{0,70}$/;

/** Checks the fields both create and update take; returns the vendor-style problem, if any. */
function checkFields(fields: Record<string, unknown>): string | undefined {
  for (const flag of [
    'enable_secure_viewer',
    'recording',
    'disable_vod_encoder',
    'enable_player_and_hosted_page',
    'remove_logo_image',
    'remove_video_poster_image',
  ]) {
    if (fields[flag] !== undefined && typeof fields[flag] !== 'boolean')
      return `${label(flag)} must be a boolean`;
  }
  for (const field of ['description', 'player_id', 'logo_image', 'video_poster_image']) {
    if (fields[field] !== undefined && typeof fields[field] !== 'string')
      return `${label(field)} must be a string`;
  }
  // Only text is read: a list or an object (whose `toString` may be anything) is refused, never coerced.
  if (
    fields.region !== undefined &&
    (typeof fields.region !== 'string' || !regions.includes(fields.region))
  ) {
    return 'Region is not included in the list';
  }
  if (fields.expires_on !== undefined && !isExpiresOn(fields.expires_on)) {
    return 'Expires on is invalid';
  }
  if (
    fields.reference_id !== undefined &&
    (typeof fields.reference_id !== 'string' || !referenceIdPattern.test(fields.reference_id))
  ) {
    return 'Reference id is invalid';
  }
  if (fields.logo_position !== undefined && !logoPositions.includes(String(fields.logo_position))) {
    return 'Logo position is not included in the list';
  }
  if (fields.width !== undefined && !(Number.isInteger(fields.width) && Number(fields.width) > 0)) {
    return 'Width must be a positive integer';
  }
  if (fields.hosted_page !== undefined && !isObject(fields.hosted_page))
    return 'Hosted page must be an object';
  return keptTextProblem(fields);
}

const { short: shortText, long: longText } = undocumentedWowzaTextLimits;

/**
 * The first problem of the free texts a stream keeps and answers on every read: Wowza documents no maximum
 * for them, so each is the sandbox's own (unverified) bound, and a lone surrogate is refused. A hosted
 * page's field of another type is ignored, as before; a string one is held to its bound.
 */
function keptTextProblem(fields: Record<string, unknown>): string | undefined {
  const given: [label: string, value: unknown, limit: number][] = [
    ['Description', fields.description, longText],
    ['Player id', fields.player_id, shortText],
  ];
  if (isObject(fields.hosted_page)) {
    const page = fields.hosted_page;
    for (const [field, limit] of [
      ['title', shortText],
      ['description', longText],
      ['logo_image_url', shortText],
    ] as const) {
      if (typeof page[field] === 'string')
        given.push([`Hosted page ${field.replace(/_/g, ' ')}`, page[field], limit]);
    }
  }
  for (const [text, value, limit] of given) {
    const problem = value === undefined ? undefined : wowzaTextProblem(text, value, limit);
    if (problem) return problem;
  }
  return undefined;
}

function label(field: string): string {
  const words = field.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function checkName(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.trim() === '') return "Name can't be blank";
  // A lone surrogate is no character: it has no UTF-8 form to answer or persist.
  if (hasLoneSurrogate(name)) return 'Name is invalid';
  // "Maximum 255 characters" (OpenAPI), counted in code points as unilive counts names: Wowza does not say
  // how it counts (unverified against the live API).
  if (codePointLength(name) > 255) return 'Name is too long (maximum is 255 characters)';
  return undefined;
}

function envelope(body: unknown): Record<string, unknown> | undefined {
  return isObject(body) && isObject(body.real_time_stream) ? body.real_time_stream : undefined;
}

function create(
  body: unknown,
  streams: Map<string, RealTimeRecord>,
  context: DialectContext,
): SandboxResponse {
  const fields = envelope(body);
  if (!fields) return recordInvalid("Real time stream can't be blank");
  const problem = checkName(fields.name) ?? checkFields(fields);
  if (problem) return recordInvalid(problem);
  if (fields.enable_secure_viewer === true && fields.expires_on === undefined) {
    return recordInvalid("Expires on can't be blank");
  }
  if (fields.disable_vod_encoder === true && fields.recording !== true) {
    return recordInvalid('Disable vod encoder can only be set when recording is true');
  }
  const now = new Date(context.now()).toISOString();
  let id = context.randomId(8);
  while (streams.has(id)) id = context.randomId(8);
  const record: RealTimeRecord = {
    id,
    name: String(fields.name),
    stream_name: context.randomHex(32),
    token: context.randomHex(64),
    enable_secure_viewer: fields.enable_secure_viewer === true,
    state: 'started',
    region: typeof fields.region === 'string' ? fields.region : 'phoenix',
    recording: fields.recording === true,
    disable_vod_encoder: fields.disable_vod_encoder === true,
    enable_player_and_hosted_page: fields.enable_player_and_hosted_page !== false,
    created_at: now,
    updated_at: now,
  };
  if (record.enable_player_and_hosted_page) {
    record.hosted_page = { url: `${hostedPageOrigin}/${context.randomId(8)}`, sharing_icons: true };
  }
  applyChanges(record, fields, context);
  streams.set(record.id, record);
  context.countCreate();
  context.changed();
  context.emit({ kind: 'created', id: record.id, state: record.state, record: render(record, context) });
  return { status: 201, body: { real_time_stream: render(record, context) } };
}

// Fields create and PATCH both take; create-only fields are set by `create` and ignored on PATCH.
function applyChanges(
  record: RealTimeRecord,
  fields: Record<string, unknown>,
  context: DialectContext,
): void {
  if (typeof fields.name === 'string') record.name = fields.name;
  if (typeof fields.description === 'string') record.description = fields.description;
  if (typeof fields.region === 'string') record.region = fields.region;
  if (typeof fields.reference_id === 'string') record.reference_id = fields.reference_id;
  if (typeof fields.player_id === 'string') record.player_id = fields.player_id;
  if (typeof fields.expires_on === 'string') record.expires_on = fields.expires_on;
  if (typeof fields.enable_secure_viewer === 'boolean')
    record.enable_secure_viewer = fields.enable_secure_viewer;
  // The viewer token exists while secure viewing is on (the tutorial's secure stream carries one; the
  // v2.0 example, with secure viewing off, does not).
  if (record.enable_secure_viewer && record.subscribe_token === undefined) {
    record.subscribe_token = context.randomHex(64);
  }
  if (!record.enable_secure_viewer) delete record.subscribe_token;
  if (typeof fields.logo_image === 'string')
    record.logo_image_url = `${uploadsOrigin}/logo_image/${context.randomHex(12)}.png`;
  if (fields.remove_logo_image === true) delete record.logo_image_url;
  if (typeof fields.video_poster_image === 'string') {
    record.video_poster_image_url = `${uploadsOrigin}/video_poster_image/${context.randomHex(12)}.png`;
  }
  if (fields.remove_video_poster_image === true) delete record.video_poster_image_url;
  if (typeof fields.logo_position === 'string') record.logo_position = fields.logo_position;
  if (typeof fields.width === 'number') record.width = fields.width;
  if (record.hosted_page && isObject(fields.hosted_page)) {
    const page = fields.hosted_page;
    if (typeof page.title === 'string') record.hosted_page.title = page.title;
    if (typeof page.description === 'string') record.hosted_page.description = page.description;
    if (typeof page.logo_image_url === 'string') record.hosted_page.logo_image_url = page.logo_image_url;
    if (typeof page.sharing_icons === 'boolean') record.hosted_page.sharing_icons = page.sharing_icons;
  }
}

function update(record: RealTimeRecord, body: unknown, context: DialectContext): SandboxResponse {
  const fields = envelope(body);
  if (!fields) return recordInvalid("Real time stream can't be blank");
  const problem = checkName(fields.name) ?? checkFields(fields);
  if (problem) return recordInvalid(problem);
  if (
    fields.enable_secure_viewer === true &&
    fields.expires_on === undefined &&
    record.expires_on === undefined
  ) {
    return recordInvalid("Expires on can't be blank");
  }
  applyChanges(record, fields, context);
  record.updated_at = new Date(context.now()).toISOString();
  context.changed();
  context.emit({ kind: 'updated', id: record.id, state: record.state, record: render(record, context) });
  return { status: 200, body: { real_time_stream: render(record, context) } };
}

function stop(record: RealTimeRecord, context: DialectContext): SandboxResponse {
  if (record.state === 'stopped') return alreadyStopped();
  if (record.state !== 'started') {
    return meta(
      422,
      'ERR-422-InvalidStateChange',
      'Invalid State Change Error',
      `The request couldn't be processed. The stream is ${record.state}.`,
    );
  }
  const previousState = record.state;
  record.state = 'stopped';
  record.updated_at = new Date(context.now()).toISOString();
  context.changed();
  context.emit({
    kind: 'state-changed',
    id: record.id,
    previousState,
    state: 'stopped',
    record: render(record, context),
  });
  // A stream that recorded has its recording once it ends (SANDBOX CHOICE: at once, no processing time).
  if (record.recording) {
    context.emit({
      kind: 'recording-ready',
      id: record.id,
      state: 'stopped',
      record: render(record, context),
      details: { url: `${context.origin}/wowza-realtime/recordings/${record.id}.mp4` },
    });
  }
  return { status: 200, body: { real_time_stream: { state: record.state } } };
}

function list(
  query: URLSearchParams,
  streams: Map<string, RealTimeRecord>,
  context: DialectContext,
): SandboxResponse {
  // Oldest first, as the paginated-results guide says: insertion order is creation order.
  const page = wowzaPage([...streams.values()], query, 'real_time_streams', context);
  // A refused `page` or `per_page` is answered as it is: it lists no streams to render.
  if (page.status !== 200) return page;
  const body = page.body as { real_time_streams: RealTimeRecord[] };
  return { ...page, body: { ...body, real_time_streams: body.real_time_streams.map(renderItem) } };
}
