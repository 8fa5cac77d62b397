import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, applyFix, fixFinding, allRules, ruleByCode, type Analysis, type EngineConfig, type FileKind, type FileSet, type Finding, type WorkspaceView, DEFAULT_CONFIG } from '../../rules';
import { setSecretGeneratorForTests } from '../../rules/engine/secret-gen';
import { setEolClockForTests } from '../../rules/engine/eol';

// Fixes that generate passwords (DC041) write a predictable value in fixtures: `generated-<hint>-secret`.
setSecretGeneratorForTests((hint) => `generated-${hint.toLowerCase().replace(/_/g, '-')}-secret`);
// End-of-life findings (DF005/DC004) are judged on a fixed date, so fixtures keep their meaning as time passes.
setEolClockForTests('2026-11-28');

/** The folder of rule fixtures: `test/fixtures/<CODE>/<case>` (a file, or a folder for multi-file cases). */
export const FIXTURES = path.resolve(__dirname, '../../test/fixtures');

/** Fixture cases live under a virtual root so absolute paths look real and never touch the disk. */
export const VIRTUAL_ROOT = '/fixture';

export interface FixtureCase {
  code: string;
  name: string;
  kind: FileKind;
  /** Absolute virtual path of the analyzed file. */
  target: string;
  files: FileSet;
  /** Expected files after applying every fix of the rule (only the files listed are compared), or undefined. */
  expected: Map<string, string> | undefined;
  /** Engine config for the case (from an optional `config.json` in a folder case). */
  config: EngineConfig;
  /**
   * How the case root is a git repository (`"git"` in `config.json`): `folder` (the default: its `.git` folder exists),
   * `file` (its `.git` is a file, `gitdir: …`, as in a linked worktree or a submodule) or `none` (no `.git` at all: the
   * case is in no repository). A fixture cannot hold a `.git` itself: git refuses to track that name.
   */
  git: 'folder' | 'file' | 'none';
}

/** The kind of file a rule's fixtures are; for rules of both kinds (`any`), decided per case by its name. */
export function kindOfCode(code: string, caseName = ''): FileKind {
  const rule = ruleByCode(code);
  if (rule && rule.kind !== 'any') return rule.kind;
  return /\.ya?ml$|compose/i.test(caseName) ? 'compose' : 'dockerfile';
}

function readTree(dir: string, base: string, into: Map<string, string>): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'expected' && dir === base) continue;
      readTree(full, base, into);
    } else {
      into.set(path.relative(base, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
    }
  }
}

/** Reads every case of one rule's fixture folder. */
export function loadCases(code: string): FixtureCase[] {
  const dir = path.join(FIXTURES, code);
  if (!fs.existsSync(dir)) return [];
  const cases: FixtureCase[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const kind = kindOfCode(code, entry.name);
    const root = `${VIRTUAL_ROOT}/${code}/${entry.name}`;
    if (entry.isDirectory()) {
      const files = new Map<string, string>();
      readTree(path.join(dir, entry.name), path.join(dir, entry.name), files);
      let targetRel = [...files.keys()].find((f) => /(^|\/)(Dockerfile|[^/]*\.dockerfile)$/i.test(f) && kind === 'dockerfile') ?? [...files.keys()].find((f) => /(^|\/)(docker-)?compose[^/]*\.ya?ml$/.test(f) && kind === 'compose');
      let config = DEFAULT_CONFIG;
      let git: FixtureCase['git'] = 'folder';
      const configText = files.get('config.json');
      if (configText !== undefined) {
        files.delete('config.json');
        // `target`: the analyzed file when it is not the first Dockerfile / compose-named file (e.g. an included `db/database.yml`).
        const parsed = JSON.parse(configText) as Partial<EngineConfig> & { target?: string; git?: FixtureCase['git'] };
        config = { rules: parsed.rules ?? {}, options: { ...DEFAULT_CONFIG.options, ...(parsed.options ?? {}) } };
        if (parsed.target) targetRel = parsed.target;
        if (parsed.git !== undefined) {
          if (!['folder', 'file', 'none'].includes(parsed.git)) throw new Error(`fixture ${code}/${entry.name}: "git" must be "folder", "file" or "none"`);
          git = parsed.git;
        }
      }
      // A `.git` file in the case root, as a linked worktree has one (the folder it names is not in the case).
      if (git === 'file') files.set('.git', 'gitdir: ../.git/worktrees/case\n');
      if (!targetRel || !files.has(targetRel)) throw new Error(`fixture ${code}/${entry.name}: no ${kind} file in the folder`);
      const fileSet: FileSet = new Map([...files].map(([rel, text]) => [`${root}/${rel}`, text]));
      let expected: Map<string, string> | undefined;
      const expectedDir = path.join(dir, entry.name, 'expected');
      if (fs.existsSync(expectedDir)) {
        const exp = new Map<string, string>();
        readTree(expectedDir, expectedDir, exp);
        expected = new Map([...exp].map(([rel, text]) => [`${root}/${rel}`, text]));
      }
      cases.push({ code, name: entry.name, kind, target: `${root}/${targetRel}`, files: fileSet, expected, config, git });
    } else {
      if (/\.fixed\.[^.]+$/.test(entry.name) || entry.name.endsWith('.md')) continue;
      const text = fs.readFileSync(path.join(dir, entry.name), 'utf8');
      const ext = path.extname(entry.name);
      const fixedName = entry.name.slice(0, entry.name.length - ext.length) + '.fixed' + ext;
      // The analyzed file gets a name the engine recognizes, inside the case's own folder.
      const targetName = kind === 'dockerfile' ? 'Dockerfile' : 'compose.yaml';
      const target = `${root}/${targetName}`;
      let expected: Map<string, string> | undefined;
      if (fs.existsSync(path.join(dir, fixedName))) expected = new Map([[target, fs.readFileSync(path.join(dir, fixedName), 'utf8')]]);
      cases.push({ code, name: entry.name, kind, target, files: new Map([[target, text]]), expected, config: DEFAULT_CONFIG, git: 'folder' });
    }
  }
  return cases;
}

/** A workspace view over a file set; the case root counts as a git repository root. */
export function viewOf(files: FileSet, repoRoot?: string): WorkspaceView {
  return {
    readText: (p) => files.get(p),
    exists: (p) => files.get(p) !== undefined || (repoRoot !== undefined && p === `${repoRoot}/.git`) || [...files.keys()].some((k) => k.startsWith(p + '/')),
    listDir: (dir) => {
      const below = [...files.keys()].filter((k) => k.startsWith(dir + '/')).map((k) => k.slice(dir.length + 1).split('/')[0]);
      return below.length > 0 ? [...new Set(below)] : undefined;
    },
  };
}

export function caseRoot(c: FixtureCase): string {
  return `${VIRTUAL_ROOT}/${c.code}/${c.name}`;
}

export function analyzeCase(c: FixtureCase, files: FileSet = c.files): Analysis {
  // A `.git` file is one of the case's files; a `.git` folder is only said to exist.
  return analyze(allRules, c.kind, c.target, files.get(c.target) ?? '', viewOf(files, c.git === 'folder' ? caseRoot(c) : undefined), c.config);
}

/**
 * The expected findings written in a file: `# expect: CODE[, CODE…]` on its own line marks the
 * next line that is not itself such a marker. Returns "CODE@line" strings (0-based lines).
 */
/**
 * The fixes of a rule's findings in one fixture case, one line each: `LINE safe|quick [edits]` (`LINE none` when a
 * finding has no fix); each edit is its new text, or with `positions` `LINE:CHARACTER newText` (1-based line).
 */
export function fixSummaries(code: string, caseName: string, positions = false): string[] {
  const c = loadCases(code).find((x) => x.name === caseName);
  if (!c) throw new Error(`no fixture ${caseName} of ${code}`);
  const analysis = analyzeCase(c);
  return analysis.findings
    .filter((f) => f.code === code)
    .map((f) => {
      const fix = fixFinding(allRules, analysis.context, f);
      if (!fix) return `${f.range.start.line + 1} none`;
      const text = fix.changes.flatMap((ch) => (ch.kind === 'edit' ? ch.edits.map((e) => (positions ? `${e.range.start.line + 1}:${e.range.start.character} ${e.newText}` : e.newText)) : []));
      return `${f.range.start.line + 1} ${fix.safe ? 'safe' : 'quick'} ${JSON.stringify(text)}`;
    });
}

export function expectedMarkers(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  let pending: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*#\s*expect:\s*([A-Z]{2}\d{3}(?:\s*,\s*[A-Z]{2}\d{3})*)\s*$/.exec(lines[i]);
    if (m) {
      pending.push(...m[1].split(',').map((s) => s.trim()));
      continue;
    }
    for (const code of pending) out.push(`${code}@${i}`);
    pending = [];
  }
  return out.sort();
}

export function findingKeys(findings: Finding[], codes: Set<string>): string[] {
  return findings.filter((f) => codes.has(f.code)).map((f) => `${f.code}@${f.range.start.line}`).sort();
}

/**
 * Applies the rule's fixes one at a time (re-analyzing after each, as a user clicking them would)
 * until none is left. Returns the final files and how many fixes were applied.
 */
export function applyAllFixes(c: FixtureCase, code: string, limit = 50): { files: FileSet; applied: number; titles: string[] } {
  let files = c.files;
  let applied = 0;
  const titles: string[] = [];
  for (let round = 0; round < limit; round++) {
    const analysis = analyzeCase(c, files);
    let next: FileSet | undefined;
    for (const f of analysis.findings.filter((x) => x.code === code)) {
      const fix = fixFinding(allRules, analysis.context, f);
      if (!fix) continue;
      next = applyFix(files, fix);
      titles.push(fix.title);
      break;
    }
    if (!next) return { files, applied, titles };
    files = next;
    applied++;
  }
  throw new Error(`fixes for ${code} did not converge after ${limit} rounds`);
}

/**
 * The findings of one rule on a Dockerfile written at /w/Dockerfile (nothing else in the workspace), each with the fix
 * fixFinding gives it: what the shell-reading suites (bgclean, shell11, waitpid) assert.
 */
export function dockerfileFindingsWithFixes(text: string, code: string) {
  const a = analyze(allRules, 'dockerfile', '/w/Dockerfile', text, viewOf(new Map([['/w/Dockerfile', text]])), DEFAULT_CONFIG);
  return a.findings.filter((f) => f.code === code).map((f) => ({ finding: f, fix: fixFinding(allRules, a.context, f) }));
}
