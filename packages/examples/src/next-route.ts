// app/webhooks/videosdk/route.ts
import { createEventHub, createWebhookHandler } from '@unilive/core';
import { parseWebhook } from '@unilive/videosdk';

export const hub = createEventHub();

const webhooks = createWebhookHandler({
  // The public key comes from VIDEOSDK_WEBHOOK_PUBLIC_KEY, or is fetched once from videosdk and cached.
  parse: (input) => parseWebhook(input),
  hub,
});

export const POST = webhooks.handleWebhook;
