import { connectionHelp, connectionOptions, streamArgument, streamsFor } from '../connection.js';
import type { CommandSpec } from '../context.js';
import { callOptions, showStream, waitWithProgress } from './shared.js';

/** `unilive start ID` and `unilive stop ID`: one shape, two directions. */
function startOrStop(direction: 'start' | 'stop'): CommandSpec {
  const target = direction === 'start' ? 'ready' : 'stopped';
  return {
    name: direction,
    summary: `${direction} a live stream`,
    arguments: [streamArgument],
    options: [{ flags: '--wait', description: `wait until the stream is ${target}` }, ...connectionOptions],
    help: connectionHelp,
    async run(invocation) {
      const id = invocation.args[0] ?? '';
      const { calls } = await streamsFor(invocation);
      const stream =
        direction === 'start'
          ? await calls.start(id, callOptions(invocation))
          : await calls.stop(id, callOptions(invocation));
      showStream(
        invocation,
        invocation.flags.wait === true ? await waitWithProgress(invocation, calls, id, target) : stream,
      );
      return 0;
    },
  };
}

/** `unilive start ID`. */
export const start = startOrStop('start');
/** `unilive stop ID`. */
export const stop = startOrStop('stop');
