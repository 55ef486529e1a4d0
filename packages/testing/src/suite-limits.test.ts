import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The published suites run under an adapter author's vitest config, which may set no limits: vitest's own
// (1 s an `expect.poll`, 5 s a test, 10 s a hook) then cut a real encoder's first HLS segment short. So each
// suite sets its own (suite-limits.ts). Wowza Video's contract runs under vitest's defaults in this
// repository (packages/wowza-video/vitest.config.ts) to prove it; this check covers the waits no adapter's
// path reaches there.

const suites = [
  'contract.ts',
  'model-contract.ts',
  'registry-model.ts',
  'webhook-contract.ts',
  'confirm-gone-contract.ts',
  'call-deadline.ts',
  'list-step-deadline.ts',
];

/** The arguments of each call to `name(` in `source`, split at their top-level commas (strings skipped). */
function callsOf(source: string, name: RegExp): { at: number; text: string; args: string[] }[] {
  const calls: { at: number; text: string; args: string[] }[] = [];
  for (const match of source.matchAll(name)) {
    const start = (match.index ?? 0) + match[0].length;
    const args: string[] = [];
    let depth = 0;
    let current = '';
    let quote: string | undefined;
    let index = start;
    for (; index < source.length; index += 1) {
      const char = source[index] as string;
      if (quote) {
        current += char;
        if (char === '\\') {
          current += source[index + 1] ?? '';
          index += 1;
        } else if (char === quote) quote = undefined;
        continue;
      }
      if (char === "'" || char === '"' || char === '`') quote = char;
      if ('([{'.includes(char)) depth += 1;
      if (')]}'.includes(char)) {
        if (depth === 0) break;
        depth -= 1;
      }
      if (char === ',' && depth === 0) {
        args.push(current.trim());
        current = '';
        continue;
      }
      current += char;
    }
    if (current.trim() !== '') args.push(current.trim());
    const line = source.slice(0, match.index).split('\n').length;
    calls.push({
      at: line,
      text: source.slice(match.index, Math.min(index + 1, (match.index ?? 0) + 80)),
      args,
    });
  }
  return calls;
}

describe('the published suites set their own limits', () => {
  it.each(suites)('%s: every expect.poll passes its limit', (file) => {
    const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
    const polls = callsOf(source, /\.poll\(/g);
    const unlimited = polls.filter((call) => call.args.length < 2).map((call) => `line ${call.at}`);
    expect(unlimited).toEqual([]);
  });

  it.each(suites)('%s: every beforeAll and afterAll passes its limit', (file) => {
    const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
    const hooks = callsOf(source, /\b(?:beforeAll|afterAll)\(/g);
    expect(hooks.filter((call) => call.args.length < 2).map((call) => `line ${call.at}`)).toEqual([]);
  });

  it.each(suites)('%s: every outermost describe passes the test limit', (file) => {
    const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
    // An exported suite's own describe sits at two spaces, inside the function that defines it.
    const outermost = callsOf(source, /^ {2}describe\(/gm);
    expect(outermost.length).toBeGreaterThan(0);
    expect(outermost.filter((call) => call.args[1] !== 'testLimit').map((call) => `line ${call.at}`)).toEqual(
      [],
    );
  });

  it('finds a poll without its limit, a hook without one and a describe without one', () => {
    const source = [
      "  describe('x', () => {",
      '    beforeAll(async () => { await f("a,b"); });',
      "    it('y', async () => { await expect.poll(() => g(1, 2)).toBe(true); });",
      '  });',
    ].join('\n');
    expect(callsOf(source, /\.poll\(/g).map((call) => call.args.length)).toEqual([1]);
    expect(callsOf(source, /\b(?:beforeAll|afterAll)\(/g).map((call) => call.args.length)).toEqual([1]);
    expect(callsOf(source, /^ {2}describe\(/gm).map((call) => call.args.length)).toEqual([2]);
  });
});
