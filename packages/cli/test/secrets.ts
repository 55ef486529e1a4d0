import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretForms } from '@unilive/core';
import fc from 'fast-check';
import { afterAll, beforeAll, onTestFinished, vi } from 'vitest';
import { main } from '../src/cli.js';
import type { Output } from '../src/progress.js';
import type { FactoryLoader } from '../src/providers.js';

// Secrets with URL-reserved, JSON-special and non-ASCII characters, so each form (URL-encoded,
// JSON-escaped, base64) differs from the raw value. A letter first: a value of one repeated symbol
// (`------------`) would match the table layout itself.
const unit = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  ...'-_.~+/=!*@:%&?#"\\\'',
  'é',
  '€',
  '🔑',
);

/** One generated secret of 12 to 41 characters. */
export const secret: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...'KPWTRS'), fc.string({ unit, minLength: 11, maxLength: 40 }))
  .map(([first, rest]) => first + rest);

/** The first of `values` found in `text` in any form it can be printed in, named with that form, or undefined. */
export function leaked(text: string, values: Iterable<string>): string | undefined {
  for (const value of values)
    for (const form of secretForms(value)) if (text.includes(form)) return `${value} as ${form}`;
  return undefined;
}

/** A folder made before the file's tests and removed after them; the getter reads it once they run. */
export function temporaryFolder(prefix: string): () => string {
  let folder: string | undefined;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });
  return () => {
    if (!folder) throw new Error('the temporary folder is made before the tests run');
    return folder;
  };
}

/** A folder for the running test alone, removed with what it holds when the test ends, pass or fail. */
export async function testFolder(prefix = 'unilive-cli-'): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(folder, { recursive: true, force: true }));
  return folder;
}

/** Writes a configuration at `path` naming two providers, `a` and `b`, both the memory vendor. */
export async function twoMemoryProviders(path: string): Promise<string> {
  await writeFile(
    path,
    JSON.stringify({
      providers: [
        { provider: 'memory', name: 'a' },
        { provider: 'memory', name: 'b' },
      ],
    }),
  );
  return path;
}

/** A non-interactive output that keeps each text printed to stdout in `out` and to stderr in `err`. */
export function capturedOutput(): { out: string[]; err: string[]; output: Output } {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (text) => out.push(text), err: (text) => err.push(text), interactive: false };
  return { out, err, output };
}

/** Sets `VIDEOSDK_API_VERSION` for the running test when `apiVersion` is given; the test's end unsets it. */
export function videosdkApiVersion(apiVersion: string | undefined): void {
  if (apiVersion) vi.stubEnv('VIDEOSDK_API_VERSION', apiVersion);
  onTestFinished(() => {
    vi.unstubAllEnvs();
  });
}

/**
 * The CLI run in this process with providers from `loadFactory`, keeping each text it prints to stdout
 * and stderr; `single` runs it on the memory provider alone, `several` on the configuration at a path.
 */
export function cliRunner(loadFactory: FactoryLoader) {
  const { out, err, output } = capturedOutput();
  const run = (environment: Record<string, string>, argv: string[]) =>
    main(argv, { output, loadFactory, environment });
  return {
    out,
    err,
    single: (...argv: string[]) => run({ UNILIVE_PROVIDER: 'memory' }, argv),
    several: (config: string, ...argv: string[]) => run({ UNILIVE_CONFIG: config }, argv),
  };
}
