/**
 * Masks what reads as a secret in a line of a file shown by `--fix-dry-run`. The diff prints changed
 * lines and the lines around them as they are in the files, so an inline secret that no fix moved (a
 * quick fix only, or a value no rule flags) would be printed as written. Display only: the files are
 * not changed. Masked, with `********`:
 * - the value of a credential-named key (rules/engine/secrets.ts isCredentialNameFor: `POSTGRES_PASSWORD:
 *   x`, `- API_TOKEN=x`, `ENV JWT_SECRET=x`, `ARG NPM_TOKEN x`, and a generic `*_KEY`/`*_AUTH` name whose value looks
 *   issued, `OPENAI_KEY=…`), unless it is an interpolation (`${…}`);
 * - the password of a URL (`postgres://app:x@db/app`, `?password=x`, nocodb's `?u=app&p=x`), of a Go
 *   MySQL driver DSN (`app:x@tcp(db:3306)/app`) or of Neo4j's `NEO4J_AUTH=neo4j/x`;
 * - a URL's credential query parameter (`&license_key=x`, `?private_token=x`, `?access_token=x`, a signature's `sig=x`), a
 *   token written as a URL's user (`https://<token>@github.com/…`) and npm's `:_authToken=x` (review 56c, F1);
 * - the argument of a password option on a command line (`--requirepass x`, `--masterauth x`,
 *   `--password=x`, keytool's `-storepass x`/`-keypass x`, `-p x` is not: too many programs read `-p` as a port);
 * - the password of Samba's `-U user%x` / `--user=user%x` (smbclient(1)), and of `htpasswd -b file user x` / `htpasswd -nb user x`;
 * - netrc's `password x` on a line shaped like one (`machine host login bot password x`, a line that names a
 *   `.netrc`, or a line of a netrc file: `password x`, `login bot password x`);
 * - a credential-named key inside a quoted value (`o: "username=svc,password=x"`, the mount options of a CIFS volume);
 * - the literal default of an interpolation under such a key or of such a variable (`${DB_PASSWORD:-x}`);
 * - the credential of an HTTP header (`Authorization: Bearer x`, `Authorization: token x`, GitLab's `PRIVATE-TOKEN: x`);
 * - a token pasted as a list item with no name (`- <token>`: looksLikeTokenUser) and an htpasswd hash after `user:`
 *   (Traefik's `basicauth.users=admin:$$apr1$$…`): review 56c, L4;
 * - a value in a documented token format anywhere (`ghp_…`, `github_pat_…`, `glpat-…`, `xoxb-…`, `npm_…`, `AKIA…`), and
 *   whatever else the engine masks in messages and titles (maskSecretValues: what the value readers recognise under any name).
 */
import { CREDENTIAL_HEADER_NAME, CREDENTIAL_HEADER_SCHEME, isCredentialNameFor, isCredentialOption, isPathOrNextOption, looksLikeTokenUser, maskSecretValues } from '../../rules/engine/secrets';

const MASK = '********';

/** A key and its value: YAML `KEY: value` (also in flow maps), list and env forms `KEY=value`. */
const KEY_VALUE = /(^|[\s"'{,-])([A-Za-z_][A-Za-z0-9_.-]*)(["']?)(\s*[:=]\s*)(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|((?:\$\{[^}\s]*\}|[^\s"',}#])(?:\$\{[^}\s]*\}|[^\s,}#])*))/g;
/** A Dockerfile ENV or ARG in its space-separated form (`ENV KEY some value`). */
const ENV_SPACE_FORM = /^(\s*(?:ENV|ARG)\s+)([A-Za-z_][A-Za-z0-9_]*)(\s+)(\S.*)$/i;
/** A URL's password: `scheme://user:password@`. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*:)([^\s@/'"]+)(@)/gi;
/** The password of a Go MySQL driver DSN: `user:password@tcp(`. */
const GO_DSN_PASSWORD = /((?:^|[\s"'=])[^\s:@/()"'=]+:)([^\s@/()]+)(@(?:tcp[46]?|udp|unix)\()/g;
/**
 * A credential as a URL's query parameter: a password (`?password=x`; `p` beside `u`: nocodb's `?u=app&p=x`), a parameter
 * whose name is a credential's (isCredentialNameFor: MaxMind's `&license_key=x`, GitLab's `?private_token=x`, OAuth 2.0's
 * `?access_token=x` (RFC 6750, section 2.3), `?api_key=x`) or a signed URL's signature (Azure SAS `sig=`, `X-Amz-Signature=`,
 * `X-Goog-Signature=`): review 56c, F1.
 */
const QUERY_PARAMETER = /([?&#;]([A-Za-z][A-Za-z0-9_.-]*)=)([^&\s#"'\\]+)/g;
const QUERY_PASSWORD_NAME = /^(?:password|passwd|pwd|pass)$/i;
const QUERY_SIGNATURE_NAME = /^(?:sig|signature|x-amz-signature|x-goog-signature)$/i;
/** A URL whose user is written with no password (`https://<token>@github.com/…`, as GitHub documents a token's use): the user. */
const URL_USER_ONLY = /(\b[a-z][a-z0-9+.-]*:\/\/)([^\s:/@'"$`{}]+)(@)/gi;
/** npm's registry credentials in an .npmrc line (`//registry.npmjs.org/:_authToken=x`, `:_auth=`, `:_password=`). */
const NPMRC_CREDENTIAL = /(:_(?:authToken|auth|password)\s*=\s*)([^\s"']+)/g;
const QUERY_P = /([?&]p=)([^&\s#"']+)/g;
/** Any option; which ones name a credential is isCredentialOption's (rules/engine/secrets.ts). */
const PASSWORD_OPTIONS = '(?<![\\w-])--?([A-Za-z][A-Za-z0-9_-]*)';
/** A password option and its argument, on a command line (`--requirepass x`, `--password=x`)… */
// The value never starts with `-`: that is the next option, which may be the credential option (`--no-auth-warning --pass x`: review 11, probe 06),
// also a single-dash one of lower case letters (`keytool -genkeypair -storepass x`: review 41a, F3).
const PASSWORD_OPTION = new RegExp(`(${PASSWORD_OPTIONS}(?:=|\\s+))("[^"]*"|'[^']*'|(?!--|-[A-Za-z](?:[\\s"',\\]]|$)|-[a-z]+(?:[\\s"',\\]]|$))[^\\s"',\\]]+)`, 'gi');
/** …or as items of a list (`["redis-server", "--requirepass", "x"]`). */
const PASSWORD_OPTION_ITEM = new RegExp(`((["'])${PASSWORD_OPTIONS}\\2\\s*,\\s*)("(?!--|-[A-Za-z]"|-[a-z]+")[^"]*"|'(?!--|-[A-Za-z]'|-[a-z]+')[^']*'|(?!-)[^\\s"',\\]]+)`, 'gi');

/** The credential of an HTTP header given to curl/wget (`-H "Authorization: Bearer x"`). */
const HEADER_CREDENTIAL = new RegExp(`(\\b(?:${CREDENTIAL_HEADER_NAME})${CREDENTIAL_HEADER_SCHEME})([^\\s"']+)`, 'gi');

/** Samba's `-U user%password` / `--user=user%password` (smbclient(1), "Common options"): the password after the first `%`. */
// Also as items of a list (`["smbclient", "-U", "user%x"]`).
const SAMBA_USER_PASSWORD = /((?<![\w-])(?:-U|--user)(?:=|["']\s*,\s*|\s*)["']?[^\s%"'$]*%)([^\s"']+)/g;

/** An htpasswd command and its words (up to the end of the command), or the items after it in a list (`CMD ["htpasswd", "-nb", …]`). */
const HTPASSWD_COMMAND = /\bhtpasswd((?:[ \t]+(?:"[^"]*"|'[^']*'|[^\s;&|<>"'()]+))+)|(["'])htpasswd\2((?:\s*,\s*(?:"[^"]*"|'[^']*'))+)/g;
const HTPASSWD_WORD = /"[^"]*"|'[^']*'|[^\s;&|<>"'(),]+/g;

/**
 * The password word of `htpasswd -b[cmBdpsDv] [-C cost] file user password` or `htpasswd -nb… user password` (htpasswd(1)):
 * none without `-b`, with `-i` or `-D`; `-C`/`-r` take a value. The words as written (quotes kept), masked as a value.
 */
function maskHtpasswd(words: string): string {
  let batch = false;
  let noFile = false;
  let none = false;
  let skip = false;
  const operands: { at: number; text: string }[] = [];
  for (const m of words.matchAll(HTPASSWD_WORD)) {
    const w = m[0].replace(/^(["'])(.*)\1$/s, '$2');
    if (skip) {
      skip = false;
      continue;
    }
    if (operands.length === 0 && /^-[A-Za-z0-9]+$/.test(w)) {
      for (let c = 1; c < w.length; c++) {
        if (w[c] === 'b') batch = true;
        else if (w[c] === 'n') noFile = true;
        else if (w[c] === 'i' || w[c] === 'D') none = true;
        else if (w[c] === 'C' || w[c] === 'r') {
          skip = c === w.length - 1;
          break;
        }
      }
      continue;
    }
    operands.push({ at: m.index, text: m[0] });
  }
  const pw = batch && !none ? operands[noFile ? 1 : 2] : undefined;
  if (!pw || isInterpolation(pw.text) || pw.text.includes(MASK)) return words;
  return `${words.slice(0, pw.at)}${masked(pw.text)}${words.slice(pw.at + pw.text.length)}`;
}

/** A line shaped like netrc(5): it names a `machine`, a `.netrc` file, or is one of a netrc file's lines (`password x`, `login bot password x`). */
const NETRC_LINE = /\bmachine\s+\S|[._]netrc\b|^\s*(?:login\s+\S+\s+)?password\s+\S+\s*$/;
/** netrc's `password <value>` token pair (blank- or `\n`-separated, as echo -e and printf write it). */
const NETRC_PASSWORD = /((?:^|(?<=\s|\\[nt]))password(?:\s+|\\[nt]))((?:[^\s"'\\]|\\(?![nt]))+)/g;

/**
 * A token pasted as a list item with no name (`- <token>` in a compose `environment:` list: Compose reads it as a variable
 * name, but the text is the secret; review 56c, L4): masked when it looks issued (looksLikeTokenUser). No `=` but a base64
 * padding: `- NAME=value` is a variable, whose value the other readers judge.
 */
const BARE_LIST_ITEM = /^(\s*-\s+)(["']?)([A-Za-z0-9_\-+/.]{16,512}={0,2})\2(\s*(?:#.*)?)$/;
/**
 * An htpasswd line's hash given in a setting (Traefik's `basicauth.users=admin:$$apr1$$…`, `usersfile` content): the
 * apr1/bcrypt/SHA-crypt/`{SHA}` hash after `user:`, `$` doubled as Compose escapes it or not (review 56c, L4). A hash is
 * not the password, but it can be attacked offline, so it is not printed.
 */
const HTPASSWD_HASH = /((?:^|[\s"',=])[^\s"',=:$]+:)((?:\$\$?(?:apr1|2[aby]|5|6)\$\$?|\{SHA\})[^\s"',]+)/g;

/** Neo4j's `NEO4J_AUTH=<user>/<password>` (DC040 reads it): the password after the slash. */
const NEO4J_AUTH = /(\bNEO4J_AUTH["']?\s*[:=]\s*["']?[^\s/"']+\/)([^\s"',}]+)/gi;

/** A literal default of an interpolation: `${NAME:-default}`, `${NAME-default}` (also `:=`/`=`). */
const DEFAULT_EXPR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-=])((?:[^}$\\]|\\.)+)\}/g;

/** Masks the literal defaults in a value: all of them when `all`, else those of credential-named variables. */
function maskDefaults(value: string, all: boolean): string {
  return value.replace(DEFAULT_EXPR, (m, name: string, op: string, def: string) => (def === MASK || (!all && !isCredentialNameFor(name, def)) ? m : `\${${name}${op}${MASK}}`));
}

/** Whether a value reads a variable (`${X}`, `$X`); `$$` is Compose's escape of a literal `$`, part of a secret as written. */
function isInterpolation(value: string): boolean {
  return /\$[{A-Za-z_]/.test(value.replace(/\$\$/g, ''));
}

/** Whether a URL's query parameter holds a credential (see QUERY_PARAMETER). */
function isQueryCredential(name: string, value: string): boolean {
  return QUERY_PASSWORD_NAME.test(name) || QUERY_SIGNATURE_NAME.test(name) || isCredentialNameFor(name, value);
}

function masked(value: string): string {
  return value.startsWith('"') || value.startsWith("'") ? `${value[0]}${MASK}${value[0]}` : MASK;
}

/** The line with what reads as a secret replaced by asterisks (see the module comment). */
export function redactSecretsInLine(line: string): string {
  const space = ENV_SPACE_FORM.exec(line);
  if (space && !space[2].includes('=') && isCredentialNameFor(space[2], space[4].trim()) && !isInterpolation(space[4])) return `${space[1]}${space[2]}${space[3]}${MASK}`;
  let out = maskDefaults(line, false);
  const keep = (name: string, value: string) => !isCredentialOption(name) || isInterpolation(value) || isPathOrNextOption(value);
  out = out.replace(PASSWORD_OPTION_ITEM, (m, head: string, _q: string, name: string, value: string) => (keep(name, value) ? m : `${head}${masked(value)}`));
  out = out.replace(PASSWORD_OPTION, (m, opt: string, name: string, value: string) => (keep(name, value) ? m : `${opt}${masked(value)}`));
  out = out.replace(URL_PASSWORD, (m, head: string, pw: string, at: string) => (isInterpolation(pw) || pw === MASK ? m : `${head}${MASK}${at}`));
  if (/[?&#;][A-Za-z]/.test(out)) out = out.replace(QUERY_PARAMETER, (m, head: string, name: string, value: string) => (isInterpolation(value) || value === MASK || !isQueryCredential(name, value) ? m : `${head}${MASK}`));
  if (out.includes('@')) out = out.replace(URL_USER_ONLY, (m, head: string, user: string, at: string) => (user === MASK || !looksLikeTokenUser(user) ? m : `${head}${MASK}${at}`));
  if (out.includes(':_')) out = out.replace(NPMRC_CREDENTIAL, (m, head: string, value: string) => (isInterpolation(value) || value === MASK ? m : `${head}${MASK}`));
  if (/[?&]u=/.test(out)) out = out.replace(QUERY_P, (m, head: string, pw: string) => (isInterpolation(pw) || pw === MASK ? m : `${head}${MASK}`));
  if (out.includes('htpasswd')) out = out.replace(HTPASSWD_COMMAND, (_m, words: string | undefined, q: string | undefined, items: string | undefined) => (words !== undefined ? `htpasswd${maskHtpasswd(words)}` : `${q}htpasswd${q}${maskHtpasswd(items!)}`));
  out = out.replace(SAMBA_USER_PASSWORD, (m, head: string, pw: string) => (isInterpolation(pw) || pw === MASK ? m : `${head}${MASK}`));
  if (NETRC_LINE.test(out)) out = out.replace(NETRC_PASSWORD, (m, head: string, pw: string) => (isInterpolation(pw) || pw === MASK ? m : `${head}${MASK}`));
  out = out.replace(NEO4J_AUTH, (m, head: string, pw: string) => (isInterpolation(pw) || pw === MASK ? m : `${head}${MASK}`));
  out = out.replace(HEADER_CREDENTIAL, (m, head: string, value: string) => (isInterpolation(value) || value === MASK ? m : `${head}${MASK}`));
  if (out.includes('$') || out.includes('{SHA}')) out = out.replace(HTPASSWD_HASH, (_m, head: string) => `${head}${MASK}`);
  const bare = BARE_LIST_ITEM.exec(out);
  if (bare && looksLikeTokenUser(bare[3])) out = `${bare[1]}${bare[2]}${MASK}${bare[2]}${bare[4]}`;
  out = maskSecretValues(out, MASK);
  out = out.replace(GO_DSN_PASSWORD, (m, head: string, pw: string, at: string) => (isInterpolation(pw) || pw === MASK ? m : `${head}${MASK}${at}`));
  return maskKeyValues(out);
}

/** The credential-named keys' values of a text (KEY_VALUE), also inside a quoted value of another key (`o: "username=svc,password=x"`). */
function maskKeyValues(text: string, depth = 0): string {
  return text.replace(KEY_VALUE, (m, lead: string, key: string, quote: string, sep: string, dq: string | undefined, sq: string | undefined, bare: string | undefined) => {
    const value = dq ?? sq ?? bare ?? '';
    if (value === '' || value === MASK) return m;
    // A quoted value of another key may list options of its own (a CIFS volume's mount options: `o: "username=svc,password=x"`).
    if (!isCredentialNameFor(key, value)) return (dq ?? sq) !== undefined && depth < 2 ? `${lead}${key}${quote}${sep}${dq !== undefined ? `"${maskKeyValues(dq, depth + 1)}"` : `'${maskKeyValues(sq!, depth + 1)}'`}` : m;
    // `KEY: ${VAR:-default}`: the default is what runs when VAR is unset.
    if (isInterpolation(value)) return m.replace(value, () => maskDefaults(value, true));
    // A quoted list item (`- "DB_PASSWORD=x"`): the bare value ran on to the item's closing quote, which stays (review 33, probe p02).
    const closing = bare !== undefined && (lead === '"' || lead === "'") && bare.endsWith(lead) ? lead : '';
    return `${lead}${key}${quote}${sep}${dq !== undefined ? `"${MASK}"` : sq !== undefined ? `'${MASK}'` : MASK}${closing}`;
  });
}

/** A unified diff with redactSecretsInLine applied to every content line (not the `---`/`+++`/`@@` headers). */
export function redactDiff(diff: string): string {
  return diff
    .split('\n')
    .map((l) => (/^[-+ ]/.test(l) && !/^(?:---|\+\+\+) /.test(l) ? l[0] + redactSecretsInLine(l.slice(1)) : l))
    .join('\n');
}
