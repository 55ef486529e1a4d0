import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createLiveStreamRegistryFromConfig } from '@unilive/core';
import { type StreamChange, startSandbox } from '@unilive/sandbox';
import { findRedisServer } from '@unilive/testing/redis-server';
import { commands } from 'unilive';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineProblems, commandLines } from './docs/cli-lines.js';
import {
  type CodeBlock,
  documentationPages,
  readPage,
  readSource,
  repositoryRoot,
  sourceFiles,
} from './docs/markdown.js';
import { placeholders } from './docs/placeholders.js';
import { type RedisSampleRun, redisRunProblems, startSampleRedis } from './docs/redis.js';
import { runSamples, type SampleRun, sandboxEnvironment } from './docs/run.js';
import { shellLineProblems } from './docs/shell-lines.js';
import {
  type SampleDiagnostic,
  sampleModule,
  typeCheck,
  typeScriptLanguages,
  wordsOf,
} from './docs/type-check.js';

// Every code sample of the README, docs/, the packages' READMEs and the doc comments of the packages'
// sources, checked as a user would meet it: TypeScript blocks compiled against the packages' published entry
// points, `unilive …` lines against the CLI's own option table. The conventions are in CONTRIBUTING.md
// ("Code samples in the docs").

const pages = documentationPages();
const read = pages.map((page) => readPage(page));
const blocks = read.flatMap((page) => page.blocks);
const sources = sourceFiles();
const comments = sources.map((file) => readSource(file));
const commentBlocks = comments.flatMap((comment) => comment.blocks);
const pageSamples = blocks.filter((block) => typeScriptLanguages.has(block.language));
const commentSamples = commentBlocks.filter((block) => typeScriptLanguages.has(block.language));
const samples = [...pageSamples, ...commentSamples];

/**
 * A sample with one mistake a user would meet (an option renamed), compiled in the same program as the real
 * ones: the check must place its one error on the line and column of the page where the mistake is.
 */
const readmeQuickStart = samples.find(
  (block) => block.page === 'README.md' && block.code.includes('ingestProtocol:'),
);
const broken: CodeBlock | undefined = readmeQuickStart && {
  ...readmeQuickStart,
  page: 'README.md (a copy with ingestProtocol misspelt)',
  code: readmeQuickStart.code.replace('ingestProtocol:', 'ingestProtocols:'),
};
/** The same mistake in a doc comment's sample: placed on the source file's line, and its column past ` * `. */
const wowzaVideoFactory = commentSamples.find(
  (block) =>
    block.page === 'packages/wowza-video/src/wowza-video-provider.ts' &&
    block.code.includes('ingestProtocol:'),
);
const brokenComment: CodeBlock | undefined = wowzaVideoFactory && {
  ...wowzaVideoFactory,
  page: 'packages/wowza-video/src/wowza-video-provider.ts (a copy with ingestProtocol misspelt)',
  code: wowzaVideoFactory.code.replace('ingestProtocol:', 'ingestProtocols:'),
};
const brokenCopies = [broken, brokenComment].filter((block) => block !== undefined);

/**
 * The quick start as a user switching vendor runs it: the same code, with each other built-in adapter's
 * factory (settings from the environment, as the sandbox sets it) in place of `wowzaVideo(…)`. It reads
 * what differs from `client.capabilities`, so it must run to its end on every one.
 */
const quickStartFactories = [
  { name: 'wowza-realtime', from: '@unilive/wowza-realtime', factory: 'wowzaRealtime', settings: '' },
  { name: 'liveapi', from: '@unilive/liveapi', factory: 'liveapi', settings: '' },
  { name: 'videosdk', from: '@unilive/videosdk', factory: 'videosdk', settings: '' },
  { name: 'videosdk v1', from: '@unilive/videosdk', factory: 'videosdk', settings: "{ apiVersion: 'v1' }" },
];
const quickStartImport = "import { wowzaVideo } from '@unilive/wowza-video';";
const quickStartClient = 'wowzaVideo({ token: process.env.WOWZA_VIDEO_TOKEN })';
const quickStarts: CodeBlock[] = readmeQuickStart
  ? quickStartFactories.map(({ name, from, factory, settings }) => ({
      ...readmeQuickStart,
      page: `README.md (the quick start on ${name})`,
      code: readmeQuickStart.code
        .replace(quickStartImport, `import { ${factory} } from '${from}';`)
        .replace(quickStartClient, `${factory}(${settings})`),
    }))
  : [];

let diagnostics: SampleDiagnostic[] = [];
let directory = '';
let runs: SampleRun[] = [];
let runOutput = '';
const created: StreamChange[] = [];
let quickStartRuns: SampleRun[] = [];
let quickStartOutput = '';
const createdByQuickStarts: StreamChange[] = [];
const running = samples.filter((block) => wordsOf(block).run && !wordsOf(block).redis);
const runningWithRedis = samples.filter((block) => wordsOf(block).redis);
const redisServer = findRedisServer();
if (!redisServer) {
  console.warn(
    "@unilive/examples: the docs' samples marked run=redis are type-checked only: no redis-server on PATH (apt-get install redis-server, as .ci/run does, to run them)",
  );
}
const redisRuns: RedisSampleRun[] = [];
/** The README's Redis sample, run with a URL where nothing listens: its store falls back to memory. */
let unreachableRedisRun: RedisSampleRun | undefined;
const createdWithRedis: StreamChange[] = [];
beforeAll(async () => {
  const checked = await typeCheck([...samples, ...brokenCopies, ...quickStarts].map(sampleModule));
  diagnostics = checked.diagnostics;
  directory = checked.directory;
  // Streams move between states at once: a sample's wait ends at its first poll after the start.
  const sandbox = await startSandbox({ transitionMs: 0, media: false });
  let createdNow = created;
  const stop = sandbox.onStreamChange((change) => {
    if (change.kind === 'created') createdNow.push(change);
  });
  try {
    ({ runs, output: runOutput } = await runSamples(
      running.map(sampleModule),
      directory,
      sandboxEnvironment(sandbox),
    ));
    createdNow = createdByQuickStarts;
    ({ runs: quickStartRuns, output: quickStartOutput } = await runSamples(
      quickStarts.map(sampleModule),
      directory,
      sandboxEnvironment(sandbox),
    ));
    if (redisServer) {
      createdNow = createdWithRedis;
      const redis = await startSampleRedis(redisServer);
      try {
        // One process per sample, so that what reached Redis is that sample's.
        const runWithRedis = async (block: CodeBlock, url: string): Promise<RedisSampleRun> => {
          const environment = { ...sandboxEnvironment(sandbox), UNILIVE_REDIS_URL: url };
          const {
            runs: [run],
            output,
          } = await runSamples([sampleModule(block)], directory, environment);
          const scripts = await redis.scriptsRun();
          if (!run) throw new Error(`${block.page}:${block.line - 1}: no run recorded\n${output}`);
          return { ...run, scripts };
        };
        for (const block of runningWithRedis) redisRuns.push(await runWithRedis(block, redis.url));
        const readme = runningWithRedis.find((block) => block.page === 'packages/redis/README.md');
        createdNow = [];
        // Port 1 of the loopback: a refused connection, as when Redis is down.
        if (readme) unreachableRedisRun = await runWithRedis(readme, 'redis://127.0.0.1:1');
      } finally {
        await redis.close();
      }
    }
  } finally {
    stop();
    await sandbox.close();
  }
});
afterAll(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe('TypeScript samples in the docs', () => {
  it('finds every ```ts block of every page', () => {
    // Counted a second way, by the fence lines alone, so a block the reader skipped cannot pass unchecked.
    const fences = pages.flatMap((page) =>
      readFileSync(join(repositoryRoot, page), 'utf8')
        .split('\n')
        .filter((line) => /^\s*```(ts|typescript)(\s|$)/.test(line)),
    );
    expect(pageSamples.length).toBe(fences.length);
    expect(pageSamples.length).toBeGreaterThan(30);
    expect(pages).toEqual(
      expect.arrayContaining(['README.md', 'docs/webhooks.md', 'packages/sandbox/README.md']),
    );
  });

  it('each block names only known info-string words and placeholders', () => {
    for (const sample of samples) expect(() => wordsOf(sample)).not.toThrow();
    // A placeholder no block uses is a leftover that could hide a missing import in the next sample.
    const used = new Set(samples.flatMap((sample) => wordsOf(sample).uses));
    expect(Object.keys(placeholders).filter((name) => !used.has(name))).toEqual([]);
  });

  it('type-check strictly against the published @unilive/* entry points', () => {
    const real = diagnostics.filter(
      (diagnostic) => !brokenCopies.some((copy) => diagnostic.where.startsWith(copy.page)),
    );
    expect(real.map((diagnostic) => `${diagnostic.where}: ${diagnostic.message}`)).toEqual([]);
  });

  it('a sample that goes wrong fails, named by page, line and column', () => {
    expect(broken).toBeDefined();
    if (!broken) return;
    const index = broken.code.split('\n').findIndex((line) => line.includes('ingestProtocols:'));
    const column = (broken.code.split('\n')[index] ?? '').indexOf('ingestProtocols') + 1;
    expect(diagnostics.filter((diagnostic) => diagnostic.where.startsWith(broken.page))).toEqual([
      {
        where: `${broken.page}:${broken.line + index}:${column}`,
        message: expect.stringMatching(/^error TS2561: .*'ingestProtocols'.*'ingestProtocol'/),
      },
    ]);
  });
});

describe('TypeScript samples in the doc comments of the sources', () => {
  it("finds every ```ts block of every package's doc comments", () => {
    // Counted by the fence lines alone (a comment line whose text after ` * ` opens a ts fence).
    const fences = sources.flatMap((file) =>
      readFileSync(join(repositoryRoot, file), 'utf8')
        .split('\n')
        .filter((line) => /^\s*\*\s*```(ts|typescript)(\s|$)/.test(line)),
    );
    expect(commentSamples.length).toBe(fences.length);
    expect(commentSamples.length).toBeGreaterThanOrEqual(11);
    expect(commentSamples.map((block) => block.page)).toEqual(
      expect.arrayContaining([
        'packages/core/src/events/event-hub.ts',
        'packages/core/src/config/credential-headers.ts',
        'packages/wowza-realtime/src/wowza-realtime-webhooks.ts',
        'packages/videosdk/src/videosdk-provider.ts',
      ]),
    );
    expect(sources).not.toContain('packages/core/src/events/event-hub.test.ts');
    expect(sources).toContain('packages/cli/src/commands/listen.ts');
    expect(sources.filter((file) => /^packages\/(bench|examples|reliability)\//.test(file))).toEqual([]);
  });

  it("run where marked, with the pages' run samples: every adapter's factory and both registry builders", () => {
    expect(running.filter((block) => block.page.endsWith('.ts')).map((block) => block.page)).toEqual(
      expect.arrayContaining([
        'packages/core/src/registry/registry.ts',
        'packages/core/src/registry/registry-config.ts',
        'packages/liveapi/src/liveapi-provider.ts',
        'packages/videosdk/src/videosdk-provider.ts',
        'packages/wowza-realtime/src/wowza-realtime-provider.ts',
        'packages/wowza-video/src/wowza-video-provider.ts',
      ]),
    );
  });

  it('a sample that goes wrong fails, named by source file, line and column', () => {
    expect(brokenComment).toBeDefined();
    if (!brokenComment) return;
    const lines = brokenComment.code.split('\n');
    const index = lines.findIndex((line) => line.includes('ingestProtocols:'));
    const column = (brokenComment.column ?? 0) + (lines[index] ?? '').indexOf('ingestProtocols') + 1;
    // The column is the source file's: the text of that line there starts `ingestProtocol` at it.
    const sourceLine = readFileSync(
      join(repositoryRoot, 'packages/wowza-video/src/wowza-video-provider.ts'),
      'utf8',
    ).split('\n')[brokenComment.line + index - 1];
    expect(sourceLine?.indexOf('ingestProtocol:')).toBe(column - 1);
    expect(diagnostics.filter((diagnostic) => diagnostic.where.startsWith(brokenComment.page))).toEqual([
      {
        where: `${brokenComment.page}:${brokenComment.line + index}:${column}`,
        message: expect.stringMatching(/^error TS2561: .*'ingestProtocols'.*'ingestProtocol'/),
      },
    ]);
  });
});

describe('TypeScript samples marked run', () => {
  it("include the quick start and each page's set-up that needs no vendor, encoder or Redis", () => {
    expect(running.length).toBeGreaterThanOrEqual(12);
    expect(running[0]).toMatchObject({
      page: 'README.md',
      code: expect.stringContaining('createLiveStreamClient'),
    });
  });

  it('run to their end against the sandbox, each create and migration making a stream there', () => {
    expect(
      runs.filter((run) => !run.ok),
      runOutput,
    ).toEqual([]);
    expect(runs.map((run) => run.where)).toEqual(running.map((block) => `${block.page}:${block.line - 1}`));
    const creates = running.reduce(
      (count, block) => count + block.code.split(/\.(?:create|migrate)\(/).length - 1,
      0,
    );
    expect(creates).toBeGreaterThanOrEqual(9);
    expect(created).toHaveLength(creates);
  });
});

describe("the README's quick start", () => {
  it('runs to its end on every built-in adapter, as written for Wowza Video, each making its stream', () => {
    // Each copy differs from the README's by its import and factory alone.
    expect(quickStarts.map((block) => block.code.includes(quickStartClient))).toEqual(
      quickStartFactories.map(() => false),
    );
    expect(quickStarts.map((block) => block.code.includes(quickStartImport))).toEqual(
      quickStartFactories.map(() => false),
    );
    expect(
      quickStartRuns.filter((run) => !run.ok),
      quickStartOutput,
    ).toEqual([]);
    expect(quickStartRuns.map((run) => run.where)).toEqual(
      quickStarts.map((block) => `${block.page}:${block.line - 1}`),
    );
    expect(createdByQuickStarts.map((change) => change.provider)).toEqual([
      'wowza-realtime',
      'liveapi',
      'videosdk',
      'videosdk',
    ]);
  });
});

describe('TypeScript samples marked run=redis', () => {
  it('are the Redis store samples of the rate limits page and of @unilive/redis', () => {
    expect(runningWithRedis.map((block) => block.page)).toEqual([
      'docs/rate-limits.md',
      'docs/rate-limits.md',
      'packages/redis/README.md',
    ]);
  });

  it.skipIf(!redisServer)(
    'run to their end against the sandbox and a Redis, pacing their requests through it',
    () => {
      expect(redisRuns.flatMap(redisRunProblems)).toEqual([]);
      expect(redisRuns.map((run) => run.where)).toEqual(
        runningWithRedis.map((block) => `${block.page}:${block.line - 1}`),
      );
      // Each create a request paced by a slot script, at least; each made its stream on the sandbox.
      const createsOf = (block: CodeBlock) => block.code.split(/\.(?:create|migrate)\(/).length - 1;
      for (const [index, block] of runningWithRedis.entries()) {
        expect(createsOf(block), `${block.page}:${block.line - 1}`).toBeGreaterThanOrEqual(1);
        expect(redisRuns[index]?.scripts).toBeGreaterThanOrEqual(createsOf(block));
      }
      expect(createdWithRedis).toHaveLength(
        runningWithRedis.reduce((count, block) => count + createsOf(block), 0),
      );
    },
  );

  it.skipIf(!redisServer)(
    'a sample whose store cannot reach Redis fails, named by page and line, though it ran to its end',
    () => {
      expect(unreachableRedisRun).toMatchObject({ ok: true, scripts: 0 });
      expect(unreachableRedisRun && redisRunProblems(unreachableRedisRun)).toEqual([
        'packages/redis/README.md:7: ran without pacing a request through Redis',
      ]);
    },
  );
});

describe('unilive command lines in the docs', () => {
  // The doc comments' too: `unilive listen --forward-to URL` in a command's hover is a line a user types.
  const lines = commandLines(
    [...blocks, ...commentBlocks],
    [...read, ...comments].flatMap((page) => page.spans),
  );

  it('are found in shell blocks, in the prose and in doc comments', () => {
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.map((line) => line.where)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^packages\/cli\/src\/commands\/listen\.ts:\d+$/)]),
    );
    expect(
      lines.some(
        (line) => line.where.startsWith('docs/local-media.md') && line.text.startsWith('unilive push'),
      ),
    ).toBe(true);
  });

  it('name commands and flags the CLI has', () => {
    expect(lines.flatMap((line) => commandLineProblems(line, commands))).toEqual([]);
  });

  it('a flag the command does not take is named with its page and line', () => {
    expect(
      commandLineProblems(
        { where: 'docs/x.md:3', text: 'unilive push abc --durration 30s -p liveapi' },
        commands,
      ),
    ).toEqual([
      'docs/x.md:3: `unilive push abc --durration 30s -p liveapi`: unilive push takes no --durration',
    ]);
    expect(commandLineProblems({ where: 'docs/x.md:4', text: 'unilive pull abc' }, commands)).toEqual([
      expect.stringMatching(/^docs\/x\.md:4: `unilive pull abc`: no command "pull"/),
    ]);
  });
});

describe('npm, pnpm and node lines of the shell blocks', () => {
  it('install published packages, run scripts that exist and files that are there', () => {
    expect(shellLineProblems(blocks)).toEqual([]);
  });

  it('a wrong one is named with its page and line', () => {
    const block = (code: string): CodeBlock => ({
      page: 'docs/x.md',
      line: 5,
      language: 'sh',
      words: [],
      code,
    });
    expect(
      shellLineProblems([
        block(
          [
            'npm install @unilive/core @unilive/bench @unilive/nope',
            'npm run benchmark -- --quick',
            'pnpm --filter @unilive/reliability run reprot',
            'cd packages/core && pnpm vitest run src/http',
            'cd packages/cores',
            'node scripts/load-chek.mjs --runs 5',
            'pnpm turbo run build --filter=@unilive/core...',
            'pnpm turbos run build',
          ].join('\n'),
        ),
      ]),
    ).toEqual([
      'docs/x.md:5: `npm install @unilive/core @unilive/bench @unilive/nope`: @unilive/bench is private: it is not published',
      'docs/x.md:5: `npm install @unilive/core @unilive/bench @unilive/nope`: no package @unilive/nope in the workspace',
      'docs/x.md:6: `npm run benchmark -- --quick`: the root package.json has no script "benchmark"',
      'docs/x.md:7: `pnpm --filter @unilive/reliability run reprot`: @unilive/reliability has no script "reprot"',
      'docs/x.md:9: `cd packages/cores`: no folder packages/cores',
      'docs/x.md:10: `node scripts/load-chek.mjs --runs 5`: no file scripts/load-chek.mjs',
      'docs/x.md:12: `pnpm turbos run build`: "turbos" is no root script, pnpm command or installed binary',
    ]);
  });
});

describe('JSON blocks', () => {
  const json = blocks.filter((block) => block.language === 'json');

  it('parse, and say what they are only with words the check knows', () => {
    expect(json.length).toBeGreaterThan(0);
    for (const block of json) {
      expect(() => JSON.parse(block.code), `${block.page}:${block.line - 1}`).not.toThrow();
      expect(
        block.words.filter((word) => word !== 'config=registry'),
        `${block.page}:${block.line - 1}`,
      ).toEqual([]);
    }
  });

  it('a registry configuration (```json config=registry) is one createLiveStreamRegistryFromConfig takes', async () => {
    const configurations = json.filter((block) => block.words.includes('config=registry'));
    expect(configurations.length).toBeGreaterThan(0);
    for (const block of configurations) {
      const registry = await createLiveStreamRegistryFromConfig(JSON.parse(block.code)).catch(
        (error: unknown) => {
          throw new Error(`${block.page}:${block.line - 1}: ${String(error)}`);
        },
      );
      const names = (
        JSON.parse(block.code) as { providers: { provider: string; name?: string }[] }
      ).providers.map((entry) => entry.name ?? entry.provider);
      expect(
        registry.providers.map((provider) => provider.name),
        `${block.page}:${block.line - 1}`,
      ).toEqual(names);
    }
  });
});
