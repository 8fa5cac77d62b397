/**
 * The suite runs the CLI and the server without the developer's git per-user state (helpers/user-env.ts): a developer
 * whose global ignore file (~/.config/git/ignore, $XDG_CONFIG_HOME/git/ignore, core.excludesFile) has `.env` gets the
 * same DR001 findings as CI. Proof: a child process with such a HOME runs the suite's own helpers (runCli, TestClient)
 * on a repository with an unignored .env, and they report DR001, while the CLI run directly in that environment does not.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, runCli } from './helpers/cli';
import { SERVER, TestClient } from './helpers/lsp-client';
import { tempFiles } from './helpers/temp';
import { COMPOSE_WITH_ENV_AND_SECRET_FILE as COMPOSE } from './helpers/secret-files-compose';

/** DR001 findings of `check` over the JSON report. */
function dr001(stdout: string): string[] {
  return (JSON.parse(stdout) as { code: string; file: string }[]).filter((f) => f.code === 'DR001').map((f) => f.code);
}

/** In a child process (DG_USER_ENV_CHILD = the repository): the suite's helpers' findings, and the server's HOME. */
async function child(dir: string): Promise<void> {
  const cli = runCli(['check', '.', '--format', 'json'], dir);
  const client = new TestClient();
  await client.initialize([dir], { workspaceTrusted: false });
  const uri = client.open(path.join(dir, 'compose.yaml'), COMPOSE, 'dockercompose');
  const ds = await client.diagnostics(uri, 1);
  const environ = fs.existsSync(`/proc/${client.proc.pid}/environ`) ? fs.readFileSync(`/proc/${client.proc.pid}/environ`, 'utf8').split('\0') : undefined;
  await client.shutdown();
  process.stdout.write(
    JSON.stringify({
      cli: dr001(cli.stdout),
      server: ds.filter((d) => d.code === 'DR001').map((d) => String(d.code)),
      serverHome: environ?.find((v) => v.startsWith('HOME='))?.slice('HOME='.length),
    }),
  );
}

if (process.env.DG_USER_ENV_CHILD) void child(process.env.DG_USER_ENV_CHILD);
else
  describe("the suite's CLI and server helpers run without the user's git ignore file", () => {
    const layouts: [string, Record<string, string>, (top: string) => NodeJS.ProcessEnv][] = [
      ['~/.config/git/ignore', { 'home/.config/git/ignore': '.env\n' }, (top) => ({ HOME: path.join(top, 'home') })],
      ['$XDG_CONFIG_HOME/git/ignore', { 'xdg/git/ignore': '.env\n' }, (top) => ({ HOME: path.join(top, 'home'), XDG_CONFIG_HOME: path.join(top, 'xdg') })],
      ['core.excludesFile of $GIT_CONFIG_GLOBAL', { cfg: '', mine: '.env\n' }, (top) => ({ HOME: path.join(top, 'home'), GIT_CONFIG_GLOBAL: path.join(top, 'cfg') })],
    ];
    for (const [name, files, envOf] of layouts) {
      it(`${name} with .env: runCli and TestClient still report DR001 (the CLI run in that environment does not)`, () => {
        assert.ok(fs.existsSync(SERVER) && fs.existsSync(CLI), 'dist/ is missing: run the build first');
        const top = tempFiles('dg-user-env-', { ...files, 'r/compose.yaml': COMPOSE, 'r/.env': 'POSTGRES_PASSWORD=ue-db-password-123\n', 'r/secrets/db_password.txt': 'x\n' });
        if ('cfg' in files) fs.writeFileSync(path.join(top, 'cfg'), `[core]\n\texcludesFile = ${path.join(top, 'mine')}\n`);
        fs.mkdirSync(path.join(top, 'home'), { recursive: true });
        const r = path.join(top, 'r');
        fs.mkdirSync(path.join(r, '.git'));
        const env: NodeJS.ProcessEnv = { ...process.env, ...envOf(top) };
        if (!('XDG_CONFIG_HOME' in envOf(top))) delete env.XDG_CONFIG_HOME;
        if (!('GIT_CONFIG_GLOBAL' in envOf(top))) delete env.GIT_CONFIG_GLOBAL;
        delete env.GIT_CONFIG_NOSYSTEM;
        // The environment does hide .env from the CLI: what the helpers must not inherit.
        const direct = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json'], { cwd: r, encoding: 'utf8', env });
        assert.deepEqual(dr001(direct.stdout), [], direct.stderr);
        const c = spawnSync(process.execPath, [__filename], { env: { ...env, DG_USER_ENV_CHILD: r }, encoding: 'utf8', timeout: 60_000 });
        assert.equal(c.status, 0, c.stderr);
        const out = JSON.parse(c.stdout) as { cli: string[]; server: string[]; serverHome?: string };
        assert.deepEqual(out.cli, ['DR001']);
        assert.deepEqual(out.server, ['DR001']);
        if (out.serverHome !== undefined) assert.notEqual(out.serverHome, env.HOME, "the server is not given the user's home");
      });
    }
  });
