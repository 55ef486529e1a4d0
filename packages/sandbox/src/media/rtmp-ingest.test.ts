import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readQuery } from './rtmp-ingest.js';

describe('readQuery', () => {
  it('keeps the base64 of an Adobe authentication response as the encoder wrote it, + and / included', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 32 }),
        fc.stringMatching(/^[0-9a-f]{8}$/),
        (bytes, challenge) => {
          const response = Buffer.from(bytes).toString('base64');
          const query = readQuery(
            `authmod=adobe&user=client1&challenge=${challenge}&response=${response}&opaque=x`,
          );
          expect(query.get('response')).toBe(response);
          expect(query.get('challenge')).toBe(challenge);
          expect(query.get('user')).toBe('client1');
        },
      ),
    );
  });

  it('decodes valid escapes and keeps invalid ones as they are', () => {
    expect(readQuery('password=a%2Fb&token=%zz&flag').get('password')).toBe('a/b');
    expect(readQuery('token=%zz').get('token')).toBe('%zz');
    expect(readQuery('flag').get('flag')).toBe('');
    expect([...readQuery('')]).toEqual([]);
  });
});
