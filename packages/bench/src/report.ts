import type { BenchReport } from './bench.js';
import type { BundleRun } from './bundle-run.js';
import { renderFleetSection } from './fleet.js';
import { renderMediaSection } from './media.js';
import { memoryFlatBytes } from './memory.js';
import { layerDescriptions, layerNames } from './record.js';
import { startupTargetOverKyMs } from './startup.js';
import { round } from './stats.js';
import { type UniliveBundle, type VendorBundle, withinDependencyFloor } from './weight.js';

const number = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const bytes = (value: number) => `${number(value)} B`;
const mib = (value: number) => `${number(value / 1024 / 1024, 2)} MiB`;
const verdict = (met: boolean | null | undefined) =>
  met === null || met === undefined ? '–' : met ? 'met' : '**missed**';
const variantNames = {
  client: ' (client)',
  adapter: ', adapter alone',
  container: ' (client on a container)',
};
const bundleName = (item: UniliveBundle) => `core + ${item.provider}${variantNames[item.variant]}`;
// The weight table; with `targets`, the client bundles are judged against the dependency floor and the
// own-code budget.
function weightTable(
  items: UniliveBundle[],
  vendors: VendorBundle[],
  targets?: { maxRatioToFloor: number; maxOwnGzipBytes: number },
): string[] {
  const judge = (item: UniliveBundle) =>
    item.variant === 'client' && targets
      ? `${verdict(withinDependencyFloor(item))} / ${verdict(item.ownGzipBytes <= targets.maxOwnGzipBytes)}`
      : '–';
  return table(
    [
      'bundle',
      'minified',
      'gzip',
      'floor (gzip)',
      'own code (gzip)',
      'ratio to floor',
      'ratio to dependency floor',
      ...(targets
        ? [
            `target ≤ ${targets.maxRatioToFloor} × dependency floor / own ≤ ${number(targets.maxOwnGzipBytes)} B`,
          ]
        : []),
      'runs',
    ],
    [
      ...items.map((item) => [
        bundleName(item),
        bytes(item.minifiedBytes),
        bytes(item.gzipBytes),
        bytes(item.floor.gzipBytes),
        bytes(item.ownGzipBytes),
        item.ratioToFloor.toFixed(2),
        item.ratioToDependencyFloor.toFixed(2),
        ...(targets ? [judge(item)] : []),
        runVerdict(item.run),
      ]),
      ...vendors.map((vendor) => [
        `${vendor.packageName} ${vendor.packageVersion}`,
        bytes(vendor.minifiedBytes),
        bytes(vendor.gzipBytes),
        ...Array<string>(targets ? 6 : 5).fill('–'),
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
      'Every figure below is generated from `performance.json` beside this file, of the same run; only the analysis paragraphs are written by hand. ' +
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
    'Each full run rewrites this file and `docs/performance.json` (pass `--out DIR` to write elsewhere, `--no-write` to only print); a `--quick` run writes only with `--out DIR`. A relative `DIR` is read from the folder the command was typed in, and checked before anything is measured.',
    '',
    '## Targets',
    '',
    ...table(
      ['measurement', 'target', 'this run', ''],
      report.targets.map((target) => [
        target.measurement,
        target.target,
        target.figure,
        target.met === false
          ? `**missed** by ${target.missedBy}`
          : target.notMeasured !== undefined
            ? '**not measured**'
            : verdict(target.met),
      ]),
    ),
    '',
    ...analysis('summary', analyses),
    '',
  );

  // 1. Per call
  push(
    '## 1. Per call, side by side',
    '',
    "Each client a user might pick reads one live stream, again and again, from a loopback server in a process of its own that answers in that client's vendor shape: " +
      "raw `fetch` + `JSON.parse` and bare ky (retry 0, timeout off) on every answer, Mux's SDK (`video.liveStreams.retrieve`) and api.video's SDK (`liveStreams.get`) on their own vendor's answer, " +
      "and unilive's `client.get(id)` on each adapter's answer (recorded once from the sandbox). " +
      'Every server is the same trivial replay server (fixed bodies, the same two headers), so the server costs every client alike. ' +
      "The Mux and api.video answers are shaped after each SDK's own `LiveStream` type, at about the size of unilive's small answers; no vendor was called. " +
      'The clients take turns of 50 calls in an order that rotates, so a burst of other work on the machine falls on all of them alike. ' +
      "CPU is this process's user + system time per call, every thread included (the server runs elsewhere); heap is V8 heap allocated per call (the heap's growth between collections, summed). " +
      'Figures are medians over the runs, with the lowest and highest run; each ratio is the median of the per-run ratios of two clients measured in the same run, judged before it is rounded. ' +
      "Bare ky is configured as core's HTTP layer configures it (retry 0, timeout off, no throw on an HTTP error, redirects not followed), and where a `get` needs two answers (videosdk v2) raw fetch and bare ky send both requests at once, as unilive does. " +
      "Mux's and api.video's SDKs run with their defaults: Mux's retries (2) and 60 s timeout and unilive's retries and 15 s attempt limit are all armed and never fire against these answers; api.video's has neither. " +
      "How the targets are read: on every adapter ≥ 1.15 × Mux's calls/s, ≤ 0.85 × its CPU per call and ≥ 0.9 × bare ky's calls/s on the same answer, at both concurrencies; " +
      'Wowza Video\'s 5.5 kB answer is excepted from all three and judged by "≥ 1.0 × Mux there" alone, read as level both ways (calls/s ≥ 1 ×, CPU ≤ 1 ×), its ratio to bare ky reported. ' +
      'Heap beyond bare ky (the last column) is judged against 10 KiB at every concurrency.',
    '',
  );
  for (const side of report.sideBySide) {
    const heading = side.concurrency === 1 ? 'One call at a time' : `${side.concurrency} calls in flight`;
    push(
      `### ${heading} (${side.runs} runs of ${number(side.calls)} calls per client, ${number(side.warmup)} warm-up calls)`,
      '',
      ...table(
        [
          'client',
          'call',
          'answer',
          'requests',
          'calls/s (median)',
          'runs',
          'CPU µs/call (median)',
          'runs',
          'heap KiB/call',
        ],
        side.clients.map((client) => [
          client.kind === 'unilive' || client.kind === 'mux' || client.kind === 'api.video'
            ? `**${client.name}**`
            : client.name,
          `\`${client.call}\``,
          bytes(client.responseBytes),
          client.requestsPerCall,
          number(client.median.callsPerSecond),
          `${number(client.range.callsPerSecond[0])} – ${number(client.range.callsPerSecond[1])}`,
          number(client.median.cpuMicrosPerCall, 1),
          `${number(client.range.cpuMicrosPerCall[0], 1)} – ${number(client.range.cpuMicrosPerCall[1], 1)}`,
          number(client.median.heapKiBPerCall, 1),
        ]),
      ),
      '',
      ...table(
        [
          'unilive on',
          "calls/s ÷ Mux SDK's",
          'runs',
          "CPU ÷ Mux SDK's",
          'runs',
          'target',
          "calls/s ÷ bare ky's",
          'runs',
          'target',
          'heap beyond bare ky',
        ],
        side.comparisons.map((comparison) => [
          comparison.subject,
          // Three decimals, as judged: at two, 0.997 would print as 1.00 beside "missed".
          comparison.callsVsMux.toFixed(3),
          comparison.callsVsMuxRange.map((value) => value.toFixed(2)).join(' – '),
          comparison.cpuVsMux.toFixed(3),
          comparison.cpuVsMuxRange.map((value) => value.toFixed(2)).join(' – '),
          `≥ ${comparison.targets.minCallsVsMux} / ≤ ${comparison.targets.maxCpuVsMux}: ${verdict(comparison.met.callsVsMux && comparison.met.cpuVsMux)}`,
          comparison.callsVsKy.toFixed(3),
          comparison.callsVsKyRange.map((value) => value.toFixed(2)).join(' – '),
          comparison.targets.minCallsVsKy === null
            ? '–'
            : `≥ ${comparison.targets.minCallsVsKy}: ${verdict(comparison.met.callsVsKy)}`,
          `${number(comparison.heapOverKyKiB, 1)} KiB`,
        ]),
      ),
      '',
    );
  }
  const { ownCost } = report;
  push(
    "### Unilive's own code, transport excluded",
    '',
    `The same \`get\`, layer by layer, with the adapter's recorded requests answered in process by a stand-in \`fetch\` that returns the recorded responses (${ownCost.runs} runs of ${number(ownCost.calls)} calls per layer, one at a time, ${number(ownCost.warmup)} warm-up calls; the lowest run, since other work on the machine only ever adds time). ` +
      "They are taken in a fresh process of their own, which loads the harness and the clients and nothing else the benchmark uses (with ioredis loaded beside them, bare ky's layer took 22 → 30 µs per call on this machine, though nothing called it). " +
      'No socket, server or other process shares these figures, so they move by a few µs from run to run where the loopback figures above move by tens. ' +
      `CPU µs per call, and in brackets what each layer adds to the one it is built on (core's HTTP layer sends through ky, so it is measured from bare ky); "own" is everything the client does above the stand-in fetch, ky included, per call (videosdk v2's two requests together), against the target (${ownCost.targets.smallMicros} µs for the small answers, ${ownCost.targets.wowzaVideoMicros} µs for Wowza Video's); heap is V8 heap allocated per call (median run).`,
    '',
    ...table(
      [
        'adapter',
        'response',
        ...layerNames.map((layer) => (layer === 'fetch' ? 'stand-in fetch + JSON.parse' : `+ ${layer}`)),
        'own CPU µs/call',
        'target',
        'heap KiB/call: bare ky → client',
      ],
      ownCost.results.map((result) => {
        const limit = result.subject.startsWith('wowza-video')
          ? ownCost.targets.wowzaVideoMicros
          : ownCost.targets.smallMicros;
        const heap = (layer: string) =>
          result.layers.find((item) => item.layer === layer)?.heapKiBPerCall ?? 0;
        return [
          result.subject,
          bytes(result.responseBytes),
          ...result.layers.map((layer) =>
            layer.layer === 'fetch'
              ? number(layer.cpuMicrosPerCall, 1)
              : `${number(layer.cpuMicrosPerCall, 1)} (${layer.addedMicros >= 0 ? '+' : ''}${number(layer.addedMicros, 1)})`,
          ),
          number(result.totalAddedMicros, 1),
          `≤ ${limit}: ${verdict(result.met)}`,
          `${number(heap('ky'), 1)} → ${number(heap('client'), 1)} (${result.heapOverKyKiB >= 0 ? '+' : ''}${number(result.heapOverKyKiB, 1)})`,
        ];
      }),
    ),
    '',
    `The layers: ${layerNames.map((layer) => `${layer}: ${layerDescriptions[layer]}`).join('; ')}.`,
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
      "the dependency floor adds tsyringe's `container` (ky + the valibot functions used + tsyringe), whether or not the bundle contains tsyringe. " +
      "unilive's own code is the bundle's gzip bytes less its floor's: what unilive adds on top of the dependencies it uses. The vendor SDKs are bundled the same way, doing the same create. " +
      'Every unilive bundle is also run in a fresh Node process against a sandbox (its vendor URL redirected there), and must create its stream.',
    '',
    ...weightTable(main, mainVendors, weight.targets),
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
    `Cold \`await import()\` in a fresh Node process (no compile cache), timed inside the process until \`fetch\` can be made (Node loads undici on first use of \`fetch\`, \`Request\`, \`Response\` or \`Headers\`, so whoever does not load it while importing is charged for it after); ${report.startup.runs} runs per scenario after one untimed round, scenarios interleaved. ` +
      `The target: core + one adapter within ${startupTargetOverKyMs} ms of ky alone, judged on the medians before rounding. ` +
      'unilive\'s main entries load ky and valibot (tsyringe only once a container is asked for), so "over ky + valibot" is what is left of the time over ky alone once valibot is paid for: unilive\'s own modules. ' +
      '"Process" is spawn to exit as the parent sees it, Node\'s own start-up included. The modules are counted in one more run with a load hook, never timed.',
    '',
    ...table(
      [
        'imports',
        'import ms (median)',
        'min – max',
        'over ky alone',
        'over ky + valibot',
        'modules loaded',
        'jose loaded',
        'process ms (median)',
      ],
      report.startup.results.map((result) => [
        result.name,
        number(result.importMs, 1),
        `${number(result.importMsRange.min, 1)} – ${number(result.importMsRange.max, 1)}`,
        result.importMsOverKy === undefined
          ? '–'
          : `+${number(result.importMsOverKy, 1)} (${verdict(result.met)})`,
        result.importMsOverKyValibot === undefined ? '–' : `+${number(result.importMsOverKyValibot, 1)}`,
        number(result.modulesLoaded),
        result.loadsJose ? 'yes' : 'no',
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
      'nothing is kept. Heap figures are V8 `heapUsed` plus `arrayBuffers` (the storage of typed arrays, outside the V8 heap) of the walking process above a baseline taken after a full GC. ' +
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
    ...(memory.gets
      ? [
          `Then one client calls \`get\` on one Wowza Video stream ${number(memory.gets.calls)} times (${memory.gets.concurrency} in flight, against a replay server answering the sandbox's recorded answer, ${number(memory.gets.elapsedMs / 1000, 1)} s), with a full GC after every ${number(memory.gets.sampleEvery)} calls: the heap it retains (MiB above the baseline) must stay flat.`,
          '',
          ...table(
            [
              'calls',
              ...memory.gets.retainedBytes.map((_, index) =>
                number((index + 1) * (memory.gets?.sampleEvery ?? 0)),
              ),
            ],
            [
              [
                'retained after GC',
                ...memory.gets.retainedBytes.map((value) => number(value / 1024 / 1024, 2)),
              ],
            ],
          ),
          '',
          `Growth from the first sample to the last: ${mib(memory.gets.growthBytes)} (${verdict(memory.gets.met)}; flat means under ${mib(memoryFlatBytes)}).`,
          '',
        ]
      : []),
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
        'The text is vendor-like (words, JSON, RTMP URLs, a secret every 100 characters or so); the hostile texts made the former patterns backtrack, and the last, 256 learned keys of `a`s of as many lengths against a text of `a`s, made each place cost every length. ' +
        "The former code is unilive's redaction before this version (`src/redaction-baseline.ts`): one split/join pass per form of every secret, then five regular expressions. " +
        `Without a provider's set, \`redact(text, secrets)\` compiles a list of secrets the first time it is given and reuses that for the same array: ${number(redaction.uncompiledMs, 1)} ms per call on the smallest text, the same array each time.`,
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
            `Learning stream keys, one per stream as a \`list\` walk does (${number(redaction.learning[0]?.learned ?? 0)} keys): the cost of one more key, with a quarter and then three quarters of them already known. Keys issued by a counter share all but their last characters; learning one costs its length either way (each quarter timed with the scan that indexes it: a set indexes what it learned when a redaction first needs it).`,
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

  // 8. Events (after the media section, which its own module renders as section 7)
  const { events } = report;
  const eventsSection: string[] = [
    '## 8. Events: webhooks against polling',
    '',
    `The sandbox, in its own process, sends each vendor's webhooks to an endpoint in the measuring process built as an application builds it (core's \`createWebhookHandler\` publishing to an event hub, the adapter's \`parseWebhook\` checking the path secret and, for Wowza Video, confirming each event over the API). ` +
      `For each scenario, waits that hear the hub and waits that only poll (each with its defaults) wait for the same change, which the sandbox makes ${number(events.transitionMs)} ms after it is asked for (a start) or at once (an encoder connecting), at a random point of the wait's polling interval. ` +
      "Latency runs from the arrival of the webhook that told of the change (its request reaching the endpoint) to the wait's promise resolving; requests are the wait's own (its polls), and beside them the parser's confirmations.",
    '',
    ...table(
      [
        'provider',
        'wait',
        'heard',
        'polling interval',
        'waits',
        'latency median',
        'p99',
        'min – max',
        'requests per wait',
        'confirmations',
        `target ≤ ${events.targetMs} ms (p99)`,
      ],
      events.cases.map((item) => [
        item.provider,
        item.scenario,
        item.mode === 'events' ? 'webhooks (event hub)' : 'polling only',
        `${number(item.intervalMs.first / 1000, 0)} s, up to ${number(item.intervalMs.max / 1000, 0)} s`,
        number(item.samples),
        `${number(item.latencyMs.median, 1)} ms`,
        `${number(item.latencyMs.p99, 1)} ms`,
        `${number(item.latencyMs.min, 1)} – ${number(item.latencyMs.max, 1)} ms`,
        `${item.requestsPerWait.median} (at most ${item.requestsPerWait.max})`,
        `${item.confirmationsPerWait.median} (at most ${item.confirmationsPerWait.max})`,
        verdict(item.met),
      ]),
    ),
    '',
    ...analysis('events', analyses),
    '',
  ];

  // 7. Real media
  if (report.media) push(...renderMediaSection(report.media), ...analysis('media', analyses), '');
  if (report.events) push(...eventsSection);
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
      (target) =>
        `  ${target.notMeasured !== undefined ? 'NOT RUN' : target.met === null ? '       ' : target.met ? 'met    ' : 'MISSED '} ${target.measurement}: ${target.figure}${target.met === false ? ` (missed by ${target.missedBy})` : ''}`,
    ),
    `  took ${round(report.durationMs / 1000)} s`,
  ].join('\n');
}
