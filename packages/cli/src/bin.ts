#!/usr/bin/env node
// Checked before anything else is loaded, so an older Node gets one line instead of a failure deep inside a
// dependency. Keep this file free of syntax newer than Node 18 understands.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `unilive: needs Node.js 22.12 or newer; this is Node.js ${process.versions.node}. Install a current Node.js and run it again.\n`,
  );
  process.exit(1);
}

const { main } = await import('./cli.js');
const controller = new AbortController();
let interrupted = false;
const interrupt = (signal: NodeJS.Signals) => {
  // The first Ctrl-C ends running calls cleanly; a second one ends the process at once.
  if (interrupted) process.exit(signal === 'SIGINT' ? 130 : 143);
  interrupted = true;
  controller.abort();
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);
process.exitCode = await main(process.argv.slice(2), { signal: controller.signal });
// After an interrupt, nothing left running may hold the process: a read of a named pipe nobody writes
// waits in a worker thread that no signal ends.
if (interrupted) process.exit(process.exitCode);
