import { parseStreamReference, type StartRequestOptions } from '@unilive/core';
import {
  connectionHelp,
  connectionOptions,
  type Streams,
  streamArgument,
  streamsFor,
} from '../connection.js';
import { type CommandSpec, type Invocation, listFlag } from '../context.js';
import { showSecretsOption } from '../format.js';
import { callOptions, providerOptions, showStream, waitWithProgress } from './shared.js';

/** `unilive start ID` and `unilive stop ID`: one shape, two directions. */
function startOrStop(direction: 'start' | 'stop'): CommandSpec {
  const target = direction === 'start' ? 'ready' : 'stopped';
  return {
    name: direction,
    summary: `${direction} a live stream`,
    arguments: [streamArgument],
    options: [
      { flags: '--wait', description: `wait until the stream is ${target}` },
      ...(direction === 'start'
        ? [
            {
              flags: '--option <name=value>',
              description:
                'a start option of the provider (value parsed as JSON), for settings a vendor takes only at start: videosdk v2 recording=true, restream=[{"url":…,"streamKey":…}], quality=high',
              repeatable: true,
            },
          ]
        : []),
      showSecretsOption,
      ...connectionOptions,
    ],
    help: connectionHelp,
    async run(invocation) {
      const startedAt = Date.now();
      const id = invocation.args[0] ?? '';
      const streams = await streamsFor(invocation);
      const { calls } = streams;
      const stream =
        direction === 'start'
          ? await calls.start(id, { ...callOptions(invocation), ...startOptions(invocation, streams, id) })
          : await calls.stop(id, callOptions(invocation));
      showStream(
        invocation,
        invocation.flags.wait === true
          ? await waitWithProgress(invocation, calls, id, target, undefined, startedAt)
          : stream,
      );
      return 0;
    },
  };
}

// `--option` pairs under the id of the provider that holds the stream (with several, the reference's).
function startOptions(
  invocation: Invocation,
  streams: Streams,
  id: string,
): Pick<StartRequestOptions, 'providerOptions'> {
  const pairs = listFlag(invocation.flags, 'option');
  if (pairs.length === 0) return {};
  const providerId =
    streams.kind === 'client'
      ? streams.client.providerId
      : streams.registry.client(parseStreamReference(id, 'start').provider).providerId;
  return {
    providerOptions: { [providerId]: providerOptions(pairs, invocation) } as NonNullable<
      StartRequestOptions['providerOptions']
    >,
  };
}

/** `unilive start ID`. */
export const start = startOrStop('start');
/** `unilive stop ID`. */
export const stop = startOrStop('stop');
