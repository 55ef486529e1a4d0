import { findFfmpeg } from '@unilive/sandbox';
import { describe, expect, it } from 'vitest';
import { type BenchReport, runBench, smokeConfig } from './bench.js';
import { renderFleetSection as renderMarkdownSection } from './fleet.js';
import { formatJson } from './json.js';
import { readAnalyses, renderMarkdown } from './report.js';

// A smoke test of the harness, for CI: every measurement runs with tiny sizes, and only the shape and the
// sanity of the report are checked. Benchmarks are not tests: no timing is asserted here.

const nonNegative = (value: number) => Number.isFinite(value) && value >= 0;

describe('the benchmark harness', () => {
  let report: BenchReport;

  // Some 30 s alone, a few minutes beside a second copy of `npm test`: the limit only ends a hung run.
  it('runs every measurement with tiny sizes', { timeout: 600_000 }, async () => {
    report = await runBench(smokeConfig);
    expect(report.schemaVersion).toBe(2);
    expect(report.mode).toBe('smoke');
    expect(report.machine.node).toBe(process.version);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.cpuModel.length).toBeGreaterThan(0);
  });

  it('reports every client side by side: raw fetch, bare ky, the vendor SDKs and unilive on every adapter', () => {
    expect(report.sideBySide).toHaveLength(1);
    const [side] = report.sideBySide;
    const subjects = smokeConfig.subjects.map((subject) => subject.id);
    expect(side?.clients.map((client) => client.name)).toEqual([
      ...subjects.flatMap((id) => [`raw fetch (${id} answer)`, `bare ky (${id} answer)`, `unilive ${id}`]),
      'raw fetch (mux answer)',
      'bare ky (mux answer)',
      'Mux SDK',
      'raw fetch (api.video answer)',
      'bare ky (api.video answer)',
      'api.video SDK',
    ]);
    for (const client of side?.clients ?? []) {
      // videosdk v2 reads the room and its HLS egress: two requests; every other client sends one.
      expect(client.requestsPerCall).toBe(client.answer === 'videosdk v2' ? 2 : 1);
      expect(client.responseBytes).toBeGreaterThan(0);
      expect(client.median.callsPerSecond).toBeGreaterThan(0);
      expect(nonNegative(client.median.cpuMicrosPerCall)).toBe(true);
      expect(nonNegative(client.median.heapKiBPerCall)).toBe(true);
      expect(client.perRun).toHaveLength(smokeConfig.sideBySide.runs);
    }
    expect(side?.comparisons.map((comparison) => comparison.subject)).toEqual(subjects);
    for (const comparison of side?.comparisons ?? []) {
      for (const ratio of [comparison.callsVsMux, comparison.cpuVsMux, comparison.callsVsKy])
        expect(ratio).toBeGreaterThan(0);
      // Wowza Video's 5.5 kB answer is held to Mux alone; every other adapter to Mux and to bare ky.
      expect(comparison.targets).toEqual(
        comparison.subject === 'wowza-video'
          ? { minCallsVsMux: 1, maxCpuVsMux: 1, minCallsVsKy: null }
          : { minCallsVsMux: 1.15, maxCpuVsMux: 0.85, minCallsVsKy: 0.9 },
      );
    }
  });

  it("reports the CPU and heap of unilive's own layers, transport excluded, for every adapter", () => {
    const { ownCost } = report;
    expect(ownCost.results.map((result) => result.subject)).toEqual(
      smokeConfig.subjects.map((subject) => subject.id),
    );
    for (const result of ownCost.results) {
      expect(result.responseBytes).toBeGreaterThan(0);
      expect(result.layers.map((layer) => layer.layer)).toEqual(['fetch', 'ky', 'http', 'adapter', 'client']);
      expect(result.layers[0]?.addedMicros).toBe(0);
      for (const layer of result.layers) {
        expect(layer.cpuMicrosPerCall).toBeGreaterThan(0);
        // Heap per call is growth between collections: a collection that a busy machine lets run across the
        // smoke's few calls can leave nothing to count, so the harness only has to give a figure, never < 0.
        expect(Number.isFinite(layer.heapKiBPerCall)).toBe(true);
        expect(layer.heapKiBPerCall).toBeGreaterThanOrEqual(0);
      }
      // Each layer's addition is its figure minus that of the one it is built on (fetch, ky, core's HTTP
      // layer, the adapter, the client: a stack); together they make the total.
      const sum = result.layers.reduce((total, layer) => total + layer.addedMicros, 0);
      expect(Math.abs(sum - result.totalAddedMicros)).toBeLessThanOrEqual(0.3);
    }
  });

  it('reports bundle weights, the floor and the isolation check', () => {
    const { weight } = report;
    expect(weight.unilive.map((item) => `${item.provider}/${item.variant}/${item.resolution}`)).toEqual([
      'liveapi/client/esbuild-node',
      'liveapi/container/esbuild-node',
      'liveapi/client/module-first',
    ]);
    for (const item of [
      ...weight.unilive,
      ...weight.unilive.map((unilive) => unilive.floor),
      ...weight.vendors,
    ]) {
      expect(item.gzipBytes).toBeGreaterThan(0);
      expect(item.minifiedBytes).toBeGreaterThan(item.gzipBytes);
      expect(item.packages.length).toBeGreaterThan(0);
    }
    expect(weight.unilive[0]?.floor.imports.ky).toEqual(['default']);
    // The plain client leaves tsyringe out; composing on a container brings it, with the Reflect shim.
    expect(Object.keys(weight.unilive[0]?.floor.imports ?? {}).sort()).toEqual(['ky', 'valibot']);
    expect(weight.unilive[1]?.floor.imports.tsyringe).toEqual(['container']);
    for (const item of weight.unilive) {
      expect(item.ratioToDependencyFloor).toBeGreaterThan(0);
      expect(item.ratioToDependencyFloor).toBeLessThanOrEqual(item.ratioToFloor);
      // Own code is what the bundle adds to its floor.
      expect(item.ownGzipBytes).toBe(item.gzipBytes - item.floor.gzipBytes);
    }
    expect(weight.unilive[0]?.ratioToDependencyFloor).toBeLessThan(weight.unilive[0]?.ratioToFloor ?? 0);
    expect(weight.vendors.map((vendor) => `${vendor.packageName}/${vendor.resolution}`)).toEqual([
      '@mux/mux-node/esbuild-node',
      '@api.video/nodejs-client/esbuild-node',
      '@mux/mux-node/module-first',
      '@api.video/nodejs-client/module-first',
    ]);
    expect(weight.isolation).toEqual([
      expect.objectContaining({
        provider: 'liveapi',
        dependencies: ['ky', 'valibot'],
        otherVendors: [],
        ok: true,
      }),
    ]);
  });

  // Bundlers honour `sideEffects`; when core declared none, they dropped the Reflect shim and a bundle that
  // composed on a container died on load with tsyringe's "requires a reflect polyfill".
  it('runs every bundle it weighs: each creates its stream on the sandbox', () => {
    expect(report.weight.unilive.map((item) => item.run)).toEqual(
      report.weight.unilive.map(() => ({ ok: true, streamId: expect.any(String), state: 'ready' })),
    );
    expect(report.weight.targets.allRun).toBe(true);
  });

  it('reports start-up times', () => {
    const names = report.startup.results.map((result) => result.name);
    expect(names).toContain('ky alone');
    expect(names).toContain('ky + valibot');
    // Every unilive scenario is judged, and shows what is left once valibot is paid for.
    for (const result of report.startup.results.filter((item) => item.name.startsWith('@unilive/'))) {
      expect(typeof result.met).toBe('boolean');
      expect(result.importMsOverKyValibot).toEqual(expect.any(Number));
    }
    expect(names).toContain('@unilive/core + @unilive/liveapi');
    for (const result of report.startup.results) {
      expect(result.importMs).toBeGreaterThan(0);
      expect(result.modulesLoaded).toBeGreaterThan(0);
      expect(result.processMs).toBeGreaterThan(0);
    }
  });

  it('reports the fan-out with the sandbox counting creations', () => {
    const [result] = report.fanOut.results;
    expect(result).toMatchObject({ provider: 'wowza-video', creates: 10, serverRequestsPerSecond: 50 });
    expect((result?.succeeded ?? 0) + (result?.failed ?? 0)).toBe(10);
    expect(result?.createdByServer).toBeGreaterThanOrEqual(result?.succeeded ?? 0);
    expect(nonNegative(result?.duplicates ?? -1)).toBe(true);
    expect(result?.requests).toBeGreaterThanOrEqual(10);
    expect(result?.elapsedMs).toBeGreaterThan(0);
  });

  it('reports the fleet: both gates, every create counted by the sandbox, and what Redis adds', () => {
    const { fleet } = report;
    if (fleet.skipped !== undefined) {
      expect(fleet.skipped).toMatch(/redis-server/);
      return;
    }
    expect(fleet.runs.map((run) => run.gate)).toEqual(['redis', 'memory']);
    for (const run of fleet.runs) {
      expect(run).toMatchObject({ processes: 2, creates: 5, requestsPerSecond: 50 });
      expect(run.succeeded + run.failed).toBe(10);
      expect(run.createdByServer).toBeGreaterThanOrEqual(run.succeeded);
      expect(run.requests).toBeGreaterThanOrEqual(10);
      expect(run.elapsedMs).toBeGreaterThan(0);
    }
    // The Redis run asked Redis; the memory run never did. How often per request is the machine's to say
    // (a smoke test asserts no figure): round trips count the calls of one turn as one, and a busy machine
    // puts several requests' calls in one turn (0.7 per request seen at load 30).
    expect(fleet.runs[0]?.storeCallsPerRequest).toBeGreaterThan(0);
    expect(fleet.runs[0]?.roundTripsPerRequest).toBeGreaterThan(0);
    expect(fleet.runs[1]?.roundTripsPerRequest).toBeNull();
    expect(fleet.runs[1]?.storeCallsPerRequest).toBeNull();
    expect(fleet.latency.roundTrips).toBe(3);
    expect(fleet.latency.storeCalls).toBe(5);
    expect(nonNegative(fleet.latency.redis.medianMs)).toBe(true);
    expect(renderMarkdownSection(fleet).join('\n')).toContain('| one budget in Redis | 2 × 5 |');
  });

  it('reports redaction against the former code, in every case', () => {
    const { redaction } = report;
    expect(redaction.secrets).toBe(smokeConfig.redaction.secrets);
    expect(redaction.results.map((result) => result.case)).toEqual([
      'credentials',
      'stream keys',
      'hostile',
      'hostile',
      'hostile',
      'hostile',
      'hostile',
      'hostile',
    ]);
    expect(redaction.results.map((result) => result.text)).toContain('`\\u003c` then a run of `\\`');
    // The last: 256 learned keys of `a`s of as many lengths, against a text of `a`s.
    expect(redaction.results.at(-1)?.secrets).toBe(256);
    for (const result of redaction.results) {
      expect(result.medianMs).toBeGreaterThanOrEqual(0);
      expect(result.bytes).toBeGreaterThan(0);
    }
    expect(redaction.results[0]?.baselineMs).not.toBeNull();
    // Learning keys one per stream, issued by a counter and at random: both measured, none lost.
    expect(redaction.learning?.map((result) => [result.keys, result.learned])).toEqual([
      ['counter', smokeConfig.redaction.learnKeys],
      ['random', smokeConfig.redaction.learnKeys],
    ]);
  });

  it('reports webhooks against polling: latency from the webhook, and requests per wait', () => {
    const { events } = report;
    expect(events.cases.map((item) => `${item.provider} ${item.mode}`)).toEqual([
      'wowza-video events',
      'wowza-video polling',
      'liveapi events',
      'liveapi polling',
    ]);
    for (const item of events.cases) {
      expect(item.samples).toBe(
        item.mode === 'events' ? smokeConfig.events.samples : smokeConfig.events.pollingSamples,
      );
      expect(item.latencyMs.min).toBeLessThanOrEqual(item.latencyMs.max);
      // Waits that hear webhooks are judged; waits that only poll are reported.
      expect(item.met === null).toBe(item.mode === 'polling');
      // Every wait polls at least once; only Wowza Video's parser confirms events over the API.
      expect(item.requestsPerWait.median).toBeGreaterThanOrEqual(1);
      expect(item.confirmationsPerWait.median > 0).toBe(item.provider === 'wowza-video');
    }
  });

  it('reports the memory of both list walks and of repeated gets', () => {
    const { gets } = report.memory;
    expect(gets?.calls).toBe(smokeConfig.memory.gets);
    expect(gets?.retainedBytes).toHaveLength(smokeConfig.memory.gets / smokeConfig.memory.getsSampleEvery);
    expect(report.memory.results.map((result) => result.variant)).toEqual(['summaries', 'details']);
    const [summaries, details] = report.memory.results;
    expect(summaries?.requests).toBe(1);
    expect(details?.requests).toBe(1 + smokeConfig.memory.streams);
    for (const result of report.memory.results) {
      expect(result.streams).toBe(smokeConfig.memory.streams);
      expect(result.retainedAfterPageBytes).toHaveLength(1);
      expect(nonNegative(result.peakHeapGrowthBytes)).toBe(true);
    }
  });

  it('reports real media through the sandbox, or says why it could not', () => {
    const { media } = report;
    if (!findFfmpeg()) {
      expect(media.skipped).toBe('no ffmpeg on this machine');
      return;
    }
    expect(media.skipped).toBeUndefined();
    expect(media.samples).toBe(smokeConfig.media.samples);
    for (const spread of [
      media.firstPacketToBroadcasting,
      media.firstPacketToWaitForBroadcast,
      media.firstPacketToFirstSegment,
      media.disconnectToOffline,
    ]) {
      expect(spread).toBeDefined();
      expect(nonNegative(spread?.medianMs ?? -1)).toBe(true);
      expect(spread?.minMs).toBeLessThanOrEqual(spread?.maxMs ?? -1);
    }
    // What the measurement is for, beyond its figures: every publisher admitted, none dropped, all playing.
    expect(media.concurrent).toMatchObject({
      publishers: smokeConfig.media.publishers,
      admitted: smokeConfig.media.publishers,
      dropped: 0,
      playing: smokeConfig.media.publishers,
    });
    if (process.platform === 'linux') {
      expect(media.cpu?.manyPublishers).toBe(smokeConfig.media.publishers);
      expect(nonNegative(media.cpu?.onePublisherPercent ?? -1)).toBe(true);
    }
  });

  it('lists every target and renders the Markdown report, keeping hand-written analysis', () => {
    expect(report.targets.length).toBeGreaterThanOrEqual(6);
    for (const target of report.targets) {
      expect([true, false, null]).toContain(target.met);
      // A missed target says by how much, in the figure's own unit; a met or reported one says nothing.
      if (target.met === false) expect(target.missedBy).toMatch(/\d/);
      else expect(target.missedBy).toBeNull();
    }
    const previous = '<!-- analysis:weight -->\nWritten by hand.\n<!-- /analysis:weight -->\n';
    const markdown = renderMarkdown(report, previous);
    expect(readAnalyses(markdown).get('weight')).toBe('Written by hand.');
    for (const target of report.targets.filter((item) => item.met === false))
      expect(markdown).toContain(`**missed** by ${target.missedBy}`);
    for (const heading of [
      '## Machine',
      '## How to rerun',
      '## Targets',
      '## 1. Per call, side by side',
      "### Unilive's own code, transport excluded",
      '## 2. Weight',
      '## 3. Start-up',
      '## 4. Fan-out under a rate limit',
      '## 5. Memory',
      '## 6. Redaction',
      '## 7. Real media through the sandbox',
      '## 8. Events: webhooks against polling',
    ]) {
      expect(markdown).toContain(heading);
    }
    expect(markdown).toContain("| unilive on | calls/s ÷ Mux SDK's |");
    expect(markdown).toContain(process.version);
    expect(JSON.parse(formatJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('prints JSON the way the repository formatter does', () => {
    expect(formatJson({ a: [1, 2], b: {}, c: [], d: [{ e: 'f' }] }, 110)).toBe(
      '{\n  "a": [1, 2],\n  "b": {},\n  "c": [],\n  "d": [\n    {\n      "e": "f"\n    }\n  ]\n}\n',
    );
    const numbers = Array.from({ length: 12 }, (_, index) => 1_000_000_000 + index);
    const filled = formatJson({ numbers }, 60).split('\n');
    expect(filled[1]).toBe('  "numbers": [');
    expect(filled.slice(2, -3).every((line) => line.length <= 60 && line.startsWith('    1'))).toBe(true);
  });
});
