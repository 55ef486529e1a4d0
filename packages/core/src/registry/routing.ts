import type { ProviderCapabilities } from '../capabilities.js';
import { AbortError, AuthenticationError, InvalidInputError, RateLimitError } from '../errors/errors.js';
import { type Delivery, UniliveError } from '../errors/unilive-error.js';
import type { ProviderId } from '../live-stream.js';
import type { CreateLiveStreamInput } from '../provider.js';
import { codePointLength } from '../text.js';

/** One provider of a registry as routing sees it. */
export interface RoutingCandidate {
  /** Its name in the registry. */
  name: string;
  /** The vendor's id (`liveapi`). */
  providerId: ProviderId;
  capabilities: ProviderCapabilities;
}

/**
 * Picks the order in which the candidates are tried: a name (tried first, the others then in the configured
 * order should it fail before anything was made), or names in the order to try (only those). May be async,
 * to consult a quota service say. Only candidates whose capabilities fit the input are offered. It gets
 * frozen copies of the candidates and of the validated input, so it can change neither. What it throws,
 * or what its answer throws when read (a Proxy whose `then`, `length` or an index throws, a revoked Proxy;
 * a list is read by `length` and index, never by its iterator), becomes a `UniliveError`
 * (`delivery: 'not-sent'`, `maybeCreated: false`, the thrown value as `cause`); an answer that names no
 * candidate, repeats one, or is neither a name nor an array is an `InvalidInputError` (`routing.choose`,
 * `not-sent`, `maybeCreated: false`). One that never settles is ended by the create's `signal` (an
 * `AbortError`), and only by it.
 */
export type ChooseProvider = (
  candidates: readonly RoutingCandidate[],
  input: CreateLiveStreamInput,
) => string | readonly string[] | Promise<string | readonly string[]>;

/** How a registry routes a `create` that names no provider. */
export interface RoutingOptions<Name extends string = string> {
  /**
   * The order candidates are tried in; default the order the providers were given in. Every name once.
   * Read once by `length` and index (never its iterator): one that cannot be read (a Proxy whose `length`
   * or an entry throws, a getter on an entry, a revoked Proxy) is an `InvalidInputError`
   * (`operation: 'configure'`, `delivery: 'not-sent'`) naming `routing.order`, or the entry's place
   * (`routing.order.1`), `could not be read`, the thrown value as `cause`.
   */
  order?: readonly Name[] | undefined;
  /** Replaces the configured order for each create; see {@link ChooseProvider}. */
  choose?: ChooseProvider | undefined;
  /**
   * Whether a create that failed in a way that proves the vendor made nothing goes on to the next candidate.
   * Default true. See {@link provesNothingMade}.
   */
  failover?: boolean | undefined;
}

/** A provider routing left out, and what it lacks for the input. */
export interface RoutingExclusion {
  provider: string;
  /** Each missing capability, as a short phrase: `ingestProtocol srt (takes rtmp)`, `restream`. */
  lacks: readonly string[];
}

/** A candidate tried before the one that made the stream, whose failure proved it made nothing. */
export interface RoutingFailover {
  provider: string;
  /** `not-sent` (nothing left this machine) or `refused` (429 or authentication). */
  delivery: 'not-sent' | 'refused';
  /** What it failed with: a `UniliveError`, safe to log. */
  error: UniliveError;
}

/** Which provider a registry created a stream on, and why. */
export interface RoutingDecision {
  /** The name of the provider that made the stream. */
  provider: string;
  /**
   * - `requested`: `create(input, { provider })` named it;
   * - `order`: the first candidate in the configured order that made it;
   * - `choose`: the routing's `choose` function put it first (or it followed those that failed).
   */
  by: 'requested' | 'order' | 'choose';
  /** The candidates in the order they were to be tried. */
  candidates: readonly string[];
  /** Providers left out, each with what it lacks for this input. */
  excluded: readonly RoutingExclusion[];
  /** Candidates that failed first without making anything, in order. */
  failedOver: readonly RoutingFailover[];
  /** One sentence saying all this, for logs. */
  reason: string;
}

/**
 * What a provider lacks, by its capabilities, to take `input` as asked: an ingest protocol it does not
 * take, `lowLatency: true`, `recording: true`, restream targets or a region where it has none, a name
 * longer than it keeps. Empty when it fits. Routing treats region and low latency as requirements too:
 * asked for, they pick a vendor that honours them (a single-provider client treats them as preferences).
 */
export function routingGaps(capabilities: ProviderCapabilities, input: CreateLiveStreamInput): string[] {
  const gaps: string[] = [];
  const protocol = input.ingestProtocol;
  if (protocol !== undefined && !capabilities.ingestProtocols.includes(protocol)) {
    gaps.push(`ingestProtocol ${protocol} (takes ${capabilities.ingestProtocols.join(', ') || 'none'})`);
  }
  if (input.lowLatency === true && !capabilities.lowLatency) gaps.push('lowLatency');
  if (input.recording === true && !capabilities.recording) gaps.push('recording');
  if ((input.restream?.length ?? 0) > 0 && !capabilities.restream) gaps.push('restream');
  if (input.region !== undefined && !capabilities.regions) gaps.push('region');
  const nameLength = codePointLength(input.name);
  if (nameLength > capabilities.maxNameLength) {
    gaps.push(`a name of ${nameLength} code points (keeps ${capabilities.maxNameLength})`);
  }
  return gaps;
}

/**
 * Whether a failed `create` proves the vendor made nothing, and how: `not-sent` when nothing left this
 * machine (connection refused, DNS failure, credentials that could not be prepared, the request gate's
 * wait, the adapter refusing the input before sending), `refused` when the vendor answered 429, or
 * another refusal the adapter reads as a rate limit (a `RateLimitError`: Wowza Video's 409 "limit reached"
 * on create), or refused the credentials (401, 403). Undefined otherwise: a timeout, reset, 5xx, 408 or
 * unreadable success may have made the stream, an error without `delivery` proves nothing, and a caller's
 * abort is no reason to go elsewhere. Other refusals (400, 404, 409, 422) made nothing either, but say the
 * request is wrong, not that the vendor is unavailable: they are not failed over.
 */
export function provesNothingMade(error: unknown): 'not-sent' | 'refused' | undefined {
  if (!UniliveError.isInstance(error)) return undefined;
  // Checked as values: the subclasses share the base's shape, so a type guard would narrow to nothing.
  const delivery: Delivery | undefined = error.delivery;
  if (AbortError.isInstance(error as unknown)) return undefined;
  if (delivery === 'not-sent') return 'not-sent';
  const unavailable =
    RateLimitError.isInstance(error as unknown) || AuthenticationError.isInstance(error as unknown);
  return delivery === 'refused' && unavailable ? 'refused' : undefined;
}

/** Whether a failed create may have made a stream: anything that is not `not-sent` or `refused`. */
export function mayHaveCreated(error: unknown): boolean {
  const delivery: Delivery | undefined = UniliveError.isInstance(error) ? error.delivery : undefined;
  return delivery !== 'not-sent' && delivery !== 'refused';
}

/**
 * Whether a create refusal before sending is the caller's own mistake rather than this vendor's gap: a bad
 * `providerOptions` entry, or a call option refused (`options.timeoutMs`), is thrown as is instead of
 * trying the next candidate, so a typo does not quietly send the stream elsewhere.
 */
export function isCallerMistake(error: unknown): boolean {
  return (
    InvalidInputError.isInstance(error) &&
    error.issues.some(
      (issue) =>
        issue.path === 'providerOptions' ||
        issue.path.startsWith('providerOptions.') ||
        // A call option refused (`options.timeoutMs`): the same on every candidate.
        issue.path.startsWith('options.'),
    )
  );
}
