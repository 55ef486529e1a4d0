import { Buffer } from 'node:buffer';
import { inspect } from 'node:util';
import { type HttpHooks, type LiveStreamClient, ResponseShapeError, UniliveError } from '@unilive/core';

/**
 * The encodings a secret is looked for in when it is repeated by a vendor's answer and then shown: as it
 * is (`raw`), `base64` of its UTF-8 bytes, URL-encoded (`url`, `encodeURIComponent`) and JSON-escaped
 * (`json`, inside a JSON string). A test draws one of the names and echoes the secret in that encoding.
 */
export const secretEncodings: Readonly<Record<'raw' | 'base64' | 'url' | 'json', (text: string) => string>> =
  {
    raw: (text) => text,
    base64: (text) => Buffer.from(text).toString('base64'),
    url: (text) => encodeURIComponent(text),
    json: (text) => JSON.stringify(text).slice(1, -1),
  };

/** The names of {@link secretEncodings}, for `fc.constantFrom(...secretEncodingNames)`. */
export const secretEncodingNames = Object.keys(secretEncodings) as (keyof typeof secretEncodings)[];

/** A recorder of everything a client shows: see {@link shownTexts}. */
export interface ShownTexts {
  /**
   * Hooks that push into `shown` each `onResponse` and `onWarning` event as JSON, and each `onError` event's
   * error `toJSON()` as JSON.
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
 * A vendor's 422 answer that repeats `echo` (the secrets, encoded) in its body and in its `x-request-id`
 * header. `body` defaults to `{ message: 'refused: <echo>', error: <echo> }`.
 */
export function refusalEchoing(
  echo: string,
  body: unknown = { message: `refused: ${echo}`, error: echo },
): Response {
  return Response.json(body, { status: 422, headers: { 'x-request-id': `rid ${echo}` } });
}

/**
 * A stand-in `fetch` for a refused change: the first request whose method is one of `methods` (default
 * `POST` and `PATCH`) is answered `answer` as JSON, with `status(method)` (default 201 for a `POST`, 200
 * otherwise); every other request, that one's repeats included, with a fresh `refusal()`.
 */
export function firstChangeAnswered(
  answer: unknown,
  refusal: () => Response,
  {
    methods = ['POST', 'PATCH'],
    status = (method) => (method === 'POST' ? 201 : 200),
  }: { methods?: readonly string[]; status?: (method: string) => number } = {},
): typeof fetch {
  let answered = false;
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!answered && methods.includes(request.method)) {
      answered = true;
      return Response.json(answer, { status: status(request.method) });
    }
    return refusal();
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
  const first =
    call === 'create'
      ? await client.create({ name: 'show' }).catch((caught: unknown) => caught)
      : await client.update(id, { name: 'show' }).catch((caught: unknown) => caught);
  if (!(call === 'create' ? ResponseShapeError.isInstance(first) : UniliveError.isInstance(first)))
    throw new Error(`the ${call} did not fail as a refused change does: ${inspect(first)}`);
  show(first);
  const error = await client.get(id).catch((caught: unknown) => caught);
  if (!UniliveError.isInstance(error)) throw new Error(`the get did not fail: ${inspect(error)}`);
  show(error);
}
