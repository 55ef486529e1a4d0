import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  createReadStream,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { mkdir, mkdtemp, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, isIP } from 'node:net';
import { dirname, isAbsolute, join, resolve as resolvePath, sep } from 'node:path';
import {
  ConflictError,
  InvalidInputError,
  isLoopbackHost,
  type ProviderId,
  safeParseOwn,
  trimWhitespace,
} from '@unilive/core';
import lockfile from 'proper-lockfile';
import * as v from 'valibot';
import { createDashboard } from './dashboard/dashboard.js';
import { allDialects } from './dialects/index.js';
import { decodeSegment } from './dialects/path.js';
import { videosdkV1MediaFolder, videosdkV1StreamOfKey } from './dialects/videosdk.js';
import { createEngine, type EngineOptions, type SandboxEngine } from './engine.js';
import { type MediaOptions, type MediaService, startMediaService } from './media/media-service.js';
import { openRegularFile } from './media/regular-file.js';
import { checkOptionsObject, checkSandboxOptions, readDialect, readHost, readOptionTree } from './options.js';
import { anchored, requestPathUrl } from './paths.js';
import { duplicateKey, maxPersistBytes, persistedProblem } from './persisted-records.js';
import type {
  EncoderInfo,
  Fault,
  FaultOperation,
  RouteFaultOperation,
  SandboxDialect,
  SandboxRequest,
  SandboxResponse,
  SandboxStats,
  StreamChangeListener,
} from './types.js';
import {
  createWebhookDelivery,
  type WebhookDelivery,
  type WebhookDeliveryOptions,
} from './webhooks/delivery.js';

/** Options of {@link startSandbox}. */
export interface SandboxOptions extends Omit<EngineOptions, 'dialects' | 'data' | 'onChange'> {
  /**
   * The address to listen on, API and RTMP ingest. Defaults to 127.0.0.1: the sandbox never listens beyond
   * this machine unless told to; an empty, blank (the library's whitespace, `trimWhitespace`: NEL and the BOM
   * too) or non-text one is refused (`InvalidInputError` naming `host`), never read as every address. It
   * listens on every address only when `host` is written as a wildcard, `0.0.0.0` or `::` (in any IPv6
   * spelling, without a zone): another form the resolver reads as one (`0`, `0.0`, `0x0`,
   * `::ffff:0.0.0.0`, `::%lo`, a name resolving to `0.0.0.0`) is refused naming `host`. For a wildcard, the
   * URLs the sandbox hands out (`url`, base URLs, ingest and playback URLs) name loopback of its family
   * (`127.0.0.1`, `::1`), the one address every wildcard bind is sure to answer on; for URLs another machine
   * can use, listen on the address it reaches (`'192.168.1.20'`).
   */
  host?: string | undefined;
  /** 0 (the default) picks a free port. */
  port?: number | undefined;
  /** Dialects to serve; every built-in one by default. */
  dialects?: readonly SandboxDialect[] | undefined;
  /** Keeps the records in this JSON file across restarts: a path, as text (a `file:` URL or a `Buffer` is refused). */
  persistPath?: string | undefined;
  /**
   * Real media: an RTMP ingest on loopback that the dialects' ingest URLs point at, live state that
   * follows the encoder, and HLS at the playback URLs. On by default (`true`, or an object of its
   * options); `false` turns it off (ingest URLs then lead nowhere).
   */
  media?: MediaOptions | boolean | undefined;
  /**
   * Host names and addresses the sandbox trusts besides loopback ones (127.0.0.0/8, `::1`, `localhost`,
   * `*.localhost`) and `host`. A request naming any other `Host` name is refused with 403, so a web page
   * cannot reach the sandbox through a name of its own that resolves here (DNS rebinding); an IP address in
   * `Host` is answered, since no name was rebound to reach it. A change (`POST`, `PUT`, `PATCH`, `DELETE`)
   * from a browser page is taken only from a page whose origin's host is loopback or one of these: add the
   * names a container or proxy uses, and the address of another machine whose pages may change the sandbox
   * (`'192.168.1.20'`). An entry with a port (`'dev.example.test:8443'`) admits that host on that port only,
   * in `Host` (one without a port names 80) and in `Origin` (one without a port names its scheme's default,
   * 80 or 443); an entry without a port admits the host on any port.
   */
  allowedHosts?: readonly string[] | undefined;
  /**
   * Largest request body, in bytes, on every route: a larger one is refused with 413 (at once when its
   * `Content-Length` says so) and the connection closed, so no request can exhaust the sandbox's memory.
   * A whole number from 1 to 2^31; default 1 MiB (every vendor payload is a few kB).
   */
  maxBodyBytes?: number | undefined;
  /**
   * Webhook delivery: endpoints registered from the start, the signing secret and key pair (fresh ones by
   * default), the time limit of each delivery and the bound of each URL's backlog. Endpoints can also be
   * registered through the control API. Delivery records are stamped by the sandbox's `now`.
   *
   * @throws InvalidInputError naming `webhooks.timeoutMs` or `webhooks.maxPending` when either is out of its
   *   range, or `webhooks.<key>` for a key it does not take; `webhooks.endpoints.N` for an entry that is no
   *   `{ provider, url }` object, `webhooks.endpoints.N.<key>` for a key it does not take, and
   *   `webhooks.endpoints.N.provider` for a provider the sandbox does not serve.
   */
  webhooks?: Omit<WebhookDeliveryOptions, 'now'> | undefined;
}

/**
 * Settings of an adapter pointed at a sandbox: its `baseUrl`, its development credentials and, when the
 * sandbox is reached at an address other than loopback, `allowInsecureHttp: true` (the sandbox speaks plain
 * http, and only its development credentials travel in clear).
 */
export type AdapterSettings = { baseUrl: string; allowInsecureHttp?: true } & Record<string, string | true>;

/** A running sandbox. */
export interface Sandbox {
  /**
   * Where this machine reaches the sandbox: `http://127.0.0.1:PORT` by default, `http://HOST:PORT` for the
   * `host` it listens on, loopback of its family for a wildcard (`0.0.0.0` → `127.0.0.1`, `::` → `[::1]`).
   */
  readonly url: string;
  /** The address it listens on, as given in `host` (`127.0.0.1` by default). */
  readonly host: string;
  readonly port: number;
  readonly engine: SandboxEngine;
  /** The base URL to give a provider's adapter (`baseUrl` setting). */
  baseUrl(provider: ProviderId): string;
  /** The credentials this sandbox accepts for a provider. */
  credentials(provider: ProviderId): Record<string, string>;
  /**
   * What the provider's adapter factory takes to talk to this sandbox: its `baseUrl`, the credentials and,
   * for a sandbox reached at an address other than loopback (a LAN address), `allowInsecureHttp: true`.
   */
  adapterSettings(provider: ProviderId): AdapterSettings;
  /** Served providers. */
  readonly providers: readonly ProviderId[];
  /**
   * Queues a fault for the next `times` calls of `operation` on `provider`: a dialect's call (`get`,
   * `start`, …) or a route of the sandbox's own (`public-key`: videosdk's webhook key route, `GET
   * /v2/public/rsa-public-key`).
   *
   * @throws InvalidInputError naming the field, as `POST /_sandbox/faults` answers 400 (see the README).
   */
  injectFault(provider: ProviderId, operation: FaultOperation | RouteFaultOperation, fault: Fault): void;
  clearFaults(): void;
  /**
   * Simulates an encoder connecting to (or leaving) a stream. Never throws a dialect's error: a `describe`
   * that throws leaves the encoder set and its change reported without the stream's record, with an `error`
   * line in the log.
   *
   * @throws InvalidInputError (`operation: 'setEncoder'`, issue `connected`) when `connected` is no boolean
   *   (`{ connected: false }`, the control route's body, or `'false'` would read as connected).
   * @throws ConflictError (`operation: 'setEncoder'`) when `connected` is false while a real encoder
   *   publishes to the stream over RTMP: it is connected until it stops publishing (stop, disable or delete
   *   the stream to cut it off), as `PUT /_sandbox/encoders/{provider}/{id}` answers 409.
   */
  setEncoder(provider: ProviderId, id: string, connected: boolean): void;
  /** `rtmp://127.0.0.1:PORT`, where the RTMP ingest listens; undefined with `media: false`. */
  readonly ingestUrl: string | undefined;
  /** The encoder publishing to a stream over RTMP now. */
  publisher(provider: ProviderId, id: string): EncoderInfo | undefined;
  /** Observes every stream change on every provider; returns the function that stops observing. */
  onStreamChange(listener: StreamChangeListener): () => void;
  /**
   * The webhook sender: each vendor's webhooks for every stream change, signed the vendor's way, to the
   * registered endpoints (`webhooks.register(provider, url)`); `webhooks.secret` is the Real-Time secret,
   * `webhooks.keyPair()` the videosdk key pair.
   */
  readonly webhooks: WebhookDelivery;
  stats(): SandboxStats;
  close(): Promise<void>;
}

/** Streams whose JSON is over what a start reads ({@link maxPersistBytes}): not saved. */
export class PersistTooLarge extends Error {
  constructor(readonly bytes: number) {
    super('the streams are too large to save');
  }
}

/**
 * The persist file's text for `snapshot`, or {@link PersistTooLarge} when it is over `limit` bytes: a save
 * that would write a file the next start refuses to read is not made, and the file keeps the last save that
 * fitted.
 */
export function persistTextOf(snapshot: unknown, limit = maxPersistBytes): string {
  const text = JSON.stringify(snapshot, null, 2);
  const bytes = Buffer.byteLength(text);
  if (bytes > limit) throw new PersistTooLarge(bytes);
  return text;
}

/**
 * Starts a local HTTP server speaking each vendor's REST dialect under `/<provider-id>/…`, with a control
 * API under `/_sandbox` (faults, simulated encoders, statistics).
 *
 * @throws InvalidInputError (`operation: 'startSandbox'`) before anything listens, naming the option: options
 *   that are no plain object (`null`, a number, a text, a list, a `Map`, a class instance) name `options`
 *   (left out, they are all defaults), and so does an object they hold name its path at every level
 *   (`rateLimit`, `media`, `media.hls`, `webhooks`, `webhooks.keyPair`, `webhooks.endpoints.0`, `settings`,
 *   `settings.<provider>`, `settings.<provider>.credentials`; a dialect may be any object); an option
 *   object or option that throws as it is read (a revoked Proxy, a throwing `ownKeys` or `get` trap or
 *   getter) names its path, `could not be read`, never with the caller's error (the options are read once,
 *   into a copy, before any is checked); a port
 *   or `maxBodyBytes` out of range, and a list option (`dialects`, `allowedHosts`, `webhooks.endpoints`)
 *   that is no list (a text would be taken for its characters), cannot be read (a Proxy whose `length` or
 *   an entry throws, a getter on an entry, a revoked Proxy: `could not be read`, the thrown value as
 *   `cause`), or, for `allowedHosts`, holds an entry that is no host name or whose port is not from 1 to
 *   65535 (`allowedHosts.1`). Each list is read once, by index, into the sandbox's own copy, and each dialect
 *   into a copy of its members: a member whose reading throws names it (`dialects.0.id`, `could not be
 *   read`, without the caller's error), as does a `defaultCredentials` that throws. Options are read by
 *   their own names, enumerable or not. An entry of `dialects` or `webhooks.endpoints` that is
 *   no object names `dialects.0` or `webhooks.endpoints.0`; a dialect without a text `id` of its own that
 *   is one path segment of 1 to 64 letters, digits, `.`, `_` or `-` starting with a letter or a digit and
 *   not the sandbox's own (`_sandbox`, `media`), or whose `ingest` is no object with a `match` function, a
 *   `credentialsFor` function if any and a `playlistName` of letters, digits, `_` or `-` ending in `.m3u8`
 *   (each read once, a member whose reading throws named `dialects.0.ingest.match`), an
 *   endpoint with a key other than `provider` and `url`, for a provider not served, or with a URL no
 *   delivery can go to names that field (`webhooks.endpoints.0.provider`). A `host` that is empty, blank
 *   or no text, that does not resolve, that resolves to a wildcard without being written as one (`0`,
 *   `0x0`), or that the system cannot listen on (not of this machine; a link-local IPv6 address without its
 *   zone, `fe80::1`) names `host`; a port in use names `port` or `media.port`; a `persistPath` that is no text, blank,
 *   holds a NUL character, is a folder or lies in a folder that does not exist or cannot be written, or
 *   whose file is over 256 MiB, is not JSON, or holds records the sandbox would not write (a record
 *   without its `id`, a field of another type, a provider no dialect serves, an id twice: the message names
 *   the file and the first such place by its path in the document, never its value) names
 *   `persistPath`; a `media.directory` no publish could write HLS output under names `media.directory`: it is
 *   tried as a publish does it (the folder made with `mkdir -p` of the path joined as text, a folder and a
 *   file made in it, and all the start made removed at once), so one that is no folder (a file, a FIFO, a
 *   device, `a-file/` with its slash too), lies under one, is or lies under a symbolic link to nothing, has a
 *   name longer than the file system allows, holds a NUL character, or is (or would be created in) a folder
 *   the sandbox may not write to (a file system that takes no new entries, `/proc` or `/sys` to root, too). Every other option out of
 *   its type or range, or a key no option has at any level, names its path (`media.setupTimeoutMs`, `rateLimit.requestsPerSecnd`): timers above 0 and at most 2147483647 ms,
 *   `transitionMs` from 0 to the same, `rateLimit.requestsPerSecond` above 0 (a fraction is honoured); the
 *   package README lists every bound.
 */
export async function startSandbox(given: SandboxOptions = {}): Promise<Sandbox> {
  checkOptionsObject(given);
  // Read once into a copy of the sandbox's own, every later read from it: a getter or a Proxy of the
  // caller's that throws is named here, never escaping as the caller's error from deep inside.
  const read = readOptionTree(given) as SandboxOptions;
  // `media: true` is media with its defaults, as leaving it out is.
  const { media: asked, ...rest } = read;
  const options: Omit<SandboxOptions, 'media'> & { media?: MediaOptions | false } =
    asked === undefined ? rest : { ...rest, media: asked === true ? {} : asked };
  const port = options.port ?? 0;
  for (const [path, value] of [
    ['port', port],
    ['media.port', options.media === false ? 0 : (options.media?.port ?? 0)],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 65_535) {
      throw new InvalidInputError({
        operation: 'startSandbox',
        message: `${path} must be a whole number from 0 to 65535 (0 picks a free port)`,
        issues: [{ path, message: 'expected a whole number from 0 to 65535' }],
      });
    }
  }
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1 || maxBodyBytes > 2 ** 31) {
    throw new InvalidInputError({
      operation: 'startSandbox',
      message: 'maxBodyBytes must be a whole number of bytes from 1 to 2^31',
      issues: [{ path: 'maxBodyBytes', message: 'expected a whole number from 1 to 2147483648' }],
    });
  }
  // The lists are read once, here, into lists of the sandbox's own: one whose reading throws (a Proxy, a
  // getter on an entry) is named, never the caller's error escaping from deep inside.
  const dialects =
    (optionList('dialects', options.dialects)?.map((entry, index) =>
      readDialect(entry, `dialects.${index}`),
    ) as SandboxDialect[] | undefined) ?? allDialects;
  const givenHosts = optionList('allowedHosts', options.allowedHosts);
  givenHosts?.forEach((name, index) => {
    if (typeof name !== 'string' || !isHostEntry(name)) {
      throw new InvalidInputError({
        operation: 'startSandbox',
        message: `allowedHosts.${index} must be a host name or address (dev.example.test, 192.168.1.20, [fd00::2], with an optional :port), not a URL, a wildcard or a name with a leading or trailing dot or a space`,
        issues: [{ path: `allowedHosts.${index}`, message: 'expected a host name or address' }],
      });
    }
  });
  const givenEndpoints = optionList('webhooks.endpoints', options.webhooks?.endpoints)?.map(
    (entry, index) => readOptionTree(entry, `webhooks.endpoints.${index}`) as typeof entry,
  );
  checkSandboxOptions(options, { dialects, endpoints: givenEndpoints });
  const host = await readHost(options.host);
  if (options.persistPath !== undefined) checkPersistPath(options.persistPath);
  if (options.media !== false && options.media?.directory !== undefined) {
    await checkMediaDirectory(options.media.directory);
  }
  // Anchored once to the working folder at start: a later `process.chdir` must not move the file every save
  // writes (and the next start reads). Put in front as text, not `resolve`d, so `..` after a symlink still
  // means what the system reads.
  // A persist file that is a symbolic link is read, locked and saved as the file it names: a save renamed
  // over the link would replace it with a file of its own, and a lock on the link's name would not be the
  // lock of a sandbox started on the file itself.
  const persistPath =
    options.persistPath === undefined ? undefined : persistTarget(anchored(options.persistPath));
  // One sandbox a file: each saves its own view, so two on one file would each overwrite the other's
  // streams. Held until close (or the process ends), read before the file is.
  let lostLock: ((code: string) => void) | undefined;
  const unlockPersist =
    persistPath === undefined ? undefined : await lockPersistFile(persistPath, (code) => lostLock?.(code));
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let saveFailed = false;
  // Written to a file beside it and renamed over it, so a crash mid-write never leaves half a file. A
  // failure (the disk filled up, the folder was removed) is a line of the sandbox's log, once until a save
  // succeeds again, never an exception in a timer that would end the process; the save at close, the last
  // chance, always says when it fails, since what it could not write is lost.
  // The save at close is the last: nothing writes the file once close() has resolved.
  let savedLast = false;
  const save = (final = false) => {
    if (!persistPath || savedLast) return;
    if (final) savedLast = true;
    // A name no one can guess, created only if nothing is there (`wx`: O_CREAT | O_EXCL, which never
    // follows a symlink planted at it), readable by this user alone: the records hold stream keys and push
    // passwords, and the rename gives the persist file the same mode.
    const next = `${persistPath}.${randomBytes(12).toString('hex')}.tmp`;
    let created = false;
    try {
      const text = persistTextOf(engine.snapshot());
      const file = openSync(next, 'wx', 0o600);
      created = true;
      try {
        writeFileSync(file, text);
      } finally {
        closeSync(file);
      }
      renameSync(next, persistPath);
      saveFailed = false;
    } catch (error) {
      // Only a file this save made is removed, never one found at the name.
      if (created) rmSync(next, { force: true });
      if (saveFailed && !final) return;
      saveFailed = true;
      const code = (error as { code?: unknown }).code;
      const why =
        error instanceof PersistTooLarge
          ? `they take ${error.bytes} bytes, more than the ${maxPersistBytes} (256 MiB) a persist file may hold: delete streams`
          : typeof code === 'string'
            ? code
            : 'write failed';
      engine.log({
        level: 'error',
        message: final
          ? `could not save the streams to the persist file as the sandbox closed (${why}); the changes since the last save are lost`
          : `could not save the streams to the persist file (${why}); they are kept in memory and saved again at the next change`,
      });
    }
  };
  let persisted: PersistedData | undefined;
  try {
    persisted =
      persistPath && existsSync(persistPath)
        ? readPersisted(
            persistPath,
            dialects.map((dialect) => dialect.id),
          )
        : undefined;
  } catch (error) {
    // A file refused leaves it free for the next start, in this process too.
    await unlockPersist?.();
    throw error;
  }
  const engine = createEngine({
    ...options,
    dialects,
    ...(persisted ? { data: persisted } : {}),
    onChange: () => {
      if (!persistPath || saveTimer) return;
      saveTimer = setTimeout(() => {
        saveTimer = undefined;
        save();
      }, 50);
    },
  });

  lostLock = (code) =>
    engine.log({
      level: 'error',
      message: `lost the lock on the persist file (${code}): another sandbox may write it now, and each would overwrite the other's streams`,
    });

  let media: MediaService | undefined;
  try {
    media =
      options.media === false
        ? undefined
        : await startMediaService(engine, { ...options.media, host, urlHost: reachableHost(host) });
  } catch (error) {
    engine.close();
    await unlockPersist?.();
    throw listenError(error as Error, 'media.port');
  }
  // A sandbox that keeps its streams (`persistPath`) but not their HLS output (no `media.directory`) numbers a
  // stream's segments from 0 again after a restart: the same segment URL then names other bytes, which a
  // player or a cache that kept it for a minute would play. Segments are then never kept.
  const segmentCaching = persistPath !== undefined && media?.ownsDirectory ? 'no-cache' : 'max-age=60';
  let webhooks: WebhookDelivery;
  try {
    // One clock for the sandbox: a delivery's `at` agrees with the times dialects stamp on its streams.
    webhooks = createWebhookDelivery({
      ...options.webhooks,
      ...(givenEndpoints === undefined ? {} : { endpoints: givenEndpoints }),
      now: options.now ?? Date.now,
    });
  } catch (error) {
    await media?.close();
    engine.close();
    await unlockPersist?.();
    throw error;
  }
  engine.onStreamChange((change) => webhooks.handle(change));

  let url = '';
  const dashboard = createDashboard({
    engine,
    media,
    url: () => url,
    deliveries: () => webhooks.deliveries(),
  });
  const allowedHosts = new Set([host, ...(givenHosts ?? [])].map((name) => allowedHostKey(name)));
  const server = createServer((request, response) => {
    const refusal = refuseRequest(request, allowedHosts, maxBodyBytes);
    if (refusal) {
      refuse(response, refusal);
      return;
    }
    let handled: boolean;
    try {
      handled = dashboard.handle(request.method ?? 'GET', request.url, response);
    } catch {
      // A dialect that cannot list its streams (a custom one whose `streams` throws, a persisted record of a
      // shape it does not expect) fails this request as a vendor route's failure does, its error (whose
      // message may hold a key) never repeated: never an exception out of the server that ends the process.
      if (!response.headersSent) send(response, { status: 500, body: { error: 'sandbox failure' } });
      else response.destroy();
      return;
    }
    if (handled) return;
    serve(engine, media, webhooks, request, response, maxBodyBytes, segmentCaching).catch(
      (error: unknown) => {
        if (error instanceof BodyTooLarge) {
          refuse(response, tooLarge(maxBodyBytes));
          return;
        }
        if (!response.headersSent) send(response, { status: 500, body: { error: 'sandbox failure' } });
        else response.destroy();
      },
    );
  });
  // A client that waits for `100 Continue` before its body (`Expect: 100-continue`, curl's way with a large
  // upload) is told a refusal (413 over `maxBodyBytes`, 403 from a foreign host) first, as its final answer:
  // Node would say 100 to every one, so the client sent the body the sandbox was about to refuse.
  server.on('checkContinue', (request, response) => {
    const refusal = refuseRequest(request, allowedHosts, maxBodyBytes);
    if (refusal) {
      refuse(response, refusal);
      return;
    }
    response.writeContinue();
    server.emit('request', request, response);
  });
  // An idle connection is kept a minute, as a vendor's load balancer keeps one, not Node's 5 s: a client
  // that sends on a connection it holds idle while the server has just closed it gets ECONNRESET, and a
  // process stalled for 5 s (a busy machine) between two requests, with no timer run in between, sent its
  // next request into the 5 s close.
  server.keepAliveTimeout = idleConnectionMs;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(listenError(error)));
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    dashboard.close();
    await media?.close();
    engine.close();
    webhooks.close();
    await unlockPersist?.();
    throw error;
  }
  const listening = (server.address() as AddressInfo).port;
  const origin = sandboxOrigin(host, listening);
  url = origin.url;
  const insecure = origin.insecure;
  engine.setOrigin(url);
  const baseUrl = (provider: ProviderId) =>
    `${url}/${provider}${engine.dialects.get(provider)?.basePath ?? ''}`;
  const credentials = (provider: ProviderId) => ({ ...engine.settingsOf(provider)?.credentials });
  // Transitions the persist file's records were in when they were saved end as they would have: their
  // timers went with the process that saved them.
  engine.resume();

  return {
    url,
    host,
    port: listening,
    engine,
    providers: [...engine.dialects.keys()],
    baseUrl,
    credentials,
    adapterSettings: (provider) => ({ ...credentials(provider), ...insecure, baseUrl: baseUrl(provider) }),
    injectFault: (provider, operation, fault) => engine.injectFault(provider, operation, fault),
    clearFaults: () => engine.clearFaults(),
    setEncoder: (provider, id, connected) => setSimulatedEncoder(engine, provider, id, connected),
    ingestUrl: media?.ingestOrigin,
    publisher: (provider, id) => media?.publisher(provider, id),
    onStreamChange: (listener) => engine.onStreamChange(listener),
    webhooks,
    stats: () => structuredClone(engine.stats),
    async close() {
      dashboard.close();
      await media?.close();
      engine.close();
      webhooks.close();
      if (saveTimer) clearTimeout(saveTimer);
      save(true);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await unlockPersist?.();
    },
  };
}

/**
 * The address URLs name for a sandbox listening on `host`: `host` itself, except a wildcard, which no
 * client can connect to (and another machine least of all), named by loopback of its family instead.
 */
export function reachableHost(host: string): string {
  // As the URL parser reads it, which reads IPv4 as the system's resolver does: `0`, `0x0` and `0.0` are
  // `0.0.0.0` to both.
  let hostname: string;
  try {
    hostname = new URL(`http://${isIP(host) === 6 ? `[${host}]` : host}`).hostname;
  } catch {
    return host;
  }
  if (hostname === '0.0.0.0') return '127.0.0.1';
  if (hostname === '[::]') return '::1';
  return host;
}

/**
 * The URL of a sandbox listening on `host` and `port`, and what its adapter settings add: plain http to a
 * host other than loopback is refused by every adapter unless told (`allowInsecureHttp: true`), which is
 * said here, where only the sandbox's development credentials travel, never by loosening the adapters.
 */
export function sandboxOrigin(
  host: string,
  port: number,
): { url: string; insecure: { allowInsecureHttp?: true } } {
  const name = reachableHost(host);
  const url = `http://${name.includes(':') ? `[${name}]` : name}:${port}`;
  return { url, insecure: isLoopbackHost(new URL(url).hostname) ? {} : { allowInsecureHttp: true } };
}

type PersistedData = NonNullable<EngineOptions['data']>;

/** How long a lock left by a sandbox that ended without closing holds its persist file (ms). */
export const persistLockStaleMs = 10_000;

/**
 * Takes the persist file for this sandbox alone: a lock beside it (`<file>.lock`, proper-lockfile's folder,
 * its time kept fresh while the sandbox runs), freed by the returned function, or by the process's exit. A
 * lock another sandbox holds is refused; one left by a sandbox that ended abruptly (its time not kept
 * fresh) is taken over once {@link persistLockStaleMs} has passed. `lost` hears the code of a lock lost
 * while held (its folder removed by hand, its time not written).
 *
 * @throws InvalidInputError naming `persistPath` when another sandbox holds it, or the lock cannot be made.
 */
async function lockPersistFile(path: string, lost: (code: string) => void): Promise<() => Promise<void>> {
  freeLockFromTheFuture(`${path}.lock`);
  try {
    const release = await lockfile.lock(path, {
      realpath: false,
      stale: persistLockStaleMs,
      onCompromised: (error) => lost(errorCode(error)),
    });
    return () => release().catch(() => undefined);
  } catch (error) {
    const held = errorCode(error) === 'ELOCKED';
    throw new InvalidInputError({
      operation: 'startSandbox',
      message: held
        ? `The persist file ${path} is in use by another sandbox (it holds ${path}.lock): give each sandbox its own persist file, or close the other; a lock left by a sandbox that ended without closing frees itself within ${persistLockStaleMs / 1000} s`
        : `The persist file ${path} could not be locked for this sandbox (${errorCode(error)}): pass a path in a folder the sandbox may write to`,
      issues: [
        {
          path: 'persistPath',
          message: held ? 'in use by another sandbox' : 'expected a file path the sandbox may lock',
        },
      ],
    });
  }
}

/**
 * The file a persist path names: the target of a symbolic link (followed to the end), else the path itself
 * (a file not made yet, or one that is not a link).
 */
function persistTarget(path: string): string {
  let target = path;
  // Link by link, as the system follows them (at most 40, its own bound), so a link to a file not made
  // yet names where the first save creates it.
  for (let hops = 0; hops < 40; hops += 1) {
    try {
      if (!lstatSync(target).isSymbolicLink()) return target;
      target = resolvePath(dirname(target), readlinkSync(target));
    } catch {
      // Nothing there (a file not made yet): the path the links lead to.
      return target;
    }
  }
  return path;
}

// A lock's time in the future beyond the stale bound is from no sandbox running on this clock (one that
// runs writes the present every few seconds): a sandbox killed before the clock stepped back, or a folder
// copied in with its lock. Dated stale, it is taken over at once, instead of holding the file for as long
// as the clock is behind. (A sandbox still running across a step back of the clock writes its time again
// within seconds; should it meet a lock taken over meanwhile, it logs that it lost it.)
function freeLockFromTheFuture(lock: string): void {
  try {
    if (statSync(lock).mtimeMs > Date.now() + persistLockStaleMs) {
      const stale = new Date(Date.now() - 2 * persistLockStaleMs);
      utimesSync(lock, stale, stale);
    }
  } catch {
    // No lock there, or one that cannot be read: proper-lockfile says which.
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'failed';
}

/**
 * Checks at start that the sandbox can keep its records at `path`: an existing regular file it may open for
 * reading and writing (opened without creating or truncating it), or a new one in a folder that exists and
 * that it may write to; either way a save's temporary file beside it is created and removed once, so a name
 * the file system refuses (`ENAMETOOLONG`) is caught now. A FIFO, a socket, a device, a folder, a path
 * ending in a slash, or a folder part that does not exist as written (`missing/../p.json`) is refused. A
 * path blank by the library's whitespace rule (`trimWhitespace`: NEL and the BOM count) is empty.
 *
 * @throws InvalidInputError naming `persistPath` otherwise.
 */
function checkPersistPath(path: string): void {
  const refuse = (why: string) =>
    new InvalidInputError({
      operation: 'startSandbox',
      message: `The persist file${why}: pass a path in a folder the sandbox may write to`,
      issues: [{ path: 'persistPath', message: 'expected a file path the sandbox may read and write' }],
    });
  // Blank by the library's rule, as `host` and the CLI's `--persist` are: `trim()` keeps NEL (U+0085), which
  // would be taken for a file name.
  // A `file:` URL or a `Buffer` (what Node's own `fs` calls take) is no path here: the option is text, and
  // saying "empty" of one would send the caller looking for a blank.
  if (typeof path !== 'string') throw refuse(` path is no text (got ${kindOf(path)}; pass the path as text)`);
  if (trimWhitespace(path) === '') throw refuse(' path is empty');
  // No file name holds a NUL: every file call would fail, and the streams meant to be kept would be lost at
  // each change and at close.
  if (path.includes('\0')) throw refuse(' path holds a NUL character');
  // A name ending in a slash names a folder, and one past the file system's limit for a name can never be
  // created: every save would fail. The saves write `<name>.<24 hex>.tmp` beside the file, so that name is
  // what must fit.
  if (path.endsWith('/') || path.endsWith(sep)) throw refuse(' path ends with a slash (it names a folder)');
  let target: ReturnType<typeof statSync> | undefined;
  try {
    target = statSync(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENAMETOOLONG') throw refuse(' name is longer than the file system allows');
    // Missing (`ENOENT`): a new file, whose folder is checked below; anything else the folder check names.
    target = undefined;
  }
  if (target?.isDirectory()) throw refuse(' is a folder');
  // A FIFO, a socket or a device is no file the records can be kept in: reading a FIFO would block the
  // whole process (no timer runs, no signal handler) until something writes to it.
  if (target && !target.isFile()) throw refuse(' is no regular file (a FIFO, a socket or a device)');
  // The folder as the system reads it: `missing/../p.json` needs `missing`, which `resolve` would drop.
  const folder = dirname(path);
  // Named as given, and, for a relative path, where the system looks for it: its `..` kept
  // (`/tmp/missing/..`, not `/tmp`, which exists), and no `/.` for the current folder. The path itself is
  // named too for a relative one: the folder alone (`.`, `missing/..`) says little of what was passed.
  const shown = isAbsolute(folder) ? folder : relativeFolder(path, folder);
  let folderStat: ReturnType<typeof statSync>;
  try {
    folderStat = statSync(folder);
  } catch {
    throw refuse(`'s folder ${shown} does not exist`);
  }
  if (!folderStat.isDirectory()) throw refuse(`'s folder ${shown} is no folder`);
  try {
    accessSync(folder, constants.W_OK);
    // Opened for reading and writing, never created or truncated: what a save needs of an existing file.
    if (target) closeSync(openSync(path, constants.O_RDWR | constants.O_NONBLOCK));
  } catch {
    throw refuse(target ? ' cannot be read and written' : `'s folder ${shown} cannot be written to`);
  }
  // The name a save writes first, created and removed at once: a name too long for it is refused now.
  const probe = `${path}.${randomBytes(12).toString('hex')}.tmp`;
  try {
    closeSync(openSync(probe, 'wx', 0o600));
    rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENAMETOOLONG') throw refuse(' name is longer than the file system allows');
    throw refuse(`'s folder ${shown} cannot be written to`);
  }
}

/**
 * Checks at start that HLS output can ever be written under `path` (`media.directory`), by doing what each
 * publish's packager does: it makes `<path>/<provider>/<id>` (`mkdir -p` of the path joined as text,
 * `join(root, provider, id)`, so `a/../b` is `b`) and writes files there. The check makes the folder itself
 * the same way (`mkdir -p` of `join(path)`, through the same text, symlinks followed by the system as they
 * will be then), a folder of a name no one can guess in it (`.unilive-probe-<random>`) and a file in that,
 * then removes what it made, and only that: the file, its folder, and the folders of the path that did
 * not exist before (the missing folders are made again at the first publish). So whatever a publish would
 * meet refuses the start: a file, a FIFO, a socket or a device there or on the way (`a-file/hls`, `a-file/`
 * with its slash too), a symbolic link to nothing there or on the way, a folder it may not write to or
 * create the path in, a file system that takes no new entries (`/proc`, `/sys`, where root's `access(2)`
 * says yes), a name the file system refuses as too long or a NUL character. The refusal says why, read
 * from the nearest part of the path that exists. The probe is asynchronous: the event loop runs while it
 * waits on the disk. Permissions and space can still change later; what fails then is a line of the log,
 * as before.
 *
 * @throws InvalidInputError naming `media.directory` otherwise.
 */
async function checkMediaDirectory(given: string): Promise<void> {
  const refuse = (why: string) =>
    new InvalidInputError({
      operation: 'startSandbox',
      message: `The media folder${why}: pass a folder the sandbox may write HLS output to, or a path where it may create one`,
      issues: [
        {
          path: 'media.directory',
          message: 'expected a folder the sandbox may write to, or a path where it may create one',
        },
      ],
    });
  if (given.includes('\0')) throw refuse(' path holds a NUL character');
  // As the packager joins it (`join(root, provider, id)`), so what is tried is what it will make.
  const target = join(anchored(given));
  const failure = await tryMediaFolder(target);
  if (failure === undefined) return;
  if (failure === 'ENAMETOOLONG') throw refuse(` ${given} has a name longer than the file system allows`);
  throw refuse(whyNoMediaFolder(given, target, failure));
}

/**
 * Makes `target` as a publish does (`mkdir -p`), a folder of a random name in it and a file in that, and
 * removes what it made, whatever happens: the file when it was written, its folder, then each folder of
 * the path this call created, from the deepest up (a folder someone else wrote in meanwhile is kept).
 * Answers `undefined` when all was made, else the error code of the first step that failed.
 */
async function tryMediaFolder(target: string): Promise<string | undefined> {
  // Another start on the same missing path may remove a folder between two steps of this one.
  for (let attempt = 0; ; attempt += 1) {
    const made: string[] = [];
    let probe: string | undefined;
    let file: string | undefined;
    try {
      await makeFolders(target, made);
      probe = await mkdtemp(join(target, '.unilive-probe-'));
      const name = join(probe, 'probe');
      await writeFile(name, '', { flag: 'wx', mode: 0o600 });
      file = name;
      return undefined;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // A folder another start removed meanwhile: tried again (a link to nothing fails each time alike).
      if (code === 'ENOENT' && probe === undefined && attempt < 2) continue;
      return typeof code === 'string' ? code : 'unknown error';
    } finally {
      if (file !== undefined) await unlink(file).catch(() => undefined);
      if (probe !== undefined) await rmdir(probe).catch(() => undefined);
      for (const folder of made.reverse()) {
        if (
          !(await rmdir(folder).then(
            () => true,
            () => false,
          ))
        )
          break;
      }
    }
  }
}

/**
 * `mkdir -p` as `fs.mkdir(path, { recursive: true })` does it, each folder it makes pushed on `made`
 * (shallowest first): `mkdir` of the path; a missing parent (`ENOENT`) is made first and the path tried
 * once more; an entry already there (`EEXIST`) must be a folder, followed as the system follows it (a file,
 * `ENOTDIR`; a symbolic link to nothing, `ENOENT`). Node's own loops for ever where `mkdir` answers
 * `ENOENT` under a parent that exists (`/proc/self/task/hls`); this one tries each folder once.
 */
async function makeFolders(path: string, made: string[]): Promise<void> {
  try {
    await mkdir(path);
    made.push(path);
    return;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EEXIST') {
      if ((await stat(path)).isDirectory()) return;
      throw Object.assign(new Error(`${path} is no folder`), { code: 'ENOTDIR' });
    }
    const parent = dirname(path);
    if (code !== 'ENOENT' || parent === path) throw error;
    await makeFolders(parent, made);
  }
  await mkdir(path);
  made.push(path);
}

// `a/b/` as `a/b`, the root as it is.
function withoutTrailingSeparators(path: string): string {
  const bare = path.replace(sep === '/' ? /\/+$/ : /[\\/]+$/, '');
  return bare === '' || /^[A-Za-z]:$/.test(bare) ? `${bare}${sep}` : bare;
}

/**
 * Why no publish could write under `target` (`given` as written), read from the nearest part of the path
 * that exists, after the probe failed with `code`: the path itself or the ancestor `mkdir -p` starts from.
 * A missing part (`ENOENT`) or one under a file (`ENOTDIR`) sends the walk one level up; a symbolic link to
 * nothing is named as such. Trailing separators are left out here: `a-file/` is the file `a-file`.
 */
function whyNoMediaFolder(given: string, target: string, code: string): string {
  const bare = withoutTrailingSeparators(target);
  let existing = bare;
  for (;;) {
    let found: ReturnType<typeof statSync>;
    try {
      found = statSync(existing);
    } catch (error) {
      const walkCode = (error as { code?: unknown }).code;
      if (walkCode === 'ENAMETOOLONG') return ` ${given} has a name longer than the file system allows`;
      if (walkCode !== 'ENOENT' && walkCode !== 'ENOTDIR') {
        return ` ${given} cannot be reached (${typeof walkCode === 'string' ? walkCode : 'unknown error'})`;
      }
      if (walkCode === 'ENOENT' && lstatSync(existing, { throwIfNoEntry: false })?.isSymbolicLink()) {
        return existing === bare
          ? ` ${given} is a symbolic link to nothing`
          : ` ${given} lies under ${existing}, a symbolic link to nothing`;
      }
      const parent = dirname(existing);
      if (parent === existing) return ` ${given} cannot be reached (${code})`;
      existing = parent;
      continue;
    }
    if (!found.isDirectory()) {
      return existing === bare
        ? ` ${given} is no folder (a file, a FIFO, a socket or a device)`
        : ` ${given} lies under ${existing}, which is no folder`;
    }
    return existing === bare
      ? ` ${given} cannot be written to`
      : ` ${given} cannot be created in ${existing}`;
  }
}

// A relative persist path's folder, as given and as the system reads it (from the working folder).
function relativeFolder(path: string, folder: string): string {
  let cwd: string;
  try {
    cwd = process.cwd();
  } catch {
    // The working folder was removed: there is nothing to read the path from.
    cwd = 'the working folder, which no longer exists';
  }
  const stripped = folder.replace(/^\.(?:[/\\]|$)/, '');
  const read = stripped === '' ? cwd : `${cwd}${sep}${stripped}`;
  return folder === '.' ? `of ${path} (the working folder, ${read})` : `${folder} of ${path} (${read})`;
}

// What a value given for text is, without showing it (it may be a secret put in the wrong option).
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof URL) return 'a URL';
  if (Buffer.isBuffer(value)) return 'a Buffer';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The records a persistent sandbox wrote: `{ provider: { collection: { id: record } } }`, checked before
 * anything is served (`persistedProblem`): each record an object whose `id` is its key, no key twice in one
 * object, a provider the sandbox serves or a built-in one, and a built-in dialect's records in the
 * collections and with the fields it keeps, in their types. A file over {@link maxPersistBytes} is not read.
 *
 * @throws InvalidInputError naming `persistPath` when the file cannot be read or holds anything else: a
 *   record or field that is not as the sandbox writes it is named by its path in the document
 *   (`expected string, got a number at wowza-video.live_streams.ab12cd34.liveStream.name`), never its value.
 */
function readPersisted(path: string, served: readonly string[]): PersistedData {
  const refuse = (why: string, detail = 'expected a JSON file the sandbox wrote') =>
    new InvalidInputError({
      operation: 'startSandbox',
      message: `The persist file ${why}: move it away or pass another path, and the sandbox starts empty there`,
      issues: [{ path: 'persistPath', message: detail }],
    });
  let text: string;
  try {
    // Opened without blocking and read only if it is a regular file: a FIFO put there since the start's
    // check would hold the process.
    const file = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const stat = fstatSync(file);
      if (!stat.isFile()) throw new Error('no regular file');
      if (stat.size > maxPersistBytes) {
        throw refuse(
          `${path} is ${stat.size} bytes, more than the ${maxPersistBytes} (256 MiB) a persist file may hold`,
        );
      }
      text = readFileSync(file, 'utf8');
      // One byte order mark, as an editor on Windows may put before a file it saved: JSON.parse refuses it.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    } finally {
      closeSync(file);
    }
  } catch (error) {
    if (InvalidInputError.isInstance(error)) throw error;
    throw refuse('cannot be read');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw refuse(`${path} is not valid JSON`);
  }
  const found = persistedProblem(data, served);
  const twice = found === undefined ? duplicateKey(text) : undefined;
  const bad =
    found ??
    (twice === undefined ? undefined : { path: twice, problem: 'a key that appears twice in its object' });
  if (bad) {
    // The place after the problem, never `<field>: <problem>`: redaction takes `key: …` for a credential.
    throw refuse(
      `${path} does not hold sandbox records (${bad.problem} at ${bad.path})`,
      `expected a JSON file the sandbox wrote; ${bad.problem} at ${bad.path}`,
    );
  }
  return data as PersistedData;
}

/**
 * A list option of `startSandbox` (`dialects`, `allowedHosts`, `webhooks.endpoints`) copied once, its `length`
 * and each entry read by index: undefined when left out; `InvalidInputError` naming it when it is no list
 * (a text would be taken for its characters) or cannot be read (a Proxy whose `length` or an entry throws,
 * a getter on an entry, a revoked Proxy: `could not be read`, what was thrown as `cause`).
 */
function optionList<T>(path: string, value: readonly T[] | undefined): T[] | undefined {
  const refuse = (message: string, cause?: unknown) =>
    new InvalidInputError({
      operation: 'startSandbox',
      message: `${path} ${message}`,
      issues: [{ path, message }],
      ...(cause === undefined ? {} : { cause }),
    });
  if (value === undefined) return undefined;
  const copy: T[] = [];
  try {
    if (!Array.isArray(value)) throw refuse('expected a list');
    const length: unknown = value.length;
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || length > 10_000) {
      throw refuse('expected a list of at most 10,000 entries');
    }
    for (let index = 0; index < length; index += 1) copy.push(value[index] as T);
  } catch (error) {
    if (InvalidInputError.isInstance(error)) throw error;
    throw refuse('could not be read (a getter or a Proxy in it threw)', error);
  }
  return copy;
}

/** A failure to listen, as a typed error naming the setting to change. */
function listenError(error: Error, portSetting: 'port' | 'media.port' = 'port'): Error {
  const code = (error as { code?: unknown }).code;
  const refuse = (path: string, message: string) =>
    new InvalidInputError({ operation: 'startSandbox', message, issues: [{ path, message }], cause: error });
  const which = portSetting === 'port' ? 'port' : 'RTMP port (media.port)';
  if (code === 'EADDRINUSE')
    return refuse(
      portSetting,
      `The ${which} is already in use on this host: choose another, or 0 for any free port`,
    );
  if (code === 'EACCES')
    return refuse(
      portSetting,
      `Listening on this ${which} is not allowed here (ports below 1024 need privileges)`,
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return refuse('host', 'The host is not an address of this machine');
  // An address the resolver takes but the system cannot listen on: an IPv6 link-local one (`fe80::1`)
  // without the zone that says which interface it is on (`fe80::1%eth0`).
  if (code === 'EINVAL')
    return refuse(
      'host',
      'The host cannot be listened on (a link-local IPv6 address needs its zone: fe80::1%eth0)',
    );
  return error;
}

const defaultMaxBodyBytes = 1024 * 1024;

/** How long the sandbox keeps an idle keep-alive connection open (announced as `Keep-Alive: timeout=65`). */
const idleConnectionMs = 65_000;

class BodyTooLarge extends Error {}

function tooLarge(maxBodyBytes: number): SandboxResponse {
  return { status: 413, body: { error: `request body over ${maxBodyBytes} bytes (maxBodyBytes)` } };
}

// Answers a refused request and closes the connection: the rest of its body is never read.
function refuse(response: ServerResponse, result: SandboxResponse): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  // Node closes the connection after this answer, the unread rest of the body with it.
  response.setHeader('connection', 'close');
  send(response, result);
}

// One label of a host name: letters, digits, `-` inside, `_` as container and service names hold.
const hostLabel = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/**
 * True for an `allowedHosts` entry that names a host the way a `Host` header does: a host name (labels of
 * letters, digits, `-` and `_`, no empty one, so no leading or trailing dot), an IPv4 address or an IPv6
 * address (bare or in brackets: a bare one, `fd00::2`, is read as `[fd00::2]`, since a port could not follow
 * it), with an optional `:port` from 1 to 65535. A URL, a wildcard (`*.example.test`), a name with a space
 * or a port no `Host` holds (`:0`, `:99999`) could never equal a `Host`, and would leave the user refused
 * while believing them allowed.
 */
export function isHostEntry(entry: string): boolean {
  let name = entry;
  const bracketed = /^\[([^\]]*)\](?::(\d{1,5}))?$/.exec(entry);
  if (bracketed) return isIP(bracketed[1] ?? '') === 6 && isPort(bracketed[2]);
  if (isIP(entry) === 6) return true;
  const withPort = /^([^:]*):(\d{1,5})$/.exec(entry);
  if (withPort) {
    if (!isPort(withPort[2])) return false;
    name = withPort[1] ?? '';
  }
  if (isIP(name) === 4) return true;
  return name.length > 0 && name.length <= 253 && name.split('.').every((label) => hostLabel.test(label));
}

// A port a `Host` header can hold: left out, or a whole number from 1 to 65535 (`:0` and `:99999` are typos
// that would be taken for a host no request names).
function isPort(digits: string | undefined): boolean {
  return digits === undefined || (Number(digits) >= 1 && Number(digits) <= 65_535);
}

/**
 * What an `allowedHosts` entry (or the listening host) is kept as in the set {@link isAllowedHost} and
 * {@link isTrustedOrigin} read: its bare name (lower case, no IPv6 brackets) when it names no port, so it
 * admits the host on any port, else `<name> <port>` (a space no host name holds), which admits it on that
 * port only: `pinned.example.test:8443` does not let in the page served on port 80 of that machine.
 */
export function allowedHostKey(entry: string): string {
  const port = portOf(entry);
  return port === undefined ? bareHost(entry) : `${bareHost(entry)} ${port}`;
}

/** The port a `Host` value or an `allowedHosts` entry names (`name:8443`, `[fd00::2]:8443`), if any. */
function portOf(value: string): number | undefined {
  const name = value.trim();
  const digits = name.startsWith('[')
    ? /\]:(\d+)$/.exec(name)?.[1]
    : name.split(':').length === 2
      ? name.split(':')[1]
      : undefined;
  return digits === undefined || !/^\d+$/.test(digits) ? undefined : Number(digits);
}

/** True when `allowed` admits `name` on `port`: an entry without a port, or one with that port. */
function admits(allowed: ReadonlySet<string>, name: string, port: number | undefined): boolean {
  return allowed.has(name) || (port !== undefined && allowed.has(`${name} ${port}`));
}

/** A host name without port or IPv6 brackets, lower case. */
function bareHost(value: string): string {
  const name = value.trim().toLowerCase();
  if (name.startsWith('[')) return name.slice(1, name.indexOf(']') === -1 ? undefined : name.indexOf(']'));
  const colons = name.split(':').length - 1;
  // One colon is a port; more is an IPv6 address without brackets.
  return colons === 1 ? (name.split(':')[0] ?? '') : name;
}

const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
// A reg-name (letters, digits, `-._~`, and `!$&'()*+,;=` as RFC 3986 allows them, percent escapes aside) or
// a bracketed IPv6 address, then an optional port.
const hostHeader = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=]*)(?::\d*)?$/;

/**
 * True for a `Host` the sandbox answers: an IP address (no name to rebind), a loopback name (`localhost`,
 * `*.localhost`), or one of `allowed` (the listening host, `allowedHosts`). Answering is not trusting: which
 * pages may change the sandbox is {@link isTrustedOrigin}'s to say.
 */
export function isAllowedHost(header: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (header === undefined) return true;
  // A Host is a name or an address and a port (RFC 9110 §7.2): one holding anything else (`127.0.0.1:4610@
  // evil.example`, a path, a space inside) names no host this check could read, whatever its first part says.
  if (!hostHeader.test(header.trim())) return false;
  const name = bareHost(header);
  if (name === '') return false;
  // A port no TCP connection has (`:99999`) names no host this sandbox listens as, as allowedHosts says.
  const port = portOf(header);
  if (port !== undefined && port > 65_535) return false;
  // A `Host` without a port names http's default, 80: the sandbox serves plain http.
  if (admits(allowed, name, port ?? 80)) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (ipv4.test(name)) return name.split('.').every((part) => Number(part) <= 255);
  return name.includes(':') && /^[0-9a-f:.]+$/.test(name);
}

/**
 * True for the `Origin` of a page whose changes the sandbox takes: one served from this machine (a loopback
 * host: 127.0.0.0/8 in any form the URL parser reads, `::1` and IPv4-mapped loopback, `localhost`, and
 * `*.localhost`, which browsers resolve to loopback themselves), or one whose host is in `allowed` (the
 * listening host, `allowedHosts`). Not any IP address: a page served by another machine of the network runs
 * in the developer's browser too, and is no more theirs than any site. `null` (a sandboxed frame, a file) and
 * anything that is no URL are not trusted.
 */
export function isTrustedOrigin(origin: string, allowed: ReadonlySet<string>): boolean {
  let hostname: string;
  let port: number | undefined;
  try {
    const url = new URL(origin);
    hostname = url.hostname;
    // The origin's port, its scheme's default when it names none (the URL parser drops a default one).
    port = url.port !== '' ? Number(url.port) : defaultPorts[url.protocol];
  } catch {
    return false;
  }
  if (hostname === '') return false;
  const name = bareHost(hostname);
  return (
    admits(allowed, name, port) ||
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    isLoopbackHost(hostname)
  );
}

const defaultPorts: Record<string, number> = { 'http:': 80, 'https:': 443 };

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * For a change that carries no `Origin`: true when `Sec-Fetch-Site` is absent (a tool: curl, an SDK, a
 * test) or says the request came from the sandbox's own page (`same-origin`) or from no page at all
 * (`none`: typed in the address bar, a bookmark). Anything else is refused: `cross-site`, `same-site` (another
 * port or subdomain, a page the sandbox cannot name without its `Origin`), a value no browser sends, and a
 * header sent twice (Node joins the two with a comma), since a browser sends exactly one of its four words.
 */
function fetchedFromOwnPage(site: string | undefined): boolean {
  if (site === undefined) return true;
  const word = site.trim().toLowerCase();
  return word === 'same-origin' || word === 'none';
}

/**
 * Why a request is refused before it is served, if it is: a `Host` that is not this machine's (DNS
 * rebinding: 403), a state-changing request from a page the sandbox does not trust (an `Origin` that
 * {@link isTrustedOrigin} refuses, or no `Origin` and a `Sec-Fetch-Site` other than `same-origin` or `none`:
 * 403), a control-API
 * change whose body is not JSON (a page's form or `text/plain` post needs no preflight: 415), a body declared
 * larger than the limit (413).
 */
export function refuseRequest(
  request: Pick<IncomingMessage, 'method' | 'url' | 'headers'> & { rawHeaders?: readonly string[] },
  allowed: ReadonlySet<string>,
  maxBodyBytes: number,
): SandboxResponse | undefined {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  // Node keeps the first of several `Host` lines and drops the rest: a request carrying a local one first
  // and a foreign one after would pass as local. HTTP/1.1 answers more than one with 400 (RFC 9112 §3.2).
  const hosts = (request.rawHeaders ?? []).filter(
    (line, index) => index % 2 === 0 && line.toLowerCase() === 'host',
  );
  if (hosts.length > 1) {
    return { status: 400, body: { error: 'a request carries one Host header; this one carries several' } };
  }
  if (!isAllowedHost(header('host'), allowed)) {
    return {
      status: 403,
      body: {
        error:
          'the Host header names no address this sandbox answers to: write an IP address, localhost or a *.localhost name (127.0.0.1, not 127.1), or start the sandbox with allowedHosts to answer to it',
      },
    };
  }
  const method = (request.method ?? 'GET').toUpperCase();
  if (stateChanging.has(method)) {
    const origin = header('origin');
    // A browser sends `Origin` with every change; when it names a page the sandbox trusts, that decides, so
    // the developer's app on http://localhost:3000 may change a sandbox on 127.0.0.1 (another site to the
    // browser). Without one, `Sec-Fetch-Site` still tells a browser's request from a tool's, which sends none.
    const refused =
      origin === undefined
        ? !fetchedFromOwnPage(header('sec-fetch-site'))
        : !isTrustedOrigin(origin, allowed);
    if (refused) {
      return {
        status: 403,
        body: {
          error:
            'only pages served from this machine may change the sandbox; start it with allowedHosts naming the host of a page elsewhere to let it',
        },
      };
    }
    const length = header('content-length');
    const hasBody =
      (length !== undefined && length.trim() !== '0') || header('transfer-encoding') !== undefined;
    if (pathOf(request.url).startsWith('/_sandbox/') && hasBody) {
      const type = (header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') {
        return { status: 415, body: { error: 'the control API takes application/json bodies' } };
      }
    }
  }
  const declared = header('content-length');
  if (declared !== undefined && /^\d+$/.test(declared.trim()) && Number(declared.trim()) > maxBodyBytes) {
    return tooLarge(maxBodyBytes);
  }
  return undefined;
}

function pathOf(requestUrl: string | undefined): string {
  try {
    return requestPathUrl(requestUrl).pathname;
  } catch {
    return '';
  }
}

async function serve(
  engine: SandboxEngine,
  media: MediaService | undefined,
  webhooks: WebhookDelivery,
  request: IncomingMessage,
  response: ServerResponse,
  maxBodyBytes: number,
  /** The `cache-control` of an HLS segment. */
  segmentCaching: string,
): Promise<void> {
  const url = requestPathUrl(request.url);
  // Read (and bounded by maxBodyBytes) on every route, the media routes too, which take no body: a
  // preflight that streams one without a length would otherwise be read whole.
  const text = await readBody(request, maxBodyBytes);
  if (url.pathname.startsWith('/media/')) {
    serveMedia(engine, media, request, response, url.pathname, segmentCaching);
    return;
  }
  let body: unknown;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const segments = url.pathname.split('/');
  const head = decodeSegment(segments[1]);
  // A first segment that does not decode (`/%zz`) names no dialect; under `/_sandbox` no control route does.
  // Below a dialect's root, the dialect answers as for an unknown id.
  if (
    head === undefined ||
    (head === '_sandbox' && segments.some((segment) => decodeSegment(segment) === undefined))
  ) {
    send(response, { status: 404, body: { error: `no sandbox route for ${url.pathname}` } });
    return;
  }
  // A HEAD is answered as its GET, without the body (Node sends none for a HEAD): every route that reads
  // answers both (RFC 9110 §9.3.2), the control routes as the vendor, dashboard and media routes do.
  const method = request.method === 'HEAD' ? 'GET' : (request.method ?? 'GET');
  if (head === '_sandbox') {
    const [resource] = segments.slice(2);
    // A body that does not parse is named as such, not read as a missing provider or fault.
    if (typeof body === 'string') {
      send(response, {
        status: 400,
        body: { error: 'the control API takes a JSON body, and this one does not parse' },
      });
      return;
    }
    send(
      response,
      resource === 'webhooks'
        ? await webhookControl(webhooks, method, segments.slice(3), body)
        : control(engine, method, segments.slice(2), body),
    );
    return;
  }
  const dialect = engine.dialects.get(head);
  const rest = `/${segments.slice(2).join('/')}`;
  if (!dialect || !rest.startsWith(dialect.basePath)) {
    send(response, { status: 404, body: { error: `no sandbox route for ${url.pathname}` } });
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(', '));
  }
  const sandboxRequest: SandboxRequest = {
    method,
    path: rest.slice(dialect.basePath.length) || '/',
    query: url.searchParams,
    headers,
    body,
  };
  const abort = new AbortController();
  response.once('close', () => abort.abort());
  // videosdk serves the key its webhooks are signed with (`GET /v2/public/rsa-public-key`), through the
  // engine so that faults planned for `public-key` reach it as they reach a dialect's calls.
  const outcome =
    dialect.id === 'videosdk' && url.pathname === '/videosdk/v2/public/rsa-public-key'
      ? await engine.serveRoute('videosdk', 'public-key', sandboxRequest, abort.signal, async () => ({
          status: 200,
          body: { publicKey: (await webhooks.keyPair()).publicKey },
        }))
      : await engine.handle(dialect.id, sandboxRequest, abort.signal);
  if (outcome.kind === 'drop') {
    request.socket.destroy();
    return;
  }
  if (!response.destroyed) send(response, outcome.response);
}

// `/_sandbox/webhooks`: GET lists endpoints, recent deliveries, how many wait per URL, and the signing material (the Real-Time
// secret, the videosdk public key); POST `{ provider, url }` registers; DELETE `/{id}` removes.
async function webhookControl(
  webhooks: WebhookDelivery,
  method: string,
  path: string[],
  body: unknown,
): Promise<SandboxResponse> {
  // Only the segments a route has: `DELETE /_sandbox/webhooks/wh_1/extra` is no route, never a removal of
  // `wh_1` (a trailing slash is no segment).
  const segments = routeSegments(path);
  if (segments.length > 1 || segments[0] === '') return noWebhookRoute;
  const id = segments[0] === undefined ? undefined : decodeURIComponent(segments[0]);
  if (id === undefined && method === 'GET') {
    return {
      status: 200,
      body: {
        endpoints: webhooks.endpoints(),
        deliveries: webhooks.deliveries(),
        pending: webhooks.pending(),
        signing: {
          'wowza-realtime': { secret: webhooks.secret },
          videosdk: { publicKey: (await webhooks.keyPair()).publicKey },
        },
      },
    };
  }
  if (id === undefined && method === 'POST') {
    const input = readControl(webhookRequest, body);
    if (typeof input === 'string') return { status: 400, body: { error: input } };
    try {
      return { status: 201, body: webhooks.register(input.provider, input.url) };
    } catch (error) {
      if (!InvalidInputError.isInstance(error)) throw error;
      return { status: 400, body: { error: error.message } };
    }
  }
  if (id !== undefined && method === 'DELETE') {
    return webhooks.remove(id)
      ? { status: 204 }
      : { status: 404, body: { error: `no webhook endpoint ${id}` } };
  }
  return noWebhookRoute;
}

const noWebhookRoute: SandboxResponse = {
  status: 404,
  body: { error: 'no such webhook route: GET or POST /_sandbox/webhooks, DELETE /_sandbox/webhooks/{id}' },
};

/** A control path's segments, one trailing slash left out (it is no segment). */
function routeSegments(path: readonly string[]): readonly string[] {
  return path.at(-1) === '' ? path.slice(0, -1) : path;
}

/**
 * The simulated encoder, as the control route and `setEncoder` set it. A real encoder is connected until
 * its socket closes: marking it gone would contradict what it still sends (the vendor's API saying offline,
 * an encoder-disconnected webhook, HLS still growing), so that is a `ConflictError`.
 */
function setSimulatedEncoder(
  engine: SandboxEngine,
  provider: ProviderId,
  id: string,
  connected: boolean,
): void {
  // Checked, not coerced: the control route's body (`{ connected: false }`) or a text `'false'` passed here
  // would otherwise read as connected.
  if (typeof connected !== 'boolean') {
    throw new InvalidInputError({
      provider,
      operation: 'setEncoder',
      message: 'setEncoder: connected must be true or false',
      issues: [{ path: 'connected', message: `expected a boolean, not ${kindOf(connected)}` }],
    });
  }
  if (!connected && engine.publisherOf(provider, id)) {
    throw new ConflictError({
      provider,
      operation: 'setEncoder',
      message:
        'a real encoder is publishing to this stream over RTMP: it stays connected until it stops publishing (stop, disable or delete the stream to cut it off)',
    });
  }
  engine.setEncoder(provider, id, connected);
}

function control(engine: SandboxEngine, method: string, path: string[], body: unknown): SandboxResponse {
  // Each route takes its own number of segments, and a path with more is no route: `DELETE
  // /_sandbox/faults/liveapi` would otherwise clear every provider's faults, and `PUT
  // /_sandbox/encoders/{provider}/{id}/anything` connect `{id}`.
  const segments = routeSegments(path);
  const [resource, provider, id] = segments.map((segment) => decodeURIComponent(segment));
  const count = segments.length;
  // Read only: a change sent here (`DELETE /_sandbox`) is no route, refused as any unknown one is, never
  // answered with the overview as if it had been carried out.
  if (resource === undefined && method === 'GET') {
    const providers = Object.fromEntries(
      [...engine.dialects.values()].map((dialect) => [
        dialect.id,
        // Development credentials of this local sandbox, so tools can connect without copying them around.
        {
          basePath: `/${dialect.id}${dialect.basePath}`,
          credentials: engine.settingsOf(dialect.id)?.credentials ?? {},
          documentedOnly: engine.settingsOf(dialect.id)?.documentedOnly ?? false,
        },
      ]),
    );
    // Where encoders push (null when the sandbox runs without media) and where the dashboard is.
    return { status: 200, body: { providers, ingest: engine.ingestUrl() ?? null, dashboard: '/' } };
  }
  if (resource === 'stats' && count === 1 && method === 'GET') return { status: 200, body: engine.stats };
  if (resource === 'faults' && count === 1 && method === 'DELETE') {
    engine.clearFaults();
    return { status: 204 };
  }
  if (resource === 'faults' && count === 1 && method === 'POST') {
    const input = readControl(faultRequest, body);
    if (typeof input === 'string') return { status: 400, body: { error: input } };
    try {
      engine.injectFault(
        input.provider,
        input.operation as FaultOperation | RouteFaultOperation,
        input.fault as Fault,
      );
    } catch (error) {
      if (!InvalidInputError.isInstance(error)) throw error;
      return { status: 400, body: { error: error.message } };
    }
    return { status: 201, body: { queued: true } };
  }
  if (resource === 'encoders' && count === 3 && method === 'PUT' && provider && id) {
    if (!engine.dialects.has(provider)) {
      return {
        status: 404,
        body: { error: `unknown provider: expected one of ${[...engine.dialects.keys()].join(', ')}` },
      };
    }
    if (!engine.hasRecord(provider, id)) {
      return { status: 404, body: { error: `no stream with this id on ${provider}: create it first` } };
    }
    const input = readControl(encoderRequest, body);
    if (typeof input === 'string') return { status: 400, body: { error: input } };
    try {
      setSimulatedEncoder(engine, provider, id, input.connected);
    } catch (error) {
      if (!ConflictError.isInstance(error)) throw error;
      return { status: 409, body: { error: error.message } };
    }
    return { status: 200, body: { provider, id, connected: input.connected } };
  }
  return {
    status: 404,
    body: {
      error:
        'no such control route: GET /_sandbox, GET /_sandbox/stats, POST or DELETE /_sandbox/faults, PUT /_sandbox/encoders/{provider}/{id}',
    },
  };
}

// The control API's bodies, read strictly: a field left out, one no route takes (a misspelt `conected`, a
// `times` beside `fault` instead of in it) or a value of another type (a list holding the text) is refused
// with 400 naming it, never taken for a default or ignored. The fault itself is checked per type by
// `injectFault`, in process as over HTTP.
const faultRequest = v.strictObject({ provider: v.string(), operation: v.unknown(), fault: v.unknown() });
const encoderRequest = v.strictObject({ connected: v.boolean() });
const webhookRequest = v.strictObject({ provider: v.string(), url: v.string() });
const shapes = new Map<unknown, string>([
  [faultRequest, '{ provider, operation, fault }'],
  [encoderRequest, '{ connected: true | false }'],
  [webhookRequest, '{ provider, url }'],
]);
const expectedText: Record<string, string> = { string: 'a text', boolean: 'true or false' };

/** A control body as `schema` reads it, or why it is refused, naming the field. */
function readControl<T>(schema: v.GenericSchema<unknown, T>, body: unknown): T | string {
  const shape = shapes.get(schema) ?? 'a JSON object';
  // A list is no object, whatever its keys: named as such, not as the field it lacks.
  if (Array.isArray(body)) return `the body must be a JSON object ${shape}`;
  const result = safeParseOwn(schema, body);
  if (result.success) return result.output;
  // A field no route takes comes first: a misspelt `conected` explains the `connected` found missing.
  const stray = (issue: v.BaseIssue<unknown>) => issue.type === 'strict_object' && issue.expected === 'never';
  const issue = result.issues.find(stray) ?? result.issues[0];
  const path = (issue?.path ?? []).map((item) => String(item.key)).join('.');
  if (path === '' || issue === undefined) return `the body must be a JSON object ${shape}`;
  if (stray(issue)) return `unknown field ${path}: the body takes ${shape}`;
  if (issue.received === 'undefined') return `${path} is required: the body takes ${shape}`;
  return `${path} must be ${expectedText[issue.expected ?? ''] ?? issue.expected}`;
}

const mediaTypes: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
};

/**
 * `/media/<provider>/<id>/<file>`: a stream's HLS playlist and segments while (and after) an encoder
 * publishes, readable from any origin so a browser player on another page can load them. videosdk v1's
 * playback URLs name the stream by its key instead, in the vendor's path: `/media/videosdk/live/<key>/<file>`.
 */
function serveMedia(
  engine: SandboxEngine,
  media: MediaService | undefined,
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  segmentCaching: string,
): void {
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, HEAD, OPTIONS',
    'access-control-allow-headers': 'range',
  };
  if (request.method === 'OPTIONS') {
    response.writeHead(204, { ...cors, 'access-control-max-age': '600' });
    response.end();
    return;
  }
  let [, , provider = '', id = '', name = '', ...extra] = pathname.split('/').map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return '';
    }
  });
  // videosdk v1's `downstreamUrl` and `recordingUrl` carry the stream key where the vendor's do
  // (`…/live/<streamKey>/index.m3u8`, see `videosdkV1MediaFolder`): the key is resolved to the stream as the
  // RTMP ingest resolves it, and the rest of the path is read as under `/media/videosdk/<id>/`. A key no
  // stream has now (unknown, or its stream deleted) names no stream (`''`), so it is answered as an unknown
  // id is: 404 for a read, 405 for another method.
  if (provider === 'videosdk' && id === videosdkV1MediaFolder) {
    const context = engine.contextOf('videosdk');
    id = (context && videosdkV1StreamOfKey(name, context)) ?? '';
    [name = '', ...extra] = extra;
  }
  // videosdk v1's recording URL (`…/storage/index.m3u8`) has the vendor's shape: the sandbox keeps no
  // recording, and says so rather than "no output at this address", which reads as a wrong URL.
  if (provider === 'videosdk' && name === 'storage' && extra.length > 0) {
    send(response, {
      status: 404,
      headers: cors,
      body: {
        error:
          "the sandbox keeps no recordings: this recording URL has the vendor's shape and serves nothing here; the live HLS is at index.m3u8",
      },
    });
    return;
  }
  // videosdk v2's egress URLs (`…/meetings-hls/<key>/index.m3u8`) keep the vendor's path: rooms take WebRTC,
  // which the sandbox does not carry, so none has media.
  if (provider === 'videosdk' && name === 'meetings-hls' && extra.length > 0) {
    send(response, {
      status: 404,
      headers: cors,
      body: {
        error:
          "the sandbox carries no WebRTC, so a videosdk v2 room has no media: this egress URL has the vendor's path and serves nothing here. A videosdk v1 stream (apiVersion: 'v1') takes RTMP and plays here.",
      },
    });
    return;
  }
  const extension = name.slice(name.lastIndexOf('.') + 1);
  // A playlist is read whole (ffmpeg replaces it at once) to add what ffmpeg leaves out; a segment streams.
  const playlist =
    extra.length === 0 && extension === 'm3u8' ? media?.hlsPlaylist(provider, id, name) : undefined;
  const file = extra.length === 0 && extension !== 'm3u8' ? media?.hlsFile(provider, id, name) : undefined;
  // Opened before it is weighed: a segment removed in between (its time after leaving the playlist passed)
  // is a 404, and one removed once open is still read whole.
  const opened = file === undefined ? undefined : openRegularFile(file);
  const size = playlist !== undefined ? Buffer.byteLength(playlist) : opened?.size;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    if (opened) closeSync(opened.fd);
    send(response, {
      status: 405,
      headers: { ...cors, allow: 'GET, HEAD, OPTIONS' },
      body: { error: 'HLS output is read with GET or HEAD' },
    });
    return;
  }
  if (size === undefined) {
    if (opened) closeSync(opened.fd);
    send(response, { status: 404, headers: cors, body: { error: 'no HLS output at this address' } });
    return;
  }
  response.writeHead(200, {
    ...cors,
    'content-type': mediaTypes[extension] ?? 'application/octet-stream',
    'content-length': String(size),
    // A `Range` (which a cross-origin player may send, so it is allowed above) is answered with the whole file.
    'accept-ranges': 'none',
    // The playlist changes with every segment; a segment never changes (its number is never used again),
    // except across a restart that kept the streams but not their output (`segmentCaching`, startSandbox).
    'cache-control': extension === 'm3u8' ? 'no-cache' : segmentCaching,
  });
  if (request.method === 'HEAD' || playlist !== undefined || !opened) {
    if (opened) closeSync(opened.fd);
    response.end(request.method === 'HEAD' ? undefined : playlist);
    return;
  }
  const reader = createReadStream('', { fd: opened.fd });
  reader.on('error', () => response.destroy());
  // A player that goes away mid-segment: the file is closed, not left open until the read ends.
  response.on('close', () => reader.destroy());
  reader.pipe(response);
}

// Reads a body up to `maxBodyBytes`; past it, stops reading and rejects with BodyTooLarge.
function readBody(request: IncomingMessage, maxBodyBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBodyBytes) {
        request.off('data', onData);
        request.pause();
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, result: SandboxResponse): void {
  const isText = typeof result.body === 'string';
  const payload =
    result.body === undefined ? '' : isText ? (result.body as string) : JSON.stringify(result.body);
  const headers: Record<string, string> = { ...result.headers };
  if (payload.length > 0 && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['content-type'] = isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  }
  // A 204 carries no body and so no length (RFC 9110 §8.6: a server must not send one): a strict client
  // reads a `Content-Length: 0` there as a framing error.
  if (result.status !== 204) headers['content-length'] = String(Buffer.byteLength(payload));
  response.writeHead(result.status, headers);
  if (!result.bodyDelayMs) {
    response.end(payload);
    return;
  }
  response.flushHeaders();
  const timer = setTimeout(() => response.end(payload), result.bodyDelayMs);
  response.once('close', () => clearTimeout(timer));
}
