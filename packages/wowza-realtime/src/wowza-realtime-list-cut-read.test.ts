import { fileURLToPath } from 'node:url';
import { loadFixture } from '@unilive/testing';
import { runListStepDeadlineContract } from '@unilive/testing/contract';
import { wowzaRealtime } from './wowza-realtime-provider.js';

// A list's detail read cut by its step's deadline ends the walk with its own TimeoutError (docs/errors.md,
// "In a list"; docs/decisions/2026-12-03-total-timeout-per-call.md): Wowza Real-Time reads each listed
// stream with `GET /real_time/{id}`.
const directory = fileURLToPath(new URL('../../../test-fixtures/wowza-realtime', import.meta.url));
const recorded = loadFixture(directory, 'get').response.body as { real_time_stream: Record<string, unknown> };
const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLW9mLXRlc3Q';
const base = '/api/v2.0/real_time';

runListStepDeadlineContract({
  provider: 'wowza-realtime',
  createProvider: (fetch, settings) => wowzaRealtime({ token, fetch, ...settings }),
  idOf: (index) => `strm${String(index).padStart(4, '0')}`,
  listPage: (url, { ids, page, perPage, total }) =>
    url.pathname === base
      ? {
          real_time_streams: ids.map((id) => ({ id, name: `stream ${id}`, state: 'stopped' })),
          pagination: {
            total_records: total,
            page,
            per_page: perPage,
            total_pages: Math.ceil(total / perPage),
          },
        }
      : undefined,
  readOf: (url) => url.pathname.slice(base.length + 1),
  readAnswer: (id) => ({ real_time_stream: { ...recorded.real_time_stream, id, name: `stream ${id}` } }),
  readPath: (id) => `${base}/${id}`,
});
