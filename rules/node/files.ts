/**
 * File-system access shared by the CLI and the language server: finding the files to analyze
 * (skipping `node_modules`, `.git` and what `.gitignore` ignores, never following symlinks) and a
 * workspace view over the disk with an overlay of open editors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { fileKindOf } from '../engine/analyze';
import { gitCommonDir, gitConfigValue, gitFileTarget, gitIgnoreCase, gitIndexPaths, repositoryRoot } from '../engine/repo';
import type { FileKind, WorkspaceView } from '../engine/types';

/** Files larger than this are not analyzed (and reported once as skipped). */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

/** A `.gitignore` larger than this is not read (as one that is not there). */
const MAX_IGNORE_FILE_BYTES = 4 * 1024 * 1024;

const ALWAYS_SKIPPED = new Set(['node_modules', '.git', '.hg', '.svn']);

export interface FoundFile {
  path: string;
  kind: FileKind;
}

export interface WalkOptions {
  /** Stop after this many files (a bound on hostile or huge trees). */
  maxFiles?: number;
  /** Called for every directory entered; return false to stop (e.g. cancellation). */
  shouldContinue?: () => boolean;
  /** Called for each YAML file (`.yml`, `.yaml`) that is not named like a compose file and is not ignored. */
  onOtherYaml?: (path: string) => void;
  /** Called for each symbolic link named like a Dockerfile or compose file that is not ignored: the walk does not follow it. */
  onSymlink?: (path: string) => void;
  /**
   * How far up the git repository of an ignored file is looked for (its index says whether git tracks
   * the file): the walk's root by default, so nothing outside it is read (the editor's workspace); the
   * CLI passes the file system root, for a walk that starts in a repository's subfolder.
   */
  repositoryTop?: string;
  /**
   * A folder above the walk's root whose `.gitignore` files, and those of every folder from it down to the
   * root, apply to the walk as well, as git applies them (the repository's root, for a walk that starts in one
   * of its subfolders: `check sub` skipped none of what the root's `generated/` ignores, `check .` did; review
   * 41a, F9.4). The root itself is walked whatever they say of it (it was named).
   */
  ignoreFrom?: string;
  /**
   * Folders below the root that the walk does not enter: the workspace folders nested in the one walked, whose
   * files belong to them (their globs, their own walk) and were found twice (review 41b, item 6).
   */
  skipFolders?: readonly string[];
  /**
   * Called for a folder that cannot be listed (it is skipped) and a `.gitignore` that cannot be read (the walk
   * goes on without its patterns), with the error (EACCES…): a walk that skipped them silently passed for a
   * clean one (review 41a, F1). A folder or file that vanished during the walk is not reported.
   */
  onUnreadable?: (path: string, error: NodeJS.ErrnoException, what: 'folder' | 'file') => void;
  /** Called for each FIFO, device or socket named like a Dockerfile or compose file that is not ignored: never read (it would block, or never end). */
  onNotAFile?: (path: string, what: string) => void;
}

/** Walks a directory for Dockerfiles and compose files, honoring `.gitignore` files on the way. */
export function findFiles(root: string, options: WalkOptions = {}): FoundFile[] {
  const out: FoundFile[] = [];
  const tracked = new TrackedPaths(options.repositoryTop ?? root);
  const maxFiles = options.maxFiles ?? 100_000;
  const stack: { dir: string; rules: { base: string; ig: Ignore }[] }[] = [{ dir: root, rules: options.ignoreFrom === undefined ? [] : ignoreFilesAbove(options.ignoreFrom, root, tracked, options) }];
  while (stack.length > 0) {
    if (options.shouldContinue && !options.shouldContinue()) break;
    const { dir, rules } = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      if (!isAbsence(e)) options.onUnreadable?.(dir, e as NodeJS.ErrnoException, 'folder');
      continue;
    }
    let here = rules;
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        const text = readRegularFile(path.join(dir, '.gitignore'), MAX_IGNORE_FILE_BYTES);
        if (text) here = [...rules, { base: dir, ig: ignore({ ignorecase: tracked.ignoreCase(dir) }).add(text.toString('utf8')) }];
      } catch (e) {
        // Unreadable: the parent's rules (and the caller is told).
        options.onUnreadable?.(path.join(dir, '.gitignore'), e as NodeJS.ErrnoException, 'file');
      }
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const e of entries) {
      if (e.isSymbolicLink()) {
        if (options.onSymlink) {
          const full = path.join(dir, e.name);
          if (fileKindOf(full) && !(isIgnored(here, full, false) && !tracked.has(full))) options.onSymlink(full);
        }
        continue;
      }
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (ALWAYS_SKIPPED.has(e.name) || options.skipFolders?.includes(full)) continue;
        // .gitignore does not apply to files git already tracks: an ignored folder is entered when it holds one.
        if (isIgnored(here, full, true) && !tracked.holds(full)) continue;
        stack.push({ dir: full, rules: here });
      } else if (e.isFile()) {
        const kind = fileKindOf(full);
        if (!kind) {
          if (options.onOtherYaml && /\.ya?ml$/i.test(e.name) && !isIgnored(here, full, false)) options.onOtherYaml(full);
          continue;
        }
        // A committed compose file that a `*` line matches is still committed, and deployed (review 10, probe dc-05).
        if (isIgnored(here, full, false) && !tracked.has(full)) continue;
        out.push({ path: full, kind });
        if (out.length >= maxFiles) return out.sort(byPath);
      } else if (options.onNotAFile && fileKindOf(full) && !(isIgnored(here, full, false) && !tracked.has(full))) {
        options.onNotAFile(full, entryKind(e));
      }
    }
  }
  return out.sort(byPath);
}

/**
 * The `.gitignore` rules of `top` and of each folder below it down to `root`'s parent (none when `root` is not
 * below `top`, or when they ignore `root` or a folder on the way: a folder named to be walked is walked whole).
 */
function ignoreFilesAbove(top: string, root: string, tracked: TrackedPaths, options: WalkOptions): { base: string; ig: Ignore }[] {
  const rel = path.relative(top, root);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return [];
  const rules: { base: string; ig: Ignore }[] = [];
  let dir = top;
  for (const part of rel.split(path.sep)) {
    const file = path.join(dir, '.gitignore');
    try {
      const text = readRegularFile(file, MAX_IGNORE_FILE_BYTES);
      if (text) rules.push({ base: dir, ig: ignore({ ignorecase: tracked.ignoreCase(dir) }).add(text.toString('utf8')) });
    } catch (e) {
      options.onUnreadable?.(file, e as NodeJS.ErrnoException, 'file');
    }
    dir = path.join(dir, part);
    if (isIgnored(rules, dir, true)) return [];
  }
  return rules;
}

/**
 * Whether findFiles(root) would find the file at `filePath` (named like a Dockerfile or compose file):
 * no folder on the way is node_modules, .git…, a symbolic link, or ignored by a `.gitignore` (unless git
 * tracks a file below it), and the file itself is not ignored (unless tracked), with the `.gitignore` files from
 * `ignoreFrom` down as findFiles applies them. For one file that changed (a file watcher's event), the scope of the
 * walk without walking.
 */
export function walkFinds(root: string, filePath: string, options: Pick<WalkOptions, 'repositoryTop' | 'ignoreFrom'> = {}): boolean {
  const rel = path.relative(root, filePath);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return false;
  const parts = rel.split(path.sep);
  const tracked = new TrackedPaths(options.repositoryTop ?? root);
  let rules: { base: string; ig: Ignore }[] = options.ignoreFrom === undefined ? [] : ignoreFilesAbove(options.ignoreFrom, root, tracked, {});
  let dir = root;
  for (let i = 0; ; i++) {
    try {
      const text = readRegularFile(path.join(dir, '.gitignore'), MAX_IGNORE_FILE_BYTES);
      if (text) rules = [...rules, { base: dir, ig: ignore({ ignorecase: tracked.ignoreCase(dir) }).add(text.toString('utf8')) }];
    } catch {
      /* no (readable) .gitignore here: the parent's rules */
    }
    const full = path.join(dir, parts[i]);
    const last = i === parts.length - 1;
    if (last) return !(isIgnored(rules, full, false) && !tracked.has(full));
    if (ALWAYS_SKIPPED.has(parts[i])) return false;
    try {
      if (fs.lstatSync(full).isSymbolicLink()) return false;
    } catch {
      return false;
    }
    if (isIgnored(rules, full, true) && !tracked.holds(full)) return false;
    dir = full;
  }
}

/**
 * repositoryRoot on the disk (not above `top`, when given): the nearest folder at or above `dir` with a `.git`, whose
 * `.git` file, when it is one, is a gitfile git reads (a malformed one is no repository: repositoryRoot).
 */
export function diskRepositoryRoot(dir: string, top?: string): string | null {
  return repositoryRoot({ exists: (x) => fs.existsSync(x), readText: readGitFile }, dir, top);
}

/** The text of a small regular file (a `.git` file), else undefined (a folder, a link, missing, unreadable). */
function readGitFile(p: string): string | undefined {
  try {
    return readRegularFile(p, 64 * 1024)?.toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * The paths the git index of their repository lists (read once per repository, bounded), asked only
 * for what `.gitignore` ignores: git ignores only untracked files.
 */
class TrackedPaths {
  private readonly byRoot = new Map<string, { files: Set<string>; dirs: Set<string> } | null>();

  /** `top`: the walk's root; the repository is looked for at or below it only (nothing outside the workspace is read). */
  constructor(private readonly top: string) {}

  private of(p: string): { rel: string; index: { files: Set<string>; dirs: Set<string> } } | undefined {
    const root = diskRepositoryRoot(path.dirname(p), this.top);
    if (!root) return undefined;
    let index = this.byRoot.get(root);
    if (index === undefined) {
      index = null;
      try {
        // A regular file only, not through a link: a FIFO would block the walk, /dev/zero never ends (review 41a, F10).
        const bytes = readRegularFile(path.join(root, '.git', 'index'), 64 * 1024 * 1024);
        const files = bytes ? gitIndexPaths(bytes) : undefined;
        if (files) {
          const dirs = new Set<string>();
          for (const f of files) for (let i = f.lastIndexOf('/'); i > 0; i = f.lastIndexOf('/', i - 1)) dirs.add(f.slice(0, i));
          index = { files, dirs };
        }
      } catch {
        /* no index (a worktree's .git file, a fresh repository): nothing is tracked as far as we know */
      }
      this.byRoot.set(root, index);
    }
    return index ? { rel: path.relative(root, p).split(path.sep).join('/'), index } : undefined;
  }

  has(file: string): boolean {
    const t = this.of(file);
    return !!t && t.index.files.has(t.rel);
  }

  holds(dir: string): boolean {
    const t = this.of(dir);
    return !!t && t.index.dirs.has(t.rel);
  }

  private readonly caseByRoot = new Map<string, boolean>();

  /**
   * Whether git matches the patterns of the `.gitignore` in `dir` without regard to case: its repository's
   * `core.ignorecase` (gitIgnoreCase, as isGitIgnored reads it), false in no repository (git's default on Linux; the
   * `ignore` package's own default, true, skipped a `generated/` folder that `GENERATED/` does not ignore for git).
   */
  ignoreCase(dir: string): boolean {
    const root = diskRepositoryRoot(dir, this.top);
    if (!root) return false;
    let value = this.caseByRoot.get(root);
    if (value === undefined) {
      value = gitIgnoreCase({ readText: readGitFile }, root);
      this.caseByRoot.set(root, value);
    }
    return value;
  }
}

/**
 * The bytes of a regular file of at most `max` bytes; undefined when the path holds none (missing, a
 * symbolic link, a folder, a FIFO, a device) or a larger one. Looked at with lstat, then opened without
 * following a link and without blocking, and looked at again once open: a FIFO would block the read
 * until a writer comes, a device such as /dev/zero never ends. Throws the I/O error of a regular file
 * that cannot be read (EACCES…).
 */
export function readRegularFile(p: string, max: number): Buffer | undefined {
  let st: fs.Stats | undefined;
  try {
    st = lstatIfThere(p);
  } catch (e) {
    if (isAbsence(e)) return undefined;
    throw e;
  }
  if (!st || !st.isFile() || st.size > max) return undefined;
  const fd = fs.openSync(p, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const open = fs.fstatSync(fd);
    if (!open.isFile() || open.size > max) return undefined;
    const buf = Buffer.alloc(open.size);
    let at = 0;
    while (at < buf.length) {
      const n = fs.readSync(fd, buf, at, buf.length - at, at);
      if (n === 0) break;
      at += n;
    }
    return buf.subarray(0, at);
  } finally {
    fs.closeSync(fd);
  }
}

/** What a directory entry or a file's status is, when it is no regular file: `a named pipe (FIFO)`… */
export function entryKind(e: fs.Dirent | fs.Stats): string {
  if (e.isDirectory()) return 'a folder';
  if (e.isSymbolicLink()) return 'a symbolic link';
  if (e.isFIFO()) return 'a named pipe';
  if (e.isCharacterDevice() || e.isBlockDevice()) return 'a device';
  if (e.isSocket()) return 'a socket';
  return e.isFile() ? 'a regular file' : 'not a regular file';
}

/**
 * An I/O error in plain words with its code, for the user: `permission denied (EACCES)`, from the system's
 * message (`EACCES: permission denied, open '…'`) without the path it names.
 */
export function describeIoError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const words = /^[A-Z0-9_]+: ([^,]+)/.exec(err.message ?? '')?.[1];
  if (err.code && words) return `${words} (${err.code})`;
  return err.code ?? err.message ?? String(e);
}

/** Whether an error says that nothing (or no folder on the way) is at a path: nothing to read, not a failure to read. */
function isAbsence(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * lstat, undefined when nothing is at the path (ENOENT) instead of an exception: most paths the analyses look for are
 * not there (a Dockerfile's `<name>.dockerignore`, the sources of its COPY lines in a folder that is not their context),
 * and each missing one threw an error with its stack trace (over the benchmark's 853 Dockerfiles, 1,093 of them). Other
 * errors (ENOTDIR: a file on the way; EACCES…) still throw.
 */
function lstatIfThere(p: string): fs.Stats | undefined {
  return fs.lstatSync(p, { throwIfNoEntry: false });
}

function byPath(a: FoundFile, b: FoundFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function isIgnored(rules: { base: string; ig: Ignore }[], full: string, isDir: boolean): boolean {
  let ignored = false;
  for (const { base, ig } of rules) {
    let rel = path.relative(base, full).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    if (isDir) rel += '/';
    const r = ig.test(rel);
    if (r.ignored) ignored = true;
    else if (r.unignored) ignored = false;
  }
  return ignored;
}

/** A read for analysis; a failure's `detail` says why in plain words: the error (`permission denied (EACCES)`) or what the path holds (`a named pipe (FIFO)`). */
export type ReadResult = { ok: true; text: string } | { ok: false; reason: 'missing' | 'too-large' | 'binary' | 'unreadable' | 'not-a-file'; detail?: string };

/** Reads a file as text for analysis; refuses symlinks, directories, binary files and files over the cap. */
export function readForAnalysis(filePath: string, maxBytes = DEFAULT_MAX_FILE_BYTES): ReadResult {
  return readSized(filePath, maxBytes).result;
}

/** readForAnalysis, with the file's size (-1 when it is not a regular file). */
function readSized(filePath: string, maxBytes: number): { result: ReadResult; size: number } {
  let st: fs.Stats | undefined;
  try {
    st = lstatIfThere(filePath);
  } catch (e) {
    return { result: isAbsence(e) ? { ok: false, reason: 'missing' } : { ok: false, reason: 'unreadable', detail: describeIoError(e) }, size: -1 };
  }
  if (!st) return { result: { ok: false, reason: 'missing' }, size: -1 };
  if (!st.isFile()) return { result: { ok: false, reason: 'not-a-file', detail: entryKind(st) }, size: -1 };
  if (st.size > maxBytes) return { result: { ok: false, reason: 'too-large' }, size: st.size };
  let buf: Buffer;
  try {
    buf = fs.readFileSync(filePath);
  } catch (e) {
    return { result: { ok: false, reason: 'unreadable', detail: describeIoError(e) }, size: st.size };
  }
  const text = decodeText(buf);
  if (text === undefined) return { result: { ok: false, reason: 'binary' }, size: st.size };
  return { result: { ok: true, text }, size: st.size };
}

/** How a file's bytes are text: UTF-8 (with or without a byte order mark), UTF-16 with its byte order mark, or neither. */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'not-utf-8';

/** The encoding of a file's bytes (TextEncoding). UTF-16 is recognized by its byte order mark only, as go-yaml (Compose's parser) does. */
export function textEncodingOf(buf: Uint8Array): TextEncoding {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return 'utf-16le';
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return 'utf-16be';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return 'utf-8';
  } catch {
    return 'not-utf-8';
  }
}

/**
 * A file's bytes as text, without a byte order mark, or undefined for a binary file (one that holds NUL). UTF-16
 * with a byte order mark (what Windows PowerShell 5's `>` writes) is decoded as such: go-yaml, Compose's parser,
 * reads it, and it was skipped as binary, exit 0 (review 43a, item 2). Anything else is read as UTF-8, an invalid
 * byte as U+FFFD: good enough to analyze, never to write back (textEncodingOf; review 43a, item 1).
 */
export function decodeText(buf: Uint8Array): string | undefined {
  // The byte order marks only: a full UTF-8 validation of every file read is left to encodingOnDisk, for the files a fix writes.
  const encoding = buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) ? textEncodingOf(buf) : 'utf-8';
  let text: string;
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    // The bytes of UTF-16BE swapped into UTF-16LE (Node's TextDecoder knows UTF-16BE only with full ICU); an odd last byte is dropped.
    const even = buf.subarray(2, buf.length - (buf.length % 2));
    const le = encoding === 'utf-16le' ? even : Buffer.from(even).swap16();
    text = new TextDecoder('utf-16le').decode(le);
  } else {
    if (buf.includes(0)) return undefined;
    text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  }
  return text.includes('\u0000') ? undefined : text;
}

/** How a file's text is written back: TextEncoding's text encodings, UTF-8 with or without its byte order mark. */
export type WriteEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';

/** The encoding to write a file of these bytes in (its byte order mark tells), or undefined for bytes that are not text decodeText reads exactly. */
export function writeEncodingOf(buf: Uint8Array): WriteEncoding | undefined {
  const e = textEncodingOf(buf);
  if (e === 'not-utf-8') return undefined;
  const w: WriteEncoding = e === 'utf-8' ? (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 'utf-8-bom' : 'utf-8') : e;
  if (w === 'utf-8' || w === 'utf-8-bom') return w;
  // UTF-16 read exactly: written back, its text gives its bytes (no odd last byte, no lone surrogate read as U+FFFD).
  const text = decodeText(buf);
  return text !== undefined && Buffer.compare(encodeText(text, w), Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)) === 0 ? w : undefined;
}

/**
 * Text as the bytes of a file in an encoding (decodeText's inverse: the byte order mark first, for UTF-16 and
 * `utf-8-bom`). `--fix` writes a file back in the encoding it was read in (cli44 item 4).
 */
export function encodeText(text: string, encoding: WriteEncoding): Buffer {
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8');
  if (encoding === 'utf-8-bom') return Buffer.from(`\uFEFF${text}`, 'utf8');
  const le = Buffer.from(`\uFEFF${text}`, 'utf16le');
  return encoding === 'utf-16le' ? le : le.swap16();
}

/**
 * The encoding to write the regular file at `p` back in (writeEncodingOf), 'inexact' for one whose bytes decodeText
 * does not read exactly (Latin-1…), undefined when none is there (a fix creates it, as UTF-8) or the path holds no
 * regular file. Throws the error of a file that cannot be read.
 */
export function writeEncodingOnDisk(p: string): WriteEncoding | 'inexact' | undefined {
  const bytes = readRegularFile(p, 64 * 1024 * 1024);
  return bytes === undefined ? undefined : (writeEncodingOf(bytes) ?? 'inexact');
}

/**
 * The encoding of the regular file at `p` (textEncodingOf), or undefined when none is there (a fix creates it) or the
 * path holds no regular file (a link, a folder: writing refuses those with its own words). A fix writes only a UTF-8
 * file (with or without a byte order mark), whose text as read is its bytes exactly: a file of another encoding
 * (Latin-1, or invalid bytes) was read with U+FFFD for each invalid byte, and writing it back replaced every one, on
 * lines no fix touched too (a Latin-1 comment, another password in `.env`; review 43a, item 1). Throws the error of a
 * file that cannot be read.
 */
export function encodingOnDisk(p: string): TextEncoding | undefined {
  const bytes = readRegularFile(p, 64 * 1024 * 1024);
  return bytes === undefined ? undefined : textEncodingOf(bytes);
}

/**
 * The reads of one run that reads a file twice (the CLI reads each compose file while it collects
 * the files, to follow `include:`, and again to analyze it): `read` remembers what it read, `take`
 * hands a remembered read over once and forgets it, or reads without remembering. Either answers
 * as readForAnalysis would with its own cap: the file's size is kept, so a smaller cap still
 * refuses a file read under a larger one, and a file refused as too large is read again under a
 * larger cap.
 */
export class RunReads {
  private known = new Map<string, { result: ReadResult; size: number }>();

  read = (filePath: string, maxBytes = DEFAULT_MAX_FILE_BYTES): ReadResult => {
    const hit = this.answer(filePath, maxBytes);
    if (hit) return hit;
    const r = readSized(filePath, maxBytes);
    this.known.set(filePath, r);
    return r.result;
  };

  take(filePath: string, maxBytes = DEFAULT_MAX_FILE_BYTES): ReadResult {
    const hit = this.answer(filePath, maxBytes);
    this.known.delete(filePath);
    return hit ?? readForAnalysis(filePath, maxBytes);
  }

  private answer(filePath: string, maxBytes: number): ReadResult | undefined {
    const hit = this.known.get(filePath);
    if (!hit) return undefined;
    if (hit.size > maxBytes) return { ok: false, reason: 'too-large' };
    return hit.result.ok || hit.result.reason !== 'too-large' ? hit.result : undefined;
  }
}

/** Whether `p` is the folder `dir` or lies below it (absolute paths, as written). */
export function isInside(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

/**
 * The innermost folder of `roots` that holds `p` (as written), or undefined: with nested workspace folders a
 * file belongs to the closest one, as VS Code's `workspace.getWorkspaceFolder` and its resource-scoped settings
 * have it (microsoft/vscode#45580). The first that held it made the answer depend on the folders' order, and
 * matched the inner folder's globs relative to the outer one (review 41b, item 6).
 */
export function rootOf(p: string, roots: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const r of roots) if (isInside(p, r) && (best === undefined || r.length > best.length)) best = r;
  return best;
}

/**
 * Whether a git folder named by a `.git` file (a gitfile's `gitdir:`) is laid out as git lays out the git folder of a
 * linked worktree (`<common>/worktrees/<id>`, `git worktree add`) or of a submodule (`<superproject's git folder>/modules/<name>`;
 * gitrepository-layout(5): "worktrees/", "modules/"). The server reads such a folder's `commondir` and its common folder's
 * `config` and `info/exclude` outside the workspace folders (as git does), no other folder a `.git` file names (review 56c, F3).
 */
export function gitLayoutFolder(gitDir: string): boolean {
  return worktreeCommonDir(gitDir) !== undefined || submoduleGitDir(gitDir);
}

/**
 * Whether a folder is laid out as a submodule's git folder: `<git folder>/modules/<name>`, the git folder being a `.git`
 * (or a bare `<name>.git`), `<name>` one or more components (a submodule's name may hold slashes, `libs/foo`; a nested
 * submodule's is `.git/modules/a/modules/b`). Any folder with a `modules` above it (`/lib/modules/6.1/build`, a user's
 * `~/private/modules/x`) was taken for one before (review57): a `.git` file is workspace content and chose where the
 * server read `commondir`, `config` and `info/exclude`. A superproject whose git folder has another name
 * (`--separate-git-dir`) is not followed, so its submodule's common ignore files are not read (as with no repository).
 */
function submoduleGitDir(gitDir: string): boolean {
  const parts = path.resolve(gitDir).split(path.sep);
  for (let j = 0; j + 2 < parts.length; j++) if ((parts[j] === '.git' || (parts[j].length > 4 && parts[j].endsWith('.git'))) && parts[j + 1] === 'modules') return true;
  return false;
}

/** The common folder of a linked worktree's git folder `<common>/worktrees/<id>` (what its `commondir`, `../..`, names), or undefined for another folder. */
function worktreeCommonDir(gitDir: string): string | undefined {
  return path.basename(path.dirname(gitDir)) === 'worktrees' ? path.dirname(path.dirname(gitDir)) : undefined;
}

/**
 * Whether a path inside one of `roots` (the workspace folders) reaches a symbolic link below its root:
 * each component after the root, the path itself included, is looked at with lstat, so a link is
 * neither followed nor read (a symlinked folder may point anywhere, outside the workspace too). A
 * missing component ends the walk (nothing behind it can be read). `known` caches answers per path.
 */
export function passesSymlink(p: string, roots: readonly string[], known?: Map<string, boolean>): boolean {
  const root = rootOf(p, roots);
  if (root === undefined || p === root) return false;
  const parts = path.relative(root, p).split(path.sep);
  let cur = root;
  for (const part of parts) {
    cur = path.join(cur, part);
    let link = known?.get(cur);
    if (link === undefined) {
      let st: fs.Stats | undefined;
      try {
        st = lstatIfThere(cur);
      } catch {
        st = undefined;
      }
      // A missing component is no link (nothing under it can be read either); remembered like a link's answer,
      // until the watcher reports the path: the candidate files a compose file's analysis looks for are mostly
      // missing, and each lstat of one threw (review 40c, item 1: a sixth of a large file's code actions).
      if (!st) {
        known?.set(cur, false);
        return false;
      }
      link = st.isSymbolicLink();
      known?.set(cur, link);
    }
    if (link) return true;
  }
  return false;
}

/**
 * A workspace view over the disk. `overlay` (open editors) wins over the disk; reads are cached
 * until `invalidate` is called for the path (the server calls it on file-watcher events).
 * Only small regular files are read, and symlinks are not followed: with `roots`, neither a symlinked
 * file nor anything under a symlinked folder of the roots.
 */
/** How large a file the analyses read beside the file analyzed may be (a bound: a larger one is taken as absent). */
export const DEFAULT_RELATED_MAX_BYTES = 256 * 1024;

/** What the CLI (standard error) and the server (its log) say, once per file, of a related file over that cap. */
export function relatedTooLargeNotice(shown: string, maxBytes = DEFAULT_RELATED_MAX_BYTES): string {
  return `not read: ${shown} is over ${maxBytes / 1024} KiB, the cap on a file read beside the file analyzed (a .env, an env_file, an included or extended compose file, a .dockerignore, the compose file that builds a Dockerfile…): taken as absent, so findings that depend on it may be missing or wrong`;
}

export class DiskWorkspace implements WorkspaceView {
  /**
   * Every folder some cached path lies below (each `/`-prefix of every key ever cached, never forgotten): invalidate
   * scans the caches for the paths below a path only when the path is one of them. A watcher's burst of 5,000 events
   * for files nobody read (a checkout, a build writing dist/) scanned every key of six caches per event: 10-16 s of a
   * frozen server (review 41b, item 5).
   */
  private readonly knownDirs = new Set<string>();
  private cache = new PathMap<string | null>(this.knownDirs);
  /** What is at a path, as lstat says (never followed): exists, isSymbolicLink and listDir answer from it. */
  private kindCache = new PathMap<PathKind>(this.knownDirs);
  /** passesSymlink's answers (allowed): whether each component of a path below the roots is a symbolic link. */
  private linkCache = new PathMap<boolean>(this.knownDirs);
  private dirCache = new PathMap<string[] | null>(this.knownDirs);
  /** readHead's answers: the first `max` bytes of a file, or null when the path holds no readable regular file. */
  private headCache = new PathMap<{ max: number; bytes: Uint8Array | null }>(this.knownDirs);

  constructor(
    private readonly overlay: (p: string) => string | undefined = () => undefined,
    private readonly maxBytes = DEFAULT_RELATED_MAX_BYTES,
    /** When set, nothing outside these folders is read. */
    private readonly roots?: () => string[],
    /** How a file is read (the CLI shares its reads: RunReads). */
    private readonly readFile: (p: string, maxBytes: number) => ReadResult = readForAnalysis,
    /**
     * Told of a file readText takes as absent because it is over `maxBytes` (once per read from the disk: the answer is
     * kept until the file changes), so that the CLI and the server can say that the findings depending on it are
     * missing (review 45c, item 8).
     */
    private readonly onTooLarge?: (p: string, maxBytes: number) => void,
    /**
     * The environment that locates the user's git configuration (`HOME`, `XDG_CONFIG_HOME`, `GIT_CONFIG_GLOBAL`), for
     * a view that reads per-user state: given (the CLI, which runs as the user, passes process.env), it has
     * gitExcludesFile; not given (the server), nothing of the user's is read.
     */
    userEnv?: NodeJS.ProcessEnv,
  ) {
    if (userEnv) this.gitExcludesFile = (root) => userExcludesFile(this, userEnv, root);
  }

  /** WorkspaceView.gitExcludesFile: only with the user's environment (see the constructor). */
  readonly gitExcludesFile?: (repoRoot: string) => string | undefined;

  /**
   * allowed()'s answers, for the roots they were given under: the same paths are asked again and again (every
   * analysis of a compose file looks for the roots that may include it), and each answer walked the path's
   * components (a server's scan of 1,900 files spent 12 of its 27 s there; review 41b, item 1).
   */
  private allowedCache = new PathMap<boolean>(this.knownDirs);
  /** The roots allowedCache's answers were given under (a copy, compared folder by folder: joining them cost every read a string). */
  private allowedRoots: readonly string[] = [];

  private allowed(p: string): boolean {
    const roots = this.roots?.();
    if (!roots || roots.length === 0) return true;
    if (!sameFolders(roots, this.allowedRoots)) this.rootsChanged(roots);
    let ok = this.allowedCache.get(p);
    if (ok === undefined) this.allowedCache.set(p, (ok = rootOf(p, roots) !== undefined && !passesSymlink(p, roots, this.linkCache)));
    return ok;
  }

  private rootsChanged(roots: readonly string[]): void {
    this.allowedCache.clear();
    this.allowedRoots = roots.slice();
    this.stamp++;
  }

  /** Bumped whenever what was read may be forgotten (invalidate, invalidatePaths) and when the roots change. */
  private stamp = 0;

  /**
   * StampedWorkspace (relations.ts): a number that stays the same as long as a path readText found no file at, and that
   * no open editor gives (overlaid), still has none for this view: its answer is remembered until invalidate forgets it,
   * and the roots (which decide what may be read) are the same. The git files above the workspace folders that
   * gitFileAbove allows are not covered: they are read again whenever their status changes (readAbove).
   */
  readStamp(): number {
    const roots = this.roots?.() ?? [];
    if (!sameFolders(roots, this.allowedRoots)) this.rootsChanged(roots);
    return this.stamp;
  }

  /** Whether an open editor gives the text of `p` (StampedWorkspace). */
  overlaid(p: string): boolean {
    return this.overlay(p) !== undefined;
  }

  readText(p: string): string | undefined {
    const open = this.overlay(p);
    if (open !== undefined) return open;
    // The `.git` of a folder above the workspace folders is read to tell a gitfile from a malformed one (repositoryMarkerAbove first: gitFileAbove looks for it).
    if (!this.allowed(p)) return this.repositoryMarkerAbove(p) || this.gitFileAbove(p) ? this.readAbove(p).text : undefined;
    // One map read per hit: a file that cannot be read is remembered as null (most root candidates do not exist).
    const hit = this.cache.get(p);
    if (hit !== undefined) return hit ?? undefined;
    const r = this.readFile(p, this.maxBytes);
    const text = r.ok ? r.text : undefined;
    this.cache.set(p, text ?? null);
    if (!r.ok && r.reason === 'too-large') this.onTooLarge?.(p, this.maxBytes);
    return text;
  }

  exists(p: string): boolean {
    if (this.overlay(p) !== undefined) return true;
    if (!this.allowed(p) && !this.repositoryMarkerAbove(p)) return false;
    return this.kindOf(p) !== 'none';
  }

  /** What lstat finds at `p`, remembered until the path is invalidated. */
  private kindOf(p: string): PathKind {
    let kind = this.kindCache.get(p);
    if (kind === undefined) this.kindCache.set(p, (kind = pathKind(p)));
    return kind;
  }

  /**
   * The files git reads above a workspace folder to tell whether a path in it is ignored or tracked, by workspace
   * folders (their `\u0000`-joined paths): for each folder below its repository's root (the nearest folder at or above
   * it with a `.git`, looked for as exists() looks for it), the `.gitignore` of the root and of every folder down to the
   * workspace folder's parent, the root's `.git` (a linked worktree's `gitdir:` file, which gitIndex reads), and in the
   * root's `.git` folder `info/exclude`, `config` (`core.ignorecase`) and `index` — what the CLI reads for the same
   * path (isGitIgnored, gitIgnoreCase, gitTracking over a view with no roots). And for a repository whose `.git` is a
   * file (a linked worktree's, a submodule's; above the workspace folder or in it), the `commondir` of the folder it names
   * and `info/exclude` and `config` (`core.ignorecase`) in the common folder that leads to (gitCommonDir), as git reads them:
   * outside the workspace folders only when the folder is laid out as git lays out a linked worktree's or a submodule's
   * git folder and the common folder is the one that layout gives (gitLayoutFolder; the `.git` file is workspace content).
   * `core.excludesFile`, the user's own, is read by the CLI only.
   * Nothing else above a workspace folder is read, nothing there is listed, and nothing is run: it is read in a restricted
   * (untrusted) workspace as well. Computed once per set of folders (the `.git` looked for once, as exists() keeps it).
   */
  private aboveFiles: { key: string; files: Set<string> } | undefined;

  private gitFileAbove(p: string): boolean {
    const base = path.basename(p);
    if (base !== '.gitignore' && base !== 'commondir' && base !== 'exclude' && base !== 'config' && !p.includes(`${path.sep}.git`)) return false;
    const roots = this.roots?.();
    if (!roots || roots.length === 0) return false;
    const key = roots.join('\u0000');
    if (this.aboveFiles?.key !== key) {
      // Set first: a `commondir` added below is read through readText, which asks this set.
      const files = new Set<string>();
      this.aboveFiles = { key, files };
      for (const r of roots) {
        const top = repositoryRoot(this, r);
        if (top === null) continue;
        const dotGit = path.join(top, '.git');
        if (top !== r) {
          for (let d = path.dirname(r); isInside(d, top); d = path.dirname(d)) {
            files.add(path.join(d, '.gitignore'));
            if (d === top || d === path.dirname(d)) break;
          }
          for (const f of [dotGit, path.join(dotGit, 'info', 'exclude'), path.join(dotGit, 'config'), path.join(dotGit, 'index')]) files.add(f);
        }
        const text = this.readText(dotGit);
        const gitDir = text === undefined ? undefined : gitFileTarget(text, top);
        // Outside the workspace folders, only a folder laid out as git lays out a linked worktree's or a submodule's git
        // folder is read: the `.git` file is workspace content and may name any folder (review 56c, F3).
        if (gitDir === undefined || (rootOf(gitDir, roots) === undefined && !gitLayoutFolder(gitDir))) continue;
        files.add(path.join(gitDir, 'commondir'));
        const common = gitCommonDir(this, top);
        if (rootOf(common, roots) === undefined && common !== gitDir && common !== worktreeCommonDir(gitDir)) continue;
        files.add(path.join(common, 'info', 'exclude'));
        files.add(path.join(common, 'config'));
      }
    }
    return this.aboveFiles.files.has(p);
  }

  /** What was read of a file gitFileAbove allows, with the status it had then (no watcher reports a change there). */
  private aboveCache = new Map<string, { stamp: string; text: string | undefined; head?: { max: number; bytes: Uint8Array } }>();

  /**
   * A file above the workspace folders (gitFileAbove), read again whenever its status (modification time, size, inode)
   * changes: no file watcher covers those folders, so a cached text would be kept until the server restarts. A lstat per
   * read; the next analysis sees an edit of the repository root's `.gitignore` (an open file's findings are refreshed
   * when it is analyzed again: edited, saved, reopened).
   */
  private readAbove(p: string): { text: string | undefined; head?: { max: number; bytes: Uint8Array }; stamp: string } {
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(p, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    const stamp = st ? `${st.mtimeMs}:${st.size}:${st.ino}:${st.mode}` : '';
    const hit = this.aboveCache.get(p);
    if (hit && hit.stamp === stamp) return hit;
    let text: string | undefined;
    if (st) {
      const r = this.readFile(p, this.maxBytes);
      text = r.ok ? r.text : undefined;
      if (!r.ok && r.reason === 'too-large') this.onTooLarge?.(p, this.maxBytes);
    }
    const entry = { stamp, text };
    this.aboveCache.set(p, entry);
    return entry;
  }

  /**
   * Whether `p` is the `.git` of a folder that holds a workspace folder (`/repo/.git` for the folder `/repo/app`): its
   * existence is looked at (lstat: a `.git` folder, or the `.git` file of a linked worktree or submodule), nothing is
   * read. The editor may open a subfolder of a repository: taken for "in no repository", it would leave DR001/DR004
   * silent where the CLI, which sees the whole disk, reports (review 48a, finding 2).
   */
  private repositoryMarkerAbove(p: string): boolean {
    if (path.basename(p) !== '.git') return false;
    const roots = this.roots?.();
    if (!roots || roots.length === 0) return false;
    const dir = path.dirname(p);
    return roots.some((r) => isInside(r, dir));
  }

  isSymbolicLink(p: string): boolean {
    if (!this.allowed(p)) return false;
    return this.kindOf(p) === 'link';
  }

  readHead(p: string, max: number): Uint8Array | undefined {
    const open = this.overlay(p);
    if (open !== undefined) return Buffer.from(open, 'utf8').subarray(0, max);
    if (!this.allowed(p)) {
      if (!this.gitFileAbove(p)) return undefined;
      // Read with its status, as readAbove reads the text (the head is asked of the same ignore files, for a UTF-16 mark).
      const entry = this.readAbove(p);
      if (entry.stamp === '') return undefined;
      if (entry.head === undefined || entry.head.max < max) entry.head = { max, bytes: readFileHead(p, max) ?? new Uint8Array(0) };
      return entry.head.bytes.subarray(0, max);
    }
    // Cached like readText (a path that holds no readable file as null): every analysis of a Dockerfile
    // reads the head of each ADD source, on every keystroke in the editor, and most sources are not there.
    const hit = this.headCache.get(p);
    if (hit !== undefined && (hit.bytes === null || hit.max >= max)) return hit.bytes === null ? undefined : hit.bytes.subarray(0, max);
    const bytes = readFileHead(p, max);
    this.headCache.set(p, { max, bytes: bytes ?? null });
    return bytes;
  }

  listDir(dir: string): string[] | undefined {
    if (!this.allowed(dir)) return undefined;
    const hit = this.dirCache.get(dir);
    if (hit !== undefined) return hit ?? undefined;
    // Listed only when lstat finds a folder there, or a link (readdir follows it, as before): a file or nothing cannot be
    // listed (ENOTDIR, ENOENT), and the rules ask for the listing of every entry they meet (DR003's walk of a context), each
    // file's a thrown error with its stack trace.
    const kind = this.kindOf(dir);
    let names: string[] | null = null;
    if (kind === 'folder' || kind === 'link') {
      try {
        names = fs.readdirSync(dir);
      } catch {
        names = null;
      }
    }
    this.dirCache.set(dir, names);
    return names ?? undefined;
  }

  private indexCache = new PathMap<{ mtimeMs: number; size: number; bytes: Uint8Array }>(this.knownDirs);

  /**
   * The repository's index, up to 32 MB: `<repoRoot>/.git/index`, or, when `.git` is a file (a linked
   * worktree, a submodule), the `index` of the folder its `gitdir:` line names, when that folder is in
   * the workspace. Read again when its modification time or size changes (git rewrites it on add,
   * commit, checkout and rm). Null when the repository has no index yet; undefined when it cannot be read.
   */
  gitIndex(repoRoot: string): Uint8Array | null | undefined {
    const dotGit = path.join(repoRoot, '.git');
    if (!this.allowed(dotGit) && !this.gitFileAbove(dotGit)) return undefined;
    let gitDir = dotGit;
    try {
      const st = fs.lstatSync(dotGit);
      if (st.isFile()) {
        const target = gitFileTarget(st.size <= 4096 ? fs.readFileSync(dotGit, 'utf8') : '', repoRoot);
        if (target === undefined) return undefined;
        gitDir = target;
      } else if (!st.isDirectory()) return undefined;
    } catch {
      return undefined;
    }
    const p = path.join(gitDir, 'index');
    if (!this.allowed(p) && !this.gitFileAbove(p)) return undefined;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      this.indexCache.delete(p);
      // A repository in which nothing was added yet has no index.
      return fs.existsSync(gitDir) ? null : undefined;
    }
    if (!st.isFile() || st.size > 32 * 1024 * 1024) return undefined;
    const hit = this.indexCache.get(p);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.bytes;
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(p);
    } catch {
      return undefined;
    }
    this.indexCache.set(p, { mtimeMs: st.mtimeMs, size: st.size, bytes });
    return bytes;
  }

  /**
   * Whether what is remembered of a file (its text, whether it exists) is no longer what the disk holds: the file was
   * written since it was read, and no watcher event has said so yet (the event comes late, batched by the client, or
   * never for a folder no watcher covers). Read again to tell (a small file). False for an open document (the editor's
   * text wins), for a path this view may not read, and for one it has not read. The server asks it for the files a fix
   * edits or creates beside the document, before it offers the fix (review 43b, item 4).
   */
  changedOnDisk(p: string): boolean {
    if (this.overlay(p) !== undefined || !this.allowed(p)) return false;
    const text = this.cache.get(p);
    const kind = this.kindCache.get(p);
    const exists = kind === undefined ? undefined : kind !== 'none';
    if (text === undefined && exists === undefined) return false;
    if (text !== undefined) {
      const r = this.readFile(p, this.maxBytes);
      if ((r.ok ? r.text : null) !== text) return true;
    }
    if (exists !== undefined) {
      if (lstatExists(p) !== exists) return true;
    }
    return false;
  }

  /** Forgets what was read of a path (and of everything below it, and the listing of its folder), or of every path. */
  invalidate(p?: string): void {
    this.stamp++;
    if (p === undefined) {
      for (const c of this.caches()) c.clear();
      this.aboveFiles = undefined;
      this.aboveCache.clear();
      return;
    }
    this.invalidatePaths([p]);
  }

  /**
   * invalidate for each of the paths (a watcher's batch of events), in one pass over the caches for the paths below
   * them, and none when no cached path lies below any of them: the work is proportional to the events, not to the
   * events times the cache (review 41b, item 5).
   */
  invalidatePaths(paths: Iterable<string>): void {
    this.stamp++;
    const caches = this.caches();
    const folders = new Set<string>();
    for (const p of paths) {
      for (const c of caches) c.delete(p);
      this.dirCache.delete(path.dirname(p));
      const dir = p.length > 1 && p.endsWith(path.sep) ? p.slice(0, -1) : p;
      // The file system's root holds every path (a key has no empty prefix in knownDirs).
      if (dir === path.sep || dir === '' || this.knownDirs.has(dir)) folders.add(dir === '' ? path.sep : dir);
    }
    if (folders.size === 0) return;
    const below = folders.has(path.sep) ? () => true : (k: string) => {
      for (let i = k.lastIndexOf(path.sep); i > 0; i = k.lastIndexOf(path.sep, i - 1)) if (folders.has(k.slice(0, i))) return true;
      return false;
    };
    for (const c of caches) for (const k of c.keys()) if (below(k)) c.delete(k);
  }

  private caches(): Map<string, unknown>[] {
    return [this.cache, this.kindCache, this.linkCache, this.dirCache, this.indexCache, this.headCache, this.allowedCache];
  }
}

/**
 * The user's own ignore file for the repository at `root`, as git finds it: the last `core.excludesFile` of the user's
 * global configuration (`$GIT_CONFIG_GLOBAL` when set, else `$XDG_CONFIG_HOME/git/config` — `~/.config/git/config`
 * when XDG_CONFIG_HOME is unset or empty — then `~/.gitconfig`) and of the repository's (`config` in its common git
 * folder), `~/` read as the home folder and a relative path from the repository's root (where git runs from); unset,
 * `$XDG_CONFIG_HOME/git/ignore` or `~/.config/git/ignore` (git-config(1), core.excludesFile; gitignore(5)). The
 * system's configuration (`/etc/gitconfig`) and `[include]` files are not read. Undefined when set empty or no home is known.
 */
function userExcludesFile(ws: Pick<WorkspaceView, 'readText'>, env: NodeJS.ProcessEnv, root: string): string | undefined {
  const home = env.HOME || undefined;
  const xdg = env.XDG_CONFIG_HOME || (home === undefined ? undefined : path.join(home, '.config'));
  const configs = env.GIT_CONFIG_GLOBAL ? [env.GIT_CONFIG_GLOBAL] : [...(xdg === undefined ? [] : [path.join(xdg, 'git', 'config')]), ...(home === undefined ? [] : [path.join(home, '.gitconfig')])];
  configs.push(path.join(gitCommonDir(ws, root), 'config'));
  let value: string | undefined;
  for (const file of configs) {
    const text = ws.readText(file);
    const v = text === undefined ? undefined : gitConfigValue(text, 'core', 'excludesFile');
    if (v !== undefined) value = v;
  }
  if (value === undefined) return xdg === undefined ? undefined : path.join(xdg, 'git', 'ignore');
  if (value === '') return undefined;
  if (value === '~' || value.startsWith('~/')) return home === undefined ? undefined : path.join(home, value.slice(1));
  return path.resolve(root, value);
}

/** Whether two lists of folders are the same folders in the same order. */
function sameFolders(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A cache keyed by absolute path that records in `dirs` every folder above the keys it is given (see DiskWorkspace.knownDirs). */
class PathMap<V> extends Map<string, V> {
  constructor(private readonly dirs?: Set<string>) {
    super();
  }

  override set(key: string, value: V): this {
    // `dirs` holds every prefix of a folder it holds: the walk up stops at the first one known.
    if (this.dirs && !this.has(key)) {
      for (let i = key.lastIndexOf(path.sep); i > 0; i = key.lastIndexOf(path.sep, i - 1)) {
        const dir = key.slice(0, i);
        if (this.dirs.has(dir)) break;
        this.dirs.add(dir);
      }
    }
    return super.set(key, value);
  }
}

/** The first `max` bytes of a regular file (not through a symbolic link); undefined when there is none to read. */
function readFileHead(p: string, max: number): Uint8Array | undefined {
  let fd: number | undefined;
  try {
    // Regular files only: lstat refuses a symbolic link, as every other read here does.
    if (!lstatIfThere(p)?.isFile()) return undefined;
    fd = fs.openSync(p, 'r');
    const buf = Buffer.alloc(max);
    const n = fs.readSync(fd, buf, 0, max, 0);
    return buf.subarray(0, n);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Whether something is at a path (the link itself for a symbolic link: never followed). */
function lstatExists(p: string): boolean {
  return pathKind(p) !== 'none';
}

/** What is at a path for DiskWorkspace: nothing it can see (missing, or an error such as EACCES), a folder, a symbolic link (never followed), a regular file or another kind of file. */
type PathKind = 'none' | 'folder' | 'link' | 'file' | 'other';

function pathKind(p: string): PathKind {
  let st: fs.Stats | undefined;
  try {
    st = lstatIfThere(p);
  } catch {
    return 'none';
  }
  if (!st) return 'none';
  return st.isDirectory() ? 'folder' : st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : 'other';
}
