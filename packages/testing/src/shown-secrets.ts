import { Buffer } from 'node:buffer';
import { inspect } from 'node:util';
import { constants, gzipSync } from 'node:zlib';
import {
  createLiveStreamClient,
  type HttpHooks,
  type LiveStreamClient,
  type LiveStreamProvider,
  minimumTruncatedLength,
  ResponseShapeError,
  type RetryPolicy,
  UniliveError,
} from '@unilive/core';
import fc from 'fast-check';

/** The names of the encodings in {@link secretEncodings}. */
export type SecretEncodingName =
  | 'raw'
  | 'base64'
  | 'base64url'
  | 'url'
  | 'percent'
  | 'json'
  | 'hex'
  | 'hexUpper';

/**
 * The encodings a secret is looked for in when it is repeated by a vendor's answer and then shown, each built
 * with Node's own encoders: as it is (`raw`), `base64` and `base64url` of its UTF-8 bytes, URL-encoded (`url`,
 * `encodeURIComponent`), every UTF-8 byte percent-encoded (`percent`, `%73%6B…`), JSON-escaped (`json`, inside
 * a JSON string), and its UTF-8 bytes in hex (`hex` lower case, `hexUpper` upper case): the encodings core's
 * redaction replaces (a secret "in any encoding"). A test draws one of the names and echoes the secret in that
 * encoding.
 */
export const secretEncodings: Readonly<Record<SecretEncodingName, (text: string) => string>> = {
  raw: (text) => text,
  base64: (text) => Buffer.from(text).toString('base64'),
  base64url: (text) => Buffer.from(text).toString('base64url'),
  url: (text) => encodeURIComponent(text),
  percent: (text) => Buffer.from(text).toString('hex').toUpperCase().replace(/../g, '%$&'),
  json: (text) => JSON.stringify(text).slice(1, -1),
  hex: (text) => Buffer.from(text).toString('hex'),
  hexUpper: (text) => Buffer.from(text).toString('hex').toUpperCase(),
};

/** The names of {@link secretEncodings}, for `fc.constantFrom(...secretEncodingNames)`. */
export const secretEncodingNames = Object.keys(secretEncodings) as SecretEncodingName[];

/** A recorder of everything a client shows: see {@link shownTexts}. */
export interface ShownTexts {
  /**
   * Hooks that push into `shown` each `onResponse` and `onWarning` event as JSON, each `onError` event's
   * error `toJSON()` as JSON, and each `onRetry` event as JSON with its error's `toJSON()` as JSON.
   */
  hooks: HttpHooks;
  /** Every text recorded so far, in order. */
  shown: string[];
  /** Records what an error shows: `inspect(error)`, and the JSON of its `toJSON()` when it has one. */
  showError(error: unknown): void;
}

/**
 * A fresh recorder of the texts a client shows: the hook events (give `hooks` to `createLiveStreamClient`)
 * and the errors passed to `showError`. Check them with {@link leakedSecrets}.
 */
export function shownTexts(): ShownTexts {
  const shown: string[] = [];
  return {
    shown,
    hooks: {
      onResponse: (event) => shown.push(JSON.stringify(event)),
      onError: (event) => shown.push(JSON.stringify(event.error.toJSON())),
      onRetry: (event) => shown.push(JSON.stringify(event), JSON.stringify(event.error.toJSON())),
      onWarning: (event) => shown.push(JSON.stringify(event)),
    },
    showError(error) {
      shown.push(inspect(error));
      const json = (error as { toJSON?: unknown } | null)?.toJSON;
      if (typeof json === 'function') shown.push(JSON.stringify(json.call(error)));
    },
  };
}

/**
 * The secrets (as `[label, value]` entries) whose encoding by `encode` appears in any of `shown`; `[]` when
 * none leaked. `secrets` maps a label to its value.
 */
export function leakedSecrets(
  secrets: Readonly<Record<string, string>>,
  encode: (text: string) => string,
  shown: readonly string[],
): [string, string][] {
  return Object.entries(secrets).filter(([, value]) => shown.some((text) => text.includes(encode(value))));
}

/**
 * A vendor's error answer that repeats `echo` (the secrets, encoded) in its body and in its `x-request-id`
 * header. `body` defaults to `{ message: 'refused: <echo>', error: <echo> }`; `status` to 422, and
 * `statusText` to none (give one that repeats `echo` for an adapter that reads the status text).
 */
export function refusalEchoing(
  echo: string,
  body: unknown = { message: `refused: ${echo}`, error: echo },
  { status = 422, statusText }: { status?: number; statusText?: string } = {},
): Response {
  return Response.json(body, {
    status,
    ...(statusText === undefined ? {} : { statusText }),
    headers: { 'x-request-id': `rid ${echo}` },
  });
}

/**
 * A vendor's 503 that repeats `echo` (the secrets, encoded) in its body, its `x-request-id` header and its
 * status text (`Unavailable <echo>`): {@link refusalEchoing} with status 503, `body` defaulting as there.
 * The refusal {@link leaksAfterCutAnswer} answers with unless given another.
 */
export function unavailableEchoing(echo: string, body?: unknown): Response {
  return refusalEchoing(echo, body, { status: 503, statusText: `Unavailable ${echo}` });
}

/**
 * The ways a 2xx answer breaks off: `truncated`, a JSON text cut short but whole as HTTP (its length
 * honest); `dropped`, a body that stops (the connection lost) after what arrived; `gzip`, a gzip stream
 * that stops after what arrived, inflated as fetch inflates it (a `DecompressionStream`).
 */
export const answerCutWays = ['truncated', 'dropped', 'gzip'] as const;

/** One of {@link answerCutWays}. */
export type AnswerCutWay = (typeof answerCutWays)[number];

/**
 * A JSON answer of `status` whose text `text` breaks off after its first `kept` characters, the `way` given
 * (see {@link answerCutWays}): reading its body yields those characters, then (but `truncated`) fails as
 * fetch's reading of a lost connection fails.
 */
export function cutAnswer(text: string, kept: number, way: AnswerCutWay, status = 200): Response {
  const sent = new TextEncoder().encode(text.slice(0, kept));
  const init = { status, headers: { 'content-type': 'application/json' } };
  if (way === 'truncated') return new Response(sent, init);
  const bytes = way === 'gzip' ? gzipSync(sent, { finishFlush: constants.Z_SYNC_FLUSH }) : sent;
  let pulled = false;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!pulled) {
        pulled = true;
        controller.enqueue(new Uint8Array(bytes));
      } else if (way === 'gzip') controller.close();
      else controller.error(new TypeError('terminated', { cause: lostConnection() }));
    },
  });
  // A gzip stream that ends before its end fails as it is inflated.
  return new Response(
    way === 'gzip'
      ? source.pipeThrough(
          new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>,
        )
      : source,
    init,
  );
}

function lostConnection(): Error {
  return Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
}

/**
 * A stand-in `fetch` for a refused change: the first request whose method is one of `methods` (default
 * `POST` and `PATCH`), or that `accepts` (default: that test), is answered `answer` with `status(method)`
 * (default 201 for a `POST`, 200 otherwise), made by `respond` (default: as JSON; {@link cutAnswer} for an
 * answer that breaks off); every other request, that one's repeats included, with what `others` answers it
 * (default: nothing), else a fresh `refusal()`.
 */
export function firstChangeAnswered(
  answer: unknown,
  refusal: () => Response,
  {
    methods = ['POST', 'PATCH'],
    status = (method) => (method === 'POST' ? 201 : 200),
    respond = (body, code) => Response.json(body, { status: code }),
    accepts = (request) => methods.includes(request.method),
    others = () => undefined,
  }: {
    methods?: readonly string[];
    status?: (method: string) => number;
    respond?: (answer: unknown, status: number) => Response;
    accepts?: (request: Request) => boolean;
    others?: (request: Request) => Response | undefined;
  } = {},
): typeof fetch {
  let answered = false;
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!answered && accepts(request)) {
      answered = true;
      return respond(answer, status(request.method));
    }
    return others(request) ?? refusal();
  }) as typeof fetch;
}

/**
 * Makes a change whose answer the schema refuses (`create`, or `update` of `id`), then a `get` of `id`,
 * and hands both errors to `show` (a {@link ShownTexts.showError}). Checks that the create failed with
 * `ResponseShapeError`, or the update (an accepted change read back, whose read is refused) and the `get`
 * with a `UniliveError`; throws an `Error` saying which did not (this entry loads no test runner).
 */
export async function refusedChangeThenGet(
  client: LiveStreamClient,
  call: 'create' | 'update',
  id: string,
  show: (error: unknown) => void,
): Promise<void> {
  // `isInstance` reads its class from `this`: called on it, never passed alone.
  const refused = (error: unknown): error is UniliveError =>
    call === 'create' ? ResponseShapeError.isInstance(error) : UniliveError.isInstance(error);
  await callThenGet(client, call, id, show, refused, ' as a refused change does');
}

/**
 * Makes a call whose 2xx answer is lost or refused (`create`, `update` of `id`, or `get` of `id`), then a
 * `get` of `id`, and hands both errors to `show` (a {@link ShownTexts.showError}). Checks that both failed
 * with a `UniliveError`, and throws an `Error` saying which did not (this entry loads no test runner).
 * Returns the first error.
 */
export async function failedCallThenGet(
  client: LiveStreamClient,
  call: 'create' | 'update' | 'get',
  id: string,
  show: (error: unknown) => void,
): Promise<UniliveError> {
  return callThenGet(client, call, id, show, (error) => UniliveError.isInstance(error), '');
}

// The call, checked by `failed` (an `Error` naming the call and `as` when it did not fail so) and shown;
// then a `get` of `id`, which must fail with a `UniliveError`, shown too.
async function callThenGet(
  client: LiveStreamClient,
  call: 'create' | 'update' | 'get',
  id: string,
  show: (error: unknown) => void,
  failed: (error: unknown) => error is UniliveError,
  as: string,
): Promise<UniliveError> {
  const first =
    call === 'create'
      ? await client.create({ name: 'show' }).catch((caught: unknown) => caught)
      : call === 'update'
        ? await client.update(id, { name: 'show' }).catch((caught: unknown) => caught)
        : await client.get(id).catch((caught: unknown) => caught);
  if (!failed(first)) throw new Error(`the ${call} did not fail${as}: ${inspect(first)}`);
  show(first);
  const error = await client.get(id).catch((caught: unknown) => caught);
  if (!UniliveError.isInstance(error)) throw new Error(`the get did not fail: ${inspect(error)}`);
  show(error);
  return first;
}

/** One way a call's 2xx answer breaks off, and how what follows is watched: see {@link leaksAfterCutAnswer}. */
export interface CutAnswerCase {
  /** The call whose answer breaks off (its first request with a body-bearing answer). */
  call: 'create' | 'update' | 'get';
  way: AnswerCutWay;
  /**
   * Where the answer's text breaks off: after `at % length` characters, or, with `within`, `at % (n + 2)`
   * characters into the `within % count`-th secret (n its length: inside it, at its end or just after).
   */
  at: number;
  within: number | undefined;
  /** How the later error answer repeats the secrets. */
  encoding: keyof typeof secretEncodings;
  /** Whether the client has hooks (recorded among what it shows). */
  hooked: boolean;
}

/** Generated {@link CutAnswerCase}s over `calls`, every way, cut point, encoding and hooks on or off. */
export function cutAnswerCases(calls: readonly CutAnswerCase['call'][]): fc.Arbitrary<CutAnswerCase> {
  return fc.record({
    call: fc.constantFrom(...calls),
    way: fc.constantFrom(...answerCutWays),
    at: fc.nat(),
    // Half the cases break off in or right after a secret, where learning it is at stake.
    within: fc.option(fc.nat(), { nil: undefined, freq: 2 }),
    encoding: fc.constantFrom(...secretEncodingNames),
    hooked: fc.boolean(),
  });
}

/**
 * The secrets (label → value) of `text` cut after `kept` characters (UTF-16 code units) that a client can
 * know: those that arrived whole, and those the cut fell inside after at least
 * {@link minimumTruncatedLength} of their characters, counted as core counts them (code points, less a
 * surrogate pair the cut broke), known by their beginning; each with how many of its code units arrived
 * (the first place each is found).
 */
export function knownAfterCut(
  secrets: Readonly<Record<string, string>>,
  text: string,
  kept: number,
): Record<string, { value: string; arrived: number }> {
  const known: Record<string, { value: string; arrived: number }> = {};
  for (const [label, value] of Object.entries(secrets)) {
    const at = text.indexOf(value);
    if (at < 0) continue;
    const arrived = Math.max(0, Math.min(value.length, kept - at));
    if (arrived === value.length || beginningLength(value, arrived) >= minimumTruncatedLength)
      known[label] = { value, arrived };
  }
  return known;
}

// How many characters of `value`'s first `arrived` code units core counts as a beginning: code points, a
// high surrogate whose pair was cut off left out (it arrives as U+FFFD, which core drops).
function beginningLength(value: string, arrived: number): number {
  const last = value.charCodeAt(arrived - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? arrived - 1 : arrived;
  return [...value.slice(0, end)].length;
}

/**
 * What {@link leaksAfterCutAnswer} and {@link wordsChangedAfterShortCut} are given besides their case: the
 * secrets (label → value, each in `answer`), the 2xx `answer` (a JSON value) that breaks off, the stream
 * `id` the calls name, and how every request is answered and by which client.
 */
export interface CutAnswerPlan {
  secrets: Readonly<Record<string, string>>;
  answer: unknown;
  id: string;
  /** The answer to every other request, given the texts the case repeats (default {@link unavailableEchoing}). */
  refusal?: (repeated: string) => Response;
  /** The adapter under test, made with its settings and these. */
  adapter: (transport: { fetch: typeof globalThis.fetch; retry: Partial<RetryPolicy> }) => LiveStreamProvider;
  /** The methods whose first request gets the answer, by call (default `POST`, `PATCH`, `GET`). */
  methods?: Partial<Record<CutAnswerCase['call'], readonly string[]>>;
  /** Which request gets the answer, when not the first of `methods[call]`. */
  accepts?: (request: Request) => boolean;
  /** Answers to the requests made before and beside it (read as they would be), before the refusal. */
  others?: (request: Request) => Response | undefined;
}

/**
 * Runs one {@link CutAnswerCase}: the case's call (of stream `id`, for an update or a get) is answered
 * `answer` (as JSON, status 201 for a `POST`, 200 otherwise) cut the case's way, on the first request of
 * one of `methods[call]` (default: `POST` for a create, `PATCH` for an update, `GET` for a get), or the
 * first that `accepts`; every other request, its repeats included, is answered as `others` answers it, else
 * `refusal(echo)` (default {@link unavailableEchoing}), `echo` being the secrets in the case's encoding.
 * The client is `adapter`'s provider, given that `fetch` and a retry of one repeat at once
 * (`{ maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 }`), with the case's hooks when it has them (through
 * `createLiveStreamClient`). Then a `get` of `id`. Both must fail (an `Error` says which did not).
 * Returns the secrets (label → value) the client can know ({@link knownAfterCut}: the refusal repeats only those) that appear,
 * so encoded, in anything the client showed (its hook events and both errors' `inspect`, `toJSON`, `String`
 * and message): whole, or for a single word (letters, digits, `_`, `-`) by the last eight characters of its
 * encoded form; `[]` when none did.
 */
export async function leaksAfterCutAnswer({
  secrets,
  answer,
  id,
  refusal = (echo) => unavailableEchoing(echo),
  adapter,
  methods = {},
  accepts,
  others,
  cut,
}: CutAnswerPlan & { cut: CutAnswerCase }): Promise<[string, string][]> {
  const encode = secretEncodings[cut.encoding];
  const text = JSON.stringify(answer);
  const values = Object.values(secrets);
  const aimed = cut.within === undefined ? undefined : values[cut.within % values.length];
  const kept =
    aimed === undefined || !text.includes(aimed)
      ? cut.at % text.length
      : Math.min(text.length - 1, text.indexOf(aimed) + (cut.at % (aimed.length + 2)));
  // Only what can be known is repeated: a secret none (or too little) of which arrived is shown by design.
  const known = knownAfterCut(secrets, text, kept);
  const echo = Object.values(known)
    .map(({ value }) => encode(value))
    .join(' ');
  const { shown } = await cutCallThenGet({
    answer,
    id,
    refusal: () => refusal(echo),
    adapter,
    methods,
    accepts,
    others,
    cut,
    kept,
  });
  const leaks: [string, string][] = [];
  for (const [label, { value }] of Object.entries(known)) {
    const form = encode(value);
    // The whole form, and its end (what did not arrive, for a value cut inside): a value known by its
    // beginning is hidden to the end of its word, so a word-like one shows none of it. A value that is
    // several words (LiveAPI's `key?password=…`) is checked whole only.
    const shows = (text: string) =>
      text.includes(form) || (/^[\w-]+$/.test(value) && form.length > 8 && text.includes(form.slice(-8)));
    if (shown.some(shows)) leaks.push([label, value]);
  }
  return leaks;
}

// The setup leaksAfterCutAnswer and wordsChangedAfterShortCut share: the case's call answered `answer`
// broken off after `kept` characters, every other request `refusal()` (or `others`), then a get of `id`;
// what the client showed (its hook events, both errors' `inspect`, `toJSON`, `String` and message), and
// the get's error.
async function cutCallThenGet({
  answer,
  id,
  refusal,
  adapter,
  methods = {},
  accepts,
  others,
  cut,
  kept,
}: {
  answer: unknown;
  id: string;
  refusal: () => Response;
  adapter: (transport: { fetch: typeof globalThis.fetch; retry: Partial<RetryPolicy> }) => LiveStreamProvider;
  methods?: Partial<Record<CutAnswerCase['call'], readonly string[]>> | undefined;
  accepts?: ((request: Request) => boolean) | undefined;
  others?: ((request: Request) => Response | undefined) | undefined;
  cut: Pick<CutAnswerCase, 'call' | 'way' | 'hooked'>;
  kept: number;
}): Promise<{ shown: string[]; last: UniliveError }> {
  const text = JSON.stringify(answer);
  const defaults = { create: ['POST'], update: ['PATCH'], get: ['GET'] };
  const fetch = firstChangeAnswered(answer, refusal, {
    methods: methods[cut.call] ?? defaults[cut.call],
    respond: (_, status) => cutAnswer(text, kept, cut.way, status),
    ...(accepts ? { accepts } : {}),
    ...(others ? { others } : {}),
  });
  const { hooks, shown, showError } = shownTexts();
  const shownClient = createLiveStreamClient(
    adapter({ fetch, retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } }),
    cut.hooked ? { hooks } : {},
  );
  let last: unknown;
  await failedCallThenGet(shownClient, cut.call, id, (error) => {
    showError(error);
    shown.push(String(error), (error as Error).message);
    last = error;
  });
  return { shown, last: last as UniliveError };
}

/**
 * One answer that breaks off a few characters into a secret, too few to know anything of it: see
 * {@link wordsChangedAfterShortCut}.
 */
export interface ShortCutCase {
  /** The call whose answer breaks off. */
  call: CutAnswerCase['call'];
  way: AnswerCutWay;
  /** The secret the answer breaks off inside: the `within % count`-th. */
  within: number;
  /** How many of its characters arrived: 4 to 7, fewer than {@link minimumTruncatedLength}. */
  arrived: number;
  /** Whether the client has hooks. */
  hooked: boolean;
}

/** Generated {@link ShortCutCase}s over `calls`. */
export function shortCutCases(calls: readonly CutAnswerCase['call'][]): fc.Arbitrary<ShortCutCase> {
  return fc.record({
    call: fc.constantFrom(...calls),
    way: fc.constantFrom(...answerCutWays),
    within: fc.nat(),
    arrived: fc.integer({ min: 4, max: minimumTruncatedLength - 1 }),
    hooked: fc.boolean(),
  });
}

/**
 * Runs one {@link ShortCutCase}, set up as {@link leaksAfterCutAnswer} sets up its own: the case's call is
 * answered `answer` broken off `arrived` characters into the chosen secret (its first place in the JSON
 * text), and every other request `refusal(words)` (default {@link unavailableEchoing}), `words` being
 * ordinary words that start with the characters that arrived (`<beginning>ing <beginning>er
 * <beginning>-video`). Then a `get` of `id`. Of a secret cut so short nothing is known, so those words are
 * no secret: returns the ones the get's error message does not show as they are (`[]` when it shows them
 * all). Both calls must fail (an `Error` says which did not); every secret must be 8 characters or more.
 */
export async function wordsChangedAfterShortCut({
  secrets,
  answer,
  id,
  refusal = (words) => unavailableEchoing(words),
  adapter,
  methods,
  accepts,
  others,
  cut,
}: CutAnswerPlan & { cut: ShortCutCase }): Promise<string[]> {
  const values = Object.values(secrets);
  const secret = values[cut.within % values.length] as string;
  const text = JSON.stringify(answer);
  const at = text.indexOf(secret);
  if (at < 0 || secret.length < minimumTruncatedLength)
    throw new Error(`the answer holds no secret ${secret} of ${minimumTruncatedLength} characters or more`);
  const beginning = secret.slice(0, cut.arrived);
  const words = [`${beginning}ing`, `${beginning}er`, `${beginning}-video`];
  const { last } = await cutCallThenGet({
    answer,
    id,
    refusal: () => refusal(words.join(' ')),
    adapter,
    methods,
    accepts,
    others,
    cut,
    kept: at + cut.arrived,
  });
  return words.filter((word) => !last.message.includes(word));
}
