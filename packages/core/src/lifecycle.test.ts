import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  ChangeAppliedError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  ProviderUnavailableError,
  ResponseShapeError,
} from './errors/errors.js';
import { UniliveError } from './errors/unilive-error.js';
import { createHttpClient } from './http/http-client.js';
import {
  changeLifecycle,
  type LifecycleOperation,
  lifecycleGoals,
  readBackAfterChange,
  requestChange,
  sameStream,
} from './lifecycle.js';
import { type LiveStream, type LiveStreamState, liveStreamStates } from './live-stream.js';
import { SecretSet } from './secrets.js';

const stream = (state: LiveStreamState): LiveStream => ({
  id: 's1',
  provider: 'test',
  name: 'S',
  state,
  ingest: [{ protocol: 'rtmp', url: 'rtmp://ingest.test/app/key' }],
  playback: [],
  recording: false,
  raw: { state },
});

const conflict = () =>
  new ConflictError({
    provider: 'test',
    operation: 'start',
    status: 422,
    vendorCode: 'ERR-422-InvalidStateChange',
    message: 'refused',
  });
const unavailable = () =>
  new ProviderUnavailableError({ provider: 'test', operation: 'start', status: 503, message: 'HTTP 503' });

describe('changeLifecycle', () => {
  it("an accepted call whose read shows the opposite call's goal ends in a state the provider declares, with an other warning; an inferred state never hides the read", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<LifecycleOperation>('start', 'stop'),
        fc.subarray([...liveStreamStates]),
        fc.constantFrom('answered', 'inferred', 'unknown', 'whole'),
        async (operation, declared, answer) => {
          const opposite = lifecycleGoals[operation === 'start' ? 'stop' : 'start'];
          const shown = opposite[0] as LiveStreamState;
          const [ends, under] = operation === 'start' ? ['ready', 'starting'] : ['stopped', 'stopping'];
          const states = declared.length === 0 ? undefined : declared;
          const result = await changeLifecycle({
            provider: 'test',
            operation,
            id: 's1',
            send: async () =>
              answer === 'whole'
                ? stream(shown)
                : {
                    state: answer === 'unknown' ? 'unknown' : (ends as LiveStreamState),
                    raw: undefined,
                    ...(answer === 'inferred' ? { inferred: true } : {}),
                  },
            read: async () => stream(shown),
            states,
          });
          // The vendor's own word on the state stands over a read straight after it, which may be a copy.
          if (answer === 'answered') {
            expect(result).toEqual({ ...stream(shown), state: ends });
            return;
          }
          const expected = states === undefined || states.includes(under as LiveStreamState) ? under : ends;
          expect(result.state).toBe(expected);
          expect(result.warnings).toEqual([
            {
              type: 'other',
              message: `test ${operation}: the vendor accepted ${operation}, but the stream read after it was ${shown}: another call changed it since (or the read was a copy from before the change). The result shows the state ${operation} left it in (${expected}); get the stream for its state now.`,
            },
          ]);
        },
      ),
    );
  });

  it('returns the stream when the vendor refuses a call whose goal already holds, and the refusal otherwise', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<LifecycleOperation>('start', 'stop'),
        fc.constantFrom(...liveStreamStates),
        async (operation, state) => {
          const refusal = conflict();
          const outcome = changeLifecycle({
            provider: 'test',
            operation,
            id: 's1',
            send: () => Promise.reject(refusal),
            read: async () => stream(state),
          });
          if (lifecycleGoals[operation].includes(state))
            await expect(outcome).resolves.toEqual(stream(state));
          else await expect(outcome).rejects.toBe(refusal);
        },
      ),
    );
  });

  it('keeps the refusal when the stream cannot be read after it', async () => {
    const refusal = conflict();
    await expect(
      changeLifecycle({
        provider: 'test',
        operation: 'stop',
        id: 's1',
        send: () => Promise.reject(refusal),
        read: () => Promise.reject(unavailable()),
      }),
    ).rejects.toBe(refusal);
  });

  it('lets any other failure of the call through untouched, without reading', async () => {
    const failure = unavailable();
    let reads = 0;
    await expect(
      changeLifecycle({
        provider: 'test',
        operation: 'start',
        id: 's1',
        send: () => Promise.reject(failure),
        read: async () => {
          reads += 1;
          return stream('ready');
        },
      }),
    ).rejects.toBe(failure);
    expect(reads).toBe(0);
  });

  it('reads back after an accepted answer and keeps the answer state, which is newer than a cached read', async () => {
    const result = await changeLifecycle({
      provider: 'test',
      operation: 'start',
      id: 's1',
      send: async () => ({ state: 'starting', raw: { live_stream: { state: 'starting' } } }),
      read: async () => stream('stopped'),
    });
    expect(result).toEqual({ ...stream('stopped'), state: 'starting' });
  });

  it('keeps the read state when the answer names none', async () => {
    const result = await changeLifecycle({
      provider: 'test',
      operation: 'stop',
      id: 's1',
      send: async () => ({ state: 'unknown', raw: {} }),
      read: async () => stream('stopping'),
    });
    expect(result.state).toBe('stopping');
  });

  it('never resolves an accepted call in a state of the opposite call: the state it left, with a warning', async () => {
    // The read after an accepted change may show another call's change (a stop that ended what this start
    // began) or a copy from before it: whatever it shows, the result is in the call's goal or says nothing
    // of the lifecycle (`unknown`, `disabled`, `resetting`).
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<LifecycleOperation>('start', 'stop'),
        fc.constantFrom(...liveStreamStates),
        fc.boolean(),
        async (operation, state, whole) => {
          const result = await changeLifecycle({
            provider: 'test',
            operation,
            id: 's1',
            send: async () => (whole ? stream(state) : { state: 'unknown', raw: {} }),
            read: async () => stream(state),
          });
          const opposite = lifecycleGoals[operation === 'start' ? 'stop' : 'start'];
          if (!opposite.includes(state)) {
            expect(result).toEqual(stream(state));
            return;
          }
          const left = operation === 'start' ? 'starting' : 'stopping';
          expect(result).toEqual({
            ...stream(state),
            state: left,
            warnings: [
              {
                type: 'other',
                message: `test ${operation}: the vendor accepted ${operation}, but the stream read after it was ${state}: another call changed it since (or the read was a copy from before the change). The result shows the state ${operation} left it in (${left}); get the stream for its state now.`,
              },
            ],
          });
        },
      ),
    );
  });

  it('returns a whole stream from the answer without reading', async () => {
    let reads = 0;
    const result = await changeLifecycle({
      provider: 'test',
      operation: 'start',
      id: 's1',
      send: async () => stream('ready'),
      read: async () => {
        reads += 1;
        return stream('stopped');
      },
    });
    expect(result).toEqual(stream('ready'));
    expect(reads).toBe(0);
  });

  it('returns what an accepted answer told, with a read-back-failed warning, when the read-back fails', async () => {
    const answer = { live_stream: { state: 'starting' } };
    const result = await changeLifecycle({
      provider: 'test',
      operation: 'start',
      id: 's1',
      send: async () => ({ state: 'starting', raw: answer }),
      read: () => Promise.reject(unavailable()),
    });
    expect(result).toEqual({
      id: 's1',
      provider: 'test',
      state: 'starting',
      ingest: [],
      playback: [],
      raw: answer,
      warnings: [
        {
          type: 'read-back-failed',
          message:
            "test start: the vendor accepted start (the stream is starting), but reading the stream back failed (HTTP 503); the result holds only what the vendor's answer told. Do not repeat start: get the stream later.",
        },
      ],
    });
  });

  it('ends with AbortError when the caller aborts during the read-back, delivery unknown: the change may hold', async () => {
    // The read's own request may not have gone out (`not-sent`: the signal fired from `onResponse` on the
    // change's answer), but the change did.
    for (const delivery of ['not-sent', 'refused', undefined] as const) {
      const abort = new AbortError({
        provider: 'test',
        operation: 'start',
        message: 'test start was aborted',
        cause: new Error('caller gave up'),
        delivery,
      });
      const error = await changeLifecycle({
        provider: 'test',
        operation: 'start',
        id: 's1',
        send: async () => ({ state: 'starting', raw: {} }),
        read: () => Promise.reject(abort),
      }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(AbortError.isInstance(error), String(delivery)).toBe(true);
      expect(error, String(delivery)).toMatchObject({
        message: 'test start was aborted',
        operation: 'start',
        delivery: 'unknown',
        cause: { message: 'caller gave up' },
        // What exists: the stream started, and the part the vendor accepted.
        streamId: 's1',
        applied: ['start'],
        unknown: [],
        notApplied: [],
      });
    }
  });
});

describe('readBackAfterChange: an abort names the stream and the parts of the change', () => {
  it('is an AbortError with streamId and the parts given (the operation as the step when none), delivery unknown', async () => {
    const part = fc.constantFrom('name', 'restream.0', 'restream.1', 'create', 'end-rtmp-outs');
    await fc.assert(
      fc.asyncProperty(
        fc.option(
          fc.record({
            applied: fc.array(part, { minLength: 1, maxLength: 3 }),
            unknown: fc.array(part, { maxLength: 1 }),
            notApplied: fc.array(part, { maxLength: 2 }),
          }),
          { nil: undefined },
        ),
        fc.constantFrom('not-sent' as const, 'unknown' as const, undefined),
        fc.constantFrom('read' as const, 'wait' as const),
        async (parts, readDelivery, where) => {
          const reason = new Error('caller gave up');
          const error = await readBackAfterChange({
            provider: 'test',
            operation: 'update',
            id: 's1',
            applied: 'the vendor accepted the update',
            parts,
            read: async () => {
              if (where === 'read')
                throw new AbortError({ message: 'x', cause: reason, delivery: readDelivery });
              return stream('ready');
            },
            shows: () => false,
            staleReadMs: 1_000,
            options: {
              runtime: {
                sleep: async () => {
                  throw reason;
                },
              },
            },
          }).then(
            () => undefined,
            (caught: unknown) => caught,
          );
          expect(AbortError.isInstance(error), String(error)).toBe(true);
          const abort = error as AbortError;
          expect({
            message: abort.message,
            delivery: abort.delivery,
            streamId: abort.streamId,
            applied: abort.applied,
            unknown: abort.unknown,
            notApplied: abort.notApplied,
            cause: (abort.cause as Error).message,
            json: Object.keys(abort.toJSON()).filter((key) => key === 'streamId' || key === 'applied'),
          }).toEqual({
            message: 'test update was aborted',
            delivery: 'unknown',
            streamId: 's1',
            applied: parts?.applied ?? ['update'],
            unknown: parts?.unknown ?? [],
            notApplied: parts?.notApplied ?? [],
            cause: 'caller gave up',
            json: ['streamId', 'applied'],
          });
        },
      ),
    );
  });

  it('leaves every other abort without a stream or parts', () => {
    const abort = new AbortError({ provider: 'test', operation: 'get', message: 'test get was aborted' });
    expect([abort.streamId, abort.applied, abort.unknown, abort.notApplied]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(Object.keys(abort.toJSON())).not.toContain('streamId');
    expect(abort.isRetryable).toBe(false);
  });
});

describe('changeLifecycle: an abort met while a refusal is settled', () => {
  // The vendor refused the change: an abort during the read that checks the goal (sent or not), the wait
  // before a second read, or the read of a stream whose refusal named the goal changes nothing the vendor
  // holds. `delivery` is the refusal's: `refused`, or `unknown` when an earlier attempt lost its answer.
  it("says the refusal's delivery, never the read's, wherever it is met", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<LifecycleOperation>('start', 'stop'),
        fc.constantFrom('refused' as const, 'unknown' as const),
        fc.constantFrom('not-sent' as const, 'unknown' as const, undefined),
        fc.constantFrom(
          'first read' as const,
          'wait' as const,
          'second read' as const,
          'named read' as const,
        ),
        async (operation, refusalDelivery, readDelivery, where) => {
          const refusal = new ConflictError({
            provider: 'test',
            operation,
            status: 422,
            message: 'refused',
            delivery: refusalDelivery,
          });
          const reason = new Error('caller gave up');
          const abort = new AbortError({
            provider: 'test',
            operation,
            message: `test ${operation} was aborted`,
            cause: reason,
            delivery: readDelivery,
          });
          // A state the call does not lead to: the stream is read again after the wait.
          const other = operation === 'start' ? 'stopping' : 'starting';
          let reads = 0;
          const error = await changeLifecycle({
            provider: 'test',
            operation,
            id: 's1',
            send: () => Promise.reject(refusal),
            refusedState: where === 'named read' ? () => lifecycleGoals[operation][0] : undefined,
            read: async () => {
              reads += 1;
              if (where === 'first read' || where === 'named read') throw abort;
              if (where === 'second read' && reads === 2) throw abort;
              return stream(other);
            },
            staleReadMs: 1_000,
            options: {
              runtime: {
                sleep: async () => {
                  if (where === 'wait') throw reason;
                },
              },
            },
          }).then(
            () => undefined,
            (caught: unknown) => caught,
          );
          expect(AbortError.isInstance(error), String(error)).toBe(true);
          expect(error).toMatchObject({
            name: 'AbortError',
            message: `test ${operation} was aborted`,
            operation,
            delivery: refusalDelivery,
            cause: { message: 'caller gave up' },
          });
        },
      ),
    );
  });
});

describe('readBackAfterChange', () => {
  it('throws a ChangeAppliedError that is not retryable and keeps the failed step, when nothing whole can be returned', async () => {
    const failure = new NotFoundError({
      provider: 'test',
      operation: 'update',
      status: 404,
      vendorCode: 'gone',
      vendorMessage: 'no such stream',
      message: 'HTTP 404',
    });
    const error = await readBackAfterChange({
      provider: 'test',
      operation: 'update',
      id: 's1',
      applied: 'the vendor accepted the update',
      read: () => Promise.reject(failure),
      secrets: ['s1-secret'],
    }).catch((caught: unknown) => caught);
    expect(ChangeAppliedError.isInstance(error)).toBe(true);
    const applied = error as ChangeAppliedError;
    expect(applied.isRetryable).toBe(false);
    expect(applied.streamId).toBe('s1');
    expect(applied.status).toBe(404);
    expect(applied.vendorCode).toBe('gone');
    expect(applied.message).toBe(
      'test update: the vendor accepted the update, but reading the stream back failed (HTTP 404). The change holds: do not repeat update; get stream s1 later.',
    );
    expect(applied.cause).toBe(failure);
    expect(applied.toJSON()).toMatchObject({
      name: 'ChangeAppliedError',
      streamId: 's1',
      isRetryable: false,
    });
  });

  it("scrubs with the provider's SecretSet as it stands when the read fails, without copying its values", async () => {
    const secrets = new SecretSet();
    for (let index = 0; index < 50; index += 1) secrets.learnStream(`s${index}`, `stream-key-${index}-Qw7Zp`);
    const copies = vi.spyOn(secrets, 'values');
    const error = await readBackAfterChange({
      provider: 'test',
      operation: 'update',
      id: 's1',
      applied: 'the vendor accepted the update',
      read: () => {
        // Learned while the call runs: the error still hides it.
        secrets.learnStream('s1', 'rotated-key-Kd93mQ');
        return Promise.reject(new Error('bad key rotated-key-Kd93mQ after stream-key-7-Qw7Zp'));
      },
      secrets,
    }).catch((caught: unknown) => caught);
    expect(ChangeAppliedError.isInstance(error)).toBe(true);
    expect((error as ChangeAppliedError).message).toBe(
      'test update: the vendor accepted the update, but reading the stream back failed (bad key [REDACTED] after [REDACTED]). The change holds: do not repeat update; get stream s1 later.',
    );
    expect(copies).not.toHaveBeenCalled();
  });

  it('a read-back-failed warning hides the secrets the failed read named, in every form', async () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9_-]{10,30}$/).map((value) => `sk-${value}`);
    await fc.assert(
      fc.asyncProperty(
        secret,
        fc.constantFrom('plain Error', 'TypeError', 'UniliveError without secrets'),
        fc.constantFrom('set', 'list'),
        async (value, thrown, source) => {
          const secrets = new SecretSet();
          secrets.learnStream('s1', value);
          const text = `bad key ${value} (${encodeURIComponent(value)}, ${Buffer.from(value).toString('base64')})`;
          const failure =
            thrown === 'plain Error'
              ? new Error(text)
              : thrown === 'TypeError'
                ? new TypeError(text)
                : new UniliveError({ provider: 'test', operation: 'get', message: text });
          const result = await readBackAfterChange({
            provider: 'test',
            operation: 'update',
            id: 's1',
            applied: 'the vendor accepted the update',
            read: () => Promise.reject(failure),
            accepted: () => stream('ready'),
            secrets: source === 'set' ? secrets : [value],
          });
          const message = result.warnings?.[0]?.message ?? '';
          expect(result.warnings?.[0]?.type).toBe('read-back-failed');
          expect(message).toMatch(
            /^test update: the vendor accepted the update, but reading the stream back failed \(bad key \[REDACTED\]/,
          );
          expect(message).not.toContain(value);
          expect(message).not.toContain(Buffer.from(value).toString('base64').slice(0, 12));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('returns the read when it succeeds', async () => {
    const result = await readBackAfterChange({
      provider: 'test',
      operation: 'create',
      id: 's1',
      applied: 'created',
      read: async () => stream('ready'),
      accepted: () => stream('stopped'),
    });
    expect(result).toEqual(stream('ready'));
  });

  it('appends the read-back-failed warning to warnings the accepted stream already has', async () => {
    const accepted = {
      ...stream('ready'),
      warnings: [{ type: 'unsupported-setting' as const, message: 'x' }],
    };
    const result = await readBackAfterChange({
      provider: 'test',
      operation: 'create',
      id: 's1',
      applied: 'the stream was created',
      read: () => Promise.reject(unavailable()),
      accepted: () => accepted,
    });
    expect(result.warnings?.map((warning) => warning.type)).toEqual([
      'unsupported-setting',
      'read-back-failed',
    ]);
  });
});

describe('reads that answer with another stream', () => {
  // A proxy or cache that served another URL's answer: the read is whole, valid, and about stream s2.
  const other = (state: LiveStreamState): LiveStream => ({ ...stream(state), id: 's2', name: 'Other' });

  it('sameStream passes the stream asked for and refuses any other, naming neither its values nor keys', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9-]{1,24}$/),
        fc.stringMatching(/^[a-z0-9-]{1,24}$/),
        (asked, answered) => {
          const read = { ...stream('ready'), id: answered };
          if (asked === answered) {
            expect(sameStream(read, asked, { provider: 'test', operation: 'get' })).toBe(read);
            return;
          }
          let thrown: unknown;
          try {
            sameStream(read, asked, { provider: 'test', operation: 'get' });
          } catch (error) {
            thrown = error;
          }
          expect(ResponseShapeError.isInstance(thrown)).toBe(true);
          const error = thrown as ResponseShapeError;
          expect(error.issues).toEqual([{ path: 'id', expected: 'the id of the stream asked for' }]);
          expect(error.delivery).toBe('unknown');
          expect(error.message).toBe(
            `test get: the vendor's answer about stream ${asked} is about another stream`,
          );
        },
      ),
    );
  });

  it('a read-back that answers another stream is a failed read: the accepted answer with a warning', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...liveStreamStates), async (state) => {
        const result = await readBackAfterChange({
          provider: 'test',
          operation: 'start',
          id: 's1',
          applied: 'the vendor accepted start',
          read: async () => other(state),
          accepted: () => ({ ...stream('starting'), raw: undefined }),
        });
        expect(result.id).toBe('s1');
        expect(result.name).toBe('S');
        expect(result.warnings).toEqual([
          {
            type: 'read-back-failed',
            message:
              "test start: the vendor accepted start, but reading the stream back failed (test start: the vendor's answer about stream s1 is about another stream); the result holds only what the vendor's answer told. Do not repeat start: get the stream later.",
          },
        ]);
      }),
    );
  });

  it('without an accepted answer it is a ChangeAppliedError naming the stream changed', async () => {
    const outcome = readBackAfterChange({
      provider: 'test',
      operation: 'update',
      id: 's1',
      applied: 'the vendor accepted the update',
      parts: { applied: ['name'] },
      read: async () => other('ready'),
    });
    await expect(outcome).rejects.toSatisfy(
      (error) =>
        ChangeAppliedError.isInstance(error) && error.streamId === 's1' && error.applied?.[0] === 'name',
    );
  });

  it('a second read after staleReadMs that answers another stream leaves the first read', async () => {
    const reads = [stream('stopped'), other('ready')];
    const result = await readBackAfterChange({
      provider: 'test',
      operation: 'update',
      id: 's1',
      applied: 'updated',
      read: async () => reads.shift() ?? stream('ready'),
      shows: (read) => read.state === 'ready',
      staleReadMs: 1_000,
      options: { runtime: { sleep: async () => {} } },
    });
    expect(result).toEqual(stream('stopped'));
  });

  it('a refusal stands when the read that would show the goal holds is about another stream', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<LifecycleOperation>('start', 'stop'),
        fc.constantFrom(...liveStreamStates),
        async (operation, state) => {
          const refusal = conflict();
          await expect(
            changeLifecycle({
              provider: 'test',
              operation,
              id: 's1',
              send: () => Promise.reject(refusal),
              read: async () => other(state),
            }),
          ).rejects.toBe(refusal);
        },
      ),
    );
  });

  it('an accepted lifecycle call whose read-back is about another stream keeps the answer, with a warning', async () => {
    const answer = { live_stream: { state: 'starting' } };
    const result = await changeLifecycle({
      provider: 'test',
      operation: 'start',
      id: 's1',
      send: async () => ({ state: 'starting', raw: answer }),
      read: async () => other('ready'),
    });
    expect(result).toMatchObject({ id: 's1', state: 'starting', ingest: [], raw: answer });
    expect(result.warnings?.map((warning) => warning.type)).toEqual(['read-back-failed']);
  });
});

describe('readBackAfterChange against reads that lag the change', () => {
  // Reads answer the stream as it was for `stale` reads, then as changed; a read may also fail.
  it('reads again after staleReadMs only when a read does not show the change, and returns the newest it got', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        fc.constantFrom(0, 1_100),
        async (stale, secondFails, staleReadMs) => {
          const sleeps: number[] = [];
          let reads = 0;
          const read = async (): Promise<LiveStream> => {
            reads += 1;
            if (reads === 2 && secondFails) throw unavailable();
            return { ...stream('ready'), name: reads > stale ? 'new' : 'old' };
          };
          const result = await readBackAfterChange({
            provider: 'test',
            operation: 'update',
            id: 's1',
            applied: 'the vendor accepted the update',
            read,
            shows: (current) => current.name === 'new',
            staleReadMs,
            options: { runtime: { sleep: async (ms: number) => void sleeps.push(ms) } },
          });
          const again = stale > 0 && staleReadMs > 0;
          expect(reads).toBe(again ? 2 : 1);
          expect(sleeps).toEqual(again ? [staleReadMs] : []);
          const expected = stale === 0 ? 'new' : !again || secondFails ? 'old' : stale >= 2 ? 'old' : 'new';
          expect(result.name).toBe(expected);
        },
      ),
    );
  });

  it('ends in AbortError when the wait for the cache is aborted', async () => {
    const error = await readBackAfterChange({
      provider: 'test',
      operation: 'update',
      id: 's1',
      applied: 'the vendor accepted the update',
      read: async () => stream('ready'),
      shows: () => false,
      staleReadMs: 1_100,
      options: { runtime: { sleep: () => Promise.reject(new Error('aborted')) } },
    }).catch((caught: unknown) => caught);
    expect(AbortError.isInstance(error), String(error)).toBe(true);
  });
});

describe('changeLifecycle against reads that lag the vendor', () => {
  const lifecycle = fc.constantFrom<LifecycleOperation>('start', 'stop');
  const state = fc.constantFrom(...liveStreamStates);

  it('takes the state a refusal names over a read: done when it is the goal, a conflict at once when not', async () => {
    await fc.assert(
      fc.asyncProperty(lifecycle, state, state, async (operation, named, read) => {
        const refusal = conflict();
        let reads = 0;
        const outcome = await changeLifecycle({
          provider: 'test',
          operation,
          id: 's1',
          send: () => Promise.reject(refusal),
          read: async () => {
            reads += 1;
            return stream(read);
          },
          refusedState: (error) => (error === refusal ? named : undefined),
        }).catch((error: unknown) => error);
        if (lifecycleGoals[operation].includes(named)) {
          // A cached read may still show the state from before: the vendor's word wins.
          expect(outcome).toEqual({ ...stream(read), state: named });
          expect(reads).toBe(1);
        } else {
          expect(outcome).toBe(refusal);
          expect(reads).toBe(0);
        }
      }),
    );
  });

  it('returns the named goal with a read-back-failed warning when the stream cannot be read', async () => {
    const result = await changeLifecycle({
      provider: 'test',
      operation: 'stop',
      id: 's1',
      send: () => Promise.reject(conflict()),
      read: () => Promise.reject(unavailable()),
      refusedState: () => 'stopped',
    });
    expect(result.state).toBe('stopped');
    expect(result.warnings?.map((warning) => warning.type)).toEqual(['read-back-failed']);
  });

  it('reads once more after staleReadMs, with the call’s sleep, when the first read shows the state from before', async () => {
    await fc.assert(
      fc.asyncProperty(
        lifecycle,
        state,
        state,
        fc.integer({ min: 1, max: 5_000 }),
        async (operation, first, second, staleMs) => {
          const refusal = conflict();
          const reads = [first, second];
          const sleeps: number[] = [];
          let read = 0;
          const outcome = await changeLifecycle({
            provider: 'test',
            operation,
            id: 's1',
            send: () => Promise.reject(refusal),
            read: async () => stream(reads[read++] ?? 'unknown'),
            staleReadMs: staleMs,
            options: { runtime: { sleep: async (ms) => void sleeps.push(ms) } },
          }).catch((error: unknown) => error);
          const goals = lifecycleGoals[operation];
          if (goals.includes(first)) {
            expect(outcome).toEqual(stream(first));
            expect(sleeps).toEqual([]);
          } else {
            expect(sleeps).toEqual([staleMs]);
            expect(read).toBe(2);
            expect(outcome).toEqual(goals.includes(second) ? stream(second) : refusal);
          }
        },
      ),
    );
  });

  it('reads the stream back when the accepted answer held no state (an empty body, {})', async () => {
    const result = await changeLifecycle({
      provider: 'test',
      operation: 'start',
      id: 's1',
      send: async () => ({ state: 'unknown', raw: undefined }),
      read: async () => stream('starting'),
    });
    expect(result).toEqual(stream('starting'));
  });
});

describe('readBackAfterChange naming the parts of the change', () => {
  it('puts what was applied, what may have been and what was not in the error and its message', async () => {
    const error = await readBackAfterChange({
      provider: 'test',
      operation: 'update',
      id: 's1',
      applied: 'the vendor accepted the rename',
      parts: { applied: ['name'], unknown: ['restream.0'], notApplied: ['restream.1'] },
      read: () => Promise.reject(unavailable()),
    }).catch((caught: unknown) => caught);
    expect(ChangeAppliedError.isInstance(error)).toBe(true);
    const applied = error as ChangeAppliedError;
    expect([applied.applied, applied.unknown, applied.notApplied]).toEqual([
      ['name'],
      ['restream.0'],
      ['restream.1'],
    ]);
    expect(applied.delivery).toBe('unknown');
    expect(applied.message).toContain(
      'Applied: name. Unknown (the answer was lost, the vendor may hold it): restream.0. Not applied: restream.1.',
    );
    expect(applied.toJSON()).toMatchObject({
      applied: ['name'],
      unknown: ['restream.0'],
      notApplied: ['restream.1'],
    });
  });

  it('never says not-sent or refused: part of the call was applied', () => {
    for (const delivery of ['not-sent', 'refused', 'unknown', undefined] as const) {
      const error = new ChangeAppliedError({ message: 'x', streamId: 's1', delivery });
      expect(error.delivery).toBe(delivery === 'unknown' ? 'unknown' : undefined);
      expect([error.applied, error.unknown, error.notApplied]).toEqual([[], [], []]);
    }
  });
});

describe('requestChange', () => {
  const schema = v.looseObject({ live_stream: v.looseObject({ state: v.string() }) });

  function vendor(status: number, body: string | null) {
    const sent: string[] = [];
    const http = createHttpClient({
      provider: 'test',
      baseUrl: 'https://api.vendor.test',
      headers: () => ({}),
      secrets: new SecretSet(),
      retry: { maxRetries: 0 },
      fetch: (async (input: RequestInfo | URL) => {
        sent.push(String(input instanceof Request ? input.url : input));
        return new Response(body, { status, headers: { 'content-type': 'application/json' } });
      }) as typeof fetch,
    });
    return { http, sent };
  }

  const send = (http: ReturnType<typeof vendor>['http']) =>
    requestChange(
      http,
      { operation: 'start', method: 'PUT', path: 'live_streams/s1/start', schema },
      {
        provider: 'test',
      },
    );

  it('reads any 2xx as accepted: what the schema reads is readable, anything else is for a read-back', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(200, 201, 202, 204),
        fc.oneof(
          fc.constant(null),
          fc.constant(''),
          fc.constant('  \n'),
          fc.jsonValue().map((value) => JSON.stringify(value)),
          fc.string().map((state) => JSON.stringify({ live_stream: { state } })),
        ),
        async (status, body) => {
          const { http, sent } = vendor(status, status === 204 ? null : body);
          const answer = await send(http);
          expect(sent).toHaveLength(1);
          expect(answer.status).toBe(status);
          const parsed = status === 204 || body === null ? undefined : safeJson(body);
          const readable = v.safeParse(schema, parsed).success;
          expect(answer.readable).toBe(readable);
          expect(answer.body).toEqual(parsed);
        },
      ),
    );
  });

  it('keeps a 2xx body that is not JSON at all a ResponseShapeError: it may not be the vendor speaking', async () => {
    for (const body of ['<!DOCTYPE html><html><body>Bad Gateway</body></html>', '{"live_stream": {"sta']) {
      const { http } = vendor(200, body);
      const error = await send(http).catch((caught: unknown) => caught);
      expect(ResponseShapeError.isInstance(error), body).toBe(true);
      expect((error as ResponseShapeError).delivery).toBe('unknown');
    }
  });

  it('still fails on a refusal', async () => {
    const { http } = vendor(422, '{"meta":{"code":"ERR-422-InvalidStateChange"}}');
    await expect(send(http)).rejects.toSatisfy((error) => InvalidInputError.isInstance(error));
  });

  it('with an onResponse hook, learns from an answer the schema reads before the event, and from no other', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(''),
          fc.jsonValue().map((value) => JSON.stringify(value)),
          fc.string().map((state) => JSON.stringify({ live_stream: { state } })),
        ),
        async (body) => {
          const { http } = vendor(200, body);
          const seen: string[] = [];
          const answer = await requestChange(
            http,
            {
              operation: 'start',
              method: 'PUT',
              path: 'live_streams/s1/start',
              schema,
              learn: (data, raw) => seen.push(`learn ${data.live_stream.state} ${raw === undefined}`),
              options: { runtime: { hooks: { onResponse: () => seen.push('response') } } },
            },
            { provider: 'test' },
          );
          expect(seen).toEqual(
            answer.readable ? [`learn ${answer.data.live_stream.state} false`, 'response'] : ['response'],
          );
        },
      ),
    );
  });
});

describe('requestChange with a hostile learn', () => {
  const schema = v.looseObject({ live_stream: v.looseObject({ state: v.string() }) });
  type Learn = 'throws' | 'async-rejects' | 'getter-throws' | 'string';

  function withLearn<T extends object>(request: T, kind: Learn): T {
    switch (kind) {
      case 'throws':
        return Object.assign(request, {
          learn: () => {
            throw new Error('mapping failed');
          },
        });
      case 'async-rejects':
        return Object.assign(request, {
          learn: async () => {
            throw new Error('async mapping failed');
          },
        });
      case 'getter-throws':
        return Object.defineProperty(request, 'learn', {
          enumerable: true,
          get() {
            throw new Error('getter throws');
          },
        });
      case 'string':
        return Object.assign(request, { learn: 'learn' });
    }
  }

  it('answers as with no learn and no hook, and leaves no rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<Learn>('throws', 'async-rejects', 'getter-throws', 'string'),
          fc.boolean(),
          fc.oneof(
            fc.constant(''),
            fc.jsonValue().map((value) => JSON.stringify(value)),
            fc.string().map((state) => JSON.stringify({ live_stream: { state } })),
          ),
          async (kind, hooked, body) => {
            const answerOf = async (request: object) => {
              const http = createHttpClient({
                provider: 'test',
                baseUrl: 'https://api.vendor.test',
                headers: () => ({}),
                secrets: new SecretSet(),
                retry: { maxRetries: 0 },
                fetch: (async () =>
                  new Response(body, {
                    status: 200,
                    headers: { 'content-type': 'application/json' },
                  })) as typeof fetch,
              });
              return requestChange(
                http,
                request as Parameters<typeof requestChange<v.InferOutput<typeof schema>>>[1],
                { provider: 'test' },
              ).catch((error: unknown) => ({ failed: error }));
            };
            const plain = {
              operation: 'start',
              method: 'PUT' as const,
              path: 'live_streams/s1/start',
              schema,
            };
            const expected = await answerOf({ ...plain });
            const seen: string[] = [];
            const options = { runtime: { hooks: { onResponse: () => seen.push('response') } } };
            const answer = await answerOf(withLearn({ ...plain, ...(hooked ? { options } : {}) }, kind));
            expect(answer).toEqual(expected);
            expect(seen).toEqual(hooked ? ['response'] : []);
            await new Promise((resolve) => setTimeout(resolve, 0));
            expect(unhandled).toEqual([]);
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
