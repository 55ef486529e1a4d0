import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { dialectClients, dialectRequest } from '../test/dialect-clients.js';
import { allDialects } from './dialects/index.js';
import { createEngine } from './engine.js';
import { duplicateKey, maxPersistBytes, persistedProblem } from './persisted-records.js';
import { startSandbox } from './server.js';

type Records = Record<string, Record<string, Record<string, Record<string, unknown>>>>;

const served = allDialects.map((dialect) => dialect.id);
const folder = mkdtempSync(join(tmpdir(), 'unilive-persisted-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// A videosdk v2 room, with a session, an HLS egress and an RTMP-out, as the server SDK makes them.
async function videosdkRoom(engine: ReturnType<typeof createEngine>): Promise<void> {
  const send = async (path: string, body: unknown) =>
    (await dialectRequest(engine, 'videosdk', 'POST', path, body)).body as Record<string, unknown>;
  const { roomId } = (await send('/v2/rooms', { customRoomId: 'kept-room' })) as { roomId: string };
  await send('/v2/hls/start', { roomId });
  await send('/v2/livestreams/start', {
    roomId,
    outputs: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'abcd-efgh' }],
  });
}

// Records of every built-in dialect as the sandbox writes them: created, changed, started, stopped, deleted.
async function written(actions: readonly number[]): Promise<Records> {
  const engine = createEngine({ dialects: allDialects, transitionMs: 1 });
  try {
    const clients = dialectClients(engine);
    for (const client of Object.values(clients)) {
      const ids: string[] = [];
      for (const [index, action] of actions.entries()) {
        const stream = await client.create(`Stream ${index}`);
        const id = String(stream.id ?? stream._id ?? stream.roomId);
        ids.push(id);
        if (action === 1) await client.update(id, `Renamed ${index}`);
        if (action === 2) await client.start?.(id);
        if (action === 3) await client.stop?.(id);
        if (action === 4) await client.delete(id);
      }
    }
    await videosdkRoom(engine);
    return JSON.parse(JSON.stringify(engine.snapshot())) as Records;
  } finally {
    engine.close();
  }
}

const outcomeOf = async (persistPath: string) =>
  startSandbox({ media: false, persistPath }).then(
    async (sandbox) => {
      await sandbox.close();
      return undefined;
    },
    (error: unknown) => error,
  );

const refusalOf = (persistPath: string, at: string, problem: string) => ({
  refused: true,
  message: `The persist file ${persistPath} does not hold sandbox records (${problem} at ${at}): move it away or pass another path, and the sandbox starts empty there`,
  issues: [{ path: 'persistPath', message: `expected a JSON file the sandbox wrote; ${problem} at ${at}` }],
});
const seen = (outcome: unknown) => ({
  refused: InvalidInputError.isInstance(outcome),
  message: (outcome as Error | undefined)?.message,
  issues: (outcome as InvalidInputError | undefined)?.issues,
});

describe('the persist file, checked at start', () => {
  it('takes every record every built-in dialect writes, whatever was done to its streams (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
        async (actions) => {
          expect(persistedProblem(await written(actions), served)).toBeUndefined();
        },
      ),
      { numRuns: 15, examples: [[[0, 1, 2, 3, 4]]] },
    );
    // And a sandbox started on such a file serves it.
    const persistPath = join(folder, 'written.json');
    writeFileSync(persistPath, JSON.stringify(await written([0, 1, 2, 3, 4]), null, 2));
    expect(await outcomeOf(persistPath)).toBeUndefined();
  });

  // Fields each built-in dialect reads back, with the type it keeps them in.
  const fields: [
    provider: string,
    collection: string,
    path: string[],
    type: 'string' | 'boolean' | 'number',
  ][] = [
    ['wowza-video', 'live_streams', ['id'], 'string'],
    ['wowza-video', 'live_streams', ['sequence'], 'number'],
    ['wowza-video', 'live_streams', ['entryPoint'], 'string'],
    ['wowza-video', 'live_streams', ['liveStream', 'name'], 'string'],
    ['wowza-video', 'live_streams', ['liveStream', 'created_at'], 'string'],
    ['wowza-realtime', 'real_time_streams', ['name'], 'string'],
    ['wowza-realtime', 'real_time_streams', ['token'], 'string'],
    ['wowza-realtime', 'real_time_streams', ['recording'], 'boolean'],
    ['liveapi', 'live_streams', ['enabled'], 'boolean'],
    ['liveapi', 'live_streams', ['key'], 'string'],
    ['liveapi', 'live_streams', ['creationTime'], 'string'],
    ['videosdk', 'livestreams', ['record'], 'boolean'],
    ['videosdk', 'livestreams', ['streamKey'], 'string'],
    ['videosdk', 'v2-rooms', ['disabled'], 'boolean'],
    ['videosdk', 'v2-rooms', ['userId'], 'string'],
  ];
  // A value of another type than `type`, holding a text that must never be shown, and how it is named.
  const marker = 'MARKER-never-shown-9f3a';
  const wrongFor = (type: string) =>
    fc.constantFrom<[unknown, string]>(
      ...(
        [
          [42, 'a number'],
          [true, 'a boolean'],
          [marker, 'a string'],
          [null, 'null'],
          [[marker], 'a list'],
          [{ value: marker }, 'an object'],
          [undefined, 'nothing'],
        ] as [unknown, string][]
      ).filter(([value]) => value === null || Array.isArray(value) || typeof value !== type),
    );

  it('refuses a record with a field missing or of another type, naming the file and the field by its path, never its value (generated)', async () => {
    const records = await written([0, 2]);
    const persistPath = join(folder, 'corrupt.json');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fields).chain((field) => fc.tuple(fc.constant(field), wrongFor(field[3]))),
        async ([[provider, collection, path, type], [value, kind]]) => {
          const copy = structuredClone(records);
          const [id, record] = Object.entries(copy[provider]?.[collection] ?? {})[0] ?? [];
          if (id === undefined || record === undefined)
            throw new Error(`no ${provider} ${collection} record`);
          let holder = record;
          for (const key of path.slice(0, -1)) holder = holder[key] as Record<string, unknown>;
          const last = path[path.length - 1] ?? '';
          if (value === undefined) delete holder[last];
          else holder[last] = value;
          writeFileSync(persistPath, JSON.stringify(copy));
          const outcome = seen(await outcomeOf(persistPath));
          const problem = value === undefined ? 'missing' : `expected ${type}, got ${kind}`;
          expect(outcome).toEqual(
            refusalOf(persistPath, [provider, collection, id, ...path].join('.'), problem),
          );
          expect(JSON.stringify(outcome)).not.toContain(marker);
        },
      ),
      { numRuns: 60, examples: [[[fields[0] ?? ['', '', [], 'string'], [undefined, 'nothing']]]] },
    );
  });

  it('refuses a provider no dialect serves, a collection a dialect does not keep, a stream deleted and kept, a record under two ids or one id twice', async () => {
    const records = await written([0, 4]);
    const persistPath = join(folder, 'wrong.json');
    const [liveId = '', live] = Object.entries(records['wowza-video']?.live_streams ?? {})[0] ?? [];
    const [deletedId = ''] = Object.entries(records['wowza-video']?.deleted_live_streams ?? {})[0] ?? [];
    const [liveapiId = '', liveapiRecord] = Object.entries(records.liveapi?.live_streams ?? {})[0] ?? [];
    const cases: [string, string, string][] = [
      [
        JSON.stringify({ 'wowza-vidoe': records['wowza-video'] }),
        'wowza-vidoe',
        `no dialect of this sandbox is wowza-vidoe (it serves ${served.join(', ')})`,
      ],
      [
        JSON.stringify({ liveapi: { streams: records.liveapi?.live_streams } }),
        'liveapi.streams',
        'the liveapi dialect keeps no such collection (it keeps live_streams)',
      ],
      [
        JSON.stringify({
          'wowza-video': {
            live_streams: { [liveId]: live },
            deleted_live_streams: { [liveId]: { id: liveId, deletedAt: '2026-12-03T07:00:00.000Z' } },
          },
        }),
        `wowza-video.deleted_live_streams.${liveId}`,
        `a stream deleted and kept at once (also wowza-video.live_streams.${liveId})`,
      ],
      [
        JSON.stringify({ liveapi: { live_streams: { other: liveapiRecord } } }),
        'liveapi.live_streams.other.id',
        'expected the key the record is kept under',
      ],
      [
        `{"liveapi": {"live_streams": {"${liveapiId}": ${JSON.stringify(liveapiRecord)}, "${liveapiId}": ${JSON.stringify(liveapiRecord)}}}}`,
        `liveapi.live_streams.${liveapiId}`,
        'a key that appears twice in its object',
      ],
      ['[1, 2]', 'the top of the file', 'expected an object, got a list'],
      [
        JSON.stringify({ 'wowza-video': { live_streams: [] } }),
        'wowza-video.live_streams',
        'expected an object, got a list',
      ],
    ];
    expect(deletedId).not.toBe('');
    for (const [content, at, problem] of cases) {
      writeFileSync(persistPath, content);
      expect({ at, ...seen(await outcomeOf(persistPath)) }).toEqual({
        at,
        ...refusalOf(persistPath, at, problem),
      });
    }
  });

  // Two LiveAPI records given one key by hand: every publish with the second's key and password reached the
  // first and was refused as a wrong password, the second stream never publishable, and nothing said why.
  it('refuses two streams of one dialect sharing what a publish finds them by, naming both places, never the value', async () => {
    const records = await written([0, 0]);
    const persistPath = join(folder, 'shared-key.json');
    const fields = {
      'wowza-video': ['live_streams', 'application'],
      'wowza-realtime': ['real_time_streams', 'stream_name'],
      liveapi: ['live_streams', 'key'],
      videosdk: ['livestreams', 'streamKey'],
    } as const;
    for (const [provider, [collection, field]] of Object.entries(fields)) {
      const kept = records[provider]?.[collection] ?? {};
      const [[firstId = '', first] = [], [secondId = '', second] = []] = Object.entries(kept);
      if (!first || !second) throw new Error(`${provider}: two records expected`);
      const value = String(first[field]);
      writeFileSync(
        persistPath,
        JSON.stringify({
          [provider]: { [collection]: { [firstId]: first, [secondId]: { ...second, [field]: value } } },
        }),
      );
      const at = `${provider}.${collection}.${secondId}.${field}`;
      const outcome = seen(await outcomeOf(persistPath));
      expect(outcome).toEqual(
        refusalOf(
          persistPath,
          at,
          `the same as ${provider}.${collection}.${firstId}.${field}: each stream's must be its own, or a publish to one reaches the other`,
        ),
      );
      expect(JSON.stringify(outcome)).not.toContain(value);
      // Each its own, the file is read.
      writeFileSync(persistPath, JSON.stringify({ [provider]: { [collection]: kept } }));
      expect(await outcomeOf(persistPath)).toBeUndefined();
    }
  });

  it('refuses a provider or a collection named like a member every object inherits, naming the file and the place (generated)', async () => {
    const persistPath = join(folder, 'inherited-names.json');
    // `toString`, `constructor`, `hasOwnProperty`, `__proto__`, …: found on any object, kept by no dialect.
    const inherited = Object.getOwnPropertyNames(Object.prototype);
    const record = (id: string) => ({ [id]: { id } });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...inherited),
        fc.boolean(),
        fc.boolean(),
        async (name, asProvider, withRecord) => {
          // Built as own keys (`Object.fromEntries`), as `JSON.parse` reads them back.
          const content = asProvider
            ? Object.fromEntries([[name, withRecord ? { live_streams: record('a') } : {}]])
            : {
                liveapi: Object.fromEntries([
                  ['live_streams', {}],
                  [name, withRecord ? record('a') : {}],
                ]),
              };
          writeFileSync(persistPath, JSON.stringify(content));
          const [at, problem] = asProvider
            ? [name, `no dialect of this sandbox is ${name} (it serves ${served.join(', ')})`]
            : [`liveapi.${name}`, 'the liveapi dialect keeps no such collection (it keeps live_streams)'];
          expect({ name, asProvider, withRecord, ...seen(await outcomeOf(persistPath)) }).toEqual({
            name,
            asProvider,
            withRecord,
            ...refusalOf(persistPath, at, problem),
          });
        },
      ),
      {
        examples: [
          ['toString', false, true],
          ['constructor', false, false],
          ['toString', true, false],
          ['__proto__', true, true],
        ],
      },
    );
  });

  it('names the file it refuses as not JSON', async () => {
    const persistPath = join(folder, 'not-json.json');
    for (const content of ['', '{"liveapi": {"live_streams": ', '{"liveapi": {},}', 'NaN']) {
      writeFileSync(persistPath, content);
      expect({ content, ...seen(await outcomeOf(persistPath)) }).toEqual({
        content,
        refused: true,
        message: `The persist file ${persistPath} is not valid JSON: move it away or pass another path, and the sandbox starts empty there`,
        issues: [{ path: 'persistPath', message: 'expected a JSON file the sandbox wrote' }],
      });
    }
  });

  it('reads a file that begins with one byte order mark, as an editor may save it, and saves it without', async () => {
    const persistPath = join(folder, 'bom.json');
    const first = await startSandbox({ media: false, persistPath });
    const created = await dialectClients(first.engine).liveapi!.create('kept across a BOM');
    await first.close();
    writeFileSync(persistPath, `\ufeff${readFileSync(persistPath, 'utf8')}`);
    const again = await startSandbox({ media: false, persistPath });
    expect((await dialectClients(again.engine).liveapi!.get(String(created._id))).name).toBe(
      'kept across a BOM',
    );
    await again.close();
    const saved = readFileSync(persistPath, 'utf8');
    expect(saved.charCodeAt(0)).not.toBe(0xfeff);
    expect(JSON.parse(saved).liveapi).toBeDefined();
    // Two are no editor's doing: the file is refused as not JSON, as any other stray character before it.
    writeFileSync(persistPath, `\ufeff\ufeff${saved}`);
    expect(seen(await outcomeOf(persistPath))).toEqual({
      refused: true,
      message: `The persist file ${persistPath} is not valid JSON: move it away or pass another path, and the sandbox starts empty there`,
      issues: [{ path: 'persistPath', message: 'expected a JSON file the sandbox wrote' }],
    });
  });

  it('finds a provider, collection or record id given twice, whatever the strings around it hold (generated)', () => {
    const tricky = fc.string({
      unit: fc.constantFrom('a', '"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'é', '\n'),
      maxLength: 6,
    });
    fc.assert(
      fc.property(
        tricky,
        tricky,
        tricky,
        fc.dictionary(tricky, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }),
        fc.jsonValue({ maxDepth: 3 }),
        fc.constantFrom(0, 2),
        fc.constantFrom(0, 1, 2),
        (provider, collection, id, others, value, indent, level) => {
          const records = { ...others, [id]: value };
          const data = { [provider]: { [collection]: records } };
          expect(duplicateKey(JSON.stringify(data, null, indent))).toBeUndefined();
          // The same key written twice at one of the three levels: JSON.parse would keep the last alone.
          const q = (text: string) => JSON.stringify(text);
          const body = JSON.stringify(records, null, indent);
          const texts = [
            `{${q(provider)}: {${q(collection)}: ${body}}, ${q(provider)}: {}}`,
            `{${q(provider)}: {${q(collection)}: ${body}, ${q(collection)}: {}}}`,
            `{${q(provider)}: {${q(collection)}: {${q(id)}: ${JSON.stringify(value)}, ${body.slice(1)}}}}`,
          ];
          const paths = [provider, `${provider}.${collection}`, `${provider}.${collection}.${id}`];
          expect(duplicateKey(texts[level] ?? '')).toBe(paths[level]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a file over 256 MiB without reading it', async () => {
    const persistPath = join(folder, 'huge.json');
    // Sparse: no disk is used, and the size is what the check reads.
    writeFileSync(persistPath, '');
    truncateSync(persistPath, maxPersistBytes + 1);
    expect(seen(await outcomeOf(persistPath))).toEqual({
      refused: true,
      message: `The persist file ${persistPath} is ${maxPersistBytes + 1} bytes, more than the ${maxPersistBytes} (256 MiB) a persist file may hold: move it away or pass another path, and the sandbox starts empty there`,
      issues: [{ path: 'persistPath', message: 'expected a JSON file the sandbox wrote' }],
    });
    rmSync(persistPath);
  });
});
