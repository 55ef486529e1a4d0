import type { ProviderId } from '@unilive/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { dialectRequest } from '../test/dialect-clients.js';
import { wowzaRecordInvalid } from '../test/wowza-refusals.js';
import { allDialects } from './dialects/index.js';
import { createEngine } from './engine.js';
import type { SandboxResponse } from './types.js';

// Every list's paging query, read by one rule (dialects/paging.ts): a `page` or page size that is no integer
// is refused in the dialect's own error shape instead of read as page 1, and a page so far on that the answer
// could not carry it exactly is refused instead of echoed rounded (page 2^53 + 1 came back as 2^53).

type Body = Record<string, unknown>;

interface ListCase {
  provider: ProviderId;
  path: string;
  /** The page size parameter, where the list takes one. */
  size?: string;
  /** The dialect's largest page size (its fixed one where it takes none). */
  maxSize: number;
  /** The refusal, exactly, of `parameter` (no integer when `max` is undefined, else past `max`). */
  refusal(parameter: string, max?: number): SandboxResponse;
  /** The page number the answer reports. */
  pageOf(body: Body): unknown;
}

const wowzaRefusal = (parameter: string, max?: number): SandboxResponse => {
  const label = parameter === 'page' ? 'Page' : 'Per page';
  const problem = max === undefined ? 'is not a number' : `must be less than or equal to ${max}`;
  return wowzaRecordInvalid(`${label} ${problem}`);
};
const videosdkRefusal = (parameter: string, max?: number): SandboxResponse => {
  const valid = `Please provide a valid ${parameter} in query params.`;
  return {
    status: 400,
    body: { message: max === undefined ? valid : `${valid} ${parameter} must be at most ${max}.` },
  };
};
const wowzaPage = (body: Body) => (body.pagination as Body | undefined)?.page;
const videosdkPage = (body: Body) => (body.pageInfo as Body | undefined)?.currentPage;

const lists: readonly ListCase[] = [
  {
    provider: 'wowza-video',
    path: '/live_streams',
    size: 'per_page',
    maxSize: 1000,
    refusal: wowzaRefusal,
    pageOf: wowzaPage,
  },
  {
    provider: 'wowza-realtime',
    path: '/real_time',
    size: 'per_page',
    maxSize: 1000,
    refusal: wowzaRefusal,
    pageOf: wowzaPage,
  },
  {
    provider: 'liveapi',
    path: '/live_streams',
    maxSize: 10,
    refusal: (_parameter, max) => ({
      status: 400,
      body: {
        message:
          max === undefined ? 'page must be an integer' : `page must be an integer no greater than ${max}`,
      },
    }),
    pageOf: (body) => body.page,
  },
  ...['/v1/livestreams', '/v2/rooms', '/v2/hls', '/v2/livestreams', '/v2/sessions'].map(
    (path): ListCase => ({
      provider: 'videosdk',
      path,
      size: 'perPage',
      maxSize: 100,
      refusal: videosdkRefusal,
      pageOf: videosdkPage,
    }),
  ),
];

const engine = createEngine({ dialects: allDialects });
afterAll(() => engine.close());

const list = (entry: ListCase, query: string) =>
  dialectRequest(engine, entry.provider, 'GET', `${entry.path}?${query}`);
const name = (entry: ListCase) => `${entry.provider} ${entry.path}`;
const integerText = /^[+-]?\d+$/;
// Texts an integer-typed query parameter does not hold: words, fractions, exponents, hexadecimal, spaces.
const notAnInteger = fc.oneof(
  fc.string({ minLength: 1 }).filter((text) => !integerText.test(text)),
  fc.constantFrom('abc', '1.5', '1e3', '0x10', ' 2', '2 ', 'NaN', 'Infinity', '-', '+', '١'),
);

describe('a list page that is no integer', () => {
  it('is refused in the dialect’s error shape, never read as page 1 (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...lists), notAnInteger, async (entry, text) => {
        const query = new URLSearchParams({ page: text }).toString();
        expect([name(entry), text, await list(entry, query)]).toEqual([
          name(entry),
          text,
          entry.refusal('page'),
        ]);
      }),
    );
  });

  it('is refused for the page size too, where the list takes one (generated)', async () => {
    const sized = lists.filter((entry) => entry.size !== undefined);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...sized), notAnInteger, async (entry, text) => {
        const size = entry.size ?? '';
        const query = new URLSearchParams({ page: '1', [size]: text }).toString();
        expect([name(entry), text, await list(entry, query)]).toEqual([
          name(entry),
          text,
          entry.refusal(size),
        ]);
      }),
    );
  });
});

describe('a list page past what an answer carries exactly', () => {
  it('is refused past 2^53, never echoed rounded (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...lists),
        fc.bigInt({ min: 2n ** 53n, max: 10n ** 40n }),
        async (entry, page) => {
          const answer = await list(entry, `page=${page}`);
          const defaultMax = Math.floor(Number.MAX_SAFE_INTEGER / defaultSizeOf(entry));
          expect([name(entry), String(page), answer]).toEqual([
            name(entry),
            String(page),
            entry.refusal('page', defaultMax),
          ]);
        },
      ),
    );
  });

  it('is answered, and echoed exactly, up to the last page whose records’ indexes are safe integers (generated)', async () => {
    const sized = lists.filter((entry) => entry.size !== undefined);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...sized),
        fc.integer({ min: 1, max: 1000 }),
        fc.nat({ max: 3 }),
        async (entry, asked, back) => {
          const perPage = Math.min(asked, entry.maxSize);
          const max = Math.floor(Number.MAX_SAFE_INTEGER / perPage);
          const size = entry.size ?? '';
          const at = max - back;
          const served = await list(entry, `page=${at}&${size}=${asked}`);
          expect([name(entry), served.status, entry.pageOf(served.body as Body)]).toEqual([
            name(entry),
            200,
            at,
          ]);
          const past = await list(entry, `page=${BigInt(max) + 1n + BigInt(back)}&${size}=${asked}`);
          expect([name(entry), past]).toEqual([name(entry), entry.refusal('page', max)]);
        },
      ),
    );
  });
});

describe('a list page the vendors’ sources describe', () => {
  it('is served as before: a small page as asked, one below 1 or left blank as page 1', async () => {
    for (const entry of lists) {
      for (const [page, expected] of [
        ['3', 3],
        ['0', 1],
        ['-4', 1],
        ['', 1],
      ] as const) {
        const answer = await list(entry, `page=${page}${entry.size ? `&${entry.size}=1` : ''}`);
        expect([name(entry), page, answer.status, entry.pageOf(answer.body as Body)]).toEqual([
          name(entry),
          page,
          200,
          expected,
        ]);
      }
    }
  });
});

// The page size a list serves when none is asked: Wowza's 1000, videosdk's 20, LiveAPI's fixed 10.
function defaultSizeOf(entry: ListCase): number {
  if (entry.provider === 'videosdk') return 20;
  return entry.maxSize;
}
