/**
 * The Docker Guardrails language server: analyzes Dockerfiles and compose files as they are typed
 * and across the workspace, publishes diagnostics, and offers the rules' fixes as code actions.
 * Started by the extension over IPC, or as `node dist/server.js --stdio`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CodeActionKind,
  createConnection,
  ErrorCodes,
  LSPErrorCodes,
  Message,
  ResponseError,
  type RequestMessage,
  DidChangeConfigurationNotification,
  FileChangeType,
  MarkupKind,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type CancellationToken,
  type CodeActionParams,
  type Connection,
  type CreateFile,
  type Diagnostic,
  type FileEvent,
  type Hover,
  type InitializeParams,
  type InitializeResult,
  type TextDocumentEdit,
  type TextEdit,
  type WorkspaceEdit,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  allRules,
  analyze,
  analyzeAgain,
  docsUrl,
  fileKindOf,
  findIgnoreComments,
  onlyCommentChanged,
  includedFiles,
  includeLimitNotice,
  includersOf,
  extendersOf,
  filesRead,
  isIncludedComposePath,
  rootCandidates,
  fixFinding,
  isSensitivePath,
  fixInRounds,
  moreFixesFor,
  asyncFixesFor,
  hasAsyncFixes,
  ignoreFileEdit,
  ignoreLineEdit,
  ignoreLineTitle,
  coverageOf,
  suppressionLine,
  IGNORE_UNUSED_CODE,
  renderRuleMarkdown,
  ruleByCode,
  ruleWhyLine,
  CONFIG_INVALID_CODE,
  CONFIG_FILE_NAMES,
  findConfigPath,
  inGlobScope,
  type LoadedConfig,
  type Analysis,
  type FileKind,
  type Finding,
  type FileSet,
  type Fix,
  type FileChange,
  type Range,
  type WorkspaceView,
  EMPTY_WORKSPACE,
  analysisDate,
  staleDataNotice,
} from '../../rules';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_RELATED_MAX_BYTES, describeIoError, DiskWorkspace, findFiles, isInside, passesSymlink, readForAnalysis, relatedTooLargeNotice, rootOf, walkFinds, writeEncodingOnDisk } from '../../rules/node/files';
import { FIX_ALL_KIND, pathToUri, quickFix, RESTRICT_CREATED_COMMAND, restrictCreatedCommand, SOURCE, toDiagnostic, toWorkspaceEdit, uriToPath, withEdit, type DiagnosticData } from './convert';
import { mergeConfigFile, SettingsCache, toEngineConfig, type Settings } from './settings';
import { ConfigParses } from './config-parses';
import { RegistryClient } from '../../rules/engine/registry-client';
import { gitIndexPaths, repositoryRoot } from '../../rules/engine/repo';

/**
 * How many messages from the client the connection has handed to their handlers. The connection reads
 * every message that has arrived and handles them one per turn of the event loop: an analysis waits
 * for a turn in which none was handled (scheduleOpen), so that a burst of edits read at once is
 * analyzed once, for its last version.
 */
let dispatched = 0;

/**
 * Where the session is in the protocol's lifecycle (LSP 3.17, "Server lifecycle"): before `initialize`
 * a request is answered with ServerNotInitialized (-32002) and a notification other than `exit` is
 * dropped; `initialize` is answered once; after `shutdown` every request is answered with
 * InvalidRequest and every notification but `exit` is dropped. The library leaves this to the server.
 */
let lifecycle: 'new' | 'running' | 'shutdown' = 'new';
/** Internal method a refused request is handed to, so that the connection answers it with the error. */
const REFUSED_REQUEST = 'dockerGuardrails/$refused';

/**
 * Whether `shutdown` was received: the work under way then (the workspace scan, a re-analysis of every file, the
 * dependants of a change, an analysis waiting for its settings) stops at its next step and publishes nothing. It went
 * on until `exit`: a scan of 400 files published 357 of them after the shutdown answer, keeping the CPU of a machine
 * whose window was closing busy (LSP 3.17: shutdown asks the server to shut down, not to exit).
 */
function shuttingDown(): boolean {
  return lifecycle === 'shutdown';
}

/** The error a request gets in the current state, or undefined when it may be handled. */
function lifecycleRefusal(method: string): { code: number; message: string } | undefined {
  if (lifecycle === 'new') {
    if (method === 'initialize') {
      lifecycle = 'running';
      return undefined;
    }
    return { code: ErrorCodes.ServerNotInitialized, message: `${method} before initialize` };
  }
  if (lifecycle === 'shutdown') return { code: ErrorCodes.InvalidRequest, message: `${method} after shutdown` };
  if (method === 'initialize') return { code: ErrorCodes.InvalidRequest, message: 'initialize was already received' };
  if (method === 'shutdown') lifecycle = 'shutdown';
  return undefined;
}

const connection: Connection = createConnection(ProposedFeatures.all, {
  messageStrategy: {
    handleMessage(message, next) {
      dispatched++;
      if (Message.isRequest(message)) {
        const refusal = lifecycleRefusal(message.method);
        if (refusal) return next({ jsonrpc: message.jsonrpc, id: message.id, method: REFUSED_REQUEST, params: refusal } as RequestMessage);
      } else if (Message.isNotification(message) && lifecycle !== 'running' && message.method !== 'exit') return;
      return next(message);
    },
  },
});
connection.onRequest(REFUSED_REQUEST, (refusal: { code?: unknown; message?: unknown } | undefined) =>
  // Sent by the client itself, it is an unknown method.
  typeof refusal?.code === 'number' && typeof refusal.message === 'string' ? new ResponseError(refusal.code, refusal.message) : new ResponseError(ErrorCodes.MethodNotFound, `Unhandled method ${REFUSED_REQUEST}`),
);
const documents = new TextDocuments(TextDocument);

interface Entry {
  uri: string;
  path: string;
  kind: FileKind;
  /** The editor's version, or -1 for a file analyzed from disk. */
  version: number;
  /**
   * The findings, and the parsed file they came from. A file analyzed from disk keeps its findings
   * only (the parse of every file of a large workspace would stay in memory): withContext parses it
   * again when a fix is asked for.
   */
  analysis: StoredAnalysis;
  /** For an entry without its parsed file: what its analysis read (see readsOf). */
  reads?: ReadonlySet<string>;
  /**
   * For an entry with its parsed file: the text of each other file its analysis read, as the editor held it then (null:
   * not open, the disk's text was read). Its fixes are computed from that analysis (the compose file a Dockerfile's
   * DF020 edits, parsed then): changedInputs tells when one of those files is held otherwise now.
   */
  inputs?: Map<string, string | null>;
}

type StoredAnalysis = Omit<Analysis, 'context'> & { context?: Analysis['context'] };
type EntryWithContext = Entry & { analysis: Analysis };

/** The latest analysis of every known file, keyed by URI (open documents and workspace files). */
const analyses = new Map<string, Entry>();

/** The files an entry's analysis read or looked for, fixes computed since included. */
function readsOf(entry: Entry): ReadonlySet<string> {
  return entry.analysis.context ? filesRead(entry.analysis.context) : (entry.reads ?? new Set());
}

/** The text of every other file an analysis read as the editor holds it now (null: not open), for Entry.inputs. */
function inputsOf(p: string, analysis: Analysis): Map<string, string | null> {
  const inputs = new Map<string, string | null>();
  for (const q of filesRead(analysis.context)) if (q !== p) inputs.set(q, openByPath.get(q)?.getText() ?? null);
  return inputs;
}

/**
 * The files an entry's analysis read that the editor holds otherwise now: edited since (the edit's re-analysis of the
 * files that read it waits its debounce, scheduleRelated), opened, or closed without saving (review 44a, item 2). A file
 * a fix read since the analysis (the `.env` a DC041 fix appends to) is taken as read as the editor holds it now.
 */
function changedInputs(entry: Entry): string[] {
  const inputs = entry.inputs;
  if (!inputs || !entry.analysis.context) return [];
  const changed: string[] = [];
  for (const p of readsOf(entry)) {
    if (p === entry.path) continue;
    const now = openByPath.get(p)?.getText() ?? null;
    if (!inputs.has(p)) inputs.set(p, now);
    else if (inputs.get(p) !== now) changed.push(p);
  }
  return changed;
}

/**
 * The paths of the analyzed files whose latest analysis read `p` (an env_file, a mounted config, the
 * compose file that builds a Dockerfile, the `.env` a quick fix was computed with…): a change to `p`
 * re-analyzes them.
 */
function readersOf(p: string): string[] {
  if (readersIndex) return (readersIndex.get(p) ?? []).filter((reader) => reader !== p);
  const out: string[] = [];
  for (const entry of analyses.values()) if (entry.path !== p && readsOf(entry).has(p)) out.push(entry.path);
  return out;
}

/** While a large batch of watcher events is handled: readersOf for every path at once (one pass over the analyses). */
let readersIndex: Map<string, string[]> | undefined;

function indexReaders(): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const entry of analyses.values()) {
    for (const p of readsOf(entry)) {
      const list = index.get(p);
      if (list) list.push(entry.path);
      else index.set(p, [entry.path]);
    }
  }
  return index;
}

/** Files found on disk by the workspace scan and the file watcher (path → kind). */
const workspaceFiles = new Map<string, FileKind>();
const openByPath = new Map<string, TextDocument>();
/**
 * The text of each open document as of its last change (the next change is compared with it: onlyCommentChanged).
 * Not set by didOpen (its didChangeContent finds none): the files that read it read the disk's text before.
 */
const openTexts = new Map<string, string>();

let workspaceFolders: string[] = [];
let hasConfigurationCapability = false;
let hasWorkDoneProgress = false;
let hasWorkspaceFolderEvents = false;
/**
 * What the client's WorkspaceEdits can carry (LSP: `workspace.workspaceEdit`): TextDocumentEdits in
 * `documentChanges` (else edits go in `changes`, uri → edits), and CreateFile operations (else no fix
 * that creates a file is offered). VS Code supports both.
 */
let clientDocumentChanges = true;
let clientCreatesFiles = true;
/**
 * The client resolves a code action's edit lazily (LSP 3.16 `codeAction/resolve` with `edit` among resolveSupport's
 * properties): "Fix all CODE in this file" is then offered without its edit, computed only when chosen. Computed for
 * every request, it read every finding of the code, and the editor asks for code actions as the cursor moves: seconds
 * on a file of hundreds of services (review 40c, item 1). So is a quick fix whose edit is large (LAZY_EDIT_WEIGHT), and
 * `source.fixAll.docker-guardrails` (lazyFixAll).
 */
let clientResolvesEdits = false;
/** Whether the client says the workspace is trusted (VS Code: workspace.isTrusted); registry lookups need it. */
let workspaceTrusted = false;
let registry: RegistryClient | undefined;

/** The related files over the read cap already named in the log (once per file and session: review 45c, item 8). */
const loggedTooLarge = new Set<string>();

function logTooLarge(p: string, maxBytes: number): void {
  if (loggedTooLarge.has(p)) return;
  loggedTooLarge.add(p);
  log(relatedTooLargeNotice(p, maxBytes));
}

const workspace = new DiskWorkspace(
  (p) => openByPath.get(p)?.getText(),
  DEFAULT_RELATED_MAX_BYTES,
  () => workspaceFolders,
  undefined,
  logTooLarge,
);
const settings = new SettingsCache(connection, () => hasConfigurationCapability, (message) => log(message), (uri) => settingsArrivedLate(uri));

/** The client answered a timed-out workspace/configuration request after all: the resource is analyzed with what it said. */
function settingsArrivedLate(uri: string): void {
  if (shuttingDown()) return;
  const doc = documents.get(uri);
  if (doc) return scheduleOpen(doc);
  const p = uriToPath(uri);
  const kind = workspaceFiles.get(p);
  if (kind) void analyzeFromDisk(p, kind);
}

// ---- configuration: VS Code settings merged with the nearest .docker-guardrails.yaml -----------

const knownCodes = new Set(allRules.map((r) => r.code));
const configCache = new Map<string, LoadedConfig>();
/** The parses behind configCache, by text: a config whose text did not change is not parsed again (review item 2). */
const configParses = new ConfigParses(knownCodes, (message) => log(message));
/** Config files that currently have published problems. */
const configWithProblems = new Set<string>();

function isConfigFile(p: string): boolean {
  return CONFIG_FILE_NAMES.includes(path.basename(p));
}

/** The largest config file read (the workspace view's 256 KiB cap is for companion files; the CLI reads any size). */
const CONFIG_MAX_BYTES = 64 * 1024 * 1024;
/** Config files that could not be read, logged once each until they change. */
const unreadableConfigLogged = new Set<string>();

function loadConfig(p: string): LoadedConfig | undefined {
  const cached = configCache.get(p);
  if (cached) return cached;
  // The editor's text first; else the file on disk, inside a workspace folder and not through a link (the search stops
  // at the workspace folders), with the config's own size cap. One it cannot use is said, not ignored silently: logged,
  // and DG002 on the file when it is one (binary, too large, unreadable), as the CLI stops with exit 2 on it (review 45d, item 8).
  let text = openByPath.get(p)?.getText();
  if (text === undefined) {
    if (!inWorkspace(p)) return undefined;
    const r = readForAnalysis(p, CONFIG_MAX_BYTES);
    if (!r.ok) {
      if (r.reason === 'missing') {
        configParses.forget(p);
        return undefined;
      }
      const why = r.reason === 'binary' ? 'a binary file (it holds NUL bytes)' : r.reason === 'not-a-file' ? `not a regular file${r.detail ? ` (${r.detail})` : ''}` : r.reason === 'too-large' ? `larger than ${CONFIG_MAX_BYTES / 1024 / 1024} MiB` : (r.detail ?? 'unreadable');
      if (!unreadableConfigLogged.has(p)) {
        unreadableConfigLogged.add(p);
        log(`cannot read the config file ${p}: ${why}; its settings are not applied`);
      }
      if (r.reason === 'not-a-file') return undefined;
      const unusable: LoadedConfig = { path: p, config: {}, problems: [{ message: `This config file cannot be read: ${why}; none of its settings apply.`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }] };
      configCache.set(p, unusable);
      publishConfigProblems(unusable);
      return unusable;
    }
    text = r.text;
  }
  const loaded = configParses.get(p, text);
  // `.docker-guardrails.yml` beside a `.docker-guardrails.yaml` is not read (the .yaml applies): DG002 on it says so, as
  // the CLI says it on standard error (review 45d, item 13).
  const [yamlName, ymlName] = CONFIG_FILE_NAMES;
  const sibling = (name: string) => path.join(path.dirname(p), name);
  if (path.basename(p) === ymlName && (openByPath.has(sibling(yamlName)) || workspace.exists(sibling(yamlName)))) {
    loaded.problems.push({ message: `This file is ignored: ${yamlName} in the same folder applies. Merge the two and delete this one.`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } });
  }
  configCache.set(p, loaded);
  publishConfigProblems(loaded);
  if (path.basename(p) === yamlName && !configCache.has(sibling(ymlName)) && workspace.exists(sibling(ymlName))) loadConfig(sibling(ymlName));
  return loaded;
}

function publishConfigProblems(loaded: LoadedConfig): void {
  const uri = uriOf(loaded.path);
  if (loaded.problems.length === 0 && !configWithProblems.has(loaded.path)) return;
  if (loaded.problems.length === 0) configWithProblems.delete(loaded.path);
  else configWithProblems.add(loaded.path);
  const rule = ruleByCode(CONFIG_INVALID_CODE)!;
  const diagnostics = loaded.problems.map((problem, i) => ({ ...toDiagnostic({ range: problem.range, data: { message: problem.message }, code: rule.code, name: rule.name, severity: rule.severity, message: problem.message, path: loaded.path, fixable: false }, i, -1), data: undefined }));
  // Read from the editor's text when the file is open (the workspace view reads open documents first):
  // the findings are that version's (review 38b, probe p21).
  const version = openByPath.get(loaded.path)?.version;
  publish(uri, diagnostics, version);
}

/** Whether a config file is a symbolic link (the workspace view does not see links). */
function isLinkedConfig(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Config files that are symbolic links, logged once each: not followed, the defaults apply, as in the CLI (review 45d, item 5). */
const linkedConfigLogged = new Set<string>();

/** The settings that apply to a file: its resource settings, overridden by its config file. */
async function settingsFor(uri: string, p: string): Promise<Settings> {
  const resource = await settings.get(uri);
  // The settings' path globs (productionGlobs) are matched from the file's workspace folder (review 45d, item 6).
  const folder = uri.startsWith('file:') ? rootOf(p, workspaceFolders) : undefined;
  const base = folder === undefined ? resource : { ...resource, productionGlobsBase: folder };
  const configPath = uri.startsWith('file:') ? findConfigPath(workspace, p, workspaceFolders, isLinkedConfig) : undefined;
  if (configPath && isLinkedConfig(configPath)) {
    if (!linkedConfigLogged.has(configPath)) {
      linkedConfigLogged.add(configPath);
      log(`not read: ${configPath} is a symbolic link; symbolic links are not followed: the files it would configure get the settings and defaults`);
    }
    return base;
  }
  return mergeConfigFile(base, configPath ? loadConfig(configPath)?.config : undefined, configPath ? path.dirname(configPath) : undefined);
}

/** Forgets a config file that left the workspace (its folder was removed): its DG002 problems are cleared (review 41b, item 4). */
function forgetConfig(p: string): void {
  configCache.delete(p);
  configParses.forget(p);
  if (configWithProblems.delete(p)) publish(uriOf(p), []);
}

function configChanged(p: string): void {
  configCache.delete(p);
  unreadableConfigLogged.delete(p);
  workspace.invalidate(p);
  const loaded = loadConfig(p);
  if (!loaded && configWithProblems.has(p)) {
    configWithProblems.delete(p);
    publish(uriOf(p), []);
  }
  // The .yml beside a .yaml that came or went: ignored or not (review 45d, item 13).
  if (path.basename(p) === CONFIG_FILE_NAMES[0]) {
    const yml = path.join(path.dirname(p), CONFIG_FILE_NAMES[1]);
    if (configCache.has(yml) || configWithProblems.has(yml)) {
      configCache.delete(yml);
      if (!loadConfig(yml) && configWithProblems.delete(yml)) publish(uriOf(yml), []);
    }
  }
  scheduleDependents();
}

/**
 * Schemes of read-only copies of a file that editors open beside it: the HEAD side of a diff (`git:`), GitLens's
 * revisions, a pull request's files, the local history. Their findings would be the file's findings again, listed
 * twice in the Problems panel, with fixes offered on a document that cannot be edited (review 40c, item 2).
 */
const SHADOW_SCHEMES = new Set(['git', 'gitlens', 'gitlens-git', 'pr', 'review', 'vscode-local-history', 'vscode-scm']);

function isShadowCopy(uri: string): boolean {
  const colon = uri.indexOf(':');
  return colon > 0 && SHADOW_SCHEMES.has(uri.slice(0, colon).toLowerCase());
}

function kindOfDocument(doc: TextDocument): FileKind | undefined {
  if (isShadowCopy(doc.uri)) return undefined;
  if (doc.languageId === 'dockerfile') return 'dockerfile';
  if (doc.languageId === 'dockercompose') return 'compose';
  const p = uriToPath(doc.uri);
  return fileKindOf(p) ?? workspaceFiles.get(p) ?? (doc.uri.startsWith('file:') && isIncludedComposePath(workspace, p) ? 'compose' : undefined);
}

// ---- compose include: (a YAML file another compose file includes is a compose file) -------------

/** The files each compose file includes (recursively), as last seen: a removed include is re-analyzed too. */
const includeLinks = new Map<string, string[]>();

/** Records what a compose file includes now; returns the files it includes now or included before. */
function refreshIncludes(composePath: string): string[] {
  const before = includeLinks.get(composePath) ?? [];
  const cut: string[] = [];
  const now = includedFiles(workspace, composePath, undefined, cut).filter((p) => inWorkspace(p));
  if (now.length > 0) includeLinks.set(composePath, now);
  else includeLinks.delete(composePath);
  noteIncludeLimit(composePath, cut);
  return [...new Set([...before, ...now])];
}

/** The include-limit notice last logged for each root compose file (review 45c leftovers, item 1). */
const includeLimitLogged = new Map<string, string>();

/**
 * Names in the log the files a compose file's include tree names past its bound (MAX_INCLUDED_FILES): they are not
 * analyzed as compose files (nor published), as the CLI says on standard error. Once per root and list of files: a
 * keystroke in the root that changes nothing of it logs nothing again. Only YAML files of the workspace that exist and
 * that are not compose files by name (those are analyzed anyway), as the CLI's notice.
 */
function noteIncludeLimit(root: string, cut: readonly string[]): void {
  const left = cut.filter((p) => /\.ya?ml$/i.test(p) && !fileKindOf(p) && inWorkspace(p) && workspace.exists(p));
  if (left.length === 0) {
    includeLimitLogged.delete(root);
    return;
  }
  const notice = `not analyzed: ${includeLimitNotice(root, left)}`;
  if (includeLimitLogged.get(root) === notice) return;
  includeLimitLogged.set(root, notice);
  log(notice);
}

/** Whether some known compose file still includes a path. */
function stillIncluded(p: string): boolean {
  for (const files of includeLinks.values()) if (files.includes(p)) return true;
  return false;
}

// A promise the server forgets to await must not end it (Node ends a process on an unhandled rejection).
process.on('unhandledRejection', (e: unknown) => log(`unhandled: ${(e as Error)?.message ?? String(e)}`));

function log(message: string): void {
  connection.console.log(`[docker-guardrails] ${message}`);
}

// ---- analysis and publishing ----------------------------------------------------------------

/**
 * What was last published for each URI, for a file analyzed from disk (JSON of the diagnostics; an open
 * document's publication, which carries its version, leaves none: it is always published).
 */
const lastPublished = new Map<string, string>();

function publish(uri: string, diagnostics: Diagnostic[], version?: number): void {
  // After `shutdown` the session is over: an analysis that was running then publishes nothing (shuttingDown).
  if (shuttingDown()) return;
  if (version === undefined) lastPublished.set(uri, JSON.stringify(diagnostics));
  else lastPublished.delete(uri);
  void connection.sendDiagnostics({ uri, diagnostics, ...(version !== undefined ? { version } : {}) });
}

/**
 * Analyzes a text and publishes its findings: an open document's (`doc`, at `version`), or a file's
 * on disk (version -1). Published only while still current after the settings were awaited: the
 * document is still open (not closed, nor closed and opened again: another TextDocument) at that
 * version, or, for the disk's text, the file is not open (VS Code closes and reopens a document when
 * its language changes: the disk analysis the close started must not follow the reopened one's).
 */
function analyzeAndPublish(uri: string, p: string, kind: FileKind, text: string, version: number, doc?: TextDocument): Promise<void> {
  const done = analyzeAndPublishNow(uri, p, kind, text, version, doc);
  if (version >= 0) {
    analyzing.set(uri, done);
    const forget = () => {
      if (analyzing.get(uri) === done) analyzing.delete(uri);
    };
    done.then(forget, forget);
  }
  return done;
}

/**
 * The analysis of each open document that has started and not finished (it waits for the document's settings: a
 * workspace/configuration round trip after a settings change or on opening). A request about the document waits for it
 * (settledAnalysis): the stored analysis is of an older version meanwhile.
 */
const analyzing = new Map<string, Promise<void>>();

async function analyzeAndPublishNow(uri: string, p: string, kind: FileKind, text: string, version: number, doc?: TextDocument): Promise<void> {
  const cfg: Settings = await settingsFor(uri, p);
  if (!stillCurrent(uri, p, version, doc) || shuttingDown()) return;
  if (!cfg.enable) {
    analyses.delete(uri);
    publish(uri, []);
    return;
  }
  // In UTF-8 bytes, as files on disk are measured (a text of 1.2 million characters may be 2.4 MB: review 40c, item 3);
  // counted only when the characters alone could pass the cap.
  if (text.length * 3 > cfg.maxFileSize && Buffer.byteLength(text, 'utf8') > cfg.maxFileSize) {
    analyses.delete(uri);
    publish(uri, []);
    skipNotice(p, `larger than dockerGuardrails.maxFileSize (${cfg.maxFileSize} bytes)`);
    return;
  }
  skipped.delete(p);
  const config = toEngineConfig(cfg);
  dataAgeNotice(analysisDate(config.options));
  let analysis: Analysis;
  try {
    analysis = analyze(allRules, kind, p, text, workspaceFor(uri), config);
  } catch (e) {
    // The engine never throws for input text (a rule that throws is a failure of the analysis); if reading
    // the file does, the file is not analyzed: no findings of an older text are left published, and the
    // output channel says so, as for a skipped file (review 41a, F7).
    analyses.delete(uri);
    publish(uri, []);
    skipNotice(p, `not analyzed: internal error while reading the file (${String((e as Error)?.message ?? e).split('\n')[0]})`);
    return;
  }
  for (const failure of analysis.failures) log(`rule ${failure.code} failed on ${p}: ${failure.error.split('\n')[0]}`);
  const entry: Entry = { uri, path: p, kind, version, analysis };
  if (version < 0) {
    entry.analysis = { findings: analysis.findings, suppressed: analysis.suppressed, failures: analysis.failures };
    entry.reads = filesRead(analysis.context);
  } else entry.inputs = inputsOf(p, analysis);
  analyses.set(uri, entry);
  const diagnostics = analysis.findings.map((f, i) => toDiagnostic(f, i, version));
  // A file analyzed from disk again (a dependant of a changed file, a re-scan) with the same findings is not
  // published again: the client has them (review 41b, item 3: 748 files re-published per keystroke).
  if (version < 0 && lastPublished.get(uri) === JSON.stringify(diagnostics)) return;
  publish(uri, diagnostics, version >= 0 ? version : undefined);
}

/**
 * The files an analysis may read. A document that is not a file (an unsaved `untitled:` buffer) has no
 * folder: it reads no other file (its relative name must not resolve against the server's working
 * directory), and its fixes edit nothing but itself (fitsDocument).
 */
function workspaceFor(uri: string): WorkspaceView {
  return isFileUri(uri) ? workspace : EMPTY_WORKSPACE;
}

function isFileUri(uri: string): boolean {
  return uri.startsWith('file:');
}

/**
 * Whether a fix may be offered for the document: one with no folder gets only the fixes that edit nothing but the
 * document; none that edits a file which is not open and is not UTF-8 on disk (decodedOnDisk). Nor one that edits or
 * creates a file the server may not read (outside the workspace folders, or behind a symbolic link there: a compose file
 * opened from another folder): the fix is computed from what the server reads, and it reads nothing there, so it took
 * every file beside such a document for absent — CreateFile of a `.env` that exists, which VS Code refuses, failing the
 * whole edit; a second secret's fix after the first created it (review 43b, item 4).
 */
function fitsDocument(entry: Entry, fix: Fix): boolean {
  if (!clientCreatesFiles && fix.changes.some((c) => c.kind === 'create')) return false;
  if (!isFileUri(entry.uri)) return fix.changes.every((c) => c.kind !== 'create' && c.path === entry.path);
  if (workspaceFolders.length > 0 && !fix.changes.every((c) => c.path === entry.path || inWorkspace(c.path))) return false;
  return fix.changes.every((c) => c.kind === 'create' || openByPath.has(c.path) || decodedOnDisk(c.path));
}

/** decodedOnDisk's answers, by path, for the file's size and modification time then. */
const encodingsOnDisk = new Map<string, { mtimeMs: number; size: number; exact: boolean }>();

/**
 * Whether a file that is not open (a `.env`, a `.gitignore` a fix appends to) reads exactly as the server read it: UTF-8,
 * or UTF-16 with its byte order mark (which VS Code detects too). A file of other bytes (Latin-1…) was read with U+FFFD for
 * each invalid byte, so the edit's positions are of that text, not of the one VS Code shows when it opens the file by its
 * files.encoding, and VS Code may write the file back with every invalid byte changed: no edit is offered to such a file
 * (review 43a, item 1). A file that is not there, or cannot be read, is left to the edit (a fix that creates it; an error).
 */
function decodedOnDisk(p: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return true;
  }
  if (!st.isFile()) return true;
  const hit = encodingsOnDisk.get(p);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.exact;
  let exact = true;
  try {
    // The test --fix makes (one decoder, decodeText, for every file read): UTF-16 with an odd last byte or a lone surrogate is not read exactly either.
    exact = writeEncodingOnDisk(p) !== 'inexact';
  } catch {
    // Unreadable: the analysis read nothing of it either.
  }
  encodingsOnDisk.set(p, { mtimeMs: st.mtimeMs, size: st.size, exact });
  return exact;
}

/** A fix as the client's WorkspaceEdit: `documentChanges`, or `changes` for a client without them (fitsDocument kept creates away). */
function workspaceEditFor(fix: Fix): WorkspaceEdit {
  return asClientEdit(toWorkspaceEdit(fix, versionOf, uriOf));
}

function asClientEdit(edit: WorkspaceEdit): WorkspaceEdit {
  if (clientDocumentChanges || !edit.documentChanges) return edit;
  const changes: Record<string, TextEdit[]> = {};
  for (const c of edit.documentChanges) if ('textDocument' in c) (changes[c.textDocument.uri] ??= []).push(...(c.edits as TextEdit[]));
  return { changes };
}

function stillCurrent(uri: string, p: string, version: number, doc: TextDocument | undefined): boolean {
  if (version < 0) return !openByPath.has(p);
  return doc !== undefined && documents.get(uri) === doc && doc.version === version;
}

/** The analysis dates the stale-data notice was logged for, and whether it was shown: once per date in the log, once per session on screen. */
const staleDates = new Set<string>();
let staleShown = false;

/**
 * Says, once, that the bundled image data is old on the analysis date (staleDataNotice: review 43d, item 10): logged
 * once per analysis date (a session that passes midnight, dockerGuardrails.eol.date changed), shown once per session.
 */
function dataAgeNotice(date: string): void {
  if (staleDates.has(date)) return;
  staleDates.add(date);
  const notice = staleDataNotice(date);
  if (!notice) return;
  const message = `${notice[0].toUpperCase()}${notice.slice(1)}`;
  log(message);
  if (staleShown) return;
  staleShown = true;
  void connection.window.showWarningMessage(`Docker Guardrails: ${message}`);
}

/** Why each skipped file was last skipped: the notice is logged once, not on every analysis (scan, edit, re-analysis). */
const skipped = new Map<string, string>();

function skipNotice(p: string, reason: string): void {
  if (skipped.get(p) === reason) return;
  skipped.set(p, reason);
  log(`skipped ${p}: ${reason}`);
}

/**
 * Per-document scheduling: a burst of changes is analyzed once, for its last version. The analysis
 * waits until the messages already read from the client are handled (a turn of the event loop in which
 * the connection handled none): a later didChange of the document schedules anew and cancels this
 * one, so a version that is superseded by one already received is never analyzed nor published (in a
 * large file, typing while an analysis runs queues every keystroke: only the newest is analyzed). No
 * fixed delay: with nothing queued, the analysis starts two turns later.
 */
const pending = new Map<string, NodeJS.Immediate>();

/**
 * Whether one of the scheduled analyses ran in this turn of the event loop. The documents changed at once (a
 * workspace-wide Replace All, a rename across open files) all become ready in the same turn: analyzed back to back,
 * a hover or code action read meanwhile waited for all of them (review 45c, item 6). One analysis per turn: the others
 * wait for the next, and the messages read in between are handled first (a request about a document still pending
 * analyzes that one only, analyzePendingNow).
 */
let analyzedThisTurn = false;

function scheduleOpen(doc: TextDocument): void {
  const kind = kindOfDocument(doc);
  if (!kind) return;
  const uri = doc.uri;
  const prev = pending.get(uri);
  if (prev) clearImmediate(prev);
  let seen = -1;
  const step = (): void => {
    if (dispatched !== seen || analyzedThisTurn) {
      seen = dispatched;
      pending.set(uri, setImmediate(step));
      return;
    }
    pending.delete(uri);
    const current = documents.get(uri);
    if (!current) return;
    analyzedThisTurn = true;
    setImmediate(() => {
      analyzedThisTurn = false;
    });
    void analyzeAndPublish(current.uri, uriToPath(current.uri), kind, current.getText(), current.version, current);
  };
  pending.set(uri, setImmediate(step));
}

/**
 * A request about a document whose newest version waits for its scheduled analysis (a didChange read
 * with the request, as VS Code sends the pending change right before codeActionsOnSave's request):
 * that analysis runs now, so the answer is about the text the client has (review 38b, probe p19).
 */
async function analyzePendingNow(uri: string): Promise<void> {
  const scheduled = pending.get(uri);
  if (!scheduled) return;
  clearImmediate(scheduled);
  pending.delete(uri);
  const current = documents.get(uri);
  const kind = current ? kindOfDocument(current) : undefined;
  if (current && kind) await analyzeAndPublish(current.uri, uriToPath(current.uri), kind, current.getText(), current.version, current);
}

async function analyzeFromDisk(p: string, kind: FileKind): Promise<void> {
  const uri = pathToUri(p);
  if (openByPath.has(p)) return; // the editor's text wins
  const cfg = await settingsFor(uri, p);
  if (openByPath.has(p)) return; // opened while the settings were fetched
  const read = readForAnalysis(p, cfg.maxFileSize ?? DEFAULT_MAX_FILE_BYTES);
  if (!read.ok) {
    analyses.delete(uri);
    publish(uri, []);
    if (read.reason === 'too-large' || read.reason === 'binary') skipNotice(p, read.reason === 'too-large' ? `over the size cap (dockerGuardrails.maxFileSize, ${cfg.maxFileSize ?? DEFAULT_MAX_FILE_BYTES} bytes)` : 'binary file');
    else skipped.delete(p);
    return;
  }
  await analyzeAndPublish(uri, p, kind, read.text, -1);
}

/**
 * Re-analyzes everything known (after a settings change or a change to a file others depend on). The
 * workspace's files are found again first: a change of the include/exclude globs (settings or config
 * file) brings files into the scan or takes them out (rescope).
 */
async function reanalyzeAll(): Promise<void> {
  for (const doc of documents.all()) scheduleOpen(doc);
  await rescope();
  for (const [p, kind] of [...workspaceFiles]) {
    await breathe();
    if (shuttingDown()) return;
    if (!openByPath.has(p) && workspaceFiles.get(p) === kind) await analyzeFromDisk(p, kind);
  }
}

/**
 * Finds the workspace's files again, as the initial scan does, after what decides which files it
 * finds changed (a `.gitignore`, the include/exclude globs): a file that left the scan has its
 * diagnostics cleared (unless it is open: the editor's documents are always analyzed), one that came
 * in is added. Returns the files added.
 */
async function rescope(): Promise<string[]> {
  const found = await collectWorkspaceFiles();
  const now = new Map(found.map((f) => [f.path, f.kind]));
  forgetUnfound(now);
  const added: string[] = [];
  for (const [p, kind] of now) {
    if (!workspaceFiles.has(p)) added.push(p);
    workspaceFiles.set(p, kind);
  }
  return added;
}

/** Forgets the workspace files the scan no longer finds: their diagnostics are cleared, unless open (analyzed whatever the scope). */
function forgetUnfound(found: ReadonlyMap<string, FileKind>): void {
  for (const p of [...workspaceFiles.keys()]) {
    if (found.has(p)) continue;
    workspaceFiles.delete(p);
    if (openByPath.has(p)) continue;
    const uri = pathToUri(p);
    if (analyses.delete(uri)) publish(uri, []);
  }
}

let rescopeTimer: NodeJS.Immediate | undefined;
/** After a `.gitignore` changed: rescope, and analyze the files that came into the scan (one walk for the batch of events). */
function scheduleRescope(): void {
  if (rescopeTimer) clearImmediate(rescopeTimer);
  rescopeTimer = setImmediate(() => {
    rescopeTimer = undefined;
    void rescope().then(async (added) => {
      for (const p of added) {
        const kind = workspaceFiles.get(p);
        if (kind && !openByPath.has(p)) await analyzeFromDisk(p, kind);
      }
    });
  });
}

/**
 * Whether the workspace scan would analyze a file: in a workspace folder, found by the walk of its innermost one (not below
 * node_modules or a folder a `.gitignore` ignores, not ignored itself; a file that is compose by an
 * `include:` is not walked for), and within the include/exclude globs. A file watcher's event for a
 * file out of this scope is not analyzed, as the scan and the CLI's walk do not analyze it.
 */
async function inScanScope(p: string): Promise<boolean> {
  const folder = rootOf(p, workspaceFolders);
  if (!folder || !inWorkspace(p)) return false;
  if (fileKindOf(p) && !walkFinds(folder, p, repositoryAbove(folder))) return false;
  return inScope(folder, p, await settingsFor(pathToUri(p), p));
}

/**
 * The workspace scan's include/exclude globs, read as the CLI reads them (inGlobScope: as a .dockerignore; review 45d,
 * item 1): the settings' relative to the file's workspace folder (its innermost: `rootOf`), a config file's to that
 * file's folder (item 3).
 */
function inScope(folder: string, p: string, cfg: Settings): boolean {
  const rel = (base: string | undefined) => path.relative(base ?? folder, p).split(path.sep).join('/');
  return inGlobScope(rel(cfg.includeBase), cfg.include, []) && inGlobScope(rel(cfg.excludeBase), undefined, cfg.exclude);
}

/**
 * For a workspace folder below its repository's root (VS Code opened on a subfolder): the walk options that make the
 * scan choose files as `check` in that folder does (its walk's `ignoreFrom` and `repositoryTop`): the `.gitignore` files
 * from the root down apply, and the root's index says which ignored files git tracks. These are among the files the
 * server reads above a workspace folder (DiskWorkspace: the `.gitignore` of the root and of each folder down to the
 * workspace folder, the root's `.git/index`); none for a folder in no repository or at its root.
 */
function repositoryAbove(folder: string): { ignoreFrom?: string; repositoryTop?: string } {
  const top = repositoryRoot(workspace, folder);
  return top === null || top === folder ? {} : { ignoreFrom: top, repositoryTop: top };
}

/** Whether a path is in a workspace folder, not behind a symlink there (a symlinked file or folder may point outside). */
function inWorkspace(p: string): boolean {
  return rootOf(p, workspaceFolders) !== undefined && !passesSymlink(p, workspaceFolders);
}

/** The folders and .gitignore files the scan could not read, each logged once (not on every rescan): review 41a, F1. */
const unreadableLogged = new Set<string>();
function noteUnreadable(p: string, e: NodeJS.ErrnoException, what: 'folder' | 'file'): void {
  if (unreadableLogged.has(p)) return;
  unreadableLogged.add(p);
  log(`workspace scan: cannot read ${what === 'folder' ? 'the folder ' : ''}${p}: ${describeIoError(e)}; ${what === 'folder' ? 'the files in it are not analyzed' : 'its patterns are not applied'}`);
}

/**
 * The files the workspace scan analyzes: found by the walk and within the include/exclude globs, and the YAML
 * files those include. Each file belongs to its innermost workspace folder (`rootOf`): that folder's walk finds
 * it (an outer folder's walk does not enter a nested one) and its globs are matched relative to it, as VS Code
 * resolves the file's settings from that folder; the outer walk matched them relative to the outer folder and
 * analyzed the nested folder's files twice (review 41b, item 6).
 */
async function collectWorkspaceFiles(): Promise<{ path: string; kind: FileKind }[]> {
  const found: { path: string; kind: FileKind }[] = [];
  const folders = [...new Set(workspaceFolders)];
  for (const folder of folders) {
    const nested = folders.filter((f) => f !== folder && isInside(f, folder));
    for (const f of findFiles(folder, { onUnreadable: noteUnreadable, skipFolders: nested, ...repositoryAbove(folder) })) {
      await breathe();
      const cfg = await settingsFor(pathToUri(f.path), f.path);
      if (inScope(folder, f.path, cfg)) found.push(f);
    }
  }
  const known = new Set(found.map((f) => f.path));
  for (const f of [...found]) {
    if (f.kind !== 'compose') continue;
    for (const inc of refreshIncludes(f.path)) {
      if (known.has(inc) || !/\.ya?ml$/i.test(inc)) continue;
      const folder = rootOf(inc, workspaceFolders);
      if (!folder || !inScope(folder, inc, await settingsFor(pathToUri(inc), inc))) continue;
      known.add(inc);
      found.push({ path: inc, kind: 'compose' });
    }
  }
  return found;
}

/**
 * Lets the server read what the client sent (a keystroke, a hover) and write what it published, when it
 * has been busy for a while. A loop over the workspace's files awaits only promises that are already
 * settled (settings are cached), which never reach the event loop: the initial scan of 1,900 files held
 * every request and every publication for its whole run (a minute on a busy 2-core machine; review 41b, item 1).
 */
let lastBreath = Date.now();
const BREATH_MS = 15;
async function breathe(): Promise<void> {
  if (Date.now() - lastBreath < BREATH_MS) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  lastBreath = Date.now();
}

/**
 * Finds the workspace's files and analyzes them. `again`: after the workspace folders changed, the files the scan no
 * longer finds are forgotten too (forgetUnfound), as after a .gitignore change: a YAML file of a remaining folder that
 * a removed folder's compose file included stopped being a compose file, and kept its findings (the handler clears
 * only the files outside every folder).
 */
let scanRun = 0;
async function scanWorkspace(again = false): Promise<void> {
  // A newer scan (the folders changed again) supersedes this one: it finds and analyzes every file of the folders as they
  // are now. Going on, this one set and analyzed the files of a folder removed meanwhile, from the list it made before.
  const run = ++scanRun;
  if (workspaceFolders.length === 0) return;
  const progress = hasWorkDoneProgress ? await connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
  progress?.begin('Docker Guardrails', 0, 'Scanning the workspace for Dockerfiles and compose files…', false);
  const started = Date.now();
  const found = await collectWorkspaceFiles();
  const superseded = () => run !== scanRun || shuttingDown();
  if (superseded()) return progress?.done();
  if (again) forgetUnfound(new Map(found.map((f) => [f.path, f.kind])));
  for (const f of found) workspaceFiles.set(f.path, f.kind);
  let done = 0;
  for (const f of found) {
    await breathe();
    if (superseded()) return progress?.done();
    await analyzeFromDisk(f.path, f.kind);
    done++;
    if (done % 20 === 0) progress?.report(Math.round((done / found.length) * 100), `${done}/${found.length} files`);
  }
  progress?.done();
  log(`workspace scan: ${found.length} files in ${Date.now() - started} ms`);
}

// ---- lifecycle ----------------------------------------------------------------------------------

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const caps = params.capabilities;
  hasConfigurationCapability = !!caps.workspace?.configuration;
  hasWorkDoneProgress = !!caps.window?.workDoneProgress;
  hasWorkspaceFolderEvents = !!caps.workspace?.workspaceFolders;
  clientDocumentChanges = caps.workspace?.workspaceEdit?.documentChanges === true;
  clientCreatesFiles = clientDocumentChanges && (caps.workspace?.workspaceEdit?.resourceOperations ?? []).includes('create');
  clientResolvesEdits = (caps.textDocument?.codeAction?.resolveSupport?.properties ?? []).includes('edit');
  workspaceTrusted = (params.initializationOptions as { workspaceTrusted?: unknown } | undefined)?.workspaceTrusted === true;
  const folders: WorkspaceFolder[] = params.workspaceFolders ?? [];
  // Folders of the file system only: the server reads and watches the disk.
  workspaceFolders = folders.filter((f) => isFileUri(f.uri)).map((f) => uriToPath(f.uri)).filter((p) => p.length > 0);
  if (workspaceFolders.length === 0 && params.rootUri && isFileUri(params.rootUri)) workspaceFolders = [uriToPath(params.rootUri)];
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: clientResolvesEdits },
      hoverProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'docker-guardrails' },
  };
});

connection.onInitialized(() => {
  // A client that refuses the registration still sends didChangeConfiguration unregistered (or never): not fatal.
  if (hasConfigurationCapability) connection.client.register(DidChangeConfigurationNotification.type, { section: 'dockerGuardrails' }).catch((e: unknown) => log(`settings changes not registered: ${(e as Error)?.message ?? String(e)}`));
  if (hasWorkspaceFolderEvents) connection.workspace.onDidChangeWorkspaceFolders((e) => {
    const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
    const added = e.added.filter((f) => isFileUri(f.uri)).map((f) => uriToPath(f.uri));
    workspaceFolders = workspaceFolders.filter((f) => !removed.has(f)).concat(added);
    // What applies to a file below a folder that came or went changed: its folder's settings (VS Code resolves a resource's
    // settings from its innermost folder), its config file (findConfigPath stops at the innermost folder: an outer folder's
    // .docker-guardrails.yaml no longer applies below a nested folder added, and applies again once it is removed), and
    // the files beside it it may read (none outside the folders). The scan below analyzes the files on disk again; the
    // open documents are analyzed again too, else they kept the findings of the old folders until their next edit.
    const changed = [...removed, ...added];
    settings.forgetWhere((uri) => isFileUri(uri) && changed.some((f) => isInside(uriToPath(uri), f)));
    for (const doc of documents.all()) scheduleOpen(doc);
    for (const [p] of workspaceFiles) {
      if (!inWorkspace(p)) {
        workspaceFiles.delete(p);
        // A document open in the editor is analyzed whatever the scope (README), as when a .gitignore or
        // an exclude takes it out: analyzed again (above), not cleared (review 38b, probe p15).
        if (openByPath.has(p)) continue;
        const uri = pathToUri(p);
        analyses.delete(uri);
        publish(uri, []);
      }
    }
    // The config files of a removed folder, unless open in the editor (whose documents are analyzed whatever the scope).
    for (const p of new Set([...configCache.keys(), ...configWithProblems])) if (!inWorkspace(p) && !openByPath.has(p)) forgetConfig(p);
    // What a removed folder's compose files included (the scan records the includes of the files it finds).
    for (const p of [...includeLinks.keys()]) if (!inWorkspace(p)) includeLinks.delete(p);
    void scanWorkspace(true);
  });
  void scanWorkspace();
});

connection.onDidChangeConfiguration((params) => {
  settings.clear();
  settings.push(params);
  configCache.clear();
  void reanalyzeAll();
});

documents.onDidOpen((e) => {
  // A read-only copy (the HEAD side of a diff…) maps to its file's path: it must not stand for the file.
  if (isShadowCopy(e.document.uri)) return;
  const p = uriToPath(e.document.uri);
  openByPath.set(p, e.document);
  // A YAML file of no compose name is compose while a root includes or extends it: read the roots
  // afresh (a root written a moment ago may not have reached us through the file watcher yet).
  if (!fileKindOf(p) && !workspaceFiles.has(p) && /\.ya?ml$/i.test(p)) for (const root of rootCandidates(p)) workspace.invalidate(root);
  if (isConfigFile(p)) return configChanged(p);
  scheduleOpen(e.document);
});
documents.onDidChangeContent((e) => {
  // A read-only copy (the HEAD side of a diff…) maps to its file's path: it must not stand for the file.
  if (isShadowCopy(e.document.uri)) return;
  const p = uriToPath(e.document.uri);
  openByPath.set(p, e.document);
  const before = openTexts.get(e.document.uri);
  const text = e.document.getText();
  openTexts.set(e.document.uri, text);
  if (isConfigFile(p)) return configChanged(p);
  scheduleOpen(e.document);
  const kind = kindOfDocument(e.document);
  // Typing in a comment of a compose file changes nothing another file reads of it (its parse, lines and
  // columns are the same): the files analyzed from disk that read it are left alone (laradock: 186 of them
  // per keystroke; review 41b, items 2 and 3). Open ones are analyzed again: their fixes are computed from
  // their stored analysis.
  if (kind === 'compose' && before !== undefined && onlyCommentChanged(before, text)) {
    for (const reader of readersOf(p)) {
      const open = openByPath.get(reader);
      if (open) scheduleOpen(open);
    }
    return;
  }
  scheduleRelated(p, kind);
});
documents.onDidClose((e) => {
  // A read-only copy (the HEAD side of a diff…) maps to its file's path: it must not stand for the file.
  if (isShadowCopy(e.document.uri)) return;
  const p = uriToPath(e.document.uri);
  openByPath.delete(p);
  openTexts.delete(e.document.uri);
  settings.forget(e.document.uri);
  if (isConfigFile(p)) return configChanged(p);
  const kind = workspaceFiles.get(p);
  const documentKind = kindOfDocument(e.document);
  if (kind && inWorkspace(p)) {
    // The file still exists in the workspace: keep its findings, now from the disk's text.
    workspace.invalidate(p);
    void analyzeFromDisk(p, kind);
  } else if (analyses.delete(e.document.uri) || documentKind) {
    publish(e.document.uri, []);
  } else {
    // A file the analyses read (a `.env`, `.gitignore`… the client syncs: companionsOpened): they read the disk's text again.
    workspace.invalidate(p);
  }
  // The files that read the closed document read the disk's text again, as after a change (which schedules them so):
  // closed without saving, the text they were analyzed from is gone — the compose file whose build.args DC004 reads
  // through the Dockerfile, the extends base of DC011, the file a compose file's removed include: named (review 44a, item 1).
  if (isFileUri(e.document.uri)) scheduleRelated(p, documentKind);
});

/**
 * Files whose findings depend on a changed file: the analyses that read it or looked for it (a compose
 * file reads the Dockerfiles its services build; a Dockerfile reads the compose files around it that
 * may build it, found or not: DF010/DF044/DF020), and the compose files that include or extend it.
 * Only those: a keystroke in a Dockerfile does not re-analyze a compose file beside it that builds
 * something else (with a 400-service compose file above, a pause cost a second; review 40c, item 1).
 */
const relatedPending = new Set<string>();
let relatedTimer: NodeJS.Timeout | undefined;
function scheduleRelated(changedPath: string, kind: FileKind | undefined, createdOrDeleted = false): void {
  // The files whose latest analysis read this one (whatever its name: an env_file, a mounted
  // redis.conf, a secret's file, the Dockerfile a service builds).
  for (const reader of readersOf(changedPath)) relatedPending.add(reader);
  // A file that appears or goes changes the listing of its folder: the analyses that listed it (DR003
  // lists a build context for secret files it does not exclude: review 36c, item 6).
  if (createdOrDeleted) for (const reader of readersOf(path.dirname(changedPath))) relatedPending.add(reader);
  // A YAML file that is not analyzed itself may still be an `extends: {file: …}` base of compose files.
  if (kind === 'compose' || (!kind && /\.ya?ml$/i.test(changedPath))) {
    if (kind === 'compose') {
      // include: the files it includes (now or before) and the compose files that include it.
      for (const p of refreshIncludes(changedPath)) relatedPending.add(p);
      for (const inc of includersOf(workspace, changedPath)) {
        relatedPending.add(inc.parent.path);
        relatedPending.add(inc.root.path);
      }
    }
    // extends: the compose files with a service that extends a service of this file (whatever its name).
    const composePaths = [...workspaceFiles].filter(([, k]) => k === 'compose').map(([p]) => p);
    for (const p of extendersOf(workspace, changedPath, composePaths)) relatedPending.add(p);
    relatedPending.delete(changedPath);
  }
  if (relatedPending.size === 0) return;
  if (relatedTimer) clearTimeout(relatedTimer);
  relatedTimer = setTimeout(() => void flushRelated(), 30);
}

/**
 * Re-analyzes the files scheduleRelated collected (a YAML file starts or stops being a compose file here),
 * in the background: one file at a time, letting the server breathe (an open document's own analysis,
 * pending in scheduleOpen, goes first), and a newer change restarts the run after its debounce, so no
 * stale work piles up: a file queued again while it waits is analyzed once, after the latest change.
 * Before, the run was one uninterrupted chain: in laradock's `include:` project (186 dependants, 90 ms
 * each) every keystroke's own diagnostics waited for the previous keystrokes' runs (review 41b, item 2).
 */
let relatedRun = 0;
async function flushRelated(): Promise<void> {
  relatedTimer = undefined;
  const run = ++relatedRun;
  while (relatedPending.size > 0) {
    await breathe();
    if (shuttingDown()) return;
    // The open documents' own analyses first (each waits for a quiet turn: see scheduleOpen).
    while (pending.size > 0 && run === relatedRun) await new Promise<void>((resolve) => setImmediate(resolve));
    // A newer change restarts the run when its debounce ends; what is left stays queued for it.
    if (run !== relatedRun || relatedTimer) return;
    const p = relatedPending.values().next().value as string;
    relatedPending.delete(p);
    await refreshRelated(p);
  }
}

/** Re-analyzes one file that depends on a changed file (or forgets it when it stopped being one to analyze). */
async function refreshRelated(p: string): Promise<void> {
  let k = workspaceFiles.get(p);
  if (!fileKindOf(p) && inWorkspace(p)) {
    // A file named like no compose file is one while some compose file includes (or a root extends) it.
    const included = stillIncluded(p) || isIncludedComposePath(workspace, p);
    if (included && !k) workspaceFiles.set(p, (k = 'compose'));
    else if (!included && k) {
      workspaceFiles.delete(p);
      k = undefined;
    }
  }
  const open = openByPath.get(p);
  if (open && (k || kindOfDocument(open))) scheduleOpen(open);
  else if (open || (!k && !fileKindOf(p))) {
    analyses.delete(pathToUri(p));
    publish(open?.uri ?? pathToUri(p), []);
  } else if (k) await analyzeFromDisk(p, k);
}

let dependentsTimer: NodeJS.Timeout | undefined;
function scheduleDependents(): void {
  if (dependentsTimer) clearTimeout(dependentsTimer);
  dependentsTimer = setTimeout(() => {
    dependentsTimer = undefined;
    void reanalyzeAll();
  }, 50);
}

/**
 * The changes as single files. A folder created or deleted with files in it may be reported as the
 * folder alone (microsoft/vscode#90746; a folder copied or checked out arrives the same way): a deleted
 * folder stands for the known files below it, a created one for the files found in it and the files
 * below it that analyses read.
 */
function expandFolderEvents(changes: readonly FileEvent[]): FileEvent[] {
  const out: FileEvent[] = [];
  // Every path known to the server (analyzed files and what their analyses read), sorted: made once per
  // batch and only when needed, so that a burst of events (a checkout) costs a binary search each.
  let known: string[] | undefined;
  const knownBelow = (prefix: string): string[] => {
    // Config files too: a deleted folder's broken .docker-guardrails.yaml kept its DG002 errors (review 41b, item 4).
    known ??= [...new Set([...workspaceFiles.keys(), ...configCache.keys(), ...configWithProblems, ...[...analyses.values()].flatMap((e) => [e.path, ...readsOf(e)])])].sort();
    let lo = 0;
    let hi = known.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (known[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    const below: string[] = [];
    for (let i = lo; i < known.length && known[i].startsWith(prefix); i++) below.push(known[i]);
    return below;
  };
  for (const change of changes) {
    out.push(change);
    if (change.type === FileChangeType.Changed) continue;
    const p = uriToPath(change.uri);
    if (workspaceFiles.has(p)) continue;
    const created = change.type === FileChangeType.Created;
    if (created && !(inWorkspace(p) && isDirectory(p))) continue;
    const below = new Set(knownBelow(p.endsWith(path.sep) ? p : p + path.sep));
    // The .gitignore files between the workspace folder and the created folder apply, as in the scan (review 41a, F9.4).
    if (created) {
      const folder = rootOf(p, workspaceFolders)!;
      const above = repositoryAbove(folder);
      for (const f of findFiles(p, { ignoreFrom: above.ignoreFrom ?? folder, repositoryTop: above.repositoryTop ?? folder })) below.add(f.path);
    }
    for (const file of below) out.push({ uri: pathToUri(file), type: change.type });
  }
  return out;
}

function isDirectory(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The batches of watcher events, handled one after the other (a batch lets the server breathe: the next one waits). */
let watchedQueue: Promise<void> = Promise.resolve();

connection.onDidChangeWatchedFiles((params) => {
  const events = Array.isArray(params?.changes) ? params.changes : [];
  watchedQueue = watchedQueue.then(() => handleWatchedChanges(events)).catch((e: unknown) => log(`file events: ${(e as Error)?.message ?? String(e)}`));
});

/**
 * A batch of watcher events. What was read of its paths is forgotten first, in one pass (DiskWorkspace.invalidatePaths),
 * then each event is handled, the server breathing in between: a burst of 5,000 events (a checkout, a build) froze it
 * for 10-16 s, an invalidation scanning every cache for each event (review 41b, item 5).
 */
async function handleWatchedChanges(events: readonly FileEvent[]): Promise<void> {
  const changes = expandFolderEvents(events);
  workspace.invalidatePaths(changes.map((c) => uriToPath(c.uri)));
  // readersOf for every path at once (one pass over the analyses), for this batch only: set while one event is handled,
  // not while the server breathes (a keystroke handled meanwhile must see the analyses as they are then). An analysis
  // finishing during the batch read the batch's paths afresh (forgotten above): it need not be in the index.
  let index: Map<string, string[]> | undefined;
  for (const change of changes) {
    await breathe();
    if (changes.length > 32) index ??= indexReaders();
    readersIndex = index;
    try {
      handleWatchedChange(change);
    } finally {
      readersIndex = undefined;
    }
  }
}

/** The tracked paths named like a Dockerfile or compose file, per git index the watcher reported (see trackedChanged). */
const trackedAnalyzable = new Map<string, Set<string>>();

/**
 * Whether a changed `.git/index` tracks other files named like a Dockerfile or compose file than when last seen: the
 * walk finds an ignored file git tracks (`git add -f`), and loses it again on `git rm --cached`, so the scan's scope
 * changes as with a `.gitignore` change (review 41b, item 7). Git rewrites the index for every add, commit, checkout,
 * and refreshes it on `git status`: only a change of what it tracks rescopes.
 */
function trackedChanged(indexPath: string): boolean {
  const bytes = workspace.gitIndex(path.dirname(path.dirname(indexPath)));
  const now = new Set([...((bytes && gitIndexPaths(bytes)) || [])].filter((rel) => fileKindOf(rel)));
  const before = trackedAnalyzable.get(indexPath);
  trackedAnalyzable.set(indexPath, now);
  return !before || before.size !== now.size || [...now].some((rel) => !before.has(rel));
}

function isGitIndex(p: string): boolean {
  return path.basename(p) === 'index' && path.basename(path.dirname(p)) === '.git';
}

function handleWatchedChange(change: FileEvent): void {
  const p = uriToPath(change.uri);
  if (isConfigFile(p)) {
    configChanged(p);
    return;
  }
  const kind = fileKindOf(p) ?? workspaceFiles.get(p) ?? analyses.get(change.uri)?.kind ?? (change.type !== FileChangeType.Deleted && isIncludedComposePath(workspace, p) ? 'compose' : undefined);
  if (!inWorkspace(p)) return;
  if (!kind) {
    // Not analyzed itself: the files whose analysis read it (a `.env`, an env_file, a `.gitignore`…)
    // and the compose files that extend its services (`extends: {file: …}`) are analyzed again.
    scheduleRelated(p, undefined, change.type !== FileChangeType.Changed);
    // A `.gitignore` also decides which files the scan finds, and so does what git tracks.
    if (path.basename(p) === '.gitignore' || (isGitIndex(p) && trackedChanged(p))) scheduleRescope();
    return;
  }
  if (change.type === FileChangeType.Deleted) {
    workspaceFiles.delete(p);
    if (!openByPath.has(p)) {
      analyses.delete(change.uri);
      publish(change.uri, []);
    }
  } else {
    void analyzeIfInScope(p, kind);
  }
  scheduleRelated(p, kind, change.type !== FileChangeType.Changed);
}

/** A file created or changed on disk: analyzed when the scan would analyze it, else forgotten (its diagnostics cleared unless it is open). */
async function analyzeIfInScope(p: string, kind: FileKind): Promise<void> {
  if (await inScanScope(p)) {
    workspaceFiles.set(p, kind);
    await analyzeFromDisk(p, kind);
    return;
  }
  workspaceFiles.delete(p);
  if (openByPath.has(p)) return;
  const uri = pathToUri(p);
  if (analyses.delete(uri)) publish(uri, []);
}

// ---- code actions ------------------------------------------------------------------------------

function versionOf(uri: string): number | null {
  return documents.get(uri)?.version ?? null;
}

/** The URI of a path: the editor's own URI when the file is open, so edits address that document. */
function uriOf(p: string): string {
  return openByPath.get(p)?.uri ?? pathToUri(p);
}

/**
 * The entry with the parsed file its findings came from. A file analyzed from disk is read and
 * analyzed again; its parse is used only when that gives the findings that were published (else they
 * are published anew, and no fix is offered on the old ones).
 */
async function withContext(entry: Entry): Promise<EntryWithContext | undefined> {
  if (entry.analysis.context) return entry as EntryWithContext;
  const cfg = await settingsFor(entry.uri, entry.path);
  const read = readForAnalysis(entry.path, cfg.maxFileSize ?? DEFAULT_MAX_FILE_BYTES);
  let analysis: Analysis | undefined;
  try {
    analysis = read.ok && cfg.enable ? analyze(allRules, entry.kind, entry.path, read.text, workspace, toEngineConfig(cfg)) : undefined;
  } catch {
    analysis = undefined;
  }
  if (!analysis || !sameFindings(analysis.findings, entry.analysis.findings)) {
    void analyzeFromDisk(entry.path, entry.kind);
    return undefined;
  }
  // Kept while this is the file's latest analysis: the next fix asked for needs no parse.
  entry.analysis = analysis;
  entry.inputs = inputsOf(entry.path, analysis);
  return entry as EntryWithContext;
}

/** A position as LSP defines it: two non-negative integers. */
function isPosition(p: unknown): boolean {
  const q = p as { line?: unknown; character?: unknown } | null;
  return !!q && Number.isInteger(q.line) && Number.isInteger(q.character) && (q.line as number) >= 0 && (q.character as number) >= 0;
}

/** InvalidParams for a request whose params lack what the handler reads (review 40c, item 7: they failed with InternalError). */
function invalidParams(what: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, what);
}

/**
 * Runs the analysis a document's newest version waits for (analyzePendingNow), and waits for the one running, if any: a
 * request read while an analysis awaits the document's settings found the previous version's analysis stored, and a
 * hover answered with its findings, on lines the document may no longer have. A few rounds at most (each change while
 * waiting starts another analysis): a document typed in without pause must not hold the request for ever.
 */
async function settledAnalysis(uri: string): Promise<void> {
  await analyzePendingNow(uri);
  for (let round = 0; round < 3; round++) {
    const running = analyzing.get(uri);
    if (!running) return;
    await running.catch(() => undefined);
    await analyzePendingNow(uri);
  }
}

/**
 * How long a request about a document waits for the analysis of its newest version (settledAnalysis) before it answers
 * from what is stored: that analysis waits for the client's answer to workspace/configuration (at most
 * SETTINGS_TIMEOUT_MS), and a client that never answers must not leave the request unanswered (review 46a, item 1).
 */
const REQUEST_WAIT_MS = 2000;

/** What currentEntry gives for a request the client cancelled ($/cancelRequest) while it waited. */
const CANCELLED = Symbol('cancelled');

/** The error a cancelled request is answered with: LSP 3.17, "$/cancelRequest": it still gets a response, RequestCancelled advised. */
function cancelledError(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

/** Waits for `work` at most `ms`, and no longer than until the request is cancelled (`token`). */
async function boundedWait(work: Promise<unknown>, ms: number, token: CancellationToken | undefined): Promise<'done' | 'timeout' | 'cancelled'> {
  if (token?.isCancellationRequested) return 'cancelled';
  let timer: NodeJS.Timeout | undefined;
  let listener: { dispose(): void } | undefined;
  try {
    return await Promise.race([
      work.then(
        () => 'done' as const,
        () => 'done' as const,
      ),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), ms);
      }),
      new Promise<'cancelled'>((resolve) => {
        listener = token?.onCancellationRequested(() => resolve('cancelled'));
      }),
    ]);
  } finally {
    clearTimeout(timer);
    listener?.dispose();
  }
}

/**
 * The stored analysis of a document, with its parse, once what is pending for it has run: undefined when there is none,
 * when the open document's version is not the one analyzed, or when another analysis replaced it meanwhile. What a code
 * action request and every resolve start from. The wait for the running analysis is bounded (REQUEST_WAIT_MS: then the
 * stored analysis answers if it is of the document's current version, else none) and ends when the request is
 * cancelled (CANCELLED).
 */
async function currentEntry(uri: string, token?: CancellationToken): Promise<EntryWithContext | undefined | typeof CANCELLED> {
  if ((await boundedWait(settledAnalysis(uri), REQUEST_WAIT_MS, token)) === 'cancelled') return CANCELLED;
  const stored = analyses.get(uri);
  if (!stored) return undefined;
  const doc = documents.get(uri);
  if (doc && doc.version !== stored.version) return undefined;
  const entry = await withContext(stored);
  if (token?.isCancellationRequested) return CANCELLED;
  return entry && analyses.get(uri) === stored ? entry : undefined;
}

connection.onCodeAction(async (params: CodeActionParams, token): Promise<CodeAction[] | ResponseError<void>> => {
  if (typeof params?.textDocument?.uri !== 'string' || !isPosition(params.range?.start) || !isPosition(params.range?.end) || !Array.isArray(params.context?.diagnostics)) {
    return invalidParams('textDocument/codeAction needs textDocument.uri, a range and context.diagnostics');
  }
  const current = await currentEntry(params.textDocument.uri, token);
  if (current === CANCELLED) return cancelledError();
  let entry = current;
  if (!entry) return [];
  const first = await codeActionsFor(entry, params);
  // The files the actions edit or create beside the document must be as the disk holds them now (review 43b, item 4).
  if (!(await refreshIfStale(entry, first.touched))) return first.actions;
  entry = await withFreshContext(entry);
  return entry ? (await codeActionsFor(entry, params)).actions : [];
});

/** The code actions for a request, and the paths their edits touch besides the document. */
async function codeActionsFor(entry: EntryWithContext, params: CodeActionParams): Promise<{ actions: CodeAction[]; touched: Set<string> }> {
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((k) => k === kind || kind.startsWith(k + '.'));
  const actions: CodeAction[] = [];
  const touched = new Set<string>();
  /** The fixes' actions of this request by title, each with its fix and the findings it serves (offer, distinguishTitles). */
  const byTitle = new Map<string, Offered[]>();
  /** The same, by title and the key of their edits (editKeyOf): one action per distinct edit. */
  const byEdit = new Map<string, Offered>();
  const fits = fitsDocumentMemo(entry);
  /**
   * `which`: the rule's own fix (-1) or the index of one of its further fixes, when the edit may come with codeAction/resolve.
   * A fix of the same title and the same edit as one already offered (DC032's one edit for every service, "Move all 2
   * inline secrets of this file to .env" of each secret, DC040's "Move X and its 59 copies to .env" of each copy, its
   * own copy's edit first: a selection over several findings, review 49b, F2) is not offered again: the action offered
   * gets the diagnostics of this finding too. One map look-up per fix, with its edits' key computed once per fix: a
   * selection over 2,000 copies of one secret compared each fix's 2,000 edits with the first's and searched the
   * diagnostics listed so far for each (lspux2, item 1).
   */
  const offer = (fix: Fix, finding: Finding, diags: Diagnostic[], preferred: boolean, which?: number) => {
    const key = `${fix.title}\u0000${editKeyOf(entry, fix)}`;
    const twin = byEdit.get(key);
    if (twin) {
      const listed = (twin.action.diagnostics ??= []);
      for (const d of diags) {
        if (twin.diagnostics.has(d)) continue;
        twin.diagnostics.add(d);
        listed.push(d);
      }
      if (!twin.found.has(finding)) {
        twin.found.add(finding);
        twin.findings.push(finding);
      }
      if (preferred) twin.action.isPreferred = true;
      return;
    }
    for (const c of fix.changes) if (c.path !== entry.path) touched.add(c.path);
    const action = which !== undefined && clientResolvesEdits && editWeight(fix) >= LAZY_EDIT_WEIGHT ? lazyQuickFix(entry, finding, which, fix, diags, preferred) : quickFix(fix, [...diags], workspaceEditFor(fix), preferred);
    actions.push(action);
    const offered: Offered = { action, fix, findings: [finding], found: new Set([finding]), diagnostics: new Set(diags) };
    byEdit.set(key, offered);
    const titled = byTitle.get(fix.title);
    if (titled) titled.push(offered);
    else byTitle.set(fix.title, [offered]);
  };
  if (wants(CodeActionKind.QuickFix)) {
    const seenCodes = new Set<string>();
    const asked = findingsAsked(entry, params);
    const fromRegistry = await registryFixes(entry, [...asked.keys()]);
    // The request's findings of each code, with their diagnostics, for the code's menu (menuFor).
    const byCode = new Map<string, [Finding, Diagnostic[]][]>();
    for (const [finding, diags] of asked) {
      const same = byCode.get(finding.code);
      if (same) same.push([finding, diags]);
      else byCode.set(finding.code, [[finding, diags]]);
    }
    for (const [finding, diags] of asked) {
      const { fix, more } = fixesOf(entry, finding, fits);
      if (fix) offer(fix, finding, diags, fix.safe, -1);
      more.forEach((m, i) => offer(m, finding, diags, false, i));
      for (const r of fromRegistry.get(finding) ?? []) if (fitsDocument(entry, r)) offer(r, finding, diags, false);
      if (seenCodes.has(finding.code)) continue;
      seenCodes.add(finding.code);
      actions.push(...(await menuFor(entry, finding, byCode.get(finding.code)!, touched)));
    }
    distinguishTitles(entry, byTitle);
  }
  if (wants(FIX_ALL_KIND) && only) {
    if (clientResolvesEdits) {
      // Its edit comes with codeAction/resolve (resolveFixAll): offered when one safe fix the document can take is there.
      const first = firstSafeFix(entry);
      if (first) {
        for (const c of first.changes) if (c.path !== entry.path) touched.add(c.path);
        actions.push(lazyFixAll(entry));
      }
    } else {
      const all = await fixAllInRounds(entry, FIX_ALL_TITLE, FIX_ALL_KIND, (fix) => fix.safe, touched);
      if (all) actions.push(all);
    }
  }
  return { actions, touched };
}

const FIX_ALL_TITLE = 'Fix all Docker Guardrails findings';

/**
 * The first safe fix the document can take, of the findings in order: what tells whether `source.fixAll.docker-guardrails`
 * has something to do, without computing its edit (fixAllInRounds: every fix of the file, applied in rounds, each round
 * analyzed again). Computes the fixes of the findings before it (kept with the analysis, fixOf); one fix for most files.
 * The rounds could still apply nothing (every safe fix leaving its finding in place): the resolve then has no edit.
 */
function firstSafeFix(entry: EntryWithContext): Fix | undefined {
  const fits = fitsDocumentMemo(entry);
  for (const f of entry.analysis.findings) {
    const fix = fixOf(entry, f);
    if (fix?.safe && fits(fix)) return fix;
  }
  return undefined;
}

/**
 * Whether the fixes computed from an entry's analysis (code actions, their resolve) must be computed again from a new
 * analysis (withFreshContext): the one place that decides whether an analysis still holds for its fixes.
 *
 * When a file the server remembers (its text, whether it exists) has been written since it was read, and no watcher
 * event has told the server yet: forgets what it read of it, has the files that read it analyzed again (as the event
 * would), and says so. The fix that created `.env` is applied, and the next fix, asked for before the event arrives (the
 * client batches them) or with no event ever coming, was computed from the old state: CreateFile of the `.env` that now
 * exists, which VS Code refuses, failing the whole edit (review 43b, item 4). Only the paths the answer's edits touch are
 * read again (a few small files).
 *
 * Likewise when a file the analysis read is held otherwise in the editor now (changedInputs): a Dockerfile's DF020 fix
 * edits the open compose file from the parse of its text when the Dockerfile was analyzed, stamped with the compose
 * document's current version; asked for within the debounce after an edit above the service, the edit landed at the
 * old text's positions and broke the YAML (review 44a, item 2). Every file the analysis read is compared (a map read
 * each), so the edits of every file come from the text of the version they name.
 */
async function refreshIfStale(entry: Entry, touched: Iterable<string>): Promise<boolean> {
  const stale = [...touched].filter((p) => p !== entry.path && workspace.changedOnDisk(p));
  const edited = changedInputs(entry);
  if (stale.length === 0 && edited.length === 0) return false;
  workspace.invalidatePaths(stale);
  for (const p of stale) scheduleRelated(p, undefined, true);
  return true;
}

/**
 * The entry analyzed again from the text it was analyzed from (the document's version, or the disk's), with what the
 * workspace holds now: the fixes of a finding read the files beside it through its analysis. Undefined when the findings
 * are not the same any more (they are published anew, and the client asks again for the new ones), as withContext does.
 */
async function withFreshContext(entry: EntryWithContext): Promise<EntryWithContext | undefined> {
  if (entry.version < 0) {
    if (analyses.get(entry.uri) !== entry) return undefined;
    const bare: Entry = { ...entry, analysis: { findings: entry.analysis.findings, suppressed: entry.analysis.suppressed, failures: entry.analysis.failures } };
    analyses.set(entry.uri, bare);
    const fresh = await withContext(bare);
    return fresh && analyses.get(entry.uri) === bare ? fresh : undefined;
  }
  const doc = documents.get(entry.uri);
  if (!doc || doc.version !== entry.version) return undefined;
  const cfg = await settingsFor(entry.uri, entry.path);
  if (documents.get(entry.uri) !== doc || doc.version !== entry.version || !cfg.enable) return undefined;
  let analysis: Analysis;
  try {
    analysis = analyze(allRules, entry.kind, entry.path, doc.getText(), workspaceFor(entry.uri), toEngineConfig(cfg));
  } catch {
    return undefined;
  }
  if (!sameFindings(analysis.findings, entry.analysis.findings)) {
    void analyzeAndPublish(entry.uri, entry.path, entry.kind, doc.getText(), doc.version, doc);
    return undefined;
  }
  const fresh: EntryWithContext = { ...entry, analysis, inputs: inputsOf(entry.path, analysis) };
  if (analyses.get(entry.uri) === entry) analyses.set(entry.uri, fresh);
  return fresh;
}

function sameFindings(a: readonly Finding[], b: readonly Finding[]): boolean {
  const same = (x: Finding, y: Finding) => x.code === y.code && x.message === y.message && comparePos(x.range.start, y.range.start) === 0 && comparePos(x.range.end, y.range.end) === 0;
  return a.length === b.length && a.every((f, i) => same(f, b[i]));
}

// ---- registry lookups (opt-in, trusted workspaces only) -----------------------------------------

connection.onNotification('dockerGuardrails/workspaceTrust', (params: { trusted?: unknown }) => {
  workspaceTrusted = params?.trusted === true;
  log(`workspace trust: ${workspaceTrusted ? 'trusted' : 'restricted'}`);
});

/** The rules' network fixes for the findings, when lookups are on for the file and the workspace is trusted. */
async function registryFixes(entry: EntryWithContext, findings: Finding[]): Promise<Map<Finding, Fix[]>> {
  const out = new Map<Finding, Fix[]>();
  if (!workspaceTrusted || !entry.uri.startsWith('file:')) return out;
  const wanted = findings.filter((f) => hasAsyncFixes(allRules, f));
  if (wanted.length === 0) return out;
  const cfg = await settingsFor(entry.uri, entry.path);
  if (!cfg.registryLookups) return out;
  registry ??= new RegistryClient({
    onNotice: (message) => {
      log(message);
      void connection.window.showWarningMessage(message);
    },
  });
  const services = { registry };
  await Promise.all(wanted.map(async (f) => out.set(f, await asyncFixesFor(allRules, entry.analysis.context, f, services))));
  return out;
}

function findingOf(entry: Entry, diag: Diagnostic): Finding | undefined {
  if (diag.source !== SOURCE) return undefined;
  const data = diag.data as DiagnosticData | undefined;
  if (!data || data.version !== entry.version) return undefined;
  const finding = entry.analysis.findings[data.id];
  return finding && finding.code === diag.code ? finding : undefined;
}

/**
 * Whether a diagnostic is one the server published for an older version of the open document (entry): what VS Code
 * still holds, its range moved by its marker tracking, until the publish of the new version reaches it.
 */
function isOlderDiagnostic(entry: Entry, diag: Diagnostic): boolean {
  const data = diag.data as Partial<DiagnosticData> | null | undefined;
  return diag.source === SOURCE && typeof diag.code === 'string' && entry.version >= 0 && !!data && typeof data === 'object' && Number.isInteger(data.version) && (data.version as number) >= 0 && (data.version as number) < entry.version;
}

/** Whether two ranges share a position (touching counts: a cursor at the end of a finding is on it). */
function rangesMeet(a: Range, b: Range): boolean {
  return comparePos(a.start, b.end) <= 0 && comparePos(b.start, a.end) <= 0;
}

/**
 * The findings of the entry's analysis (the document's current version) a code-action request is about, each once, in
 * the order of the request's diagnostics, with the client's diagnostics that stand for it.
 *
 * A diagnostic of the current version names its finding (findingOf). One of an older version is what the client still
 * shows for as long as the new version's diagnostics take to reach it (100–650 ms after each keystroke on a 2,000-line
 * file): VS Code sends the diagnostics its marker service holds, from the last publish (LSP 3.17, CodeActionContext:
 * "diagnostics known on the client side overlapping the range"; "there is no guarantee that these accurately reflect the
 * error state of the resource. The primary parameter to compute code actions is the provided range"). Such a diagnostic
 * stands for the current version's findings of its code at the requested range, which is in the current version's
 * positions: every edit offered is computed from the current version's analysis, with its version, never from the old
 * one's positions (review 49b, F1: the menu was empty, no fix, no Ignore, no docs, until the new publish arrived).
 */
function findingsAsked(entry: EntryWithContext, params: CodeActionParams): Map<Finding, Diagnostic[]> {
  const out = new Map<Finding, Diagnostic[]>();
  const add = (f: Finding, d: Diagnostic) => {
    const listed = out.get(f);
    if (!listed) out.set(f, [d]);
    else if (!listed.includes(d)) listed.push(d);
  };
  let atRange: Map<string, Finding[]> | undefined;
  for (const diag of params.context.diagnostics) {
    const finding = findingOf(entry, diag);
    if (finding) {
      add(finding, diag);
      continue;
    }
    if (!isOlderDiagnostic(entry, diag)) continue;
    if (!atRange) {
      atRange = new Map();
      for (const f of entry.analysis.findings) {
        if (!rangesMeet(f.range, params.range)) continue;
        const same = atRange.get(f.code);
        if (same) same.push(f);
        else atRange.set(f.code, [f]);
      }
    }
    for (const f of atRange.get(diag.code as string) ?? []) add(f, diag);
  }
  return out;
}

/** A fix offered in one code-action request: its action, the findings it serves and the client's diagnostics it carries. */
interface Offered {
  action: CodeAction;
  fix: Fix;
  findings: Finding[];
  found: Set<Finding>;
  diagnostics: Set<Diagnostic>;
}

/**
 * A fix's changes with each file's edits in the order of their ranges (a stable sort: insertions at one position keep
 * their order, which decides the text): two lists of edits that sort alike make the same text (LSP: the edits of one
 * file never overlap, their ranges refer to the text before any of them).
 */
function sortedChanges(changes: readonly FileChange[]): FileChange[] {
  return changes.map((c) => {
    if (c.kind !== 'edit' || c.edits.length < 2) return c;
    const edits = c.edits;
    let ordered = true;
    for (let i = 1; i < edits.length && ordered; i++) ordered = comparePos(edits[i - 1].range.start, edits[i].range.start) <= 0 && comparePos(edits[i - 1].range.end, edits[i].range.end) <= 0;
    if (ordered) return c;
    return { ...c, edits: [...edits].sort((x, y) => comparePos(x.range.start, y.range.start) || comparePos(x.range.end, y.range.end)) };
  });
}

/** Whether two fixes' changes, each sorted (sortedChanges), are the same, edit for edit (the same files, ranges and text). */
function sameChanges(a: readonly FileChange[], b: readonly FileChange[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i];
    if (x.kind !== y.kind || x.path !== y.path) return false;
    if (x.kind === 'create') return y.kind === 'create' && x.content === y.content;
    if (y.kind !== 'edit' || x.edits.length !== y.edits.length) return false;
    return x.edits.every((e, j) => {
      const f = y.edits[j];
      return e.newText === f.newText && sameRange(e.range, f.range);
    });
  });
}

/** Two 32-bit hashes (FNV-1a and a multiplicative one) of a string, folded into the running states `h`. */
function hashText(h: Int32Array, text: string): void {
  let a = h[0];
  let b = h[1];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x5bd1e995) ^ (b >>> 15);
  }
  hashNumber(h, a, b, text.length);
}

/** The same of a number (a line, a character, a length). */
function hashNumber(h: Int32Array, a: number, b: number, n: number): void {
  h[0] = Math.imul(a ^ n, 0x01000193);
  h[1] = Math.imul(b ^ Math.imul(n, 0x27d4eb2d), 0x5bd1e995) ^ (b >>> 13);
}

/**
 * The key of a fix's edits, one per analysis (a fix's context) and distinct edits, computed once per fix: the files, the
 * edits' count, and a digest of the edits in range order (sortedChanges); equal keys are equal edits, checked edit for
 * edit when the key is first given out (a digest that two different edits share gets a suffix). What tells one request's
 * fixes apart (codeActionsFor's offer): a map look-up per fix, not a comparison of every edit per pair (lspux2, item 1).
 */
const editKeysByContext = new WeakMap<object, { keys: WeakMap<Fix, string>; owners: Map<string, FileChange[]> }>();
function editKeyOf(entry: EntryWithContext, fix: Fix): string {
  const context = entry.analysis.context;
  let state = editKeysByContext.get(context);
  if (!state) editKeysByContext.set(context, (state = { keys: new WeakMap(), owners: new Map() }));
  const known = state.keys.get(fix);
  if (known !== undefined) return known;
  const sorted = sortedChanges(fix.changes);
  const h = new Int32Array([0x811c9dc5 | 0, 0x9747b28c | 0]);
  const mix = (n: number) => hashNumber(h, h[0], h[1], n);
  const outline: string[] = [];
  for (const c of sorted) {
    outline.push(`${c.kind}:${c.path}:${c.kind === 'create' ? c.content.length : c.edits.length}`);
    if (c.kind === 'create') {
      hashText(h, c.content);
      continue;
    }
    for (const e of c.edits) {
      mix(e.range.start.line);
      mix(e.range.start.character);
      mix(e.range.end.line);
      mix(e.range.end.character);
      hashText(h, e.newText);
    }
  }
  const digest = `${outline.join('|')}#${(h[0] >>> 0).toString(36)}.${(h[1] >>> 0).toString(36)}`;
  let key = digest;
  for (let n = 1; ; n++) {
    const owner = state.owners.get(key);
    if (!owner) {
      state.owners.set(key, sorted);
      break;
    }
    if (sameChanges(owner, sorted)) break;
    key = `${digest}~${n}`;
  }
  state.keys.set(fix, key);
  return key;
}

/**
 * Where a finding is, to tell apart fixes of one title for different findings in one menu: the compose service it is
 * in, from the parse (`service 'db'`), else its line (`line 12`).
 */
function whereOf(entry: EntryWithContext, finding: Finding): { service?: string; line: string } {
  const line = `line ${finding.range.start.line + 1}`;
  const ctx = entry.analysis.context;
  if (ctx.kind !== 'compose') return { line };
  const at = finding.range.start;
  const service = ctx.services.find((s) => comparePos(ctx.rangeOf(s.nameNode).start, at) <= 0 && comparePos(at, ctx.rangeOf(s.map).end) <= 0);
  return service ? { service: `service '${service.name}'`, line } : { line };
}

/**
 * Titles of different fixes that would repeat in one menu (a selection over several services: "Add pids_limit: 200" of
 * each, review 49b, F2) get where their finding is: the service, or the line when that does not tell them apart. A
 * title shown once is left as the rule wrote it (the menu of one finding is unchanged); a lazy action keeps the rule's
 * title in its data (LazyQuickFix.title), which its resolve compares.
 */
function distinguishTitles(entry: EntryWithContext, byTitle: Map<string, Offered[]>): void {
  for (const [title, offered] of byTitle) {
    if (offered.length < 2) continue;
    const where = offered.map((o) => whereOf(entry, o.findings[0]));
    const services = where.map((w) => w.service);
    const lines = where.map((w) => w.line);
    const distinct = (xs: (string | undefined)[]) => xs.every((x) => x !== undefined) && new Set(xs).size === xs.length;
    const labels = distinct(services) ? services : distinct(lines) ? lines : undefined;
    if (!labels) continue;
    offered.forEach((o, i) => (o.action.title = `${title} (${labels[i]})`));
  }
}

/**
 * At most this many "Ignore CODE for line N" entries per code in one menu (a selection over more lines of the code
 * gets those of its first lines, in document order, and "Ignore CODE for this file"): one per line, as ESLint's
 * extension offers "Disable RULE for this line" per line, but a selection over 2,000 services is not a menu of 2,000
 * comments to pick from (lspux2, item 2). README's editor section says so.
 */
const IGNORE_LINES_PER_CODE = 10;

/**
 * The rest of the menu for a code (after the fixes of the request's findings; `finding`: its first): fix all of the
 * code (fixAllOffer), ignore for each line / for the file, docs. `asked`: the request's findings of the code with their
 * diagnostics. "Fix all CODE in this file" carries those of the findings it fixes (fixAllOffer), "Ignore CODE for this
 * file" every one of them (LSP 3.17 CodeAction.diagnostics: "The diagnostics that this code action resolves"; lspux2, item 3), an
 * "Ignore CODE for line N" those of the findings its comment silences: one per line the comment goes above
 * (suppressionLine: a multi-line value's or heredoc instruction's first line), titled "for this line" when the request
 * has one, else by the line's number, at most IGNORE_LINES_PER_CODE (lspux2, item 2).
 */
async function menuFor(entry: EntryWithContext, finding: Finding, asked: readonly [Finding, Diagnostic[]][], touched: Set<string>): Promise<CodeAction[]> {
  const out: CodeAction[] = [];
  const ctx = entry.analysis.context;
  const code = finding.code;
  const diag = asked[0][1][0];
  const all = [...new Set(asked.flatMap(([, diags]) => diags))];
  const fixAll = fixAllOffer(entry, code, asked);
  if (fixAll) {
    const title = `Fix all ${code} in this file`;
    if (clientResolvesEdits) {
      // Its edit comes with codeAction/resolve.
      const data: FixAllOfCode = { resolve: 'fix-all-of-code', uri: entry.uri, version: entry.version, code };
      // A client resolves only the edit (VS Code ignores any other property a resolve returns), so the command that
      // restricts the secret files the edit creates (.env: 0600) comes now, naming the action: the client asks for the
      // files once the edit is applied (the resolve computed them). The code's fixes tell whether they create such
      // files (review 41b, item 6: "Fix all DC040 in this file" left .env world-readable).
      const command = fixAll.createsSecretFiles ? { title: 'Make the created secret files readable by their owner only', command: RESTRICT_CREATED_COMMAND, arguments: [{ fixAllOf: resolveToken(data) }] } : undefined;
      out.push({ title, kind: CodeActionKind.QuickFix, diagnostics: fixAll.diagnostics, data, ...(command ? { command } : {}) });
    } else {
      const action = await fixAllOfCode(entry, code, title, touched);
      if (action) out.push({ ...action, diagnostics: fixAll.diagnostics });
    }
  }
  if (code !== IGNORE_UNUSED_CODE) {
    const comments = findIgnoreComments(ctx);
    // The lines the comments go above, in document order, each with the diagnostics of the findings it silences.
    const targets = new Map<number, Set<Diagnostic>>();
    for (const [f, diags] of asked) {
      const target = suppressionLine(ctx, f.range.start.line);
      const listed = targets.get(target);
      if (!listed) targets.set(target, new Set(diags));
      else for (const d of diags) listed.add(d);
    }
    const lines = [...targets.keys()].sort((a, b) => a - b).slice(0, IGNORE_LINES_PER_CODE);
    for (const target of lines) {
      // Undefined where no comment line may stand (a Dockerfile parser directive's line): the file-level ignore only.
      const lineEdit = ignoreLineEdit(ctx, code, target, comments);
      if (!lineEdit) continue;
      const title = targets.size === 1 ? ignoreLineTitle(ctx, code, target) : ignoreNumberedLineTitle(ctx, code, target);
      out.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [...targets.get(target)!], edit: asClientEdit({ documentChanges: [{ textDocument: { uri: entry.uri, version: versionOf(entry.uri) }, edits: [lineEdit] }] }) });
    }
    const fileEdit = ignoreFileEdit(ctx, code, comments);
    out.push({ title: `Ignore ${code} for this file`, kind: CodeActionKind.QuickFix, diagnostics: [...all], edit: asClientEdit({ documentChanges: [{ textDocument: { uri: entry.uri, version: versionOf(entry.uri) }, edits: [fileEdit] }] }) });
  }
  out.push({ title: `Show documentation for ${code}`, kind: CodeActionKind.QuickFix, diagnostics: [diag], command: { title: `Show documentation for ${code}`, command: 'dockerGuardrails.showRuleDocs', arguments: [code] } });
  return out;
}

/** "Ignore CODE for line N" (1-based), or for the multi-line value or heredoc instruction that starts there: ignoreLineTitle with the line's number. */
function ignoreNumberedLineTitle(ctx: EntryWithContext['analysis']['context'], code: string, target: number): string {
  const { construct } = coverageOf(ctx, target);
  const at = target + 1;
  return `Ignore ${code} for ${construct === 'line' ? `line ${at}` : construct === 'scalar' ? `the multi-line value at line ${at}` : `the instruction and its heredoc at line ${at}`}`;
}

/**
 * The rule's fix of a finding (fixFinding), computed once per analysis: the analysis (its context) is immutable for its
 * document version, and every code-action request of that version asks again — the menu of one finding counts the fixes
 * of every finding of its code and compares them (fixAllOffer), and the editor asks as the cursor moves.
 * A file with one password in thousands of services computed thousands of fixes, each rewriting every copy, per request
 * (LAZY_EDIT_WEIGHT has the numbers). What fitsDocument says of a fix is asked anew each time (it reads the editor's
 * and the disk's state); a later analysis (withFreshContext) has a context, and fixes, of its own.
 */
const fixesByContext = new WeakMap<object, Map<Finding, Fix | undefined>>();
function fixOf(entry: EntryWithContext, finding: Finding): Fix | undefined {
  const context = entry.analysis.context;
  let fixes = fixesByContext.get(context);
  if (!fixes) fixesByContext.set(context, (fixes = new Map()));
  if (fixes.has(finding)) return fixes.get(finding);
  const fix = fixFinding(allRules, context, finding);
  fixes.set(finding, fix);
  return fix;
}

/** The rules' further fixes of a finding (moreFixesFor), computed once per analysis as fixOf does. */
const moreFixesByContext = new WeakMap<object, Map<Finding, Fix[]>>();
function moreFixesOf(entry: EntryWithContext, finding: Finding): Fix[] {
  const context = entry.analysis.context;
  let fixes = moreFixesByContext.get(context);
  if (!fixes) moreFixesByContext.set(context, (fixes = new Map()));
  let more = fixes.get(finding);
  if (!more) fixes.set(finding, (more = moreFixesFor(allRules, context, finding)));
  return more;
}

/**
 * fitsDocument for the fixes of one pass (one request: the state it reads does not change within the pass), answered
 * once per set of files changed and created: the fixes of thousands of findings of a code touch the same few files,
 * and each answer stats the files beside the document (decodedOnDisk).
 */
function fitsDocumentMemo(entry: Entry): (fix: Fix) => boolean {
  const answers = new Map<string, boolean>();
  return (fix) => {
    const key = fix.changes.map((c) => `${c.kind}\u0000${c.path}`).join('\u0000');
    let fits = answers.get(key);
    if (fits === undefined) answers.set(key, (fits = fitsDocument(entry, fix)));
    return fits;
  };
}

/**
 * Whether "Fix all CODE in this file" is offered on a request's findings of a code (`asked`, with their diagnostics), from
 * every finding of the code in the document, not from the request's first (whose fix may be missing while others have
 * one: dc040x, item 3). Offered when one of the request's findings has a fix and the code's fixes that the document can
 * take differ, so that it does more than each of the request's own fixes (review 42c, item 8: not on findings without a
 * fix, not when the finding is the code's only fixable one, nor when every fix of the code is the same whole-file edit,
 * "Attach every service to a named bridge network", DC032), and no further fix offered on the
 * request's findings says it does every fix of the code ("Move all 2 inline secrets of this file to .env", DC040: two
 * entries of one effect, review 43b, item 9). With the diagnostics it resolves (CodeAction.diagnostics): those of the
 * request's findings that have a fix the document can take, which its rounds apply (dc040x, item 2: not one without a
 * fix), and whether the code's fixes create secret files (`.env`: the command that restricts them, review 41b, item 6).
 * Reads the changes of the code's fixes only until one differs.
 */
function fixAllOffer(entry: EntryWithContext, code: string, asked: readonly [Finding, Diagnostic[]][]): { diagnostics: Diagnostic[]; createsSecretFiles: boolean } | undefined {
  const fits = fitsDocumentMemo(entry);
  const own = new Set<Fix>();
  const diagnostics = new Set<Diagnostic>();
  const more: Fix[] = [];
  for (const [f, diags] of asked) {
    const fixes = fixesOf(entry, f, fits);
    if (fixes.fix) {
      own.add(fixes.fix);
      for (const d of diags) diagnostics.add(d);
    }
    more.push(...fixes.more);
  }
  // Not on findings none of which has a fix (review 42c, item 8).
  if (own.size === 0) return undefined;
  let count = 0;
  let differs = false;
  let createsSecretFiles = false;
  let first: Fix | undefined;
  let firstChanges: string | undefined;
  for (const other of entry.analysis.findings) {
    if (other.code !== code || !other.fixable) continue;
    const fix = fixOf(entry, other);
    if (!fix || !fits(fix)) continue;
    count++;
    if (fix.changes.some((c) => c.kind === 'create' && isSensitivePath(c.path))) createsSecretFiles = true;
    if (differs || fix === first) continue;
    if (!first) first = fix;
    else if (JSON.stringify(fix.changes) !== (firstChanges ??= JSON.stringify(first.changes))) differs = true;
  }
  if (!differs || more.some((m) => m.fixesAllOf !== undefined && m.fixesAllOf === count)) return undefined;
  return { diagnostics: [...diagnostics], createsSecretFiles };
}

/**
 * A fix-all action: the chosen fixes applied in rounds, the file analyzed again after each, as `check --fix`
 * does (fixInRounds) — two inline secrets each create the same `.env`, so one round takes one of them;
 * before, each save moved one (review 36c, item 7), and "Fix all DC040 in this file" moved one of three
 * (review 42c, item 5). `source.fixAll.docker-guardrails` chooses the safe fixes; "Fix all CODE in this file"
 * (fixAllOfCode) every fix of the code. Only the fixes the document can take (fitsDocument). The result is
 * one edit per file changed: the span between the text both versions share at the start and at the end,
 * or a CreateFile with the file's content.
 */
async function fixAllInRounds(entry: EntryWithContext, title: string, kind: string, choose: (fix: Fix, finding: Finding) => boolean, touched?: Set<string>): Promise<CodeAction | undefined> {
  const cfg = await settingsFor(entry.uri, entry.path);
  // The rounds read the document's text: it must still be the text the analysis is of.
  if (entry.version >= 0 && documents.get(entry.uri)?.version !== entry.version) return undefined;
  const changed: FileSet = new Map();
  const current = (p: string) => (p === entry.path ? documents.get(entry.uri)?.getText() : undefined) ?? openByPath.get(p)?.getText();
  const view = isFileUri(entry.uri) ? new DiskWorkspace((p) => changed.get(p) ?? current(p), DEFAULT_RELATED_MAX_BYTES, () => workspaceFolders, undefined, logTooLarge) : EMPTY_WORKSPACE;
  const before = (p: string) => current(p) ?? (isFileUri(entry.uri) ? workspace.readText(p) : undefined);
  const read = (p: string) => changed.get(p) ?? before(p);
  // The rounds run without a pause: what fitsDocument reads (the editor's documents, the disk beside the file) holds.
  const fits = fitsDocumentMemo(entry);
  const { applied, notApplied } = fixInRounds({
    rules: allRules,
    path: entry.path,
    analysis: entry.analysis,
    read,
    changed,
    reanalyze: (text, previous) => analyzeAgain(allRules, previous, text, view, toEngineConfig(cfg)),
    choose: (fix, finding) => choose(fix, finding) && fits(fix),
  });
  for (const c of new Set(notApplied.map((n) => n.finding.code))) log(`fix-all: the ${c} fix on ${entry.path} was not applied: its finding was still there after it`);
  if (applied.length === 0) return undefined;
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  for (const [p, text] of changed) {
    if (text === undefined) continue;
    if (p !== entry.path) touched?.add(p);
    const uri = p === entry.path ? entry.uri : uriOf(p);
    const old = before(p);
    if (old === undefined) {
      documentChanges.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
      documentChanges.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text }] });
      continue;
    }
    if (old === text) continue;
    let start = 0;
    while (start < old.length && start < text.length && old.charCodeAt(start) === text.charCodeAt(start)) start++;
    let end = 0;
    while (end < old.length - start && end < text.length - start && old.charCodeAt(old.length - 1 - end) === text.charCodeAt(text.length - 1 - end)) end++;
    const lines = TextDocument.create(uri, '', 0, old);
    documentChanges.push({ textDocument: { uri, version: versionOf(uri) }, edits: [{ range: { start: lines.positionAt(start), end: lines.positionAt(old.length - end) }, newText: text.slice(start, text.length - end) }] });
  }
  if (documentChanges.length === 0) return undefined;
  return withEdit({ title, kind }, asClientEdit({ documentChanges }));
}

/** "Fix all CODE in this file": every fix of the code, in rounds (fixAllInRounds), safe or not, as the user asked for them. */
function fixAllOfCode(entry: EntryWithContext, code: string, title: string, touched?: Set<string>): Promise<CodeAction | undefined> {
  return fixAllInRounds(entry, title, CodeActionKind.QuickFix, (_fix, finding) => finding.code === code, touched);
}

/** What a lazily resolved "Fix all CODE in this file" carries: the analysis it was offered for. */
interface FixAllOfCode {
  resolve: 'fix-all-of-code';
  uri: string;
  version: number;
  code: string;
}

function isFixAllOfCode(data: unknown): data is FixAllOfCode {
  const d = data as Partial<FixAllOfCode> | null;
  return !!d && d.resolve === 'fix-all-of-code' && typeof d.uri === 'string' && typeof d.version === 'number' && typeof d.code === 'string';
}

/** What a lazily resolved `source.fixAll.docker-guardrails` carries: the document and the version it was offered for. */
interface LazyFixAll {
  resolve: 'fix-all';
  uri: string;
  version: number;
}

function isLazyFixAll(data: unknown): data is LazyFixAll {
  const d = data as Partial<LazyFixAll> | null;
  return !!d && d.resolve === 'fix-all' && typeof d.uri === 'string' && typeof d.version === 'number';
}

/**
 * `source.fixAll.docker-guardrails` without its edit, for a client that resolves edits (resolveFixAll computes it).
 * Computed for every request that admits it, the edit was every safe fix of the file applied in rounds (an analysis
 * each): the Source Action menu (`only: ["source"]`) and every save with editor.codeActionsOnSave paid for it, picked
 * or not (one password in 8,000 services: 6.1 s of server CPU and 824 KB per request). VS Code resolves an action
 * before it applies it, on save too: src/vs/editor/contrib/codeAction/browser/codeAction.ts, applyCodeAction, `await
 * item.resolve(token)` before `bulkEditService.apply(item.action.edit, …)`, which it calls for the light bulb, the
 * Source Action menu and editor.codeActionsOnSave (workbench/contrib/codeEditor/browser/saveParticipants.ts,
 * CodeActionOnSaveParticipant.applyOnSaveActions: `applyCodeAction(…, ApplyCodeActionReason.OnSave, …)`).
 * The command comes now, as for "Fix all CODE in this file" (VS Code takes only the edit from a resolve): it asks for the
 * secret files the resolved edit created, none when it created none. Telling now whether it will would take the fixes
 * of every finding.
 */
function lazyFixAll(entry: EntryWithContext): CodeAction {
  const data: LazyFixAll = { resolve: 'fix-all', uri: entry.uri, version: entry.version };
  return { title: FIX_ALL_TITLE, kind: FIX_ALL_KIND, data, command: { title: 'Make the created secret files readable by their owner only', command: RESTRICT_CREATED_COMMAND, arguments: [{ fixAllOf: resolveToken(data) }] } };
}

/**
 * codeAction/resolve of `source.fixAll.docker-guardrails` (lazyFixAll): the edit the eager path gives (fixAllInRounds),
 * from the analysis of the document as it is now. For the version it was offered for, that is the same analysis; after a
 * change (another codeActionsOnSave participant, an edit before the pick), the safe fixes of the new text, with its
 * version, as a new request would give (the action names no finding: "every safe fix of the file"), as resolveQuickFix
 * does for a quick fix. The action comes back without an edit when the file cannot be analyzed now, or nothing is left to fix.
 */
async function resolveFixAll(action: CodeAction, d: LazyFixAll, token: CancellationToken): Promise<CodeAction | ResponseError<void>> {
  const current = await currentEntry(d.uri, token);
  if (current === CANCELLED) return cancelledError();
  let entry = current;
  if (!entry) return action;
  const touched = new Set<string>();
  let all = await fixAllInRounds(entry, action.title, FIX_ALL_KIND, (fix) => fix.safe, touched);
  // As the request does: computed with the files beside the document as the disk holds them now (review 43b, item 4).
  if (await refreshIfStale(entry, touched)) {
    entry = await withFreshContext(entry);
    all = entry && (await fixAllInRounds(entry, action.title, FIX_ALL_KIND, (fix) => fix.safe));
  }
  if (!all?.edit) return action;
  const created = restrictCreatedCommand(all.edit)?.arguments?.[0] as string[] | undefined;
  if (created) rememberCreated(resolveToken(d), created);
  return { ...action, edit: all.edit };
}

/**
 * A quick fix's edit is left to codeAction/resolve (for a client that resolves edits) when it weighs at least this
 * much (editWeight: about the characters of its WorkspaceEdit as JSON). One secret written in every service of a
 * compose file (DC040, DC041) has a fix that rewrites every copy, and every copy has such a finding: a request for the
 * code actions of a selection over the file carried every copy's edit of every copy, quadratic in the copies (321 MB
 * of JSON for an 8,000-line file). The fixes of a few findings (a USER line, one move to .env: under 2,000) keep their
 * edit: one round trip less when one is picked, and the actions of `vscode.executeCodeActionProvider` (resolved only on
 * request) carry it. Measured (one password in N services of 4 lines, a client that resolves edits; README, Performance):
 * the actions of one finding, 121 KB / 238 KB / 472 KB / 1.9 MB for N = 500 / 1,000 / 2,000 / 8,000 before, 4.0 KB
 * for each N after (the server's CPU the same then; since, fixOf keeps each finding's fix with the analysis and DC040's
 * fixes make their list of every copy's edits only when read: one finding's actions 0.23 / 0.38 / 0.61 / 2.07 s of
 * server CPU on a new analysis and 0.12 / 0.07 / 0.14 / 0.76 s again → 0.17 / 0.29 / 0.41 / 1.22 s and 0.02 / 0.01 /
 * 0.01 / 0.03 s; source.fixAll 0.62 / 1.17 / 2.6 / 22.4 s → 0.62 / 1.05 / 1.46 / 4.7 s; test/menu-work.test.ts); of a
 * selection over every finding, 59.7 MB / 236 MB for N = 500 / 1,000 before (server CPU 0.54 / 1.8 s; for 2,000 the JSON
 * would pass V8's longest string), 1.0 / 2.0 / 4.0 / 16.2 MB for N = 500 / 1,000 / 2,000 / 8,000 after (0.13 / 0.21 /
 * 0.47 / 3.1 s). test/lsp.test.ts checks the growth.
 */
const LAZY_EDIT_WEIGHT = 8192;

/** About how many characters a fix's WorkspaceEdit takes as JSON, from its changes. */
function editWeight(fix: Fix): number {
  let n = 0;
  for (const c of fix.changes) n += 2 * c.path.length + 100 + (c.kind === 'create' ? c.content.length : c.edits.reduce((sum, e) => sum + e.newText.length + 90, 0));
  return n;
}

/** A finding's fix and its further fixes, those the document can take, as the quick-fix menu offers them. */
function fixesOf(entry: EntryWithContext, finding: Finding, fits: (fix: Fix) => boolean = (f) => fitsDocument(entry, f)): { fix: Fix | undefined; more: Fix[] } {
  const found = fixOf(entry, finding);
  const fix = found && fits(found) ? found : undefined;
  const more = moreFixesOf(entry, finding).filter(fits);
  return { fix, more };
}

/**
 * What a quick fix whose edit comes with codeAction/resolve carries: the analysis it was offered for and the finding, by
 * its index there and by what it is (code, a digest of its message, its range, and which of the findings of that code
 * and message it is), so that it is found again in a later analysis; `which`: the rule's fix (-1) or a further fix's
 * index. Nothing of the finding's text, no secret value: a digest.
 */
interface LazyQuickFix {
  resolve: 'quick-fix';
  uri: string;
  version: number;
  code: string;
  id: number;
  key: string;
  range: Range;
  nth: number;
  of: number;
  which: number;
  /** The fix's title as the rule wrote it (the action's may say where its finding is: distinguishTitles). */
  title: string;
}

function isLazyQuickFix(data: unknown): data is LazyQuickFix {
  const d = data as Partial<LazyQuickFix> | null;
  return !!d && d.resolve === 'quick-fix' && typeof d.uri === 'string' && typeof d.version === 'number' && typeof d.code === 'string' && Number.isInteger(d.id) && typeof d.key === 'string' && isPosition(d.range?.start) && isPosition(d.range?.end) && Number.isInteger(d.nth) && Number.isInteger(d.of) && Number.isInteger(d.which) && typeof d.title === 'string';
}

/** A digest of a finding's code and message: what it is about, without its text. */
function findingKey(f: Finding): string {
  return createHash('sha256').update(`${f.code}\0${f.message}`).digest('base64url').slice(0, 16);
}

function sameRange(a: Range, b: Range): boolean {
  return comparePos(a.start, b.start) === 0 && comparePos(a.end, b.end) === 0;
}

/** What identifies each finding of an analysis (LazyQuickFix), by finding; made once per analysis, as every finding of a selection may ask. */
const identities = new WeakMap<readonly Finding[], Map<Finding, { id: number; key: string; nth: number; like: Finding[] }>>();
function identityOf(findings: readonly Finding[], finding: Finding): { id: number; key: string; nth: number; like: Finding[] } | undefined {
  let table = identities.get(findings);
  if (!table) {
    table = new Map();
    const byKey = new Map<string, Finding[]>();
    findings.forEach((f, id) => {
      const key = findingKey(f);
      let like = byKey.get(key);
      if (!like) byKey.set(key, (like = []));
      table!.set(f, { id, key, nth: like.length, like });
      like.push(f);
    });
    identities.set(findings, table);
  }
  return table.get(finding);
}

/** The quick fix `fix` of `finding` without its edit, to be resolved (LazyQuickFix). */
function lazyQuickFix(entry: EntryWithContext, finding: Finding, which: number, fix: Fix, diags: Diagnostic[], preferred: boolean): CodeAction {
  const { id, key, nth, like } = identityOf(entry.analysis.findings, finding)!;
  const data: LazyQuickFix = { resolve: 'quick-fix', uri: entry.uri, version: entry.version, code: finding.code, id, key, range: finding.range, nth, of: like.length, which, title: fix.title };
  const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [...diags], isPreferred: preferred, data };
  // The command comes now (VS Code takes only the edit from a resolve): it asks the server for the secret files the
  // resolved edit created, as "Fix all CODE in this file" does.
  if (fix.changes.some((c) => c.kind === 'create' && isSensitivePath(c.path))) action.command = { title: 'Make the created secret files readable by their owner only', command: RESTRICT_CREATED_COMMAND, arguments: [{ fixAllOf: resolveToken(data) }] };
  return action;
}

/**
 * The finding a LazyQuickFix was offered for, in the entry's analysis: the same one when the analysis is of the same
 * version; after a change, the finding of the same code and message at the same range, else the nth of them when there
 * are as many as there were. Undefined when it is gone.
 */
function findingAgain(entry: EntryWithContext, d: LazyQuickFix): Finding | undefined {
  const findings = entry.analysis.findings;
  const at = findings[d.id];
  if (at && at.code === d.code && findingKey(at) === d.key && sameRange(at.range, d.range)) return at;
  const like = findings.filter((f) => f.code === d.code && identityOf(findings, f)!.key === d.key);
  return like.find((f) => sameRange(f.range, d.range)) ?? (like.length === d.of ? like[d.nth] : undefined);
}

/** The fix a LazyQuickFix stands for, computed again: undefined when its finding is gone or the fix is not the one offered (another title). */
function quickFixAgain(entry: EntryWithContext, d: LazyQuickFix, title: string): Fix | undefined {
  const finding = findingAgain(entry, d);
  if (!finding) return undefined;
  const { fix, more } = fixesOf(entry, finding);
  const again = d.which < 0 ? fix : more[d.which];
  return again && again.title === title ? again : undefined;
}

/**
 * codeAction/resolve of a quick fix offered without its edit (LazyQuickFix): the edit the eager path gives, from the
 * analysis of the document as it is now. For the version it was offered for, that is the same analysis; after a change
 * (another codeActionsOnSave participant, an edit before the pick), the same finding's same fix when it is still there,
 * with the positions and version of the new text; else the action comes back without an edit, and VS Code applies
 * nothing (editor/contrib/codeAction's applyCodeAction applies an edit only when the resolved action has one; LSP 3.17:
 * the resolve fills in the properties the client resolves lazily).
 */
async function resolveQuickFix(action: CodeAction, d: LazyQuickFix, token: CancellationToken): Promise<CodeAction | ResponseError<void>> {
  const current = await currentEntry(d.uri, token);
  if (current === CANCELLED) return cancelledError();
  let entry = current;
  if (!entry) return action;
  let fix = quickFixAgain(entry, d, d.title);
  if (!fix) return action;
  // As the request does: computed with the files beside the document as the disk holds them now (review 43b, item 4).
  if (await refreshIfStale(entry, fix.changes.map((c) => c.path))) {
    entry = await withFreshContext(entry);
    fix = entry && quickFixAgain(entry, d, d.title);
    if (!fix) return action;
  }
  const edit = workspaceEditFor(fix);
  const created = restrictCreatedCommand(edit)?.arguments?.[0] as string[] | undefined;
  if (created) rememberCreated(resolveToken(d), created);
  return { ...action, edit };
}

/**
 * codeAction/resolve: the edit of "Fix all CODE in this file" (below), of a quick fix offered without its edit
 * (resolveQuickFix) and of source.fixAll.docker-guardrails (resolveFixAll).
 *
 * "Fix all CODE in this file" names a code, not a finding: its edit is every fix of the code, from the analysis of the
 * document as it is now. For the version it was offered for, that is the same analysis; after a change between the
 * request and the pick (a keystroke, another codeActionsOnSave participant), the fixes of the code in the new text, with
 * its version, as a new request would give. It came back without an edit then, and the pick did nothing, silently: the
 * LSP (3.16+) leaves to the server what a resolve computes, and VS Code applies whatever edit the resolved action has
 * (editor/contrib/codeAction's applyCodeAction: `await item.resolve(token)`, then `bulkEditService.apply(item.action.edit)`
 * when there is one, nothing and no message when there is none), its TextDocumentEdit's version checked against the
 * document's. So the edit is made for the current version, as resolveFixAll and resolveQuickFix do. It comes back without
 * an edit only when the file cannot be analyzed now or no finding of the code is left to fix (nothing to do).
 */
connection.onCodeActionResolve(async (action: CodeAction, token): Promise<CodeAction | ResponseError<void>> => {
  if (isLazyQuickFix(action.data)) return resolveQuickFix(action, action.data, token);
  if (isLazyFixAll(action.data)) return resolveFixAll(action, action.data, token);
  if (!isFixAllOfCode(action.data)) return action;
  const { uri, code } = action.data;
  const current = await currentEntry(uri, token);
  if (current === CANCELLED) return cancelledError();
  let entry = current;
  if (!entry) return action;
  const touched = new Set<string>();
  let all = await fixAllOfCode(entry, code, action.title, touched);
  // Computed with the files beside the document as the disk holds them now (review 43b, item 4).
  if (await refreshIfStale(entry, touched)) {
    entry = await withFreshContext(entry);
    all = entry && (await fixAllOfCode(entry, code, action.title));
  }
  if (!all?.edit) return action;
  const created = restrictCreatedCommand(all.edit)?.arguments?.[0] as string[] | undefined;
  if (created) rememberCreated(resolveToken(action.data), created);
  return { ...action, edit: all.edit };
});

/**
 * The secret files the edits of resolved actions ("Fix all CODE in this file", a LazyQuickFix, a LazyFixAll) create, by action
 * (resolveToken), until the client asks (a few kept). The client's command names the action by `fixAllOf`.
 */
const createdByFixAll = new Map<string, string[]>();
function resolveToken(d: FixAllOfCode | LazyQuickFix | LazyFixAll): string {
  return JSON.stringify(d.resolve === 'quick-fix' ? [d.uri, d.version, d.code, d.id, d.which] : d.resolve === 'fix-all' ? [d.uri, d.version, FIX_ALL_KIND] : [d.uri, d.version, d.code]);
}
function rememberCreated(token: string, uris: string[]): void {
  createdByFixAll.delete(token);
  createdByFixAll.set(token, uris);
  if (createdByFixAll.size > 16) createdByFixAll.delete(createdByFixAll.keys().next().value as string);
}

/** The client's restrict command, given a resolved fix-all action: the secret files its edit created. */
connection.onRequest('dockerGuardrails/createdSecretFiles', (params: { fixAllOf?: unknown } | undefined): string[] => {
  const token = typeof params?.fixAllOf === 'string' ? params.fixAllOf : undefined;
  return (token && createdByFixAll.get(token)) || [];
});

connection.onHover(async (params, token): Promise<Hover | null | ResponseError<void>> => {
  if (typeof params?.textDocument?.uri !== 'string' || !isPosition(params.position)) return invalidParams('textDocument/hover needs textDocument.uri and a position');
  // The analysis of the document's current version, as for code actions (currentEntry): none when the document changed
  // again meanwhile (no finding of another version, at positions the document may not have now).
  const entry = await currentEntry(params.textDocument.uri, token);
  if (entry === CANCELLED) return cancelledError();
  if (!entry) return null;
  const pos = params.position;
  const here = entry.analysis.findings.filter((f) => comparePos(f.range.start, pos) <= 0 && comparePos(pos, f.range.end) <= 0);
  if (here.length === 0) return null;
  const parts = here.map((f) => {
    const rule = ruleByCode(f.code);
    const fix = fixFinding(allRules, entry.analysis.context, f);
    const why = rule ? ruleWhyLine(rule) : '';
    return [`**${f.code} ${f.name}** — ${f.message}`, why, fix ? `Quick fix: *${fix.title}*` : '', `[Documentation](${docsUrl(f.code)})`].filter(Boolean).join('\n\n');
  });
  // The range of the finding under the cursor (the innermost when several overlap), for the editor to highlight.
  const range = here.reduce((a, b) => (comparePos(b.range.start, a.range.start) >= 0 && comparePos(b.range.end, a.range.end) <= 0 ? b : a)).range;
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') }, range };
});

function comparePos(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}

/** The rule's documentation as Markdown, for the client's offline docs view. */
connection.onRequest('dockerGuardrails/ruleDocs', (params: { code: string }) => {
  const rule = ruleByCode(String(params?.code ?? '').toUpperCase());
  return rule ? { code: rule.code, markdown: renderRuleMarkdown(rule) } : null;
});

documents.listen(connection);
connection.listen();
