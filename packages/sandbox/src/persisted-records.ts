import * as v from 'valibot';

/**
 * The largest persist file the sandbox reads: 256 MiB. The file the sandbox writes for 10,000 Wowza Video
 * streams is some 86 MiB (indented as it saves it); a string of more than some 512 MiB is more than V8 holds
 * at all, and reading one that size would hold the process for seconds.
 */
export const maxPersistBytes = 256 * 1024 * 1024;

/** Where a persist file goes wrong: the path in the document (`wowza-video.live_streams.ab12cd34.name`) and what. */
export interface PersistProblem {
  path: string;
  problem: string;
}

// What a value given is, without showing it: a persist file holds stream keys and push passwords.
function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const text = v.string();
const optionalText = v.optional(v.string());
const flag = v.boolean();
// Every time the sandbox keeps is written by `toISOString()`; one that does not read as a time would sort and
// filter as NaN.
const time = v.pipe(
  v.string(),
  v.check((value) => Number.isFinite(Date.parse(value)), 'a time (ISO 8601)'),
);
const record = <T extends v.ObjectEntries>(entries: T) =>
  v.looseObject({ id: v.pipe(v.string(), v.minLength(1, 'an id')), ...entries });

/**
 * The records each built-in dialect keeps, by provider and collection: the fields it reads back, in their
 * types (other fields are kept as they are). What the dialect itself writes always passes.
 */
const builtIn: Record<string, Record<string, v.GenericSchema>> = {
  'wowza-video': {
    live_streams: record({
      sequence: v.pipe(v.number(), v.integer('a whole number'), v.minValue(0, 'a whole number from 0')),
      entryPoint: text,
      application: text,
      ipAddress: text,
      liveStream: v.looseObject({
        name: text,
        state: v.picklist(['stopped', 'starting', 'started', 'stopping', 'resetting']),
        created_at: time,
        updated_at: time,
      }),
    }),
    deleted_live_streams: record({ deletedAt: time }),
  },
  'wowza-realtime': {
    real_time_streams: record({
      name: text,
      description: optionalText,
      stream_name: text,
      token: text,
      subscribe_token: optionalText,
      enable_secure_viewer: flag,
      expires_on: optionalText,
      state: v.picklist(['started', 'stopped', 'disabled']),
      region: text,
      recording: flag,
      disable_vod_encoder: flag,
      reference_id: optionalText,
      enable_player_and_hosted_page: flag,
      player_id: optionalText,
      logo_image_url: optionalText,
      logo_position: optionalText,
      video_poster_image_url: optionalText,
      width: v.optional(v.number()),
      hosted_page: v.optional(
        v.looseObject({
          url: text,
          title: optionalText,
          description: optionalText,
          logo_image_url: optionalText,
          sharing_icons: flag,
        }),
      ),
      created_at: time,
      updated_at: time,
    }),
    deleted_real_time_streams: record({}),
  },
  liveapi: {
    live_streams: record({
      name: optionalText,
      enabled: flag,
      key: text,
      password: text,
      settings: v.looseObject({}),
      platforms: v.array(v.looseObject({ id: text, template: text, enabled: flag, server: text, key: text })),
      creationTime: time,
    }),
  },
  videosdk: {
    livestreams: record({
      record: flag,
      userId: text,
      name: text,
      streamKey: text,
      streamUrl: text,
      upstreamUrl: text,
      downstreamUrl: text,
      recordingUrl: text,
      restream: v.array(v.looseObject({ url: text, streamKey: text })),
      createdAt: time,
      updatedAt: time,
    }),
    'v2-rooms': record({
      recordId: text,
      customRoomId: v.nullable(v.string()),
      userId: text,
      disabled: flag,
      deactivated: flag,
      webhook: v.optional(v.looseObject({ endPoint: text, events: v.array(text) })),
      autoCloseConfig: v.optional(v.looseObject({ type: text, duration: v.optional(v.number()) })),
      createdAt: time,
      updatedAt: time,
    }),
    'v2-sessions': record({
      roomId: text,
      start: time,
      end: v.nullable(time),
      status: v.picklist(['ongoing', 'ended']),
    }),
    'v2-hls': record({
      roomId: text,
      sessionId: text,
      start: time,
      end: v.nullable(time),
      phase: v.picklist(['starting', 'playable', 'stopping', 'ended']),
      key: text,
    }),
    'v2-livestreams': record({
      roomId: text,
      sessionId: text,
      outputs: v.array(v.looseObject({ url: text, streamKey: text })),
      start: time,
      end: v.nullable(time),
    }),
  },
};

// Collections whose ids are streams gone: an id there and among the live ones is two records of one stream.
const tombstones: Record<string, [live: string, deleted: string]> = {
  'wowza-video': ['live_streams', 'deleted_live_streams'],
  'wowza-realtime': ['real_time_streams', 'deleted_real_time_streams'],
};

// The field by which a published stream finds its record (the RTMP ingest's key, stream name or
// application): two records with one would leave the second unreachable, every publish to it taken by the
// first, and nothing saying why.
const uniqueFields: Record<string, Record<string, string>> = {
  'wowza-video': { live_streams: 'application' },
  'wowza-realtime': { real_time_streams: 'stream_name' },
  liveapi: { live_streams: 'key' },
  videosdk: { livestreams: 'streamKey' },
};

// A record of a dialect the sandbox does not know: an object with its id, the key it is kept under.
const anyRecord = record({});

const objectOf = v.pipe(
  v.custom<Record<string, unknown>>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    'an object',
  ),
);

// What a valibot issue says, in the sandbox's words and without the value it was given.
function describeIssue(issue: v.BaseIssue<unknown>): string {
  const got = kindOf(issue.input);
  if (issue.kind === 'validation' || issue.type === 'custom') return `expected ${issue.message}, got ${got}`;
  if (issue.input === undefined) return 'missing';
  const expected = { Array: 'a list', Object: 'an object' }[issue.expected ?? ''] ?? issue.expected;
  return `expected ${expected}, got ${got}`;
}

function first(schema: v.GenericSchema, value: unknown, at: string[]): PersistProblem | undefined {
  const result = v.safeParse(schema, value, { abortEarly: true });
  if (result.success) return undefined;
  const issue = result.issues[0];
  const inside = (issue.path ?? []).map((item) => String(item.key));
  return { path: [...at, ...inside].join('.'), problem: describeIssue(issue) };
}

/**
 * Checks what a persist file holds: `{ provider: { collection: { id: record } } }`, each record an object
 * whose `id` is the key it is kept under; a built-in dialect's records (Wowza Video, Wowza Real-Time,
 * LiveAPI, videosdk v1 and v2) in the collections and fields it keeps, each field in its type; a provider the
 * sandbox serves or one of the built-in ones; no stream both kept and deleted. The first problem, in document
 * order, is returned, or undefined.
 */
export function persistedProblem(data: unknown, served: readonly string[]): PersistProblem | undefined {
  const top = first(objectOf, data, []);
  if (top) return { path: 'the top of the file', problem: top.problem };
  for (const [provider, collections] of Object.entries(data as Record<string, unknown>)) {
    // Own keys only: a provider or collection named `toString` or `__proto__` is no dialect's.
    const known = Object.hasOwn(builtIn, provider) ? builtIn[provider] : undefined;
    if (!known && !served.includes(provider)) {
      return {
        path: provider,
        problem: `no dialect of this sandbox is ${provider} (it serves ${served.join(', ')})`,
      };
    }
    const shape = first(objectOf, collections, [provider]);
    if (shape) return shape;
    for (const [name, records] of Object.entries(collections as Record<string, unknown>)) {
      const schema = known ? (Object.hasOwn(known, name) ? known[name] : undefined) : anyRecord;
      if (!schema) {
        return {
          path: `${provider}.${name}`,
          problem: `the ${provider} dialect keeps no such collection (it keeps ${Object.keys(known ?? {}).join(', ')})`,
        };
      }
      const many = first(objectOf, records, [provider, name]);
      if (many) return many;
      const unique =
        known && Object.hasOwn(uniqueFields, provider) ? uniqueFields[provider]?.[name] : undefined;
      const holders = new Map<unknown, string>();
      for (const [id, entry] of Object.entries(records as Record<string, unknown>)) {
        const problem = first(schema, entry, [provider, name, id]);
        if (problem) return problem;
        const own = (entry as { id: string }).id;
        if (own !== id) {
          return {
            path: `${provider}.${name}.${id}.id`,
            problem: 'expected the key the record is kept under',
          };
        }
        if (unique === undefined) continue;
        const value = (entry as Record<string, unknown>)[unique];
        const holder = holders.get(value);
        if (holder !== undefined) {
          // The value is a stream key: named by where else it is, never shown.
          return {
            path: `${provider}.${name}.${id}.${unique}`,
            problem: `the same as ${provider}.${name}.${holder}.${unique}: each stream's must be its own, or a publish to one reaches the other`,
          };
        }
        holders.set(value, id);
      }
    }
    const pair = Object.hasOwn(tombstones, provider) ? tombstones[provider] : undefined;
    if (pair) {
      const collectionsOf = collections as Record<string, Record<string, unknown> | undefined>;
      const live = collectionsOf[pair[0]] ?? {};
      for (const id of Object.keys(collectionsOf[pair[1]] ?? {})) {
        if (Object.hasOwn(live, id)) {
          return {
            path: `${provider}.${pair[1]}.${id}`,
            problem: `a stream deleted and kept at once (also ${provider}.${pair[0]}.${id})`,
          };
        }
      }
    }
  }
  return undefined;
}

/**
 * The first provider, collection or record id that appears twice in its object in `json` (valid JSON), as its
 * path in the document, or undefined: `JSON.parse` keeps the last and drops the others without a word, so two
 * records under one id (a hand merge of two files) would lose one. Keys deeper in a record are not looked
 * at. The scan jumps from quote to bracket to comma, and over each string whole: for the 90 MB the sandbox
 * writes for 10,000 Wowza Video streams it took 0.4 to 0.65 s on a loaded 2-core machine, as long as
 * `JSON.parse` of the same text.
 */
export function duplicateKey(json: string): string | undefined {
  // The objects open down to the records' level (`{ provider: { collection: { id: … } } }`).
  const keys: (Set<string> | undefined)[] = [];
  const path: string[] = [];
  let depth = 0;
  let expectKey = false;
  // Only quotes, brackets and commas matter: the scan jumps from one to the next.
  const marks = /["{}[\],]/g;
  for (let found = marks.exec(json); found !== null; found = marks.exec(json)) {
    const at = found.index;
    const code = json.charCodeAt(at);
    if (code === 34) {
      // A string: its end is the next quote with an even run of backslashes before it.
      let end = json.indexOf('"', at + 1);
      for (;;) {
        let slashes = 0;
        while (json.charCodeAt(end - 1 - slashes) === 92) slashes += 1;
        if (slashes % 2 === 0) break;
        end = json.indexOf('"', end + 1);
      }
      if (expectKey && depth <= 3) {
        const raw = json.slice(at + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(json.slice(at, end + 1)) as string) : raw;
        const seen = keys[depth - 1];
        if (seen?.has(key)) return [...path.slice(0, depth - 1), key].join('.');
        seen?.add(key);
        path[depth - 1] = key;
      }
      expectKey = false;
      marks.lastIndex = end + 1;
    } else if (code === 123 || code === 91) {
      depth += 1;
      // Only objects down to the records' level keep their keys; a list's items are no keys.
      if (code === 123 && depth <= 3) keys[depth - 1] = new Set();
      else if (depth <= 3) keys[depth - 1] = undefined;
      expectKey = code === 123;
    } else if (code === 125 || code === 93) {
      depth -= 1;
      expectKey = false;
    } else if (code === 44) {
      // After a comma inside an object comes a key.
      expectKey = depth >= 1 && depth <= 3 ? keys[depth - 1] !== undefined : false;
    }
  }
  return undefined;
}
