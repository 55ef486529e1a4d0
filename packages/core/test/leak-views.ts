import { inspect } from 'node:util';
import fc from 'fast-check';

// What a caller, a logger or a hook can see of a value, and whether a secret shows in it in any of the
// encodings a leak takes: shared by the tests that hold outside code's errors to the masking rule.

export const encodings = {
  plain: (secret: string) => secret,
  url: (secret: string) => encodeURIComponent(secret),
  base64: (secret: string) => Buffer.from(secret, 'utf8').toString('base64'),
  base64url: (secret: string) => Buffer.from(secret, 'utf8').toString('base64url'),
  json: (secret: string) => JSON.stringify(secret).slice(1, -1),
} as const;
export type Encoding = keyof typeof encodings;

// Secrets of many shapes: tokens, hex keys, base64 credentials with `+/=`, and any printable text.
export const secrets = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9]{12,40}$/),
  fc.stringMatching(/^[a-f0-9]{16,64}$/),
  fc.stringMatching(/^[A-Za-z0-9+/]{12,40}={0,2}$/),
  fc.string({ minLength: 12, maxLength: 30 }).filter((value) => value.trim().length >= 12),
  fc.string({ minLength: 10, maxLength: 20, unit: 'grapheme' }).filter((value) => value.trim().length >= 10),
);

/** Every text a caller, a logger or a hook can see of a value: its string, stack, JSON and inspection. */
export function everything(value: unknown): string {
  const texts: string[] = [inspect(value, { depth: 12, showHidden: true })];
  if (value instanceof Error) {
    texts.push(String(value), String(value.stack), JSON.stringify(value));
    for (const key of Object.getOwnPropertyNames(value))
      texts.push(inspect((value as unknown as Record<string, unknown>)[key], { depth: 12 }));
    let cause: unknown = value.cause;
    for (let depth = 0; cause instanceof Error && depth < 10; depth += 1) {
      texts.push(String(cause), String(cause.stack), inspect(cause, { depth: 12, showHidden: true }));
      cause = cause.cause;
    }
  } else {
    texts.push(JSON.stringify(value) ?? '');
  }
  return texts.join('\n');
}

export function leaks(text: string, secret: string): Encoding[] {
  return (Object.keys(encodings) as Encoding[]).filter((name) => text.includes(encodings[name](secret)));
}
