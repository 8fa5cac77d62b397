import type { Run } from 'dockerfile-ast';
import { defineRule } from '../engine/rule';
import type { Fix, Range } from '../engine/types';

interface Data {
  /** The flag as written (`--security=insecure`), and where it is with the blanks after it. */
  flag: string;
  removal: Range;
}

export default defineRule<'dockerfile', Data>({
  code: 'DF049',
  name: 'run-security-insecure',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A RUN uses `--security=insecure`, which runs the step outside BuildKit\'s sandbox.',
    what: 'Flags a `RUN --security=insecure` (in any stage and in ONBUILD triggers, quoted or not; BuildKit reads the name and value as written, so `--SECURITY=` or `=INSECURE`, which it rejects, are not reported): the step runs without BuildKit\'s sandbox. `--security=sandbox`, the default, is fine; a value from a variable is not judged.',
    why: 'A RUN step normally runs in the build sandbox, with the capabilities Docker gives a container. `--security=insecure` lifts it: the step gets every capability and the host\'s devices, as `docker run --privileged` would, on the machine that builds (a developer\'s laptop or a shared CI builder), so whatever the step runs — a downloaded script, a dependency\'s install hook — can mount host devices and escape to the builder. It also needs the builder to be started with `--allow-insecure-entitlement security.insecure` and the build with `--allow security.insecure`, which turns the protection off for every build that asks. SECURITY-GUIDELINES.md §2 Container Runtime Security — "No Privileged Containers — Never use `--privileged` flag": this is the build-time form of it.',
    whySummary: '`--security=insecure` runs the step outside the build sandbox, with every capability and the host\'s devices, so whatever it runs (a downloaded script, a dependency\'s install hook) can escape to the machine that builds.',
    bad: '# syntax=docker/dockerfile:1\nFROM ubuntu:24.04\nRUN --security=insecure ./scripts/test.sh',
    good: '# syntax=docker/dockerfile:1\nFROM ubuntu:24.04\nRUN ./scripts/test.sh\n# tests that need io_uring, mounts or systemd run in CI with the privileges they need, not in the image build',
    fix: '"Remove --security=insecure" deletes the flag (and the blanks after it), so the step runs in the sandbox again. Not marked safe, so fix-all and `check --fix` never apply it; it is offered as a quick fix only: the step may need what the sandbox blocks (mounting, io_uring, a nested container, systemd) and would then fail, so check the build afterwards and move such a step out of the image build. Not offered for a flag written through a variable or an escape.',
    guideline: '§2 Container Runtime Security — "No Privileged Containers"',
    equivalents: ['SonarSource S6502 (disabling builder sandboxes is security-sensitive: RUN --security=insecure)', 'hadolint, Docker\'s build checks, Trivy, Checkov and KICS have no rule for it'],
    references: [
      'https://docs.docker.com/reference/dockerfile/#run---security',
      'https://docs.docker.com/reference/cli/docker/buildx/build/#allow',
      'https://github.com/moby/buildkit/blob/master/frontend/dockerfile/docs/reference.md#run---security',
      'https://rules.sonarsource.com/docker/RSPEC-6502/',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    for (const run of ctx.runs()) {
      const ins = run.instruction as Run;
      if (typeof ins.getFlags !== 'function') continue;
      for (const flag of ins.getFlags()) {
        // BuildKit reads the flag's name and value as written: `--SECURITY` and `=INSECURE` are errors, not the mode.
        if (flag.getName() !== 'security') continue;
        const value = (flag.getValue() ?? '').replace(/^(["'])(.*)\1$/, '$2');
        if (value !== 'insecure') continue;
        const r = flag.getRange();
        const start = ctx.offsetAt(r.start);
        let end = ctx.offsetAt(r.end);
        while (end < ctx.text.length && (ctx.text[end] === ' ' || ctx.text[end] === '\t')) end++;
        const written = ctx.text.slice(start, ctx.offsetAt(r.end));
        out.push({ range: { start: r.start, end: r.end }, data: { flag: /[\r\n]/.test(written) ? '--security=insecure' : written, removal: ctx.rangeOfOffsets(start, end) } });
      }
    }
    return out;
  },
  message(d) {
    return `${d.flag} runs this step outside the build sandbox, with the privileges of docker run --privileged on the machine that builds; run it in the sandbox, or move what needs those privileges out of the image build.`;
  },
  fix(ctx, { data }): Fix | undefined {
    // Only a flag written as such: not one that a variable or an escape produces.
    if (!/^--security=(["']?)insecure\1$/i.test(data.flag)) return undefined;
    // Not safe: the step may need what the sandbox blocks (mounts, io_uring, systemd).
    return { title: `Remove ${data.flag}`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: data.removal, newText: '' }] }] };
  },
});
