import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectClients } from '../test/dialect-clients.js';
import { faultTypes } from './faults.js';
import { type Sandbox, startSandbox } from './server.js';
import type { StreamChange } from './types.js';

let sandbox: Sandbox;
const changes: StreamChange[] = [];
beforeAll(async () => {
  sandbox = await startSandbox({ media: false });
  sandbox.onStreamChange((change) => changes.push(change));
});
afterAll(async () => {
  await sandbox.close();
});

const control = async (method: string, path: string, body: string | undefined) => {
  const response = await fetch(`${sandbox.url}/_sandbox${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
  });
  return [response.status, ((await response.json()) as { error?: string }).error] as const;
};
const listLiveapi = () => {
  const { tokenId, secretKey } = sandbox.credentials('liveapi');
  return fetch(`${sandbox.baseUrl('liveapi')}/live_streams`, {
    headers: { authorization: `Basic ${Buffer.from(`${tokenId}:${secretKey}`).toString('base64')}` },
  });
};
// Field names no control body takes: misspellings of the real ones, and any other name.
const strayKeys = (known: readonly string[]) =>
  fc
    .oneof(
      fc.constantFrom('tims', 'time', 'conected', 'Connected', 'provder', 'faults', 'url_', 'status '),
      fc.string({ minLength: 1, maxLength: 12 }),
    )
    .filter((key) => !known.includes(key) && key !== '__proto__');

describe('the control API reads its bodies strictly', () => {
  it('PUT /_sandbox/encoders needs `connected`: a body without it, with another field or of another shape is refused and connects nothing', async () => {
    const created = await dialectClients(sandbox.engine).liveapi!.create('strict encoder');
    const id = String(created._id);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom('{}', '[]', 'null', '[true]', '{"connected":[true]}', '{"connected":"false"}'),
          fc.constant(undefined),
          strayKeys(['connected']).map((key) => JSON.stringify({ [key]: false })),
          fc
            .tuple(strayKeys(['connected']), fc.boolean())
            .map(([key, connected]) => JSON.stringify({ connected, [key]: 1 })),
        ),
        async (body) => {
          changes.length = 0;
          const [status, error] = await control('PUT', `/encoders/liveapi/${id}`, body);
          expect(status).toBe(400);
          expect(error).toMatch(/connected|unknown field|the body must be/);
          expect(changes).toEqual([]);
          expect(sandbox.engine.encoderConnected('liveapi', id)).toBe(false);
        },
      ),
      {
        examples: [
          ['{}'],
          ['{"conected":false}'],
          ['[]'],
          ['null'],
          [undefined],
          ['{"connected":true,"tims":3}'],
        ],
      },
    );
    expect(await control('PUT', `/encoders/liveapi/${id}`, '{}')).toEqual([
      400,
      'connected is required: the body takes { connected: true | false }',
    ]);
    for (const body of ['[]', '[{"connected":true}]', 'null', undefined]) {
      expect(await control('PUT', `/encoders/liveapi/${id}`, body)).toEqual([
        400,
        'the body must be a JSON object { connected: true | false }',
      ]);
    }
    expect(await control('PUT', `/encoders/liveapi/${id}`, '{"conected":false}')).toEqual([
      400,
      'unknown field conected: the body takes { connected: true | false }',
    ]);
    expect(await control('PUT', `/encoders/liveapi/${id}`, '{"connected":true}')).toEqual([200, undefined]);
    expect(sandbox.engine.encoderConnected('liveapi', id)).toBe(true);
  });

  it('POST /_sandbox/faults refuses a field the fault type or the body does not take, and a list for a text, queuing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...faultTypes),
        fc.oneof(
          strayKeys([]).map((key) => ({ where: 'fault' as const, key })),
          strayKeys(['provider', 'operation', 'fault']).map((key) => ({ where: 'body' as const, key })),
          fc.constant({ where: 'provider-list' as const, key: 'provider' }),
          fc.constant({ where: 'type-list' as const, key: 'type' }),
        ),
        async (type, { where, key }) => {
          // The fields each type needs, so that the stray one is the only thing wrong.
          const needs: Partial<Record<string, Record<string, unknown>>> = {
            slow: { delayMs: 1 },
            'slow-body': { delayMs: 1 },
            status: { status: 500 },
            paging: { mode: 'shift' },
          };
          const needed = needs[type] ?? {};
          const takes = [
            'type',
            'times',
            'status',
            'processed',
            'delayMs',
            'onHold',
            'retryAfterSeconds',
            'retryAfterDate',
            'object',
            'reads',
            'mode',
            'id',
          ];
          if (where === 'fault' && takes.includes(key)) return;
          const fault = { type, ...needed, ...(where === 'fault' ? { [key]: 3 } : {}) };
          const body = {
            provider: where === 'provider-list' ? ['liveapi'] : 'liveapi',
            operation: 'list',
            fault: where === 'type-list' ? { ...fault, type: [type] } : fault,
            ...(where === 'body' ? { [key]: 3 } : {}),
          };
          const [status, error] = await control('POST', '/faults', JSON.stringify(body));
          expect(status).toBe(400);
          expect(error).toContain(
            where === 'provider-list' ? 'provider' : where === 'type-list' ? 'fault type' : key,
          );
          // Nothing was queued: the list is answered.
          expect((await listLiveapi()).status).toBe(200);
        },
      ),
      {
        examples: [
          ['server-error', { where: 'fault', key: 'tims' }],
          ['server-error', { where: 'body', key: 'times' }],
          ['server-error', { where: 'provider-list', key: 'provider' }],
          ['server-error', { where: 'type-list', key: 'type' }],
        ],
      },
    );
    expect(
      await control(
        'POST',
        '/faults',
        '{"provider":"liveapi","operation":"list","fault":{"type":"server-error","tims":3}}',
      ),
    ).toEqual([400, 'server-error fault: unknown field tims: it takes type, times, status, processed']);
    expect(
      await control(
        'POST',
        '/faults',
        '{"provider":"liveapi","operation":"list","fault":{"type":"network"},"times":3}',
      ),
    ).toEqual([400, 'unknown field times: the body takes { provider, operation, fault }']);
  });

  it('injectFault in process refuses a field the fault type does not take, naming it', () => {
    fc.assert(
      fc.property(strayKeys(['times', 'status', 'processed']), (key) => {
        let thrown: unknown;
        try {
          sandbox.injectFault('liveapi', 'list', { type: 'server-error', [key]: 3 } as never);
        } catch (error) {
          thrown = error;
        }
        expect(InvalidInputError.isInstance(thrown)).toBe(true);
        expect((thrown as InvalidInputError).issues).toEqual([
          {
            path: `fault.${key}`,
            message: `server-error fault: unknown field ${key}: it takes type, times, status, processed`,
          },
        ]);
      }),
      { examples: [['tims']] },
    );
  });

  it('POST /_sandbox/webhooks refuses a list for the provider, a missing url and a field it does not take', async () => {
    expect(
      await control('POST', '/webhooks', '{"provider":["liveapi"],"url":"http://127.0.0.1:9/x"}'),
    ).toEqual([400, 'provider must be a text']);
    expect(await control('POST', '/webhooks', '{"provider":"liveapi"}')).toEqual([
      400,
      'url is required: the body takes { provider, url }',
    ]);
    expect(
      await control('POST', '/webhooks', '{"provider":"liveapi","url":"http://127.0.0.1:9/x","secret":"s"}'),
    ).toEqual([400, 'unknown field secret: the body takes { provider, url }']);
    expect(sandbox.webhooks.endpoints()).toEqual([]);
  });
});

describe('the control API takes only the segments each route has', () => {
  // Segments after a route's own; none the URL parser would resolve away (`.`, `..`).
  const extra = fc
    .array(
      fc
        .string({ minLength: 1, maxLength: 6 })
        .filter((segment) => segment !== '.' && segment !== '..')
        .map((segment) => encodeURIComponent(segment)),
      { minLength: 1, maxLength: 3 },
    )
    .map((segments) => segments.join('/'));
  const request = async (method: string, path: string, body?: string) => {
    const response = await fetch(`${sandbox.url}/_sandbox${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    return [
      response.status,
      text === '' ? undefined : (JSON.parse(text) as { error?: string }).error,
    ] as const;
  };

  it('answers 404 to a path longer than its route, doing nothing: no fault cleared or queued, no encoder connected, no endpoint removed', async () => {
    const created = await dialectClients(sandbox.engine).liveapi!.create('route segments');
    const id = String(created._id);
    const endpoint = sandbox.webhooks.register('liveapi', 'http://127.0.0.1:9/route-segments');
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('clear-faults', 'add-fault', 'encoder', 'remove-webhook', 'stats'),
          extra,
          async (route, rest) => {
            changes.length = 0;
            sandbox.clearFaults();
            if (route === 'clear-faults') {
              sandbox.injectFault('liveapi', 'list', { type: 'server-error', times: 1 });
              const [status, error] = await request('DELETE', `/faults/${rest}`);
              expect([status, error?.startsWith('no such control route')]).toEqual([404, true]);
              // The fault is still queued: the next list meets it.
              expect((await listLiveapi()).status).toBe(503);
            } else if (route === 'add-fault') {
              const body = '{"provider":"liveapi","operation":"list","fault":{"type":"server-error"}}';
              const [status, error] = await request('POST', `/faults/${rest}`, body);
              expect([status, error?.startsWith('no such control route')]).toEqual([404, true]);
              expect((await listLiveapi()).status).toBe(200);
            } else if (route === 'encoder') {
              const [status, error] = await request(
                'PUT',
                `/encoders/liveapi/${id}/${rest}`,
                '{"connected":true}',
              );
              expect([status, error?.startsWith('no such control route')]).toEqual([404, true]);
              expect(changes).toEqual([]);
            } else if (route === 'remove-webhook') {
              const [status, error] = await request('DELETE', `/webhooks/${endpoint.id}/${rest}`);
              expect([status, error?.startsWith('no such webhook route')]).toEqual([404, true]);
              expect(sandbox.webhooks.endpoints().map((one) => one.id)).toEqual([endpoint.id]);
            } else {
              const [status, error] = await request('GET', `/stats/${rest}`);
              expect([status, error?.startsWith('no such control route')]).toEqual([404, true]);
            }
          },
        ),
        {
          examples: [
            ['clear-faults', 'extra'],
            ['clear-faults', 'liveapi'],
            ['add-fault', 'liveapi'],
            ['encoder', 'disconnect/now'],
            ['encoder', 'anything'],
            ['remove-webhook', 'extra'],
            ['stats', 'extra'],
          ],
        },
      );
    } finally {
      sandbox.clearFaults();
      sandbox.webhooks.remove(endpoint.id);
    }
    // The routes themselves, a trailing slash included, still answer.
    expect(await request('GET', '/stats/')).toEqual([200, undefined]);
    expect(await request('DELETE', '/faults')).toEqual([204, undefined]);
  });

  it('answers the overview to GET alone: any other method on /_sandbox is no route, and the credentials stay unsent', async () => {
    for (const method of ['DELETE', 'POST', 'PUT', 'PATCH', 'OPTIONS', 'PROPFIND']) {
      for (const path of ['', '/']) {
        const response = await fetch(`${sandbox.url}/_sandbox${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          ...(method === 'POST' || method === 'PUT' || method === 'PATCH' ? { body: '{}' } : {}),
        });
        const text = await response.text();
        expect([method, path, response.status], text).toEqual([method, path, 404]);
        expect((JSON.parse(text) as { error: string }).error).toMatch(/^no such control route/);
        expect(text).not.toContain('credentials');
      }
    }
    const overview = await fetch(`${sandbox.url}/_sandbox`);
    expect(overview.status).toBe(200);
    expect(Object.keys((await overview.json()) as object)).toEqual(['providers', 'ingest', 'dashboard']);
  });
});
