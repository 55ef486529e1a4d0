import type { Socket } from 'node:net';
import { inspect } from 'node:util';
import { constants, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawServer, startRawServer } from '../../test/raw-server.js';
import { ProviderUnavailableError, ResponseShapeError } from '../errors/errors.js';
import { UniliveError } from '../errors/unilive-error.js';
import { urlPassword } from '../live-stream.js';
import { minimumTruncatedLength, SecretSet, truncatedKeptLength } from '../secrets.js';
import type { HttpHooks } from './hooks.js';
import { createHttpClient, type HttpMethod } from './http-client.js';

// A raw server, so a success can be cut the ways a connection cuts one: a JSON text shorter than JSON
// (its length honest), a body that stops short of its declared length or of its chunk, a gzip stream cut.
let server: RawServer;
let baseUrl: string;
let answers: ((socket: Socket) => void)[] = [];
let attempts = 0;

beforeAll(async () => {
  server = await startRawServer((socket) => {
    attempts += 1;
    const answer = answers.shift() ?? ((s: Socket) => s.destroy());
    answer(socket);
  });
  baseUrl = server.baseUrl;
});

afterAll(() => {
  server.close();
});

type Way = 'truncated' | 'dropped' | 'chunked' | 'gzip';

// A 2xx whose body is `text` cut after `kept` characters (ASCII here, so characters are bytes), the `way`
// given; every way but `truncated` promises the whole text and closes the connection after the cut.
function cutAnswer(status: number, text: string, kept: number, way: Way): (socket: Socket) => void {
  const sent = text.slice(0, kept);
  return (socket) => {
    const head = `HTTP/1.1 ${status} OK\r\ncontent-type: application/json\r\nx-request-id: req-1\r\n`;
    if (way === 'truncated') {
      socket.end(`${head}content-length: ${sent.length}\r\n\r\n${sent}`);
    } else if (way === 'dropped') {
      socket.end(`${head}content-length: ${text.length}\r\n\r\n${sent}`);
    } else if (way === 'chunked') {
      socket.end(`${head}transfer-encoding: chunked\r\n\r\n${text.length.toString(16)}\r\n${sent}`);
    } else {
      // The compressed stream flushed right after the cut (so all that came before it can be inflated), and
      // never finished.
      const bytes = gzipSync(sent, { finishFlush: constants.Z_SYNC_FLUSH });
      socket.write(`${head}content-encoding: gzip\r\ncontent-length: ${bytes.length + 64}\r\n\r\n`, 'latin1');
      socket.end(bytes);
    }
  };
}

// A 503 whose status text, request id and message repeat `echo`.
function unavailableEchoing(echo: string): (socket: Socket) => void {
  const body = JSON.stringify({ message: `busy: ${echo}` });
  return (socket) =>
    socket.end(
      `HTTP/1.1 503 Unavailable ${echo}\r\ncontent-type: application/json\r\nx-request-id: ${echo}\r\nretry-after: 0\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
}

const record = v.object({
  id: v.string(),
  name: v.string(),
  stream_key: v.string(),
  password: v.string(),
  state: v.string(),
});

function client(secrets: SecretSet) {
  return createHttpClient({
    provider: 'test-vendor',
    baseUrl,
    headers: () => ({}),
    secrets,
    retry: { maxRetries: 1 },
    readError: (body) => (body as { message?: string }) ?? {},
  });
}

const runtime = (hooks: HttpHooks | undefined) => ({ sleep: async () => {}, ...(hooks ? { hooks } : {}) });

const token = fc.stringMatching(/^[A-Z0-9]{12,24}$/);

// A create (`POST streams`, no hooks) answered as `answers` holds, its answer read with `schema` and handed
// to `learn`; whatever it ends in (these tests look at what was learned).
async function createLearning<T>(
  set: SecretSet,
  schema: v.GenericSchema<unknown, T>,
  learn: (data: Partial<T>) => void,
): Promise<void> {
  await client(set)
    .request({
      operation: 'create',
      method: 'POST',
      path: 'streams',
      schema,
      learn,
      options: { runtime: runtime(undefined) },
    })
    .catch(() => undefined);
}

describe('a success whose body broke off', () => {
  it('teaches the request what arrived (whole, or a value cut inside by its beginning), so a later error or event repeating it masks it; the error stays what it was', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ key: token, password: token }),
        fc.constantFrom<Way>('truncated', 'dropped', 'chunked', 'gzip'),
        fc.constantFrom<HttpMethod>('POST', 'GET'),
        fc.nat(),
        // Half the cases break off in or right after a secret, where learning it is at stake.
        fc.option(fc.constantFrom('key' as const, 'password' as const), { nil: undefined, freq: 2 }),
        fc.boolean(),
        async (secrets, way, method, at, within, hooked) => {
          const text = JSON.stringify({
            id: 'stream-1',
            name: 'a name',
            stream_key: secrets.key,
            password: secrets.password,
            state: 'stopped',
          });
          const aimed = within === undefined ? undefined : secrets[within];
          const kept =
            aimed === undefined
              ? at % text.length
              : Math.min(text.length - 1, text.indexOf(aimed) + (at % (aimed.length + 2)));
          const shown: string[] = [];
          const statuses: number[] = [];
          const hooks: HttpHooks = {
            onResponse: (event) => {
              statuses.push(event.status);
              shown.push(JSON.stringify(event));
            },
            onRetry: (event) => shown.push(JSON.stringify(event), JSON.stringify(event.error.toJSON())),
            onError: (event) => shown.push(JSON.stringify(event.error.toJSON())),
          };
          const answered = (learn: boolean, set: SecretSet) =>
            client(set)
              .request({
                operation: 'create',
                method,
                path: 'streams',
                schema: record,
                ...(learn
                  ? {
                      learn: (data: Partial<v.InferOutput<typeof record>>) => {
                        set.learnStream(data.id ?? '', data.stream_key, data.password);
                      },
                    }
                  : {}),
                options: { runtime: runtime(hooked ? hooks : undefined) },
              })
              .then(
                () => 'success',
                (error: unknown) => error,
              );
          // The same answers without `learn`: the error today's layer throws, and how often it asks.
          answers = [cutAnswer(201, text, kept, way), cutAnswer(201, text, kept, way)];
          attempts = 0;
          const before = (await answered(false, new SecretSet())) as UniliveError;
          const sentBefore = attempts;
          const set = new SecretSet();
          answers = [cutAnswer(201, text, kept, way), cutAnswer(201, text, kept, way)];
          attempts = 0;
          shown.length = 0;
          statuses.length = 0;
          const error = (await answered(true, set)) as UniliveError;
          expect(attempts).toBe(sentBefore);
          expect(error).toBeInstanceOf(way === 'truncated' ? ResponseShapeError : ProviderUnavailableError);
          expect(error.constructor).toBe(before.constructor);
          for (const field of ['status', 'delivery', 'requestId', 'isRetryable', 'vendorMessage'] as const)
            expect(error[field]).toStrictEqual(before[field]);
          // How much of a cut gzip stream is inflated before its error is the stream's affair.
          const bytesRead = /\d+ bytes? of the body read/;
          const same = (message: string) =>
            way === 'gzip' ? message.replace(bytesRead, 'n bytes') : message;
          expect(same(error.message)).toBe(same(before.message));
          // A create is never sent twice.
          expect(attempts).toBe(method === 'POST' || way === 'truncated' ? 1 : 2);
          // Each answer is heard, whole or not.
          expect(statuses).toEqual(hooked ? Array(attempts).fill(201) : []);

          // What the client read: the bytes its message counts (all that was sent, for a truncated text).
          const read =
            way === 'truncated' ? kept : Number(/(\d+) bytes? of the body read/.exec(error.message)?.[1]);
          expect(read).toBeLessThanOrEqual(kept);
          // Known: the values that arrived whole, and those cut after their first minimumTruncatedLength
          // characters (known by their beginning). Only they are repeated: of the others nothing is known.
          const known = Object.values(secrets).filter((value) => {
            const arrived = Math.min(value.length, read - text.indexOf(value));
            return arrived === value.length || arrived >= minimumTruncatedLength;
          });
          const echo = known.length === 0 ? 'nothing' : known.join(' ');
          answers = [unavailableEchoing(echo), unavailableEchoing(echo)];
          const later = await client(set)
            .request({
              operation: 'get',
              method: 'GET',
              path: 'streams/stream-1',
              schema: record,
              options: { runtime: runtime(hooked ? hooks : undefined) },
            })
            .catch((caught: unknown) => caught);
          expect(UniliveError.isInstance(later)).toBe(true);
          shown.push(
            String(error),
            inspect(error),
            JSON.stringify(error),
            String(later),
            inspect(later),
            JSON.stringify(later),
            (later as UniliveError).message,
          );
          // Neither whole nor by its end (what did not arrive of a value cut inside).
          for (const value of known)
            for (const text of shown) {
              expect(text).not.toContain(value);
              expect(text).not.toContain(value.slice(-8));
            }
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe('a success that broke off within the first 8 characters of a value', () => {
  it('learns nothing of it (a beginning that short would hide every word it starts), and keeps a value the set held whole before', async () => {
    await fc.assert(
      fc.asyncProperty(
        token,
        fc.integer({ min: 1, max: minimumTruncatedLength - 1 }),
        fc.constantFrom<Way>('truncated', 'dropped', 'chunked', 'gzip'),
        fc.boolean(),
        async (key, arrived, way, heldBefore) => {
          const text = JSON.stringify({ id: 'stream-1', name: 'a name', stream_key: key, state: 'stopped' });
          const beginning = key.slice(0, arrived);
          const set = new SecretSet();
          if (heldBefore) set.learn(beginning);
          const held = set.values();
          answers = [cutAnswer(201, text, text.indexOf(key) + arrived, way)];
          await createLearning(set, record, (data) => {
            set.learnStream(data.id ?? '', data.stream_key);
            set.learn(data.stream_key);
          });
          expect(set.values()).toEqual(held);
          // So a later text holding words that start the same way reads as it is (unless the set held the
          // beginning before, as a value of its own).
          const later = `the ${beginning}ing ${beginning}er failed`;
          if (set.values().length === 0) expect(set.redact(later)).toBe(later);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('a success that broke off inside the password of a URL', () => {
  const withServer = v.object({ id: v.string(), server: v.string(), state: v.string() });

  it('learns the password by its beginning from its 8th character, the @ after it not arrived; a port is no password', async () => {
    await fc.assert(
      fc.asyncProperty(
        token,
        fc.constantFrom('rtmp', 'rtsp', 'srt', 'https'),
        fc.nat(),
        fc.constantFrom<Way>('truncated', 'dropped', 'chunked'),
        fc.boolean(),
        async (password, scheme, at, way, port) => {
          const server = port
            ? `${scheme}://ingest.example.com:1935/app`
            : `${scheme}://client:${password}@h.example/app`;
          const text = JSON.stringify({ id: 'stream-1', server, state: 'stopped' });
          // Cut inside the port, or from the password's 8th character to just before its `@`.
          const kept = port
            ? text.indexOf(':1935') + 1 + (at % 4)
            : text.indexOf(password) +
              minimumTruncatedLength +
              (at % (password.length - minimumTruncatedLength + 1));
          const set = new SecretSet();
          answers = [cutAnswer(201, text, kept, way)];
          // As an adapter learns a URL's password: out of a whole URL.
          await createLearning(set, withServer, (data) =>
            set.learnStream(data.id ?? '', data.server === undefined ? undefined : urlPassword(data.server)),
          );
          if (port) {
            expect(set.values()).toEqual([]);
            return;
          }
          answers = [unavailableEchoing(password), unavailableEchoing(password)];
          const later = (await client(set)
            .request({ operation: 'get', method: 'GET', path: 'streams/stream-1', schema: withServer })
            .catch((caught: unknown) => caught)) as UniliveError;
          for (const shown of [later.message, inspect(later), JSON.stringify(later)])
            expect(shown).not.toContain(password.slice(-8));
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('a success that broke off far into a value', () => {
  it(`hands the request's learn its first ${truncatedKeptLength} characters only, so the set holds no more of it`, async () => {
    const key = 'k7Qz'.repeat(50_000);
    const text = JSON.stringify({ id: 'stream-1', name: 'a name', stream_key: key, state: 'stopped' });
    const set = new SecretSet();
    const given: string[] = [];
    answers = [cutAnswer(201, text, text.indexOf(key) + key.length - 10, 'dropped')];
    await createLearning(set, record, (data) => {
      if (data.stream_key !== undefined) given.push(data.stream_key);
      set.learnStream(data.id ?? '', data.stream_key);
    });
    expect(given).toEqual([key.slice(0, truncatedKeptLength)]);
    expect(set.values()).toEqual([key.slice(0, truncatedKeptLength)]);
    // Which still hides the whole key in a later text.
    expect(set.redact(`busy: ${key} again`)).toBe('busy: [REDACTED] again');
  });
});
