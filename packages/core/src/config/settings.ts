import { AuthenticationError, InvalidInputError } from '../errors/errors.js';
import type { ProviderId } from '../live-stream.js';

/** Environment variables, when the runtime has them. */
export function environment(): Record<string, string | undefined> {
  const process = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return process?.env ?? {};
}

/** Where a credential comes from: an explicit setting or an environment variable. */
export interface CredentialSource {
  provider: ProviderId;
  /** The setting's name, as the factory takes it (`token`). */
  setting: string;
  /** The explicit value, when the caller passed one. */
  value: string | undefined;
  /** Environment variables read in order when no value was passed. */
  environmentVariables: readonly string[];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects.
const headerUnsafe = /[\u0000-\u001f\u007f]/;

/**
 * Reads a credential from its setting or environment. A missing one throws `AuthenticationError` naming the
 * setting and variables; one with control characters (CR/LF header injection) throws `InvalidInputError`.
 * Neither message includes the value.
 */
export function loadCredential(source: CredentialSource): string {
  // Called before every request: the environment (a lookup per variable in Node) is read only when needed.
  const value = source.value ?? fromEnvironment(source.environmentVariables);
  if (value === undefined || value.trim() === '') {
    throw new AuthenticationError({
      provider: source.provider,
      message: `${source.provider}: no ${source.setting} configured; pass ${whereFrom(source)}`,
    });
  }
  if (headerUnsafe.test(value)) {
    throw new InvalidInputError({
      provider: source.provider,
      message: `${source.provider}: ${source.setting} contains control characters (from ${whereFrom(source)})`,
      issues: [{ path: source.setting, message: 'expected no control characters' }],
    });
  }
  return value;
}

function whereFrom(source: CredentialSource): string {
  return [`the \`${source.setting}\` setting`, ...source.environmentVariables].join(' or ');
}

function fromEnvironment(names: readonly string[]): string | undefined {
  const variables = environment();
  for (const name of names) {
    const value = variables[name];
    if (value) return value;
  }
  return undefined;
}

/** Reads an optional plain setting (a base URL, say) from its value or environment variable. */
export function loadOptionalSetting(
  value: string | undefined,
  environmentVariable: string,
): string | undefined {
  return value ?? (environment()[environmentVariable] || undefined);
}
