/** Running the built CLI (dist/cli.js) in a test. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { isolatedEnv } from './user-env';

export const CLI = path.resolve(__dirname, '../../dist/cli.js');

/** `node dist/cli.js ARGS` in `cwd`, without the user's git state (isolatedEnv): its exit code and output. */
export function runCli(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 << 20, env: isolatedEnv() });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
