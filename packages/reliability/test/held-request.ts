/** A request a stand-in vendor holds: answered never, settled only by its attempt's abort. */
export interface HeldRequest {
  readonly request: Request;
  aborted: boolean;
}

/**
 * Holds `request` until its signal aborts, then rejects with the abort's reason; the record says whether it
 * was aborted. The request is kept in the record while it is held, as a fetch in flight keeps its own: a
 * Request's signal follows the one it was given only while the Request lives (Node's undici links them
 * weakly), so a Request garbage-collected while held would never hear the attempt's abort though the HTTP
 * layer aborted it.
 */
export function holdUntilAborted(request: Request, held: HeldRequest[]): Promise<Response> {
  const record: HeldRequest = { request, aborted: false };
  held.push(record);
  const signal = request.signal;
  return new Promise<Response>((_, reject) => {
    const end = () => {
      record.aborted = true;
      reject(signal.reason);
    };
    if (signal.aborted) end();
    else signal.addEventListener('abort', end, { once: true });
  });
}
