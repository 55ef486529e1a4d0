import type { LiveStream, LiveStreamProvider } from '@unilive/core';
import fc from 'fast-check';
import { expect } from 'vitest';

// What the raw tests of both API versions share: vendor objects generated as JSON texts, and the check that
// a stream's `raw` is what the vendor sent, byte for byte once serialised again (unknown fields, nulls, key
// order and keys such as `__proto__`, an own key of what JSON.parse gives, included), while its mapped
// fields are those of the same answer without the extra fields and owe nothing to `raw`.

/** A vendor object as text (fields in the generated order) and as its known fields alone, in a fixed order. */
export interface VendorText {
  text: string;
  canonical: string;
}

// Keys no schema names, `__proto__`, `constructor` and `prototype` among them; values of every JSON type,
// nested ones with the same keys.
const extraKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'links',
  'zeta',
  'aUnknown',
  'meta',
);
const oddNested = fc.constant(JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":null}}'));
const extraValue = fc.oneof(fc.constant(null), oddNested, fc.jsonValue({ maxDepth: 2 }));

const entryText = ([key, value]: readonly [string, unknown]) =>
  `${JSON.stringify(key)}:${JSON.stringify(value)}`;

/** Known fields (undefined: left out) and extra ones, in a generated order. */
export function vendorObject(known: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<VendorText> {
  const knownEntries = fc.tuple(
    ...Object.entries(known).map(([key, value]) => fc.tuple(fc.constant(key), value, fc.nat())),
  );
  const extras = fc.uniqueArray(fc.tuple(extraKey, extraValue, fc.nat()), {
    selector: (entry) => entry[0],
    maxLength: 4,
  });
  return fc.tuple(knownEntries, extras).map(([given, extra]) => {
    const present = given.filter((entry) => entry[1] !== undefined);
    const ordered = [...present, ...extra].sort((a, b) => a[2] - b[2]);
    return {
      text: `{${ordered.map(([key, value]) => entryText([key, value])).join(',')}}`,
      canonical: `{${present.map(([key, value]) => entryText([key, value])).join(',')}}`,
    };
  });
}

/** A value, `null`, or left out. */
export const orNull = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof(arbitrary, fc.constant(null), fc.constant(undefined));

/** Every field of the stream but `raw`, copied. */
export const mapped = (stream: LiveStream) => {
  const { raw: _, ...fields } = stream;
  return structuredClone(fields);
};

/**
 * Changes everything `raw` holds, at every depth: keys removed, values replaced, keys added, and `planted`
 * (the fields a mapper reads: ids, URLs, keys) set on every object.
 */
export function scramble(value: unknown, planted: Readonly<Record<string, string>>, depth = 0): void {
  if (typeof value !== 'object' || value === null || depth > 8) return;
  if (Array.isArray(value)) {
    for (const item of value) scramble(item, planted, depth + 1);
    value.push('added');
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    scramble(record[key], planted, depth + 1);
    if (key.length % 2 === 0) delete record[key];
    else record[key] = 'changed-by-caller';
  }
  Object.assign(record, planted);
}

/** JSON text of a value: equal texts mean equal values with keys in the same order at every depth. */
export const text = (value: unknown) => JSON.stringify(value);

/** A provider answered by a stand-in vendor with the generated texts, or with their known fields alone. */
export type StandIn = (form: 'text' | 'canonical') => { provider: LiveStreamProvider; sent: string[] };

/**
 * Calls `call` twice against the same answers: the stream's raw is the generated texts, its mapped fields
 * those of the answers without the extra fields and in a fixed order, and scrambling the first stream's raw
 * changes neither its mapped fields nor the second call's stream. Returns the first stream and the requests
 * the two calls on the generated texts sent.
 */
export async function checkRawPath(
  standIn: StandIn,
  call: (provider: LiveStreamProvider) => Promise<LiveStream>,
  expectedRaw: string,
  planted: Readonly<Record<string, string>>,
) {
  const odd = standIn('text');
  const plain = standIn('canonical');
  const first = await call(odd.provider);
  expect(text(first.raw)).toBe(expectedRaw);
  const fields = mapped(first);
  expect(fields).toStrictEqual(mapped(await call(plain.provider)));
  scramble(first.raw, planted);
  expect(mapped(first)).toStrictEqual(fields);
  const second = await call(odd.provider);
  expect(mapped(second)).toStrictEqual(fields);
  expect(text(second.raw)).toBe(expectedRaw);
  return { first, sent: odd.sent };
}

/** {@link checkRawPath} for `list`: every stream's raw, in the order listed. */
export async function checkRawList(
  standIn: StandIn,
  expectedRaw: readonly string[],
  planted: Readonly<Record<string, string>>,
) {
  const walk = async (provider: LiveStreamProvider) => {
    const streams: LiveStream[] = [];
    for await (const stream of provider.list()) streams.push(stream);
    return streams;
  };
  const odd = standIn('text');
  const first = await walk(odd.provider);
  expect(first.map((stream) => text(stream.raw))).toEqual(expectedRaw);
  const fields = first.map(mapped);
  expect(fields).toStrictEqual((await walk(standIn('canonical').provider)).map(mapped));
  for (const stream of first) scramble(stream.raw, planted);
  expect(first.map(mapped)).toStrictEqual(fields);
  const second = await walk(odd.provider);
  expect(second.map(mapped)).toStrictEqual(fields);
  expect(second.map((stream) => text(stream.raw))).toEqual(expectedRaw);
}

/** A JSON answer of a stand-in vendor. */
export const json = (status: number, body: string) =>
  new Response(body, { status, headers: { 'content-type': 'application/json' } });

/** A stand-in vendor's `fetch`: each request is recorded as `METHOD /path` in `sent`, then answered. */
export function standInFetch(answer: (method: string, pathname: string) => Response) {
  const sent: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const { pathname } = new URL(request.url);
    sent.push(`${request.method} ${pathname}`);
    return answer(request.method, pathname);
  };
  return { fetch, sent };
}
