import { nearestName } from './config/names.js';
import { type InputIssue, InvalidInputError } from './errors/errors.js';
import type { ProviderId } from './live-stream.js';
import { isAbortSignal, plainObjectProblem, platformSignal } from './own.js';

/** One option a function takes: how to tell a valid value, and what to say when it is not one. */
export interface OptionRule {
  check: (value: unknown) => boolean;
  /** What was expected, for the error (`a function`, `an AbortSignal`). */
  expected: string;
  /**
   * Turns a valid value into the one kept (a signal of another realm into a platform one); a throw makes
   * the value invalid, as a failed `check` does.
   */
  adopt?: (value: unknown) => unknown;
}

/** Where the options were given, for the error. */
export interface OptionsPlace {
  provider?: ProviderId | undefined;
  /** The call (`configure`, `waitForState`). */
  operation: string;
  /** How the options are named in messages and issue paths (`options`, `hooks`, `rateLimit`). */
  path: string;
  /**
   * What an unknown name is: `refuse` (the default) makes it an issue naming the nearest valid name;
   * `ignore` leaves it unread (per-call options, which a registry shares with its own); `keep` reads it
   * once, like a known one, and keeps its value unchecked (a configuration's adapter settings, which the
   * adapter's factory checks by name).
   */
  unknown?: 'refuse' | 'ignore' | 'keep';
  /**
   * How an issue names one option: `prefixed` (the default) as `options.timeoutMs`; `bare` as `timeoutMs`,
   * where the function's own later checks name its options that way (the waits).
   */
  keys?: 'prefixed' | 'bare';
}

/**
 * Reads an options object the way every public entry point of core does: its own enumerable properties
 * only (a `hooks` or `rateLimit` left on `Object.prototype` is not the caller's), each read once (a getter
 * that throws, or a Proxy that refuses to list its keys, is a typed error, not a crash), every name known
 * (a misspelling such as `maxConcurency` names the nearest valid one) and every value of the expected
 * type. Returns a copy without a prototype holding the options given; `undefined` gives an empty one.
 * Throws `InvalidInputError` listing every problem, before anything is sent.
 */
export function readOptions<T extends object>(
  value: unknown,
  rules: Readonly<Record<string, OptionRule>>,
  place: OptionsPlace,
): T {
  const copy = Object.create(null) as Record<string, unknown>;
  if (value === undefined) return copy as T;
  const fail = (issues: InputIssue[]): never => {
    throw new InvalidInputError({
      provider: place.provider,
      operation: place.operation,
      message: `${place.provider ? `${place.provider} ` : ''}${place.operation}: invalid ${place.path}: ${issues
        .map((issue) => `${issue.path} (${issue.message})`)
        .join('; ')}`,
      issues,
      delivery: 'not-sent',
    });
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail([{ path: place.path, message: 'expected an object' }]);
  }
  const kind = plainObjectProblem(value);
  if (kind !== undefined) return fail([{ path: place.path, message: kind }]);
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch {
    return fail([{ path: place.path, message: 'its properties could not be listed' }]);
  }
  const known = Object.keys(rules);
  const issues: InputIssue[] = [];
  for (const key of keys) {
    const path = place.keys === 'bare' ? key : `${place.path}.${key}`;
    const rule = Object.hasOwn(rules, key) ? rules[key] : place.unknown === 'keep' ? anyValue : undefined;
    if (!rule) {
      if (place.unknown === 'ignore') continue;
      const nearest = nearestName(key, known);
      issues.push({
        path,
        message: nearest
          ? `unknown option; did you mean "${nearest}"?`
          : `unknown option; expected one of ${known.join(', ')}`,
      });
      continue;
    }
    let option: unknown;
    try {
      option = (value as Record<string, unknown>)[key];
    } catch {
      issues.push({ path, message: unreadable });
      continue;
    }
    if (option === undefined) continue;
    let valid: boolean;
    try {
      valid = rule.check(option);
    } catch {
      // A value whose reads throw (a getter of Symbol.asyncIterator, a Proxy) is none of what is expected.
      valid = false;
    }
    if (!valid) {
      issues.push({ path, message: `expected ${rule.expected}` });
      continue;
    }
    try {
      copy[key] = rule.adopt ? rule.adopt(option) : option;
    } catch {
      issues.push({ path, message: `expected ${rule.expected}` });
    }
  }
  if (issues.length > 0) fail(issues);
  return copy as T;
}

// What a getter or a Proxy that throws makes of an option, in every reader's words (`readSettings` too).
const unreadable = 'could not be read (a getter or a Proxy in it threw)';

// An unknown name kept with `unknown: 'keep'`: read once, checked by whoever takes it.
const anyValue: OptionRule = { check: () => true, expected: 'anything' };

/** Rules for the common option types. */
export const optionRules = {
  function: { check: (value: unknown) => typeof value === 'function', expected: 'a function' },
  object: {
    check: (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value),
    expected: 'an object',
  },
  boolean: { check: (value: unknown) => typeof value === 'boolean', expected: 'true or false' },
  signal: {
    check: isAbortSignal,
    expected: 'an AbortSignal',
    adopt: (value) => platformSignal(value as AbortSignal),
  },
  number: {
    check: (value: unknown) => typeof value === 'number' && Number.isFinite(value),
    expected: 'a finite number',
  },
  string: { check: (value: unknown) => typeof value === 'string', expected: 'a string' },
} as const satisfies Record<string, OptionRule>;

/**
 * The `limit` of a list's `toArray`: a whole number from 0, or `Infinity` (every stream). A `NaN`, a
 * negative or a string would make the collection ignore it and walk every page.
 */
export const limitRule: OptionRule = {
  check: (value) =>
    typeof value === 'number' &&
    value >= 0 &&
    (Number.isInteger(value) || value === Number.POSITIVE_INFINITY),
  expected: 'a whole number from 0',
};

/**
 * The hooks `HttpHooks` has, each a function. Built by a call marked pure, so that a bundle which never
 * reads hooks drops it (a bundler keeps an unused top-level property read: it may run a getter).
 */
export const hookRules = /* @__PURE__ */ (() =>
  ({
    onRequest: optionRules.function,
    onResponse: optionRules.function,
    onRetry: optionRules.function,
    onError: optionRules.function,
    onWarning: optionRules.function,
  }) as const satisfies Record<string, OptionRule>)();
