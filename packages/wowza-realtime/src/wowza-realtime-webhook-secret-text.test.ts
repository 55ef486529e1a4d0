import { signWebhook } from '@unilive/testing';
import { runWebhookSecretTextContract } from '@unilive/testing/contract';
import fc from 'fast-check';
import { parseWebhook, wowzaRealtimeWebhookSecretVariables } from './wowza-realtime-webhooks.js';

// The README's `secret: process.env.WOWZA_REALTIME_WEBHOOK_SECRET` must read what leaving `secret` out reads,
// during a renewal as at any other time.
runWebhookSecretTextContract({
  provider: 'wowza-realtime',
  option: 'secret',
  variable: wowzaRealtimeWebhookSecretVariables[0],
  readsVariable: true,
  // Base64 secrets as Millicast issues them (16 to 48 random bytes).
  secret: fc
    .uint8Array({ minLength: 16, maxLength: 48 })
    .map((bytes) => Buffer.from(bytes).toString('base64')),
  outsider: (configured) => Buffer.from(`not-configured-${configured.join('')}`).toString('base64'),
  deliver: (secret) =>
    signWebhook(
      'wowza-realtime',
      { type: 'feeds', event: 'started', timestamp: Date.now(), data: { name: 'n' } },
      { secret },
    ),
  parse: (input, secret) =>
    parseWebhook(input, { ...(secret === undefined ? {} : { secret }), resolveStreamId: () => 'rt-stream' }),
  rotation: ['bmV3LXNlY3JldC12YWx1ZS0wMDAx', 'b2xkLXNlY3JldC12YWx1ZS0wMDAy'],
  // A comma is no separator in a list's entry, and makes it no base64.
  withComma: 'b2xk,LXNlY3JldA==',
  malformed: ['not base64!', '%%%%', 'ünïcödé'],
});
