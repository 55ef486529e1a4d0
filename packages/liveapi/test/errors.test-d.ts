// Type tests, checked by `tsc` in this package's typecheck (never run): LiveApiRestreamError's `name` is a
// literal, as every kind's is, so comparing it narrows.
import type { ChangeAppliedError, InvalidInputError } from '@unilive/core';
import type { LiveApiRestreamError } from '../src/index.js';

export function namesNarrow(error: InvalidInputError | LiveApiRestreamError): number {
  if (error.name === 'LiveApiRestreamError') {
    const restream: LiveApiRestreamError = error;
    return restream.targetsAdded;
  }
  const input: InvalidInputError = error;
  return input.issues.length;
}

export function isAChangeAppliedError(error: LiveApiRestreamError): ChangeAppliedError {
  return error;
}
