import {
  ConflictError,
  type CreateLiveStreamInput,
  createLiveStreamRegistry,
  formatStreamReference,
  InvalidInputError,
  type LiveStreamProvider,
  type LiveStreamRegistry,
  type LiveStreamState,
  maxNameLength,
  NotFoundError,
  type ProviderCapabilities,
  parseStreamReference,
  type RegistryLiveStream,
  type RoutedLiveStream,
  type StreamReference,
  type UniliveError,
} from '@unilive/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookLimitMs, testLimit } from './suite-limits.js';

// A model-based test of the registry (docs/multi-provider.md): random sequences of registry calls over
// several providers at once, each result checked against a small model of what the document promises: the
// provider a create lands on (by capability, in the routing order, moving on only from an adapter that
// refused before sending), the reference and that it round-trips, each error's class, `operation`,
// `provider`, `providerName` and `delivery`, a stream listed once under its provider until deleted, and what
// a migration leaves on source and target. The single-provider semantics (states, updates, the adapter's
// own refusals) is the model contract's (model-contract.ts): here each provider's part is only what the
// registry adds, and the lifecycle is followed just far enough to know which calls must succeed.

/** One provider of the registry under test. */
export interface RegistryModelProvider {
  /** Its registry name (a reference's `<name>:`). */
  name: string;
  provider: LiveStreamProvider;
  /**
   * The region ids the vendor takes, where `capabilities.regions` is true (`us_west_california`,
   * `phoenix`): any other region is refused by the adapter before anything is sent, which routing reads as
   * "made nothing" and moves on from.
   */
  regions?: readonly string[];
}

/** What {@link RegistryModelOptions.setup} gives: the providers, in the order they are given to the registry. */
export interface RegistryModelSetup {
  providers: readonly RegistryModelProvider[];
  /** `routing.order`, by name; default the order given. */
  order?: readonly string[];
  close?(): Promise<void>;
}

/** Options of {@link runRegistryModelContract}. */
export interface RegistryModelOptions {
  /** Shown in the suite's title. */
  name: string;
  /** The providers; their backends must be the model's alone (`list` is checked to hold exactly its streams). */
  setup(): RegistryModelSetup | Promise<RegistryModelSetup>;
  /** How many command sequences to run (default 30) and how long each may be (default 14). */
  numRuns?: number;
  maxCommands?: number;
  /** A fast-check seed, to replay a reported failure. */
  seed?: number;
}

/** Settled states only: a start or stop is followed by the registry's `waitForState` where it takes time. */
type Phase = 'stopped' | 'ready';

interface ModelStream {
  ref: string;
  /** The registry name of its provider. */
  on: string;
  id: string;
  /** The name asked for; kept where the vendor keeps names. */
  name: string;
  phase: Phase;
  deleted: boolean;
}

interface ModelProvider {
  name: string;
  providerId: string;
  caps: ProviderCapabilities;
  regions: readonly string[];
}

interface Model {
  /** In the order given: the order `list` walks. */
  providers: readonly ModelProvider[];
  /** The routing order. */
  order: readonly ModelProvider[];
  streams: ModelStream[];
}

interface Real {
  registry: LiveStreamRegistry;
  /** Every reference the run made, so the run can delete what it left behind. */
  made: string[];
}

type ModelCommand = fc.AsyncCommand<Model, Real>;

const trace = (text: string): void => {
  if (process.env.UNILIVE_MODEL_TRACE) console.log(text);
};

async function outcomeOf<T>(
  run: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    const value = await run();
    trace(`  = ${(value as { ref?: string } | undefined)?.ref ?? 'ok'}`);
    return { ok: true, value };
  } catch (error) {
    trace(`  = ${String(error).slice(0, 200)}`);
    return { ok: false, error };
  }
}

/** The error fields docs/multi-provider.md promises; `undefined` where the field must be absent. */
interface ExpectedError {
  operation: string;
  provider: string | undefined;
  providerName: string | undefined;
  delivery: string;
  streamId?: string;
}

function expectErrorOf(
  error: unknown,
  kind: { isInstance(value: unknown): boolean; name: string },
  expected: ExpectedError,
): asserts error is UniliveError {
  expect(kind.isInstance(error), `expected ${kind.name}, got ${String(error)}`).toBe(true);
  const unilive = error as UniliveError;
  const got = {
    operation: unilive.operation,
    provider: unilive.provider,
    providerName: unilive.providerName,
    delivery: unilive.delivery,
    ...(expected.streamId === undefined ? {} : { streamId: (unilive as NotFoundError).streamId }),
  };
  expect(got, `fields of ${String(error)}`).toEqual(expected);
}

/** A NotFoundError from the stream's vendor: a 404 (or 410) that carried nothing out. */
function expectNotFound(error: unknown, on: ModelProvider, operation: string, id: string): void {
  expectErrorOf(error, NotFoundError, {
    operation,
    provider: on.providerId,
    providerName: on.name,
    delivery: 'refused',
    streamId: id,
  });
  expect([404, 410], `status of ${String(error)}`).toContain((error as UniliveError).status);
}

/** A reference the registry refuses before any request: no provider is certain, so none is named. */
function expectRefusedReference(error: unknown, operation: string): void {
  expectErrorOf(error, InvalidInputError, {
    operation,
    provider: undefined,
    providerName: undefined,
    delivery: 'not-sent',
  });
}

/** A stream the registry returned: its reference is `<name>:<vendor id>` and reads back as the same parts. */
function expectReferenced(stream: RegistryLiveStream, on: ModelProvider, where: string): void {
  expect(stream.ref, `${where}: ref`).toBe(`${on.name}:${stream.id}`);
  expect(formatStreamReference(on.name, stream.id), `${where}: formatStreamReference`).toBe(stream.ref);
  const parsed = parseStreamReference(stream.ref);
  expect({ provider: parsed.provider, id: parsed.id }, `${where}: parseStreamReference`).toEqual({
    provider: on.name,
    id: stream.id,
  });
  // `provider` stays the vendor's id, never the registry name.
  expect(stream.provider, `${where}: provider`).toBe(on.providerId);
}

function codePoints(text: string): number {
  return [...text].length;
}

/**
 * What a provider lacks for `input`, by docs/multi-provider.md's routing table, in the table's order, each
 * phrased as `routing.excluded[].lacks` documents (`ingestProtocol srt (takes rtmp)`, `restream`).
 */
function lacks(caps: ProviderCapabilities, input: CreateLiveStreamInput): string[] {
  const gaps: string[] = [];
  const protocol = input.ingestProtocol;
  if (protocol !== undefined && !caps.ingestProtocols.includes(protocol))
    gaps.push(`ingestProtocol ${protocol} (takes ${caps.ingestProtocols.join(', ')})`);
  if (input.lowLatency === true && !caps.lowLatency) gaps.push('lowLatency');
  if (input.recording === true && !caps.recording) gaps.push('recording');
  if ((input.restream?.length ?? 0) > 0 && !caps.restream) gaps.push('restream');
  if (input.region !== undefined && !caps.regions) gaps.push('region');
  const length = codePoints(input.name);
  if (length > caps.maxNameLength) gaps.push(`a name of ${length} code points (keeps ${caps.maxNameLength})`);
  return gaps;
}

/**
 * What the adapter itself refuses before sending, on a create that names it (no capability check): what
 * the model contract holds every adapter to (a protocol, restream targets or recording it lacks, a name
 * past its limit), and a region id its vendor does not take where it has regions.
 */
function adapterRefuses(on: ModelProvider, input: CreateLiveStreamInput): boolean {
  const { caps } = on;
  if (codePoints(input.name) > caps.maxNameLength) return true;
  if (input.ingestProtocol !== undefined && !caps.ingestProtocols.includes(input.ingestProtocol)) return true;
  if ((input.restream?.length ?? 0) > 0 && !caps.restream) return true;
  if (input.recording === true && !caps.recording) return true;
  return input.region !== undefined && caps.regions && !on.regions.includes(input.region);
}

/** A new stream's state: it waits for a start where starting is a call of its own. */
const initialPhase = (caps: ProviderCapabilities): Phase =>
  caps.lifecycle === 'explicit' ? 'stopped' : 'ready';

function providerOf(model: Model, name: string): ModelProvider {
  const found = model.providers.find((each) => each.name === name);
  if (!found) throw new Error(`the model has no provider ${name}`);
  return found;
}

function pick(model: Readonly<Model>, index: number): ModelStream | undefined {
  if (model.streams.length === 0) return undefined;
  return model.streams[index % model.streams.length];
}

/** How a call hands the registry a stream: its reference, as an object, or the stream itself. */
type ReferenceForm = 'string' | 'object' | 'stream';

function referenceOf(stream: ModelStream, on: ModelProvider, form: ReferenceForm): StreamReference {
  if (form === 'string') return stream.ref;
  if (form === 'object') return { provider: stream.on, id: stream.id };
  // A stream as the registry returns it: `provider` is the vendor's id (which may be another account's
  // registry name), `ref` is what counts.
  return { ref: stream.ref, id: stream.id, provider: on.providerId } as StreamReference;
}

function expectPhase(
  stream: ModelStream,
  state: LiveStreamState,
  allowed: readonly LiveStreamState[],
  where: string,
) {
  expect(allowed, `${where}: state of ${stream.ref} (model: ${stream.phase})`).toContain(state);
}

class Create implements ModelCommand {
  constructor(
    readonly input: CreateLiveStreamInput,
    /** The provider named by the caller, by its index in the model (past the end: a name it lacks). */
    readonly requested: number | undefined,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const { input } = this;
    // Input no vendor takes (core's name limit) is refused once, before routing or any provider is asked.
    if (codePoints(input.name) > maxNameLength) return this.invalidCreate(model, real);
    if (this.requested !== undefined) return this.requestedCreate(model, real);
    const excluded = model.order
      .map((each) => ({ provider: each.name, lacks: lacks(each.caps, input) }))
      .filter((each) => each.lacks.length > 0);
    const candidates = model.order.filter((each) => lacks(each.caps, input).length === 0);
    // Routing moves on from an adapter that refused the input before sending anything.
    const refusing = [];
    let lands: ModelProvider | undefined;
    for (const candidate of candidates) {
      if (!adapterRefuses(candidate, input)) {
        lands = candidate;
        break;
      }
      refusing.push(candidate);
    }
    const result = await outcomeOf(() => real.registry.create(input));
    if (result.ok) real.made.push(result.value.ref);
    if (lands === undefined) {
      expect(
        result.ok,
        `create with no provider that takes it succeeded on ${result.ok && result.value.ref}`,
      ).toBe(false);
      if (result.ok) return;
      // One InvalidInputError listing every provider, those left out and those that refused.
      expectErrorOf(result.error, InvalidInputError, {
        operation: 'create',
        provider: undefined,
        providerName: undefined,
        delivery: 'not-sent',
      });
      expect((result.error as UniliveError).maybeCreated, 'maybeCreated').toBe(false);
      const paths = (result.error as InvalidInputError).issues.map((issue) => issue.path);
      expect(paths, `issues of ${String(result.error)}`).toEqual([
        ...excluded.map((each) => `providers.${each.provider}`),
        ...refusing.map((each) => `providers.${each.name}`),
      ]);
      for (const each of excluded)
        expect(result.error.message, 'the message lists what each lacks').toContain(
          `${each.provider} lacks ${each.lacks.join(', ')}`,
        );
      return;
    }
    if (!result.ok) throw result.error;
    const stream = result.value;
    this.created(model, stream, lands);
    expect(routingShown(stream), 'routing').toEqual({
      provider: lands.name,
      by: 'order',
      candidates: candidates.map((each) => each.name),
      excluded,
      failedOver: refusing.map((each) => ({ provider: each.name, delivery: 'not-sent', invalid: true })),
    });
    // Each failover is a `fallback` warning on the stream.
    expect(
      (stream.warnings ?? []).filter((warning) => warning.type === 'fallback').length,
      'fallback warnings',
    ).toBe(refusing.length);
    expect(stream.routing.reason.startsWith(`${lands.name}:`), `reason ${stream.routing.reason}`).toBe(true);
  }

  private async invalidCreate(model: Model, real: Real): Promise<void> {
    const requested =
      this.requested === undefined ? undefined : (model.providers[this.requested]?.name ?? 'nowhere');
    const result = await outcomeOf(() =>
      real.registry.create(this.input, requested === undefined ? undefined : { provider: requested }),
    );
    if (result.ok) real.made.push(result.value.ref);
    expect(result.ok, 'create of invalid input succeeded').toBe(false);
    if (result.ok) return;
    expectErrorOf(result.error, InvalidInputError, {
      operation: 'create',
      provider: undefined,
      providerName: undefined,
      delivery: 'not-sent',
    });
    expect((result.error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['name']);
  }

  private async requestedCreate(model: Model, real: Real): Promise<void> {
    const { input } = this;
    const on = model.providers[this.requested ?? 0];
    const name = on?.name ?? 'nowhere';
    const result = await outcomeOf(() => real.registry.create(input, { provider: name }));
    if (result.ok) real.made.push(result.value.ref);
    if (on === undefined) {
      expect(result.ok, 'create on a provider the registry lacks succeeded').toBe(false);
      if (result.ok) return;
      expectErrorOf(result.error, InvalidInputError, {
        operation: 'create',
        provider: undefined,
        providerName: undefined,
        delivery: 'not-sent',
      });
      for (const known of model.providers)
        expect(result.error.message, 'the error names the known names').toContain(known.name);
      return;
    }
    // No capability check and no failover: the adapter's own rules apply.
    if (adapterRefuses(on, input)) {
      expect(result.ok, `create refused by ${on.name}'s adapter succeeded`).toBe(false);
      if (result.ok) return;
      expectErrorOf(result.error, InvalidInputError, {
        operation: 'create',
        provider: on.providerId,
        providerName: on.name,
        delivery: 'not-sent',
      });
      return;
    }
    if (!result.ok) throw result.error;
    const stream = result.value;
    this.created(model, stream, on);
    expect(routingShown(stream), 'routing').toEqual({
      provider: on.name,
      by: 'requested',
      candidates: [on.name],
      excluded: [],
      failedOver: [],
    });
    // A preference the vendor lacks is warned about, not refused, when the caller named the provider.
    const warned = (setting: string) =>
      (stream.warnings ?? []).some(
        (warning) => warning.type === 'unsupported-setting' && warning.setting === setting,
      );
    if (input.lowLatency === true)
      expect(warned('lowLatency'), 'lowLatency warning').toBe(!on.caps.lowLatency);
    if (input.region !== undefined) expect(warned('region'), 'region warning').toBe(!on.caps.regions);
  }

  private created(model: Model, stream: RoutedLiveStream, on: ModelProvider): void {
    expectReferenced(stream, on, 'create');
    expect(
      model.streams.map((each) => each.ref),
      'create returned a reference already held',
    ).not.toContain(stream.ref);
    expect(stream.state, `state of a new ${on.caps.lifecycle} stream`).toBe(initialPhase(on.caps));
    if (on.caps.names) expect(stream.name, 'name').toBe(this.input.name);
    model.streams.push({
      ref: stream.ref,
      on: on.name,
      id: stream.id,
      name: this.input.name,
      phase: initialPhase(on.caps),
      deleted: false,
    });
  }

  toString = () =>
    `create(${JSON.stringify({ ...this.input, name: shown(this.input.name) })}${
      this.requested === undefined ? '' : `, { provider: #${this.requested} }`
    })`;
}

function shown(name: string): string {
  return codePoints(name) > 24 ? `<${codePoints(name)} code points>` : name;
}

/** get, update, start, stop or delete of a stream the model holds, by one form of its reference. */
type StreamCall = 'get' | 'update' | 'start' | 'stop' | 'delete';

class OnStream implements ModelCommand {
  constructor(
    readonly call: StreamCall,
    readonly index: number,
    readonly form: ReferenceForm,
  ) {}
  check = (model: Readonly<Model>) => model.streams.length > 0;
  async run(model: Model, real: Real): Promise<void> {
    const stream = pick(model, this.index) as ModelStream;
    const on = providerOf(model, stream.on);
    const reference = referenceOf(stream, on, this.form);
    const { registry } = real;
    const rename = `${stream.name.slice(0, 20)} renamed`;
    // A lifecycle change, settled with the library's own wait, so no later call depends on the vendor's timing.
    const settled = async (change: 'start' | 'stop', way: LiveStreamState, goal: LiveStreamState) => {
      const changed = await registry[change](reference);
      if (on.caps.lifecycle !== 'explicit') return changed;
      expectPhase(stream, changed.state, [way, goal], change);
      return registry.waitForState(reference, goal, { intervalMs: 100, maxIntervalMs: 100 });
    };
    const calls: Record<StreamCall, () => Promise<RegistryLiveStream | undefined>> = {
      get: () => registry.get(reference),
      update: () => registry.update(reference, { name: rename }),
      start: () => settled('start', 'starting', 'ready'),
      stop: () => settled('stop', 'stopping', 'stopped'),
      delete: async () => {
        await registry.delete(reference);
        return undefined;
      },
    };
    const result = await outcomeOf(calls[this.call]);
    if (stream.deleted) {
      expect(result.ok, `${this.call} of a deleted stream succeeded`).toBe(false);
      if (!result.ok) {
        // A wait reports the stream it polls; the call it follows is what fails here (the start or stop).
        expectNotFound(result.error, on, this.call, stream.id);
      }
      return;
    }
    // A stopped stream cannot be started again where `capabilities.restart` is false (a Real-Time stream
    // that has ended): a conflict unilive decides from a read, so nothing was sent (docs/errors.md).
    if (this.call === 'start' && !on.caps.restart && stream.phase === 'stopped') {
      expect(result.ok, 'start of a stopped stream that cannot restart succeeded').toBe(false);
      if (!result.ok)
        expectErrorOf(result.error, ConflictError, {
          operation: 'start',
          provider: on.providerId,
          providerName: on.name,
          delivery: 'not-sent',
        });
      return;
    }
    if (!result.ok) throw result.error;
    if (this.call === 'delete') {
      expect(result.value).toBeUndefined();
      stream.deleted = true;
      return;
    }
    const read = result.value as RegistryLiveStream;
    expectReferenced(read, on, this.call);
    expect(read.id, `${this.call}: id`).toBe(stream.id);
    if (this.call === 'update') stream.name = rename;
    if (this.call === 'start') stream.phase = 'ready';
    if (this.call === 'stop') stream.phase = 'stopped';
    expectPhase(stream, read.state, [stream.phase], this.call);
    if (on.caps.names && read.name !== undefined) expect(read.name, `${this.call}: name`).toBe(stream.name);
  }
  toString = () => `${this.call}(#${this.index} as ${this.form})`;
}

/** References that name no stream the registry can reach, and what each must be refused as. */
type BadReference =
  | 'empty'
  | 'no-separator'
  | 'no-name'
  | 'no-id'
  | 'two-separators'
  | 'bad-name'
  | 'long-name'
  | 'object-without-id'
  | 'unknown-name'
  | 'unknown-id';

class OnBadReference implements ModelCommand {
  constructor(
    readonly call: StreamCall | 'waitForState' | 'planMigration' | 'migrate',
    readonly bad: BadReference,
    readonly index: number,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const on = model.providers[this.index % model.providers.length] as ModelProvider;
    const other = model.providers[(this.index + 1) % model.providers.length] as ModelProvider;
    const missingId = 'unilive-missing0';
    const references: Record<BadReference, unknown> = {
      empty: '',
      'no-separator': `${on.name}${missingId}`,
      'no-name': `:${missingId}`,
      'no-id': `${on.name}:`,
      'two-separators': `${on.name}:${missingId}:x`,
      'bad-name': `no such:${missingId}`,
      'long-name': `${'n'.repeat(65)}:${missingId}`,
      'object-without-id': { provider: on.name },
      'unknown-name': `nowhere:${missingId}`,
      'unknown-id': `${on.name}:${missingId}`,
    };
    const reference = references[this.bad] as StreamReference;
    const { registry } = real;
    const calls: Record<OnBadReference['call'], () => Promise<unknown>> = {
      get: () => registry.get(reference),
      update: () => registry.update(reference, { name: 'unilive registry model' }),
      start: () => registry.start(reference),
      stop: () => registry.stop(reference),
      delete: () => registry.delete(reference),
      waitForState: () => registry.waitForState(reference, 'ready', { timeoutMs: 30_000, intervalMs: 100 }),
      planMigration: () => registry.planMigration(reference, { to: other.name }),
      migrate: () => registry.migrate(reference, { to: other.name }),
    };
    const result = await outcomeOf(calls[this.call]);
    expect(result.ok, `${this.call} of ${this.bad} reference succeeded`).toBe(false);
    if (result.ok) return;
    if (this.bad === 'unknown-id') {
      expectNotFound(result.error, on, this.call, missingId);
      return;
    }
    expectRefusedReference(result.error, this.call);
    if (this.bad === 'unknown-name')
      for (const known of model.providers)
        expect((result.error as UniliveError).message, 'the error names the known names').toContain(
          known.name,
        );
  }
  toString = () => `${this.call}(${this.bad} reference, #${this.index})`;
}

class List implements ModelCommand {
  /** `providers` as indexes into the model's (past the end: a name the registry lacks), or the whole walk. */
  constructor(readonly providers: readonly number[] | undefined) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const names = this.providers?.map((index) => model.providers[index]?.name ?? 'nowhere');
    const result = await outcomeOf(() =>
      real.registry.list(names === undefined ? {} : { providers: names }).toArray(),
    );
    if (names?.includes('nowhere')) {
      expect(result.ok, 'list of a provider the registry lacks succeeded').toBe(false);
      if (!result.ok)
        expectErrorOf(result.error, InvalidInputError, {
          operation: 'list',
          provider: undefined,
          providerName: undefined,
          delivery: 'not-sent',
        });
      return;
    }
    if (!result.ok) throw result.error;
    // Walked in the order given (or the order of `providers`, a name given twice walked once), one provider
    // after the other, every live stream once.
    const walked = [...new Set(names ?? model.providers.map((each) => each.name))];
    const got = result.value;
    for (const stream of got) {
      const on = providerOf(model, parseStreamReference(stream.ref).provider);
      expectReferenced(stream, on, 'list');
      const held = model.streams.find((each) => each.ref === stream.ref);
      if (held && on.caps.names && stream.name !== undefined)
        expect(stream.name, 'list: name').toBe(held.name);
    }
    const providerOrder = got.map((stream) => walked.indexOf(parseStreamReference(stream.ref).provider));
    expect(providerOrder, 'list walks one provider after the other, in order').toEqual(
      [...providerOrder].sort((a, b) => a - b),
    );
    expect(providerOrder, 'list walks only the providers asked for').not.toContain(-1);
    const expected = model.streams
      .filter((each) => !each.deleted && walked.includes(each.on))
      .map((each) => each.ref)
      .sort();
    expect(got.map((stream) => stream.ref).sort(), 'list holds every live stream once').toEqual(expected);
  }
  toString = () =>
    `list(${this.providers === undefined ? '' : JSON.stringify({ providers: this.providers })})`;
}

class FindByName implements ModelCommand {
  constructor(readonly index: number) {}
  check = (model: Readonly<Model>) => model.streams.length > 0;
  async run(model: Model, real: Real): Promise<void> {
    const { name } = pick(model, this.index) as ModelStream;
    const result = await outcomeOf(() => real.registry.findByName(name));
    if (!result.ok) throw result.error;
    for (const stream of result.value) {
      const on = providerOf(model, parseStreamReference(stream.ref).provider);
      expectReferenced(stream, on, 'findByName');
      expect(stream.name, 'findByName: name').toBe(name);
    }
    const refs = result.value.map((stream) => stream.ref);
    expect(new Set(refs).size, 'findByName: each stream once').toBe(refs.length);
    // A vendor that keeps names answers for every stream; one that may keep none only for those it named.
    const named = (ref: string) => providerOf(model, parseStreamReference(ref).provider).caps.names;
    const expected = model.streams
      .filter((each) => !each.deleted && each.name === name && providerOf(model, each.on).caps.names)
      .map((each) => each.ref)
      .sort();
    expect(refs.filter(named).sort(), `findByName(${name})`).toEqual(expected);
  }
  toString = () => `findByName(name of #${this.index})`;
}

class Migrate implements ModelCommand {
  constructor(
    readonly index: number,
    readonly to: number,
    /** `undefined`: only `planMigration`. */
    readonly deleteSource: boolean | undefined,
  ) {}
  check = (model: Readonly<Model>) => model.streams.length > 0;
  async run(model: Model, real: Real): Promise<void> {
    const stream = pick(model, this.index) as ModelStream;
    const source = providerOf(model, stream.on);
    // Never to the source's own provider: another vendor's account (the first other one from `to` on).
    const others = model.providers.filter((each) => each.name !== source.name);
    const target = others[this.to % others.length] as ModelProvider;
    const operation = this.deleteSource === undefined ? 'planMigration' : 'migrate';
    // The source's name as its read shows it (a vendor that may keep none may still have kept it), else
    // its reference; cut to the target's limit in code points.
    const carried = (read: { name?: string | undefined }) =>
      [...(read.name ?? stream.ref)].slice(0, target.caps.maxNameLength).join('');
    if (this.deleteSource === undefined) {
      const result = await outcomeOf(() => real.registry.planMigration(stream.ref, { to: target.name }));
      if (stream.deleted) {
        expect(result.ok, 'planMigration of a deleted stream succeeded').toBe(false);
        if (!result.ok) expectNotFound(result.error, source, operation, stream.id);
        return;
      }
      if (!result.ok) throw result.error;
      const plan = result.value;
      expect(plan.to, 'plan.to').toBe(target.name);
      expectReferenced(plan.source, source, 'planMigration source');
      if (source.caps.names) expect(plan.source.name, 'plan.source.name').toBe(stream.name);
      expect(plan.input.name, 'plan.input.name').toBe(carried(plan.source));
      // Always at least the new stream's own ingest and playback: a `not-carried` warning.
      expect(
        plan.warnings.some((warning) => warning.type === 'not-carried'),
        'not-carried warning',
      ).toBe(true);
      return;
    }
    const deleteSource = this.deleteSource;
    const result = await outcomeOf(() =>
      real.registry.migrate(stream.ref, { to: target.name, deleteSource }),
    );
    if (result.ok) real.made.push(result.value.stream.ref);
    if (stream.deleted) {
      expect(result.ok, 'migrate of a deleted stream succeeded').toBe(false);
      if (!result.ok) expectNotFound(result.error, source, operation, stream.id);
      return;
    }
    if (!result.ok) throw result.error;
    const migrated = result.value;
    expectReferenced(migrated.stream, target, 'migrate');
    expectReferenced(migrated.source, source, 'migrate source');
    expect(migrated.source.ref, 'migrate: source').toBe(stream.ref);
    expect(migrated.stream.routing.provider, 'migrate: routing.provider').toBe(target.name);
    expect(migrated.stream.state, 'migrate: state of the new stream').toBe(initialPhase(target.caps));
    const carriedName = carried(migrated.source);
    if (source.caps.names) expect(migrated.source.name, 'migrate: source name').toBe(stream.name);
    if (target.caps.names) expect(migrated.stream.name, 'migrate: name').toBe(carriedName);
    // Deleted only when asked, and then (on a vendor that answers) for good; never the new stream's error.
    expect(
      { sourceDeleted: migrated.sourceDeleted, sourceError: migrated.sourceError },
      'migrate: source',
    ).toEqual({
      sourceDeleted: this.deleteSource,
      sourceError: undefined,
    });
    if (this.deleteSource) stream.deleted = true;
    model.streams.push({
      ref: migrated.stream.ref,
      on: target.name,
      id: migrated.stream.id,
      name: carriedName,
      phase: initialPhase(target.caps),
      deleted: false,
    });
  }
  toString = () =>
    this.deleteSource === undefined
      ? `planMigration(#${this.index}, to other #${this.to})`
      : `migrate(#${this.index}, to other #${this.to}, deleteSource: ${this.deleteSource})`;
}

/** The commands, drawn from every provider's capabilities: inputs some take and others do not. */
function commandsFor(model: Model): {
  create: fc.Arbitrary<ModelCommand>;
  commands: fc.Arbitrary<ModelCommand>[];
} {
  const count = model.providers.length;
  const index = fc.nat({ max: 7 });
  const caps = model.providers.map((each) => each.caps);
  const protocols = [...new Set(caps.flatMap((each) => each.ingestProtocols)), 'rtsp' as const];
  const regions = [...new Set(model.providers.flatMap((each) => each.regions)), 'eu-nowhere'];
  // A few names, so streams share them (findByName), one of any script, and one past every provider's limit.
  const longest = Math.max(...caps.map((each) => each.maxNameLength));
  const name = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('alpha', 'beta', 'gamma 🎥', 'Ωmega-中') },
    { weight: 1, arbitrary: fc.constant('y'.repeat(longest + 1)) },
  );
  const extra: fc.Arbitrary<Omit<CreateLiveStreamInput, 'name'>> = fc
    .record(
      {
        ingestProtocol: fc.constantFrom(...protocols),
        recording: fc.constant(true),
        lowLatency: fc.constant(true),
        region: fc.constantFrom(...regions),
        restream: fc.constant([
          { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'unilive-registry-model-restream-key' },
        ]),
      },
      { requiredKeys: [], noNullPrototype: true },
    )
    // Most creates carry few options, so most land somewhere.
    .filter((record) => Object.keys(record).length <= 2)
    .map((record) => {
      const input: Omit<CreateLiveStreamInput, 'name'> = {};
      for (const [key, value] of Object.entries(record))
        if (value !== undefined) Object.assign(input, { [key]: value });
      return input;
    });
  const requested = fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.nat({ max: count - 1 }) },
    { weight: 1, arbitrary: fc.constant(count) },
  );
  const create = fc
    .tuple(name, extra, requested)
    .map(([each, rest, on]) => new Create({ name: each, ...rest }, on) as ModelCommand);
  const forms = fc.constantFrom<ReferenceForm>('string', 'object', 'stream');
  const streamCalls: StreamCall[] = ['get', 'update', 'start', 'stop', 'delete'];
  const bad = fc.constantFrom<BadReference>(
    'empty',
    'no-separator',
    'no-name',
    'no-id',
    'two-separators',
    'bad-name',
    'long-name',
    'object-without-id',
    'unknown-name',
    'unknown-id',
  );
  const badCalls = fc.constantFrom<OnBadReference['call']>(
    ...streamCalls,
    'waitForState',
    'planMigration',
    'migrate',
  );
  const arbitraries: [number, fc.Arbitrary<ModelCommand>][] = [
    [4, create],
    [
      6,
      fc
        .tuple(fc.constantFrom(...streamCalls), index, forms)
        .map(([call, each, form]) => new OnStream(call, each, form)),
    ],
    [
      2,
      fc
        .option(fc.array(fc.nat({ max: count }), { minLength: 1, maxLength: count + 1 }), { nil: undefined })
        .map((names) => new List(names)),
    ],
    [1, index.map((each) => new FindByName(each))],
    [
      2,
      fc
        .tuple(index, fc.nat({ max: count }), fc.option(fc.boolean(), { nil: undefined }))
        .map(([each, to, deleteSource]) => new Migrate(each, to, deleteSource)),
    ],
    [1, fc.tuple(badCalls, bad, index).map(([call, kind, each]) => new OnBadReference(call, kind, each))],
  ];
  const traced = (command: ModelCommand): ModelCommand => {
    if (!process.env.UNILIVE_MODEL_TRACE) return command;
    const run = command.run.bind(command);
    command.run = async (model, real) => {
      trace(`  > ${String(command)}`);
      await run(model, real);
    };
    return command;
  };
  // fc.commands picks among its arbitraries evenly: a weight repeats one.
  const commands = arbitraries.flatMap(([weight, arbitrary]) =>
    Array.from({ length: weight }, () => arbitrary.map(traced)),
  );
  return { create: create.map(traced), commands };
}

// What a routed stream says of its routing, each failover reduced to what the model predicts of it.
function routingShown(stream: RoutedLiveStream) {
  const { provider, by, candidates, excluded, failedOver } = stream.routing;
  return {
    provider,
    by,
    candidates,
    excluded,
    failedOver: failedOver.map((each) => ({
      provider: each.provider,
      delivery: each.delivery,
      invalid: InvalidInputError.isInstance(each.error),
    })),
  };
}

/**
 * The registry's model-based suite: fast-check draws sequences of routed and requested creates (inputs only
 * some providers take: an ingest protocol, recording, low latency, a region, restream targets, a name past
 * every limit), get, update, start, stop and delete by each form of a reference, calls on malformed
 * references and on unknown names and ids, list (all, or `providers` with repeats and unknown names),
 * findByName, planMigration and migrate, through one registry over the providers `setup` gives, and checks
 * each result against the model docs/multi-provider.md describes.
 */
export function runRegistryModelContract(options: RegistryModelOptions): void {
  describe(`LiveStreamRegistry model: ${options.name}`, testLimit, () => {
    let setup: RegistryModelSetup;
    beforeAll(async () => {
      setup = await options.setup();
    }, hookLimitMs);
    afterAll(async () => {
      await setup?.close?.();
    }, hookLimitMs);

    it('every call sequence behaves as docs/multi-provider.md says', async () => {
      const registry = createLiveStreamRegistry({
        providers: new Map(setup.providers.map((each) => [each.name, each.provider])),
        ...(setup.order ? { routing: { order: setup.order } } : {}),
      });
      const providers: ModelProvider[] = setup.providers.map((each) => ({
        name: each.name,
        providerId: each.provider.id,
        caps: each.provider.capabilities,
        regions: each.regions ?? [],
      }));
      const order = (setup.order ?? providers.map((each) => each.name)).map(
        (name) => providers.find((each) => each.name === name) as ModelProvider,
      );
      const blank = (): Model => ({ providers, order, streams: [] });
      const { create, commands: drawn } = commandsFor(blank());
      await fc.assert(
        fc.asyncProperty(
          fc.array(create, { minLength: 1, maxLength: 3 }),
          fc.commands(drawn, { maxCommands: options.maxCommands ?? 14, size: 'max' }),
          async (creates, rest) => {
            const real: Real = { registry, made: [] };
            trace('run');
            try {
              await fc.asyncModelRun(() => ({ model: blank(), real }), [...creates, ...rest]);
            } finally {
              // Each run starts from empty backends: what it made goes (already gone is fine).
              for (const ref of real.made) await registry.delete(ref).catch(() => undefined);
            }
          },
        ),
        {
          numRuns: Number(process.env.UNILIVE_MODEL_RUNS) || options.numRuns || 30,
          ...(options.seed === undefined ? {} : { seed: options.seed }),
        },
      );
    });
  });
}
