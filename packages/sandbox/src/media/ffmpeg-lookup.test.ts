import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventually } from '../../test/media-helpers.js';
import { handshaken, listen, rtmpCommand, rtmpMessage } from '../../test/rtmp-peer.js';
import type { Sandbox } from '../server.js';
import type { SandboxLogEntry } from '../types.js';

// The sandbox looks for ffmpeg without holding its event loop. The ffmpeg here is a script that answers
// `-version` only once the test says so (a lookup that takes as long as the test wants, as `ffmpeg -version`
// does on a busy machine), and records each time it is run; every order is read from that record and from
// what the sandbox answered, never from the clock.

const closing: (() => Promise<void> | void)[] = [];
const environment = process.env.UNILIVE_FFMPEG;
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
  if (environment === undefined) delete process.env.UNILIVE_FFMPEG;
  else process.env.UNILIVE_FFMPEG = environment;
});

/** An ffmpeg whose `-version` waits for `answer(code)`; as a packager it keeps what it reads in a file. */
function slowFfmpeg() {
  const folder = mkdtempSync(join(tmpdir(), 'unilive-ffmpeg-lookup-'));
  closing.push(() => rmSync(folder, { recursive: true, force: true }));
  const script = join(folder, 'ffmpeg');
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      `folder='${folder}'`,
      'if [ "$2" = "-version" ]; then',
      '  echo lookup >> "$folder/calls"',
      // Bounded, so that a lookup nobody answers ends by itself.
      '  i=0',
      '  while [ ! -e "$folder/answer" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done',
      '  echo looked >> "$folder/calls"',
      '  exit "$(cat "$folder/answer" 2>/dev/null || echo 1)"',
      'fi',
      'echo package >> "$folder/calls"',
      'exec cat > "$folder/input-$$"',
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  return {
    script,
    calls: (): string[] => {
      try {
        return readFileSync(join(folder, 'calls'), 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    answer: (code: number) => writeFileSync(join(folder, 'answer'), String(code)),
    /** What each packager was given: FLV, its first tag's type (8: audio) at byte 13. */
    inputs: () =>
      readdirSync(folder)
        .filter((name) => name.startsWith('input-'))
        .map((name) => readFileSync(join(folder, name))),
  };
}

/** A sandbox from a fresh copy of the package, so that no lookup made before this test answers for it. */
async function freshSandbox(script: string) {
  process.env.UNILIVE_FFMPEG = script;
  vi.resetModules();
  const { startSandbox } = await import('../server.js');
  const logs: SandboxLogEntry[] = [];
  const sandbox = await startSandbox({ log: (entry) => logs.push(entry) });
  closing.push(() => sandbox.close());
  const { tokenId, secretKey } = sandbox.credentials('liveapi');
  const authorization = `Basic ${Buffer.from(`${tokenId}:${secretKey}`).toString('base64')}`;
  const api = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${sandbox.baseUrl('liveapi')}${path}`, {
      ...init,
      headers: { authorization, 'content-type': 'application/json' },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { sandbox, logs, api };
}

/** Publishes to a LiveAPI stream with a bare RTMP peer and sends one audio message (an AAC header). */
async function publishAudio(sandbox: Sandbox, key: string) {
  const port = Number(new URL(sandbox.ingestUrl ?? '').port);
  const socket = await handshaken(port);
  closing.push(() => void socket.destroy());
  const heard = listen(socket);
  socket.write(
    rtmpCommand({
      cmd: 'connect',
      transId: 1,
      cmdObj: { app: 'static', tcUrl: `rtmp://127.0.0.1:${port}/static`, objectEncoding: 0 },
    }),
  );
  await heard.until(/NetConnection\.Connect\.Success/);
  socket.write(rtmpCommand({ cmd: 'publish', transId: 2, cmdObj: null, streamName: key, type: 'live' }, 1));
  await heard.until(/NetStream\.Publish\.Start/);
  socket.write(rtmpMessage(8, 1, Buffer.concat([Buffer.of(0xaf, 0x00, 0x12, 0x10), Buffer.alloc(2)]), 4));
}

/** N streams published at once while the lookup runs; each answered by the API as live meanwhile. */
async function publishWhileLooking(context: Awaited<ReturnType<typeof freshSandbox>>, count: number) {
  const { sandbox, api } = context;
  const created = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      api('/live_streams', { method: 'POST', body: JSON.stringify({ name: `show ${index}` }) }),
    ),
  );
  expect(created.map((answer) => answer.status)).toEqual(created.map(() => 201));
  const streams = created.map(({ body }) => ({
    id: String(body._id),
    key: String((body.ingest as { key: string }).key),
  }));
  await Promise.all(streams.map((stream) => publishAudio(sandbox, stream.key)));
  const live = await Promise.all(
    streams.map((stream) =>
      eventually(async () => {
        const { body } = await api(`/live_streams/${stream.id}`);
        return body.broadcasting_status === 'online' ? body.broadcasting_status : undefined;
      }),
    ),
  );
  return { streams, live };
}

describe('the ffmpeg lookup', () => {
  it('runs while the sandbox serves its API and takes publishers, once for every first publish, and their packagers start with what they sent', async () => {
    const ffmpeg = slowFfmpeg();
    const context = await freshSandbox(ffmpeg.script);
    // Started with the sandbox, and still running: the sandbox answers meanwhile.
    await eventually(() => (ffmpeg.calls().includes('lookup') ? true : undefined));
    const count = 3;
    const { live } = await publishWhileLooking(context, count);
    expect(live).toEqual(Array.from({ length: count }, () => 'online'));
    expect(ffmpeg.calls()).toEqual(['lookup']);

    ffmpeg.answer(0);
    const calls = await eventually(() => {
      const seen = ffmpeg.calls();
      return seen.filter((call) => call === 'package').length === count ? seen : undefined;
    });
    expect(calls).toEqual(['lookup', 'looked', ...Array.from({ length: count }, () => 'package')]);
    // The audio each publisher sent before there was an ffmpeg reached its packager.
    const inputs = await eventually(() => {
      const given = ffmpeg.inputs();
      return given.length === count && given.every((input) => input.length > 13) ? given : undefined;
    });
    expect(inputs.map((input) => [input.subarray(0, 3).toString('latin1'), input[13]])).toEqual(
      inputs.map(() => ['FLV', 8]),
    );
    expect(context.logs.filter((entry) => /ffmpeg|HLS packaging failed/.test(entry.message))).toEqual([]);
  });

  it('that finds none leaves the publishers live without HLS, and says so once', async () => {
    const ffmpeg = slowFfmpeg();
    const context = await freshSandbox(ffmpeg.script);
    await eventually(() => (ffmpeg.calls().includes('lookup') ? true : undefined));
    const count = 2;
    const { streams } = await publishWhileLooking(context, count);

    ffmpeg.answer(1);
    const warning = await eventually(() =>
      context.logs.find((entry) => entry.message.startsWith('no ffmpeg found')),
    );
    expect(warning).toMatchObject({
      level: 'warn',
      message: 'no ffmpeg found: streams go live, but no HLS is served',
    });
    expect(ffmpeg.calls()).toEqual(['lookup', 'looked']);
    expect(context.logs.filter((entry) => entry.message.startsWith('no ffmpeg found'))).toHaveLength(1);
    for (const stream of streams) {
      const { body } = await context.api(`/live_streams/${stream.id}`);
      expect(body.broadcasting_status).toBe('online');
      const playlist = await fetch(`${context.sandbox.url}/media/liveapi/${stream.id}/index.m3u8`);
      expect(playlist.status).toBe(404);
      await playlist.arrayBuffer();
    }
  });
});
