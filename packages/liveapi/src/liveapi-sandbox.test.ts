import { AuthenticationError, createLiveStreamClient, type LiveStreamProvider } from '@unilive/core';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { errorTranscript } from '@unilive/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveapi } from './liveapi-provider.js';

let sandbox: Sandbox;
let provider: LiveStreamProvider;

beforeAll(async () => {
  sandbox = await startSandbox({ transitionMs: 50 });
  provider = liveapi(sandbox.adapterSettings('liveapi'));
});

afterAll(async () => {
  await sandbox.close();
});

describe('liveapi against the sandbox', () => {
  it('broadcasting follows the simulated encoder, with pull URLs only while online', async () => {
    const created = await provider.create({ name: 'encoder test' });
    expect(created.broadcasting).toBe(false);
    expect((created.raw as Record<string, unknown>).broadcasting_status).toBeUndefined();

    sandbox.setEncoder('liveapi', created.id, true);
    const online = await provider.get(created.id);
    expect(online.broadcasting).toBe(true);
    const key = created.ingest[0]?.streamKey?.split('?')[0];
    expect(online.playback.filter((endpoint) => endpoint.protocol === 'rtmp')).toEqual([
      { protocol: 'rtmp', url: `rtmp://sg-1.sandbox.liveapi.com/${key}` },
    ]);
    expect((online.raw as { pull_urls?: { srt?: string } }).pull_urls?.srt).toMatch(/^srt:\/\//);

    // The emergency stop refuses the encoder: offline at once, pull URLs gone.
    const stopped = await provider.stop(created.id);
    expect(stopped.state).toBe('stopped');
    expect(stopped.broadcasting).toBe(false);
    expect(stopped.playback.some((endpoint) => endpoint.protocol === 'rtmp')).toBe(false);

    const restarted = await provider.start(created.id);
    expect(restarted.state).toBe('ready');
    expect(restarted.broadcasting).toBe(true);

    sandbox.setEncoder('liveapi', created.id, false);
    const gone = await provider.get(created.id);
    expect(gone.broadcasting).toBe(false);
    expect((gone.raw as Record<string, unknown>).pull_urls).toBeUndefined();
  });

  it('start and stop round-trip enabled', async () => {
    const { id } = await provider.create({ name: 'toggle test' });
    expect(((await provider.stop(id)).raw as { enabled: boolean }).enabled).toBe(false);
    expect(((await provider.get(id)).raw as { enabled: boolean }).enabled).toBe(false);
    expect(((await provider.start(id)).raw as { enabled: boolean }).enabled).toBe(true);
    expect((await provider.get(id)).state).toBe('ready');
  });

  it('creates restream targets as platforms and lists them on the stream', async () => {
    const targets = [
      { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'yt-key-1234-5678' },
      { url: 'rtmps://live-api-s.facebook.com:443/rtmp', streamKey: 'FB-987654321' },
    ];
    // Each target as LiveAPI lists it: its id, switched on, and not receiving while no encoder pushes.
    const listed = (list: typeof targets, broadcasting: boolean) =>
      list.map((target) => ({
        ...target,
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        enabled: true,
        broadcasting,
      }));
    const created = await provider.create({ name: 'restream test', restream: targets });
    expect(created.restream).toEqual(listed(targets, false));
    expect((await provider.get(created.id)).restream).toEqual(listed(targets, false));

    // A target added the way a user adds one: to the list the stream reports, ids and all.
    const third = { url: 'rtmp://live.twitch.tv/app', streamKey: 'live_twitch_key' };
    const read = await provider.get(created.id);
    const updated = await provider.update(created.id, { restream: [...(read.restream ?? []), third] });
    expect(updated.restream).toEqual(listed([...targets, third], false));
    // The targets already there kept their platforms: only the third was added.
    expect(updated.restream?.slice(0, 2).map((target) => target.id)).toEqual(
      read.restream?.map((target) => target.id),
    );
    // And a stream's targets copied to a new stream as they were read.
    const copy = await provider.create({ name: 'restream copy', restream: updated.restream });
    expect(copy.restream).toEqual(listed([...targets, third], false));

    sandbox.setEncoder('liveapi', created.id, true);
    expect((await provider.get(created.id)).restream).toEqual(listed([...targets, third], true));
    sandbox.setEncoder('liveapi', created.id, false);
    for (const secret of ['yt-key-1234-5678', 'FB-987654321', 'live_twitch_key']) {
      expect(provider.secrets?.()).toContain(secret);
    }
  });

  it('walks every list page', async () => {
    const ids = new Set<string>();
    for (let index = 0; index < 12; index += 1)
      ids.add((await provider.create({ name: `page ${index}` })).id);
    const client = createLiveStreamClient(provider);
    const listed = (await client.list().toArray()).map((stream) => stream.id);
    expect(new Set(listed).size).toBe(listed.length);
    for (const id of ids) expect(listed).toContain(id);
    expect(listed.length).toBeGreaterThan(10);
  });

  it('answers wrong credentials with 401 and leaks none of them', async () => {
    const settings = sandbox.adapterSettings('liveapi');
    const wrong = liveapi({ ...settings, secretKey: 'wrong-secret-key-4242' });
    const error = await wrong
      .list()
      [Symbol.asyncIterator]()
      .next()
      .catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 401 });
    const transcript = errorTranscript(error);
    expect(transcript).not.toContain('wrong-secret-key-4242');
    expect(transcript).not.toContain(
      Buffer.from(`${settings.tokenId}:wrong-secret-key-4242`).toString('base64'),
    );
  });
});

describe('liveapi: updates of one stream made at once', () => {
  // Each restream update plans from a read of the stream's targets: run together, two would each add
  // theirs to the same read, and the stream would restream to both though each asked for the whole set.
  it('are applied one after another, as if made in turn: the second sees the first target and is refused', async () => {
    const made = await provider.create({ name: 'concurrent restream' });
    const first = { url: 'rtmp://a.example.test/live', streamKey: 'zqFirstTargetKey1' };
    const second = { url: 'rtmp://b.example.test/live', streamKey: 'zqSecondTargetKey2' };
    const [one, two] = await Promise.allSettled([
      provider.update(made.id, { restream: [first] }),
      provider.update(made.id, { restream: [second] }),
    ]);
    expect(one.status).toBe('fulfilled');
    expect((one as PromiseFulfilledResult<{ restream?: unknown[] }>).value.restream).toEqual([
      expect.objectContaining(first),
    ]);
    // In turn, LiveAPI's second set would drop the first target, which it documents no way to do.
    expect(two.status).toBe('rejected');
    expect(String((two as PromiseRejectedResult).reason)).toMatch(/expected every current target to be kept/);
    const after = await provider.get(made.id);
    expect(after.restream?.map((target) => target.url)).toEqual([first.url]);
    // Updates of another stream are not held behind these.
    const other = await provider.create({ name: 'another stream' });
    const [mine, theirs] = await Promise.all([
      provider.update(made.id, { name: 'renamed' }),
      provider.update(other.id, { restream: [second] }),
    ]);
    expect(mine.id).toBe(made.id);
    expect(theirs.restream?.map((target) => target.url)).toEqual([second.url]);
  });
});
