import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startSandbox } from './server.js';
import { createWebhookKeyPair, createWebhookSecret } from './webhooks/sign.js';

// What the sandbox signs deliveries with is checked before anything listens: a Real-Time secret that is no
// base64, or a videosdk key pair that is no RSA pair, could sign nothing, and every delivery would be
// recorded as failing without ever reaching the endpoint. Refused naming the option, never showing it.

const good = await createWebhookKeyPair();
const other = await createWebhookKeyPair();
const ec = (await import('node:crypto')).generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecPair = {
  publicKey: ec.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  privateKey: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
};

async function refusal(options: Parameters<typeof startSandbox>[0]): Promise<unknown> {
  let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
  try {
    sandbox = await startSandbox(options);
  } catch (error) {
    return error;
  } finally {
    await sandbox?.close();
  }
  return undefined;
}

describe('startSandbox: what webhooks are signed with', () => {
  it('a webhooks.secret that is no base64 is an InvalidInputError naming it (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom('not base64!!', 'abc$', '====', 'a b c ! d'),
          fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('!', '$', '*', '#', '%') }),
        ),
        async (secret) => {
          const caught = await refusal({ port: 0, webhooks: { secret } });
          expect(InvalidInputError.isInstance(caught), String(caught)).toBe(true);
          expect(caught).toMatchObject({
            operation: 'startSandbox',
            issues: [{ path: 'webhooks.secret' }],
          });
          expect(String((caught as Error).message)).not.toContain(secret);
        },
      ),
      { examples: [['not base64!!']], numRuns: 20 },
    );
  });

  it('a webhooks.keyPair that is no RSA key pair names the key at fault', async () => {
    for (const [keyPair, path] of [
      [{ publicKey: 'x', privateKey: 'garbage' }, 'webhooks.keyPair.privateKey'],
      [{ publicKey: good.publicKey, privateKey: good.publicKey }, 'webhooks.keyPair.privateKey'],
      [{ publicKey: ecPair.publicKey, privateKey: ecPair.privateKey }, 'webhooks.keyPair.privateKey'],
      [{ publicKey: 'x', privateKey: good.privateKey }, 'webhooks.keyPair.publicKey'],
      [{ publicKey: good.privateKey, privateKey: good.privateKey }, 'webhooks.keyPair.publicKey'],
      [{ publicKey: other.publicKey, privateKey: good.privateKey }, 'webhooks.keyPair.publicKey'],
      [{ publicKey: ecPair.publicKey, privateKey: good.privateKey }, 'webhooks.keyPair.publicKey'],
    ] as const) {
      const caught = await refusal({ port: 0, webhooks: { keyPair } });
      expect(InvalidInputError.isInstance(caught), `${path}: ${String(caught)}`).toBe(true);
      expect(caught, path).toMatchObject({ operation: 'startSandbox', issues: [{ path }] });
      const message = String((caught as Error).message);
      // No line of a key given (a PEM's body lines; the one-letter stand-ins are too short to tell).
      for (const pem of Object.values(keyPair)) {
        for (const line of pem.split('\n').filter((each) => each.length > 20)) {
          expect(message).not.toContain(line);
        }
      }
    }
  });

  it('takes a base64 secret and a key pair made by createWebhookKeyPair', async () => {
    const sandbox = await startSandbox({
      port: 0,
      webhooks: { secret: createWebhookSecret(), keyPair: good },
    });
    try {
      expect((await sandbox.webhooks.keyPair()).publicKey).toBe(good.publicKey);
    } finally {
      await sandbox.close();
    }
  });
});
