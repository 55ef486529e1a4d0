import * as v from 'valibot';
import { type InputIssue, InvalidInputError } from './errors/errors.js';
import { ingestProtocols, type ProviderId } from './live-stream.js';
import type { CreateLiveStreamInput, UpdateLiveStreamInput } from './provider.js';

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects.
const controlCharacters = /[\u0000-\u001f\u007f]/;

/** The longest name any built-in provider accepts. */
export const maxNameLength = 200;

const nameSchema = v.pipe(
  v.string('expected a string'),
  v.check((name) => name.trim().length > 0, 'expected a non-empty name'),
  v.maxLength(maxNameLength, `expected at most ${maxNameLength} characters`),
  v.check((name) => !controlCharacters.test(name), 'expected no control characters'),
);

const restreamUrlSchema = v.pipe(
  v.string('expected a string'),
  v.maxLength(2048, 'expected at most 2048 characters'),
  v.check((url) => {
    try {
      const parsed = new URL(url);
      return (parsed.protocol === 'rtmp:' || parsed.protocol === 'rtmps:') && parsed.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'expected an rtmp:// or rtmps:// URL'),
  v.check(
    (url) => !controlCharacters.test(url) && !/\s/.test(url),
    'expected no whitespace or control characters',
  ),
);

// Messages are fixed strings so a rejected key is never echoed back.
const streamKeySchema = v.pipe(
  v.string('expected a string'),
  v.minLength(1, 'expected a non-empty stream key'),
  v.maxLength(1024, 'expected at most 1024 characters'),
  v.check(
    (key) => !controlCharacters.test(key) && !/\s/.test(key),
    'expected no whitespace or control characters',
  ),
);

const providerOptionsSchema = v.pipe(
  v.record(
    v.string(),
    v.record(v.string(), v.unknown(), 'expected an object of options'),
    'expected an object keyed by provider id',
  ),
  v.check(
    (options) => !hasForbiddenKey(options),
    'expected no "__proto__", "constructor" or "prototype" keys',
  ),
);

const createFields = {
  name: nameSchema,
  recording: v.optional(v.boolean('expected a boolean')),
  ingestProtocol: v.optional(v.picklist(ingestProtocols, `expected one of ${ingestProtocols.join(', ')}`)),
  region: v.optional(
    v.pipe(
      v.string('expected a string'),
      v.regex(/^[a-z0-9_-]{1,64}$/i, 'expected a region id of letters, digits, "_" or "-"'),
    ),
  ),
  lowLatency: v.optional(v.boolean('expected a boolean')),
  restream: v.optional(
    v.pipe(
      v.array(
        v.strictObject(
          { url: restreamUrlSchema, streamKey: streamKeySchema },
          'expected only url and streamKey',
        ),
        'expected an array',
      ),
      v.maxLength(20, 'expected at most 20 targets'),
    ),
  ),
  providerOptions: v.optional(providerOptionsSchema),
};

/** The valibot schema of {@link CreateLiveStreamInput}. Unknown fields are rejected, so typos surface. */
export const createLiveStreamInputSchema = v.strictObject(createFields, 'expected only documented fields');

const { ingestProtocol: _ingestProtocol, ...updateFields } = createFields;

/** The valibot schema of {@link UpdateLiveStreamInput}: at least one field. */
export const updateLiveStreamInputSchema = v.pipe(
  v.strictObject({ ...updateFields, name: v.optional(nameSchema) }, 'expected only documented fields'),
  v.check(
    (patch) => Object.values(patch).some((value) => value !== undefined),
    'expected at least one field to change',
  ),
);

function hasForbiddenKey(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null || depth > 8) return false;
  return Object.keys(value).some(
    (key) => forbiddenKeys.has(key) || hasForbiddenKey((value as Record<string, unknown>)[key], depth + 1),
  );
}

/**
 * Validates input against a schema and returns it typed, or throws {@link InvalidInputError} listing every
 * problem with its path. Values are never echoed: a rejected stream key stays out of the message.
 */
export function validateInput<T>(
  schema: v.GenericSchema<unknown, T>,
  input: unknown,
  context: { provider?: ProviderId | undefined; operation: string },
): T {
  if (typeof input === 'object' && input !== null && hasForbiddenKey(input)) {
    throw invalidInput(
      [{ path: '$', message: 'expected no "__proto__", "constructor" or "prototype" keys' }],
      context,
    );
  }
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  throw invalidInput(result.issues.map(toInputIssue), context);
}

/**
 * Builds the {@link InvalidInputError} for a list of problems found before any request: its `delivery` is
 * `not-sent`, so a caller (a registry routing a create) knows nothing reached the vendor.
 */
export function invalidInput(
  issues: InputIssue[],
  context: { provider?: ProviderId | undefined; operation: string },
): InvalidInputError {
  const listed = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return new InvalidInputError({
    message: `Invalid input for ${context.operation}: ${listed}`,
    provider: context.provider,
    operation: context.operation,
    issues,
    delivery: 'not-sent',
  });
}

function toInputIssue(issue: v.BaseIssue<unknown>): InputIssue {
  const path = v.getDotPath(issue) ?? '$';
  // Our schemas give fixed messages; valibot's defaults append the received value, which is cut.
  const message = issue.message.replace(/\s*but received .*$/s, '');
  if (issue.kind === 'schema' && issue.type === 'strict_object' && issue.expected === 'never') {
    return { path, message: 'unknown field' };
  }
  return { path, message };
}

/** Validates a create input. */
export function validateCreateInput(input: unknown, provider?: ProviderId): CreateLiveStreamInput {
  return validateInput(createLiveStreamInputSchema, input, {
    provider,
    operation: 'create',
  }) as CreateLiveStreamInput;
}

/** Validates an update patch. */
export function validateUpdateInput(input: unknown, provider?: ProviderId): UpdateLiveStreamInput {
  return validateInput(updateLiveStreamInputSchema, input, {
    provider,
    operation: 'update',
  }) as UpdateLiveStreamInput;
}

/**
 * Validates the caller's `providerOptions[provider]` with the adapter's schema (use `v.strictObject`, so
 * unknown options are reported). Problems are reported under `providerOptions.<provider>.…`.
 */
export function readProviderOptions<T>(
  input: { providerOptions?: Record<string, Record<string, unknown>> | undefined },
  provider: ProviderId,
  schema: v.GenericSchema<unknown, T>,
  operation: string,
): T | undefined {
  const options = input.providerOptions?.[provider];
  if (options === undefined) return undefined;
  const result = v.safeParse(schema, options);
  if (result.success) return result.output;
  // For an unknown top-level option, name the ones that exist.
  const entries = (schema as { entries?: unknown }).entries;
  const allowed = typeof entries === 'object' && entries !== null ? Object.keys(entries) : [];
  const issues = result.issues.map((issue) => {
    const { path, message } = toInputIssue(issue);
    const hint =
      message === 'unknown field' && allowed.length > 0 && !path.includes('.')
        ? `; expected one of ${allowed.join(', ')}`
        : '';
    return {
      path: path === '$' ? `providerOptions.${provider}` : `providerOptions.${provider}.${path}`,
      message: `${message}${hint}`,
    };
  });
  throw invalidInput(issues, { provider, operation });
}
