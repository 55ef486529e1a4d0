import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SecretSet } from '@unilive/core';
import { describe, expect, it } from 'vitest';

// Every error message, issue and warning the published packages write themselves is a fixed text (with the
// values it names put in between), and every one is redacted before anyone sees it, since a vendor's text
// may end up inside it. A fixed text that holds the shape of a credential (a word after `Basic ` or
// `Bearer `, a `key=value` pair, an RTMP key segment) then reaches the user mangled: LiveAPI's refusal of a
// `tokenId` holding `:` read "which HTTP Basic [REDACTED] cannot carry". So each piece of text written in
// their sources (string literals, and each part of a template literal between its substitutions) goes
// through a set's redaction, which knows no secret and masks by shape alone, and must come out as it went in.

const packages = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// Every published package that prints or throws fixed texts: core, the adapters, the CLI (help, usage
// errors, hints), the sandbox, the Redis store and the testing kit.
const scanned = [
  'core',
  'liveapi',
  'videosdk',
  'wowza-realtime',
  'wowza-video',
  'cli',
  'sandbox',
  'redis',
  'testing',
];

function sources(directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...sources(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

// The text a literal's source stands for: JavaScript's escapes read (a line continuation dropped).
function textOfLiteral(raw: string): string {
  return raw.replace(
    /\\(?:u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(\r\n|[\s\S]))/g,
    (_match, braced: string, four: string, two: string, other: string) => {
      const code = braced ?? four ?? two;
      if (code !== undefined) return String.fromCodePoint(Number.parseInt(code, 16));
      const simple: Record<string, string> = {
        n: '\n',
        r: '\r',
        t: '\t',
        b: '\b',
        f: '\f',
        v: '\v',
        0: '\0',
      };
      if (other === '\n' || other === '\r\n' || other === '\u2028' || other === '\u2029') return '';
      return simple[other] ?? other;
    },
  );
}

// A slash after one of these starts a regular expression, not a division.
const beforeRegExp =
  /^(?:[(,=:[!&|?{};+\-*%<>~^]|return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await|)$/;

/**
 * The pieces of text a TypeScript source writes: each string literal, and each part of a template literal
 * between its substitutions, as the text it stands for. Comments and regular expressions are skipped.
 * Throws when the source does not end where a piece could (an unterminated literal or template): the scan
 * would have missed what follows.
 */
function textsOf(source: string): string[] {
  const texts: string[] = [];
  // Per template substitution open: the depth of braces inside it, so its `}` is told from a block's.
  const substitutions: number[] = [];
  let braces = 0;
  let previous = '';
  let at = 0;
  const template = (): void => {
    const start = at;
    for (;;) {
      if (at >= source.length) throw new Error(`an unterminated template literal at ${start}`);
      const char = source[at];
      if (char === '\\') at += 2;
      else if (char === '`') {
        texts.push(textOfLiteral(source.slice(start, at)));
        at += 1;
        previous = 'text';
        return;
      } else if (char === '$' && source[at + 1] === '{') {
        texts.push(textOfLiteral(source.slice(start, at)));
        at += 2;
        substitutions.push(braces);
        braces = 0;
        previous = '{';
        return;
      } else at += 1;
    }
  };
  while (at < source.length) {
    const char = source[at] as string;
    const next = source[at + 1];
    if (char === '/' && next === '/') {
      const end = source.indexOf('\n', at);
      at = end === -1 ? source.length : end;
    } else if (char === '/' && next === '*') {
      const end = source.indexOf('*/', at + 2);
      if (end === -1) throw new Error(`an unterminated comment at ${at}`);
      at = end + 2;
    } else if (/\s/.test(char)) at += 1;
    else if (char === '"' || char === "'") {
      let end = at + 1;
      while (end < source.length && source[end] !== char) end += source[end] === '\\' ? 2 : 1;
      if (end >= source.length) throw new Error(`an unterminated string at ${at}`);
      texts.push(textOfLiteral(source.slice(at + 1, end)));
      at = end + 1;
      previous = 'text';
    } else if (char === '`') {
      at += 1;
      template();
    } else if (char === '{') {
      braces += 1;
      at += 1;
      previous = '{';
    } else if (char === '}') {
      at += 1;
      if (braces === 0 && substitutions.length > 0) {
        braces = substitutions.pop() as number;
        template();
      } else {
        braces -= 1;
        previous = '}';
      }
    } else if (char === '/' && beforeRegExp.test(previous)) {
      let end = at + 1;
      let inClass = false;
      for (; end < source.length && source[end] !== '\n'; end += 1) {
        const inside = source[end];
        if (inside === '\\') end += 1;
        else if (inside === '[') inClass = true;
        else if (inside === ']') inClass = false;
        else if (inside === '/' && !inClass) break;
      }
      at = end + 1;
      while (at < source.length && /[a-z]/.test(source[at] as string)) at += 1;
      previous = 'regexp';
    } else {
      const word = /^[A-Za-z_$][\w$]*/.exec(source.slice(at, at + 64))?.[0];
      previous = word ?? char;
      at += word?.length ?? 1;
    }
  }
  if (substitutions.length > 0) throw new Error('a template substitution left open');
  return texts;
}

// Fixed texts that are credentials by design, and must be masked wherever they are shown: the token the
// sandbox's Wowza Real-Time dialect hands out (JWT-shaped, as the vendor's are), and the fake vendor secret
// the webhook contract puts in an error to check that it never reaches the caller.
const intendedCredentials = [
  {
    file: join('sandbox', 'src', 'dialects', 'wowza-realtime.ts'),
    text: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ1bmlsaXZlLXNhbmRib3giLCJzdWIiOiJ3b3d6YS1yZWFsdGltZSJ9.c2FuZGJveC1zaWduYXR1cmUtbm90LXJlYWw',
  },
  { file: join('testing', 'src', 'webhook-contract.ts'), text: 'upstream said key=sk_live_0123456789' },
];

describe('the fixed texts of every published package', () => {
  const files = scanned.flatMap((name) => sources(join(packages, name, 'src')));
  const texts = files.map((file) => ({
    file: relative(packages, file),
    texts: textsOf(readFileSync(file, 'utf8')),
  }));

  it('are read from every source, messages included', () => {
    expect(files.length).toBeGreaterThan(50);
    const all = new Set(texts.flatMap((entry) => entry.texts));
    // Pieces of messages the scan must find: plain, a template's parts, from core and from an adapter.
    expect(all).toContain(': could not reach ');
    expect(all).toContain('expected no ":"');
    expect(all).toContain(
      'liveapi: tokenId contains ":", which cannot be carried in an HTTP Basic (RFC 7617) user name',
    );
    // And from the CLI, the sandbox, the Redis store and the testing kit.
    expect(all).toContain('--option expects NAME=VALUE');
    expect(all).toContain('authmod=adobe');
    expect(all).toContain('expected a whole number from 1 to 65535');
    for (const known of intendedCredentials) expect(all).toContain(known.text);
  });

  it('come out of redaction as they went in: no fixed text has the shape of a credential', () => {
    const redactor = new SecretSet();
    const mangled = texts.flatMap(({ file, texts: pieces }) =>
      pieces
        .filter((text) => !intendedCredentials.some((known) => known.file === file && known.text === text))
        .filter((text) => redactor.redact(text) !== text)
        .map((text) => ({ file, text, redacted: redactor.redact(text) })),
    );
    expect(mangled).toEqual([]);
  });
});
