// First, as in every entry point of unilive: core checks the Node.js version before anything else runs, so
// an older Node.js fails here with one sentence rather than deep inside a test's set-up.
import '@unilive/core';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { type ReservedPort, reservePort } from './ports.js';

/**
 * The `redis-server` on PATH (its path), or undefined when there is none: what needs one (the tests' Redis,
 * the fleet benchmark) is skipped with a line saying so.
 */
export function findRedisServer(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

/** A redis-server started by {@link launchRedisServer}, ready to accept connections. */
export interface LaunchedRedisServer {
  readonly child: ChildProcess;
  /** The port it listens on, reserved until the caller releases it. */
  readonly reserved: ReservedPort;
}

/**
 * Starts `binary` (a redis-server) on a loopback port without persistence, its files in `directory`, and
 * resolves once it prints that it accepts connections. The tests' Redis and the benchmark's fleet both start
 * theirs here, so both keep one rule for ports (see docs/decisions/2026-11-29-test-redis-ports.md).
 *
 * Without `options.reserved` a port is reserved with {@link reservePort}; a port something outside the suite
 * listens on makes redis-server exit at once, and another one is reserved, up to five attempts in all. With
 * `options.reserved` (a restart: clients know that port) only that port is tried.
 *
 * `options.stderr`: `'pipe'` (default) reads and drops redis-server's stderr, `'inherit'` passes it through.
 * @throws Error when redis-server exits before it is ready on every port tried.
 */
export async function launchRedisServer(
  binary: string,
  directory: string,
  options: { reserved?: ReservedPort | undefined; stderr?: 'pipe' | 'inherit' } = {},
): Promise<LaunchedRedisServer> {
  for (let attempt = 0; ; attempt += 1) {
    const reserved = options.reserved ?? reservePort();
    const child = spawn(
      binary,
      [
        '--port',
        String(reserved.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        directory,
      ],
      { stdio: ['ignore', 'pipe', options.stderr ?? 'pipe'] },
    );
    const ready = await new Promise<boolean>((resolve) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve(true);
      });
      child.once('exit', () => resolve(false));
    });
    if (ready) {
      child.stdout?.resume();
      child.stderr?.resume();
      return { child, reserved };
    }
    if (options.reserved) throw new Error(`redis-server did not start again on port ${reserved.port}`);
    reserved.release();
    if (attempt >= 4) throw new Error('redis-server did not start');
  }
}
