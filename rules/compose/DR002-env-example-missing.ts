import * as path from 'node:path';
import { envFileUses, exampleCandidates, isDotenvName, isTemplateEnvName, parseEnvFile, repositoryRootOf } from '../engine/env-files';
import { isGitIgnored } from '../engine/repo';
import { defineRule } from '../engine/rule';
import type { Fix, Range } from '../engine/types';
import { holdsSecrets } from './DR001-env-not-gitignored';

interface Data {
  path: string;
  display: string;
  /** The variable names of the env file, in order (names only, never values). */
  keys: string[];
  eol: '\n' | '\r\n';
}

function isUnder(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

export default defineRule<'compose', Data>({
  code: 'DR002',
  name: 'env-example-missing',
  kind: 'compose',
  severity: 'info',
  fixable: 'always',
  docs: {
    what:
      'Flags an env file that a compose file uses (an `env_file:` entry of a service or of a top-level `include:` item, or the `.env` that interpolates the compose file when it feeds a `${…}`) and that exists with at least one variable, when no committed template sits beside it: `<name>.example` (also `.sample`, `.template`, `.dist`, `.tmpl`, `.default(s)`, `-example`, `example.env`, `env.example`, `<stem>.example.env`, …). ' +
      'Reported in the compose file at the `env_file:` entry, else at the first `${…}` that the `.env` feeds. A file with another name than `.env`/`.env.<stage>` that is committed and holds no credentials is configuration, not a secrets file, and needs no template. Templates themselves and files outside the repository are not judged.',
    why:
      'The real env file is (and must be) git-ignored, so without a template nobody who clones the project knows which variables to set: they copy values around in chat, or commit the real file to "fix" it. SECURITY-GUIDELINES.md §5 Secrets Management: "✅ CORRECT: `git add .env.example`".',
    bad: '.env            (git-ignored, POSTGRES_PASSWORD=…)\ncompose.yaml    (POSTGRES_PASSWORD: ${POSTGRES_PASSWORD})',
    good: '.env            (git-ignored, POSTGRES_PASSWORD=…)\n.env.example    (committed: POSTGRES_PASSWORD=)\ncompose.yaml    (POSTGRES_PASSWORD: ${POSTGRES_PASSWORD})',
    fix: '"Create .env.example" creates `<env file>.example` beside the env file with one `NAME=` line per variable, in the file\'s order and with its line endings — names only, never a value or a comment (comments can hold secrets too). Safe: it only adds a file; commit it, and add descriptions or safe defaults by hand.',
    guideline: '§5 Secrets Management — "git add .env.example"',
    equivalents: ['dotenv-linter checks the syntax of env files, and dotenv-safe / envalid check at run time that the variables of .env.example are set; no compose linter checks for the template'],
    references: [
      'https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file',
      'https://docs.docker.com/reference/compose-file/services/#env_file',
      'https://github.com/motdotla/dotenv#should-i-commit-my-env-file',
      'https://12factor.net/config',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    for (const use of envFileUses(ctx)) {
      if (use.text === undefined) continue;
      const base = path.basename(use.path);
      if (isTemplateEnvName(base)) continue;
      const root = repositoryRootOf(ctx);
      if (root && !isUnder(use.path, root)) continue;
      const keys = [...parseEnvFile(use.text).keys()];
      if (keys.length === 0) continue;
      if (!isDotenvName(base) && !holdsSecrets(use.text) && !isGitIgnored(ctx.workspace, use.path)) continue;
      const dir = path.dirname(use.path);
      if (exampleCandidates(base).some((c) => ctx.workspace.exists(path.join(dir, c)))) continue;
      const display = path.relative(ctx.dir, use.path).split(path.sep).join('/');
      out.push({ range: use.range, data: { path: use.path, display, keys, eol: use.text.includes('\r\n') ? '\r\n' : '\n' } });
    }
    return out;
  },
  message(d) {
    return `'${d.display}' has no ${path.basename(d.path)}.example: commit a template that lists its ${d.keys.length} variable${d.keys.length === 1 ? '' : 's'} without values, so others know what to set.`;
  },
  fix(_ctx, { data }): Fix | undefined {
    if (data.keys.length === 0) return undefined;
    const examplePath = `${data.path}.example`;
    return {
      title: `Create ${path.basename(examplePath)}`,
      safe: true,
      changes: [{ kind: 'create', path: examplePath, content: data.keys.map((k) => `${k}=${data.eol}`).join('') }],
    };
  },
});
