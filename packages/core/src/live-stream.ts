/**
 * Identifies a provider. The four built-in ids spell the adapter package (`@unilive/<id>`), the
 * `providerOptions` key and the `provider` field of errors; any other string names a third-party adapter.
 */
export type ProviderId = 'wowza-video' | 'wowza-realtime' | 'liveapi' | 'videosdk' | (string & {});

/**
 * Where a stream is in its lifecycle, in neutral terms. Each adapter maps its vendor's states through one
 * table whose default is `'unknown'`.
 */
export type LiveStreamState =
  /** Exists but does not accept video. */
  | 'stopped'
  | 'starting'
  /** Accepts video now. */
  | 'ready'
  | 'stopping'
  | 'resetting'
  /** The vendor will not run it (for example archived). */
  | 'disabled'
  /** The vendor reported a state this version does not map; see `raw`. */
  | 'unknown';

/** Every {@link LiveStreamState}, in lifecycle order. */
export const liveStreamStates = [
  'stopped',
  'starting',
  'ready',
  'stopping',
  'resetting',
  'disabled',
  'unknown',
] as const satisfies readonly LiveStreamState[];

/** Protocols an encoder can push with. */
export type IngestProtocol = 'rtmp' | 'rtmps' | 'srt' | 'rtsp' | 'webrtc' | 'wowz';

/** Every {@link IngestProtocol}. */
export const ingestProtocols = [
  'rtmp',
  'rtmps',
  'srt',
  'rtsp',
  'webrtc',
  'wowz',
] as const satisfies readonly IngestProtocol[];

/** Protocols a viewer can play with. */
export type PlaybackProtocol = 'hls' | 'dash' | 'webrtc' | 'embed' | 'rtmp' | 'rtsp' | 'wowz';

/** Every {@link PlaybackProtocol}. */
export const playbackProtocols = [
  'hls',
  'dash',
  'webrtc',
  'embed',
  'rtmp',
  'rtsp',
  'wowz',
] as const satisfies readonly PlaybackProtocol[];

/**
 * Where an encoder sends video. `url` is what an encoder that takes one URL opens; the split fields are what
 * encoder UIs such as OBS ask for. `streamKey`, `password` and `token` are credentials, and so is the user
 * information of `url`: keep them out of logs.
 */
export interface IngestEndpoint {
  protocol: IngestProtocol;
  /**
   * The URL an encoder opens. What it carries, by protocol:
   * - RTMP, RTMPS, RTSP: everything the push needs, so an encoder given this URL alone (ffmpeg, a one-URL
   *   field) pushes: the stream key as its last path segment (RTMP and RTMPS), and, where the vendor issues
   *   push credentials (Wowza Video while source authentication is on), `username` and `password` as the
   *   URL's user information, `rtmp://user:password@host:1935/app/key`, the form ffmpeg takes them in and
   *   proves with Adobe authentication when the server asks. `server` never carries them.
   * - SRT (Wowza Video): the server; the stream name, when the vendor names one, is `streamName` beside it.
   * - WebRTC: the signalling address a WebRTC publisher opens; what it presents beside it is in the other
   *   fields: `applicationName` and `streamName` (Wowza Video's SDP URL), or `token` (videosdk v2's WHIP
   *   URL, as the bearer token).
   */
  url: string;
  /**
   * The OBS "Server" field (RTMP/RTMPS): the URL without the stream key and without user information (OBS
   * takes `username` and `password` in its own "Use authentication" fields).
   */
  server?: string;
  /** The OBS "Stream key" field. A credential. */
  streamKey?: string;
  /** Vendor-issued push user name (Wowza Video), also in `url`'s user information. */
  username?: string;
  /** Vendor-issued push password (Wowza Video), also in `url`'s user information. A credential. */
  password?: string;
  /** WebRTC signalling application (Wowza Video), presented beside `url`. */
  applicationName?: string;
  /**
   * WebRTC stream name (Wowza Video), or the stream name a URL-based protocol needs beside its URL (Wowza
   * Video's SRT).
   */
  streamName?: string;
  /**
   * A publish token the encoder must present beside `url`, when a vendor issues one for it (videosdk v2's
   * WHIP bearer token). A credential. Tokens that only a vendor's SDK can use are not endpoint fields: see
   * `LiveStream.providerDetails`.
   */
  token?: string;
}

// A push URL the parser reads and writes as it is, user information added or not: a scheme without special
// rules (no lower-casing or IDNA of its host, no default port), a host of letters, digits, dots and hyphens
// (kept as written in such a scheme), a port of 1 to 65535 without leading zeros, and path segments of
// characters no parser escapes, none of them `.` or `..`.
const plainPushUrl =
  /^(?:rtmps?|rtsp|srt):\/\/[A-Za-z0-9.-]+(?::(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._~!$&'()*+,;=:@-]+)*$/;

/**
 * `url` with `username` and `password` as its user information (`rtmp://user:password@host:1935/app/key`):
 * the form in which encoders that take one URL (ffmpeg, a one-URL field) take push credentials. Each is
 * percent-encoded as a URI component, so any character survives (Wowza Video's own are letters, digits,
 * `.`, `_` and `-`, which stay as they are). `url` is returned unchanged when neither is given (or both are
 * empty); an empty one of the two is written empty (`rtmp://user@host/…`, `rtmp://:password@host/…`).
 * Throws a `TypeError` (naming no value) when `url` does not parse as a URL with a host (check it with
 * {@link isEndpointUrl} first) or a value holds a lone surrogate, which no URL can carry. The result
 * carries a credential: adapters register the password with their secrets.
 */
export function urlWithUserInfo(
  url: string,
  username: string | undefined,
  password: string | undefined,
): string {
  if (!username && !password) return url;
  // Encoded first: the setters leave `%` (and a few others) as they are, so a value holding one would not
  // read back as itself. Encoded, neither holds a character the parser or the setters would change.
  let user: string;
  let secret: string;
  try {
    user = encodeURIComponent(username ?? '');
    secret = encodeURIComponent(password ?? '');
  } catch {
    // `encodeURIComponent`'s URIError, named as the rest: the value is never echoed.
    throw new TypeError('a user name or password holding a lone surrogate cannot be written in a URL');
  }
  // Written into the URL as text, and kept when the parser reads it back as it is written: one parse,
  // where the setters cost three (every Wowza Video read writes its push URLs). Read back as written, the
  // text is what the setters give, since the encoded values hold no `@`, `:` or `/` to move the parts.
  // Anything else (user information already there, a URL the parser rewrites, a `file:` URL, whose
  // setters ignore both) goes through the setters.
  const authority = url.indexOf('://');
  if (authority > 0) {
    const start = authority + 3;
    const written = `${url.slice(0, start)}${user}${secret === '' ? '' : `:${secret}`}@${url.slice(start)}`;
    // An encoder's URL of the plain shape adapters build is one the parser writes as it is: not parsed.
    if (plainPushUrl.test(url)) return written;
    let read: URL | undefined;
    try {
      read = new URL(written);
    } catch {
      // Read by the setters below, which say what is wrong.
    }
    if (read !== undefined && read.host !== '' && read.href === written) return written;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Node's own error keeps the URL whole in its `input` field, which a logger prints: one of ours instead.
    throw new TypeError('a URL that does not parse takes no user information');
  }
  if (parsed.host === '') throw new TypeError('a URL without a host takes no user information');
  parsed.username = user;
  parsed.password = secret;
  return parsed.href;
}

/**
 * The URL schemes an endpoint of each protocol may carry. WebRTC signalling is a WebSocket (Wowza) or an
 * HTTP endpoint (WHIP/WHEP, RFC 9725): `http:` only as a local server (a sandbox, a LAN media server) serves it.
 */
export const endpointSchemes: Readonly<Record<IngestProtocol | PlaybackProtocol, readonly string[]>> = {
  rtmp: ['rtmp:'],
  rtmps: ['rtmps:'],
  srt: ['srt:'],
  rtsp: ['rtsp:'],
  // A WebRTC endpoint is a signalling address a WebRTC publisher or player opens (Wowza's SDP URL, a WHIP
  // or WHEP URL). Credentials that only a vendor's SDK can use have no URL and are no endpoint: see
  // `LiveStream.providerDetails`.
  // `http:` only as a local server (a sandbox, a LAN media server) serves a WHIP endpoint.
  webrtc: ['wss:', 'https:', 'http:'],
  wowz: ['wowz:', 'wowzs:'],
  hls: ['https:', 'http:'],
  dash: ['https:', 'http:'],
  embed: ['https:', 'http:'],
};

/**
 * True when `url` is usable as-is for an endpoint of `protocol`: it parses, names a host, and its scheme
 * is one {@link endpointSchemes} allows. Mappers keep any other vendor value in `raw` only.
 */
export function isEndpointUrl(protocol: IngestProtocol | PlaybackProtocol, url: string): boolean {
  // A vendor answer carries dozens of endpoint URLs, nearly all of one plain shape; parsing each costs a URL
  // object. The plain shape is recognised by one pattern's `test` (no match array, no substrings, no second
  // pass over the host), anything else goes to the URL parser, with the same verdict. An indexed loop, not
  // `for…of`: called a few times per answer (Wowza Video remembers its playback URLs' verdicts), the loop is
  // not always optimised away and allocated an iterator and its results per call (see
  // docs/decisions/2026-12-01-heap-per-get.md).
  if (plainUrl.test(url)) {
    const schemeEnd = url.indexOf(':');
    const schemes = endpointSchemes[protocol];
    for (let index = 0; index < schemes.length; index += 1) {
      const scheme = schemes[index] as string;
      if (scheme.length === schemeEnd + 1 && url.startsWith(scheme)) return true;
    }
    return false;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.host !== '' && endpointSchemes[protocol].includes(parsed.protocol);
}

/**
 * The scheme (`protocol`, with its colon) and `host` (with its port, if any) of `url`, exactly as
 * `new URL(url)` gives them, or undefined when it does not parse. An adapter reading a vendor URL apart
 * (an RTMP URL into server and key) checks them; a URL of the plain shape {@link isEndpointUrl} recognises,
 * whose scheme and host the parser would not rewrite, is read without building a URL object.
 */
export function urlSchemeAndHost(url: string): { protocol: string; host: string } | undefined {
  if (plainUrl.test(url)) {
    const schemeEnd = url.indexOf(':');
    const hostStart = schemeEnd + 3;
    let hostEnd = hostStart;
    let port = -1;
    let upperCase = false;
    for (; hostEnd < url.length; hostEnd += 1) {
      const code = url.charCodeAt(hostEnd);
      if (code === 47 || code === 63 || code === 35) break; // "/", "?" or "#": the host ends
      if (code === 58)
        port = hostEnd + 1; // ":"
      else if (code >= 65 && code <= 90) upperCase = true;
    }
    const protocol = url.slice(0, schemeEnd + 1);
    // The parser writes a port without its leading zeros, and for a special scheme (http, https, ws,
    // wss, ftp, file) lowercases the host, drops the scheme's default port and reads `file:` hosts
    // apart: those go to the parser.
    const rewritten = specialSchemes.has(protocol)
      ? protocol === 'file:' || upperCase || port !== -1
      : port !== -1 && url.charCodeAt(port) === 48;
    if (!rewritten) return { protocol, host: url.slice(hostStart, hostEnd) };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  return { protocol: parsed.protocol, host: parsed.host };
}

/**
 * The password in the user information of `url` (`rtmp://user:password@host/app`), percent-decoded, or
 * undefined when it names none or does not parse. A credential: an adapter that keeps a vendor URL registers
 * it with its secrets, so that the password alone is redacted wherever it appears (the URL's user
 * information is redacted by shape already). Read without a URL object when the URL has no `@`. Where the
 * parser places no host (`rtmp:/user:pw@host/app`, `rtmp:user:pw@host`, a scheme-less `user:pw@host`) or
 * the URL does not parse (a space in its host), the password is read as a person reads it: after the last
 * `:` before the first `@`.
 */
export function urlPassword(url: string): string | undefined {
  if (!url.includes('@')) return undefined;
  let password: string | undefined;
  try {
    const parsed = new URL(url);
    // A URL the parser reads with no host (`rtmp:/user:pw@host/app`, `rtmp:user:pw@host`, a scheme-less
    // `user:pw@host`, whose `user:` it takes for a scheme) holds its user information in its path: read as
    // a person reads it, below.
    password = parsed.host === '' ? writtenPassword(url) : parsed.password;
  } catch {
    // One that does not parse at all (a space in its host) likewise.
    password = writtenPassword(url);
  }
  if (password === undefined || password === '') return undefined;
  try {
    return decodeURIComponent(password);
  } catch {
    // A `%` that starts no escape stays as written.
    return password;
  }
}

/**
 * `url` without its user information (`rtmp://user:pw@host/app` → `rtmp://host/app`), the rest exactly as
 * written, with no parser rewriting it: the authority ends at the first `/`, `?` or `#` after `//`, and its
 * user information at the last `@` before that, as the URL parser reads a push URL. `url` as it is when it
 * has no `//` or no user information. An endpoint's `server` is written so (IngestEndpoint: `server` never
 * carries user information); the user name and password are {@link urlUsername} and {@link urlPassword}.
 */
export function urlWithoutUserInfo(url: string): string {
  // Nearly every vendor URL has no `@` at all: one `includes`, then.
  if (!url.includes('@')) return url;
  const start = url.indexOf('//') + 2;
  if (start < 2) return url;
  let end = start;
  for (; end < url.length; end += 1) {
    const code = url.charCodeAt(end);
    if (code === 47 || code === 63 || code === 35) break; // "/", "?" or "#": the authority ends
  }
  const at = url.lastIndexOf('@', end - 1);
  return at < start ? url : url.slice(0, start) + url.slice(at + 1);
}

/**
 * The user name in the user information of `url`, percent-decoded (a `%` that starts no escape stays as
 * written), as the URL parser reads it; undefined when there is none or `url` does not parse. Not a
 * credential by itself (the password beside it is: {@link urlPassword}).
 */
export function urlUsername(url: string): string | undefined {
  if (!url.includes('@')) return undefined;
  let username: string;
  try {
    username = new URL(url).username;
  } catch {
    return undefined;
  }
  if (username === '') return undefined;
  try {
    return decodeURIComponent(username);
  } catch {
    return username;
  }
}

// The password a person reads in a URL the parser cannot place user information in: the text before its
// first `@` (none of `/ ? #` in it, once a leading `scheme:` and its slashes are set aside), after its last
// `:`, or all of it when the `scheme:` set aside was the user name (`user:pw@host` written without a scheme).
// A credential is better masked once too often than shown.
function writtenPassword(url: string): string | undefined {
  const at = url.indexOf('@');
  const written = url.slice(0, at).trimStart();
  const schemeEnd = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(written)?.[0].length ?? 0;
  let userInfo = written.slice(schemeEnd);
  while (userInfo.startsWith('/')) userInfo = userInfo.slice(1);
  if (/[/?#]/.test(userInfo)) return undefined;
  const colon = userInfo.lastIndexOf(':');
  return colon >= 0
    ? userInfo.slice(colon + 1)
    : schemeEnd > 0 && !written.includes('/')
      ? userInfo
      : undefined;
}

const specialSchemes = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:', 'file:']);

// `scheme://host[:port][/path, ?query or #fragment]`: a lowercase scheme, no user information, printable
// ASCII after the host. Every such URL parses, with this scheme and a host. Built by a call marked pure, so
// that a bundle which never reads a URL drops it (a bundler keeps an unused top-level template literal with
// substitutions, which may call `toString`).
const plainUrl = /* @__PURE__ */ (() => {
  // A part of a dotted IPv4 address: 0 to 255 without a leading zero.
  const ipv4Part = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
  // A host the URL parser takes as it is: a dotted IPv4 address, or labels of letters, digits and hyphens,
  // none an IDNA `xn--` label, the last starting with a letter (so it is never read as a number).
  const plainHost = `(?:(?:${ipv4Part}\\.){3}${ipv4Part}|(?:(?![xX][nN]--)[A-Za-z0-9-]+\\.)*(?![xX][nN]--)[A-Za-z][A-Za-z0-9-]*)`;
  // A port of 1 to 5 digits (leading zeros allowed, as the parser allows them) up to 65535.
  const plainPort =
    '(?=[0-9]{1,5}(?:[/?#]|$))0*(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})';
  return new RegExp(`^[a-z][a-z0-9+.-]*://${plainHost}(?::${plainPort})?(?:[/?#][\\x21-\\x7e]*)?$`);
})();

/** Where a viewer watches. */
export interface PlaybackEndpoint {
  protocol: PlaybackProtocol;
  url: string;
  /** `'source'` or a rendition label, when the vendor lists several. */
  rendition?: string;
  /**
   * A viewer token the player must present beside `url`, when a vendor issues one for it. A credential.
   * Tokens that only a vendor's SDK can use (Wowza Real-Time's subscribe token) are in
   * `LiveStream.providerDetails`.
   */
  token?: string;
  /** True when the endpoint carries audio only. */
  audioOnly?: boolean;
  /**
   * WebRTC playback application a player presents beside `url` (Wowza Video: `application_name` of the
   * stream's WebRTC playback, API v2.0 `direct_playback_urls.webrtc[]`).
   */
  applicationName?: string;
  /**
   * WebRTC stream name a player presents beside `url` (Wowza Video: `stream_name` of the stream's WebRTC
   * playback, API v2.0 `direct_playback_urls.webrtc[]`).
   */
  streamName?: string;
}

/**
 * A restream (simulcast) destination as a caller gives it to `create` or `update`: one to forward the stream to while it is live. A {@link RestreamTarget} a
 * `get` returned is taken as one too, so a stream's own list can be given back
 * (`update(id, { restream: [...stream.restream, added] })`, or copied to a new stream): its `id` and
 * `broadcasting` are the vendor's state and are not sent, nor is `enabled: true`. `enabled: false` is an
 * `InvalidInputError` naming the target (`restream.0.enabled`) before any request: every target unilive
 * adds is switched on, so one asked for switched off could only be added on. Any other field is an
 * `InvalidInputError` (`unknown field`). A stream may hold targets no input can name (added on the vendor's
 * dashboard: an `srt://` URL, a key an input refuses): give back
 * `stream.restream.filter(isNameableRestreamTarget)`, and they are kept as they are. The URL's scheme is
 * sent in lower case.
 */
export interface RestreamTargetInput {
  /** An `rtmp://` or `rtmps://` server URL. */
  url: string;
  /** The destination's stream key. A credential. */
  streamKey: string;
}

/**
 * A restream (simulcast) destination as the vendor reports it: the stream is forwarded there while live,
 * unless the vendor says the target is switched off (`enabled: false`). Each optional field is absent when
 * the vendor does not say.
 */
export interface RestreamTarget extends RestreamTargetInput {
  /** The vendor's id of this target (LiveAPI `platforms[]._id`, videosdk `restream[]._id`). */
  id?: string;
  /**
   * Whether the vendor will forward the stream to this target when it is live. `false` means switched off:
   * nothing is sent there.
   */
  enabled?: boolean;
  /** True while the vendor is pushing video to this target now, false when it is not. */
  broadcasting?: boolean;
}

/**
 * A soft gap: something the caller asked for that this provider could not honour exactly. Returned on
 * the result instead of being silently dropped.
 */
export interface Warning {
  /**
   * - `unsupported-setting`: an input field this vendor cannot honour exactly was left out or approximated;
   * - `skipped-record`: a list record unilive cannot use (say an id it would not put in a URL), or one gone
   *   when its details were read (deleted since its page was served), was left out;
   * - `incomplete-list`: the vendor said more records exist than its pages let a list reach;
   * - `read-back-failed`: the vendor accepted the change, but reading the stream back afterwards failed, so
   *   the result holds only what the accepted answer told;
   * - `fallback`: a documented alternative was used instead of the usual path;
   * - `incomplete-answer`: the vendor's answer lacked something the neutral result normally carries (an
   *   ingest endpoint, push credentials), so that part is empty or partial; `raw` has what was sent;
   * - `skipped-provider`: a registry's `list` left out a provider that failed (its name is in the message),
   *   after the streams it had already yielded;
   * - `not-carried`: a migration could not carry this part of the source stream to the new vendor;
   * - `held-in-memory`: a setting the vendor keeps nowhere, which this client holds in its process's memory
   *   until a later call needs it (videosdk v2's recording, composition and restream targets, sent at
   *   start): a call from another process does not know it, and the message says how to give it there;
   * - `other`.
   */
  type:
    | 'unsupported-setting'
    | 'skipped-record'
    | 'incomplete-list'
    | 'read-back-failed'
    | 'fallback'
    | 'incomplete-answer'
    | 'skipped-provider'
    | 'not-carried'
    | 'held-in-memory'
    | 'other';
  /** The input field concerned, as a dot path (`lowLatency`, `providerOptions.liveapi.foo`). */
  setting?: string;
  message: string;
}

/** Every {@link Warning} `type`. */
export const warningTypes = [
  'unsupported-setting',
  'skipped-record',
  'incomplete-list',
  'read-back-failed',
  'fallback',
  'incomplete-answer',
  'skipped-provider',
  'not-carried',
  'held-in-memory',
  'other',
] as const satisfies readonly Warning['type'][];

/** A live stream, in neutral terms, as one provider reports it. */
export interface LiveStream {
  /** The vendor's id, unchanged. */
  id: string;
  provider: ProviderId;
  /** Absent when the vendor does not keep a name. */
  name?: string;
  state: LiveStreamState;
  /** True while video is arriving; absent when the vendor does not say. */
  broadcasting?: boolean;
  /**
   * Where an encoder sends video. Every built-in provider gives at least one entry on a stream read from the
   * vendor, with two exceptions, each flagged by a warning: a result built only from an accepted answer
   * whose read-back failed (`read-back-failed`: empty), and an answer that lacks the push details
   * (`incomplete-answer`: a Wowza Video list summary, a stream Wowza pulls its video for, an answer without
   * them).
   */
  ingest: IngestEndpoint[];
  /** Where viewers watch; empty on a result built only from an accepted answer (`read-back-failed`). */
  playback: PlaybackEndpoint[];
  /**
   * Whether the vendor records the stream. Absent when it is not known, never guessed as `false`: a vendor
   * answer that does not say (a list summary without the field), a result built only from an accepted
   * answer (see the `read-back-failed` warning), and a videosdk v2 room no call of this client named it for
   * (no v2 answer reports it: it is what this client sent on create or start, or holds for the next start
   * after an update that named it).
   */
  recording?: boolean;
  /**
   * Restream targets: the list the stream has, `[]` when it has none, wherever the adapter knows it (LiveAPI
   * and videosdk v1 read it from the vendor; videosdk v2 from its running RTMP-outs or, while none run, the
   * targets this client holds for the next start). Absent where nothing tells the list: on a vendor with no
   * neutral restream (`capabilities.restream` false: Wowza Video, Wowza Real-Time), and on a videosdk v2 room
   * this client holds nothing for (made or started in another process) while no egress runs. Their keys are
   * credentials.
   */
  restream?: RestreamTarget[];
  createdAt?: Date;
  updatedAt?: Date;
  /** Soft gaps met while serving the call that returned this stream. */
  warnings?: Warning[];
  /**
   * What only this stream's vendor has and a caller or an encoder needs, keyed by provider id: the output
   * twin of `providerOptions`. Each adapter documents and types its own entry (for example Wowza Video's
   * connection code and stream targets, Wowza Real-Time's SDK credentials) and exports a reader for it.
   * A concept moves into the neutral fields once three vendors share it. May hold credentials.
   */
  providerDetails?: Record<string, Record<string, unknown>>;
  /** The vendor's own object, untouched: the escape hatch for anything not mapped. */
  raw: unknown;
}
