import { findFfmpeg, type Sandbox, type StreamChange, startSandbox } from '@unilive/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { main } from './cli.js';
import { onThisMachine } from './commands/push.js';
import { durationFlag } from './context.js';
import type { Output } from './progress.js';

const ffmpeg = findFfmpeg();
if (!ffmpeg) console.warn('skipping `unilive push` against the sandbox: no ffmpeg on this machine');

let sandbox: Sandbox;
const changes: StreamChange[] = [];
beforeAll(async () => {
  sandbox = await startSandbox({ transitionMs: 50 });
  sandbox.onStreamChange((change) => changes.push(change));
});
afterAll(async () => {
  await sandbox.close();
});

function capture(signal?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (text) => out.push(text), err: (text) => err.push(text), interactive: false };
  const run = (...argv: string[]) =>
    main(argv, { output, environment: { UNILIVE_SANDBOX_URL: sandbox.url }, ...(signal ? { signal } : {}) });
  return { out, err, run };
}

// Resolves when the sandbox reports `kind` for stream `id`. The sandbox runs in this process and hears of an
// encoder's socket on a later turn than the command that ran ffmpeg ends on, later still on a busy machine.
function streamChange(id: string, kind: StreamChange['kind']): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = sandbox.onStreamChange((change) => {
      if (change.kind !== kind || change.id !== id) return;
      stop();
      resolve();
    });
  });
}

async function create(provider: string, ...extra: string[]) {
  const { out, run } = capture();
  // The test reads the key and password to prove push never prints them, so it asks for them.
  expect(
    await run(
      'create',
      '-p',
      provider,
      '--name',
      `push on ${provider}`,
      '--json',
      '--show-secrets',
      ...extra,
    ),
  ).toBe(0);
  return JSON.parse(out.pop() ?? '{}') as { id: string; ingest: { streamKey?: string; password?: string }[] };
}

describe('push durations', () => {
  const parseDuration = (text: string) =>
    durationFlag({ duration: text }, 'duration', '--duration', { maxSeconds: 86_400 });

  it('reads seconds, minutes, hours and milliseconds, and refuses anything else', () => {
    expect(parseDuration('10s')).toBe(10);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('1.5m')).toBe(90);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(parseDuration('1h')).toBe(3600);
    expect(parseDuration('24h')).toBe(86_400);
    for (const bad of ['', '0', '-3s', '10x', 's', '25h', '1e3', '+5s', '.5s', '1.s', '10 s', '0x10'])
      expect(() => parseDuration(bad)).toThrow(/--duration/);
  });

  // What is taken goes to ffmpeg as `-t <seconds>`, which reads plain decimals only: a length under 1ms (down to
  // `0.0000001`, which JavaScript writes `1e-7`) is refused here rather than by ffmpeg after the push began.
  it('takes a length from 1ms to the limit, which reaches ffmpeg as a plain decimal, and refuses anything shorter', () => {
    const lengths = fc
      .tuple(
        fc.nat({ max: 100_000 }),
        fc.option(fc.stringMatching(/^[0-9]{1,12}$/), { nil: undefined }),
        fc.constantFrom<[string, number]>(['', 1], ['ms', 0.001], ['s', 1], ['m', 60], ['h', 3600]),
      )
      .map(([whole, fraction, [unit, unitSeconds]]) => ({
        text: `${whole}${fraction === undefined ? '' : `.${fraction}`}${unit}`,
        seconds: Number(`${whole}${fraction === undefined ? '' : `.${fraction}`}`) * unitSeconds,
      }));
    fc.assert(
      fc.property(lengths, ({ text, seconds }) => {
        if (seconds >= 0.001 && seconds <= 86_400) {
          const taken = parseDuration(text) as number;
          expect(taken).toBe(seconds);
          expect(String(taken)).toMatch(/^\d+(\.\d+)?$/);
        } else {
          expect(() => parseDuration(text)).toThrow(/^--duration expects a length such as 10s, 2m or 1h /);
        }
      }),
      { numRuns: 500 },
    );
    for (const short of ['0.0000001', '0.0001ms', '0.9ms', '0.000999'])
      expect(() => parseDuration(short)).toThrow(
        '--duration expects a length such as 10s, 2m or 1h (from 1ms to 24h)',
      );
    expect(parseDuration('1ms')).toBe(0.001);
  });
});

describe("push: a warning where ffmpeg's command line carries a vendor's key", () => {
  it('tells a loopback ingest (a sandbox on this machine) from any other host (generated)', () => {
    const loopback = fc.oneof(
      fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map(([a, b, c]) => `127.${a}.${b}.${c}`),
      fc.constantFrom('localhost', 'LOCALHOST', '[::1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]'),
    );
    const other = fc.oneof(
      fc.constantFrom(
        'live.example.com',
        'ingest.vendor.test',
        '10.0.0.7',
        '192.168.1.2',
        '[2001:db8::1]',
        '128.0.0.1',
        'media.localhost',
        '[::ffff:10.0.0.1]',
      ),
      fc.domain().filter((host) => host !== 'localhost'),
    );
    fc.assert(
      fc.property(loopback, other, fc.constantFrom('rtmp', 'rtmps'), (near, far, scheme) => {
        expect(onThisMachine(`${scheme}://${near}:1935/app/key`)).toBe(true);
        expect(onThisMachine(`${scheme}://${far}/app/key`)).toBe(false);
      }),
    );
    expect(onThisMachine('not a url')).toBe(false);
  });
});

describe.skipIf(!ffmpeg)('unilive push against the sandbox', () => {
  it('pushes to the ingest the vendor returned, shows progress, prints one JSON document, never the key', async () => {
    const stream = await create('liveapi');
    const { out, err, run } = capture();
    const disconnected = streamChange(stream.id, 'encoder-disconnected');
    expect(
      await run('push', stream.id, '-p', 'liveapi', '--duration', '1s', '--size', '320x180', '--json'),
    ).toBe(0);
    const result = JSON.parse(out.pop() ?? '{}');
    expect(result).toMatchObject({ id: stream.id, provider: 'liveapi', ok: true });
    expect(result.seconds).toBeGreaterThan(0);
    expect(result.bytes).toBeGreaterThan(0);
    expect(result.bitrateKbps).toBeGreaterThan(0);
    expect(err[0]).toBe(
      `pushing a 320x180 test pattern to liveapi stream ${stream.id} at ${sandbox.ingestUrl}/static (Ctrl-C to stop)`,
    );
    // A bitrate once anything is sent (none over no time); no warning about the process list for a
    // sandbox on this machine, whose keys are its own.
    expect(err.slice(1).every((line) => /^ {2}(?:0\.0 s sent|\d+\.\d s sent, \d+ kbit\/s)$/.test(line))).toBe(
      true,
    );
    await disconnected;
    expect(changes.filter((change) => change.id === stream.id).map((change) => change.kind)).toEqual([
      'created',
      'encoder-connected',
      'encoder-disconnected',
    ]);
    const key = stream.ingest[0]?.streamKey ?? '';
    expect(key.length).toBeGreaterThan(0);
    expect(key).not.toContain('[REDACTED]');
    for (const line of [...out, ...err]) expect(line).not.toContain(key.split('?')[0]);
  });

  it('proves Wowza push credentials; a stream that is not started refuses the push with exit code 1', async () => {
    const stream = await create('wowza-video', '--protocol', 'rtmp');
    const { err, run } = capture();
    expect(await run('push', stream.id, '-p', 'wowza-video', '--duration', '1s', '--size', '320x180')).toBe(
      1,
    );
    expect(err).toContain(
      `unilive: note: ${stream.id} is stopped; the vendor takes video only once it is ready (unilive start ${stream.id} --wait)`,
    );
    expect(err.at(-1)).toBe(
      'unilive: the push ended early: the ingest answered: publish refused: the stream is stopped',
    );
    expect(await run('start', stream.id, '-p', 'wowza-video', '--wait')).toBe(0);
    expect(await run('push', stream.id, '-p', 'wowza-video', '--duration', '1s', '--size', '320x180')).toBe(
      0,
    );
    expect(err.at(-1)).toMatch(/^ {2}\d+\.\d s sent, \d+ kbit\/s: done$/);
    const password = stream.ingest[0]?.password ?? '';
    expect(password.length).toBeGreaterThan(0);
    expect(password).not.toContain('[REDACTED]');
    for (const line of err) expect(line).not.toContain(password);
  });

  it('a push cut because its stream stopped taking video exits 1 with the ingest’s reason', async () => {
    const stream = await create('liveapi');
    const { run, err } = capture();
    const connected = streamChange(stream.id, 'encoder-connected');
    const running = run('push', stream.id, '-p', 'liveapi', '--size', '320x180');
    const endedFirst = await Promise.race([connected.then(() => undefined), running]);
    expect(endedFirst, `unilive push ended before going live: ${err.join(' | ')}`).toBeUndefined();
    // LiveAPI's stop switches the stream off: the sandbox cuts its encoder, and says why.
    expect(await capture().run('stop', stream.id, '-p', 'liveapi')).toBe(0);
    expect(await running).toBe(1);
    expect(err.at(-1)).toBe(
      'unilive: the push ended early: the ingest answered: the stream no longer takes video: the stream is disabled',
    );
  });

  it('ends an open-ended push on Ctrl-C with exit code 130, as sandbox and listen end', async () => {
    // videosdk's RTMP ingest (the key in the URL) is v1's; v2, the default, ingests over WHIP.
    vi.stubEnv('VIDEOSDK_API_VERSION', 'v1');
    onTestFinished(() => {
      vi.unstubAllEnvs();
    });
    const stream = await create('videosdk');
    const controller = new AbortController();
    const { run, err } = capture(controller.signal);
    const connected = streamChange(stream.id, 'encoder-connected');
    const disconnected = streamChange(stream.id, 'encoder-disconnected');
    const running = run('push', stream.id, '-p', 'videosdk', '--size', '320x180');
    // Live, or the command ended first (refused, no ffmpeg): then its exit code and its words say why, at
    // once rather than at the test's time limit.
    const endedFirst = await Promise.race([connected.then(() => undefined), running]);
    expect(endedFirst, `unilive push ended before going live: ${err.join(' | ')}`).toBeUndefined();
    controller.abort();
    expect(await running).toBe(130);
    // ffmpeg has exited, its socket closed; the sandbox, in this process, hears of it on a later turn.
    await disconnected;
    expect(sandbox.publisher('videosdk', stream.id)).toBeUndefined();
  });
});

describe('unilive push: what it refuses before pushing', () => {
  it('a stream without RTMP ingest, a bad duration or size', async () => {
    const webrtc = await create('wowza-video', '--protocol', 'webrtc');
    const { err, run } = capture();
    if (ffmpeg) {
      expect(await run('push', webrtc.id, '-p', 'wowza-video')).toBe(1);
      expect(err.pop()).toBe(
        `unilive: stream ${webrtc.id} has no RTMP ingest (its ingest: webrtc); push sends RTMP only`,
      );
    }
    expect(await run('push', webrtc.id, '-p', 'wowza-video', '--duration', 'soon')).toBe(2);
    expect(err.pop()).toBe('unilive: --duration expects a length such as 10s, 2m or 1h (from 1ms to 24h)');
    expect(await run('push', webrtc.id, '-p', 'wowza-video', '--size', '321x180')).toBe(2);
    expect(err.pop()).toBe('unilive: --size expects WIDTHxHEIGHT in even pixels, such as 1280x720');
  });
});
