import { inspect } from 'node:util';
import fc from 'fast-check';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthenticationError, InvalidInputError } from '../errors/errors.js';
import { UniliveError } from '../errors/unilive-error.js';
import { createHttpClient } from '../http/http-client.js';
import { SecretSet } from '../secrets.js';
import { cachedCredentialHeaders, type HeaderCredential } from './credential-headers.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

// Shaped like vendor tokens, long enough that a value found in a message can only have been copied there.
const credentialValue = fc.stringMatching(/^[A-Za-z0-9_.-]{12,40}$/);

// One to three credentials (a token; a Basic pair; a key, secret and account), each in its own variables.
const credentialCount = fc.integer({ min: 1, max: 3 });

// Variable names of this test only, so that nothing else in the environment can answer for them.
function variablesOf(index: number): string[] {
  return [`UNILIVE_TEST_CREDENTIAL_${index}`, `UNILIVE_TEST_CREDENTIAL_${index}_FALLBACK`];
}

function credentialsOf(values: readonly (string | undefined)[]): HeaderCredential[] {
  return values.map((value, index) => ({
    setting: `credential${index}`,
    value,
    environmentVariables: variablesOf(index),
  }));
}

// The headers a vendor's scheme would build, with a form that is no copy of any one credential.
function builder() {
  const calls: string[][] = [];
  const build = (values: readonly string[]) => {
    calls.push([...values]);
    const joined = values.join(':');
    const encoded = Buffer.from(joined).toString('base64');
    return {
      headers: { authorization: `Scheme ${encoded}`, 'x-first': values[0] as string },
      secrets: [encoded],
    };
  };
  const expected = (values: readonly string[]) => ({
    authorization: `Scheme ${Buffer.from(values.join(':')).toString('base64')}`,
    'x-first': values[0],
  });
  return { calls, build, expected };
}

function transcript(error: unknown): string {
  return [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: 8 }).replace(/^\s+at .+$/gm, ''),
  ].join('\n');
}

describe('cachedCredentialHeaders', () => {
  it('checks credentials given as settings once and hands back one frozen object, whatever the environment does', () => {
    fc.assert(
      fc.property(
        credentialCount.chain((count) =>
          fc.tuple(
            fc.array(credentialValue, { minLength: count, maxLength: count }),
            fc.array(
              fc.array(fc.option(credentialValue, { nil: undefined }), {
                minLength: count,
                maxLength: count,
              }),
              {
                minLength: 1,
                maxLength: 6,
              },
            ),
          ),
        ),
        ([values, environments]) => {
          const secrets = new SecretSet();
          const { calls, build, expected } = builder();
          const headers = cachedCredentialHeaders({
            provider: 'test-vendor',
            credentials: credentialsOf(values),
            secrets,
            build,
          });
          const first = headers();
          expect(first).toEqual(expected(values));
          expect(Object.isFrozen(first)).toBe(true);
          for (const environment of environments) {
            environment.forEach((value, index) => {
              vi.stubEnv(variablesOf(index)[0] as string, value);
            });
            expect(headers()).toBe(first);
          }
          expect(calls).toEqual([values]);
          expect(secrets.holdsAll([...values, Buffer.from(values.join(':')).toString('base64')])).toBe(true);
          vi.unstubAllEnvs();
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reads credentials from the environment on every request and builds again only when one changed', () => {
    fc.assert(
      fc.property(
        credentialCount.chain((count) =>
          fc.tuple(
            // Some given as settings, the others from the environment (first or fallback variable).
            fc.array(fc.option(credentialValue, { nil: undefined }), { minLength: count, maxLength: count }),
            // A small pool, so that consecutive requests often see the same values.
            fc.array(
              fc.array(
                fc.record({
                  value: fc.constantFrom('aaaaaaaaaaaa1', 'bbbbbbbbbbbb2', 'cccccccccccc3'),
                  fallback: fc.boolean(),
                }),
                {
                  minLength: count,
                  maxLength: count,
                },
              ),
              { minLength: 1, maxLength: 8 },
            ),
          ),
        ),
        ([given, environments]) => {
          fc.pre(given.some((value) => value === undefined));
          const secrets = new SecretSet();
          const { calls, build, expected } = builder();
          const headers = cachedCredentialHeaders({
            provider: 'test-vendor',
            credentials: credentialsOf(given),
            secrets,
            build,
          });
          let previous: { values: string[]; headers: Readonly<Record<string, string>> } | undefined;
          let builds = 0;
          for (const environment of environments) {
            vi.unstubAllEnvs();
            environment.forEach(({ value, fallback }, index) => {
              const [first, second] = variablesOf(index) as [string, string];
              vi.stubEnv(first, fallback ? undefined : value);
              vi.stubEnv(second, fallback ? value : undefined);
            });
            const values = given.map((value, index) => value ?? (environment[index]?.value as string));
            const got = headers();
            expect(got).toEqual(expected(values));
            const changed =
              previous === undefined || values.some((value, index) => value !== previous?.values[index]);
            if (changed) builds += 1;
            else expect(got).toBe(previous?.headers);
            expect(calls.length).toBe(builds);
            expect(secrets.holdsAll([...values, Buffer.from(values.join(':')).toString('base64')])).toBe(
              true,
            );
            previous = { values, headers: got };
          }
          vi.unstubAllEnvs();
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses a bad credential setting at creation, and a missing, unreadable or unbuildable one from the environment on every request, typed, echoing no value', async () => {
    const badness = fc.constantFrom('missing', 'control', 'not-a-string', 'build-refuses');
    await fc.assert(
      fc.asyncProperty(
        credentialCount.chain((count) =>
          fc.tuple(
            fc.array(credentialValue, { minLength: count, maxLength: count }),
            fc.array(fc.boolean(), { minLength: count, maxLength: count }),
            fc.nat({ max: count - 1 }),
          ),
        ),
        badness,
        fc.integer({ min: 1, max: 3 }),
        async ([values, fromEnvironment, bad], kind, requests) => {
          const given: unknown[] = values.map((value, index) => (fromEnvironment[index] ? undefined : value));
          values.forEach((value, index) => {
            if (fromEnvironment[index]) vi.stubEnv(variablesOf(index)[0] as string, value);
          });
          const badValue = `${values[bad]}\r\nx-injected: 1`;
          if (kind === 'missing') {
            given[bad] = undefined;
            vi.stubEnv(variablesOf(bad)[0] as string, undefined);
          } else if (kind === 'control') {
            if (fromEnvironment[bad]) vi.stubEnv(variablesOf(bad)[0] as string, badValue);
            else given[bad] = badValue;
          } else if (kind === 'not-a-string') given[bad] = 1234;
          const secrets = new SecretSet();
          let builds = 0;
          let headers: (() => Readonly<Record<string, string>>) | undefined;
          let atCreation: unknown;
          try {
            headers = cachedCredentialHeaders({
              provider: 'test-vendor',
              credentials: credentialsOf(given as (string | undefined)[]),
              secrets,
              build: (read) => {
                builds += 1;
                if (kind === 'build-refuses')
                  throw new InvalidInputError({
                    provider: 'test-vendor',
                    message: 'test-vendor: credential0 cannot be carried',
                    issues: [{ path: 'credential0', message: 'expected no such value' }],
                  });
                return { headers: { authorization: `Scheme ${read.join(':')}` } };
              },
            });
          } catch (caught) {
            atCreation = caught;
          }
          // A bad setting is known at creation, and so is `build`'s refusal when every credential is a setting:
          // refused there, as configuration. The environment is read before each request instead.
          const settingsOnly = given.every((value) => value !== undefined);
          if (
            kind === 'not-a-string' ||
            (kind === 'control' && !fromEnvironment[bad]) ||
            (kind === 'build-refuses' && settingsOnly)
          ) {
            expect(InvalidInputError.isInstance(atCreation), String(atCreation)).toBe(true);
            expect((atCreation as InvalidInputError).operation).toBe('configure');
            expect((atCreation as InvalidInputError).delivery).toBe('not-sent');
            const path = kind === 'build-refuses' ? 'credential0' : `credential${bad}`;
            expect((atCreation as InvalidInputError).issues.map((issue) => issue.path)).toEqual([path]);
            const text = transcript(atCreation);
            for (const value of [...values, badValue]) expect(text).not.toContain(value);
            expect(builds).toBe(kind === 'build-refuses' ? 1 : 0);
            if (kind === 'build-refuses') expect(secrets.holdsAll(values)).toBe(true);
            vi.unstubAllEnvs();
            return;
          }
          expect(atCreation).toBeUndefined();
          let sent = 0;
          const http = createHttpClient({
            provider: 'test-vendor',
            baseUrl: 'https://api.vendor.test/v1',
            headers: headers as () => Readonly<Record<string, string>>,
            secrets,
            fetch: (async () => {
              sent += 1;
              return new Response('{"id":"a"}');
            }) as typeof fetch,
          });
          for (let request = 0; request < requests; request += 1) {
            const error = await http
              .request({ operation: 'get', method: 'GET', path: 'live_streams/a', schema: v.looseObject({}) })
              .then(
                () => undefined,
                (caught: unknown) => caught,
              );
            expect(UniliveError.isInstance(error)).toBe(true);
            // Named for the call that read it, not for the factory.
            expect((error as UniliveError).operation).toBe('get');
            if (kind === 'missing') {
              expect(AuthenticationError.isInstance(error)).toBe(true);
              expect((error as Error).message).toContain(`credential${bad}`);
            } else {
              expect(InvalidInputError.isInstance(error)).toBe(true);
              const path = kind === 'build-refuses' ? 'credential0' : `credential${bad}`;
              expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual([path]);
            }
            const text = transcript(error);
            for (const value of [...values, badValue]) expect(text).not.toContain(value);
          }
          expect(sent).toBe(0);
          // Never kept: a refused set is checked, and refused, again on every request.
          expect(builds).toBe(kind === 'build-refuses' ? requests : 0);
          // What was read before the refusal is already a secret.
          if (kind === 'build-refuses') expect(secrets.holdsAll(values)).toBe(true);
          vi.unstubAllEnvs();
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses at creation a header built from settings that no request could carry, and from the environment at each request', async () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9]{6,20}$/),
        fc.constantFrom('€', 'ā', '\u3042', '😀'),
        fc.boolean(),
        (token, character, fromEnvironment) => {
          const value = `${token}${character}${token}`;
          if (fromEnvironment) vi.stubEnv('UNILIVE_TEST_CREDENTIAL_0', value);
          const make = () =>
            cachedCredentialHeaders({
              provider: 'test-vendor',
              credentials: [
                {
                  setting: 'token',
                  value: fromEnvironment ? undefined : value,
                  environmentVariables: ['UNILIVE_TEST_CREDENTIAL_0'],
                },
              ],
              secrets: new SecretSet(),
              build: ([read]) => ({ headers: { authorization: `Bearer ${read}` } }),
            });
          if (fromEnvironment) {
            // The HTTP layer refuses it before each request (its own tests); the headers are built as read.
            expect(make()()).toEqual({ authorization: `Bearer ${value}` });
          } else {
            let thrown: unknown;
            try {
              make();
            } catch (error) {
              thrown = error;
            }
            expect(InvalidInputError.isInstance(thrown)).toBe(true);
            expect((thrown as InvalidInputError).operation).toBe('configure');
            expect((thrown as InvalidInputError).issues).toEqual([
              { path: 'authorization', message: 'expected only characters an HTTP header can carry' },
            ]);
            expect(transcript(thrown)).not.toContain(token);
          }
          vi.unstubAllEnvs();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads each setting once, at creation: a later change to the object it was given is not seen', () => {
    const secrets = new SecretSet();
    const credential = {
      setting: 'token',
      value: 'token-as-given-1234',
      environmentVariables: ['UNILIVE_TEST_CREDENTIAL_0'],
    };
    const headers = cachedCredentialHeaders({
      provider: 'test-vendor',
      credentials: [credential],
      secrets,
      build: ([token]) => ({ headers: { authorization: `Bearer ${token}` } }),
    });
    credential.value = 'token-changed-later-5678';
    expect(headers()).toEqual({ authorization: 'Bearer token-as-given-1234' });
  });
});
