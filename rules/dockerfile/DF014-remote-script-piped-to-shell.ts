import type { Instruction } from 'dockerfile-ast';
import type { RunScript, Stage } from '../engine/dockerfile';
import { defineRule } from '../engine/rule';
import { checksDownload, curlShortOption, CURL_VALUE_LETTERS, invocation, pipelineOf, shortOptionIndex, type Invocation } from '../engine/run-commands';
import { baseName, isPowerShell, outputRedirectTarget, type SimpleCommand, type Word } from '../engine/shell';
import { shellProgram, shellsOf } from '../engine/stage-scope';
import { commandsWithStrings, stringScriptsOf } from '../engine/script-strings';
import { packageCommandsOfInStrings, type PackageCommand } from '../engine/packages';
import { resolveAt } from '../engine/df-instructions';
import type { Detection } from '../engine/types';
import { looksLikeIssuedCredential } from '../engine/secrets';

interface Data {
  downloader: string;
  interpreter: string;
  form: 'pipe' | 'command-substitution' | 'process-substitution' | 'saved-file' | 'powershell' | 'package';
  /** The file the script was saved to (form 'saved-file'); the package file, or the URL's file name when the installer downloads it (form 'package'). */
  file?: string;
  /** The host the package is downloaded from, without a URL's user or password (form 'package'), when the URL is written out. */
  host?: string;
}

const SH_FAMILY = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'yash']);
const WGET_VALUE_LETTERS = 'aAeiIoOPQRtTUwXD';

function interpreterName(inv: Invocation): string | undefined {
  if (inv.name === 'busybox' && SH_FAMILY.has(inv.args[0]?.value ?? '')) return inv.args[0].value;
  if (SH_FAMILY.has(inv.name)) return inv.name;
  if (/^(?:python(?:\d+(?:\.\d+)?)?|perl|ruby|node|nodejs|php)$/.test(inv.name)) return inv.name;
  return undefined;
}

/** Where an interpreter reads its program from. */
type ProgramSource = { kind: 'stdin' } | { kind: 'file'; path: string } | { kind: 'code' };

/**
 * Where an interpreter reads its program: standard input (`sh`, `bash -s -- -y`, `python3 -`), a file
 * (`sh install.sh`, `bash -x ./install.sh`, `python3 get-pip.py`), or code given as an option (`sh -c`,
 * `python3 -c`/`-m`, `node -e`, `php -r`).
 */
function programSource(inv: Invocation, name: string): ProgramSource {
  const args = inv.cmd.words.slice(inv.index + 1 + (inv.name === 'busybox' ? 1 : 0)).map((w) => w.value);
  const sh = SH_FAMILY.has(name);
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (a === '-') return { kind: 'stdin' };
    // php(1): `php [options] -- [args...]` runs the script on standard input and gives it the args
    // (Composer's installer: `curl … | php -- --install-dir=/usr/bin`); other interpreters take a file after `--`.
    if (a === '--') return k + 1 >= args.length || args[k + 1] === '-' || /^php/.test(name) ? { kind: 'stdin' } : { kind: 'file', path: args[k + 1] };
    if (/^(?:\d*|&)[<>]/.test(a)) {
      if (/^(?:\d*|&)[<>]+&?$/.test(a)) k++; // `> file`: the target is the next word
      continue;
    }
    if (a.startsWith('--')) {
      if (['--eval', '--print', '--command'].includes(a.split('=')[0])) return { kind: 'code' };
      continue;
    }
    if (/^[-+][A-Za-z]+$/.test(a)) {
      const letters = a.slice(1);
      if (sh) {
        if (letters.includes('c')) return { kind: 'code' };
        if (letters.includes('s')) return { kind: 'stdin' };
        if (letters.endsWith('o') || letters.endsWith('O')) k++; // -o pipefail
      } else if (/[cmeEpr]/.test(letters)) return { kind: 'code' }; // -c code, -m module, -e code, -p print, -r code (php)
      continue;
    }
    return { kind: 'file', path: a };
  }
  return { kind: 'stdin' };
}

/** Whether a curl/wget command writes what it downloads to standard output. */
function toStdout(inv: Invocation): boolean {
  const args = inv.args.map((w) => w.value);
  if (inv.name === 'curl') {
    for (let k = 0; k < args.length; k++) {
      const a = args[k];
      if (a === '--output' || a === '-o') {
        if (args[k + 1] !== '-') return false;
        k++;
      } else if (a.startsWith('--output=')) {
        if (a !== '--output=-') return false;
      } else if (a === '--remote-name' || a === '--remote-name-all') return false;
      else if (/^-[^-]/.test(a)) {
        // Short options as curl reads a cluster: switches up to the first option that takes a value, whose
        // value is the rest of the word (`-o/tmp/i.sh`, `-fsSLo/tmp/i.sh`) or the next word (review 36, probe p55).
        const opt = curlShortOption(a);
        const switches = opt ? a.slice(1, a.indexOf(opt.option, 1)) : a.slice(1);
        if (switches.includes('O')) return false;
        if (opt) {
          const value = opt.attached ?? args[k + 1];
          if (opt.attached === undefined) k++;
          if (opt.option === 'o' && value !== '-') return false;
        }
      }
    }
    return true;
  }
  // wget saves to a file unless told `-O -`.
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (a === '--output-document=-' || (a === '--output-document' && args[k + 1] === '-')) return true;
    const i = shortOptionIndex(a, 'O', WGET_VALUE_LETTERS.replace('O', ''));
    if (i !== -1) {
      const value = a.length > i + 1 ? a.slice(i + 1) : args[k + 1];
      return value === '-';
    }
  }
  return false;
}

/** PHP code that prints a download (`readfile('https://…')`, `echo file_get_contents('https://…')`): kimai's Composer install. */
const PHP_PRINTS_DOWNLOAD = /\b(?:readfile|fpassthru|(?:echo|print)\s*\(?\s*file_get_contents)\s*\(\s*['"](?:https?|ftp):\/\//i;
/** PHP code that saves a download to a file: `copy('https://…/installer', 'composer-setup.php')`. */
const PHP_COPIES_DOWNLOAD = /\bcopy\s*\(\s*['"](?:https?|ftp):\/\/[^'"]*['"]\s*,\s*['"]([^'"]+)['"]\s*\)/i;

/** The code of `php -r CODE`, or undefined. */
function phpCode(inv: Invocation): string | undefined {
  if (inv.name !== 'php') return undefined;
  const r = inv.args.findIndex((w) => w.value === '-r');
  return r === -1 ? undefined : inv.args[r + 1]?.value;
}

/**
 * A command as the program it runs: through `busybox` to its applet (`busybox wget -qO- …`: the applet's name
 * is the first argument, its arguments follow), else the invocation as it is.
 */
function applet(inv: Invocation | null): Invocation | null {
  if (inv === null || inv.name !== 'busybox' || inv.args.length === 0) return inv;
  const name = baseName(inv.args[0].value);
  return name === 'wget' ? { ...inv, index: inv.index + 1, name, args: inv.args.slice(1) } : inv;
}

function downloader(cmd: SimpleCommand | undefined): string | undefined {
  if (!cmd) return undefined;
  const inv = applet(invocation(cmd));
  if (!inv) return undefined;
  if (inv.name === 'php') return PHP_PRINTS_DOWNLOAD.test(phpCode(inv) ?? '') ? 'php' : undefined;
  if (inv.name !== 'curl' && inv.name !== 'wget') return undefined;
  // Its standard output sent elsewhere (`> /tmp/d.json`, `>&2`, `&>> log`) reaches no pipe (review 25, probe 08).
  if (cmd.words.some((w) => STDOUT_REDIRECT.test(w.raw))) return undefined;
  return toStdout(inv) ? inv.name : undefined;
}

/** A redirection of standard output (not `2>…`, not `>&1`). */
const STDOUT_REDIRECT = /^(?:1?>>?|&>>?)(?!&1$)/;


/**
 * For a command inside a subshell or a brace group whose output is piped (`( curl … || echo 'return 1' )
 * | sh -s`, the installer line of mlocati/docker-php-extension-installer's README; `{ curl …; } | sh`):
 * the index of the command the group is piped into. The shell reader ends the last command of a
 * subshell with `)` and gives the command after the pipe `|` as its `prev`; a brace group's words are
 * `{` and `}` (review 24, probe df-03).
 */
function groupPipeTarget(cmds: readonly SimpleCommand[], i: number): number | undefined {
  let parens = 0;
  let braces = 0;
  for (let k = i; k < cmds.length; k++) {
    const c = cmds[k];
    if (k > i && c.prev === '(') parens++;
    // Leading `{` words open groups; the command's own first one opens the group it is in (`{ curl …; } | sh`).
    let opens = 0;
    while (opens < c.words.length && c.words[opens].raw === '{') opens++;
    braces += k === i ? Math.max(0, opens - 1) : opens;
    let target: number | undefined | null = null;
    if (c.words[0]?.raw === '}' && c.words.length === 1) {
      if (--braces < 0) target = c.next === '|' && k + 1 < cmds.length ? k + 1 : undefined;
    } else {
      // A `)` on a line of its own (`( curl …` + newline + `) | sh`): the reader ends the command at the newline
      // (or `;`) and keeps no `)`, but a command after a pipe that follows a newline can only follow one (review 25, probe 10).
      const closes = c.next === ')' || ((c.next === '\n' || c.next === ';') && cmds[k + 1]?.prev === '|');
      if (closes && --parens < 0) target = cmds[k + 1]?.prev === '|' ? k + 1 : undefined;
    }
    if (target === null) continue;
    if (target !== undefined) return target;
    // The group that holds the download closed without a pipe: its output is the output of the group around
    // it, if any (`{ { curl …; }; echo 'exit 0'; } | sh`; review 25, probe 06-07, D7). Read on at that level.
    parens = 0;
    braces = 0;
  }
  return undefined;
}

/**
 * A downloaded file as a message names it: `a file` when its name looks like a credential, as the name `curl -O` or plain
 * `wget` take from a capability URL's last segment (`https://dl.example.com/s/<token>`) is (review 56c, F2).
 */
function shownFile(file: string | undefined): string {
  if (file === undefined) return 'a file';
  return looksLikeIssuedCredential(file.slice(file.lastIndexOf('/') + 1)) ? 'a file' : file;
}

/** How a command runs the file (`sh <file>`, `./<file>`) as a message shows it: a file name that looks like a credential as `…` (see shownFile). */
function shownWords(text: string): string {
  return text
    .split(' ')
    .map((w) => (looksLikeIssuedCredential(w.slice(w.lastIndexOf('/') + 1)) ? `${w.slice(0, w.lastIndexOf('/') + 1)}…` : w))
    .join(' ');
}

/** The file name curl -O / plain wget give a download: the URL's last path segment (null when it has none). */
function remoteName(args: string[]): string | null {
  const urls = args.filter((a) => /^(?:https?|ftp):\/\//i.test(a));
  if (urls.length !== 1) return null;
  const p = urls[0].replace(/[?#].*$/, '').replace(/^[a-z]+:\/\/[^/]*/i, '');
  const name = p.slice(p.lastIndexOf('/') + 1);
  return name === '' ? null : name;
}

/** The file a command's standard output is redirected to (`> FILE`, `>> FILE`; not stderr or other descriptors), or undefined. */
function stdoutTarget(inv: Invocation): string | undefined {
  // Redirections apply from left to right: the last one for standard output wins (POSIX XCU 2.7), and a
  // duplication or close (`>&2`, `>&-`) sends it to no file (review 15, probe 12). bash's `&>file`,
  // `&>>file` and `>&file` send it to the file (review 16, probe 12); read as bash reads them, since a
  // download run through one of them is the finding whichever shell was meant.
  const words = inv.cmd.words;
  let found: string | undefined;
  for (let k = 0; k < words.length; k++) {
    if (/^[02-9]/.test(words[k].value)) continue;
    const target = outputRedirectTarget(words, k, true);
    if (target) found = !target.startsWith('&') ? target : /^&(?:\d+|-)?$/.test(target) ? undefined : target.slice(1);
  }
  return found;
}

/**
 * The file a curl or wget command saves its download to: `curl -o FILE` / `--output FILE` / `-fsSLo
 * FILE` / `-o/tmp/FILE`, `curl -O URL` (the URL's file name), `wget -O FILE`, plain `wget URL`, `wget -P DIR URL`
 * (DIR/the URL's file name). Undefined for standard output, several downloads, a directory from a variable,
 * `wget -x`/`-r`/`-i`, or `curl --output-dir`.
 */
function savedFile(inv: Invocation): string | undefined {
  if (inv.name === 'php') {
    const code = phpCode(inv) ?? '';
    const copied = PHP_COPIES_DOWNLOAD.exec(code)?.[1];
    if (copied) return copied;
    // `php -r "readfile('https://…');" > installer.php` (review 10, probe 07).
    return PHP_PRINTS_DOWNLOAD.test(code) ? stdoutTarget(inv) : undefined;
  }
  // A download written to standard output and redirected to a file (`curl https://…/rustup-init >/tmp/rustup-init`: docs.rs, review 8).
  if ((inv.name === 'curl' || inv.name === 'wget') && toStdout(inv)) return stdoutTarget(inv);
  const args = inv.args.map((w) => w.value);
  if (inv.name === 'curl') {
    let file: string | null | undefined;
    for (let k = 0; k < args.length; k++) {
      const a = args[k];
      if (a === '--output-dir' || a.startsWith('--output-dir=') || a === '--remote-name-all') return undefined;
      if (a === '--output' || a === '-o') file = args[++k];
      else if (a.startsWith('--output=')) file = a.slice(9);
      else if (a === '--remote-name' || a === '-O') file = remoteName(args);
      else {
        const o = shortOptionIndex(a, 'o', CURL_VALUE_LETTERS.replace('o', ''));
        if (o !== -1) file = a.length > o + 1 ? a.slice(o + 1) : args[++k];
        else if (shortOptionIndex(a, 'O', CURL_VALUE_LETTERS) !== -1) file = remoteName(args);
      }
    }
    return file && file !== '-' ? file : undefined;
  }
  if (inv.name !== 'wget') return undefined;
  let file: string | null | undefined;
  let dir: string | undefined;
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (a === '-i' || a.startsWith('--input-file') || a === '-r' || a === '--recursive' || a === '-x' || a === '--force-directories') return undefined;
    if (a === '--output-document') file = args[++k];
    else if (a.startsWith('--output-document=')) file = a.slice(18);
    else if (a === '--directory-prefix') dir = args[++k];
    else if (a.startsWith('--directory-prefix=')) dir = a.slice(19);
    else {
      const i = shortOptionIndex(a, 'O', WGET_VALUE_LETTERS.replace('O', ''));
      if (i !== -1) file = a.length > i + 1 ? a.slice(i + 1) : args[++k];
      // `-P DIR`, `-qP DIR`, `-P/tmp` (GNU wget: "-P prefix"; the file is prefix/<name from the URL>).
      const p = shortOptionIndex(a, 'P', WGET_VALUE_LETTERS.replace('P', ''));
      if (p !== -1) dir = a.length > p + 1 ? a.slice(p + 1) : args[++k];
    }
  }
  if (dir !== undefined) {
    // With -O the file is named as given and the prefix is not used; a prefix written with a variable is not known.
    if (file !== undefined || dir === '' || /[$`]/.test(dir)) return undefined;
    const name = remoteName(args);
    return name ? `${dir.replace(/\/+$/, '')}/${name}` : undefined;
  }
  if (file === undefined) file = remoteName(args);
  return file && file !== '-' ? file : undefined;
}

/** The directories of a Linux image's default PATH. */
const PATH_DIRS = new Set(['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']);

/** A path as a command names it, for comparing: `./x.sh` and `x.sh` are one file. */
const normPath = (p: string) => p.replace(/^(?:\.\/)+/, '');

function samePath(a: string, b: string): boolean {
  return normPath(a) === normPath(b);
}

/**
 * How a command runs `file` as a program, as the message shows it: an interpreter given it as its
 * script (`sh install.sh`, `bash -x ./install.sh -y`, `python3 get-pip.py`), `.`/`source`, or the file
 * itself (`./install.sh`, `/tmp/install.sh`). Undefined when it does not run the file.
 */
function runsFile(inv: Invocation, file: string): string | undefined {
  const program = inv.cmd.words[inv.index].value;
  if (samePath(program, file)) return program;
  // Found through PATH: `curl -o /usr/local/bin/tool … && tool --version`.
  const slash = file.lastIndexOf('/');
  if (!program.includes('/') && slash > 0 && PATH_DIRS.has(file.slice(0, slash)) && program === file.slice(slash + 1)) return program;
  if ((inv.name === '.' || inv.name === 'source') && inv.args[0] && samePath(inv.args[0].value, file)) return `${inv.name} ${inv.args[0].value}`;
  const name = interpreterName(inv);
  if (!name) return undefined;
  const source = programSource(inv, name);
  return source.kind === 'file' && samePath(source.path, file) ? `${name} ${source.path}` : undefined;
}

/**
 * `bash -c "$(curl -fsSL …)"`, `eval "$(wget -qO- …)"`: the script starts with a download, which runs whatever follows
 * it (`sh -c "$(curl -fsSL …/ohmyzsh/…/install.sh) --keep-zshrc"`, laradock's workspace: the words after it are added to
 * the downloaded script's last line).
 */
const SUBSTITUTED_DOWNLOAD = /^\s*(?:\$\(|`)\s*(?:sudo\s+)?(curl|wget)\b/;

/** PowerShell's downloads: WebClient's DownloadString and the web cmdlets, with their aliases (`curl` and `wget` are Invoke-WebRequest in Windows PowerShell). */
const PS_DOWNLOAD = String.raw`(\.DownloadString|\b(?:iwr|irm|Invoke-WebRequest|Invoke-RestMethod|curl|wget)\b)`;

/**
 * PowerShell that runs what it downloads, within one statement (up to a `;` or a line end):
 * `iex ((New-Object Net.WebClient).DownloadString('…'))` (Chocolatey's installer), `Invoke-Expression
 * (iwr … -UseBasicParsing).Content`, `& ([scriptblock]::Create((irm …)))`, and the download piped into
 * it, `iwr -useb … | iex`, `irm … | Invoke-Expression` (Invoke-Expression runs the string it is given
 * or piped as PowerShell code). A statement is read up to 400 characters from its download or its
 * iex: far more than these one-liners take, and a bound on the work of a long line of many words.
 */
const PS_RUNS_DOWNLOAD = new RegExp(String.raw`(\b(?:iex|Invoke-Expression)\b|\[scriptblock\]::Create)[^;\n|]{0,400}?${PS_DOWNLOAD}|${PS_DOWNLOAD}[^;\n]{0,400}?\|\s*(iex|Invoke-Expression)\b`, 'gi');

/** The options of powershell.exe and pwsh that take the code to run: `-Command`, `-c` and its other prefixes. */
const PS_COMMAND_OPTION = /^[-/](?:c|co|com|comm|comma|comman|command)$/i;

/** Each download run by PowerShell code (`text`), as offsets in `text`, with what downloads and what runs it. */
function powershellRunsDownload(text: string): { start: number; end: number; downloader: string; interpreter: string }[] {
  const out: { start: number; end: number; downloader: string; interpreter: string }[] = [];
  // Quoted strings are data (`Write-Host 'iwr … | iex'`): blanked, at the same length.
  const code = text.replace(/'[^']*'|"[^"]*"/g, (q) => q[0] + ' '.repeat(q.length - 2) + q[q.length - 1]);
  PS_RUNS_DOWNLOAD.lastIndex = 0;
  for (let m = PS_RUNS_DOWNLOAD.exec(code); m; m = PS_RUNS_DOWNLOAD.exec(code)) {
    const downloader = (m[2] ?? m[3]).replace(/^\.DownloadString$/i, 'WebClient.DownloadString');
    out.push({ start: m.index, end: m.index + m[0].length, downloader, interpreter: m[1] ?? m[4] });
  }
  return out;
}

/** PowerShell code and where it is: the document range of the characters from `start` to `end` (exclusive) of `text`. */
interface PowershellCode {
  text: string;
  rangeOf(start: number, end: number): [number, number];
}

/**
 * The PowerShell code of a RUN: the whole script when the stage's SHELL is PowerShell, or the
 * `-Command` of a `powershell`/`pwsh` command (exec form or shell form). Shell-form words are given as
 * the shell reads them (quotes removed), so a range there covers whole words.
 */
function powershellCode(script: RunScript, stageShell: string[] | null | undefined): PowershellCode[] {
  if (stageShell && !script.json && isPowerShell(shellProgram(stageShell))) {
    const { text, offsets } = script.source;
    return [{ text, rangeOf: (start, end) => [offsets[start], offsets[Math.max(start, end - 1)] + 1] }];
  }
  const out: PowershellCode[] = [];
  for (const cmd of script.commands) {
    const words = cmd.words.slice(Math.max(0, cmd.programIndex));
    // As written: the shell reading `C:\\Windows\\…\\powershell.exe` would take its backslashes for escapes.
    if (words.length === 0 || !isPowerShell(baseName(words[0].raw.replace(/["']/g, '')))) continue;
    const c = words.findIndex((w) => PS_COMMAND_OPTION.test(w.value));
    if (c === -1 || c + 1 >= words.length) continue;
    const code = words.slice(c + 1);
    // Unquoted code that the POSIX reading cut short (`-Command iex ((New-Object …).DownloadString(…))`:
    // `(`, `;` or `|` end a command there), or that cmd, a Windows image's default shell, passes on
    // whole: powershell.exe joins everything after -Command into the code. Read as written, to the end
    // of the line (review 6, probe df-06).
    if (!script.json && cmd.next !== null && cmd.next !== '\n' && !/^["']/.test(code[0].raw)) {
      const { text, offsets } = script.source;
      let from = 0;
      while (from < text.length && offsets[from] < words[c].end) from++;
      let to = text.indexOf('\n', from);
      if (to === -1) to = text.length;
      out.push({ text: text.slice(from, to), rangeOf: (start, end) => [offsets[from + start], offsets[from + Math.max(start, end - 1)] + 1] });
      continue;
    }
    // The code is the words joined by spaces; the word a character of it belongs to.
    const wordAt = (i: number) => {
      let at = 0;
      for (const w of code) {
        at += w.value.length + 1;
        if (i < at) return w;
      }
      return code[code.length - 1];
    };
    out.push({ text: code.map((w) => w.value).join(' '), rangeOf: (start, end) => [wordAt(start).start, wordAt(Math.max(start, end - 1)).end] });
  }
  return out;
}

/**
 * The commands of a script that may run a file, indexed once per script (review 45c, item 2: looking at every later
 * command for each download was O(downloads × commands)): `byPath` maps a path as `samePath` compares it (the
 * program's path, a `.`/`source` file, an interpreter's script file) to the indexes of the commands that name it,
 * `byName` a bare program name to the commands that run it (found through PATH), each list in script order; `nextCd[i]`
 * is the first `cd` after command i. Every command listed runs the file (`runsFile` says how), so a download's runner
 * is the first listed after it.
 */
interface RunIndex {
  byPath: Map<string, number[]>;
  byName: Map<string, number[]>;
  nextCd: number[];
}

function runIndex(invs: readonly (Invocation | null)[]): RunIndex {
  const byPath = new Map<string, number[]>();
  const byName = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, key: string, k: number) => {
    const list = m.get(key);
    if (!list) m.set(key, [k]);
    else if (list[list.length - 1] !== k) list.push(k);
  };
  const nextCd = nextCdOf(invs);
  invs.forEach((inv, k) => {
    if (!inv) return;
    // The same cases as runsFile, in its order.
    const program = inv.cmd.words[inv.index].value;
    add(byPath, normPath(program), k);
    if (!program.includes('/')) add(byName, program, k);
    if ((inv.name === '.' || inv.name === 'source') && inv.args[0]) add(byPath, normPath(inv.args[0].value), k);
    const name = interpreterName(inv);
    if (!name) return;
    const source = programSource(inv, name);
    if (source.kind === 'file') add(byPath, normPath(source.path), k);
  });
  return { byPath, byName, nextCd };
}

/** For each command, the index of the first `cd` after it (the commands' count if none). */
function nextCdOf(invs: readonly (Invocation | null)[]): number[] {
  const nextCd: number[] = new Array<number>(invs.length);
  let cd = invs.length;
  for (let k = invs.length - 1; k >= 0; k--) {
    nextCd[k] = cd;
    if (invs[k]?.name === 'cd') cd = k;
  }
  return nextCd;
}

/** The first entry of an ascending list greater than `after` (Infinity if none). */
function firstAfter(list: readonly number[] | undefined, after: number): number {
  if (!list) return Infinity;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length ? list[lo] : Infinity;
}

/**
 * `curl -o install.sh URL && sh install.sh`: a download saved to a file and then run, in the same
 * script, with no checksum or signature check anywhere in the script (DF013 reads one the same way).
 * A relative file is not followed across a `cd`.
 */
function savedThenRun(cmds: SimpleCommand[], invs: readonly (Invocation | null)[], checked: () => readonly SimpleCommand[], report: (a: SimpleCommand, b: SimpleCommand, data: Data) => void): void {
  let index: RunIndex | undefined;
  for (let i = 0; i < cmds.length; i++) {
    const inv = invs[i];
    if (!inv || (inv.name !== 'curl' && inv.name !== 'wget' && inv.name !== 'php')) continue;
    const file = savedFile(inv);
    if (!file) continue;
    // Asked only of a script that saves a download (most scripts save none).
    if (checksDownload(checked())) return;
    index ??= runIndex(invs);
    // By its path; through PATH when it was saved into one of PATH's directories; a relative file is not followed across a `cd`.
    const byPath = index.byPath.get(normPath(file));
    const slash = file.lastIndexOf('/');
    const byName = slash > 0 && PATH_DIRS.has(file.slice(0, slash)) ? index.byName.get(file.slice(slash + 1)) : undefined;
    const end = file.startsWith('/') ? cmds.length : index.nextCd[i];
    let k = i;
    let by: string | undefined;
    while (!by) {
      k = Math.min(firstAfter(byPath, k), firstAfter(byName, k));
      if (k >= end) break;
      by = runsFile(invs[k]!, file);
    }
    if (by) report(cmds[i], cmds[k], { downloader: inv.name, interpreter: by, form: 'saved-file', file });
  }
}

/** dpkg's options that take the next word as their value (dpkg(1)). */
const DPKG_VALUE_OPTIONS = new Set(['--admindir', '--root', '--instdir', '--log', '--status-fd', '--status-logger', '--path-include', '--path-exclude', '--pre-invoke', '--post-invoke', '--abort-after', '--ignore-depends']);
/** rpm's options that take the next word as their value (rpm(8)). */
const RPM_VALUE_OPTIONS = new Set(['-r', '--root', '--dbpath', '--prefix', '--relocate', '--excludepath', '-D', '--define', '--macros', '--rcfile', '--predefine', '--pipe', '-E', '--eval']);
/** gdebi's options that take the next word as their value. */
const GDEBI_VALUE_OPTIONS = new Set(['-o', '--option', '--root']);
/** The subcommands of dnf and yum that install the packages named (a file or a URL among them). */
const RPM_INSTALL_ACTIONS = new Set(['install', 'localinstall', 'reinstall', 'upgrade', 'update', 'localupdate', 'downgrade']);

/** The programs packageInstall reads. */
const PACKAGE_INSTALLERS = new Set(['dpkg', 'gdebi', 'rpm', 'apt-get', 'apt', 'dnf', 'yum']);

/** A URL that curl, wget, rpm or dnf fetch. */
const DOWNLOAD_URL = /^(?:https?|ftp):\/\//i;

/** The operands of a command from `from` on: the words that are no option and no option's value (`--` ends the options). */
function operandsOf(args: readonly Word[], from: number, valued: ReadonlySet<string>): Word[] {
  const out: Word[] = [];
  let options = true;
  for (let k = from; k < args.length; k++) {
    const a = args[k].value;
    if (options && a === '--') options = false;
    else if (options && a.startsWith('-') && a.length > 1) {
      if (valued.has(a)) k++;
    } else if (/^(?:\d*|&)[<>]/.test(a)) {
      if (/^(?:\d*|&)[<>]+&?$/.test(a)) k++; // `> file`: the target is the next word
    } else out.push(args[k]);
  }
  return out;
}

/**
 * A command that installs package files and runs their maintainer scripts (scriptlets) as root without requiring a
 * signature, with the operands that may be package files or URLs: `dpkg -i`/`--install`/`--unpack` (dpkg checks
 * no signature: debsig-verify is a separate tool), `apt-get`/`apt install ./x.deb` (a path: APT's signatures are
 * those of a repository's Release file, which a file does not come from), `gdebi`, `rpm -i`/`-U`/`-F` (RPM ≥ 4.14.2
 * requires only digests by default, `%_pkgverify_level digest`), `dnf`/`yum install` of a file or URL (neither checks
 * a package from the command line unless `localpkg_gpgcheck` is on, which it is not by default).
 */
function packageInstall(inv: Invocation, pc: PackageCommand | undefined): { installer: string; operands: Word[] } | undefined {
  if (inv.viaXargs) return undefined;
  if (pc) {
    if ((pc.tool === 'apt-get' || pc.tool === 'apt') && (pc.action === 'install' || pc.action === 'reinstall')) {
      // APT reads an operand as a file only when it holds a `/` (`./x.deb`, `/tmp/x.deb`); `x.deb` names a package.
      return { installer: `${pc.display} ${pc.action}`, operands: pc.operands.filter((w) => w.value.includes('/')) };
    }
    if ((pc.tool === 'dnf' || pc.tool === 'yum') && RPM_INSTALL_ACTIONS.has(pc.action)) {
      return { installer: `${pc.display} ${pc.actionWord?.value ?? pc.action}`, operands: pc.operands.filter((w) => /\.rpm$/i.test(w.value) || w.value.includes('$')) };
    }
    return undefined;
  }
  const args = inv.args;
  const values = args.map((w) => w.value);
  if (inv.name === 'dpkg') {
    if (values.some((a) => a === '-R' || a === '--recursive')) return undefined; // directories, not files
    const a = values.findIndex((v) => /^-[EGBO]*i[EGBO]*$/.test(v) || v === '--install' || v === '--unpack');
    return a === -1 ? undefined : { installer: `dpkg ${values[a]}`, operands: operandsOf(args, a + 1, DPKG_VALUE_OPTIONS) };
  }
  if (inv.name === 'gdebi') return { installer: 'gdebi', operands: operandsOf(args, 0, GDEBI_VALUE_OPTIONS) };
  if (inv.name === 'rpm') {
    if (values.includes('--test')) return undefined; // checks what would happen, installs nothing
    const a = values.findIndex((v) => /^-[ivh]*[iUF][ivh]*$/.test(v) || v === '--install' || v === '--upgrade' || v === '--freshen' || v === '--reinstall');
    return a === -1 ? undefined : { installer: `rpm ${values[a]}`, operands: operandsOf(args, 0, RPM_VALUE_OPTIONS) };
  }
  return undefined;
}

/** The host of a URL without its user and password (`https://u:p@example.com/x` → `example.com`), or undefined. */
function urlHost(url: string): string | undefined {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1];
  const host = authority?.slice(authority.lastIndexOf('@') + 1);
  return host ? host : undefined;
}

/** The URL a curl/wget command downloads, when it names exactly one. */
function downloadUrl(inv: Invocation): string | undefined {
  const urls = inv.args.filter((w) => DOWNLOAD_URL.test(w.value));
  return urls.length === 1 ? urls[0].value : undefined;
}

/** A setting that makes dnf/yum check the signature of a package from the command line (`--setopt=localpkg_gpgcheck=1`, or written to dnf.conf/yum.conf). */
const LOCALPKG_GPGCHECK_ON = /\blocalpkg_gpgcheck\s*=\s*(?:1|true|yes|on)\b/i;
/** RPM told to require a signature (`--define '_pkgverify_level signature'`, or written to a macros file): rpm, dnf and yum then refuse an unsigned package. */
const PKGVERIFY_SIGNATURE = /\b_pkgverify_level\s+(?:signature|all)\b/i;

/**
 * `wget https://…/x.deb && dpkg -i x.deb`, `curl -o /tmp/u.deb … && apt-get install -y /tmp/u.deb`, `rpm -i https://…/x.rpm`,
 * `dnf install https://…/x.rpm`: a package downloaded in the script (by curl/wget, or by the installer from a URL) and
 * installed by a tool that checks no signature of it (packageInstall), when no command of the script checks a checksum
 * or signature (as savedThenRun). Not when the script turns the tool's signature check on (`localpkg_gpgcheck=1` for
 * dnf/yum, `_pkgverify_level signature` for rpm). A relative file is not followed across a `cd`.
 */
function downloadedThenInstalled(
  cmds: SimpleCommand[],
  invs: readonly (Invocation | null)[],
  checked: () => readonly SimpleCommand[],
  packages: () => ReadonlyMap<SimpleCommand, PackageCommand>,
  resolve: (value: string) => string | null,
  rpmEnforces: () => boolean,
  report: (a: SimpleCommand, b: SimpleCommand, data: Data) => void,
): void {
  // A check anywhere in the script clears it (checksDownload, asked only once an installed file or URL is found: most installs name packages).
  // A word's value with the ARG/ENV variables it names resolved (`wget ${GRAFANA_URL} && dpkg -i ${GRAFANA_FILE}`),
  // unless the script assigns one of them itself (`F=x.deb`, `export F=…`, `for F in …`, `read F`).
  let assigned: Set<string> | undefined;
  const resolved = (value: string): string | undefined => {
    if (!value.includes('$')) return undefined;
    assigned ??= assignedNames(cmds);
    for (const m of value.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) if (assigned.has(m[1])) return undefined;
    const r = resolve(value);
    return r === null || r === value ? undefined : r;
  };
  let installs: Map<string, { k: number; installer: string }[]> | undefined;
  let signatureOn: { rpm: boolean; dnf: boolean } | undefined;
  invs.forEach((inv, k) => {
    if (!inv || !PACKAGE_INSTALLERS.has(inv.name)) return;
    const install = packageInstall(inv, packages().get(cmds[k]));
    if (!install || install.operands.length === 0) return;
    const rpmFamily = inv.name === 'rpm' || inv.name === 'dnf' || inv.name === 'yum';
    if (rpmFamily) {
      signatureOn ??= signatureChecksOn(checked());
      if (signatureOn.rpm || (inv.name !== 'rpm' && signatureOn.dnf)) return;
      // dnf and yum turn RPM's check off for command-line packages unless localpkg_gpgcheck is on (dnf5 #2615); rpm does not.
      if (inv.name === 'rpm' && rpmEnforces()) return;
    }
    for (const w of install.operands) {
      if (DOWNLOAD_URL.test(w.value)) {
        // The installer downloads it: rpm and dnf/yum take URLs (dpkg, gdebi and APT do not).
        if (!rpmFamily || checksDownload(checked())) continue;
        const name = w.value.replace(/[?#].*$/, '');
        report(cmds[k], cmds[k], { downloader: inv.name, interpreter: install.installer, form: 'package', file: name.slice(name.lastIndexOf('/') + 1), host: urlHost(w.value) });
        continue;
      }
      installs ??= new Map();
      const r = resolved(w.value);
      for (const key of r === undefined ? [normPath(w.value)] : [normPath(w.value), normPath(r)]) {
        const list = installs.get(key);
        if (!list) installs.set(key, [{ k, installer: install.installer }]);
        else if (list[list.length - 1].k !== k) list.push({ k, installer: install.installer });
      }
    }
  });
  if (!installs || checksDownload(checked())) return;
  let nextCd: number[] | undefined;
  for (let i = 0; i < cmds.length; i++) {
    const inv = invs[i];
    if (!inv || (inv.name !== 'curl' && inv.name !== 'wget')) continue;
    let file = savedFile(inv);
    let list = file === undefined ? undefined : installs.get(normPath(file));
    if (file === undefined || !list) {
      // Read again with the variables of its words resolved: `wget ${URL}` saves the URL's file name.
      const args = inv.args.map((w) => {
        const r = resolved(w.value);
        return r === undefined ? w : { ...w, value: r };
      });
      const again = args.some((w, k) => w !== inv.args[k]) ? savedFile({ ...inv, args }) : undefined;
      list = again === undefined ? undefined : installs.get(normPath(again));
      if (again === undefined || !list) continue;
      file = again;
    }
    nextCd ??= nextCdOf(invs);
    const end = file.startsWith('/') ? cmds.length : nextCd[i];
    const at = list.find((e) => e.k > i);
    if (at && at.k < end) report(cmds[i], cmds[at.k], { downloader: inv.name, interpreter: at.installer, form: 'package', file, host: urlHost(downloadUrl(inv) ?? '') });
  }
}

/** The shell variables a script sets: `NAME=…` words (also after `export`/`local`/`declare`), and the names `for` and `read` take. */
function assignedNames(cmds: readonly SimpleCommand[]): Set<string> {
  const out = new Set<string>();
  for (const c of cmds) {
    c.words.forEach((w, k) => {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/.exec(w.value);
      if (m) out.add(m[1]);
      else if ((w.value === 'for' || w.value === 'read') && k + 1 < c.words.length) {
        for (const v of c.words.slice(k + 1)) if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.value)) out.add(v.value);
      }
    });
  }
  return out;
}

/**
 * Whether rpm itself may require a signature in a stage: RPM 6.0's upstream default is `%_pkgverify_level all`, which
 * Fedora adopts from Fedora 45 (fedoraproject.org/wiki/Changes/Enforcing_signature_checking_by_default); RHEL and its
 * rebuilds, Amazon Linux, openSUSE and Fedora up to 44 keep RPM's `digest`. A Fedora base whose release is not a number
 * below 45 (`fedora:45`, `fedora:latest`, `fedora:rawhide`, no tag) may enforce: rpm's own installs are not reported there.
 */
function rpmMayEnforce(stage: Stage | null): boolean {
  let base = stage?.base;
  for (let depth = 0; base?.kind === 'stage' && depth < 32; depth++) base = base.stage.base;
  if (base?.kind !== 'image') return false;
  const { repository, tag } = base.ref;
  if (repository !== 'fedora' && !repository.endsWith('/fedora')) return false;
  const release = /^(\d+)(?:$|[.-])/.exec(tag ?? '');
  return !release || Number(release[1]) >= 45;
}

/** Whether a script turns on the signature check of RPM (for rpm, dnf and yum) or of dnf/yum for command-line packages: a word of it sets it. */
function signatureChecksOn(commands: readonly SimpleCommand[]): { rpm: boolean; dnf: boolean } {
  let rpm = false;
  let dnf = false;
  for (const c of commands) {
    for (const w of c.words) {
      if (!rpm && PKGVERIFY_SIGNATURE.test(w.value)) rpm = true;
      if (!dnf && LOCALPKG_GPGCHECK_ON.test(w.value)) dnf = true;
    }
  }
  return { rpm, dnf };
}

export default defineRule<'dockerfile', Data>({
  code: 'DF014',
  name: 'remote-script-piped-to-shell',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'never',
  docs: {
    summary: 'A RUN downloads a script or package and runs or installs it unchecked (`curl … | sh`, `dpkg -i` of a download).',
    what: 'Flags RUN commands that download a script and run it without checking it: `curl … | sh` (also `| bash`, `| sudo -E bash -`, `| sh -s -- args`, `| python3 -` and other interpreters reading the program from standard input; also from a subshell or brace group whose output is piped, `( curl … || echo \'return 1\' ) | sh -s @composer`, `{ curl …; } | sh`), `bash -c "$(curl …)"`, `eval "$(wget -qO- …)"`, and process substitution such as `bash <(curl …)`, and PHP printing a download into `php` (`php -r "readfile(\'http://…/installer\');" | php --`) — for these only a download that goes to standard output counts, and only an interpreter that reads its program from the pipe (`| sh -c \'…\'`, `| python3 -c …`, `| tar -x` do not). Also a download saved to a file (`curl -o FILE`, also attached, `-o/tmp/i.sh`, `-fsSLo/tmp/i.sh`; `curl -O URL`, `wget -O FILE`, plain `wget URL`, `wget -P DIR URL`; BusyBox\'s `busybox wget` as wget, or written to standard output and redirected, `curl URL > FILE`; PHP\'s `php -r "copy(\'https://…\', \'composer-setup.php\');"`) that a later command of the same script runs — through an interpreter (`sh /tmp/install.sh`, `python3 get-pip.py`), `.`/`source`, by its path (`./install.sh`, `/usr/local/bin/tool`) or through PATH (`curl -o /usr/local/bin/tool … && tool --version`) — when no command of the script checks a checksum or signature (`sha256sum -c`, `shasum --check`, `gpg --verify`, `gpgv`, `cosign verify…`, `minisign -V`, PHP\'s `hash_file(…)` as Composer\'s installer instructions do); a relative file is not followed across a `cd`. On Windows, PowerShell that runs what it downloads, in one statement: `iex ((New-Object Net.WebClient).DownloadString(\'…\'))` (Chocolatey\'s installer), `Invoke-Expression (iwr …).Content`, `iwr -useb … | iex`, `irm … | Invoke-Expression`, `& ([scriptblock]::Create((irm …)))` — in a stage whose SHELL is PowerShell, or in the `-Command` of a `powershell`/`pwsh` command, quoted or not (unquoted, powershell.exe joins everything after `-Command` into the code: `powershell -Command iex ((New-Object …).DownloadString(…))`, read to the end of the line; quoted strings inside the code are not read as code). Every stage and ONBUILD trigger is judged, heredoc scripts included; RUN scripts are also read inside the quoted script of a shell the RUN starts (`sh -c "curl -fsSL https://…/install.sh | sh"`, `bash -euxo pipefail -c "…"`, `su app -c \'…\'`, also through wrappers) when the string is one single-quoted string, or a double-quoted one without `\\` or backticks, on one line, and reads its arguments only as whole words (`"$@"`, `"$1"`: the operands its shell is given after `$0`\'s name, POSIX sh -c, read in their place; not `$#`, `"$*"`, `pkg-$1`, nor after `shift` or `set --`): a string with escapes is not read, and a quoted string given to another program (`echo \'…\'`, `grep \'…\'`) is data, and a string inside such a string is not read; a checksum or signature check in the script or in a string of it counts for both. Also a package file the script downloads (saved by curl/wget as above, its URL or file name also from ARG/ENV variables the script does not set itself: `wget ${GRAFANA_URL} && dpkg -i ${GRAFANA_FILE}`) and then installs with a tool that checks no signature of it — `dpkg -i`/`--install`/`--unpack` (dpkg checks none: a .deb\'s signature is checked only by the separate debsig-verify), `apt-get`/`apt install` of a path (`./x.deb`, `/tmp/x.deb`: APT\'s signatures are those of a repository\'s Release file), `gdebi`, `rpm -i`/`-U`/`-F` (RPM before 6.0 checks a signature when it can but never requires one — since 4.14.2 its default is `%_pkgverify_level digest` — so an unsigned package, or one signed with a key not imported, installs), `dnf`/`yum install` (also `localinstall`, `reinstall`, `upgrade`) of a `.rpm` file — or a package the installer downloads itself, `rpm -i https://…/x.rpm`, `dnf install https://…/x.rpm` (dnf 4 and 5 and yum check a package given on the command line only with `localpkg_gpgcheck`, off by default) — when no command of the script checks a checksum or signature (as above, and `debsig-verify`, and `rpm -K`/`--checksig` piped into a `grep` for `pgp` or `signatures OK`, or told `_pkgverify_level signature`: plain `rpm -K` passes an unsigned package whose digests match). Not when the script turns the check on (`--setopt=localpkg_gpgcheck=1` or `localpkg_gpgcheck=1` written to dnf.conf/yum.conf for dnf/yum, `_pkgverify_level signature` or `all` for rpm), nor `rpm`\'s own installs in a stage based on Fedora 45 or later (or a Fedora tag that is no release number), where RPM 6\'s default requires a signature; a package file copied in (COPY) or built in the script is not a download, and a relative file is not followed across a `cd`.',
    why: 'Whatever the server sends at build time runs as root in the build — a package\'s maintainer scripts (dpkg\'s preinst/postinst, RPM\'s scriptlets) as much as a script: nothing in the Dockerfile says which version of the script ran, a compromised or hijacked host (or a truncated download, which the shell runs half of) changes the image without any change in the repository, and the same Dockerfile builds different images on different days. SECURITY-GUIDELINES.md "Supply Chain Security" ("Use verified packages", "Review dependencies") and §6 ("Scan dependencies", "Use specific versions").',
    bad: 'FROM debian:12-slim\nRUN curl -fsSL https://example.com/install.sh | sh',
    good: 'FROM debian:12-slim\nARG INSTALLER_VERSION=1.4.2\nARG INSTALLER_SHA256=<sha256 of that release>\nRUN curl -fsSLo /tmp/install.sh https://example.com/releases/${INSTALLER_VERSION}/install.sh \\\n && echo "${INSTALLER_SHA256}  /tmp/install.sh" | sha256sum -c - \\\n && sh /tmp/install.sh && rm /tmp/install.sh',
    fix: 'No automatic fix: the safe form needs facts the Dockerfile does not contain — a pinned URL of a released version and its checksum or signature, which only the publisher provides. Download to a file, verify it (`sha256sum -c`, `gpg --verify`; gosu\'s and get-pip\'s own instructions do; in PowerShell `Invoke-WebRequest -OutFile`, then `Get-FileHash` or `Get-AuthenticodeSignature`), then run it; better, install a packaged release (apt/apk package, a release binary with its checksum, or `COPY --from=<official image>`). For a package file: check its published checksum (`sha256sum -c`) or signature (`debsig-verify` for a signed .deb; for an .rpm, import the publisher\'s key with `rpm --import` and install with `dnf --setopt=localpkg_gpgcheck=1` or `rpm --define \'_pkgverify_level signature\'`), or better, add the publisher\'s APT/DNF repository with its signing key (`signed-by=`, `gpgkey=`) and install from it.',
    guideline: 'Dependency Security — "Supply Chain Security: Use verified packages, Review dependencies"; §6 Image Build Security — "Scan dependencies", "Use specific versions"',
    equivalents: ['Semgrep bash.curl.security.curl-pipe-bash', 'PSScriptAnalyzer PSAvoidUsingInvokeExpression (any Invoke-Expression in a PowerShell script)', 'hadolint, Checkov, Trivy and BuildKit have no equivalent check; KICS has none either (its related supply-chain queries are "Curl or Wget Instead of Add" and "Run Using wget and curl")', 'For packages: none of these reports a downloaded .deb/.rpm installed unchecked; Checkov reports only switches that turn a check off (CKV2_DOCKER_7, `apk --allow-untrusted`), as DF013 does'],
    references: [
      'https://github.com/semgrep/semgrep-rules/blob/develop/bash/curl/security/curl-pipe-bash.yaml',
      'https://docs.docker.com/build/building/best-practices/#add-or-copy',
      'https://curl.se/docs/manpage.html#-o',
      'https://www.gnu.org/software/wget/manual/wget.html#Download-Options',
      'https://www.gnu.org/software/bash/manual/bash.html#Invoking-Bash',
      'https://learn.microsoft.com/powershell/module/microsoft.powershell.utility/invoke-expression',
      'https://learn.microsoft.com/powershell/utility-modules/psscriptanalyzer/rules/avoidusinginvokeexpression',
      'https://manpages.ubuntu.com/manpages/kinetic/en/man1/debsig-verify.1.html',
      'https://www.debian.org/doc/manuals/securing-debian-manual/deb-pack-sign.en.html',
      'https://fedoraproject.org/wiki/Changes/Enforcing_signature_checking_by_default',
      'https://man7.org/linux/man-pages/man5/dnf.conf.5.html',
      'https://github.com/rpm-software-management/dnf5/issues/991',
      'https://github.com/rpm-software-management/dnf5/pull/2615',
    ],
  },
  check(ctx) {
    const out: Detection<Data>[] = [];
    // From the first program's name (not a `then`/`do` before it) to the end of the last command.
    const startOf = (c: SimpleCommand) => c.words[Math.max(0, c.programIndex)].start;
    const report = (a: SimpleCommand, b: SimpleCommand, data: Data) => {
      out.push({ range: ctx.rangeOfOffsets(Math.min(startOf(a), startOf(b)), Math.max(a.end, b.end)), data });
    };
    // PowerShell is read only in a file that names it (a SHELL or a command).
    const powershell = /powershell|pwsh/i.test(ctx.text);
    const shells = new Map<Stage, Map<Instruction, string[] | null>>();
    for (const run of ctx.runs()) {
      // The RUN's package-manager calls (apt-get, dnf…), by command: their subcommands and operands.
      let packages: Map<SimpleCommand, PackageCommand> | undefined;
      let stageShell: string[] | null | undefined;
      if (powershell && run.stage && !run.onbuild) {
        let m = shells.get(run.stage);
        if (!m) shells.set(run.stage, (m = shellsOf(ctx, run.stage)));
        stageShell = m.get(run.instruction) ?? null;
      }
      // The RUN's scripts and the quoted scripts of the shells they start (`sh -c 'curl … | sh'`).
      const strings = stringScriptsOf(run);
      for (const script of strings.length === 0 ? run.scripts : [...run.scripts, ...strings]) {
        // A script string under a PowerShell SHELL is already read with the RUN's code; elsewhere only its `pwsh -Command …`.
        const psStage = !!stageShell && isPowerShell(shellProgram(stageShell));
        if (powershell && !(script.inString && psStage)) {
          for (const code of powershellCode(script, script.inString ? null : stageShell)) {
            for (const f of powershellRunsDownload(code.text)) {
              const [start, end] = code.rangeOf(f.start, f.end);
              out.push({ range: ctx.rangeOfOffsets(start, end), data: { downloader: f.downloader, interpreter: f.interpreter, form: 'powershell' } });
            }
          }
        }
        if (!script.isShell) continue;
        const cmds = script.commands;
        // A check anywhere in the script, or in a script string of it (`sh -c 'curl -o f … && sh f' && sha256sum -c …`), counts as DF013 counts it.
        // Read when a download is saved or installed (most scripts save none).
        const checked = () => commandsWithStrings(run, script);
        // Each command's program (through busybox's applets), read once for both readers below.
        const invs = cmds.map((c) => applet(invocation(c)));
        savedThenRun(cmds, invs, checked, report);
        // Only a script that calls an installer can install a download; the RUN's package commands are looked up for it alone.
        if (invs.some((inv) => inv !== null && PACKAGE_INSTALLERS.has(inv.name))) {
          const packagesOf = () => (packages ??= new Map(packageCommandsOfInStrings(ctx, run).map((pc) => [pc.command, pc])));
          const line = run.instruction.getRange().start.line;
          downloadedThenInstalled(cmds, invs, checked, packagesOf, (value) => resolveAt(ctx, value, line), () => rpmMayEnforce(run.stage), report);
        }
        cmds.forEach((cmd, i) => {
          // curl … | sh; ( curl … || echo 'return 1' ) | sh and { curl …; } | sh (the group's output is piped)
          const dl = downloader(cmd);
          const target = dl === undefined ? undefined : cmd.next === '|' ? (i + 1 < cmds.length ? i + 1 : undefined) : groupPipeTarget(cmds, i);
          if (dl && target !== undefined) {
            for (const j of pipelineOf(cmds, target).filter((k) => k >= target)) {
              const inv = invocation(cmds[j]);
              const name = inv && interpreterName(inv);
              // Under xargs the pipe is xargs's input (the interpreter's arguments), not the interpreter's.
              if (inv && name && !inv.viaXargs && programSource(inv, name).kind === 'stdin') {
                report(cmd, cmds[j], { downloader: dl, interpreter: name, form: 'pipe' });
                break;
              }
            }
          }
          const inv = invocation(cmd);
          if (!inv) return;
          // What is left reads a command only before a process substitution (`bash <(curl …)`: its last word `<`
          // before a `(`), or as code it runs, which only `eval` and the sh family (also as busybox's applet) take:
          // any other command is passed over before its name is matched against the interpreters (most commands).
          const lastWord = cmd.words[cmd.words.length - 1];
          const processSubstitution = cmd.next === '(' && lastWord.raw === '<' && cmd.words.length > 1;
          if (!processSubstitution && inv.name !== 'eval' && inv.name !== 'busybox' && !SH_FAMILY.has(inv.name)) return;
          const name = interpreterName(inv) ?? (['eval', 'source', '.'].includes(inv.name) ? inv.name : undefined);
          if (!name) return;
          // bash <(curl …), bash < <(curl …), source <(curl …)
          if (processSubstitution) {
            const sub = downloader(cmds[i + 1]);
            if (sub) report(cmd, cmds[i + 1], { downloader: sub, interpreter: name, form: 'process-substitution' });
            return;
          }
          // bash -c "$(curl …)", eval "$(curl …)"
          let code: string | undefined;
          if (name === 'eval') code = inv.args.map((w) => w.value).join(' ');
          else if (SH_FAMILY.has(name)) {
            const c = inv.args.findIndex((w) => /^-[A-Za-z]*c[A-Za-z]*$/.test(w.value));
            if (c !== -1) code = inv.args[c + 1]?.value;
          }
          const m = code !== undefined ? SUBSTITUTED_DOWNLOAD.exec(code) : null;
          if (m) report(cmd, cmd, { downloader: m[1], interpreter: name, form: 'command-substitution' });
        });
      }
    }
    return out;
  },
  message(d) {
    if (d.form === 'powershell') return `A script downloaded with ${d.downloader} is run by ${d.interpreter} without being pinned or checked; save it to a file, check its hash (Get-FileHash) or signature (Get-AuthenticodeSignature), then run it.`;
    if (d.form === 'package') {
      const from = d.host ? ` from ${d.host}` : '';
      const file = shownFile(d.file);
      const what = d.downloader === 'curl' || d.downloader === 'wget' ? `A package downloaded with ${d.downloader}${from} to ${file}` : `A package that ${d.downloader} downloads${from} (${file})`;
      const verify = /^(?:rpm|dnf|yum)\b/.test(d.interpreter)
        ? "verify it (sha256sum -c, gpg --verify) or require its signature (dnf --setopt=localpkg_gpgcheck=1, rpm --define '_pkgverify_level signature')"
        : 'verify it (sha256sum -c, gpg --verify, debsig-verify)';
      return `${what} is installed with ${d.interpreter} without its checksum or signature being checked, and its maintainer scripts run as root in the build; ${verify} before installing it, or install it from a signed repository.`;
    }
    if (d.form === 'saved-file') return `A program downloaded with ${d.downloader} to ${shownFile(d.file)} is run (${shownWords(d.interpreter)}) without its checksum or signature being checked; verify it (sha256sum -c, gpg --verify) before running it.`;
    const how = d.form === 'pipe' ? `is piped into ${d.interpreter}` : d.form === 'process-substitution' ? `is run by ${d.interpreter} through <(…)` : `is run by ${d.interpreter} through $(…)`;
    return `A script downloaded with ${d.downloader} ${how} without being pinned or checked; download it to a file, verify its checksum or signature, then run it.`;
  },
});
