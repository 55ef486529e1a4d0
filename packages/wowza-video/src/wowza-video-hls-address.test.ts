import { sandboxHarness } from '@unilive/testing/contract';
import { describe, expect, it } from 'vitest';
import { wowzaVideo } from './wowza-video-provider.js';

// What the contract suite holds a Wowza Video adapter's HLS URLs to on the sandbox: the media address the
// sandbox serves (`hls_playback_url`), or an address Wowza's answer names that the sandbox does not serve
// (`direct_playback_urls` on Wowza's CDN hosts); an HLS URL on any other origin is neither.
describe('the sandbox harness: where a Wowza Video stream plays over HLS', () => {
  it('names the served address and every URL the answer gives, and no address of another origin', async () => {
    const harness = await sandboxHarness({
      provider: 'wowza-video',
      createProvider: (sandbox) => wowzaVideo(sandbox.adapterSettings('wowza-video')),
      sandbox: { media: false },
    })();
    try {
      const stream = await harness.provider.create({ name: 'HLS address' });
      const served = harness.hlsUrl?.(stream.id);
      const named = harness.namedUrls?.(stream.id) ?? [];
      const hls = stream.playback
        .filter((endpoint) => endpoint.protocol === 'hls' && endpoint.rendition !== 'recording')
        .map((endpoint) => endpoint.url);
      expect(served).toMatch(
        new RegExp(`^http://127\\.0\\.0\\.1:\\d+/media/wowza-video/${stream.id}/playlist\\.m3u8$`),
      );
      expect(hls).toContain(served);
      // Each HLS URL the adapter returns is the served one or one the sandbox's answer names.
      expect(hls.filter((url) => url !== served && !named.includes(url))).toEqual([]);
      // The served address moved to another origin is named nowhere.
      const elsewhere = String(served).replace(/^http:\/\/127\.0\.0\.1:\d+/, 'https://cdn.elsewhere.test');
      expect(named).not.toContain(elsewhere);
    } finally {
      await harness.close?.();
    }
  });
});
