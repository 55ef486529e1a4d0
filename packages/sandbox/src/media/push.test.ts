import { InvalidInputError, redact } from '@unilive/core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// ffmpeg is never run here: spawn records ffmpeg's command (handed to the guardian in its environment) and
// the guardian's own arguments, and stops the push there, so what matters is only what reached each.
const spawned = vi.hoisted(() => ({ calls: [] as string[][], guardianArgs: [] as string[][] }));
vi.mock('node:child_process', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:child_process')>()),
  spawn: (_command: string, args: readonly string[], options?: { env?: Record<string, string> }) => {
    spawned.guardianArgs.push([...args]);
    spawned.calls.push(JSON.parse(options?.env?.UNILIVE_PUSH_COMMAND ?? '[]') as string[]);
    throw new Error('spawned');
  },
}));

const { pushDurationSeconds, pushSecretsOf, startPush } = await import('./push.js');

const target = { url: 'rtmp://127.0.0.1:1935/live/key', ffmpegPath: '/nonexistent/ffmpeg' };

beforeEach(() => {
  spawned.calls.length = 0;
  spawned.guardianArgs.length = 0;
});
afterEach(() => {
  spawned.calls.length = 0;
});

describe('startPush durationSeconds', () => {
  it('refuses NaN, infinite, zero, negative, under 1 ms and over 24 h with InvalidInputError naming it, before ffmpeg starts', () => {
    const bad = fc.oneof(
      fc.constantFrom(
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        0,
        -0,
        1e-7,
        86_400.001,
      ),
      fc.double({ max: 0, noNaN: true }),
      fc.double({ min: Number.MIN_VALUE, max: pushDurationSeconds.min, maxExcluded: true, noNaN: true }),
      fc.double({ min: pushDurationSeconds.max, minExcluded: true, noNaN: true }),
    );
    fc.assert(
      fc.property(bad, (durationSeconds) => {
        spawned.calls.length = 0;
        let thrown: unknown;
        try {
          startPush({ ...target, durationSeconds });
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(InvalidInputError);
        const error = thrown as InvalidInputError;
        expect(error.operation).toBe('startPush');
        expect(error.issues).toEqual([
          { path: 'durationSeconds', message: 'expected a number of seconds from 0.001 to 86400' },
        ]);
        expect(error.message).toContain('durationSeconds');
        expect(spawned.calls).toEqual([]);
      }),
    );
  });

  it('passes every length from 1 ms to 24 h to ffmpeg as -t, and none when absent', () => {
    const good = fc.oneof(
      fc.constantFrom(pushDurationSeconds.min, pushDurationSeconds.max, 10),
      fc.double({ min: pushDurationSeconds.min, max: pushDurationSeconds.max, noNaN: true }),
    );
    fc.assert(
      fc.property(good, (durationSeconds) => {
        spawned.calls.length = 0;
        expect(() => startPush({ ...target, durationSeconds })).toThrow('spawned');
        const args = spawned.calls[0] ?? [];
        expect(args[args.indexOf('-t') + 1]).toBe(String(durationSeconds));
        expect(String(durationSeconds)).not.toMatch(/e/i);
      }),
    );
    spawned.calls.length = 0;
    expect(() => startPush(target)).toThrow('spawned');
    expect(spawned.calls[0]).not.toContain('-t');
  });
});

describe('startPush and the process list', () => {
  it("keeps the ingest URL, its stream key and push credentials out of the guardian's arguments", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^zq[A-Za-z0-9]{6,20}$/),
        fc.stringMatching(/^zq[A-Za-z0-9]{6,20}$/),
        (key, password) => {
          spawned.calls.length = 0;
          spawned.guardianArgs.length = 0;
          const url = `rtmp://publisher:${password}@127.0.0.1:1935/app/${key}`;
          expect(() => startPush({ ...target, url })).toThrow('spawned');
          // ffmpeg still takes it (it reads the URL from nowhere else); the guardian, whose arguments every
          // user of the machine can read, does not.
          expect(spawned.calls[0]?.at(-1)).toBe(url);
          const visible = (spawned.guardianArgs[0] ?? []).join(' ');
          expect(visible).not.toContain(key);
          expect(visible).not.toContain(password);
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('startPush options', () => {
  // Each option and values it must refuse: a target that is no RTMP URL would make ffmpeg write a file of
  // that name and the push report success; the others reach its command line or a filter graph.
  const badValues = {
    url: fc.oneof(
      fc.constantFrom<unknown>(
        undefined,
        null,
        '',
        'out.flv',
        'file:out.flv',
        'http://x.test/live',
        'rtmp://',
        7,
      ),
      fc.string().filter((text) => !/^rtmps?:\/\/[^/]/i.test(text)),
    ),
    username: fc.constantFrom<unknown>(null, 7, {}),
    password: fc.constantFrom<unknown>(null, 7, ['secret']),
    size: fc.oneof(
      fc.constantFrom<unknown>(
        '',
        '1280',
        '1281x720',
        '1280x721',
        '0x0',
        '9000x720',
        '1280x720,movie=x',
        1280,
      ),
      fc
        .tuple(fc.nat(9999), fc.nat(9999))
        .filter(([w, h]) => w % 2 === 1 || h % 2 === 1 || w < 2 || h < 2 || w > 8192 || h > 8192)
        .map(([w, h]) => `${w}x${h}`),
    ),
    frameRate: fc.oneof(fc.constantFrom<unknown>(0, -1, Number.NaN, Number.POSITIVE_INFINITY, 241, '30')),
    videoBitrateKbps: fc.constantFrom<unknown>(0, 1.5, -5, Number.NaN, 1_000_001, '2500'),
    preset: fc.constantFrom<unknown>('slow', 'placebo', '', 'veryfast -x', 3),
    file: fc.constantFrom<unknown>('', 7, null),
    ffmpegPath: fc.constantFrom<unknown>('', 7, null),
    signal: fc.constantFrom<unknown>({ aborted: false }, 'signal'),
    onProgress: fc.constantFrom<unknown>('log', {}),
  } as const;
  const names = Object.keys(badValues) as (keyof typeof badValues)[];

  it('refuses each wrong option with InvalidInputError naming it, never quoting a value, before ffmpeg starts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...names).chain((name) => fc.tuple(fc.constant(name), badValues[name])),
        ([name, value]) => {
          spawned.calls.length = 0;
          const options = { ...target, [name]: value };
          let thrown: unknown;
          try {
            startPush(options as Parameters<typeof startPush>[0]);
          } catch (error) {
            thrown = error;
          }
          expect(thrown, `${name}: ${String(value)}`).toBeInstanceOf(InvalidInputError);
          const error = thrown as InvalidInputError;
          expect(error.operation).toBe('startPush');
          expect(error.issues.map((issue) => issue.path)).toEqual([name]);
          expect(error.message.startsWith(`${name}: expected `)).toBe(true);
          expect(error.message).not.toContain('rtmp://127.0.0.1');
          expect(spawned.calls).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('names every wrong option at once, and refuses what is no options object', () => {
    spawned.calls.length = 0;
    const error = (() => {
      try {
        startPush({ url: 'out.flv', size: '1x1', preset: 'slow' } as unknown as Parameters<
          typeof startPush
        >[0]);
      } catch (thrown) {
        return thrown as InvalidInputError;
      }
      return undefined;
    })();
    expect(error?.issues.map((issue) => issue.path)).toEqual(['url', 'size', 'preset']);
    for (const given of [undefined, null, 'rtmp://127.0.0.1/live/key'])
      expect(() => startPush(given as unknown as Parameters<typeof startPush>[0])).toThrow(InvalidInputError);
    expect(spawned.calls).toEqual([]);
  });

  it('hands good options to ffmpeg as they are: an rtmps URL, sizes, rates and presets in range', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('rtmp://127.0.0.1:1935/live/key', 'rtmps://ingest.test/app/key?x=1'),
        fc
          .tuple(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: 4096 }))
          .map(([w, h]) => `${w * 2}x${h * 2}`),
        fc.integer({ min: 1, max: 240 }),
        fc.constantFrom('ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium'),
        (url, size, frameRate, preset) => {
          spawned.calls.length = 0;
          expect(() =>
            startPush({
              ...target,
              url,
              size: size as `${number}x${number}`,
              frameRate,
              preset: preset as 'fast',
            }),
          ).toThrow('spawned');
          const args = spawned.calls[0] ?? [];
          expect(args).toContain(`testsrc2=size=${size}:rate=${frameRate}`);
          expect(args.at(-1)).toBe(url);
          expect(args[args.indexOf('-preset') + 1]).toBe(preset);
        },
      ),
    );
  });
});

describe('what a push masks in what ffmpeg says', () => {
  it("takes the URL's credentials (user information, stream name, query values), not its host or application", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^zq[A-Za-z0-9]{6,20}$/),
        fc.stringMatching(/^zq[A-Za-z0-9]{6,20}$/),
        fc.constantFrom('ingest.vendor.test', '127.0.0.1:1935', 'live-upload.example.com'),
        fc.constantFrom('static', 'app-BF2VMHOT', 'live'),
        (key, password, host, application) => {
          const secrets = pushSecretsOf(
            `rtmp://publisher:${password}@${host}/${application}/${key}?password=${password}`,
          );
          expect(secrets).toEqual(expect.arrayContaining([password, `${key}?password=${password}`]));
          const redacted = redact(
            `Failed to resolve hostname ${host.split(':')[0]}; rtmp://${host}/${application}/${key}?password=${password}`,
            secrets,
          );
          expect(redacted).toContain(`Failed to resolve hostname ${host.split(':')[0]}`);
          expect(redacted).toContain(`/${application}/`);
          expect(redacted).not.toContain(key);
          expect(redacted).not.toContain(password);
        },
      ),
      { numRuns: 40 },
    );
  });
});
