import { createLiveStreamClient, UniliveError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryProvider } from './memory-provider.js';
import {
  firstChangeAnswered,
  knownAfterCut,
  leakedSecrets,
  refusalEchoing,
  refusedChangeThenGet,
  secretEncodingNames,
  secretEncodings,
  shownTexts,
} from './shown-secrets.js';

describe('shownTexts and leakedSecrets', () => {
  it('name each secret repeated in the encoding looked for, and none that is not', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]{16,32}$/),
        fc.stringMatching(/^[a-z0-9]{16,32}$/),
        fc.constantFrom(...secretEncodingNames),
        (key, password, encoding) => {
          fc.pre(!key.includes(password) && !password.includes(key));
          const encode = secretEncodings[encoding];
          const { shown, showError } = shownTexts();
          showError(new Error(`refused: ${encode(key)}`));
          expect(leakedSecrets({ key, password }, encode, shown)).toEqual([['key', key]]);
          expect(leakedSecrets({ password }, encode, shown)).toEqual([]);
        },
      ),
    );
  });

  it('record the hook events, an error inspected and its toJSON, and a 422 echoing the secrets', async () => {
    const { hooks, shown, showError } = shownTexts();
    const echo = secretEncodings.base64('s3cr3t-value');
    const refusal = refusalEchoing(echo);
    expect(refusal.status).toBe(422);
    expect(refusal.headers.get('x-request-id')).toBe(`rid ${echo}`);
    expect(await refusal.json()).toEqual({ message: `refused: ${echo}`, error: echo });
    const client = createLiveStreamClient(createMemoryProvider(), { hooks });
    const created = await client.create({ name: 'show' });
    expect(shown.some((text) => text.includes('"status":'))).toBe(true);
    const recorded = shown.length;
    const error = await client.get(`${created.id}-gone`).catch((caught: unknown) => caught);
    expect(UniliveError.isInstance(error)).toBe(true);
    expect(shown.length).toBeGreaterThan(recorded);
    const events = shown.length;
    showError(error);
    expect(shown.slice(events)).toHaveLength(2);
    expect(shown.at(-1)).toBe(JSON.stringify((error as UniliveError).toJSON()));
  });
});

describe('firstChangeAnswered and refusedChangeThenGet', () => {
  it('answer the first change as given and refuse every other request', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST', 'PATCH', 'PUT'),
        fc.constantFrom('GET', 'DELETE'),
        async (change, other) => {
          const fetch = firstChangeAnswered({ id: 'a' }, () => refusalEchoing('x'), {
            methods: ['POST', 'PATCH', 'PUT'],
          });
          const read = await fetch('https://vendor.test/s', { method: other });
          expect(read.status).toBe(422);
          const answered = await fetch('https://vendor.test/s', { method: change });
          expect(answered.status).toBe(change === 'POST' ? 201 : 200);
          expect(await answered.json()).toEqual({ id: 'a' });
          // Only the first: a repeat is refused.
          expect((await fetch('https://vendor.test/s', { method: change })).status).toBe(422);
        },
      ),
    );
  });

  it('fail when the change or the read does not fail as a refused change does, and show both errors', async () => {
    const client = createLiveStreamClient(createMemoryProvider());
    const created = await client.create({ name: 'show' });
    // A memory provider accepts the change: refusedChangeThenGet's own checks fail.
    await expect(refusedChangeThenGet(client, 'update', created.id, () => {})).rejects.toThrow();
    const { shown, showError } = shownTexts();
    await expect(refusedChangeThenGet(client, 'update', 'missing', showError)).resolves.toBeUndefined();
    expect(shown.some((text) => text.includes('NotFoundError'))).toBe(true);
  });
});

describe('knownAfterCut', () => {
  it('knows a value cut inside from its 8th code point on, as core counts a beginning', () => {
    const text = JSON.stringify({
      key: 'a1b2c3d4e5f6',
      emoji: '\u{1F600}\u{1F680}\u{1F525}\u{1F3AC}a1b2c3d4',
    });
    const secrets = { key: 'a1b2c3d4e5f6', emoji: '\u{1F600}\u{1F680}\u{1F525}\u{1F3AC}a1b2c3d4' };
    const cutAt = (label: 'key' | 'emoji', units: number) =>
      knownAfterCut(secrets, text, text.indexOf(secrets[label]) + units);
    expect(cutAt('key', 7)).toEqual({});
    expect(cutAt('key', 8)).toEqual({ key: { value: 'a1b2c3d4e5f6', arrived: 8 } });
    // Four emoji are eight code units and four characters: not enough; with four more, enough.
    expect(cutAt('emoji', 8)).toEqual({ key: { value: 'a1b2c3d4e5f6', arrived: 12 } });
    expect(cutAt('emoji', 11)).toEqual({ key: { value: 'a1b2c3d4e5f6', arrived: 12 } });
    expect(cutAt('emoji', 12).emoji).toEqual({ value: secrets.emoji, arrived: 12 });
    // A pair the cut broke is no character: eight emoji and half a ninth are eight, seven and a half seven.
    const pairs = { emoji: '\u{1F600}'.repeat(9) };
    const cut = knownAfterCut(pairs, JSON.stringify(pairs), JSON.stringify(pairs).indexOf('\u{1F600}') + 17);
    expect(cut).toEqual({ emoji: { value: pairs.emoji, arrived: 17 } });
    expect(
      knownAfterCut(pairs, JSON.stringify(pairs), JSON.stringify(pairs).indexOf('\u{1F600}') + 15),
    ).toEqual({});
  });
});
