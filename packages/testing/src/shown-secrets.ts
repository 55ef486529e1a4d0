import { Buffer } from 'node:buffer';
import { inspect } from 'node:util';
import type { HttpHooks } from '@unilive/core';

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
