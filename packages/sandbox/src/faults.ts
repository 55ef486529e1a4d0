import { type Fault, type FaultOperation, faultOperations } from './types.js';

type Checker = (fault: Record<string, unknown>) => string | undefined;

const optionalWhole =
  (field: string, min: number, max: number): Checker =>
  (fault) => {
    const value = fault[field];
    if (value === undefined) return undefined;
    return Number.isInteger(value) && (value as number) >= min && (value as number) <= max
      ? undefined
      : `${field} must be a whole number from ${min} to ${max}`;
  };
const requiredWhole =
  (field: string, min: number, max: number): Checker =>
  (fault) =>
    fault[field] === undefined ? `${field} is required` : optionalWhole(field, min, max)(fault);
const optionalBoolean =
  (field: string): Checker =>
  (fault) =>
    fault[field] === undefined || typeof fault[field] === 'boolean'
      ? undefined
      : `${field} must be true or false`;
const oneOf =
  (field: string, values: readonly number[]): Checker =>
  (fault) =>
    fault[field] === undefined || values.includes(fault[field] as number)
      ? undefined
      : `${field} must be one of ${values.join(', ')}`;
const all =
  (...checkers: Checker[]): Checker =>
  (fault) => {
    for (const check of checkers) {
      const problem = check(fault);
      if (problem) return problem;
    }
    return undefined;
  };

const times = optionalWhole('times', 1, 1_000_000);
const delay = requiredWhole('delayMs', 0, 2_147_483_647);

// One entry per fault type: the type checker fails when a new type is added to `Fault` without one here.
const checkers: Record<Fault['type'], Checker> = {
  unauthorized: times,
  forbidden: times,
  'not-found': times,
  conflict: times,
  'rate-limit': all(times, optionalWhole('retryAfterSeconds', 0, 86_400), optionalBoolean('retryAfterDate')),
  'server-error': all(times, oneOf('status', [500, 502, 503, 504]), optionalBoolean('processed')),
  network: all(times, optionalBoolean('processed')),
  slow: all(times, delay, (fault) =>
    fault.onHold === undefined || typeof fault.onHold === 'function'
      ? undefined
      : 'onHold must be a function (in-process only)',
  ),
  status: all(times, requiredWhole('status', 100, 599), optionalBoolean('processed')),
  html: all(times, optionalWhole('status', 100, 599)),
  'malformed-json': times,
  'empty-body': all(
    times,
    optionalWhole('status', 100, 599),
    optionalBoolean('processed'),
    optionalBoolean('object'),
  ),
  'wrong-shape': times,
  'unknown-enum': times,
  'slow-body': all(times, delay),
  'read-back-fails': all(times, oneOf('status', [500, 502, 503, 504]), optionalWhole('reads', 1, 1_000)),
  paging: all(times, (fault) =>
    ['ignore-page', 'repeat-page', 'shift'].includes(fault.mode as string)
      ? undefined
      : 'mode must be one of ignore-page, repeat-page, shift',
  ),
  'odd-record': all(times, (fault) =>
    fault.id === undefined || (typeof fault.id === 'string' && fault.id.length > 0 && fault.id.length <= 256)
      ? undefined
      : 'id must be a string of 1 to 256 characters',
  ),
};

/** Every fault type the sandbox serves. */
export const faultTypes = Object.keys(checkers) as readonly Fault['type'][];

/**
 * What is wrong with a planned fault, or undefined when the sandbox can serve it: an unknown operation or
 * type, a missing or out-of-range field. The message names what exists.
 */
export function faultProblem(operation: unknown, fault: unknown): string | undefined {
  if (!(faultOperations as readonly unknown[]).includes(operation)) {
    return `unknown fault operation: expected one of ${faultOperations.join(', ')}`;
  }
  if (typeof fault !== 'object' || fault === null || Array.isArray(fault)) {
    return `fault must be an object with a type: one of ${faultTypes.join(', ')}`;
  }
  const record = fault as Record<string, unknown>;
  const checker = Object.hasOwn(checkers, String(record.type))
    ? checkers[record.type as Fault['type']]
    : undefined;
  if (!checker) return `unknown fault type: expected one of ${faultTypes.join(', ')}`;
  const problem = checker(record);
  return problem ? `${String(record.type)} fault: ${problem}` : undefined;
}

/** Narrows a checked operation. */
export function isFaultOperation(value: unknown): value is FaultOperation {
  return (faultOperations as readonly unknown[]).includes(value);
}
