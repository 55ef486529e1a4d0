import type { ConfiguredProviderFactory } from '@unilive/core';
import { createMemoryBackend, createMemoryProvider } from '@unilive/testing';
import { describe, expect, it } from 'vitest';
import { main } from './cli.js';
import type { Output } from './progress.js';

// `transitionPolls`: how many reads a start or stop takes to complete (1_000: a stream that stays starting).
function harness(transitionPolls = 1) {
  const token = 'cli-memory-token-1234';
  const backend = createMemoryBackend({ token, transitionPolls });
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (text) => out.push(text), err: (text) => err.push(text), interactive: false };
  const loadFactory = async (id: string) =>
    id === 'memory'
      ? ((() => createMemoryProvider({ backend, token })) as ConfiguredProviderFactory)
      : undefined;
  const run = (...argv: string[]) =>
    main(argv, { output, loadFactory, environment: { UNILIVE_PROVIDER: 'memory' } });
  return { run, out, err, backend };
}

describe('unilive CLI', () => {
  it('runs the lifecycle with JSON output for scripts', async () => {
    const { run, out } = harness();
    expect(await run('create', '--name', 'From the CLI', '--json')).toBe(0);
    const created = JSON.parse(out.pop() ?? '');
    expect(created).toMatchObject({ name: 'From the CLI', provider: 'memory', state: 'stopped' });
    expect(created.raw).toBeUndefined();
    expect(await run('get', created.id, '--json', '--raw')).toBe(0);
    expect(JSON.parse(out.pop() ?? '').raw.id).toBe(created.id);
    expect(await run('list', '--json')).toBe(0);
    expect(JSON.parse(out.pop() ?? '').map((stream: { id: string }) => stream.id)).toEqual([created.id]);
    expect(await run('update', created.id, '--name', 'Renamed', '--json')).toBe(0);
    expect(JSON.parse(out.pop() ?? '').name).toBe('Renamed');
    expect(await run('start', created.id, '--wait', '--json')).toBe(0);
    expect(JSON.parse(out.pop() ?? '').state).toBe('ready');
    expect(await run('stop', created.id, '--json')).toBe(0);
    expect(await run('wait', created.id, 'stopped', '--json')).toBe(0);
    expect(JSON.parse(out.pop() ?? '').state).toBe('stopped');
    expect(await run('delete', created.id, '--json')).toBe(0);
    expect(JSON.parse(out.pop() ?? '')).toEqual({ id: created.id, deleted: true });
  });

  it('--total-timeout-ms bounds a wait, and start --wait, as the whole command', async () => {
    // A stream that, once started, never leaves `starting`.
    const { run, out, err } = harness(1_000);
    expect(await run('create', '--name', 'Bounded', '--json')).toBe(0);
    const created = JSON.parse(out.pop() ?? '');
    // Stopped, never ready: the wait ends at the command's deadline (what is left of 300 ms once the
    // command has found its provider), a TimeoutError.
    const leftOf = (limit: number) => {
      const within = /TimeoutError: memory stream \S+ did not become ready within (\d+) ms/.exec(
        err.join('\n'),
      );
      expect(within, err.join('\n')).not.toBeNull();
      expect(Number(within?.[1])).toBeGreaterThan(0);
      expect(Number(within?.[1])).toBeLessThanOrEqual(limit);
    };
    expect(await run('wait', created.id, 'ready', '--total-timeout-ms', '300')).toBe(1);
    leftOf(300);
    // Both given: the sooner bounds it.
    err.length = 0;
    expect(await run('wait', created.id, 'ready', '--total-timeout-ms', '60000', '--timeout-ms', '200')).toBe(
      1,
    );
    expect(err.join('\n')).toMatch(/within 200 ms/);
    // start --wait: the wait has what the start left of the deadline.
    err.length = 0;
    expect(await run('start', created.id, '--wait', '--total-timeout-ms', '400')).toBe(1);
    leftOf(400);
  });

  it('prints what a streamer needs in readable form', async () => {
    const { run, out } = harness();
    expect(await run('create', '--name', 'Readable')).toBe(0);
    const text = out.pop() ?? '';
    expect(text).toContain('ingest rtmp:');
    expect(text).toMatch(/server: +rtmp:\/\/ingest\.memory\.test\/live/);
    expect(text).toContain('    stream key:  (hidden; --show-secrets prints it)');
    expect(text).not.toMatch(/sk_/);
    expect(await run('get', /\[memory (\w+)\]/.exec(text)?.[1] ?? '', '--show-secrets')).toBe(0);
    expect(out.pop()).toMatch(/stream key: +sk_/);
    expect(await run('list')).toBe(0);
    expect(out.pop()).toMatch(/^ID +NAME +STATE +CREATED\n/);
  });

  it('fails with a one-line error and exit code 1 when the vendor refuses', async () => {
    const { run, err } = harness();
    expect(await run('get', 'mem99999')).toBe(1);
    expect(err).toEqual(['unilive: NotFoundError: memory get failed (HTTP 404 not_found): No such stream']);
  });

  it('exits 2 on bad usage or bad input, before any request', async () => {
    const { run, err, backend } = harness();
    expect(await run('get')).toBe(2);
    expect(await run('create')).toBe(2);
    expect(await run('wait', 'abc', 'sleeping')).toBe(2);
    expect(await run('get', '../etc')).toBe(2);
    expect(await run('frobnicate')).toBe(2);
    expect(await run('list', '--no-such-flag')).toBe(2);
    expect(backend.counts.requests).toBe(0);
    expect(err.slice(0, 3)).toEqual([
      'unilive get: missing id',
      'Usage: unilive get [options] <id>',
      'Run "unilive get --help" for every option.',
    ]);
  });

  it('names the package to install for a provider that is not installed', async () => {
    const { err } = harness();
    const output: Output = { out: () => {}, err: (text) => err.push(text), interactive: false };
    const code = await main(['list', '--provider', 'liveapi'], {
      output,
      loadFactory: async () => undefined,
      environment: {},
    });
    expect(code).toBe(2);
    expect(err.pop()).toBe(
      'unilive: InvalidInputError: The provider package @unilive/liveapi is not installed: run `npm install @unilive/liveapi`',
    );
  });
});
