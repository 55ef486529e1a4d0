import { dataProperty, dateOfAnyRealm } from '../own.js';
import type { LiveStreamEvent } from './live-stream-event.js';

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

// Objects a copy handed on as they are (class instances, a Proxy of one): a later copy hands them on again
// without looking at them a second time, so copying what a hub has read never throws.
const handedOn = /* @__PURE__ */ new WeakSet<object>();

function deepCopy<T>(root: T, everyOwnKey: boolean): T {
  const copies = new Map<object, unknown>();
  // Filling a container's entries is deferred to this stack, so depth costs heap, never call stack.
  const pending: (() => void)[] = [];
  const copyOf = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (handedOn.has(value)) return value;
    if (copies.has(value)) return copies.get(value);
    const copy = shallow(value, copyOf, pending);
    copies.set(value, copy);
    return copy;
  };
  let result: T;
  if (everyOwnKey && typeof root === 'object' && root !== null) {
    result = ownCopy(root, copyOf, pending) as T;
    // A cycle back to the event leads to this copy, as every other cycle is kept.
    copies.set(root, result);
  } else result = copyOf(root) as T;
  for (let next = pending.pop(); next; next = pending.pop()) next();
  return result;
}

// A plain object holding every own string-keyed property of `value`, each copied.
function ownCopy(value: object, copyOf: (value: unknown) => unknown, pending: (() => void)[]): object {
  const object = {} as Record<string, unknown>;
  pending.push(() => {
    for (const key of Object.getOwnPropertyNames(value))
      define(object, key, copyOf((value as Record<string, unknown>)[key]));
  });
  return object;
}

// Defined, not assigned: an own `__proto__` key (JSON.parse makes them) stays a plain property. The
// descriptor has no prototype (`dataProperty`): a polluted `get` would make it throw.
function define(object: object, key: string, value: unknown): void {
  Object.defineProperty(
    object,
    key,
    dataProperty(value, { writable: true, enumerable: true, configurable: true }),
  );
}

function shallow(value: object, copyOf: (value: unknown) => unknown, pending: (() => void)[]): unknown {
  // A Date of any realm is copied as one of this realm, as every other value is copied into this realm.
  const date = dateOfAnyRealm(value);
  if (date !== undefined) return new Date(date.getTime());
  if (value instanceof ArrayBuffer) return value.slice(0);
  if (ArrayBuffer.isView(value)) return copyView(value);
  if (Array.isArray(value)) {
    const array: unknown[] = new Array(value.length);
    pending.push(() => {
      for (let index = 0; index < value.length; index += 1) array[index] = copyOf(value[index]);
    });
    return array;
  }
  if (value instanceof Map) {
    const map = new Map();
    pending.push(() => {
      for (const [key, each] of value) map.set(copyOf(key), copyOf(each));
    });
    return map;
  }
  if (value instanceof Set) {
    const set = new Set();
    pending.push(() => {
      for (const each of value) set.add(copyOf(each));
    });
    return set;
  }
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (prototype !== Object.prototype && prototype !== null) {
    handedOn.add(value);
    return value;
  }
  const object = Object.create(prototype) as Record<string, unknown>;
  pending.push(() => {
    for (const key of Object.keys(value))
      define(object, key, copyOf((value as Record<string, unknown>)[key]));
  });
  return object;
}

function copyView(view: ArrayBufferView): ArrayBufferView {
  const bytes = view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
  if (typeof Buffer !== 'undefined' && Buffer.isBuffer(view)) return Buffer.from(bytes);
  if (view instanceof DataView) return new DataView(bytes);
  const Constructor = (view as unknown as { constructor: new (buffer: ArrayBufferLike) => ArrayBufferView })
    .constructor;
  return new Constructor(bytes);
}
