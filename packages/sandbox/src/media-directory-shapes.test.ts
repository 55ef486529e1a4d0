import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startSandbox } from './server.js';

// The entries of a fresh scratch folder: a folder, a file, symbolic links to each and one to nothing.
const names = ['dir', 'file', 'link-dir', 'link-file', 'dangling'] as const;
// What a path segment may be: an entry, one that does not exist, `.`, `..`.
const segment = fc.constantFrom(...names, 'missing', 'sub', '.', '..');

// A scratch folder with those entries, built anew for each generated case.
function scratch(): string {
  const base = mkdtempSync(join(tmpdir(), 'unilive-media-shapes-'));
  mkdirSync(join(base, 'dir'));
  writeFileSync(join(base, 'file'), 'kept as it is');
  symlinkSync(join(base, 'dir'), join(base, 'link-dir'));
  symlinkSync(join(base, 'file'), join(base, 'link-file'));
  symlinkSync(join(base, 'nowhere'), join(base, 'dangling'));
  return base;
}

// Every entry under `folder` with its kind (and a file's bytes), symbolic links not followed.
function tree(folder: string, prefix = ''): string[] {
  return readdirSync(folder)
    .sort()
    .flatMap((name) => {
      const path = join(folder, name);
      const found = lstatSync(path);
      const shown = `${prefix}${name}`;
      if (found.isSymbolicLink()) return [`${shown} (link)`];
      if (found.isDirectory()) return [`${shown}/`, ...tree(path, `${shown}/`)];
      return [`${shown} = ${readFileSync(path, 'utf8')}`];
    });
}

// Whether a publish's packager could write HLS output under `directory`, found by doing what it does:
// `mkdir -p` of `join(directory, provider, id)` and a playlist written in it.
function packagerCanWrite(directory: string): boolean {
  try {
    const folder = join(directory, 'liveapi', 'a-stream');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'index.m3u8'), '#EXTM3U\n');
    return true;
  } catch {
    return false;
  }
}

const startsWith = async (directory: string) =>
  startSandbox({ media: { hls: false, directory } }).then(
    async (sandbox) => {
      await sandbox.close();
      return undefined;
    },
    (error: unknown) => error,
  );

describe('media.directory, tried as a publish writes it', () => {
  it('starts exactly when a publish could write HLS output there, refusing otherwise naming media.directory, and leaves nothing behind (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('', '/', '//'),
        async (segments, trailing) => {
          const base = scratch();
          try {
            // Paths that climb out of the scratch folder as the packager reads them (`join`) are left out.
            const joined = join(base, ...segments);
            if (joined !== base && !joined.startsWith(`${base}${sep}`)) return;
            const directory = `${base}/${segments.join('/')}${trailing}`;
            const before = tree(base);
            const outcome = await startsWith(directory);
            // The start made nothing that stays, followed no link to create its target, changed no file.
            expect({ directory, after: tree(base) }).toEqual({ directory, after: before });
            const writable = packagerCanWrite(directory);
            expect({ directory, started: outcome === undefined }).toEqual({ directory, started: writable });
            if (outcome !== undefined) {
              expect({
                directory,
                refused: InvalidInputError.isInstance(outcome),
                issues: (outcome as InvalidInputError).issues,
                message: (outcome as Error).message.startsWith(`The media folder ${directory} `),
              }).toEqual({
                directory,
                refused: true,
                issues: [
                  {
                    path: 'media.directory',
                    message: 'expected a folder the sandbox may write to, or a path where it may create one',
                  },
                ],
                message: true,
              });
            }
          } finally {
            rmSync(base, { recursive: true, force: true });
          }
        },
      ),
      {
        examples: [
          [['file'], '/'],
          [['link-file'], '/'],
          [['dangling'], ''],
          [['dangling', 'sub'], ''],
          [['dangling'], '/'],
          [['missing', '..', 'file'], '/'],
          [['dir', 'missing', 'sub'], '/'],
          [['link-dir', '.', 'missing'], ''],
          [['file', '..', 'dir'], ''],
        ],
      },
    );
  });

  it('says why a path under a file or a symbolic link to nothing is refused', async () => {
    const base = scratch();
    try {
      const cases: [string, string][] = [
        [`${base}/file/`, `${base}/file/ is no folder (a file, a FIFO, a socket or a device)`],
        [`${base}/link-file//`, `${base}/link-file// is no folder (a file, a FIFO, a socket or a device)`],
        [`${base}/dangling`, `${base}/dangling is a symbolic link to nothing`],
        [`${base}/dangling/`, `${base}/dangling/ is a symbolic link to nothing`],
        [
          `${base}/dangling/sub/hls`,
          `${base}/dangling/sub/hls lies under ${base}/dangling, a symbolic link to nothing`,
        ],
      ];
      for (const [directory, why] of cases) {
        const outcome = await startsWith(directory);
        expect({ directory, message: (outcome as Error | undefined)?.message }).toEqual({
          directory,
          message: `The media folder ${why}: pass a folder the sandbox may write HLS output to, or a path where it may create one`,
        });
      }
      // The link still leads nowhere: the start made nothing at its target.
      expect(tree(base)).toEqual([
        'dangling (link)',
        'dir/',
        'file = kept as it is',
        'link-dir (link)',
        'link-file (link)',
      ]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
