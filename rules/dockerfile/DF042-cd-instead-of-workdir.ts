import { resolveAt } from '../engine/df-instructions';
import { defineRule } from '../engine/rule';
import { invocation } from '../engine/run-commands';
import type { Detection } from '../engine/types';

interface Data {
  /** The directory given to cd, as written. */
  dir: string;
}

export default defineRule<'dockerfile', Data>({
  code: 'DF042',
  name: 'cd-instead-of-workdir',
  kind: 'dockerfile',
  severity: 'info',
  fixable: 'never',
  docs: {
    summary: 'A RUN starts with `cd <dir>` and more commands, where WORKDIR should set the directory.',
    what: 'Flags a RUN script whose first command is `cd <dir>` followed by more commands (`RUN cd /app && npm ci`), i.e. a `cd` used to set the directory the build works in. Not flagged: `cd` inside a subshell (`(cd sub && make)`), a `cd` into a temporary directory for scratch work (`cd /tmp && curl -O … && tar …`, `cd "$(mktemp -d)"`, also through a variable whose ARG or ENV value is one: `ENV STAGE_DIR=/tmp` … `cd ${STAGE_DIR}`), a `cd` later in the chain (`… && cd /tmp/src && make && cd / && rm -rf /tmp/src`, a temporary detour), a RUN that only runs `cd`. Every stage, heredoc script and ONBUILD trigger is judged.',
    why: 'The directory set by `cd` lasts for one RUN only, so the next instruction silently works elsewhere; WORKDIR states the directory once for every following RUN, COPY, CMD and ENTRYPOINT, creates it if needed, and keeps the Dockerfile reviewable — files end up where the reader expects. SECURITY-GUIDELINES.md §6 Image Build Security ("Minimize layers", "Clean up": know what the build writes where).',
    bad: 'FROM node:24-slim\nRUN cd /app && npm ci --omit=dev',
    good: 'FROM node:24-slim\nWORKDIR /app\nRUN npm ci --omit=dev',
    fix: 'No automatic fix: WORKDIR changes the directory of every later instruction in the stage (relative COPY destinations, CMD, later RUNs), so replacing a `cd` safely needs a look at what follows. Add `WORKDIR <dir>` before the RUN and drop the `cd … &&`, then check the instructions after it.',
    guideline: '§6 Image Build Security — "Minimize layers", "Clean up"',
    equivalents: ['hadolint DL3003 (use WORKDIR to switch to a directory)', 'Trivy DS-0013 (RUN cd … to change directory)', 'KICS "RUN Instruction Using \'cd\' Instead of WORKDIR"'],
    references: ['https://docs.docker.com/build/building/best-practices/#workdir', 'https://docs.docker.com/reference/dockerfile/#workdir', 'https://github.com/hadolint/hadolint/wiki/DL3003'],
  },
  check(ctx) {
    const out: Detection<Data>[] = [];
    for (const run of ctx.runs()) {
      for (const script of run.scripts) {
        if (!script.isShell) continue;
        const [first, second] = script.commands;
        if (!first || !second || (first.prev !== null && first.prev !== '\n')) continue; // not inside ( … )
        if (first.next !== '&&' && first.next !== ';' && first.next !== '\n') continue;
        if (first.programIndex !== 0) continue;
        const inv = invocation(first);
        if (!inv || inv.name !== 'cd' || inv.viaXargs || inv.args.length === 0) continue;
        const dir = inv.args[inv.args.length - 1].value;
        // `cd -`, and scratch work in a temporary directory (`cd /tmp && curl -O … && tar …`), are not the build
        // directory; a variable counts by its ARG/ENV value (DeepSpeed's `ENV STAGE_DIR=/tmp` … `cd ${STAGE_DIR}`).
        const where = dir.includes('$') && !dir.startsWith('$(') ? (resolveAt(ctx, dir, run.instruction.getRange().start.line) ?? dir) : dir;
        if (dir === '-' || /^(?:\/tmp|\/var\/tmp)(?:\/|$)|^\$\{?TMPDIR\b|^\$\(mktemp\b/.test(where)) continue;
        out.push({ range: ctx.rangeOfOffsets(first.start, first.end), data: { dir } });
      }
    }
    return out;
  },
  message(d) {
    return `RUN starts with 'cd ${d.dir}', which lasts for this RUN only; set the directory with WORKDIR ${d.dir} instead.`;
  },
});
