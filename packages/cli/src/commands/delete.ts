import { connectionHelp, connectionOptions, streamArgument, streamsFor } from '../connection.js';
import type { CommandSpec } from '../context.js';
import { jsonText } from '../text.js';
import { callOptions } from './shared.js';

/** `unilive delete ID`. */
export const remove: CommandSpec = {
  name: 'delete',
  summary: 'delete a live stream',
  arguments: [streamArgument],
  options: connectionOptions,
  help: connectionHelp,
  async run(invocation) {
    const id = invocation.args[0] ?? '';
    const { calls } = await streamsFor(invocation);
    await calls.delete(id, callOptions(invocation));
    invocation.context.output.out(invocation.flags.json ? jsonText({ id, deleted: true }) : `deleted ${id}`);
    return 0;
  },
};
