import {
  NotFoundError,
  ProviderUnavailableError,
  type VendorErrorClass,
  type VendorErrorDetails,
  type VendorFailure,
} from '@unilive/core';

/**
 * Reads the vendor's error body. No version of the v1 reference documents one, so this follows what the
 * vendor's own server SDK accepts (`normalizeApiError`): JSON or plain text; the message from the first of
 * `message`, `error`, `msg`, `statusMessage` (an `error` object's own `message` included); the code from
 * `code` or `errorCode`, string or number. Nothing is cut here: the error redacts the whole text, then
 * cuts it (`errorTextLimits`), so no half secret survives a cut.
 */
export function readVideosdkError(body: unknown): VendorErrorDetails {
  if (typeof body === 'string') {
    const text = body.trim();
    // An HTML page (a proxy's, say) says nothing the status does not.
    if (text.length === 0 || text.startsWith('<')) return {};
    return { message: text };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const record = body as Record<string, unknown>;
  const nested =
    typeof record.error === 'object' && record.error !== null
      ? (record.error as Record<string, unknown>)
      : undefined;
  const message = firstText(
    record.message,
    record.error,
    record.msg,
    record.statusMessage,
    nested?.message,
    nested?.msg,
  );
  const code = firstText(record.code, record.errorCode, nested?.code, nested?.errorCode);
  return {
    ...(message === undefined ? {} : { message }),
    ...(code === undefined ? {} : { code }),
  };
}

/**
 * The statuses the vendor gives a meaning of its own; every other status takes core's default (400/422
 * invalid input, 401/403 authentication, 404 not found, 409 conflict, 429 rate limit, 5xx unavailable).
 * - 402: the vendor's server SDK treats it like 404 ("room not found"; deactivating an unknown custom room
 *   answers 402).
 * - 406: the vendor's v2 error table calls it `fetch_error` ("Failed to get session details", "Unable to
 *   fetch rooms"): a failure on the vendor's side, not in the request.
 */
export function classifyVideosdkError(failure: VendorFailure): VendorErrorClass | undefined {
  if (failure.status === 402) return NotFoundError;
  if (failure.status === 406) return ProviderUnavailableError;
  return undefined;
}

function firstText(...values: unknown[]): string | undefined {
  for (const value of values) {
    if (typeof value === 'string' && value.trim().length > 0) return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
}
