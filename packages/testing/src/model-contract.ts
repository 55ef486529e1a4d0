import {
  ConflictError,
  type CreateLiveStreamInput,
  createLiveStreamClient,
  InvalidInputError,
  ingestProtocols,
  type LiveStream,
  type LiveStreamClient,
  type LiveStreamProvider,
  type LiveStreamState,
  NotFoundError,
  type ProviderCapabilities,
  type RestreamTargetInput,
  TimeoutError,
  type UniliveError,
  UnsupportedOperationError,
  type UpdatableField,
  type UpdateLiveStreamInput,
} from '@unilive/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markAdapterUnderTest } from './adapter-under-test.js';
import { type ContractHarness, expectNameKeptOrWarned, expectWellFormedStream } from './contract.js';
import { hookLimitMs, testLimit } from './suite-limits.js';

// A model-based test of the one neutral semantics: random sequences of client calls, each result checked
// against a small model of what docs/ promise, built from the provider's capabilities alone. The same model
// runs on every adapter, so a call that behaves differently on one vendor (where no capability flag says it
// may) fails here with the shortest sequence fast-check can shrink it to.

/**
 * Where a stream is, as far as the model knows. A vendor moves `starting` to `ready` (and `stopping` to
 * `stopped`) on its own time, which no test may depend on: `starting` stands for "starting or already
 * ready", until a read shows which.
 */
type Phase = 'stopped' | 'starting' | 'ready' | 'stopping';

const phaseStates: Readonly<Record<Phase, readonly LiveStreamState[]>> = {
  stopped: ['stopped'],
  starting: ['starting', 'ready'],
  ready: ['ready'],
  stopping: ['stopping', 'stopped'],
};

/** Where a phase ends when nothing else happens. */
const settled: Readonly<Record<Phase, 'stopped' | 'ready'>> = {
  stopped: 'stopped',
  starting: 'ready',
  ready: 'ready',
  stopping: 'stopped',
};

interface ModelStream {
  id: string;
  /** The name the vendor keeps, or undefined where it keeps none (`capabilities.names` false). */
  name: string | undefined;
  phase: Phase;
  deleted: boolean;
  /** What every later read must show as the create did: its ingest endpoints and creation time. */
  ingest: string;
  createdAt: number | undefined;
  /** `recording: true` asked for and shown: no later read may say false. */
  recording: boolean;
  /** The restream targets' URLs the stream holds (asked on create, changed by update). */
  restream: string[];
}

/** Asserts what a read of `stream` must show whatever its state: the same ingest, creation time, settings. */
function expectKept(stream: ModelStream, read: LiveStream, where: string, details: boolean): void {
  expect(read.createdAt?.getTime(), `${where}: createdAt of ${stream.id}`).toBe(stream.createdAt);
  if (details) {
    // Compared whole without printing it: the endpoints hold the stream key.
    expect(JSON.stringify(read.ingest) === stream.ingest, `${where}: ingest of ${stream.id} changed`).toBe(
      true,
    );
    if (stream.recording) expect(read.recording, `${where}: recording of ${stream.id}`).not.toBe(false);
    // Absent where nothing tells it (docs/architecture.md); where shown, exactly the targets held.
    if (read.restream !== undefined)
      expect(
        read.restream.map((target) => target.url),
        `${where}: restream of ${stream.id}`,
      ).toEqual(stream.restream);
  }
}

interface Model {
  caps: ProviderCapabilities;
  provider: string;
  streams: ModelStream[];
}

interface Real {
  client: LiveStreamClient;
  provider: LiveStreamProvider;
  /** Every id the run created, so the run can delete what it left behind. */
  made: string[];
}

type ModelCommand = fc.AsyncCommand<Model, Real>;

/** Options of {@link runLiveStreamModelContract}. */
export interface ModelContractOptions {
  /** Shown in the suite's title: `wowza-video on the sandbox`. */
  name: string;
  /**
   * The backend, as for the contract suite. Its streams must be the model's alone (a sandbox of its own):
   * `list` is checked to hold exactly the streams the model holds.
   */
  setup(): ContractHarness | Promise<ContractHarness>;
  /** How many command sequences to run (default 50) and how long each may be (default 14). */
  numRuns?: number;
  maxCommands?: number;
  /** The `pageSize` the list walk asks for (default 2, so the walk crosses pages); `false` to give none. */
  pageSize?: number | false;
  /** `waitForState` pace (intervals of at least 100 ms, the client's floor). */
  wait?: { intervalMs?: number; maxIntervalMs?: number };
  /** A fast-check seed, to replay a reported failure. */
  seed?: number;
  /**
   * A region the vendor takes (`us_west_california`, `phoenix`), asked for on create and update where
   * `capabilities.regions` is true; without it, only an unclaimed region is tried (vendors name theirs).
   */
  region?: string;
}

// Names the client takes (docs/errors.md, InvalidInputError): visible text of at most `maxNameLength` code
// points, of any script, emoji among them; one code point counts 1, a flag 2, a family emoji 7.
const namePieces = [
  'a',
  'Z',
  '0',
  ' ',
  '-',
  '_',
  'é',
  'ß',
  'Ω',
  'ж',
  'ק',
  'ع',
  '中',
  '日本',
  '한',
  '🎥',
  '🇫🇷',
  '👨‍👩‍👧‍👦',
  'e\u0301',
  '"',
  '\\',
  '<b>',
  '%20',
  '&amp;',
];

function codePoints(text: string): number {
  return [...text].length;
}

/** A name as a report shows it: a long one by its length and end. */
function shown(name: string): string {
  const length = codePoints(name);
  return length > 24 ? `<${length} code points ending ${[...name].slice(-3).join('')}>` : name;
}

/** A name of at most `max` code points holding a visible character. */
function nameOf(max: number): fc.Arbitrary<string> {
  const body = fc
    .array(fc.constantFrom(...namePieces), { minLength: 0, maxLength: 12 })
    .map((pieces) => `L${pieces.join('')}`);
  // Visible text with space around it: kept as given, never trimmed.
  const spaced = body.map((each) => ` ${each} `);
  const atLimit = fc.constantFrom(...namePieces.filter((piece) => piece.trim() !== '')).map((piece) => {
    // Exactly `max` code points, the last piece whole (a flag or family emoji is never cut in two).
    const tail = codePoints(piece) <= max ? piece : 'x';
    return 'x'.repeat(max - codePoints(tail)) + tail;
  });
  return fc.oneof(
    { weight: 6, arbitrary: body },
    { weight: 1, arbitrary: fc.constant('x') },
    { weight: 1, arbitrary: spaced },
    { weight: 1, arbitrary: atLimit },
  );
}

/** An error of `kind` that names the call and the provider, as every error does (docs/errors.md). */
function expectErrorOf(
  error: unknown,
  kind: { isInstance(value: unknown): boolean; name: string },
  expected: { provider: string; operation: string; delivery?: string; streamId?: string },
): asserts error is UniliveError {
  expect(kind.isInstance(error), `expected ${kind.name}, got ${String(error)}`).toBe(true);
  const unilive = error as UniliveError;
  expect(unilive.provider, `provider of ${String(error)}`).toBe(expected.provider);
  expect(unilive.operation, `operation of ${String(error)}`).toBe(expected.operation);
  if (expected.delivery !== undefined)
    expect(unilive.delivery, `delivery of ${String(error)}`).toBe(expected.delivery);
  if (expected.streamId !== undefined)
    expect((error as NotFoundError).streamId, `streamId of ${String(error)}`).toBe(expected.streamId);
}

async function outcomeOf<T>(
  run: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    const value = await run();
    if (process.env.UNILIVE_MODEL_TRACE)
      console.log(`  = ${(value as { state?: string } | undefined)?.state ?? 'ok'}`);
    return { ok: true, value };
  } catch (error) {
    if (process.env.UNILIVE_MODEL_TRACE) console.log(`  = ${String(error).slice(0, 160)}`);
    return { ok: false, error };
  }
}

/** Checks a state a result showed against the stream's phase, and narrows the phase to a settled one seen. */
function observe(stream: ModelStream, state: LiveStreamState, where: string): void {
  expect(phaseStates[stream.phase], `${where}: state of ${stream.id} (model: ${stream.phase})`).toContain(
    state,
  );
  if (state === 'ready' || state === 'stopped') stream.phase = state;
}

/**
 * A NotFoundError for a call on a stream that is gone, or never was: the vendor's 404 (or Wowza's 410), a
 * refusal that carried nothing out (`delivery: 'refused'`), naming the stream it was given.
 */
function expectNotFound(error: unknown, model: Model, operation: string, id: string): void {
  expectErrorOf(error, NotFoundError, {
    provider: model.provider,
    operation,
    streamId: id,
    delivery: 'refused',
  });
  expect([404, 410], `status of ${String(error)}`).toContain((error as UniliveError).status);
}

function pick(model: Readonly<Model>, index: number): ModelStream | undefined {
  if (model.streams.length === 0) return undefined;
  return model.streams[index % model.streams.length];
}

/** An id no stream has, of the vendor's own shape (that of a stream it made: letters, digits, separators). */
function unknownIdLike(model: Readonly<Model>): string {
  const template = model.streams[0]?.id ?? 'unilivemissing0';
  return template.replace(/[a-z]/g, 'z').replace(/[A-Z]/g, 'Z').replace(/[0-9]/g, '9');
}

class Create implements ModelCommand {
  constructor(
    readonly name: string,
    readonly extra: Omit<CreateLiveStreamInput, 'name'>,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const input: CreateLiveStreamInput = { name: this.name, ...this.extra };
    const { caps } = model;
    // What the capabilities refuse, before any request (docs/errors.md, InvalidInputError).
    const refused: string[] = [];
    if (codePoints(this.name) > caps.maxNameLength) refused.push('name');
    if (input.ingestProtocol !== undefined && !caps.ingestProtocols.includes(input.ingestProtocol))
      refused.push('ingestProtocol');
    if ((input.restream?.length ?? 0) > 0 && !caps.restream) refused.push('restream');
    if (input.recording === true && !caps.recording) refused.push('recording');
    const result = await outcomeOf(() => real.client.create(input));
    if (refused.length > 0) {
      expect(result.ok, `create ${JSON.stringify(refused)} succeeded`).toBe(false);
      if (result.ok) return;
      expectErrorOf(result.error, InvalidInputError, {
        provider: model.provider,
        operation: 'create',
        delivery: 'not-sent',
      });
      const paths = (result.error as InvalidInputError).issues.map((issue) => issue.path.split('.')[0]);
      // The client's own check reports the name alone; the adapter's, each field it cannot take. Every
      // issue is one of the refused fields, and at least one is named.
      expect(paths.length, `issues of ${String(result.error)}`).toBeGreaterThan(0);
      for (const path of paths) expect(refused, `issues of ${String(result.error)}`).toContain(path);
      return;
    }
    if (!result.ok) throw result.error;
    const stream = result.value;
    real.made.push(stream.id);
    expectWellFormedStream(stream, real.provider);
    expectNameKeptOrWarned(stream, this.name, caps.names);
    expect(
      model.streams.map((each) => each.id),
      'create returned the id of another stream',
    ).not.toContain(stream.id);
    // A new stream waits for a start where starting is a call of its own (`explicit`); it is ready from
    // creation everywhere else (docs/providers: LiveAPI enabled, Real-Time and videosdk v1 ready).
    const initial: Phase = caps.lifecycle === 'explicit' ? 'stopped' : 'ready';
    expect(stream.state, `state of a new ${caps.lifecycle} stream`).toBe(initial);
    const warned = (setting: string) =>
      (stream.warnings ?? []).some(
        (warning) => warning.type === 'unsupported-setting' && warning.setting === setting,
      );
    if (input.ingestProtocol !== undefined)
      expect(stream.ingest.map((endpoint) => endpoint.protocol)).toContain(input.ingestProtocol);
    // A claimed setting is honoured without a warning; an unclaimed preference is warned about.
    if (input.lowLatency === true) expect(warned('lowLatency'), 'lowLatency warning').toBe(!caps.lowLatency);
    if (input.region !== undefined) expect(warned('region'), 'region warning').toBe(!caps.regions);
    if (input.recording === true) {
      expect(warned('recording'), 'recording warning').toBe(false);
      expect(stream.recording, 'recording asked for').not.toBe(false);
    }
    if (input.restream !== undefined && stream.restream !== undefined)
      expect(stream.restream.map((target) => target.url)).toEqual(input.restream.map((target) => target.url));
    model.streams.push({
      id: stream.id,
      name: stream.name,
      phase: initial,
      deleted: false,
      ingest: JSON.stringify(stream.ingest),
      createdAt: stream.createdAt?.getTime(),
      recording: input.recording === true && stream.recording === true,
      restream: (input.restream ?? []).map((target) => target.url),
    });
  }
  toString = () => `create(${JSON.stringify({ name: shown(this.name), ...this.extra })})`;
}

class Get implements ModelCommand {
  constructor(readonly index: number) {}
  check = (model: Readonly<Model>) => model.streams.length > 0;
  async run(model: Model, real: Real): Promise<void> {
    const stream = pick(model, this.index) as ModelStream;
    const result = await outcomeOf(() => real.client.get(stream.id));
    if (stream.deleted) {
      expect(result.ok, 'get after delete succeeded').toBe(false);
      if (!result.ok) expectNotFound(result.error, model, 'get', stream.id);
      return;
    }
    if (!result.ok) throw result.error;
    const got = result.value;
    expectWellFormedStream(got, real.provider);
    expect(got.id).toBe(stream.id);
    expect(got.name, `name of ${stream.id}`).toBe(stream.name);
    expectKept(stream, got, 'get', true);
    observe(stream, got.state, 'get');
  }
  toString = () => `get(#${this.index})`;
}

class List implements ModelCommand {
  constructor(readonly pageSize: number | undefined) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const listed = await real.client
      .list({ strict: true, ...(this.pageSize === undefined ? {} : { pageSize: this.pageSize }) })
      .toArray();
    const ids = listed.map((stream) => stream.id);
    expect(new Set(ids).size, `a stream listed twice: ${ids.join(', ')}`).toBe(ids.length);
    const live = model.streams.filter((stream) => !stream.deleted);
    // The sandbox is the model's own: the list holds exactly the streams that exist, none deleted.
    expect([...ids].sort(), 'the ids listed').toEqual(live.map((stream) => stream.id).sort());
    for (const item of listed) {
      const stream = live.find((each) => each.id === item.id) as ModelStream;
      expectWellFormedStream(item, real.provider);
      // A page may leave a name out only where the vendor keeps none.
      if (item.name !== undefined || model.caps.names)
        expect(item.name, `listed name of ${item.id}`).toBe(stream.name);
      // A page may carry summaries (Wowza's): only what it does carry is compared.
      expectKept(stream, item, 'list', false);
      observe(stream, item.state, 'list');
    }
  }
  toString = () => `list(${this.pageSize ?? ''})`;
}

class Update implements ModelCommand {
  constructor(
    readonly index: number,
    readonly patch: UpdateLiveStreamInput,
  ) {}
  check = (model: Readonly<Model>) => model.streams.length > 0;
  async run(model: Model, real: Real): Promise<void> {
    const stream = pick(model, this.index) as ModelStream;
    const { caps } = model;
    const result = await outcomeOf(() => real.client.update(stream.id, this.patch));
    if (!caps.update) {
      expect(result.ok, 'update where capabilities.update is false').toBe(false);
      if (!result.ok)
        expectErrorOf(result.error, UnsupportedOperationError, {
          provider: model.provider,
          operation: 'update',
          delivery: 'not-sent',
        });
      return;
    }
    const name = this.patch.name;
    if (name !== undefined && codePoints(name) > caps.maxNameLength) {
      expect(result.ok, 'update with a name past maxNameLength succeeded').toBe(false);
      if (!result.ok) {
        expectErrorOf(result.error, InvalidInputError, {
          provider: model.provider,
          operation: 'update',
          delivery: 'not-sent',
        });
        expect((result.error as InvalidInputError).issues.map((issue) => issue.path)).toContain('name');
      }
      return;
    }
    const targets = this.patch.restream?.map((target) => target.url);
    const sameTargets = targets !== undefined && JSON.stringify(targets) === JSON.stringify(stream.restream);
    if (targets !== undefined && !sameTargets && !caps.restream) {
      // A change of targets where the vendor has no restream: refused before any change.
      expect(result.ok, 'a restream change where capabilities.restream is false').toBe(false);
      if (!result.ok) {
        expectErrorOf(result.error, InvalidInputError, {
          provider: model.provider,
          operation: 'update',
          delivery: 'not-sent',
        });
        const paths = (result.error as InvalidInputError).issues.map((issue) => issue.path.split('.')[0]);
        expect(paths).toContain('restream');
      }
      return;
    }
    // What `capabilities.updatable` says an update carries out (absent: every claimed field). A claimed
    // field it leaves out is set at creation only: refused where ignoring it changes what the stream does
    // (recording, a target list that changes), warned where it is a preference (region, lowLatency).
    const updatable = (field: UpdatableField) =>
      caps.updatable === undefined || caps.updatable.includes(field);
    // A vendor that adds targets but cannot remove them (LiveAPI) may refuse a list that drops one.
    const drops = targets !== undefined && stream.restream.some((url) => !targets.includes(url));
    const refusable = [
      ...(this.patch.recording === true && caps.recording && !updatable('recording') ? ['recording'] : []),
      ...(targets !== undefined && !sameTargets && (!updatable('restream') || drops) ? ['restream'] : []),
    ];
    const mustRefuse = refusable.filter((field) => field === 'recording' || !updatable('restream'));
    if (!result.ok && InvalidInputError.isInstance(result.error)) {
      // The neutral rule for an input the vendor cannot honour (docs/errors.md, InvalidInputError): an
      // error before any change, naming only those fields, never the name, and never a target list that
      // changes nothing.
      expectErrorOf(result.error, InvalidInputError, {
        provider: model.provider,
        operation: 'update',
        delivery: 'not-sent',
      });
      const paths = result.error.issues.map((issue) => issue.path.split('.')[0]);
      expect(paths.length, String(result.error)).toBeGreaterThan(0);
      for (const path of paths) expect(refusable, String(result.error)).toContain(path);
      return;
    }
    if (mustRefuse.length > 0 && !stream.deleted) {
      expect(
        result.ok,
        `an update of ${mustRefuse.join(', ')}, which capabilities.updatable leaves out`,
      ).toBe(false);
    }
    if (stream.deleted) {
      expect(result.ok, 'update after delete succeeded').toBe(false);
      if (!result.ok) expectNotFound(result.error, model, 'update', stream.id);
      return;
    }
    if (!result.ok) throw result.error;
    const updated = result.value;
    expect(updated.id).toBe(stream.id);
    if (name !== undefined) {
      expectNameKeptOrWarned(updated, name, caps.names);
      stream.name = updated.name;
    } else expect(updated.name, `name of ${stream.id} after an update without one`).toBe(stream.name);
    if (this.patch.recording === true) {
      const warned = (updated.warnings ?? []).some(
        (warning) => warning.type === 'unsupported-setting' && warning.setting === 'recording',
      );
      expect(warned, 'recording warning on update').toBe(false);
      expect(updated.recording, 'recording asked for').not.toBe(false);
      if (updated.recording === true) stream.recording = true;
    }
    const warnedOf = (setting: string) =>
      (updated.warnings ?? []).some(
        (warning) => warning.type === 'unsupported-setting' && warning.setting === setting,
      );
    // A preference is warned about where it is unclaimed, or claimed but set at creation only (left out of
    // `capabilities.updatable`: the stream keeps its own), and taken without a word where it is updatable.
    if (this.patch.lowLatency === true)
      expect(warnedOf('lowLatency'), 'lowLatency warning').toBe(!caps.lowLatency || !updatable('lowLatency'));
    if (this.patch.region !== undefined)
      expect(warnedOf('region'), 'region warning').toBe(!caps.regions || !updatable('region'));
    if (targets !== undefined) {
      // The whole list: the stream holds the targets asked for; a list that changes nothing warns of nothing.
      expect(warnedOf('restream'), 'restream warning').toBe(false);
      stream.restream = targets;
    }
    expectKept(stream, updated, 'update', true);
    observe(stream, updated.state, 'update');
  }
  toString = () =>
    `update(#${this.index}, ${JSON.stringify({ ...this.patch, ...(this.patch.name === undefined ? {} : { name: shown(this.patch.name) }) })})`;
}

/** What a lifecycle call may do to a stream in one state (docs/architecture.md, "One semantics"). */
type Allowed = { ok: readonly LiveStreamState[] } | { conflict: string };

function startFrom(caps: ProviderCapabilities, state: LiveStreamState): Allowed[] {
  if (state === 'ready' || state === 'starting')
    return [{ ok: caps.start ? ['starting', 'ready'] : ['ready'] }];
  // Starting a stream that is stopping is the opposite of what is happening.
  if (state === 'stopping') return [{ conflict: 'refused' }];
  // Stopped: started again where the vendor can; a read tells it cannot (Real-Time), nothing sent.
  return caps.restart ? [{ ok: ['starting', 'ready'] }] : [{ conflict: 'not-sent' }];
}

function stopFrom(state: LiveStreamState): Allowed[] {
  if (state === 'stopped' || state === 'stopping' || state === 'ready')
    return [{ ok: ['stopping', 'stopped'] }];
  // Starting: the opposite of what is happening, a conflict on every vendor: refused by the vendor (Wowza
  // Video), or found by the stop's own read before anything is ended (videosdk v2's egress).
  return [{ conflict: 'refused' }, { conflict: 'not-sent' }];
}

class Lifecycle implements ModelCommand {
  constructor(
    readonly operation: 'start' | 'stop',
    readonly index: number,
  ) {}
  check = (model: Readonly<Model>) => model.streams.length > 0;
  async run(model: Model, real: Real): Promise<void> {
    const stream = pick(model, this.index) as ModelStream;
    const { caps } = model;
    const op = this.operation;
    const result = await outcomeOf(() =>
      op === 'start' ? real.client.start(stream.id) : real.client.stop(stream.id),
    );
    if (op === 'stop' && !caps.stop) {
      // No stop at the vendor: refused before the id is looked at (videosdk v1).
      expect(result.ok, 'stop where capabilities.stop is false').toBe(false);
      if (!result.ok)
        expectErrorOf(result.error, UnsupportedOperationError, {
          provider: model.provider,
          operation: 'stop',
          delivery: 'not-sent',
        });
      return;
    }
    if (stream.deleted) {
      expect(result.ok, `${op} after delete succeeded`).toBe(false);
      if (!result.ok) expectNotFound(result.error, model, op, stream.id);
      return;
    }
    const reported = caps.states ?? [];
    // Each state the stream may be in, with what the call may do there.
    const cases = phaseStates[stream.phase]
      .filter((state) => reported.length === 0 || reported.includes(state))
      .map((state) => ({ state, allowed: op === 'start' ? startFrom(caps, state) : stopFrom(state) }));
    if (!result.ok) {
      const conflicts = cases.filter((each) => each.allowed.some((allowed) => 'conflict' in allowed));
      expect(
        conflicts.map((each) => each.state),
        `${op} failed with ${String(result.error)} on a stream the model has ${stream.phase}`,
      ).not.toEqual([]);
      const deliveries = conflicts.flatMap((each) =>
        each.allowed.flatMap((allowed) => ('conflict' in allowed ? [allowed.conflict] : [])),
      );
      expectErrorOf(result.error, ConflictError, { provider: model.provider, operation: op });
      expect(deliveries, `delivery of ${String(result.error)}`).toContain(
        (result.error as UniliveError).delivery,
      );
      // Refused for the stream's state: nothing changed, and the stream was in a state that refuses (a
      // stream seen `stopped` stays so; one `starting` or `stopping` may have moved on since).
      const [only] = conflicts;
      if (conflicts.length === 1 && only?.state === 'stopped') stream.phase = 'stopped';
      return;
    }
    const done = result.value;
    expectWellFormedStream(done, real.provider);
    expect(done.id).toBe(stream.id);
    expect(done.name, `name of ${stream.id} after ${op}`).toBe(stream.name);
    expectKept(stream, done, op, true);
    const okStates = cases.flatMap((each) =>
      each.allowed.flatMap((allowed) => ('ok' in allowed ? allowed.ok : [])),
    );
    expect(okStates, `${op} resolved ${done.state} on a stream the model has ${stream.phase}`).toContain(
      done.state,
    );
    // A lifecycle call never resolves in a state of the opposite call's goals (core's lifecycleResult).
    if (op === 'start') stream.phase = done.state === 'ready' ? 'ready' : 'starting';
    else stream.phase = done.state === 'stopped' ? 'stopped' : 'stopping';
  }
  toString = () => `${this.operation}(#${this.index})`;
}

class WaitFor implements ModelCommand {
  constructor(
    readonly index: number,
    readonly target: LiveStreamState,
    readonly wait: { intervalMs: number; maxIntervalMs: number },
  ) {}
  check = (model: Readonly<Model>) => model.streams.length > 0;
  async run(model: Model, real: Real): Promise<void> {
    const stream = pick(model, this.index) as ModelStream;
    const { caps } = model;
    const reported = caps.states;
    const refusedUpFront = reported !== undefined && !reported.includes(this.target);
    const end = settled[stream.phase];
    // A wait that nothing ends but its time limit: short, since only a TimeoutError can come of it.
    // A stream stopped where nothing can start it again can never be ready (ConflictError, at once).
    const unreachable = end === 'stopped' && !caps.restart;
    const stuck = !refusedUpFront && !stream.deleted && end !== this.target && !unreachable;
    const timeoutMs = stuck ? 400 : 30_000;
    const result = await outcomeOf(() =>
      real.client.waitForState(stream.id, this.target, { timeoutMs, ...this.wait }),
    );
    if (refusedUpFront) {
      expect(result.ok, `waitForState ${this.target}, a state ${model.provider} never reports`).toBe(false);
      if (!result.ok) {
        expectErrorOf(result.error, InvalidInputError, {
          provider: model.provider,
          operation: 'waitForState',
          delivery: 'not-sent',
        });
        expect((result.error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['state']);
      }
      return;
    }
    if (stream.deleted) {
      expect(result.ok, 'waitForState after delete succeeded').toBe(false);
      if (!result.ok) expectNotFound(result.error, model, 'waitForState', stream.id);
      return;
    }
    if (end === this.target) {
      if (!result.ok) throw result.error;
      expectWellFormedStream(result.value, real.provider);
      expect(result.value.id).toBe(stream.id);
      expect(result.value.state).toBe(this.target);
      expectKept(stream, result.value, 'waitForState', true);
      stream.phase = this.target === 'ready' ? 'ready' : 'stopped';
      return;
    }
    expect(result.ok, `waitForState ${this.target} on a stream that settles ${end}`).toBe(false);
    if (result.ok) return;
    if (!unreachable) {
      // Another caller could still start or stop it: the wait runs out (docs/errors.md, TimeoutError).
      expectErrorOf(result.error, TimeoutError, { provider: model.provider, operation: 'waitForState' });
      // A wait only reads: nothing to say about delivery.
      expect((result.error as UniliveError).delivery, String(result.error)).toBeUndefined();
      const last = (result.error as TimeoutError).lastState;
      if (last !== undefined) expect(phaseStates[stream.phase]).toContain(last);
    } else {
      // Stopped where nothing can start it again: a state it can no longer reach (ConflictError).
      expectErrorOf(result.error, ConflictError, {
        provider: model.provider,
        operation: 'waitForState',
        delivery: 'not-sent',
      });
    }
  }
  toString = () => `waitForState(#${this.index}, ${this.target})`;
}

class Delete implements ModelCommand {
  constructor(readonly index: number) {}
  check = (model: Readonly<Model>) => model.streams.length > 0;
  async run(model: Model, real: Real): Promise<void> {
    const stream = pick(model, this.index) as ModelStream;
    const result = await outcomeOf(() => real.client.delete(stream.id));
    if (!model.caps.delete) {
      expect(result.ok, 'delete where capabilities.delete is false').toBe(false);
      if (!result.ok)
        expectErrorOf(result.error, UnsupportedOperationError, {
          provider: model.provider,
          operation: 'delete',
          delivery: 'not-sent',
        });
      return;
    }
    if (stream.deleted) {
      expect(result.ok, 'delete of a deleted stream succeeded').toBe(false);
      if (!result.ok) expectNotFound(result.error, model, 'delete', stream.id);
      return;
    }
    if (!result.ok) throw result.error;
    expect(result.value).toBeUndefined();
    stream.deleted = true;
  }
  toString = () => `delete(#${this.index})`;
}

type UnknownCall = 'get' | 'update' | 'delete' | 'start' | 'stop' | 'waitForState';

class OnUnknown implements ModelCommand {
  constructor(
    readonly call: UnknownCall,
    readonly shaped: boolean,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    // An id of the vendor's shape, or any id the client takes (letters, digits, `_ - . ~`) that no vendor
    // issued: neither names a stream, so each is NotFoundError from the vendor.
    const id = this.shaped ? unknownIdLike(model) : 'unilive-missing.id_0~';
    const { client } = real;
    const calls: Record<UnknownCall, () => Promise<unknown>> = {
      get: () => client.get(id),
      update: () => client.update(id, { name: 'unilive model unknown' }),
      delete: () => client.delete(id),
      start: () => client.start(id),
      stop: () => client.stop(id),
      waitForState: () => client.waitForState(id, 'ready', { timeoutMs: 30_000, intervalMs: 100 }),
    };
    const result = await outcomeOf(calls[this.call]);
    expect(result.ok, `${this.call} of an unknown id succeeded`).toBe(false);
    if (result.ok) return;
    if (this.call === 'stop' && !model.caps.stop) {
      expectErrorOf(result.error, UnsupportedOperationError, {
        provider: model.provider,
        operation: 'stop',
        delivery: 'not-sent',
      });
      return;
    }
    expectNotFound(result.error, model, this.call, id);
  }
  toString = () => `${this.call}(unknown ${this.shaped ? 'vendor-shaped ' : ''}id)`;
}

/** The commands, each drawn only from what the capabilities say the provider takes (or must refuse). */
function commandsFor(
  caps: ProviderCapabilities,
  options: ModelContractOptions,
): { create: fc.Arbitrary<ModelCommand>; commands: fc.Arbitrary<ModelCommand>[] } {
  const index = fc.nat({ max: 7 });
  const wait = { intervalMs: 100, maxIntervalMs: 100, ...options.wait };
  const name = nameOf(caps.maxNameLength);
  const tooLong = fc.constant('y'.repeat(caps.maxNameLength + 1));
  // A region the vendor takes where it claims regions (given by the caller), else one it must warn about.
  const regionTried = caps.regions ? options.region : 'eu-west';
  // Every documented create option, in the values the capabilities claim and, for each flag that is false,
  // the value it gates (refused when the stream would do something else, warned when a preference).
  const restreamTarget: RestreamTargetInput = {
    url: 'rtmp://a.rtmp.youtube.com/live2',
    streamKey: 'unilive-model-restream-key',
  };
  const extra: fc.Arbitrary<Omit<CreateLiveStreamInput, 'name'>> = fc
    .record(
      {
        // Mostly a protocol the provider lists; now and then one it must refuse.
        ingestProtocol: fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...caps.ingestProtocols) },
          { weight: 1, arbitrary: fc.constantFrom(...ingestProtocols) },
        ),
        recording: fc.constant(true),
        lowLatency: fc.constant(true),
        region: fc.constant(regionTried),
        restream: fc.constant([restreamTarget]),
      },
      { requiredKeys: [], noNullPrototype: true },
    )
    // Each option on its own now and then; most creates carry few, so most succeed.
    .filter((record) => Object.keys(record).length <= 2)
    .map((record) => {
      const input: Omit<CreateLiveStreamInput, 'name'> = {};
      for (const [key, value] of Object.entries(record))
        if (value !== undefined) Object.assign(input, { [key]: value });
      return input;
    });
  const states = (caps.states ?? []).filter((state) => state === 'ready' || state === 'stopped');
  const waitTargets = [...new Set<LiveStreamState>([...states, 'ready', 'stopped'])];
  const patch: fc.Arbitrary<UpdateLiveStreamInput> = fc.oneof(
    { weight: 4, arbitrary: name.map((each) => ({ name: each })) },
    { weight: 1, arbitrary: tooLong.map((each) => ({ name: each })) },
    { weight: 1, arbitrary: fc.constant({ lowLatency: true }) },
    ...(regionTried === undefined ? [] : [{ weight: 1, arbitrary: fc.constant({ region: regionTried }) }]),
    {
      weight: 2,
      arbitrary: fc.constantFrom<UpdateLiveStreamInput[]>({ restream: [] }, { restream: [restreamTarget] }),
    },
    ...(caps.recording
      ? [{ weight: 2, arbitrary: name.map((each) => ({ name: each, recording: true })) }]
      : []),
  );
  const unknown: UnknownCall[] = ['get', 'update', 'delete', 'start', 'stop', 'waitForState'];
  const traced = (command: ModelCommand): ModelCommand => {
    if (!process.env.UNILIVE_MODEL_TRACE) return command;
    const run = command.run.bind(command);
    command.run = async (model, real) => {
      const started = Date.now();
      console.log(`  > ${String(command)}`);
      try {
        await run(model, real);
      } finally {
        console.log(`  < ${String(command)} ${Date.now() - started} ms`);
      }
    };
    return command;
  };
  const create = fc
    .tuple(fc.oneof({ weight: 8, arbitrary: name }, { weight: 1, arbitrary: tooLong }), extra)
    .map(([each, rest]) => traced(new Create(each, rest)));
  const arbitraries: [number, fc.Arbitrary<ModelCommand>][] = [
    [4, create],
    [2, index.map((each) => new Get(each))],
    [
      1,
      fc
        .constant(options.pageSize === false ? undefined : (options.pageSize ?? 2))
        .map((size) => new List(size)),
    ],
    [2, fc.tuple(index, patch).map(([each, change]) => new Update(each, change))],
    [2, index.map((each) => new Lifecycle('start', each))],
    [2, index.map((each) => new Lifecycle('stop', each))],
    [
      2,
      fc
        .tuple(index, fc.constantFrom(...waitTargets))
        .map(([each, target]) => new WaitFor(each, target, wait)),
    ],
    [1, index.map((each) => new Delete(each))],
    [
      1,
      fc
        .tuple(fc.constantFrom(...unknown), fc.boolean())
        .map(([call, shaped]) => new OnUnknown(call, shaped)),
    ],
  ];
  // fc.commands picks among its arbitraries evenly: a weight repeats one.
  const commands = arbitraries.flatMap(([weight, arbitrary]) =>
    Array.from({ length: weight }, () => (arbitrary === create ? arbitrary : arbitrary.map(traced))),
  );
  return { create, commands };
}

/**
 * The model-based suite every adapter runs beside {@link runLiveStreamContract}: fast-check draws
 * sequences of create (names of any script up to the capabilities' limit and past it, every create option
 * the capabilities allow or gate), get, list (every page), update, start, stop, waitForState, delete and
 * calls on ids no stream has, runs them through a client, and checks each result against one model for
 * every vendor: the lifecycle (which transitions hold, which are `ConflictError`, what each call resolves
 * in), the errors (class, `provider`, `operation`, `delivery`, `streamId`), what `get` and `list` show after
 * each change, delete (`NotFoundError` after it, gone from the list) and the calls the capabilities gate.
 * Waits use the client's own `waitForState`: no assertion depends on timing.
 */
export function runLiveStreamModelContract(options: ModelContractOptions): void {
  describe(`LiveStreamProvider model: ${options.name}`, testLimit, () => {
    let harness: ContractHarness;
    beforeAll(async () => {
      harness = await options.setup();
    }, hookLimitMs);
    afterAll(async () => {
      await harness?.close?.();
    }, hookLimitMs);

    it('every call sequence behaves as the neutral model says', async () => {
      const caps = harness.provider.capabilities;
      const client = createLiveStreamClient(markAdapterUnderTest(harness.provider));
      const { create, commands: drawn } = commandsFor(caps, options);
      await fc.assert(
        fc.asyncProperty(
          // A sequence begins with one to three creates: a call on a stream is skipped (its `check`) while
          // the model holds none, which left most drawn sequences a create and a call or two long.
          fc.array(create, { minLength: 1, maxLength: 3 }),
          fc.commands(drawn, { maxCommands: options.maxCommands ?? 14, size: 'max' }),
          async (creates, rest) => {
            const commands = [...creates, ...rest];
            const real: Real = { client, provider: harness.provider, made: [] };
            try {
              await fc.asyncModelRun(
                () => ({ model: { caps, provider: harness.provider.id, streams: [] }, real }),
                commands,
              );
            } finally {
              // Each run starts from an empty backend: what it made goes (already gone is fine).
              for (const id of real.made) await client.delete(id).catch(() => undefined);
            }
          },
        ),
        {
          // UNILIVE_MODEL_RUNS asks for a deeper search than the suite's default, by hand.
          numRuns: Number(process.env.UNILIVE_MODEL_RUNS) || options.numRuns || 50,
          ...(options.seed === undefined ? {} : { seed: options.seed }),
        },
      );
    });
  });
}
