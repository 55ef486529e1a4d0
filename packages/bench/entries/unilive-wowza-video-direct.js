// The same create through the wowza-video adapter alone, without the client (and so without tsyringe).
import wowzaVideo from '@unilive/wowza-video';

export const stream = await wowzaVideo({ token: process.env.WOWZA_VIDEO_TOKEN }).create({
  name: 'Launch event',
});
