/**
 * `text`, an HLS media playlist, with an `#EXT-X-TARGETDURATION` of at least one second. ffmpeg writes its
 * longest segment rounded to the nearest second: 0 for a push shorter than half a second. That is legal
 * (RFC 8216 §4.3.3.1 asks only that every `#EXTINF`, rounded, be no longer), but a player waits one target
 * duration before reloading a live playlist (§6.3.4), so 0 asks it to reload without a pause. One second
 * still holds every segment of such a playlist; any other text is returned as it is.
 */
export function withTargetOfOneSecondAtLeast(text: string): string {
  return text.replace(/^#EXT-X-TARGETDURATION:0+(?=\r?$)/m, '#EXT-X-TARGETDURATION:1');
}
