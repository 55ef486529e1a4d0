import { startSandbox } from '@unilive/sandbox';
import type { Output } from './progress.js';

/** `unilive sandbox`: runs the sandbox in the foreground until interrupted. */
export async function runSandbox(
  flags: {
    port?: string | undefined;
    host?: string | undefined;
    persist?: string | undefined;
    'transition-ms'?: string | undefined;
    'rate-limit'?: string | undefined;
  },
  output: Output,
  signal: AbortSignal | undefined,
): Promise<number> {
  const rate = flags['rate-limit'] === undefined ? undefined : Number(flags['rate-limit']);
  const sandbox = await startSandbox({
    port: flags.port === undefined ? 4010 : Number(flags.port),
    ...(flags.host ? { host: flags.host } : {}),
    ...(flags.persist ? { persistPath: flags.persist } : {}),
    ...(flags['transition-ms'] === undefined ? {} : { transitionMs: Number(flags['transition-ms']) }),
    ...(rate ? { rateLimit: { requestsPerSecond: rate } } : {}),
  });
  output.out(`unilive sandbox listening on ${sandbox.url}`);
  for (const provider of sandbox.providers)
    output.out(`  ${provider.padEnd(15)} ${sandbox.baseUrl(provider)}`);
  output.out(
    `\nUse it from another terminal:\n  export UNILIVE_SANDBOX_URL=${sandbox.url}\n  unilive create --provider ${sandbox.providers[0] ?? 'wowza-video'} --name "My stream"`,
  );
  await new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await sandbox.close();
  output.out('sandbox stopped');
  return 0;
}
