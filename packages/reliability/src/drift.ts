import fc from 'fast-check';

/** A JSON path: object keys and array indexes from the root. */
export type JsonPath = (string | number)[];

/** One change to a vendor payload, as the vendor might ship it in a later version (or by mistake). */
export type Mutation =
  /** A field the adapter has never seen, anywhere. */
  | { kind: 'add-field'; at: number; key: string; value: unknown }
  /** A value replaced by null. */
  | { kind: 'null'; at: number }
  /** A field (or array item) removed. */
  | { kind: 'delete'; at: number }
  /** A string replaced by another string: an enum value no version knows, a URL that is not one, "". */
  | { kind: 'replace-string'; at: number; value: string }
  /** A value replaced by one of another type. */
  | { kind: 'swap-type'; at: number; value: unknown };

// Strings vendors really send where enums and URLs go, and ones they should not.
const driftStrings = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'unforeseen_value',
    'STARTED',
    'null',
    'true',
    '0',
    'not a url',
    'rtmp://',
    'http://',
    'https://example.com/x',
    'rtmp://host',
    '//host/app',
    'javascript:alert(1)',
    '2026-13-45T99:99:99Z',
    '\u0000',
    '💥',
  ),
  fc.string({ maxLength: 24 }),
);

const otherTypes = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  driftStrings,
);

/** A random change; `at` picks the path (as a fraction of the payload's paths, so it fits any payload). */
export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('add-field' as const),
    at: fc.nat(),
    key: fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'id'),
    ),
    value: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.record({ kind: fc.constant('null' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace-string' as const), at: fc.nat(), value: driftStrings }),
  fc.record({ kind: fc.constant('swap-type' as const), at: fc.nat(), value: otherTypes }),
);

/** Every path in a JSON value, the root included, parents before children. */
export function pathsOf(value: unknown, prefix: JsonPath = []): JsonPath[] {
  const paths: JsonPath[] = [prefix];
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) paths.push(...pathsOf(item, [...prefix, index]));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  }
  return paths;
}

/** Paths to string values only. */
function stringPaths(value: unknown): JsonPath[] {
  return pathsOf(value).filter((path) => typeof getAt(value, path) === 'string');
}

function getAt(value: unknown, path: JsonPath): unknown {
  let current = value;
  for (const key of path) current = (current as Record<string | number, unknown> | null)?.[key];
  return current;
}

// Own properties only, so a `__proto__` key is data and never the prototype.
function setOwn(target: unknown, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Applies one mutation to a (cloned) payload and returns the new root. */
export function applyMutation(root: unknown, original: Mutation): unknown {
  // Generated values may be shared (a constant `{}`): each insertion gets its own copy, so no payload ever
  // contains itself.
  const mutation = structuredClone(original);
  const candidates = mutation.kind === 'replace-string' ? stringPaths(root) : pathsOf(root);
  const path = candidates[mutation.at % Math.max(1, candidates.length)] ?? [];
  const key = path[path.length - 1];
  const parent = path.length === 0 ? undefined : getAt(root, path.slice(0, -1));
  const replace = (value: unknown): unknown => {
    if (key === undefined || typeof parent !== 'object' || parent === null) return value;
    setOwn(parent, key, value);
    return root;
  };
  switch (mutation.kind) {
    case 'add-field': {
      const target = getAt(root, path);
      const object =
        typeof target === 'object' && target !== null && !Array.isArray(target) ? target : (parent ?? root);
      if (typeof object === 'object' && object !== null && !Array.isArray(object)) {
        setOwn(object, mutation.key, mutation.value);
      }
      return root;
    }
    case 'null':
      return replace(null);
    case 'delete':
      if (key === undefined || typeof parent !== 'object' || parent === null) return root;
      if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
      else delete (parent as Record<string, unknown>)[key];
      return root;
    case 'replace-string':
      return replace(mutation.value);
    case 'swap-type':
      return replace(mutation.value);
  }
}

/** A recorded payload with a few mutations applied. */
export function driftedPayload(bases: readonly unknown[]) {
  return fc
    .record({
      base: fc.constantFrom(...bases),
      mutations: fc.array(mutationArbitrary, { minLength: 1, maxLength: 6 }),
    })
    .map(({ base, mutations }) => ({
      mutations,
      payload: mutations.reduce(
        (payload, mutation) => applyMutation(payload, mutation),
        structuredClone(base),
      ),
    }));
}
