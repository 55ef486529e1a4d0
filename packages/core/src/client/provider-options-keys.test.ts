import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { InvalidInputError } from '../errors/errors.js';
import { createLiveStreamClient } from './live-stream-client.js';

// `providerOptions` is read the same way by every call that takes it: a key that would reach an object's
// prototype (`__proto__`, `constructor`, `prototype`), at any depth, under any provider's id or at the top,
// is refused before anything is sent, by start as by create and update. JSON.parse makes such keys own
// properties, which is how they arrive from configuration or a request body.
const forbidden = fc.constantFrom('__proto__', 'constructor', 'prototype');
const placed = fc.tuple(forbidden, fc.constantFrom('top', 'under-other', 'nested')).map(([key, where]) => {
  const inner = `{"${key}":{"x":1}}`;
  const text =
    where === 'top' ? inner : where === 'under-other' ? `{"other":${inner}}` : `{"other":{"a":${inner}}}`;
  return { key, where, value: JSON.parse(text) as Record<string, unknown> };
});

async function refusal(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('providerOptions keys that reach a prototype', () => {
  it('are refused alike by create, update and start', async () => {
    await fc.assert(
      fc.asyncProperty(placed, async ({ value }) => {
        const fake = fakeProvider('fake', { streams: 1 });
        const [id = ''] = [...fake.store.keys()];
        fake.calls.length = 0;
        const client = createLiveStreamClient(fake.provider);
        const refused = [
          await refusal(() => client.create({ name: 'a', providerOptions: value as never })),
          await refusal(() => client.update(id, { providerOptions: value as never })),
          await refusal(() => client.start(id, { providerOptions: value as never })),
        ];
        for (const error of refused) {
          expect(InvalidInputError.isInstance(error)).toBe(true);
          const { issues, delivery } = error as InvalidInputError;
          expect(delivery).toBe('not-sent');
          expect(issues.map((issue) => issue.message)).toEqual([
            'expected no "__proto__", "constructor" or "prototype" keys',
          ]);
        }
        // A start's provider options are its call option, named as every call option is.
        expect((refused[2] as InvalidInputError).issues[0]?.path).toBe('options.providerOptions');
        expect(fake.calls).toEqual([]);
      }),
    );
  });

  it('leaves a start with ordinary options under another id to go on', async () => {
    const fake = fakeProvider('fake', { streams: 1 });
    const [id = ''] = [...fake.store.keys()];
    const client = createLiveStreamClient(fake.provider);
    const started = await client.start(id, { providerOptions: JSON.parse('{"other":{"proto":1}}') });
    expect(started.id).toBe(id);
  });
});
