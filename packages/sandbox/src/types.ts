import type { ProviderId } from '@unilive/core';

/** A failure the sandbox serves instead of the next answers to an operation. */
export type Fault =
  | { type: 'unauthorized' | 'forbidden' | 'not-found' | 'conflict'; times?: number }
  | { type: 'rate-limit'; retryAfterSeconds?: number; retryAfterDate?: boolean; times?: number }
  /**
   * `processed: true` carries out the request first (a stream is really created), then fails: the vendor
   * did the work but the answer was lost, so a client that retries a create makes a duplicate.
   */
  | { type: 'server-error'; status?: 500 | 502 | 503 | 504; times?: number; processed?: boolean }
  /** The connection is dropped without an answer; `processed: true` drops it after carrying out the request. */
  | { type: 'network'; times?: number; processed?: boolean }
  /**
   * The answer is held for `delayMs`, then served normally; a caller that gives up sooner ends the hold and
   * the request is carried out then, as a vendor would once it reads it. `onHold` (in-process only: the
   * control API cannot carry a function) is called with the request's method and path as the hold begins,
   * so a test can act on the request being at the vendor rather than on a timer.
   */
  | {
      type: 'slow';
      delayMs: number;
      times?: number;
      onHold?: (request: { method: string; path: string }) => void;
    }
  /**
   * Any status that carries a body, with the vendor's error body for its kind (408, 413, 507…): 200 to 599
   * but 204, 205 and 304. A 1xx (no final answer) or one of those three is refused, naming `fault.status`.
   */
  | { type: 'status'; status: number; times?: number; processed?: boolean }
  /**
   * An HTML page instead of JSON, as a proxy or load balancer sends (status 200 by default; 200 to 599 but
   * 204, 205 and 304, which carry no body).
   */
  | { type: 'html'; status?: number; times?: number }
  /** A JSON body cut off halfway. */
  | { type: 'malformed-json'; times?: number }
  /**
   * A success status with no body at all, or with `{}` when `object: true` (JSON that holds no stream, as
   * answers like `{"success": true}` do). `processed: true` carries out the request first: a change the
   * vendor accepted and answered with nothing (204, an empty 200, `{}`). `status` is 200 to 599; with
   * `object`, not 204, 205 or 304.
   */
  | { type: 'empty-body'; status?: number; times?: number; processed?: boolean; object?: boolean }
  /** Valid JSON of a shape no adapter expects. */
  | { type: 'wrong-shape'; times?: number }
  /** The real answer, with every state-like enum value replaced by one no version knows. */
  | { type: 'unknown-enum'; times?: number }
  /** Headers at once, the body after `delayMs`. */
  | { type: 'slow-body'; delayMs: number; times?: number }
  /**
   * The request is carried out and answered normally; then the next `reads` reads of a stream (`get`)
   * fail with `status` (default 503): a change the vendor accepted whose read-back fails. `times` counts the
   * requests the fault applies to, as for every fault.
   */
  | { type: 'read-back-fails'; status?: 500 | 502 | 503 | 504; reads?: number; times?: number }
  /**
   * List pages as misbehaving servers send them (for the `list` operation):
   * - `ignore-page`: page 1 whatever page is asked, reported as page 1, as when the parameter is dropped;
   * - `repeat-page`: page 1's records under every page number, reported as the page asked, with the page
   *   count of the whole list (`total_pages: 3` and the same records on each);
   * - `shift`: page N begins N-1 records early, as when one stream is created ahead of the walk before each
   *   request (`[a, b]`, then `[b, c]`); the totals count those streams.
   */
  | { type: 'paging'; mode: PagingMode; times?: number }
  /**
   * The list page carries one more record: a copy of its first with an id no client would put in a URL
   * (default `legacy:bbbb2222`), as a legacy or foreign record would arrive (for the `list` operation).
   */
  | { type: 'odd-record'; id?: string; times?: number };

/** How a `paging` fault serves list pages. */
export type PagingMode = 'ignore-page' | 'repeat-page' | 'shift';

/** One page of a list, as {@link DialectContext.page} serves it. */
export interface ServedPage<T> {
  /** The page's records. */
  records: T[];
  /** The page number the answer reports. */
  page: number;
  /** The record count the answer reports. */
  total: number;
}

/** Operations a fault can target. */
export const faultOperations = [
  'create',
  'get',
  'list',
  'update',
  'delete',
  'start',
  'stop',
  'status',
] as const;

/** Operations a fault can target. */
export type FaultOperation = (typeof faultOperations)[number];

/**
 * Operations a fault can target besides a dialect's calls: routes the sandbox serves beside a vendor's API,
 * which no dialect's `operationOf` names. `public-key` is videosdk's webhook key route (`GET
 * /v2/public/rsa-public-key`, what videosdk's `parseWebhook` fetches its key from): videosdk only.
 */
export const routeFaultOperations = ['public-key'] as const;

/** An operation of {@link routeFaultOperations}. */
export type RouteFaultOperation = (typeof routeFaultOperations)[number];

/** A request as a dialect sees it: the path is relative to the dialect's base path. */
export interface SandboxRequest {
  method: string;
  /** Path under the dialect's base path, starting with `/` (`/live_streams/abc123/start`). */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** The parsed JSON body; `undefined` when there was none; the raw text when it was not JSON. */
  body: unknown;
}

/** A response from a dialect. A string body is sent as-is; anything else as JSON. */
export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Sends the headers, then waits this long before the body (fault injection). */
  bodyDelayMs?: number;
}

/** The kinds of vendor failure a dialect renders in its own error shape. */
export type ErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'rate-limit'
  | 'server-error'
  | 'invalid';

/** What the engine lends each dialect. */
export interface DialectContext {
  /** This dialect's slice of the store: collections of records by id, persisted when persistence is on. */
  collection<T extends { id: string }>(name: string): Map<string, T>;
  /** Call after changing records, so a persistent sandbox writes them out. */
  changed(): void;
  /** Runs `action` after `ms` (state transitions); cancelled when the sandbox closes. */
  after(ms: number, action: () => void): void;
  /** Current time in ms. */
  now(): number;
  /** Random lowercase letters and digits, for ids and keys. */
  randomId(length: number): string;
  /** Random hex, for tokens. */
  randomHex(length: number): string;
  /** The sandbox's public URL (`http://127.0.0.1:PORT`), for building playback URLs. */
  origin: string;
  /** Where the sandbox's RTMP ingest listens (`rtmp://127.0.0.1:PORT`), for building ingest URLs. */
  readonly ingestOrigin: string;
  /**
   * The URL where the sandbox serves a file of a stream's HLS output while an encoder publishes to it
   * (`http://127.0.0.1:PORT/media/<provider>/<id>/<file>`).
   */
  mediaUrl(streamId: string, file: string): string;
  /** What the sandbox knows of the encoder publishing to a stream now (real RTMP ingest only). */
  encoderInfo(streamId: string): EncoderInfo | undefined;
  /** Settings given to the sandbox for this dialect. */
  settings: DialectSettings;
  /** Counts a created resource, for duplicate detection by benchmarks and fault tests. */
  countCreate(): void;
  /**
   * One page of a list, `perPage` records from 1-based `page`, as planned list faults serve it (`paging`,
   * `odd-record`) or normally. Every dialect's list uses it, so the faults work in every dialect.
   */
  page<T extends { id: string }>(records: readonly T[], page: number, perPage: number): ServedPage<T>;
  /** Whether an encoder publishes to a stream now (real RTMP ingest, or the control API's simulation). */
  encoderConnected(id: string): boolean;
  /**
   * Ends the encoder marked on a stream, if any: `encoder-disconnected` is reported with the stream as the
   * dialect describes it then, exactly as when the encoder leaves by itself. A dialect calls it as it
   * deletes a stream, before the record goes, so the disconnect it causes names the stream (the webhooks
   * an app hears when a publisher goes away are built from that record); the RTMP ingest cuts the
   * publisher afterwards and its leaving then changes nothing.
   */
  disconnectEncoder(id: string): void;
  /** Reports a change to one of this dialect's streams to every observer of the engine. */
  emit(change: DialectStreamChange): void;
}

/** What happened to a stream. `state-changed` covers starting, started, stopping, stopped and the rest. */
export type StreamChangeKind =
  | 'created'
  | 'updated'
  | 'state-changed'
  | 'deleted'
  | 'encoder-connected'
  | 'encoder-disconnected'
  | 'recording-ready';

/**
 * A change to a sandbox stream, as the engine reports it to its observers (webhook delivery, the
 * dashboard, RTMP ingest): one typed emitter for all of them.
 */
export interface StreamChange {
  kind: StreamChangeKind;
  provider: ProviderId;
  /** The stream's id, as the dialect's API names it. */
  id: string;
  /** When it happened, in ms since the epoch (the engine's clock). */
  at: number;
  /** The vendor's own state word after the change (`started`, `stopping`…), when the stream has one. */
  state?: string;
  /** The vendor's state word before a `state-changed`. */
  previousState?: string;
  /**
   * The stream as the vendor's API renders it after the change (before it, for `deleted`). It holds the
   * same credentials the API answers with: observers that show it are local development tools.
   */
  record?: Record<string, unknown>;
  /**
   * Kind-specific facts: `recording-ready` carries `{ url }`; a `state-changed` that a delete makes before its
   * `deleted` (Wowza Video stops a running stream first) carries `{ deleting: true }`.
   */
  details?: Record<string, unknown>;
}

/** What a dialect gives {@link DialectContext.emit}: the engine adds the provider and the time. */
export type DialectStreamChange = Omit<StreamChange, 'provider' | 'at'>;

/** Observes every {@link StreamChange}; what it throws is ignored. */
export type StreamChangeListener = (change: StreamChange) => void;

/** An encoder publishing to a sandbox stream over RTMP, as the ingest sees it. */
export interface EncoderInfo {
  /** `address:port` of the encoder. */
  remoteAddress: string;
  /** ms since the epoch. */
  connectedAt: number;
  /** When the first audio or video message arrived, ms since the epoch. */
  firstPacketAt?: number;
  bytesIn: number;
  /** Bits per second over the last few seconds. */
  bitrate: number;
  /** From the encoder's metadata, when it sent any. */
  width?: number;
  height?: number;
  frameRate?: number;
  videoCodec?: string;
  audioCodec?: string;
}

/** An RTMP publish as an encoder asks for it: `rtmp://host:port/<application>/<streamName>?<query>`. */
export interface IngestRequest {
  application: string;
  /** The last path segment; often the stream key itself. */
  streamName: string;
  query: URLSearchParams;
  /** The user the connection proved with Adobe authentication, when its application asked for it. */
  user?: string;
}

/**
 * A dialect's answer to a publish in its URL form: which stream, and whether it takes video now. `reason`
 * is logged and shown to the encoder, so it never holds a key or a password.
 */
export type IngestMatch =
  | { accept: true; streamId: string }
  | { accept: false; reason: string; streamId?: string };

/**
 * How a dialect's streams take real video through the sandbox's RTMP ingest. `startSandbox` reads a custom
 * dialect's `ingest` once, each member once, into its own copy: a member whose reading throws, a `match`
 * that is no function, a `credentialsFor` that is neither a function nor left out, or a `playlistName`
 * that is no such file name is refused naming it (`dialects.N.ingest.match`), before anything listens.
 */
export interface DialectIngest {
  /**
   * The push credentials an RTMP connect to `application` must prove with Adobe authentication, or
   * undefined when it needs none (or the application is not this dialect's).
   */
  credentialsFor?(
    application: string,
    context: DialectContext,
  ): { username: string; password: string } | undefined;
  /**
   * Answers a publish in this dialect's URL form, synchronously; undefined when the URL is not in its form.
   * One that throws refuses the publish (as does a throwing `credentialsFor` the connect) and is logged naming
   * the dialect and the member, never with what it threw. The answer is read once into the sandbox's own
   * copy: a read that throws counts as a throwing `match`, and an answer that is no {@link IngestMatch} (a
   * Promise, `null`, a `streamId` or `reason` that is no text) refuses the publish, logged as
   * `the <id> dialect's ingest.match answered no IngestMatch`.
   */
  match(request: IngestRequest, context: DialectContext): IngestMatch | undefined;
  /**
   * The HLS playlist's file name under {@link DialectContext.mediaUrl}: letters, digits, `_` or `-`, ending
   * in `.m3u8`. Default `index.m3u8`.
   */
  playlistName?: string;
}

/** A stream as the sandbox's dashboard lists it. */
export interface StreamSummary {
  id: string;
  name?: string;
  /** The vendor's own state word (`started`, `enabled`…). */
  state: string;
  /** Whether it takes video now (an encoder that publishes is admitted). */
  acceptsVideo: boolean;
  /** What an encoder is given, as the vendor's API shows it; `secret` values are shown masked. */
  ingest: { label: string; value: string; secret?: boolean }[];
  /**
   * The HLS playback URL the vendor's API returns, when it has one; where that URL holds a secret (videosdk
   * v1's carries the stream key), the sandbox's own address of the same HLS by the stream's id, since the
   * dashboard's overview serves no secret.
   */
  hlsUrl?: string;
}

/** A line of the sandbox's own log: ingest decisions, packager failures. */
export interface SandboxLogEntry {
  level: 'info' | 'warn' | 'error';
  /** Never holds a credential or a stream key: streams are named by provider and id. */
  message: string;
  provider?: ProviderId;
  streamId?: string;
  /** ms since the epoch. */
  at: number;
}

/** Per-dialect settings. */
export interface DialectSettings {
  /** The credential requests must carry (a token, a key:secret pair, a JWT secret…); dialect-specific. */
  credentials: Record<string, string>;
  /** How long state transitions take, in ms. */
  transitionMs: number;
  /** Answer only what the vendor's documents show (see `EngineOptions.documentedOnly`). */
  documentedOnly: boolean;
}

/** One vendor's REST dialect, plugged into the engine. */
export interface SandboxDialect {
  /**
   * The provider it speaks for, and the path segment it is served under: 1 to 64 letters, digits, `.`, `_`
   * or `-`, starting with a letter or a digit, and not `_sandbox` or `media` (the sandbox's own paths), in
   * any case; `startSandbox` refuses any other naming `dialects.N.id`.
   */
  readonly id: ProviderId;
  /** The vendor's own API path prefix (`/api/v2.0`); the dialect is served under `/<id><basePath>`. */
  readonly basePath: string;
  /** Default credentials when the caller gives none. */
  defaultCredentials(): Record<string, string>;
  /** Which fault operation a request is, so planned faults can target it. */
  operationOf(request: SandboxRequest): FaultOperation | undefined;
  /** Renders a failure in the vendor's own error shape. */
  error(kind: ErrorKind, status: number, message: string): SandboxResponse;
  /**
   * The CORS headers a route a browser calls directly carries on every answer (videosdk's WHIP address), or
   * undefined for an API route: the engine adds them to what it answers itself there (a 429 of the rate
   * limit), so a page reads the refusal instead of a CORS failure.
   */
  crossOriginHeaders?(request: SandboxRequest): Readonly<Record<string, string>> | undefined;
  /** Answers a request, authentication included. */
  handle(request: SandboxRequest, context: DialectContext): SandboxResponse | Promise<SandboxResponse>;
  /**
   * The stream as the vendor's API renders it, with its state word, or undefined when there is none: what
   * the engine attaches to the changes it reports itself (encoder connected or disconnected).
   */
  describe?(
    id: string,
    context: DialectContext,
  ): { record: Record<string, unknown>; state?: string } | undefined;
  /** Real RTMP ingest for this dialect's streams; without it, publishes in no dialect's form are refused. */
  readonly ingest?: DialectIngest;
  /** Every stream of this dialect, for the sandbox's dashboard, oldest first. */
  streams?(context: DialectContext): StreamSummary[];
  /**
   * Called once the sandbox listens, when it started on records read from a persist file: re-arms the
   * transitions those records were in when they were saved (a start answered `starting` whose timer a
   * close dropped), so that they end `transitionMs` after the start, as a transition begun then would.
   */
  resume?(context: DialectContext): void;
}

/** Statistics of a sandbox run, for tests and benchmarks. */
export interface SandboxStats {
  requests: number;
  rateLimited: number;
  /** Resources created, by provider id. */
  created: Record<string, number>;
  /**
   * Requests being answered now. A slow fault holds its request until the delay ends or the client hangs
   * up, and then carries it out: tests wait for 0 before counting what a call left behind.
   */
  inFlight: number;
}
