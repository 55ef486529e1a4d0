import type { ConfiguredProviderFactory } from '@unilive/core';
import { createMemoryBackend, createMemoryProvider } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capturedOutput, leaked } from '../test/secrets.js';
import { main } from './cli.js';
import { credentialVariables } from './providers.js';

// Every credential the environment holds is masked in what the CLI prints, whichever provider the command
// uses. Only the account in use was: another vendor's key typed as a stream's name, an option or an
// argument was printed in clear (a create echoing the name it was given, on stdout and in `--json`).

// Word-like values, as keys are written: no shape-based rule recognises them, only knowing them does.
const credential = fc.stringMatching(/^zq[a-z0-9-]{6,30}$/);

describe('every credential in the environment is masked in the CLI’s output', () => {
  it('another vendor’s, typed as a name, an option or an argument, in text and JSON (generated)', async () => {
    const token = 'cli-environment-token-1234';
    const backend = createMemoryBackend({ token, transitionPolls: 0 });
    const loadFactory = async (id: string) =>
      id === 'memory'
        ? ((() => createMemoryProvider({ backend, token })) as ConfiguredProviderFactory)
        : undefined;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...credentialVariables),
        credential,
        fc.constantFrom('name', 'option', 'argument'),
        fc.boolean(),
        async (variable, value, place, json) => {
          const { out, err, output } = capturedOutput();
          const argv =
            place === 'name'
              ? ['create', '--name', value]
              : place === 'option'
                ? ['create', '--name', 'Launch', '--option', `${value}=1`]
                : ['get', value];
          if (json) argv.push('--json');
          await main(argv, {
            output,
            loadFactory,
            environment: { UNILIVE_PROVIDER: 'memory', [variable]: value },
          });
          const printed = [...out, ...err].join('\n');
          expect(leaked(printed, [value]), `${place} via ${variable}: ${printed}`).toBeUndefined();
          // The stream made is printed with its name, masked (an option or a stream id is refused, not
          // always naming it).
          if (place === 'name') expect(printed, printed).toContain('[REDACTED]');
        },
      ),
      { numRuns: 40 },
    );
  });
});
