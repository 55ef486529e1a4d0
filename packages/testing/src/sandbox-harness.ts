import type { LiveStreamProvider, ProviderId } from '@unilive/core';
import {
  type Fault,
  type FaultOperation,
  type Sandbox,
  type SandboxOptions,
  startSandbox,
} from '@unilive/sandbox';
import type { ContractHarness, PagingScenario, PagingSetup } from './contract.js';

/** Options of {@link sandboxHarness}. */
export interface SandboxHarnessOptions {
  provider: ProviderId;
  /** Builds the adapter against the sandbox. */
  createProvider(sandbox: Sandbox): LiveStreamProvider;
  /**
   * Sandbox options; state transitions default to 300 ms so the suite stays quick. `documentedOnly: true`
   * runs the suite against answers holding only what the vendor documents; `media: false` skips the
   * real-media scenario.
   */
  sandbox?: SandboxOptions;
  /**
   * How the dialect pages lists, for the paging scenarios. Default `{ pageSize: 2, perPage: 2 }`; a vendor
   * whose list takes no page size gives the dialect's fixed page (`{ perPage: 10 }`); `false` when the
   * dialect's list is one unpaged answer (LiveAPI with `documentedOnly`), so the paging scenarios skip.
   */
  paging?: PagingSetup | false;
}

/**
 * A contract harness that starts a sandbox on loopback, points the adapter at it and plans faults through
 * the sandbox's fault engine. Every credential the sandbox accepts is registered as a secret.
 */
export function sandboxHarness(options: SandboxHarnessOptions): () => Promise<ContractHarness> {
  return async () => {
    const sandbox = await startSandbox({ transitionMs: 300, ...options.sandbox });
    const provider = options.createProvider(sandbox);
    const injectFault = (operation: FaultOperation, fault: Fault) => {
      sandbox.injectFault(options.provider, operation, fault);
      return true;
    };
    // The paging scenarios compare each walk with the first, so they list a sandbox of their own (same
    // options, so the same credentials; no media): on the shared one, a change another test aborted may be
    // carried out whenever the sandbox gets to the request, which no wait on this side can bound (it may
    // not have read the request yet), and an aborted delete or create would shift the pages between walks.
    let paging: Promise<{ sandbox: Sandbox; provider: LiveStreamProvider }> | undefined;
    const pagingBackend = () => {
      paging ??= startSandbox({ transitionMs: 300, ...options.sandbox, media: false }).then((started) => ({
        sandbox: started,
        provider: options.createProvider(started),
      }));
      return paging;
    };
    const settle = async (on: Sandbox) => {
      for (let waited = 0; on.stats().inFlight > 0 && waited < 5_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      on.clearFaults();
    };
    // Every text the dialect's rendering of the stream and its dashboard entry hold: the addresses the
    // vendor's answer gives, the sandbox's media route and those it names but does not serve (Wowza Video's
    // direct playback URLs on its CDN hosts).
    const namedTexts = (id: string): string[] => {
      const dialect = sandbox.engine.dialects.get(options.provider);
      const context = sandbox.engine.contextOf(options.provider);
      if (!dialect || !context) return [];
      const texts: string[] = [];
      const collect = (value: unknown): void => {
        if (typeof value === 'string') texts.push(value);
        else if (Array.isArray(value)) value.forEach(collect);
        else if (typeof value === 'object' && value !== null) Object.values(value).forEach(collect);
      };
      collect(dialect.describe?.(id, context)?.record);
      collect(dialect.streams?.(context).find((stream) => stream.id === id));
      return texts;
    };
    return {
      provider,
      secrets: sandbox.credentials(options.provider),
      injectFault,
      clearFaults: () => sandbox.clearFaults(),
      preparePaging: async (scenario) => {
        if (options.paging === false) return false;
        const own = await pagingBackend();
        const setup = await prepareEnginePaging(
          own.provider,
          (operation, fault) => {
            own.sandbox.injectFault(options.provider, operation, fault);
            return true;
          },
          options.paging ?? { pageSize: 2, perPage: 2 },
          scenario,
        );
        return { ...setup, provider: own.provider };
      },
      // Requests a test gave up on (timeouts, aborts) may still be held by a slow fault: let them finish
      // before clearing, so none of them takes a fault the next test plans.
      afterEach: async () => {
        await settle(sandbox);
        if (paging) await settle((await paging).sandbox);
      },
      close: async () => {
        await sandbox.close();
        if (paging) await (await paging).sandbox.close();
      },
      // Where the sandbox serves a stream's HLS once an encoder publishes (with `media: false` too: the
      // address is the dialect's, whether or not anything is ever packaged there), for a stream whose vendor
      // answer names that address: a videosdk v2 room (WebRTC ingest) names its egress on the vendor's CDN
      // instead, and a Wowza Real-Time stream names no HLS at all.
      hlsUrl: (id: string) => {
        const dialect = sandbox.engine.dialects.get(options.provider);
        const context = sandbox.engine.contextOf(options.provider);
        if (!dialect?.ingest || !context) return undefined;
        const served = context.mediaUrl(id, dialect.ingest.playlistName ?? 'index.m3u8');
        return namedTexts(id).includes(served) ? served : undefined;
      },
      namedUrls: namedTexts,
      // An encoder marked connected without video: the sandbox reports the stream as its vendor reports one
      // that receives video, with `media: false` too.
      encoder: (id: string, connected: boolean) => sandbox.setEncoder(options.provider, id, connected),
      // A sandbox started with `media: false` runs no RTMP ingest: it takes no encoders.
      ...(options.sandbox?.media === false
        ? {}
        : { media: { publishing: (id: string) => sandbox.publisher(options.provider, id) !== undefined } }),
    };
  };
}

/**
 * Readies a paging scenario on a backend built on the sandbox's engine: creates streams through the
 * provider until the list holds more than two pages, then plans the scenario's list fault (`paging` or
 * `odd-record`) for the walk.
 */
export async function prepareEnginePaging(
  provider: LiveStreamProvider,
  injectFault: (operation: FaultOperation, fault: Fault) => boolean | Promise<boolean>,
  setup: PagingSetup,
  scenario: PagingScenario,
): Promise<PagingSetup> {
  let count = 0;
  for await (const _ of provider.list()) count += 1;
  // Three pages at least, so that a repeated page 2 is not the vendor's last.
  for (; count <= 2 * setup.perPage; count += 1)
    await provider.create({ name: `unilive paging stream ${count + 1}` });
  if (scenario === 'odd-record') await injectFault('list', { type: 'odd-record' });
  // Every page request of the walk misbehaves, however many pages it takes.
  else if (scenario !== 'pages' && scenario !== 'capped')
    await injectFault('list', { type: 'paging', mode: scenario, times: 1_000 });
  return setup;
}
