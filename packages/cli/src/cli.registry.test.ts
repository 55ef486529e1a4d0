import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveapi } from '@unilive/liveapi';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from './cli.js';
import type { Output } from './progress.js';

// The CLI with several providers at once, against a real sandbox over loopback with the real adapters.
let sandbox: Sandbox;
let folder: string;
beforeAll(async () => {
  sandbox = await startSandbox({ transitionMs: 50 });
  folder = await mkdtemp(join(tmpdir(), 'unilive-cli-registry-'));
});
afterAll(async () => {
  await sandbox.close();
  await rm(folder, { recursive: true, force: true });
});

function capture(environment: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (text) => out.push(text), err: (text) => err.push(text), interactive: false };
  const run = (...argv: string[]) =>
    main(argv, { output, environment: { UNILIVE_SANDBOX_URL: sandbox.url, ...environment } });
  return { out, err, run, json: () => JSON.parse(out.pop() ?? 'null') };
}

async function configFile(name: string, config: unknown): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, JSON.stringify(config));
  return path;
}

const created = () => ({ ...sandbox.stats().created });

describe('several providers from repeated --provider', () => {
  const providers = ['-p', 'liveapi', '-p', 'wowza-video'];

  it('routes a create by capability, then reaches the stream by reference', async () => {
    const { run, json, out } = capture();
    expect(
      await run('create', '--name', 'SRT contribution', '--protocol', 'srt', ...providers, '--json'),
    ).toBe(0);
    const stream = json();
    // LiveAPI takes RTMP only: the stream goes to Wowza Video, and says why.
    expect(stream.ref).toBe(`wowza-video:${stream.id}`);
    expect(stream.routing).toMatchObject({
      provider: 'wowza-video',
      by: 'order',
      excluded: [{ provider: 'liveapi', lacks: ['ingestProtocol srt (takes rtmp)'] }],
    });
    expect(await run('get', stream.ref, ...providers, '--json')).toBe(0);
    expect(json()).toMatchObject({ id: stream.id, ref: stream.ref, provider: 'wowza-video' });
    expect(await run('start', stream.ref, ...providers, '--wait', '--json')).toBe(0);
    expect(json()).toMatchObject({ ref: stream.ref, state: 'ready' });
    expect(await run('list', ...providers)).toBe(0);
    const table = out.pop() ?? '';
    expect(table.split('\n')[0]).toMatch(/^REF +PROVIDER +NAME +STATE +CREATED$/);
    expect(table).toContain(stream.ref);
    expect(await run('stop', stream.ref, ...providers, '--wait')).toBe(0);
    expect(out.pop()?.split('\n')[0]).toBe(`SRT contribution  [wowza-video ${stream.ref}]`);
    expect(await run('delete', stream.ref, ...providers)).toBe(0);
    expect(out.pop()).toBe(`deleted ${stream.ref}`);
  });

  it('prints where a routed create went and why', async () => {
    const { run, out } = capture();
    expect(await run('create', '--name', 'Routed', ...providers)).toBe(0);
    const [head, routing] = (out.pop() ?? '').split('\n');
    expect(head).toMatch(/^Routed {2}\[liveapi liveapi:\w+\]$/);
    expect(routing).toBe('  routing:    liveapi: first in the routing order that fits');
  });

  it('refuses what only makes sense for one provider, before any request', async () => {
    const before = created();
    const cases: [string[], string][] = [
      [
        ['get', 'abc123', ...providers],
        'unilive: InvalidInputError: Invalid input for get: reference: expected "<name>:<id>" with one ":", such as "eu:abc123"',
      ],
      [
        ['get', 'asia:abc123', ...providers],
        'unilive: InvalidInputError: Invalid input for get: reference: unknown provider name; the registry has liveapi, wowza-video',
      ],
      [
        ['create', '--name', 'x', '--token', 'secret-value-1', ...providers],
        "unilive: --token sets one provider's credential: with several providers, put credentials in the --config file or the environment",
      ],
      [
        ['create', '--name', 'x', '--base-url', 'https://api.example', ...providers],
        "unilive: --base-url sets one provider's API root: with several providers, set baseUrl in the --config file",
      ],
      [
        ['create', '--name', 'x', '--option', 'a=1', ...providers],
        'unilive: --option is for one provider: say which with --on',
      ],
      [
        ['create', '--name', 'x', '--on', 'liveapi', '-p', 'liveapi'],
        'unilive: --on picks one of several providers: give --config or --provider twice',
      ],
      [
        ['migrate', 'liveapi:abc', '--to', 'videosdk', '-p', 'liveapi'],
        'unilive: migrate moves a stream between providers: give --config or --provider twice',
      ],
      [['migrate', 'liveapi:abc', ...providers], 'unilive: migrate needs --to <name>'],
    ];
    for (const [argv, message] of cases) {
      const { run, err } = capture();
      expect(await run(...argv), argv.join(' ')).toBe(2);
      expect(err.at(-1), argv.join(' ')).toBe(message);
      expect(err.join('\n')).not.toContain('secret-value-1');
    }
    expect(created()).toEqual(before);
  });
});

describe('several providers from --config', () => {
  // A config of one entry with --token said "with several providers".
  it('refuses a credential or API root flag beside a config file, naming the file, for one entry or several', async () => {
    for (const entries of [
      [{ provider: 'liveapi' }],
      [{ provider: 'liveapi' }, { provider: 'wowza-video' }],
    ]) {
      const config = await configFile(`flags-${entries.length}.json`, { providers: entries });
      const ways: [string, Record<string, string>, string[]][] = [
        ['--config', {}, ['--config', config]],
        ['UNILIVE_CONFIG', { UNILIVE_CONFIG: config }, []],
      ];
      for (const [how, environment, given] of ways) {
        const { run, err } = capture(environment);
        expect(await run('list', ...given, '--token', 'secret-value-3')).toBe(2);
        expect(err.at(-1)).toBe(
          `unilive: --token sets one provider's credential: with ${how}, put credentials in the config file or the environment`,
        );
        expect(await run('list', ...given, '--base-url', 'https://api.example')).toBe(2);
        expect(err.at(-1)).toBe(
          `unilive: --base-url sets one provider's API root: with ${how}, set baseUrl in the config file`,
        );
        expect(err.join('\n')).not.toContain('secret-value-3');
      }
    }
  });

  it('entries named by ordinary words holding a credential word print references and names whole', async () => {
    const config = await configFile('words.json', {
      providers: [
        { provider: 'liveapi', name: 'turkey' },
        { provider: 'liveapi', name: 'hockey' },
      ],
    });
    const { run, json, out } = capture({ UNILIVE_CONFIG: config });
    expect(await run('create', '--name', 'Hockey:Finals', '--on', 'turkey', '--json')).toBe(0);
    const stream = json();
    expect(stream.ref).toBe(`turkey:${stream.id}`);
    expect(stream.name).toBe('Hockey:Finals');
    expect(await run('get', stream.ref)).toBe(0);
    expect(out.pop()?.split('\n')[0]).toBe(`Hockey:Finals  [liveapi ${stream.ref}]`);
    expect(await run('list')).toBe(0);
    expect(out.pop()).toContain(stream.ref);
    expect(await run('delete', stream.ref)).toBe(0);
    expect(out.pop()).toBe(`deleted ${stream.ref}`);
  });

  it('two accounts of one vendor under two names, and a migration planned, then made', async () => {
    const config = await configFile('registry.json', {
      providers: [
        { provider: 'liveapi', name: 'eu' },
        { provider: 'liveapi', name: 'us' },
        { provider: 'wowza-video', name: 'wowza' },
      ],
      routing: { order: ['us', 'eu', 'wowza'] },
    });
    const { run, json, out, err } = capture({ UNILIVE_CONFIG: config });
    expect(await run('create', '--name', 'Launch', '--on', 'eu', '--json')).toBe(0);
    const source = json();
    expect(source.ref).toBe(`eu:${source.id}`);
    expect(source.routing.by).toBe('requested');

    const before = created();
    expect(await run('migrate', source.ref, '--to', 'wowza', '--dry-run')).toBe(0);
    expect((out.pop() ?? '').split('\n')).toEqual([
      `plan: ${source.ref} (liveapi, ready) to wowza`,
      '  create on wowza:',
      '    name:       Launch',
      '    recording:  on',
      '    ingest:     rtmp',
      'not carried:',
      '  ingest: the new stream has its own ingest URL, stream key and playback URLs: point encoders and players at them',
      `then: keep ${source.ref} (--delete-source deletes it once the new stream exists)`,
      'nothing was created or deleted (--dry-run)',
    ]);
    expect(created()).toEqual(before);

    expect(
      await run(
        'migrate',
        source.ref,
        '--to',
        'wowza',
        '--delete-source',
        '--region',
        'eu_germany',
        '--json',
      ),
    ).toBe(0);
    const result = json();
    expect(result).toMatchObject({
      source: source.ref,
      sourceDeleted: true,
      stream: {
        provider: 'wowza-video',
        name: 'Launch',
        recording: true,
        routing: { provider: 'wowza', by: 'requested' },
      },
    });
    expect(result.stream.ref).toBe(`wowza:${result.stream.id}`);
    expect(created()['wowza-video']).toBe((before['wowza-video'] ?? 0) + 1);
    expect(await run('get', source.ref)).toBe(1);
    expect(err.pop()).toMatch(/^unilive: NotFoundError: /);
  });

  it('a dry run shows where restream targets go, never their stream keys', async () => {
    const config = await configFile('restream.json', {
      providers: [{ provider: 'liveapi' }, { provider: 'videosdk' }, { provider: 'wowza-video' }],
    });
    const key = 'restream-secret-key-7788';
    const source = await liveapi(sandbox.adapterSettings('liveapi')).create({
      name: 'Simulcast',
      restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: key }],
    });
    const { run, out, json } = capture({ UNILIVE_CONFIG: config });
    expect(await run('migrate', `liveapi:${source.id}`, '--to', 'videosdk', '--dry-run')).toBe(0);
    const text = out.pop() ?? '';
    expect(text).toContain('    restream:   rtmp://a.rtmp.youtube.com/live2 (stream key carried, not shown)');
    expect(await run('migrate', `liveapi:${source.id}`, '--to', 'wowza-video', '--dry-run', '--json')).toBe(
      0,
    );
    const plan = json();
    expect(plan.plan.warnings.map((warning: { setting: string }) => warning.setting)).toContain('restream');
    expect(await run('migrate', `liveapi:${source.id}`, '--to', 'videosdk', '--dry-run', '--json')).toBe(0);
    expect(json().plan.input.restream).toEqual([
      { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: '(carried, not shown)' },
    ]);
    expect([text, ...out].join('\n')).not.toContain(key);
  });

  it("with --sandbox, every entry's credentials are the sandbox's development ones: the file's are never sent", async () => {
    const credential = fc.stringMatching(/^[A-Za-z0-9]{12,40}$/).map((value) => `File${value}`);
    const entries = fc.tuple(
      fc.record({ token: credential }).map((own) => ({ provider: 'wowza-video', ...own })),
      fc.record({ token: credential }).map((own) => ({ provider: 'wowza-realtime', ...own })),
      fc
        .record({ tokenId: credential, secretKey: credential })
        .map((own) => ({ provider: 'liveapi', ...own })),
      fc
        .oneof(fc.record({ token: credential }), fc.record({ apiKey: credential, secret: credential }))
        .map((own) => ({ provider: 'videosdk', ...own })),
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
        fc.asyncProperty(entries, async (providers) => {
          sent.length = 0;
          const config = await configFile('own-credentials.json', { providers });
          const { run, err } = capture();
          expect(await run('list', '--config', config, '--json'), err.join('\n')).toBe(0);
          const secrets = providers.flatMap(({ provider: _, ...own }) => Object.values(own));
          const wire = sent.join('\n');
          for (const secret of secrets) expect(wire).not.toContain(secret);
          // LiveAPI's Basic pair, encoded.
          const own = providers[2];
          expect(wire).not.toContain(Buffer.from(`${own.tokenId}:${own.secretKey}`).toString('base64'));
        }),
        { numRuns: 8 },
      );
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses a file it cannot use, naming the problem and never the contents', async () => {
    const notJson = join(folder, 'broken.json');
    await writeFile(notJson, '{"providers": [ secret-value-2');
    const noProviders = await configFile('empty.json', { routing: {} });
    const twice = await configFile('twice.json', {
      providers: [{ provider: 'liveapi' }, { provider: 'liveapi' }],
    });
    const loop = join(folder, 'loop.json');
    await symlink(loop, loop);
    const throughFile = join(notJson, 'config.json');
    const repeatedProviders = join(folder, 'repeated.json');
    await writeFile(
      repeatedProviders,
      '{"providers": [{"provider": "liveapi", "name": "eu"}], "routing": {}, "provid\\u0065rs": [{"provider": "wowza-video"}]}',
    );
    const repeatedDeep = join(folder, 'repeated-deep.json');
    await writeFile(
      repeatedDeep,
      '{"providers": [\n  {"provider": "liveapi", "name": "a", "x": 1},\n  {"provider": "liveapi", "x": {"x": 1}, "secret-value-2 x": [], "name": "b", "secret-value-2 x": 2}\n]}',
    );
    // A Latin-1 `é` in a key: decoded, it would be U+FFFD, and a credential that is not the file's sent.
    const latin1 = join(folder, 'latin1.json');
    await writeFile(
      latin1,
      Buffer.concat([
        Buffer.from('{"providers": [{"provider": "liveapi", "name": "eu", "tokenId": "a", "secretKey": "caf'),
        Buffer.from([0xe9]),
        Buffer.from('secret"}]}'),
      ]),
    );
    const unknownProvider = await configFile('unknown.json', {
      providers: [
        { provider: 'liveapi', name: 'a' },
        { provider: 'livapi', name: 'b' },
      ],
    });
    const protoProvider = await configFile('proto.json', {
      providers: [
        { provider: 'liveapi', name: 'a' },
        { provider: '__proto__', name: 'b' },
      ],
    });
    // Entry 0's own setting and entry 1's unknown provider: which comes first (below).
    const refusedFirst = await configFile('order.json', {
      providers: [
        { provider: 'liveapi', name: 'a', rateLimit: { requestsPerSecond: -1 } },
        { provider: 'nosuch', name: 'b' },
      ],
    });
    const cases: [string[], string][] = [
      [['list', '--config', join(folder, 'missing.json')], 'unilive: --config: no such file'],
      [['list', '--config', notJson], 'unilive: --config: the file is not JSON'],
      [
        ['list', '--config', noProviders],
        'unilive: --config: expected {"providers": [{"provider": "<id>", "name": "<name>"}, …]}',
      ],
      [
        ['list', '--config', twice],
        'unilive: InvalidInputError: Invalid registry configuration: providers.1.name: expected a name no earlier entry has: give each account of one vendor its own name',
      ],
      [['list', '--config', twice, '-p', 'liveapi'], 'unilive: --config and --provider: give one of them'],
      // A blank path is refused as such, never read as a file.
      [['list', '--config', ''], 'unilive: --config needs a value'],
      [['list', '--config', '  '], 'unilive: --config needs a value'],
      [
        ['list', '--config', loop],
        'unilive: --config: too many symbolic links (a link that leads back to itself)',
      ],
      [['list', '--config', throughFile], 'unilive: --config: a part of its path is no folder'],
      // JSON keeps the last of two keys: a merge that wrote `providers` twice would drop the first list.
      [
        ['list', '--config', repeatedProviders],
        'unilive: --config: a key is written twice in one object (the second time at line 1, column 71); JSON keeps the last and drops the first, so write each key once',
      ],
      [
        ['list', '--config', repeatedDeep],
        'unilive: --config: a key is written twice in one object (the second time at line 3, column 79); JSON keeps the last and drops the first, so write each key once',
      ],
      [
        ['list', '--config', latin1],
        'unilive: --config: it is not UTF-8 text (a byte no UTF-8 character holds; save it as UTF-8)',
      ],
      [
        ['list', '--config', join(folder, 'x'.repeat(300))],
        'unilive: --config: its name is too long for the file system',
      ],
      // An unknown provider is placed at its entry, as a refused setting is; `__proto__` is no id at all.
      [
        ['list', '--config', unknownProvider],
        'unilive: InvalidInputError: Invalid registry configuration: providers.1: Unknown provider: expected one of wowza-video, wowza-realtime, liveapi, videosdk; did you mean "liveapi"?',
      ],
      [
        ['list', '--config', protoProvider],
        'unilive: InvalidInputError: Invalid registry configuration: providers.1: Invalid configuration: provider: expected 1–64 lower-case letters, digits, and inner "-" or "." (such as "wowza-video")',
      ],
    ];
    for (const [argv, message] of cases) {
      const { run, err } = capture();
      expect(await run(...argv), argv.join(' ')).toBe(2);
      expect(err.at(-1)).toBe(message);
      expect(err.join('\n')).not.toContain('secret-value-2');
    }
    // Without a sandbox, entry 0's rateLimit (checked as its provider is built) comes before entry 1's
    // unknown provider. With one, the unknown provider is refused before the sandbox is looked up (known
    // without any network), so before entry 0's provider is built.
    for (const [sandboxUrl, message] of [
      [
        '',
        'unilive: InvalidInputError: Invalid registry configuration: providers.0: invalid rateLimit: rateLimit.requestsPerSecond (expected a finite number above 0)',
      ],
      [
        sandbox.url,
        'unilive: InvalidInputError: Invalid registry configuration: providers.1: Unknown provider: expected one of wowza-video, wowza-realtime, liveapi, videosdk',
      ],
    ] as const) {
      const { run, err } = capture({ UNILIVE_SANDBOX_URL: sandboxUrl });
      expect(await run('list', '--config', refusedFirst)).toBe(2);
      expect(err.at(-1)).toBe(message);
    }
    // The same files named by UNILIVE_CONFIG are named so: no --config was passed.
    for (const [path, problem] of [
      [join(folder, 'missing.json'), 'no such file'],
      [notJson, 'the file is not JSON'],
      [noProviders, 'expected {"providers": [{"provider": "<id>", "name": "<name>"}, …]}'],
    ] as const) {
      const { run, err } = capture({ UNILIVE_CONFIG: path });
      expect(await run('list'), path).toBe(2);
      expect(err.at(-1)).toBe(`unilive: UNILIVE_CONFIG: ${problem}`);
      expect(err.join('\n')).not.toContain('secret-value-2');
    }
  });
});

describe('a --config file and provider ids as a newcomer writes them', () => {
  it('reads a file that starts with a UTF-8 byte-order mark (RFC 8259 section 8.1), as Notepad saves it', async () => {
    const config = { providers: [{ provider: 'liveapi', name: 'eu' }] };
    const path = join(folder, 'bom.json');
    await writeFile(
      path,
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(config))]),
    );
    const { run, json, err } = capture();
    expect(await run('create', '--name', 'From Notepad', '--config', path, '--json'), err.join('\n')).toBe(0);
    const stream = json();
    expect(stream.ref).toBe(`eu:${stream.id}`);
    expect(await run('list', '--config', path, '--json')).toBe(0);
    expect(json().map((listed: { ref: string }) => listed.ref)).toContain(stream.ref);
  });

  it('names the nearest provider id for a misspelled one, with a sandbox as without', async () => {
    const cases: [string, string][] = [
      ['LiveAPI', 'liveapi'],
      ['livepi', 'liveapi'],
      ['wowza_video', 'wowza-video'],
      ['VideoSDK', 'videosdk'],
    ];
    for (const [given, nearest] of cases) {
      for (const sandboxUrl of [sandbox.url, undefined]) {
        const { run, err, out } = capture(sandboxUrl ? {} : { UNILIVE_SANDBOX_URL: '' });
        expect(await run('list', '--provider', given, '--json'), given).toBe(2);
        const line = `unilive: InvalidInputError: Unknown provider: expected one of wowza-video, wowza-realtime, liveapi, videosdk; did you mean "${nearest}"?`;
        expect(err).toEqual([line]);
        expect(JSON.parse(out[0] ?? 'null').error).toMatchObject({
          name: 'InvalidInputError',
          message: line.slice('unilive: InvalidInputError: '.length),
          delivery: 'not-sent',
        });
      }
    }
  });

  it("prints LiveAPI's viewer pages, which carry the key's public name, and never the key's password", async () => {
    const { run, out, json } = capture();
    expect(
      await run('create', '--provider', 'liveapi', '--name', 'viewers', '--show-secrets', '--json'),
    ).toBe(0);
    const stream = json();
    const password = /\?password=(.+)$/.exec(stream.ingest[0].streamKey)?.[1] ?? '';
    expect(password).not.toBe('');
    for (const command of [
      ['get', stream.id],
      ['get', stream.id, '--json'],
      ['list', '--json'],
    ]) {
      expect(await run(...command, '--provider', 'liveapi')).toBe(0);
      const printed = out.pop() ?? '';
      for (const endpoint of stream.playback) expect(printed).toContain(endpoint.url);
      expect(printed).not.toContain(password);
    }
  });
});
