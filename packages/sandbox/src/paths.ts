import { isAbsolute, sep } from 'node:path';

/**
 * `path` anchored to the working folder of this moment: itself when absolute, else the working folder, a
 * separator and `path` as given. Not `path.resolve`, which drops `x/..` as text where the system follows a
 * symlink `x` first; here the system reads the path as it would have from this folder.
 */
export function anchored(path: string): string {
  return isAbsolute(path) ? path : `${process.cwd()}${sep}${path}`;
}

// A request's target read as a path on this server: `//other/liveapi/live_streams` is that path, not a URL
// whose host is `other` (which `new URL(target, base)` would make it, serving `/liveapi/live_streams`).
export function requestPathUrl(requestUrl: string | undefined): URL {
  const target = requestUrl ?? '/';
  return target.startsWith('/') ? new URL(`http://sandbox${target}`) : new URL(target, 'http://sandbox');
}
