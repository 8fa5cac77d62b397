import * as path from 'node:path';
import type { Node } from 'yaml';
import { isMap, isScalar } from '../engine/yaml-guards';
import { scalarString, type ComposeContext } from '../engine/compose';
import { repositoryRootOf } from '../engine/env-files';
import { interpolate } from '../engine/interpolate';
import { gitTracking, hasFolder, isGitIgnored } from '../engine/repo';
import { defineRule } from '../engine/rule';
import type { Fix, Range } from '../engine/types';
import { ignoreInGitFix, shellArg } from './DR001-env-not-gitignored';
import { secretKindOf } from '../dockerfile/DF021-secret-file-copied';

interface Data {
  /** The secret's name (its key under the top-level `secrets:`), for the message. */
  secret: string;
  /** Absolute path of the secret's file. */
  path: string;
  /** The path relative to the compose file, for the message. */
  display: string;
  /** The file exists (a file that does not exist yet has nothing to commit). */
  exists: boolean;
  /** Git already tracks it (its index lists it): ignoring it now would not untrack it. */
  tracked: boolean;
  /** Whether git tracks it cannot be told (a split or sparse index, a `.git` file whose repository is out of reach). */
  trackingUnknown: boolean;
}

/** A secret's file as the compose file declares it: its name, the `file:` value as written, and where to report it. */
interface SecretFile {
  secret: string;
  raw: string;
  range: Range;
}

/**
 * Whether a file's name says it holds public material, read as DF021 reads key names: a public key (`id_ed25519.pub`,
 * `repo-signing.key`) or a certificate (`server.crt`, `ca.cer`, `fullchain.pem`) — a key-like name DF021 does not take for
 * a private key. Committing one gives nothing away (rustdesk's `key_pub` secret is `data/id_ed25519.pub`).
 */
function isPublicMaterial(file: string): boolean {
  const base = path.basename(file);
  return /\.(?:pub|crt|cer|pem|key)$/i.test(base) && secretKindOf(base) === undefined;
}

function isUnder(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * The file-based secrets of the top-level `secrets:` of every document (aliases and `<<` merges resolved): each
 * `<name>: { file: <path> }` that is not `external:`. A secret made from a variable (`environment:`) or one that
 * exists in the swarm (`external: true`, `name:` alone) has no file; `configs:` are not secrets.
 */
function secretFiles(ctx: ComposeContext): SecretFile[] {
  const out: SecretFile[] = [];
  for (const doc of ctx.documents) {
    const root = doc.contents;
    if (!root || !isMap(root)) continue;
    const top = ctx.get(doc, root, 'secrets')?.value;
    if (!top || !isMap(top)) continue;
    for (const pair of top.items) {
      const def = ctx.resolve(doc, pair.value as Node | null);
      if (!isScalar(pair.key) || !def || !isMap(def)) continue;
      const external = ctx.get(doc, def, 'external');
      if (external && scalarString(external.value) !== 'false') continue;
      const file = ctx.get(doc, def, 'file');
      const raw = scalarString(file?.value);
      if (!file || raw === null || raw.trim() === '') continue;
      // At the value as written here; a value this secret takes from an anchor (`<<: *defaults`), at the key it comes through.
      const at = file.own && isScalar(file.pair.value) ? file.pair.value : file.reportNode;
      out.push({ secret: String(pair.key.value), raw, range: ctx.rangeOf(at) });
    }
  }
  return out;
}

export default defineRule<'compose', Data>({
  code: 'DR004',
  name: 'secret-file-not-gitignored',
  kind: 'compose',
  severity: 'error',
  fixable: 'sometimes',
  docs: {
    summary: 'The file of a file-based Compose secret is not ignored by git, or git already tracks it.',
    what:
      'Flags the file of a file-based Compose secret (top-level `secrets: <name>: file: <path>`) that git would commit: the `.gitignore` files between it and the repository root, and the repository\'s `.git/info/exclude`, do not ignore it (judged as DR001 judges env files: with gitignore\'s own matching rules, negations included, and git\'s case sensitivity unless the repository sets `core.ignorecase`), or git already tracks it (its repository\'s index, `.git/index`, lists it: committed or only staged, a tracked file goes into the next commit whatever `.gitignore` says). The path resolves as Compose resolves it: against the project directory (for a file another compose file includes, the include\'s `project_directory:`), with `${…}` interpolated from the `.env` and the defaults written in the path. ' +
      'Reported at the `file:` value; as an error when the file exists or git tracks it, as a warning when it does not exist yet (nothing is committed, but a secret file is made locally, often by a script or by DC042\'s fix, and the next `git add .` would take it). Every such file is judged whatever its content (the file is the secret), except one whose name says it holds public material, read as DF021 reads key names: a public key (`id_ed25519.pub`, `repo-signing.key`) or a certificate (`server.crt`, `ca.cer`, `fullchain.pem`) — committing it gives nothing away. Also not judged: a secret with no file (`environment: VAR`, `external: true`, a swarm secret named by `name:` alone), `configs:` (configuration, not secrets, even when given by `file:`), a `file:` that names a folder (git tracks the files in it one by one), a path with a variable that has no value in the `.env` and no default, a path in the home folder (`~/…`), and a file outside the repository (an absolute `/run/secrets/…` or a `../keys/…` may lie anywhere). Nothing is judged when the compose file is in no git repository (no `.git` folder, nor the `.git` file of a linked worktree or a submodule, in its folder or above it; as DR001): nothing can be committed there, so nothing is reported and no `.gitignore` is written. In the editor, for a workspace folder below the repository\'s root, the ignore files and the index above it are read as DR001 says.',
    why:
      'A secret file holds nothing but the secret: the database password, the private key, the API token that Compose mounts at `/run/secrets/<name>`. Secrets files are the pattern the guidelines recommend over environment variables, but they protect nothing when the file is committed: if git does not ignore it, the next `git add .` commits it, and a committed secret stays in the history, every clone and fork, even after the file is deleted. SECURITY-GUIDELINES.md §5 Secrets Management: "DO NOT commit secrets to version control", "Use environment variables or secrets management: Docker Secrets"; checklist "Secrets not in version control".',
    whySummary:
      'A secret\'s file that git does not ignore is committed with the secret by the next `git add .`, and a committed secret stays in the history, every clone and fork, even after the file is deleted.',
    bad: '# .gitignore: node_modules/\nservices:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n    secrets: [db_password]\nsecrets:\n  db_password:\n    file: ./secrets/db_password.txt',
    good: '# .gitignore: node_modules/ and secrets/\nservices:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n    secrets: [db_password]\nsecrets:\n  db_password:\n    file: ./secrets/db_password.txt',
    fix:
      '"Ignore secrets/db_password.txt in git" works as DR001\'s fix: it appends the file\'s path (relative to the `.gitignore`\'s folder, anchored with a leading `/` and with special characters escaped, `/secrets/db_password.txt`, so that the line matches this file only: without the `/`, gitignore(5) lets a name match at any level below, and `db_password.txt` would also ignore an `app/db_password.txt` test fixture; a secret file named `.env` is written `.env`, as DR001 writes it) to the `.gitignore` beside the compose file, creating it when there is none; for a file outside the compose file\'s folder the line goes into the `.gitignore` of the file\'s own folder, and the fix is not offered when that folder does not exist (a fix creates no folder) or cannot be read. The fix checks that the file is ignored afterwards (a later `!` negation in a deeper `.gitignore` would win) and is not offered otherwise. Safe: it changes nothing but git\'s view — except when the repository\'s index cannot be read whole (a split or sparse index, the index of a linked worktree or submodule outside the workspace (the index of a repository whose root is above the workspace folder is read)): the file may be tracked then, so the fix is a quick fix only. Not offered for a file git already tracks, also when it is missing from the disk (the message says so): a `.gitignore` line does not untrack it, `git rm --cached <file>` does (which a fix does not run), and the secret must be rotated, since it stays in the history.',
    guideline: '§5 Secrets Management — "DO NOT commit secrets to version control", "Use environment variables or secrets management: Docker Secrets"; Security Checklist — "Secrets not in version control"',
    equivalents: ['No compose linter checks this; gitleaks, trufflehog and GitHub secret scanning find secrets after they were committed'],
    references: [
      'https://docs.docker.com/reference/compose-file/secrets/',
      'https://docs.docker.com/compose/how-tos/use-secrets/',
      'https://git-scm.com/docs/gitignore',
      'https://git-scm.com/docs/gitrepository-layout',
      'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/removing-sensitive-data-from-a-repository',
    ],
  },
  check(ctx) {
    if (!hasFolder(ctx.path) || !ctx.text.includes('secrets')) return [];
    const out: { range: Range; data: Data; severity?: 'warning' }[] = [];
    const seen = new Set<string>();
    const dotenv = ctx.dotenv()?.values;
    // In no git repository (no `.git` folder or file in the compose file's folder or above it), nothing is committed:
    // nothing is judged (review 48a, finding 2), as DR001 judges nothing there.
    const root = repositoryRootOf(ctx);
    if (root === null) return [];
    for (const { secret, raw, range } of secretFiles(ctx)) {
      // As Compose reads it with the `.env` and the defaults; a variable with no value there leaves the path unknown.
      const value = interpolate(raw, (n) => dotenv?.get(n)).value;
      if (value === null || value.trim() === '' || value.startsWith('~')) continue;
      const file = path.resolve(ctx.projectDir, value);
      // Outside the repository nothing is committed with it.
      if (!isUnder(file, root)) continue;
      if (seen.has(file) || isPublicMaterial(file)) continue;
      seen.add(file);
      const exists = ctx.workspace.exists(file);
      // A folder: git tracks the files in it, one by one.
      if (exists && ctx.workspace.listDir?.(file) !== undefined) continue;
      // A tracked file is committed whatever .gitignore says (gitignore(5): files already tracked are not affected),
      // also when it is missing from the disk: it is still in the index (and in the last commit).
      const tracking = gitTracking(ctx.workspace, file);
      const tracked = tracking === 'tracked';
      if (!tracked && isGitIgnored(ctx.workspace, file)) continue;
      const display = path.relative(ctx.dir, file).split(path.sep).join('/');
      const data: Data = { secret, path: file, display, exists, tracked, trackingUnknown: tracking === 'unknown' };
      // Nothing to commit yet: a warning until the file is created.
      out.push({ range, data, ...(exists || tracked ? {} : { severity: 'warning' as const }) });
    }
    return out;
  },
  message(d) {
    const what = `'${d.display}' (the file of secret '${d.secret}')`;
    if (d.tracked) return `${what} is tracked by git: ignoring it does not untrack it; run git rm --cached ${shellArg(d.display)}, ignore it, and rotate the secret if it was ever committed (it stays in the history).`;
    return `${what} is not ignored by .gitignore: ${d.exists ? 'the next `git add` commits the secret' : 'once it is created, the next `git add` commits it'}.`;
  },
  fix(ctx, { data }): Fix | undefined {
    // A .gitignore line does not untrack a committed file: `git rm --cached` does, which a fix does not run.
    if (data.tracked) return undefined;
    return ignoreInGitFix(ctx, data.path, data.trackingUnknown);
  },
});
