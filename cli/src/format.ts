import * as path from 'node:path';
import { docsUrl, type Finding, type Fix, type Rule, type Severity, type Suppressed } from '../../rules';

export interface FileResult {
  path: string;
  /** Path as shown to the user (relative to the working directory). */
  display: string;
  findings: Finding[];
  /** Findings silenced by ignore comments (SARIF lists them with the reason). */
  suppressed?: Suppressed[];
  /** The fix offered for each finding, index for index (JSON `fix`, SARIF `fixes`); withheld when it writes a secret. */
  fixes?: (OfferedFix | undefined)[];
  /** Codes of rules that threw on this file. */
  failures?: string[];
  /** Set when the file was not analyzed (`internal-error`: reading it failed in the engine, review 41a F7). */
  skipped?: 'too-large' | 'binary' | 'not-a-file' | 'internal-error';
  /** For a file skipped as not-a-file: what it is (`a named pipe (FIFO)`, `a device`). */
  skippedAs?: string;
}

/**
 * A finding's fix as a report carries it: the fix itself, or, for a fix that writes a secret value
 * (moves a password into `.env`), its title and safety only. Reports never carry a secret.
 */
export type OfferedFix = { withheld: false; fix: Fix } | { withheld: true; title: string; safe: boolean };

const LABEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'info', hint: 'hint' };

/** Why a file was not analyzed, as the reports and notices say it. */
export function skippedReason(r: FileResult): string | undefined {
  if (!r.skipped) return undefined;
  if (r.skipped === 'not-a-file') return `not a regular file: ${r.skippedAs ?? 'a special file'}`;
  return r.skipped === 'too-large' ? 'file is over the size cap' : r.skipped === 'binary' ? 'binary file' : 'internal error while reading the file';
}

/**
 * A text as a log line may show it: control characters other than tab (a quoted service name may hold
 * ESC sequences and line breaks, which forged lines of the CI log: review 41a, item 11.8) written as `\u001b`.
 */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text: a line per finding (and per skipped file), then a summary line. */
export function writeText(results: FileResult[], write: Write): void {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const r of results) {
    const shown = printable(r.display);
    if (r.skipped) write(`${shown}: skipped (${skippedReason(r)})\n`);
    for (const f of r.findings) {
      counts[f.severity]++;
      write(`${shown}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${LABEL[f.severity]} ${f.code} ${printable(f.message)}\n`);
    }
  }
  const total = counts.error + counts.warning + counts.info + counts.hint;
  // Files analyzed, and apart those that were not (review 43a, item 7: "No findings in 6 files" for 2 analyzed and 4 skipped).
  const skipped = results.filter((r) => r.skipped).length;
  const analyzed = results.length - skipped;
  const files = `${analyzed} file${analyzed === 1 ? '' : 's'}${skipped > 0 ? `; ${skipped} file${skipped === 1 ? '' : 's'} not analyzed` : ''}`;
  write(
    total === 0
      ? `No findings in ${files}.\n`
      : `${total} finding${total === 1 ? '' : 's'} (${counts.error} error, ${counts.warning} warning, ${counts.info} info${counts.hint ? `, ${counts.hint} hint` : ''}) in ${files}.\n`,
  );
}

/**
 * Where a report goes, piece by piece. A report is written as it is made, never held whole: the
 * SARIF of the benchmark corpus (1,500 files, fixes included) is 27 MB of text, and building it as
 * one object and one string took the CLI's peak memory from 124 to 189 MB.
 */
export type Write = (chunk: string) => void;

/**
 * Writes the items of a JSON array, `depth` levels deep, exactly as `JSON.stringify(…, null, 2)`
 * lays them out (its strings hold no raw line break, so every line break is layout).
 */
function writeArrayItems(items: Iterable<unknown>, depth: number, write: Write): void {
  const pad = ' '.repeat(2 * (depth + 1));
  let first = true;
  for (const item of items) {
    write(`${first ? '[\n' : ',\n'}${pad}${JSON.stringify(item, null, 2).replace(/\n/g, `\n${pad}`)}`);
    first = false;
  }
  write(first ? '[]' : `\n${' '.repeat(2 * depth)}]`);
}

/**
 * JSON: one object per finding. Only plain fields are written (never the rule's internal data), and
 * `fix`: null when the rule offers none for the finding, else its title, whether it is safe (what
 * `--fix` applies) and its changes: edits with 0-based ranges, or a file it creates, by path as shown.
 * A fix that writes a secret value has `changes: null` and `withheld: true`. A fix that serves several
 * findings of a file (DC032's one edit that attaches every service, offered on each) is written in full
 * on the first of them; the others have `changes: null` and `sameAs`, the index of that finding in the
 * array (written N times, a 400-service file's report was N² edits: 20 MB; review 41a, F2).
 */
export function writeJson(results: FileResult[], write: Write): void {
  function* items() {
    let index = 0;
    for (const r of results) {
      const given = new Map<OfferedFix, number>();
      for (let k = 0; k < r.findings.length; k++, index++) {
        const f = r.findings[k];
        const item = { code: f.code, name: f.name, severity: f.severity, message: f.message, file: r.display, range: f.range, docs: docsUrl(f.code) };
        if (!r.fixes) {
          yield item;
          continue;
        }
        const offered = r.fixes[k];
        const first = offered && !offered.withheld ? given.get(offered) : undefined;
        if (first !== undefined && offered) yield { ...item, fix: { title: fixTitle(offered), safe: fixSafe(offered), changes: null, sameAs: first } };
        else {
          if (offered && !offered.withheld) given.set(offered, index);
          yield { ...item, fix: jsonFix(offered, r) };
        }
      }
    }
  }
  writeArrayItems(items(), 0, write);
  write('\n');
}

const fixTitle = (offered: OfferedFix) => (offered.withheld ? offered.title : offered.fix.title);
const fixSafe = (offered: OfferedFix) => (offered.withheld ? offered.safe : offered.fix.safe);

function jsonFix(offered: OfferedFix | undefined, r: FileResult) {
  if (!offered) return null;
  if (offered.withheld) return { title: offered.title, safe: offered.safe, changes: null, withheld: true };
  const { fix } = offered;
  const shown = displayPathIn(r);
  return {
    title: fix.title,
    safe: fix.safe,
    changes: fix.changes.map((c) => (c.kind === 'create' ? { kind: 'create', file: shown(c.path), content: c.content } : { kind: 'edit', file: shown(c.path), edits: c.edits.map((e) => ({ range: e.range, newText: e.newText })) })),
  };
}

/** Paths of files a fix of `r` changes, as the report shows `r` (relative to the same folder). */
function displayPathIn(r: FileResult): (p: string) => string {
  const baseDir = path.dirname(r.path);
  const displayDir = path.dirname(r.display);
  return (p) => path.join(displayDir, path.relative(baseDir, p));
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** GitHub code scanning's limit on a rule's `shortDescription.text` and `fullDescription.text` ("SARIF support for code scanning"). */
export const SARIF_DESCRIPTION_MAX = 1024;

/**
 * A rule's `fullDescription.text`: its "what it finds", or, when that is longer than SARIF_DESCRIPTION_MAX (54 rules'
 * were, up to 8,961 characters: review 43a, item 6), its sentences up to the limit and a pointer to the rule's help,
 * which has the whole text (so has the page at helpUri). A first sentence longer than the limit is cut at a word.
 */
export function sarifDescription(what: string): string {
  if (what.length <= SARIF_DESCRIPTION_MAX) return what;
  const text = what.replace(/\s+/g, ' ').trim();
  const more = " (More in the rule's help.)";
  const room = SARIF_DESCRIPTION_MAX - more.length;
  // A sentence ends at . ! or ? (a closing quote, parenthesis or backtick after it) before a space and a capital, a
  // backtick or an opening parenthesis, outside a code span: `e.g. the`, `compose.yaml` and `COPY . …` end none.
  let end = -1;
  for (const m of text.matchAll(/[.!?]["')`]?(?= +[A-Z`(])/g)) {
    const at = m.index + m[0].length;
    if (at > room) break;
    if (!inCodeSpan(text, at)) end = at;
  }
  if (end > 0) return text.slice(0, end) + more;
  // A word's end outside a code span, so the cut text leaves no span open (review 44c, item 7: DF031's ended in `bash -c…).
  let cut = text.lastIndexOf(' ', room - 1);
  while (cut > 0 && inCodeSpan(text, cut)) cut = text.lastIndexOf(' ', cut - 1);
  return `${text.slice(0, cut > 0 ? cut : room - 1)}…${more}`;
}

/** Whether text[at] lies inside a code span: an odd number of backticks before it. */
function inCodeSpan(text: string, at: number): boolean {
  let ticks = 0;
  for (let i = 0; i < at; i++) if (text[i] === '`') ticks++;
  return ticks % 2 === 1;
}

function ruleHelp(rule: Rule): string {
  const d = rule.docs;
  return [`${d.what}`, '', `Why: ${d.why}`, '', 'Bad:', '', indent(d.bad), '', 'Good:', '', indent(d.good), '', `Fix: ${d.fix}`, '', `Guideline: ${d.guideline}`, `Equivalent checks: ${d.equivalents.join('; ')}`].join('\n');
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

/** SARIF 2.1.0 as GitHub code scanning accepts it: rules with help, results with regions (1-based). */
export interface SarifOptions {
  /** Findings silenced by ignore comments, as results with `suppressions` (`--include-suppressed`). */
  includeSuppressed?: boolean;
  /**
   * What the run says of files it left out (compose files an include tree names past its bound, on the root compose
   * file; a related file over the read cap: the notices on standard error), each a tool notification with the file's
   * location after those of the skipped files.
   */
  notices?: SarifNotice[];
}

/** A notice about a file the run read or left out: its path, the path as shown, and the text (one sentence, no final period). */
export interface SarifNotice {
  path: string;
  display: string;
  text: string;
}

/**
 * GitHub's `security-severity` (a CVSS-like score: 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low) from a rule's
 * default severity, so that code scanning ranks the alerts as the rules do.
 */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', info: '2.0', hint: '1.0' };

export function writeSarif(results: FileResult[], rules: readonly Rule[], version: string, write: Write, options: SarifOptions = {}): void {
  const ruleIndex = new Map(rules.map((r, i) => [r.code, i]));
  // The document around the results, laid out once with a placeholder where they go.
  const placeholder = `\u0000results-${Math.random()}`;
  const skipped = results.filter((r) => r.skipped);
  const notices = options.notices ?? [];
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'docker-guardrails',
            version,
            informationUri: 'https://github.com/docker-guardrails/docker-guardrails',
            rules: rules.map((r) => ({
              id: r.code,
              name: r.name,
              // SARIF 2.1.0, reportingDescriptor.shortDescription: "a concise description", "a single sentence that is
              // understandable when visible space is limited to a single line of text"; fullDescription has the details.
              shortDescription: { text: r.docs.summary },
              fullDescription: { text: sarifDescription(r.docs.what) },
              helpUri: docsUrl(r.code),
              help: { text: ruleHelp(r), markdown: ruleHelp(r) },
              defaultConfiguration: { level: SARIF_LEVEL[r.severity], enabled: !r.optIn },
              properties: { tags: ['security', r.kind], 'security-severity': SECURITY_SEVERITY[r.severity] },
            })),
          },
        },
        results: placeholder,
        // Files that were not analyzed (over the size cap, binary): a tool notification each, so that an
        // empty result list is not taken for a clean file (review 37, item 3); then the notices about related files
        // left out (a .env over the read cap, whose findings are missing: review 45c leftovers, item 2). The run
        // itself succeeded. None: no invocations.
        ...(skipped.length > 0 || notices.length > 0 ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: [...skipped.map(sarifSkipped), ...notices.map(sarifNotice)] }] } : {}),
      },
    ],
  };
  const [before, after] = JSON.stringify(sarif, null, 2).split(JSON.stringify(placeholder));
  function* sarifResults() {
    for (const r of results) {
      const given = new Set<OfferedFix>();
      for (let k = 0; k < r.findings.length; k++) {
        // SARIF has no fix without changes: a withheld fix (it writes a secret) is left out; a fix that serves
        // several findings (DC032's) is given with the first of them only (see writeJson).
        const offered = r.fixes?.[k];
        const result = sarifResult(r.findings[k], r, ruleIndex);
        if (offered && !offered.withheld && !given.has(offered)) {
          given.add(offered);
          yield { ...result, fixes: [sarifFix(offered.fix, r)] };
        } else yield result;
      }
      // Suppressed findings only when asked for: GitHub code scanning ignores `suppressions` and would open an
      // alert for each (github/codeql-action#1230; review 41a, F6).
      if (options.includeSuppressed) {
        for (const s of r.suppressed ?? []) {
          yield { ...sarifResult(s.finding, r, ruleIndex), suppressions: [{ kind: 'inSource', ...(s.comment.reason ? { justification: s.comment.reason } : {}) }] };
        }
      }
    }
  }
  write(before);
  // results: runs[0].results, three levels below the document.
  writeArrayItems(sarifResults(), 3, write);
  write(`${after}\n`);
}

/**
 * A path segment as RFC 3986 allows it in a URI's path: percent-encoded (`#`, `?`, `%`, `:`, non-ASCII…)
 * but for the unreserved characters and the sub-delimiters and `@` that a segment may hold as they are.
 * `:` is always encoded: in the first segment of a relative reference it would read as a scheme (`ab:c/`).
 */
function uriSegment(s: string): string {
  return encodeURIComponent(s).replace(/%(?:24|26|2B|2C|3B|3D|40)/g, (m) => decodeURIComponent(m));
}

/**
 * A file's SARIF `artifactLocation.uri` (SARIF 2.1.0 §3.4.3: a valid URI reference): the path the
 * report shows, relative to the current folder, as a relative reference; a file outside the current
 * folder (`../x/Dockerfile`), which a consumer could not resolve, as an absolute `file:` URI.
 */
export function sarifUri(shown: string, absolute: string): string {
  const parts = shown.split(path.sep);
  if (!path.isAbsolute(shown) && parts[0] !== '..') return parts.map(uriSegment).join('/');
  const abs = path.resolve(absolute).split(path.sep);
  // On Windows the drive (`C:`) stays as it is: file:///C:/…; on POSIX the root's empty segment makes the slash.
  if (/^[A-Za-z]:$/.test(abs[0])) return `file:///${abs[0]}/${abs.slice(1).map(uriSegment).join('/')}`;
  return `file://${abs.map(uriSegment).join('/')}`;
}

function sarifSkipped(r: FileResult) {
  return {
    level: 'warning',
    message: { text: `Not analyzed: ${skippedReason(r)}.` },
    locations: [{ physicalLocation: { artifactLocation: { uri: sarifUri(r.display, r.path) } } }],
  };
}

/** A notice's text as a sentence: capitalized, with a final period. */
function noticeSentence(n: SarifNotice): string {
  return `${n.text[0].toUpperCase()}${n.text.slice(1)}.`;
}

/** A SARIF 2.1.0 notification object (message, level, locations): a message, a level (warning: findings may be missing) and the file's location. */
function sarifNotice(n: SarifNotice) {
  return {
    level: 'warning',
    message: { text: noticeSentence(n) },
    locations: [{ physicalLocation: { artifactLocation: { uri: sarifUri(n.display, n.path) } } }],
  };
}

function sarifResult(f: Finding, r: FileResult, ruleIndex: Map<string, number>) {
  return {
    ruleId: f.code,
    ruleIndex: ruleIndex.get(f.code) ?? 0,
    level: SARIF_LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: sarifUri(r.display, r.path) },
          region: {
            startLine: f.range.start.line + 1,
            startColumn: f.range.start.character + 1,
            endLine: f.range.end.line + 1,
            endColumn: f.range.end.character + 1,
          },
        },
      },
    ],
  };
}

/**
 * A SARIF fix: artifact changes with 1-based regions, paths as the report shows them (sarifUri),
 * and in its property bag whether it is safe (what `--fix` and fix-all apply) or a quick fix to review.
 */
function sarifFix(fix: Fix, r: FileResult) {
  const shown = displayPathIn(r);
  const uriOf = (p: string) => sarifUri(shown(p), p);
  return {
    description: { text: fix.title },
    artifactChanges: fix.changes.map((c) => ({
      artifactLocation: { uri: uriOf(c.path) },
      replacements:
        c.kind === 'create'
          ? [{ deletedRegion: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 }, insertedContent: { text: c.content } }]
          : c.edits.map((e) => ({
              deletedRegion: { startLine: e.range.start.line + 1, startColumn: e.range.start.character + 1, endLine: e.range.end.line + 1, endColumn: e.range.end.character + 1 },
              insertedContent: { text: e.newText },
            })),
    })),
    properties: { safe: fix.safe },
  };
}

/**
 * GitHub Actions workflow commands: one annotation per finding, then a `::warning` per notice (files the run left out:
 * past an include tree's bound, a related file over the read cap), on the file it names, so that a CI log that shows
 * only the annotations does not pass for a complete check (review 46 leftovers, item 1).
 */
export function writeGithub(results: FileResult[], write: Write, notices: readonly SarifNotice[] = []): void {
  // The message (the command's data) as GitHub reads it back (actions/toolkit's escapeData): `%`, CR and LF as %25, %0D and
  // %0A, so that a line break in a message is one in the annotation (printable's `\u000a` showed as such: cli44 item 3); other
  // control characters stay printable's (`\u001b`: no ESC sequence reaches the log).
  const esc = (s: string) => printable(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
  // A property as GitHub reads it back (actions/toolkit's escapeProperty): the same, and `:` and `,` as %3A and %2C, so that a
  // path that holds a line break names its file (printable's `\u000a` named none: review 43a, item 8).
  const prop = (s: string) => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const level: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };
  for (const r of results) {
    for (const f of r.findings) {
      write(
        `::${level[f.severity]} file=${prop(r.display.split(path.sep).join('/'))},line=${f.range.start.line + 1},col=${f.range.start.character + 1},endLine=${f.range.end.line + 1},endColumn=${f.range.end.character + 1},title=${prop(`${f.code} ${f.name}`)}::${esc(f.message)}\n`,
      );
    }
  }
  // ::warning file={name},title={title}::{message} (workflow commands: every parameter is optional, a file without a line
  // annotates the file).
  for (const n of notices) write(`::warning file=${prop(n.display.split(path.sep).join('/'))},title=docker-guardrails::${esc(noticeSentence(n))}\n`);
  // The notices above are warning annotations too.
  writeGithubLimitNotice(results, write, notices.length);
}

/** Annotations of each kind (error, warning, notice) GitHub shows for one step (actions/toolkit, docs/problem-matchers.md › Limitations). */
export const GITHUB_ANNOTATIONS_PER_KIND = 10;

/**
 * When more annotations of a kind were printed than GitHub shows for a step, a closing notice with the counts, so that a
 * check that shows 10 errors is not read as the whole report (review 46b, finding 4).
 */
function writeGithubLimitNotice(results: FileResult[], write: Write, otherWarnings = 0): void {
  const count = { error: 0, warning: otherWarnings, notice: 0 };
  for (const r of results) for (const f of r.findings) count[f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice']++;
  if (Math.max(count.error, count.warning, count.notice) <= GITHUB_ANNOTATIONS_PER_KIND) return;
  const n = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;
  write(
    `::notice title=docker-guardrails::${n(count.error + count.warning + count.notice, 'finding')} (${n(count.error, 'error')}, ${n(count.warning, 'warning')}, ${n(count.notice, 'notice')}); GitHub shows at most ${GITHUB_ANNOTATIONS_PER_KIND} annotations of each kind per step, so some are not shown as annotations: all are in this log, and in the text or SARIF output (--format sarif).\n`,
  );
}
