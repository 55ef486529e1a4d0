import { parseArgs } from 'node:util';
import {
  type CreateLiveStreamInput,
  createLiveStreamClient,
  InvalidInputError,
  type LiveStreamClient,
  type LiveStreamState,
  liveStreamStates,
  type ProviderId,
  UniliveError,
  type UpdateLiveStreamInput,
} from '@unilive/core';
import { runDemo } from './demo.js';
import { describeStream, streamJson, streamRows } from './format.js';
import { type Output, processOutput, startProgress } from './progress.js';
import { buildProvider, type FactoryLoader, importFactory, sandboxSettings } from './providers.js';
import { runSandbox } from './sandbox.js';

const usage = `unilive: live streams on any supported vendor, from the command line

Usage:
  unilive create --name NAME [--protocol rtmp|srt|webrtc|rtsp] [--region R] [--recording] [--low-latency]
                 [--option KEY=VALUE]...
  unilive get ID
  unilive list [--limit N]
  unilive update ID [--name NAME] [--recording | --no-recording]
  unilive start ID [--wait]
  unilive stop ID [--wait]
  unilive wait ID STATE [--timeout-ms MS]
  unilive delete ID
  unilive sandbox [--port PORT] [--host HOST] [--persist FILE] [--transition-ms MS] [--rate-limit N]
  unilive demo [--provider ID]...

Options:
  -p, --provider ID    wowza-video | wowza-realtime | liveapi | videosdk (default: $UNILIVE_PROVIDER)
  --sandbox URL        talk to a running sandbox (default: $UNILIVE_SANDBOX_URL)
  --base-url URL       the vendor API root, to override the vendor's own
  --json               machine-readable output
  --raw                with --json, include the vendor's own object
  --timeout-ms MS      per-request time limit (with wait: the whole wait)
  Credentials, when not in the environment: --token, --token-id, --secret-key, --api-key, --secret
  (environment: WOWZA_VIDEO_TOKEN, WOWZA_REALTIME_TOKEN, LIVEAPI_TOKEN_ID, LIVEAPI_SECRET_KEY,
   VIDEOSDK_TOKEN, VIDEOSDK_API_KEY, VIDEOSDK_SECRET)

Exit codes: 0 success, 1 the operation failed, 2 bad usage or input, 130 interrupted.`;

const options = {
  provider: { type: 'string', short: 'p', multiple: true },
  sandbox: { type: 'string' },
  'base-url': { type: 'string' },
  json: { type: 'boolean' },
  raw: { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  name: { type: 'string' },
  protocol: { type: 'string' },
  region: { type: 'string' },
  recording: { type: 'boolean' },
  'no-recording': { type: 'boolean' },
  'low-latency': { type: 'boolean' },
  option: { type: 'string', multiple: true },
  limit: { type: 'string' },
  wait: { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  persist: { type: 'string' },
  'transition-ms': { type: 'string' },
  'rate-limit': { type: 'string' },
  token: { type: 'string' },
  'token-id': { type: 'string' },
  'secret-key': { type: 'string' },
  'api-key': { type: 'string' },
  secret: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parse>['values'];

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
}

class UsageError extends Error {}

/** What the CLI needs from its surroundings; tests replace each part. */
export interface CliEnvironment {
  output?: Output;
  environment?: Record<string, string | undefined>;
  loadFactory?: FactoryLoader;
  /** Aborts running calls (SIGINT). */
  signal?: AbortSignal;
}

/** Runs the CLI with arguments (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], context: CliEnvironment = {}): Promise<number> {
  const output = context.output ?? processOutput;
  const environment = context.environment ?? process.env;
  let flags: Flags;
  let positionals: string[];
  try {
    ({ values: flags, positionals } = parse(argv));
  } catch (error) {
    output.err(`unilive: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const [command, ...rest] = positionals;
  if (flags.help || command === undefined || command === 'help') {
    output.out(usage);
    return command === undefined && !flags.help ? 2 : 0;
  }
  try {
    if (command === 'sandbox') return await runSandbox(flags, output, context.signal);
    if (command === 'demo') {
      return await runDemo({
        output,
        providers: flags.provider ?? [],
        loadFactory: context.loadFactory ?? importFactory,
      });
    }
    const client = await clientFor(flags, environment, context.loadFactory ?? importFactory);
    return await runCommand(client, command, rest, flags, output, context.signal);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`unilive: ${error.message}`);
      return 2;
    }
    if (UniliveError.isInstance(error)) {
      output.err(`unilive: ${error.name}: ${error.message}`);
      if (flags.json) output.out(JSON.stringify({ error: error.toJSON() }));
      if (error.name === 'AbortError') return 130;
      return InvalidInputError.isInstance(error) && error.status === undefined ? 2 : 1;
    }
    output.err(`unilive: unexpected failure: ${(error as Error).message}`);
    return 1;
  }
}

async function clientFor(
  flags: Flags,
  environment: Record<string, string | undefined>,
  loadFactory: FactoryLoader,
): Promise<LiveStreamClient> {
  const id: ProviderId | undefined = flags.provider?.[0] ?? environment.UNILIVE_PROVIDER;
  if (!id) throw new UsageError('no provider: pass --provider or set UNILIVE_PROVIDER');
  const settings: Record<string, unknown> = {};
  const sandboxUrl = flags.sandbox ?? environment.UNILIVE_SANDBOX_URL;
  if (sandboxUrl) Object.assign(settings, await sandboxSettings(sandboxUrl, id));
  const explicit: Record<string, string | undefined> = {
    baseUrl: flags['base-url'],
    token: flags.token,
    tokenId: flags['token-id'],
    secretKey: flags['secret-key'],
    apiKey: flags['api-key'],
    secret: flags.secret,
  };
  for (const [key, value] of Object.entries(explicit)) if (value !== undefined) settings[key] = value;
  return createLiveStreamClient(await buildProvider(id, settings, loadFactory));
}

function numberFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new UsageError(`--${name} expects a non-negative number`);
  return parsed;
}

function needId(rest: string[], command: string): string {
  const id = rest[0];
  if (!id) throw new UsageError(`${command} needs a stream id: unilive ${command} ID`);
  return id;
}

async function runCommand(
  client: LiveStreamClient,
  command: string,
  rest: string[],
  flags: Flags,
  output: Output,
  signal: AbortSignal | undefined,
): Promise<number> {
  const timeoutMs = numberFlag(flags['timeout-ms'], 'timeout-ms');
  const call = {
    ...(signal ? { signal } : {}),
    ...(timeoutMs !== undefined && command !== 'wait' ? { timeoutMs } : {}),
  };
  const show = (stream: Awaited<ReturnType<LiveStreamClient['get']>>) =>
    output.out(flags.json ? JSON.stringify(streamJson(stream, flags.raw)) : describeStream(stream));
  const waitFor = async (id: string, state: LiveStreamState, timeout?: number) => {
    const progress = startProgress(output, `waiting for ${id} to be ${state}`);
    try {
      const stream = await client.waitForState(id, state, {
        ...(signal ? { signal } : {}),
        ...(timeout ? { timeoutMs: timeout } : {}),
      });
      progress.stop(`${id} is ${state}`);
      return stream;
    } catch (error) {
      progress.stop(`stopped waiting for ${id}`);
      throw error;
    }
  };

  switch (command) {
    case 'create': {
      if (!flags.name) throw new UsageError('create needs --name');
      const input: CreateLiveStreamInput = { name: flags.name };
      if (flags.protocol)
        input.ingestProtocol = flags.protocol as NonNullable<CreateLiveStreamInput['ingestProtocol']>;
      if (flags.region) input.region = flags.region;
      if (flags.recording) input.recording = true;
      if (flags['low-latency']) input.lowLatency = true;
      if (flags.option?.length)
        input.providerOptions = { [client.providerId]: providerOptions(flags.option) };
      show(await client.create(input, call));
      return 0;
    }
    case 'get':
      show(await client.get(needId(rest, command), call));
      return 0;
    case 'list': {
      const limit = numberFlag(flags.limit, 'limit');
      const streams = await client.list(call).toArray(limit === undefined ? {} : { limit });
      output.out(
        flags.json
          ? JSON.stringify(streams.map((stream) => streamJson(stream, flags.raw)))
          : streamRows(streams),
      );
      return 0;
    }
    case 'update': {
      const patch: UpdateLiveStreamInput = {};
      if (flags.name) patch.name = flags.name;
      if (flags.recording) patch.recording = true;
      if (flags['no-recording']) patch.recording = false;
      show(await client.update(needId(rest, command), patch, call));
      return 0;
    }
    case 'start':
    case 'stop': {
      const id = needId(rest, command);
      const stream = command === 'start' ? await client.start(id, call) : await client.stop(id, call);
      show(flags.wait ? await waitFor(id, command === 'start' ? 'ready' : 'stopped') : stream);
      return 0;
    }
    case 'wait': {
      const id = needId(rest, command);
      const state = rest[1];
      if (!state || !(liveStreamStates as readonly string[]).includes(state)) {
        throw new UsageError(`wait needs a state: one of ${liveStreamStates.join(', ')}`);
      }
      show(await waitFor(id, state as LiveStreamState, timeoutMs));
      return 0;
    }
    case 'delete': {
      const id = needId(rest, command);
      await client.delete(id, call);
      output.out(flags.json ? JSON.stringify({ id, deleted: true }) : `deleted ${id}`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"; run unilive --help`);
  }
}

function providerOptions(pairs: readonly string[]): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const pair of pairs) {
    const separator = pair.indexOf('=');
    if (separator <= 0) throw new UsageError(`--option expects KEY=VALUE, got "${pair.split('=')[0]}"`);
    const key = pair.slice(0, separator);
    const value = pair.slice(separator + 1);
    try {
      options[key] = JSON.parse(value);
    } catch {
      options[key] = value;
    }
  }
  return options;
}
