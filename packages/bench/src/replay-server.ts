import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ReplayAnswer, ReplayReady } from './replay-process.js';

export type { ReplayAnswer } from './replay-process.js';

/** A loopback server in a child process answering fixed responses. */
export interface ReplayServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Requests it has answered (any route). */
  requests(): Promise<number>;
  close(): Promise<void>;
}

// Compiled, this module sits next to replay-process.js; under vitest it is TypeScript next to the .ts
// source, which Node runs with its built-in type stripping.
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const childModule = fileURLToPath(new URL(`./replay-process${extension}`, import.meta.url));

/**
 * Starts a server in its own process that answers each `METHOD /path?query` in `routes` with its fixed
 * status and JSON body (and 404 otherwise), with the same headers whatever vendor the body imitates.
 */
export async function startReplayServer(routes: Record<string, ReplayAnswer>): Promise<ReplayServer> {
  const child = fork(childModule, [JSON.stringify({ routes })], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<ReplayReady>((resolve, reject) => {
    child.once('message', (message) => resolve(message as ReplayReady));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the replay server exited early (code ${code})`)));
  });
  return {
    url: ready.url,
    requests: () =>
      new Promise((resolve) => {
        const listener = (message: unknown) => {
          const { type, requests } = message as { type?: string; requests?: number };
          if (type !== 'requests') return;
          child.off('message', listener);
          resolve(requests ?? 0);
        };
        child.on('message', listener);
        child.send('requests');
      }),
    async close() {
      if (child.exitCode === null && child.connected) child.send('close');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
