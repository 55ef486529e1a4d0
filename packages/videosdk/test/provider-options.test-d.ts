// Type tests, checked by `tsc` in this package's typecheck (never run): with this adapter imported,
// `providerOptions.videosdk` is typed, and v1 takes no option. Every `@ts-expect-error` must stay an error.
import { createLiveStreamClient } from '@unilive/core';
import { videosdk } from '../src/index.js';

const client = createLiveStreamClient(videosdk({ token: 'type-test' }));

export async function typed(): Promise<void> {
  await client.create({ name: 'launch', recording: true, providerOptions: { videosdk: {} } });

  // @ts-expect-error videosdk v1 takes no provider option
  await client.create({ name: 'launch', providerOptions: { videosdk: { userId: 'u' } } });

  // @ts-expect-error token and apiKey are exclusive
  videosdk({ token: 'jwt', apiKey: 'key' });

  // @ts-expect-error a misspelled setting fails to compile (and throws at run time from JavaScript)
  videosdk({ token: 'jwt', baseURL: 'http://127.0.0.1:4010' });
}
