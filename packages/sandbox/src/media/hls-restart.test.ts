import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dialectClients } from '../../test/dialect-clients.js';
import {
  eventually,
  ffmpeg,
  reportMissingFfmpeg,
  testPush,
  watchChanges,
  whilePushing,
} from '../../test/media-helpers.js';
import { startSandbox } from '../server.js';
import type { SandboxLogEntry } from '../types.js';

reportMissingFfmpeg('the HLS restart test');

const folder = mkdtempSync(join(tmpdir(), 'unilive-hls-restart-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// Two sandboxes, one after the other, on one persist file and one media folder: the second is the first
// restarted.
async function open() {
  const logs: SandboxLogEntry[] = [];
  const sandbox = await startSandbox({
    transitionMs: 20,
    log: (entry) => logs.push(entry),
    persistPath: join(folder, 'streams.json'),
    media: { directory: join(folder, 'media'), hls: { reconnectWindowMs: 0 } },
  });
  return { sandbox, logs, clients: dialectClients(sandbox.engine), changes: watchChanges(sandbox) };
}

describe.skipIf(!ffmpeg)('an ended HLS playlist across a sandbox restart', () => {
  it('stays ended: the next publish after the restart writes a new playlist, numbers going on, never reopening it', async () => {
    const segmentsOf = (playlist: string) => playlist.split('\n').filter((line) => line.endsWith('.ts'));
    const numberOf = (name: string) => Number(/^segment(\d+)\.ts$/.exec(name)?.[1]);

    const before = await open();
    let id: string;
    let hlsUrl: string;
    let endedText: string;
    try {
      const stream = await before.clients.liveapi!.create('Ended before a restart');
      id = String(stream._id);
      hlsUrl = (stream.playback as { hls_url: string }).hls_url;
      const live = before.changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
      const push = testPush(
        { url: `${(stream.ingest as { server: string }).server}/${(stream.ingest as { key: string }).key}` },
        { durationSeconds: 3 },
      );
      await whilePushing(push, live, before.logs);
      expect((await push.done).ok).toBe(true);
      endedText = await eventually(async () => {
        const playlist = await (await fetch(hlsUrl)).text();
        return playlist.includes('#EXT-X-ENDLIST') ? playlist : undefined;
      });
    } finally {
      await before.sandbox.close();
    }
    const lastBefore = numberOf(segmentsOf(endedText).at(-1) ?? '');
    // The playlist file says it has ended, as it was served.
    expect(readFileSync(join(folder, 'media', 'liveapi', encodeURIComponent(id), 'index.m3u8'), 'utf8')).toBe(
      endedText,
    );

    const after = await open();
    try {
      const stream = await after.clients.liveapi!.get(id);
      const url = (stream.playback as { hls_url: string }).hls_url;
      const playlist = async () => {
        const response = await fetch(url);
        return { status: response.status, text: await response.text() };
      };
      const live = after.changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
      // Pushed until stopped: on a busy machine the new playlist may take longer than any fixed push lasts.
      const push = testPush({
        url: `${(stream.ingest as { server: string }).server}/${(stream.ingest as { key: string }).key}`,
      });
      let fresh: string;
      try {
        await whilePushing(push, live, after.logs);
        // Until the new publish's playlist is written, the ended one is served as it was, never reopened.
        fresh = await whilePushing(
          push,
          eventually(async () => {
            const served = await playlist();
            if (served.status === 200 && served.text !== endedText) return served.text;
            return undefined;
          }),
          after.logs,
        );
      } finally {
        push.stop();
      }
      expect(fresh).not.toContain('#EXT-X-ENDLIST');
      expect(fresh).not.toContain('#EXT-X-DISCONTINUITY');
      expect(segmentsOf(fresh).map(numberOf)[0]).toBe(lastBefore + 1);
      expect(fresh).toContain(`#EXT-X-MEDIA-SEQUENCE:${lastBefore + 1}\n`);
      // Stopped, not cut or failed.
      expect((await push.done).ok).toBe(true);
    } finally {
      await after.sandbox.close();
    }
  });
});
