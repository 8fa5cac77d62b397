import { defineRule } from '../engine/rule';
import { programName, wordsWithoutRedirections, type SimpleCommand, type Word } from '../engine/shell';
import { flagNamed, instructionsNamed, isWorldWritableMode, resolveAt } from '../engine/df-instructions';
import type { DockerfileContext } from '../engine/dockerfile';
import { invocation } from '../engine/run-commands';
import { commandsWithStrings, stringScriptsOf } from '../engine/script-strings';

interface Data {
  /** What sets the mode: a command in RUN, or the --chmod flag of COPY/ADD. */
  via: 'chmod' | 'mkdir' | 'install' | 'COPY' | 'ADD';
  mode: string;
  /** The first path the mode applies to (RUN), or null. */
  target: string | null;
  recursive: boolean;
  /** `chmod -R` with a sticky-bit mode (`1777`, `a+rwxt`): the files below get it too, where the sticky bit does nothing. */
  sticky?: true;
}

/** Words after which a program name is still a command (`find … -exec chmod`, `xargs chmod`, `sudo chmod`); wrappers with options are read by invocation(). */
const LAUNCHERS = new Set(['-exec', '-execdir', '-ok', '-okdir', 'sudo', 'xargs', 'env', 'nohup', 'exec', 'command', 'nice', 'doas', 'su-exec', 'gosu']);
const END_OF_EXEC = new Set([';', '+', '{}']);

function base(v: string): string {
  const slash = v.lastIndexOf('/');
  return slash === -1 ? v : v.slice(slash + 1);
}

interface Hit {
  via: Data['via'];
  start: number;
  end: number;
  mode: string;
  target: string | null;
  recursive: boolean;
  sticky: boolean;
}

/** Reads the mode a chmod/mkdir/install invocation sets, from the words after the program. */
function modeOf(ctx: DockerfileContext, line: number, prog: string, args: Word[]): { mode: Word; value: string; target: string | null; recursive: boolean } | null {
  let recursive = false;
  const operands: Word[] = [];
  let mode: Word | null = null;
  let modeValue: string | null = null;
  for (let k = 0; k < args.length; k++) {
    const w = args[k];
    const v = w.value;
    if (END_OF_EXEC.has(v)) break;
    if (prog === 'chmod') {
      if (v.startsWith('--reference')) return null;
      if (v === '-R' || v === '--recursive' || /^-[cfvR]+$/.test(v)) {
        if (v.includes('R') || v === '--recursive') recursive = true;
        continue;
      }
      if (v.startsWith('-')) continue; // other options, and modes that only remove bits (`-w`)
      operands.push(w);
      continue;
    }
    // mkdir / install: -m MODE, -mMODE, --mode=MODE, --mode MODE
    if (v === '-m' || v === '--mode') {
      if (args[k + 1]) {
        mode = args[k + 1];
        modeValue = args[k + 1].value;
        k++;
      }
      continue;
    }
    const m = /^(?:-m|--mode=)(.+)$/.exec(v);
    if (m) {
      mode = w;
      modeValue = m[1];
      continue;
    }
    // Bundled switches with the mode attached (`mkdir -pm777`, `install -dm777`; review 33, probe p18): the
    // letters before `m` take no value (mkdir -p -v -Z; install -b -c -C -d -D -p -s -v -T -Z).
    const bundled = /^-([a-zA-Z]+)m(.+)$/.exec(v);
    if (bundled && [...bundled[1]].every((c) => (prog === 'mkdir' ? 'pvZ' : 'bcCdDpsvTZ').includes(c))) {
      mode = w;
      modeValue = bundled[2];
      continue;
    }
    if (/^-[a-zA-Z]*m$/.test(v) && args[k + 1]) {
      // Bundled short options ending in m (`-pm 777`).
      mode = args[k + 1];
      modeValue = args[k + 1].value;
      k++;
      continue;
    }
    if (!v.startsWith('-')) operands.push(w);
  }
  if (prog === 'chmod') {
    if (operands.length === 0) return null;
    mode = operands[0];
    modeValue = operands[0].value;
    operands.shift();
  }
  if (!mode || modeValue === null) return null;
  const resolved = resolveAt(ctx, modeValue, line);
  if (resolved === null) return null;
  return { mode, value: resolved, target: operands[0]?.value ?? null, recursive };
}

/**
 * Whether a later `rm` of the same RUN script (or of a script string in it) deletes the path (a build-time temp dir
 * such as `chmod 777 "$tempDir"` … `rm -rf "$tempDir"`).
 */
function removedLater(commands: readonly SimpleCommand[], after: number, target: string): boolean {
  const t = target.replace(/\/+$/, '');
  for (const c of commands) {
    if (c.start < after || programName(c) !== 'rm') continue;
    for (const w of c.words.slice(c.programIndex + 1)) {
      if (w.value.startsWith('-')) continue;
      const v = w.value.replace(/\/+$/, '');
      if (v !== '' && (t === v || t.startsWith(v + '/'))) return true;
    }
  }
  return false;
}

/** A path as written, without trailing slashes and a leading `./`. */
function pathKey(v: string): string {
  return v.replace(/\/+$/, '').replace(/^\.\/(?=.)/, '');
}

/**
 * Whether the tree a `chmod -R` gives a sticky-bit mode holds only directories the same RUN script made before it:
 * a `mkdir` of the path or of paths below it (docker-library/golang's `mkdir -p "$GOPATH/src" "$GOPATH/bin" &&
 * chmod -R 1777 "$GOPATH"`, wordpress's `mkdir wp-content` … `mkdir "wp-content/$dir"` … `chmod -R 1777 wp-content`),
 * and no command in between but mkdir, chown and chmod names a path in it (`cp`, `tar -C`, `touch` would put files
 * there). The mode then goes on directories only, where the sticky bit keeps each entry to its owner.
 */
function onlyMadeDirectories(commands: readonly SimpleCommand[], before: number, target: string): boolean {
  const t = pathKey(target);
  if (t === '' || t === '/') return false;
  let made = false;
  for (const c of commands) {
    if (c.end > before) continue;
    const prog = programName(c);
    for (const w of c.words.slice(c.programIndex + 1)) {
      const v = pathKey(w.value);
      if (v !== t && !v.startsWith(`${t}/`)) continue;
      if (prog === 'mkdir') made = true;
      else if (prog !== 'chown' && prog !== 'chmod') return false;
    }
  }
  return made;
}

function runHits(ctx: DockerfileContext): Hit[] {
  const out: Hit[] = [];
  for (const run of ctx.runs()) {
    const line = run.instruction.getRange().start.line;
    // The RUN's scripts and the quoted scripts of the shells they start (`sh -c 'chmod 777 /data'`).
    for (const script of [...run.scripts, ...stringScriptsOf(run)]) {
      for (const cmd of script.commands) {
        // The program through its wrappers and their options (`xargs -0 chmod`, `sudo -u app chmod`, `timeout 5 chmod`).
        const program = invocation(cmd)?.index;
        for (let i = Math.max(cmd.programIndex, 0); i < cmd.words.length; i++) {
          // The program, or a word a launcher runs (`find … -exec chmod`): asked first, it is cheaper than the name.
          if (i !== cmd.programIndex && i !== program && !(i > 0 && LAUNCHERS.has(cmd.words[i - 1].value))) continue;
          const prog = base(cmd.words[i].value);
          if (prog !== 'chmod' && prog !== 'mkdir' && prog !== 'install') continue;
          const found = modeOf(ctx, line, prog, wordsWithoutRedirections(cmd.words.slice(i + 1))); // `chmod 2>/dev/null 777 /x`
          // A sticky-bit mode is a shared directory's (`chmod 1777 /tmp/x`), but not with -R: every file below gets it too.
          if (!found || !isWorldWritableMode(found.value, found.recursive)) continue;
          const sticky = !isWorldWritableMode(found.value);
          if (sticky && found.target && onlyMadeDirectories(commandsWithStrings(run, script), cmd.start, found.target)) continue;
          if (found.target && removedLater(commandsWithStrings(run, script), cmd.end, found.target)) continue;
          out.push({ via: prog, start: cmd.words[i].start, end: found.mode.end, mode: found.value, target: found.target, recursive: found.recursive, sticky });
        }
      }
    }
  }
  return out;
}


export default defineRule<'dockerfile', Data>({
  code: 'DF016',
  name: 'world-writable-permissions',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'never',
  docs: {
    summary: 'A RUN, `COPY --chmod` or `ADD --chmod` makes files writable by every user (`chmod 777`, `o+w`…).',
    what: 'Flags modes that make files writable by every user: `chmod 777`/`666`/`0777`/`-R 777` (also with more leading zeros, `00777`, which GNU chmod accepts), symbolic `a+w`, `o+w`, `o=rwx`, `ugo+rwx`, and `go=u`/`o+u` (which copy the owner\'s write permission to every user) in RUN (every stage, exec and heredoc forms, also through `find -exec`, `sudo` and `xargs` with its options: `xargs -0 chmod 777`, `xargs -n1 …`, `xargs -I{} chmod 777 {}`), `mkdir -m 777`, `install -m 666` (also bundled: `mkdir -pm777`, `install -dm777`), and `COPY`/`ADD --chmod=777`. RUN scripts are also read inside the quoted script of a shell the RUN starts (`sh -c \'chmod 777 /data\'`, `bash -euxo pipefail -c "…"`, `su app -c \'…\'`, also through wrappers) when the string is one single-quoted string, or a double-quoted one without `\\` or backticks, on one line, and reads its arguments only as whole words (`"$@"`, `"$1"`: the operands its shell is given after `$0`\'s name, POSIX sh -c, read in their place; not `$#`, `"$*"`, `pkg-$1`, nor after `shift` or `set --`): a string with escapes is not read, and a quoted string given to another program (`echo \'…\'`, `grep \'…\'`) is data, and a string inside such a string is not read. Modes with the sticky bit (`1777`, `a+rwxt`, as `/tmp` has) set on a directory are shared temporary directories by design and are not flagged — but `chmod -R 1777 dir` (or `-R a+rwxt`) is: it also gives the mode to every file below, where the sticky bit does nothing and the files become writable by every user — except when the tree holds only directories the same RUN made before it with `mkdir` (of the path or of paths below it) and no command in between but `mkdir`, `chown` and `chmod` names a path in it (docker-library/golang\'s `mkdir -p "$GOPATH/src" "$GOPATH/bin" && chmod -R 1777 "$GOPATH"`, wordpress\'s `mkdir wp-content` … `chmod -R 1777 wp-content`: shared directories, no file gets the mode; files an earlier instruction put there are not seen); nor is a path that a later `rm` of the same RUN script (or of a shell\'s script string in it) deletes (a build-time temporary directory); neither is `+w` without a who (it follows the umask) nor a mode from a variable without a known value.',
    why: 'A world-writable file or directory can be changed by any process in the container whatever its user: dropping privileges with `USER 1000` stops protecting the application code, configuration or scripts that root later runs, and a compromised low-privilege process can plant code there. SECURITY-GUIDELINES.md §2 "Run as Non-root User" only helps if the non-root user cannot rewrite what runs; give ownership to that user (`chown`, `COPY --chown`) and keep modes at 755/644.',
    bad: 'FROM debian:12-slim\nCOPY --chmod=777 entrypoint.sh /usr/local/bin/\nRUN mkdir -p /app/data && chmod -R 777 /app',
    good: 'FROM debian:12-slim\nCOPY --chmod=755 entrypoint.sh /usr/local/bin/\nRUN mkdir -p /app/data && chown -R 1000:1000 /app/data\nUSER 1000',
    fix: 'No automatic fix: the right mode depends on who must write (usually `chown` to the runtime user plus 755 for directories and 644 for files, or 1777 for a shared scratch directory).',
    guideline: '§2 Container Runtime Security — "Run as Non-root User"; Security Checklist — "Non-root user in Dockerfile"',
    equivalents: ['no hadolint, Checkov or Trivy check', 'Datadog IaC "Avoid chmod 777" (COPY/ADD --chmod=777 only)'],
    references: [
      'https://www.gnu.org/software/coreutils/manual/html_node/chmod-invocation.html',
      'https://www.gnu.org/software/coreutils/manual/html_node/Symbolic-Modes.html',
      'https://docs.docker.com/reference/dockerfile/#copy---chmod',
      'https://man7.org/linux/man-pages/man1/mkdir.1.html',
    ],
  },
  check(ctx) {
    const out = [];
    for (const h of runHits(ctx)) {
      out.push({ range: ctx.rangeOfOffsets(h.start, h.end), data: { via: h.via, mode: h.mode, target: h.target, recursive: h.recursive, ...(h.sticky ? { sticky: true as const } : {}) } });
    }
    for (const { ins } of instructionsNamed(ctx, ['COPY', 'ADD'])) {
      const flag = flagNamed(ins, 'chmod');
      const raw = flag?.getValue();
      if (!flag || !raw) continue;
      const mode = resolveAt(ctx, raw, ins.getRange().start.line);
      if (mode === null || !isWorldWritableMode(mode)) continue;
      out.push({ range: flag.getRange(), data: { via: ins.getKeyword() as 'COPY' | 'ADD', mode, target: null, recursive: false } });
    }
    return out;
  },
  message(d) {
    const what = d.via === 'COPY' || d.via === 'ADD' ? `${d.via} --chmod=${d.mode}` : d.via === 'chmod' ? `chmod ${d.recursive ? '-R ' : ''}${d.mode}` : `${d.via} -m ${d.mode}`;
    const target = d.target ? ` ${d.target}` : '';
    // The sticky bit keeps a shared directory's entries to their owners; -R also gives the mode to every file below, where it does nothing.
    const sticky = d.sticky ? ' (the sticky bit protects only directories: -R gives this mode to every file below too)' : '';
    return `${what}${target} makes files writable by every user in the container${sticky}; give ownership to the user that needs to write (chown) and use 755/644.`;
  },
});
