import { inspect } from 'node:util';
import {
  builtInProviderIds,
  type ConfiguredProviderFactory,
  type CreateLiveStreamInput,
  createLiveStreamClient,
  createLiveStreamClientFromConfig,
  createLiveStreamRegistryFromConfig,
  InvalidInputError,
  type LiveStreamProvider,
  UniliveError,
} from '@unilive/core';
import { liveApiSettingNames } from '@unilive/liveapi';
import { createMemoryProvider, loadFixture } from '@unilive/testing';
import { videosdkSettingNames } from '@unilive/videosdk';
import { wowzaRealtimeSettingNames } from '@unilive/wowza-realtime';
import { wowzaVideoSettingNames } from '@unilive/wowza-video';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import { type CheckRow, writeSection } from '../src/report.js';

// Configuration and input across adapters: every mistake is an InvalidInputError naming the setting, at the
// factory or the client, before any request; nothing inherited from Object.prototype is read or sent.

const rows: CheckRow[] = [];
afterAll(() => writeSection('hardening.configuration', { kind: 'checks', area: 'configuration', rows }));

const baseUrl = 'https://vendor.invalid/api';

interface Sent {
  method: string;
  url: string;
  body: string;
}

function recordingFetch(answer: (sent: Sent, index: number) => { status: number; body: unknown }) {
  const requests: Sent[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const sent = { method: request.method, url: request.url, body: await request.text() };
    requests.push(sent);
    const { status, body } = answer(sent, requests.length - 1);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

const refuse = () => ({ status: 422, body: { message: 'refused' } });

async function failureOf(run: () => Promise<unknown>): Promise<InvalidInputError> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(InvalidInputError.isInstance(error)).toBe(true);
  return error as InvalidInputError;
}

/** Every setting the adapter takes, as it exports them (typed against its settings interface). */
const settingNames: Record<AdapterId, readonly string[]> = {
  'wowza-video': Object.keys(wowzaVideoSettingNames),
  'wowza-realtime': Object.keys(wowzaRealtimeSettingNames),
  liveapi: Object.keys(liveApiSettingNames),
  // `now` is internal, for tests.
  videosdk: Object.keys(videosdkSettingNames).filter((name) => name !== 'now'),
  'videosdk-v2': Object.keys(videosdkSettingNames).filter((name) => name !== 'now'),
};

// A setting name as a hurried hand types it: wrong case, two letters swapped, a letter dropped or doubled.
const misspelling = (name: string) =>
  fc
    .tuple(fc.constantFrom('case', 'swap', 'drop', 'double'), fc.nat({ max: name.length - 2 }))
    .map(([kind, at]) => {
      if (kind === 'case')
        return name
          .replace(/[a-z](?=[A-Z])|[A-Z]/, (letter) =>
            letter.toUpperCase() === letter ? letter.toLowerCase() : letter.toUpperCase(),
          )
          .replace(/Url$/, 'URL');
      if (kind === 'swap') return `${name.slice(0, at)}${name[at + 1]}${name[at]}${name.slice(at + 2)}`;
      if (kind === 'drop') return `${name.slice(0, at)}${name.slice(at + 1)}`;
      return `${name.slice(0, at)}${name[at]}${name.slice(at)}`;
    });

const baseUrlVariables: Record<AdapterId, string> = {
  'wowza-video': 'WOWZA_VIDEO_BASE_URL',
  'wowza-realtime': 'WOWZA_REALTIME_BASE_URL',
  liveapi: 'LIVEAPI_BASE_URL',
  videosdk: 'VIDEOSDK_BASE_URL',
  'videosdk-v2': 'VIDEOSDK_BASE_URL',
};

describe('configuration: settings', () => {
  for (const adapterId of adapterIds) {
    const adapter = adapters[adapterId];

    it(`${adapterId}: a misspelled setting is refused, naming the nearest valid one, before any request`, async () => {
      const failures: string[] = [];
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...settingNames[adapterId])
            .chain((name) => fc.tuple(fc.constant(name), misspelling(name))),
          async ([name, typo]) => {
            if (settingNames[adapterId].includes(typo)) return;
            runs += 1;
            const { fetch, requests } = recordingFetch(refuse);
            const error = await failureOf(() =>
              createLiveStreamClientFromConfig(
                {
                  provider: adapter.provider,
                  ...adapter.fixtures.settings,
                  fetch,
                  [typo]: 'http://127.0.0.1:9',
                },
                { providers: { [adapter.provider]: adapter.factory } },
              ),
            );
            const issue = error.issues[0];
            const named = settingNames[adapterId].some((valid) => issue?.message.includes(`"${valid}"`));
            if (issue?.path !== typo || !named || requests.length > 0) {
              failures.push(`${typo} for ${name}: ${error.message}`);
            }
            expect(issue?.path).toBe(typo);
            expect(named || issue?.message.startsWith('unknown setting; expected one of')).toBe(true);
            expect(requests).toEqual([]);
          },
        ),
        { numRuns: 40 },
      );
      const error = await failureOf(() =>
        createLiveStreamClientFromConfig(
          { provider: adapter.provider, ...adapter.fixtures.settings, baseURL: 'http://127.0.0.1:9' },
          { providers: { [adapter.provider]: adapter.factory } },
        ),
      );
      expect(error.message).toBe(`${adapter.provider}: "baseURL": unknown setting; did you mean "baseUrl"?`);
      rows.push({ check: 'misspelled setting (baseURL, …)', adapter: adapterId, runs: runs + 1, failures });
    });

    it(`${adapterId}: ${baseUrlVariables[adapterId]} points the adapter at another API root`, async () => {
      const variable = baseUrlVariables[adapterId];
      const { fetch, requests } = recordingFetch(refuse);
      process.env[variable] = 'https://from-environment.invalid/root';
      try {
        const client = await createLiveStreamClientFromConfig(
          { provider: adapter.provider, ...adapter.fixtures.settings, fetch, retry: { maxRetries: 0 } },
          { providers: { [adapter.provider]: adapter.factory } },
        );
        await client.get(adapter.fixtures.subjectId).catch(() => undefined);
      } finally {
        delete process.env[variable];
      }
      const failures = requests.every((request) =>
        request.url.startsWith('https://from-environment.invalid/root/'),
      )
        ? []
        : requests.map((request) => request.url);
      rows.push({ check: `base URL from ${variable}`, adapter: adapterId, runs: 1, failures });
      expect(requests.length).toBeGreaterThan(0);
      expect(failures).toEqual([]);
    });
  }
});

// Settings no adapter can use faithfully are refused before any request, the same way whichever way they
// come in (the factory, a client's or a registry's configuration): a Map or a class instance for the
// settings (or for `retry`), whose entries or getters reading own properties would take for none; `null`
// for a setting, which would otherwise fall back to an environment variable or the vendor's production
// API; a credential or base URL holding a lone surrogate, which has no UTF-8 form to sign or send.
describe('configuration: settings no adapter can use faithfully', () => {
  class VendorSettings {
    constructor(values: Record<string, unknown>) {
      Object.assign(this, values);
    }
  }
  type Case =
    | { kind: 'map' | 'class' | 'retry map' | 'retry class' | 'null settings' }
    | { kind: 'null'; name: string }
    | { kind: 'lone surrogate'; name: string; at: number; unit: number };
  const ways = ['factory', 'client config', 'registry config'] as const;

  for (const adapterId of adapterIds) {
    const adapter = adapters[adapterId];
    const names = settingNames[adapterId];
    const texts = [...adapter.credentialSettings, 'baseUrl'];
    const cases: fc.Arbitrary<Case> = fc.oneof(
      fc.constantFrom<Case>(
        { kind: 'map' },
        { kind: 'class' },
        { kind: 'retry map' },
        { kind: 'retry class' },
        { kind: 'null settings' },
      ),
      fc.constantFrom(...names).map((name): Case => ({ kind: 'null', name })),
      fc
        .record({
          name: fc.constantFrom(...texts),
          at: fc.nat({ max: 40 }),
          unit: fc.oneof(fc.integer({ min: 0xd800, max: 0xdbff }), fc.integer({ min: 0xdc00, max: 0xdfff })),
        })
        .map((fields): Case => ({ kind: 'lone surrogate', ...fields })),
    );

    it(`${adapterId}: a Map or class instance, null settings or a null setting, a lone surrogate: InvalidInputError, no request`, async () => {
      const failures: string[] = [];
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(cases, fc.constantFrom(...ways), async (given, way) => {
          runs += 1;
          const { fetch, requests } = recordingFetch(refuse);
          const plain: Record<string, unknown> = {
            ...adapter.fixtures.settings,
            ...adapter.settings,
            baseUrl,
            fetch,
          };
          let settings: unknown = plain;
          let path = '$';
          // `null` for the whole settings is the factory's argument alone (a configuration's `null` entry is
          // its own case): taken for none, every credential and the base URL would come from the environment.
          fc.pre(given.kind !== 'null settings' || way === 'factory');
          if (given.kind === 'null settings') settings = null;
          else if (given.kind === 'map') settings = new Map(Object.entries(plain));
          else if (given.kind === 'class') settings = new VendorSettings(plain);
          else if (given.kind === 'retry map' || given.kind === 'retry class') {
            const retry = { maxRetries: 0 };
            settings = {
              ...plain,
              retry: given.kind === 'retry map' ? new Map(Object.entries(retry)) : new VendorSettings(retry),
            };
            path = 'retry';
          } else if (given.kind === 'null') {
            settings = { ...plain, [given.name]: null };
            path = given.name;
          } else if (given.kind === 'lone surrogate') {
            const value = String(plain[given.name] ?? 'credential-value-1234');
            const at = Math.min(given.at, value.length);
            const broken = `${value.slice(0, at)}${String.fromCharCode(given.unit)}${value.slice(at)}`;
            settings = { ...plain, [given.name]: broken };
            path = given.name;
          }
          const entry = (values: unknown) =>
            values instanceof Map || values instanceof VendorSettings
              ? values
              : { provider: adapter.provider, ...(values as Record<string, unknown>) };
          // Through configuration, a settings object that is no plain one is the entry itself.
          if ((given.kind === 'map' || given.kind === 'class') && way === 'registry config')
            path = 'providers.0';
          const providers = { [adapter.provider]: adapter.factory };
          const run = async () => {
            if (way === 'factory') {
              const client = createLiveStreamClient(adapter.factory(settings as Record<string, unknown>));
              return client.get(adapter.fixtures.subjectId);
            }
            if (way === 'client config') {
              const client = await createLiveStreamClientFromConfig(entry(settings) as never, { providers });
              return client.get(adapter.fixtures.subjectId);
            }
            const registry = await createLiveStreamRegistryFromConfig(
              { providers: [entry(settings) as never] },
              { providers },
            );
            return registry.get(`${adapter.provider}:${adapter.fixtures.subjectId}`);
          };
          const error = await run().then(
            () => undefined,
            (caught: unknown) => caught,
          );
          const said = `${way}, ${JSON.stringify(given)}: ${String(error)}`;
          const paths = InvalidInputError.isInstance(error) ? error.issues.map((issue) => issue.path) : [];
          const ok =
            InvalidInputError.isInstance(error) &&
            paths.some((each) => each === path || each.endsWith(`.${path}`)) &&
            requests.length === 0 &&
            (given.kind !== 'null settings' ||
              (InvalidInputError.isInstance(error) &&
                error.issues[0]?.message.includes('null is not read as none')));
          if (!ok) failures.push(said);
          expect(InvalidInputError.isInstance(error), said).toBe(true);
          expect(
            paths.some((each) => each === path || each.endsWith(`.${path}`)),
            said,
          ).toBe(true);
          expect(requests, said).toEqual([]);
          if (given.kind === 'null settings' && InvalidInputError.isInstance(error)) {
            expect(error.issues, said).toEqual([
              {
                path: '$',
                message:
                  'expected an object, or the settings left out (null is not read as none: every setting would come from the environment)',
              },
            ]);
            expect(error.delivery, said).toBe('not-sent');
          }
        }),
        { numRuns: 60, examples: [[{ kind: 'null settings' }, 'factory']] },
      );
      rows.push({
        check:
          'a Map, class instance, null settings or setting, or lone surrogate refused before any request',
        adapter: adapterId,
        runs,
        failures,
      });
    });
  }
});

// `provider: null` is no provider, as `null` is no value for any setting: falling back to UNILIVE_PROVIDER
// would send the call, with this configuration's credentials, to the vendor the environment names. And
// `providerOptions` (or the options under a provider's id) given as a Map or a class instance, whose entries
// or getters reading own properties would take for none, are refused naming their kind: the same rule as
// settings, before any request, on every adapter and every call that takes them.
describe('configuration: a null provider, providerOptions that are no plain object', () => {
  class VendorOptions {
    constructor(values: Record<string, unknown>) {
      Object.assign(this, values);
    }
  }
  type Case =
    | { kind: 'null provider'; environment: string }
    | { kind: 'options'; level: 'top' | 'provider'; as: 'map' | 'class'; call: 'create' | 'update' };

  for (const adapterId of adapterIds) {
    const adapter = adapters[adapterId];
    const cases: fc.Arbitrary<Case> = fc.oneof(
      fc
        .constantFrom(...adapterIds)
        .map((id): Case => ({ kind: 'null provider', environment: adapters[id].provider })),
      fc
        .record({
          level: fc.constantFrom<'top' | 'provider'>('top', 'provider'),
          as: fc.constantFrom<'map' | 'class'>('map', 'class'),
          call: fc.constantFrom<'create' | 'update'>('create', 'update'),
        })
        .map((fields): Case => ({ kind: 'options', ...fields })),
    );

    it(`${adapterId}: provider null and a Map or class instance for providerOptions: InvalidInputError, no request`, async () => {
      const failures: string[] = [];
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(cases, async (given) => {
          runs += 1;
          const { fetch, requests } = recordingFetch(refuse);
          const settings = { ...adapter.fixtures.settings, ...adapter.settings, baseUrl, fetch };
          const providers = { [adapter.provider]: adapter.factory };
          let path: string;
          const run = async () => {
            if (given.kind === 'null provider') {
              path = 'provider';
              const before = process.env.UNILIVE_PROVIDER;
              // The environment names a provider the configuration could fall back to.
              process.env.UNILIVE_PROVIDER = given.environment;
              try {
                const client = await createLiveStreamClientFromConfig(
                  { ...settings, provider: null } as never,
                  { providers: { ...providers, [given.environment]: adapters[adapterId].factory } },
                );
                return await client.get(adapter.fixtures.subjectId);
              } finally {
                if (before === undefined) delete process.env.UNILIVE_PROVIDER;
                else process.env.UNILIVE_PROVIDER = before;
              }
            }
            const values = { recording: true };
            const kindOf = () =>
              given.as === 'map' ? new Map(Object.entries(values)) : new VendorOptions(values);
            const providerOptions = given.level === 'top' ? kindOf() : { [adapter.provider]: kindOf() };
            path = given.level === 'top' ? 'providerOptions' : `providerOptions.${adapter.provider}`;
            const client = createLiveStreamClient(adapter.factory(settings));
            return given.call === 'create'
              ? client.create({ name: 'unilive options', providerOptions } as never)
              : client.update(adapter.fixtures.subjectId, { providerOptions } as never);
          };
          const error = await run().then(
            () => undefined,
            (caught: unknown) => caught,
          );
          const said = `${JSON.stringify(given)}: ${String(error)}`;
          const paths = InvalidInputError.isInstance(error) ? error.issues.map((issue) => issue.path) : [];
          const ok = InvalidInputError.isInstance(error) && paths.includes(path!) && requests.length === 0;
          if (!ok) failures.push(said);
          expect(InvalidInputError.isInstance(error), said).toBe(true);
          expect(paths, said).toContain(path!);
          expect(requests, said).toEqual([]);
        }),
        { numRuns: 40 },
      );
      rows.push({
        check: 'a null provider, or providerOptions as a Map or class instance, refused before any request',
        adapter: adapterId,
        runs,
        failures,
      });
    });
  }
});

const polluted = Object.prototype as Record<string, unknown>;
const pollution: Record<string, unknown> = {
  recording: true,
  record: true,
  lowLatency: true,
  region: 'eu_germany',
  restream: [{ url: 'rtmp://polluted.invalid/app', streamKey: 'polluted-key' }],
  providerOptions: { liveapi: { enabled: false } },
  baseUrl: 'https://polluted.invalid',
  token: 'polluted-token',
  enabled: false,
  settings: { polluted: true },
  billing_mode: 'twentyfour_seven',
  encoder: 'file',
  'wowza-video': { billing_mode: 'twentyfour_seven' },
  'wowza-realtime': { enable_secure_viewer: true },
  liveapi: { enabled: false },
  videosdk: { polluted: true },
  // videosdk v2's room fields and composition.
  customRoomId: 'polluted-room',
  webhook: { endPoint: 'https://polluted.invalid/hook', events: ['hls-started'] },
  layout: { type: 'GRID' },
  quality: 'low',
  apiVersion: 'v1',
};

describe('configuration: a polluted Object.prototype sends nothing', () => {
  for (const adapterId of adapterIds) {
    it(`${adapterId}: a create under the pollution sends no request and names the polluted property`, async () => {
      const adapter = adapters[adapterId];
      const input: CreateLiveStreamInput = { name: 'innocent' };
      const send = async () => {
        const { fetch, requests } = recordingFetch(refuse);
        const provider = adapter.factory({
          ...adapter.fixtures.settings,
          baseUrl,
          fetch,
          retry: { maxRetries: 0 },
        });
        const error = await createLiveStreamClient(provider)
          .create(input)
          .then(
            () => undefined,
            (caught: unknown) => caught,
          );
        return { requests, error: error as UniliveError | undefined };
      };
      const clean = await send();
      Object.assign(polluted, pollution);
      let dirty: Awaited<ReturnType<typeof send>>;
      try {
        dirty = await send();
      } finally {
        for (const key of Object.keys(pollution)) delete polluted[key];
      }
      // The runtime's fetch reads such properties into requests (Node's appends a polluted `query` to every
      // URL): the HTTP layer refuses to send while Object.prototype carries data, naming the property.
      const named =
        UniliveError.isInstance(dirty.error) && /Object\.prototype carries "/.test(dirty.error.message);
      const failures = dirty.requests.length === 0 && named ? [] : [JSON.stringify(dirty.requests)];
      rows.push({ check: 'polluted Object.prototype', adapter: adapterId, runs: 1, failures });
      expect(clean.requests).toHaveLength(1);
      expect(dirty.requests).toEqual([]);
      expect(dirty.error?.delivery).toBe('not-sent');
      expect(named).toBe(true);
    });
  }
});

const typos: Record<AdapterId, string> = {
  'wowza-video': 'wowzavideo',
  'wowza-realtime': 'wowza-realtim',
  liveapi: 'liveApi',
  videosdk: 'videoSDK',
  'videosdk-v2': 'video-sdk',
};

describe('configuration: what a create needs', () => {
  for (const adapterId of adapterIds) {
    it(`${adapterId}: create({}) and create(undefined) say what is missing, before any request`, async () => {
      const adapter = adapters[adapterId];
      const { fetch, requests } = recordingFetch(refuse);
      const client = createLiveStreamClient(
        adapter.factory({ ...adapter.fixtures.settings, baseUrl, fetch }),
      );
      const loose = client as unknown as { create(input: unknown): Promise<unknown> };
      const missingName = await failureOf(() => loose.create({}));
      const noInput = await failureOf(() => loose.create(undefined));
      expect(missingName.message).toBe('Invalid input for create: name is required');
      expect(noInput.message).toBe(
        'Invalid input for create: expected an object with at least `name`, such as { name: "Launch" }; received undefined',
      );
      expect(requests).toEqual([]);
      rows.push({ check: 'create({}) and create(undefined)', adapter: adapterId, runs: 2, failures: [] });
    });

    it(`${adapterId}: options under a misspelled provider id come back as a warning naming the known ids`, async () => {
      const adapter = adapters[adapterId];
      const { fixtures } = adapter;
      const sequence = (fixtures.operations.create?.success ?? []).map(
        (name) => loadFixture(fixtures.directory, name).response,
      );
      const typo = typos[adapterId];
      const { fetch } = recordingFetch((_, index) => {
        const answer = sequence[Math.min(index, sequence.length - 1)];
        return { status: answer?.status ?? 500, body: answer?.body };
      });
      const client = createLiveStreamClient(adapter.factory({ ...fixtures.settings, baseUrl, fetch }));
      const stream = await client.create({
        ...fixtures.createInput,
        providerOptions: { [typo]: { anything: true } } as NonNullable<
          CreateLiveStreamInput['providerOptions']
        >,
      });
      const warning = stream.warnings?.find((entry) => entry.setting === `providerOptions.${typo}`);
      const failures =
        warning?.message.includes(`did you mean "${adapter.provider}"?`) &&
        warning.message.includes('known ids: wowza-video, wowza-realtime, liveapi, videosdk')
          ? []
          : [JSON.stringify(stream.warnings)];
      rows.push({ check: `providerOptions under "${typo}"`, adapter: adapterId, runs: 1, failures });
      expect(failures).toEqual([]);
    });
  }
});

describe('configuration: provider ids and packages', () => {
  it('refuses provider ids that would reach Object.prototype, and packages that are no bare name', async () => {
    let factoryCalls = 0;
    const providers = {
      liveapi: () => {
        factoryCalls += 1;
        return adapters.liveapi.factory({});
      },
    };
    const ids = fc.oneof(
      fc.constantFrom('constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'),
      fc
        .string({ minLength: 1, maxLength: 12 })
        .filter((id) => !/^[a-z0-9](?:[a-z0-9]|[-.](?=[a-z0-9])){0,63}$/.test(id)),
    );
    const packages = fc.oneof(
      fc
        .tuple(fc.constantFrom('data:', 'http://', 'https://', 'file://', 'node:', 'blob:'), fc.string())
        .map(([scheme, rest]) => `${scheme}${rest}`),
      fc
        .tuple(fc.constantFrom('./', '../', '/', 'C:\\', '~/'), fc.string())
        .map(([start, rest]) => `${start}${rest}`),
    );
    let runs = 0;
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(ids, packages, async (id, packageName) => {
        runs += 2;
        const byId = await failureOf(() => createLiveStreamClientFromConfig({ provider: id }, { providers }));
        const byPackage = await failureOf(() =>
          createLiveStreamClientFromConfig({ provider: 'acme', package: packageName }),
        );
        if (byId.issues[0]?.path !== 'provider') failures.push(`id ${JSON.stringify(id)}: ${byId.message}`);
        if (byPackage.issues[0]?.path !== 'package') {
          failures.push(`package ${JSON.stringify(packageName)}: ${byPackage.message}`);
        }
        expect(byId.issues[0]?.path).toBe('provider');
        expect(byPackage.issues[0]?.path).toBe('package');
      }),
      { numRuns: 100 },
    );
    rows.push({ check: 'provider ids and package names', adapter: 'core', runs, failures });
    expect(factoryCalls).toBe(0);
  });
});

// `provider` names the vendor a configuration runs on; `package` (or a factory given in `options.providers`)
// says where its adapter comes from. A package that builds another provider than the one named would run
// the configuration on another vendor, its registry references and errors naming the wrong one: refused
// before any request. A third-party id with its own package (here, a factory given for it) keeps working.
const builtIn = builtInProviderIds as readonly string[];
const thirdParty = ['acme-cloud', 'streamco'] as const;

// A third-party adapter: a provider reporting `id`, as the factory given for a third-party id builds it.
function thirdPartyFactory(id: string): ConfiguredProviderFactory {
  return () => ({ ...createMemoryProvider(), id }) as unknown as LiveStreamProvider;
}

type Case = {
  /** The configured `provider`. */
  id: string;
  /** A built-in adapter package (`@unilive/<x>`), or none. */
  pkg: string | undefined;
  /** With a third-party id: the id its given factory builds. */
  builds: string;
  /** A setting's value no error may show. */
  secret: string;
  registry: boolean;
};

const cases = fc.record({
  id: fc.constantFrom(...builtIn, ...thirdParty),
  pkg: fc.option(fc.constantFrom(...builtIn.map((id) => `@unilive/${id}`)), { nil: undefined }),
  builds: fc.constantFrom(...builtIn, ...thirdParty),
  secret: fc.stringMatching(/^[A-Za-z0-9]{12,32}$/),
  registry: fc.boolean(),
});

async function outcome(given: Case, fetched: { count: number }) {
  const fetch = (async () => {
    fetched.count += 1;
    return new Response('{}', { headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  const isThirdParty = !builtIn.includes(given.id);
  const config = {
    provider: given.id,
    ...(given.pkg === undefined ? {} : { package: given.pkg }),
    fetch,
    // Taken by the given factories only (a built-in adapter has no such setting): it must never be shown.
    ...(isThirdParty && given.pkg === undefined ? { apiSecret: given.secret } : {}),
  };
  const options = isThirdParty ? { providers: { [given.id]: thirdPartyFactory(given.builds) } } : {};
  if (given.registry) {
    const registry = await createLiveStreamRegistryFromConfig({ providers: [config] }, options);
    return registry.providers.map((entry) => `${entry.name}: ${entry.providerId}`).join(', ');
  }
  return (await createLiveStreamClientFromConfig(config, options)).provider.id;
}

describe('configuration: a package building another provider than the one named', () => {
  it('is refused naming package (or the given factory) and both ids, before any request; a match builds', async () => {
    let runs = 0;
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(cases, async (given) => {
        runs += 1;
        const fetched = { count: 0 };
        const isThirdParty = !builtIn.includes(given.id);
        // What the configuration builds: the package's adapter, else the built-in id's, else the factory's.
        const builds =
          given.pkg !== undefined
            ? given.pkg.slice('@unilive/'.length)
            : isThirdParty
              ? given.builds
              : given.id;
        const result = await outcome(given, fetched).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        expect(fetched.count).toBe(0);
        const refused = !result.ok && InvalidInputError.isInstance(result.error);
        if (refused === (builds === given.id)) {
          failures.push(
            `${JSON.stringify({ ...given, secret: undefined })}: ${refused ? 'refused' : 'built'}`,
          );
        }
        if (builds === given.id) {
          expect(result).toEqual({
            ok: true,
            value: given.registry ? `${given.id}: ${given.id}` : given.id,
          });
          return;
        }
        expect(result.ok).toBe(false);
        const error = (result as { error: unknown }).error as InvalidInputError;
        expect(InvalidInputError.isInstance(error), inspect(error)).toBe(true);
        expect(error.operation).toBe('configure');
        expect(error.delivery).toBe('not-sent');
        const path = given.pkg === undefined ? 'provider' : 'package';
        const problem =
          given.pkg === undefined
            ? `the factory given for "${given.id}" in options.providers builds the provider "${builds}", not "${given.id}"`
            : `${given.pkg} builds the provider "${builds}", not the configured provider "${given.id}" (set provider to the id it builds, or package to an adapter of "${given.id}")`;
        expect(error.issues).toEqual([
          { path: given.registry ? `providers.0.${path}` : path, message: problem },
        ]);
        expect(error.message).toContain(`${path}: ${problem}`);
        const shown = `${error.message}\n${JSON.stringify(error)}\n${inspect(error)}\n${error.stack}`;
        expect(shown).not.toContain(given.secret);
      }),
      {
        numRuns: 60,
        examples: [
          // The tester's three: a third-party id, a built-in id, each beside another built-in adapter.
          [
            {
              id: 'acme-cloud',
              pkg: '@unilive/liveapi',
              builds: 'acme-cloud',
              secret: 'Sec4Hj8Kl2Mn6Pq9',
              registry: false,
            },
          ],
          [
            {
              id: 'wowza-video',
              pkg: '@unilive/liveapi',
              builds: 'liveapi',
              secret: 'Sec4Hj8Kl2Mn6Pq9',
              registry: true,
            },
          ],
          [
            {
              id: 'liveapi',
              pkg: '@unilive/wowza-video',
              builds: 'liveapi',
              secret: 'Sec4Hj8Kl2Mn6Pq9',
              registry: false,
            },
          ],
          // A built-in id beside its own package, or none: built.
          [
            {
              id: 'videosdk',
              pkg: '@unilive/videosdk',
              builds: 'videosdk',
              secret: 'Sec4Hj8Kl2Mn6Pq9',
              registry: true,
            },
          ],
          [
            {
              id: 'wowza-realtime',
              pkg: undefined,
              builds: 'liveapi',
              secret: 'Sec4Hj8Kl2Mn6Pq9',
              registry: false,
            },
          ],
          // A third-party id whose factory builds it keeps working; one building another id is refused.
          [
            {
              id: 'streamco',
              pkg: undefined,
              builds: 'streamco',
              secret: 'Sec4Hj8Kl2Mn6Pq9',
              registry: true,
            },
          ],
          [
            {
              id: 'acme-cloud',
              pkg: undefined,
              builds: 'liveapi',
              secret: 'Sec4Hj8Kl2Mn6Pq9',
              registry: false,
            },
          ],
          [
            {
              id: 'acme-cloud',
              pkg: undefined,
              builds: 'streamco',
              secret: 'Sec4Hj8Kl2Mn6Pq9',
              registry: true,
            },
          ],
        ],
      },
    );
    rows.push({
      check: 'a package building another provider than the one named',
      adapter: 'core',
      runs,
      failures,
    });
  });
});

// A provider used without a client behaves like one wrapped in it (architecture.md): the per-call options a
// client refuses before any request, the provider itself refuses the same way, naming the option.
describe('configuration: a provider called directly reads its call options as a client does', () => {
  class CallOptions {
    timeoutMs = 5;
  }
  const shapes = fc.oneof(
    fc.constant({ kind: 'Map', options: (): unknown => new Map([['timeoutMs', 5]]), path: 'options' }),
    fc.constant({ kind: 'class', options: (): unknown => new CallOptions(), path: 'options' }),
    fc.constantFrom('timeoutMS', 'signa', 'timeout_ms', 'Signal').map((name) => ({
      kind: 'unknown name',
      options: (): unknown => ({ [name]: 5 }),
      path: `options.${name}`,
    })),
    fc.constantFrom('signal', 'timeoutMs').map((name) => ({
      kind: 'throwing getter',
      options: (): unknown =>
        Object.defineProperty({}, name, {
          enumerable: true,
          get: () => {
            throw new Error('the caller’s own');
          },
        }),
      path: `options.${name}`,
    })),
  );
  for (const adapterId of adapterIds) {
    it(`${adapterId}: get, create, update, delete, start and stop refuse them naming the option, before any request`, async () => {
      const adapter = adapters[adapterId];
      const failures: string[] = [];
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(
          shapes,
          // videosdk v1 has no stop: it throws UnsupportedOperationError, sending nothing, whatever the options.
          fc.constantFrom(
            ...(['get', 'create', 'update', 'delete', 'start', 'stop'] as const).filter(
              (operation) => adapterId !== 'videosdk' || operation !== 'stop',
            ),
          ),
          async (shape, operation) => {
            runs += 1;
            const { fetch, requests } = recordingFetch(refuse);
            const provider = adapter.factory({
              ...adapter.fixtures.settings,
              baseUrl,
              fetch,
              retry: { maxRetries: 0 },
            });
            const id = adapter.fixtures.subjectId;
            const options = shape.options() as never;
            const error = await failureOf(() =>
              operation === 'create'
                ? provider.create({ name: 'direct' }, options)
                : operation === 'get'
                  ? provider.get(id, options)
                  : operation === 'update'
                    ? provider.update(id, { name: 'direct' }, options)
                    : operation === 'delete'
                      ? provider.delete(id, options)
                      : operation === 'start'
                        ? provider.start(id, options)
                        : provider.stop(id, options),
            );
            const issue = error.issues[0];
            if (requests.length > 0 || issue?.path !== shape.path || error.delivery !== 'not-sent')
              failures.push(
                `${operation} ${shape.kind}: ${JSON.stringify(error.issues)} sent ${requests.length}`,
              );
            expect(requests).toEqual([]);
            expect(error.delivery).toBe('not-sent');
            expect(issue?.path).toBe(shape.path);
          },
        ),
        { numRuns: 40 },
      );
      rows.push({ check: 'provider called directly: call options', adapter: adapterId, runs, failures });
    });
  }
});

// The same mistakes in `providerOptions` and in a list's options are refused alike whether the provider is
// wrapped in a client or called directly (architecture.md: a provider used without a client behaves like one
// wrapped in it), with the same error: class, path, words, `delivery: 'not-sent'`, and nothing sent. A
// `providerOptions` entry that is no plain object is refused under any id, the provider's own or another's:
// the same call on that other vendor, after a switch of configuration, would refuse it.
describe('configuration: providerOptions and list options read alike through a client and directly', () => {
  class VendorOptions {
    recording = true;
  }
  const trap = (): never => {
    throw new Error('the caller’s own');
  };
  const throwingGetter = (object: object, name: string) =>
    Object.defineProperty(object, name, { enumerable: true, get: trap });
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  const unreadable = 'could not be read (a getter or a Proxy in it threw)';

  // Where the mistake sits in `providerOptions`, given the provider's own id and another's.
  interface Shape {
    label: string;
    make: (own: string, other: string) => unknown;
    path: (own: string, other: string) => string;
    says: string;
  }
  const shapes: Shape[] = [
    { label: 'a Map', make: (own) => new Map([[own, {}]]), path: () => 'providerOptions', says: 'not a Map' },
    {
      label: 'a class instance',
      make: () => new VendorOptions(),
      path: () => 'providerOptions',
      says: 'not an instance of VendorOptions',
    },
    { label: 'a revoked Proxy', make: () => revoked(), path: () => 'providerOptions', says: unreadable },
    ...(['own', 'other'] as const).flatMap((whose): Shape[] => {
      const at = (own: string, other: string) => (whose === 'own' ? own : other);
      return [
        {
          label: `a Map under the ${whose} id`,
          make: (own, other) => ({ [at(own, other)]: new Map([['recording', true]]) }),
          path: (own, other) => `providerOptions.${at(own, other)}`,
          says: 'not a Map',
        },
        {
          label: `a class instance under the ${whose} id`,
          make: (own, other) => ({ [at(own, other)]: new VendorOptions() }),
          path: (own, other) => `providerOptions.${at(own, other)}`,
          says: 'not an instance of VendorOptions',
        },
        {
          label: `a getter for the ${whose} id that throws`,
          make: (own, other) => throwingGetter({}, at(own, other)),
          path: (own, other) => `providerOptions.${at(own, other)}`,
          says: unreadable,
        },
        {
          label: `a revoked Proxy under the ${whose} id`,
          make: (own, other) => ({ [at(own, other)]: revoked() }),
          path: (own, other) => `providerOptions.${at(own, other)}`,
          says: unreadable,
        },
      ];
    }),
  ];

  // A list's options: what each is refused as.
  const listShapes: { label: string; make: () => unknown; path: string; says: string }[] = [
    { label: 'null', make: () => null, path: 'options', says: 'expected an object' },
    { label: 'a string', make: () => 'pageSize=5', path: 'options', says: 'expected an object' },
    { label: 'a Map', make: () => new Map([['pageSize', 5]]), path: 'options', says: 'not a Map' },
    { label: 'a revoked Proxy', make: () => revoked(), path: 'options', says: unreadable },
    ...['pageSize', 'maxPages', 'strict', 'name', 'signal'].map((name) => ({
      label: `a getter for ${name} that throws`,
      make: () => throwingGetter({}, name),
      path: `options.${name}`,
      says: unreadable,
    })),
  ];

  type Case =
    | { call: 'create' | 'update' | 'start'; shape: number; at: 'providerOptions' | 'input'; via: Via }
    | { call: 'list'; shape: number; via: Via };
  type Via = 'client' | 'directly';
  const via = fc.constantFrom<Via>('client', 'directly');
  const cases: fc.Arbitrary<Case> = fc.oneof(
    fc.record({
      call: fc.constantFrom<'create' | 'update' | 'start'>('create', 'update', 'start'),
      shape: fc.nat({ max: shapes.length - 1 }),
      // The mistake in providerOptions, or providerOptions itself behind a getter that throws.
      at: fc.constantFrom<'providerOptions' | 'input'>('providerOptions', 'providerOptions', 'input'),
      via,
    }),
    fc.record({ call: fc.constant<'list'>('list'), shape: fc.nat({ max: listShapes.length - 1 }), via }),
  );

  const settle = (run: () => Promise<unknown>) =>
    run().then(
      () => undefined,
      (caught: unknown) => caught,
    );

  for (const adapterId of adapterIds) {
    const adapter = adapters[adapterId];
    const own = adapter.provider;
    const other = adapterIds.map((id) => adapters[id].provider).find((id) => id !== own) ?? 'liveapi';
    const subject = () => {
      const { fetch, requests } = recordingFetch(refuse);
      const provider = adapter.factory({
        ...adapter.fixtures.settings,
        ...adapter.settings,
        baseUrl,
        fetch,
        retry: { maxRetries: 0 },
      });
      return { provider, requests };
    };

    it(`${adapterId}: the same InvalidInputError, before any request, through a client and called directly`, async () => {
      const failures: string[] = [];
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(cases, async (given) => {
          runs += 1;
          const { provider, requests } = subject();
          const target = given.via === 'client' ? createLiveStreamClient(provider) : provider;
          const id = adapter.fixtures.subjectId;
          let path: string;
          let says: string;
          let run: () => Promise<unknown>;
          if (given.call === 'list') {
            const shape = listShapes[given.shape] ?? listShapes[0]!;
            ({ path, says } = shape);
            const options = shape.make() as never;
            run = async () => {
              for await (const _ of target.list(options)) break;
            };
          } else {
            const shape = shapes[given.shape] ?? shapes[0]!;
            const behindGetter = given.at === 'input';
            // providerOptions behind a getter that throws: on the input of a create or update, on a start's
            // options (read with the call's other options, so named as one of them).
            // A start's providerOptions are its call option, so named under `options`.
            path = `${given.call === 'start' ? 'options.' : ''}${behindGetter ? 'providerOptions' : shape.path(own, other)}`;
            says = behindGetter ? unreadable : shape.says;
            const holder = (fields: Record<string, unknown>) =>
              behindGetter
                ? throwingGetter(fields, 'providerOptions')
                : { ...fields, providerOptions: shape.make(own, other) };
            run = () =>
              given.call === 'create'
                ? target.create(holder({ name: 'unilive options' }) as never)
                : given.call === 'update'
                  ? target.update(id, holder({ name: 'unilive options' }) as never)
                  : target.start(id, holder({}) as never);
          }
          const error = await settle(run);
          const said = `${JSON.stringify(given)}: ${String(error)} (${requests.length} sent)`;
          const refused = InvalidInputError.isInstance(error) ? error : undefined;
          const ok =
            refused !== undefined &&
            refused.delivery === 'not-sent' &&
            refused.operation === given.call &&
            refused.provider === own &&
            refused.issues.length === 1 &&
            refused.issues[0]?.path === path &&
            refused.issues[0]?.message.includes(says) &&
            requests.length === 0;
          if (!ok) failures.push(said);
          expect(InvalidInputError.isInstance(error), said).toBe(true);
          expect(refused?.delivery, said).toBe('not-sent');
          expect(refused?.operation, said).toBe(given.call);
          expect(refused?.provider, said).toBe(own);
          expect(refused?.issues, said).toEqual([{ path, message: expect.stringContaining(says) }]);
          expect(requests, said).toEqual([]);
        }),
        { numRuns: 120 },
      );
      rows.push({
        check: 'providerOptions and list options: the same refusal through a client and directly',
        adapter: adapterId,
        runs,
        failures,
      });
      // What is no mistake is still sent: plain options under another id on start, a list with valid options.
      await fc.assert(
        fc.asyncProperty(
          via,
          fc.constantFrom('start', 'list'),
          fc.constantFrom(undefined, 1, 50),
          async (through, call, pageSize) => {
            const { provider, requests } = subject();
            const target = through === 'client' ? createLiveStreamClient(provider) : provider;
            await settle(async () => {
              if (call === 'start')
                await target.start(adapter.fixtures.subjectId, {
                  providerOptions: { [other]: { recording: true } },
                } as never);
              else
                for await (const _ of target.list(pageSize === undefined ? undefined : { pageSize })) break;
            });
            expect(requests.length).toBeGreaterThan(0);
          },
        ),
        { numRuns: 12 },
      );
    });

    // Options under the provider's own id on a start it reads none for: refused directly as by a client.
    if (adapterId !== 'videosdk-v2') {
      it(`${adapterId}: start with options under its own id is refused directly as through a client`, async () => {
        for (const through of ['client', 'directly'] as const) {
          const { provider, requests } = subject();
          const target = through === 'client' ? createLiveStreamClient(provider) : provider;
          const error = await settle(() =>
            target.start(adapter.fixtures.subjectId, {
              providerOptions: { [own]: { asked: true } },
            } as never),
          );
          expect(InvalidInputError.isInstance(error), through).toBe(true);
          expect((error as InvalidInputError).delivery).toBe('not-sent');
          // The advice names only calls that take them: videosdk's API v1 takes them on none.
          const problem =
            adapterId === 'videosdk'
              ? 'videosdk takes no provider options'
              : `${own} takes no provider options on start; give them on create or update`;
          expect((error as InvalidInputError).issues).toEqual([
            { path: `options.providerOptions.${own}`, message: problem },
          ]);
          expect((error as InvalidInputError).message).toBe(
            `${provider.id} start: invalid options: options.providerOptions.${own} (${problem})`,
          );
          expect(requests).toEqual([]);
          // An empty entry asks for nothing: the start goes on, as create and update take `{}`.
          const empty = subject();
          const emptyTarget = through === 'client' ? createLiveStreamClient(empty.provider) : empty.provider;
          const outcome = await settle(() =>
            emptyTarget.start(adapter.fixtures.subjectId, { providerOptions: { [own]: {} } } as never),
          );
          // Sent (this test's vendor answers it with a refusal of its own), not refused before sending.
          expect(empty.requests.length, `${through}: ${String(outcome)}`).toBeGreaterThan(0);
          expect((outcome as { delivery?: unknown } | undefined)?.delivery, through).not.toBe('not-sent');
        }
      });
    }
  }
});
