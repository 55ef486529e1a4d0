/** Two kinds of pattern, reported apart: 0 for plain text, 1 for base64 forms. */
export type PatternKind = 0 | 1;

/**
 * An Aho–Corasick automaton over UTF-16 code units: one pass over a text finds every occurrence of every
 * pattern, in time linear in the text whatever the number of patterns. Transitions live in one numeric
 * map keyed by `state * 65536 + code unit`, which keeps a few thousand patterns to a few megabytes.
 */
export class PatternMatcher {
  readonly #next = new Map<number, number>();
  readonly #fail: number[] = [0];
  // The trie's edges as lists kept while it is built, for the breadth-first linking: per state its first
  // child, its next sibling and the code unit that leads to it (no list or pair allocated per edge).
  readonly #firstChild: number[] = [0];
  readonly #nextSibling: number[] = [0];
  readonly #codeInto: number[] = [0];
  // Per kind, the length of the longest pattern that ends at each state (its own, or one reached by
  // failure links).
  readonly #longest: [number[], number[]] = [[0], [0]];
  // Code units that start some pattern: from the root, any other one stays at the root.
  readonly #starts = new Uint8Array(65536);
  readonly size: number;

  constructor(patterns: Iterable<readonly [string, PatternKind]>) {
    let count = 0;
    for (const [pattern, kind] of patterns) {
      if (pattern.length === 0) continue;
      count += 1;
      let state = 0;
      this.#starts[pattern.charCodeAt(0)] = 1;
      for (let index = 0; index < pattern.length; index += 1) {
        const key = state * 65536 + pattern.charCodeAt(index);
        let target = this.#next.get(key);
        if (target === undefined) {
          target = this.#fail.length;
          this.#fail.push(0);
          this.#longest[0].push(0);
          this.#longest[1].push(0);
          this.#next.set(key, target);
          // State 0 is the root, never a child: 0 ends a list.
          this.#firstChild.push(0);
          this.#nextSibling.push(this.#firstChild[state] as number);
          this.#codeInto.push(pattern.charCodeAt(index));
          this.#firstChild[state] = target;
        }
        state = target;
      }
      this.#longest[kind][state] = pattern.length;
    }
    this.size = count;
    this.#link();
  }

  // Breadth-first, so every state's failure target is final before its children need it.
  #link(): void {
    const firstChild = this.#firstChild;
    const nextSibling = this.#nextSibling;
    const codeInto = this.#codeInto;
    const fail = this.#fail;
    const [plain, encoded] = this.#longest;
    const queue: number[] = [];
    for (let child = firstChild[0] as number; child !== 0; child = nextSibling[child] as number)
      queue.push(child);
    for (let head = 0; head < queue.length; head += 1) {
      const state = queue[head] as number;
      for (let child = firstChild[state] as number; child !== 0; child = nextSibling[child] as number) {
        const code = codeInto[child] as number;
        let fallback = fail[state] as number;
        let target = this.#step(fallback, code);
        while (target === undefined && fallback !== 0) {
          fallback = fail[fallback] as number;
          target = this.#step(fallback, code);
        }
        const failure = target ?? 0;
        fail[child] = failure;
        if ((plain[child] as number) === 0) plain[child] = plain[failure] as number;
        if ((encoded[child] as number) === 0) encoded[child] = encoded[failure] as number;
        queue.push(child);
      }
    }
  }

  #step(state: number, code: number): number | undefined {
    return this.#next.get(state * 65536 + code);
  }

  /**
   * Calls `found(start, end, kind)` for the longest pattern of each kind ending at each position where one
   * ends; every shorter match of that kind ending there lies inside it.
   */
  scan(text: string, found: (start: number, end: number, kind: PatternKind) => void): void {
    if (this.size === 0) return;
    const next = this.#next;
    const fail = this.#fail;
    const [plain, encoded] = this.#longest;
    const starts = this.#starts;
    let state = 0;
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      if (state === 0 && starts[code] === 0) continue;
      let target = next.get(state * 65536 + code);
      while (target === undefined && state !== 0) {
        state = fail[state] as number;
        target = next.get(state * 65536 + code);
      }
      state = target ?? 0;
      const plainLength = plain[state] as number;
      if (plainLength > 0) found(index + 1 - plainLength, index + 1, 0);
      const encodedLength = encoded[state] as number;
      if (encodedLength > 0) found(index + 1 - encodedLength, index + 1, 1);
    }
  }
}
