import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import {
  ConflictError,
  createHttpClient,
  createLiveStreamClient,
  createLiveStreamRegistry,
  type HttpHooks,
  type LiveStream,
  type LiveStreamClient,
  type LiveStreamProvider,
  SecretSet,
} from '../index.js';
import { providerRedactorSource } from '../provider-secrets.js';
import { secretListWork } from '../secrets.js';

// A provider from outside this repository may rotate its credentials: its `secrets()` answers with a new
// SecretSet, or a new list, after the client first read it. Every secret of its current answer, and every
// secret an earlier answer listed (a late answer may still carry a rotated-out key), reaches no caller,
// hook or registry unmasked.

const encodings = {
  plain: (secret: string) => secret,
  url: (secret: string) => encodeURIComponent(secret),
  base64: (secret: string) => Buffer.from(secret, 'utf8').toString('base64'),
  json: (secret: string) => JSON.stringify(secret).slice(1, -1),
} as const;

/** Every encoding of `secret` found in `text`. */
function leaks(text: string, secret: string): string[] {
  return Object.entries(encodings)
    .filter(([, encode]) => text.includes(encode(secret)))
    .map(([name]) => name);
}

/** Every text a caller, a logger or a hook can see of `value`. */
function everything(value: unknown): string {
  const texts = [inspect(value, { depth: 12, showHidden: true }), JSON.stringify(value) ?? ''];
  if (value instanceof Error) texts.push(String(value), String(value.stack));
  return texts.join('\n');
}

/** Each secret in every encoding, separated by spaces. */
function shown(values: readonly string[]): string {
  return values.flatMap((value) => Object.values(encodings).map((encode) => encode(value))).join(' ');
}

/**
 * How `secrets()` answers at one step: a new set's list, a set's list after the set of the step before
 * learned more (no rotation when that step's answer was a set), one array asked for again and again, a new
 * array on every call, or an iterable that is no array.
 */
const kinds = ['set', 'same-set-learns', 'array', 'fresh-array', 'iterable'] as const;
type Kind = (typeof kinds)[number];

interface Step {
  kind: Kind;
  values: string[];
}

const steps = fc
  .array(
    fc.record({
      kind: fc.constantFrom(...kinds),
      tails: fc.array(fc.stringMatching(/^[A-Za-z0-9]{12,20}$/), { minLength: 1, maxLength: 2 }),
    }),
    { minLength: 2, maxLength: 4 },
  )
  .map((generated): Step[] =>
    generated.map(({ kind, tails }, step) => ({
      kind,
      values: tails.map((tail, index) => `rotated_${step}_${index}_${tail}`),
    })),
  );

/** A provider whose `secrets()` answers as `steps[at()]` says; every call holds every value of every step. */
function rotatingProvider(
  chosen: readonly Step[],
  at: () => number,
  http: ReturnType<typeof createHttpClient>,
): LiveStreamProvider {
  const base = fakeProvider('outside', { streams: 1 }).provider;
  const answers: (() => unknown)[] = [];
  const entering: (() => void)[] = [];
  let entered = -1;
  let set: SecretSet | undefined;
  for (const { kind, values } of chosen) {
    if (kind === 'set' || kind === 'same-set-learns') {
      if (kind === 'set' || set === undefined) {
        set = new SecretSet();
        set.add(values[0]);
        set.learnStream('outside1', ...values.slice(1));
      } else {
        // The same set learns the step's values at its first call (a stream created since).
        const learning = set;
        entering[answers.length] = () => learning.learnStream(`learned-${values[0]}`, ...values);
        answers.push(() => learning.values());
        continue;
      }
      const own = set;
      answers.push(() => own.values());
    } else if (kind === 'array') {
      const list = [...values];
      answers.push(() => list);
    } else if (kind === 'fresh-array') answers.push(() => [...values]);
    else answers.push(() => new Set(values));
  }
  // Every value of every answer so far: the current one's, and those a late answer may still carry.
  const text = () => shown(chosen.slice(0, at() + 1).flatMap((one) => one.values));
  const conflict = () =>
    new ConflictError({ provider: 'outside', operation: 'get', message: `refused ${text()}` });
  const withWarning = async (): Promise<LiveStream> => ({
    ...(await base.get('outside1')),
    warnings: [{ type: 'fallback', message: `fell back for ${text()}` }],
  });
  return {
    ...base,
    secrets: () => (answers[at()] as () => readonly string[])(),
    // The first call of each step.
    get: async () => {
      if (entered !== at()) entering[at()]?.();
      entered = at();
      throw conflict();
    },
    create: withWarning,
    // Not one of this library's errors: the client makes one of its own, its cause masked.
    delete: async () => {
      throw new TypeError(`bad answer ${text()}`);
    },
    async update(id, _patch, options) {
      const hooks = options?.runtime?.hooks;
      const request = { provider: 'outside', operation: 'update', method: 'PATCH', attempt: 1 };
      hooks?.onError?.({ ...request, url: `https://api.outside.test/${text()}`, error: conflict() });
      hooks?.onRetry?.({
        ...request,
        url: 'https://api.outside.test/streams',
        delayMs: 100,
        reason: `HTTP 503 for ${text()}`,
        error: conflict(),
      });
      hooks?.onWarning?.({
        provider: 'outside',
        operation: 'update',
        warning: { type: 'fallback', message: `went through ${text()}` },
      });
      // Its HTTP layer was set up once, with the secrets of the first answer: the path holds them all.
      await http.request({
        operation: 'update',
        method: 'GET',
        path: `v1/${encodeURIComponent(text())}`,
        options,
      });
      return base.get(id);
    },
  };
}

/** A client an application wrote, calling its provider as it is: the registry masks what it passes on. */
function rawClient(provider: LiveStreamProvider): LiveStreamClient {
  const made = createLiveStreamClient(provider);
  return {
    ...made,
    provider,
    providerId: provider.id,
    capabilities: provider.capabilities,
    get: (id: string) => provider.get(id),
    create: (input) => provider.create(input),
    waitForState: made.waitForState.bind(made),
  } as LiveStreamClient;
}

async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('the call succeeded');
}

describe('a provider rotating its secrets', () => {
  it('has every secret of its current answer and of every earlier one masked, in errors, warnings and hook events, through the client and the registry', async () => {
    await fc.assert(
      fc.asyncProperty(steps, async (chosen) => {
        let step = 0;
        const first = chosen[0] as Step;
        const firstSet = new SecretSet();
        if (first.kind === 'set' || first.kind === 'same-set-learns') firstSet.add(...first.values);
        const http = createHttpClient({
          provider: 'outside',
          baseUrl: 'https://api.outside.test',
          headers: () => ({}),
          secrets: firstSet,
          retry: { maxRetries: 0 },
          fetch: (async () =>
            new Response('{}', {
              status: 200,
              headers: { 'x-request-id': `req-${encodeURIComponent(shown(first.values))}` },
            })) as typeof fetch,
        });
        const provider = rotatingProvider(chosen, () => step, http);
        const heard: unknown[] = [];
        const record = (event: unknown) => {
          heard.push(event);
        };
        const hooks: HttpHooks = {
          onRequest: record,
          onResponse: record,
          onError: record,
          onRetry: record,
          onWarning: record,
        };
        const client = createLiveStreamClient(provider, { hooks });
        const registry = createLiveStreamRegistry({ providers: { a: rawClient(provider) } });
        for (step = 0; step < chosen.length; step += 1) {
          heard.length = 0;
          const seen = [
            await rejection(() => client.get('outside1')),
            await client.create({ name: 'n' }),
            // The stream's own name: its update reads the stream back unchanged.
            await client.update('outside1', { name: 'outside stream 0' }),
            await rejection(() => client.delete('outside1')),
            await rejection(() => registry.get('a:outside1')),
            await registry.create({ name: 'n' }, { provider: 'a' }),
            heard,
          ];
          const text = seen.map(everything).join('\n');
          for (const secret of chosen.slice(0, step + 1).flatMap((one) => one.values))
            expect(leaks(text, secret), `${secret} at step ${step}`).toEqual([]);
          // The warning of create; update's retry and warning, and its request and response (the provider
          // is handed no `onError`: update resolved); the client's get and delete, which reject.
          expect(heard).toHaveLength(7);
          expect(text).toContain('[REDACTED]');
        }
      }),
      { numRuns: 40 },
    );
  });

  it('asks again on every masking, and the set it answers with costs no copy of its values, changed or not', () => {
    const set = new SecretSet();
    set.add('credential-0123456789');
    for (let index = 0; index < 500; index += 1) set.learnStream(`s${index}`, `stream-key-${index}-Qw7Zp`);
    let answer: () => readonly string[] = () => set.values();
    const source = providerRedactorSource({ ...fakeProvider('outside').provider, secrets: () => answer() });
    expect(source()).toBe(set);
    const builds = secretListWork.builds;
    for (let index = 0; index < 1_000; index += 1) expect(source()).toBe(set);
    expect(secretListWork.builds - builds).toBe(0);
    // A stream learned before each ask: the set is still found without a copy of its values.
    for (let index = 0; index < 100; index += 1) {
      set.learnStream(`s-new-${index}`, `stream-key-new-${index}-Qw7Zp`);
      expect(source().redact(`key stream-key-new-${index}-Qw7Zp`)).toBe('key [REDACTED]');
    }
    expect(secretListWork.builds - builds).toBe(0);
    // A provider that makes a list of its own of the set's values is asked again, and that list is current.
    const extra = 'extra-value-of-its-own-5521';
    answer = () => [...set.values(), extra];
    set.learnStream('s-late', 'stream-key-late-Qw7Zp');
    expect(source().redact(`${extra} stream-key-late-Qw7Zp stream-key-3-Qw7Zp`)).toBe(
      '[REDACTED] [REDACTED] [REDACTED]',
    );
    answer = () => set.values();
    expect(source().redact('stream-key-late-Qw7Zp')).toBe('[REDACTED]');
    // Rotated to a new set: its values and the old set's are both masked, from the next masking on.
    const rotated = new SecretSet();
    rotated.add('credential-rotated-9876543210');
    answer = () => rotated.values();
    expect(source().redact('credential-rotated-9876543210 credential-0123456789 stream-key-7-Qw7Zp')).toBe(
      '[REDACTED] [REDACTED] [REDACTED]',
    );
    // What the new set learns later is masked too, and asking again still costs no copy.
    rotated.learn('learned-after-rotation-77');
    expect(source().redact('learned-after-rotation-77')).toBe('[REDACTED]');
    const after = secretListWork.builds;
    for (let index = 0; index < 1_000; index += 1) source();
    expect(secretListWork.builds - after).toBe(0);
  });

  it('masks two secrets of its current and an earlier answer that overlap in a text, leaving nothing of either', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9]{12,20}$/),
        fc.stringMatching(/^[A-Za-z0-9]{12,20}$/),
        fc.integer({ min: 1, max: 11 }),
        (left, right, shared) => {
          // The old key ends with what the new one starts with, and the text holds them run together.
          const old = `${left}${right.slice(0, shared)}`;
          const fresh = right;
          fc.pre(!old.includes(fresh) && !fresh.includes(old));
          let answer: readonly string[] = [old];
          const source = providerRedactorSource({
            ...fakeProvider('outside').provider,
            secrets: () => answer,
          });
          source();
          answer = [fresh];
          const masked = source().redact(`key ${left}${right} end`);
          expect(masked).toBe('key [REDACTED] end');
        },
      ),
      { numRuns: 200 },
    );
  });
});
