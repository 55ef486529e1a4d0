// The same create with the client composed on a tsyringe container (here overriding the hooks).
import { createLiveStreamClient, tokens } from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import wowzaVideo from '@unilive/wowza-video';

const container = createContainer();
container.register(tokens.hooks, { useValue: { onError: (event) => console.error(event.error.message) } });
const client = createLiveStreamClient(wowzaVideo({ token: process.env.WOWZA_VIDEO_TOKEN }), { container });
export const stream = await client.create({ name: 'Launch event' });
