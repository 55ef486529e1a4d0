import {
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
import { describeStream, table } from './format.js';
import { type Output, startProgress } from './progress.js';
import { buildProvider, type FactoryLoader } from './providers.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  output: Output;
  /** Providers to show; every installed one when empty. */
  providers: readonly ProviderId[];
  loadFactory: FactoryLoader;
  /** State-transition time in the sandbox. Default 1200 ms. */
  transitionMs?: number;
}

interface Outcome {
  provider: ProviderId;
  steps: string[];
  seconds: string;
  ok: boolean;
}

/**
 * `unilive demo`: starts the sandbox in this process and runs the whole lifecycle on every installed
 * provider, showing what a streamer configures and what a viewer opens.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const { output } = options;
  const wanted = options.providers.length > 0 ? options.providers : builtInProviderIds;
  const sandbox = await startSandbox({ transitionMs: options.transitionMs ?? 1200 });
  output.out(`unilive demo: the sandbox is listening on ${sandbox.url}; nothing leaves this machine.\n`);
  const outcomes: Outcome[] = [];
  try {
    for (const id of wanted) {
      const factory = await options.loadFactory(id);
      if (!factory || !sandbox.providers.includes(id)) {
        output.out(`== ${id}: not installed, skipped (npm install @unilive/${id})\n`);
        continue;
      }
      const provider = await buildProvider(id, sandbox.adapterSettings(id), options.loadFactory);
      outcomes.push(await lifecycle(createLiveStreamClient(provider), sandbox, output));
    }
  } finally {
    await sandbox.close();
  }
  if (outcomes.length === 0) {
    output.err('unilive demo: no provider package is installed');
    return 1;
  }
  output.out(
    table(
      ['PROVIDER', 'LIFECYCLE', 'RESULT', 'SECONDS'],
      outcomes.map((outcome) => [
        outcome.provider,
        outcome.steps.join(' → '),
        outcome.ok ? 'ok' : 'FAILED',
        outcome.seconds,
      ]),
    ),
  );
  return outcomes.every((outcome) => outcome.ok) ? 0 : 1;
}

async function lifecycle(client: LiveStreamClient, sandbox: Sandbox, output: Output): Promise<Outcome> {
  const id = client.providerId;
  const caps = client.capabilities;
  const started = Date.now();
  const steps: string[] = [];
  const say = (text: string) => output.out(`  ${text}`);
  const wait = async (streamId: string, state: 'ready' | 'stopped'): Promise<LiveStream> => {
    const progress = startProgress(output, `  waiting until ${state}`);
    const stream = await client.waitForState(streamId, state, {
      timeoutMs: 30_000,
      intervalMs: 250,
      maxIntervalMs: 1_000,
    });
    progress.stop(`  ${state} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return stream;
  };
  output.out(`== ${id} (lifecycle: ${caps.lifecycle}; ingest: ${caps.ingestProtocols.join(', ')})`);
  try {
    const created = await client.create({ name: `unilive demo on ${id}` });
    steps.push('create');
    say(`1. created ${created.id}, state ${created.state}. What the streamer and the viewers need:`);
    output.out(indent(describeStream(created), 6));

    const fetched = await client.get(created.id);
    steps.push('get');
    say(`2. get: ${fetched.state}`);

    let listed = 0;
    let found = false;
    for await (const stream of client.list()) {
      listed += 1;
      found ||= stream.id === created.id;
    }
    steps.push('list');
    say(`3. list: ${listed} stream(s), ${found ? 'including' : 'WITHOUT'} ${created.id}`);
    if (!found) throw new Error('the created stream is not listed');

    if (caps.update) {
      const updated = await client.update(created.id, { name: `unilive demo on ${id} (renamed)` });
      steps.push('update');
      say(`4. update: name is now "${updated.name ?? '(the vendor keeps no name)'}"`);
    }

    const afterStart = await client.start(created.id);
    say(
      `5. start: ${afterStart.state}${caps.start ? '' : ` (${id} streams are ready as soon as they exist)`}`,
    );
    const ready = await wait(created.id, 'ready');
    steps.push('ready');
    sandbox.setEncoder(id, created.id, true);
    const live = await client.get(created.id);
    say(
      `6. encoder connected (simulated): ${
        live.broadcasting === undefined
          ? `${id} does not report whether video arrives`
          : `broadcasting = ${live.broadcasting}`
      }; state ${ready.state}`,
    );

    try {
      await client.stop(created.id);
      await wait(created.id, 'stopped');
      steps.push('stopped');
      say('7. stop: stopped');
    } catch (error) {
      if (!UnsupportedOperationError.isInstance(error)) throw error;
      steps.push('stop unsupported');
      say(`7. stop: ${error.message}`);
    }

    if (caps.delete) {
      await client.delete(created.id);
      const gone = await client.get(created.id).then(
        () => false,
        (error: unknown) => NotFoundError.isInstance(error),
      );
      steps.push('delete');
      say(`8. delete: ${gone ? 'gone (get now answers NotFoundError)' : 'STILL THERE'}`);
      if (!gone) throw new Error('the deleted stream is still there');
    }
    output.out('');
    return { provider: id, steps, seconds: ((Date.now() - started) / 1000).toFixed(1), ok: true };
  } catch (error) {
    const message = UniliveError.isInstance(error) ? `${error.name}: ${error.message}` : String(error);
    say(`failed: ${message}\n`);
    return { provider: id, steps, seconds: ((Date.now() - started) / 1000).toFixed(1), ok: false };
  }
}

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => `${' '.repeat(spaces)}${line}`)
    .join('\n');
}
