import * as path from 'node:path';
import type { ComposeContext, EnvVar } from '../engine/compose';
import { defineRule } from '../engine/rule';
import { isGitIgnored } from '../engine/repo';
import { isCredentialName, isPlaceholderValue } from '../engine/secrets';
import { appendLineEdit } from '../engine/yaml-edit';
import type { FileChange, Fix } from '../engine/types';

interface Data {
  service: string;
  name: string;
  /** The secret as Compose reads it (`$$` already unescaped). Kept for the fix; never in a message. */
  value: string;
  env: EnvVar;
}

/** A literal value: no interpolation left once `$$` escapes are removed. */
function literalValue(raw: string): string | null {
  const unescaped = raw.replace(/\$\$/g, '\u0000');
  if (unescaped.includes('$')) return null;
  return unescaped.replace(/\u0000/g, '$');
}

/**
 * How the value is written in `.env` so that Compose reads it back unchanged: bare when it has only
 * safe characters, else single-quoted (Compose does not interpolate or unescape single-quoted .env
 * values). Null when no exact spelling exists (a value with both a single quote and a special character).
 */
export function dotenvSpelling(value: string): string | null {
  if (/^[A-Za-z0-9_./:@+,=%^-]*$/.test(value)) return value;
  if (value.includes("'") || /[\r\n]/.test(value)) return null;
  return `'${value}'`;
}

/** The changes that put `NAME=value` into `.env`, ignore `.env` in git and list NAME in `.env.example`. */
export function moveToDotenvChanges(ctx: ComposeContext, name: string, value: string): FileChange[] | null {
  const spelled = dotenvSpelling(value);
  if (spelled === null) return null;
  const changes: FileChange[] = [];
  const envPath = path.join(ctx.dir, '.env');
  const dotenv = ctx.dotenv();
  if (dotenv) {
    const existing = dotenv.vars.get(name);
    if (existing !== undefined && existing !== value) return null; // another value under the same name: do not guess
    if (existing === undefined) changes.push({ kind: 'edit', path: envPath, edits: [appendLineEdit(dotenv.text, `${name}=${spelled}`)] });
  } else {
    changes.push({ kind: 'create', path: envPath, content: `${name}=${spelled}\n` });
  }
  if (!isGitIgnored(ctx.workspace, envPath)) {
    const gitignorePath = path.join(ctx.dir, '.gitignore');
    const gitignore = ctx.workspace.readText(gitignorePath);
    if (gitignore === undefined) changes.push({ kind: 'create', path: gitignorePath, content: '.env\n' });
    else changes.push({ kind: 'edit', path: gitignorePath, edits: [appendLineEdit(gitignore, '.env')] });
  }
  const examplePath = path.join(ctx.dir, '.env.example');
  const example = ctx.workspace.readText(examplePath);
  if (example === undefined) changes.push({ kind: 'create', path: examplePath, content: `${name}=\n` });
  else if (!new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=`, 'm').test(example)) changes.push({ kind: 'edit', path: examplePath, edits: [appendLineEdit(example, `${name}=`)] });
  return changes;
}

export default defineRule<'compose', Data>({
  code: 'DC040',
  name: 'secret-inline',
  kind: 'compose',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    what: 'Flags a credential-shaped variable (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*API_KEY*`, `*PRIVATE_KEY*`, `*ACCESS_KEY*`, `*CREDENTIALS*`, …) in a service\'s `environment:` (map or list form) whose value is written literally in the compose file. Values that are interpolated (`${DB_PASSWORD}`) are fine. Names that describe a setting about a secret (`*_FILE`, `*_TTL`, `*_METHOD`, …) are not credentials. The message names the variable, never its value.',
    why: 'A compose file is committed: a literal password in it is in the repository\'s history forever, readable by everyone with access to the code, its forks and its CI logs. SECURITY-GUIDELINES.md §5: "DO NOT commit secrets to version control" — keep them in a git-ignored `.env` and commit a `.env.example`.',
    bad: 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: hunter2hunter2',
    good: 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n# .env (git-ignored): POSTGRES_PASSWORD=…   .env.example: POSTGRES_PASSWORD=',
    fix: '"Move POSTGRES_PASSWORD to .env" replaces the value with `${POSTGRES_PASSWORD}`, adds `POSTGRES_PASSWORD=<value>` to the `.env` beside the compose file (creating it), makes sure `.gitignore` ignores `.env` (appending or creating), and adds `POSTGRES_PASSWORD=` to `.env.example` — one workspace edit. Compose reads the same value back, so the service is unchanged. Not offered when `.env` already defines the name with another value, when the value sits in an anchor or alias, or when it cannot be written to `.env` exactly.',
    guideline: '§5 Secrets Management — "DO NOT commit secrets to version control"; checklist "Secrets not in version control"',
    equivalents: ['compose-lint CL-0020/CL-0021', 'KICS "Passwords And Secrets - Generic Password"', 'Checkov CKV_SECRET_6 (base64 high entropy / generic secrets)'],
    references: ['https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/', 'https://docs.docker.com/compose/how-tos/environment-variables/set-environment-variables/', 'https://docs.docker.com/reference/compose-file/services/#environment'],
  },
  check(ctx) {
    const out = [];
    for (const service of ctx.services) {
      for (const env of ctx.environment(service)) {
        if (env.value === null || !isCredentialName(env.name)) continue;
        const value = literalValue(env.value);
        if (value === null || isPlaceholderValue(value)) continue;
        out.push({ range: env.range, data: { service: service.name, name: env.name, value, env } });
      }
    }
    return out;
  },
  message(d) {
    return `'${d.name}' of service '${d.service}' is a secret written into the compose file; move it to a git-ignored .env.`;
  },
  fix(ctx, { data }): Fix | undefined {
    const env = data.env;
    if (!env.editable || !env.valueRange) return undefined;
    const changes = moveToDotenvChanges(ctx, data.name, data.value);
    if (!changes) return undefined;
    return {
      title: `Move ${data.name} to .env`,
      safe: true,
      changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: env.valueRange, newText: `\${${data.name}}` }] }, ...changes],
    };
  },
});
