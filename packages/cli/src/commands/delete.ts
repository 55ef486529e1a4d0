import { clientFor, connectionHelp, connectionOptions } from '../connection.js';
import type { CommandSpec } from '../context.js';
import { jsonText } from '../text.js';
import { callOptions } from './shared.js';

/** `unilive delete ID`. */
export const remove: CommandSpec = {
  name: 'delete',
  summary: 'delete a live stream',
  arguments: [{ name: '<id>', description: 'the stream id' }],
  options: connectionOptions,
  help: connectionHelp,
  async run(invocation) {
    const id = invocation.args[0] ?? '';
    const client = await clientFor(invocation);
    await client.delete(id, callOptions(invocation));
    invocation.context.output.out(invocation.flags.json ? jsonText({ id, deleted: true }) : `deleted ${id}`);
    return 0;
  },
};
