import { inspect } from 'node:util';
import {
  createLiveStreamClient,
  createLiveStreamRegistry,
  type ErrorEvent,
  onceListenerOptions,
  UniliveError,
} from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import { checkSection } from './check-rows.js';

// An abort reason is the caller's value, and an application builds it from whatever it has: often a failed
// request's error, whose `code` or `name` may be a credential (an upper-case token id is shaped like a
// system code). It becomes the `AbortError`'s `cause`, reduced and scrubbed like any other, on every path: a
// signal aborted before the call (the client's or the registry's refusal, before any provider is reached)
// and one aborted while the request is under way (the HTTP layer's), through a client and a registry. No
// form of the credential is in the error's `toJSON`, inspection, string or stack, nor in `onError`'s event.

// Credentials shaped as identifiers: their upper-case form is a system code (`ACME_TOKEN_0123456789`).
const credential = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{15,30}$/);
const forms = {
  raw: (value: string) => value,
  upper: (value: string) => value.toUpperCase(),
  lower: (value: string) => value.toLowerCase(),
} as const;
type Form = keyof typeof forms;
const places = ['code', 'name', 'message', 'nested code', 'nested message', 'nested name'] as const;
type Place = (typeof places)[number];

const { counted } = checkSection('hardening.abort-reason-secrets', 'aborts');
const check = 'a credential in an abort reason, aborted before or during the call, is in nothing shown';

function reasonWith(shown: string, place: Place): Error {
  const error = (fields: Record<string, string>, message = 'cancelled', cause?: Error) =>
    Object.assign(new Error(message, cause ? { cause } : undefined), fields);
  switch (place) {
    case 'code':
      return error({ code: shown });
    case 'name':
      return error({ name: shown });
    case 'message':
      return error({}, `cancelled: ${shown}`);
    case 'nested code':
      return error({}, 'cancelled', error({ code: shown }, 'upstream'));
    case 'nested message':
      return error({}, 'cancelled', error({}, `upstream ${shown}`));
    case 'nested name':
      return error({}, 'cancelled', error({ name: shown }, 'upstream'));
  }
}

/** Every text a caller or a logger sees of an error. */
function shownTexts(error: unknown, events: ErrorEvent[]): string {
  const texts = [String(error), inspect(error, { depth: 12, showHidden: true }), JSON.stringify(error)];
  if (error instanceof Error) texts.push(String(error.stack));
  if (UniliveError.isInstance(error)) texts.push(JSON.stringify(error.toJSON()));
  for (const event of events)
    texts.push(inspect(event, { depth: 12, showHidden: true }), JSON.stringify(event));
  return texts.join('\n');
}

// A vendor that never answers: the request is held until its signal ends it. `onFetch` runs when the
// request reaches fetch (the caller's abort, for the cases that abort during the call).
function heldFetch(onFetch: () => void): typeof fetch {
  return async (input, init) => {
    const signal = init?.signal ?? new Request(input, init).signal;
    onFetch();
    return new Promise<Response>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), onceListenerOptions);
    });
  };
}

/**
 * The recordings' credentials with `setting` given `value`. videosdk takes a token or a key pair, never both
 * (its factory refuses that): `apiKey` or `secret` makes a key pair, the other of the two a fixed value.
 */
function credentialsWith(adapterId: AdapterId, setting: string, value: string): Record<string, unknown> {
  const settings: Record<string, unknown> = { ...adapters[adapterId].fixtures.settings };
  if (setting === 'apiKey' || setting === 'secret') {
    delete settings.token;
    Object.assign(settings, { apiKey: 'a3f1c2d4-7b8e-4f00-9a1b', secret: 'Qm9zY2gtc2VjcmV0LWtleS0x' });
  }
  settings[setting] = value;
  return settings;
}

describe('an abort reason holding a credential', () => {
  for (const adapterId of adapterIds) {
    const adapter = adapters[adapterId];
    it(`is scrubbed from the AbortError and its cause on every path: ${adapterId} (generated)`, async () => {
      await fc.assert(
        fc.asyncProperty(
          credential,
          fc.constantFrom(...adapter.credentialSettings),
          fc.constantFrom(...(Object.keys(forms) as Form[])),
          fc.constantFrom(...places),
          fc.constantFrom('before', 'during'),
          fc.constantFrom('client', 'registry'),
          fc.constantFrom('get', 'list', 'create'),
          (value, setting, form, place, when, route, operation) =>
            counted(check, adapterId, async () => {
              const controller = new AbortController();
              const reason = reasonWith(forms[form](value), place);
              if (when === 'before') controller.abort(reason);
              const provider = adapter.factory({
                ...credentialsWith(adapterId, setting, value),
                ...adapter.settings,
                baseUrl: 'http://127.0.0.1:9/',
                retry: { maxRetries: 0 },
                fetch: heldFetch(() => controller.abort(reason)),
              });
              const events: ErrorEvent[] = [];
              const hooks = { onError: (event: ErrorEvent) => events.push(event) };
              const { signal } = controller;
              let call: Promise<unknown>;
              if (route === 'client') {
                const client = createLiveStreamClient(provider, { hooks });
                call =
                  operation === 'get'
                    ? client.get('abc123', { signal })
                    : operation === 'list'
                      ? client.list({ signal }).toArray()
                      : client.create(adapter.fixtures.createInput, { signal });
              } else {
                const registry = createLiveStreamRegistry({ providers: { here: provider }, hooks });
                call =
                  operation === 'get'
                    ? registry.get('here:abc123', { signal })
                    : operation === 'list'
                      ? registry.list({ signal }).toArray()
                      : registry.create(adapter.fixtures.createInput, { signal });
              }
              const error = await call.then(
                () => undefined,
                (thrown: unknown) => thrown,
              );
              const where = `${route} ${operation}, aborted ${when}, ${form} form in the reason's ${place} (${setting})`;
              expect(UniliveError.isInstance(error), `${where}: ${String(error)}`).toBe(true);
              const text = shownTexts(error, events);
              for (const name of Object.keys(forms) as Form[])
                expect(text.includes(forms[name](value)), `${where}: the ${name} form is shown`).toBe(false);
            }),
        ),
        {
          numRuns: 60,
          examples: [
            [
              'ACME_TOKEN_0123456789',
              adapter.credentialSettings[0] as string,
              'raw',
              'code',
              'before',
              'client',
              'get',
            ],
            [
              'sk_live_51HabcDEF123456789',
              adapter.credentialSettings.at(-1) as string,
              'upper',
              'code',
              'before',
              'client',
              'get',
            ],
            [
              'ACME_TOKEN_0123456789',
              adapter.credentialSettings[0] as string,
              'raw',
              'nested code',
              'before',
              'client',
              'get',
            ],
            [
              'ACME_TOKEN_0123456789',
              adapter.credentialSettings[0] as string,
              'raw',
              'code',
              'before',
              'registry',
              'list',
            ],
            [
              'ACME_TOKEN_0123456789',
              adapter.credentialSettings[0] as string,
              'raw',
              'code',
              'during',
              'registry',
              'get',
            ],
            [
              'ACME_TOKEN_0123456789',
              adapter.credentialSettings[0] as string,
              'raw',
              'nested code',
              'during',
              'client',
              'create',
            ],
          ],
        },
      );
    }, 600_000);
  }
});
