// The same create with the client composed on a tsyringe container (here overriding the hooks).
import { createLiveStreamClient, tokens } from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import liveapi from '@unilive/liveapi';

const container = createContainer();
container.register(tokens.hooks, { useValue: { onError: (event) => console.error(event.error.message) } });
const client = createLiveStreamClient(
  liveapi({ tokenId: process.env.LIVEAPI_TOKEN_ID, secretKey: process.env.LIVEAPI_SECRET_KEY }),
  { container },
);
export const stream = await client.create({ name: 'Launch event' });
