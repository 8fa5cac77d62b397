import type { Instruction } from 'dockerfile-ast';
import { defineRule } from '../engine/rule';
import type { DockerfileContext, Stage } from '../engine/dockerfile';
import type { Position, Range } from '../engine/types';

type Data =
  | {
      problem: 'no-user';
      /** Where `USER 1000` goes: before the first CMD/ENTRYPOINT, else after the last instruction. */
      insertLine: number;
      insertBefore: boolean;
      indent: string;
      /** The image installs a privilege-dropping tool (gosu, su-exec…) and has an ENTRYPOINT: it starts as root on purpose. */
      dropTool: string | null;
    }
  | { problem: 'root-user'; user: string; userRange: Range };

/** Base images known to run as a non-root user by default (their USER is inherited). */
const NON_ROOT_BASES: RegExp[] = [
  /^gcr\.io\/distroless\/.*:(?:[\w.-]*-)?nonroot$/,
  /^cgr\.dev\/chainguard\//,
  /^(?:docker\.io\/)?bitnami\//,
];

function userIsRoot(value: string): boolean {
  const user = value.split(':')[0].trim();
  return user === 'root' || user === '0';
}

/** The last USER instruction that applies to a stage: its own, else the parent stage's (a stage inherits its base stage's USER). */
function effectiveUser(stage: Stage, depth = 0): Instruction | null | 'non-root-base' {
  for (let i = stage.instructions.length - 1; i >= 0; i--) {
    if (stage.instructions[i].getKeyword() === 'USER') return stage.instructions[i];
  }
  if (stage.base.kind === 'stage' && depth < 64) return effectiveUser(stage.base.stage, depth + 1);
  if (stage.base.kind === 'image' && NON_ROOT_BASES.some((re) => re.test(stage.base.kind === 'image' ? stage.base.ref.text : ''))) return 'non-root-base';
  if (stage.base.kind === 'unknown') return 'non-root-base'; // unknown base: its USER is unknown, so no finding.
  return null;
}

/** Tools official images use to start as root, prepare volumes, then run the server as its own user. */
const DROP_TOOLS = /\b(gosu|su-exec|setpriv|s6-setuidgid|chroot --userspec|runuser)\b/;

/** The privilege-dropping tool an image built from this Dockerfile installs or calls, when it has an ENTRYPOINT. */
function privilegeDropTool(ctx: DockerfileContext, stage: Stage): string | null {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage, i = 0; s && i < 64; i++) {
    chain.push(s);
    s = s.base.kind === 'stage' ? s.base.stage : undefined;
  }
  const hasEntrypoint = chain.some((s) => s.instructions.some((i) => i.getKeyword() === 'ENTRYPOINT'));
  if (!hasEntrypoint) return null;
  for (const s of chain) {
    for (const ins of s.instructions) {
      const kw = ins.getKeyword();
      if (kw !== 'RUN' && kw !== 'COPY' && kw !== 'ADD' && kw !== 'ENTRYPOINT' && kw !== 'CMD') continue;
      const r = ins.getRange();
      const m = DROP_TOOLS.exec(ctx.text.slice(ctx.offsetAt(r.start), ctx.offsetAt(r.end)));
      if (m) return m[1];
    }
  }
  return null;
}

function insertionPoint(ctx: DockerfileContext, stage: Stage): { insertLine: number; insertBefore: boolean; indent: string } {
  const cmd = stage.instructions.find((i) => i.getKeyword() === 'CMD' || i.getKeyword() === 'ENTRYPOINT');
  if (cmd) {
    const line = cmd.getRange().start.line;
    return { insertLine: line, insertBefore: true, indent: ctx.lines.indentOf(line) };
  }
  const last = stage.instructions[stage.instructions.length - 1] ?? stage.from;
  const line = last.getRange().end.line;
  return { insertLine: line, insertBefore: false, indent: ctx.lines.indentOf(last.getRange().start.line) };
}

export default defineRule<'dockerfile', Data>({
  code: 'DF010',
  name: 'runs-as-root',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'always',
  docs: {
    what: 'Flags a Dockerfile whose final stage runs as root: it has no `USER` instruction (and does not inherit one from an earlier stage it builds on), or its last `USER` is `root` or `0`. Builder stages are not judged: only the final stage becomes the image that runs. A base image that is unknown (an ARG without default) or known to run as non-root (distroless `:nonroot`, Chainguard, Bitnami) is not flagged for a missing USER. An image with an ENTRYPOINT that installs or calls a privilege-dropping tool (gosu, su-exec, setpriv, s6-setuidgid, runuser — the pattern of the official postgres, redis and mysql images) is reported as info, not warning: it starts as root on purpose.',
    why: 'A process running as root inside the container is root on the host\'s kernel: any escape (a kernel bug, a mounted socket, a writable host path) gives full control of the host. SECURITY-GUIDELINES.md §2: "Run as Non-root User – all services run with uid: 1000"; checklist: "Non-root user in Dockerfile".',
    bad: 'FROM node:24-alpine\nCOPY . /app\nCMD ["node", "/app/server.js"]',
    good: 'FROM node:24-alpine\nCOPY . /app\nUSER 1000\nCMD ["node", "/app/server.js"]',
    fix: 'Not offered when the entrypoint steps down with gosu/su-exec (it needs root to prepare volumes first). Otherwise "Run as USER 1000" inserts `USER 1000` before the final stage\'s first CMD/ENTRYPOINT (or after its last instruction when it has neither), or replaces the root `USER` line. Not offered when the file ends inside its last instruction (a line continuation, even when only comment or blank lines follow it, or a heredoc without its closing line): the appended line would become part of it. A numeric uid needs no user entry in /etc/passwd. Safe in the sense that it does what the rule asks; check that the process does not need to write to root-owned paths or bind ports below 1024.',
    guideline: '§2 Container Runtime Security — "Run as Non-root User"; Security Checklist — "Non-root user in Dockerfile"',
    equivalents: ['hadolint DL3002 (last USER should not be root)', 'Trivy DS-0002 (image user should not be root)', 'Checkov CKV_DOCKER_3 / CKV_DOCKER_8', 'KICS "Missing User Instruction"'],
    references: ['https://docs.docker.com/reference/dockerfile/#user', 'https://docs.docker.com/build/building/best-practices/#user'],
  },
  check(ctx) {
    const stage = ctx.finalStage;
    if (!stage || stage.base.kind === 'scratch' && stage.instructions.length === 0) return [];
    const user = effectiveUser(stage);
    if (user === 'non-root-base') return [];
    if (user === null) {
      const r = stage.from.getRange();
      const dropTool = privilegeDropTool(ctx, stage);
      return [
        {
          range: { start: r.start, end: { line: r.start.line, character: ctx.lines.lineText(r.start.line).length } },
          data: { problem: 'no-user' as const, ...insertionPoint(ctx, stage), dropTool },
          // The entrypoint steps down to an unprivileged user itself: worth a look, not a warning.
          ...(dropTool ? { severity: 'info' as const } : {}),
        },
      ];
    }
    const args = user.getArgumentsContent();
    if (args === null) return [];
    const value = args.trim();
    if (value.includes('$')) return []; // a variable: unknown, never a finding by itself
    if (!userIsRoot(value)) return [];
    const argsRange = user.getArgumentsRange()!;
    // A USER inherited from a builder stage is reported where it is written only if that stage is the final one.
    if (!stage.instructions.includes(user)) {
      const r = stage.from.getRange();
      return [{ range: { start: r.start, end: { line: r.start.line, character: ctx.lines.lineText(r.start.line).length } }, data: { problem: 'no-user' as const, ...insertionPoint(ctx, stage), dropTool: null } }];
    }
    return [{ range: user.getRange(), data: { problem: 'root-user' as const, user: value, userRange: argsRange } }];
  },
  message(d) {
    if (d.problem === 'no-user' && d.dropTool) return `The final stage has no USER: the container starts as root and relies on its entrypoint to step down with ${d.dropTool}; check that the long-running process does, or set a non-root USER.`;
    return d.problem === 'no-user'
      ? 'The final stage has no USER, so the container runs as root; add a non-root USER (uid 1000).'
      : `The final stage switches to USER ${d.user}, so the container runs as root; use a non-root user (uid 1000).`;
  },
  fix(ctx, { data }) {
    // An entrypoint that steps down with gosu/su-exec needs root to start (it chowns volumes first).
    if (data.problem === 'no-user' && data.dropTool) return undefined;
    if (data.problem === 'root-user') {
      return { title: 'Run as USER 1000', safe: true, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: data.userRange, newText: '1000' }] }] };
    }
    const eol = ctx.lines.eol;
    let at: Position;
    let newText: string;
    if (data.insertBefore) {
      at = { line: data.insertLine, character: 0 };
      newText = `${data.indent}USER 1000${eol}`;
    } else {
      const last = ctx.lines.lineText(data.insertLine);
      // A file whose last instruction is still open (a trailing continuation, or a heredoc without its
      // closing line) would swallow the appended line: no fix there. Blank and comment lines do not
      // end a continuation (the Dockerfile parser skips them), so the last line that is neither counts.
      let code = data.insertLine;
      while (code > 0 && /^\s*(?:#|$)/.test(ctx.lines.lineText(code))) code--;
      if (ctx.lines.lineText(code).trimEnd().endsWith(ctx.escapeChar) || ctx.finalStage?.instructions.some((i) => i.getKeyword() === 'RUN' && (i as unknown as { getHeredocs(): { getDelimiterRange(): unknown }[] }).getHeredocs().some((h) => !h.getDelimiterRange()))) return undefined;
      at = { line: data.insertLine, character: last.length };
      newText = `${eol}${data.indent}USER 1000`;
    }
    return { title: 'Run as USER 1000', safe: true, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: { start: at, end: at }, newText }] }] };
  },
});
