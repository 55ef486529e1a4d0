import {
  ConflictError,
  type LiveStreamState,
  NotFoundError,
  ProviderUnavailableError,
  RateLimitError,
  safeParseOwn,
  type VendorErrorClass,
  type VendorErrorDetails,
  type VendorFailure,
} from '@unilive/core';
import { mapWowzaVideoState } from './map-wowza-video-live-stream.js';
import { wowzaVideoErrorSchema } from './wowza-video-api.js';

/**
 * Reads Wowza's `meta` error body (`{"meta": {"status", "code", "title", "message", "description"}}`): the
 * code (`ERR-422-InvalidStateChange`) becomes `vendorCode`; the message, with the description when there is
 * one, becomes `vendorMessage`. Anything else (an HTML error page from a proxy) yields nothing.
 */
export function readWowzaVideoError(body: unknown): VendorErrorDetails {
  const parsed = safeParseOwn(wowzaVideoErrorSchema, body);
  if (!parsed.success) return {};
  const { code, title, message, description } = parsed.output.meta;
  const text = [message || title, description].filter((part) => part !== undefined && part !== '').join(' ');
  return { code: code || undefined, message: text || undefined };
}

/**
 * Picks the error class where Wowza's code says more than the HTTP status:
 * - `ERR-422-InvalidStateChange` is a conflict with the stream's current state or configuration, not bad
 *   input: a change of the stream resolves it, not a retry as it is. Wowza uses it for transitions (stop
 *   while stopped) and for configuration refusals (OpenAPI `Error422` examples 3 and 5: "There must be at
 *   least one WebRTC output for this transcoder.", "The broadcast location can't be updated when using
 *   autostart."). So is `ERR-422-NotAvailable` (the asset behind the stream is still processing).
 * - 409 on create is the "limit reached" answer to more than 10 live streams created within 3 hours
 *   ("Wowza Video REST API limits"): a quota that frees up with time, so {@link RateLimitError}. It is not
 *   retried by the HTTP layer (only 429 is), and no `Retry-After` is documented.
 * - 410 `ERR-410-RecordDeleted` is a stream that no longer exists: {@link NotFoundError}.
 * - A 422 whose code could not be read (its body broke off, `bodyLost`; or came whole but empty, not JSON,
 *   as an HTML page from a proxy, or JSON without a code) cannot tell a state refusal from bad input by its
 *   code. On `start`, `stop` and `reset`, which send no input, only the state can be refused: a
 *   {@link ConflictError}, which the lifecycle rule checks against the stream as read. On any other request
 *   a lost body is a {@link ProviderUnavailableError} keeping the 422 and its `refused` delivery (the answer
 *   was lost); one read whole without a code keeps core's default (invalid input).
 * Every other status keeps core's default (401/403 authentication, 404 not found, 422 invalid input,
 * 423 conflict, 429 rate limit, 5xx unavailable).
 */
export function classifyWowzaVideoError(failure: VendorFailure): VendorErrorClass | undefined {
  if (failure.code === 'ERR-422-InvalidStateChange' || failure.code === 'ERR-422-NotAvailable') {
    return ConflictError;
  }
  if (failure.status === 422 && !failure.code && stateChanges.has(failure.operation)) return ConflictError;
  if (failure.status === 422 && failure.bodyLost === true) return wowzaVideoLostRefusal(failure.operation);
  if (failure.status === 409 && failure.operation === 'create') return RateLimitError;
  if (failure.status === 410) return NotFoundError;
  return undefined;
}

/**
 * The class of a Wowza Video 422 whose body broke off, its code unread:
 * - On a state change (`start`, `stop`, `reset`), a request that sends no input (its id is checked before
 *   sending, and an unknown one is a 404), a 422 can only refuse the change for the stream's state:
 *   {@link ConflictError}, which core's lifecycle rule checks against the stream as read (an earlier attempt
 *   whose answer was lost may have made the change: the call then returns the stream). The same holds for a
 *   body read whole that names no code (empty, an HTML page, JSON of another shape), decided before this.
 * - On any other request, it may refuse the input or the stream's state, and only the lost body said which:
 *   {@link ProviderUnavailableError}, as for a success whose body broke off (the answer was lost; asking
 *   again tells), keeping the status and the `refused` delivery of a 422 (nothing was applied by it), never
 *   an `InvalidInputError` that would send the caller to fix an input nothing found wrong.
 */
function wowzaVideoLostRefusal(operation: string): VendorErrorClass {
  return stateChanges.has(operation) ? ConflictError : ProviderUnavailableError;
}

const stateChanges: ReadonlySet<string> = new Set(['start', 'stop', 'reset']);

/**
 * The state an `ERR-422-InvalidStateChange` refusal names: "Stopping is not allowed! Transcoder is in stopped
 * state." (the message of Wowza's Ruby SDK simulator fixture; the live API's wording is unverified). Read as
 * the vendor's word on the state, newer than a GET it serves from its one-second cache. Undefined when the
 * message names no state this adapter knows.
 */
export function wowzaVideoRefusedState(message: string | undefined): LiveStreamState | undefined {
  const named = message === undefined ? undefined : /\bis in (\w+) state\b/i.exec(message)?.[1];
  const state = named === undefined ? 'unknown' : mapWowzaVideoState(named.toLowerCase());
  return state === 'unknown' ? undefined : state;
}

/**
 * How long Wowza Video may answer a GET of a live stream from its cache: one second ("Response caching":
 * `/live_streams` and `/live_streams/state` are cached 1 s), and a tenth more for the clocks between.
 */
export const wowzaVideoReadCacheMs = 1_100;

/**
 * Wowza Video's own "no such stream", the one answer `confirm` takes as the stream being gone: a 404
 * `ERR-404-RecordNotFound` or a 410 `ERR-410-RecordDeleted` in Wowza's JSON `meta` error body (its error
 * reference; `fixtures/wowza/error.404.RecordNotFound.json`, `error.410.RecordDeleted.json`). A 404 or 410
 * without that code (an HTML page from a proxy or gateway, a route the API does not have) is not.
 */
export function isWowzaVideoNoSuchStream(error: NotFoundError): boolean {
  return (
    (error.status === 404 && error.vendorCode === 'ERR-404-RecordNotFound') ||
    (error.status === 410 && error.vendorCode === 'ERR-410-RecordDeleted')
  );
}
