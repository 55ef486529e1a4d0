import { inspect, types } from 'node:util';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretSet, toRedactor } from '../secrets.js';
import {
  AbortError,
  AuthenticationError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  ProviderUnavailableError,
  RateLimitError,
  ResponseShapeError,
  TimeoutError,
  UnsupportedOperationError,
} from './errors.js';
import {
  abortedMessage,
  copyError,
  type Delivery,
  errorTextLimits,
  maskedError,
  servedOperation,
  UniliveError,
  withErrorFields,
} from './unilive-error.js';

const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLXNlY3JldA';
const streamKey = 'live_sk_9f8e7d6c5b4a';

describe('UniliveError', () => {
  it('carries what a caller branches on', () => {
    const error = new RateLimitError({
      message: 'liveapi get failed (HTTP 429)',
      provider: 'liveapi',
      operation: 'get',
      status: 429,
      vendorCode: 'rate_limited',
      vendorMessage: 'Too many requests',
      requestId: 'req-1',
      retryAfterMs: 2000,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('RateLimitError');
    expect(error.isRetryable).toBe(true);
    expect(error.toJSON()).toEqual({
      name: 'RateLimitError',
      message: 'liveapi get failed (HTTP 429)',
      provider: 'liveapi',
      operation: 'get',
      status: 429,
      vendorCode: 'rate_limited',
      vendorMessage: 'Too many requests',
      requestId: 'req-1',
      retryAfterMs: 2000,
      isRetryable: true,
    });
  });

  it('isInstance works per class and across copies of the package', () => {
    const error = new NotFoundError({ message: 'gone' });
    expect(UniliveError.isInstance(error)).toBe(true);
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(ConflictError.isInstance(error)).toBe(false);
    // Another copy of core: a different class with the same kind marker.
    const foreign = Object.assign(Object.create(Error.prototype), {
      [Symbol.for('unilive.error.kinds')]: ['NotFoundError', 'UniliveError'],
    });
    expect(NotFoundError.isInstance(foreign)).toBe(true);
    expect(UniliveError.isInstance(foreign)).toBe(true);
    expect(UniliveError.isInstance(new Error('plain'))).toBe(false);
    expect(UniliveError.isInstance(null)).toBe(false);
  });

  it.each([
    [AuthenticationError, false],
    [NotFoundError, false],
    [ConflictError, false],
    [InvalidInputError, false],
    [ResponseShapeError, false],
    [UnsupportedOperationError, false],
    [AbortError, false],
    [RateLimitError, true],
    [ProviderUnavailableError, true],
    [TimeoutError, true],
  ] as const)('%s.isRetryable is %s', (ErrorClass, retryable) => {
    expect(new ErrorClass({ message: 'x' }).isRetryable).toBe(retryable);
  });

  it('a base error is retryable by status', () => {
    expect(new UniliveError({ message: 'x', status: 503 }).isRetryable).toBe(true);
    expect(new UniliveError({ message: 'x', status: 418 }).isRetryable).toBe(false);
    expect(new UniliveError({ message: 'x' }).isRetryable).toBe(false);
  });

  it('scrubs secrets from message, vendor message, stack, JSON, inspect and the cause', () => {
    const cause = new Error(`request to rtmp://ingest.example.com/live/${streamKey} with Bearer ${token}`);
    const error = new ProviderUnavailableError({
      message: `failed for ${streamKey} using ${token}`,
      vendorMessage: `key ${streamKey} rejected`,
      provider: 'liveapi',
      operation: 'create',
      cause,
      secrets: [streamKey, token],
    });
    const views = [
      error.message,
      error.vendorMessage,
      error.stack,
      JSON.stringify(error),
      inspect(error),
      String(error),
    ];
    for (const view of views) {
      expect(view).not.toContain(streamKey);
      expect(view).not.toContain(token);
    }
    expect(error.message).toBe('failed for [REDACTED] using [REDACTED]');
    expect((error.cause as Error).message).toBe(
      'request to rtmp://ingest.example.com/live/[REDACTED] with Bearer [REDACTED]',
    );
  });

  it('keeps a system error code from the cause for diagnosis', () => {
    const cause = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    const error = new ProviderUnavailableError({ message: 'unreachable', cause });
    expect(((error.cause as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
    // Found while writing docs/reliability.md: toJSON dropped the code that errors.md promises.
    expect(error.toJSON().cause).toEqual({
      name: 'TypeError',
      message: 'fetch failed',
      code: 'ECONNREFUSED',
    });
  });

  it('holds its reduced cause fixed, stack included, for every error and copy that shares it', () => {
    const error = new ProviderUnavailableError({
      message: 'unreachable',
      cause: new TypeError('fetch failed', { cause: new Error('connect') }),
    });
    const copy = copyError(error);
    for (const cause of [error.cause as Error, (error.cause as Error).cause as Error]) {
      expect(Object.isFrozen(cause)).toBe(true);
      // V8's stack accessor keeps a working setter on a frozen error: a value, it cannot be set.
      expect(() => {
        cause.stack = 'changed by one holder';
      }).toThrow(TypeError);
    }
    expect((copy.cause as Error).stack).toBe('TypeError: fetch failed');
    expect(((copy.cause as Error).cause as Error).stack).toBe('Error: connect');
  });

  it("keeps another realm's Error as this realm's would be: name, scrubbed message, code and causes", () => {
    const secrets = new SecretSet();
    secrets.add(token);
    // What the error keeps of its cause, read the way a caller reads it.
    const kept = (error: UniliveError) => {
      const cause = error.cause as Error & { code?: string; cause?: Error & { code?: string } };
      return {
        name: cause.name,
        message: cause.message,
        code: cause.code,
        inner: cause.cause && {
          name: cause.cause.name,
          message: cause.cause.message,
          code: cause.cause.code,
        },
        json: error.toJSON().cause,
      };
    };
    fc.assert(
      fc.property(
        fc.constantFrom('Error', 'TypeError', 'RangeError'),
        fc.string({ maxLength: 40 }),
        fc.option(fc.constantFrom('ECONNRESET', 'ABORT_ERR'), { nil: undefined }),
        (kind, text, code) => {
          const message = `${text} Bearer ${token}`;
          // Made by the other realm's own constructors, as a vm context's or an iframe's code makes them.
          const foreign = runInNewContext(
            '(() => { const inner = new Error("inner"); if (code) inner.code = code; return new this[kind](message, { cause: inner }); })()',
            { kind, message, code },
          ) as unknown;
          expect(foreign instanceof Error).toBe(false);
          const inner = Object.assign(new Error('inner'), code ? { code } : {});
          const Kind = { Error, TypeError, RangeError }[kind as 'Error'];
          const local = new Kind(message, { cause: inner });
          const fromForeign = new ProviderUnavailableError({
            message: 'unreachable',
            cause: foreign,
            secrets,
          });
          const fromLocal = new ProviderUnavailableError({ message: 'unreachable', cause: local, secrets });
          expect(kept(fromForeign)).toEqual(kept(fromLocal));
          expect(kept(fromForeign).name).toBe(kind);
          expect(kept(fromForeign).message).not.toContain(token);
        },
      ),
    );
  });

  it('InvalidInputError without a vendor status was refused before any request: delivery not-sent', () => {
    fc.assert(
      fc.property(
        fc.option(fc.constantFrom(400, 422), { nil: undefined }),
        fc.option(fc.constantFrom('not-sent', 'refused', 'unknown') as fc.Arbitrary<Delivery>, {
          nil: undefined,
        }),
        (status, delivery) => {
          const error = new InvalidInputError({ message: 'bad', status, delivery });
          // Given: as given. Not given: not-sent without a status (nothing was sent), absent with one.
          expect(error.delivery).toBe(delivery ?? (status === undefined ? 'not-sent' : undefined));
          expect(error.toJSON().delivery).toBe(error.delivery);
        },
      ),
    );
  });

  it('InvalidInputError and ResponseShapeError list their issues in JSON', () => {
    const input = new InvalidInputError({
      message: 'bad',
      issues: [{ path: 'name', message: 'expected a string' }],
    });
    expect(input.toJSON().issues).toEqual([{ path: 'name', message: 'expected a string' }]);
    const shape = new ResponseShapeError({
      message: 'bad',
      issues: [{ path: 'live_stream.id', expected: 'string' }],
    });
    expect(shape.toJSON().issues).toEqual([{ path: 'live_stream.id', expected: 'string' }]);
  });

  it('TimeoutError names the last state seen', () => {
    const error = new TimeoutError({ message: 'late', lastState: 'starting' });
    expect(error.lastState).toBe('starting');
    expect(error.toJSON().lastState).toBe('starting');
  });

  it('redacts a vendor message first and cuts it after, so no part of a secret survives the cut', () => {
    fc.assert(
      fc.property(
        // Letters absent from "[REDACTED]", and no digits (stack traces carry line numbers): any fragment of
        // the secret found in a view is a leak.
        fc.stringMatching(/^[KLMNOPQUVWXYZ]{8,64}$/),
        fc.nat({ max: 1_200 }),
        fc.nat({ max: 2_000 }),
        (secret, before, after) => {
          const text = `${'x'.repeat(before)}${secret}${'y'.repeat(after)}`;
          const error = new InvalidInputError({
            message: `liveapi create failed (HTTP 422): ${text}`,
            vendorMessage: text,
            vendorCode: text,
            requestId: text,
            issues: [{ path: text, message: text }],
            cause: new Error(text),
            secrets: [secret],
          });
          const views = [JSON.stringify(error), inspect(error), String(error), error.stack ?? ''];
          for (let start = 0; start + 4 <= secret.length; start += 1) {
            const fragment = secret.slice(start, start + 4);
            for (const view of views) expect(view).not.toContain(fragment);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('caps every vendor text, so a 5 MB answer makes a small error', () => {
    const huge = `start ${'z'.repeat(5_000_000)}`;
    const error = new ProviderUnavailableError({
      message: `videosdk get failed (HTTP 503): ${huge}`,
      vendorMessage: huge,
      vendorCode: huge,
      requestId: huge,
      cause: new Error(huge),
    });
    expect(error.message.length).toBeLessThanOrEqual(errorTextLimits.message + 1);
    expect(error.vendorMessage?.length).toBeLessThanOrEqual(errorTextLimits.vendorMessage + 1);
    expect(error.vendorCode?.length).toBeLessThanOrEqual(errorTextLimits.vendorCode + 1);
    expect(error.requestId?.length).toBeLessThanOrEqual(errorTextLimits.requestId + 1);
    expect((error.cause as Error).message.length).toBeLessThanOrEqual(errorTextLimits.causeMessage + 1);
    expect(JSON.stringify(error).length).toBeLessThan(6_000);
    expect(error.vendorMessage?.endsWith('…')).toBe(true);
  });

  it('scrubs the request id, which the vendor chose, in every view', () => {
    const secret = 'sk_live_request_echo_1234';
    const secrets = new SecretSet();
    secrets.add(secret);
    const error = new AuthenticationError({
      message: 'liveapi get failed (HTTP 401)',
      status: 401,
      requestId: `req-${secret} Bearer abc.def.ghi`,
      secrets,
    });
    expect(error.requestId).toBe('req-[REDACTED] Bearer [REDACTED]');
    for (const view of [JSON.stringify(error), inspect(error)]) {
      expect(view).not.toContain(secret);
      expect(view).not.toContain('abc.def.ghi');
    }
  });

  it('scrubs the paths and messages of issues', () => {
    const error = new ResponseShapeError({
      message: 'bad',
      issues: [{ path: 'live_streams.the-stream-key-value', expected: 'string' }],
      secrets: ['the-stream-key-value'],
    });
    expect(error.issues).toEqual([{ path: 'live_streams.[REDACTED]', expected: 'string' }]);
  });

  it('keeps only a system code and an identifier name from a cause: a header or a token there is dropped', () => {
    const credential = fc
      .string({ minLength: 8, maxLength: 40, unit: fc.constantFrom(...'ABCDEFGHJKabcdefghjk0123456789_-') })
      .filter((value) => /[A-Za-z]/.test(value));
    fc.assert(
      fc.property(credential, fc.boolean(), (secret, upper) => {
        const value = upper ? secret.toUpperCase().replace(/[^A-Z0-9_]/g, 'X') : secret;
        const secrets = new SecretSet();
        secrets.add(value);
        const causes = [
          Object.assign(new Error('proxy failed'), { code: `Bearer ${value}` }),
          Object.assign(new Error('proxy failed'), { code: value }),
          Object.assign(new Error('proxy failed'), { name: `ProxyError[${value}]` }),
          Object.assign(new Error('proxy failed'), { name: value }),
          Object.assign(new Error('proxy failed'), { name: 'Proxy\u001b[2JError' }),
          new Error('outer', { cause: Object.assign(new Error('inner'), { code: `E ${value}` }) }),
        ];
        for (const cause of causes) {
          const error = new ProviderUnavailableError({ message: 'unreachable', cause, secrets });
          const views = [
            JSON.stringify(error.toJSON()),
            inspect(error, { depth: 10 }),
            inspect(error.cause, { depth: 10 }),
            String((error.cause as Error).stack),
            String((error.cause as Error).name),
            String((error.cause as { code?: unknown }).code),
          ].join('\n');
          expect(views).not.toContain(value);
          expect(views).not.toContain('\u001b');
          expect((error.toJSON().cause as { code?: unknown }).code).toBeUndefined();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps system codes and class names as they are', () => {
    for (const code of ['ECONNRESET', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL', 'ABORT_ERR']) {
      const cause = Object.assign(new TypeError('fetch failed'), { code });
      expect(new ProviderUnavailableError({ message: 'x', cause }).toJSON().cause).toEqual({
        name: 'TypeError',
        message: 'fetch failed',
        code,
      });
    }
  });

  it("gives the error's cause the system code found down its chain, as toJSON does (generated)", () => {
    fc.assert(
      fc.property(
        // Up to 5 levels in all, as deep as a cause chain is kept (ky's: 3).
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom('ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'UND_ERR_SOCKET'),
        fc.option(fc.constantFrom('ETIMEDOUT'), { nil: undefined }),
        (depth, deepest, own) => {
          // ky's NetworkError wrapping fetch's TypeError wrapping the socket's error, `depth` levels deep.
          let cause: Error = Object.assign(new Error('connect failed'), { code: deepest });
          for (let level = 0; level < depth; level += 1) cause = new TypeError('fetch failed', { cause });
          const top = new Error('Request failed due to a network error', { cause });
          top.name = 'NetworkError';
          if (own !== undefined) Object.assign(top, { code: own });
          const error = new ProviderUnavailableError({ message: 'x', cause: top });
          const expected = own ?? deepest;
          expect((error.cause as { code?: unknown }).code).toBe(expected);
          expect((error.toJSON().cause as { code?: unknown }).code).toBe(expected);
        },
      ),
    );
  });

  it('shows control, format and separator characters of every text as escapes', () => {
    const esc = 'bad \u001b[2J\u001b]52;c;ZXZpbA==\u0007 \u009b31m\u200b\u2028\u202eevil\u{E0041}\r\nend';
    const error = new UniliveError({
      message: `get failed: ${esc}`,
      vendorMessage: esc,
      vendorCode: `E${esc}`,
      requestId: `req${esc}`,
      cause: new Error(esc),
    });
    const shown =
      'bad \\x1b[2J\\x1b]52;c;ZXZpbA==\\x07 \\x9b31m\\u200b\\u2028\\u202eevil\\u{e0041}\\x0d\\x0aend';
    expect(error.vendorMessage).toBe(shown);
    expect(error.message).toBe(`get failed: ${shown}`);
    expect((error.cause as Error).message).toBe(shown);
    const unprintable = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const made = new UniliveError({
          message: text,
          vendorMessage: text,
          vendorCode: text,
          requestId: text,
          cause: new Error(text),
        });
        for (const field of [
          made.message,
          made.vendorMessage,
          made.vendorCode,
          made.requestId,
          (made.cause as Error).message,
        ]) {
          expect(
            field?.replace(/\p{Extended_Pictographic}\u200d(?=\p{Extended_Pictographic})/gu, ''),
          ).not.toMatch(unprintable);
        }
      }),
    );
    // An emoji sequence keeps its joiners; a lone joiner does not.
    expect(new UniliveError({ message: 'x', vendorMessage: '👩‍👩‍👧 a\u200db' }).vendorMessage).toBe(
      '👩‍👩‍👧 a\\u200db',
    );
  });
});

// Every class of error a caller can catch, for the properties every copy of one must keep.
const errorClasses = [
  UniliveError,
  InvalidInputError,
  NotFoundError,
  AuthenticationError,
  ConflictError,
  RateLimitError,
  ProviderUnavailableError,
  TimeoutError,
  UnsupportedOperationError,
  ResponseShapeError,
  AbortError,
] as const;

describe('maskedError on an error built with the same secrets', () => {
  // Built with them, its fields were scrubbed then; what is added to it afterwards was not.
  it('masks a field added after the error was built, or after it was last found clean, and keeps a clean one as it is', () => {
    const set = new SecretSet();
    set.add(streamKey);
    const redactor = toRedactor(set);
    const error = new NotFoundError({
      provider: 'p',
      message: `gone ${streamKey}`,
      status: 404,
      secrets: set,
    });
    expect(error.message).toBe('gone [REDACTED]');
    expect(maskedError(error, redactor)).toBe(error);
    expect(maskedError(error, redactor)).toBe(error);
    const fields = error as unknown as Record<string, unknown>;
    fields.note = 'nothing secret';
    expect(maskedError(error, redactor)).toBe(error);
    // The same number of fields as when it was last found clean, one of them new.
    delete fields.note;
    fields.debugContext = { streamKey };
    const masked = maskedError(error, redactor) as unknown as Record<string, unknown>;
    expect(masked).not.toBe(error);
    expect(masked.debugContext).toEqual({ streamKey: '[REDACTED]' });
    expect(NotFoundError.isInstance(masked)).toBe(true);
    expect(maskedError(masked as unknown as NotFoundError, redactor)).toBe(masked);
  });
});

describe('copies of an error keep its stack', () => {
  const classes = errorClasses;

  it('copyError and withErrorFields (what a registry and hooks hand on) carry the stack of the original', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...classes),
        fc.string({ maxLength: 60 }),
        fc.record({
          providerName: fc.option(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), { nil: undefined }),
          maybeCreated: fc.option(fc.boolean(), { nil: undefined }),
          delivery: fc.option(fc.constantFrom('not-sent', 'refused', 'unknown') as fc.Arbitrary<'unknown'>, {
            nil: undefined,
          }),
        }),
        (ErrorClass, message, fields) => {
          const error = new ErrorClass({ provider: 'liveapi', operation: 'get', message });
          expect(typeof error.stack).toBe('string');
          const copies = [copyError(error), withErrorFields(error, fields)];
          for (const copy of copies) {
            expect(copy.stack).toBe(error.stack);
            expect(copy).toBeInstanceOf(ErrorClass);
          }
          // Still writable, for tools that rewrite stacks.
          const [copy] = copies as [UniliveError];
          copy.stack = 'rewritten';
          expect(copy.stack).toBe('rewritten');
          expect(error.stack).not.toBe('rewritten');
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('copies are errors to the platform', () => {
  const classes = errorClasses;

  // A worker pool, a job queue or a logger that checks `Error.isError` sees what the original was: a copy
  // made as `Object.create(prototype)` was a plain object to them, and `structuredClone` (what
  // `postMessage` does) lost its message.
  it('copyError and withErrorFields make native errors that structuredClone and postMessage keep', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...classes),
        fc.string({ maxLength: 60 }),
        fc.option(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), { nil: undefined }),
        (ErrorClass, message, providerName) => {
          const error = new ErrorClass({ provider: 'liveapi', operation: 'get', message });
          for (const copy of [copyError(error), withErrorFields(error, { providerName })]) {
            expect(types.isNativeError(copy)).toBe(true);
            expect(copy).toBeInstanceOf(ErrorClass);
            expect(copy.name).toBe(error.name);
            const cloned = structuredClone(copy) as Error;
            expect(cloned).toBeInstanceOf(Error);
            expect(cloned.message).toBe(error.message);
            expect(cloned.stack).toBe(error.stack);
            // Nothing of the copy's own making: only the original's own fields, and `providerName` given.
            const added = providerName === undefined ? [] : ['providerName'];
            expect(new Set(Reflect.ownKeys(copy))).toEqual(new Set([...Reflect.ownKeys(error), ...added]));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('servedOperation', () => {
  it("renames an abort's message with its operation, and keeps every other message", () => {
    fc.assert(
      fc.property(
        fc.constantFrom('liveapi', 'wowza-video', undefined),
        fc.constantFrom('get', 'list', 'start'),
        fc.constantFrom('waitForState', 'migrate', 'findByName'),
        (provider, inner, served) => {
          const abort = new AbortError({
            provider,
            operation: inner,
            message: abortedMessage(provider, inner),
            delivery: 'not-sent',
          });
          const renamed = servedOperation(abort, served);
          const expected = provider ? `${provider} ${served} was aborted` : `${served} was aborted`;
          expect(renamed).toMatchObject({ name: 'AbortError', operation: served, message: expected });
          expect(renamed.stack?.split('\n')[0]).toBe(`AbortError: ${expected}`);
          expect(abort.message).toBe(abortedMessage(provider, inner));
          const other = new TimeoutError({
            provider,
            operation: inner,
            message: `${provider} ${inner} was slow`,
          });
          expect(servedOperation(other, served).message).toBe(`${provider} ${inner} was slow`);
        },
      ),
    );
  });
});
