import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';

// The published JavaScript is an esbuild bundle (scripts/build-package.mjs), not the sources: a bundler
// renames a top-level function when two modules declare the same name, and a minifier that mangles
// identifiers renames everything. Users see those names: `error.name`, `constructor.name`, stack traces,
// `inspect` output. This holds the built `dist` (vitest resolves the workspace packages to their sources,
// so the tests elsewhere never see it) to the names the sources give.

const packagesDir = fileURLToPath(new URL('../..', import.meta.url));
const published = [
  'core',
  'liveapi',
  'wowza-video',
  'wowza-realtime',
  'videosdk',
  'redis',
  'sandbox',
  'testing',
];

interface Entry {
  specifier: string;
  distFile: string;
}

function entriesOf(dir: string): Entry[] {
  const manifest = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | { default?: string }>;
  };
  return Object.entries(manifest.exports).flatMap(([subpath, target]) =>
    typeof target === 'object' && target.default?.endsWith('.js')
      ? [
          {
            specifier: subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`,
            distFile: join(packagesDir, dir, target.default),
          },
        ]
      : [],
  );
}

const entries = published.flatMap(entriesOf);

async function load(entry: Entry) {
  const [dist, source] = await Promise.all([
    import(pathToFileURL(entry.distFile).href) as Promise<Record<string, unknown>>,
    import(/* @vite-ignore */ entry.specifier) as Promise<Record<string, unknown>>,
  ]);
  return { dist, source };
}

describe('the built dist keeps the names of the sources', () => {
  it('covers every published package entry', () => {
    expect(entries.map((entry) => entry.specifier)).toEqual(
      expect.arrayContaining(['@unilive/core', '@unilive/core/container', '@unilive/liveapi']),
    );
  });

  it.each(entries.map((entry) => [entry.specifier, entry] as const))(
    '%s: every exported function and class has the name it has in the sources',
    async (_, entry) => {
      const { dist, source } = await load(entry);
      expect(Object.keys(dist).sort()).toEqual(Object.keys(source).sort());
      const names = (module: Record<string, unknown>) =>
        Object.fromEntries(
          Object.entries(module)
            .filter(([, value]) => typeof value === 'function')
            .map(([key, value]) => [key, (value as { name: string }).name]),
        );
      const fromSource = names(source);
      expect(Object.keys(fromSource).length).toBeGreaterThan(0);
      expect(names(dist)).toEqual(fromSource);
    },
  );

  it("core's error classes: name, kind, constructor.name, instanceof, isInstance, stack and inspect", async () => {
    const core = await import(pathToFileURL(join(packagesDir, 'core', 'dist', 'index.js')).href);
    const base = core.UniliveError as typeof Error & { kind: string; isInstance(value: unknown): boolean };
    const classes = Object.entries(core as Record<string, unknown>).filter(
      (entry): entry is [string, typeof base] =>
        typeof entry[1] === 'function' && (entry[1] === base || entry[1].prototype instanceof base),
    );
    expect(classes.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'UniliveError',
        'InvalidInputError',
        'NotFoundError',
        'WebhookVerificationError',
      ]),
    );
    expect(classes.length).toBeGreaterThanOrEqual(13);
    for (const [exported, Kind] of classes) {
      const error = new (Kind as unknown as new (options: object) => Error)({
        message: 'the message',
        provider: 'memory',
        operation: 'get',
        streamId: 'stream-1',
        applied: [],
        unknown: [],
        notApplied: [],
        reason: 'bad-signature',
      });
      expect({ exported, kind: Kind.kind }).toEqual({ exported, kind: exported });
      expect({ exported, name: error.name }).toEqual({ exported, name: exported });
      expect({ exported, constructor: error.constructor.name }).toEqual({ exported, constructor: exported });
      expect({ exported, class: Kind.name }).toEqual({ exported, class: exported });
      expect(error).toBeInstanceOf(Kind);
      expect(error).toBeInstanceOf(base);
      expect(error).toBeInstanceOf(Error);
      expect(Kind.isInstance(error)).toBe(true);
      expect(String(error.stack).split('\n')[0]).toBe(`${exported}: the message`);
      expect(inspect(error).split('\n')[0]).toBe(`${exported}: the message`);
    }
  });
});
