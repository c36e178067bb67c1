// pnpm bench (cli): every start-up target of the `acmapi` command, as ratios to `node -e 0`
// measured in the same run (bench/start.mjs: --version, --help, list over an empty store;
// bench/issue-cpu.mjs: the CPU of one issue against a local sandbox), then
// `acmapi list --json` over 1,000 certificates (bench/list.mjs).
import { benchIssueCpu } from './issue-cpu.mjs';
import { benchList } from './list.mjs';
import { benchStart } from './start.mjs';

await benchStart();
await benchIssueCpu();
await benchList();
