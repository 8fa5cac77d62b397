/**
 * The environment the suite runs the CLI and the server in: the developer's own, less their git per-user state. The CLI
 * reads the user's ignore file (core.excludesFile, ~/.config/git/ignore: `rules/node/files.ts`), so a developer whose
 * global ignore has `.env` would see the DR001 tests change; every helper that spawns dist/cli.js or dist/server.js
 * passes its environment through `isolatedEnv`, which points HOME and XDG_CONFIG_HOME at an empty folder and git's
 * global and system config at nothing — unless the test set any of those itself (a test of the user's ignore file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './temp';

/** The variables that lead to the user's git configuration and ignore file. */
const USER_STATE = ['HOME', 'XDG_CONFIG_HOME', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM'] as const;

let emptyHome: string | undefined;

/**
 * `env` (default: this process's) with HOME and XDG_CONFIG_HOME in an empty folder, GIT_CONFIG_GLOBAL=/dev/null and
 * GIT_CONFIG_NOSYSTEM=1; returned as given when it sets any of them to other than this process's value (or removes one).
 */
export function isolatedEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env !== process.env && USER_STATE.some((k) => env[k] !== process.env[k])) return env;
  if (emptyHome === undefined) {
    emptyHome = tempDir('dg-home-');
    // Readable by the user a test runs the CLI or the server as (cli-io's `uid`): an unreadable home is no empty one.
    fs.chmodSync(emptyHome, 0o755);
  }
  return { ...env, HOME: emptyHome, XDG_CONFIG_HOME: path.join(emptyHome, '.config'), GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
}
