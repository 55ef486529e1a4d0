import { AbortError, type CallOptions, createHttpClient, SecretSet, type UniliveError } from '@unilive/core';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { type OtherRealmSignalQuirk, otherRealmAbortController } from './other-realm.js';

// Core's HTTP layer (as every adapter built on it, and the memory provider, uses it) given a caller's signal
// from another realm (a vm context, an iframe): its AbortController is that realm's own code, its objects
// have that realm's prototypes, its abort reason is that realm's Error. The HTTP layer
// follows it through one listener (core's platformSignal), so each attempt listens to a platform signal:
// the foreign signal's addEventListener is called once whatever the attempts, its removeEventListener never,
// and a method or getter of it that throws later fails nothing.

const schema = v.looseObject({ stream: v.looseObject({ id: v.string() }) });
const ok = () =>
  new Response('{"stream":{"id":"abc"}}', { status: 200, headers: { 'content-type': 'application/json' } });
const unavailable = () =>
  new Response('{"message":"busy"}', { status: 503, headers: { 'content-type': 'application/json' } });

type Moment = 'before' | 'during' | 'after';

describe('a signal of another realm', () => {
  it('ends the call when it fires before or during it, changes nothing after, and is listened to once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Moment>('before', 'during', 'after'),
        fc.constantFrom<OtherRealmSignalQuirk>('none', 'remove-throws', 'reason-throws'),
        // Attempts answered 503 before the one the moment applies to (retried: a GET is idempotent).
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 1, max: 3 }),
        async (moment, quirk, failures, calls) => {
          const controller = otherRealmAbortController(quirk);
          let sent = 0;
          // Attempts of the call under way: each call meets `failures` 503s first.
          let attempts = 0;
          let abortedAttempt = false;
          const held: Request[] = [];
          const fetch: typeof globalThis.fetch = async (input, init) => {
            sent += 1;
            attempts += 1;
            if (attempts <= failures) return unavailable();
            if (moment !== 'during') return ok();
            // The caller gives up while the vendor has the request: the attempt's own signal must fire.
            // The Request is kept while the vendor has it, as a fetch in flight keeps its own: its signal
            // follows the attempt's only while it lives (undici links them weakly).
            const request = new Request(input, init);
            held.push(request);
            const attempt = request.signal;
            const answer = new Promise<Response>((_, reject) => {
              attempt.addEventListener('abort', () => {
                abortedAttempt = true;
                reject(attempt.reason);
              });
            });
            controller.abort();
            return answer;
          };
          const http = createHttpClient({
            provider: 'test-vendor',
            baseUrl: 'https://api.vendor.test/v2',
            headers: () => ({ authorization: 'Bearer vendor-token-0123456789' }),
            secrets: new SecretSet(),
            fetch,
            retry: { maxRetries: 2 },
            random: () => 0.5,
          });
          const options: CallOptions = {
            signal: controller.signal,
            runtime: {
              sleep: async (_ms, signal) => {
                if (signal?.aborted) throw signal.reason;
              },
            },
          };
          if (moment === 'before') controller.abort();
          const read = () => {
            attempts = 0;
            return http
              .request({ operation: 'get', method: 'GET', path: 'streams/abc', schema, options })
              .then(
                (response) => response.data,
                (error: unknown) => error,
              );
          };
          for (let call = 0; call < calls; call += 1) {
            const outcome = await read();
            if (moment === 'after') {
              expect(outcome).toEqual({ stream: { id: 'abc' } });
            } else {
              expect(AbortError.isInstance(outcome)).toBe(true);
              const error = outcome as UniliveError;
              // Before: nothing left; during: the vendor had the request.
              const first = call === 0;
              expect(error.delivery).toBe(moment === 'during' && first ? 'unknown' : 'not-sent');
              // The realm's reason, or, when it cannot be read, a cause that says so.
              expect(error.cause).toMatchObject({
                name: 'Error',
                message:
                  quirk === 'reason-throws'
                    ? 'the abort reason could not be read'
                    : 'aborted in the other realm',
              });
            }
          }
          if (moment === 'after') controller.abort();
          expect(sent).toBe(
            moment === 'before' ? 0 : moment === 'during' ? failures + 1 : calls * (failures + 1),
          );
          if (moment === 'during') expect(abortedAttempt).toBe(true);
          // One listener for the signal's life, never removed.
          expect(controller.signal.added).toBe(moment === 'before' ? 0 : 1);
          expect(controller.signal.removed).toBe(0);
          // After the last call, and after an abort past every call, no request is left.
          await expect(read()).resolves.toSatisfy((outcome: unknown) => AbortError.isInstance(outcome));
          expect(sent).toBe(
            moment === 'before' ? 0 : moment === 'during' ? failures + 1 : calls * (failures + 1),
          );
        },
      ),
      { numRuns: 120 },
    );
  });
});
