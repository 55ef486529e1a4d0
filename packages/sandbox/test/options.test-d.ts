// Type tests, checked by `tsc` in this package's typecheck (never run): an option given `undefined` is one
// left out, to the types as at run time, under `exactOptionalPropertyTypes`.
import { type PushTarget, startPush, startSandbox } from '../src/index.js';

export async function explicitUndefined(
  port: number | undefined,
  persistPath: string | undefined,
  signal: AbortSignal | undefined,
  target: PushTarget,
): Promise<void> {
  const sandbox = await startSandbox({
    port,
    persistPath,
    host: undefined,
    transitionMs: undefined,
    media: { directory: undefined, hls: { segmentSeconds: undefined } },
    webhooks: undefined,
  });
  const push = startPush({ ...target, durationSeconds: undefined, signal, onProgress: undefined });
  await push.done;
  await sandbox.close();
}
