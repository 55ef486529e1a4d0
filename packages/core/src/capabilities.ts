import type { IngestProtocol, LiveStreamState, PlaybackProtocol } from './live-stream.js';
import type { UpdateLiveStreamInput } from './provider.js';

/**
 * How a vendor's lifecycle works:
 * - `explicit`: separate start and stop calls (Wowza Video);
 * - `toggle`: an enabled flag switched on and off (LiveAPI);
 * - `stop-only`: ready on creation, can be stopped but not started again (Wowza Real-Time);
 * - `always-on`: ready on creation, no lifecycle calls (videosdk v1).
 */
export type LifecycleModel = 'explicit' | 'toggle' | 'stop-only' | 'always-on';

/** What a provider really supports. The contract suite and the client gate behaviour on these. */
export interface ProviderCapabilities {
  readonly lifecycle: LifecycleModel;
  /**
   * `start` changes something on the vendor. False: `start` sends nothing that changes the stream; it reads
   * the stream and returns it as it is, ready since it was created (videosdk v1, Wowza Real-Time), or
   * throws `ConflictError` when the stream was stopped and the vendor cannot start it again (`restart`
   * false: Real-Time).
   */
  readonly start: boolean;
  /** `stop` changes something on the vendor (false: it throws `UnsupportedOperationError`). */
  readonly stop: boolean;
  /** A stream can be stopped and started again. */
  readonly restart: boolean;
  /**
   * A `disabled` stream can be enabled again through the provider (videosdk v2: `update` with
   * `providerOptions.videosdk.disabled: false`), so it is not disabled for good: `waitForState` and
   * `waitForBroadcast` keep polling a disabled stream, as a stopped one that `restart`s, instead of throwing
   * `ConflictError` at once. Absent: false (a disabled stream stays so: Wowza Real-Time's `disabled` and
   * `archived`).
   */
  readonly enable?: boolean;
  readonly update: boolean;
  readonly delete: boolean;
  /** The vendor can record a stream (`recording: true` on create is carried out). */
  readonly recording: boolean;
  /**
   * The vendor records every stream and no setting turns that off (LiveAPI keeps each broadcast as a
   * temporary recording for three days): `recording: false` is refused before any request
   * (`InvalidInputError` naming `recording`), and a migration from a stream that does not record plans
   * the new one without it, with a `not-carried` warning. Absent: false.
   */
  readonly alwaysRecords?: boolean;
  readonly restream: boolean;
  /** The vendor takes a region choice. */
  readonly regions: boolean;
  readonly lowLatency: boolean;
  /** The vendor's stream read tells whether video is arriving (`broadcasting`). */
  readonly broadcastingStatus: boolean;
  /**
   * The vendor's webhooks tell when video starts and stops arriving (`live_stream.connected` /
   * `disconnected` events). False where no webhook does (Wowza Video, videosdk): `waitForBroadcast` then
   * refuses an event source as a way to see video, before any request. Absent: they may.
   */
  readonly broadcastingEvents?: boolean;
  /** The vendor keeps a name on every stream. */
  readonly names: boolean;
  readonly ingestProtocols: readonly IngestProtocol[];
  readonly playbackProtocols: readonly PlaybackProtocol[];
  /**
   * Largest name length the vendor accepts, in code points (the vendors count characters, not what a reader
   * sees as one): an emoji of one code point counts 1, a flag 2, a family emoji up to 7.
   */
  readonly maxNameLength: number;
  /**
   * Every state a stream of this provider can be reported in (the values of the adapter's state table,
   * `unknown` among them when the vendor may send one it does not map). `waitForState` refuses, before any
   * request, a target none of which is here (`InvalidInputError` naming `state`): a videosdk v1 stream is never `stopped`. Absent: any state.
   */
  readonly states?: readonly LiveStreamState[];
  /**
   * The fields of {@link UpdateLiveStreamInput} an `update` carries out on this vendor as a create does,
   * among those the other capabilities claim (a field left out of `names`, `recording`, `restream`,
   * `regions` or `lowLatency` is handled as such on update too). A claimed field missing here is set at
   * creation only: an update giving it is refused, `InvalidInputError` naming it before any request, where
   * ignoring it would change what the stream does (`recording`, `restream`), and warned
   * (`unsupported-setting`) where it is a preference the stream keeps its own of (`region`, `lowLatency`);
   * a restream list the stream already has (in any order, as a `get` returned it or as `{ url, streamKey }`)
   * changes nothing and is accepted everywhere, running or not. A vendor listing `restream` may still refuse dropping a target it cannot remove
   * (LiveAPI adds targets only). The adapters apply this; the client does not check an outside provider's
   * list for it. Absent: every claimed field (an outside provider that says nothing).
   *
   * Wowza Video: `name`, `recording` (its `broadcast_location` and `low_latency` are create-only); Wowza
   * Real-Time: `name`, `region`, `lowLatency` (recording is chosen at creation: any `recording` on update
   * is refused, the stream's own value too, which the adapter does not read first); LiveAPI: `recording`,
   * `restream` (added; a name is sent, and kept or not, as on create: `names` is false); videosdk v1:
   * `name`, `recording`; videosdk v2: `recording`, `restream`.
   */
  readonly updatable?: readonly UpdatableField[];
}

/** A field of {@link UpdateLiveStreamInput} that {@link ProviderCapabilities.updatable} can list. */
export type UpdatableField = 'name' | 'recording' | 'restream' | 'region' | 'lowLatency';
