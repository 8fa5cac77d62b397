import * as path from 'node:path';
import type { Instruction } from 'dockerfile-ast';
import { argWords, flagNamed, unquote } from '../engine/df-instructions';
import type { DockerfileContext } from '../engine/dockerfile';
import { dockerignoreFor, isExcluded, parseDockerignore } from '../engine/dockerignore';
import { servicesBuilding } from '../engine/relations';
import { defineRule } from '../engine/rule';
import type { Fix, Range } from '../engine/types';
import { appendLineEdit } from '../engine/yaml-edit';

/** What the context's ignore file must leave out: a name to show, a path to test, the line the fix adds. */
interface Required {
  label: string;
  test: string;
  line: string;
  /** Only required when this path exists in the context (`.git` is there only when the context is a repository root). */
  ifExists?: string;
}

const REQUIRED: readonly Required[] = [
  { label: '.git', test: '.git/HEAD', line: '.git', ifExists: '.git' },
  { label: '.env', test: '.env', line: '**/.env' },
  { label: '*.pem', test: 'server.pem', line: '**/*.pem' },
  { label: '*.key', test: 'server.key', line: '**/*.key' },
  { label: 'id_rsa*', test: 'id_rsa', line: '**/id_rsa*' },
];

interface Data {
  /** The ignore file that applies (or would be created). */
  ignorePath: string;
  exists: boolean;
  /** Labels of what is not excluded. */
  missing: string[];
  /** Lines the fix adds (creating: every pattern). */
  lines: string[];
  /** The build context, relative to the Dockerfile's folder (for the message). */
  context: string;
  /** Something in the Dockerfile names one of these files or runs git: excluding them may break the build. */
  referenced: boolean;
}

/** `COPY . …`, `ADD ./ …`, `COPY * …`: a source that is the whole build context. */
function isWholeContext(source: string): boolean {
  return /^(?:\.|\.\/|\.\/\.|\/|\*|\.\/\*|\.\/\.\/)$/.test(source);
}

function wholeContextCopy(ctx: DockerfileContext): { ins: Instruction; range: Range } | undefined {
  for (const stage of ctx.stages) {
    for (const ins of stage.instructions) {
      const kw = ins.getKeyword();
      if (kw !== 'COPY' && kw !== 'ADD') continue;
      if (flagNamed(ins, 'from')) continue; // from another stage, image or named context
      const words = argWords(ctx, ins).filter((w) => !w.heredoc);
      if (words.length < 2) continue;
      const source = words.slice(0, -1).find((w) => isWholeContext(unquote(w.value)));
      if (source) return { ins, range: { start: ins.getRange().start, end: ctx.lines.positionAt(source.end) } };
    }
  }
  return undefined;
}

const SENSITIVE_NAMES = /\.env\b|\.pem\b|\.key\b|id_rsa|(?:^|[\s/"'])\.git\b|\bgit\s/;

/** Whether the Dockerfile itself uses one of the files the fix would exclude (COPY of a cert, `RUN git describe`). */
function referencesSensitive(ctx: DockerfileContext, copy: Instruction): boolean {
  for (const stage of ctx.stages) {
    for (const ins of stage.instructions) {
      if (ins === copy) continue;
      const kw = ins.getKeyword();
      if (kw !== 'COPY' && kw !== 'ADD' && kw !== 'RUN') continue;
      const r = ins.getRange();
      if (SENSITIVE_NAMES.test(ctx.text.slice(ctx.offsetAt(r.start), ctx.offsetAt(r.end)))) return true;
    }
  }
  return false;
}

export default defineRule<'dockerfile', Data>({
  code: 'DR003',
  name: 'dockerignore-missing-secrets',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'always',
  docs: {
    what:
      'Flags a Dockerfile that copies the whole build context (`COPY . …`, `ADD ./ …`, `COPY * …`, in any stage, without `--from`) when the context\'s ignore file is missing or does not exclude `.env`, private keys (`*.pem`, `*.key`, `id_rsa*`) and — when the context holds a `.git` directory — `.git`. ' +
      'The ignore file is `<Dockerfile>.dockerignore` beside the Dockerfile when it exists, else `.dockerignore` at the root of the context; the context is the one compose files (`compose.yaml`, `docker-compose.yml` … in the Dockerfile\'s folder and up to three folders above) give in `build:`, else the Dockerfile\'s folder. Patterns are evaluated with BuildKit\'s matching (`**`, `!` exceptions, last match wins, a directory pattern excludes its content) against files at the context root. Reported on the first such COPY/ADD.',
    why:
      'Everything in the build context that `COPY .` takes ends up in an image layer: a `.env` with production passwords, a TLS private key, an SSH key, or `.git` with its whole history (including secrets committed and "removed" later). Anyone who can pull the image can extract them with `docker save` — the image registry becomes a secret store nobody audits. SECURITY-GUIDELINES.md §5 Secrets Management: "DO NOT commit secrets to version control" — the same goes for images.',
    bad: '# no .dockerignore\nFROM node:22-alpine\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]',
    good: '# .dockerignore: .git  **/.env  **/*.pem  **/*.key  **/id_rsa*\nFROM node:22-alpine\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]',
    fix:
      '"Exclude secrets in .dockerignore" creates `.dockerignore` at the context root with `.git`, `**/.env`, `**/*.pem`, `**/*.key`, `**/id_rsa*`, or appends the missing lines to the ignore file that applies (keeping its line endings). The `**/` forms also exclude copies in subfolders. ' +
      'Applied by fix-all unless the Dockerfile itself names such files or runs git (a `COPY certs/ca.pem …`, `RUN git rev-parse …`): then the build may need them, and the fix is only offered as a single quick fix. An app that reads `.env` at run time from its own folder must get its settings from `environment:`/`env_file:` instead.',
    guideline: '§5 Secrets Management — "DO NOT commit secrets to version control"; Security Checklist — "Secrets not in version control"',
    equivalents: ['hadolint has no rule for it; Trivy and Checkov scan built images for secrets (trivy image --scanners secret) after the fact; Docker Scout and docker build checks (`SecretsUsedInArgOrEnv`) cover ARG/ENV only'],
    references: [
      'https://docs.docker.com/build/concepts/context/#dockerignore-files',
      'https://docs.docker.com/reference/dockerfile/#copy',
      'https://github.com/moby/patternmatcher',
      'https://docs.docker.com/build/building/best-practices/#exclude-with-dockerignore',
      'https://docs.docker.com/reference/compose-file/build/#context',
    ],
  },
  check(ctx) {
    const copy = wholeContextCopy(ctx);
    if (!copy) return [];
    const dockerfileDir = path.dirname(ctx.path);
    const contexts = [...new Set(servicesBuilding(ctx.workspace, ctx.path, ctx.options).map((b) => b.build.context))];
    if (contexts.length === 0) contexts.push(dockerfileDir);
    for (const context of contexts) {
      const ignore = dockerignoreFor(ctx.workspace, ctx.path, context);
      const required = REQUIRED.filter((r) => !r.ifExists || ctx.workspace.exists(path.join(context, r.ifExists)));
      let missing: Required[];
      if (ignore.text === undefined && ctx.workspace.exists(ignore.path)) continue; // there, but unreadable (too large): unknown
      if (ignore.text === undefined) missing = required;
      else {
        const patterns = parseDockerignore(ignore.text);
        missing = required.filter((r) => !isExcluded(patterns, r.test));
      }
      if (missing.length === 0) continue;
      const lines = ignore.text === undefined ? REQUIRED.map((r) => r.line) : missing.map((r) => r.line);
      const rel = path.relative(dockerfileDir, context).split(path.sep).join('/') || '.';
      return [{ range: copy.range, data: { ignorePath: ignore.path, exists: ignore.text !== undefined, missing: missing.map((m) => m.label), lines, context: rel, referenced: referencesSensitive(ctx, copy.ins) } }];
    }
    return [];
  },
  message(d) {
    const where = d.context === '.' ? 'the build context' : `the build context (${d.context})`;
    if (!d.exists) return `This copies all of ${where}, which has no .dockerignore: .env files, private keys (*.pem, *.key, id_rsa*)${d.missing.includes('.git') ? ' and .git' : ''} go into the image.`;
    return `This copies all of ${where}, and ${path.basename(d.ignorePath)} does not exclude ${d.missing.join(', ')}: they go into the image.`;
  },
  fix(ctx, { data }): Fix | undefined {
    const title = `Exclude secrets in ${path.basename(data.ignorePath)}`;
    const safe = !data.referenced;
    if (!data.exists) return { title, safe, changes: [{ kind: 'create', path: data.ignorePath, content: data.lines.map((l) => `${l}\n`).join('') }] };
    const text = ctx.workspace.readText(data.ignorePath);
    if (text === undefined) return undefined;
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    return { title, safe, changes: [{ kind: 'edit', path: data.ignorePath, edits: [appendLineEdit(text, data.lines.join(eol), eol)] }] };
  },
});
