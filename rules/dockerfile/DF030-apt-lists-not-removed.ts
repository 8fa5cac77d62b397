import { defineRule } from '../engine/rule';
import { APT_INSTALLING, APT_LISTS, appendToRun, aptSimulates, cleansAptLists, covers, mountsCacheOver, packageCommandsOf, runAtLine, shellCommandsOf, toolRange } from '../engine/packages';

interface Data {
  /** `apt-get` or `apt`, as written. */
  tool: string;
  /** The installing subcommand (`install`, `upgrade`, …). */
  action: string;
  /** First line of the RUN (or ONBUILD RUN trigger), to find it again for the fix. */
  runLine: number;
}

const CLEANUP = 'rm -rf /var/lib/apt/lists/*';

export default defineRule<'dockerfile', Data>({
  code: 'DF030',
  name: 'apt-lists-not-removed',
  kind: 'dockerfile',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    what: 'Flags a RUN (in any stage, ONBUILD RUN included) that downloads the package lists (`apt-get update` / `apt update`) and then installs with `apt-get`/`apt` (`install`, `reinstall`, `build-dep`, `satisfy`, `upgrade`, `dist-upgrade`, `full-upgrade`) but does not remove `/var/lib/apt/lists` after the last install in the same RUN (`rm -rf /var/lib/apt/lists/*`, `rm -rf /var/lib/apt/lists`, a parent directory, `find /var/lib/apt/lists … -delete`, or `apt-get distclean`). Silent when the RUN mounts a cache or tmpfs over the lists (`--mount=type=cache,target=/var/lib/apt/lists` or `/var/lib/apt`), and for `apt-get install -s` (simulation). Cleanup in a later command of the same RUN (or a later line of the same heredoc script) counts; cleanup in a later RUN does not, because the earlier layer keeps the files. Reported on the first install after the last cleanup of the RUN (the install whose lists are left behind, not one that a cleanup later in the RUN already covers). A RUN that only installs, from lists an earlier RUN downloaded, is not flagged: removing the lists there would not shrink the earlier layer and would break later RUNs that install from them — DF033 reports the lone `apt-get update` instead.',
    why: 'The lists downloaded by `apt-get update` are tens of megabytes of package metadata that nothing in the running container needs. Left in the layer they bloat every pull and keep a stale snapshot of the package index in the image. SECURITY-GUIDELINES.md §6 "Clean up – remove unnecessary packages" and "Minimize layers": clean up in the same RUN, since a later RUN cannot shrink an earlier layer. The Debian/Ubuntu images\' docker-clean hook removes downloaded .deb files but not the lists.',
    bad: 'FROM debian:trixie-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl',
    good: 'FROM debian:trixie-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*',
    fix: '"Remove the apt lists in the same RUN" appends `rm -rf /var/lib/apt/lists/*` at the end of the RUN, in the RUN\'s style: ` && …` on a one-line RUN, a continued line with the operator where the RUN puts it (leading `&&`, trailing `&&`, or `;` under `set -e`) and the RUN\'s indentation on a multi-line RUN, a new last line inside a heredoc script. Not offered for exec-form (JSON) RUN, when the RUN ends with a comment or a background `&`, or when its shell text does not terminate (an open quote, `$(`, `if`, `case` or loop: the appended command would land inside it), or when a heredoc body\'s last line ends with a backslash (the shell would continue it onto the appended line). Safe; in a heredoc without `set -e` the new last line would hide a failing install\'s exit status, so there it is offered as a single quick fix only.',
    guideline: '§6 Image Build Security — "Clean up – remove unnecessary packages", "Minimize layers"',
    equivalents: ['hadolint DL3009 (delete the apt-get lists after installing something)', 'KICS "Apt Get Install Lists Were Not Deleted" (df746b39-6564-4fed-bf85-e9c44382303c)'],
    references: [
      'https://docs.docker.com/build/building/best-practices/#apt-get',
      'https://github.com/hadolint/hadolint/wiki/DL3009',
      'https://docs.kics.io/latest/queries/dockerfile-queries/df746b39-6564-4fed-bf85-e9c44382303c',
      'https://docs.docker.com/build/cache/optimize/#use-cache-mounts',
    ],
  },
  check(ctx) {
    const out = [];
    for (const run of ctx.runs()) {
      const pcs = packageCommandsOf(ctx, run);
      // Only a RUN that downloads the lists itself is judged: a RUN that installs from lists an
      // earlier layer fetched cannot shrink that layer, and removing them there would break later
      // RUNs that install from the same lists (the orphan update is DF033's finding).
      const update = pcs.find((pc) => pc.family === 'apt' && pc.action === 'update');
      if (!update) continue;
      const installs = pcs.filter((pc) => pc.family === 'apt' && pc.command.start > update.command.start && APT_INSTALLING.has(pc.action) && pc.action !== 'source' && pc.action !== 'download' && !aptSimulates(pc));
      if (installs.length === 0) continue;
      if (mountsCacheOver(run, (t) => covers(t, APT_LISTS))) continue;
      const last = installs[installs.length - 1];
      const commands = shellCommandsOf(run);
      if (commands.some((cmd) => cmd.start > last.command.start && cleansAptLists(cmd))) continue;
      // Reported on the first install after the last cleanup: an install that an `rm -rf
      // /var/lib/apt/lists/*` later in the RUN cleans up is not the one that leaves the lists.
      let lastCleanup = -1;
      for (const cmd of commands) if (cmd.start < last.command.start && cleansAptLists(cmd)) lastCleanup = cmd.start;
      const leaking = installs.find((pc) => pc.command.start > lastCleanup) ?? last;
      out.push({ range: toolRange(ctx, leaking), data: { tool: leaking.display, action: leaking.action, runLine: run.instruction.getRange().start.line } });
    }
    return out;
  },
  message(d) {
    return `'${d.tool} ${d.action}' leaves the apt package lists (/var/lib/apt/lists) in this layer; remove them at the end of the same RUN (${CLEANUP}).`;
  },
  fix(ctx, { data }) {
    const run = runAtLine(ctx, data.runLine);
    if (!run) return undefined;
    const appended = appendToRun(ctx, run, CLEANUP);
    if (!appended) return undefined;
    return { title: 'Remove the apt lists in the same RUN', safe: appended.safe, changes: [{ kind: 'edit', path: ctx.path, edits: [appended.edit] }] };
  },
});
