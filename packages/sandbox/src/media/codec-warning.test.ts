import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectClients } from '../../test/dialect-clients.js';
import { ffmpeg, reportMissingFfmpeg, testPush, watchChanges } from '../../test/media-helpers.js';
import { type Sandbox, startSandbox } from '../server.js';
import type { SandboxLogEntry } from '../types.js';

reportMissingFfmpeg('the codec warning test');

// An encoder set to a codec HLS cannot carry by copying is admitted (a vendor would take it and transcode or
// fail later), and the log says its players will show no picture; a usual H.264/AAC encoder hears nothing.
describe.skipIf(!ffmpeg)('a publisher whose codec HLS cannot carry', () => {
  let sandbox: Sandbox;
  const logs: SandboxLogEntry[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, transitionMs: 20, log: (entry) => logs.push(entry) });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const ingestOf = async (name: string) => {
    const stream = await dialectClients(sandbox.engine).liveapi!.create(name);
    const { server, key } = stream.ingest as { server: string; key: string };
    return { id: String(stream._id), url: `${server}/${key}` };
  };
  const warnings = () =>
    logs.filter((entry) => entry.level === 'warn' && /HLS cannot carry/.test(entry.message));

  it('is admitted, and warned of once, naming the codec and what to send', async () => {
    const { id, url } = await ingestOf('Sorenson encoder');
    const changes = watchChanges(sandbox);
    const connected = changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
    // Sorenson H.263 video (an old Flash encoder's), no audio, for three seconds.
    const sorenson = spawn(
      ffmpeg!.path,
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-re',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=320x180:rate=15',
        '-t',
        '3',
        '-c:v',
        'flv1',
        '-an',
        '-f',
        'flv',
        url,
      ],
      { stdio: 'ignore' },
    );
    const ended = new Promise((resolve) => sorenson.once('exit', resolve));
    await connected;
    // Logged at the first video message, long before the encoder's three seconds end.
    await ended;
    expect(warnings().map((entry) => entry.message)).toEqual([
      'video in Sorenson H.263, which HLS cannot carry by copying: players will show no picture; send H.264 (or H.265)',
    ]);
  });

  it('says nothing of an H.264 and AAC encoder', async () => {
    const before = warnings().length;
    const { url } = await ingestOf('Usual encoder');
    const push = testPush({ url }, { durationSeconds: 2 });
    expect((await push.done).ok).toBe(true);
    expect(warnings()).toHaveLength(before);
  });
});
