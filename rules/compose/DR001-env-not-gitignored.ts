import * as path from 'node:path';
import type { ComposeContext } from '../engine/compose';
import { envFileUses, isDotenvName, isTemplateEnvName, parseEnvFile, repositoryRootOf } from '../engine/env-files';
import { gitTracking, hasFolder, isGitIgnored, repositoryRoot } from '../engine/repo';
import { defineRule } from '../engine/rule';
import { holdsCredential } from '../engine/embedded-secrets';
import type { Fix, Range, WorkspaceView } from '../engine/types';
import { appendLineEdit } from '../engine/yaml-edit';
import { applyTextEdits } from '../engine/edits';

interface Data {
  /** Absolute path of the env file. */
  path: string;
  /** The path relative to the compose file, for the message. */
  display: string;
  via: 'env_file' | 'interpolation';
  exists: boolean;
  /** It exists and holds a credential-shaped variable with a value (whether, never which). */
  secrets: boolean;
  /** Git already tracks it (its index lists it): ignoring it now would not untrack it. */
  tracked: boolean;
  /** Whether git tracks it cannot be told (a split or sparse index, a `.git` file whose repository is out of reach). */
  trackingUnknown: boolean;
}

/**
 * Whether an env file holds a credential with a real value, recognised by its name or by its value as DF020 and DC040
 * recognise one (holdsCredential: `DB_PASSWORD=…`, `OPENAI_KEY=<issued>`, `HOOK=ghp_…`, `DATABASE_URL=postgres://app:pw@db/app`);
 * whether, never which: values never leave.
 */
export function holdsSecrets(text: string): boolean {
  for (const [k, v] of parseEnvFile(text)) if (holdsCredential(k, v)) return true;
  return false;
}

function isUnder(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** A relative path written as gitignore pattern text: `*`, `?`, `[`, `]`, `\\`, a leading `#` or `!` and a trailing space escaped. */
export function gitignoreEscape(rel: string): string {
  return rel.replace(/[*?[\]\\]/g, '\\$&').replace(/^([#!])/, '\\$1').replace(/ $/, '\\ ');
}

/**
 * The `.gitignore` line for a path relative to that `.gitignore`'s folder: anchored with a leading `/`, so that it
 * matches this file only (`/db_password.txt`, `/config/env`). gitignore(5): "If there is a separator at the beginning
 * or middle (or both) of the pattern, then the pattern is relative to the directory level of the particular
 * .gitignore file itself. Otherwise the pattern may also match at any level below the .gitignore level" — an
 * unanchored `db_password.txt` would also ignore `app/db_password.txt`, and `env` every `env/` folder (review 47a, F3).
 * Except `.env` beside the `.gitignore`: the line stays `.env`, as SECURITY-GUIDELINES.md §5 writes it
 * (`echo ".env" >> .gitignore`) and as users expect, and it ignores the `.env` of every folder below (the fixes'
 * titles and pages say so: gitignoreLineIsBroad).
 */
export function gitignorePattern(rel: string): string {
  if (gitignoreLineIsBroad(rel)) return rel;
  // After the `/`, a `#` or `!` is no comment or negation: its escape is not needed.
  return `/${gitignoreEscape(rel).replace(/^\\([#!])/, '$1')}`;
}

/** Whether gitignorePattern writes the line unanchored, matching the name at every level below the `.gitignore` (`.env` only). */
export function gitignoreLineIsBroad(rel: string): boolean {
  return rel === '.env';
}

/** Where the ignore line goes: the compose file's `.gitignore` (pattern relative to it), or the env file's own folder. */
export function gitignoreTarget(ctx: ComposeContext, envPath: string): { gitignorePath: string; pattern: string; rel: string } | undefined {
  // No repository, no `.gitignore` written on git's behalf: there is nothing git could commit (review 48a, finding 2).
  const root = repositoryRoot(ctx.workspace, ctx.dir);
  if (root === null) return undefined;
  let dir: string;
  let rel: string;
  if (isUnder(envPath, ctx.dir)) {
    dir = ctx.dir;
    rel = path.relative(ctx.dir, envPath).split(path.sep).join('/');
  } else {
    dir = path.dirname(envPath);
    rel = path.basename(envPath);
  }
  if (dir !== root && !isUnder(dir, root)) return undefined;
  return { gitignorePath: path.join(dir, '.gitignore'), pattern: gitignorePattern(rel), rel };
}

/** A path as a shell word, for a command to work when pasted (`git rm --cached 'my secrets.env'`). */
export function shellArg(p: string): string {
  return /^[\w./@%+=:,-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

/**
 * "Ignore <file> in git": appends the file's line (gitignorePattern: anchored, escaped) to the `.gitignore` gitignoreTarget picks (creating it), when
 * that makes git ignore the file (a deeper `!` negation would win). Undefined when the `.gitignore`'s folder is missing
 * (a fix creates no folder) or the `.gitignore` cannot be read. For a file git does not track: a line does not untrack one.
 * Shared by DR001 (env files) and DR004 (secret files).
 */
export function ignoreInGitFix(ctx: ComposeContext, filePath: string, trackingUnknown: boolean): Fix | undefined {
  const target = gitignoreTarget(ctx, filePath);
  if (!target) return undefined;
  const { gitignorePath, pattern } = target;
  // A fix creates no folder: the file's own folder is missing (`env_file: ../another/.env`, the file not created
  // yet), and writing there would make it outside the project (review 41c, item 4).
  if (!ctx.workspace.exists(path.dirname(gitignorePath))) return undefined;
  const text = ctx.workspace.readText(gitignorePath);
  if (text === undefined && ctx.workspace.exists(gitignorePath)) return undefined; // there, but unreadable
  const eol = text !== undefined && text.includes('\r\n') ? '\r\n' : '\n';
  const edit = text === undefined ? undefined : appendLineEdit(text, pattern, eol);
  const next = text === undefined ? `${pattern}\n` : applyTextEdits(text, [edit!]);
  // Check the result with git's rules: a deeper negation would keep the file tracked.
  const view: WorkspaceView = {
    readText: (p) => (p === gitignorePath ? next : ctx.workspace.readText(p)),
    exists: (p) => p === gitignorePath || ctx.workspace.exists(p),
  };
  if (!isGitIgnored(view, filePath)) return undefined;
  return {
    title: gitignoreLineIsBroad(target.rel) ? `Ignore ${target.rel} in git (and every ${target.rel} in the folders below)` : `Ignore ${target.rel} in git`,
    // When git's index cannot be read whole, the file may be tracked, and a .gitignore line would not untrack it.
    safe: !trackingUnknown,
    changes: [text === undefined ? { kind: 'create', path: gitignorePath, content: next } : { kind: 'edit', path: gitignorePath, edits: [edit!] }],
  };
}

export default defineRule<'compose', Data>({
  code: 'DR001',
  name: 'env-not-gitignored',
  kind: 'compose',
  severity: 'error',
  fixable: 'sometimes',
  docs: {
    summary: 'An env file that a compose file uses is not ignored by git, or git already tracks it.',
    what:
      'Flags an env file that a compose file uses but that the `.gitignore` files between it and the repository root, and the repository\'s `.git/info/exclude`, do not ignore (judged with gitignore\'s own matching rules, negations included, and with git\'s case sensitivity: `.ENV` does not ignore `.env` unless the repository sets `core.ignorecase`, as `git init` does on macOS and Windows), or that git already tracks (its repository\'s index, `.git/index`, lists it: a tracked file, committed or only staged (`git add`, `git add -N`), goes into the next commit whatever `.gitignore` says): a file named by `env_file:` (short, list or `{ path: … }` form) or by the `env_file:` of a top-level `include:` item, and the `.env` that interpolates the compose file (beside it; for a file another compose file includes, the `.env` of its project directory) when it defines a variable that a `${…}` of the compose file reads. ' +
      'Reported in the compose file at the `env_file:` entry, else at the first `${…}` that the `.env` feeds; as an error when the file holds a credential with a value — a credential-shaped variable (or a generic `*_KEY`/`*_AUTH` one whose value looks issued), or a value that is a credential under any name, as DF020 and DC040 read one (a known token format such as `ghp_…` or `sk_live_…`, a connection string with a literal password, a carried configuration with one) —, as a warning when it does not exist yet (nothing is committed, but creating it would be the mistake) or holds only settings so far (`COMPOSE_PROJECT_NAME`, image tags: the file is still where secrets go). `.env` and `.env.<stage>` are always judged; a file with another name (`db.env`, `config/app.env`) only when it is missing (it will be created locally) or holds such a credential — committed configuration without secrets is fine. Templates (`.env.example`, `*.sample`, `*.dist`, `defaults.env`, …) and files outside the repository are not judged. Nothing is judged when the compose file is in no git repository — no `.git` in its folder or any folder above it, as git itself looks for one; a `.git` file that starts with `gitdir: <path>` (which a linked worktree or a submodule has in place of the folder) counts as a repository, whose `info/exclude` is read, as git reads it, from the repository\'s common git folder (the folder the `.git` file names, or the one the `commondir` file there names: `/repo/.git` for a worktree of `/repo`), and a `.git` file that does not (empty, or anything else: git stops there with "invalid gitfile format") counts for none, the search going on above as git\'s own does from a repository above —: with no repository nothing can be committed, so nothing is reported and no `.gitignore` is written (a folder checked with `check --fix` is left as it is; DC040\'s "Move … to .env" still ignores the `.env` it creates). DR001 judges what git ignores for this clone (`info/exclude`, and in `check` the user\'s own ignore file, count); DC040\'s "Move … to .env" and DC042\'s "Pass … as a secret file" write their `.gitignore` line unless a committed `.gitignore` already ignores the file, since another clone reads neither). In the editor, a `.git` in a folder above the workspace folder counts too (VS Code opened on a subfolder of a repository), and the server then reads what git and the CLI read for a file there: the `.gitignore` of the repository\'s root and of each folder down to the workspace folder, and the root\'s `.git/info/exclude`, `.git/config` (`core.ignorecase`) and `.git/index` (and, for a `.git` file, above or in the workspace folder, the `commondir` of the folder it names and the `info/exclude` and `config` of the common folder, wherever they are; `core.ignorecase` is read from that `config`, shared by a repository\'s linked worktrees, or a submodule\'s own) — only those files, nothing is run, also in a restricted (untrusted) workspace — so the editor and `check` agree, but for one file: the user\'s own ignore file, git\'s `core.excludesFile` (by default `$XDG_CONFIG_HOME/git/ignore`, else `~/.config/git/ignore`; or the file `core.excludesFile` names in `~/.gitconfig`, `$XDG_CONFIG_HOME/git/config` or the repository\'s `config`, the lowest of git\'s ignore sources), is read by `check`, which runs as the user — git does not commit for that user what it ignores — and never by the editor, which reads nothing of the user\'s outside the workspace: a file only that file ignores is reported in the editor and not by `check` (in CI, with no such file, they agree). The system\'s `/etc/gitconfig` and `[include]`d config files are not read. Those files are outside the workspace, where no file watcher reports a change: each is read again when its modification time or size has changed, so a file\'s next analysis (an edit, a save, reopening it) sees the change; the `.git` above is looked for once, until the server restarts (after a `git init` above the workspace folder, reload the window).',
    why:
      'The env file is where the real passwords and tokens live. If git does not ignore it, the next `git add .` commits them, and a committed secret stays in the history, every clone and fork, even after the file is deleted. SECURITY-GUIDELINES.md §5 Secrets Management: "DO NOT commit secrets to version control … `echo ".env" >> .gitignore`"; checklist "Secrets not in version control".',
    whySummary:
      'An env file that git does not ignore is committed with its passwords and tokens by the next `git add .`, and a committed secret stays in the history, every clone and fork, even after the file is deleted.',
    bad: '# .gitignore: node_modules/\nservices:\n  db:\n    image: postgres:17-alpine\n    env_file: .env',
    good: '# .gitignore: node_modules/ and .env\nservices:\n  db:\n    image: postgres:17-alpine\n    env_file: .env',
    fix:
      '"Ignore config/db.env in git" appends the file\'s path, relative to the `.gitignore`\'s folder, anchored with a leading `/` and with special characters escaped (`/config/db.env`, `/.env.production`, `/#prod.env`), to the `.gitignore` beside the compose file, creating it when there is none: the line matches that file only (gitignore(5): a pattern with no `/` at its start or middle "may also match at any level below the .gitignore level", so `db.env` would also ignore a `frontend/db.env` the team means to commit, and `env` every `env/` folder). The one exception is a `.env` beside the `.gitignore`: the line is `.env`, as SECURITY-GUIDELINES.md §5 writes it (`echo ".env" >> .gitignore`), which also ignores the `.env` of every folder below (the convention, and what users expect), and the title says so: "Ignore .env in git (and every .env in the folders below)"; for a file outside the compose file\'s folder the line goes into the `.gitignore` of the file\'s own folder, and the fix is not offered when that folder does not exist (an `env_file: ../another/.env` not created yet: a fix creates no folder, and `check --fix` would write outside the project; ignore the file once its folder exists) or cannot be read (outside the editor\'s workspace folders). The fix checks that the file is ignored afterwards (a later `!` negation in a deeper `.gitignore` would win) and is not offered otherwise. Safe: it changes nothing but git\'s view — except when the repository\'s index cannot be read whole (a split or sparse index, the index of a linked worktree or submodule outside the workspace (the index of a repository whose root is above the workspace folder is read)): the file may be tracked then, so the fix is a quick fix only. Not offered for a file git already tracks, also when it is missing from the disk (the message says so): a `.gitignore` line does not untrack it, `git rm --cached <file>` does (which a fix does not run), and the secrets it held must be rotated, since they stay in the history.',
    guideline: '§5 Secrets Management — "DO NOT commit secrets to version control", `echo ".env" >> .gitignore`; Security Checklist — "Secrets not in version control"',
    equivalents: ['No compose linter checks this; gitleaks, trufflehog and GitHub secret scanning find secrets after they were committed, and Checkov CKV_SECRET_* scans the files themselves'],
    references: [
      'https://git-scm.com/docs/gitignore',
      'https://git-scm.com/docs/gitrepository-layout',
      'https://git-scm.com/docs/git-config#Documentation/git-config.txt-coreexcludesFile',
      'https://docs.docker.com/reference/compose-file/services/#env_file',
      'https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file',
      'https://docs.docker.com/compose/how-tos/environment-variables/best-practices/',
      'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/removing-sensitive-data-from-a-repository',
    ],
  },
  check(ctx) {
    if (!hasFolder(ctx.path)) return [];
    const out: { range: Range; data: Data; severity?: 'warning' }[] = [];
    for (const use of envFileUses(ctx)) {
      const base = path.basename(use.path);
      if (isTemplateEnvName(base)) continue;
      // In no git repository (no `.git` folder or file in the compose file's folder or above it) nothing is committed, so
      // nothing is judged (review 48a, finding 2); a linked worktree's or a submodule's `.git` file counts. Outside it, neither.
      const root = repositoryRootOf(ctx);
      if (root === null || !isUnder(use.path, root)) continue;
      if (use.text !== undefined && !isDotenvName(base) && !holdsSecrets(use.text)) continue;
      // A tracked file is committed whatever .gitignore says (gitignore(5): files already tracked are not affected).
      // Also when the file is missing from the disk: it is still in the index (and in the last commit).
      const tracking = gitTracking(ctx.workspace, use.path);
      const tracked = tracking === 'tracked';
      if (!tracked && isGitIgnored(ctx.workspace, use.path)) continue;
      const rel = path.relative(ctx.dir, use.path).split(path.sep).join('/');
      // A file that does not exist yet has nothing to commit: a warning until it is created.
      const exists = use.text !== undefined;
      const secrets = use.text !== undefined && holdsSecrets(use.text);
      // Nothing secret to commit yet (missing, or only settings): a warning until it holds one.
      out.push({ range: use.range, data: { path: use.path, display: rel, via: use.via, exists, secrets, tracked, trackingUnknown: tracking === 'unknown' }, ...(secrets ? {} : { severity: 'warning' as const }) });
    }
    return out;
  },
  message(d) {
    const how = d.via === 'interpolation' ? 'read for ${…} interpolation' : 'used by env_file';
    const arg = shellArg(d.display);
    if (d.tracked) {
      return d.secrets
        ? `'${d.display}' (${how}) is tracked by git, with the secrets it holds: ignoring it does not untrack it; run git rm --cached ${arg}, ignore it, and rotate the secrets if it was ever committed (they stay in the history).`
        : `'${d.display}' (${how}) is tracked by git: whatever is added to it is committed too, and ignoring it does not untrack it; run git rm --cached ${arg} and ignore it.`;
    }
    const risk = !d.exists ? 'once it is created, the next `git add` commits it' : d.secrets ? 'the next `git add` commits it, with the secrets it holds' : 'it holds no credential yet, but the next `git add` commits it with whatever is added to it';
    return `'${d.display}' (${how}) is not ignored by .gitignore: ${risk}.`;
  },
  fix(ctx, { data }): Fix | undefined {
    // A .gitignore line does not untrack a committed file: `git rm --cached` does, which a fix does not run.
    if (data.tracked) return undefined;
    return ignoreInGitFix(ctx, data.path, data.trackingUnknown);
  },
});
