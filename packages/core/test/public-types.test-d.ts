// Type tests, checked by `tsc` in this package's typecheck (never run): what the public types promise a
// caller under `strict` and `exactOptionalPropertyTypes`. Every `@ts-expect-error` below must stay an error.
import {
  type ChangeAppliedError,
  ConflictError,
  createEventHub,
  createLiveStreamClient,
  createLiveStreamClientFromConfig,
  createLiveStreamRegistry,
  type HttpHooks,
  type InvalidInputError,
  type LiveStreamConfig,
  type LiveStreamEvent,
  type LiveStreamEventOf,
  type LiveStreamEventType,
  type LiveStreamProvider,
  type LiveStreamState,
  type RateLimitConfig,
  RateLimitError,
  type RegistryProviderConfig,
  type TimeoutError,
  UniliveError,
  type WebhookReadOptions,
} from '../src/index.js';

declare const provider: LiveStreamProvider;
const client = createLiveStreamClient(provider);
const registry = createLiveStreamRegistry({ providers: { main: provider } });

// Telling one kind of error apart leaves every other kind possible: a check for RateLimitError that fails
// does not make the error `never` (the kinds without fields of their own were the same type to TypeScript).
export function narrowing(error: unknown): string {
  if (!UniliveError.isInstance(error)) throw error;
  if (RateLimitError.isInstance(error)) return `retry after ${error.retryAfterMs ?? 0} ms`;
  if (ConflictError.isInstance(error)) return `conflict on ${error.provider ?? '?'}`;
  const name: string = error.name;
  return `${name} from ${error.provider ?? '?'}`;
}

export function kindsAreDistinct(): void {
  // @ts-expect-error a ConflictError is no RateLimitError
  const limited: RateLimitError = new ConflictError({ message: 'busy' });
  const name: 'RateLimitError' = new RateLimitError({ message: 'slow down' }).name;
  void limited;
  void name;
}

// Every kind's `name` is a literal: comparing it narrows a union of kinds, ChangeAppliedError's included.
export function namesNarrow(error: InvalidInputError | ChangeAppliedError): string {
  if (error.name === 'InvalidInputError') {
    const input: InvalidInputError = error;
    return input.message;
  }
  const applied: ChangeAppliedError = error;
  return applied.streamId;
}

export function lastStateIsAState(error: TimeoutError): LiveStreamState | undefined {
  return error.lastState;
}

// What a client and a registry hand out frozen is read-only to the types too.
export function frozen(): void {
  // @ts-expect-error client.capabilities is frozen
  client.capabilities.stop = false;
  const [first] = registry.providers;
  if (first === undefined) return;
  // @ts-expect-error a registry's provider entry is frozen
  first.name = 'other';
  // @ts-expect-error so are its capabilities
  first.capabilities.restream = true;
}

// An optional field or option given `undefined` is one left out, as at run time.
export async function explicitUndefined(id: string, signal: AbortSignal | undefined): Promise<void> {
  const region: string | undefined = undefined;
  await client.create({ name: 'launch', recording: undefined, region, restream: undefined });
  await client.update(id, { name: 'renamed', lowLatency: undefined });
  await client.get(id, { signal, timeoutMs: undefined });
  await client.list({ pageSize: undefined, name: undefined }).toArray({ limit: undefined });
  await client.waitForState(id, 'ready', { intervalMs: undefined, signal });
  await client.start(id, { providerOptions: undefined });
  await registry.create({ name: 'launch' }, { provider: undefined });
  // Options passed on from settings of the caller's own, each possibly absent.
  const hooks: HttpHooks = { onWarning: undefined, onRequest: undefined, onError: undefined };
  createLiveStreamClient(provider, { hooks });
  createEventHub({ bufferSize: undefined, dedupeWindow: undefined, retainStreams: undefined });
  const config: LiveStreamConfig = { provider: undefined };
  await createLiveStreamClientFromConfig(config, { providers: undefined, gateStores: { redis: undefined } });
  createLiveStreamRegistry({ providers: { main: provider }, routing: undefined });
}

// A registry's provider names are the keys it was given: a misspelt one fails to compile wherever a name goes.
export async function registryNames(ref: string): Promise<void> {
  const named = createLiveStreamRegistry({ providers: { eu: provider, us: provider } });
  const first: 'eu' | 'us' | undefined = named.providers[0]?.name;
  void first;
  await named.create({ name: 'launch' }, { provider: 'eu' });
  // @ts-expect-error no provider is named `asia`
  await named.create({ name: 'launch' }, { provider: 'asia' });
  await named.list({ providers: ['us', 'eu'] }).toArray();
  // @ts-expect-error nor `EU`
  await named.list({ providers: ['EU'] }).toArray();
  await named.migrate(ref, { to: 'us' });
  // @ts-expect-error a migration's target is one of its names
  await named.planMigration(ref, { to: 'useast' });
  named.client('eu');
  // @ts-expect-error so is a client's
  named.client('asia');
  // @ts-expect-error and routing's order
  createLiveStreamRegistry({ providers: { eu: provider }, routing: { order: ['us'] } });
  // Names the types cannot know (a Map, a record built at run time) are any text, checked at run time.
  const dynamic = createLiveStreamRegistry({ providers: new Map([['eu', provider]]) });
  dynamic.client('anything');
}

// The same for the options of the factories, `providerOptions` under any id and a webhook reader's options.
export async function moreExplicitUndefined(id: string): Promise<void> {
  createLiveStreamClient(provider, { hooks: undefined, rateLimit: undefined, container: undefined });
  createLiveStreamRegistry({
    providers: { main: provider },
    routing: { order: undefined, choose: undefined },
    hooks: undefined,
    rateLimit: undefined,
  });
  await client.create({ name: 'launch', providerOptions: { liveapi: undefined, 'wowza-video': undefined } });
  await client.update(id, { providerOptions: { videosdk: undefined } });
  await client.start(id, { providerOptions: { videosdk: undefined } });
  const read = (options?: WebhookReadOptions) => options?.timeoutMs;
  read({ timeoutMs: 1_000 });
  read({ signal: undefined, timeoutMs: undefined });
}

// An event is a union discriminated by `type`: narrowing on it gives what that type guarantees, and no more.
export function eventNarrowing(event: LiveStreamEvent): string {
  switch (event.type) {
    case 'live_stream.state_changed': {
      // Every state_changed says to what (every adapter, `confirm` too; the hub refuses one that does not).
      const state: LiveStreamState = event.state;
      return state;
    }
    case 'live_stream.connected':
    case 'live_stream.disconnected': {
      // Parsed as true / false, but `confirm` replaces it with the API's answer, or leaves it out.
      // @ts-expect-error a connected event does not promise `broadcasting: true`
      const arriving: true = event.broadcasting;
      const told: boolean | undefined = event.broadcasting;
      return `${arriving} ${told}`;
    }
    case 'live_stream.created':
    case 'live_stream.updated':
    case 'live_stream.deleted':
    case 'live_stream.recording_ready':
    case 'live_stream.restream_changed':
    case 'unknown': {
      // @ts-expect-error no other type promises a state (`confirm` adds the API's to any)
      const state: LiveStreamState = event.state;
      const maybe: LiveStreamState | undefined = event.state;
      return `${state} ${maybe}`;
    }
    default: {
      // Every type is a member: nothing is left.
      const none: never = event;
      return none;
    }
  }
}

export function eventMembers(type: LiveStreamEventType, event: LiveStreamEvent): void {
  const base = { id: 'e', provider: 'liveapi', streamId: 's', occurredAt: new Date(0), raw: {} };
  // @ts-expect-error a state_changed without a state is no event
  const noState: LiveStreamEvent = { ...base, type: 'live_stream.state_changed' };
  const changed: LiveStreamEvent = { ...base, type: 'live_stream.state_changed', state: 'ready' };
  const connected: LiveStreamEventOf<'live_stream.connected'> = { ...base, type: 'live_stream.connected' };
  const stateOf = (one: LiveStreamEventOf<'live_stream.state_changed'>): LiveStreamState => one.state;
  // @ts-expect-error LiveStreamEventOf is the member of that type only
  const wrong: LiveStreamEventOf<'live_stream.state_changed'> = connected;
  // The union's types are exactly LiveStreamEventType.
  const types: LiveStreamEventType = event.type;
  const back: LiveStreamEvent['type'] = type;
  void [noState, changed, stateOf, wrong, types, back];
}

// A restream list the application keeps read-only (`as const`, a `readonly` field) is taken as it is: the
// client never changes the list it is given.
export async function readonlyRestream(
  targets: readonly { url: string; streamKey: string }[],
): Promise<void> {
  const fixed = [{ url: 'rtmps://live.example.com/app', streamKey: 'zq-key' }] as const;
  await client.create({ name: 'fixed targets', restream: fixed });
  await client.update('s1', { restream: targets });
  await registry.create({ name: 'kept targets', restream: targets });
}

// Values read from the environment or a configuration may be undefined: an optional setting takes
// `undefined` as absent under `exactOptionalPropertyTypes`, as the run time does.
export function settingsFromTheEnvironment(
  number: (name: string) => number | undefined,
  text?: string,
): void {
  createLiveStreamClient(provider, {
    rateLimit: { requestsPerSecond: number('RPS'), maxConcurrency: number('CONCURRENCY') },
  });
  const limits: RateLimitConfig = { requestsPerSecond: number('RPS'), url: text, keyPrefix: text };
  const config: LiveStreamConfig = { provider: 'liveapi', package: text, rateLimit: limits };
  const entry: RegistryProviderConfig = { provider: 'liveapi', name: text };
  void [config, entry];
}

// A reference in object form names one of the registry's providers: another name fails to compile.
export async function registryReferences(): Promise<void> {
  const named = createLiveStreamRegistry({ providers: { eu: provider, us: provider } });
  await named.get({ provider: 'eu', id: 'abc123' });
  await named.get('eu:abc123');
  await named.get({ ref: 'us:abc123' });
  // @ts-expect-error 'euu' is no provider of this registry
  await named.get({ provider: 'euu', id: 'abc123' });
  // @ts-expect-error 'euu' is no provider of this registry
  await named.delete({ provider: 'euu', id: 'abc123' });
}
