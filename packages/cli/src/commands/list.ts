import { connectionHelp, connectionOptions, streamsFor } from '../connection.js';
import { type CommandSpec, integerFlag } from '../context.js';
import { listRedactors, showSecretsOption, streamJson, streamRows } from '../format.js';
import { jsonText } from '../text.js';
import { callOptions } from './shared.js';

/** `unilive list`. */
export const list: CommandSpec = {
  name: 'list',
  summary: 'list live streams',
  options: [
    { flags: '--limit <n>', description: 'at most this many streams' },
    showSecretsOption,
    ...connectionOptions,
  ],
  help: connectionHelp,
  async run(invocation) {
    const { flags, context } = invocation;
    const limit = integerFlag(flags, 'limit', '--limit', { min: 1 });
    const { calls } = await streamsFor(invocation);
    const streams = await calls.list(callOptions(invocation)).toArray(limit === undefined ? {} : { limit });
    const showSecrets = flags.showSecrets === true;
    // One stream's key echoed in another's name is masked too: every row is masked by all the rows' secrets.
    const redactors = showSecrets ? undefined : listRedactors(streams);
    context.output.out(
      flags.json
        ? jsonText(streams.map((stream) => streamJson(stream, flags.raw === true, showSecrets, redactors)))
        : streamRows(streams, { showSecrets }),
    );
    return 0;
  },
};
