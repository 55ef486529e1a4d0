import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync } from 'node:fs';
import { PassThrough, type Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { main } from './cli.js';
import { outputFailure, writeLine } from './progress.js';

// A real pipe whose reader has gone: a child that exits as soon as it is started, its stdin our end.
async function pipeWithoutReader(): Promise<Writable> {
  const reader = spawn(process.execPath, ['-e', 'process.exit(0)'], { stdio: ['pipe', 'ignore', 'ignore'] });
  await once(reader, 'exit');
  const pipe = reader.stdin;
  if (!pipe) throw new Error('no pipe');
  return pipe;
}

describe('a reader that goes away (`unilive sandbox | head -1`, `unilive --help | head -1`)', () => {
  it('drops what is written after, where EPIPE ended the process with a stack trace', async () => {
    const pipe = await pipeWithoutReader();
    const failures: unknown[] = [];
    const heard = (error: unknown) => failures.push(error);
    process.on('uncaughtException', heard);
    try {
      // The first write meets the closed pipe; its EPIPE comes as an 'error' event, then the pipe closes.
      const closed = once(pipe, 'close');
      writeLine(pipe, 'first line');
      await closed;
      writeLine(pipe, 'second line');
      // A whole command's output, help included, written to the same pipe: the command ends as it would.
      const code = await main(['--help'], {
        output: {
          out: (text) => writeLine(pipe, text),
          err: (text) => writeLine(pipe, text),
          interactive: false,
        },
        environment: {},
      });
      expect(code).toBe(0);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('uncaughtException', heard);
    }
    expect(failures).toEqual([]);
  });

  it('writes on while the reader is there, and drops what is written after EPIPE, which is no failure', () => {
    const stream = new PassThrough();
    const read: string[] = [];
    stream.on('data', (chunk: Buffer) => read.push(chunk.toString()));
    writeLine(stream, 'one');
    expect(() =>
      stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })),
    ).not.toThrow();
    writeLine(stream, 'two');
    expect(read).toEqual(['one\n']);
    expect(outputFailure()).toBeUndefined();
  });
});

// A full disk (`>/dev/full`) as the binary meets it: one line on stderr, exit 1, no stack trace; a sandbox
// whose log cannot be written keeps serving.
describe.skipIf(!existsSync('/dev/full'))('output that cannot be written (a full disk)', () => {
  const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
  const run = async (args: string[], untilServing = false) => {
    const full = openSync('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [bin, ...args], {
        stdio: ['ignore', full, 'pipe'],
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      });
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      if (untilServing) {
        // The banner cannot be written; the sandbox runs on until it is interrupted.
        await vi.waitFor(() => expect(stderr).toContain('cannot write output'), { timeout: 30_000 });
        expect(child.exitCode).toBeNull();
        child.kill('SIGINT');
      }
      const [code] = (await once(child, 'exit')) as [number | null];
      return { code, stderr };
    } finally {
      closeSync(full);
    }
  };

  it('is one line on stderr and exit 1, for help, the version and a long-running sandbox', async () => {
    for (const args of [['--help'], ['--version']]) {
      const { code, stderr } = await run(args);
      expect(code).toBe(1);
      expect(stderr).toBe('unilive: cannot write output: ENOSPC: no space left on device, write\n');
    }
    const sandbox = await run(['sandbox', '--port', '0'], true);
    expect(sandbox.stderr).not.toContain('    at ');
    expect(sandbox.code).toBe(130);
  });
});
