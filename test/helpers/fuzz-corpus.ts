/**
 * The real-world corpus (/work/shared/corpus, read-only) as fuzz cases, and the fix-safety pass:
 * every offered fix applied to every file in memory (files a fix creates, such as `.env`, live in the
 * in-memory file set of a virtual folder per corpus file), re-analyzed, and counted per rule.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules, applyFix, fixesConflict, fixFinding, analyze, type FileKind, type Fix } from '../../rules';
import { checkCase, checkFix, FUZZ_CONFIG, viewOf, type Case, type Violation } from './fuzz-props';

export const CORPUS = process.env.DG_CORPUS ?? '/work/shared/corpus';

export interface CorpusFile {
  kind: FileKind;
  /** Path relative to the corpus root, e.g. `compose/foo__compose.yaml`. */
  rel: string;
  text: string;
}

/** Every corpus file (dockerfiles/, compose/, large/), in name order; empty when the corpus is absent. */
export function loadCorpus(): CorpusFile[] {
  const out: CorpusFile[] = [];
  const add = (dir: string, kind: (name: string) => FileKind | undefined) => {
    const full = path.join(CORPUS, dir);
    if (!fs.existsSync(full)) return;
    for (const name of fs.readdirSync(full).sort()) {
      const k = kind(name);
      if (!k) continue;
      const p = path.join(full, name);
      if (!fs.statSync(p).isFile()) continue;
      let text = fs.readFileSync(p, 'utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // as the CLI and the server read files
      out.push({ kind: k, rel: `${dir}/${name}`, text });
    }
  };
  add('dockerfiles', () => 'dockerfile');
  add('compose', () => 'compose');
  add('large', (n) => (/\.(sources|txt)$/.test(n) ? undefined : /\.ya?ml$/.test(n) ? 'compose' : 'dockerfile'));
  return out;
}

/** A corpus file as a case: alone in a virtual folder that is a git repository root. */
export function corpusCase(f: CorpusFile, text = f.text): Case {
  const base = path.basename(f.rel);
  const root = `/corpus/${f.rel.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
  // Keep the file's own name when the engine recognizes it as its kind; otherwise a canonical one.
  const name = f.kind === 'compose' ? (/\.ya?ml$/.test(base) ? base : 'compose.yaml') : 'Dockerfile';
  const target = `${root}/${name}`;
  return { kind: f.kind, target, files: new Map([[target, text]]), repoRoot: root };
}

export interface RuleTally {
  applied: number;
  broken: number;
  /** Distinct problems, with a corpus file that shows each. */
  examples: Map<string, string>;
}

export interface SafetyReport {
  files: number;
  findings: number;
  perRule: Map<string, RuleTally>;
  /** Problems that are not about one fix (analysis failures, ranges, convergence), per file. */
  other: { file: string; violation: Violation }[];
  ms: number;
}

function tally(report: SafetyReport, code: string): RuleTally {
  let t = report.perRule.get(code);
  if (!t) report.perRule.set(code, (t = { applied: 0, broken: 0, examples: new Map() }));
  return t;
}

const problemKey = (v: Violation) => `${v.property}: ${v.detail.replace(/\d+/g, 'N').slice(0, 100)}`;

/**
 * Applies every offered fix (and every "more" fix) of every file, one at a time, to the original file;
 * then, per file, fix-all (every safe fix that does not conflict, in one edit, as the editor's fix-all
 * and `check --fix` do) until nothing is offered. Convergence is checked per rule.
 */
export function fixSafety(files: CorpusFile[], onProgress?: (done: number, file: string, ms: number) => void): SafetyReport {
  const t0 = Date.now();
  const report: SafetyReport = { files: 0, findings: 0, perRule: new Map(), other: [], ms: 0 };
  for (const f of files) {
    const started = Date.now();
    const c = corpusCase(f);
    const large = f.rel.startsWith('large/');
    const r = checkCase(c, {
      timeBoundMs: large ? 2000 : 200,
      // The stress files have thousands of findings: sample their fixes, and converge only small sets.
      maxPerRule: large ? 10 : undefined,
      maxConvergenceFindings: large ? 10 : undefined,
      onFix: (code, _title, broken) => {
        const t = tally(report, code);
        t.applied++;
        if (broken.length > 0) {
          t.broken++;
          for (const v of broken) if (!t.examples.has(problemKey(v))) t.examples.set(problemKey(v), `${f.rel}: ${v.fixTitle ?? ''} — ${v.detail}`);
        }
      },
    });
    report.files++;
    report.findings += r.findings;
    for (const v of r.violations) {
      // Per-fix problems are counted in the table (onFix); the rest are listed on their own.
      if (v.property.startsWith('fix-') && v.property !== 'fix-not-converging' && v.property !== 'fix-throws') continue;
      report.other.push({ file: f.rel, violation: v });
      if (v.code && (v.property === 'fix-not-converging' || v.property === 'fix-throws')) {
        const t = tally(report, v.code);
        if (!t.examples.has(problemKey(v))) t.examples.set(problemKey(v), `${f.rel}: ${v.detail}`);
      }
    }
    const all = fixAllSafety(c);
    const t = tally(report, '(fix-all)');
    t.applied += all.rounds;
    if (all.violations.length > 0) t.broken++;
    for (const v of all.violations) if (!t.examples.has(problemKey(v))) t.examples.set(problemKey(v), `${f.rel}: ${v.fixTitle ?? ''} — ${v.detail}`);
    onProgress?.(report.files, f.rel, Date.now() - started);
  }
  report.ms = Date.now() - t0;
  return report;
}

/**
 * Fix-all as the editor and the CLI do it, in rounds until nothing safe is left; checks every round's
 * result. Fixes that conflict wait for a later round (every DC040 fix appends to .env: one per round),
 * so the bound is the number of findings, and a repeated state is a loop.
 */
export function fixAllSafety(c: Case, maxRounds?: number): { rounds: number; violations: Violation[] } {
  const seen = new Set<string>();
  let rounds = 0;
  let files = c.files;
  let limit = maxRounds ?? Infinity;
  for (let round = 0; round < limit; round++) {
    const analysis = analyze(allRules, c.kind, c.target, files.get(c.target) ?? '', viewOf(files, c.repoRoot), c.config ?? FUZZ_CONFIG);
    if (round === 0 && maxRounds === undefined) limit = analysis.findings.length + 5;
    const state = [...files].map(([p, t]) => `${p}\u0000${t ?? ''}`).join('\u0001');
    if (seen.has(state)) return { rounds, violations: [{ property: 'fix-not-converging', code: '(fix-all)', detail: `fix-all returns to an earlier state after ${rounds} rounds` }] };
    seen.add(state);
    const chosen: Fix[] = [];
    for (const finding of analysis.findings) {
      const fix = fixFinding(allRules, analysis.context, finding);
      if (!fix || !fix.safe || chosen.some((x) => fixesConflict(x, fix))) continue;
      chosen.push(fix);
    }
    if (chosen.length === 0) return { rounds, violations: [] };
    const merged: Fix = { title: `fix-all round ${round + 1} (${chosen.map((x) => x.title).join('; ').slice(0, 200)})`, safe: true, changes: chosen.flatMap((x) => x.changes) };
    rounds++;
    // The merged fix removes at least one finding; checkFix's "finding gone" test uses the first one fixed.
    const first = analysis.findings.find((x) => fixFinding(allRules, analysis.context, x)?.title === chosen[0].title)!;
    const r = checkFix(c, files, analysis, first, merged);
    const bad = r.violations.filter((v) => v.property !== 'fix-not-gone');
    if (bad.length > 0 || !r.after) return { rounds, violations: bad.map((v) => ({ ...v, code: '(fix-all)' })) };
    try {
      files = applyFix(files, merged);
    } catch (e) {
      return { rounds, violations: [{ property: 'fix-overlap', code: '(fix-all)', detail: (e as Error).message }] };
    }
  }
  return { rounds, violations: [{ property: 'fix-not-converging', code: '(fix-all)', detail: `safe fixes still offered after ${limit} rounds` }] };
}

/** The report as a Markdown table (bench/results/fix-safety.md). */
export function renderSafetyMarkdown(report: SafetyReport, note = ''): string {
  const rows = [...report.perRule].sort(([a], [b]) => a.localeCompare(b));
  const total = rows.filter(([k]) => k !== '(fix-all)').reduce((s, [, t]) => ({ applied: s.applied + t.applied, broken: s.broken + t.broken }), { applied: 0, broken: 0 });
  let md = `# Fix safety over the corpus\n\n`;
  md += `Every fix the rules offer (the quick fix and any further fixes), applied one at a time to each of ${report.files} corpus files in memory and re-analyzed. `;
  md += `A fix is *broken* when it fails any property: edits inside the file and not overlapping, a file that still parses (YAML without errors, no new unknown Dockerfile instruction), the same services / stages, a valid \`.env\`, analysis without failures afterwards, and the finding gone. `;
  md += `\`(fix-all)\` counts the rounds of fix-all (every safe, non-conflicting fix in one edit, repeated until none is left) and the rounds that broke a property.\n\n`;
  if (note) md += `${note}\n\n`;
  md += `| rule | fixes applied | broken |\n|---|---:|---:|\n`;
  for (const [code, t] of rows) md += `| ${code} | ${t.applied} | ${t.broken} |\n`;
  md += `| **total** (rules) | **${total.applied}** | **${total.broken}** |\n\n`;
  md += `${report.findings} findings in ${report.files} files; ${(report.ms / 1000).toFixed(1)} s.\n`;
  const problems = rows.filter(([, t]) => t.examples.size > 0);
  if (problems.length > 0) {
    md += `\n## Problems\n\n`;
    for (const [code, t] of problems) for (const ex of t.examples.values()) md += `- ${code}: ${ex.replace(/\n/g, ' ').slice(0, 400)}\n`;
  }
  if (report.other.length > 0) {
    md += `\n## Other problems (analysis, ranges, convergence)\n\n`;
    const seen = new Set<string>();
    for (const { file, violation: v } of report.other) {
      const key = `${v.property}${v.code}${v.detail.replace(/\d+/g, 'N').slice(0, 80)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      md += `- ${v.property}${v.code ? ` [${v.code}]` : ''} in ${file}: ${v.detail.replace(/\n/g, ' ').slice(0, 300)}\n`;
    }
  }
  return md;
}
