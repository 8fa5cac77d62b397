import type { Instruction } from 'dockerfile-ast';
import { defineRule } from '../engine/rule';
import type { DockerfileContext, RunInstruction, RunScript } from '../engine/dockerfile';
import { checksDownload, CURL_VALUE_LETTERS, deleteCommandEdit, deleteInstructionEdit, deleteListItemsEdit, invocation, isPlainWord, shortOptionIndex, type Invocation } from '../engine/run-commands';
import { packageCommandAt } from '../engine/packages';
import { commandsWithStrings, stringScriptsOf } from '../engine/script-strings';
import { mayHoldPropertyText } from '../engine/df-instructions';
import { propertiesOf, VariableScope } from '../engine/stage-scope';
import { outputRedirectTarget, type SimpleCommand, type Word } from '../engine/shell';
import type { Detection, Range } from '../engine/types';

type Effect = 'tls' | 'signature' | 'host-key';

interface Data {
  /** How it is written, for the message: `curl -k`, `ENV NODE_TLS_REJECT_UNAUTHORIZED=0`. */
  setting: string;
  /** Whose verification it turns off: `curl`, `Node.js`, `apt-get`… */
  tool: string;
  effect: Effect;
  /** The text to delete to remove the setting; null when it cannot be removed exactly. */
  removal: Range | null;
}

/** Environment variables that turn verification off (by name), and the values that do. */
const ENV_SETTINGS: { name: string; tool: string; disables: (v: string) => boolean; effect?: Effect }[] = [
  { name: 'NODE_TLS_REJECT_UNAUTHORIZED', tool: 'Node.js', disables: (v) => v === '0' },
  { name: 'PYTHONHTTPSVERIFY', tool: 'Python', disables: (v) => v === '0' },
  // Git skips verification when the variable is set to any value.
  { name: 'GIT_SSL_NO_VERIFY', tool: 'git', disables: () => true },
  { name: 'PIP_TRUSTED_HOST', tool: 'pip', disables: (v) => v.trim() !== '' },
  // npm reads npm_config_* case-insensitively (settingNamed).
  { name: 'npm_config_strict_ssl', tool: 'npm', disables: (v) => /^(?:false|0|no)$/i.test(v) },
  { name: 'YARN_ENABLE_STRICT_SSL', tool: 'yarn', disables: (v) => /^(?:false|0)$/i.test(v) },
  // The ssh command git runs (git-scm.com/docs/git#Documentation/git.txt-GITSSHCOMMAND).
  { name: 'GIT_SSH_COMMAND', tool: 'git over ssh', disables: (v) => NO_HOST_KEY_CHECK.test(v), effect: 'host-key' },
];
const SETTINGS_BY_NAME = new Map(ENV_SETTINGS.map((s) => [s.name, s]));
const NPM_STRICT_SSL = SETTINGS_BY_NAME.get('npm_config_strict_ssl')!;

/** The ENV_SETTINGS entry of a variable name (one Map lookup per ENV/ARG property, not a regular expression per entry). */
function settingNamed(name: string): (typeof ENV_SETTINGS)[number] | undefined {
  return SETTINGS_BY_NAME.get(name) ?? (/^npm_config_strict_ssl$/i.test(name) ? NPM_STRICT_SSL : undefined);
}

/** ssh_config's `StrictHostKeyChecking no` (or `off`), as an option (`-o StrictHostKeyChecking=no`) or a config line. */
const NO_HOST_KEY_CHECK = /StrictHostKeyChecking(?:\s*=\s*|\s+)["']?(?:no|off)\b/i;
/**
 * What every setting sshConfigLine and aptConfigLine read in an echo's text names: NO_HOST_KEY_CHECK's `StrictHostKeyChecking`,
 * APT_CONF_TLS's and APT_CONF_UNSIGNED's `Acquire::` or `APT::` (all without case), SOURCES_TRUSTED's `trusted=yes`.
 */
const ECHOED_SETTING = /StrictHostKeyChecking|Acquire::|APT::|trusted=yes/i;

/**
 * Whether an echo/printf's arguments may write one of those settings: each name holds no blank, so it lies inside one
 * argument of the text they are joined into with blanks. Most echoes write none: their text is then not joined and read.
 */
function echoesSetting(cmd: SimpleCommand): boolean {
  for (let i = cmd.programIndex + 1; i < cmd.words.length; i++) if (ECHOED_SETTING.test(cmd.words[i].value)) return true;
  return false;
}

const SSH_CLIENTS = new Set(['ssh', 'scp', 'sftp', 'rsync', 'autossh']);

function envSetting(name: string, value: string): { tool: string; effect?: Effect } | undefined {
  const s = settingNamed(name);
  return s && s.disables(value) ? s : undefined;
}

/** Any of ENV_SETTINGS's names in a text (npm's without case, settingNamed; the others too: a looser test). */
const SETTING_NAME = new RegExp(ENV_SETTINGS.map((s) => s.name).join('|'), 'i');

/** Whether an ENV or ARG instruction sets one of ENV_SETTINGS's variables (whatever the value). */
function setsSettingVariable(ctx: DockerfileContext, ins: Instruction): boolean {
  const kw = ins.getKeyword();
  if (kw !== 'ENV' && kw !== 'ARG') return false;
  // A name none of whose spellings is in the instruction's text is no property's (most ENV/ARGs): its properties are not read.
  if (!mayHoldPropertyText(ctx, ins, SETTING_NAME)) return false;
  for (const p of propertiesOf(ins)) {
    const name = p.getName();
    if (settingNamed(name)) return true;
  }
  return false;
}

const APT = new Set(['apt', 'apt-get', 'aptitude']);
/** apt.conf(5) lines that turn checks off, as the `-o` options read below: `Acquire::https::Verify-Peer "false";`. */
const APT_CONF_TLS = /Acquire::https::(?:[^:\s"=]+::)?Verify-(?:Peer|Host)\s+"(?:0|false|no)"\s*;/i;
const APT_CONF_UNSIGNED = /(?:APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories|Acquire::AllowDowngradeToInsecureRepositories)\s+"(?:1|true|yes)"\s*;/i;
/** A one-line-style source with the option `trusted=yes` (sources.list(5)): `deb [trusted=yes] http://… ./`, `deb [arch=amd64 trusted=yes] …`. */
const SOURCES_TRUSTED = /(?:^|\s|\\n)deb(?:-src)?\s+\[(?:[^\]]*\s)?trusted=yes(?:\s[^\]]*)?\]\s*(\S*)/;
const RPM_FAMILY = new Set(['yum', 'dnf', 'dnf5', 'microdnf', 'tdnf', 'yum-config-manager']);
const NODE_PMS = new Set(['npm', 'pnpm', 'yarn']);
/** The programs Finder.program reads (besides pip, isPip). */
const PROGRAMS = new Set([...SSH_CLIENTS, 'curl', 'wget', 'wget2', 'apk', ...APT, ...RPM_FAMILY, 'zypper', 'rpm', ...NODE_PMS, 'git']);

function isPip(inv: Invocation): boolean {
  if (inv.name === 'uv') return true;
  if (!inv.name.startsWith('p')) return false; // no pip, no python: most commands, without a regular expression
  if (/^pip(?:\d+(?:\.\d+)?)?$/.test(inv.name)) return true;
  return /^python(?:\d+(?:\.\d+)?)?$/.test(inv.name) && inv.args[0]?.value === '-m' && /^pip\d*$/.test(inv.args[1]?.value ?? '');
}

/** The script's text maps one to one onto the document (false for JSON strings with escapes). */
function scriptIsExact(script: RunScript): boolean {
  const o = script.source.offsets;
  const n = script.source.text.length;
  return !script.json || !script.isShell || o[n] - o[0] === n;
}

class Finder {
  readonly out: Detection<Data>[] = [];
  /** The RUN and script runScript reads (for verified and downloads). */
  private run: RunInstruction | undefined;
  private script: RunScript | undefined;
  constructor(private readonly ctx: DockerfileContext) {}

  /**
   * A checksum or signature check in the script (or a script string in it, commandsWithStrings) makes up for an
   * unverified download. Asked only for the commands it excuses (curl, wget, apk).
   */
  private verified(): boolean {
    return checksDownload(commandsWithStrings(this.run!, this.script!));
  }

  /** Whether the script (with its script strings) downloads anything with curl or wget: for `apk add --allow-untrusted ./local.apk`. */
  private downloads(): boolean {
    return commandsWithStrings(this.run!, this.script!).some((c) => {
      const inv = invocation(c);
      return inv !== null && /^(?:curl|wget2?)$/.test(inv.name);
    });
  }

  private push(range: Range, setting: string, tool: string, effect: Effect, removal: Range | null): void {
    this.out.push({ range, data: { setting, tool, effect, removal } });
  }

  private wordRange(w: Word, last: Word = w): Range {
    return this.ctx.rangeOfOffsets(w.start, last.end);
  }

  /** Removal of `count` words of a command (an option and its value). */
  private removeWords(script: RunScript, cmd: SimpleCommand, index: number, count = 1): Range | null {
    if (!scriptIsExact(script)) return null;
    return deleteListItemsEdit(this.ctx, cmd.words, index, count)?.range ?? null;
  }

  /** Removal of a whole command (`npm config set strict-ssl false`); the instruction when it is all the RUN does. */
  private removeCommand(script: RunScript, scripts: RunScript[], k: number): Range | null {
    if (!scriptIsExact(script)) return null;
    // A script string's only command is not the RUN's (`apt-get update && sh -c 'npm config set strict-ssl false'`): deleteCommandEdit finds no removal.
    if (script.commands.length === 1 && scripts.length === 1 && !script.heredoc && !script.inString) return deleteInstructionEdit(this.ctx, script.instruction).range;
    const cmd = script.commands[k];
    if (cmd.words.slice(0, cmd.programIndex).some((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.raw))) return null; // `then …`, `do …`
    return deleteCommandEdit(this.ctx, script.commands, k)?.range ?? null;
  }

  runScript(run: RunInstruction, script: RunScript): void {
    const scripts = run.scripts;
    this.run = run;
    this.script = script;
    script.commands.forEach((cmd, k) => {
      const inv = invocation(cmd);
      // Assignments before the program (`NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci`, `env X=0 …`).
      const assignments = inv?.assignments ?? cmd.words.filter((x) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(x.raw));
      // By index: invocation's list of none is a frozen array, which for…of reads through an iterator V8 allocates (on every command).
      for (let a = 0; a < assignments.length; a++) this.assignment(script, cmd, assignments[a], false, scripts, k);
      this.sshConfigLine(script, k);
      if (!inv) return;
      if (inv.name === 'export' || inv.name === 'declare' || inv.name === 'typeset') {
        for (const w of inv.args) if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.value)) this.assignment(script, cmd, w, inv.args.length === 1, scripts, k);
        return;
      }
      // Most commands run none of the programs program reads; checked here, as its closures cost an allocation per call.
      if (PROGRAMS.has(inv.name) || isPip(inv)) this.program(script, scripts, k, inv);
    });
  }

  /** `echo 'StrictHostKeyChecking no' >> ~/.ssh/config` (or `| tee -a /etc/ssh/ssh_config`): every later ssh of the image trusts any host. */
  private sshConfigLine(script: RunScript, k: number): void {
    const cmd = script.commands[k];
    const program = cmd.programIndex < 0 ? '' : cmd.words[cmd.programIndex].value;
    // sed -i 's/.*StrictHostKeyChecking.*/StrictHostKeyChecking no/' /etc/ssh/ssh_config (review 10, probe 13).
    if (program === 'sed') {
      const args = cmd.words.slice(cmd.programIndex + 1).map((w) => w.value);
      if (args.some((a) => /^-[A-Za-z]*i/.test(a) || a.startsWith('--in-place')) && args.some((a) => NO_HOST_KEY_CHECK.test(a)) && args.some((a) => /ssh/.test(a) && !NO_HOST_KEY_CHECK.test(a))) {
        this.push(this.ctx.rangeOfOffsets(cmd.start, cmd.end), 'StrictHostKeyChecking no', 'ssh', 'host-key', null);
      }
      return;
    }
    if (program !== 'echo' && program !== 'printf') return;
    if (!echoesSetting(cmd)) return;
    const text = cmd.words.slice(cmd.programIndex + 1).map((w) => w.value).join(' ');
    this.aptConfigLine(script, k, text);
    if (!NO_HOST_KEY_CHECK.test(text)) return;
    const intoSsh = (words: readonly Word[]) => words.some((_, i) => /ssh/.test(outputRedirectTarget(words, i) ?? ''));
    const next = cmd.next === '|' ? script.commands[k + 1] : undefined;
    const teed = next !== undefined && next.programIndex >= 0 && /(?:^|\/)tee$/.test(next.words[next.programIndex].value) && next.words.some((w) => /ssh/.test(w.value));
    if (!intoSsh(cmd.words) && !teed) return;
    this.push(this.ctx.rangeOfOffsets(cmd.start, cmd.end), 'StrictHostKeyChecking no', 'ssh', 'host-key', null);
  }

  /**
   * APT configuration written by `echo`/`printf` into apt's files, redirected or piped to `tee`: `Acquire::https::Verify-Peer
   * "false";` (or Verify-Host, also for one host), `APT::Get::AllowUnauthenticated "true";` or `Acquire::AllowInsecureRepositories
   * "true";` into /etc/apt/apt.conf or /etc/apt/apt.conf.d/, and `deb [trusted=yes] …` into /etc/apt/sources.list or
   * /etc/apt/sources.list.d/ (sources.list(5): APT then skips the signature checks of that source; not a local `file:`/`copy:`
   * repository). Every later apt of
   * the stage runs with it. No removal: a sources line is the source of the packages installed next.
   */
  private aptConfigLine(script: RunScript, k: number, text: string): void {
    const tls = APT_CONF_TLS.exec(text);
    const sig = tls ? null : APT_CONF_UNSIGNED.exec(text);
    const trusted = tls || sig ? null : SOURCES_TRUSTED.exec(text);
    if (!tls && !sig && !trusted) return;
    const cmd = script.commands[k];
    const files: string[] = [];
    cmd.words.forEach((_, i) => {
      const target = outputRedirectTarget(cmd.words, i);
      if (target) files.push(target);
    });
    const next = cmd.next === '|' ? script.commands[k + 1] : undefined;
    const tee = next && invocation(next);
    if (tee && tee.name === 'tee') files.push(...tee.args.filter((w) => !w.value.startsWith('-')).map((w) => w.value));
    const conf = files.some((f) => /^\/etc\/apt\/(?:apt\.conf|apt\.conf\.d\/[^/]+)$/.test(f));
    const sources = files.some((f) => /^\/etc\/apt\/(?:sources\.list|sources\.list\.d\/[^/]+\.list)$/.test(f));
    const range = this.ctx.rangeOfOffsets(cmd.words[cmd.programIndex].start, cmd.end);
    if (tls && conf) this.push(range, tls[0].replace(/\s+/g, ' '), 'apt', 'tls', null);
    else if (sig && conf) this.push(range, sig[0].replace(/\s+/g, ' '), 'apt', 'signature', null);
    // A local repository (`file:`/`copy:` URI) of packages the build made: nothing of it crosses the network (docker-library's
    // postgres and nginx images build from source that way, from a download they check themselves).
    else if (trusted && sources && !/^(?:file|copy):/.test(trusted[1])) this.push(range, 'deb [trusted=yes]', 'apt', 'signature', null);
  }

  private assignment(script: RunScript, cmd: SimpleCommand, w: Word, wholeCommand: boolean, scripts: RunScript[], k: number): void {
    const eq = w.value.indexOf('=');
    const name = w.value.slice(0, eq);
    const value = w.value.slice(eq + 1);
    if (/[$`]/.test(value)) return; // from a variable: unknown
    const s = envSetting(name, value);
    if (!s) return;
    // Without the setting ssh stops at an unknown host key: no removal, the key goes into known_hosts first.
    const removal = s.effect === 'host-key' ? null : wholeCommand ? this.removeCommand(script, scripts, k) : this.removeWords(script, cmd, cmd.words.indexOf(w));
    this.push(this.wordRange(w), s.effect === 'host-key' ? `${name}=… StrictHostKeyChecking=no` : `${name}=${value}`, s.tool, s.effect ?? 'tls', removal);
  }

  /** Reports `count` arguments of a command from `inv.args[a]` on (an option and its value), with their removal. */
  private flag(script: RunScript, inv: Invocation, a: number, setting: string, tool: string, effect: Effect, count = 1): void {
    const cmd = inv.cmd;
    // inv.args leaves redirections out: the words of inv.args[a…] are removed only when they stand together in cmd.words.
    const index = cmd.words.indexOf(inv.args[a]);
    const exact = index >= 0 && cmd.words[index + count - 1] === inv.args[a + count - 1];
    this.push(this.wordRange(inv.args[a], inv.args[a + count - 1]), setting, tool, effect, exact ? this.removeWords(script, cmd, index, count) : null);
  }

  /** The options of one of PROGRAMS (or pip) that turn checks off: runScript calls it only for those. */
  private program(script: RunScript, scripts: RunScript[], k: number, inv: Invocation): void {
    const cmd = inv.cmd;
    const args = inv.args;
    const name = inv.name;
    if (SSH_CLIENTS.has(name)) {
      // ssh -o StrictHostKeyChecking=no, -oStrictHostKeyChecking=no, rsync -e 'ssh -o …'. No removal: ssh would stop at the unknown key.
      args.forEach((w, a) => {
        const opt = w.value === '-o' ? args[a + 1]?.value : w.value.startsWith('-o') ? w.value.slice(2) : w.value;
        if (opt !== undefined && NO_HOST_KEY_CHECK.test(opt) && (w.value.startsWith('-o') || name === 'rsync')) {
          const setting = name === 'rsync' && !w.value.startsWith('-o') ? 'rsync -e "ssh -o StrictHostKeyChecking=no"' : `${name} -o StrictHostKeyChecking=no`;
          this.push(this.wordRange(w, w.value === '-o' ? args[a + 1] : w), setting, name, 'host-key', null);
        }
      });
      return;
    }
    // curl, wget and apk options are excused by a check of what the script fetched (verified), asked only once one is
    // found (most downloads turn nothing off): the findings pushed from here are then dropped.
    const found = this.out.length;
    if (name === 'curl') {
      args.forEach((w, a) => {
        if (w.value === '--insecure' || w.value === '--proxy-insecure') this.flag(script, inv, a, `curl ${w.value}`, 'curl', 'tls');
        else {
          const i = shortOptionIndex(w.value, 'k', CURL_VALUE_LETTERS);
          if (i === -1) return;
          if (w.value.length === 2) this.flag(script, inv, a, 'curl -k', 'curl', 'tls');
          else {
            const removal = isPlainWord(this.ctx, w) && scriptIsExact(script) ? this.ctx.rangeOfOffsets(w.start + i, w.start + i + 1) : null;
            this.push(this.wordRange(w), 'curl -k', 'curl', 'tls', removal);
          }
        }
      });
      if (this.out.length > found && this.verified()) this.out.length = found;
    } else if (name === 'wget' || name === 'wget2') {
      args.forEach((w, a) => {
        if (w.value === '--no-check-certificate') this.flag(script, inv, a, `${name} --no-check-certificate`, name, 'tls');
        // The wgetrc command `check_certificate = off` given with -e/--execute (GNU wget: names are read without
        // case, `_` or `-`; booleans on/off, yes/no, 1/0).
        const attached = w.value.startsWith('--execute=') ? w.value.slice(10) : /^-e./.test(w.value) ? w.value.slice(2) : undefined;
        const command = attached ?? (w.value === '-e' || w.value === '--execute' ? args[a + 1]?.value : undefined);
        const m = command === undefined ? null : /^\s*([A-Za-z_-]+)\s*=\s*(\S+)\s*$/.exec(command);
        if (m && m[1].replace(/[-_]/g, '').toLowerCase() === 'checkcertificate' && /^(?:off|no|0)$/i.test(m[2])) {
          this.flag(script, inv, a, `${name} -e ${command!.trim()}`, name, 'tls', attached === undefined ? 2 : 1);
        }
      });
      if (this.out.length > found && this.verified()) this.out.length = found;
    } else if (isPip(inv)) {
      const tool = name === 'uv' ? 'uv' : 'pip';
      args.forEach((w, a) => {
        for (const opt of ['trusted-host', 'allow-insecure-host']) {
          if (w.value === `--${opt}` && a + 1 < args.length) this.flag(script, inv, a, `${tool} --${opt}`, tool, 'tls', 2);
          else if (w.value.startsWith(`--${opt}=`)) this.flag(script, inv, a, `${tool} --${opt}`, tool, 'tls');
        }
      });
      // pip config [--global|--user|--site] set global.trusted-host …, options before or after the subcommands
      // (pip's usage: `pip config [<file-option>] set name value`), read by packages.ts (review 36, probe p56).
      const pc = packageCommandAt(this.ctx, cmd.words[inv.index].start);
      if (pc && pc.tool === 'pip' && pc.command === cmd && pc.action === 'config' && pc.actionWord && pc.operands[0]?.value === 'set' && /(?:^|\.)trusted-host$/.test(pc.operands[1]?.value ?? '')) {
        this.push(this.wordRange(pc.actionWord, pc.operands[2] ?? pc.operands[1]), 'pip config set trusted-host', 'pip', 'tls', this.removeCommand(script, scripts, k));
      }
    } else if (name === 'apk') {
      args.forEach((w, a) => {
        if (w.value === '--allow-untrusted') this.flag(script, inv, a, 'apk --allow-untrusted', 'apk', 'signature');
      });
      if (this.out.length > found) {
        const packages = args.filter((w) => !w.value.startsWith('-') && w.value !== 'add');
        const localOnly = packages.length > 0 && packages.every((w) => /\.apk$/.test(w.value));
        // `apk add --allow-untrusted ./local.apk` with nothing downloaded here: packages built or copied locally.
        if (this.verified() || (localOnly && !this.downloads())) this.out.length = found;
      }
    } else if (APT.has(name)) {
      args.forEach((w, a) => {
        if (w.value === '--allow-unauthenticated' || w.value === '--force-yes' || w.value === '--allow-insecure-repositories') this.flag(script, inv, a, `${name} ${w.value}`, name, 'signature');
        const opt = w.value === '-o' ? args[a + 1]?.value : w.value.startsWith('-o') ? w.value.slice(2) : undefined;
        if (opt && /^(?:APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories|Acquire::AllowDowngradeToInsecureRepositories)=(?:1|true|yes)$/i.test(opt)) {
          this.flag(script, inv, a, `${name} -o ${opt}`, name, 'signature', w.value === '-o' ? 2 : 1);
        } else if (opt && /^Acquire::https::(?:[^:=]+::)?Verify-(?:Peer|Host)=(?:0|false|no)$/i.test(opt)) {
          this.flag(script, inv, a, `${name} -o ${opt}`, name, 'tls', w.value === '-o' ? 2 : 1);
        }
      });
    } else if (RPM_FAMILY.has(name)) {
      args.forEach((w, a) => {
        if (w.value === '--nogpgcheck' || w.value === '--no-gpgchecks') this.flag(script, inv, a, `${name} ${w.value}`, name, 'signature');
        const set = w.value.startsWith('--setopt=') ? w.value.slice(9) : w.value === '--setopt' ? args[a + 1]?.value : undefined;
        const count = w.value === '--setopt' ? 2 : 1;
        if (set && /^(?:[^=]*\.)?(?:gpgcheck|repo_gpgcheck|localpkg_gpgcheck)=(?:0|false|no|off)$/i.test(set)) this.flag(script, inv, a, `${name} --setopt=${set}`, name, 'signature', count);
        else if (set && /^(?:[^=]*\.)?sslverify=(?:0|false|no|off)$/i.test(set)) this.flag(script, inv, a, `${name} --setopt=${set}`, name, 'tls', count);
      });
    } else if (name === 'zypper') {
      args.forEach((w, a) => {
        if (w.value === '--no-gpg-checks') this.flag(script, inv, a, 'zypper --no-gpg-checks', 'zypper', 'signature');
      });
    } else if (name === 'rpm') {
      args.forEach((w, a) => {
        if (w.value === '--nosignature' || w.value === '--nodigest' || w.value === '--nogpgcheck') this.flag(script, inv, a, `rpm ${w.value}`, 'rpm', 'signature');
      });
    } else if (NODE_PMS.has(name)) {
      args.forEach((w, a) => {
        if (/^--strict-ssl=(?:false|0)$/i.test(w.value) || w.value === '--no-strict-ssl') this.flag(script, inv, a, `${name} ${w.value}`, name, 'tls');
        else if (w.value === '--strict-ssl' && /^(?:false|0)$/i.test(args[a + 1]?.value ?? '')) this.flag(script, inv, a, `${name} --strict-ssl false`, name, 'tls', 2);
      });
      // npm config set strict-ssl false | npm set strict-ssl=false | yarn config set enableStrictSsl false
      const i = args.findIndex((w) => w.value === 'set');
      if (i !== -1 && (i === 0 || ['config', 'c'].includes(args[i - 1].value))) {
        const rest = args.slice(i + 1).filter((w) => !w.value.startsWith('-'));
        const key = rest[0]?.value ?? '';
        const m = /^(strict-ssl|enableStrictSsl)(?:=(.*))?$/.exec(key);
        const value = m ? (m[2] ?? rest[1]?.value ?? '') : '';
        if (m && /^(?:false|0)$/i.test(value)) this.push(this.wordRange(args[i === 0 ? 0 : i - 1], rest[m[2] === undefined ? 1 : 0] ?? rest[0]), `${name} config set ${m[1]} false`, name, 'tls', this.removeCommand(script, scripts, k));
      }
    } else if (name === 'git') {
      // git -c http.sslVerify=false clone …
      args.forEach((w, a) => {
        if (w.value === '-c' && /^http\.(?:.+\.)?sslverify=(?:false|0|no|off)$/i.test(args[a + 1]?.value ?? '')) this.flag(script, inv, a, `git -c ${args[a + 1].value}`, 'git', 'tls', 2);
      });
      // git config --global http.sslVerify false
      const i = args.findIndex((w) => w.value === 'config');
      if (i !== -1) {
        const rest = args.slice(i + 1).filter((w) => !w.value.startsWith('-'));
        if (/^http\.(?:.+\.)?sslverify$/i.test(rest[0]?.value ?? '') && /^(?:false|0|no|off)$/i.test(rest[1]?.value ?? '')) {
          this.push(this.wordRange(args[i], rest[1]), `git config ${rest[0].value} false`, 'git', 'tls', this.removeCommand(script, scripts, k));
        }
        // git config core.sshCommand "ssh -o StrictHostKeyChecking=no" (review 10, probe 13).
        if (/^core\.sshcommand$/i.test(rest[0]?.value ?? '') && NO_HOST_KEY_CHECK.test(rest[1]?.value ?? '')) {
          this.push(this.wordRange(args[i], rest[1]), 'git config core.sshCommand "ssh -o StrictHostKeyChecking=no"', 'git over ssh', 'host-key', null);
        }
      }
    }
  }

  /** ENV and ARG instructions of a stage, with values resolved as Docker substitutes them. */
  envAndArgs(ins: Instruction, scope: VariableScope): void {
    const kw = ins.getKeyword();
    if (kw !== 'ENV' && kw !== 'ARG') return;
    const props = propertiesOf(ins);
    props.forEach((p, i) => {
      const name = p.getName();
      // The name decides first: resolving every ENV/ARG value only to find it names no setting cost time.
      if (!settingNamed(name)) return;
      const raw = p.getValue();
      let value: string | null;
      if (raw === null) {
        if (kw !== 'ARG') return;
        const g = this.ctx.globalArgs.get(name);
        value = g === undefined || g === null ? null : this.ctx.resolveGlobal(g);
      } else value = scope.resolve(raw);
      if (value === null) return; // unknown: never a finding by itself
      const s = envSetting(name, value);
      if (!s) return;
      const spans = props.map((q) => {
        const r = q.getRange();
        return { start: this.ctx.offsetAt(r.start), end: this.ctx.offsetAt(r.end) };
      });
      const removal = props.length === 1 ? deleteInstructionEdit(this.ctx, ins).range : (deleteListItemsEdit(this.ctx, spans, i)?.range ?? null);
      if (s.effect === 'host-key') this.push(p.getRange(), `${kw} ${name}=… StrictHostKeyChecking=no`, s.tool, 'host-key', null);
      else this.push(p.getRange(), `${kw} ${name}=${value}`, s.tool, 'tls', removal);
    });
  }
}

export default defineRule<'dockerfile', Data>({
  code: 'DF013',
  name: 'tls-verification-disabled',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A build step turns off TLS certificate, SSH host key or package signature checks (`curl -k`, `--trusted-host`…).',
    what: 'Flags settings that turn off TLS certificate checks or package signature checks during the build: `curl -k`/`--insecure`, `wget --no-check-certificate` (and `-e check_certificate=off`), pip/uv `--trusted-host`, `pip config [--global|--user|--site] set global.trusted-host`, apk `--allow-untrusted`, apt `--allow-unauthenticated`/`--force-yes`/`--allow-insecure-repositories` (and the matching `-o` options), yum/dnf `--nogpgcheck` and `--setopt=…gpgcheck=0`/`sslverify=0`, zypper `--no-gpg-checks`, APT configuration written by `echo`/`printf` (redirected, or piped to `tee`) into /etc/apt/apt.conf(.d) — `Acquire::https::Verify-Peer "false";`/`Verify-Host`, `APT::Get::AllowUnauthenticated "true";`, `Acquire::AllowInsecureRepositories "true";` — and `deb [trusted=yes] …` into /etc/apt/sources.list(.d) (not a local `file:`/`copy:` repository), rpm `--nosignature`/`--nodigest`, npm/pnpm/yarn `strict-ssl false`, `git -c http.sslVerify=false` and `git config http.sslVerify false`, and the variables `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`, `GIT_SSL_NO_VERIFY` (any value), `PIP_TRUSTED_HOST`, `npm_config_strict_ssl=false`, `YARN_ENABLE_STRICT_SSL=false` — in RUN (as options, as `VAR=… cmd`, `env VAR=…`, `export VAR=…`) and in ENV/ARG. Also SSH host key checking turned off: `ssh`/`scp`/`sftp` `-o StrictHostKeyChecking=no` (or `off`), `rsync -e \'ssh -o StrictHostKeyChecking=no\'`, `GIT_SSH_COMMAND` carrying that option (RUN or ENV/ARG), `git config core.sshCommand` with it, and `StrictHostKeyChecking no` written into an ssh config by `echo`/`printf` (redirected, or piped to `tee`) or `sed -i` — every later ssh of the build, or of the running image, then trusts whatever host answers. RUN scripts are also read inside the quoted script of a shell the RUN starts (`sh -c \'curl -k …\'`, `bash -euxo pipefail -c "…"`, `su app -c \'…\'`, also through wrappers) when the string is one single-quoted string, or a double-quoted one without `\\` or backticks, on one line, and reads its arguments only as whole words (`"$@"`, `"$1"`: the operands its shell is given after `$0`\'s name, POSIX sh -c, read in their place; not `$#`, `"$*"`, `pkg-$1`, nor after `shift` or `set --`): a string with escapes is not read, and a quoted string given to another program (`echo \'…\'`, `grep \'…\'`) is data, and a string inside such a string is not read. Every stage is judged (a builder stage that downloads unverified code ships it through `COPY --from`); ONBUILD RUN triggers too. ARG/ENV values are resolved from their defaults; a value that cannot be resolved is unknown and not a finding. Not flagged: curl/wget/apk options in a RUN script that also checks what it fetched (in itself or in a shell\'s script string in it: `sh -c \'curl -k -o f …\' && sha256sum -c f.sha256`) (`sha256sum -c`, `shasum --check`, `gpg --verify`, `gpgv`, `cosign verify…`, `minisign -V`) — the checksum or signature then guarantees the content — and `apk add --allow-untrusted` of local `.apk` files when the script downloads nothing (packages built in an earlier stage or copied from the context).',
    why: 'Without certificate or signature checks anyone on the network path (a proxy, a compromised mirror, a hijacked DNS answer) can hand the build a different package or script, and it runs as root inside the image that ships. An ENV setting also stays on in the running container, so the application itself stops checking the certificates of the services it calls. SECURITY-GUIDELINES.md §6 ("Scan dependencies", use verified sources), "Supply Chain Security" ("Use verified packages") and "Data in Transit" (use TLS).',
    bad: 'FROM python:3.13-slim\nRUN curl -fsSLk https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin\nRUN pip install --trusted-host pypi.org -r requirements.txt\nENV NODE_TLS_REJECT_UNAUTHORIZED=0',
    good: 'FROM python:3.13-slim\nRUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin\nRUN pip install -r requirements.txt\n# (no NODE_TLS_REJECT_UNAUTHORIZED; add the company CA to the image instead)',
    fix: '"Remove <setting>" deletes the option (and its value, e.g. `--trusted-host pypi.org`), only the `k` letter of a `-fsSLk` cluster, the `VAR=…` word, the whole `npm config set strict-ssl false`/`git config http.sslVerify false` command from its `&&` chain (the whole RUN when it is the only command), or the ENV/ARG property (the whole instruction when it is the only one), keeping the rest of the line and its continuations. No fix for the SSH host key settings: without them a non-interactive ssh stops at the unknown host key, so the host\'s key has to go into `known_hosts` first (`ssh-keyscan github.com >> ~/.ssh/known_hosts`, checked against the fingerprints the host publishes). Inside the script string of a shell (`sh -c \'curl -k …\'`) the edit is made in the string, which maps to the document character for character; a command that is the string\'s only one is not removed (the RUN may do more). Not offered when the text is inside a JSON string with escapes, when a comment lies in the way, or when the command sits inside an `if`/`for` body. Not safe for fix-all: if the build goes through a TLS-intercepting proxy or uses an unsigned repository it will fail afterwards — install that proxy\'s CA certificate (or the repository key) in the image instead of turning verification off.',
    guideline: '§6 Image Build Security — "Scan dependencies"; Dependency Security — "Supply Chain Security: Use verified packages"; Encryption — "Data in Transit"',
    equivalents: [
      'Checkov CKV2_DOCKER_2 (curl), CKV2_DOCKER_3 (wget), CKV2_DOCKER_4 (pip --trusted-host), CKV2_DOCKER_5 (PYTHONHTTPSVERIFY), CKV2_DOCKER_6 (NODE_TLS_REJECT_UNAUTHORIZED), CKV2_DOCKER_7 (apk --allow-untrusted), CKV2_DOCKER_8 (apt --allow-unauthenticated), CKV2_DOCKER_9 (--nogpgcheck), CKV2_DOCKER_10 (rpm --nosignature), CKV2_DOCKER_11 (apt --force-yes), CKV2_DOCKER_12 (NPM_CONFIG_STRICT_SSL), CKV2_DOCKER_13 (npm/yarn strict-ssl), CKV2_DOCKER_14 (GIT_SSL_NO_VERIFY), CKV2_DOCKER_15 (yum sslverify), CKV2_DOCKER_16 (PIP_TRUSTED_HOST)',
    ],
    references: [
      'https://www.checkov.io/5.Policy%20Index/dockerfile.html',
      'https://github.com/bridgecrewio/checkov/tree/main/checkov/dockerfile/checks/graph_checks',
      'https://curl.se/docs/manpage.html#-k',
      'https://www.gnu.org/software/wget/manual/wget.html#HTTPS-_0028SSL_002fTLS_0029-Options',
      'https://pip.pypa.io/en/stable/cli/pip/#cmdoption-trusted-host',
      'https://nodejs.org/api/cli.html#node_tls_reject_unauthorizedvalue',
      'https://git-scm.com/docs/git#Documentation/git.txt-codeGITSSLNOVERIFYcode',
      'https://docs.npmjs.com/cli/using-npm/config#strict-ssl',
      'https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper',
      'https://man.openbsd.org/ssh_config#StrictHostKeyChecking',
      'https://git-scm.com/docs/git#Documentation/git.txt-codeGITSSHCOMMANDcode',
    ],
  },
  check(ctx) {
    const f = new Finder(ctx);
    // The RUN's scripts and the quoted scripts of the shells they start (`sh -c 'curl -k …'`).
    for (const run of ctx.runs()) {
      for (const script of run.scripts) f.runScript(run, script);
      for (const script of stringScriptsOf(run)) f.runScript(run, script);
    }
    for (const stage of ctx.stages) {
      // Most stages set none of the variables: their ARG/ENV values are then not resolved.
      if (!stage.instructions.some((ins) => setsSettingVariable(ctx, ins))) continue;
      const scope = new VariableScope(ctx, stage);
      for (const ins of stage.instructions) {
        f.envAndArgs(ins, scope);
        scope.apply(ins);
      }
    }
    return f.out;
  },
  message(d) {
    if (d.effect === 'host-key') {
      return `'${d.setting}' turns off SSH host key verification for ${d.tool}: a server impersonated on the network path would be accepted (and handed the key or credentials); record the host's key in known_hosts instead (ssh-keyscan, checked against its published fingerprint).`;
    }
    const what = d.effect === 'tls' ? 'TLS certificate verification' : 'package signature verification';
    return `'${d.setting}' turns off ${what} for ${d.tool}: a tampered download would be accepted; remove it (trust the proxy's CA or the repository key instead).`;
  },
  fix(ctx, { data }) {
    if (!data.removal) return undefined;
    return { title: `Remove ${data.setting}`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: data.removal, newText: '' }] }] };
  },
});
