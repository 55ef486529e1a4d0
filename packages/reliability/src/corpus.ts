import { readFileSync } from 'node:fs';
import { type AdapterId, adapters } from './adapters.js';

/** What a hostile input must lead to. */
export type CorpusExpectation = 'invalid-input' | 'authentication' | 'encoded';

/** The operations a corpus case can call. */
export type CorpusOperation =
  | 'create'
  | 'update'
  | 'get'
  | 'delete'
  | 'start'
  | 'stop'
  | 'list'
  | 'waitForState';

/** One case of `hostile-inputs.json`, as written (special values unresolved). */
export interface CorpusCase {
  id: string;
  category: string;
  what: string;
  operation: CorpusOperation;
  /** The create input or update patch. */
  input?: unknown;
  /** The stream id the operation targets. */
  streamId?: unknown;
  /** A value put in each credential setting in turn. */
  credential?: string;
  listOptions?: unknown;
  expected: CorpusExpectation | { $perAdapter: Record<string, CorpusExpectation> };
}

/**
 * Reads the corpus. It is parsed at run time with `JSON.parse`, which keeps `__proto__` keys as own
 * properties: a bundler turning the file into an object literal would make them set the prototype instead.
 */
export function loadCorpus(): CorpusCase[] {
  const text = readFileSync(new URL('./hostile-inputs.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { cases: CorpusCase[] }).cases;
}

/** Resolves the special values of a case for one adapter (see the corpus's description). */
export function resolveValue(value: unknown, adapter: AdapterId): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, adapter));
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const own = (key: string) => Object.hasOwn(object, key);
  if (own('$repeat')) return String(object.$repeat).repeat(Number(object.times));
  if (own('$concat'))
    return (object.$concat as unknown[]).map((part) => String(resolveValue(part, adapter))).join('');
  if (own('$array'))
    return Array.from({ length: Number(object.times) }, () => resolveValue(object.$array, adapter));
  if (own('$number')) return Number(object.$number);
  if (own('$perAdapter')) {
    const table = object.$perAdapter as Record<string, unknown>;
    const key = [adapter, adapters[adapter].provider].find((candidate) => Object.hasOwn(table, candidate));
    return resolveValue(key === undefined ? table.default : table[key], adapter);
  }
  // Options go under the provider id (a configuration such as videosdk-v2 is still provider videosdk).
  if (own('$self'))
    return Object.fromEntries([[adapters[adapter].provider, resolveValue(object.$self, adapter)]]);
  // fromEntries defines own properties, so a `__proto__` key stays a key and never becomes the prototype.
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, resolveValue(item, adapter)]));
}

/** The expectation of a case for one adapter and, for credential cases, one setting. */
export function expectationOf(testCase: CorpusCase, adapter: AdapterId, setting?: string): CorpusExpectation {
  const { expected } = testCase;
  if (typeof expected === 'string') return expected;
  const table = expected.$perAdapter;
  // The configuration's own entry, then its provider's (videosdk-v2 shares videosdk's credential rules).
  const ids = [adapter, adapters[adapter].provider];
  const keys = [...(setting ? ids.map((id) => `${id}.${setting}`) : []), ...ids, 'default'];
  const pick = keys.map((key) => table[key]).find((value) => value !== undefined);
  if (!pick) throw new Error(`corpus case ${testCase.id}: no expectation for ${adapter}`);
  return pick;
}
