import { idProblem } from '../ids.js';
import {
  type IngestEndpoint,
  type IngestProtocol,
  ingestProtocols,
  isEndpointUrl,
  type LiveStream,
  type LiveStreamState,
  liveStreamStates,
  type PlaybackEndpoint,
  type PlaybackProtocol,
  type ProviderId,
  playbackProtocols,
  type RestreamTarget,
  type Warning,
  warningTypes,
} from '../live-stream.js';
import { dateOfAnyRealm, isArrayValue, plainObjectProblem, timeOfDate, unreadableText } from '../own.js';

/**
 * Reading the answers of a provider from outside this repository.
 *
 * The built-in adapters build every stream they answer from a vendor's parsed answer, field by field, so a
 * client hands their streams on as they are. A provider written elsewhere may answer anything: a state no
 * neutral code reads (`'Ready'`), an endpoint whose URL is no URL of its protocol (`javascript:…`), a date
 * that is text, or an object whose getters throw, once or on every later read, with whatever they hold in
 * their message (a credential). A client reads such an answer once, here, into a plain copy of the
 * documented fields, each of its neutral type: what the caller is handed then runs none of the provider's
 * code, and every field reads as its type says. An answer that does not fit is a `ResponseShapeError`
 * naming the field (or, in a list walk, a skipped record), never a stream that misleads.
 */

/** Why an outside answer cannot be handed on as a stream: the field (a dot path) and what it should be. */
export interface AnswerProblem {
  path: string;
  expected: string;
  /** What a getter or a Proxy trap threw while the answer was read; absent for a field of the wrong type. */
  cause?: unknown;
}

// A field that does not fit, or whose read threw (`cause`): thrown inside the reading, caught once at its top.
class Misfit {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly cause?: unknown,
  ) {}
}

const readable = 'a value that can be read';

// A field's path below `path`: the stream's own fields are named bare (`state`, `ingest.0.url`).
const at = (path: string, key: string | number): string =>
  path === '$' || path === '' ? String(key) : `${path}.${key}`;

/**
 * `answer` read once into a plain {@link LiveStream} of the documented fields, each checked against its
 * neutral type, `provider` set to the client's provider id (the client names it in every error and event,
 * so the stream says the same); or the first field that does not fit, or whose read threw, with the
 * `partial` copy read until then. `raw` is kept as it was given: it is the provider's own object by
 * definition. The fields that carry credentials (`ingest`, `restream`) are read first, and the stream's
 * own fields each on its own, so a refused answer still tells the client which keys to hide: a getter
 * elsewhere in it may throw quoting one.
 */
export function readOutsideStream(
  answer: unknown,
  provider: ProviderId,
): { stream: LiveStream } | { problem: AnswerProblem; partial?: Partial<LiveStream> } {
  if (typeof answer !== 'object' || answer === null)
    return { problem: { path: '$', expected: 'a stream object' } };
  const copy: Record<string, unknown> = {};
  let fields: Record<string, unknown>;
  let unread: Misfit | undefined;
  try {
    ({ fields, unread } = topFieldsOf(answer));
  } catch (error) {
    return { problem: problemOf(error) };
  }
  try {
    copyStream(fields, provider, copy);
  } catch (error) {
    return { problem: problemOf(unread ?? error), partial: copy as Partial<LiveStream> };
  }
  if (unread !== undefined) return { problem: problemOf(unread), partial: copy as Partial<LiveStream> };
  return { stream: copy as unknown as LiveStream };
}

function problemOf(error: unknown): AnswerProblem {
  if (!(error instanceof Misfit)) return { path: '$', expected: 'a stream object', cause: error };
  const { path, expected, cause } = error;
  return cause === undefined ? { path, expected } : { path, expected, cause };
}

// The stream's own fields, each read on its own: one whose getter throws is left out and reported
// (`unread`), the others are still read.
function topFieldsOf(answer: object): { fields: Record<string, unknown>; unread?: Misfit } {
  const keys = keysOf(answer, '$');
  const fields = Object.create(null) as Record<string, unknown>;
  let unread: Misfit | undefined;
  for (const key of keys) {
    try {
      fields[key] = (answer as Record<string, unknown>)[key];
    } catch (error) {
      unread ??= new Misfit(key, readable, error);
    }
  }
  return unread === undefined ? { fields } : { fields, unread };
}

function keysOf(value: object, path: string): string[] {
  let array: boolean;
  try {
    array = isArrayValue(value);
  } catch (error) {
    throw new Misfit(path, readable, error);
  }
  if (array) throw new Misfit(path, 'an object');
  try {
    return Object.keys(value);
  } catch (error) {
    throw new Misfit(path, readable, error);
  }
}

// The own enumerable string-keyed fields of `value`, each read once (a getter runs here, and only here).
function ownFieldsOf(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new Misfit(path, 'an object');
  const copy = Object.create(null) as Record<string, unknown>;
  for (const key of keysOf(value, path)) {
    try {
      copy[key] = (value as Record<string, unknown>)[key];
    } catch (error) {
      throw new Misfit(at(path, key), readable, error);
    }
  }
  return copy;
}

// No array of endpoints, targets or details is anywhere near this long; a Proxy may answer any length.
const maxListLength = 10_000;

function listOf<T>(
  value: unknown,
  path: string,
  entry: (item: unknown, path: string) => T,
  into: T[] = [],
): T[] {
  let items: readonly unknown[];
  let length: unknown;
  try {
    if (!isArrayValue(value)) throw new Misfit(path, 'a list');
    items = value as readonly unknown[];
    length = items.length;
  } catch (error) {
    throw error instanceof Misfit ? error : new Misfit(path, readable, error);
  }
  if (typeof length !== 'number' || length > maxListLength)
    throw new Misfit(path, `a list of at most ${maxListLength} entries`);
  for (let index = 0; index < length; index += 1) {
    let item: unknown;
    try {
      item = items[index];
    } catch (error) {
      throw new Misfit(at(path, index), readable, error);
    }
    into.push(entry(item, at(path, index)));
  }
  return into;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new Misfit(path, 'a string');
  return value;
}

// Each optional field is copied only when present, so `'x' in stream` reads as it would on an adapter's.
function optional<T>(
  fields: Record<string, unknown>,
  key: string,
  path: string,
  read: (value: unknown, path: string) => T,
  into: Record<string, unknown>,
): void {
  const value = fields[key];
  if (value !== undefined) into[key] = read(value, at(path, key));
}

function flag(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new Misfit(path, 'a boolean');
  return value;
}

function oneOf<T extends string>(value: unknown, values: readonly T[], path: string, what: string): T {
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value))
    throw new Misfit(path, `${what}: one of ${values.join(', ')}`);
  return value as T;
}

// A Date of any realm (a `vm` context's) or subclass, told by the internal slot this realm's own `getTime`
// reads (`timeOfDate`): `instanceof` would refuse the first, and a plain object with a `getTime` method is
// no date.
function date(value: unknown, path: string): Date {
  const time = timeOfDate(value);
  if (Number.isNaN(time)) throw new Misfit(path, 'a valid Date');
  return new Date(time);
}

// A URL handed on must be the text that was checked. A URL parser drops space around a URL, tabs, line breaks
// and (in a host) zero-width and soft-hyphen characters inside it, adds the slashes `https:host/x` lacks and
// reads `https:///x` as the host `x`: `isEndpointUrl` would pass each, and an encoder, a player or a log
// handed the text would not open the URL that was checked. So: printable ASCII only (a host in its `xn--`
// form, anything else percent-encoded), and `scheme://` followed by an authority.
const notPrintableAscii = /[^\x21-\x7e]/;
const withAuthority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]/;

function url(value: unknown, path: string, fits: (url: string) => boolean, what: string): string {
  const given = text(value, path);
  if (notPrintableAscii.test(given) || !withAuthority.test(given) || !fits(given))
    throw new Misfit(path, what);
  return given;
}

function endpointUrl(value: unknown, protocol: IngestProtocol | PlaybackProtocol, path: string): string {
  return url(
    value,
    path,
    (given) => isEndpointUrl(protocol, given),
    `a ${protocol} endpoint URL: scheme://host…, printable ASCII`,
  );
}

function ingestEndpoint(value: unknown, path: string): IngestEndpoint {
  const fields = ownFieldsOf(value, path);
  const protocol = oneOf(fields.protocol, ingestProtocols, `${path}.protocol`, 'an ingest protocol');
  const copy: Record<string, unknown> = { protocol, url: endpointUrl(fields.url, protocol, `${path}.url`) };
  for (const key of ['server', 'streamKey', 'username', 'password', 'applicationName', 'streamName', 'token'])
    optional(fields, key, path, text, copy);
  return copy as unknown as IngestEndpoint;
}

function playbackEndpoint(value: unknown, path: string): PlaybackEndpoint {
  const fields = ownFieldsOf(value, path);
  const protocol = oneOf(fields.protocol, playbackProtocols, `${path}.protocol`, 'a playback protocol');
  const copy: Record<string, unknown> = { protocol, url: endpointUrl(fields.url, protocol, `${path}.url`) };
  for (const key of ['rendition', 'token', 'applicationName', 'streamName'])
    optional(fields, key, path, text, copy);
  optional(fields, 'audioOnly', path, flag, copy);
  return copy as unknown as PlaybackEndpoint;
}

function restreamTarget(value: unknown, path: string): RestreamTarget {
  const fields = ownFieldsOf(value, path);
  const copy: Record<string, unknown> = {
    url: url(
      fields.url,
      `${path}.url`,
      (given) => isEndpointUrl('rtmp', given) || isEndpointUrl('rtmps', given),
      'an rtmp:// or rtmps:// URL, printable ASCII',
    ),
    streamKey: text(fields.streamKey, `${path}.streamKey`),
  };
  optional(fields, 'id', path, text, copy);
  optional(fields, 'enabled', path, flag, copy);
  optional(fields, 'broadcasting', path, flag, copy);
  return copy as unknown as RestreamTarget;
}

function warning(value: unknown, path: string): Warning {
  const fields = ownFieldsOf(value, path);
  const copy: Record<string, unknown> = {
    type: oneOf(fields.type, warningTypes, `${path}.type`, 'a warning type'),
  };
  optional(fields, 'setting', path, text, copy);
  copy.message = text(fields.message, `${path}.message`);
  return copy as unknown as Warning;
}

// `providerDetails`: an object of objects, keyed by provider id, copied all the way down as data: text,
// numbers, booleans, null, dates, lists and plain objects. What the caller is handed runs none of the
// provider's code (a getter deep inside would otherwise run in the caller's `JSON.stringify`, and throw
// whatever it holds), and a `Map`, a class instance or a function, which a copy of own fields would turn
// into `{}` or drop, is refused naming its path rather than handed on as something else.
function details(value: unknown, path: string): Record<string, Record<string, unknown>> {
  const fields = plainFieldsOf(value, path, 'a plain object keyed by provider id');
  const budget = { left: maxDetailValues };
  // Built from entries: a key `__proto__` stays a field of the copy, never its prototype.
  return Object.fromEntries(
    Object.keys(fields).map((key) => [key, detailObject(fields[key], `${path}.${key}`, 1, budget)]),
  );
}

// How deep, and how many values in all, `providerDetails` may hold: far more than any adapter's entry (a
// few fields, a list of stream targets), and a bound on an answer that nests itself (a cycle) or shares one
// object a million times over.
const maxDetailDepth = 32;
const maxDetailValues = 100_000;
const detailData = 'data: text, numbers, booleans, null, dates, lists and plain objects';

function detailObject(
  value: unknown,
  path: string,
  depth: number,
  budget: { left: number },
): Record<string, unknown> {
  const fields = plainFieldsOf(value, path, `a plain object of ${detailData}`);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(fields))
    Object.defineProperty(copy, key, {
      value: detailValue(fields[key], `${path}.${key}`, depth + 1, budget),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return copy;
}

function detailValue(value: unknown, path: string, depth: number, budget: { left: number }): unknown {
  budget.left -= 1;
  if (budget.left < 0) throw new Misfit(path, `at most ${maxDetailValues} values in providerDetails`);
  if (value === null || value === undefined) return value;
  const kind = typeof value;
  // No bigint: `JSON.stringify` throws on one, and a caller serialising the stream would meet that.
  if (kind === 'string' || kind === 'number' || kind === 'boolean') return value;
  if (kind !== 'object') throw new Misfit(path, detailData);
  if (depth > maxDetailDepth) throw new Misfit(path, `${detailData}, nested at most ${maxDetailDepth} deep`);
  if (isArrayValue(value))
    return listOf(value, path, (item, itemPath) => detailValue(item, itemPath, depth + 1, budget));
  if (dateOfAnyRealm(value) !== undefined) return date(value, path);
  return detailObject(value, path, depth, budget);
}

// The own fields of a plain object (see ownFieldsOf; `plainObjectProblem` tells one, of any realm): a `Map`,
// a class instance or an array is refused as `expected`, where a copy of its own fields would be `{}` or a
// record of indexes.
function plainFieldsOf(value: unknown, path: string, expected: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || isArrayValue(value)) throw new Misfit(path, expected);
  const problem = plainObjectProblem(value);
  if (problem !== undefined) throw new Misfit(path, problem === unreadableText ? readable : expected);
  return ownFieldsOf(value, path);
}

// Into `copy`, the credential-bearing fields first (see readOutsideStream), each list filled in place.
function copyStream(
  fields: Record<string, unknown>,
  provider: ProviderId,
  copy: Record<string, unknown>,
): void {
  const problem = idProblem(fields.id);
  if (problem !== undefined) throw new Misfit('id', 'a stream id');
  copy.id = fields.id;
  copy.provider = provider;
  copy.ingest = [];
  listOf(fields.ingest, 'ingest', ingestEndpoint, copy.ingest as IngestEndpoint[]);
  if (fields.restream !== undefined) {
    copy.restream = [];
    listOf(fields.restream, 'restream', restreamTarget, copy.restream as RestreamTarget[]);
  }
  optional(fields, 'name', '', text, copy);
  copy.state = oneOf<LiveStreamState>(fields.state, liveStreamStates, 'state', 'a state');
  optional(fields, 'broadcasting', '', flag, copy);
  copy.playback = listOf(fields.playback, 'playback', playbackEndpoint);
  optional(fields, 'recording', '', flag, copy);
  optional(fields, 'createdAt', '', date, copy);
  optional(fields, 'updatedAt', '', date, copy);
  optional(fields, 'warnings', '', (value, path) => listOf(value, path, warning), copy);
  optional(fields, 'providerDetails', '', details, copy);
  copy.raw = fields.raw;
}

/**
 * What a client would refuse in `stream` had a provider outside this repository answered with it: the first
 * field that does not fit its neutral type (`providerDetails.x.y (expected …)`), or undefined when a client
 * would take it. For `@unilive/testing`'s contract suite, which marks the adapter it tests as built-in (its
 * answers handed on as they are) and must still hold them to what a client takes from any provider.
 */
export function outsideStreamProblem(stream: unknown, provider: ProviderId): string | undefined {
  const read = readOutsideStream(stream, provider);
  if (!('problem' in read)) return undefined;
  const { path, expected } = read.problem;
  return `${path} (expected ${expected})`;
}
