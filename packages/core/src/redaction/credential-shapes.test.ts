import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact } from '../index.js';

// Credential-shaped parameters are masked whether or not their value is a known secret: signed URLs
// (`?sig=`, `&X-Amz-Signature=`), bearer tokens in a query or a fragment (`?token=`, `#access_token=`). The
// names of ordinary parameters that merely contain those letters (`signal`, `design`) are left alone.

// A value as a vendor signs or issues it: base64url, hex or percent-encoded base64.
const values = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
  fc.stringMatching(/^[a-f0-9]{16,64}$/),
  fc.stringMatching(/^[A-Za-z0-9]{6,30}(%2B|%2F|%3D)[A-Za-z0-9]{2,20}(%3D){0,2}$/),
);

const credentialNames = [
  'token',
  'access_token',
  'id_token',
  'X-Amz-Security-Token',
  'signature',
  'Signature',
  'X-Amz-Signature',
  'X-Goog-Signature',
  'sig',
  'SIG',
  'url_sig',
  'x-sig',
  'api_key',
  'wowzatokenhash',
];

// Parameters whose name holds `sig` inside a word, and ordinary ones: their values stay readable.
const ordinaryNames = [
  'signal',
  'design',
  'assign',
  'sigma',
  'signup',
  'page',
  'sv',
  'se',
  'sp',
  'state',
  'lang',
];

const urls = fc.constantFrom(
  'https://cdn.example.test/live/index.m3u8',
  'https://account.blob.core.windows.net/media/out.mp4',
  'https://player.example.test/watch',
  'rtmps://ingest.example.test:443/app',
);

describe('credential-shaped parameters', () => {
  it('are masked in a query or a fragment, whatever their value, and nothing else of the URL is', () => {
    fc.assert(
      fc.property(
        urls,
        fc.constantFrom('?', '#', '#/?'),
        fc.array(fc.tuple(fc.constantFrom(...credentialNames, ...ordinaryNames), values), {
          minLength: 1,
          maxLength: 5,
        }),
        (url, opener, parameters) => {
          const query = parameters.map(([name, value]) => `${name}=${value}`).join('&');
          const expected = parameters
            .map(([name, value]) => `${name}=${credentialNames.includes(name) ? '[REDACTED]' : value}`)
            .join('&');
          expect(redact(`GET ${url}${opener}${query} failed`)).toBe(`GET ${url}${opener}${expected} failed`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('are masked as JSON fields by the same names', () => {
    fc.assert(
      fc.property(fc.constantFrom(...credentialNames, ...ordinaryNames), values, (name, value) => {
        const masked = credentialNames.includes(name) ? '[REDACTED]' : value;
        expect(redact(`{"${name}": "${value}", "n": 1}`)).toBe(`{"${name}": "${masked}", "n": 1}`);
      }),
      { numRuns: 200 },
    );
  });

  it('leave running text with a hash, a signal or a design alone', () => {
    for (const text of [
      'see #section-2 of the guide',
      'issue #1234 was fixed',
      'signal=strong, design=flat',
      'the stream #3 is live',
      'GET https://docs.example.test/page#signal=ok',
    ])
      expect(redact(text)).toBe(text);
  });

  it('Azure shared access signature: the signature goes, the rest of the URL stays', () => {
    expect(
      redact(
        'https://acct.blob.core.windows.net/c/a.mp4?sv=2022-11-02&se=2026-12-01T00%3A00%3A00Z&sr=b&sp=r&sig=AbC%2Bdef%2Fghi%3D',
      ),
    ).toBe(
      'https://acct.blob.core.windows.net/c/a.mp4?sv=2022-11-02&se=2026-12-01T00%3A00%3A00Z&sr=b&sp=r&sig=[REDACTED]',
    );
  });
});

// Names a vendor or a framework writes with a dot or as an array parameter, and ordinary ones of that form.
const dottedCredentialNames = ['x.sig', 'sig.v2', 'X.Amz.Signature', 'sig[]', 'token[0]', 'api_key[]'];
const dottedOrdinaryNames = ['signal.strength', 'page[2]', 'design.v2', 'ids[]'];

describe('credential-shaped parameters, in other spellings', () => {
  it('are masked when their name has a dot or array brackets, and ordinary names of that form are not', () => {
    fc.assert(
      fc.property(
        urls,
        fc.constantFrom('?', '#', '#/?'),
        fc.array(
          fc.tuple(fc.constantFrom(...dottedCredentialNames, ...dottedOrdinaryNames, 'page'), values),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        (url, opener, parameters) => {
          const query = parameters.map(([name, value]) => `${name}=${value}`).join('&');
          const expected = parameters
            .map(([name, value]) => `${name}=${dottedCredentialNames.includes(name) ? '[REDACTED]' : value}`)
            .join('&');
          expect(redact(`GET ${url}${opener}${query} failed`)).toBe(`GET ${url}${opener}${expected} failed`);
          expect(redact(`{"${parameters[0]?.[0]}": "x1y2z3w4v5"}`)).toBe(
            `{"${parameters[0]?.[0]}": "${dottedCredentialNames.includes(parameters[0]?.[0] ?? '') ? '[REDACTED]' : 'x1y2z3w4v5'}"}`,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('are masked inside a URL carried percent-encoded, once or twice, in another (a redirect target), and nothing else is', () => {
    fc.assert(
      fc.property(
        urls,
        fc.constantFrom(
          ['%3F', '%3D', '%26'],
          ['%23', '%3D', '%26'],
          ['%3f', '%3d', '%26'],
          ['%26', '%3D', '%26'],
          // Encoded twice: a URL carried in one carried in another.
          ['%253F', '%253D', '%2526'],
          ['%2523', '%253d', '%2526'],
        ),
        fc.array(fc.tuple(fc.constantFrom(...credentialNames, ...ordinaryNames), values), {
          minLength: 1,
          maxLength: 4,
        }),
        (url, [opener, equals, separator], parameters) => {
          const carried = (mask: boolean) =>
            parameters
              .map(
                ([name, value]) =>
                  `${name}${equals}${mask && credentialNames.includes(name) ? '[REDACTED]' : value}`,
              )
              .join(separator);
          const outer = `https://app.example.test/login?lang=en&next=${encodeURIComponent(url)}${opener}`;
          expect(redact(`GET ${outer}${carried(false)}&state=ok failed`)).toBe(
            `GET ${outer}${carried(true)}&state=ok failed`,
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('find a parameter an encoded # or = marks, and keep a plain value holding an encoded & whole', () => {
    expect(redact('https://cdn.example.test/a.m3u8?token=abc%26def%23ghi&page=2')).toBe(
      'https://cdn.example.test/a.m3u8?token=[REDACTED]&page=2',
    );
    expect(redact('https://cdn.example.test/a.m3u8?a=1%23token=abcdef123456&page=2')).toBe(
      'https://cdn.example.test/a.m3u8?a=1%23token=[REDACTED]&page=2',
    );
    expect(redact('https://cdn.example.test/a.m3u8?sig%3Dabcdef123456')).toBe(
      'https://cdn.example.test/a.m3u8?sig%3D[REDACTED]',
    );
  });
});
