import {
  type Fault,
  type FaultOperation,
  faultOperations,
  type RouteFaultOperation,
  routeFaultOperations,
} from './types.js';

// Every operation a fault can be planned for: a dialect's calls, then the sandbox's own routes.
const plannedOperations: readonly string[] = [...faultOperations, ...routeFaultOperations];

/** Checks one field of a fault: why its value cannot be served, or undefined. */
type Checker = (value: unknown, field: string) => string | undefined;

const optionalWhole =
  (min: number, max: number): Checker =>
  (value, field) => {
    if (value === undefined) return undefined;
    return Number.isInteger(value) && (value as number) >= min && (value as number) <= max
      ? undefined
      : `${field} must be a whole number from ${min} to ${max}`;
  };
const requiredWhole =
  (min: number, max: number): Checker =>
  (value, field) =>
    value === undefined ? `${field} is required` : optionalWhole(min, max)(value, field);
// A status a fault answers with its body: a final one (200 to 599; a 1xx is no answer, and Node's client
// reads one with a body as a broken connection, or hangs) that may carry a body (204, 205 and 304 may not).
const bodilessStatuses: readonly number[] = [204, 205, 304];
const statusWithBody =
  (required: boolean): Checker =>
  (value, field) => {
    if (value === undefined) return required ? `${field} is required` : undefined;
    return Number.isInteger(value) &&
      (value as number) >= 200 &&
      (value as number) <= 599 &&
      !bodilessStatuses.includes(value as number)
      ? undefined
      : `${field} must be a whole number from 200 to 599 other than 204, 205 and 304 (statuses that carry a body)`;
  };
const optionalBoolean: Checker = (value, field) =>
  value === undefined || typeof value === 'boolean' ? undefined : `${field} must be true or false`;
const oneOf =
  (values: readonly number[]): Checker =>
  (value, field) =>
    value === undefined || values.includes(value as number)
      ? undefined
      : `${field} must be one of ${values.join(', ')}`;

const times = optionalWhole(1, 1_000_000);
const delay = requiredWhole(0, 2_147_483_647);
const processed = optionalBoolean;

// One entry per fault type, naming every field it takes besides `type`: the type checker fails when a new
// type is added to `Fault` without one here, and a field not named here (a misspelt `tims`) is refused,
// never accepted and ignored.
const fields: Record<Fault['type'], Record<string, Checker>> = {
  unauthorized: { times },
  forbidden: { times },
  'not-found': { times },
  conflict: { times },
  'rate-limit': { times, retryAfterSeconds: optionalWhole(0, 86_400), retryAfterDate: optionalBoolean },
  'server-error': { times, status: oneOf([500, 502, 503, 504]), processed },
  network: { times, processed },
  slow: {
    times,
    delayMs: delay,
    onHold: (value) =>
      value === undefined || typeof value === 'function'
        ? undefined
        : 'onHold must be a function (in-process only)',
  },
  status: { times, status: statusWithBody(true), processed },
  html: { times, status: statusWithBody(false) },
  'malformed-json': { times },
  // No body by default: any final status (a 204 included); with `object`, one that may carry it.
  'empty-body': { times, status: optionalWhole(200, 599), processed, object: optionalBoolean },
  'wrong-shape': { times },
  'unknown-enum': { times },
  'slow-body': { times, delayMs: delay },
  'read-back-fails': { times, status: oneOf([500, 502, 503, 504]), reads: optionalWhole(1, 1_000) },
  paging: {
    times,
    mode: (value) =>
      ['ignore-page', 'repeat-page', 'shift'].includes(value as string)
        ? undefined
        : 'mode must be one of ignore-page, repeat-page, shift',
  },
  'odd-record': {
    times,
    id: (value) =>
      value === undefined || (typeof value === 'string' && value.length > 0 && value.length <= 256)
        ? undefined
        : 'id must be a string of 1 to 256 characters',
  },
};

/** Every fault type the sandbox serves. */
export const faultTypes = Object.keys(fields) as readonly Fault['type'][];

/**
 * What is wrong with a planned fault, or undefined when the sandbox can serve it: an unknown operation or
 * type (a text, never a list holding one), a field the type does not take (a misspelt `tims`), a missing or
 * out-of-range field. The message names what exists.
 */
export function faultProblem(operation: unknown, fault: unknown): string | undefined {
  return faultIssue(operation, fault)?.message;
}

/**
 * {@link faultProblem} with the path of the field at fault (`operation`, `fault`, `fault.type`,
 * `fault.tims`), for errors that name it.
 */
export function faultIssue(
  operation: unknown,
  fault: unknown,
): { path: string; message: string } | undefined {
  if (!(plannedOperations as readonly unknown[]).includes(operation)) {
    return {
      path: 'operation',
      message: `unknown fault operation: expected one of ${plannedOperations.join(', ')}`,
    };
  }
  if (typeof fault !== 'object' || fault === null || Array.isArray(fault)) {
    return { path: 'fault', message: `fault must be an object with a type: one of ${faultTypes.join(', ')}` };
  }
  const record = fault as Record<string, unknown>;
  const type = record.type;
  const checkers =
    typeof type === 'string' && Object.hasOwn(fields, type) ? fields[type as Fault['type']] : undefined;
  if (!checkers)
    return { path: 'fault.type', message: `unknown fault type: expected one of ${faultTypes.join(', ')}` };
  for (const key of Object.keys(record)) {
    if (key !== 'type' && !Object.hasOwn(checkers, key)) {
      const known = Object.keys(checkers);
      return {
        path: `fault.${key}`,
        message: `${type} fault: unknown field ${key}: it takes ${known.length > 0 ? `type, ${known.join(', ')}` : 'type only'}`,
      };
    }
  }
  for (const [key, check] of Object.entries(checkers)) {
    const problem = check(record[key], key);
    if (problem) return { path: `fault.${key}`, message: `${type} fault: ${problem}` };
  }
  if (type === 'empty-body' && record.object === true && bodilessStatuses.includes(record.status as number)) {
    return {
      path: 'fault.status',
      message: `empty-body fault: status ${String(record.status)} carries no body, and object asks for {}`,
    };
  }
  return undefined;
}

// The operations served by a route of the sandbox's own beside a dialect's API (not by the dialect's
// `operationOf`): who serves each, and the fault types that make no sense there (a list's, or a read-back of a
// change that the route does not make), refused rather than queued and never served as planned.
const routeOperations: Record<
  RouteFaultOperation,
  { providers: readonly string[]; refusedTypes: readonly Fault['type'][] }
> = {
  'public-key': { providers: ['videosdk'], refusedTypes: ['paging', 'odd-record', 'read-back-fails'] },
};

/**
 * What is wrong with a fault for `provider`'s `operation` that {@link faultIssue} lets pass, or undefined: an
 * operation only some providers serve (`public-key`: videosdk) planned for another, or a fault type the
 * operation's route cannot serve.
 */
export function routeFaultIssue(
  provider: string,
  operation: FaultOperation | RouteFaultOperation,
  fault: Fault,
): { path: string; message: string } | undefined {
  if (!Object.hasOwn(routeOperations, operation)) return undefined;
  const route = routeOperations[operation as RouteFaultOperation];
  if (!route.providers.includes(provider)) {
    return {
      path: 'operation',
      message: `${operation} faults are served by ${route.providers.join(', ')} only: ${provider} has no such route`,
    };
  }
  if (route.refusedTypes.includes(fault.type)) {
    return {
      path: 'fault.type',
      message: `${fault.type} fault: the ${operation} route cannot serve it (it takes none of ${route.refusedTypes.join(', ')})`,
    };
  }
  return undefined;
}

/** Narrows a checked operation. */
export function isFaultOperation(value: unknown): value is FaultOperation {
  return (faultOperations as readonly unknown[]).includes(value);
}
