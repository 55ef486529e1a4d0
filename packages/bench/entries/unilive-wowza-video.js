// What an application bundles to create a live stream on wowza-video through the unilive client.
import { createLiveStreamClient } from '@unilive/core';
import wowzaVideo from '@unilive/wowza-video';

const client = createLiveStreamClient(wowzaVideo({ token: process.env.WOWZA_VIDEO_TOKEN }));
export const stream = await client.create({ name: 'Launch event' });
