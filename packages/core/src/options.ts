import { mayBeCredentialName, unknownNameAdvice } from './config/names.js';
import { AbortError, abortedMessage, type InputIssue, InvalidInputError } from './errors/errors.js';
import type { HttpHooks } from './http/hooks.js';
import type { HttpClient } from './http/http-client.js';
import { callTimeoutProblem } from './http/transport-settings.js';
import { callOptionsError, defaultProviderOptionsOn, readStartProviderOptions } from './inputs.js';
import type { ProviderId } from './live-stream.js';
import { clientMethodNames, registryCallNames } from './operation-names.js';
import {
  isAbortSignal,
  isArrayValue,
  isPlainRecord,
  ownValue,
  plainObjectProblem,
  platformSignal,
  unreadableText,
} from './own.js';
import type { CallRuntime, ListOptions } from './provider.js';
import { maskedFailure } from './provider-secrets.js';
import { redactedMarker } from './redaction/marker.js';
import type { Redactor } from './secrets.js';

// Defined beside the input checks, which use it for a start's `providerOptions`; exported here with the
// other option readers.
export { callOptionsError };

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
  /** With `unknown: 'keep'`: the rule every name kept is checked by (default: any value). */
  kept?: OptionRule;
  /**
   * How an issue names one option: `prefixed` (the default) as `options.timeoutMs`; `bare` as `timeoutMs`,
   * for settings and configuration entries, whose own later checks name them that way.
   */
  keys?: 'prefixed' | 'bare';
  /**
   * The names an unknown one is compared with and listed in its issue (default: every name `rules` takes):
   * those of the one call, where `rules` takes the names of several.
   */
  named?: readonly string[];
  /**
   * `refuse`: a symbol key is an issue, as an unknown name is (a configuration's, whose settings are named
   * by text, where one left unread would leave its setting to the environment or the default). Its
   * description is never shown. By default symbol keys are not read.
   */
  symbols?: 'refuse';
  /**
   * Names that belong in another object, each with where (`provider`, given in a configuration loader's
   * options rather than its configuration): an unknown one is told that rather than the nearest name here.
   */
  elsewhere?: Readonly<Record<string, string>>;
}

/** The issue counting the unknown names a refusal leaves out: `and 1 more unknown setting, not listed`. */
export function moreUnknown(count: number, noun: 'setting' | 'name'): string {
  return `and ${count} more unknown ${noun}${count === 1 ? '' : 's'}, not listed`;
}

/**
 * Reads an options object the way every public entry point of core does: its own properties only (a `hooks`
 * or `rateLimit` left on `Object.prototype` is not the caller's), one defined non-enumerable too (it is the
 * caller's all the same, and left unread its option would silently fall back to the default), each read once (a getter
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
  const { options, issues } = readOptionsAndIssues<T>(value, rules, place);
  if (issues.length > 0) {
    throw new InvalidInputError({
      provider: place.provider,
      operation: place.operation,
      message: `${place.provider ? `${place.provider} ` : ''}${place.operation}: invalid ${place.path}: ${issues
        .map((issue) => `${issue.path} (${issue.message})`)
        .join('; ')}`,
      issues,
      delivery: 'not-sent',
    });
  }
  return options;
}

/**
 * {@link readOptions} that hands its problems back instead of throwing them, with the copy of every option
 * that has none: for a call that checks more than its options (a wait's state, its intervals against each
 * other) and names every problem in one error.
 */
export function readOptionsAndIssues<T extends object>(
  value: unknown,
  rules: Readonly<Record<string, OptionRule>>,
  place: OptionsPlace,
): { options: T; issues: InputIssue[] } {
  const copy = Object.create(null) as Record<string, unknown>;
  const issues: InputIssue[] = [];
  const result = { options: copy as T, issues };
  if (value === undefined) return result;
  if (typeof value !== 'object' || value === null || isArrayValue(value)) {
    issues.push({ path: place.path, message: 'expected an object' });
    return result;
  }
  const kind = plainObjectProblem(value);
  if (kind !== undefined) {
    issues.push({ path: place.path, message: kind });
    return result;
  }
  let keys: string[];
  try {
    // Each name's descriptor asked for as `Object.keys` asks (a Proxy whose trap throws is an options object
    // that could not be listed, as before), every own name kept, enumerable or not.
    keys = Object.getOwnPropertyNames(value).filter(
      (key) => Object.getOwnPropertyDescriptor(value, key) !== undefined,
    );
    if (place.symbols === 'refuse' && Object.getOwnPropertySymbols(value).length > 0) {
      issues.push({
        path: place.keys === 'bare' ? '[symbol]' : `${place.path}.[symbol]`,
        message: 'unknown setting (a symbol, whose description is not shown); settings are named by text',
      });
    }
  } catch {
    issues.push({ path: place.path, message: 'its properties could not be listed' });
    return result;
  }
  const known = place.named ?? Object.keys(rules);
  let unknownCount = 0;
  for (const key of keys) {
    // An empty name written as one, not as a path that stops short (`options.`).
    const path = place.keys === 'bare' ? key : `${place.path}.${key === '' ? '""' : key}`;
    const rule = Object.hasOwn(rules, key)
      ? rules[key]
      : place.unknown === 'keep'
        ? (place.kept ?? anyValue)
        : undefined;
    if (!rule) {
      if (place.unknown === 'ignore') continue;
      // A few are named; past that, counted (a broken or hostile file of 100,000 names would otherwise make
      // an error of megabytes, each name weighed against every known one).
      unknownCount += 1;
      if (unknownCount > namedUnknownNames) continue;
      // Configuration is written in files, where a key pasted a line too high is a credential: a name that
      // may be one is not echoed, as a setting's is not (a call's options are masked by the provider's
      // secrets instead, and keep the names a caller may give them).
      if (place.operation === 'configure' && mayBeCredentialName(key)) {
        issues.push({
          path: place.keys === 'bare' ? redactedMarker : `${place.path}.${redactedMarker}`,
          message: `unknown option (its name is not shown: it may be a credential); expected one of ${known.join(', ')}`,
        });
        continue;
      }
      const belongs =
        place.elsewhere !== undefined && Object.hasOwn(place.elsewhere, key)
          ? place.elsewhere[key]
          : undefined;
      issues.push({
        path,
        message: `unknown option; ${belongs ?? unknownNameAdvice(key, known, objectOptions(rules))}`,
      });
      continue;
    }
    let option: unknown;
    try {
      option = (value as Record<string, unknown>)[key];
    } catch {
      issues.push({ path, message: unreadableText });
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
  if (unknownCount > namedUnknownNames) {
    issues.push({
      path: place.path,
      message: moreUnknown(unknownCount - namedUnknownNames, 'name'),
    });
  }
  return result;
}

/**
 * How many unknown names one refusal names, in `readOptions` and `readSettings` alike; the rest are
 * counted in one more issue. @internal
 */
export const namedUnknownNames = 100;

// What a getter or a Proxy that throws makes of an option, in every reader's words (`readSettings` too).

// An unknown name kept with `unknown: 'keep'`: read once, checked by whoever takes it.
const anyValue: OptionRule = { check: () => true, expected: 'anything' };

/** Rules for the common option types. */
export const optionRules = {
  function: { check: (value: unknown) => typeof value === 'function', expected: 'a function' },
  object: {
    check: (value: unknown) => typeof value === 'object' && value !== null && !isArrayValue(value),
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

// The options that hold options (their rule is `optionRules.object`), whose own names are not known here.
function objectOptions(rules: Readonly<Record<string, OptionRule>>): Record<string, undefined> {
  const nested: Record<string, undefined> = {};
  for (const name of Object.keys(rules)) if (rules[name] === optionRules.object) nested[name] = undefined;
  return nested;
}

/**
 * A client's `container` option: a tsyringe `DependencyContainer`, told by the two methods a client calls on
 * it (read by `createLiveStreamClient` and by the configuration loaders alike).
 */
export const containerRule: OptionRule = {
  check: (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { resolve?: unknown }).resolve === 'function' &&
    typeof (value as { isRegistered?: unknown }).isRegistered === 'function',
  expected: 'a tsyringe DependencyContainer',
};

/**
 * The `limit` of a list's `toArray`: a whole number from 0, or `Infinity` (every stream). A `NaN`, a
 * negative or a string would make the collection ignore it and walk every page.
 */
export const limitRule: OptionRule = {
  check: (value) =>
    typeof value === 'number' &&
    value >= 0 &&
    (Number.isInteger(value) || value === Number.POSITIVE_INFINITY),
  expected: 'a whole number from 0, or Infinity (every stream)',
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

// Any number: the HTTP layer checks a call's `timeoutMs` range (callTimeoutProblem).
const anyCallNumber: OptionRule = { check: (value) => typeof value === 'number', expected: 'a number' };

// What every call takes besides its input (RequestOptions); any other name is refused. The waits pass
// only their signal here, having read their own options. A registry reads its calls' options with these
// and its own.
export const callOptionRules: Readonly<Record<string, OptionRule>> = /* @__PURE__ */ (() => ({
  signal: optionRules.signal,
  timeoutMs: anyCallNumber,
}))();

// `list` adds paging (ListOptions); page size and cap are checked as positive integers by `list` itself.
export const listOptionRules: Readonly<Record<string, OptionRule>> = /* @__PURE__ */ (() => ({
  ...callOptionRules,
  pageSize: { check: () => true, expected: 'a positive integer' },
  maxPages: { check: () => true, expected: 'a positive integer' },
  strict: optionRules.boolean,
  name: { check: () => true, expected: 'a non-empty string' },
}))();

// `start` adds the vendor's start settings (StartOptions), checked by checkStartOptions.
export const startOptionRules: Readonly<Record<string, OptionRule>> = /* @__PURE__ */ (() => ({
  ...callOptionRules,
  providerOptions: { check: () => true, expected: 'an object keyed by provider id' },
}))();

/**
 * Every name a provider's call takes in its options (`CallOptions`, `ListOptions`, `StartOptions`): what the
 * HTTP layer reads options with when a provider is called directly, without a client that read them.
 */
export const providerCallOptionRules: Readonly<Record<string, OptionRule>> = /* @__PURE__ */ (() => ({
  ...listOptionRules,
  ...startOptionRules,
  // A runtime the caller made (a test's hooks, a harness's clock) rather than a client: read as the rest
  // are, so a revoked Proxy is refused naming it and a misspelt name beside it is still refused.
  runtime: { check: isPlainRecord, expected: 'an object' },
}))();

/**
 * What is wrong with a list's values, read by {@link listOptionRules}: a page size or page cap that is no
 * positive integer, a `name` that is no non-empty string, a `timeoutMs` the HTTP layer would refuse. The
 * same for every provider, so a registry checks them once, before walking any provider, and a provider
 * called directly refuses exactly what a client does ({@link providerCallOptions}).
 */
export function listOptionIssues(
  options: Pick<ListOptions, 'pageSize' | 'maxPages' | 'timeoutMs' | 'name'>,
): InputIssue[] {
  const positive = (value: unknown) =>
    value === undefined || (Number.isInteger(value) && (value as number) >= 1);
  const issues: InputIssue[] = [];
  if (!positive(options.pageSize))
    issues.push({ path: 'options.pageSize', message: 'expected a positive integer' });
  if (!positive(options.maxPages))
    issues.push({ path: 'options.maxPages', message: 'expected a positive integer' });
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === ''))
    issues.push({ path: 'options.name', message: 'expected a non-empty string' });
  const timeoutProblem = options.timeoutMs === undefined ? undefined : callTimeoutProblem(options.timeoutMs);
  if (timeoutProblem !== undefined) issues.push({ path: 'options.timeoutMs', message: timeoutProblem });
  return issues;
}

// The options objects core itself hands a provider (a client's or a registry's copy of what the caller gave,
// already read and checked): told by identity, so a caller's own object is never taken for one, whatever
// properties it has. Module-private: only core's client adds to it (markClientOptions).
const clientOptions = new WeakSet<object>();

/**
 * Marks options core made for a provider call, read and checked already, so that the provider (and the
 * HTTP layer) hands them on without reading them again. Internal to core: not exported from the package.
 * The object is frozen as it is marked: it is trusted because core checked what it holds, so what it holds
 * cannot change afterwards (a wrapping provider or middleware handed it cannot add a misspelt `timeoutMS` or
 * a `pageSize` of -1 and have a direct call take it unchecked). Frozen, not copied: one `Object.freeze` of
 * a few own properties per call.
 */
export function markClientOptions<T extends object>(options: T): T {
  Object.freeze(options);
  clientOptions.add(options);
  return options;
}

/**
 * Core's copy of a call's options holding the call's deadline (epoch ms, by the runtime's clock), fixed by
 * `totalTimeoutMs` when the provider's operation starts ({@link HttpClient.startCall}). The deadline is a
 * private field: no caller's object can carry one or be taken for one (told by the class's brand, which
 * no Proxy or `Object.create` of it has), and no `toJSON`, spread of the options' names or provider
 * reading them sees it. Frozen as made, with the options' own values copied in; without a prototype, so
 * that nothing on `Object.prototype` is read through it, and a class rather than `Object.create(null)`,
 * which V8 keeps as a dictionary (some 300 bytes more per `get`).
 * @internal
 */
export const CallDeadline: {
  new (deadline: number, options?: object, limitMs?: number): object;
  /** The deadline `options` hold, when they are a CallDeadline; else `undefined`. */
  of(options: unknown): number | undefined;
  /** The `totalTimeoutMs` that fixed the deadline `options` hold, when known; else `undefined`. */
  limitOf(options: unknown): number | undefined;
} = /* @__PURE__ */ (() => {
  class CallDeadline {
    readonly #deadline: number;
    readonly #limitMs: number | undefined;
    constructor(deadline: number, options?: object, limitMs?: number) {
      this.#deadline = deadline;
      this.#limitMs = limitMs;
      if (options !== undefined) Object.assign(this, options);
      Object.freeze(this);
    }
    /** The deadline `options` hold, when they are a CallDeadline; else `undefined`. */
    static of(options: unknown): number | undefined {
      return typeof options === 'object' && options !== null && #deadline in options
        ? (options as CallDeadline).#deadline
        : undefined;
    }
    static limitOf(options: unknown): number | undefined {
      return typeof options === 'object' && options !== null && #deadline in options
        ? (options as CallDeadline).#limitMs
        : undefined;
    }
  }
  Object.setPrototypeOf(CallDeadline.prototype, null);
  delete (CallDeadline.prototype as { constructor?: unknown }).constructor;
  return CallDeadline;
})();

/**
 * The call's deadline core's options hold ({@link CallDeadline}), else `undefined` (a caller's own object,
 * core's options made before the operation started).
 * @internal
 */
export function callDeadlineOf(options: unknown): number | undefined {
  return CallDeadline.of(options);
}

/**
 * The `totalTimeoutMs` that fixed the call's deadline core's options hold ({@link CallDeadline}): what a
 * message names when that deadline ended a request. `undefined` for any other options.
 * @internal
 */
export function callLimitOf(options: unknown): number | undefined {
  return CallDeadline.limitOf(options);
}

/** True for the options core made for a provider call ({@link markClientOptions}). */
export function isClientOptions(options: unknown): boolean {
  return (
    typeof options === 'object' &&
    options !== null &&
    (CallDeadline.of(options) !== undefined || clientOptions.has(options))
  );
}

/**
 * A provider call's options, read the way a client reads them: a client (or a registry) hands its provider
 * its own copy of what the caller gave, told by identity (core alone marks it; an own `runtime` does not
 * make an object one), which is returned as it is; anything else is a provider called directly with the
 * caller's object, read here with {@link readOptions} against every name a call takes
 * ({@link providerCallOptionRules}, a `runtime` the caller made included, as a plain object): own
 * properties of a plain object, each once, every name known. A `list`'s values are checked as a client
 * checks them ({@link listOptionIssues}): a `pageSize` or `maxPages` that is no positive integer, a `name`
 * that is no non-empty string or a `timeoutMs` out of range is refused with the client's own error
 * (issues `options.pageSize`, `options.maxPages`, `options.name`, `options.timeoutMs`). A `start`'s `providerOptions` are read as a client reads them too (core's
 * `readStartProviderOptions`): a plain object keyed by provider id, each entry a plain object, under the
 * provider's own id only when `providerOptionsOn` lists `start`. The HTTP layer does this for every
 * request; an adapter that reads an option itself before its first request (a signal it follows, a list's
 * page size, a start's `providerOptions`) calls it first. `undefined` stays `undefined`. `rules` adds an
 * adapter's own names ({@link providerCallOptionRulesWith}); `providerOptionsOn` is the provider's
 * (`LiveStreamProvider.providerOptionsOn`, default `create` and `update`). Given the provider's `secrets`
 * (its `SecretSet`), a refusal naming an option whose name repeats one of them is masked by them, as a
 * client masks it.
 *
 * @throws InvalidInputError (`delivery: 'not-sent'`) naming the option: a `Map` or class instance, a name
 *   no call takes (`timeoutMS` names `timeoutMs`), an option that cannot be read, a `signal` that is none,
 *   a start's `providerOptions` that a client refuses (`options.providerOptions`, `options.providerOptions.<id>`), a list's value that a
 *   client refuses.
 */
export function providerCallOptions<T extends object>(
  options: T | undefined,
  provider: ProviderId,
  operation: string,
  rules: Readonly<Record<string, OptionRule>> = providerCallOptionRules,
  providerOptionsOn: readonly string[] = defaultProviderOptionsOn,
  secrets?: Redactor,
): T | undefined {
  if (options === undefined || isClientOptions(options)) return options;
  if (secrets === undefined) return readCallOptions(options, provider, operation, rules, providerOptionsOn);
  try {
    return readCallOptions(options, provider, operation, rules, providerOptionsOn);
  } catch (error) {
    // A refusal names the caller's option names: one repeating a credential is masked, as a client masks it.
    throw InvalidInputError.isInstance(error) ? maskedFailure(error, secrets) : error;
  }
}

// The operations a call's requests can serve (a client's and a registry's calls): what a runtime's
// `operation` may name.
const servedOperations: ReadonlySet<string> = /* @__PURE__ */ (() =>
  new Set<string>([...clientMethodNames, ...registryCallNames]))();

// The names of a runtime the caller made (a test's hooks, a harness's clock), each checked as the HTTP layer
// uses it: a clock that is no function failed the call with a bare `TypeError`, a `NaN` deadline ended it at
// once as a timeout naming `timeoutMs`, and hooks or a gate of another shape were passed over in silence.
// The operation it names is one of unilive's, or none: any other text would be repeated as the operation in
// every error and hook event, unmasked, where the caller may have put anything (a credential).
const runtimeRules: Readonly<Record<string, OptionRule>> = /* @__PURE__ */ (() => ({
  hooks: optionRules.object,
  clock: optionRules.function,
  sleep: optionRules.function,
  gate: {
    check: (value: unknown) =>
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { acquire?: unknown }).acquire === 'function' &&
      typeof (value as { pause?: unknown }).pause === 'function',
    expected: 'a request gate (acquire and pause, as createRequestGate makes one)',
  },
  deadline: {
    check: (value: unknown) => typeof value === 'number' && !Number.isNaN(value),
    expected: 'a time in epoch ms by its clock (a number; Infinity for none)',
  },
  operation: {
    check: (value: unknown) => typeof value === 'string' && servedOperations.has(value),
    expected: `one of ${[...servedOperations].join(', ')}`,
  },
}))();

// A runtime the caller made, read by its rules (and its hooks by theirs) into the options read: a refusal
// names `options.runtime.<name>`, before any request.
function readCallerRuntime(read: object, provider: ProviderId, operation: string): void {
  const given = ownValue(read, 'runtime');
  if (given === undefined) return;
  const runtime = readOptions<CallRuntime>(given, runtimeRules, {
    provider,
    operation,
    path: 'options.runtime',
  });
  if (runtime.hooks !== undefined) {
    runtime.hooks = readOptions<HttpHooks>(runtime.hooks, hookRules, {
      provider,
      operation,
      path: 'options.runtime.hooks',
    });
  }
  (read as { runtime?: CallRuntime }).runtime = runtime;
}

function readCallOptions<T extends object>(
  options: T,
  provider: ProviderId,
  operation: string,
  rules: Readonly<Record<string, OptionRule>>,
  providerOptionsOn: readonly string[],
): T | undefined {
  // Every call's names are taken (a call's own requests carry the options of the call they serve: a
  // start's read back, a list's pages), but an unknown name is compared with, and told, the names of this
  // call, as a client tells them.
  const taken =
    operation === 'list' ? listOptionRules : operation === 'start' ? startOptionRules : callOptionRules;
  const named = Object.keys(rules).filter(
    (name) => Object.hasOwn(taken, name) || !Object.hasOwn(providerCallOptionRules, name),
  );
  const read = readOptions<T>(options, rules, { provider, operation, path: 'options', named });
  readCallerRuntime(read, provider, operation);
  // A list's values are refused as a client refuses them, with the same error: a `name: ''` that would
  // answer "no such stream", a `pageSize: 0` sent to the vendor or a `maxPages: -1` ignored.
  if (operation === 'list') {
    const issues = listOptionIssues(read as ListOptions);
    if (issues.length > 0) throw callOptionsError(issues, { provider, operation });
    return read;
  }
  // Only a start takes them; on another call they are the client's to refuse, as `pageSize` on a `get`.
  if (operation !== 'start') return read;
  const given = read as { providerOptions?: unknown };
  if (given.providerOptions !== undefined) {
    given.providerOptions = readStartProviderOptions(given.providerOptions, provider, providerOptionsOn);
  }
  return read;
}

/**
 * What a provider called directly checks of a call's option values before it decides the call without a
 * request (videosdk v1's `stop`, which no v1 stream has): exactly what core's HTTP layer checks of every
 * call before its first request, with the same error, so that such a call refuses the options a call that
 * sends would refuse. Run after {@link providerCallOptions} (which reads the names and types), on what it
 * returned: a client's copy included, whose `timeoutMs` the client took as any number.
 *
 * @throws InvalidInputError (`delivery: 'not-sent'`, message `<provider> <operation>: invalid options:
 *   options.timeoutMs (…)`) with the issue `options.timeoutMs` for a `timeoutMs` that is no number of
 *   milliseconds above 0 and at most 2³¹−1 (`-1`, `0`, `NaN`, `Infinity`), or `options.signal` for a
 *   `signal` that is no `AbortSignal` ({@link callOptionsError}).
 */
export function checkCallOptionValues(options: unknown, provider: ProviderId, operation: string): void {
  refuseCallOptionValues(provider, operation, ownValue(options, 'timeoutMs'), ownValue(options, 'signal'));
}

/**
 * {@link checkCallOptionValues} on values read already (the HTTP layer reads them once per call).
 * @internal
 */
export function refuseCallOptionValues(
  provider: ProviderId | undefined,
  operation: string,
  timeoutMs: unknown,
  signal: unknown,
): void {
  const timeoutProblem = timeoutMs === undefined ? undefined : callTimeoutProblem(timeoutMs);
  if (timeoutProblem !== undefined) throw callOptionError(provider, operation, 'timeoutMs', timeoutProblem);
  if (signal !== undefined && !isAbortSignal(signal))
    throw callOptionError(provider, operation, 'signal', 'expected an AbortSignal');
}

/**
 * The error of a call option's value the HTTP layer refuses: {@link callOptionsError} of the one issue
 * `options.<name>` (`liveapi get: invalid options: options.timeoutMs (expected a number of milliseconds…)`).
 */
export function callOptionError(
  provider: ProviderId | undefined,
  operation: string,
  name: string,
  message: string,
): InvalidInputError {
  return callOptionsError([{ path: `options.${name}`, message }], { provider, operation });
}

/** What {@link abortedReason} answers for options whose signal is not aborted (or that hold none). */
export const notAborted: unique symbol = Symbol('unilive.not-aborted');

// The reason of the call's signal when it is already aborted, else `notAborted`. Read without running
// anything the caller wrote: only a data property `signal` of the options counts (a getter, or a Proxy whose
// trap throws, is left to the options' own check, which reports it), and only a signal as the options'
// check accepts it; a reason whose read throws is replaced, as the HTTP layer replaces it. The client, the
// registry and a provider called directly ({@link refuseAbortedCall}) read a call's signal this way.
export function abortedReason(options: unknown): unknown {
  if (typeof options !== 'object' || options === null) return notAborted;
  try {
    const descriptor = Object.getOwnPropertyDescriptor(options, 'signal');
    if (descriptor === undefined || !('value' in descriptor)) return notAborted;
    const signal: unknown = descriptor.value;
    if (!isAbortSignal(signal) || signal.aborted !== true) return notAborted;
    try {
      return signal.reason;
    } catch {
      return new Error('the abort reason could not be read');
    }
  } catch {
    return notAborted;
  }
}

/**
 * Ends a provider call made directly, without a client, whose `signal` is aborted already: before its id,
 * input and other options are checked and before it decides anything (an operation the vendor does not
 * have), as a client ends it (`docs/decisions/2026-12-01-aborted-signal-first.md`,
 * `docs/decisions/2026-12-01-aborted-first-called-directly.md`). Every adapter calls it first in each
 * operation (`create`, `get`, `list` at its walk's first step, `update`, `delete`, `start`, `stop`,
 * `getStatus`). Options a client handed on (its own frozen copy) pass: the client checked their signal
 * first, and one that fired since is the HTTP layer's, named for the operation the client serves. The signal
 * is read as the client reads it (only a data property `signal` holding a signal): a getter or a value that
 * is no signal is left to the options' check.
 *
 * @throws AbortError (`delivery: 'not-sent'`, message `<provider> <operation> was aborted`, the signal's
 *   reason as `cause`) when the signal is aborted; nothing is sent and no hook event is reported.
 */
export function refuseAbortedCall(options: unknown, provider: ProviderId, operation: string): void {
  const aborted = abortedCallError(options, provider, operation);
  if (aborted !== undefined) throw aborted;
}

/**
 * Starts one neutral call of a provider: ends it when its `signal` is aborted already
 * ({@link refuseAbortedCall}), then fixes the call's deadline, `now + totalTimeoutMs` of the adapter's
 * HTTP client (or a runtime `deadline` already given, when it comes first), and returns the options that
 * carry it ({@link HttpClient.startCall}): every request of the call made with them ends by that deadline,
 * so `totalTimeoutMs` bounds the whole call, however many requests it makes. Every adapter calls it first
 * in each operation, where a client's call and a direct call both pass, and hands the options it returns
 * to every request of the call (`list`: at each page, each `next()` its own deadline). Options that hold a
 * deadline no later than this one already (a call made inside another) come back as they are.
 * `docs/decisions/2026-12-03-total-timeout-per-call.md`.
 *
 * @throws AbortError as {@link refuseAbortedCall} does; nothing else (options the call's first request
 *   would refuse are returned unchanged, for it to refuse).
 */
export function startCall<O extends object | undefined>(
  options: O,
  provider: ProviderId,
  operation: string,
  http: Pick<HttpClient, 'startCall'>,
): O {
  refuseAbortedCall(options, provider, operation);
  return http.startCall === undefined ? options : http.startCall(options, operation);
}

/**
 * A call's options with `signal` in place of their own, for one request of the call that must end apart from
 * the others (videosdk v2 aborts its egress read when the room read fails): everything else they hold is
 * kept, the call's deadline ({@link startCall}) included, and options core made stay core's, so the request
 * neither reads them again nor loses the deadline, which a spread (`{ ...options, signal }`) would drop.
 * Options of the caller's own (a provider called directly without {@link startCall}) come back as a plain
 * copy with the signal, for the request to read as it reads any caller's.
 */
export function withCallSignal<O extends object | undefined>(options: O, signal: AbortSignal): object {
  const deadline = CallDeadline.of(options);
  if (deadline !== undefined)
    return new CallDeadline(deadline, { ...(options as object), signal }, CallDeadline.limitOf(options));
  if (options === undefined) return markClientOptions({ signal });
  return isClientOptions(options)
    ? markClientOptions({ ...(options as object), signal })
    : { ...(options as object), signal };
}

/**
 * The error {@link refuseAbortedCall} throws, or `undefined` when the call goes on: for an operation that
 * returns its promise without being `async` (`get(id) { return read(id) }`), which must reject rather than
 * throw.
 */
export function abortedCallError(
  options: unknown,
  provider: ProviderId,
  operation: string,
): AbortError | undefined {
  return isClientOptions(options) ? undefined : abortedSignalError(options, provider, operation);
}

/**
 * The `AbortError` (`delivery: 'not-sent'`, the signal's reason as `cause`) of a call whose options' signal
 * has aborted, read by core's one rule for a call's signal ({@link abortedReason}); `undefined` while it has
 * not. Whoever checked before (a client, for its call) is not asked: a change queued behind another one
 * asks again when its turn comes.
 */
export function abortedSignalError(
  options: unknown,
  provider: ProviderId,
  operation: string,
): AbortError | undefined {
  const reason = abortedReason(options);
  if (reason === notAborted) return undefined;
  return new AbortError({
    provider,
    operation,
    message: abortedMessage(provider, operation),
    cause: reason,
    delivery: 'not-sent',
  });
}

/**
 * {@link providerCallOptionRules} with an adapter's own per-call option names (wowza-video's list
 * `details`), their values checked by the adapter.
 */
export function providerCallOptionRulesWith(names: readonly string[]): Readonly<Record<string, OptionRule>> {
  if (names.length === 0) return providerCallOptionRules;
  const rules: Record<string, OptionRule> = { ...providerCallOptionRules };
  for (const name of names) rules[name] ??= { check: () => true, expected: 'anything' };
  return rules;
}
