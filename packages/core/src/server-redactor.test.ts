import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact } from './redact.js';
import { knownValuesRedactor, redactedMarker, secretForms, serverRedactor } from './secrets.js';

// Credentials of every kind: URL-reserved, JSON-special and non-ASCII characters, so their forms differ.
const unit = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  ...'-_.~+/=!*@:%&?#"\\\'',
  'é',
  '€',
  '🔑',
);
const credential = fc
  .tuple(fc.constantFrom(...'KPWTRS'), fc.string({ unit, minLength: 11, maxLength: 40 }))
  .map(([first, rest]) => first + rest);
// An application path as vendors name them: short lower-case segments (`v2/pub`, `live`, `app-x1`).
const segment = fc.string({ unit: fc.constantFrom(...'abcdefghij0123456789-'), minLength: 1, maxLength: 7 });
const base = fc
  .array(segment, { minLength: 1, maxLength: 3 })
  .map((segments) => `rtmp://ingest.example.test:1935/${segments.join('/')}`);
// Where a vendor could put a secret in a server URL.
const placements = [
  (server: string, form: string) => `${server}/${form}`,
  (server: string, form: string) => `${server}/${form}/live`,
  (server: string, form: string) => `${server}?app=${form}`,
  (server: string, form: string) => server.replace('rtmp://', `rtmp://publisher:${form}@`),
  (server: string, form: string) => server.replace('ingest.', `${form}.`),
] as const;

describe('serverRedactor', () => {
  it('keeps the application segment a server ends in, which redact takes for a stream key', () => {
    const server = 'rtmp://127.0.0.1:1935/v2/pub';
    expect(redact(server)).toBe(`rtmp://127.0.0.1:1935/v2/${redactedMarker}`);
    expect(serverRedactor(['K-not-in-it-123']).redact(server)).toBe(server);
    expect(serverRedactor([]).redact(server)).toBe(server);
  });

  it('leaves a server that carries no known secret as it is', () => {
    fc.assert(
      fc.property(fc.array(credential, { maxLength: 4 }), base, (secrets, server) => {
        expect(serverRedactor(secrets).redact(server)).toBe(server);
      }),
    );
  });

  it('masks a known secret a server carries, in every form and wherever it sits', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(credential, { minLength: 1, maxLength: 4 }),
        base,
        fc.nat(),
        fc.nat(),
        fc.constantFrom(...placements),
        (secrets, server, which, formIndex, place) => {
          const secret = secrets[which % secrets.length] ?? '';
          const forms = secretForms(secret);
          const form = forms[formIndex % forms.length] ?? '';
          const shown = serverRedactor(secrets).redact(place(server, form));
          expect(shown).toContain(redactedMarker);
          expect(shown).not.toContain(form);
          expect(shown).not.toContain(secret);
        },
      ),
    );
  });

  it('still masks what only a shape names: a password in the user information, a credential parameter', () => {
    const server = 'rtmp://publisher:unknown-password@ingest.example.test/live?token=unknown-token&app=pub';
    expect(serverRedactor([]).redact(server)).toBe(
      `rtmp://${redactedMarker}@ingest.example.test/live?token=${redactedMarker}&app=pub`,
    );
  });
});

describe('knownValuesRedactor', () => {
  // Text that shows credentials on purpose (a push URL with its key, a playback URL's token, a Basic value)
  // keeps them; the values given are hidden in every form redact finds them in.
  const shapes = [
    'rtmp://ingest.example.test:1935/live/sk_live_0123456789abcdef',
    'rtmp://publisher:pass0123456789@ingest.example.test/live',
    'https://play.example.test/index.m3u8?token=tok0123456789abcdef',
    'Authorization: Basic dXNlcjpwYXNzd29yZDEyMzQ1Ng==',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlMTIzNDU2',
  ];

  it('hides each value in every form and nothing by shape', () => {
    fc.assert(
      fc.property(credential, fc.constantFrom(...shapes), fc.nat(), (value, shape, pick) => {
        const forms = secretForms(value);
        fc.pre(!shapes.some((text) => forms.some((form) => text.includes(form))));
        const form = forms[pick % forms.length] as string;
        const text = `${shape} name ${form} end`;
        const out = knownValuesRedactor([value]).redact(text);
        expect(out).toBe(`${shape} name ${redactedMarker} end`);
        // redact hides the shape too.
        expect(redact(shape)).not.toBe(shape);
      }),
    );
  });

  it('hides nothing when given no value', () => {
    for (const shape of shapes) expect(knownValuesRedactor([]).redact(shape)).toBe(shape);
  });
});
