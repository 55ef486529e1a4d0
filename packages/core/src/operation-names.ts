/**
 * The client's calls, each bound to its client: `const { get } = client` works as `client.get` does. A
 * registry has the same calls and its own ({@link registryCallNames}).
 *
 * @internal
 */
export const clientMethodNames = [
  'create',
  'get',
  'list',
  'update',
  'delete',
  'start',
  'stop',
  'waitForState',
  'waitForBroadcast',
] as const;

/** The calls a registry has beside a client's that make requests. @internal */
export const registryCallNames = ['findByName', 'planMigration', 'migrate'] as const;
