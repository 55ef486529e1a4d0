import type { PatternKind } from './aho-corasick.js';
import { FingerprintTable } from './table.js';

// Two polynomial hashes modulo primes below 2^26: every product of two residues stays below 2^52, so plain
// numbers compute them exactly. Together they make a 52-bit fingerprint; a chance match is about one in
// 2^52 per comparison.
const modulusA = 67108859;
const modulusB = 67108837;
const baseA = 65599;
const baseB = 131071;
// 2^26, written out: a bundler keeps a top-level `2 ** 26` of a one-file dist, unsure it has no effect.
const lowBits = 0x4000000;

/**
 * Steps the indexes took: characters hashed, bucket entries touched while adding or removing, characters
 * compared while scanning; and how many scans spent their budget and finished coarsely. Read by the tests
 * that hold learning a value to a cost of its length, whatever else is known, and a scan to an exact
 * result; not part of the API.
 * @internal
 */
export const indexWork = { steps: 0, coarseFinishes: 0 };

function fingerprint(text: string, from = 0, to = text.length): number {
  indexWork.steps += to - from;
  let a = 0;
  let b = 0;
  for (let index = from; index < to; index += 1) {
    const code = text.charCodeAt(index);
    a = residue(a * baseA + code, modulusA);
    b = residue(b * baseB + code, modulusB);
  }
  return a * lowBits + b;
}

/**
 * `value % modulus`, for integers 0 ≤ value < 2^53 and a modulus below 2^26: the quotient of a rounded
 * division, floored, is the true one or one more (rounding never takes a quotient below an integer it
 * reaches), and the correction undoes that. `%` on numbers this large is a floating-point remainder, several
 * times slower: every fingerprint the indexes take, 16 characters of each form, went through it.
 * @internal
 */
export function residue(value: number, modulus: number): number {
  const rest = value - Math.floor(value / modulus) * modulus;
  return rest < 0 ? rest + modulus : rest >= modulus ? rest - modulus : rest;
}

// Strings are found by their first characters: every place where those match is checked in full.
const headLength = 4;

/**
 * Rolling-hash (Rabin–Karp) index of many fixed strings of any length: one pass over the text finds them all,
 * looking each position's first four characters up and checking, per length, whether a string of that
 * length starts there, in constant time from prefix hashes of the text. Strings sharing their first
 * characters (`sk_live_…`) and their length cost one check together. Adding or removing a string costs its
 * length, so it suits a large set that changes often (the stream keys a provider learns), where rebuilding an
 * automaton each time would not. Only fingerprints are kept, in tables of typed arrays ({@link FingerprintTable}),
 * and a form two secrets share is counted, so it stays until both are removed: each `add` is undone by one
 * `remove`.
 *
 * A place reports, of each kind, only the longest string that starts there: the lengths are checked longest
 * first and the search stops at the first match, since every shorter match of the kind lies within it (a
 * base64 stretch, widened by the same characters on the left and up to two more on the right, holds the
 * shorter one's too). A place still costs a check per length its first characters have, down to the first
 * match: the callers keep to strings of at most eight characters (five lengths), or of one length, and
 * leave longer ones to a {@link FragmentIndex}, whose sorted buckets find the longest in a few comparisons.
 * Strings of a thousand lengths sharing their first characters (`a` × 4 to 1,003), against a text of those
 * characters, cost a thousand checks and reported a thousand stretches at every place: seconds per 10 kB,
 * and an array of stretches too long to make at 1 MB.
 */
export class FingerprintIndex {
  // Per kind (plain 0, base64 1), fingerprint of the first four characters → the length of its strings
  // (first) and how many (second); a head whose strings have several lengths has -1 there and its
  // [length, how many, …] in `#lengths`, longest first. Kept apart by kind, so that the longest match of
  // each is found by stopping at the first.
  readonly #heads: readonly [FingerprintTable, FingerprintTable];
  readonly #lengths: readonly [Map<number, number[]>, Map<number, number[]>] = [new Map(), new Map()];
  // fingerprint of a whole string → how many added it, times four, plus the kind of the head table it was
  // entered in, times two, plus its kind (plain 0 or base64 1, base64 once any add said so), in one number:
  // two secrets may share a form (`ABCD1234` and `abcd1234` share their lower case), and the form stays
  // until both are gone.
  readonly #keys: FingerprintTable;
  #powersA = new Float64Array([1]);
  #powersB = new Float64Array([1]);

  /** `compact`: tables that grow by half (see {@link FingerprintTable}), for an index kept long and large. */
  constructor(compact = false) {
    this.#heads = [
      new FingerprintTable(false, false, 2, compact),
      new FingerprintTable(false, false, 2, compact),
    ];
    this.#keys = new FingerprintTable(false, false, 1, compact);
  }

  add(text: string, kind: PatternKind): void {
    if (text.length < headLength) return;
    const keys = this.#keys;
    // A slot just made holds 0; one known holds at least 4 (how many added it, times four).
    const slot = keys.insert(fingerprint(text));
    const held = keys.first[slot] as number;
    if (held !== 0) {
      keys.first[slot] = (held + 4) | kind;
      return;
    }
    keys.first[slot] = 4 + kind * 2 + kind;
    const head = fingerprint(text, 0, headLength);
    const heads = this.#heads[kind];
    const at = heads.insert(head);
    const length = heads.first[at] as number;
    if (length === 0) {
      heads.first[at] = text.length;
      heads.second[at] = 1;
    } else if (length === text.length) {
      heads.second[at] = (heads.second[at] as number) + 1;
    } else if (length !== -1) {
      const count = heads.second[at] as number;
      this.#lengths[kind].set(
        head,
        length > text.length ? [length, count, text.length, 1] : [text.length, 1, length, count],
      );
      heads.first[at] = -1;
      heads.second[at] = 0;
    } else {
      const lengths = this.#lengths[kind].get(head) as number[];
      const pair = lengthAt(lengths, text.length);
      if (pair < 0) {
        // Longest first: before the first shorter length.
        let place = 0;
        while (place < lengths.length && (lengths[place] as number) > text.length) place += 2;
        lengths.splice(place, 0, text.length, 1);
      } else lengths[pair + 1] = (lengths[pair + 1] as number) + 1;
    }
    this.#growPowers(text.length);
  }

  remove(text: string): void {
    if (text.length < headLength) return;
    const keys = this.#keys;
    const slot = keys.find(fingerprint(text));
    if (slot === -1) return;
    const held = keys.first[slot] as number;
    if (held >= 8) {
      keys.first[slot] = held - 4;
      return;
    }
    keys.removeAt(slot);
    const kind = (held >> 1) & 1;
    const head = fingerprint(text, 0, headLength);
    const heads = this.#heads[kind] as FingerprintTable;
    const at = heads.find(head);
    if (at === -1) return;
    if (heads.first[at] === text.length) {
      const left = (heads.second[at] as number) - 1;
      if (left > 0) heads.second[at] = left;
      else heads.removeAt(at);
      return;
    }
    const byHead = this.#lengths[kind] as Map<number, number[]>;
    const lengths = byHead.get(head);
    if (!lengths) return;
    const pair = lengthAt(lengths, text.length);
    if (pair < 0) return;
    const left = (lengths[pair + 1] as number) - 1;
    if (left > 0) lengths[pair + 1] = left;
    else lengths.splice(pair, 2);
    // Back to one length: kept in the table again.
    if (lengths.length === 2) {
      heads.first[at] = lengths[0] as number;
      heads.second[at] = lengths[1] as number;
      byHead.delete(head);
    }
  }

  #growPowers(length: number): void {
    if (this.#powersA.length > length) return;
    const size = Math.max(length + 1, this.#powersA.length * 2);
    const a = new Float64Array(size);
    const b = new Float64Array(size);
    a[0] = 1;
    b[0] = 1;
    for (let index = 1; index < size; index += 1) {
      a[index] = ((a[index - 1] as number) * baseA) % modulusA;
      b[index] = ((b[index - 1] as number) * baseB) % modulusB;
    }
    this.#powersA = a;
    this.#powersB = b;
  }

  /**
   * Calls `found(start, end, kind)` for the longest stretch of each kind that matches an entry at each
   * place (and not for one within the last stretch of its kind reported: it hides nothing more).
   */
  scan(text: string, found: (start: number, end: number, kind: PatternKind) => void): void {
    const [plainHeads, encodedHeads] = this.#heads;
    if ((plainHeads.size === 0 && encodedHeads.size === 0) || text.length < headLength) return;
    const length = text.length;
    const keys = this.#keys;
    // Prefix hashes: the hash of text[i, j) is prefix[j] - prefix[i] × base^(j - i).
    const prefixA = new Uint32Array(length + 1);
    const prefixB = new Uint32Array(length + 1);
    for (let index = 0; index < length; index += 1) {
      const code = text.charCodeAt(index);
      prefixA[index + 1] = residue((prefixA[index] as number) * baseA + code, modulusA);
      prefixB[index + 1] = residue((prefixB[index] as number) * baseB + code, modulusB);
    }
    const powersA = this.#powersA;
    const powersB = this.#powersB;
    const hash = (from: number, to: number) => {
      const a =
        ((prefixA[to] as number) -
          residue((prefixA[from] as number) * (powersA[to - from] as number), modulusA) +
          modulusA) %
        modulusA;
      const b =
        ((prefixB[to] as number) -
          residue((prefixB[from] as number) * (powersB[to - from] as number), modulusB) +
          modulusB) %
        modulusB;
      return a * lowBits + b;
    };
    // Per kind reported, where the last stretch reported ends: a later place whose stretch ends no later
    // lies within it.
    const lastEnds = [-1, -1];
    const report = (start: number, end: number, kind: PatternKind) => {
      if (end <= (lastEnds[kind] as number)) return;
      lastEnds[kind] = end;
      found(start, end, kind);
    };
    // Whether a string of the index is text[start, end): reported if so.
    const check = (start: number, end: number): boolean => {
      const slot = keys.find(hash(start, end));
      if (slot === -1) return false;
      report(start, end, ((keys.first[slot] as number) & 1) as PatternKind);
      return true;
    };
    for (let start = 0; start + headLength <= length; start += 1) {
      const head = hash(start, start + headLength);
      const left = length - start;
      for (const kind of kinds) {
        const heads = this.#heads[kind];
        if (heads.size === 0) continue;
        const at = heads.find(head);
        if (at === -1) continue;
        const only = heads.first[at] as number;
        if (only !== -1) {
          if (only <= left) check(start, start + only);
          continue;
        }
        // Longest first, from the first length that fits in the rest of the text, down to the first match.
        const lengths = this.#lengths[kind].get(head) as number[];
        let pair = 0;
        while (pair < lengths.length && (lengths[pair] as number) > left) pair += 2;
        for (; pair < lengths.length; pair += 2) if (check(start, start + (lengths[pair] as number))) break;
      }
    }
  }
}

/**
 * The steps (see `indexWork`: characters compared, forms probed, Z-arrays computed, characters of forms
 * computed; not the index's upkeep, such as sorting a large bucket's forms once per change to it) one scan
 * of a {@link FragmentIndex} of learned values or of values' beginnings may take on a text of `length`
 * characters before it finishes coarsely: {@link fragmentStepsPerCharacter} per character and
 * {@link fragmentBaseSteps}. Ordinary text takes under 1 a character, texts crafted to repeat the
 * beginnings' characters up to some 170 (`abab…` against 64 beginnings of 12 such characters); beginnings
 * of different lengths against runs of their characters took 1,800 to 5,600, some 1.6 to 3.6 s of CPU per
 * 100 kB. See `docs/decisions/2026-12-01-truncated-secrets.md` and
 * `docs/decisions/2026-12-04-learned-values-scan-bound.md`.
 * @internal
 */
export function fragmentScanBudget(length: number): number {
  return fragmentStepsPerCharacter * length + fragmentBaseSteps;
}

/** @internal See {@link fragmentScanBudget}. */
export const fragmentStepsPerCharacter = 256;

/**
 * @internal See {@link fragmentScanBudget}: what a short text may take, such as computing a form's
 * Z-array (its length and the text's) or searching a large bucket's sorted forms a few times.
 */
export const fragmentBaseSteps = 50_000;

/** How many characters of a cut secret betray it: shorter fragments are left alone. */
export const fragmentLength = 8;

const isWordCharacter = (code: number) =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;

/**
 * Words unilive itself writes in its messages, warnings and issue paths (the neutral model's field and
 * setting names, its states, the words of its warning types), of {@link fragmentLength} characters or more.
 * Standing alone as a word, one of them is never taken for a secret cut short: a key that begins with
 * `restream` would otherwise mask every `restream` of a warning (its `setting`, an issue path, the message),
 * which says nothing of the key. A secret that is the word itself, whole, is masked as any secret is.
 */
const ownWords: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'broadcasting',
  'createdAt',
  'deleteSource',
  'fallback',
  'incomplete',
  'ingestProtocol',
  'lowLatency',
  'occurredAt',
  'playback',
  'provider',
  'providerDetails',
  'providerName',
  'providerOptions',
  'recording',
  'resetting',
  'restream',
  'starting',
  'stopping',
  'streamKey',
  'timestamp',
  'unsupported',
  'updatedAt',
  'warnings',
]);

// Whether `text` holds one of the own words, as a whole word, at [start, end).
function isOwnWord(text: string, start: number, end: number): boolean {
  return (
    end - start <= 15 &&
    (start === 0 || !isWordCharacter(text.charCodeAt(start - 1))) &&
    (end === text.length || !isWordCharacter(text.charCodeAt(end))) &&
    ownWords.has(text.slice(start, end))
  );
}

/**
 * Buckets sharing a fingerprint with more secrets than this are searched through their forms kept in
 * sorted order (see {@link SortedForms}): going through every secret of the bucket at each hit would cost
 * a step per secret sharing the head, and keys issued by a counter or URLs on one host all share it.
 */
export const sortedBucketSize = 16;

/**
 * Finds secrets a vendor cut short: its message may keep the first part of a secret's form and stop (at the
 * end of the text, or before a space, quote or `…`), or keep only its last part. A fragment counts when it
 * is at least {@link fragmentLength} characters of a form, shorter than the form, and cut where a word
 * ends: `redirect` followed by `s` is a word, not a cut `redirect-token`. Forms are looked up by a
 * rolling fingerprint of their first (or last) eight characters. A bucket of a few secrets is checked
 * against the forms of each, which `formsOf` computes again: the index keeps a reference to each secret,
 * not its forms. A bucket shared by many secrets keeps the forms that share its fingerprint in sorted
 * order once a scan hits it, so a hit costs the form's length times the logarithm of the bucket's size,
 * not a step per secret. The caller adds each secret once and removes it once.
 */
export class FragmentIndex {
  // fingerprint of a form's first (last) eight characters → the secret, or secrets, it is a form of. Many
  // secrets share their first characters (keys issued by a counter, time-based UUIDs), so a bucket may hold
  // thousands: it is a set, where adding and removing one costs the same whatever its size.
  // Keyed by a 32-bit digest of the fingerprint ({@link shortKey}): every hit is confirmed by comparing the
  // forms themselves, so two ends sharing a digest only share a bucket. A cell is 0 (none), a secret's id
  // plus one, or -1 - the place of several ids in #shared.
  readonly #heads: FingerprintTable;
  readonly #tails: FingerprintTable;
  // Buckets of several secrets: a few ids in an array of exactly their number (a set costs a hash table of
  // a few hundred bytes, and most shared buckets hold two or three), more in a table of ids (4 bytes a
  // slot, where a `Set` costs some 25 bytes an entry), where adding and removing one costs the same
  // whatever its size.
  readonly #shared: (readonly number[] | FingerprintTable | undefined)[] = [];
  readonly #sharedFree: number[] = [];
  readonly #ids: SecretIds;
  readonly #ownIds: boolean;
  // The same large buckets' forms, in order, per kind: built at the first hit, then kept up to date.
  readonly #sortedHeads = new Map<number, KindLists>();
  readonly #sortedTails = new Map<number, KindLists>();
  // Per digest, the length of the longest form of each kind with those first (last) eight characters, as
  // a coarse scan takes it: computed at the first coarse hit, then kept across scans and up to date as
  // forms are added (and dropped when its longest form is removed), since computing it takes the forms of
  // every secret of the bucket (64 beginnings of 500 emoji: some 30 MB and 70 ms a scan).
  readonly #longestHeads = new Map<number, readonly [number, number]>();
  readonly #longestTails = new Map<number, readonly [number, number]>();

  /**
   * `formsOf`: the forms of a secret, as they were added (an entry marked `cutOnly` is looked for only cut
   * short). `sortedFrom`: the bucket size from which a bucket's forms are kept sorted. `findsWhole`: the
   * index also reports every form longer than {@link fragmentLength} found whole (not `cutOnly`), so such
   * forms need no other index: a hit on a form's first eight characters is confirmed by comparing the form
   * itself, computed again from the secret. `ids`: the numbers of the secrets, held by the caller for as
   * long as their forms are here (by default the index numbers them itself, holding each once per `add`).
   * `compact`: tables that grow by half (see {@link FingerprintTable}), for an index kept long and large.
   * `formsCharged`: computing a secret's forms in a scan counts against its budget; without, a scan
   * computes each secret's forms at most once, so what it spends on them is at most what adding them cost
   * (a fixed list of known secrets, where a short message quoting a few long ones out of hundreds sharing
   * their first characters would otherwise spend a short text's budget on their forms and finish coarsely).
   */
  constructor(
    private readonly formsOf: (secret: string) => readonly FormEntry[],
    private readonly sortedFrom = sortedBucketSize,
    private readonly findsWhole = false,
    ids?: SecretIds,
    private readonly compact = false,
    private readonly formsCharged = true,
  ) {
    this.#ids = ids ?? new SecretIds();
    this.#ownIds = ids === undefined;
    this.#heads = new FingerprintTable(false, true, 1, compact);
    this.#tails = new FingerprintTable(false, true, 1, compact);
  }

  add(secret: string, form: string, kind: PatternKind, cutOnly = false): void {
    if (form.length <= fragmentLength) return;
    if (this.#ownIds) this.#ids.hold(secret);
    const id = this.#ids.idOf(secret);
    if (id === -1) return;
    const head = shortKey(fingerprint(form, 0, fragmentLength));
    const tail = shortKey(fingerprint(form, form.length - fragmentLength));
    for (const [longest, key] of [
      [this.#longestHeads, head],
      [this.#longestTails, tail],
    ] as const) {
      const known = longest.get(key);
      if (known && known[kind] < form.length)
        longest.set(key, kind === 0 ? [form.length, known[1]] : [known[0], form.length]);
    }
    this.#enter(this.#heads, head, id);
    this.#enter(this.#tails, tail, id);
    // Most indexes have no bucket large enough to be sorted: no lookup then.
    if (this.#sortedHeads.size > 0)
      keepSorted(this.#sortedHeads, head, kind, (list) => list.insert(form, secret, cutOnly));
    if (this.#sortedTails.size > 0)
      keepSorted(this.#sortedTails, tail, kind, (list) => list.insert(form, secret, cutOnly));
  }

  remove(secret: string, form: string, kind: PatternKind): void {
    if (form.length <= fragmentLength) return;
    const id = this.#ids.idOf(secret);
    if (id === -1) return;
    const head = shortKey(fingerprint(form, 0, fragmentLength));
    const tail = shortKey(fingerprint(form, form.length - fragmentLength));
    if (this.#longestHeads.get(head)?.[kind] === form.length) this.#longestHeads.delete(head);
    if (this.#longestTails.get(tail)?.[kind] === form.length) this.#longestTails.delete(tail);
    this.#leave(this.#heads, head, id);
    this.#leave(this.#tails, tail, id);
    this.#unsort(this.#sortedHeads, this.#heads, head, form, secret, kind);
    this.#unsort(this.#sortedTails, this.#tails, tail, form, secret, kind);
    if (this.#ownIds) this.#ids.release(secret);
  }

  #enter(table: FingerprintTable, key: number, id: number): void {
    indexWork.steps += 1;
    const slot = table.insert(key);
    const cell = table.first[slot] as number;
    if (cell === 0) table.first[slot] = id + 1;
    else if (cell > 0) {
      if (cell === id + 1) return;
      const at = this.#sharedFree.pop() ?? this.#shared.length;
      this.#shared[at] = [cell - 1, id];
      table.first[slot] = -1 - at;
    } else {
      const at = -1 - cell;
      const known = this.#shared[at] as readonly number[] | FingerprintTable;
      if (known instanceof FingerprintTable) known.insert(id);
      else if (!known.includes(id))
        this.#shared[at] =
          known.length < arrayBucketSize ? [...known, id] : idSet([...known, id], this.compact);
    }
  }

  #leave(table: FingerprintTable, key: number, id: number): void {
    indexWork.steps += 1;
    const slot = table.find(key);
    if (slot === -1) return;
    const cell = table.first[slot] as number;
    if (cell === id + 1) table.removeAt(slot);
    if (cell >= 0) return;
    const at = -1 - cell;
    const known = this.#shared[at] as readonly number[] | FingerprintTable;
    if (known instanceof FingerprintTable) {
      const held = known.find(id);
      if (held !== -1) known.removeAt(held);
      // Back in an array once well below the size that made it a set, so a bucket at the bound does not
      // change shape at every add and remove.
      if (known.size * 2 <= arrayBucketSize) this.#shared[at] = idsIn(known);
    } else if (known.includes(id)) {
      const left = known.filter((other) => other !== id);
      if (left.length > 1) this.#shared[at] = left;
      else {
        table.first[slot] = (left[0] as number) + 1;
        this.#shared[at] = undefined;
        this.#sharedFree.push(at);
      }
    }
  }

  /**
   * How many (end, secret) pairs the index holds, first and last eight characters together, and how many
   * secrets it numbers: what the tests hold to what an index built afresh holds. Not part of the API.
   * @internal
   */
  held(): { pairs: number; secrets: number } {
    let pairs = 0;
    for (const table of [this.#heads, this.#tails]) {
      table.forEachKey((key) => {
        pairs += this.#sizeOf(table.first[table.find(key)] as number);
      });
    }
    return { pairs, secrets: this.#ids.size };
  }

  // How many secrets a cell holds.
  #sizeOf(cell: number): number {
    if (cell >= 0) return cell === 0 ? 0 : 1;
    const known = this.#shared[-1 - cell] as readonly number[] | FingerprintTable;
    return known instanceof FingerprintTable ? known.size : known.length;
  }

  // The secrets of a cell.
  #secretsOf(cell: number): string[] {
    if (cell > 0) return [this.#ids.secretOf(cell - 1)];
    if (cell === 0) return [];
    const known = this.#shared[-1 - cell] as readonly number[] | FingerprintTable;
    const ids = known instanceof FingerprintTable ? idsIn(known) : known;
    return ids.map((id) => this.#ids.secretOf(id));
  }

  #unsort(
    sorted: Map<number, KindLists>,
    buckets: FingerprintTable,
    key: number,
    form: string,
    secret: string,
    kind: PatternKind,
  ): void {
    if (!sorted.has(key)) return;
    keepSorted(sorted, key, kind, (list) => list.remove(form, secret));
    // A bucket that shrank well below the size that made it sorted goes back to the plain check.
    const slot = buckets.find(key);
    const cell = slot === -1 ? 0 : (buckets.first[slot] as number);
    if (this.#sizeOf(cell) * 2 < this.sortedFrom) sorted.delete(key);
  }

  // The forms of a large bucket whose first (last) eight characters have the fingerprint `key`, sorted.
  #sorted(key: number, cell: number, fromEnd: boolean): KindLists {
    const sorted = fromEnd ? this.#sortedTails : this.#sortedHeads;
    let lists = sorted.get(key);
    if (!lists) {
      const entries: [SortedEntry[], SortedEntry[]] = [[], []];
      for (const secret of this.#secretsOf(cell)) {
        for (const [form, kind, cutOnly = false] of this.formsOf(secret)) {
          if (form.length <= fragmentLength) continue;
          const end = shortKey(
            fingerprint(fromEnd ? form.slice(-fragmentLength) : form.slice(0, fragmentLength)),
          );
          if (end === key) entries[kind].push([form, secret, cutOnly]);
        }
      }
      lists = [SortedForms.of(fromEnd, entries[0]), SortedForms.of(fromEnd, entries[1])];
      sorted.set(key, lists);
    }
    return lists;
  }

  /**
   * Calls `found` for every cut fragment of a known form in `text`. Linear in the text for a given set of
   * secrets, whatever their shape: how far each form matches at each position is computed once per scan
   * with the Z-algorithm (a secret of 300,000 `a`s against a text of `a`s would otherwise compare
   * character by character at every position), and each secret's forms are computed once per scan.
   *
   * `budget`: how many steps (see `indexWork`: characters compared, forms probed, Z-arrays computed) the
   * comparisons may take; once they are spent, the rest of the text is scanned coarsely (see
   * {@link CoarseHits}), which reports more, never less. Unbounded by default.
   */
  scan(
    text: string,
    found: (start: number, end: number, kind: PatternKind) => void,
    budget = Number.POSITIVE_INFINITY,
  ): void {
    if (this.#heads.size === 0 || text.length < fragmentLength) return;
    const matches = new ScanMatches(text, this.formsOf, budget, this.formsCharged);
    const highA = powerOf(baseA, fragmentLength - 1, modulusA);
    const highB = powerOf(baseB, fragmentLength - 1, modulusB);
    let coarse: CoarseHits | undefined;
    let a = 0;
    let b = 0;
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      if (index >= fragmentLength) {
        const leaving = text.charCodeAt(index - fragmentLength);
        a = (a - residue(leaving * highA, modulusA) + modulusA) % modulusA;
        b = (b - residue(leaving * highB, modulusB) + modulusB) % modulusB;
      }
      a = residue(a * baseA + code, modulusA);
      b = residue(b * baseB + code, modulusB);
      if (index + 1 < fragmentLength) continue;
      const key = shortOf(a, b);
      const start = index + 1 - fragmentLength;
      const headSlot = this.#heads.find(key);
      const heads = headSlot === -1 ? 0 : (this.#heads.first[headSlot] as number);
      const tailSlot = this.#tails.find(key);
      const tails = tailSlot === -1 ? 0 : (this.#tails.first[tailSlot] as number);
      if (heads === 0 && tails === 0) continue;
      if (coarse === undefined) {
        try {
          this.#preciseAt(text, start, key, heads, tails, matches, found);
          continue;
        } catch (error) {
          if (error !== outOfBudget) throw error;
          indexWork.coarseFinishes += 1;
          coarse = new CoarseHits(text.length, (key, cell, fromEnd) =>
            this.#longest(key, cell, fromEnd, matches),
          );
        }
      }
      // What this place reported before the budget ran out is within what the coarse hits cover.
      if (heads !== 0) coarse.head(start, key, heads, found);
      if (tails !== 0) coarse.tail(index + 1, key, tails, found);
    }
  }

  // The length of the longest form of each kind (0: none) whose first (last) eight characters have the
  // digest `key`, held by the cell `cell`: read from the bucket's sorted forms when it keeps them, else
  // from its secrets' forms; kept until the next change to the index.
  #longest(key: number, cell: number, fromEnd: boolean, matches: ScanMatches): readonly [number, number] {
    const known = fromEnd ? this.#longestTails : this.#longestHeads;
    const cached = known.get(key);
    if (cached) return cached;
    const longest: [number, number] = [0, 0];
    if (this.#sizeOf(cell) >= this.sortedFrom) {
      const lists = this.#sorted(key, cell, fromEnd);
      for (const kind of kinds) longest[kind] = lists[kind].longest();
    } else {
      for (const secret of this.#secretsOf(cell))
        for (const [form, kind] of matches.formsWithEnd(secret, key, fromEnd, false))
          longest[kind] = Math.max(longest[kind], form.length);
    }
    known.set(key, longest);
    return longest;
  }

  // The fragments (and, with `findsWhole`, the whole forms) that begin at `start` or end at `start + 8`,
  // whose first (last) eight characters have the digest `key`, held by the cells `heads` (`tails`).
  #preciseAt(
    text: string,
    start: number,
    key: number,
    heads: number,
    tails: number,
    matches: ScanMatches,
    found: Found,
  ): void {
    if (heads !== 0) {
      if (this.#sizeOf(heads) >= this.sortedFrom) {
        const before = indexWork.steps;
        const lists = this.#sorted(key, heads, false);
        matches.exempt(indexWork.steps - before);
        for (const kind of kinds) {
          const whole = this.findsWhole ? (end: number) => found(start, end, kind) : undefined;
          const kept = lists[kind].longestCut(text, start, matches, whole);
          if (kept > 0 && !isOwnWord(text, start, start + kept)) found(start, start + kept, kind);
        }
      } else headFragment(text, start, key, this.#secretsOf(heads), matches, found, this.findsWhole);
    }
    if (tails !== 0) {
      const end = start + fragmentLength;
      if (this.#sizeOf(tails) >= this.sortedFrom) {
        const before = indexWork.steps;
        const lists = this.#sorted(key, tails, true);
        matches.exempt(indexWork.steps - before);
        for (const kind of kinds) {
          const kept = lists[kind].longestCut(text, end, matches);
          if (kept > 0 && !isOwnWord(text, end - kept, end)) found(end - kept, end, kind);
        }
      } else tailFragment(text, end, key, this.#secretsOf(tails), matches, found);
    }
  }
}

/**
 * Thrown by a scan's comparisons once its budget is spent (see {@link FragmentIndex.scan}); caught by the
 * scan, which goes on coarsely. Never leaves the index.
 */
const outOfBudget = /* @__PURE__ */ new Error('fragment scan budget spent');

/**
 * The coarse scan a {@link FragmentIndex.scan} finishes with once its budget is spent: every place whose
 * first (last) eight characters have the digest of a form's first (last) eight is taken as a hit, without
 * comparing anything, as the longest form with that digest, of each kind.
 *
 * Why this reports, of each place, a stretch that holds every stretch the comparisons could report there:
 * a form whose first eight characters stand at `start` is reported, cut or whole, as `[start, end)` with
 * `end ≤ start + L`, `L` the longest form of its kind with that digest (a cut fragment is shorter than its
 * form, a whole one is its form). Its reader (the truncated index) hides from `start` to the end of the
 * word going on at `end`; word ends are monotonic (where the word at `i` ends, the word at any `j` between
 * `i` and that end ends too, and past it the word at `j` ends no earlier), so the end of the word at
 * `min(start + L, text length)` is no earlier. Backwards, a form whose last eight characters end at `end`
 * is reported as `[end − kept, end)` with `kept < L` (only cut fragments are found from the end), within
 * `[max(0, end − L), end)`, and its reader extends both from the same `end`. Each place costs two
 * lookups and at most four reports, so the coarse scan is linear in the text; a place whose head stretch
 * lies within the one reported last (its start is later, its end no later, so the end of its word no
 * later either) is not reported again.
 */
class CoarseHits {
  // Per kind, where the last head stretch reported ends.
  readonly #headEnds = [-1, -1];

  constructor(
    private readonly length: number,
    // The length of the longest form of each kind (0: none) whose first (last) eight characters have the
    // digest, held by the cell: kept by the index across scans (see FragmentIndex).
    private readonly longestOf: (key: number, cell: number, fromEnd: boolean) => readonly [number, number],
  ) {}

  head(start: number, key: number, cell: number, found: Found): void {
    const longest = this.longestOf(key, cell, false);
    for (const kind of kinds) {
      if (longest[kind] === 0) continue;
      const end = Math.min(this.length, start + longest[kind]);
      if (end <= (this.#headEnds[kind] as number)) continue;
      this.#headEnds[kind] = end;
      found(start, end, kind);
    }
  }

  tail(end: number, key: number, cell: number, found: Found): void {
    const longest = this.longestOf(key, cell, true);
    for (const kind of kinds) if (longest[kind] > 0) found(Math.max(0, end - longest[kind]), end, kind);
  }
}

const kinds = [0, 1] as const;
type KindLists = [SortedForms, SortedForms];
// A form, the secret it is a form of, and whether it is looked for only cut short.
type SortedEntry = readonly [form: string, owner: string, cutOnly: boolean];

/**
 * How many inserts and removals a bucket's sorted forms take one by one before they are dropped, to be
 * sorted afresh in one go at the bucket's next hit: each change shifts the arrays (a step per form), so a
 * walk that rotates the keys of thousands of streams sharing their first characters made every change cost
 * the bucket's size (8,000 keys: 1.6 s), where sorting again costs its size times a logarithm, once.
 */
const sortedChangesKept = 64;

// Applies `change` to the sorted forms of `key` and `kind`, when the bucket keeps them; drops the bucket's
// lists once they took more than sortedChangesKept changes since they were sorted.
function keepSorted(
  sorted: Map<number, KindLists>,
  key: number,
  kind: PatternKind,
  change: (list: SortedForms) => void,
): void {
  const lists = sorted.get(key);
  if (!lists) return;
  const list = lists[kind];
  change(list);
  if (list.changes > sortedChangesKept) sorted.delete(key);
}

/**
 * Forms sharing their first (or, `fromEnd`, last) eight characters, in the order of their characters read
 * from that end. Where a text follows them, the forms it follows furthest sit next to where it would be
 * inserted, and the forms it follows for exactly `k` characters form one run: so the longest cut fragment
 * the text holds is found by binary searches, whatever the number of forms.
 */
class SortedForms {
  readonly #forms: string[] = [];
  readonly #owners: string[] = [];
  // Whether each form is looked for only cut short (see FormEntry).
  readonly #cutOnly: boolean[] = [];
  // Whether the next form begins with this one (read from this list's end). A form that begins another has
  // all those between them begin with it too (they sort between), so the text follows it exactly as far as
  // it follows the last form of that chain, up to its own length: only the forms no other begins with (the
  // chain's last) are compared with the text. `a` × 8 to 263 are one chain; each costs no comparison table.
  readonly #extended: boolean[] = [];
  // Per form, the last of its chain (see #extended), rebuilt at the first search after a change.
  #chainEnds = new Int32Array(0);
  #chainEndsStale = true;
  /** Inserts and removals since the forms were sorted in one go (see `sortedChangesKept`). */
  changes = 0;
  // How far the text follows the form at each place from the anchor of the `longestCut` under way, where
  // `#followedIn` holds that call's number: its binary searches probe the same forms again and again (each
  // starts at the middle), and each probe compares up to 64 characters.
  #followed = new Int32Array(0);
  #followedIn = new Int32Array(0);
  #calls = 0;

  constructor(private readonly fromEnd: boolean) {}

  /**
   * The forms of `entries`, sorted in one go (equal forms in the order given, as inserting them one by one
   * would leave them): a step per character of the forms and per comparison.
   */
  static of(fromEnd: boolean, entries: readonly SortedEntry[]): SortedForms {
    const list = new SortedForms(fromEnd);
    const order = entries.map((_, at) => at);
    order.sort((a, b) => {
      indexWork.steps += 1;
      return list.#compare((entries[a] as SortedEntry)[0], (entries[b] as SortedEntry)[0]) || a - b;
    });
    for (const at of order) {
      const [form, owner, cutOnly] = entries[at] as SortedEntry;
      indexWork.steps += form.length;
      list.#forms.push(form);
      list.#owners.push(owner);
      list.#cutOnly.push(cutOnly);
      list.#extended.push(false);
    }
    for (let at = 1; at <= order.length; at += 1) list.#linkAround(at);
    return list;
  }

  #at(form: string, index: number): number {
    return this.fromEnd ? form.charCodeAt(form.length - 1 - index) : form.charCodeAt(index);
  }

  #compare(a: string, b: string): number {
    const length = Math.min(a.length, b.length);
    for (let index = 0; index < length; index += 1) {
      const difference = this.#at(a, index) - this.#at(b, index);
      if (difference !== 0) return difference;
    }
    return a.length - b.length;
  }

  // The first place where `form` could go (`after`: the place after every equal form).
  #place(form: string, after: boolean): number {
    let low = 0;
    let high = this.#forms.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const order = this.#compare(this.#forms[middle] as string, form);
      indexWork.steps += 1;
      if (order < 0 || (after && order === 0)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The length of the longest form here (0: none). */
  longest(): number {
    let longest = 0;
    for (const form of this.#forms) longest = Math.max(longest, form.length);
    return longest;
  }

  insert(form: string, owner: string, cutOnly: boolean): void {
    indexWork.steps += form.length;
    this.changes += 1;
    const at = this.#place(form, true);
    // The splices shift every form after `at`.
    indexWork.steps += this.#forms.length - at;
    this.#forms.splice(at, 0, form);
    this.#owners.splice(at, 0, owner);
    this.#cutOnly.splice(at, 0, cutOnly);
    this.#extended.splice(at, 0, false);
    this.#linkAround(at);
    this.#linkAround(at + 1);
  }

  // Whether the form at `at - 1` begins the one at `at` (the list's end has nothing after it).
  #linkAround(at: number): void {
    this.#chainEndsStale = true;
    if (at === 0) return;
    const forms = this.#forms;
    const before = forms[at - 1] as string;
    const after = forms[at];
    let begins = after !== undefined && after.length >= before.length;
    for (let index = 0; begins && index < before.length; index += 1)
      begins = this.#at(before, index) === this.#at(after as string, index);
    indexWork.steps += before.length;
    this.#extended[at - 1] = begins;
  }

  // Per form, the last form of its chain: the only one of them the text is compared with.
  #chainEndsOf(): Int32Array {
    if (!this.#chainEndsStale) return this.#chainEnds;
    const count = this.#forms.length;
    if (this.#chainEnds.length < count) this.#chainEnds = new Int32Array(count * 2);
    const ends = this.#chainEnds;
    for (let at = count - 1; at >= 0; at -= 1) ends[at] = this.#extended[at] ? (ends[at + 1] as number) : at;
    this.#chainEndsStale = false;
    return ends;
  }

  remove(form: string, owner: string): void {
    indexWork.steps += form.length;
    this.changes += 1;
    for (let at = this.#place(form, false); this.#forms[at] === form; at += 1) {
      if (this.#owners[at] !== owner) continue;
      indexWork.steps += this.#forms.length - at;
      this.#forms.splice(at, 1);
      this.#owners.splice(at, 1);
      this.#cutOnly.splice(at, 1);
      this.#extended.splice(at, 1);
      this.#linkAround(at);
      return;
    }
  }

  /**
   * The length of the longest cut fragment of a form here that the text holds from `anchor` (forwards,
   * or backwards from it when `fromEnd`): at least {@link fragmentLength} characters the text shares with
   * a form longer than that, where the text then stops following that form at a word's end. 0 if none.
   * A form the text holds whole (not cut-only) and longer than the longest cut fragment makes it 0: the
   * fragment lies within the form, which `whole` hears of when given (only forwards; called at most once,
   * with the end of the longest such form) and which the forms' own index finds otherwise. Every shorter
   * stretch, whole or cut, lies within the one reported, which is all a redaction needs.
   */
  longestCut(text: string, anchor: number, matches: ScanMatches, whole?: (end: number) => void): number {
    const forms = this.#forms;
    if (forms.length === 0) return 0;
    const fromEnd = this.fromEnd;
    // The text read from the anchor: -1 once it has ended.
    const read = (index: number) => {
      const at = fromEnd ? anchor - 1 - index : anchor + index;
      return at >= 0 && at < text.length ? text.charCodeAt(at) : -1;
    };
    if (this.#followed.length < forms.length || this.#calls === 0x7fffffff) {
      this.#followed = new Int32Array(forms.length * 2);
      this.#followedIn = new Int32Array(forms.length * 2);
      this.#calls = 0;
    }
    this.#calls += 1;
    const call = this.#calls;
    const followed = this.#followed;
    const followedIn = this.#followedIn;
    const chainEnds = this.#chainEndsOf();
    // How far the text follows the form at `place` from the anchor: compared directly while short, read
    // from the form's Z-array (once per scan) past that, so a periodic form against a periodic text costs
    // no more than in the plain check; once per form and call.
    const shared = (place: number): number => {
      if (followedIn[place] === call) return followed[place] as number;
      const form = forms[place] as string;
      const end = chainEnds[place] as number;
      // A form the chain's last begins with: the text follows it as far as it follows that one, at most
      // its own length.
      const length =
        end !== place
          ? Math.min(shared(end), form.length)
          : fromEnd
            ? matches.suffixAt(form, anchor)
            : matches.prefixAt(form, anchor);
      followed[place] = length;
      followedIn[place] = call;
      return length;
    };
    // How the first `limit` characters of the form at `place` compare with the text's (a form ending first
    // comes first).
    const compare = (place: number, limit: number): number => {
      matches.charge(1);
      const length = shared(place);
      if (length >= limit) return 0;
      const form = forms[place] as string;
      if (length === form.length) return -1;
      return this.#at(form, length) - read(length);
    };
    const firstAtLeast = (limit: number, strict: boolean) => {
      let low = 0;
      let high = forms.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        const order = compare(middle, limit);
        if (order < 0 || (strict && order === 0)) low = middle + 1;
        else high = middle;
      }
      return low;
    };
    // The forms the text follows furthest lie on either side of where it would go. Going down from there,
    // the only lengths at which a form can part from the text are how far the forms just outside the run
    // followed so far go: every length between them is shared by the whole run.
    const at = firstAtLeast(Number.POSITIVE_INFINITY, false);
    let kept = Math.max(at > 0 ? shared(at - 1) : 0, at < forms.length ? shared(at) : 0);
    // Every length at which a form parts from the text is visited, going down, until the first where the
    // text holds a form whole (a form parts from it at its own length) or a cut fragment ends. Whatever a
    // shorter length could report lies within that stretch (same anchor, same kind), reported now: a whole
    // form by `whole` (or, backwards and without `whole`, by whatever finds the forms whole, forwards from
    // where the form begins). Forms of hundreds of lengths sharing their first characters (`a` × 8 to 263)
    // against a text of those characters would otherwise visit every length at every place.
    let cut = 0;
    while (kept >= fragmentLength) {
      // The forms the text follows for at least `kept` characters.
      const low = firstAtLeast(kept, false);
      const high = firstAtLeast(kept, true);
      const next = read(kept);
      // Those of exactly that length (first in the run) are the text itself, not a cut.
      let first = low;
      while (first < high && (forms[first] as string).length === kept) first += 1;
      let held = false;
      for (let at = low; at < first && !held; at += 1) held = !this.#cutOnly[at];
      if (held && whole && !fromEnd) whole(anchor + kept);
      // The text must stop where a word ends (or end there); of the longer forms, one must go on otherwise
      // than the text does.
      if (
        (next === -1 || !isWordCharacter(next)) &&
        first < high &&
        (this.#at(forms[first] as string, kept) !== next ||
          this.#at(forms[high - 1] as string, kept) !== next)
      )
        cut = kept;
      if (cut > 0 || held) break;
      kept = Math.max(low > 0 ? shared(low - 1) : 0, high < forms.length ? shared(high) : 0);
    }
    return cut;
  }
}

// A form begins at `start` and the text stops following it before its end, at a word's end; with `whole`,
// or holds it whole.
function headFragment(
  text: string,
  start: number,
  key: number,
  secrets: readonly string[],
  matches: ScanMatches,
  found: Found,
  whole: boolean,
): void {
  for (const secret of secrets) {
    for (const [form, kind, cutOnly] of matches.formsWithEnd(secret, key, false)) {
      const kept = matches.prefixAt(form, start);
      const end = start + kept;
      if (kept === form.length) {
        if (whole && !cutOnly) found(start, end, kind);
      } else if (kept >= fragmentLength) {
        if ((end === text.length || !isWordCharacter(text.charCodeAt(end))) && !isOwnWord(text, start, end))
          found(start, end, kind);
      }
    }
  }
}

// A form ends at `end` and the text follows it back only part of the way, from a word's start.
function tailFragment(
  text: string,
  end: number,
  key: number,
  secrets: readonly string[],
  matches: ScanMatches,
  found: Found,
): void {
  for (const secret of secrets) {
    for (const [form, kind] of matches.formsWithEnd(secret, key, true)) {
      const kept = matches.suffixAt(form, end);
      const start = end - kept;
      if (kept >= fragmentLength && kept < form.length) {
        if ((start === 0 || !isWordCharacter(text.charCodeAt(start - 1))) && !isOwnWord(text, start, end))
          found(start, end, kind);
      }
    }
  }
}

const noForms: readonly FormEntry[] = [];

// How many characters a fragment is compared directly before its form's Z-array may be computed instead
// (see ScanMatches.prefixAt).
const directComparison = 64;
// Past directComparison, a form is compared directly until those comparisons add up to its Z-array's cost
// divided by this, then from the array: at most a quarter more than building the array at once, and no
// array at all for a form compared at length only a few times.
const directShare = 4;

// What one scan computes at most once: each secret's forms, and for each form hit, how far it matches the
// text forwards from every position and backwards from every end.
class ScanMatches {
  readonly #forms = new Map<string, readonly FormEntry[]>();
  // Per secret, its forms longer than fragmentLength by the digest of their first (last) eight characters.
  readonly #byHead = new Map<string, Map<number, FormEntry[]>>();
  readonly #byTail = new Map<string, Map<number, FormEntry[]>>();
  readonly #prefix = new Map<string, Int32Array>();
  readonly #suffix = new Map<string, Int32Array>();
  // Per form, the characters compared directly in comparisons that ran past directComparison, forwards
  // and backwards (see prefixAt).
  readonly #directForwards = new Map<string, number>();
  readonly #directBackwards = new Map<string, number>();
  #reversed: string | undefined;
  // The value of `indexWork.steps` past which the comparisons of this scan stop (see FragmentIndex.scan).
  #limit: number;

  constructor(
    private readonly text: string,
    private readonly forms: (secret: string) => readonly FormEntry[],
    budget = Number.POSITIVE_INFINITY,
    // Whether computing a secret's forms (and fingerprinting their ends) counts against the budget (see
    // FragmentIndex's `formsCharged`).
    private readonly formsCharged = true,
  ) {
    this.#limit = indexWork.steps + budget;
  }

  /**
   * Leaves `cost` steps already counted out of the budget: the index's own upkeep (sorting a large
   * bucket's forms, once per change to it), which no later scan repeats.
   */
  exempt(cost: number): void {
    this.#limit += cost;
  }

  /** Counts `cost` steps taken; throws {@link outOfBudget} once the scan's budget is spent. */
  charge(cost: number): void {
    indexWork.steps += cost;
    if (indexWork.steps > this.#limit) throw outOfBudget;
  }

  // Throws {@link outOfBudget} before a step that would cost `cost` (a Z-array: the form and the text)
  // and overrun the budget.
  #afford(cost: number): void {
    if (indexWork.steps + cost > this.#limit) throw outOfBudget;
  }

  /**
   * The forms of `secret`, computed once per scan. `charged`: their characters count against the budget
   * (some forty forms, up to six characters each for a character of the secret: 64 beginnings of 500 emoji
   * are 30 MB of forms); once the budget cannot pay for them they are not counted, and the scan goes on
   * coarsely, so a scan computes at most one secret's forms past its budget.
   */
  formsOf(secret: string, charged = false): readonly FormEntry[] {
    let forms = this.#forms.get(secret);
    if (!forms) {
      forms = this.forms(secret);
      this.#forms.set(secret, forms);
      if (charged && this.formsCharged) {
        let cost = 0;
        for (const [form] of forms) cost += form.length;
        this.#afford(cost);
        this.charge(cost);
      }
    }
    return forms;
  }

  /**
   * The forms of `secret` longer than {@link fragmentLength} whose first (`fromEnd`: last) eight characters
   * have the digest `key`: the only ones a hit with that digest can be a fragment of (one that shares eight
   * characters with the text there has the text's digest). A secret has some forty forms; a text repeating
   * one's first characters hits at every repeat, and compared each of them there. `charged`: as in
   * {@link formsOf} (the comparisons' calls; the coarse pass, past the budget, computes them uncounted
   * once per change to the index).
   */
  formsWithEnd(secret: string, key: number, fromEnd: boolean, charged = true): readonly FormEntry[] {
    const bySecret = fromEnd ? this.#byTail : this.#byHead;
    let byKey = bySecret.get(secret);
    if (!byKey) {
      const before = indexWork.steps;
      byKey = new Map();
      for (const entry of this.formsOf(secret, charged)) {
        const form = entry[0];
        if (form.length <= fragmentLength) continue;
        const end = shortKey(
          fromEnd ? fingerprint(form, form.length - fragmentLength) : fingerprint(form, 0, fragmentLength),
        );
        const forms = byKey.get(end);
        if (forms) forms.push(entry);
        else byKey.set(end, [entry]);
      }
      bySecret.set(secret, byKey);
      if (!this.formsCharged) this.exempt(indexWork.steps - before);
    }
    return byKey.get(key) ?? noForms;
  }

  /**
   * How many characters of `form` the text follows from `start`: compared directly, from the form's
   * Z-array once the comparisons of this form that ran past {@link directComparison} characters add up to
   * a quarter of what the array costs (the form's length and the text's; see `directShare`). So a periodic
   * form against a periodic text costs at most 1.25 times its array, not its length at every position; and
   * a form the text holds whole a few times (a credential quoted in a long text) costs its length each
   * time, not the text's: a thousand JWTs of 77 characters, each quoted once in 100 kB of JSON, made a
   * thousand arrays of 100 kB (3 s of CPU).
   */
  prefixAt(form: string, start: number): number {
    const known = this.#prefix.get(form);
    if (known) {
      this.charge(1);
      return known[start] as number;
    }
    const text = this.text;
    const spent = this.#directForwards.get(form) ?? 0;
    const allowed = Math.max(directComparison, Math.ceil((form.length + text.length) / directShare) - spent);
    let kept = 0;
    while (kept < form.length && start + kept < text.length && form[kept] === text[start + kept]) {
      kept += 1;
      // Going on directly: the budget must pay for the rest of the form first, so a scan overruns it by
      // no more than a short comparison.
      if (kept === directComparison && allowed > kept)
        this.#afford(Math.min(form.length, text.length - start) + 1);
      if (kept === allowed) {
        this.charge(kept);
        this.#afford(form.length + text.length);
        return this.prefix(form)[start] as number;
      }
    }
    if (kept >= directComparison) this.#directForwards.set(form, spent + kept);
    this.charge(kept + 1);
    return kept;
  }

  /** How many of the last characters of `form` the text ends with at `end`, as {@link prefixAt} does. */
  suffixAt(form: string, end: number): number {
    const known = this.#suffix.get(form);
    if (known) {
      this.charge(1);
      return known[this.text.length - end] as number;
    }
    const text = this.text;
    const spent = this.#directBackwards.get(form) ?? 0;
    const allowed = Math.max(directComparison, Math.ceil((form.length + text.length) / directShare) - spent);
    let kept = 0;
    while (kept < form.length && end - kept > 0 && form[form.length - 1 - kept] === text[end - 1 - kept]) {
      kept += 1;
      if (kept === directComparison && allowed > kept) this.#afford(Math.min(form.length, end) + 1);
      if (kept === allowed) {
        this.charge(kept);
        this.#afford(form.length + text.length);
        return this.suffix(form)[text.length - end] as number;
      }
    }
    if (kept >= directComparison) this.#directBackwards.set(form, spent + kept);
    this.charge(kept + 1);
    return kept;
  }

  /** `[i]`: how many characters of `form` the text follows from position `i`. */
  prefix(form: string): Int32Array {
    let lengths = this.#prefix.get(form);
    if (!lengths) {
      lengths = matchLengths(form, this.text);
      this.#prefix.set(form, lengths);
    }
    return lengths;
  }

  /** `[j]`: how many of the last characters of `form` the text ends with, `j` characters before its end. */
  suffix(form: string): Int32Array {
    let lengths = this.#suffix.get(form);
    if (!lengths) {
      this.#reversed ??= reverse(this.text);
      lengths = matchLengths(reverse(form), this.#reversed);
      this.#suffix.set(form, lengths);
    }
    return lengths;
  }
}

function reverse(text: string): string {
  let out = '';
  for (let index = text.length - 1; index >= 0; index -= 1) out += text[index];
  return out;
}

/**
 * For each position `i` of `text`, the length of the longest common prefix of `pattern` and `text[i…]`, in
 * time linear in both (the Z-algorithm, run over the text with the pattern's own Z-array).
 */
export function matchLengths(pattern: string, text: string): Int32Array {
  const m = pattern.length;
  indexWork.steps += m + text.length;
  const own = new Int32Array(m);
  own[0] = m;
  for (let index = 1, left = 0, right = 0; index < m; index += 1) {
    let length = index < right ? Math.min(own[index - left] as number, right - index) : 0;
    while (index + length < m && pattern[length] === pattern[index + length]) length += 1;
    own[index] = length;
    if (index + length > right) {
      left = index;
      right = index + length;
    }
  }
  const lengths = new Int32Array(text.length + 1);
  for (let index = 0, left = 0, right = 0; index < text.length; index += 1) {
    let length = index < right ? Math.min(own[index - left] as number, right - index) : 0;
    while (length < m && index + length < text.length && pattern[length] === text[index + length])
      length += 1;
    lengths[index] = length;
    if (index + length > right) {
      left = index;
      right = index + length;
    }
  }
  return lengths;
}

type Found = (start: number, end: number, kind: PatternKind) => void;

/**
 * A form of a secret and its kind; `cutOnly`: looked for only cut short (a base64 ending, which holds an
 * encoded form that finds it whole).
 */
export type FormEntry = readonly [form: string, kind: PatternKind, cutOnly?: boolean];

function lengthAt(lengths: readonly number[], length: number): number {
  for (let at = 0; at < lengths.length; at += 2) if (lengths[at] === length) return at;
  return -1;
}

function powerOf(base: number, exponent: number, modulus: number): number {
  let result = 1;
  for (let index = 0; index < exponent; index += 1) result = (result * base) % modulus;
  return result;
}

/**
 * A 31-bit digest of a 52-bit fingerprint: what the fragment tables are keyed by. Two ends
 * sharing it share a bucket, and every hit is confirmed against the forms themselves.
 */
function shortKey(key: number): number {
  const high = Math.floor(key / lowBits);
  return shortOf(high, key - high * lowBits);
}

// The same from the two hashes (below 2^26 each) a scan keeps apart: 31 bits, so no division is needed.
function shortOf(a: number, b: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ b) >>> 1;
}

// The largest bucket kept in an array: adding or removing a secret copies it.
const arrayBucketSize = 16;

// A set of secrets' ids, in a table of 4 bytes a slot.
function idSet(ids: readonly number[], compact: boolean): FingerprintTable {
  const set = new FingerprintTable(false, true, 0, compact);
  for (const id of ids) set.insert(id);
  return set;
}

function idsIn(set: FingerprintTable): number[] {
  const ids: number[] = [];
  set.forEachKey((id) => ids.push(id));
  return ids;
}

/**
 * Numbers secrets, so that a table cell refers to one in 4 bytes (a reference costs 8). Each secret is
 * held as many times as it is used and keeps its number until the last release; numbers are reused.
 */
export class SecretIds {
  readonly #ids = new Map<string, number>();
  readonly #secrets: (string | undefined)[] = [];
  #holds = new Int32Array(8);
  readonly #free: number[] = [];

  /** Holds `secret` once more; how many holds it has now. */
  hold(secret: string): number {
    let id = this.#ids.get(secret);
    if (id === undefined) {
      id = this.#free.pop() ?? this.#secrets.length;
      this.#ids.set(secret, id);
      this.#secrets[id] = secret;
      if (id >= this.#holds.length) {
        const holds = new Int32Array(this.#holds.length * 2);
        holds.set(this.#holds);
        this.#holds = holds;
      }
    }
    const holds = (this.#holds[id] as number) + 1;
    this.#holds[id] = holds;
    return holds;
  }

  /** Releases one hold of `secret`; how many are left (at 0 its number is free again). */
  release(secret: string): number {
    const id = this.#ids.get(secret);
    if (id === undefined) return 0;
    const holds = (this.#holds[id] as number) - 1;
    this.#holds[id] = holds;
    if (holds === 0) {
      this.#ids.delete(secret);
      this.#secrets[id] = undefined;
      this.#free.push(id);
    }
    return holds;
  }

  /** How many holds `secret` has. */
  holds(secret: string): number {
    const id = this.#ids.get(secret);
    return id === undefined ? 0 : (this.#holds[id] as number);
  }

  /** How many secrets are held. */
  get size(): number {
    return this.#ids.size;
  }

  /** The number of a held secret, or -1. */
  idOf(secret: string): number {
    return this.#ids.get(secret) ?? -1;
  }

  /** The secret numbered `id` (held). */
  secretOf(id: number): string {
    return this.#secrets[id] as string;
  }
}
