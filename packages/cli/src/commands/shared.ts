import type { LiveStream, LiveStreamClient, LiveStreamState } from '@unilive/core';
import { timeoutFlag } from '../connection.js';
import type { Invocation } from '../context.js';
import { describeStream, streamJson } from '../format.js';
import { startProgress } from '../progress.js';
import { jsonText } from '../text.js';

/** Call options every stream command passes: the interrupt signal and `--timeout-ms`. */
export function callOptions(invocation: Invocation): { signal?: AbortSignal; timeoutMs?: number } {
  const timeoutMs = timeoutFlag(invocation);
  const { signal } = invocation.context;
  return { ...(signal ? { signal } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
}

/** Prints a stream: readable text, or JSON with `--json` (the vendor's object too with `--raw`). */
export function showStream(invocation: Invocation, stream: LiveStream): void {
  const { flags, context } = invocation;
  context.output.out(flags.json ? jsonText(streamJson(stream, flags.raw === true)) : describeStream(stream));
}

/** Waits for a state with a spinner on a terminal. */
export async function waitWithProgress(
  invocation: Invocation,
  client: Pick<LiveStreamClient, 'waitForState'>,
  id: string,
  state: LiveStreamState,
  timeoutMs?: number,
): Promise<LiveStream> {
  const { signal, output } = invocation.context;
  const progress = startProgress(output, `waiting for ${id} to be ${state}`);
  try {
    const stream = await client.waitForState(id, state, {
      ...(signal ? { signal } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    progress.stop(`${id} is ${state}`);
    return stream;
  } catch (error) {
    progress.stop(`stopped waiting for ${id}`);
    throw error;
  }
}
