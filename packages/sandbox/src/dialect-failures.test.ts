import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { dialectClients } from '../test/dialect-clients.js';
import { type Sandbox, startSandbox } from './server.js';
import type { SandboxDialect, SandboxLogEntry, StreamChange } from './types.js';

// What a custom dialect's own error carries: a key in its message, which must reach no answer or log line.
const key = 'acme-dev-key-9f1c';

// A dialect with one stream whose listing (`streams`) or description (`describe`) throws.
const acme = (failing: 'streams' | 'describe'): SandboxDialect => ({
  id: 'acme',
  basePath: '/v1',
  defaultCredentials: () => ({ apiKey: key }),
  operationOf: () => undefined,
  error: (kind, status, message) => ({ status, body: { error: { code: kind, message } } }),
  handle(request, context) {
    const things = context.collection<{ id: string }>('things');
    if (request.method === 'POST') {
      const id = context.randomId(8);
      things.set(id, { id });
      context.changed();
      return { status: 201, body: { id } };
    }
    return this.error('not-found', 404, 'nothing here');
  },
  streams: (context) => {
    if (failing === 'streams') throw new Error(`acme streams failed (${key})`);
    const things = context.collection<{ id: string }>('things');
    return [...things.values()].map((thing) => ({
      id: thing.id,
      state: 'on',
      acceptsVideo: true,
      ingest: [],
    }));
  },
  describe: (id) => {
    if (failing === 'describe') throw new Error(`acme describe failed (${key})`);
    return { record: { id }, state: 'on' };
  },
});

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const createThing = async (running: Sandbox) => {
  const created = await fetch(`${running.baseUrl('acme')}/things`, { method: 'POST' });
  return ((await created.json()) as { id: string }).id;
};

describe('a dialect that fails to list or describe its streams', () => {
  it("answers the dashboard's routes 500 sandbox failure, as a vendor route's failure, and keeps serving (generated)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/_sandbox/dashboard/overview.json',
          '/_sandbox/dashboard/secret?provider=acme&stream=x&label=KEY',
        ),
        async (path) => {
          const running = await startSandbox({ dialects: [acme('streams')], media: false });
          try {
            await createThing(running);
            const answer = await fetch(`${running.url}${path}`);
            const text = await answer.text();
            expect({ path, status: answer.status, body: text }).toEqual({
              path,
              status: 500,
              body: JSON.stringify({ error: 'sandbox failure' }),
            });
            // Still serving: the process did not die with the dialect's error.
            expect((await fetch(`${running.url}/_sandbox/stats`)).status).toBe(200);
          } finally {
            await running.close();
          }
        },
      ),
      { numRuns: 4, examples: [['/_sandbox/dashboard/overview.json']] },
    );
  });

  it('refuses at start a persisted record of a shape its built-in dialect does not expect, before the dashboard could fail on it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'unilive-dialect-failures-'));
    try {
      const persistPath = join(folder, 'records.json');
      const first = await startSandbox({ media: false, persistPath });
      const created = await dialectClients(first.engine).liveapi!.create('odd record');
      await first.close();
      // The record's `platforms` turned into an object: LiveAPI's list would render it, the dashboard not.
      const saved = JSON.parse(readFileSync(persistPath, 'utf8'));
      const record = saved.liveapi.live_streams[String(created._id)] as Record<string, unknown> | undefined;
      expect(record).toBeDefined();
      (record as Record<string, unknown>).platforms = {};
      writeFileSync(persistPath, JSON.stringify(saved));
      const refused = await startSandbox({ media: false, persistPath }).catch((error: unknown) => error);
      expect((refused as Error).message).toBe(
        `The persist file ${persistPath} does not hold sandbox records (expected a list, got an object at liveapi.live_streams.${String(created._id)}.platforms): move it away or pass another path, and the sandbox starts empty there`,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses a connected that is no boolean, the control body or its text included, changing nothing', async () => {
    sandbox = await startSandbox({ dialects: [acme('streams')], media: false });
    const id = await createThing(sandbox);
    const changes: StreamChange[] = [];
    sandbox.onStreamChange((change) => changes.push(change));
    for (const given of [{ connected: false }, 'false', 0, 1, null, undefined]) {
      let thrown: unknown;
      try {
        sandbox.setEncoder('acme', id, given as unknown as boolean);
      } catch (error) {
        thrown = error;
      }
      expect(InvalidInputError.isInstance(thrown)).toBe(true);
      expect((thrown as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['connected']);
    }
    expect(changes).toEqual([]);
  });

  it("sets the encoder and reports the change without the stream's record when describe throws, logging which member failed, never its error", async () => {
    const logged: SandboxLogEntry[] = [];
    sandbox = await startSandbox({
      dialects: [acme('describe')],
      media: false,
      log: (line) => logged.push(line),
    });
    const changes: StreamChange[] = [];
    sandbox.onStreamChange((change) => changes.push(change));
    const id = await createThing(sandbox);
    expect(() => sandbox?.setEncoder('acme', id, true)).not.toThrow();
    // The control route, the same call over HTTP, answers as it does for any dialect.
    const put = await fetch(`${sandbox.url}/_sandbox/encoders/acme/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connected: false }),
    });
    expect(put.status).toBe(200);
    expect(
      changes
        .filter((change) => change.kind.startsWith('encoder-'))
        .map(({ kind, provider, id: changed, state, record }) => ({
          kind,
          provider,
          id: changed,
          state,
          record,
        })),
    ).toEqual([
      { kind: 'encoder-connected', provider: 'acme', id, state: undefined, record: undefined },
      { kind: 'encoder-disconnected', provider: 'acme', id, state: undefined, record: undefined },
    ]);
    expect(
      logged.map(({ level, message, provider, streamId }) => ({ level, message, provider, streamId })),
    ).toEqual(
      [true, false].map(() => ({
        level: 'error',
        message: "the acme dialect's describe failed: the change is reported without the stream's record",
        provider: 'acme',
        streamId: id,
      })),
    );
    expect(JSON.stringify(logged)).not.toContain(key);
  });
});
