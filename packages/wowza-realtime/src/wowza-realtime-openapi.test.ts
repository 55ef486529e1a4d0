import { readdirSync, readFileSync } from 'node:fs';
import { SecretSet } from '@unilive/core';
import { type Fixture, loadFixtures } from '@unilive/testing';
import { type Document, OpenAPIBackend, type Operation } from 'openapi-backend';
import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  answerOf,
  type CannedResponse,
  fixtureDirectory,
  fixtureToken,
  type RecordedRequest,
} from '../test/recording-fetch.js';
import { mapWowzaRealtimeStream } from './map-wowza-realtime-stream.js';
import {
  wowzaRealtimeListSchema,
  wowzaRealtimeStateSchema,
  wowzaRealtimeStopSchema,
  wowzaRealtimeStreamEnvelopeSchema,
} from './wowza-realtime-api.js';
import { readWowzaRealtimeError } from './wowza-realtime-error.js';
import { wowzaRealtime } from './wowza-realtime-provider.js';

// The vendor's own OpenAPI description, reduced to /real_time and what it references (see the file's
// header). Every request the adapter sends is checked against it: route and method, path and query
// parameters, the body schema (required fields, types, enums) and, beyond what the schema can say since
// it allows extra properties, that no field outside the schema is sent.
const definition = parse(
  readFileSync(
    new URL('openapi/wowza-video-v2.0.real-time.openapi.yml', `file://${fixtureDirectory}/`),
    'utf8',
  ),
) as Document;
const vendorExamples = new URL('vendor-examples/', `file://${fixtureDirectory}/`);
const vendorExample = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(name, vendorExamples), 'utf8'));

// `expires_on` is typed `format: date-time` but described and exemplified as "YYYY-MM-DD HH:MM:SS UTC"
// (example "2021-10-27 23:08:55 UTC"): the format accepts RFC 3339 and the form the vendor documents.
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;
const vendorDateTime = /^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2} UTC)?$/;

let api: OpenAPIBackend;
beforeAll(async () => {
  api = new OpenAPIBackend({
    definition,
    apiRoot: '/api/v2.0',
    coerceTypes: true,
    customizeAjv: (ajv) => {
      ajv.addFormat('date-time', {
        type: 'string',
        validate: (value) => rfc3339.test(value) || vendorDateTime.test(value),
      });
      return ajv;
    },
  });
  await api.init();
});

/** The value at a path of plain JSON, or undefined. */
const at = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>(
    (node, key) =>
      typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined,
    value,
  );

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

/** Fields present in `value` that `schema` does not declare, as dot paths. */
function undeclared(value: unknown, schema: SchemaNode | undefined, path = ''): string[] {
  if (!schema || typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value))
    return value.flatMap((item, index) => undeclared(item, schema.items, `${path}${index}.`));
  if (!schema.properties) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const declared = schema.properties?.[key];
    return declared ? undeclared(child, declared, `${path}${key}.`) : [`${path}${key}`];
  });
}

/** Checks one request against the description; returns the operation id and every problem found. */
function check(request: { method: string; path: string; headers: Record<string, string>; body?: unknown }) {
  const url = new URL(request.path, 'https://api.video.wowza.com');
  const query = Object.fromEntries(url.searchParams);
  const req = {
    method: request.method,
    path: url.pathname,
    query,
    headers: request.headers,
    body: request.body,
  };
  const operation = api.matchOperation(req) as Operation | undefined;
  if (!operation)
    return { operationId: undefined, problems: [`no operation for ${request.method} ${url.pathname}`] };
  const problems: string[] = [];
  const result = api.validateRequest(req, operation);
  for (const error of result.errors ?? []) problems.push(`${error.instancePath || '/'} ${error.message}`);
  const bodySchema =
    operation.requestBody && 'content' in operation.requestBody
      ? (operation.requestBody.content['application/json']?.schema as SchemaNode | undefined)
      : undefined;
  if (request.body !== undefined && !bodySchema) problems.push('a body where the operation takes none');
  if (request.body === undefined && bodySchema) problems.push('no body where the operation requires one');
  for (const field of undeclared(request.body, bodySchema))
    problems.push(`body field ${field} is not in the schema`);
  if (!/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(request.headers.authorization ?? '')) {
    problems.push('no Authorization: Bearer <JWT> header');
  }
  if (request.body !== undefined && request.headers['content-type'] !== 'application/json') {
    problems.push('a JSON body without Content-Type: application/json');
  }
  return { operationId: operation.operationId, problems };
}

/** A fake vendor that checks every request against the description and answers per operation id. */
function validatingVendor(answers: Record<string, CannedResponse[]>) {
  const seen: { operationId: string | undefined; request: RecordedRequest; problems: string[] }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const text = await request.text();
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const url = new URL(request.url);
    const recorded: RecordedRequest = {
      method: request.method,
      url: request.url,
      headers,
      ...(text ? { body: JSON.parse(text) } : {}),
    };
    const { operationId, problems } = check({ ...recorded, path: `${url.pathname}${url.search}` });
    seen.push({ operationId, request: recorded, problems });
    const answer = operationId ? answers[operationId]?.shift() : undefined;
    if (!answer) throw new Error(`no answer for ${operationId ?? `${request.method} ${request.url}`}`);
    const body = answer.body === undefined ? null : JSON.stringify(answer.body);
    return new Response(body, { status: answer.status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch, seen };
}

describe('requests the adapter sends match the vendor OpenAPI description', () => {
  it('for every operation, with every option the adapter can send', async () => {
    const vendor = validatingVendor({
      createRealTimeStream: [answerOf('create'), answerOf('create.secure-viewer')],
      showRealTimeStream: [
        answerOf('get'),
        answerOf('list.detail-if7le8ip'),
        answerOf('get'),
        answerOf('list.detail-if7le8ip'),
        answerOf('get'),
        answerOf('get'),
        answerOf('start'),
        answerOf('get.stopped'),
        answerOf('get.stopped'),
      ],
      listRealTimeStreams: [answerOf('list'), answerOf('list.page-1-of-2'), answerOf('list.page-2-of-2')],
      updateRealTimeStream: [answerOf('update'), answerOf('update.keep-name')],
      deleteRealTimeStream: [answerOf('delete')],
      stopRealTimeStream: [answerOf('stop'), answerOf('stop.already-stopped')],
      showRealTimeStreamState: [answerOf('state.started')],
    });
    const provider = wowzaRealtime({ token: fixtureToken, fetch: vendor.fetch, retry: { maxRetries: 0 } });

    await provider.create({ name: 'unilive contract stream' });
    await provider.create({
      name: 'auction floor',
      region: 'bangalore',
      recording: true,
      providerOptions: {
        'wowza-realtime': {
          description: 'Sub-second bids',
          enable_secure_viewer: true,
          expires_on: new Date('2030-01-01T00:00:00Z'),
          disable_vod_encoder: true,
          reference_id: 'order-42:floor|A',
          enable_player_and_hosted_page: true,
          player_id: '2205b4e8-b160-43c2-868d-d88698a4e850',
          hosted_page: {
            title: 'Bids',
            description: 'Live bids',
            logo_image_url: 'https://example.com/l.png',
            sharing_icons: false,
          },
          logo_image: 'iVBORw0KGgo=',
          logo_position: 'bottom-left',
          video_poster_image: 'R0lGODlhAQABAAAAACw=',
          width: 640,
        },
      },
    });
    await provider.get('2adffc17');
    for await (const _ of provider.list()) {
      // walks one page and its details
    }
    for await (const _ of provider.list({ pageSize: 1 })) {
      // walks two pages and their details
    }
    await provider.update('2adffc17', { name: 'unilive contract stream (renamed)' });
    await provider.update('2adffc17', {
      region: 'auto',
      providerOptions: {
        'wowza-realtime': {
          description: 'd',
          enable_secure_viewer: true,
          expires_on: '2030-01-01T12:30:00Z',
          reference_id: 'r1',
          player_id: 'p1',
          hosted_page: {
            title: 't',
            description: 'd',
            logo_image_url: 'https://example.com/l.png',
            sharing_icons: true,
          },
          logo_image: 'iVBORw0KGgo=',
          logo_position: 'top-left',
          video_poster_image: 'R0lGODlhAQABAAAAACw=',
          remove_logo_image: false,
          remove_video_poster_image: true,
          width: 480,
        },
      },
    });
    await provider.start('2adffc17');
    await provider.stop('2adffc17');
    await provider.stop('2adffc17');
    await provider.getStatus?.('2adffc17');
    await provider.delete('2adffc17');

    expect(
      vendor.seen.flatMap(({ operationId, problems }) => problems.map((p) => `${operationId}: ${p}`)),
    ).toEqual([]);
    expect(new Set(vendor.seen.map(({ operationId }) => operationId))).toEqual(
      new Set([
        'createRealTimeStream',
        'listRealTimeStreams',
        'showRealTimeStream',
        'updateRealTimeStream',
        'deleteRealTimeStream',
        'stopRealTimeStream',
        'showRealTimeStreamState',
      ]),
    );
    expect(vendor.seen).toHaveLength(20);
  });

  it('and the checker catches what the description forbids', () => {
    const headers = { authorization: `Bearer ${fixtureToken}`, 'content-type': 'application/json' };
    const problems = (request: Parameters<typeof check>[0]) => check(request).problems;
    expect(
      problems({
        method: 'PATCH',
        path: '/api/v2.0/real_time/2adffc17',
        headers,
        body: { real_time_stream: { region: 'amsterdam' } },
      }),
    ).toEqual(["/requestBody/real_time_stream must have required property 'name'"]);
    expect(
      problems({
        method: 'POST',
        path: '/api/v2.0/real_time',
        headers,
        body: { real_time_stream: { name: 'n', region: 'emea' } },
      }),
    ).toEqual(['/requestBody/real_time_stream/region must be equal to one of the allowed values']);
    expect(
      problems({
        method: 'POST',
        path: '/api/v2.0/real_time',
        headers,
        body: { real_time_stream: { name: 'n', recording: 'yes' } },
      }),
    ).toEqual(['/requestBody/real_time_stream/recording must be boolean']);
    expect(
      problems({
        method: 'PATCH',
        path: '/api/v2.0/real_time/x',
        headers,
        body: { real_time_stream: { name: 'n', recording: true } },
      }),
    ).toEqual(['body field real_time_stream.recording is not in the schema']);
    expect(
      problems({
        method: 'POST',
        path: '/api/v2.0/real_time',
        headers,
        body: { real_time_stream: { name: 'n', expires_on: 'tomorrow' } },
      }),
    ).toEqual(['/requestBody/real_time_stream/expires_on must match format "date-time"']);
    expect(
      problems({
        method: 'GET',
        path: '/api/v2.0/real_time?page=1&size=5',
        headers: { authorization: 'Bearer: x' },
      }),
    ).toEqual(['/query must NOT have additional properties', 'no Authorization: Bearer <JWT> header']);
    expect(
      check({ method: 'PUT', path: '/api/v2.0/real_time/x/start', headers }).operationId,
    ).toBeUndefined();
  });

  // This fixture leaves its body unpinned (the contract suite creates its error subject under several
  // names): it is checked with the body the suite sends first.
  const unpinnedBodies: Record<string, unknown> = {
    'create.error-subject': { real_time_stream: { name: 'unilive error subject' } },
  };
  const fixtures = [...loadFixtures(fixtureDirectory)];
  it.each(fixtures)('recorded request %s', (name, recorded: Fixture) => {
    const body = recorded.request.body ?? unpinnedBodies[name];
    const { operationId, problems } = check({
      method: recorded.request.method,
      path: recorded.request.path,
      headers: recorded.request.headers ?? {},
      ...(body === undefined ? {} : { body }),
    });
    expect(operationId).toBeDefined();
    expect(problems).toEqual([]);
  });

  it.each(['real_time_stream.create.request.json', 'real_time_stream.update.request.json'])(
    'the vendor example request %s',
    (name) => {
      const method = name.includes('create') ? 'POST' : 'PATCH';
      const path = name.includes('create') ? '/api/v2.0/real_time' : '/api/v2.0/real_time/2adffc17';
      const headers = { authorization: `Bearer ${fixtureToken}`, 'content-type': 'application/json' };
      expect(check({ method, path, headers, body: vendorExample(name) }).problems).toEqual([]);
    },
  );
});

describe('the documented examples parse through the adapter schemas', () => {
  const component = (name: string) =>
    (definition.components?.schemas?.[name] as { example?: Record<string, unknown> } | undefined)?.example;

  it('the real_time_stream example (wrapped in the envelope its response schema requires)', () => {
    const example = component('real_time_stream');
    const parsed = v.parse(wowzaRealtimeStreamEnvelopeSchema, { real_time_stream: example });
    const stream = mapWowzaRealtimeStream(parsed.real_time_stream, example, new SecretSet());
    expect(stream.state).toBe('ready');
    expect(stream.ingest.map((endpoint) => endpoint.protocol)).toEqual(['rtmp']);
    expect(stream.raw).toBe(example);
  });

  it('the real_time_streams list example, whose "started" is outside its own list enum', () => {
    const example = component('real_time_streams');
    const listEnum = at(
      definition,
      'components',
      'schemas',
      'index_real_time_stream',
      'properties',
      'state',
      'enum',
    );
    expect(listEnum).toEqual(['active', 'archived', 'disabled', 'stopped']);
    const parsed = v.parse(wowzaRealtimeListSchema, example);
    expect(parsed.real_time_streams.map((item) => [item.id, item.state])).toEqual([
      ['2adffc17', 'started'],
      ['if7le8ip', 'started'],
      ['dd4udt1b', 'started'],
    ]);
  });

  it('the state and stop answers', () => {
    const exampleState = (path: string, method: string, key: string) =>
      at(
        definition,
        'paths',
        path,
        method,
        'responses',
        '200',
        'content',
        'application/json',
        'schema',
        'properties',
        key,
        'properties',
        'state',
        'example',
      );
    const state = exampleState('/real_time/{id}/state', 'get', 'real_time');
    const stopped = exampleState('/real_time/{id}/stop', 'put', 'real_time_stream');
    expect(state).toBe('stopped');
    expect(v.parse(wowzaRealtimeStateSchema, { real_time: { state } }).real_time.state).toBe('stopped');
    expect(
      v.parse(wowzaRealtimeStopSchema, { real_time_stream: { state: stopped } }).real_time_stream.state,
    ).toBe('stopped');
  });

  it('every error example of the /real_time operations', () => {
    const names = ['Error401', 'Error403', 'Error404', 'Error410', 'Error422', 'Error423'];
    const read = names.flatMap((name) =>
      Object.values(component(name) ?? {}).map((example) => readWowzaRealtimeError(example)),
    );
    expect(read).toHaveLength(18);
    for (const details of read) {
      expect(details.code).toMatch(/^ERR-4\d\d-[A-Za-z]+$/);
      expect(details.message).toBeTypeOf('string');
    }
  });

  const payloads: [string, v.GenericSchema][] = [
    ['real_time_stream.create.response.tutorial.json', wowzaRealtimeStreamEnvelopeSchema],
    ['real_time_stream.fetch.response.json', wowzaRealtimeStreamEnvelopeSchema],
    ['real_time_stream.fetch.response.v1.9.json', wowzaRealtimeStreamEnvelopeSchema],
    ['real_time_stream.list.response.json', wowzaRealtimeListSchema],
    ['real_time_stream.state.response.json', wowzaRealtimeStateSchema],
    ['real_time_stream.stop.response.json', wowzaRealtimeStopSchema],
  ];
  it.each(payloads)('the vendor payload %s', (name, schema) => {
    expect(v.safeParse(schema, vendorExample(name)).issues).toBeUndefined();
  });

  it('covers every vendor payload the adapter reads', () => {
    const readable = readdirSync(vendorExamples)
      .filter((name) => name.startsWith('real_time_stream.') && name.includes('.response'))
      // Usage figures are not part of the neutral model; the adapter never requests them.
      .filter((name) => !name.includes('usage'));
    expect(readable.sort()).toEqual(payloads.map(([name]) => name).sort());
  });
});
