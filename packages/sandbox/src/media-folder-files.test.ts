import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFfmpeg, startPush, startSandbox } from './index.js';

// The sandbox serves its media folder to every origin: only the regular files it wrote there are read or
// written, whatever else is planted in it (a symbolic link out of the folder, a FIFO).

const liveapiAuth = `Basic ${Buffer.from('sandbox-liveapi-token-id:sandbox-liveapi-secret-key-0123456789').toString('base64')}`;

// A sandbox on its own media folder, with one LiveAPI stream whose HLS folder holds an ended playlist, as a
// sandbox that ran before on the folder leaves it: the sandbox serves that folder's files at the stream's URL.
async function sandboxWithStreamFolder(media: string) {
  const sandbox = await startSandbox({ media: { directory: media, hls: { ffmpegPath: process.execPath } } });
  const created = await fetch(`${sandbox.url}/liveapi/live_streams`, {
    method: 'POST',
    headers: { authorization: liveapiAuth, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'planted', enabled: true }),
  });
  const id = ((await created.json()) as { _id: string })._id;
  const folder = join(media, 'liveapi', id);
  mkdirSync(folder, { recursive: true });
  return { sandbox, folder, base: `${sandbox.url}/media/liveapi/${id}` };
}

const endedPlaylist =
  '#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.0,\nsegment0.ts\n#EXT-X-ENDLIST\n';

describe('HLS serving and what else lies in the media folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'unilive-media-folder-'));
  const outside = join(root, 'outside-secret.txt');
  writeFileSync(outside, 'a file outside the media folder: never served\n#EXT-X-ENDLIST\n');
  const valves: ChildProcess[] = [];
  afterAll(() => {
    for (const valve of valves) valve.kill();
    rmSync(root, { recursive: true, force: true });
  });

  it('does not follow a symbolic link named as a segment out of the media folder (served to every origin)', async () => {
    const { sandbox, folder, base } = await sandboxWithStreamFolder(join(root, 'media-link'));
    try {
      writeFileSync(join(folder, 'index.m3u8'), endedPlaylist);
      writeFileSync(join(folder, 'segment0.ts'), 'real segment');
      symlinkSync(outside, join(folder, 'segment1.ts'));
      const segment = await fetch(`${base}/segment0.ts`, { headers: { range: 'bytes=0-9' } });
      // Ranges are not served: the whole segment, and a header that says so.
      expect(segment.status).toBe(200);
      expect(segment.headers.get('accept-ranges')).toBe('none');
      expect(await segment.text()).toBe('real segment');
      const linked = await fetch(`${base}/segment1.ts`, { headers: { origin: 'https://evil.example' } });
      const body = await linked.text();
      expect(body).not.toContain('outside the media folder');
      expect(linked.status).toBe(404);
    } finally {
      await sandbox.close();
    }
  });

  it('does not serve a playlist that is a symbolic link out of the media folder', async () => {
    const { sandbox, folder, base } = await sandboxWithStreamFolder(join(root, 'media-playlist-link'));
    try {
      symlinkSync(outside, join(folder, 'index.m3u8'));
      const linked = await fetch(`${base}/index.m3u8`);
      const body = await linked.text();
      expect(body).not.toContain('outside the media folder');
      expect(linked.status).toBe(404);
    } finally {
      await sandbox.close();
    }
  });

  it("serves nothing from a stream's folder that is a symbolic link to a folder elsewhere", async () => {
    const { sandbox, folder, base } = await sandboxWithStreamFolder(join(root, 'media-folder-link'));
    try {
      const elsewhere = join(root, 'elsewhere');
      mkdirSync(elsewhere, { recursive: true });
      writeFileSync(join(elsewhere, 'index.m3u8'), endedPlaylist);
      writeFileSync(join(elsewhere, 'segment0.ts'), 'a file outside the media folder');
      rmSync(folder, { recursive: true });
      symlinkSync(elsewhere, folder);
      for (const name of ['index.m3u8', 'segment0.ts']) {
        const answer = await fetch(`${base}/${name}`);
        expect(await answer.text()).not.toContain('outside the media folder');
        expect(answer.status).toBe(404);
      }
      // The same files in the stream's own folder are served.
      rmSync(folder);
      mkdirSync(folder);
      writeFileSync(join(folder, 'index.m3u8'), endedPlaylist);
      writeFileSync(join(folder, 'segment0.ts'), 'real segment');
      expect((await fetch(`${base}/segment0.ts`)).status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });

  it('answers a request for a FIFO named as a segment with 404 instead of blocking the whole process on it', async () => {
    const { sandbox, folder, base } = await sandboxWithStreamFolder(join(root, 'media-fifo'));
    try {
      writeFileSync(join(folder, 'index.m3u8'), endedPlaylist);
      const fifo = join(folder, 'segment1.ts');
      execFileSync('mkfifo', [fifo]);
      // A safety valve, so the test ends even where the sandbox blocks: another process opens the FIFO for
      // writing after a while, which releases a reader blocked on it. The sandbox must answer before it does.
      // It leaves a mark as it does, so the test knows whether the answer came before the valve released it.
      const mark = join(root, 'valve-opened');
      const valve = spawn('sh', ['-c', 'sleep 30; : > "$1"; exec 3>"$0"', fifo, mark], { stdio: 'ignore' });
      valves.push(valve);
      const answered = await fetch(`${base}/segment1.ts`);
      await answered.arrayBuffer();
      const valveStillWaiting = !existsSync(mark);
      valve.kill();
      expect(answered.status).toBe(404);
      expect(valveStillWaiting).toBe(true);
      expect((await fetch(`${sandbox.url}/_sandbox/stats`)).status).toBe(200);
    } finally {
      await sandbox.close();
    }
  }, 60_000);

  const ffmpeg = findFfmpeg()?.path;
  it.skipIf(!ffmpeg)(
    "never writes through a symbolic link planted at the ended playlist's temporary name",
    async () => {
      const media = join(root, 'media-ended');
      const sandbox = await startSandbox({
        media: { directory: media, hls: { ffmpegPath: ffmpeg as string, reconnectWindowMs: 0 } },
      });
      try {
        const created = await fetch(`${sandbox.url}/liveapi/live_streams`, {
          method: 'POST',
          headers: { authorization: liveapiAuth, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'ended', enabled: true }),
        });
        const stream = (await created.json()) as { _id: string; ingest: { server: string; key: string } };
        const folder = join(media, 'liveapi', stream._id);
        const victim = join(root, 'victim.txt');
        writeFileSync(victim, "the developer's own file");
        mkdirSync(folder, { recursive: true });
        symlinkSync(victim, join(folder, 'index.m3u8.ended.tmp'));
        const push = startPush({ url: `${stream.ingest.server}/${stream.ingest.key}`, durationSeconds: 2 });
        await push.done;
        const playlistUrl = `${sandbox.url}/media/liveapi/${stream._id}/index.m3u8`;
        // The playlist ends once the packager is done (no reconnect window): polled until it says so, the
        // test's own time limit the only bound.
        await expect
          .poll(
            async () => {
              const answer = await fetch(playlistUrl);
              return answer.ok && (await answer.text()).includes('#EXT-X-ENDLIST');
            },
            { timeout: 100_000, interval: 100 },
          )
          .toBe(true);
        expect(readFileSync(victim, 'utf8')).toBe("the developer's own file");
      } finally {
        await sandbox.close();
      }
    },
    120_000,
  );
});
