import { redact, SecretSet } from '@unilive/core';
import { baselineRedact } from './redaction-baseline.js';
import { median, now, round } from './stats.js';

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
  /** ms of the free `redact(text, secrets)` (compiling per call) on the smallest text. */
  uncompiledMs: number;
  results: RedactionResult[];
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

  const smallest = textOf(Math.min(...options.sizes), credentials, random);
  const uncompiledMs = time(Math.max(1, Math.floor(options.runs / 5)), () => redact(smallest, credentials));
  return { secrets: options.secrets, compileMs, uncompiledMs, results };
}
