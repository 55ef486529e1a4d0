import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from './cli.js';
import { writeLine } from './progress.js';

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

  it('writes on while the reader is there, drops after EPIPE, and throws any other failure of the stream', () => {
    const stream = new PassThrough();
    const read: string[] = [];
    stream.on('data', (chunk: Buffer) => read.push(chunk.toString()));
    writeLine(stream, 'one');
    expect(() => stream.emit('error', Object.assign(new Error('disk full'), { code: 'ENOSPC' }))).toThrow(
      'disk full',
    );
    expect(() =>
      stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })),
    ).not.toThrow();
    writeLine(stream, 'two');
    expect(read).toEqual(['one\n']);
  });
});
