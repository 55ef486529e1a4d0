import { redact, SecretSet } from '@unilive/core';
import { baselineRedact } from './redaction-baseline.js';
import { median, now, round } from './stats.js';

/**
 * The targets: linear in the text (the time per byte of the largest vendor text at most `maxSlope` times
 * that of the 100 kB one), and no hostile text slower than vendor text of its size.
 */
export const redactionTargets = { referenceBytes: 100_000, maxSlope: 2 } as const;

/** Sizes of the redaction measurement. */
export interface RedactionOptions {
  /** Text sizes in bytes (characters). */
  sizes: readonly number[];
  /** Secrets known to the provider. */
  secrets: number;
  /** Timed runs per case; the median is reported. */
  runs: number;
  /** Also time the former code on hostile text it takes seconds over (full runs only). */
  hostileBaseline: boolean;
  /** Stream keys learned one per stream for the learning measurement (0: not measured). */
  learnKeys?: number;
}

/** How learning one more stream key costs as more are known: flat when the index costs each key its length. */
export interface LearningResult {
  /** How the keys were issued: by a counter (long shared runs of characters) or at random. */
  keys: 'counter' | 'random';
  /** Keys learned in all. */
  learned: number;
  /** ms per 1,000 keys over the first quarter of them. */
  firstMsPer1000: number;
  /** ms per 1,000 keys over the last quarter, when three times as many are already known. */
  lastMsPer1000: number;
}

/** One case: how long redacting one text took, now and with the former code. */
export interface RedactionResult {
  case: 'credentials' | 'stream keys' | 'hostile';
  /** What the text is. */
  text: string;
  bytes: number;
  secrets: number;
  /** Median ms of one `redact` with the secrets compiled (a provider's `SecretSet`). */
  medianMs: number;
  /** Median ms of the former code on the same text and secrets; null when not run. */
  baselineMs: number | null;
  /** How many times faster; null when the baseline was not run. */
  speedUp: number | null;
}

/** What the measurement found. */
export interface RedactionReport {
  secrets: number;
  /** ms to compile the secrets' automaton once (every form of every credential). */
  compileMs: number;
  /** ms per call of the free `redact(text, secrets)` on the smallest text, given the same array each time (compiled at its first use). */
  uncompiledMs: number;
  results: RedactionResult[];
  /** Learning stream keys one per stream; absent when not measured. */
  learning?: LearningResult[];
}

// A deterministic generator, so every run redacts the same texts.
function generator(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

function secretsOf(count: number, random: () => number): string[] {
  return Array.from({ length: count }, () => {
    const length = 16 + Math.floor(random() * 32);
    let value = '';
    for (let index = 0; index < length; index += 1) value += alphabet[Math.floor(random() * alphabet.length)];
    return value;
  });
}

// Vendor-like text: words, URLs and JSON, with a few secrets in it raw, URL-encoded and base64.
function textOf(bytes: number, secrets: readonly string[], random: () => number): string {
  const words = ['stream', 'refused', 'invalid', 'the', 'key', 'for', 'live', 'encoder', 'region', 'error'];
  let text = '';
  let planted = 0;
  while (text.length < bytes) {
    const roll = random();
    if (roll < 0.01 && secrets.length > 0) {
      const secret = secrets[Math.floor(random() * secrets.length)] as string;
      text += [secret, encodeURIComponent(secret), btoa(`user:${secret}`)][planted % 3];
      planted += 1;
    } else if (roll < 0.03) {
      text += ` rtmp://ingest.vendor.test/app/${Math.floor(random() * 1e9)} `;
    } else if (roll < 0.05) {
      text += `{"code":"ERR-422","message":"${words[Math.floor(random() * words.length)]}"} `;
    } else {
      text += `${words[Math.floor(random() * words.length)]} `;
    }
  }
  return text.slice(0, bytes);
}

function time(runs: number, run: () => unknown, warmUp = true): number {
  if (warmUp) run();
  const samples: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const started = now();
    run();
    samples.push(now() - started);
  }
  return round(median(samples), 3);
}

/**
 * Times the redaction of vendor text with many secrets known, against the former code: credentials
 * (compiled into one automaton), stream keys learned per stream (a rolling-hash index), and hostile text
 * that made the former patterns backtrack.
 */
export function measureRedaction(options: RedactionOptions): RedactionReport {
  const random = generator(7);
  const credentials = secretsOf(options.secrets, random);
  const keys = secretsOf(options.secrets, random);

  const compiled = new SecretSet();
  let compileMs = now();
  compiled.add(...credentials);
  compiled.redact('');
  compileMs = round(now() - compileMs, 1);
  const learned = new SecretSet();
  keys.forEach((key, index) => {
    learned.learnStream(`stream-${index}`, key);
  });
  // Indexed now, as the credentials are compiled above: the cases time the scan, not the first scan's
  // indexing of what was learned.
  learned.redact('');

  const results: RedactionResult[] = [];
  const push = (
    kind: RedactionResult['case'],
    text: string,
    description: string,
    set: SecretSet,
    values: readonly string[],
    baseline: boolean,
  ) => {
    const medianMs = time(options.runs, () => set.redact(text));
    // The former code takes seconds on hostile text: timed once there.
    const baselineMs = baseline
      ? kind === 'hostile'
        ? time(1, () => baselineRedact(text, values), false)
        : time(options.runs, () => baselineRedact(text, values))
      : null;
    results.push({
      case: kind,
      text: description,
      bytes: text.length,
      secrets: values.length,
      medianMs,
      baselineMs,
      speedUp: baselineMs === null ? null : round(baselineMs / Math.max(medianMs, 0.001), 1),
    });
  };

  for (const size of options.sizes) {
    push('credentials', textOf(size, credentials, random), 'vendor text', compiled, credentials, true);
  }
  for (const size of options.sizes) {
    push('stream keys', textOf(size, keys, random), 'vendor text', learned, keys, true);
  }
  const hostile = `?${'key'.repeat(30_000)}`;
  push('hostile', hostile, '`?keykey…` (no `=`)', compiled, credentials, options.hostileBaseline);
  const largest = Math.max(...options.sizes);
  push(
    'hostile',
    `?${'key'.repeat(Math.floor(largest / 3))}`,
    '`?keykey…` (no `=`)',
    compiled,
    credentials,
    false,
  );
  push('hostile', `${'eyJ-'.repeat(Math.floor(largest / 4))}`, '`eyJ-eyJ-…`', compiled, credentials, false);
  // Vendor text with every character an HTML numeric reference, the credentials among it: redaction reads
  // the references back to characters and scans that reading too (docs/decisions/2026-12-03-numeric-references-read-back.md).
  let referenced = '';
  for (const character of textOf(Math.ceil(largest / 5), credentials, random)) {
    referenced += `&#${character.codePointAt(0)};`;
    if (referenced.length >= largest) break;
  }
  push('hostile', referenced, 'vendor text as `&#…;` references', compiled, credentials, false);
  // An escaped `<` and then a long run of backslashes: the searches for escaped markup and quotes tried the
  // run from each of its backslashes, 47 s for 256 kB (docs/decisions/2026-11-30-credential-names.md).
  push(
    'hostile',
    `\\u003c${'\\'.repeat(largest - 6)}`,
    '`\\u003c` then a run of `\\`',
    compiled,
    credentials,
    false,
  );
  // Learned values a vendor made share their first characters at many lengths, against a text of those
  // characters: every place held every length (docs/decisions/2026-12-04-learned-values-scan-bound.md).
  const runKeys = Array.from({ length: 256 }, (_, at) => 'a'.repeat(8 + at));
  const runs = new SecretSet();
  runs.learn(...runKeys);
  runs.redact('');
  push(
    'hostile',
    'a'.repeat(largest),
    '256 learned keys `a` × 8 to 263, a text of `a`',
    runs,
    runKeys,
    false,
  );

  const smallest = textOf(Math.min(...options.sizes), credentials, random);
  const uncompiledMs = time(Math.max(1, Math.floor(options.runs / 5)), () => redact(smallest, credentials));
  const learning = options.learnKeys ? measureLearning(options.learnKeys) : undefined;
  return { secrets: options.secrets, compileMs, uncompiledMs, results, ...(learning ? { learning } : {}) };
}

/**
 * Times learning `count` stream keys one per stream, as a `list` walk does, comparing the first quarter with
 * the last: keys issued by a counter share all but their last characters (LiveAPI's time-based
 * `lv_420181c0…` keys share most of theirs), which made each key cost a step per key known before it. A set
 * indexes what it learned at its next scan, so each quarter is followed by one (`redact('')`) and timed
 * with it: the figure is what a key costs learned and indexed.
 */
export function measureLearning(count: number): LearningResult[] {
  const quarter = Math.max(1, Math.floor(count / 4));
  return (['counter', 'random'] as const).map((style) => {
    const random = generator(11);
    const keyOf = (index: number) =>
      style === 'counter'
        ? `lv_${index.toString(16).padStart(32, '0')}`
        : `lv_${Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('')}`;
    const keys = Array.from({ length: quarter * 4 }, (_, index) => keyOf(index));
    const secrets = new SecretSet();
    const laps: number[] = [];
    for (let lap = 0; lap < 4; lap += 1) {
      const started = now();
      for (let index = lap * quarter; index < (lap + 1) * quarter; index += 1)
        secrets.learnStream(`stream-${index}`, keys[index]);
      secrets.redact('');
      laps.push(now() - started);
    }
    const per1000 = (ms: number) => round((ms / quarter) * 1000, 2);
    return {
      keys: style,
      learned: keys.length,
      firstMsPer1000: per1000(laps[0] ?? 0),
      lastMsPer1000: per1000(laps[3] ?? 0),
    };
  });
}
