/**
 * One path segment, percent-decoded; undefined when it is no valid escape of UTF-8 text (`%zz`, `abc%`, a
 * lone surrogate `%ED%A0%80`, a cut sequence `%E0%A4%A`). Every dialect and the server decode through here:
 * such a segment names no stream and no route, so it is answered as an unknown one is (404, or 401 first
 * where credentials are checked first), never as a sandbox failure.
 */
export function decodeSegment(segment: string | undefined): string | undefined {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return undefined;
  }
}
