import { fileURLToPath } from 'node:url';
import { loadFixture } from '@unilive/testing';
import { runCallDeadlineContract } from '@unilive/testing/contract';
import { wowzaRealtime } from './wowza-realtime-provider.js';

// `totalTimeoutMs` bounds a whole call, and each step of a list on its own
// (docs/decisions/2026-12-03-total-timeout-per-call.md): Wowza Real-Time's stop is read back, and its list
// reads each stream.
const directory = fileURLToPath(new URL('../../../test-fixtures/wowza-realtime', import.meta.url));
const recorded = loadFixture(directory, 'get').response.body as { real_time_stream: Record<string, unknown> };
const streamId = recorded.real_time_stream.id as string;
const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLW9mLXRlc3Q';
const listPath = '/api/v2.0/real_time';

runCallDeadlineContract({
  provider: 'wowza-realtime',
  createProvider: (fetch, settings) => wowzaRealtime({ token, fetch, ...settings }),
  streamId,
  listPath,
  listAnswer: (ids) => ({
    real_time_streams: ids.map((id) => ({
      id,
      name: `stream ${id}`,
      state: 'stopped',
      created_at: '2026-01-05T10:00:00.000Z',
      updated_at: '2026-01-05T10:00:00.000Z',
    })),
    pagination: { total_records: ids.length, page: 1, per_page: 1000, total_pages: 1 },
  }),
  readAnswer: (id) => ({ real_time_stream: { ...recorded.real_time_stream, id, name: `stream ${id}` } }),
  notFoundAnswer: {
    meta: { status: 404, code: 'ERR-404-RecordNotFound', title: 'Record Not Found Error', message: 'x' },
  },
  change: {
    operation: 'stop',
    method: 'PUT',
    path: `${listPath}/${streamId}/stop`,
    answer: { real_time_stream: { state: 'stopped' } },
  },
});
