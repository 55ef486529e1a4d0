import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  ProviderUnavailableError,
  RateLimitError,
  ResponseShapeError,
  TimeoutError,
  UnsupportedOperationError,
} from './errors.js';
import type { Delivery } from './unilive-error.js';

// The classes unilive raises as refusals of its own, before the request that would carry the call out.
const refusals = [InvalidInputError, ConflictError, UnsupportedOperationError] as const;
// Classes that only an answer (or its absence) makes: their delivery is what they are given.
const answered = [
  AuthenticationError,
  NotFoundError,
  RateLimitError,
  ProviderUnavailableError,
  TimeoutError,
  ResponseShapeError,
] as const;

const status = fc.option(fc.constantFrom(400, 404, 409, 422, 423, 429, 500, 503), { nil: undefined });
const delivery = fc.option(fc.constantFrom<Delivery>('not-sent', 'refused', 'unknown'), { nil: undefined });

describe('delivery of a refusal unilive makes itself', () => {
  it('is not-sent without a vendor status, unless given; a vendor status keeps what it is given', () => {
    fc.assert(
      fc.property(fc.constantFrom(...refusals), status, delivery, (Kind, given, sent) => {
        const error = new Kind({
          message: 'refused',
          provider: 'p',
          operation: 'stop',
          ...(given === undefined ? {} : { status: given }),
          ...(sent === undefined ? {} : { delivery: sent }),
        });
        expect(error.delivery).toBe(sent ?? (given === undefined ? 'not-sent' : undefined));
        expect(JSON.parse(JSON.stringify(error)).delivery).toBe(error.delivery);
      }),
    );
  });

  it('is left as given on the classes an answer makes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...answered), status, delivery, (Kind, given, sent) => {
        const error = new Kind({
          message: 'failed',
          ...(given === undefined ? {} : { status: given }),
          ...(sent === undefined ? {} : { delivery: sent }),
        });
        expect(error.delivery).toBe(sent);
      }),
    );
  });
});
