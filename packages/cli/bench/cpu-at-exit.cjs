// Preloaded (`node --require`) into a process whose CPU time a bench measures: at exit it
// writes `{"user":µs,"system":µs}` (process.cpuUsage(): getrusage of the whole process, all
// threads) to file descriptor 3, which the bench opens as a pipe. The baseline `node -e 0`
// gets the same preload, so both are measured the same way. Node has no rusage of children,
// and GNU time prints 10 ms steps, too coarse for a baseline of about 30 ms.
'use strict';
const { writeSync } = process.getBuiltinModule('node:fs');

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  writeSync(3, JSON.stringify({ user, system }));
});
