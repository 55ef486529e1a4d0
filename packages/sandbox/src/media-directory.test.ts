import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { removeAtExit } from './media/media-service.js';
import { startSandbox } from './server.js';

const advice = 'pass a folder the sandbox may write HLS output to, or a path where it may create one';

// What startSandbox does with a media folder: the refusal it throws, or nothing (then it closes again).
const outcomeOf = async (directory: string) =>
  startSandbox({ media: { hls: false, directory } }).then(
    async (sandbox) => {
      await sandbox.close();
      return undefined;
    },
    (error: unknown) => error,
  );

describe('the temporary media folder', () => {
  // A script that ended with process.exit() without closing its sandbox left its folder and segments in /tmp.
  it('is removed as the process exits when the sandbox was not closed; a given folder never is', async () => {
    const temporary = mkdtempSync(join(tmpdir(), 'unilive-media-exit-'));
    const given = join(temporary, 'given');
    mkdirSync(given);
    const before = process.env.TMPDIR;
    process.env.TMPDIR = temporary;
    try {
      const open = await startSandbox({ media: { port: 0, hls: false } });
      const kept = await startSandbox({ media: { port: 0, hls: false, directory: given } });
      try {
        const made = readdirSync(temporary).filter((name) => name.startsWith('unilive-sandbox-media-'));
        expect(made).toHaveLength(1);
        removeAtExit();
        expect(readdirSync(temporary).sort()).toEqual(['given']);
      } finally {
        await open.close();
        await kept.close();
      }
      expect(existsSync(given)).toBe(true);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
      rmSync(temporary, { recursive: true, force: true });
    }
  });
});

describe('media.directory', () => {
  const folder = mkdtempSync(join(tmpdir(), 'unilive-media-directory-'));
  const file = join(folder, 'a-file');
  const fifo = join(folder, 'a-fifo');
  writeFileSync(file, 'kept as it is');
  execFileSync('mkfifo', [fifo]);
  mkdirSync(join(folder, 'there'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  // Each path no publish could ever write HLS output under, with what the refusal says of it.
  const never: [string, string][] = [
    [file, `The media folder ${file} is no folder (a file, a FIFO, a socket or a device)`],
    [fifo, `The media folder ${fifo} is no folder (a file, a FIFO, a socket or a device)`],
    ['/dev/null', 'The media folder /dev/null is no folder (a file, a FIFO, a socket or a device)'],
    [join(file, 'hls'), `The media folder ${join(file, 'hls')} lies under ${file}, which is no folder`],
    [
      join(file, 'deeper', 'hls'),
      `The media folder ${join(file, 'deeper', 'hls')} lies under ${file}, which is no folder`,
    ],
    [
      join(folder, 'missing', 'a-fifo-below', '..', '..', 'a-fifo', 'hls'),
      `The media folder ${join(folder, 'missing', 'a-fifo-below', '..', '..', 'a-fifo', 'hls')} lies under ${fifo}, which is no folder`,
    ],
    [
      join(folder, 'a'.repeat(300)),
      `The media folder ${join(folder, 'a'.repeat(300))} has a name longer than the file system allows`,
    ],
    [`${join(folder, 'there')}\0`, 'The media folder path holds a NUL character'],
  ];
  // Root may write anywhere: a read-only folder refuses only an ordinary user.
  if (process.getuid?.() !== 0) {
    const readOnly = join(folder, 'read-only');
    mkdirSync(readOnly, { mode: 0o500 });
    never.push(
      [readOnly, `The media folder ${readOnly} cannot be written to`],
      [join(readOnly, 'hls'), `The media folder ${join(readOnly, 'hls')} cannot be created in ${readOnly}`],
    );
  }
  // Folders of file systems that take no new entries, which `access(2)` says root may write to: a publish
  // could make nothing there. Refused for any user (an ordinary one is refused by `access` already).
  const unwritable: [string, string][] = [
    ['/proc/self/fd', '/proc/self/fd'],
    ['/proc/self/task/hls', '/proc/self/task'],
    ['/sys/kernel', '/sys/kernel'],
    ['/sys/kernel/unilive/hls', '/sys/kernel'],
  ];
  for (const [given, existing] of unwritable) {
    if (!existsSync(existing)) continue;
    never.push([
      given,
      given === existing
        ? `The media folder ${given} cannot be written to`
        : `The media folder ${given} cannot be created in ${existing}`,
    ]);
  }
  // Each path that works: a folder there, or one a publish creates (the start makes it and removes it again).
  const works = [join(folder, 'there'), join(folder, 'missing'), join(folder, 'missing', 'deeper')];

  it('refuses at start a path no publish could ever write under, naming media.directory, and keeps what works (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...never.map((entry) => entry[0]), ...works), async (directory) => {
        const outcome = await outcomeOf(directory);
        const refusal = never.find((entry) => entry[0] === directory);
        if (refusal === undefined) {
          expect({ directory, outcome }).toEqual({ directory, outcome: undefined });
          return;
        }
        expect({ directory, refused: InvalidInputError.isInstance(outcome) }).toEqual({
          directory,
          refused: true,
        });
        const refused = outcome as InvalidInputError;
        expect({ message: refused.message, issues: refused.issues }).toEqual({
          message: `${refusal[1]}: ${advice}`,
          issues: [
            {
              path: 'media.directory',
              message: 'expected a folder the sandbox may write to, or a path where it may create one',
            },
          ],
        });
      }),
      {
        examples: [[file], [join(file, 'hls')], [join(folder, 'missing', 'deeper')], ['/proc/self/fd']],
      },
    );
    // Nothing was left: the file keeps its bytes, a missing folder the start tried is missing again.
    expect(readFileSync(file, 'utf8')).toBe('kept as it is');
    expect(
      readdirSync(folder)
        .filter((name) => name !== 'read-only')
        .sort(),
    ).toEqual(['a-fifo', 'a-file', 'there']);
    expect(existsSync(join(folder, 'missing'))).toBe(false);
  });

  it('tries the folder it would write in, leaving nothing behind, and refuses one no entry can be made in', async () => {
    // Every path under /proc and /sys, each tried at start (not only those fast-check draws).
    for (const [directory, why] of never.filter((entry) => /^\/(proc|sys)\//.test(entry[0]))) {
      const outcome = await outcomeOf(directory);
      expect({ directory, message: (outcome as Error | undefined)?.message }).toEqual({
        directory,
        message: `${why}: ${advice}`,
      });
    }
    // A folder that takes entries starts, its probe gone; the folder is as it was.
    const kept = join(folder, 'there');
    writeFileSync(join(kept, 'a-segment.ts'), 'bytes');
    expect(await outcomeOf(kept)).toBeUndefined();
    expect(await outcomeOf(join(kept, 'deeper', 'hls'))).toBeUndefined();
    expect(readdirSync(kept)).toEqual(['a-segment.ts']);
    rmSync(join(kept, 'a-segment.ts'));
  });

  it('refuses a relative path that is a file, naming it as given', async () => {
    const cwd = process.cwd();
    try {
      process.chdir(folder);
      const outcome = await outcomeOf('a-file');
      expect([
        InvalidInputError.isInstance(outcome),
        (outcome as InvalidInputError | undefined)?.message,
      ]).toEqual([
        true,
        `The media folder a-file is no folder (a file, a FIFO, a socket or a device): ${advice}`,
      ]);
      expect(await outcomeOf('there')).toBeUndefined();
    } finally {
      process.chdir(cwd);
    }
  });
});
