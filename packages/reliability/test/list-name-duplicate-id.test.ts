import { createLiveStreamClient, createLiveStreamRegistry, type WarningEvent } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import { checkSection } from './check-rows.js';
import { editListPages, listRuns, proxiedSandbox } from './proxied-sandbox.js';

/**
 * A stale copy of a stream's record, put on a list page beside the stream's own: the stream listed under a
 * name it no longer carries (renamed while the walk crosses pages, or a page that lists it twice).
 */
interface StaleCopy {
  /** Which stream, by its place in the vendor's order. */
  of: number;
  /** The name it carries: an old one, or a blank one (which LiveAPI keeps). */
  name: 'old' | 'blank';
  /** 1-based page it is put on (a page past the last is the last). */
  page: number;
  /** Where on that page, counted from its start (past the end is the end). */
  at: number;
}

const { counted } = checkSection('hardening.list-name-duplicate-id', 'lists');
const check =
  'list({ name }) and findByName find the stream sought though a stale copy of its record, under another name, comes first';

for (const adapterId of adapterIds) {
  // videosdk v2 rooms keep no name (`capabilities.names` false): there is no name to seek.
  if (adapterId !== 'videosdk-v2') describeAdapter(adapterId);
}

function describeAdapter(adapterId: AdapterId): void {
  const adapter = adapters[adapterId];
  // Pages of two where the vendor takes a size; LiveAPI sends pages of ten: enough streams to fill two pages.
  const perPage = adapter.sandboxPaging.pageSize ?? adapter.sandboxPaging.perPage;
  const streamCount = perPage + 2;
  const pages = Math.ceil(streamCount / perPage);
  describe(`a list for one name whose pages list a stream twice, under another name and its own: ${adapterId}`, () => {
    const stage = proxiedSandbox(adapter, {
      streams: streamCount,
      namePrefix: 'unilive duplicate id',
      retry: { maxRetries: 0 },
    });
    const { settings } = stage;

    /**
     * Puts the stale copies on the list pages the vendor sends: a copy of a record already on the page, with
     * the stream's id and the stale name. A walk on one page (no page size asked) gets every copy there.
     */
    function arm(copies: readonly StaleCopy[], ids: readonly string[], paged: boolean) {
      stage.proxy.reset();
      editListPages(stage.proxy, (records, page) => {
        const template = records[0];
        if (template === undefined) return;
        const idKey = '_id' in template ? '_id' : 'id';
        for (const copy of copies) {
          if (paged && Math.min(copy.page, pages) !== page) continue;
          const stale = {
            ...template,
            [idKey]: ids[copy.of],
            name: copy.name === 'old' ? 'an old name' : ' ',
          };
          records.splice(Math.min(copy.at, records.length), 0, stale);
        }
      });
    }

    it('list({ name }) and findByName find the stream sought though a record of its id under another name comes first, on its page or an earlier one; no warning, and no stream named otherwise', async () => {
      stage.proxy.reset();
      const plain = await createLiveStreamClient(adapter.factory(settings())).list().toArray();
      expect(plain).toHaveLength(streamCount);
      const ids = plain.map((stream) => stream.id);
      const copyArbitrary = fc.record({
        of: fc.nat({ max: streamCount - 1 }),
        name: fc.constantFrom<StaleCopy['name']>('old', 'blank'),
        page: fc.integer({ min: 1, max: pages }),
        at: fc.nat({ max: perPage + 1 }),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: streamCount - 1 }),
          fc.array(copyArbitrary, { maxLength: 6 }),
          (soughtAt, others) =>
            counted(check, adapterId, async () => {
              const sought = plain[soughtAt];
              if (sought?.name === undefined) throw new Error('the sandbox kept no name');
              // One stale copy of the stream sought at least, on its own page or an earlier one, before it.
              const home = Math.floor(soughtAt / perPage) + 1;
              const copies: StaleCopy[] = [{ of: soughtAt, name: 'old', page: 1, at: 0 }, ...others];
              const said = `${JSON.stringify(copies)}, looking for #${soughtAt} (page ${home})`;

              for (const pageSize of [adapter.sandboxPaging.pageSize, undefined]) {
                const warnings: WarningEvent[] = [];
                const client = createLiveStreamClient(adapter.factory(settings()), {
                  hooks: { onWarning: (event) => warnings.push(event) },
                });
                arm(copies, ids, pageSize !== undefined || pages > 1);
                const listed = await client
                  .list({ name: sought.name, ...(pageSize === undefined ? {} : { pageSize }) })
                  .toArray();
                expect(
                  listed.map((stream) => [stream.id, stream.name]),
                  `${said}, pageSize ${pageSize}`,
                ).toEqual([[sought.id, sought.name]]);
                expect(warnings, `${said}, pageSize ${pageSize}`).toEqual([]);
              }

              const warnings: WarningEvent[] = [];
              const registry = createLiveStreamRegistry({
                providers: { p: adapter.factory(settings()) },
                hooks: { onWarning: (event) => warnings.push(event) },
              });
              arm(copies, ids, pages > 1 && adapter.sandboxPaging.pageSize === undefined);
              const found = await registry.findByName(sought.name);
              stage.proxy.reset();
              expect(
                found.map((stream) => stream.ref),
                said,
              ).toEqual([`p:${sought.id}`]);
              expect(warnings, said).toEqual([]);
            }),
        ),
        { numRuns: listRuns },
      );
    });
  });
}
