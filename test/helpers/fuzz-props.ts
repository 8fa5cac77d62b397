/**
 * The robustness properties every input must satisfy, shared by the fuzz test, `npm run fuzz`, the
 * fix-safety test and `npm run fix-safety`:
 *  - analysis never throws, no rule fails (`analysis.failures` is empty) and it stays under a time bound;
 *  - every finding's range lies inside the document;
 *  - every offered fix (`fixFinding` and `moreFixesFor`) has edits inside its file that do not overlap,
 *    applies cleanly, leaves a file that still parses (and keeps the file's structure), removes the
 *    finding it fixes, and a rule's fixes applied until none is offered converge (nothing changes after).
 * A broken property is returned as a `Violation` (never thrown), with enough detail to reproduce it.
 */
import { parseAllDocuments } from 'yaml';
import { DockerfileParser } from 'dockerfile-ast';
import { allRules, analyze, applyFix, fixFinding, fixesAllowed, fixWritesSafely, moreFixesFor, DEFAULT_CONFIG, DEFAULT_OPTIONS, LineIndex, type Analysis, type EngineConfig, type FileKind, type FileSet, type Finding, type Fix, type Range, type TextEdit, type WorkspaceView } from '../../rules';
import { comparePositions } from '../../rules/engine/text';
import type { Rule } from '../../rules/engine/rule';
import { setSecretGeneratorForTests } from '../../rules/engine/secret-gen';

// Reproducible runs: generated passwords (DC041 fixes) are a function of their hint and a counter.
let secretCounter = 0;
setSecretGeneratorForTests((hint, length) => `Gen${(secretCounter++).toString(36)}x${hint.replace(/[^A-Za-z0-9]/g, '')}`.padEnd(Math.min(length, 24), 'Q9'));

/** Every rule on, opt-in rules included; DF004 active (it is inactive without trusted registries). */
export const FUZZ_CONFIG: EngineConfig = {
  rules: Object.fromEntries(allRules.filter((r) => r.optIn).map((r) => [r.code, r.severity])),
  options: { ...DEFAULT_OPTIONS, trustedRegistries: ['docker.io', 'ghcr.io'] },
};

export { DEFAULT_CONFIG };

export type Property =
  | 'analysis-throws'
  | 'rule-failed'
  | 'too-slow'
  | 'range-outside'
  | 'fix-throws'
  | 'fix-edit-outside'
  | 'fix-overlap'
  | 'fix-create-existing'
  | 'fix-noop'
  | 'fix-breaks-parse'
  | 'fix-breaks-structure'
  | 'fix-breaks-env'
  | 'fix-reanalysis-failed'
  | 'fix-not-gone'
  | 'fix-not-converging';

export interface Violation {
  property: Property;
  /** The rule concerned, when one is. */
  code?: string;
  fixTitle?: string;
  /** The line the finding starts on, when the violation is about a finding or its fix. */
  line?: number;
  detail: string;
}

export interface Case {
  kind: FileKind;
  /** Absolute (virtual) path of the analyzed file. */
  target: string;
  /** The analyzed file and the other files of its workspace (`.env`, `.gitignore`, Dockerfiles…). */
  files: FileSet;
  /** A folder that counts as a git repository root (its `.git` exists). */
  repoRoot?: string;
  config?: EngineConfig;
  /** The rules to run (default: every rule); the checker's own tests pass deliberately broken ones. */
  rules?: readonly Rule[];
}

export interface CheckOptions {
  /** Analysis time bound in ms (the median of up to three runs must stay below it). */
  timeBoundMs?: number;
  /** Check fixes (default true). */
  fixes?: boolean;
  /** At most this many findings get their fixes checked (default: all). */
  maxFindings?: number;
  /** At most this many findings per rule get their fixes checked (default: all). */
  maxPerRule?: number;
  /** Check convergence of every fixable rule of the file (default true)… */
  convergence?: boolean;
  /** …that has at most this many findings (default: any number)… */
  maxConvergenceFindings?: number;
  /** …for at most this many rules per case, chosen by a hash of the text (default: every rule). */
  maxConvergenceRules?: number;
  /** Called for every fix applied (for fix-safety statistics): the rule, and whether it broke something. */
  onFix?: (code: string, title: string, broken: Violation[]) => void;
}

export interface CheckResult {
  violations: Violation[];
  findings: number;
  fixesChecked: number;
  analyzeMs: number;
}

export function viewOf(files: FileSet, repoRoot?: string): WorkspaceView {
  return {
    readText: (p) => files.get(p),
    exists: (p) => files.get(p) !== undefined || (repoRoot !== undefined && p === `${repoRoot}/.git`) || [...files.keys()].some((k) => k.startsWith(p + '/') && files.get(k) !== undefined),
  };
}

function run(c: Case, files: FileSet): Analysis {
  return analyze(c.rules ?? allRules, c.kind, c.target, files.get(c.target) ?? '', viewOf(files, c.repoRoot), c.config ?? FUZZ_CONFIG);
}

const fmtRange = (r: Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

/** Why a range is not inside a text (undefined when it is): valid lines, characters within the line. */
export function rangeProblem(lines: LineIndex, r: Range): string | undefined {
  if (!r || !r.start || !r.end) return 'missing range';
  const nums = [r.start.line, r.start.character, r.end.line, r.end.character];
  if (!nums.every((n) => Number.isInteger(n) && n >= 0)) return `not non-negative integers: ${JSON.stringify(r)}`;
  if (r.start.line >= lines.lineCount || r.end.line >= lines.lineCount) return `line beyond the last (${lines.lineCount - 1}): ${fmtRange(r)}`;
  if (r.start.line > r.end.line || (r.start.line === r.end.line && r.start.character > r.end.character)) return `end before start: ${fmtRange(r)}`;
  const sl = lines.lineText(r.start.line).length;
  const el = lines.lineText(r.end.line).length;
  if (r.start.character > sl) return `start character ${r.start.character} beyond line ${r.start.line}'s length ${sl}`;
  if (r.end.character > el) return `end character ${r.end.character} beyond line ${r.end.line}'s length ${el}`;
  return undefined;
}

/** Memoizes a function of a text (the same original text is checked against every fix). */
function memoText<T>(f: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    const hit = cache.get(text);
    if (hit !== undefined) return hit;
    const v = f(text);
    if (cache.size >= 32) cache.delete(cache.keys().next().value!);
    cache.set(text, v);
    return v;
  };
}

/** YAML errors as Docker Compose sees them (duplicate keys are errors there, too). */
export const yamlErrors = memoText(yamlErrorsOf);

function yamlErrorsOf(text: string): string[] {
  try {
    return parseAllDocuments(text).flatMap((d) => ('errors' in d ? d.errors.map((e) => e.message.split('\n')[0]) : []));
  } catch (e) {
    return [`yaml threw: ${(e as Error).message}`];
  }
}

const INSTRUCTIONS = new Set(['ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

/** A Dockerfile's shape: stages, and instructions whose keyword is not a Dockerfile instruction. */
const dockerfileShape = memoText(dockerfileShapeOf);
function dockerfileShapeOf(text: string): { stages: number; unknown: number; instructions: number } {
  const ast = DockerfileParser.parse(text);
  const instructions = ast.getInstructions();
  return { stages: ast.getFROMs().length, unknown: instructions.filter((i) => !INSTRUCTIONS.has(i.getKeyword().toUpperCase())).length, instructions: instructions.length };
}

/** A compose file's shape: the service names of every document (services never appear or vanish through a fix). */
const composeShape = memoText(composeShapeOf);
/** Compose v1 (no `services:`): the top-level entries that are services (DG003 moves them under `services:`). */
function legacyServices(js: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(js)) {
    if (/^(version|name|networks|volumes|secrets|configs|include)$|^x-/.test(k)) continue;
    if (!v || typeof v !== 'object' || Array.isArray(v) || !('image' in v || 'build' in v)) return undefined;
    out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function composeShapeOf(text: string): string {
  try {
    // logLevel 'error': toJS warns on stderr about keys that are collections, which random input is full of.
    return parseAllDocuments(text, { uniqueKeys: false, merge: true, logLevel: 'error' })
      .map((d) => {
        const js = 'toJS' in d ? (d.toJS({ maxAliasCount: 1000 }) as Record<string, unknown> | null) : undefined;
        const services = js && typeof js === 'object' ? (js.services ?? legacyServices(js)) : undefined;
        return services && typeof services === 'object' ? Object.keys(services).sort().join(',') : '';
      })
      .join('|');
  } catch {
    return '(unreadable)';
  }
}

const ENV_LINE = /^\s*(?:#.*|(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=.*|)$/;

function envProblems(text: string): string | undefined {
  // Values may span lines when quoted; check only lines that are not inside a quoted value.
  let open: string | null = null;
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (open) {
      if (line.includes(open)) open = null;
      continue;
    }
    if (!ENV_LINE.test(line)) return `line ${i + 1} is not KEY=value: ${JSON.stringify(line.slice(0, 60))}`;
    const m = /=\s*(["'`])(.*)$/.exec(line);
    if (m && !m[2].includes(m[1])) open = m[1];
  }
  return undefined;
}

/** Checks one fix against the files it was computed for. Returns the files after it (or undefined) and what broke. */
export function checkFix(c: Case, files: FileSet, before: Analysis, finding: Finding, fix: Fix): { after?: FileSet; afterAnalysis?: Analysis; violations: Violation[] } {
  const violations: Violation[] = [];
  const v = (property: Property, detail: string) => violations.push({ property, code: finding.code, fixTitle: fix.title, line: finding.range?.start?.line, detail });
  if (!fix.changes || fix.changes.length === 0) {
    v('fix-noop', 'fix has no changes');
    return { violations };
  }
  // Every edit of one file refers to the file as it was before the fix (as in one LSP TextDocumentEdit,
  // and as applyFix applies them): group them per file, check them against that text.
  const editsByPath = new Map<string, TextEdit[]>();
  const created = new Set<string>();
  for (const ch of fix.changes) {
    if (ch.kind === 'create') {
      if (files.get(ch.path) !== undefined || created.has(ch.path)) v('fix-create-existing', `creates ${ch.path}, which exists`);
      if (typeof ch.content !== 'string') v('fix-edit-outside', `create ${ch.path}: content is not a string`);
      created.add(ch.path);
      continue;
    }
    const list = editsByPath.get(ch.path) ?? [];
    list.push(...ch.edits);
    editsByPath.set(ch.path, list);
  }
  for (const [p, edits] of editsByPath) {
    const text = files.get(p);
    if (text === undefined) {
      v('fix-edit-outside', `edits ${created.has(p) ? 'a file it creates' : 'a missing file'}: ${p}`);
      continue;
    }
    const lines = new LineIndex(text);
    for (const e of edits) {
      const prob = rangeProblem(lines, e.range);
      if (prob) v('fix-edit-outside', `${p}: ${prob}`);
      if (typeof e.newText !== 'string') v('fix-edit-outside', `${p}: newText is not a string`);
    }
    const sorted = [...edits].sort((a, b) => comparePositions(a.range.start, b.range.start) || comparePositions(a.range.end, b.range.end));
    for (let k = 1; k < sorted.length; k++) {
      if (comparePositions(sorted[k].range.start, sorted[k - 1].range.end) < 0) v('fix-overlap', `${p}: ${fmtRange(sorted[k - 1].range)} overlaps ${fmtRange(sorted[k].range)}`);
    }
  }
  if (violations.length > 0) return { violations };
  // applyFix itself (the function the CLI and the tests use) must agree.
  let after: FileSet;
  try {
    after = applyFix(files, fix);
  } catch (e) {
    v('fix-overlap', `applyFix threw: ${(e as Error).message}`);
    return { violations };
  }
  const oldText = files.get(c.target) ?? '';
  const newText = after.get(c.target) ?? '';
  let changed = false;
  for (const [p, t] of after) if (files.get(p) !== t) changed = true;
  if (!changed) v('fix-noop', 'applying the fix changes nothing');
  if (c.kind === 'compose') {
    if (yamlErrors(oldText).length === 0) {
      const errs = yamlErrors(newText);
      if (errs.length > 0) v('fix-breaks-parse', `YAML no longer parses: ${errs[0]}`);
      else if (composeShape(oldText) !== composeShape(newText)) v('fix-breaks-structure', `services changed: ${composeShape(oldText).slice(0, 200)} -> ${composeShape(newText).slice(0, 200)}`);
    }
  } else {
    const a = dockerfileShape(oldText);
    const b = dockerfileShape(newText);
    if (b.stages !== a.stages) v('fix-breaks-structure', `FROM count ${a.stages} -> ${b.stages}`);
    if (b.unknown > a.unknown) v('fix-breaks-parse', `unknown instructions ${a.unknown} -> ${b.unknown} (a continuation or line break went wrong)`);
    if (newText.includes('\u0000') && !oldText.includes('\u0000')) v('fix-breaks-parse', 'NUL introduced');
  }
  for (const ch of fix.changes) {
    if (ch.path === c.target) continue;
    const base = ch.path.split('/').pop() ?? '';
    if (/^\.env(\..+)?$/.test(base)) {
      const p = envProblems(after.get(ch.path) ?? '');
      if (p) v('fix-breaks-env', `${base}: ${p}`);
    }
  }
  let afterAnalysis: Analysis;
  try {
    afterAnalysis = run(c, after);
  } catch (e) {
    v('fix-reanalysis-failed', `analysis threw after the fix: ${(e as Error).message}`);
    return { after, violations };
  }
  if (afterAnalysis.failures.length > 0) v('fix-reanalysis-failed', `rules failed after the fix: ${afterAnalysis.failures.map((f) => `${f.code}: ${f.error.split('\n')[0]}`).join('; ')}`);
  // Whether the finding is gone is only asked of well-formed input: with a duplicate key, for example,
  // the same finding comes back from the key's other occurrence.
  if (c.kind === 'compose' && yamlErrors(oldText).length > 0) return { after, afterAnalysis, violations };
  const same = (a: Analysis) => a.findings.filter((f) => f.code === finding.code);
  const was = same(before);
  const now = same(afterAnalysis);
  if (now.length >= was.length) {
    // Allowed only if what remains is genuinely different (another finding of the same rule the fix revealed).
    const msgsBefore = was.filter((f) => f.message === finding.message).length;
    const msgsAfter = now.filter((f) => f.message === finding.message).length;
    if (msgsAfter >= msgsBefore) v('fix-not-gone', `still ${now.length} ${finding.code} finding(s) (was ${was.length}); "${finding.message.slice(0, 120)}" remains`);
  }
  return { after, afterAnalysis, violations };
}

/**
 * Applies one rule's fixes one at a time (always the first offered) until none is offered. Fails when
 * that takes more rounds than the rule had findings (plus slack), or when a state repeats.
 */
export function checkConvergence(c: Case, files: FileSet, code: string, initialCount: number): Violation[] {
  const limit = initialCount * 2 + 3;
  const seen = new Set<string>();
  let cur = files;
  for (let round = 0; round <= limit; round++) {
    const a = run(c, cur);
    let fix: Fix | undefined;
    for (const f of a.findings) {
      if (f.code !== code) continue;
      fix = fixFinding(c.rules ?? allRules, a.context, f);
      if (fix) break;
    }
    if (!fix) return [];
    const key = [...cur].map(([p, t]) => `${p}\u0000${t ?? ''}`).join('\u0001');
    if (seen.has(key)) return [{ property: 'fix-not-converging', code, fixTitle: fix.title, detail: `state repeats after ${round} rounds` }];
    seen.add(key);
    try {
      cur = applyFix(cur, fix);
    } catch (e) {
      return [{ property: 'fix-overlap', code, fixTitle: fix.title, detail: `during convergence: ${(e as Error).message}` }];
    }
  }
  return [{ property: 'fix-not-converging', code, detail: `${limit} rounds for ${initialCount} finding(s) and fixes are still offered` }];
}

function timeAnalysis(c: Case, files: FileSet): { analysis?: Analysis; ms: number; error?: unknown } {
  const t0 = performance.now();
  try {
    const analysis = run(c, files);
    return { analysis, ms: performance.now() - t0 };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}

function hashText(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return h;
}

/** Checks every property on one case. */
export function checkCase(c: Case, opts: CheckOptions = {}): CheckResult {
  const violations: Violation[] = [];
  const bound = opts.timeBoundMs ?? 200;
  let t = timeAnalysis(c, c.files);
  if (t.error !== undefined) {
    const e = t.error as Error;
    return { violations: [{ property: 'analysis-throws', detail: e?.stack?.split('\n').slice(0, 4).join(' | ') ?? String(e) }], findings: 0, fixesChecked: 0, analyzeMs: t.ms };
  }
  if (t.ms > bound) {
    // A garbage-collection pause is not a finding: re-measure, keep the fastest run.
    for (let i = 0; i < 2 && t.ms > bound; i++) {
      const again = timeAnalysis(c, c.files);
      if (again.ms < t.ms) t = again;
    }
    if (t.ms > bound) violations.push({ property: 'too-slow', detail: `analysis took ${t.ms.toFixed(0)} ms (bound ${bound} ms)` });
  }
  const analysis = t.analysis!;
  for (const f of analysis.failures) violations.push({ property: 'rule-failed', code: f.code, detail: f.error.split('\n').slice(0, 3).join(' | ') });
  const text = c.files.get(c.target) ?? '';
  const lines = new LineIndex(text);
  for (const f of [...analysis.findings, ...analysis.suppressed.map((s) => s.finding)]) {
    const p = rangeProblem(lines, f.range);
    if (p) violations.push({ property: 'range-outside', code: f.code, line: f.range?.start?.line, detail: p });
  }
  let fixesChecked = 0;
  if (opts.fixes !== false) {
    const counts = new Map<string, number>();
    for (const f of analysis.findings) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
    const fixableCodes = new Set<string>();
    const findings = opts.maxFindings !== undefined ? analysis.findings.slice(0, opts.maxFindings) : analysis.findings;
    // With maxPerRule, which findings of a rule are checked rotates with a hash of the text (not always the first).
    const h = Math.abs(hashText(text));
    const perRule = new Map<string, number>();
    for (const f of findings) {
      const n = perRule.get(f.code) ?? 0;
      perRule.set(f.code, n + 1);
      const total = counts.get(f.code) ?? 1;
      if (opts.maxPerRule !== undefined && total > opts.maxPerRule && (n - (h % total) + total) % total >= opts.maxPerRule) continue;
      let fixes: Fix[];
      try {
        const rules = c.rules ?? allRules;
        const rule = rules.find((r) => r.code === f.code);
        // Call the rule directly as well: fixFinding swallows exceptions, which would hide a crash.
        // (The engine offers no fix a rule may not make here: a compose rule in a file with YAML syntax errors.)
        const allowed = !!rule && fixesAllowed(rule, analysis.context);
        const direct = allowed && rule?.fix ? (rule.fix as (ctx: unknown, d: Finding) => Fix | undefined)(analysis.context, f) : undefined;
        // Those that fix this finding (Fix.resolves), as moreFixesFor keeps them (moveall).
        const more = (allowed && rule?.moreFixes ? (rule.moreFixes as (ctx: unknown, d: Finding) => Fix[])(analysis.context, f) : []).filter((m) => !m.resolves || m.resolves(f.data));
        const viaEngine = fixFinding(rules, analysis.context, f);
        // The engine drops a fix that would create a file that exists or write through a link (fixWritesSafely):
        // the rule that made it is still wrong.
        const writesSafely = !direct || fixWritesSafely(analysis.context, direct);
        if (!writesSafely) violations.push({ property: 'fix-create-existing', code: f.code, detail: 'the rule\'s fix creates a file that exists, or edits one that is a link or cannot be read (the engine drops it)' });
        if (!!(direct && writesSafely) !== !!viaEngine) violations.push({ property: 'fix-throws', code: f.code, detail: 'fixFinding and the rule disagree' });
        fixes = [...(viaEngine ? [viaEngine] : []), ...moreFixesFor(rules, analysis.context, f)];
        if (more.length !== fixes.length - (viaEngine ? 1 : 0)) violations.push({ property: 'fix-throws', code: f.code, detail: 'moreFixesFor and the rule disagree' });
      } catch (e) {
        violations.push({ property: 'fix-throws', code: f.code, detail: (e as Error).stack?.split('\n').slice(0, 3).join(' | ') ?? String(e) });
        continue;
      }
      for (const fix of fixes) {
        fixesChecked++;
        const r = checkFix(c, c.files, analysis, f, fix);
        opts.onFix?.(f.code, fix.title, r.violations);
        violations.push(...r.violations);
        if (fix === fixes[0]) fixableCodes.add(f.code);
      }
    }
    if (opts.convergence !== false && (c.kind !== 'compose' || yamlErrors(text).length === 0)) {
      let codes = [...fixableCodes].sort();
      if (opts.maxConvergenceRules !== undefined && codes.length > opts.maxConvergenceRules) {
        const start = h % codes.length;
        codes = [...codes.slice(start), ...codes.slice(0, start)].slice(0, opts.maxConvergenceRules);
      }
      for (const code of codes) {
        const n = counts.get(code) ?? 1;
        if (opts.maxConvergenceFindings === undefined || n <= opts.maxConvergenceFindings) violations.push(...checkConvergence(c, c.files, code, n));
      }
    }
  }
  return { violations, findings: analysis.findings.length, fixesChecked, analyzeMs: t.ms };
}

/** A printable description of a case (the analyzed text, and the other files), for counterexamples. */
export function describeCase(c: Case, maxChars = 4000): string {
  const parts: string[] = [];
  for (const [p, t] of c.files) {
    if (t === undefined) continue;
    const shown = t.length > maxChars ? `${JSON.stringify(t.slice(0, maxChars))}… (${t.length} chars)` : JSON.stringify(t);
    parts.push(`${p === c.target ? '>' : ' '} ${p}: ${shown}`);
  }
  return parts.join('\n');
}

export function formatViolations(vs: Violation[]): string {
  return vs.map((x) => `${x.property}${x.code ? ` [${x.code}]` : ''}${x.fixTitle ? ` "${x.fixTitle}"` : ''}: ${x.detail}`).join('\n');
}
