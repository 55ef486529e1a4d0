/**
 * The URL of a request: `path` (one leading "/" ignored) resolved against `baseUrl`, exactly as
 * `new URL(path, baseUrl).href` resolves it, for a `baseUrl` that ends with "/" and has no query or fragment
 * (as the HTTP client's does). A path made only of characters the URL parser keeps as they are, with no
 * "." or ".." segment, no ":" (which could start a scheme) and no leading "/" (which would leave the base's
 * path), is appended without parsing: what `pathOf` builds from checked ids always is. Any other path is
 * parsed.
 */
export function resolvePath(path: string, baseUrl: string): string {
  const relative = path.charCodeAt(0) === slash ? path.slice(1) : path;
  if (plainPath.test(relative) && !dotSegment.test(relative)) return baseUrl + relative;
  return new URL(relative, baseUrl).href;
}

const slash = 0x2f;
// Unreserved characters and the sub-delimiters and "@" the path keeps unencoded; "/" between segments,
// but not first. No "%" (a "%2e" segment is a dot segment), ":", "?", "#", "\", spaces or anything the
// parser encodes or strips.
const plainPath = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=@][A-Za-z0-9\-._~!$&'()*+,;=@/]*)?$/;
const dotSegment = /(?:^|\/)\.{1,2}(?:\/|$)/;
