import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/errors.js';
import { createEventHub } from './event-hub.js';
import { clockAnswerProblem, eventTimeUsable } from './event-time.js';
import type { LiveStreamEvent } from './live-stream-event.js';

describe('clockAnswerProblem', () => {
  it('names what a clock answered by its kind, with the right article, and never its value', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true }), (answer) => {
        fc.pre(!(typeof answer === 'number' && Number.isFinite(answer)));
        const problem = clockAnswerProblem(answer);
        const got = /\(got (.*)\)$/.exec(problem ?? '')?.[1];
        if (typeof answer === 'number') expect(got).toBe(String(answer));
        else if (answer === undefined || answer === null) expect(got).toBe(String(answer));
        else if (typeof answer === 'object') expect(got).toBe('an object');
        else expect(got).toBe(`a ${typeof answer}`);
      }),
    );
    expect(clockAnswerProblem(new Date())).toBe(
      'must return a finite number of ms since the epoch (got an object)',
    );
    expect(clockAnswerProblem(5)).toBeUndefined();
  });
});

describe('clockAnswerProblem: a finite number no Date holds', () => {
  it('is refused exactly when new Date() of it would be an Invalid Date (generated)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (answer) => {
        const invalid = Number.isNaN(new Date(answer).getTime()) || Math.abs(answer) > 8.64e15;
        expect(clockAnswerProblem(answer) !== undefined).toBe(invalid);
      }),
      { examples: [[8.64e15], [-8.64e15], [8.64e15 + 1], [-9e15], [9e15], [0], [-1]] },
    );
  });

  it('dates no event beyond what a Date holds, whatever time it names (generated)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 8.6e15, max: 8.64e15, noNaN: true }),
        fc.double({ noNaN: true }),
        (receipt, ms) => {
          if (eventTimeUsable(ms, receipt)) expect(Number.isNaN(new Date(ms).getTime())).toBe(false);
        },
      ),
      {
        examples: [
          [8.64e15, 8.64e15 + 1],
          [8.64e15, 8.64e15 + 86_400_000],
        ],
      },
    );
  });
});

describe('an event hub clock answering a number no Date holds', () => {
  it('makes publish an InvalidInputError naming clock, never an Invalid Date occurredAt (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.double({ min: 8.64e15 + 1, noNaN: true, noDefaultInfinity: true }),
          fc.double({ max: -8.64e15 - 1, noNaN: true, noDefaultInfinity: true }),
        ),
        async (answer) => {
          const hub = createEventHub({ clock: () => answer });
          const event: LiveStreamEvent = {
            id: 'e1',
            type: 'live_stream.updated',
            provider: 'liveapi',
            streamId: 's1',
            // Dated 1990: the hub would date it by its clock.
            occurredAt: new Date(Date.UTC(1990, 0, 1)),
            data: {},
            raw: {},
          };
          let caught: unknown;
          try {
            hub.publish([event]);
          } catch (error) {
            caught = error;
          }
          expect(InvalidInputError.isInstance(caught)).toBe(true);
          expect(caught).toMatchObject({ issues: [{ path: 'clock' }] });
          hub.close();
        },
      ),
      { examples: [[9e15], [-9e15], [8.64e15 + 1]] },
    );
  });
});
