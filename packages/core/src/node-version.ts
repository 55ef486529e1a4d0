// Evaluated before anything else in the package (the first import of each entry point): on an older Node
// the failure is one sentence naming the version needed, not an error deep inside a call (on Node 18 a
// videosdk call failed as an AuthenticationError for want of `crypto.randomUUID`).

/** The oldest Node.js major unilive runs on, as `engines` says. */
export const minimumNodeMajor = 22;

/**
 * Why this runtime cannot run unilive, or undefined when it can. Only Node.js itself is judged: Bun and
 * Deno report a Node version for compatibility but bring their own platform.
 */
export function runtimeProblem(versions: Partial<Record<string, string>> | undefined): string | undefined {
  const node = versions?.node;
  if (node === undefined || versions?.bun !== undefined || versions?.deno !== undefined) return undefined;
  const major = Number(node.split('.')[0]);
  if (!Number.isFinite(major) || major >= minimumNodeMajor) return undefined;
  return `unilive needs Node.js ${minimumNodeMajor} or newer; this is Node.js ${node}. Install a current Node.js and run it again.`;
}

const problem = runtimeProblem(typeof process === 'object' ? process.versions : undefined);
if (problem) {
  const error = new Error(problem);
  // The sentence is the whole story: no stack pointing into the library.
  error.stack = `Error: ${problem}`;
  throw error;
}
