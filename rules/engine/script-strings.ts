/**
 * The quoted script of a shell a RUN command starts (`sh -c 'apt-get install curl'`, `bash -euxo
 * pipefail -c "…"`, `su -lc '…'`, through wrappers), read as a script of its own when its characters map
 * to the document one to one, so that rules can report inside it and edit it exactly. Read once per
 * parse (the RUN instructions of `ctx.runs()` are shared by every analysis of one parse).
 */
import { hereDocRunner, isHereDocShell, type RunInstruction, type RunScript } from './dockerfile';
import { invocation, shellProgramSource } from './run-commands';
import { functionDefinitions, setsPositional } from './script-structure';
import { backquoteEnd, baseName, commandSubstitutionEnd, offsetTable, parseShell, withoutLeadingTabs, wordsWithoutRedirections, type MappedText, type SimpleCommand, type Word } from './shell';

/** Shells whose `-c` argument is a script. */
const SCRIPT_SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);

/**
 * The script word a command hands to a shell: `sh -c 'WORD'`, `bash -euxc "WORD"`, `bash -o pipefail -c
 * 'WORD'`, `bash -euxo pipefail -c 'WORD'` (also through sudo, env, timeout…), `su [user] -c 'WORD'` or `su -lc 'WORD'`
 * (su runs it with the user's shell).
 */
function shellScriptWord(cmd: SimpleCommand): Word | undefined {
  const inv = invocation(cmd);
  if (!inv) return undefined;
  const args = inv.args;
  if (inv.name === 'su') {
    for (let k = 0; k < args.length; k++) {
      const v = args[k].value;
      if (v === '-c' || v === '--command') return args[k + 1];
      // A cluster of switches ending in c (`su -lc '…'`, `su -mc '…'`: util-linux su's -l, -m, -p, -f, -P take no value).
      if (/^-[lmpfP]+c$/.test(v)) return args[k + 1];
      if (v === '-s' || v === '--shell' || v === '-g' || v === '--group' || v === '-G' || v === '--supp-group' || v === '-w' || v === '--whitelist-environment') k++;
    }
    return undefined;
  }
  if (!SCRIPT_SHELLS.has(inv.name)) return undefined;
  const source = shellProgramSource(args.map((w) => w.value));
  return source.from === 'string' && source.index !== undefined ? args[source.index] : undefined;
}

/** Whether the command at `index` of a script is in a pipeline that starts with `yes`. */
export function pipedFromYesAt(script: RunScript, index: number): boolean {
  if (script.commands[index]?.prev !== '|') return false;
  let k = index - 1;
  while (k > 0 && script.commands[k].prev === '|') k--;
  const first = script.commands[k];
  return !!first && first.programIndex >= 0 && baseName(first.words[first.programIndex].value) === 'yes';
}

/**
 * The script of a shell the command starts (shellScriptWord), read as a script of its own whose
 * characters map to the document one to one: only a word that is one single-quoted string, or one
 * double-quoted string without `\` or backticks, and written on one line; otherwise none.
 */
function scriptInString(run: RunInstruction, outer: RunScript, index: number): RunScript | undefined {
  const cmd = outer.commands[index];
  const word = shellScriptWord(cmd);
  if (!word || word.end - word.start !== word.raw.length || word.raw.length < 2) return undefined;
  const q = word.raw[0];
  if ((q !== "'" && q !== '"') || word.raw[word.raw.length - 1] !== q) return undefined;
  const inner = word.raw.slice(1, -1);
  if (inner.includes(q) || (q === '"' && /[\\`]/.test(inner))) return undefined;
  // A shell given no operand after the string and `$0`'s name (`sh -c 'exec "$@"; …' sh`) has no positional parameter:
  // `"$@"` is empty there (POSIX sh: the operands after command_name are the positional parameters), and the script is
  // read. One given operands (`sh -c 'apt-get install -y "$@"' sh curl`) is read with them in place of its `"$@"`,
  // `$1`… (withOperands); one that reads them otherwise (`$#`, `${1:-x}`, `shift`) is not read: what it runs depends on
  // words outside it (review 38a, probe k02).
  const after = wordsWithoutRedirections(cmd.words.slice(cmd.words.indexOf(word) + 1));
  const shell = SCRIPT_SHELLS.has(invocation(cmd)?.name ?? '');
  const noArguments = shell && after.length <= 1;
  const readsArguments = READS_ARGUMENTS.test(inner) && !noArguments;
  if (readsArguments && !shell) return undefined;
  const offsets = offsetTable(inner.length + 1);
  for (let k = 0; k <= inner.length; k++) offsets[k] = word.start + 1 + k;
  const script = shellScript(run, { text: inner, offsets }, outer, index);
  if (readsArguments && !withOperands(script, after.slice(1))) return undefined;
  if (noArguments) script.noArguments = true;
  // The shell's commands read its standard input: `yes | sh -c '…'` answers them as `yes | apt-get …` does (probe k19).
  if (pipedFromYesAt(outer, index)) script.fedByYes = true;
  return script;
}

/** A script that reads the shell's arguments (`"$@"`, `$1`, `${#}`): what it runs depends on words outside it. */
const READS_ARGUMENTS = /\$(?:[@*#0-9]|\{[@*#0-9])/;

/**
 * A word that is only positional parameters a script string's shell is given (withOperands): `"$@"`, `${1+"$@"}`
 * (every operand, each one word), `"$1"`…`"$9"` (one), unquoted `$@`, `$*`, `$1`… (the same, split again, which leaves
 * an operand with no blank or pattern character as it is).
 */
const OPERAND_WORD = /^(?:"\$(?:(@)|\{(@)\}|([1-9])|\{([1-9])\})"|\$\{1:?\+"\$(@)"\}|\$(?:([@*])|\{([@*])\}|([1-9])|\{([1-9])\}))$/;

/**
 * Reads a script string's positional parameters from the operands its shell is given after `$0`'s name (`sh -c
 * 'apt-get install -y "$@"' sh curl`: POSIX sh, `sh -c command_string [command_name [argument...]]` sets "the
 * positional parameters ($1, $2, and so on) in sequence from the remaining argument operands"; bash's Invoking Bash,
 * -c: "the first argument is assigned to $0 and any remaining arguments are assigned to the positional parameters"):
 * each word that is only such a parameter (OPERAND_WORD) is replaced, in its command, by the operands' words as
 * written in the document (so a finding or an edit on an operand lands on it there). False, and the script is not
 * read, when it reads them in another way (`"$*"`, `$#`, `$0`, `${1:-x}`, inside a word: `pkg=$1`, in a
 * here-document), may change them (`shift`, `set --`, `getopts`), defines a function (whose body has its call's), or
 * an unquoted one would split or expand an operand differently (a blank or `*?[` in its value), or `"$N"` names no
 * operand (an empty word).
 */
function withOperands(script: RunScript, operands: readonly Word[]): boolean {
  const every = new RegExp(READS_ARGUMENTS.source, 'g');
  const uses = script.source.text.match(every)?.length ?? 0;
  if (functionDefinitions(script.commands).length > 0) return false;
  const replaced: { cmd: SimpleCommand; words: Word[] }[] = [];
  let found = 0;
  for (const cmd of script.commands) {
    const u = cmd.programIndex >= 0 ? cmd.words[cmd.programIndex].value : '';
    if (u === 'shift' || u === 'getopts' || setsPositional(cmd)) return false;
    if (!cmd.words.some((w) => READS_ARGUMENTS.test(w.raw))) continue;
    const words: Word[] = [];
    for (const [k, w] of cmd.words.entries()) {
      const m = READS_ARGUMENTS.test(w.raw) ? OPERAND_WORD.exec(w.raw) : null;
      if (!m) {
        if (READS_ARGUMENTS.test(w.raw)) return false;
        words.push(w);
        continue;
      }
      found += w.raw.match(every)?.length ?? 0;
      const all = m[1] ?? m[2] ?? m[5] ?? m[6] ?? m[7];
      const n = Number(m[3] ?? m[4] ?? m[8] ?? m[9]);
      const quoted = m[6] === undefined && m[7] === undefined && m[8] === undefined && m[9] === undefined;
      const these = all ? operands : operands.slice(n - 1, n);
      // Not before the program (`X="$1" cmd`), the program's name only when given one, `"$N"` only when set.
      if (k < cmd.programIndex || (k === cmd.programIndex && these.length === 0) || (!all && these.length !== 1)) return false;
      if (!quoted && these.some((o) => /[\s*?[]/.test(o.value))) return false;
      words.push(...these);
    }
    replaced.push({ cmd, words });
  }
  if (found !== uses) return false;
  for (const { cmd, words } of replaced) cmd.words = words;
  return true;
}

/** The script a shell started by command `hostIndex` of `outer` reads from `source` (a script string, a here-document). */
function shellScript(run: RunInstruction, source: MappedText, outer: RunScript, hostIndex: number): RunScript {
  return {
    instruction: run.instruction,
    isShell: true,
    source,
    commands: parseShell(source),
    json: false,
    heredoc: false,
    inString: true,
    host: { script: outer, index: hostIndex },
  };
}

/**
 * The here-document a shell reads as its script (`bash <<'EOS'`, `cat <<EOS | sh`, `sh -eux <<-EOS` inside a `RUN <<EOF`
 * script), read as a script of its own like a script string (POSIX sh reads standard input when given no operand and
 * no -c), the shell chosen as for a Dockerfile here-document (hereDocRunner); the script's host is the command that runs
 * the shell. Only a body that the shell reads as written: with a quoted delimiter (no expansion), or else without `\`
 * or backticks (as a double-quoted script string); not one that reads the shell's arguments (`"$@"`), and only when
 * its characters map to the document one to one. The body a command reads on standard input is its last `<<` without
 * an IO number (or with 0). Other here-documents are data (parseShell reads none of their lines as commands).
 */
function scriptInHereDoc(run: RunInstruction, outer: RunScript, index: number): RunScript | undefined {
  const docs = outer.commands[index].hereDocs;
  if (!docs) return undefined;
  const doc = docs.filter((d) => d.fd === 0).pop();
  if (!doc) return undefined;
  const { runner, runnerCmd, readsProgram } = hereDocRunner(outer.commands, index);
  if (!isHereDocShell(runner) || !readsProgram) return undefined;
  const { text } = doc.body;
  if (text.trim() === '' || !mapsOneToOne(doc.body)) return undefined;
  if (!doc.quoted && /[\\`]/.test(text)) return undefined;
  if (READS_ARGUMENTS.test(text)) return undefined;
  // `<<-`: the shell reads the lines without their leading tabs (POSIX XCU 2.7.4), so a here-document inside ends at a
  // tab-indented delimiter line (review54a F2).
  return shellScript(run, doc.stripTabs ? withoutLeadingTabs(doc.body) : doc.body, outer, outer.commands.indexOf(runnerCmd));
}

/**
 * Whether each character of a here-document's body is the next character of the document, but where a line starts: the
 * leading tabs a `RUN <<-EOF` body loses (withoutLeadingTabs) are no characters of the body.
 */
function mapsOneToOne(body: MappedText): boolean {
  const { text, offsets } = body;
  for (let k = 1; k <= text.length; k++) if (offsets[k] !== offsets[k - 1] + 1 && text.charCodeAt(k - 1) !== 0x0a) return false;
  return true;
}

/**
 * How deep strings are read: the strings of the RUN's own scripts, not a string inside a string
 * (`sh -c "bash -c '…'"`), as the package rules have read them since they first did.
 */
const STRING_DEPTH = 1;

/**
 * Text that may hold a shell's `-c` option (alone or in a cluster: `-c`, `-lc`, `-euxc`, `-cx`) or su's `--command`,
 * as written: a word that starts with `-` where a word starts (after a blank, or after the quotes, backslashes or `$`
 * that may open the word: `"-c"`, `\-c`, `""-c`, `$'-c'`), then letters up to a `c`, or `--com`; the quotes,
 * backslashes and line breaks the shell drops may stand between them (`-e"c"`, `--com'mand'`). Not an option's `-c`
 * inside a word (`--no-cache`, `--no-cache-dir`, `apt-cache`), which the reading never takes for one.
 */
const HAS_COMMAND_OPTION = /(?:^|[\s"'\\$])-(?:[A-Za-z"'\\$\r\n]*c|["'\\$\r\n]*-["'\\$\r\n]*c["'\\$\r\n]*o["'\\$\r\n]*m)/;

const stringsMemo = new WeakMap<RunInstruction, RunScript[]>();

/**
 * The script strings of a RUN (RunScript.inString, with RunScript.host), in document order: the quoted
 * script of each shell a command of its shell scripts starts, when scriptInString can read it.
 */
export function stringScriptsOf(run: RunInstruction): RunScript[] {
  const found = stringsMemo.get(run);
  if (found) return found;
  const out: RunScript[] = [];
  const read = (script: RunScript, depth: number) => {
    // A script string is the value of `-c` (alone or in a cluster: `-ec`, `su -lc`) or su's `--command`: a script
    // without either has none, and its commands need not be read (most RUNs).
    if (!script.isShell) return;
    // A here-document a shell reads (scriptInHereDoc) is read too: a script with neither needs no reading.
    const strings = HAS_COMMAND_OPTION.test(script.source.text);
    const hereDocs = script.source.text.includes('<<');
    if (!strings && !hereDocs) return;
    for (let k = 0; k < script.commands.length; k++) {
      const inner = (strings ? scriptInString(run, script, k) : undefined) ?? (hereDocs ? scriptInHereDoc(run, script, k) : undefined);
      if (!inner) continue;
      out.push(inner);
      if (depth + 1 < STRING_DEPTH) read(inner, depth + 1);
    }
  };
  for (const script of run.scripts) read(script, 0);
  stringsMemo.set(run, out);
  return out;
}

/** The script of the RUN a script string is written in (the script itself for one that is not a string). */
export function outermostScript(script: RunScript): RunScript {
  let s = script;
  while (s.host) s = s.host.script;
  return s;
}

const withStringsMemo = new WeakMap<RunScript, readonly SimpleCommand[]>();

/**
 * The commands of the RUN script a script belongs to (outermostScript) and of every script string in it,
 * in document order: for what is asked of a whole script, such as whether any command of it checks a
 * checksum (`sh -c 'curl -k -o f …' && sha256sum -c f.sha256`). The same array for every script of one family.
 */
export function commandsWithStrings(run: RunInstruction, script: RunScript): readonly SimpleCommand[] {
  const root = outermostScript(script);
  let found = withStringsMemo.get(root);
  if (found) return found;
  const strings = stringScriptsOf(run);
  if (!strings.some((s) => outermostScript(s) === root)) found = root.commands;
  else {
    const out: SimpleCommand[] = [];
    // The strings by the command that starts each: read once, not for every command.
    const byHost = new Map<SimpleCommand, RunScript[]>();
    for (const inner of strings) {
      if (!inner.host) continue;
      const host = inner.host.script.commands[inner.host.index];
      const list = byHost.get(host);
      if (list) list.push(inner);
      else byHost.set(host, [inner]);
    }
    const add = (s: RunScript) => {
      s.commands.forEach((cmd) => {
        out.push(cmd);
        for (const inner of byHost.get(cmd) ?? []) add(inner);
      });
    };
    add(root);
    found = out;
  }
  withStringsMemo.set(root, found);
  return found;
}

/**
 * The command substitutions written in a word as written (`raw`): `$(…)` and backquotes, not inside single quotes, nor
 * `$((…))` (arithmetic); `from`/`to` delimit the text inside. The reading stops at a substitution left open.
 */
export function substitutionSpans(raw: string): { from: number; to: number; backquote: boolean }[] {
  const out: { from: number; to: number; backquote: boolean }[] = [];
  if (!raw.includes('$(') && !raw.includes('`')) return out;
  let single = false;
  let double = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (single) {
      if (c === "'") single = false;
      continue;
    }
    if (c === '\\') i++;
    else if (c === "'" && !double) single = true;
    else if (c === '"') double = !double;
    else if ((c === '$' && raw[i + 1] === '(' && raw[i + 2] !== '(') || c === '`') {
      const end = c === '`' ? backquoteEnd(raw, i) : commandSubstitutionEnd(raw, i + 1);
      if (raw[end - 1] !== (c === '`' ? '`' : ')') || end - 1 <= i) break;
      out.push({ from: c === '`' ? i + 1 : i + 2, to: end - 1, backquote: c === '`' });
      i = end - 1;
    }
  }
  return out;
}

const substitutionsMemo = new WeakMap<RunInstruction, RunScript[]>();
const substitutionScripts = new WeakSet<RunScript>();

/**
 * The scripts of the command substitutions in the words of a RUN's shell scripts (`x=$(apt-get install -y curl)`,
 * `echo "$(apk add curl)"`, backquotes), in document order, each with the command whose word holds it as its host: the
 * shell runs it "in a subshell environment" when it expands that command's words, before the command runs (POSIX 2.6.3
 * Command Substitution), so an install there installs and a cleanup cleans, and its `exit` ends that subshell only
 * (POSIX exit). Only a substitution whose characters are the document's one to one (its word written on one line; a
 * backquoted one without `\`, which the shell reads differently there), so a finding and an edit land on what is
 * written; not one inside another, nor in a script string.
 */
export function substitutionScriptsOf(run: RunInstruction): RunScript[] {
  const found = substitutionsMemo.get(run);
  if (found) return found;
  const out: RunScript[] = [];
  for (const script of run.scripts) {
    if (!script.isShell || (!script.source.text.includes('$(') && !script.source.text.includes('`'))) continue;
    script.commands.forEach((cmd, index) => {
      for (const w of cmd.words) {
        if (w.end - w.start !== w.raw.length) continue;
        for (const span of substitutionSpans(w.raw)) {
          const text = w.raw.slice(span.from, span.to);
          if (text.trim() === '' || (span.backquote && text.includes('\\'))) continue;
          const offsets = offsetTable(text.length + 1);
          for (let k = 0; k <= text.length; k++) offsets[k] = w.start + span.from + k;
          const sub = shellScript(run, { text, offsets }, script, index);
          substitutionScripts.add(sub);
          out.push(sub);
        }
      }
    });
  }
  substitutionsMemo.set(run, out);
  return out;
}

/** Whether a script is that of a command substitution (substitutionScriptsOf). */
export function isSubstitution(script: RunScript): boolean {
  return substitutionScripts.has(script);
}
