/**
 * What `run` throws or its promise rejects with, for a test to look at: `await rejectionOf(() =>
 * client.get('x'))`. A test of a failure must fail when the call succeeds, so a call that returns (or
 * resolves) throws an `Error` saying so, naming what it returned only by its type (a result may hold a
 * credential). A `run` that throws before returning a promise is caught alike.
 *
 * @param run - the call expected to fail, synchronous or asynchronous.
 * @returns the thrown or rejected value, as it is (`unknown`: narrow it with the error class's `isInstance`).
 * @throws Error when `run` is no function, or returns or resolves instead of failing.
 */
export async function rejectionOf(run: () => unknown): Promise<unknown> {
  if (typeof run !== 'function') throw new TypeError('rejectionOf takes a function that makes the call');
  let result: unknown;
  try {
    result = await run();
  } catch (error) {
    return error;
  }
  throw new Error(
    `expected the call to fail; it ${result === undefined ? 'returned nothing' : `returned a value (${result === null ? 'null' : typeof result})`}`,
  );
}
