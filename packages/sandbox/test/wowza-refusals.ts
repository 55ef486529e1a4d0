import type { SandboxResponse } from '../src/types.js';

/**
 * Wowza's 422 for a field it refuses, as both Wowza dialects answer it (the vendor's `meta` envelope, its
 * message being "The request couldn't be processed. " and the problem).
 */
export function wowzaRecordInvalid(problem: string): SandboxResponse & { status: 422 } {
  return {
    status: 422,
    body: {
      meta: {
        status: 422,
        code: 'ERR-422-RecordInvalid',
        title: 'Record Invalid Error',
        message: `The request couldn't be processed. ${problem}`,
        description: '',
        links: [],
      },
    },
  };
}
