// Type tests, checked by `tsc` in this package's typecheck (never run): with this adapter imported,
// `providerOptions.videosdk` is typed with the v2 options (v1 refuses any at run time). Every
// `@ts-expect-error` must stay an error.
import { createLiveStreamClient } from '@unilive/core';
import { videosdk } from '../src/index.js';

const client = createLiveStreamClient(videosdk({ token: 'type-test' }));

export async function typed(): Promise<void> {
  await client.create({ name: 'launch', recording: true, providerOptions: { videosdk: {} } });
  await client.create({
    name: 'launch',
    providerOptions: {
      videosdk: {
        customRoomId: 'launch-room',
        webhook: { endPoint: 'https://example.com/hooks', events: ['hls-playable'] },
        layout: { type: 'GRID', priority: 'SPEAKER', gridSize: 4 },
        quality: 'high',
      },
    },
  });
  await client.update('abcd-efgh-ijkl', { providerOptions: { videosdk: { disabled: true } } });
  await client.start('abcd-efgh-ijkl', {
    providerOptions: {
      videosdk: { recording: true, restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'k' }] },
    },
  });

  // Lists the application keeps read-only are taken as they are.
  const targets = [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'k' }] as const;
  const events = ['hls-playable', 'hls-stopped'] as const;
  await client.start('abcd-efgh-ijkl', { providerOptions: { videosdk: { restream: targets } } });
  await client.create({
    name: 'launch',
    providerOptions: { videosdk: { webhook: { endPoint: 'https://example.com/hooks', events } } },
  });

  // @ts-expect-error room fields are not start options
  await client.start('abcd-efgh-ijkl', { providerOptions: { videosdk: { customRoomId: 'x' } } });

  // @ts-expect-error an option the vendor does not have fails to compile
  await client.create({ name: 'launch', providerOptions: { videosdk: { userId: 'u' } } });

  // @ts-expect-error a value outside the vendor's enum fails to compile
  await client.create({ name: 'launch', providerOptions: { videosdk: { quality: 'ultra' } } });

  // @ts-expect-error room fields are set on create only
  await client.update('abcd-efgh-ijkl', { providerOptions: { videosdk: { customRoomId: 'x' } } });

  // @ts-expect-error token and apiKey are exclusive
  videosdk({ token: 'jwt', apiKey: 'key' });

  // @ts-expect-error a misspelled setting fails to compile (and throws at run time from JavaScript)
  videosdk({ token: 'jwt', baseURL: 'http://127.0.0.1:4010' });
}

// Options read from the environment may be undefined: taken as absent, as the run time takes them.
export async function fromTheEnvironment(room: string | undefined, flag: boolean | undefined): Promise<void> {
  await client.create({
    name: 'launch',
    providerOptions: { videosdk: { customRoomId: room, quality: undefined } },
  });
  await client.update('abcd-efgh-ijkl', { providerOptions: { videosdk: { disabled: flag } } });
  await client.start('abcd-efgh-ijkl', { providerOptions: { videosdk: { recording: flag } } });
}
