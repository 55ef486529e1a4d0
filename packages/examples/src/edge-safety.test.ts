import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Webhook verification is meant for edge runtimes too (Next.js edge routes, Workers, Hono on Deno): each
// adapter's webhook module, and everything it loads from its own package, imports no Node built-in.
// Core's own imports are walked by core's edge-safety test.

const packages = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

function walk(entry: string): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gm)) {
      const specifier = match[1] ?? '';
      if (builtins.has(specifier)) found.push(`${file.slice(packages.length + 1)} → ${specifier}`);
      else if (specifier.startsWith('.'))
        queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  }
  return found;
}

describe('webhook modules are edge-safe', () => {
  it.each([
    'wowza-realtime/src/wowza-realtime-webhooks.ts',
    'videosdk/src/videosdk-webhooks.ts',
    'wowza-video/src/wowza-video-webhooks.ts',
    'liveapi/src/liveapi-webhooks.ts',
  ])('%s imports no Node built-in', (file) => {
    expect(walk(resolve(packages, file))).toEqual([]);
  });
});
