import { createLiveStreamClient } from '@unilive/core';
import { startSandbox } from '@unilive/sandbox';
import { describe, expect, it } from 'vitest';
import { videosdk } from './videosdk-provider.js';

// The sandbox carries no WebRTC, so a v2 room never has media there. What the adapter hands out for a room
// must still lead a developer to that answer, on the machine: the egress's playback URLs on the sandbox's
// own origin (never the vendor's CDN, which would take the player off the machine), and the WHIP address
// answering that the sandbox takes no WHIP (never a 401 that reads as a bad token).
describe('videosdk v2 room on the sandbox: where its ingest and playback lead', () => {
  it('playback is on the sandbox and says no room has media; WHIP says the sandbox takes none', async () => {
    const sandbox = await startSandbox({ media: false, transitionMs: 20 });
    try {
      const client = createLiveStreamClient(
        videosdk({ ...sandbox.adapterSettings('videosdk'), apiVersion: 'v2' }),
      );
      const stream = await client.create({ name: 'zq room without media' });
      await client.start(stream.id);
      const ready = await client.waitForState(stream.id, 'ready', { intervalMs: 100, timeoutMs: 60_000 });
      const origin = new URL(sandbox.url).origin;
      const hls = ready.playback.filter((endpoint) => endpoint.protocol === 'hls');
      expect(hls.length).toBeGreaterThan(0);
      for (const endpoint of hls) {
        const url = new URL(endpoint.url);
        expect(url.origin).toBe(origin);
        expect(url.pathname).toMatch(
          new RegExp(`^/media/videosdk/${stream.id}/meetings-hls/[0-9a-z-]+/(index|live)\\.m3u8$`),
        );
        const answer = await fetch(endpoint.url);
        expect(answer.status).toBe(404);
        expect(((await answer.json()) as { error: string }).error).toContain(
          'the sandbox carries no WebRTC, so a videosdk v2 room has no media',
        );
      }

      const [ingest] = stream.ingest;
      expect(ingest?.protocol).toBe('webrtc');
      expect(new URL(ingest?.url ?? '').origin).toBe(origin);
      const offer = await fetch(ingest?.url ?? '', {
        method: 'POST',
        headers: { authorization: `Bearer ${ingest?.streamKey ?? ''}`, 'content-type': 'application/sdp' },
        body: 'v=0\r\n',
      });
      expect(offer.status).toBe(501);
      expect(((await offer.json()) as { message: string }).message).toBe(
        "the sandbox takes no WHIP: a videosdk v2 room gets no media here. To push video through the sandbox, use a videosdk v1 stream (apiVersion: 'v1') and RTMP.",
      );
    } finally {
      await sandbox.close();
    }
  });
});
