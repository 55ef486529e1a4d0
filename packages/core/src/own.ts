/**
 * Reading what a caller handed over from its own properties only.
 *
 * Any code in the process (a vulnerable deep merge of `{"__proto__": {"method": "DELETE"}}`) can set a
 * property on `Object.prototype`, and every plain object then appears to carry it: an option object that
 * leaves `method`, `headers` or `hooks` out would read the polluted value instead. Core reads options,
 * settings and request descriptions through these helpers, and builds the objects it hands to fetch, to its
 * own layers and to hooks without a prototype or with every field set, so what is sent and what a call does
 * depend only on what the caller wrote. Values only a JSON merge can set (strings, numbers, booleans,
 * objects, arrays) are in scope; code that can put a function on `Object.prototype` already runs in the
 * process.
 */

/** The property's value when `value` has it as its own, else `undefined`. Never reads the prototype chain. */
export function ownValue(value: unknown, key: string): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * `value instanceof type`, and false where asking throws: a Proxy whose `getPrototypeOf` trap throws (an
 * abort reason, or what a custom `fetch` rejected with) is no instance of anything of ours.
 */
export function isInstanceOf<T>(value: unknown, type: abstract new (...args: never[]) => T): value is T {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}

/**
 * What was thrown, named for a message: an Error's class name when it is an identifier (`TypeError`), else
 * `Error`; `typeof` for anything else. Never throws, whatever the value's getters and traps do.
 */
export function thrownKind(value: unknown): string {
  try {
    if (!(value instanceof Error)) return typeof value;
    const name = String(value.name);
    return /^[A-Za-z_$][\w$]{0,63}$/.test(name) ? name : 'Error';
  } catch {
    return typeof value;
  }
}

/**
 * A shallow copy of `value`'s own enumerable string-keyed properties in an object without a prototype, or
 * an empty such object for `undefined` and `null`. A getter is read once, here.
 */
export function ownFields<T extends object>(value: T | undefined | null): T {
  const copy = Object.create(null) as Record<string, unknown>;
  if (value === undefined || value === null) return copy as T;
  for (const key of Object.keys(value)) copy[key] = (value as Record<string, unknown>)[key];
  return copy as T;
}

/**
 * `Array.isArray(value)`, and false where asking throws: a revoked Proxy throws even on `Array.isArray`, and
 * taken for no array it reaches {@link plainObjectProblem}, which names it as could not be read rather
 * than letting a bare `TypeError` out.
 */
export function isArrayValue(value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * What {@link readCallerList} found: the list, copied; or why there is none. `too-long` and `bad-length`
 * read no entry: `bad-length` is a `length` no array has (only a Proxy answers one); `threw` is a read
 * that threw (`Array.isArray` of a revoked Proxy, `length`, an entry's own-property check or `get`), with
 * what was thrown and, for an entry, its index.
 */
export type CallerListReading =
  | { readonly list: unknown[] }
  | { readonly problem: 'not-a-list' | 'too-long' | 'bad-length' }
  | { readonly problem: 'threw'; readonly cause: unknown; readonly index?: number };

/**
 * A list a caller handed over, read once into an array of core's own: `Array.isArray`, then its `length`
 * once, then each entry once by its index (an own entry only: a hole is `undefined`, never what
 * `Array.prototype` holds at that index). Its iterator is never called, and a list longer than `most` is
 * not read at all, so a Proxy claiming billions of entries costs nothing. Never throws: the caller names
 * what it read (`routing.order`, `providers`, a webhook secret option) in its own error, the thrown value
 * as `cause`. The one reader of core's lists of names and secrets: `routing.order`, what `routing.choose`
 * answers, a registry walk's `providers`, a registry configuration's `providers`, webhook secret lists.
 */
export function readCallerList(value: unknown, most: number): CallerListReading {
  let index: number | undefined;
  try {
    if (!Array.isArray(value)) return { problem: 'not-a-list' };
    const length: unknown = value.length;
    if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
      return { problem: 'bad-length' };
    }
    if (length > most) return { problem: 'too-long' };
    const list: unknown[] = [];
    for (index = 0; index < length; index += 1) {
      list.push(Object.hasOwn(value, index) ? value[index] : undefined);
    }
    return { list };
  } catch (error) {
    return index === undefined
      ? { problem: 'threw', cause: error }
      : { problem: 'threw', cause: error, index };
  }
}

/**
 * What an error says of a value whose reads threw (a getter, a Proxy's trap, a revoked Proxy), wherever core
 * reads caller or provider values; what was thrown goes in the error's `cause`, never in this text.
 */
export const unreadableText = 'could not be read (a getter or a Proxy in it threw)';

/**
 * What is wrong with `value` as a settings or options object, or undefined when it is a plain one: an object
 * whose prototype is `Object.prototype` (this realm's or another's, a vm context's) or null, as an object
 * literal, `JSON.parse` and `Object.create(null)` make. An object made from one without a prototype
 * (`Object.create(Object.create(null))`, `Object.create` of a client's options copy) is not one. Anything else (a `Map`, a `URLSearchParams`, a class
 * instance) is refused rather than read: settings and options are read from own properties only, so a
 * `Map`'s entries or a class's getters would be silently taken for no settings at all. The text names the
 * kind given (`a Map`, `an instance of Config`), never a value. `value` is an object already (not an array).
 */
export function plainObjectProblem(value: object): string | undefined {
  let kind: string;
  try {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === null || isObjectPrototype(prototype)) return undefined;
    kind = kindOf(prototype);
  } catch {
    return unreadableText;
  }
  return `expected a plain object ({ name: value, … }), not ${kind}: only own properties are read, so its entries or getters would be taken for none`;
}

// `Object.prototype` of this realm or another (a vm context's, an iframe's): an object without a prototype
// whose own `constructor` is a function named `Object` made with it as its `prototype`; or an empty object
// without a prototype, which gives nothing to inherit (the prototype of the options a client of another copy
// of core hands its provider when a call has none: two copies are what a package manager that does not
// dedupe installs). Having no prototype is not enough: `Object.create(options)` of an options object without
// one (a client's checked copy, an `Object.create(null)` with names) would pass, and its inherited names,
// read as none, be silently dropped.
function isObjectPrototype(prototype: unknown): boolean {
  if (prototype === Object.prototype) return true;
  if (typeof prototype !== 'object' || prototype === null || Object.getPrototypeOf(prototype) !== null) {
    return false;
  }
  if (Reflect.ownKeys(prototype).length === 0) return true;
  const maker: unknown = Object.getOwnPropertyDescriptor(prototype, 'constructor')?.value;
  return (
    typeof maker === 'function' &&
    maker.name === 'Object' &&
    Object.getOwnPropertyDescriptor(maker, 'prototype')?.value === prototype
  );
}

// `a Map`, `an instance of Config`: the constructor's name when it is an identifier, else a description.
function kindOf(prototype: unknown): string {
  let name: unknown;
  try {
    name = (
      Object.getOwnPropertyDescriptor(prototype, 'constructor')?.value as { name?: unknown } | undefined
    )?.name;
  } catch {
    name = undefined;
  }
  if (typeof name !== 'string' || !/^[A-Za-z_$][\w$]{0,63}$/.test(name)) {
    return 'an object with a prototype of its own';
  }
  const builtIn = [
    'Map',
    'Set',
    'WeakMap',
    'WeakSet',
    'Date',
    'RegExp',
    'URL',
    'URLSearchParams',
    'Headers',
    'Promise',
    'Error',
  ];
  if (builtIn.includes(name)) return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
  return `an instance of ${name}`;
}

/**
 * True for an `AbortSignal` (or a signal of another realm with the same shape). `instanceof` alone is not
 * enough: `Object.create(AbortSignal.prototype)` passes it, yet its `aborted` getter throws (the platform
 * checks the receiver), so every later use of it would fail after the options were accepted. A getter
 * that throws makes the value no signal either.
 */
export function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== 'object' || value === null) return false;
  try {
    if (typeof (value as { aborted?: unknown }).aborted !== 'boolean') return false;
    if (typeof AbortSignal !== 'undefined' && value instanceof AbortSignal) return true;
    return (
      typeof (value as { addEventListener?: unknown }).addEventListener === 'function' &&
      typeof (value as { removeEventListener?: unknown }).removeEventListener === 'function'
    );
  } catch {
    return false;
  }
}

// A platform signal answers its own `aborted` getter; anything else (another realm's or library's signal,
// an object made from AbortSignal.prototype) throws there.
const platformAborted = /* @__PURE__ */ (() =>
  Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')?.get)();

function isPlatformSignal(value: object): boolean {
  if (!platformAborted) return false;
  try {
    platformAborted.call(value);
    return true;
  } catch {
    return false;
  }
}

const followedSignals = new WeakMap<object, AbortSignal>();

/**
 * The signal unilive listens to for a caller's `signal`: a platform `AbortSignal` as it is; one of another
 * realm or library (jsdom's, a polyfill's) followed by a platform signal made once per signal, which takes
 * its abort and its reason. Only here is the caller's `addEventListener` called, once, and never its
 * `removeEventListener`: a signal whose methods or getters throw cannot fail a call half-way, or after the
 * vendor answered. Throws what `addEventListener` throws (the signal is then refused as none).
 */
export function platformSignal(signal: AbortSignal): AbortSignal {
  if (isPlatformSignal(signal)) return signal;
  const known = followedSignals.get(signal);
  if (known) return known;
  const controller = new AbortController();
  const follow = () => {
    let reason: unknown;
    try {
      reason = signal.reason;
    } catch {
      reason = new Error('the abort reason could not be read');
    }
    controller.abort(reason);
  };
  if (signal.aborted) follow();
  else signal.addEventListener('abort', follow, once);
  followedSignals.set(signal, controller.signal);
  return controller.signal;
}

/**
 * `{ once: true }` for `addEventListener`, without a prototype: Node reads `signal`, `capture` and
 * `passive` from the options object, and a polluted `Object.prototype.signal` made every listener throw.
 */
export const once: { readonly once: true } = /* @__PURE__ */ Object.freeze(
  /* @__PURE__ */ Object.assign(Object.create(null) as object, { once: true } as const),
);

/**
 * A data property descriptor without a prototype: `Object.defineProperty` reads `get` and `set` from the
 * descriptor, through its prototype chain, and a polluted `Object.prototype.get` made it throw.
 */
export function dataProperty(
  value: unknown,
  flags: { enumerable?: boolean; writable?: boolean; configurable?: boolean } = {},
): PropertyDescriptor {
  const descriptor = Object.create(null) as PropertyDescriptor;
  descriptor.value = value;
  descriptor.enumerable = Object.hasOwn(flags, 'enumerable') ? flags.enumerable === true : false;
  descriptor.writable = Object.hasOwn(flags, 'writable') ? flags.writable === true : false;
  descriptor.configurable = Object.hasOwn(flags, 'configurable') ? flags.configurable === true : false;
  return descriptor;
}

/**
 * `object` with each of `names` an own method bound to it, so a method taken from it (`const { get } =
 * client`, a callback) works as the call on the object does, instead of failing on
 * an `undefined` receiver with a TypeError that no caller expects from a method returning a promise. Not
 * enumerable, so spreading, `Object.keys` and `util.inspect` show what they showed before; writable and
 * configurable as the prototype's methods were, so an application can still wrap or replace one (an object
 * made with `Object.create(client)` given its own `list`, a test's `vi.spyOn(client, 'get')`).
 */
export function withBoundMethods<T extends object>(object: T, names: readonly (keyof T & string)[]): T {
  for (const name of names) {
    const method = object[name];
    if (typeof method === 'function')
      Object.defineProperty(
        object,
        name,
        dataProperty(method.bind(object), { writable: true, configurable: true }),
      );
  }
  return object;
}

// What Object.prototype holds in every JavaScript engine.
const standardPrototypeNames = new Set([
  'constructor',
  '__defineGetter__',
  '__defineSetter__',
  'hasOwnProperty',
  '__lookupGetter__',
  '__lookupSetter__',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toString',
  'valueOf',
  '__proto__',
  'toLocaleString',
]);

/**
 * The first property someone added to `Object.prototype` whose value is data (a string, number, boolean,
 * object, array or null: what a vulnerable deep merge of `{"__proto__": {…}}` leaves), or `undefined`.
 * Methods added by polyfills are not counted. Core's own code reads only own properties, but the runtime's
 * `fetch` does not: Node's reads `query`, `body`, `status`, `signal`, `dispatcher`, timeouts and more from
 * its internal objects through their prototype, so a polluted `query` is appended to every URL. The HTTP
 * layer refuses to send while this finds one.
 */
export function prototypePollution(): string | undefined {
  for (const name of Object.getOwnPropertyNames(Object.prototype)) {
    if (standardPrototypeNames.has(name)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(Object.prototype, name);
    if (descriptor && Object.hasOwn(descriptor, 'value') && typeof descriptor.value !== 'function')
      return name;
  }
  return undefined;
}

// This realm's getTime as the module found it: one replaced later on Date.prototype is not what reads a time.
const intrinsicGetTime: (this: unknown) => number = Date.prototype.getTime;

/**
 * `value` as a Date of this realm: a copy of a Date of any realm (a vm context, an iframe: `instanceof Date`
 * sees only this realm's), told by its brand and read through this realm's own `Date.prototype.getTime`,
 * which refuses anything merely tagged as a Date (`Symbol.toStringTag`), a proxy, or an object that only
 * inherits from `Date.prototype`. A `getTime` written on the Date itself or on its realm's prototype is
 * not what is read: the time is the one the Date holds. Undefined for anything else.
 */
export function dateOfAnyRealm(value: unknown): Date | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  // One call of the intrinsic `getTime` both tells a Date (it throws for anything else) and reads its time
  // (NaN for an invalid Date, which is still a Date): a second call to tell the two apart cost a second
  // throw for every object that is no Date, and an event can hold thousands of them.
  let time: number;
  try {
    time = intrinsicGetTime.call(value);
  } catch {
    return undefined;
  }
  return new Date(time);
}

/**
 * The time a Date of any realm holds, in ms since the epoch, read through this realm's intrinsic
 * `getTime` (never one the Date or its realm overrides); NaN for an invalid Date and for anything that is
 * no Date. Never throws: a revoked proxy, a getter that throws, an object tagged as a Date are all NaN.
 */
export function timeOfDate(value: unknown): number {
  if (typeof value !== 'object' || value === null) return Number.NaN;
  try {
    return intrinsicGetTime.call(value);
  } catch {
    return Number.NaN;
  }
}

/**
 * Whether `value` is a WHATWG `URL` object, of any realm, read by its tag: what a setting meant as a URL's
 * text may be given as. Never throws (a revoked Proxy is none).
 */
export function isUrlObject(value: unknown): boolean {
  try {
    return Object.prototype.toString.call(value) === '[object URL]';
  } catch {
    return false;
  }
}

/**
 * Whether `value` is a plain object read as a record (an object literal, `JSON.parse`'s, one without a
 * prototype, another realm's): no array, `Map` or class instance ({@link plainObjectProblem}).
 */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !isArrayValue(value) &&
    plainObjectProblem(value) === undefined
  );
}

/** Whether `key` names an array index (`0` to `2 ** 32 - 2`, written as a number is). */
export function isArrayIndex(key: PropertyKey): boolean {
  return typeof key === 'string' && /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}

// An array longer than this is read by the indexes it holds, not counted up to its length: a sparse one
// (`a[2 ** 32 - 2] = x`) has a length of billions and two items, and counting to it blocks the process.
const denseArrayLength = 65_536;

/** The items `items` holds, in index order (holes left out), read without counting to a sparse length. */
export function arrayItems(items: readonly unknown[]): Iterable<unknown> {
  if (items.length <= denseArrayLength) return items;
  return Object.keys(items)
    .filter(isArrayIndex)
    .map((key) => items[Number(key)]);
}

/**
 * A plain Array of `items` each mapped, holes kept, never `items.map`/`slice`: those make their copy with
 * the constructor the array names, and an outside array may name anything (an own `constructor` field, a
 * subclass whose species throws). A long array is read by the indexes it holds (see `arrayItems`).
 */
export function mappedArray(
  items: readonly unknown[],
  each: (item: unknown) => unknown,
  most = Number.POSITIVE_INFINITY,
): unknown[] {
  const length = items.length;
  const copy = new Array<unknown>(length);
  let taken = 0;
  let last = -1;
  // Past `most` items, the copy ends after the last one taken, and `leftOut` counts the rest.
  const take = (index: number): boolean => {
    if (taken >= most) return false;
    copy[index] = each(items[index]);
    taken += 1;
    last = index;
    return true;
  };
  let left = 0;
  if (length <= denseArrayLength) {
    for (let index = 0; index < length; index += 1) if (index in items && !take(index)) left += 1;
  } else {
    for (const key of Object.keys(items)) if (isArrayIndex(key) && !take(Number(key))) left += 1;
  }
  if (left > 0) {
    copy.length = last + 1;
    leftOut.set(copy, left);
  }
  return copy;
}

// How many items `mappedArray` left out of a copy, past its `most`.
const leftOut = new WeakMap<object, number>();

/** How many items {@link mappedArray} left out of `copy` (0 for a whole copy). */
export function itemsLeftOut(copy: object): number {
  return leftOut.get(copy) ?? 0;
}
