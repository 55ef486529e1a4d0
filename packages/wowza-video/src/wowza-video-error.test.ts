import { ConflictError, NotFoundError, RateLimitError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyWowzaVideoError, readWowzaVideoError } from './wowza-video-error.js';

const meta = (fields: Record<string, unknown>) => ({ meta: { status: 422, links: [], ...fields } });

describe('readWowzaVideoError', () => {
  it('reads code and message from the meta body', () => {
    expect(
      readWowzaVideoError(
        meta({
          code: 'ERR-422-RecordInvalid',
          title: 'Record Invalid Error',
          message: "Name can't be blank",
          description: '',
        }),
      ),
    ).toEqual({ code: 'ERR-422-RecordInvalid', message: "Name can't be blank" });
  });

  it('appends a non-empty description and falls back to the title without a message', () => {
    expect(readWowzaVideoError(meta({ code: 'C', message: 'M.', description: 'More detail.' }))).toEqual({
      code: 'C',
      message: 'M. More detail.',
    });
    expect(readWowzaVideoError(meta({ code: 'C', title: 'Title', message: '' }))).toEqual({
      code: 'C',
      message: 'Title',
    });
    expect(readWowzaVideoError(meta({ code: null, message: null }))).toEqual({
      code: undefined,
      message: undefined,
    });
  });

  it('keeps every field of the documented type when others come in another type', () => {
    // A value of any JSON type but the one documented for the field.
    const notText = fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.array(fc.string(), { maxLength: 2 }),
      fc.constant({ a: 1 }),
    );
    const textOrNot = fc.oneof(fc.string({ maxLength: 8 }), notText);
    fc.assert(
      fc.property(
        fc.record({ code: textOrNot, title: textOrNot, message: textOrNot, description: textOrNot }),
        fc.oneof(fc.integer({ min: 400, max: 599 }), fc.constant('422'), fc.constant([422])),
        (fields, status) => {
          const read = (value: unknown) => (typeof value === 'string' ? value : undefined);
          const text = [read(fields.message) || read(fields.title), read(fields.description)]
            .filter((part) => part !== undefined && part !== '')
            .join(' ');
          expect(readWowzaVideoError({ meta: { ...fields, status, links: [] } })).toEqual({
            code: read(fields.code) || undefined,
            message: text || undefined,
          });
        },
      ),
    );
  });

  it('yields nothing for bodies that are not Wowza errors', () => {
    for (const body of ['<html>Bad Gateway</html>', null, { error: 'x' }, { meta: 'x' }, []]) {
      expect(readWowzaVideoError(body)).toEqual({});
    }
  });
});

describe('classifyWowzaVideoError', () => {
  it('makes invalid state changes and unavailable assets conflicts, whatever the operation', () => {
    for (const code of ['ERR-422-InvalidStateChange', 'ERR-422-NotAvailable']) {
      expect(classifyWowzaVideoError({ status: 422, operation: 'start', code })).toBe(ConflictError);
      expect(classifyWowzaVideoError({ status: 422, operation: 'update', code })).toBe(ConflictError);
    }
  });

  it('makes a 422 without a code to read a conflict on start, stop and reset (no input to refuse), and leaves it to core elsewhere', () => {
    for (const operation of ['start', 'stop', 'reset']) {
      expect(classifyWowzaVideoError({ status: 422, operation })).toBe(ConflictError);
      expect(classifyWowzaVideoError({ status: 422, operation, code: '' })).toBe(ConflictError);
      expect(classifyWowzaVideoError({ status: 422, operation, bodyLost: true })).toBe(ConflictError);
    }
    for (const operation of ['create', 'update']) {
      expect(classifyWowzaVideoError({ status: 422, operation })).toBeUndefined();
      expect(
        classifyWowzaVideoError({ status: 422, operation, code: 'ERR-422-RecordInvalid' }),
      ).toBeUndefined();
    }
  });

  it('makes 409 on create the "10 creates in 3 hours" quota: a rate limit', () => {
    expect(classifyWowzaVideoError({ status: 409, operation: 'create' })).toBe(RateLimitError);
    expect(classifyWowzaVideoError({ status: 409, operation: 'update' })).toBeUndefined();
  });

  it('makes 410 a NotFoundError and leaves every other status to core', () => {
    expect(classifyWowzaVideoError({ status: 410, operation: 'get', code: 'ERR-410-RecordDeleted' })).toBe(
      NotFoundError,
    );
    for (const status of [401, 403, 404, 422, 423, 429, 500]) {
      expect(classifyWowzaVideoError({ status, operation: 'get', code: 'ERR-x' })).toBeUndefined();
    }
  });
});
