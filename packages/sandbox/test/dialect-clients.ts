import { createHmac } from 'node:crypto';
import type { ProviderId } from '@unilive/core';
import { liveapiDialect } from '../src/dialects/liveapi.js';
import { videosdkDialect } from '../src/dialects/videosdk.js';
import { wowzaRealtimeDialect } from '../src/dialects/wowza-realtime.js';
import { wowzaVideoDialect } from '../src/dialects/wowza-video.js';
import type { SandboxEngine } from '../src/engine.js';
import type { SandboxResponse } from '../src/types.js';

type Body = Record<string, unknown>;

/** The few calls tests make on each vendor dialect, straight through the engine (no socket). */
export interface DialectClient {
  provider: ProviderId;
  create(name: string, fields?: Body): Promise<Body>;
  update(id: string, name: string): Promise<SandboxResponse>;
  /** Makes the stream accept video (start / enable); undefined where a stream always does. */
  start?(id: string): Promise<SandboxResponse>;
  /** Makes it refuse video (stop / disable); undefined where nothing can. */
  stop?(id: string): Promise<SandboxResponse>;
  delete(id: string): Promise<SandboxResponse>;
  /** The stream as the vendor's GET returns it (without envelope). */
  get(id: string): Promise<Body>;
}

function videosdkToken(): string {
  const { apiKey = '', secret = '' } = videosdkDialect.defaultCredentials();
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  // The server SDK's token: v1 reads its key and times, v2 its version and role too.
  const claims = {
    apikey: apiKey,
    permissions: ['allow_join'],
    version: 2,
    roles: ['crawler'],
    iat: now,
    exp: now + 600,
  };
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const authorizationOf: Record<string, () => string> = {
  'wowza-video': () => `Bearer ${wowzaVideoDialect.defaultCredentials().token}`,
  'wowza-realtime': () => `Bearer ${wowzaRealtimeDialect.defaultCredentials().token}`,
  liveapi: () => {
    const { tokenId, secretKey } = liveapiDialect.defaultCredentials();
    return `Basic ${Buffer.from(`${tokenId}:${secretKey}`).toString('base64')}`;
  },
  videosdk: videosdkToken,
};

/** Clients for every built-in dialect, over `engine`. */
/** A request to one dialect straight through the engine, with its default credentials: its response. */
export async function dialectRequest(
  engine: SandboxEngine,
  provider: ProviderId,
  method: string,
  path: string,
  body?: unknown,
): Promise<SandboxResponse> {
  const url = new URL(path, 'http://sandbox');
  const outcome = await engine.handle(provider, {
    method,
    path: url.pathname,
    query: url.searchParams,
    headers: new Headers({ authorization: authorizationOf[provider]?.() ?? '' }),
    body,
  });
  if (outcome.kind !== 'respond') throw new Error('dropped');
  return outcome.response;
}

export function dialectClients(engine: SandboxEngine): Record<string, DialectClient> {
  const send = (provider: ProviderId, method: string, path: string, body?: unknown) =>
    dialectRequest(engine, provider, method, path, body);
  const expectOk = (response: SandboxResponse): Body => {
    if (response.status >= 300)
      throw new Error(`status ${response.status}: ${JSON.stringify(response.body)}`);
    return (response.body ?? {}) as Body;
  };
  return {
    'wowza-video': {
      provider: 'wowza-video',
      async create(name, fields = {}) {
        const body = {
          live_stream: { name, broadcast_location: 'eu_germany', encoder: 'other_rtmp', ...fields },
        };
        return expectOk(await send('wowza-video', 'POST', '/live_streams', body)).live_stream as Body;
      },
      update: (id, name) => send('wowza-video', 'PATCH', `/live_streams/${id}`, { live_stream: { name } }),
      start: (id) => send('wowza-video', 'PUT', `/live_streams/${id}/start`),
      stop: (id) => send('wowza-video', 'PUT', `/live_streams/${id}/stop`),
      delete: (id) => send('wowza-video', 'DELETE', `/live_streams/${id}`),
      async get(id) {
        return expectOk(await send('wowza-video', 'GET', `/live_streams/${id}`)).live_stream as Body;
      },
    },
    'wowza-realtime': {
      provider: 'wowza-realtime',
      async create(name, fields = {}) {
        const body = { real_time_stream: { name, ...fields } };
        return expectOk(await send('wowza-realtime', 'POST', '/real_time', body)).real_time_stream as Body;
      },
      update: (id, name) =>
        send('wowza-realtime', 'PATCH', `/real_time/${id}`, { real_time_stream: { name } }),
      stop: (id) => send('wowza-realtime', 'PUT', `/real_time/${id}/stop`),
      delete: (id) => send('wowza-realtime', 'DELETE', `/real_time/${id}`),
      async get(id) {
        return expectOk(await send('wowza-realtime', 'GET', `/real_time/${id}`)).real_time_stream as Body;
      },
    },
    liveapi: {
      provider: 'liveapi',
      async create(name, fields = {}) {
        return expectOk(await send('liveapi', 'POST', '/live_streams', { name, ...fields }));
      },
      update: (id, name) => send('liveapi', 'PATCH', `/live_streams/${id}`, { name }),
      start: (id) => send('liveapi', 'PATCH', `/live_streams/${id}`, { enabled: true }),
      stop: (id) => send('liveapi', 'PATCH', `/live_streams/${id}`, { enabled: false }),
      delete: (id) => send('liveapi', 'DELETE', `/live_streams/${id}`),
      async get(id) {
        return expectOk(await send('liveapi', 'GET', `/live_streams/${id}`));
      },
    },
    videosdk: {
      provider: 'videosdk',
      async create(name, fields = {}) {
        return expectOk(await send('videosdk', 'POST', '/v1/livestreams', { name, ...fields }));
      },
      update: (id, name) => send('videosdk', 'POST', `/v1/livestreams/${id}`, { name }),
      delete: (id) => send('videosdk', 'DELETE', `/v1/livestreams/${id}`),
      async get(id) {
        return expectOk(await send('videosdk', 'GET', `/v1/livestreams/${id}`));
      },
    },
  };
}

/** The id field of a vendor stream object. */
export function idOf(stream: Body): string {
  return String(stream.id ?? stream._id);
}
