import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResponseShapeError } from '../errors/errors.js';
import { UniliveError } from '../errors/unilive-error.js';
import { SecretSet } from '../secrets.js';
import { createHttpClient, type HttpMethod } from './http-client.js';

// A request without a schema (a delete, a restream target added) does not read what a success holds, but a
// success must be one the vendor could have sent: no body, or JSON of any shape. A body that is not JSON at
// all (a proxy's HTML page, a JSON answer cut short) proves nothing was carried out, so the call fails with
// ResponseShapeError, `delivery: 'unknown'`, and is never sent again
// (docs/decisions/2026-12-01-unread-success-bodies.md).

const methods: readonly HttpMethod[] = ['DELETE', 'POST', 'PUT', 'PATCH', 'GET'];

interface Sent {
  method: string;
  url: string;
  body: string;
}

async function call(method: HttpMethod, answer: () => Response) {
  const sent: Sent[] = [];
  const secrets = new SecretSet();
  secrets.learn('t0ken-of-the-vendor');
  const http = createHttpClient({
    provider: 'test-vendor',
    baseUrl: 'https://api.vendor.test/v1/',
    headers: () => ({ authorization: 'Bearer t0ken-of-the-vendor' }),
    secrets,
    // Retries allowed: an answer that fails this way must still be sent once only.
    retry: { maxRetries: 2 },
    fetch: async (input) => {
      const request = input as Request;
      sent.push({ method: request.method, url: request.url, body: await request.text() });
      return answer();
    },
  });
  const outcome = await http
    .request({
      operation: 'delete',
      method,
      path: 'streams/s1',
      ...(method === 'GET' || method === 'DELETE' ? {} : { body: { a: 1 } }),
      options: { runtime: { sleep: async () => {} } },
    })
    .then(
      (result) => ({ ok: true as const, result }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  return { outcome, sent };
}

const expectedRequest = (method: HttpMethod): Sent[] => [
  {
    method,
    url: 'https://api.vendor.test/v1/streams/s1',
    body: method === 'GET' || method === 'DELETE' ? '' : '{"a":1}',
  },
];

const whitespace = fc.stringMatching(/^[ \t\r\n]{0,4}$/);

// Any JSON text, padded as a server may pad it.
const jsonText = fc
  .tuple(whitespace, fc.jsonValue(), whitespace)
  .map(([before, value, after]) => `${before}${JSON.stringify(value)}${after}`);

const notJson = (text: string): boolean => {
  if (text.trim() === '') return false;
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
};

// A JSON answer cut short (what the vendor began to send, its length honest), a proxy's page, or any text
// that is neither JSON nor empty.
const notJsonText = fc.oneof(
  fc
    .tuple(fc.jsonValue(), fc.nat())
    .map(([value, at]) => {
      const text = JSON.stringify(value);
      return text.slice(0, 1 + (at % Math.max(1, text.length - 1)));
    })
    .filter(notJson),
  fc.constantFrom(
    '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
    '{"id": "abc", "na',
    'OK',
    '{"success": true}}',
  ),
  fc.string().filter(notJson),
);

describe('a success to a request without a schema', () => {
  it('resolves, unread, when it holds no body or JSON of any shape, after one request', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...methods),
        fc.constantFrom(200, 201, 202),
        fc.oneof(whitespace, jsonText),
        fc.constantFrom('application/json', 'text/plain'),
        async (method, status, text, type) => {
          const { outcome, sent } = await call(
            method,
            () => new Response(text, { status, headers: { 'content-type': type } }),
          );
          expect(outcome).toMatchObject({ ok: true });
          if (outcome.ok) {
            expect(outcome.result.status).toBe(status);
            expect(outcome.result.data).toBeUndefined();
            expect(outcome.result.body).toBeUndefined();
          }
          expect(sent).toEqual(expectedRequest(method));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('resolves on a 204', async () => {
    for (const method of methods) {
      const { outcome, sent } = await call(method, () => new Response(null, { status: 204 }));
      expect(outcome).toMatchObject({ ok: true, result: { status: 204 } });
      expect(sent).toEqual(expectedRequest(method));
    }
  });

  it('fails with ResponseShapeError, delivery unknown, sent once, when its body is not JSON at all', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...methods),
        fc.constantFrom(200, 201, 202),
        notJsonText,
        fc.constantFrom('text/html; charset=utf-8', 'application/json'),
        async (method, status, text, type) => {
          const { outcome, sent } = await call(
            method,
            () => new Response(text, { status, headers: { 'content-type': type } }),
          );
          expect(outcome.ok).toBe(false);
          const error = outcome.ok ? undefined : outcome.error;
          expect(ResponseShapeError.isInstance(error)).toBe(true);
          const shape = error as ResponseShapeError;
          expect({
            name: shape.name,
            provider: shape.provider,
            operation: shape.operation,
            status: shape.status,
            delivery: shape.delivery,
            isRetryable: shape.isRetryable,
            issues: shape.issues,
          }).toEqual({
            name: 'ResponseShapeError',
            provider: 'test-vendor',
            operation: 'delete',
            status,
            delivery: 'unknown',
            isRetryable: false,
            issues: [{ path: '$', expected: 'JSON or no body' }],
          });
          expect(shape.message).toBe(
            `test-vendor delete: expected no body or a JSON body, received ${type} that is not JSON (HTTP ${status}), which may not be the vendor's: whether the request was carried out is unknown`,
          );
          expect(UniliveError.isInstance(error)).toBe(true);
          expect(sent).toEqual(expectedRequest(method));
        },
      ),
      { numRuns: 150 },
    );
  });
});
