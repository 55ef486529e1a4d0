import {
  AbortError,
  assertValidId,
  type CallOptions,
  ChangeAppliedError,
  ConflictError,
  type CreateLiveStreamInput,
  changeLifecycle,
  type Delivery,
  describeParts,
  type HttpClient,
  type HttpResponse,
  inputSecrets,
  interruptedAfterAcceptedChange,
  isAbortSignal,
  isEmptyRestreamPlan,
  keptRestreamTargetsWarning,
  type ListOptions,
  type LiveStream,
  type LiveStreamStatus,
  lifecycleResult,
  NotFoundError,
  type OwnParseResult,
  onceListenerOptions,
  parseVendorResponse,
  pathOf,
  planRestream,
  platformSignal,
  providerCallOptions,
  providerInput,
  type ReadBack,
  ResponseShapeError,
  type RestreamTarget,
  readBackAfterChange,
  refuseAbortedCall,
  requestChange,
  type SecretSet,
  type StartOptions,
  safeParseOwn,
  startCall,
  streamChanges,
  UniliveError,
  type UpdateLiveStreamInput,
  type Warning,
  walkPages,
  withCallSignal,
} from '@unilive/core';
import * as v from 'valibot';
import {
  convertToVideosdkV2CreateRequest,
  convertToVideosdkV2StartOptions,
  convertToVideosdkV2UpdateRequest,
  type VideosdkV2StartSettings,
} from './convert-to-videosdk-v2-room.js';
import {
  mapVideosdkV2Stream,
  playbackPasswords,
  type VideosdkV2Raw,
  type VideosdkV2Reading,
  videosdkV2State,
} from './map-videosdk-v2-room.js';
import { type VideosdkApiImplementation, videosdkV2ProviderOptionsOn } from './videosdk-api-version.js';
import { videosdkV2Capabilities } from './videosdk-capabilities.js';
import {
  type VideosdkV2Hls,
  type VideosdkV2HlsStartBody,
  type VideosdkV2Room,
  type VideosdkV2RtmpOut,
  type VideosdkV2RtmpOutStartBody,
  videosdkV2ActionAnswerSchema,
  videosdkV2ActiveHlsSchema,
  videosdkV2HlsSchema,
  videosdkV2PageSchema,
  videosdkV2RoomSchema,
  videosdkV2RtmpOutSchema,
} from './videosdk-v2-api.js';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

const provider = 'videosdk';

const ignore = () => {};

// Shared by every read that gives none: nothing changes it.
const noWarnings: readonly Warning[] = /* @__PURE__ */ Object.freeze([]);

/** `perPage` sent when the caller gives no page size: the v2 reference's documented default. */
export const videosdkV2DefaultPageSize = 20;

/**
 * Largest `perPage` sent. The v2 reference documents no maximum; 100 is the SDK's largest example and keeps a
 * page answer small.
 */
export const videosdkV2MaxPageSize = 100;

// What an error's message says of the request that failed, when an operation makes more than one; the
// error's `operation` is always the one the caller called.
const hlsStep = 'reading the HLS egress';
const rtmpOutsStep = 'reading the RTMP-outs';
const roomStep = 'reading the room';

// Parts of a live update that have no input path of their own, for ChangeAppliedError: the status toggle
// is named by the option that asked for it; ending the running RTMP-outs by its step.
const statusPart = 'providerOptions.videosdk.disabled';
const endedPart = 'end-rtmp-outs';
// Starting the restream targets a start sends (held from create or update, or given to start).
const startedPart = 'start-rtmp-outs';

// RTMP-out records of one session are few (one per start); this bounds a vendor that keeps paging.
const maxRtmpOutPages = 20;

/**
 * Core's rule for an answer about one stream that is about another (a proxy or cache serving another URL's
 * answer, a vendor's bug): a `ResponseShapeError`, `issues` path `id` (`sessionId` for an RTMP-out record of
 * another session than the running egress's), `delivery: 'unknown'`, never another room's state, playback
 * or restream keys passed off as this room's. The message is core's (`sameStream`), with the request that
 * brought it when it was not the room's own read.
 */
function aboutAnotherStream(
  id: string,
  operation: string,
  secrets: SecretSet,
  where?: { step: string; names: string; path?: 'id' | 'sessionId' },
): ResponseShapeError {
  const step = where === undefined ? '' : ` (${where.step})`;
  const names = where === undefined ? '' : `: ${where.names}`;
  return new ResponseShapeError({
    provider,
    operation,
    message: `${provider} ${operation}${step}: the vendor's answer about stream ${id} is about another stream${names}`,
    issues: [
      where?.path === 'sessionId'
        ? { path: 'sessionId', expected: 'the session of the running HLS egress of the stream asked for' }
        : { path: 'id', expected: 'the id of the stream asked for' },
    ],
    delivery: 'unknown',
    secrets,
  });
}

type ActiveHlsAnswer = HttpResponse<v.InferOutput<typeof videosdkV2ActiveHlsSchema>>;

/**
 * `data` of an active-egress answer as the vendor sent it (the answer's schema has read it as an object),
 * for `raw.hls`: the parsed JSON, not the schema's output, so nothing in it is dropped or reordered.
 */
// The platform signal following the caller's, or undefined for a value that is no signal or cannot be followed.
function followedSignal(given: unknown): AbortSignal | undefined {
  if (!isAbortSignal(given)) return undefined;
  try {
    return platformSignal(given);
  } catch {
    return undefined;
  }
}

function receivedHls(answer: ActiveHlsAnswer): unknown {
  return (answer.body as { data: unknown }).data;
}

/** A room of a list page: what the schema read, and the page's item as received. */
interface ListedRoom {
  room: VideosdkV2Room;
  raw: unknown;
}

/** What the v2 implementation needs besides the HTTP client. */
export interface VideosdkV2Dependencies {
  http: HttpClient;
  secrets: SecretSet;
  /** `{base}/v2/whip`. */
  whipUrl: string;
  /** The WHIP bearer token, signed (and renewed) on demand. */
  ingestToken(): string | Promise<string>;
}

/**
 * The v2 API: a live stream is a room (`/v2/rooms`), video enters it over WHIP, viewers play its HLS egress
 * (`/v2/hls/start|end`), and restream targets are its RTMP-outs (`/v2/livestreams/start|end`). The room id is
 * the stream id, so webhook events (which name the room as `meetingId`) map to it.
 */
export function createVideosdkV2Api(deps: VideosdkV2Dependencies): VideosdkApiImplementation {
  const { http, secrets } = deps;
  // What v2 takes only at start (recording, composition, restream targets), by room id; see
  // convertToVideosdkV2CreateRequest.
  const held = new Map<string, VideosdkV2StartSettings>();
  // A start, a stop or an update of a running room ends and starts its RTMP-outs as a set, planned from a
  // read of those running: two at once would each start theirs beside the other's. The changes of one room
  // made through this provider run one after another.
  const changes = streamChanges(provider);

  /** The room's read: `data` as the schema read it, `body` as the vendor sent it. */
  function fetchRoom(
    id: string,
    operation: string,
    step: string | undefined,
    options: CallOptions | undefined,
  ): Promise<HttpResponse<VideosdkV2Room>> {
    return http.request({
      operation,
      step,
      method: 'GET',
      path: pathOf`v2/rooms/${id}`,
      stream: id,
      schema: videosdkV2RoomSchema,
      options,
    });
  }

  /**
   * The answer telling the room's running HLS egress (`data.data`, and `receivedHls` as sent), or undefined
   * when the vendor answers 404 ("HLS not found"). Any other failure, 402 ("room not found" to the vendor's
   * SDK) included, is thrown. Its errors name the caller's `operation` (`status` for getStatus, `stop` for
   * the read stop makes first); the message says it was the egress read.
   */
  async function fetchActiveHls(
    id: string,
    operation: string,
    options: CallOptions | undefined,
  ): Promise<ActiveHlsAnswer | undefined> {
    const response = await http.request({
      operation,
      step: hlsStep,
      method: 'GET',
      path: pathOf`v2/hls/${id}/active`,
      stream: id,
      schema: videosdkV2ActiveHlsSchema,
      notFoundIsAnswer: true,
      options,
    });
    if (response.status === 404) return undefined;
    egressOf(response, id, operation);
    return response;
  }

  /**
   * The egress an active-egress answer for room `id` tells, once it is found to be about that room: one
   * whose own `roomId` names another room is refused ({@link aboutAnotherStream}); one without a `roomId`
   * is taken as asked. A password in a playback URL's user information is learned as the room's secret.
   */
  function egressOf(answer: ActiveHlsAnswer, id: string, operation: string): VideosdkV2Hls {
    const hls = answer.data.data;
    if (typeof hls.roomId === 'string' && hls.roomId !== id)
      throw aboutAnotherStream(id, operation, secrets, {
        step: hlsStep,
        names: 'the HLS egress names another room',
      });
    secrets.learnStream(id, ...playbackPasswords(hls));
    return hls;
  }

  // The destination keys of the running RTMP-outs a page lists, learned before its `onResponse` event (the
  // mapping holds them after the read, finding them in place).
  function learnRtmpOutKeys(id: string, records: readonly unknown[]): void {
    for (const record of records) {
      const parsed = safeParseOwn(videosdkV2RtmpOutSchema, record);
      if (parsed.success) {
        if (!parsed.output.end)
          secrets.learnStream(id, ...(parsed.output.outputs ?? []).map((output) => output.streamKey));
      } else learnRefusedRtmpOut(id, parsed);
    }
  }

  // A record the schema refuses (a field of the wrong type) is left out of the stream, whether it runs or
  // not, but the destination keys it carries are learned from what the schema read of it: a later error
  // that repeats one masks it.
  function learnRefusedRtmpOut(id: string, parsed: OwnParseResult<unknown>): void {
    if (parsed.success || !Object.hasOwn(parsed, 'partial')) return;
    const outputs = ownField(parsed.partial, 'outputs');
    if (!Array.isArray(outputs)) return;
    const keys: string[] = [];
    for (const output of outputs) {
      const key = ownField(output, 'streamKey');
      if (typeof key === 'string') keys.push(key);
    }
    secrets.learnStream(id, ...keys);
  }

  /**
   * RTMP-outs still running in the HLS's session (`end: null`), page by page: as read, and each record as
   * received (the page schema reads records as `unknown`, so they are the parsed JSON's own objects). A
   * record naming another room, or another session than the one asked for, makes the read an answer about
   * another stream ({@link aboutAnotherStream}).
   *
   * Paged by the rules core's `walkPages` applies to every walk (docs/architecture.md, "Paging"), here
   * inside a read of one stream, whose result carries its warnings: each record (by its `id`; one without,
   * by its content) is taken once, and the read stops on the vendor's last page, on an empty page, on a page
   * numbered other than the one asked (a server ignoring `page`), on a page with nothing new, and after
   * {@link maxRtmpOutPages} pages. A stop while the vendor's `lastPage` says more may exist (or at the page
   * cap) is reported by an `incomplete-answer` warning on `restream`: the list it gives may be partial.
   */
  async function fetchRunningRtmpOuts(
    id: string,
    sessionId: string | null | undefined,
    operation: string,
    options: CallOptions | undefined,
  ): Promise<{ running: VideosdkV2RtmpOut[]; received: unknown[]; warnings: Warning[] }> {
    const running: VideosdkV2RtmpOut[] = [];
    const received: unknown[] = [];
    const warnings: Warning[] = [];
    const seen = new Set<string>();
    // Named as the caller's call: a wait's final read is `waitForState (get)`, as its errors are.
    const named = servedLabel(operation, options);
    const incomplete = (why: string) => {
      warnings.push({
        type: 'incomplete-answer',
        setting: 'restream',
        message: `${provider} ${named}: the vendor's RTMP-out pages of stream ${id} could not all be read (${why}), so \`restream\` may lack running RTMP-outs: it lists the ${running.length} read`,
      });
    };
    for (let page = 1; ; page += 1) {
      const response = await http.request({
        operation,
        step: rtmpOutsStep,
        method: 'GET',
        path: 'v2/livestreams',
        stream: id,
        query: { roomId: id, sessionId: sessionId ?? undefined, page, perPage: videosdkV2DefaultPageSize },
        schema: videosdkV2PageSchema,
        learn: (answer) => learnRtmpOutKeys(id, answer.data),
        options,
      });
      const { data, pageInfo } = response.data;
      let fresh = 0;
      for (const record of data) {
        const roomOf = ownField(record, 'roomId');
        if (typeof roomOf === 'string' && roomOf !== id)
          throw aboutAnotherStream(id, operation, secrets, {
            step: rtmpOutsStep,
            names: 'an RTMP-out record names another room',
          });
        const sessionOf = ownField(record, 'sessionId');
        if (typeof sessionId === 'string' && typeof sessionOf === 'string' && sessionOf !== sessionId)
          throw aboutAnotherStream(id, operation, secrets, {
            step: rtmpOutsStep,
            names: 'an RTMP-out record names another session than the running HLS egress',
            path: 'sessionId',
          });
        const recordId = ownField(record, 'id');
        const key = typeof recordId === 'string' ? `id:${recordId}` : `record:${JSON.stringify(record)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        fresh += 1;
        const parsed = safeParseOwn(videosdkV2RtmpOutSchema, record);
        if (parsed.success && !parsed.output.end) {
          // Learned here too: the request's `learn` runs only under an `onResponse` hook, and a stop reads
          // no stream before its egress end, whose refusal may echo a key of the RTMP-outs it just ended.
          secrets.learnStream(id, ...(parsed.output.outputs ?? []).map((output) => output.streamKey));
          running.push(parsed.output);
          received.push(record);
        } else if (!parsed.success) learnRefusedRtmpOut(id, parsed);
      }
      const answered = pageInfo?.currentPage ?? page;
      const lastPage = pageInfo?.lastPage ?? undefined;
      // The vendor's last page, or no word on pages at all (the answer holds them all): the end.
      if (!lastPage || answered >= lastPage) break;
      const of = `page ${page} of ${lastPage}`;
      if (data.length === 0) {
        incomplete(`${of} was empty`);
        break;
      }
      if (answered !== page) {
        incomplete(
          `page ${page} was asked for and page ${answered} answered: the server seems to ignore the page parameter`,
        );
        break;
      }
      if (fresh === 0) {
        incomplete(`${of} held no record not already read`);
        break;
      }
      if (page >= maxRtmpOutPages) {
        incomplete(`the read stopped after ${maxRtmpOutPages} pages, each with new records`);
        break;
      }
    }
    return { running, received, warnings };
  }

  async function read(
    id: string,
    operation: string,
    given: CallOptions | undefined,
    withRtmpOuts = true,
  ): Promise<VideosdkV2Reading> {
    // Read before either request, as the HTTP layer reads them: the signal is followed here, and a Map's or
    // a throwing getter's would otherwise reach the second read unchecked.
    const options = providerCallOptions(given, provider, operation, undefined, undefined, secrets);
    // The room and its egress are read at once: one round trip instead of two. Both settle before the call
    // does, so the room's failure is the call's whichever answer comes first (a missing room is a
    // NotFoundError, never the egress read's error), the egress read's failure fails a room that was read,
    // no request is still running when the call ends, and the egress read's rejection is handled from the
    // start (it may come while the room is still awaited). Once the room read has failed, the egress read's
    // answer can no longer change the call's outcome: it is aborted, so that its retries (a 429's
    // Retry-After, a 5xx's backoff) neither hold the room's error back nor send more requests.
    // Both are sent straight through the HTTP layer (not fetchRoom and fetchActiveHls): every `get` takes
    // this path, and each wrapper would cost it a promise and a frame more.
    const roomRead = http.request({
      operation,
      method: 'GET',
      path: pathOf`v2/rooms/${id}`,
      stream: id,
      schema: videosdkV2RoomSchema,
      options,
    });
    const signal = options !== undefined && Object.hasOwn(options, 'signal') ? options.signal : undefined;
    const hlsStop = new AbortController();
    // The call's signal ends the egress read through `hlsStop`, listened to as the platform signal that
    // follows it (platformSignal, as the HTTP layer does): a signal of another realm gets one listener for
    // its life, never removed. A value that is no signal, or one that cannot be followed, is passed on as it
    // is, for the HTTP layer to refuse in both reads.
    const followed = followedSignal(signal);
    const linked = followed !== undefined;
    let follow: (() => void) | undefined;
    if (followed !== undefined) {
      if (followed.aborted) hlsStop.abort(followed.reason);
      else {
        follow = () => hlsStop.abort(followed.reason);
        followed.addEventListener('abort', follow, onceListenerOptions);
      }
    }
    const hlsRead = http.request({
      operation,
      step: hlsStep,
      method: 'GET',
      path: pathOf`v2/hls/${id}/active`,
      stream: id,
      schema: videosdkV2ActiveHlsSchema,
      notFoundIsAnswer: true,
      options: signal === undefined || linked ? withCallSignal(options, hlsStop.signal) : options,
    });
    hlsRead.catch(ignore);
    let roomAnswer: HttpResponse<VideosdkV2Room>;
    let hlsAnswer: ActiveHlsAnswer;
    try {
      try {
        roomAnswer = await roomRead;
      } catch (error) {
        hlsStop.abort();
        await hlsRead.catch(ignore);
        throw error;
      }
      hlsAnswer = await hlsRead;
    } finally {
      if (follow !== undefined) followed?.removeEventListener('abort', follow);
    }
    // `raw` holds the bodies as received, by reference; the mapping reads only what the schemas read.
    const room = roomAnswer.data;
    // Another room's answer is never this one's (core's sameStream, applied here too for getStatus, whose
    // result names no id a client could compare); nor is another room's egress (below).
    if (room.roomId !== id) throw aboutAnotherStream(id, operation, secrets);
    // RTMP-outs compose the running session: with no HLS running the adapter has started none.
    if (hlsAnswer.status === 404) return { room, raw: { room: roomAnswer.body } };
    const hls = egressOf(hlsAnswer, id, operation);
    if (!withRtmpOuts) return { room, hls, raw: { room: roomAnswer.body, hls: receivedHls(hlsAnswer) } };
    const outs = await fetchRunningRtmpOuts(id, hls.sessionId, operation, options);
    const reading: VideosdkV2Reading = {
      room,
      hls,
      rtmpOuts: outs.running,
      raw: { room: roomAnswer.body, hls: receivedHls(hlsAnswer), rtmpOuts: outs.received },
    };
    if (outs.warnings.length > 0) reading.warnings = outs.warnings;
    return reading;
  }

  /**
   * What a read shows as the restream list while no RTMP-out runs: `held`, the targets held for the next
   * start (the default), or, after a start whose RTMP-out start failed, `shown`: `[]` when the vendor
   * refused it (nothing was started), undefined when its outcome is unknown (the read's RTMP-outs tell).
   */
  type RestreamShown = { held: true } | { held: false; shown: readonly RestreamTarget[] | undefined };
  const heldShown: RestreamShown = { held: true };

  function mapStream(
    reading: VideosdkV2Reading,
    ingestToken: string,
    warnings: readonly Warning[] = noWarnings,
    restreamShown: RestreamShown = heldShown,
  ): LiveStream {
    const settings = held.get(reading.room.roomId);
    return mapVideosdkV2Stream(reading, {
      whipUrl: deps.whipUrl,
      ingestToken,
      // Absent when no call of this client named it: no v2 answer says whether the room records.
      recording: settings?.recording,
      heldRestream: restreamShown.held ? settings?.restream : restreamShown.shown,
      secrets,
      // The call's own, then the read's (an RTMP-out read cut short).
      warnings: reading.warnings === undefined ? warnings : [...warnings, ...reading.warnings],
    });
  }

  async function toStream(
    reading: VideosdkV2Reading,
    warnings: readonly Warning[] = noWarnings,
  ): Promise<LiveStream> {
    const token = deps.ingestToken();
    return mapStream(reading, typeof token === 'string' ? token : await token, warnings);
  }

  async function fetchStream(
    id: string,
    operation: string,
    options: CallOptions | undefined,
    warnings: readonly Warning[] = noWarnings,
    restreamShown: RestreamShown = heldShown,
  ): Promise<LiveStream> {
    const reading = await read(id, operation, options);
    // The token is at hand on every read but the one that signs a new one: no promise more then.
    const token = deps.ingestToken();
    return mapStream(reading, typeof token === 'string' ? token : await token, warnings, restreamShown);
  }

  /**
   * Reads the stream back after a change the vendor accepted, through core's one rule: a failed read does not
   * turn the accepted change into a failure; the stream is returned as the accepted answers left it, with a
   * `read-back-failed` warning. The fallback keeps the WHIP ingest, which is built locally.
   */
  async function readBack(
    id: string,
    operation: string,
    applied: string,
    options: CallOptions | undefined,
    fallback: () => VideosdkV2Reading,
    warnings: readonly Warning[],
    restreamShown: RestreamShown = heldShown,
    parts?: ReadBack['parts'],
  ): Promise<LiveStream> {
    // Signed before the read, so the fallback can be built without another await.
    const ingestToken = await deps.ingestToken();
    return readBackAfterChange({
      provider,
      operation,
      id,
      applied,
      parts,
      read: () => fetchStream(id, operation, options, warnings, restreamShown),
      accepted: () => mapStream(fallback(), ingestToken, warnings, restreamShown),
      secrets,
    });
  }

  async function startRestream(
    id: string,
    targets: readonly { url: string; streamKey: string }[],
    config: VideosdkV2StartSettings['config'],
    operation: 'start' | 'update',
    options: CallOptions | undefined,
  ): Promise<void> {
    secrets.learnStream(id, ...targets.map((target) => target.streamKey));
    // The vendor refuses an RTMP-out without a layout, and wants a priority with it (error table:
    // "Please provide layout under config object"; server SDK defaults GRID and SPEAKER).
    const body: VideosdkV2RtmpOutStartBody = {
      roomId: id,
      outputs: targets.map((target) => ({ url: target.url, streamKey: target.streamKey })),
      config: {
        layout: { type: 'GRID', priority: 'SPEAKER', ...config.layout },
        ...(config.theme ? { theme: config.theme } : {}),
      },
    };
    await requestChange(
      http,
      {
        operation,
        step: 'starting the RTMP-outs',
        method: 'POST',
        path: 'v2/livestreams/start',
        stream: id,
        body,
        schema: videosdkV2ActionAnswerSchema,
        options,
      },
      { provider, secrets },
    );
  }

  // Ends what a room holds (its RTMP-outs, its HLS egress) or the room itself: `POST {path} {roomId}`.
  // Ending what has ended changes nothing, so it is safe to repeat after a lost answer, whose repeat may find
  // it gone (a deactivated room answers 404, an ended egress "HLS not found."): gone means done.
  async function endAction(
    operation: string,
    step: string,
    path: string,
    id: string,
    options: CallOptions | undefined,
  ) {
    await requestChange(
      http,
      {
        operation,
        step,
        method: 'POST',
        path,
        stream: id,
        body: { roomId: id },
        schema: videosdkV2ActionAnswerSchema,
        idempotent: true,
        goneMeansDone: true,
        options,
      },
      { provider, secrets },
    );
  }

  /**
   * The stop of an egress that is starting (active, no playback URL yet): a conflict, as on every adapter
   * (the caller asked for the opposite of what is happening; Wowza Video's vendor refuses it alike), found by
   * the stop's read, before anything is ended. Whether the vendor's `hls/end` would end it is unverified.
   */
  function stopWhileStarting(id: string): ConflictError {
    return new ConflictError({
      provider,
      operation: 'stop',
      message:
        `videosdk stop: the HLS egress of room ${id} is starting, so nothing was ended; stop it once it is ` +
        `ready (waitForState(id, 'ready'), or the hls-playable event)`,
      secrets,
    });
  }

  /**
   * What a start refused as "room not found" (404, or 402 as the vendor's SDK reads it) tells the caller. No
   * vendor page says how `hls/start` answers for a room that exists but is disabled (the sandbox answers
   * 404, as for a missing room): one read of the room tells the two apart. A disabled room is a
   * `ConflictError` (the call does not fit its state; enabling the room makes it start, as `waitForState`
   * and `get` tell), never a NotFoundError that would have the caller forget a room it can enable again.
   * A room that is gone, or a read that fails, leaves the vendor's refusal as it was; an abort is the abort.
   */
  async function disabledRoomRefusal(
    id: string,
    refusal: UniliveError,
    options: CallOptions | undefined,
  ): Promise<UniliveError> {
    let disabled = false;
    try {
      const answered = (await fetchRoom(id, 'start', roomStep, options)).data;
      // Another room's answer tells nothing of this one: the refusal stands.
      disabled = answered.roomId === id && answered.disabled === true;
    } catch (error) {
      if (AbortError.isInstance(error)) return error;
    }
    if (!disabled) return refusal;
    return new ConflictError({
      provider,
      operation: 'start',
      message:
        `videosdk start: room ${id} is disabled, so its HLS egress cannot start (the vendor answered ` +
        `HTTP ${refusal.status ?? '?'}: ${refusal.vendorMessage ?? 'no message'}); enable it first with ` +
        `update(id, { providerOptions: { videosdk: { disabled: false } } })`,
      status: refusal.status,
      vendorCode: refusal.vendorCode,
      vendorMessage: refusal.vendorMessage,
      requestId: refusal.requestId,
      delivery: refusal.delivery,
      cause: refusal,
      secrets,
    });
  }

  async function endRestream(
    id: string,
    operation: 'stop' | 'update',
    options: CallOptions | undefined,
  ): Promise<void> {
    await endAction(operation, 'ending the RTMP-outs', 'v2/livestreams/end', id, options);
  }

  /**
   * What a live update's failed RTMP-out step (`end`: ending the running set; `start`: starting the new one)
   * tells the caller, and the targets held from then on. Before any accepted change (no status toggle, no
   * RTMP-out ended), the vendor's failure is the call's, as it is. After one, the change holds and is never
   * reported as a plain vendor failure (docs/errors.md): a {@link ChangeAppliedError} names what was applied
   * (the toggle, the ended RTMP-outs), what may have been (a step whose answer was lost: `delivery`
   * `unknown`) and what was not (a refused step, and the new set after a failed end); an abort stays an
   * `AbortError`, with `delivery` `unknown` and the same account in its fields (core's
   * `abortAfterAcceptedChange`).
   *
   * Held targets follow what the stream may push: the new set after a start whose outcome is unknown (the
   * vendor may run it; a read shows what runs); none after a refused start (the old set was ended, so the
   * stream has none) or an end whose outcome is unknown (the new set was never sent); the targets held
   * before the update after a refused end (the old set still runs, and the update changed nothing of it).
   */
  function restreamUpdateFailure(
    id: string,
    error: unknown,
    step: 'end' | 'start',
    applied: readonly string[],
    targets: readonly RestreamTarget[],
    next: VideosdkV2StartSettings,
    before: VideosdkV2StartSettings | undefined,
  ): unknown {
    const failed = UniliveError.isInstance(error) ? error : undefined;
    // A refusal (or nothing sent) carried nothing out; any other failure may have (a 5xx, a timeout, a cut
    // or unreadable 2xx, an abort after sending).
    const refused = failed?.delivery === 'refused' || failed?.delivery === 'not-sent';
    if (step === 'start') {
      if (refused) held.set(id, { ...next, restream: [] });
    } else held.set(id, { ...next, restream: refused ? before?.restream : [] });
    if (applied.length === 0) return error;
    const newSet = targets.map((_, index) => `restream.${index}`);
    const failedParts = step === 'end' ? [endedPart] : newSet;
    const parts = {
      applied,
      unknown: refused ? [] : failedParts,
      notApplied: step === 'end' ? [...(refused ? failedParts : []), ...newSet] : refused ? failedParts : [],
    };
    const reason = failed?.message ?? (error instanceof Error ? error.message : 'an unknown failure');
    const interrupted = interruptedAfterAcceptedChange(error, {
      provider,
      operation: 'update',
      streamId: id,
      parts: () => parts,
      secrets,
    });
    if (interrupted) return interrupted;
    const what =
      step === 'end'
        ? refused
          ? `ending the running RTMP-outs failed (${reason}), so they still run, and the new restream targets were not started`
          : `ending the running RTMP-outs got no answer unilive could read (${reason}), so whether they ended is unknown, and the new restream targets were not started`
        : refused
          ? `the vendor refused the new restream targets (${reason}), so none was started${applied.includes(endedPart) ? ' and the stream has none: the old ones were ended' : ''}`
          : `whether the vendor started the new restream targets is unknown (${reason}); it may be pushing to them`;
    return new ChangeAppliedError({
      message: `videosdk update: on stream ${id}, ${what}. ${describeParts(parts)}To finish, repeat the update: it ends the RTMP-outs it finds running before it starts the new set, so none is pushed twice.`,
      provider,
      operation: 'update',
      streamId: id,
      ...parts,
      ...vendorFieldsOf(failed),
      delivery: refused ? undefined : 'unknown',
      cause: error,
      secrets,
    });
  }

  /**
   * What a stop whose HLS end failed after it ended the RTMP-outs tells the caller. The end of the RTMP-outs
   * holds, so the failure is never the bare vendor error (docs/errors.md: never after an accepted change):
   * an abort stays an `AbortError` naming the parts (core's `abortAfterAcceptedChange`), any other failure
   * is a {@link ChangeAppliedError}. The egress end (`stop`) is `unknown` when its answer was lost (a 5xx,
   * a timeout, a cut or unreadable 2xx, an abort after it was sent) and `notApplied` when refused or never
   * sent; the failed request's `status`, vendor fields and `cause` are kept.
   */
  function stopFailure(id: string, error: unknown): unknown {
    const failed = UniliveError.isInstance(error) ? error : undefined;
    const refused = failed?.delivery === 'refused' || failed?.delivery === 'not-sent';
    const parts = {
      applied: [endedPart],
      unknown: refused ? [] : ['stop'],
      notApplied: refused ? ['stop'] : [],
    };
    const interrupted = interruptedAfterAcceptedChange(error, {
      provider,
      operation: 'stop',
      streamId: id,
      parts: () => parts,
      secrets,
    });
    if (interrupted) return interrupted;
    const reason = failed?.message ?? (error instanceof Error ? error.message : 'an unknown failure');
    const what = refused
      ? `ending the HLS egress failed (${reason}), so it still runs, while its RTMP-outs were ended`
      : `ending the HLS egress got no answer unilive could read (${reason}), so whether it ended is unknown; its RTMP-outs were ended`;
    return new ChangeAppliedError({
      message: `videosdk stop: on stream ${id}, ${what}. ${describeParts(parts)}To finish, repeat the stop: it ends only what it finds running.`,
      provider,
      operation: 'stop',
      streamId: id,
      ...parts,
      ...vendorFieldsOf(failed),
      delivery: refused ? undefined : 'unknown',
      cause: error,
      secrets,
    });
  }

  return {
    capabilities: videosdkV2Capabilities,

    async create(given: CreateLiveStreamInput, options?: CallOptions) {
      // A signal aborted already ends the call before its input is checked, as through a client.
      options = startCall(options, provider, 'create', http);
      // Checked as a client checks it, when called without one: a bad field is refused, not sent.
      const input = providerInput(given, provider, 'create', secrets);
      // Restream keys are secrets before the request: an error may echo them.
      const sent = inputSecrets(input, provider);
      secrets.learn(...sent);
      const { body, start, warnings } = convertToVideosdkV2CreateRequest(input, { secrets });
      const response = await http.request({
        operation: 'create',
        method: 'POST',
        path: 'v2/rooms',
        body,
        schema: videosdkV2RoomSchema,
        options,
      });
      secrets.learnStream(response.data.roomId, ...sent);
      const room = response.data;
      held.set(room.roomId, start);
      // A new room has no HLS running: nothing more to read.
      return toStream({ room, raw: { room: response.body } }, warnings);
    },

    async get(id: string, options?: CallOptions) {
      // One deadline for the call (totalTimeoutMs): the room, the egress and its RTMP-outs.
      options = startCall(options, provider, 'get', http);
      assertValidId(id, { provider, operation: 'get' });
      const stream = await fetchStream(id, 'get', options);
      return stream;
    },

    async getStatus(id: string, options?: CallOptions): Promise<LiveStreamStatus> {
      options = startCall(options, provider, 'status', http);
      assertValidId(id, { provider, operation: 'status' });
      // The room and its egress, read at once as `get` reads them (one round trip), so that the state is
      // `get`'s: a room disabled while its egress runs is `disabled` to both (waitForState(id, 'disabled')
      // ends, and a wait for `ready` there does not end on a room `get` calls disabled; it is polled on, as
      // the room can be enabled: `capabilities.enable`). The running RTMP-outs, which `get` reads next, tell
      // nothing of the state: not read. `raw` holds the answers as received, in the parts `get`'s raw names.
      const reading = await read(id, 'status', options, false);
      return { state: videosdkV2State(reading), raw: reading.raw };
    },

    async *list(given?: ListOptions) {
      refuseAbortedCall(given, provider, 'list');
      // Read as a client reads them before anything here does (its `pageSize`): `null`, a Map, a getter
      // that throws or a value a client refuses (`pageSize: 0`, `name: ''`) is refused with the client's error.
      const options: ListOptions =
        providerCallOptions(given, provider, 'list', undefined, undefined, secrets) ?? {};
      const requested = Math.floor(options.pageSize ?? videosdkV2DefaultPageSize);
      const perPage = Number.isFinite(requested)
        ? Math.min(videosdkV2MaxPageSize, Math.max(1, requested))
        : videosdkV2DefaultPageSize;
      // Each step of the walk (each `next()`: a page and the detail reads until the next stream) has its own
      // deadline (totalTimeoutMs), never the walk as a whole.
      let step: ListOptions = options;
      yield* walkPages<unknown, ListedRoom, LiveStream>({
        provider,
        startStep: () => {
          step = http.startCall?.(options, 'list') ?? options;
        },
        fetchPage: async (page) => {
          const response = await http.request({
            operation: 'list',
            method: 'GET',
            path: 'v2/rooms',
            query: { page, perPage },
            schema: videosdkV2PageSchema,
            options: step,
          });
          const { data, pageInfo } = response.data;
          return {
            items: data,
            page: pageInfo?.currentPage ?? undefined,
            totalPages: pageInfo?.lastPage ?? undefined,
            totalItems: pageInfo?.total ?? undefined,
            pageSize: pageInfo?.perPage ?? undefined,
          };
        },
        // A room unilive cannot read (an id it would not put in a URL) is skipped with a warning. The page
        // schema reads items as `unknown`: `record` is the page's own item, kept as `raw.room`.
        read: (record) => ({
          room: parseVendorResponse(videosdkV2RoomSchema, record, {
            provider,
            operation: 'list',
            secrets,
          }),
          raw: record,
        }),
        idOf: (item) => item.room.roomId,
        // A room page carries no egress: each room's state is one more read, made as the walk reaches it.
        // Through the walker, as Wowza's detail reads: a room whose read is lost (a 5xx, a body cut short) is
        // skipped with a warning naming it, a second in a row ends the walk, and a room deleted meanwhile is
        // left out.
        details: async ({ room, raw }) => {
          const answer = room.disabled === true ? undefined : await fetchActiveHls(room.roomId, 'list', step);
          return toStream(
            answer
              ? { room, hls: answer.data.data, raw: { room: raw, hls: receivedHls(answer) } }
              : { room, raw: { room: raw } },
          );
        },
        pageSize: perPage,
        options,
        secrets,
      });
    },

    async update(id: string, given: UpdateLiveStreamInput, options?: CallOptions) {
      options = startCall(options, provider, 'update', http);
      assertValidId(id, { provider, operation: 'update' });
      return changes(id, 'update', options, async () => {
        // Checked as a client checks it, when called without one: a bad field is refused, not sent.
        const patch = providerInput(given, provider, 'update', secrets);
        const request = convertToVideosdkV2UpdateRequest(patch, { secrets });
        const warnings = [...request.warnings];
        const before = held.get(id);
        const next: VideosdkV2StartSettings = {
          // Unknown stays unknown: an update without `recording` of a room another process made names none.
          recording: request.start.recording ?? before?.recording,
          config: request.start.config ?? before?.config ?? {},
          restream: request.start.restream ?? before?.restream,
        };
        held.set(id, next);
        secrets.learnSent(id, ...inputSecrets(patch, provider));
        let reading: VideosdkV2Reading;
        if (request.status === undefined) {
          reading = await read(id, 'update', options);
        } else {
          // Any 2xx is an accepted toggle, whatever its body held (core's requestChange).
          const answer = await requestChange(
            http,
            {
              operation: 'update',
              method: 'POST',
              path: pathOf`v2/rooms/${id}`,
              stream: id,
              body: { status: request.status },
              schema: videosdkV2RoomSchema,
              // Setting the same status twice changes nothing [2024 reference: "if it is different"].
              idempotent: true,
              options,
            },
            { provider, secrets },
          );
          const answered = answer.readable ? answer.data : { roomId: id };
          // The toggle was accepted: a failed read no longer makes the update a failure (core's rule). The
          // answer is the room; whether an egress runs it does not say, so an enabled room's state is unknown.
          let fresh: VideosdkV2Reading | undefined;
          const ingestToken = await deps.ingestToken();
          const stream = await readBackAfterChange({
            provider,
            operation: 'update',
            id,
            applied: `the vendor accepted the room status ${request.status}`,
            parts: { applied: [statusPart] },
            read: async () => {
              fresh = await read(id, 'update', options);
              return mapStream(fresh, ingestToken, warnings);
            },
            accepted: () => {
              const room = { ...answered, roomId: answered.roomId ?? id };
              // `raw.room` is the toggle's answer as received when it was the room; `{ roomId }` when it
              // told nothing about the room.
              const raw: VideosdkV2Raw = { room: answer.readable ? answer.body : { roomId: id } };
              const accepted = mapStream({ room, raw }, ingestToken, warnings);
              return room.disabled === true ? accepted : { ...accepted, state: 'unknown' };
            },
            secrets,
          });
          if (!fresh) {
            // Nothing tells whether the stream runs: new restream targets wait for the next start.
            return request.start.restream === undefined
              ? stream
              : {
                  ...stream,
                  warnings: [
                    ...(stream.warnings ?? []),
                    {
                      type: 'other',
                      setting: 'restream',
                      message:
                        'videosdk update: the stream could not be read, so the new restream targets were not applied to a running egress; they apply from the next start',
                    },
                  ],
                };
          }
          reading = fresh;
        }
        const state = videosdkV2State(reading);
        const live = state === 'starting' || state === 'ready';
        // The list the running RTMP-outs already push to (url and key together, in any order) changes nothing
        // (core's one reading, `planRestream`): ending and starting them again would cut every destination.
        const running = (reading.rtmpOuts ?? []).flatMap((out) =>
          (out.outputs ?? []).map((output) => ({ url: output.url, streamKey: output.streamKey })),
        );
        const plan =
          request.start.restream === undefined ? undefined : planRestream(running, request.start.restream);
        const unchanged = plan !== undefined && isEmptyRestreamPlan(plan);
        if (live && request.start.restream !== undefined && plan !== undefined && !unchanged) {
          const targets = request.start.restream;
          // Running outputs no input can name (started by another tool) cannot be in the list: the set is
          // ended and started again whole, so they go back into it, kept as core's plan keeps them.
          const restarted = plan.kept.length === 0 ? targets : [...targets, ...plan.kept];
          warnings.push(...keptRestreamTargetsWarning(plan.kept));
          // What the vendor accepted so far, named for a failure after it (ChangeAppliedError's parts).
          const applied: string[] = request.status === undefined ? [] : [statusPart];
          // Outputs cannot be added or removed while they run: end them, then start the new set.
          if ((reading.rtmpOuts ?? []).length > 0) {
            try {
              await endRestream(id, 'update', options);
            } catch (error) {
              throw restreamUpdateFailure(id, error, 'end', applied, targets, next, before);
            }
            applied.push(endedPart);
          }
          if (targets.length > 0) {
            try {
              await startRestream(id, restarted, next.config, 'update', options);
            } catch (error) {
              throw restreamUpdateFailure(id, error, 'start', applied, targets, next, before);
            }
          }
          return readBack(
            id,
            'update',
            'the vendor accepted the new restream targets',
            options,
            // The RTMP-outs read were ended: none is left to show, in the mapped fields or in `raw`.
            () => ({
              room: reading.room,
              hls: reading.hls,
              rtmpOuts: [],
              raw: { room: reading.raw.room, hls: reading.raw.hls },
            }),
            warnings,
            heldShown,
            { applied: [...applied, ...targets.map((_, index) => `restream.${index}`)] },
          );
        }
        if (live && (request.start.recording !== undefined || request.start.config !== undefined)) {
          warnings.push({
            type: 'other',
            setting: request.start.recording !== undefined ? 'recording' : 'providerOptions.videosdk',
            message:
              'videosdk v2 cannot change a running HLS egress: the new setting applies from the next start',
          });
        }
        return toStream(reading, warnings);
      });
    },

    async delete(id: string, options?: CallOptions) {
      options = startCall(options, provider, 'delete', http);
      assertValidId(id, { provider, operation: 'delete' });
      await endAction('delete', 'deactivating the room', 'v2/rooms/deactivate', id, options);
      held.delete(id);
      secrets.forgetStream(id);
    },

    async start(id: string, startOptions?: StartOptions) {
      refuseAbortedCall(startOptions, provider, 'start');
      assertValidId(id, { provider, operation: 'start' });
      // Read as the HTTP layer reads a call's options (a client has read them already): a Map or a getter
      // that throws is refused here, before its `providerOptions` would be taken for none; they are read as
      // a client reads them, its own id's included (v2 takes options on start).
      const { providerOptions, ...callOptions } =
        providerCallOptions(
          startOptions,
          provider,
          'start',
          undefined,
          videosdkV2ProviderOptionsOn,
          secrets,
        ) ?? ({} as StartOptions);
      // One deadline for the call (totalTimeoutMs): the egress, its RTMP-outs and the read back.
      const options: CallOptions = http.startCall?.(callOptions, 'start') ?? callOptions;
      return changes(id, 'start', options, async () => {
        // What the caller gives on start wins, field by field, over what this client holds for the room
        // (from create, update or an earlier start); the result is held for the next start.
        const given = convertToVideosdkV2StartOptions({ providerOptions }, { secrets });
        secrets.learnSent(id, ...inputSecrets({ providerOptions }, provider));
        const before = held.get(id);
        // A start sends the targets and recording it knows, none when nothing names them; from then on that
        // is what the stream has (`recording: false` when none was sent: that an egress started without
        // `config.recording` does not record is unverified, since no source gives its default).
        const restream = given?.restream ?? before?.restream ?? [];
        const settings: VideosdkV2StartSettings = {
          recording: given?.recording ?? before?.recording ?? false,
          config: given?.config ?? before?.config ?? {},
          restream,
        };
        held.set(id, settings);
        const startWarnings: Warning[] =
          before === undefined && given === undefined
            ? [
                {
                  type: 'held-in-memory',
                  message:
                    'videosdk start: this client holds no start settings for the room (it was not created or updated in this process) and none were given, so the HLS egress starts without recording, composition or restream targets. Settings given at create in another process are not known here: give them as start({ providerOptions: { videosdk: { recording, restream, … } } })',
                },
              ]
            : [];
        const body: VideosdkV2HlsStartBody = { roomId: id };
        const config = {
          ...settings.config,
          ...(settings.recording ? { recording: { enabled: true } } : {}),
        };
        if (Object.keys(config).length > 0) body.config = config;
        // The egress start's own refusal, told apart from a failure of the calls after it.
        let refusal: unknown;
        try {
          // Core's lifecycle rule: a refusal (409) of a start whose goal already holds returns the stream.
          return await changeLifecycle({
            provider,
            operation: 'start',
            id,
            read: () => fetchStream(id, 'start', options),
            secrets,
            send: async () => {
              // Any 2xx is an accepted start, whatever its body held (the egress, a string, nothing at all).
              const answer = await requestChange(
                http,
                {
                  operation: 'start',
                  method: 'POST',
                  path: 'v2/hls/start',
                  stream: id,
                  body,
                  schema: v.union([videosdkV2HlsSchema, v.string()]),
                  options,
                },
                { provider, secrets },
              ).catch((error: unknown) => {
                refusal = error;
                throw error;
              });
              const started = answer.readable && typeof answer.data !== 'string' ? answer.data : undefined;
              const warnings: Warning[] = [...startWarnings];
              let restreamShown: RestreamShown = heldShown;
              // Where the RTMP-out start stands, for an abort of the read-back after it.
              const parts = { applied: ['start'], unknown: [] as string[], notApplied: [] as string[] };
              if (restream.length > 0) {
                try {
                  await startRestream(id, restream, settings.config, 'start', options);
                  parts.applied.push(startedPart);
                } catch (error) {
                  // The egress was accepted: an abort or the call's time (totalTimeoutMs) run out names it,
                  // and whether the RTMP-outs were sent.
                  const interrupted = interruptedAfterAcceptedChange(error, {
                    provider,
                    operation: 'start',
                    streamId: id,
                    parts: (sent) => ({
                      applied: ['start'],
                      unknown: sent ? [startedPart] : [],
                      notApplied: sent ? [] : [startedPart],
                    }),
                    secrets,
                  });
                  if (interrupted) throw interrupted;
                  if (!UniliveError.isInstance(error)) throw error;
                  // The egress runs either way (the start is not a failure: core's rule for accepted changes).
                  // What the RTMP-out start did is told by its delivery, as on every change: a refusal (or
                  // nothing sent) started nothing; any other failure (a page or JSON cut short in a 2xx, a
                  // 5xx, a timeout) may have started them, and starting them again would push each stream
                  // twice to one destination with one key (decision restream-targets-once).
                  const delivery: Delivery | undefined = error.delivery;
                  if (delivery === 'refused' || delivery === 'not-sent') {
                    parts.notApplied.push(startedPart);
                    // The stream has none of them: the result and later reads list none, and the next start
                    // sends none (update({ restream }) is what starts them, now or on that start).
                    held.set(id, { ...settings, restream: [] });
                    restreamShown = { held: false, shown: [] };
                    warnings.push({
                      type: 'other',
                      setting: 'restream',
                      message: `videosdk start: the HLS egress started, but the vendor refused the restream targets, so none was started (${error.message}); start them with update({ restream })`,
                    });
                  } else {
                    parts.unknown.push(startedPart);
                    // Only the vendor's own list tells: `restream` is what the read found running (absent
                    // when the stream could not be read), never the held list shown as if it ran.
                    restreamShown = { held: false, shown: undefined };
                    warnings.push({
                      type: 'other',
                      setting: 'restream',
                      message: `videosdk start: the HLS egress started, but whether the vendor started the restream targets is unknown (${error.message}); it may be pushing to them. Read the stream (get) before starting them again: \`restream\` lists the RTMP-outs the vendor runs, and a second start of one that runs pushes it twice`,
                    });
                  }
                }
              }
              return readBack(
                id,
                'start',
                'the vendor accepted start (the HLS egress is starting)',
                options,
                // Nothing about the room was received: `raw.room` is `{ roomId }`; `raw.hls` is the start
                // answer as received (whatever it held), left out when it had no body.
                () => ({
                  room: { roomId: id },
                  hls: started
                    ? {
                        ...started,
                        playbackHlsUrl: undefined,
                        downstreamUrl: undefined,
                        livestreamUrl: undefined,
                      }
                    : { roomId: id },
                  raw:
                    answer.body === undefined
                      ? { room: { roomId: id } }
                      : { room: { roomId: id }, hls: answer.body },
                }),
                warnings,
                restreamShown,
                parts,
              );
            },
          });
        } catch (error) {
          if (error !== refusal || !NotFoundError.isInstance(error)) throw error;
          throw await disabledRoomRefusal(id, error, options);
        }
      });
    },

    async stop(id: string, options?: CallOptions) {
      // One deadline for the call (totalTimeoutMs): the reads, the ends and the read back.
      options = startCall(options, provider, 'stop', http);
      assertValidId(id, { provider, operation: 'stop' });
      return changes(id, 'stop', options, async () => {
        const answer = await fetchActiveHls(id, 'stop', options);
        const found = answer?.data.data;
        // The egress this stop ends, as read and as received, and its running RTMP-outs.
        let running: VideosdkV2Hls;
        let receivedRunning: unknown;
        let rtmpOuts: readonly VideosdkV2RtmpOut[];
        if (answer && found && !found.end) {
          if (videosdkV2State({ hls: found }) === 'starting') throw stopWhileStarting(id);
          running = found;
          receivedRunning = receivedHls(answer);
          rtmpOuts = (await fetchRunningRtmpOuts(id, found.sessionId, 'stop', options)).running;
        } else {
          // Stopped (or stopping) at this read: nothing to end, and the stream is read for the result. A start
          // the vendor accepted between the two reads shows a live egress in that read; returned as it is, the
          // stop would resolve `starting` while the egress runs on (the stop lost, the caller told it was
          // done). That egress is ended like one the first read found running: the read holds its session's
          // RTMP-outs too (docs/decisions/2026-12-01-lifecycle-result-in-its-goal.md).
          const reading = await read(id, 'stop', options);
          const state = videosdkV2State(reading);
          if (state === 'starting') throw stopWhileStarting(id);
          if (!reading.hls || state !== 'ready') return toStream(reading);
          running = reading.hls;
          receivedRunning = reading.raw.hls;
          rtmpOuts = reading.rtmpOuts ?? [];
        }
        const ended = rtmpOuts.length > 0;
        if (ended) await endRestream(id, 'stop', options);
        try {
          await endAction('stop', 'ending the HLS egress', 'v2/hls/end', id, options);
        } catch (error) {
          // Nothing accepted yet: the egress end is the call's first change, and its error tells it all.
          if (!ended) throw error;
          throw stopFailure(id, error);
        }
        // A start accepted after the egress end shows a new egress in the read-back: the stop still resolves
        // in the state it left the stream in (core's lifecycleResult), never `starting` or `ready`.
        return lifecycleResult(
          'stop',
          await readBack(
            id,
            'stop',
            'the vendor accepted stop (the HLS egress is ending)',
            options,
            // Nothing about the room was received: `raw.room` is `{ roomId }`; `raw.hls` the egress as the
            // read received it (running then), while the mapped state is `stopping`.
            () => ({
              room: { roomId: id },
              hls: { ...running, end: new Date().toISOString() },
              raw: { room: { roomId: id }, hls: receivedRunning },
            }),
            [],
            heldShown,
            { applied: [...(ended ? [endedPart] : []), 'stop'] },
          ),
        );
      });
    },
  };
}

// A field the value holds itself (an object of the parsed JSON, or anything else valibot read of it).
/**
 * The operation a provider call's messages name: `served (operation)` when it serves another public
 * operation (`CallRuntime.operation`: a wait's final read is `waitForState (get)`), as core's HTTP layer names
 * its errors; else `operation`.
 */
function servedLabel(operation: string, options: CallOptions | undefined): string {
  const served = ownField(ownField(options, 'runtime'), 'operation');
  return typeof served === 'string' && served !== '' && served !== operation
    ? `${served} (${operation})`
    : operation;
}

function ownField(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

// What a partial change's error keeps of the request that failed: its status and the vendor's own fields.
function vendorFieldsOf(failed: UniliveError | undefined) {
  return {
    status: failed?.status,
    vendorCode: failed?.vendorCode,
    vendorMessage: failed?.vendorMessage,
    requestId: failed?.requestId,
  };
}
