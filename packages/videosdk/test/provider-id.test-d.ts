// Type tests, checked by `tsc` in this package's typecheck (never run): a client of `videosdk()` knows its
// provider's id as a literal type. Every `@ts-expect-error` below must stay an error.
import { createLiveStreamClient, type LiveStreamClient, type ProviderId } from '@unilive/core';
import { videosdk } from '../src/index.js';

const client = createLiveStreamClient(videosdk({ token: 'token' }));

export const id: 'videosdk' = client.providerId;
export const providerId: 'videosdk' = client.provider.id;
// @ts-expect-error another vendor's id is not this client's
export const other: 'liveapi' = client.providerId;

// A client known only as a LiveStreamClient (made from configuration) keeps the open ProviderId.
export const anyClientId = (any: LiveStreamClient): ProviderId => any.providerId;
// @ts-expect-error nothing says which vendor it is
export const notLiteral = (any: LiveStreamClient): 'videosdk' => any.providerId;
