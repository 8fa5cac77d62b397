import type { Instruction } from 'dockerfile-ast';
import { defineRule } from '../engine/rule';
import { argWords, resolveAt, unquote, type ArgWord } from '../engine/df-instructions';
import { everyVariantGives, stageChain } from '../engine/stage-scope';
import type { DockerfileContext, Stage } from '../engine/dockerfile';
import type { Detection, Range } from '../engine/types';

interface Data {
  /** The port as written (`22`, `22/tcp`, `20-30`, `$SSH_PORT`). */
  written: string;
  /** Whether the value came from an ARG/ENV variable. */
  viaVariable: boolean;
  /** The edit that removes port 22 (the word, the word within a range, or the whole EXPOSE), or null. */
  edit: { range: Range; newText: string } | null;
}

interface PortSpec {
  low: number;
  high: number;
  /** The protocol as written (`/tcp`), or ''. */
  proto: string;
}

/** Reads `22`, `22/tcp`, `20-30/tcp`, and the container side of `2222:22` (which BuildKit warns about). */
function parsePort(token: string): PortSpec | null {
  const container = token.slice(token.lastIndexOf(':') + 1);
  const m = /^(\d{1,5})(?:-(\d{1,5}))?(\/[A-Za-z]+)?$/.exec(container);
  if (!m) return null;
  const low = Number(m[1]);
  const high = m[2] ? Number(m[2]) : low;
  if (high < low) return null;
  return { low, high, proto: m[3] ?? '' };
}

function exposesSsh(p: PortSpec): boolean {
  return p.low <= 22 && 22 <= p.high && (p.proto === '' || p.proto.toLowerCase() === '/tcp');
}

function part(low: number, high: number, proto: string): string {
  return (low === high ? String(low) : `${low}-${high}`) + proto;
}

function removalEdit(ctx: DockerfileContext, ins: Instruction, words: ArgWord[], k: number, port: PortSpec): Data['edit'] {
  const w = words[k];
  const token = ctx.text.slice(w.start, w.end);
  if (!token.includes(':') && port.high > port.low) {
    // Keep the rest of the range: 20-30 → 20-21 23-30.
    const parts: string[] = [];
    if (port.low < 22) parts.push(part(port.low, 21, port.proto));
    if (port.high > 22) parts.push(part(23, port.high, port.proto));
    return { range: ctx.rangeOfOffsets(w.start, w.end), newText: parts.join(' ') };
  }
  if (words.length === 1) {
    const r = ins.getRange();
    return { range: ctx.lines.wholeLines(r.start.line, r.end.line), newText: '' };
  }
  if (k > 0) return { range: ctx.rangeOfOffsets(words[k - 1].end, w.end), newText: '' };
  return { range: ctx.rangeOfOffsets(w.start, words[k + 1].start), newText: '' };
}

/** The EXPOSE words of the final stage's chain (or of one copy of it: chainVariants) that advertise port 22. */
function exposedSsh(ctx: DockerfileContext, final: Stage): Detection<Data>[] {
  const out: Detection<Data>[] = [];
  for (const stage of stageChain(final)) {
    for (const ins of stage.instructions) {
      if (ins.getKeyword() !== 'EXPOSE') continue;
      const words = argWords(ctx, ins);
      for (let k = 0; k < words.length; k++) {
        const w = words[k];
        const written = ctx.text.slice(w.start, w.end);
        const range = ctx.rangeOfOffsets(w.start, w.end);
        if (w.value.includes('$')) {
          const resolved = resolveAt(ctx, w.value, ins.getRange().start.line);
          if (resolved === null) continue;
          const ports = resolved.split(/\s+/).filter(Boolean).map(parsePort);
          if (ports.some((p) => p && exposesSsh(p))) out.push({ range, data: { written, viaVariable: true, edit: null } });
          continue;
        }
        // BuildKit reads EXPOSE's words as the shell does: `EXPOSE "22"` is port 22 (review 33, probe p06).
        const value = unquote(w.value);
        const port = parsePort(value);
        if (!port || !exposesSsh(port)) continue;
        out.push({ range, data: { written, viaVariable: false, edit: value === w.value ? removalEdit(ctx, ins, words, k, port) : null } });
      }
    }
  }
  return out;
}

export default defineRule<'dockerfile', Data>({
  code: 'DF012',
  name: 'ssh-port-exposed',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'The image that runs exposes port 22 (SSH): `EXPOSE 22`, or a range or mapping that holds it.',
    what: 'Flags `EXPOSE 22` in the image that runs: `22`, `22/tcp`, a range containing 22 (`20-30`), the container side of a mapping (`2222:22`), or a variable whose ARG/ENV value is 22. Only the final stage and the stages it builds on are judged (a builder stage\'s EXPOSE does not reach the image); with a final FROM that names a stage through a variable (`FROM runtime-$TARGETARCH`), each stage it could name — the automatic platform ARG\'s values or a global ARG default, not `runtime-rocm` — is the image on that platform and its EXPOSE is judged; `22/udp` is not SSH and is not flagged.',
    why: 'Port 22 means an SSH server in the container: another long-running daemon with its own credentials or keys baked into the image, a login path that bypasses the container runtime\'s access control and audit (`docker exec`), and a classic brute-force target when the port gets published. EXPOSE also makes `docker run -P` publish it. SECURITY-GUIDELINES.md §3 "No Port Exposure in Production" and §1 (minimal attack surface).',
    bad: 'FROM debian:trixie-slim\nRUN apt-get update && apt-get install -y openssh-server\nEXPOSE 22 8080',
    good: 'FROM debian:trixie-slim\nEXPOSE 8080\n# shell access: docker exec -it <container> sh',
    fix: '"Remove EXPOSE 22" deletes the port from the EXPOSE instruction (keeping the other ports, line continuations and indentation), deletes the whole instruction when 22 was its only port, and splits a range around 22 (`20-30` → `20-21 23-30`). Not offered when the port comes from a variable or is quoted (`EXPOSE "22"`, which BuildKit reads as 22 and is reported). Not a safe fix (a quick fix only, never applied by fix-all or `check --fix`): EXPOSE is metadata, but metadata others read — `docker run -P` publishes the exposed ports, and a git server (Gogs, Gitea) exposes 22 for git over SSH, which would stop being published. The SSH server itself, if installed, should be removed by hand.',
    guideline: '§3 Network Security — "No Port Exposure in Production"; §1 Image Security (attack surface)',
    equivalents: ['Trivy DS-0004 (port 22 exposed)', 'Checkov CKV_DOCKER_1 (ensure port 22 is not exposed)', 'Kyverno JSON dockerfile-deny-expose-22'],
    references: ['https://docs.docker.com/reference/dockerfile/#expose', 'https://avd.aquasec.com/misconfig/ds004', 'https://www.checkov.io/5.Policy%20Index/dockerfile.html', 'https://docs.docker.com/reference/cli/docker/container/exec/', 'https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope'],
  },
  check(ctx) {
    const final = ctx.finalStage;
    if (!final) return [];
    // `FROM runtime-$TARGETARCH`: the EXPOSE of each stage it could name reaches the image on that platform.
    return everyVariantGives(ctx, final, (s) => exposedSsh(ctx, s));
  },
  message(d) {
    const via = d.viaVariable ? ' (through a variable)' : '';
    return `EXPOSE ${d.written}${via} advertises SSH (port 22): don't run an SSH server for shell access in the container (use docker exec); a service that itself speaks SSH (git, SFTP) should listen on another port.`;
  },
  fix(ctx, { data }) {
    if (!data.edit) return undefined;
    return { title: 'Remove EXPOSE 22', safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [data.edit] }] };
  },
});
