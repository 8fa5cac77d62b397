/**
 * Plain data types shared by the engine, the rules, the language server and the CLI.
 * Nothing here depends on VS Code or on the LSP libraries: positions and ranges have the
 * LSP shape (0-based line, UTF-16 character) so the server can pass them through unchanged.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

/** Which kind of file a rule reads. */
export type FileKind = 'dockerfile' | 'compose';

/** A text replacement inside one file. */
export interface TextEdit {
  range: Range;
  newText: string;
}

/** One change a fix makes to the workspace. Paths are absolute file-system paths. */
export type FileChange =
  | { kind: 'edit'; path: string; edits: TextEdit[] }
  | { kind: 'create'; path: string; content: string };

export interface Fix {
  /** The title shown in the quick-fix menu, e.g. "Pin to node:22-alpine". */
  title: string;
  changes: FileChange[];
  /**
   * A safe fix keeps the build's meaning apart from the hardening it adds, and is applied by
   * fix-all and `check --fix`. An unsafe fix is only offered as a single quick fix.
   */
  safe: boolean;
  /**
   * For a rule's further fix (moreFixes) that does what every fix of the rule in the file does ("Move all 2 inline
   * secrets of this file to .env"): how many of the rule's fixes it stands for — the findings it fixes, and those whose
   * fix the rounds of fix-all would not apply either once it is applied (a second value of one name when no free name is
   * left for it: review 45a, item 3; since dc040x a second value is otherwise moved under a name of its own). When that is every finding of the rule the editor reports with a fix, it offers no "Fix all
   * CODE in this file" beside it, which would do the same (review 43b, item 9).
   */
  fixesAllOf?: number;
  /**
   * For a further fix (moreFixes) that a rule offers on several findings: whether its edit fixes the finding with this
   * data. The editor attaches the fix (and the finding's diagnostic, CodeAction.diagnostics: "the diagnostics that this
   * code action resolves") only to the findings it resolves (moreFixesFor), not to every finding whose fix happens to have
   * the same edit: "Move 70 of the 140 inline secrets" leaves the 70 of another value of one name (moveall).
   */
  resolves?: (data: unknown) => boolean;
}

/** What a rule's `check` returns: where, and the rule's own data about what it found. */
export interface Detection<D = unknown> {
  range: Range;
  data: D;
  /** Overrides the rule's default severity for this finding (rules with two levels, e.g. W/I). */
  severity?: Severity;
}

/** A detection after the engine has attached the rule and the effective severity. */
export interface Finding<D = unknown> extends Detection<D> {
  code: string;
  name: string;
  severity: Severity;
  message: string;
  path: string;
  /** Whether the rule can offer a fix for this finding (computed lazily by `fixFinding`). */
  fixable: boolean;
}

export interface RuleDocs {
  /**
   * What the rule flags, in one plain sentence of at most 120 characters (aim for 110): the README's rule table,
   * the config schema's description of the code and SARIF's `shortDescription` (review 44c leftover: the first
   * sentence of `what` made rows of up to 3,700 characters). True of the rule: it promises no more than it checks.
   */
  summary: string;
  /** What the rule finds, with its scope and exceptions: the rule page's "What it does". */
  what: string;
  /** Why it matters, tied to the guideline section. */
  why: string;
  /**
   * Why it matters in one sentence that stands alone: the line the editor's hover shows under the finding
   * (ruleWhyLine). Without it, the first sentence of `why`; set it when that sentence only makes sense with the
   * next one ("ADD does more than it says.").
   */
  whySummary?: string;
  /** An example that fires. */
  bad: string;
  /** The same example written the right way. */
  good: string;
  /**
   * The language of the page's `bad`/`good` code fences when it is not the rule's file kind's (`dockerfile` for
   * Dockerfile rules, `yaml` otherwise): a Dockerfile example of a rule that reads every kind of file, or a file
   * listing (`text`) that is no YAML (review 44c, item 9).
   */
  exampleLang?: 'dockerfile' | 'yaml' | 'text';
  /** What the quick fix does and when it is (not) offered or safe. */
  fix: string;
  /** The guideline section(s) of SECURITY-GUIDELINES.md this rule enforces. */
  guideline: string;
  /** Equivalent checks in other tools, e.g. "hadolint DL3006". */
  equivalents: string[];
  /** Public sources for the facts the rule relies on. */
  references: string[];
  /** How to silence a finding, when the usual ignore comment and `rules` setting do not apply. */
  suppress?: string;
}

/** Options the rules read; the engine fills them from settings or the config file. */
export interface RuleOptions {
  /** DF004: registries allowed (empty: rule inactive). */
  trustedRegistries: string[];
  /** DC033: globs of production compose files. */
  productionGlobs: string[];
  /**
   * DC033: the folder a glob of `productionGlobs` with a `/` is matched from (the path relative to it): the config
   * file's folder that set them, the current folder for `check --config FILE`, the workspace folder for the
   * settings (review 45d, item 6). Unset (an engine used on its own): the whole path, any folder above counting.
   */
  productionGlobsBase?: string;
  /** DC020 fix: default limits. */
  defaultMemoryLimit: string;
  defaultCpuLimit: string;
  defaultPidsLimit: number;
  /**
   * The analysis date of the end-of-life rules and of the pins that avoid ended lines (DF005/DC004, DF001/DC001,
   * DF003/DC003, DC060's postgres layout), as YYYY-MM-DD: `--eol-date` or `dockerGuardrails.eol.date`. Null: the
   * UTC date of the analysis (eolToday).
   */
  eolDate: string | null;
}

export const DEFAULT_OPTIONS: RuleOptions = {
  trustedRegistries: [],
  productionGlobs: ['*[._-]prod[._-]*', 'prod[._-]*', '*[._-]production[._-]*', 'production[._-]*'],
  defaultMemoryLimit: '512m',
  defaultCpuLimit: '0.5',
  defaultPidsLimit: 200,
  eolDate: null,
};

/** Read access to other files of the workspace (open editors first, then disk). */
export interface WorkspaceView {
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readText(path: string): string | undefined;
  /** Whether a file or directory exists. */
  exists(path: string): boolean;
  /**
   * The names of a folder's entries, or undefined when the folder cannot be listed (absent, outside
   * the workspace, or a view that cannot list). Optional: a caller that needs it treats undefined as
   * "unknown".
   */
  listDir?(dir: string): string[] | undefined;
  /**
   * The bytes of the git index of the repository at `repoRoot` (`<repoRoot>/.git/index`, or the index
   * of the repository a `.git` file points to), null when the repository has no index yet, undefined
   * when it cannot be read. Optional: without it, whether git tracks a file is not known.
   */
  gitIndex?(repoRoot: string): Uint8Array | null | undefined;
  /**
   * The first bytes (at most `max`) of a regular file, whatever its content, or undefined when it
   * cannot be read (absent, a folder or symbolic link, outside the workspace). Optional: for rules
   * that tell a file's type by its content (a tar archive named like a plain file).
   */
  readHead?(path: string, max: number): Uint8Array | undefined;
  /**
   * Whether a path is a symbolic link itself (not followed). Optional: a view without it treats no
   * path as a link. Docker sends a link in the build context as a link, never what it points to.
   */
  isSymbolicLink?(path: string): boolean;
  /**
   * The user's own ignore file for the repository at `repoRoot` (git's `core.excludesFile`, by default
   * `$XDG_CONFIG_HOME/git/ignore`), or undefined for none. Optional: only a view that reads per-user state outside
   * the workspace has it (the CLI's); the server's has not, as it reads nothing of the user's there.
   */
  gitExcludesFile?(repoRoot: string): string | undefined;
}

export const EMPTY_WORKSPACE: WorkspaceView = {
  readText: () => undefined,
  exists: () => false,
};
