import ApiVideoClient from '@api.video/nodejs-client';
import Mux from '@mux/mux-node';
import { createLiveStreamClient } from '@unilive/core';
import { createProvider } from './providers.js';
import { bareKy, type RecordedGet, readAll, responseBytesOf } from './record.js';
import type { ReplayAnswer } from './replay-server.js';
import { apiVideoLiveStreamAnswer, muxLiveStreamAnswer, vendorStreamIds } from './vendor-answers.js';

/** What a client is. */
export type ClientKind = 'fetch' | 'ky' | 'mux' | 'api.video' | 'unilive';

/** One client reading one live stream from a replay server, as the side-by-side measurements call it. */
export interface Client {
  /** `unilive liveapi`, `Mux SDK`, `bare ky (liveapi answer)`… */
  name: string;
  kind: ClientKind;
  /** Whose answer it reads: an adapter's subject id, `mux` or `api.video`. */
  answer: string;
  /** What one call is. */
  call: string;
  /** Bytes of the answers one call reads. */
  responseBytes: number;
  /** HTTP requests one call sends. */
  requestsPerCall: number;
  run: () => Promise<unknown>;
}

/** The vendor SDKs' answers, by the replay route each SDK asks for. */
export const vendorRoutes: Record<'mux' | 'api.video', Record<string, ReplayAnswer>> = {
  mux: { [`GET /video/v1/live-streams/${vendorStreamIds.mux}`]: { status: 200, body: muxLiveStreamAnswer } },
  'api.video': {
    [`GET /live-streams/${vendorStreamIds.apiVideo}`]: { status: 200, body: apiVideoLiveStreamAnswer },
  },
};

/** Raw fetch, bare ky and unilive, each reading an adapter's recorded answers from a replay server at `origin`. */
export function uniliveClients(recorded: RecordedGet, origin: string): Client[] {
  const { subject, requests, streamId } = recorded;
  const basePath = new URL(recorded.settings.baseUrl).pathname;
  const common = {
    answer: subject.id,
    responseBytes: responseBytesOf(recorded),
    requestsPerCall: requests.length,
  };
  const sent = requests.map((request) => ({ url: `${origin}${request.path}`, headers: request.headers }));
  const api = bareKy();
  const client = createLiveStreamClient(
    createProvider(subject, { ...recorded.settings, baseUrl: `${origin}${basePath}` }),
  );
  return [
    {
      ...common,
      name: `raw fetch (${subject.id} answer)`,
      kind: 'fetch',
      call: 'fetch + JSON.parse',
      run: () =>
        readAll(sent, async ({ url, headers }) => JSON.parse(await (await fetch(url, { headers })).text())),
    },
    {
      ...common,
      name: `bare ky (${subject.id} answer)`,
      kind: 'ky',
      call: 'ky + JSON.parse',
      run: () =>
        readAll(sent, async ({ url, headers }) => JSON.parse(await (await api(url, { headers })).text())),
    },
    {
      ...common,
      name: `unilive ${subject.id}`,
      kind: 'unilive',
      call: 'client.get(id)',
      run: () => client.get(streamId),
    },
  ];
}

const tokenId = 'bench-token-id';
const tokenSecret = 'bench-token-secret';

// Raw fetch and bare ky on a vendor SDK's answer, with the Basic authorization both SDKs send.
function baselineClients(answer: 'mux' | 'api.video', url: string, body: string): Client[] {
  const headers = { accept: 'application/json', authorization: `Basic ${btoa(`${tokenId}:${tokenSecret}`)}` };
  const api = bareKy();
  const common = { answer, responseBytes: Buffer.byteLength(body), requestsPerCall: 1 };
  return [
    {
      ...common,
      name: `raw fetch (${answer} answer)`,
      kind: 'fetch',
      call: 'fetch + JSON.parse',
      run: async () => JSON.parse(await (await fetch(url, { headers })).text()),
    },
    {
      ...common,
      name: `bare ky (${answer} answer)`,
      kind: 'ky',
      call: 'ky + JSON.parse',
      run: async () => JSON.parse(await (await api(url, { headers })).text()),
    },
  ];
}

/** Raw fetch, bare ky and Mux's own SDK (`video.liveStreams.retrieve`), reading Mux's answer at `origin`. */
export function muxClients(origin: string): Client[] {
  const mux = new Mux({ tokenId, tokenSecret, baseURL: origin });
  return [
    ...baselineClients('mux', `${origin}/video/v1/live-streams/${vendorStreamIds.mux}`, muxLiveStreamAnswer),
    {
      name: 'Mux SDK',
      kind: 'mux',
      answer: 'mux',
      call: 'video.liveStreams.retrieve(id)',
      responseBytes: Buffer.byteLength(muxLiveStreamAnswer),
      requestsPerCall: 1,
      run: () => mux.video.liveStreams.retrieve(vendorStreamIds.mux),
    },
  ];
}

/** Raw fetch, bare ky and api.video's own SDK (`liveStreams.get`), reading api.video's answer at `origin`. */
export function apiVideoClients(origin: string): Client[] {
  const client = new ApiVideoClient({ apiKey: 'bench-api-key', baseUri: origin });
  return [
    ...baselineClients(
      'api.video',
      `${origin}/live-streams/${vendorStreamIds.apiVideo}`,
      apiVideoLiveStreamAnswer,
    ),
    {
      name: 'api.video SDK',
      kind: 'api.video',
      answer: 'api.video',
      call: 'liveStreams.get(id)',
      responseBytes: Buffer.byteLength(apiVideoLiveStreamAnswer),
      requestsPerCall: 1,
      run: () => client.liveStreams.get(vendorStreamIds.apiVideo),
    },
  ];
}

/** The stream id a client read, where its result names one (raw fetch and bare ky return the vendor's JSON). */
export function streamIdOf(kind: ClientKind, got: unknown): string | undefined {
  if (typeof got !== 'object' || got === null) return undefined;
  const id = (got as Record<string, unknown>)[kind === 'api.video' ? 'liveStreamId' : 'id'];
  return typeof id === 'string' ? id : undefined;
}
