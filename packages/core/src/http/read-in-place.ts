import * as v from 'valibot';

/**
 * What reading a value with a schema would do: refuse it ({@link refused}), take it as it is ({@link taken}), or
 * possibly take a copy unlike it ({@link copied}: an array where an object is expected, a record with a key
 * valibot leaves out), which only valibot's own reading can settle. A union needs the three apart: valibot takes
 * the first option that accepts the value, copy or not.
 */
type Check = (value: unknown) => Verdict;
type Verdict = 0 | 1 | 2;
const refused = 0;
const taken = 1;
const copied = 2;
const verdict = (passes: boolean): Verdict => (passes ? taken : refused);

/**
 * A valibot schema that reads plain data in place: when the value passes `schema` and reading it would change
 * nothing, the value itself is the output, with no copy of any object or array in it; otherwise `schema` reads
 * it as it would on its own (same output, same issues, same paths).
 *
 * For data read many times per answer, where valibot's copying is most of what a read costs: Wowza Video's
 * `direct_playback_urls`, some 30 objects of four strings per stream, cost some 9 KiB of heap per `get` read
 * by valibot (see `docs/decisions/2026-12-01-playback-read-in-place.md`).
 *
 * What differs from `schema`'s own output, when the value is read in place: an object keeps the fields the
 * schema does not name (`v.object` drops them; read the fields you need, as you would anyway), and the output
 * is the value, not a copy (do not change it where the value is still used). A value whose copy by valibot
 * would not be like it (an array or a class instance where an object or a record is expected, a
 * `__proto__`/`constructor`/`prototype` key in a record or a loose object, an inherited key in a record) is
 * left to `schema`, and so is a union's value that such an option comes to before the one that takes it.
 *
 * Only schemas whose reading never changes a value are taken: `string`, `number`, `boolean`, `null`,
 * `undefined`, `unknown`, `literal`, `picklist`, `optional`/`nullable`/`nullish` without a default, `object`,
 * `loose_object`, `array`, `record` and `union` of these, with no `pipe` and no `fallback` anywhere.
 *
 * @param schema - The schema to read with; not changed.
 * @returns A schema of the same type, to use wherever `schema` would be used.
 * @throws `TypeError` when `schema`, or a schema inside it, is not one of those above (at once, when the
 *   reading is built, never when a value is read).
 */
export function readInPlace<TSchema extends v.GenericSchema>(schema: TSchema): TSchema {
  const check = compile(schema, 0);
  const run = schema['~run'];
  const inPlace = {
    ...schema,
    '~run'(dataset: v.UnknownDataset, config: v.Config<v.BaseIssue<unknown>>) {
      if (check(dataset.value) === taken) {
        (dataset as { typed: boolean }).typed = true;
        return dataset;
      }
      // `this`, not `schema`: what hardens a schema (see hardenSchema) hardens the copy it is given.
      return run.call(this, dataset, config);
    },
  } as TSchema;
  // Valibot's Standard Schema interface, bound to this schema's own reading.
  (inPlace as { '~standard': unknown })['~standard'] = {
    ...schema['~standard'],
    validate: (value: unknown) => inPlace['~run']({ value }, v.getGlobalConfig()),
  };
  return inPlace;
}

// Nesting this deep is a mistake or a cycle; either way it is refused when the reading is built.
const deepest = 64;

function compile(schema: unknown, depth: number): Check {
  if (depth > deepest) throw new TypeError('readInPlace: the schema nests more than 64 levels deep');
  if (typeof schema !== 'object' || schema === null) throw new TypeError('readInPlace: not a valibot schema');
  const node = schema as Record<string, unknown>;
  const type = node.type;
  if (node.kind !== 'schema' || node.async !== false || typeof type !== 'string') {
    throw new TypeError('readInPlace: not a synchronous valibot schema');
  }
  // A pipe's actions may change the value, a fallback or a default replaces it: such a reading is not in place.
  for (const key of ['pipe', 'fallback', 'default'] as const) {
    if (Object.hasOwn(node, key) && node[key] !== undefined) {
      throw new TypeError(`readInPlace: a ${type} schema with a ${key} changes what it reads`);
    }
  }
  const child = (key: string) => compile(node[key], depth + 1);
  switch (type) {
    case 'string':
    case 'boolean':
      return (value) => verdict(typeof value === type);
    case 'number':
      return (value) => verdict(typeof value === 'number' && !Number.isNaN(value));
    case 'null':
      return (value) => verdict(value === null);
    case 'undefined':
      return (value) => verdict(value === undefined);
    case 'unknown':
    case 'any':
      return () => taken;
    case 'literal': {
      const literal = node.literal;
      return (value) => verdict(value === literal);
    }
    case 'picklist': {
      const options = node.options as readonly unknown[];
      return (value) => verdict(options.includes(value));
    }
    case 'optional': {
      const wrapped = child('wrapped');
      return (value) => (value === undefined ? taken : wrapped(value));
    }
    case 'nullable': {
      const wrapped = child('wrapped');
      return (value) => (value === null ? taken : wrapped(value));
    }
    case 'nullish': {
      const wrapped = child('wrapped');
      return (value) => (value === null || value === undefined ? taken : wrapped(value));
    }
    case 'object':
      return compileObject(node.entries, depth, false);
    case 'loose_object':
      return compileObject(node.entries, depth, true);
    case 'array': {
      const item = child('item');
      return (value) => {
        if (!Array.isArray(value)) return refused;
        // Indexed: a hole reads as undefined, as valibot reads it, and no iterator is made.
        for (let index = 0; index < value.length; index += 1) {
          const read = item(value[index]);
          if (read !== taken) return read;
        }
        return taken;
      };
    }
    case 'record': {
      const key = child('key');
      const item = child('value');
      return (value) => {
        const kind = objectKind(value);
        if (kind !== taken) return kind;
        for (const name in value as object) {
          // valibot's record copies own keys but these three, and does not read them: with one, its output
          // is not the value, whether it accepts the value or not.
          if (
            !Object.hasOwn(value as object, name) ||
            name === '__proto__' ||
            name === 'constructor' ||
            name === 'prototype'
          )
            return copied;
          const read = key(name) === refused ? refused : item((value as Record<string, unknown>)[name]);
          if (read !== taken) return read;
        }
        return taken;
      };
    }
    case 'union': {
      const options = (node.options as readonly unknown[]).map((option) => compile(option, depth + 1));
      // valibot takes the first option that accepts the value: one that might, with a copy, settles it.
      return (value) => {
        for (let index = 0; index < options.length; index += 1) {
          const read = (options[index] as Check)(value);
          if (read !== refused) return read;
        }
        return refused;
      };
    }
    default:
      throw new TypeError(`readInPlace: a ${type} schema is not read in place`);
  }
}

function compileObject(entries: unknown, depth: number, loose: boolean): Check {
  if (typeof entries !== 'object' || entries === null)
    throw new TypeError('readInPlace: an object schema without entries');
  // Own keys, listed once: what valibot walks (its entries, hardened or not), in its order.
  const names = Object.keys(entries);
  const checks = names.map((name) => compile((entries as Record<string, unknown>)[name], depth + 1));
  // A field that may be missing: valibot reads a missing key of these as undefined, and adds nothing.
  const optional = names.map((name) => {
    const type = ((entries as Record<string, unknown>)[name] as { type: unknown }).type;
    return type === 'optional' || type === 'nullish';
  });
  return (value) => {
    const kind = objectKind(value);
    if (kind !== taken) return kind;
    const object = value as Record<string, unknown>;
    // valibot's loose object copies the fields it does not name but these three: with one, its output is not
    // the value, whether it accepts the value or not.
    if (
      loose &&
      (Object.hasOwn(object, '__proto__') ||
        Object.hasOwn(object, 'constructor') ||
        Object.hasOwn(object, 'prototype'))
    )
      return copied;
    for (let index = 0; index < names.length; index += 1) {
      const name = names[index] as string;
      // `in`, as valibot: an inherited field is read as present.
      if (name in object) {
        const read = (checks[index] as Check)(object[name]);
        if (read !== taken) return read;
      } else if (!optional[index]) return refused;
    }
    return taken;
  };
}

// valibot reads any object where an object or a record is expected, and copies its fields into a new object:
// the copy is like the value only for a JSON object (not an array, not a class instance).
function objectKind(value: unknown): Verdict {
  if (typeof value !== 'object' || value === null) return refused;
  if (Array.isArray(value)) return copied;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null ? taken : copied;
}
