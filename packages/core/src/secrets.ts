import { type PatternKind, PatternMatcher } from './redaction/aho-corasick.js';
import {
  FingerprintIndex,
  type FormEntry,
  FragmentIndex,
  fragmentLength,
  fragmentScanBudget,
  SecretIds,
  sortedBucketSize,
} from './redaction/fingerprints.js';
import { classifiedSecretForms, isBase64Character, minimumSecretLength } from './redaction/forms.js';
import { redactedMarker } from './redaction/marker.js';
import { scanCredentialPatterns } from './redaction/patterns.js';
import { firstEscape, readEscapes } from './redaction/references.js';
import {
  detached,
  minimumTruncatedLength,
  TruncatedIndex,
  truncatedFormsOf,
  truncatedKeptLength,
  withoutBrokenEnd,
} from './redaction/truncated.js';
import { codePointLength } from './text.js';

export { minimumSecretLength, numericReferenceForms, secretForms } from './redaction/forms.js';
export { redactedMarker } from './redaction/marker.js';
export { minimumTruncatedLength, truncatedKeptLength, truncatedSecretLimit } from './redaction/truncated.js';

/** Anything that can scrub a text: a {@link SecretSet}, or what {@link toRedactor} makes of a list. */
export interface Redactor {
  redact(text: string): string;
}

/** What the public `redact` (`redact.ts`) does once its arguments are checked; core's own callers use it. */
export function redactText(
  text: string,
  secrets: Iterable<string> = [],
  readValues?: (list: Iterable<string>) => string[],
): string {
  return toRedactor(secrets, readValues).redact(text);
}

/**
 * A {@link Redactor} for an ingest endpoint's `server`: a URL the neutral model defines as the ingest URL
 * without the stream key, which an adapter builds from what it knows of the vendor. Every form of each of
 * `secrets` is hidden, as `redact` hides it (a vendor that put the key, a password or a credential in
 * the server still has it masked, in every encoding), and so is every credential shape but one: the last
 * path segment of an RTMP URL is not taken for a stream key, because in a server it is the application
 * (`rtmp://host:1935/v2/pub`), which an encoder's "Server" setting needs in full. Give it every secret
 * known for the stream (`streamSecrets(stream)`, and the credentials where they are at hand); text whose
 * origin is unknown goes through `redact`, which masks that segment too.
 */
export function serverRedactor(secrets: Iterable<string>): Redactor {
  return compile(typeof secrets === 'string' ? [secrets] : secrets, [], 'servers');
}

/**
 * A {@link Redactor} that hides `secrets` alone, in every form `redact` finds them (raw, URL-encoded,
 * JSON-escaped, base64 at any alignment, cut short, as HTML numeric references), and nothing by its shape:
 * for text that shows other credentials on purpose, such as a CLI's `--show-secrets` output of a stream's
 * key and push URL, in which these values (an account's credentials) must still never show.
 */
export function knownValuesRedactor(secrets: Iterable<string>): Redactor {
  return compile(typeof secrets === 'string' ? [secrets] : secrets, [], 'none');
}

/**
 * What a redactor hides by shape besides the values it knows: every credential shape (`all`), every one but
 * the last path segment of an RTMP URL (`servers`, see {@link serverRedactor}), or none.
 */
type CredentialShapes = 'all' | 'servers' | 'none';

/**
 * The secrets an operation keeps out of the errors it raises: a list of values (compiled once per list, see
 * `redact`), or a {@link Redactor} such as a {@link SecretSet}, used as it is. A provider passes its
 * `SecretSet` itself, not a copy of its values: the set redacts with every value it holds at the moment an
 * error is raised (values learned since the call began included), and a call costs the same however many
 * values the set has learned. An iterator (a generator, a `Set`'s or `Map`'s `values()`) can be read only once:
 * the values it yielded the first time stay with it, so handing the same one in again still hides them. A
 * string (an `Iterable<string>` of its characters to TypeScript) is one value.
 */
export type SecretSource = Iterable<string> | Redactor;

/**
 * A {@link Redactor} for `secrets`: a set or redactor is used as it is, a list of values is compiled once.
 * `readValues` reads a list's values (the public `redact` passes one that checks them and reads an iterator
 * only so far; it throws from a module that may load the error classes, which this one must not).
 */
export function toRedactor(
  secrets: SecretSource | undefined,
  readValues: (list: Iterable<string>) => string[] = (list) => [...list],
): Redactor {
  if (secrets === undefined || secrets === null) return patternsOnly;
  // A string is an iterable of its characters, each too short to hide: the one secret it holds is meant.
  if (typeof secrets === 'string') return compile([secrets]);
  if (typeof (secrets as Partial<Redactor>).redact === 'function') return secrets as Redactor;
  const list = secrets as Iterable<string>;
  // A set's list as the set gave it last, unchanged since (it is frozen): the set itself, nothing copied.
  const owner = listsOfSets.get(list);
  if (owner !== undefined && isCurrentList(owner, list)) return owner;
  const fresh = readValues(list);
  const known = compiledLists.get(list);
  // An iterator is read once (a generator, a Set's or Map's `values()`): the values it yielded before still
  // count when it is handed in again, empty now, so an error raised later is scrubbed of them too.
  const values = known && isIterator(list) ? [...known.values, ...fresh] : fresh;
  if (values.length === 0) return patternsOnly;
  const set = listsOfSets.get(list);
  if (set?.holdsAll(values)) return set;
  if (known && sameValues(known.values, values)) return known.scrubber;
  const scrubber = compile(values);
  compiledLists.set(list, { values, scrubber });
  return scrubber;
}

/**
 * Work done compiling lists of secrets: how many lists were compiled, and how many characters of forms went
 * into them. Read by the tests that hold compiling to once per list and to a cost of its size; not part of
 * the API.
 * @internal
 */
export const compileWork = { lists: 0, characters: 0 };

/**
 * How many times a {@link SecretSet} built the list `values()` returns (`builds`), and how many times a list
 * it had built went stale because the values it holds changed (`changes`). Read by the tests that hold
 * asking a set for its values to no copy while the set does not change; not part of the API.
 * @internal
 */
export const secretListWork = { builds: 0, changes: 0 };

/**
 * How many times a {@link SecretSet} rebuilt a stream's values in `learnStream` or `holdStream`. Read by the
 * tests that hold learning values a stream already has to no work; not part of the API.
 * @internal
 */
export const streamSecretWork = { rewrites: 0 };

// Lists compiled before, by identity, with the values they held then: an array changed since is compiled
// again, so a value pushed into it later is never missed.
const compiledLists = new WeakMap<object, { values: readonly string[]; scrubber: Scrubber }>();
// Arrays a SecretSet returned from `values()`: while it still holds every value of one, the set redacts all
// of them, already compiled.
const listsOfSets = new WeakMap<object, SecretSet>();

// What this module reads of a set's private state, registered by its constructor (a static block would be
// a top-level statement no bundler drops).
interface SetInternals {
  list(): readonly string[] | undefined;
  lastList(): readonly string[];
  scrubber(): Scrubber;
  forgetWhole(values: ReadonlySet<string>): void;
}
const internalsOfSets = new WeakMap<SecretSet, SetInternals>();

// Whether `list` is the list `set.values()` returns now: the set has not changed since it built it.
const isCurrentList = (set: SecretSet, list: unknown): boolean => internalsOfSets.get(set)?.list() === list;
// Whether `list` is the last list `set.values()` built, current or not.
const isLastList = (set: SecretSet, list: unknown): boolean => internalsOfSets.get(set)?.lastList() === list;
// While `askWhichSet` runs: the sets whose `values()` handed back their last list, gone stale, rather than
// building a new one.
let staleAsk: SecretSet[] | undefined;

/**
 * What `ask` (a provider's `secrets()`) answers, and the {@link SecretSet} that answer is the list of, when
 * it is one: found without building the list again when the set changed since it last built it. While `ask`
 * runs, a set that changed hands back its last list (stale) instead; if that list is the very answer, the
 * set is the answer (it holds every value it holds now, whatever its list said), and nothing was copied.
 * If `ask` made something else of a stale list (a list of its own holding the set's values and more), it is
 * asked again, each set building its list as usual. How the client asks on every masking at no cost in the
 * number of values, even of a set that learns a value on every call.
 * @internal
 */
export function askWhichSet(ask: () => unknown): { answer: unknown; set: SecretSet | undefined } {
  const outer = staleAsk;
  const handed: SecretSet[] = [];
  staleAsk = handed;
  let answer: unknown;
  try {
    answer = ask();
  } finally {
    staleAsk = outer;
  }
  if (handed.length === 0) return { answer, set: liveSetOfList(answer) };
  const owner = typeof answer === 'object' && answer !== null ? listsOfSets.get(answer) : undefined;
  if (owner !== undefined && handed.includes(owner) && isLastList(owner, answer))
    return { answer, set: owner };
  const again = ask();
  return { answer: again, set: liveSetOfList(again) };
}
/**
 * Makes `values`, which `set` holds whole (learned from a string an answer broke off inside, which they end
 * where it broke off), known only by their beginning: each is dropped from the stream and recent tiers and
 * learned with `learnTruncated` (so one under {@link minimumTruncatedLength} characters is not held at
 * all), since a beginning held whole would hide every word it starts, and one of 8 characters or more must
 * hide the rest of the key's word too. Credentials stay.
 * @internal
 */
export function knownOnlyByBeginning(set: SecretSet, values: readonly string[]): void {
  if (values.length === 0) return;
  internalsOfSets.get(set)?.forgetWhole(new Set(values));
  set.learnTruncated(...values);
}
// The scrubber a set redacts with now (see CombinedRedactor).
const scrubberOfSet = (set: SecretSet): Scrubber | undefined => internalsOfSets.get(set)?.scrubber();

/**
 * The {@link SecretSet} whose `values()` returned `list`, when it has not changed since: that set redacts
 * every value of the list, so the list needs no copy or compiling. `undefined` for any other value. Costs
 * two lookups, whatever the number of values.
 * @internal
 */
export function liveSetOfList(list: unknown): SecretSet | undefined {
  if (typeof list !== 'object' || list === null) return undefined;
  const owner = listsOfSets.get(list);
  return owner !== undefined && isCurrentList(owner, list) ? owner : undefined;
}

/**
 * One {@link Redactor} hiding everything each of `parts` hides: every part's secrets are found on the same,
 * original text in one go and merged, as one set's are (see `redact`), so two secrets of different
 * parts that overlap in the text disappear together, with no fragment of either left between them. A part
 * that is a `SecretSet` is used as it stands at each call (values it learns later count). A redactor of
 * another kind is applied after, to the text the others left.
 * @internal
 */
export function combinedRedactor(parts: readonly Redactor[]): Redactor {
  return parts.length === 1 ? (parts[0] as Redactor) : new CombinedRedactor(parts);
}

class CombinedRedactor implements Redactor {
  constructor(private readonly parts: readonly Redactor[]) {}

  redact(text: string): string {
    const indexes: SecretIndex[] = [];
    const others: Redactor[] = [];
    for (const part of this.parts) {
      const scrubber =
        part instanceof SecretSet ? scrubberOfSet(part) : part instanceof Scrubber ? part : undefined;
      if (scrubber) indexes.push(...scrubber.indexes);
      else others.push(part);
    }
    let out = new Scrubber(indexes).redact(text);
    for (const other of others) out = other.redact(out);
    return out;
  }
}

// An iterable that is its own iterator: what it yielded is gone from it.
function isIterator(list: Iterable<string>): boolean {
  return (
    typeof (list as Partial<Iterator<string>>).next === 'function' &&
    (list[Symbol.iterator]() as unknown) === list
  );
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}

// Forms longer than this are left to the fragment index, which finds them whole, instead of the automaton:
// an automaton costs a node (a map) per character, so a credential of thousands of characters in its
// forty-odd forms would take a second to compile; the fragment index costs two fingerprints per form.
const automatonFormLength = 256;
// Past this many characters of forms in all, no form goes to the automaton: its nodes and links cost far
// more per character than a fingerprint, and a thousand stream keys in their forms are a million
// characters. A handful of credentials stay in the automaton, which scans faster.
const automatonCharacters = 32_768;

function compile(
  secrets: Iterable<string>,
  learned: readonly SecretIndex[] = [],
  shapes: CredentialShapes = 'all',
): Scrubber {
  const every: (readonly [string, PatternKind])[] = [];
  const forms: (readonly [string, PatternKind])[] = [];
  // Every form longer than fragmentLength is found, whole or cut short, by its first (last) eight
  // characters: a place where many forms share them is searched in their sorted order, in a few
  // comparisons, stopping at the longest stretch (see FragmentIndex). Looking each length up where the
  // forms' first characters stand cost one check per length at every place: a thousand secrets `a` × 4 to
  // 1,003 made a thousand checks, and a thousand stretches, at every character of a text of `a`s. The
  // index finds whole forms itself, numbers the secrets itself, and does not count computing a secret's
  // forms against a scan's budget: a scan computes each at most once, what compiling them cost.
  const fragments = new FragmentIndex(
    recentlyUsed(formsOfOne),
    sortedBucketSize,
    /* findsWhole */ true,
    /* ids */ undefined,
    /* compact */ false,
    /* formsCharged */ false,
  );
  let characters = 0;
  for (const secret of secrets) {
    for (const entry of formsOf([secret])) {
      characters += entry[0].length;
      every.push(entry);
      if (entry[0].length <= automatonFormLength) forms.push(entry);
      fragments.add(secret, entry[0], entry[1]);
    }
  }
  compileWork.lists += 1;
  compileWork.characters += characters;
  // Scanned within a bound in proportion to the text, past which it finishes coarsely, hiding more: the
  // secrets are the caller's, but any number of them may share their first characters (a thousand JWTs
  // begin with the same header; values cut from one long string), and a text of those characters would
  // otherwise cost every length at every place (see fragmentScanBudget and
  // docs/decisions/2026-12-04-known-values-scan-bound.md).
  const bounded: SecretIndex = {
    scan: (text, found) => fragments.scan(text, found, fragmentScanBudget(text.length)),
  };
  if (characters > automatonCharacters) {
    // The forms the fragment index does not hold (eight characters or fewer), by a rolling hash: at most
    // five lengths share their first four characters, so a place costs at most five checks of each kind.
    const short = new FingerprintIndex();
    for (const [form, kind] of forms) if (form.length <= fragmentLength) short.add(form, kind);
    return new Scrubber([short, bounded, ...learned], shapes);
  }
  const stretches = stretchesOf(every);
  const indexes = [new PatternMatcher(forms), bounded, ...learned];
  return new Scrubber(stretches ? [stretches, ...indexes] : indexes, shapes);
}

/**
 * How long a stretch of a known secret's form is found anywhere in a text, whatever stands around it: a line
 * of a blob wrapped at 64 or 76 characters (PEM, MIME), or a group of a value written in groups of 20,
 * holds a middle part of the form that neither begins nor ends it.
 */
export const secretStretchLength = 16;

// Every stretch of `secretStretchLength` characters of each form at least twice that long (a shorter form
// is found whole, or by the 8 or more characters that begin or end it), in an index of one length: the
// stretches a text holds overlap, so a line of a wrapped form is hidden whole. Kept to the few credentials
// an automaton holds (see `automatonCharacters`): a form of n characters adds n − 15 entries.
function stretchesOf(forms: readonly (readonly [string, PatternKind])[]): FingerprintIndex | undefined {
  let index: FingerprintIndex | undefined;
  for (const [form, kind] of forms) {
    if (form.length < 2 * secretStretchLength) continue;
    index ??= new FingerprintIndex();
    for (let start = 0; start + secretStretchLength <= form.length; start += 1)
      index.add(form.slice(start, start + secretStretchLength), kind);
  }
  return index;
}

// How many secrets' forms a fragment index keeps at hand between scans (see recentlyUsed).
const recentFormsKept = 32;

// `formsOf`, remembering the forms of the last `recentFormsKept` secrets it was asked for. An index keeps no
// forms of its own (they would weigh more than the index), so every scan that hits a secret computed all of
// its forms again: an error quoting a stream key 40 times in 1 kB spent most of a millisecond there. The same
// few secrets are hit again and again (a stream's key in every error about it), so a handful kept is enough;
// forms are a function of the secret alone, so a kept entry is never stale.
function recentlyUsed<Entry>(formsOf: (secret: string) => Entry): (secret: string) => Entry {
  const kept = new Map<string, Entry>();
  return (secret) => {
    const known = kept.get(secret);
    if (known !== undefined) return known;
    const forms = formsOf(secret);
    if (kept.size >= recentFormsKept) kept.delete(kept.keys().next().value as string);
    kept.set(secret, forms);
    return forms;
  };
}

function formsOfOne(secret: string): (readonly [string, PatternKind])[] {
  return [...formsOf([secret])];
}

// The forms of a learned value as its fragment index holds them: the endings are looked for cut only.
function learnedFormsOf(secret: string): FormEntry[] {
  const { plain, encoded, endings } = classifiedSecretForms(secret);
  const entries: FormEntry[] = [];
  for (const form of plain) entries.push([form, 0]);
  for (const form of encoded) entries.push([form, 1]);
  for (const form of endings) entries.push([form, 1, true]);
  return entries;
}

function* formsOf(secrets: Iterable<string>): Iterable<readonly [string, PatternKind]> {
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < minimumSecretLength) continue;
    const { plain, encoded, endings } = classifiedSecretForms(secret);
    for (const form of plain) yield [form, 0];
    for (const form of encoded) yield [form, 1];
    for (const form of endings) yield [form, 1];
  }
}

/** Anything that finds stretches of a text to hide. */
interface SecretIndex {
  scan(text: string, found: (start: number, end: number, kind: PatternKind) => void): void;
}

// Collects stretches to hide as they are found (in any order), then merges and replaces them in one go.
class Scrubber implements Redactor {
  constructor(
    readonly indexes: readonly SecretIndex[],
    private readonly shapes: CredentialShapes = 'all',
  ) {}

  redact(text: string): string {
    if (text.length === 0) return text;
    const [starts, ends] = this.stretches(text);
    if (starts.length === 0) return text;
    return replaceStretches(text, starts, ends);
  }

  /** The stretches of `text` to hide, as found (in any order, overlapping): their starts and ends. */
  stretches(text: string): [starts: number[], ends: number[]] {
    const starts: number[] = [];
    const ends: number[] = [];
    const found = (start: number, end: number, kind: PatternKind = 0) => {
      if (kind === 1) [start, end] = widenInBlob(text, start, end);
      addStretch(starts, ends, start, end);
    };
    for (const index of this.indexes) index.scan(text, found);
    if (this.shapes !== 'none') scanCredentialPatterns(text, found, this.shapes === 'all');
    if (this.indexes.length > 0) scanWithEscapesRead(text, this.indexes, starts, ends);
    return [starts, ends];
  }
}

/**
 * The stretches `redact(text, secrets)` hides, as its scan finds them (in any order, overlapping), compiled
 * afresh: what the tests compare with the union of the stretches each secret hides alone. Not part of the
 * API.
 * @internal
 */
export function stretchesToHide(text: string, secrets: readonly string[]): [start: number, end: number][] {
  const [starts, ends] = compile(secrets).stretches(text);
  return starts.map((start, at) => [start, ends[at] as number]);
}

/**
 * Finds the known secrets in `text` read with its escapes as the characters they stand for
 * ({@link readEscapes}: HTML numeric character references, `&#83;`, `&#x53;`, `&#X053;`; JSON's `\uXXXX`;
 * percent-encoded bytes, a UTF-8 sequence as its character and any other byte as its Latin-1 one), each
 * stretch found there mapped back to the escapes and characters it was read from. An echo that wrote every
 * character of a secret escaped, or only some (an encoder of the non-alphanumeric ones, a filter-defeating
 * mix, a server percent-encoding the Latin-1 bytes of a header it received), is found in every form the
 * indexes hold, without a form per mix, and a secret costs no numeric forms of its own (they are 5 to 8
 * characters per character). A reading that still holds an escape is read once more
 * ({@link referenceReadings} in all): an echo escaped twice (`&#38;#83;ecret`, `%2545`) reads as the secret
 * only then. A text without escapes costs one search for one; one with escapes is read at most twice more,
 * each reading no longer than the one before, in time linear in its length.
 */
function scanWithEscapesRead(
  text: string,
  indexes: readonly SecretIndex[],
  starts: number[],
  ends: number[],
) {
  const first = firstEscape(text);
  if (first !== -1)
    scanReadings(
      text,
      first,
      0,
      (unit) => unit,
      (unit) => unit + 1,
      indexes,
      starts,
      ends,
    );
}

// Scans the reading of `reading` (a reading of the original text, `depth` readings deep, placed in it by
// `outerStart` and `outerEnd`), and reads that again while it still holds an escape, up to referenceReadings.
function scanReadings(
  reading: string,
  first: number,
  depth: number,
  outerStart: (unit: number) => number,
  outerEnd: (unit: number) => number,
  indexes: readonly SecretIndex[],
  starts: number[],
  ends: number[],
): void {
  const read = readEscapes(reading, first);
  if (read === undefined) return;
  const { decoded } = read;
  const startOf = (unit: number) => outerStart(read.startOf(unit));
  const endOf = (unit: number) => outerEnd(read.endOf(unit) - 1);
  const found = (start: number, end: number, kind: PatternKind = 0) => {
    if (kind === 1) [start, end] = widenInBlob(decoded, start, end);
    addStretch(starts, ends, startOf(start), endOf(end - 1));
  };
  for (const index of indexes) index.scan(decoded, found);
  const next = depth + 1 < referenceReadings ? firstEscape(decoded) : -1;
  if (next !== -1) scanReadings(decoded, next, depth + 1, startOf, endOf, indexes, starts, ends);
}

/**
 * How many times a text is read with its escapes decoded: the second reading decodes an escape whose
 * `&` or `%` an echo escaped too. Bounded, so a text nesting escapes deeper
 * (`&#38;#38;#38;…`) costs at most that many scans.
 * @internal
 */
export const referenceReadings = 2;

const patternsOnly = /* @__PURE__ */ new Scrubber([]);

// The base64 characters next to a secret's fixed ones mix its first and last bits with its neighbours'
// (one character on each side, at most): they go too, and so does the padding.
function widenInBlob(text: string, start: number, end: number): [number, number] {
  let from = start;
  let to = end;
  for (let step = 0; step < 2 && from > 0 && isBase64Character(text.charCodeAt(from - 1)); step += 1)
    from -= 1;
  for (let step = 0; step < 2 && to < text.length && isBase64Character(text.charCodeAt(to)); step += 1)
    to += 1;
  while (text.charCodeAt(to) === 61) to += 1;
  return [from, to];
}

// Adds the stretch [start, end) to those to hide; one that starts within the last one added (no earlier,
// no later than its end) extends it instead, as the merge in replaceStretches would: an index reports the
// places of a text in order, and a run of overlapping stretches (a thousand secrets `a` × 4 to 1,003 against
// a text of `a`s hold one at every place) is then one entry, not one a character to sort.
function addStretch(starts: number[], ends: number[], start: number, end: number): void {
  const last = starts.length - 1;
  if (last >= 0 && start >= (starts[last] as number) && start <= (ends[last] as number)) {
    if (end > (ends[last] as number)) ends[last] = end;
    return;
  }
  starts.push(start);
  ends.push(end);
}

function replaceStretches(text: string, starts: number[], ends: number[]): string {
  const order = starts.map((_, index) => index).sort((a, b) => (starts[a] as number) - (starts[b] as number));
  let out = '';
  let cursor = 0;
  let open = -1;
  let close = -1;
  for (const index of order) {
    const start = starts[index] as number;
    const end = ends[index] as number;
    if (open !== -1 && start <= close) {
      close = Math.max(close, end);
      continue;
    }
    if (open !== -1) {
      out += text.slice(cursor, open) + redactedMarker;
      cursor = close;
    }
    open = start;
    close = end;
  }
  out += text.slice(cursor, open) + redactedMarker + text.slice(close);
  return out;
}

// How many times redactStable passes over a text at most.
const maxPasses = 4;

/**
 * {@link Redactor.redact}, repeated until the text holds still, so that masking a text again with the same
 * secrets changes nothing: a pass can make a new match where a marker now stands (`…keyBearer x` has no
 * word boundary before `Bearer`, `[REDACTED]Bearer x` has), and a cut copy of a secret can end at a marker.
 * At most four passes (a secret such as `redacted` matches inside every marker); a text in which nothing
 * is found costs one. What errors and re-masked provider output go through; a plain `redact` on a hot
 * path keeps its single pass.
 */
export function redactStable(secrets: Redactor, text: string): string {
  let out = secrets.redact(text);
  for (let pass = 1; pass < maxPasses && out !== text; pass += 1) {
    text = out;
    out = secrets.redact(text);
  }
  return out;
}

/**
 * Cuts `text` to at most `limit` characters (plus `…`) after it was redacted: never inside a `[REDACTED]`
 * marker or a surrogate pair.
 */
export function capText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let cut = limit;
  const marker = text.lastIndexOf(redactedMarker, cut);
  if (marker !== -1 && marker < cut && marker + redactedMarker.length > cut) cut = marker;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

/**
 * The longest credential a {@link SecretSet} compiles: room for the `Basic` value of two of the longest
 * credentials an adapter accepts, encoded together.
 */
export const maxCompiledSecretLength = 32_768;

/** How many values learned without a stream a {@link SecretSet} keeps by default. */
export const defaultLearnedSecretLimit = 1_000;

/**
 * How many earlier values one stream keeps (keys, passwords and tokens it no longer carries), besides every
 * value of its latest answer.
 */
export const secretsPerStream = 32;

/**
 * The secret values a provider must keep out of errors, logs and hook events, in three tiers:
 *
 * - credentials (`add`), kept for the provider's life, compiled into one automaton;
 * - each stream's own secrets (its stream keys, push passwords, tokens, restream keys), kept as long as the
 *   provider knows the stream: every value its latest answer lists (`holdStream`, however many), and up to
 *   {@link secretsPerStream} earlier or sent ones (`learnStream`: a new key pushes out the oldest), dropped
 *   by `forgetStream` once the stream is deleted. Walking the same streams
 *   again adds nothing, so memory follows the number of streams the account holds, not the traffic, and
 *   no stream's key is ever forgotten because other streams were seen since;
 * - values not tied to a stream yet (`learn`: the caller's input before a create), the most recent
 *   `learnedLimit` of them;
 * - values known only by their beginning (`learnTruncated`: a key whose answer broke off inside it), the
 *   most recent {@link truncatedSecretLimit}, each hidden with the rest of the word it starts.
 *
 * Learned values are matched through a rolling-hash index (each position's first characters looked up once),
 * built when a scan first needs it: learning a value only records it (a few bytes, no forms computed), and
 * the first `redact` after values were learned indexes all of them first, each in time linear in the length
 * of its forms (some 40 forms for a stream key; 10,000 Wowza Video streams of three values take that first
 * call some 0.7 s of CPU), never a rebuild of what is indexed already. A value dropped before any scan (a stream
 * forgotten, the recent tier trimmed) is never indexed. A provider that never redacts never pays for the
 * index. Everything is matched in every encoding (see {@link secretForms}). A value longer than
 * {@link maxWholeSecretLength} is held, and listed by `values()`, as overlapping pieces.
 */
export class SecretSet implements Redactor, Iterable<string> {
  readonly #credentials = new Set<string>();
  // The lengths of the credentials: a value of another length is no credential, found without hashing it
  // (every read checks each of a stream's secrets, fresh strings of an answer just parsed).
  readonly #credentialLengths = new Set<number>();
  readonly #groups = new Map<string, string[]>();
  // Insertion order is recency order: a value seen again moves to the end.
  readonly #recent = new Set<string>();
  // Per stream: the secrets its latest answer carried (`current`), and earlier ones, at most secretsPerStream.
  // Arrays, not sets: a stream holds a handful, and a set costs a hash table each, a few hundred bytes for
  // every stream the provider knows.
  readonly #streams = new Map<string, StreamSecrets>();
  // Every value learned, numbered, with how many holders it has (streams, the recent tier).
  readonly #holders = new SecretIds();
  // The values held but not indexed yet, by number: learning records a value here, and the first scan
  // indexes them all (see #compiled). Most providers never redact (only an error, a warning or a hook event
  // with vendor text does), so a walk of thousands of streams indexes nothing until then.
  readonly #pending = new PendingIds();
  readonly #index = new FingerprintIndex(true);
  // Forms of up to eight characters, found whole; the longer ones are found, whole and cut, by their first
  // (last) eight characters in the fragment index, which keeps no fingerprint of a whole form.
  readonly #fragments = new FragmentIndex(
    recentlyUsed(learnedFormsOf),
    sortedBucketSize,
    true,
    this.#holders,
    true,
  );
  // What a scan reads the fragment index through: with a bound on its comparisons in proportion to the
  // text, past which it finishes coarsely, hiding more (see fragmentScanBudget). Learned values are chosen
  // by vendors' answers: values of many lengths sharing their first characters, against a text of those
  // characters, would otherwise cost every length at every place.
  readonly #boundedFragments: SecretIndex = {
    scan: (text, found) => this.#fragments.scan(text, found, fragmentScanBudget(text.length)),
  };
  readonly #limit: number;
  // Values known only by their beginning (`learnTruncated`): made by the first one, so a set that never
  // learns one scans nothing more.
  #truncated: TruncatedIndex | undefined;
  #scrubber: Scrubber | undefined;
  // What `values()` returns until a value is added or dropped (or the recent tier's order changes); the
  // last list built, kept when it goes stale, is returned again if the values come out the same.
  #list: readonly string[] | undefined;
  #lastList: readonly string[] = Object.freeze([]);

  constructor(options: { learnedLimit?: number } = {}) {
    this.#limit = options.learnedLimit ?? defaultLearnedSecretLimit;
    listsOfSets.set(this.#lastList, this);
    internalsOfSets.set(this, {
      list: () => this.#list,
      lastList: () => this.#lastList,
      scrubber: () => this.#compiled(),
      forgetWhole: (values) => this.#forgetWhole(values),
    });
  }

  /**
   * Adds credentials, kept for good; empty, non-string and very short values are ignored, and so are values
   * longer than {@link maxCompiledSecretLength}: no adapter sends one (a credential is at most 8,192
   * characters, refused before any request otherwise), and compiling it would cost more than it protects.
   */
  add(...values: (string | undefined | null)[]): void {
    for (const value of values) {
      if (!isSecret(value) || value.length > maxCompiledSecretLength || this.#isCredential(value)) continue;
      this.#credentials.add(value);
      this.#credentialLengths.add(value.length);
      this.#scrubber = undefined;
      this.#changed();
    }
  }

  // Whether `value` is one of the credentials (see #credentialLengths).
  #isCredential(value: string): boolean {
    return this.#credentialLengths.has(value.length) && this.#credentials.has(value);
  }

  /**
   * Replaces a named group of credentials as a whole: the tokens an adapter signs and renews, of which only
   * the last few can still be in flight.
   */
  replaceGroup(name: string, values: readonly (string | undefined | null)[]): void {
    this.#groups.set(name, values.filter(isSecret));
    this.#scrubber = undefined;
    this.#changed();
  }

  /** Adds values not tied to a stream (yet); only the most recent `learnedLimit` are kept. */
  learn(...values: (string | undefined | null)[]): void {
    for (const value of piecesOf(values)) {
      if (!isSecret(value) || this.#isCredential(value)) continue;
      if (this.#recent.delete(value)) {
        this.#recent.add(value);
        // Now the most recent: `values()` lists it last.
        this.#changed();
        continue;
      }
      this.#recent.add(value);
      this.#indexForms(value, 'add');
      this.#changed();
      if (this.#recent.size > this.#limit) {
        const oldest = this.#recent.values().next().value as string;
        this.#recent.delete(oldest);
        this.#indexForms(oldest, 'remove');
      }
    }
  }

  /**
   * Adds values known only by their beginning: a secret whose answer broke off inside it (a create's answer
   * cut in the middle of its stream key, as truncated JSON or a dropped connection), of which only the first
   * characters arrived. Wherever a text holds one of the forms of such a beginning (every form
   * {@link secretForms} lists but the base64 endings: as it is, either case, URL-encoded, JSON-escaped, hex,
   * base64 at each alignment), or a copy of one cut short as for any learned value, the stretch hidden runs
   * from the form's start to where the secret could have gone on: the end of the word in that form's
   * alphabet. For the plain forms, up to a character no key, token or password holds as it is written
   * (whitespace, controls, quotes, `,;&?#`, brackets `()[]{}<>`, `…`), with `%XX`, `\/` and `\uXXXX`
   * escapes of other characters, and a `%` that starts no escape, read as part of it (a backslash ends it
   * only before a quote or as the `u` escape of such a character; a percent-encoded UTF-8 sequence is read
   * as the character it encodes, so `%E2%80%A6` ends it as `…` does); for the base64 forms, up to the blob's
   * end and its padding, with the characters mixing its first bits with the blob's (as for a whole value).
   * So a later error repeating the whole secret (a status text, a request id, a vendor message) shows none
   * of it, while words after a space or a quote stay readable.
   *
   * Values shorter than {@link minimumTruncatedLength} (8) characters are ignored, counted in code points (a
   * surrogate pair is one: four emoji are four) once a broken last character is dropped (every U+FFFD a
   * decoder writes for a cut UTF-8 sequence, a high surrogate without its pair): a shorter beginning, hidden
   * with the rest of its word, would hide ordinary words, so of a secret cut within its first eight
   * characters nothing is known. Only the most recent
   * {@link truncatedSecretLimit} (64) values are kept; learning one again makes it the most recent. Of a
   * longer value only the first {@link truncatedKeptLength} (1,024) characters are kept, which find a copy of
   * the secret as well (it starts with them), so a set holds at most 64 × 1,024 characters of them.
   * `values()` lists them after every other value. Learning the first
   * one costs compiling the credentials again once; a set that never learns one scans no more than before.
   * What a redaction spends comparing the text with their forms is bounded, whatever the beginnings: 256
   * steps (a character compared, a form probed) per character of the text plus 50,000; a text that spends
   * it (a hostile one, repeating the beginnings' characters) is finished coarsely, each place where a
   * form's first or last eight characters stand hidden as the longest such form, with the rest of its
   * word: more hidden, never less (`docs/decisions/2026-12-01-truncated-secrets.md`).
   */
  learnTruncated(...values: (string | undefined | null)[]): void {
    for (const given of values) {
      if (typeof given !== 'string') continue;
      // A copy of its own when cut from a longer string, which the slice would keep alive.
      const value = withoutBrokenEnd(
        given.length > truncatedKeptLength ? detached(given.slice(0, truncatedKeptLength)) : given,
      );
      // Counted in code points: four emoji are eight UTF-16 units, and would hide every word they start.
      if (codePointLength(value) < minimumTruncatedLength) continue;
      if (this.#truncated === undefined) {
        this.#truncated = new TruncatedIndex(recentlyUsed(truncatedFormsOf));
        // The scrubber is made again with the new index among its own.
        this.#scrubber = undefined;
      }
      if (this.#truncated.learn(value, piecesOf([value]) as readonly string[])) this.#changed();
    }
  }

  /**
   * Adds the secrets a call sends about the stream `id` (an update's or a start's restream keys), before its
   * request: held for the stream ({@link learnStream}), and among the values not tied to a stream
   * ({@link learn}), so that they stay masked while the call may still be answered even if the stream is
   * forgotten meanwhile (deleted here, or answered 404 to another call). The second place is bounded as that
   * tier is (the most recent {@link defaultLearnedSecretLimit} by default).
   */
  learnSent(id: string, ...sent: (string | undefined | null)[]): void {
    this.learn(...sent);
    this.learnStream(id, ...sent);
  }

  /**
   * Adds secrets of the stream `id` (a stream key, push password, token or restream key the caller sends).
   * They stay until `forgetStream(id)`, however many other streams are learned: the values of one call all
   * stay (a caller may send any number of restream targets), with the most recent of the stream's earlier
   * values, {@link secretsPerStream} in all.
   */
  learnStream(id: string, ...sent: (string | undefined | null)[]): void {
    const values = piecesOf(sent);
    // Reading a stream again (Wowza Real-Time learns its tokens on every `get`) sends the values it sent
    // last time: found in place, nothing is allocated or rebuilt.
    if (this.#knowsInPlace(id, values)) return;
    const latest = new Set<string>();
    for (const value of values) if (isSecret(value) && !this.#isCredential(value)) latest.add(value);
    if (latest.size === 0) return;
    const known = this.#stream(id);
    const current = new Set(known.current);
    const earlier = new Set(known.earlier);
    const again = new Set<string>();
    const added: string[] = [];
    for (const value of latest) {
      if (current.has(value)) continue;
      // Seen again: it moves to the end, as the most recent.
      if (earlier.has(value)) again.add(value);
      else this.#indexForms(value, 'add');
      added.push(value);
    }
    if (added.length === 0) return;
    const kept = again.size === 0 ? known.earlier : known.earlier.filter((value) => !again.has(value));
    known.earlier = this.#trimEarlier([...kept, ...added], latest);
    streamSecretWork.rewrites += 1;
    this.#changed();
  }

  // Whether learnStream(id, ...values) would leave the stream as it is: each value (the first time the call
  // lists it) is one the stream carries now, or one of its earlier values already at the end, in the order
  // the call lists them, so moving them to the end changes nothing. Compares without allocating; a call
  // with more values than a stream keeps is left to learnStream's own way.
  #knowsInPlace(id: string, values: readonly (string | undefined | null)[]): boolean {
    const known = this.#streams.get(id);
    // (32 at most: one bit per value below.)
    if (!known || values.length > Math.min(secretsPerStream, 32) || known.earlier.length > secretsPerStream)
      return false;
    // Which values move, one bit each (at most 32 values here), each found once: the check compares
    // whole strings, and this runs on every read.
    let moving = 0;
    let moved = 0;
    for (let index = 0; index < values.length; index += 1) {
      if (this.#skipsInStream(values, index, known)) continue;
      moving |= 1 << index;
      moved += 1;
    }
    // The values to move must be the last `moved` earlier ones (none is listed twice there), in order.
    let position = known.earlier.length - moved;
    for (let index = 0; index < values.length; index += 1) {
      if ((moving & (1 << index)) === 0) continue;
      if (known.earlier[position] !== values[index]) return false;
      position += 1;
    }
    return true;
  }

  // A value learnStream does not move: not a secret, a credential, listed before in the same call, or
  // carried by the stream now.
  #skipsInStream(
    values: readonly (string | undefined | null)[],
    index: number,
    known: StreamSecrets,
  ): boolean {
    const value = values[index];
    if (!isSecret(value) || this.#isCredential(value)) return true;
    for (let before = 0; before < index; before += 1) if (values[before] === value) return true;
    return known.current.includes(value);
  }

  /**
   * Sets the secrets the stream `id` carries now, from an answer that lists them all (its stream keys,
   * tokens and every restream target's key): every one is kept, however many (targets added on the
   * vendor's dashboard count too), until a later answer no longer lists it; then it joins the stream's
   * earlier values, of which the most recent {@link secretsPerStream} are kept.
   */
  holdStream(id: string, listed: readonly (string | undefined | null)[]): void {
    const values = piecesOf(listed);
    // Reading a stream again (LiveAPI and VideoSDK hold its secrets on every read) lists what it carries
    // already: found in place, nothing is allocated or rebuilt.
    const carried = this.#streams.get(id);
    if (carried && this.#carriesInPlace(carried, values)) return;
    const known = this.#stream(id);
    const held = new Set([...known.current, ...known.earlier]);
    const current = new Set<string>();
    for (const value of values) {
      if (!isSecret(value) || this.#isCredential(value) || current.has(value)) continue;
      current.add(value);
      // Already indexed when the stream held it before (now or earlier); indexed once otherwise.
      if (!held.has(value)) this.#indexForms(value, 'add');
    }
    const earlier = [
      ...known.earlier.filter((value) => !current.has(value)),
      ...known.current.filter((value) => !current.has(value)),
    ];
    known.current = [...current];
    known.earlier = this.#trimEarlier(earlier, current);
    streamSecretWork.rewrites += 1;
    this.#changed();
  }

  // Whether holdStream would leave the stream as it is: the call lists (once each, with values that are no
  // secrets and repeats aside) exactly the values the stream carries now, in the same order, and no earlier
  // values are past the stream's bound (one learnStream call may leave more), which holdStream would trim.
  #carriesInPlace(known: StreamSecrets, values: readonly (string | undefined | null)[]): boolean {
    if (known.earlier.length > secretsPerStream) return false;
    const current = known.current;
    let matched = 0;
    for (const value of values) {
      if (!isSecret(value) || this.#isCredential(value)) continue;
      if (current[matched] === value) matched += 1;
      // Listed before in this call: it is among the values matched so far.
      else if (!current.includes(value) || current.indexOf(value) >= matched) return false;
    }
    return matched === current.length;
  }

  #stream(id: string): StreamSecrets {
    let known = this.#streams.get(id);
    if (!known) {
      known = { current: noValues, earlier: noValues };
      this.#streams.set(id, known);
    }
    return known;
  }

  // Drops the oldest earlier values, never one of `keep`, until secretsPerStream are left.
  #trimEarlier(earlier: string[], keep: ReadonlySet<string>): string[] {
    let excess = earlier.length - secretsPerStream;
    if (excess <= 0) return earlier;
    const kept: string[] = [];
    for (const value of earlier) {
      if (excess > 0 && !keep.has(value)) {
        this.#indexForms(value, 'remove');
        excess -= 1;
      } else kept.push(value);
    }
    return kept;
  }

  /** Drops the secrets of a deleted stream. */
  forgetStream(id: string): void {
    const known = this.#streams.get(id);
    if (!known) return;
    for (const value of known.current) this.#indexForms(value, 'remove');
    for (const value of known.earlier) this.#indexForms(value, 'remove');
    this.#streams.delete(id);
    this.#changed();
  }

  // Drops `values` from the stream and recent tiers (credentials and values known by their beginning stay):
  // see knownOnlyByBeginning.
  #forgetWhole(values: ReadonlySet<string>): void {
    let changed = false;
    for (const value of values) {
      if (!this.#recent.delete(value)) continue;
      this.#indexForms(value, 'remove');
      changed = true;
    }
    for (const [id, known] of this.#streams) {
      if (
        !known.current.some((value) => values.has(value)) &&
        !known.earlier.some((value) => values.has(value))
      )
        continue;
      for (const value of [...known.current, ...known.earlier])
        if (values.has(value)) this.#indexForms(value, 'remove');
      known.current = known.current.filter((value) => !values.has(value));
      known.earlier = known.earlier.filter((value) => !values.has(value));
      if (known.current.length === 0 && known.earlier.length === 0) this.#streams.delete(id);
      changed = true;
    }
    if (changed) this.#changed();
  }

  // The values held changed (or their order): the list `values()` gave is no longer theirs.
  #changed(): void {
    if (this.#list === undefined) return;
    this.#list = undefined;
    secretListWork.changes += 1;
  }

  /**
   * Every value known, credentials first and values known only by their beginning (`learnTruncated`) last,
   * in a frozen array: the same array on every call until the values (or their order) change, so a
   * provider's `secrets: () => set.values()` costs nothing in the number of values however often it is
   * asked; after a change the next call builds the list again (time linear in the number of values), and
   * returns a new array only if it differs.
   */
  values(): readonly string[] {
    if (this.#list !== undefined) return this.#list;
    if (staleAsk !== undefined) {
      staleAsk.push(this);
      return this.#lastList;
    }
    const values = new Set(this.#credentials);
    for (const group of this.#groups.values()) for (const value of group) values.add(value);
    for (const known of this.#streams.values()) {
      for (const value of known.current) values.add(value);
      for (const value of known.earlier) values.add(value);
    }
    for (const value of this.#recent) values.add(value);
    if (this.#truncated) for (const piece of this.#truncated.pieces()) values.add(piece);
    secretListWork.builds += 1;
    const last = this.#lastList;
    let same = last.length === values.size;
    if (same) {
      let index = 0;
      for (const value of values) if (value !== last[index++]) same = false;
    }
    const list = same ? last : Object.freeze([...values]);
    listsOfSets.set(list, this);
    this.#list = list;
    this.#lastList = list;
    return list;
  }

  /** Whether every one of `values` is held now (so this set redacts them all). */
  holdsAll(values: readonly string[]): boolean {
    for (const value of values) {
      if (this.#credentials.has(value) || this.#holders.holds(value) > 0) continue;
      if (this.#truncated?.holds(value)) continue;
      let grouped = false;
      for (const group of this.#groups.values()) if (group.includes(value)) grouped = true;
      if (!grouped) return false;
    }
    return true;
  }

  [Symbol.iterator](): Iterator<string> {
    return this.values()[Symbol.iterator]();
  }

  /** Redacts `text` with every value known and every credential pattern (see `redact`). */
  redact(text: string): string {
    return this.#compiled().redact(text);
  }

  // What every scan goes through (`redact`, a combined redactor reading this set's scrubber): the values
  // learned since the last scan are indexed first, so the indexes the scrubber holds are complete.
  #compiled(): Scrubber {
    if (this.#pending.size > 0) this.#indexPending();
    this.#scrubber ??= compile(
      [...this.#credentials, ...[...this.#groups.values()].flat()],
      this.#truncated
        ? [this.#index, this.#boundedFragments, this.#truncated]
        : [this.#index, this.#boundedFragments],
    );
    return this.#scrubber;
  }

  // A value may be held by several streams and the recent tier: it is numbered and left to index on the
  // first hold, and its forms are dropped on the last (a value never indexed has none to drop).
  #indexForms(value: string, change: 'add' | 'remove'): void {
    if (change === 'add') {
      if (this.#holders.hold(value) === 1) this.#pending.add(this.#holders.idOf(value));
      return;
    }
    if (this.#holders.holds(value) === 1 && !this.#pending.delete(this.#holders.idOf(value)))
      this.#changeForms(value, 'remove');
    // Released once its forms are gone: the fragment index finds them by the value's number.
    this.#holders.release(value);
  }

  // Indexes every value left to index, once each.
  #indexPending(): void {
    this.#pending.drain((id) => this.#changeForms(this.#holders.secretOf(id), 'add'));
  }

  #changeForms(value: string, change: 'add' | 'remove'): void {
    // The entries of learnedFormsOf, read from the three lists without building them (this runs for every
    // value a scan indexes). An ending holds an encoded form, which finds it whole: only its cut copies
    // need it (`cutOnly`). Forms longer than eight characters go to the fragment index alone, which finds
    // them whole too.
    const { plain, encoded, endings } = classifiedSecretForms(value);
    const index = this.#index;
    const fragments = this.#fragments;
    const each = (forms: readonly string[], kind: PatternKind, cutOnly: boolean) => {
      for (const form of forms) {
        const whole = !cutOnly && form.length <= fragmentLength;
        if (change === 'add') {
          if (whole) index.add(form, kind);
          fragments.add(value, form, kind, cutOnly);
        } else {
          if (whole) index.remove(form);
          fragments.remove(value, form, kind);
        }
      }
    };
    each(plain, 0, false);
    each(encoded, 1, false);
    each(endings, 1, true);
  }
}

/**
 * A set of secrets' numbers ({@link SecretIds}), at 5 bytes each: the numbers in the order they came (a
 * number taken out, or taken out and put back, may be listed again, or stay listed), and one mark per number
 * telling whether it is in. A `Set` would cost some 30 bytes a member, for every value a walk learned.
 */
class PendingIds {
  #listed = new Int32Array(16);
  #length = 0;
  #marks = new Uint8Array(16);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(id: number): void {
    if (id >= this.#marks.length) this.#marks = grown(this.#marks, id + 1);
    if (this.#marks[id] === 1) return;
    this.#marks[id] = 1;
    this.#size += 1;
    if (this.#length === this.#listed.length) {
      // Numbers taken out since still listed: dropped, unless more than half are in.
      if (this.#size * 2 <= this.#length) this.#compact();
      else this.#listed = grown(this.#listed, this.#length + 1);
    }
    this.#listed[this.#length] = id;
    this.#length += 1;
  }

  /** Takes `id` out; whether it was in. */
  delete(id: number): boolean {
    if (this.#marks[id] !== 1) return false;
    this.#marks[id] = 0;
    this.#size -= 1;
    if (this.#size === 0) this.#length = 0;
    return true;
  }

  /** Calls `each` once for every number in, in the order they came, and leaves the set empty. */
  drain(each: (id: number) => void): void {
    const listed = this.#listed;
    const length = this.#length;
    const marks = this.#marks;
    // Empty again, at its first size: what a walk of thousands of values grew is not kept.
    this.#listed = new Int32Array(16);
    this.#length = 0;
    this.#marks = new Uint8Array(16);
    this.#size = 0;
    for (let at = 0; at < length; at += 1) {
      const id = listed[at] as number;
      if (marks[id] !== 1) continue;
      marks[id] = 0;
      each(id);
    }
  }

  // Keeps each number in listed once, in order (a number listed twice is marked 2 once kept).
  #compact(): void {
    let kept = 0;
    for (let at = 0; at < this.#length; at += 1) {
      const id = this.#listed[at] as number;
      if (this.#marks[id] !== 1) continue;
      this.#marks[id] = 2;
      this.#listed[kept] = id;
      kept += 1;
    }
    for (let at = 0; at < kept; at += 1) this.#marks[this.#listed[at] as number] = 1;
    this.#length = kept;
  }
}

// A copy of `array` with room for at least `length` items: half as many again, or more.
function grown<Items extends Int32Array | Uint8Array>(array: Items, length: number): Items {
  const copy = new (array.constructor as new (length: number) => Items)(
    Math.max(length, Math.ceil(array.length * 1.5)),
  );
  copy.set(array);
  return copy;
}

/**
 * One stream's secrets: those its latest answer listed, and earlier ones, oldest first. Each list is
 * replaced, never changed in place, so streams with none share one empty list (an empty array costs 32
 * bytes, and a stream read through `learnStream` alone never has current values).
 */
interface StreamSecrets {
  current: readonly string[];
  earlier: readonly string[];
}

const noValues: readonly string[] = /* @__PURE__ */ Object.freeze([]);

function isSecret(value: unknown): value is string {
  return typeof value === 'string' && value.length >= minimumSecretLength;
}

/**
 * The longest value a {@link SecretSet} learns whole. A longer one (no vendor issues a key that long; a
 * broken or hostile endpoint may send megabytes) is held as pieces of {@link secretPieceLength} characters,
 * each overlapping the next by {@link secretPieceOverlap}: found whole in every form, since each piece's forms
 * lie in the value's, and found in part wherever a text holds a stretch of it, at a cost that grows with the
 * value's length alone. Whole, a 1 MB value cost 1.8 s of CPU and 270 MB of memory to index, then 1.6 s for
 * every text repeating its start. See `docs/decisions/2026-11-30-long-learned-values.md`.
 */
export const maxWholeSecretLength = 8_192;
/** The length of each piece a value longer than {@link maxWholeSecretLength} is held as. */
export const secretPieceLength = 4_096;
/** How many characters each piece shares with the next, so a text cut near a seam still shows no part. */
export const secretPieceOverlap = 8;

// `values`, with every value longer than maxWholeSecretLength replaced by its pieces; the same array when none
// is (every read of a stream passes through here: nothing is allocated then). Indexed loops, not `for…of`:
// wherever V8 had not optimised it, the loop allocated an iterator and a result per value on every call, 90
// to 290 B per `get` (docs/decisions/2026-12-01-heap-per-get.md).
function piecesOf<T extends string | undefined | null>(values: readonly T[]): readonly (T | string)[] {
  let long = false;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    if (typeof value === 'string' && value.length > maxWholeSecretLength) long = true;
  }
  if (!long) return values;
  const out: (T | string)[] = [];
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] as T;
    if (typeof value !== 'string' || value.length <= maxWholeSecretLength) {
      out.push(value);
      continue;
    }
    for (let start = 0; ; ) {
      const end = seam(value, start + secretPieceLength + secretPieceOverlap);
      out.push(value.slice(start, end));
      if (end >= value.length) break;
      start = seam(value, start + secretPieceLength);
    }
  }
  return out;
}

// `index`, moved back one place when it would split a surrogate pair; the length past the end.
function seam(value: string, index: number): number {
  if (index >= value.length) return value.length;
  const code = value.charCodeAt(index);
  const before = value.charCodeAt(index - 1);
  return code >= 0xdc00 && code <= 0xdfff && before >= 0xd800 && before <= 0xdbff ? index - 1 : index;
}
