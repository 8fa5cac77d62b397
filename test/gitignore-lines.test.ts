/**
 * The `.gitignore` line DR001 and DR004 write (and DC040/DC041/DC052 beside the env file they write: gitignorePattern)
 * matches the named file only: it is anchored with a leading `/`, since gitignore(5) lets a pattern without a slash at
 * its start or middle "match at any level below the .gitignore level" (review 47a, F3). Except `.env` beside the
 * `.gitignore`, written `.env` as SECURITY-GUIDELINES.md §5 writes it, which ignores every `.env` below, as its title
 * says. Checked with real git (`git check-ignore`) after `check --fix`.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gitignorePattern } from '../rules/compose/DR001-env-not-gitignored';
import { runCli } from './helpers/cli';
import { tempFiles } from './helpers/temp';

const SECRET = 'Zk8p2QvN7rT4wX9y';
const COMPOSE = `services:
  app:
    image: myorg/app:1.2
    user: "1000:1000"
    env_file: [.env, config/env]
    secrets: [db_password]
secrets:
  db_password:
    file: db_password.txt
`;

function project(gitignore?: string): { dir: string; git: (...args: string[]) => ReturnType<typeof spawnSync> } {
  const files: Record<string, string> = {
    'compose.yaml': COMPOSE,
    '.env': `DB_PASSWORD=${SECRET}\n`,
    'config/env': `API_TOKEN=${SECRET}\n`,
    'db_password.txt': `${SECRET}\n`,
  };
  if (gitignore !== undefined) files['.gitignore'] = gitignore;
  const dir = tempFiles('dg-gitignore-', files);
  const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q');
  return { dir, git };
}

/** The paths git ignores among `paths` (git check-ignore prints those; exit 1 when none). */
function ignoredByGit(git: (...args: string[]) => ReturnType<typeof spawnSync>, paths: string[]): string[] {
  const r = git('check-ignore', '--no-index', ...paths);
  assert.ok(r.status === 0 || r.status === 1, String(r.stderr));
  return String(r.stdout).split('\n').filter(Boolean).sort();
}

describe('the .gitignore lines of "Ignore … in git" (review 47a, F3)', () => {
  it('anchors every name but .env: /db_password.txt, /config/env, /#prod.env', () => {
    assert.equal(gitignorePattern('.env'), '.env');
    assert.equal(gitignorePattern('db_password.txt'), '/db_password.txt');
    assert.equal(gitignorePattern('config/env'), '/config/env');
    assert.equal(gitignorePattern('.env.production'), '/.env.production');
    assert.equal(gitignorePattern('#prod.env'), '/#prod.env');
    assert.equal(gitignorePattern('!keep.env'), '/!keep.env');
    assert.equal(gitignorePattern('signing key [prod].pem'), '/signing key \\[prod\\].pem');
  });

  it('check --fix ignores the named files, and of the same names elsewhere only .env (git check-ignore agrees)', () => {
    const { dir, git } = project();
    const before = JSON.parse(runCli(['check', '.', '--format', 'json'], dir).stdout) as { code: string; fix?: { title: string; safe: boolean } }[];
    const titles = before.filter((f) => f.code === 'DR001' || f.code === 'DR004').map((f) => `${f.code} ${f.fix?.title} ${f.fix?.safe}`).sort();
    assert.deepEqual(titles, [
      'DR001 Ignore .env in git (and every .env in the folders below) true',
      'DR001 Ignore config/env in git true',
      'DR004 Ignore db_password.txt in git true',
    ]);
    runCli(['check', '.', '--fix'], dir);
    const lines = fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').split('\n').filter(Boolean).sort();
    assert.deepEqual(lines, ['.env', '/config/env', '/db_password.txt']);
    for (const [rel, text] of Object.entries({ 'frontend/.env': 'VITE_API_URL=/api\n', 'app/db_password.txt': 'placeholder\n', 'app/config/env': 'X=1\n', 'tools/env/run.sh': 'echo\n' })) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    const all = ['.env', 'config/env', 'db_password.txt', 'frontend/.env', 'app/db_password.txt', 'app/config/env', 'tools/env/run.sh'];
    assert.deepEqual(ignoredByGit(git, all), ['.env', 'config/env', 'db_password.txt', 'frontend/.env']);
    // Nothing left to report: the reader of the lines agrees.
    const after = JSON.parse(runCli(['check', '.', '--format', 'json'], dir).stdout) as { code: string }[];
    assert.deepEqual(after.filter((f) => f.code === 'DR001' || f.code === 'DR004'), []);
  });

  it('a .gitignore that already ignores the files, anchored or not, is recognised as git recognises it', () => {
    for (const gitignore of ['.env\nconfig/env\ndb_password.txt\n', '/.env\n/config/env\n/db_password.txt\n', '**/.env\n**/env\n*.txt\n']) {
      const { dir, git } = project(gitignore);
      assert.deepEqual(ignoredByGit(git, ['.env', 'config/env', 'db_password.txt']), ['.env', 'config/env', 'db_password.txt'], gitignore);
      const found = JSON.parse(runCli(['check', '.', '--format', 'json'], dir).stdout) as { code: string }[];
      assert.deepEqual(found.filter((f) => f.code === 'DR001' || f.code === 'DR004'), [], gitignore);
    }
  });
});
