import * as path from 'node:path';
import { envFileUses, exampleCandidates, isDotenvName, isTemplateEnvName, parseEnvFile, repositoryRootOf } from '../engine/env-files';
import { applyTextEdits } from '../engine/edits';
import { hasFolder, isGitIgnored } from '../engine/repo';
import { defineRule } from '../engine/rule';
import type { FileChange, Fix, Range, WorkspaceView } from '../engine/types';
import { appendLineEdit } from '../engine/yaml-edit';
import { gitignorePattern, holdsSecrets } from './DR001-env-not-gitignored';
import { isCredentialName } from '../engine/secrets';
import { isScalar, type ComposeContext } from '../engine/compose';

interface Data {
  path: string;
  display: string;
  /** The variable names of the env file, in order (names only, never values). */
  keys: string[];
  eol: '\n' | '\r\n';
  /** Git would ignore the template beside it, and no `.gitignore` line in its folder can re-include it (an ignored folder). */
  templateFolderIgnored?: true;
}

function isUnder(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * The value a template keeps for a variable: only one that cannot be a secret. Never under a name that
 * may hold one (mayHoldSecret), except a boolean (`COOKIE_SECURE=true`) under a name that is not a
 * credential's; otherwise a number, a boolean, an absolute path, or a plain word or host name (with a
 * port) without digits mixed in and cased as words are (`shop`, `INFO`, `Europe`, `redis:6379`,
 * `/app/pythonpath`, `true`, `8080` — not `ZqXwVuTsRqPoNm`), or an image reference of such words
 * (`getsentry/snuba:nightly`). Anything else (a URL, which may carry a password or a token; a
 * random-looking string; a value over several lines) is left empty. Copied to `.env`, a template that
 * keeps these still starts the stack (`image: ""` does not).
 */
export function templateValue(name: string, value: string, usedAsImage = false): string {
  if (value === '' || /[\r\n]/.test(value) || isCredentialName(name)) return '';
  // What a service's `image:` interpolates is part of an image reference, not a login: kept whole
  // (`ghcr.io/acme/app`, a tag such as `1.4.2`, `neo4j:5.20`; review 19, probe 06), also when pinned
  // by digest, longer than any other value kept (review 20, probe 04).
  if (usedAsImage) return IMAGE_PART_RE.test(value) ? value : '';
  if (mayHoldSecret(name)) return BOOLEAN_RE.test(value) ? value : '';
  if (value.length > 80) return '';
  if (/^-?\d+(?:\.\d+)?$/.test(value) || BOOLEAN_RE.test(value)) return value;
  if (/^\/[\w./-]*$/.test(value) && !/\d{6,}/.test(value)) return value;
  if (!wordsAsWritten(value)) return '';
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

/**
 * Whether a variable's name says it may hold a secret, beyond isCredentialName (review 39: templates
 * copied `SESSION_KEY`, `COOKIE_SALT`, WordPress' `NONCE_KEY`/`LOGGED_IN_SALT`, `REDIS_AUTH`,
 * `ADMIN_PIN=4839`, `PASSCODE`, `ACCESS_CODE`, `UNLOCK_PHRASE`, `WEBHOOK_KEY`, `JWT`, `TOTP`, `OTP_SEED`):
 * a word of a key, salt, nonce, login, PIN or code, pass phrase, seed, one-time password, token, session,
 * cookie, signature, certificate or private material in it (not a country's, language's or status's
 * CODE), or a name that ends in KEY or holds PASS glued to other words (`APPKEY`, `ADMINPASSCODE`). Stricter than isCredentialName, which
 * other rules share (what they report): a template only loses a value it did not need. Not a name that
 * ends in a setting about such a thing (`SESSION_LIFETIME`, `COOKIE_SECURE`, `JWT_ISSUER`, `AUTH_PROVIDER`,
 * `SESSION_DRIVER`).
 */
export function mayHoldSecret(name: string): boolean {
  if (SETTING_SUFFIX.test(name)) return false;
  return SECRET_WORD.test(name) || /KEY$|PASS/i.test(name);
}

const SECRET_WORD =
  /(?:^|[_.-])(?:KEYS?|SALTS?|NONCES?|PEPPER|AUTH|PINS?|(?<!(?:COUNTRY|LANG|LANGUAGE|LOCALE|CURRENCY|REGION|ZIP|POSTAL|AREA|EXIT|STATUS|ERROR|RESPONSE|HTTP|ISO|SOURCE)[_.-])CODES?|PASSCODE|PASSKEY|PHRASE|PASSPHRASE|SEEDS?|JWT|JWS|JWE|OTP|TOTP|HOTP|MFA|2FA|COOKIES?|SESSIONS?|SIGN|SIGNING|SIGNATURE|SIG|CERTS?|CERTIFICATES?|PRIVATE|PRIV|CREDS?|CREDENTIALS?|HMAC|HASH|CIPHER|CRYPT|ENCRYPT|ENCRYPTION|IV|BEARER|LOGIN|BASIC|USERPASS|DSN)(?:[_.-]|$)/i;
/** A setting about a secret rather than the secret (`SESSION_LIFETIME`, `COOKIE_SAMESITE`, `AUTH_PROVIDER`, `PRIVATE_KEY_PATH`). */
const SETTING_SUFFIX =
  /[_.-](?:TIMEOUT|TTL|LIFETIME|EXPIRY|EXPIRE|EXPIRES|EXPIRATION|EXPIRES_IN|MAX_AGE|AGE|SECONDS|SECS|MINUTES|MINS|HOURS|DAYS|LENGTH|SIZE|LIMIT|COUNT|ROUNDS|ENABLED|DISABLED|REQUIRED|SECURE|HTTPONLY|HTTP_ONLY|SAMESITE|SAME_SITE|DOMAIN|PATH|DIR|FILE|NAME|DRIVER|STORE|BACKEND|ENGINE|TYPE|MODE|METHOD|ALGORITHM|ALG|ISSUER|AUDIENCE|HEADER|PREFIX|HOST|HOSTNAME|PORT|URL|URI|ENDPOINT|PROVIDER|LEVEL|FORMAT|VERSION|STRATEGY)$/i;
const BOOLEAN_RE = /^(?:true|false|yes|no|on|off)$/i;

/**
 * Whether the letters of a value are cased as words are (`shop`, `INFO`, `Europe`, `api.example.com`): a
 * run of letters in lower case, in upper case or capitalized, at most 24 letters long. Not a random
 * string's mixed case (`ZqXwVuTsRqPoNmLkJiHgFe`) or a camel-cased one.
 */
function wordsAsWritten(value: string): boolean {
  return (value.match(/[A-Za-z]+/g) ?? []).every((w) => w.length <= 24 && /^(?:[a-z]+|[A-Z]+|[A-Z][a-z]+)$/.test(w));
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

/**
 * Whether git would ignore the template `examplePath` (a `.gitignore` of `*` with `!` exceptions ignores
 * every new file; review 39), and then the change that re-includes it: a `!/<name>` line appended to the
 * `.gitignore` of its folder (created when there is none), checked with git's rules. Null when no line
 * there can: git does not re-include a file whose folder is ignored (`secrets/`).
 */
function templateUnignore(ws: WorkspaceView, examplePath: string): { change: FileChange | null } | undefined {
  if (!isGitIgnored(ws, examplePath)) return undefined;
  const gitignorePath = path.join(path.dirname(examplePath), '.gitignore');
  const text = ws.readText(gitignorePath);
  if (text === undefined && ws.exists(gitignorePath)) return { change: null }; // there, but unreadable
  // Anchored to this folder; the escapes of a leading `#`/`!` are not needed after the `/`.
  const line = `!/${gitignorePattern(path.basename(examplePath)).replace(/^\\([#!])/, '$1')}`;
  const edit = text === undefined ? undefined : appendLineEdit(text, line, text.includes('\r\n') ? '\r\n' : '\n');
  const next = text === undefined ? `${line}\n` : applyTextEdits(text, [edit!]);
  const view: WorkspaceView = {
    readText: (p) => (p === gitignorePath ? next : ws.readText(p)),
    exists: (p) => p === gitignorePath || ws.exists(p),
  };
  if (isGitIgnored(view, examplePath)) return { change: null };
  return { change: text === undefined ? { kind: 'create', path: gitignorePath, content: next } : { kind: 'edit', path: gitignorePath, edits: [edit!] } };
}

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
    fix: '"Create .env.example" creates `<env file>.example` beside the env file with one line per variable, in the file\'s order and with its line endings (the file read as Compose reads it: a value in quotes may run over several lines — a PEM key — and is one variable, its lines are none). `NAME=` for anything that could be a secret; the value only where it cannot be one. Never under a credential\'s name (`*_PASSWORD`, `*_TOKEN`, `*_SECRET`, `API_KEY`, …), nor under a name with a word of a key, salt, nonce, login, PIN or code, pass phrase, seed, one-time password, session, cookie, signature, certificate or private material in it (`SESSION_KEY`, `COOKIE_SALT`, `NONCE_KEY`, `REDIS_AUTH`, `ADMIN_PIN`, `PASSCODE`, `ACCESS_CODE`, `UNLOCK_PHRASE`, `OTP_SEED`, `JWT`, `TOTP`, `WEBHOOK_KEY`; a country\'s, language\'s or status\'s `*_CODE` is none) or one that ends in KEY or holds PASS (`APPKEY`), unless the name ends in a setting about it (`SESSION_LIFETIME`, `COOKIE_SECURE`, `JWT_ISSUER`, `SESSION_DRIVER`) — a boolean (`COOKIE_SECURE=true`) is kept under such names. Otherwise a value is kept when it is a number, a boolean, an absolute path, a plain word or host name cased as words are (`COMPOSE_PROJECT_NAME=shop`, `LOG_LEVEL=info`, `TZ=UTC`, `REDIS_HOST=redis`; not a random-looking `ZqXwVuTsRq…` or a camel-cased word), a host name with a port where the name ends in an address word (`REDIS_ADDR=redis:6379`, `ZOOKEEPER_CONNECT=zookeeper:2181`), or an image reference made of such words where the name ends in `IMAGE`/`IMG` (`SENTRY_IMAGE=getsentry/sentry:nightly`); a variable the compose file uses in a service\'s `image:` keeps any part of an image reference (`image: ${APP_REF}`, `image: acme/worker:${WORKER_TAG}`); under any other name, or a name with a login word in it (`PROXY_AUTH`, `REGISTRY_CREDS`, `SMTP_LOGIN`), such a value is left empty, since `user:password` has the same shape (`AUTH=admin:…`, `REGISTRY_IMAGE_CREDS=ci:…`), so a copy of the template still starts the stack (`image: ""` would not). Never a URL (it may carry a password or a token), a value over several lines, or a comment (comments can hold secrets too). When git would ignore the new template (a `.gitignore` of `*` with `!` exceptions), the fix also appends `!/<name>.example` to the `.gitignore` of its folder (creating it), checked with git\'s rules; where no line can re-include it (its folder is ignored: `secrets/`), the message says to add it with `git add -f`. Safe: it only adds a file (and that exception); commit it, and add descriptions or other safe defaults by hand.',
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
      const folderIgnored = templateUnignore(ctx.workspace, `${use.path}.example`)?.change === null;
      out.push({ range: use.range, data: { path: use.path, display, keys, eol: use.text.includes('\r\n') ? '\r\n' : '\n', ...(folderIgnored ? { templateFolderIgnored: true as const } : {}) } });
    }
    return out;
  },
  message(d) {
    const ignored = d.templateFolderIgnored ? ` Git ignores its folder: add the template with git add -f.` : '';
    return `'${d.display}' has no ${path.basename(d.path)}.example: commit a template that lists its ${d.keys.length} variable${d.keys.length === 1 ? '' : 's'} without their secret values, so others know what to set.${ignored}`;
  },
  fix(ctx, { data }): Fix | undefined {
    if (data.keys.length === 0) return undefined;
    const text = ctx.workspace.readText(data.path);
    if (text === undefined) return undefined;
    const values = parseEnvFile(text);
    const images = imageVariables(ctx);
    const examplePath = `${data.path}.example`;
    const unignore = templateUnignore(ctx.workspace, examplePath)?.change;
    return {
      title: `Create ${path.basename(examplePath)}${unignore ? ` (and re-include it in ${path.relative(ctx.dir, unignore.path).split(path.sep).join('/')})` : ''}`,
      safe: true,
      changes: [{ kind: 'create', path: examplePath, content: data.keys.map((k) => `${k}=${templateValue(k, values.get(k) ?? '', images.has(k))}${data.eol}`).join('') }, ...(unignore ? [unignore] : [])],
    };
  },
});
