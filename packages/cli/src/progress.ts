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
// with its own exit code. Any other failure to write (a full disk, `>/dev/full`, an I/O error) is said once
// on stderr while stderr can still be written, as every error of the CLI is, in one line; what is written
// after it is dropped too, the command goes on, and the process ends with 1 however the command ended
// (what it printed is incomplete: see outputFailure).
const readerGone = new WeakSet<NodeJS.WritableStream>();
const heard = new WeakSet<NodeJS.WritableStream>();
let failure: string | undefined;

/**
 * Why the process's output could not be written (`ENOSPC: no space left on device, write`), once it could
 * not; undefined while it can. A reader going away (EPIPE) is no failure. The binary ends with 1 when this is
 * set, whatever the command returned.
 */
export function outputFailure(): string | undefined {
  return failure;
}

/** Listens for `stream`'s failures, once per stream; see {@link writeLine}. */
export function hearReaderGone(stream: NodeJS.WritableStream): void {
  if (heard.has(stream)) return;
  heard.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    readerGone.add(stream);
    if (error.code === 'EPIPE' || failure !== undefined) return;
    failure = typeof error.message === 'string' && error.message !== '' ? error.message : String(error.code);
    // Said on stderr unless stderr is what failed (or is gone too).
    if (stream !== process.stderr) writeLine(process.stderr, `unilive: cannot write output: ${failure}`);
    if (!process.exitCode) process.exitCode = 1;
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
