import * as path from 'node:path';
import { defineRule } from '../engine/rule';
import type { DockerfileContext, Stage } from '../engine/dockerfile';
import { hasOption, mayRun, packageCommandAt, packageCommands, shellCommandsOf, toolRange, type PackageCommand } from '../engine/packages';

interface Data {
  /** The subcommand as written (`install`, `i`, `add`…). */
  written: string;
  /** Offset of the `npm` word, to find the command again for the fix. */
  toolOffset: number;
}

/** Options `npm ci` accepts (its documented configuration plus npm's general options). */
const CI_OPTIONS = new Set([
  'install-strategy', 'legacy-bundling', 'global-style', 'omit', 'include', 'strict-peer-deps', 'foreground-scripts', 'ignore-scripts',
  'audit', 'no-audit', 'bin-links', 'no-bin-links', 'fund', 'no-fund', 'dry-run', 'workspace', 'workspaces', 'include-workspace-root', 'install-links',
  'loglevel', 'silent', 'quiet', 'verbose', 'progress', 'no-progress', 'registry', 'cache', 'prefer-offline', 'prefer-online', 'offline',
  'legacy-peer-deps', 'production', 'only', 'also', 'unsafe-perm', 'userconfig', 'color', 'no-color', 'no-optional', 'optional', 'prefix',
  'update-notifier', 'no-update-notifier', 'fetch-retries', 'fetch-retry-mintimeout', 'fetch-retry-maxtimeout', 'fetch-timeout', 'maxsockets',
  'w', 'q', 's', 'd', 'dd', 'ddd', 'C',
]);

function isGlobal(pc: PackageCommand): boolean {
  return hasOption(pc, 'g', 'global') || pc.options.some((o) => o.name === 'location' && o.value === 'global');
}

/** Evidence that the build has no lockfile: the Dockerfile's folder has package.json without a lockfile, or the stage copies package.json alone. */
function lockfileMissing(ctx: DockerfileContext, stage: Stage | null, beforeLine: number): boolean {
  const dir = path.dirname(ctx.path);
  if (ctx.workspace.exists(path.join(dir, 'package.json')) && !ctx.workspace.exists(path.join(dir, 'package-lock.json')) && !ctx.workspace.exists(path.join(dir, 'npm-shrinkwrap.json'))) return true;
  if (!stage) return false;
  let copiesManifest = false;
  for (const ins of stage.instructions) {
    if (ins.getRange().start.line >= beforeLine) break;
    const kw = ins.getKeyword();
    if (kw !== 'COPY' && kw !== 'ADD') continue;
    const args = ins.getArguments().map((a) => a.getValue()).filter((v) => !v.startsWith('--'));
    if (args.length < 2 || args[0].startsWith('[')) return false;
    for (const src of args.slice(0, -1)) {
      if (/lock|shrinkwrap|[*?[]/.test(src) || src === '.' || src === './' || src.endsWith('/')) return false;
      if (path.posix.basename(src) === 'package.json') copiesManifest = true;
    }
  }
  return copiesManifest;
}

/**
 * The same RUN downloads or unpacks the project before installing (`curl … | tar x`, `git clone`): whether it has a
 * lockfile is unknown. A fetcher that never runs (after an unconditional `exit` of its script, `sh -c 'exit 0; git
 * clone …'`: mayRun) fetches nothing.
 */
function fetchesSources(pc: PackageCommand): boolean {
  return shellCommandsOf(pc.run).some((cmd) => cmd.start < pc.command.start && cmd.programIndex >= 0 && FETCHERS.has(cmd.words[cmd.programIndex].value.replace(/^.*\//, '')) && mayRun(pc.run, cmd));
}

const FETCHERS = new Set(['git', 'tar', 'curl', 'wget', 'unzip']);

export default defineRule<'dockerfile', Data>({
  code: 'DF038',
  name: 'npm-install-in-image',
  kind: 'dockerfile',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: '`npm install` without package names resolves the dependencies again where `npm ci` installs the lockfile\'s.',
    what: 'Flags `npm install` (and its aliases `npm i`, `npm add`, …) without package arguments in any stage — the form that installs a project\'s dependencies from package.json. Installing named packages (`npm install -g pnpm@10`) is not this rule\'s business (see DF037), and neither is `npm install -g` of the current folder.',
    why: '`npm install` resolves the semver ranges of package.json again at build time and may rewrite the lockfile, so the image can get dependency versions nobody reviewed or tested. `npm ci` installs exactly what package-lock.json pins and fails if it is out of sync. SECURITY-GUIDELINES.md §6 "Use specific versions" and Dependency Security — "Pin versions in package.json".',
    bad: 'FROM node:24-slim\nCOPY package*.json ./\nRUN npm install --omit=dev',
    good: 'FROM node:24-slim\nCOPY package*.json ./\nRUN npm ci --omit=dev',
    fix: '"Use npm ci" replaces `install` by `ci` and keeps the flags. Offered only when every flag is one `npm ci` accepts (`--omit`, `--include`, `--ignore-scripts`, `--no-audit`, `--legacy-peer-deps`, `--production`, `--loglevel`, …) and when nothing shows the lockfile may be missing (the Dockerfile\'s folder has package.json but no package-lock.json/npm-shrinkwrap.json, the stage copies package.json without a lockfile, or the same RUN downloads or unpacks the sources first with curl, wget, tar, unzip or git — not after an unconditional `exit` of its script, where that never runs). Single quick fix only: `npm ci` needs a committed lockfile in sync with package.json and removes an existing node_modules first.',
    guideline: '§6 Image Build Security — "Use specific versions"; Dependency Security — "Pin versions"',
    equivalents: ['hadolint DL3016 (pin versions in npm) covers named packages; no direct hadolint/Trivy/KICS equivalent for `npm install` vs `npm ci`', 'Checkov has no equivalent'],
    references: [
      'https://docs.npmjs.com/cli/commands/npm-ci',
      'https://docs.npmjs.com/cli/commands/npm-install',
      'https://github.com/hadolint/hadolint/wiki/DL3016',
    ],
  },
  check(ctx) {
    const out = [];
    for (const pc of packageCommands(ctx)) {
      if (pc.family !== 'npm' || pc.action !== 'install' || !pc.actionWord) continue;
      if (pc.operands.length > 0 || pc.viaXargs || isGlobal(pc) || hasOption(pc, 'package-lock-only')) continue;
      out.push({ range: toolRange(ctx, pc), data: { written: pc.actionWord.value, toolOffset: pc.toolWord.start } });
    }
    return out;
  },
  message(d) {
    return `'npm ${d.written}' without package names resolves dependency versions again at build time; use 'npm ci' to install exactly what package-lock.json pins.`;
  },
  fix(ctx, { data }) {
    const pc = packageCommandAt(ctx, data.toolOffset);
    if (!pc || !pc.actionWord) return undefined;
    if (!pc.options.every((o) => CI_OPTIONS.has(o.name))) return undefined;
    if (lockfileMissing(ctx, pc.run.stage, pc.run.instruction.getRange().start.line) || fetchesSources(pc)) return undefined;
    const w = pc.actionWord;
    const raw = ctx.text.slice(w.start, w.end);
    let newText: string;
    if (raw === w.value) newText = 'ci';
    else if (raw === JSON.stringify(w.value)) newText = '"ci"';
    else return undefined;
    return { title: 'Use npm ci', safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: ctx.rangeOfOffsets(w.start, w.end), newText }] }] };
  },
});
