export {
  createRedisGateStore,
  createRedisGateStore as default,
  type RedisGateStore,
  RedisGateStoreError,
  type RedisGateStoreOptions,
  redisUrlVariable,
} from './redis-gate-store.js';
