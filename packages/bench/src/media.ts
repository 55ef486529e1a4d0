import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLiveStreamClient, type LiveStream } from '@unilive/core';
import { findFfmpeg, type Push, startPush } from '@unilive/sandbox';
import { createProvider } from './providers.js';
import { type SandboxChild, startSandboxChild } from './sandbox-child.js';
import { median, round } from './stats.js';

// Real media through the sandbox: how soon the encoder's first packet shows as `broadcasting` and as a
// playable HLS segment, how soon leaving shows, what a publisher costs the sandbox in CPU, and whether
// several publishers at once all stay connected. The encoders push a pre-encoded 720p30 clip, copied
// (ffmpeg `-c copy`), so encoding costs nothing during the measurements and the sandbox has the CPU.

/** Sizes of the media measurements. */
export interface MediaConfig {
  /** Publishes timed one after another (first packet → live, → first segment, leaving → offline). */
  samples: number;
  /** Publishers at once, for the concurrency check and the CPU per publisher. */
  publishers: number;
  /** How long the CPU is sampled, in seconds, for each load. */
  cpuSeconds: number;
  /** The clip the encoders push: its size and length (it is looped). */
  clip: { size: `${number}x${number}`; seconds: number };
}

/** The median, smallest and largest of some samples, in ms. */
export interface Spread {
  medianMs: number;
  minMs: number;
  maxMs: number;
}

/** What the media measurements found; `skipped` says why when they could not run. */
export interface MediaReport {
  skipped?: string;
  ffmpeg?: { source: string; version: string };
  clip?: MediaConfig['clip'] & { frameRate: number; videoKbps: number; keyFrameSeconds: number };
  samples: number;
  /** Encoder's first audio or video message at the sandbox → `get` shows `broadcasting: true` (polled every 5 ms). */
  firstPacketToBroadcasting?: Spread;
  /** The same, seen by `client.waitForBroadcast` at its shortest poll interval (100 ms). */
  firstPacketToWaitForBroadcast?: Spread;
  /** Encoder's first message → the playlist lists a segment and that segment is served. */
  firstPacketToFirstSegment?: Spread;
  /** The encoder process ends (its socket closes) → `get` shows `broadcasting: false` (polled every 5 ms). */
  disconnectToOffline?: Spread;
  /** An encoder with a wrong key: its start → it ends, refused (ffmpeg's own start-up included). */
  refusedAfter?: Spread;
  /** A publishing stream switched off (LiveAPI `enabled: false`): the call's answer → the encoder is cut. */
  cutAfterStopMs?: number;
  /** CPU of the sandbox process and its HLS packagers, in % of one core. */
  cpu?: {
    seconds: number;
    idlePercent: number;
    onePublisherPercent: number;
    manyPublishers: number;
    manyPublishersPercent: number;
    /** (many − idle) / many. */
    perPublisherPercent: number;
    /** Of it, what the sandbox's own Node process took (the rest is its ffmpeg packagers). */
    nodeShareOfManyPercent: number;
  };
  /** `publishers` encoders pushing at once for the CPU window and more. */
  concurrent?: {
    publishers: number;
    seconds: number;
    admitted: number;
    /** Encoders whose connection ended before they were told to stop. */
    dropped: number;
    /** Streams whose HLS URL served a segment while all of them were live. */
    playing: number;
  };
}

/** The media measurements' targets: live within 1 s, offline within 5 s, refused or cut within 1 s, playable within 6 s. */
export const mediaTargets = {
  liveWithinMs: 1_000,
  offlineWithinMs: 5_000,
  cutWithinMs: 1_000,
  firstSegmentWithinMs: 6_000,
} as const;

const frameRate = 30;
const videoKbps = 2_500;

const spread = (values: number[]): Spread => ({
  medianMs: round(median(values)),
  minMs: round(Math.min(...values)),
  maxMs: round(Math.max(...values)),
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `read` gives a value, at most `limitMs`. */
async function until<T>(read: () => Promise<T | undefined>, limitMs: number, pauseMs: number): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing within ${limitMs} ms`);
    await pause(pauseMs);
  }
}

/** Encodes the clip the encoders loop: the test pattern with a tone, H.264 + AAC, a key frame a second. */
function encodeClip(ffmpeg: string, folder: string, clip: MediaConfig['clip']): string {
  const file = join(folder, 'clip.flv');
  execFileSync(ffmpeg, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${clip.size}:rate=${frameRate}`,
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=1000:sample_rate=48000',
    '-t',
    String(clip.seconds),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-b:v',
    `${videoKbps}k`,
    '-maxrate',
    `${videoKbps}k`,
    '-bufsize',
    `${videoKbps * 2}k`,
    '-g',
    String(frameRate),
    '-keyint_min',
    String(frameRate),
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-f',
    'flv',
    file,
  ]);
  return file;
}

interface Overview {
  providers: { id: string; streams: { id: string; live: boolean; encoder?: { firstPacketAt?: number } }[] }[];
}

async function firstPacketAt(sandbox: SandboxChild, id: string): Promise<number> {
  return until(
    async () => {
      const overview = (await (
        await fetch(`${sandbox.url}/_sandbox/dashboard/overview.json`)
      ).json()) as Overview;
      const stream = overview.providers
        .flatMap((provider) => provider.streams)
        .find((item) => item.id === id);
      return stream?.encoder?.firstPacketAt;
    },
    30_000,
    20,
  );
}

async function servedSegment(hlsUrl: string): Promise<true | undefined> {
  const playlist = await fetch(hlsUrl);
  if (playlist.status !== 200) return undefined;
  const segment = (await playlist.text()).split('\n').find((line) => line.trim().endsWith('.ts'));
  if (!segment) return undefined;
  const media = await fetch(new URL(segment.trim(), hlsUrl));
  await media.arrayBuffer();
  return media.status === 200 ? true : undefined;
}

const hlsOf = (stream: LiveStream) =>
  stream.playback.find((endpoint) => endpoint.protocol === 'hls' && endpoint.rendition !== 'recording')?.url;

/** Every process in the tree under `root` (itself included), with its CPU ticks (user + system). */
function treeTicks(root: number): Map<number, number> {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may hold spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended while the folder was read.
    }
  }
  const tree = new Map<number, number>();
  const inTree = (pid: number): boolean => {
    for (let current: number | undefined = pid, hops = 0; current && hops < 64; hops += 1) {
      if (current === root) return true;
      current = parents.get(current);
    }
    return false;
  };
  for (const [pid, value] of ticks) if (inTree(pid)) tree.set(pid, value);
  return tree;
}

/** CPU of the process tree under `root` over `seconds`, in % of one core: all of it, and the root's own. */
async function cpuPercent(root: number, seconds: number, ticksPerSecond: number) {
  const before = treeTicks(root);
  const started = Date.now();
  await pause(seconds * 1000);
  const after = treeTicks(root);
  const elapsed = (Date.now() - started) / 1000;
  let total = 0;
  for (const [pid, value] of after) total += value - (before.get(pid) ?? 0);
  const own = (after.get(root) ?? 0) - (before.get(root) ?? 0);
  const percent = (value: number) => round(((value / ticksPerSecond) * 100) / elapsed, 1);
  return { total: percent(total), own: percent(own) };
}

/** Runs the media measurements; without ffmpeg (or off Linux, for the CPU) it says what it skipped. */
export async function measureMedia(
  config: MediaConfig,
  log: (line: string) => void = () => {},
): Promise<MediaReport> {
  const ffmpeg = findFfmpeg();
  if (!ffmpeg) return { skipped: 'no ffmpeg on this machine', samples: 0 };
  const banner = spawnSync(ffmpeg.path, ['-version'], { encoding: 'utf8' }).stdout;
  const version = /^ffmpeg version (\S+)/.exec(banner)?.[1] ?? 'unknown';
  const folder = mkdtempSync(join(tmpdir(), 'unilive-bench-media-'));
  const sandbox = await startSandboxChild({ transitionMs: 50 });
  const pushes: Push[] = [];
  try {
    log(`media: encoding a ${config.clip.seconds} s ${config.clip.size} clip`);
    const clip = encodeClip(ffmpeg.path, folder, config.clip);
    const client = createLiveStreamClient(createProvider('liveapi', sandbox.adapterSettings('liveapi')));
    const push = (stream: LiveStream) => {
      const ingest = stream.ingest.find((endpoint) => endpoint.protocol === 'rtmp');
      if (!ingest) throw new Error('the stream has no RTMP ingest');
      const started = startPush({ url: ingest.url, file: clip, ffmpegPath: ffmpeg.path });
      pushes.push(started);
      return started;
    };

    const live: number[] = [];
    const waited: number[] = [];
    const segment: number[] = [];
    const offline: number[] = [];
    for (let sample = 0; sample < config.samples; sample += 1) {
      log(`media: publish ${sample + 1} of ${config.samples}`);
      const stream = await client.create({ name: `bench media ${sample}` });
      const hls = hlsOf(stream);
      if (!hls) throw new Error('the stream has no HLS playback URL');
      const encoder = push(stream);
      const [seenLive, seenByWait, seenSegment] = await Promise.all([
        until(async () => ((await client.get(stream.id)).broadcasting ? Date.now() : undefined), 30_000, 5),
        client
          .waitForBroadcast(stream.id, { intervalMs: 100, maxIntervalMs: 100, timeoutMs: 30_000 })
          .then(() => Date.now()),
        until(async () => ((await servedSegment(hls)) ? Date.now() : undefined), 30_000, 20),
      ]);
      const first = await firstPacketAt(sandbox, stream.id);
      live.push(seenLive - first);
      waited.push(seenByWait - first);
      segment.push(seenSegment - first);
      encoder.stop();
      await encoder.done;
      const left = Date.now();
      const seenOffline = await until(
        async () => ((await client.get(stream.id)).broadcasting === false ? Date.now() : undefined),
        30_000,
        5,
      );
      offline.push(seenOffline - left);
      await client.delete(stream.id);
    }

    let cpu: MediaReport['cpu'];
    const ticksPerSecond =
      process.platform === 'linux' ? Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) : 0;
    const measureCpu = ticksPerSecond > 0 && sandbox.pid !== undefined;
    const root = sandbox.pid ?? 0;
    const idle = measureCpu ? await cpuPercent(root, config.cpuSeconds, ticksPerSecond) : undefined;

    log('media: one publisher');
    const single = await client.create({ name: 'bench media cpu' });
    const singlePush = push(single);
    await until(async () => servedSegment(hlsOf(single) ?? ''), 30_000, 50);
    const one = measureCpu ? await cpuPercent(root, config.cpuSeconds, ticksPerSecond) : undefined;
    // Switched off while publishing: the sandbox cuts the encoder when the change is made.
    await client.stop(single.id);
    const stopAnswered = Date.now();
    await singlePush.done;
    const cutAfterStopMs = Date.now() - stopAnswered;

    const refused: number[] = [];
    const ingest = single.ingest.find((endpoint) => endpoint.protocol === 'rtmp');
    for (let sample = 0; sample < config.samples && ingest?.server; sample += 1) {
      const started = Date.now();
      const wrong = startPush({
        url: `${ingest.server}/lv_${'0'.repeat(32)}?password=00000000`,
        file: clip,
        ffmpegPath: ffmpeg.path,
      });
      pushes.push(wrong);
      const result = await wrong.done;
      if (result.ok) throw new Error('a publish with a wrong key was not refused');
      refused.push(Date.now() - started);
    }

    log(`media: ${config.publishers} publishers at once`);
    const streams = await Promise.all(
      Array.from({ length: config.publishers }, (_, index) =>
        client.create({ name: `bench media ${index}` }),
      ),
    );
    let stopping = false;
    const dropped = new Set<string>();
    const encoders = streams.map((stream) => {
      const started = push(stream);
      void started.done.then(() => {
        if (!stopping) dropped.add(stream.id);
      });
      return started;
    });
    const holdStarted = Date.now();
    const admitted = (
      await Promise.all(
        streams.map((stream) =>
          until(
            async () => ((await client.get(stream.id)).broadcasting ? true : undefined),
            30_000,
            50,
          ).catch(() => false),
        ),
      )
    ).filter(Boolean).length;
    const many = measureCpu ? await cpuPercent(root, config.cpuSeconds, ticksPerSecond) : undefined;
    if (!measureCpu) await pause(config.cpuSeconds * 1000);
    // Each stream counts as playing once it serves a segment: waited for (as `admitted` is), not looked at
    // once, since a machine busy with other work may take more than the hold to cut the first segment.
    const playing = (
      await Promise.all(
        streams.map((stream) =>
          until(() => servedSegment(hlsOf(stream) ?? '').catch(() => undefined), 30_000, 100).catch(
            () => false,
          ),
        ),
      )
    ).filter(Boolean).length;
    const seconds = round((Date.now() - holdStarted) / 1000, 1);
    stopping = true;
    for (const encoder of encoders) encoder.stop();
    await Promise.all(encoders.map((encoder) => encoder.done));
    const concurrent: MediaReport['concurrent'] = {
      publishers: config.publishers,
      seconds,
      admitted,
      dropped: dropped.size,
      playing,
    };
    if (idle && one && many) {
      cpu = {
        seconds: config.cpuSeconds,
        idlePercent: idle.total,
        onePublisherPercent: one.total,
        manyPublishers: config.publishers,
        manyPublishersPercent: many.total,
        perPublisherPercent: round((many.total - idle.total) / config.publishers, 1),
        nodeShareOfManyPercent: many.own,
      };
    }

    return {
      ffmpeg: { source: ffmpeg.source, version },
      clip: { ...config.clip, frameRate, videoKbps, keyFrameSeconds: 1 },
      samples: config.samples,
      firstPacketToBroadcasting: spread(live),
      firstPacketToWaitForBroadcast: spread(waited),
      firstPacketToFirstSegment: spread(segment),
      disconnectToOffline: spread(offline),
      ...(refused.length > 0 ? { refusedAfter: spread(refused) } : {}),
      cutAfterStopMs,
      ...(cpu ? { cpu } : {}),
      concurrent,
    };
  } finally {
    for (const started of pushes) started.stop();
    await Promise.all(pushes.map((started) => started.done));
    await sandbox.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The report's section on real media, as Markdown lines (the heading included). */
export function renderMediaSection(media: MediaReport): string[] {
  const lines = ['## 7. Real media through the sandbox', ''];
  if (media.skipped) return [...lines, `Not measured in this run: ${media.skipped}.`, ''];
  const clip = media.clip;
  const ms = (value: Spread | undefined) =>
    value ? `${value.medianMs} ms (${value.minMs} to ${value.maxMs})` : 'not measured';
  lines.push(
    `Encoders are ffmpeg processes pushing a pre-encoded ${clip?.size} clip at ${clip?.frameRate} frames a second (H.264 ${clip?.videoKbps} kbit/s, a key frame every ${clip?.keyFrameSeconds} s, AAC), looped and copied, so encoding costs nothing while the sandbox is measured. ` +
      `The sandbox runs in a child process with its RTMP ingest and one ffmpeg HLS packager per publisher (\`-c copy\`, 1 s segments); the adapter is LiveAPI's, whose \`broadcasting\` the sandbox sets at the first audio or video message. ffmpeg ${media.ffmpeg?.version} (${media.ffmpeg?.source === 'system' ? "the system's" : media.ffmpeg?.source === 'npm' ? '@ffmpeg-installer/ffmpeg' : 'UNILIVE_FFMPEG'}).`,
    '',
    `| from → to (${media.samples} publishes; median, range) | time |`,
    '| --- | --- |',
    `| the encoder's first packet at the sandbox → \`get\` shows \`broadcasting: true\` (polled every 5 ms) | ${ms(media.firstPacketToBroadcasting)} |`,
    `| the encoder's first packet → \`waitForBroadcast\` resolves (100 ms polls, its shortest) | ${ms(media.firstPacketToWaitForBroadcast)} |`,
    `| the encoder's first packet → the HLS playlist lists a segment and serves it | ${ms(media.firstPacketToFirstSegment)} |`,
    `| the encoder process ends (its socket closes) → \`get\` shows \`broadcasting: false\` | ${ms(media.disconnectToOffline)} |`,
    `| an encoder with a wrong key starts → it ends, refused (ffmpeg's start-up included) | ${ms(media.refusedAfter)} |`,
    `| a publishing stream is switched off (the API's answer) → its encoder is cut | ${media.cutAfterStopMs === undefined ? 'not measured' : `${media.cutAfterStopMs} ms`} |`,
    '',
  );
  if (media.cpu) {
    const { cpu } = media;
    lines.push(
      `CPU of the sandbox process and its packagers over ${cpu.seconds} s, in % of one core: idle ${cpu.idlePercent} %, ` +
        `one publisher ${cpu.onePublisherPercent} %, ${cpu.manyPublishers} publishers ${cpu.manyPublishersPercent} % ` +
        `(of which the sandbox's Node process ${cpu.nodeShareOfManyPercent} %), so **${cpu.perPublisherPercent} % of a core per ${clip?.size} publisher**.`,
      '',
    );
  } else {
    lines.push('CPU per publisher: not measured (it reads /proc, so Linux only).', '');
  }
  if (media.concurrent) {
    const { concurrent } = media;
    lines.push(
      `${concurrent.publishers} publishers at once for ${concurrent.seconds} s: ${concurrent.admitted} admitted, ${concurrent.dropped} dropped, ${concurrent.playing} serving HLS segments.`,
      '',
    );
  }
  return lines;
}
