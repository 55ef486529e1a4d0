// Runs a unilive sandbox in a process of its own, so the server's work never counts in the measured
// process's CPU time or heap. Started by `sandbox-child.ts`; speaks to it over the IPC channel.
// This file has no relative imports and only erasable TypeScript, so Node runs it from source as well.
import type { ProviderId } from '@unilive/core';
import { type SandboxOptions, startSandbox } from '@unilive/sandbox';

/** What the child sends once it listens. */
export interface SandboxReady {
  type: 'ready';
  url: string;
  baseUrls: Partial<Record<ProviderId, string>>;
  credentials: Partial<Record<ProviderId, Record<string, string>>>;
}

const options = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
const sandbox = await startSandbox({ ...options, host: '127.0.0.1' });

let closing = false;
async function close(): Promise<void> {
  if (closing) return;
  closing = true;
  await sandbox.close();
  process.disconnect?.();
  process.exit(0);
}

process.on('message', (message: unknown) => {
  if (message === 'close') void close();
});
// The parent went away without saying goodbye: do not outlive it.
process.on('disconnect', () => void close());

const ready: SandboxReady = {
  type: 'ready',
  url: sandbox.url,
  baseUrls: Object.fromEntries(sandbox.providers.map((id) => [id, sandbox.baseUrl(id)])),
  credentials: Object.fromEntries(sandbox.providers.map((id) => [id, sandbox.credentials(id)])),
};
process.send?.(ready);
