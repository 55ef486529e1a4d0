import {
  escapeUnprintable,
  type LiveStream,
  type PlaybackEndpoint,
  type Redactor,
  redactedMarker,
  serverRedactor,
  streamSecrets,
  toRedactor,
} from '@unilive/core';

/** The flag that prints secrets, and what a secret field reads as without it. */
export const showSecretsFlag = '--show-secrets';
export const hiddenSecretText = `(hidden; ${showSecretsFlag} prints it)`;

/** What a stream-printing command offers besides its connection options. */
export const showSecretsOption = {
  flags: showSecretsFlag,
  description: 'print stream keys, push passwords and tokens (in fields, URLs and --raw); hidden by default',
};

/** A stream as {@link printedSecrets} reads it. */
type SecretHolder = Parameters<typeof streamSecrets>[0];

/** The path segments of a stream's playback URLs: what the vendor hands every viewer. */
function viewerPathSegments(stream: SecretHolder): Set<string> {
  const segments = new Set<string>();
  for (const endpoint of stream.playback ?? []) {
    if (typeof endpoint.url !== 'string' || !URL.canParse(endpoint.url)) continue;
    for (const segment of new URL(endpoint.url).pathname.split('/')) if (segment) segments.add(segment);
  }
  return segments;
}

/** The values of a query (`password=ab12cd34` → `ab12cd34`), as written and decoded. */
function queryValues(query: string): string[] {
  return query.split('&').flatMap((part) => {
    const value = part.slice(part.indexOf('=') + 1);
    if (value === '') return [];
    let decoded = value;
    try {
      decoded = decodeURIComponent(value.replaceAll('+', ' '));
    } catch {}
    return decoded === value ? [value] : [value, decoded];
  });
}

/** What printed text is masked by: every secret, and the public names the masking leaves readable. */
export interface PrintedSecrets {
  secrets: string[];
  publicNames: string[];
}

/**
 * The secrets printed text is masked by: core's `streamSecrets`, and the names a stream key shares with the
 * stream's viewer URLs, which stay readable. Such a key is made of a public name and a query of credentials,
 * and the vendor itself puts the name in the playback URLs: LiveAPI's key is `lv_<32 hex>?password=<8 hex>`
 * (its API reference and the encoder examples: the `?password=` part is what the encoder must add), and its
 * hosted player (`https://player.liveapi.com/lv_<32 hex>`) and HLS URL
 * (`https://live.liveapi.com/<user>/lv_<32 hex>/index.m3u8`) carry the `lv_…` name: every viewer has it, so
 * it cannot be what protects publishing. Masked by the whole key alone, redaction (which also masks a
 * secret's beginning, as a message cut short would hold it) hid the viewer page. The whole key stays a secret
 * (its base64 or other encoded forms are masked whole), and so are its query's values (the password, in
 * every encoding), wherever they sit; a key with no query, or whose name is in no playback URL (every other
 * vendor's), has no public name.
 */
export function printedSecrets(stream: SecretHolder): PrintedSecrets {
  const secrets = streamSecrets(stream);
  const viewerSegments = viewerPathSegments(stream);
  const publicNames = new Set<string>();
  for (const endpoint of stream.ingest ?? []) {
    const key = endpoint.streamKey;
    const at = key?.indexOf('?') ?? -1;
    if (key === undefined || at <= 0) continue;
    const name = key.slice(0, at);
    const values = queryValues(key.slice(at + 1));
    if (!viewerSegments.has(name) || values.length === 0) continue;
    publicNames.add(name);
    secrets.push(...values);
  }
  return { secrets: secrets.filter((secret) => !publicNames.has(secret)), publicNames: [...publicNames] };
}

// Stands for a public name while the text is redacted: private-use characters no secret or shape matches.
const publicNameMark = /\uE000(\d+)\uE001/g;

/**
 * `redactor`, leaving `publicNames` readable: each is set aside before the text is redacted and put back
 * after, so neither a secret that starts with one (the whole key) nor the masking of a secret's beginning
 * hides it, while everything around it is masked as before.
 */
function keepingPublic(redactor: Redactor, publicNames: readonly string[]): Redactor {
  if (publicNames.length === 0) return redactor;
  const names = [...new Set(publicNames)].sort((a, b) => b.length - a.length);
  return {
    redact(text) {
      let marked = text;
      names.forEach((name, index) => {
        marked = marked.replaceAll(name, `\uE000${index}\uE001`);
      });
      if (marked === text) return redactor.redact(text);
      return redactor
        .redact(marked)
        .replace(publicNameMark, (_, index: string) => names[Number(index)] ?? '')
        .replace(/[\uE000\uE001]/g, '');
    },
  };
}

/**
 * What hides a stream's secrets from printed text: every credential it carries ({@link printedSecrets},
 * in every encoding core's redaction covers) and anything shaped like one (an `rtmp://host/app/KEY`
 * segment, URL user information, a bearer value), leaving the names its viewer URLs carry readable.
 */
export function streamRedactor(stream: SecretHolder): Redactor {
  const { secrets, publicNames } = printedSecrets(stream);
  return keepingPublic(toRedactor(secrets), publicNames);
}

/**
 * What hides a stream's secrets from its ingest servers (`ingest[].server`, the URL without the key): every
 * credential the stream carries, in every encoding, and every credential shape except the RTMP key segment,
 * which in a server is the application (`rtmp://host:1935/v2/pub`) an encoder needs (see core's
 * `serverRedactor`). A server that carries a key, password or token still has it masked.
 */
export function streamServerRedactor(stream: SecretHolder): Redactor {
  const { secrets, publicNames } = printedSecrets(stream);
  return keepingPublic(serverRedactor(secrets), publicNames);
}

/** The redactors that mask a stream's fields: text fields, and its ingest servers (see {@link streamServerRedactor}). */
export interface StreamRedactors {
  text: Redactor;
  server: Redactor;
}

/**
 * What masks the streams of one listing: the secrets of every stream in it, each compiled once. A vendor
 * may echo one stream's key in another stream's name or id, so a row masked by its own stream's secrets
 * alone could still print a key of the same account.
 */
export function listRedactors(streams: readonly SecretHolder[]): StreamRedactors {
  const printed = streams.map((stream) => printedSecrets(stream));
  const secrets = printed.flatMap((each) => each.secrets);
  const publicNames = printed.flatMap((each) => each.publicNames);
  return {
    text: keepingPublic(toRedactor(secrets), publicNames),
    server: keepingPublic(serverRedactor(secrets), publicNames),
  };
}

/** What stands for a value nested deeper than {@link redactDeep} walks. */
export const tooDeepText = `(nested more than 64 levels deep; ${showSecretsFlag} prints it)`;

/**
 * A JSON-ready value with every string (and property name) passed through `redactor`; dates kept. A value
 * nested more than 64 levels deep reads {@link tooDeepText}: it is cut, never handed out unredacted.
 */
export function redactDeep(value: unknown, redactor: Redactor, depth = 0): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  // A vendor's answer as deep as this is no answer a person reads; whatever it holds may be a secret.
  if (depth > 64) return tooDeepText;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redactor, depth + 1));
  // Without a prototype, a vendor field named `__proto__` stays a field instead of becoming the prototype.
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, item] of Object.entries(value))
    out[redactor.redact(key)] = redactDeep(item, redactor, depth + 1);
  return out;
}

/**
 * Lays out rows as an aligned text table. A cell's control characters, line feed and tab included, read as
 * escapes (`\x0a`): a vendor's text stays in its cell and its row.
 */
export function table(headers: readonly string[], cellRows: readonly (readonly string[])[]): string {
  const rows = cellRows.map((row) => row.map((cell) => escapeUnprintable(cell)));
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/**
 * A stream as a person reads it: what to configure in the encoder and what viewers open. Stream keys,
 * passwords and tokens read {@link hiddenSecretText} and are masked wherever else they appear (a URL's key
 * segment) unless `showSecrets`. `redactors` replaces the stream's own (a migration passes those of both the
 * source and the new stream, see {@link listRedactors}).
 */
export function describeStream(
  stream: LiveStream & { ref?: string; routing?: { reason: string } },
  options: { showSecrets?: boolean; redactors?: StreamRedactors } = {},
): string {
  const show = options.showSecrets === true;
  const secret = (value: string) => (show ? value : hiddenSecretText);
  // Server lines are scrubbed on their own (by the stream's known secrets, not the key-segment shape).
  const servers = new Map<number, string>();
  const lines = [
    `${stream.name ?? '(no name)'}  [${stream.provider} ${stream.ref ?? stream.id}]`,
    ...(stream.routing ? [`  routing:    ${stream.routing.reason}`] : []),
    `  state:      ${stream.state}${stream.broadcasting === undefined ? '' : stream.broadcasting ? ' (video arriving)' : ' (no video)'}`,
    `  recording:  ${stream.recording === undefined ? 'unknown' : stream.recording ? 'on' : 'off'}`,
  ];
  for (const endpoint of stream.ingest) {
    lines.push(`  ingest ${endpoint.protocol}:`);
    if (endpoint.server) servers.set(lines.push(`    server:      ${endpoint.server}`) - 1, endpoint.server);
    if (endpoint.streamKey) lines.push(`    stream key:  ${secret(endpoint.streamKey)}`);
    if (endpoint.username) lines.push(`    username:    ${endpoint.username}`);
    if (endpoint.password) lines.push(`    password:    ${secret(endpoint.password)}`);
    if (endpoint.applicationName) lines.push(`    application: ${endpoint.applicationName}`);
    if (endpoint.streamName) lines.push(`    stream name: ${endpoint.streamName}`);
    if (endpoint.token) lines.push(`    token:       ${secret(endpoint.token)}`);
    lines.push(`    url:         ${endpoint.url}`);
  }
  const playback = playbackLines(stream.playback);
  // Viewer URLs are masked as servers are (see the end): the last segment of an RTMP playback URL is the
  // name viewers play (Wowza Video's `rtmp://host/app-…/<name>`), readable in the same stream's RTSP and
  // WOWZ URLs, not a stream key, which the shape of an ingest URL would take it for.
  const viewerLines = new Set<number>();
  if (playback.lines.length > 0) {
    lines.push('  playback (what viewers open):');
    for (const line of playback.lines) viewerLines.add(lines.push(`    ${line}`) - 1);
    playback.legend.forEach((entry, index) => {
      lines.push(`    ${index === 0 ? 'legend:' : '       '} ${entry}`);
    });
  }
  for (const target of stream.restream ?? []) {
    const off = target.enabled === false ? ' (switched off)' : '';
    lines.push(`  restream:   ${target.url}${off}`);
  }
  for (const [provider, details] of Object.entries(stream.providerDetails ?? {})) {
    lines.push(`  ${provider} details:`);
    lines.push(...detailLines(details, '    '));
  }
  for (const warning of stream.warnings ?? []) lines.push(`  warning:    ${warning.message}`);
  // Each entry is one line of the layout: a line feed or tab in a vendor's text (a name, a server) reads as
  // an escape, so it can neither start a line of its own (a forged `stream key:` line) nor shift the columns.
  if (show) return lines.map((line) => escapeUnprintable(line)).join('\n');
  const redactor = options.redactors?.text ?? streamRedactor(stream);
  const serverScrubber = options.redactors?.server ?? streamServerRedactor(stream);
  return lines
    .map((line, index) => {
      const server = servers.get(index);
      if (server !== undefined) return escapeUnprintable(`    server:      ${serverScrubber.redact(server)}`);
      return escapeUnprintable((viewerLines.has(index) ? serverScrubber : redactor).redact(line));
    })
    .join('\n');
}

// A vendor's own details (`providerDetails`), one `key: value` line per field, nested objects indented.
function detailLines(details: Record<string, unknown>, indent: string): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(details)) {
    if (value === undefined) continue;
    if (value instanceof Date) lines.push(`${indent}${key}: ${value.toISOString()}`);
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      lines.push(`${indent}${key}:`, ...detailLines(value as Record<string, unknown>, `${indent}  `));
    } else lines.push(`${indent}${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  return lines;
}

/**
 * One row per stream for `list`; streams of a registry show their reference and vendor. Unless
 * `showSecrets`, each row is masked as {@link describeStream} masks a stream, by the secrets of every stream
 * listed ({@link listRedactors}): a vendor that echoes a stream key or password in a name or id, the
 * stream's own or another's, does not print it.
 */
export function streamRows(
  streams: readonly (LiveStream & { ref?: string })[],
  options: { showSecrets?: boolean } = {},
): string {
  const show = options.showSecrets === true;
  const redactor = show ? undefined : listRedactors(streams).text;
  const masked = (cells: readonly string[]): string[] =>
    redactor === undefined ? [...cells] : cells.map((cell) => redactor.redact(cell));
  if (streams.some((stream) => stream.ref !== undefined)) {
    return table(
      ['REF', 'PROVIDER', 'NAME', 'STATE', 'CREATED'],
      streams.map((stream) =>
        masked([
          stream.ref ?? stream.id,
          stream.provider,
          stream.name ?? '',
          stream.state,
          stream.createdAt?.toISOString() ?? '',
        ]),
      ),
    );
  }
  return table(
    ['ID', 'NAME', 'STATE', 'CREATED'],
    streams.map((stream) =>
      masked([stream.id, stream.name ?? '', stream.state, stream.createdAt?.toISOString() ?? '']),
    ),
  );
}

/**
 * JSON for scripts: dates as ISO strings, the vendor's raw object left out unless asked for. Unless
 * `showSecrets`, every secret the stream carries reads `[REDACTED]`, as a field (`streamKey`, `password`,
 * `token`) and inside any other string (a URL's key segment, a field of `raw`). `redactors` replaces the
 * stream's own (a listing passes {@link listRedactors} of all its streams).
 */
export function streamJson(
  stream: LiveStream,
  includeRaw = false,
  showSecrets = false,
  redactors?: StreamRedactors,
): Record<string, unknown> {
  const { raw, ...rest } = stream;
  const value = includeRaw ? { ...rest, raw } : rest;
  if (showSecrets) return value;
  const redacted = redactDeep(value, redactors?.text ?? streamRedactor(stream)) as Record<string, unknown>;
  // Each `ingest[].server` is scrubbed as describeStream scrubs it: by the stream's known secrets.
  const serverScrubber = redactors?.server ?? streamServerRedactor(stream);
  const ingest = redacted.ingest;
  if (Array.isArray(ingest)) {
    redacted.ingest = ingest.map((endpoint: Record<string, unknown>, index) => {
      const given = stream.ingest[index];
      const server = given?.server;
      return {
        ...endpoint,
        ...(server === undefined ? {} : { server: serverScrubber.redact(server) }),
        // The field is a secret whole, whatever part of it is public (see printedSecrets).
        ...(given?.streamKey === undefined ? {} : { streamKey: redactedMarker }),
      };
    });
  }
  // Each `playback[].url` as describeStream prints it: by the known secrets, not by the RTMP key shape.
  const playback = redacted.playback;
  if (Array.isArray(playback)) {
    redacted.playback = playback.map((endpoint: Record<string, unknown>, index) => {
      const url = stream.playback[index]?.url;
      return typeof url === 'string' ? { ...endpoint, url: serverScrubber.redact(url) } : endpoint;
    });
  }
  return redacted;
}

// A transcoded rendition as Wowza names it: `V:1280x720+A:128K` (video size, audio bitrate).
const transcoded = /^V:(\d+x\d+)\+A:(\w+)$/;

/** The family a rendition belongs to: the source, a named output, or the transcoded ladder. */
function familyOf(endpoint: PlaybackEndpoint): string {
  const rendition = endpoint.rendition;
  const base = rendition === undefined ? '' : transcoded.test(rendition) ? 'transcoded' : rendition;
  return endpoint.audioOnly ? [base, 'audio only'].filter(Boolean).join(', ') : base;
}

/** The common start of some strings, ending before a separator so each rest reads on its own (`_stream3`). */
function commonPrefix(values: readonly string[]): string {
  let prefix = values[0] ?? '';
  for (const value of values) while (!value.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.slice(
    0,
    Math.max(0, ...['/', '_', '-', '.'].map((separator) => prefix.lastIndexOf(separator))),
  );
}

/** The URLs of a family on one line: the one URL, or the first in full and how the last one ends. */
function familyUrls(urls: readonly string[]): string {
  const distinct = [...new Set(urls)];
  if (distinct.length === 1) return distinct[0] ?? '';
  const prefix = commonPrefix(distinct);
  return `${distinct[0]} … ${distinct.at(-1)?.slice(prefix.length)}`;
}

/**
 * Playback grouped for a person: one block per protocol, one line per rendition family (the source, each
 * named output, the transcoded ladder), and a legend for the labels used.
 */
export function playbackLines(playback: readonly PlaybackEndpoint[]): { lines: string[]; legend: string[] } {
  const byProtocol = new Map<string, Map<string, PlaybackEndpoint[]>>();
  for (const endpoint of playback) {
    const families = byProtocol.get(endpoint.protocol) ?? new Map<string, PlaybackEndpoint[]>();
    byProtocol.set(endpoint.protocol, families);
    const family = familyOf(endpoint);
    families.set(family, [...(families.get(family) ?? []), endpoint]);
  }
  const width = Math.max(0, ...[...byProtocol.keys()].map((protocol) => protocol.length));
  const lines: string[] = [];
  const used = new Set<string>();
  for (const [protocol, families] of byProtocol) {
    const everyUrl = [...families.values()].flat().map((endpoint) => endpoint.url);
    const rows: [string, string][] = [];
    if (families.size > 1 && new Set(everyUrl).size === 1) {
      // One URL for every rendition (WebRTC: the rendition is picked by stream name when connecting).
      rows.push([`${everyUrl.length} renditions`, everyUrl[0] ?? '']);
      used.add('one-url');
    } else {
      for (const [family, endpoints] of families) {
        if (family === 'transcoded') {
          const sizes = endpoints.map((endpoint) => transcoded.exec(endpoint.rendition ?? '')?.[1]);
          const audio = [
            ...new Set(endpoints.map((endpoint) => transcoded.exec(endpoint.rendition ?? '')?.[2])),
          ];
          const urls = familyUrls(endpoints.map((endpoint) => endpoint.url));
          rows.push([`${endpoints.length} sizes`, `${urls}  (${sizes.join(' ')}; audio ${audio.join(' ')})`]);
          used.add('transcoded');
        } else {
          if (family === 'source' || family === 'webrtc') used.add(family);
          // An unlabelled endpoint beside labelled ones is the vendor's default one.
          const label = family === '' && families.size > 1 ? 'default' : family;
          rows.push([label, familyUrls(endpoints.map((endpoint) => endpoint.url))]);
        }
      }
    }
    const labelWidth = Math.max(0, ...rows.map(([label]) => label.length));
    rows.forEach(([label, url], index) => {
      const head = index === 0 ? protocol.padEnd(width) : ' '.repeat(width);
      const cell = labelWidth === 0 ? '' : `${label.padEnd(labelWidth)}  `;
      lines.push(`${head}  ${cell}${url}`.trimEnd());
    });
  }
  const legend: string[] = [];
  if (used.has('source')) legend.push("source: the encoder's own stream, passed through");
  if (used.has('webrtc')) legend.push('webrtc: the output the vendor names webrtc');
  if (used.has('transcoded'))
    legend.push('N sizes: renditions the vendor transcodes, URLs in the order of the sizes');
  if (used.has('one-url'))
    legend.push('N renditions: one URL for all of them; a player picks one by stream name');
  return { lines, legend };
}
