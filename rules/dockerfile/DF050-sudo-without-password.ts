import { defineRule } from '../engine/rule';
import { baseName, outputRedirectTarget, programName, type SimpleCommand, type Word } from '../engine/shell';
import { copySourceOnlyStages } from '../engine/df-instructions';
import { invocation } from '../engine/run-commands';
import type { Range } from '../engine/types';
import type { Instruction } from 'dockerfile-ast';
import type { RunInstruction, RunScript, Stage } from '../engine/dockerfile';
import { shellsOf } from '../engine/stage-scope';

interface Data {
  /** Who the grant is for, as written: a user (`app`, `${USERNAME}`) or a group (`%sudo`). */
  grantee: string;
  /** The commands it allows, as written (`ALL`, `/usr/bin/mount, /bin/chown`). */
  commands: string;
  /** Whether it allows every command. */
  all: boolean;
  /** The Dockerfile is a dev container's (`.devcontainer/`): an image for a developer's editor, not one to ship. */
  devcontainer: boolean;
}

/**
 * The programs a grant's command list names, for the message: each command of the list (sudoers(5):
 * a Cmnd_List is separated by commas) by its path alone, `…` standing for its arguments — which may
 * carry a secret (`/usr/local/bin/rotate --token=…`, `mysqldump -p…`: review 39a, item 2) and are never
 * quoted. Long lists are cut after three commands.
 */
function commandPrograms(commands: string): string {
  const list = commands.split(/(?<!\\),/).map((c) => c.trim()).filter((c) => c.length > 0);
  const named = list.slice(0, 3).map((c) => {
    const [program, ...args] = c.split(/\s+/);
    return args.length > 0 ? `${program} …` : program;
  });
  return named.join(', ') + (list.length > 3 ? `, and ${list.length - 3} more` : '');
}

/** `/etc/sudoers` or a file under `/etc/sudoers.d/`: where sudo reads its grants. */
const SUDOERS_PATH = /^\/etc\/sudoers(?:\.d\/.+)?$/;

/** A file sudo reads grants from: `/etc/sudoers`, or a file of `/etc/sudoers.d/` whose name has no `.` and does not end in `~`, which sudo skips (sudoers(5), #includedir; review 22, probe 09). */
function readBySudo(p: string): boolean {
  return SUDOERS_PATH.test(p) && !/^\/etc\/sudoers\.d\/(?:.*\.|.*~$)/.test(p);
}

/**
 * A sudoers grant without a password (sudoers(5): `user host = (runas) NOPASSWD: commands`; other tags
 * such as `SETENV:` may come before it). Group 1 is the grantee, group 2 the users it may run as
 * (`(ALL:ALL)`, `(root)`), group 3 the commands.
 */
const NOPASSWD_GRANT = /(?:^|\s|\/)([^\s/#]+)\s+[^\s=]+\s*=\s*(?:\(([^)]*)\)\s*)?(?:[A-Z_]+\s*:\s*)*?NOPASSWD\s*:\s*([^\n'"]*?)\s*(?=$|\n|\\n|['"/]\s*$)/;

/** The words of a pipeline (`echo … | tee -a /etc/sudoers`) that starts at `commands[i]`, and its commands with their programs. */
/** A word that names NOPASSWD (one function for every pipeline: the test runs on each word of every RUN). */
const mentionsNopasswd = (w: Word) => w.value.includes('NOPASSWD');

function pipelineAt(commands: readonly SimpleCommand[], i: number): { words: Word[]; programs: { cmd: SimpleCommand; name: string }[] } {
  const words: Word[] = [];
  const programs: { cmd: SimpleCommand; name: string }[] = [];
  let k = i;
  for (; k < commands.length; k++) {
    const cmd = commands[k];
    words.push(...cmd.words);
    // The program run, also through sudo or env (`… | sudo tee -a /etc/sudoers`: review 7, probe 10).
    programs.push({ cmd, name: invocation(cmd)?.name ?? programName(cmd) });
    if (cmd.next !== '|') break;
  }
  return { words, programs };
}

/** Whether a pipeline writes to a sudoers file: redirects there (`>> /etc/sudoers`), or tees or edits it in place (`tee`, `sed -i`). */
function writesSudoers(words: readonly Word[], programs: readonly { cmd: SimpleCommand; name: string }[], bash: boolean): boolean {
  // bash's `&>`/`&>>` write standard output too; under dash `&` ends the command (outputRedirectTarget).
  for (let k = 0; k < words.length; k++) if (readBySudo(outputRedirectTarget(words, k, bash) ?? '')) return true;
  for (const { cmd, name } of programs) {
    const program = baseName(name);
    if (program !== 'tee' && program !== 'sed' && program !== 'perl') continue;
    const args = cmd.words.slice(cmd.programIndex + 1).map((w) => w.value);
    if (program !== 'tee' && !args.some((a) => /^-[A-Za-z]*i/.test(a) || a.startsWith('--in-place'))) continue;
    if (args.some((a) => readBySudo(a))) return true;
  }
  return false;
}

/** Whether a grant's run-as list (`ALL`, `ALL:ALL`, `root`; absent means root) lets it run commands as root. */
function runsAsRoot(runAs: string | undefined): boolean {
  if (runAs === undefined) return true;
  const users = runAs.split(':')[0].split(',').map((u) => u.trim());
  return users.some((u) => u === '' || /^(?:ALL|root|#0)$/.test(u));
}

/** The replacement parts of sed `s` commands in a script (`s/a/b/g` → `b`), joined by line breaks. */
function sedReplacements(script: string): string {
  const out: string[] = [];
  const re = /(?:^|[\s;{'"])s(.)((?:\\.|(?!\1).)*)\1((?:\\.|(?!\1).)*)\1/g;
  for (let m = re.exec(script); m; m = re.exec(script)) out.push(m[3]);
  return out.join('\n');
}

export default defineRule<'dockerfile', Data>({
  code: 'DF050',
  name: 'sudo-without-password',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'never',
  docs: {
    summary: 'A RUN writes a passwordless (`NOPASSWD`) sudo grant into `/etc/sudoers` or `/etc/sudoers.d/`.',
    what: 'Flags a RUN (or ONBUILD RUN) that writes a passwordless sudo grant into `/etc/sudoers` or a file under `/etc/sudoers.d/`: a `NOPASSWD:` line echoed or printed there (`>`, `>>`, `tee`, also `sudo tee`; `&>`/`&>>` when bash (or zsh, which reads them alike) runs the script — the RUN\'s SHELL, or for a heredoc the program its marker feeds it to (`RUN bash <<EOF`, `cat <<EOF | bash`, `/usr/bin/env -u HOME bash <<EOF`, `sudo -E bash <<EOF`; each heredoc its own) or its `#!/bin/bash` (also `#!/usr/bin/env -S bash`) line; under `/bin/sh`, dash ends the command at `&`), or put in place with `sed -i`, or the body of a heredoc that `cat` or `tee` writes there (`cat <<EOF > /etc/sudoers.d/app`, `cat <<EOF | sudo tee -a /etc/sudoers`, `sudo tee /etc/sudoers.d/app <<EOF`; each body by its own marker). A file of `/etc/sudoers.d/` whose name has a `.` or ends in `~` is skipped by sudo and not judged. Only what is written counts: the replacement of a `sed` command (`s/NOPASSWD: ALL/ALL/` takes a grant away), not a commented-out line. A grant to root itself is not reported, nor one that runs commands only as other users (`app ALL=(app) NOPASSWD: ALL`), nor one in a builder stage whose layers reach no image (only files copied out of it). In a dev container\'s Dockerfile (under `.devcontainer/`) it is reported as info: an image for a developer\'s editor, where sudo for the developer is the point.',
    why: 'Running as a non-root USER is what keeps a compromised process in the container from being root. A `NOPASSWD: ALL` grant hands that back: any code that runs as the user, an exploited web handler or a malicious dependency, runs `sudo sh` and is root, with no password to guess. A grant for named commands is rarely narrower: root with arguments of the caller\'s choosing, `chown` on `/etc/shadow`, `mount` of a filesystem with a setuid binary, a package manager\'s install hooks, an editor\'s shell escape, each leads to a root shell. SECURITY-GUIDELINES.md §2 Container Runtime Security — "Run as Non-root User"; the Security Checklist\'s "Non-root user in Dockerfile" means a user that cannot become root again.',
    whySummary: 'A passwordless sudo grant undoes the non-root USER: any code that runs as the user, an exploited web handler or a malicious dependency, runs `sudo sh` and is root.',
    bad: 'FROM debian:trixie-slim\nRUN apt-get update && apt-get install -y --no-install-recommends sudo \\\n && useradd -m app \\\n && echo "app ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/app\nUSER app\nCMD ["./server"]',
    good: 'FROM debian:trixie-slim\n# the root work happens here, before USER; the image has no sudo\nRUN useradd -m app && mkdir /data && chown app /data\nUSER app\nCMD ["./server"]',
    fix: 'No automatic fix: the image may rely on the grant (an entrypoint that runs `sudo` to fix permissions or start a daemon), and removing it would break that at run time. Move the root work to build steps before `USER` (or to an entrypoint that starts as root and drops to the user with `setpriv`/`gosu`), then remove the grant and, if nothing else uses it, the sudo package.',
    guideline: '§2 Container Runtime Security — "Run as Non-root User"; Security Checklist — "Non-root user in Dockerfile"',
    equivalents: ['No Dockerfile linter checks the grant itself: hadolint DL3004, Trivy DS-0010, Checkov CKV2_DOCKER_1 and KICS "Run Using Sudo" flag a RUN that calls sudo (DF011 here), not a grant that lets the running container use it', 'CIS Docker Benchmark v1.6.0 4.1 ("Ensure that a user for the container has been created") asks for a non-root user, which a passwordless grant undoes'],
    references: ['https://www.sudo.ws/docs/man/sudoers.man/', 'https://docs.docker.com/reference/dockerfile/#user', 'https://docs.docker.com/build/building/best-practices/#user', 'https://gtfobins.github.io/#+sudo'],
  },
  check(ctx) {
    const out: { range: Range; data: Data; severity?: 'info' }[] = [];
    const builders = copySourceOnlyStages(ctx);
    const devcontainer = /(?:^|[\\/])\.devcontainer[\\/]/.test(ctx.path);
    // The SHELL each RUN of a stage runs under (stage-scope), read only for a RUN that writes a grant.
    const shells = new Map<Stage, Map<Instruction, string[] | null>>();
    const runsBash = (run: RunInstruction): boolean => {
      if (run.onbuild || !run.stage) return false; // an ONBUILD trigger runs under the downstream build's SHELL
      let map = shells.get(run.stage);
      if (!map) shells.set(run.stage, (map = shellsOf(ctx, run.stage)));
      const shell = map.get(run.instruction);
      if (!shell) return false;
      const program = baseName(shell[0]) === 'env' ? (shell[1] ?? '') : shell[0];
      return baseName(program) === 'bash';
    };
    // A heredoc body runs under the program its RUN names (`RUN bash <<EOF`), else its own shebang
    // (`#!/bin/bash`), else the SHELL, as BuildKit runs it (review 19, probe 11).
    const scriptRunsBash = (run: RunInstruction, script: RunScript): boolean => {
      if (!script.heredoc) return runsBash(run);
      // The program the line feeds this body to (`bash <<A && sh <<B`: each its own; review 20, probes 08-09).
      // zsh reads `&>`/`&>>` as bash does (zsh manual, Redirection: review 21, probe 05).
      if (script.runner) return script.runner === 'bash' || script.runner === 'zsh';
      const shebang = /^#![ \t]*(\S+)([^\n]*)/.exec(script.source.text);
      if (shebang) {
        if (baseName(shebang[1]) === 'bash') return true;
        // `#!/usr/bin/env bash`, `#!/usr/bin/env -S bash -e`: the first word after env's options.
        return baseName(shebang[1]) === 'env' && shebang[2].trim().split(/\s+/).find((w) => !w.startsWith('-')) === 'bash';
      }
      return runsBash(run);
    };
    for (const run of ctx.runs()) {
      if (run.stage && builders.has(run.stage)) continue;
      // A heredoc that `cat` or `tee` writes into a sudoers file (`cat <<EOF > /etc/sudoers.d/app`,
      // `cat <<EOF | sudo tee -a /etc/sudoers`, `sudo tee /etc/sudoers.d/app <<EOF`): its body is the file,
      // each body by its own marker's command (review 22, probes 01, 02, 08).
      for (const body of run.scripts) {
        if (!body.heredoc || !body.feeder) continue;
        // The body flows through cat and tee only: the first of them that writes a sudoers file.
        const chain = [body.feeder, ...(body.pipedInto ?? [])];
        const names = chain.map((cmd) => baseName(invocation(cmd)?.name ?? programName(cmd)));
        const end = names.findIndex((n) => n !== 'cat' && n !== 'tee');
        const writes = chain.slice(0, end === -1 ? chain.length : end).some((cmd, k) => writesSudoers(cmd.words, [{ cmd, name: names[k] }], runsBash(run)));
        if (!writes) continue;
        const writer = body.feeder;
        const grant = body.source.text
          .split('\n')
          .filter((l) => !/^\s*#/.test(l))
          .map((l) => NOPASSWD_GRANT.exec(l))
          .find((m) => m !== null && runsAsRoot(m[2]));
        if (!grant || /^%?(?:root|0|#0)$/.test(grant[1])) continue;
        const commandsText = grant[3].replace(/\s+/g, ' ').trim();
        out.push({
          range: ctx.rangeOfOffsets(writer.start, writer.end),
          data: { grantee: grant[1], commands: commandsText, all: /^ALL$/.test(commandsText), devcontainer },
          ...(devcontainer ? { severity: 'info' as const } : {}),
        });
      }
      for (const script of run.scripts) {
        if (!script.isShell) continue;
        const commands = script.commands;
        for (let i = 0; i < commands.length; ) {
          // Most pipelines write no grant: their words are not gathered.
          let end = i;
          while (end < commands.length - 1 && commands[end].next === '|') end++;
          const start = i;
          i = end + 1;
          let mentions = false;
          for (let k = start; k <= end && !mentions; k++) mentions = commands[k].words.some(mentionsNopasswd);
          if (!mentions) continue;
          const { words, programs } = pipelineAt(commands, start);
          const granting = programs.find(({ cmd }) => cmd.words.some(mentionsNopasswd));
          if (!granting || !writesSudoers(words, programs, scriptRunsBash(run, script))) continue;
          // The grant as the command writes it: its arguments, without redirections and the target.
          let text = granting.cmd.words
            .slice(granting.cmd.programIndex + 1)
            .filter((w) => !/^(?:\d*|&)>/.test(w.value) && !SUDOERS_PATH.test(w.value))
            .map((w) => w.value)
            .join(' ');
          if (baseName(granting.name) === 'printf') text = text.replace(/%%/g, '%');
          // sed writes its replacement, not what it matches (`s/NOPASSWD: ALL/ALL/` takes a grant away).
          if (baseName(granting.name) === 'sed') text = sedReplacements(text);
          // Line by line (`\n` written in the text too); a commented line grants nothing.
          const grant = text
            .split(/\n|\\n/)
            .filter((line) => !/^\s*#/.test(line))
            .map((line) => NOPASSWD_GRANT.exec(line))
            .find((m) => m !== null && runsAsRoot(m[2]));
          if (!grant) continue;
          // printf's `%s` is its next argument (`printf '%s ALL=(ALL) NOPASSWD: ALL\n' "$USER"`).
          const formatArgs = granting.cmd.words.slice(granting.cmd.programIndex + 2).map((w) => w.value).filter((v) => !/^\d*>/.test(v) && !SUDOERS_PATH.test(v));
          const grantee = grant[1] === '%s' && baseName(granting.name) === 'printf' && formatArgs[0] ? formatArgs[0] : grant[1];
          if (/^%?(?:root|0|#0)$/.test(grantee)) continue;
          const commandsText = grant[3].replace(/\s+/g, ' ').trim();
          const first = words[0];
          const last = words[words.length - 1];
          out.push({
            range: ctx.rangeOfOffsets(first.start, last.end),
            data: { grantee, commands: commandsText, all: /^ALL$/.test(commandsText), devcontainer },
            ...(devcontainer ? { severity: 'info' as const } : {}),
          });
        }
      }
    }
    return out;
  },
  message(d) {
    const group = d.grantee.startsWith('%') ? d.grantee.slice(1) : null;
    const who = group !== null ? `the members of group ${group}` : d.grantee;
    const runner = group !== null ? `a member of group ${group}` : d.grantee;
    const what = d.all
      ? `passwordless sudo for every command: any process running as ${runner} becomes root without a password, so the non-root user protects nothing`
      : `passwordless sudo for ${commandPrograms(d.commands)}: run as root with arguments of the caller's choosing, such commands usually lead to a root shell`;
    const advice = d.devcontainer ? 'keep the grant out of images you ship' : 'do the root work before USER (or in an entrypoint that drops to the user) and leave the grant out of the image';
    return `This RUN gives ${who} ${what}; ${advice}.`;
  },
});
