import type { Redactor } from '../secrets.js';
/** Ids of the adapters unilive ships, each in the package `@unilive/<id>`. */
export const builtInProviderIds = ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk'] as const;

/**
 * The environment variables the adapters unilive ships read their credentials from (a setting left out is
 * read from them): Wowza Video's and Wowza Real-Time's token, LiveAPI's token id and secret key, videosdk's
 * token, API key and secret. Whatever they hold is a credential, masked in every refusal of a configuration
 * whichever provider it names.
 */
export const builtInCredentialVariables: readonly string[] = [
  'WOWZA_VIDEO_TOKEN',
  'WOWZA_REALTIME_TOKEN',
  'LIVEAPI_TOKEN_ID',
  'LIVEAPI_SECRET_KEY',
  'VIDEOSDK_TOKEN',
  'VIDEOSDK_API_KEY',
  'VIDEOSDK_SECRET',
];

// Lower-case letters, digits and single inner dashes or dots: what a package folder and an object key can
// both carry. `constructor` and `__proto__` would reach Object.prototype through a lookup by id.
const providerIdPattern = /^[a-z0-9](?:[a-z0-9]|[-.](?=[a-z0-9])){0,63}$/;
const reservedIds = new Set(['constructor', 'prototype', 'hasownproperty', 'tostring', 'valueof']);

/** Why `id` cannot name a provider, or undefined when it can. */
export function providerIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return 'expected a string';
  if (!providerIdPattern.test(id)) {
    return 'expected 1–64 lower-case letters, digits, and inner "-" or "." (such as "wowza-video")';
  }
  if (reservedIds.has(id)) return 'expected a provider id, not a name Object.prototype uses';
  return undefined;
}

// npm's rules for a package name: lower case, URL-safe, at most 214 characters, optionally scoped. A
// bare name is all `import()` may load: never a URL (`data:`, `https:`, `node:`), nor a file path.
const packageNamePattern = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

// Node's built-in modules answer `import('fs')` without the `node:` prefix, so a bare name can still load
// the file system, child processes or the module loader itself. The list as of Node 24, joined at run time
// with the running Node's own list (where it exists: not on edge runtimes) so that a later Node's new
// built-ins are refused too.
const knownBuiltins = [
  'assert',
  'async_hooks',
  'buffer',
  'child_process',
  'cluster',
  'console',
  'constants',
  'crypto',
  'dgram',
  'diagnostics_channel',
  'dns',
  'domain',
  'events',
  'fs',
  'http',
  'http2',
  'https',
  'inspector',
  'module',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'punycode',
  'querystring',
  'readline',
  'repl',
  'sea',
  'sqlite',
  'stream',
  'string_decoder',
  'sys',
  'test',
  'timers',
  'tls',
  'trace_events',
  'tty',
  'url',
  'util',
  'v8',
  'vm',
  'wasi',
  'worker_threads',
  'zlib',
];

function isBuiltinModule(name: string): boolean {
  if (knownBuiltins.includes(name)) return true;
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    const loader = runtime?.getBuiltinModule?.('node:module') as { builtinModules?: unknown } | undefined;
    const names = loader?.builtinModules;
    return Array.isArray(names) && names.some((builtin) => builtin === name || builtin === `node:${name}`);
  } catch {
    return false;
  }
}

/** Why `name` cannot be an adapter package to import, or undefined when it can. */
export function packageNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'expected a string';
  if (name.length > 214 || !packageNamePattern.test(name)) {
    return 'expected a bare npm package name such as "@acme/unilive-adapter" (no URL, data: or file path)';
  }
  if (isBuiltinModule(name)) {
    return `expected an adapter package, not the Node.js built-in module "${name}"`;
  }
  return undefined;
}

/** The candidate closest to `name` (case-insensitive edit distance), when it is close enough to be a typo. */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  // A third of the name may be wrong: `baseURL` for `baseUrl` (0 once case is ignored), `wowzavideo` (1).
  return bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.
function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  // Names are short; anything long is no typo of a setting.
  if (Math.abs(a.length - b.length) > 8 || a.length > 64 || b.length > 64) return Number.POSITIVE_INFINITY;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let distance = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, (before[j - 2] as number) + 1);
      }
      current.push(distance);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The one of `names` that `given` spells another way (another letter case, or `_`, `-` or spaces between its
 * words: `ratelimit`, `rate_limit` for `rateLimit`), or undefined when it is none of them or one exactly. @internal
 */
export function spelledOtherwise<T extends string>(given: string, names: readonly T[]): T | undefined {
  if ((names as readonly string[]).includes(given)) return undefined;
  const loose = (name: string) => name.replace(/[-_ ]/g, '').toLowerCase();
  const wanted = loose(given);
  return names.find((name) => loose(name) === wanted);
}

/** `"x" (did you mean "y"?)` when a near name exists, else just `"x"`. */
export function describeUnknownName(name: string, candidates: Iterable<string>): string {
  const nearest = nearestName(name, candidates);
  return nearest === undefined ? `"${name}"` : `"${name}" (did you mean "${nearest}"?)`;
}

/**
 * Whether a name given where a setting's name belongs may be a credential pasted there, and so is not to be
 * echoed: one no setting name looks like ({@link settingNameLike}), or one repeating a credential `known`
 * holds (in any letter case or encoding it masks). @internal
 */
export function mayBeCredentialName(name: string, known?: Redactor): boolean {
  return !settingNameLike(name) || (known !== undefined && known.redact(name) !== name);
}

/**
 * Whether `name`, given where a setting's name belongs, looks like one: at most 40 characters of letters,
 * digits, `_`, `$`, `-` and spaces, fewer than 4 of them digits, each part of a dotted name (`retry.maxRetries`,
 * a path written flat) starting with a letter, `_` or `$`; or no characters at all, which no credential is. A
 * name that does not may be a credential pasted there, and is not echoed (`[REDACTED]`). @internal
 */
export function settingNameLike(name: string): boolean {
  return (
    name === '' ||
    (name.length <= 40 &&
      /^[A-Za-z_$][\w$ -]*(?:\.[A-Za-z_$][\w$ -]*)*$/.test(name) &&
      (name.match(/\d/g)?.length ?? 0) < 4)
  );
}

/**
 * What an unknown name's refusal advises, after `unknown setting; ` or `unknown option; `: for a dotted name
 * whose first part names one of `nested` (the settings that hold settings, with the names they take, or
 * `undefined` where those are not known here), that names do not nest, with the name meant inside
 * (`retry.maxretries` → `write retry: { maxRetries: … }`; `Retry.maxRetries` the same); else the nearest of
 * `known` (`did you mean "rateLimit"?`); else the names there are. A dotted name whose first part is a setting
 * of another kind (`baseUrl.host`) is told the names there are, not to nest it. @internal
 */
export function unknownNameAdvice(
  name: string,
  known: readonly string[],
  nested: Readonly<Record<string, readonly string[] | undefined>> = {},
): string {
  return nearNameAdvice(name, known, nested) ?? `expected one of ${known.join(', ')}`;
}

/**
 * {@link unknownNameAdvice} where a name is near one of `known` or nests under one of `nested`; undefined
 * when it is neither (a name no list here is the place for). @internal
 */
export function nearNameAdvice(
  name: string,
  known: readonly string[],
  nested: Readonly<Record<string, readonly string[] | undefined>> = {},
): string | undefined {
  const dot = name.indexOf('.');
  if (dot > 0) {
    const outers = Object.keys(nested);
    const written = name.slice(0, dot);
    const outer = outers.includes(written) ? written : spelledOtherwise(written, outers);
    if (outer !== undefined) {
      const inner = name.slice(dot + 1);
      const names = nested[outer];
      const meant = names === undefined || names.includes(inner) ? inner : nearestName(inner, names);
      return meant !== undefined && meant !== ''
        ? `a dotted name is not read as a path: write ${outer}: { ${meant}: … }`
        : `a dotted name is not read as a path: write ${outer}: { … }, with one of ${(names ?? []).join(', ')}`;
    }
  }
  const nearest = nearestName(name, known);
  return nearest ? `did you mean "${nearest}"?` : undefined;
}
