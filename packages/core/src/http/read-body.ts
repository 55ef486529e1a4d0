/**
 * Reads a response body as UTF-8 text while counting the bytes fetch has decoded, so a compressed answer is
 * counted inflated: a body past `limit` (a gzip or brotli bomb among them) is cancelled at the cap and
 * `tooLarge()` is thrown, so memory stays bounded whatever the other side sends. A declared
 * `Content-Length` above the cap on an unencoded body is refused before reading.
 *
 * @param response - the fetch `Response` whose body is read (once).
 * @param limit - the most bytes read, counted after decompression.
 * @param tooLarge - makes the error thrown when the body passes `limit`.
 * @param ended - optional; a promise that rejects when the reading must stop (a deadline or an abort): its
 *   rejection ends the read, cancels the body and is thrown as it is.
 * @returns the body's text; `''` for a response without a body.
 * @throws whatever `tooLarge()` returns, or `ended`'s rejection, or the stream's own read error.
 */
export async function readCappedText(
  response: Response,
  limit: number,
  ended: Promise<never> | undefined,
  tooLarge: () => Error,
): Promise<string> {
  // The encoding is looked up only for a body declared past the cap: one header read per answer, not two.
  const declared = Number(response.headers.get('content-length'));
  if (declared > limit && !response.headers.has('content-encoding')) {
    discardBody(response);
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  // One listener for the whole read rather than a race per chunk: once `ended` rejects, the body is
  // cancelled, which settles a pending read at once (whatever its source does), and its reason is thrown.
  let stop: { reason: unknown } | undefined;
  ended?.catch((reason: unknown) => {
    stop = { reason };
    reader.cancel(reason).catch(ignore);
  });
  let first: Uint8Array | undefined;
  let decoder: TextDecoder | undefined;
  let text = '';
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (stop) throw stop.reason;
      if (done) break;
      total += value.byteLength;
      if (total > limit) throw tooLarge();
      // Most answers arrive in one chunk, decoded once at the end by a shared decoder; a longer body is
      // decoded as it streams, so no more than one chunk is held beside the text.
      if (first === undefined && decoder === undefined) {
        first = value;
        continue;
      }
      decoder ??= new TextDecoder();
      if (first !== undefined) {
        text += decoder.decode(first, streaming);
        first = undefined;
      }
      text += decoder.decode(value, streaming);
    }
  } catch (error) {
    reader.cancel().catch(ignore);
    throw error;
  }
  if (decoder !== undefined) return text + decoder.decode();
  return first === undefined ? '' : wholeText.decode(first);
}

// Decoding a whole body in one call keeps no state between calls, so one decoder serves every response.
const wholeText = new TextDecoder();
const streaming: TextDecodeOptions = Object.freeze({ stream: true });

function ignore(): void {}

/** Frees the connection of a response whose body will not be read. */
export function discardBody(response: Response): void {
  if (response.body && !response.bodyUsed) response.body.cancel().catch(ignore);
}
