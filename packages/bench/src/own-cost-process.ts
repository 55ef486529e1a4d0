// Measures unilive's own cost per call (own-cost.ts) in a process of its own, which loads the harness, the
// adapters, ky and valibot and nothing else the benchmark uses. What else a process has loaded moves these
// figures: with ioredis imported (the fleet section's Redis client) bare ky's layer measured 22 → 30 µs per
// call and raw fetch 7.6 → 10 µs on this machine, though neither calls it. Started by `measureOwnCostApart`;
// sends its report over the IPC channel and exits.
import { measureOwnCost, type OwnCostOptions } from './own-cost.js';

const options = JSON.parse(process.argv[2] ?? '{}') as OwnCostOptions;
const report = await measureOwnCost(options);
process.send?.(report, () => process.disconnect());
