import type { LiveStream } from '@unilive/core';
import { connectionHelp, connectionOptions, printWalkWarnings, streamsFor } from '../connection.js';
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
    {
      flags: '--page-size <n>',
      description:
        'streams asked for per vendor page (capped at the vendor maximum; not sent where the vendor takes none)',
    },
    showSecretsOption,
    ...connectionOptions,
  ],
  help: connectionHelp,
  async run(invocation) {
    const { flags, context } = invocation;
    const limit = integerFlag(flags, 'limit', '--limit', { min: 1 });
    const pageSize = integerFlag(flags, 'pageSize', '--page-size', { min: 1 });
    const { calls } = await streamsFor(invocation);
    const showSecrets = flags.showSecrets === true;
    const streams: LiveStream[] = [];
    try {
      for await (const stream of calls.list({
        ...callOptions(invocation),
        ...(pageSize === undefined ? {} : { pageSize }),
      })) {
        streams.push(stream);
        if (limit !== undefined && streams.length >= limit) break;
      }
    } finally {
      // What the walk left out is printed once the list is complete (or has failed), masked by the secrets
      // of every stream listed: a record skipped early may quote the key of a stream listed after it.
      printWalkWarnings(context, showSecrets ? undefined : listRedactors(streams).text);
    }
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
