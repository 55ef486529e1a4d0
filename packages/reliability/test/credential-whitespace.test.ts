import { createHmac } from 'node:crypto';
import { AuthenticationError, InvalidInputError, type LiveStreamProvider } from '@unilive/core';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import { type CheckRow, writeSection } from '../src/report.js';

// One reading of whitespace around a credential, whichever way it is given: a setting padded with spaces, an
// NBSP, a BOM, an ideographic space or NEL sends what the bare value sends, as the same text in the
// variable does; a setting of that whitespace alone is refused as the setting, a variable of it is unset.

const rows: CheckRow[] = [];
afterAll(() =>
  writeSection('hardening.credential-whitespace', { kind: 'checks', area: 'configuration', rows }),
);
afterEach(() => {
  vi.unstubAllEnvs();
});

const whitespaceKinds = {
  ascii: ' ',
  nbsp: '\u00a0',
  bom: '\ufeff',
  ideographic: '\u3000',
  nel: '\u0085',
} as const;

/** One way an adapter is given its credentials: the settings, each with its variable, and values to give. */
interface CredentialGroup {
  label: string;
  values: Record<string, string>;
  variables: Record<string, string>;
}

const videosdkVariables = { token: 'VIDEOSDK_TOKEN', apiKey: 'VIDEOSDK_API_KEY', secret: 'VIDEOSDK_SECRET' };
const videosdkGroups = (token: string): CredentialGroup[] => [
  { label: 'token', values: { token }, variables: { token: videosdkVariables.token } },
  {
    label: 'apiKey and secret',
    values: { apiKey: 'a3f1c2d4-7b8e-4f00-9a1b-2c3d4e5f6a7b', secret: 'Qm9zY2gtc2VjcmV0LWtleS0xMjM0NTY3' },
    variables: { apiKey: videosdkVariables.apiKey, secret: videosdkVariables.secret },
  },
];

const groups: Record<AdapterId, CredentialGroup[]> = {
  'wowza-video': [
    {
      label: 'token',
      values: { token: String(adapters['wowza-video'].fixtures.settings.token) },
      variables: { token: 'WOWZA_VIDEO_TOKEN' },
    },
  ],
  'wowza-realtime': [
    {
      label: 'token',
      values: { token: String(adapters['wowza-realtime'].fixtures.settings.token) },
      variables: { token: 'WOWZA_REALTIME_TOKEN' },
    },
  ],
  liveapi: [
    {
      label: 'tokenId and secretKey',
      values: {
        tokenId: String(adapters.liveapi.fixtures.settings.tokenId),
        secretKey: String(adapters.liveapi.fixtures.settings.secretKey),
      },
      variables: { tokenId: 'LIVEAPI_TOKEN_ID', secretKey: 'LIVEAPI_SECRET_KEY' },
    },
  ],
  videosdk: videosdkGroups(String(adapters.videosdk.fixtures.settings.token)),
  'videosdk-v2': videosdkGroups(String(adapters['videosdk-v2'].fixtures.settings.token)),
};

/** Every variable any adapter reads a credential from: left blank (unset) unless a case sets it. */
const allVariables = [
  'WOWZA_VIDEO_TOKEN',
  'WOWZA_REALTIME_TOKEN',
  'LIVEAPI_TOKEN_ID',
  'LIVEAPI_SECRET_KEY',
  ...Object.values(videosdkVariables),
];

const fixedNow = () => Date.UTC(2026, 11, 2, 12, 0, 0);

/** The Authorization header of each request the adapter sent for one `get`; the vendor answers 404. */
async function authorizationSent(
  adapterId: AdapterId,
  settings: Record<string, unknown>,
): Promise<{ sent: (string | null)[]; error: unknown }> {
  const adapter = adapters[adapterId];
  const sent: (string | null)[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    sent.push(request.headers.get('authorization'));
    return new Response(JSON.stringify({ message: 'not found' }), {
      status: 404,
      headers: { 'content-type': 'application/json' },
    });
  };
  let error: unknown;
  try {
    const provider: LiveStreamProvider = adapter.factory({
      ...adapter.settings,
      ...(adapter.provider === 'videosdk' ? { now: fixedNow } : {}),
      baseUrl: 'https://vendor.invalid/api',
      fetch,
      retry: { maxRetries: 0 },
      ...settings,
    });
    await provider.get(adapter.fixtures.subjectId);
  } catch (caught) {
    error = caught;
  }
  return { sent, error };
}

/**
 * A signed token (videosdk's key pair) carries a fresh `jti` each time: read as its claims without it and
 * whether the bare `secret` signed it, which is what the vendor checks.
 */
function vendorReading(sent: readonly (string | null)[], secret: string | undefined): unknown[] {
  if (secret === undefined) return [...sent];
  return sent.map((value) => {
    const [header, payload, signature] = (value ?? '').split('.');
    if (header === undefined || payload === undefined || signature === undefined) return value;
    const { jti: _jti, ...claims } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
    return { header, claims, signedWithBareSecret: signature === expected };
  });
}

function blankEnvironment(): void {
  for (const name of allVariables) vi.stubEnv(name, '');
}

describe('credentials: whitespace around a setting reads as around a variable', () => {
  for (const adapterId of adapterIds) {
    for (const group of groups[adapterId]) {
      for (const [kind, space] of Object.entries(whitespaceKinds)) {
        it(`${adapterId} ${group.label}, ${kind}: a padded setting or variable sends the bare value; alone it is none`, async () => {
          blankEnvironment();
          const bare = await authorizationSent(adapterId, group.values);
          // The bare values reach the vendor: it answered (404), the headers carry a credential.
          expect(bare.sent.length).toBeGreaterThan(0);
          expect(bare.sent.every((value) => typeof value === 'string' && value.length > 0)).toBe(true);
          const secret = group.values.secret;
          const expected = vendorReading(bare.sent, secret);
          if (secret !== undefined)
            expect(expected).toContainEqual(expect.objectContaining({ signedWithBareSecret: true }));
          const failures: string[] = [];
          let runs = 0;
          await fc.assert(
            fc.asyncProperty(
              fc.constantFrom(...Object.keys(group.values)),
              fc.constantFrom('setting', 'variable'),
              fc.integer({ min: 0, max: 3 }),
              fc.integer({ min: 0, max: 3 }),
              async (padded, source, before, after) => {
                if (before + after === 0) return;
                runs += 1;
                blankEnvironment();
                const values = { ...group.values };
                values[padded] = `${space.repeat(before)}${values[padded]}${space.repeat(after)}`;
                let settings: Record<string, string> = values;
                if (source === 'variable') {
                  settings = {};
                  for (const [setting, value] of Object.entries(values)) {
                    vi.stubEnv(group.variables[setting] as string, value);
                  }
                }
                const result = await authorizationSent(adapterId, settings);
                const reading = vendorReading(result.sent, secret);
                if (JSON.stringify(reading) !== JSON.stringify(expected)) {
                  failures.push(`${source} ${padded} ${before}+${after}: ${String(result.error)}`);
                }
                expect(reading).toEqual(expected);
              },
            ),
            {
              numRuns: 12,
              examples: Object.keys(group.values).flatMap((setting) => [
                [setting, 'setting', 1, 1],
                [setting, 'variable', 1, 1],
                [setting, 'setting', 1, 0],
                [setting, 'setting', 0, 2],
              ]),
            },
          );

          // The whitespace alone: a setting is refused naming it, before any request; a variable is unset.
          for (const setting of Object.keys(group.values)) {
            blankEnvironment();
            const alone = await authorizationSent(adapterId, { ...group.values, [setting]: space.repeat(2) });
            expect(alone.sent).toEqual([]);
            expect(InvalidInputError.isInstance(alone.error)).toBe(true);
            expect((alone.error as InvalidInputError).issues.map((issue) => issue.path)).toEqual([setting]);
            blankEnvironment();
            for (const [name, value] of Object.entries(group.values)) {
              vi.stubEnv(group.variables[name] as string, name === setting ? space.repeat(2) : value);
            }
            const unset = await authorizationSent(adapterId, {});
            expect(unset.sent).toEqual([]);
            expect(AuthenticationError.isInstance(unset.error)).toBe(true);
            runs += 2;
          }
          rows.push({
            check: `credential whitespace (${group.label}, ${kind}), setting and variable`,
            adapter: adapterId,
            runs,
            failures,
          });
        });
      }
    }
  }
});
