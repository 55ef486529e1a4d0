import fc from 'fast-check';

// Secrets with URL-reserved, JSON-special and non-ASCII characters, so each form (URL-encoded,
// JSON-escaped, base64) differs from the raw value. A letter first: a value of one repeated symbol
// (`------------`) would match the table layout itself.
const unit = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  ...'-_.~+/=!*@:%&?#"\\\'',
  'é',
  '€',
  '🔑',
);

/** One generated secret of 12 to 41 characters. */
export const secret: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...'KPWTRS'), fc.string({ unit, minLength: 11, maxLength: 40 }))
  .map(([first, rest]) => first + rest);
