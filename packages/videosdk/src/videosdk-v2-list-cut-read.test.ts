import { fileURLToPath } from 'node:url';
import { type Fixture, loadFixture } from '@unilive/testing';
import { runListStepDeadlineContract } from '@unilive/testing/contract';
import { videosdk } from './index.js';

// A list's detail read cut by its step's deadline ends the walk with its own TimeoutError (docs/errors.md,
// "In a list"; docs/decisions/2026-12-03-total-timeout-per-call.md): videosdk v2 reads each listed room's
// state with `GET /v2/hls/{roomId}/active`.
const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const fixture = (name: string): Fixture => loadFixture(directory, name);
const token = fixture('v2-rooms-get').request.headers?.authorization ?? '';
const room = fixture('v2-rooms-get').response.body as Record<string, unknown>;
const hls = fixture('v2-hls-active').response.body as { data: Record<string, unknown> };

runListStepDeadlineContract({
  provider: 'videosdk',
  title: "v2 list: a room's state read cut by the step's deadline",
  createProvider: (fetch, settings) => videosdk({ token, apiVersion: 'v2', fetch, ...settings }),
  idOf: (index) => `abcd-efgh-${String(index).padStart(4, '0')}`,
  listPage: (url, { ids, page, perPage, total }) =>
    url.pathname === '/v2/rooms'
      ? {
          data: ids.map((roomId) => ({ ...room, roomId })),
          pageInfo: { currentPage: page, perPage, lastPage: Math.ceil(total / perPage), total },
        }
      : undefined,
  readOf: (url) => url.pathname.split('/')[3] ?? '',
  readAnswer: (id) => ({ ...hls, data: { ...hls.data, roomId: id } }),
  readPath: (id) => `/v2/hls/${id}/active`,
});
