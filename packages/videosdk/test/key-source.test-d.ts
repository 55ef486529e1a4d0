// Type tests, checked by `tsc` in this package's typecheck (never run): a key source may answer PEM text,
// which parseWebhook imports as it imports a pinned `publicKey` (docs/webhooks.md), so its type says so.
// Every `@ts-expect-error` must stay an error.
import { expectTypeOf } from 'vitest';
import {
  parseWebhook,
  type VideosdkFetchedPublicKeySource,
  type VideosdkPublicKeyAnswer,
  type VideosdkPublicKeySource,
  videosdkPublicKey,
} from '../src/index.js';

declare const pem: string;
declare const key: CryptoKey;

// What a key source answers: a CryptoKey or PEM text, as it is or through a promise (or any thenable);
// `refresh` may answer undefined for no new key.
expectTypeOf<VideosdkPublicKeyAnswer>().toEqualTypeOf<CryptoKey | string>();
expectTypeOf<ReturnType<VideosdkPublicKeySource['get']>>().toEqualTypeOf<
  CryptoKey | string | PromiseLike<CryptoKey | string>
>();
expectTypeOf<ReturnType<VideosdkPublicKeySource['refresh']>>().toEqualTypeOf<
  CryptoKey | string | undefined | PromiseLike<CryptoKey | string | undefined>
>();

// A source that answers PEM text (a key kept in a secret store, say) is one.
const fromText: VideosdkPublicKeySource = {
  get: async () => pem,
  refresh: async () => undefined,
};
const asItIs: VideosdkPublicKeySource = { get: () => key, refresh: () => pem };
export const parsed = [
  parseWebhook({ body: '{}', headers: {} }, { keySource: fromText }),
  parseWebhook({ body: '{}', headers: {} }, { keySource: asItIs }),
];

// The built-in source answers imported keys only: code that uses its answer as a CryptoKey compiles.
const fetched = videosdkPublicKey({ baseUrl: 'http://127.0.0.1:1/' });
expectTypeOf(fetched).toEqualTypeOf<VideosdkFetchedPublicKeySource>();
expectTypeOf(fetched).toMatchTypeOf<VideosdkPublicKeySource>();
expectTypeOf(fetched.get()).toEqualTypeOf<Promise<CryptoKey>>();
expectTypeOf(fetched.refresh()).toEqualTypeOf<Promise<CryptoKey | undefined>>();

export const refused: VideosdkPublicKeySource[] = [
  // @ts-expect-error a key source answers a key or PEM text, not a number
  { get: async () => 42, refresh: async () => undefined },
  // @ts-expect-error bytes are not PEM text: export the key's SPKI as PEM, or import it first
  { get: async () => new Uint8Array(), refresh: async () => undefined },
  // @ts-expect-error a key source needs refresh too
  { get: async () => pem },
];
