import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import {
  type Clock,
  createWebhookHandler,
  InvalidInputError,
  isLiveStreamEvent,
  type LiveStream,
  type LiveStreamEvent,
  NotFoundError,
  type ProviderId,
  ProviderUnavailableError,
  type StreamReader,
  type WebhookInput,
  WebhookVerificationError,
} from '@unilive/core';
import { type SignedWebhook, signWebhook, type WebhookSigning } from '@unilive/sandbox';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { testLimit } from './suite-limits.js';

/** One vendor webhook example and the neutral event it must become. */
export interface WebhookFixture {
  /** The file name without `.json`. */
  name: string;
  description: string;
  source?: string;
  /** The payload as the vendor sends it. */
  webhook: unknown;
  /** The fields of the neutral event it becomes (`occurredAt` as an ISO string). */
  expected: Partial<Omit<LiveStreamEvent, 'occurredAt' | 'raw'>> & { occurredAt?: string };
}

/** Every webhook fixture of a directory (`test-fixtures/<provider>/webhooks`), sorted by name. */
export function loadWebhookFixtures(directory: string): WebhookFixture[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      name: file.slice(0, -5),
      ...(JSON.parse(readFileSync(join(directory, file), 'utf8')) as Omit<WebhookFixture, 'name'>),
    }));
}

/** How the contract configures the adapter's `parseWebhook` for one check. */
export interface WebhookParseVariant {
  /** The clock parsing must use (timestamps are checked against it). */
  clock: Clock;
  /** True when the adapter must be configured with a wrong secret, key or path secret. */
  wrongSecret: boolean;
  /** For vendors that document no signature: confirm mode reading through this reader, when set. */
  confirm?: StreamReader;
  /** For vendors that document no signature: true when the adapter must be called without `unsigned: true`. */
  withoutAcknowledgement?: boolean;
}

/** Options of {@link runWebhookContract}. */
export interface WebhookContractOptions {
  provider: ProviderId;
  fixtures: readonly WebhookFixture[];
  /** The adapter's `parseWebhook`, configured as the variant says. */
  parse(input: WebhookInput, variant: WebhookParseVariant): Promise<LiveStreamEvent[]>;
  /**
   * The adapter's `parseWebhook` itself, called with the options the contract gives it: options that are no
   * plain object or cannot be read must be refused naming `options`.
   */
  parseWithOptions(input: WebhookInput, options: unknown): Promise<LiveStreamEvent[]>;
  /**
   * Every option the adapter's `parseWebhook` takes (`clock` among them): a Proxy over them whose traps
   * throw, or any of them misspelt, must be refused naming `options` or the option, nothing fetched.
   */
  optionNames: readonly string[];
  /** How the vendor signs (the right secret or key); absent for vendors that document no signature. */
  signing?: WebhookSigning;
  /**
   * For vendors that document no signature: the vendor's own answer that it has no such stream, as its client's
   * `NotFoundError` carries it (Wowza Video `{ status: 404, vendorCode: 'ERR-404-RecordNotFound' }`), the
   * one answer `confirm` takes as the stream being gone. A 404 page from a gateway (`vendorMessage`
   * `Not Found`, no code) must not be taken so: the contract checks that it is thrown, never passed.
   */
  noSuchStream?: { status: number; vendorCode?: string; vendorMessage?: string };
  /** The header carrying the signature (signed vendors). */
  signatureHeader?: string;
  /** Vendors that document no signature: the secret path segment the endpoint is configured with. */
  pathSecret?: string;
  /** Vendors that sign a timestamp: when a payload says it was sent, and the tolerance. */
  timestamp?: { sentAt(payload: unknown): number; toleranceMs: number };
  /** A payload in the vendor's envelope with an event no version maps. */
  unknownWebhook: unknown;
  /**
   * How the adapter makes an event's id when the vendor sends none. `'body'` (default): the same body
   * always gets the same id (`sha256:<hex>`), so a hub drops a copy. `'delivery'`: every delivery gets an id
   * of its own, the body's digest followed by `~` and a nonce (`uniqueDeliveryId`), for a vendor whose
   * bodies for two distinct changes can be the same bytes (LiveAPI): a copy must then not be dropped.
   */
  ids?: 'body' | 'delivery';
}

/**
 * The webhook contract every adapter runs: each fixture signed as the vendor signs it, verified and
 * normalised to its expected neutral event; then every way a delivery must be refused (tampered body,
 * wrong secret, stale timestamp, parsed body, missing signature) is a {@link WebhookVerificationError} with
 * its reason, and an event no version maps is `unknown`, never an error.
 */
export function runWebhookContract(options: WebhookContractOptions): void {
  const { provider } = options;
  // What of an id comes from the body alone: all of it, or the digest before a delivery's own nonce.
  const bodyPart = (id: string) => (options.ids === 'delivery' ? id.replace(/~[0-9a-f]{16}$/, '') : id);
  const byBody = (events: readonly LiveStreamEvent[]) =>
    events.map((event) => ({ ...event, id: bodyPart(event.id) }));
  const signed = !options.pathSecret;
  const url = (secret: string | undefined) =>
    secret === undefined ? '/webhooks' : `/webhooks/${encodeURIComponent(secret)}`;
  const sign = (payload: unknown): Promise<SignedWebhook> => signWebhook(provider, payload, options.signing);
  const clockFor = (payload: unknown): Clock => {
    const sentAt = options.timestamp?.sentAt(payload);
    return () => sentAt ?? Date.parse('2026-11-29T12:00:00Z');
  };
  const deliver = async (
    payload: unknown,
    change: (delivery: WebhookInput) => WebhookInput = (delivery) => delivery,
    variant: Partial<WebhookParseVariant> = {},
  ) => {
    const { body, headers } = await sign(payload);
    const input = change({ body, headers, url: url(options.pathSecret) });
    return options.parse(input, { clock: clockFor(payload), wrongSecret: false, ...variant });
  };
  // The events of an odd delivery, or none when it is refused as a delivery is (WebhookVerificationError):
  // failing on it with anything untyped fails the test.
  const eventsOrRefused = async (payload: unknown): Promise<LiveStreamEvent[]> => {
    try {
      return await deliver(payload);
    } catch (error) {
      expect(WebhookVerificationError.isInstance(error), String(error)).toBe(true);
      return [];
    }
  };
  const refusal = async (run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      if (WebhookVerificationError.isInstance(error)) return error.reason;
      throw error;
    }
    return 'accepted';
  };
  const streamFixtures = options.fixtures.filter((fixture) => (fixture.expected.streamId ?? '') !== '');

  describe(`${provider} webhook contract`, testLimit, () => {
    it('has fixtures, among them at least one about a stream', () => {
      expect(options.fixtures.length).toBeGreaterThan(0);
      expect(streamFixtures.length).toBeGreaterThan(0);
    });

    for (const fixture of options.fixtures) {
      it(`${fixture.name}: signed as the vendor signs, verified and normalised`, async () => {
        const events = await deliver(fixture.webhook);
        expect(events).toHaveLength(1);
        const [event] = events as [LiveStreamEvent];
        const { occurredAt, ...fields } = fixture.expected;
        expect(event).toMatchObject({ ...fields, provider });
        if (occurredAt !== undefined) expect(event.occurredAt.toISOString()).toBe(occurredAt);
        for (const key of ['state', 'broadcasting', 'data'] as const) {
          if (!(key in fixture.expected)) expect(event[key], `${key} is not expected`).toBeUndefined();
        }
        if (fixture.expected.data) expect(event.data).toEqual(fixture.expected.data);
        expect(event.raw).toEqual(fixture.webhook);
        // What the type of the event guarantees, the hub's guard checks: a state_changed says to what.
        expect(isLiveStreamEvent(event), 'isLiveStreamEvent').toBe(true);
        if (!signed && event.streamId !== '' && event.type !== 'live_stream.deleted') {
          // Confirmed, the claims become the API's (`broadcasting` told either way, or not told): still an
          // event of the same type that the guard takes.
          for (const broadcasting of [undefined, true, false]) {
            const reader: StreamReader = {
              get: async (id) => ({
                ...streamOf(provider, id, id, options.noSuchStream),
                ...(broadcasting === undefined ? {} : { broadcasting }),
              }),
            };
            const confirmed = await deliver(fixture.webhook, undefined, { confirm: reader });
            expect(confirmed.map((each) => each.type)).toEqual([event.type]);
            for (const each of confirmed) expect(isLiveStreamEvent(each), 'confirmed').toBe(true);
          }
        }
        const again = (await deliver(fixture.webhook))[0]?.id;
        if (options.ids === 'delivery') {
          // Each delivery is its own event; the body's digest in front still tells the two alike.
          expect(again).not.toBe(event.id);
          expect(again && bodyPart(again)).toBe(bodyPart(event.id));
          expect(event.id).toMatch(/^sha256:[0-9a-f]{64}~[0-9a-f]{16}$/);
        } else {
          // The same delivery twice has the same id, so de-duplication drops the copy.
          expect(again).toBe(event.id);
        }
      });
    }

    it('a tampered body is refused (an unsigned one saying a stream ended passes only as a delete of the stream it now names)', async () => {
      for (const fixture of streamFixtures) {
        const streamId = String(fixture.expected.streamId);
        // Signed: one added space anywhere breaks the signature. Unsigned: the body names another stream.
        const tamper = (delivery: WebhookInput): WebhookInput => {
          const text =
            typeof delivery.body === 'string'
              ? delivery.body
              : new TextDecoder().decode(delivery.body as Uint8Array);
          const changed = signed ? text.replace(/}\s*$/, ' }') : text.replaceAll(streamId, `${streamId}x`);
          expect(changed).not.toBe(text);
          return { ...delivery, body: changed };
        };
        if (signed) {
          expect(await refusal(() => deliver(fixture.webhook, tamper))).toBe('bad-signature');
        } else {
          // Nothing is signed: only confirm mode, re-reading the stream the body names, catches it.
          // The API has the stream the event names, except after a delete, when it has only the other one.
          const deleted = fixture.expected.type === 'live_stream.deleted';
          const reader: StreamReader = {
            get: async (id) =>
              streamOf(provider, id, deleted ? `${streamId}x` : streamId, options.noSuchStream),
          };
          // The same reader behind a gateway that answers its own 404 page: no answer of the vendor's about
          // the stream, so nothing passes and nothing is refused as a lie; it fails like a 502 (500, sent again).
          const behindGateway: StreamReader = {
            get: async (id) =>
              streamOf(provider, id, deleted ? `${streamId}x` : streamId, {
                status: 404,
                vendorMessage: 'Not Found',
              }),
          };
          // An event saying a stream ended, changed to name one the API does not have, is consistent with
          // the API: it passes as the API's word, a delete of that other stream, and never touches the
          // stream the body named (docs/decisions/2026-12-01-confirm-and-a-gone-stream.md). Any other
          // claim about a stream the API does not have is refused.
          const { type, state } = fixture.expected;
          const ended =
            type === 'live_stream.disconnected' ||
            (type === 'live_stream.state_changed' &&
              (state === 'stopping' || state === 'stopped' || state === 'disabled'));
          if (ended) {
            const events = await deliver(fixture.webhook, tamper, { confirm: reader });
            expect(
              events.map((event) => [event.type, event.streamId, event.state, event.data?.claimed]),
            ).toEqual([
              ['live_stream.deleted', `${streamId}x`, undefined, expect.objectContaining({ type })],
            ]);
          } else {
            expect(await refusal(() => deliver(fixture.webhook, tamper, { confirm: reader }))).toBe(
              'unconfirmed',
            );
          }
          expect(
            await refusal(() => deliver(fixture.webhook, (delivery) => delivery, { confirm: reader })),
          ).toBe('accepted');
          const page = await deliver(fixture.webhook, deleted ? (delivery) => delivery : tamper, {
            confirm: behindGateway,
          }).catch((error: unknown) => error);
          expect(ProviderUnavailableError.isInstance(page), String(page)).toBe(true);
          expect((page as ProviderUnavailableError).operation).toBe('parseWebhook');
          expect(NotFoundError.isInstance((page as ProviderUnavailableError).cause)).toBe(true);
          // A vendor failure of the reader's get (a 503) is named for the call the caller made, parseWebhook,
          // on every adapter (docs/errors.md), its message still saying which request it was; what a
          // reader of the caller's throws that is no unilive error names confirm, never as the raw error.
          const down = new ProviderUnavailableError({
            provider,
            operation: 'get',
            status: 503,
            message: `${provider} get failed (HTTP 503)`,
          });
          const failed = await deliver(fixture.webhook, (delivery) => delivery, {
            confirm: { get: async () => Promise.reject(down) },
          }).catch((error: unknown) => error);
          expect(failed).toBeInstanceOf(ProviderUnavailableError);
          expect(failed).toMatchObject({
            provider,
            operation: 'parseWebhook',
            status: 503,
            message: `${provider} get failed (HTTP 503)`,
          });
          const thrown = new Error('upstream said key=sk_live_0123456789');
          const wrapper = await deliver(fixture.webhook, (delivery) => delivery, {
            confirm: { get: async () => Promise.reject(thrown) },
          }).catch((error: unknown) => error);
          expect(InvalidInputError.isInstance(wrapper), String(wrapper)).toBe(true);
          expect(wrapper).toMatchObject({ operation: 'parseWebhook', issues: [{ path: 'confirm' }] });
          expect(String((wrapper as InvalidInputError).message)).not.toContain('sk_live');
        }
      }
    });

    it.skipIf(!signed)(
      signed
        ? 'any change to any byte of a signed body is refused (generated)'
        : `a changed body cannot be told from the original: ${provider} signs nothing (use confirm)`,
      async () => {
        const samples = options.fixtures.slice(0, 4);
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 0, max: samples.length - 1 }),
            fc.nat(),
            fc.integer({ min: 1, max: 255 }),
            async (which, position, flip) => {
              const fixture = samples[which] as WebhookFixture;
              const reason = await refusal(() =>
                deliver(fixture.webhook, (delivery) => {
                  const bytes = new TextEncoder().encode(String(delivery.body));
                  const index = position % bytes.length;
                  bytes[index] = (bytes[index] ?? 0) ^ flip;
                  return { ...delivery, body: bytes };
                }),
              );
              expect(reason).toBe('bad-signature');
            },
          ),
          { numRuns: 40 },
        );
      },
    );

    it('a delivery checked with the wrong secret is refused', async () => {
      for (const fixture of options.fixtures.slice(0, 3)) {
        expect(await refusal(() => deliver(fixture.webhook, undefined, { wrongSecret: true }))).toBe(
          'bad-signature',
        );
      }
    });

    it.skipIf(!options.timestamp)(
      'a timestamp beyond the tolerance, in either direction, is refused',
      async () => {
        const timestamp = options.timestamp;
        if (!timestamp) return;
        for (const fixture of options.fixtures.slice(0, 3)) {
          const sentAt = timestamp.sentAt(fixture.webhook);
          for (const now of [
            sentAt + timestamp.toleranceMs + 1_000,
            sentAt - timestamp.toleranceMs - 1_000,
          ]) {
            expect(await refusal(() => deliver(fixture.webhook, undefined, { clock: () => now }))).toBe(
              'stale-timestamp',
            );
          }
          const edge = sentAt + timestamp.toleranceMs;
          expect(await refusal(() => deliver(fixture.webhook, undefined, { clock: () => edge }))).toBe(
            'accepted',
          );
        }
      },
    );

    it('a parsed body is refused with a message saying to pass the raw one', async () => {
      const [fixture] = options.fixtures;
      const parsed = (delivery: WebhookInput): WebhookInput => ({
        ...delivery,
        body: fixture?.webhook as string,
      });
      let message = '';
      try {
        await deliver(fixture?.webhook, parsed);
      } catch (error) {
        expect(WebhookVerificationError.isInstance(error) && error.reason).toBe('body-not-raw');
        message = (error as Error).message;
      }
      expect(message).toContain('raw request body');
    });

    it(
      signed
        ? 'a delivery without the signature header is refused'
        : 'a delivery to a path without the secret is refused',
      async () => {
        const [fixture] = options.fixtures;
        const strip = (delivery: WebhookInput): WebhookInput =>
          signed
            ? {
                ...delivery,
                headers: Object.fromEntries(
                  Object.entries(delivery.headers as Record<string, string>).filter(
                    ([name]) => name.toLowerCase() !== options.signatureHeader?.toLowerCase(),
                  ),
                ),
              }
            : { ...delivery, url: '/' };
        expect(await refusal(() => deliver(fixture?.webhook, strip))).toBe('missing-signature');
      },
    );

    it.skipIf(signed)(
      signed
        ? `no unsigned: true acknowledgement applies: ${provider} signs its webhooks`
        : 'without the explicit unsigned: true acknowledgement nothing is parsed',
      async () => {
        const [fixture] = options.fixtures;
        let error: unknown;
        try {
          await deliver(fixture?.webhook, undefined, { withoutAcknowledgement: true });
        } catch (caught) {
          error = caught;
        }
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['unsigned']);
      },
    );

    it('an event no version maps is unknown, never an error', async () => {
      const events = await deliver(options.unknownWebhook);
      expect(events.map((event) => event.type)).toEqual(['unknown']);
      expect(events[0]?.raw).toEqual(options.unknownWebhook);
    });

    it('a call that is no webhook request is an InvalidInputError naming the field, never a TypeError', async () => {
      const [fixture] = options.fixtures;
      const { body, headers } = await sign(fixture?.webhook);
      const good: WebhookInput = { body, headers, url: url(options.pathSecret) };
      const clock = clockFor(fixture?.webhook);
      const cases: [unknown, Partial<WebhookParseVariant>, string][] = [
        [null, {}, 'input'],
        ['body', {}, 'input'],
        [{ body }, {}, 'input.headers'],
        [{ body, headers: null }, {}, 'input.headers'],
        [{ ...good, url: 5 }, {}, 'input.url'],
        [good, { clock: {} as Clock }, 'clock'],
        [good, { clock: 'now' as unknown as Clock }, 'clock'],
        [{ ...good, headers: { ...(headers as Record<string, string>), 'x-odd': { value: 1 } } }, {}, ''],
      ];
      for (const [input, variant, path] of cases) {
        let error: unknown;
        try {
          await options.parse(input as WebhookInput, { clock, wrongSecret: false, ...variant });
        } catch (caught) {
          error = caught;
        }
        // An odd header no one reads may pass; one that is read must be refused by name.
        if (path === '' && error === undefined) continue;
        expect(InvalidInputError.isInstance(error), `${path}: ${String(error)}`).toBe(true);
        if (path !== '') expect((error as InvalidInputError).issues[0]?.path).toBe(path);
      }
      // A header value given as a number is read as its text, as Node would have sent it.
      const numeric = {
        ...(headers as Record<string, string>),
        'content-length': 12,
      } as unknown as WebhookInput['headers'];
      expect(
        await refusal(() => options.parse({ ...good, headers: numeric }, { clock, wrongSecret: false })),
      ).toBe('accepted');
    });

    it('an input field or headers that throw as they are read are an InvalidInputError naming them, never the raw error', async () => {
      const [fixture] = options.fixtures;
      const how = fc.constantFrom(
        'body getter',
        'headers getter',
        'url getter',
        'headers Proxy',
        'headers Map',
        'headers Headers',
        'headers pairs',
      );
      await fc.assert(
        fc.asyncProperty(how, fc.anything(), async (way, thrown) => {
          const fail = () => {
            throw thrown;
          };
          let path = 'input.headers';
          const change = (delivery: WebhookInput): WebhookInput => {
            const record = delivery.headers as Record<string, string>;
            switch (way) {
              case 'body getter':
              case 'headers getter':
              case 'url getter': {
                const field = way.split(' ')[0] as 'body' | 'headers' | 'url';
                path = `input.${field}`;
                const copy = { ...delivery };
                delete copy[field];
                return Object.defineProperty(copy, field, { get: fail, enumerable: true }) as WebhookInput;
              }
              case 'headers Proxy':
                return { ...delivery, headers: new Proxy(record, { ownKeys: fail, get: fail }) };
              case 'headers Map': {
                const map = new Map(Object.entries(record));
                map.entries = fail;
                map[Symbol.iterator] = fail;
                return { ...delivery, headers: map };
              }
              case 'headers Headers': {
                const headers = new Headers(record);
                headers.get = fail;
                return { ...delivery, headers };
              }
              default: {
                const pairs = Object.entries(record);
                pairs[Symbol.iterator] = fail;
                return { ...delivery, headers: pairs };
              }
            }
          };
          let error: unknown;
          try {
            await deliver(fixture?.webhook, change);
          } catch (caught) {
            error = caught;
          }
          const said = `${way} throwing ${fc.stringify(thrown)}: ${fc.stringify(error)}`;
          // Headers read only by a signed adapter's verification: an unsigned one may never read them.
          if (error === undefined && !signed && way.startsWith('headers ')) return;
          expect(InvalidInputError.isInstance(error), said).toBe(true);
          expect(error, said).toMatchObject({
            operation: 'parseWebhook',
            issues: [{ path, message: 'could not be read (a getter or a Proxy in it threw)' }],
          });
        }),
        { numRuns: 60 },
      );
    });

    // A url given as an object is read by its own toString: a URL subclass whose toString throws, an object
    // that only inherits from URL.prototype and a Proxy of a URL (whose reading throws a TypeError) give no
    // text. Every adapter checks the url, whether it reads it or not, and names it without what was thrown:
    // a caller's error may repeat the URL, and with it a path secret.
    it('a url that is a URL-like object giving no text is an InvalidInputError naming input.url, never the raw error (generated)', async () => {
      const [fixture] = options.fixtures;
      const href = `https://app.example${url(options.pathSecret)}`;
      const kinds = {
        'subclass whose toString throws': (thrown: unknown) =>
          new (class extends URL {
            override toString(): string {
              throw thrown;
            }
          })(href),
        'object only inheriting from URL.prototype': () => Object.create(URL.prototype) as URL,
        'Proxy of a URL': () => new Proxy(new URL(href), {}),
        'Proxy of a URL whose get trap throws': (thrown: unknown) =>
          new Proxy(new URL(href), {
            get() {
              throw thrown;
            },
          }),
        'revoked Proxy of a URL': () => {
          const { proxy, revoke } = Proxy.revocable(new URL(href), {});
          revoke();
          return proxy;
        },
      } satisfies Record<string, (thrown: unknown) => URL>;
      const secretError = fc.string().map((text) => new Error(`SECRET-${text}`));
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...(Object.keys(kinds) as (keyof typeof kinds)[])),
          fc.oneof(secretError, fc.anything()),
          async (kind, thrown) => {
            let error: unknown;
            try {
              await deliver(fixture?.webhook, (delivery) => ({ ...delivery, url: kinds[kind](thrown) }));
            } catch (caught) {
              error = caught;
            }
            const said = `${kind} throwing ${fc.stringify(thrown)}: ${fc.stringify(error)}`;
            expect(InvalidInputError.isInstance(error), said).toBe(true);
            expect(error, said).toMatchObject({
              operation: 'parseWebhook',
              issues: [{ path: 'input.url' }],
            });
            expect((error as InvalidInputError).issues[0]?.message, said).toMatch(/^could not be read/);
            expect((error as Error).cause, said).toBeUndefined();
            expect(`${(error as Error).message}\n${inspect(error)}`, said).not.toContain('SECRET-');
          },
        ),
        {
          numRuns: 60,
          examples: Object.keys(kinds).map((kind): [keyof typeof kinds, unknown] => [
            kind as keyof typeof kinds,
            new Error('SECRET-x'),
          ]),
        },
      );
      // A URL, of a subclass too, whose toString answers is read by it, as text would be.
      const subclass = new (class extends URL {})(href);
      for (const given of [new URL(href), subclass]) {
        const events = await deliver(fixture?.webhook, (delivery) => ({ ...delivery, url: given }));
        expect(events.length).toBeGreaterThan(0);
      }
    });

    // Options that cannot be used as an options object are named as `options`, not as the first option read
    // from them (a revoked Proxy was named `clock`), whatever a getPrototypeOf trap throws.
    it('options that are no plain object or cannot be read are an InvalidInputError naming options (generated)', async () => {
      class HookOptions {
        readonly unsigned = true;
      }
      const revoked = (): object => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      };
      const unusable: fc.Arbitrary<{ given: unknown; says: string }> = fc.oneof(
        fc.constant({ given: revoked(), says: 'could not be read' }),
        fc.constant({ given: new Map([['unsigned', true]]), says: 'not a Map' }),
        fc.constant({ given: new HookOptions(), says: 'not an instance of HookOptions' }),
        fc.constant({ given: null, says: 'must be an object' }),
        fc
          .oneof(fc.string(), fc.integer(), fc.constant([]))
          .map((given) => ({ given, says: 'must be an object' })),
        fc.anything().map((thrown) => ({
          given: new Proxy(
            { unsigned: true },
            {
              getPrototypeOf: () => {
                throw thrown;
              },
            },
          ),
          says: 'could not be read',
        })),
      );
      await fc.assert(
        fc.asyncProperty(unusable, async ({ given, says }) => {
          let error: unknown;
          try {
            await options.parseWithOptions({ body: '{}', headers: {}, url: url(options.pathSecret) }, given);
          } catch (caught) {
            error = caught;
          }
          const said = fc.stringify(error);
          expect(InvalidInputError.isInstance(error), said).toBe(true);
          expect(error, said).toMatchObject({ provider, operation: 'parseWebhook' });
          expect((error as InvalidInputError).issues, said).toEqual([
            { path: 'options', message: expect.stringContaining(says) },
          ]);
        }),
        { numRuns: 100 },
      );
    });

    // The options are read once, before anything else, as every options object is: a trap that throws as
    // they are read, or a name the adapter does not take, is the caller's mistake, named, before any key is
    // fetched or secret loaded, and the caller's own error never escapes raw (a `get` trap's did).
    it('options whose Proxy traps throw, or a misspelt option, are an InvalidInputError naming them, nothing fetched (generated)', async () => {
      // The traps reading an options object uses; the others are never reached, so they change nothing.
      const readTraps = ['getPrototypeOf', 'ownKeys', 'getOwnPropertyDescriptor', 'get'] as const;
      const otherTraps = ['has', 'set', 'defineProperty', 'deleteProperty', 'isExtensible'] as const;
      const target = () => ({ clock: () => Date.parse('2026-11-29T12:00:00Z') });
      const typo = fc
        .record({
          name: fc.constantFrom(...options.optionNames),
          how: fc.constantFrom('drop', 'double', 'swap', 'case'),
          at: fc.nat(),
        })
        .map(({ name, how, at }) => {
          const index = at % name.length;
          const before = name.slice(0, index);
          const after = name.slice(index + 1);
          const char = name[index] as string;
          const next = name[index + 1] ?? '';
          const typed =
            how === 'drop'
              ? before + after
              : how === 'double'
                ? before + char + char + after
                : how === 'swap'
                  ? before + next + char + after.slice(1)
                  : before + (char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase()) + after;
          return { name, typed };
        })
        .filter(({ typed }) => !options.optionNames.includes(typed));
      const outcome = async (given: unknown) => {
        const fetchBefore = globalThis.fetch;
        let fetched = 0;
        globalThis.fetch = (async () => {
          fetched += 1;
          throw new Error('nothing may be fetched');
        }) as typeof fetch;
        try {
          await options.parseWithOptions({ body: '{}', headers: {}, url: url(options.pathSecret) }, given);
          return { error: undefined as unknown, fetched };
        } catch (error) {
          return { error, fetched };
        } finally {
          globalThis.fetch = fetchBefore;
        }
      };
      const plain = await outcome(target());
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.record({ trap: fc.constantFrom(...readTraps, ...otherTraps), thrown: fc.anything() }),
            typo.map((typed) => ({ typed })),
          ),
          async (scenario) => {
            if ('typed' in scenario) {
              const { name, typed } = scenario.typed;
              const { error, fetched } = await outcome({ [typed]: true });
              const said = `${typed}: ${fc.stringify(error)}`;
              expect(fetched, said).toBe(0);
              expect(InvalidInputError.isInstance(error), said).toBe(true);
              expect(error, said).toMatchObject({ provider, operation: 'parseWebhook' });
              expect((error as InvalidInputError).issues, said).toEqual([
                { path: typed, message: `unknown option; did you mean "${name}"?` },
              ]);
              return;
            }
            const { trap, thrown } = scenario;
            const given = new Proxy(target(), {
              [trap]: () => {
                throw thrown;
              },
            });
            const { error, fetched } = await outcome(given);
            const said = `${trap} throwing ${fc.stringify(thrown)}: ${fc.stringify(error)}`;
            expect(fetched, said).toBe(0);
            if (!(readTraps as readonly string[]).includes(trap)) {
              // Never reached: the call goes as it goes with the options themselves.
              expect(fc.stringify(error), said).toBe(fc.stringify(plain.error));
              return;
            }
            expect(InvalidInputError.isInstance(error), said).toBe(true);
            expect(error, said).toMatchObject({ provider, operation: 'parseWebhook' });
            const issues = (error as InvalidInputError).issues;
            expect(issues, said).toHaveLength(1);
            expect(issues[0]?.path, said).toBe(trap === 'get' ? 'clock' : 'options');
            expect(issues[0]?.message, said).toMatch(/could not be (read|listed)/);
          },
        ),
        { numRuns: 150 },
      );
    });

    it('a clock that answers no finite number, or one no Date holds, is an InvalidInputError naming clock, never an Invalid Date', async () => {
      for (const fixture of options.fixtures) {
        // A finite number no Date can hold too: the time of receipt would be an Invalid Date.
        for (const answer of [
          Number.NaN,
          'soon',
          10n,
          Number.POSITIVE_INFINITY,
          undefined,
          9e15,
          -9e15,
          8.64e15 + 1,
          -Number.MAX_VALUE,
        ]) {
          let error: unknown;
          try {
            await deliver(fixture.webhook, undefined, { clock: () => answer as number });
          } catch (caught) {
            error = caught;
          }
          const said = `${fixture.name}, clock answering ${String(answer)}: ${String(error)}`;
          expect(InvalidInputError.isInstance(error), said).toBe(true);
          expect((error as InvalidInputError).issues[0]?.path, said).toBe('clock');
        }
      }
    });

    it('a clock that throws is an InvalidInputError naming clock, its error the cause, never the raw error', async () => {
      for (const fixture of options.fixtures) {
        for (const thrown of [new TypeError('clock broke'), 'no time', undefined]) {
          let error: unknown;
          try {
            await deliver(fixture.webhook, undefined, {
              clock: () => {
                throw thrown;
              },
            });
          } catch (caught) {
            error = caught;
          }
          const said = `${fixture.name}, clock throwing ${String(thrown)}: ${String(error)}`;
          expect(InvalidInputError.isInstance(error), said).toBe(true);
          expect(error, said).toMatchObject({ operation: 'parseWebhook', issues: [{ path: 'clock' }] });
          if (thrown instanceof Error) {
            expect((error as InvalidInputError).cause, said).toMatchObject({ message: 'clock broke' });
          }
        }
      }
    });

    it('takes the body in any byte container, and names a stream it will not read', async () => {
      for (const fixture of options.fixtures.slice(0, 2)) {
        const { body, headers } = await sign(fixture.webhook);
        const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body);
        const shared = new SharedArrayBuffer(bytes.byteLength);
        new Uint8Array(shared).set(bytes);
        const padded = new Uint8Array(bytes.byteLength + 8);
        padded.set(bytes, 4);
        const containers: unknown[] = [
          bytes,
          Buffer.from(bytes),
          bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
          shared,
          new DataView(padded.buffer, 4, bytes.byteLength),
          padded.subarray(4, 4 + bytes.byteLength),
          new Blob([bytes]),
        ];
        const clock = clockFor(fixture.webhook);
        const ids = new Set<string>();
        for (const container of containers) {
          const events = await options.parse(
            { body: container as Uint8Array, headers, url: url(options.pathSecret) },
            { clock, wrongSecret: false },
          );
          for (const event of events) ids.add(bodyPart(event.id));
        }
        expect(ids.size).toBe(1);
        for (const [stream, named] of [
          [new Blob([bytes]).stream(), 'ReadableStream'],
          [Readable.from([Buffer.from(bytes)]), 'Node stream'],
        ] as const) {
          let error: unknown;
          try {
            await options.parse(
              { body: stream as unknown as Uint8Array, headers, url: url(options.pathSecret) },
              { clock, wrongSecret: false },
            );
          } catch (caught) {
            error = caught;
          }
          expect(WebhookVerificationError.isInstance(error) && error.reason).toBe('body-not-raw');
          expect((error as Error).message).toContain(named);
        }
      }
    });

    it('a body is told by its internal slots, not its prototype: bytes given Blob.prototype, a Blob given another (generated)', async () => {
      const fixture = options.fixtures[0] as WebhookFixture;
      const { body, headers } = await sign(fixture.webhook);
      const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body);
      const clock = clockFor(fixture.webhook);
      const parse = (given: unknown) =>
        options.parse(
          { body: given as Uint8Array, headers, url: url(options.pathSecret) },
          { clock, wrongSecret: false },
        );
      const events = await parse(bytes);
      const kinds = {
        uint8ArrayGivenBlobPrototype: () => Object.setPrototypeOf(Uint8Array.from(bytes), Blob.prototype),
        bufferGivenBlobPrototype: () => Object.setPrototypeOf(Buffer.from(bytes), Blob.prototype),
        arrayBufferGivenBlobPrototype: () =>
          Object.setPrototypeOf(Uint8Array.from(bytes).buffer, Blob.prototype),
        dataViewGivenBlobPrototype: () =>
          Object.setPrototypeOf(new DataView(Uint8Array.from(bytes).buffer), Blob.prototype),
        blobWithoutPrototype: () => Object.setPrototypeOf(new Blob([bytes]), null),
        blobGivenObjectPrototype: () => Object.setPrototypeOf(new Blob([bytes]), Object.prototype),
        blobGivenUint8ArrayPrototype: () => Object.setPrototypeOf(new Blob([bytes]), Uint8Array.prototype),
        blobGivenArrayBufferPrototype: () => Object.setPrototypeOf(new Blob([bytes]), ArrayBuffer.prototype),
        fileGivenPromisePrototype: () =>
          Object.setPrototypeOf(new File([bytes], 'hook.json'), Promise.prototype),
      } as const;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...(Object.keys(kinds) as (keyof typeof kinds)[])), async (kind) => {
          expect(byBody(await parse(kinds[kind]())), kind).toEqual(byBody(events));
        }),
        { examples: (Object.keys(kinds) as (keyof typeof kinds)[]).map((kind) => [kind]) },
      );
    });

    it('a body still to be awaited (a Promise, a thenable) is body-not-raw asking for the await, never awaited', async () => {
      const fixture = options.fixtures[0] as WebhookFixture;
      const { body, headers } = await sign(fixture.webhook);
      const clock = clockFor(fixture.webhook);
      let thenRead = 0;
      const pending: [unknown, string][] = [
        [Promise.resolve(body), 'a Promise'],
        [new Promise(() => {}), 'a Promise'],
        [
          {
            // biome-ignore lint/suspicious/noThenProperty: a thenable that is no Promise is what this case is.
            then: (resolve: (value: unknown) => void) => {
              thenRead += 1;
              resolve(body);
            },
          },
          'a thenable',
        ],
        [
          Object.defineProperty({}, 'then', {
            get: () => {
              thenRead += 1;
              return (resolve: (value: unknown) => void) => resolve(body);
            },
          }),
          'a thenable',
        ],
      ];
      for (const [given, named] of pending) {
        let error: unknown;
        try {
          await options.parse(
            { body: given as Uint8Array, headers, url: url(options.pathSecret) },
            { clock, wrongSecret: false },
          );
        } catch (caught) {
          error = caught;
        }
        expect(WebhookVerificationError.isInstance(error) && error.reason, named).toBe('body-not-raw');
        expect((error as Error).message).toContain(`got ${named}`);
        expect((error as Error).message).toContain('where the raw request body belongs');
        expect((error as Error).message).toContain('did you forget `await`?');
      }
      expect(thenRead).toBe(0);
    });

    it('a body whose bytes cannot be read is an InvalidInputError naming input.body, never the raw error (generated)', async () => {
      const fixture = options.fixtures[0] as WebhookFixture;
      const { body, headers } = await sign(fixture.webhook);
      const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body);
      const clock = clockFor(fixture.webhook);
      // A resizable buffer holding the body, shrunk to `to` bytes after the view was made.
      const shrunk = (view: (buffer: ArrayBuffer) => unknown, to: number): unknown => {
        // ES2024's resizable ArrayBuffer, typed here: the project's lib predates it.
        const Resizable = ArrayBuffer as unknown as new (
          length: number,
          options: { maxByteLength: number },
        ) => ArrayBuffer & { resize(length: number): void };
        const buffer = new Resizable(bytes.byteLength + 8, { maxByteLength: bytes.byteLength + 64 });
        new Uint8Array(buffer).set(bytes, 8);
        const made = view(buffer);
        buffer.resize(to);
        return made;
      };
      const kinds = {
        shrunkView: (to: number) => shrunk((b) => new Uint8Array(b, 8, bytes.byteLength), to),
        lengthTrackingPastEnd: (to: number) => shrunk((b) => new Uint8Array(b, 8), to % 8),
        shrunkDataView: (to: number) => shrunk((b) => new DataView(b, 8, bytes.byteLength), to),
        shrunkFloat64: () => shrunk((b) => new Float64Array(b, 8, 1), 8),
        noBlob: () => Object.create(Blob.prototype) as unknown,
        // Only inheriting from Blob.prototype, with an `arrayBuffer` of its own answering the signed bytes:
        // still no Blob, refused by the platform's reader.
        fakeBlobWithArrayBuffer: () =>
          Object.assign(Object.create(Blob.prototype) as object, {
            arrayBuffer: async () =>
              bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
          }),
        // A Blob that cannot be told from anything else: what its trap throws never escapes.
        blobProxyPrototypeThrows: (_: number, thrown: Error) =>
          new Proxy(new Blob([bytes]), {
            getPrototypeOf: () => {
              throw thrown;
            },
          }),
        proxyOfDataView: () => new Proxy(new DataView(bytes.buffer.slice(0)), {}),
        proxyOfFloat64Array: () => new Proxy(new Float64Array(2), {}),
        // A Proxy of the signed Blob passes for one as a Proxy of a view passes for bytes: Node's Blob would
        // ask its traps for its length and bytes, here answered by another Blob.
        proxyOfBlob: () => new Proxy(new Blob([bytes]), {}),
        proxyOfBlobForwardingAnother: (_: number, thrown: Error) => {
          const other = new Blob([`{"id":"${thrown.message}"}`]);
          return new Proxy(new Blob([bytes]), { get: (_target, key) => Reflect.get(other, key) });
        },
      } as const;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...(Object.keys(kinds) as (keyof typeof kinds)[])),
          fc.integer({ min: 0, max: bytes.byteLength + 7 }),
          fc.stringMatching(/^[a-z0-9]{6,16}$/),
          async (kind, to, marker) => {
            const thrown = new Error(`caller ${marker}`);
            let error: unknown;
            try {
              await options.parse(
                { body: kinds[kind](to, thrown) as Uint8Array, headers, url: url(options.pathSecret) },
                { clock, wrongSecret: false },
              );
            } catch (caught) {
              error = caught;
            }
            const said = `${kind} (${to}): ${String(error)}`;
            expect(InvalidInputError.isInstance(error), said).toBe(true);
            expect(error, said).toMatchObject({
              operation: 'parseWebhook',
              issues: [{ path: 'input.body' }],
            });
            expect((error as Error).message, said).not.toContain(marker);
          },
        ),
        {
          numRuns: 30,
          examples: (
            [
              ['shrunkView', 3],
              ['shrunkView', 0],
              ['lengthTrackingPastEnd', 5],
              ['shrunkDataView', 8],
              ['shrunkFloat64', 0],
              ['noBlob', 0],
              ['fakeBlobWithArrayBuffer', 0],
              ['blobProxyPrototypeThrows', 0],
              ['proxyOfDataView', 0],
              ['proxyOfFloat64Array', 0],
              ['proxyOfBlob', 0],
              ['proxyOfBlobForwardingAnother', 0],
            ] as const
          ).map(([kind, to]): [keyof typeof kinds, number, string] => [kind, to, 'examplemarker']),
        },
      );
      // A view over a resizable buffer still in bounds is read, as its bytes were when given.
      const inBounds = shrunk((b) => new Uint8Array(b, 8, bytes.byteLength), bytes.byteLength + 8);
      const events = await options.parse(
        { body: inBounds as Uint8Array, headers, url: url(options.pathSecret) },
        { clock, wrongSecret: false },
      );
      expect(events.length).toBeGreaterThan(0);
      // A view whose own or inherited `buffer`, `byteOffset` and `byteLength` throw, or name other bytes, is
      // read by the bytes it holds: what such getters say is not where the view's bytes are, and what they
      // throw never escapes.
      const thrower = {
        get: () => {
          throw new Error('caller getter examplemarker');
        },
      };
      const ownGetters = new Uint8Array(bytes);
      for (const name of ['buffer', 'byteOffset', 'byteLength'])
        Object.defineProperty(ownGetters, name, thrower);
      const Lying = class extends Uint8Array {};
      Object.defineProperty(Lying.prototype, 'buffer', { get: () => new ArrayBuffer(3) });
      Object.defineProperty(Lying.prototype, 'byteOffset', thrower);
      const subclass = new Lying(bytes);
      const shownBytes = new DataView(bytes.buffer.slice(0), bytes.byteOffset, bytes.byteLength);
      Object.defineProperty(shownBytes, 'buffer', thrower);
      for (const view of [ownGetters, subclass, shownBytes]) {
        const read = await options.parse(
          { body: view as Uint8Array, headers, url: url(options.pathSecret) },
          { clock, wrongSecret: false },
        );
        expect(byBody(read), view.constructor.name).toEqual(byBody(events));
      }
      // A Blob likewise, by the platform's own reader: its own or a subclass's `arrayBuffer` that throws,
      // rejects, answers other bytes or never settles is never called.
      const other = new TextEncoder().encode('{"other":"bytes"}').buffer;
      const arrayBuffers = {
        throws: () => {
          throw new Error('caller blob examplemarker');
        },
        rejects: () => Promise.reject(new Error('caller blob examplemarker')),
        answersText: async () => 'no bytes',
        answersOtherBytes: async () => other,
        neverSettles: () => new Promise<never>(() => {}),
      };
      for (const [name, arrayBuffer] of Object.entries(arrayBuffers)) {
        const Overriding = class extends Blob {};
        Object.defineProperty(Overriding.prototype, 'arrayBuffer', { value: arrayBuffer });
        for (const blob of [Object.assign(new Blob([bytes]), { arrayBuffer }), new Overriding([bytes])]) {
          const read = await options.parse(
            { body: blob as unknown as Uint8Array, headers, url: url(options.pathSecret) },
            { clock, wrongSecret: false },
          );
          expect(byBody(read), `Blob whose arrayBuffer ${name}`).toEqual(byBody(events));
        }
      }
    });

    it('every occurredAt is a valid date from 2000 to a day after receipt, whatever time the payload says (generated)', async () => {
      // The fields of every fixture that look like times, the signed `timestamp` of a vendor that checks it
      // aside (that one is refused when odd, by the tolerance).
      const timeKey = /time|^(started|ended|start|end)$/i;
      const now = Date.parse('2026-11-29T12:00:00Z');
      const oddTime = fc.oneof(
        fc.double({ noNaN: false }),
        fc.integer(),
        fc.constantFrom(
          1e20,
          -1,
          0,
          1e12,
          1e15,
          32_503_680_000,
          '1e999',
          'yesterday',
          '',
          '2026-02-30T00:00:00Z',
        ),
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        fc.string(),
      );
      const withTimes = (value: unknown, time: unknown): unknown => {
        if (Array.isArray(value)) return value.map((each) => withTimes(each, time));
        if (typeof value !== 'object' || value === null) return value;
        return Object.fromEntries(
          Object.entries(value).map(([key, each]) => [
            key,
            timeKey.test(key) && !(options.timestamp && key === 'timestamp') ? time : withTimes(each, time),
          ]),
        );
      };
      const samples = options.fixtures.filter((fixture) => timeKey.test(JSON.stringify(fixture.webhook)));
      if (samples.length === 0) return;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...samples), oddTime, async (fixture, time) => {
          const payload = withTimes(fixture.webhook, time);
          let events: LiveStreamEvent[] = [];
          try {
            events = await deliver(payload, undefined, {
              clock: options.timestamp ? clockFor(payload) : () => now,
            });
          } catch (error) {
            // Refusing an odd delivery is fine; failing on it with anything untyped is not.
            expect(WebhookVerificationError.isInstance(error), String(error)).toBe(true);
            return;
          }
          const receipt = options.timestamp ? clockFor(payload)() : now;
          for (const event of events) {
            const at = event.occurredAt.getTime();
            expect(Number.isNaN(at)).toBe(false);
            expect(at).toBeGreaterThanOrEqual(Date.UTC(2000, 0, 1));
            expect(at).toBeLessThanOrEqual(receipt + 86_400_000);
          }
        }),
        { numRuns: 60 },
      );
    });

    it('every event is a neutral event whatever text a field holds: a name of Object.prototype, empty, any (generated)', async () => {
      // The vendor's own names (event types, states) are looked up in tables: `constructor`, `toString` or
      // `__proto__` must read as a name no table has, never as what the prototype holds under it; and an
      // empty event id is no id (de-duplication would fold every such delivery into one).
      const cases = options.fixtures.flatMap((fixture) =>
        leafPaths(fixture.webhook, (leaf) => typeof leaf === 'string').map((path) => ({ fixture, path })),
      );
      const text = fc.oneof(
        fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype), '__proto__', ''),
        fc.string({ maxLength: 12 }),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...cases), text, async ({ fixture, path }, value) => {
          const events = await eventsOrRefused(withValueAt(fixture.webhook, path, value));
          for (const event of events) {
            expect(isLiveStreamEvent(event), `${path.join('.')}=${JSON.stringify(value)}`).toBe(true);
            // LiveStreamEvent.streamId: `''` only with type `unknown`.
            if (event.streamId === '')
              expect(event.type, `${path.join('.')}=${JSON.stringify(value)}`).toBe('unknown');
          }
        }),
        { numRuns: 300 },
      );
    });

    it('every event is one its type allows whatever kind of value a field holds, or without the field: every field of every fixture in turn', async () => {
      // A field the vendor may leave out or send as another kind (LiveAPI's `enabled`, a number sent as
      // text) must not make an event its type does not allow: a `state_changed` without a `state` is no
      // event, and the hub would refuse the whole delivery (isLiveStreamEvent).
      for (const fixture of options.fixtures) {
        for (const path of leafPaths(fixture.webhook, () => true)) {
          for (const next of [undefined, null, true, false, 0, 'x', {}]) {
            const events = await eventsOrRefused(withValueAt(fixture.webhook, path, next));
            for (const event of events) {
              const where = `${fixture.name}: ${path.join('.')}=${JSON.stringify(next)}`;
              expect(isLiveStreamEvent(event), where).toBe(true);
            }
          }
        }
      }
    });

    it('an event that names no stream is unknown: every text of every fixture emptied in turn', async () => {
      // An empty id names no stream; a typed event for a stream called '' would make the hub keep state
      // for it. Every adapter keeps the rule of LiveStreamEvent.streamId, whichever field held the id.
      const emptied = (value: unknown): unknown[] => {
        if (typeof value === 'string') return value === '' ? [] : [''];
        if (typeof value !== 'object' || value === null) return [];
        const entries = Object.entries(value);
        return entries.flatMap(([key, each]) =>
          emptied(each).map((replaced) =>
            Array.isArray(value)
              ? value.map((item, index) => (String(index) === key ? replaced : item))
              : { ...(value as Record<string, unknown>), [key]: replaced },
          ),
        );
      };
      for (const fixture of options.fixtures) {
        for (const payload of emptied(fixture.webhook)) {
          let events: LiveStreamEvent[] = [];
          try {
            events = await deliver(payload);
          } catch (error) {
            expect(WebhookVerificationError.isInstance(error), String(error)).toBe(true);
            continue;
          }
          for (const event of events) {
            if (event.streamId !== '') continue;
            expect(event.type, `${fixture.name}: ${JSON.stringify(payload)}`).toBe('unknown');
            expect(event.state).toBeUndefined();
            expect(event.broadcasting).toBeUndefined();
          }
        }
      }
    });

    it('no error names a secret, key or signature', async () => {
      const [fixture] = options.fixtures;
      const { headers } = await sign(fixture?.webhook);
      const secrets = [
        options.signing?.secret,
        options.pathSecret,
        options.signatureHeader ? (headers as Record<string, string>)[options.signatureHeader] : undefined,
      ].filter((value): value is string => typeof value === 'string' && value.length > 0);
      for (const variant of [{ wrongSecret: true }, { clock: () => 0 }]) {
        try {
          await deliver(fixture?.webhook, undefined, variant);
        } catch (error) {
          const text = `${(error as Error).message}${(error as Error).stack}${JSON.stringify(error)}`;
          for (const secret of secrets) expect(text).not.toContain(secret);
        }
      }
    });
  });
}

function streamOf(
  provider: ProviderId,
  id: string,
  known: string,
  answer: WebhookContractOptions['noSuchStream'],
): LiveStream {
  if (id !== known) throw notFound(provider, id, answer);
  return { id, provider, state: 'ready', ingest: [], playback: [], recording: false, raw: {} };
}

function notFound(provider: ProviderId, id: string, answer: WebhookContractOptions['noSuchStream']) {
  return new NotFoundError({
    provider,
    operation: 'get',
    status: 404,
    ...answer,
    message: `no stream ${id}`,
  });
}

/** Options of {@link runWebhookSecretTextContract}. */
export interface WebhookSecretTextOptions {
  provider: ProviderId;
  /** The `parseWebhook` option holding the secrets (`secret`, `pathSecret`, `publicKey`). */
  option: string;
  /** The environment variable an application reads the option from (the README's `process.env` form). */
  variable: string;
  /** True when leaving the option out reads {@link variable} (the adapter's default). */
  readsVariable: boolean;
  /** One secret as an application or the vendor makes it; drawn several at a time, distinct. */
  secret: fc.Arbitrary<string>;
  /** How many secrets a rotation holds at most (4 unless told; fewer when {@link secret} draws from few). */
  maxSecrets?: number;
  /** A secret none of `configured` is: a delivery it authenticates must be refused. */
  outsider(configured: readonly string[]): string;
  /** A delivery authenticated by one secret (signed with it, or sent to its path segment). */
  deliver(secret: string): Promise<SignedWebhook & { url?: string }>;
  /** The adapter's `parseWebhook` with the option set to `secrets`, or left out when undefined. */
  parse(input: WebhookInput, secrets: string | readonly string[] | undefined): Promise<LiveStreamEvent[]>;
  /** Two fixed secrets, the next and the current, for the `createWebhookHandler` example. */
  rotation: readonly [string, string];
  /** A secret holding a comma: a list's entry is taken whole. */
  withComma: string;
  /**
   * Entries that are no secret of the vendor's form, for adapters that check the form: each is refused
   * naming its place (`<option>.<index>`), and so is {@link withComma}. Absent when any text is a secret.
   */
  malformed?: readonly string[];
  /** What the refusal of a text holding no secret says (`holds no secret: …` unless the vendor's differs). */
  noSecretMessage?: string;
  /** The parts of a secret no error may show (the whole secret unless told; a PEM key's body line). */
  shownParts?(secret: string): readonly string[];
  /** Cases of the rotation property (80 unless told). */
  numRuns?: number;
  /** Cases of the malformed-entry property (40 unless told). */
  malformedRuns?: number;
}

/**
 * One rule for a webhook secret given as text (core's `webhookSecretText`), run against one adapter: several
 * secrets separated by commas, whitespace around each dropped, read the same from the option, from the text of
 * its environment variable and (when the adapter defaults to it) from the variable itself, so the README's
 * `process.env.X` holding `"<new>,<old>"` during a rotation accepts both; a list's entries are taken whole; a
 * text holding none is an {@link InvalidInputError} naming the option; so is a list whose reading throws (a
 * Proxy whose `length` or an entry throws, a getter on an entry, a revoked Proxy, a length of more than
 * 1,000), through `parseWebhook` and through `createWebhookHandler` (500, heard by `onError`), while one
 * whose iterator throws is read as its entries. No secret is ever shown.
 */
export function runWebhookSecretTextContract(options: WebhookSecretTextOptions): void {
  const { option, variable } = options;
  const noSecret = options.noSecretMessage ?? 'holds no secret: give one, or several separated by commas';
  const shownParts = options.shownParts ?? ((secret: string) => [secret]);
  const secrets = fc.uniqueArray(options.secret, { minLength: 1, maxLength: options.maxSecrets ?? 4 });
  // What may sit between two secrets in a text: a comma, with whitespace (spaces, tabs, line ends) around it.
  const separator = fc.constantFrom(',', ', ', ' ,', ',\n', '\r\n,\t', ' , ', '\n,\n', '\r\n,');
  const forms = [
    'option text',
    'option list',
    'option text of the environment',
    ...(options.readsVariable ? ['environment'] : []),
  ] as const;
  const sources = options.readsVariable ? (['option', 'environment'] as const) : (['option'] as const);
  const outcome = (input: WebhookInput, value: string | readonly string[] | undefined) =>
    options.parse(input, value).then(
      (events) => `accepted ${events.length}`,
      (error: Error & { reason?: string }) => `${error.name}${error.reason ? `:${error.reason}` : ''}`,
    );
  const shown = (error: unknown) =>
    `${(error as Error).message}\n${JSON.stringify(error)}\n${inspect(error)}\n${(error as Error).stack}`;

  describe(`${options.provider} webhook ${option} given as text`, testLimit, () => {
    afterEach(() => {
      delete process.env[variable];
    });

    it('accepts a delivery for any secret of a rotation, in any order and form, and refuses one for none', async () => {
      await fc.assert(
        fc.asyncProperty(
          secrets,
          fc.nat(),
          fc.boolean(),
          fc.constantFrom(...forms),
          fc.array(separator, { minLength: 1, maxLength: 3 }),
          async (configured, pick, outsider, how, glue) => {
            const text = configured
              .map((secret, index) => (index === 0 ? secret : `${glue[index % glue.length]}${secret}`))
              .join('');
            if (how === 'environment' || how === 'option text of the environment') {
              process.env[variable] = ` ${text} `;
            }
            const value =
              how === 'option text'
                ? text
                : how === 'option list'
                  ? [...configured]
                  : how === 'environment'
                    ? undefined
                    : process.env[variable];
            const by = outsider
              ? options.outsider(configured)
              : (configured[pick % configured.length] as string);
            const said = `${how}, ${configured.length} secret(s), ${outsider ? 'an outsider' : 'one of them'}`;
            expect(await outcome(await options.deliver(by), value), said).toBe(
              outsider ? 'WebhookVerificationError:bad-signature' : 'accepted 1',
            );
          },
        ),
        { numRuns: options.numRuns ?? 80 },
      );
    });

    it(`answers 200 through createWebhookHandler with the README's ${option}: process.env form during a rotation`, async () => {
      const [next, current] = options.rotation;
      process.env[variable] = `${next},${current}`;
      for (const source of sources) {
        const value = source === 'environment' ? undefined : process.env[variable];
        const errors: unknown[] = [];
        const handler = createWebhookHandler({
          parse: (input) => options.parse(input, value),
          onError: (error) => errors.push(error),
        });
        for (const [name, secret] of [
          ['current', current],
          ['next', next],
        ] as const) {
          const { body, headers, url } = await options.deliver(secret);
          const response = await handler.handleWebhook(
            new Request(new URL(url ?? '/webhooks', 'https://app.example'), {
              method: 'POST',
              body,
              headers,
            }),
          );
          expect(response.status, `${source}, ${name}`).toBe(200);
        }
        expect(errors).toEqual([]);
      }
    });

    it('takes a list entry whole, a comma in it included', async () => {
      const [next] = options.rotation;
      if (options.malformed) {
        // The entry is no secret of the vendor's form: refused before any signature is checked.
        const delivery = await options.deliver(next);
        const error = await options.parse(delivery, [next, options.withComma]).catch((e: unknown) => e);
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).issues[0]?.path).toBe(`${option}.1`);
      } else {
        const delivery = await options.deliver(options.withComma);
        expect(await outcome(delivery, [options.withComma])).toBe('accepted 1');
        expect(await outcome(delivery, options.withComma)).toBe('WebhookVerificationError:bad-signature');
      }
    });

    it('names a text holding no secret, from the option or the environment, and never shows a secret', async () => {
      const empties = [',', ' , ,', ', \t', ' , ,\n', ' ,\n,'];
      for (const empty of empties) {
        for (const source of sources) {
          process.env[variable] = empty;
          const delivery = await options.deliver(options.rotation[0]);
          const error = await options
            .parse(delivery, source === 'option' ? empty : undefined)
            .catch((e: unknown) => e);
          expect(InvalidInputError.isInstance(error), `${source} ${JSON.stringify(empty)}`).toBe(true);
          expect((error as InvalidInputError).issues).toEqual([{ path: option, message: noSecret }]);
        }
      }
      await fc.assert(
        fc.asyncProperty(secrets, fc.constantFrom(...empties), async (configured, empty) => {
          const delivery = await options.deliver(configured[0] as string);
          const error = await options.parse(delivery, empty).catch((e: unknown) => e);
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect((error as InvalidInputError).issues).toEqual([{ path: option, message: noSecret }]);
          const wrong = await options
            .parse(await options.deliver(options.outsider(configured)), configured.join(','))
            .catch((e: unknown) => e);
          expect(WebhookVerificationError.isInstance(wrong)).toBe(true);
          for (const each of configured) {
            for (const part of shownParts(each)) expect(shown(wrong)).not.toContain(part);
          }
        }),
        { numRuns: 30 },
      );
    });

    // A list whose reading throws (the caller's Proxy, a getter on an entry, a revoked Proxy) is read by
    // core's one reader of secret lists: refused naming the option, what was thrown as `cause` and never in
    // the message, through parseWebhook and through createWebhookHandler (500, the reason heard by
    // onError); a Proxy whose iterator throws is read as its entries, which are read by index.
    const traps = [
      'length',
      'entry',
      'entry-getter',
      'revoked',
      'length-nonsense',
      'too-long',
      'iterator',
    ] as const;
    const unreadable = 'could not be read (a getter or a Proxy in it threw)';
    it.each(traps)(
      `refuses a ${option} list whose reading throws (%s), naming it, through parseWebhook and createWebhookHandler`,
      async (trap) => {
        await fc.assert(
          fc.asyncProperty(
            secrets,
            fc.nat(),
            fc.stringMatching(/^[a-z0-9]{6,16}$/),
            fc.constantFrom<unknown>(1.5, -1, '2', Number.NaN, undefined),
            fc.integer({ min: 1_001, max: 2 ** 32 - 1 }),
            async (configured, at, marker, nonsense, tooLong) => {
              const thrown = new Error(`caller trap-${marker}`);
              const entry = String(at % configured.length);
              const list = [...configured];
              let hostile: readonly string[];
              switch (trap) {
                case 'length':
                case 'entry':
                case 'iterator': {
                  const key = trap === 'length' ? 'length' : trap === 'entry' ? entry : Symbol.iterator;
                  hostile = new Proxy(list, {
                    get: (target, name, receiver) => {
                      if (name === key) throw thrown;
                      return Reflect.get(target, name, receiver);
                    },
                  });
                  break;
                }
                case 'entry-getter':
                  Object.defineProperty(list, entry, {
                    get: () => {
                      throw thrown;
                    },
                    enumerable: true,
                  });
                  hostile = list;
                  break;
                case 'revoked': {
                  const revocable = Proxy.revocable(list, {});
                  revocable.revoke();
                  hostile = revocable.proxy;
                  break;
                }
                case 'length-nonsense':
                case 'too-long':
                  hostile = new Proxy(list, {
                    get: (target, name, receiver) =>
                      name === 'length'
                        ? trap === 'too-long'
                          ? tooLong
                          : nonsense
                        : Reflect.get(target, name, receiver),
                  });
                  break;
              }
              const delivery = await options.deliver(configured[0] as string);
              const errors: unknown[] = [];
              const handler = createWebhookHandler({
                parse: (input) => options.parse(input, hostile),
                onError: (error) => errors.push(error),
              });
              const response = await handler.handleWebhook(
                new Request(new URL(delivery.url ?? '/webhooks', 'https://app.example'), {
                  method: 'POST',
                  body: delivery.body,
                  headers: delivery.headers,
                }),
              );
              if (trap === 'iterator') {
                // Read as its entries: the delivery the first secret authenticates is accepted.
                expect(await outcome(delivery, hostile)).toBe('accepted 1');
                expect(response.status).toBe(200);
                expect(errors).toEqual([]);
                return;
              }
              const error = await options.parse(delivery, hostile).catch((e: unknown) => e);
              const message =
                trap === 'too-long'
                  ? 'holds more than 1,000 entries: give the secrets in use (several only during a rotation)'
                  : unreadable;
              expect(InvalidInputError.isInstance(error), inspect(error)).toBe(true);
              const refused = error as InvalidInputError;
              expect(refused.issues).toEqual([{ path: option, message }]);
              expect(refused.operation).toBe('parseWebhook');
              expect(refused.message).toBe(`${options.provider} webhook: ${option} ${message}`);
              if (trap === 'revoked') expect((refused.cause as Error).name).toBe('TypeError');
              else if (trap === 'too-long' || trap === 'length-nonsense')
                expect(refused.cause).toBeUndefined();
              else expect((refused.cause as Error).message).toBe(`caller trap-${marker}`);
              expect(refused.message).not.toContain(marker);
              for (const each of configured) {
                for (const part of shownParts(each)) expect(shown(refused)).not.toContain(part);
              }
              // The handler answers 500, as for any configuration problem of parse; onError hears the refusal.
              expect(response.status).toBe(500);
              expect(await response.json()).toEqual({ error: 'handler-failed' });
              expect(errors).toHaveLength(1);
              expect(InvalidInputError.isInstance(errors[0])).toBe(true);
              expect((errors[0] as InvalidInputError).issues).toEqual([{ path: option, message }]);
            },
          ),
          { numRuns: 6 },
        );
      },
    );

    const { malformed } = options;
    if (malformed) {
      it('names an entry that is no secret of the vendor form by its place, and never shows a secret', async () => {
        await fc.assert(
          fc.asyncProperty(
            secrets,
            fc.nat(),
            fc.constantFrom(...malformed),
            fc.boolean(),
            async (good, at, bad, asText) => {
              const index = at % (good.length + 1);
              const configured = [...good.slice(0, index), bad, ...good.slice(index)];
              const delivery = await options.deliver(good[0] as string);
              const error = await options
                .parse(delivery, asText ? configured.join(',') : configured)
                .catch((e: unknown) => e);
              expect(InvalidInputError.isInstance(error)).toBe(true);
              expect((error as InvalidInputError).issues[0]?.path).toBe(`${option}.${index}`);
              for (const each of good) {
                for (const part of shownParts(each)) expect(shown(error)).not.toContain(part);
              }
              expect(shown(error)).not.toContain(bad);
            },
          ),
          { numRuns: options.malformedRuns ?? 40 },
        );
      });
    }
  });
}

// The paths of a JSON value's leaves (a value that is no object or array) that `keep` takes.
function leafPaths(
  value: unknown,
  keep: (leaf: unknown) => boolean,
  path: (string | number)[] = [],
): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return path.length > 0 && keep(value) ? [path] : [];
  return Object.entries(value).flatMap(([key, each]) =>
    leafPaths(each, keep, [...path, Array.isArray(value) ? Number(key) : key]),
  );
}

// A copy of a JSON value with `next` at `path`; `undefined` leaves the field out (the body is JSON).
function withValueAt(value: unknown, path: readonly (string | number)[], next: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return next;
  if (Array.isArray(value))
    return value.map((each, index) => (index === head ? withValueAt(each, rest, next) : each));
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && next === undefined) delete copy[head];
  else copy[head] = withValueAt(copy[head], rest, next);
  return copy;
}
