#!/usr/bin/env node
/**
 * docker-guardrails CLI: the same engine as the editor, for CI.
 *   docker-guardrails check [paths…] [--format text|json|sarif|github] [--fail-on error|warning|info]
 *                          [--config FILE] [--fix | --fix-dry-run] [--output FILE] [--eol-date YYYY-MM-DD]
 *   docker-guardrails --explain CODE
 * Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or I/O error.
 */
import * as fs from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseDotenv } from 'dotenv';
import {
  allRules,
  analyze,
  analyzeAgain,
  applyConfigOptions,
  CONFIG_FILE_NAMES,
  DEFAULT_OPTIONS,
  eolToday,
  isIsoDate,
  staleDataNotice,
  STALE_DATA_MONTHS,
  fileKindOf,
  findConfigPath,
  includedFiles,
  inGlobScope,
  includeLimitNotice,
  fixFinding,
  fixInRounds,
  filesRead,
  secretsOf,
  secretRangesOf,
  fixIsSensitive,
  isSensitivePath,
  parseConfig,
  renderRuleText,
  ruleByCode,
  type Analysis,
  type EngineConfig,
  type FileSet,
  type Finding,
  type Fix,
  type LoadedConfig,
  type ConfigFile,
  type Severity,
  type WorkspaceView,
} from '../../rules';
import { decodeText, DEFAULT_MAX_FILE_BYTES, describeIoError, diskRepositoryRoot, DiskWorkspace, encodeText, findFiles, isInside, readForAnalysis, relatedTooLargeNotice, RunReads, writeEncodingOnDisk, type FoundFile, type WriteEncoding } from '../../rules/node/files';
import { GzipMeter } from './gzip-size';
import { printable, skippedReason, writeGithub, writeJson, writeSarif, writeText, type FileResult, type OfferedFix, type SarifNotice, type Write } from './format';
import { unifiedDiff } from './diff';
import { redactSecretsInLine } from './redact';
import { weakReason } from '../../rules/compose/DC041-weak-or-default-password';
import { mapDiffLines, maskSpans, placesOf, SecretValues, type SecretPlaces } from './secret-values';
import { registryFixPass } from './registry-fixes';
import { tuneV8ForShortRun } from './v8-tuning';

const USAGE = `Usage: docker-guardrails check [paths…] [options]
       docker-guardrails --explain CODE

Analyzes Dockerfiles and Docker Compose files (directories are walked; node_modules, .git and
untracked files ignored by .gitignore are skipped; YAML files not named like compose files are not analyzed
unless given as arguments, and those that look like one are named on standard error).

Options:
  --format text|json|sarif|github
                             output format (default: text); github prints workflow annotations
  --fail-on error|warning|info
                             exit 1 when a finding at or above this severity exists (default: error)
  --min-severity error|warning|info|hint
                             leave the findings below this severity out of the report and the exit
                             code (default: hint, all); e.g. warning keeps a large SARIF report
                             under GitHub code scanning's 25,000 results per run; --fix and
                             --fix-dry-run apply only the fixes of the findings reported
  --config FILE              use this config file instead of the nearest .docker-guardrails.yaml
                             (its include/exclude/productionGlobs globs are then relative to the
                             current folder; a config found beside the files: to its own folder)
  --eol-date YYYY-MM-DD      judge end of life (DF005/DC004) and the pins that avoid ended lines
                             (DF001/DC001/DF003/DC003) on this date instead of today's UTC date:
                             a CI run whose result must not change with the calendar, or a past
                             run reproduced (with the same version: the dates are bundled data)
  --fix                      apply every safe fix, then report what remains
  --fix-dry-run              print the safe fixes as a unified diff (to --output FILE if given;
                             no other --format); change nothing (the exit code is that of the
                             files as they are)
  --registry-lookups         with --fix/--fix-dry-run: also apply safe fixes that ask the image's
                             registry (pin DF002/DC002 findings to their digest); off by default
  --include-suppressed       with --format sarif: also list the findings silenced by ignore comments,
                             as results with "suppressions" (GitHub code scanning does not read
                             them and would open an alert for each: off by default)
  --output FILE              write the report to FILE instead of standard output (- is standard
                             output; ./- a file named -)
  --explain CODE             print a rule's documentation
  -h, --help                 show this help
  --version                  print the version

Exit codes: 0 no finding at or above --fail-on; 1 such findings; 2 usage, config or I/O error.

When the analysis date is more than ${STALE_DATA_MONTHS} months after the bundled image data was checked, a
notice on standard error says so (the report itself is unchanged).
`;

/** How many times --fix goes back over files that later fixes changed (each pass re-fixes only those). */
const MAX_STALE_PASSES = 3;

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };

export class UsageError extends Error {}

type Format = 'text' | 'json' | 'sarif' | 'github';

interface Options {
  paths: string[];
  format: Format;
  failOn: Severity;
  /** Findings below this severity are left out of the report and the exit code (review 43a, item 5). */
  minSeverity: Severity;
  output?: string;
  config?: string;
  fix: boolean;
  dryRun: boolean;
  registryLookups: boolean;
  includeSuppressed: boolean;
  /** The analysis date (--eol-date, YYYY-MM-DD), or null for today's UTC date, taken once for the run. */
  eolDate: string | null;
}

type Parsed = Options | { help: true } | { version: true } | { explain: string };

function parse(argv: string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        'fail-on': { type: 'string', default: 'error' },
        'min-severity': { type: 'string', default: 'hint' },
        output: { type: 'string' },
        config: { type: 'string' },
        'eol-date': { type: 'string' },
        fix: { type: 'boolean', default: false },
        'fix-dry-run': { type: 'boolean', default: false },
        'registry-lookups': { type: 'boolean', default: false },
        'include-suppressed': { type: 'boolean', default: false },
        explain: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (values.version) return { version: true };
  if (values.explain !== undefined) {
    // `check --explain DF001 .` printed the page and checked nothing, exit 0 (review 41a, F9.6).
    if (positionals.length > 0) throw new UsageError(`--explain prints a rule's page and takes no command or paths (got '${positionals.join(' ')}')`);
    return { explain: values.explain };
  }
  const [command, ...paths] = positionals;
  if (command !== 'check') throw new UsageError(command ? `unknown command '${command}'` : 'missing command');
  const format = values.format as string;
  if (!['text', 'json', 'sarif', 'github'].includes(format)) throw new UsageError(`--format must be text, json, sarif or github (got '${format}')`);
  const failOn = values['fail-on'] as string;
  if (failOn !== 'error' && failOn !== 'warning' && failOn !== 'info') throw new UsageError(`--fail-on must be error, warning or info (got '${failOn}')`);
  const minSeverity = values['min-severity'] as string;
  if (!(minSeverity in RANK)) throw new UsageError(`--min-severity must be error, warning, info or hint (got '${minSeverity}')`);
  if (values.fix && values['fix-dry-run']) throw new UsageError('--fix and --fix-dry-run exclude each other');
  // The dry run prints a unified diff, in no other format (review 37, item 2: --format was ignored silently).
  if (values['fix-dry-run'] && format !== 'text') throw new UsageError(`--fix-dry-run prints a unified diff and takes no --format ${format} (leave --format out, or use --fix to apply the fixes and report what remains)`);
  if (values['registry-lookups'] && !values.fix && !values['fix-dry-run']) throw new UsageError('--registry-lookups works with --fix or --fix-dry-run (it applies the fixes that ask the registry); alone it would do nothing');
  if (values['include-suppressed'] && format !== 'sarif') throw new UsageError(`--include-suppressed adds the suppressed findings to a SARIF report and takes --format sarif (got ${format})`);
  // `check "$DIR"` with DIR unset walked the current folder (review 41a, item 11.6).
  if (paths.some((p) => p === '')) throw new UsageError('an empty path (an unset variable?): name a file or folder, or leave the paths out to check the current folder');
  // A date of the calendar, written as YYYY-MM-DD (review 43d, item 10): `2027-2-1`, `2027-02-30`, `today` are refused, not read as some other day.
  const eolDate = values['eol-date'] as string | undefined;
  if (eolDate !== undefined && !isIsoDate(eolDate)) throw new UsageError(`--eol-date must be a date written YYYY-MM-DD, such as 2027-01-31 (got '${printable(eolDate)}')`);
  return {
    paths: paths.length > 0 ? paths : ['.'],
    format: format as Format,
    failOn,
    minSeverity: minSeverity as Severity,
    // `-` is standard output, as for most tools (a file named `-` is `./-`).
    output: values.output === '-' ? undefined : (values.output as string | undefined),
    config: values.config as string | undefined,
    fix: !!values.fix,
    dryRun: !!values['fix-dry-run'],
    registryLookups: !!values['registry-lookups'],
    includeSuppressed: !!values['include-suppressed'],
    eolDate: eolDate ?? null,
  };
}

/** How much of a file is read to tell whether it looks like a compose file or a Dockerfile. */
const SNIFF_BYTES = 64 * 1024;

/** The first SNIFF_BYTES of a regular file (not followed if a link, never a FIFO, whose open blocks); null for anything else or unreadable. */
function sniffed(file: string): string | null {
  try {
    if (!fs.lstatSync(file).isFile()) return null;
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(SNIFF_BYTES);
      const head = buf.subarray(0, fs.readSync(fd, buf, 0, SNIFF_BYTES, 0));
      // UTF-16 with a byte order mark as the analysis reads it (review 43a, item 2).
      return decodeText(head) ?? head.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
}

/**
 * Whether a YAML file that is not named like a compose file looks like one: a top-level `services:`
 * key and an indented `image:` or `build:` (read from its first 64 KB; unreadable files do not).
 */
function looksLikeCompose(file: string): boolean {
  const text = sniffed(file);
  if (text === null) return false;
  return /^services:[ \t]*(?:#.*)?\r?$/m.test(text) && /^[ \t]+(?:image|build):/m.test(text);
}

/**
 * The files to analyze under the given paths. `lookalikes`: YAML files of the walked folders that are
 * not named like compose files (so not analyzed, as in the editor) but look like one: the report
 * names them, so that "No findings in 0 files" is not read as a clean bill for `keycloak-mysql.yml`.
 */
function collect(paths: string[], ws: DiskWorkspace, lookalikes: string[] = [], symlinks: string[] = [], unreadable: string[] = [], notDocker: string[] = [], pastLimit = new Map<string, string>()): Collected[] {
  const seen = new Map<string, Collected>();
  const out: Collected[] = [];
  const otherYaml: string[] = [];
  // FIFOs and devices named like a Dockerfile or compose file: analyzed as files, they are reported as not checked (readJob), as a binary file is.
  const walk = (abs: string): FoundFile[] => {
    const special: FoundFile[] = [];
    const found = findFiles(abs, { ...walkOptions(abs), onNotAFile: (f) => special.push({ path: f, kind: fileKindOf(f)! }) });
    return special.length === 0 ? found : [...found, ...special].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  };
  const walkOptions = (abs: string) => ({
    onOtherYaml: (f: string) => otherYaml.push(f),
    onSymlink: (f: string) => symlinks.push(f),
    onUnreadable: (f: string, e: NodeJS.ErrnoException, what: 'folder' | 'file') => unreadable.push(`cannot read ${what === 'folder' ? 'the folder ' : ''}${shownPath(f)}: ${describeIoError(e)}`),
    repositoryTop: path.parse(abs).root,
    // The .gitignore files from the repository's root down apply to a walk of one of its subfolders, as git applies them.
    ignoreFrom: diskRepositoryRoot(abs) ?? undefined,
  });
  for (const p of paths) {
    const abs = path.resolve(p);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (e) {
      // The error as it is: a file in a folder the user cannot search is no typo (EACCES, review 41a, F9.1).
      const code = (e as NodeJS.ErrnoException).code;
      if (isSymlink(abs)) {
        if (code === 'ELOOP') throw new Error(`${p} is a symbolic link that leads back to itself (too many levels of symbolic links); symbolic links are not followed`);
        if (code === 'ENOENT' || code === 'ENOTDIR') throw new Error(`${p} is a symbolic link (to nothing that exists); symbolic links are not followed`);
        throw new Error(`${p} is a symbolic link; symbolic links are not followed`);
      }
      throw new Error(`${p}: ${code === 'ENOENT' ? 'no such file or directory' : describeIoError(e)}`);
    }
    // Files are read without following a link (nothing outside the project is read): say so rather than "cannot read" (review 37, item 6).
    // A folder too (review 41a, F9.2: `check link` walked the folder it points to, outside the project, and --fix wrote there).
    if (isSymlink(abs)) throw new Error(`${p} is a symbolic link${st.isDirectory() ? ' to a folder' : ''}; symbolic links are not followed (name the ${st.isDirectory() ? 'folder' : 'file'} it points to)`);
    // `Dockerfile/` names a folder: path.resolve drops the slash, so a file was checked (review 41a, item 11.6).
    if (!st.isDirectory() && /[\\/]$/.test(p)) throw new Error(`${p}: not a directory`);
    const namedKind = st.isDirectory() ? undefined : (fileKindOf(abs) ?? guessKind(abs));
    if (!st.isDirectory() && !namedKind) {
      notDocker.push(p);
      continue;
    }
    const found: FoundFile[] = st.isDirectory() ? withIncluded(walk(abs), abs, ws, pastLimit) : [{ path: abs, kind: namedKind as FoundFile['kind'] }];
    for (const f of found) {
      const known = seen.get(f.path);
      if (known) {
        // Named as well as found by a walk: it is analyzed as a named file.
        if (!st.isDirectory()) known.named = true;
        continue;
      }
      const c: Collected = { file: f, root: st.isDirectory() ? abs : path.dirname(abs), named: !st.isDirectory(), ...(st.isDirectory() ? {} : { typed: p }) };
      seen.set(f.path, c);
      out.push(c);
    }
  }
  for (const f of [...pastLimit.keys()]) if (seen.has(f)) pastLimit.delete(f);
  for (const f of new Set(otherYaml)) if (!seen.has(f) && !pastLimit.has(f) && looksLikeCompose(f)) lookalikes.push(f);
  return out;
}

/** The keys of a map grouped by their values, in the map's order. */
function groupedByValue(m: Map<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of m) {
    const list = out.get(v);
    if (list) list.push(k);
    else out.set(v, [k]);
  }
  return out;
}

/** A path as the CLI shows one it found: relative to the current folder. */
function shownPath(p: string): string {
  return path.relative(process.cwd(), p) || p;
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A file to analyze: the folder it was found under (its own for a named file), and whether it was named on the command line. */
interface Collected {
  file: FoundFile;
  root: string;
  /** Named on the command line: analyzed whatever the walk's scope (.gitignore, node_modules, the config's include/exclude). */
  named: boolean;
  /** A named file's path as the user typed it (messages about it quote it so). */
  typed?: string;
}

/**
 * Adds the YAML files that the found compose files pull in with `include:` (recursively) and that lie
 * under the walked root: they are compose files whatever their name (e.g. `include: [db/database.yml]`).
 */
function withIncluded(found: FoundFile[], root: string, ws: DiskWorkspace, pastLimit?: Map<string, string>): FoundFile[] {
  const known = new Set(found.map((f) => f.path));
  const added: FoundFile[] = [];
  for (const f of found) {
    if (f.kind !== 'compose') continue;
    const cut: string[] = [];
    for (const p of includedFiles(ws, f.path, undefined, cut)) {
      if (known.has(p) || !/\.ya?ml$/i.test(p) || !isInside(p, root)) continue;
      known.add(p);
      added.push({ path: p, kind: 'compose' });
    }
    // Files its include tree names past the bound on one tree's files: not analyzed (as in the editor), and said so.
    for (const p of cut) if (!pastLimit?.has(p) && /\.ya?ml$/i.test(p) && isInside(p, root) && ws.exists(p)) pastLimit?.set(p, f.path);
  }
  return added.length === 0 ? found : [...found, ...added].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A file named explicitly is analyzed even with an unusual name: YAML as compose, anything else as a Dockerfile. */
function guessKind(p: string): FoundFile['kind'] | undefined {
  if (/\.ya?ml$/i.test(p)) return 'compose';
  return looksLikeDockerfile(p) ? 'dockerfile' : undefined;
}

/**
 * Whether a file of no Docker name reads as a Dockerfile: its first instruction, after comments, parser
 * directives, blank lines and ARGs, is FROM (read from its first 64 KB). `check $(git diff --name-only)`
 * names README.md and package.json too, which were analyzed as Dockerfiles (review 41a, item 11.6).
 */
function looksLikeDockerfile(file: string): boolean {
  const text = sniffed(file);
  // Not a regular file (a FIFO, a device) or unreadable: analyzed as before, so that reading it reports why.
  if (text === null) return true;
  let continued = false;
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const t = line.trim();
    if (continued) {
      continued = /[\\`]$/.test(t);
      continue;
    }
    if (t === '' || t.startsWith('#')) continue;
    if (/^ARG(?:\s|$)/i.test(t)) {
      continued = /[\\`]$/.test(t);
      continue;
    }
    return /^FROM(?:\s|$)/i.test(t);
  }
  return false;
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

interface Io {
  write: (s: string) => void;
  writeErr: (s: string) => void;
}

export function run(argv: string[], io: Io = { write: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) }): number | Promise<number> {
  let opts: Parsed;
  try {
    opts = parse(argv);
  } catch (e) {
    io.writeErr(`docker-guardrails: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if ('help' in opts) {
    io.write(USAGE);
    return 0;
  }
  if ('version' in opts) {
    io.write(`${VERSION}\n`);
    return 0;
  }
  if ('explain' in opts) {
    const rule = ruleByCode(opts.explain.trim().toUpperCase());
    if (!rule) {
      io.writeErr(`docker-guardrails: no rule has the code '${opts.explain}'\n`);
      return 2;
    }
    io.write(renderRuleText(rule));
    return 0;
  }
  return check(opts, io);
}

function check(opts: Options, io: Io): number | Promise<number> {
  const fixing = opts.fix || opts.dryRun;
  // JSON and SARIF carry each finding's fix.
  const wantFixes = opts.format === 'sarif' || opts.format === 'json';
  // Workers (opt-in: DG_WORKERS) load the bundle (about 60 ms) while this thread walks the folders and plans.
  const early = fixing ? [] : startWorkers(workerCount(), wantFixes);
  // Files changed by --fix are kept in memory until the end: later fixes see earlier ones.
  const changed: FileSet = new Map();
  // The walk reads compose files to follow `include:`; the analysis takes those reads over.
  const reads = new RunReads();
  // Files the analyses read beside the files checked (a .env, an included file, a .dockerignore…) that are over the
  // workspace's read cap: taken as absent, so named on standard error (review 45c, item 8).
  const relatedTooLarge = new Set<string>();
  const noteTooLarge = (p: string) => relatedTooLarge.add(p);
  const workspace = new DiskWorkspace((p) => changed.get(p), undefined, undefined, reads.read, noteTooLarge, process.env);
  /** What the report says of the files an include tree names past its bound (the notices on standard error). */
  const includeNotices: SarifNotice[] = [];
  const withNotices = (o: Outcome): Outcome => (includeNotices.length === 0 ? o : { ...o, notices: includeNotices });
  const withRelated = (o: Outcome): Outcome => withNotices(relatedTooLarge.size === 0 ? o : { ...o, tooLarge: [...new Set([...(o.tooLarge ?? []), ...relatedTooLarge])] });
  let files: Collected[];
  const lookalikes: string[] = [];
  const notDocker: string[] = [];
  const symlinks: string[] = [];
  const unreadable: string[] = [];
  const pastLimit = new Map<string, string>();
  try {
    files = collect(opts.paths, workspace, lookalikes, symlinks, unreadable, notDocker, pastLimit);
  } catch (e) {
    stopWorkers(early);
    io.writeErr(`docker-guardrails: ${(e as Error).message}\n`);
    return 2;
  }
  // A folder or .gitignore the walk could not read is an I/O error, as a file it cannot read: exit 2, with no
  // report that would pass for a clean one (review 41a, F1: a folder of mode 000 was skipped silently, exit 0).
  if (unreadable.length > 0) {
    stopWorkers(early);
    for (const m of unreadable) io.writeErr(`docker-guardrails: ${m}\n`);
    io.writeErr(`docker-guardrails: nothing was checked: the walk could not read ${unreadable.length === 1 ? 'this' : 'these'}\n`);
    return 2;
  }
  if (notDocker.length > 0) {
    const shown = notDocker.slice(0, 5);
    const more = notDocker.length > shown.length ? ` and ${notDocker.length - shown.length} more` : '';
    io.writeErr(`docker-guardrails: not checked: ${shown.join(', ')}${more}: named on the command line but neither YAML nor a Dockerfile (no FROM before its first other instruction).\n`);
  }
  if (lookalikes.length > 0) {
    const shown = lookalikes.slice(0, 5).map((p) => path.relative(process.cwd(), p) || p);
    const more = lookalikes.length > shown.length ? ` and ${lookalikes.length - shown.length} more` : '';
    io.writeErr(`docker-guardrails: not checked: ${lookalikes.length} YAML file${lookalikes.length === 1 ? '' : 's'} with a top-level services: key but not named like a compose file: ${shown.join(', ')}${more}. Pass ${lookalikes.length === 1 ? 'it' : 'them'} as arguments, or name ${lookalikes.length === 1 ? 'it' : 'them'} like compose.yaml, docker-compose.<name>.yml, <name>.compose.yaml or docker-stack.yml.\n`);
  }
  // Files an include tree names past its bound: compose files, not analyzed (review 45c, item 5: they were said to be misnamed).
  // SARIF and the github format give them too, on the root compose file (review 46 leftovers, item 1).
  for (const [root, cut] of groupedByValue(pastLimit)) {
    const text = `not checked: ${includeLimitNotice(shownPath(root), cut.map(shownPath))}`;
    io.writeErr(`docker-guardrails: ${text}.\n`);
    includeNotices.push({ path: root, display: shownPath(root), text });
  }
  // Walks do not follow symbolic links (containment: nothing outside the project is read), but say which they passed.
  for (const f of new Set(symlinks)) io.writeErr(`docker-guardrails: not checked: ${path.relative(process.cwd(), f) || f} is a symbolic link; symbolic links are not followed\n`);
  const knownCodes = new Set(allRules.map((r) => r.code));
  const configs = new Map<string, LoadedConfig>();
  /** Config files found beside the files that are symbolic links: not followed, the defaults apply (review 45d, item 5). */
  const linkedConfigs = new Map<string, LoadedConfig>();
  const loadConfig = (p: string): LoadedConfig => {
    let c = configs.get(p) ?? linkedConfigs.get(p);
    if (!c) {
      let text: string;
      let link = false;
      try {
        link = !opts.config && fs.lstatSync(p).isSymbolicLink();
      } catch {
        // Not there any more: the read below says so.
      }
      if (link) {
        // As the walk does not follow links (README: nothing outside the project is read), nor does the config search.
        io.writeErr(`docker-guardrails: not read: ${path.relative(process.cwd(), p) || p} is a symbolic link; symbolic links are not followed: the files it would configure get the defaults\n`);
        c = { path: p, config: {}, problems: [] };
        linkedConfigs.set(p, c);
        return c;
      }
      try {
        // A config found beside the files is read only when it is a regular file (a FIFO would block the run, a
        // device may never end: review 41a, F10); one named by --config may be anything that reads (`<(…)`).
        if (!opts.config && !fs.statSync(p).isFile()) throw new Error('not a regular file');
        // Decoded as every file is (decodeText: UTF-16 with its byte order mark too; cli44 item 4).
        const decoded = decodeText(fs.readFileSync(p));
        if (decoded === undefined) throw new Error('a binary file (it holds NUL bytes)');
        text = decoded;
      } catch (e) {
        throw new Error(`cannot read config ${p}: ${(e as Error).message}`);
      }
      c = parseConfig(p, text, knownCodes);
      configs.set(p, c);
      // A .docker-guardrails.yml beside the .yaml is not read: said once (review 45d, item 13).
      const yml = path.join(path.dirname(p), CONFIG_FILE_NAMES[1]);
      if (!opts.config && path.basename(p) === CONFIG_FILE_NAMES[0] && workspace.exists(yml)) io.writeErr(`docker-guardrails: notice: ${path.relative(process.cwd(), yml) || yml} is ignored: ${CONFIG_FILE_NAMES[0]} in the same folder applies\n`);
      if (c.problems.length > 0) {
        const rel = path.relative(process.cwd(), p) || p;
        throw new Error(`invalid config file:\n${c.problems.map((x) => `${rel}:${x.range.start.line + 1}:${x.range.start.character + 1}: ${x.message}`).join('\n')}`);
      }
    }
    return c;
  };

  // One analysis date for the whole run (a run over midnight judges every file alike): --eol-date, else today (UTC).
  const eolDate = opts.eolDate ?? eolToday();
  // Plan: which files, under which config (include/exclude applied).
  const cwd = process.cwd();
  const jobs: Job[] = [];
  // The files of a folder share its config: found once per folder.
  const configOfDir = new Map<string, string | undefined>();
  const configPathOf = (file: string): string | undefined => {
    if (opts.config) return path.resolve(opts.config);
    const dir = path.dirname(file);
    if (!configOfDir.has(dir)) configOfDir.set(dir, findConfigPath(workspace, file));
    return configOfDir.get(dir);
  };
  /** The folder a config file's globs (include/exclude, productionGlobs) are relative to: its own, or the current folder for --config. */
  const globBaseOf = (configPath: string | undefined): string => (opts.config || !configPath ? cwd : path.dirname(configPath));
  // The walk found files that the config's include/exclude globs all left out: said on standard error, a CI gate must
  // not pass on "No findings in 0 files" (review 45d, item 2).
  let scopedOut = 0;
  try {
    for (const { file: f, named, typed } of files) {
      const configPath = configPathOf(f.path);
      const loaded = configPath ? loadConfig(configPath) : undefined;
      const file = loaded?.config ?? NO_CONFIG;
      // Config include/exclude globs are relative to the config file's folder, or to the current folder for a config
      // named by --config (as the editor reads them: review 45d, item 3), and read as a .dockerignore is (inGlobScope:
      // in order, the last matching pattern decides, `!` re-includes; item 1). They scope the walk: a file named on the
      // command line is analyzed, as an ignored or node_modules one is (and as the editor analyzes an open file whatever
      // the scope). Review 37, item 5.
      const base = globBaseOf(configPath);
      const rel = path.relative(base, f.path).split(path.sep).join('/');
      if (!named && !inGlobScope(rel, file.include, file.exclude)) {
        scopedOut++;
        continue;
      }
      jobs.push({ path: f.path, kind: f.kind, display: path.relative(cwd, f.path) || f.path, config: file, base, eolDate, ...(typed === undefined ? {} : { typed }) });
    }
  } catch (e) {
    stopWorkers(early);
    io.writeErr(`docker-guardrails: ${(e as Error).message}\n`);
    return 2;
  }
  // The config files applied, named in the text format (review 45d, item 4: a stray config must not change the result
  // unseen); the JSON, SARIF and github reports stay as they are.
  if (opts.format === 'text') for (const p of configs.keys()) io.writeErr(`docker-guardrails: config: ${path.relative(cwd, p) || p}\n`);
  if (jobs.length === 0 && scopedOut > 0) io.writeErr(`docker-guardrails: notice: nothing was checked: the include/exclude globs of the config file leave out all ${scopedOut} file${scopedOut === 1 ? '' : 's'} the walk found\n`);
  // Once per run, on standard error: the report (JSON, SARIF…) on standard output stays as it is.
  const stale = jobs.length > 0 ? staleDataNotice(eolDate) : undefined;
  if (stale) io.writeErr(`docker-guardrails: notice: ${stale}\n`);
  if (early.length > 0 && jobs.length > 0) return analyzeInWorkers(jobs, early).then((outcome) => finish(withNotices(outcome), opts, io, changed, new Map()), () => finish(withRelated(analyzeJobs(jobs, workspace, wantFixes, reads)), opts, io, changed, new Map()));
  stopWorkers(early);
  if (!fixing) return finish(withRelated(analyzeJobs(jobs, workspace, wantFixes, reads)), opts, io, changed, new Map());

  const results: FileResult[] = [];
  // A dry run changes nothing: its exit code is that of the files as they are, not as fixed (review 37, item 1).
  const current: FileResult[] = [];
  // The files as they are on disk, for a file whose analysis would otherwise see earlier files' fixes.
  const onDisk = opts.dryRun ? new DiskWorkspace(undefined, undefined, undefined, undefined, noteTooLarge, process.env) : undefined;
  const fixedCount = new Map<string, number>();
  // The files a safe fix would write whose bytes are not text read exactly — not UTF-8, nor UTF-16 with its byte order
  // mark (review 43a, item 1): their fixes are not applied (mayWrite). UTF-16 files are written back as UTF-16 (cli44 item 4).
  const encodings = new Map<string, WriteEncoding | 'inexact' | undefined | 'unreadable'>();
  const notUtf8 = new Set<string>();
  const mayWrite = (fix: Fix): boolean => {
    let ok = true;
    for (const c of fix.changes) {
      let e = encodings.get(c.path);
      if (!encodings.has(c.path)) {
        try {
          e = writeEncodingOnDisk(c.path);
        } catch {
          // Cannot be read: writeFixedFiles says why when the fix is applied.
          e = 'unreadable';
        }
        encodings.set(c.path, e);
      }
      if (e === 'inexact') {
        notUtf8.add(c.path);
        ok = false;
      }
    }
    return ok;
  };
  // The secret values the rules report (and their text as written), for the dry run to mask wherever its
  // diff shows them; where they are written in the files as they are on disk and as fixed (review 39, items 1-2).
  /** Whether the run reports a finding: at or above --min-severity. */
  const reports = (finding: Finding): boolean => RANK[finding.severity] >= RANK[opts.minSeverity];
  const reported: ReportedSecrets = noSecretsReported();
  const noteSecrets = (job: Job, analysis: Analysis) => noteReported(reported, job.path, analysis);
  /** Per job fixed: where its result is, what its last analysis read, and those files' text as fixed then. */
  const fixedJobs: { job: Job; read: { text: string }; index: number; reads: string[]; seen: (string | undefined)[] }[] = [];
  const fixJob = (job: Job, read: { text: string }, index: number, first: boolean) => {
    const config = engineConfigOf(job);
    const initial = changed.get(job.path) ?? read.text;
    const reanalyze = (text: string, previous: Analysis) => {
      const a = analyzeAgain(allRules, previous, text, workspace, config);
      noteSecrets(job, a);
      return a;
    };
    if (first && onDisk && changed.size > 0) {
      const asOnDisk = analyzeJob(job, read.text, onDisk);
      current.push(asOnDisk ? toResult(job, asOnDisk, false) : notAnalyzed(job));
    }
    const initialAnalysis = analyzeJob(job, initial, workspace);
    if (!initialAnalysis) {
      results[index] = notAnalyzed(job);
      if (first && onDisk && changed.size === 0) current.push(notAnalyzed(job));
      return;
    }
    noteSecrets(job, initialAnalysis);
    let analysis = initialAnalysis;
    if (initial === read.text) reported.before.set(job.path, placesOfAnalysis(analysis));
    if (first && onDisk && changed.size === 0) current.push(toResult(job, analysis, false));
    // Apply safe fixes in rounds (re-analyzing after each round) until none is left.
    const rounds = fixInRounds({
      rules: allRules,
      path: job.path,
      analysis,
      read: (p) => changed.get(p) ?? (p === job.path ? read.text : workspace.readText(p)),
      changed,
      reanalyze,
      // Only the fixes of the findings the run reports: --min-severity leaves the others out "as if they were not there"
      // (README), their fixes too (review 45d, item 10).
      choose: (fix, finding) => fix.safe && reports(finding) && mayWrite(fix),
    });
    analysis = rounds.analysis;
    // A fix that left its finding was taken back (fixInRounds): said, by rule only (a fix's title may quote what it writes).
    for (const c of new Set(rounds.notApplied.map((n) => n.finding.code))) io.writeErr(`docker-guardrails: not applied: the ${c} fix on ${job.display} (its finding was still there after it)\n`);
    reported.after.set(job.path, placesOfAnalysis(analysis));
    for (const c of rounds.applied) fixedCount.set(c.title, (fixedCount.get(c.title) ?? 0) + 1);
    for (const c of rounds.applied.flatMap((f) => f.changes)) if (c.path !== job.path) addTo(reported.writers, c.path, job.path);
    results[index] = toResult(job, analysis, wantFixes);
    const readPaths = [job.path, ...filesRead(analysis.context)];
    const entry = { job, read, index, reads: readPaths, seen: readPaths.map((p) => changed.get(p)) };
    if (first) fixedJobs.push(entry);
    else fixedJobs[fixedJobs.findIndex((e) => e.index === index)] = entry;
  };
  for (const job of jobs) {
    const read = readJob(job, reads);
    if ('error' in read) return finish(withRelated({ results, error: read.error }), opts, io, changed, fixedCount);
    if ('skipped' in read) {
      results.push(read.skipped);
      current.push(read.skipped);
      continue;
    }
    fixJob(job, read, results.length, true);
  }
  // A later file's fix may have changed a file analyzed before it (DF020 moves a Dockerfile's ENV into the compose file
  // that builds it, DC040 writes .env…): that result is stale — wrong lines, and a SARIF fix that deletes the wrong line
  // (review 41a, item 6). Such files are fixed and analyzed again, until what every result read is what it saw (bounded).
  for (let pass = 0; pass < MAX_STALE_PASSES; pass++) {
    const stale = fixedJobs.filter((e) => e.reads.some((p, i) => changed.get(p) !== e.seen[i]));
    if (stale.length === 0) break;
    for (const e of stale) fixJob(e.job, e.read, e.index, false);
  }
  const sayNotUtf8 = () => {
    for (const p of notUtf8) {
      io.writeErr(`docker-guardrails: not fixed: ${printable(shownPath(p))} is not valid UTF-8 (Latin-1, or other bytes that are not UTF-8 or UTF-16 with a byte order mark): --fix writes only files it reads exactly (UTF-8, UTF-16 with its byte order mark), so that it changes no byte its fixes do not touch; the safe fixes that write it are not applied (convert it to UTF-8 to have them applied)\n`);
    }
  };
  if (opts.registryLookups) {
    const readText = (job: Job) => {
      const r = readJob(job);
      return 'text' in r ? r.text : undefined;
    };
    const analyzeText = (job: Job, text: string) => analyzeJob(job, text, workspace);
    return registryFixPass({ jobs, results, changed, fixedCount, mayWrite, reports, readText, analyzeText, toResult: (job, a) => toResult(job, a, wantFixes), writeErr: io.writeErr }).then(() => {
      sayNotUtf8();
      return finish(withRelated({ results: opts.dryRun ? current : results }), opts, io, changed, fixedCount, reported);
    });
  }
  sayNotUtf8();
  return finish(withRelated({ results: opts.dryRun ? current : results }), opts, io, changed, fixedCount, reported);
}

/** One file to analyze, with the config that applies to it (plain data: it crosses to workers). */
interface Job {
  path: string;
  kind: FoundFile['kind'];
  display: string;
  config: ConfigFile;
  /** The folder the config's globs are relative to (globBaseOf). */
  base: string;
  /** The run's analysis date (YYYY-MM-DD). */
  eolDate: string;
  /** A file named on the command line: its path as typed (an error about it quotes it so: `/dev/null`, not `../../dev/null`). */
  typed?: string;
}

interface Outcome {
  results: FileResult[];
  /** An I/O error that ends the run (exit 2). */
  error?: string;
  /** Rules that threw (reported on stderr, never fatal). */
  failures?: string[];
  /** Files read beside the files checked that were over the read cap, and so taken as absent (DiskWorkspace's onTooLarge). */
  tooLarge?: string[];
  /** Notices about files the walk left out (an include tree's files past its bound), for the reports that carry notices. */
  notices?: SarifNotice[];
}

/** The config of the files no config file applies to (one object, so that engineConfigOf's answer is shared too). */
const NO_CONFIG: ConfigFile = {};

/**
 * engineConfigOf's answers, by config file, then globs' base and date: the jobs of a config file share its options, as
 * they share the config. A copy of every option per file was an allocation per analysis, and a new options object for
 * each file defeated the answers rules remember per options object (DC033's production-file globs). Nothing changes
 * an options object once made.
 */
const engineConfigs = new WeakMap<ConfigFile, Map<string, EngineConfig>>();

function engineConfigOf(job: Job): EngineConfig {
  let byBase = engineConfigs.get(job.config);
  if (!byBase) engineConfigs.set(job.config, (byBase = new Map()));
  const key = `${job.base}\u0000${job.eolDate}`;
  let config = byBase.get(key);
  if (!config) byBase.set(key, (config = { rules: job.config.rules ?? {}, options: { ...applyConfigOptions(DEFAULT_OPTIONS, job.config), productionGlobsBase: job.base, eolDate: job.eolDate } }));
  return config;
}

/** A file's result as plain data: the parsed file (reachable from rules' data) is not kept. */
function toResult(job: Job, analysis: Analysis, wantFixes: boolean): FileResult {
  const plain = (x: Finding): Finding => ({ code: x.code, name: x.name, severity: x.severity, message: x.message, range: x.range, path: x.path, fixable: x.fixable, data: undefined });
  const secrets = secretsOfAnalysis(analysis);
  // One fix may serve several findings (DC032 attaches every service in one edit, offered on each): judged once.
  // Weak: a withheld fix is not kept past its judgement (a file with one password in each of its 10,000 services has
  // 20,000 fixes of 10,000 edits each: kept together, gigabytes).
  const offered = new WeakMap<Fix, OfferedFix>();
  const fixes = wantFixes ? analysis.findings.map((f) => offeredFix(analysis, f, secrets, offered)) : undefined;
  return {
    path: job.path,
    display: job.display,
    findings: analysis.findings.map(plain),
    suppressed: analysis.suppressed.map((x) => ({ finding: plain(x.finding), comment: x.comment })),
    fixes,
    failures: analysis.failures.map((f) => f.code),
  };
}

/** Analyzes files one after another in this thread. */
function analyzeJobs(jobs: Job[], workspace: DiskWorkspace, wantFixes: boolean, reads?: RunReads): Outcome {
  const results: FileResult[] = [];
  const error = analyzeEach(jobs, workspace, wantFixes, (r) => results.push(r), reads);
  return error === undefined ? { results } : { results, error };
}

/** Analyzes files one after another in this thread, handing on each result; returns the I/O error that ends the run, if any. */
function analyzeEach(jobs: Job[], workspace: DiskWorkspace, wantFixes: boolean, emit: (r: FileResult) => void, reads?: RunReads): string | undefined {
  for (const job of jobs) {
    const read = readJob(job, reads);
    if ('error' in read) return read.error;
    if ('skipped' in read) {
      emit(read.skipped);
      continue;
    }
    const analysis = analyzeJob(job, read.text, workspace);
    emit(analysis ? toResult(job, analysis, wantFixes) : notAnalyzed(job));
  }
  return undefined;
}

/**
 * A job's analysis, or undefined when the engine failed to read the file (a rule that throws is reported
 * by the analysis, but reading the file into its context is outside that guard): the file is then
 * reported as not analyzed (notAnalyzed), and the run goes on with the other files (review 41a, F7).
 */
function analyzeJob(job: Job, text: string, workspace: WorkspaceView): Analysis | undefined {
  try {
    return analyze(allRules, job.kind, job.path, text, workspace, engineConfigOf(job));
  } catch {
    return undefined;
  }
}

/** The result of a file the engine failed to read: not analyzed, said as a skipped file is (stderr, the text report, SARIF). */
function notAnalyzed(job: Job): FileResult {
  return { path: job.path, display: job.display, findings: [], skipped: 'internal-error' };
}

/** A job's text; or its result when the file is skipped (over the size cap, binary); or the error that ends the run. */
function readJob(job: Job, reads?: RunReads): { text: string } | { skipped: FileResult } | { error: string } {
  const max = job.config.maxFileSize ?? DEFAULT_MAX_FILE_BYTES;
  const read = reads ? reads.take(job.path, max) : readForAnalysis(job.path, max);
  if (read.ok) return { text: read.text };
  if (read.reason === 'too-large' || read.reason === 'binary') return { skipped: { path: job.path, display: job.display, findings: [], skipped: read.reason } };
  // A FIFO or device a walk met (one named on the command line is an error): not read, named as not checked (review 41a, F9.1).
  if (read.reason === 'not-a-file' && job.typed === undefined) return { skipped: { path: job.path, display: job.display, findings: [], skipped: 'not-a-file', skippedAs: read.detail } };
  // In plain words, with the error's code where there is one (review 41a, F9.1: `(unreadable)`, `(not-a-file)`).
  const why = read.reason === 'missing' ? 'no such file or directory' : read.reason === 'not-a-file' ? `not a regular file (${read.detail ?? 'a special file'})` : (read.detail ?? 'read error');
  return { error: `cannot read ${job.typed ?? job.display}: ${why}` };
}

/**
 * How many worker threads analyze: none unless DG_WORKERS=N asks for N. A worker loads the bundle
 * again and warms up its own JIT, which costs a run over the benchmark corpus about 120 ms of wall
 * time on two cores; it was the default for large runs only to bound their heap, which the CLI now
 * bounds in this thread (v8-tuning.ts: the young generation does not grow). More workers pay off
 * on idle cores with many files.
 */
function workerCount(): number {
  if (process.env.DG_WORKERS === undefined) return 0;
  return Math.max(0, Math.min(16, Number(process.env.DG_WORKERS) || 0));
}

interface StartedWorker {
  worker: Worker;
  /** Settles with the worker's outcome once it has been given its jobs. */
  outcome: Promise<Outcome>;
}

/**
 * Starts analysis workers that wait for their jobs. They do not keep the process alive until they
 * are given jobs (a run that ends early, or needs no worker, just stops them).
 */
function startWorkers(count: number, wantFixes: boolean): StartedWorker[] {
  return Array.from({ length: count }, () => {
    const worker = new Worker(__filename, {
      workerData: { dgWorker: true, wantFixes },
      // A bounded heap keeps the process's peak memory in check; a file that needs more than
      // this makes the worker fail and the whole run fall back to the main thread.
      resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 8 },
    });
    worker.unref();
    const outcome = new Promise<Outcome>((resolve, reject) => {
      // Results arrive in batches as the worker goes. One message of every result at the end made
      // the worker and this thread hold a copy each at once: 270 MB peak over the corpus in SARIF.
      const results: FileResult[] = [];
      worker.on('message', (m: WorkerBatch) => {
        for (const r of m.results) results.push(r);
        if (m.done) resolve({ results, ...(m.error === undefined ? {} : { error: m.error }), ...(m.tooLarge ? { tooLarge: m.tooLarge } : {}) });
      });
      worker.once('error', reject);
      worker.once('exit', (code) => (code !== 0 ? reject(new Error(`worker exited with ${code}`)) : undefined));
    });
    // Unhandled until jobs are posted: a worker stopped unused must not fail the run.
    outcome.catch(() => undefined);
    return { worker, outcome };
  });
}

function stopWorkers(workers: StartedWorker[]): void {
  for (const w of workers) void w.worker.terminate();
  workers.length = 0;
}

/**
 * Analyzes files in the started workers (files are independent: each worker reads the files a rule
 * relates to from the disk itself). Results come back as plain data in the original order. A
 * worker that fails makes the whole run fall back to this thread.
 */
function analyzeInWorkers(jobs: Job[], workers: StartedWorker[]): Promise<Outcome> {
  const chunks: Job[][] = workers.map(() => []);
  // Interleave so that each worker gets a similar mix of small and large files.
  jobs.forEach((job, i) => chunks[i % workers.length].push(job));
  const runs = workers.map((w, i) => {
    w.worker.ref();
    w.worker.postMessage(chunks[i]);
    return w.outcome;
  });
  return Promise.all(runs).then((outs) => {
    const byPath = new Map<string, FileResult>();
    for (const o of outs) for (const r of o.results) byPath.set(r.path, r);
    const error = outs.find((o) => o.error)?.error;
    const tooLarge = [...new Set(outs.flatMap((o) => o.tooLarge ?? []))];
    return { results: jobs.map((j) => byPath.get(j.path)).filter((r): r is FileResult => !!r), error, ...(tooLarge.length === 0 ? {} : { tooLarge }) };
  });
}

/** A worker's results so far, in its jobs' order; `done` with the last (and the error that ended the run, if any). */
interface WorkerBatch {
  results: FileResult[];
  done: boolean;
  error?: string;
  /** With the last batch: the files read beside the jobs that were over the read cap. */
  tooLarge?: string[];
}

/** Results per message from a worker: small enough that no message is large, large enough that messages stay few. */
const RESULTS_PER_MESSAGE = 32;

if (!isMainThread && (workerData as { dgWorker?: boolean } | null)?.dgWorker) {
  const { wantFixes } = workerData as { wantFixes: boolean };
  // One list of jobs: with its listener gone after it, nothing keeps the worker alive once it has answered.
  parentPort!.once('message', (jobs: Job[]) => {
    let results: FileResult[] = [];
    const tooLarge = new Set<string>();
    const error = analyzeEach(jobs, new DiskWorkspace(undefined, undefined, undefined, undefined, (p) => tooLarge.add(p), process.env), wantFixes, (r) => {
      results.push(r);
      if (results.length < RESULTS_PER_MESSAGE) return;
      parentPort!.postMessage({ results, done: false } satisfies WorkerBatch);
      results = [];
    });
    parentPort!.postMessage({ results, done: true, ...(error === undefined ? {} : { error }), ...(tooLarge.size === 0 ? {} : { tooLarge: [...tooLarge] }) } satisfies WorkerBatch);
  });
}

/** Pieces of a report are passed on in writes of this size or more (one write per piece would be a system call each). */
const WRITE_CHUNK = 1 << 16;

/** Writes a report through `write` in chunks of about WRITE_CHUNK characters. */
function writeBuffered(write: (s: string) => void, report: (write: Write) => void): void {
  let pending: string[] = [];
  let size = 0;
  report((piece) => {
    pending.push(piece);
    size += piece.length;
    if (size < WRITE_CHUNK) return;
    write(pending.join(''));
    pending = [];
    size = 0;
  });
  if (size > 0) write(pending.join(''));
}

/** Writes a report to a file as it is made (each chunk also to `tap`). */
function writeReportFile(file: string, report: (write: Write) => void, tap?: (s: string) => void): void {
  const fd = fs.openSync(file, 'w');
  try {
    writeBuffered((s) => {
      tap?.(s);
      const bytes = Buffer.from(s);
      for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at);
    }, report);
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether the file on disk starts with a UTF-8 byte order mark (false when it does not exist). */
function startsWithBom(p: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(p, 'r');
    const head = Buffer.alloc(3);
    return fs.readSync(fd, head, 0, 3, 0) === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Writes the files the fixes changed, all or none: each goes to a temporary file beside it first (with
 * the mode of the file it replaces, and its UTF-8 byte order mark: files are analyzed without one; a new
 * file with the umask's mode, owner-only if it holds secrets), and
 * only when every one is written are they renamed over the originals — the files the fixes only create
 * or extend (`.env`, `.gitignore`) before the analyzed files, so a secret never leaves a compose file
 * before it is in its `.env` (review 37, probe p24). A path that is a symbolic link or not a regular file
 * is never written through (probe p25). Before anything is written, every file to replace is checked: one the
 * user may not write (a read-only file: renaming over it needs only the folder's write permission) or one with
 * more than one hard link (a new file would leave its other names with the old text) is refused, and nothing is
 * written (review 41a, F8). As root, a replaced file keeps its owner and group. Returns what went wrong, or undefined.
 */
function writeFixedFiles(changed: FileSet, analyzed: ReadonlySet<string>): string | undefined {
  const entries = [...changed].filter((e): e is [string, string] => e[1] !== undefined).sort((a, b) => Number(analyzed.has(a[0])) - Number(analyzed.has(b[0])));
  const temps: [string, string][] = [];
  const removeQuietly = (tmp: string) => {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // never made (a name too long), or already gone
    }
  };
  const removeTemps = () => {
    for (const [tmp] of temps) removeQuietly(tmp);
  };
  // First every target, before anything is written.
  const existing = new Map<string, fs.Stats>();
  for (const [p] of entries) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      continue; // A file the fixes create.
    }
    if (st.isSymbolicLink()) return `will not write ${p}: it is a symbolic link (not followed); no file was changed`;
    if (!st.isFile()) return `cannot write ${p}: not a regular file; no file was changed`;
    try {
      fs.accessSync(p, fs.constants.W_OK);
    } catch (e) {
      return `will not write ${p}: it is read-only for this user (${describeIoError(e)}); no file was changed`;
    }
    // No write permission bit at all (0444): read-only whoever runs, root too, whom access() lets write anything (a CI
    // job in a container; review 43a, item 10). On Windows, mode holds the read-only attribute the same way.
    if ((st.mode & 0o222) === 0) return `will not write ${p}: it is read-only (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}: no write permission for anyone); no file was changed`;
    if (st.nlink > 1) return `will not write ${p}: it has ${st.nlink} hard links, and its other names would keep the old text; no file was changed`;
    existing.set(p, st);
  }
  const asRoot = process.getuid?.() === 0;
  for (const [p, text] of entries) {
    // A file the fixes create gets the mode a plain write gives it (the umask applies), owner-only when it
    // holds secret values (a .env, a secret file of DC042); an existing file keeps its mode (review 39b, F1).
    const st = existing.get(p);
    const mode = st ? st.mode & 0o7777 : isSensitivePath(p) ? 0o600 : 0o666;
    // In the file's own encoding (its byte order mark tells: UTF-8 with or without one, UTF-16LE/BE; cli44 item 4); a new file in UTF-8.
    let encoding: WriteEncoding = 'utf-8';
    if (st) {
      let e: ReturnType<typeof writeEncodingOnDisk>;
      try {
        e = writeEncodingOnDisk(p);
      } catch (err) {
        removeTemps();
        return `cannot read ${p}: ${(err as Error).message}; no file was changed`;
      }
      if (e === 'inexact') {
        removeTemps();
        return `will not write ${p}: it is not text read exactly (UTF-8, or UTF-16 with its byte order mark); no file was changed`;
      }
      encoding = e ?? 'utf-8';
    }
    const tmp = path.join(path.dirname(p), `.${path.basename(p)}.docker-guardrails-${process.pid}.tmp`);
    try {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(tmp, encodeText(text, encoding), { mode, flag: 'wx' });
      if (st) {
        // As root, the file keeps its owner and group (a user cannot give a file away); before the mode, which chown may clear setuid bits of.
        if (asRoot) fs.chownSync(tmp, st.uid, st.gid);
        // Only an existing file's mode is set whatever the umask: it is the mode the file had.
        fs.chmodSync(tmp, mode);
      }
      temps.push([tmp, p]);
    } catch (e) {
      // A temporary file this run did not make (EEXIST) is not removed.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') removeQuietly(tmp);
      removeTemps();
      return `cannot write ${p}: ${(e as Error).message}; no file was changed`;
    }
  }
  for (let i = 0; i < temps.length; i++) {
    const [tmp, p] = temps[i];
    try {
      fs.renameSync(tmp, p);
    } catch (e) {
      for (const [rest] of temps.slice(i)) removeQuietly(rest);
      return `cannot write ${p}: ${(e as Error).message}; ${i === 0 ? 'no file was changed' : `${temps.slice(0, i).map(([, done]) => done).join(', ')} changed before it`}`;
    }
  }
  return undefined;
}

/** Reports, writes fixed files, and computes the exit code. */
function finish(outcome: Outcome, opts: Options, io: Io, changed: FileSet, fixedCount: Map<string, number>, reported: ReportedSecrets = noSecretsReported()): number {
  const results = opts.minSeverity === 'hint' ? outcome.results : outcome.results.map((r) => atLeast(r, RANK[opts.minSeverity]));
  const cwd = process.cwd();
  for (const r of results) for (const code of r.failures ?? []) io.writeErr(`docker-guardrails: internal error in ${code} on ${r.display}\n`);
  // In every format (a JSON or SARIF report without findings must not pass for a clean file: review 37, item 3).
  for (const r of results) if (r.skipped) io.writeErr(`docker-guardrails: not checked: ${r.display} (${skippedReason(r)}${r.skipped === 'too-large' ? '; maxFileSize in .docker-guardrails.yaml raises the cap' : ''})\n`);
  // Once per file, sorted: a related file over the cap is taken as absent by every analysis that reads it. SARIF gives
  // them as tool notifications too (review 45c leftovers, item 2); the JSON array has no place for them.
  const relatedNotices = [...(outcome.tooLarge ?? [])].sort().map((p) => {
    const display = path.relative(cwd, p) || p;
    return { path: p, display, text: relatedTooLargeNotice(display) };
  });
  for (const n of relatedNotices) io.writeErr(`docker-guardrails: notice: ${n.text}\n`);
  // Both kinds in the reports that have a place for them (SARIF, github); the JSON array has none.
  const notices = [...(outcome.notices ?? []), ...relatedNotices];
  if (outcome.error) {
    io.writeErr(`docker-guardrails: ${outcome.error}\n`);
    return 2;
  }
  if (opts.dryRun) {
    const diff = renderDiff(changed, cwd, reported);
    if (opts.output) {
      try {
        writeReportFile(opts.output, (write) => write(diff.text));
      } catch (e) {
        io.writeErr(`docker-guardrails: cannot write ${opts.output}: ${(e as Error).message}\n`);
        return 2;
      }
    } else io.write(diff.text);
    if (diff.base !== cwd && diff.text !== '') io.writeErr(`docker-guardrails: the diff's paths are relative to ${diff.base} (a changed file is outside the current folder): apply it there (cd ${shellWord(diff.base)} && git apply, or patch -p1)\n`);
    // A masked line no longer matches the file: say so, rather than let `git apply` fail on it (review 8, probe df-06).
    if (diff.masked) io.writeErr('docker-guardrails: secret values are shown as ******** and the contents of env files are left out, so this diff previews the fixes but does not apply as a patch; run with --fix to apply them.\n');
  } else if (opts.fix && changed.size > 0) {
    const failure = writeFixedFiles(changed, new Set(results.map((r) => r.path)));
    if (failure) {
      io.writeErr(`docker-guardrails: ${failure}\n`);
      return 2;
    }
    const total = [...fixedCount.values()].reduce((a, b) => a + b, 0);
    io.writeErr(`docker-guardrails: applied ${total} fix${total === 1 ? '' : 'es'} in ${changed.size} file${changed.size === 1 ? '' : 's'}\n`);
  }

  if (opts.format === 'sarif') warnSarifLimits(results, opts, io);
  if (!opts.dryRun) {
    const report = (write: Write) => {
      if (opts.format === 'json') writeJson(results, write);
      else if (opts.format === 'sarif') writeSarif(results, allRules, VERSION, write, { includeSuppressed: opts.includeSuppressed, notices });
      else if (opts.format === 'github') writeGithub(results, write, notices);
      else writeText(results, write);
    };
    // The SARIF report's gzip size, measured on the chunks as they are written (nothing more is kept).
    const meter = opts.format === 'sarif' ? new GzipMeter() : undefined;
    const tap = meter && ((s: string) => meter.add(s));
    if (opts.output) {
      try {
        writeReportFile(opts.output, report, tap);
      } catch (e) {
        io.writeErr(`docker-guardrails: cannot write ${opts.output}: ${(e as Error).message}\n`);
        return 2;
      }
    } else
      writeBuffered((s) => {
        tap?.(s);
        io.write(s);
      }, report);
    if (meter) warnSarifSize(meter.bytes, io);
  }
  const threshold = RANK[opts.failOn];
  const failing = results.some((r) => r.findings.some((f) => RANK[f.severity] >= threshold));
  return failing ? 1 : 0;
}

/** A file's result with only its findings at or above `rank` (--min-severity), their fixes with them. */
function atLeast(r: FileResult, rank: number): FileResult {
  const keep = r.findings.map((f) => RANK[f.severity] >= rank);
  if (keep.every((k) => k) && (r.suppressed ?? []).every((s) => RANK[s.finding.severity] >= rank)) return r;
  return {
    ...r,
    findings: r.findings.filter((_, i) => keep[i]),
    ...(r.fixes ? { fixes: r.fixes.filter((_, i) => keep[i]) } : {}),
    ...(r.suppressed ? { suppressed: r.suppressed.filter((s) => RANK[s.finding.severity] >= rank) } : {}),
  };
}

/** GitHub code scanning rejects a SARIF run of more than this many results ("SARIF support for code scanning", limits). */
const SARIF_MAX_RESULTS = 25_000;

/**
 * A notice on standard error when the SARIF report breaks a limit GitHub code scanning rejects a file for: more than
 * 25,000 results in its run (the corpus twice over gave 32,114 and upload-sarif failed, with no word from the CLI;
 * review 43a, item 5). The report is written all the same (other tools read it); the notice says what leaves out enough.
 */
function warnSarifLimits(results: FileResult[], opts: Options, io: Io): void {
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const r of results) {
    for (const f of r.findings) bySeverity[f.severity]++;
    if (opts.includeSuppressed) for (const s of r.suppressed ?? []) bySeverity[s.finding.severity]++;
  }
  const total = bySeverity.error + bySeverity.warning + bySeverity.info + bySeverity.hint;
  if (total <= SARIF_MAX_RESULTS) return;
  const levels: Severity[] = ['info', 'warning', 'error'];
  const fits = levels.find((l) => levels.slice(levels.indexOf(l)).reduce((n, x) => n + bySeverity[x], 0) <= SARIF_MAX_RESULTS && RANK[l] > RANK[opts.minSeverity]);
  const way = fits ? `--min-severity ${fits} leaves ${levels.slice(levels.indexOf(fits)).reduce((n, x) => n + bySeverity[x], 0)}` : 'check fewer files per run (one run per folder, each with its own upload category)';
  io.writeErr(`docker-guardrails: the SARIF report has ${total} results, more than the ${SARIF_MAX_RESULTS.toLocaleString('en-US')} per run GitHub code scanning accepts: upload-sarif will reject it; ${way}${opts.includeSuppressed ? ' (or leave out --include-suppressed)' : ''}\n`);
}

/**
 * GitHub code scanning rejects a SARIF file larger than this gzip-compressed ("SARIF support for code scanning": "For each
 * gzip-compressed SARIF file, SARIF upload supports a maximum size of 10 MB"; "SARIF results file is too large"). Read as
 * 10,000,000 bytes, the lower of the two readings of "MB", so that the notice never comes too late. DG_SARIF_GZIP_LIMIT
 * sets another (for the tests: a report of 10 MB gzip-compressed is some 300 MB).
 */
const SARIF_MAX_GZIP_BYTES = 10_000_000;

/** A notice on standard error when the SARIF report written is over GitHub's size limit once gzip-compressed (cli44 item 5). */
function warnSarifSize(gzipBytes: number, io: Io): void {
  const limit = Number(process.env.DG_SARIF_GZIP_LIMIT) || SARIF_MAX_GZIP_BYTES;
  if (gzipBytes <= limit) return;
  const mb = (n: number) => `${n.toLocaleString('en-US')} bytes (${(n / 1_000_000).toFixed(1)} MB)`;
  io.writeErr(`docker-guardrails: the SARIF report is about ${mb(gzipBytes)} gzip-compressed, more than the ${mb(limit)} GitHub code scanning accepts: upload-sarif will reject it; --min-severity warning or error leaves out the most results, or check fewer files per run (one run per folder, each with its own upload category)\n`);
}

/** The fix offered for a finding (SARIF shows it as a suggested change). */
function offeredFix(analysis: Analysis, f: Finding, fileSecrets: FileSecrets, known: WeakMap<Fix, OfferedFix>): OfferedFix | undefined {
  const fix = fixFinding(allRules, analysis.context, f);
  if (!fix) return undefined;
  let offered = known.get(fix);
  if (!offered) known.set(fix, (offered = offerOf(fix, fileSecrets)));
  return offered;
}

function offerOf(fix: Fix, fileSecrets: FileSecrets): OfferedFix {
  // A fix that writes secrets (a .env with the value) or repeats one in the text it writes (an exec-form CMD
  // with `--requirepass x` or `-px`, a healthcheck that copies a password's default: review 27, probes 02
  // and 05; review 39, item 3) is reported without its changes: no report carries a secret.
  // Whether it writes one is read only when the answer counts: a fix that writes a secret file is withheld anyway, and
  // then only a title the masking would change asks (one that moves thousands of copies of a password has thousands of edits).
  const writesSecret = () => fixWrites(fix, (t) => fileSecrets.carries(t));
  if (!fixIsSensitive(fix) && !writesSecret()) return { withheld: false, fix };
  // Its title is masked when it quotes what it writes (`Use exec form: CMD [… "--requirepass", "x"]`); the
  // titles of fixes that move a secret name the variable, never the value ("Move the --requirepass password to .env").
  const secrets = fileSecrets.values();
  const title = secrets.test(fix.title) || (redactSecretsInLine(fix.title) !== fix.title && writesSecret()) ? redactSecretsInLine(secrets.mask(fix.title)) : fix.title;
  return { withheld: true, title, safe: fix.safe };
}

/** Whether a text a fix writes outside secret files (isSensitivePath: those are withheld whatever they hold) passes a test, in order, stopping at the first that does. */
function fixWrites(fix: Fix, test: (text: string) => boolean): boolean {
  for (const c of fix.changes) {
    if (isSensitivePath(c.path)) continue;
    if (c.kind === 'create') {
      if (test(c.content)) return true;
      continue;
    }
    // A text asked right before is not asked again (the test is the same for the same text): a fix that rewrites
    // thousands of copies of a secret writes `${NAME}` in each.
    let last: string | undefined;
    for (const e of c.edits) {
      if (e.newText === last) continue;
      last = e.newText;
      if (test(e.newText)) return true;
    }
  }
  return false;
}

/**
 * Whether a text holds a secret the rules reported in its file (as the dry run masks it: a long value
 * anywhere, `-pS3cretPw` too; a short or common one as a value, the password `postgres` in `-U postgres`,
 * not in `postgres:16`), or what the dry run masks by its form (redact.ts).
 */
function carriesSecret(text: string, secrets: SecretValues): boolean {
  return secrets.test(text) || text.split(/\r?\n/).some((line) => redactSecretsInLine(line) !== line);
}

/** Every finding of an analysis, suppressed ones too (an ignore comment does not make a value public). */
function allFindings(analysis: Analysis): Finding[] {
  return [...analysis.findings, ...analysis.suppressed.map((x) => x.finding)];
}

/** The secret values the rules report in an analysis (Rule.secrets), and their text as written where the rules say where (Rule.secretRanges). */
function reportedValues(analysis: Analysis): string[] {
  const out: string[] = [];
  for (const f of allFindings(analysis)) out.push(...secretsOf(allRules, f));
  out.push(...placesOfAnalysis(analysis).written);
  return out;
}

/** Where the rules say an analysis's secret values are written in its text (Rule.secretRanges). */
function placesOfAnalysis(analysis: Analysis): SecretPlaces {
  return placesOf(
    analysis.context.lines,
    allFindings(analysis).flatMap((f) => (f.path === analysis.context.path ? secretRangesOf(allRules, f) : [])),
  );
}

/** The secret values the rules report in an analysis, to look for in fixes, and whether a text a fix writes carries one. */
interface FileSecrets {
  values(): SecretValues;
  carries(text: string): boolean;
}

/**
 * The secret values of an analysis, computed once, and carriesSecret remembered by text: a fix that edits every
 * service (DC032's networks) is offered on each of them, and with a value to look for per service the same
 * texts were searched again for every finding (a 400-service file with 400 passwords: 4.2 s, review 40c, item 1).
 */
function secretsOfAnalysis(analysis: Analysis): FileSecrets {
  let found: SecretValues | undefined;
  // Three characters and more (a default `${RP:-abc}` copied into a healthcheck: review 28, probe 02), but not
  // an image's well-known default (`postgres`, `root`: a healthcheck's user or an image's name is no leak; probe 01).
  const values = () => (found ??= new SecretValues(reportedValues(analysis), 3, (v) => weakReason(v, null) !== 'default'));
  const known = new Map<string, boolean>();
  const carries = (text: string): boolean => {
    let hit = known.get(text);
    if (hit === undefined) known.set(text, (hit = carriesSecret(text, values())));
    return hit;
  };
  return { values, carries };
}

/**
 * The secret values the rules reported during a fixing run, by file, and where they are written in the files before and
 * after the fixes. A file's diff masks the values of that file only (secretsForDiff): masked in every file of the run, a
 * weak password `root` of one compose file made `USER ********` of an unrelated Dockerfile (review 46a, item 7).
 */
interface ReportedSecrets {
  /** By path: the values the analyses of that file's job reported, and those of findings in that file (a `.env` a compose file reads). */
  values: Map<string, Set<string>>;
  /** By job path: the files its analyses read other than Dockerfiles and compose files (its `.env`, its env_files). */
  reads: Map<string, Set<string>>;
  /** By path: the jobs whose applied fixes changed that file (a value a fix moves is the file's it lands in too). */
  writers: Map<string, Set<string>>;
  /** By path: in the file as it is on disk. */
  before: Map<string, SecretPlaces>;
  /** By path: in the file as its fixes left it. */
  after: Map<string, SecretPlaces>;
}

function noSecretsReported(): ReportedSecrets {
  return { values: new Map(), reads: new Map(), writers: new Map(), before: new Map(), after: new Map() };
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

/** Notes the secret values an analysis of a job's file reports (reportedValues), under that file and the file each finding is in. */
function noteReported(reported: ReportedSecrets, jobPath: string, analysis: Analysis): void {
  for (const f of allFindings(analysis)) {
    const values = secretsOf(allRules, f);
    for (const v of values) addTo(reported.values, jobPath, v);
    if (f.path !== jobPath) for (const v of values) addTo(reported.values, f.path, v);
  }
  for (const v of placesOfAnalysis(analysis).written) addTo(reported.values, jobPath, v);
  for (const r of filesRead(analysis.context)) if (r !== jobPath && !fileKindOf(r)) addTo(reported.reads, jobPath, r);
}

/**
 * The values a file's diff masks: those reported in the file, in the files it reads that are not Dockerfiles or compose
 * files (its `.env`, env_files), and in the files whose fixes wrote into it and the files those read; and the values of
 * the secret files the run changed (`.env`…, never shown) among them or written by its own fixes.
 */
function secretsForDiff(p: string, reported: ReportedSecrets, written: ReadonlyMap<string, readonly string[]>): SecretValues {
  const sources = new Set<string>([p, ...(reported.reads.get(p) ?? [])]);
  // What a fix writes comes from its file and what that file reads (the template DR002 writes from a `.env`).
  for (const w of reported.writers.get(p) ?? []) for (const s of [w, ...(reported.reads.get(w) ?? [])]) sources.add(s);
  for (const [s, writers] of reported.writers) if (writers.has(p)) sources.add(s);
  const values = new Set<string>();
  for (const s of sources) {
    for (const v of reported.values.get(s) ?? []) values.add(v);
    for (const v of written.get(s) ?? []) values.add(v);
  }
  return new SecretValues(values, 4);
}

/** The dry run's diff, and whether it masks anything (then it is a preview, not a patch that applies). */
function renderDiff(changed: FileSet, cwd: string, reported: ReportedSecrets): { text: string; masked: boolean; base: string } {
  // Masked on every line the diff prints (secret-values.ts), per file (secretsForDiff): the values written to secret
  // files (.env…), e.g. on the compose line they were moved from or in a healthcheck that repeats them (`-pS3cret`), and the
  // secret values the rules reported (Rule.secrets, literal values: an AWS key id, the word `-pS3cret` given
  // to mysql, `"root:pw"` piped into chpasswd) with their text as written (`Esc\$aped`). Where the rules say
  // where a value is written (Rule.secretRanges), that place is masked on each of its lines, however short.
  const written = new Map<string, string[]>();
  for (const [p, after] of changed) {
    if (!isSensitivePath(p) || after === undefined) continue;
    written.set(p, Object.values(parseDotenv(after)));
  }
  let out = '';
  let masked = false;
  // Paths relative to the current folder; when a file lies outside it, relative to the folder that holds them all
  // (git apply and patch refuse `a/../proj/Dockerfile`: review 41a, F9.3), which the CLI then names.
  const base = diffBase([...changed.keys()], cwd);
  for (const [p, after] of changed) {
    const before = readForAnalysis(p);
    const rel = path.relative(base, p).split(path.sep).join('/');
    if (isSensitivePath(p)) {
      masked = true;
      // Never print secret values: say what changes, not the content.
      const added = (after ?? '').split('\n').filter(Boolean).length - (before.ok ? before.text.split('\n').filter(Boolean).length : 0);
      out += `--- ${before.ok ? `a/${rel}` : '/dev/null'}\n+++ b/${rel}\n# ${before.ok ? 'changed' : 'created'}: ${Math.max(added, 0)} line(s) added; contents not shown because they hold secret values\n`;
      continue;
    }
    // The places the analyses found, for the texts they analyzed (a file another file's fix changed first was analyzed as changed).
    const oldPlaces = before.ok ? reported.before.get(p) : undefined;
    const oldSpans = oldPlaces && before.ok && oldPlaces.text === before.text ? oldPlaces.lines : undefined;
    const newPlaces = reported.after.get(p);
    const newSpans = newPlaces && newPlaces.text === after ? newPlaces.lines : undefined;
    // Lines around a change are printed as they are: an inline secret no fix moved is masked too (redact.ts).
    const patch = unifiedDiff(before.ok ? `a/${rel}` : '/dev/null', `b/${rel}`, before.ok ? before.text : '', after ?? '');
    const secrets = secretsForDiff(p, reported, written);
    const shown = mapDiffLines(patch, (line, oldAt, newAt) => {
      // A context line is the same text in both files: the spans of either side apply.
      const spans = [...((oldAt !== undefined && oldSpans?.get(oldAt)) || []), ...((newAt !== undefined && newSpans?.get(newAt)) || [])];
      return redactSecretsInLine(secrets.mask(maskSpans(line, spans)));
    });
    if (shown !== patch) masked = true;
    // Files are analyzed without their byte order mark, which --fix keeps: the diff shows it on line 1 of both sides, so that it applies (review 37, item 8).
    out += before.ok && startsWithBom(p) ? withByteOrderMark(shown) : shown;
  }
  return { text: out, masked, base };
}

/** A path as a word a POSIX shell reads back as it is (quoted when it needs to be). */
function shellWord(p: string): string {
  return /^[\w./@%+=:,-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

/** The folder a diff's paths are relative to: the current folder when it holds every file, else the deepest folder that holds them all. */
function diffBase(files: string[], cwd: string): string {
  if (files.every((p) => isInside(p, cwd) && p !== cwd)) return cwd;
  let common = path.dirname(files[0]).split(path.sep);
  for (const p of files.slice(1)) {
    const parts = path.dirname(p).split(path.sep);
    let n = 0;
    while (n < common.length && n < parts.length && common[n] === parts[n]) n++;
    common = common.slice(0, n);
  }
  return common.join(path.sep) || path.parse(files[0]).root;
}

/**
 * A file's diff with the UTF-8 byte order mark put back at the start of line 1 of the old and the new
 * file (both have it: --fix keeps it), where the hunks show that line: a context line that is line 1
 * of both, or a removed line 1 and an added line 1.
 */
function withByteOrderMark(patch: string): string {
  const lines = patch.split('\n');
  let oldAt = 0;
  let newAt = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      oldAt = Number(hunk[1]);
      newAt = Number(hunk[2]);
      continue;
    }
    // Before the first hunk: the file names (`--- a/…`, `+++ b/…`).
    if (oldAt === 0 && newAt === 0) continue;
    if (line.startsWith(' ')) {
      if (oldAt === 1 && newAt === 1) lines[i] = ` \uFEFF${line.slice(1)}`;
      oldAt++;
      newAt++;
    } else if (line.startsWith('-')) {
      if (oldAt === 1) lines[i] = `-\uFEFF${line.slice(1)}`;
      oldAt++;
    } else if (line.startsWith('+')) {
      if (newAt === 1) lines[i] = `+\uFEFF${line.slice(1)}`;
      newAt++;
    }
  }
  return lines.join('\n');
}

/**
 * The CLI as a program: `run` over the process's arguments, its exit code set once stdout has
 * drained. dist/cli.js (cli/src/cli-loader.ts) loads this bundle and calls it; running
 * dist/cli-main.js itself does the same.
 */
export function main(): void {
  tuneV8ForShortRun();
  // An I/O error (a report that cannot be written: `> /dev/full`) is exit code 2 whatever the run found;
  // the run's own code must not overwrite it (review 34).
  let failed = false;
  const fail = (e: unknown) => {
    process.stderr.write(`docker-guardrails: ${(e as Error).message}\n`);
    failed = true;
    process.exitCode = 2;
  };
  // A reader that stops early (`docker-guardrails check . | head`) closes the pipe: the rest of the
  // report has nowhere to go, which is not an error of the run. Its exit code still stands.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') fail(e);
  });
  try {
    // Let stdout drain before exiting (large SARIF reports through a pipe): set the code, don't exit.
    void Promise.resolve(run(process.argv.slice(2))).then((code) => {
      if (!failed) process.exitCode = code;
    }, fail);
  } catch (e) {
    fail(e);
  }
}

// The bundle run as a program (`node dist/cli-main.js`); not a test bundle that imports `run`.
if (require.main === module && isMainThread && path.basename(__filename) === 'cli-main.js') main();
