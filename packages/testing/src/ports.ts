// First, as in every entry point of unilive: core checks the Node.js version before anything else runs, so
// an older Node.js fails here with one sentence rather than deep inside a test's set-up.
import '@unilive/core';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The ports the system hands out by itself (`listen(0)`, and the local end of every outgoing connection), as
 * `/proc/sys/net/ipv4/ip_local_port_range` gives them (32768–65535 where it cannot be read). They are never
 * {@link reservePort}'s, so no other process is handed a reserved port while nothing listens on it.
 */
export function ephemeralPorts(): { low: number; high: number } {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    return { low: Number(low), high: Number(high) };
  } catch {
    return { low: 32768, high: 65535 };
  }
}

const portLocks = join(tmpdir(), 'unilive-test-ports');

function holderIsAlive(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, under another user. ENOENT: released meanwhile, free again.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A loopback port reserved for this process until `release`: nobody else gets it, listening or not. */
export interface ReservedPort {
  readonly port: number;
  /** Gives the port back (also done when the process exits); a second call does nothing. */
  release(): void;
}

/**
 * Reserves a loopback port for a server a test or benchmark starts itself (`redis-server --port`), from the
 * moment it is chosen until `release`: a port below the system's ephemeral range ({@link ownPorts}), held by
 * a lock file in `$TMPDIR/unilive-test-ports/` holding this process's id, which every copy of the suite on
 * this machine honours (one whose process is gone is taken over). Unlike a port from `listen(0)` that is
 * closed before the server starts, nobody can take it in between, nor while the server is stopped for a
 * restart; held with nothing listening, it is a port where a connection is refused. Something outside the
 * suite may still listen there: a server that then fails to start should release it and reserve another.
 *
 * @param candidates - the ports to try, in order; by default {@link ownPorts}.
 * @throws Error when every candidate is held by a live process.
 */
export function reservePort(candidates: Iterable<number> = ownPorts()): ReservedPort {
  mkdirSync(portLocks, { recursive: true });
  for (const port of candidates) {
    const lock = portLockOf(port);
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Left by a process that is gone: free again, for the next candidate that is this port.
      if (!holderIsAlive(lock)) rmSync(lock, { force: true });
      continue;
    }
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      process.off('exit', release);
      rmSync(lock, { force: true });
    };
    process.once('exit', release);
    return { port, release };
  }
  throw new Error(`no free port to reserve under ${portLocks}`);
}

/** `count` random ports from 10000 up to the system's ephemeral range: where {@link reservePort} looks. */
export function* ownPorts(count = 1000): Generator<number> {
  const { low } = ephemeralPorts();
  const first = 10_000;
  const last = (low > first + 1000 ? low : 32768) - 1;
  for (let index = 0; index < count; index += 1) yield first + Math.floor(Math.random() * (last - first + 1));
}

/** The lock file that reserves `port`: its content is the holder's process id. */
export const portLockOf = (port: number): string => join(portLocks, String(port));
