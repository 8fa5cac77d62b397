import { defineRule } from '../engine/rule';
import type { BaseImage, DockerfileContext, RunInstruction, RunScript, Stage } from '../engine/dockerfile';
import { invocation, pipelineOf } from '../engine/run-commands';
import type { JSONInstruction } from 'dockerfile-ast';
import { rootBase, shellHasPipefail, shellProgram, shellsOf, stageChain, stagesItCouldName } from '../engine/stage-scope';
import { isNonPosixShell, redirectionWidth, replacesBinSh, wordsWithoutRedirections, type SimpleCommand } from '../engine/shell';
import type { Detection } from '../engine/types';
import { officialImageName, type ImageRef } from '../engine/image';
import { shellUtility } from '../engine/script-structure';

interface Data {
  /** The first producer of the first pipeline without pipefail whose failure can go unnoticed, and the pipeline's last program. */
  from: string;
  to: string;
  /** The shell that runs the script (`sh`, `bash`…), or null when unknown. */
  shell: string | null;
  /** Where `set -o pipefail` goes, and how it is joined; null when the shell is not known to be bash. */
  insert: { offset: number; text: string } | null;
  /**
   * What the message advises: `set -o pipefail` in the script (its shell is known to have it: bash, ash,
   * zsh, ksh), a bash SHELL (the default /bin/sh of Debian and Ubuntu images is dash, which has no
   * pipefail before Debian 13, while bash is always there), or an ash SHELL (Alpine and BusyBox images
   * have no bash).
   */
  remedy: 'set' | 'shell-bash' | 'shell-ash' | 'dash-set' | 'dash-shell' | 'dash-exec' | 'dash-heredoc' | 'dash-command';
  /** For the dash errors at a command (`dash-heredoc`, `dash-command`): its and-or list ends in `|| true`, so the step goes on without running the script. */
  skipped?: boolean;
  /**
   * How the pipeline's last command takes an empty or cut-short stream, when known (`consumerOf`): `closed` (a download into
   * a decompressor or a compressed tar: the step fails, on that command's error; reported as info) or `empty` (it fails
   * when it reads nothing, but a stream cut short can pass).
   */
  consumer?: 'closed' | 'empty';
}

/** Whether a shell program is (or, for `sh`, may be) dash: the only ones the old-dash check judges. */
const DASH_PROGRAM = /^(?:sh|dash)$/;

/**
 * Debian before 13 and Ubuntu before 25.04, whose /bin/sh is a dash without `set -o pipefail` (it
 * arrived in dash 0.5.12-7): by the image's tag — a codename (`bookworm`, `python:3.12-slim-bookworm`,
 * `jammy`) or a `debian`/`ubuntu` version. Unknown tags are not judged.
 */
const OLD_DASH_CODENAME = /(?:^|[-.])(?:bookworm|bullseye|buster|stretch|jessie|oracular|noble|mantic|lunar|kinetic|jammy|focal|bionic|xenial)(?:$|[-.])/;


function dashWithoutPipefail(repository: string, tag: string | null): boolean {
  if (tag === null) return false;
  if (OLD_DASH_CODENAME.test(tag)) return true;
  const repo = repository.replace(/^library\//, '');
  if (repo === 'debian') return /^(?:[1-9]|1[0-2])(?:$|[.-])/.test(tag);
  if (repo === 'ubuntu') return /^(?:1\d|2[0-4])\.\d+(?:$|[.-])/.test(tag);
  return false;
}

/** Alpine and BusyBox based images: /bin/sh is BusyBox ash, which has pipefail; bash is not installed. */
const ASH_IMAGE = /(?:^|[/-])(?:alpine|busybox)(?:$|[\d.-])/;

/**
 * Whether a stage builds on an Alpine or BusyBox image: its root base, or every stage a `FROM name-$ARG`
 * at the root of its chain could name (moby/buildkit's `FROM alpine-$TARGETARCH`).
 */
function onAshImage(ctx: DockerfileContext, stage: Stage): boolean {
  const isAsh = (base: BaseImage) => base.kind === 'image' && (ASH_IMAGE.test(base.ref.repository) || ASH_IMAGE.test(base.ref.tag ?? ''));
  const base = rootBase(stage);
  if (base.kind !== 'unknown') return isAsh(base);
  const chain = stageChain(stage);
  const candidates = stagesItCouldName(ctx, chain[chain.length - 1]);
  return candidates.length > 0 && candidates.every((c) => isAsh(rootBase(c)));
}

/** What `cat` prints when its only input is a heredoc (`cat <<EOF | sh`, `<<EOF cat | sh`): the heredoc's text, which cannot fail. */
const HEREDOC_TEXT = 'cat <<';

/** Producers whose failure cannot matter, and that pipefail would make fail on SIGPIPE (`yes | apt-get …`). */
const HARMLESS_PRODUCERS = new Set(['echo', 'printf', 'yes', HEREDOC_TEXT]);
/** A command that tests which shell runs the script, or whether it has pipefail (`[ -n "$BASH_VERSION" ]`, `(set -o pipefail)`). */
function testsShell(cmd: SimpleCommand): boolean {
  // `$BASH` as well as `$BASH_VERSION` (review 35, probe v2).
  return cmd.words.some((w) => /(?:BASH|ZSH|KSH)_VERSION|\$\{?BASH\b|pipefail/.test(w.raw));
}

/** Whether the commands before `cmds[i]` in its and-or list (back to the last `;`, newline or `&`) test the shell. */
function leftTestsShell(cmds: readonly SimpleCommand[], i: number): boolean {
  for (let k = i - 1; k >= 0 && cmds[k].next !== ';' && cmds[k].next !== '\n' && cmds[k].next !== '&' && cmds[k].next !== null; k--) {
    if (testsShell(cmds[k])) return true;
  }
  return false;
}

/** Keywords that open and close a compound command whose body runs only on a condition (or not at all). */
const OPENS_COMPOUND = new Set(['if', 'while', 'until', 'for', 'case']);
const CLOSES_COMPOUND = new Set(['fi', 'done', 'esac']);
/** Images whose /bin/sh is bash (Red Hat family). */
const SH_IS_BASH = /(?:^|\/)(?:centos|fedora|rockylinux|almalinux|amazonlinux|oraclelinux)$|(?:^|\/)ubi\d*(?:-minimal|-init)?$/;

/**
 * The official amazoncorretto images other than the Alpine and Debian ones: built on Amazon Linux 2
 * (`amazoncorretto:21`, `-al2-jdk`, `-al2-generic`) or 2023 (`-al2023`, `-al2023-jdk`), whose /bin/sh
 * is bash (review 6, probe df-09). A tag from a variable is not known.
 */
function amazonLinuxCorretto(ref: ImageRef): boolean {
  if (officialImageName(ref) !== 'amazoncorretto') return false;
  const tag = ref.tag ?? 'latest';
  return !tag.includes('$') && !/alpine|debian/.test(tag);
}

/** A heredoc marker (`<<EOF`, `<<-'EOT'`), not a here-string. */
const HEREDOC_MARKER = /^\d*<<(?!<)-?\S/;

/** The program a command runs, through its wrappers but not through `xargs` (whose status and input are its own: `… | xargs -n1 echo` can fail); '' when none. */
function programRun(c: SimpleCommand): string {
  // Leading redirections are not the program (`<<EOF cat | sh`: review 46 leftovers, item 3): the shell reader skips them.
  const inv = invocation(c);
  return inv === null ? '' : inv.viaXargs ? 'xargs' : inv.name;
}

/** The programs whose output a pipeline member produces: its own, or those of a `{ …; }` group it closes. */
function producedBy(cmds: readonly SimpleCommand[], k: number): string[] {
  const c = cmds[k];
  if (!(c.words.length === 1 && c.words[0].raw === '}')) {
    const name = programRun(c);
    if (name === 'cat' && c.words.every((w, j) => j === c.programIndex || HEREDOC_MARKER.test(w.raw))) return [HEREDOC_TEXT];
    return [name];
  }
  const names: string[] = [];
  let depth = 0;
  for (let j = k - 1; j >= 0; j--) {
    const w = cmds[j].words;
    if (w[w.length - 1]?.raw === '}' || (w.length === 1 && w[0].raw === '}')) depth++;
    names.push(programRun(cmds[j]));
    if (w[0]?.raw === '{') {
      if (depth === 0) return names;
      depth--;
    }
  }
  return [''];
}

/**
 * How a pipeline's last command takes an empty or cut-short input (measured, GNU coreutils 9.1, tar 1.34, gzip 1.12,
 * xz 5.4, bzip2 1.0.8, zstd 1.5, grep 3.8, and BusyBox 1.35; the rule page lists the evidence):
 * - `verifies`: it checks what it reads and fails when it reads nothing (`sha256sum -c -`: "no properly formatted checksum
 *   lines found", rc 1; `gpg --verify -`, rc 2): not reported;
 * - `closed`: a decompressor, or tar with a compression option, fed by downloads only (curl, wget): a failed download leaves
 *   the stream empty or cut short, which it rejects ("unexpected end of file", rc 1/2): the step fails, on its error
 *   rather than the download's (info);
 * - `empty`: it fails when it reads nothing, but a stream cut at the right place can pass (tar without compression cut
 *   between two members, rc 0; grep when the part received has a selected line);
 * - `any`: nothing known (`sh`, `sed > file`, `jq`, which exits 0 on empty input).
 */
type Consumer = 'verifies' | 'closed' | 'empty' | 'any';

/** Programs that only decompress (gzip's, xz's, bzip2's and zstd's aliases), and those that do when given -d. */
const DECOMPRESSORS = new Set(['gunzip', 'zcat', 'unxz', 'xzcat', 'bunzip2', 'bzcat', 'unzstd', 'zstdcat']);
const COMPRESSORS = new Set(['gzip', 'xz', 'bzip2', 'zstd']);
/** Checksum programs (GNU coreutils, BusyBox, Perl's shasum) whose `-c` reads a list of sums. */
const CHECKSUMS = /^(?:sha(?:1|224|256|384|512)sum|shasum|b2sum|md5sum)$/;
/** Downloaders: their failure leaves their output empty or cut short. */
const DOWNLOADERS = new Set(['curl', 'wget']);
/** tar's short options that take a value (GNU tar 1.34 and BusyBox): `-C dir`, `-f file`… */
const TAR_VALUE_LETTERS = 'bCfFgHIKLNTVX';
/** grep's short options that take a value. */
const GREP_VALUE_LETTERS = 'efmABCdD';
const GREP_VALUE_LONG = /^--(?:regexp|file|max-count|after-context|before-context|context|directories|devices|label|include|exclude|exclude-dir|exclude-from|binary-files)$/;

/**
 * The argument values of a pipeline member, its redirections aside, or null when it does not read the pipe: run through
 * xargs, or its standard input redirected (`< file`, `<<EOF`, `0<&3`).
 */
function pipeArgs(c: SimpleCommand): { name: string; args: string[] } | null {
  const inv = invocation(c);
  if (inv === null || inv.viaXargs) return null;
  // Standard input redirected anywhere in the command (before its name too: `< file tar -x`).
  for (let k = 0; k < c.words.length; k++) {
    const width = redirectionWidth(c.words, k);
    if (width === 0) continue;
    if (/^0?</.test(c.words[k].raw)) return null;
    k += width - 1;
  }
  // invocation's arguments leave the redirections out (wordsWithoutRedirections).
  return { name: inv.name, args: inv.args.map((w) => w.value) };
}

/** Whether a word is a cluster of short options (`-xzf`, `-dc`), not `-` or a long option. */
const isCluster = (a: string) => /^-[A-Za-z0-9]/.test(a);

/** Whether the operands read standard input: none, or only `-`. */
const readsStdin = (operands: readonly string[]) => operands.every((o) => o === '-');

/** What a tar invocation does with the pipe: null when it neither extracts nor lists from standard input. */
function tarInput(args: readonly string[]): 'compressed' | 'plain' | 'unknown' | null {
  let reading = false;
  let compression: 'known' | 'none' | 'other' = 'none';
  let file: string | undefined;
  const letter = (ch: string) => {
    if (ch === 'x' || ch === 't') reading = true;
    else if (ch === 'z' || ch === 'J' || ch === 'j') compression = compression === 'other' ? 'other' : 'known';
    else if (ch === 'Z' || ch === 'I') compression = 'other';
  };
  let k = 0;
  // The traditional first word without a dash (`tar xzf - -C /opt`): each value letter takes the next words in order.
  if (args.length > 0 && !args[0].startsWith('-')) {
    const bundle = args[0];
    if (bundle.includes('$')) return null;
    k = 1;
    for (const ch of bundle) {
      letter(ch);
      if (TAR_VALUE_LETTERS.includes(ch)) {
        if (ch === 'f') file = args[k];
        k++;
      }
    }
  }
  for (; k < args.length; k++) {
    const a = args[k];
    if (a === '--') break;
    if (a.includes('$') && a.startsWith('-')) return null;
    if (a.startsWith('--')) {
      const [name, value] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      if (name === '--extract' || name === '--get' || name === '--list') reading = true;
      else if (/^--(?:gzip|gunzip|ungzip|xz|bzip2|zstd)$/.test(name)) compression = compression === 'other' ? 'other' : 'known';
      else if (/^--(?:compress|uncompress|lzma|lzip|lzop|use-compress-program)$/.test(name)) compression = 'other';
      else if (name === '--file') file = value ?? args[++k];
      continue;
    }
    if (!isCluster(a)) continue; // a member name or an option's value
    for (let i = 1; i < a.length; i++) {
      letter(a[i]);
      if (TAR_VALUE_LETTERS.includes(a[i])) {
        const value = i + 1 < a.length ? a.slice(i + 1) : args[++k];
        if (a[i] === 'f') file = value;
        break;
      }
    }
  }
  if (!reading || (file !== undefined && file !== '-')) return null;
  return compression === 'known' ? 'compressed' : compression === 'none' ? 'plain' : 'unknown';
}

/** Whether a grep invocation reads the pipe: no file operand, and not -r (which searches the working directory). */
function grepReadsPipe(args: readonly string[]): boolean {
  let patternGiven = false;
  const operands: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (a === '--') {
      operands.push(...args.slice(k + 1));
      break;
    }
    if (a.startsWith('--')) {
      if (/^--(?:recursive|dereference-recursive)$/.test(a) || a === '--directories=recurse') return false;
      if (/^--(?:regexp|file)(?:=|$)/.test(a)) patternGiven = true;
      if (GREP_VALUE_LONG.test(a)) k++;
      continue;
    }
    if (!isCluster(a)) {
      operands.push(a);
      continue;
    }
    for (let i = 1; i < a.length; i++) {
      if (a[i] === 'r' || a[i] === 'R') return false;
      if (GREP_VALUE_LETTERS.includes(a[i])) {
        if (a[i] === 'e' || a[i] === 'f') patternGiven = true;
        if (i + 1 === a.length) k++;
        break;
      }
    }
  }
  return readsStdin(patternGiven ? operands : operands.slice(1));
}

/** How the last command of a pipeline takes an empty or cut-short input; `downloads`: every producer is curl or wget. */
function consumerOf(c: SimpleCommand, downloads: boolean): Consumer {
  const read = pipeArgs(c);
  if (read === null) return 'any';
  const { name, args } = read;
  const options = args.filter((a) => isCluster(a) || a.startsWith('--'));
  const clusterHas = (ch: string) => options.some((a) => !a.startsWith('--') && /^-[A-Za-z]+$/.test(a) && a.includes(ch));
  if (CHECKSUMS.test(name)) {
    if (!(options.includes('--check') || clusterHas('c'))) return 'any';
    // shasum's `-a 256` and b2sum's `-l 256` take a value.
    const operands = args.filter((a, k) => !(isCluster(a) || a.startsWith('--')) && !/^(?:-a|--algorithm|-l|--length)$/.test(args[k - 1] ?? ''));
    return readsStdin(operands) ? 'verifies' : 'any';
  }
  if (name === 'gpg' || name === 'gpg2') {
    const at = args.indexOf('--verify');
    if (at < 0) return 'any';
    const operands = args.slice(at + 1).filter((a) => a === '-' || !a.startsWith('-'));
    return operands.length === 0 || operands.includes('-') ? 'verifies' : 'any';
  }
  if (name === 'gpgv') return args.includes('-') ? 'verifies' : 'any';
  const fails = downloads ? 'closed' : 'empty';
  if (DECOMPRESSORS.has(name) || (COMPRESSORS.has(name) && (options.includes('--decompress') || options.includes('--uncompress') || clusterHas('d')))) {
    // `-f` with `-c` copies input it does not recognize, an empty one included (gzip -dcf: rc 0).
    if (options.includes('--force') || clusterHas('f')) return 'any';
    return readsStdin(args.filter((a) => !isCluster(a) && !a.startsWith('--'))) ? fails : 'any';
  }
  if (name === 'tar') {
    const input = tarInput(args);
    return input === 'compressed' ? fails : input === 'plain' ? 'empty' : 'any';
  }
  if (name === 'grep' || name === 'egrep' || name === 'fgrep') return grepReadsPipe(args) ? 'empty' : 'any';
  return 'any';
}

/**
 * Whether the and-or list a pipeline ends (at `last`) swallows every failure with `|| true`, `|| :`
 * or `|| exit 0` at the pipeline's level or a level around it (`(cat /etc/os-release | grep alpine)
 * && apk add musl-dev || true`, cargo-chef): the step cannot fail there with or without pipefail. A
 * group opened after the pipeline stops the search (`P && (x || true)` still fails when P does).
 */
function failureSwallowed(cmds: readonly SimpleCommand[], last: number): boolean {
  for (let j = last + 1; j < cmds.length; j++) {
    const sep = cmds[j - 1].next;
    if (sep !== '&&' && sep !== '||' && sep !== ')') return false;
    if (cmds[j].prev === '(') return false;
    // `|| true`, `|| :`, `|| exit 0`, or a message that cannot fail (`|| echo "skipping"`: review 10, probe 12); also
    // through POSIX `command` (`|| command exit 0`: shellUtility), not bash's `builtin`, which dash and ash fail (127).
    const u = cmds[j].programIndex === 0 ? shellUtility(cmds[j]) : undefined;
    const name = u && !u.viaBuiltin ? u.name : '';
    const args = u ? u.args.map((w) => w.value) : [];
    const plain = wordsWithoutRedirections(cmds[j].words).length === cmds[j].words.length;
    if (cmds[j].prev === '||' && ((plain && (name === 'true' || name === ':' || (name === 'exit' && args[0] === '0')) && args.length <= 1) || name === 'echo' || name === 'printf')) return true;
  }
  return false;
}

/**
 * The shell a command starts with `-o pipefail` and a script to run (`sh -o pipefail -c "…"`, `dash -eo pipefail
 * script.sh`), when that shell is sh or dash; undefined otherwise. A shell started with neither `-c` nor a script file
 * reads its standard input (a heredoc fed to it): that case is judged with the heredoc.
 */
function dashCommandWithPipefail(cmd: SimpleCommand): string | undefined {
  if (cmd.programIndex < 0) return undefined;
  const w = cmd.words[cmd.programIndex].value;
  const program = w.slice(w.lastIndexOf('/') + 1);
  if (!DASH_PROGRAM.test(program)) return undefined;
  // Its arguments, redirections aside (`<<EOF`, `2>/dev/null`, `> out` with its target).
  const args: string[] = [];
  for (let i = cmd.programIndex + 1; i < cmd.words.length; i++) {
    const redirection = redirectionWidth(cmd.words, i);
    if (redirection > 0) i += redirection - 1;
    else args.push(cmd.words[i].value);
  }
  let pipefail = false;
  let command = false;
  let k = 0;
  for (; k < args.length; k++) {
    const a = args[k];
    if (a === '--') {
      k++;
      break;
    }
    if (!/^[-+][A-Za-z]/.test(a)) break;
    if (/^-[A-Za-z]*o$/.test(a) || /^\+[A-Za-z]*o$/.test(a)) {
      if (a.startsWith('-') && args[k + 1] === 'pipefail') pipefail = true;
      k++;
      continue;
    }
    if (a.startsWith('-') && a.includes('c')) command = true;
  }
  return pipefail && (command || k < args.length) ? program : undefined;
}

function setsPipefail(cmd: SimpleCommand): boolean {
  const inv = invocation(cmd);
  if (!inv || inv.name !== 'set') return false;
  // Read in place: asked of every command of a script with a pipe, twice (`set -eux` is in most scripts).
  const a = inv.args;
  for (let k = 0; k + 1 < a.length; k++) if (a[k + 1].value === 'pipefail' && /^-[A-Za-z]*o$/.test(a[k].value)) return true;
  return false;
}

/** The interpreter of a heredoc script from its shebang, or undefined without one. */
function shebangShell(script: RunScript): string | undefined {
  const m = /^#![ \t]*(\S+)(?:[ \t]+(\S+))?/.exec(script.source.text);
  if (!m) return undefined;
  const prog = m[1].slice(m[1].lastIndexOf('/') + 1);
  return prog === 'env' && m[2] ? m[2] : prog;
}

export default defineRule<'dockerfile', Data>({
  code: 'DF041',
  name: 'pipe-without-pipefail',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A RUN script pipes with `pipefail` off, or turns pipefail on (set, SHELL, exec RUN) under a dash without it.',
    what: 'Flags RUN scripts that use a pipe (`curl … | sed … > file`, `wget -O- … | sh`) while `pipefail` is off: no `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (or `-eo pipefail`…) in effect for the stage (inherited from the stage it builds on too), and no `set -o pipefail` earlier in the same script nor among the options of the shell an exec-form RUN starts (`RUN ["/bin/bash", "-o", "pipefail", "-c", "…"]`). Every stage, heredoc script and ONBUILD trigger is judged. Not flagged: pipes whose only producers are `echo`, `printf`, `yes` or a `cat` whose only input is a heredoc (`cat <<EOF | sh`, `<<EOF cat | sh`), alone or grouped (`{ echo …; echo …; } | tee file`: they cannot fail, and `yes` would be killed by SIGPIPE under pipefail), the `|` of `case` patterns, pipes whose and-or list ends in `|| true`, `|| :`, `|| exit 0` or `|| echo …`, also through POSIX `command` (`|| command exit 0`: "the same as omitting command"; not bash\'s `builtin exit 0`, which dash and BusyBox ash fail with status 127) (the step cannot fail there with or without pipefail: cargo-chef\'s `(cat /etc/os-release | grep alpine) && apk add musl-dev || true`), stages whose SHELL is PowerShell or cmd, heredocs whose shebang names a non-shell interpreter, pipes inside `$(…)`, and pipes into a check that reads its list or signature from the pipe and fails when it reads nothing: `sha256sum`, `sha1sum`, `sha224sum`, `sha384sum`, `sha512sum`, `md5sum`, `b2sum` or `shasum` with `-c`/`--check` and no file operand but `-` (docker-library\'s `grep " node-v$V.tar.xz\\$" SHASUMS256.txt | sha256sum -c -`), `gpg --verify` with `-` or no operand, `gpgv -` — if the producer fails, the list is empty (GNU: "no properly formatted checksum lines found", BusyBox: "no checksum lines found", rc 1; gpg rc 2) or cut (a cut line is malformed or names a file that is not there, rc 1), so the step fails. Left to them: a list of several files cut between two lines checks the lines it received, and `--ignore-missing` then fails only when no file was verified. By the pipe\'s last command, measured with GNU coreutils 9.1, tar 1.34, gzip 1.12, xz 5.4, bzip2 1.0.8, zstd 1.5, grep 3.8 and BusyBox 1.35: a pipe whose producers are all downloads (`curl`, `wget`) into a decompressor reading the pipe (`gunzip`, `zcat`, `gzip -d`, `xz -d`, `unxz`, `xzcat`, `bzip2 -d`, `bunzip2`, `bzcat`, `zstd -d`, `unzstd`, `zstdcat`, not with `-f`, which passes on input it does not recognize: `gzip -dcf` of an empty stream exits 0) or into `tar` extracting or listing from the pipe with `-z`, `-J`, `-j` or `--zstd` (`curl -fsSL … | tar -xz`) is reported as info: a failed download leaves the stream empty or cut, which these reject ("unexpected end of file", gzip rc 1, GNU tar rc 2, BusyBox tar rc 1 "short read"), so the step fails, but on their error rather than the download\'s. A pipe into `tar` without a compression option or into `grep` reading the pipe (not `-r`, which searches the working directory) stays a warning, with a message that says what holds: they fail on an empty stream (GNU tar: "This does not look like a tar archive", rc 2; grep selects no line, rc 1, whatever its options), but an uncompressed archive cut between two members extracts the first and exits 0 (GNU tar and BusyBox alike) and grep passes when the part received has the line (`{ echo imagick; exit 1; } | grep -q imagick`: rc 0). So does a decompressor or compressed tar fed by another producer (`tar -cz … | tar -xz`): a producer that fails after writing a whole stream (tar skipping an unreadable file) goes unnoticed. `jq` exits 0 on an empty stream: a warning like any other consumer. One finding per script: the pipe whose producer\'s failure is most likely to go unnoticed (a warning before an info), the first of its kind. Also reported, as an error: `set -o pipefail` in a script that runs under /bin/sh where that is a dash without pipefail — Debian before 13 and Ubuntu before 25.04, known by the base image\'s tag (a codename such as `bookworm`, `python:3.12-slim-bookworm`, `jammy`, or a `debian`/`ubuntu` version); the step fails with "Illegal option -o pipefail" (even with `|| true` after it: a special builtin\'s error ends the shell). Not a `set -o pipefail` inside a subshell `( … )`, run through `command` (which takes away a special builtin\'s power to end the shell), or guarded by a test of the shell — `(set -o pipefail) 2>/dev/null && set -o pipefail`, `[ -n "$BASH_VERSION" ] && set -o pipefail`, `if [ -n "$BASH_VERSION" ]; then set -o pipefail; fi`: under such a dash these turn nothing on, so the pipes after them are judged as without pipefail. Behind any other `&&` or condition dash reaches the `set` and stops. Not when the stage\'s SHELL is another shell or the Dockerfile points /bin/sh elsewhere (`ln -sf /bin/bash /bin/sh`). The same dash rejects the option on its command line: on such a base `SHELL ["/bin/sh", "-o", "pipefail", "-c"]` (or `/bin/dash`) is reported as an error at the SHELL (every RUN it runs fails — not an exec-form RUN nor a heredoc with a shebang, which do not go through the SHELL —, and it does not count as pipefail on), and so is an exec-form `RUN ["/bin/sh", "-o", "pipefail", "-c", "…"]` and a heredoc fed to `sh -o pipefail` (`RUN <<EOF sh -o pipefail`, `RUN sh -o pipefail <<EOF`, `RUN <<EOF cat | sh -o pipefail`) or started with it on a command line (`RUN sh -o pipefail -c "…"`, `dash -eo pipefail script.sh`), at its command — when `|| true` follows it the step goes on and the message says the script never runs; a script run by `dash` itself is judged like one run by /bin/sh. A SHELL\'s pipefail counts for the scripts the SHELL runs: the shell-form RUN line and a heredoc that is the whole command and has no shebang ("its contents is evaluated with the default shell", Dockerfile reference, Here-Documents), which under such a dash SHELL is covered by the error at the SHELL. It does not count for an exec-form RUN, a heredoc with a shebang (BuildKit writes it to a file and runs it with its interpreter) or a heredoc fed to a shell the RUN line names (`RUN <<EOF bash`: that shell\'s own options decide): their pipes are judged as that shell runs them.',
    why: 'A pipeline\'s status is its last command\'s: `curl -fsSL https://… | sed … > /etc/app.conf` succeeds when the download fails (sed reads an empty stream and writes an empty file), and so does `wget -O- … | sh` when the server errors (sh runs an empty script), so the build goes on and ships an image with an empty configuration or without the tool, and nobody notices. Some consumers fail on an empty or cut stream (`tar -xz`, `gunzip`), but then the log shows their error instead of the download\'s (the finding is then info); with pipefail the step fails with curl\'s or wget\'s own status. A check such as `sha256sum -c -` fails the step itself when the list it reads is empty, so it is not reported. SECURITY-GUIDELINES.md §6 Image Build Security ("Scan dependencies", reliable builds) and the checklist\'s "Error handling implemented".',
    bad: 'FROM debian:12-slim\nRUN curl -fsSL https://example.com/app.conf.tmpl | sed "s/@PORT@/8080/" > /etc/app.conf',
    good: 'FROM debian:12-slim\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl -fsSL https://example.com/app.conf.tmpl | sed "s/@PORT@/8080/" > /etc/app.conf',
    fix: '"Turn on pipefail" prepends `set -o pipefail && ` to the RUN (inside the JSON string for `["bash", "-c", "…"]`, or as a first line of a heredoc script) — only where the script is known to run under bash: the stage\'s SHELL is bash, the JSON form or the heredoc (shebang or `RUN bash <<EOF`) names bash, or the script runs under `sh` (shell form, a heredoc without another shebang, `["sh", "-c", …]`) on a base image of the Red Hat family (CentOS, Fedora, Rocky, Alma, Amazon Linux, Oracle Linux, UBI) or an official `amazoncorretto` image other than its `-alpine` and `-debian` tags (Amazon Linux 2 or 2023), whose /bin/sh is bash. Not offered for the default /bin/sh of Debian and Ubuntu images (dash supports pipefail only from 0.5.12-7, Debian 13 / Ubuntu 25.04) nor of Alpine/BusyBox; there, add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (Debian/Ubuntu) or `SHELL ["/bin/ash", "-eo", "pipefail", "-c"]` (Alpine) yourself. Not safe: a pipeline that relied on an ignored failure (`… | head -1` killing its producer) now fails the build. The message advises what works on the stage\'s base: `set -o pipefail` when the script runs under bash, ash, zsh or ksh; `SHELL ["/bin/ash", "-eo", "pipefail", "-c"]` on Alpine and BusyBox images (no bash); otherwise `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (Debian and Ubuntu images always have bash, and their /bin/sh may be a dash without pipefail, where `set -o pipefail` fails the build).',
    guideline: '§6 Image Build Security; Security Checklist — "Error handling implemented"',
    equivalents: ['hadolint DL4006 (set the SHELL option -o pipefail before RUN with a pipe in it)', 'KICS "Shell Running A Pipe Without Pipefail Flag"', 'Trivy DS-0032 (RUN with pipe without pipefail)', 'Checkov and BuildKit: no equivalent'],
    references: [
      'https://github.com/hadolint/hadolint/wiki/DL4006',
      'https://docs.docker.com/build/building/best-practices/#using-pipes',
      'https://docs.docker.com/reference/dockerfile/#shell',
      'https://www.gnu.org/software/bash/manual/bash.html#Pipelines',
      'https://bugs.debian.org/cgi-bin/bugreport.cgi?bug=1071238',
      'https://github.com/aquasecurity/trivy-checks/blob/main/checks/docker/run_pipefail.rego',
      'https://man7.org/linux/man-pages/man1/sha256sum.1.html',
      'https://github.com/mirror/busybox/blob/master/coreutils/md5_sha1_sum.c',
      'https://www.gnu.org/software/grep/manual/html_node/Exit-Status.html',
      'https://www.gnu.org/software/tar/manual/html_node/Synopsis.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/command.html',
    ],
  },
  check(ctx) {
    const out: Detection<Data>[] = [];
    const shells = new Map<Stage, Map<unknown, string[] | null>>();
    const shellAt = (run: RunInstruction): string[] | null | undefined => {
      if (!run.stage || run.onbuild) return undefined; // an ONBUILD trigger runs under the child image's SHELL
      let m = shells.get(run.stage);
      if (!m) shells.set(run.stage, (m = shellsOf(ctx, run.stage)));
      return m.get(run.instruction) ?? null;
    };
    // Read once per file, and only when a script sets pipefail under sh.
    let replaced: boolean | undefined;
    // A Dockerfile that points /bin/sh elsewhere: its /bin/sh is not judged.
    const replacesSh = () => (replaced ??= replacesBinSh(ctx.text));
    /** Whether `shell` (a program name) on this stage's base is a dash without pipefail. */
    const oldDash = (stage: Stage | null | undefined, shell: string | null) => {
      if (!stage || shell === null || !DASH_PROGRAM.test(shell) || (shell === 'sh' && replacesSh())) return false;
      const base = rootBase(stage);
      return base.kind === 'image' && dashWithoutPipefail(base.ref.repository, base.ref.tag);
    };
    // `SHELL ["/bin/sh", "-o", "pipefail", "-c"]` passes the option to that same dash: every RUN (and shell-form
    // CMD/ENTRYPOINT) under it fails with "Illegal option -o pipefail" (review 45b, item 3). Reported once, at the SHELL.
    for (const stage of ctx.stages) {
      for (const ins of stage.instructions) {
        if (ins.getKeyword() !== 'SHELL') continue;
        const words = (ins as JSONInstruction).getJSONStrings().map((j) => ctx.jsonStringValue(j));
        if (words.length === 0 || !shellHasPipefail(words)) continue;
        const program = shellProgram(words);
        if (oldDash(stage, program)) out.push({ range: ins.getRange(), severity: 'error', data: { from: 'set', to: 'set', shell: program, insert: null, remedy: 'dash-shell' } });
      }
    }
    for (const run of ctx.runs()) {
      const stageShell = shellAt(run);
      if (stageShell && isNonPosixShell(shellProgram(stageShell))) continue;
      // The SHELL's pipefail holds for the scripts the SHELL runs: the shell-form line, and a heredoc that is the whole
      // command and has no shebang ("its contents is evaluated with the default shell"). Not for an exec-form RUN, a heredoc
      // with a shebang (BuildKit runs it as a file) or one fed to a shell the line names (`<<EOF bash`): their own shell
      // and options decide.
      const stagePipefail = !!stageShell && shellHasPipefail(stageShell);
      const commandLine = run.scripts.find((s) => !s.heredoc);
      for (const script of run.scripts) {
        if (!script.isShell) continue;
        // `sh -o pipefail -c "…"` (or `dash -eo pipefail script.sh`) on a base whose dash lacks pipefail: that shell
        // stops at its options ("Illegal option -o pipefail") whatever shell runs the line (review 46a, item 6).
        for (let i = 0; i < script.commands.length; i++) {
          const cmd = script.commands[i];
          const program = dashCommandWithPipefail(cmd);
          if (!program || !oldDash(run.stage, program)) continue;
          const skipped = failureSwallowed(script.commands, i);
          out.push({ range: ctx.rangeOfOffsets(cmd.words[cmd.programIndex].start, cmd.end), severity: 'error', data: { from: 'set', to: 'set', shell: program, insert: null, remedy: 'dash-command', skipped } });
        }
        // Which shell runs this script.
        let shell: string | null = stageShell === undefined ? null : stageShell === null ? 'sh' : shellProgram(stageShell);
        let runBySHELL = true;
        /** `sh -o pipefail` (or `dash -eo pipefail`) named for a heredoc on a dash without pipefail: the step fails, as under such a SHELL. */
        const namedOldDash = (cmd: SimpleCommand | undefined, program: string): void => {
          if (!oldDash(run.stage, program)) return;
          const at = cmd ?? commandLine?.commands[0];
          const range = at ? ctx.rangeOfOffsets(at.words[0].start, at.end) : run.instruction.getRange();
          const index = at && commandLine ? commandLine.commands.indexOf(at) : -1;
          const skipped = index >= 0 && failureSwallowed(commandLine!.commands, index);
          out.push({ range, severity: 'error', data: { from: 'set', to: 'set', shell: program, insert: null, remedy: 'dash-heredoc', skipped } });
        };
        if (script.jsonShell) {
          runBySHELL = false;
          const prog = script.jsonShell[0];
          shell = prog.slice(prog.lastIndexOf('/') + 1);
          // `["/bin/bash", "-o", "pipefail", "-c", "…"]`: the RUN's own shell options turn it on (review 42a, item 2),
          // except on a dash without pipefail (`["/bin/sh", "-o", "pipefail", "-c", …]` on Debian 12): the step fails (review 45b, item 3).
          if (shellHasPipefail(script.jsonShell)) {
            if (oldDash(run.stage, shell)) out.push({ range: run.instruction.getRange(), severity: 'error', data: { from: 'set', to: 'set', shell, insert: null, remedy: 'dash-exec' } });
            continue;
          }
        }
        if (script.heredoc) {
          const bang = shebangShell(script);
          // `RUN <<EOF bash -o pipefail`: the program named on the command line (heredoc markers and redirections aside).
          const named = wordsWithoutRedirections(commandLine?.commands[0]?.words ?? []).map((w) => w.value);
          const namedShell = named.length > 0 ? named[0].slice(named[0].lastIndexOf('/') + 1) : '';
          if (script.runner) {
            // The program its own marker feeds the body to (`cat <<EOF | bash`, `bash <<A && sh <<B`: review 21, probes 03-04),
            // with its own options (`cat <<EOF | bash -o pipefail`, `sudo -E bash -eo pipefail <<EOF`: review 22, probe 03).
            runBySHELL = false;
            const runnerCmd = [script.feeder, ...(script.pipedInto ?? [])].find((cmd) => cmd?.words.some((w) => w.value.slice(w.value.lastIndexOf('/') + 1) === script.runner));
            const runnerWords = runnerCmd?.words.map((w) => w.value);
            if (runnerWords?.some((v, k) => /^-[A-Za-z]*o$/.test(v) && runnerWords[k + 1] === 'pipefail')) {
              // `RUN <<EOF sh -o pipefail`, `RUN sh -o pipefail <<EOF`: on a dash without pipefail the step fails (as under
              // SHELL ["/bin/sh", "-o", "pipefail", "-c"]); elsewhere pipefail is on.
              namedOldDash(runnerCmd, script.runner);
              continue;
            }
            shell = script.runner;
          } else if (bang !== undefined) {
            if (!/^(?:sh|bash|ash|dash|zsh|ksh|mksh)$/.test(bang)) continue; // a python/perl… script
            // The whole command is the heredoc: BuildKit writes it to a file and runs that (its shebang's shell), not the SHELL.
            if (named.length === 0) runBySHELL = false;
            shell = bang;
          } else if (/^(?:sh|bash|ash|dash|zsh|ksh)$/.test(namedShell)) {
            runBySHELL = false;
            if (named.some((v, k) => /^-[A-Za-z]*o$/.test(v) && named[k + 1] === 'pipefail')) {
              namedOldDash(undefined, namedShell);
              continue;
            }
            shell = namedShell;
          }
        }
        if (runBySHELL && stagePipefail) continue;
        const cmds = script.commands;
        // What is reported below is a pipe, or a `set -o pipefail` that stops the build: a script with neither is not walked.
        if (!cmds.some((c) => c.next === '|' || setsPipefail(c))) continue;
        let pipefail = false;
        /** The pipeline reported: the first whose consumer is `any`, else the first `empty` one, else the first `closed` one. */
        let found: { first: SimpleCommand; producer: SimpleCommand; last: SimpleCommand; consumer: Consumer } | undefined;
        // `set -o pipefail` under a dash that lacks it stops the build ("Illegal option -o pipefail").
        const dash = () => oldDash(run.stage, shell);
        // Where a command runs: inside `( … )` (a subshell: its failing `set` ends only the subshell, and
        // its pipefail stays there) or in the body or condition of `if`/`while`/`until`/`for`/`case`.
        let subshell = 0;
        // Open compound commands, each with whether its condition tests the shell (`if [ -n "$BASH_VERSION" ]`).
        const compounds: { shellTest: boolean; inCondition: boolean }[] = [];
        for (let i = 0; i < cmds.length && found?.consumer !== 'any'; i++) {
          const cmd = cmds[i];
          if (cmd.prev === '(') subshell++;
          // The words up to the program (all of them without one), read in place.
          const leadEnd = cmd.programIndex < 0 ? cmd.words.length : cmd.programIndex + 1;
          for (let k = 0; k < leadEnd; k++) {
            const w = cmd.words[k];
            // `case "$BASH_VERSION" in` tests the shell in its own words (review 35, probe f11).
            if (OPENS_COMPOUND.has(w.raw)) compounds.push({ shellTest: w.raw === 'case' && testsShell(cmd), inCondition: w.raw === 'if' });
            else if (CLOSES_COMPOUND.has(w.raw)) compounds.pop();
            else if (w.raw === 'then' && compounds.length > 0) compounds[compounds.length - 1].inCondition = false;
          }
          const top = compounds[compounds.length - 1];
          if (top?.inCondition && testsShell(cmd)) top.shellTest = true;
          const inSubshell = subshell > 0;
          if (cmd.next === ')' && subshell > 0) subshell--;
          if (setsPipefail(cmd)) {
            // A pipe before it is reported already (the search used to end there): what follows is not judged.
            if (found) break;
            // In a subshell, in the background or in a pipeline (`set -o pipefail | true`, `… &`), a failing set ends only that subshell (review 35, probes h15, h20).
            if (inSubshell || cmd.next === '&' || cmd.next === '|' || cmd.prev === '|') continue;
            // Only a `set -o pipefail` that dash reaches and that ends it stops the build. Not one a test of the
            // shell guards — `(set -o pipefail) 2>/dev/null && set -o pipefail`, `[ -n "$BASH_VERSION" ] && …`,
            // `if [ -n "$BASH_VERSION" ]; then set -o pipefail; fi` (review 33, probes p10, p11) —, nor one run
            // through `command`, which takes away a special builtin's power to end the shell (POSIX; review
            // 34, probe fp41a). Behind any other `&&` or condition it runs and fails (probes fn41a-c).
            const guarded = cmd.words[cmd.programIndex]?.value === 'command' || compounds.some((c) => c.shellTest) || ((cmd.prev === '&&' || cmd.prev === '||') && leftTestsShell(cmds, i));
            if (!guarded && dash()) {
              out.push({ range: ctx.rangeOfOffsets(cmd.words[Math.max(0, cmd.programIndex)].start, cmd.end), severity: 'error', data: { from: 'set', to: 'set', shell, insert: null, remedy: 'dash-set' } });
              break;
            }
            // Under a dash without pipefail a guarded `set` turns nothing on: the pipes after it are judged.
            if (!(guarded && dash())) pipefail = true;
          }
          if (pipefail || cmds[i].next !== '|' || (i > 0 && cmds[i].prev === '|')) continue;
          const indices = pipelineOf(cmds, i);
          const pipe = indices.map((k) => cmds[k]);
          if (indices.slice(0, -1).every((k) => producedBy(cmds, k).every((name) => HARMLESS_PRODUCERS.has(name)))) continue;
          if (failureSwallowed(cmds, indices[indices.length - 1])) continue;
          // The producer named is the first whose failure would go unnoticed (`echo … | tee a | tee b`: the first tee).
          const producers = indices.slice(0, -1).filter((k) => !producedBy(cmds, k).every((name) => HARMLESS_PRODUCERS.has(name)));
          const downloads = producers.every((k) => producedBy(cmds, k).every((name) => DOWNLOADERS.has(name) || HARMLESS_PRODUCERS.has(name)));
          const consumer = consumerOf(pipe[pipe.length - 1], downloads);
          // A check that fails on an empty or cut list (`grep " node-v$V.tar.xz$" SHASUMS256.txt | sha256sum -c -`): the
          // producer's failure fails the step (review 47b, item 1).
          if (consumer === 'verifies') continue;
          const rank = (c: Consumer) => (c === 'any' ? 3 : c === 'empty' ? 2 : 1);
          if (!found || rank(consumer) > rank(found.consumer)) found = { first: pipe[0], producer: cmds[producers[0] ?? indices[0]], last: pipe[pipe.length - 1], consumer };
        }
        if (!found) continue;
        // The fix: only where bash is known to run the script.
        let bash = shell === 'bash';
        // `sh` is bash on the Red Hat family: for a shell-form RUN, a heredoc run by /bin/sh and `["sh", "-c", …]`
        // alike (review 33, probe p09: a heredoc and an exec-form sh on rockylinux were told /bin/sh may be dash).
        if (!bash && shell === 'sh' && run.stage) {
          const base = rootBase(run.stage);
          bash = base.kind === 'image' && ((SH_IS_BASH.test(`${base.ref.registry ?? ''}/${base.ref.repository}`) && !/micro/.test(base.ref.repository)) || amazonLinuxCorretto(base.ref));
        }
        const o = script.source.offsets;
        const exact = !script.json || o[script.source.text.length] - o[0] === script.source.text.length;
        let insert: Data['insert'] = null;
        if (bash && exact) {
          if (script.heredoc) {
            const firstLine = ctx.lines.positionAt(cmds[0].start).line;
            insert = { offset: ctx.lines.offsetAt({ line: firstLine, character: 0 }), text: `${ctx.lines.indentOf(firstLine)}set -o pipefail${ctx.lines.eol}` };
          } else insert = { offset: o[0], text: 'set -o pipefail && ' };
        }
        let remedy: Data['remedy'] = 'shell-bash';
        if (bash || (shell !== null && /^(?:ash|zsh|ksh|mksh)$/.test(shell))) remedy = 'set';
        else if (run.stage && onAshImage(ctx, run.stage)) remedy = script.json || script.heredoc ? 'set' : 'shell-ash';
        const data: Data = { from: programRun(found.producer) || 'a command', to: programRun(found.last) || 'a command', shell, insert, remedy };
        if (found.consumer === 'closed' || found.consumer === 'empty') data.consumer = found.consumer;
        out.push({
          range: ctx.rangeOfOffsets(found.first.words[Math.max(0, found.first.programIndex)].start, found.last.end),
          // The step fails anyway, on the consumer's error: worth knowing, not a warning.
          ...(found.consumer === 'closed' ? { severity: 'info' as const } : {}),
          data,
        });
      }
    }
    return out;
  },
  message(d) {
    const dash = d.shell === 'dash' ? 'dash' : '/bin/sh here is dash, which';
    if (d.remedy === 'dash-shell') return `Every RUN this SHELL runs fails: ${dash} has no pipefail before Debian 13 and Ubuntu 25.04 ("Illegal option -o pipefail"); use SHELL ["/bin/bash", "-o", "pipefail", "-c"] instead.`;
    if (d.remedy === 'dash-exec') return `This RUN fails: ${dash} has no pipefail before Debian 13 and Ubuntu 25.04 ("Illegal option -o pipefail"); run it with ["/bin/bash", "-o", "pipefail", "-c", "…"] instead.`;
    if (d.remedy === 'dash-heredoc' || d.remedy === 'dash-command') {
      // With `|| true` after it the step succeeds, and the script never runs (review 46a, item 6).
      const outcome = d.skipped ? "This RUN's script never runs (the || after it hides the error)" : 'This RUN fails';
      const instead = d.remedy === 'dash-heredoc' ? 'feed the heredoc to bash -o pipefail instead' : 'run the script with bash -o pipefail instead';
      return `${outcome}: ${dash} has no pipefail before Debian 13 and Ubuntu 25.04 ("Illegal option -o pipefail"); ${instead}.`;
    }
    if (d.remedy === 'dash-set') return `set -o pipefail stops this build: ${dash} has no pipefail before Debian 13 and Ubuntu 25.04 ("Illegal option -o pipefail"); run the step under bash with SHELL ["/bin/bash", "-o", "pipefail", "-c"] instead.`;
    const pipes = `This RUN pipes ${d.from} into ${d.to} without pipefail`;
    const head =
      d.consumer === 'closed'
        ? `${pipes}: a failed download still fails the step, but with ${d.to}'s error instead of ${d.from}'s`
        : d.consumer === 'empty'
          ? `${pipes}: ${d.to} fails the step when ${d.from} prints nothing, but a failure of ${d.from} after it printed part of its output can go unnoticed`
          : `${pipes}: the step's status is ${d.to}'s, so a failure of ${d.from} can go unnoticed`;
    const why = d.consumer === 'closed' ? ' to see the real cause' : '';
    if (d.remedy === 'set') return `${head}; start the script with set -o pipefail${why}.`;
    if (d.remedy === 'shell-ash') return `${head}; add SHELL ["/bin/ash", "-eo", "pipefail", "-c"] before it${why} (the image has no bash).`;
    return `${head}; add SHELL ["/bin/bash", "-o", "pipefail", "-c"] before it${why} (/bin/sh may be dash, which has no pipefail before Debian 13).`;
  },
  fix(ctx, { data }) {
    if (!data.insert) return undefined;
    const at = ctx.lines.positionAt(data.insert.offset);
    return { title: 'Turn on pipefail for this RUN', safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: { start: at, end: at }, newText: data.insert.text }] }] };
  },
});
