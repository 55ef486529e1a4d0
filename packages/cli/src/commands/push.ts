import { escapeUnprintable, type IngestEndpoint, redact, streamSecrets } from '@unilive/core';
import {
  findFfmpeg,
  type PushProgress,
  type PushResult,
  pushDurationSeconds,
  startPush,
} from '@unilive/sandbox';
import { connectionHelp, connectionOptions, streamArgument, streamsFor } from '../connection.js';
import { CommandFailure, type CommandSpec, durationFlag, stringFlag, UsageError } from '../context.js';
import { streamServerRedactor } from '../format.js';
import type { Output } from '../progress.js';
import { jsonText, neutralise } from '../text.js';
import { callOptions } from './shared.js';

const sizes = /^(\d{2,4})x(\d{2,4})$/;

/** The RTMP endpoint an encoder would use: plain RTMP first, then RTMPS. */
function rtmpEndpoint(ingest: readonly IngestEndpoint[]): IngestEndpoint | undefined {
  return (
    ingest.find((endpoint) => endpoint.protocol === 'rtmp') ?? ingest.find((e) => e.protocol === 'rtmps')
  );
}

/** `unilive push ID`: an encoder in a command, for trying a stream's ingest. */
export const push: CommandSpec = {
  name: 'push',
  summary: "push a test pattern with a tone to a stream's RTMP ingest, as an encoder would",
  arguments: [streamArgument],
  options: [
    { flags: '--duration <length>', description: 'how long to push: 10s, 2m, 1h (default: until Ctrl-C)' },
    { flags: '--size <WxH>', description: 'picture size (default: 1280x720, at 30 frames a second)' },
    ...connectionOptions,
  ],
  help: `Pushes H.264 video and AAC audio (ffmpeg's testsrc2 pattern and a 1 kHz tone) to the stream's RTMP
ingest URL exactly as the vendor returned it, with its push credentials where it has them, and shows the
seconds sent and the bitrate. Needs ffmpeg: the system's, UNILIVE_FFMPEG, or the optional
@ffmpeg-installer/ffmpeg package. With --json, prints one JSON document when the push ends.

${connectionHelp}`,
  async run(invocation) {
    const { flags, context } = invocation;
    const { output, signal } = context;
    const id = invocation.args[0] ?? '';
    const durationSeconds = durationFlag(flags, 'duration', '--duration', {
      // The bounds startPush keeps, so a length the flag takes is one the push takes.
      minSeconds: pushDurationSeconds.min,
      maxSeconds: pushDurationSeconds.max,
    });
    const size = stringFlag(flags, 'size') ?? '1280x720';
    const dimensions = sizes.exec(size);
    if (!dimensions || Number(dimensions[1]) % 2 !== 0 || Number(dimensions[2]) % 2 !== 0) {
      throw new UsageError('--size expects WIDTHxHEIGHT in even pixels, such as 1280x720');
    }
    const ffmpeg = findFfmpeg();
    if (!ffmpeg) {
      // A variable that is set names the ffmpeg to run: the system's is not looked for then.
      throw new CommandFailure(
        context.environment.UNILIVE_FFMPEG !== undefined
          ? 'push needs ffmpeg: UNILIVE_FFMPEG names none that runs (its `-version` failed); set it to an ffmpeg binary, or unset it to use the system ffmpeg'
          : 'push needs ffmpeg: install it (apt-get install ffmpeg, brew install ffmpeg), set UNILIVE_FFMPEG, or install @ffmpeg-installer/ffmpeg',
      );
    }
    const { calls } = await streamsFor(invocation);
    const stream = await calls.get(id, callOptions(invocation));
    const ingest = rtmpEndpoint(stream.ingest);
    if (!ingest) {
      const protocols = [...new Set(stream.ingest.map((endpoint) => endpoint.protocol))].join(', ') || 'none';
      throw new CommandFailure(
        `stream ${neutralise(id)} has no RTMP ingest (its ingest: ${protocols}); push sends RTMP only`,
      );
    }
    if (stream.state !== 'ready') {
      output.err(
        `unilive: note: ${neutralise(id)} is ${stream.state}; the vendor takes video only once it is ready (unilive start ${neutralise(id)} --wait)`,
      );
    }
    // Where it goes, without the key: the server an encoder is given, or the URL with its key taken out.
    // One line: a line feed a vendor put in the server reads as an escape too.
    const where = escapeUnprintable(
      ingest.server === undefined
        ? redact(ingest.url, [ingest.streamKey ?? ''])
        : streamServerRedactor(stream).redact(ingest.server),
    );
    if (!onThisMachine(ingest.url)) {
      output.err(
        'unilive: warning: ffmpeg takes the ingest URL, its stream key included, on its command line, which other users of this machine can read in the process list while the push runs; push to a vendor from a machine you do not share',
      );
    }
    const label = `pushing a ${size} test pattern to ${stream.provider} stream ${neutralise(id)} at ${where}`;
    const show = progressLine(output, label, flags.json === true);
    const started = startPush({
      url: ingest.url,
      ...(ingest.username === undefined ? {} : { username: ingest.username }),
      ...(ingest.password === undefined ? {} : { password: ingest.password }),
      ...(durationSeconds === undefined ? {} : { durationSeconds }),
      size: size as `${number}x${number}`,
      ffmpegPath: ffmpeg.path,
      ...(signal ? { signal } : {}),
      onProgress: show.update,
    });
    // ffmpeg's own messages repeat the URL it was given, key and all.
    const secrets = streamSecrets(stream);
    const result = await started.done;
    const interrupted = signal?.aborted === true;
    show.stop(result);
    if (flags.json) {
      output.out(
        jsonText({
          id,
          provider: stream.provider,
          ok: result.ok,
          seconds: Math.round(result.seconds * 10) / 10,
          bitrateKbps: Math.round(result.bitrateKbps),
          bytes: result.bytes,
          frames: result.frames,
          ...(result.error ? { error: redact(result.error, secrets) } : {}),
        }),
      );
    }
    if (!result.ok) {
      output.err(
        `unilive: the push ended early: ${neutralise(redact(reasonOf(result.error ?? ''), secrets))}`,
      );
      return 1;
    }
    // Interrupted is 130 whether or not a duration was given, as for `sandbox` and `listen`, which also run
    // until Ctrl-C: a script tells a push a supervisor's SIGTERM cut short from one that ran its course.
    return interrupted ? 130 : 0;
  },
};

/** What the server said when it refused or cut the encoder, else ffmpeg's last line. */
function reasonOf(error: string): string {
  const lines = error
    .trim()
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const server = lines.map((line) => /Server error: (.+)$/.exec(line)?.[1]).find(Boolean);
  if (server) return `the ingest answered: ${server}`;
  return lines.at(-1)?.replace(/^\[[a-z0-9_]+ @ 0x[0-9a-f]+\]\s*/i, '') ?? 'ffmpeg stopped';
}

// The bitrate once anything is sent: over no time at all, it is a burst's, not the push's.
const describe = (progress: PushProgress) =>
  progress.seconds < 0.05
    ? `${progress.seconds.toFixed(1)} s sent`
    : `${progress.seconds.toFixed(1)} s sent, ${Math.round(progress.bitrateKbps)} kbit/s`;

/**
 * Whether an ingest URL's host is this machine (a loopback address or `localhost`): a sandbox's, whose stream
 * keys are its own, where ffmpeg's command line (which carries the key) is no concern.
 */
export function onThisMachine(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  // `localhost` itself, not a `*.localhost` name, which ffmpeg looks up through DNS like any other; an IPv4
  // loopback address, written as such or mapped into IPv6 (the URL parser writes `::ffff:127.0.0.1` in hex).
  return (
    host === 'localhost' ||
    host === '[::1]' ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host)
  );
}

/**
 * The push's progress on standard error: one line redrawn on a terminal, a line every five seconds
 * otherwise (logs and CI). With --json, standard output keeps only the final document.
 */
function progressLine(output: Output, label: string, json: boolean) {
  let lastPrinted = -5;
  output.err(`${label} (Ctrl-C to stop)`);
  return {
    update(progress: PushProgress) {
      if (output.interactive) {
        process.stderr.write(`\r\u001b[2K  ${describe(progress)}`);
      } else if (progress.seconds - lastPrinted >= 5) {
        lastPrinted = progress.seconds;
        output.err(`  ${describe(progress)}`);
      }
    },
    stop(result: PushResult) {
      if (output.interactive) process.stderr.write('\r\u001b[2K');
      if (!json && result.ok) output.err(`  ${describe(result)}: done`);
    },
  };
}
