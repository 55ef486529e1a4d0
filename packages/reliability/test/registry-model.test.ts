import { startSandbox } from '@unilive/sandbox';
import { createMemoryProvider } from '@unilive/testing';
import { runRegistryModelContract } from '@unilive/testing/contract';
import { adapters } from '../src/adapters.js';

// The registry's model over three vendors on one sandbox and a memory provider: inputs only some of them
// take route by capability (SRT and WebRTC to Wowza Video, restream targets to LiveAPI, low latency and
// regions to the Wowza two, each taking its own region ids), and every call finds its vendor by reference.
// Names are not the vendors' ids, except `liveapi` on Wowza Real-Time: a LiveAPI stream's `provider` names
// it, so a stream handed back as a reference must be read by its `ref` alone.
runRegistryModelContract({
  name: 'LiveAPI, Wowza Real-Time, Wowza Video and memory on one sandbox',
  setup: async () => {
    const sandbox = await startSandbox({ transitionMs: 20, media: false });
    const build = (id: 'liveapi' | 'wowza-realtime' | 'wowza-video') =>
      adapters[id].factory({ ...sandbox.adapterSettings(adapters[id].provider), ...adapters[id].settings });
    return {
      providers: [
        { name: 'live', provider: build('liveapi') },
        { name: 'liveapi', provider: build('wowza-realtime'), regions: ['phoenix', 'amsterdam'] },
        { name: 'wv', provider: build('wowza-video'), regions: ['us_west_california'] },
        { name: 'mem', provider: createMemoryProvider({ token: 'registry-model-memory-token' }) },
      ],
      order: ['mem', 'wv', 'liveapi', 'live'],
      close: () => sandbox.close(),
    };
  },
});
