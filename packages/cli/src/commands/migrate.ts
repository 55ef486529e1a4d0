import {
  type CreateLiveStreamInput,
  escapeUnprintable,
  type MigrationPlan,
  type Redactor,
  redact,
  redactStable,
  type Warning,
} from '@unilive/core';
import { connectionHelp, connectionOptions, streamsFor } from '../connection.js';
import { type CommandSpec, stringFlag, UsageError } from '../context.js';
import { describeStream, listRedactors, showSecretsOption, streamJson, streamRedactor } from '../format.js';
import { jsonText } from '../text.js';
import { callOptions } from './shared.js';

/** `unilive migrate REF --to NAME`: the same stream on another provider. */
export const migrate: CommandSpec = {
  name: 'migrate',
  summary: 'create the same stream on another provider, and delete the source if asked',
  arguments: [{ name: '<ref>', description: 'the stream to move, as <name>:<id>' }],
  options: [
    { flags: '--to <name>', description: 'the provider the new stream goes to (required)' },
    { flags: '--dry-run', description: 'print what would be created and left behind; change nothing' },
    {
      flags: '--delete-source',
      description: 'delete the source once the new stream exists (a running source is stopped first)',
    },
    { flags: '--name <name>', description: 'name the new stream (default: the source name)' },
    { flags: '--region <region>', description: "the new stream's region (no vendor reports one back)" },
    { flags: '--low-latency', description: 'ask for low latency on the new stream' },
    showSecretsOption,
    ...connectionOptions,
  ],
  help: `Needs several providers (--config FILE, or --provider given more than once): see below. What carries
over: the name, recording, the restream targets that are switched on, the ingest protocol where the target
takes it. Everything else is listed as not carried. The new stream has its own ingest URL, stream key and
playback URLs (its stream key is hidden unless --show-secrets). The source is deleted only with
--delete-source, and only after the new stream exists. A plan (--dry-run) never prints restream keys.

${connectionHelp}`,
  async run(invocation) {
    const { args, flags, context } = invocation;
    const reference = args[0] ?? '';
    const to = stringFlag(flags, 'to');
    if (!to) throw new UsageError('migrate needs --to <name>');
    // Every flag's value is checked before the providers are: a bad one is named whatever else is wrong.
    const calls = callOptions(invocation);
    const streams = await streamsFor(invocation);
    if (streams.kind !== 'registry') {
      throw new UsageError('migrate moves a stream between providers: give --config or --provider twice');
    }
    const input: Partial<CreateLiveStreamInput> = {};
    const name = stringFlag(flags, 'name');
    if (name !== undefined) input.name = name;
    const region = stringFlag(flags, 'region');
    if (region !== undefined) input.region = region;
    if (flags.lowLatency === true) input.lowLatency = true;
    const options = { ...calls, to, input };
    if (flags.dryRun === true) {
      if (flags.deleteSource === true) {
        // Said so the plan reads as what a run with the same flags would do.
        context.output.err('unilive: --dry-run: nothing is created or deleted');
      }
      const plan = await streams.registry.planMigration(reference, options);
      context.output.out(
        flags.json
          ? jsonText({ dryRun: true, deleteSource: flags.deleteSource === true, plan: planJson(plan) })
          : describePlan(plan, flags.deleteSource === true),
      );
      return 0;
    }
    const result = await streams.registry.migrate(reference, {
      ...options,
      deleteSource: flags.deleteSource === true,
    });
    const showSecrets = flags.showSecrets === true;
    // Every output of a migration is masked by the secrets of both streams: the new stream's name, the
    // migration's warnings and the source's failure may quote either's key (a name carried over, a vendor
    // echoing the source's key in an answer about the new stream).
    const redactors = showSecrets ? undefined : listRedactors([result.source, result.stream]);
    const masked = (text: string) => (redactors ? redactStable(redactors.text, text) : text);
    if (flags.json) {
      // Values only: field names are ours (a secret's cut-short form may match one).
      context.output.out(
        jsonText({
          source: masked(result.source.ref),
          stream: streamJson(result.stream, flags.raw === true, showSecrets, redactors),
          warnings: result.warnings.map((warning) => maskedValues(warning, masked)),
          sourceDeleted: result.sourceDeleted,
          ...(result.sourceError ? { sourceError: maskedValues(result.sourceError.toJSON(), masked) } : {}),
        }),
      );
    } else {
      // The new stream's own warnings are in its description; the migration's are listed after it.
      const own = new Set(result.stream.warnings ?? []);
      // What became of the source is said on its own line, not among what did not carry over.
      const aboutSource = (warning: Warning) => warning.setting === 'deleteSource';
      const gone = result.warnings.find(aboutSource);
      context.output.out(
        [
          describeStream(result.stream, { showSecrets, ...(redactors ? { redactors } : {}) }),
          ...notCarriedLines(
            result.warnings.filter((warning) => !own.has(warning) && !aboutSource(warning)),
            redactors?.text,
          ),
          ...(result.sourceError && gone ? [escapeUnprintable(`warning: ${masked(gone.message)}`)] : []),
          masked(
            result.sourceDeleted
              ? `source ${result.source.ref}: deleted${gone ? ' (it was already gone)' : ''}`
              : `source ${result.source.ref}: kept${flags.deleteSource === true ? ' (it could not be deleted: see above)' : ''}`,
          ),
        ].join('\n'),
      );
    }
    return result.sourceError ? 1 : 0;
  },
};

// A JSON-ready value with every string value passed through `mask`, its field names kept.
function maskedValues<T>(value: T, mask: (text: string) => string, depth = 0): T {
  if (typeof value === 'string') return mask(value) as T;
  if (typeof value !== 'object' || value === null || depth > 16) return value;
  if (Array.isArray(value)) return value.map((item) => maskedValues(item, mask, depth + 1)) as T;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, maskedValues(item, mask, depth + 1)]),
  ) as T;
}

// Restream stream keys are credentials: a plan shows where targets go, never their keys.
function printableInput(input: CreateLiveStreamInput) {
  const { restream, ...rest } = input;
  return {
    ...rest,
    ...(restream
      ? {
          restream: restream.map((target) => ({
            url: redact(target.url, [target.streamKey]),
            streamKey: '(carried, not shown)',
          })),
        }
      : {}),
  };
}

// The plan repeats the source's own text (its name, warnings quoting it): masked by the source's secrets, as
// `get` masks the source itself. Field names are not (a secret's cut-short form may match one).
function planJson(plan: MigrationPlan) {
  const redactor = streamRedactor(plan.source);
  const input = printableInput(plan.input);
  return {
    source: plan.source.ref,
    sourceProvider: plan.source.provider,
    to: plan.to,
    input: {
      ...input,
      name: redactor.redact(input.name),
      ...(input.restream
        ? { restream: input.restream.map((target) => ({ ...target, url: redactor.redact(target.url) })) }
        : {}),
    },
    warnings: plan.warnings.map((warning) => ({ ...warning, message: redactor.redact(warning.message) })),
  };
}

function notCarriedLines(warnings: readonly Warning[], redactor?: Redactor): string[] {
  if (warnings.length === 0) return [];
  const text = (value: string) => (redactor ? redactStable(redactor, value) : value);
  return [
    'not carried:',
    ...warnings.map((warning) =>
      escapeUnprintable(`  ${warning.setting ? `${warning.setting}: ` : ''}${text(warning.message)}`),
    ),
  ];
}

function describePlan(plan: MigrationPlan, deleteSource: boolean): string {
  const { input } = plan;
  // The source's own text (its name, warnings quoting it) is masked by the source's secrets, as `get` masks
  // it; the labels are not (a secret's cut-short form may match one).
  const redactor = streamRedactor(plan.source);
  const lines = [
    `plan: ${plan.source.ref} (${plan.source.provider}, ${plan.source.state}) to ${plan.to}`,
    `  create on ${plan.to}:`,
    `    name:       ${redactor.redact(input.name)}`,
  ];
  if (input.recording !== undefined) lines.push(`    recording:  ${input.recording ? 'on' : 'off'}`);
  if (input.ingestProtocol) lines.push(`    ingest:     ${input.ingestProtocol}`);
  if (input.region) lines.push(`    region:     ${input.region}`);
  if (input.lowLatency !== undefined) lines.push(`    low latency: ${input.lowLatency ? 'on' : 'off'}`);
  for (const target of input.restream ?? [])
    lines.push(
      `    restream:   ${redactor.redact(redact(target.url, [target.streamKey]))} (stream key carried, not shown)`,
    );
  lines.push(...notCarriedLines(plan.warnings, redactor));
  lines.push(
    deleteSource
      ? `then: delete ${plan.source.ref} once the new stream exists${plan.source.state === 'ready' || plan.source.state === 'starting' ? ', stopping it first' : ''}`
      : `then: keep ${plan.source.ref} (--delete-source deletes it once the new stream exists)`,
  );
  lines.push('nothing was created or deleted (--dry-run)');
  // A vendor's line feed or tab (in the name, a warning) reads as an escape on the line it belongs to.
  return lines.map((line) => escapeUnprintable(line)).join('\n');
}
