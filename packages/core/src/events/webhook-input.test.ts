import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { eventOf } from '../../test/events.js';
import { hostileKinds, makeHostile, wholeBuffers } from '../../test/hostile-bytes.js';
import { AuthenticationError, InvalidInputError, WebhookVerificationError } from '../errors/errors.js';
import { liveStreamStates } from '../live-stream.js';
import { isLiveStreamEvent, liveStreamEventTypes } from './live-stream-event.js';
import {
  checkWebhookTimestamp,
  namedStreamEvent,
  parseWebhookJson,
  readEventTime,
  readWebhookBody,
  readWebhookOptions,
  webhookBodyBytes,
  webhookHeader,
  webhookSecrets,
  webhookSecretText,
} from './webhook-input.js';

function failure(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('readWebhookBody', () => {
  it('takes text, Buffer, Uint8Array, ArrayBuffer and views, byte for byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (value) => {
        expect([...readWebhookBody(Buffer.from(value), 'x')]).toEqual([...value]);
        expect([...readWebhookBody(value, 'x')]).toEqual([...value]);
        expect([...readWebhookBody(Uint8Array.from(value).buffer, 'x')]).toEqual([...value]);
        expect([...readWebhookBody(new DataView(Uint8Array.from(value).buffer), 'x')]).toEqual([...value]);
      }),
    );
    expect([...readWebhookBody('é', 'x')]).toEqual([0xc3, 0xa9]);
  });

  it('reads a view by the bytes it holds, whatever its buffer, realm, prototype, getters or species (generated)', () => {
    // The caller's code on a view (an own getter, a subclass, a species that takes the buffer away when asked)
    // is never run: the view is read through the platform's own accessors, as a Uint8Array of unilive's own,
    // and copied, so what the caller writes afterwards changes nothing read.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.constantFrom(...hostileKinds), (bytes, kind) => {
        const { value, buffer } = makeHostile(bytes, kind);
        const read = readWebhookBody(value, 'x');
        expect(Object.getPrototypeOf(read), kind.join(' ')).toBe(Uint8Array.prototype);
        expect([...read], kind.join(' ')).toEqual([...bytes]);
        new Uint8Array(buffer).fill(0);
        // Always a private copy: what the caller writes afterwards changes nothing read.
        expect([...read], kind.join(' ')).toEqual([...bytes]);
      }),
      { examples: hostileKinds.map((kind) => [Uint8Array.of(123, 125), kind]) },
    );
  });

  it('webhookBodyBytes, the reader every adapter awaits, resolves to the bytes a view holds, never to its then (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 40 }),
        fc.constantFrom(...hostileKinds),
        async (bytes, kind) => {
          const read = await webhookBodyBytes(makeHostile(bytes, kind).value, 'x');
          expect([...read], kind.join(' ')).toEqual([...bytes]);
        },
      ),
      { examples: hostileKinds.map((kind) => [Uint8Array.of(123, 125), kind]) },
    );
  });

  it('copies the bytes when called: what the caller writes into them afterwards is not what is verified or parsed', async () => {
    // A signature check awaits (WebCrypto); bytes the caller changes meanwhile must not be what gets parsed.
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.constantFrom('Buffer', 'Uint8Array', 'ArrayBuffer', 'DataView'),
        async (bytes, kind) => {
          const held = Uint8Array.from(bytes);
          const given =
            kind === 'Buffer'
              ? Buffer.from(held.buffer)
              : kind === 'ArrayBuffer'
                ? held.buffer
                : kind === 'DataView'
                  ? new DataView(held.buffer)
                  : held;
          const reading = webhookBodyBytes(given, 'x');
          held.fill(0);
          expect([...(await reading)], kind).toEqual([...bytes]);
        },
      ),
    );
  });

  it('reads an ArrayBuffer or SharedArrayBuffer of any realm, growable or resizable, byte for byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        for (const [kind, buffer] of Object.entries(wholeBuffers(bytes))) {
          expect([...readWebhookBody(buffer, 'x')], kind).toEqual([...bytes]);
          // With another prototype, or none, a buffer is still the bytes it holds.
          expect([...readWebhookBody(Object.setPrototypeOf(buffer as object, null), 'x')], kind).toEqual([
            ...bytes,
          ]);
        }
      }),
    );
  });

  it('refuses a parsed body with a message that says to pass the raw one, and how', () => {
    for (const parsed of [{ type: 'feeds' }, [1], 42, null, undefined]) {
      const error = failure(() => readWebhookBody(parsed, 'wowza-realtime'));
      expect(WebhookVerificationError.isInstance(error)).toBe(true);
      const { reason, message, provider, operation } = error as WebhookVerificationError;
      expect({ reason, provider, operation }).toEqual({
        reason: 'body-not-raw',
        provider: 'wowza-realtime',
        operation: 'parseWebhook',
      });
      expect(message).toContain('raw request body');
      expect(message).toContain('express.raw');
      expect(message).toContain('request.text()');
    }
  });
});

describe('webhookHeader', () => {
  it('reads fetch Headers and Node header records, whatever the case of the name', () => {
    const headers = new Headers({ 'X-Millicast-Signature': 'sha1=ab' });
    expect(webhookHeader(headers, 'x-millicast-signature')).toBe('sha1=ab');
    expect(webhookHeader({ 'x-millicast-signature': 'sha1=ab' }, 'X-Millicast-Signature')).toBe('sha1=ab');
    expect(webhookHeader({ 'X-Multi': ['a', 'b'] }, 'x-multi')).toBe('a, b');
    expect(webhookHeader({ other: 'x', missing: undefined }, 'missing')).toBeUndefined();
    expect(webhookHeader(new Headers(), 'x')).toBeUndefined();
  });
});

describe('parseWebhookJson', () => {
  it('parses a JSON object and refuses anything else as malformed-body', () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    expect(parseWebhookJson(encode('{"a":1}'), 'liveapi')).toEqual({ a: 1 });
    for (const text of ['[1]', '"x"', '{"a":', '', 'null']) {
      const error = failure(() => parseWebhookJson(encode(text), 'liveapi')) as WebhookVerificationError;
      expect(error.reason).toBe('malformed-body');
    }
    const invalidUtf8 = new Uint8Array([0x7b, 0xff, 0x7d]);
    expect((failure(() => parseWebhookJson(invalidUtf8, 'liveapi')) as WebhookVerificationError).reason).toBe(
      'malformed-body',
    );
  });
});

describe('webhookBodyBytes with a Blob', () => {
  const bytes = new TextEncoder().encode('{"signed":"bytes"}');
  const text = (read: Uint8Array) => new TextDecoder().decode(read);
  // What the caller's own `arrayBuffer` may do: none of it is called, the Blob is read by the bytes it holds.
  const overrides = {
    throws: (thrown: Error) => () => {
      throw thrown;
    },
    rejects: (thrown: Error) => () => Promise.reject(thrown),
    answersText: () => async () => 'no bytes',
    answersOtherBytes: () => async () => new TextEncoder().encode('other').buffer,
    neverSettles: () => () => new Promise<never>(() => {}),
  } as const;

  it('reads a Blob, a subclass or one with its own arrayBuffer, by the bytes it holds (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(overrides) as (keyof typeof overrides)[])),
        fc.constantFrom('own', 'subclass'),
        fc.stringMatching(/^[a-z0-9]{6,16}$/),
        async (kind, where, marker) => {
          const override = overrides[kind](new Error(`caller ${marker}`));
          const blob =
            where === 'own'
              ? Object.assign(new Blob([bytes]), { arrayBuffer: override })
              : new (class extends Blob {
                  override arrayBuffer() {
                    return override() as Promise<ArrayBuffer>;
                  }
                })([bytes]);
          expect(text(await webhookBodyBytes(blob, 'test'))).toBe(text(bytes));
        },
      ),
      {
        numRuns: 20,
        examples: [
          ['neverSettles', 'own', 'neversettles'],
          ['answersOtherBytes', 'subclass', 'otherbytes'],
          ['throws', 'own', 'throwsmarker'],
        ],
      },
    );
  });

  it('refuses what only inherits from Blob.prototype, or cannot be told from one, naming input.body', async () => {
    const fakes = {
      'inherits, no arrayBuffer': () => Object.create(Blob.prototype),
      'inherits, its own arrayBuffer answering bytes': () =>
        Object.assign(Object.create(Blob.prototype), { arrayBuffer: async () => bytes.buffer }),
      'a Proxy whose getPrototypeOf throws': () =>
        new Proxy(new Blob([bytes]), {
          getPrototypeOf: () => {
            throw new Error('caller SECRET-proto');
          },
        }),
    };
    for (const [name, make] of Object.entries(fakes)) {
      const error = await webhookBodyBytes(make(), 'test').catch((caught: unknown) => caught);
      expect(InvalidInputError.isInstance(error), name).toBe(true);
      expect(error, name).toMatchObject({ operation: 'parseWebhook', issues: [{ path: 'input.body' }] });
      expect((error as Error).message, name).not.toContain('SECRET');
    }
  });
});

describe('webhookBodyBytes tells a body by its internal slots, not its prototype', () => {
  const decode = (read: Uint8Array) => new TextDecoder().decode(read);
  const containers = {
    Uint8Array: (bytes: Uint8Array) => Uint8Array.from(bytes),
    Buffer: (bytes: Uint8Array) => Buffer.from(bytes),
    DataView: (bytes: Uint8Array) => new DataView(Uint8Array.from(bytes).buffer),
    ArrayBuffer: (bytes: Uint8Array) => Uint8Array.from(bytes).buffer,
    SharedArrayBuffer: (bytes: Uint8Array) => {
      const shared = new SharedArrayBuffer(bytes.byteLength);
      new Uint8Array(shared).set(bytes);
      return shared;
    },
  } as const;
  const prototypes = {
    none: null,
    Object: Object.prototype,
    Uint8Array: Uint8Array.prototype,
    ArrayBuffer: ArrayBuffer.prototype,
    DataView: DataView.prototype,
    Float64Array: Float64Array.prototype,
    Promise: Promise.prototype,
  } as const;

  it('reads bytes given Blob.prototype by their bytes, and a real Blob given any prototype as a Blob (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z0-9{}":,]{0,40}$/),
        fc.constantFrom(...(Object.keys(containers) as (keyof typeof containers)[])),
        fc.constantFrom(...(Object.keys(prototypes) as (keyof typeof prototypes)[])),
        async (text, container, prototype) => {
          const bytes = new TextEncoder().encode(text);
          const view = Object.setPrototypeOf(containers[container](bytes), Blob.prototype) as unknown;
          expect(decode(await webhookBodyBytes(view, 'test')), container).toBe(text);
          const blob = Object.setPrototypeOf(new Blob([bytes]), prototypes[prototype]) as unknown;
          expect(decode(await webhookBodyBytes(blob, 'test')), prototype).toBe(text);
        },
      ),
      {
        examples: [
          ['{"a":1}', 'Uint8Array', 'none'],
          ['{"a":1}', 'ArrayBuffer', 'Object'],
          ['{"a":1}', 'Buffer', 'Uint8Array'],
          ['{"a":1}', 'SharedArrayBuffer', 'ArrayBuffer'],
          ['{"a":1}', 'DataView', 'Promise'],
        ],
      },
    );
  });

  it('refuses a Proxy of a Blob as what only passes for bytes, none of its traps but getPrototypeOf run (generated)', async () => {
    const signed = new TextEncoder().encode('{"signed":"bytes"}');
    const forged = new Blob(['{"id":"FORGED"}']);
    const handlers = {
      empty: () => ({}),
      forwardsAnotherBlob: () => ({ get: (_: Blob, key: PropertyKey) => Reflect.get(forged, key) }),
      // Every number it forwards (the Blob's length among them) said to be 10.
      liesAboutNumbers: () => ({
        get: (target: Blob, key: PropertyKey) => {
          const value = Reflect.get(target, key) as unknown;
          return typeof value === 'number' ? 10 : value;
        },
      }),
    } as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(handlers) as (keyof typeof handlers)[])),
        fc.constantFrom('proxy', 'inheritsFromProxy', 'subclassInstance'),
        async (kind, how) => {
          const ran: string[] = [];
          const handler: ProxyHandler<Blob> = handlers[kind]();
          // Each trap the caller could run, counted: the default behaviour otherwise.
          const counted = new Proxy(handler, {
            get: (target, trap: string) => {
              if (trap !== 'getPrototypeOf') ran.push(trap);
              return Reflect.get(target, trap);
            },
          });
          const real =
            how === 'subclassInstance' ? new (class extends Blob {})([signed]) : new Blob([signed]);
          const proxy = new Proxy(real, counted);
          const body = how === 'inheritsFromProxy' ? Object.create(proxy) : proxy;
          const error = await webhookBodyBytes(body, 'test').catch((caught: unknown) => caught);
          expect(InvalidInputError.isInstance(error), `${kind} ${how}: ${String(error)}`).toBe(true);
          expect(error).toMatchObject({ operation: 'parseWebhook', issues: [{ path: 'input.body' }] });
          expect((error as Error).message).toContain('(a Proxy of one?)');
          expect(ran, `${kind} ${how}`).toEqual([]);
        },
      ),
      {
        examples: [
          ['empty', 'proxy'],
          ['forwardsAnotherBlob', 'proxy'],
          ['liesAboutNumbers', 'inheritsFromProxy'],
        ],
      },
    );
  });

  it('names a body still to be awaited (a Promise, a thenable), never awaiting it or calling its then', async () => {
    const bytes = new TextEncoder().encode('{"a":1}');
    let thenCalls = 0;
    let thenGetterCalls = 0;
    const bodies: [string, () => unknown, string][] = [
      ['Promise of the text', () => Promise.resolve('{"a":1}'), 'a Promise'],
      ['Promise never settling', () => new Promise(() => {}), 'a Promise'],
      ['Promise of a Blob', () => Promise.resolve(new Blob([bytes])), 'a Promise'],
      ['Proxy of a Promise', () => new Proxy(Promise.resolve(bytes), {}), 'a Promise'],
      [
        'thenable',
        () => ({
          // biome-ignore lint/suspicious/noThenProperty: a thenable that is no Promise is what this case is.
          then: () => {
            thenCalls += 1;
          },
        }),
        'a thenable',
      ],
      [
        'then getter',
        () =>
          Object.defineProperty({}, 'then', {
            get: () => {
              thenGetterCalls += 1;
              return () => {};
            },
          }),
        'a thenable',
      ],
      [
        'inherited then',
        () =>
          Object.create({
            // biome-ignore lint/suspicious/noThenProperty: a thenable that is no Promise is what this case is.
            then: () => {
              thenCalls += 1;
            },
          }),
        'a thenable',
      ],
    ];
    for (const [name, make, said] of bodies) {
      for (const read of [
        async () => readWebhookBody(make(), 'wowza-realtime'),
        () => webhookBodyBytes(make(), 'wowza-realtime'),
      ]) {
        const error = await read().catch((caught: unknown) => caught);
        expect(WebhookVerificationError.isInstance(error), name).toBe(true);
        expect((error as WebhookVerificationError).reason, name).toBe('body-not-raw');
        const { message } = error as Error;
        expect(message, name).toContain(`got ${said}`);
        expect(message, name).toContain('did you forget `await`?');
        expect(message, name).not.toContain('parsed');
      }
    }
    expect({ thenCalls, thenGetterCalls }).toEqual({ thenCalls: 0, thenGetterCalls: 0 });
  });
});

describe('checkWebhookTimestamp', () => {
  it('accepts a timestamp within the tolerance either way, and refuses one beyond it either way', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), (skew) => {
        const run = () =>
          checkWebhookTimestamp({
            provider: 'wowza-realtime',
            timestampMs: 1_700_000_000_000 - skew,
            toleranceMs: 300_000,
            now: 1_700_000_000_000,
            field: 'timestamp',
          });
        if (Math.abs(skew) <= 300_000) expect(run).not.toThrow();
        else expect((failure(run) as WebhookVerificationError).reason).toBe('stale-timestamp');
      }),
    );
  });

  it('says how old or how far ahead, and the tolerance', () => {
    const base = { provider: 'wowza-realtime', toleranceMs: 300_000, now: 1_000_000_000, field: 'timestamp' };
    const old = failure(() => checkWebhookTimestamp({ ...base, timestampMs: 1_000_000_000 - 412_000 }));
    expect((old as Error).message).toContain('timestamp is 412 s old, beyond the tolerance of 300 s');
    const ahead = failure(() => checkWebhookTimestamp({ ...base, timestampMs: 1_000_000_000 + 301_000 }));
    expect((ahead as Error).message).toContain('301 s in the future');
  });

  it('never reads as within the tolerance it is beyond, however small or fractional either is (generated)', () => {
    fc.assert(
      fc.property(
        // A tolerance from 0 to a day, in ms, whole or fractional (`toleranceSeconds: 0.0005` is valid), down
        // to the smallest number there is (`toleranceSeconds: 1e-300` is valid too).
        fc.oneof(
          fc.integer({ min: 0, max: 86_400_000 }),
          fc.double({ min: 0, max: 86_400_000, noNaN: true }),
          fc.double({ min: Number.MIN_VALUE, max: 1e-3, noNaN: true }),
        ),
        fc.oneof(
          fc.double({ min: Number.MIN_VALUE, max: 10_000_000, noNaN: true }),
          fc.double({ min: Number.MIN_VALUE, max: 1e-3, noNaN: true }),
        ),
        fc.boolean(),
        (toleranceMs, beyondMs, ahead) => {
          const now = 1_700_000_000_000;
          const skewMs = toleranceMs + beyondMs;
          const timestampMs = ahead ? now + skewMs : now - skewMs;
          // What the check itself measures: the float sum may land back within the tolerance.
          const measuredMs = Math.abs(now - timestampMs);
          if (measuredMs <= toleranceMs) return;
          const error = failure(() =>
            checkWebhookTimestamp({
              provider: 'wowza-realtime',
              timestampMs,
              toleranceMs,
              now,
              field: 'timestamp',
            }),
          ) as Error;
          const said =
            /timestamp is (\S+) (s|ms) (old|in the future), beyond the tolerance of (\S+) (s|ms) \(/.exec(
              error.message,
            );
          expect(said, error.message).not.toBeNull();
          const [skew, unit, direction, tolerance, toleranceUnit] = (said as RegExpExecArray).slice(
            1,
          ) as string[];
          expect(direction).toBe(ahead ? 'in the future' : 'old');
          expect(toleranceUnit).toBe(unit);
          const inMs = unit === 's' ? 1000 : 1;
          // Both are numbers as JavaScript reads them, the one beyond the other.
          expect(Number(skew), error.message).toBeGreaterThan(Number(tolerance));
          // A tolerance that is not 0 never reads 0; each is the time it names, rounded to its last decimal
          // or exact.
          expect(Number(tolerance) === 0, error.message).toBe(toleranceMs === 0);
          for (const [written, ms] of [
            [skew as string, measuredMs],
            [tolerance as string, toleranceMs],
          ] as const) {
            const decimals = /e/.test(written) ? undefined : (written.split('.')[1] ?? '').length;
            if (decimals === undefined)
              expect(Math.abs(Number(written) * inMs - ms), error.message).toBeLessThanOrEqual(ms * 1e-15);
            else
              expect(Math.abs(Number(written) - ms / inMs), error.message).toBeLessThanOrEqual(
                0.5 * 10 ** -decimals * (1 + 1e-9),
              );
          }
          // Readable: no exponent for a time of a nanosecond or more beyond a tolerance of a nanosecond or
          // more (or none).
          if ((toleranceMs === 0 || toleranceMs >= 1e-6) && measuredMs - toleranceMs >= 2e-6) {
            expect(error.message).not.toMatch(/\de-?\d/);
          }
        },
      ),
      {
        examples: [
          [0.5, 0.5, true],
          [0, 1, true],
          [0, 0.4, false],
          [300_000, 400, false],
          [300_000, 0.001, true],
          // `toleranceSeconds: 1e-300`, a delivery 1 ms old: never `tolerance of 0 s`.
          [1e-297, 1, false],
          // A subnormal tolerance in seconds would not be the one given (2.475e-321 ms is no 5e-324 s).
          [2.475e-321, 0.00012207031250000003, false],
          // `toleranceSeconds: 1e-7`, 0.0003 ms beyond: `0.0000003 s`, never `3e-7 s`.
          [1e-4, 2e-4, false],
          [Number.MIN_VALUE, Number.MIN_VALUE, true],
        ],
      },
    );
  });
});

describe('webhookSecrets', () => {
  const variable = 'UNILIVE_TEST_WEBHOOK_SECRET';
  afterEach(() => {
    delete process.env[variable];
  });
  const source = { provider: 'wowza-realtime', setting: 'secret', environmentVariables: [variable] };

  it('takes one secret, several, or the environment (several separated by commas)', () => {
    expect(webhookSecrets({ ...source, value: 'c2VjcmV0' })).toEqual(['c2VjcmV0']);
    expect(webhookSecrets({ ...source, value: 'new,\r\n old ,' })).toEqual(['new', 'old']);
    expect(webhookSecrets({ ...source, value: ['new', 'old'] })).toEqual(['new', 'old']);
    process.env[variable] = 'new, old';
    expect(webhookSecrets({ ...source, value: undefined })).toEqual(['new', 'old']);
    expect(webhookSecrets({ ...source, value: [] })).toEqual(['new', 'old']);
  });

  it('reads a text from the option exactly as from the environment: split on commas, whitespace dropped', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9+/=_-]{1,24}$/);
    fc.assert(
      fc.property(
        fc.array(part, { minLength: 1, maxLength: 5 }),
        fc.array(fc.constantFrom(',', ', ', ' ,', ',\n', '\t,\r\n', ',,'), { minLength: 1, maxLength: 3 }),
        (parts, glue) => {
          const text = parts
            .map((each, index) => (index === 0 ? each : `${glue[index % glue.length]}${each}`))
            .join('');
          expect(webhookSecretText(text)).toEqual(parts);
          expect(webhookSecrets({ ...source, value: text })).toEqual(parts);
          process.env[variable] = text;
          expect(webhookSecrets({ ...source, value: undefined })).toEqual(parts);
          // A list's entries are taken whole.
          const commas = parts.join(', ');
          expect(webhookSecrets({ ...source, value: [commas] })).toEqual([commas]);
        },
      ),
    );
  });

  it('names the setting and variable when there is none, and refuses control characters, never echoing', () => {
    const missing = failure(() => webhookSecrets({ ...source, value: undefined }));
    expect(AuthenticationError.isInstance(missing)).toBe(true);
    expect((missing as Error).message).toContain(`\`secret\` setting or ${variable}`);
    // Named as the call that read it, as every other refusal of a delivery's parse is.
    expect((missing as AuthenticationError).operation).toBe('parseWebhook');
    const injected = failure(() => webhookSecrets({ ...source, value: ['ok-secret', 'bad\nsecret-value'] }));
    expect(InvalidInputError.isInstance(injected)).toBe(true);
    expect((injected as InvalidInputError).issues).toEqual([
      { path: 'secret.1', message: 'expected no control characters' },
    ]);
    expect(JSON.stringify(injected)).not.toContain('secret-value');
  });
});

describe('readEventTime', () => {
  const receipt = Date.parse('2026-11-29T12:00:00Z');

  it('reads seconds below 10^11 and milliseconds from there on, any date from 2000 to a day ahead', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: receipt + 86_400_000 }), (ms) => {
        expect(readEventTime(ms, receipt)).toEqual({ occurredAt: new Date(ms) });
        const seconds = Math.floor(ms / 1000);
        expect(readEventTime(seconds, receipt)).toEqual({ occurredAt: new Date(seconds * 1000) });
        expect(readEventTime(String(seconds), receipt)).toEqual({ occurredAt: new Date(seconds * 1000) });
        expect(readEventTime(new Date(ms).toISOString(), receipt)).toEqual({ occurredAt: new Date(ms) });
      }),
    );
    // Wowza's fractional seconds.
    expect(readEventTime(1_764_417_600.25, receipt).occurredAt.toISOString()).toBe(
      '2025-11-29T12:00:00.250Z',
    );
  });

  it('reads a date-time without a zone as UTC, whatever the host zone, and ignores spaces around a text', () => {
    const zone = process.env.TZ;
    // A zone with a half-hour offset: a read in the host's zone would be off by 3.5 hours.
    process.env.TZ = 'America/St_Johns';
    try {
      fc.assert(
        fc.property(
          fc.integer({ min: Date.UTC(2000, 0, 1), max: receipt }),
          fc.constantFrom('T', ' '),
          fc.constantFrom('', ' ', '\t', '  '),
          (ms, separator, pad) => {
            const iso = new Date(ms).toISOString();
            const zoneless = `${iso.slice(0, 10)}${separator}${iso.slice(11, 23)}`;
            expect(readEventTime(`${pad}${zoneless}${pad}`, receipt)).toEqual({ occurredAt: new Date(ms) });
            const seconds = Math.floor(ms / 1000);
            expect(readEventTime(`${pad}${seconds}${pad}`, receipt)).toEqual({
              occurredAt: new Date(seconds * 1000),
            });
          },
        ),
      );
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('takes a date without a time of day for no event time: the time of receipt, with what was sent', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: receipt }), (ms) => {
        const day = new Date(ms).toISOString().slice(0, 10);
        expect(readEventTime(day, receipt)).toEqual({ occurredAt: new Date(receipt), unreadable: day });
        expect(readEventTime(`${day}T`, receipt)).toEqual({
          occurredAt: new Date(receipt),
          unreadable: `${day}T`,
        });
      }),
    );
  });

  it('gives the time of receipt, keeping what was sent, for a time it cannot read or that is out of range', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(
            Number.NaN,
            Number.POSITIVE_INFINITY,
            1e20,
            -1,
            0,
            1e15,
            '',
            'yesterday',
            '2026-02-30',
            {},
            [],
            true,
          ),
          fc.integer({ min: receipt + 86_400_001, max: Number.MAX_SAFE_INTEGER }),
          fc.integer({ min: 1e11, max: Date.UTC(2000, 0, 1) - 1 }),
          fc.string().filter((text) => Number.isNaN(Date.parse(text)) && !/^\s*\d/.test(text)),
        ),
        (value) => {
          const time = readEventTime(value, receipt);
          expect(time.occurredAt.getTime()).toBe(receipt);
          expect(time).toHaveProperty('unreadable', value);
        },
      ),
    );
    expect(readEventTime(undefined, receipt)).toEqual({ occurredAt: new Date(receipt) });
  });
});

describe('webhookHeader and the shapes headers come in', () => {
  it('reads Headers, records, Maps and pairs in any case; a number as its text; refuses other values by name', () => {
    const forms = [
      new Headers({ 'X-Sig': 'abc' }),
      { 'x-SIG': 'abc' },
      new Map([['X-sig', 'abc']]),
      [['x-sig', 'abc']] as const,
    ];
    for (const headers of forms) expect(webhookHeader(headers, 'x-sig')).toBe('abc');
    expect(webhookHeader({ 'content-length': 12 }, 'content-length')).toBe('12');
    expect(webhookHeader({ 'x-sig': ['a', 'b'] }, 'x-sig')).toBe('a, b');
    for (const value of [{}, [1], null, true]) {
      let error: unknown;
      try {
        webhookHeader({ 'x-sig': value } as never, 'x-sig');
      } catch (caught) {
        error = caught;
      }
      if (value === null) continue;
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).issues[0]?.path).toBe('input.headers.x-sig');
    }
  });
});

describe('webhookSecrets, entries of a rotation list', () => {
  it('names an empty or non-text entry as a mistake in the list, not a missing credential', () => {
    const source = { provider: 'wowza-realtime', setting: 'secret', environmentVariables: [] };
    for (const [value, path] of [
      [['c2VjcmV0', ''], 'secret.1'],
      [['', 'c2VjcmV0'], 'secret.0'],
      [['c2VjcmV0', 5], 'secret.1'],
      [['c2VjcmV0', '   '], 'secret.1'],
      [5, 'secret'],
    ] as const) {
      const error = failure(() => webhookSecrets({ ...source, value: value as never }));
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).issues[0]?.path).toBe(path);
    }
  });
});

describe('namedStreamEvent', () => {
  it('makes an event that names no stream, or one no call could carry, unknown, without state or broadcasting, and keeps any other as it is', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...liveStreamEventTypes),
        fc.oneof(
          fc.constant(''),
          fc.string({ minLength: 1 }),
          // Ids calls carry, and blank or path-like ones they refuse.
          fc.stringMatching(/^[A-Za-z0-9_~-]{1,40}$/),
          fc.constantFrom(' ', '  ', '\t', '../x', '.', 'a b', 'x'.repeat(129)),
        ),
        fc.option(fc.constantFrom(...liveStreamStates), { nil: undefined }),
        fc.option(fc.boolean(), { nil: undefined }),
        (type, streamId, state, broadcasting) => {
          const event = eventOf({
            id: 'sha256:0',
            type,
            provider: 'liveapi',
            streamId,
            occurredAt: new Date(0),
            // A state_changed always says to what.
            ...(state === undefined && type !== 'live_stream.state_changed'
              ? {}
              : { state: state ?? 'ready' }),
            ...(broadcasting === undefined ? {} : { broadcasting }),
            data: { vendorEvent: 'x' },
            raw: { event: 'x' },
          });
          const named = namedStreamEvent(event);
          const usable =
            /^[A-Za-z0-9_~.-]{1,128}$/.test(streamId) && !streamId.includes('..') && streamId !== '.';
          if (usable || (streamId === '' && type === 'unknown')) {
            expect(named).toBe(event);
            return;
          }
          expect(named.type).toBe('unknown');
          expect(named.streamId).toBe('');
          if (type !== 'unknown') {
            expect(named).not.toHaveProperty('state');
            expect(named).not.toHaveProperty('broadcasting');
          }
          expect(named.data).toEqual({ vendorEvent: 'x' });
          expect(named.raw).toBe(event.raw);
          expect(isLiveStreamEvent(named)).toBe(true);
        },
      ),
    );
  });
});

describe('readWebhookOptions: a refusal masks the secrets the options hold', () => {
  // A refusal names the caller's option names: one repeating the path secret, the signing secret or an
  // entry of a list of them was shown in clear.
  it('an unknown option named by a secret of the same options, or inside one, is [REDACTED] (generated)', () => {
    const secrets = fc.stringMatching(/^[A-Za-z0-9_-]{12,40}$/);
    fc.assert(
      fc.property(
        secrets,
        fc.constantFrom('pathSecret', 'secret'),
        fc.boolean(),
        fc.constantFrom('', 'x-'),
        (secret, option, listed, prefix) => {
          const options = {
            [option]: listed ? ['first-secret-0123', secret] : secret,
            [`${prefix}${secret}`]: 1,
          };
          let error: unknown;
          try {
            readWebhookOptions('liveapi', options, ['pathSecret', 'secret', 'unsigned']);
          } catch (caught) {
            error = caught;
          }
          expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
          expect(String(error)).toContain('[REDACTED]');
          expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(secret);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('readWebhookOptions: the credentials of a provider given to confirm with', () => {
  it('mask an unknown option named by one, the provider given alone or as its client', () => {
    const credential = '5e3b9c1d7a2f4e6b8c0d1a3f5b7c9e2d';
    const provider = { id: 'liveapi', secrets: () => [credential] };
    for (const confirm of [provider, { provider }]) {
      const error = failure(() =>
        readWebhookOptions('liveapi', { unsigned: true, confirm, [credential]: 1 }, ['unsigned', 'confirm']),
      );
      expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
      expect(String(error)).toBe(
        'InvalidInputError: liveapi parseWebhook: invalid options: [REDACTED] (unknown option; expected one of unsigned, confirm, clock)',
      );
    }
  });
});
