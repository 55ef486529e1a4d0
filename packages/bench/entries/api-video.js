// What an application bundles to create a live stream with api.video's own SDK.
import ApiVideoClient from '@api.video/nodejs-client';

const client = new ApiVideoClient({ apiKey: process.env.APIVIDEO_API_KEY });
export const stream = await client.liveStreams.create({ name: 'Launch event' });
