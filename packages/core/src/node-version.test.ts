import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runtimeProblem } from './node-version.js';

const pretendNode = (version: string) =>
  `data:text/javascript,Object.defineProperty(process.versions,'node',{value:'${version}'})`;

describe('the Node.js version check', () => {
  it('refuses a Node.js older than 22 with one sentence, and accepts 22 and newer', () => {
    expect(runtimeProblem({ node: '18.20.8' })).toBe(
      'unilive needs Node.js 22 or newer; this is Node.js 18.20.8. Install a current Node.js and run it again.',
    );
    expect(runtimeProblem({ node: '20.20.2' })).toMatch(
      /^unilive needs Node.js 22 or newer; this is Node.js 20/,
    );
    for (const node of ['22.0.0', '24.21.0', '26.1.0']) expect(runtimeProblem({ node })).toBeUndefined();
  });

  it('leaves other runtimes alone', () => {
    expect(runtimeProblem(undefined)).toBeUndefined();
    expect(runtimeProblem({ node: '18.0.0', bun: '1.2.0' })).toBeUndefined();
    expect(runtimeProblem({ node: '18.0.0', deno: '2.1.0' })).toBeUndefined();
  });

  it('runs before anything else in every entry point', () => {
    for (const entry of ['./index.ts', './di/container.ts']) {
      const source = readFileSync(fileURLToPath(new URL(entry, import.meta.url)), 'utf8');
      const firstImport = /^import\s+['"]([^'"]+)['"]/m.exec(source)?.[1];
      const firstStatement = source.split('\n').find((line) => /^(import|export)\b/.test(line));
      expect([entry, firstImport, firstStatement?.startsWith('import')]).toEqual([
        entry,
        entry === './index.ts' ? './node-version.js' : '../node-version.js',
        true,
      ]);
    }
  });

  it('fails the import on an older Node with that sentence and no stack', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', pretendNode('18.20.8'), fileURLToPath(new URL('./node-version.ts', import.meta.url))],
      { encoding: 'utf8' },
    );
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(
      'Error: unilive needs Node.js 22 or newer; this is Node.js 18.20.8. Install a current Node.js and run it again.',
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
