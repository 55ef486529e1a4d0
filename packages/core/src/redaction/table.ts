/**
 * An open-addressing hash table keyed by fingerprints (integers below 2^52, or below 2^32 - 1 in 4 bytes),
 * its columns in typed arrays: one or two 32-bit numbers per entry, or a reference. A `Map` keyed by such
 * numbers costs a boxed number and a chained entry per key, about 45 bytes; here an entry costs its columns
 * (8 to 16 bytes) over a load of three eighths to three quarters (one half to three quarters when
 * `compact`). A provider learns a few dozen forms for
 * every stream it sees, so this is most of what the secrets of 10,000 streams weigh.
 *
 * Linear probing; a removed entry's followers are moved back (no tombstones), so lookups stay short however
 * many values come and go.
 */
export class FingerprintTable<Ref = never> {
  // Each key plus one: 0 marks an empty slot.
  #keys: Float64Array | Uint32Array;
  #first: Int32Array;
  #second: Int32Array;
  #refs: (Ref | undefined)[] | undefined;
  #capacity: number;
  // capacity - 1 while the capacity is a power of two (the slot is then the mixed key's low bits), else -1.
  #mask: number;
  #size = 0;

  readonly #numbers: boolean;
  readonly #seconds: boolean;
  readonly #shortKeys: boolean;
  readonly #compact: boolean;

  /**
   * `refs`: each entry holds a reference instead of two numbers. `shortKeys`: every key is below
   * 2^32 - 1, kept in 4 bytes instead of 8 (for keys that only point to candidates the caller confirms).
   * `numbers`: how many numbers an entry holds (1: no `second` column; 0: a set of keys). `compact`: grow
   * by half, not double, when three quarters full: half full after a growth, not three eighths, for tables
   * kept long and large (what a provider learns of every stream), where slots are what weighs; a fuller table
   * makes a lookup that finds nothing probe a little longer, so tables built for scanning stay sparse.
   */
  constructor(refs = false, shortKeys = false, numbers: 0 | 1 | 2 = 2, compact = false) {
    this.#compact = compact;
    this.#numbers = !refs && numbers > 0;
    this.#seconds = !refs && numbers === 2;
    this.#shortKeys = shortKeys;
    this.#keys = this.#newKeys(8);
    this.#first = new Int32Array(this.#numbers ? 8 : 0);
    this.#second = new Int32Array(this.#seconds ? 8 : 0);
    this.#refs = refs ? new Array<Ref | undefined>(8).fill(undefined) : undefined;
    this.#capacity = 8;
    this.#mask = 7;
  }

  get size(): number {
    return this.#size;
  }

  /** The first number of each slot (valid only for a slot `find` or `insert` returned, until the next insert). */
  get first(): Int32Array {
    return this.#first;
  }

  /** The second number of each slot. */
  get second(): Int32Array {
    return this.#second;
  }

  /** The reference of each slot (a table made with `refs`). */
  get refs(): (Ref | undefined)[] {
    return this.#refs as (Ref | undefined)[];
  }

  #newKeys(capacity: number): Float64Array | Uint32Array {
    return this.#shortKeys ? new Uint32Array(capacity) : new Float64Array(capacity);
  }

  // The key mixed into 32 bits: its low bits where the capacity is a power of two, else scaled to the
  // capacity (× 2^-32, below it, so `| 0` floors it).
  #home(key: number): number {
    const high = Math.floor(key / 67108864);
    const mixed = Math.imul(high, 0x9e3779b1) ^ Math.imul(key - high * 67108864, 0x85ebca6b);
    if (this.#mask !== -1) return mixed & this.#mask;
    return ((mixed >>> 0) * this.#capacity * 2.3283064365386963e-10) | 0;
  }

  #next(slot: number): number {
    return slot + 1 === this.#capacity ? 0 : slot + 1;
  }

  /** Calls `each` with every key held, in no particular order (no insert or removal meanwhile). */
  forEachKey(each: (key: number) => void): void {
    const keys = this.#keys;
    for (let slot = 0; slot < keys.length; slot += 1) {
      const stored = keys[slot] as number;
      if (stored !== 0) each(stored - 1);
    }
  }

  /** The slot holding `key`, or -1. */
  find(key: number): number {
    const stored = key + 1;
    const keys = this.#keys;
    for (let slot = this.#home(key); ; slot = this.#next(slot)) {
      const found = keys[slot] as number;
      if (found === stored) return slot;
      if (found === 0) return -1;
    }
  }

  /** The slot holding `key`, made (its numbers 0, no reference) when there was none. */
  insert(key: number): number {
    const stored = key + 1;
    const keys = this.#keys;
    // One probe finds the key or the empty slot it would take (unless the table grows first).
    let slot = this.#home(key);
    for (let found = keys[slot] as number; found !== 0; found = keys[slot] as number) {
      if (found === stored) return slot;
      slot = this.#next(slot);
    }
    if ((this.#size + 1) * 4 > this.#capacity * 3) {
      this.#grow();
      return this.#place(key);
    }
    keys[slot] = stored;
    this.#size += 1;
    return slot;
  }

  // Stores `key`, known not to be here, in the first empty slot from its home.
  #place(key: number): number {
    const keys = this.#keys;
    let slot = this.#home(key);
    while ((keys[slot] as number) !== 0) slot = this.#next(slot);
    keys[slot] = key + 1;
    this.#size += 1;
    return slot;
  }

  /** Empties `slot`, moving back the entries that probed past it. */
  removeAt(slot: number): void {
    const keys = this.#keys;
    let hole = slot;
    for (let next = this.#next(hole); (keys[next] as number) !== 0; next = this.#next(next)) {
      const home = this.#home((keys[next] as number) - 1);
      // The entry at `next` may fill the hole when its home is not between the hole and it (cyclically).
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (stays) continue;
      this.#move(next, hole);
      hole = next;
    }
    keys[hole] = 0;
    if (this.#numbers) this.#first[hole] = 0;
    if (this.#seconds) this.#second[hole] = 0;
    if (this.#refs) this.#refs[hole] = undefined;
    this.#size -= 1;
  }

  #move(from: number, to: number): void {
    this.#keys[to] = this.#keys[from] as number;
    if (this.#numbers) this.#first[to] = this.#first[from] as number;
    if (this.#seconds) this.#second[to] = this.#second[from] as number;
    if (this.#refs) this.#refs[to] = this.#refs[from];
  }

  #grow(): void {
    const keys = this.#keys;
    const first = this.#first;
    const second = this.#second;
    const refs = this.#refs;
    const capacity = this.#compact ? Math.ceil(keys.length * 1.5) : keys.length * 2;
    this.#keys = this.#newKeys(capacity);
    if (this.#numbers) this.#first = new Int32Array(capacity);
    if (this.#seconds) this.#second = new Int32Array(capacity);
    if (refs) this.#refs = new Array<Ref | undefined>(capacity).fill(undefined);
    this.#capacity = capacity;
    this.#mask = (capacity & (capacity - 1)) === 0 ? capacity - 1 : -1;
    // Every key moves to the first empty slot from its new home: no lookup, the keys are known distinct.
    const moved = this.#keys;
    const numbers = this.#numbers ? this.#first : undefined;
    const seconds = this.#seconds ? this.#second : undefined;
    const movedRefs = refs ? this.#refs : undefined;
    for (let slot = 0; slot < keys.length; slot += 1) {
      const stored = keys[slot] as number;
      if (stored === 0) continue;
      let to = this.#home(stored - 1);
      while ((moved[to] as number) !== 0) to = to + 1 === capacity ? 0 : to + 1;
      moved[to] = stored;
      if (numbers) numbers[to] = first[slot] as number;
      if (seconds) seconds[to] = second[slot] as number;
      if (movedRefs) movedRefs[to] = (refs as (Ref | undefined)[])[slot];
    }
  }
}
