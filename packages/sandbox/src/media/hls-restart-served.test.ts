import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { dialectClients, idOf } from '../../test/dialect-clients.js';
import { startSandbox } from '../server.js';

// An ended playlist across a sandbox restart, without ffmpeg: the files are written as the packager and the
// end of the reconnect window leave them (segments, then a playlist ending with `#EXT-X-ENDLIST`), and a
// second sandbox is started on the same persist file and media folder.

const folder = mkdtempSync(join(tmpdir(), 'unilive-hls-restart-served-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const playlistNames = {
  liveapi: 'index.m3u8',
  'wowza-video': 'playlist.m3u8',
  videosdk: 'index.m3u8',
} as const;
type Provider = keyof typeof playlistNames;

const open = (run: number) =>
  startSandbox({
    transitionMs: 0,
    log: () => undefined,
    persistPath: join(folder, `streams-${run}.json`),
    media: { directory: join(folder, `media-${run}`), hls: { reconnectWindowMs: 0 } },
  });

// The playlist ffmpeg writes (`segment%d.ts`, one-second segments), ended as the sandbox ends it.
const playlistOf = (first: number, count: number, ended: boolean) =>
  [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-TARGETDURATION:1',
    `#EXT-X-MEDIA-SEQUENCE:${first}`,
    ...Array.from({ length: count }, (_, index) => [
      `#EXTINF:1.000000,`,
      `segment${first + index}.ts`,
    ]).flat(),
    ...(ended ? ['#EXT-X-ENDLIST'] : []),
    '',
  ].join('\n');

let runs = 0;

describe('an ended HLS playlist after a sandbox restart, before any publish', () => {
  it('is served as it was, ended, with its segments, until a publish replaces it (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Provider>('liveapi', 'wowza-video', 'videosdk'),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 6 }),
        async (provider, first, count) => {
          runs += 1;
          const before = await open(runs);
          let id: string;
          try {
            id = idOf(await dialectClients(before.engine)[provider]!.create(`Ended ${runs}`));
          } finally {
            await before.close();
          }
          const directory = join(
            folder,
            `media-${runs}`,
            encodeURIComponent(provider),
            encodeURIComponent(id),
          );
          mkdirSync(directory, { recursive: true });
          const segments = Array.from({ length: count }, (_, index) => `segment${first + index}.ts`);
          for (const name of segments) writeFileSync(join(directory, name), `bytes of ${name}`);
          const ended = playlistOf(first, count, true);
          writeFileSync(join(directory, playlistNames[provider]), ended);

          const after = await open(runs);
          try {
            const base = `${after.url}/media/${encodeURIComponent(provider)}/${encodeURIComponent(id)}/`;
            for (let read = 0; read < 2; read += 1) {
              const response = await fetch(`${base}${playlistNames[provider]}`);
              expect({ provider, status: response.status }).toEqual({ provider, status: 200 });
              expect(await response.text()).toBe(ended);
            }
            for (const name of segments) {
              const response = await fetch(`${base}${name}`);
              expect({ name, status: response.status }).toEqual({ name, status: 200 });
              expect(await response.text()).toBe(`bytes of ${name}`);
            }
          } finally {
            await after.close();
          }
        },
      ),
      {
        numRuns: 8,
        examples: [
          ['liveapi', 0, 3],
          ['wowza-video', 5, 1],
        ],
      },
    );
  });

  it('names a target of one second where ffmpeg wrote 0 (a push shorter than half a second)', async () => {
    runs += 1;
    const before = await open(runs);
    let id: string;
    try {
      id = idOf(await dialectClients(before.engine).liveapi!.create('Short push'));
    } finally {
      await before.close();
    }
    const directory = join(folder, `media-${runs}`, 'liveapi', id);
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'segment0.ts'), 'bytes');
    const written =
      '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:0\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:0.100000,\nsegment0.ts\n#EXT-X-ENDLIST\n';
    writeFileSync(join(directory, 'index.m3u8'), written);
    const after = await open(runs);
    try {
      const response = await fetch(`${after.url}/media/liveapi/${id}/index.m3u8`);
      expect(await response.text()).toBe(written.replace('TARGETDURATION:0', 'TARGETDURATION:1'));
    } finally {
      await after.close();
    }
  });

  it('is not served for a stream the restarted sandbox does not have, nor when it was left live', async () => {
    runs += 1;
    const before = await open(runs);
    let id: string;
    try {
      id = idOf(await dialectClients(before.engine).liveapi!.create('Left live'));
    } finally {
      await before.close();
    }
    const media = join(folder, `media-${runs}`, 'liveapi');
    // One left live (the sandbox stopped within its reconnect window), one of a stream it never had.
    for (const [stream, ended] of [
      [id, false],
      ['no-such-stream', true],
    ] as const) {
      mkdirSync(join(media, stream), { recursive: true });
      writeFileSync(join(media, stream, 'segment0.ts'), 'bytes');
      writeFileSync(join(media, stream, 'index.m3u8'), playlistOf(0, 1, ended));
    }
    const after = await open(runs);
    try {
      for (const stream of [id, 'no-such-stream']) {
        const response = await fetch(`${after.url}/media/liveapi/${stream}/index.m3u8`);
        await response.body?.cancel();
        expect({ stream, status: response.status }).toEqual({ stream, status: 404 });
      }
    } finally {
      await after.close();
    }
  });
});
