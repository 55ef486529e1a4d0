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
  // Fan-out, memory and the bundles run v1, whose create and get send one request each; the per-call
  // measurements take both versions as subjects (see defaultSubjects).
  videosdk: (settings) => videosdk({ apiVersion: 'v1', ...settings } as Parameters<typeof videosdk>[0]),
};

/**
 * One adapter configuration measured per call: the adapter, and the settings that select what it speaks
 * (a vendor API version), named as the report names it.
 */
export interface BenchSubject {
  /** The report's name for it: the provider id, or the provider id and the API version. */
  id: string;
  provider: BenchProviderId;
  /** Settings added to the base URL and credentials. */
  settings?: Record<string, unknown>;
}

/**
 * What the per-call measurements compare: each adapter, and videosdk in both its API versions (v2 by
 * default for users; its `get` reads the room and its HLS egress, two requests, where v1 sends one).
 */
export const defaultSubjects: readonly BenchSubject[] = [
  { id: 'wowza-video', provider: 'wowza-video' },
  { id: 'wowza-realtime', provider: 'wowza-realtime' },
  { id: 'liveapi', provider: 'liveapi' },
  { id: 'videosdk v1', provider: 'videosdk', settings: { apiVersion: 'v1' } },
  { id: 'videosdk v2', provider: 'videosdk', settings: { apiVersion: 'v2' } },
];

/** The subject of an adapter in its default configuration. */
export const subjectOf = (provider: BenchProviderId): BenchSubject => ({ id: provider, provider });

/** Builds an adapter the way configuration-driven selection does: `factory({ baseUrl, ...credentials })`. */
export function createProvider(
  subject: BenchProviderId | BenchSubject,
  settings: FactorySettings,
): LiveStreamProvider {
  const { provider, settings: extra } = typeof subject === 'string' ? subjectOf(subject) : subject;
  return factories[provider]({ ...extra, ...settings });
}
