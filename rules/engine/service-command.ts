/**
 * A service's `command:` / `entrypoint:` as the container receives them, with document positions:
 * the string form is split shell-like (as Compose does, no shell runs), the list form is taken item by
 * item, and a shell wrapper (`sh -c "…"`, also split over entrypoint and command) is read as the
 * script's words. Values are interpolated with the compose file's `.env`; positions stay those of the
 * text as written so fixes can edit exactly.
 * https://docs.docker.com/reference/compose-file/services/#command
 */
import * as path from 'node:path';
import { type Node, type Scalar, type YAMLSeq } from 'yaml';
import { isAlias, isScalar, isSeq } from './yaml-guards';
import { scalarContentSpan, type ComposeContext, type Entry, type Service } from './compose';
import { interpolate } from './interpolate';
import { appendToSeqEdit } from './compose-insert';
import { parseShell, type MappedText, type SimpleCommand } from './shell';
import { builtinWords, shellUtility } from './script-structure';
import type { TextEdit } from './types';

export interface CommandArg {
  /** The argument as Compose passes it (quotes removed; interpolated with `.env`; null when a variable is unknown). */
  value: string | null;
  /** The argument before interpolation (quotes removed, `$$` kept). */
  raw: string;
  /** Document offsets of the argument as written (approximate when `exact` is false). */
  start: number;
  end: number;
  /** The offsets cover exactly the argument's characters (plainly written, no escapes or quotes inside). */
  exact: boolean;
}

export interface CommandValue {
  key: 'command' | 'entrypoint';
  entry: Entry;
  /** `string`: one scalar split shell-like; `block`/`flow`: a YAML sequence. */
  form: 'string' | 'block' | 'flow';
  node: Scalar | YAMLSeq;
  args: CommandArg[];
  /** Written in the service itself, not through an anchor, alias or merge: an edit changes only this service. */
  editable: boolean;
}

/** `command:` or `entrypoint:` of a service; undefined when absent, null when present but unreadable (e.g. a mapping). */
export function commandValue(ctx: ComposeContext, service: Service, key: 'command' | 'entrypoint'): CommandValue | null | undefined {
  // Once per service and key: the secret, password, Redis and data-store rules all read it, and each
  // read split the words and interpolated them again. Callers do not change it.
  return ctx.memo(service.map, key === 'command' ? 'commandValue' : 'entrypointValue', () => computeCommandValue(ctx, service, key));
}

function computeCommandValue(ctx: ComposeContext, service: Service, key: 'command' | 'entrypoint'): CommandValue | null | undefined {
  const entry = ctx.serviceGet(service, key);
  if (!entry) return undefined;
  const node = entry.value;
  if (!node) return null;
  const editable = entry.own && !entry.shared && !isAlias(entry.pair.value as Node) && !ctx.isShared(node);
  // The words depend only on the node: services that take the same command from an anchor share them.
  const words = ctx.memo(node, 'commandWords', () => commandWords(ctx, service.doc, node));
  if (!words) return null;
  return { key, entry, form: words.form, node: words.node, args: words.args, editable: editable && words.exact };
}

/** The words of a command node, split and interpolated as Compose does; null when it is not a command. */
function commandWords(ctx: ComposeContext, doc: Service['doc'], node: Node): { form: CommandValue['form']; node: CommandValue['node']; args: CommandArg[]; exact: boolean } | null {
  const dotenv = ctx.dotenv()?.values;
  const interp = (s: string) => interpolate(s, (n) => dotenv?.get(n)).value;
  if (isScalar(node)) {
    if (node.value === null || node.value === undefined) return null;
    const text = String(node.value);
    const span = scalarContentSpan(ctx.text, node);
    const r = node.range ?? [0, 0, 0];
    const offsets = mapOffsets(text, span, r[0], r[1]);
    const args: CommandArg[] = [];
    for (const cmd of parseShell({ text, offsets })) {
      for (const w of cmd.words) {
        args.push({ value: interp(w.value), raw: w.value, start: w.start, end: w.end, exact: span !== null && w.raw === w.value });
      }
    }
    return { form: 'string', node, args, exact: span !== null };
  }
  if (isSeq(node)) {
    const args: CommandArg[] = [];
    for (const item of node.items) {
      const n = ctx.resolve(doc, item as Node);
      if (!n || !isScalar(n)) return null;
      const raw = n.value === null || n.value === undefined ? '' : typeof n.value === 'string' ? n.value : (n.source ?? String(n.value));
      const span = scalarContentSpan(ctx.text, n);
      const r = n.range ?? [0, 0, 0];
      args.push({ value: interp(raw), raw, start: span ? span[0] : r[0], end: span ? span[1] : r[1], exact: span !== null && !isAlias(item as Node) });
    }
    return { form: node.flow ? 'flow' : 'block', node, args, exact: true };
  }
  return null;
}

function mapOffsets(text: string, span: [number, number] | null, start: number, end: number): ArrayLike<number> {
  const offsets = new Int32Array(text.length + 1);
  for (let k = 0; k <= text.length; k++) offsets[k] = span ? span[0] + k : Math.min(start + k, end);
  return offsets;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);

export interface EffectiveArgs {
  /** The words of the process that runs (after a shell wrapper is unwrapped), or null when unknown. */
  args: CommandArg[];
  /** The command came through a shell script (`sh -c`): positions are approximate, no exact edits. */
  viaShell: boolean;
  /** For a command of a shell script: the command as the shell reads it (`args` are its words from its program on). */
  command?: SimpleCommand;
}

/**
 * The words the container runs: entrypoint + command when they are set in the compose file, with a
 * `sh -c "script"` wrapper unwrapped into the script's commands (each returned separately). Returns
 * undefined when neither is set (the image's defaults apply) and null when unreadable.
 */
export function effectiveCommands(ctx: ComposeContext, service: Service): { entrypoint: CommandValue | undefined; command: CommandValue | undefined; runs: EffectiveArgs[] } | null | undefined {
  // Once per service: DC040 and DC041 both read it. Callers do not change it.
  return ctx.memo(service.map, 'effectiveCommands', () => commandRuns(commandValue(ctx, service, 'entrypoint'), commandValue(ctx, service, 'command')));
}

/** effectiveCommands for given `entrypoint:` and `command:` values (e.g. inherited through `extends:`). */
export function commandRuns(
  entrypoint: CommandValue | null | undefined,
  command: CommandValue | null | undefined,
): { entrypoint: CommandValue | undefined; command: CommandValue | undefined; runs: EffectiveArgs[] } | null | undefined {
  if (entrypoint === null || command === null) return null;
  if (!entrypoint && !command) return undefined;
  const words = [...(entrypoint?.args ?? []), ...(command?.args ?? [])];
  const first = words[0]?.value;
  if (first && SHELLS.has(path.posix.basename(first))) {
    const c = words.findIndex((w, i) => i > 0 && w.value !== null && /^-[a-z]*c[a-z]*$/.test(w.value));
    const script = c === -1 ? undefined : words[c + 1];
    if (!script) return { entrypoint, command, runs: [] };
    // The script is Compose-interpolated first (`$$` becomes `$`), then read by the shell. When a
    // variable is unknown, the written text is read instead: its words with a `$` are unknown either way.
    const text = script.value ?? script.raw;
    const offsets = new Int32Array(text.length + 1);
    for (let k = 0; k <= text.length; k++) offsets[k] = Math.min(script.start + k, script.end);
    const src: MappedText = { text, offsets };
    const runs: EffectiveArgs[] = parseShell(src).map((cmd) => ({
      viaShell: true,
      command: cmd,
      args: cmd.words.slice(Math.max(0, cmd.programIndex)).map((w) => ({ value: w.raw.includes('$') ? null : w.value, raw: w.raw, start: w.start, end: w.end, exact: false })),
    }));
    return { entrypoint, command, runs };
  }
  return { entrypoint, command, runs: [{ args: words, viaShell: false }] };
}

/**
 * An edit that appends arguments at the end of a `command:` written in the service: ` a b` at the end
 * of the string form (inside its quotes), new items in the list form quoted like its last item (flow
 * sequences quote plain items, since `{`/`}` would end them). Undefined when the command is not
 * editable exactly. `args` are given unquoted and must be plain words (no spaces or quotes).
 */
export function appendCommandArgsEdit(ctx: ComposeContext, cmd: CommandValue, args: readonly string[]): TextEdit | undefined {
  if (!cmd.editable || args.length === 0) return undefined;
  if (cmd.form === 'string') {
    const node = cmd.node as Scalar;
    const span = scalarContentSpan(ctx.text, node);
    if (!span || (node.type !== 'PLAIN' && node.type !== 'QUOTE_DOUBLE' && node.type !== 'QUOTE_SINGLE')) return undefined;
    const at = ctx.lines.positionAt(span[1]);
    return { range: { start: at, end: at }, newText: args.map((a) => ` ${a}`).join('') };
  }
  const seq = cmd.node as YAMLSeq;
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (!last || !isScalar(last)) return undefined;
  const quote = last.type === 'QUOTE_SINGLE' ? "'" : last.type === 'QUOTE_DOUBLE' || cmd.form === 'flow' ? '"' : '';
  let newText = '';
  let range: TextEdit['range'] | undefined;
  for (const a of args) {
    // `yes`/`no`/`on`/`off` read as booleans in YAML 1.1: quote them in plain lists too.
    const q = quote || (/^(?:yes|no|on|off|true|false|y|n|null|~)$/i.test(a) || /^[-\d.]+$/.test(a) && !a.startsWith('--') ? '"' : '');
    const e = appendToSeqEdit(ctx, seq, `${q}${a}${q}`);
    if (!e) return undefined;
    range = e.range;
    newText += e.newText;
  }
  return range ? { range, newText } : undefined;
}

/** The text of a new flow-list `command:` (`["redis-server", "--appendonly", "yes"]`). */
export function flowCommandText(words: readonly string[]): string {
  return `[${words.map((w) => JSON.stringify(w)).join(', ')}]`;
}

/**
 * A run's words from the program it runs on: for a command of a shell script, the utility it runs through POSIX
 * `command [-p] [--]` (shellUtility: "the same as omitting command"; not bash's `builtin`, which dash and BusyBox ash fail
 * with status 127), and past `exec`, which replaces the shell with its program (`exec redis-server …`, `command exec
 * redis-server …`: review 14, probe 11); all of them otherwise.
 */
export function programArgs(run: EffectiveArgs): CommandArg[] {
  const cmd = run.command;
  const u = cmd ? shellUtility(cmd) : undefined;
  if (!cmd || !u || u.viaBuiltin) return run.args;
  const words = builtinWords(cmd).words;
  const at = cmd.words.indexOf(u.name === 'exec' && words.length > 1 ? words[1] : words[0]) - cmd.programIndex;
  return at > 0 ? run.args.slice(at) : run.args;
}
