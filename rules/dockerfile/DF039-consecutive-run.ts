import type { Instruction } from 'dockerfile-ast';
import { defineRule } from '../engine/rule';
import type { RunInstruction } from '../engine/dockerfile';
import { changesShellState, flagKey, joinable, joinAdjacentRuns, nonPosixShellAt, runAtLine } from '../engine/packages';

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

export default defineRule<'dockerfile', Data>({
  code: 'DF039',
  name: 'consecutive-run',
  kind: 'dockerfile',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    what: 'Flags a RUN that directly follows another RUN of the same stage (comments and blank lines between do not count as instructions) when the two could be one layer: both shell form, neither with a heredoc, and the same `--mount`/`--network`/`--security` flags. RUNs with different flags, exec-form (JSON) RUNs, heredoc RUNs and ONBUILD triggers are left alone, and — as hadolint does — so is a pair where either RUN runs more than two commands: such a RUN (`set -eux; apt-get update; …; rm -rf …`) is a deliberate, self-contained layer, and merging into or onto it would only cost cache granularity. Reported on the second RUN of each pair. Consequence of that threshold: once merges make a RUN longer than two commands, the RUN after it is no longer reported.',
    why: 'Every RUN adds a layer. Files a later RUN deletes still ship in the earlier layer, and each layer is one more to pull, store and scan. Joining consecutive RUNs keeps cleanup in the same layer as what it cleans and the image smaller. SECURITY-GUIDELINES.md §6 "Minimize layers – reduce attack surface".',
    bad: 'RUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\nRUN rm -rf /var/lib/apt/lists/*',
    good: 'RUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*',
    fix: '"Merge with the previous RUN" turns `RUN a` + `RUN b` into `RUN a \\` / `    && b`, using the continuation style the RUNs already use (leading or trailing `&&`, their indentation; otherwise a leading `&&` indented by four spaces) and the file\'s escape character and line endings; comment lines between stay inside the continued RUN, blank lines go. Not offered when the first RUN ends with a comment, a `;` or a background `&`, when its shell text does not terminate (an open quote, `$(`, `if`, `case` or loop), or under a non-POSIX SHELL (PowerShell, cmd). Safe when the first RUN does not change shell state; when it does (`cd`, `export`, `set`, `source`, an assignment, `exit`), the second command would run in that changed state, so the fix is a single quick fix only.',
    guideline: '§6 Image Build Security — "Minimize layers"',
    equivalents: ['hadolint DL3059 (multiple consecutive RUN instructions, consider consolidation)'],
    references: ['https://github.com/hadolint/hadolint/wiki/DL3059', 'https://docs.docker.com/build/building/best-practices/#run', 'https://docs.docker.com/build/guide/layers/'],
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
        // As hadolint does: a RUN of more than two commands is a deliberate layer of its own.
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
    const edits = joinAdjacentRuns(ctx, first, second);
    if (!edits) return undefined;
    return { title: 'Merge with the previous RUN', safe: !changesShellState(first), changes: [{ kind: 'edit', path: ctx.path, edits }] };
  },
});
