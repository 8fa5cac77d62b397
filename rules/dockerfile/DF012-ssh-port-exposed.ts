import type { Instruction } from 'dockerfile-ast';
import { defineRule } from '../engine/rule';
import { argWords, resolveAt, unquote, type ArgWord } from '../engine/df-instructions';
import { everyVariantGives, stageChain } from '../engine/stage-scope';
import { packageCommands } from '../engine/packages';
import type { DockerfileContext, Stage } from '../engine/dockerfile';
import type { Detection, Range } from '../engine/types';

interface Data {
  /** The port as written (`22`, `22/tcp`, `20-30`, `$SSH_PORT`). */
  written: string;
  /** Whether the value came from an ARG/ENV variable. */
  viaVariable: boolean;
  /** The edit that removes port 22 (the word, the word within a range, or the whole EXPOSE), or null. */
  edit: { range: Range; newText: string } | null;
  /**
   * Why SSH is what the image serves, not a shell login beside an app (sshService): `git` (an OpenSSH server and
   * git installed), `git-shell`, `sftp` (an `internal-sftp` configuration), or the base image's name (`gitea/gitea`).
   * Reported as info, with no fix.
   */
  service?: string;
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

function removalEdit(ctx: DockerfileContext, ins: Instruction, words: readonly ArgWord[], k: number, port: PortSpec): Data['edit'] {
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

/** OpenSSH server packages: `openssh-server` (Debian, Ubuntu, Fedora, RHEL, SUSE, Alpine) and Alpine's `openssh`, which pulls it in, or `openssh-server-pam`. */
const SSH_SERVER_PACKAGES = new Set(['openssh', 'openssh-server', 'openssh-server-pam']);
const GIT_PACKAGES = new Set(['git', 'git-core']);
/** The package managers' install actions (zypper's `in` and dnf's are normalized to `install`). */
const INSTALL_ACTIONS = new Set(['install', 'add']);

/**
 * Images whose product is a service spoken over SSH on port 22: the git forges, whose own Dockerfiles `EXPOSE 22`
 * for git over SSH (Gitea, Gogs, Forgejo, GitLab CE/EE), and atmoz/sftp, an OpenSSH SFTP server.
 */
const SSH_SERVICE_IMAGES = new Set(['gitea/gitea', 'gogs/gogs', 'codeberg.org/forgejo/forgejo', 'gitlab/gitlab-ce', 'gitlab/gitlab-ee', 'atmoz/sftp']);

/**
 * Why the image a final stage (or a copy of it: chainVariants) builds serves SSH itself rather than a shell login:
 * its base is a forge or SFTP image (SSH_SERVICE_IMAGES), or its chain's RUNs install an OpenSSH server and also git
 * (git over SSH), name `git-shell` (the login shell of git-only accounts), or write an `internal-sftp` configuration
 * (`ForceCommand internal-sftp`, `Subsystem sftp internal-sftp`). Null otherwise: an SSH server beside an app, or
 * `sshd -D` alone, is the shell-access daemon the rule is about.
 */
function sshService(ctx: DockerfileContext, final: Stage): string | null {
  const chain = stageChain(final);
  const base = chain[chain.length - 1].base;
  if (base.kind === 'image') {
    const registry = base.ref.registry?.toLowerCase() ?? null;
    const name = (registry === null || registry === 'docker.io' || registry === 'index.docker.io' ? '' : `${registry}/`) + base.ref.repository.toLowerCase();
    if (SSH_SERVICE_IMAGES.has(name)) return name;
  }
  const stages = new Set(chain.map((s) => s.variantOf ?? s));
  const inChain = (run: { stage: Stage | null; onbuild: boolean }) => !run.onbuild && run.stage !== null && stages.has(run.stage);
  let server = false;
  let git = false;
  for (const pc of packageCommands(ctx)) {
    if (!inChain(pc.run) || !INSTALL_ACTIONS.has(pc.action) || !['apt', 'apk', 'rpm', 'zypper'].includes(pc.family)) continue;
    for (const w of pc.operands) {
      // `openssh-server=1:9.6p1-3`, `openssh~9`, `git:amd64`: the name before a version or architecture.
      const name = w.value.replace(/[=<>~:].*$/, '').toLowerCase();
      if (SSH_SERVER_PACKAGES.has(name)) server = true;
      if (GIT_PACKAGES.has(name)) git = true;
    }
  }
  if (!server) return null;
  if (git) return 'git';
  let gitShell = false;
  let sftp = false;
  for (const run of ctx.runs()) {
    if (!inChain(run)) continue;
    for (const script of run.scripts) {
      for (const cmd of script.commands) {
        for (const w of cmd.words) {
          if (w.value.includes('git-shell')) gitShell = true;
          if (w.value.includes('internal-sftp')) sftp = true;
        }
      }
    }
  }
  return gitShell ? 'git-shell' : sftp ? 'sftp' : null;
}

/** The EXPOSE words of the final stage's chain (or of one copy of it: chainVariants) that advertise port 22. */
function exposedSsh(ctx: DockerfileContext, final: Stage): Detection<Data>[] {
  const out: Detection<Data>[] = [];
  let service: string | null | undefined;
  const serviceOf = () => (service === undefined ? (service = sshService(ctx, final)) : service);
  const detection = (range: Range, data: Data): Detection<Data> => {
    const why = serviceOf();
    return why === null ? { range, data } : { range, data: { ...data, edit: null, service: why }, severity: 'info' };
  };
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
          if (ports.some((p) => p && exposesSsh(p))) out.push(detection(range, { written, viaVariable: true, edit: null }));
          continue;
        }
        // BuildKit reads EXPOSE's words as the shell does: `EXPOSE "22"` is port 22 (review 33, probe p06).
        const value = unquote(w.value);
        const port = parsePort(value);
        if (!port || !exposesSsh(port)) continue;
        out.push(detection(range, { written, viaVariable: false, edit: value === w.value ? removalEdit(ctx, ins, words, k, port) : null }));
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
    what: 'Flags `EXPOSE 22` in the image that runs: `22`, `22/tcp`, a range containing 22 (`20-30`), the container side of a mapping (`2222:22`), or a variable whose ARG/ENV value is 22. Only the final stage and the stages it builds on are judged (a builder stage\'s EXPOSE does not reach the image); with a final FROM that names a stage through a variable (`FROM runtime-$TARGETARCH`), each stage it could name — the automatic platform ARG\'s values or a global ARG default, not `runtime-rocm` — is the image on that platform and its EXPOSE is judged; `22/udp` is not SSH and is not flagged. Reported as info, without a fix, when SSH is what the image serves rather than a shell login: its base is a git forge or SFTP image that serves SSH on 22 (`gitea/gitea`, `gogs/gogs`, `codeberg.org/forgejo/forgejo`, `gitlab/gitlab-ce`, `gitlab/gitlab-ee`, `atmoz/sftp`), or the RUNs of the final stage\'s chain install an OpenSSH server (`openssh-server`, Alpine\'s `openssh`) and also git (git over SSH, as the Gitea and jessfraz/gitserver images do), name `git-shell` (the login shell that allows git commands only) or write an `internal-sftp` configuration (`ForceCommand internal-sftp`, `Subsystem sftp internal-sftp`: SFTP only). An SSH server beside an application, or `sshd -D` on its own, stays a warning. Git or an SFTP setup installed by a script the Dockerfile runs (`RUN bash install.sh`) is not seen.',
    why: 'Port 22 means an SSH server in the container: another long-running daemon with its own credentials or keys baked into the image, a login path that bypasses the container runtime\'s access control and audit (`docker exec`), and a classic brute-force target when the port gets published. EXPOSE also makes `docker run -P` publish it. SECURITY-GUIDELINES.md §3 "No Port Exposure in Production" and §1 (minimal attack surface).',
    bad: 'FROM debian:trixie-slim\nRUN apt-get update && apt-get install -y openssh-server\nEXPOSE 22 8080',
    good: 'FROM debian:trixie-slim\nEXPOSE 8080\n# shell access: docker exec -it <container> sh',
    fix: '"Remove EXPOSE 22" deletes the port from the EXPOSE instruction (keeping the other ports, line continuations and indentation), deletes the whole instruction when 22 was its only port, and splits a range around 22 (`20-30` → `20-21 23-30`). What that changes is limited: EXPOSE does not publish a port — the Dockerfile reference calls it "a type of documentation between the person who builds the image and the person who runs the container" —, so the SSH server, if installed, still listens on 22 and `docker run -p 22:22` still reaches it; what goes is the advertisement in the image\'s configuration and the publication by `docker run -P` (on every host interface). Remove the SSH server itself by hand (and use `docker exec` for a shell). Not offered when the port comes from a variable or is quoted (`EXPOSE "22"`, which BuildKit reads as 22 and is reported), nor when SSH is the image\'s service (the info case above): there the port is the product, and the fix would only stop `-P` from publishing it. Not a safe fix (a quick fix only, never applied by fix-all or `check --fix`): `docker run -P` users lose the published port.',
    guideline: '§3 Network Security — "No Port Exposure in Production"; §1 Image Security (attack surface)',
    equivalents: ['Trivy DS-0004 (port 22 exposed)', 'Checkov CKV_DOCKER_1 (ensure port 22 is not exposed)', 'Kyverno JSON dockerfile-deny-expose-22'],
    references: ['https://docs.docker.com/reference/dockerfile/#expose', 'https://avd.aquasec.com/misconfig/ds004', 'https://www.checkov.io/5.Policy%20Index/dockerfile.html', 'https://docs.docker.com/reference/cli/docker/container/exec/', 'https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope', 'https://git-scm.com/docs/git-shell', 'https://man7.org/linux/man-pages/man5/sshd_config.5.html', 'https://docs.gitea.com/installation/install-with-docker'],
  },
  check(ctx) {
    const final = ctx.finalStage;
    if (!final) return [];
    // `FROM runtime-$TARGETARCH`: the EXPOSE of each stage it could name reaches the image on that platform.
    return everyVariantGives(ctx, final, (s) => exposedSsh(ctx, s));
  },
  message(d) {
    const via = d.viaVariable ? ' (through a variable)' : '';
    if (d.service) {
      const what = d.service === 'git' ? 'git over SSH: an OpenSSH server and git are installed' : d.service === 'git-shell' ? 'git over SSH: git-shell' : d.service === 'sftp' ? 'SFTP: internal-sftp' : `the SSH service of ${d.service}`;
      return `EXPOSE ${d.written}${via} is the port of the SSH service this image provides (${what}), not a shell login: keep it to that service (key-only logins, git-shell or internal-sftp) and publish it only where it is needed.`;
    }
    return `EXPOSE ${d.written}${via} advertises SSH (port 22): don't run an SSH server for shell access in the container (use docker exec); a service that itself speaks SSH (git, SFTP) should listen on another port.`;
  },
  fix(ctx, { data }) {
    if (!data.edit) return undefined;
    return { title: 'Remove EXPOSE 22', safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [data.edit] }] };
  },
});
