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
