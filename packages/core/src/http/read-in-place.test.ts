import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ResponseShapeError } from '../errors/errors.js';
import { parseVendorResponse } from './parse-response.js';
import { readInPlace } from './read-in-place.js';

// readInPlace must read exactly as the schema it wraps: the same values accepted and refused, the same issues,
// and, read in place, the value itself standing for the schema's output (the fields the schema names hold what
// valibot's copy holds). Schemas are generated from every kind it takes, nested, with values built to fit them
// and, at any depth, values that do not.

/** A schema as generated: its kind, what it holds, and the valibot schema built from it. */
type Shape =
  | { kind: 'string' | 'number' | 'boolean' | 'null' | 'undefined' | 'unknown' }
  | { kind: 'literal'; literal: string | number | boolean }
  | { kind: 'picklist'; options: readonly (string | number)[] }
  | { kind: 'optional' | 'nullable' | 'nullish'; wrapped: Shape }
  | { kind: 'object' | 'loose_object'; entries: Record<string, Shape> }
  | { kind: 'array'; item: Shape }
  | { kind: 'record'; keys: 'string' | 'picked'; value: Shape }
  | { kind: 'union'; options: Shape[] };

const keys = ['a', 'b', 'url', 'name'] as const;
const picked = ['a', 'b'] as const;

const shape: fc.Arbitrary<Shape> = fc.letrec<{ shape: Shape }>((tie) => ({
  shape: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<Shape>(
      { kind: 'string' },
      { kind: 'number' },
      { kind: 'boolean' },
      { kind: 'null' },
      { kind: 'undefined' },
      { kind: 'unknown' },
      { kind: 'literal', literal: 'a' },
      { kind: 'literal', literal: 1 },
      { kind: 'literal', literal: true },
      { kind: 'picklist', options: ['a', 'b', 1] },
    ),
    fc.record({
      kind: fc.constantFrom('optional', 'nullable', 'nullish'),
      wrapped: tie('shape'),
    }) as fc.Arbitrary<Shape>,
    fc.record({
      kind: fc.constantFrom('object', 'loose_object'),
      entries: fc.dictionary(fc.constantFrom(...keys), tie('shape'), { maxKeys: 3 }),
    }) as fc.Arbitrary<Shape>,
    fc.record({ kind: fc.constant('array'), item: tie('shape') }) as fc.Arbitrary<Shape>,
    fc.record({
      kind: fc.constant('record'),
      keys: fc.constantFrom('string', 'picked'),
      value: tie('shape'),
    }) as fc.Arbitrary<Shape>,
    fc.record({
      kind: fc.constant('union'),
      options: fc.array(tie('shape'), { minLength: 1, maxLength: 3 }),
    }) as fc.Arbitrary<Shape>,
  ),
})).shape;

function schemaOf(node: Shape): v.GenericSchema {
  switch (node.kind) {
    case 'string':
      return v.string();
    case 'number':
      return v.number();
    case 'boolean':
      return v.boolean();
    case 'null':
      return v.null();
    case 'undefined':
      return v.undefined();
    case 'unknown':
      return v.unknown();
    case 'literal':
      return v.literal(node.literal);
    case 'picklist':
      return v.picklist(node.options);
    case 'optional':
      return v.optional(schemaOf(node.wrapped));
    case 'nullable':
      return v.nullable(schemaOf(node.wrapped));
    case 'nullish':
      return v.nullish(schemaOf(node.wrapped));
    case 'object':
    case 'loose_object': {
      const entries = Object.fromEntries(
        Object.entries(node.entries).map(([key, entry]) => [key, schemaOf(entry)]),
      );
      return node.kind === 'object' ? v.object(entries) : v.looseObject(entries);
    }
    case 'array':
      return v.array(schemaOf(node.item));
    case 'record':
      return v.record(node.keys === 'string' ? v.string() : v.picklist(picked), schemaOf(node.value));
    case 'union':
      return v.union(node.options.map(schemaOf));
  }
}

/** Any value at all, of the kinds a JSON answer holds and a few it does not. */
const anything: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(undefined, Number.NaN, [undefined], { a: undefined }, new Date(0), Object.create(null)),
  fc.dictionary(fc.constantFrom(...keys, '__proto__', 'constructor', 'c'), fc.jsonValue({ maxDepth: 1 }), {
    maxKeys: 3,
  }),
);

/** Values built to fit `node`, where each part, at any depth, may be `anything` instead (weight 1 in `1 + fit`). */
function valuesFor(node: Shape, fit: number): fc.Arbitrary<unknown> {
  const fitting = fittingValuesFor(node, fit);
  return fit === Number.POSITIVE_INFINITY
    ? fitting
    : fc.oneof({ weight: fit, arbitrary: fitting }, { weight: 1, arbitrary: anything });
}

function fittingValuesFor(node: Shape, fit: number): fc.Arbitrary<unknown> {
  switch (node.kind) {
    case 'string':
      return fc.string({ maxLength: 3 });
    case 'number':
      return fc.double({ noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'undefined':
      return fc.constant(undefined);
    case 'unknown':
      return fc.jsonValue({ maxDepth: 1 });
    case 'literal':
      return fc.constant(node.literal);
    case 'picklist':
      return fc.constantFrom(...node.options);
    case 'optional':
      return fc.oneof(fc.constant(undefined), valuesFor(node.wrapped, fit));
    case 'nullable':
      return fc.oneof(fc.constant(null), valuesFor(node.wrapped, fit));
    case 'nullish':
      return fc.oneof(fc.constant(null), fc.constant(undefined), valuesFor(node.wrapped, fit));
    case 'object':
    case 'loose_object': {
      const entries = Object.fromEntries(
        Object.entries(node.entries).map(([key, entry]) => [key, valuesFor(entry, fit)]),
      );
      // Every key but the required ones may be missing, and a field the schema does not name may come along.
      const required = Object.entries(node.entries)
        .filter(([, entry]) => entry.kind !== 'optional' && entry.kind !== 'nullish')
        .map(([key]) => key);
      return fc
        .tuple(
          fc.record(entries, { requiredKeys: required }),
          fc.option(fc.jsonValue({ maxDepth: 1 }), { nil: undefined }),
        )
        .map(([value, extra]) => (extra === undefined ? value : { ...value, extra }));
    }
    case 'array':
      return fc.array(valuesFor(node.item, fit), { maxLength: 3 });
    case 'record':
      return fc.dictionary(
        node.keys === 'string' ? fc.string({ maxLength: 2 }) : fc.constantFrom(...picked),
        valuesFor(node.value, fit),
        {
          maxKeys: 3,
        },
      );
    case 'union':
      return fc.oneof(...node.options.map((option) => valuesFor(option, fit)));
  }
}

/** What valibot's output of `value` holds, read off `value` itself along the fields `node` names. */
/** The fields the objects `node` may read a value as name: through wrappers and every option of a union. */
function fieldsOf(node: Shape): string[] {
  switch (node.kind) {
    case 'optional':
    case 'nullable':
    case 'nullish':
      return fieldsOf(node.wrapped);
    case 'object':
    case 'loose_object':
      return Object.keys(node.entries);
    case 'union':
      return node.options.flatMap(fieldsOf);
    default:
      return [];
  }
}

/**
 * Whether `value`, as the output, keeps no field that valibot's copy drops and the output's type reads: at a
 * union, the option valibot takes (the first that accepts the value) is the one the value is read as; when
 * that is an `object` (which drops what it does not name), no field that another option of the unions around
 * it names may be on the value.
 */
function noFieldOfAnotherOption(node: Shape, value: unknown, named: readonly string[] = []): boolean {
  const object = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  switch (node.kind) {
    case 'optional':
    case 'nullable':
    case 'nullish':
      return value === null || value === undefined || noFieldOfAnotherOption(node.wrapped, value, named);
    case 'object':
    case 'loose_object': {
      const dropped = node.kind === 'object' ? named.filter((field) => !(field in node.entries)) : [];
      return (
        (object === undefined || dropped.every((field) => !(field in object))) &&
        Object.entries(node.entries).every(
          ([key, entry]) =>
            object === undefined || !(key in object) || noFieldOfAnotherOption(entry, object[key]),
        )
      );
    }
    case 'array':
      return (value as unknown[]).every((item) => noFieldOfAnotherOption(node.item, item));
    case 'record':
      return Object.values(value as object).every((item) => noFieldOfAnotherOption(node.value, item));
    case 'union': {
      const chosen = node.options.find((option) => v.safeParse(schemaOf(option), value).success) as Shape;
      return noFieldOfAnotherOption(chosen, value, [...named, ...fieldsOf(node)]);
    }
    default:
      return true;
  }
}

function projection(node: Shape, value: unknown): unknown {
  switch (node.kind) {
    case 'optional':
    case 'nullable':
    case 'nullish':
      return value === null || value === undefined ? value : projection(node.wrapped, value);
    case 'object':
    case 'loose_object': {
      const source = value as Record<string, unknown>;
      const output: Record<string, unknown> = {};
      for (const key of Object.keys(node.entries)) {
        if (key in source) output[key] = projection(node.entries[key] as Shape, source[key]);
      }
      if (node.kind === 'loose_object') {
        // Own entries only: a field named like an Object.prototype member (`toString`) is not one the
        // schema names, and valibot's loose object keeps it.
        for (const key of Object.keys(source))
          if (!Object.hasOwn(node.entries, key)) output[key] = source[key];
      }
      return output;
    }
    case 'array':
      return (value as unknown[]).map((item) => projection(node.item, item));
    case 'record':
      return Object.fromEntries(
        Object.entries(value as object).map(([key, item]) => [key, projection(node.value, item)]),
      );
    case 'union': {
      const option = node.options.find(
        (candidate) => v.safeParse(schemaOf(candidate), value).success,
      ) as Shape;
      return projection(option, value);
    }
    default:
      return value;
  }
}

/** The kinds of value `node` may take: through `optional`/`nullable`/`nullish` and every option of a union. */
const kindsOf = (node: Shape): Shape['kind'][] =>
  node.kind === 'optional' || node.kind === 'nullable' || node.kind === 'nullish'
    ? kindsOf(node.wrapped)
    : node.kind === 'union'
      ? node.options.flatMap(kindsOf)
      : [node.kind];

const composite = new Set<Shape['kind']>(['object', 'loose_object', 'record', 'array', 'unknown']);

/**
 * Whether each union in `node` has at most one option that may take an object or an array. valibot reads an
 * array where an object or a record is expected, copied into an object: with two such options, a value built
 * for the second may be taken, copied, by the first, at any depth.
 */
function oneCompositeOption(node: Shape): boolean {
  switch (node.kind) {
    case 'optional':
    case 'nullable':
    case 'nullish':
      return oneCompositeOption(node.wrapped);
    case 'object':
    case 'loose_object':
      return Object.values(node.entries).every(oneCompositeOption);
    case 'array':
      return oneCompositeOption(node.item);
    case 'record':
      return oneCompositeOption(node.value);
    case 'union':
      return (
        node.options.filter((option) => kindsOf(option).some((kind) => composite.has(kind))).length <= 1 &&
        node.options.every(oneCompositeOption)
      );
    default:
      return true;
  }
}

describe('readInPlace', () => {
  it('accepts and refuses what the schema does, with the same issues, and its output holds what valibot reads', () => {
    let inPlace = 0;
    let copied = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        shape.chain((node) => fc.tuple(fc.constant(node), valuesFor(node, 6))),
        ([node, value]) => {
          const schema = schemaOf(node);
          const expected = v.safeParse(schema, value);
          const read = v.safeParse(readInPlace(schema), value);
          expect(read.success).toBe(expected.success);
          if (!expected.success) {
            refused += 1;
            expect(read.issues).toEqual(expected.issues);
            return;
          }
          if (read.output === value) {
            inPlace += 1;
            expect(projection(node, value)).toEqual(expected.output);
            expect(noFieldOfAnotherOption(node, value)).toBe(true);
          } else {
            copied += 1;
            expect(read.output).toEqual(expected.output);
          }
        },
      ),
      {
        numRuns: 3000,
        // A field of the value named like an Object.prototype member, which the schema does not name.
        examples: [[[{ kind: 'loose_object', entries: {} }, { toString: false }]]],
      },
    );
    // Each way was taken: the property did not hold vacuously.
    expect(Math.min(inPlace, copied, refused)).toBeGreaterThan(0);
  });

  it('reads every value built to fit the schema in place: the value itself, no copy', () => {
    fc.assert(
      fc.property(
        shape.chain((node) => fc.tuple(fc.constant(node), valuesFor(node, Number.POSITIVE_INFINITY))),
        ([node, value]) => {
          fc.pre(oneCompositeOption(node));
          const read = v.safeParse(readInPlace(schemaOf(node)), value);
          expect(read.success).toBe(true);
          expect(read.output).toBe(value);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('leaves to the schema what valibot would not copy as it is, and reads it as the schema does', () => {
    const records = v.record(v.string(), v.string());
    const objects = v.object({ url: v.string() });
    const cases: Array<[v.GenericSchema, unknown]> = [
      [records, ['a']],
      [records, JSON.parse('{"__proto__": "x", "a": "b"}')],
      [records, { constructor: 'x' }],
      [records, Object.assign(Object.create({ inherited: 'x' }), { a: 'b' })],
      [v.looseObject({ url: v.string() }), JSON.parse('{"url": "u", "__proto__": 1}')],
      [v.looseObject({ url: v.string() }), { url: 'u', constructor: 1 }],
      // A hole: valibot's copy holds undefined there.
      // biome-ignore lint/suspicious/noSparseArray: the hole is the case
      [v.array(v.optional(v.string())), [, 'a']],
      // `b` is named by the option valibot does not take, and dropped by the one it takes.
      [v.union([v.object({ a: v.string() }), v.object({ b: v.number() })]), { a: 'x', b: 'not a number' }],
      [objects, Object.assign(['x'], { url: 'u' })],
      [objects, Object.assign(new Date(0), { url: 'u' })],
    ];
    for (const [schema, value] of cases) {
      const read = v.safeParse(readInPlace(schema), value);
      const expected = v.safeParse(schema, value);
      expect(read.success).toBe(expected.success);
      expect(read.output).not.toBe(value);
      expect(read.output).toEqual(expected.output);
    }
  });

  it("reads in place a value a union's later option takes, when the options before it refuse it", () => {
    const answer = v.union([
      v.object({ type: v.literal('rtmp'), url: v.string() }),
      v.object({ type: v.literal('webrtc'), url: v.string(), stream_name: v.string() }),
      v.looseObject({ url: v.string() }),
    ]);
    const schema = readInPlace(v.array(answer));
    const value = [
      { type: 'webrtc', url: 'wss://h', stream_name: 's' },
      { url: 'https://h' },
      { type: 'rtmp', url: 'rtmp://h' },
    ];
    const read = v.safeParse(schema, value);
    expect(read.success).toBe(true);
    expect(read.output).toBe(value);
    // The first option misses a required field, the second is not an object: refused by both, not left to valibot.
    expect(
      v.parse(readInPlace(v.union([v.object({ a: v.string() }), v.string(), v.looseObject({})])), value[1]),
    ).toBe(value[1]);
  });

  it('refuses, when it is built, a schema whose reading may change a value', () => {
    const refused: v.GenericSchema[] = [
      v.pipe(v.string(), v.trim()),
      v.pipe(v.string(), v.minLength(1)),
      v.optional(v.string(), 'x'),
      v.nullish(v.string(), null),
      v.fallback(v.string(), 'x'),
      v.date(),
      v.strictObject({ a: v.string() }),
      v.object({ a: v.exactOptional(v.string()) }),
      v.tuple([v.string()]),
      v.array(
        v.pipe(
          v.string(),
          v.transform((text) => text.length),
        ),
      ),
      v.record(v.string(), v.optional(v.number(), 0)),
      v.union([v.string(), v.pipe(v.number(), v.toString())]),
      v.object({ a: v.object({ b: v.lazy(() => v.string()) }) }),
    ];
    for (const schema of refused) expect(() => readInPlace(schema)).toThrow(TypeError);
    expect(() => readInPlace(v.objectAsync({ a: v.string() }) as unknown as v.GenericSchema)).toThrow(
      TypeError,
    );
  });

  it('reads through parseVendorResponse, hardened, and under a polluted Object.prototype as the schema does', () => {
    const entry = v.object({ name: v.nullish(v.string()), url: v.string() });
    const plain = v.object({ urls: v.record(v.string(), v.nullish(v.array(entry))) });
    const inPlace = v.object({ urls: readInPlace(v.record(v.string(), v.nullish(v.array(entry)))) });
    const body = {
      urls: {
        rtmp: [
          { url: 'rtmp://h/a', output_id: 'o' },
          { name: 'source', url: 'rtmp://h/b' },
        ],
        webrtc: null,
      },
    };
    const read = parseVendorResponse(inPlace, body, { operation: 'get' });
    expect(read.urls).toBe(body.urls);
    expect(read).toEqual({ urls: body.urls });
    // A field set on Object.prototype: read as valibot reads it, inherited into each entry without `name`.
    const prototype = Object.prototype as Record<string, unknown>;
    prototype.name = 'polluted';
    try {
      const expected = parseVendorResponse(plain, body, { operation: 'get' });
      const polluted = parseVendorResponse(inPlace, body, { operation: 'get' });
      expect(polluted.urls.rtmp?.map((item) => item.name)).toEqual(
        expected.urls.rtmp?.map((item) => item.name),
      );
    } finally {
      delete prototype.name;
    }
    const broken = { urls: { rtmp: [{ url: 'rtmp://h/a' }, { url: 7 }] } };
    const errorOf = (schema: v.GenericSchema) => {
      try {
        parseVendorResponse(schema, broken, { provider: 'wowza-video', operation: 'get' });
      } catch (error) {
        return error;
      }
      throw new Error('not refused');
    };
    const error = errorOf(inPlace);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as ResponseShapeError).issues).toEqual((errorOf(plain) as ResponseShapeError).issues);
    expect((error as ResponseShapeError).issues).toEqual([{ path: 'urls.rtmp.1.url', expected: 'string' }]);
  });

  it("answers valibot's Standard Schema interface with its own reading", () => {
    const schema = readInPlace(v.array(v.object({ url: v.string() })));
    const value = [{ url: 'u', other: 1 }];
    const result = schema['~standard'].validate(value) as { value: unknown };
    expect(result.value).toBe(value);
  });
});
