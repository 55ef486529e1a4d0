import type { UpdateLiveStreamInput } from '@unilive/core';
import { connectionHelp, connectionOptions, streamArgument, streamsFor } from '../connection.js';
import { type CommandSpec, stringFlag } from '../context.js';
import { showSecretsOption } from '../format.js';
import { callOptions, showStream } from './shared.js';

/** `unilive update ID`. */
export const update: CommandSpec = {
  name: 'update',
  summary: "change a live stream's name or recording",
  arguments: [streamArgument],
  options: [
    { flags: '--name <name>', description: 'the new name' },
    { flags: '--recording', description: 'record the stream' },
    { flags: '--no-recording', description: 'stop recording the stream' },
    showSecretsOption,
    ...connectionOptions,
  ],
  help: connectionHelp,
  async run(invocation) {
    const { flags } = invocation;
    const patch: UpdateLiveStreamInput = {};
    const name = stringFlag(flags, 'name');
    if (name !== undefined) patch.name = name;
    if (typeof flags.recording === 'boolean') patch.recording = flags.recording;
    const { calls } = await streamsFor(invocation);
    showStream(invocation, await calls.update(invocation.args[0] ?? '', patch, callOptions(invocation)));
    return 0;
  },
};
