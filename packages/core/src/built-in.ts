/**
 * Which providers build their answers as this library's adapters do.
 *
 * A client hands the streams of a marked provider on as they are: each is made by the adapter's neutral
 * mapper from a vendor answer parsed against its schema, and the contract suite holds every field to its
 * type. Any other provider (one written outside this repository, or a built-in one whose methods were
 * replaced: a spread copy is not marked) has each answer read once into a checked plain copy, and its calls
 * bounded by the caller's signal and a wait's deadline even when it never settles (see the client).
 */
const builtIn = new WeakSet<object>();

/**
 * Marks `provider` as one of this repository's adapters (see above) and returns it. For the adapters of
 * unilive and the memory provider only: a provider written elsewhere that is marked loses the checks a
 * client makes of its answers, and gains nothing else.
 */
export function markBuiltInProvider<P extends object>(provider: P): P {
  builtIn.add(provider);
  return provider;
}

/** True for a provider {@link markBuiltInProvider} marked. */
export function isBuiltInProvider(provider: unknown): boolean {
  return typeof provider === 'object' && provider !== null && builtIn.has(provider);
}
