import * as path from 'node:path';
import ignore from 'ignore';
import type { WorkspaceView } from './types';

/**
 * Whether git would ignore a file, judged from the `.gitignore` files between the file and the
 * repository root (the nearest directory holding `.git`). In no repository, from those between the file
 * and `noRepositoryTop` (the compose file's folder, for a file below it) or else the file's own folder only:
 * nothing says where a later `git init` will put the root, and a stray `.gitignore` higher up (the home
 * folder's) decided for a project it is no part of. Uses the
 * `ignore` package, which implements gitignore's matching rules. Deeper files override shallower
 * ones, as in git (a later negation re-includes) — but not under an ignored folder: git does not look
 * into one, so a `!` in a deeper `.gitignore` cannot re-include a file there (gitignore(5): "It is not
 * possible to re-include a file if a parent directory of that file is excluded").
 */
export function isGitIgnored(ws: WorkspaceView, filePath: string, noRepositoryTop?: string): boolean {
  return ignoredBy(ws, filePath, noRepositoryTop, false);
}

/**
 * Whether the committed ignore files alone — the `.gitignore` files isGitIgnored reads, not `.git/info/exclude` nor the
 * user's core.excludesFile — ignore a file: what every clone of the repository ignores. A fix that writes a `.gitignore`
 * line asks this, not isGitIgnored: a `.env` ignored only by one clone's `info/exclude` or one user's own ignore file is
 * committed by a teammate's `git add .` (SECURITY-GUIDELINES.md §5: `echo ".env" >> .gitignore`), so the line is still
 * written (gitignore(5): `.gitignore` for patterns "that all developers will want to ignore", the others for one
 * repository or one user).
 */
export function isIgnoredByGitignore(ws: WorkspaceView, filePath: string, noRepositoryTop?: string): boolean {
  return ignoredBy(ws, filePath, noRepositoryTop, true);
}

function ignoredBy(ws: WorkspaceView, filePath: string, noRepositoryTop: string | undefined, committedOnly: boolean): boolean {
  const root = repositoryRoot(ws, path.dirname(filePath));
  const stop = root ?? (noRepositoryTop !== undefined && isBelow(path.dirname(filePath), noRepositoryTop) ? noRepositoryTop : path.dirname(filePath));
  // The ignore files from the root down, each with the folder its patterns are relative to: the
  // repository's own `.git/info/exclude` first (the lowest precedence, gitignore(5)), then the
  // `.gitignore` of each folder down to the file's. A deeper verdict (ignore or re-include) wins.
  const files: [string, string][] = [];
  let dir = path.dirname(filePath);
  for (let i = 0; i < 64; i++) {
    files.unshift([dir, path.join(dir, '.gitignore')]);
    if (dir === stop) break;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (root !== null && !committedOnly) {
    // `info/exclude` is read from the repository's common folder: a linked worktree's `.git` file names a folder of
    // its own (`/repo/.git/worktrees/NAME`), whose `commondir` leads to the one git reads it from (gitrepository-layout).
    files.unshift([root, path.join(gitCommonDir(ws, root), 'info', 'exclude')]);
    // Below it, the user's own ignore file (core.excludesFile, the lowest precedence), for a view that reads per-user
    // state (the CLI's: the server reads nothing of the user's outside the workspace). Its patterns are relative to the root.
    const user = ws.gitExcludesFile?.(root);
    if (user !== undefined) files.unshift([root, user]);
  }
  const sources: { folder: string; rules: ReturnType<typeof ignore> }[] = [];
  const ignorecase = root !== null && gitIgnoreCase(ws, root);
  for (const [folder, file] of files) {
    const text = ws.readText(file);
    // git reads an ignore file's lines as bytes: one in UTF-16 (which the workspace decodes, as for every file) gives
    // patterns of NUL-separated bytes that match no name, so it ignores nothing (checked with git: `.env` in a UTF-16
    // `.gitignore` leaves `.env` untracked, to be committed; cli44 item 4).
    if (text !== undefined && !isUtf16IgnoreFile(ws, file)) sources.push({ folder, rules: ignore({ ignorecase }).add(text) });
  }
  if (sources.length === 0) return false;
  const verdict = (p: string, isDir: boolean): boolean => {
    let ignored = false;
    for (const { folder, rules } of sources) {
      const rel = path.relative(folder, p).split(path.sep).join('/');
      if (!rel || rel.startsWith('..')) continue;
      const result = rules.test(isDir ? `${rel}/` : rel);
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    }
    return ignored;
  };
  // The folders between the shallowest ignore file's and the file, from the top: an ignored one hides the file.
  const top = sources[0].folder;
  const folders: string[] = [];
  for (let d = path.dirname(filePath); d !== top && d !== path.dirname(d) && !path.relative(top, d).startsWith('..'); d = path.dirname(d)) folders.unshift(d);
  for (const d of folders) if (verdict(d, true)) return true;
  return verdict(filePath, false);
}

/** Whether `dir` is `top` or a folder below it. */
function isBelow(dir: string, top: string): boolean {
  const rel = path.relative(top, dir);
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * Whether git matches ignore patterns without regard to case in a repository: its `core.ignorecase`
 * (git-config(1); `git init` sets it to true on a case-insensitive file system, as on macOS and Windows).
 * Unset, git matches case-sensitively: `.ENV` in `.gitignore` does not ignore `.env` on Linux (review 39b),
 * and a file taken for ignored would be committed with the secret in it. Read from the `config` of the
 * repository's common folder (gitCommonDir): `<root>/.git/config`, and for a repository whose `.git` is a file the
 * config git reads for it — a submodule's own git folder (`.git/modules/NAME`), a linked worktree's main repository
 * (its `commondir`; gitrepository-layout(5): `config` is shared by all worktrees, `$GIT_COMMON_DIR/config`). A
 * worktree's own `config.worktree` (extensions.worktreeConfig) is not read.
 */
export function gitIgnoreCase(ws: Pick<WorkspaceView, 'readText'>, root: string): boolean {
  const text = ws.readText(path.join(gitCommonDir(ws, root), 'config'));
  const setting = text === undefined ? undefined : gitConfigSetting(text, 'core', 'ignorecase');
  // A key without `=` is true (git-config(1), "Syntax").
  return setting !== undefined && (setting.value === undefined || /^(?:true|yes|on|1)$/i.test(setting.value));
}

/**
 * The last value of `section.key` (a section without subsection; names without regard to case) in the text of a git
 * config file, as git-config(1) "Syntax" reads a value: surrounding spaces dropped, `"…"` quoting, the escapes `\\`,
 * `\"`, `\n`, `\t`, `\b`, and a `#` or `;` comment outside quotes. Undefined when unset, or set without `=` (a boolean,
 * no value). A value continued on the next line (a trailing `\`) and `[include]` files are not followed.
 */
export function gitConfigValue(text: string, section: string, key: string): string | undefined {
  return gitConfigSetting(text, section, key)?.value;
}

/** The last setting of `section.key` in a git config file's text, read as gitConfigValue says; `value` undefined when it is set without `=`. */
function gitConfigSetting(text: string, section: string, key: string): { value: string | undefined } | undefined {
  let inSection = false;
  let setting: { value: string | undefined } | undefined;
  for (const line of text.split(/\r?\n/)) {
    const head = /^\s*\[\s*([A-Za-z0-9.-]+)(\s+"[^"]*")?\s*\]/.exec(line);
    if (head) {
      inSection = head[1].toLowerCase() === section.toLowerCase() && head[2] === undefined;
      continue;
    }
    if (!inSection) continue;
    const m = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*(?:=(.*)|[#;].*)?$/.exec(line);
    if (!m || m[1].toLowerCase() !== key.toLowerCase()) continue;
    setting = { value: m[2] === undefined ? undefined : configValueText(m[2]) };
  }
  return setting;
}

function configValueText(raw: string): string {
  let out = '';
  let kept = 0; // the length of `out` up to its last character that is no unquoted space
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const e = raw[++i];
      out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'b' ? '\b' : e;
      kept = out.length;
    } else if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '#' || c === ';')) break;
    else if (!quoted && (c === ' ' || c === '\t')) {
      if (out.length > 0) out += c;
    } else {
      out += c;
      kept = out.length;
    }
  }
  return out.slice(0, kept);
}

/**
 * Whether a file lies in a folder of the file system. A document that is not a file (an editor's
 * unsaved `untitled:` buffer) is analyzed under a relative name: it has no folder, so no sibling file
 * (`.env`, `.gitignore`, `.dockerignore`) is its own, and the rules about them do not report on it.
 */
export function hasFolder(filePath: string): boolean {
  return path.isAbsolute(filePath);
}

/**
 * The nearest directory at or above `dir` (and not above `top`, when given) that holds `.git` (the repository root), or
 * null. A `.git` FILE that is not in git's gitfile format (gitFileTarget: empty, or no `gitdir: ` first) makes no
 * repository: git run in that folder stops with "fatal: invalid gitfile format", and the repository of a folder above, if
 * any, takes the folder for one of its own (checked with git 2.39: `/r/.git/`, `/r/app/.git` holding `garbage`, `git
 * status` in `/r` lists `app/.env` untracked and `git add app` stages it), so the search goes on above. A view that
 * cannot read (`readText` absent) takes every `.git` for a repository's.
 */
export function repositoryRoot(ws: { exists(p: string): boolean; readText?(p: string): string | undefined }, dir: string, top?: string): string | null {
  let d = dir;
  for (let i = 0; i < 64; i++) {
    const dotGit = path.join(d, '.git');
    if (ws.exists(dotGit)) {
      // A folder reads as no text.
      const text = ws.readText?.(dotGit);
      if (text === undefined || gitFileTarget(text, d) !== undefined) return d;
    }
    const parent = path.dirname(d);
    if (parent === d || d === top) return null;
    d = parent;
  }
  return null;
}

/**
 * The git folder a `.git` file names, resolved against the folder that holds it (`root`), or undefined when the text is
 * not a gitfile as git reads one: it must start with `gitdir: ` (the space included, at the first byte), and a path
 * must follow once the line ends are cut from the end (git's read_gitfile_gently: "invalid gitfile format", "no path in
 * gitfile"; checked with git 2.39: an empty file, `garbage`, `gitdir:/x`, ` gitdir: /x` and `gitdir: ` are refused).
 */
export function gitFileTarget(text: string, root: string): string | undefined {
  if (!text.startsWith('gitdir: ')) return undefined;
  const target = text.slice('gitdir: '.length).replace(/[\r\n]+$/, '');
  return target === '' ? undefined : path.resolve(root, target);
}

/**
 * The repository's common git folder, where git reads `info/exclude` and `config`: `<root>/.git` when that is a folder;
 * for a `.git` file (a linked worktree, a submodule), the folder it names (gitFileTarget), or the folder that folder's
 * `commondir` file names (a linked worktree's `../..`, relative to it; gitrepository-layout(5): "commondir: If this file
 * exists, $GIT_COMMON_DIR will be set to the path specified in this file", and "info/exclude: This file is ignored if
 * $GIT_COMMON_DIR is set and $GIT_COMMON_DIR/info/exclude will be used instead").
 */
export function gitCommonDir(ws: Pick<WorkspaceView, 'readText'>, root: string): string {
  const dotGit = path.join(root, '.git');
  const text = ws.readText(dotGit);
  const gitDir = text === undefined ? undefined : gitFileTarget(text, root);
  if (gitDir === undefined) return dotGit;
  const common = ws.readText(path.join(gitDir, 'commondir'));
  // git cuts the line ends from the end of the file (setup.c, get_common_dir_noenv).
  return common === undefined ? gitDir : path.resolve(gitDir, common.replace(/[\r\n]+$/, ''));
}

const indexPaths = new WeakMap<Uint8Array, Set<string> | null>();

/**
 * The paths a git index lists, relative to the repository root with `/` (git's index format, versions
 * 2 to 4: https://git-scm.com/docs/index-format). Undefined for an index this reader does not know
 * (another signature or version, an object name that is not SHA-1's 20 bytes, or one cut short): the
 * entries must fill it exactly as the format says, so a misread is not taken for an answer.
 */
export function gitIndexPaths(buf: Uint8Array): Set<string> | undefined {
  if (buf.length < 12) return undefined;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint32(0) !== 0x44495243) return undefined; // "DIRC"
  const version = view.getUint32(4);
  if (version < 2 || version > 4) return undefined;
  const count = view.getUint32(8);
  const decoder = new TextDecoder();
  const out = new Set<string>();
  let at = 12;
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < count; i++) {
    const start = at;
    // ctime, mtime, dev, ino, mode, uid, gid, size (40 bytes), the object name (20), the flags (2).
    if (at + 62 > buf.length) return undefined;
    const flags = view.getUint16(at + 60);
    at += 62;
    if (flags & 0x4000) {
      if (version < 3) return undefined;
      at += 2; // extended flags
    }
    let name: Uint8Array;
    if (version === 4) {
      // The name is the previous one less N bytes from its end, plus a NUL-terminated suffix.
      if (at >= buf.length) return undefined;
      let b = buf[at++];
      let drop = b & 0x7f;
      while (b & 0x80) {
        if (at >= buf.length || drop > 0xffffff) return undefined;
        b = buf[at++];
        drop = ((drop + 1) << 7) | (b & 0x7f);
      }
      const end = buf.indexOf(0, at);
      if (end === -1 || drop > previous.length) return undefined;
      const suffix = buf.subarray(at, end);
      name = new Uint8Array(previous.length - drop + suffix.length);
      name.set(previous.subarray(0, previous.length - drop));
      name.set(suffix, previous.length - drop);
      at = end + 1;
    } else {
      const end = buf.indexOf(0, at);
      const length = flags & 0xfff;
      if (end === -1 || (length !== 0xfff && end - at !== length)) return undefined;
      name = buf.subarray(at, end);
      // 1 to 8 NUL bytes pad the entry to a multiple of eight.
      at = start + ((end - start + 8) & ~7);
      if (at > buf.length) return undefined;
    }
    previous = name;
    const decoded = decoder.decode(name);
    // A sparse index lists a whole folder as one entry (`docs/`): the files under it are not listed.
    if (decoded.endsWith('/')) return undefined;
    out.add(decoded);
  }
  // Extensions follow the entries (then a 20-byte checksum). A split index ("link") keeps most entries
  // in a shared index file: what this one lists is not all that is tracked.
  while (at + 8 <= buf.length - 20) {
    const signature = String.fromCharCode(buf[at], buf[at + 1], buf[at + 2], buf[at + 3]);
    if (signature === 'link') return undefined;
    at += 8 + view.getUint32(at + 4);
  }
  return out;
}

/**
 * Whether git tracks a file (its repository's index lists it): a tracked file stays in every commit
 * whatever `.gitignore` says ("Files already tracked by Git are not affected", gitignore(5)).
 * `untracked` also when there is no repository or it has no index yet; `unknown` when the index cannot
 * be read whole (a `.git` file whose repository is out of reach, a split or sparse index, another
 * format); undefined when the view cannot read indexes at all.
 */
export function gitTracking(ws: WorkspaceView, filePath: string): 'tracked' | 'untracked' | 'unknown' | undefined {
  if (!ws.gitIndex) return undefined;
  const root = repositoryRoot(ws, path.dirname(filePath));
  if (root === null) return 'untracked';
  const bytes = ws.gitIndex(root);
  if (bytes === null) return 'untracked';
  if (bytes === undefined) return 'unknown';
  let paths = indexPaths.get(bytes);
  if (paths === undefined) {
    paths = gitIndexPaths(bytes) ?? null;
    indexPaths.set(bytes, paths);
  }
  if (paths === null) return 'unknown';
  return paths.has(path.relative(root, filePath).split(path.sep).join('/')) ? 'tracked' : 'untracked';
}

/** Whether git tracks a file, when that can be told (see gitTracking). */
export function isGitTracked(ws: WorkspaceView, filePath: string): boolean | undefined {
  const t = gitTracking(ws, filePath);
  return t === 'tracked' ? true : t === 'untracked' ? false : undefined;
}

/** Whether bytes start with a UTF-16 byte order mark (LE or BE). */
export function isUtf16(head: Uint8Array | undefined): boolean {
  return !!head && head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));
}

/**
 * Whether an ignore file (`.gitignore`, `.git/info/exclude`) is UTF-16 on disk: git matches none of its patterns, so it
 * ignores nothing, and a line a fix appends to it would ignore nothing either (no fix edits one: fixWritesSafely).
 */
export function isUtf16IgnoreFile(ws: Pick<WorkspaceView, 'readHead'>, file: string): boolean {
  return isUtf16(ws.readHead?.(file, 2));
}
