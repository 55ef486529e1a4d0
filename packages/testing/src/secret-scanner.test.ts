import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretScanner } from './secret-scanner.js';
import { secretEncodingNames, secretEncodings } from './shown-secrets.js';

// Frames of the code that made the error, named so that a secret's half can be found in them.
function throwFromProperty(message: string): Error {
  const Property = { run: () => new Error(message) };
  return Property.run();
}

describe('SecretScanner', () => {
  it('finds a secret in what an error says, never in the names of the code on its stack', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{8}$/), (start) => {
        const secret = `${start}Property`;
        const clean = new SecretScanner();
        clean.register('secret', secret);
        const error = throwFromProperty('the vendor refused the request');
        expect(error.stack).toContain('Property.run');
        clean.recordError(error);
        expect(clean.leaks()).toEqual([]);

        const leaking = new SecretScanner();
        leaking.register('secret', secret);
        leaking.recordError(throwFromProperty(`refused: ${secret}`));
        expect(leaking.leaks()).toContainEqual({ secretLabel: 'secret', where: 'error' });
        const halfInField = Object.assign(throwFromProperty('refused'), { vendorMessage: secret.slice(-8) });
        const fields = new SecretScanner();
        fields.register('secret', secret);
        fields.recordError(halfInField);
        expect(fields.leaks()).toContainEqual({ secretLabel: 'secret', where: 'error' });
      }),
      { numRuns: 50 },
    );
  });

  it('finds a secret written in any encoding core redacts: hex in either case, every byte percent-encoded, base64url', () => {
    const further: Record<string, (text: string) => string> = {
      lower: (text) => text.toLowerCase(),
      upper: (text) => text.toUpperCase(),
      'lower-case URL escapes': (text) =>
        encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
      'percent-encoded, lower case': (text) => Buffer.from(text).toString('hex').replace(/../g, '%$&'),
      'URL-encoded twice': (text) => encodeURIComponent(encodeURIComponent(text)),
      'every character \\u-escaped': (text) =>
        [...Array(text.length).keys()]
          .map((i) => `\\u${text.charCodeAt(i).toString(16).padStart(4, '0')}`)
          .join(''),
    };
    const encodings: Record<string, (text: string) => string> = { ...secretEncodings, ...further };
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9+/_.~-]{8,40}$/),
        fc.constantFrom(...secretEncodingNames, ...Object.keys(further)),
        (secret, encoding) => {
          const scanner = new SecretScanner();
          scanner.register('secret', secret);
          scanner.recordError(new Error('the vendor refused the request'));
          expect(scanner.leaks()).toEqual([]);
          scanner.recordText(`refused (${encodings[encoding]?.(secret)})`, encoding);
          expect(scanner.leaks()).toEqual([{ secretLabel: 'secret', where: encoding }]);
        },
      ),
      {
        numRuns: 200,
        examples: [
          ['sk-123456789', 'hex'],
          ['sk-123456789', 'hexUpper'],
          ['sk-123456789', 'percent'],
        ],
      },
    );
  });
});
