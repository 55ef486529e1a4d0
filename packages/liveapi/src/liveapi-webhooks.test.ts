import { fileURLToPath } from 'node:url';
import { isLiveStreamEvent } from '@unilive/core';
import { loadWebhookFixtures, runWebhookContract } from '@unilive/testing/contract';
import { describe, expect, it } from 'vitest';
import { parseWebhook } from './liveapi-webhooks.js';

const fixtures = loadWebhookFixtures(
  fileURLToPath(new URL('../../../test-fixtures/liveapi/webhooks', import.meta.url)),
);
const pathSecret = 'p4th-s3cret-0f-the-endpoint';

runWebhookContract({
  provider: 'liveapi',
  fixtures,
  pathSecret,
  noSuchStream: { status: 404, vendorMessage: 'Live stream not found' },
  parseWithOptions: (input, options) => parseWebhook(input, options as never),
  optionNames: ['unsigned', 'pathSecret', 'confirm', 'confirmTimeoutMs', 'readTimeoutMs', 'clock'],
  parse: (input, { clock, wrongSecret, confirm, withoutAcknowledgement }) =>
    parseWebhook(input, {
      ...(withoutAcknowledgement ? {} : { unsigned: true as const }),
      pathSecret: wrongSecret ? 'another-secret' : pathSecret,
      clock,
      ...(confirm ? { confirm } : {}),
    } as Parameters<typeof parseWebhook>[1]),
  unknownWebhook: { event: 'stream-brand-new', payload: { _id: '620e0d57427ff4ddd764515f' } },
  ids: 'delivery',
});

describe('liveapi parseWebhook stream ids', () => {
  const deliver = (payload: unknown) =>
    parseWebhook(
      { body: JSON.stringify(payload), headers: {}, url: `https://app.example/hooks/${pathSecret}` },
      { unsigned: true, pathSecret },
    );

  it('takes the first field that names the stream, skipping an empty one', async () => {
    for (const payload of [
      { live_stream_id: '', _id: '620e0d57427ff4ddd764515f' },
      { live_stream_id: '', live_stream: '', id: '620e0d57427ff4ddd764515f' },
      { live_stream: { _id: '' }, _id: '620e0d57427ff4ddd764515f' },
    ]) {
      const [event] = await deliver({ event: 'stream-connected', payload });
      expect(event).toMatchObject({
        type: 'live_stream.connected',
        streamId: '620e0d57427ff4ddd764515f',
        broadcasting: true,
      });
    }
  });

  it('makes a status toggle a state_changed only when it says to what: without a boolean enabled, updated', async () => {
    const payload = { _id: '620e0d57427ff4ddd764515f' };
    for (const [enabled, state] of [
      [true, 'ready'],
      [false, 'stopped'],
    ] as const) {
      const [event] = await deliver({ event: 'stream-status-toggle', payload: { ...payload, enabled } });
      expect(event).toMatchObject({ type: 'live_stream.state_changed', state });
    }
    for (const extra of [{}, { enabled: 'true' }, { enabled: null }, { enabled: 1 }]) {
      const [event] = await deliver({ event: 'stream-status-toggle', payload: { ...payload, ...extra } });
      expect(event).toMatchObject({
        type: 'live_stream.updated',
        streamId: payload._id,
        data: { vendorEvent: 'stream-status-toggle' },
      });
      expect(event).not.toHaveProperty('state');
      expect(isLiveStreamEvent(event)).toBe(true);
    }
  });

  it('makes an event whose every id is empty unknown, without state or broadcasting', async () => {
    for (const name of ['stream-connected', 'stream-status-toggle', 'stream-removed', 'recording-exported']) {
      const [event] = await deliver({ event: name, payload: { live_stream_id: '', _id: '', enabled: true } });
      expect(event).toMatchObject({ type: 'unknown', streamId: '', data: { vendorEvent: name } });
      expect(event).not.toHaveProperty('state');
      expect(event).not.toHaveProperty('broadcasting');
    }
  });
});
