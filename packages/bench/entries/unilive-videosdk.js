// What an application bundles to create a live stream on videosdk through the unilive client.
import { createLiveStreamClient } from '@unilive/core';
import videosdk from '@unilive/videosdk';

const client = createLiveStreamClient(
  videosdk({ apiKey: process.env.VIDEOSDK_API_KEY, secret: process.env.VIDEOSDK_SECRET }),
);
export const stream = await client.create({ name: 'Launch event' });
