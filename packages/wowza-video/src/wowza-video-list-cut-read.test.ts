import { runListStepDeadlineContract } from '@unilive/testing/contract';
import { fixture, fixtureToken } from '../test/fixtures.js';
import { wowzaVideo } from './wowza-video-provider.js';

// A list's detail read cut by its step's deadline ends the walk with its own TimeoutError (docs/errors.md,
// "In a list"; docs/decisions/2026-12-03-total-timeout-per-call.md): Wowza Video reads each listed stream's
// details (`details: true`) with `GET /live_streams/{id}`.
const recorded = fixture('get').response.body as { live_stream: Record<string, unknown> };
const base = '/api/v2.0/live_streams';

runListStepDeadlineContract({
  provider: 'wowza-video',
  createProvider: (fetch, settings) => wowzaVideo({ token: fixtureToken, fetch, ...settings }),
  idOf: (index) => `strm${String(index).padStart(4, '0')}`,
  listPage: (url, { ids, page, perPage, total }) =>
    url.pathname === base
      ? {
          live_streams: ids.map((id) => ({ id, name: `stream ${id}`, state: 'stopped' })),
          pagination: {
            total_records: total,
            page,
            per_page: perPage,
            total_pages: Math.ceil(total / perPage),
          },
        }
      : undefined,
  readOf: (url) => url.pathname.slice(base.length + 1),
  readAnswer: (id) => ({ live_stream: { ...recorded.live_stream, id, name: `stream ${id}` } }),
  readPath: (id) => `${base}/${id}`,
  listOptions: { details: true },
});
