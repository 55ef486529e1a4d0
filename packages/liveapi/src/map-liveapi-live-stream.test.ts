import { loadFixture } from '@unilive/testing';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { fixturesDirectory } from '../test/support.js';
import { liveApiStreamResponseSchema } from './liveapi-api.js';
import { joinRtmpUrl, liveApiState, mapLiveApiStream, streamKeyPassword } from './map-liveapi-live-stream.js';

const created = loadFixture(fixturesDirectory, 'create').response.body as Record<string, unknown>;
const map = (raw: unknown) => mapLiveApiStream(v.parse(liveApiStreamResponseSchema, raw));

describe('joinRtmpUrl', () => {
  it('joins server and key with exactly one slash', () => {
    const key = 'lv_abc?password=1234';
    expect(joinRtmpUrl('rtmp://ingest.liveapi.com/static', key)).toBe(
      `rtmp://ingest.liveapi.com/static/${key}`,
    );
    expect(joinRtmpUrl('rtmp://ingest.liveapi.com/static/', key)).toBe(
      `rtmp://ingest.liveapi.com/static/${key}`,
    );
    expect(joinRtmpUrl('rtmp://ingest.liveapi.com/static//', `/${key}`)).toBe(
      `rtmp://ingest.liveapi.com/static/${key}`,
    );
  });

  it('joins any server and key as the patterns alone do', () => {
    const part = fc.string({ unit: fc.constantFrom('a', '/', ':', '?', '='), maxLength: 6 });
    fc.assert(
      fc.property(part, part, (server, key) => {
        expect(joinRtmpUrl(server, key)).toBe(`${server.replace(/\/+$/, '')}/${key.replace(/^\/+/, '')}`);
      }),
    );
  });
});

describe('streamKeyPassword', () => {
  it('reads the password of a LiveAPI key', () => {
    expect(streamKeyPassword('lv_16833a90987411ecb1de8570eafe89432?password=1bda8f83')).toBe('1bda8f83');
    expect(streamKeyPassword('lv_16833a90987411ecb1de8570eafe89432')).toBeUndefined();
    expect(streamKeyPassword('lv_x?other=1')).toBeUndefined();
  });

  it('reads any key as URLSearchParams reads its query', () => {
    const query = fc
      .array(
        fc.tuple(
          fc.constantFrom('password', 'passwords', 'pass', 'Password', 'password%3D', 'pass+word', '', 'x'),
          fc.option(
            fc.string({
              unit: fc.constantFrom('a', 'b', '1', '=', '+', '%', '%41', '?', ' ', '\ud800', 'é'),
            }),
            {
              nil: undefined,
            },
          ),
        ),
        { maxLength: 4 },
      )
      .map((pairs) =>
        pairs.map(([name, value]) => (value === undefined ? name : `${name}=${value}`)).join('&'),
      );
    fc.assert(
      fc.property(
        fc.constantFrom('lv_abc', 'lv_?', ''),
        fc.option(query, { nil: undefined }),
        (base, text) => {
          const key = text === undefined ? base : `${base}?${text}`;
          const query = key.indexOf('?');
          const expected =
            query < 0 ? undefined : (new URLSearchParams(key.slice(query + 1)).get('password') ?? undefined);
          expect(streamKeyPassword(key)).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('liveApiState', () => {
  it('maps enabled through one table, unknown otherwise', () => {
    expect(liveApiState(true)).toBe('ready');
    expect(liveApiState(false)).toBe('stopped');
    expect(liveApiState(undefined)).toBe('unknown');
  });
});

describe('mapLiveApiStream', () => {
  it('keeps the raw object untouched, even where the schema tolerated it', () => {
    const raw = {
      ...created,
      name: null,
      broadcasting_status: 'connecting',
      playback: { hls_url: null, embed_url: '', embed_audio_url: 'not a url' },
    };
    const snapshot = structuredClone(raw);
    const stream = map(raw);
    expect(stream.raw).toBe(raw);
    expect(raw).toEqual(snapshot);
    // An unknown status says nothing about broadcasting; null, empty and unparsable URLs are left out.
    expect(stream.broadcasting).toBeUndefined();
    expect(stream.playback).toEqual([]);
    expect(stream.name).toBeUndefined();
  });

  it('reads a missing broadcasting_status as offline, and offline/online as such', () => {
    expect(map(created).broadcasting).toBe(false);
    expect(map({ ...created, broadcasting_status: 'offline' }).broadcasting).toBe(false);
    expect(map({ ...created, broadcasting_status: 'online' }).broadcasting).toBe(true);
  });

  it('never invents a name', () => {
    expect(map(created).name).toBeUndefined();
    expect(map({ ...created, name: '  ' }).name).toBeUndefined();
    expect(map({ ...created, name: 'Sunday service' }).name).toBe('Sunday service');
  });

  it('maps a missing enabled flag to unknown, not to a guess', () => {
    const { enabled: _enabled, ...withoutEnabled } = created;
    expect(map(withoutEnabled).state).toBe('unknown');
  });

  it('maps platforms with a server and key to restream targets; others stay in raw', () => {
    const stream = map({
      ...created,
      platforms: [
        {
          _id: 'p1',
          template: 'custom',
          enabled: true,
          server: 'rtmp://a.rtmp.youtube.com/live2',
          key: 'k-1234',
        },
        { _id: 'p2', template: 'facebook', enabled: true },
        { _id: 'p3', template: 'custom', enabled: false, server: 'rtmps://x.example/app', key: 'k-5678' },
      ],
    });
    expect(stream.restream).toEqual([
      { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'k-1234', id: 'p1', enabled: true },
      // Switched off: LiveAPI sends it nothing, so it is not shown as receiving.
      { url: 'rtmps://x.example/app', streamKey: 'k-5678', id: 'p3', enabled: false, broadcasting: false },
    ]);
  });

  it("carries each target's id, enabled flag and status, whatever LiveAPI says", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record(
            {
              _id: fc.stringMatching(/^[0-9a-f]{24}$/),
              enabled: fc.boolean(),
              broadcasting_status: fc.constantFrom('online', 'offline', 'connecting'),
            },
            { requiredKeys: ['_id'] },
          ),
          { maxLength: 5 },
        ),
        (platforms) => {
          const stream = map({
            ...created,
            platforms: platforms.map((platform, index) => ({
              template: 'custom',
              server: 'rtmp://a.rtmp.youtube.com/live2',
              key: `key-${index}`,
              ...platform,
            })),
          });
          expect(stream.restream).toHaveLength(platforms.length);
          for (const [index, platform] of platforms.entries()) {
            const target = stream.restream?.[index];
            expect(target?.id).toBe(platform._id);
            expect(target?.enabled).toBe(platform.enabled);
            const expected =
              platform.enabled === false
                ? false
                : platform.broadcasting_status === 'online'
                  ? true
                  : platform.broadcasting_status === 'offline'
                    ? false
                    : undefined;
            expect(target?.broadcasting).toBe(expected);
            // Never shown as receiving while switched off.
            if (platform.enabled === false) expect(target?.broadcasting).toBe(false);
          }
        },
      ),
    );
  });

  it('leaves restream out when the vendor sends no platforms, and createdAt out when unparsable', () => {
    const { platforms: _platforms, ...withoutPlatforms } = created;
    const stream = map({ ...withoutPlatforms, creation_time: 'yesterday' });
    expect(stream).not.toHaveProperty('restream');
    expect(stream).not.toHaveProperty('createdAt');
  });

  it('reads a creation_time without a zone as UTC, whatever the host zone', () => {
    expect(map({ ...created, creation_time: '2022-02-28 08:54:50' }).createdAt?.toISOString()).toBe(
      '2022-02-28T08:54:50.000Z',
    );
    expect(map({ ...created, creation_time: '2022-02-28T08:54:50.339' }).createdAt?.toISOString()).toBe(
      '2022-02-28T08:54:50.339Z',
    );
  });

  it('maps the RTMP pull URL and keeps the SRT one in raw only', () => {
    const stream = map({
      ...created,
      broadcasting_status: 'online',
      pull_urls: {
        rtmp: 'rtmp://sg-1.liveapi.com/lv_x',
        srt: 'srt://sg-1.liveapi.com:9998/?streamid=#!::r=lv_x,m=request',
      },
    });
    expect(stream.playback.filter((endpoint) => endpoint.protocol === 'rtmp')).toEqual([
      { protocol: 'rtmp', url: 'rtmp://sg-1.liveapi.com/lv_x' },
    ]);
    expect(stream.playback.map((endpoint) => endpoint.url).some((url) => url.startsWith('srt:'))).toBe(false);
  });
});

// Found by the reliability suite's drift tests: an empty or non-RTMP ingest server gave an ingest URL such
// as "/lv_…?password=…", and a playback URL of the wrong scheme was labelled hls or embed.
describe('drifted payloads', () => {
  it('refuses a stream whose id or ingest server it cannot use', () => {
    for (const broken of [
      { ...created, _id: '' },
      { ...created, _id: '../all' },
      { ...created, ingest: { server: '', key: 'lv_x' } },
      { ...created, ingest: { server: 'https://ingest.liveapi.com/static', key: 'lv_x' } },
      { ...created, ingest: { server: 'rtmp://ingest.liveapi.com/static', key: '' } },
    ]) {
      expect(v.safeParse(liveApiStreamResponseSchema, broken).success, JSON.stringify(broken)).toBe(false);
    }
  });

  it('keeps a playback URL whose scheme is not its protocol in raw only', () => {
    const stream = map({
      ...created,
      playback: {
        hls_url: 'rtmp://live.liveapi.com/x/index.m3u8',
        embed_url: 'https://player.liveapi.com/x',
      },
    });
    expect(stream.playback).toEqual([{ protocol: 'embed', url: 'https://player.liveapi.com/x' }]);
  });
});
