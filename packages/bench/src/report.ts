import type { BenchReport } from './bench.js';
import type { BundleRun } from './bundle-run.js';
import { renderFleetSection } from './fleet.js';
import { renderMediaSection } from './media.js';
import { memoryFlatBytes } from './memory.js';
import { layerNames, overheadLayers } from './overhead.js';
import { round } from './stats.js';
import type { UniliveBundle, VendorBundle } from './weight.js';

const number = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const bytes = (value: number) => `${number(value)} B`;
const mib = (value: number) => `${number(value / 1024 / 1024, 2)} MiB`;
const verdict = (met: boolean | null) => (met === null ? '–' : met ? 'met' : '**missed**');
const variantNames = {
  client: ' (client)',
  adapter: ', adapter alone',
  container: ' (client on a container)',
};
const bundleName = (item: UniliveBundle) => `core + ${item.provider}${variantNames[item.variant]}`;
// The weight table; with `maxRatio`, the client bundles are judged against both floors.
function weightTable(items: UniliveBundle[], vendors: VendorBundle[], maxRatio?: number): string[] {
  const judged = maxRatio !== undefined;
  const judge = (item: UniliveBundle) =>
    item.variant === 'client' && judged
      ? `${verdict(item.ratioToFloor <= maxRatio)} / ${verdict(item.ratioToDependencyFloor <= maxRatio)}`
      : '–';
  return table(
    [
      'bundle',
      'minified',
      'gzip',
      'floor (gzip)',
      'ratio to floor',
      'ratio to dependency floor',
      ...(judged ? [`target ≤ ${maxRatio} × floor / dependency floor`] : []),
      'runs',
    ],
    [
      ...items.map((item) => [
        bundleName(item),
        bytes(item.minifiedBytes),
        bytes(item.gzipBytes),
        bytes(item.floor.gzipBytes),
        item.ratioToFloor.toFixed(2),
        item.ratioToDependencyFloor.toFixed(2),
        ...(judged ? [judge(item)] : []),
        runVerdict(item.run),
      ]),
      ...vendors.map((vendor) => [
        `${vendor.packageName} ${vendor.packageVersion}`,
        bytes(vendor.minifiedBytes),
        bytes(vendor.gzipBytes),
        ...Array<string>(judged ? 5 : 4).fill('–'),
      ]),
    ],
  );
}

const runVerdict = (run: BundleRun) => (run.ok ? `created ${run.state}` : `**failed**: ${run.error}`);

/** Hand-written analysis kept across runs: `<!-- analysis:NAME -->` … `<!-- /analysis:NAME -->`. */
export function readAnalyses(markdown: string | undefined): Map<string, string> {
  const found = new Map<string, string>();
  if (!markdown) return found;
  for (const match of markdown.matchAll(/<!-- analysis:([\w-]+) -->\n([\s\S]*?)<!-- \/analysis:\1 -->/g)) {
    if (match[1] && match[2] !== undefined) found.set(match[1], match[2].trim());
  }
  return found;
}

function analysis(name: string, analyses: Map<string, string>): string[] {
  const text = analyses.get(name) ?? '_No analysis written for this section yet._';
  return [`<!-- analysis:${name} -->`, text, `<!-- /analysis:${name} -->`];
}

function table(head: string[], rows: (string | number)[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

/**
 * Renders docs/performance.md: machine, targets, one table per measurement, and the hand-written analysis
 * carried over from the previous file.
 */
export function renderMarkdown(report: BenchReport, previous?: string): string {
  const analyses = readAnalyses(previous);
  const { machine } = report;
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);

  push(
    '# Performance',
    '',
    `Figures from one ${report.mode} run of the benchmark harness (\`packages/bench\`) on ${machine.date.slice(0, 10)}. ` +
      'Every figure below is generated from `docs/performance.json` of the same run; only the analysis paragraphs are written by hand. ' +
      'Benchmarks are not tests: CI runs a small smoke of the harness and asserts no timing.',
    '',
    '## Machine',
    '',
    ...table(
      ['CPU', 'cores', 'memory', 'OS', 'Node', 'load average (start → end)', 'run took'],
      [
        [
          machine.cpuModel,
          machine.cores,
          `${number(machine.memoryBytes / 1024 ** 3, 1)} GiB`,
          machine.os,
          `${machine.node} (V8 ${machine.v8})`,
          `${machine.loadAverageAtStart.join(' / ')} → ${machine.loadAverageAtEnd.join(' / ')}`,
          `${number(report.durationMs / 1000, 0)} s`,
        ],
      ],
    ),
    '',
    'The sandbox runs in a child process on 127.0.0.1, so the measured process never pays for the server; on 2 cores the two processes share the machine with each other and with anything else running.',
    '',
    '## How to rerun',
    '',
    '```sh',
    'npm run bench            # from a fresh clone: installs the toolchain, builds, runs everything (a few minutes)',
    'pnpm bench               # the same, once the toolchain is on PATH',
    'npm run bench -- --quick # smaller sizes, rougher figures, about a minute',
    '```',
    '',
    'Each run rewrites this file and `docs/performance.json` (pass `--out DIR` to write elsewhere, `--no-write` to only print).',
    '',
    '## Targets',
    '',
    ...table(
      ['measurement', 'target', 'this run', ''],
      report.targets.map((target) => [target.measurement, target.target, target.figure, verdict(target.met)]),
    ),
    '',
    ...analysis('summary', analyses),
    '',
  );

  // 1. Overhead
  push(
    '## 1. Per-call overhead',
    '',
    '`client.get(id)` through each adapter against the sandbox, versus `fetch` + `JSON.parse` of the very same request ' +
      "(URL and headers recorded from the adapter's own request), in one process. " +
      'Five layers from raw fetch to the full client take turns of 50 calls each, in a rotating order, so load on the machine falls on all of them alike. ' +
      "CPU time is this process's user + system time per call (the server runs in another process). " +
      'Figures are medians over the runs; the ratio is the median of the per-run ratios. ' +
      '"ky alone" is the same ratio for the bare ky layer: the most any client that sends its requests through ky could keep here, before unilive does anything.',
    '',
  );
  for (const overhead of report.overhead) {
    push(
      `### ${overhead.concurrency === 1 ? 'One call at a time' : `${overhead.concurrency} calls in flight`} (${overhead.runs} runs of ${number(overhead.calls)} calls per layer, ${number(overhead.warmup)} warm-up calls)`,
      '',
      ...table(
        [
          'adapter',
          'response',
          'raw fetch calls/s',
          'unilive calls/s',
          'ratio',
          'ky alone, ratio',
          'raw CPU µs/call',
          'unilive CPU µs/call',
          'added CPU µs/call',
          `target ≥ ${overhead.targetRatio}`,
        ],
        overhead.results.map((result) => [
          result.provider,
          bytes(result.responseBytes),
          number(result.raw.callsPerSecond),
          number(result.client.callsPerSecond),
          result.throughputRatio.toFixed(3),
          result.kyRatio.toFixed(3),
          number(result.raw.cpuMicrosPerCall, 1),
          number(result.client.cpuMicrosPerCall, 1),
          number(result.cpuOverheadMicrosPerCall, 1),
          verdict(result.throughputRatio >= overhead.targetRatio),
        ]),
      ),
      '',
      'Layer by layer (calls/s, and CPU µs per call in brackets):',
      '',
      ...table(
        ['layer', ...overhead.results.map((result) => result.provider)],
        (Object.keys(overheadLayers) as (keyof typeof overheadLayers)[]).map((layer) => [
          overheadLayers[layer],
          ...overhead.results.map((result) => {
            const figures = result.layers.find((item) => item.layer === layer);
            return figures
              ? `${number(figures.callsPerSecond)} (${number(figures.cpuMicrosPerCall, 1)})`
              : '–';
          }),
        ]),
      ),
      '',
    );
  }
  const { ownCost } = report;
  // What the target leaves unilive per call, from the raw CPU of the same adapter with the most calls in flight.
  const busiest = report.overhead.reduce<(typeof report.overhead)[number] | undefined>(
    (most, overhead) => (most === undefined || overhead.concurrency > most.concurrency ? overhead : most),
    undefined,
  );
  const budget = (provider: string) => {
    const raw = busiest?.results.find((result) => result.provider === provider)?.raw.cpuMicrosPerCall;
    return raw === undefined || busiest === undefined ? '–' : number(raw * (1 / busiest.targetRatio - 1), 1);
  };
  push(
    "### Unilive's own code, transport excluded",
    '',
    `The same layers, with the adapter's recorded request answered in process by a stand-in \`fetch\` that returns the recorded response (${ownCost.runs} runs of ${number(ownCost.calls)} calls per layer, one at a time, ${number(ownCost.warmup)} warm-up calls; the lowest run, since other work on the machine only ever adds time). ` +
      'No socket, server or other process shares these figures, so they move by a few µs from run to run where the loopback layers above move by tens. ' +
      `CPU µs per call, and in brackets what the layer adds to the one before it; the last column is what the ${busiest?.targetRatio ?? 0.9} target leaves for all of unilive per call, at the raw CPU per call measured with ${busiest?.concurrency ?? 1} in flight.`,
    '',
    ...table(
      [
        'adapter',
        'response',
        ...layerNames.map((layer) => (layer === 'fetch' ? 'stand-in fetch + JSON.parse' : `+ ${layer}`)),
        "unilive's own CPU µs/call",
        'budget at the target, µs/call',
      ],
      ownCost.results.map((result) => [
        result.provider,
        bytes(result.responseBytes),
        ...result.layers.map((layer) =>
          layer.layer === 'fetch'
            ? number(layer.cpuMicrosPerCall, 1)
            : `${number(layer.cpuMicrosPerCall, 1)} (${layer.addedMicros >= 0 ? '+' : ''}${number(layer.addedMicros, 1)})`,
        ),
        number(result.totalAddedMicros, 1),
        budget(result.provider),
      ]),
    ),
    '',
  );
  push(...analysis('overhead', analyses), '');

  // 2. Weight
  const { weight } = report;
  const main = weight.unilive.filter((item) => item.resolution === 'esbuild-node');
  const mainVendors = weight.vendors.filter((vendor) => vendor.resolution === 'esbuild-node');
  const moduleFirst = weight.unilive.filter((item) => item.resolution === 'module-first');
  const moduleFirstVendors = weight.vendors.filter((vendor) => vendor.resolution === 'module-first');
  push(
    '## 2. Weight',
    '',
    `What an application's bundler ships: esbuild ${weight.esbuild}, ESM, platform ${weight.settings.platform}, target ${weight.settings.target}, minified, ` +
      `every runtime dependency bundled, gzip level ${weight.settings.gzipLevel}. Each bundle is built from a small entry file in \`packages/bench/entries/\` that creates one live stream. ` +
      "The floor is the same bundle's third-party imports alone: exactly the exports of ky, valibot (and jose for videosdk) that it uses, bundled the same way; " +
      "the dependency floor adds tsyringe's `container`, as the benchmarks' brief defines it (ky + the valibot functions used + tsyringe), whether or not the bundle contains tsyringe. " +
      'Every unilive bundle is also run in a fresh Node process against a sandbox (its vendor URL redirected there), and must create its stream.',
    '',
    ...weightTable(main, mainVendors, weight.targets.maxRatioToFloor),
    '',
    `Smallest of all (every core + adapter client bundle below every vendor SDK): ${verdict(weight.targets.smallest)}.`,
    '',
    ...(moduleFirst.length > 0
      ? [
          "The same with module-first resolution (`mainFields: ['module', 'main']`, the order Rollup, Vite and webpack use; " +
            "esbuild's node default takes `main` first, which picks the CommonJS build of a package that has both):",
          '',
          ...weightTable(moduleFirst, moduleFirstVendors),
          '',
        ]
      : []),
    'What each bundle is made of (minified bytes per package, before gzip):',
    '',
    ...table(
      ['bundle', 'packages'],
      [
        ...main.map((item) => [
          bundleName(item),
          item.packages.map((part) => `${part.name} ${number(part.bytes)}`).join(', '),
        ]),
        ...mainVendors.map((vendor) => [
          vendor.packageName,
          `${vendor.packages
            .slice(0, 6)
            .map((part) => `${part.name} ${number(part.bytes)}`)
            .join(
              ', ',
            )}${vendor.packages.length > 6 ? `, and ${vendor.packages.length - 6} more packages` : ''}`,
        ]),
      ],
    ),
    '',
    "No adapter pulls in another vendor: the packages found in each core + adapter bundle (from esbuild's metafile):",
    '',
    ...table(
      ['adapter', 'unilive packages', 'third-party packages', 'other adapters', ''],
      weight.isolation.map((check) => [
        check.provider,
        check.uniliveParts.join(', '),
        check.dependencies.join(', '),
        check.otherVendors.length === 0 ? 'none' : check.otherVendors.join(', '),
        verdict(check.ok),
      ]),
    ),
    '',
    'The floor of each client bundle imports:',
    '',
    ...table(
      ['bundle', 'imports'],
      main
        .filter((item) => item.variant === 'client')
        .map((item) => [
          `core + ${item.provider}`,
          Object.entries(item.floor.imports)
            .map(([source, names]) => `${source}: ${names.join(', ')}`)
            .join('; '),
        ]),
    ),
    '',
    ...analysis('weight', analyses),
    '',
  );

  // 3. Start-up
  push(
    '## 3. Start-up',
    '',
    `Cold \`await import()\` in a fresh Node process (no compile cache), timed inside the process; ${report.startup.runs} runs per scenario after one untimed round, scenarios interleaved. ` +
      '"Process" is spawn to exit as the parent sees it, Node\'s own start-up included.',
    '',
    ...table(
      ['imports', 'import ms (median)', 'min – max', 'over ky alone', 'process ms (median)'],
      report.startup.results.map((result) => [
        result.name,
        number(result.importMs, 1),
        `${number(result.importMsRange.min, 1)} – ${number(result.importMsRange.max, 1)}`,
        result.importMsOverKy === undefined ? '–' : `+${number(result.importMsOverKy, 1)}`,
        number(result.processMs, 1),
      ]),
    ),
    '',
    ...analysis('startup', analyses),
    '',
  );

  // 4. Fan-out
  push(
    '## 4. Fan-out under a rate limit',
    '',
    'All creates are started at once through one client against a fresh sandbox that allows the given requests per second ' +
      '(a token bucket; 429 with `Retry-After` beyond it). Duplicates are the streams the sandbox created beyond the distinct streams the client received.',
    '',
    ...table(
      [
        'adapter',
        'client rateLimit',
        'creates',
        'took',
        'floor',
        'ratio',
        'created',
        'failed',
        'duplicates',
        'requests',
        '429s',
        'retries',
        `target ≤ ${report.fanOut.targetMaxRatio} ×`,
      ],
      report.fanOut.results.map((result) => [
        result.provider,
        result.clientRateLimit ? `${result.clientRateLimit.requestsPerSecond} rps` : 'none',
        number(result.creates),
        `${number(result.elapsedMs / 1000, 2)} s`,
        `${number(result.floorMs / 1000, 1)} s`,
        result.ratioToFloor.toFixed(3),
        number(result.succeeded),
        `${number(result.failed)}${
          result.failed > 0
            ? ` (${Object.entries(result.failures)
                .map(([name, count]) => `${name} ${count}`)
                .join(', ')})`
            : ''
        }`,
        number(result.duplicates),
        number(result.requests),
        number(result.rateLimited),
        number(result.retries),
        verdict(result.met),
      ]),
    ),
    '',
    ...analysis('fan-out', analyses),
    '',
  );
  if (report.fleet) push(...renderFleetSection(report.fleet), ...analysis('fleet', analyses), '');

  // 5. Memory
  const { memory } = report;
  push(
    '## 5. Memory',
    '',
    `${number(memory.streams)} Wowza Video streams, seeded by the sandbox's own dialect into its persistence file, walked with \`for await (const stream of client.list())\` in pages of ${number(memory.pageSize)}; ` +
      'nothing is kept. Heap figures are V8 `heapUsed` of the walking process above a baseline taken after a full GC. ' +
      'Each walk runs twice with a fresh client: once as an application runs it (no forced GC: the peak includes garbage not yet collected), ' +
      'once with a full GC at the end of every page (what the walk retains). ' +
      `The target is judged on the retained heap: "flat" means it grows by less than ${mib(memoryFlatBytes)} from the first page to the last.`,
    '',
    ...table(
      [
        'walk',
        'requests',
        'took',
        'retained after GC (peak)',
        'retained per stream',
        'peak before GC',
        'peak RSS growth',
        `target: retained flat, < ${mib(memory.maxGrowthBytes)}`,
      ],
      memory.results.map((result) => [
        result.variant === 'summaries'
          ? '`listDetails: false` (summaries)'
          : 'default (details: one GET per stream)',
        number(result.requests),
        `${number(result.elapsedMs / 1000, 2)} s`,
        mib(result.peakRetainedGrowthBytes),
        `${number(result.retainedBytesPerStream, 1)} B`,
        mib(result.peakHeapGrowthBytes),
        mib(result.peakRssGrowthBytes),
        verdict(result.met),
      ]),
    ),
    '',
    'Page by page (MiB above the baseline):',
    '',
    ...table(
      [
        'walk',
        'measure',
        ...(memory.results[0]?.retainedAfterPageBytes.map((_, index) => `page ${index + 1}`) ?? []),
      ],
      memory.results.flatMap((result) => [
        [
          result.variant,
          'retained after GC',
          ...result.retainedAfterPageBytes.map((value) => number(value / 1024 / 1024, 2)),
        ],
        [
          result.variant,
          'peak before GC',
          ...result.peakHeapGrowthByPageBytes.map((value) => number(value / 1024 / 1024, 2)),
        ],
      ]),
    ),
    '',
    ...analysis('memory', analyses),
    '',
  );

  // 6. Redaction
  const { redaction } = report;
  if (redaction) {
    push(
      '## 6. Redaction',
      '',
      `Scrubbing a vendor's text before it enters an error, a log line or a hook event, with ${number(redaction.secrets)} secrets known: ` +
        `as credentials (compiled once into one automaton: ${number(redaction.compileMs, 1)} ms) and as stream keys learned one per stream (a rolling-hash index). ` +
        'Every form of every secret is looked for (raw, URL-encoded, JSON-escaped, base64 at each alignment), and the credential patterns. ' +
        'The text is vendor-like (words, JSON, RTMP URLs, a secret every 100 characters or so); the hostile texts made the former patterns backtrack. ' +
        "The former code is unilive's redaction before this version (`src/redaction-baseline.ts`): one split/join pass per form of every secret, then five regular expressions. " +
        `Without a provider's set, \`redact(text, secrets)\` compiles per call: ${number(redaction.uncompiledMs, 1)} ms for the smallest text.`,
      '',
      ...table(
        ['secrets', 'text', 'size', 'now (median)', 'former code', 'faster'],
        redaction.results.map((result) => [
          result.case,
          result.text,
          result.bytes >= 1_000_000
            ? `${number(result.bytes / 1_000_000, 1)} MB`
            : `${number(result.bytes / 1_000, result.bytes < 10_000 ? 1 : 0)} kB`,
          `${number(result.medianMs, result.medianMs < 10 ? 2 : 0)} ms`,
          result.baselineMs === null
            ? 'not run'
            : `${number(result.baselineMs, result.baselineMs < 10 ? 2 : 0)} ms`,
          result.speedUp === null ? '–' : `${number(result.speedUp, 1)} ×`,
        ]),
      ),
      '',
      ...(redaction.learning
        ? [
            `Learning stream keys, one per stream as a \`list\` walk does (${number(redaction.learning[0]?.learned ?? 0)} keys): the cost of one more key, with a quarter and then three quarters of them already known. Keys issued by a counter share all but their last characters; learning one costs its length either way.`,
            '',
            ...table(
              ['keys', 'ms per 1,000, first quarter', 'ms per 1,000, last quarter'],
              redaction.learning.map((result) => [
                result.keys === 'counter' ? 'issued by a counter' : 'random',
                `${number(result.firstMsPer1000, 2)} ms`,
                `${number(result.lastMsPer1000, 2)} ms`,
              ]),
            ),
            '',
          ]
        : []),
      ...analysis('redaction', analyses),
      '',
    );
  }

  // 7. Real media
  if (report.media) push(...renderMediaSection(report.media), ...analysis('media', analyses), '');
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

/** A few lines for the terminal. */
export function renderSummary(report: BenchReport): string {
  const { machine } = report;
  return [
    `unilive bench (${report.mode}) on ${machine.cpuModel}, ${machine.cores} cores, ${round(machine.memoryBytes / 1024 ** 3, 1)} GiB, ${machine.os}, Node ${machine.node}, ${machine.date}`,
    ...report.targets.map(
      (target) => `  ${target.met ? 'met    ' : 'MISSED '} ${target.measurement}: ${target.figure}`,
    ),
    `  took ${round(report.durationMs / 1000)} s`,
  ].join('\n');
}
