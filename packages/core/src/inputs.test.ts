import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors/errors.js';
import { readProviderOptions, validateCreateInput, validateUpdateInput } from './inputs.js';

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

  it('rejects names over 200 characters and control characters', () => {
    expect(issuesOf(() => validateCreateInput({ name: 'x'.repeat(201) }))).toEqual([
      { path: 'name', message: 'expected at most 200 characters' },
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
        { path: 'restream.0.url', message: 'expected an rtmp:// or rtmps:// URL' },
        { path: 'restream.1.streamKey', message: 'expected no whitespace or control characters' },
      ]);
      expect(JSON.stringify(typed)).not.toContain(secret);
      expect(typed.message).not.toContain(secret);
    }
  });

  it('rejects prototype-pollution keys in provider options', () => {
    const options = JSON.parse('{"liveapi": {"__proto__": {"polluted": true}}}');
    expect(issuesOf(() => validateCreateInput({ name: 'x', providerOptions: options }))).toEqual([
      { path: '$', message: 'expected no "__proto__", "constructor" or "prototype" keys' },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
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

describe('readProviderOptions', () => {
  const schema = v.strictObject({
    billing_mode: v.optional(v.picklist(['pay_as_you_go', 'twentyfour_seven'])),
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
});
