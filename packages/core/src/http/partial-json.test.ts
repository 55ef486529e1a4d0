import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endsInsideJson, maxJsonBeginningDepth, readJsonBeginning } from './partial-json.js';

// Whether `got` is what of `value` a text cut short can show: the same keys in order (the last one's value
// itself a beginning), the same elements (the last one a beginning), equal leaves, except the last string,
// which may be its beginning.
function isBeginning(got: unknown, value: unknown): boolean {
  if (got === undefined) return true;
  if (typeof value === 'string') return typeof got === 'string' && value.startsWith(got);
  if (Array.isArray(value)) {
    if (!Array.isArray(got) || got.length > value.length) return false;
    return got.every((item, index) =>
      index === got.length - 1 ? isBeginning(item, value[index]) : deepEqual(item, value[index]),
    );
  }
  if (typeof value === 'object' && value !== null) {
    if (typeof got !== 'object' || got === null || Array.isArray(got)) return false;
    if (Object.getPrototypeOf(got) !== Object.prototype) return false;
    const keys = Object.keys(value);
    const gotKeys = Object.keys(got);
    if (gotKeys.length > keys.length) return false;
    return gotKeys.every((key, index) => {
      if (keys[index] !== key) return false;
      const own = Object.getOwnPropertyDescriptor(got, key)?.value;
      const expected = (value as Record<string, unknown>)[key];
      return index === gotKeys.length - 1 ? isBeginning(own, expected) : deepEqual(own, expected);
    });
  }
  return Object.is(got, value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  try {
    expect(a).toStrictEqual(b);
    return true;
  } catch {
    return false;
  }
}

// The last string leaf of a value, depth first, in text order.
function lastString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const items = Array.isArray(value)
    ? value
    : typeof value === 'object' && value !== null
      ? Object.keys(value).map((key) => Object.getOwnPropertyDescriptor(value, key)?.value)
      : [];
  return items.length === 0 ? undefined : lastString(items[items.length - 1]);
}

const containers = fc.oneof(
  fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 6 }),
  fc.dictionary(fc.oneof(fc.string(), fc.constant('__proto__')), fc.jsonValue({ maxDepth: 4 }), {
    maxKeys: 6,
  }),
);

describe('readJsonBeginning', () => {
  it('reads every cut of a JSON text as a beginning of its value, and the whole text as the value', () => {
    fc.assert(
      fc.property(
        containers,
        fc.boolean(),
        fc.nat(),
        fc.constantFrom(undefined, 2),
        (given, unicode, at, indent) => {
          const text = unicode
            ? JSON.stringify(given, null, indent)
            : JSON.stringify(given, null, indent).replace(
                /[\u007f-\uffff]/g,
                (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
              );
          const value = JSON.parse(text) as unknown;
          expect(readJsonBeginning(text)).toStrictEqual({ value });
          const cutAt = at % (text.length + 1);
          const read = readJsonBeginning(text.slice(0, cutAt));
          expect(isBeginning(read.value, value)).toBe(true);
          if (read.cut !== undefined) expect(lastString(read.value)).toBe(read.cut);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads every whole JSON text as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (given) => {
        const text = JSON.stringify(given);
        expect(readJsonBeginning(text)).toStrictEqual({ value: JSON.parse(text) });
      }),
    );
  });

  it('keeps a string cut short as its beginning and says so; drops a cut key, literal or number', () => {
    expect(readJsonBeginning('{"id":"a1","key":"k7Qz')).toStrictEqual({
      value: { id: 'a1', key: 'k7Qz' },
      cut: 'k7Qz',
    });
    expect(readJsonBeginning('{"id":"a1","ke')).toStrictEqual({ value: { id: 'a1' } });
    expect(readJsonBeginning('{"id":"a1","key":')).toStrictEqual({ value: { id: 'a1' } });
    expect(readJsonBeginning('{"a":[1,tru')).toStrictEqual({ value: { a: [1] } });
    expect(readJsonBeginning('{"a":[1,true')).toStrictEqual({ value: { a: [1, true] } });
    expect(readJsonBeginning('{"a":12')).toStrictEqual({ value: {} });
    expect(readJsonBeginning('{"a":12,')).toStrictEqual({ value: { a: 12 } });
    expect(readJsonBeginning('{"a":"x\\')).toStrictEqual({ value: { a: 'x' }, cut: 'x' });
    expect(readJsonBeginning('{"a":"x\\u00')).toStrictEqual({ value: { a: 'x' }, cut: 'x' });
    expect(readJsonBeginning('{"a":"x\\u0041')).toStrictEqual({ value: { a: 'xA' }, cut: 'xA' });
    expect(readJsonBeginning('')).toStrictEqual({ value: undefined });
    expect(readJsonBeginning('  ')).toStrictEqual({ value: undefined });
    expect(readJsonBeginning('<html>')).toStrictEqual({ value: undefined });
    expect(readJsonBeginning('12')).toStrictEqual({ value: 12 });
    expect(readJsonBeginning('"ab')).toStrictEqual({ value: 'ab', cut: 'ab' });
    // A cut string bounded: its first characters kept, a surrogate pair never split.
    expect(readJsonBeginning('{"a":"b","k":"abcdef', 4)).toStrictEqual({
      value: { a: 'b', k: 'abcd' },
      cut: 'abcd',
    });
    expect(readJsonBeginning('{"a":"abcdefgh"', 4)).toStrictEqual({ value: { a: 'abcdefgh' } });
    expect(readJsonBeginning('["ab\ud83d\ude00cd', 3)).toStrictEqual({ value: ['ab'], cut: 'ab' });
  });

  it('stops at a character JSON does not allow there, keeping what came before', () => {
    expect(readJsonBeginning('{"a":1,"b":x,"c":2}')).toStrictEqual({ value: { a: 1 } });
    expect(readJsonBeginning('{"a":"b"}} trailing')).toStrictEqual({ value: { a: 'b' } });
    expect(readJsonBeginning('{"a":"b\u0001"}')).toStrictEqual({ value: {} });
  });

  it('sets __proto__ as JSON.parse does: an own data property, no prototype change', () => {
    const read = readJsonBeginning('{"__proto__":{"polluted":1},"x":"ab').value as Record<string, unknown>;
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.hasOwn(read, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(read, '__proto__')?.value).toStrictEqual({ polluted: 1 });
    expect((read as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('reads deep nesting without overflowing the stack, up to its depth bound', () => {
    const deep = '['.repeat(1_000_000);
    const read = readJsonBeginning(deep);
    let depth = 0;
    for (let current = read.value; Array.isArray(current); current = current[0]) depth += 1;
    expect(depth).toBe(maxJsonBeginningDepth);
    expect(readJsonBeginning('{"a":'.repeat(200_000)).value).toBeTypeOf('object');
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'{}[]":,\\u0 1e-.tfn"ab') }), (text) => {
        readJsonBeginning(text);
      }),
      { numRuns: 2000 },
    );
  });
});

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('endsInsideJson', () => {
  it('is true exactly for a beginning of JSON that is not JSON itself, blank texts aside', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.constantFrom(undefined, 2),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (value, indent, share) => {
          const text = JSON.stringify(value, null, indent);
          expect(endsInsideJson(text)).toBe(false);
          const beginning = text.slice(0, Math.floor(text.length * share));
          // A beginning that is JSON itself (`12` of `123`) holds its value whole; a blank one holds none.
          expect(endsInsideJson(beginning)).toBe(beginning.trim() !== '' && !isJson(beginning));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is false for a text JSON refuses before its end', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom('x', '<', '}', ']', ',', '"', 'nul'), (value, after) => {
        expect(endsInsideJson(`${JSON.stringify(value)} ${after}`)).toBe(false);
      }),
    );
    for (const text of ['<html><body>502</body></html>', 'OK', '{"a" 1', '{"a":"\\q"}', '', '  '])
      expect(endsInsideJson(text)).toBe(false);
  });
});
