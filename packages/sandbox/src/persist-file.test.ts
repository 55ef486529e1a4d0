import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dialectClients, dialectRequest } from '../test/dialect-clients.js';
import { PersistTooLarge, persistTextOf, startSandbox } from './server.js';
import type { StreamChange } from './types.js';

describe('the persist file', () => {
  // A close within `transitionMs` of a start dropped its timer with the process: the stream was saved
  // `starting` and stayed so in every later sandbox, every start, stop and reset refused.
  it('ends on restart the transitions its records were saved in: a Wowza Video start, a videosdk v2 egress start and end', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'unilive-persist-'));
    const persistPath = join(folder, 'data.json');
    try {
      const first = await startSandbox({ media: false, persistPath, transitionMs: 3_600_000 });
      const wowza = dialectClients(first.engine)['wowza-video'];
      if (!wowza?.start) throw new Error('no wowza-video client');
      const stream = await wowza.create('Saved while starting');
      const id = String(stream.id);
      expect((await wowza.start(id)).body).toEqual({ live_stream: { state: 'starting' } });
      const room = async () =>
        String(
          (
            (await dialectRequest(first.engine, 'videosdk', 'POST', '/v2/rooms', {})).body as {
              roomId: string;
            }
          ).roomId,
        );
      const [starting, stopping] = [await room(), await room()];
      for (const roomId of [starting, stopping])
        expect(
          (await dialectRequest(first.engine, 'videosdk', 'POST', '/v2/hls/start', { roomId })).status,
        ).toBe(200);
      expect(
        (await dialectRequest(first.engine, 'videosdk', 'POST', '/v2/hls/end', { roomId: stopping })).status,
      ).toBe(200);
      await first.close();

      const second = await startSandbox({ media: false, persistPath, transitionMs: 20 });
      const changes: StreamChange[] = [];
      const heard = new Promise<void>((resolve) =>
        second.onStreamChange((change) => {
          changes.push(change);
          if (changes.length === 3) resolve();
        }),
      );
      await heard;
      expect(
        changes
          .map(({ provider, id: changed, previousState, state }) => [provider, changed, previousState, state])
          .sort(),
      ).toEqual(
        [
          ['wowza-video', id, 'starting', 'started'],
          ['videosdk', starting, 'hls-starting', 'hls-playable'],
          ['videosdk', stopping, 'hls-stopping', 'hls-stopped'],
        ].sort(),
      );
      expect((await dialectClients(second.engine)['wowza-video']?.get(id))?.state).toBe('started');
      const active = await dialectRequest(second.engine, 'videosdk', 'GET', `/v2/hls/${stopping}/active`);
      expect(active.status).toBe(404);
      await second.close();
      // Saved as they ended: a third sandbox finds them so, with nothing left to resume.
      const third = await startSandbox({ media: false, persistPath, transitionMs: 20 });
      expect((await dialectClients(third.engine)['wowza-video']?.get(id))?.state).toBe('started');
      await third.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('is never written larger than a start reads: the streams are then not saved, the last file kept, and the log says why', async () => {
    const snapshot = { liveapi: { live_streams: { a: { id: 'a', name: '\u0001'.repeat(10) } } } };
    const text = persistTextOf(snapshot);
    expect(JSON.parse(text)).toEqual(snapshot);
    // Each control character is written as six bytes of JSON: the limit is the file's bytes, not the text's.
    const bytes = Buffer.byteLength(text);
    expect(persistTextOf(snapshot, bytes)).toBe(text);
    const refused = (() => {
      try {
        return persistTextOf(snapshot, bytes - 1);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(PersistTooLarge);
    expect((refused as PersistTooLarge).bytes).toBe(bytes);
  });

  it('refuses a path blank by the library whitespace rule (NEL, the BOM too), as the CLI does, naming persistPath', async () => {
    const whitespace = fc.constantFrom(' ', '\t', '\n', '\u0085', '\u00a0', '\u2028', '\u3000', '\ufeff');
    await fc.assert(
      fc.asyncProperty(
        fc.array(whitespace, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')),
        async (persistPath) => {
          const outcome = await startSandbox({ media: false, persistPath }).then(
            async (sandbox) => {
              await sandbox.close();
              // A blank name taken as a file was just written in the working folder.
              rmSync(persistPath, { force: true });
              return undefined;
            },
            (error: unknown) => error,
          );
          expect(InvalidInputError.isInstance(outcome)).toBe(true);
          expect((outcome as InvalidInputError).message).toContain('The persist file path is empty');
          expect((outcome as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['persistPath']);
        },
      ),
      { numRuns: 12, examples: [['\u0085'], ['\ufeff'], ['\u0085\u3000']] },
    );
  });

  it('says a path that is no text is no text, never empty, naming persistPath', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'unilive-persist-'));
    const file = join(folder, 'data.json');
    for (const [persistPath, kind] of [
      [42, 'a number'],
      [pathToFileURL(file), 'a URL'],
      [Buffer.from(file), 'a Buffer'],
      [null, 'null'],
      [new String(file), 'an object'],
    ] as const) {
      const outcome = await startSandbox({ media: false, persistPath: persistPath as never }).then(
        async (sandbox) => {
          await sandbox.close();
          return undefined;
        },
        (error: unknown) => error,
      );
      expect(InvalidInputError.isInstance(outcome)).toBe(true);
      const refused = outcome as InvalidInputError;
      expect(refused.message).toBe(
        `The persist file path is no text (got ${kind}; pass the path as text): pass a path in a folder the sandbox may write to`,
      );
      expect(refused.issues.map((issue) => issue.path)).toEqual(['persistPath']);
    }
    expect(readdirSync(folder)).toEqual([]);
  });

  it('is saved through a temp file of its own, never a symlink planted beside it, readable by this user alone', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'unilive-persist-'));
    const persistPath = join(folder, 'data.json');
    const victim = join(folder, 'victim.txt');
    writeFileSync(victim, 'IMPORTANT USER DATA\n');
    // An earlier persist file readable by everyone, as saves made it before.
    writeFileSync(persistPath, '{}', { mode: 0o644 });
    // Links at every name a save could be guessed to use: the pid's, and the pids around it.
    const planted = [-2, -1, 0, 1, 2].map((offset) => join(folder, `data.json.${process.pid + offset}.tmp`));
    for (const link of planted) symlinkSync(victim, link);
    const sandbox = await startSandbox({ media: false, persistPath });
    const created = await dialectClients(sandbox.engine).liveapi!.create('kept');
    await sandbox.close();
    expect(readFileSync(victim, 'utf8')).toBe('IMPORTANT USER DATA\n');
    expect(JSON.parse(readFileSync(persistPath, 'utf8')).liveapi).toBeDefined();
    expect(readFileSync(persistPath, 'utf8')).toContain(String(created._id));
    expect(lstatSync(persistPath).isFile()).toBe(true);
    expect(statSync(persistPath).mode & 0o777).toBe(0o600);
    // No temp file is left behind, and the planted links are as they were.
    expect(readdirSync(folder).sort()).toEqual(
      ['data.json', 'victim.txt', ...planted.map((link) => link.slice(folder.length + 1))].sort(),
    );
  });

  const refusal = async (persistPath: string) =>
    startSandbox({ media: false, persistPath }).then(
      async (sandbox) => {
        await sandbox.close();
        return undefined;
      },
      (error: unknown) => error,
    );

  it('refuses a file that is no regular file (a FIFO, a device) naming persistPath, never reading it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'unilive-persist-'));
    const fifo = join(folder, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    // A FIFO read with nothing writing to it would block the process for good: the start answers at once.
    for (const persistPath of ['/dev/null', fifo]) {
      const outcome = await refusal(persistPath);
      expect(InvalidInputError.isInstance(outcome)).toBe(true);
      expect({ persistPath, message: (outcome as InvalidInputError).message }).toEqual({
        persistPath,
        message:
          'The persist file is no regular file (a FIFO, a socket or a device): pass a path in a folder the sandbox may write to',
      });
      expect((outcome as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['persistPath']);
    }
    expect(readdirSync(folder)).toEqual(['fifo.json']);
  });

  it('refuses at start a path no save could ever write: a trailing slash, a name past the limit, a missing folder behind ..', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'unilive-persist-'));
    mkdirSync(join(folder, 'there'));
    const cases: [string, string][] = [
      [`${folder}/p.json/`, ' path ends with a slash (it names a folder)'],
      [join(folder, `${'a'.repeat(300)}.json`), ' name is longer than the file system allows'],
      // Fits as a name, but the save's temporary file beside it (`.<24 hex>.tmp` more) would not.
      [join(folder, `${'b'.repeat(240)}.json`), ' name is longer than the file system allows'],
      [`${folder}/missing/../p.json`, `'s folder ${folder}/missing/.. does not exist`],
    ];
    for (const [persistPath, why] of cases) {
      const outcome = await refusal(persistPath);
      expect({ persistPath, refused: InvalidInputError.isInstance(outcome) }).toEqual({
        persistPath,
        refused: true,
      });
      expect({ persistPath, message: (outcome as InvalidInputError).message }).toEqual({
        persistPath,
        message: expect.stringContaining(`The persist file${why}`),
      });
      expect((outcome as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['persistPath']);
    }
    // (`join` would drop the `..` and the slash.) Through a folder that exists, `..` is a path like another;
    // nothing is left behind by the checks.
    const sandbox = await startSandbox({ media: false, persistPath: `${folder}/there/../p.json` });
    await sandbox.close();
    expect(existsSync(join(folder, 'p.json'))).toBe(true);
    expect(readdirSync(folder).sort()).toEqual(['p.json', 'there']);
  });

  it('keeps a relative path anchored to the working folder at start: a later chdir moves no save', async () => {
    const root = mkdtempSync(join(tmpdir(), 'unilive-persist-chdir-'));
    const first = join(root, 'first');
    const second = join(root, 'second');
    mkdirSync(first);
    mkdirSync(second);
    const cwd = process.cwd();
    try {
      process.chdir(first);
      const sandbox = await startSandbox({ media: false, persistPath: 'records.json' });
      const clients = dialectClients(sandbox.engine);
      const a = await clients.liveapi!.create('before the chdir');
      process.chdir(second);
      const b = await clients.liveapi!.create('after the chdir');
      await sandbox.close();
      expect(existsSync(join(second, 'records.json'))).toBe(false);
      process.chdir(first);
      const again = await startSandbox({ media: false, persistPath: 'records.json' });
      const kept = dialectClients(again.engine).liveapi!;
      const ids = [String((await kept.get(String(a._id)))._id), String((await kept.get(String(b._id)))._id)];
      await again.close();
      expect(ids).toEqual([String(a._id), String(b._id)]);
    } finally {
      process.chdir(cwd);
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('names a relative path as given, and the folder the system reads it in, never the working folder with /. (generated)', async () => {
    const cwd = process.cwd();
    const missing = `unilive-missing-${process.pid}`;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          `${missing}/p.json`,
          `./${missing}/p.json`,
          `${missing}/../p.json`,
          `./${missing}/deeper/p.json`,
        ),
        async (persistPath) => {
          const outcome = await refusal(persistPath);
          expect(InvalidInputError.isInstance(outcome)).toBe(true);
          const { message } = outcome as InvalidInputError;
          const folder = dirname(persistPath);
          const read = `${cwd}${sep}${folder.replace(/^\.\//, '')}`;
          expect(message).toBe(
            `The persist file's folder ${folder} of ${persistPath} (${read}) does not exist: pass a path in a folder the sandbox may write to`,
          );
          expect(message).not.toContain(`${cwd}${sep}.${sep}`);
        },
      ),
      { examples: [[`./${missing}/p.json`], [`${missing}/../p.json`]] },
    );
  });
});
