/** A segment a media playlist lists: its URI line and its `#EXTINF` duration in seconds. */
export interface ListedSegment {
  uri: string;
  seconds: number;
}

/** A segment that left the playlist, and the time (ms, the clock `observe` was given) it may be deleted at. */
export interface SegmentRemoval {
  uri: string;
  deleteAtMs: number;
}

/** The segments a media playlist lists, in order, each with the duration its `#EXTINF` gives (0 if none). */
export function listedSegments(text: string): ListedSegment[] {
  const segments: ListedSegment[] = [];
  let seconds = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) {
      const value = Number.parseFloat(line.slice('#EXTINF:'.length));
      seconds = Number.isFinite(value) && value > 0 ? value : 0;
    } else if (line !== '' && !line.startsWith('#')) {
      segments.push({ uri: line, seconds });
      seconds = 0;
    }
  }
  return segments;
}

/**
 * When the segments leaving a live playlist may be deleted, by time, as RFC 8216 §6.2.2 asks: "When the
 * server removes a Media Segment URI from the Playlist, the corresponding Media Segment MUST remain available
 * to clients for a period of time equal to the duration of the segment plus the duration of the longest
 * Playlist file distributed by the server containing that segment." Counting segments instead (ffmpeg's
 * `-hls_delete_threshold`) falls short whenever the playlist jumps by more than one segment at once (a
 * publish's short last segment) or its segments are shorter than the target.
 *
 * `observe` is given each version of the playlist the server has (at least every version it served), with
 * the time it was read: a segment that left is taken to have left at the first reading without it (never
 * earlier than it did), and the longest playlist containing it is the longest reading that listed it.
 */
export class SegmentRetention {
  /** The segments the last reading listed: their own duration and the longest playlist that listed them. */
  readonly #listed = new Map<string, { seconds: number; playlistSeconds: number }>();

  /** Takes a reading of the playlist at `atMs`; answers the segments that left it since the last one. */
  observe(segments: readonly ListedSegment[], atMs: number): SegmentRemoval[] {
    const playlistSeconds = segments.reduce((sum, segment) => sum + segment.seconds, 0);
    const now = new Set(segments.map((segment) => segment.uri));
    const removals: SegmentRemoval[] = [];
    for (const [uri, kept] of this.#listed) {
      if (now.has(uri)) continue;
      this.#listed.delete(uri);
      // Whole milliseconds, rounded up: never a moment early.
      removals.push({ uri, deleteAtMs: Math.ceil(atMs + (kept.seconds + kept.playlistSeconds) * 1_000) });
    }
    for (const segment of segments) {
      const kept = this.#listed.get(segment.uri);
      this.#listed.set(segment.uri, {
        seconds: Math.max(segment.seconds, kept?.seconds ?? 0),
        playlistSeconds: Math.max(playlistSeconds, kept?.playlistSeconds ?? 0),
      });
    }
    return removals;
  }
}
