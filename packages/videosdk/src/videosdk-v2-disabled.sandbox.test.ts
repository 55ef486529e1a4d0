import {
  ConflictError,
  createLiveStreamClient,
  NotFoundError,
  TimeoutError,
  type UniliveError,
} from '@unilive/core';
import { startSandbox } from '@unilive/sandbox';
import { describe, expect, it } from 'vitest';
import { videosdk } from './videosdk-provider.js';

// Through the sandbox's v2 dialect, which answers an egress start in a disabled room 404 "Room not found."
// as for a missing one (what the vendor answers is not documented): the caller is told the room's state,
// never that a room it can enable again is gone.
describe('videosdk v2 start of a disabled room, on the sandbox', () => {
  it('is ConflictError while disabled, starts once enabled, and is NotFoundError once deleted', async () => {
    const sandbox = await startSandbox({ media: false });
    try {
      const client = createLiveStreamClient(
        videosdk({ ...sandbox.adapterSettings('videosdk'), apiVersion: 'v2' }),
      );
      const stream = await client.create({ name: 'disabled start' });
      expect(stream.restream).toEqual([]);
      const disabled = await client.update(stream.id, { providerOptions: { videosdk: { disabled: true } } });
      expect(disabled.state).toBe('disabled');
      const refused = (await client.start(stream.id).catch((caught: unknown) => caught)) as UniliveError;
      expect(ConflictError.isInstance(refused), String(refused)).toBe(true);
      expect(refused).toMatchObject({ operation: 'start', status: 404, delivery: 'refused' });
      expect(refused.message).toContain(`room ${stream.id} is disabled`);
      // The same stream, as waitForState and get see it: disabled, and startable once enabled. A wait for
      // `ready` begun while it is disabled polls on (a room can be enabled: `capabilities.enable`), and ends
      // once another caller has enabled and started it.
      expect((await client.get(stream.id)).state).toBe('disabled');
      const waiting = client.waitForState(stream.id, 'ready', { intervalMs: 100, timeoutMs: 60_000 });
      const other = createLiveStreamClient(
        videosdk({ ...sandbox.adapterSettings('videosdk'), apiVersion: 'v2' }),
      );
      await other.update(stream.id, { providerOptions: { videosdk: { disabled: false } } });
      expect((await other.start(stream.id)).state).toBe('starting');
      expect(await waiting).toMatchObject({ id: stream.id, state: 'ready' });
      await client.delete(stream.id);
      const gone = await client.start(stream.id).catch((caught: unknown) => caught);
      expect(NotFoundError.isInstance(gone), String(gone)).toBe(true);
    } finally {
      await sandbox.close();
    }
  });

  it('a room disabled while its egress runs is disabled to waitForState as to get, never ready', async () => {
    const sandbox = await startSandbox({ media: false, transitionMs: 50 });
    try {
      const client = createLiveStreamClient(
        videosdk({ ...sandbox.adapterSettings('videosdk'), apiVersion: 'v2' }),
      );
      const stream = await client.create({ name: 'running, then disabled' });
      await client.start(stream.id);
      await client.waitForState(stream.id, 'ready', { intervalMs: 100, timeoutMs: 60_000 });
      await client.update(stream.id, { providerOptions: { videosdk: { disabled: true } } });
      expect((await client.get(stream.id)).state).toBe('disabled');
      expect(await client.waitForState(stream.id, 'disabled', { timeoutMs: 60_000 })).toMatchObject({
        state: 'disabled',
      });
      // A wait for ready polls on over it, and runs out naming it.
      const waited = await client
        .waitForState(stream.id, 'ready', { intervalMs: 100, timeoutMs: 1_000 })
        .catch((caught: unknown) => caught);
      expect(TimeoutError.isInstance(waited), String(waited)).toBe(true);
      expect(waited).toMatchObject({ lastState: 'disabled' });
    } finally {
      await sandbox.close();
    }
  });
});
