import fc from 'fast-check';

// What a clock (a webhook parser's, an event hub's) may answer that is no time: the tests of both hold them to
// one rule, webhookClock's, so they draw the same answers.

/** Any answer of a clock that is no finite number of ms: NaN, ±Infinity, null, undefined, and other types. */
export const notATime: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, null, undefined),
  fc.bigInt(),
  fc.string(),
  fc.object(),
  fc.boolean(),
);
