import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Memory tests measure the heap retained after a full collection, which no load on the machine changes
// (unlike time). V8 lets a running process expose `gc` to a new context once the flag is set.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes of heap in use after two full collections (the second clears what the first's finalisers freed). */
export function retainedHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
