import { createLiveStreamClient } from '@unilive/core';
import { cutAnswerCases, leaksAfterCutAnswer, loadFixture, refusalEchoing } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureCredentials, fixturesDirectory, origin } from '../test/support.js';
import { liveapi } from './liveapi-provider.js';

// A 2xx create, update or get answer that broke off (truncated JSON, a lost connection, a gzip stream cut)
// still brought the stream key, its password and the platforms' keys before the cut: they are learned from
// what arrived, so a later error or event that repeats one, in any encoding, masks it.
describe('liveapi: the secrets of an answer that broke off', () => {
  const record = loadFixture(fixturesDirectory, 'get').response.body as Record<string, unknown>;
  const token = fc.stringMatching(/^[a-z0-9]{16,32}$/);
  const id = String(record._id);
  const { ingest: _ingest, platforms: _platforms, ...rest } = record;

  it('a later 503 repeating those that arrived whole shows them masked, however it was cut, with or without hooks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ key: token, password: token, platformKey: token }),
        // Fields in the order LiveAPI sends them, or the key first: a record cut after the key and before the
        // server (or before the stream's id) still teaches it.
        fc.boolean(),
        cutAnswerCases(['create', 'update', 'get']),
        async (given, keyFirst, cut) => {
          const secrets = {
            streamKey: `lv_${given.key}?password=${given.password}`,
            password: given.password,
            platformKey: given.platformKey,
          };
          const server = 'rtmp://ingest.liveapi.com/static';
          const platform = {
            _id: '6226ce8431ddbeb3754aa249',
            template: 'custom',
            enabled: true,
            server: 'rtmp://a.rtmp.youtube.com/live2',
            key: secrets.platformKey,
            broadcasting_status: 'offline',
          };
          const answer = keyFirst
            ? {
                ingest: { key: secrets.streamKey, server },
                platforms: [Object.fromEntries(Object.entries(platform).reverse())],
                ...rest,
              }
            : {
                ...record,
                ingest: { server, key: secrets.streamKey },
                platforms: [platform],
              };
          const leaks = await leaksAfterCutAnswer({
            secrets,
            answer,
            id,
            cut,
            refusal: (echo) =>
              refusalEchoing(echo, undefined, { status: 503, statusText: `Unavailable ${echo}` }),
            client: (fetch, options) =>
              createLiveStreamClient(
                liveapi({
                  ...fixtureCredentials,
                  baseUrl: origin,
                  fetch,
                  retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 },
                }),
                options,
              ),
          });
          expect(leaks).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
