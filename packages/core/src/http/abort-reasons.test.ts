import type { Socket } from 'node:net';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawServer, startRawServer } from '../../test/raw-server.js';
import { AbortError } from '../errors/errors.js';
import { SecretSet } from '../secrets.js';
import { createHttpClient } from './http-client.js';

// A raw server whose answers stop where the test says: nothing at all (the headers are awaited), or the
// status, headers and half the body, the socket then held open (the body is being read). Only the caller's
// signal can end such a call.
let server: RawServer;
let answer: (socket: Socket) => void = () => {};
const held = new Set<Socket>();
let arrived: (() => void) | undefined;

beforeAll(async () => {
  server = await startRawServer((socket) => {
    held.add(socket);
    socket.on('close', () => held.delete(socket));
    arrived?.();
    answer(socket);
  });
});

afterAll(() => {
  for (const socket of held) socket.destroy();
  server.close();
});

const token = 'vendor-token-0123456789';
const whole = JSON.stringify({ id: 'stream-1', name: 'a name long enough to be cut in the middle' });

type Phase = 'before' | 'headers' | 'body';

const throwing = (what: string) => () => {
  throw new Error(`${what} ${token}`);
};
const trapsThrowing = {
  get: throwing('get'),
  getPrototypeOf: throwing('getPrototypeOf'),
  has: throwing('has'),
  ownKeys: throwing('ownKeys'),
  getOwnPropertyDescriptor: throwing('getOwnPropertyDescriptor'),
};
class MessageThrows extends Error {
  override get message(): string {
    throw new Error(`message getter ${token}`);
  }
}
// Reasons whose reads throw, made inside the property by index: fast-check would trip on their traps itself.
const hostileReasons: (() => unknown)[] = [
  () => new Proxy({}, trapsThrowing),
  () => new Proxy(new Error('x'), trapsThrowing),
  () => Object.defineProperty(new Error('user stopped'), 'stack', { get: throwing('stack getter') }),
  () => Object.defineProperty(new Error('user stopped'), 'message', { get: throwing('message getter') }),
  () => new MessageThrows('x'),
  () => new Error('outer', { cause: new Proxy({}, trapsThrowing) }),
  () => ({ toString: throwing('toString') }),
  () => ({ stack: 'not a stack', message: 42 }),
  () => Symbol(token),
  () => new Error(`reason ${token}`),
  () => Object.create(null),
];
const reasons = fc.oneof(
  fc.anything().map((value) => () => value),
  fc.nat({ max: hostileReasons.length - 1 }).map((index) => hostileReasons[index] ?? (() => undefined)),
);

describe("the caller's abort reason", () => {
  it('never reaches fetch: whatever it is and whenever it fires, the call ends in AbortError carrying it', async () => {
    await fc.assert(
      fc.asyncProperty(reasons, fc.constantFrom<Phase>('before', 'headers', 'body'), async (make, phase) => {
        const given = make();
        const caller = new AbortController();
        const secrets = new SecretSet();
        secrets.add(token);
        // Headers phase: the request's head reached the server, which never answers. Body phase: the
        // status and headers arrived and fetch handed the response over; its body stops halfway.
        answer =
          phase === 'body'
            ? (socket) =>
                socket.write(
                  `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${whole.length}\r\n\r\n${whole.slice(0, whole.length >> 1)}`,
                )
            : () => {};
        arrived = phase === 'headers' ? () => caller.abort(given) : undefined;
        if (phase === 'before') caller.abort(given);
        const http = createHttpClient({
          provider: 'test-vendor',
          baseUrl: server.baseUrl,
          headers: () => ({ authorization: `Bearer ${token}` }),
          secrets,
          retry: { maxRetries: 0 },
          fetch: async (input, init) => {
            const response = await fetch(input, init);
            if (phase === 'body') setImmediate(() => caller.abort(given));
            return response;
          },
        });
        const error = await http
          .request({ operation: 'get', method: 'GET', path: 's', options: { signal: caller.signal } })
          .then(
            () => undefined,
            (caught: unknown) => caught,
          );
        expect(AbortError.isInstance(error)).toBe(true);
        const aborted = error as AbortError;
        expect(aborted.message).toBe('test-vendor get was aborted');
        expect(aborted.delivery).toBe(phase === 'before' ? 'not-sent' : 'unknown');
        // The cause is the caller's reason, read as any cause is (a Proxy whose traps throw is "a cause
        // that could not be read"; no reason at all, the platform's DOMException), never one of the
        // layer's own.
        const expected = new AbortError({
          provider: 'test-vendor',
          operation: 'get',
          message: 'test-vendor get was aborted',
          cause: caller.signal.reason,
          secrets,
        });
        expect(String(aborted.cause)).toBe(String(expected.cause));
        const shown = [String(aborted), aborted.stack, JSON.stringify(aborted), inspect(aborted)].join('\n');
        expect(shown).not.toContain(token);
      }),
      {
        numRuns: 60,
        examples: [
          [() => new Proxy({}, trapsThrowing), 'body'],
          [() => Object.defineProperty(new Error('u'), 'stack', { get: throwing('stack') }), 'body'],
          [() => new MessageThrows('x'), 'body'],
          [() => new Proxy({}, trapsThrowing), 'headers'],
          [() => new Proxy({}, trapsThrowing), 'before'],
        ],
      },
    );
  });
});
