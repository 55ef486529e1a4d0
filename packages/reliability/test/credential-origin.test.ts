import { createLiveStreamClient, InvalidInputError, maxCredentialLength } from '@unilive/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adapterIds, adapters } from '../src/adapters.js';
import { checkSection } from './check-rows.js';

// A credential refused before any request names the one place its value came from: the setting when one
// was given, else the environment variable read. A Wowza token written as `Bearer …` or holding characters
// beyond Latin-1 named no place at all ("the token holds characters beyond Latin-1"), and core's own checks
// named every place at once ("from the `token` setting or WOWZA_VIDEO_TOKEN"), so a user with the token in
// the environment looked for a setting they never gave.

const baseUrl = 'http://127.0.0.1:9/';
const { counted } = checkSection('hardening.credential-origin', 'configuration');
const check = 'a refused credential names the one place its value came from, nothing sent';

interface Refused {
  label: string;
  value: string;
  /** Refused only where the vendor's own rule reads it (a header-carried token), else by core for all. */
  tokenOnly?: true;
  /** Only a setting can hold it: the environment is read from bytes, where a lone surrogate has no form. */
  settingOnly?: true;
}

const refusedValues: readonly Refused[] = [
  { label: 'a control character', value: 'Zq9-abc\u0001def' },
  { label: 'an invisible character', value: 'Zq9-abc\u200bdef' },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text a configuration file holds, unexpanded.
  { label: 'an unexpanded placeholder', value: 'Zq9-${TOKEN}' },
  { label: 'too long', value: `Zq9-${'e'.repeat(maxCredentialLength)}` },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text a configuration file holds, unexpanded.
  { label: 'its own variable', value: 'Zq9-${VARIABLE}' },
  { label: 'a lone surrogate', value: 'Zq9-abc\ud800def', settingOnly: true },
  { label: 'a scheme', value: 'Bearer Zq9-abcdef', tokenOnly: true },
  { label: 'beyond Latin-1', value: 'Zq9-abc€def', tokenOnly: true },
];

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('a refused credential names the one place its value came from', () => {
  for (const adapterId of adapterIds) {
    const adapter = adapters[adapterId];
    const variables = adapter.credentialVariables;
    it(`${adapterId}: the setting or the variable read, never both, for every credential (generated)`, async () => {
      const cases = fc.record({
        setting: fc.constantFrom(...adapter.credentialSettings),
        refused: fc.constantFrom(...refusedValues),
        fromEnvironment: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(cases, async ({ setting, refused: drawn, fromEnvironment }) => {
          // The vendor's own rule reads a token its scheme carries in a header: Wowza's Bearer token and
          // videosdk's JWT. LiveAPI's pair and videosdk's signing key are no header. Decided before the case
          // is counted: a case left out is no failure of the row's.
          if (drawn.tokenOnly && setting !== 'token') return;
          if (drawn.settingOnly && fromEnvironment) return;
          await counted(
            check,
            adapterId,
            async () => {
              // Every credential variable unset but the one under test.
              for (const name of Object.values(variables)) vi.stubEnv(name, '');
              const variable = variables[setting] ?? '';
              // A placeholder naming its own variable, the usual unexpanded pass-through (`${VAR}` in a
              // compose file): the refusal must still name that variable, not mask it as part of the value.
              const refused =
                drawn.label === 'its own variable'
                  ? { ...drawn, value: drawn.value.replace('VARIABLE', variable) }
                  : drawn;
              const settings: Record<string, unknown> = {
                ...adapter.settings,
                baseUrl,
                retry: { maxRetries: 0 },
              };
              // The credentials that go with this one (LiveAPI's pair, videosdk's key pair), given right.
              const partners =
                adapterId === 'liveapi'
                  ? adapter.credentialSettings
                  : setting === 'token'
                    ? []
                    : ['apiKey', 'secret'];
              for (const partner of partners)
                if (partner !== setting) settings[partner] = `partner-${partner}-0123456789`;
              if (fromEnvironment) vi.stubEnv(variable, refused.value);
              else settings[setting] = refused.value;
              const sent: string[] = [];
              settings.fetch = async (request: Request) => {
                sent.push(request.url);
                return new Response('{}', { status: 500 });
              };
              let error: unknown;
              try {
                await createLiveStreamClient(adapter.factory(settings)).get(adapter.fixtures.subjectId);
              } catch (caught) {
                error = caught;
              }
              const place = fromEnvironment ? variable : `the \`${setting}\` setting`;
              const said = `${setting} ${refused.label} from ${place}: ${String(error)}`;
              expect(InvalidInputError.isInstance(error), said).toBe(true);
              const refusal = error as InvalidInputError;
              expect(
                refusal.issues.map((issue) => issue.path),
                said,
              ).toEqual([setting]);
              expect(refusal.delivery, said).toBe('not-sent');
              expect(refusal.message, said).toMatch(
                new RegExp(`(\\(|; )from ${place.replace(/[`]/g, '.')}\\)`),
              );
              for (const other of [`the \`${setting}\` setting`, variable])
                if (other !== place) expect(refusal.message, said).not.toContain(other);
              expect(refusal.message, said).not.toContain('Zq9');
              expect(sent, said).toEqual([]);
            },
            `${setting} ${drawn.label} from ${fromEnvironment ? 'the environment' : 'a setting'}`,
          );
        }),
        { numRuns: 60 },
      );
    });
  }
});
