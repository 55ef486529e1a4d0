import * as v from 'valibot';
import { ResponseShapeError, type ResponseShapeIssue } from '../errors/errors.js';
import { idProblem } from '../ids.js';
import { safeParseOwn } from '../inputs.js';
import type { ProviderId } from '../live-stream.js';
import { ownValue } from '../own.js';
import type { SecretSource } from '../secrets.js';

/** Where a response came from, for the error raised when it does not fit. */
export interface ResponseContext {
  provider?: ProviderId | undefined;
  operation: string;
  /**
   * The request within the call, named in the message after it (`migrate (get)`, `stop (reading the HLS
   * egress)`), as an HTTP error's message names it; `operation` stays the call. Default: none.
   */
  step?: string | undefined;
  status?: number | undefined;
  /** Values to scrub from the error's text: the provider's `SecretSet`, or a list of values. */
  secrets?: SecretSource | undefined;
  /**
   * Called, when the answer does not fit, with what the schema read of it (fields may be missing or hold
   * values of other types) and the answer as given, once the {@link ResponseShapeError} is made (what it
   * learns does not mask the error's own paths) and before it is thrown; whatever it throws is ignored. For an adapter to learn the secrets of a record it refuses (a list
   * record with an id no call could use still carries its stream key), as it learns those of one it reads.
   * Default: none.
   */
  unread?: ((partial: unknown, body: unknown) => void) | undefined;
}

/**
 * Parses a vendor response with a tolerant schema: extra fields are kept (use `v.looseObject`), unknown
 * enum values fall back (use {@link lenientPicklist}), and a real mismatch becomes a
 * {@link ResponseShapeError} naming each path and the type expected there, never the value received.
 */
export function parseVendorResponse<T>(
  schema: v.GenericSchema<unknown, T>,
  body: unknown,
  context: ResponseContext,
): T {
  return readVendorResponse(schema, body, context);
}

/**
 * {@link parseVendorResponse}, handing `unread` what the schema read of an answer that does not fit, with
 * the body and `owner`, once the error is made and before it is thrown (whatever `unread` throws is ignored): the HTTP layer
 * lets the request's `learn` take the secrets of an answer no later reading will see. Not part of the API.
 * @internal
 */
export function readVendorResponse<T>(
  schema: v.GenericSchema<unknown, T>,
  body: unknown,
  context: ResponseContext,
  unread?: (partial: unknown, body: unknown, owner: unknown) => void,
  owner?: unknown,
): T {
  // Hardened once per schema, so a polluted Object.prototype cannot make every answer look malformed.
  // Never throws (see safeParseOwn): whatever valibot does, an answer that was not read is a
  // ResponseShapeError, never retried as if the vendor were unreachable.
  const result = safeParseOwn(schema, body);
  if (result.success) return result.output;
  let issues: ResponseShapeIssue[] = [];
  try {
    issues = result.issues.map((issue) => ({
      path: v.getDotPath(issue) ?? '$',
      expected: String(issue.expected ?? issue.type),
    }));
  } catch {
    issues = [];
  }
  if (issues.length === 0) issues = [{ path: '$', expected: 'a response unilive could read' }];
  const listed = issues
    .slice(0, 5)
    .map((issue) => `${issue.path} (expected ${issue.expected})`)
    .join(', ');
  const error = new ResponseShapeError({
    message: `${context.provider ?? 'provider'} ${context.operation}${context.step ? ` (${context.step})` : ''}: unexpected response shape at ${listed}${issues.length > 5 ? ` and ${issues.length - 5} more` : ''}`,
    provider: context.provider,
    operation: context.operation,
    status: context.status,
    issues,
    secrets: context.secrets,
  });
  // Learned once the error is made: it names paths and types, never values, so the answer's own secrets
  // (a four-letter key such as `name`) must not mask its paths.
  if (Object.hasOwn(result, 'partial')) {
    try {
      if (unread) unread(result.partial, body, owner);
      else {
        const given = ownValue(context, 'unread');
        if (typeof given === 'function') given(result.partial, body);
      }
    } catch {
      // Learning is a courtesy of an answer that failed anyway: the error is the outcome.
    }
  }
  throw error;
}

/**
 * A vendor enum that tolerates values added after this version: anything outside `values` becomes
 * `fallback` instead of failing the whole response.
 */
export function lenientPicklist<const T extends readonly string[], F extends string>(values: T, fallback: F) {
  return v.fallback(v.union([v.picklist(values), v.literal(fallback)]), fallback);
}

/** A field the vendor sometimes sends as `null`: read as absent. */
export function optionalField<T>(schema: v.GenericSchema<unknown, T>) {
  return v.pipe(
    v.nullish(schema),
    v.transform((value) => value ?? undefined),
  );
}

/**
 * A field of a webhook payload whose type the vendor's docs do not pin down: a value `schema` does not
 * accept (a number where a string was documented, an object, `null`) reads as absent, so the event still
 * maps (to `unknown` at worst) rather than failing the delivery. `raw` keeps whatever was sent.
 */
export function tolerantField<T>(schema: v.GenericSchema<unknown, T>) {
  return v.fallback(optionalField(schema), undefined);
}

/**
 * A date field of a vendor answer: a string or a number, read later with `parseVendorTimestamp`. Any
 * other type (`null`, `true`, an object) reads as absent rather than failing the record: a date never makes
 * a stream unreadable. `raw` keeps whatever was sent.
 */
export const vendorTimestampField = /* @__PURE__ */ (() =>
  v.fallback(v.optional(v.union([v.string(), v.number()])), undefined))();

/**
 * A count or page number of a list answer (`page`, `per_page`, `total_pages`, `total_records`, …): a
 * number, or a string holding a whole number (`"2"`), as a server that serialises everything to text sends
 * it. Anything else (`null`, `"two"`, a negative or fractional number) reads as absent, so the walk relies on
 * what else the page tells rather than failing the list.
 */
export const vendorCountField = /* @__PURE__ */ (() =>
  v.fallback(
    v.pipe(
      v.optional(v.union([v.number(), v.pipe(v.string(), v.trim(), v.regex(/^\d{1,15}$/))])),
      v.transform((value) => (value === undefined ? undefined : Number(value))),
      v.check((value) => value === undefined || (Number.isSafeInteger(value) && value >= 0)),
    ),
    undefined,
  ))();

/**
 * A stream id as a vendor sends it. Every later call puts it back in a path, so an id unilive would refuse
 * there (empty, a slash, `..`, over 128 characters) is a {@link ResponseShapeError} when it arrives, not a
 * stream no call can reach.
 */
export const vendorStreamId = /* @__PURE__ */ (() =>
  v.pipe(
    v.string(),
    v.rawCheck(({ dataset, addIssue }) => {
      if (dataset.typed && idProblem(dataset.value) !== undefined) {
        addIssue({
          expected: 'a stream id (1-128 letters, digits, "_", "-", "." or "~")',
          message: 'unusable id',
        });
      }
    }),
  ))();
