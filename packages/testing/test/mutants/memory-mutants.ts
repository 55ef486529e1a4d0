import { Buffer } from 'node:buffer';
import { inspect } from 'node:util';
import {
  assertValidId,
  type CallOptions,
  InvalidInputError,
  type LiveStream,
  type LiveStreamProvider,
  NotFoundError,
  UniliveError,
  type UniliveErrorOptions,
} from '@unilive/core';
import type { ContractHarness } from '../../src/contract.js';
import { createMemoryBackend, type Fault, type FaultOperation } from '../../src/memory-backend.js';
import { createMemoryProvider } from '../../src/memory-provider.js';
import { prepareEnginePaging } from '../../src/sandbox-harness.js';

// Adapters with one small mistake each, the kind an author makes: the contract suite must fail every one
// of them, and pass the unchanged provider. Each wraps the memory provider rather than copying it, so the
// mistake is the only difference.

/** A mistake and the contract tests (by title, in part) that must fail on it. */
export interface Mutant {
  mutate(provider: LiveStreamProvider, token: string): LiveStreamProvider;
  fails: readonly string[];
  /**
   * Addresses the vendor's answer names beside the memory vendor's own, for a mistake made on a vendor that
   * names more (a player page): the harness's `namedUrls`, as the sandbox's. Absent: none.
   */
  namedUrls?(id: string): readonly string[];
}

/** The player page a vendor that names one would give for stream `id` (the memory vendor names none). */
const playerPage = (id: string) => `https://play.memory.test/${id}/player`;

/** The provider as an object of its own, every method still calling the original. */
function copy(provider: LiveStreamProvider): LiveStreamProvider {
  const { getStatus, getBroadcasting, secrets, providerOptionsOn } = provider;
  return {
    specificationVersion: provider.specificationVersion,
    id: provider.id,
    capabilities: provider.capabilities,
    create: (input, options) => provider.create(input, options),
    get: (id, options) => provider.get(id, options),
    list: (options) => provider.list(options),
    update: (id, patch, options) => provider.update(id, patch, options),
    delete: (id, options) => provider.delete(id, options),
    start: (id, options) => provider.start(id, options),
    stop: (id, options) => provider.stop(id, options),
    ...(getStatus
      ? { getStatus: (id: string, options?: CallOptions) => getStatus.call(provider, id, options) }
      : {}),
    ...(getBroadcasting
      ? {
          getBroadcasting: (id: string, options?: CallOptions) => getBroadcasting.call(provider, id, options),
        }
      : {}),
    ...(secrets ? { secrets } : {}),
    ...(providerOptionsOn ? { providerOptionsOn } : {}),
  };
}

/** Every stream the provider returns, changed by `change`. */
function mapStreams(
  provider: LiveStreamProvider,
  change: (stream: LiveStream) => LiveStream,
): LiveStreamProvider {
  return {
    ...copy(provider),
    create: async (input, options) => change(await provider.create(input, options)),
    get: async (id, options) => change(await provider.get(id, options)),
    update: async (id, patch, options) => change(await provider.update(id, patch, options)),
    start: async (id, options) => change(await provider.start(id, options)),
    stop: async (id, options) => change(await provider.stop(id, options)),
    list: (options) =>
      (async function* () {
        for await (const stream of provider.list(options)) yield change(stream);
      })(),
  };
}

/** Every error the provider throws, remade with `fields` changed: an adapter building its own errors. */
function remakeErrors(
  provider: LiveStreamProvider,
  fields: (error: UniliveError) => Partial<UniliveErrorOptions> | undefined,
): LiveStreamProvider {
  const remade = (error: unknown) => {
    if (!UniliveError.isInstance(error)) return error;
    const changed = fields(error);
    if (!changed) return error;
    const Type = error.constructor as new (options: UniliveErrorOptions) => UniliveError;
    return new Type({
      message: error.message,
      provider: error.provider,
      operation: error.operation,
      status: error.status,
      vendorCode: error.vendorCode,
      vendorMessage: error.vendorMessage,
      requestId: error.requestId,
      retryAfterMs: error.retryAfterMs,
      delivery: error.delivery,
      ...changed,
    });
  };
  return mapErrors(provider, remade);
}

/**
 * Every error the provider throws remade with `change` applied, every field of its own kept (a NotFoundError's
 * streamId, an InvalidInputError's issues): an error's fields cannot be written once it is made.
 */
function changeErrors(
  provider: LiveStreamProvider,
  change: (error: UniliveError) => Partial<UniliveErrorOptions>,
): LiveStreamProvider {
  const changed = (error: unknown) => {
    if (!UniliveError.isInstance(error)) return error;
    const own = Object.getOwnPropertyNames(error).filter((key) => key !== 'stack' && key !== 'name');
    const fields = Object.fromEntries(
      own.map((key) => [key, (error as unknown as Record<string, unknown>)[key]]),
    );
    const Type = error.constructor as new (options: UniliveErrorOptions) => UniliveError;
    return new Type({ ...fields, ...change(error) } as UniliveErrorOptions);
  };
  return mapErrors(provider, changed);
}

/** Every error the provider throws, its message lengthened by `extra`: an adapter adding detail of its own. */
function lengthenMessages(provider: LiveStreamProvider, extra: string): LiveStreamProvider {
  return changeErrors(provider, (error) => ({ message: `${error.message} (${extra})` }));
}

/** The provider with every error its calls and its list walk throw replaced by `map(error)`. */
function mapErrors(provider: LiveStreamProvider, map: (error: unknown) => unknown): LiveStreamProvider {
  const wrap =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A) => {
      try {
        return await call(...args);
      } catch (error) {
        throw map(error);
      }
    };
  const base = copy(provider);
  return {
    ...base,
    create: wrap(base.create),
    get: wrap(base.get),
    update: wrap(base.update),
    delete: wrap(base.delete),
    start: wrap(base.start),
    stop: wrap(base.stop),
    list: (options) =>
      (async function* () {
        try {
          yield* provider.list(options);
        } catch (error) {
          throw map(error);
        }
      })(),
  };
}

function withoutSignal<O extends CallOptions>(options: O | undefined): O | undefined {
  if (!options) return options;
  const { signal: _dropped, ...rest } = options;
  return rest as O;
}

function withoutTimeout<O extends CallOptions>(options: O | undefined): O | undefined {
  if (!options) return options;
  const { timeoutMs: _dropped, ...rest } = options;
  return rest as O;
}

export const mutants: Record<string, Mutant> = {
  // The provider as it is: every test passes.
  unchanged: { mutate: (provider) => provider, fails: [] },

  // secrets() forgotten, or left with the credentials only: a client or registry on top cannot hide them.
  'secrets() returns nothing': {
    mutate: (provider) => ({ ...copy(provider), secrets: () => [] }),
    fails: ['create returns a well-formed stream'],
  },
  'secrets() without the stream keys': {
    mutate: (provider, token) => ({ ...copy(provider), secrets: () => [token] }),
    fails: ['create returns a well-formed stream'],
  },

  // Errors built by the adapter with the wrong delivery: a registry would create the stream twice.
  'a 5xx says not-sent': {
    mutate: (provider) =>
      remakeErrors(provider, (error) => ((error.status ?? 0) >= 500 ? { delivery: 'not-sent' } : undefined)),
    fails: ['a persistent 5xx becomes ProviderUnavailableError', 'a 5xx on create is never retried'],
  },
  'a 4xx says unknown': {
    mutate: (provider) =>
      remakeErrors(provider, (error) =>
        (error.status ?? 0) >= 400 && (error.status ?? 0) < 500 ? { delivery: 'unknown' } : undefined,
      ),
    fails: ['401 becomes', '404 becomes NotFoundError', '429 that persists', 'a real state conflict'],
  },
  'errors without delivery': {
    mutate: (provider) => remakeErrors(provider, () => ({ delivery: undefined })),
    fails: ['403 becomes', 'a dropped connection becomes', 'a response slower than timeoutMs'],
  },

  // The signal handed on by get only: start and list cannot be cancelled.
  'start and list drop the signal': {
    mutate: (provider) => ({
      ...copy(provider),
      start: (id, options) => provider.start(id, withoutSignal(options)),
      list: (options) => provider.list(withoutSignal(options)),
    }),
    fails: ['aborting the signal ends start', 'aborting the signal ends list'],
  },

  // The caller's `timeoutMs` dropped on the way to the request: the create waits the adapter's own limit
  // (5 s here) however short a limit its caller gave, and a registry deciding on `maybeCreated` waits too.
  'create ignores timeoutMs': {
    mutate: (provider) => ({
      ...copy(provider),
      create: (input, options) => provider.create(input, withoutTimeout(options)),
    }),
    fails: ['a response slower than timeoutMs ends create'],
  },

  // A poll of `waitForBroadcast` sent without the wait's deadline and signal (its `timeoutMs`, the runtime's
  // `deadline`, the caller's `signal` all dropped): a held poll runs on to the adapter's own limit (5 s here)
  // and is tried again, however short a limit the caller gave or whether it aborted. The memory vendor cannot
  // tell whether video arrives, so the mutant also gives it a `getBroadcasting` that cannot say (undefined):
  // without one the wait refuses before any request, and polls nothing the mistake could touch.
  'waitForBroadcast polls ignore the wait': {
    mutate: (provider) => {
      const { getStatus } = provider;
      const loose = <O extends CallOptions>(options: O | undefined): O | undefined => {
        if (options?.runtime?.operation !== 'waitForBroadcast') return options;
        const { signal: _signal, timeoutMs: _timeoutMs, runtime, ...rest } = options;
        const { deadline: _deadline, ...kept } = runtime;
        return { ...rest, runtime: kept } as O;
      };
      return {
        ...copy(provider),
        get: (id, options) => provider.get(id, loose(options)),
        ...(getStatus
          ? { getStatus: (id: string, options?: CallOptions) => getStatus.call(provider, id, loose(options)) }
          : {}),
        getBroadcasting: async () => undefined,
      };
    },
    fails: [
      'a poll slower than the wait’s timeoutMs ends waitForBroadcast',
      'aborting the signal ends waitForBroadcast',
    ],
  },

  // Dates mapped carelessly: an Invalid Date from an unreadable value, or the vendor's string kept.
  'createdAt an Invalid Date': {
    mutate: (provider) => mapStreams(provider, (stream) => ({ ...stream, createdAt: new Date(Number.NaN) })),
    fails: ['create returns a well-formed stream'],
  },
  'createdAt a string': {
    mutate: (provider) =>
      mapStreams(provider, (stream) => ({ ...stream, createdAt: '2026-11-29T10:00:00Z' as unknown as Date })),
    fails: ['create returns a well-formed stream'],
  },

  // What a client refuses from a provider it does not know, which the suite's mark as built-in would let
  // through unchecked: a Map in providerDetails, a warning of no known type, a URL with a space in it.
  // The key appended to a server that already ended with it: `rtmp://host/app/KEY/KEY`, refused by any
  // ingest, caught without real media.
  'the stream key twice in the ingest URL': {
    mutate: (provider) =>
      mapStreams(provider, (stream) => ({
        ...stream,
        ingest: stream.ingest.map((endpoint) =>
          endpoint.streamKey
            ? { ...endpoint, url: `${endpoint.url}/${endpoint.streamKey}`, server: endpoint.url }
            : endpoint,
        ),
      })),
    fails: ['create returns a well-formed stream'],
  },
  'a Map in providerDetails': {
    mutate: (provider) =>
      mapStreams(provider, (stream) => ({
        ...stream,
        providerDetails: {
          memory: { renditions: new Map([['720p', 1]]) } as unknown as Record<string, unknown>,
        },
      })),
    fails: ['create returns a well-formed stream'],
  },
  'a warning of no known type': {
    mutate: (provider) =>
      mapStreams(provider, (stream) => ({
        ...stream,
        warnings: [
          { type: 'zq-made-up', message: 'made up' } as unknown as NonNullable<
            LiveStream['warnings']
          >[number],
        ],
      })),
    fails: ['create returns a well-formed stream'],
  },
  'a playback URL with a space': {
    mutate: (provider) =>
      mapStreams(provider, (stream) => ({
        ...stream,
        playback: stream.playback.map((endpoint) => ({
          ...endpoint,
          url: `${endpoint.url}?name=zq two`,
        })),
      })),
    fails: ['create returns a well-formed stream'],
  },

  // A playback protocol mislabelled as one the capabilities do not list.
  'HLS labelled DASH': {
    mutate: (provider) =>
      mapStreams(provider, (stream) => ({
        ...stream,
        playback: stream.playback.map((endpoint) =>
          endpoint.protocol === 'hls' ? { ...endpoint, protocol: 'dash' } : endpoint,
        ),
      })),
    fails: ['create returns a well-formed stream'],
  },

  // A playback protocol claimed and never returned, live or not: seen only by a suite that saw a stream live,
  // here by the harness marking an encoder connected (no real media).
  'capabilities claim DASH playback': {
    mutate: (provider) => ({
      ...copy(provider),
      capabilities: {
        ...provider.capabilities,
        playbackProtocols: [...provider.capabilities.playbackProtocols, 'dash'],
      },
    }),
    fails: ['every playback protocol the capabilities list is one the provider returned'],
  },

  // Capabilities that claim what the adapter cannot do: an application choosing by them is misled.
  'capabilities claim SRT ingest': {
    mutate: (provider) => ({
      ...copy(provider),
      capabilities: {
        ...provider.capabilities,
        ingestProtocols: [...provider.capabilities.ingestProtocols, 'srt'],
      },
    }),
    fails: ['what the capabilities claim is what create does'],
  },
  'capabilities claim low latency': {
    mutate: (provider) => ({
      ...copy(provider),
      capabilities: { ...provider.capabilities, lowLatency: true },
    }),
    fails: ['what the capabilities claim is what create does'],
  },

  // An id cleaned instead of refused: '../x' becomes 'x', another stream's id, and the request is sent.
  'get cleans a bad id': {
    mutate: (provider) => ({
      ...copy(provider),
      get: (id, options) => provider.get(id.replace(/[^A-Za-z0-9_~-]/g, '') || 'x', options),
    }),
    fails: ['the provider itself refuses an id'],
  },

  // The id checked while the request is built, outside any promise: a bad id escapes `get(id).catch(…)`.
  'get throws a bad id synchronously': {
    mutate: (provider) => ({
      ...copy(provider),
      get: (id, options) => {
        assertValidId(id, { provider: provider.id, operation: 'get' });
        return provider.get(id, options);
      },
    }),
    fails: ['the provider itself refuses an id'],
  },
  // The id refused with neither the provider nor the operation the caller called.
  'delete refuses a bad id unnamed': {
    mutate: (provider) => ({
      ...copy(provider),
      delete: async (id, options) => {
        assertValidId(id, { operation: 'request' });
        return provider.delete(id, options);
      },
    }),
    fails: ['the provider itself refuses an id'],
  },

  // A field the vendor's answer does not settle, defaulted instead of left out.
  'broadcasting defaulted to false': {
    mutate: (provider) =>
      mapStreams(provider, (stream) => ({ ...stream, broadcasting: stream.broadcasting ?? false })),
    fails: ['create returns a well-formed stream'],
  },

  'capabilities call an explicit lifecycle always-on': {
    mutate: (provider) => ({
      ...copy(provider),
      capabilities: { ...provider.capabilities, lifecycle: 'always-on' },
    }),
    fails: ['the lifecycle model agrees with start and stop'],
  },

  // A delete that takes a 404 for success: the caller never learns the id was wrong.
  'delete swallows 404': {
    mutate: (provider) => ({
      ...copy(provider),
      delete: async (id, options) => {
        try {
          await provider.delete(id, options);
        } catch (error) {
          if (!NotFoundError.isInstance(error)) throw error;
        }
      },
    }),
    fails: ['delete again on the deleted stream'],
  },

  // An update that takes a 404 for success and answers the stream as read: the change never happened.
  'update swallows 404': {
    mutate: (provider) => ({
      ...copy(provider),
      update: async (id, patch, options) => {
        try {
          return await provider.update(id, patch, options);
        } catch (error) {
          if (!NotFoundError.isInstance(error)) throw error;
          return provider.get(id, options);
        }
      },
    }),
    fails: ['names the stream (streamId)'],
  },

  // An update whose NotFoundError, built anew by the adapter (remade as it was, `streamId` aside), no
  // longer names the stream.
  'update drops streamId': {
    mutate: (provider) =>
      remakeErrors(provider, (error) =>
        error.operation === 'update' && NotFoundError.isInstance(error) ? {} : undefined,
      ),
    fails: ['names the stream (streamId)'],
  },

  // An ingest endpoint that lost its stream key: an encoder given it has nothing to publish with.
  'ingest without the stream key': {
    mutate: (provider) =>
      mapStreams(provider, (stream) => ({
        ...stream,
        ingest: stream.ingest.map(({ streamKey: _dropped, ...endpoint }) => ({
          ...endpoint,
          url: endpoint.server ?? endpoint.url,
        })),
      })),
    fails: ['create returns a well-formed stream'],
  },
  // The key kept in its field but left out of the URL, the one thing an encoder that takes a URL is given.
  'ingest URL without the stream key': {
    mutate: (provider) =>
      mapStreams(provider, (stream) => ({
        ...stream,
        ingest: stream.ingest.map((endpoint) => ({ ...endpoint, url: endpoint.server ?? endpoint.url })),
      })),
    fails: ['create returns a well-formed stream'],
  },

  // A vendor that tells whether video arrives, mapped as if it always did.
  'broadcasting always true': {
    mutate: (provider) => ({
      ...mapStreams(provider, (stream) => ({ ...stream, broadcasting: true })),
      capabilities: { ...provider.capabilities, broadcastingStatus: true },
    }),
    fails: ['create returns a well-formed stream', 'get returns the same stream', 'start makes it ready'],
  },

  // A call of the vendor's own for broadcasting, mapped as if video always arrived: every waitForBroadcast
  // would end at once.
  'getBroadcasting always true': {
    mutate: (provider) => ({ ...copy(provider), getBroadcasting: async () => true }),
    fails: ['start makes it ready'],
  },

  // Every stream handed the ingest of the first one made: an encoder set up for one publishes into another.
  'every stream given the first stream ingest': {
    mutate: (provider) => {
      let first: LiveStream['ingest'] | undefined;
      return mapStreams(provider, (stream) => {
        first ??= stream.ingest;
        return { ...stream, ingest: first };
      });
    },
    fails: ['what the capabilities claim is what create does'],
  },

  // An update promised for a field no create can set: a registry routing by capability would trust it.
  'updatable lists restream without restream': {
    mutate: (provider) => ({
      ...copy(provider),
      capabilities: {
        ...provider.capabilities,
        restream: false,
        updatable: [...(provider.capabilities.updatable ?? []), 'restream'],
      },
    }),
    fails: ['every field updatable lists is one the other capabilities claim'],
  },

  // A create that fills a default into the caller's own input object, where it can: a client hands it a
  // frozen copy, so only a caller of the provider itself sees its input changed.
  'create writes into its input': {
    mutate: (provider) => ({
      ...copy(provider),
      create: (input, options) => {
        if (!Object.isFrozen(input)) (input as { recording?: boolean }).recording ??= false;
        return provider.create(input, options);
      },
    }),
    fails: ['never writes into the input it is given'],
  },

  // Answers that share the ingest list the provider keeps for each stream (a cache of what never changes):
  // a caller who sorts or edits one answer's endpoints edits every later answer's.
  'answers share their ingest list': {
    mutate: (provider) => {
      const kept = new Map<string, LiveStream['ingest']>();
      return mapStreams(provider, (stream) => {
        const ingest = kept.get(stream.id) ?? stream.ingest;
        kept.set(stream.id, ingest);
        return { ...stream, ingest };
      });
    },
    fails: ['hands each call an answer of its own'],
  },

  // A start or stop the vendor accepted whose read shows it undone, returned in the state asked for with
  // nothing said: a caller told its stream is stopped while it still takes video.
  'a lifecycle call shown undone returned in its end state in silence': {
    mutate: (provider) => {
      const silenced =
        (operation: 'start' | 'stop') =>
        async (id: string, options?: CallOptions): Promise<LiveStream> => {
          const stream = await provider[operation](id, options);
          const said = stream.warnings?.some((warning) => warning.type === 'other') ?? false;
          if (!said) return stream;
          const { warnings: _dropped, ...rest } = stream;
          return { ...rest, state: operation === 'start' ? 'ready' : 'stopped' };
        };
      return { ...copy(provider), start: silenced('start'), stop: silenced('stop') };
    },
    fails: ['a lifecycle call accepted but not carried out'],
  },

  // An update whose result does not show the name sent, returned with nothing said: the rename taken for done.
  'an update shown undone returned in silence': {
    mutate: (provider) => ({
      ...copy(provider),
      update: async (id, patch, options) => {
        const stream = await provider.update(id, patch, options);
        const warnings = stream.warnings?.filter((warning) => warning.type !== 'other') ?? [];
        const { warnings: _dropped, ...rest } = stream;
        return warnings.length === 0 ? rest : { ...rest, warnings };
      },
    }),
    fails: ['an update accepted but not carried out'],
  },

  // A start that asks the vendor nothing and says the stream is ready: a stream stopped stays stopped.
  'start sends nothing': {
    mutate: (provider) => ({
      ...copy(provider),
      start: async (id, options) => ({ ...(await provider.get(id, options)), state: 'ready' }),
    }),
    fails: ['start after stop makes it ready again'],
  },

  // An update that drops the warning of a region its vendor takes none of: the caller believes it placed.
  'update drops the region warning': {
    mutate: (provider) => ({
      ...copy(provider),
      update: async (id, patch, options) => {
        const stream = await provider.update(id, patch, options);
        const warnings = stream.warnings?.filter((warning) => warning.setting !== 'region') ?? [];
        const { warnings: _all, ...rest } = stream;
        return warnings.length === 0 ? rest : { ...rest, warnings };
      },
    }),
    fails: ['update holds the input rules create holds'],
  },

  // A vendor that always records, whose adapter refuses recording off on create and takes it on update.
  'recording off taken on update where the vendor always records': {
    mutate: (provider) => ({
      ...copy(provider),
      capabilities: { ...provider.capabilities, recording: true, alwaysRecords: true },
      create: (input, options) => {
        if (input.recording === false)
          return Promise.reject(
            new InvalidInputError({
              provider: provider.id,
              operation: 'create',
              message: `${provider.id} create: this vendor always records`,
              issues: [{ path: 'recording', message: 'expected true: this vendor always records' }],
            }),
          );
        return provider.create({ ...input, recording: true }, options);
      },
    }),
    fails: ['update holds the input rules create holds'],
  },

  // Every error named after one operation, whatever the call: a client renames it, a direct caller does not.
  'errors all named get': {
    mutate: (provider) => changeErrors(provider, () => ({ operation: 'get' })),
    fails: ['a provider called directly names its NotFoundError by the call made'],
  },

  // A delete that reports done whatever the vendor answered: a stream that may still run, and bill, is
  // taken for gone.
  'delete reports done on a 5xx': {
    mutate: (provider) => ({
      ...copy(provider),
      delete: (id, options) =>
        provider.delete(id, options).catch((error: unknown) => {
          if (UniliveError.isInstance(error) && (error.status ?? 0) >= 500) return undefined;
          throw error;
        }),
    }),
    fails: ['a persistent 5xx on delete'],
  },

  // An HLS URL naming a playlist the backend never writes.
  'HLS URL names another playlist': {
    mutate: (provider) =>
      mapStreams(provider, (stream) => ({
        ...stream,
        playback: stream.playback.map((endpoint) =>
          endpoint.protocol === 'hls'
            ? { ...endpoint, url: endpoint.url.replace('/index.m3u8', '/playlist.m3u8') }
            : endpoint,
        ),
      })),
    fails: ['create returns a well-formed stream'],
  },

  // An HLS URL the adapter builds on a CDN host of its own, where the backend serves nothing and which no
  // answer of the backend names: the playlist's path is right, its origin is not.
  'HLS URL on another origin': {
    mutate: (provider) =>
      mapStreams(provider, (stream) => ({
        ...stream,
        playback: stream.playback.map((endpoint) =>
          endpoint.protocol === 'hls'
            ? {
                ...endpoint,
                url: endpoint.url.replace('https://play.memory.test/', 'https://cdn.memory.test/'),
              }
            : endpoint,
        ),
      })),
    fails: ['create returns a well-formed stream'],
  },

  // A region claimed and then dropped on the way to the vendor: a stream asked for in one region runs
  // wherever the vendor puts it, with no word of it to the caller.
  'regions claimed and the region dropped': {
    mutate: (provider) => ({
      ...copy(provider),
      capabilities: { ...provider.capabilities, regions: true },
      create: (input, options) => {
        const { region: _dropped, ...rest } = input;
        return provider.create(rest, options);
      },
    }),
    fails: ['what the capabilities claim is what create does'],
  },
  // Regions claimed by a provider that still warns it takes none (the memory provider's own warning).
  'regions claimed and the region warned': {
    mutate: (provider) => ({
      ...copy(provider),
      capabilities: { ...provider.capabilities, regions: true },
    }),
    fails: ['what the capabilities claim is what create does'],
  },

  // Names claimed by a provider that keeps none: a registry that finds streams by name trusts the claim.
  // The contrary, names denied while every answer holds one, is no mistake the suite can tell: LiveAPI
  // claims no names (its vendor documents none) and hands on the name its vendor's answer holds anyway.
  'names claimed and dropped with a warning': {
    mutate: (provider) =>
      mapStreams(provider, ({ name: _dropped, ...stream }) => ({
        ...stream,
        warnings: [
          ...(stream.warnings ?? []),
          { type: 'unsupported-setting', setting: 'name', message: 'the vendor keeps no name' },
        ],
      })),
    fails: [
      'create returns a well-formed stream',
      'update changes the name',
      'an update answered 204',
      'an update answered 200 {}',
    ],
  },

  // Labels swapped between two endpoints the vendor's answer names: its HLS playlist given as `embed`, its
  // player page as `hls`. A player handed the page as a playlist plays nothing; the page itself is named by
  // the vendor (as Wowza Video's and LiveAPI's player pages are), so only the label is wrong.
  'HLS and embed labels swapped': {
    mutate: (provider) => ({
      ...mapStreams(provider, (stream) => ({
        ...stream,
        playback: [
          ...stream.playback.map((endpoint) =>
            endpoint.protocol === 'hls' ? { ...endpoint, protocol: 'embed' as const } : endpoint,
          ),
          { protocol: 'hls', url: playerPage(stream.id) },
        ],
      })),
      capabilities: {
        ...provider.capabilities,
        playbackProtocols: [...provider.capabilities.playbackProtocols, 'embed'],
      },
    }),
    namedUrls: (id) => [playerPage(id)],
    // Every answer the suite reads for well-formedness holds the mislabelled playlist.
    fails: [
      'create returns a well-formed stream',
      'get returns the same stream',
      'list walks the pages',
      'start makes it ready',
      'start again on a ready stream',
      'stop again on a stopped stream',
      'a lifecycle call whose read-back fails',
    ],
  },

  // A creation date taken from the moment of the read rather than from the vendor's answer.
  'createdAt the time of each read': {
    mutate: (provider) => mapStreams(provider, (stream) => ({ ...stream, createdAt: new Date() })),
    fails: ['get returns the same stream'],
  },

  // A warning that quotes the stream's key (a key said to be rotated): masked by a client, shown by the
  // provider called directly.
  'a warning holds the stream key': {
    mutate: (provider) =>
      mapStreams(provider, (stream) => ({
        ...stream,
        warnings: [
          ...(stream.warnings ?? []),
          { type: 'other', message: `the ingest key ${stream.ingest[0]?.streamKey} was rotated` },
        ],
      })),
    fails: ['shows no credential in the warnings'],
  },

  // A credential written into an error message in an encoding of its own: hex, either case, or every byte
  // percent-encoded.
  'error message holds the token in hex': {
    mutate: (provider, token) => lengthenMessages(provider, Buffer.from(token).toString('hex')),
    fails: ['no configured credential appears'],
  },
  'error message holds the token in upper-case hex': {
    mutate: (provider, token) => lengthenMessages(provider, Buffer.from(token).toString('hex').toUpperCase()),
    fails: ['no configured credential appears'],
  },
  'error message holds the token percent-encoded byte by byte': {
    mutate: (provider, token) =>
      lengthenMessages(provider, Buffer.from(token).toString('hex').replace(/../g, '%$&')),
    fails: ['no configured credential appears'],
  },

  // A provider object that prints its settings, token included, when logged.
  'provider prints its token': {
    mutate: (provider, token) =>
      Object.assign(copy(provider), {
        toJSON: () => ({ id: provider.id, token }),
        [inspect.custom]: () => `memory provider (token ${token})`,
      }),
    fails: ['the provider itself shows no credential'],
  },
};

/** A memory-provider harness whose provider is `mutant`'s. */
export function mutantHarness(mutant: Mutant): ContractHarness {
  const token = 'memory-mutant-token-9191';
  const backend = createMemoryBackend({ token, transitionPolls: 2 });
  // An attempt limit well within the test's: a call that drops its signal ends in TimeoutError, not a hang.
  const original = createMemoryProvider({ backend, token, timeoutMs: 5_000 });
  const provider = mutant.mutate(original, token);
  const injectFault = (operation: FaultOperation, fault: Fault) => {
    backend.injectFault(operation, fault);
    return true;
  };
  return {
    provider,
    secrets: { token },
    injectFault,
    preparePaging: (scenario) =>
      prepareEnginePaging(provider, injectFault, { pageSize: 2, perPage: 2 }, scenario),
    clearFaults: () => backend.clearFaults(),
    afterEach: () => backend.clearFaults(),
    // Where the memory vendor serves a stream's HLS (the address its answers give).
    hlsUrl: (id) => `https://play.memory.test/${id}/index.m3u8`,
    ...(mutant.namedUrls ? { namedUrls: mutant.namedUrls } : {}),
    // The memory vendor serves a started stream as it serves one receiving video (it knows no encoders):
    // marking one connected changes nothing, and the suite sees the stream live once it is `ready`.
    encoder: () => {},
  };
}
