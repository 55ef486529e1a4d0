import type { LiveStreamProvider } from '@unilive/core';
import { liveapi } from '@unilive/liveapi';
import { createMemoryProvider } from '@unilive/testing';
import { videosdk, videosdkCapabilities } from '@unilive/videosdk';
import { wowzaRealtime } from '@unilive/wowza-realtime';
import { wowzaVideo } from '@unilive/wowza-video';
import { describe, expect, it } from 'vitest';

// Every instance of an adapter hands out its vendor's one capability table: code that changes it (a
// display helper pushing into a list) would change what every client and registry of that vendor in the
// process reports and routes by. The tables are frozen, their lists included.

const adapters: Record<string, () => LiveStreamProvider> = {
  'wowza-video': () => wowzaVideo({ token: 'tok-abcdefgh' }),
  'wowza-realtime': () => wowzaRealtime({ token: 'tok-abcdefgh' }),
  liveapi: () => liveapi({ tokenId: 'tid-abcdefgh', secretKey: 'sec-abcdefgh' }),
  'videosdk v2': () => videosdk({ token: 'tok-abcdefgh' }),
  'videosdk v1': () => videosdk({ token: 'tok-abcdefgh', apiVersion: 'v1' }),
  // The smallest complete example of an adapter, which tests build many of in one process.
  memory: () => createMemoryProvider(),
};

describe('an adapter capability table', () => {
  for (const [name, make] of Object.entries(adapters)) {
    it(`${name}: is frozen, its lists included, so no caller changes another's`, () => {
      const capabilities = make().capabilities;
      expect(Object.isFrozen(capabilities)).toBe(true);
      for (const value of Object.values(capabilities)) {
        if (typeof value === 'object' && value !== null) expect(Object.isFrozen(value)).toBe(true);
      }
      expect(() => (capabilities.ingestProtocols as string[]).push('srt')).toThrow(TypeError);
      expect(make().capabilities.ingestProtocols).toEqual(capabilities.ingestProtocols);
    });
  }
  it('videosdk: the table of each API version is frozen too', () => {
    expect(Object.isFrozen(videosdkCapabilities)).toBe(true);
    expect(() => {
      (videosdkCapabilities as { v1: unknown }).v1 = {};
    }).toThrow(TypeError);
  });
});
