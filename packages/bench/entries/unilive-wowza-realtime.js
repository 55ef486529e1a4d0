// What an application bundles to create a live stream on wowza-realtime through the unilive client.
import { createLiveStreamClient } from '@unilive/core';
import wowzaRealtime from '@unilive/wowza-realtime';

const client = createLiveStreamClient(wowzaRealtime({ token: process.env.WOWZA_REALTIME_TOKEN }));
export const stream = await client.create({ name: 'Launch event' });
