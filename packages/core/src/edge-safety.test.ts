import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Edge runtimes (Cloudflare Workers, Vercel Edge, Deno Deploy) have WebCrypto and fetch but no Node
// built-ins: everything `@unilive/core` loads, webhook verification included, must import none.

const source = dirname(fileURLToPath(import.meta.url));
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  // Static imports and re-exports that load code (type-only ones are erased).
  for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gm)) {
    if (match[1]) specifiers.push(match[1]);
  }
  for (const match of text.matchAll(/^import\s+'([^']+)'/gm)) if (match[1]) specifiers.push(match[1]);
  // Dynamic imports are left out: they load only when their code runs (the configuration loader's
  // fallback for packages it cannot import by name uses node:module that way).
  return specifiers;
}

function walk(entry: string): { files: string[]; builtinImports: string[] } {
  const files: string[] = [];
  const builtinImports: string[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (files.includes(file)) continue;
    files.push(file);
    for (const specifier of importsOf(file)) {
      if (builtins.has(specifier)) builtinImports.push(`${file.slice(source.length + 1)} → ${specifier}`);
      else if (specifier.startsWith('.'))
        queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  }
  return { files, builtinImports };
}

describe('edge safety', () => {
  it('nothing @unilive/core loads on import needs a Node built-in (node:crypto, node:util, …)', () => {
    const { files, builtinImports } = walk(join(source, 'index.ts'));
    expect(files.map((file) => file.slice(source.length + 1))).toContain('events/webhook-crypto.ts');
    expect(builtinImports).toEqual([]);
  });

  it('the walk would see one', () => {
    expect(importsOf(join(source, 'edge-safety.test.ts'))).toContain('node:fs');
  });
});
