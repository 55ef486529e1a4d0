import vm from 'node:vm';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  compoundCredentialNames,
  credentialWords,
  harmlessNames,
  nameOf,
  ordinaryWords,
} from '../test/credential-names.js';
import { InvalidInputError } from './errors/errors.js';
import {
  inputSecrets,
  parseOwn,
  providerOptionsWarnings,
  readProviderOptions,
  readStartProviderOptions,
  safeParseOwn,
  streamSecrets,
  validateCreateInput,
  validateUpdateInput,
  vendorDateInput,
} from './inputs.js';
import { redact } from './redact.js';

function failureOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(InvalidInputError.isInstance(error)).toBe(true);
    return (error as InvalidInputError).issues;
  }
  throw new Error('expected InvalidInputError');
}

describe('validateCreateInput', () => {
  it('accepts a full valid input', () => {
    const input = {
      name: 'Launch',
      recording: true,
      ingestProtocol: 'srt' as const,
      region: 'eu_germany',
      lowLatency: true,
      restream: [{ url: 'rtmps://live.example.com/app', streamKey: 'key-1' }],
      providerOptions: { 'wowza-video': { billing_mode: 'pay_as_you_go' } },
    };
    expect(validateCreateInput(input)).toEqual(input);
  });

  it('lists every problem with its path', () => {
    const issues = issuesOf(() =>
      validateCreateInput({
        name: '',
        recording: 'yes',
        ingestProtocol: 'ftp',
        region: 'eu germany',
        extra: 1,
      }),
    );
    expect(issues).toEqual([
      { path: 'name', message: 'expected a non-empty name' },
      { path: 'recording', message: 'expected a boolean' },
      { path: 'ingestProtocol', message: 'expected one of rtmp, rtmps, srt, rtsp, webrtc, wowz' },
      { path: 'region', message: 'expected a region id of letters, digits, "_" or "-"' },
      { path: 'extra', message: 'unknown field' },
    ]);
  });

  it('rejects names over 200 code points and control characters', () => {
    expect(issuesOf(() => validateCreateInput({ name: 'x'.repeat(201) }))).toEqual([
      {
        path: 'name',
        message:
          'expected at most 200 code points (an emoji of one code point counts 1, a flag 2, a family emoji up to 7); this name has 201',
      },
    ]);
    expect(issuesOf(() => validateCreateInput({ name: 'a\r\nb' }))).toEqual([
      { path: 'name', message: 'expected no control characters' },
    ]);
  });

  it('rejects bad restream targets without echoing the key', () => {
    const secret = 'super-secret-restream-key';
    try {
      validateCreateInput({
        name: 'x',
        restream: [
          { url: 'javascript:alert(1)', streamKey: secret },
          { url: 'rtmp://ok.example.com/app', streamKey: `${secret}\n` },
        ],
      });
      throw new Error('expected InvalidInputError');
    } catch (error) {
      const typed = error as InvalidInputError;
      expect(typed.issues).toEqual([
        {
          path: 'restream.0.url',
          message:
            'expected an rtmp:// or rtmps:// URL (on update, a target the stream has that is none may be left out of the list: it is kept)',
        },
        { path: 'restream.1.streamKey', message: 'expected no whitespace or control characters' },
      ]);
      expect(JSON.stringify(typed)).not.toContain(secret);
      expect(typed.message).not.toContain(secret);
    }
  });

  // It was called whitespace or a control character, which it is not.
  it('names a lone surrogate in a stream key as what it is, never echoing the key', () => {
    for (const surrogate of ['\ud800', '\udbff', '\udc00', '\udfff']) {
      const key = `Zq9-live-${surrogate}-key`;
      let error: unknown;
      try {
        validateCreateInput({ name: 'x', restream: [{ url: 'rtmp://ok.example.com/app', streamKey: key }] });
      } catch (caught) {
        error = caught;
      }
      expect((error as InvalidInputError).issues).toEqual([
        { path: 'restream.0.streamKey', message: 'expected no lone surrogate (it has no UTF-8 form)' },
      ]);
      expect(JSON.stringify(error)).not.toContain('Zq9');
      expect((error as Error).message).not.toContain('Zq9');
    }
  });

  it('refuses a restream list naming one target twice, at each later copy, on create and update alike', () => {
    // Targets drawn from few urls and keys, so lists often repeat one: a list is refused exactly when two of
    // its targets share url (its scheme and host in any case) and key, with one issue per later copy naming the first, and nothing echoed.
    // Some given back with the vendor's id of the target, as a get returned them: copies that each carry an
    // id, all different, are records the stream has, and no repeat.
    const target = fc.record(
      {
        url: fc.constantFrom('rtmp://a.test/live', 'rtmps://b.test:443/app', 'rtmp://A.test/live'),
        streamKey: fc.constantFrom('dup-key-1', 'dup-key-2', 'DUP-KEY-1'),
        id: fc.constantFrom('p1', 'p2', 'p3'),
      },
      { requiredKeys: ['url', 'streamKey'] },
    );
    fc.assert(
      fc.property(fc.array(target, { maxLength: 8 }), fc.boolean(), (restream, onUpdate) => {
        const expected: { path: string; message: string }[] = [];
        restream.forEach((each, index) => {
          // The URL's scheme and host name one destination in any case (`A.test` is `a.test`).
          const same = (other: typeof each) =>
            other.url.toLowerCase() === each.url.toLowerCase() && other.streamKey === each.streamKey;
          const first = restream.findIndex(same);
          const record =
            each.id !== undefined &&
            restream[first]?.id !== undefined &&
            !restream.slice(0, index).some((other) => same(other) && other.id === each.id);
          if (first < index && !record)
            expected.push({
              path: `restream.${index}`,
              message: `expected each target once: it repeats the url and stream key of target ${first}`,
            });
        });
        const run = () =>
          onUpdate ? validateUpdateInput({ restream }) : validateCreateInput({ name: 'x', restream });
        if (expected.length === 0) {
          // The ids are the vendor's state, never sent.
          // and a destination given back as two records is sent once.
          const once = restream.filter(
            (each, index) =>
              restream.findIndex(
                (other) =>
                  other.url.toLowerCase() === each.url.toLowerCase() && other.streamKey === each.streamKey,
              ) === index,
          );
          expect(run().restream).toEqual(once.map(({ url, streamKey }) => ({ url, streamKey })));
          return;
        }
        const error = failureOf(run) as InvalidInputError;
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect(error.issues).toEqual(expected);
        expect(error.delivery).toBe('not-sent');
        expect(JSON.stringify(error)).not.toMatch(/dup-key/i);
        expect(error.message).not.toMatch(/dup-key|a\.test/i);
      }),
      { numRuns: 300 },
    );
  });

  it('names a repeated restream target beside the list’s other problems', () => {
    const target = { url: 'rtmp://a.test/live', streamKey: 'k' };
    expect(
      issuesOf(() =>
        validateCreateInput({ name: 'x', restream: Array.from({ length: 21 }, () => ({ ...target })) }),
      ),
    ).toEqual([
      { path: 'restream', message: 'expected at most 20 targets' },
      ...Array.from({ length: 20 }, (_, index) => ({
        path: `restream.${index + 1}`,
        message: 'expected each target once: it repeats the url and stream key of target 0',
      })),
    ]);
    // Every problem at once: a target's own, then the repeated copy.
    expect(
      issuesOf(() => validateUpdateInput({ restream: [target, { url: 'ftp://x', streamKey: 'k' }, target] })),
    ).toEqual([
      {
        path: 'restream.1.url',
        message:
          'expected an rtmp:// or rtmps:// URL (on update, a target the stream has that is none may be left out of the list: it is kept)',
      },
      {
        path: 'restream.2',
        message: 'expected each target once: it repeats the url and stream key of target 0',
      },
    ]);
  });

  it('rejects prototype-pollution keys in provider options', () => {
    const options = JSON.parse('{"liveapi": {"__proto__": {"polluted": true}}}');
    expect(issuesOf(() => validateCreateInput({ name: 'x', providerOptions: options }))).toEqual([
      { path: '$', message: 'expected no "__proto__", "constructor" or "prototype" keys' },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('a restream list as a stream reports it', () => {
  const target = fc.record({
    url: fc.constantFrom('rtmp://a.rtmp.youtube.com/live2', 'rtmps://live.example.com:443/app'),
    streamKey: fc.stringMatching(/^zq[A-Za-z0-9_-]{6,20}$/),
  });
  // What a get's `restream` carries beside url and streamKey (RestreamTarget), each field present or not.
  const reported = fc.record(
    {
      id: fc.stringMatching(/^[0-9a-f]{24}$/),
      enabled: fc.constant(true as const),
      broadcasting: fc.boolean(),
    },
    { requiredKeys: [] },
  );
  const lists = fc.uniqueArray(fc.tuple(target, reported), {
    maxLength: 5,
    selector: ([each]) => `${each.url} ${each.streamKey}`,
  });

  it('is taken back on create and update, and only url and streamKey go on', () => {
    fc.assert(
      fc.property(lists, (list) => {
        const restream = list.map(([each, extra]) => ({ ...each, ...extra }));
        const sent = list.map(([each]) => each);
        expect(validateCreateInput({ name: 'x', restream }).restream).toEqual(sent);
        expect(validateUpdateInput({ restream }).restream).toEqual(sent);
      }),
    );
  });

  it('refuses a target asked for switched off, or read-back fields of another type, naming each', () => {
    const issues = issuesOf(() =>
      validateUpdateInput({
        restream: [
          { url: 'rtmp://a.example/live', streamKey: 'zqkey-one', enabled: false },
          { url: 'rtmp://a.example/live', streamKey: 'zqkey-two', id: 7, broadcasting: 'yes' },
        ],
      }),
    );
    expect(issues).toEqual([
      {
        path: 'restream.0.enabled',
        message:
          'expected true or nothing: unilive adds every restream target switched on and switches none off; leave out a target that should receive nothing, or give this one without enabled to keep it as it is',
      },
      {
        path: 'restream.1.id',
        message: "expected a string (the vendor's id of the target, as a get returned it)",
      },
      { path: 'restream.1.broadcasting', message: 'expected a boolean (as a get returned it)' },
    ]);
  });

  it('sends the URL scheme in lower case, and tells a hole in the list from a target with other fields', () => {
    expect(
      validateCreateInput({
        name: 'x',
        restream: [{ url: 'RTMPS://Live.Example.com:443/App', streamKey: 'zqkey-one' }],
      }).restream,
    ).toEqual([{ url: 'rtmps://Live.Example.com:443/App', streamKey: 'zqkey-one' }]);
    // A sparse array's missing entries are no targets.
    const sparse: unknown[] = [];
    sparse[1] = { url: 'rtmp://a.example/live', streamKey: 'zqkey-one' };
    expect(issuesOf(() => validateUpdateInput({ restream: sparse }))).toEqual([
      {
        path: 'restream.0',
        message:
          'expected a restream target: an object with url and streamKey (and id, enabled, broadcasting as a get returned them)',
      },
    ]);
  });

  it('still refuses any other field', () => {
    expect(
      issuesOf(() =>
        validateCreateInput({
          name: 'x',
          restream: [{ url: 'rtmp://a.example/live', streamKey: 'zqkey-one', name: 'YouTube' }],
        }),
      ),
    ).toEqual([{ path: 'restream.0.name', message: 'unknown field' }]);
  });
});

describe('validateUpdateInput', () => {
  it('accepts a partial patch and refuses an empty one or ingestProtocol', () => {
    expect(validateUpdateInput({ name: 'New' })).toEqual({ name: 'New' });
    expect(issuesOf(() => validateUpdateInput({}))).toEqual([
      { path: '$', message: 'expected at least one field to change' },
    ]);
    expect(issuesOf(() => validateUpdateInput({ ingestProtocol: 'rtmp' }))).toEqual([
      { path: 'ingestProtocol', message: 'unknown field' },
    ]);
  });
});

describe('an input refused: the stream keys it carries are masked in its names', () => {
  // A refusal names the caller's field names. A restream key pasted as a field name (of its own target, of
  // another, or of the input beside a target that is refused) was shown in clear: the input's keys were
  // secrets only once it was taken.
  it('masks every stream key given, refused targets included, on create and update (generated)', () => {
    const keys = fc.stringMatching(/^[A-Za-z0-9_-]{12,40}$/);
    const placements = fc.constantFrom('own target', 'other target', 'input beside a bad target', 'bad url');
    fc.assert(
      fc.property(keys, placements, fc.constantFrom('create', 'update'), (key, placement, operation) => {
        const target = { url: 'rtmp://a.example/live', streamKey: key };
        const input: Record<string, unknown> = operation === 'create' ? { name: 'Launch' } : {};
        if (placement === 'own target') input.restream = [{ ...target, [key]: 1 }];
        if (placement === 'other target')
          input.restream = [target, { url: 'rtmp://b.example/live', streamKey: 'other-key-1', [key]: 1 }];
        if (placement === 'input beside a bad target') {
          input.restream = [{ ...target, id: 5 }];
          input[key] = 1;
        }
        if (placement === 'bad url') {
          input.restream = [{ ...target, url: 'ftp://a.example/live' }];
          input[key] = 1;
        }
        const validate = operation === 'create' ? validateCreateInput : validateUpdateInput;
        const error = failureOf(() => validate(input, 'liveapi'));
        expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
        const refusal = error as InvalidInputError;
        expect(refusal.message).toContain('[REDACTED]');
        expect(`${refusal.message} ${JSON.stringify(refusal)}`).not.toContain(key);
      }),
      { numRuns: 200 },
    );
  });
});

describe('an input refused: a stream key given as a number', () => {
  it('is masked where a name repeats its digits (generated)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10_000_000, max: Number.MAX_SAFE_INTEGER }), (key) => {
        const input = {
          name: 'Launch',
          restream: [{ url: 'rtmp://a.example/live', streamKey: key }],
          [String(key)]: 1,
        };
        const error = failureOf(() => validateCreateInput(input, 'liveapi'));
        expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
        expect((error as InvalidInputError).issues.map((issue) => issue.path)).toContain('[REDACTED]');
        expect(`${(error as Error).message} ${JSON.stringify(error)}`).not.toContain(String(key));
      }),
      { numRuns: 60 },
    );
  });
});

describe('readProviderOptions', () => {
  const schema = v.strictObject({
    billing_mode: v.optional(v.picklist(['pay_as_you_go', 'twentyfour_seven'])),
  });

  // A refusal's path holds the field names the caller chose. One that repeats a stream key the same input
  // carries was shown in clear by a provider called directly (a client masked it), on create and on start.
  it('masks a credential of the same input that a refused field name repeats, on create and on start (generated)', () => {
    const keys = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/);
    fc.assert(
      fc.property(keys, fc.constantFrom('create', 'start'), (key, operation) => {
        const target = { url: 'rtmp://a.example/live', streamKey: key };
        const input =
          operation === 'create'
            ? { restream: [target], providerOptions: { 'wowza-video': { [key]: true } } }
            : { providerOptions: { 'wowza-video': { restream: [target], [key]: true } } };
        const withTargets = v.strictObject({ restream: v.optional(v.array(v.unknown())) });
        let error: unknown;
        try {
          readProviderOptions(input, 'wowza-video', withTargets, operation);
        } catch (caught) {
          error = caught;
        }
        expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
        const refusal = error as InvalidInputError;
        expect(refusal.issues).toHaveLength(1);
        expect(refusal.issues[0]?.message).toMatch(/^unknown field/);
        for (const text of [refusal.message, JSON.stringify(refusal), refusal.issues[0]?.path ?? ''])
          expect(text).not.toContain(key);
      }),
      { numRuns: 60 },
    );
  });

  it('names every unknown option, once each, after what the schema refuses of the known ones (generated)', () => {
    const known = v.strictObject({
      billing_mode: v.optional(v.picklist(['pay_as_you_go', 'twentyfour_seven'])),
      width: v.optional(v.number()),
    });
    const unknownKeys = fc.uniqueArray(
      fc.stringMatching(/^[a-z][a-z_]{0,11}$/).filter((key) => !['billing_mode', 'width'].includes(key)),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(unknownKeys, fc.boolean(), (keys, badWidth) => {
        const entry: Record<string, unknown> = badWidth ? { width: 'wide' } : {};
        for (const key of keys) entry[key] = 1;
        const issues = issuesOf(() =>
          readProviderOptions({ providerOptions: { 'wowza-video': entry } }, 'wowza-video', known, 'create'),
        );
        const at = (key: string) => `providerOptions.wowza-video.${key}`;
        expect(issues).toEqual([
          ...(badWidth ? [{ path: at('width'), message: 'expected a number' }] : []),
          ...keys.map((key) => ({
            path: at(key),
            message: 'unknown field; expected one of billing_mode, width',
          })),
        ]);
      }),
      { numRuns: 100 },
    );
  });

  it("puts valibot's own messages in unilive's words: what was expected, never what was received (generated)", () => {
    const plain = v.strictObject({
      text: v.optional(v.string()),
      count: v.optional(v.number()),
      flag: v.optional(v.boolean()),
      mode: v.optional(v.picklist(['landscape', 'portrait'])),
      one: v.optional(v.literal('only')),
      code: v.optional(v.pipe(v.string(), v.minLength(2), v.maxLength(4))),
      grid: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(25))),
      nested: v.optional(v.strictObject({ type: v.string() })),
      list: v.optional(v.pipe(v.array(v.string()), v.minLength(1))),
      link: v.optional(v.pipe(v.string(), v.url(), v.startsWith('https://'))),
    });
    const fields = Object.keys(plain.entries);
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.anything(), (field, value) => {
        let error: unknown;
        try {
          readProviderOptions({ providerOptions: { acme: { [field]: value } } }, 'acme', plain, 'create');
        } catch (caught) {
          error = caught;
        }
        if (error === undefined) return;
        expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
        for (const issue of (error as InvalidInputError).issues) {
          expect(issue.message).toMatch(/^(expected |unknown field|is required)/);
          expect(issue.message).not.toMatch(/Invalid|Expected|received/);
        }
      }),
      { numRuns: 400 },
    );
    const said = (field: string, value: unknown) =>
      issuesOf(() =>
        readProviderOptions({ providerOptions: { acme: { [field]: value } } }, 'acme', plain, 'create'),
      ).map((issue) => issue.message);
    expect(said('text', 5)).toEqual(['expected a string']);
    expect(said('count', 'x')).toEqual(['expected a number']);
    expect(said('flag', 'yes')).toEqual(['expected a boolean']);
    expect(said('mode', 'square')).toEqual(['expected one of landscape, portrait']);
    expect(said('one', 'other')).toEqual(['expected "only"']);
    expect(said('code', 'x')).toEqual(['expected at least 2 characters']);
    expect(said('code', 'xxxxx')).toEqual(['expected at most 4 characters']);
    expect(said('grid', 1.5)).toEqual(['expected a whole number']);
    expect(said('grid', 0)).toEqual(['expected at least 1']);
    expect(said('grid', 30)).toEqual(['expected at most 25']);
    expect(said('nested', 'x')).toEqual(['expected an object']);
    expect(said('nested', {})).toEqual(['is required']);
    expect(said('list', 'x')).toEqual(['expected a list']);
    expect(said('list', [])).toEqual(['expected at least 1 item']);
    expect(said('link', 'nope')).toEqual(['expected a URL', 'expected a text starting with "https://"']);
    expect(said('link', 'http://a.example')).toEqual(['expected a text starting with "https://"']);
  });

  it('returns the options for this provider only', () => {
    expect(
      readProviderOptions({ providerOptions: { other: { a: 1 } } }, 'wowza-video', schema, 'create'),
    ).toBeUndefined();
    expect(
      readProviderOptions(
        { providerOptions: { 'wowza-video': { billing_mode: 'pay_as_you_go' } } },
        'wowza-video',
        schema,
        'create',
      ),
    ).toEqual({ billing_mode: 'pay_as_you_go' });
  });

  it('reports problems under providerOptions.<provider>', () => {
    const run = () =>
      readProviderOptions(
        { providerOptions: { 'wowza-video': { billing_mode: 'monthly', color: 'red' } } },
        'wowza-video',
        schema,
        'create',
      );
    const issues = issuesOf(run);
    expect(issues.map((issue) => issue.path)).toEqual([
      'providerOptions.wowza-video.billing_mode',
      'providerOptions.wowza-video.color',
    ]);
    expect(issues[0]?.message).not.toContain('monthly');
    expect(issues[1]?.message).toBe('unknown field; expected one of billing_mode');
  });

  // The types allow it (every optional field takes `undefined`; a start's entry for an adapter that takes none
  // is typed `never`), and every other optional field given `undefined` is one left out.
  it('an id given undefined is an id left out, on create, update and start, whichever ids (generated)', () => {
    const ids = fc.constantFrom('wowza-video', 'wowza-realtime', 'liveapi', 'videosdk', 'wowzavideo');
    fc.assert(
      fc.property(fc.uniqueArray(ids, { minLength: 1, maxLength: 5 }), ids, (undefinedIds, provider) => {
        const providerOptions: Record<string, undefined> = {};
        for (const id of undefinedIds) providerOptions[id] = undefined;
        expect(() => validateCreateInput({ name: 'x', providerOptions })).not.toThrow();
        expect(() => validateUpdateInput({ providerOptions })).not.toThrow();
        expect(readProviderOptions({ providerOptions }, provider, schema, 'create')).toBeUndefined();
        for (const on of [['start'], ['create', 'update'], []])
          expect(readStartProviderOptions(providerOptions, provider, on)).toEqual(providerOptions);
      }),
    );
    // Given options, an adapter that takes none on start still refuses them; an empty entry asks for none.
    expect(readStartProviderOptions({ liveapi: {} }, 'liveapi', [])).toEqual({ liveapi: {} });
    expect(issuesOf(() => readStartProviderOptions({ liveapi: { enabled: true } }, 'liveapi'))).toEqual([
      {
        path: 'options.providerOptions.liveapi',
        message: 'liveapi takes no provider options on start; give them on create or update',
      },
    ]);
  });

  it('advises only the calls where the provider takes provider options', () => {
    const given = { videosdk: { recording: true } };
    const refusal = (on: readonly ('create' | 'update' | 'start')[]) =>
      issuesOf(() => readStartProviderOptions(given, 'videosdk', on))[0]?.message;
    const advice = 'videosdk takes no provider options on start; give them on';
    expect(refusal(['create', 'update'])).toBe(`${advice} create or update`);
    expect(refusal(['update', 'create'])).toBe(`${advice} create or update`);
    expect(refusal(['create'])).toBe(`${advice} create`);
    expect(refusal(['update'])).toBe(`${advice} update`);
    // videosdk's API v1 takes none anywhere: no call to send the caller to.
    expect(refusal([])).toBe('videosdk takes no provider options');
    for (const on of [['start'], ['start', 'create'], ['create', 'update', 'start']] as const)
      expect(readStartProviderOptions(given, 'videosdk', on)).toEqual(given);
  });
});

describe('names', () => {
  const emoji = '😀';

  it('counts code points, not UTF-16 units', () => {
    expect(validateCreateInput({ name: emoji.repeat(120) }).name).toBe(emoji.repeat(120));
    expect(validateCreateInput({ name: emoji.repeat(200) }).name).toHaveLength(400);
    expect(issuesOf(() => validateCreateInput({ name: emoji.repeat(201) }))).toEqual([
      {
        path: 'name',
        message:
          'expected at most 200 code points (an emoji of one code point counts 1, a flag 2, a family emoji up to 7); this name has 201',
      },
    ]);
  });

  it('counts an emoji sequence by its code points, and the refusal names the unit and the count given', () => {
    // What a reader sees as one character: one code point, a skin tone (2), a flag (2), a keycap (3), a
    // family (7), a subdivision flag (7).
    const sequences = ['👍', '👍🏽', '🇫🇷', '1️⃣', '👨‍👩‍👧‍👦', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'];
    fc.assert(
      fc.property(fc.integer({ min: 150, max: 205 }), fc.constantFrom(...sequences), (pad, sequence) => {
        const name = 'x'.repeat(pad) + sequence;
        const codePoints = pad + [...sequence].length;
        if (codePoints <= 200) expect(validateCreateInput({ name }).name).toBe(name);
        else
          expect(issuesOf(() => validateCreateInput({ name }))).toEqual([
            {
              path: 'name',
              message: `expected at most 200 code points (an emoji of one code point counts 1, a flag 2, a family emoji up to 7); this name has ${codePoints}`,
            },
          ]);
      }),
      {
        examples: [
          [199, '👍'],
          [199, '👍🏽'],
          [199, '🇫🇷'],
          [193, '👨‍👩‍👧‍👦'],
          [194, '👨‍👩‍👧‍👦'],
        ],
      },
    );
  });

  it.each([
    [
      'a lone high surrogate',
      'bad\uD83D name',
      'expected well-formed text (a lone surrogate cannot be sent as UTF-8)',
    ],
    [
      'a lone low surrogate',
      '\uDE00 name',
      'expected well-formed text (a lone surrogate cannot be sent as UTF-8)',
    ],
    ['C1 NEL', 'line\u0085break', 'expected no control characters'],
    ['C1 CSI', 'esc\u009b31m', 'expected no control characters'],
    ['a line separator', 'one\u2028two', 'expected no control characters'],
    [
      'a right-to-left override',
      'invoice\u202Etxt.exe',
      'expected no bidirectional embedding, override or isolate characters (U+202A–U+202E, U+2066–U+2069)',
    ],
    [
      'a first-strong isolate',
      'a\u2068b',
      'expected no bidirectional embedding, override or isolate characters (U+202A–U+202E, U+2066–U+2069)',
    ],
    [
      'zero-width characters only',
      '\u200B\u200C\u200D\u2060\uFEFF',
      'expected visible characters, not only invisible ones (zero-width or format characters)',
    ],
  ])('refuses a name with %s before any request', (_, name, message) => {
    expect(issuesOf(() => validateCreateInput({ name }))).toEqual([{ path: 'name', message }]);
    expect(issuesOf(() => validateUpdateInput({ name }))).toEqual([{ path: 'name', message }]);
  });

  const invisibleOnly =
    'expected visible characters, not only invisible ones (zero-width or format characters)';
  const hiddenTags =
    'expected no tag characters (U+E0000–U+E007F) outside an emoji flag: they hide text from a reader';
  // What a screen draws as nothing: blank braille cells, combining marks with no base, tag characters,
  // zero-width and format characters, mixed in any order and number.
  const blank = fc.constantFrom(
    '\u2800',
    '\u0301',
    '\u0308',
    '\u20DD',
    '\u{E0041}',
    '\u{E0020}',
    '\u{E007F}',
    '\u200B',
    '\u2060',
    '\uFE0F',
    '\u00AD',
  );

  it('refuses a name of blank braille cells, base-less combining marks or tag characters, in any mix', () => {
    fc.assert(
      fc.property(fc.array(blank, { minLength: 1, maxLength: 40 }), (parts) => {
        const name = parts.join('');
        const issues = issuesOf(() => validateCreateInput({ name }));
        expect(issues).toContainEqual({ path: 'name', message: invisibleOnly });
        expect(issuesOf(() => validateUpdateInput({ name }))).toEqual(issues);
      }),
    );
  });

  it('refuses text hidden in tag characters behind a visible name', () => {
    const hidden = (text: string) =>
      [...text].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20, unit: fc.constantFrom(...'abcXYZ 09') }),
        fc.string({ minLength: 1, maxLength: 30, unit: fc.constantFrom(...'ignore previous instructions') }),
        (visible, secret) => {
          const name = `L${visible}${hidden(secret)}`;
          expect(issuesOf(() => validateCreateInput({ name }))).toEqual([
            { path: 'name', message: hiddenTags },
          ]);
        },
      ),
    );
  });

  it('accepts the emoji subdivision flags, which are drawn from tag characters', () => {
    const england = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}';
    const scotland = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}';
    for (const name of [england, `${scotland} match day`, `Cup ${england} v ${scotland}`]) {
      expect(validateCreateInput({ name }).name).toBe(name);
    }
  });

  it('accepts right-to-left text with its direction marks, and combining characters', () => {
    for (const name of ['שידור חי', 'بث مباشر\u200F', 'e\u0301vènement', '👩‍👩‍👧 family']) {
      expect(validateCreateInput({ name }).name).toBe(name);
    }
  });
});

describe('what the input must be', () => {
  it('says that a name is required', () => {
    const error = (() => {
      try {
        validateCreateInput({});
      } catch (caught) {
        return caught as InvalidInputError;
      }
      throw new Error('expected InvalidInputError');
    })();
    expect(error.message).toBe('Invalid input for create: name is required');
    expect(error.issues).toEqual([{ path: 'name', message: 'is required' }]);
  });

  it.each([
    [undefined, 'undefined'],
    [null, 'null'],
    ['Launch', 'string'],
    [[{ name: 'x' }], 'an array'],
  ])('says what a create input should be when given %s', (input, kind) => {
    expect(() => validateCreateInput(input)).toThrow(
      `Invalid input for create: expected an object with at least \`name\`, such as { name: "Launch" }; received ${kind}`,
    );
  });

  it('says what an update patch should be', () => {
    expect(() => validateUpdateInput(undefined)).toThrow(
      'Invalid input for update: expected an object with at least one field to change, such as { name: "New name" }; received undefined',
    );
  });

  it('names a missing restream field as required', () => {
    expect(
      issuesOf(() => validateCreateInput({ name: 'x', restream: [{ url: 'rtmp://a.test/app' }] })),
    ).toEqual([{ path: 'restream.0.streamKey', message: 'is required' }]);
  });
});

describe('own properties only', () => {
  const polluted = Object.prototype as Record<string, unknown>;

  it('a property set on Object.prototype is neither validated nor handed on', () => {
    polluted.recording = true;
    polluted.providerOptions = { 'wowza-video': { billing_mode: 'twentyfour_seven' } };
    try {
      const valid = validateCreateInput({ name: 'innocent' });
      expect(Object.keys(valid)).toEqual(['name']);
      expect(valid.recording).toBeUndefined();
      expect(valid.providerOptions).toBeUndefined();
      const patch = validateUpdateInput({ name: 'innocent' });
      expect(patch.recording).toBeUndefined();
      const nested = validateCreateInput({
        name: 'x',
        restream: [{ url: 'rtmp://a.test/app', streamKey: 'k' }],
      });
      expect(Object.keys(nested.restream?.[0] ?? {})).toEqual(['url', 'streamKey']);
      expect(
        (nested.restream?.[0] as unknown as Record<string, unknown> | undefined)?.recording,
      ).toBeUndefined();
    } finally {
      delete polluted.recording;
      delete polluted.providerOptions;
    }
  });

  it('an array on Object.prototype.issues ends every check with an error naming it, and stays as it was', () => {
    // valibot appended each nested result's issues to its own through the prototype: with both the same
    // array, it walked the array it was appending to for ever. This array stops such a walk after a few
    // appends (it throws), so that the old behaviour fails here instead of hanging the test.
    const planted: unknown[] = [{ message: 'planted' }];
    Object.defineProperty(planted, 'push', {
      value(...items: unknown[]) {
        if (planted.length > 8) throw new Error('appended to the polluted array without end');
        return Array.prototype.push.apply(planted, items);
      },
    });
    const inputs: [string, () => unknown][] = [
      ['create', () => validateCreateInput({ name: 'innocent' })],
      [
        'create',
        () => validateCreateInput({ name: 'x', restream: [{ url: 'rtmp://a.test/app', streamKey: 'k' }] }),
      ],
      ['update', () => validateUpdateInput({ name: 'innocent' })],
    ];
    polluted.issues = planted;
    const outcomes: unknown[] = [];
    try {
      for (const [, run] of inputs) outcomes.push(issuesOf(run));
      outcomes.push(safeParseOwn(v.object({ id: v.string() }), { id: 'abc' }));
      // The adapters' readers of error bodies and webhooks, which throw as `v.parse` does.
      outcomes.push(failureOf(() => parseOwn(v.looseObject({ id: v.string() }), { id: 'abc' })));
    } finally {
      delete polluted.issues;
    }
    const named =
      'could not be checked: Object.prototype carries "issues", set by code in this process (a polluted prototype)';
    expect(outcomes.slice(0, 3)).toEqual(inputs.map(() => [{ path: '$', message: named }]));
    expect(outcomes[3]).toEqual({ success: false, issues: [expect.objectContaining({ message: named })] });
    expect(outcomes[4]).toBeInstanceOf(v.ValiError);
    expect((outcomes[4] as Error).message).toBe(named);
    expect(planted).toEqual([{ message: 'planted' }]);
    // Once it is gone, the same inputs pass.
    for (const [, run] of inputs) expect(run()).toBeDefined();
    expect(parseOwn(v.looseObject({ id: v.string() }), { id: 'abc' })).toEqual({ id: 'abc' });
  });

  it('provider options are read from own properties, and returned without a prototype', () => {
    const schema = v.strictObject({ billing_mode: v.optional(v.string()) });
    polluted['wowza-video'] = { billing_mode: 'polluted' };
    polluted.billing_mode = 'polluted';
    try {
      expect(readProviderOptions({ providerOptions: {} }, 'wowza-video', schema, 'create')).toBeUndefined();
      const options = readProviderOptions(
        { providerOptions: { 'wowza-video': {} } },
        'wowza-video',
        schema,
        'create',
      );
      expect(options?.billing_mode).toBeUndefined();
    } finally {
      delete polluted['wowza-video'];
      delete polluted.billing_mode;
    }
  });
});

describe('inherited fields', () => {
  // Where an input is read, an object that is not plain (made from another, a class instance, a Map) is
  // refused naming its kind: its inherited fields would otherwise reach the vendor through valibot's reads.
  const shapes = {
    'made from defaults': (fields: Record<string, unknown>) => Object.create(fields) as unknown,
    'class instance with getters': (fields: Record<string, unknown>) => {
      class Input {}
      for (const [key, value] of Object.entries(fields)) {
        Object.defineProperty(Input.prototype, key, { get: () => value, enumerable: true });
      }
      return new Input() as unknown;
    },
  };
  const places = {
    create: (value: unknown) => validateCreateInput(value),
    update: (value: unknown) => validateUpdateInput(value),
    'create restream target': (value: unknown) => validateCreateInput({ name: 'x', restream: [value] }),
    'update restream target': (value: unknown) => validateUpdateInput({ restream: [value] }),
  };
  const fieldsOf = (place: string): Record<string, unknown> =>
    place.includes('restream')
      ? { url: 'rtmp://a.test/app', streamKey: 'inherited-key' }
      : { name: 'inherited-name', recording: true };

  it('of an input or a restream target are never read: the object is refused naming its kind', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(shapes) as (keyof typeof shapes)[])),
        fc.constantFrom(...(Object.keys(places) as (keyof typeof places)[])),
        (shape, place) => {
          const issues = issuesOf(() => places[place](shapes[shape](fieldsOf(place))));
          const path = place.includes('restream') ? 'restream.0' : '$';
          expect(issues).toEqual([
            {
              path,
              message: expect.stringMatching(/^expected a plain object \(\{ name: value, … \}\), not an/),
            },
          ]);
          expect(JSON.stringify(issues)).not.toContain('inherited');
        },
      ),
    );
  });

  it('an array for providerOptions, or for the options under an id, is refused as no object of them', () => {
    for (const [providerOptions, path, message] of [
      [[], 'providerOptions', 'expected an object keyed by provider id, not an array'],
      [[{ a: 1 }], 'providerOptions', 'expected an object keyed by provider id, not an array'],
      [{ liveapi: [] }, 'providerOptions.liveapi', 'expected an object of options, not an array'],
      [
        { liveapi: {}, 'wowza-video': [1] },
        'providerOptions.wowza-video',
        'expected an object of options, not an array',
      ],
    ] as const) {
      for (const run of [
        () => validateCreateInput({ name: 'x', providerOptions }),
        () => validateUpdateInput({ providerOptions }),
      ]) {
        expect(issuesOf(run)).toEqual([{ path, message }]);
      }
    }
  });

  it('plain objects of any realm, with or without a prototype, frozen or not, are read as before', () => {
    const other = vm.runInNewContext(
      '({ name: "other realm", restream: [{ url: "rtmp://a.test/app", streamKey: "k" }] })',
    );
    for (const input of [
      { name: 'plain' },
      Object.assign(Object.create(null), { name: 'no prototype' }),
      Object.freeze({ name: 'frozen' }),
      other,
    ]) {
      expect(validateCreateInput(input).name).toBe((input as { name: string }).name);
    }
    expect(validateCreateInput(other).restream).toEqual([{ url: 'rtmp://a.test/app', streamKey: 'k' }]);
  });
});

describe('each field read once', () => {
  // Getters that answer one value first and another after: what is checked must be what is returned.
  const pairs: Record<string, [unknown, unknown]> = {
    name: ['first name', ''],
    recording: [true, 'yes'],
    ingestProtocol: ['rtmp', 'carrier-pigeon'],
    lowLatency: [false, 1],
    region: ['eu', 7],
    restream: [[{ url: 'rtmp://a.test/app', streamKey: 'key-1234' }], 'rtmp://b.test'],
    providerOptions: [{ liveapi: {} }, JSON.parse('{"liveapi": {"__proto__": {"polluted": true}}}')],
  };
  const nested: Record<string, [unknown, unknown]> = {
    url: ['rtmp://a.test/app', 'not a url'],
    streamKey: ['key-1234', 'key with spaces'],
  };

  it('validates and returns the value each getter gave on its one read, at any depth', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(pairs), ...Object.keys(nested).map((key) => `restream.0.${key}`)),
        fc.boolean(),
        (field, update) => {
          let reads = 0;
          const getter = ([first, later]: [unknown, unknown]) => ({
            enumerable: true,
            get: () => {
              reads += 1;
              return reads === 1 ? first : later;
            },
          });
          const input: Record<string, unknown> = { name: 'n' };
          const [top, , key] = field.split('.');
          if (key) {
            const target: Record<string, unknown> = { url: 'rtmp://a.test/app', streamKey: 'key-1234' };
            Object.defineProperty(target, key, getter(nested[key] ?? [undefined, undefined]));
            input.restream = [target];
          } else {
            if (update && top === 'ingestProtocol') return;
            if (update && top === 'providerOptions') return;
            Object.defineProperty(input, top ?? '', getter(pairs[top ?? ''] ?? [undefined, undefined]));
          }
          const valid = (update
            ? validateUpdateInput(input)
            : validateCreateInput(input)) as unknown as Record<string, unknown>;
          expect(reads).toBe(1);
          const first = key ? nested[key]?.[0] : pairs[top ?? '']?.[0];
          const given = key ? (valid.restream as Record<string, unknown>[])[0]?.[key] : valid[top ?? ''];
          expect(given).toEqual(first);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('inputSecrets', () => {
  it('lists restream keys and every credential-named string of the provider options', () => {
    const input = {
      name: 'x',
      restream: [{ url: 'rtmp://user:url-pass@a.test/app', streamKey: 'restream-key-1' }],
      providerOptions: {
        'wowza-video': {
          password: 'push-password',
          username: 'push-user',
          security: { token_auth_enabled: true, token_auth_shared_secret: 'abcdef0123' },
          source_url: 'rtsp://cam:cam-pass@camera.test/stream',
        },
        liveapi: { settings: { api_key: 'not-for-this-provider' } },
      },
    };
    expect(inputSecrets(input, 'wowza-video').sort()).toEqual(
      [
        ...['restream-key-1', 'url-pass', 'url-pass', 'user'],
        ...['push-password', 'abcdef0123', 'cam-pass', 'cam-pass', 'cam'],
      ].sort(),
    );
    expect(inputSecrets(input, 'liveapi')).toEqual([
      'restream-key-1',
      'url-pass',
      'url-pass',
      'user',
      'not-for-this-provider',
    ]);
  });
});

describe('providerOptionsWarnings', () => {
  it('warns about an id no provider has, naming the known ids and the nearest', () => {
    const warnings = providerOptionsWarnings(
      { providerOptions: { wowzavideo: { billing_mode: 'x' }, liveapi: {}, 'wowza-video': {} } },
      'wowza-video',
    );
    expect(warnings).toEqual([
      {
        type: 'unsupported-setting',
        setting: 'providerOptions.wowzavideo',
        message:
          'providerOptions.wowzavideo: no provider has this id, so these options are ignored (did you mean "wowza-video"?); known ids: wowza-video, wowza-realtime, liveapi, videosdk',
      },
    ]);
    expect(providerOptionsWarnings({ providerOptions: { acme: {} } }, 'acme')).toEqual([]);
  });
});

describe('streamSecrets', () => {
  it('lists every credential a stream carries, from its fields, URLs, providerDetails and raw', () => {
    const found = streamSecrets({
      ingest: [
        {
          url: 'rtmp://ingest.example.com/app/key-0001',
          server: 'rtmp://ingest.example.com/app',
          streamKey: 'key-0001',
          password: 'push-pass-0002',
          token: 'whip-token-0003',
        },
        { url: 'srt://publisher:srt-pass-0004@ingest.example.com:9000' },
      ],
      playback: [{ url: 'https://cdn.example.com/index.m3u8?token=view-0005', token: 'view-0005' }],
      restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'yt-key-0006' }],
      providerDetails: { videosdk: { publishToken: 'sdk-token-0007', region: 'eu' } },
      raw: { stream_key: 'key-0001', nested: { signature_secret: 'raw-secret-0008' }, name: 'Launch' },
    });
    expect(new Set(found)).toEqual(
      new Set([
        'key-0001',
        'push-pass-0002',
        'whip-token-0003',
        'srt-pass-0004',
        'publisher',
        'view-0005',
        'yt-key-0006',
        'sdk-token-0007',
        'raw-secret-0008',
      ]),
    );
  });
});

describe('vendorDateInput', () => {
  it("sends what the vendor's format gives for a Date or a string, and refuses anything else with one issue", () => {
    // A stand-in format: a valid Date as its ISO text, a string when it is all digits.
    const format = (value: Date | string) =>
      value instanceof Date
        ? Number.isNaN(value.getTime())
          ? undefined
          : value.toISOString()
        : /^\d+$/.test(value)
          ? `at ${value}`
          : undefined;
    const schema = v.object({ at: vendorDateInput(format, 'expected a date') });
    fc.assert(
      fc.property(
        fc.oneof(fc.date(), fc.stringMatching(/^\d{0,4}$/), fc.string(), fc.anything()),
        (value) => {
          const result = v.safeParse(schema, { at: value });
          const expected =
            value instanceof Date || typeof value === 'string' ? format(value as Date | string) : undefined;
          expect(result.success).toBe(expected !== undefined);
          if (result.success) expect(result.output.at).toBe(expected);
          else expect(result.issues.map((issue) => issue.message)).toEqual(['expected a date']);
        },
      ),
      { numRuns: 300 },
    );
  });

  // A Date made in another realm (a vm context, an iframe, a test environment's globals) is a Date all the
  // same: it is sent as this realm's Date of the same instant; an object merely tagged as one is refused.
  it('takes a Date of another realm as the same instant, and refuses an object only tagged as a Date', () => {
    const otherRealm = vm.createContext({});
    const format = (value: Date | string) =>
      value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : undefined;
    const schema = v.object({ at: vendorDateInput(format, 'expected a date') });
    fc.assert(
      fc.property(fc.date(), (date) => {
        const foreign = vm.runInContext(`new Date(${date.getTime()})`, otherRealm) as unknown;
        expect(foreign instanceof Date).toBe(false);
        const result = v.safeParse(schema, { at: foreign });
        const expected = format(date);
        expect(result.success).toBe(expected !== undefined);
        if (result.success) expect(result.output.at).toBe(expected);
        else expect(result.issues.map((issue) => issue.message)).toEqual(['expected a date']);
        const tagged = { [Symbol.toStringTag]: 'Date', getTime: () => date.getTime() };
        expect(v.safeParse(schema, { at: tagged }).success).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

// A value as a vendor's answer or a caller's option carries it: long enough to be learned, and with nothing
// in it that reads as a credential's shape on its own.
const fieldValues = fc.stringMatching(/^[A-Za-z0-9_-]{4,32}$/);

// Fields named by any name: whether each names a credential by the rule redaction reads names with, and its
// value, the values distinct enough that masking one leaves every other whole (none holds another, nor the 8
// first or last characters of another, by which a form cut short is matched, in any case).
const namedFields = fc
  .array(
    fc.oneof(
      fc.tuple(
        fc.oneof(nameOf(credentialWords), fc.constantFrom(...compoundCredentialNames)),
        fc.constant(true),
      ),
      fc.tuple(fc.oneof(fc.constantFrom(...harmlessNames), nameOf(ordinaryWords)), fc.constant(false)),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .chain((names) =>
    fc
      .uniqueArray(fieldValues, { minLength: names.length, maxLength: names.length })
      .map((values) =>
        names.map(([name, secret], index) => ({ name, secret, value: values[index] as string })),
      ),
  )
  .filter((fields) => {
    const names = fields.map((field) => field.name);
    if (new Set(names).size !== names.length) return false;
    const values = fields.map((field) => field.value.toLowerCase());
    return values.every((one, i) =>
      values.every(
        (other, j) =>
          i === j ||
          (!one.includes(other) && !one.includes(other.slice(0, 8)) && !one.includes(other.slice(-8))),
      ),
    );
  });

// Where a field sits: at the top, inside an object of plain names, or in a list.
const placings = fc.constantFrom(
  (fields: Record<string, unknown>) => fields,
  (fields: Record<string, unknown>) => ({ settings: fields }),
  (fields: Record<string, unknown>) => ({ outputs: [{ id: 'o1', target: fields }] }),
);

// A vendor's later message, showing every value in running text and in a URL's path.
const laterText = (values: readonly string[]) =>
  values.map(
    (value) => `vendor answered 422: ${value} refused; see https://api.example.test/v1/${value}/state`,
  );

describe('credential fields of an input and a stream', () => {
  it('are learned when a credential name names them, and masked wherever their value appears later; other fields are not', () => {
    fc.assert(
      fc.property(namedFields, placings, (fields, place) => {
        const object = Object.fromEntries(fields.map(({ name, value }) => [name, value]));
        const credentials = fields.filter((field) => field.secret).map((field) => field.value);
        const learned = [
          inputSecrets({ providerOptions: { 'wowza-video': place(object) } }, 'wowza-video'),
          streamSecrets({ raw: place(object) }),
          streamSecrets({ providerDetails: { 'wowza-video': place(object) } }),
        ];
        for (const secrets of learned) {
          expect(new Set(secrets)).toEqual(new Set(credentials));
          const texts = laterText(fields.map((field) => field.value));
          const masked = laterText(fields.map((field) => (field.secret ? '[REDACTED]' : field.value)));
          expect(texts.map((text) => redact(text, secrets))).toEqual(masked);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('leave a field named by a harmless word unlearned, its value readable wherever it appears', () => {
    fc.assert(
      fc.property(fc.constantFrom(...harmlessNames), fieldValues, placings, (name, value, place) => {
        const object = { [name]: value };
        expect(inputSecrets({ providerOptions: { 'wowza-video': place(object) } }, 'wowza-video')).toEqual(
          [],
        );
        expect(
          streamSecrets({ raw: place(object), providerDetails: { 'wowza-video': place(object) } }),
        ).toEqual([]);
        // Wowza Video's `ad_keywords` once made every later mention of the keywords `[REDACTED]`.
        const text = laterText([value]);
        expect(text.map((line) => redact(line, streamSecrets({ raw: object })))).toEqual(text);
      }),
      { numRuns: 200 },
    );
  });
});
