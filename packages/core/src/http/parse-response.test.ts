import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ResponseShapeError } from '../errors/errors.js';
import { endpointSchemes, isEndpointUrl } from '../live-stream.js';
import { parseVendorResponse, vendorStreamId } from './parse-response.js';

// Found by the reliability suite's drift tests: vendors' ids and URLs were trusted as sent.
describe('vendorStreamId', () => {
  const schema = v.looseObject({ id: vendorStreamId });

  it('accepts the ids vendors send', () => {
    for (const id of ['wdjfqvsv', '621c8dda6ebae022f13ee87u', '6034a7dfa9cedd724c20cf67', 'a.b~c_d-e']) {
      expect(parseVendorResponse(schema, { id }, { operation: 'get' })).toEqual({ id });
    }
  });

  it('makes an id no later call could use a ResponseShapeError naming the path, not the value', () => {
    for (const id of ['', '.', '..', 'a/b', 'a?b', 'x'.repeat(129), 42]) {
      let error: unknown;
      try {
        parseVendorResponse(schema, { id }, { provider: 'p', operation: 'get' });
      } catch (caught) {
        error = caught;
      }
      expect(ResponseShapeError.isInstance(error), String(id)).toBe(true);
      expect((error as ResponseShapeError).issues[0]?.path).toBe('id');
      if (typeof id === 'string' && id.length > 2) expect((error as Error).message).not.toContain(id);
    }
  });
});

describe('isEndpointUrl', () => {
  it('wants a URL with a host and a scheme its protocol allows', () => {
    expect(isEndpointUrl('rtmp', 'rtmp://ingest.example.com/app/key')).toBe(true);
    expect(isEndpointUrl('hls', 'https://cdn.example.com/live.m3u8')).toBe(true);
    expect(isEndpointUrl('webrtc', 'wss://edge.example.com/webrtc-session.json')).toBe(true);
    for (const [protocol, url] of [
      ['rtmp', 'rtmp://'],
      ['rtmp', '/lv_key?password=1'],
      ['hls', 'rtmp://cdn.example.com/live'],
      ['rtsp', 'rtmp://ingest.example.com/app'],
      ['embed', 'javascript:alert(1)'],
      ['hls', ''],
    ] as const) {
      expect(isEndpointUrl(protocol, url), `${protocol} ${url}`).toBe(false);
    }
    expect(Object.keys(endpointSchemes)).toHaveLength(9);
  });
});
