import type { LiveStream } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { undeclaredKeys } from './contract.js';

// A stream with every declared key of every neutral object filled in.
const full: LiveStream = {
  id: 's1',
  provider: 'wowza-video',
  name: 'n',
  state: 'ready',
  broadcasting: true,
  ingest: [
    {
      protocol: 'rtmp',
      url: 'rtmp://u:p@h/app/k',
      server: 'rtmp://h/app',
      streamKey: 'k',
      username: 'u',
      password: 'p',
      applicationName: 'app',
      streamName: 'k',
      token: 't',
    },
  ],
  playback: [
    {
      protocol: 'webrtc',
      url: 'wss://h/webrtc-session.json',
      rendition: 'source',
      token: 't',
      audioOnly: false,
      applicationName: 'app',
      streamName: 's',
    },
  ],
  recording: true,
  restream: [{ url: 'rtmp://r/live', streamKey: 'rk', id: 'r1', enabled: true, broadcasting: false }],
  createdAt: new Date(0),
  updatedAt: new Date(0),
  warnings: [{ type: 'other', setting: 'name', message: 'm' }],
  providerDetails: { 'wowza-video': { anything: 1 } },
  raw: { anything: 1 },
};

describe('undeclaredKeys', () => {
  it('finds none on a stream carrying every declared key (Wowza Video WebRTC playback names included)', () => {
    expect(undeclaredKeys(full)).toEqual([]);
    expect(undeclaredKeys({ ...full, ref: 'eu:s1', routing: {} } as LiveStream)).toEqual([]);
  });

  it('names exactly each key a neutral object carries that its type does not declare', () => {
    const place = fc.constantFrom('stream', 'ingest.0', 'playback.0', 'restream.0', 'warnings.0');
    const key = fc.constantFrom('extra', 'stream_name', 'application_name', 'applicationname', 'Url', 'live');
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(place, key), { selector: ([p, k]) => `${p}.${k}` }), (added) => {
        const stream = structuredClone(full) as LiveStream & Record<string, unknown>;
        const target = (where: string): Record<string, unknown> =>
          where === 'stream'
            ? stream
            : (((stream as unknown as Record<string, unknown[]>)[where.split('.')[0] as string] ??
                [])[0] as Record<string, unknown>);
        for (const [where, name] of added) target(where)[name] = 1;
        expect(undeclaredKeys(stream).sort()).toEqual(
          added.map(([where, name]) => `${where}.${name}`).sort(),
        );
      }),
    );
  });
});
