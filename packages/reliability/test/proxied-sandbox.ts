import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { afterAll, beforeAll } from 'vitest';
import type { AdapterSpec } from '../src/adapters.js';
import { type HostileProxy, startHostileProxy, type Upstream } from '../src/hostile-proxy.js';

// The stage of the list suites: one adapter's streams in a sandbox, reached through a hostile proxy that
// changes what the vendor answers.

/** Generated cases per adapter in each list suite; `UNILIVE_HARDENING_RUNS` raises them for a deeper search. */
export const listRuns = Number(process.env.UNILIVE_HARDENING_RUNS ?? 15);

/**
 * Starts, before the tests of the `describe` it is called in, a sandbox holding `streams` streams made by
 * `adapter` (named `${namePrefix} 0`, `${namePrefix} 1`, …, in that order) and a hostile proxy in front of
 * it; closes both after them. `settings()` are the adapter's settings through the proxy, with `retry`.
 */
export function proxiedSandbox(
  adapter: AdapterSpec,
  stage: {
    streams: number;
    namePrefix: string;
    retry: { maxRetries: number; baseDelayMs?: number; maxDelayMs?: number };
  },
) {
  let sandbox: Sandbox;
  let proxy: HostileProxy;
  beforeAll(async () => {
    sandbox = await startSandbox({ transitionMs: 5, media: false });
    proxy = await startHostileProxy(sandbox.url);
    const maker = adapter.factory({ ...sandbox.adapterSettings(adapter.provider), ...adapter.settings });
    for (let index = 0; index < stage.streams; index += 1)
      await maker.create({ name: `${stage.namePrefix} ${index}` });
  });
  afterAll(async () => {
    await proxy.close();
    await sandbox.close();
  });
  return {
    /** The proxy, once started (in a test or a hook that runs after this one's `beforeAll`). */
    get proxy(): HostileProxy {
      return proxy;
    },
    settings() {
      const base = sandbox.adapterSettings(adapter.provider);
      return {
        ...base,
        ...adapter.settings,
        baseUrl: base.baseUrl.replace(sandbox.url, proxy.origin),
        retry: stage.retry,
      };
    },
  };
}

// The records of a list page, under whichever key the vendor's dialect puts them.
const recordKeys = ['live_streams', 'real_time_streams', 'docs', 'data'];
const listPage = /\/(live_streams|real_time|livestreams)$/;

/**
 * Plans every list page the vendor sends from now on (until `proxy.reset()`) to reach the adapter as `edit`
 * leaves it: `edit` is handed the page's records, in place, and the page's number (1 when none was asked).
 * A page with no records under a known key is sent as it came.
 */
export function editListPages(
  proxy: HostileProxy,
  edit: (records: Array<Record<string, unknown>>, page: number) => void,
): void {
  const accepts = (request: { method: string; path: string }) =>
    request.method === 'GET' && listPage.test(request.path.split('?')[0] ?? '');
  // The plan arms itself again for the next page.
  const plan = async (request: { path: string }, forward: () => Promise<Upstream>) => {
    proxy.plan(plan, accepts);
    const upstream = await forward();
    const page = Number(new URL(request.path, 'http://page.example').searchParams.get('page') ?? 1);
    const body = JSON.parse(upstream.body.toString('utf8')) as Record<string, unknown>;
    const key = recordKeys.find((name) => Array.isArray(body[name]));
    if (key === undefined) return upstream;
    edit(body[key] as Array<Record<string, unknown>>, page);
    return { ...upstream, body: Buffer.from(JSON.stringify(body)) };
  };
  proxy.plan(plan, accepts);
}
