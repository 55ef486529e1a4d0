import {
  ConflictError,
  InvalidInputError,
  ProviderUnavailableError,
  safeParseOwn,
  type VendorErrorClass,
  type VendorErrorDetails,
  type VendorFailure,
} from '@unilive/core';
import { wowzaRealtimeErrorSchema } from './wowza-realtime-api.js';

/** The vendor code of `PUT /real_time/{id}/stop` on a stream that is already stopped (HTTP 423). */
export const streamAlreadyStoppedCode = 'ERR-423-StreamAlreadyStopped';

/**
 * Reads Wowza's `{"meta": {"status", "code", "title", "message", "description", "links"}}` error body
 * (wowza.md §7.1). The message falls back to the title, which some codes make the more telling of the two.
 */
export function readWowzaRealtimeError(body: unknown): VendorErrorDetails {
  const parsed = safeParseOwn(wowzaRealtimeErrorSchema, body);
  if (!parsed.success) return {};
  const { code, message, title } = parsed.output.meta;
  return { code, message: message || title || undefined };
}

/**
 * Picks the error class where the vendor code says more than the status. 401/403 (every `ERR-401-*`,
 * including `FeatureNotEnabled` when Real-Time Streaming at Scale is not on the account), 404/410 and
 * 423 keep core's status mapping: AuthenticationError, NotFoundError, ConflictError.
 *
 * A 422 whose code could not be read (its body broke off, `bodyLost`; or came whole but empty, not JSON, as
 * an HTML page from a proxy, or JSON without a code) cannot tell a state refusal from bad input by its code.
 * On `stop`, which sends no input (the id is checked before sending, an unknown one is a 404), it can only
 * refuse the change for the stream's state: {@link ConflictError}, which core's lifecycle rule checks against
 * the stream as read. On any other request, a lost body only said which: {@link ProviderUnavailableError},
 * as for a success whose body broke off (asking again tells), keeping the 422 and its `refused` delivery,
 * never an `InvalidInputError` sending the caller to fix an input nothing found wrong; a body read whole
 * without a code is the vendor's answer, and stays `InvalidInputError`.
 */
export function classifyWowzaRealtimeError(failure: VendorFailure): VendorErrorClass | undefined {
  if (failure.status !== 422) return undefined;
  if (failure.operation === 'stop' && !failure.code) return ConflictError;
  if (failure.bodyLost === true) return ProviderUnavailableError;
  // ERR-422-InvalidStateChange is a conflict with the stream's current state or configuration (Wowza's
  // examples: an illegal transition, "There must be at least one WebRTC output for this transcoder."); a
  // change of the stream resolves it, not a retry as it is. ERR-422-NotAvailable means "wait until
  // processing is complete". Both are conflicts, not malformed input.
  if (failure.code === 'ERR-422-InvalidStateChange' || failure.code === 'ERR-422-NotAvailable') {
    return ConflictError;
  }
  return InvalidInputError;
}
