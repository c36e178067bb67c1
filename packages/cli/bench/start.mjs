// pnpm bench (cli): start-up wall time of the built command against `node -e 0` (the floor
// any Node.js command pays), measured in the same run, alternating so that a busy moment
// of the machine hits every command alike; ratios of medians. Every process gets only PATH
// (see issue-cpu.mjs for why). Then peers' `--version` (lego, certbot) when they are
// installed, for scale.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, reportMedianRatio } from '../../../scripts/bench-report.mjs';

const bin = fileURLToPath(new URL('../dist/bin.cjs', import.meta.url));
const ROUNDS = 20;
const WARMUP = 2;

/** Runs a command to its end; its wall time in milliseconds. */
function wallTime(command, args, options) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return ms;
}

/** Runs the start-up bench; prints one line per target. */
export async function benchStart() {
  // An empty store, and a folder without acmapi.json as the working directory.
  const dir = await mkdtemp(join(tmpdir(), 'acmapi-cli-bench-start-'));
  try {
    // The command's code cache (src/code-cache.ts) in a folder of this run, filled by the warm-up.
    const options = { cwd: dir, env: { PATH: process.env.PATH ?? '', XDG_CACHE_HOME: join(dir, 'cache') } };
    const tasks = [
      { name: 'node -e 0', args: ['-e', '0'] },
      { name: 'acmapi --version', args: [bin, '--version'], target: 1.5 },
      { name: 'acmapi --help', args: [bin, '--help'], target: 1.5 },
      { name: 'acmapi list (empty store)', args: [bin, 'list', '--out', dir], target: 2 },
    ];
    const samples = tasks.map(() => []);
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      // Each round starts with another task, so none always runs right after another.
      for (let k = 0; k < tasks.length; k++) {
        const i = (round + k) % tasks.length;
        const ms = wallTime(process.execPath, tasks[i].args, options);
        if (round >= WARMUP) samples[i].push(ms);
      }
    }
    const [baseline, ...subjects] = samples;
    tasks.slice(1).forEach((task, i) => reportMedianRatio(`${task.name} vs node -e 0 (wall time)`, subjects[i], baseline, task.target));

    for (const [peer, args] of [['lego', ['--version']], ['certbot', ['--version']]]) {
      const probe = spawnSync(peer, args, { stdio: 'ignore' });
      if (probe.error !== undefined) {
        console.log(`${peer} ${args.join(' ')}: not installed here, skipped`);
        continue;
      }
      const times = Array.from({ length: 5 }, () => wallTime(peer, args, {}));
      reportMedianRatio(`${peer} ${args.join(' ')} vs node -e 0 (wall time, for scale)`, times, baseline, undefined);
    }
    return median(baseline);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
