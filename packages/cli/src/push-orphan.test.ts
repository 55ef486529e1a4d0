import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { findFfmpeg } from '@unilive/sandbox';
import { afterEach, describe, expect, it } from 'vitest';

// Whether a process is gone: on Linux its /proc entry tells, a zombie (exited, not yet reaped) counting as
// gone.
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

const ffmpeg = findFfmpeg();
const procfs = existsSync('/proc/self/stat');
const reason = !ffmpeg
  ? 'no ffmpeg on this machine'
  : !procfs
    ? 'no /proc to find the ffmpeg process by'
    : undefined;
if (reason) console.warn(`skipping the push orphan test: ${reason}`);

// The process that starts a push and is then killed, as a terminal or a supervisor would kill `unilive push`.
const parentScript = `
import { startPush } from '@unilive/sandbox';
const [url, ffmpegPath] = process.argv.slice(1);
const push = startPush({ url, ffmpegPath, size: '160x90', frameRate: 5 });
process.stdout.write(push.pid + '\\n');
process.stdin.on('data', () => process.exit(0));
`;

const started: number[] = [];
let server: Server | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  // Whatever the outcome, nothing this test started keeps running.
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe.skipIf(reason !== undefined)('an encoder push whose parent goes away', () => {
  for (const end of ['SIGKILL', 'SIGHUP', 'exit'] as const) {
    it(`ffmpeg ends with it when the parent ends by ${end}`, async () => {
      // An ingest that takes the connection and never answers: ffmpeg stays connected until it is killed.
      let resolveConnected: (socket: Socket) => void = () => {};
      const connected = new Promise<Socket>((resolve) => {
        resolveConnected = resolve;
      });
      const ingest = createServer((socket) => resolveConnected(socket));
      server = ingest;
      const port = await new Promise<number>((resolve) =>
        ingest.listen(0, '127.0.0.1', () => resolve((ingest.address() as { port: number }).port)),
      );
      const parent: ChildProcess = spawn(
        process.execPath,
        ['--input-type=module', '-e', parentScript, `rtmp://127.0.0.1:${port}/live/key`, ffmpeg?.path ?? ''],
        { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['pipe', 'pipe', 'inherit'] },
      );
      started.push(parent.pid ?? -1);
      // A parent that ends before it says (it could not load the sandbox package) fails the test at once,
      // rather than leaving it to wait for the test's time limit.
      const guardian = await new Promise<number>((resolve, reject) => {
        parent.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
        parent.once('exit', (code, signal) =>
          reject(new Error(`the parent ended (${signal ?? code}) before it started the push`)),
        );
      });
      started.push(guardian);
      const socket = await connected;
      sockets.push(socket);
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.on('error', () => {});
      // Read (and drop) what ffmpeg sends, so that its end of the connection is seen.
      socket.resume();
      const [encoder] = children(guardian);
      expect(encoder).toBeDefined();
      started.push(encoder as number);
      expect(alive(encoder as number)).toBe(true);
      if (end === 'exit') parent.stdin?.write('exit\n');
      else parent.kill(end);
      // ffmpeg's connection to the ingest closes: it is no longer pushing.
      await closed;
      await expect.poll(() => alive(encoder as number), { timeout: 20_000, interval: 50 }).toBe(false);
      await expect.poll(() => alive(guardian), { timeout: 20_000, interval: 50 }).toBe(false);
    });
  }
});
