import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// ffmpeg is never run here: spawn records its arguments and stops the push there, so what matters is only
// whether a duration reached ffmpeg's command line at all.
const spawned = vi.hoisted(() => ({ calls: [] as string[][] }));
vi.mock('node:child_process', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:child_process')>()),
  spawn: (_command: string, args: readonly string[]) => {
    spawned.calls.push([...args]);
    throw new Error('spawned');
  },
}));

const { pushDurationSeconds, startPush } = await import('./push.js');

const target = { url: 'rtmp://127.0.0.1:1935/live/key', ffmpegPath: '/nonexistent/ffmpeg' };

beforeEach(() => {
  spawned.calls.length = 0;
});
afterEach(() => {
  spawned.calls.length = 0;
});

describe('startPush durationSeconds', () => {
  it('refuses NaN, infinite, zero, negative, under 1 ms and over 24 h with InvalidInputError naming it, before ffmpeg starts', () => {
    const bad = fc.oneof(
      fc.constantFrom(
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        0,
        -0,
        1e-7,
        86_400.001,
      ),
      fc.double({ max: 0, noNaN: true }),
      fc.double({ min: Number.MIN_VALUE, max: pushDurationSeconds.min, maxExcluded: true, noNaN: true }),
      fc.double({ min: pushDurationSeconds.max, minExcluded: true, noNaN: true }),
    );
    fc.assert(
      fc.property(bad, (durationSeconds) => {
        spawned.calls.length = 0;
        let thrown: unknown;
        try {
          startPush({ ...target, durationSeconds });
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(InvalidInputError);
        const error = thrown as InvalidInputError;
        expect(error.operation).toBe('startPush');
        expect(error.issues).toEqual([
          { path: 'durationSeconds', message: 'expected a number of seconds from 0.001 to 86400' },
        ]);
        expect(error.message).toContain('durationSeconds');
        expect(spawned.calls).toEqual([]);
      }),
    );
  });

  it('passes every length from 1 ms to 24 h to ffmpeg as -t, and none when absent', () => {
    const good = fc.oneof(
      fc.constantFrom(pushDurationSeconds.min, pushDurationSeconds.max, 10),
      fc.double({ min: pushDurationSeconds.min, max: pushDurationSeconds.max, noNaN: true }),
    );
    fc.assert(
      fc.property(good, (durationSeconds) => {
        spawned.calls.length = 0;
        expect(() => startPush({ ...target, durationSeconds })).toThrow('spawned');
        const args = spawned.calls[0] ?? [];
        expect(args[args.indexOf('-t') + 1]).toBe(String(durationSeconds));
        expect(String(durationSeconds)).not.toMatch(/e/i);
      }),
    );
    spawned.calls.length = 0;
    expect(() => startPush(target)).toThrow('spawned');
    expect(spawned.calls[0]).not.toContain('-t');
  });
});
