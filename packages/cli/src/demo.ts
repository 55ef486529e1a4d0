import {
  AbortError,
  builtInProviderIds,
  createLiveStreamClient,
  type LiveStream,
  type LiveStreamClient,
  NotFoundError,
  type ProviderId,
  UniliveError,
  UnsupportedOperationError,
} from '@unilive/core';
import { findFfmpeg, type Sandbox, startPush, startSandbox } from '@unilive/sandbox';
import { type CommandSpec, listFlag, UsageError } from './context.js';
import { describeStream, streamJson, table } from './format.js';
import { type Output, startProgress } from './progress.js';
import { buildProvider, type FactoryLoader, unknownProviderMessage } from './providers.js';
import { jsonText } from './text.js';

/** `unilive demo`. */
export const demo: CommandSpec = {
  name: 'demo',
  summary: 'run the whole lifecycle on every installed provider against an in-process sandbox',
  options: [
    {
      flags: '-p, --provider <id>',
      description: 'only this provider (repeatable; default: every installed one)',
      repeatable: true,
    },
    { flags: '--json', description: 'one JSON document at the end instead of text' },
  ],
  help: `Nothing leaves this machine: the sandbox listens on 127.0.0.1. Where a provider takes RTMP and ffmpeg is
installed (the system's, UNILIVE_FFMPEG or @ffmpeg-installer/ffmpeg), a test pattern is pushed to the ingest
URL the adapter returned and its HLS is read back through the playback URL; otherwise the encoder is simulated.
Stream keys are printed in full: the sandbox made them and only it takes them (every other command hides
keys unless --show-secrets).`,
  run: ({ flags, context }) =>
    runDemo({
      output: context.output,
      providers: listFlag(flags, 'provider'),
      loadFactory: context.loadFactory,
      json: flags.json === true,
      signal: context.signal,
    }),
};

/** Options of {@link runDemo}. */
export interface DemoOptions {
  output: Output;
  /** Providers to show; every installed one when empty. */
  providers: readonly ProviderId[];
  loadFactory: FactoryLoader;
  /** State-transition time in the sandbox. Default 1200 ms. */
  transitionMs?: number;
  /** One JSON document on stdout at the end instead of text as it goes. */
  json?: boolean;
  /** Ends the demo at once (Ctrl-C). */
  signal?: AbortSignal | undefined;
}

/** One provider's run of the demo, as `--json` prints it. */
export interface DemoOutcome {
  provider: ProviderId;
  steps: string[];
  seconds: number;
  ok: boolean;
  /** The stream as created: what an encoder and the viewers need (sandbox values only). */
  stream?: Record<string, unknown>;
  /** What the real push showed, where there was one. */
  media?: DemoMedia;
  error?: string;
}

/** A demo's real push: how soon the stream went live, and what its HLS playback URL served. */
export interface DemoMedia {
  /** Seconds from the push's start until the stream was seen live. */
  liveAfterSeconds: number;
  /** How the demo saw it live: the vendor's own `broadcasting`, or the sandbox's ingest (vendors without it). */
  seenBy: 'broadcasting' | 'sandbox ingest';
  /** The HLS playback URL the adapter returned and what it served; absent where the vendor has none. */
  hls?: { url: string; segments: number; firstSegmentBytes: number };
}

/**
 * `unilive demo`: starts the sandbox in this process and runs the whole lifecycle on every installed
 * provider, showing what a streamer configures and what a viewer opens.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const unknown = options.providers.filter((id) => !(builtInProviderIds as readonly string[]).includes(id));
  if (unknown.length > 0) throw new UsageError(unknownProviderMessage(unknown[0]));
  // With --json, the text goes nowhere and one document is printed at the end.
  const output: Output = options.json
    ? { out: () => {}, err: (text) => options.output.err(text), interactive: false }
    : options.output;
  const wanted = options.providers.length > 0 ? options.providers : builtInProviderIds;
  const sandbox = await startSandbox({ transitionMs: options.transitionMs ?? 1200 });
  output.out(
    `unilive demo: the sandbox is listening on ${sandbox.url}; nothing leaves this machine.\nStream keys below are the sandbox's own, shown in full; other commands hide keys unless --show-secrets.\n`,
  );
  const outcomes: DemoOutcome[] = [];
  const skipped: ProviderId[] = [];
  try {
    for (const id of wanted) {
      options.signal?.throwIfAborted();
      const factory = await options.loadFactory(id);
      if (!factory || !sandbox.providers.includes(id)) {
        skipped.push(id);
        output.out(`== ${id}: not installed, skipped (npm install @unilive/${id})\n`);
        continue;
      }
      const provider = await buildProvider(id, sandbox.adapterSettings(id), options.loadFactory);
      outcomes.push(await lifecycle(createLiveStreamClient(provider), sandbox, output, options.signal));
    }
  } catch (error) {
    // An interrupt surfaces as whatever was waiting then threw: the signal's own reason from a fetch of
    // the HLS output or a check between polls while video is pushed, not only the library's AbortError.
    // It is the interrupt it is, 130, never an unexpected failure.
    if (options.signal?.aborted && !UniliveError.isInstance(error)) {
      throw new AbortError({ operation: 'demo', message: 'Interrupted', cause: error });
    }
    throw error;
  } finally {
    await sandbox.close();
  }
  if (options.signal?.aborted) throw new AbortError({ operation: 'demo', message: 'Interrupted' });
  if (options.json) options.output.out(jsonText({ sandbox: sandbox.url, outcomes, skipped }));
  if (outcomes.length === 0) {
    options.output.err('unilive demo: no provider package is installed');
    return 1;
  }
  output.out(
    table(
      ['PROVIDER', 'LIFECYCLE', 'RESULT', 'SECONDS'],
      outcomes.map((outcome) => [
        outcome.provider,
        outcome.steps.join(' → '),
        outcome.ok ? 'ok' : 'FAILED',
        outcome.seconds.toFixed(1),
      ]),
    ),
  );
  return outcomes.every((outcome) => outcome.ok) ? 0 : 1;
}

async function lifecycle(
  client: LiveStreamClient,
  sandbox: Sandbox,
  output: Output,
  signal: AbortSignal | undefined,
): Promise<DemoOutcome> {
  const id = client.providerId;
  const caps = client.capabilities;
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  const steps: string[] = [];
  const call = signal ? { signal } : {};
  let stream: Record<string, unknown> | undefined;
  let media: DemoMedia | undefined;
  const say = (text: string) => output.out(`  ${text}`);
  const wait = async (streamId: string, state: 'ready' | 'stopped'): Promise<LiveStream> => {
    const progress = startProgress(output, `  waiting until ${state}`);
    const stream = await client.waitForState(streamId, state, {
      timeoutMs: 30_000,
      intervalMs: 250,
      maxIntervalMs: 1_000,
      ...(signal ? { signal } : {}),
    });
    progress.stop(`  ${state} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return stream;
  };
  output.out(`== ${id} (lifecycle: ${caps.lifecycle}; ingest: ${caps.ingestProtocols.join(', ')})`);
  try {
    const created = await client.create({ name: `unilive demo on ${id}` }, call);
    // The sandbox made these keys and only it takes them: shown, so the demo teaches what to configure.
    stream = streamJson(created, false, true);
    steps.push('create');
    say(`1. created ${created.id}, state ${created.state}. What the streamer and the viewers need:`);
    output.out(indent(describeStream(created, { showSecrets: true }), 6));

    const fetched = await client.get(created.id, call);
    steps.push('get');
    say(`2. get: ${fetched.state}`);

    let listed = 0;
    let found = false;
    for await (const stream of client.list(call)) {
      listed += 1;
      found ||= stream.id === created.id;
    }
    steps.push('list');
    say(`3. list: ${listed} stream(s), ${found ? 'including' : 'WITHOUT'} ${created.id}`);
    if (!found) throw new Error('the created stream is not listed');

    if (caps.update) {
      const updated = await client.update(created.id, { name: `unilive demo on ${id} (renamed)` }, call);
      steps.push('update');
      say(`4. update: name is now "${updated.name ?? '(the vendor keeps no name)'}"`);
    }

    const afterStart = await client.start(created.id, call);
    say(
      `5. start: ${afterStart.state}${caps.start ? '' : ` (${id} streams are ready as soon as they exist)`}`,
    );
    const ready = await wait(created.id, 'ready');
    steps.push('ready');
    const rtmp = ready.ingest.find((endpoint) => endpoint.protocol === 'rtmp');
    if (rtmp && findFfmpeg()) {
      media = await pushAndPlay(client, sandbox, ready, rtmp, say, signal);
      steps.push('live', ...(media.hls ? ['played'] : []));
    } else {
      sandbox.setEncoder(id, created.id, true);
      const live = await client.get(created.id, call);
      steps.push('encoder simulated');
      say(
        `6. encoder connected (simulated: ${rtmp ? 'no ffmpeg found' : `${id} takes no RTMP`}): ${
          live.broadcasting === undefined
            ? `${id} does not report whether video arrives`
            : `broadcasting = ${live.broadcasting}`
        }; state ${ready.state}`,
      );
    }

    try {
      await client.stop(created.id, call);
      await wait(created.id, 'stopped');
      steps.push('stopped');
      say('7. stop: stopped');
    } catch (error) {
      if (!UnsupportedOperationError.isInstance(error)) throw error;
      steps.push('stop unsupported');
      say(`7. stop: ${error.message}`);
    }

    if (caps.delete) {
      await client.delete(created.id, call);
      const gone = await client.get(created.id, call).then(
        () => false,
        (error: unknown) => NotFoundError.isInstance(error),
      );
      steps.push('delete');
      say(`8. delete: ${gone ? 'gone (get now answers NotFoundError)' : 'STILL THERE'}`);
      if (!gone) throw new Error('the deleted stream is still there');
    }
    output.out('');
    return {
      provider: id,
      steps,
      seconds: seconds(),
      ok: true,
      ...(stream ? { stream } : {}),
      ...(media ? { media } : {}),
    };
  } catch (error) {
    if (signal?.aborted) throw error;
    const message = UniliveError.isInstance(error) ? `${error.name}: ${error.message}` : String(error);
    say(`failed: ${message}\n`);
    return {
      provider: id,
      steps,
      seconds: seconds(),
      ok: false,
      error: message,
      ...(stream ? { stream } : {}),
    };
  }
}

/**
 * Pushes a test pattern to the RTMP ingest exactly as the adapter returned it, waits until the stream is
 * live (the vendor's `broadcasting` where it reports one, else the sandbox's ingest), reads the HLS playlist
 * and its first segment through the playback URL the adapter returned, then stops the encoder.
 */
async function pushAndPlay(
  client: LiveStreamClient,
  sandbox: Sandbox,
  stream: LiveStream,
  rtmp: LiveStream['ingest'][number],
  say: (text: string) => void,
  signal: AbortSignal | undefined,
): Promise<DemoMedia> {
  const where = rtmp.server ?? 'its RTMP ingest';
  say(
    `6. encoder: pushing a test pattern with a tone to ${where}${rtmp.username ? ' (the push credentials ride in the ingest URL)' : ''}`,
  );
  const started = Date.now();
  // The URL alone, as a one-URL encoder is given it: it carries the key and any push credentials.
  const push = startPush({
    url: rtmp.url,
    size: '640x360',
    preset: 'ultrafast',
    videoBitrateKbps: 800,
    ...(signal ? { signal } : {}),
  });
  let failure: string | undefined;
  void push.done.then((result) => {
    failure = result.ok ? 'the encoder stopped' : (result.error ?? 'the encoder failed');
  });
  const deadline = started + 30_000;
  const until = async <T>(read: () => Promise<T | undefined>, what: string): Promise<T> => {
    for (;;) {
      signal?.throwIfAborted();
      if (failure) throw new Error(`the push ended before ${what}: ${failure}`);
      const value = await read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`no ${what} within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  try {
    const reports = client.capabilities.broadcastingStatus;
    await until(
      async () =>
        (reports
          ? (await client.get(stream.id, signal ? { signal } : {})).broadcasting
          : sandbox.publisher(client.providerId, stream.id) !== undefined) || undefined,
      'the stream went live',
    );
    const liveAfterSeconds = Math.round((Date.now() - started) / 100) / 10;
    const seenBy = reports ? 'broadcasting' : 'sandbox ingest';
    say(
      `   live after ${liveAfterSeconds.toFixed(1)} s: ${reports ? 'broadcasting = true' : `${client.providerId} does not report it; the sandbox's ingest sees the encoder`}`,
    );
    const hlsUrl = stream.playback.find(
      (endpoint) => endpoint.protocol === 'hls' && endpoint.rendition !== 'recording',
    )?.url;
    if (!hlsUrl) {
      say(
        `   no HLS playback at ${client.providerId} (${stream.playback.map((endpoint) => endpoint.protocol).join(', ')})`,
      );
      return { liveAfterSeconds, seenBy };
    }
    const segments = await until(async () => {
      const playlist = await fetch(hlsUrl, signal ? { signal } : {});
      if (playlist.status !== 200) return undefined;
      const names = (await playlist.text()).split('\n').filter((line) => line.trim().endsWith('.ts'));
      return names.length > 0 ? names : undefined;
    }, 'HLS segment');
    const first = await fetch(new URL(segments[0]?.trim() ?? '', hlsUrl), signal ? { signal } : {});
    const bytes = (await first.arrayBuffer()).byteLength;
    const played = first.status === 200 && bytes > 0;
    if (!played) throw new Error(`the first HLS segment did not play (status ${first.status})`);
    say(
      `   played: ${hlsUrl} lists ${segments.length} segment(s); the first is ${Math.round(bytes / 1024)} KB of ${first.headers.get('content-type')}`,
    );
    return {
      liveAfterSeconds,
      seenBy,
      hls: { url: hlsUrl, segments: segments.length, firstSegmentBytes: bytes },
    };
  } finally {
    push.stop();
    await push.done;
  }
}

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => `${' '.repeat(spaces)}${line}`)
    .join('\n');
}
