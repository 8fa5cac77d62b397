import type { Instruction } from 'dockerfile-ast';
import { defineRule } from '../engine/rule';
import type { RunInstruction, Stage } from '../engine/dockerfile';
import { baseName, replacesBinSh } from '../engine/shell';
import { invocation } from '../engine/run-commands';
import { changesShellState, flagKey, joinable, joinAdjacentRuns, nonPosixShellAt, runAtLine } from '../engine/packages';
import { propertiesOf, shellsOf, stageChain } from '../engine/stage-scope';
import type { DockerfileContext } from '../engine/dockerfile';

interface Data {
  /** First line of the RUN this one follows. */
  previousLine: number;
  /** First line of this RUN. */
  line: number;
}

/** A RUN with more commands than this is taken as a deliberate, self-contained layer. */
const MAX_COMMANDS = 2;

function commandCount(run: RunInstruction): number {
  return run.scripts[0].commands.filter((c) => c.programIndex >= 0).length;
}

/** Whether a RUN defines a shell function (`f() { …; }`, `function f`): a command merged after it could call it. */
function definesFunction(run: RunInstruction): boolean {
  return run.scripts[0].commands.some((c) => c.next === '(' || (c.programIndex >= 0 && c.words[c.programIndex].value === 'function'));
}

/** A program or package name without its version: `pip3` → `pip`, `npm@10` → `npm`, `python3.12` → `python`. */
/**
 * Whether each RUN's shell reads startup files when it starts, before the first command runs: the
 * SHELL in effect at the RUN is a login or interactive shell (`bash -l`, `--login`, `-i`: it reads
 * /etc/profile and ~/.profile, or ~/.bashrc) or zsh (~/.zshenv, always), or an ENV or ARG BASH_ENV
 * is declared (bash reads that file when it starts non-interactively). A RUN that writes such a file (nvm's installer into $BASH_ENV,
 * rustup into ~/.profile) is read by the next RUN's new shell; merged, the one shell read the files
 * before the first command wrote them (review 13, probes df-01 and df-02; bash(1), INVOCATION).
 */
/**
 * The first line from which an ENV or ARG BASH_ENV is declared for a stage's instructions: -1 when a stage
 * it builds on declares it, Infinity when none does. Once per stage (asked for every pair of RUNs).
 */
function bashEnvFrom(stage: Stage): number {
  let from = bashEnvLines.get(stage);
  if (from === undefined) {
    from = Infinity;
    for (const s of stageChain(stage).reverse()) {
      for (const ins of s.instructions) {
        const keyword = ins.getKeyword();
        if ((keyword === 'ENV' || keyword === 'ARG') && propertiesOf(ins).some((p) => p.getName() === 'BASH_ENV')) {
          from = s === stage ? Math.min(from, ins.getRange().start.line) : -1;
          break;
        }
      }
      if (from === -1) break;
    }
    bashEnvLines.set(stage, from);
  }
  return from;
}

const bashEnvLines = new WeakMap<Stage, number>();

function readsStartupFiles(ctx: DockerfileContext, run: RunInstruction): boolean {
  const stage = run.stage;
  if (!stage) return false;
  const line = run.instruction.getRange().start.line;
  const bashEnv = bashEnvFrom(stage) < line;
  const shell = shellsOf(ctx, stage).get(run.instruction) ?? null;
  if (bashEnv) return true; // an ARG is in RUN's environment too (review 14, probe 07)
  if (shell === null) return false;
  // `/usr/bin/env zsh -c`: the program is the word after env (review 15, probe 07).
  const args = baseName(shell[0] ?? '') === 'env' ? shell.slice(1) : shell;
  // Only the POSIX shells that read nothing when started with -c are known: zsh reads ~/.zshenv at every
  // start (zsh(1), STARTUP/SHUTDOWN FILES; review 14, probe 08), fish its config.fish, csh ~/.cshrc; others are not known.
  if (!NO_STARTUP_FILES.has(baseName(args[0] ?? '').toLowerCase())) return true;
  return args.slice(1).some((a) => a === '--login' || /^-[A-Za-z]*[il][A-Za-z]*$/.test(a));
}

/** Shells that read no startup file when they run a `-c` script non-interactively, without a login flag (bash: without BASH_ENV). */
const NO_STARTUP_FILES = new Set(['sh', 'bash', 'dash', 'ash', 'busybox']);

function unversioned(name: string): string {
  return baseName(name)
    .toLowerCase()
    .replace(/(?:[@=<>~!].*|[\d.]+)$/, '');
}

/** Tools that install or switch the version of a program already on PATH (`n lts`, `corepack enable`, `pyenv global 3.12`). */
const VERSION_MANAGERS = /^(?:n|nvm|fnm|volta|corepack|pyenv|rbenv|rustup|asdf|sdk|mise|update-alternatives)$/;

/**
 * Whether the first RUN may install a new copy of a program it runs and the second runs again: it
 * names that program as an argument (`pip3 install --upgrade pip`, `npm install -g npm@10`, also
 * through `sudo`), or runs a version manager (`npm install -g n && n lts`, then `npm ci`). A shell
 * remembers where it found each program it ran (dash's and bash's command hash), so in one merged RUN
 * the second command would still run the old copy, while its own RUN, a new shell, finds the new one
 * (pip's `ImportError: cannot import name 'main'` after upgrading Ubuntu's pip: pypa/pip#5240, #7315).
 * The second RUN's use is read in its text, `$(…)` included (review 7, probe 03).
 */
function reinstallsAProgramUsedAfter(first: RunInstruction, second: RunInstruction): boolean {
  const ran = new Set<string>();
  const named = new Set<string>();
  let manager = false;
  for (const cmd of first.scripts[0].commands) {
    if (cmd.programIndex < 0) continue;
    const inv = invocation(cmd);
    const name = inv?.name ?? cmd.words[cmd.programIndex].value;
    ran.add(name);
    if (VERSION_MANAGERS.test(baseName(name))) manager = true;
    for (const w of inv?.args ?? cmd.words.slice(cmd.programIndex + 1)) if (!w.value.startsWith('-')) named.add(unversioned(w.value));
  }
  const text = second.scripts[0].source.text;
  return [...ran].some((program) => (manager || named.has(unversioned(program))) && new RegExp(`(?:^|[\\s;&|(\`])${program.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s;&|)])`).test(text));
}

export default defineRule<'dockerfile', Data>({
  code: 'DF039',
  name: 'consecutive-run',
  kind: 'dockerfile',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: 'A RUN directly follows a RUN of the same stage that it could be joined with into one layer.',
    what: 'Flags a RUN that directly follows another RUN of the same stage (comments and blank lines between do not count as instructions) when the two could be one layer: both shell form, neither with a heredoc, and the same `--mount`/`--network`/`--security` flags. RUNs with different flags, exec-form (JSON) RUNs, heredoc RUNs and ONBUILD triggers are left alone, and so is a pair where either RUN runs more than two commands (hadolint DL3059 stops one command earlier: it skips a pair where either RUN chains two commands, so `RUN foo && bar` + `RUN foobar` is reported here and not by hadolint — two short commands are still worth one layer): such a RUN (`set -eux; apt-get update; …; rm -rf …`) is a deliberate, self-contained layer, and merging into or onto it would only cost cache granularity. Reported on the second RUN of each pair. Consequence of that threshold: once merges make a RUN longer than two commands, the RUN after it is no longer reported. Fix-all (`check --fix`) applies the merges of every reported pair of the file at once, so a run of consecutive short RUNs (each reported against the one before it) becomes one RUN, as merging them by hand would; applying the quick fixes one at a time stops earlier, at the threshold.',
    why: 'Every RUN adds a layer. Files a later RUN deletes still ship in the earlier layer, and each layer is one more to pull, store and scan. Joining consecutive RUNs keeps cleanup in the same layer as what it cleans and the image smaller. SECURITY-GUIDELINES.md §6 "Minimize layers – reduce attack surface".',
    whySummary: 'Each RUN is a layer: files a later RUN deletes still ship in the earlier one, and every layer is one more to pull, store and scan, so joining consecutive RUNs keeps cleanup in the layer it cleans and the image smaller.',
    bad: 'FROM debian:12-slim\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\nRUN rm -rf /var/lib/apt/lists/*',
    good: 'FROM debian:12-slim\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*',
    fix: '"Merge with the previous RUN" turns `RUN a` + `RUN b` into `RUN a \\` / `    && b`, using the continuation style the RUNs already use (leading or trailing `&&`, their indentation; otherwise a leading `&&` indented by four spaces) and the file\'s escape character and line endings; comment lines between stay inside the continued RUN, blank lines go; not offered when a `# hadolint ignore=…` (or `shell=`) pragma stands between them, since it applies to the instruction below it and inside the merged RUN it would apply to nothing. When the second RUN is more than one and-list at its top level (`set -eux; adduser …`, `test -f x || echo missing`, a background `&`, parentheses; read with the shell parser, so operators inside quotes and `$(…)` do not count), `a && b` would attach `a` to the first and-list only (`a && set -eux; adduser` is `(a && set -eux); adduser`, and a failing `a` no longer fails the build), so the merge is written `RUN a || exit; \\` / `    b` instead: a failing `a` ends the shell with its own status, and `b` stays the same top-level list it was in its own RUN, so its `set -e` and any command later appended to it behave as before. (Wrapping `b` as `a && { b; }` was not chosen: `set -e` inside a group is ignored as soon as something is appended after it with `&&`, which other fixes do.) Not offered when the first RUN ends with a comment, a `;` or a background `&`, when its shell text does not terminate (an open quote, `$(`, `if`, `case` or loop), or under a non-POSIX shell: a SHELL of PowerShell or cmd (in the stage or a stage it builds on), or, with no SHELL, a Windows base image, whose default shell is `cmd /S /C` (cmd reads `;` as a separator of arguments, so `a || exit; b` would skip `b` whenever `a` succeeds). Not offered either when the first RUN has an unconditional `exit`, `exec` with a program or `return` at its top level (the joined commands would never run), or ends its last list with one behind `&&` (`… && exit 0`, `… && { …; exit 0; }`), or has any other that may end the shell with success (`… || exit 0`, `if …; then exit 0; fi`: on that path the joined commands would not run, where in their own RUN they did), or when errexit may be on in it (a SHELL with `-e`, a `set`) and its last command is a compound command, `eval`, `.`/`source` or a call of a function it defines: before `&&` or `||` errexit is ignored inside them (bash\'s The Set Builtin), so under `SHELL ["/bin/bash", "-e", "-c"]` `RUN { false; true; }` fails its build and `{ false; true; } && b` does not. Safe when the first RUN does not change shell state; when it does (`cd`, `export`, `set`, `source`, an assignment, `exit`, a function definition, also through `command`: `command umask 0077`), the second command would run in that changed state (after `set -e` in the first RUN, the second also runs under it), so the fix is a single quick fix only; likewise when the first RUN may install a new copy of a program the second runs (it runs that program and names it as an argument: `pip3 install --upgrade pip` before `pip3 install …`, `npm install -g npm@10` before `npm ci`, also through `sudo`; or it runs a version manager, `npm install -g n && n lts` before `npm ci`; the second RUN\'s use is read in its text, `$(pip3 --version)` included), since a shell keeps running the copy it found first (its command hash: after `pip3 install --upgrade pip` on Ubuntu the merged step would run the old `/usr/bin/pip3`, which then fails with `ImportError: cannot import name \'main\'`, pypa/pip#5240), where a RUN of its own, a new shell, finds the new one; and when the first RUN points /bin/sh at another shell (`ln -sf /bin/bash /bin/sh`, `dpkg-reconfigure dash`): the second RUN ran under the new shell, the merged script would run under the old one (valheim-server-docker\'s `[[ … ]]` after it); and when each RUN\'s shell reads startup files as it starts — a login or interactive SHELL (`["/bin/bash", "-l", "-c"]`, `--login`, `-i`) or a SHELL other than sh, bash, dash or ash (zsh reads `~/.zshenv` at every start, fish its `config.fish`; also through `/usr/bin/env`), or an `ENV` or `ARG BASH_ENV` in the stage (bash(1), INVOCATION; zsh(1), STARTUP FILES): a first RUN that writes them (nvm\'s documented Docker install appends to `$BASH_ENV`, rustup to `~/.profile`) is read by the second RUN\'s new shell, while the merged shell read them before the first command ran (`nvm: command not found`).',
    guideline: '§6 Image Build Security — "Minimize layers"',
    equivalents: ['hadolint DL3059 (multiple consecutive RUN instructions, consider consolidation)'],
    references: ['https://github.com/hadolint/hadolint/wiki/DL3059', 'https://docs.docker.com/build/building/best-practices/#run', 'https://docs.docker.com/build/guide/layers/', 'https://www.gnu.org/software/bash/manual/html_node/The-Set-Builtin.html'],
  },
  check(ctx) {
    const out = [];
    const byInstruction = new Map<Instruction, RunInstruction>();
    for (const r of ctx.runs()) if (!r.onbuild) byInstruction.set(r.instruction, r);
    for (const stage of ctx.stages) {
      for (let k = 1; k < stage.instructions.length; k++) {
        const a = byInstruction.get(stage.instructions[k - 1]);
        const b = byInstruction.get(stage.instructions[k]);
        if (!a || !b || !joinable(a) || !joinable(b)) continue;
        // A RUN of more than two commands is a deliberate layer of its own (hadolint's DL3059 already at two: documented).
        const ca = commandCount(a);
        const cb = commandCount(b);
        if (ca === 0 || cb === 0 || ca > MAX_COMMANDS || cb > MAX_COMMANDS) continue;
        if (flagKey(a) !== flagKey(b)) continue;
        const start = b.instruction.getRange().start;
        out.push({
          range: { start, end: { line: start.line, character: ctx.lines.lineText(start.line).length } },
          data: { previousLine: a.instruction.getRange().start.line, line: start.line },
        });
      }
    }
    return out;
  },
  message() {
    return 'This RUN directly follows another short RUN of the same stage and adds a layer of its own; merge the two into one RUN.';
  },
  fix(ctx, { data }) {
    const first = runAtLine(ctx, data.previousLine);
    const second = runAtLine(ctx, data.line);
    if (!first || !second || nonPosixShellAt(second.stage, data.line)) return undefined;
    // `a && b` when b is one and-list; otherwise `a || exit; b`, which keeps b's list as it was.
    const edits = joinAdjacentRuns(ctx, first, second);
    if (!edits) return undefined;
    // A first RUN that points /bin/sh at bash: the second ran under bash, the merged script would not (review 10, probe df-05).
    const firstText = ctx.text.slice(ctx.offsetAt(first.instruction.getRange().start), ctx.offsetAt(first.instruction.getRange().end));
    const safe = !changesShellState(first) && !definesFunction(first) && !reinstallsAProgramUsedAfter(first, second) && !replacesBinSh(firstText) && !readsStartupFiles(ctx, second);
    return { title: 'Merge with the previous RUN', safe, changes: [{ kind: 'edit', path: ctx.path, edits }] };
  },
});
