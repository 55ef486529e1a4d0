import type { MemoryBackend } from '../src/memory-backend.js';

/**
 * `backend` with its `fetch` replaced by `fetch` (which may call the backend's own), everything else the
 * backend's: for a test that watches or steps into the requests a memory provider makes.
 */
export function withFetch(backend: MemoryBackend, fetch: typeof globalThis.fetch): MemoryBackend {
  return {
    fetch,
    injectFault: backend.injectFault,
    clearFaults: backend.clearFaults,
    get counts() {
      return backend.counts;
    },
  };
}
