import { readdirSync, readFileSync } from 'node:fs';
import {
  AuthenticationError,
  ConflictError,
  classifyStatus,
  InvalidInputError,
  NotFoundError,
} from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyWowzaRealtimeError, readWowzaRealtimeError } from './wowza-realtime-error.js';

const vendorDirectory = new URL('../../../test-fixtures/wowza-realtime/vendor-examples/', import.meta.url);
const vendorErrors = readdirSync(vendorDirectory).filter((file) => file.startsWith('error.'));

describe('readWowzaRealtimeError', () => {
  it.each(vendorErrors)('reads the code and message of %s', (file) => {
    const body = JSON.parse(readFileSync(new URL(file, vendorDirectory), 'utf8'));
    expect(readWowzaRealtimeError(body)).toEqual({ code: body.meta.code, message: body.meta.message });
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
          expect(readWowzaRealtimeError({ meta: { ...fields, status, links: [] } })).toEqual({
            code: read(fields.code),
            message: read(fields.message) || read(fields.title) || undefined,
          });
        },
      ),
    );
  });

  it('falls back to the title when the message is empty', () => {
    expect(
      readWowzaRealtimeError({ meta: { status: 429, title: 'Too Many Requests', message: '' } }),
    ).toEqual({
      code: undefined,
      message: 'Too Many Requests',
    });
  });

  it.each([
    ['an HTML page', '<html>503</html>'],
    ['null', null],
    ['another shape', { error: 'nope' }],
  ])('reads nothing from %s', (_, body) => {
    expect(readWowzaRealtimeError(body)).toEqual({});
  });
});

describe('classifyWowzaRealtimeError', () => {
  const classify = (status: number, code?: string) =>
    classifyWowzaRealtimeError({ status, code, operation: 'stop', message: undefined });

  it('makes illegal transitions and unavailable resources conflicts', () => {
    expect(classify(422, 'ERR-422-InvalidStateChange')).toBe(ConflictError);
    expect(classify(422, 'ERR-422-NotAvailable')).toBe(ConflictError);
  });

  it('makes other 422s invalid input, but a stop (which sends no input) without a code to read a conflict', () => {
    expect(classify(422, 'ERR-422-RecordInvalid')).toBe(InvalidInputError);
    expect(classify(422)).toBe(ConflictError);
    expect(classify(422, '')).toBe(ConflictError);
    for (const operation of ['create', 'update'])
      expect(classifyWowzaRealtimeError({ status: 422, operation, message: undefined })).toBe(
        InvalidInputError,
      );
  });

  it('leaves other statuses to core: 401/403 auth, 404/410 not found, 423 conflict', () => {
    const effective = (status: number, code: string) => classify(status, code) ?? classifyStatus(status);
    expect(effective(401, 'ERR-401-FeatureNotEnabled')).toBe(AuthenticationError);
    expect(effective(401, 'ERR-401-ExpiredToken')).toBe(AuthenticationError);
    expect(effective(403, 'ERR-403-RecordUnaccessible')).toBe(AuthenticationError);
    expect(effective(404, 'ERR-404-RecordNotFound')).toBe(NotFoundError);
    expect(effective(410, 'ERR-410-RecordDeleted')).toBe(NotFoundError);
    expect(effective(423, 'ERR-423-StreamAlreadyStopped')).toBe(ConflictError);
  });
});
