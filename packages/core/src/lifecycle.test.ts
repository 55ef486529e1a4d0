import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  ChangeAppliedError,
  ConflictError,
  NotFoundError,
  ProviderUnavailableError,
} from './errors/errors.js';
import {
  changeLifecycle,
  type LifecycleOperation,
  lifecycleGoals,
  readBackAfterChange,
} from './lifecycle.js';
import { type LiveStream, type LiveStreamState, liveStreamStates } from './live-stream.js';

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

  it('ends with AbortError when the caller aborts during the read-back', async () => {
    const abort = new AbortError({ provider: 'test', operation: 'start', message: 'aborted' });
    await expect(
      changeLifecycle({
        provider: 'test',
        operation: 'start',
        id: 's1',
        send: async () => ({ state: 'starting', raw: {} }),
        read: () => Promise.reject(abort),
      }),
    ).rejects.toBe(abort);
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
