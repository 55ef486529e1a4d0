// The same create through the wowza-realtime adapter alone, without the client (and so without tsyringe).
import wowzaRealtime from '@unilive/wowza-realtime';

export const stream = await wowzaRealtime({ token: process.env.WOWZA_REALTIME_TOKEN }).create({
  name: 'Launch event',
});
