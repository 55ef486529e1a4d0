import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';

// Read only, never through a symbolic link in the last component (a link planted in the media folder would
// serve any file of this machine to every origin), and without blocking: a FIFO there would hold the
// process, the API and the ingest with it, until something writes to it.
const readFlags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** A regular file opened for reading, with its size; undefined for anything else at `path`, or nothing. */
export function openRegularFile(path: string): { fd: number; size: number } | undefined {
  let fd: number;
  try {
    fd = openSync(path, readFlags);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isFile()) return { fd, size: stat.size };
  } catch {
    // Closed below.
  }
  closeSync(fd);
  return undefined;
}

/** The text of the regular file at `path`, or undefined when there is none (a link, a FIFO, nothing). */
export function readRegularFile(path: string): string | undefined {
  const opened = openRegularFile(path);
  if (!opened) return undefined;
  try {
    return readFileSync(opened.fd, 'utf8');
  } catch {
    return undefined;
  } finally {
    closeSync(opened.fd);
  }
}

/**
 * Whether every folder below `root` down through `names` (each one level: a provider's folder, then a
 * stream's) is a directory of its own rather than a symbolic link or another kind of file. One not made yet
 * counts, with those below it: the sandbox makes them. A link there would have the sandbox serve, and ffmpeg
 * write, files anywhere the link points.
 */
export function foldersBelowAreOwn(root: string, names: readonly string[]): boolean {
  let path = root;
  for (const name of names) {
    path = join(path, name);
    let stat: Stats;
    try {
      stat = lstatSync(path);
    } catch {
      return true;
    }
    if (!stat.isDirectory()) return false;
  }
  return true;
}
