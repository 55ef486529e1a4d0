import { fileURLToPath } from 'node:url';
import { loadWebhookFixtures, runWebhookContract } from '@unilive/testing/contract';
import { parseWebhook } from './liveapi-webhooks.js';

const fixtures = loadWebhookFixtures(
  fileURLToPath(new URL('../../../test-fixtures/liveapi/webhooks', import.meta.url)),
);
const pathSecret = 'p4th-s3cret-0f-the-endpoint';

runWebhookContract({
  provider: 'liveapi',
  fixtures,
  pathSecret,
  parse: (input, { clock, wrongSecret, confirm, withoutAcknowledgement }) =>
    parseWebhook(input, {
      ...(withoutAcknowledgement ? {} : { unsigned: true as const }),
      pathSecret: wrongSecret ? 'another-secret' : pathSecret,
      clock,
      ...(confirm ? { confirm } : {}),
    } as Parameters<typeof parseWebhook>[1]),
  unknownWebhook: { event: 'stream-brand-new', payload: { _id: '620e0d57427ff4ddd764515f' } },
});
