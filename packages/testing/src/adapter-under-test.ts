import { markBuiltInProvider } from '@unilive/core';

/**
 * Marks the provider a contract suite tests as one of unilive's own adapters (`markBuiltInProvider`), and
 * returns it: a client then hands its answers on as they are and waits for its calls, as it does for the
 * built-in adapters, so the suite holds the provider itself to their standard (its answers' shapes, and
 * whether it honours the caller's signal), rather than what a client makes of any other provider (checked
 * copies, calls bounded by the signal). `undefined` (a harness that gives a client) is passed through.
 */
export function markAdapterUnderTest<P extends object | undefined>(provider: P): P {
  if (provider !== undefined) markBuiltInProvider(provider);
  return provider;
}
