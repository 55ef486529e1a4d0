import { createEventHub, createWebhookHandler } from '@unilive/core';
import { parseWebhook } from '@unilive/liveapi';
import { Hono } from 'hono';

export const hub = createEventHub();

const webhooks = createWebhookHandler({
  // LiveAPI signs nothing: say so, and register the endpoint with a secret as its last path segment
  // (several separated by commas while one is rotated).
  parse: (input) =>
    parseWebhook(input, { unsigned: true, pathSecret: process.env.LIVEAPI_WEBHOOK_PATH_SECRET }),
  hub,
});

export const app = new Hono();
app.post('/webhooks/liveapi/:secret', (c) => webhooks.handleWebhook(c.req.raw));
