import type { LiveStreamProvider } from '@unilive/core';
import liveapi from '@unilive/liveapi';
import videosdk from '@unilive/videosdk';
import wowzaRealtime from '@unilive/wowza-realtime';
import wowzaVideo from '@unilive/wowza-video';

/** The adapters measured, in report order. */
export const providerIds = ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk'] as const;

/** One of {@link providerIds}. */
export type BenchProviderId = (typeof providerIds)[number];

/** Settings every adapter factory takes: the base URL, its credentials, and optionally a `fetch`. */
export type FactorySettings = { baseUrl: string; fetch?: typeof fetch } & Record<string, unknown>;

type Factory = (settings: FactorySettings) => LiveStreamProvider;

const factories: Record<BenchProviderId, Factory> = {
  'wowza-video': wowzaVideo as Factory,
  'wowza-realtime': wowzaRealtime as Factory,
  liveapi: liveapi as Factory,
  videosdk: videosdk as Factory,
};

/** Builds an adapter the way configuration-driven selection does: `factory({ baseUrl, ...credentials })`. */
export function createProvider(id: BenchProviderId, settings: FactorySettings): LiveStreamProvider {
  return factories[id](settings);
}
