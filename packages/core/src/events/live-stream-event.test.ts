import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/errors.js';
import { liveStreamStates, warningTypes } from '../live-stream.js';
import { createEventHub } from './event-hub.js';
import { isLiveStreamEvent, liveStreamEventTypes } from './live-stream-event.js';

// What each type guarantees (the union): a `state_changed` says to what; every other field is what every
// event has. The guard must accept exactly the objects that are such an event, so that what the hub and the
// waits take in from code is what the type lets that code read.
const absent = Symbol('absent');
type Maybe<T> = T | typeof absent;

interface Candidate {
  type: string;
  state: Maybe<unknown>;
  broadcasting: Maybe<unknown>;
  data: Maybe<unknown>;
  warnings: Maybe<unknown>;
}

const candidates: fc.Arbitrary<Candidate> = fc.record({
  type: fc.oneof(
    fc.constantFrom(...liveStreamEventTypes),
    fc.constantFrom('live_stream.started', 'state_changed'),
  ),
  state: fc.oneof(
    fc.constant(absent),
    fc.constantFrom(...liveStreamStates),
    fc.constantFrom(undefined, 'Ready', 'live', '', null, 5, { state: 'ready' }),
  ),
  broadcasting: fc.oneof(fc.constant(absent), fc.boolean(), fc.constantFrom(undefined, 'yes', 1, null)),
  data: fc.oneof(fc.constant(absent), fc.constantFrom(undefined, {}, { url: 'x' }, null, [], 'text')),
  // A list of warnings, or what a subscriber's `event.warnings?.forEach(...)` would fail on.
  warnings: fc.oneof(
    fc.constant(absent),
    fc.array(
      fc.record(
        {
          type: fc.oneof(fc.constantFrom(...warningTypes), fc.constantFrom('warning', '', 5)),
          message: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom<unknown>(null, 5)),
          setting: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom<unknown>(3, null)),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
    fc.constantFrom(undefined, 42, 'x', [null], { length: 1 }, [[]], {}),
  ),
});

const build = (candidate: Candidate): Record<string, unknown> => {
  const value: Record<string, unknown> = {
    id: 'e1',
    type: candidate.type,
    provider: 'liveapi',
    streamId: 's1',
    occurredAt: new Date(Date.UTC(2026, 0, 1)),
    raw: {},
  };
  for (const key of ['state', 'broadcasting', 'data', 'warnings'] as const) {
    if (candidate[key] !== absent) value[key] = candidate[key];
  }
  return value;
};

// The rule, spelled out field by field rather than taken from the code.
const isEvent = (candidate: Candidate): boolean => {
  const { type, state, broadcasting, data, warnings } = candidate;
  const told = state !== absent && state !== undefined;
  const knownType = (liveStreamEventTypes as readonly string[]).includes(type);
  const stateOk = !told || (liveStreamStates as readonly unknown[]).includes(state);
  const stateGuaranteed = type !== 'live_stream.state_changed' || told;
  const broadcastingOk =
    broadcasting === absent || broadcasting === undefined || typeof broadcasting === 'boolean';
  const dataOk =
    data === absent ||
    data === undefined ||
    (typeof data === 'object' && data !== null && !Array.isArray(data));
  const warningsOk =
    warnings === absent ||
    warnings === undefined ||
    (Array.isArray(warnings) &&
      warnings.every(
        (warning: unknown) =>
          typeof warning === 'object' &&
          warning !== null &&
          !Array.isArray(warning) &&
          (warningTypes as readonly unknown[]).includes((warning as { type?: unknown }).type) &&
          typeof (warning as { message?: unknown }).message === 'string' &&
          ['undefined', 'string'].includes(typeof (warning as { setting?: unknown }).setting),
      ));
  return knownType && stateOk && stateGuaranteed && broadcastingOk && dataOk && warningsOk;
};

describe('isLiveStreamEvent', () => {
  it('accepts exactly the events each type allows: a state_changed with a known state, any other type with or without one (generated)', () => {
    fc.assert(
      fc.property(candidates, (candidate) => {
        const value = build(candidate);
        expect(isLiveStreamEvent(value), JSON.stringify(value)).toBe(isEvent(candidate));
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses a state_changed without a state, or with one that is none', () => {
    const base = { id: 'e1', provider: 'liveapi', streamId: 's1', occurredAt: new Date(), raw: {} };
    expect(isLiveStreamEvent({ ...base, type: 'live_stream.state_changed', state: 'ready' })).toBe(true);
    expect(isLiveStreamEvent({ ...base, type: 'live_stream.state_changed' })).toBe(false);
    expect(isLiveStreamEvent({ ...base, type: 'live_stream.state_changed', state: undefined })).toBe(false);
    expect(isLiveStreamEvent({ ...base, type: 'live_stream.state_changed', state: 'Ready' })).toBe(false);
    // A state inherited is no event's own: the guard reads own properties only.
    const inherited = Object.assign(Object.create({ state: 'ready' }), {
      ...base,
      type: 'live_stream.state_changed',
    });
    expect(isLiveStreamEvent(inherited)).toBe(false);
    // Other types promise no state and no broadcasting: a connected the API says has no video is an event.
    expect(isLiveStreamEvent({ ...base, type: 'live_stream.connected', broadcasting: false })).toBe(true);
    expect(isLiveStreamEvent({ ...base, type: 'live_stream.connected' })).toBe(true);
    expect(isLiveStreamEvent({ ...base, type: 'live_stream.created' })).toBe(true);
  });

  it('is what the hub refuses: a state_changed without a state is no event to publish (generated)', () => {
    fc.assert(
      fc.property(candidates, (candidate) => {
        const hub = createEventHub();
        const value = build(candidate);
        let outcome: 'published' | 'refused';
        try {
          hub.publish(value as never);
          outcome = 'published';
        } catch (error) {
          expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
          outcome = 'refused';
        }
        expect(outcome, JSON.stringify(value)).toBe(isEvent(candidate) ? 'published' : 'refused');
        hub.close();
      }),
      { numRuns: 300 },
    );
  });
});
