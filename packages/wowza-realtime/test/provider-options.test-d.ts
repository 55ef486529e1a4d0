// Type tests, checked by `tsc` in this package's typecheck (never run): with this adapter imported,
// `providerOptions['wowza-realtime']` is typed. Every `@ts-expect-error` below must stay an error.
import { createLiveStreamClient } from '@unilive/core';
import { wowzaRealtime } from '../src/index.js';

const client = createLiveStreamClient(wowzaRealtime({ token: 'type-test' }));

export async function typed(): Promise<void> {
  await client.create({
    name: 'auction',
    providerOptions: { 'wowza-realtime': { enable_secure_viewer: true, expires_on: new Date() } },
  });

  await client.create({
    name: 'auction',
    // @ts-expect-error a misspelled option fails to compile
    providerOptions: { 'wowza-realtime': { enable_secure_viewers: true } },
  });

  await client.update('abc123', {
    // @ts-expect-error disable_vod_encoder can only be set on create
    providerOptions: { 'wowza-realtime': { disable_vod_encoder: true } },
  });

  await client.create({
    name: 'auction',
    // @ts-expect-error a misspelled provider id fails to compile
    providerOptions: { wowzarealtime: { description: 'x' } },
  });
}

// Options read from the environment may be undefined: taken as absent, as the run time takes them.
export async function fromTheEnvironment(text: string | undefined, width: number | undefined): Promise<void> {
  const stream = await client.create({
    name: 'launch',
    providerOptions: { 'wowza-realtime': { description: text, player_id: text, width } },
  });
  await client.update(stream.id, { providerOptions: { 'wowza-realtime': { remove_logo_image: undefined } } });
}
