import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/errors.js';
import { idProblem } from '../ids.js';
import {
  formatStreamReference,
  parseStreamReference,
  providerNameProblem,
  referenceSeparator,
} from './references.js';

const nameArbitrary = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);
const idArbitrary = fc.stringMatching(/^[A-Za-z0-9_~.-]{1,128}$/).filter((id) => idProblem(id) === undefined);

describe('stream references', () => {
  it('a formatted reference parses back to its name and id, as a string and as an object', () => {
    fc.assert(
      fc.property(nameArbitrary, idArbitrary, (name, id) => {
        const reference = formatStreamReference(name, id);
        expect(reference).toBe(`${name}:${id}`);
        expect(parseStreamReference(reference)).toEqual({ provider: name, id });
        expect(parseStreamReference({ provider: name, id })).toEqual({ provider: name, id });
      }),
    );
  });

  it('the separator can appear in neither part, so a string splits one way only', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        if (text.includes(referenceSeparator)) {
          expect(providerNameProblem(text)).toBeDefined();
          expect(idProblem(text)).toBeDefined();
        }
      }),
    );
  });

  it('refuses strings without exactly one separator, naming the expected form and never the value', () => {
    const fixedMessage = (() => {
      try {
        parseStreamReference('', 'get');
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('an empty reference must be refused');
    })();
    fc.assert(
      fc.property(
        fc.oneof(
          idArbitrary,
          fc.tuple(nameArbitrary, idArbitrary, idArbitrary).map((parts) => parts.join(':')),
          fc.constant(''),
          fc.constant(':'),
          fc.constant('eu:'),
          fc.constant(':abc'),
        ),
        (reference) => {
          let thrown: unknown;
          try {
            parseStreamReference(reference, 'get');
          } catch (error) {
            thrown = error;
          }
          expect(InvalidInputError.isInstance(thrown), reference).toBe(true);
          const error = thrown as InvalidInputError;
          expect(error.operation).toBe('get');
          expect(error.delivery).toBe('not-sent');
          expect(error.issues[0]?.path).toBe('reference');
          // The message is fixed text; a value that is itself a piece of that text (fast-check likes to try
          // 'name') cannot tell an echo from the template, so only other values are looked for.
          if (reference.length > 3 && !fixedMessage.includes(reference)) {
            expect(error.message).not.toContain(reference);
          }
        },
      ),
    );
  });

  it('checks both parts: names are short words, ids what a path segment can carry', () => {
    for (const reference of [
      'e u:abc',
      'eu/x:abc',
      'eu:..',
      'eu:a/b',
      'eu:.',
      '-eu:abc',
      `${'n'.repeat(65)}:a`,
    ]) {
      expect(() => parseStreamReference(reference), reference).toThrow(InvalidInputError);
    }
    expect(() => parseStreamReference({ provider: 'eu', id: '../x' })).toThrow(/reference\.id/);
    expect(() => parseStreamReference({ provider: 'e:u', id: 'x' })).toThrow(/reference\.provider/);
    expect(() => parseStreamReference(42)).toThrow(/expected "<name>:<id>" or \{ provider, id \}/);
    expect(() => formatStreamReference('eu', 'a:b')).toThrow(InvalidInputError);
  });
});
