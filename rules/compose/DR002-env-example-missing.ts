import * as path from 'node:path';
import { envFileUses, exampleCandidates, isDotenvName, isTemplateEnvName, parseEnvFile, repositoryRootOf } from '../engine/env-files';
import { hasFolder, isGitIgnored } from '../engine/repo';
import { defineRule } from '../engine/rule';
import type { Fix, Range } from '../engine/types';
import { holdsSecrets } from './DR001-env-not-gitignored';
import { isCredentialName } from '../engine/secrets';
import { isScalar, type ComposeContext } from '../engine/compose';

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

/**
 * The value a template keeps for a variable: only one that cannot be a secret — the name is not a
 * credential's, and the value is a number, a boolean, an absolute path, or a plain word or host name
 * (with a port) without digits mixed in (`shop`, `redis:6379`, `/app/pythonpath`, `true`, `8080`),
 * or an image reference of such words (`getsentry/snuba:nightly`). Anything else (a URL, which may carry
 * a password or a token; a random-looking string) is left empty. Copied to `.env`, a template that
 * keeps these still starts the stack (`image: ""` does not).
 */
export function templateValue(name: string, value: string, usedAsImage = false): string {
  if (value === '' || isCredentialName(name)) return '';
  // What a service's `image:` interpolates is part of an image reference, not a login: kept whole
  // (`ghcr.io/acme/app`, a tag such as `1.4.2`, `neo4j:5.20`; review 19, probe 06), also when pinned
  // by digest, longer than any other value kept (review 20, probe 04). is longer than any other value kept (review 20, probe 04).
  if (usedAsImage) return IMAGE_PART_RE.test(value) ? value : '';
  if (value.length > 80) return '';
  if (/^-?\d+(?:\.\d+)?$/.test(value) || /^(?:true|false|yes|no|on|off)$/i.test(value)) return value;
  if (/^\/[\w./-]*$/.test(value) && !/\d{6,}/.test(value)) return value;
  if (WORD_RE.test(value)) return value;
  // `name:port` and `repository:tag` have the shape of `user:password` (`AUTH=admin:AdminPw321`, review
  // 17, probe dc-01): kept only where the variable's name ends in what it is, and says nothing of a login
  // (`REGISTRY_IMAGE_CREDS`, `PROXY_AUTH`, `SMTP_SERVER_LOGIN`: review 18, probe 05) — or, for an image,
  // where the compose file uses the variable as a service's `image:` (review 18, probe 06).
  if (LOGIN_WORD.test(name)) return '';
  if (HOST_PORT_RE.test(value) && ADDRESS_NAME.test(name)) return value;
  if (IMAGE_RE.test(value) && IMAGE_NAME.test(name) && !/[0-9a-f]{12,}/i.test(value)) return value;
  return '';
}

const WORD = '[A-Za-z][A-Za-z-]*(?:\\.[A-Za-z][A-Za-z-]*)*';
const WORD_RE = new RegExp(`^${WORD}$`);
const HOST_PORT_RE = new RegExp(`^${WORD}:\\d{1,5}$`);
const IMAGE_RE = new RegExp(`^(?:${WORD}/)*${WORD}:[A-Za-z0-9][\\w.-]{0,40}$`);
/** A variable whose name ends in a host and port (`REDIS_ADDR`, `SMTP_SERVER`, `KAFKA_BROKERS`, `ZOOKEEPER_CONNECT`, `LISTEN`). */
const ADDRESS_NAME = /(?:^|_)(?:HOST|HOSTNAME|ADDR|ADDRESS|SERVERS?|ENDPOINT|LISTEN|BIND|BROKERS?|NODES?|PEERS?|UPSTREAM|BACKEND|PROXY|CONNECT)$/i;
/** A variable whose name ends in an image (`SENTRY_IMAGE`, `APP_IMG`). */
const IMAGE_NAME = /(?:^|_)(?:IMAGE|IMG)$/i;
/** A word of a login in a name that is not a credential's to isCredentialName (`PROXY_AUTH`, `REGISTRY_CREDS`, `SMTP_LOGIN`, `USERPASS`). */
const LOGIN_WORD = /(?:^|_)(?:AUTH|CREDS?|CREDENTIALS?|LOGIN|USERPASS|USER_PASS|BASIC)(?:_|$)/i;
/** A part of an image reference: a registry, repository, tag or digest (no blanks, no URL scheme). */
const IMAGE_PART_RE = /^[A-Za-z0-9][\w./:@-]{0,199}$/;

/** The variables a compose file uses in a service's `image:` (`image: ${APP_REF}`). */
function imageVariables(ctx: ComposeContext): Set<string> {
  const out = new Set<string>();
  for (const service of ctx.services) {
    const image = ctx.serviceGet(service, 'image')?.value;
    if (!isScalar(image) || typeof image.value !== 'string' || !image.value.includes('$')) continue;
    // `${NAME}`, `$NAME`, `${NAME:-default}`: the name.
    for (const m of image.value.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) out.add(m[1]);
  }
  return out;
}

export default defineRule<'compose', Data>({
  code: 'DR002',
  name: 'env-example-missing',
  kind: 'compose',
  severity: 'info',
  fixable: 'always',
  docs: {
    what:
      'Flags an env file that a compose file uses (an `env_file:` entry of a service or of a top-level `include:` item, or the `.env` that interpolates the compose file when it feeds a `${…}`) and that exists with at least one variable, when no committed template sits beside it: `<name>.example` (also `.sample`, `.template`, `.dist`, `.tmpl`, `.default(s)`, `.model`, `-example`, `example.env`, `env.example`, `<stem>.example.env`, …). ' +
      'Reported in the compose file at the `env_file:` entry, else at the first `${…}` that the `.env` feeds. A file with another name than `.env`/`.env.<stage>` that is committed and holds no credentials is configuration, not a secrets file, and needs no template. Templates themselves and files outside the repository are not judged.',
    why:
      'The real env file is (and must be) git-ignored, so without a template nobody who clones the project knows which variables to set: they copy values around in chat, or commit the real file to "fix" it. SECURITY-GUIDELINES.md §5 Secrets Management: "✅ CORRECT: `git add .env.example`".',
    bad: '.env            (git-ignored, POSTGRES_PASSWORD=…)\ncompose.yaml    (POSTGRES_PASSWORD: ${POSTGRES_PASSWORD})',
    good: '.env            (git-ignored, POSTGRES_PASSWORD=…)\n.env.example    (committed: POSTGRES_PASSWORD=)\ncompose.yaml    (POSTGRES_PASSWORD: ${POSTGRES_PASSWORD})',
    fix: '"Create .env.example" creates `<env file>.example` beside the env file with one line per variable, in the file\'s order and with its line endings: `NAME=` for anything that could be a secret, and the value only where it cannot be one — the name is not a credential\'s and the value is a number, a boolean, an absolute path, a plain word or host name (`COMPOSE_PROJECT_NAME=shop`, `REDIS_HOST=redis`), a host name with a port where the name ends in an address word (`REDIS_ADDR=redis:6379`, `ZOOKEEPER_CONNECT=zookeeper:2181`), or an image reference made of such words where the name ends in `IMAGE`/`IMG` (`SENTRY_IMAGE=getsentry/sentry:nightly`); a variable the compose file uses in a service\'s `image:` keeps any part of an image reference (`image: ${APP_REF}`, `image: acme/worker:${WORKER_TAG}`); under any other name, or a name with a login word in it (`PROXY_AUTH`, `REGISTRY_CREDS`, `SMTP_LOGIN`), such a value is left empty, since `user:password` has the same shape (`AUTH=admin:…`, `REGISTRY_IMAGE_CREDS=ci:…`), so a copy of the template still starts the stack (`image: ""` would not). Never a URL (it may carry a password or a token), a random-looking string or a comment (comments can hold secrets too). Safe: it only adds a file; commit it, and add descriptions or other safe defaults by hand.',
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
    if (!hasFolder(ctx.path)) return [];
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
    return `'${d.display}' has no ${path.basename(d.path)}.example: commit a template that lists its ${d.keys.length} variable${d.keys.length === 1 ? '' : 's'} without their secret values, so others know what to set.`;
  },
  fix(ctx, { data }): Fix | undefined {
    if (data.keys.length === 0) return undefined;
    const text = ctx.workspace.readText(data.path);
    if (text === undefined) return undefined;
    const values = parseEnvFile(text);
    const images = imageVariables(ctx);
    const examplePath = `${data.path}.example`;
    return {
      title: `Create ${path.basename(examplePath)}`,
      safe: true,
      changes: [{ kind: 'create', path: examplePath, content: data.keys.map((k) => `${k}=${templateValue(k, values.get(k) ?? '', images.has(k))}${data.eol}`).join('') }],
    };
  },
});
