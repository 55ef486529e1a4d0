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
export function readCappedText(
  response: Response,
  limit: number,
  ended: Promise<never> | undefined,
  tooLarge: () => Error,
): Promise<string> {
  if (ended === undefined) return readCapped(response, limit, undefined, tooLarge);
  const read = new BodyRead();
  ended.catch((reason: unknown) => read.stop(reason));
  return readCapped(response, limit, read, tooLarge);
}

/**
 * A body read that something else may end: `stop(reason)` cancels it (which settles a pending chunk at
 * once, whatever the body's source does) and makes it throw `reason`, also when called before the read
 * began. The HTTP layer calls `stop` from the attempt's own abort, with no promise between them.
 */
export class BodyRead {
  stopped: { reason: unknown } | undefined = undefined;
  reader: ReadableStreamDefaultReader<Uint8Array> | undefined = undefined;
  /** The body's bytes read (after decompression) when the read failed; set only then. */
  received = 0;
  /**
   * The body's text decoded from those bytes when the read failed (a character whose bytes did not all
   * arrive is left out); set only then, so a whole read costs nothing more (no field is made until then).
   * Within the read's cap.
   */
  declare text?: string;

  stop(reason: unknown): void {
    if (this.stopped !== undefined) return;
    this.stopped = { reason };
    this.reader?.cancel(reason).catch(ignore);
  }
}

/** {@link readCappedText}, ended by `read.stop` rather than a promise. */
export async function readCapped(
  response: Response,
  limit: number,
  read: BodyRead | undefined,
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
  // One hook for the whole read rather than a race per chunk: once stopped, the body is cancelled, which
  // settles a pending read at once (whatever its source does), and the reason is thrown.
  if (read !== undefined) {
    if (read.stopped !== undefined) reader.cancel(read.stopped.reason).catch(ignore);
    else read.reader = reader;
  }
  let first: Uint8Array | undefined;
  let decoder: TextDecoder | undefined;
  let text = '';
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (read?.stopped !== undefined) throw read.stopped.reason;
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
    if (read !== undefined) {
      read.received = total;
      // What arrived may still be read (the secrets a cut success brings): decoded now, only on failure.
      read.text = first === undefined ? text : new TextDecoder().decode(first, streaming);
    }
    reader.cancel().catch(ignore);
    throw error;
  }
  if (decoder !== undefined) return text + decoder.decode();
  return first === undefined ? '' : wholeText.decode(first);
}

// Decoding a whole body in one call keeps no state between calls, so one decoder serves every response.
const wholeText = /* @__PURE__ */ new TextDecoder();
const streaming: TextDecodeOptions = /* @__PURE__ */ Object.freeze({ stream: true });

function ignore(): void {}

/** Frees the connection of a response whose body will not be read. */
export function discardBody(response: Response): void {
  if (response.body && !response.bodyUsed) response.body.cancel().catch(ignore);
}
