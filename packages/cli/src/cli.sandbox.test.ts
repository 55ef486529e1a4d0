import { request as httpRequest } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { redactedMarker, secretForms } from '@unilive/core';
import { findFfmpeg, type Sandbox, startSandbox } from '@unilive/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { capturedOutput, videosdkApiVersion } from '../test/secrets.js';
import { main } from './cli.js';
import type { Output } from './progress.js';

// The CLI against a real sandbox over loopback, with the real adapter packages, as `unilive sandbox` serves it.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ transitionMs: 100 });
});
afterAll(async () => {
  await sandbox.close();
});

function capture() {
  const { out, err, output } = capturedOutput();
  const run = (...argv: string[]) =>
    main(argv, { output, environment: { UNILIVE_SANDBOX_URL: sandbox.url } });
  return { out, err, run };
}

// The providers whose streams carry a credential a stream name can hold: VideoSDK through its v1 API, which
// issues an RTMP stream key (its v2 WHIP token is longer than the 200 characters a name may hold).
const keyedProviders = [
  ['wowza-video', undefined],
  ['wowza-realtime', undefined],
  ['liveapi', undefined],
  ['videosdk', 'v1'],
] as const;

/** The encodings a vendor may echo a credential in. */
const echoEncodings = {
  plain: (value: string) => value,
  url: (value: string) => encodeURIComponent(value),
  base64: (value: string) => Buffer.from(value).toString('base64'),
};

/** Creates a stream through the CLI and returns its id and its first credential of 8 characters or more. */
async function createKeyed(
  { out, run }: ReturnType<typeof capture>,
  provider: string,
  name: string,
): Promise<{ id: string; secret: string }> {
  expect(await run('create', '-p', provider, '--name', name, '--json', '--show-secrets')).toBe(0);
  const created = JSON.parse(out.pop() ?? '{}') as {
    id: string;
    ingest: { streamKey?: string; password?: string; token?: string }[];
  };
  const key = created.ingest
    .flatMap((endpoint) => [endpoint.streamKey, endpoint.password, endpoint.token])
    .find((value): value is string => typeof value === 'string' && value.length >= 8);
  expect(key, 'the stream carries a credential').toBeDefined();
  return { id: created.id, secret: key ?? '' };
}

describe('unilive against a running sandbox', () => {
  it.each(['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk'])(
    '%s: create, get, list, delete',
    async (provider) => {
      const { out, err, run } = capture();
      expect(await run('create', '--provider', provider, '--name', `CLI on ${provider}`, '--json')).toBe(0);
      const created = JSON.parse(out.pop() ?? '{}') as { id: string; provider: string; ingest: unknown[] };
      expect(created.provider).toBe(provider);
      expect(created.ingest.length).toBeGreaterThan(0);
      expect(await run('get', created.id, '--provider', provider, '--json')).toBe(0);
      expect(JSON.parse(out.pop() ?? '{}').id).toBe(created.id);
      expect(await run('list', '--provider', provider, '--json')).toBe(0);
      expect(JSON.parse(out.pop() ?? '[]').map((stream: { id: string }) => stream.id)).toContain(created.id);
      expect(await run('delete', created.id, '--provider', provider)).toBe(0);
      expect(out.pop()).toBe(`deleted ${created.id}`);
      expect(await run('get', created.id, '--provider', provider)).toBe(1);
      expect(err.pop()).toMatch(/^unilive: NotFoundError: /);
    },
  );

  // The server is what a user pastes into an encoder's "Server" setting: printed whole without
  // --show-secrets (its last segment is the application, not a key), while the key stays hidden.
  it.each([
    ['wowza-realtime', (_id: string, rtmp: string): string | RegExp => `${rtmp}/v2/pub`],
    ['liveapi', (_id: string, rtmp: string): string | RegExp => `${rtmp}/static`],
    // Wowza Video names each stream's application `app-` and eight characters of its own.
    [
      'wowza-video',
      (_id: string, rtmp: string): string | RegExp =>
        new RegExp(`^${rtmp.replaceAll('.', '\\.')}/app-[A-Z0-9]{8}$`),
    ],
    [
      'videosdk',
      (id: string): string | RegExp =>
        `${sandbox.url}/videosdk/v2/whip?roomId=${id}&participantId=unilive-whip`,
    ],
  ] as const)(
    '%s: the ingest server line is printed unmasked, the key masked',
    async (provider, expected) => {
      const { out, run } = capture();
      expect(await run('create', '-p', provider, '--name', 'Server line', '--json', '--show-secrets')).toBe(
        0,
      );
      const created = JSON.parse(out.pop() ?? '{}') as {
        id: string;
        ingest: { server?: string; streamKey?: string; url: string }[];
      };
      const [endpoint] = created.ingest;
      const server = endpoint?.server ?? '';
      const want = expected(created.id, sandbox.ingestUrl ?? '');
      if (typeof want === 'string') expect(server).toBe(want);
      else expect(server).toMatch(want);
      expect(await run('get', created.id, '-p', provider)).toBe(0);
      const text = out.pop() ?? '';
      expect(text.split('\n')).toContain(`    server:      ${server}`);
      expect(await run('get', created.id, '-p', provider, '--json')).toBe(0);
      const shown = JSON.parse(out.pop() ?? '{}') as { ingest: { server?: string; streamKey?: string }[] };
      expect(shown.ingest[0]?.server).toBe(server);
      if (endpoint?.streamKey) {
        expect(shown.ingest[0]?.streamKey).toBe('[REDACTED]');
        expect(text).not.toContain(endpoint.streamKey);
        expect(text).toContain('    stream key:  (hidden; --show-secrets prints it)');
      }
    },
  );

  // A vendor that echoes a credential in a stream's name: `list` masks each row by that stream's own secrets,
  // as `get` masks its lines, whichever encoding the echo takes.
  it.each(keyedProviders)(
    '%s: list masks a stream key held in the stream name (plain, URL-encoded, base64), in text and --json',
    async (provider, apiVersion) => {
      videosdkApiVersion(apiVersion);
      const cli = capture();
      const { out, err, run } = cli;
      const created = await createKeyed(cli, provider, 'Echo');
      const secret = created.secret;
      const words = fc.string({ unit: fc.constantFrom(...'abcXYZ019 -_'), maxLength: 12 });
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...(Object.keys(echoEncodings) as (keyof typeof echoEncodings)[])),
          words,
          words,
          async (encoding, before, after) => {
            const name = `${before}${echoEncodings[encoding](secret)}${after}`;
            expect(
              await run('update', created.id, '-p', provider, `--name=${name}`, '--json'),
              err.join('\n'),
            ).toBe(0);
            out.length = 0;
            expect(await run('list', '-p', provider)).toBe(0);
            const text = out.pop() ?? '';
            const row = text.split('\n').find((line) => line.startsWith(`${created.id} `));
            expect(row, `the row of ${created.id}`).toBeDefined();
            expect(row).toContain(redactedMarker);
            expect(await run('list', '-p', provider, '--json')).toBe(0);
            const listed = (JSON.parse(out.pop() ?? '[]') as { id: string; name?: string }[]).find(
              (stream) => stream.id === created.id,
            );
            expect(listed?.name).toContain(redactedMarker);
            for (const shown of [text, JSON.stringify(listed)])
              for (const form of secretForms(secret)) expect(shown).not.toContain(form);
            // --show-secrets still prints the name as the vendor holds it.
            expect(await run('list', '-p', provider, '--show-secrets')).toBe(0);
            expect(out.pop()).toContain(name.trimEnd());
          },
        ),
        { numRuns: 6 },
      );
      expect(await run('delete', created.id, '-p', provider)).toBe(0);
    },
  );

  // One stream's key echoed in another stream's name: a row masked only by its own stream's secrets would
  // print it, so every row of a listing is masked by the secrets of all the streams listed.
  it.each(keyedProviders)(
    "%s: list masks another stream's key held in a stream's name (plain, URL-encoded, base64), in text and --json",
    async (provider, apiVersion) => {
      videosdkApiVersion(apiVersion);
      const cli = capture();
      const { out, err, run } = cli;
      const made = [await createKeyed(cli, provider, 'Holder'), await createKeyed(cli, provider, 'Keeper')];
      const [holder, keeper] = made as [{ id: string; secret: string }, { id: string; secret: string }];
      for (const encode of Object.values(echoEncodings)) {
        const name = `from ${encode(keeper.secret)} on`;
        expect(
          await run('update', holder.id, '-p', provider, `--name=${name}`, '--json'),
          err.join('\n'),
        ).toBe(0);
        out.length = 0;
        expect(await run('list', '-p', provider)).toBe(0);
        const text = out.pop() ?? '';
        const row = text.split('\n').find((line) => line.startsWith(`${holder.id} `));
        // LiveAPI's key `lv_…?password=…` starts with the public name its viewer URLs carry, which stays
        // readable; its password, and every other vendor's key, is masked whole.
        const masked =
          provider === 'liveapi'
            ? new RegExp(`^from (${keeper.secret.split('?')[0]}\\S*)?\\[REDACTED\\] on$`)
            : /^from \[REDACTED\] on$/;
        expect(/ {2}(from .* on) {2}/.exec(row ?? '')?.[1], `the row of ${holder.id}`).toMatch(masked);
        expect(await run('list', '-p', provider, '--json')).toBe(0);
        const json = out.pop() ?? '[]';
        const listed = (JSON.parse(json) as { id: string; name?: string }[]).find(
          (stream) => stream.id === holder.id,
        );
        expect(listed?.name).toMatch(masked);
        for (const shown of [text, json])
          for (const form of secretForms(keeper.secret)) expect(shown).not.toContain(form);
        expect(await run('list', '-p', provider, '--show-secrets')).toBe(0);
        expect(out.pop()).toContain(name);
      }
      for (const { id } of made) expect(await run('delete', id, '-p', provider)).toBe(0);
    },
  );

  it.each(['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk'])(
    '%s: list --page-size walks pages of that size, or says at once that the vendor takes none',
    async (provider) => {
      const { out, err, run } = capture();
      const ids: string[] = [];
      for (const name of ['paged one', 'paged two']) {
        expect(await run('create', '-p', provider, '--name', name, '--json')).toBe(0);
        ids.push((JSON.parse(out.pop() ?? '{}') as { id: string }).id);
      }
      err.length = 0;
      expect(await run('list', '-p', provider, '--page-size', '1', '--json')).toBe(0);
      const listed = (JSON.parse(out.pop() ?? '[]') as { id: string }[]).map((stream) => stream.id);
      expect(listed).toEqual(expect.arrayContaining(ids));
      expect(err).toEqual(
        provider === 'liveapi'
          ? [
              'unilive: warning: liveapi list: pageSize is not sent: LiveAPI documents no page-size parameter; its pages are the size it chooses',
            ]
          : [],
      );
      for (const id of ids) expect(await run('delete', id, '-p', provider)).toBe(0);
    },
  );

  it('wowza-video list: streams whose detail read is answered 404 are named on stderr, in text and --json', async () => {
    // A sandbox of its own: the streams listed are exactly the ones made here.
    const own = await startSandbox({ transitionMs: 100 });
    try {
      const { out, err, output } = capturedOutput();
      const run = (...argv: string[]) =>
        main(argv, { output, environment: { UNILIVE_SANDBOX_URL: own.url } });
      const secrets: string[] = [];
      for (const name of ['Gone one', 'Gone two', 'Still here']) {
        expect(await run('create', '-p', 'wowza-video', '--name', name, '--json', '--show-secrets')).toBe(0);
        const created = JSON.parse(out.pop() ?? '{}') as Body & { ingest: Body[] };
        for (const endpoint of created.ingest)
          for (const field of ['streamKey', 'password'] as const)
            if (typeof endpoint[field] === 'string') secrets.push(endpoint[field]);
      }
      const index = (await (await fetch(`${own.url}/_sandbox`)).json()) as {
        providers: Record<string, Body>;
      };
      secrets.push(...Object.values((index.providers['wowza-video']?.credentials ?? {}) as Body).map(String));
      expect(await run('list', '-p', 'wowza-video', '--json')).toBe(0);
      const order = (JSON.parse(out.pop() ?? '[]') as { id: string }[]).map((stream) => stream.id);
      expect(order).toHaveLength(3);
      const [first, second, kept] = order;
      const expected = [
        [first, 1],
        [second, 2],
      ].map(
        ([id, record]) =>
          `unilive: warning: wowza-video list: stream ${id} (record ${record} of page 1) was skipped: reading its details found no such stream (HTTP 404): deleted since its page was served, or listed by the vendor but not readable`,
      );
      for (const json of [false, true]) {
        out.length = 0;
        err.length = 0;
        // Deleted between the list and the detail read: the two first detail reads answer 404.
        own.injectFault('wowza-video', 'get', { type: 'not-found', times: 2 });
        expect(await run('list', '-p', 'wowza-video', ...(json ? ['--json'] : []))).toBe(0);
        expect(err).toEqual(expected);
        if (json) expect((JSON.parse(out[0] ?? '[]') as { id: string }[]).map((s) => s.id)).toEqual([kept]);
        else
          expect(
            out[0]
              ?.split('\n')
              .slice(2)
              .map((line) => line.split(/\s+/)[0]),
          ).toEqual([kept]);
        for (const secret of secrets) expect(err.join('\n')).not.toContain(secret);
      }
      // Every detail read answered 404: an empty list, and every stream named.
      own.injectFault('wowza-video', 'get', { type: 'not-found', times: 3 });
      err.length = 0;
      expect(await run('list', '-p', 'wowza-video', '--json')).toBe(0);
      expect(out.pop()).toBe('[]');
      expect(err).toHaveLength(3);
      expect(err.map((line) => /stream (\S+) /.exec(line)?.[1])).toEqual(order);
    } finally {
      await own.close();
    }
  });

  it('wowza-video: start --wait and stop --wait follow the state machine', async () => {
    const { out, run } = capture();
    await run('create', '-p', 'wowza-video', '--name', 'Lifecycle', '--json');
    const { id } = JSON.parse(out.pop() ?? '{}') as { id: string };
    expect(await run('start', id, '-p', 'wowza-video', '--wait', '--json')).toBe(0);
    expect(JSON.parse(out.pop() ?? '{}').state).toBe('ready');
    // Starting a stream that is ready returns it: lifecycle calls are idempotent.
    expect(await run('start', id, '-p', 'wowza-video', '--json')).toBe(0);
    expect(JSON.parse(out.pop() ?? '{}').state).toBe('ready');
    expect(await run('stop', id, '-p', 'wowza-video', '--wait', '--json')).toBe(0);
    expect(JSON.parse(out.pop() ?? '{}').state).toBe('stopped');
  });

  it('videosdk (v2 by default): a WHIP ingest, and start --wait / stop --wait run the HLS egress', async () => {
    const { out, run } = capture();
    await run('create', '-p', 'videosdk', '--name', 'Room', '--json');
    const created = JSON.parse(out.pop() ?? '{}') as { id: string; ingest: { protocol: string }[] };
    expect(created.ingest.map((endpoint) => endpoint.protocol)).toEqual(['webrtc']);
    expect(await run('start', created.id, '-p', 'videosdk', '--wait', '--json')).toBe(0);
    expect(JSON.parse(out.pop() ?? '{}').state).toBe('ready');
    expect(await run('stop', created.id, '-p', 'videosdk', '--wait', '--json')).toBe(0);
    expect(JSON.parse(out.pop() ?? '{}').state).toBe('stopped');
  });

  // Each `main` builds its own client, as each `unilive` command is its own process: what create held in
  // memory is gone by start, and the start options carry it.
  it('videosdk v2: create warns that recording is held in memory; start --option carries it to the vendor', async () => {
    const { out, run } = capture();
    await run('create', '-p', 'videosdk', '--name', 'Room', '--recording', '--json');
    const created = JSON.parse(out.pop() ?? '{}') as {
      id: string;
      warnings: { type: string; setting?: string }[];
    };
    expect(created.warnings.map((warning) => [warning.type, warning.setting])).toContainEqual([
      'held-in-memory',
      'recording',
    ]);
    const target = { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'cli-restream-key-0001' };
    expect(
      await run(
        'start',
        created.id,
        '-p',
        'videosdk',
        '--option',
        'recording=true',
        '--option',
        `restream=${JSON.stringify([target])}`,
        '--wait',
        '--json',
      ),
    ).toBe(0);
    const started = JSON.parse(out.pop() ?? '{}') as {
      state: string;
      recording?: boolean;
      restream?: { url: string }[];
    };
    expect(started.state).toBe('ready');
    expect(started.recording).toBe(true);
    // Read back from the vendor's running RTMP-outs: the targets reached it.
    expect(started.restream?.map((restream) => restream.url)).toEqual([target.url]);
    expect(await run('stop', created.id, '-p', 'videosdk', '--wait')).toBe(0);
  });

  it('start --option on a provider that takes no start options is refused before any request', async () => {
    const { out, err, run } = capture();
    await run('create', '-p', 'liveapi', '--name', 'Options', '--json');
    const { id } = JSON.parse(out.pop() ?? '{}') as { id: string };
    expect(await run('start', id, '-p', 'liveapi', '--option', 'enabled=true')).toBe(2);
    expect(err.pop()).toBe(
      'unilive: InvalidInputError: liveapi start: invalid options: options.providerOptions.liveapi (liveapi takes no provider options on start; give them on create or update)',
    );
  });

  it('videosdk v1 (VIDEOSDK_API_VERSION=v1): stop is reported as unsupported with exit code 1', async () => {
    vi.stubEnv('VIDEOSDK_API_VERSION', 'v1');
    try {
      const { out, err, run } = capture();
      await run('create', '-p', 'videosdk', '--name', 'Always on', '--json');
      const { id } = JSON.parse(out.pop() ?? '{}') as { id: string };
      expect(await run('stop', id, '-p', 'videosdk')).toBe(1);
      expect(err.pop()).toMatch(/^unilive: UnsupportedOperationError: /);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("under --sandbox, one provider's credential flags, --base-url and environment are ignored: the sandbox's are sent, the given never", async () => {
    const value = fc.stringMatching(/^[A-Za-z0-9]{12,40}$/).map((text) => `Given${text}`);
    const cases = fc.oneof(
      fc.record({
        provider: fc.constantFrom('wowza-video', 'wowza-realtime'),
        flags: fc.record({ token: value }),
      }),
      fc.record({
        provider: fc.constant('liveapi'),
        flags: fc.record({ 'token-id': value, 'secret-key': value }),
      }),
      fc.record({
        provider: fc.constant('videosdk'),
        flags: fc.oneof(fc.record({ token: value }), fc.record({ 'api-key': value, secret: value })),
      }),
    );
    // Every request an adapter sends, as it leaves.
    const sent: string[] = [];
    const realFetch = globalThis.fetch;
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      sent.push(JSON.stringify([String(input), [...new Headers(init?.headers).entries()]]));
      return realFetch(input, init);
    });
    try {
      await fc.assert(
        fc.asyncProperty(cases, value, async ({ provider, flags }, fromEnvironment) => {
          sent.length = 0;
          const fileFlag =
            ['token', 'token-id', 'secret-key', 'api-key', 'secret'].find(
              (flag) => !Object.hasOwn(flags, flag),
            ) ?? 'token';
          for (const name of [
            'WOWZA_VIDEO_TOKEN',
            'WOWZA_REALTIME_TOKEN',
            'LIVEAPI_TOKEN_ID',
            'LIVEAPI_SECRET_KEY',
            'VIDEOSDK_TOKEN',
          ])
            vi.stubEnv(name, fromEnvironment);
          const { out, err, output } = capturedOutput();
          const argv = [
            'list',
            '-p',
            provider,
            ...Object.entries(flags).flatMap(([flag, given]) => [`--${flag}`, given]),
            // Never read: a file that does not exist is no error.
            `--${fileFlag}-file`,
            '/nonexistent/unilive-secret',
            '--base-url',
            'http://127.0.0.1:9/elsewhere',
          ];
          const environment = { ...process.env, UNILIVE_SANDBOX_URL: sandbox.url };
          expect(await main(argv, { output, environment }), err.join('\n')).toBe(0);
          const secrets = [...Object.values(flags), fromEnvironment];
          const wire = sent.join('\n');
          expect(wire).toContain(sandbox.url);
          expect(wire).not.toContain('127.0.0.1:9/');
          for (const secret of secrets) {
            expect(wire).not.toContain(secret);
            expect([...out, ...err].join('\n')).not.toContain(secret);
          }
          // LiveAPI's Basic pair, encoded.
          const given: Record<string, string | undefined> = flags;
          const pair = `${given['token-id'] ?? fromEnvironment}:${given['secret-key'] ?? fromEnvironment}`;
          expect(wire).not.toContain(Buffer.from(pair).toString('base64'));
          const note = err.find((line) => line.startsWith('unilive: note:'));
          for (const flag of [...Object.keys(flags), `${fileFlag}-file`, 'base-url'])
            expect(note).toContain(`--${flag}`);
        }),
        { numRuns: 12 },
      );
    } finally {
      spy.mockRestore();
      vi.unstubAllEnvs();
    }
  });

  it('explains how to start a sandbox when none answers', async () => {
    const { err } = capture();
    const output: Output = { out: () => {}, err: (text) => err.push(text), interactive: false };
    const code = await main(['list', '-p', 'liveapi', '--sandbox', 'http://127.0.0.1:9'], {
      output,
      environment: {},
    });
    expect(code).toBe(2);
    expect(err.pop()).toBe(
      'unilive: InvalidInputError: No sandbox at http://127.0.0.1:9 (no sandbox answers): start one with `unilive sandbox`',
    );
  });

  // A mistake in the configuration is the user's to fix, and is known without any network: it is reported
  // before the sandbox is looked up (no connection is made), not after a sandbox that is down. The sandbox
  // here closes every connection unanswered, which is reported as "No sandbox at …" when it is reached.
  it('reports a --config entry (or --provider) naming an unknown provider before looking up the sandbox', async () => {
    let connections = 0;
    const closing = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    const down = `http://127.0.0.1:${(closing.address() as { port: number }).port}`;
    const config = JSON.stringify({
      providers: [
        { provider: 'liveapi', name: 'a' },
        { provider: 'livapi', name: 'b' },
      ],
    });
    try {
      for (const [argv, line] of [
        [
          ['list', '--config', '-', '--sandbox', down],
          'unilive: InvalidInputError: Invalid registry configuration: providers.1: Unknown provider: expected one of wowza-video, wowza-realtime, liveapi, videosdk; did you mean "liveapi"?',
        ],
        [
          ['list', '-p', 'livapi', '--sandbox', down],
          'unilive: InvalidInputError: Unknown provider: expected one of wowza-video, wowza-realtime, liveapi, videosdk; did you mean "liveapi"?',
        ],
      ] as const) {
        const { err, output } = capturedOutput();
        const code = await main(argv, { output, environment: {}, readStdin: async () => config });
        expect([code, err]).toEqual([2, [line]]);
      }
      expect(connections).toBe(0);
      // The same configuration with a sandbox of all its providers fails the same way.
      const { err, output } = capturedOutput();
      const code = await main(['list', '--config', '-', '--sandbox', sandbox.url], {
        output,
        environment: {},
        readStdin: async () => config,
      });
      expect([code, err.join('\n')]).toEqual([2, expect.stringContaining('providers.1: Unknown provider')]);
    } finally {
      await new Promise((resolve) => closing.close(resolve));
    }
  });

  // A sandbox address that accepts connections and never answers: the look-up ends at Ctrl-C, or at its limit.
  async function silentServer() {
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return {
      url: `http://127.0.0.1:${port}`,
      sockets,
      close: () => {
        for (const socket of sockets) socket.destroy();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }

  it('Ctrl-C ends the look-up for a sandbox that never answers', async () => {
    const silent = await silentServer();
    const err: string[] = [];
    const output: Output = { out: () => {}, err: (text) => err.push(text), interactive: false };
    const controller = new AbortController();
    const running = main(['list', '-p', 'liveapi', '--sandbox', silent.url], {
      output,
      environment: {},
      signal: controller.signal,
    });
    await expect.poll(() => silent.sockets.length).toBe(1);
    controller.abort();
    expect(await running).toBe(130);
    expect(err).toEqual(['unilive: AbortError: Interrupted while looking for the sandbox']);
    await silent.close();
  });

  it('the look-up for a sandbox has a time limit', async () => {
    const silent = await silentServer();
    const err: string[] = [];
    const output: Output = { out: () => {}, err: (text) => err.push(text), interactive: false };
    const code = await main(['list', '-p', 'liveapi', '--sandbox', silent.url, '--timeout-ms', '100'], {
      output,
      environment: {},
    });
    // A time-out, exit 1, never bad usage: the sandbox may be there, and busy.
    expect([code, err]).toEqual([
      1,
      [
        `unilive: TimeoutError: The sandbox at ${silent.url} gave no answer within 100 ms: is it busy, or is something else listening there? (--timeout-ms raises the limit; \`unilive sandbox\` starts one)`,
      ],
    ]);
    await silent.close();
  });

  it('--total-timeout-ms bounds the look-up too, as one deadline for the whole command, on every command', async () => {
    const silent = await silentServer();
    for (const argv of [
      ['list', '-p', 'liveapi'],
      ['wait', 'abcdef123456', 'ready', '-p', 'liveapi'],
      ['start', 'abcdef123456', '--wait', '-p', 'liveapi'],
      ['list', '-p', 'liveapi', '-p', 'wowza-video'],
    ]) {
      const err: string[] = [];
      const output: Output = { out: () => {}, err: (text) => err.push(text), interactive: false };
      // The sooner of the two bounds it: --timeout-ms is the look-up's own limit, 5 s when not given.
      for (const [flags, within] of [
        [['--total-timeout-ms', '150'], 150],
        [['--total-timeout-ms', '60000', '--timeout-ms', '120'], 120],
      ] as const) {
        err.length = 0;
        const code = await main([...argv, '--sandbox', silent.url, ...flags], { output, environment: {} });
        expect([argv.join(' '), code, err]).toEqual([
          argv.join(' '),
          1,
          [
            `unilive: TimeoutError: The sandbox at ${silent.url} gave no answer within ${within} ms: is it busy, or is something else listening there? (--timeout-ms raises the limit; \`unilive sandbox\` starts one)`,
          ],
        ]);
      }
    }
    await silent.close();
  });

  // Something listening where --sandbox points that is no unilive sandbox: it may leave credentials out (so
  // that the adapter would read the caller's real ones from the environment), point a base path at another
  // host, or answer a compression bomb. Every request it receives is recorded.
  async function hostileSandbox(answer: (response: import('node:http').ServerResponse) => void) {
    const { createServer: createHttpServer } = await import('node:http');
    const received: { url: string; authorization: string }[] = [];
    const server = createHttpServer((request, response) => {
      received.push({ url: request.url ?? '', authorization: request.headers.authorization ?? '' });
      request.resume();
      if (request.url?.startsWith('/_sandbox')) return answer(response);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return {
      url: `http://127.0.0.1:${port}`,
      received,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }
  const json = (body: unknown) => (response: import('node:http').ServerResponse) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const realCredentials = {
    WOWZA_VIDEO_TOKEN: 'REAL-PRODUCTION-TOKEN-123',
    WOWZA_REALTIME_TOKEN: 'REAL-PRODUCTION-TOKEN-456',
    LIVEAPI_TOKEN_ID: 'real-token-id',
    LIVEAPI_SECRET_KEY: 'REAL-PRODUCTION-SECRET',
    VIDEOSDK_TOKEN: 'REAL-VIDEOSDK-TOKEN',
    VIDEOSDK_API_KEY: 'real-api-key',
    VIDEOSDK_SECRET: 'REAL-VIDEOSDK-SECRET',
  };

  it.each<[string, (path: string) => Record<string, unknown>]>([
    ['leaves the credentials out', (path: string) => ({ basePath: path, documentedOnly: false })],
    [
      'gives half of a credential pair',
      (path: string) => ({ basePath: path, credentials: { tokenId: 'a', apiKey: 'b' } }),
    ],
    [
      'points the base path at another host',
      (path: string) => ({
        basePath: `//127.0.0.1:1${path}`,
        credentials: { token: 'x', tokenId: 'a', secretKey: 'b', apiKey: 'c', secret: 'd' },
      }),
    ],
    [
      'points the base path at user information',
      (path: string) => ({
        basePath: `@evil.test${path}`,
        credentials: { token: 'x', tokenId: 'a', secretKey: 'b', apiKey: 'c', secret: 'd' },
      }),
    ],
    // Every request's own path would go after it, into the fragment or query: `list` read `/liveapi`.
    ...['#', '?', '?#', '#x'].map((mark): [string, (path: string) => Record<string, unknown>] => [
      `ends the base path with ${mark}`,
      (path: string) => ({
        basePath: `${path}${mark}`,
        credentials: { token: 'x', tokenId: 'a', secretKey: 'b', apiKey: 'c', secret: 'd' },
      }),
    ]),
  ])(
    'a "sandbox" that %s gets no request, and never the credentials of the environment',
    async (_, entry) => {
      const hostile = await hostileSandbox(
        json({
          providers: Object.fromEntries(
            ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk'].map((id) => [id, entry(`/${id}`)]),
          ),
        }),
      );
      const saved = { ...process.env };
      Object.assign(process.env, realCredentials);
      try {
        for (const provider of ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk']) {
          const err: string[] = [];
          const output: Output = { out: () => {}, err: (text) => err.push(text), interactive: false };
          const code = await main(['list', '-p', provider, '--sandbox', hostile.url], {
            output,
            environment: { ...realCredentials },
          });
          expect(code).toBe(2);
          expect(err.join('\n')).toMatch(
            /^unilive: InvalidInputError: The sandbox at http:\/\/127\.0\.0\.1:\d+ gave /,
          );
        }
        expect(hostile.received.map((request) => request.url)).toEqual(Array(4).fill('/_sandbox'));
        expect(hostile.received.every((request) => request.authorization === '')).toBe(true);
      } finally {
        for (const name of Object.keys(realCredentials)) delete process.env[name];
        Object.assign(process.env, saved);
        await hostile.close();
      }
    },
  );

  it('reads at most 1 MiB of a discovery answer, counted once decompressed', async () => {
    const { brotliCompressSync } = await import('node:zlib');
    // 64 MiB of spaces inside a JSON string: a few kilobytes on the wire.
    const bomb = brotliCompressSync(Buffer.from(`{"providers":{"x":"${' '.repeat(64 * 1024 * 1024)}"}}`));
    const hostile = await hostileSandbox((response) =>
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' }).end(bomb),
    );
    const err: string[] = [];
    const output: Output = { out: () => {}, err: (text) => err.push(text), interactive: false };
    const code = await main(['list', '-p', 'liveapi', '--sandbox', hostile.url], { output, environment: {} });
    expect([code, err]).toEqual([
      2,
      [
        `unilive: InvalidInputError: No sandbox at ${hostile.url} (its answer is larger than 1024 KiB): start one with \`unilive sandbox\``,
      ],
    ]);
    await hostile.close();
  });

  it('--timeout-ms above what a timer can wait is a usage error, not a crash', async () => {
    const err: string[] = [];
    const output: Output = { out: () => {}, err: (text) => err.push(text), interactive: false };
    for (const value of ['99999999999', '2147483648', String(Number.MAX_SAFE_INTEGER)]) {
      const code = await main(
        ['list', '-p', 'liveapi', '--sandbox', 'http://127.0.0.1:9', '--timeout-ms', value],
        {
          output,
          environment: {},
        },
      );
      expect(code).toBe(2);
      expect(err.pop()).toBe('unilive: --timeout-ms expects a whole number of ms from 1 to 2147483647');
    }
  });

  it('demo --json prints one document: each provider, its steps and the stream it made', async () => {
    const out: string[] = [];
    const output: Output = { out: (text) => out.push(text), err: () => {}, interactive: false };
    expect(
      await main(['demo', '--json', '-p', 'liveapi', '-p', 'videosdk'], { output, environment: {} }),
    ).toBe(0);
    expect(out).toHaveLength(1);
    const report = JSON.parse(out[0] ?? '');
    expect(report.sandbox).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(report.skipped).toEqual([]);
    expect(
      report.outcomes.map((outcome: { provider: string; ok: boolean; stream: { provider: string } }) => [
        outcome.provider,
        outcome.ok,
        outcome.stream.provider,
      ]),
    ).toEqual([
      ['liveapi', true, 'liveapi'],
      ['videosdk', true, 'videosdk'],
    ]);
    // With ffmpeg a real test pattern goes out and its HLS comes back; without, the encoder is simulated.
    const media = findFfmpeg() ? ['live', 'played'] : ['encoder simulated'];
    expect(report.outcomes[0].steps).toEqual([
      'create',
      'get',
      'list',
      'update',
      'ready',
      ...media,
      'stopped',
      'delete',
    ]);
    if (findFfmpeg()) {
      expect(report.outcomes[0].media).toMatchObject({
        seenBy: 'broadcasting',
        hls: { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/media\/liveapi\/\w+\/index\.m3u8$/) },
      });
      expect(report.outcomes[0].media.hls.segments).toBeGreaterThan(0);
    }
    // videosdk v2, the default, ingests over WHIP only: the demo has no RTMP to push to and simulates the encoder.
    expect(report.outcomes[1].steps).toEqual([
      'create',
      'get',
      'list',
      'update',
      'ready',
      'encoder simulated',
      'stopped',
      'delete',
    ]);
    expect(report.outcomes[1]).not.toHaveProperty('media');
  });

  it('demo on videosdk v1 pushes to its RTMP key ingest, seen live by the sandbox ingest', async () => {
    vi.stubEnv('VIDEOSDK_API_VERSION', 'v1');
    try {
      const out: string[] = [];
      const output: Output = { out: (text) => out.push(text), err: () => {}, interactive: false };
      expect(await main(['demo', '--json', '-p', 'videosdk'], { output, environment: {} })).toBe(0);
      const [outcome] = JSON.parse(out[0] ?? '').outcomes;
      const media = findFfmpeg() ? ['live', 'played'] : ['encoder simulated'];
      expect(outcome.steps).toEqual([
        'create',
        'get',
        'list',
        'update',
        'ready',
        ...media,
        'stop unsupported',
        'delete',
      ]);
      if (findFfmpeg()) expect(outcome.media).toMatchObject({ seenBy: 'sandbox ingest' });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('demo -p with an unknown provider names the known ones', async () => {
    const err: string[] = [];
    const output: Output = { out: () => {}, err: (text) => err.push(text), interactive: false };
    expect(await main(['demo', '-p', 'nope'], { output, environment: {} })).toBe(2);
    expect(err).toEqual([
      'unilive: Unknown provider: expected one of wowza-video, wowza-realtime, liveapi, videosdk',
    ]);
  });

  it('`unilive sandbox` serves until interrupted, then stops cleanly with 130 (interrupted)', async () => {
    const { out } = capture();
    const controller = new AbortController();
    const output: Output = { out: (text) => out.push(text), err: () => {}, interactive: false };
    const running = main(['sandbox', '--port', '0', '--rtmp-port', '0'], {
      output,
      signal: controller.signal,
    });
    await expect
      .poll(() => out.find((line) => line.startsWith('unilive sandbox listening on')))
      .toBeDefined();
    const url = /listening on (\S+)/.exec(out[0] ?? '')?.[1] ?? '';
    expect(out[1]).toMatch(/^ {2}RTMP ingest {5}rtmp:\/\/127\.0\.0\.1:\d+$/);
    const index = (await (await fetch(`${url}/_sandbox`)).json()) as { providers: Record<string, unknown> };
    expect(Object.keys(index.providers).sort()).toEqual([
      'liveapi',
      'videosdk',
      'wowza-realtime',
      'wowza-video',
    ]);
    expect(Object.values(index.providers).map((provider) => (provider as Body).documentedOnly)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    controller.abort();
    expect(await running).toBe(130);
    expect(out.at(-1)).toBe('sandbox stopped');
  });

  it('`unilive sandbox --allowed-host` lets pages of that host change it, and answers to that name', async () => {
    const started: { url: string; stop: () => Promise<number> }[] = [];
    for (const extra of [[], ['--allowed-host', '10.0.0.5', '--allowed-host', 'devbox.example']]) {
      const { out } = capture();
      const controller = new AbortController();
      const output: Output = { out: (text) => out.push(text), err: () => {}, interactive: false };
      const running = main(['sandbox', '--port', '0', '--rtmp-port', '0', ...extra], {
        output,
        signal: controller.signal,
      });
      await expect
        .poll(() => out.find((line) => line.startsWith('unilive sandbox listening on')))
        .toBeDefined();
      started.push({
        url: /listening on (\S+)/.exec(out[0] ?? '')?.[1] ?? '',
        stop: () => {
          controller.abort();
          return running;
        },
      });
    }
    // A page on another machine of the network registering a webhook endpoint, and a request by a name.
    const register = (url: string) =>
      fetch(`${url}/_sandbox/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://10.0.0.5:3000' },
        body: JSON.stringify({ provider: 'liveapi', url: 'http://10.0.0.5:3000/hooks' }),
      });
    const byName = (url: string) =>
      new Promise<number>((resolve, reject) => {
        const { port } = new URL(url);
        const request = httpRequest(
          { host: '127.0.0.1', port, path: '/_sandbox', headers: { host: `devbox.example:${port}` } },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.once('error', reject);
        request.end();
      });
    const [plain, allowing] = started;
    expect([(await register(plain?.url ?? '')).status, await byName(plain?.url ?? '')]).toEqual([403, 403]);
    expect([(await register(allowing?.url ?? '')).status, await byName(allowing?.url ?? '')]).toEqual([
      201, 200,
    ]);
    for (const sandbox of started) expect(await sandbox.stop()).toBe(130);
  });

  it('`unilive sandbox --documented-only` answers only what the vendors document', async () => {
    const { out } = capture();
    const controller = new AbortController();
    const output: Output = { out: (text) => out.push(text), err: () => {}, interactive: false };
    const running = main(['sandbox', '--port', '0', '--rtmp-port', '0', '--documented-only'], {
      output,
      signal: controller.signal,
    });
    await expect
      .poll(() => out.find((line) => line.startsWith('unilive sandbox listening on')))
      .toBeDefined();
    const url = /listening on (\S+)/.exec(out[0] ?? '')?.[1] ?? '';
    const index = (await (await fetch(`${url}/_sandbox`)).json()) as { providers: Record<string, Body> };
    expect(index.providers.liveapi?.documentedOnly).toBe(true);
    // LiveAPI documents no stream name: the documented-only sandbox keeps none.
    const { tokenId, secretKey } = (index.providers.liveapi?.credentials ?? {}) as Record<string, string>;
    const created = await fetch(`${url}/liveapi/live_streams`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${tokenId}:${secretKey}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'show' }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).not.toHaveProperty('name');
    controller.abort();
    expect(await running).toBe(130);
  });
});

type Body = Record<string, unknown>;
