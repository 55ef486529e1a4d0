import { join } from 'node:path';
import type { ConfiguredProviderFactory, LiveStream, LiveStreamProvider } from '@unilive/core';
import { createMemoryBackend, createMemoryProvider } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cliRunner, leaked, secret, temporaryFolder, twoMemoryProviders } from '../test/secrets.js';

// Every credential a stream can carry, generated: keys with URL-reserved, JSON-special and non-ASCII
// characters, so each reaches the output (when it does) URL-encoded, JSON-escaped or base64-encoded too.
interface Secrets {
  streamKey: string;
  password: string;
  whipToken: string;
  playbackToken: string;
  restreamKey: string;
  sdkToken: string;
}

const secrets: fc.Arbitrary<Secrets> = fc
  .uniqueArray(secret, { minLength: 6, maxLength: 6 })
  .map(
    ([
      streamKey = '',
      password = '',
      whipToken = '',
      playbackToken = '',
      restreamKey = '',
      sdkToken = '',
    ]) => ({
      streamKey,
      password,
      whipToken,
      playbackToken,
      restreamKey,
      sdkToken,
    }),
  );

const server = 'rtmp://ingest.memory.test/live';

// A stream as an adapter maps a vendor that issues every kind of credential: each where vendors put it.
function dressed(stream: LiveStream, values: Secrets): LiveStream {
  const key = encodeURIComponent(values.streamKey);
  return {
    ...stream,
    ingest: [
      { protocol: 'rtmp', server, streamKey: values.streamKey, url: `${server}/${key}` },
      {
        protocol: 'srt',
        url: `srt://ingest.memory.test:9000?streamid=${key}&passphrase=${encodeURIComponent(values.password)}`,
        username: 'publisher',
        password: values.password,
      },
      { protocol: 'webrtc', url: 'https://whip.memory.test/whip/endpoint', token: values.whipToken },
    ],
    playback: [
      {
        protocol: 'hls',
        url: `https://cdn.memory.test/${stream.id}/index.m3u8?token=${encodeURIComponent(values.playbackToken)}`,
        token: values.playbackToken,
      },
    ],
    restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: values.restreamKey, enabled: true }],
    providerDetails: { memory: { publishToken: values.sdkToken } },
    raw: {
      ...(stream.raw as Record<string, unknown>),
      stream_key: values.streamKey,
      // A vendor echoing push credentials as a Basic value, and the whole answer as a JSON blob.
      authorization: `Basic ${Buffer.from(`publisher:${values.password}`).toString('base64')}`,
      echoed: JSON.stringify({ whip: values.whipToken }),
    },
  };
}

function withSecrets(provider: LiveStreamProvider, current: () => Secrets): LiveStreamProvider {
  const dress = async (stream: Promise<LiveStream>) => dressed(await stream, current());
  return {
    ...provider,
    capabilities: { ...provider.capabilities },
    create: (input, options) => dress(provider.create(input, options)),
    get: (id, options) => dress(provider.get(id, options)),
    update: (id, patch, options) => dress(provider.update(id, patch, options)),
    start: (id, options) => dress(provider.start(id, options)),
    stop: (id, options) => dress(provider.stop(id, options)),
    delete: (id, options) => provider.delete(id, options),
    async *list(options) {
      for await (const stream of provider.list(options)) yield dressed(stream, current());
    },
  };
}

const folder = temporaryFolder('unilive-cli-secrets-');

function harness() {
  let current: Secrets | undefined;
  const token = 'cli-memory-token-1234';
  const backend = createMemoryBackend({ token, transitionPolls: 0 });
  const loadFactory = async (id: string) =>
    id === 'memory'
      ? ((() =>
          withSecrets(createMemoryProvider({ backend, token }), () => {
            if (!current) throw new Error('no secrets set');
            return current;
          })) as ConfiguredProviderFactory)
      : undefined;
  const cli = cliRunner(loadFactory);
  const { out, err } = cli;
  return {
    out,
    err,
    use(values: Secrets) {
      current = values;
      out.length = 0;
      err.length = 0;
    },
    single: cli.single,
    several: cli.several,
  };
}

// Every command that prints a stream, in every output form.
const modes = [[], ['--json'], ['--json', '--raw']] as const;

async function everyCommand(
  h: ReturnType<typeof harness>,
  config: string,
  extra: readonly string[],
): Promise<string[]> {
  const shown: string[] = [];
  const take = () => {
    shown.push(...h.out.splice(0), ...h.err.splice(0));
  };
  for (const mode of modes) {
    const flags = [...mode, ...extra];
    expect(await h.single('create', '--name', 'Secretive', '--json', '--show-secrets')).toBe(0);
    const id = (JSON.parse(h.out.pop() ?? '{}') as { id: string }).id;
    h.out.length = 0;
    const steps: string[][] = [
      ['create', '--name', 'Secretive', ...flags],
      ['get', id, ...flags],
      ['list', ...flags],
      ['update', id, '--name', 'Renamed', ...flags],
      ['start', id, '--wait', ...flags],
      ['wait', id, 'ready', ...flags],
      ['stop', id, ...flags],
      ['delete', id, ...mode],
      ['get', id, ...flags],
    ];
    for (const step of steps) {
      await h.single(...step);
      take();
    }
    expect(await h.several(config, 'create', '--name', 'Moving', '--on', 'a', '--json')).toBe(0);
    const ref = (JSON.parse(h.out.pop() ?? '{}') as { ref: string }).ref;
    h.out.length = 0;
    for (const step of [
      ['migrate', ref, '--to', 'b', '--dry-run', ...flags],
      ['migrate', ref, '--to', 'b', '--delete-source', ...flags],
    ]) {
      expect(await h.several(config, ...step)).toBe(0);
      take();
    }
  }
  return shown;
}

// Each case runs every command in every output mode (some 40 CLI runs): seconds alone, minutes on a busy
// machine. A limit ends a hang; it never measures speed.
const cliRunLimitMs = 600_000;

describe('secrets in CLI output', () => {
  it(
    'no stream key, password or token reaches stdout or stderr, in any encoding, without --show-secrets',
    async () => {
      const config = await twoMemoryProviders(join(folder(), 'two.json'));
      const h = harness();
      await fc.assert(
        fc.asyncProperty(secrets, async (values) => {
          h.use(values);
          const shown = await everyCommand(h, config, []);
          // The output is there, and says a key exists without printing it.
          expect(shown.some((text) => text.includes('stream key:  (hidden; --show-secrets prints it)'))).toBe(
            true,
          );
          expect(shown.some((text) => text.includes('"streamKey":"[REDACTED]"'))).toBe(true);
          expect(shown.some((text) => text.includes(`${server}/[REDACTED]`))).toBe(true);
          expect(leaked(shown.join('\n'), Object.values(values))).toBeUndefined();
        }),
        // A leak fails at once, with the generated values: shrinking would run every command again.
        { numRuns: 12, endOnFailure: true },
      );
    },
    cliRunLimitMs,
  );

  it(
    "migrate --dry-run masks the source's secrets echoed in its name, in text and --json",
    async () => {
      const config = await twoMemoryProviders(join(folder(), 'plan.json'));
      const h = harness();
      const encodings = [
        (value: string) => value,
        (value: string) => encodeURIComponent(value),
        (value: string) => Buffer.from(value).toString('base64'),
      ];
      await fc.assert(
        fc.asyncProperty(
          secrets,
          fc.constantFrom(...encodings),
          fc.constantFrom<keyof Secrets>('streamKey', 'password', 'whipToken'),
          async (values, encode, which) => {
            h.use(values);
            const name = `Echo ${encode(values[which])}`;
            expect(await h.several(config, 'create', '--name', name, '--on', 'a', '--json')).toBe(0);
            const ref = (JSON.parse(h.out.pop() ?? '{}') as { ref: string }).ref;
            for (const mode of [[], ['--json']]) {
              h.out.length = 0;
              expect(await h.several(config, 'migrate', ref, '--to', 'b', '--dry-run', ...mode)).toBe(0);
              const shown = h.out.join('\n');
              expect(shown).toContain('[REDACTED]');
              expect(leaked(shown, Object.values(values))).toBeUndefined();
            }
          },
        ),
        { numRuns: 8, endOnFailure: true },
      );
    },
    cliRunLimitMs,
  );

  it(
    'with --show-secrets, they appear in the fields and URLs where the documentation says',
    async () => {
      const h = harness();
      await fc.assert(
        fc.asyncProperty(secrets, async (values) => {
          h.use(values);
          expect(await h.single('create', '--name', 'Shown', '--show-secrets')).toBe(0);
          const text = h.out.pop() ?? '';
          expect(text).toContain(`    stream key:  ${values.streamKey}\n`);
          expect(text).toContain(`    password:    ${values.password}\n`);
          expect(text).toContain(`    token:       ${values.whipToken}\n`);
          expect(text).toContain(`    url:         ${server}/${encodeURIComponent(values.streamKey)}\n`);
          expect(await h.single('create', '--name', 'Shown', '--show-secrets', '--json', '--raw')).toBe(0);
          const json = JSON.parse(h.out.pop() ?? '{}');
          expect(
            json.ingest.map(
              (endpoint: Record<string, string>) => endpoint.streamKey ?? endpoint.password ?? endpoint.token,
            ),
          ).toEqual([values.streamKey, values.password, values.whipToken]);
          expect(json.playback[0].token).toBe(values.playbackToken);
          expect(json.restream[0].streamKey).toBe(values.restreamKey);
          expect(json.providerDetails.memory.publishToken).toBe(values.sdkToken);
          expect(json.raw.stream_key).toBe(values.streamKey);
          expect(h.err).toEqual([]);
        }),
        { numRuns: 10 },
      );
    },
    cliRunLimitMs,
  );
});
