import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryBackend } from './memory-backend.js';
import { createMemoryProvider } from './memory-provider.js';

// The memory provider reads its settings as an adapter's are read: a Map's `backend` or `token` taken for
// none would talk to a backend of its own with the default token, and the test would prove nothing.

const revoked = (): object => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

class MemorySettings {
  readonly token = 'memory-token-abcdefghij';
}

type Case = { settings: unknown; path: string; message: string };

const names = ['backend', 'token', 'retry', 'timeoutMs'] as const;

const cases: fc.Arbitrary<Case> = fc.oneof(
  fc.constant<Case>({ settings: new Map([['token', 't']]), path: 'settings', message: 'not a Map' }),
  fc.constant<Case>({
    settings: new MemorySettings(),
    path: 'settings',
    message: 'not an instance of MemorySettings',
  }),
  fc.constant<Case>({ settings: revoked(), path: 'settings', message: 'could not be read' }),
  fc.constant<Case>({ settings: null, path: 'settings', message: 'expected an object' }),
  fc.tuple(fc.constantFrom(...names), fc.anything()).map(([name, thrown]): Case => {
    const settings: Record<string, unknown> = {};
    Object.defineProperty(settings, name, {
      enumerable: true,
      get: () => {
        throw thrown;
      },
    });
    return { settings, path: name, message: 'could not be read' };
  }),
  fc
    .constantFrom(...names)
    .map((name): Case => ({ settings: { [name]: null }, path: name, message: 'expected' })),
  fc.constantFrom(['tokn', 'token'], ['backnd', 'backend'], ['timeoutMS', 'timeoutMs']).map(
    ([typo, name]): Case => ({
      settings: { [typo as string]: 'x' },
      path: typo as string,
      message: `did you mean "${name}"`,
    }),
  ),
);

describe('createMemoryProvider settings', () => {
  it('refuses settings it cannot use as given, naming the setting', () => {
    fc.assert(
      fc.property(cases, ({ settings, path, message }) => {
        let caught: unknown;
        try {
          createMemoryProvider(settings as never);
        } catch (error) {
          caught = error;
        }
        expect(InvalidInputError.isInstance(caught), String(caught)).toBe(true);
        const refused = caught as InvalidInputError;
        expect(refused).toMatchObject({ provider: 'memory', operation: 'configure' });
        expect(refused.issues.map((issue) => issue.path)).toEqual([path]);
        expect(refused.issues[0]?.message).toContain(message);
      }),
      { numRuns: 200 },
    );
  });

  it('talks to the backend given, whose counts stay live', async () => {
    const token = 'memory-token-given-0123';
    const backend = createMemoryBackend({ token });
    const provider = createMemoryProvider({ backend, token });
    expect(provider.backend.counts.requests).toBe(0);
    await provider.create({ name: 'a' });
    expect(backend.counts.created).toBe(1);
    expect(provider.backend.counts.requests).toBe(1);
  });
});

describe('memory provider settings: a name repeating the token', () => {
  it('is masked in the refusal, as an adapter masks its credential (generated)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{12,40}$/), (token) => {
        let error: unknown;
        try {
          createMemoryProvider({ token, [token]: 1 } as never);
        } catch (caught) {
          error = caught;
        }
        expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
        expect(String(error)).toContain('[REDACTED]');
        expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(token);
      }),
      { numRuns: 60 },
    );
  });
});
