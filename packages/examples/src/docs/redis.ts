import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchRedisServer } from '@unilive/testing/redis-server';
import { Redis } from 'ioredis';
import type { SampleRun } from './run.js';

/** A redis-server the samples marked `run=redis` run against, on a loopback port reserved for it. */
export interface SampleRedis {
  /** `redis://127.0.0.1:<port>`: the samples' `UNILIVE_REDIS_URL`. */
  readonly url: string;
  /**
   * The Lua scripts Redis ran since the last call (the gate store's slot and pause scripts, by `EVALSHA` or
   * `EVAL`): what a client paced through Redis sends, and one that fell back to memory does not.
   */
  scriptsRun(): Promise<number>;
  close(): Promise<void>;
}

/** Starts `binary` by `launchRedisServer` (a reserved port, no persistence) and connects to read its counts. */
export async function startSampleRedis(binary: string): Promise<SampleRedis> {
  const directory = mkdtempSync(join(tmpdir(), 'unilive-doc-redis-'));
  const { child, reserved } = await launchRedisServer(binary, directory);
  const admin = new Redis({ host: '127.0.0.1', port: reserved.port, maxRetriesPerRequest: 0 });
  const scripts = async () => {
    const stats = await admin.info('commandstats');
    let calls = 0;
    for (const match of stats.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)) calls += Number(match[1]);
    return calls;
  };
  let counted = 0;
  return {
    url: `redis://127.0.0.1:${reserved.port}`,
    async scriptsRun() {
      const now = await scripts();
      const since = now - counted;
      counted = now;
      return since;
    },
    async close() {
      admin.disconnect();
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      reserved.release();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** How a sample marked `run=redis` ended, and how many scripts Redis ran for it. */
export interface RedisSampleRun extends SampleRun {
  scripts: number;
}

/**
 * What is wrong with a sample's run against Redis, named by its page and line: it threw, or it ended without
 * its client pacing a request through Redis (a store that could not reach it falls back to memory and warns,
 * so the sample alone would not fail).
 */
export function redisRunProblems(run: RedisSampleRun): string[] {
  if (!run.ok) return [`${run.where}: threw ${run.error ?? ''}`];
  if (run.scripts === 0) return [`${run.where}: ran without pacing a request through Redis`];
  return [];
}
