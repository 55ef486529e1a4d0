import type {
  DialectContext,
  FaultOperation,
  SandboxRequest,
  SandboxResponse,
  StreamSummary,
} from '../types.js';
import { deliverableUrl } from '../webhooks/delivery.js';
import {
  autoCloseTypes,
  hasLoneSurrogate,
  nameTooLong,
  restreamTargetsProblem,
  roomWebhookLimits,
  undocumentedNameLimit,
} from './names.js';
import { isPagingRefusal, readPaging } from './paging.js';
import { decodeSegment } from './path.js';
import { isObject, userIdOf, verifiedClaims, videosdkPaging, videosdkPagingProblem } from './videosdk.js';

/**
 * videosdk.live v2, the part a live stream uses: rooms (`/v2/rooms`, `/v2/rooms/validate/{roomId}`), their
 * sessions (`/v2/sessions`), the HLS egress (`/v2/hls/start|end`, `/v2/hls/{roomId}/active`, `/v2/hls?roomId=…`,
 * `/v2/hls/{hlsId}`) and RTMP-outs (`/v2/livestreams/start|end`, `/v2/livestreams`), as the v2 reference
 * (videosdk-docs, 2024), its live pages (2025) and the vendor's server SDK describe them.
 *
 * - Authentication: the v1 check (HS256 with the account secret, `apikey`, `exp`/`nbf`) and, as the v2
 *   error table says, `version: 2` with the `crawler` role: else 403 "Unauthorised access to V2 API…".
 * - HLS: start answers the egress with its playback URLs at once (as the reference shows), but the active
 *   egress shows no playback URL until it is playable, `transitionMs` later (the `hls-playable` webhook's
 *   moment). End marks it ended (`end` set) and it stays active for `transitionMs`, then 404.
 * - A session opens when HLS starts in a room without one (the composer joins the room) and ends with it.
 * - Deactivated rooms answer 404 to get and leave the list. Unverified at the vendor (its server SDK says
 *   only that deactivate returns the disabled room); a sandbox choice.
 * - A disabled room (deactivated, or toggled off with `{ status: 'disabled' }`) answers an HLS or RTMP-out
 *   start 404 "Room not found.", as a missing room does. Unverified at the vendor: its REST pages document
 *   no error answer for these calls (only its client SDKs name a disabled room, on join: 4052
 *   ROOM_ID_DISABLED); a sandbox choice, the answer the adapter must not take for "gone".
 * - A POST whose body is there but is no JSON object answers 400 (a sandbox choice: v1 and the other
 *   dialects refuse one; the vendor documents no answer for it).
 * - Errors are `{ message }` with the v2 error table's wording (`error-event.md`): 400 invalid_params, 401
 *   invalid_token, 403 unauthorized_token, 404 resource_not_found, 422 invalid_object; 402 for a custom
 *   room id on deactivate (server SDK). Action calls answer bare JSON strings.
 */

interface RoomRecord {
  /** The room id (`xxxx-xxxx-xxxx`): the store's key. */
  id: string;
  recordId: string;
  customRoomId: string | null;
  userId: string;
  disabled: boolean;
  deactivated: boolean;
  webhook?: { endPoint: string; events: string[] };
  autoCloseConfig?: { type: string; duration?: number };
  createdAt: string;
  updatedAt: string;
}

interface SessionRecord {
  id: string;
  roomId: string;
  start: string;
  end: string | null;
  status: 'ongoing' | 'ended';
}

interface HlsRecord {
  id: string;
  roomId: string;
  sessionId: string;
  start: string;
  end: string | null;
  /** `starting` until playable; `stopping` once ended, until it leaves the active endpoint. */
  phase: 'starting' | 'playable' | 'stopping' | 'ended';
  key: string;
}

interface RtmpOutRecord {
  id: string;
  roomId: string;
  sessionId: string;
  outputs: { url: string; streamKey: string }[];
  start: string;
  end: string | null;
}

const apiHost = 'https://api.videosdk.live';
// The vendor serves an egress at `https://cdn.videosdk.live/meetings-hls/<key>/index.m3u8`. The sandbox keeps
// the path's shape under its own origin (`/media/videosdk/<room>/meetings-hls/<key>/…`), where a 404 says why
// nothing plays: the sandbox carries no WebRTC, so no room has media. A vendor host would send a developer's
// player off the machine, for a key the vendor never issued.
const hlsFolder = 'meetings-hls';
const defaultPageSize = 20;
const maxPageSize = 100;

const messages = {
  invalidToken: '`token` is invalid.',
  noWhip:
    "the sandbox takes no WHIP: a videosdk v2 room gets no media here. To push video through the sandbox, use a videosdk v1 stream (apiVersion: 'v1') and RTMP.",
  unauthorizedToken:
    'Unauthorised access to V2 API, please provide valid payload version. Your role must be a CRAWLER in token payload to use V2 API.',
  roomId: 'Please provide a valid `roomId` in body params.',
  body: 'Please provide the body params as a JSON object.',
  roomNotFound: 'Room not found.',
  sessionNotFound: 'Session not found.',
  hlsNotFound: 'HLS not found.',
  outputs: 'Please provide outputs.',
  layout: 'Please provide layout under config object.',
  layoutType: 'layout.type must be SPOTLIGHT, SIDEBAR or GRID.',
  priority: 'layout.priority must be SPEAKER or PIN.',
  gridSize: 'grid Size must be ≤ 25.',
  gridPositive: 'grid Size must be a positive number.',
} as const;

/** What the WHIP address answers a browser with: the preflight's grant and the 501's readability. */
const whipCors = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type',
} as const;

/** The CORS headers of a v2 route a browser calls directly: the WHIP address's, on every answer. */
export function videosdkV2CrossOriginHeaders(request: SandboxRequest): typeof whipCors | undefined {
  return trim(request.path) === '/v2/whip' ? whipCors : undefined;
}

/** True for the paths of v2, which this file answers. */
export function isVideosdkV2Path(path: string): boolean {
  return path === '/v2' || path.startsWith('/v2/');
}

/** The fault operation of a v2 request: the calls a neutral operation starts with. */
export function videosdkV2OperationOf(request: SandboxRequest): FaultOperation | undefined {
  const path = trim(request.path);
  const { method } = request;
  if (path === '/v2/rooms') return method === 'POST' ? 'create' : method === 'GET' ? 'list' : undefined;
  if (path === '/v2/rooms/deactivate') return method === 'POST' ? 'delete' : undefined;
  if (/^\/v2\/rooms\/[^/]+$/.test(path))
    return method === 'GET' ? 'get' : method === 'POST' ? 'update' : undefined;
  if (path === '/v2/hls/start' && method === 'POST') return 'start';
  if (path === '/v2/hls/end' && method === 'POST') return 'stop';
  if (/^\/v2\/hls\/[^/]+\/active$/.test(path) && method === 'GET') return 'status';
  return undefined;
}

/** Answers one v2 request, authentication included. */
export function handleVideosdkV2(request: SandboxRequest, context: DialectContext): SandboxResponse {
  // The WHIP address the adapter hands out (`{base}/v2/whip`, as the vendor's server SDK builds it) points
  // here. SANDBOX CHOICE: the sandbox carries no WebRTC, and says so whatever the token, rather than
  // refusing a participant's token this API would not take (a 401 that reads as a bad token).
  // A browser's WHIP client (`Content-Type: application/sdp` and `Authorization: Bearer …`, so preflighted) reads
  // that answer only with CORS headers: the preflight is answered 204 and the 501 carries them too, or the page
  // sees a CORS failure instead of the message. The policy is the media routes' (`*`, never credentials: an
  // `Authorization` header a page sets needs none, only its name in the allowed headers). No header is exposed:
  // the 501 carries its message in the body, and `Content-Type` is safelisted.
  if (videosdkV2CrossOriginHeaders(request)) {
    if (request.method === 'OPTIONS') {
      return { status: 204, headers: { ...whipCors, 'access-control-max-age': '600' } };
    }
    return { ...fail(501, messages.noWhip), headers: whipCors };
  }
  const claims = verifiedClaims(request.headers.get('authorization'), context.settings, context.now());
  if (!claims) return fail(401, messages.invalidToken);
  const roles = Array.isArray(claims.roles) ? claims.roles : [];
  if (claims.version !== 2 || !roles.includes('crawler')) return fail(403, messages.unauthorizedToken);
  const store = storeOf(context);
  const path = trim(request.path);
  const { method } = request;
  // A body that is there but is no JSON object (`{"name":`, `"x"`, `null`, an array) is refused, as v1 and the
  // other dialects refuse one, instead of being read as no fields at all (a room made from a broken request).
  // SANDBOX CHOICE: the vendor documents no error for it; 400 is its validation status (invalid_params).
  if (method === 'POST' && request.body !== undefined && !isObject(request.body)) {
    return fail(400, messages.body);
  }
  const body = isObject(request.body) ? request.body : {};

  if (path === '/v2/rooms' && method === 'POST') return createRoom(body, store, context);
  if (path === '/v2/rooms' && method === 'GET') {
    const rooms = [...store.rooms.values()].filter((room) => !room.deactivated);
    // Through the engine's page, so planned list faults (paging, odd records) reach v2 rooms too.
    const asked = readPaging(request.query, videosdkPaging(defaultPageSize, maxPageSize));
    if (isPagingRefusal(asked)) return fail(400, videosdkPagingProblem(asked));
    const { perPage } = asked;
    const served = context.page(rooms, asked.page, perPage);
    const lastPage = Math.max(1, Math.ceil(served.total / perPage));
    return {
      status: 200,
      body: {
        pageInfo: { currentPage: served.page, perPage, lastPage, total: served.total },
        data: served.records.map(roomBody),
      },
    };
  }
  if (path === '/v2/rooms/deactivate' && method === 'POST') return deactivate(body, store, context);
  // Validate a room: `GET /v2/rooms/validate/{roomId}`, "your roomId or customRoomId", answering the room as a
  // get does (V2-REPO validate-room.json; the vendor's server SDK and token-server sample call it with GET, the
  // reference's endpoint list says POST: GET alone is served). A room that is not there: the reference shows no
  // error answer; the server SDK's comments say an unknown room answers 400, 402 or 404 and class 402 and 404
  // both as "room not found". The sandbox answers 404 "Room not found.", as its get does (unverified which of
  // the three the vendor sends); a deactivated room is not there, as for a get (a sandbox choice).
  const validateMatch = /^\/v2\/rooms\/validate\/([^/]+)$/.exec(path);
  if (validateMatch && method === 'GET') {
    const room = findRoom(store, decode(validateMatch[1]));
    return room ? { status: 200, body: roomBody(room) } : fail(404, messages.roomNotFound);
  }
  const roomMatch = /^\/v2\/rooms\/([^/]+)$/.exec(path);
  if (roomMatch) {
    const room = findRoom(store, decode(roomMatch[1]));
    if (!room) return fail(404, messages.roomNotFound);
    if (method === 'GET') return { status: 200, body: roomBody(room) };
    if (method === 'POST') return setStatus(room, body, context);
  }
  if (path === '/v2/hls/start' && method === 'POST') return startHls(body, store, context);
  if (path === '/v2/hls/end' && method === 'POST') return endHls(body, store, context);
  const activeMatch = /^\/v2\/hls\/([^/]+)\/active$/.exec(path);
  if (activeMatch && method === 'GET') {
    const room = findRoom(store, decode(activeMatch[1]));
    const hls = room ? activeHls(store, room.id) : undefined;
    if (!hls) return fail(404, messages.hlsNotFound);
    return { status: 200, body: { code: 200, data: hlsBody(hls, context, hls.phase !== 'starting') } };
  }
  // The HLS egresses, by room: `GET /v2/hls/?roomId&sessionId&page&perPage` in the page envelope
  // (V2-REPO fetch-all-hls.json, V2-WEB25; fixture v2-hls-list.response.json), each as the active route
  // renders it (its playback URLs once playable, an ended one's `end` and duration). The reference marks
  // `roomId` required; the sandbox filters by it as it does RTMP-outs and sessions, and lists every egress
  // without it, a room it does not know having none (unverified: no source shows the vendor's answer to
  // either). One egress: `GET /v2/hls/{hlsId}` (V2-REPO fetch-an-hls.json), 404 "HLS not found." else.
  if (path === '/v2/hls' && method === 'GET') {
    const egresses = filterByQuery([...store.hls.values()], request.query);
    return page(
      request.query,
      egresses.map((hls) => hlsBody(hls, context, hls.phase !== 'starting')),
    );
  }
  const hlsMatch = /^\/v2\/hls\/([^/]+)$/.exec(path);
  if (hlsMatch && method === 'GET') {
    const hls = store.hls.get(decode(hlsMatch[1]));
    if (!hls) return fail(404, messages.hlsNotFound);
    return { status: 200, body: hlsBody(hls, context, hls.phase !== 'starting') };
  }
  if (path === '/v2/livestreams/start' && method === 'POST') return startRtmpOut(body, store, context);
  if (path === '/v2/livestreams/end' && method === 'POST') return endRtmpOut(body, store, context);
  if (path === '/v2/livestreams' && method === 'GET') {
    return page(request.query, filterByQuery([...store.rtmpOuts.values()], request.query));
  }
  if (path === '/v2/sessions' && method === 'GET') {
    return page(request.query, filterByQuery([...store.sessions.values()], request.query).map(sessionBody));
  }
  const sessionMatch = /^\/v2\/sessions\/([^/]+)$/.exec(path);
  if (sessionMatch && method === 'GET') {
    const session = store.sessions.get(decode(sessionMatch[1]));
    return session ? { status: 200, body: sessionBody(session) } : fail(404, messages.sessionNotFound);
  }
  return fail(404, `Cannot ${method} ${request.path}`);
}

type Store = ReturnType<typeof storeOf>;

function storeOf(context: DialectContext) {
  return {
    rooms: context.collection<RoomRecord>('v2-rooms'),
    sessions: context.collection<SessionRecord>('v2-sessions'),
    hls: context.collection<HlsRecord>('v2-hls'),
    rtmpOuts: context.collection<RtmpOutRecord>('v2-livestreams'),
  };
}

function createRoom(body: Record<string, unknown>, store: Store, context: DialectContext): SandboxResponse {
  const customRoomId = body.customRoomId;
  if (customRoomId !== undefined && (typeof customRoomId !== 'string' || customRoomId === '')) {
    return fail(400, 'customRoomId must be a non-empty string.');
  }
  // A lone surrogate is no character: it has no UTF-8 form to answer, persist or match a room path with.
  if (typeof customRoomId === 'string' && hasLoneSurrogate(customRoomId)) {
    return fail(400, 'customRoomId must be well-formed text (no lone surrogate).');
  }
  // No videosdk source gives a limit (the adapter's 1–256 is unilive's own); the sandbox's generous,
  // unverified bound for names keeps a raw request from storing text every room list then carries.
  if (typeof customRoomId === 'string' && nameTooLong(customRoomId)) {
    return fail(400, `customRoomId must be at most ${undocumentedNameLimit} characters.`);
  }
  const fields = roomFields(body);
  if (typeof fields === 'string') return fail(400, fields);
  // Create is idempotent on the custom room id (server SDK).
  if (typeof customRoomId === 'string') {
    const existing = [...store.rooms.values()].find(
      (room) => room.customRoomId === customRoomId && !room.deactivated,
    );
    if (existing) return { status: 200, body: roomBody(existing) };
  }
  const { webhook, autoCloseConfig } = fields;
  const now = new Date(context.now()).toISOString();
  const segment = () => context.randomId(4);
  const room: RoomRecord = {
    id: `${segment()}-${segment()}-${segment()}`,
    recordId: context.randomHex(24),
    customRoomId: typeof customRoomId === 'string' ? customRoomId : null,
    userId: userIdOf(context.settings),
    disabled: false,
    deactivated: false,
    ...(webhook === undefined ? {} : { webhook }),
    ...(autoCloseConfig === undefined ? {} : { autoCloseConfig }),
    createdAt: now,
    updatedAt: now,
  };
  store.rooms.set(room.id, room);
  context.countCreate();
  context.changed();
  context.emit({ kind: 'created', id: room.id, state: 'hls-stopped', record: roomBody(room) });
  return { status: 200, body: roomBody(room) };
}

interface RoomFields {
  webhook?: { endPoint: string; events: string[] };
  autoCloseConfig?: { type: string; duration?: number };
}

/**
 * A room's `webhook` and `autoCloseConfig` as the room keeps them, or why they are refused. Each is an
 * object of the shape the v2 reference documents (create-room.js): `webhook` `{ endPoint, events }`,
 * `autoCloseConfig` `{ type, duration }` with `type` one of its two values. Only those fields are kept, a
 * key beside them dropped as the body's own unknown keys are (a sandbox choice: the vendor documents no
 * answer for one), and each text is bounded (`roomWebhookLimits`), so no raw request stores what every
 * room list then carries.
 */
function roomFields(body: Record<string, unknown>): RoomFields | string {
  const fields: RoomFields = {};
  const { webhook, autoCloseConfig } = body;
  if (webhook !== undefined) {
    if (!isObject(webhook) || typeof webhook.endPoint !== 'string' || !Array.isArray(webhook.events)) {
      return 'webhook must be { endPoint, events }.';
    }
    const { endPoint, events } = webhook;
    if (endPoint.length > roomWebhookLimits.endPoint) {
      return `webhook.endPoint must be at most ${roomWebhookLimits.endPoint} characters.`;
    }
    // The vendor's server SDK asks for an HTTPS endPoint; the sandbox takes http:// too, for receivers on
    // this machine (a sandbox choice). What could never be delivered to is refused when the room is made,
    // not at its first event.
    if (hasLoneSurrogate(endPoint) || !deliverableUrl(endPoint)) {
      return 'webhook.endPoint must be an absolute http:// or https:// URL.';
    }
    if (!events.every((event): event is string => typeof event === 'string')) {
      return 'webhook.events must be event names (strings).';
    }
    if (events.length > roomWebhookLimits.events) {
      return `webhook.events must hold at most ${roomWebhookLimits.events} event names.`;
    }
    if (events.some((event) => hasLoneSurrogate(event))) {
      return 'webhook.events must be well-formed text (no lone surrogate).';
    }
    if (events.some((event) => nameTooLong(event, roomWebhookLimits.eventName))) {
      return `webhook.events must be at most ${roomWebhookLimits.eventName} characters each.`;
    }
    fields.webhook = { endPoint, events: [...events] };
  }
  if (autoCloseConfig !== undefined) {
    if (!isObject(autoCloseConfig)) return 'autoCloseConfig must be { type, duration }.';
    const { type, duration } = autoCloseConfig;
    if (typeof type !== 'string' || !autoCloseTypes.includes(type)) {
      return `autoCloseConfig.type must be ${autoCloseTypes.join(' or ')}.`;
    }
    if (duration !== undefined && typeof duration !== 'number') {
      return 'autoCloseConfig.duration must be a number.';
    }
    fields.autoCloseConfig = { type, ...(duration === undefined ? {} : { duration }) };
  }
  return fields;
}

function deactivate(body: Record<string, unknown>, store: Store, context: DialectContext): SandboxResponse {
  if (typeof body.roomId !== 'string' || body.roomId === '') return fail(400, messages.roomId);
  const room = store.rooms.get(body.roomId);
  // Deactivate resolves only the vendor's room id: a custom one is refused with 402 (server SDK).
  if (!room) {
    const custom = [...store.rooms.values()].some((candidate) => candidate.customRoomId === body.roomId);
    return fail(custom ? 402 : 404, messages.roomNotFound);
  }
  if (room.deactivated) return fail(404, messages.roomNotFound);
  const now = new Date(context.now()).toISOString();
  context.disconnectEncoder(room.id);
  // Deactivating ends the room's HLS egress at once. Its `hls-stopping` (unless it was stopping already)
  // and `hls-stopped` go out before the room is gone, as for an end, so an app that heard the egress start
  // hears it end: videosdk has no webhook for a deactivate (SANDBOX CHOICE, unverified:
  // docs/providers/videosdk.md).
  const hls = activeHls(store, room.id);
  if (hls) {
    const before =
      hls.phase === 'playable' ? 'hls-playable' : hls.phase === 'starting' ? 'hls-starting' : undefined;
    hls.end ??= now;
    if (before) {
      hls.phase = 'stopping';
      emitState(context, room, 'hls-stopping', before, hls);
    }
    hls.phase = 'ended';
    emitState(context, room, 'hls-stopped', 'hls-stopping', hls);
  }
  context.emit({ kind: 'deleted', id: room.id, record: roomBody(room) });
  endEgress(store, room.id, now);
  room.disabled = true;
  room.deactivated = true;
  room.updatedAt = now;
  context.changed();
  return { status: 200, body: roomBody(room) };
}

function setStatus(
  room: RoomRecord,
  body: Record<string, unknown>,
  context: DialectContext,
): SandboxResponse {
  if (body.status !== 'enabled' && body.status !== 'disabled') {
    return fail(400, 'status must be enabled or disabled.');
  }
  room.disabled = body.status === 'disabled';
  room.updatedAt = new Date(context.now()).toISOString();
  context.changed();
  context.emit({ kind: 'updated', id: room.id, record: roomBody(room) });
  // The reference's answer carries `status` where the room carries `disabled`.
  return { status: 200, body: { status: body.status, ...roomBody(room) } };
}

function startHls(body: Record<string, unknown>, store: Store, context: DialectContext): SandboxResponse {
  if (typeof body.roomId !== 'string' || body.roomId === '') return fail(400, messages.roomId);
  const room = findRoom(store, body.roomId);
  if (!room || room.disabled) return fail(404, messages.roomNotFound);
  const problem = layoutProblem(isObject(body.config) ? body.config.layout : undefined, false);
  if (problem) return fail(422, problem);
  if (activeHls(store, room.id)) return fail(409, 'HLS is already running for this room.');
  const now = new Date(context.now()).toISOString();
  const session = ongoingSession(store, room.id) ?? openSession(store, room.id, now, context);
  const hls: HlsRecord = {
    id: context.randomHex(24),
    roomId: room.id,
    sessionId: session.id,
    start: now,
    end: null,
    phase: 'starting',
    key: `${context.randomId(8)}-${context.randomId(4)}-${context.randomId(4)}-${context.randomId(12)}`,
  };
  store.hls.set(hls.id, hls);
  context.changed();
  emitState(context, room, 'hls-starting', 'hls-stopped', hls);
  playableAfter(hls, room, context);
  return { status: 200, body: hlsBody(hls, context, true) };
}

// An egress starting plays `transitionMs` from now, unless it was ended meanwhile.
function playableAfter(hls: HlsRecord, room: RoomRecord, context: DialectContext): void {
  context.after(context.settings.transitionMs, () => {
    if (hls.phase !== 'starting') return;
    hls.phase = 'playable';
    context.changed();
    emitState(context, room, 'hls-playable', 'hls-starting', hls);
  });
}

// An egress stopping leaves the active endpoint `transitionMs` from now, ending its session, unless a
// deactivation of its room ended it meanwhile (and said so).
function endedAfter(hls: HlsRecord, room: RoomRecord, store: Store, context: DialectContext): void {
  context.after(context.settings.transitionMs, () => {
    if (hls.phase !== 'stopping') return;
    hls.phase = 'ended';
    emitState(context, room, 'hls-stopped', 'hls-stopping', hls);
    const session = store.sessions.get(hls.sessionId);
    if (session && session.status === 'ongoing') {
      session.status = 'ended';
      session.end = hls.end;
    }
    context.changed();
  });
}

/**
 * Re-arms the egresses a persist file saved `starting` or `stopping` (see `SandboxDialect.resume`): they
 * play, or end, `transitionMs` after this sandbox starts.
 */
export function resumeVideosdkV2(context: DialectContext): void {
  const store = storeOf(context);
  for (const hls of store.hls.values()) {
    const room = store.rooms.get(hls.roomId);
    if (!room) continue;
    if (hls.phase === 'starting') playableAfter(hls, room, context);
    else if (hls.phase === 'stopping') endedAfter(hls, room, store, context);
  }
}

function endHls(body: Record<string, unknown>, store: Store, context: DialectContext): SandboxResponse {
  if (typeof body.roomId !== 'string' || body.roomId === '') return fail(400, messages.roomId);
  const room = findRoom(store, body.roomId);
  if (!room) return fail(404, messages.roomNotFound);
  const hls = activeHls(store, room.id);
  if (!hls) return fail(404, messages.hlsNotFound);
  if (hls.phase !== 'stopping') {
    const before = hls.phase === 'playable' ? 'hls-playable' : 'hls-starting';
    hls.phase = 'stopping';
    hls.end = new Date(context.now()).toISOString();
    context.changed();
    emitState(context, room, 'hls-stopping', before, hls);
    endedAfter(hls, room, store, context);
  }
  return jsonString('HLS ended successfully');
}

function startRtmpOut(body: Record<string, unknown>, store: Store, context: DialectContext): SandboxResponse {
  if (typeof body.roomId !== 'string' || body.roomId === '') return fail(400, messages.roomId);
  const outputs = body.outputs;
  if (!Array.isArray(outputs) || outputs.length === 0) return fail(422, messages.outputs);
  for (const output of outputs) {
    if (!isObject(output) || typeof output.url !== 'string' || !/^rtmps?:\/\/\S+$/i.test(output.url)) {
      return fail(422, 'Please provide streamUrl.');
    }
    if (typeof output.streamKey !== 'string' || output.streamKey === '')
      return fail(422, 'Please provide streamKey.');
  }
  const outputsRefused = restreamTargetsProblem(outputs as { url: string; streamKey: string }[], 'outputs');
  if (outputsRefused) return fail(422, outputsRefused);
  const config = isObject(body.config) ? body.config : undefined;
  const problem = layoutProblem(config?.layout, true);
  if (problem) return fail(422, problem);
  const room = findRoom(store, body.roomId);
  if (!room || room.disabled) return fail(404, messages.roomNotFound);
  const session = ongoingSession(store, room.id);
  if (!session) return fail(404, messages.sessionNotFound);
  const record: RtmpOutRecord = {
    id: context.randomHex(24),
    roomId: room.id,
    sessionId: session.id,
    outputs: outputs.map((output) => ({ url: String(output.url), streamKey: String(output.streamKey) })),
    start: new Date(context.now()).toISOString(),
    end: null,
  };
  store.rtmpOuts.set(record.id, record);
  context.changed();
  return jsonString('Livestream started successfully');
}

function endRtmpOut(body: Record<string, unknown>, store: Store, context: DialectContext): SandboxResponse {
  if (typeof body.roomId !== 'string' || body.roomId === '') return fail(400, messages.roomId);
  const room = findRoom(store, body.roomId);
  if (!room) return fail(404, messages.roomNotFound);
  const now = new Date(context.now()).toISOString();
  for (const record of store.rtmpOuts.values()) {
    if (record.roomId === room.id && record.end === null) record.end = now;
  }
  context.changed();
  return jsonString('Livestream ended successfully');
}

// What deactivating a room ends: its HLS, its RTMP-outs, its session.
function endEgress(store: Store, roomId: string, now: string): void {
  for (const hls of store.hls.values()) {
    if (hls.roomId === roomId && hls.phase !== 'ended') {
      hls.phase = 'ended';
      hls.end ??= now;
    }
  }
  for (const record of store.rtmpOuts.values()) {
    if (record.roomId === roomId && record.end === null) record.end = now;
  }
  const session = ongoingSession(store, roomId);
  if (session) {
    session.status = 'ended';
    session.end = now;
  }
}

/** The room's state word: the phase of its HLS egress, named as the vendor's `hls-*` webhooks name it. */
function stateOf(store: Store, roomId: string): string {
  const phase = activeHls(store, roomId)?.phase;
  if (phase === 'starting') return 'hls-starting';
  if (phase === 'playable') return 'hls-playable';
  if (phase === 'stopping') return 'hls-stopping';
  return 'hls-stopped';
}

// The record carries the egress as `GET /v2/hls/{roomId}/active` renders it (its session id, and its playback
// URLs once playable), the one it changed: an ended egress is no longer active, yet its webhook names it.
function emitState(
  context: DialectContext,
  room: RoomRecord,
  state: string,
  previousState: string,
  hls: HlsRecord,
): void {
  context.emit({
    kind: 'state-changed',
    id: room.id,
    state,
    previousState,
    // The egress's URLs once it plays, and when it starts: its `hls-started` webhook carries them, as the
    // start's answer does, before the egress plays (the active egress shows none until then).
    record: {
      ...roomBody(room),
      hls: hlsBody(hls, context, hls.phase === 'playable' || state === 'hls-starting'),
    },
  });
}

/** A v2 room as the API renders it, with its state word; for the changes the engine reports itself. */
export function describeVideosdkV2Room(
  id: string,
  context: DialectContext,
): { record: Record<string, unknown>; state: string } | undefined {
  const store = storeOf(context);
  const room = findRoom(store, id);
  return room ? { record: roomBody(room), state: stateOf(store, room.id) } : undefined;
}

/**
 * The v2 rooms for the sandbox's dashboard, oldest first: each with its custom room id as its name, the
 * state of its HLS egress (`hls-starting`, `hls-playable`, `hls-stopping`, `hls-stopped`; `disabled` for a
 * room toggled off) and the egress's playback URL once playable. A room takes no video through the
 * sandbox (its ingest is WebRTC, which the sandbox does not carry). Deactivated rooms are gone, as the
 * room list says.
 */
export function videosdkV2Rooms(context: DialectContext): StreamSummary[] {
  const store = storeOf(context);
  return [...store.rooms.values()]
    .filter((room) => !room.deactivated)
    .map((room) => {
      const hls = activeHls(store, room.id);
      const playable = hls?.phase === 'playable' ? hlsBody(hls, context, true) : undefined;
      return {
        id: room.id,
        ...(room.customRoomId === null ? {} : { name: room.customRoomId }),
        state: room.disabled ? 'disabled' : stateOf(store, room.id),
        acceptsVideo: false,
        ingest: [{ label: 'roomId', value: room.id }],
        ...(playable ? { hlsUrl: playable.playbackHlsUrl } : {}),
      };
    });
}

function layoutProblem(layout: unknown, required: boolean): string | undefined {
  if (layout === undefined) return required ? messages.layout : undefined;
  if (!isObject(layout)) return messages.layout;
  if (layout.type !== undefined && !['GRID', 'SPOTLIGHT', 'SIDEBAR'].includes(String(layout.type))) {
    return messages.layoutType;
  }
  if (layout.priority !== undefined && !['SPEAKER', 'PIN'].includes(String(layout.priority))) {
    return messages.priority;
  }
  if (layout.gridSize !== undefined) {
    if (typeof layout.gridSize !== 'number' || layout.gridSize <= 0) return messages.gridPositive;
    if (layout.gridSize > 25) return messages.gridSize;
  }
  return undefined;
}

function findRoom(store: Store, id: string): RoomRecord | undefined {
  const room =
    store.rooms.get(id) ?? [...store.rooms.values()].find((candidate) => candidate.customRoomId === id);
  return room && !room.deactivated ? room : undefined;
}

function activeHls(store: Store, roomId: string): HlsRecord | undefined {
  return [...store.hls.values()].find((hls) => hls.roomId === roomId && hls.phase !== 'ended');
}

function ongoingSession(store: Store, roomId: string): SessionRecord | undefined {
  return [...store.sessions.values()].find(
    (session) => session.roomId === roomId && session.status === 'ongoing',
  );
}

function openSession(store: Store, roomId: string, now: string, context: DialectContext): SessionRecord {
  const session: SessionRecord = {
    id: context.randomHex(24),
    roomId,
    start: now,
    end: null,
    status: 'ongoing',
  };
  store.sessions.set(session.id, session);
  return session;
}

function roomBody(room: RoomRecord) {
  return {
    roomId: room.id,
    customRoomId: room.customRoomId,
    userId: room.userId,
    disabled: room.disabled,
    ...(room.webhook === undefined ? {} : { webhook: room.webhook }),
    ...(room.autoCloseConfig === undefined ? {} : { autoCloseConfig: room.autoCloseConfig }),
    createdAt: room.createdAt,
    updatedAt: room.updatedAt,
    id: room.recordId,
    links: { get_room: `${apiHost}/v2/rooms/${room.id}`, get_session: `${apiHost}/v2/sessions/` },
  };
}

function hlsBody(hls: HlsRecord, context: DialectContext, withUrls: boolean) {
  return {
    id: hls.id,
    sessionId: hls.sessionId,
    roomId: hls.roomId,
    start: hls.start,
    end: hls.end,
    duration: Math.max(0, ((hls.end ? Date.parse(hls.end) : context.now()) - Date.parse(hls.start)) / 1000),
    links: {
      get_room: `${apiHost}/v2/rooms/${hls.roomId}`,
      get_session: `${apiHost}/v2/sessions/${hls.sessionId}`,
    },
    ...(withUrls
      ? {
          playbackHlsUrl: context.mediaUrl(hls.roomId, `${hlsFolder}/${hls.key}/index.m3u8`),
          livestreamUrl: context.mediaUrl(hls.roomId, `${hlsFolder}/${hls.key}/live.m3u8`),
          downstreamUrl: context.mediaUrl(hls.roomId, `${hlsFolder}/${hls.key}/index.m3u8`),
        }
      : {}),
  };
}

function sessionBody(session: SessionRecord) {
  return {
    id: session.id,
    roomId: session.roomId,
    start: session.start,
    end: session.end,
    participants: [],
    status: session.status,
    links: {
      get_room: `${apiHost}/v2/rooms/${session.roomId}`,
      get_session: `${apiHost}/v2/sessions/${session.id}`,
    },
  };
}

function filterByQuery<T extends { roomId: string; sessionId?: string; id: string }>(
  records: T[],
  query: URLSearchParams,
): T[] {
  const roomId = query.get('roomId');
  const sessionId = query.get('sessionId');
  return records.filter(
    (record) =>
      (roomId === null || record.roomId === roomId) &&
      (sessionId === null || (record.sessionId ?? record.id) === sessionId),
  );
}

function page(query: URLSearchParams, all: readonly unknown[]): SandboxResponse {
  const asked = readPaging(query, videosdkPaging(defaultPageSize, maxPageSize));
  if (isPagingRefusal(asked)) return fail(400, videosdkPagingProblem(asked));
  const { page: currentPage, perPage } = asked;
  const lastPage = Math.max(1, Math.ceil(all.length / perPage));
  const data = all.slice((currentPage - 1) * perPage, currentPage * perPage);
  return { status: 200, body: { pageInfo: { currentPage, perPage, lastPage, total: all.length }, data } };
}

function trim(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

// A segment that does not decode names no room or session: as an unknown id.
function decode(segment: string | undefined): string {
  return decodeSegment(segment) ?? '';
}

// A bare JSON string, as the vendor answers action calls: quoted, as JSON (the server sends strings as-is).
function jsonString(text: string): SandboxResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(text),
  };
}

function fail(status: number, message: string): SandboxResponse {
  return { status, body: { message } };
}
