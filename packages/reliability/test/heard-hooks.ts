import type { HttpHooks, UniliveError } from '@unilive/core';

/**
 * Hooks that hear every event of a call as one line, `<event> <operation>` (a retry adds the operation its
 * error names, a warning its type), and keep every error the events carry (each retry's and the last): what
 * the operation-name suites hold to the call that was made.
 */
export function hearingHooks(): { heard: string[]; errors: UniliveError[]; hooks: HttpHooks } {
  const heard: string[] = [];
  const errors: UniliveError[] = [];
  const hooks: HttpHooks = {
    onRequest: (event) => heard.push(`request ${event.operation}`),
    onResponse: (event) => heard.push(`response ${event.operation}`),
    onRetry: (event) => {
      heard.push(`retry ${event.operation} ${event.error.operation}`);
      errors.push(event.error);
    },
    onError: (event) => {
      heard.push(`error ${event.operation}`);
      errors.push(event.error);
    },
    onWarning: (event) => heard.push(`warning ${event.operation} ${event.warning.type}`),
  };
  return { heard, errors, hooks };
}
