import { inspect } from 'node:util';
import { createWebhookHandler, InvalidInputError } from '@unilive/core';
import { signWebhook } from '@unilive/testing';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { parseWebhook } from './liveapi-webhooks.js';

// One rule for a webhook secret given as text (core's webhookSecretText): several separated by commas,
// whitespace around each dropped, so `pathSecret: process.env.LIVEAPI_WEBHOOK_PATH_SECRET` holding `"<new>,<old>"`
// during a rotation accepts both; a list's entries are taken whole. No secret is ever shown.

const variable = 'LIVEAPI_WEBHOOK_PATH_SECRET';
afterEach(() => {
  delete process.env[variable];
});

// Path secrets as an application makes them (base64url of random bytes, as `unilive listen` does), distinct.
const secrets = fc.uniqueArray(
  fc.uint8Array({ minLength: 12, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  { minLength: 1, maxLength: 4 },
);
const separator = fc.constantFrom(',', ', ', ' ,', ',\n', '\r\n,\t', ' , ');
const delivery = () => signWebhook('liveapi', { event: 'stream-connected', payload: { id: 'ls1' } });

async function outcome(pathSecret: string | readonly string[], segment: string) {
  const { body, headers } = await delivery();
  return parseWebhook(
    { body, headers, url: `https://app.example/hooks/${segment}` },
    { unsigned: true, pathSecret },
  ).then(
    (events) => `accepted ${events.length}`,
    (error: Error & { reason?: string }) => `${error.name}${error.reason ? `:${error.reason}` : ''}`,
  );
}

describe('liveapi path secrets given as text', () => {
  it('accept a delivery to any secret of a rotation, in any order and form, and refuse one to none', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        fc.nat(),
        fc.boolean(),
        fc.constantFrom('text', 'list', 'text of the environment'),
        fc.array(separator, { minLength: 1, maxLength: 3 }),
        async (configured, pick, outsider, how, glue) => {
          const text = configured
            .map((secret, index) => (index === 0 ? secret : `${glue[index % glue.length]}${secret}`))
            .join('');
          process.env[variable] = ` ${text} `;
          const pathSecret =
            how === 'text' ? text : how === 'list' ? [...configured] : (process.env[variable] as string);
          const segment = outsider ? `${configured[0]}x` : (configured[pick % configured.length] as string);
          expect(await outcome(pathSecret, segment), `${how}, ${configured.length} secret(s)`).toBe(
            outsider ? 'WebhookVerificationError:bad-signature' : 'accepted 1',
          );
        },
      ),
      { numRuns: 80 },
    );
  });

  it("answers 200 through createWebhookHandler with the README's pathSecret: process.env form during a rotation", async () => {
    process.env[variable] = 'new-path-secret-0001,old-path-secret-0002';
    const errors: unknown[] = [];
    const handler = createWebhookHandler({
      parse: (input) => parseWebhook(input, { unsigned: true, pathSecret: process.env[variable] }),
      onError: (error) => errors.push(error),
    });
    const { body, headers } = await delivery();
    for (const secret of ['old-path-secret-0002', 'new-path-secret-0001']) {
      const response = await handler.handleWebhook(
        new Request(`https://app.example/hooks/${secret}`, { method: 'POST', body, headers }),
      );
      expect(response.status, secret).toBe(200);
    }
    expect(errors).toEqual([]);
  });

  it('keeps a list entry whole (a comma in it included), names what holds no secret, and never shows a secret', async () => {
    expect(await outcome(['with,comma'], 'with%2Ccomma')).toBe('accepted 1');
    expect(await outcome('with,comma', 'with%2Ccomma')).toBe('WebhookVerificationError:bad-signature');
    await fc.assert(
      fc.asyncProperty(secrets, fc.constantFrom(',', ' , ,', ', \t'), async (configured, empty) => {
        const { body, headers } = await delivery();
        const url = `https://app.example/hooks/${configured[0]}`;
        const error = await parseWebhook({ body, headers, url }, { unsigned: true, pathSecret: empty }).catch(
          (e: unknown) => e,
        );
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).issues).toEqual([
          { path: 'pathSecret', message: 'holds no secret: give one, or several separated by commas' },
        ]);
        const wrong = await parseWebhook(
          { body, headers, url: `https://app.example/hooks/${configured[0]}x` },
          { unsigned: true, pathSecret: configured.join(',') },
        ).catch((e: unknown) => e);
        const shown = `${(wrong as Error).message}\n${JSON.stringify(wrong)}\n${inspect(wrong)}\n${(wrong as Error).stack}`;
        for (const each of configured) expect(shown).not.toContain(each);
      }),
      { numRuns: 30 },
    );
  });
});
