import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, oddRecordId } from './engine.js';
import type { Fault, SandboxDialect, SandboxRequest } from './types.js';

// A dialect whose list pages through `context.page`, as every real dialect's does, and whose items can
// be read and started.
const pager: SandboxDialect = {
  id: 'pager',
  basePath: '/v1',
  defaultCredentials: () => ({}),
  operationOf: (request) =>
    request.path === '/items'
      ? request.method === 'GET'
        ? 'list'
        : 'create'
      : request.path.endsWith('/start')
        ? 'start'
        : 'get',
  error: (kind, status, message) => ({ status, body: { error: { kind, message } } }),
  handle(request, context) {
    const items = context.collection<{ id: string }>('items');
    if (request.path === '/items' && request.method === 'POST') {
      const id = `item${items.size + 1}`;
      items.set(id, { id });
      return { status: 201, body: { id } };
    }
    if (request.path === '/items') {
      const asked = Number(request.query.get('page') ?? '1');
      const perPage = Number(request.query.get('per_page') ?? '2');
      const { records, page, total } = context.page([...items.values()], asked, perPage);
      return { status: 200, body: { items: records, page, total } };
    }
    if (request.path.endsWith('/start')) return { status: 200, body: { state: 'starting' } };
    return { status: 200, body: { id: request.path.split('/')[2] } };
  },
};

const request = (method: string, path: string, query = ''): SandboxRequest => ({
  method,
  path,
  query: new URLSearchParams(query),
  headers: new Headers(),
  body: undefined,
});

async function engineWith(count: number) {
  const engine = createEngine({ dialects: [pager] });
  for (let index = 0; index < count; index += 1) await engine.handle('pager', request('POST', '/items'));
  return engine;
}

async function page(engine: Awaited<ReturnType<typeof engineWith>>, number: number, perPage = 2) {
  const outcome = await engine.handle(
    'pager',
    request('GET', '/items', `page=${number}&per_page=${perPage}`),
  );
  if (outcome.kind !== 'respond') throw new Error('dropped');
  return outcome.response.body as { items: { id: string }[]; page: number; total: number };
}

const ids = (body: { items: { id: string }[] }) => body.items.map((item) => item.id);

describe('list faults', () => {
  it('serve pages normally without a fault', async () => {
    const engine = await engineWith(5);
    expect(await page(engine, 1)).toEqual({ items: [{ id: 'item1' }, { id: 'item2' }], page: 1, total: 5 });
    expect(ids(await page(engine, 3))).toEqual(['item5']);
  });

  it('ignore-page: page 1 whatever is asked, reported as page 1', async () => {
    const engine = await engineWith(5);
    engine.injectFault('pager', 'list', { type: 'paging', mode: 'ignore-page', times: 2 });
    expect(await page(engine, 2)).toEqual({ items: [{ id: 'item1' }, { id: 'item2' }], page: 1, total: 5 });
    expect(ids(await page(engine, 3))).toEqual(['item1', 'item2']);
    // The fault is spent: page 3 is page 3 again.
    expect(ids(await page(engine, 3))).toEqual(['item5']);
  });

  it('repeat-page: page 1 under the page number asked, with the whole list counted', async () => {
    const engine = await engineWith(5);
    engine.injectFault('pager', 'list', { type: 'paging', mode: 'repeat-page' });
    expect(await page(engine, 2)).toEqual({ items: [{ id: 'item1' }, { id: 'item2' }], page: 2, total: 5 });
  });

  it('shift: every record is served, none twice beyond the overlap, and the count grows by the streams created', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 2, max: 5 }),
        async (count, perPage) => {
          const engine = await engineWith(count);
          engine.injectFault('pager', 'list', { type: 'paging', mode: 'shift', times: 1_000 });
          const seen = new Set<string>();
          for (let number = 1; number <= 40; number += 1) {
            const body = await page(engine, number, perPage);
            expect(body.page).toBe(number);
            expect(body.total).toBe(count + number - 1);
            for (const id of ids(body)) seen.add(id);
            if (number >= Math.ceil(body.total / perPage)) break;
          }
          expect(seen.size).toBe(count);
        },
      ),
      { numRuns: 40 },
    );
    const engine = await engineWith(3);
    engine.injectFault('pager', 'list', { type: 'paging', mode: 'shift', times: 2 });
    expect(ids(await page(engine, 1))).toEqual(['item1', 'item2']);
    expect(ids(await page(engine, 2))).toEqual(['item2', 'item3']);
  });

  it('odd-record: one more record, a copy of the first with an id no client would put in a URL', async () => {
    const engine = await engineWith(3);
    engine.injectFault('pager', 'list', { type: 'odd-record' });
    expect(await page(engine, 1)).toEqual({
      items: [{ id: 'item1' }, { id: 'item2' }, { id: oddRecordId }],
      page: 1,
      total: 4,
    });
    engine.injectFault('pager', 'list', { type: 'odd-record', id: 'other:1' });
    expect(ids(await page(engine, 2))).toEqual(['item3', 'other:1']);
    expect(ids(await page(engine, 1))).toEqual(['item1', 'item2']);
  });

  it('read-back-fails: the change is answered, then the next reads fail with the status asked', async () => {
    const engine = await engineWith(1);
    engine.injectFault('pager', 'start', { type: 'read-back-fails', status: 502, reads: 2 });
    const started = await engine.handle('pager', request('PUT', '/items/item1/start'));
    expect(started).toEqual({ kind: 'respond', response: { status: 200, body: { state: 'starting' } } });
    const statuses = [];
    for (let index = 0; index < 3; index += 1) {
      const outcome = await engine.handle('pager', request('GET', '/items/item1'));
      statuses.push(outcome.kind === 'respond' ? outcome.response.status : 'dropped');
    }
    expect(statuses).toEqual([502, 502, 200]);
  });

  it('refuses list faults it cannot serve, naming what exists', () => {
    const engine = createEngine({ dialects: [pager] });
    const bad: unknown[] = [
      { type: 'paging', mode: 'sideways' },
      { type: 'odd-record', id: '' },
      { type: 'read-back-fails', status: 418 },
      { type: 'read-back-fails', reads: 0 },
    ];
    for (const fault of bad) {
      expect(() => engine.injectFault('pager', 'list', fault as Fault), JSON.stringify(fault)).toThrow();
    }
  });
});
