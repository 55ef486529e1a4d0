import { describe, expect, it } from 'vitest';
import { redact, SecretSet } from './secrets.js';

describe('redact', () => {
  it.each([
    ['Authorization: Bearer abc.def-ghi', 'Authorization: Bearer [REDACTED]'],
    ['Basic dXNlcjpwYXNz', 'Basic [REDACTED]'],
    ['token eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.sig here', 'token [REDACTED] here'],
    ['GET https://api.test/x?api_key=SECRET123&page=2', 'GET https://api.test/x?api_key=[REDACTED]&page=2'],
    [
      'rtmp://rtmp.test:1935/v2/pub/stream?token=abcdef',
      'rtmp://rtmp.test:1935/v2/pub/[REDACTED]?token=[REDACTED]',
    ],
    ['push to rtmp://live.test/app/sk_live_123 now', 'push to rtmp://live.test/app/[REDACTED] now'],
    [
      'srt://srt.test:9000?streamid=abc&passphrase=xyz',
      'srt://srt.test:9000?streamid=[REDACTED]&passphrase=[REDACTED]',
    ],
    ['https://user:pa55@host.test/path', 'https://[REDACTED]@host.test/path'],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('removes known secrets in plain, URL-encoded and base64 forms', () => {
    const secret = 'tok/en+1=';
    const text = `a ${secret} b ${encodeURIComponent(secret)} c ${btoa(secret)}`;
    expect(redact(text, [secret])).toBe('a [REDACTED] b [REDACTED] c [REDACTED]');
  });

  it('ignores values too short to be secrets', () => {
    expect(redact('abc is fine', ['abc'])).toBe('abc is fine');
  });
});

describe('SecretSet', () => {
  it('collects values as they are learnt', () => {
    const secrets = new SecretSet();
    secrets.add('first-secret', undefined, null, '', 'x');
    secrets.add('second-secret');
    expect(secrets.values()).toEqual(['first-secret', 'second-secret']);
    expect(secrets.redact('first-secret and second-secret')).toBe('[REDACTED] and [REDACTED]');
  });
});

describe('SecretSet tiers', () => {
  it('keeps credentials for good and only the most recent learned values', () => {
    const secrets = new SecretSet({ learnedLimit: 2 });
    secrets.add('credential-1');
    secrets.learn('stream-key-1', 'stream-key-2');
    secrets.learn('stream-key-1'); // seen again: now the most recent
    secrets.learn('stream-key-3');
    expect(secrets.values()).toEqual(['credential-1', 'stream-key-1', 'stream-key-3']);
    secrets.learn('credential-1');
    expect(secrets.values()).toEqual(['credential-1', 'stream-key-1', 'stream-key-3']);
  });

  it('still scrubs an evicted stream key inside an RTMP URL by pattern', () => {
    const secrets = new SecretSet({ learnedLimit: 1 });
    secrets.learn('old-stream-key', 'new-stream-key');
    expect(secrets.redact('rtmp://ingest.test/live/old-stream-key')).toBe(
      'rtmp://ingest.test/live/[REDACTED]',
    );
  });
});
