import { connect, createServer, type Socket } from 'node:net';

/**
 * What a {@link RedisProxy} does with what passes from now on:
 * - `pass`: everything goes through;
 * - `late-answers`: requests reach Redis, which runs them, and its answers are held (they come late);
 * - `stall`: requests are held too, so Redis runs them only when they are let go (it ran them late);
 * - `cut`: a request reaches Redis, then the connection is ended: its answer never comes;
 * - `drop`: requests reach Redis, which runs them, and its answers are lost while the connection stays open (a
 *   half-open connection): they never come, not even once the mode changes.
 *
 * Apart from the mode, {@link RedisProxy.hold} silences the connections open at that moment only.
 */
export type ProxyMode = 'pass' | 'late-answers' | 'stall' | 'cut' | 'drop';

/** A loopback TCP proxy in front of a test's Redis, that delays or cuts what passes, on demand. */
export interface RedisProxy {
  readonly url: string;
  /** How many connections clients have made to the proxy so far. */
  readonly connections: number;
  /** How many of them `cut` (or `resetOn`) has cut so far. */
  readonly cuts: number;
  /** How many connections (not cut) have lost at least one answer of Redis to `drop` so far. */
  readonly dropped: number;
  /** How many connections of clients are open now. */
  readonly open: number;
  /**
   * From now on, and until called with `undefined`, in any mode, every connection is ended as soon as a request
   * matching `pattern` comes on it, that request dropped (a middlebox resetting connections on it): the
   * connections come up, and break on it.
   */
  resetOn(pattern: RegExp | undefined): void;
  /**
   * From now on, `next`. With `cutOn`, `cut` lets requests that do not match it pass (their answers held)
   * until one does: that one reaches Redis, then the connection is ended, and every later request is cut
   * as `cut` cuts. With `after`, `cut` cuts one connection, and then the proxy does what `after` says.
   */
  mode(next: ProxyMode, options?: { cutOn?: RegExp; after?: ProxyMode }): void;
  /** Ends every connection open now, with nothing in flight lost: an idle connection cut. */
  cutOpen(): void;
  /**
   * The connections open now go silent for good, both ways, while new ones pass (a connection half-open
   * after its Redis host vanished, or a failover moved the address): what their clients send is kept
   * (`deliverHeld` sends it on to Redis, late), Redis's answers are lost, and their clients' end or reset is
   * never passed on nor answered, as by a host that is gone.
   */
  hold(): void;
  /**
   * The connections open now lose Redis's answers for good, while what their clients send still reaches
   * Redis, which runs it, and new ones pass (a half-open path, as a failover or a vanished middlebox leaves
   * it): their clients' end or reset is never answered.
   */
  loseAnswers(): void;
  /** How many requests (reads of the client's data) the held connections have kept so far. */
  readonly held: number;
  /** Ends the client's side of every held connection at once (a reset): what it sent is still kept. */
  cutHeld(): void;
  /**
   * Sends on to Redis what the held connections kept, then ends them: Redis runs it late, after whatever
   * came on other connections meanwhile. Resolves once Redis has closed them (it has read, and run, it all).
   * `recover` does this too.
   */
  deliverHeld(): Promise<void>;
  /**
   * Back to `pass`: held requests go on to Redis, then held answers to their clients. Resolves once Redis has
   * closed every connection that was cut (it has read, and run, all that reached it on them).
   */
  recover(): Promise<void>;
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  upstream: Socket;
  requests: Buffer[];
  answers: Buffer[];
  cut: boolean;
  lost: boolean;
  held: boolean;
  deaf: boolean;
  closed: Promise<void>;
}

export async function startRedisProxy(port: number): Promise<RedisProxy> {
  let mode: ProxyMode = 'pass';
  let cutOn: RegExp | undefined;
  let after: ProxyMode | undefined;
  let connections = 0;
  let cuts = 0;
  let open = 0;
  let dropped = 0;
  let resetOn: RegExp | undefined;
  let heldRequests = 0;
  const links = new Set<Link>();
  // Half-open allowed: a held connection's client may end its side, and is not answered with an end.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    connections += 1;
    open += 1;
    client.once('close', () => {
      open -= 1;
    });
    const upstream = connect(port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => upstream.once('close', () => resolve()));
    const link: Link = {
      client,
      upstream,
      requests: [],
      answers: [],
      cut: false,
      lost: false,
      held: false,
      deaf: false,
      closed,
    };
    links.add(link);
    client.on('data', (chunk: Buffer) => {
      if (link.held) {
        heldRequests += 1;
        link.requests.push(chunk);
        return;
      }
      if (link.cut) return;
      if (link.deaf) {
        upstream.write(chunk);
        return;
      }
      if (resetOn?.test(chunk.toString('latin1'))) {
        cuts += 1;
        link.cut = true;
        upstream.destroy();
        client.destroy();
        return;
      }
      if (mode === 'stall' || link.requests.length > 0) {
        link.requests.push(chunk);
        return;
      }
      upstream.write(chunk);
      if (mode === 'cut' && cutOn && !cutOn.test(chunk.toString('latin1'))) return;
      if (mode === 'cut') {
        cuts += 1;
        cutOn = undefined;
        mode = after ?? mode;
        after = undefined;
        // Redis reads the request, then the end of the connection; the client hears nothing more.
        link.cut = true;
        upstream.end();
        client.destroy();
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (link.held || link.deaf) return;
      if (mode === 'drop') {
        if (!link.cut && !link.lost) dropped += 1;
        link.lost = true;
        return;
      }
      if (mode === 'pass' && link.answers.length === 0) client.write(chunk);
      else link.answers.push(chunk);
    });
    client.on('error', () => {});
    upstream.on('error', () => {});
    // The client ended its side: answered with an end (as without half-open), unless held.
    client.on('end', () => {
      if (!link.held && !link.deaf) client.end();
    });
    client.on('close', () => {
      if (!link.cut && !link.held) upstream.destroy();
    });
    upstream.on('close', () => {
      client.destroy();
      links.delete(link);
    });
  });
  async function deliverHeld(): Promise<void> {
    const delivered: Promise<void>[] = [];
    for (const link of links) {
      if (!link.held) continue;
      link.held = false;
      link.cut = true;
      for (const chunk of link.requests.splice(0)) link.upstream.write(chunk);
      link.upstream.end();
      link.client.destroy();
      delivered.push(link.closed);
    }
    await Promise.all(delivered);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const own = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${own}`,
    get connections() {
      return connections;
    },
    get cuts() {
      return cuts;
    },
    get dropped() {
      return dropped;
    },
    get open() {
      return open;
    },
    get held() {
      return heldRequests;
    },
    hold() {
      for (const link of links) link.held = true;
    },
    loseAnswers() {
      for (const link of links) link.deaf = true;
    },
    cutHeld() {
      for (const link of links) if (link.held) link.client.destroy();
    },
    deliverHeld,
    resetOn(pattern) {
      resetOn = pattern;
    },
    mode(next, options = {}) {
      mode = next;
      cutOn = options.cutOn;
      after = options.after;
    },
    cutOpen() {
      for (const link of links) {
        cuts += 1;
        link.cut = true;
        link.upstream.end();
        link.client.destroy();
      }
    },
    async recover() {
      // Held connections: what they kept reaches Redis now, and they end.
      await deliverHeld();
      mode = 'pass';
      resetOn = undefined;
      cutOn = undefined;
      after = undefined;
      const cut: Promise<void>[] = [];
      for (const link of links) {
        if (link.cut) {
          cut.push(link.closed);
          continue;
        }
        for (const chunk of link.requests.splice(0)) link.upstream.write(chunk);
        for (const chunk of link.answers.splice(0)) link.client.write(chunk);
      }
      await Promise.all(cut);
    },
    async close() {
      for (const link of links) {
        link.client.destroy();
        link.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
