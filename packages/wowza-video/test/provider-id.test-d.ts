// Type tests, checked by `tsc` in this package's typecheck (never run): a client of `wowzaVideo()` knows its
// provider's id as a literal type. Every `@ts-expect-error` below must stay an error.
import { createLiveStreamClient, type LiveStreamClient, type ProviderId } from '@unilive/core';
import { wowzaVideo } from '../src/index.js';

const client = createLiveStreamClient(wowzaVideo({ token: 'token' }));

export const id: 'wowza-video' = client.providerId;
export const providerId: 'wowza-video' = client.provider.id;
// @ts-expect-error another vendor's id is not this client's
export const other: 'liveapi' = client.providerId;

// A client known only as a LiveStreamClient (made from configuration) keeps the open ProviderId.
export const anyClientId = (any: LiveStreamClient): ProviderId => any.providerId;
// @ts-expect-error nothing says which vendor it is
export const notLiteral = (any: LiveStreamClient): 'wowza-video' => any.providerId;
