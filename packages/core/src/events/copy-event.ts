import {
  bufferKind,
  byteIntrinsics,
  copyOf as copyBytes,
  copyView,
  sharedMaxBytes,
  viewParts,
} from '../bytes.js';
import { dataProperty, dateOfAnyRealm } from '../own.js';
import type { LiveStreamEvent } from './live-stream-event.js';

/**
 * How deeply an event's `raw` and `data` may each nest, and a webhook body: 64 levels, the value itself
 * (the body's top-level object) being level 1, each object, array, Map or Set inside another one more. No
 * vendor's event is more than a few levels deep; a body nested a million levels deep is an attack (each
 * level is one object to verify, copy and hand to every subscriber).
 */
export const maxEventDepth = 64;

/**
 * How many values an event's `raw` and `data` may each hold, and all its other own fields together, and a
 * webhook JSON body: 10 000, every value in the tree counting once (the field's own value, each object,
 * array, Map or Set inside it and each entry of them; an object's keys are not values). No vendor's event
 * holds more than a few dozen; a body of a million empty arrays is an attack as a deep one is: each value
 * is one object to read, check and copy for every subscriber, so the bound keeps the work a delivery costs
 * in proportion to a size no vendor reaches, whatever the body's shape. The fields other than `raw` and
 * `data` share one count, so an event of many own fields is bounded as a whole (at most three times the
 * bound), not field by field.
 */
export const maxEventValues = 10_000;

/**
 * The most characters an event's `id` and its `provider` may each hold: 1 024. The hub remembers the
 * `provider` and `id` of its last `dedupeWindow` events whole, outside the byte bounds of what it keeps, so
 * their length bounds that memory (about 4 KiB an event at most). Vendor ids are short (a UUID is 36, a
 * `sha256:` digest 71 characters).
 */
export const maxEventIdLength = 1_024;

/**
 * What {@link EventTooWide} names for the fields other than `raw` and `data`, which {@link maxEventValues}
 * counts together.
 */
export const otherEventFields = 'the fields other than raw and data (together)';

/**
 * Thrown by {@link readEvent} for an event whose `raw` or `data`, or other fields together, hold more than
 * {@link maxEventValues}.
 */
export class EventTooWide extends Error {
  constructor(readonly field: string) {
    super(`${field} holds more than ${maxEventValues} values`);
  }
}

/**
 * Thrown by {@link readEvent} for an event whose `raw`, `data` or another field holds a Proxy (told by the
 * runtime's `isProxy`, which runs no trap; where the runtime has none, a Proxy is read through its traps).
 * A Proxy only passes for data: its `ownKeys` trap answers every key at once, however many, before any bound
 * can be applied, and each key read is a trap of the caller's.
 */
export class EventHoldsProxy extends Error {
  constructor(readonly field: string) {
    super(`${field} holds a Proxy`);
  }
}

/**
 * What a value weighs in {@link EventSize}, in bytes: about what V8 (Node 24, 64-bit, no pointer
 * compression) holds for it in a copy the hub keeps, the slot it fills in its container included, as
 * measured over a million values of each kind (docs/decisions/2026-12-02-bounded-delivery-cost.md): an
 * empty array 41, plain object 64, Date 104, Set 161, Map 194, ArrayBuffer 103, typed array or DataView
 * about 200 (its bytes apart, outside the heap), a number 8 to 22, a flat string 24 and 1 or 2 a character.
 * Each kind is weighed at or a little above that, so that what is kept stays near the bound in real memory
 * whatever kind an event is made of; plain JSON (objects sharing their keys' layout, numbers) weighs more
 * than it costs, the safe side. A pointer-compressed build holds about half.
 */
export const eventValueBytes = {
  /** A number, boolean, `null`, `undefined`, BigInt or symbol: its slot and a boxed number (a BigInt adds its digits' bytes). */
  scalar: 16,
  /** Text: its header and slot, plus 2 a character (a key of an object: 8 plus 2 a character). */
  text: 24,
  /** An array, its entries apart. */
  array: 48,
  /** A plain object (or an object handed on as it is), its keys and values apart. */
  object: 64,
  /** A `Date`. */
  date: 104,
  /** An `ArrayBuffer` or `SharedArrayBuffer`, plus its byte length. */
  arrayBuffer: 104,
  /** A typed array, `Buffer` or `DataView` (the view and the buffer it copies to), plus its byte length. */
  view: 208,
  /** A `Map`, its entries apart; each entry adds 16 beside its key and value. */
  map: 192,
  /** A `Set`, its entries apart; each entry adds 16 beside its value. */
  set: 160,
  /** Each entry of a Map or Set: its place in the table. */
  entry: 16,
  /** Each key of a plain object: its place in the object, plus 2 a character. */
  key: 8,
} as const;

/**
 * What an event read by {@link readEvent} holds, estimated in bytes, each value weighed by its kind as
 * {@link eventValueBytes} says (2 a character of text, keys included; a binary value's length beside its
 * object). `kept` leaves out `raw`, which the hub's memory of each stream (`latest`) does not keep.
 */
export interface EventSize {
  total: number;
  kept: number;
}

const sizes = /* @__PURE__ */ new WeakMap<object, EventSize>();

/** The size {@link readEvent} estimated for `event`, one of its results; 0 for anything else. */
export function eventSize(event: object): EventSize {
  return sizes.get(event) ?? { total: 0, kept: 0 };
}

/**
 * An event read by {@link readEvent} without its `raw` (set to undefined): what the hub's memory of a
 * stream keeps. The rest is shared with `event`, which the hub hands to nobody.
 */
export function withoutRaw<T extends object>(event: T): T {
  const kept = {} as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(event))
    define(kept, key, key === 'raw' ? undefined : (event as Record<string, unknown>)[key]);
  const size = eventSize(event).kept;
  sizes.set(kept, { total: size, kept: size });
  return kept as T;
}

/** Thrown by {@link readEvent} for an event nested beyond {@link maxEventDepth}. */
export class EventTooDeep extends Error {
  constructor(readonly field: string) {
    super(`${field} is nested more than ${maxEventDepth} levels deep`);
  }
}

/**
 * A deep copy of an event for one subscriber: what one subscriber changes (a field, the `occurredAt` Date,
 * a byte of `raw`) reaches no other subscriber and not the publisher. Plain objects and arrays, Dates,
 * Maps, Sets, ArrayBuffers and typed arrays are copied; cycles are kept as cycles. Other objects (class
 * instances a custom parser put in `data`) are handed on as they are. Iterative, not recursive: a vendor
 * payload nested deeper than the stack would allow is copied too.
 */
export function copyEvent(event: LiveStreamEvent): LiveStreamEvent {
  return deepCopy(event, false);
}

/**
 * `event` read once, as a hub publishes it: a deep copy as {@link copyEvent} makes, the event itself copied
 * into a plain object holding every own property it has (enumerable or not, whatever its prototype:
 * `isLiveStreamEvent` reads own properties), so that a getter is read once and what the hub checks, keeps
 * and hands out is the same value. Throws whatever reading it throws: a getter, a Proxy trap, in the event
 * or anywhere in `raw` or `data` (a Date behind a Proxy whose traps throw included).
 */
export function readEvent(event: object): Record<string, unknown> {
  return deepCopy(event, true) as Record<string, unknown>;
}

/**
 * Whether a JSON text is within the bounds of an event: `deep` when it nests more than `maxDepth` levels
 * (1 for `{}` or `[]`), `wide` when it holds more than `maxValues` values (counted as {@link maxEventValues}
 * says: the top-level value and every entry of every object and array), else undefined. Counted on the
 * characters, before anything is built from the text, stopping as soon as a bound is passed; a bracket or
 * a comma inside a string does not count. Linear in the text's length. The text is assumed to be JSON
 * (what is not is refused by the parse that follows).
 */
export function jsonBounds(text: string, maxDepth: number, maxValues: number): 'deep' | 'wide' | undefined {
  let depth = 0;
  let values = 1;
  // True right after `{` or `[`: the next significant character, unless it closes, starts the first entry.
  let opened = false;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c)
        index += 1; // a backslash: the next character is escaped
      else if (code === 0x22) inString = false;
      continue;
    }
    // Whitespace (space, tab, line feed, carriage return) changes nothing.
    if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) continue;
    if (code === 0x7d || code === 0x5d) {
      depth -= 1;
      opened = false;
      continue;
    }
    if (opened || code === 0x2c) {
      // A first entry, or a comma starting the next one.
      values += 1;
      if (values > maxValues) return 'wide';
      opened = false;
      if (code === 0x2c) continue;
    }
    if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      depth += 1;
      if (depth > maxDepth) return 'deep';
      opened = true;
    }
  }
  return undefined;
}

// Objects a copy handed on as they are (class instances, a Proxy of one): a later copy hands them on again
// without looking at them a second time, so copying what a hub has read never throws.
const handedOn = /* @__PURE__ */ new WeakSet<object>();

// Text of its own, for what a hub keeps: `big.slice(5, 25)` of a 1 MiB string is, in V8, a view keeping the
// whole 1 MiB alive, so 100 events of "20 characters" would hold 100 MiB under a 1 MiB bound. V8 makes such
// views of 13 characters or more only; shorter text is always its own. Short text goes through
// JSON.stringify and JSON.parse, which make a fresh flat string (a lone surrogate comes back as it was).
// Long text is copied as V8 flattens a joined string, whole into a new one (five times faster than the JSON
// round trip on a megabyte, about the cost of reading it): the view taken of it then keeps that copy alive,
// one character and a view's header more than the text, never the parent. Either costs the text's length,
// which the byte bounds already count.
function freshText(text: string): string {
  if (text.length < 13) return text;
  if (text.length < 1_024) return JSON.parse(JSON.stringify(text)) as string;
  return ` ${text}`.slice(1);
}

// Copies one value into this realm; `depth` is the level of the container the value sits in (0 for the
// event itself), for the depth check of a read.
type CopyOf = (value: unknown, depth: number) => unknown;

function deepCopy<T>(root: T, everyOwnKey: boolean): T {
  const copies = new Map<object, unknown>();
  // Filling a container's entries is deferred to this stack, so depth costs heap, never call stack.
  const pending: (() => void)[] = [];
  // The event's own field a value was reached through, for the error of one nested too deep or too wide.
  let field = 'event';
  // A read counts the values of each field (a cycle's or a shared value's every visit counts: what a
  // subscriber's copy walks) and estimates the bytes of the event, and of all but its `raw`.
  // `raw` and `data` are counted each on its own, every other field of the event in one count together.
  const counts = new Map<string, number>();
  let counted = 'event';
  let values = 0;
  let total = 0;
  let rawBytes = 0;
  const tooWide = () => (counted === 'rest' ? otherEventFields : field);
  // Every key of a plain object is one value more, read or not: more keys than the count has room for is
  // refused before any is read. (Listing them is the one cost left, the platform having no count of an
  // object's keys that stops early: a million keys, 0.4 s in V8, for-in included.)
  const roomFor = everyOwnKey
    ? (keys: number) => {
        if (values + keys > maxEventValues) throw new EventTooWide(tooWide());
      }
    : undefined;
  const weigh = (bytes: number) => {
    total += bytes;
    if (field === 'raw') rawBytes += bytes;
  };
  const copyOf: CopyOf = (value, depth) => {
    if (everyOwnKey) {
      values += 1;
      if (values > maxEventValues) throw new EventTooWide(tooWide());
      // Text and scalars here; an object by its kind where the copy tells it (shallow), once: a value met
      // again (shared, or a cycle) is one more slot pointing at the same copy.
      if (typeof value === 'string') {
        weigh(eventValueBytes.text + 2 * value.length);
        return freshText(value);
      }
      // A BigInt holds its digits: a 1 MB one is 1 MB, whatever a scalar's slot is.
      if (typeof value === 'bigint') weigh(eventValueBytes.scalar + bigintBytes(value));
      // A symbol holds its description.
      else if (typeof value === 'symbol')
        weigh(eventValueBytes.scalar + 2 * (value.description?.length ?? 0));
      else if (typeof value !== 'object' || value === null) weigh(eventValueBytes.scalar);
      else if (copies.has(value)) weigh(eventValueBytes.scalar);
    }
    if (typeof value !== 'object' || value === null) return value;
    if (copies.has(value)) return copies.get(value);
    // Asked before anything else is read of it (its prototype, its keys): none of its traps runs.
    if (everyOwnKey && byteIntrinsics.isProxy?.(value)) throw new EventHoldsProxy(field);
    // An object a copy of an earlier event handed on is handed on again, unlooked at: copying what the hub
    // has read never throws. A read (a new publish) looks at it again and weighs what it holds now, as the
    // first read did: it may have grown since, and what it held then may have been dropped with that event.
    if (!everyOwnKey && handedOn.has(value)) return value;
    // Level 1 is the event's field itself (`raw`, `data`): a read refuses what nests deeper than the
    // bound, a copy of what a hub has read never meets such a value.
    if (everyOwnKey && depth > maxEventDepth) throw new EventTooDeep(field);
    const copy = shallow(value, copyOf, pending, depth, everyOwnKey ? weigh : undefined, roomFor);
    copies.set(value, copy);
    // An object handed on as it is (a class instance) is still weighed, and counted and bounded, by what it
    // holds: its own data properties, walked as a copy walks (the copies made are dropped), and what a
    // built-in holds out of them (a RegExp's source, a boxed string's text, an Error's stack). A getter is
    // not run: what it would answer is not weighed.
    if (everyOwnKey && copy === value && bufferKind(value) !== 'shared') {
      weigh(heldOutOfProperties(value));
      const inner = depth + 1;
      pending.push(() => {
        // A boxed string's characters are its own index properties: its text is weighed once, above.
        if (isStringObject(value)) return;
        // Its enumerable keys, listed at a third of the cost of all its names in V8 (a million: 0.4 s against
        // 1.3 s), first: more of them than the bound is refused before all its names are listed and any
        // property is read. (A key of a getter counts here, though its getter is never run.)
        if (Object.keys(value).length > maxEventValues) throw new EventTooWide(tooWide());
        for (const key of Object.getOwnPropertyNames(value)) {
          const property = Object.getOwnPropertyDescriptor(value, key);
          weigh(eventValueBytes.key + 2 * key.length);
          if (property && 'value' in property) copyOf(property.value, inner);
        }
      });
    }
    return copy;
  };
  let result: T;
  if (everyOwnKey && typeof root === 'object' && root !== null) {
    result = ownCopy(root, copyOf, pending, (key) => {
      field = key;
      counts.set(counted, values);
      counted = key === 'raw' || key === 'data' ? key : 'rest';
      values = counts.get(counted) ?? 0;
      weigh(eventValueBytes.key + 2 * key.length);
    }) as T;
    // A cycle back to the event leads to this copy, as every other cycle is kept.
    copies.set(root, result);
  } else result = copyOf(root, 0) as T;
  for (let next = pending.pop(); next; next = pending.pop()) next();
  if (everyOwnKey && typeof result === 'object' && result !== null)
    sizes.set(result, { total, kept: total - rawBytes });
  return result;
}

// A plain object holding every own string-keyed property of `value`, each copied. The fields are copied
// one after another, each to its end, so `reached` names the field whose copy goes on.
function ownCopy(
  value: object,
  copyOf: CopyOf,
  pending: (() => void)[],
  reached: (key: string) => void,
): object {
  const object = {} as Record<string, unknown>;
  const keys = Object.getOwnPropertyNames(value);
  const copyField = (index: number) => {
    const key = keys[index] as string;
    reached(key);
    define(object, key, copyOf((value as Record<string, unknown>)[key], 1));
  };
  // Pushed last field first: the stack copies field 0 and everything inside it before field 1.
  for (let index = keys.length - 1; index >= 0; index -= 1) {
    pending.push(() => {
      copyField(index);
    });
  }
  return object;
}

// Defined, not assigned: an own `__proto__` key (JSON.parse makes them) stays a plain property, and a key
// that Object.prototype holds read-only (a frozen, hardened realm) is still set. One descriptor without a
// prototype (a polluted `get` would make it throw) serves every property: defineProperty reads it at once,
// and a fresh one per property cost more than the copy itself on an object of many keys.
const descriptor = /* @__PURE__ */ dataProperty(undefined, {
  writable: true,
  enumerable: true,
  configurable: true,
});

function define(object: object, key: string, value: unknown): void {
  descriptor.value = value;
  Object.defineProperty(object, key, descriptor);
  descriptor.value = undefined;
}

const typedArray = /* @__PURE__ */ Object.getPrototypeOf(Uint8Array) as abstract new () => ArrayBufferView;

// Object.prototype.toString as the realm had it when this module loaded: code that replaces it later does
// not change what a copy is.
const intrinsicToString: (this: unknown) => string = Object.prototype.toString;

function shallow(
  value: object,
  copyOf: CopyOf,
  pending: (() => void)[],
  depth: number,
  weigh?: (bytes: number) => void,
  roomFor?: (keys: number) => void,
): unknown {
  const inner = depth + 1;
  // An array is never a Date: copied without asking (asking a non-Date throws inside, and a throw costs
  // microseconds, once per object of a large or deep payload).
  if (Array.isArray(value)) {
    weigh?.(eventValueBytes.array);
    const array: unknown[] = new Array(value.length);
    pending.push(() => {
      for (let index = 0; index < value.length; index += 1) array[index] = copyOf(value[index], inner);
    });
    return array;
  }
  // A view is told by its brand without a throw (it is never a Date): copied before the Date question.
  if (ArrayBuffer.isView(value)) {
    // Read by its internal slots: a view of another prototype, or with getters of its own, is its bytes.
    weigh?.(eventValueBytes.view + viewParts(value).byteLength);
    return copyView(value);
  }
  // What only passes for a view (a Proxy of a typed array, whose keys are one string a byte) holds no bytes
  // of its own: refused at once, as the webhook reader refuses it, rather than walked key by key.
  if (value instanceof typedArray || value instanceof DataView) throw new TypeError('no view itself');
  const prototype = Object.getPrototypeOf(value) as object | null;
  // A plain object (what JSON.parse makes) is a Date only when it was made one and given another
  // prototype; its tag then still says Date, so only such an object is asked. Anything else (another
  // realm's Date, a class instance) is asked directly.
  const plain = prototype === Object.prototype || prototype === null;
  if (!plain || intrinsicToString.call(value) === '[object Date]') {
    // A Date of any realm is copied as one of this realm, as every other value is copied into this realm.
    const date = dateOfAnyRealm(value);
    if (date !== undefined) {
      weigh?.(eventValueBytes.date);
      return new Date(date.getTime());
    }
  }
  // A buffer, told by its internal slots where its prototype (of this realm, or by its tag of another) says
  // it may be one or it has none (asking every object would cost a throw each): an ArrayBuffer copied,
  // shared memory handed on below.
  const tag = plain ? undefined : intrinsicToString.call(value);
  const claimsBuffer =
    value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer) ||
    tag === '[object ArrayBuffer]' ||
    tag === '[object SharedArrayBuffer]';
  const buffer = prototype === null || claimsBuffer ? bufferKind(value) : undefined;
  if (buffer === 'array') {
    const bytes = new Uint8Array(value as ArrayBuffer);
    weigh?.(eventValueBytes.arrayBuffer + bytes.byteLength);
    const copy = copyBytes(bytes).buffer;
    Object.setPrototypeOf(copy, prototype);
    return copy;
  }
  // What only passes for a buffer (a Proxy of one, an object made from its prototype) holds no bytes.
  if (claimsBuffer && buffer === undefined) throw new TypeError('no buffer itself');
  if (value instanceof Map) {
    weigh?.(eventValueBytes.map);
    const map = new Map();
    pending.push(() => {
      for (const [key, each] of value) {
        weigh?.(eventValueBytes.entry);
        map.set(copyOf(key, inner), copyOf(each, inner));
      }
    });
    return map;
  }
  if (value instanceof Set) {
    weigh?.(eventValueBytes.set);
    const set = new Set();
    pending.push(() => {
      for (const each of value) {
        weigh?.(eventValueBytes.entry);
        set.add(copyOf(each, inner));
      }
    });
    return set;
  }
  if (!plain || buffer === 'shared') {
    // Shared memory is handed on as it is (a copy would no longer share it), weighed by the bytes it may
    // hold: a growable one by the most it may grow to, since it can grow after it is published.
    weigh?.(
      buffer === 'shared'
        ? eventValueBytes.arrayBuffer + sharedMaxBytes(value as SharedArrayBuffer)
        : eventValueBytes.object,
    );
    handedOn.add(value);
    return value;
  }
  weigh?.(eventValueBytes.object);
  const object = Object.create(prototype) as Record<string, unknown>;
  pending.push(() => {
    const keys = Object.keys(value);
    roomFor?.(keys.length);
    for (const key of keys) {
      weigh?.(eventValueBytes.key + 2 * key.length);
      define(object, key, copyOf((value as Record<string, unknown>)[key], inner));
    }
  });
  return object;
}

function isStringObject(value: object): boolean {
  if (!(value instanceof String)) return false;
  try {
    Reflect.apply(String.prototype.valueOf, value, []);
    return true;
  } catch {
    return false;
  }
}

// The platform's own readers of what a built-in holds outside its properties, each throwing for anything
// else: asked of an object handed on, so that a RegExp of a megabyte weighs a megabyte. None runs the
// caller's code (an Error's `stack` is read only through V8's own accessor).
const heldBy = /* @__PURE__ */ (() => {
  const get = (of: object | undefined, name: PropertyKey) =>
    of && (Object.getOwnPropertyDescriptor(of, name)?.get as ((this: unknown) => unknown) | undefined);
  const text = (read: ((this: unknown) => unknown) | undefined) => (value: object) =>
    read ? 2 * String(Reflect.apply(read, value, [])).length : 0;
  // Each asked only of an object whose prototype says it may be one (no throw to tell every other
  // object), then read by the intrinsic, which throws for an imitation.
  const blobSize = typeof Blob === 'undefined' ? undefined : get(Blob.prototype, 'size');
  return {
    readers: [
      [RegExp, text(get(RegExp.prototype, 'source'))],
      [String, text(String.prototype.valueOf as (this: unknown) => unknown)],
      [BigInt, (value: object) => bigintBytes(Reflect.apply(BigInt.prototype.valueOf, value, []) as bigint)],
      [globalThis.URL, text(typeof URL === 'undefined' ? undefined : get(URL.prototype, 'href'))],
      [globalThis.Blob, (value: object) => (blobSize ? (Reflect.apply(blobSize, value, []) as number) : 0)],
    ] as [(abstract new (...args: never[]) => unknown) | undefined, (value: object) => number][],
    stack: get(new Error(), 'stack'),
  };
})();

// What a handed-on object holds outside its own data properties, in bytes; 0 for an object of none of the
// kinds above. Headers hold their names and values.
function heldOutOfProperties(value: object): number {
  let bytes = 0;
  for (const [kind, read] of heldBy.readers) {
    if (kind === undefined || !(value instanceof kind)) continue;
    try {
      bytes += read(value);
    } catch {
      // Only its prototype is of that kind.
    }
    break;
  }
  const stack = Object.getOwnPropertyDescriptor(value, 'stack');
  if (heldBy.stack && stack?.get === heldBy.stack) {
    try {
      bytes += 2 * String(Reflect.apply(heldBy.stack, value, [])).length;
    } catch {
      // Not an Error's own stack after all.
    }
  }
  if (typeof Headers !== 'undefined' && value instanceof Headers) {
    try {
      for (const [name, each] of Reflect.apply(Headers.prototype.entries, value, []) as Iterable<
        [string, string]
      >)
        bytes += eventValueBytes.text * 2 + 2 * (name.length + each.length);
    } catch {
      // A Headers only by its prototype holds nothing.
    }
  }
  return bytes;
}

// The bytes a BigInt's digits take: two hexadecimal digits a byte, its bit length over 8. Up to 2^1024 (a
// finite Number) its hexadecimal text is the cheapest count. Beyond, the text would cost 15 to 25 ms for a
// megabyte, so the bit length is found by shifting: a shift by at least the bits a BigInt holds answers 0 (or
// -1) at once, one by fewer costs the bits left. So the search comes down from above, in steps of a
// sixteenth while a step below would cost much (above 2^18 bits), halving below that, then closes in, each
// step a sixteenth of the last, to the bit: a few µs for a megabyte, a few more than the text for a kilobyte.
// (A negative power of two, -2^k, is counted as k bits, one less than its digits: a byte less at most.)
function bigintBytes(value: bigint): number {
  if (Number.isFinite(Number(value))) return Math.ceil((value < 0n ? -value : value).toString(16).length / 2);
  const within = (bits: number) => {
    const rest = value >> BigInt(bits);
    return rest === 0n || rest === -1n;
  };
  const cheap = 2 ** 18;
  // 2^24 bits (2 MiB) holds any BigInt an event has business holding; beyond, doubled.
  let high = 2 ** 24;
  while (!within(high)) high *= 2;
  const next = (bits: number) => (bits > cheap ? Math.floor((bits * 15) / 16) : Math.floor(bits / 2));
  while (within(next(high))) high = next(high);
  let low = next(high);
  for (let step = Math.max(1, Math.floor((high - low) / 16)); ; step = Math.max(1, Math.floor(step / 16))) {
    let probe = high - step;
    while (probe > low && within(probe)) {
      high = probe;
      probe -= step;
    }
    low = Math.max(low, probe);
    if (step === 1) return Math.ceil(high / 8);
  }
}
