// Type tests, checked by `tsc` in this package's typecheck (never run): with this adapter imported,
// `providerOptions['wowza-video']` is typed. Every `@ts-expect-error` below must stay an error.
import {
  type CreateLiveStreamInput,
  createLiveStreamClient,
  type UpdateLiveStreamInput,
} from '@unilive/core';
import { type WowzaVideoCreateOptions, wowzaVideo } from '../src/index.js';

const client = createLiveStreamClient(wowzaVideo({ token: 'type-test' }));

export async function typed(): Promise<void> {
  await client.create({
    name: 'Launch',
    providerOptions: {
      'wowza-video': { billing_mode: 'pay_as_you_go', security: { token_auth_enabled: true } },
      // A built-in provider whose package is not imported takes any fields: one input, several vendors.
      liveapi: { enabled: false },
    },
  });

  await client.create({
    name: 'Launch',
    // @ts-expect-error a misspelled option fails to compile
    providerOptions: { 'wowza-video': { billing_mod: 'pay_as_you_go' } },
  });

  await client.create({
    name: 'Launch',
    // @ts-expect-error a value outside Wowza's enum fails to compile
    providerOptions: { 'wowza-video': { billing_mode: 'monthly' } },
  });

  await client.create({
    name: 'Launch',
    // @ts-expect-error a misspelled provider id fails to compile
    providerOptions: { wowzavideo: { billing_mode: 'pay_as_you_go' } },
  });

  await client.update('abc123', {
    // @ts-expect-error billing_mode can only be set on create
    providerOptions: { 'wowza-video': { billing_mode: 'pay_as_you_go' } },
  });

  await client.update('abc123', { providerOptions: { 'wowza-video': { remove_logo_image: true } } });

  // @ts-expect-error Wowza Video takes no start options (and refuses them at run time)
  await client.start('abc', { providerOptions: { 'wowza-video': { billing_mode: 'pay_as_you_go' } } });
}

// The registered types are what the input types use.
type CreateOptions = NonNullable<NonNullable<CreateLiveStreamInput['providerOptions']>['wowza-video']>;
type UpdateKeys = keyof NonNullable<NonNullable<UpdateLiveStreamInput['providerOptions']>['wowza-video']>;
export const sameOptions: CreateOptions extends WowzaVideoCreateOptions ? true : false = true;
export const updateKey: UpdateKeys = 'remove_video_poster_image';
// @ts-expect-error an update takes no billing_mode
export const notAnUpdateKey: UpdateKeys = 'billing_mode';

// The client keeps the provider's type: Wowza Video's own calls are reached through `client.provider`. With a
// container, whose registration may override the provider, it is a LiveStreamProvider.
export async function vendorCalls(container: import('@unilive/core').DependencyContainer): Promise<void> {
  const reset: import('@unilive/core').LiveStream = await client.provider.reset('abcd1234');
  const contained = createLiveStreamClient(wowzaVideo({ token: 'type-test' }), { container });
  // @ts-expect-error a container may supply another provider
  await contained.provider.reset('abcd1234');
  void reset;
}

// Optional values that may be undefined (read from the environment) are taken as absent.
export async function undefinedOptions(
  maybe: boolean | undefined,
  retries: number | undefined,
): Promise<void> {
  const fromEnvironment = createLiveStreamClient(
    wowzaVideo({ token: 'type-test', retry: { maxRetries: retries } }),
  );
  for await (const stream of fromEnvironment.list({ details: maybe })) void stream;
}
