import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dialectClients } from '../../test/dialect-clients.js';
import { startSandbox } from '../server.js';
import { type DashboardOverview, overviewStreamLimit } from './dashboard.js';

// With thousands of streams (a persisted sandbox a test suite has filled), the overview the page polls every
// second lists a bounded number of them per provider, and says how many there are.

describe('the dashboard overview of a provider with many streams', () => {
  it('lists every live stream, then the newest, up to the limit, in the provider order, with the total', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: overviewStreamLimit - 2, max: overviewStreamLimit + 40 }),
        fc.uniqueArray(fc.nat({ max: overviewStreamLimit + 39 }), { maxLength: 8 }),
        async (count, liveIndexes) => {
          const sandbox = await startSandbox({ media: false });
          try {
            const liveapi = dialectClients(sandbox.engine).liveapi!;
            const ids: string[] = [];
            for (let index = 0; index < count; index += 1) {
              ids.push(String((await liveapi.create(`show ${index}`))._id));
            }
            const live = new Set(liveIndexes.filter((index) => index < count).map((index) => ids[index]));
            for (const id of live) sandbox.setEncoder('liveapi', id as string, true);

            const response = await fetch(`${sandbox.url}/_sandbox/dashboard/overview.json`);
            const overview = (await response.json()) as DashboardOverview;
            const provider = overview.providers.find((entry) => entry.id === 'liveapi');
            // The newest fill what the live ones leave; the list keeps the provider's order.
            const newest = ids.filter((id) => !live.has(id)).slice(-(overviewStreamLimit - live.size));
            const expected =
              count <= overviewStreamLimit ? ids : ids.filter((id) => live.has(id) || newest.includes(id));
            expect(provider?.total).toBe(count);
            expect(provider?.streams.map((stream) => stream.id)).toEqual(expected);
            expect(provider?.streams.filter((stream) => stream.live).map((stream) => stream.id)).toEqual(
              ids.filter((id) => live.has(id)),
            );
          } finally {
            await sandbox.close();
          }
        },
      ),
      {
        numRuns: 6,
        examples: [
          [overviewStreamLimit, []],
          [overviewStreamLimit + 1, []],
          // The oldest stream is live: it stays listed though it is not among the newest.
          [overviewStreamLimit + 20, [0, 3]],
          [overviewStreamLimit - 1, [5]],
        ],
      },
    );
  });
});
