import { AuthenticationError, type InputIssue, InvalidInputError } from '../errors/errors.js';
import { quotesNoValue } from '../errors/quotes-no-value.js';
import { defaultRetryPolicy } from '../http/retry-policy.js';
import { ownData } from '../inputs.js';
import type { ProviderId } from '../live-stream.js';
import { moreUnknown, namedUnknownNames } from '../options.js';
import { isArrayValue, plainObjectProblem, unreadableText } from '../own.js';
import type { ProviderSettingsBase } from '../provider.js';
import { minimumSecretLength } from '../redaction/forms.js';
import { redactedMarker } from '../redaction/marker.js';
import { knownValuesRedactor } from '../secrets.js';
import { isWellFormed } from '../text.js';
import { mayBeCredentialName, unknownNameAdvice } from './names.js';

/**
 * Environment variables, when the runtime has them, read as {@link environmentView} reads them: a blank
 * variable is absent and a value's surrounding whitespace is dropped.
 */
export function environment(): Readonly<Record<string, string | undefined>> {
  const process = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return environmentView(process?.env ?? {});
}

/**
 * The one rule for reading an environment variable, wherever unilive reads one (the adapters' credentials
 * and base URLs, `loadClientFromConfig`, the CLI): a value that is empty or only whitespace (Unicode's
 * White_Space, which JavaScript's `trim` covers but for U+0085 NEL, counted too; and the BOM) is absent, for
 * choosing between variables as much as for reading one (`VIDEOSDK_TOKEN="  "` leaves the key pair to be
 * used, `WOWZA_REALTIME_TOKEN="  "` leaves `WOWZA_VIDEO_TOKEN`), and whitespace around a value is dropped
 * (`" tok "` reads `tok`): it is what a shell quote or a `.env` file's CRLF line end leaves, and no vendor's
 * token or key begins or ends with whitespace, so sending it could only be refused. Returns a read-only view
 * of `variables` (property reads only; nothing is copied, so a variable set later is seen).
 */
export function environmentView(
  variables: Readonly<Record<string, string | undefined>>,
): Readonly<Record<string, string | undefined>> {
  return new Proxy(Object.create(null) as Record<string, string | undefined>, {
    get(_target, name) {
      if (typeof name !== 'string') return undefined;
      const value = variables[name];
      if (typeof value !== 'string') return undefined;
      const trimmed = trimWhitespace(value);
      return trimmed === '' ? undefined : trimmed;
    },
    has(_target, name) {
      return typeof name === 'string' && trimWhitespace(variables[name] ?? '') !== '';
    },
  });
}

// Unicode's White_Space is what JavaScript's `trim` drops (and the BOM) plus U+0085 (NEL, a line end in
// EBCDIC-converted text), which `trim` keeps. A value of NEL alone is blank like one of CR/LF, and one
// around a value is dropped like a CRLF line end; inside a value it is a C1 control, refused. Walked by
// index rather than by a regular expression, whose `\u0085+$` backtracks over a long run inside a value.
const nel = 0x85;

/**
 * `text` without the whitespace around it: JavaScript's `trim`, U+0085 (NEL) included. The library's one
 * reading of an optional text setting: what is left empty counts as unset ({@link environmentView}, the
 * sandbox's `host`).
 */
export function trimWhitespace(text: string): string {
  let current = text.trim();
  while (current.charCodeAt(0) === nel || current.charCodeAt(current.length - 1) === nel) {
    let start = 0;
    let end = current.length;
    while (start < end && current.charCodeAt(start) === nel) start += 1;
    while (end > start && current.charCodeAt(end - 1) === nel) end -= 1;
    current = current.slice(start, end).trim();
  }
  return current;
}

/** Where a credential comes from: an explicit setting or an environment variable. */
export interface CredentialSource {
  provider: ProviderId;
  /** The setting's name, as the factory takes it (`token`). */
  setting: string;
  /** The explicit value, when the caller passed one. */
  value: string | undefined;
  /** Environment variables read in order when no value was passed. */
  environmentVariables: readonly string[];
  /**
   * The vendor's own rule for a value that passed core's checks (a Bearer token written with its scheme,
   * or holding characters beyond Latin-1: core's `bearerTokenProblem`): `sentence` goes into the message,
   * `issue` into the issue, neither holding the value; `undefined` for a value the vendor can take. Refused
   * as core's own checks are, naming where the value came from (the setting, or the variable read).
   */
  problem?: ((value: string) => CredentialProblem | undefined) | undefined;
  /**
   * The call a missing value's `AuthenticationError` names (`parseWebhook`, for a webhook secret read when a
   * delivery is parsed); unset for a credential of the vendor's API, whose request names its own call.
   */
  operation?: string | undefined;
}

/** What a {@link CredentialSource}'s `problem` finds wrong with a value, in words that hold none of it. */
export interface CredentialProblem {
  /** Goes into the message after the provider (`the token holds characters beyond Latin-1, …`). */
  sentence: string;
  /** Goes into the issue (`expected only characters an HTTP header can carry`). */
  issue: string;
}

// C0 and C1 controls and DEL. A C1 control (U+0080–U+009F) is Latin-1, so fetch would send it, and no
// vendor's token or key holds one: CSI (U+009B) or NEL (U+0085) is a terminal or line-end escape, never a
// credential's character. The line and paragraph separators (U+2028, U+2029) end a line as CR/LF do.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects.
const headerUnsafe = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

// Unicode's default-ignorable code points: zero-width spaces and joiners (U+200B–U+200D, U+2060), a BOM
// inside a value, soft hyphens, variation selectors, tag characters. Nothing shows them where a credential is
// pasted from, no vendor's token or key holds one, and a credential made of nothing else would pass the
// blank check (they are not whitespace) and reach the vendor as a credential.
const invisible = /* @__PURE__ */ (() => /\p{Default_Ignorable_Code_Point}/u)();

// A value holding a template placeholder nothing expanded: anything with `${` or `{{` in it
// (`${WOWZA_VIDEO_TOKEN}` with a shell default or not, `${env:TOKEN}`, GitHub Actions' `${{ secrets.TOKEN }}`,
// a template's `{{ token }}`, alone, quoted or inside a longer value: `Bearer ${TOKEN}`), `$(TOKEN)`,
// `%TOKEN%`, `#{TOKEN}`, or an upper-case `$TOKEN` standing as a word (the whole value, quoted, or after a
// space: `Bearer $TOKEN`). No vendor's token, key or secret holds one (Wowza's JWTs, LiveAPI's and
// videosdk's keys are letters, digits and `.-_`; a webhook secret is the vendor's, base64 at most), and sent
// as the credential it could only be refused, a 401 that reads as a wrong token.
const unexpandedPlaceholder =
  /\$\{|\{\{|\$\([A-Za-z_][A-Za-z0-9_]*\)|%[A-Z_][A-Z0-9_]*%|#\{[A-Za-z_][^{}]*\}|(?:^|[\s"'])\$[A-Z_][A-Z0-9_]*(?=$|[\s"'])/;

/**
 * The longest credential, and the longest text setting, an adapter takes: 8,192 characters, far above any
 * vendor's token or key (a JWT with its claims is a few hundred to a couple of thousand). A longer value is
 * refused at the factory (or, from the environment, before the first request) with `InvalidInputError`:
 * every credential is compiled into the redactor in all its encodings, and a value of megabytes would cost
 * seconds and memory before anything is sent.
 */
export const maxCredentialLength = 8_192;

/**
 * Reads a credential from its setting or environment, by one rule: whitespace around the value (as
 * {@link trimWhitespace} reads it: JavaScript's `trim`, the BOM and NEL included) is dropped whichever way it
 * came, so `token: ' tok '` and `TOKEN=" tok "` both read `tok`. A missing one throws `AuthenticationError`
 * naming the setting and variables; an explicit value that is not a string, empty or only whitespace
 * (refused as the setting it is, as `null` is, never read as unset: the environment is then not read), one
 * with control characters inside it (C0, DEL or C1: CR/LF header injection, a terminal escape) or invisible
 * ones (default-ignorable code points: U+200B, U+2060, a BOM inside), one that holds an unexpanded
 * template placeholder (anything holding `${` or `{{`: `${WOWZA_VIDEO_TOKEN}`, `${{ secrets.TOKEN }}`,
 * `{{ token }}`, `Bearer ${TOKEN}`; `$(TOKEN)`, `%TOKEN%`, `#{TOKEN}`; an upper-case `$LIVEAPI_TOKEN_SECRET`
 * standing as a word: a configuration file's values are taken as written), or one longer than {@link maxCredentialLength}, throws
 * `InvalidInputError`. No message includes the value.
 */
export function loadCredential(source: CredentialSource): string {
  // A setting typed `string` can still be given anything from JavaScript or a config file (a number, a
  // function returning a token): refused as input, naming the setting, rather than failing on the first
  // string method it lacks.
  if (source.value !== undefined && source.value !== null && typeof source.value !== 'string') {
    throw quotesNoValue(
      new InvalidInputError({
        provider: source.provider,
        operation: 'configure',
        message: `${source.provider}: the \`${source.setting}\` setting must be a string`,
        issues: [{ path: source.setting, message: 'expected a string' }],
        delivery: 'not-sent',
      }),
    );
  }
  // An empty or blank setting is refused as the setting it is, as `null` is: taken for unset, it would run
  // the call with whatever account the environment names (a value read from an empty file or a missing
  // variable of the caller's own, say), and the message "pass the setting or VARIABLE" would name a variable
  // that may be set.
  // Whitespace around a setting is dropped as it is around a variable (one reading of a credential, however
  // it is given): a value pasted with a trailing space or NBSP, a config file's `" tok "`, a BOM left by an
  // editor at a file's start. No vendor's token or key begins or ends with whitespace, so sending it could
  // only be refused (a 401 for a token that is right), and a BOM is whitespace, not a character "beyond
  // Latin-1". Trimmed once here, the string the blank check reads: no further pass per request.
  const given = typeof source.value === 'string' ? trimWhitespace(source.value) : undefined;
  if (given === '') {
    throw quotesNoValue(
      new InvalidInputError({
        provider: source.provider,
        operation: 'configure',
        message: `${source.provider}: the \`${source.setting}\` setting is empty; give a value, or leave the setting out${source.environmentVariables.length > 0 ? ` to read ${source.environmentVariables.join(' or ')}` : ''}`,
        issues: [{ path: source.setting, message: blankCredentialIssue }],
        delivery: 'not-sent',
      }),
    );
  }
  // Called before every request: the environment (a lookup per variable in Node) is read only when needed.
  const read = given === undefined ? environmentEntry(source.environmentVariables) : undefined;
  const value = given ?? read?.[1];
  if (value === undefined || trimWhitespace(value) === '') {
    throw quotesNoValue(
      new AuthenticationError({
        provider: source.provider,
        ...(source.operation === undefined ? {} : { operation: source.operation }),
        message: `${source.provider}: no ${source.setting} configured; pass ${whereFrom(source)}`,
      }),
    );
  }
  // Where this value came from, for every refusal below: the setting, or the one variable read (the caller
  // fixes that one, not the first of the list).
  const origin = read === undefined ? `the \`${source.setting}\` setting` : read[0];
  if (headerUnsafe.test(value)) {
    throw quotesNoValue(
      new InvalidInputError({
        provider: source.provider,
        operation: 'configure',
        message: `${source.provider}: ${source.setting} contains control characters (from ${origin})`,
        issues: [{ path: source.setting, message: 'expected no control characters' }],
        delivery: 'not-sent',
      }),
    );
  }
  if (invisible.test(value)) {
    throw quotesNoValue(
      new InvalidInputError({
        provider: source.provider,
        operation: 'configure',
        message: `${source.provider}: ${source.setting} holds invisible characters (zero-width, format or other ignorable code points; from ${origin})`,
        issues: [{ path: source.setting, message: 'expected no invisible characters' }],
        delivery: 'not-sent',
      }),
    );
  }
  // A lone surrogate has no UTF-8 form: encoding it (a signature's key, a Basic header, a JWT's claim) would
  // send U+FFFD in its place, so two different secrets would sign alike. Only a setting can hold one (the
  // environment is read from bytes).
  if (!isWellFormed(value)) {
    throw quotesNoValue(
      new InvalidInputError({
        provider: source.provider,
        operation: 'configure',
        message: `${source.provider}: ${source.setting} holds a lone surrogate, which has no UTF-8 form (from ${origin})`,
        issues: [{ path: source.setting, message: loneSurrogateIssue }],
        delivery: 'not-sent',
      }),
    );
  }
  // Read before every request: only a value holding a "$", "{" or "%" goes to the pattern.
  if (
    (value.includes('$') || value.includes('{') || value.includes('%')) &&
    unexpandedPlaceholder.test(value)
  ) {
    throw quotesNoValue(
      new InvalidInputError({
        provider: source.provider,
        operation: 'configure',
        message: `${source.provider}: ${source.setting} holds an unexpanded placeholder (\`\${NAME}\`, \`$NAME\` or \`{{ name }}\`; from ${origin}): ${read === undefined ? `a configuration file's values are taken as written; give the value, or leave the setting out${source.environmentVariables.length > 0 ? ` and set ${source.environmentVariables.join(' or ')}` : ''}` : `nothing expands a variable's value; set ${read[0]} to the credential itself`}`,
        issues: [{ path: source.setting, message: 'expected a credential, not an unexpanded placeholder' }],
        delivery: 'not-sent',
      }),
    );
  }
  if (value.length > maxCredentialLength) {
    throw quotesNoValue(
      new InvalidInputError({
        provider: source.provider,
        operation: 'configure',
        message: `${source.provider}: ${source.setting} is longer than ${maxCredentialLength} characters (from ${origin})`,
        issues: [{ path: source.setting, message: `expected at most ${maxCredentialLength} characters` }],
        delivery: 'not-sent',
      }),
    );
  }
  const problem = source.problem?.(value);
  if (problem !== undefined) {
    throw quotesNoValue(
      new InvalidInputError({
        provider: source.provider,
        operation: 'configure',
        message: `${source.provider}: ${problem.sentence} (from ${origin})`,
        issues: [{ path: source.setting, message: problem.issue }],
        delivery: 'not-sent',
      }),
    );
  }
  return value;
}

/**
 * Checks, at an adapter's factory, each credential given as a setting, by {@link loadCredential}'s rule: a
 * value that is no string, empty or only whitespace, holds a control or invisible character or is longer than
 * {@link maxCredentialLength} throws `InvalidInputError` (`operation: 'configure'`, naming the setting, never
 * the value) there, as every other bad setting does, rather than at the first call. A credential left out is
 * read from the environment before each request instead (the environment may gain it later), and refused
 * then.
 */
export function checkCredentialSettings(sources: readonly CredentialSource[]): void {
  const refused = refusals(sources.filter((source) => source.value !== undefined));
  if (refused !== undefined) throw refused;
}

/**
 * Reads every credential, as {@link loadCredential} reads each; when any cannot be read, the error names
 * every one that cannot, not only the first: the settings given wrong (one `InvalidInputError`, its issues
 * those of each), else every credential missing (one `AuthenticationError` naming each setting and
 * variable), so that fixing one does not meet the next. Each value is read once more only then.
 */
export function loadCredentials(sources: readonly CredentialSource[]): string[] {
  try {
    return sources.map(loadCredential);
  } catch (error) {
    throw refusals(sources) ?? error;
  }
}

const loneSurrogateIssue = 'expected text without a lone surrogate (it has no UTF-8 form)';

const blankCredentialIssue = 'expected a value, or the setting left out (an empty or blank setting is none)';

// What loadCredential refuses in a credential given as a setting: its error, or none.
function credentialRefusal(
  provider: ProviderId,
  setting: string,
  value: unknown,
): InvalidInputError | undefined {
  try {
    loadCredential({ provider, setting, value: value as string, environmentVariables: [] });
    return undefined;
  } catch (error) {
    if (InvalidInputError.isInstance(error)) return error;
    throw error;
  }
}

// What reading each credential throws, as one error: none when each reads.
function refusals(sources: readonly CredentialSource[]): Error | undefined {
  const invalid: InvalidInputError[] = [];
  const missing: CredentialSource[] = [];
  for (const source of sources) {
    try {
      loadCredential(source);
    } catch (error) {
      if (InvalidInputError.isInstance(error)) invalid.push(error);
      else if (AuthenticationError.isInstance(error)) missing.push(source);
      else throw error;
    }
  }
  // A value given wrong is the caller's to fix first, whatever else is missing.
  if (invalid.length === 1) return invalid[0];
  if (invalid.length > 1) {
    const [first] = invalid as [InvalidInputError, ...InvalidInputError[]];
    const prefix = `${first.provider}: `;
    return quotesNoValue(
      new InvalidInputError({
        provider: first.provider as ProviderId,
        operation: 'configure',
        message: prefix + invalid.map((error) => error.message.slice(prefix.length)).join('; '),
        issues: invalid.flatMap((error) => error.issues),
        delivery: 'not-sent',
      }),
    );
  }
  if (missing.length === 0) return undefined;
  const [one] = missing as [CredentialSource, ...CredentialSource[]];
  return quotesNoValue(
    new AuthenticationError({
      provider: one.provider,
      message: `${one.provider}: no ${missing.map((source) => source.setting).join(' or ')} configured; pass ${missing.map(whereFrom).join(', and ')}`,
    }),
  );
}

function whereFrom(source: CredentialSource): string {
  return [`the \`${source.setting}\` setting`, ...source.environmentVariables].join(' or ');
}

/** The first of `names` set in the environment (whitespace around it dropped; blank counts as unset). */
export function fromEnvironment(names: readonly string[]): string | undefined {
  return environmentEntry(names)?.[1];
}

// The first of `names` set in the environment, with its name: a refusal of the value names that variable.
function environmentEntry(names: readonly string[]): readonly [string, string] | undefined {
  const variables = environment();
  for (const name of names) {
    const value = variables[name];
    if (value) return [name, value];
  }
  return undefined;
}

/** Reads an optional plain setting (a base URL, say) from its value or environment variable. */
export function loadOptionalSetting(
  value: string | undefined,
  environmentVariable: string,
): string | undefined {
  return value ?? environment()[environmentVariable];
}

/**
 * The settings every adapter factory takes besides its own ({@link ProviderSettingsBase}), by name. Typed
 * so that a setting added there and not here fails to compile.
 */
export const providerSettingsBaseNames = {
  baseUrl: true,
  fetch: true,
  timeoutMs: true,
  totalTimeoutMs: true,
  retry: true,
  allowInsecureHttp: true,
  maxResponseBytes: true,
} as const satisfies Record<keyof ProviderSettingsBase, true>;

/**
 * Checks an adapter's settings at the factory, before any request, and returns them read from own
 * properties only (a `baseUrl` someone set on `Object.prototype` is not taken for the caller's). Settings
 * that are not an object, or that name a setting the adapter does not have (`baseURL` for `baseUrl`),
 * throw `InvalidInputError` naming the setting and the nearest valid name. `names` lists the adapter's own
 * settings; write it as `{ …providerSettingsBaseNames, token: true } satisfies Record<keyof Settings, true>`
 * so the list cannot fall behind the type. A text setting longer than {@link maxCredentialLength} (a token of
 * megabytes) is refused the same way, and so are settings that are no plain object (a `Map`, a class
 * instance: see {@link plainObjectProblem}), settings or a setting given as `null` (never taken for absent
 * ones, which would fall back to an environment variable or the production API), and a text setting holding a lone
 * surrogate (no UTF-8 form to sign or send it faithfully; the value is never echoed). The settings named in
 * `credentials` are refused empty or only whitespace here too, as {@link loadCredential} refuses them, so
 * that one answer names every setting given wrong (`tokenId: ''` beside `secretKey: null`).
 *
 * An unknown setting's name is shown as `[REDACTED]` when it may be a credential pasted where a name
 * belongs: one repeating the value of a credential setting given, or, for one left out, of its variable in
 * `environmentVariables` (`{ secretKey: ['LIVEAPI_SECRET_KEY'] }`), in any letter case; or one no setting
 * name looks like (over 40 characters, 4 digits or more, characters such as `+`, `/`, `=`). A symbol key's
 * description likewise.
 */
export function readSettings<Settings extends object>(
  provider: ProviderId,
  settings: Settings | undefined,
  names: Readonly<Record<string, true>>,
  credentials: readonly string[] = [],
  environmentVariables: Readonly<Record<string, readonly string[]>> = {},
): Settings {
  if (settings === undefined) return Object.create(null) as Settings;
  // `null` is refused as every `null` setting is: taken for no settings, it would run every credential and
  // the base URL from the environment (perhaps another account, or the vendor's production API where a
  // sandbox was meant).
  if (typeof settings !== 'object' || settings === null || isArrayValue(settings)) {
    throw quotesNoValue(
      new InvalidInputError({
        provider,
        operation: 'configure',
        message: `${provider}: settings must be an object such as { ${Object.keys(names)[0] ?? 'baseUrl'}: … }, or left out`,
        issues: [
          {
            path: '$',
            message:
              settings === null
                ? 'expected an object, or the settings left out (null is not read as none: every setting would come from the environment)'
                : 'expected an object',
          },
        ],
        delivery: 'not-sent',
      }),
    );
  }
  const kind = plainObjectProblem(settings);
  if (kind !== undefined) {
    throw quotesNoValue(
      new InvalidInputError({
        provider,
        operation: 'configure',
        message: `${provider}: settings ${kind}`,
        issues: [{ path: '$', message: kind }],
        delivery: 'not-sent',
      }),
    );
  }
  const known = Object.keys(names);
  const issues: InputIssue[] = [];
  const refusedCredentials: InvalidInputError[] = [];
  // The issues of names no setting has, whose names may be credentials pasted where a name belongs.
  const unknownNames: InputIssue[] = [];
  // Each setting is read once, into the copy returned: a getter or a Proxy that throws is a setting that
  // could not be read, and one that answers differently later cannot pass a check with another value.
  const own: Record<string, unknown> = Object.create(null);
  const read = (key: string): void => {
    try {
      own[key] = ownData((settings as Record<string, unknown>)[key], 0, true);
    } catch {
      issues.push({ path: key, message: unreadableText });
    }
  };
  // Every own key, not only the enumerable ones: a setting defined non-enumerable (`Object.defineProperty`)
  // is still the caller's, and left unread it would leave its credential to the environment's; a symbol
  // names no setting and is refused as an unknown one would be.
  let given: string[];
  try {
    given = [];
    for (const key of Reflect.ownKeys(settings)) {
      if (typeof key === 'string') given.push(key);
      else {
        const issue = {
          path: `[${String(key)}]`,
          message: `unknown setting (a symbol); settings are named by text: ${known.join(', ')}`,
        };
        issues.push(issue);
        unknownNames.push(issue);
      }
    }
  } catch {
    given = [];
    issues.push({ path: '$', message: 'its properties could not be listed' });
  }
  let unknownCount = 0;
  for (const key of given) {
    if (Object.hasOwn(names, key)) {
      read(key);
      const value = own[key];
      // `null` is no value: taken for an absent setting, a `baseUrl: config.sandboxUrl` left unset would
      // send the call and its credentials to the vendor's production API, or a credential's environment
      // variable would pick another account.
      if (value === null)
        issues.push({ path: key, message: 'expected a value, or the setting left out (null is none)' });
      // A credential is checked as every read of it is (loadCredential: a text, not blank, no control or
      // invisible characters, no placeholder, its length), here with the other settings, so one answer
      // names each setting given wrong.
      const credential = value !== null && value !== undefined && credentials.includes(key);
      const refused = credential ? credentialRefusal(provider, key, value) : undefined;
      if (refused) {
        refusedCredentials.push(refused);
        issues.push(...refused.issues);
      }
      // Counted as it will be used, whitespace around it dropped, as a variable's is.
      else if (typeof value === 'string' && trimWhitespace(value).length > maxCredentialLength) {
        issues.push({ path: key, message: `expected at most ${maxCredentialLength} characters` });
      }
      // A lone surrogate in any other text setting (a credential's refusal above names it, with where it
      // came from): it has no UTF-8 form, so it would be sent as U+FFFD. Never echoed.
      if (!refused && typeof value === 'string' && !isWellFormed(value)) {
        issues.push({ path: key, message: loneSurrogateIssue });
      }
      continue;
    }
    // A few are named (see readOptions); past that, counted.
    unknownCount += 1;
    if (unknownCount > namedUnknownNames) continue;
    const issue = {
      path: key,
      message: `unknown setting; ${unknownNameAdvice(key, known, nestedOf(names))}`,
    };
    issues.push(issue);
    unknownNames.push(issue);
  }
  if (unknownCount > namedUnknownNames) {
    issues.push({
      path: '$',
      message: moreUnknown(unknownCount - namedUnknownNames, 'setting'),
    });
  }
  hideCredentialNames(unknownNames, known, credentialTexts(credentials, own, environmentVariables));
  // One credential alone given wrong keeps its own words (`the \`token\` setting must be a string`).
  const [lone] = refusedCredentials;
  if (refusedCredentials.length === 1 && lone && issues.length === lone.issues.length) throw lone;
  if (issues.length > 0) {
    const listed = issues.map((issue) => `"${issue.path}": ${issue.message}`).join('; ');
    throw quotesNoValue(
      new InvalidInputError({
        provider,
        operation: 'configure',
        message: `${provider}: ${listed}`,
        issues,
      }),
    );
  }
  return own as Settings;
}

// The settings that hold settings, with the names they take: `retry`, where the adapter takes it.
function nestedOf(names: Readonly<Record<string, true>>): Record<string, readonly string[]> {
  return Object.hasOwn(names, 'retry') ? { retry: Object.keys(defaultRetryPolicy) } : {};
}

// A name the caller gave for a setting is echoed in its refusal, unless it may be a credential pasted where a
// name belongs (a config written `{ "5e3b9c…": "…" }`): see {@link mayBeCredentialName}, by the values of
// the credential settings given beside it, or the environment's for those left out. Such a name is shown
// as `[REDACTED]`, with the names that exist; a symbol's description likewise.
function hideCredentialNames(
  issues: InputIssue[],
  known: readonly string[],
  credentials: readonly string[],
): void {
  if (issues.length === 0) return;
  // A credential of 8 characters or more hides any name holding it; a shorter one only a name that is it
  // (any case): `base` would otherwise hide the typo `baseURL` and its suggestion.
  const long = credentials.filter((credential) => credential.length >= minimumContainedLength);
  const short = new Set(
    credentials
      .filter((credential) => credential.length < minimumContainedLength)
      .map((text) => text.toLowerCase()),
  );
  // Each credential as given (its encoded forms are of that text) and in lower case, against the name as
  // given and in lower case: a name that is a credential capitalised (`Broadcaster` for `broadcaster`) or
  // in mixed case is the credential all the same.
  const redactor =
    long.length === 0
      ? undefined
      : knownValuesRedactor([...new Set([...long, ...long.map((credential) => credential.toLowerCase())])]);
  for (const issue of issues) {
    const symbol = /^\[Symbol\((.*)\)\]$/s.exec(issue.path);
    const name = symbol ? (symbol[1] ?? '') : issue.path;
    if (
      !mayBeCredentialName(name, redactor) &&
      !mayBeCredentialName(name.toLowerCase(), redactor) &&
      !short.has(name.toLowerCase())
    )
      continue;
    issue.path = redactedMarker;
    issue.message = symbol
      ? `unknown setting (a symbol, whose description is not shown: it may be a credential); settings are named by text: ${known.join(', ')}`
      : `unknown setting (its name is not shown: it may be a credential); expected one of ${known.join(', ')}`;
  }
}

// The credentials a setting's name may repeat: those given as settings, and the environment's values for
// those left out (read as a request reads them, unchecked).
function credentialTexts(
  credentials: readonly string[],
  own: Record<string, unknown>,
  environmentVariables: Readonly<Record<string, readonly string[]>>,
): string[] {
  const texts: string[] = [];
  const variables = environment();
  for (const name of credentials) {
    const value = own[name];
    if (typeof value === 'string') texts.push(value);
    // The environment's value too when the setting is given: it is a credential all the same (another
    // account's, or the one a deployment falls back to).
    if (Object.hasOwn(environmentVariables, name))
      for (const variable of environmentVariables[name] ?? []) texts.push(variables[variable] ?? '');
  }
  return texts.map((text) => trimWhitespace(text)).filter((text) => text.length >= minimumSecretLength);
}

// The shortest credential looked for inside a longer setting name.
const minimumContainedLength = 8;
