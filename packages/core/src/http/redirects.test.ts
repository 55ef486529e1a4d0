import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import nock from 'nock';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UniliveError } from '../errors/unilive-error.js';
import { SecretSet } from '../secrets.js';
import { createHttpClient, type HttpMethod, maxRedirects } from './http-client.js';

interface Received {
  method: string;
  path: string;
  body: string;
}

// A loopback server whose answer to the request under test is set per case.
async function startServer(answer: (request: IncomingMessage, response: ServerResponse) => void) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      received.push({ method: request.method ?? '', path: request.url ?? '', body });
      answer(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const token = 'redirect-test-token-5d41402abc4b2a76';
const secretInTarget = 'target-query-secret-7b8e9f';
const schema = v.looseObject({ stream: v.looseObject({ id: v.string() }) });
const landed = JSON.stringify({ stream: { id: 'landed' } });

type TargetKind =
  | 'other-origin'
  | 'same-host-https'
  | 'same-origin'
  | 'same-origin-relative'
  | 'same-url'
  | 'same-origin-userinfo'
  | 'no-location'
  | 'malformed';

describe('redirects', () => {
  let plan: { status: number; location?: string } = { status: 307 };
  let vendor: Awaited<ReturnType<typeof startServer>>;
  let elsewhere: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    vendor = await startServer((request, response) => {
      if (request.url?.startsWith('/api/landed')) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(landed);
        return;
      }
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (plan.location !== undefined) headers.location = plan.location;
      response.writeHead(plan.status, headers).end('moved');
    });
    elsewhere = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(landed);
    });
  });
  afterAll(async () => {
    await vendor.close();
    await elsewhere.close();
  });

  const locationOf = (kind: TargetKind): string | undefined => {
    switch (kind) {
      case 'other-origin':
        return `${elsewhere.origin}/api/landed?token=${secretInTarget}`;
      case 'same-host-https':
        return `https://127.0.0.1:${vendor.port}/api/landed`;
      case 'same-origin':
        return `${vendor.origin}/api/landed?token=${secretInTarget}`;
      case 'same-origin-relative':
        return '/api/landed';
      case 'same-url':
        return `${vendor.origin}/api/live_streams`;
      case 'same-origin-userinfo':
        return `http://user:${secretInTarget}@127.0.0.1:${vendor.port}/api/landed`;
      case 'no-location':
        return undefined;
      case 'malformed':
        return 'http://[not a host';
    }
  };

  const client = () => {
    const secrets = new SecretSet();
    secrets.add(token, secretInTarget);
    return createHttpClient({
      provider: 'test-vendor',
      baseUrl: `${vendor.origin}/api`,
      headers: () => ({ authorization: `Bearer ${token}` }),
      secrets,
      random: () => 0.5,
    });
  };

  it('sends no body or credential to another origin, never changes a method, sends a non-GET once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<HttpMethod>('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        fc.constantFrom(300, 301, 302, 303, 307, 308),
        fc.constantFrom<TargetKind>(
          'other-origin',
          'same-host-https',
          'same-origin',
          'same-origin-relative',
          'same-url',
          'same-origin-userinfo',
          'no-location',
          'malformed',
        ),
        async (method, status, kind) => {
          const location = locationOf(kind);
          plan = { status, ...(location === undefined ? {} : { location }) };
          vendor.received.length = 0;
          elsewhere.received.length = 0;
          const body = method === 'GET' || method === 'DELETE' ? undefined : { name: 'restream-key-in-body' };
          let error: unknown;
          let result: unknown;
          const heard: string[] = [];
          const hooks = {
            onRequest: () => heard.push('request'),
            onResponse: (event: { status: number }) => heard.push(`response ${event.status}`),
            onError: (event: { error: UniliveError }) => heard.push(`error ${event.error.name}`),
          };
          try {
            result = await client().request({
              operation: 'op',
              method,
              path: 'live_streams',
              schema,
              ...(body ? { body } : {}),
              options: { runtime: { hooks } },
            });
          } catch (caught) {
            error = caught;
          }
          // Nothing ever reaches the other origin.
          expect(elsewhere.received).toEqual([]);
          // No request ever changed method.
          expect(vendor.received.every((entry) => entry.method === method)).toBe(true);
          const followable =
            method === 'GET' &&
            (kind === 'same-origin' || kind === 'same-origin-relative' || kind === 'same-url');
          if (!followable) {
            // Sent exactly once; the error names the status and the target's origin only.
            expect(vendor.received).toHaveLength(1);
            expect(UniliveError.isInstance(error)).toBe(true);
            const failure = error as UniliveError;
            expect(failure.name).toBe('UniliveError');
            expect(failure.status).toBe(status);
            expect(failure.isRetryable).toBe(false);
            expect(failure.delivery).toBe(status === 303 ? 'unknown' : 'refused');
            if (kind === 'other-origin') expect(failure.message).toContain(`to ${elsewhere.origin},`);
            if (kind === 'same-host-https')
              expect(failure.message).toContain(`to https://127.0.0.1:${vendor.port},`);
            if (kind === 'no-location' || kind === 'malformed')
              expect(failure.message).toContain('to an unknown location');
            // Not retried as a network failure, and the user name and password are not printed.
            if (kind === 'same-origin-userinfo' && method === 'GET')
              expect(failure.message).toMatch(
                new RegExp(
                  `to ${vendor.origin}, not followed \\(.* URL with a user name or password is never followed\\)$`,
                ),
              );
            expect(failure.message).not.toContain('user:');
            expect(JSON.stringify(failure.toJSON())).not.toContain(secretInTarget);
            expect(failure.message).not.toContain('/api/landed');
            // The redirect is the answer the call ends with: heard, before its error.
            expect(heard).toEqual(['request', `response ${status}`, 'error UniliveError']);
          } else if (kind === 'same-url') {
            // A redirect loop ends after the limit, every hop a GET; the last redirect, not followed, is heard.
            expect(vendor.received).toHaveLength(maxRedirects + 1);
            expect((error as UniliveError).message).toContain(`after ${maxRedirects} redirects`);
            expect(heard).toEqual(['request', `response ${status}`, 'error UniliveError']);
          } else {
            expect(error).toBeUndefined();
            // A redirect followed within the origin is no answer of its own: the one it leads to is heard.
            expect(heard).toEqual(['request', 'response 200']);
            expect((result as { data: unknown }).data).toEqual({ stream: { id: 'landed' } });
            expect(vendor.received.map((entry) => entry.path)).toEqual([
              '/api/live_streams',
              kind === 'same-origin' ? `/api/landed?token=${secretInTarget}` : '/api/landed',
            ]);
          }
          // A body, when there was one, went out once, to the vendor only.
          const bodies = vendor.received.filter((entry) => entry.body !== '');
          expect(bodies).toHaveLength(body ? 1 : 0);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('under nock too: a 307 to another host is not followed', async () => {
    nock.disableNetConnect();
    try {
      const scope = nock('https://api.vendor.test')
        .post('/api/live_streams', { name: 'A' })
        .reply(307, 'moved', { location: 'https://attacker.test/collect' });
      const attacker = nock('https://attacker.test').post('/collect').reply(201, landed);
      const secrets = new SecretSet();
      const http = createHttpClient({
        provider: 'test-vendor',
        baseUrl: 'https://api.vendor.test/api',
        headers: () => ({ authorization: `Bearer ${token}` }),
        secrets,
      });
      const error = await http
        .request({ operation: 'create', method: 'POST', path: 'live_streams', body: { name: 'A' }, schema })
        .catch((caught: unknown) => caught);
      expect((error as UniliveError).status).toBe(307);
      expect((error as UniliveError).message).toContain('to https://attacker.test,');
      expect(scope.isDone()).toBe(true);
      expect(attacker.isDone()).toBe(false);
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });
});
