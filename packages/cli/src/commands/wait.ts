import { type LiveStreamState, liveStreamStates } from '@unilive/core';
import { connectionHelp, connectionOptions, streamArgument, streamsFor, timeoutFlag } from '../connection.js';
import { type CommandSpec, UsageError } from '../context.js';
import { showSecretsOption } from '../format.js';
import { showStream, waitWithProgress } from './shared.js';

/** `unilive wait ID STATE`. */
export const wait: CommandSpec = {
  name: 'wait',
  summary: 'wait until a live stream is in a state',
  arguments: [streamArgument, { name: '<state>', description: liveStreamStates.join(' | ') }],
  options: [showSecretsOption, ...connectionOptions],
  help: connectionHelp,
  async run(invocation) {
    const startedAt = Date.now();
    const [id = '', state = ''] = invocation.args;
    if (!(liveStreamStates as readonly string[]).includes(state)) {
      // The value given is not repeated (a usage error never repeats one).
      throw new UsageError(
        state === ''
          ? `wait needs a state: one of ${liveStreamStates.join(', ')}`
          : `wait: the state given is none of ${liveStreamStates.join(', ')}`,
      );
    }
    const timeoutMs = timeoutFlag(invocation);
    const { calls } = await streamsFor(invocation);
    showStream(
      invocation,
      await waitWithProgress(invocation, calls, id, state as LiveStreamState, timeoutMs, startedAt),
    );
    return 0;
  },
};
