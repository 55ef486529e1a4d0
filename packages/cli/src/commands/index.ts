import type { CommandSpec } from '../context.js';
import { demo } from '../demo.js';
import { create } from './create.js';
import { remove } from './delete.js';
import { get } from './get.js';
import { list } from './list.js';
import { listen } from './listen.js';
import { migrate } from './migrate.js';
import { push } from './push.js';
import { sandbox } from './sandbox.js';
import { start, stop } from './start.js';
import { update } from './update.js';
import { wait } from './wait.js';

/** Every command, in the order `unilive --help` lists them. A new command is one more entry here. */
export const commands: readonly CommandSpec[] = [
  create,
  get,
  list,
  update,
  start,
  stop,
  wait,
  remove,
  migrate,
  push,
  sandbox,
  listen,
  demo,
];
