import type { LiveStream } from '@unilive/core';

/** Lays out rows as an aligned text table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
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

/** A stream as a person reads it: what to configure in the encoder and what viewers open. */
export function describeStream(stream: LiveStream): string {
  const lines = [
    `${stream.name ?? '(no name)'}  [${stream.provider} ${stream.id}]`,
    `  state:      ${stream.state}${stream.broadcasting === undefined ? '' : stream.broadcasting ? ' (video arriving)' : ' (no video)'}`,
    `  recording:  ${stream.recording ? 'on' : 'off'}`,
  ];
  for (const endpoint of stream.ingest) {
    lines.push(`  ingest ${endpoint.protocol}:`);
    if (endpoint.server) lines.push(`    server:      ${endpoint.server}`);
    if (endpoint.streamKey) lines.push(`    stream key:  ${endpoint.streamKey}`);
    if (endpoint.username) lines.push(`    username:    ${endpoint.username}`);
    if (endpoint.password) lines.push(`    password:    ${endpoint.password}`);
    if (endpoint.applicationName) lines.push(`    application: ${endpoint.applicationName}`);
    if (endpoint.streamName) lines.push(`    stream name: ${endpoint.streamName}`);
    if (endpoint.token) lines.push(`    token:       ${endpoint.token}`);
    lines.push(`    url:         ${endpoint.url}`);
  }
  for (const endpoint of stream.playback) {
    const label = [endpoint.protocol, endpoint.rendition, endpoint.audioOnly ? 'audio only' : undefined]
      .filter(Boolean)
      .join(' ');
    lines.push(`  playback ${label}: ${endpoint.url}`);
  }
  for (const target of stream.restream ?? []) lines.push(`  restream:   ${target.url}`);
  for (const warning of stream.warnings ?? []) lines.push(`  warning:    ${warning.message}`);
  return lines.join('\n');
}

/** One row per stream for `list`. */
export function streamRows(streams: readonly LiveStream[]): string {
  return table(
    ['ID', 'NAME', 'STATE', 'CREATED'],
    streams.map((stream) => [
      stream.id,
      stream.name ?? '',
      stream.state,
      stream.createdAt?.toISOString() ?? '',
    ]),
  );
}

/** JSON for scripts: dates as ISO strings, the vendor's raw object left out unless asked for. */
export function streamJson(stream: LiveStream, includeRaw = false): Record<string, unknown> {
  const { raw, ...rest } = stream;
  return includeRaw ? { ...rest, raw } : rest;
}
