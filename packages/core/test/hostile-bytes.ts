import { runInNewContext } from 'node:vm';

// The same bytes as a caller may hand them over: a view of any kind, over any kind of buffer, with the
// caller's own code on it (getters that throw or lie, a `constructor` whose species detaches or shrinks the
// buffer as soon as it is asked, another prototype, another realm). Each holds exactly the bytes, so whatever
// reads it by its internal slots reads them; whatever asks the caller's code reads something else, or throws
// what the caller threw.

type Maker = (bytes: Uint8Array) => { value: object; buffer: ArrayBufferLike };

// Resizable and growable buffers (ES2024, in Node since 20), typed here as the lib targeted predates them.
const Growable = ArrayBuffer as unknown as new (
  length: number,
  options: { maxByteLength: number },
) => ArrayBuffer;
const GrowableShared = SharedArrayBuffer as unknown as new (
  length: number,
  options: { maxByteLength: number },
) => SharedArrayBuffer;

// Buffers holding exactly `bytes` at some offset, so that a view reads them only through its own offset.
const buffers: Record<string, (size: number) => ArrayBufferLike> = {
  plain: (size) => new ArrayBuffer(size),
  resizable: (size) => new Growable(size, { maxByteLength: size * 2 + 8 }),
  shared: (size) => new SharedArrayBuffer(size),
  growable: (size) => new GrowableShared(size, { maxByteLength: size * 2 + 8 }),
  otherRealm: (size) => runInNewContext(`new ArrayBuffer(${size})`) as ArrayBuffer,
};

const views: Record<string, (buffer: ArrayBufferLike, offset: number, length: number) => object> = {
  Uint8Array: (buffer, offset, length) => new Uint8Array(buffer, offset, length),
  Buffer: (buffer, offset, length) => Buffer.from(buffer as ArrayBuffer, offset, length),
  DataView: (buffer, offset, length) => new DataView(buffer, offset, length),
  subclass: (buffer, offset, length) => {
    class Bytes extends Uint8Array {
      override get byteLength(): number {
        throw new Error('SECRET-subclass');
      }
      static get [Symbol.species]() {
        throw new Error('SECRET-species');
      }
    }
    return new Bytes(buffer as ArrayBuffer, offset, length);
  },
  otherRealmView: (buffer, offset, length) =>
    runInNewContext('(b, o, l) => new Uint8Array(b, o, l)')(buffer, offset, length) as object,
};

// Done to the view after it is made: each the caller's code that a reader must not ask.
const tweaks: Record<string, (view: object, buffer: ArrayBufferLike) => void> = {
  none: () => {},
  throwingGetters: (view) => {
    for (const name of ['buffer', 'byteOffset', 'byteLength', 'length', 'constructor'])
      Object.defineProperty(view, name, {
        get: () => {
          throw new Error(`SECRET-${name}`);
        },
      });
  },
  lyingGetters: (view) => {
    Object.defineProperty(view, 'byteLength', { value: 1 << 20 });
    Object.defineProperty(view, 'length', { value: 1 << 20 });
    Object.defineProperty(view, 'byteOffset', { value: 3 });
    Object.defineProperty(view, 'buffer', { value: new ArrayBuffer(4) });
  },
  // A species asked for (as `slice` asks) takes the bytes away before answering.
  detachingSpecies: (view, buffer) => {
    Object.defineProperty(view, 'constructor', {
      value: {
        [Symbol.species]: function Species(length: number) {
          // Shrinks a resizable buffer, detaches any other (a shared one throws: it can do neither).
          const own = buffer as ArrayBuffer & {
            resizable: boolean;
            resize(n: number): void;
            transfer(): void;
          };
          if (own.resizable) own.resize(0);
          else own.transfer();
          return new Uint8Array(length);
        },
      },
    });
  },
  // A `then` makes it a thenable: whatever awaits it (an async function returning it) runs the caller's code.
  thenThrows: (view) => {
    Object.defineProperty(view, 'then', {
      get: () => {
        throw new Error('SECRET-then');
      },
    });
  },
  thenAnswersOtherBytes: (view) => {
    Object.defineProperty(view, 'then', {
      value: (resolve: (value: unknown) => void) => resolve(new TextEncoder().encode('{"forged":true}')),
    });
  },
  prototypeOfAnother: (view) => {
    Object.setPrototypeOf(view, view instanceof DataView ? Uint8Array.prototype : DataView.prototype);
  },
  nullPrototype: (view) => {
    Object.setPrototypeOf(view, null);
  },
  float64Prototype: (view) => {
    Object.setPrototypeOf(view, Float64Array.prototype);
  },
};

const maker =
  (bufferKind: string, viewKind: string, tweak: string): Maker =>
  (bytes) => {
    const offset = 3;
    const buffer = (buffers[bufferKind] as (size: number) => ArrayBufferLike)(bytes.length + offset + 2);
    new Uint8Array(buffer).fill(0xee);
    new Uint8Array(buffer, offset, bytes.length).set(bytes);
    const value = (views[viewKind] as (b: ArrayBufferLike, o: number, l: number) => object)(
      buffer,
      offset,
      bytes.length,
    );
    (tweaks[tweak] as (view: object, buffer: ArrayBufferLike) => void)(value, buffer);
    return { value, buffer };
  };

/** Every kind of buffer × view × the caller's code on it. */
export const hostileKinds: readonly [string, string, string][] = Object.keys(buffers).flatMap((bufferKind) =>
  Object.keys(views).flatMap((viewKind) =>
    Object.keys(tweaks).map((tweak): [string, string, string] => [bufferKind, viewKind, tweak]),
  ),
);

/** One combination, made over `bytes`. */
export function makeHostile(
  bytes: Uint8Array,
  [bufferKind, viewKind, tweak]: readonly [string, string, string],
): { value: object; buffer: ArrayBufferLike } {
  return maker(bufferKind, viewKind, tweak)(bytes);
}

/** A whole buffer of any kind or realm holding exactly `bytes`. */
export function wholeBuffers(bytes: Uint8Array): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(buffers).map(([kind, make]) => {
      const buffer = make(bytes.length);
      new Uint8Array(buffer).set(bytes);
      return [kind, buffer];
    }),
  );
}
