import { createEventHub, createWebhookHandler } from '@unilive/core';
import { parseWebhook } from '@unilive/wowza-realtime';
import express from 'express';

/** Every verified event: waits take it (`{ events: hub }`), and so can your own code (`hub.subscribe()`). */
export const hub = createEventHub();

/** Millicast events name streams by stream name: keep `wowzaRealtimeDetailsOf(stream).sdk.streamName → id`. */
export const streamIdsByName = new Map<string, string>();

const webhooks = createWebhookHandler({
  parse: (input) =>
    parseWebhook(input, {
      // One secret, or several separated by commas while one is renewed: read as when left out.
      secret: process.env.WOWZA_REALTIME_WEBHOOK_SECRET,
      resolveStreamId: (streamName) => streamIdsByName.get(streamName),
    }),
  hub,
});

export const app: express.Express = express();
// The raw body, before any JSON parser: the signature covers the exact bytes received.
app.post('/webhooks/wowza-realtime', express.raw({ type: '*/*' }), webhooks.node);
app.use(express.json());
