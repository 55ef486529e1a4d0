import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretScanner } from './secret-scanner.js';

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
});
