import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import {
  AbortError,
  ChangeAppliedError,
  ConflictError,
  InvalidInputError,
  ProviderUnavailableError,
} from '../errors/errors.js';
import { invalidInput } from '../inputs.js';
import { abortAfterAcceptedChange } from '../lifecycle.js';
import { createLiveStreamRegistry } from './registry.js';

// The fields a stream input has (CreateLiveStreamInput).
const createFields = [
  'name',
  'recording',
  'restream',
  'ingestProtocol',
  'region',
  'lowLatency',
  'providerOptions',
];

const youtube = { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'yt-secret-key-1' };
const twitch = { url: 'rtmp://live.twitch.tv/app', streamKey: 'tw-secret-key-2' };

function setup(
  options: { target?: Parameters<typeof fakeProvider>[1]; source?: Parameters<typeof fakeProvider>[1] } = {},
) {
  const source = fakeProvider('wowza-video', {
    capabilities: { regions: true, lowLatency: true },
    ...options.source,
  });
  const target = fakeProvider('liveapi', options.target);
  const registry = createLiveStreamRegistry<string>({
    providers: { old: source.provider, new: target.provider },
  });
  return { source, target, registry };
}

describe('planMigration', () => {
  it('says a name may not be kept where the target keeps none on every stream, and still sends it, cut to fit', async () => {
    for (const [capabilities, name, sent] of [
      [{ names: false }, 'Launch', 'Launch'],
      [{ names: false, maxNameLength: 4 }, 'Launch', 'Laun'],
      [{ names: true, maxNameLength: 4 }, 'Launch', 'Laun'],
      [{ names: true }, 'Launch', 'Launch'],
    ] as const) {
      const { registry } = setup({ target: { capabilities } });
      const created = await registry.create({ name }, { provider: 'old' });
      const plan = await registry.planMigration(created.ref, { to: 'new' });
      expect(plan.input.name).toBe(sent);
      const named = plan.warnings.filter((warning) => warning.setting === 'name');
      expect(named.map((warning) => [warning.type, warning.message])).toEqual(
        !capabilities.names
          ? [
              [
                'not-carried',
                'new does not keep a name on every stream (capabilities.names): the new stream may have none',
              ],
            ]
          : sent === name
            ? []
            : [['not-carried', 'new keeps 4 code points: the name is cut']],
      );
      // What the plan says is what migrate does.
      const result = await registry.migrate(created.ref, { to: 'new' });
      expect(result.warnings.filter((warning) => warning.setting === 'name')).toEqual(named);
    }
  });

  it('carries name, recording, restream targets that are on and the ingest protocol; says what stays behind', async () => {
    const { source, target, registry } = setup({
      target: { capabilities: { ingestProtocols: ['rtmp', 'srt'] } },
    });
    const created = await registry.create(
      { name: 'Launch', recording: true, ingestProtocol: 'srt', restream: [youtube, twitch] },
      { provider: 'old' },
    );
    const stored = source.store.get(created.id);
    if (!stored?.restream?.[1]) throw new Error('fixture restream missing');
    stored.restream[1].enabled = false;
    stored.providerDetails = { 'wowza-video': { connectionCode: '0abcde' } };

    const plan = await registry.planMigration(created.ref, { to: 'new' });
    expect(plan.source.ref).toBe(created.ref);
    expect(plan.to).toBe('new');
    expect(plan.input).toEqual({
      name: 'Launch',
      recording: true,
      ingestProtocol: 'srt',
      restream: [youtube],
    });
    expect(plan.warnings.map((warning) => [warning.type, warning.setting, warning.message])).toEqual([
      ['not-carried', 'restream', '1 restream target(s) switched off on the source are not carried'],
      [
        'not-carried',
        'region',
        'the source does not report its region: give the new stream one to choose it',
      ],
      ['not-carried', 'lowLatency', 'the source does not report low latency: ask for it on the new stream'],
      [
        'not-carried',
        'providerDetails.wowza-video',
        'what only wowza-video has (providerDetails.wowza-video) stays behind',
      ],
      [
        'not-carried',
        'ingest',
        'the new stream has its own ingest URL, stream key and playback URLs: point encoders and players at them',
      ],
    ]);
    // A plan creates nothing.
    expect(target.calls).toEqual([]);
  });

  it("leaves out what the target cannot take, with a warning each, and the caller's input wins", async () => {
    const { registry } = setup({
      target: { capabilities: { restream: false, recording: false, ingestProtocols: ['rtmp'] } },
    });
    const created = await registry.create(
      { name: 'Launch', recording: true, ingestProtocol: 'srt', restream: [youtube] },
      { provider: 'old' },
    );
    const plan = await registry.planMigration(created.ref, { to: 'new' });
    expect(plan.input).toEqual({ name: 'Launch' });
    expect(plan.warnings.map((warning) => warning.setting)).toEqual([
      'recording',
      'restream',
      'ingestProtocol',
      'region',
      'lowLatency',
      'ingest',
    ]);
    expect(plan.warnings[1]?.message).toBe(
      'new has no restream: 1 target(s) are not carried; forward the stream another way',
    );
    const given = await registry.planMigration(created.ref, {
      to: 'new',
      input: { name: 'Launch (moved)', region: 'eu', lowLatency: false },
    });
    expect(given.input).toEqual({ name: 'Launch (moved)', region: 'eu', lowLatency: false });
    expect(given.warnings.map((warning) => warning.setting)).toEqual([
      'recording',
      'restream',
      'ingestProtocol',
      'ingest',
    ]);
  });

  it('names a stream whose vendor keeps none after its reference, and checks the merged input before anything is made', async () => {
    const { source, registry } = setup();
    const created = await registry.create({ name: 'x' }, { provider: 'old' });
    const stored = source.store.get(created.id);
    if (stored) delete stored.name;
    const plan = await registry.planMigration(created.ref, { to: 'new' });
    expect(plan.input.name).toBe(created.ref);
    expect(plan.warnings[0]).toEqual({
      type: 'not-carried',
      setting: 'name',
      message: `the source keeps no name, so the new stream is named after its reference ${created.ref}`,
    });
    await expect(registry.planMigration(created.ref, { to: 'new', input: { name: '' } })).rejects.toThrow(
      /name: expected a non-empty name/,
    );
  });

  it('refuses the source provider itself and unknown names as targets', async () => {
    const { registry } = setup();
    const created = await registry.create({ name: 'x' }, { provider: 'old' });
    await expect(registry.planMigration(created.ref, { to: 'old' })).rejects.toThrow(
      /expected a provider other than the source's \(old\)/,
    );
    await expect(registry.planMigration(created.ref, { to: 'nowhere' })).rejects.toThrow(
      /^planMigration: invalid options: options\.to \(expected one of old, new\)$/,
    );
  });
});

describe('the call a migration error names', () => {
  // A plan and a migration fail the same ways before anything is created; each error names the call the
  // caller made, in `operation` and in its message, never the other one.
  const failures = {
    'aborted signal': (ref: string) => ({ ref, options: { to: 'new', signal: AbortSignal.abort() } }),
    'unknown target': (ref: string) => ({ ref, options: { to: 'nowhere' } }),
    'the source as target': (ref: string) => ({ ref, options: { to: 'old' } }),
    'bad input': (ref: string) => ({ ref, options: { to: 'new', input: { bogus: 1 } } }),
    'bad option': (ref: string) => ({ ref, options: { to: 'new', bogus: 1 } }),
    'unknown provider in the reference': (ref: string) => ({
      ref: ref.replace(/^old:/, 'gone:'),
      options: { to: 'new' },
    }),
    'source gone': (ref: string) => ({ ref, options: { to: 'new' }, gone: true }),
  } as const;
  it('planMigration names planMigration, migrate names migrate', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('planMigration' as const, 'migrate' as const),
        fc.constantFrom(...(Object.keys(failures) as Array<keyof typeof failures>)),
        async (call, failure) => {
          const { source, registry } = setup();
          const created = await registry.create({ name: 'x' }, { provider: 'old' });
          const made: { ref: string; options: object; gone?: boolean } = failures[failure](created.ref);
          if (made.gone) source.store.delete(created.id);
          const options = made.options as never;
          const error = await (call === 'planMigration'
            ? registry.planMigration(made.ref, options)
            : registry.migrate(made.ref, options)
          ).then(
            () => undefined,
            (caught: unknown) => caught as { operation?: string; message?: string },
          );
          const said = `${call}, ${failure}: ${error?.message}`;
          expect(error?.operation, said).toBe(call);
          const other = call === 'planMigration' ? /\bmigrate\b/ : /planMigration/;
          expect(error?.message, said).not.toMatch(other);
          // The vendor's own error (the source gone) keeps its text; unilive's name the call.
          if (!made.gone) expect(error?.message, said).toMatch(call);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("the target adapter's refusal of the create names migrate, with the create in parentheses", async () => {
    const { source, target, registry } = setup();
    target.provider.create = async () => {
      throw invalidInput([{ path: 'region', message: 'expected one of the vendor regions' }], {
        provider: 'liveapi',
        operation: 'create',
      });
    };
    const created = await registry.create({ name: 'x' }, { provider: 'old' });
    const error = await registry.migrate(created.ref, { to: 'new', input: { region: 'mars' } }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
    const refusal = error as InvalidInputError;
    expect([refusal.operation, refusal.message, refusal.providerName]).toEqual([
      'migrate',
      'Invalid input for migrate (create): region: expected one of the vendor regions',
      'new',
    ]);
    expect(refusal.stack?.split('\n')[0]).toBe(`InvalidInputError: ${refusal.message}`);
    expect(refusal.issues).toEqual([{ path: 'region', message: 'expected one of the vendor regions' }]);
    expect(source.store.has(created.id)).toBe(true);
  });

  it("an adapter's message naming its create (`liveapi create: …`) names migrate (create)", async () => {
    const { target, registry } = setup();
    target.provider.create = async () => {
      throw new ChangeAppliedError({
        provider: 'liveapi',
        operation: 'create',
        message: 'liveapi create: stream s1 was created, but restream target 1 of 1 could not be added',
        delivery: 'unknown',
        streamId: 's1',
        applied: ['create'],
        notApplied: ['restream.0'],
      });
    };
    const created = await registry.create({ name: 'x' }, { provider: 'old' });
    const error = (await registry.migrate(created.ref, { to: 'new' }).then(
      () => undefined,
      (caught: unknown) => caught,
    )) as ChangeAppliedError;
    expect([error.name, error.operation, error.message, error.streamId]).toEqual([
      'ChangeAppliedError',
      'migrate',
      'liveapi migrate (create): stream s1 was created, but restream target 1 of 1 could not be added',
      's1',
    ]);
    expect(error.stack?.split('\n')[0]).toBe(`ChangeAppliedError: ${error.message}`);
  });
});

describe('migrate', () => {
  it('creates the new stream and leaves the source unless asked', async () => {
    const { source, target, registry } = setup();
    const created = await registry.create({ name: 'Launch', recording: true }, { provider: 'old' });
    const result = await registry.migrate(created.ref, { to: 'new' });
    expect(result.stream.ref).toBe('new:liveapi1');
    expect(result.stream.routing.by).toBe('requested');
    expect(target.createInputs).toEqual([{ name: 'Launch', recording: true, ingestProtocol: 'rtmp' }]);
    expect(result.sourceDeleted).toBe(false);
    expect(source.store.has(created.id)).toBe(true);
    expect(result.warnings.every((warning) => warning.type === 'not-carried')).toBe(true);
  });

  it('deletes the source only after the new stream exists, stopping it first when it runs', async () => {
    const { source, target, registry } = setup();
    const created = await registry.create({ name: 'Launch' }, { provider: 'old' });
    await registry.start(created.ref);
    source.calls.length = 0;
    const order: string[] = [];
    const sourceDelete = source.provider.delete.bind(source.provider);
    source.provider.delete = async (id, options) => {
      order.push(`delete source (target has ${target.store.size})`);
      return sourceDelete(id, options);
    };
    const result = await registry.migrate(created.ref, { to: 'new', deleteSource: true });
    expect(result.sourceDeleted).toBe(true);
    expect(order).toEqual(['delete source (target has 1)']);
    expect(source.calls).toEqual([
      `get ${created.id}`,
      `stop ${created.id}`,
      `get ${created.id}`,
      `delete ${created.id}`,
    ]);
    expect(source.store.size).toBe(0);
  });

  it('waits for a source still starting (or resetting) to be ready before stopping it, and for one stopping to stop', async () => {
    for (const [state, settles] of [
      ['starting', 'ready'],
      ['resetting', 'ready'],
      ['starting', 'stopped'],
      ['stopping', 'stopped'],
      // A stop the vendor undid (restarted): stopped as a ready one is, never waited on to the deadline.
      ['stopping', 'ready'],
    ] as const) {
      const { source, registry } = setup();
      const created = await registry.create({ name: 'Launch' }, { provider: 'old' });
      const stored = source.store.get(created.id);
      if (!stored) throw new Error('fixture stream missing');
      stored.state = state;
      source.calls.length = 0;
      // As Wowza Video, videosdk and the memory provider do: no stop before the start completes.
      const sourceStop = source.provider.stop?.bind(source.provider);
      source.provider.stop = async (id, options) => {
        if (source.store.get(id)?.state !== 'ready') {
          source.calls.push(`stop ${id} (refused)`);
          throw new ConflictError({
            provider: 'wowza-video',
            operation: 'stop',
            status: 409,
            message: 'not yet',
          });
        }
        return (sourceStop as NonNullable<typeof sourceStop>)(id, options);
      };
      // The plan's read sees the state as it was; the wait's first poll, the state it settled in.
      const sourceGet = source.provider.get.bind(source.provider);
      let reads = 0;
      source.provider.get = async (id, options) => {
        reads += 1;
        if (reads === 2 && stored.state === state) stored.state = settles;
        return sourceGet(id, options);
      };
      const result = await registry.migrate(created.ref, {
        to: 'new',
        deleteSource: true,
        stopTimeoutMs: 30_000,
      });
      expect({ state, settles, deleted: result.sourceDeleted, error: result.sourceError }).toEqual({
        state,
        settles,
        deleted: true,
        error: undefined,
      });
      const stops = settles === 'ready' ? [`stop ${created.id}`, `get ${created.id}`] : [];
      expect(source.calls).toEqual([
        `get ${created.id}`,
        `get ${created.id}`,
        ...stops,
        `delete ${created.id}`,
      ]);
      expect(source.store.has(created.id)).toBe(false);
    }
  });

  it('refuses a second migration of a stream while the first goes on, and takes it once that one ended', async () => {
    const { source, target, registry } = setup();
    const created = await registry.create({ name: 'Launch' }, { provider: 'old' });
    const other = await registry.create({ name: 'Other' }, { provider: 'old' });
    // The target's create waits until released, so the first migration is under way when the second comes.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const targetCreate = target.provider.create.bind(target.provider);
    target.provider.create = async (input, options) => {
      await held;
      return targetCreate(input, options);
    };
    const first = registry.migrate(created.ref, { to: 'new', deleteSource: true });
    const beside = registry.migrate(other.ref, { to: 'new' });
    const second = await registry.migrate(created.ref, { to: 'new', deleteSource: true }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ConflictError.isInstance(second)).toBe(true);
    expect(second).toMatchObject({
      operation: 'migrate',
      delivery: 'not-sent',
      // Which account, as every registry error names it.
      providerName: created.ref.split(':')[0],
      message: `${created.ref} is being migrated by another call of this registry: wait for it to end (its result has the new stream), rather than create a second one`,
    });
    release();
    const [done, alongside] = await Promise.all([first, beside]);
    expect(done.sourceDeleted).toBe(true);
    expect(alongside.stream.name).toBe('Other');
    // One new stream each: the refused call made none.
    expect(target.store.size).toBe(2);
    // Once the first has ended, the stream may be migrated again.
    await expect(registry.migrate(other.ref, { to: 'new' })).resolves.toMatchObject({ sourceDeleted: false });
    expect(source.store.has(other.id)).toBe(true);
  });

  it('a failed create leaves the source as it was', async () => {
    const { source, target, registry } = setup();
    const created = await registry.create({ name: 'Launch' }, { provider: 'old' });
    source.calls.length = 0;
    target.script({
      kind: 'fail',
      error: new ProviderUnavailableError({
        provider: 'liveapi',
        operation: 'create',
        message: '503',
        delivery: 'unknown',
      }),
    });
    // The target's create failed, inside the caller's migrate: the error names migrate, and keeps its class.
    const error = await registry
      .migrate(created.ref, { to: 'new', deleteSource: true })
      .catch((caught) => caught);
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      providerName: 'new',
      maybeCreated: true,
      operation: 'migrate',
      message: '503',
    });
    expect(source.calls).toEqual([`get ${created.id}`]);
    expect(source.store.has(created.id)).toBe(true);
  });

  it.each([
    ['a stopped source deleted elsewhere', false, 'delete'],
    ['a running source deleted elsewhere before the stop', true, 'stop'],
  ])('%s is reported deleted, with a warning that it was already gone', async (_, running, vanishesAt) => {
    const { source, registry } = setup();
    const created = await registry.create({ name: 'Launch' }, { provider: 'old' });
    if (running) await registry.start(created.ref);
    // Someone else deletes the source between the migration's read and its own stop or delete.
    const operation = vanishesAt as 'stop' | 'delete';
    const original = source.provider[operation].bind(source.provider);
    source.provider[operation] = async (id: string, options?: Parameters<typeof original>[1]) => {
      source.store.delete(id);
      return original(id, options) as never;
    };
    source.calls.length = 0;
    const result = await registry.migrate(created.ref, { to: 'new', deleteSource: true });
    expect(source.calls).toEqual([`get ${created.id}`, `${vanishesAt} ${created.id}`]);
    expect(result.sourceDeleted).toBe(true);
    expect(result.sourceError).toBeUndefined();
    expect(result.stream.ref).toBe('new:liveapi1');
    expect(result.warnings.at(-1)).toEqual({
      type: 'other',
      setting: 'deleteSource',
      message: `the source ${created.ref} was already gone when it was to be deleted (the vendor answered not found)`,
    });
  });

  it('a source that cannot be deleted does not fail the migration: the new stream is returned with why', async () => {
    const refusal = new ConflictError({
      provider: 'wowza-video',
      operation: 'delete',
      message: 'in use',
      status: 409,
    });
    const { registry } = setup({ source: { deleteError: refusal } });
    const created = await registry.create({ name: 'Launch' }, { provider: 'old' });
    const result = await registry.migrate(created.ref, { to: 'new', deleteSource: true });
    expect(result.stream.ref).toBe('new:liveapi1');
    expect(result.sourceDeleted).toBe(false);
    expect(result.sourceError).toMatchObject({
      name: refusal.name,
      message: refusal.message,
      status: refusal.status,
    });
    expect(result.sourceError?.providerName).toBe('old');
    expect(result.sourceError?.operation).toBe('migrate');
    expect(result.warnings.at(-1)).toEqual({
      type: 'other',
      setting: 'deleteSource',
      message: `the new stream new:liveapi1 exists, but the source ${created.ref} could not be deleted: ConflictError 409: in use`,
    });
  });

  it('a running source whose stop fails is reported as not stopped and maybe live, not as merely not deleted', async () => {
    const refusal = new ProviderUnavailableError({
      provider: 'wowza-video',
      operation: 'stop',
      message: 'busy',
      status: 503,
    });
    const { source, registry } = setup();
    const created = await registry.create({ name: 'Launch' }, { provider: 'old' });
    await registry.start(created.ref);
    source.provider.stop = async () => {
      throw refusal;
    };
    const result = await registry.migrate(created.ref, { to: 'new', deleteSource: true });
    expect(result.sourceDeleted).toBe(false);
    expect(result.sourceError?.status).toBe(503);
    expect(source.store.get(created.id)?.state).toBe('ready');
    expect(result.warnings.at(-1)).toEqual({
      type: 'other',
      setting: 'deleteSource',
      message: `the new stream new:liveapi1 exists, but the source ${created.ref} could not be stopped, so it was not deleted and may still be live: ProviderUnavailableError 503: busy`,
    });
  });

  it('refuses input fields no stream input has, or of the wrong type, before reading the source', async () => {
    const bad = fc.oneof(
      fc
        .stringMatching(/^[a-z][a-zA-Z]{0,11}$/)
        .filter((key) => !createFields.includes(key))
        .map((key) => ({ [key]: 1 })),
      fc.constantFrom<Record<string, unknown>>(
        { name: '' },
        { name: 7 },
        { recording: 'yes' },
        { restream: 'rtmp://a.example/live' },
        { restream: [{ url: 'not a url', streamKey: 'key-12345' }] },
        { ingestProtocol: 'carrier-pigeon' },
        { lowLatency: 1 },
      ),
    );
    await fc.assert(
      fc.asyncProperty(bad, fc.boolean(), async (input, plan) => {
        const { source, target, registry } = setup();
        const created = await registry.create({ name: 'x' }, { provider: 'old' });
        source.calls.length = 0;
        const options = { to: 'new', input: input as never };
        const outcome = plan
          ? registry.planMigration(created.ref, options)
          : registry.migrate(created.ref, options);
        const error = await outcome.then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).delivery).toBe('not-sent');
        expect(source.calls).toEqual([]);
        expect(target.calls).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses an input it cannot read before reading the source', async () => {
    const { source, registry } = setup();
    const created = await registry.create({ name: 'x' }, { provider: 'old' });
    source.calls.length = 0;
    const trap = () => {
      throw new Error('trap');
    };
    const input = new Proxy({}, { ownKeys: trap, get: trap });
    const error = await registry.migrate(created.ref, { to: 'new', input: input as never }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as InvalidInputError).delivery).toBe('not-sent');
    expect((error as InvalidInputError).issues).toEqual([
      { path: 'input', message: 'could not be read (a getter or a Proxy in it threw)' },
    ]);
    expect(source.calls).toEqual([]);
  });

  it('refuses an input that is no plain object, naming its kind, before reading the source', async () => {
    class Wanted {
      get name() {
        return 'wanted-name';
      }
    }
    const kinds: [unknown, string][] = [
      [new Map([['name', 'wanted-name']]), 'a Map'],
      [Object.create({ name: 'wanted-name' }), 'an object with a prototype of its own'],
      [new Wanted(), 'an instance of Wanted'],
    ];
    for (const [input, kind] of kinds) {
      for (const plan of [true, false]) {
        const { source, target, registry } = setup();
        const created = await registry.create({ name: 'x' }, { provider: 'old' });
        source.calls.length = 0;
        const options = { to: 'new', input: input as never };
        const error = await (plan
          ? registry.planMigration(created.ref, options)
          : registry.migrate(created.ref, options)
        ).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
        expect((error as InvalidInputError).delivery).toBe('not-sent');
        expect((error as InvalidInputError).operation).toBe(plan ? 'planMigration' : 'migrate');
        expect((error as InvalidInputError).issues).toEqual([
          { path: 'input', message: expect.stringContaining(`not ${kind}`) },
        ]);
        expect(source.calls).toEqual([]);
        expect(target.calls).toEqual([]);
      }
    }
  });

  it('reads each input field once: a getter that changes between reads cannot change the plan', async () => {
    const { registry } = setup();
    const created = await registry.create({ name: 'x' }, { provider: 'old' });
    let reads = 0;
    const input = {
      get name() {
        reads += 1;
        return reads === 1 ? 'Renamed' : 7;
      },
    };
    const plan = await registry.planMigration(created.ref, { to: 'new', input: input as never });
    expect(plan.input.name).toBe('Renamed');
    expect(reads).toBe(1);
  });

  it('refuses a bad reference before reading anything', async () => {
    const { source, registry } = setup();
    await expect(registry.migrate('old', { to: 'new' })).rejects.toThrow(InvalidInputError);
    expect(source.calls).toEqual([]);
  });
});

describe('migrate aborted after the new stream exists', () => {
  // `stop-read-back`: the vendor accepted the stop and the abort came while the stop read the stream back.
  type Where = 'after-create' | 'during-stop' | 'stop-read-back' | 'during-wait' | 'during-delete';
  const cases = fc
    .record({
      running: fc.boolean(),
      where: fc.constantFrom<Where>(
        'after-create',
        'during-stop',
        'stop-read-back',
        'during-wait',
        'during-delete',
      ),
    })
    // A source that is not running is neither stopped nor waited for.
    .filter(
      ({ running, where }) =>
        running || (where !== 'during-stop' && where !== 'stop-read-back' && where !== 'during-wait'),
    );

  it('is an AbortError naming the new stream on the target and what was done to the source', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async ({ running, where }) => {
        const { source, target, registry } = setup();
        const created = await registry.create({ name: 'Launch' }, { provider: 'old' });
        if (running) await registry.start(created.ref);
        source.calls.length = 0;
        const controller = new AbortController();
        // The signal fires where the case says; a request under way is cut off (`delivery: 'unknown'`), as
        // the HTTP layer reports it, and a read during the wait changes nothing.
        const cut = (operation: string, delivery: 'unknown' | 'not-sent') => {
          controller.abort(new Error('caller gave up'));
          return new AbortError({
            provider: 'wowza-video',
            operation,
            message: 'aborted',
            delivery,
            cause: controller.signal.reason,
          });
        };
        const targetCreate = target.provider.create.bind(target.provider);
        target.provider.create = async (input, options) => {
          const made = await targetCreate(input, options);
          if (where === 'after-create') controller.abort(new Error('caller gave up'));
          return made;
        };
        const sourceStop = source.provider.stop?.bind(source.provider);
        source.provider.stop = async (id, options) => {
          if (where === 'during-stop') {
            source.calls.push(`stop ${id}`);
            throw cut('stop', 'unknown');
          }
          const stopped = await (sourceStop as NonNullable<typeof sourceStop>)(id, options);
          if (where !== 'stop-read-back') return stopped;
          // As core's lifecycle reports an abort met after the vendor accepted the change.
          controller.abort(new Error('caller gave up'));
          throw abortAfterAcceptedChange({
            provider: 'wowza-video',
            operation: 'stop',
            streamId: id,
            applied: ['stop'],
            cause: controller.signal.reason,
          });
        };
        const sourceGet = source.provider.get.bind(source.provider);
        source.provider.get = async (id, options) => {
          if (where === 'during-wait' && source.calls.includes(`stop ${id}`)) throw cut('get', 'not-sent');
          return sourceGet(id, options);
        };
        const sourceDelete = source.provider.delete.bind(source.provider);
        source.provider.delete = async (id, options) => {
          if (where === 'during-delete') {
            source.calls.push(`delete ${id}`);
            throw cut('delete', 'unknown');
          }
          return sourceDelete(id, options);
        };
        const error = await registry
          .migrate(created.ref, { to: 'new', deleteSource: true, signal: controller.signal })
          .then(
            (result) => result,
            (caught: unknown) => caught,
          );
        expect(AbortError.isInstance(error), String(error)).toBe(true);
        const abort = error as AbortError;
        const stopped = running && where !== 'after-create' && where !== 'during-stop';
        const steps = [...(running ? ['stop-source'] : []), 'delete-source'];
        const applied = ['create', ...(stopped ? ['stop-source'] : [])];
        const underWay =
          where === 'during-stop' ? 'stop-source' : where === 'during-delete' ? 'delete-source' : '';
        const rest = steps.filter((step) => !applied.includes(step));
        expect({
          message: abort.message,
          provider: abort.provider,
          providerName: abort.providerName,
          operation: abort.operation,
          delivery: abort.delivery,
          maybeCreated: abort.maybeCreated,
          streamId: abort.streamId,
          applied: abort.applied,
          unknown: abort.unknown,
          notApplied: abort.notApplied,
        }).toEqual({
          message: 'liveapi migrate was aborted',
          provider: 'liveapi',
          providerName: 'new',
          operation: 'migrate',
          delivery: 'unknown',
          maybeCreated: true,
          streamId: 'liveapi1',
          applied,
          unknown: rest.filter((step) => step === underWay),
          notApplied: rest.filter((step) => step !== underWay),
        });
        expect(abort.cause).toMatchObject({ message: 'caller gave up' });
        // The stream it names exists on the target; the source is as the parts say.
        expect(target.store.has('liveapi1')).toBe(true);
        expect(source.store.has(created.id)).toBe(true);
        expect(source.calls.filter((call) => !call.startsWith('get'))).toEqual([
          ...(running && where !== 'after-create' ? [`stop ${created.id}`] : []),
          ...(where === 'during-delete' ? [`delete ${created.id}`] : []),
        ]);
      }),
      { numRuns: 40 },
    );
  });
});

describe("a migration's own warnings and its stop budget", () => {
  it('reach onWarning, named for the target (what was not carried) or the source (what became of it)', async () => {
    const source = fakeProvider('wowza-video', { capabilities: { regions: true, lowLatency: true } });
    // A target with no restream targets: those of the source are not carried, and said so.
    const target = fakeProvider('liveapi', { capabilities: { restream: false } });
    const heard: { providerName?: string; operation: string; warning: { type: string; message: string } }[] =
      [];
    const registry = createLiveStreamRegistry<string>({
      providers: { old: source.provider, new: target.provider },
      hooks: { onWarning: (event) => heard.push(event as (typeof heard)[number]) },
    });
    const created = await registry.create({ name: 'Launch', restream: [youtube] }, { provider: 'old' });
    // The source's delete fails: the new stream exists, the source stays, and the hook hears it.
    source.provider.delete = async () => {
      throw new ProviderUnavailableError({
        provider: 'wowza-video',
        operation: 'delete',
        status: 503,
        message: 'down',
        delivery: 'refused',
      });
    };
    heard.length = 0;
    const result = await registry.migrate(created.ref, { to: 'new', deleteSource: true });
    expect(result.sourceDeleted).toBe(false);
    const own = result.warnings.filter((warning) => !(result.stream.warnings ?? []).includes(warning));
    expect(own.length).toBeGreaterThanOrEqual(2);
    for (const warning of own) {
      expect(heard).toContainEqual(
        expect.objectContaining({ operation: 'migrate', warning, providerName: expect.any(String) }),
      );
    }
    const sourceLeft = heard.find((event) => event.warning.message.includes('could not be deleted'));
    expect(sourceLeft?.providerName).toBe('old');
    expect(heard.find((event) => event.warning.type === 'not-carried')?.providerName).toBe('new');
  });

  it('spends stopTimeoutMs on the waits only: a slow stop leaves the wait after it its time', async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const { source, registry } = setup();
      const created = await registry.create({ name: 'Launch' }, { provider: 'old' });
      const stored = source.store.get(created.id);
      if (!stored) throw new Error('no stream');
      stored.state = 'ready';
      // The vendor answers the stop after 800 ms, and every read after 50 ms.
      const stop = source.provider.stop?.bind(source.provider);
      source.provider.stop = async (id, options) => {
        await new Promise((resolve) => setTimeout(resolve, 800));
        return (stop as NonNullable<typeof stop>)(id, options);
      };
      const get = source.provider.get.bind(source.provider);
      source.provider.get = async (id, options) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return get(id, options);
      };
      const migrating = registry.migrate(created.ref, { to: 'new', deleteSource: true, stopTimeoutMs: 500 });
      await vi.advanceTimersByTimeAsync(5_000);
      const result = await migrating;
      expect(result.sourceError).toBeUndefined();
      expect(result.sourceDeleted).toBe(true);
      expect(source.store.has(created.id)).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
