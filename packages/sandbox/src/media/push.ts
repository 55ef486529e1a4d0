import { spawn } from 'node:child_process';
import { InvalidInputError, onceListenerOptions, redact, urlWithUserInfo } from '@unilive/core';
import { findFfmpeg } from './ffmpeg.js';

/** Where to push: an RTMP ingest endpoint as an adapter returned it. */
export interface PushTarget {
  /** The full `rtmp://` or `rtmps://` URL, used as it is (an adapter's carries its push credentials). */
  url: string;
  /**
   * Push credentials (Wowza Video's source authentication), written into the URL's user information; not
   * needed for an adapter's `IngestEndpoint.url`, which carries them.
   */
  username?: string | undefined;
  password?: string | undefined;
}

/**
 * The lengths a push takes, in seconds: from 1 ms (below a microsecond a number prints as an exponent,
 * `1e-7`, which ffmpeg's `-t` refuses only once the push is set up) to 24 hours. `unilive push --duration`
 * keeps the same bounds.
 */
export const pushDurationSeconds: { readonly min: number; readonly max: number } = Object.freeze({
  min: 0.001,
  max: 86_400,
});

/** Options of {@link startPush}. */
export interface PushOptions extends PushTarget {
  /**
   * Seconds to push, from {@link pushDurationSeconds} `min` (1 ms) to `max` (24 h); undefined pushes until
   * `stop()` or the signal. Anything else (NaN, 0, negative, infinite, longer) throws `InvalidInputError`.
   */
  durationSeconds?: number | undefined;
  /** Test pattern size. Default `1280x720`. */
  size?: `${number}x${number}` | undefined;
  /** Frames per second. Default 30. */
  frameRate?: number | undefined;
  /** Video bitrate in kbit/s. Default 2500. */
  videoBitrateKbps?: number | undefined;
  /** x264 preset. Default `veryfast`, as OBS uses. */
  preset?: 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium' | undefined;
  /**
   * Pushes this FLV or MP4 file, looped and copied as it is, instead of encoding a test pattern (costs next
   * to no CPU: for measuring the receiving side).
   */
  file?: string | undefined;
  /** The ffmpeg to run; found with {@link findFfmpeg} by default. */
  ffmpegPath?: string | undefined;
  signal?: AbortSignal | undefined;
  /** About twice a second while pushing. */
  onProgress?: ((progress: PushProgress) => void) | undefined;
}

/** How far a push has come. */
export interface PushProgress {
  /** Seconds of media sent. */
  seconds: number;
  /** Average bitrate so far, in kbit/s. */
  bitrateKbps: number;
  /** Bytes sent. */
  bytes: number;
  frames: number;
}

/** How a push ended. */
export interface PushResult extends PushProgress {
  /** True when ffmpeg ended by itself after the whole duration, or was stopped; false when it failed. */
  ok: boolean;
  /** ffmpeg's exit code; undefined when it was stopped by a signal. */
  exitCode: number | undefined;
  /** ffmpeg's last words when it failed, with every credential, key and URL user info taken out. */
  error?: string;
}

/** A running push. */
export interface Push {
  /** Settles when ffmpeg has exited. */
  readonly done: Promise<PushResult>;
  /** Ends the push as an encoder's "stop streaming" does (the connection closes). */
  stop(): void;
  /**
   * The process that runs ffmpeg and ends it: a small Node guardian whose stdin is a pipe from this process.
   * However this process ends (exit, SIGHUP, SIGKILL), that pipe closes and the guardian kills ffmpeg, so
   * no encoder keeps pushing after its parent is gone. Signals sent to it reach ffmpeg.
   */
  readonly pid: number;
  /** ffmpeg's own process id, once it started (undefined when it could not): to pause it, say. */
  readonly ffmpegPid: Promise<number | undefined>;
}

/**
 * The URL an encoder connects to: the endpoint's URL with its push credentials as URL user info, the form
 * ffmpeg takes them in (and then proves with Adobe authentication when the server asks). Core's
 * `urlWithUserInfo`, the function adapters build `IngestEndpoint.url` with: an endpoint's URL already
 * carries its credentials, and writing the same ones again changes nothing.
 */
export function encoderUrl(target: PushTarget): string {
  return urlWithUserInfo(target.url, target.username, target.password);
}

/**
 * The parts of an ingest URL that carry its credentials, as written and decoded: the user information, the
 * stream name (the last part of its path, with its query: `lv_…?password=…`) and each query value. Its host
 * and application are not among them: masked, ffmpeg's "Failed to resolve hostname …" would say nothing,
 * and a beginning of the whole URL would hide words that begin the same way.
 */
export function pushSecretsOf(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const decoded = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const parts = [parsed.username, parsed.password];
  const name = `${parsed.pathname.slice(parsed.pathname.lastIndexOf('/') + 1)}${parsed.search}`;
  parts.push(name, parsed.search.slice(1));
  for (const value of parsed.searchParams.values()) parts.push(value);
  return [...new Set([...parts, ...parts.map(decoded)])].filter((part) => part.length > 0);
}

/** The x264 presets a push takes ({@link PushOptions.preset}). */
const presets: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
]);

// Each option's rule: what it must be, or undefined (left out, as `undefined` counts). Every value reaches
// ffmpeg's command line, a filter graph (`size`, `frameRate`) or its output URL: a target that is no RTMP
// URL would make ffmpeg write a file of that name (`undefined`, `out.flv`) and the push report success.
const pushOptionRules: readonly [keyof PushOptions, string, (value: unknown) => boolean][] = [
  ['url', 'an rtmp:// or rtmps:// URL', (value) => typeof value === 'string' && isRtmpUrl(value)],
  ['username', 'text', (value) => typeof value === 'string'],
  ['password', 'text', (value) => typeof value === 'string'],
  [
    'durationSeconds',
    `a number of seconds from ${pushDurationSeconds.min} to ${pushDurationSeconds.max}`,
    (value) =>
      typeof value === 'number' && value >= pushDurationSeconds.min && value <= pushDurationSeconds.max,
  ],
  [
    'size',
    'WIDTHxHEIGHT in even pixels, from 2 to 8192 each, such as 1280x720',
    (value) => typeof value === 'string' && evenSize(value),
  ],
  ['frameRate', 'a number of frames a second from 1 to 240', (value) => between(value, 1, 240)],
  ['videoBitrateKbps', 'a whole number of kbit/s from 1 to 1000000', (value) => whole(value, 1, 1_000_000)],
  ['preset', `one of ${[...presets].join(', ')}`, (value) => typeof value === 'string' && presets.has(value)],
  ['file', 'the path of an FLV or MP4 file', (value) => typeof value === 'string' && value !== ''],
  ['ffmpegPath', 'the path of an ffmpeg', (value) => typeof value === 'string' && value !== ''],
  ['signal', 'an AbortSignal', (value) => value instanceof AbortSignal],
  ['onProgress', 'a function', (value) => typeof value === 'function'],
];

function isRtmpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'rtmp:' || url.protocol === 'rtmps:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function evenSize(text: string): boolean {
  const match = /^(\d{1,4})x(\d{1,4})$/.exec(text);
  if (!match) return false;
  return [match[1], match[2]].every((side) => {
    const pixels = Number(side);
    return pixels >= 2 && pixels <= 8192 && pixels % 2 === 0;
  });
}

function between(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && value >= min && value <= max;
}

function whole(value: unknown, min: number, max: number): boolean {
  return Number.isInteger(value) && between(value, min, max);
}

/**
 * Refuses what ffmpeg could not be given as it is, before ffmpeg is looked for or started: an
 * `InvalidInputError` naming every option that is wrong (`url` required; the others may be left out).
 */
function checkPushOptions(options: PushOptions): void {
  const given: unknown = options;
  const issues =
    typeof given !== 'object' || given === null
      ? [{ path: '$', message: 'expected the push options, an object with at least url' }]
      : pushOptionRules.flatMap(([name, expected, fits]) => {
          const value = (options as unknown as Record<string, unknown>)[name];
          if (value === undefined ? name !== 'url' : fits(value)) return [];
          return [{ path: name, message: `expected ${expected}` }];
        });
  if (issues.length === 0) return;
  throw new InvalidInputError({
    operation: 'startPush',
    message: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
    issues,
  });
}

/**
 * Publishes a test pattern (ffmpeg's `testsrc2`, with a 1 kHz tone) to an RTMP ingest, like an encoder
 * would: H.264 and AAC, a key frame every second, in real time. Throws `InvalidInputError` naming each
 * option that is wrong, before ffmpeg is looked for or started: a `url` that is missing or no `rtmp://` or
 * `rtmps://` URL, a `durationSeconds` outside {@link pushDurationSeconds}, a `size` that is no even
 * WIDTHxHEIGHT, a `frameRate`, `videoBitrateKbps` or `preset` out of range, an option of the wrong type
 * (the values are never quoted: the URL carries the stream key); and an error when no ffmpeg is found.
 *
 * ffmpeg takes the URL, with its stream key and push credentials, on its command line, the one place it
 * reads it from: other users of the machine can read it in the process list while the push runs, so push to
 * a vendor's ingest only from a machine you do not share. The guardian process (`pid`) gets it in its
 * environment, which only this user can read.
 */
export function startPush(options: PushOptions): Push {
  checkPushOptions(options);
  const ffmpeg = options.ffmpegPath ?? findFfmpeg()?.path;
  if (!ffmpeg) {
    throw new Error(
      'no ffmpeg found: install one (apt-get install ffmpeg), set UNILIVE_FFMPEG, or install the optional @ffmpeg-installer/ffmpeg',
    );
  }
  const frameRate = options.frameRate ?? 30;
  const input = options.file
    ? ['-re', '-stream_loop', '-1', '-i', options.file, '-c', 'copy']
    : [
        '-re',
        '-f',
        'lavfi',
        '-i',
        `testsrc2=size=${options.size ?? '1280x720'}:rate=${frameRate}`,
        '-re',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=1000:sample_rate=48000',
        '-c:v',
        'libx264',
        '-preset',
        options.preset ?? 'veryfast',
        '-tune',
        'zerolatency',
        '-b:v',
        `${options.videoBitrateKbps ?? 2500}k`,
        '-maxrate',
        `${options.videoBitrateKbps ?? 2500}k`,
        '-bufsize',
        `${(options.videoBitrateKbps ?? 2500) * 2}k`,
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
        '-ar',
        '48000',
      ];
  const url = encoderUrl(options);
  // Not ffmpeg itself: ffmpeg ignores SIGPIPE and never exits when stdin closes, so a parent that dies
  // without stopping it (SIGKILL, a closed terminal) would leave it pushing. The guardian's stdin is a pipe
  // only this process holds the other end of; the OS closes it when this process ends, however it ends.
  // ffmpeg's command, the ingest URL and its stream key in it, reaches the guardian in its environment, which
  // only this user can read (`/proc/<pid>/environ`), not in its arguments, which every user of the machine
  // can (`ps`). ffmpeg itself takes the URL as an argument: it reads it from nowhere else.
  const command = [
    ffmpeg,
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'error',
    '-progress',
    'pipe:1',
    ...input,
    ...(options.durationSeconds === undefined ? [] : ['-t', String(options.durationSeconds)]),
    '-f',
    'flv',
    url,
  ];
  const child = spawn(process.execPath, ['-e', guardian], {
    env: { ...process.env, [guardianCommandVariable]: JSON.stringify(command) },
    // The fourth pipe carries ffmpeg's own pid from the guardian.
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  const ffmpegPid = new Promise<number | undefined>((resolve) => {
    let text = '';
    const pipe = child.stdio[3] as NodeJS.ReadableStream | null;
    if (!pipe) {
      resolve(undefined);
      return;
    }
    pipe.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    pipe.on('error', () => resolve(undefined));
    pipe.on('close', () => {
      const pid = Number.parseInt(text, 10);
      resolve(Number.isInteger(pid) && pid > 0 ? pid : undefined);
    });
  });
  // A guardian that already ended makes writes fail; nothing is ever written, but the pipe must not throw.
  child.stdin.on('error', () => {});
  const secrets = [...pushSecretsOf(url), options.username ?? '', options.password ?? ''];
  const progress: PushProgress = { seconds: 0, bitrateKbps: 0, bytes: 0, frames: 0 };
  let block: Record<string, string> = {};
  let pendingText = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pendingText += chunk.toString('utf8');
    const lines = pendingText.split('\n');
    pendingText = lines.pop() ?? '';
    for (const line of lines) {
      const [key = '', ...rest] = line.trim().split('=');
      block[key] = rest.join('=');
      if (key !== 'progress') continue;
      readProgress(block, progress);
      block = {};
      options.onProgress?.({ ...progress });
    }
  });
  let printed = '';
  child.stderr.on('data', (chunk: Buffer) => {
    printed = `${printed}${chunk.toString('utf8')}`.slice(-4_000);
  });
  let stopped = false;
  const stop = () => {
    if (stopped || child.exitCode !== null) return;
    stopped = true;
    // SIGINT makes ffmpeg close the connection cleanly (the guardian passes it on); closing the guardian's
    // stdin later makes it kill an ffmpeg that did not end.
    child.kill('SIGINT');
    setTimeout(() => child.stdin.destroy(), 3_000).unref();
  };
  options.signal?.addEventListener('abort', stop, onceListenerOptions);
  const done = new Promise<PushResult>((resolve) => {
    const finish = (exitCode: number | undefined, failure?: string) => {
      options.signal?.removeEventListener('abort', stop);
      const ok = failure === undefined && (stopped || exitCode === 0);
      const error = ok
        ? undefined
        : redact(failure ?? (printed.trim() || `ffmpeg exited with ${exitCode}`), secrets);
      resolve({ ...progress, ok, exitCode, ...(error ? { error } : {}) });
    };
    child.once('error', (error) => finish(undefined, `ffmpeg could not run: ${error.message}`));
    child.once('exit', (code) => {
      child.stdin.destroy();
      finish(code === null || code === guardianSignalled ? undefined : code);
    });
  });
  return { done, stop, pid: child.pid ?? -1, ffmpegPid };
}

/** The guardian's exit code when ffmpeg ended by a signal (then `exitCode` is undefined, as before). */
const guardianSignalled = 199;

/** The environment variable that hands the guardian ffmpeg's command (a JSON list: the program, then its arguments). */
const guardianCommandVariable = 'UNILIVE_PUSH_COMMAND';

// Runs ffmpeg (the command in its environment, taken out before ffmpeg inherits the rest) with the
// guardian's stdout and stderr, passes SIGINT and SIGTERM on, and kills ffmpeg when stdin ends (the parent
// is gone) or a stop takes too long; exits with ffmpeg's code.
const guardian = `
const { spawn } = require('node:child_process');
const [command, ...args] = JSON.parse(process.env.${guardianCommandVariable});
delete process.env.${guardianCommandVariable};
const ffmpeg = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
try { require('node:fs').writeSync(3, String(ffmpeg.pid ?? '')); } catch {}
try { require('node:fs').closeSync(3); } catch {}
const running = () => ffmpeg.exitCode === null && ffmpeg.signalCode === null;
const kill = () => { if (running()) ffmpeg.kill('SIGKILL'); };
const pass = (signal) => () => {
  if (running()) ffmpeg.kill(signal);
  setTimeout(kill, 3000).unref();
};
process.on('SIGINT', pass('SIGINT'));
process.on('SIGTERM', pass('SIGTERM'));
process.on('SIGHUP', kill);
process.stdin.on('end', kill);
process.stdin.on('close', kill);
process.stdin.on('error', kill);
process.stdin.resume();
ffmpeg.on('error', (error) => {
  process.stderr.write('ffmpeg could not run: ' + error.message + '\\n');
  process.exit(127);
});
ffmpeg.on('exit', (code) => process.exit(code === null ? ${guardianSignalled} : code));
`;

function readProgress(block: Record<string, string>, progress: PushProgress): void {
  const number = (value: string | undefined) => {
    const parsed = Number.parseFloat(value ?? '');
    return Number.isFinite(parsed) ? parsed : undefined;
  };
  // `out_time_us` is microseconds; older builds only print `out_time_ms`, which is microseconds too.
  const micros = number(block.out_time_us) ?? number(block.out_time_ms);
  if (micros !== undefined && micros >= 0) progress.seconds = micros / 1_000_000;
  const bytes = number(block.total_size);
  if (bytes !== undefined) progress.bytes = bytes;
  const frames = number(block.frame);
  if (frames !== undefined) progress.frames = frames;
  const bitrate = number(block.bitrate?.replace('kbits/s', ''));
  if (bitrate !== undefined) progress.bitrateKbps = bitrate;
}
