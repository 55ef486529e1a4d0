import { InvalidInputError } from '../errors/errors.js';
import { servedOperation, UniliveError } from '../errors/unilive-error.js';
import { isSendableHeader, unsendableHeaderIssue, unsendableHeaderMessage } from '../http/header-text.js';
import type { ProviderId } from '../live-stream.js';
import type { SecretSet } from '../secrets.js';
import {
  type CredentialSource,
  checkCredentialSettings,
  loadCredential,
  loadCredentials,
} from './settings.js';

/** One credential an adapter's headers are built from: its setting's value, else the environment. */
export type HeaderCredential = Omit<CredentialSource, 'provider'>;

/** What {@link cachedCredentialHeaders} builds an adapter's headers from. */
export interface CredentialHeaderSettings<Credentials extends readonly HeaderCredential[]> {
  provider: ProviderId;
  /**
   * The credentials, each read with {@link loadCredential} in this order (when any is missing or bad, one
   * error names every one that is: `loadCredentials`), and handed to `build` in this order. A `value` is read once, here: settings are a copy taken
   * at the factory, the same strings on every request.
   */
  credentials: Credentials;
  /** The provider's set: every credential read, and every form `build` names, is hidden from errors. */
  secrets: SecretSet;
  /**
   * The headers for these credentials, called again only when they change. It may throw (a value the
   * vendor's scheme cannot carry: a `:` in an HTTP Basic user name) with `InvalidInputError` naming the
   * setting: when every credential is a setting it runs at creation, which then throws (`operation:
   * 'configure'`); else the request fails before anything is sent. The credentials are already secrets.
   * `secrets` lists further forms to hide (an encoded pair such as `base64(user:password)`).
   */
  build: (values: { readonly [Index in keyof Credentials]: string }) => {
    headers: Record<string, string>;
    secrets?: readonly string[];
  };
}

/**
 * The `headers` callback of `createHttpClient` for an adapter whose headers are built from credentials given
 * as settings or read from the environment. Call it in the factory: credentials given as settings are
 * checked here ({@link checkCredentialSettings}), and when every credential is a setting the headers are
 * built here too, so a bad one (empty, a control character, a `:` in an HTTP Basic user name) throws
 * `InvalidInputError` with `operation: 'configure'` from the factory, as every other bad setting does. Any
 * read from the environment is read again on every request, since the environment may gain or change it.
 * The headers are built, and the credentials added to `secrets`, only when the credentials change: every
 * other request gets the same frozen object, which the HTTP layer recognises without checking its values
 * again.
 *
 * Throws, here or from the callback before a request, what {@link loadCredential} throws
 * (`AuthenticationError` for a missing credential, `InvalidInputError` for one no header can carry) and what
 * `build` throws, never echoing a value.
 *
 * ```ts
 * import { cachedCredentialHeaders, createHttpClient, SecretSet } from '@unilive/core';
 *
 * function acmeHttp(settings: { token?: string; baseUrl: string }) {
 *   const secrets = new SecretSet();
 *   const headers = cachedCredentialHeaders({
 *     provider: 'acme',
 *     credentials: [{ setting: 'token', value: settings.token, environmentVariables: ['ACME_TOKEN'] }],
 *     secrets,
 *     build: ([token]) => ({ headers: { authorization: `Bearer ${token}` } }),
 *   });
 *   return createHttpClient({ provider: 'acme', baseUrl: settings.baseUrl, headers, secrets });
 * }
 * ```
 */
export function cachedCredentialHeaders<const Credentials extends readonly HeaderCredential[]>(
  settings: CredentialHeaderSettings<Credentials>,
): () => Readonly<Record<string, string>> {
  const { provider, secrets, build } = settings;
  // Copied once: each request reads these, never the adapter's objects (which it could change later).
  const sources: readonly CredentialSource[] = settings.credentials.map((credential) => ({
    provider,
    setting: credential.setting,
    value: credential.value,
    environmentVariables: [...credential.environmentVariables],
    problem: credential.problem,
  }));
  const allSettings = sources.every((source) => typeof source.value === 'string');
  let last: { values: readonly string[]; headers: Readonly<Record<string, string>> } | undefined;
  const headers = () => {
    // Only these settings' values can have been kept: nothing to read or compare again.
    if (allSettings && last !== undefined) return last.headers;
    const values = loadCredentials(sources);
    if (last !== undefined && sameValues(last.values, values)) return last.headers;
    // Secrets before `build` runs: a value it refuses is hidden from that error and every later one.
    secrets.add(...values);
    const built = build(values as { readonly [Index in keyof Credentials]: string });
    // Own properties only: a `secrets` set on a polluted Object.prototype is not the adapter's list.
    const extra = Object.hasOwn(built, 'secrets') ? built.secrets : undefined;
    if (extra !== undefined) secrets.add(...extra);
    last = { values, headers: Object.freeze({ ...built.headers }) };
    return last.headers;
  };
  // A setting is known now: refused at the factory, not at the first call (where the caller would look for a
  // fault in the call). When every credential is one, nothing can change them, so `build` runs now as well.
  checkCredentialSettings(sources);
  // Those the environment holds now are secrets from now, not from the first request: a refusal made before
  // any (an option named by the token) is masked by them, as by a setting. Read again on every request.
  if (!allSettings) learnEnvironmentCredentials(sources, secrets);
  if (allSettings) {
    let built: Readonly<Record<string, string>>;
    try {
      built = headers();
    } catch (error) {
      throw UniliveError.isInstance(error) ? servedOperation(error, 'configure') : error;
    }
    // What the HTTP layer would refuse at every request (a token beyond Latin-1 in a Bearer header) is known
    // now, from settings that cannot change: refused here, as the HTTP layer words it.
    for (const [name, value] of Object.entries(built)) {
      if (!isSendableHeader(name, value))
        throw new InvalidInputError({
          provider,
          operation: 'configure',
          message: unsendableHeaderMessage(provider, name),
          issues: [{ path: name, message: unsendableHeaderIssue }],
          delivery: 'not-sent',
        });
    }
  }
  return headers;
}

/**
 * Adds to `secrets` the values the environment holds now for the credentials not given as settings, each
 * read as a request would read it ({@link loadCredential}): a provider that reads its credentials from the
 * environment at each request masks them from its first refusal on, one made before any request included.
 * A value a request would refuse (a placeholder, a control character) is left out: it is never sent, and
 * its refusal names the variable, which a value holding that name (`${VIDEOSDK_API_KEY}`) must not mask.
 * {@link cachedCredentialHeaders} does this; an adapter that reads its credentials otherwise (videosdk,
 * which signs its own tokens) calls it from its factory.
 */
export function learnEnvironmentCredentials(sources: readonly CredentialSource[], secrets: SecretSet): void {
  for (const source of sources) {
    if (typeof source.value === 'string') continue;
    try {
      secrets.add(loadCredential(source));
    } catch {
      // Missing, or refused: the request that reads it says so.
    }
  }
}

function sameValues(kept: readonly string[], read: readonly string[]): boolean {
  for (let index = 0; index < read.length; index += 1) if (kept[index] !== read[index]) return false;
  return true;
}

/**
 * What a token sent as `Authorization: Bearer <token>` may still not be, once read and free of control and
 * invisible characters ({@link loadCredential}): written with a scheme of its own (`Bearer eyJ…` pasted
 * whole from a request: the header would read `Bearer Bearer eyJ…`, which the vendor refuses with 401), or
 * holding characters beyond Latin-1, which no header can carry. `sentence` goes into a message, `issue` into
 * the issue; neither holds the token. `undefined` for a token that can be sent.
 */
export function bearerTokenProblem(token: string): { sentence: string; issue: string } | undefined {
  const scheme = /^(bearer|basic)\s/i.exec(token)?.[1];
  if (scheme !== undefined) {
    return {
      sentence: `the token must be given without a scheme: the adapter sends "Bearer <token>" itself, so drop the "${scheme} " prefix`,
      issue: 'expected the token without a scheme prefix',
    };
  }
  if (/[\u0100-\uffff]/.test(token)) {
    return {
      sentence: 'the token holds characters beyond Latin-1, which no HTTP header can carry',
      issue: 'expected only characters an HTTP header can carry',
    };
  }
  return undefined;
}

/**
 * The `build` of {@link cachedCredentialHeaders} for a vendor that takes one token as
 * `Authorization: Bearer <token>` (Wowza Video, Wowza Real-Time): a token {@link bearerTokenProblem} refuses
 * is an `InvalidInputError` naming `setting`, at the factory for a setting, before each request for a
 * variable.
 */
export function bearerAuthorization(
  provider: ProviderId,
  setting: string,
): (values: readonly [string]) => { headers: Record<string, string> } {
  return ([token]) => {
    const problem = bearerTokenProblem(token);
    if (problem !== undefined) {
      throw new InvalidInputError({
        provider,
        message: `${provider}: ${problem.sentence}`,
        issues: [{ path: setting, message: problem.issue }],
      });
    }
    return { headers: { authorization: `Bearer ${token}` } };
  };
}
