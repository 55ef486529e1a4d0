import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  liveApiInputWarnings,
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

describe('liveApiInputWarnings', () => {
  it('warns only of what LiveAPI cannot honour: recording: true holds (every broadcast is recorded), false is refused', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(undefined, true, false),
        fc.constantFrom(undefined, true, false),
        fc.constantFrom(undefined, 'eu'),
        fc.constantFrom('create' as const, 'update' as const),
        (recording, lowLatency, region, operation) => {
          const input = {
            name: 'Show',
            ...(recording === undefined ? {} : { recording }),
            ...(lowLatency === undefined ? {} : { lowLatency }),
            ...(region === undefined ? {} : { region }),
          };
          if (recording === false) {
            const error = (() => {
              try {
                return liveApiInputWarnings(input, operation);
              } catch (caught) {
                return caught;
              }
            })();
            expect(InvalidInputError.isInstance(error)).toBe(true);
            expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['recording']);
            return;
          }
          const settings = liveApiInputWarnings(input, operation).map((warning) => warning.setting);
          expect(settings).toEqual([
            ...(lowLatency === true ? ['lowLatency'] : []),
            ...(region === undefined ? [] : ['region']),
          ]);
        },
      ),
    );
  });
});
