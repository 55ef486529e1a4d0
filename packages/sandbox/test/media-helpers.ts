import { findFfmpeg } from '../src/media/ffmpeg.js';
import { type Push, type PushOptions, type PushTarget, startPush } from '../src/media/push.js';
import type { Sandbox } from '../src/server.js';
import type { SandboxLogEntry, StreamChange } from '../src/types.js';

/** The ffmpeg media tests push with; undefined skips them (the reason is printed once per file). */
export const ffmpeg = findFfmpeg();

/** Prints why a file's media tests are skipped, once. */
export function reportMissingFfmpeg(what: string): void {
  if (!ffmpeg) {
    console.warn(
      `skipping ${what}: no ffmpeg on this machine (apt-get install ffmpeg, UNILIVE_FFMPEG, or the optional @ffmpeg-installer/ffmpeg)`,
    );
  }
}

/** A small, cheap test pattern: the tests check behaviour, not picture quality. */
export function testPush(target: PushTarget, extra: Partial<PushOptions> = {}) {
  return startPush({
    ...target,
    size: '320x180',
    preset: 'ultrafast',
    videoBitrateKbps: 300,
    ...(ffmpeg ? { ffmpegPath: ffmpeg.path } : {}),
    ...extra,
  });
}

/** Records a sandbox's changes from now on; `next` waits for one by event order, never by the clock. */
export function watchChanges(sandbox: Sandbox) {
  const seen: StreamChange[] = [];
  const waiters: { match: (change: StreamChange) => boolean; resolve: (change: StreamChange) => void }[] = [];
  sandbox.onStreamChange((change) => {
    seen.push(change);
    for (const waiter of [...waiters]) {
      if (!waiter.match(change)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(change);
    }
  });
  return {
    seen,
    /** The first change from now on (or already seen, when `includeSeen`) that matches. */
    next(match: (change: StreamChange) => boolean, includeSeen = false): Promise<StreamChange> {
      const already = includeSeen ? seen.find(match) : undefined;
      if (already) return Promise.resolve(already);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

/** Reads until `read` gives a value; the test's own time limit bounds it. */
export async function eventually<T>(
  read: () => Promise<T | undefined> | T | undefined,
  pauseMs = 100,
): Promise<T> {
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

/** The first segment a playlist lists, once it lists one. */
export async function firstSegment(
  playlistUrl: string,
): Promise<{ playlist: Response; text: string; segment: string }> {
  return eventually(async () => {
    const playlist = await fetch(playlistUrl);
    if (playlist.status !== 200) return undefined;
    const text = await playlist.text();
    const segment = text.split('\n').find((line) => line.trim().endsWith('.ts'));
    return segment ? { playlist, text, segment: segment.trim() } : undefined;
  });
}

/**
 * What a test awaits while an encoder pushes (the stream going live, a first HLS segment), bound to the push
 * itself: when the push ends first (refused, cut, ffmpeg failing to start), it fails at once with ffmpeg's
 * last words and the sandbox's latest log lines, instead of waiting on into the test's time limit with
 * nothing to say why. The wait itself has no clock: a slow machine only makes it longer.
 */
export function whilePushing<T>(
  push: Push,
  waited: Promise<T>,
  logs: readonly SandboxLogEntry[] | (() => readonly SandboxLogEntry[]) = [],
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    waited.then(resolve, reject);
    // After `waited` settled this changes nothing: a promise settles once.
    void push.done.then((result) => {
      const why = result.error ?? (result.ok ? 'it was stopped' : `exit code ${result.exitCode}`);
      const lines = (typeof logs === 'function' ? logs() : logs)
        .slice(-12)
        .map((line) => `  ${line.level} ${line.message}`);
      reject(
        new Error(
          `the encoder ended before what the test waited for (${why}); the sandbox's latest log lines:\n${lines.join('\n')}`,
        ),
      );
    });
  });
}
