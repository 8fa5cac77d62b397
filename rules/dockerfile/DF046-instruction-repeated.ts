import { defineRule } from '../engine/rule';

interface Data {
  keyword: 'CMD' | 'ENTRYPOINT' | 'HEALTHCHECK';
  /** 1-based line of the instruction that overrides this one. */
  overriddenAt: number;
  stage: string;
}

const REPEATED = ['CMD', 'ENTRYPOINT', 'HEALTHCHECK'] as const;

export default defineRule<'dockerfile', Data>({
  code: 'DF046',
  name: 'instruction-repeated',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'never',
  docs: {
    summary: 'A CMD, ENTRYPOINT or HEALTHCHECK is overridden by a later one of the same kind in the same stage.',
    what: 'Flags a CMD, ENTRYPOINT or HEALTHCHECK that a later instruction of the same kind in the same stage overrides: only the last one of each takes effect, so the earlier ones are reported. Each stage is judged on its own (a builder stage and the final stage may each have their CMD), and ONBUILD triggers are not counted.',
    why: 'The ineffective instruction is what a reviewer reads first: a carefully hardened ENTRYPOINT or a HEALTHCHECK that looks configured is silently replaced by a later one, so the image does not do what the review approved. SECURITY-GUIDELINES.md Security Checklist — "Health checks implemented": a health check that never runs is not implemented.',
    bad: 'FROM node:24-slim\nHEALTHCHECK CMD curl -f http://localhost:8080/health || exit 1\nCMD ["node", "server.js"]\nHEALTHCHECK NONE\nCMD ["npm", "start"]',
    good: 'FROM node:24-slim\nHEALTHCHECK CMD curl -f http://localhost:8080/health || exit 1\nCMD ["node", "server.js"]',
    fix: 'No automatic fix: which of the instructions is the intended one is for you to decide; delete the other.',
    guideline: 'Security Checklist — "Health checks implemented"; §6 Image Build Security',
    equivalents: ['hadolint DL4003 (multiple CMD)', 'hadolint DL4004 (multiple ENTRYPOINT)', 'hadolint DL3012 (multiple HEALTHCHECK)', 'Trivy DS-0016 (multiple CMD), DS-0007 (multiple ENTRYPOINT), DS-0023 (multiple HEALTHCHECK)', 'KICS "Multiple CMD Instructions Listed" (41c195f4-fc31-4a5c-8a1b-90605538d49f) and "Multiple ENTRYPOINT Instructions Listed" (6938958b-3f1a-451c-909b-baeee14bdc97)', 'Docker build check MultipleInstructionsDisallowed (CMD, ENTRYPOINT or HEALTHCHECK repeated in a stage; `docker build` reports it)'],
    references: ['https://docs.docker.com/reference/dockerfile/#cmd', 'https://docs.docker.com/reference/dockerfile/#entrypoint', 'https://docs.docker.com/reference/dockerfile/#healthcheck'],
  },
  check(ctx) {
    const out = [];
    for (const stage of ctx.stages) {
      for (const keyword of REPEATED) {
        const found = stage.instructions.filter((i) => i.getKeyword() === keyword);
        if (found.length < 2) continue;
        const last = found[found.length - 1];
        for (const ins of found.slice(0, -1)) {
          out.push({ range: ins.getRange(), data: { keyword, overriddenAt: last.getRange().start.line + 1, stage: stage.name ?? String(stage.index) } });
        }
      }
    }
    return out;
  },
  message(d) {
    return `This ${d.keyword} has no effect: the ${d.keyword} on line ${d.overriddenAt} of the same stage replaces it (only the last ${d.keyword} counts).`;
  },
});
