import { redisServer } from './redis-server.js';

// One line for the whole run, where the tests against a real Redis cannot run.
export default function setup(): void {
  if (!redisServer) {
    console.warn(
      '@unilive/redis: skipping the tests against a real Redis: no redis-server on PATH (apt-get install redis-server, as .ci/run does, to run them)',
    );
  }
}
