import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import {
  decodeBase64,
  describeUnknownName,
  InvalidInputError,
  maxTimeoutMs,
  plainObjectProblem,
  trimWhitespace,
} from '@unilive/core';
import { deliverableUrl } from './webhooks/delivery.js';
import { webhookProviders } from './webhooks/sign.js';

/** The address the sandbox listens on when `host` is left out. */
export const defaultHost = '127.0.0.1';

/** The most seconds an HLS segment may last (`media.hls.segmentSeconds`): a player waits for a whole one. */
export const maxSegmentSeconds = 60;

/**
 * Checks that the options of `startSandbox` are one plain object (or left out: `undefined` is all defaults),
 * before any option is read from them: `null`, a number, a text or a list would otherwise fail with a raw
 * `TypeError` on reading `port`, and a `Map` or a class instance, read by own properties only, would be
 * taken for no options at all. The whole object is named `options`, as core's `readOptions` names it for a
 * function whose options are named bare (`port`, `media.setupTimeoutMs`).
 *
 * @throws InvalidInputError (`operation: 'startSandbox'`, issue path `options`).
 */
export function checkOptionsObject(options: unknown): void {
  if (options === undefined) return;
  const top = objectOf('options', options);
  const kind = plainObjectProblem(top);
  if (kind !== undefined) throw refuse('options', kind);
}

// What a getter or a Proxy that throws makes of an option, in core's words (`readOptions`, `plainObjectProblem`).
const unreadable = 'could not be read (a getter or a Proxy in it threw)';

/**
 * The options of `startSandbox` read once, before any is checked or used: every plain object in them
 * (the options themselves, `rateLimit`, `media`, `webhooks`, `webhooks.keyPair`, `settings.liveapi`, …) is
 * copied by its own names (enumerable or not: one defined otherwise is still an option), each value read once, so that what is checked is what is used and no
 * later read can throw. An object whose reading throws (a revoked Proxy, a Proxy whose `ownKeys` or `get`
 * trap throws, a getter that throws) is refused naming its path (`options` for the whole, `rateLimit`,
 * `webhooks.secret`), `could not be read`. The caller's own error never escapes, and is not kept as `cause`
 * either, since its message may hold a secret and an error's `toJSON` shows its cause; a revoked Proxy's
 * `TypeError` (the engine's words) is. Lists (`dialects`, `allowedHosts`,
 * `webhooks.endpoints`) are left to be read by index where they are checked, and anything that is no
 * plain object (a `Map`, a class instance, a dialect, a key) is kept as given, for the checks to name.
 * `path` is the name of `value` (empty for the options themselves).
 *
 * @throws InvalidInputError (`operation: 'startSandbox'`) naming the path that could not be read.
 */
export function readOptionTree(value: unknown, path = ''): unknown {
  const name = path === '' ? 'options' : path;
  // No option object lies deeper than `settings.<provider>.credentials`: one deeper (a cycle) is kept as
  // given, for the checks to refuse as no option, rather than copied without end.
  if (typeof value !== 'object' || value === null || path.split('.').length > 4) return value;
  let list: boolean;
  try {
    list = Array.isArray(value);
  } catch (error) {
    // Only a revoked Proxy throws here: the engine's TypeError, kept as the cause, as for a list.
    throw refuse(name, unreadable, error);
  }
  if (list) return value;
  const kind = plainObjectProblem(value);
  if (kind === unreadable) throw refuse(name, unreadable);
  if (kind !== undefined) return value;
  let keys: string[];
  try {
    // Every own name, enumerable or not: an option defined without `enumerable` is still the caller's
    // option, and dropping it would start the sandbox on a default the caller did not choose.
    keys = Object.getOwnPropertyNames(value);
  } catch {
    throw refuse(name, unreadable);
  }
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    const at = path === '' ? key : `${path}.${key}`;
    let option: unknown;
    try {
      option = (value as Record<string, unknown>)[key];
    } catch {
      throw refuse(at, unreadable);
    }
    // Defined rather than assigned: a `__proto__` key stays a key (and is refused as no option by name).
    Object.defineProperty(copy, key, {
      value: readOptionTree(option, at),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/**
 * Checks every option of `startSandbox` but the ports and `maxBodyBytes` (checked before), `allowedHosts`
 * (checked before), `persistPath` (checked against the file system after) and `host` ({@link readHost}):
 * each object takes only the keys it documents (a misspelt `requestsPerSecnd` would otherwise leave the rate
 * limit off), each object is a plain one (a `Map` or a class instance is refused naming its path, as the
 * options themselves are: `rateLimit`, `media.hls`, `settings.liveapi.credentials`; a dialect may be any
 * object), and each value is of its type and in its range, since a timer given `NaN`, 0, a negative
 * number or more than {@link maxTimeoutMs} fires at once (Node clamps it to 1 ms) and a rate of 0 refuses
 * every request. `lists` are the sandbox's own copies of `dialects` (all of them when left out) and
 * `webhooks.endpoints`, read by index before; their entries are read here: a dialect is an object with an
 * `id` no other entry has and the functions a dialect has, an endpoint takes only `provider` (a served
 * provider that sends webhooks, as `settings` takes only served providers: an endpoint for another could
 * never hear anything) and `url` (absolute `http://` or `https://`, without a user name or password).
 *
 * @throws InvalidInputError (`operation: 'startSandbox'`) naming the option's path (`media.setupTimeoutMs`,
 *   `rateLimit.requestsPerSecnd`, `settings.liveapi.transitionMs`, `dialects.0`,
 *   `webhooks.endpoints.0.provider`).
 */
export function checkSandboxOptions(
  options: unknown,
  lists: { dialects: readonly unknown[]; endpoints: readonly unknown[] | undefined },
): void {
  const top = objectOf('options', options);
  const providers = servedProviders(lists.dialects);
  knownKeys('', top, [
    'host',
    'port',
    'dialects',
    'persistPath',
    'media',
    'allowedHosts',
    'maxBodyBytes',
    'webhooks',
    'settings',
    'transitionMs',
    'documentedOnly',
    'rateLimit',
    'now',
    'log',
  ]);
  transitionTime('transitionMs', top.transitionMs);
  flag('documentedOnly', top.documentedOnly);
  fn('now', top.now);
  fn('log', top.log);
  if (top.rateLimit !== undefined) {
    const rateLimit = objectOf('rateLimit', top.rateLimit);
    knownKeys('rateLimit.', rateLimit, ['requestsPerSecond']);
    const rate = rateLimit.requestsPerSecond;
    if (typeof rate !== 'number' || !(rate > 0) || !Number.isFinite(rate)) {
      throw refuse('rateLimit.requestsPerSecond', `expected a number above 0, got ${describeValue(rate)}`);
    }
  }
  if (top.media !== undefined && typeof top.media !== 'boolean') {
    const media = objectOf('media', top.media, 'a boolean or an object');
    knownKeys('media.', media, ['port', 'setupTimeoutMs', 'idleTimeoutMs', 'hls', 'directory']);
    timerLength('media.setupTimeoutMs', media.setupTimeoutMs);
    timerLength('media.idleTimeoutMs', media.idleTimeoutMs);
    text('media.directory', media.directory);
    if (media.hls !== undefined && typeof media.hls !== 'boolean') {
      const hls = objectOf('media.hls', media.hls, 'a boolean or an object');
      knownKeys('media.hls.', hls, ['ffmpegPath', 'segmentSeconds', 'reconnectWindowMs']);
      text('media.hls.ffmpegPath', hls.ffmpegPath);
      // 0 ends the playlist as the packager ends; a timer holds at most `maxTimeoutMs`.
      transitionTime('media.hls.reconnectWindowMs', hls.reconnectWindowMs);
      const seconds = hls.segmentSeconds;
      if (
        seconds !== undefined &&
        (typeof seconds !== 'number' || !(seconds > 0) || seconds > maxSegmentSeconds)
      ) {
        throw refuse(
          'media.hls.segmentSeconds',
          `expected a number of seconds above 0 and at most ${maxSegmentSeconds}, got ${describeValue(seconds)}`,
        );
      }
    }
  }
  if (top.webhooks !== undefined) {
    const webhooks = objectOf('webhooks', top.webhooks);
    knownKeys('webhooks.', webhooks, [
      'endpoints',
      'secret',
      'keyPair',
      'timeoutMs',
      'maxPending',
      'fetch',
      'onDelivery',
    ]);
    timerLength('webhooks.timeoutMs', webhooks.timeoutMs);
    wholeNumber('webhooks.maxPending', webhooks.maxPending, 1, Number.MAX_SAFE_INTEGER);
    text('webhooks.secret', webhooks.secret);
    // Signed with as Wowza Real-Time signs, with the base64-decoded secret: one that is no base64 could sign
    // nothing, and every delivery would be recorded as failing without ever being sent.
    if (webhooks.secret !== undefined && !decodeBase64(String(webhooks.secret))?.length) {
      throw refuse('webhooks.secret', 'expected the Wowza Real-Time webhook secret in base64');
    }
    fn('webhooks.fetch', webhooks.fetch);
    fn('webhooks.onDelivery', webhooks.onDelivery);
    if (webhooks.keyPair !== undefined) {
      const keyPair = objectOf('webhooks.keyPair', webhooks.keyPair);
      knownKeys('webhooks.keyPair.', keyPair, ['publicKey', 'privateKey']);
      for (const name of ['publicKey', 'privateKey'] as const) {
        if (keyPair[name] === undefined) throw refuse(`webhooks.keyPair.${name}`, 'expected PEM text');
        text(`webhooks.keyPair.${name}`, keyPair[name]);
      }
      checkKeyPair(String(keyPair.publicKey), String(keyPair.privateKey));
    }
  }
  lists.endpoints?.forEach((entry, index) => {
    const path = `webhooks.endpoints.${index}`;
    const endpoint = objectOf(path, entry);
    knownKeys(`${path}.`, endpoint, ['provider', 'url']);
    const served = webhookProviders.filter((provider) => providers.has(provider));
    if (typeof endpoint.provider !== 'string' || !(served as string[]).includes(endpoint.provider)) {
      throw refuse(
        `${path}.provider`,
        `expected a provider this sandbox serves that sends webhooks: one of ${served.join(', ') || 'none'}`,
      );
    }
    if (!deliverableUrl(endpoint.url)) {
      throw refuse(
        `${path}.url`,
        'expected an absolute http:// or https:// URL without a user name or password',
      );
    }
  });
  if (top.settings !== undefined) {
    const settings = objectOf('settings', top.settings);
    knownKeys('settings.', settings, [...providers.keys()]);
    for (const [provider, credentialNames] of providers) {
      if (settings[provider] === undefined) continue;
      const path = `settings.${provider}`;
      const one = objectOf(path, settings[provider]);
      knownKeys(`${path}.`, one, ['transitionMs', 'documentedOnly', 'credentials']);
      transitionTime(`${path}.transitionMs`, one.transitionMs);
      flag(`${path}.documentedOnly`, one.documentedOnly);
      if (one.credentials !== undefined) {
        const credentials = objectOf(`${path}.credentials`, one.credentials);
        knownKeys(`${path}.credentials.`, credentials, credentialNames);
        for (const name of credentialNames) text(`${path}.credentials.${name}`, credentials[name]);
      }
    }
  }
}

// What the sandbox reads of a dialect: the members of `SandboxDialect`, nothing else.
const dialectMembers = [
  'id',
  'basePath',
  'defaultCredentials',
  'operationOf',
  'error',
  'handle',
  'describe',
  'ingest',
  'streams',
] as const;

/**
 * An entry of `dialects` read once into the sandbox's own copy, as every other option is: each member of a
 * dialect (`id`, `basePath`, its functions, `ingest`) read once, a function kept as one that calls the
 * caller's on the caller's dialect (a class instance's methods keep their `this`), so that what is checked
 * ({@link checkSandboxOptions}) is what is served and no later read can throw. An entry that is no object
 * names `path` (`dialects.0`); a revoked Proxy names it `could not be read`, the engine's `TypeError` as
 * `cause`; a member whose reading throws (a getter, a Proxy's `get` trap) names it (`dialects.0.id`),
 * `could not be read`, without the caller's error, whose message may hold a secret.
 *
 * @throws InvalidInputError (`operation: 'startSandbox'`) naming `path` or `path.<member>`.
 */
export function readDialect(entry: unknown, path: string): unknown {
  const dialect = objectOf(path, entry, 'a dialect (an object)', false);
  const copy: Record<string, unknown> = {};
  for (const name of dialectMembers) {
    let member: unknown;
    try {
      member = dialect[name];
    } catch {
      throw refuse(`${path}.${name}`, unreadable);
    }
    if (member === undefined) continue;
    copy[name] =
      name === 'ingest' && typeof member === 'object' && member !== null
        ? readIngest(member, `${path}.ingest`)
        : typeof member === 'function'
          ? (...args: unknown[]) => Reflect.apply(member as (...a: unknown[]) => unknown, dialect, args)
          : member;
  }
  return copy;
}

// What the sandbox reads of a dialect's `ingest`: the members of `DialectIngest`, nothing else.
const ingestMembers = ['match', 'credentialsFor', 'playlistName'] as const;

/**
 * A dialect's `ingest` read once into the sandbox's own copy, as the dialect is ({@link readDialect}): each
 * member read once, a function kept as one that calls the caller's with the caller's `ingest` as `this`, so
 * that nothing of it is read again at each publish. A member whose reading throws names it
 * (`dialects.0.ingest.match`), `could not be read`, without the caller's error.
 */
function readIngest(ingest: object, path: string): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const name of ingestMembers) {
    let member: unknown;
    try {
      member = (ingest as Record<string, unknown>)[name];
    } catch {
      throw refuse(`${path}.${name}`, unreadable);
    }
    if (member === undefined) continue;
    copy[name] =
      typeof member === 'function'
        ? (...args: unknown[]) => Reflect.apply(member as (...a: unknown[]) => unknown, ingest, args)
        : member;
  }
  return copy;
}

/**
 * What a dialect `id` must be: one path segment the sandbox serves it under (`/<id><basePath>`) that needs
 * no escaping and that every URL parser keeps as it is (letters, digits, `.`, `_`, `-`, starting with a letter
 * or a digit, so never `.` or `..`), at most 64 characters. `_sandbox` (the control API) and `media` (the
 * HLS output) are the sandbox's own.
 */
export const dialectIdPattern = /^[a-z0-9][a-z0-9._-]{0,63}$/i;
const reservedIds = ['_sandbox', 'media'];

/**
 * A playlist name the media service can write and serve (`/media/<provider>/<id>/<name>`): one file name of
 * letters, digits, `_` and `-`, ending in `.m3u8`.
 */
export const playlistNamePattern = /^[A-Za-z0-9_-]{1,64}\.m3u8$/;

/**
 * The providers `dialects` serve, each with its credential names (the keys `settings.<provider>.credentials`
 * takes), every entry read: an object with a non-empty text `id` no other entry has, text `basePath`, and
 * the functions the engine calls (`defaultCredentials`, `operationOf`, `error`, `handle`).
 */
function servedProviders(dialects: readonly unknown[]): Map<string, readonly string[]> {
  const providers = new Map<string, readonly string[]>();
  dialects.forEach((entry, index) => {
    const path = `dialects.${index}`;
    const dialect = objectOf(path, entry, 'a dialect (an object)', false);
    const id = dialect.id;
    if (typeof id !== 'string' || trimWhitespace(id) === '') {
      throw refuse(`${path}.id`, `expected non-empty text, got ${describeValue(id)}`);
    }
    // Served under `/<id>`: an id no path segment carries as it is (`a/b`, `..`, `x?y`) or that the sandbox's
    // own routes shadow (`_sandbox`, `media`) would start a dialect answering 404 at its own base URL.
    if (!dialectIdPattern.test(id) || reservedIds.includes(id.toLowerCase())) {
      throw refuse(
        `${path}.id`,
        reservedIds.includes(id.toLowerCase())
          ? `names a path of the sandbox's own (${reservedIds.map((name) => `/${name}`).join(', ')}): choose another id`
          : 'expected one path segment: 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or a digit',
      );
    }
    if (providers.has(id)) {
      throw refuse(`${path}.id`, `serves ${JSON.stringify(id)} again: one dialect per provider`);
    }
    if (typeof dialect.basePath !== 'string') {
      throw refuse(`${path}.basePath`, `expected text, got ${describeValue(dialect.basePath)}`);
    }
    for (const name of ['defaultCredentials', 'operationOf', 'error', 'handle']) {
      if (typeof dialect[name] !== 'function') {
        throw refuse(`${path}.${name}`, `expected a function, got ${describeValue(dialect[name])}`);
      }
    }
    if (dialect.ingest !== undefined) checkIngest(dialect.ingest, `${path}.ingest`);
    // The dialect's own code, read here before anything listens: one that throws is named, never escaping
    // as what it threw (its message may hold a secret).
    let names: readonly string[];
    try {
      const credentials: unknown = (dialect.defaultCredentials as () => unknown)();
      names = typeof credentials === 'object' && credentials !== null ? Object.keys(credentials) : [];
    } catch {
      throw refuse(
        `${path}.defaultCredentials`,
        'threw as it was called, or answered an object that could not be read',
      );
    }
    providers.set(id, names);
  });
  return providers;
}

/**
 * A dialect's `ingest` (its copy, {@link readIngest}): an object with a `match` function, a `credentialsFor`
 * function if any and a `playlistName` the media service can write and serve ({@link playlistNamePattern}).
 */
function checkIngest(value: unknown, path: string): void {
  const ingest = objectOf(path, value, 'an object', false);
  if (typeof ingest.match !== 'function') {
    throw refuse(`${path}.match`, `expected a function, got ${describeValue(ingest.match)}`);
  }
  fn(`${path}.credentialsFor`, ingest.credentialsFor);
  const name = ingest.playlistName;
  if (name !== undefined && (typeof name !== 'string' || !playlistNamePattern.test(name))) {
    throw refuse(
      `${path}.playlistName`,
      `expected a file name of letters, digits, "_" or "-" ending in .m3u8 (index.m3u8), got ${typeof name === 'string' ? 'other text' : describeValue(name)}`,
    );
  }
}

/**
 * The address to listen on, from the `host` option: left out, 127.0.0.1. Empty, blank (the library's
 * whitespace, {@link trimWhitespace}: NEL and the BOM count) or no text is refused rather than read as a
 * default: `host: process.env.SANDBOX_HOST ?? '127.0.0.1'` with the variable set but empty had Node listen on
 * every address. It is resolved as listening would resolve it (`dns.lookup`), and an address that listens on
 * every address of the machine is taken only when written as one: `0.0.0.0`, or `::` in any IPv6 spelling
 * (`0::`, `0:0:0:0:0:0:0:0`); `0`, `0.0`, `0x0`, `000.000.000.000`, `::ffff:0.0.0.0`, `::%lo` or a name that
 * resolves to a wildcard are refused.
 *
 * @throws InvalidInputError naming `host`: empty, blank or no text, an address that is a wildcard not spelt
 *   as one, or a name that does not resolve (`not an address of this machine`). An address that resolves but
 *   that the system refuses to listen on (`EADDRNOTAVAIL`, or `EINVAL` for a link-local IPv6 address without
 *   its zone, `fe80::1`) is refused naming `host` when `startSandbox` listens.
 */
export async function readHost(value: unknown): Promise<string> {
  if (value === undefined) return defaultHost;
  if (typeof value !== 'string' || trimWhitespace(value) === '') {
    throw new InvalidInputError({
      operation: 'startSandbox',
      message:
        'host must be an address of this machine (127.0.0.1, the default, keeps the sandbox to it; 0.0.0.0 listens on every address)',
      issues: [{ path: 'host', message: 'expected an address of this machine' }],
    });
  }
  let address: string;
  try {
    ({ address } = await lookup(value));
  } catch (error) {
    throw new InvalidInputError({
      operation: 'startSandbox',
      message: 'The host is not an address of this machine',
      issues: [{ path: 'host', message: 'The host is not an address of this machine' }],
      cause: error,
    });
  }
  if (isWildcard(address) && !isWrittenWildcard(value)) {
    throw refuse(
      'host',
      'would listen on every address of this machine without saying so: write 0.0.0.0 or :: to mean that, or give an address of this machine',
    );
  }
  return value;
}

/** True for an address that listens on every address of the machine: `0.0.0.0`, `::`, `::ffff:0.0.0.0`. */
export function isWildcard(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return address.split('.').every((part) => Number(part) === 0);
  if (family !== 6) return false;
  const normal = ipv6(address.split('%')[0] ?? '');
  return normal === '[::]' || normal === '[::ffff:0:0]';
}

/** The wildcard forms `host` takes as meant: `0.0.0.0`, and `::` in any IPv6 spelling without a zone. */
function isWrittenWildcard(host: string): boolean {
  return host === '0.0.0.0' || (isIP(host) === 6 && !host.includes('%') && ipv6(host) === '[::]');
}

function ipv6(address: string): string | undefined {
  try {
    return new URL(`http://[${address}]`).hostname;
  } catch {
    return undefined;
  }
}

function refuse(path: string, message: string, cause?: unknown): InvalidInputError {
  return new InvalidInputError({
    operation: 'startSandbox',
    message: `${path} ${message}`,
    issues: [{ path, message }],
    ...(cause === undefined ? {} : { cause }),
  });
}

// A number shows itself; anything else only its type (a misplaced option may hold a secret).
function describeValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

// An object the options hold, named by its path: a plain one at every level, as the options themselves are
// (checkOptionsObject, with core's plainObjectProblem), since each is read by own properties only and a
// `Map` or a class instance would be taken for no options at all (a `rateLimit` Map left the limit off). A
// dialect is an implementation rather than options (`plain: false`): a class instance of one is read by its
// methods, so any object is taken.
function objectOf(
  path: string,
  value: unknown,
  expected = 'an object',
  plain = true,
): Record<string, unknown> {
  // A revoked Proxy throws even on Array.isArray: named as could not be read, never a raw TypeError.
  let list: boolean;
  try {
    list = Array.isArray(value);
  } catch (error) {
    throw refuse(path, unreadable, error);
  }
  if (typeof value !== 'object' || value === null || list) {
    throw refuse(path, `expected ${expected}, got ${describeValue(value)}`);
  }
  const kind = plain ? plainObjectProblem(value) : undefined;
  if (kind !== undefined) throw refuse(path, kind);
  return value as Record<string, unknown>;
}

function knownKeys(prefix: string, value: Record<string, unknown>, names: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (names.includes(key)) continue;
    // `__proto__` and other names are shown through JSON: a key is the caller's text, never a secret.
    throw refuse(
      `${prefix}${key}`,
      `is no option here: ${describeUnknownName(key, names)}; expected one of ${names.join(', ') || 'none'}`,
    );
  }
}

function wholeNumber(path: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw refuse(path, `expected a whole number from ${min} to ${max}, got ${describeValue(value)}`);
  }
}

/** A timer's length: above 0 and at most {@link maxTimeoutMs}, as `webhooks.timeoutMs`. */
function timerLength(path: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !(value > 0) || value > maxTimeoutMs) {
    throw refuse(
      path,
      `expected a number of milliseconds above 0 and at most ${maxTimeoutMs}, got ${describeValue(value)}`,
    );
  }
}

/** A state transition's length: 0 (at once) up to {@link maxTimeoutMs}. */
function transitionTime(path: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !(value >= 0) || value > maxTimeoutMs) {
    throw refuse(
      path,
      `expected a number of milliseconds from 0 to ${maxTimeoutMs}, got ${describeValue(value)}`,
    );
  }
}

function flag(path: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw refuse(path, `expected true or false, got ${describeValue(value)}`);
  }
}

function fn(path: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw refuse(path, `expected a function, got ${describeValue(value)}`);
  }
}

// The videosdk key pair the sandbox signs with and serves: a PKCS#8 PEM RSA private key, an SPKI PEM RSA
// public key (what `GET /v2/public/rsa-public-key` answers and the adapter imports), and one the public half
// of the other. Any of them wrong, every delivery would fail to be signed, or be signed so that no receiver
// verifies it. Never shows a key.
function checkKeyPair(publicPem: string, privatePem: string): void {
  let privateKey: KeyObject;
  try {
    if (!/-----BEGIN PRIVATE KEY-----/.test(privatePem)) throw new Error('not PKCS#8');
    privateKey = createPrivateKey(privatePem);
  } catch {
    throw refuse(
      'webhooks.keyPair.privateKey',
      'expected a PKCS#8 PEM RSA private key (-----BEGIN PRIVATE KEY-----)',
    );
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw refuse(
      'webhooks.keyPair.privateKey',
      'expected an RSA private key (videosdk signs with RSA-SHA256)',
    );
  }
  let publicKey: KeyObject;
  try {
    if (!/-----BEGIN PUBLIC KEY-----/.test(publicPem)) throw new Error('not SPKI');
    publicKey = createPublicKey(publicPem);
  } catch {
    throw refuse(
      'webhooks.keyPair.publicKey',
      'expected an SPKI PEM RSA public key (-----BEGIN PUBLIC KEY-----)',
    );
  }
  const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'der' });
  if (publicKey.asymmetricKeyType !== 'rsa' || !spki(publicKey).equals(spki(createPublicKey(privateKey)))) {
    throw refuse('webhooks.keyPair.publicKey', 'expected the public half of webhooks.keyPair.privateKey');
  }
}

function text(path: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || trimWhitespace(value) === '') {
    throw refuse(path, `expected non-empty text, got ${value === '' ? 'empty text' : describeValue(value)}`);
  }
}
