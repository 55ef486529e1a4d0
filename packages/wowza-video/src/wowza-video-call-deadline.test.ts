import { runCallDeadlineContract } from '@unilive/testing/contract';
import { fixture, fixtureToken } from '../test/fixtures.js';
import { wowzaVideo } from './wowza-video-provider.js';

// `totalTimeoutMs` bounds a whole call, and each step of a list on its own
// (docs/decisions/2026-12-03-total-timeout-per-call.md): Wowza Video's start is read back, and its list
// reads each stream's details.
const recorded = fixture('get').response.body as { live_stream: Record<string, unknown> };
const streamId = recorded.live_stream.id as string;
const listPath = '/api/v2.0/live_streams';

runCallDeadlineContract({
  provider: 'wowza-video',
  createProvider: (fetch, settings) => wowzaVideo({ token: fixtureToken, fetch, ...settings }),
  streamId,
  listPath,
  listAnswer: (ids) => ({
    live_streams: ids.map((id) => ({
      id,
      name: `stream ${id}`,
      state: 'stopped',
      created_at: '2026-01-05T10:00:00.000Z',
      updated_at: '2026-01-05T10:00:00.000Z',
    })),
    pagination: { total_records: ids.length, page: 1, per_page: 1000, total_pages: 1 },
  }),
  readAnswer: (id) => ({ live_stream: { ...recorded.live_stream, id, name: `stream ${id}` } }),
  notFoundAnswer: {
    meta: { status: 404, code: 'ERR-404-RecordNotFound', title: 'Record Not Found Error', message: 'x' },
  },
  change: {
    operation: 'start',
    method: 'PUT',
    path: `${listPath}/${streamId}/start`,
    answer: { live_stream: { state: 'starting' } },
  },
  listOptions: { details: true },
});
