import { describe, expect, it } from 'vitest';
import {
  planRestream,
  toLiveApiCreateBody,
  toLiveApiPlatformBody,
  toLiveApiUpdateBody,
} from './convert-to-liveapi-live-stream.js';

describe('toLiveApiCreateBody', () => {
  it('sends the name and enabled true by default', () => {
    expect(toLiveApiCreateBody({ name: 'Show', recording: true }, undefined)).toEqual({
      name: 'Show',
      enabled: true,
    });
  });

  it('takes enabled and settings from providerOptions', () => {
    expect(toLiveApiCreateBody({ name: 'Show' }, { enabled: false, settings: { abr: true } })).toEqual({
      name: 'Show',
      enabled: false,
      settings: { abr: true },
    });
  });
});

describe('toLiveApiUpdateBody', () => {
  it('holds only what the patch changes', () => {
    expect(toLiveApiUpdateBody({ lowLatency: true }, undefined)).toEqual({});
    expect(toLiveApiUpdateBody({ name: 'New' }, { enabled: true })).toEqual({ name: 'New', enabled: true });
  });
});

describe('toLiveApiPlatformBody', () => {
  it('is the documented custom template, enabled', () => {
    expect(toLiveApiPlatformBody({ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'k' })).toEqual({
      template: 'custom',
      server: 'rtmp://a.rtmp.youtube.com/live2',
      key: 'k',
      enabled: true,
    });
  });
});

describe('planRestream', () => {
  const youtube = { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'yt' };
  const twitch = { url: 'rtmp://live.twitch.tv/app', streamKey: 'tw' };

  it('adds what is missing once, and lists what would be removed', () => {
    expect(planRestream([youtube], [youtube, twitch, twitch])).toEqual({
      add: [twitch],
      remove: [],
      switchedOff: [],
    });
    expect(planRestream([youtube, twitch], [twitch])).toEqual({
      add: [],
      remove: [youtube],
      switchedOff: [],
    });
  });

  it('matches on url and key together', () => {
    const rotated = { ...youtube, streamKey: 'yt-2' };
    expect(planRestream([youtube], [rotated])).toEqual({
      add: [rotated],
      remove: [youtube],
      switchedOff: [],
    });
  });

  it('names the wanted targets the stream has switched off', () => {
    expect(
      planRestream(
        [
          { ...youtube, id: 'p1', enabled: false },
          { ...twitch, enabled: true },
        ],
        [twitch, youtube],
      ),
    ).toEqual({ add: [], remove: [], switchedOff: [1] });
  });
});
