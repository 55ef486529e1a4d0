// What an application bundles to create a live stream on liveapi through the unilive client.
import { createLiveStreamClient } from '@unilive/core';
import liveapi from '@unilive/liveapi';

const client = createLiveStreamClient(
  liveapi({ tokenId: process.env.LIVEAPI_TOKEN_ID, secretKey: process.env.LIVEAPI_SECRET_KEY }),
);
export const stream = await client.create({ name: 'Launch event' });
