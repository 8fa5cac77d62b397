import { defineRule } from '../engine/rule';
import { stageChain, VariableScope } from '../engine/stage-scope';
import type { Detection } from '../engine/types';

interface Data {
  /** The path as written, and as resolved from ARG/ENV. */
  written: string;
  resolved: string;
}

const ABSOLUTE = /^(?:\/|\\|[A-Za-z]:[\\/])/;

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && (t[0] === '"' || t[0] === "'") && t[t.length - 1] === t[0] ? t.slice(1, -1) : t;
}

export default defineRule<'dockerfile', Data>({
  code: 'DF043',
  name: 'workdir-relative',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'never',
  docs: {
    summary: 'A WORKDIR is a relative path with no absolute WORKDIR before it in the stage or the stages it builds on.',
    what: 'Flags a WORKDIR with a relative path (`WORKDIR app`) when no absolute WORKDIR comes before it in the stage or in the stages it builds on — so the directory depends on whatever WORKDIR the base image sets. Variables are resolved from ARG/ENV (`WORKDIR ${APP_HOME}` with `ARG APP_HOME=/srv/app` is absolute and fine); a path that cannot be resolved is unknown and not flagged. Windows paths (`C:\\app`) are absolute. Every stage is judged; only the first relative WORKDIR of a stage is reported.',
    why: 'A relative WORKDIR is resolved against the base image\'s working directory, which the Dockerfile does not show and which changes when the base image changes (`/`, `/usr/src/app`, `/home/node`…): files are then copied to, and the program started from, a directory nobody reviewed. No statement of SECURITY-GUIDELINES.md is about it: the rule is the established check hadolint DL3000 ("Use absolute WORKDIR"), which Docker\'s build checks (WorkdirRelativePath), Checkov and Trivy have too.',
    bad: 'FROM node:24-alpine\nWORKDIR app\nCOPY . .',
    good: 'FROM node:24-alpine\nWORKDIR /app\nCOPY . .',
    fix: 'No automatic fix: the absolute path the relative one resolves to depends on the base image\'s own WORKDIR, which the Dockerfile does not contain. Write the full path (`WORKDIR /app`).',
    guideline: 'None in SECURITY-GUIDELINES.md: the established check hadolint DL3000 ("Use absolute WORKDIR")',
    equivalents: ['hadolint DL3000 (use absolute WORKDIR)', 'BuildKit build check WorkdirRelativePath', 'Checkov CKV_DOCKER_10', 'Trivy DS-0009 (WORKDIR path not absolute)'],
    references: ['https://docs.docker.com/reference/dockerfile/#workdir', 'https://docs.docker.com/reference/build-checks/workdir-relative-path/', 'https://github.com/hadolint/hadolint/wiki/DL3000'],
  },
  check(ctx) {
    const out: Detection<Data>[] = [];
    // Only a WORKDIR is reported: a file without one has no stage to read.
    if (!ctx.hasInstruction('WORKDIR')) return out;
    for (const stage of ctx.stages) {
      // An absolute WORKDIR in a stage this one builds on is inherited.
      const known = stageChain(stage)
        .slice(1)
        .some((s) => s.instructions.some((i) => i.getKeyword() === 'WORKDIR'));
      // Only the first WORKDIR of a stage can be flagged: a stage with none (most) needs no variables read.
      if (known || !stage.instructions.some((i) => i.getKeyword() === 'WORKDIR')) continue;
      const scope = new VariableScope(ctx, stage);
      for (const ins of stage.instructions) {
        scope.apply(ins);
        if (ins.getKeyword() !== 'WORKDIR') continue;
        const written = unquote(ins.getArgumentsContent() ?? '');
        if (written === '') continue;
        const resolved = scope.resolve(written);
        if (resolved !== null && !ABSOLUTE.test(resolved)) out.push({ range: ins.getRange(), data: { written, resolved } });
        // Absolute, unknown or flagged: later relative paths are relative to it.
        break;
      }
    }
    return out;
  },
  message(d) {
    const via = d.written !== d.resolved ? ` (${d.resolved})` : '';
    return `WORKDIR '${d.written}'${via} is relative, so it depends on the base image's working directory; use an absolute path.`;
  },
});
