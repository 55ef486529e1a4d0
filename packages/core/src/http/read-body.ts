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
  const declared = Number(response.headers.get('content-length'));
  if (!response.headers.has('content-encoding') && declared > limit) {
    discardBody(response);
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await (ended ? Promise.race([reader.read(), ended]) : reader.read());
      if (done) break;
      total += value.byteLength;
      if (total > limit) throw tooLarge();
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  }
  return text + decoder.decode();
}

/** Frees the connection of a response whose body will not be read. */
export function discardBody(response: Response): void {
  if (response.body && !response.bodyUsed) response.body.cancel().catch(() => {});
}
