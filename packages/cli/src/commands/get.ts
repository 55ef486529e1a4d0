import { clientFor, connectionHelp, connectionOptions } from '../connection.js';
import type { CommandSpec } from '../context.js';
import { callOptions, showStream } from './shared.js';

/** `unilive get ID`. */
export const get: CommandSpec = {
  name: 'get',
  summary: 'show one live stream',
  arguments: [{ name: '<id>', description: 'the stream id' }],
  options: connectionOptions,
  help: connectionHelp,
  async run(invocation) {
    const client = await clientFor(invocation);
    showStream(invocation, await client.get(invocation.args[0] ?? '', callOptions(invocation)));
    return 0;
  },
};
