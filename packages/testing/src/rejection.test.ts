import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rejectionOf } from './index.js';

describe('rejectionOf', () => {
  it('gives what a call throws or rejects with, as it is', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.boolean(), async (thrown, asynchronous) => {
        const got = await rejectionOf(
          asynchronous
            ? async () => {
                throw thrown;
              }
            : () => {
                throw thrown;
              },
        );
        expect(got).toBe(thrown);
      }),
    );
  });

  it('fails the test when the call succeeds, naming the result by its type only', async () => {
    const secret = 'zqSecretResultValue123';
    const resolved = await rejectionOf(() => rejectionOf(async () => ({ streamKey: secret })));
    expect(resolved).toBeInstanceOf(Error);
    expect((resolved as Error).message).toBe('expected the call to fail; it returned a value (object)');
    expect(String(resolved)).not.toContain(secret);
    const none = await rejectionOf(() => rejectionOf(() => undefined));
    expect((none as Error).message).toBe('expected the call to fail; it returned nothing');
    const nothing = await rejectionOf(() => rejectionOf(() => null));
    expect((nothing as Error).message).toBe('expected the call to fail; it returned a value (null)');
  });

  it('refuses what is no function', async () => {
    const got = await rejectionOf(() => rejectionOf('client.get' as never));
    expect(got).toBeInstanceOf(TypeError);
  });
});
