import type { ConfiguredProviderFactory } from '@unilive/core';
import { createMemoryBackend, createMemoryProvider } from '@unilive/testing';
import { describe, expect, it } from 'vitest';
import { capturedOutput } from '../test/secrets.js';
import { main } from './cli.js';

// An option given once is given once: `--token a --token b` sent the last value silently, and
// `--recording --no-recording` let the order decide what was sent. Both are usage errors (2), before
// anything is loaded or sent, naming the flags and never a value. A switch said twice says the same thing.

async function run(argv: string[]) {
  const { out, err, output } = capturedOutput();
  let loaded = 0;
  const code = await main(argv, {
    output,
    loadFactory: async () => {
      loaded += 1;
      return undefined;
    },
    environment: { UNILIVE_PROVIDER: 'memory' },
  });
  return { code, printed: [...out, ...err].join('\n'), loaded };
}

describe('a flag given twice', () => {
  it('is a usage error for a value or a contradiction, naming the flags only', async () => {
    for (const [argv, message] of [
      [
        ['update', 'abc', '--recording', '--no-recording'],
        '--recording and --no-recording contradict each other',
      ],
      [
        ['update', 'abc', '--no-recording', '--recording'],
        '--no-recording and --recording contradict each other',
      ],
      [['list', '--token', 'first-token-value', '--token', 'second-token-value'], '--token is given 2 times'],
      [['create', '--name', 'a', '--name', 'b', '--name', 'c'], '--name is given 3 times'],
    ] as const) {
      const { code, printed, loaded } = await run([...argv]);
      expect(code, printed).toBe(2);
      expect(printed).toContain(message);
      expect(printed).not.toMatch(/token-value/);
      expect(loaded).toBe(0);
    }
  });

  it('is a usage error for an --option name given twice, before anything is sent', async () => {
    const token = 'repeated-option-token-1234';
    const backend = createMemoryBackend({ token });
    const { out, err, output } = capturedOutput();
    const code = await main(
      ['create', '--name', 'a', '--option', 'enabled=true', '--option', 'enabled=false'],
      {
        output,
        loadFactory: async () =>
          (() => createMemoryProvider({ backend, token })) as ConfiguredProviderFactory,
        environment: { UNILIVE_PROVIDER: 'memory' },
      },
    );
    expect(code).toBe(2);
    expect([...out, ...err].join('\n')).toContain('--option enabled is given more than once: give it once');
    expect(backend.counts.requests).toBe(0);
  });

  it('is taken for a switch said twice', async () => {
    const { printed } = await run(['list', '--json', '--json']);
    expect(printed).not.toContain('given 2 times');
  });
});
