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

// Before the CLI and the library are compiled, so that V8's code for them is kept for the next command.
const { enableCliCompileCache } = await import('./compile-cache.js');
enableCliCompileCache();

const { main, outputFailure, stopOnSignals } = await import('./cli.js');
const signal = stopOnSignals(process, (code) => process.exit(code));
const code = await main(process.argv.slice(2), { signal });
// Output that could not be written (a full disk) is incomplete: the process says so with 1, whatever the
// command returned (the failure may be heard before the command ends, or after, as the stream reports it).
process.exitCode = code === 0 && outputFailure() !== undefined ? 1 : code;
// After an interrupt, nothing left running may hold the process: a read of a named pipe nobody writes
// waits in a worker thread that no signal ends.
if (signal.aborted) process.exit(process.exitCode);
