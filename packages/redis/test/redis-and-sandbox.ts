import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { afterAll, beforeAll } from 'vitest';
import { startRedis, type TestRedis } from './redis-server.js';

/** A Redis of the test's own and a sandbox (every dialect, no media), started together for a `describe`. */
export interface RedisAndSandbox {
  readonly redis: TestRedis;
  readonly sandbox: Sandbox;
}

/** Registers, in the `describe` that calls it, the start of both before its tests and their close after. */
export function useRedisAndSandbox(): RedisAndSandbox {
  let redis: TestRedis | undefined;
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    [redis, sandbox] = await Promise.all([startRedis(), startSandbox({ transitionMs: 20, media: false })]);
  });
  afterAll(async () => {
    await Promise.all([redis?.close(), sandbox?.close()]);
  });
  const made = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`${name} is started in beforeAll`);
    return value;
  };
  return {
    get redis() {
      return made(redis, 'redis');
    },
    get sandbox() {
      return made(sandbox, 'sandbox');
    },
  };
}
