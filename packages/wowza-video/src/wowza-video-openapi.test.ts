import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  AuthenticationError,
  ConflictError,
  InvalidInputError,
  type LiveStream,
  NotFoundError,
  type UniliveError,
} from '@unilive/core';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { loadFixtures } from '@unilive/testing';
import { expectWellFormedStream } from '@unilive/testing/contract';
import { OpenAPIBackend } from 'openapi-backend';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fixturesDirectory } from '../test/fixtures.js';
import { toWowzaVideoCreateBody, toWowzaVideoUpdateBody } from './convert-to-wowza-video-live-stream.js';
import { mapWowzaVideoIngest, mapWowzaVideoLiveStream } from './map-wowza-video-live-stream.js';
import {
  wowzaVideoBroadcastLocations,
  wowzaVideoConnectionCodeEnvelope,
  wowzaVideoLiveStreamEnvelope,
  wowzaVideoLiveStreamListEnvelope,
  wowzaVideoLiveStreamSchema,
  wowzaVideoStateEnvelope,
  wowzaVideoThumbnailEnvelope,
} from './wowza-video-api.js';
import { classifyWowzaVideoError, readWowzaVideoError } from './wowza-video-error.js';
import { wowzaVideo } from './wowza-video-provider.js';

// Fidelity to Wowza's own description: every request the adapter sends is validated against
// wowza-video-v2.0.openapi.yml (method, path, query, body schema, required fields, enums), and every documented
// example response parses through the adapter's schemas.

const vendorDirectory = fileURLToPath(new URL('../test/vendor/', import.meta.url));
type Json = Record<string, unknown>;
type Operation = { operationId: string; responses: Record<string, Json> };

// Parsed once for the whole file: the description is 1.9 MB.
const document = parse(readFileSync(`${vendorDirectory}wowza-video-v2.0.openapi.yml`, 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
};
const schemas = document.components.schemas;
const resolve = (schema: Json | undefined): Json | undefined =>
  schema && typeof schema.$ref === 'string' ? schemas[schema.$ref.split('/').at(-1) ?? ''] : schema;
const propertiesOf = (schema: Json | undefined) =>
  (resolve(schema)?.properties ?? {}) as Record<string, Json>;

const operations = Object.entries(document.paths)
  .filter(([path]) => path.startsWith('/live_streams'))
  .flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      path,
      method: method.toUpperCase(),
      ...operation,
    })),
  );

/**
 * The description made strict where Wowza's is open: request bodies may hold only the documented fields
 * (the published schemas allow any extra property, which would hide a misspelt field). One documented
 * defect is corrected: the live_stream examples carry `embed_code: null` while the schema says string.
 */
function strictDocument() {
  const strict = structuredClone(document);
  const close = (schema: Json | undefined) => {
    const target = resolve(schema);
    if (target?.type !== 'object') return;
    target.additionalProperties = false;
    for (const property of Object.values((target.properties ?? {}) as Record<string, Json>)) close(property);
  };
  for (const name of ['live_stream_create_input', 'live_stream_update_input']) {
    const input = strict.components.schemas[name] as Json;
    input.additionalProperties = false;
    close((input.properties as Record<string, Json>).live_stream);
  }
  const liveStreamProperties = (strict.components.schemas.live_stream as { properties: Record<string, Json> })
    .properties;
  liveStreamProperties.embed_code = { ...liveStreamProperties.embed_code, nullable: true };
  return strict;
}

const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
let api: OpenAPIBackend;

beforeAll(async () => {
  api = new OpenAPIBackend({
    definition: strictDocument() as never,
    apiRoot: '/api/v2.0',
    quick: true,
    customizeAjv: (ajv) => {
      ajv.addFormat('date-time', isoDateTime);
      return ajv;
    },
  });
  await api.init();
});

interface Exchange {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  response: unknown;
}

/** Validates one request against the description; returns its operationId. */
function expectDocumentedRequest(request: Omit<Exchange, 'status' | 'response'>): string {
  const query = Object.fromEntries(request.url.searchParams);
  const input = {
    method: request.method,
    path: request.url.pathname,
    query,
    headers: request.headers,
    body: request.body,
  };
  const operation = api.matchOperation(input);
  expect(
    operation?.operationId,
    `${request.method} ${request.url.pathname} is a documented operation`,
  ).toBeDefined();
  const result = api.validateRequest(input, operation);
  expect(result.errors ?? [], `${request.method} ${request.url.pathname}`).toEqual([]);
  // WV_JWT: "http", scheme "bearer".
  expect(request.headers.authorization).toMatch(/^Bearer [\w.-]+$/);
  if (request.body !== undefined) expect(request.headers['content-type']).toBe('application/json');
  return operation?.operationId ?? '';
}

function expectDocumentedResponse(operationId: string, status: number, body: unknown) {
  // A 204 has no content, which the validator reads as null.
  const result = api.validator.validateResponse(body ?? null, operationId, status);
  expect(result.errors ?? [], `${operationId} ${status} response`).toEqual([]);
}

describe('every request the adapter sends is a documented request', () => {
  let sandbox: Sandbox;
  const exchanges: Exchange[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const text = await request.clone().text();
    const response = await fetch(request);
    const responseText = await response.clone().text();
    const url = new URL(request.url);
    // The sandbox serves the dialect under /wowza-video; the vendor's own path starts after it.
    exchanges.push({
      method: request.method,
      url: new URL(url.pathname.replace(/^\/wowza-video/, '') + url.search, 'https://api.video.wowza.com'),
      headers: Object.fromEntries(request.headers.entries()),
      body: text ? JSON.parse(text) : undefined,
      status: response.status,
      response: responseText ? JSON.parse(responseText) : undefined,
    });
    return response;
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ transitionMs: 20 });
    const wowza = wowzaVideo({
      baseUrl: sandbox.baseUrl('wowza-video'),
      ...sandbox.credentials('wowza-video'),
      fetch: recordingFetch,
      retry: { maxRetries: 0 },
    });
    const waitFor = async (id: string, state: string) => {
      for (let attempt = 0; attempt < 100; attempt += 1) {
        if ((await wowza.getStatus(id)).state === state) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`stream ${id} never became ${state}`);
    };
    const png =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

    const created: LiveStream[] = [];
    for (const ingestProtocol of ['rtmp', 'webrtc', 'srt', 'rtsp'] as const) {
      created.push(
        await wowza.create({
          name: `unilive ${ingestProtocol}`,
          ingestProtocol,
          recording: true,
          lowLatency: false,
        }),
      );
    }
    for (const region of wowzaVideoBroadcastLocations)
      created.push(await wowza.create({ name: region, region }));
    created.push(
      await wowza.create({
        name: 'every option',
        region: 'eu_germany',
        recording: false,
        lowLatency: true,
        providerOptions: {
          'wowza-video': {
            encoder: 'other_rtmp',
            aspect_ratio_width: 1920,
            aspect_ratio_height: 1080,
            billing_mode: 'twentyfour_seven',
            transcoder_type: 'passthrough',
            closed_caption_type: 'both',
            delivery_method: 'push',
            delivery_protocols: ['rtmp', 'rtsp', 'webrtc', 'wowz'],
            description: 'every documented create option',
            disable_authentication: false,
            username: 'client.2_x-y',
            password: '68332313',
            use_stream_source: false,
            target_delivery_protocol: 'hls-https',
            save_asset: false,
            vod_stream: true,
            reference_id: 'mySystemID_01',
            player_id: '2205b4e8-b160-43c2-868d-d88698a4e850',
            hosted_page: {
              enabled: true,
              title: 'Launch',
              description: 'Watch',
              logo_image: png,
              sharing_icons: true,
            },
            security: {
              force_ssl_playback: true,
              geoblock_enabled: true,
              geoblock_by_location: 'allow',
              geoblock_country_codes: 'CA, DE',
              geoblock_ip_override: 'deny',
              geoblock_ip_addresses: '77.12.34.56',
              token_auth_enabled: true,
              token_auth_shared_secret: '12345678ABCDEF',
              token_auth_playlist_only: true,
            },
            logo_image: png,
            logo_position: 'bottom-right',
            video_poster_image: png,
            width: 800,
            watermark: true,
            watermark_image: png,
            watermark_position: 'top-left',
            watermark_opacity: 50,
            watermark_width: 100,
            watermark_height: 80,
            countdown: true,
            countdown_at: '2024-02-01T00:00:00.000Z',
            countdown_timezone: 'Europe/Berlin',
          },
        },
      }),
    );
    created.push(
      await wowza.create({
        name: 'pull camera',
        providerOptions: {
          'wowza-video': {
            encoder: 'ipcamera',
            delivery_method: 'pull',
            source_url: 'rtsp://camera.example.com/live',
          },
        },
      }),
    );
    const [first] = created;
    if (!first) throw new Error('nothing created');
    await wowza.get(first.id);
    for await (const _ of wowza.list({ pageSize: 7 })) {
      // Walks every page, fetching each stream.
    }
    await wowza.update(first.id, { name: 'renamed', recording: false });
    await wowza.update(first.id, {
      providerOptions: {
        'wowza-video': {
          encoder: 'other_webrtc',
          description: 'now WebRTC',
          remove_logo_image: true,
          remove_video_poster_image: true,
          hosted_page: { remove_logo_image: true, title: 'New title' },
          security: { token_auth_enabled: false },
        },
      },
    });
    await wowza.start(first.id);
    await waitFor(first.id, 'ready');
    await wowza.getThumbnailUrl(first.id);
    await wowza.reset(first.id);
    await waitFor(first.id, 'ready');
    await wowza.regenerateConnectionCode(first.id);
    await wowza.stop(first.id);
    await waitFor(first.id, 'stopped');
    await wowza.delete(first.id);
    await wowza.get(first.id).catch(() => undefined);
    await wowza.stop(first.id).catch(() => undefined);
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('covers every live stream operation of v2.0', () => {
    const seen = new Set(exchanges.map((exchange) => expectDocumentedRequest(exchange)));
    expect([...seen].sort()).toEqual(operations.map((operation) => operation.operationId).sort());
  });

  it('each request matches the operation, the query parameters, the body schema, its enums and required fields', () => {
    expect(exchanges.length).toBeGreaterThan(40);
    for (const exchange of exchanges) expectDocumentedRequest(exchange);
  });

  it('the sandbox answers each with a documented status and body', () => {
    for (const exchange of exchanges) {
      const operationId = expectDocumentedRequest(exchange);
      expectDocumentedResponse(operationId, exchange.status, exchange.response);
    }
    expect(exchanges.map((exchange) => exchange.status)).toEqual(
      expect.arrayContaining([200, 201, 204, 410]),
    );
  });

  it('the strict description refuses what Wowza does not document, so the checks above can fail', () => {
    const request = (body: unknown) => ({
      method: 'POST',
      url: new URL('https://api.video.wowza.com/api/v2.0/live_streams'),
      headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
      body,
    });
    const errorsOf = (body: unknown) => {
      const input = { ...request(body), path: '/api/v2.0/live_streams', query: {} };
      return api.validateRequest(input, 'createLiveStream').errors ?? [];
    };
    expect(
      errorsOf({
        live_stream: { name: 'n', broadcast_location: 'us_west_california', encoder: 'other_rtmp' },
      }),
    ).toEqual([]);
    expect(
      errorsOf({ live_stream: { name: 'n', broadcast_location: 'mars', encoder: 'other_rtmp' } }),
    ).not.toEqual([]);
    expect(errorsOf({ live_stream: { name: 'n', encoder: 'other_rtmp' } })).not.toEqual([]);
    expect(
      errorsOf({
        live_stream: { name: 'n', broadcast_location: 'us_west_california', encoder: 'x', idle: 1 },
      }),
    ).not.toEqual([]);
    expect(
      errorsOf({ name: 'n', broadcast_location: 'us_west_california', encoder: 'other_rtmp' }),
    ).not.toEqual([]);
  });
});

describe('every recorded fixture is a documented exchange', () => {
  const fixtures = loadFixtures(fixturesDirectory);
  // Statuses Wowza documents in prose ("REST API limits") or not at all, so its description has no schema.
  const undocumentedStatuses = new Set([409, 429, 503]);

  it.each([...fixtures.keys()])('%s', (name) => {
    const fixture = fixtures.get(name);
    if (!fixture) throw new Error(name);
    const url = new URL(fixture.request.path, 'https://api.video.wowza.com');
    const headers = fixture.request.headers ?? {};
    let operationId: string;
    if (name === 'create.error-subject') {
      // Its body is deliberately not compared; check it with the body the contract sends.
      expect(fixture.request.body).toBeUndefined();
      operationId = expectDocumentedRequest({
        method: fixture.request.method,
        url,
        headers,
        body: toWowzaVideoCreateBody({ name: 'unilive error subject' }).body,
      });
    } else {
      operationId = expectDocumentedRequest({
        method: fixture.request.method,
        url,
        headers,
        body: fixture.request.body,
      });
    }
    const status = fixture.response.status;
    if (undocumentedStatuses.has(status)) {
      const declared = operations.find((operation) => operation.operationId === operationId)?.responses ?? {};
      expect(Object.keys(declared)).not.toContain(String(status));
    } else {
      expectDocumentedResponse(operationId, status, fixture.response.body);
    }
  });
});

const parsersByOperation: Record<string, v.GenericSchema> = {
  createLiveStream: wowzaVideoLiveStreamEnvelope,
  showLiveStream: wowzaVideoLiveStreamEnvelope,
  updateLiveStream: wowzaVideoLiveStreamEnvelope,
  listLiveStreams: wowzaVideoLiveStreamListEnvelope,
  startLiveStream: wowzaVideoStateEnvelope,
  stopLiveStream: wowzaVideoStateEnvelope,
  resetLiveStream: wowzaVideoStateEnvelope,
  showLiveStreamState: wowzaVideoStateEnvelope,
  regenerateConnectionCodeLiveStream: wowzaVideoConnectionCodeEnvelope,
  showLiveStreamThumbnailUrl: wowzaVideoThumbnailEnvelope,
};

const expectedClassByCode: Record<string, typeof UniliveError> = {
  'ERR-401-NoApiKey': AuthenticationError,
  'ERR-401-NoAccessKey': AuthenticationError,
  'ERR-401-InvalidApiKey': AuthenticationError,
  'ERR-401-InvalidAccessKey': AuthenticationError,
  'ERR-401-BadAccountStatus': AuthenticationError,
  'ERR-401-FeatureNotEnabled': AuthenticationError,
  'ERR-401-TrialExceeded': AuthenticationError,
  'ERR-401-ExpiredToken': AuthenticationError,
  'ERR-401-InvalidToken': AuthenticationError,
  'ERR-403-RecordUnaccessible': AuthenticationError,
  'ERR-404-RecordNotFound': NotFoundError,
  'ERR-410-RecordDeleted': NotFoundError,
  'ERR-422-RecordInvalid': InvalidInputError,
  'ERR-422-InvalidStateChange': ConflictError,
  'ERR-422-NotAvailable': ConflictError,
  'ERR-423-StreamAlreadyStopped': ConflictError,
};

function expectErrorBodyMapped(body: unknown, status: number) {
  const details = readWowzaVideoError(body);
  const meta = (body as { meta: { code: string; message: string } }).meta;
  expect(details).toEqual({ code: meta.code, message: meta.message });
  const expected = expectedClassByCode[meta.code];
  expect(expected, `a class is chosen for ${meta.code}`).toBeDefined();
  const chosen =
    classifyWowzaVideoError({ status, operation: 'get', code: details.code, message: details.message }) ??
    // The HTTP layer's status default, as core applies it.
    {
      401: AuthenticationError,
      403: AuthenticationError,
      404: NotFoundError,
      422: InvalidInputError,
      423: ConflictError,
    }[status];
  expect(chosen?.kind).toBe(expected?.kind);
}

describe("every documented example response parses through the adapter's schemas", () => {
  interface Example {
    operationId: string;
    status: number;
    where: string;
    value: unknown;
  }
  const examples: Example[] = [];
  for (const operation of operations) {
    for (const [status, response] of Object.entries(operation.responses)) {
      const schema = resolve(
        (response.content as Record<string, { schema?: Json }> | undefined)?.['application/json']?.schema ??
          undefined,
      );
      if (!schema) continue;
      const where = `${operation.operationId} ${status}`;
      const add = (value: unknown, note: string) =>
        examples.push({
          operationId: operation.operationId,
          status: Number(status),
          where: `${where} ${note}`,
          value,
        });
      const example = schema.example as Json | undefined;
      if (example && Object.keys(example).every((key) => key.startsWith('Example Response'))) {
        for (const [key, value] of Object.entries(example)) add(value, key);
        continue;
      }
      if (example) {
        add(example, 'schema example');
        continue;
      }
      const inner = propertiesOf(schema).live_stream;
      const innerSchema = resolve(inner);
      if (innerSchema?.example) {
        add({ live_stream: innerSchema.example }, 'components.schemas.live_stream example, in its envelope');
      } else if (innerSchema?.properties) {
        // start/stop/reset/state/thumbnail/connection code: the examples are per property.
        const value = Object.fromEntries(
          Object.entries(innerSchema.properties as Record<string, Json>).map(([key, property]) => [
            key,
            property.example,
          ]),
        );
        add({ live_stream: value }, 'property examples');
      }
    }
  }

  it('finds examples for every live stream operation', () => {
    const withExamples = new Set(
      examples.filter((example) => example.status < 300).map((example) => example.operationId),
    );
    expect([...withExamples].sort()).toEqual(
      operations
        .filter((operation) => operation.method !== 'DELETE')
        .map((operation) => operation.operationId)
        .sort(),
    );
  });

  it('the createLiveStream 201 example lacks the live_stream envelope (a defect of the description)', () => {
    const example = examples.find((candidate) => candidate.where === 'createLiveStream 201 schema example');
    expect(example).toBeDefined();
    // The description's own response schema refuses its own example…
    expect(api.validator.validateResponse(example?.value, 'createLiveStream', 201).errors).not.toBeNull();
    // …and so does the adapter, because the real API wraps it (quick start, the Wowza Video quick start).
    expect(v.safeParse(wowzaVideoLiveStreamEnvelope, example?.value).success).toBe(false);
    // Wrapped as the schema requires, it parses and maps.
    const wrapped = v.parse(wowzaVideoLiveStreamEnvelope, { live_stream: example?.value });
    expect(mapWowzaVideoLiveStream(wrapped.live_stream, example?.value).playback.length).toBeGreaterThan(0);
  });

  it.each(
    examples.filter(
      (example) => example.status < 300 && example.where !== 'createLiveStream 201 schema example',
    ),
  )('$where', ({ operationId, value }) => {
    const parser = parsersByOperation[operationId];
    expect(parser, `a parser for ${operationId}`).toBeDefined();
    if (!parser) return;
    const result = v.safeParse(parser, value);
    expect(result.success, JSON.stringify(result.issues?.map((issue) => v.getDotPath(issue)))).toBe(true);
    if (parser === wowzaVideoLiveStreamEnvelope) {
      const stream = (value as { live_stream: unknown }).live_stream;
      const mapped = mapWowzaVideoLiveStream(v.parse(wowzaVideoLiveStreamSchema, stream), stream);
      expect(mapped.state).toBe('stopped');
      expect(mapped.playback.map((endpoint) => endpoint.protocol)).toEqual(
        expect.arrayContaining(['hls', 'embed', 'rtmp', 'rtsp', 'wowz', 'webrtc']),
      );
    }
  });

  it.each(examples.filter((example) => example.status >= 400))('$where', ({ value, status }) => {
    expectErrorBodyMapped(value, status);
  });
});

describe('every vendor example payload for live streams', () => {
  const files = readdirSync(`${vendorDirectory}examples`).sort();
  const read = (file: string) =>
    JSON.parse(readFileSync(`${vendorDirectory}examples/${file}`, 'utf8')) as Json;
  const responseParsers: [RegExp, v.GenericSchema][] = [
    [/^live_stream\.(create|fetch)\.response/, wowzaVideoLiveStreamEnvelope],
    [/^live_stream\.list\./, wowzaVideoLiveStreamListEnvelope],
    [/^live_stream\.(start|stop|reset|state)\./, wowzaVideoStateEnvelope],
    [/^live_stream\.regenerate_connection_code\./, wowzaVideoConnectionCodeEnvelope],
    [/^live_stream\.thumbnail_url\./, wowzaVideoThumbnailEnvelope],
  ];

  it('are all accounted for below', () => {
    const handled = files.filter(
      (file) =>
        file.startsWith('error.') ||
        file.includes('.request.') ||
        file.startsWith('live_stream.source_connection_information.') ||
        file === 'live_stream.stats.response.v1.9.json' ||
        responseParsers.some(([pattern]) => pattern.test(file)),
    );
    expect(handled).toEqual(files);
  });

  it.each(files.filter((file) => responseParsers.some(([pattern]) => pattern.test(file))))(
    '%s parses',
    (file) => {
      const parser = responseParsers.find(([pattern]) => pattern.test(file))?.[1];
      if (!parser) throw new Error(file);
      const result = v.safeParse(parser, read(file));
      expect(result.success, JSON.stringify(result.issues?.map((issue) => v.getDotPath(issue)))).toBe(true);
    },
  );

  it('live_stream.stats.response.v1.9.json belongs to /stats, which v2.0 removed', () => {
    expect(operations.some((operation) => operation.path.endsWith('/stats'))).toBe(false);
  });

  it.each(files.filter((file) => file.startsWith('error.')))('%s maps to its error class', (file) => {
    const body = read(file);
    expectErrorBodyMapped(body, (body as { meta: { status: number } }).meta.status);
  });

  it('the documented request bodies are what the adapter builds from the equivalent neutral input', () => {
    expect(toWowzaVideoCreateBody({ name: 'My Live Stream' }).body).toEqual(
      read('live_stream.create.request.minimal.json'),
    );
    expect(
      toWowzaVideoCreateBody({
        name: 'My New Live Stream',
        providerOptions: {
          'wowza-video': {
            transcoder_type: 'transcoded',
            billing_mode: 'pay_as_you_go',
            delivery_method: 'push',
            aspect_ratio_width: 1920,
            aspect_ratio_height: 1080,
          },
        },
      }).body,
    ).toEqual(read('live_stream.create.request.rtmp.json'));
    expect(
      toWowzaVideoCreateBody({
        name: 'My Live Stream',
        ingestProtocol: 'webrtc',
        providerOptions: { 'wowza-video': { delivery_method: 'push' } },
      }).body,
    ).toEqual(read('live_stream.create.request.webrtc.json'));
    expect(
      toWowzaVideoUpdateBody({
        name: 'My Updated Live Stream',
        recording: true,
        providerOptions: { 'wowza-video': { description: 'This is my first live stream.' } },
      }).body,
    ).toEqual(read('live_stream.update.request.json'));
  });

  it.each(files.filter((file) => file.includes('.request.')))('%s is a valid request', (file) => {
    const update = file.includes('update');
    expectDocumentedRequest({
      method: update ? 'PATCH' : 'POST',
      url: new URL(`https://api.video.wowza.com/api/v2.0/live_streams${update ? '/2adffc17' : ''}`),
      headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
      body: read(file),
    });
  });

  it('source_connection_information examples map to ingest endpoints where they are usable', () => {
    const ingestOf = (file: string, encoder: string) =>
      mapWowzaVideoIngest(v.parse(wowzaVideoLiveStreamSchema, { id: 'x', encoder, ...read(file) }));
    expect(ingestOf('live_stream.source_connection_information.rtmp.v1.json', 'other_rtmp')).toEqual([
      {
        protocol: 'rtmp',
        url: 'rtmp://client11469:edf107a4@78a4e8.entrypoint.cloud.wowza.com:1935/app-9c70/cceecfa9',
        server: 'rtmp://78a4e8.entrypoint.cloud.wowza.com:1935/app-9c70',
        streamKey: 'cceecfa9',
        username: 'client11469',
        password: 'edf107a4',
      },
    ]);
    // The quick start prints a "[subdomain]" placeholder, which is no URL; a real response has a host there.
    expect(ingestOf('live_stream.source_connection_information.webrtc.json', 'other_webrtc')).toEqual([]);
    // Pull: Wowza fetches the video itself, there is nothing to push to.
    expect(ingestOf('live_stream.source_connection_information.pull.v1.json', 'ipcamera')).toEqual([]);
  });
});

describe("the sandbox's streams are well formed for every encoder family", () => {
  it('create on the sandbox yields an ingest endpoint per protocol', async () => {
    const sandbox = await startSandbox({ transitionMs: 20 });
    try {
      const wowza = wowzaVideo({
        baseUrl: sandbox.baseUrl('wowza-video'),
        ...sandbox.credentials('wowza-video'),
      });
      for (const ingestProtocol of ['rtmp', 'webrtc', 'srt', 'rtsp'] as const) {
        const stream = await wowza.create({ name: ingestProtocol, ingestProtocol });
        expectWellFormedStream(stream, wowza);
        expect(stream.ingest.map((endpoint) => endpoint.protocol)).toEqual([ingestProtocol]);
      }
    } finally {
      await sandbox.close();
    }
  });
});
