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
  // The published figures measure one-request calls, as v1 makes them (a v2 get reads the room and its HLS
  // egress: two requests); v1 stays the measured configuration until the report covers both.
  videosdk: (settings) => videosdk({ apiVersion: 'v1', ...settings } as Parameters<typeof videosdk>[0]),
};

/** Builds an adapter the way configuration-driven selection does: `factory({ baseUrl, ...credentials })`. */
export function createProvider(id: BenchProviderId, settings: FactorySettings): LiveStreamProvider {
  return factories[id](settings);
}
