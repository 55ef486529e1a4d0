import { signWebhook } from '@unilive/testing';
import { runWebhookSecretTextContract } from '@unilive/testing/contract';
import fc from 'fast-check';
import { parseWebhook } from './wowza-video-webhooks.js';

// `pathSecret: process.env.WOWZA_WEBHOOK_PATH_SECRET` holding `"<new>,<old>"` during a rotation accepts both.
runWebhookSecretTextContract({
  provider: 'wowza-video',
  option: 'pathSecret',
  variable: 'WOWZA_WEBHOOK_PATH_SECRET',
  readsVariable: false,
  // Path secrets as an application makes them (base64url of random bytes, as `unilive listen` does).
  secret: fc
    .uint8Array({ minLength: 12, maxLength: 32 })
    .map((bytes) => Buffer.from(bytes).toString('base64url')),
  outsider: (configured) => `${configured[0]}x`,
  deliver: async (secret) => ({
    ...(await signWebhook('wowza-video', {
      event: 'start.complete',
      event_id: 'e1',
      event_time: Date.now() / 1000,
      object_id: 'wv1',
      object_type: 'transcoder',
      version: '1.7',
      object_data: {},
    })),
    url: `https://app.example/hooks/${encodeURIComponent(secret)}`,
  }),
  parse: (input, pathSecret) => parseWebhook(input, { unsigned: true, pathSecret }),
  rotation: ['new-path-secret-0001', 'old-path-secret-0002'],
  withComma: 'with,comma',
});
