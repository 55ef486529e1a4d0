import { inspect } from 'node:util';
import { createWebhookHandler, InvalidInputError } from '@unilive/core';
import { signWebhook } from '@unilive/testing';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { parseWebhook, wowzaRealtimeWebhookSecretVariables } from './wowza-realtime-webhooks.js';

// One rule for a webhook secret given as text, whether from the option or from the environment variable it
// defaults to (core's webhookSecretText): several separated by commas, whitespace around each dropped. The
// README's `secret: process.env.WOWZA_REALTIME_WEBHOOK_SECRET` must read what leaving `secret` out reads,
// during a renewal as at any other time; a list's entries are taken whole. No secret is ever shown.

const variable = wowzaRealtimeWebhookSecretVariables[0];
const resolveStreamId = () => 'rt-stream';
afterEach(() => {
  delete process.env[variable];
});

// Base64 secrets as Millicast issues them (16 to 48 random bytes), distinct.
const secrets = fc.uniqueArray(
  fc.uint8Array({ minLength: 16, maxLength: 48 }).map((bytes) => Buffer.from(bytes).toString('base64')),
  { minLength: 1, maxLength: 4 },
);
// What may sit between two secrets in a text: a comma, with whitespace (a space, a tab, a line end) around it.
const separator = fc.constantFrom(',', ', ', ' ,', ',\n', '\r\n,\t', ' , ');
const form = fc.constantFrom('option text', 'environment', 'option list', 'option text of the environment');

async function outcome(configured: readonly string[], signer: string, how: string, glue: string[]) {
  const text = configured
    .map((secret, index) => (index === 0 ? secret : `${glue[index % glue.length]}${secret}`))
    .join('');
  const delivery = await signWebhook(
    'wowza-realtime',
    { type: 'feeds', event: 'started', timestamp: Date.now(), data: { name: 'n' } },
    { secret: signer },
  );
  if (how === 'environment' || how === 'option text of the environment') process.env[variable] = ` ${text} `;
  const secret =
    how === 'option text'
      ? text
      : how === 'option list'
        ? [...configured]
        : how === 'environment'
          ? undefined
          : process.env[variable];
  return parseWebhook(delivery, { ...(secret === undefined ? {} : { secret }), resolveStreamId }).then(
    (events) => `accepted ${events.length}`,
    (error: Error & { reason?: string }) => `${error.name}${error.reason ? `:${error.reason}` : ''}`,
  );
}

describe('wowza-realtime webhook secrets given as text', () => {
  it('accept a delivery signed with any secret of a rotation, in any order and form, and refuse one signed with none', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        fc.nat(),
        fc.boolean(),
        form,
        fc.array(separator, { minLength: 1, maxLength: 3 }),
        async (configured, pick, outsider, how, glue) => {
          const stranger = Buffer.from(`not-configured-${configured.join('')}`).toString('base64');
          const signer = outsider ? stranger : (configured[pick % configured.length] as string);
          const said = `${how}, ${configured.length} secret(s), ${outsider ? 'an outsider' : 'one of them'}`;
          expect(await outcome(configured, signer, how, glue), said).toBe(
            outsider ? 'WebhookVerificationError:bad-signature' : 'accepted 1',
          );
        },
      ),
      { numRuns: 80 },
    );
  });

  it("is read the same from the option as from the environment, through createWebhookHandler as the README's example", async () => {
    const [next, current] = ['bmV3LXNlY3JldC12YWx1ZS0wMDAx', 'b2xkLXNlY3JldC12YWx1ZS0wMDAy'];
    process.env[variable] = `${next},${current}`;
    for (const secret of [undefined, process.env[variable]]) {
      const errors: unknown[] = [];
      const handler = createWebhookHandler({
        parse: (input) =>
          parseWebhook(input, { ...(secret === undefined ? {} : { secret }), resolveStreamId }),
        onError: (error) => errors.push(error),
      });
      const { body, headers } = await signWebhook(
        'wowza-realtime',
        { type: 'feeds', event: 'ended', timestamp: Date.now(), data: { name: 'n' } },
        { secret: current },
      );
      const response = await handler.handleWebhook(
        new Request('https://app.example/webhooks', { method: 'POST', body, headers }),
      );
      expect(response.status, secret === undefined ? 'environment' : 'option').toBe(200);
      expect(errors).toEqual([]);
    }
  });

  it('names a secret that is no base64, or a text holding none, by its place, and never shows a secret', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        fc.nat(),
        fc.constantFrom('not base64!', '%%%%', 'ünïcödé'),
        fc.boolean(),
        async (good, at, bad, asText) => {
          const index = at % (good.length + 1);
          const configured = [...good.slice(0, index), bad, ...good.slice(index)];
          const secret = asText ? configured.join(',') : configured;
          const { body, headers } = await signWebhook(
            'wowza-realtime',
            { type: 'feeds', event: 'started', timestamp: Date.now(), data: { name: 'n' } },
            { secret: good[0] as string },
          );
          const error = await parseWebhook({ body, headers }, { secret, resolveStreamId }).catch(
            (e: unknown) => e,
          );
          expect(InvalidInputError.isInstance(error)).toBe(true);
          const path = (error as InvalidInputError).issues[0]?.path;
          expect(path).toBe(`secret.${index}`);
          const shown = `${(error as Error).message}\n${JSON.stringify(error)}\n${inspect(error)}\n${(error as Error).stack}`;
          for (const each of [...good, bad]) expect(shown).not.toContain(each);
        },
      ),
      { numRuns: 40 },
    );
    // A list's entry is taken whole: a comma in it is no separator, and makes it no base64.
    const whole = await parseWebhook(
      { body: '{}', headers: {} },
      { secret: ['bmV3LXNlY3JldA==', 'b2xk,LXNlY3JldA=='], resolveStreamId },
    ).catch((e: unknown) => e);
    expect((whole as InvalidInputError).issues?.[0]?.path).toBe('secret.1');
    for (const secret of [',', ' , ,\n']) {
      for (const where of ['option', 'environment']) {
        if (where === 'environment') process.env[variable] = secret;
        const error = await parseWebhook(
          { body: '{}', headers: {} },
          { ...(where === 'option' ? { secret } : {}), resolveStreamId },
        ).catch((e: unknown) => e);
        expect(InvalidInputError.isInstance(error), `${where} ${JSON.stringify(secret)}`).toBe(true);
        expect((error as InvalidInputError).issues).toEqual([
          { path: 'secret', message: 'holds no secret: give one, or several separated by commas' },
        ]);
      }
    }
  });
});
