/**
 * Files whose name says where a tool looks for credentials but whose content decides whether they hold
 * one: npm's and pnpm's `.npmrc` (mostly settings: `audit = false`, `save-exact = true`, a registry URL),
 * Yarn 1's `.yarnrc`, Yarn Berry's `.yarnrc.yml`, twine's `.pypirc`, pip's `pip.conf`/`pip.ini` and the `.netrc` of curl, git
 * and ftp. DF021 reads them in the build context and reports the copy only when one holds a credential,
 * DR003 asks for them in `.dockerignore` when one in the context does; neither keeps or shows a value, only
 * the setting's name.
 *
 * - `.npmrc` (https://docs.npmjs.com/cli/configuring-npm/npmrc, "Auth related configuration"; pnpm reads the
 *   same keys): `_auth`, `_authToken`, `_password`, scoped to a registry (`//registry.npmjs.org/:_authToken=…`)
 *   or not, the inline client key `key=-----BEGIN … PRIVATE KEY-----`, and a URL with a password
 *   (`registry=https://user:pass@…`). `certfile`/`keyfile` name files (the key is in the file they name, which
 *   DF021 judges when it is copied), `username` and `email` are no secret.
 * - Yarn 1's `.yarnrc` (https://classic.yarnpkg.com/en/docs/yarnrc; `key "value"` lines, the lockfile syntax, as
 *   `yarn config set` writes them): npm's auth keys written into it, `_authToken`, `_auth`, `_password`, scoped to a
 *   registry (`"//registry.npmjs.org/:_authToken" "…"`) or not — Yarn 1's own registry code reads them from `.npmrc`
 *   (src/registries/npm-registry.js), but a token written in `.yarnrc` is in the file all the same — and a URL with
 *   a password in any value; `always-auth` is a switch, `username`/`email` are no secret. A line written npm's way
 *   (`_authToken=…`) is read too.
 * - `.yarnrc.yml` (https://yarnpkg.com/configuration/yarnrc): `npmAuthToken` and `npmAuthIdent` (`user:password`),
 *   at the top level, per scope (`npmScopes.<name>`) or per registry (`npmRegistries.<url>`), and a URL with a
 *   password in any value (`npmRegistryServer`).
 * - `.pypirc` (https://packaging.python.org/specifications/pypirc/): `password` in any section, a repository
 *   URL with a password.
 * - `pip.conf` / `pip.ini` (https://pip.pypa.io/en/stable/topics/configuration/): an index URL with a password
 *   (`index-url`, `extra-index-url` — also on its continuation lines — `find-links`, any setting).
 * - `.netrc` (https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html): the `password`
 *   and `account` tokens (`macdef` bodies aside).
 * - the AWS `config` file, by where it is copied (`~/.aws/config`, `$AWS_CONFIG_FILE`): `aws_secret_access_key` or
 *   `aws_session_token` in a profile (DF021 only: its name, `config`, says nothing).
 *
 * A value that is only references to environment variables (`${NPM_TOKEN}`, which npm, pnpm and Yarn replace
 * when they read the file) is no credential in the file: the image holds the instruction to read NPM_TOKEN, not
 * the token. A fallback (`${NPM_TOKEN:-…}`, `${NPM_TOKEN-…}`: Yarn's and pnpm's forms) is judged as the value it
 * gives when the variable is not set. Empty values, template stand-ins (`<token>`, `YOUR_TOKEN_HERE`) and stand-in
 * tokens (`npm_xxxx…`) are none either.
 */
import { parseDocument } from 'yaml';
import { isPlaceholderValue, isTemplatePlaceholder, urlPasswords } from './secrets';
import { isStandInToken } from './secret-tokens';

export type CredentialFileFormat = 'npmrc' | 'yarnrc-classic' | 'yarnrc' | 'pypirc' | 'pipconf' | 'netrc' | 'awsconfig';

/** The format of a file by its name (`.npmrc`, `.yarnrc`, `.yarnrc.yml`, `.pypirc`, `pip.conf`, `pip.ini`, `.netrc`, `_netrc`), or undefined. */
export function credentialFileFormat(base: string): CredentialFileFormat | undefined {
  if (base === '.npmrc') return 'npmrc';
  if (base === '.yarnrc') return 'yarnrc-classic';
  if (base === '.yarnrc.yml') return 'yarnrc';
  if (base === '.pypirc') return 'pypirc';
  if (base === 'pip.conf' || base === 'pip.ini') return 'pipconf';
  if (base === '.netrc' || base === '_netrc') return 'netrc';
  return undefined;
}

/** The names a glob must match, and the word its literal part must hold, to name a file of each format (`.npmrc*`, `*.npmrc`, `pip.*`). */
export const FORMAT_NAMES: readonly { format: CredentialFileFormat; names: readonly string[]; word: string }[] = [
  { format: 'npmrc', names: ['.npmrc'], word: 'npmrc' },
  { format: 'yarnrc', names: ['.yarnrc.yml'], word: 'yarnrc' },
  { format: 'yarnrc-classic', names: ['.yarnrc'], word: 'yarnrc' },
  { format: 'pypirc', names: ['.pypirc'], word: 'pypirc' },
  { format: 'pipconf', names: ['pip.conf', 'pip.ini'], word: 'pip' },
  { format: 'netrc', names: ['.netrc', '_netrc'], word: 'netrc' },
];

/**
 * `${NAME}` (npm's `${NAME?}` too): what npm and pnpm replace with the variable's value when they read `.npmrc`.
 * `$NAME` without braces (upper case, as environment variables are named), which they leave as it is, names a
 * variable too: no credential either way (`$ecretPass` is a password).
 */
const ENV_REFERENCE = /\$\{[A-Za-z_][A-Za-z0-9_]*\??\}|\$[A-Z_][A-Z0-9_]*(?![a-z])/g;

/** `${NAME:-fallback}` / `${NAME-fallback}` (Yarn's and pnpm's forms), innermost first: the fallback is what the file gives. */
const FALLBACK_REFERENCE = /\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^${}]*)\}/g;

/** A value with each fallback reference replaced by its fallback (`${NPM_TOKEN:-}` → ``). */
function withFallbacks(value: string): string {
  let v = value;
  for (let i = 0; i < 8 && FALLBACK_REFERENCE.test(v); i++) {
    FALLBACK_REFERENCE.lastIndex = 0;
    v = v.replace(FALLBACK_REFERENCE, '$1');
  }
  FALLBACK_REFERENCE.lastIndex = 0;
  return v;
}

/** Whether a setting's value holds a secret of its own (not empty, not only `${VAR}` references, not a stand-in). */
function holdsSecret(raw: string): boolean {
  const v = withFallbacks(raw.trim().replace(/^(["'])(.*)\1$/, '$2').trim()).trim();
  if (v === '') return false;
  // What is left without the references: nothing, or only separators (`${NPM_USER}:${NPM_PASS}`).
  if (v.replace(ENV_REFERENCE, '').replace(/[\s:;,"'=+-]/g, '') === '') return false;
  if (isPlaceholderValue(v) || isTemplatePlaceholder(v)) return false;
  return !isStandInToken(v);
}

/** Whether a value holds a URL with a password that is written out (`https://user:pass@host`, not `https://${U}:${P}@host`). */
function urlWithPassword(value: string): boolean {
  return urlPasswords(value).some(({ start, end }) => holdsSecret(value.slice(start, end)));
}

/** `key = value` lines of an ini file (`;` and `#` comments, `[section]` headers skipped); `separators` split key from value. */
function* iniSettings(text: string, separators: RegExp): Generator<{ key: string; value: string }> {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';') || line.startsWith('[')) continue;
    const at = line.search(separators);
    if (at <= 0) continue;
    yield { key: line.slice(0, at).trim(), value: line.slice(at + 1) };
  }
}

const NPM_CREDENTIAL_KEYS = new Set(['_auth', '_authtoken', '_password']);

/**
 * The credential a file of a format holds, named by its setting (`_authToken`, `password`, `a URL with a
 * password`), or undefined when it holds none. Never the value.
 */
export function credentialIn(format: CredentialFileFormat, text: string): string | undefined {
  if (format === 'netrc') return netrcCredential(text);
  if (format === 'awsconfig') return awsConfigCredential(text);
  if (format === 'yarnrc') return yarnrcCredential(text);
  if (format === 'pipconf') return pipConfCredential(text);
  if (format === 'yarnrc-classic') return yarnrcClassicCredential(text);
  for (const { key, value } of iniSettings(text, format === 'npmrc' ? /=/ : /[=:]/)) {
    // A registry-scoped key (`//npm.pkg.github.com/:_authToken`): the setting is the part after the last `:`.
    const name = format === 'npmrc' ? key.slice(key.lastIndexOf(':') + 1) : key;
    const lower = name.toLowerCase();
    if (format === 'npmrc' && NPM_CREDENTIAL_KEYS.has(lower) && holdsSecret(value)) return name;
    // npm's inline client key (`key=-----BEGIN PRIVATE KEY-----\n…`, the older form of `keyfile`).
    if (format === 'npmrc' && lower === 'key' && /PRIVATE KEY/.test(value)) return name;
    if (format === 'pypirc' && lower === 'password' && holdsSecret(value)) return name;
    if (urlWithPassword(value)) return 'a URL with a password';
  }
  return undefined;
}

/**
 * The credential a Yarn 1 `.yarnrc` holds: a `key value` line (either may be double-quoted, as `yarn config set`
 * writes them) whose key is npm's `_authToken`, `_auth` or `_password` (after a registry's `//host/:` scope) with a
 * value of its own, or a URL with a password in a value. A line written with `=` (npm's syntax) counts too.
 */
function yarnrcClassicCredential(text: string): string | undefined {
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*("(?:[^"\\]|\\.)*"|[^\s"=#]+)(?:\s*=\s*|\s+)(.*?)\s*$/.exec(raw);
    if (!m) continue;
    const key = m[1].replace(/^"(.*)"$/, '$1');
    const name = key.slice(key.lastIndexOf(':') + 1);
    if (NPM_CREDENTIAL_KEYS.has(name.toLowerCase()) && holdsSecret(m[2])) return name;
    if (urlWithPassword(m[2])) return 'a URL with a password';
  }
  return undefined;
}

function netrcCredential(text: string): string | undefined {
  // A `macdef` body runs to the next empty line: its words are commands, not tokens.
  const tokens = text.replace(/(?:^|\n)[ \t]*macdef\b[\s\S]*?(?:\r?\n[ \t]*\r?\n|$)/g, '\n').split(/\s+/).filter(Boolean);
  for (let i = 0; i < tokens.length - 1; i++) {
    if ((tokens[i] === 'password' || tokens[i] === 'account') && holdsSecret(tokens[i + 1])) return tokens[i];
  }
  return undefined;
}

/** Yarn Berry's credential settings, wherever they are written: the top level, `npmScopes.<name>`, `npmRegistries.<url>`. */
const YARN_CREDENTIAL_KEYS = new Set(['npmAuthToken', 'npmAuthIdent']);

/**
 * The credential a `.yarnrc.yml` holds: `npmAuthToken` or `npmAuthIdent` with a value of its own (not only `${NAME}`
 * references; a fallback counts as written), or a URL with a password in any string (`npmRegistryServer`). A file
 * that is not valid YAML is read line by line (`key: value`).
 */
function yarnrcCredential(text: string): string | undefined {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) {
    for (const raw of text.split(/\r?\n/)) {
      const m = /^\s*["']?([A-Za-z]+)["']?\s*:\s*(.*?)\s*(?:\s#.*)?$/.exec(raw);
      if (!m) continue;
      if (YARN_CREDENTIAL_KEYS.has(m[1]) && holdsSecret(m[2])) return m[1];
      if (urlWithPassword(m[2])) return 'a URL with a password';
    }
    return undefined;
  }
  const walk = (node: unknown, depth: number): string | undefined => {
    if (depth > 8 || node === null || typeof node !== 'object') return undefined;
    for (const [key, value] of Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node as Record<string, unknown>)) {
      if (typeof value === 'string' || typeof value === 'number') {
        const v = String(value);
        if (YARN_CREDENTIAL_KEYS.has(key) && holdsSecret(v)) return key;
        if (urlWithPassword(v)) return 'a URL with a password';
      } else {
        const inner = walk(value, depth + 1);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  return walk(doc.toJS({ maxAliasCount: 100 }), 0);
}

/**
 * The credential a `pip.conf`/`pip.ini` holds: a URL with a password in a setting (`index-url`, `extra-index-url`,
 * whose further URLs go on indented continuation lines), named by the setting (pip reads `index_url` as
 * `index-url`).
 */
function pipConfCredential(text: string): string | undefined {
  let key: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      key = null;
      continue;
    }
    let value: string;
    const at = line.search(/[=:]/);
    if (/^\s/.test(raw) && key !== null) value = line;
    else if (at > 0 && !/^[a-z][a-z0-9+.-]*:\/\//i.test(line)) {
      key = line.slice(0, at).trim().toLowerCase().replace(/_/g, '-');
      value = line.slice(at + 1);
    } else continue;
    if (urlWithPassword(value)) return key ?? 'a URL with a password';
  }
  return undefined;
}

/** The AWS CLI's and SDKs' credential settings (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html). */
const AWS_CREDENTIAL_KEYS = new Set(['aws_secret_access_key', 'aws_session_token']);

/**
 * The credential an AWS `config` file holds: `aws_secret_access_key` or `aws_session_token` with a value of its own, in any
 * profile (the AWS CLI reads them there too, though they belong in the credentials file). Profiles, regions, roles,
 * `credential_process` and `sso_*` settings are no secret (review 45b, item 2).
 */
function awsConfigCredential(text: string): string | undefined {
  for (const { key, value } of iniSettings(text, /=/)) {
    const name = key.toLowerCase();
    if (AWS_CREDENTIAL_KEYS.has(name) && holdsSecret(value)) return name;
  }
  return undefined;
}
