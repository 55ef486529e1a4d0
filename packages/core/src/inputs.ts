import * as v from 'valibot';
import { builtInProviderIds, nearestName } from './config/names.js';
import { type InputIssue, InvalidInputError } from './errors/errors.js';
import { ingestProtocols, type ProviderId, type RestreamTargetInput, type Warning } from './live-stream.js';
import {
  dateOfAnyRealm,
  isArrayValue,
  isPlainRecord,
  ownValue,
  plainObjectProblem,
  unreadableText,
} from './own.js';
import type { CreateLiveStreamInput, UpdateLiveStreamInput } from './provider.js';
import { maskedFailure } from './provider-secrets.js';
import { minimumSecretLength } from './redaction/forms.js';
import { isCredentialName } from './redaction/patterns.js';
import {
  repeatedRestreamTargets,
  restreamTargetKey,
  restreamUrlSchema,
  streamKeySchema,
} from './restream.js';
import { combinedRedactor, knownValuesRedactor, type Redactor } from './secrets.js';
import {
  codePointLength,
  hasBidiControl,
  hasControlCharacter,
  hasHiddenTagText,
  isInvisible,
  isWellFormed,
} from './text.js';

// Every schema below is built by a call marked pure, so that a bundle which never checks an input (one that
// reads webhooks, say) drops it: a bundler keeps an unused top-level call it cannot prove free of effects.
const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The longest name any built-in provider accepts, in code points (what the vendors count: characters, not
 * what a reader sees as one): an emoji of one code point counts 1, a flag 2, a family emoji up to 7.
 */
export const maxNameLength = 200;

/** The refusal of a name past {@link maxNameLength}: the unit, and the count given (never the name). */
export function nameTooLongMessage(length: number): string {
  return `expected at most ${maxNameLength} code points (an emoji of one code point counts 1, a flag 2, a family emoji up to 7); this name has ${length}`;
}

// Each rule skips what an earlier one already reported, so a name gets one clear message.
const nameSchema = /* @__PURE__ */ (() =>
  v.pipe(
    v.string('expected a string'),
    v.check((name) => name.trim().length > 0, 'expected a non-empty name'),
    v.check(
      (name) => name.trim().length === 0 || !isInvisible(name),
      'expected visible characters, not only invisible ones (zero-width or format characters)',
    ),
    v.check(
      (name) => codePointLength(name) <= maxNameLength,
      (issue) => nameTooLongMessage(codePointLength(String(issue.input))),
    ),
    v.check(isWellFormed, 'expected well-formed text (a lone surrogate cannot be sent as UTF-8)'),
    v.check((name) => !hasControlCharacter(name), 'expected no control characters'),
    v.check(
      (name) => !hasBidiControl(name),
      'expected no bidirectional embedding, override or isolate characters (U+202A–U+202E, U+2066–U+2069)',
    ),
    v.check(
      (name) => !hasHiddenTagText(name),
      'expected no tag characters (U+E0000–U+E007F) outside an emoji flag: they hide text from a reader',
    ),
  ))();

// A Map or a class instance passes valibot's record as an object with no entries (or only its own
// fields): its entries and getters would be taken for no options; an object made from another
// (`Object.create(defaults)`) has its fields read through its prototype by valibot's object schemas, which
// read `value[key]`. Refused naming its kind, as settings are, on the value as given (the schema's output is
// a plain copy). An array passes valibot's record as an object keyed `0`, `1`…: refused as `array`
// says (`[]` would be taken for no options, `[x]` for options under a provider named `0`).
function plainObject(array?: string) {
  return v.rawCheck<unknown>(({ dataset, addIssue }) => {
    const value = dataset.value;
    if (typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      if (array !== undefined) addIssue({ message: array });
      return;
    }
    const problem = plainObjectProblem(value);
    if (problem !== undefined) addIssue({ message: problem });
  });
}

const providerOptionsSchema = /* @__PURE__ */ (() =>
  v.pipe(
    v.unknown(),
    plainObject('expected an object keyed by provider id, not an array'),
    v.record(
      v.string(),
      // An id given `undefined` is an id left out, as every other optional field given `undefined` is (and
      // as the types allow: a start's entry for an adapter that takes none is typed `never`).
      v.optional(
        v.pipe(
          v.unknown(),
          plainObject('expected an object of options, not an array'),
          v.record(v.string(), v.unknown(), 'expected an object of options'),
        ),
      ),
      'expected an object keyed by provider id',
    ),
    v.check(
      (options) => !hasForbiddenKey(options),
      'expected no "__proto__", "constructor" or "prototype" keys',
    ),
  ))();

/**
 * A date setting the vendor takes as text of its own format: a `Date` (of any realm: a vm context's or an
 * iframe's is handed on as this realm's `Date` of the same instant) or a string, handed to `format`, which
 * gives the text to send or `undefined` when the value is no date it can read. Anything else, or a value
 * `format` cannot read, is one issue with the message `expected` (what the setting takes).
 */
export function vendorDateInput(format: (value: Date | string) => string | undefined, expected: string) {
  return v.pipe(
    v.custom<Date | string>(
      (value) => typeof value === 'string' || dateOfAnyRealm(value) !== undefined,
      expected,
    ),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const given =
        typeof dataset.value === 'string' ? dataset.value : (dateOfAnyRealm(dataset.value) as Date);
      const sent = format(given);
      if (sent === undefined) {
        addIssue({ message: expected });
        return NEVER;
      }
      return sent;
    }),
  );
}

/**
 * The valibot schema of a `restream` list as every neutral input takes it: at most 20 `{ url, streamKey }`
 * targets, `rtmp://` or `rtmps://` URLs, each once (a second target with the same url and stream key is an
 * issue at its own index; see {@link repeatedRestreamTargets}). For an adapter that takes targets elsewhere (videosdk v2's start
 * options), so they are checked exactly as on create.
 */
export const restreamTargetsInputSchema = /* @__PURE__ */ (() =>
  v.pipe(
    v.array(
      v.pipe(
        v.unknown(),
        plainObject(),
        v.strictObject(
          {
            url: restreamUrlSchema,
            streamKey: streamKeySchema,
            // What a stream's own `restream` reports beside them (RestreamTarget), taken so that the list a
            // `get` returned can be given back (`[...stream.restream, added]`): the vendor's state, never sent.
            id: v.optional(
              v.string("expected a string (the vendor's id of the target, as a get returned it)"),
            ),
            broadcasting: v.optional(v.boolean('expected a boolean (as a get returned it)')),
            // Every target unilive adds is switched on, on every vendor: a target asked for switched off
            // could only be added on, silently, so it is refused, naming what to do.
            enabled: v.optional(
              v.literal(
                true,
                'expected true or nothing: unilive adds every restream target switched on and switches none off; leave out a target that should receive nothing, or give this one without enabled to keep it as it is',
              ),
            ),
          },
          'expected a restream target: an object with url and streamKey (and id, enabled, broadcasting as a get returned them)',
        ),
      ),
      'expected an array',
    ),
    v.maxLength(20, 'expected at most 20 targets'),
    // A target named twice is refused at its later place (`restream.3`), naming the earlier by its index
    // only: the key is a credential and the url may carry one.
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      for (const { index, first } of repeatedRestreamTargets(dataset.value)) {
        addIssue({
          message: `expected each target once: it repeats the url and stream key of target ${first}`,
          path: [
            { type: 'array', origin: 'value', input: dataset.value, key: index, value: dataset.value[index] },
          ],
        });
      }
    }),
    // Only what a vendor is sent goes on: the read-back fields stop here. Last, so that a target refused
    // leaves the list typed for the check of repeats above (a transformation stops a pipe with issues).
    // The scheme is sent in lower case (`RTMP://` names `rtmp://`, and a vendor comparing it as text refused it
    // after the stream was made); the rest of the URL as given.
    // A destination given back twice as two records of the stream (see repeatedRestreamTargets) is one
    // target: sent once on a create, and kept (both records) on an update.
    v.transform((targets): RestreamTargetInput[] => {
      const seen = new Set<string>();
      const sent: RestreamTargetInput[] = [];
      for (const { url, streamKey } of targets) {
        const key = restreamTargetKey({ url, streamKey });
        if (seen.has(key)) continue;
        seen.add(key);
        sent.push({ url: lowerCaseScheme(url), streamKey });
      }
      return sent;
    }),
  ))();

// `url` with its scheme (before `://`) in lower case.
function lowerCaseScheme(url: string): string {
  const schemeEnd = url.indexOf('://');
  return schemeEnd > 0 ? `${url.slice(0, schemeEnd).toLowerCase()}${url.slice(schemeEnd)}` : url;
}

const createFields = /* @__PURE__ */ (() => ({
  name: nameSchema,
  recording: v.optional(v.boolean('expected a boolean')),
  ingestProtocol: v.optional(v.picklist(ingestProtocols, `expected one of ${ingestProtocols.join(', ')}`)),
  region: v.optional(
    v.pipe(
      v.string('expected a string'),
      v.regex(/^[a-z0-9_-]{1,64}$/i, 'expected a region id of letters, digits, "_" or "-"'),
    ),
  ),
  lowLatency: v.optional(v.boolean('expected a boolean')),
  restream: v.optional(restreamTargetsInputSchema),
  providerOptions: v.optional(providerOptionsSchema),
}))();

const createShape = 'expected an object with at least `name`, such as { name: "Launch" }';
const updateShape = 'expected an object with at least one field to change, such as { name: "New name" }';

/** The valibot schema of {@link CreateLiveStreamInput}. Unknown fields are rejected, so typos surface. */
export const createLiveStreamInputSchema = /* @__PURE__ */ (() =>
  v.strictObject(createFields, createShape))();

const updateFields = /* @__PURE__ */ (() => {
  const { ingestProtocol: _ingestProtocol, ...fields } = createFields;
  return fields;
})();

/** The valibot schema of {@link UpdateLiveStreamInput}: at least one field. */
export const updateLiveStreamInputSchema = /* @__PURE__ */ (() =>
  v.pipe(
    v.strictObject({ ...updateFields, name: v.optional(nameSchema) }, updateShape),
    v.check(
      (patch) => Object.values(patch).some((value) => value !== undefined),
      'expected at least one field to change',
    ),
  ))();

function hasForbiddenKey(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null || depth > 8) return false;
  return Object.keys(value).some(
    (key) => forbiddenKeys.has(key) || hasForbiddenKey((value as Record<string, unknown>)[key], depth + 1),
  );
}

// Arrays longer than this are left as given: no field takes that many items, so validation refuses them.
const maxCopiedItems = 1_000;

/**
 * A copy of `value` made of its own enumerable properties only, plain objects becoming objects without a
 * prototype: a property someone set on `Object.prototype` (`recording`, say) is neither read by validation
 * nor seen by an adapter reading a field the caller left out. Dates and other class instances are kept as
 * they are. With `everyName`, a property defined non-enumerable is copied too (a setting's, such as a
 * `retry` object's `maxRetries`, which left out would silently fall back to its default).
 */
export function ownData(value: unknown, depth = 0, everyName = false): unknown {
  if (typeof value !== 'object' || value === null || depth > 32) return value;
  if (Array.isArray(value)) {
    if (value.length > maxCopiedItems) return value;
    const items: unknown[] = [];
    for (let index = 0; index < value.length; index += 1) {
      items.push(Object.hasOwn(value, index) ? ownData(value[index], depth + 1, everyName) : undefined);
    }
    return items;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = Object.create(null);
  for (const key of everyName ? Object.getOwnPropertyNames(value) : Object.keys(value))
    copy[key] = ownData((value as Record<string, unknown>)[key], depth + 1, everyName);
  return copy;
}

// Thrown by `namedOwnData` where a read throws: the path, below the value read, of what could not be read.
class UnreadableAt {
  constructor(readonly path: readonly (string | number)[]) {}
}

// The path of a read that threw under `key`, for the copy one level up.
function unreadableBelow(key: string | number, error: unknown): UnreadableAt {
  return new UnreadableAt(error instanceof UnreadableAt ? [key, ...error.path] : [key]);
}

// `ownData`, naming what could not be read: a getter or a Proxy trap that throws under a property is an
// UnreadableAt carrying that property's path, so that an input's error names `providerOptions.liveapi` or
// `restream.0.streamKey` rather than the whole input. The same copy otherwise (a try costs nothing until
// something throws); kept apart from `ownData`, which every vendor answer goes through.
function namedOwnData(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > 32) return value;
  if (Array.isArray(value)) {
    if (value.length > maxCopiedItems) return value;
    const items: unknown[] = [];
    for (let index = 0; index < value.length; index += 1) {
      let item: unknown;
      try {
        item = Object.hasOwn(value, index) ? namedOwnData(value[index], depth + 1) : undefined;
      } catch (error) {
        throw unreadableBelow(index, error);
      }
      items.push(item);
    }
    return items;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value)) {
    try {
      copy[key] = namedOwnData((value as Record<string, unknown>)[key], depth + 1);
    } catch (error) {
      throw unreadableBelow(key, error);
    }
  }
  return copy;
}

/** What {@link safeParseOwn} returns. */
export type OwnParseResult<T> =
  | { success: true; output: T }
  | {
      success: false;
      issues: readonly v.BaseIssue<unknown>[];
      /** What valibot read of the value before it found the issues (absent when nothing could be read). */
      partial?: unknown;
    };

/**
 * `v.safeParse` on a hardened schema (see {@link hardenSchema}) that never throws and always ends: valibot's
 * own working objects are plain, so a polluted `Object.prototype.issues` could make it throw, report
 * nonsense or loop for ever; while one is there nothing is parsed, and the result is a failure whose one
 * issue names it. Otherwise, whatever valibot does, the result is a success with its output or a failure
 * with a list of issue objects (one naming the whole value when valibot gave none that can be read).
 */
export function safeParseOwn<T>(schema: v.GenericSchema<unknown, T>, value: unknown): OwnParseResult<T> {
  // valibot reads `issues` off its working objects through their prototype, and an object or array schema
  // appends each nested result's issues to its own: with an array on Object.prototype.issues, both are that
  // one array, and the loop appends to the array it walks without end (one core at 100 %, memory growing,
  // no timer ever firing again). Not parsed then: one own-property lookup per parse.
  if (Object.hasOwn(Object.prototype, 'issues')) return { success: false, issues: [pollutedIssue] };
  try {
    const result = v.safeParse(hardenSchema(schema), value);
    if (result.success === true && Object.hasOwn(result, 'output'))
      return { success: true, output: result.output };
    const issues = Array.isArray(result.issues)
      ? result.issues.filter(
          (issue): issue is v.BaseIssue<unknown> => typeof issue === 'object' && issue !== null,
        )
      : [];
    if (issues.length > 0)
      return Object.hasOwn(result, 'output')
        ? { success: false, issues, partial: result.output }
        : { success: false, issues };
  } catch {
    // Below: the value could not be read.
  }
  return { success: false, issues: [unreadable] };
}

/**
 * `v.parse` as {@link safeParseOwn} reads: the output, or valibot's `ValiError` listing the issues (the one
 * naming a polluted `Object.prototype.issues` included). For a reader whose failure is thrown, as
 * `v.parse` throws it.
 */
export function parseOwn<T>(schema: v.GenericSchema<unknown, T>, value: unknown): T {
  const result = safeParseOwn(schema, value);
  if (result.success) return result.output;
  throw new v.ValiError(result.issues as [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]);
}

const unreadable = {
  kind: 'schema',
  type: 'unknown',
  input: undefined,
  expected: 'a value unilive could read',
  received: 'unknown',
  message: 'could not be read',
} as v.BaseIssue<unknown>;

// `path` own (and empty), so that reading it never reaches Object.prototype either.
const pollutedIssue = {
  kind: 'schema',
  type: 'unknown',
  input: undefined,
  expected: 'no "issues" on Object.prototype',
  received: 'unknown',
  message:
    'could not be checked: Object.prototype carries "issues", set by code in this process (a polluted prototype)',
  path: undefined,
} as v.BaseIssue<unknown>;

const hardened = new WeakSet<object>();

/**
 * Makes a valibot schema immune to a polluted `Object.prototype`: valibot walks an object schema's
 * `entries` with `for…in`, so a property set on `Object.prototype` (`recording`) would count as a field of
 * every object schema and be reported missing, or read. Each `entries` becomes an object without a
 * prototype, in place (the schema means the same); nested schemas are hardened too. Returns the schema.
 */
export function hardenSchema<T extends object>(schema: T): T {
  visitSchema(schema, 0);
  return schema;
}

function visitSchema(node: unknown, depth: number): void {
  if (typeof node !== 'object' || node === null || hardened.has(node) || depth > 64) return;
  hardened.add(node);
  const record = node as Record<string, unknown>;
  // valibot reads `fallback` and `default` off every object entry's schema (`valueSchema.fallback !==
  // undefined`): a schema without its own would take one from Object.prototype.
  for (const key of ['fallback', 'default'] as const) {
    if (!Object.hasOwn(record, key) && Object.isExtensible(record)) record[key] = undefined;
  }
  const entries = record.entries;
  if (typeof entries === 'object' && entries !== null && Object.getPrototypeOf(entries) !== null) {
    // A copy whose prototype is then set to null keeps V8's fast properties; `Object.create(null)` makes a
    // dictionary, which valibot's `for…in` walks on every parse at half the speed (some 4.5 µs more on a
    // Wowza Video stream).
    record.entries = Object.setPrototypeOf({ ...entries }, null);
  }
  for (const key of ['entries', 'wrapped', 'item', 'key', 'value', 'rest'] as const) {
    const child = record[key];
    if (key === 'entries' && typeof child === 'object' && child !== null) {
      for (const entry of Object.values(child)) visitSchema(entry, depth + 1);
    } else {
      visitSchema(child, depth + 1);
    }
  }
  for (const key of ['options', 'pipe', 'items'] as const) {
    const list = record[key];
    if (Array.isArray(list)) for (const child of list) visitSchema(child, depth + 1);
  }
}

/**
 * {@link ownData} of what a caller handed in, read by `read` (default: that copy, naming where a read threw),
 * or an {@link InvalidInputError}, `delivery: 'not-sent'`, where reading it throws (a getter that throws, a
 * Proxy whose traps do): nothing was sent, and the input is what is wrong. The issue's path is `path`
 * followed by the property whose read threw (`providerOptions.liveapi`, `input.restream.0`); `$` stands for
 * the value itself and is left out before a property.
 */
export function readOwnData(
  value: unknown,
  path: string,
  context: { provider?: ProviderId | undefined; operation: string },
  read: (value: unknown) => unknown = namedOwnData,
): unknown {
  try {
    return read(value);
  } catch (error) {
    const below = error instanceof UnreadableAt ? error.path : [];
    const named = below.length === 0 ? path : [...(path === '$' ? [] : [path]), ...below].join('.');
    throw invalidInput([{ path: named, message: unreadableText }], context);
  }
}

// The inputs `validateCreateInput` and `validateUpdateInput` returned: a client's (or a registry's) checked copy, which a provider takes as
// it is (see providerInput). Held weakly: nothing is kept once the call is done with it.
const checkedInputs = new WeakSet<object>();

/**
 * Validates input against a schema and returns it typed, or throws {@link InvalidInputError} listing every
 * problem with its path. Only the input's own properties are read, and the result has no prototype (see
 * {@link ownData}). Values are never echoed: a rejected stream key stays out of the message.
 */
export function validateInput<T>(
  schema: v.GenericSchema<unknown, T>,
  input: unknown,
  context: { provider?: ProviderId | undefined; operation: string },
): T {
  // Each field is read once, into this copy, which every check below and the result come from: a getter
  // that changes between reads cannot show one value to a check and another to the vendor.
  // valibot takes an array for an object with numeric keys; an input is never one.
  const copy = readOwnData(input, '$', context, (value) =>
    Array.isArray(value) ? undefined : namedOwnData(value),
  );
  // The copy of a plain object has no prototype; an object of any other kind is kept as it was given
  // (`namedOwnData`), and valibot would read its fields through its prototype (`Object.create(defaults)`, a
  // class's getters): refused, as settings are, naming its kind.
  const kind = typeof copy === 'object' && copy !== null ? plainObjectProblem(copy) : undefined;
  if (kind !== undefined) throw invalidInput([{ path: '$', message: kind }], context);
  if (typeof copy === 'object' && copy !== null && hasForbiddenKey(copy)) {
    throw invalidInput(
      [{ path: '$', message: 'expected no "__proto__", "constructor" or "prototype" keys' }],
      context,
    );
  }
  const result = safeParseOwn(schema, copy);
  if (result.success) return ownData(result.output) as T;
  const refusal = invalidInput(
    result.issues.map((issue) => toInputIssue(issue, input)),
    context,
  );
  // A refusal names the caller's field names, and one may repeat a stream key the same input carries (a
  // key pasted as a field of its target, or of another): masked by every key given, the targets refused
  // among them, as the input's credentials are once it is taken.
  const given = credentialsGiven(copy, context.provider);
  throw given.length === 0
    ? refusal
    : (maskedFailure(refusal, knownValuesRedactor(given)) as InvalidInputError);
}

// The credentials an input holds as given, checked or not: its targets' stream keys and URLs' user
// information, and credential-named fields of its provider options (every provider's, when no provider is
// named: a registry's check, before one is chosen).
function credentialsGiven(copy: unknown, provider: ProviderId | undefined): string[] {
  if (typeof copy !== 'object' || copy === null) return [];
  const input = copy as { restream?: unknown; providerOptions?: unknown };
  const all = input.providerOptions;
  const ids =
    provider !== undefined
      ? [provider]
      : typeof all === 'object' && all !== null && !isArrayValue(all)
        ? Object.keys(all)
        : [];
  const found = inputSecrets({ restream: input.restream }, provider ?? '');
  // A key given as a number is refused, but is the caller's key all the same, written as its digits.
  if (Array.isArray(input.restream)) {
    for (const target of input.restream) {
      const key = typeof target === 'object' && target !== null ? ownValue(target, 'streamKey') : undefined;
      if (typeof key === 'number' || typeof key === 'bigint') found.push(String(key));
    }
  }
  for (const id of ids) found.push(...inputSecrets({ providerOptions: all }, id));
  // As a secret set keeps them: a shorter value would hide ordinary words, and masks nothing.
  return found.filter((value) => value.length >= minimumSecretLength);
}

/**
 * Builds the {@link InvalidInputError} for a list of problems found before any request: its `delivery` is
 * `not-sent`, so a caller (a registry routing a create) knows nothing reached the vendor.
 */
export function invalidInput(
  issues: readonly InputIssue[],
  context: { provider?: ProviderId | undefined; operation: string },
): InvalidInputError {
  const listed = issues.map(describeIssue).join('; ');
  return new InvalidInputError({
    message: `Invalid input for ${context.operation}: ${listed}`,
    provider: context.provider,
    operation: context.operation,
    issues,
    delivery: 'not-sent',
  });
}

/**
 * The one error of a call's arguments refused before any request, wherever the check runs (the options'
 * reading, the HTTP layer's check of their values, a list's or a wait's own checks), so that one option
 * reads the same whatever is wrong with it: each issue's path names the argument (`options.timeoutMs`,
 * `options.pageSize`; a wait's `state`), and the message is `<provider> <operation>: invalid options:
 * options.timeoutMs (<problem>); …`, the form {@link readOptions} gives an options object, or
 * `<provider> <operation>: invalid state (<problem>); options.timeoutMs (<problem>)` when not every issue is
 * an option's. `delivery` is `not-sent`.
 */
export function callOptionsError(
  issues: readonly InputIssue[],
  context: { provider?: ProviderId | undefined; operation: string; cause?: unknown },
): InvalidInputError {
  const { provider, operation } = context;
  const optionsOnly = issues.every((issue) => issue.path.startsWith('options.'));
  return new InvalidInputError({
    provider,
    operation,
    message: `${provider ? `${provider} ` : ''}${operation}: invalid ${optionsOnly ? 'options: ' : ''}${issues
      .map((issue) => `${issue.path} (${issue.message})`)
      .join('; ')}`,
    issues,
    delivery: 'not-sent',
    ...('cause' in context ? { cause: context.cause } : {}),
  });
}

// "name is required"; "restream.0.url: expected an rtmp:// URL"; a problem with the whole input reads alone.
function describeIssue(issue: InputIssue): string {
  if (issue.path === '$') return issue.message;
  if (issue.message === requiredMessage) return `${issue.path} ${issue.message}`;
  return `${issue.path}: ${issue.message}`;
}

const requiredMessage = 'is required';

function toInputIssue(issue: v.BaseIssue<unknown>, input: unknown): InputIssue {
  const path = v.getDotPath(issue) ?? '$';
  // Our schemas give fixed messages; valibot's defaults append the received value, which is cut, and are
  // put in the words the rest of unilive uses (`Invalid type: Expected string` is `expected a string`).
  const message = issue.message.startsWith('Invalid ')
    ? defaultMessage(issue)
    : issue.message.replace(/\s*but received .*$/s, '');
  if (issue.kind === 'schema' && (issue.type === 'strict_object' || issue.type === 'object')) {
    if (issue.expected === 'never') return { path, message: 'unknown field' };
    if (issue.expected?.startsWith('"') && issue.received === 'undefined') {
      return { path, message: requiredMessage };
    }
    // The whole input is not an object: say what it should be, and what it was by kind only.
    if (path === '$') return { path, message: `${message}; received ${kindOf(input)}` };
  }
  return { path, message };
}

// A valibot issue without a message of ours, in unilive's words: what was expected, never what was received.
function defaultMessage(issue: v.BaseIssue<unknown>): string {
  const expected = issue.expected ?? '';
  const count = /^[<>]=(\d+)$/.exec(expected)?.[1];
  const unit = (singular: string) =>
    `${count} ${Array.isArray(issue.input) ? 'item' : singular}${count === '1' ? '' : 's'}`;
  switch (issue.type) {
    case 'min_length':
      return count ? `expected at least ${unit('character')}` : `expected ${expected}`;
    case 'max_length':
      return count ? `expected at most ${unit('character')}` : `expected ${expected}`;
    case 'min_value':
      return count ? `expected at least ${count}` : `expected ${expected}`;
    case 'max_value':
      return count ? `expected at most ${count}` : `expected ${expected}`;
    case 'integer':
      return 'expected a whole number';
    case 'url':
      return 'expected a URL';
    case 'starts_with':
      return `expected a text starting with ${expected}`;
    case 'regex':
      return 'expected a text of the form the vendor documents';
  }
  if (issue.kind !== 'schema') return `expected ${expected}`.trim();
  const literals = expected.match(/"[^"]*"/g);
  if (literals && /^\(?"/.test(expected)) {
    return literals.length === 1
      ? `expected ${literals[0]}`
      : `expected one of ${literals.map((literal) => literal.slice(1, -1)).join(', ')}`;
  }
  const kinds: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    boolean: 'a boolean',
    Object: 'an object',
    Array: 'a list',
  };
  return `expected ${Object.hasOwn(kinds, expected) ? kinds[expected] : expected}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * Validates a create input. The copy returned is frozen (the
 * input, its `restream` list and each target, its `providerOptions` and each entry's top level): a provider
 * takes it unread, told by identity, so what it holds cannot change after the check.
 * @param operation The call an `InvalidInputError` names (`Invalid input for <operation>: …`, its
 *   `operation`): `create` by default; a registry's `migrate` and `planMigration` name themselves.
 * @throws InvalidInputError for an input unilive refuses, `delivery: 'not-sent'`.
 */
export function validateCreateInput(
  input: unknown,
  provider?: ProviderId,
  operation = 'create',
): CreateLiveStreamInput {
  return checked(
    validateInput(createLiveStreamInputSchema, input, { provider, operation }) as CreateLiveStreamInput,
  );
}

/**
 * Validates an update patch. The copy returned is frozen (the
 * input, its `restream` list and each target, its `providerOptions` and each entry's top level): a provider
 * takes it unread, told by identity, so what it holds cannot change after the check.
 */
export function validateUpdateInput(input: unknown, provider?: ProviderId): UpdateLiveStreamInput {
  return checked(
    validateInput(updateLiveStreamInputSchema, input, {
      provider,
      operation: 'update',
    }) as UpdateLiveStreamInput,
  );
}

// Marks a client's checked input, which a provider then takes as it is (providerInput). Frozen as it is
// marked, as the options copy is (markClientOptions): it is trusted for what the check vouched for, so that
// cannot change afterwards (a wrapping provider handed it cannot add an unknown field, empty the name, push a
// bad restream target or put a Map under providerOptions and have the provider it wraps, called directly,
// send it unchecked). Frozen as deep as the check reaches: the input, its restream list and each target, its
// providerOptions record and each entry's top level. Below that is vendor data the schema takes as any value
// (and a Date or class instance there is the caller's own object, not a copy), an adapter's to read.
function checked<T extends object>(input: T): T {
  const fields = input as { restream?: unknown; providerOptions?: unknown };
  if (Array.isArray(fields.restream)) {
    for (const target of fields.restream) Object.freeze(target);
    Object.freeze(fields.restream);
  }
  const options = fields.providerOptions;
  if (typeof options === 'object' && options !== null) {
    for (const entry of Object.values(options)) Object.freeze(entry);
    Object.freeze(options);
  }
  Object.freeze(input);
  checkedInputs.add(input);
  return input;
}

/**
 * A create's or an update's input as a provider reads it, so that a provider used without a client checks
 * it as one wrapped in it: the input a client (or a registry) checked ({@link validateCreateInput},
 * {@link validateUpdateInput}, frozen as they mark it) is returned as it is, at the cost of one `WeakSet` lookup; anything else (the
 * caller's own object, handed to the provider directly) goes through the same check the client runs
 * (`validateCreateInput` for `create`, `validateUpdateInput` for `update`), whose copy is returned: own
 * properties read once into an object without a prototype, every neutral field checked (`name`,
 * `recording`, `ingestProtocol`, `region`, `lowLatency`, `restream`, `providerOptions`), unknown fields
 * refused. Call it first, before any other read of the input (its secrets included). Given the provider's
 * `secrets` (its `SecretSet`), a refusal naming a field whose name repeats one of them is masked by them,
 * as a client masks it.
 *
 * @throws InvalidInputError (`delivery: 'not-sent'`): the client's own refusal of the same input, with the
 *   same issues (paths and words): a name that is no string, empty, longer than {@link maxNameLength} or
 *   holding a lone surrogate or control characters; an `ingestProtocol` no provider knows; a `recording`
 *   that is no boolean; a restream target that is no `rtmp://` or `rtmps://` URL with a stream key; an
 *   unknown field; `providerOptions` (or `providerOptions.<id>`, for any id) given as a `Map`, a class
 *   instance or no object; an input a getter or Proxy in which throws (the issue at the property whose read
 *   threw: `providerOptions.liveapi`; `could not be read (a getter or a Proxy in it threw)`).
 */
export function providerInput<T>(
  input: T,
  provider: ProviderId,
  operation: 'create' | 'update',
  secrets?: Redactor,
): T {
  if (typeof input === 'object' && input !== null && checkedInputs.has(input)) return input;
  try {
    return (
      operation === 'create' ? validateCreateInput(input, provider) : validateUpdateInput(input, provider)
    ) as T;
  } catch (error) {
    // A refusal names the caller's field names (a provider id under `providerOptions`): one repeating the
    // provider's credential is masked, as a client masks everything a call through it fails with.
    throw secrets !== undefined && InvalidInputError.isInstance(error)
      ? maskedFailure(error, secrets)
      : error;
  }
}

/**
 * A start's `providerOptions`, read as a client reads them and as `create` and `update` read theirs (the
 * same schema): a plain object keyed by provider id, each entry a plain object whatever the id (a `Map`
 * kept under another vendor's id would be dropped on that vendor after a switch of configuration), read
 * once into a copy without a prototype; under the provider's own id only when `providerOptionsOn` (the
 * provider's {@link LiveStreamProvider.providerOptionsOn}, default `create` and `update`) lists `start`. A
 * client reads them so, and so does a provider called directly
 * (`providerCallOptions`). They are a call option of `start` (its second argument), so they are refused
 * as every call option is ({@link callOptionsError}): issue paths under `options.providerOptions`, message
 * `<provider> start: invalid options: options.providerOptions.<id> (…)`.
 *
 * @throws InvalidInputError (`operation: 'start'`, `delivery: 'not-sent'`) naming `options.providerOptions`
 *   or `options.providerOptions.<id>`: no object, a `Map` or a class instance, a read that throws, options
 *   under the provider's own id when it takes none on start (an empty `{}` there asks for nothing, and is
 *   taken, as on create and update). The refusal says where the provider does take them (`liveapi takes no
 *   provider options on start; give them on create or update`), or that it takes none (videosdk's API v1:
 *   `videosdk takes no provider options`).
 */
export function readStartProviderOptions(
  value: unknown,
  provider: ProviderId,
  providerOptionsOn: readonly string[] = defaultProviderOptionsOn,
): Record<string, Record<string, unknown>> {
  const refused = (issues: readonly InputIssue[]): InvalidInputError =>
    callOptionsError(issues, { provider, operation: 'start' });
  if (typeof value !== 'object' || value === null || isArrayValue(value)) {
    throw refused([{ path: startOptionsPath, message: 'expected an object keyed by provider id' }]);
  }
  let copy: Record<string, Record<string, unknown>>;
  try {
    copy = readOwnData(value, startOptionsPath, { provider, operation: 'start' }) as typeof copy;
  } catch (error) {
    throw InvalidInputError.isInstance(error) ? refused(error.issues) : error;
  }
  // Checked on the copy, as create and update check their whole input: valibot's record leaves such keys
  // out of what it reads, so the schema's own check never sees them.
  if (hasForbiddenKey(copy)) {
    throw refused([
      { path: startOptionsPath, message: 'expected no "__proto__", "constructor" or "prototype" keys' },
    ]);
  }
  const result = safeParseOwn(providerOptionsSchema, copy);
  if (!result.success) {
    throw refused(
      result.issues.map((issue) => {
        const { path, message } = toInputIssue(issue, value);
        return { path: path === '$' ? startOptionsPath : `${startOptionsPath}.${path}`, message };
      }),
    );
  }
  // An empty entry asks for nothing, and is taken as on create and update (`{ liveapi: {} }`).
  const own = Object.hasOwn(copy, provider) ? copy[provider] : undefined;
  const problem = unreadProviderOptions(own, provider, 'start', providerOptionsOn);
  if (problem !== undefined) throw refused([{ path: `${startOptionsPath}.${provider}`, message: problem }]);
  return copy;
}

/**
 * Refuses options under the provider's own id on a create or update whose `providerOptionsOn` (the
 * provider's {@link LiveStreamProvider.providerOptionsOn}, default `create` and `update`) leaves that
 * operation out, as a start's are refused ({@link readStartProviderOptions}): what the provider would never
 * read is not sent as if it were. A client runs it on the input it checked.
 *
 * @throws InvalidInputError (`delivery: 'not-sent'`) naming `providerOptions.<id>`: `videosdk takes no
 *   provider options` (a provider that takes them on no call), or `acme takes no provider options on
 *   create; give them on start` (one that takes them elsewhere). An empty `{}` asks for nothing and passes.
 */
export function refuseUnreadProviderOptions(
  input: { providerOptions?: unknown },
  provider: ProviderId,
  operation: 'create' | 'update',
  providerOptionsOn: readonly string[] = defaultProviderOptionsOn,
): void {
  const options = input.providerOptions as Record<string, Record<string, unknown> | undefined> | undefined;
  const own = options !== undefined && Object.hasOwn(options, provider) ? options[provider] : undefined;
  const problem = unreadProviderOptions(own, provider, operation, providerOptionsOn);
  if (problem !== undefined) {
    throw invalidInput([{ path: `providerOptions.${provider}`, message: problem }], { provider, operation });
  }
}

/** The operations whose provider options a provider reads when it declares none. @internal */
export const defaultProviderOptionsOn: readonly string[] = ['create', 'update'];

/** Every operation a provider can read provider options on, in the order advice names them. @internal */
export const providerOptionsOperations = ['create', 'update', 'start'] as const;

// Why options under the provider's own id are refused on `operation`, or none: only an entry that asks for
// something, on an operation the provider does not read them on. The advice names where else the provider
// takes them, never a call that would refuse them too.
function unreadProviderOptions(
  own: Record<string, unknown> | undefined,
  provider: ProviderId,
  operation: string,
  providerOptionsOn: readonly string[],
): string | undefined {
  // A list, as the type says: a boolean or a text (`'restart'` holds `start`) would be read wrongly.
  if (!Array.isArray(providerOptionsOn)) {
    throw new TypeError('providerOptionsOn must be a list of operations (create, update, start)');
  }
  if (own === undefined || Object.keys(own).length === 0 || providerOptionsOn.includes(operation)) return;
  const elsewhere = providerOptionsOperations.filter(
    (other) => other !== operation && providerOptionsOn.includes(other),
  );
  return elsewhere.length === 0
    ? `${provider} takes no provider options`
    : `${provider} takes no provider options on ${operation}; give them on ${elsewhere.join(' or ')}`;
}

// A start's provider options are its call option, named as every call option is.
const startOptionsPath = 'options.providerOptions';

// Where provider options sit for `operation`: a start's under its options, a create's or an update's in the
// input.
function providerOptionsPath(operation: string): string {
  return operation === 'start' ? startOptionsPath : 'providerOptions';
}

/**
 * The refusal of provider options for `operation`: a start's are a call option, refused as every call
 * option is ({@link callOptionsError}: `<provider> start: invalid options: …`); a create's or an update's
 * are a field of the input ({@link invalidInput}: `Invalid input for create: …`). For an adapter that
 * rewrites the issues of {@link readProviderOptions} (videosdk prefixes its API version).
 */
export function providerOptionsError(
  issues: readonly InputIssue[],
  context: { provider: ProviderId; operation: string },
): InvalidInputError {
  return context.operation === 'start' ? callOptionsError(issues, context) : invalidInput(issues, context);
}

/** The `providerOptions` an input carries for one provider, read from own properties only. */
function providerOptionsOf(input: { providerOptions?: unknown }, provider: ProviderId): unknown {
  const all = input.providerOptions;
  if (typeof all !== 'object' || all === null || !Object.hasOwn(all, provider)) return undefined;
  return (all as Record<string, unknown>)[provider];
}

/**
 * How a provider reads its own options ({@link readProviderOptions}), so that a provider called directly
 * refuses them as a client would.
 */
export interface ProviderOptionsReading {
  /**
   * The provider's secrets (its `SecretSet`, or any {@link Redactor}): a refusal names the options it refuses
   * by the caller's own field names, and one that repeats a credential (a token pasted where a name belongs)
   * is masked by them, as a client masks everything a call through it fails with.
   */
  secrets?: Redactor;
  /**
   * The provider's {@link LiveStreamProvider.providerOptionsOn}. Given, options under the provider's id on
   * an operation it leaves out are refused as a client refuses them ({@link refuseUnreadProviderOptions}:
   * `memory takes no provider options`), before the schema reads them.
   */
  providerOptionsOn?: readonly string[];
}

/**
 * Validates the caller's `providerOptions[provider]` with the adapter's schema (use `v.strictObject`, so
 * unknown options are reported). Problems are reported under `providerOptions.<provider>.…` (an
 * {@link invalidInput} of the input), or, when `operation` is `'start'`, whose provider options are a call
 * option, under `options.providerOptions.<provider>.…` ({@link callOptionsError}: `<provider> start: invalid
 * options: …`). Like {@link validateInput}, it reads own properties only and returns an object without a
 * prototype. A refusal is masked by the credentials the input carries and by `reading.secrets`.
 *
 * @throws InvalidInputError (`delivery: 'not-sent'`): what the schema refuses, each issue at its path; with
 *   `reading.providerOptionsOn` leaving `operation` out, a non-empty entry, as a client refuses it.
 */
export function readProviderOptions<T>(
  input: { providerOptions?: unknown },
  provider: ProviderId,
  schema: v.GenericSchema<unknown, T>,
  operation: string,
  reading: ProviderOptionsReading = {},
): T | undefined {
  const options = providerOptionsOf(input, provider);
  if (options === undefined) return undefined;
  // A start's are its call option (`start(id, { providerOptions })`), named and worded as every call
  // option is; a create's or an update's are a field of the input.
  const at = `${providerOptionsPath(operation)}.${provider}`;
  const refused = (issues: readonly InputIssue[]): InvalidInputError =>
    providerOptionsError(issues, { provider, operation });
  if (reading.providerOptionsOn !== undefined && isPlainRecord(options)) {
    const problem = unreadProviderOptions(options, provider, operation, reading.providerOptionsOn);
    if (problem !== undefined) throw refused([{ path: at, message: problem }]);
  }
  // A Map or a class instance would be read as no options (own properties only): refused naming its kind.
  const kind =
    typeof options === 'object' && options !== null && !Array.isArray(options)
      ? plainObjectProblem(options)
      : undefined;
  if (kind !== undefined) throw refused([{ path: at, message: kind }]);
  const result = safeParseOwn(schema, ownData(options));
  if (result.success) return ownData(result.output) as T;
  // For an unknown top-level option, name the ones that exist.
  const entries = (schema as { entries?: unknown }).entries;
  const allowed = typeof entries === 'object' && entries !== null ? Object.keys(entries) : [];
  const issues = result.issues.map((issue) => {
    const { path, message } = toInputIssue(issue, options);
    const hint =
      message === 'unknown field' && allowed.length > 0 && !path.includes('.')
        ? `; expected one of ${allowed.join(', ')}`
        : '';
    return { path: path === '$' ? at : `${at}.${path}`, message: `${message}${hint}` };
  });
  // A strict object reports its first unknown field only: the others are named too, so that one answer
  // tells every one to fix.
  if (allowed.length > 0 && typeof options === 'object' && options !== null) {
    const named = new Set(issues.map((issue) => issue.path));
    for (const key of Object.keys(options)) {
      const path = `${at}.${key}`;
      if (Object.hasOwn(entries as object, key) || named.has(path)) continue;
      issues.push({ path, message: `unknown field; expected one of ${allowed.join(', ')}` });
    }
  }
  throw maskedOptionsRefusal(refused(issues), input, provider, reading.secrets);
}

/**
 * A refusal of provider options masked as a client masks it. Such a refusal names paths, and a path holds
 * field names the caller chose: one that repeats a credential the same input carries (a restream stream key
 * used as a name) or one of the provider's own (`secrets`: its token) becomes `[REDACTED]`, so a provider
 * called directly shows it to no one either. {@link readProviderOptions} masks its own refusals so; an
 * adapter that refuses options by its own rules masks them with this.
 */
export function maskedOptionsRefusal(
  error: InvalidInputError,
  input: { restream?: unknown; providerOptions?: unknown },
  provider: ProviderId,
  secrets?: Redactor,
): InvalidInputError {
  let sent: string[] = [];
  try {
    sent = inputSecrets(input, provider);
  } catch {
    // An input that cannot be read again holds nothing more to mask by: its own refusal names no value.
  }
  const parts = sent.length === 0 ? [] : [knownValuesRedactor(sent)];
  if (secrets !== undefined) parts.push(secrets);
  return parts.length === 0 ? error : (maskedFailure(error, combinedRedactor(parts)) as InvalidInputError);
}

/**
 * Warnings for `providerOptions` keyed by an id no provider has (`wowzavideo` for `wowza-video`): such
 * options go nowhere, so the caller hears of it, with the known ids. Options for another known provider
 * are expected (one input serving several vendors) and pass silently. The warning's `setting` is
 * `providerOptions.<id>`, or `options.providerOptions.<id>` for a start's (`on: 'start'`), whose provider
 * options are a call option.
 */
export function providerOptionsWarnings(
  input: { providerOptions?: unknown },
  provider: ProviderId,
  on: 'input' | 'start' = 'input',
): Warning[] {
  const all = input.providerOptions;
  if (typeof all !== 'object' || all === null) return [];
  const known = new Set<string>([...builtInProviderIds, provider]);
  const warnings: Warning[] = [];
  for (const key of Object.keys(all)) {
    if (known.has(key)) continue;
    const nearest = nearestName(key, known);
    const setting = `${providerOptionsPath(on)}.${key}`;
    warnings.push({
      type: 'unsupported-setting',
      setting,
      message: `${setting}: no provider has this id, so these options are ignored${nearest ? ` (did you mean "${nearest}"?)` : ''}; known ids: ${[...known].join(', ')}`,
    });
  }
  return warnings;
}

/**
 * Every credential the caller's input carries, for the provider to register before the request, so that
 * an error echoing one (a 422 repeating a push `password`) is scrubbed: each restream target's
 * `streamKey`, every string under a credential-named field anywhere in `providerOptions[provider]`, and
 * the user information of any URL there. A field is credential-named by the rule redaction reads a name
 * with (`password`, `token_auth_shared_secret`, `pwd`, `jwt`, `auth`; not `ad_keywords`, `keyframe_interval`
 * or `access_token_expires_at`): see `docs/decisions/2026-11-30-credential-names.md`.
 */
export function inputSecrets(
  input: { restream?: unknown; providerOptions?: unknown },
  provider: ProviderId,
): string[] {
  const found: string[] = [];
  if (Array.isArray(input.restream)) {
    for (const target of input.restream) {
      const key = (target as { streamKey?: unknown } | null)?.streamKey;
      if (typeof key === 'string') found.push(key);
      const url = (target as { url?: unknown } | null)?.url;
      if (typeof url === 'string') found.push(...userInformation(url));
    }
  }
  collectCredentials(providerOptionsOf(input, provider), false, found, 0);
  return found;
}

/**
 * Every credential a stream as unilive returns it carries, for code that shows a stream to people (the
 * CLI) to hide them: each ingest endpoint's `streamKey`, `password` and `token`, each playback endpoint's
 * `token`, each restream target's `streamKey`, the user information of any of their URLs (bar the user name
 * an ingest endpoint names as its `username`, which encoder UIs show: its URL's password is learned), and every
 * string under a credential-named field (`password`, `token`, `streamKey`, `secret`, `pwd`, `jwt`, …, by
 * the rule redaction reads a name with, so Wowza Video's `ad_keywords` and `keyframe_interval` are not)
 * anywhere in `providerDetails` and `raw`. Values may repeat; redaction takes them in every encoding.
 */
export function streamSecrets(stream: {
  ingest?: readonly {
    url?: string;
    server?: string;
    streamKey?: string;
    username?: string;
    password?: string;
    token?: string;
  }[];
  playback?: readonly { url?: string; token?: string }[];
  restream?: readonly { url?: string; streamKey?: string }[];
  providerDetails?: unknown;
  raw?: unknown;
}): string[] {
  const found: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.length > 0) found.push(value);
  };
  const urls = (...values: unknown[]) => {
    for (const value of values) if (typeof value === 'string') found.push(...userInformation(value));
  };
  for (const endpoint of stream.ingest ?? []) {
    add(endpoint.streamKey);
    add(endpoint.password);
    add(endpoint.token);
    const before = found.length;
    urls(endpoint.url, endpoint.server);
    // The push user name an endpoint names beside its URL is no credential (an encoder UI shows it, as
    // `describeStream` does): its URL carries it as user information too (Wowza Video), and what is learned
    // from there is the password alone. A user name in the URL that the endpoint does not name stays learned.
    const username = endpoint.username;
    if (username) {
      for (let index = found.length - 1; index >= before; index -= 1)
        if (found[index] === username) found.splice(index, 1);
    }
  }
  for (const endpoint of stream.playback ?? []) {
    add(endpoint.token);
    urls(endpoint.url);
  }
  for (const target of stream.restream ?? []) {
    add(target.streamKey);
    urls(target.url);
  }
  collectCredentials(stream.providerDetails, false, found, 0);
  collectCredentials(stream.raw, false, found, 0);
  return found;
}

// A field is a credential's by the rule redaction reads names with (`isCredentialName`: `password`,
// `token_auth_shared_secret`, `streamKey`, `pwd`, `jwt`, `hmac_secret`, `auth`; not `ad_keywords`,
// `keyframe_interval` or `access_token_expires_at`), so a value masked by its name in a vendor's text is the
// value learned here, and one left readable there is not learned. What this side learns beyond that rule:
// every string below a credential's field, whatever its own name (`{ credentials: { username, value } }`,
// `stream_keys: ['…']`), since the whole of what a credential's name holds is that credential; and the user
// information of any URL, whatever names it.
function collectCredentials(value: unknown, named: boolean, found: string[], depth: number): void {
  if (depth > 16) return;
  if (typeof value === 'string') {
    if (named) found.push(value);
    found.push(...userInformation(value));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value.slice(0, maxCopiedItems)) collectCredentials(item, named, found, depth + 1);
    return;
  }
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    collectCredentials(item, named || isCredentialName(key), found, depth + 1);
  }
}

function userInformation(text: string): string[] {
  if (!text.includes('@') || !text.includes('://')) return [];
  try {
    const url = new URL(text);
    const parts = [decodeURIComponent(url.password), url.password, decodeURIComponent(url.username)];
    return parts.filter((part) => part.length > 0);
  } catch {
    return [];
  }
}
