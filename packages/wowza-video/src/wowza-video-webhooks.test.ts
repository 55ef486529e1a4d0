import { fileURLToPath } from 'node:url';
import { loadWebhookFixtures, runWebhookContract } from '@unilive/testing/contract';
import { parseWebhook } from './wowza-video-webhooks.js';

const fixtures = loadWebhookFixtures(
  fileURLToPath(new URL('../../../test-fixtures/wowza-video/webhooks', import.meta.url)),
);
const pathSecret = 'p4th-s3cret-0f-the-endpoint';

runWebhookContract({
  provider: 'wowza-video',
  fixtures,
  pathSecret,
  noSuchStream: { status: 404, vendorCode: 'ERR-404-RecordNotFound' },
  parseWithOptions: (input, options) => parseWebhook(input, options as never),
  optionNames: ['unsigned', 'pathSecret', 'confirm', 'confirmTimeoutMs', 'readTimeoutMs', 'clock'],
  parse: (input, { clock, wrongSecret, confirm, withoutAcknowledgement }) =>
    parseWebhook(input, {
      ...(withoutAcknowledgement ? {} : { unsigned: true as const }),
      pathSecret: wrongSecret ? 'another-secret' : pathSecret,
      clock,
      ...(confirm ? { confirm } : {}),
    } as Parameters<typeof parseWebhook>[1]),
  unknownWebhook: {
    event_type: 'live_stream.brand_new',
    event_id: 'e-1',
    event_time: '2026-11-29T12:00:00Z',
    object_id: 'ab12cd34',
    payload: {},
  },
});
