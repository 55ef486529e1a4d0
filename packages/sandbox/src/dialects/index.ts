import type { SandboxDialect } from '../types.js';

/** Every vendor dialect the sandbox speaks. Each adapter's dialect registers here. */
export const allDialects: readonly SandboxDialect[] = [];
