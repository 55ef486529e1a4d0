import { createWebhookKeyPair, signWebhook } from '@unilive/testing';
import { runWebhookSecretTextContract } from '@unilive/testing/contract';
import fc from 'fast-check';
import { parseWebhook, videosdkWebhookPublicKeyVariable } from './videosdk-webhooks.js';

// The public key follows the same rule as any webhook secret given as text: PEM keys separated by commas (a PEM
// holds none), from the option or from VIDEOSDK_WEBHOOK_PUBLIC_KEY alike.

// RSA key pairs take long to make: four, made once; the properties draw which are configured, in what order.
const pairs = await Promise.all([0, 1, 2, 3].map(() => createWebhookKeyPair()));
const publicKeys = pairs.map((pair) => pair.publicKey);
// A text that reaches no key source: the vendor's is never fetched by these tests.
const keySource = {
  get: () => Promise.reject(new Error('no key is fetched here')),
  refresh: async () => undefined,
};

runWebhookSecretTextContract({
  provider: 'videosdk',
  option: 'publicKey',
  variable: videosdkWebhookPublicKeyVariable,
  readsVariable: true,
  secret: fc.constantFrom(...publicKeys),
  // One of the four is left out, to sign what must be refused.
  maxSecrets: 3,
  outsider: (configured) => publicKeys.find((key) => !configured.includes(key)) as string,
  // Signed by the key's private half (an unknown key's deliveries are signed by the first pair).
  deliver: (key) =>
    signWebhook(
      'videosdk',
      { webhookType: 'hls-started', data: { meetingId: 'room-1', sessionId: 's1' } },
      { privateKey: (pairs.find((pair) => pair.publicKey === key) ?? pairs[0])?.privateKey },
    ),
  parse: (input, publicKey) =>
    parseWebhook(input, { ...(publicKey === undefined ? {} : { publicKey }), keySource }),
  rotation: [publicKeys[0] as string, publicKeys[1] as string],
  withComma: `${publicKeys[0]?.slice(0, 40)},${publicKeys[0]?.slice(40)}`,
  malformed: ['not a key', 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A'],
  noSecretMessage: 'holds no key: give one PEM public key, or several separated by commas',
  // Every PEM key starts with the same header: its body line is what must never be shown.
  shownParts: (key) => [key.split('\n')[1] as string],
  numRuns: 40,
  malformedRuns: 20,
});
