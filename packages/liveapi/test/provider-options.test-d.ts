// Type tests, checked by `tsc` in this package's typecheck (never run): with this adapter imported,
// `providerOptions.liveapi` is typed. Every `@ts-expect-error` below must stay an error.
import { createLiveStreamClient } from '@unilive/core';
import { liveapi } from '../src/index.js';

const client = createLiveStreamClient(liveapi({ tokenId: 'id', secretKey: 'key' }));

export async function typed(): Promise<void> {
  await client.create({ name: 'launch', providerOptions: { liveapi: { enabled: false } } });

  // @ts-expect-error a misspelled option fails to compile
  await client.create({ name: 'launch', providerOptions: { liveapi: { enable: false } } });

  // @ts-expect-error a misspelled provider id fails to compile
  await client.update('abc123', { providerOptions: { liveApi: { enabled: true } } });

  // LiveAPI takes no options on start: an empty object asks for nothing (taken at run time), any option fails.
  await client.start('abc123', { providerOptions: { liveapi: {} } });
  // @ts-expect-error LiveAPI has no start options
  await client.start('abc123', { providerOptions: { liveapi: { enabled: true } } });

  // @ts-expect-error a misspelled setting fails to compile (and throws at run time from JavaScript)
  liveapi({ tokenId: 'id', secretKey: 'key', baseURL: 'http://127.0.0.1:4010' });
}
