import { describe, expect, it } from 'vitest';
import {
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
