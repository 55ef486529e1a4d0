// The same create through the liveapi adapter alone, without the client (and so without tsyringe).
import liveapi from '@unilive/liveapi';

export const stream = await liveapi({
  tokenId: process.env.LIVEAPI_TOKEN_ID,
  secretKey: process.env.LIVEAPI_SECRET_KEY,
}).create({ name: 'Launch event' });
