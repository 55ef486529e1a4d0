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
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  interactive: process.stderr.isTTY === true,
};

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
