import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { InvalidInputError, trimWhitespace } from '@unilive/core';

/** The address the sandbox listens on when `host` is left out. */
export const defaultHost = '127.0.0.1';

/**
 * The address to listen on, from the `host` option: left out, 127.0.0.1. Empty, blank (the library's
 * whitespace, {@link trimWhitespace}: NEL and the BOM count) or no text is refused rather than read as a
 * default: `host: process.env.SANDBOX_HOST ?? '127.0.0.1'` with the variable set but empty had Node listen on
 * every address. It is resolved as listening would resolve it (`dns.lookup`), and an address that listens on
 * every address of the machine is taken only when written as one: `0.0.0.0`, or `::` in any IPv6 spelling
 * (`0::`, `0:0:0:0:0:0:0:0`); `0`, `0.0`, `0x0`, `000.000.000.000`, `::ffff:0.0.0.0`, `::%lo` or a name that
 * resolves to a wildcard are refused.
 *
 * @throws InvalidInputError naming `host`: empty, blank or no text, an address that is a wildcard not spelt
 *   as one, or a name that does not resolve (`not an address of this machine`).
 */
export async function readHost(value: unknown): Promise<string> {
  if (value === undefined) return defaultHost;
  if (typeof value !== 'string' || trimWhitespace(value) === '') {
    throw new InvalidInputError({
      operation: 'startSandbox',
      message:
        'host must be an address of this machine (127.0.0.1, the default, keeps the sandbox to it; 0.0.0.0 listens on every address)',
      issues: [{ path: 'host', message: 'expected an address of this machine' }],
    });
  }
  let address: string;
  try {
    ({ address } = await lookup(value));
  } catch (error) {
    throw new InvalidInputError({
      operation: 'startSandbox',
      message: 'The host is not an address of this machine',
      issues: [{ path: 'host', message: 'The host is not an address of this machine' }],
      cause: error,
    });
  }
  if (isWildcard(address) && !isWrittenWildcard(value)) {
    throw refuse(
      'host',
      'would listen on every address of this machine without saying so: write 0.0.0.0 or :: to mean that, or give an address of this machine',
    );
  }
  return value;
}

/** True for an address that listens on every address of the machine: `0.0.0.0`, `::`, `::ffff:0.0.0.0`. */
export function isWildcard(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return address.split('.').every((part) => Number(part) === 0);
  if (family !== 6) return false;
  const normal = ipv6(address.split('%')[0] ?? '');
  return normal === '[::]' || normal === '[::ffff:0:0]';
}

/** The wildcard forms `host` takes as meant: `0.0.0.0`, and `::` in any IPv6 spelling without a zone. */
function isWrittenWildcard(host: string): boolean {
  return host === '0.0.0.0' || (isIP(host) === 6 && !host.includes('%') && ipv6(host) === '[::]');
}

function ipv6(address: string): string | undefined {
  try {
    return new URL(`http://[${address}]`).hostname;
  } catch {
    return undefined;
  }
}

function refuse(path: string, message: string): InvalidInputError {
  return new InvalidInputError({
    operation: 'startSandbox',
    message: `${path} ${message}`,
    issues: [{ path, message }],
  });
}
