import { ProviderUnavailableError, UniliveError } from '@unilive/core';
import { SecretScanner } from '@unilive/testing';
import { describe, expect, it } from 'vitest';

// The matrix's "zero leaks" means something only if the scanner sees a leak where there is one.
describe('secret scanner control', () => {
  const secret = 'control-stream-key-0001';

  it('finds a planted secret in a message, a field, JSON, inspect output and URL-encoded text', () => {
    const planted = [
      new Error(`failed with ${secret}`),
      Object.assign(new Error('failed'), { detail: secret }),
      { nested: { key: secret } },
    ];
    for (const value of planted) {
      const scanner = new SecretScanner();
      scanner.register('stream key', secret);
      scanner.recordError(value);
      expect(scanner.leaks(), JSON.stringify(value)).toEqual([{ secretLabel: 'stream key', where: 'error' }]);
    }
    const scanner = new SecretScanner();
    scanner.register('stream key', 'key with/slash');
    scanner.recordText(`https://x.test/?k=${encodeURIComponent('key with/slash')}`);
    expect(scanner.leaks()).toHaveLength(1);
  });

  it('finds nothing once a UniliveError has scrubbed the same secret', () => {
    const scanner = new SecretScanner();
    scanner.register('stream key', secret);
    const error = new ProviderUnavailableError({
      message: `could not reach rtmp://ingest.test/app/${secret}`,
      vendorMessage: `key ${secret} refused`,
      cause: new Error(`socket closed while sending ${secret}`),
      secrets: [secret],
    });
    scanner.recordError(error);
    expect(UniliveError.isInstance(error)).toBe(true);
    expect(scanner.leaks()).toEqual([]);
  });
});
