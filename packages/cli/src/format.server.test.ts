import { type LiveStream, redactedMarker, secretForms } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { secret } from '../test/secrets.js';
import { describeStream, streamJson } from './format.js';

// A stream whose vendor put a secret into the server (`server`), with each kind of secret a stream carries.
function stream(server: string, values: readonly string[]): LiveStream {
  const [streamKey = '', password = '', token = '', restreamKey = '', sdkToken = ''] = values;
  return {
    id: 'stream-1',
    provider: 'wowza-realtime',
    name: 'Server',
    state: 'ready',
    ingest: [
      { protocol: 'rtmp', server, streamKey, url: `rtmp://ingest.example.test/app/${streamKey}` },
      { protocol: 'srt', url: 'srt://ingest.example.test:9000', username: 'publisher', password },
      { protocol: 'webrtc', url: 'https://whip.example.test/whip', token },
    ],
    playback: [],
    restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: restreamKey, enabled: true }],
    providerDetails: { 'wowza-realtime': { sdk: { publishToken: sdkToken } } },
    raw: {},
  } as LiveStream;
}

const serverLine = (text: string) => text.split('\n').find((line) => line.startsWith('    server:')) ?? '';
const serverField = (json: Record<string, unknown>) =>
  (json.ingest as { server?: string }[] | undefined)?.[0]?.server ?? '';

describe('the ingest server in CLI output', () => {
  it('is printed whole when it carries no secret: its last segment is the application, not a key', () => {
    const values = ['K-stream-key-1', 'P-password-1', 'T-token-0001', 'R-restream-1', 'S-sdk-token-1'];
    const shown = stream('rtmp://127.0.0.1:1935/v2/pub', values);
    expect(serverLine(describeStream(shown))).toBe('    server:      rtmp://127.0.0.1:1935/v2/pub');
    expect(serverField(streamJson(shown))).toBe('rtmp://127.0.0.1:1935/v2/pub');
    // The URL of unknown shape (the full ingest URL) keeps its key masked.
    expect(describeStream(shown)).toContain(
      `    url:         rtmp://ingest.example.test/app/${redactedMarker}`,
    );
  });

  it('masks any secret of the stream the server carries, in every form, in text and JSON', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(secret, { minLength: 5, maxLength: 5 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom(
          (form: string) => `rtmp://ingest.example.test:1935/v2/pub/${form}`,
          (form: string) => `rtmp://ingest.example.test:1935/${form}/pub`,
          (form: string) => `rtmp://ingest.example.test:1935/v2/pub?app=${form}`,
          (form: string) => `rtmp://publisher:${form}@ingest.example.test/v2/pub`,
        ),
        (values, which, formIndex, place) => {
          const carried = values[which % values.length] ?? '';
          const forms = secretForms(carried);
          const form = forms[formIndex % forms.length] ?? '';
          const shown = stream(place(form), values);
          for (const server of [serverLine(describeStream(shown)), serverField(streamJson(shown, true))]) {
            expect(server).toContain(redactedMarker);
            expect(server).not.toContain(form);
            expect(server).not.toContain(carried);
          }
          // --show-secrets prints it as the vendor gave it.
          expect(serverLine(describeStream(shown, { showSecrets: true }))).toBe(
            `    server:      ${place(form)}`,
          );
        },
      ),
    );
  });
});
