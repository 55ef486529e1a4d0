import {
  AbortError,
  builtInProviderIds,
  createLiveStreamClient,
  type LiveStream,
  type LiveStreamClient,
  NotFoundError,
  type ProviderId,
  UniliveError,
  UnsupportedOperationError,
} from '@unilive/core';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { type CommandSpec, listFlag, UsageError } from './context.js';
import { describeStream, streamJson, table } from './format.js';
import { type Output, startProgress } from './progress.js';
import { buildProvider, type FactoryLoader, unknownProviderMessage } from './providers.js';
import { jsonText } from './text.js';

/** `unilive demo`. */
export const demo: CommandSpec = {
  name: 'demo',
  summary: 'run the whole lifecycle on every installed provider against an in-process sandbox',
  options: [
    {
      flags: '-p, --provider <id>',
      description: 'only this provider (repeatable; default: every installed one)',
      repeatable: true,
    },
    { flags: '--json', description: 'one JSON document at the end instead of text' },
  ],
  help: 'Nothing leaves this machine: the sandbox listens on 127.0.0.1 and the encoder is simulated.',
  run: ({ flags, context }) =>
    runDemo({
      output: context.output,
      providers: listFlag(flags, 'provider'),
      loadFactory: context.loadFactory,
      json: flags.json === true,
      signal: context.signal,
    }),
};

/** Options of {@link runDemo}. */
export interface DemoOptions {
  output: Output;
  /** Providers to show; every installed one when empty. */
  providers: readonly ProviderId[];
  loadFactory: FactoryLoader;
  /** State-transition time in the sandbox. Default 1200 ms. */
  transitionMs?: number;
  /** One JSON document on stdout at the end instead of text as it goes. */
  json?: boolean;
  /** Ends the demo at once (Ctrl-C). */
  signal?: AbortSignal | undefined;
}

/** One provider's run of the demo, as `--json` prints it. */
export interface DemoOutcome {
  provider: ProviderId;
  steps: string[];
  seconds: number;
  ok: boolean;
  /** The stream as created: what an encoder and the viewers need (sandbox values only). */
  stream?: Record<string, unknown>;
  error?: string;
}

/**
 * `unilive demo`: starts the sandbox in this process and runs the whole lifecycle on every installed
 * provider, showing what a streamer configures and what a viewer opens.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const unknown = options.providers.filter((id) => !(builtInProviderIds as readonly string[]).includes(id));
  if (unknown.length > 0) throw new UsageError(unknownProviderMessage());
  // With --json, the text goes nowhere and one document is printed at the end.
  const output: Output = options.json
    ? { out: () => {}, err: (text) => options.output.err(text), interactive: false }
    : options.output;
  const wanted = options.providers.length > 0 ? options.providers : builtInProviderIds;
  const sandbox = await startSandbox({ transitionMs: options.transitionMs ?? 1200 });
  output.out(`unilive demo: the sandbox is listening on ${sandbox.url}; nothing leaves this machine.\n`);
  const outcomes: DemoOutcome[] = [];
  const skipped: ProviderId[] = [];
  try {
    for (const id of wanted) {
      options.signal?.throwIfAborted();
      const factory = await options.loadFactory(id);
      if (!factory || !sandbox.providers.includes(id)) {
        skipped.push(id);
        output.out(`== ${id}: not installed, skipped (npm install @unilive/${id})\n`);
        continue;
      }
      const provider = await buildProvider(id, sandbox.adapterSettings(id), options.loadFactory);
      outcomes.push(await lifecycle(createLiveStreamClient(provider), sandbox, output, options.signal));
    }
  } finally {
    await sandbox.close();
  }
  if (options.signal?.aborted) throw new AbortError({ operation: 'demo', message: 'Interrupted' });
  if (options.json) options.output.out(jsonText({ sandbox: sandbox.url, outcomes, skipped }));
  if (outcomes.length === 0) {
    options.output.err('unilive demo: no provider package is installed');
    return 1;
  }
  output.out(
    table(
      ['PROVIDER', 'LIFECYCLE', 'RESULT', 'SECONDS'],
      outcomes.map((outcome) => [
        outcome.provider,
        outcome.steps.join(' → '),
        outcome.ok ? 'ok' : 'FAILED',
        outcome.seconds.toFixed(1),
      ]),
    ),
  );
  return outcomes.every((outcome) => outcome.ok) ? 0 : 1;
}

async function lifecycle(
  client: LiveStreamClient,
  sandbox: Sandbox,
  output: Output,
  signal: AbortSignal | undefined,
): Promise<DemoOutcome> {
  const id = client.providerId;
  const caps = client.capabilities;
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  const steps: string[] = [];
  const call = signal ? { signal } : {};
  let stream: Record<string, unknown> | undefined;
  const say = (text: string) => output.out(`  ${text}`);
  const wait = async (streamId: string, state: 'ready' | 'stopped'): Promise<LiveStream> => {
    const progress = startProgress(output, `  waiting until ${state}`);
    const stream = await client.waitForState(streamId, state, {
      timeoutMs: 30_000,
      intervalMs: 250,
      maxIntervalMs: 1_000,
      ...(signal ? { signal } : {}),
    });
    progress.stop(`  ${state} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return stream;
  };
  output.out(`== ${id} (lifecycle: ${caps.lifecycle}; ingest: ${caps.ingestProtocols.join(', ')})`);
  try {
    const created = await client.create({ name: `unilive demo on ${id}` }, call);
    stream = streamJson(created);
    steps.push('create');
    say(`1. created ${created.id}, state ${created.state}. What the streamer and the viewers need:`);
    output.out(indent(describeStream(created), 6));

    const fetched = await client.get(created.id, call);
    steps.push('get');
    say(`2. get: ${fetched.state}`);

    let listed = 0;
    let found = false;
    for await (const stream of client.list(call)) {
      listed += 1;
      found ||= stream.id === created.id;
    }
    steps.push('list');
    say(`3. list: ${listed} stream(s), ${found ? 'including' : 'WITHOUT'} ${created.id}`);
    if (!found) throw new Error('the created stream is not listed');

    if (caps.update) {
      const updated = await client.update(created.id, { name: `unilive demo on ${id} (renamed)` }, call);
      steps.push('update');
      say(`4. update: name is now "${updated.name ?? '(the vendor keeps no name)'}"`);
    }

    const afterStart = await client.start(created.id, call);
    say(
      `5. start: ${afterStart.state}${caps.start ? '' : ` (${id} streams are ready as soon as they exist)`}`,
    );
    const ready = await wait(created.id, 'ready');
    steps.push('ready');
    sandbox.setEncoder(id, created.id, true);
    const live = await client.get(created.id, call);
    say(
      `6. encoder connected (simulated): ${
        live.broadcasting === undefined
          ? `${id} does not report whether video arrives`
          : `broadcasting = ${live.broadcasting}`
      }; state ${ready.state}`,
    );

    try {
      await client.stop(created.id, call);
      await wait(created.id, 'stopped');
      steps.push('stopped');
      say('7. stop: stopped');
    } catch (error) {
      if (!UnsupportedOperationError.isInstance(error)) throw error;
      steps.push('stop unsupported');
      say(`7. stop: ${error.message}`);
    }

    if (caps.delete) {
      await client.delete(created.id, call);
      const gone = await client.get(created.id, call).then(
        () => false,
        (error: unknown) => NotFoundError.isInstance(error),
      );
      steps.push('delete');
      say(`8. delete: ${gone ? 'gone (get now answers NotFoundError)' : 'STILL THERE'}`);
      if (!gone) throw new Error('the deleted stream is still there');
    }
    output.out('');
    return { provider: id, steps, seconds: seconds(), ok: true, ...(stream ? { stream } : {}) };
  } catch (error) {
    if (signal?.aborted) throw error;
    const message = UniliveError.isInstance(error) ? `${error.name}: ${error.message}` : String(error);
    say(`failed: ${message}\n`);
    return {
      provider: id,
      steps,
      seconds: seconds(),
      ok: false,
      error: message,
      ...(stream ? { stream } : {}),
    };
  }
}

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => `${' '.repeat(spaces)}${line}`)
    .join('\n');
}
