import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ResponseShapeError } from '../errors/errors.js';
import { endpointSchemes, isEndpointUrl } from '../live-stream.js';
import {
  parseVendorResponse,
  vendorCountField,
  vendorStreamId,
  vendorTimestampField,
} from './parse-response.js';

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

describe('the fields every adapter reads lists and dates with', () => {
  it('vendorCountField reads a count sent as a number or as a string of digits, and anything else as absent', () => {
    const page = v.looseObject({ page: vendorCountField });
    fc.assert(
      fc.property(fc.oneof(fc.nat(), fc.nat().map(String), fc.anything()), (value) => {
        const parsed = v.safeParse(page, { page: value });
        // Never fails the answer it is part of.
        expect(parsed.success).toBe(true);
        const read = parsed.success ? parsed.output.page : 'failed';
        const expected =
          typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
            ? value
            : typeof value === 'string' && /^\s*\d{1,15}\s*$/.test(value)
              ? Number(value)
              : undefined;
        expect(read).toBe(expected);
      }),
    );
    expect(v.parse(page, { page: '2' }).page).toBe(2);
    expect(v.parse(page, { page: 'two' }).page).toBeUndefined();
    expect(v.parse(page, { page: -1 }).page).toBeUndefined();
    expect(v.parse(page, { page: 1.5 }).page).toBeUndefined();
  });

  it('vendorTimestampField keeps a string or a number for parseVendorTimestamp, and reads any other type as absent', () => {
    const stream = v.looseObject({ created_at: vendorTimestampField });
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const parsed = v.safeParse(stream, { created_at: value });
        expect(parsed.success).toBe(true);
        const read = parsed.success ? parsed.output.created_at : 'failed';
        expect(read).toBe(typeof value === 'string' || typeof value === 'number' ? value : undefined);
      }),
    );
  });
});
