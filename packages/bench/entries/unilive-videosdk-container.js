// The same create with the client composed on a tsyringe container (here overriding the hooks).
import { createLiveStreamClient, tokens } from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import videosdk from '@unilive/videosdk';

const container = createContainer();
container.register(tokens.hooks, { useValue: { onError: (event) => console.error(event.error.message) } });
const client = createLiveStreamClient(
  videosdk({ apiKey: process.env.VIDEOSDK_API_KEY, secret: process.env.VIDEOSDK_SECRET }),
  { container },
);
export const stream = await client.create({ name: 'Launch event' });
