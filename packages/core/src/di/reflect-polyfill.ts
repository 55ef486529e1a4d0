// tsyringe refuses to load without `Reflect.getMetadata`. unilive registers everything by token and
// factory, so no decorator metadata is ever read; this keeps the few bytes tsyringe needs instead of the
// 10 kB reflect-metadata polyfill. A full polyfill loaded by the application is left untouched.
type MetadataTarget = object;
type MetadataReflect = typeof Reflect & {
  getMetadata?: (key: unknown, target: MetadataTarget) => unknown;
  defineMetadata?: (key: unknown, value: unknown, target: MetadataTarget) => void;
  getOwnMetadata?: (key: unknown, target: MetadataTarget) => unknown;
  hasMetadata?: (key: unknown, target: MetadataTarget) => boolean;
};

const reflect = Reflect as MetadataReflect;

if (typeof reflect.getMetadata !== 'function') {
  const store = new WeakMap<MetadataTarget, Map<unknown, unknown>>();
  const own = (target: MetadataTarget) => store.get(target);
  const lookup = (key: unknown, target: MetadataTarget): unknown => {
    for (let current: MetadataTarget | null = target; current; current = Object.getPrototypeOf(current)) {
      const map = own(current);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  };
  Object.assign(reflect, {
    defineMetadata(key: unknown, value: unknown, target: MetadataTarget) {
      const map = own(target) ?? new Map<unknown, unknown>();
      map.set(key, value);
      store.set(target, map);
    },
    getOwnMetadata: (key: unknown, target: MetadataTarget) => own(target)?.get(key),
    getMetadata: lookup,
    hasMetadata: (key: unknown, target: MetadataTarget) => lookup(key, target) !== undefined,
  });
}

export {};
