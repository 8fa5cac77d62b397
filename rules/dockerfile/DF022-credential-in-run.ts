import { defineRule } from '../engine/rule';
import { curlShortOption, invocation, isLiteral, MYSQL_CLIENTS, pipelineOf, type Invocation } from '../engine/run-commands';
import { HEADER_CREDENTIAL, isCredentialNameFor, isCredentialOption, isPathOrNextOption, isPlaceholderValue, isTemplatePlaceholder, urlCredentials, urlTokenUsers } from '../engine/secrets';
import { isStandInToken, knownTokenIn, tokenKind } from '../engine/secret-tokens';
import { urlQueryCredentials } from '../engine/embedded-secrets';
import { outputRedirectTarget, type SimpleCommand, type Word } from '../engine/shell';
import type { DockerfileContext, RunInstruction } from '../engine/dockerfile';
import { imageStages, propertiesOf, stageChain } from '../engine/stage-scope';
import { instructionsNamed } from '../engine/df-instructions';
import { mountsCacheOver } from '../engine/packages';
import type { Detection, Range } from '../engine/types';

interface Data {
  /** What is written, for the message (never the value): `a password in a URL`, `docker login's password`… */
  what: string;
  /** The program it is given to. */
  program: string;
  /** The credential as written (the word that holds it, or the words piped into chpasswd or a login); never in a message. */
  written: string[];
  /** Set when the credential is not written out but a login stores it in the image (the file it is stored in). */
  stored?: string;
  /** Set when the credential is in the source URL of an ADD (or an ONBUILD ADD), not in a RUN. */
  add?: true;
  /** Set when the credential is in the command of a CMD, ENTRYPOINT or HEALTHCHECK (kept in the image's configuration). */
  startCommand?: 'CMD' | 'ENTRYPOINT' | 'HEALTHCHECK';
  /** Where `written` is in the file (the credential inside its word when the word holds more): masked wherever output prints the file (Rule.secretRanges, review 40a item 5). */
  places?: Range[];
}

/** Where a word's credential is written: `secret` inside the word when the word's text holds it, else the word. */
function placeIn(ctx: DockerfileContext, start: number, end: number, secret: string | undefined): Range {
  const i = secret === undefined || secret === '' ? -1 : ctx.text.slice(start, end).lastIndexOf(secret);
  return i === -1 ? ctx.rangeOfOffsets(start, end) : ctx.rangeOfOffsets(start + i, start + i + secret!.length);
}

const REGISTRY_LOGIN = new Set(['docker', 'podman', 'buildah', 'skopeo', 'nerdctl', 'helm', 'oras']);
const NPM_AUTH = /(?::_authToken|:_auth|:_password|^_authToken|^_auth|^npmAuthToken|^npmAuthIdent)$/;

/** Values that stand in for a credential (the build only needs some value): `dummy`, `placeholder`, `xxx`, `<password>`, `1`. */
// `changeit`: the JDK's documented initial password of its `cacerts` keystore (`keytool -importcert -cacerts -storepass changeit`), public by design.
const STAND_IN = /dummy|placeholder|fake|example|changeme|change-me|^changeit$|redacted|^[x*.]+$|^<.*>$/i;
/** A bare word given to a variable for the build only (a set password, `echo test:test | chpasswd`, is a password however weak). */
const STAND_IN_WORD = /^(?:secret|token|key|build|precompile|assets)$/i;

/** The secret an app needs only to boot for asset compilation (Rails' SECRET_KEY_BASE, Django's SECRET_KEY…). */
const BOOT_SECRET = /^(?:SECRET_KEY_BASE|SECRET_KEY|DJANGO_SECRET_KEY|SECRET_TOKEN|APP_SECRET_TOKEN|APP_SECRET|APP_KEY)$/;

/**
 * A credential written out: not empty, not a variable, not a placeholder or stand-in value, nor a template placeholder
 * (`REPLACE_ME`, `CHANGE_ME`, `REPLACE_WITH_YOUR_KEY`: isTemplatePlaceholder, as DF020 and DC040 read them; review57).
 */
function isWrittenSecret(value: string | undefined): boolean {
  return value !== undefined && value.length > 1 && isLiteral(value) && !isPlaceholderValue(value) && !STAND_IN.test(value) && !isTemplatePlaceholder(value);
}

/** A curl `-H`/wget `--header` word whose header carries a credential (CREDENTIAL_HEADER_NAME): the header, then the value. */
const headerCredential = (word: string) => HEADER_CREDENTIAL.exec(word.replace(/^--header=/, ''));

function credentialsInWords(words: Word[], push: (w: Word, what: string, secret?: string) => void): void {
  for (const w of words) {
    // Every reading below needs a `:` (a URL, a header, an npm setting) or npm's `npmAuthToken=`: most words have neither.
    if (!w.value.includes(':') && !w.value.includes('npmAuthToken')) continue;
    // Every URL of the word (a real one may follow a `nulldb://` one: review 31, probe 12).
    if (w.value.includes('://')) {
      // The userinfo as a URL parser reads it (the authority's last `@` ends it: `user:p@ss@host` is the password `p@ss`); a quote ends the URL.
      for (const c of urlCredentials(w.value, { quotes: true })) {
        // `nulldb://user:pass@…`: Rails' null database adapter connects to nothing (review 30, probe df-02).
        if (c.scheme.toLowerCase() !== 'nulldb' && c.user.toLowerCase() !== 'anonymous' && isWrittenSecret(w.value.slice(c.start, c.end)) && isLiteral(c.user)) {
          push(w, `a password in a ${c.scheme.toLowerCase()}:// URL`);
          break;
        }
      }
    }
    // A credential as a URL's query parameter (MaxMind's `&license_key=`, GitLab's `?private_token=`, OAuth 2.0's `?access_token=`: review 56c).
    // Read as DC040 and DF020 read a value (urlQueryCredentials: a password's or a credential's name; a generic `key` only with an issued-looking value).
    if (w.value.includes('?')) {
      const q = urlQueryCredentials(w.value).find((c) => isWrittenSecret(w.value.slice(c.start, c.end)));
      if (q) push(w, `a credential (${q.name}) in a ${q.scheme}:// URL`);
    }
    // A random token as a URL's user with no password (`https://<token>@github.com/…`, a common way to give git a token:
    // urlTokenUsers); one of a known format is reported by its kind below (review 56c, L1).
    if (w.value.includes('@')) {
      const u = urlTokenUsers(w.value).find((c) => tokenKind(w.value.slice(c.start, c.end)) === undefined && isWrittenSecret(w.value.slice(c.start, c.end)));
      if (u) push(w, `a token as the user of a ${u.scheme.toLowerCase()}:// URL`);
    }
    const t = /(:_authToken|:_auth|:_password|npmAuthToken)\s*[=:]\s*["']?([^\s"']+)/.exec(w.value);
    if (t && isWrittenSecret(t[2])) push(w, `an npm ${t[1].replace(/^:/, '')}`);
    // curl -H / wget --header: `Authorization: Bearer <token>`, GitLab's `PRIVATE-TOKEN: <token>` (review 9, probe 12).
    // Any scheme (`Authorization: ApiKey …`, Elasticsearch), and X- headers named for a credential (JFrog's `X-JFrog-Art-Api`, Vault's `X-Vault-Token`): review 10, probe 06.
    const h = headerCredential(w.value);
    // The credential after its scheme (`token ghp_xxxx…`, `Bearer xxxxxxxx`): a stand-in shaped like a token is none.
    if (h && isWrittenSecret(h[2]) && !isStandInToken(h[2].trim().split(/\s+/).pop() ?? '')) push(w, `a credential in an HTTP header (${h[1].replace(/\s+/g, ' ').trim()})`, h[2]);
  }
}

/** The shell builtins whose `NAME=value` arguments assign variables. */
const ASSIGNING_BUILTINS = new Set(['export', 'declare', 'typeset', 'readonly', 'local']);

/**
 * The credentials written in one command's words: URLs with a password, headers, npm settings (credentialsInWords),
 * credential-named assignments (`DB_PASSWORD=… cmd`, `export API_TOKEN=…`), the programs' own password options
 * (programChecks, optionCredentials) and tokens of a known format anywhere in a word.
 */
function commandCredentials(cmd: SimpleCommand, inv: Invocation | null, push: (w: Word, what: string, secret?: string) => void): void {
  credentialsInWords(cmd.words, push);
  // DB_PASSWORD=… cmd, env API_TOKEN=… cmd, export API_TOKEN=…
  let assignments: readonly Word[] = inv?.assignments ?? cmd.words.filter((w) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.raw));
  if (inv && ASSIGNING_BUILTINS.has(inv.name)) assignments = [...assignments, ...inv.args.filter((w) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.value))];
  // Asset compilation only boots the app: rubygems.org's `SECRET_KEY_BASE=1234 bin/rails assets:precompile`.
  // Not a command that also migrates (`rake db:create db:migrate assets:precompile` connects with its passwords).
  // Asked only of a command that assigns variables (most assign none).
  const bootsOnly = assignments.length > 0 && cmd.words.some((w) => w.value === 'assets:precompile' || w.value === 'collectstatic') && !cmd.words.some((w) => /^db:|^migrate$/.test(w.value));
  // By index: invocation's list of none is a frozen array, which for…of reads through an iterator V8 allocates (on every command).
  for (let a = 0; a < assignments.length; a++) {
    const w = assignments[a];
    const eq = w.value.indexOf('=');
    const name = w.value.slice(0, eq);
    const value = w.value.slice(eq + 1);
    // huginn's `APP_SECRET_TOKEN=secret bundle exec rake assets:precompile`: the app only has to boot.
    if (STAND_IN_WORD.test(value) || (bootsOnly && BOOT_SECRET.test(name) && /^[A-Za-z0-9_-]{1,16}$/.test(value))) continue;
    // A credential's name, or a generic `*_KEY`/`*_AUTH` name whose value looks issued (`OPENAI_KEY=<issued>`), as DF020 and DC040 judge one.
    if (isCredentialNameFor(name, value) && isWrittenSecret(value)) push(w, `the variable ${name}`);
  }
  if (inv) {
    if (readsProgram(inv.name)) programChecks(inv, push);
    optionCredentials(inv, push);
  }
  // A token of a known format anywhere in a word: the URL's user name (`https://ghp_…@github.com/`, the form
  // GitHub documents), `git config url."https://<token>@…".insteadOf`, `bundle config <host> user:<token>`
  // (review 17, probe df-02).
  for (const w of cmd.words) {
    const token = knownTokenIn(w.value);
    if (token) push(w, `a literal ${token.kind}`, w.value.slice(token.start, token.end));
  }
}

/**
 * Credentials in the commands of CMD, ENTRYPOINT and HEALTHCHECK instructions (`HEALTHCHECK CMD curl -u admin:pw …`,
 * `CMD ["app", "--token", "…"]`), ONBUILD triggers included: the command is stored in the image's configuration as
 * written (review 40a). A HEALTHCHECK's command follows its `CMD` word.
 */
function startCommandCredentials(ctx: DockerfileContext, out: Detection<Data>[]): void {
  for (const { ins } of instructionsNamed(ctx, ['CMD', 'ENTRYPOINT', 'HEALTHCHECK'])) {
    const kw = ins.getKeyword() as 'CMD' | 'ENTRYPOINT' | 'HEALTHCHECK';
    const reporter = new WordReporter(ctx, out, { startCommand: kw });
    for (const script of ctx.scriptsOf(ins)) {
      script.commands.forEach((cmd, i) => {
        // `HEALTHCHECK [options] CMD command`: the program is the word after CMD and the variables set before it
        // (`HEALTHCHECK CMD PGPASSWORD=… pg_isready`, review 42e item 7), as a shell reads the command.
        const c = kw === 'HEALTHCHECK' && i === 0 && cmd.programIndex >= 0 && cmd.words[cmd.programIndex].value.toUpperCase() === 'CMD' ? { ...cmd, programIndex: programAfter(cmd.words, cmd.programIndex + 1) } : cmd;
        const inv = invocation(c);
        reporter.program = inv?.name ?? '';
        commandCredentials(c, inv, reporter.push);
      });
    }
  }
}

/** The index of the first word from `from` that is not a `NAME=value` assignment (the program a shell runs), or -1. */
function programAfter(words: readonly Word[], from: number): number {
  for (let k = from; k < words.length; k++) if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[k].raw)) return k;
  return -1;
}

/**
 * Reports the credentials found in commands' words, each word once (the first reading that finds one in it wins), with
 * `secret`, the credential inside the word when the word holds more (a header's name), for the output to mask only it.
 * One reporter serves every command it is given in turn (each command's words are its own), `program` set to the program
 * of the command being read: made once, not once per command (a closure and its scope for each of the corpus's commands).
 */
class WordReporter {
  /** The program of the command being read. */
  program = '';
  private reported: Set<Word> | undefined;

  constructor(
    private readonly ctx: DockerfileContext,
    private readonly out: Detection<Data>[],
    private readonly extra: Pick<Data, 'startCommand'> = {},
  ) {}

  readonly push = (w: Word, what: string, secret?: string): void => {
    if (this.reported?.has(w)) return;
    (this.reported ??= new Set()).add(w);
    const ctx = this.ctx;
    this.out.push({ range: ctx.rangeOfOffsets(w.start, w.end), data: { what, program: this.program, written: [secret ?? ctx.text.slice(w.start, w.end)], ...this.extra, places: [placeIn(ctx, w.start, w.end, secret)] } });
  };
}

/**
 * Credentials in the source URLs of ADD instructions, ONBUILD triggers included (`ADD https://user:password@host/app.tgz /app/`,
 * a token as the URL's user): the URL is in the Dockerfile and in the image history as written (review 39a).
 */
function addUrlCredentials(ctx: DockerfileContext, out: Detection<Data>[]): void {
  for (const { ins } of instructionsNamed(ctx, ['ADD'])) {
    const args = ins.getArguments();
    for (const arg of args.slice(0, -1)) {
      const value = arg.getValue();
      if (!value.includes('://')) continue;
      const r = arg.getRange();
      const written = ctx.text.slice(ctx.offsetAt(r.start), ctx.offsetAt(r.end));
      const word: Word = { value, raw: written, start: ctx.offsetAt(r.start), end: ctx.offsetAt(r.end) };
      let found = false;
      credentialsInWords([word], (w, what, secret) => {
        if (found) return;
        found = true;
        out.push({ range: r, data: { what, program: '', written: [secret ?? w.raw], add: true, places: [placeIn(ctx, w.start, w.end, secret)] } });
      });
      const token = found ? undefined : knownTokenIn(value);
      if (token) out.push({ range: r, data: { what: `a literal ${token.kind}`, program: '', written: [value.slice(token.start, token.end)], add: true, places: [placeIn(ctx, word.start, word.end, value.slice(token.start, token.end))] } });
    }
  }
}

/** An option with its value after `=` or as the next argument (`--token X`, `--api-key=X`). */
const OPTION = /^(--?)([A-Za-z][A-Za-z0-9_-]*)(?:=(.*))?$/s;

/**
 * Where a pass phrase comes from, not the phrase: OpenSSL's `env:VAR`, `file:path`, `fd:N`, `stdin`
 * (openssl-passphrase-options(1)), also Tailscale's `--auth-key=file:…` (review 18, probe 12). `pass:X`
 * gives the phrase itself, X.
 */
/** The words isCredentialOption ends a credential option's name with (a cheap test before it). */
const CREDENTIAL_WORD = /pass|token|key|secret|auth/i;

const SECRET_SOURCE = /^(?:env|file|fd):|^stdin$/;

/**
 * A credential given to any program as an option named for one (isCredentialOption: `--token`,
 * `--registration-token`, `--api-key`, `--passphrase`): GitHub's runner `./config.sh --token <token>`
 * (review 17, probe df-03). Not a path, a file name or the next option (`--token-file`, `--key /k.pem`).
 */
function optionCredentials(inv: Invocation, push: (w: Word, what: string, secret?: string) => void): void {
  const a = inv.args;
  for (let k = 0; k < a.length; k++) {
    // Not an option (`-`), or not one named for a credential (isCredentialOption's words).
    if (a[k].value.charCodeAt(0) !== 45 || !CREDENTIAL_WORD.test(a[k].value)) continue;
    const m = OPTION.exec(a[k].value);
    if (!m || !isCredentialOption(m[2])) continue;
    const at = m[3] !== undefined ? a[k] : a[k + 1];
    const written = m[3] ?? a[k + 1]?.value;
    if (!at || written === undefined || SECRET_SOURCE.test(written)) continue;
    const value = written.startsWith('pass:') ? written.slice(5) : written;
    if (value.length < 8 || isPathOrNextOption(value) || /\.(?:pem|key|crt|json|ya?ml|txt|p12|gz|tgz|zip|tar|conf|cfg|ini|env)$/i.test(value)) continue;
    if (isWrittenSecret(value)) push(at, `a credential given as ${m[1]}${m[2]}`, value);
  }
}

/** keytool's and jarsigner's password options (keytool(1), jarsigner(1)); keytool's `-new` is the new password of `-storepasswd`/`-keypasswd`. */
const KEYTOOL_PASSWORD = /^-(?:(?:src|dest)?(?:store|key)pass|new)$/;
/** Samba's clients, which take `-U`/`--user=[DOMAIN\\]USERNAME[%PASSWORD]` and `--password=STRING` (smbclient(1), "Common options"). */
const SAMBA_CLIENTS = new Set(['smbclient', 'rpcclient', 'smbcacls', 'smbcquotas', 'smbtree', 'smbget']);
/** A redirection word (`>`, `2>/dev/null`, `<in`): no argument of the program. */
const REDIRECTION = /^\d*(?:[<>]|&>)/;

/** The programs whose own password options programChecks reads (each of its branches names one of these). */
const PASSWORD_PROGRAMS = new Set(['curl', 'wget', 'wget2', 'sshpass', 'npm', 'pnpm', 'yarn', 'keytool', 'jarsigner', 'htpasswd', 'aws']);

/**
 * Whether programChecks reads a program's words: most commands run none of its programs, and asking first spares them
 * the closures programChecks makes on every call.
 */
function readsProgram(name: string): boolean {
  return PASSWORD_PROGRAMS.has(name) || REGISTRY_LOGIN.has(name) || MYSQL_CLIENTS.has(name) || SAMBA_CLIENTS.has(name);
}

function programChecks(inv: Invocation, push: (w: Word, what: string, secret?: string) => void): void {
  const a = inv.args;
  const v = (k: number) => a[k]?.value;
  const name = inv.name;
  if (REGISTRY_LOGIN.has(name) && a.some((w) => w.value === 'login')) {
    a.forEach((w, k) => {
      if ((w.value === '-p' || w.value === '--password') && isWrittenSecret(v(k + 1))) push(a[k + 1], `${name} login's password`);
      else if (w.value.startsWith('--password=') && isWrittenSecret(w.value.slice(11))) push(w, `${name} login's password`);
      else if (/^-p./.test(w.value) && !w.value.startsWith('--') && isWrittenSecret(w.value.slice(2))) push(w, `${name} login's password`);
    });
  } else if (MYSQL_CLIENTS.has(name)) {
    a.forEach((w) => {
      if (/^-p./.test(w.value) && isWrittenSecret(w.value.slice(2))) push(w, `${name}'s password (-p)`);
      else if (w.value.startsWith('--password=') && isWrittenSecret(w.value.slice(11))) push(w, `${name}'s password`);
    });
  } else if (name === 'curl') {
    a.forEach((w, k) => {
      let userValue: string | undefined;
      let at = w;
      // Grouped and attached short options as curl reads them (`-fsSu admin:pw`, `-Uadmin:pw`: review 16, probe 04).
      const short = curlShortOption(w.value);
      if (['--user', '--proxy-user'].includes(w.value) || (short && (short.option === 'u' || short.option === 'U') && short.attached === undefined)) {
        userValue = v(k + 1);
        at = a[k + 1];
      } else if (short && (short.option === 'u' || short.option === 'U')) userValue = short.attached;
      else if (/^--(?:proxy-)?user=/.test(w.value)) userValue = w.value.slice(w.value.indexOf('=') + 1);
      // `-HX-Api-Key: …` (attached to grouped switches): the header is the rest of the word.
      if (short?.option === 'H' && short.attached !== undefined) {
        const h = headerCredential(short.attached);
        if (h && isWrittenSecret(h[2])) push(w, `a credential in an HTTP header (${h[1].replace(/\s+/g, ' ').trim()})`);
      }
      const colon = userValue?.indexOf(':') ?? -1;
      if (userValue !== undefined && colon !== -1 && isWrittenSecret(userValue.slice(colon + 1))) push(at, "curl's user password (-u user:password)");
      // `--oauth2-bearer <token>` is `-H "Authorization: Bearer <token>"` (curl(1); review 15, probe 13).
      if (w.value === '--oauth2-bearer' && isWrittenSecret(v(k + 1))) push(a[k + 1], "curl's OAuth 2.0 bearer token (--oauth2-bearer)");
      else if (w.value.startsWith('--oauth2-bearer=') && isWrittenSecret(w.value.slice(16))) push(w, "curl's OAuth 2.0 bearer token (--oauth2-bearer)");
    });
  } else if (name === 'wget' || name === 'wget2') {
    a.forEach((w, k) => {
      const m = /^--(?:(?:http|ftp|proxy)-)?password(?:=(.*))?$/.exec(w.value);
      if (!m) return;
      const value = m[1] ?? v(k + 1);
      if (isWrittenSecret(value)) push(m[1] !== undefined ? w : a[k + 1], `${name}'s password`);
    });
  } else if (name === 'sshpass') {
    a.forEach((w, k) => {
      if (w.value === '-p' && isWrittenSecret(v(k + 1))) push(a[k + 1], 'the sshpass password');
      else if (/^-p./.test(w.value) && isWrittenSecret(w.value.slice(2))) push(w, 'the sshpass password');
    });
  } else if (name === 'npm' || name === 'pnpm' || name === 'yarn') {
    // npm config set //registry.example.com/:_authToken <token>
    const set = a.findIndex((w) => w.value === 'set');
    const key = v(set + 1);
    if (set !== -1 && key !== undefined && NPM_AUTH.test(key) && isWrittenSecret(v(set + 2))) push(a[set + 2], `an npm ${key.replace(/^.*:/, '')}`);
  } else if (name === 'keytool' || name === 'jarsigner') {
    // `-storepass <pw>`, `-keypass <pw>`; `-storepass:env VAR` and `-storepass:file F` say where the password is (another word).
    a.forEach((w, k) => {
      const value = v(k + 1);
      if (KEYTOOL_PASSWORD.test(w.value) && (name === 'keytool' || w.value !== '-new') && value !== undefined && !isPathOrNextOption(value) && isWrittenSecret(value)) push(a[k + 1], `${name}'s password (${w.value})`);
    });
  } else if (name === 'htpasswd') {
    const pw = htpasswdPassword(a);
    if (pw && isWrittenSecret(pw.value)) push(pw, "htpasswd's password (-b)");
  } else if (SAMBA_CLIENTS.has(name)) {
    a.forEach((w, k) => {
      // -U user%pw, -Uuser%pw, --user=user%pw, --user user%pw (the first `%` ends the user name).
      const user = w.value === '-U' || w.value === '--user' ? v(k + 1) : w.value.startsWith('--user=') ? w.value.slice(7) : /^-U./.test(w.value) ? w.value.slice(2) : undefined;
      const at = w.value === '-U' || w.value === '--user' ? a[k + 1] : w;
      const pct = user?.indexOf('%') ?? -1;
      if (user !== undefined && pct !== -1 && isWrittenSecret(user.slice(pct + 1))) push(at, `${name}'s password (-U user%password)`, user.slice(pct + 1));
      else if (w.value.startsWith('--password=') && isWrittenSecret(w.value.slice(11))) push(w, `${name}'s password (--password)`, w.value.slice(11));
      else if (w.value === '--password' && isWrittenSecret(v(k + 1))) push(a[k + 1], `${name}'s password (--password)`);
      // `smbclient //server/share password` (smbclient(1): `smbclient {servicename} [password]`): the word after the service.
      else if (name === 'smbclient' && /^(?:\/\/|\\\\)[^/\\]+[/\\]/.test(w.value) && k + 1 < a.length && !a[k + 1].value.startsWith('-') && !REDIRECTION.test(a[k + 1].value) && isWrittenSecret(a[k + 1].value)) push(a[k + 1], "smbclient's password (after the service)");
    });
  } else if (name === 'aws' && v(0) === 'configure' && v(1) === 'set') {
    const key = v(2) ?? '';
    if (/(?:^|\.)(?:aws_secret_access_key|aws_session_token)$/.test(key) && isWrittenSecret(v(3))) push(a[3], `the AWS ${key.replace(/^.*\./, '')}`);
  }
}

/**
 * The password word of `htpasswd -b[cmBdpsDv] [-C cost] passwdfile username password` or `htpasswd -nb[mBdps] [-C cost]
 * username password` (htpasswd(1)); none without `-b`, with `-i` (read from stdin) or `-D` (delete). The options come
 * first and group (`-bc`, `-nbB`); `-C` and `-r` take a value, attached or as the next word.
 */
function htpasswdPassword(a: readonly Word[]): Word | undefined {
  let batch = false;
  let noFile = false;
  let none = false;
  const operands: Word[] = [];
  for (let k = 0; k < a.length; k++) {
    const w = a[k].value;
    if (REDIRECTION.test(w)) break;
    if (operands.length === 0 && /^-[A-Za-z0-9]+$/.test(w)) {
      for (let c = 1; c < w.length; c++) {
        const f = w[c];
        if (f === 'b') batch = true;
        else if (f === 'n') noFile = true;
        else if (f === 'i' || f === 'D') none = true;
        else if (f === 'C' || f === 'r') {
          if (c === w.length - 1) k++;
          break;
        }
      }
      continue;
    }
    operands.push(a[k]);
  }
  return batch && !none ? operands[noFile ? 1 : 2] : undefined;
}

/** A `.netrc` file (`~/.netrc`, `/root/.netrc`, `$HOME/.netrc`; `_netrc` on Windows), which curl, git, ftp and pip read logins from. */
const NETRC_FILE = /(?:^|\/)[._]netrc$/;

/** Whether a command writes its output to a `.netrc` file: redirected there (`> ~/.netrc`, `>> …`), or `tee` naming one. */
function writesNetrc(cmd: SimpleCommand): boolean {
  for (let k = 0; k < cmd.words.length; k++) {
    const target = outputRedirectTarget(cmd.words, k);
    if (target !== null && NETRC_FILE.test(target)) return true;
  }
  const inv = invocation(cmd);
  return inv?.name === 'tee' && inv.args.some((w) => NETRC_FILE.test(w.value));
}

/** The `password <value>` pairs of netrc text (netrc(5): tokens separated by blanks or new lines; `\n` as echo -e and printf write it): the value and its offset. */
function netrcPasswords(text: string): { value: string; at: number }[] {
  const out: { value: string; at: number }[] = [];
  const re = /(?:^|(?<=\s|\\[nt]))password(?:\s|\\[nt])+((?:[^\s\\]|\\(?![nt]))+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ value: m[1], at: m.index + m[0].length - m[1].length });
  return out;
}

/**
 * A password written into a `.netrc` file by echo or printf (`echo "machine github.com login bot password <token>" > ~/.netrc`,
 * also through `| tee ~/.netrc`): netrc(5)'s `password` token, in one word or the next.
 */
function netrcCredentials(cmds: readonly SimpleCommand[], i: number, inv: Invocation, push: (w: Word, what: string, secret?: string) => void): void {
  if (inv.name !== 'echo' && inv.name !== 'printf') return;
  const pipe = pipelineOf(cmds, i);
  const next = pipe[pipe.indexOf(i) + 1];
  if (!writesNetrc(cmds[i]) && !(next !== undefined && writesNetrc(cmds[next]))) return;
  const words = inv.args.filter((w) => !REDIRECTION.test(w.value) && !/^-[neE]+$/.test(w.value));
  // The words as echo joins them (one blank between), each word's start in that text.
  let text = '';
  const starts: number[] = [];
  for (const w of words) {
    starts.push(text.length);
    text += `${w.value} `;
  }
  for (const { value, at } of netrcPasswords(text)) {
    let k = starts.length - 1;
    while (k > 0 && starts[k] > at) k--;
    if (isWrittenSecret(value)) push(words[k], `a password that ${inv.name} writes into a .netrc file`, value);
  }
}

/** docker's global options that take a value (`docker -H host login`), to find its subcommand. */
const DOCKER_GLOBAL_VALUE = new Set(['-c', '--context', '-H', '--host', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);

/**
 * Whether a `docker login` command stores its credential in the image: run in a stage of the final image
 * (or an ONBUILD trigger), into a configuration folder (`~/.docker`, or the one `--config` or DOCKER_CONFIG
 * names) that the RUN does not mount as a cache, tmpfs or bind mount, that the same script does not remove
 * afterwards (nor `docker logout`), and with no credential store configured in the Dockerfile
 * (`credsStore`/`credHelpers`: the credential then goes to the helper; review 25, probes 11-12).
 */
function dockerLoginStoresInLayer(ctx: DockerfileContext, run: RunInstruction, cmds: readonly SimpleCommand[], i: number, inv: Invocation): boolean {
  if (inv.name !== 'docker') return false;
  let folder: string | undefined;
  let k = 0;
  for (; k < inv.args.length && inv.args[k].value.startsWith('-'); k++) {
    const v = inv.args[k].value;
    if (v === '--config') folder = inv.args[++k]?.value;
    else if (v.startsWith('--config=')) folder = v.slice('--config='.length);
    else if (DOCKER_GLOBAL_VALUE.has(v)) k++;
  }
  if (inv.args[k]?.value !== 'login') return false;
  const final = ctx.finalStage;
  // With `FROM runtime-$TARGETARCH`, a stage it could name is the image on that platform (imageStages).
  if (!run.onbuild && (!run.stage || !final || !imageStages(ctx, final).has(run.stage))) return false;
  if (/\b(?:credsStore|credHelpers)\b/.test(ctx.text)) return false;
  folder ??= dockerConfigVariable(run, cmds, i, inv) ?? '~/.docker';
  // A folder named through a variable is not followed.
  if (folder.includes('$') && !HOME_DOCKER.test(folder)) return false;
  const same = (p: string) => sameFolder(p, folder!);
  if (mountsCacheOver(run, same)) return false;
  for (let j = i + 1; j < cmds.length; j++) {
    const later = invocation(cmds[j]);
    if (!later) continue;
    if (later.name === 'docker' && later.args.some((w) => w.value === 'logout')) return false;
    if (later.name === 'rm' && later.args.some((w) => same(w.value.replace(/\/(?:\*|config\.json)$/, '')))) return false;
  }
  return true;
}

/** `~/.docker` as a shell writes it for root or the user (`~/.docker`, `$HOME/.docker`, `${HOME}/.docker`, `/root/.docker`). */
const HOME_DOCKER = /^(?:~|\$HOME|\$\{HOME\}|\/root)\/\.docker\/?$/;

function sameFolder(a: string, b: string): boolean {
  const norm = (p: string) => (HOME_DOCKER.test(p) ? '~/.docker' : p.replace(/\/+$/, ''));
  return norm(a) === norm(b);
}

/** The folder DOCKER_CONFIG names for a command: set on it, exported earlier in its script, or by an ENV of its stage. */
function dockerConfigVariable(run: RunInstruction, cmds: readonly SimpleCommand[], i: number, inv: Invocation): string | undefined {
  const assigned = (words: readonly Word[]) => words.map((w) => /^DOCKER_CONFIG=(.*)$/.exec(w.value)?.[1]).filter((v): v is string => v !== undefined).pop();
  const own = assigned(inv.assignments);
  if (own !== undefined) return own;
  for (let j = i - 1; j >= 0; j--) {
    const found = assigned(cmds[j].words);
    if (found !== undefined) return found;
  }
  if (!run.stage) return undefined;
  let value: string | undefined;
  for (const s of stageChain(run.stage).reverse()) {
    for (const ins of s.instructions) {
      if (ins === run.instruction) return value;
      if (ins.getKeyword() !== 'ENV') continue;
      for (const p of propertiesOf(ins)) {
        if (p.getName() === 'DOCKER_CONFIG') value = p.getValue() ?? undefined;
      }
    }
  }
  return value;
}


export default defineRule<'dockerfile', Data>({
  code: 'DF022',
  name: 'credential-in-run',
  kind: 'dockerfile',
  severity: 'error',
  fixable: 'never',
  docs: {
    summary: 'A credential is written out in a RUN, CMD, ENTRYPOINT or HEALTHCHECK command, or in an ADD URL.',
    what: 'Flags credentials written out in RUN commands, in the commands of CMD, ENTRYPOINT and HEALTHCHECK (kept in the image\'s configuration: `HEALTHCHECK CMD curl -u admin:pw …`), and in the source URL of an ADD (`ADD https://user:password@host/app.tgz /app/`, a token as the URL\'s user; ONBUILD triggers too): a password in a URL (`https://user:password@host`, `postgres://…`; the URL is read as a URL parser reads its authority (WHATWG URL Standard, RFC 3986 §3.2): it ends at the first `/`, `?` or `#`, its last `@` ends the userinfo, and the userinfo\'s first `:` ends the user, so the user may be a mail address (`smtps://alerts@example.com:<password>@smtp.example.com`), the password may hold `@` or `:` (`app:p@ss@db` is the password `p@ss`; `svc:pw@host:443@8443` is `pw@host:443`, on host 8443), and a bracketed IPv6 host (`@[::1]:6379`) changes nothing; an empty password (`redis://:@cache`) is none; a password with an unencoded `?` or `#` (`postgres://app:pa#ss@db/app`) runs to the first `@` after it, as libpq reads a URL\'s userinfo (up to the first `@` or `/`: fe-connect.c, conninfo_uri_parse_options; a WHATWG parser would cut the URL there, but the password is written in the file either way), not when the `?` or `#` follows a port (`http://localhost:8080?email=ops@example.com`)), a credential given as a URL\'s query parameter (`?password=`, MaxMind\'s `&license_key=`, GitLab\'s `?private_token=`, OAuth 2.0\'s `?access_token=` (RFC 6750, section 2.3), any parameter named for a credential; a generic `key` only when its value looks like an issued key), `docker`/`podman`/`helm … login -p`/`--password`, `mysql -p<password>`/`--password=` (and mysqldump, mysqladmin, mariadb…), `curl -u user:password`, `wget --password=`, an HTTP header with a credential (`curl -H "Authorization: Bearer <token>"` or any other scheme, `wget --header="PRIVATE-TOKEN: <token>"`, `X-JFrog-Art-Api`, `X-Vault-Token` and other `X-…` headers named for a token, key or secret), `sshpass -p`, npm tokens (`npm config set //registry/:_authToken <token>`, `_authToken=` written to an `.npmrc`), `aws configure set aws_secret_access_key`, credential-named variables set in the command (`DB_PASSWORD=… ./migrate`, `export API_TOKEN=…`, `HEALTHCHECK CMD PGPASSWORD=… pg_isready`; a generic `*_KEY`/`*_AUTH` name counts when its value looks like an issued credential, as DF020 and DC040 judge it: `OPENAI_KEY=<issued key> node setup.js`, not `CACHE_KEY=build` or a hex checksum), a credential given to any program as an option named for one (`./config.sh --token …` of GitHub\'s runner, `--registration-token=…`, `--api-key …`, `--passphrase …`, OpenSSL\'s `-passout pass:…`; not a path (path characters only, with a folder or a file extension, as DF020 and DC040 judge it: a base64 key, whose alphabet holds `/`, `+` and the `=` padding, is the key even when it starts with `/` — the 44 characters of `openssl rand -base64 32`, an Azure account key) or file name, a value under 8 characters, or where the phrase comes from: `env:VAR`, `file:path`, `fd:N`, `stdin`), keytool\'s and jarsigner\'s `-storepass`/`-keypass` whatever their length (and keytool\'s `-srcstorepass`, `-deststorepass`, `-srckeypass`, `-destkeypass`, and the `-new` password of `-storepasswd`/`-keypasswd`; not `-storepass:env VAR` or `-storepass:file path`, which say where the password is, nor `changeit`, the JDK\'s documented password of its `cacerts` keystore), the password `htpasswd -b` takes as an argument (`htpasswd -b[c] file user password`, `htpasswd -nb user password`; not with `-i`, which reads it from standard input, or `-D`), the password of Samba\'s clients (smbclient, rpcclient, smbcacls, smbcquotas, smbtree, smbget): `-U user%password`, `--user=user%password`, `--password=…`, and smbclient\'s password after the service (`smbclient //server/share password`), netrc\'s `password` token written into a `.netrc` file by echo or printf (`echo "machine github.com login bot password …" > ~/.netrc`, also through `| tee ~/.netrc`) or as a heredoc (`cat <<EOF > ~/.netrc`), a random token written as a URL\'s user with no password (`git clone https://<token>@github.com/…`, a common way to pass a token to git: 16 characters or more mixing upper case, lower case and digits, or 40 hexadecimal digits; not a name such as `deploy@` or `git@`, nor a `${…}` reference), a token of a known format anywhere in a word (GitHub, GitLab, npm, Slack and Stripe tokens, SendGrid, Mailchimp and Mailgun `key-…` API keys, AWS access key ids, a private key\'s header: `https://ghp_…@github.com/`, `git config url."https://<token>@…".insteadOf`, `bundle config <host> user:<token>`), and literal passwords piped into `chpasswd` (also as its heredoc, `chpasswd <<EOF`) or `login --password-stdin`. Only literal values count: `$DB_PASSWORD`, `$(cat /run/secrets/db)` and empty or placeholder values are fine (a template\'s `REPLACE_ME`, `CHANGE_ME`, `REPLACE_WITH_YOUR_KEY`, `<your-key>` in a URL\'s password or query, a header or an npm setting, as DF020 and DC040 read them; review57), and so is the URL of Rails\' null database adapter, which connects to nothing (`DATABASE_URL=nulldb://user:pass@127.0.0.1/db bin/rails assets:precompile`), and so is a bare word given to a variable only so the app boots during the build (`APP_SECRET_TOKEN=secret bundle exec rake assets:precompile`, or a short plain word or number (up to 16 letters, digits, `-` or `_`) given to the app\'s boot secret (`SECRET_KEY_BASE`, `SECRET_KEY`, `APP_KEY`…) by a command that only compiles assets, `SECRET_KEY_BASE=1234 bin/rails assets:precompile`, `SECRET_KEY_BASE=nothing … assets:precompile`, `manage.py collectstatic` — not when it also migrates (`db:*`, `migrate`), and not for a password; a password set with `chpasswd` counts however weak). Every stage, heredoc script and ONBUILD trigger is judged. Also `docker login` in a stage of the final image (the final stage and those it builds on; with a final FROM that names a stage through a variable, `FROM runtime-$TARGETARCH`, each stage it could name — the automatic platform ARG\'s values or a global ARG default — is the image on that platform) (or an ONBUILD trigger), whatever the password\'s source (a build secret, `--password-stdin`): with no credential helper it stores the credential, base64-encoded, in `~/.docker/config.json`, which stays in the layer — not when the same script runs `docker logout` or removes `~/.docker` (or its `config.json`) afterwards, or when `--config`/`DOCKER_CONFIG` chooses the folder. The message says what kind of credential it is, never its value.',
    why: 'The Dockerfile is committed, so the credential is in the repository\'s history; the RUN command line is also stored in the image history (`docker history --no-trunc`) and in build logs, readable by everyone who can pull the image. SECURITY-GUIDELINES.md §5: "DO NOT commit secrets to version control"; checklist: "Secrets not in version control", "All secrets configured externally".',
    bad: 'FROM debian:12-slim\nRUN git clone https://deploy:glpat-s3cr3t@gitlab.example.com/acme/app.git\nRUN mysql -uroot -psecret < /docker-entrypoint-initdb.d/schema.sql',
    good: 'FROM debian:12-slim\nRUN --mount=type=secret,id=gitlab_token \\\n    git clone "https://deploy:$(cat /run/secrets/gitlab_token)@gitlab.example.com/acme/app.git"',
    fix: 'No automatic fix: the value must leave the Dockerfile (and be rotated, since it is already in the repository history), and only its owner can say where it comes from instead. Use a build secret: `RUN --mount=type=secret,id=NAME … $(cat /run/secrets/NAME)` built with `docker build --secret id=NAME,env=NAME`, or `RUN --mount=type=ssh` for git over SSH.',
    guideline: '§5 Secrets Management — "DO NOT commit secrets to version control", "Use environment variables or secrets management"; checklist "Secrets not in version control"',
    equivalents: ['Trivy DS-0031 (secret in RUN: aws configure set, gcloud auth, az login)', 'Checkov CKV2_DOCKER_17 (chpasswd)', 'KICS "Passwords And Secrets" (generic, across file types)', 'hadolint and BuildKit: no equivalent'],
    references: [
      'https://docs.docker.com/build/building/secrets/',
      'https://www.rfc-editor.org/rfc/rfc6750#section-2.3',
      'https://docs.docker.com/reference/dockerfile/#run---mounttypesecret',
      'https://docs.docker.com/reference/cli/docker/login/#password-stdin',
      'https://dev.mysql.com/doc/refman/8.4/en/password-security-user.html',
      'https://docs.npmjs.com/cli/configuring-npm/npmrc#auth-related-configuration',
      'https://github.com/aquasecurity/trivy-checks/blob/main/checks/docker/leaked_secrets.rego',
      'https://docs.oracle.com/en/java/javase/21/docs/specs/man/keytool.html',
      'https://httpd.apache.org/docs/2.4/programs/htpasswd.html',
      'https://www.samba.org/samba/docs/current/man-html/smbclient.1.html',
      'https://unix.com/man-page/linux/5/netrc/',
      'https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope',
    ],
  },
  check(ctx) {
    const out: Detection<Data>[] = [];
    addUrlCredentials(ctx, out);
    startCommandCredentials(ctx, out);
    const reporter = new WordReporter(ctx, out);
    for (const run of ctx.runs()) {
      // A heredoc fed to chpasswd (`chpasswd <<EOF` + `root:password`): each line is a user and its password.
      for (const body of run.scripts) {
        if (!body.heredoc || body.runner !== 'chpasswd') continue;
        const text = body.source.text;
        let at = 0;
        for (const line of text.split('\n')) {
          // The password is the rest of the line, blanks included (`app:correct horse battery staple`: review 22, probe 04).
          const m = /^\s*([^:\s#]+):(\S(?:.*\S)?)\s*$/.exec(line);
          if (m && isWrittenSecret(m[2])) {
            // From the RUN to the password, as a chpasswd pipe is reported from its feeder to chpasswd.
            const start = ctx.offsetAt(run.instruction.getRange().start);
            const from = body.source.offsets[at + line.indexOf(m[2])];
            const end = body.source.offsets[at + line.indexOf(m[2]) + m[2].length];
            out.push({ range: ctx.rangeOfOffsets(start, end), data: { what: 'a password fed to chpasswd', program: 'chpasswd', written: [m[2]], places: [ctx.rangeOfOffsets(from, end)] } });
          }
          at += line.length + 1;
        }
      }
      // A heredoc written into a .netrc file (`cat <<EOF > ~/.netrc`, `tee ~/.netrc <<EOF`): its `password` tokens.
      for (const body of run.scripts) {
        if (!body.heredoc || !body.feeder || ![body.feeder, ...(body.pipedInto ?? [])].some(writesNetrc)) continue;
        for (const { value, at } of netrcPasswords(body.source.text)) {
          if (!isWrittenSecret(value)) continue;
          const from = body.source.offsets[at];
          const end = body.source.offsets[at + value.length];
          // From the RUN to the password, as a chpasswd heredoc is reported.
          out.push({ range: ctx.rangeOfOffsets(ctx.offsetAt(run.instruction.getRange().start), end), data: { what: 'a password written into a .netrc file (a heredoc)', program: '', written: [value], places: [ctx.rangeOfOffsets(from, end)] } });
        }
      }
      for (const script of run.scripts) {
        const cmds = script.commands;
        cmds.forEach((cmd: SimpleCommand, i) => {
          const inv = invocation(cmd);
          const found = out.length;
          reporter.program = inv?.name ?? '';
          commandCredentials(cmd, inv, reporter.push);
          if (!inv) return;
          netrcCredentials(cmds, i, inv, reporter.push);
          // echo 'root:secret' | chpasswd ; echo "$x" | docker login --password-stdin
          const stdinSecret = inv.name === 'chpasswd' || (REGISTRY_LOGIN.has(inv.name) && inv.args.some((w) => w.value === '--password-stdin'));
          if (stdinSecret && cmd.prev === '|') {
            const pipe = pipelineOf(cmds, i);
            const feeder = cmds[pipe[pipe.indexOf(i) - 1]];
            const fi = feeder && invocation(feeder);
            if (fi && (fi.name === 'echo' || fi.name === 'printf')) {
              const text = fi.args.filter((w) => !/^-[neE]+$/.test(w.value)).map((w) => w.value).join(' ');
              const secret = inv.name === 'chpasswd' ? text.slice(text.indexOf(':') + 1) : text;
              if ((inv.name !== 'chpasswd' || text.includes(':')) && isWrittenSecret(secret.replace(/\\n$/, ''))) {
                const words = fi.args.filter((w) => !/^-[neE]+$/.test(w.value));
                const written = words.map((w) => ctx.text.slice(w.start, w.end));
                out.push({ range: ctx.rangeOfOffsets(feeder.start, cmd.end), data: { what: inv.name === 'chpasswd' ? 'a password piped into chpasswd' : `${inv.name} login's password`, program: inv.name, written, places: words.map((w) => ctx.rangeOfOffsets(w.start, w.end)) } });
              }
            }
          }
          // `docker login` stores what it is given in ~/.docker/config.json (base64, when no credential helper
          // is configured), from a build secret too: it is then in the layer (review 24, probe df-05). Not when
          // its credential was reported above as written out, nor outside the final image.
          if (out.length === found && dockerLoginStoresInLayer(ctx, run, cmds, i, inv)) {
            out.push({ range: ctx.rangeOfOffsets(cmd.start, cmd.end), data: { what: "docker login's credential", program: 'docker', written: [], stored: '~/.docker/config.json' } });
          }
        });
      }
    }
    return out;
  },
  secrets(d) {
    return d.written;
  },
  secretRanges(d) {
    return d.places ?? [];
  },
  message(d) {
    if (d.startCommand) return `This ${d.startCommand} writes out ${d.what}${d.program && !d.what.includes(d.program) ? ` (given to ${d.program})` : ''}: it is committed with the Dockerfile and kept in the image's configuration, where docker inspect shows it; pass it at run time instead (an environment variable the command reads, from a secret).`;
    if (d.add) return `This ADD fetches a URL with ${d.what.replace(/ in an? [a-z0-9+.-]+:\/\/ URL$/, '')} in it: it is committed with the Dockerfile and kept in the image history; rotate it, and download with RUN --mount=type=secret (curl reading the credential from the secret) instead.`;
    if (d.stored) return `This RUN stores ${d.what} in ${d.stored} (base64-encoded, not encrypted) in the image layer, even when it comes from a build secret; log out (docker logout) or remove the file in the same RUN, or point DOCKER_CONFIG at a folder the RUN deletes.`;
    return `This RUN writes out ${d.what}${d.program && !d.what.includes(d.program) ? ` (given to ${d.program})` : ''}: it is committed with the Dockerfile and kept in the image history; rotate it and pass it as a build secret (RUN --mount=type=secret) instead.`;
  },
});
