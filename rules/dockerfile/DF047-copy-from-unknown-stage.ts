import { defineRule } from '../engine/rule';
import { copyFromTarget, flagNamed } from '../engine/df-instructions';

type Data =
  | { problem: 'self'; from: string }
  | { problem: 'later'; from: string; definedAt: number }
  | { problem: 'bad-index'; from: string; stages: number }
  | { problem: 'unknown-name'; from: string; known: string[]; /** A stage whose name this one is close to (a likely typo). */ near?: string };

/** Whether a name is a likely typo of a stage's: one is the other with a few letters added or changed (edit distance ≤ 2, names of 4+ letters). */
function looksLikeTypoOf(a: string, b: string): boolean {
  if (a === b || a.length < 4 || b.length < 4 || Math.abs(a.length - b.length) > 2) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length] <= 2;
}

export default defineRule<'dockerfile', Data>({
  code: 'DF047',
  name: 'copy-from-unknown-stage',
  kind: 'dockerfile',
  severity: 'error',
  fixable: 'never',
  docs: {
    summary: '`COPY --from=` names its own stage, a missing or later stage, or a name that is no stage and no known image.',
    what: 'Flags `COPY --from=` that names its own stage (by name or index: a circular dependency), a stage index that does not exist, a bare name that is neither an earlier stage nor a known image (a typo or a renamed stage — an error when it is within two letters of a stage\'s name, `builder` beside `build` —, or an image built earlier on the same machine: otherwise reported as a warning), or a stage defined only later in the file (reported as a warning). Stage names are case-insensitive; numeric indexes count from 0; image references (`nginx:1.28`, `ghcr.io/acme/tool`, `docker.io/x/y`, official image names like `composer` or `busybox`) are fine. Values with variables are not judged (BuildKit does not expand them), and ONBUILD COPY triggers refer to the downstream build\'s stages.',
    why: 'A `--from` that names no earlier stage does not fail as a typo: BuildKit treats an unknown bare name as an image: it uses a local image of that name when the builder has one (an image built earlier, a step the Dockerfile does not show: a build that works on one machine only) and otherwise tries to pull `docker.io/library/<name>:latest`, which fails with an access error — or copies from an official image if the name happens to be one. Copying from the stage itself is a circular dependency and a stage defined later only builds with BuildKit. SECURITY-GUIDELINES.md §6 Image Build Security and Dependency Security "Supply Chain Security": every input of the image must be the one you meant.',
    bad: 'FROM golang:1.25 AS build\nRUN go build -o /out/app .\nFROM alpine:3.22\nCOPY --from=builder /out/app /app',
    good: 'FROM golang:1.25 AS build\nRUN go build -o /out/app .\nFROM alpine:3.22\nCOPY --from=build /out/app /app',
    fix: 'No automatic fix: the stage meant cannot be known for sure. Name the stage with `AS` and use that name, move the stage above the COPY, or, for a named build context given on the command line (`--build-context name=…`), keep the name and ignore this finding for the line. A name that every compose service building the Dockerfile gives in `build.additional_contexts` is read as the context it is and not reported; a service that builds it without that context looks for a stage or an image of that name.',
    guideline: '§6 Image Build Security; Dependency Security — "Supply Chain Security"',
    equivalents: ['hadolint DL3022 (COPY --from should reference a previously defined FROM alias)', 'hadolint DL3023 (COPY --from cannot reference its own FROM alias)', 'Trivy DS-0006 (COPY --from referring to the current image)', 'KICS "COPY \'--from\' Without FROM Alias Defined Previously" (68a51e22-ae5a-4d48-8e87-b01a323605c9, the counterpart of DL3022) and "COPY \'--from\' References Current FROM Alias" (the counterpart of DL3023)'],
    references: [
      'https://docs.docker.com/reference/dockerfile/#copy---from',
      'https://docs.docker.com/build/building/multi-stage/#name-your-build-stages',
      'https://github.com/hadolint/hadolint/wiki/DL3022',
      'https://github.com/moby/buildkit/issues/2374',
    ],
  },
  check(ctx) {
    const out = [];
    for (const stage of ctx.stages) {
      for (const ins of stage.instructions) {
        if (ins.getKeyword() !== 'COPY') continue;
        const flag = flagNamed(ins, 'from');
        const value = flag?.getValue();
        if (!flag || !value) continue;
        const target = copyFromTarget(ctx, stage, value);
        const range = flag.getRange();
        switch (target.kind) {
          case 'self':
            out.push({ range, data: { problem: 'self' as const, from: value } });
            break;
          case 'later':
            out.push({ range, severity: 'warning' as const, data: { problem: 'later' as const, from: value, definedAt: target.stage.from.getRange().start.line + 1 } });
            break;
          case 'bad-index':
            out.push({ range, data: { problem: 'bad-index' as const, from: value, stages: ctx.stages.length } });
            break;
          case 'unknown-name': {
            // A warning: it may name an image built earlier on the same machine (getsentry/relay's release builds: review 29,
            // probe df-03) — an error when it is close to a stage's name, a typo (`builder` beside `build`: review 31, probe 10).
            const names = ctx.stages.map((s) => s.name).filter((n): n is string => n !== null);
            const near = names.find((n) => looksLikeTypoOf(value.toLowerCase(), n));
            out.push({ range, ...(near ? {} : { severity: 'warning' as const }), data: { problem: 'unknown-name' as const, from: value, known: ctx.stages.slice(0, stage.index).map((s) => s.name).filter((n): n is string => n !== null).slice(0, 5), ...(near ? { near } : {}) } });
            break;
          }
          default:
            break;
        }
      }
    }
    return out;
  },
  message(d) {
    switch (d.problem) {
      case 'self':
        return `COPY --from=${d.from} copies from its own stage: a stage cannot copy from itself (circular dependency).`;
      case 'later':
        return `COPY --from=${d.from} names a stage defined later (line ${d.definedAt}); define it before this stage — only BuildKit resolves forward references.`;
      case 'bad-index':
        return `COPY --from=${d.from}: there is no stage ${d.from} (the file has ${d.stages} stage${d.stages === 1 ? '' : 's'}, counted from 0).`;
      case 'unknown-name': {
        if (d.near) return `COPY --from=${d.from}: no stage of that name is defined, and it is close to the stage '${d.near}': a typo? As written the build needs a build context named '${d.from}' (--build-context, or bake's contexts) or an image of that name.`;
        const known = d.known.length > 0 ? ` Stages defined: ${d.known.join(', ')}.` : '';
        return `COPY --from=${d.from}: no stage of that name is defined before this one, so the build uses a local image named '${d.from}' if one was built before, else tries to pull docker.io/library/${d.from}, which fails unless an official image has that name (or needs --build-context ${d.from}=…).${known}`;
      }
    }
  },
});
