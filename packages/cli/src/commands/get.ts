import { connectionHelp, connectionOptions, streamArgument, streamsFor } from '../connection.js';
import type { CommandSpec } from '../context.js';
import { showSecretsOption } from '../format.js';
import { callOptions, showStream } from './shared.js';

/** `unilive get ID`. */
export const get: CommandSpec = {
  name: 'get',
  summary: 'show one live stream',
  arguments: [streamArgument],
  options: [showSecretsOption, ...connectionOptions],
  help: connectionHelp,
  async run(invocation) {
    const { calls } = await streamsFor(invocation);
    showStream(invocation, await calls.get(invocation.args[0] ?? '', callOptions(invocation)));
    return 0;
  },
};
