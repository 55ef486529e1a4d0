import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProviderId } from '@unilive/core';
import type { AdapterSettings, SandboxOptions, SandboxStats } from '@unilive/sandbox';
import type { SandboxReady } from './sandbox-process.js';

/** A sandbox running in a child process on loopback. */
export interface SandboxChild {
  readonly url: string;
  /** The child's process id (for reading its CPU use). */
  readonly pid: number | undefined;
  baseUrl(provider: ProviderId): string;
  credentials(provider: ProviderId): Record<string, string>;
  /** What the provider's adapter factory takes to talk to this sandbox: its `baseUrl` and the credentials. */
  adapterSettings(provider: ProviderId): AdapterSettings;
  /** The sandbox's counters, read over its control API (which the counters do not count). */
  stats(): Promise<SandboxStats>;
  close(): Promise<void>;
}

// Compiled, this module sits next to sandbox-process.js; under vitest it is TypeScript next to the .ts
// source, which Node runs with its built-in type stripping.
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const childModule = fileURLToPath(new URL(`./sandbox-process${extension}`, import.meta.url));

/** Starts a sandbox in a child process and waits until it listens. */
export async function startSandboxChild(options: SandboxOptions = {}): Promise<SandboxChild> {
  const child = fork(childModule, [JSON.stringify(options)], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<SandboxReady>((resolve, reject) => {
    child.once('message', (message) => resolve(message as SandboxReady));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the sandbox process exited early (code ${code})`)));
  });
  const baseUrl = (provider: ProviderId) => {
    const url = ready.baseUrls[provider];
    if (!url) throw new Error(`the sandbox does not serve ${provider}`);
    return url;
  };
  const credentials = (provider: ProviderId) => ({ ...ready.credentials[provider] });
  return {
    url: ready.url,
    pid: child.pid,
    baseUrl,
    credentials,
    adapterSettings: (provider) => ({ ...credentials(provider), baseUrl: baseUrl(provider) }),
    async stats() {
      const response = await fetch(`${ready.url}/_sandbox/stats`);
      return (await response.json()) as SandboxStats;
    },
    async close() {
      if (child.exitCode === null && child.connected) child.send('close');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
