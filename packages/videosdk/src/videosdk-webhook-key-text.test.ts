import { inspect } from 'node:util';
import { createWebhookHandler, InvalidInputError } from '@unilive/core';
import { createWebhookKeyPair, signWebhook } from '@unilive/testing';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { parseWebhook, videosdkWebhookPublicKeyVariable } from './videosdk-webhooks.js';

// One rule for a webhook secret given as text (core's webhookSecretText), the public key's included: several
// PEM keys separated by commas (a PEM holds none), whitespace around each dropped, from the option or from
// VIDEOSDK_WEBHOOK_PUBLIC_KEY alike; a list's entries are each one key. No key is ever shown.

const variable = videosdkWebhookPublicKeyVariable;
afterEach(() => {
  delete process.env[variable];
});

// RSA key pairs take long to make: four, made once; the property draws which are configured, in what order.
const pairs = await Promise.all([0, 1, 2, 3].map(() => createWebhookKeyPair()));
const payload = { webhookType: 'hls-started', data: { meetingId: 'room-1', sessionId: 's1' } };
const separator = fc.constantFrom(',', ',\n', '\n,\n', ' , ', '\r\n,');
// A text that reaches no key source: the vendor's is never fetched by these tests.
const keySource = {
  get: () => Promise.reject(new Error('no key is fetched here')),
  refresh: async () => undefined,
};

describe('videosdk webhook public keys given as text', () => {
  it('accept a delivery signed by any configured key, in any order and form, and refuse one signed by none', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([0, 1, 2, 3], { minLength: 1, maxLength: 3 }),
        fc.nat(),
        fc.boolean(),
        fc.constantFrom('text', 'list', 'environment', 'text of the environment'),
        fc.array(separator, { minLength: 1, maxLength: 3 }),
        async (chosen, pick, outsider, how, glue) => {
          const keys = chosen.map((index) => (pairs[index] as { publicKey: string }).publicKey);
          const text = keys
            .map((key, index) => (index === 0 ? key : `${glue[index % glue.length]}${key}`))
            .join('');
          process.env[variable] = text;
          const publicKey =
            how === 'text'
              ? text
              : how === 'list'
                ? keys
                : how === 'environment'
                  ? undefined
                  : (process.env[variable] as string);
          const signer = outsider
            ? ([0, 1, 2, 3].find((index) => !chosen.includes(index)) as number)
            : (chosen[pick % chosen.length] as number);
          const { body, headers } = await signWebhook('videosdk', payload, {
            privateKey: (pairs[signer] as { privateKey: string }).privateKey,
          });
          const result = await parseWebhook(
            { body, headers },
            { ...(publicKey === undefined ? {} : { publicKey }), keySource },
          ).then(
            (events) => `accepted ${events.length}`,
            (error: Error & { reason?: string }) => `${error.name}${error.reason ? `:${error.reason}` : ''}`,
          );
          expect(result, `${how}, ${keys.length} key(s)`).toBe(
            outsider ? 'WebhookVerificationError:bad-signature' : 'accepted 1',
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('answers 200 through createWebhookHandler whether the keys come from the option or the environment', async () => {
    process.env[variable] = `${pairs[0]?.publicKey},\n${pairs[1]?.publicKey}`;
    const { body, headers } = await signWebhook('videosdk', payload, { privateKey: pairs[1]?.privateKey });
    for (const publicKey of [undefined, process.env[variable]]) {
      const errors: unknown[] = [];
      const handler = createWebhookHandler({
        parse: (input) =>
          parseWebhook(input, { ...(publicKey === undefined ? {} : { publicKey }), keySource }),
        onError: (error) => errors.push(error),
      });
      const response = await handler.handleWebhook(
        new Request('https://app.example/webhooks', { method: 'POST', body, headers }),
      );
      expect(response.status, publicKey === undefined ? 'environment' : 'option').toBe(200);
      expect(errors).toEqual([]);
    }
  });

  it('names a text that is no PEM key by its place, or one holding none, and never shows a key', async () => {
    const { body, headers } = await signWebhook('videosdk', payload, { privateKey: pairs[0]?.privateKey });
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.constantFrom('not a key', 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A'),
        async (at, bad) => {
          const good = [pairs[0]?.publicKey as string, pairs[1]?.publicKey as string];
          const index = at % (good.length + 1);
          const keys = [...good.slice(0, index), bad, ...good.slice(index)];
          const error = await parseWebhook({ body, headers }, { publicKey: keys.join(','), keySource }).catch(
            (e: unknown) => e,
          );
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect((error as InvalidInputError).issues[0]?.path).toBe(`publicKey.${index}`);
          const shown = `${(error as Error).message}\n${JSON.stringify(error)}\n${inspect(error)}\n${(error as Error).stack}`;
          for (const each of [...good.map((key) => key.split('\n')[1] as string), bad]) {
            expect(shown).not.toContain(each);
          }
        },
      ),
      { numRuns: 20 },
    );
    const none = await parseWebhook({ body, headers }, { publicKey: ' ,\n,', keySource }).catch(
      (e: unknown) => e,
    );
    expect((none as InvalidInputError).issues).toEqual([
      { path: 'publicKey', message: 'holds no key: give one PEM public key, or several separated by commas' },
    ]);
  });
});
