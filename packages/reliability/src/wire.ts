/** One request an adapter handed to `fetch`. */
export interface WireRequest {
  method: string;
  /** Path and query, as the backend sees them. */
  path: string;
  /** False when the client-side DNS fault failed it before anything left the machine. */
  sent: boolean;
}

/**
 * The `fetch` every adapter of the suites is built with: it records each request and can fail the next
 * ones the way a DNS lookup fails (`TypeError: fetch failed`, cause `ENOTFOUND`), which neither nock nor a
 * loopback server can produce. Everything else goes to the global `fetch` (nock intercepts it, the sandbox
 * answers it).
 */
export function createWire() {
  let requests: WireRequest[] = [];
  let dnsFailures = 0;
  let onSend: (() => void) | undefined;

  const wireFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (input instanceof Request ? input.method : (init?.method ?? 'GET')).toUpperCase();
    const path = `${url.pathname}${url.search}`;
    if (dnsFailures > 0) {
      dnsFailures -= 1;
      requests.push({ method, path, sent: false });
      const cause = Object.assign(new Error(`getaddrinfo ENOTFOUND ${url.hostname}`), {
        code: 'ENOTFOUND',
        syscall: 'getaddrinfo',
        hostname: url.hostname,
      });
      throw new TypeError('fetch failed', { cause });
    }
    requests.push({ method, path, sent: true });
    const sent = globalThis.fetch(input, init);
    const listener = onSend;
    onSend = undefined;
    listener?.();
    return sent;
  };

  return {
    fetch: wireFetch as typeof fetch,
    /** The requests since the last `reset`. */
    get requests(): readonly WireRequest[] {
      return requests;
    },
    /** Fails the next `count` requests as unresolvable. */
    failDns(count: number): void {
      dnsFailures = count;
    },
    /**
     * Calls `listener` once, when the next request leaves (after `fetch` is handed it), so that what a case
     * does to a request in flight waits for the request, however long a busy machine takes to send it.
     */
    onNextSend(listener: () => void): void {
      onSend = listener;
    },
    reset(): void {
      requests = [];
      dnsFailures = 0;
      onSend = undefined;
    },
  };
}

export type Wire = ReturnType<typeof createWire>;
