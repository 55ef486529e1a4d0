import { inspect } from 'node:util';
import nock from 'nock';
import { expect } from 'vitest';
import {
  createHttpClient,
  createLiveStreamClient,
  type HttpClient,
  type HttpHooks,
  type LiveStreamProvider,
  SecretSet,
  UniliveError,
} from '../src/index.js';
import { fakeProvider } from './fake-provider.js';

// A vendor that repeats a credential in its error, in some escaped or encoded form: shared by the tests that
// hold each form to the masking rule (HTML references, Go's JSON, escapes in any mix).

/** Hooks that keep every event they hear in `events`. */
export function keptHooks(events: unknown[]): HttpHooks {
  return {
    onRequest: (event) => events.push(event),
    onResponse: (event) => events.push(event),
    onRetry: (event) => events.push(event),
    onError: (event) => events.push(event),
  };
}

/**
 * Core's HTTP layer for a vendor `provider` at `origin` (`/v1` its API root) answering errors as
 * `{ error: { code, message } }`, with `secrets` known, no retry, and a bearer token that is none of them.
 */
export function echoingHttpClient(provider: string, origin: string, secrets: SecretSet): HttpClient {
  return createHttpClient({
    provider,
    baseUrl: `${origin}/v1`,
    headers: () => ({ authorization: 'Bearer not-the-secret-0000' }),
    secrets,
    readError: (body) => {
      const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
      return { code: error?.code, message: error?.message };
    },
    retry: { maxRetries: 0 },
    random: () => 0.5,
  });
}

/**
 * A client's `get('abc123')` through an adapter on {@link echoingHttpClient}, the vendor answering `status`
 * with `upstream rejected key <echoed>` as its message and `echoed` as its `x-request-id`, `secret` known:
 * the typed error and every hook event.
 */
export async function failedGetEchoing(
  provider: string,
  origin: string,
  secret: string,
  echoed: string,
  status: number,
): Promise<{ error: UniliveError; events: unknown[] }> {
  nock(origin)
    .get('/v1/streams/abc123')
    .reply(
      status,
      JSON.stringify({ error: { code: 'bad_key', message: `upstream rejected key ${echoed}` } }),
      { 'content-type': 'application/json', 'x-request-id': echoed },
    );
  const secrets = new SecretSet();
  secrets.add(secret);
  const events: unknown[] = [];
  const http = echoingHttpClient(provider, origin, secrets);
  // An adapter whose get goes through core's HTTP layer, called through a client, which raises onError.
  const adapter: LiveStreamProvider = {
    ...fakeProvider(provider).provider,
    async get(id, options) {
      await http.request({ operation: 'get', method: 'GET', path: `streams/${id}`, options });
      throw new Error('unreachable: the vendor answered with an error');
    },
  };
  let caught: unknown;
  try {
    await createLiveStreamClient(adapter, { hooks: keptHooks(events) }).get('abc123');
  } catch (error) {
    caught = error;
  }
  nock.cleanAll();
  expect(UniliveError.isInstance(caught)).toBe(true);
  return { error: caught as UniliveError, events };
}

/** Every text a caller or a hook can see of an error and the events heard with it. */
export function shownOf(error: UniliveError, events: unknown[]): string {
  return [
    error.message,
    String(error),
    error.stack,
    error.requestId,
    JSON.stringify(error.toJSON()),
    inspect(error, { depth: 8 }),
    inspect(events, { depth: 8 }),
  ].join('\n');
}

/**
 * `secret` known, the echo between the pieces `before` and `after` (joined by `separator`) is hidden as one
 * `[REDACTED]`, and nothing around it changes.
 */
export function expectOnlyEchoHidden(
  secret: string,
  echoed: string,
  before: readonly string[],
  after: readonly string[],
  separator = '',
): void {
  const secrets = new SecretSet();
  secrets.add(secret);
  const prefix = `${before.join('')}${separator}`;
  const suffix = `${separator}${after.join('')}`;
  expect(secrets.redact(`${prefix}${echoed}${suffix}`)).toBe(`${prefix}[REDACTED]${suffix}`);
}
