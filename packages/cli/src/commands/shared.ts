import { inputSecrets, type LiveStream, type LiveStreamClient, type LiveStreamState } from '@unilive/core';
import { timeoutFlag, totalTimeoutFlag } from '../connection.js';
import { type Invocation, UsageError } from '../context.js';
import { describeStream, streamJson } from '../format.js';
import { startProgress } from '../progress.js';
import { jsonText } from '../text.js';

/** Call options every stream command passes: the interrupt signal and `--timeout-ms`. */
export function callOptions(invocation: Invocation): { signal?: AbortSignal; timeoutMs?: number } {
  const timeoutMs = timeoutFlag(invocation);
  const { signal } = invocation.context;
  return { ...(signal ? { signal } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
}

/**
 * Prints a stream: readable text, or JSON with `--json` (the vendor's object too with `--raw`); its
 * secrets hidden unless `--show-secrets`.
 */
export function showStream(invocation: Invocation, stream: LiveStream): void {
  const { flags, context } = invocation;
  const showSecrets = flags.showSecrets === true;
  context.output.out(
    flags.json
      ? jsonText(streamJson(stream, flags.raw === true, showSecrets))
      : describeStream(stream, { showSecrets }),
  );
}

/** Waits for a state with a spinner on a terminal. */
export async function waitWithProgress(
  invocation: Invocation,
  client: Pick<LiveStreamClient, 'waitForState'>,
  id: string,
  state: LiveStreamState,
  timeoutMs?: number,
  commandStartedAt: number = Date.now(),
): Promise<LiveStream> {
  const { signal, output } = invocation.context;
  // `--total-timeout-ms` is one deadline for the command's whole call, its wait included: the library's
  // totalTimeoutMs bounds each of a wait's polls, not the wait, so the wait is given what is left of it
  // (what `start --wait`'s start left), and `--timeout-ms` when that comes sooner.
  const total = totalTimeoutFlag(invocation);
  const limits = [
    ...(timeoutMs === undefined ? [] : [timeoutMs]),
    ...(total === undefined ? [] : [Math.max(1, total - (Date.now() - commandStartedAt))]),
  ];
  const limit = limits.length === 0 ? undefined : Math.min(...limits);
  const progress = startProgress(output, `waiting for ${id} to be ${state}`);
  try {
    const stream = await client.waitForState(id, state, {
      ...(signal ? { signal } : {}),
      ...(limit === undefined ? {} : { timeoutMs: limit }),
    });
    progress.stop(`${id} is ${state}`);
    return stream;
  } catch (error) {
    progress.stop(`stopped waiting for ${id}`);
    throw error;
  }
}

/**
 * `--option key=value` pairs; a value that parses as JSON is taken as JSON. A pair whose key names a
 * credential (`password`, `token`, `secret`, `key`) or whose value holds a URL's user information draws the
 * warning a secret flag draws: the command line is visible to other users of this machine.
 */
export function providerOptions(pairs: readonly string[], invocation?: Invocation): Record<string, unknown> {
  // Without a prototype, `--option __proto__=…` is a key like any other (which core refuses by name)
  // rather than an assignment that sets the object's prototype and vanishes.
  const options: Record<string, unknown> = Object.create(null);
  for (const pair of pairs) {
    const separator = pair.indexOf('=');
    // The pair may hold a secret (a password given without its key): never repeat it.
    if (separator <= 0) throw new UsageError('--option expects NAME=VALUE');
    const key = pair.slice(0, separator);
    const value = pair.slice(separator + 1);
    // Given twice, the last value would be sent silently, as a flag given twice would.
    if (Object.hasOwn(options, key)) {
      throw new UsageError(
        `--option ${/^[\w.-]{1,64}$/.test(key) ? key : '(a name)'} is given more than once: give it once`,
      );
    }
    try {
      options[key] = JSON.parse(value);
    } catch {
      options[key] = value;
    }
    if (invocation && inputSecrets({ providerOptions: { cli: { [key]: options[key] } } }, 'cli').length > 0) {
      invocation.context.output.err(
        `unilive: warning: --option ${/^[\w.-]{1,64}$/.test(key) ? key : '(a key)'} holds a credential, and the command line can be read by other users of this machine`,
      );
    }
  }
  return options;
}
