import { neutralise } from './text.js';

/** Where the CLI writes. Injectable so tests capture it. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal, so a spinner can redraw one line. */
  interactive: boolean;
}

/** The process's own streams. */
export const processOutput: Output = {
  out: (text) => writeLine(process.stdout, text),
  err: (text) => writeLine(process.stderr, text),
  interactive: process.stderr.isTTY === true,
};

// The streams whose reader went away. A pipe's reader that closes (`unilive sandbox | head -1`,
// `unilive --help | head -1`) makes Node report EPIPE as an 'error' event on the stream, which, unheard,
// ended the process with a stack trace: a sandbox stopped serving because nobody read its log. What is
// written after that has no reader and is dropped; the command goes on (a sandbox keeps serving) and ends
// with its own exit code. Any other failure of the stream is thrown as before.
const readerGone = new WeakSet<NodeJS.WritableStream>();
const heard = new WeakSet<NodeJS.WritableStream>();

/** Listens for `stream`'s reader going away (EPIPE), once per stream; see {@link writeLine}. */
export function hearReaderGone(stream: NodeJS.WritableStream): void {
  if (heard.has(stream)) return;
  heard.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    readerGone.add(stream);
  });
}

/** Writes one line to `stream`, or nothing once its reader has gone away. */
export function writeLine(stream: NodeJS.WritableStream, text: string): void {
  hearReaderGone(stream);
  if (!readerGone.has(stream)) stream.write(`${text}\n`);
}

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Shows that something is being waited for: a spinner with elapsed seconds on a terminal, nothing
 * otherwise (scripts get the result only).
 */
export function startProgress(output: Output, label: string): { stop(result: string): void } {
  if (!output.interactive) return { stop: () => {} };
  label = neutralise(label);
  const started = Date.now();
  let frame = 0;
  const draw = () => {
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    process.stderr.write(`\r${frames[frame++ % frames.length]} ${label} (${seconds}s)`);
  };
  draw();
  const timer = setInterval(draw, 100);
  return {
    stop(result) {
      clearInterval(timer);
      process.stderr.write(`\r\u001b[2K${neutralise(result)}\n`);
    },
  };
}
