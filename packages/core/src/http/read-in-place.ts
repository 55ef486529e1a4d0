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
 * Also left to `schema`: an array with holes (valibot's copy fills them with `undefined`), and a union's value
 * that carries a field only another option names (`v.union([v.object({ a: v.string() }), v.object({ b:
 * v.number() })])` reading `{ a: 'x', b: 'y' }`: valibot's copy drops `b`, which the output's type says is a
 * number when present).
 *
 * Only schemas whose reading never changes a value are taken: `string`, `number`, `boolean`, `null`,
 * `undefined`, `unknown`, `any`, `literal`, `picklist`, `optional`/`nullable`/`nullish` without a default,
 * `object`, `loose_object`, `array`, `record` and `union` of these, with no `pipe` and no `fallback` anywhere,
 * nested at most 64 deep. They are known by their `type`, as valibot's own functions (and `v.config`,
 * `v.message`) make them: a schema object made by hand with one of these types and a `~run` of its own is
 * read as that type.
 *
 * Meant for data parsed from JSON. A value whose reading answers differently from one read to the next (a
 * getter, a Proxy) is outside that: it is read once by the check and, when the check does not take it, again
 * by valibot, and a Proxy's `ownKeys` is not consulted where valibot would, nor its `has` for a field that
 * reads as a value (a field is read first, and asked for with `in` only when it reads as `undefined`).
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
        // Indexed: no iterator is made. valibot reads a hole as undefined and fills it in its copy, which is
        // then not like the value.
        for (let index = 0; index < value.length; index += 1) {
          const entry = value[index];
          if (entry === undefined && !(index in value)) return copied;
          const read = item(entry);
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
      const schemas = node.options as readonly unknown[];
      const options = schemas.map((option) => compile(option, depth + 1));
      // The fields an option's objects name, and for each option those that only others name: an object
      // option takes a value in place with such a field on it, but valibot's copy drops it, and the output's
      // type says that field, when present, is what the option naming it reads (`{ a: string } | { b: number }`
      // taking `{ a: 'x', b: 'y' }`): such a value is left to valibot.
      const named = schemas.map((option) => fieldsNamedBy(option, 0));
      const foreign = named.map((own) => [...new Set(named.flat())].filter((name) => !own.includes(name)));
      // valibot takes the first option that accepts the value: one that might, with a copy, settles it.
      return (value) => {
        for (let index = 0; index < options.length; index += 1) {
          const read = (options[index] as Check)(value);
          if (read === refused) continue;
          if (read === taken && typeof value === 'object' && value !== null) {
            const others = foreign[index] as string[];
            for (let field = 0; field < others.length; field += 1)
              if ((others[field] as string) in value) return copied;
          }
          return read;
        }
        return refused;
      };
    }
    default:
      throw new TypeError(`readInPlace: a ${type} schema is not read in place`);
  }
}

/** The fields the objects `schema` may read a value as name: through `optional`/`nullable`/`nullish` and unions. */
function fieldsNamedBy(schema: unknown, depth: number): string[] {
  const node = schema as { type: string; wrapped?: unknown; options?: readonly unknown[]; entries?: object };
  if (depth > deepest) return [];
  switch (node.type) {
    case 'optional':
    case 'nullable':
    case 'nullish':
      return fieldsNamedBy(node.wrapped, depth + 1);
    case 'object':
    case 'loose_object':
      return Object.keys(node.entries as object);
    case 'union':
      return (node.options as readonly unknown[]).flatMap((option) => fieldsNamedBy(option, depth + 1));
    default:
      return [];
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
      // Read first, and ask `in` only of a field that reads as undefined: a field that holds a value is
      // present, and for one that may be missing undefined is taken, present or not; the asking is most of
      // what checking a field of plain data costs.
      const field = object[name];
      if (field === undefined) {
        if (optional[index]) continue;
        // `in`, as valibot: an inherited field is read as present.
        if (!(name in object)) return refused;
      }
      const read = (checks[index] as Check)(field);
      if (read !== taken) return read;
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
