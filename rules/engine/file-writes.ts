/**
 * What a Dockerfile writes into files that tools read as configuration (pip's `pip.conf`, dnf's `dnf.conf`), for rules
 * that judge a command by the configuration it reads: a RUN's `echo`/`printf` redirected (`> f`, `>> f`) or piped into
 * `tee [-a] f`, `cat`/`tee` of a here-document (the shell's or BuildKit's), `rm`, other programs that change a file
 * in ways not read here (`cp`, `mv`, `sed -i`, `curl`…: content not known), and COPY/ADD of a here-document or of a
 * file of the build context, read there (contextCandidates, as DF015 and DF021 read sources; `--from`, a URL, a glob
 * or a file not found: content not known). Paths are read with `~`/`$HOME` (the RUN's HOME from ENV, else /root
 * under root) and ARG/ENV expanded; one with another variable is not known (null).
 */
import * as path from 'node:path';
import type { Heredoc, Run } from 'dockerfile-ast';
import type { DockerfileContext, RunInstruction, RunScript, Stage } from './dockerfile';
import { envValueAt } from './packages';
import { argWords, flagNamed, resolveAt, unquote, userAt } from './df-instructions';
import { contextCandidates, contextRelative } from './build-context';
import { baseName, outputRedirectTarget, type SimpleCommand, type Word } from './shell';
import { invocation } from './run-commands';
import { stageChain } from './stage-scope';

/**
 * A change to a file: its text written (`append`: added at its end; null: not known), or its removal; or, at a folder's
 * path (ending with `/`), a folder of the build context copied there whole (`source`, context-relative): see treeText.
 */
export type FileChange = { kind: 'text'; text: string | null; append: boolean } | { kind: 'remove' } | { kind: 'tree'; source: string };

/** A change to a file at a document offset of a stage; `path` null when it is not known (a variable). */
export interface FileWrite<C = FileChange> {
  stage: Stage;
  offset: number;
  path: string | null;
  change: C;
}

/**
 * The writes of `perStage` made before an instruction at `offset` of `stage` runs: those of the stages it builds on, then
 * those of its stage before the offset, in build order.
 */
export function writesBefore<W extends FileWrite<unknown>>(perStage: ReadonlyMap<Stage, readonly W[]>, stage: Stage, offset: number): W[] {
  const out: W[] = [];
  for (const s of stageChain(stage).reverse()) for (const e of perStage.get(s) ?? []) if (s !== stage || e.offset < offset) out.push(e);
  return out;
}

/** `echo` and `printf` output, when it is known; null when not (an option or escape read differently by dash and bash). */
function echoText(args: readonly Word[]): string | null {
  let k = 0;
  let escapes: boolean | null = null;
  let newline = true;
  for (; k < args.length && /^-[neE]+$/.test(args[k].value); k++) {
    const v = args[k].value;
    if (v.includes('n')) newline = false;
    if (v.includes('e')) escapes = true;
    if (v.includes('E')) escapes = false;
  }
  const words = args.slice(k).map((w) => w.value);
  if (words.some((w) => w.includes('$') || w.includes('`'))) return null;
  let text = words.join(' ');
  if (text.includes('\\')) {
    // dash's echo reads escapes always, bash's only with -e, BusyBox ash's with -e: without an option, not known.
    if (escapes === null) return null;
    if (escapes) {
      const read = unescape(text);
      if (read === null) return null;
      text = read;
    }
  }
  return newline ? `${text}\n` : text;
}

/** printf's backslash escapes that a configuration file would hold (`\n`, `\t`, `\\`); null for any other. */
function unescape(text: string): string | null {
  let bad = false;
  const out = text.replace(/\\(.)/gs, (_, c: string) => {
    if (c === 'n') return '\n';
    if (c === 't') return '\t';
    if (c === '\\') return '\\';
    if (c === 'r') return '\r';
    bad = true;
    return '';
  });
  return bad ? null : out;
}

/** What `printf FORMAT ARG…` writes when its format has no conversion but `%s` (and `%%`); null otherwise. */
function printfText(args: readonly Word[]): string | null {
  const values = args.map((w) => w.value);
  if (values.length === 0 || values.some((v) => v.includes('$') || v.includes('`'))) return null;
  const format = unescape(values[0]);
  if (format === null || /%(?!%|s)/.test(format)) return null;
  const rest = values.slice(1);
  const conversions = (format.match(/%s/g) ?? []).length;
  const once = (from: number) => {
    let n = from;
    return format.replace(/%%|%s/g, (m) => (m === '%%' ? '%' : (rest[n++] ?? '')));
  };
  // printf reuses the format until every argument is used.
  if (conversions === 0 || rest.length === 0) return once(0);
  let out = '';
  for (let from = 0; from < rest.length; from += conversions) out += once(from);
  return out;
}

/** The body of the here-document a command reads (`cat <<EOF > f`, `tee f <<EOF`): a shell's, or one of the RUN's. */
function hereDocOf(run: RunInstruction, cmd: SimpleCommand): string | null | undefined {
  if (cmd.hereDocs && cmd.hereDocs.length > 0) {
    const h = cmd.hereDocs.find((d) => d.fd === 0);
    if (!h) return undefined;
    return !h.quoted && /[$`]/.test(h.body.text) ? null : h.body.text;
  }
  const body = run.scripts.find((s) => s.heredoc && s.feeder === cmd);
  if (!body) return undefined;
  // Expanded by the shell unless its delimiter is quoted: a body with an expansion is not known either way.
  return /[$`]/.test(body.source.text) ? null : body.source.text;
}

/** What a command writes on its standard output, when known: echo, printf, or cat of a here-document. */
function outputOf(run: RunInstruction, cmd: SimpleCommand): string | null {
  const inv = invocation(cmd);
  if (!inv) return null;
  if (inv.name === 'echo') return echoText(inv.args);
  if (inv.name === 'printf') return printfText(inv.args);
  if (inv.name === 'cat' && inv.args.length === 0) return hereDocOf(run, cmd) ?? null;
  return null;
}

/** What `tee` reads: its here-document, else the output of the command piped into it. */
function teeInput(run: RunInstruction, script: RunScript, k: number): string | null {
  const cmd = script.commands[k];
  const own = hereDocOf(run, cmd);
  if (own !== undefined) return own;
  const before = script.commands[k - 1];
  return cmd.prev === '|' && before && before.next === '|' ? outputOf(run, before) : null;
}

/** Programs that change a file they name in ways not read here (copy, move, link, edit in place, download). */
const OTHER_WRITERS = new Set(['cp', 'mv', 'install', 'ln', 'sed', 'perl', 'curl', 'wget', 'rsync', 'dd', 'envsubst', 'crudini']);

/** The home a RUN's commands see (`~`, `$HOME`): HOME from ENV, else /root under root; null when not known. */
function runHome(ctx: DockerfileContext, run: RunInstruction, stage: Stage): string | null {
  const line = run.instruction.getRange().start.line;
  const h = envValueAt(ctx, stage, line, 'HOME');
  if (h !== undefined) {
    const v = h === null ? null : resolveAt(ctx, unquote(h), line);
    return v !== null && v.startsWith('/') ? v : null;
  }
  return userAt(ctx, stage, run.instruction) === 'root' ? '/root' : null;
}

/** A path as a command writes it, `~`/`$HOME` and ARG/ENV expanded; null when not known. */
function resolvePath(ctx: DockerfileContext, written: string, line: number, home: () => string | null): string | null {
  let v = written;
  const h = /^(?:~|\$HOME|\$\{HOME\})(?=\/|$)/.exec(v);
  if (h) {
    const dir = home();
    if (dir === null) return null;
    v = dir + v.slice(h[0].length);
  }
  const r = resolveAt(ctx, v, line);
  return r === null ? null : path.posix.normalize(r);
}

/** A word that may name a wanted file: it holds the part every wanted path has (`pip.conf`, `.conf`, a name). */
function mayName(value: string, needle: string): boolean {
  return value.includes(needle);
}

/**
 * Every change the Dockerfile's RUN, COPY and ADD instructions make to the files `wanted` accepts (ONBUILD triggers
 * aside), by stage, in document order. `needle` is a part of every path wanted: a word without it is not looked at.
 */
export function collectFileWrites(ctx: DockerfileContext, wanted: (p: string) => boolean, needle: string): Map<Stage, FileWrite[]> {
  const out = new Map<Stage, FileWrite[]>();
  const add = (stage: Stage, offset: number, p: string | null, change: FileChange) => {
    let list = out.get(stage);
    if (!list) out.set(stage, (list = []));
    list.push({ stage, offset, path: p, change });
  };
  // What RUN commands write: redirections, tee, rm, and other programs that change a file.
  for (const run of ctx.runs()) {
    const stage = run.stage;
    if (!stage || run.onbuild) continue;
    const line = run.instruction.getRange().start.line;
    let home: string | null | undefined;
    const lazyHome = () => (home === undefined ? (home = runHome(ctx, run, stage)) : home);
    const target = (written: string): string | null | false => {
      const p = resolvePath(ctx, written, line, lazyHome);
      if (p === null) return written.includes('$') || written.startsWith('~') ? null : false;
      return wanted(p) ? p : false;
    };
    for (const script of run.scripts) {
      if (!script.isShell) continue;
      script.commands.forEach((cmd, k) => {
        if (!cmd.words.some((w) => mayName(w.value, needle))) return;
        for (let i = 0; i < cmd.words.length; i++) {
          const t = outputRedirectTarget(cmd.words, i);
          if (t === null || t.startsWith('&') || !mayName(t, needle)) continue;
          const p = target(t);
          if (p === false) continue;
          add(stage, cmd.start, p, { kind: 'text', text: outputOf(run, cmd), append: /^\d*>>/.test(cmd.words[i].value) });
        }
        const inv = invocation(cmd);
        if (!inv) return;
        const operands = inv.args.filter((w) => !w.value.startsWith('-'));
        if (inv.name === 'tee') {
          const append = inv.args.some((w) => /^-[a-zA-Z]*a|^--append$/.test(w.value));
          for (const w of operands) {
            if (!mayName(w.value, needle)) continue;
            const p = target(w.value);
            if (p !== false) add(stage, cmd.start, p, { kind: 'text', text: teeInput(run, script, k), append });
          }
        } else if (inv.name === 'rm' || inv.name === 'unlink') {
          for (const w of operands) {
            const p = mayName(w.value, needle) ? target(w.value) : false;
            if (p !== false) add(stage, cmd.start, p, { kind: 'remove' });
          }
        } else if (OTHER_WRITERS.has(baseName(inv.name))) {
          const last = operands[operands.length - 1];
          for (const w of operands) {
            if (!mayName(w.value, needle)) continue;
            // `cp pip.conf /etc/`: the file lands in the folder named last.
            const named = target(w.value);
            if (named !== false) add(stage, cmd.start, named, { kind: 'text', text: null, append: false });
            if (last && w !== last && path.posix.basename(last.value) !== path.posix.basename(w.value)) {
              const into = target(`${last.value.replace(/\/+$/, '')}/${path.posix.basename(w.value)}`);
              if (into !== false) add(stage, cmd.start, into, { kind: 'text', text: null, append: false });
            }
          }
        }
      });
    }
  }
  // COPY and ADD: a here-document, a file of the build context, or a file not known (another stage, an image, a URL).
  for (const stage of ctx.stages) {
    for (const ins of stage.instructions) {
      const kw = ins.getKeyword();
      if (kw !== 'COPY' && kw !== 'ADD') continue;
      const words = argWords(ctx, ins);
      if (words.length < 2) continue;
      const line = ins.getRange().start.line;
      const dest = resolveAt(ctx, unquote(words[words.length - 1].value), line);
      const sources = words.slice(0, -1);
      const fromOther = flagNamed(ins, 'from') !== undefined;
      // A folder of the build context copied whole (`COPY etc/ /etc/`, `COPY . /`): its files are read where asked (treeText).
      if (!fromOther && dest !== null && dest.startsWith('/')) {
        for (const s of sources) {
          const name = unquote(s.value);
          if (!s.heredoc && !/[*?[$]/.test(name) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(name) && isContextFolder(ctx, name)) {
            add(stage, ctx.offsetAt(ins.getRange().start), `${path.posix.normalize(dest).replace(/\/+$/, '')}/`, { kind: 'tree', source: contextRelative(name).replace(/\/+$/, '') });
          }
        }
      }
      if (!words.some((w) => mayName(w.value, needle))) continue;
      const heredocs: Heredoc[] = typeof (ins as Run).getHeredocs === 'function' ? (ins as Run).getHeredocs() : [];
      for (const s of sources) {
        const name = s.heredoc ? s.value.replace(/^<<-?/, '').replace(/^(["'])(.*)\1$/, '$2') : unquote(s.value);
        const targets: (string | null)[] = [];
        if (dest === null || !dest.startsWith('/')) {
          // A relative or variable destination: a pip.conf copied there may be any file.
          if (mayName(name, needle) || (dest ?? '').includes(needle)) targets.push(null);
        } else {
          // A destination without a trailing `/` is the file, or a folder that is already there (`COPY pip.conf /etc`).
          const intoDir = dest.endsWith('/') || sources.length > 1;
          if (!intoDir) targets.push(path.posix.normalize(dest));
          if (intoDir || path.posix.basename(dest) !== path.posix.basename(name)) targets.push(path.posix.join(dest, path.posix.basename(name)));
        }
        for (const t of targets) {
          if (t !== null && !wanted(t)) continue;
          let text: string | null;
          if (s.heredoc) {
            const h = heredocs.find((d) => d.getName() === name);
            const c = h?.getContentRange();
            text = c ? ctx.text.slice(ctx.offsetAt(c.start), ctx.offsetAt(c.end)) : '';
            if (text.includes('$')) text = null;
          } else text = fromOther || /^[a-z][a-z0-9+.-]*:\/\//i.test(name) || /[*?[]/.test(name) || name.includes('$') ? null : contextText(ctx, name);
          add(stage, ctx.offsetAt(ins.getRange().start), t, { kind: 'text', text, append: false });
        }
      }
    }
  }
  for (const list of out.values()) list.sort((a, b) => a.offset - b.offset);
  return out;
}

/** Whether a COPY source names a folder of the build context (`.`, `etc/`, or a name a context lists as a folder). */
function isContextFolder(ctx: DockerfileContext, source: string): boolean {
  const rel = contextRelative(source);
  if (rel === '' || rel.endsWith('/')) return true;
  const contexts = contextCandidates(ctx);
  return contexts.dirs.some((d) => ctx.workspace.listDir?.(path.join(d, rel)) !== undefined);
}

/**
 * The text a folder copied whole (a `tree` change) gives the file at `rel` inside it: the file of the build context
 * (contextFile), undefined when the folder has none, null when that is not known.
 */
export function treeText(ctx: DockerfileContext, change: { source: string }, rel: string): string | null | undefined {
  return contextFile(ctx, change.source === '' ? rel : `${change.source}/${rel}`);
}

/** A file of the build context (the first folder that has it; each, and the same, when compose services name them), or null. */
function contextText(ctx: DockerfileContext, source: string): string | null {
  return contextFile(ctx, source) ?? null;
}

/** contextText, with undefined when no context has the file (null: not known, as when the contexts are not). */
function contextFile(ctx: DockerfileContext, source: string): string | null | undefined {
  const contexts = contextCandidates(ctx);
  const rel = contextRelative(source);
  if (contexts.unknown || rel === '' || rel.endsWith('/') || contexts.dirs.length === 0) return null;
  if (contexts.every) {
    const texts = contexts.dirs.map((d) => ctx.workspace.readText(path.join(d, rel)));
    return texts.every((t) => t === texts[0]) ? texts[0] : null;
  }
  for (const d of contexts.dirs) {
    const t = ctx.workspace.readText(path.join(d, rel));
    if (t !== undefined) return t;
  }
  return undefined;
}

