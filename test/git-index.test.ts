/**
 * Whether git tracks a file, read from the repository's index (rules/engine/repo.ts): the reader of
 * the index format, and DR001/DC040 on a tracked env file. The indexes are built here byte by byte
 * (git's index format: https://git-scm.com/docs/index-format), so no git is needed to run the tests.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding, type FileSet } from '../rules';
import { gitIgnoreCase, gitIndexPaths, isGitIgnored, isGitTracked } from '../rules/engine/repo';
import { DiskWorkspace } from '../rules/node/files';
import type { WorkspaceView } from '../rules/engine/types';
import { viewOf } from './helpers/fixtures';
import { indexOf } from './helpers/git-index';
import { tempDir } from './helpers/temp';

describe('the git index reader', () => {
  const paths = ['.env', 'backend.env', 'config/prod.env', 'docker/compose.yaml'];
  it('lists the paths of an index of version 2, 3 (extended flags) and 4 (prefix-compressed names)', () => {
    for (const v of [2, 3, 4] as const) assert.deepEqual([...gitIndexPaths(indexOf(paths, v))!], paths, `version ${v}`);
  });
  it('knows nothing of what it cannot read whole: another signature or version, or an index cut short', () => {
    const good = indexOf(paths);
    assert.equal(gitIndexPaths(Uint8Array.from([...Buffer.from('DIRX'), ...good.subarray(4)])), undefined);
    const v5 = good.slice();
    v5[7] = 5;
    assert.equal(gitIndexPaths(v5), undefined);
    for (const cut of [11, 40, good.length - 3]) assert.equal(gitIndexPaths(good.subarray(0, cut)), undefined, `cut at ${cut}`);
    assert.equal(gitIndexPaths(new Uint8Array(0)), undefined);
  });
  it('a split index (its link extension) or a sparse one (a folder entry) lists less than is tracked: unknown (review probe 01)', () => {
    const withExtension = (signature: string) => Uint8Array.from([...indexOf(paths), ...Buffer.from(signature), 0, 0, 0, 0, ...new Array(20).fill(0)]);
    assert.equal(gitIndexPaths(withExtension('link')), undefined);
    assert.deepEqual([...gitIndexPaths(withExtension('TREE'))!], paths, 'another extension changes nothing');
    assert.equal(gitIndexPaths(indexOf(['.env', 'docs/'])), undefined);
  });
  it('the disk view reads .git/index of the repository, and isGitTracked answers from it', () => {
    const dir = tempDir('dg-index-');
    fs.mkdirSync(path.join(dir, '.git'));
    fs.writeFileSync(path.join(dir, '.git', 'index'), indexOf(['.env', 'app/db.env']));
    fs.mkdirSync(path.join(dir, 'app'));
    const ws = new DiskWorkspace(undefined, undefined, () => [dir]);
    assert.equal(isGitTracked(ws, path.join(dir, '.env')), true);
    assert.equal(isGitTracked(ws, path.join(dir, 'app', 'db.env')), true);
    assert.equal(isGitTracked(ws, path.join(dir, 'app', '.env')), false);
    fs.rmSync(dir, { recursive: true, force: true });
    const noRepo = tempDir('dg-index-');
    assert.equal(isGitTracked(new DiskWorkspace(undefined, undefined, () => [noRepo]), path.join(noRepo, '.env')), false, 'no repository: nothing is tracked');
    // A linked worktree or a submodule: `.git` is a file that names the repository's folder (review probe 03).
    const outer = tempDir('dg-index-');
    fs.mkdirSync(path.join(outer, 'modules', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(outer, 'modules', 'sub', 'index'), indexOf(['.env']));
    fs.mkdirSync(path.join(outer, 'sub'));
    fs.writeFileSync(path.join(outer, 'sub', '.git'), 'gitdir: ../modules/sub\n');
    assert.equal(isGitTracked(new DiskWorkspace(undefined, undefined, () => [outer]), path.join(outer, 'sub', '.env')), true);
    // Its repository outside the workspace folders is not read: unknown.
    assert.equal(isGitTracked(new DiskWorkspace(undefined, undefined, () => [path.join(outer, 'sub')]), path.join(outer, 'sub', '.env')), undefined);
    fs.rmSync(outer, { recursive: true, force: true });
  });
});

/** A view of `files` in the repository /p whose index lists `tracked`. */
function repoView(files: Record<string, string>, tracked: string[], index = indexOf(tracked.sort())): WorkspaceView {
  return { ...viewOf(new Map(Object.entries(files)) as FileSet, '/p'), gitIndex: (root) => (root === '/p' ? index : undefined) };
}

describe('DR001 and DC040 on an env file that git already tracks', () => {
  const compose = 'services:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n    env_file: backend.env\n';
  const files = { '/p/compose.yaml': compose, '/p/backend.env': 'SECRET_KEY=k3y-0123456789abcdef\n', '/p/.gitignore': 'backend.env\n' };
  const dr001 = (ws: WorkspaceView) => {
    const analysis = analyze(allRules, 'compose', '/p/compose.yaml', compose, ws, DEFAULT_CONFIG);
    return analysis.findings.filter((f) => f.code === 'DR001').map((f) => ({ message: f.message, severity: f.severity, fix: fixFinding(allRules, analysis.context, f) }));
  };
  it('a tracked env file is reported even when .gitignore names it, says it is tracked, and gets no fix (saleor backend.env: review probe pj-04)', () => {
    const found = dr001(repoView(files, ['backend.env', 'compose.yaml']));
    assert.equal(found.length, 1);
    assert.match(found[0].message, /is tracked by git, with the secrets it holds: ignoring it does not untrack it; run git rm --cached backend\.env/);
    assert.equal(found[0].severity, 'error');
    assert.equal(found[0].fix, undefined);
    assert.doesNotMatch(found[0].message, /k3y-0123456789abcdef/);
  });
  it('a file only staged, with git add -N (intent-to-add), is tracked too: the message says tracked, not committed (review 5)', () => {
    const intentToAdd = indexOf(['backend.env', 'compose.yaml'], 3, 0x2000);
    assert.deepEqual([...gitIndexPaths(intentToAdd)!], ['backend.env', 'compose.yaml']);
    const [found] = dr001(repoView(files, [], intentToAdd));
    assert.match(found.message, /is tracked by git, with the secrets it holds: .* rotate the secrets if it was ever committed/);
    assert.doesNotMatch(found.message, /is committed/);
    assert.equal(found.fix, undefined);
  });
  it('a tracked env file missing from the disk is still committed (review probe 02); an index that cannot be read whole makes the ignore fix a quick fix only (probe 01)', () => {
    const missing = { '/p/compose.yaml': compose, '/p/.gitignore': 'node_modules/\n' };
    const found = dr001(repoView(missing, ['backend.env', 'compose.yaml']));
    assert.equal(found.length, 1);
    assert.match(found[0].message, /is tracked by git/);
    assert.equal(found[0].fix, undefined);
    const split = Uint8Array.from([...indexOf(['compose.yaml']), ...Buffer.from('link'), 0, 0, 0, 0, ...new Array(20).fill(0)]);
    const unknown: WorkspaceView = { ...viewOf(new Map(Object.entries({ ...files, '/p/.gitignore': 'node_modules/\n' })) as FileSet, '/p'), gitIndex: () => split };
    const [f] = dr001(unknown);
    assert.match(f.message, /is not ignored by \.gitignore/);
    assert.equal(f.fix?.safe, false);
  });
  it('.git/info/exclude ignores like a .gitignore; the git rm command is quoted when the name needs it (review 5, probe 12)', () => {
    const excluded = { '/p/compose.yaml': compose, '/p/backend.env': 'SECRET_KEY=k3y-0123456789abcdef\n', '/p/.git/info/exclude': 'backend.env\n' };
    assert.deepEqual(dr001(repoView(excluded, ['compose.yaml'])), []);
    const spaced = compose.replace('backend.env', '"my secrets.env"');
    const analysis = analyze(allRules, 'compose', '/p/compose.yaml', spaced, repoView({ '/p/compose.yaml': spaced, '/p/my secrets.env': 'SECRET_KEY=k3y-0123456789abcdef\n' }, ['compose.yaml', 'my secrets.env']), DEFAULT_CONFIG);
    const [f] = analysis.findings.filter((x) => x.code === 'DR001');
    assert.match(f.message, /run git rm --cached 'my secrets\.env', ignore it/);
  });
  it('an ignored file that git does not track is fine; without the index, as before', () => {
    assert.deepEqual(dr001(repoView(files, ['compose.yaml'])), []);
    assert.deepEqual(dr001(viewOf(new Map(Object.entries(files)) as FileSet, '/p')), []);
    const unignored = { ...files, '/p/.gitignore': 'node_modules/\n' };
    const found = dr001(repoView(unignored, ['compose.yaml']));
    assert.match(found[0].message, /is not ignored by \.gitignore/);
    assert.equal(found[0].fix?.safe, true);
  });
  it('DC040: no move into an env file that git tracks, even when .gitignore names it (review 39a #8)', () => {
    const text = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: s3cr3t-Pa55word\n';
    const set = { '/p/compose.yaml': text, '/p/.env': 'COMPOSE_PROJECT_NAME=app\n', '/p/.gitignore': '.env\n' };
    const safeOf = (ws: WorkspaceView) => {
      const analysis = analyze(allRules, 'compose', '/p/compose.yaml', text, ws, DEFAULT_CONFIG);
      const f = analysis.findings.find((x) => x.code === 'DC040')!;
      return fixFinding(allRules, analysis.context, f)?.safe;
    };
    assert.equal(safeOf(repoView(set, ['compose.yaml'])), true);
    assert.equal(safeOf(repoView(set, ['.env', 'compose.yaml'])), undefined);
    // An index that cannot be read whole (split, sparse; in the editor, a repository outside the folders): an existing .env may be
    // tracked, so nothing is moved into it; a .env that does not exist yet is no tracked file (review 40a, items 1, 2).
    const split = Uint8Array.from([...indexOf(['compose.yaml']), ...Buffer.from('link'), 0, 0, 0, 0, ...new Array(20).fill(0)]);
    assert.equal(safeOf(repoView(set, [], split)), undefined);
    const noEnv = { '/p/compose.yaml': text, '/p/.gitignore': '.env\n' };
    assert.equal(safeOf(repoView(noEnv, [], split)), true);
    // An include's env_file that git tracks (a committed template: db/.env.example) gets no secret either.
    const db = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: IncludedPw_C6a_long\n';
    const root = 'include:\n  - path: db/compose.db.yaml\n    env_file: db/app.env\nservices:\n  web:\n    image: nginx:1.30-alpine\n';
    const included = { '/p/compose.yaml': root, '/p/db/compose.db.yaml': db, '/p/db/app.env': 'POSTGRES_USER=app\n', '/p/.gitignore': 'app.env\n' };
    const fixOf = (ws: WorkspaceView) => {
      const analysis = analyze(allRules, 'compose', '/p/db/compose.db.yaml', db, ws, DEFAULT_CONFIG);
      return fixFinding(allRules, analysis.context, analysis.findings.find((x) => x.code === 'DC040')!);
    };
    assert.equal(fixOf(repoView(included, ['compose.yaml', 'db/compose.db.yaml']))?.title, 'Move POSTGRES_PASSWORD to app.env');
    assert.equal(fixOf(repoView(included, ['compose.yaml', 'db/app.env', 'db/compose.db.yaml'])), undefined);
  });
  it('DF020 and DC052 write no secret into an env file that git tracks either (they write through DC040\'s move)', () => {
    const dockerfile = 'FROM node:24-alpine\nENV API_TOKEN=tok_live_abcdef123456\nCMD ["node", "server.js"]\n';
    const built = { '/p/Dockerfile': dockerfile, '/p/compose.yaml': 'services:\n  api:\n    build: .\n', '/p/.env': 'TZ=UTC\n', '/p/.gitignore': '.env\n' };
    const df020 = (ws: WorkspaceView) => {
      const analysis = analyze(allRules, 'dockerfile', '/p/Dockerfile', dockerfile, ws, DEFAULT_CONFIG);
      return fixFinding(allRules, analysis.context, analysis.findings.find((x) => x.code === 'DF020')!)?.title;
    };
    assert.match(df020(repoView(built, ['Dockerfile', 'compose.yaml'])) ?? '', /^Move API_TOKEN to \.env/);
    assert.doesNotMatch(df020(repoView(built, ['.env', 'Dockerfile', 'compose.yaml'])) ?? '', /\.env/);
    const redis = 'services:\n  cache:\n    image: redis:8.0-alpine\n';
    const cache = { '/p/compose.yaml': redis, '/p/.env': 'TZ=UTC\n', '/p/.gitignore': '.env\n' };
    const dc052 = (ws: WorkspaceView) => {
      const analysis = analyze(allRules, 'compose', '/p/compose.yaml', redis, ws, DEFAULT_CONFIG);
      return fixFinding(allRules, analysis.context, analysis.findings.find((x) => x.code === 'DC052')!)?.title;
    };
    assert.equal(dc052(repoView(cache, ['compose.yaml'])), 'Require a password (REDIS_PASSWORD in .env)');
    assert.equal(dc052(repoView(cache, ['.env', 'compose.yaml'])), undefined);
  });
});

describe('DR004 on the file of a file-based secret that git tracks (review 42e, finding 2)', () => {
  const compose = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n    secrets: [db_password]\nsecrets:\n  db_password:\n    file: ./db_password.txt\n';
  const password = 'Xk9#mQ2$vL8pR4tZ';
  const dr004 = (ws: WorkspaceView, text = compose, file = '/p/compose.yaml') => {
    const analysis = analyze(allRules, 'compose', file, text, ws, DEFAULT_CONFIG);
    return analysis.findings.filter((f) => f.code === 'DR004').map((f) => ({ message: f.message, severity: f.severity, line: f.range.start.line, fix: fixFinding(allRules, analysis.context, f) }));
  };
  it('the review\'s repository: the secret file is tracked and not ignored; reported at its file:, says git rm --cached is needed, no fix, no value', () => {
    const files = { '/p/compose.yaml': compose, '/p/db_password.txt': `${password}\n`, '/p/.gitignore': 'node_modules/\n' };
    const found = dr004(repoView(files, ['.gitignore', 'compose.yaml', 'db_password.txt']));
    assert.equal(found.length, 1);
    assert.equal(found[0].line, 8);
    assert.equal(found[0].severity, 'error');
    assert.equal(found[0].message, "'db_password.txt' (the file of secret 'db_password') is tracked by git: ignoring it does not untrack it; run git rm --cached db_password.txt, ignore it, and rotate the secret if it was ever committed (it stays in the history).");
    assert.equal(found[0].fix, undefined);
    assert.ok(!found[0].message.includes(password));
    // Ignored as well: still tracked, still committed.
    assert.match(dr004(repoView({ ...files, '/p/.gitignore': 'db_password.txt\n' }, ['compose.yaml', 'db_password.txt']))[0].message, /is tracked by git/);
    // Missing from the disk: still in the index.
    const missing = dr004(repoView({ '/p/compose.yaml': compose }, ['compose.yaml', 'db_password.txt']));
    assert.equal(missing.length, 1);
    assert.equal(missing[0].severity, 'error');
    assert.equal(missing[0].fix, undefined);
  });
  it('untracked: an error with a safe fix; ignored: nothing; an index that cannot be read whole makes the fix a quick fix only', () => {
    const files = { '/p/compose.yaml': compose, '/p/db_password.txt': `${password}\n`, '/p/.gitignore': 'node_modules/\n' };
    const [untracked] = dr004(repoView(files, ['.gitignore', 'compose.yaml']));
    assert.equal(untracked.message, "'db_password.txt' (the file of secret 'db_password') is not ignored by .gitignore: the next `git add` commits the secret.");
    assert.equal(untracked.severity, 'error');
    assert.equal(untracked.fix?.title, 'Ignore db_password.txt in git');
    assert.equal(untracked.fix?.safe, true);
    assert.deepEqual(dr004(repoView({ ...files, '/p/.gitignore': '*.txt\n' }, ['compose.yaml'])), []);
    assert.deepEqual(dr004(repoView({ ...files, '/p/.gitignore': '', '/p/.git/info/exclude': 'db_password.txt\n' }, ['compose.yaml'])), []);
    const split = Uint8Array.from([...indexOf(['compose.yaml']), ...Buffer.from('link'), 0, 0, 0, 0, ...new Array(20).fill(0)]);
    const [unknown] = dr004(repoView(files, [], split));
    assert.match(unknown.message, /is not ignored by \.gitignore/);
    assert.equal(unknown.fix?.safe, false);
    // Not created yet: a warning until it is.
    const [notYet] = dr004(repoView({ '/p/compose.yaml': compose, '/p/.gitignore': 'node_modules/\n' }, ['compose.yaml']));
    assert.equal(notYet.severity, 'warning');
    assert.match(notYet.message, /is not ignored by \.gitignore: once it is created, the next `git add` commits it\.$/);
  });
  it('in a repository, files outside it (an absolute host path, ../) are not judged; in no repository, none is (review 48a, finding 2)', () => {
    const text = compose.replace('file: ./db_password.txt', 'file: ./db_password.txt\n  host_key:\n    file: /etc/ssl/private/host.key\n  shared:\n    file: ../shared/token.txt');
    const files = new Map(Object.entries({ '/p/compose.yaml': text, '/p/db_password.txt': 'x\n', '/etc/ssl/private/host.key': 'k\n', '/shared/token.txt': 't\n' })) as FileSet;
    assert.deepEqual(dr004(viewOf(files, '/p'), text).map((f) => f.message.split(' ')[0]), ["'db_password.txt'"]);
    // No `.git` anywhere above: nothing can be committed, nothing is reported, no `.gitignore` is offered.
    assert.deepEqual(dr004(viewOf(files), text), []);
  });
});

describe('core.ignorecase (review 39b)', () => {
  const files = (config?: string): FileSet => new Map([['/r/.gitignore', '.ENV\n'], ['/r/.env', 'A=1\n'], ...(config !== undefined ? ([['/r/.git/config', config]] as [string, string][]) : [])]);
  it('git matches .gitignore patterns case-sensitively unless the repository sets core.ignorecase', () => {
    assert.equal(isGitIgnored(viewOf(files(), '/r'), '/r/.env'), false, 'no config: case-sensitive');
    assert.equal(isGitIgnored(viewOf(files('[core]\n\trepositoryformatversion = 0\n'), '/r'), '/r/.env'), false, 'unset');
    assert.equal(isGitIgnored(viewOf(files('[core]\n\tignorecase = true\n'), '/r'), '/r/.env'), true, 'set (as git init does on macOS)');
  });
  it('reads git-config syntax: sections, case of keys, a key alone, booleans, the last setting, subsections', () => {
    const read = (text: string) => gitIgnoreCase({ readText: (p) => (p === '/r/.git/config' ? text : undefined) }, '/r');
    assert.equal(read('[core]\n  ignoreCase = yes\n'), true);
    assert.equal(read('[core]\n  ignorecase\n'), true);
    assert.equal(read('[core]\n  ignorecase = true\n  ignorecase = false\n'), false);
    assert.equal(read('[user]\n  ignorecase = true\n'), false);
    assert.equal(read('[core "x"]\n  ignorecase = true\n'), false);
    assert.equal(read('[CORE]\n\tIGNORECASE = 1 ; comment\n'), true);
  });
});
