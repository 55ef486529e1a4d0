import { type LiveStreamState, liveStreamStates, trimWhitespace } from '@unilive/core';
import { connectionHelp, connectionOptions, streamArgument, streamsFor, timeoutFlag } from '../connection.js';
import { type CommandSpec, UsageError } from '../context.js';
import { showSecretsOption } from '../format.js';
import { showStream, waitWithProgress } from './shared.js';

/** `unilive wait ID STATE`. */
export const wait: CommandSpec = {
  name: 'wait',
  summary: 'wait until a live stream is in a state',
  arguments: [
    streamArgument,
    // Checked by run: no state, an empty one and a blank one are one mistake, told in one message.
    { name: '<state>', description: liveStreamStates.join(' | '), checkedByRun: true },
  ],
  options: [showSecretsOption, ...connectionOptions],
  help: connectionHelp,
  async run(invocation) {
    const startedAt = Date.now();
    const [id = '', state = ''] = invocation.args;
    // Left out (`wait ID`), empty (`wait ID ""`, a variable that expanded to nothing) or blank: no state to
    // wait for, whichever way it was typed.
    if (trimWhitespace(state) === '') {
      throw new UsageError(`wait needs a state: one of ${liveStreamStates.join(', ')}`);
    }
    if (!(liveStreamStates as readonly string[]).includes(state)) {
      // The value given is not repeated (a usage error never repeats one).
      throw new UsageError(`wait: the state given is none of ${liveStreamStates.join(', ')}`);
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
