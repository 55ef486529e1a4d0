import {
  AuthenticationError,
  type CredentialSource,
  checkCredentialSettings,
  environment,
  InvalidInputError,
  loadCredential,
  loadCredentials,
  type Redactor,
  SecretSet,
} from '@unilive/core';

// jose is loaded when the first token is signed, not with the adapter: an application that only imports it
// (or uses a ready-made token) never pays for loading it.
let signer: Promise<typeof import('./videosdk-jwt.js')> | undefined;
const loadSigner = () => {
  signer ??= import('./videosdk-jwt.js');
  return signer;
};

/** Environment variables the credentials are read from when the settings leave them out. */
export const videosdkEnvironmentVariables = {
  token: 'VIDEOSDK_TOKEN',
  apiKey: 'VIDEOSDK_API_KEY',
  secret: 'VIDEOSDK_SECRET',
} as const;

/** Lifetime of a token the adapter signs itself: the v1 API reference signs with `expiresIn: "10m"`. */
export const defaultTokenTtlSeconds = 600;

/**
 * Lifetime of the v2 WHIP publish token (the ingest stream key): the vendor's server SDK signs it for `"1h"`
 * (`WhipResource.create`, `expiresIn ?? "1h"`). An encoder presents it once, when it connects.
 */
export const defaultIngestTokenTtlSeconds = 3_600;

/** A signed token is replaced once less than this remains (the vendor's server SDK renews 60 s early). */
export const tokenRenewalMarginSeconds = 60;

/** Shortest and longest accepted `tokenTtlSeconds` (the v1 guide's samples sign for 24 h at most). */
export const tokenTtlBounds = { min: 120, max: 86_400 } as const;

/**
 * The adapter's secrets: credentials and stream keys are kept for the life of the provider, but of the
 * tokens it signs only the last two are kept, so a long-running process does not accumulate one value per
 * renewal. Every JWT is also caught by core's JWT pattern.
 */
export class VideosdkSecretSet extends SecretSet {
  readonly #tokens = new Map<string, string[]>();

  /**
   * Remembers a freshly signed token; the one before of the same kind stays, as a request (or an encoder)
   * may still carry it. API tokens and WHIP publish tokens are kept apart, so one does not push out the other.
   */
  addSignedToken(token: string, kind: 'api' | 'ingest' = 'api'): void {
    const known = this.#tokens.get(kind) ?? [];
    const kept = [token, ...known.filter((value) => value !== token)].slice(0, 2);
    this.#tokens.set(kind, kept);
    this.replaceGroup(`signed ${kind} tokens`, kept);
  }
}

/** The credential settings, as plain configuration may pass them. */
export interface VideosdkCredentialInput {
  token?: unknown;
  apiKey?: unknown;
  secret?: unknown;
}

/** Credentials once resolved: a JWT used as given, or a key pair the adapter signs JWTs with. */
export type VideosdkCredentials =
  | { kind: 'token'; token: string }
  | { kind: 'signed'; apiKey: string; secret: string };

const provider = 'videosdk';

/**
 * The account the credentials belong to, for the budget of a shared rate limit: the API key, which a
 * ready-made token carries in its `apikey` claim [v1 guide: payload `{ apikey: <API_KEY> }`], so a token and
 * the key pair it was signed from draw on one budget. A token without that claim stands for itself.
 */
export function videosdkAccountOf(credentials: VideosdkCredentials): string {
  if (credentials.kind === 'signed') return credentials.apiKey;
  const apikey = jwtClaims(credentials.token)?.apikey;
  return typeof apikey === 'string' && apikey.length > 0 ? apikey : credentials.token;
}

// The claims of a JWS compact token (`header.payload.signature`), unverified, read as jose's decodeJwt reads
// them; undefined for anything it refuses. Only the account's name is taken: the vendor checks the token.
function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  const bytes = parts.length === 3 && parts[1] ? base64urlBytes(parts[1]) : undefined;
  if (!bytes) return undefined;
  try {
    const claims: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    // Not a JWT the vendor would take; the request fails on its own.
    return undefined;
  }
}

type FromBase64 = (text: string, options: { alphabet: 'base64url' }) => Uint8Array;

// base64url as jose decodes it: with Uint8Array.fromBase64 where the runtime has it, else through atob.
function base64urlBytes(text: string): Uint8Array | undefined {
  try {
    const fromBase64 = (Uint8Array as unknown as { fromBase64?: FromBase64 }).fromBase64;
    if (fromBase64) return fromBase64(text, { alphabet: 'base64url' });
    if (text.includes('+') || text.includes('/')) return undefined;
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = new Uint8Array(binary.length);
    for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
    return bytes;
  } catch {
    return undefined;
  }
}

/**
 * What a videosdk token that is read and free of control characters (core's `loadCredential`) may still
 * not be, whoever sends it: the adapter (its `token` setting or `VIDEOSDK_TOKEN`) and `videosdkPublicKey`'s
 * `token`, one rule for both. `sentence` goes into a message, `issue` into the issue; neither holds the
 * token.
 */
export function videosdkTokenProblem(token: string): { sentence: string; issue: string } | undefined {
  // fetch cannot put a character beyond Latin-1 in a header (a bare TypeError): no request could carry it.
  if (/[\u0100-\uffff]/.test(token)) {
    return {
      sentence: 'the token holds characters beyond Latin-1, which no HTTP header can carry',
      issue: 'expected only characters an HTTP header can carry',
    };
  }
  // The vendor reads the whole header as the JWT [v1 guide: `Authorization: <jwt token>`], so a prefixed
  // token could only ever be refused with 401.
  const scheme = /^(bearer|basic)\s/i.exec(token)?.[1];
  if (scheme !== undefined) {
    return {
      sentence: `the token must be the bare JWT; videosdk reads the whole Authorization header as the token, so drop the "${scheme} " prefix`,
      issue: 'expected a JWT without a scheme prefix',
    };
  }
  return undefined;
}

/**
 * Checks the credentials given as settings, at the factory, before any request: each a string, not empty
 * or blank, free of control characters and at most core's `maxCredentialLength` (core's
 * `checkCredentialSettings`), a `token` the vendor could read ({@link videosdkTokenProblem}), and not a
 * `token` beside an `apiKey` or `secret`. Throws `InvalidInputError` (`operation: 'configure'`) naming the
 * setting, never the value. Credentials left out are read from the environment at the first request.
 */
export function checkVideosdkCredentialSettings(settings: VideosdkCredentialInput): void {
  for (const name of ['token', 'apiKey', 'secret'] as const) {
    if (settings[name] !== undefined && typeof settings[name] !== 'string') {
      throw new InvalidInputError({
        provider,
        operation: 'configure',
        message: `${provider}: the \`${name}\` setting must be a string`,
        issues: [{ path: name, message: 'expected a string' }],
      });
    }
  }
  const token = settings.token as string | undefined;
  const apiKey = settings.apiKey as string | undefined;
  const secret = settings.secret as string | undefined;
  if (token !== undefined && (apiKey !== undefined || secret !== undefined)) {
    throw new InvalidInputError({
      provider,
      operation: 'configure',
      message: `${provider}: pass either the \`token\` setting or the \`apiKey\` and \`secret\` settings, not both`,
      issues: [{ path: 'token', message: 'expected either token or apiKey and secret' }],
    });
  }
  checkCredentialSettings(videosdkCredentialSources(settings));
}

/**
 * The adapter's three credentials as core reads them: each setting's value, else its variable; the token
 * by the vendor's own rule too ({@link videosdkTokenProblem}), after core's, naming where it came from.
 */
export function videosdkCredentialSources(settings: VideosdkCredentialInput): CredentialSource[] {
  const names = videosdkEnvironmentVariables;
  return [
    {
      provider,
      setting: 'token',
      value: settings.token as string | undefined,
      environmentVariables: [names.token],
      problem: videosdkTokenProblem,
    },
    {
      provider,
      setting: 'apiKey',
      value: settings.apiKey as string | undefined,
      environmentVariables: [names.apiKey],
    },
    {
      provider,
      setting: 'secret',
      value: settings.secret as string | undefined,
      environmentVariables: [names.secret],
    },
  ];
}

/**
 * Resolves the credentials from the settings, then the environment. Explicit settings win; between the
 * environment variables, `VIDEOSDK_TOKEN` wins over the key pair. Messages name settings and variables,
 * never values.
 */
export function resolveVideosdkCredentials(settings: VideosdkCredentialInput): VideosdkCredentials {
  checkVideosdkCredentialSettings(settings);
  const token = settings.token as string | undefined;
  const apiKey = settings.apiKey as string | undefined;
  const secret = settings.secret as string | undefined;
  const keySettings = apiKey !== undefined || secret !== undefined;
  const env = environment();
  const names = videosdkEnvironmentVariables;
  if (token !== undefined || (!keySettings && env[names.token])) {
    const value = loadCredential({
      provider,
      setting: 'token',
      value: token,
      environmentVariables: [names.token],
      problem: videosdkTokenProblem,
    });
    return { kind: 'token', token: value };
  }
  if (keySettings || env[names.apiKey] || env[names.secret]) {
    // Both read before either is refused: one error names each half of the pair that is missing or wrong.
    const [key, signingSecret] = loadCredentials([
      { provider, setting: 'apiKey', value: apiKey, environmentVariables: [names.apiKey] },
      { provider, setting: 'secret', value: secret, environmentVariables: [names.secret] },
    ]) as [string, string];
    return { kind: 'signed', apiKey: key, secret: signingSecret };
  }
  throw new AuthenticationError({
    provider,
    message: `${provider}: no credentials configured; pass the \`token\` setting or ${names.token}, or the \`apiKey\` and \`secret\` settings or ${names.apiKey} and ${names.secret}`,
  });
}

/**
 * The claims of a v2 server token, as the vendor's server SDK signs it by default (`generateToken`):
 * `permissions: ['allow_join', 'allow_mod']`, `version: 2` (required for the v2 APIs) and `roles:
 * ['crawler']` (a server-API token that cannot join a meeting; `rtc` would be the opposite) [v2 reference
 * authentication page][server SDK 0.1.1].
 */
export const videosdkV2TokenClaims = {
  permissions: ['allow_join', 'allow_mod'],
  version: 2,
  roles: ['crawler'],
} as const;

/** Options of {@link createVideosdkTokenSigner}. */
export interface VideosdkTokenSignerOptions {
  apiKey: string;
  secret: string;
  /**
   * Claims beside `apikey`, `iat` and `exp`: none for v1 (its documentation signs `{ apikey }` alone, with
   * a `jti`), {@link videosdkV2TokenClaims} for v2.
   */
  claims?: Readonly<Record<string, unknown>> | undefined;
  /** Adds a random `jti`, as the v1 guide's Node sample does (`jwtid: uuid4()`). Default true. */
  jti?: boolean | undefined;
  /** Lifetime of each token, in seconds. */
  ttlSeconds: number;
  /** Current time in ms. */
  now: () => number;
  /** Called with each new token, before it is used. */
  onSigned?: (token: string) => void;
  /** Secrets to scrub from a signing failure. */
  secrets?: () => Iterable<string> | Redactor;
}

/**
 * Signs the short-lived HS256 JWTs the vendor expects. v1: payload `{ apikey, iat, exp, jti }` as the
 * vendor's v1 authentication page and guide build it (`jwt.sign({ apikey }, secret, { algorithm: 'HS256',
 * expiresIn, jwtid })`); v2: `{ apikey, permissions, version: 2, roles, iat, exp }` as its server SDK does.
 * A token is reused until less than {@link tokenRenewalMarginSeconds} remain; callers arriving while one
 * is being signed share that signing.
 */
export function createVideosdkTokenSigner(options: VideosdkTokenSignerOptions): {
  token(): Promise<string>;
  /** The token signed last while it is not due for renewal, else undefined: no promise to wait for. */
  ready(): string | undefined;
} {
  const key = new TextEncoder().encode(options.secret);
  let current: { token: string; renewAtMs: number } | undefined;
  let pending: Promise<string> | undefined;

  async function sign(): Promise<string> {
    const issuedAt = Math.floor(options.now() / 1000);
    const expiresAt = issuedAt + options.ttlSeconds;
    let token: string;
    try {
      const { signVideosdkJwt } = await loadSigner();
      token = await signVideosdkJwt({
        claims: { apikey: options.apiKey, ...options.claims },
        issuedAt,
        expiresAt,
        jti: options.jti === false ? undefined : globalThis.crypto.randomUUID(),
        key,
      });
    } catch (cause) {
      throw new AuthenticationError({
        provider,
        message: `${provider}: could not sign a token with the configured \`apiKey\` and \`secret\``,
        cause,
        secrets: options.secrets?.() ?? [],
      });
    }
    options.onSigned?.(token);
    current = { token, renewAtMs: (expiresAt - tokenRenewalMarginSeconds) * 1000 };
    return token;
  }

  const ready = () => (current && options.now() < current.renewAtMs ? current.token : undefined);
  return {
    ready,
    token() {
      const token = ready();
      if (token !== undefined) return Promise.resolve(token);
      pending ??= sign().finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}

/** Options of {@link createVideosdkCredentials}. */
export interface VideosdkCredentialOptions {
  settings: VideosdkCredentialInput;
  /** Lifetime of each API token, in seconds. */
  ttlSeconds: number;
  /** Lifetime of each WHIP publish token, in seconds (v2). */
  ingestTtlSeconds?: number | undefined;
  /** The claims of the API version spoken; see {@link VideosdkTokenSignerOptions.claims}. */
  claims?: Readonly<Record<string, unknown>> | undefined;
  /** Whether tokens carry a `jti` (v1). */
  jti?: boolean | undefined;
  now: () => number;
  secrets: VideosdkSecretSet;
}

/** The tokens one provider uses. */
export interface VideosdkCredentialSource {
  /**
   * The `Authorization` header value for each request: the bare JWT, no `Bearer ` prefix [v1 guide][vendor
   * v2 reference: "no prefix"].
   */
  authorization(): Promise<string>;
  /**
   * The same value when it is at hand (a ready-made token, or a signed one not due for renewal), else
   * undefined: then {@link authorization} gives it. Lets each request skip the wait for a promise.
   */
  readyAuthorization(): string | undefined;
  /**
   * The token an encoder presents to the v2 WHIP endpoint (its bearer token, the "stream key"): signed with
   * the server token's claims, as the vendor's server SDK does for `whip.create`, but for the ingest
   * lifetime; with a ready-made `token`, that token.
   */
  ingestToken(): Promise<string>;
  /** The ingest token when it is at hand, else undefined (see {@link readyAuthorization}). */
  readyIngestToken(): string | undefined;
}

/**
 * Resolves the credentials on the first call of either function (so a missing or unsafe credential fails
 * before any request) and signs tokens from then on; every credential and token joins the secret set.
 */
export function createVideosdkCredentials(options: VideosdkCredentialOptions): VideosdkCredentialSource {
  let sources:
    | {
        api: () => Promise<string>;
        ingest: () => Promise<string>;
        readyApi: () => string | undefined;
        readyIngest: () => string | undefined;
      }
    | undefined;
  const resolve = () => {
    if (sources) return sources;
    const credentials = resolveVideosdkCredentials(options.settings);
    if (credentials.kind === 'token') {
      options.secrets.add(credentials.token);
      const { token } = credentials;
      sources = {
        api: async () => token,
        ingest: async () => token,
        readyApi: () => token,
        readyIngest: () => token,
      };
      return sources;
    }
    options.secrets.add(credentials.apiKey, credentials.secret);
    const signer = (kind: 'api' | 'ingest', ttlSeconds: number) =>
      createVideosdkTokenSigner({
        apiKey: credentials.apiKey,
        secret: credentials.secret,
        ttlSeconds,
        claims: options.claims,
        jti: options.jti,
        now: options.now,
        onSigned: (token) => options.secrets.addSignedToken(token, kind),
        secrets: () => options.secrets,
      });
    const api = signer('api', options.ttlSeconds);
    const ingest = signer('ingest', options.ingestTtlSeconds ?? defaultIngestTokenTtlSeconds);
    sources = {
      api: () => api.token(),
      ingest: () => ingest.token(),
      readyApi: () => api.ready(),
      readyIngest: () => ingest.ready(),
    };
    return sources;
  };
  return {
    authorization: async () => resolve().api(),
    // Before the first resolution nothing is at hand: the promise path resolves (and reports a missing
    // credential) as always.
    readyAuthorization: () => sources?.readyApi(),
    ingestToken: async () => resolve().ingest(),
    readyIngestToken: () => sources?.readyIngest(),
  };
}
