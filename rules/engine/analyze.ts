import * as path from 'node:path';
import { isUtf16IgnoreFile } from './repo';
import { ComposeContext } from './compose';
import { hasSyntaxErrors } from './compose-values';
import { DockerfileContext } from './dockerfile';
import { fileKindOf } from './file-names';
import { isIncludedComposePath } from './include';
import { analysisWorkspace, registerAnalyzed } from './relations';
import type { Rule } from './rule';
import { maskSecretValues } from './secrets';
import { coverageOf, coveringComment, detachedLine, findIgnoreComments, suppressionLine, variesPerCheckout, type IgnoreComment } from './suppress';
import type { IgnoreUnusedData } from '../meta/DG001-ignore-unused';

export { fileKindOf };

/** The engine-computed rule that reports ignore comments which silence nothing. */
export const IGNORE_UNUSED_CODE = 'DG001';

/**
 * The problems of a config file (`.docker-guardrails.yaml`): published with their rule's severity whatever a
 * `rules` setting says (its docs' `suppress`: turning it off would hide that the configuration is not applied).
 */
export const CONFIG_INVALID_CODE = 'DG002';

/** The codes whose severity a `rules` setting sets (`off`, `error`…): every rule's but CONFIG_INVALID_CODE. */
export function severityCodes(rules: readonly Rule[]): string[] {
  return rules.map((r) => r.code).filter((c) => c !== CONFIG_INVALID_CODE);
}
import { DEFAULT_OPTIONS, type Detection, type FileKind, type Finding, type Fix, type Range, type RuleOptions, type Severity, type SeveritySetting, type WorkspaceView } from './types';

/** Settings that shape one analysis. */
export interface EngineConfig {
  /** Per-rule severity override; `off` disables. Naming an opt-in rule with a severity enables it. */
  rules: Record<string, SeveritySetting | undefined>;
  options: RuleOptions;
}

export const DEFAULT_CONFIG: EngineConfig = { rules: {}, options: DEFAULT_OPTIONS };

/**
 * The kind of a file by name, else by relation: a YAML file that a compose file of the workspace
 * `include:`s is a compose file whatever its name (e.g. `include: [db/database.yml]`).
 */
export function fileKindIn(workspace: WorkspaceView, filePath: string, options: RuleOptions = DEFAULT_OPTIONS): FileKind | undefined {
  return fileKindOf(filePath) ?? (isIncludedComposePath(workspace, filePath, options) ? 'compose' : undefined);
}

export type AnyContext = DockerfileContext | ComposeContext;

export interface Suppressed {
  finding: Finding;
  comment: IgnoreComment;
}

export interface Analysis {
  context: AnyContext;
  findings: Finding[];
  /** Findings silenced by an ignore comment (with the comment and its reason). */
  suppressed: Suppressed[];
  /** Rules that threw: reported, never fatal. */
  failures: { code: string; error: string }[];
}

/**
 * The parsed file for one analysis. Other files its rules read (the compose file that builds it, a
 * `.env`) are read as they are during this analysis, not as an earlier one saw them (analysisWorkspace).
 */
export function createContext(kind: FileKind, filePath: string, text: string, workspace: WorkspaceView, options: RuleOptions): AnyContext {
  const view = analysisWorkspace(workspace);
  const context = kind === 'dockerfile' ? new DockerfileContext(filePath, text, view, options) : new ComposeContext(filePath, text, view, options);
  registerAnalyzed(view, context);
  return context;
}

/** The effective severity of a rule under a config, or undefined when it is off. */
export function effectiveSeverity(rule: Pick<Rule, 'code' | 'optIn' | 'severity'>, config: EngineConfig, detected?: Severity): Severity | undefined {
  const setting = config.rules[rule.code];
  if (setting === 'off') return undefined;
  if (setting) return setting;
  if (rule.optIn) return undefined;
  return detected ?? rule.severity;
}

/**
 * The file of `previous` analyzed again with `text` (a round of fixes: fixInRounds). When the text is the one `previous`
 * was made of — the round changed only other files (a `.gitignore`, a `.env`) — its parse is read again (`reading`: the
 * documents and what they say about themselves, none of the answers that read other files), not made anew: a round of
 * the 5,000-line stress compose file spent half its time parsing it again (review 45c, item 7).
 */
export function analyzeAgain(rules: readonly Rule[], previous: Analysis, text: string, workspace: WorkspaceView, config: EngineConfig = DEFAULT_CONFIG): Analysis {
  const old = previous.context;
  if (old.text !== text) return analyze(rules, old.kind, old.path, text, workspace, config);
  const view = analysisWorkspace(workspace);
  const context = old.reading(view, config.options);
  registerAnalyzed(view, context);
  return runRules(rules, context, config);
}

/** Parses once and runs every enabled rule of the file's kind. Never throws for any input text. */
export function analyze(rules: readonly Rule[], kind: FileKind, filePath: string, text: string, workspace: WorkspaceView, config: EngineConfig = DEFAULT_CONFIG): Analysis {
  const context = createContext(kind, filePath, text, workspace, config.options);
  return runRules(rules, context, config);
}

/**
 * A rule as the analysis loop reads it. Rules are object literals of many shapes (optional `optIn`,
 * `fix`, `moreFixes`…), so reading their fields in a loop over every rule of every file made each
 * read megamorphic (about 10 µs of every compose analysis went on the loop itself); these records
 * all have one shape.
 */
class PlannedRule {
  readonly code: string;
  readonly name: string;
  readonly severity: Severity;
  readonly optIn: boolean;
  readonly fixable: boolean;
  /** The rule's own functions (called with the rule as `this`). */
  readonly check: (c: AnyContext) => Detection[];
  readonly message: (data: unknown) => string;
  constructor(readonly rule: Rule) {
    this.check = rule.check as (c: AnyContext) => Detection[];
    this.message = rule.message as (data: unknown) => string;
    this.code = rule.code;
    this.name = rule.name;
    this.severity = rule.severity;
    this.optIn = rule.optIn === true;
    this.fixable = rule.fixable !== 'never' && typeof rule.fix === 'function';
  }
}

/**
 * The rules of a list that apply to a kind of file, in list order. Remembered per list (the registry's
 * list is asked for every file); recomputed if the list's length changes.
 */
const byKind = new WeakMap<readonly Rule[], { length: number; dockerfile: PlannedRule[]; compose: PlannedRule[] }>();

function rulesOfKind(rules: readonly Rule[], kind: FileKind): PlannedRule[] {
  let hit = byKind.get(rules);
  if (!hit || hit.length !== rules.length) {
    // In code order, so that findings at the same position come out by code (sortByPosition).
    const planned = rules.map((r) => new PlannedRule(r)).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    hit = { length: rules.length, dockerfile: planned.filter((p) => p.rule.kind === 'dockerfile' || p.rule.kind === 'any'), compose: planned.filter((p) => p.rule.kind === 'compose' || p.rule.kind === 'any') };
    byKind.set(rules, hit);
  }
  return kind === 'dockerfile' ? hit.dockerfile : hit.compose;
}

export function runRules(rules: readonly Rule[], context: AnyContext, config: EngineConfig): Analysis {
  const findings: Finding[] = [];
  const failures: Analysis['failures'] = [];
  // effectiveSeverity, written out: most configs set no severity, and a keyed read of a code that
  // the (empty) settings object lacks, for every rule of every file, was a per cent of the analysis.
  const overrides = hasKeys(config.rules) ? config.rules : undefined;
  for (const planned of rulesOfKind(rules, context.kind)) {
    const setting = overrides?.[planned.code];
    if (setting === 'off' || (!setting && planned.optIn)) continue;
    let detections: Detection[];
    try {
      detections = planned.check.call(planned.rule, context);
    } catch (e) {
      failures.push({ code: planned.code, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      continue;
    }
    for (const d of detections) {
      const severity = setting ?? d.severity ?? planned.severity;
      let message: string;
      try {
        // A message never quotes a secret's value; one a value reader recognises is masked whatever text quotes it (a URL, a tag).
        message = maskSecretValues(planned.message.call(planned.rule, d.data));
      } catch (e) {
        failures.push({ code: planned.code, error: String(e) });
        continue;
      }
      // Written out rather than spread from the detection (a detection is `range`, `data` and an
      // optional `severity`): copying by spread costs microseconds per finding.
      findings.push({ range: d.range, data: d.data, code: planned.code, name: planned.name, severity, message, path: context.path, fixable: planned.fixable });
    }
  }
  return finishAnalysis(rules, context, config, findings, failures);
}

/**
 * The analysis made of the rules' findings: ignore comments applied (and DG001's findings added), findings in document
 * order. runRules' last step; exported for bench/profile-compose.ts, which times it apart.
 */
export function finishAnalysis(rules: readonly Rule[], context: AnyContext, config: EngineConfig, findings: Finding[], failures: Analysis['failures']): Analysis {
  const { kept, suppressed } = applySuppressions(rules, context, config, findings);
  return { context, findings: sortByPosition(kept), suppressed, failures };
}

/** Findings in document order, then by code (two capitals and three digits: compared by code unit, as localeCompare orders them). */
function byPosition(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

/**
 * The findings sorted as byPosition sorts them, by one numeric sort of keys: position and index packed
 * in a double (line < 2^20, character < 2^16, index < 2^17: 53 bits, exact). The findings come rule by
 * rule in code order (rulesOfKind), so the index orders a tie in position by code, as byPosition
 * does, and keeps a rule's own ties in its order, as a stable sort does. A comparator called for each
 * comparison was a few per cent of analysing a small file; findings out of those bounds or out of
 * code order (DG001's, appended last) take it.
 */
function sortByPosition(findings: Finding[]): Finding[] {
  const n = findings.length;
  if (n < 2) return findings;
  if (n >= INDEX_BOUND) return findings.sort(byPosition);
  // One scratch array for every analysis (a typed array is slow to allocate for a few findings).
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  const keys = scratch;
  for (let i = 0; i < n; i++) {
    const { line, character } = findings[i].range.start;
    if (line >>> 0 !== line || line >= 1 << 20 || character >>> 0 !== character || character >= 1 << 16) return findings.sort(byPosition);
    // DG001's findings (applySuppressions) come after every rule's, whatever their code.
    if (i > 0 && findings[i].code < findings[i - 1].code) return findings.sort(byPosition);
    keys[i] = (line * 65536 + character) * INDEX_BOUND + i;
  }
  if (n <= 32) {
    // Insertion sort: a file's findings are few, and mostly in order already.
    for (let i = 1; i < n; i++) {
      const k = keys[i];
      let j = i - 1;
      while (j >= 0 && keys[j] > k) {
        keys[j + 1] = keys[j];
        j--;
      }
      keys[j + 1] = k;
    }
  } else keys.subarray(0, n).sort();
  const out = new Array<Finding>(n);
  for (let i = 0; i < n; i++) out[i] = findings[keys[i] % INDEX_BOUND];
  return out;
}

let scratch = new Float64Array(64);
const INDEX_BOUND = 1 << 17;

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/**
 * Drops findings silenced by ignore comments and reports the comments (or codes in them) that
 * silence nothing as DG001 — only for rules that are enabled for this kind of file, so turning a
 * rule off does not make its ignores look stale.
 */
function applySuppressions(rules: readonly Rule[], context: AnyContext, config: EngineConfig, findings: Finding[]): { kept: Finding[]; suppressed: Suppressed[] } {
  const comments = findIgnoreComments(context);
  if (comments.length === 0) return { kept: findings, suppressed: [] };
  const used = new Set<string>(); // `${comment.line}:${code}`
  const suppressed: Suppressed[] = [];
  const kept: Finding[] = [];
  for (const f of findings) {
    // A line comment covers its line and the lines anchored to it (a multi-line YAML scalar's, a heredoc's).
    const by = coveringComment(context, comments, f.code, f.range.start.line);
    if (by) {
      used.add(`${by.line}:${f.code}`);
      suppressed.push({ finding: f, comment: by });
    } else kept.push(f);
  }
  const meta = rules.find((r) => r.code === IGNORE_UNUSED_CODE);
  const severity = meta ? effectiveSeverity(meta, config) : undefined;
  if (!meta || !severity) return { kept, suppressed };
  const known = new Map(rules.map((r) => [r.code, r]));
  const enabledHere = (code: string) => {
    const r = known.get(code);
    return !!r && (r.kind === context.kind || r.kind === 'any') && effectiveSeverity(r, config) !== undefined;
  };
  for (const c of comments) {
    if (c.codes.length === 0) {
      const data: IgnoreUnusedData = { line: c.line, commentRange: c.range, code: '', codeRange: c.range, problem: 'no-codes', scope: c.scope, wholeComment: true, remaining: [] };
      kept.push(metaFinding(meta, severity, context, c.range, data));
      continue;
    }
    // A code of the other file kind (a Dockerfile rule in a compose file, or the reverse) can never suppress anything here (review 44d, item 4).
    const otherKind = (code: string) => {
      const r = known.get(code);
      return r !== undefined && r.kind !== 'any' && r.kind !== context.kind ? r.kind : undefined;
    };
    const unused = c.codes.filter((x) => !used.has(`${c.line}:${x.code}`) && (!known.has(x.code) || enabledHere(x.code) || otherKind(x.code) !== undefined));
    // Why each unused code's finding may exist in another checkout (review 55c, F1): deleting the whole comment deletes them all.
    const varying = unused.map((x) => (known.has(x.code) && otherKind(x.code) === undefined ? variesPerCheckout(context, x.code, c.scope === 'line' ? c.target : -1, c.scope === 'line' ? coverageOf(context, c.target).to : -1) : undefined));
    // Written above a blank or comment line, with a finding of the code just below them: offer to move it there (review 55c, UX).
    const detached = c.scope === 'line' && unused.length === c.codes.length ? detachedLine(context, c) : undefined;
    const moveTo = unused.map((x) => (detached !== undefined && known.has(x.code) && otherKind(x.code) === undefined && kept.some((f) => f.code === x.code && suppressionLine(context, f.range.start.line) === detached) ? detached : undefined));
    for (const [i, x] of unused.entries()) {
      const remaining = c.codes.filter((y) => !unused.includes(y)).map((y) => y.code);
      const data: IgnoreUnusedData = {
        line: c.line,
        commentRange: c.range,
        code: x.code,
        codeRange: x.range,
        problem: !known.has(x.code) ? 'unknown-code' : otherKind(x.code) !== undefined ? 'other-kind' : 'unused',
        ...(otherKind(x.code) !== undefined ? { ruleKind: otherKind(x.code) } : {}),
        scope: c.scope,
        wholeComment: remaining.length === 0,
        remaining,
        ...(c.scope === 'line' ? { covers: { ...coverageOf(context, c.target), stacked: c.target !== c.line + 1 } } : {}),
      };
      if (moveTo[i] !== undefined) data.moveTo = moveTo[i];
      else {
        // Another code of the whole comment is meant for the finding below: removing the comment would delete it too (review57, F1).
        const other = moveTo.findIndex((t) => t !== undefined);
        if (other >= 0) data.othersMove = { code: unused[other].code, line: moveTo[other]! };
      }
      if (varying[i]) data.varies = varying[i];
      else if (data.wholeComment && varying.some((v) => v)) data.othersVary = true;
      kept.push(metaFinding(meta, severity, context, x.range, data));
    }
  }
  return { kept, suppressed };
}

function metaFinding(meta: Rule, severity: Severity, context: AnyContext, range: Finding['range'], data: IgnoreUnusedData): Finding {
  return { range, data, code: meta.code, name: meta.name, severity, message: meta.message(data), path: context.path, fixable: true };
}

/**
 * Whether a rule may fix this file (its fix, further fixes and registry fixes alike): no compose rule edits a compose file with YAML syntax errors (the
 * result could not be checked by parsing it again, and the parser's reading of the broken part may
 * not be what Compose would refuse or what the author meant). Rules of the repository (.gitignore,
 * .dockerignore) and ignore comments are not edits of the YAML structure. Nor does any rule fix a
 * Dockerfile parsed with another escape character than BuildKit's (DockerfileContext.escapeAsBuildkit):
 * its edits would be written for lines split where BuildKit does not split them.
 */
export function fixesAllowed(rule: Rule, context: AnyContext): boolean {
  if (context instanceof DockerfileContext && !context.escapeAsBuildkit) return false;
  return !(rule.kind === 'compose' && context instanceof ComposeContext && hasSyntaxErrors(context));
}

/**
 * Whether a fix writes only where it can without harm: it creates no file that exists (a symbolic link
 * named `.env` is not read, so a rule takes the file for absent: writing through the link replaced the
 * file it points to — a tracked file, or one outside the project: review 37, probe p25), and edits no
 * other file that is a symbolic link or cannot be read.
 */
export function fixWritesSafely(context: AnyContext, fix: Fix): boolean {
  const ws = context.workspace;
  return fix.changes.every((c) => {
    if (c.kind === 'create') return !ws.exists(c.path);
    if (c.path === context.path) return true;
    // A UTF-16 .gitignore ignores nothing for git, which reads its lines as bytes: a line added to it would not either (cli44 item 4).
    if (path.basename(c.path) === '.gitignore' && isUtf16IgnoreFile(ws, c.path)) return false;
    return !ws.isSymbolicLink?.(c.path) && ws.readText(c.path) !== undefined;
  });
}

/** A fix whose title shows no secret a value reader recognises (maskSecretValues), as messages do. */
export function maskedTitle(fix: Fix): Fix {
  const title = maskSecretValues(fix.title);
  return title === fix.title ? fix : { ...fix, title };
}

/** Computes a finding's fix from the rule's data (never from the message). Undefined when none. */
export function fixFinding(rules: readonly Rule[], context: AnyContext, finding: Finding): Fix | undefined {
  const rule = rules.find((r) => r.code === finding.code);
  if (!rule || !rule.fix || !fixesAllowed(rule, context)) return undefined;
  try {
    const fix = (rule.fix as (c: AnyContext, d: Detection) => Fix | undefined)(context, finding);
    return fix && fixWritesSafely(context, fix) ? maskedTitle(fix) : undefined;
  } catch {
    return undefined;
  }
}

/** The secret values a finding is about (Rule.secrets), for output that must mask them; [] when the rule reports none. */
export function secretsOf(rules: readonly Rule[], finding: Finding): string[] {
  const rule = rules.find((r) => r.code === finding.code);
  if (!rule || !rule.secrets) return [];
  try {
    return (rule.secrets as (d: unknown) => string[])(finding.data).filter((v) => typeof v === 'string' && v.length > 0);
  } catch {
    return [];
  }
}

/** Where a finding's secret values are written in its file (Rule.secretRanges); [] when the rule does not say. */
export function secretRangesOf(rules: readonly Rule[], finding: Finding): Range[] {
  const rule = rules.find((r) => r.code === finding.code);
  if (!rule || !rule.secretRanges) return [];
  try {
    return (rule.secretRanges as (d: unknown) => Range[])(finding.data).filter((r) => !!r && (r.end.line > r.start.line || (r.end.line === r.start.line && r.end.character > r.start.character)));
  } catch {
    return [];
  }
}

/** Further fixes a rule offers for a finding (e.g. "fix every such finding of the file"), never used by fix-all. */
export function moreFixesFor(rules: readonly Rule[], context: AnyContext, finding: Finding): Fix[] {
  const rule = rules.find((r) => r.code === finding.code);
  if (!rule || !rule.moreFixes || !fixesAllowed(rule, context)) return [];
  try {
    // Only the fixes that fix this finding (Fix.resolves): the one fix a rule offers on every finding of a file may leave some.
    return ((rule.moreFixes as (c: AnyContext, d: Detection) => Fix[])(context, finding) ?? []).filter((f) => (!f.resolves || f.resolves(finding.data)) && fixWritesSafely(context, f)).map(maskedTitle);
  } catch {
    return [];
  }
}
