import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSettings } from '../config/settings.js';
import { InvalidInputError } from '../errors/errors.js';
import { SecretSet } from '../secrets.js';
import { createHttpClient, type HttpClientSettings } from './http-client.js';
import { isLoopbackHost } from './transport-settings.js';

const make = (overrides: Record<string, unknown>) => {
  let requests = 0;
  const settings = {
    provider: 'test-vendor',
    baseUrl: 'https://api.vendor.test/v2',
    headers: () => ({ authorization: 'Bearer secret-token-value-123' }),
    secrets: new SecretSet(),
    fetch: async () => {
      requests += 1;
      return new Response('{}');
    },
    ...overrides,
  } as unknown as HttpClientSettings;
  try {
    createHttpClient(settings);
    return { error: undefined, requests };
  } catch (error) {
    return { error, requests };
  }
};

describe('transport settings are checked when the client is made', () => {
  it.each([
    ['baseUrl', 'not a url'],
    ['baseUrl', ''],
    ['baseUrl', '   '],
    ['baseUrl', 'javascript:alert(1)'],
    ['baseUrl', 'data:text/plain,hello'],
    ['baseUrl', 'ftp://api.vendor.test/'],
    ['baseUrl', 'file:///etc/passwd'],
    ['baseUrl', 8080],
    ['baseUrl', null],
    ['baseUrl', 'https://user:pass@api.vendor.test/v2'],
    ['baseUrl', 'https://user@api.vendor.test/v2'],
    ['baseUrl', 'http://api.vendor.test/v2'],
    ['baseUrl', 'http://10.0.0.8/v2'],
    ['baseUrl', 'https://api.vendor.test/v2?token=x'],
    // An empty query or fragment: the request's path would be written after it, into the fragment.
    ['baseUrl', 'https://api.vendor.test/v2#'],
    ['baseUrl', 'https://api.vendor.test/v2?'],
    ['baseUrl', 'https://api.vendor.test/v2?#'],
    ['baseUrl', 'https://api.vendor.test/#'],
    ['timeoutMs', Number.NaN],
    ['timeoutMs', -1],
    ['timeoutMs', 0],
    ['timeoutMs', Number.POSITIVE_INFINITY],
    ['timeoutMs', 2 ** 31],
    ['timeoutMs', '1000'],
    ['totalTimeoutMs', Number.NaN],
    ['totalTimeoutMs', -5],
    ['totalTimeoutMs', Number.POSITIVE_INFINITY],
    ['maxResponseBytes', 0],
    ['maxResponseBytes', 1.5],
    ['maxResponseBytes', Number.NaN],
    ['allowInsecureHttp', 'yes'],
    ['fetch', 'not a function'],
  ])('%s = %s is an InvalidInputError naming the setting, never its value', (setting, value) => {
    const { error, requests } = make({ [setting]: value });
    expect(InvalidInputError.isInstance(error)).toBe(true);
    const failure = error as InvalidInputError;
    expect(failure.operation).toBe('configure');
    expect(failure.provider).toBe('test-vendor');
    expect(failure.issues.map((issue) => issue.path)).toEqual([setting]);
    expect(failure.delivery).toBe('not-sent');
    if (typeof value === 'string' && value.length > 3) expect(failure.message).not.toContain(value);
    expect(requests).toBe(0);
  });

  it('a URL object, even one holding an https URL, is refused saying to give its href', () => {
    for (const baseUrl of [new URL('https://api.vendor.test/v2'), new URL('http://127.0.0.1:9/')]) {
      const { error, requests } = make({ baseUrl });
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).issues).toEqual([
        {
          path: 'baseUrl',
          message: 'expected an absolute https:// URL as a string, not a URL object (give its href)',
        },
      ]);
      expect(requests).toBe(0);
      expect(make({ baseUrl: baseUrl.href }).error).toBeUndefined();
    }
  });

  it.each([
    [{ maxRetries: 100_000 }, 'retry.maxRetries'],
    [{ maxRetries: -1 }, 'retry.maxRetries'],
    [{ maxRetries: 1.5 }, 'retry.maxRetries'],
    [{ baseDelayMs: 0 }, 'retry.baseDelayMs'],
    [{ baseDelayMs: Number.NaN }, 'retry.baseDelayMs'],
    [{ maxDelayMs: Number.POSITIVE_INFINITY }, 'retry.maxDelayMs'],
    [{ baseDelayMs: 1000, maxDelayMs: 10 }, 'retry.maxDelayMs'],
    [{ maxRetryAfterMs: -1 }, 'retry.maxRetryAfterMs'],
    [{ retryStatuses: [200] }, 'retry.retryStatuses'],
    [{ retryStatuses: 'all' }, 'retry.retryStatuses'],
    [{ maxRetry: 3 }, 'retry.maxRetry'],
    ['fast', 'retry'],
  ])('retry %j is refused at %s', (retry, path) => {
    const { error } = make({ retry });
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual([path]);
  });

  it('accepts https anywhere, http to loopback, and http elsewhere only with allowInsecureHttp', () => {
    for (const baseUrl of [
      'https://api.vendor.test/v2',
      'http://127.0.0.1:8080/x',
      'http://127.8.0.1/x',
      'http://localhost:3000',
      'http://[::1]:9000/',
      'http://127.1:8080/',
      'http://[::ffff:127.0.0.1]/',
    ])
      expect(make({ baseUrl }).error).toBeUndefined();
    expect(make({ baseUrl: 'http://api.vendor.test/v2', allowInsecureHttp: true }).error).toBeUndefined();
    expect(make({ retry: { maxRetries: 10, baseDelayMs: 1, maxDelayMs: 1 } }).error).toBeUndefined();
  });

  it('tells loopback hosts apart from look-alikes', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('127.0.0.1.attacker.test')).toBe(false);
    expect(isLoopbackHost('localhost.attacker.test')).toBe(false);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });

  it('refuses plain http to names under .localhost: Node sends them to DNS, not to this machine', () => {
    for (const host of [
      'sandbox.localhost',
      'api.localhost',
      'evil.localhost',
      'a.b.localhost',
      'localhost.',
    ]) {
      expect(isLoopbackHost(new URL(`http://${host}/`).hostname)).toBe(false);
      const { error } = make({ baseUrl: `http://${host}/` });
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['baseUrl']);
      expect(make({ baseUrl: `http://${host}/`, allowInsecureHttp: true }).error).toBeUndefined();
      expect(make({ baseUrl: `https://${host}/` }).error).toBeUndefined();
    }
  });
});

describe('transportSettings: an unknown retry setting', () => {
  const refusal = (retry: object): InvalidInputError => {
    try {
      createHttpClient({
        provider: 'liveapi',
        baseUrl: 'https://api.example.com',
        headers: () => ({}),
        secrets: new SecretSet(),
        retry: retry as never,
      });
    } catch (error) {
      if (InvalidInputError.isInstance(error)) return error;
      throw error;
    }
    throw new Error('not refused');
  };

  it("is read when defined non-enumerable, through a factory's settings as given directly", () => {
    // Out of range: refused, never dropped for the default.
    const retry = Object.defineProperty({ baseDelayMs: 1 }, 'maxRetries', { value: 99, enumerable: false });
    expect(refusal(retry).issues).toEqual([
      { path: 'retry.maxRetries', message: 'expected a whole number from 0 to 10' },
    ]);
    const unknown = Object.defineProperty({}, 'bogus', { value: 1, enumerable: false });
    expect(refusal(unknown).issues.map((issue) => issue.path)).toEqual(['retry.bogus']);
    // A factory reads its settings into a copy first: the copy keeps it.
    const copied = readSettings<{ retry: object }>('liveapi', { retry }, { retry: true }).retry;
    expect(refusal(copied).issues.map((issue) => issue.path)).toEqual(['retry.maxRetries']);
  });

  it('names the first 100 unknown retry settings and counts the rest', () => {
    const retry: Record<string, number> = {};
    for (let index = 0; index < 5_000; index += 1) retry[`zq${index.toString(36)}x`] = 1;
    const { issues } = refusal(retry);
    expect(issues).toHaveLength(101);
    expect(issues[100]).toEqual({ path: 'retry', message: 'and 4900 more unknown settings, not listed' });
  });

  it('is named when it looks like a name, and hidden when it may be a credential (generated)', () => {
    const credentialShaped = fc.oneof(
      fc.stringMatching(/^[0-9][0-9a-f]{15,63}$/),
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{40,80}$/),
      fc.base64String({ minLength: 20, maxLength: 60 }).filter((text) => /[+/=]/.test(text)),
    );
    fc.assert(
      fc.property(credentialShaped, (name) => {
        const error = refusal({ [name]: 1 });
        expect(error.issues.map((issue) => issue.path)).toEqual(['retry.[REDACTED]']);
        expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(name);
      }),
      { numRuns: 100 },
    );
    expect(refusal({ maxRetry: 1 }).issues).toEqual([
      { path: 'retry.maxRetry', message: 'unknown setting; did you mean "maxRetries"?' },
    ]);
    expect(refusal({ region: 1 }).issues[0]?.message).toMatch(
      /^unknown setting; expected one of maxRetries, /,
    );
    // One repeating a credential the HTTP layer holds, in any case, though it looks like a name.
    const secrets = new SecretSet();
    secrets.add('production-key-alpha');
    for (const name of ['production-key-alpha', 'PRODUCTION-KEY-ALPHA']) {
      let error: unknown;
      try {
        createHttpClient({
          provider: 'liveapi',
          baseUrl: 'https://api.example.com',
          headers: () => ({}),
          secrets,
          retry: { [name]: 1 } as never,
        });
      } catch (caught) {
        error = caught;
      }
      expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['retry.[REDACTED]']);
    }
  });
});
