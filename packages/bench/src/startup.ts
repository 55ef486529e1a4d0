import { spawnSync } from 'node:child_process';
import { type BenchProviderId, providerIds } from './providers.js';
import { median, now, round } from './stats.js';
import { benchDir } from './weight.js';

/** What one start-up scenario imports. */
export interface StartupScenario {
  name: string;
  /** Module specifiers imported in order, each with `await import()`. */
  imports: string[];
  /** Code run before the imports (not timed). */
  prelude?: string;
}

/** One scenario's figures (medians over the runs). */
export interface StartupResult {
  name: string;
  imports: string[];
  /** Modules the imports loaded (read in one more, untimed run with a load hook). */
  modulesLoaded: number;
  /** Whether jose was among them. */
  loadsJose: boolean;
  /** `await import()` of the modules until `fetch` can be made, measured inside the fresh process. */
  importMs: number;
  importMsRange: { min: number; max: number };
  /** The whole process, from spawn to exit, measured by the parent (Node's own start-up included). */
  processMs: number;
  /** importMs minus the `ky alone` scenario's importMs (unilive's scenarios only). */
  importMsOverKy?: number;
  /**
   * importMs minus the `ky + valibot` scenario's (unilive's scenarios only): what is left of
   * `importMsOverKy` once valibot, which unilive's main entries load, is paid for.
   */
  importMsOverKyValibot?: number;
  /** `importMsOverKy`, exact, within {@link startupTargetOverKyMs} (unilive's scenarios only). */
  met?: boolean;
}

/** The start-up report. */
export interface StartupReport {
  runs: number;
  results: StartupResult[];
}

/** The target: core + one adapter start within this many ms of ky alone. */
export const startupTargetOverKyMs = 10;

/** Options of {@link measureStartup}. */
export interface StartupOptions {
  /** Timed rounds; every scenario runs once per round, in turn. One untimed round comes first. */
  runs: number;
  providers?: readonly BenchProviderId[];
}

/** Scenarios: ky alone, ky + valibot, the three dependencies, and core + each adapter. */
export function startupScenarios(providers: readonly BenchProviderId[] = providerIds): StartupScenario[] {
  return [
    // The loader's fixed cost: an empty module, imported the same way.
    { name: 'an empty module', imports: ['data:text/javascript,export {};'] },
    { name: 'ky alone', imports: ['ky'] },
    // The two dependencies unilive's main entries load (tsyringe waits until a container is asked for):
    // how much of unilive's start-up over ky alone is valibot's.
    { name: 'ky + valibot', imports: ['ky', 'valibot'] },
    {
      name: 'ky + valibot + tsyringe',
      imports: ['ky', 'valibot', 'tsyringe'],
      // tsyringe refuses to load without Reflect.getMetadata; core brings a few-line shim for it.
      prelude: 'Reflect.getMetadata ??= () => undefined;',
    },
    ...providers.map((provider) => ({
      name: `@unilive/core + @unilive/${provider}`,
      imports: ['@unilive/core', `@unilive/${provider}`],
    })),
  ];
}

/**
 * Cold `import()` in a fresh Node process per run (no compile cache), until `fetch` can be made, scenarios
 * interleaved round by round so that drift in the machine touches each alike.
 */
export function measureStartup(options: StartupOptions): StartupReport {
  const scenarios = startupScenarios(options.providers);
  const samples = new Map<string, { importMs: number; processMs: number }[]>();
  for (let round = -1; round < options.runs; round += 1) {
    for (const scenario of scenarios) {
      const sample = runOnce(scenario);
      if (round < 0) continue;
      const list = samples.get(scenario.name) ?? [];
      list.push(sample);
      samples.set(scenario.name, list);
    }
  }
  const results = scenarios.map((scenario): StartupResult => {
    const list = samples.get(scenario.name) ?? [];
    const loaded = modulesOf(scenario);
    const imports = list.map((sample) => sample.importMs);
    const spread = { min: round(Math.min(...imports), 1), max: round(Math.max(...imports), 1) };
    return {
      name: scenario.name,
      imports: scenario.imports,
      modulesLoaded: loaded.length,
      loadsJose: loaded.some((url) => /\/node_modules\/jose\//.test(url)),
      importMs: round(median(imports), 1),
      importMsRange: spread,
      processMs: round(median(list.map((sample) => sample.processMs)), 1),
    };
  });
  const judged = judgeStartup(
    new Map(
      scenarios.map((scenario) => [scenario.name, (samples.get(scenario.name) ?? []).map((s) => s.importMs)]),
    ),
  );
  for (const result of results) Object.assign(result, judged.get(result.name));
  return { runs: options.runs, results };
}

/** A unilive scenario's start-up against its dependencies' (see {@link StartupResult}). */
export type StartupJudgement = { importMsOverKy: number; importMsOverKyValibot?: number; met: boolean };

/**
 * From every scenario's import times (ms, one per run), each unilive scenario's median over ky alone's and
 * over ky + valibot's, and its verdict: taken on the exact medians, before they are rounded for the report.
 */
export function judgeStartup(
  importMs: ReadonlyMap<string, readonly number[]>,
): Map<string, StartupJudgement> {
  const medianOf = (name: string) => {
    const values = importMs.get(name);
    return values && values.length > 0 ? median(values) : undefined;
  };
  const ky = medianOf('ky alone');
  const kyValibot = medianOf('ky + valibot');
  const judged = new Map<string, StartupJudgement>();
  if (ky === undefined) return judged;
  for (const name of importMs.keys()) {
    const own = medianOf(name);
    if (!name.startsWith('@unilive/') || own === undefined) continue;
    judged.set(name, {
      importMsOverKy: round(own - ky, 1),
      ...(kyValibot === undefined ? {} : { importMsOverKyValibot: round(own - kyValibot, 1) }),
      met: own - ky <= startupTargetOverKyMs,
    });
  }
  return judged;
}

// Node makes `fetch` on first use (loading undici): the imports are timed until it exists, so a client that
// does not touch it while loading is charged for it all the same.
const fetchReady = 'void [globalThis.fetch, globalThis.Request, globalThis.Response, globalThis.Headers];';

function spawnScenario(scenario: StartupScenario, head: string, tail: string) {
  const script = [
    head,
    scenario.prelude ?? '',
    'const started = performance.now();',
    ...scenario.imports.map((specifier) => `await import(${JSON.stringify(specifier)});`),
    fetchReady,
    tail,
  ].join('\n');
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_COMPILE_CACHE;
  delete env.NODE_OPTIONS;
  env.NODE_DISABLE_COMPILE_CACHE = '1';
  const started = now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: benchDir,
    env,
    encoding: 'utf8',
  });
  const processMs = now() - started;
  if (child.status !== 0) throw new Error(`start-up scenario "${scenario.name}" failed: ${child.stderr}`);
  return { stdout: child.stdout, processMs };
}

function runOnce(scenario: StartupScenario): { importMs: number; processMs: number } {
  const { stdout, processMs } = spawnScenario(
    scenario,
    '',
    'process.stdout.write(JSON.stringify({ importMs: performance.now() - started }));',
  );
  const { importMs } = JSON.parse(stdout) as { importMs: number };
  return { importMs, processMs };
}

// The URLs of the modules a scenario's imports load, from a load hook (which slows loading: never timed).
function modulesOf(scenario: StartupScenario): string[] {
  const { stdout } = spawnScenario(
    scenario,
    [
      "import { registerHooks } from 'node:module';",
      'const loaded = [];',
      'registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });',
    ].join('\n'),
    'process.stdout.write(JSON.stringify(loaded));',
  );
  return JSON.parse(stdout) as string[];
}
