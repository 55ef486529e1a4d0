import {
  ChangeAppliedError,
  type ChangeAppliedErrorOptions,
  lockFields,
  type NotFoundError,
  safeParseOwn,
  type VendorErrorDetails,
} from '@unilive/core';
import * as v from 'valibot';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

const text = /* @__PURE__ */ (() => v.pipe(v.string(), v.trim(), v.nonEmpty()))();

const codeField = /* @__PURE__ */ (() =>
  v.fallback(v.optional(v.union([text, v.pipe(v.number(), v.integer(), v.transform(String))])), undefined))();

// LiveAPI documents its status codes but no error body (Castr's response-codes page, which names LiveAPI);
// clients read only the status text. So any `message` or `error` field is read, as a string or as an
// object with a `message` and, when present, a `code`; anything else falls back to the status text.
const messageField = /* @__PURE__ */ (() =>
  v.fallback(
    v.optional(
      v.union([
        v.pipe(
          text,
          v.transform((message): { message: string; code?: string | undefined } => ({ message })),
        ),
        v.looseObject({ message: text, code: codeField }),
      ]),
    ),
    undefined,
  ))();

const errorBodySchema = /* @__PURE__ */ (() =>
  v.looseObject({
    message: messageField,
    error: messageField,
    code: codeField,
  }))();

/**
 * Reads a message (and a code, when there is one) out of a LiveAPI error body: a top-level `code`, else the
 * `code` beside the message of an object-valued `message` or `error`. HTML pages, empty bodies and unknown
 * shapes give nothing, so the HTTP layer uses the status text. Nothing is cut here: the error redacts the
 * whole text first, then cuts it (`errorTextLimits`), so no half secret survives a cut.
 */
export function readLiveApiError(body: unknown): VendorErrorDetails {
  const parsed = safeParseOwn(errorBodySchema, body);
  if (!parsed.success) return {};
  const found = parsed.output.message ?? parsed.output.error;
  const code = parsed.output.code ?? found?.code;
  return {
    ...(found === undefined ? {} : { message: found.message }),
    ...(code === undefined ? {} : { code }),
  };
}

/** Options of {@link LiveApiRestreamError}. */
export interface LiveApiRestreamErrorOptions extends ChangeAppliedErrorOptions {
  targetsAdded: number;
  /** Targets whose request got no answer unilive could read; default 0. */
  targetsUnknown?: number | undefined;
  targetsRequested: number;
}

/**
 * A stream was created (or updated), but adding one of its restream targets failed. LiveAPI adds targets
 * one request at a time after the stream exists, so the stream is real: `streamId` names it, and the
 * targets are counted three ways, as {@link ChangeAppliedError}'s `applied`, `unknown` and `notApplied`
 * name them (`restream.<index in the input>`): `targetsAdded` LiveAPI confirmed, `targetsUnknown` whose
 * answer was lost (LiveAPI may hold it: `delivery` is then `unknown`), and the rest, not added (the refused
 * one, and every one after the failure, which is not attempted). `cause` is the failure. Nothing is rolled
 * back; to finish, call `update(streamId, { restream })` with the whole list: targets LiveAPI already holds
 * are kept, the missing ones added. Not retryable, since repeating a create would make a second stream.
 * The caller's signal firing meanwhile is no failure of LiveAPI's: that is an `AbortError` naming the same
 * stream and parts, as on every adapter.
 */
export class LiveApiRestreamError extends ChangeAppliedError {
  static override readonly kind: string = 'LiveApiRestreamError';
  /** `'LiveApiRestreamError'`: a literal type, so that telling one kind apart never narrows a value to another kind. */
  declare readonly name: 'LiveApiRestreamError';
  /** Targets LiveAPI confirmed before the failure. */
  readonly targetsAdded: number;
  /**
   * Targets whose request got no answer unilive could read (a timeout, a 5xx, a dropped connection, a 2xx
   * page that is not JSON): LiveAPI may hold them.
   */
  readonly targetsUnknown: number;
  /** Targets the call asked to add. */
  readonly targetsRequested: number;

  constructor(options: LiveApiRestreamErrorOptions) {
    super(options);
    this.targetsAdded = options.targetsAdded;
    this.targetsUnknown = options.targetsUnknown ?? 0;
    this.targetsRequested = options.targetsRequested;
    lockFields(this);
  }

  protected override jsonKeys(): string[] {
    return [...super.jsonKeys(), 'targetsAdded', 'targetsUnknown', 'targetsRequested'];
  }
}

/**
 * The text of LiveAPI's "no such stream": the `message` of the JSON body of its 404 for a stream id it does
 * not have. LiveAPI documents the 404 (Castr's response-codes page), not its body: this is the sandbox
 * dialect's answer, **unverified** against the live API (`docs/providers/liveapi.md`, Unverified).
 */
export const liveApiNoSuchStreamMessage = 'Live stream not found';

/**
 * LiveAPI's own "no such stream", the one answer `confirm` takes as the stream being gone: a 404 whose JSON
 * body says {@link liveApiNoSuchStreamMessage}. A 410 (LiveAPI documents 404 only), or a 404 without that
 * body (an HTML page from a proxy or gateway, whose status text "Not Found" stands in for the message; a
 * route the API does not have), is not.
 */
export function isLiveApiNoSuchStream(error: NotFoundError): boolean {
  return (
    error.status === 404 &&
    error.vendorCode === undefined &&
    error.vendorMessage === liveApiNoSuchStreamMessage
  );
}
