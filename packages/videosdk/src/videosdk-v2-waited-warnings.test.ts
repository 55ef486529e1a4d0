import { fileURLToPath } from 'node:url';
import { createLiveStreamClient, type WarningEvent } from '@unilive/core';
import { loadFixture } from '@unilive/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { videosdk } from './index.js';

// Found by an outside probe (EA, finding 6): `waitForState` returned a stream carrying the RTMP-out read's
// `incomplete-answer` warning that `onWarning` never heard (a `get` of the same stream is heard), and the
// warning named `videosdk get` although the caller's call was `waitForState`.

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const body = (name: string) =>
  loadFixture(directory, name).response.body as { data: Record<string, unknown> } & Record<string, unknown>;
const token = loadFixture(directory, 'v2-rooms-get').request.headers?.authorization ?? '';
const room = 'abcd-efgh-ijkl';
const roomBody = body('v2-rooms-get');
const egressBody = body('v2-hls-active');
const session = String(egressBody.data.sessionId);

beforeEach(() => {
  for (const name of ['VIDEOSDK_TOKEN', 'VIDEOSDK_API_KEY', 'VIDEOSDK_SECRET', 'VIDEOSDK_API_VERSION'])
    vi.stubEnv(name, '');
});
afterEach(() => vi.unstubAllEnvs());

// A vendor whose RTMP-out read ignores `page`: page 1 answered whatever page is asked for.
function client() {
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(new Request(input, init).url);
    const answer =
      url.pathname === `/v2/rooms/${room}`
        ? roomBody
        : url.pathname === `/v2/hls/${room}/active`
          ? egressBody
          : {
              pageInfo: { currentPage: 1, perPage: 20, lastPage: 3, total: 3 },
              data: [
                {
                  id: 'r1',
                  roomId: room,
                  sessionId: session,
                  outputs: [{ url: 'rtmp://x.example/live', streamKey: 'Zk9QxW7restreamkey' }],
                  end: null,
                },
              ],
            };
    return new Response(JSON.stringify(answer), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  const heard: WarningEvent[] = [];
  const live = createLiveStreamClient(
    videosdk({ token, apiVersion: 'v2', retry: { maxRetries: 0 }, fetch }),
    { hooks: { onWarning: (event) => heard.push(event) } },
  );
  return { live, heard };
}

const warning = (operation: string) => ({
  type: 'incomplete-answer',
  setting: 'restream',
  message: `videosdk ${operation}: the vendor's RTMP-out pages of stream ${room} could not all be read (page 2 was asked for and page 1 answered: the server seems to ignore the page parameter), so \`restream\` may lack running RTMP-outs: it lists the 1 read`,
});

describe('videosdk v2: the warnings of a stream a wait returns', () => {
  it('reach onWarning once, named as waitForState', async () => {
    const { live, heard } = client();
    const stream = await live.waitForState(room, 'ready', { timeoutMs: 3000 });
    expect(stream.state).toBe('ready');
    expect(stream.warnings).toEqual([warning('waitForState (get)')]);
    expect(heard).toEqual([
      { provider: 'videosdk', operation: 'waitForState', warning: warning('waitForState (get)') },
    ]);
  });

  it('a get is heard once, as before', async () => {
    const { live, heard } = client();
    const stream = await live.get(room);
    expect(stream.warnings).toEqual([warning('get')]);
    expect(heard).toEqual([{ provider: 'videosdk', operation: 'get', warning: warning('get') }]);
  });
});
