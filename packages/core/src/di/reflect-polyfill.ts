// tsyringe refuses to load without `Reflect.getMetadata`. unilive registers everything by token and
// factory, so no decorator metadata is ever read; this keeps the few bytes tsyringe needs instead of the
// 10 kB reflect-metadata polyfill. A full polyfill loaded by the application is left untouched.
//
// The application may load reflect-metadata after this (its container, its own decorators). reflect-metadata
// then keeps what was defined here readable through these functions, which it calls with a property key and
// expects all of: without `hasOwnMetadata`, `getOwnMetadataKeys` and `deleteMetadata`, its first
// `defineMetadata` (every decorated class's `design:paramtypes`) throws a TypeError.
type MetadataTarget = object;
type Property = string | symbol | undefined;
type MetadataReflect = typeof Reflect & {
  getMetadata?: (key: unknown, target: MetadataTarget, property?: Property) => unknown;
};

const reflect = Reflect as MetadataReflect;

if (typeof reflect.getMetadata !== 'function') {
  // target → property key (`undefined` for the class itself) → metadata key → value.
  const store = new WeakMap<MetadataTarget, Map<Property, Map<unknown, unknown>>>();
  const own = (target: MetadataTarget, property: Property) => store.get(target)?.get(property);
  const lookup = (key: unknown, target: MetadataTarget, property?: Property): unknown => {
    for (let current: MetadataTarget | null = target; current; current = Object.getPrototypeOf(current)) {
      const map = own(current, property);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  };
  Object.assign(reflect, {
    defineMetadata(key: unknown, value: unknown, target: MetadataTarget, property?: Property) {
      let properties = store.get(target);
      if (properties === undefined) {
        properties = new Map();
        store.set(target, properties);
      }
      let map = properties.get(property);
      if (map === undefined) {
        map = new Map();
        properties.set(property, map);
      }
      map.set(key, value);
    },
    getOwnMetadata: (key: unknown, target: MetadataTarget, property?: Property) =>
      own(target, property)?.get(key),
    hasOwnMetadata: (key: unknown, target: MetadataTarget, property?: Property) =>
      own(target, property)?.has(key) ?? false,
    getOwnMetadataKeys: (target: MetadataTarget, property?: Property) => [
      ...(own(target, property)?.keys() ?? []),
    ],
    deleteMetadata: (key: unknown, target: MetadataTarget, property?: Property) =>
      own(target, property)?.delete(key) ?? false,
    getMetadata: lookup,
    hasMetadata: (key: unknown, target: MetadataTarget, property?: Property) =>
      lookup(key, target, property) !== undefined,
  });
}

export {};
