import { clientFor, connectionHelp, connectionOptions } from '../connection.js';
import type { CommandSpec } from '../context.js';
import { callOptions, showStream, waitWithProgress } from './shared.js';

/** `unilive start ID` and `unilive stop ID`: one shape, two directions. */
function startOrStop(direction: 'start' | 'stop'): CommandSpec {
  const target = direction === 'start' ? 'ready' : 'stopped';
  return {
    name: direction,
    summary: `${direction} a live stream`,
    arguments: [{ name: '<id>', description: 'the stream id' }],
    options: [{ flags: '--wait', description: `wait until the stream is ${target}` }, ...connectionOptions],
    help: connectionHelp,
    async run(invocation) {
      const id = invocation.args[0] ?? '';
      const client = await clientFor(invocation);
      const stream =
        direction === 'start'
          ? await client.start(id, callOptions(invocation))
          : await client.stop(id, callOptions(invocation));
      showStream(
        invocation,
        invocation.flags.wait === true ? await waitWithProgress(invocation, client, id, target) : stream,
      );
      return 0;
    },
  };
}

/** `unilive start ID`. */
export const start = startOrStop('start');
/** `unilive stop ID`. */
export const stop = startOrStop('stop');
