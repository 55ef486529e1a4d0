import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const sourceDir = dirname(fileURLToPath(import.meta.url));

/** Every package a module loads at run time, following its relative imports (type-only imports load nothing). */
function runtimePackages(file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  const statements = source.matchAll(
    /^(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm,
  );
  for (const [, specifier = ''] of statements) {
    if (specifier.startsWith('.')) {
      const target = join(dirname(file), specifier.replace(/\.js$/, '.ts'));
      for (const name of runtimePackages(target, seen)) packages.add(name);
    } else {
      packages.add(
        specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : (specifier.split('/')[0] ?? ''),
      );
    }
  }
  return packages;
}

describe('entry points', () => {
  it('the main entry (memory provider, fixtures, secret scanner) loads no test runner', () => {
    const manifest = JSON.parse(readFileSync(join(sourceDir, '..', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const packages = [...runtimePackages(join(sourceDir, 'index.ts'))];
    // Only its own dependencies and Node's built-ins: never vitest or nock, the optional peers.
    const outside = packages.filter((name) => !name.startsWith('node:') && !(name in manifest.dependencies));
    expect(outside).toEqual([]);
    expect(packages).toContain('@unilive/core');
    expect(packages).not.toContain('vitest');
    expect(packages).not.toContain('nock');
  });

  // Core first, for its Node.js version check (every entry point refuses an older Node.js with one sentence);
  // nothing else: no test runner, no sandbox, no Redis client.
  it.each(['ports.ts', 'redis-server.ts'])('the %s entry loads core and Node only, core first', (file) => {
    const packages = [...runtimePackages(join(sourceDir, file))];
    expect(packages[0]).toBe('@unilive/core');
    expect(packages.filter((name) => !name.startsWith('node:'))).toEqual(['@unilive/core']);
  });

  it('the contract entry is where vitest comes in', () => {
    expect(runtimePackages(join(sourceDir, 'contract-entry.ts')).has('vitest')).toBe(true);
  });
});
