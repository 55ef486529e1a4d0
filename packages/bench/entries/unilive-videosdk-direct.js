// The same create through the videosdk adapter alone, without the client (and so without tsyringe).
import videosdk from '@unilive/videosdk';

export const stream = await videosdk({
  apiKey: process.env.VIDEOSDK_API_KEY,
  secret: process.env.VIDEOSDK_SECRET,
}).create({ name: 'Launch event' });
