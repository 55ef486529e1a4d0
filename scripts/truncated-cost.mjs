#!/usr/bin/env node
// What values known only by their beginning (`SecretSet.learnTruncated`) add to a redaction: one text
// masked by a set of 1,000 stream keys, then by the same set with 1 or 64 beginnings learned too; the
// difference, per 100 kB of text, is their cost. Texts of 100 kB and 1.6 MB: random words, and texts
// crafted against the index, which repeat a beginning's first characters (every place where eight of them
// stand is checked against the beginning's forms): one beginning's, a prefix all 64 share (keys of one
// vendor, `sk_live_…`), a periodic text against periodic beginnings, and runs of a character (or two, or
// backslashes) against beginnings of different lengths made of them. CPU time of this process (user and
// system), the median of the runs given, the sets taking turns: steadier than wall time on a shared
// machine. Build core first (`pnpm turbo run build`); `--core` measures another build of it.
//
//   node scripts/truncated-cost.mjs [--runs 9] [--core packages/core/dist/index.js]
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    core: { type: 'string', default: join(dirname(import.meta.dirname), 'packages/core/dist/index.js') },
  },
});
const runs = Number(values.runs);
const { SecretSet } = await import(pathToFileURL(resolve(values.core)).href);

// A linear congruential generator: the same texts and keys on every run of the script.
let state = 20261201;
const random = (below) => {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return state % below;
};
const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const token = (length) => Array.from({ length }, () => alphanumeric[random(62)]).join('');

const keys = Array.from({ length: 1000 }, () => token(24));
// Beginnings of 20 characters: random, sharing a vendor's prefix, periodic for twelve.
const randomBeginnings = Array.from({ length: 64 }, () => token(20));
const prefixed = Array.from({ length: 64 }, () => `sk_live_${token(12)}`);
const periodic = Array.from({ length: 64 }, () => `abababababab${token(8)}`);
// Beginnings of different lengths, as a vendor makes them by where it cuts each create's answer: a key of
// `a`s cut after 8 to 71 characters, one of `ab`s after 20 to 146, and `Q8zLm3Rt` then 12 to 75
// backslashes (which JSON's escape doubles).
const runsOfA = Array.from({ length: 64 }, (_, at) => 'a'.repeat(8 + at));
const runsOfAb = Array.from({ length: 64 }, (_, at) => 'ab'.repeat(10 + at));
const backslashes = Array.from({ length: 64 }, (_, at) => `Q8zLm3Rt${'\\'.repeat(12 + at)}`);

const sizes = { '100 kB': 100_000, '1.6 MB': 1_600_000 };
const filled = (size, piece) => {
  let text = '';
  while (text.length < size) text += piece();
  return text.slice(0, size);
};
const words = ['stream', 'failed', 'status', 'the', 'vendor', 'request', 'retry', 'answer', 'of', 'is'];
// Each text, and the beginnings learned for it.
const texts = {
  // Words, numbers and punctuation as an error message or a log holds them.
  random: [
    randomBeginnings,
    () => {
      const kind = random(10);
      if (kind < 7) return `${words[random(words.length)]} `;
      if (kind < 9) return `${token(1 + random(12))}${' ,.:;'[random(5)]}`;
      return `"${token(6)}" `;
    },
  ],
  // One beginning's first eight characters again and again, each followed by a character that continues
  // no form of it: each place is a hit to check and none is a copy.
  'first 8 repeated': [randomBeginnings, () => `${randomBeginnings[0].slice(0, 8)}${'!~-'[random(3)]}`],
  // The prefix every beginning shares, then one character: with 64, a sorted bucket searched at each.
  'shared prefix repeated': [prefixed, () => `sk_live_${alphanumeric[random(62)]}!`],
  // A beginning's first 12 characters then a space: each a copy cut short, found and hidden.
  'first 12, a space': [prefixed, () => `${prefixed[random(64)].slice(0, 12)} `],
  // `abab…` against beginnings of twelve such characters: a hit at every other place.
  periodic: [periodic, () => 'ab'],
  // Texts of the characters the beginnings of different lengths repeat: at every place, forms of many
  // lengths to compare, until the scan's budget of steps is spent and it finishes coarsely.
  "a's, cut 8..71": [runsOfA, () => 'a'],
  "ab's, cut 20..146": [runsOfAb, () => 'ab'],
  backslashes: [backslashes, () => '\\'],
};

const median = (numbers) => numbers.toSorted((a, b) => a - b)[numbers.length >> 1];
const cpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
// Each set's median time on `text`, the sets taking turns (so a busy moment of the machine falls on all of
// them), after two turns left out while the code warms up.
function timed(sets, text) {
  const times = sets.map(() => []);
  for (let run = -2; run < runs; run += 1) {
    sets.forEach((set, at) => {
      const start = cpu();
      set.redact(text);
      if (run >= 0) times[at].push(cpu() - start);
    });
  }
  return times.map(median);
}

function setWith(beginnings, count) {
  const set = new SecretSet();
  set.learn(...keys);
  if (count > 0) set.learnTruncated(...beginnings.slice(0, count));
  return set;
}

console.log(
  `node ${process.version}, CPU ms, median of ${runs} runs (and ms more per 100 kB than with none)`,
);
console.log('text                    size     none      1 beginning       64 beginnings');
for (const [name, [beginnings, piece]] of Object.entries(texts)) {
  const sets = [setWith(beginnings, 0), setWith(beginnings, 1), setWith(beginnings, 64)];
  for (const [label, size] of Object.entries(sizes)) {
    const [none, ...learned] = timed(sets, filled(size, piece));
    const cells = learned.map((ms) => {
      const more = ((ms - none) * 100_000) / size;
      return `${ms.toFixed(1).padStart(7)} (+${more.toFixed(1)})`.padEnd(18);
    });
    console.log(`${name.padEnd(23)} ${label.padEnd(7)} ${none.toFixed(1).padStart(6)}   ${cells.join('')}`);
  }
}
