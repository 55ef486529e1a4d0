// Reading bytes by their internal slots: what a webhook body or an event's binary value holds, read without
// running any code of the caller's (a getter, a `constructor` or species, a Proxy trap), of any realm.

// The intrinsics a body is read with. Each asks the value's internal slots, which a Proxy or an object that only
// inherits a prototype has none of, and none runs the caller's code: no getter, no `constructor` or species,
// no trap. So a view is read by the bytes it holds, whatever its prototype, subclass, own getters or realm.
// Built by a call marked pure, so that a bundle that never reads bytes drops it.
export const byteIntrinsics = /* @__PURE__ */ (() => {
  const TypedArray = Object.getPrototypeOf(Uint8Array) as abstract new () => ArrayBufferView;
  const get = (of: object, name: PropertyKey) =>
    Object.getOwnPropertyDescriptor(of, name)?.get as (() => unknown) | undefined;
  const shared = typeof SharedArrayBuffer === 'undefined' ? undefined : SharedArrayBuffer.prototype;
  return {
    TypedArray,
    // Throws for a typed array detached or out of bounds, as every typed-array method does, and consults no
    // species (`slice` reads the view's `constructor`: the caller's code).
    values: (TypedArray.prototype as Uint8Array).values as () => unknown,
    // Undefined for what is no typed array (a DataView), of any realm.
    tag: get(TypedArray.prototype, Symbol.toStringTag) as () => string | undefined,
    typed: {
      buffer: get(TypedArray.prototype, 'buffer') as () => ArrayBufferLike,
      byteOffset: get(TypedArray.prototype, 'byteOffset') as () => number,
      byteLength: get(TypedArray.prototype, 'byteLength') as () => number,
    },
    // A DataView's `byteLength` throws when it is detached or out of bounds.
    dataView: {
      buffer: get(DataView.prototype, 'buffer') as () => ArrayBufferLike,
      byteOffset: get(DataView.prototype, 'byteOffset') as () => number,
      byteLength: get(DataView.prototype, 'byteLength') as () => number,
    },
    // Each throws for anything but its own kind of buffer: an ArrayBuffer's for a SharedArrayBuffer too.
    arrayBuffer: get(ArrayBuffer.prototype, 'byteLength') as () => number,
    sharedArrayBuffer: shared && (get(shared, 'byteLength') as () => number),
    // The most a SharedArrayBuffer may hold: its length, or a growable one's bound.
    sharedMaxByteLength: shared && (get(shared, 'maxByteLength') as (() => number) | undefined),
    resizable: get(ArrayBuffer.prototype, 'resizable'),
    // The platform's own reader of a Blob's bytes, undefined where there is no Blob: it rejects for anything
    // that is no Blob (an object that only inherits from `Blob.prototype`), and runs none of the caller's
    // code, so a subclass's or an own `arrayBuffer` (which may throw, name other bytes or never settle) is not
    // where the Blob's bytes are.
    blobBytes:
      typeof Blob === 'undefined' ? undefined : (Blob.prototype.arrayBuffer as () => Promise<ArrayBuffer>),
    // The platform's own `size` of a Blob: it throws for anything that is no Blob.
    blobSize: typeof Blob === 'undefined' ? undefined : (get(Blob.prototype, 'size') as () => number),
    // The symbols a Blob of this platform holds its state under as own properties (Node: its handle, length
    // and type), none where it holds it in internal slots (a browser). What holds them all as its own has its
    // state found on itself by Node's Blob, its prototype chain never read (see isBlob).
    blobOwnKeys: typeof Blob === 'undefined' ? [] : blobStateKeys(),
    // Node's `util.types.isProxy` where the runtime hands out its built-ins (Node from 20.16 and 22.3,
    // Deno, Bun), else undefined (a browser). It runs no trap.
    isProxy: nodeTypes()?.isProxy,
    // Node's `util.types.isPromise`: a Promise of any realm (a `vm` context's), told by its internal slots,
    // no trap run and no `then` read. Undefined where the runtime has none.
    isPromise: nodeTypes()?.isPromise,
  };
})();

function blobStateKeys(): symbol[] {
  try {
    return Object.getOwnPropertySymbols(new Blob([]));
  } catch {
    return [];
  }
}

type NodeTypes = { isProxy?: (value: unknown) => boolean; isPromise?: (value: unknown) => boolean };

function nodeTypes(): NodeTypes | undefined {
  try {
    const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const util = process?.getBuiltinModule?.('node:util') as { types?: NodeTypes } | undefined;
    const types = util?.types;
    if (types === undefined) return undefined;
    const { isProxy, isPromise } = types;
    return {
      ...(typeof isProxy === 'function' ? { isProxy } : {}),
      ...(typeof isPromise === 'function' ? { isPromise } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * Whether a value is a real `Blob` (a `File`, a subclass's instance), of any prototype, told without
 * running any code of the caller's: no typed array or buffer (their internal slots decide first, so a
 * `Uint8Array` given `Blob.prototype` is bytes), no Proxy, and answered by the platform's own
 * `Blob.prototype.size`. Node's Blob finds its state through property reads, which a Proxy would answer with
 * its traps (the size and the bytes its trap chooses), so a Proxy is told apart first by the runtime's
 * `isProxy`: the value itself, and, for a value that does not hold a Blob's state as its own properties, its
 * prototype chain (a real Blob given a Proxy as prototype is a Blob: its state is its own, the chain never
 * read); a browser's Blob holds its state in internal slots a Proxy has none of, and its `size` refuses one
 * itself.
 */
export function isBlob(value: unknown): boolean {
  const { blobSize, isProxy, blobOwnKeys } = byteIntrinsics;
  if (blobSize === undefined || typeof value !== 'object' || value === null) return false;
  if (ArrayBuffer.isView(value) || bufferKind(value) !== undefined) return false;
  if (isProxy) {
    if (isProxy(value)) return false;
    // A value that holds the platform's Blob state as its own properties (Node's handle, length and type) has
    // its state found on itself: its prototype, a Proxy or not, is never read, so a real Blob given a Proxy
    // as prototype is told a Blob by the platform's own `size`, no trap run. Anything else is asked only when
    // no Proxy is on its chain (walked without a trap: what is no Proxy has none), since Node's `size` would
    // look its state up through the chain, and a Proxy there would answer with its `get` trap.
    const ownsState = blobOwnKeys.length > 0 && blobOwnKeys.every((key) => Object.hasOwn(value, key));
    if (!ownsState) {
      for (
        let link: object | null = Object.getPrototypeOf(value) as object | null;
        link !== null;
        link = Object.getPrototypeOf(link) as object | null
      ) {
        if (isProxy(link)) return false;
      }
    }
  }
  return answers(blobSize, value);
}

// Whether `method` answers for `value` (it throws for what lacks the internal slots it reads).
export function answers(method: () => unknown, value: unknown): boolean {
  try {
    Reflect.apply(method, value, []);
    return true;
  } catch {
    return false;
  }
}

// What a buffer is by its internal slots, of any realm or prototype: a Proxy of one is neither.
export function bufferKind(value: unknown): 'array' | 'shared' | undefined {
  if (answers(byteIntrinsics.arrayBuffer, value)) return 'array';
  if (byteIntrinsics.sharedArrayBuffer && answers(byteIntrinsics.sharedArrayBuffer, value)) return 'shared';
  return undefined;
}

// Whether an ArrayBuffer's bytes were transferred away: no view of a detached buffer can be made.
export function isDetached(buffer: ArrayBufferLike): boolean {
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** The most bytes a SharedArrayBuffer may come to hold: a growable one's bound, else its length. */
export function sharedMaxBytes(buffer: SharedArrayBuffer): number {
  const read = byteIntrinsics.sharedMaxByteLength ?? byteIntrinsics.sharedArrayBuffer;
  return read ? (Reflect.apply(read, buffer, []) as number) : 0;
}

// The typed-array constructors of this realm by the name a typed array's tag gives (Float16Array where the
// runtime has it).
const typedKinds = /* @__PURE__ */ (() => {
  const kinds: Record<string, new (buffer: ArrayBuffer) => ArrayBufferView> = {};
  for (const name of [
    'Int8Array',
    'Uint8Array',
    'Uint8ClampedArray',
    'Int16Array',
    'Uint16Array',
    'Int32Array',
    'Uint32Array',
    'Float16Array',
    'Float32Array',
    'Float64Array',
    'BigInt64Array',
    'BigUint64Array',
  ]) {
    const made = (globalThis as Record<string, unknown>)[name];
    if (typeof made === 'function') kinds[name] = made as new (buffer: ArrayBuffer) => ArrayBufferView;
  }
  return kinds;
})();

/**
 * A copy of a view over bytes of its own: the same kind of view (read by its tag, not its `constructor`)
 * with the same prototype (a `Buffer` stays a `Buffer`, a subclass's instance its class), no code of the
 * caller's run. Throws a TypeError for a view detached or out of bounds.
 */
export function copyView(view: ArrayBufferView): ArrayBufferView {
  const parts = viewParts(view);
  if (!parts.inBounds) throw new TypeError('a view whose bytes are gone');
  const bytes = copyOf(new Uint8Array(parts.buffer, parts.byteOffset, parts.byteLength))
    .buffer as ArrayBuffer;
  const Kind = parts.typed ? typedKinds[Reflect.apply(byteIntrinsics.tag, view, []) as string] : undefined;
  const copy = Kind ? new Kind(bytes) : new DataView(bytes);
  Object.setPrototypeOf(copy, Object.getPrototypeOf(view));
  return copy;
}

// A private copy, made without asking the bytes anything (`slice` would consult a species).
export function copyOf(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}

/**
 * A view's buffer and the stretch of it the view covers, read by the platform's own accessors; `inBounds`
 * false (offset and length 0) for a view whose buffer was detached or shrank below it.
 */
export function viewParts(view: ArrayBufferView): {
  typed: boolean;
  buffer: ArrayBufferLike;
  inBounds: boolean;
  byteOffset: number;
  byteLength: number;
} {
  const typed = Reflect.apply(byteIntrinsics.tag, view, []) !== undefined;
  const fields = typed ? byteIntrinsics.typed : byteIntrinsics.dataView;
  const buffer = Reflect.apply(fields.buffer, view, []);
  // A typed array's `values` and a DataView's `byteLength` throw for such a view alone.
  const inBounds = answers(typed ? byteIntrinsics.values : fields.byteLength, view);
  return {
    typed,
    buffer,
    inBounds,
    byteOffset: inBounds ? Reflect.apply(fields.byteOffset, view, []) : 0,
    byteLength: inBounds ? Reflect.apply(fields.byteLength, view, []) : 0,
  };
}
