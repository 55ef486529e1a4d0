import type { CreateLiveStreamInput } from '@unilive/core';
import { connectionHelp, connectionOptions, streamsFor } from '../connection.js';
import { type CommandSpec, listFlag, stringFlag, UsageError } from '../context.js';
import { showSecretsOption } from '../format.js';
import { callOptions, providerOptions, showStream } from './shared.js';

const protocols = ['rtmp', 'srt', 'webrtc', 'rtsp'] as const;

/** `unilive create`: a new live stream. */
export const create: CommandSpec = {
  name: 'create',
  summary: 'create a live stream and print what the encoder and the viewers need',
  options: [
    { flags: '--name <name>', description: 'the stream name (required)' },
    { flags: '--protocol <protocol>', description: `ingest protocol: ${protocols.join(' | ')}` },
    { flags: '--region <region>', description: "the vendor's region or broadcast location" },
    { flags: '--recording', description: 'record the stream' },
    { flags: '--low-latency', description: 'ask for low latency' },
    {
      flags: '--option <name=value>',
      description: 'a provider option (value parsed as JSON); with several providers, needs --on',
      repeatable: true,
    },
    {
      flags: '--on <name>',
      description: 'with several providers, create on this one (default: routed by capability)',
    },
    showSecretsOption,
    ...connectionOptions,
  ],
  help: connectionHelp,
  async run(invocation) {
    const { flags } = invocation;
    const name = stringFlag(flags, 'name');
    if (!name) throw new UsageError('create needs --name');
    const input: CreateLiveStreamInput = { name };
    const protocol = stringFlag(flags, 'protocol');
    if (protocol !== undefined) {
      if (!(protocols as readonly string[]).includes(protocol)) {
        throw new UsageError(`--protocol expects one of ${protocols.join(', ')}`);
      }
      input.ingestProtocol = protocol as (typeof protocols)[number];
    }
    const region = stringFlag(flags, 'region');
    if (region !== undefined) input.region = region;
    if (flags.recording === true) input.recording = true;
    if (flags.lowLatency === true) input.lowLatency = true;
    const options = listFlag(flags, 'option');
    const on = stringFlag(flags, 'on');
    const streams = await streamsFor(invocation);
    if (streams.kind === 'client') {
      if (on !== undefined)
        throw new UsageError('--on picks one of several providers: give --config or --provider twice');
      if (options.length > 0)
        input.providerOptions = { [streams.client.providerId]: providerOptions(options, invocation) };
      showStream(invocation, await streams.client.create(input, callOptions(invocation)));
      return 0;
    }
    if (options.length > 0) {
      if (on === undefined) throw new UsageError('--option is for one provider: say which with --on');
      input.providerOptions = {
        [streams.registry.client(on).providerId]: providerOptions(options, invocation),
      };
    }
    const stream = await streams.registry.create(input, {
      ...callOptions(invocation),
      ...(on === undefined ? {} : { provider: on }),
    });
    showStream(invocation, stream);
    return 0;
  },
};
