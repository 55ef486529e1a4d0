import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLiveApiError } from './liveapi-error.js';

describe('readLiveApiError', () => {
  it('reads message or error, as a string or an object with a message', () => {
    expect(readLiveApiError({ message: 'Bad request' })).toEqual({ message: 'Bad request' });
    expect(readLiveApiError({ error: 'Forbidden' })).toEqual({ message: 'Forbidden' });
    expect(readLiveApiError({ error: { message: 'Live stream not found' } })).toEqual({
      message: 'Live stream not found',
    });
    expect(readLiveApiError({ message: { message: 'nested' } })).toEqual({ message: 'nested' });
  });

  it('prefers message over error, and reads a code when there is one', () => {
    expect(readLiveApiError({ message: 'first', error: 'second', code: 'E_LIMIT' })).toEqual({
      message: 'first',
      code: 'E_LIMIT',
    });
    expect(readLiveApiError({ error: 'x', code: 4031 })).toEqual({ message: 'x', code: '4031' });
  });

  it('reads the code beside an object-valued message or error; a top-level code comes first', () => {
    const text = fc.string({ minLength: 1, maxLength: 12 }).filter((value) => value.trim() !== '');
    const code = fc.oneof(
      text.map((value) => ({ sent: value as unknown, read: value.trim() })),
      fc.integer().map((value) => ({ sent: value as unknown, read: String(value) })),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('message', 'error'),
        text,
        fc.option(code, { nil: undefined }),
        fc.option(code, { nil: undefined }),
        (field, message, nested, top) => {
          const body = {
            [field]: { message, ...(nested === undefined ? {} : { code: nested.sent }) },
            ...(top === undefined ? {} : { code: top.sent }),
          };
          const read = (top ?? nested)?.read;
          expect(readLiveApiError(body)).toEqual({
            message: message.trim(),
            ...(read === undefined ? {} : { code: read }),
          });
        },
      ),
    );
  });

  it('gives nothing for HTML, empty, null, arrays or unusable fields, so the status text is used', () => {
    expect(readLiveApiError('<html><body>502 Bad Gateway</body></html>')).toEqual({});
    expect(readLiveApiError('')).toEqual({});
    expect(readLiveApiError(null)).toEqual({});
    expect(readLiveApiError([{ message: 'x' }])).toEqual({});
    expect(readLiveApiError({ message: '   ', error: 42, code: { x: 1 } })).toEqual({});
    expect(readLiveApiError({ error: { code: 'x' } })).toEqual({});
  });

  it('keeps a long message whole: the error redacts it before cutting it', () => {
    const details = readLiveApiError({ message: 'x'.repeat(1000) });
    expect(details.message).toBe('x'.repeat(1000));
  });
});
