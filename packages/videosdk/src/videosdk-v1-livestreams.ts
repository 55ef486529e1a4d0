import {
  AbortError,
  abortedMessage,
  assertValidId,
  type CallOptions,
  type CreateLiveStreamInput,
  checkCallOptionValues,
  type HttpClient,
  inputSecrets,
  isAnswerAbout,
  isEmptyRestreamPlan,
  type ListOptions,
  type LiveStream,
  ownValue,
  parseVendorResponse,
  pathOf,
  planRestream,
  providerCallOptions,
  providerInput,
  readBackAfterChange,
  refuseAbortedCall,
  requestChange,
  type SecretSet,
  startCall,
  UnsupportedOperationError,
  type UpdateLiveStreamInput,
  type Warning,
  walkPages,
} from '@unilive/core';
import {
  convertToVideosdkV1CreateBody,
  convertToVideosdkV1UpdateBody,
  videosdkV1RestreamChangeError,
} from './convert-to-videosdk-v1-livestream.js';
import { learnVideosdkV1Secrets, mapVideosdkV1LiveStream } from './map-videosdk-v1-livestream.js';
import type { VideosdkApiImplementation } from './videosdk-api-version.js';
import { videosdkV1Capabilities } from './videosdk-capabilities.js';
import {
  type VideosdkV1LiveStream,
  videosdkV1LiveStreamSchema,
  videosdkV1PageWalkSchema,
} from './videosdk-v1-api.js';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

const provider = 'videosdk';

/** `perPage` sent when the caller gives no page size: the v1 reference's documented default. */
export const videosdkV1DefaultPageSize = 20;

/**
 * Largest `perPage` sent. The v1 reference documents no maximum; 25 is the largest value the vendor's own
 * samples use (the Python list sample), so larger requests are capped there rather than risk a refusal.
 */
export const videosdkV1MaxPageSize = 25;

/**
 * The v1 live-stream API (`/v1/livestreams`): create, list, get, update and delete, nothing else. Start
 * returns the stream as it is (it is always ready); stop has no v1 equivalent and throws.
 */
export function createVideosdkV1Api(http: HttpClient, secrets: SecretSet): VideosdkApiImplementation {
  // `raw` is the answer's object as received (the HTTP layer's `body`, or a list page's own item): the
  // stream's `raw`, as every adapter's is, rather than the schema's reading of it.
  const toStream = (
    data: VideosdkV1LiveStream,
    raw: unknown,
    warnings: readonly Warning[] = [],
  ): LiveStream => mapVideosdkV1LiveStream({ data, raw }, secrets, warnings);

  // The secrets an answer brings, learned before its `onResponse` event (the mapping after the call finds
  // them in place): a stream is mapped as after the call, its secrets are those of the mapping.
  // Also given what the schema read of an answer it refused or that broke off (fields missing or of other
  // types): see learnVideosdkV1Secrets.
  const learnAnswer = (data: VideosdkV1LiveStream, raw: unknown): void => {
    learnVideosdkV1Secrets(data, raw, secrets);
  };
  // A record refused (an id no call could use) still brings its stream's secrets: learned from what the
  // schema read of it, as a read record's are.
  const learnUnread = (partial: unknown, raw: unknown): void => {
    learnVideosdkV1Secrets(partial, raw, secrets);
  };
  // Each record of a list page on its own: one that cannot be read teaches what the schema read of it.
  const learnPage = (records: readonly unknown[]): void => {
    const context = { provider, operation: 'list', secrets, unread: learnUnread };
    for (const raw of records) {
      try {
        toStream(parseVendorResponse(videosdkV1LiveStreamSchema, raw, context), raw);
      } catch {
        // Skipped with a warning when the page is walked.
      }
    }
  };

  async function fetchStream(
    id: string,
    operation: string,
    options: CallOptions | undefined,
    warnings: readonly Warning[] = [],
  ): Promise<LiveStream> {
    const response = await http.request({
      operation,
      method: 'GET',
      path: pathOf`v1/livestreams/${id}`,
      stream: id,
      schema: videosdkV1LiveStreamSchema,
      learn: learnAnswer,
      options,
    });
    return toStream(response.data, response.body, warnings);
  }

  return {
    capabilities: videosdkV1Capabilities,

    async create(given: CreateLiveStreamInput, options?: CallOptions) {
      // A signal aborted already ends the call before its input is checked, as through a client.
      options = startCall(options, provider, 'create', http);
      // Checked as a client checks it, when called without one: a bad field is refused, not sent.
      const input = providerInput(given, provider, 'create', secrets);
      // Restream keys are secrets before the request: a 400 may echo them.
      const sent = inputSecrets(input, provider);
      secrets.learn(...sent);
      const { body, warnings } = convertToVideosdkV1CreateBody(input);
      const response = await http.request({
        operation: 'create',
        method: 'POST',
        path: 'v1/livestreams',
        body,
        schema: videosdkV1LiveStreamSchema,
        learn: (data, raw) => {
          if (typeof data.id === 'string') secrets.learnStream(data.id, ...sent);
          learnAnswer(data, raw);
        },
        options,
      });
      secrets.learnStream(response.data.id, ...sent);
      return toStream(response.data, response.body, warnings);
    },

    // The read a caller repeats most: sent here rather than through fetchStream, one promise fewer.
    async get(id: string, options?: CallOptions) {
      options = startCall(options, provider, 'get', http);
      assertValidId(id, { provider, operation: 'get' });
      const response = await http.request({
        operation: 'get',
        method: 'GET',
        path: pathOf`v1/livestreams/${id}`,
        stream: id,
        schema: videosdkV1LiveStreamSchema,
        learn: learnAnswer,
        options,
      });
      return mapVideosdkV1LiveStream({ data: response.data, raw: response.body }, secrets, noWarnings);
    },

    async *list(given?: ListOptions) {
      refuseAbortedCall(given, provider, 'list');
      // Read as a client reads them before anything here does (its `pageSize`): `null`, a Map, a getter
      // that throws or a value a client refuses (`pageSize: 0`, `name: ''`) is refused with the client's error.
      const options: ListOptions =
        providerCallOptions(given, provider, 'list', undefined, undefined, secrets) ?? {};
      const requested = Math.floor(options.pageSize ?? videosdkV1DefaultPageSize);
      // A positive integer by now (providerCallOptions refuses any other); the vendor's maximum caps it.
      const perPage = Number.isFinite(requested)
        ? Math.min(videosdkV1MaxPageSize, Math.max(1, requested))
        : videosdkV1DefaultPageSize;
      const context = { provider, operation: 'list', secrets, unread: learnUnread };
      // Pages are walked by core: it stops on the vendor's last page (`pageInfo.lastPage`), on an empty or
      // all-repeated page, on a page numbered other than asked (a server that ignores `page`), and reads the
      // guide's unpaged form (`{ data }` alone) as one page. Each record is read on its own, so one the
      // vendor could not have sent (an unusable id) is skipped with a warning.
      yield* walkPages({
        provider,
        pageSize: perPage,
        options,
        secrets,
        fetchPage: async (page) => {
          const response = await http.request({
            operation: 'list',
            method: 'GET',
            path: 'v1/livestreams',
            query: { page, perPage },
            schema: videosdkV1PageWalkSchema,
            learn: (page) => learnPage(page.data),
            options,
          });
          const { data, pageInfo } = response.data;
          if (!pageInfo) return { items: data, hasMore: false };
          return {
            items: data,
            page: pageInfo.currentPage,
            totalPages: pageInfo.lastPage,
            pageSize: pageInfo.perPage ?? undefined,
          };
        },
        // `raw` is the page body's own object: the page schema reads items as `unknown`.
        read: (raw: unknown) => toStream(parseVendorResponse(videosdkV1LiveStreamSchema, raw, context), raw),
        idOf: (stream) => stream.id,
        // A page holds whole streams: a record named otherwise (or with no name, which the empty name, never
        // sought, stands for) is not the stream a list for one name seeks, and is passed over without taking
        // its id, so a later record of that id carrying the name sought (the stream renamed while the walk
        // crosses pages) is still found.
        nameOf: (stream) => stream.name ?? '',
        // A record it cannot read (an unusable id) that names another stream than a list for one name seeks
        // is passed over without a word.
        nameOfRecord: (raw) => {
          const name = ownValue(raw, 'name');
          return typeof name === 'string' ? name : undefined;
        },
      });
    },

    async update(id: string, given: UpdateLiveStreamInput, options?: CallOptions) {
      options = startCall(options, provider, 'update', http);
      assertValidId(id, { provider, operation: 'update' });
      // Checked as a client checks it, when called without one: a bad field is refused, not sent.
      const patch = providerInput(given, provider, 'update', secrets);
      secrets.learnSent(id, ...inputSecrets(patch, provider));
      const { body, warnings } = convertToVideosdkV1UpdateBody(patch);
      // v1 cannot change restream targets: a list is accepted only when it is the one the stream has (core's
      // one reading of `restream` on update), which takes a read before anything is sent.
      let before: LiveStream | undefined;
      if (patch.restream !== undefined) {
        before = await fetchStream(id, 'update', options);
        if (!isEmptyRestreamPlan(planRestream(before.restream ?? [], patch.restream)))
          videosdkV1RestreamChangeError();
      }
      // Nothing v1 can change was asked for (only soft gaps): send no empty update, report the stream.
      if (Object.keys(body).length === 0) {
        if (before) return warnings.length > 0 ? { ...before, warnings: [...warnings] } : before;
        return fetchStream(id, 'update', options, warnings);
      }
      // The reference's cURL sample says GET, its Node, Python and Ruby samples POST; POST it is. Setting
      // the same name and flag twice is harmless, so the call may be retried like a PUT. Any 2xx is an
      // accepted change; one whose answer is no stream is read back.
      const answer = await requestChange(
        http,
        {
          operation: 'update',
          method: 'POST',
          path: pathOf`v1/livestreams/${id}`,
          stream: id,
          body,
          schema: videosdkV1LiveStreamSchema,
          idempotent: true,
          // An answer about another stream is not learned as this one; one that broke off before or inside
          // its id is learned as this stream's.
          learn: (data, raw) => {
            if (isAnswerAbout(data.id, id)) learnAnswer(data.id === id ? data : { ...data, id }, raw);
          },
          options,
        },
        { provider, secrets },
      );
      if (answer.readable && answer.data.id === id) return toStream(answer.data, answer.body, warnings);
      const stream = await readBackAfterChange({
        provider,
        operation: 'update',
        id,
        applied: 'videosdk accepted the update',
        parts: {
          applied: [
            ...(body.name === undefined ? [] : ['name']),
            ...(body.record === undefined ? [] : ['recording']),
          ],
        },
        read: () => fetchStream(id, 'update', options),
        secrets,
      });
      return warnings.length > 0
        ? { ...stream, warnings: [...warnings, ...(stream.warnings ?? [])] }
        : stream;
    },

    async delete(id: string, options?: CallOptions) {
      options = startCall(options, provider, 'delete', http);
      assertValidId(id, { provider, operation: 'delete' });
      // The reference shows the deleted stream in the answer; nothing in it is needed, so any 2xx will do.
      await http.request({
        operation: 'delete',
        method: 'DELETE',
        path: pathOf`v1/livestreams/${id}`,
        stream: id,
        options,
      });
      secrets.forgetStream(id);
    },

    async start(id: string, options?: CallOptions) {
      options = startCall(options, provider, 'start', http);
      assertValidId(id, { provider, operation: 'start' });
      // No start call exists: a v1 stream takes an encoder as soon as it exists. Fetching it still proves
      // the stream is there, and returns it `ready`.
      return fetchStream(id, 'start', options);
    },

    async stop(id: string, given?: CallOptions) {
      refuseAbortedCall(given, provider, 'stop');
      assertValidId(id, { provider, operation: 'stop' });
      // Read and checked as every other call's are before its first request, before the call is decided:
      // a misspelt or malformed option (a `timeoutMs` of -1, a `signal` that is none) is refused as `get`
      // refuses it, called directly or through a client, rather than answered that v1 has no stop. Nothing
      // is sent either way.
      const options = providerCallOptions(given, provider, 'stop', undefined, undefined, secrets);
      checkCallOptionValues(options, provider, 'stop');
      // A signal read from a getter, which the first check leaves to the options' reading, aborted already:
      // the HTTP layer would end a call that sends on it.
      const signal = options?.signal;
      if (signal?.aborted) {
        throw new AbortError({
          provider,
          operation: 'stop',
          message: abortedMessage(provider, 'stop'),
          cause: signal.reason,
          delivery: 'not-sent',
        });
      }
      throw new UnsupportedOperationError({
        provider,
        operation: 'stop',
        message:
          'videosdk v1 has no stop call: a live stream accepts video until the encoder disconnects. Stop the encoder to end a broadcast, or use delete to remove the stream.',
      });
    },
  };
}

const noWarnings: readonly Warning[] = /* @__PURE__ */ Object.freeze([]);
