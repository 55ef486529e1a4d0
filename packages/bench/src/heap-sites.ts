#!/usr/bin/env node
// `node --expose-gc dist/heap-sites.js`: the V8 heap one `get` allocates, layer by layer, and where in unilive's
// own code, counted by V8's sampling heap profiler with the stand-in `fetch` of the own-cost measurement.
//
// The bench's heap figure (the heap's growth between collections, summed, per batch) spreads by about 2 KiB per
// call from run to run on a small answer, so a change of 0.2 KiB is lost in it. The sampling profiler records
// every object allocated, collected or not, with the JavaScript function it was allocated in: unilive's own
// frames, summed, repeat within a few bytes per call, and a change shows as the function it is in. Two builds
// compare on the same answers: record them once (--save FILE), replay them in each worktree (--load FILE),
// one adapter per process.
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { standInFetch } from './own-cost.js';
import { defaultSubjects } from './providers.js';
import { type Layer, layerNames, layersOf, type RecordedGet, recordGet } from './record.js';
import { startSandboxChild } from './sandbox-child.js';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** Bytes allocated per call by each JavaScript function (a builtin's allocations counted to its caller). */
export type AllocationSites = Map<string, number>;

/** What `calls` calls allocate, per call, by site: V8 samples an allocation every `interval` bytes on average. */
async function sampled(
  session: Session,
  call: () => Promise<unknown>,
  calls: number,
  interval: number,
): Promise<AllocationSites> {
  globalThis.gc?.();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: interval,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  for (let index = 0; index < calls; index += 1) await call();
  const { profile } = await session.post('HeapProfiler.stopSampling');
  const sites: AllocationSites = new Map();
  const walk = (node: ProfileNode, caller: string | undefined) => {
    const frame = node.callFrame;
    const here = frame.url || caller === undefined ? siteOf(frame) : caller;
    if (node.selfSize > 0) sites.set(here, (sites.get(here) ?? 0) + node.selfSize / calls);
    for (const child of node.children) walk(child, here);
  };
  walk(profile.head as ProfileNode, undefined);
  return sites;
}

// `name packages/…/file.js:line:column`, or `name nm:package/…` for a dependency (ky, valibot).
function siteOf(frame: ProfileNode['callFrame']): string {
  const url = frame.url.replace(/^.*\/packages\//, '').replace(/^.*node_modules\//, 'nm:');
  return `${frame.functionName || '(anonymous)'} ${url}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
}

/** unilive's own code: a package's dist, not a dependency, Node's internals or the bench. */
const isOwn = (site: string) => /^\S+ [a-z-]+\/dist\//.test(site) && !/^\S+ bench\//.test(site);

const sum = (sites: AllocationSites, keep: (site: string) => boolean = () => true) => {
  let total = 0;
  for (const [site, bytes] of sites) if (keep(site)) total += bytes;
  return total;
};

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--')),
  options: {
    subject: { type: 'string', multiple: true },
    layer: { type: 'string', default: 'client' },
    calls: { type: 'string', default: '4000' },
    warmup: { type: 'string', default: '5000' },
    interval: { type: 'string', default: '64' },
    top: { type: 'string', default: '25' },
    save: { type: 'string' },
    load: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`usage: node --expose-gc dist/heap-sites.js [--subject ID]… [--layer L] [--calls N] [--load|--save FILE]
  --subject ID  an adapter as the report names it (default: every one): ${defaultSubjects.map((s) => s.id).join(', ')}
  --layer L     the layer measured: ${layerNames.join(', ')} (default client)
  --calls N     calls sampled (default 4000), after --warmup N (default 5000)
  --interval B  the sampling interval, bytes (default 64)
  --top N       sites listed (default 25)
  --save FILE   record the answers from the sandbox and write them to FILE
  --load FILE   replay answers saved before instead of recording (to compare two builds on the same answers)
  --json FILE   write every site, bytes per call, per adapter
Run each adapter in a process of its own to compare builds: what V8 optimises depends on what ran before.`);
  process.exit(0);
}

const wanted = values.subject ?? defaultSubjects.map((subject) => subject.id);
const layer = values.layer as Layer;
if (!layerNames.includes(layer)) throw new Error(`--layer: one of ${layerNames.join(', ')}`);
let recordings: RecordedGet[];
if (values.load) {
  recordings = JSON.parse(readFileSync(values.load, 'utf8')) as RecordedGet[];
} else {
  const sandbox = await startSandboxChild({ transitionMs: 50, media: false });
  recordings = [];
  try {
    for (const subject of defaultSubjects)
      if (wanted.includes(subject.id)) recordings.push(await recordGet(subject, sandbox));
  } finally {
    await sandbox.close();
  }
  if (values.save) writeFileSync(values.save, JSON.stringify(recordings));
}

const session = new Session();
session.connect();
const written: Record<string, Record<string, number>> = {};
for (const id of wanted) {
  const recorded = recordings.find((recording) => recording.subject.id === id);
  if (!recorded) throw new Error(`no recording of ${id}`);
  // Only the layer measured runs (past one call of each, layersOf's check): the others would run the same
  // functions first and change what V8 has optimised by the time it is sampled.
  const call = (await layersOf(recorded, standInFetch(recorded)))[layer];
  for (let index = 0; index < Number(values.warmup); index += 1) await call();
  const sites = await sampled(session, call, Number(values.calls), Number(values.interval));
  console.log(
    `${id}, ${layer} layer: ${Math.round(sum(sites))} B per call, ${Math.round(sum(sites, isOwn))} B of it in unilive's own code`,
  );
  const own = [...sites].filter(([site]) => isOwn(site)).sort((a, b) => b[1] - a[1]);
  for (const [site, bytes] of own.slice(0, Number(values.top)))
    console.log(`  ${bytes.toFixed(1).padStart(8)}  ${site}`);
  written[id] = Object.fromEntries(sites);
}
session.disconnect();
if (values.json) writeFileSync(values.json, JSON.stringify(written, null, 2));
