import * as path from 'node:path';
import type { Heredoc, Instruction, JSONInstruction, ModifiableInstruction, Onbuild } from 'dockerfile-ast';
import { defineRule } from '../engine/rule';
import type { DockerfileContext, Stage } from '../engine/dockerfile';
import { CHILD_CONTEXT, contextCandidates, contextRelative, type Contexts } from '../engine/build-context';
import { credentialFileFormat, credentialIn, FORMAT_NAMES, type CredentialFileFormat } from '../engine/credential-files';
import { dockerignoreFor, globRegExp, isExcluded, parseDockerignore } from '../engine/dockerignore';
import { mayHoldPropertyText } from '../engine/df-instructions';
import { deleteInstructionEdit, deleteListItemsEdit, type Span } from '../engine/run-commands';
import { propertiesOf, stageChain, VariableScope } from '../engine/stage-scope';
import type { Detection, Range } from '../engine/types';
import { urlCredentials, urlTokenUsers } from '../engine/secrets';

type SecretKind = 'env file' | 'private key' | 'key store' | 'registry credentials' | 'login credentials' | 'cloud credentials' | 'cluster credentials' | 'SSH directory';

interface Data {
  instruction: 'COPY' | 'ADD';
  /** The source as written. */
  source: string;
  kind: SecretKind;
  /** The text to delete to stop copying it (the whole instruction when it is the only source); null when not exact. */
  removal: Range | null;
  /**
   * For a file judged by its content (`.npmrc`, `.yarnrc.yml`, `.pypirc`, `pip.conf`, `.netrc`): the credential setting found in the file
   * the build context holds (`_authToken`; never its value), or null when that content is not known (not in the
   * workspace, unreadable, or an ONBUILD trigger's child context). Absent for files judged by their name.
   */
  holds?: string | null;
  /** An ONBUILD trigger's copy: it reads the build context of an image built on this one (its content is not known). */
  onbuild?: true;
  /**
   * The variable that names the copied file as a tool's credential file: the destination is written as it
   * (`COPY ci/creds $AWS_SHARED_CREDENTIALS_FILE`), or the stage's ENV points it at the destination
   * (`ENV GOOGLE_APPLICATION_CREDENTIALS=/app/sa.json`; review 45b, item 2).
   */
  via?: string;
  /**
   * For a folder copied whole (`COPY . /app/`) with the file `via` names inside it: the file's path in the copied folder
   * (`sa.json`), reported only when the build context holds that file (and, for AWS_CONFIG_FILE, a credential in it).
   */
  within?: string;
  /** The file is written by a here-document of the COPY (`COPY <<EOF /root/.npmrc`): `source` is the file it writes. */
  heredoc?: true;
}

const ENV_TEMPLATE = /^\.env\.(?:example|sample|template|dist|defaults|schema|tpl|local\.example)$/i;
/**
 * Names of `.pem` files that hold public material: certificates (an intermediate, a chain, a CA
 * bundle) and Diffie-Hellman parameters (`dhparam.pem`, `dh2048.pem`, certbot's `ssl-dhparams.pem`,
 * RFC 7919's published `ffdhe2048.pem` groups: review 33, probe p28).
 */
const CERT_WORDS = /(?:cert|chain|(?:^|[-_.])ca(?:[-_.]|$)|bundle|pub(?:lic)?|root|trust|crt|intermediate|(?:^|[-_.])(?:dh(?:[-_]?params?)?\d*|ffdhe\d+)(?:[-_.]|$))/i;
/** Words of a `.pem` name that say it holds a key (`ca-key`, `cert_and_key`, `server.key`, `dh-private`). */
// Joined too: `certkey.pem`, `privcert.pem`, `cert+key.pem` (review 35, probe d21).
const KEY_WORDS = /key|priv/i;
const PUBLIC_KEY_WORDS = /(?:gpg|pgp|signing|release|archive|keyring|pub(?:lic)?|apt|repo)/i;

/** What kind of secret a copied path (or glob) names, from its last segment and its directories. */
export function secretKindOf(path: string): SecretKind | undefined {
  const p = path.replace(/\\/g, '/').replace(/\/+$/, '');
  const segments = p.split('/');
  const base = segments[segments.length - 1];
  const dirs = segments.slice(0, -1);
  if (dirs.includes('.aws') || base === '.aws') return 'cloud credentials';
  if (base === '.ssh') return 'SSH directory';
  if (base === '.env' || base === '.env*' || (/^\.env\.[^*]+$/.test(base) && !ENV_TEMPLATE.test(base))) return 'env file';
  if (/(?:^|[-_.])id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?(?:[._-][\w.-]*)?$/.test(base) && !base.endsWith('.pub')) return 'private key';
  // OpenSSH's host keys (`ssh_host_ed25519_key`, `ssh_host_*_key`; sshd(8) FILES: "the private parts of the host keys"),
  // a glob that takes them (`ssh_host_*`), not their public halves (`.pub`, `-cert.pub`): review 48b, finding 3.
  if (/^ssh_host_[^/]*(?:_key|\*)$/.test(base)) return 'private key';
  if (dirs.includes('.ssh') && !base.endsWith('.pub') && !/^(?:known_hosts|config|authorized_keys)$/.test(base)) return 'private key';
  // A name that says key or private is a key, whatever else it says (`ca-key.pem`, cfssl's and Docker's CA key;
  // `intermediate-key.pem`, `cert_and_key.pem`: review 34, probe k21); public keys excepted.
  if (/\.pem$/i.test(base) && KEY_WORDS.test(base.replace(/\.pem$/i, '')) && !/pub(?:lic)?/i.test(base)) return 'private key';
  if (/\.pem$/i.test(base) && !CERT_WORDS.test(base.replace(/\.pem$/i, ''))) return 'private key';
  if (/\.key$/i.test(base) && !PUBLIC_KEY_WORDS.test(base)) return 'private key';
  if (/\.(?:p12|pfx)$/i.test(base)) return 'key store';
  if (base === '.npmrc' || base === '.pypirc') return 'registry credentials';
  if (base === '.netrc' || base === '_netrc' || base === '.git-credentials') return 'login credentials';
  // libpq's password file, Vault's token helper file, Docker's registry logins (review 8, probe df-05).
  if (base === '.pgpass' || base === '.vault-token' || base === '.my.cnf' || base === '.s3cfg') return 'login credentials';
  // podman/skopeo/buildah registry logins; kubeadm's cluster-admin kubeconfig (review 10, probe 14).
  if (base === 'auth.json' && dirs[dirs.length - 1] === 'containers') return 'registry credentials';
  if (base === 'admin.conf' && dirs[dirs.length - 1] === 'kubernetes') return 'cluster credentials';
  if (base === '.dockercfg' || (base === 'config.json' && dirs[dirs.length - 1] === '.docker')) return 'registry credentials';
  // A kubeconfig holds the cluster's address and the user's token or client key.
  if (/^(?:[\w.-]+[-_.])?kubeconfig(?:\.ya?ml)?$/i.test(base) || (base === 'config' && dirs[dirs.length - 1] === '.kube') || base === '.kube') return 'cluster credentials';
  return undefined;
}

/** A source copied into `~/.ssh/` or `~/.aws/` (`COPY ssh_keys/ /root/.ssh/`), unless it is a public or non-secret file there. */
function intoCredentialDir(source: string, dest: string): SecretKind | undefined {
  const base = source.replace(/\/+\.?$/, '').split('/').pop() ?? '';
  if (/\.pub$|^(?:known_hosts|config|authorized_keys)$/.test(base)) return undefined;
  const d = dest.replace(/\\/g, '/');
  if (/(?:^|\/)\.ssh(?:\/|$)/.test(d)) return /(?:^|\/)\.ssh\/(?:known_hosts|config|authorized_keys)$/.test(d) ? undefined : 'SSH directory';
  if (/(?:^|\/)\.aws(?:\/|$)/.test(d)) return /(?:^|\/)\.aws\/config$/.test(d) ? undefined : 'cloud credentials';
  if (/(?:^|\/)\.kube\/config$/.test(d)) return 'cluster credentials';
  // A host key copied under its name (`COPY keys/rsa /etc/ssh/ssh_host_rsa_key`).
  if (/(?:^|\/)etc\/ssh\/ssh_host_[^/]*_key$/.test(d)) return 'private key';
  if (/(?:^|\/)\.docker\/config\.json$/.test(d)) return 'registry credentials';
  if (/(?:^|\/)(?:\.pgpass|\.vault-token|\.netrc|\.git-credentials|\.my\.cnf|\.s3cfg)$/.test(d)) return 'login credentials';
  if (/(?:^|\/)containers\/auth\.json$/.test(d)) return 'registry credentials';
  if (/(?:^|\/)(?:\.kube\/config|etc\/kubernetes\/admin\.conf)$/.test(d)) return 'cluster credentials';
  return undefined;
}

/** The sources of a COPY/ADD as written (JSON strings or words), with the destination last; null for heredoc copies. */
function operands(ctx: DockerfileContext, ins: Instruction): { value: string; span: Span; range: Range }[] | null {
  const json = (ins as JSONInstruction).getJSONStrings?.() ?? [];
  if (json.length > 0) {
    return json.map((s) => {
      const r = s.getRange();
      return { value: ctx.jsonStringValue(s), span: { start: ctx.offsetAt(r.start), end: ctx.offsetAt(r.end) }, range: r };
    });
  }
  const args = ins.getArguments();
  if (args.some((a) => a.getValue().startsWith('<<'))) return null;
  return args.map((a) => {
    const r = a.getRange();
    return { value: a.getValue(), span: { start: ctx.offsetAt(r.start), end: ctx.offsetAt(r.end) }, range: r };
  });
}

/** A copied file judged by its content: its format, and the glob that names it (`.npmrc*`), or null for the name itself. */
interface ContentJudged {
  format: CredentialFileFormat;
  /** The source's path inside the build context (no leading `./` or `/`). */
  rel: string;
  glob: RegExp | null;
}

/** Whether a source (or a glob) names a file judged by its content: `.npmrc`, `.yarnrc.yml`, `.pypirc`, `pip.conf`, `.netrc` (`.npmrc*`, `*.npmrc` too), or a file copied to `~/.netrc` or a `pip.conf`. */
function contentJudged(source: string, dest: string): ContentJudged | undefined {
  // Inside the build context, `..` clamped at its root as BuildKit does (review 46a, item 2).
  const rel = contextRelative(source);
  if (rel === '' || rel.endsWith('/')) return undefined;
  const base = rel.split('/').pop() ?? '';
  const exact = credentialFileFormat(base);
  if (exact) return { format: exact, rel, glob: null };
  let glob: RegExp | null = null;
  if (/[*?[]/.test(base)) {
    glob = globRegExp(base);
    if (!glob) return undefined;
    const re = glob;
    // The glob's literal part holds the name's word: `.npmrc*`, `*.npmrc`, not `*` or `.*` (whole-context copies: DR003's).
    const literal = base.replace(/\[[^\]]*\]|[*?]/g, '');
    const named = FORMAT_NAMES.find((f) => literal.includes(f.word) && f.names.some((n) => re.test(n)));
    if (named) return { format: named.format, rel, glob };
  }
  // Copied under another name to where a tool reads it (`COPY ci/netrc /root/.netrc`, `COPY ci/npmrc /root/.npmrc`,
  // `COPY config/yarnrc.yml /app/.yarnrc.yml`, `COPY pip.conf.ci /etc/pip.conf`): read in the destination's format (df020cs, item 2).
  // A destination that ends with `/` is a folder: the file keeps its own name there.
  const d = dest.replace(/\\/g, '/');
  const destFormat = d.endsWith('/') ? undefined : credentialFileFormat(d.split('/').pop() ?? '');
  if (destFormat) return { format: destFormat, rel, glob };
  // The AWS config file, copied to `~/.aws/config` or to where AWS_CONFIG_FILE points: credentials only when it holds some
  // (a source named as a secret, `.aws/config`, keeps its own judgement; review 45b, item 2).
  if (/(?:^|\/)\.aws\/config$/.test(d) && !secretKindOf(rel)) return { format: 'awsconfig', rel, glob };
  return undefined;
}

/**
 * Variables that name a credential file a tool reads (Trivy DS-0031's `secret_file_envs`, and more): a COPY whose destination
 * is one of them (`COPY ci/creds $AWS_SHARED_CREDENTIALS_FILE`, whatever its value), or an ENV that points one of them at the
 * file a COPY puts in the image (`ENV GOOGLE_APPLICATION_CREDENTIALS=/app/sa.json`), copies a credential file (review 45b, item 2).
 * AWS_CONFIG_FILE's file is judged by its content (awsconfig): a config file often holds only profiles and regions.
 */
const CREDENTIAL_FILE_VARS: Readonly<Record<string, SecretKind>> = {
  GOOGLE_APPLICATION_CREDENTIALS: 'cloud credentials',
  AWS_SHARED_CREDENTIALS_FILE: 'cloud credentials',
  AWS_CONFIG_FILE: 'cloud credentials',
  HF_TOKEN_PATH: 'login credentials',
  KUBECONFIG: 'cluster credentials',
};

/** The credential-file variable a destination is written as, alone (`$AWS_CONFIG_FILE`, `"${GOOGLE_APPLICATION_CREDENTIALS}"`), or undefined. */
function credentialFileVar(dest: string): string | undefined {
  const m = /^"?\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))"?$/.exec(dest);
  const name = m ? (m[1] ?? m[2]) : undefined;
  return name !== undefined && Object.hasOwn(CREDENTIAL_FILE_VARS, name) ? name : undefined;
}

/** A path made absolute against a working directory (which may itself be unknown: `<workdir>`), `.` and `..` read. */
function absoluteIn(workdir: string, p: string): string {
  const joined = p.startsWith('/') ? p : `${workdir}/${p}`;
  return path.posix.normalize(joined).replace(/\/+$/, '') || '/';
}

/** Where a stage's working directory is unknown (set by the base image): relative paths are compared under this stand-in. */
const UNKNOWN_WORKDIR = '/<workdir>';

/**
 * The files the stage's ENV points a credential-file variable at (CREDENTIAL_FILE_VARS), as absolute paths: the value the
 * image ends with (an ENV of the stage, or of a stage it builds on), resolved through its ARG/ENV values; a relative value
 * is taken from the stage's last WORKDIR (where the container starts). Unknown values are left out.
 */
function credentialFileTargets(ctx: DockerfileContext, stage: Stage): Map<string, string> {
  const scope = new VariableScope(ctx, stage);
  let workdir = UNKNOWN_WORKDIR;
  const values = new Map<string, string | null>();
  for (const s of [...stageChain(stage)].reverse()) {
    const local = s === stage ? scope : new VariableScope(ctx, s);
    for (const ins of s.instructions) {
      local.apply(ins);
      if (ins.getKeyword() === 'WORKDIR') workdir = workdirAfter(local, workdir, ins);
      if (ins.getKeyword() !== 'ENV') continue;
      for (const p of propertiesOf(ins)) if (Object.hasOwn(CREDENTIAL_FILE_VARS, p.getName())) values.set(p.getName(), local.lookup(p.getName()));
    }
  }
  const out = new Map<string, string>();
  for (const [name, v] of values) {
    const value = v?.trim().replace(/^(["'])(.*)\1$/, '$2');
    if (value && !value.includes('$')) out.set(absoluteIn(workdir, value), name);
  }
  return out;
}

/** Text holding one of the CREDENTIAL_FILE_VARS names: an ENV without it sets none of them (mayHoldPropertyText). */
const CREDENTIAL_FILE_VAR_TEXT = new RegExp(Object.keys(CREDENTIAL_FILE_VARS).join('|'));

/**
 * Whether a stage's ENV (or that of a stage it builds on) sets a credential-file variable: else credentialFileTargets has none.
 * An ENV whose text holds no such name is passed over without reading its properties (most ENVs: their first reading is
 * most of what this costs).
 */
function envNamesCredentialFile(ctx: DockerfileContext, stage: Stage): boolean {
  return stageChain(stage).some((s) =>
    s.instructions.some((ins) => ins.getKeyword() === 'ENV' && mayHoldPropertyText(ctx, ins, CREDENTIAL_FILE_VAR_TEXT) && propertiesOf(ins).some((p) => Object.hasOwn(CREDENTIAL_FILE_VARS, p.getName()))),
  );
}

/** The working directory after a WORKDIR (relative ones join the one before; an unresolvable one is unknown). */
function workdirAfter(scope: Pick<VariableScope, 'resolve'>, before: string, ins: Instruction): string {
  const arg = ins.getArguments()[0]?.getValue();
  const resolved = arg === undefined ? null : scope.resolve(arg);
  if (resolved === null) return UNKNOWN_WORKDIR;
  return absoluteIn(before, resolved);
}

/** Where a source stands in one folder taken as the build context: whether a file there matches it, and whether the ignore file leaves it out. */
interface IgnoredIn {
  present: boolean;
  excluded: boolean;
}

/**
 * Whether the context's ignore file leaves a source out: a name it excludes (present or not: one written later is
 * excluded too), a glob whose every match there it excludes (a glob that matches nothing there is not known to be).
 */
function ignoredIn(ctx: DockerfileContext, dir: string, rel: string): IgnoredIn {
  const ws = ctx.workspace;
  const ignore = dockerignoreFor(ws, ctx.path, dir);
  const patterns = ignore.text === undefined ? undefined : parseDockerignore(ignore.text);
  const base = path.posix.basename(rel);
  if (!/[*?[]/.test(base)) return { present: ws.exists(path.join(dir, rel)), excluded: patterns !== undefined && isExcluded(patterns, rel) };
  const relDir = path.posix.dirname(rel);
  const re = globRegExp(base);
  const listed = /[*?[]/.test(relDir) || !re ? undefined : ws.listDir?.(path.join(dir, relDir));
  const matches = (listed ?? []).filter((n) => re!.test(n)).map((n) => (relDir === '.' ? n : `${relDir}/${n}`));
  return { present: matches.length > 0, excluded: patterns !== undefined && matches.length > 0 && matches.every((f) => isExcluded(patterns, f)) };
}

/**
 * Whether the build context leaves out a source judged by its name (`.env`, `id_rsa`, `*.pem`, `ssh_keys/`): its
 * ignore file excludes it, so the copy takes nothing (a glob) or fails with "not found" (a name), as Docker's
 * CopyIgnoredFile check says. Compose contexts are each a build: every one must exclude it. Guessed contexts: the
 * first folder that has it, else the Dockerfile's own. Unknown contexts (an ONBUILD trigger's, an unresolvable compose
 * context): not known to be excluded.
 */
function ignoredByContext(ctx: DockerfileContext, source: string, contexts: Contexts): boolean {
  const rel = contextRelative(source).replace(/\/+$/, '');
  if (rel === '' || rel === '.' || contexts.unknown || contexts.dirs.length === 0) return false;
  const results = contexts.dirs.map((dir) => ignoredIn(ctx, dir, rel));
  if (contexts.every) return results.every((r) => r.excluded);
  return (results.find((r) => r.present) ?? results[0]).excluded;
}

/** What a file judged by content is in one folder taken as the build context. */
type InContext = { credential: string } | 'clean' | 'not-copied' | 'unknown' | 'absent';

function judgeIn(ctx: DockerfileContext, dir: string, judged: ContentJudged): InContext {
  const ws = ctx.workspace;
  const ignore = dockerignoreFor(ws, ctx.path, dir);
  const ignoreUnknown = ignore.text === undefined && ws.exists(ignore.path);
  const patterns = ignore.text === undefined ? [] : parseDockerignore(ignore.text);
  const relDir = path.posix.dirname(judged.rel);
  if (/[*?[]/.test(relDir)) return 'unknown';
  let files: string[];
  if (judged.glob) {
    const re = judged.glob;
    const listed = ws.listDir?.(path.join(dir, relDir));
    if (listed === undefined) return 'absent';
    files = listed.filter((n) => re.test(n)).map((n) => (relDir === '.' ? n : `${relDir}/${n}`)).filter((f) => ws.listDir?.(path.join(dir, f)) === undefined);
  } else files = ws.exists(path.join(dir, judged.rel)) ? [judged.rel] : [];
  if (files.length === 0) return 'absent';
  let unknown = false;
  let copied = false;
  for (const f of files) {
    // A file the ignore file leaves out is not sent to the builder: a glob does not copy it, a name fails with "not found".
    if (!ignoreUnknown && isExcluded(patterns, f)) continue;
    copied = true;
    const text = ignoreUnknown ? undefined : ws.readText(path.join(dir, f));
    if (text === undefined) {
      unknown = true;
      continue;
    }
    // A glob's files are each read in their own name's format when it has one (`.yarnrc*`: `.yarnrc` is Yarn 1's, `.yarnrc.yml` Berry's).
    const format = judged.glob ? (credentialFileFormat(path.posix.basename(f)) ?? judged.format) : judged.format;
    const credential = credentialIn(format, text);
    if (credential) return { credential };
  }
  return unknown ? 'unknown' : copied ? 'clean' : 'not-copied';
}

/**
 * The credential a copied `.npmrc`/`.yarnrc.yml`/`.pypirc`/`pip.conf`/`.netrc` holds in the build context (its setting's name), null when
 * its content is not known there, or false when it holds none (or is not copied: the ignore file leaves it out).
 * Compose contexts are each a build: a credential in one is reported; guessed contexts take the first folder
 * that has the file.
 */
function judgeContent(ctx: DockerfileContext, judged: ContentJudged, contexts: Contexts): string | null | false {
  const results = contexts.dirs.map((dir) => judgeIn(ctx, dir, judged));
  const credential = results.find((r): r is { credential: string } => typeof r === 'object');
  if (credential) return credential.credential;
  if (contexts.every) return contexts.unknown || results.length === 0 || results.some((r) => r === 'unknown' || r === 'absent') ? null : false;
  const first = results.find((r) => r !== 'absent');
  return first === 'clean' || first === 'not-copied' ? false : null;
}

/**
 * The credential a file written by a COPY here-document holds (review 56c, L2): the body is in the Dockerfile, so it is read
 * as the build context's copy would be (`COPY .npmrc /root/`): a file judged by its content (`.npmrc`, `.yarnrc`, `.yarnrc.yml`,
 * `.pypirc`, `pip.conf`, `.netrc`, `~/.aws/config`) by credentialIn; `.git-credentials` by a URL with a literal password or
 * a token as its user; Docker's `config.json` and podman's `auth.json` by a literal `auth`/`identitytoken`/`registrytoken`;
 * a private key by its PEM header. Its kind and the setting's name (never a value), or undefined.
 */
function heredocCredential(file: string, body: string): { kind: SecretKind; holds: string } | undefined {
  const base = path.posix.basename(file);
  const format = credentialFileFormat(base) ?? (/(?:^|\/)\.aws\/config$/.test(file) ? 'awsconfig' : undefined);
  if (format) {
    const holds = credentialIn(format, body);
    return holds ? { kind: format === 'netrc' ? 'login credentials' : format === 'awsconfig' ? 'cloud credentials' : 'registry credentials', holds } : undefined;
  }
  if (base === '.git-credentials') {
    const literal = (c: { start: number; end: number }) => c.end > c.start && !/[$`]/.test(body.slice(c.start, c.end));
    if (urlCredentials(body).some(literal)) return { kind: 'login credentials', holds: 'a URL with a password' };
    if (urlTokenUsers(body).length > 0) return { kind: 'login credentials', holds: 'a URL with a token as its user' };
    return undefined;
  }
  if (/(?:^|\/)(?:\.docker\/config\.json|containers\/auth\.json)$/.test(file)) {
    const m = /"(auth|identitytoken|registrytoken)"\s*:\s*"([^"$]+)"/.exec(body);
    return m ? { kind: 'registry credentials', holds: m[1] } : undefined;
  }
  if (/-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/.test(body)) return { kind: 'private key', holds: 'a PEM private key' };
  return undefined;
}

/** The files a COPY here-document writes (`COPY <<EOF /root/.npmrc`, `COPY <<.npmrc <<.netrc /root/`) that hold a credential. */
function heredocCopies(ctx: DockerfileContext, ins: Instruction, resolve: (text: string) => string | null, out: Detection<Data>[]): void {
  const heredocs = (ins as Instruction & { getHeredocs?: () => Heredoc[] }).getHeredocs?.() ?? [];
  if (heredocs.length === 0) return;
  // The instruction's own words end where the first body starts (the parser gives the bodies' words as arguments too).
  const first = heredocs[0].getContentRange() ?? heredocs[0].getDelimiterRange();
  const bodyStart = first ? ctx.offsetAt(first.start) : Infinity;
  const own = ins.getArguments().filter((a) => ctx.offsetAt(a.getRange().start) < bodyStart);
  const last = own[own.length - 1]?.getValue();
  if (last === undefined || last.startsWith('<<')) return;
  const dest = resolve(last) ?? last;
  for (const h of heredocs) {
    const content = h.getContentRange();
    if (!content) continue;
    // One here-document to a file's path writes that file; several, or a folder (`/root/`), write files named after them.
    const file = heredocs.length === 1 && !dest.endsWith('/') ? dest : `${dest.replace(/\/+$/, '')}/${h.getName()}`;
    const found = heredocCredential(file, ctx.text.slice(ctx.offsetAt(content.start), ctx.offsetAt(content.end)));
    if (found) out.push({ range: h.getStartRange(), data: { instruction: 'COPY', source: file, kind: found.kind, removal: null, holds: found.holds, heredoc: true } });
  }
}

export default defineRule<'dockerfile', Data>({
  code: 'DF021',
  name: 'secret-file-copied',
  kind: 'dockerfile',
  severity: 'error',
  fixable: 'sometimes',
  docs: {
    summary: 'COPY or ADD puts a secret file of the build context (`.env`, a private key, a credentials file…) in the image.',
    what: 'Flags COPY and ADD instructions that copy a secret file from the build context into an image layer: `.env` and `.env.<name>` (not `.env.example`/`.sample`/`.template`/`.dist`), private keys (`id_rsa`, `id_ed25519`, `deploy_id_rsa`… but not `*.pub`; files in `.ssh/`; OpenSSH host keys, `ssh_host_rsa_key`, `ssh_host_ecdsa_key`, `ssh_host_ed25519_key`, the glob `ssh_host_*_key` or `ssh_host_*` and a file copied to `/etc/ssh/ssh_host_*_key`, which sshd(8) lists under FILES as "the private parts of the host keys", readable only by root — anyone who pulls the image can impersonate the server —, but not `ssh_host_*.pub`; `*.pem` and `*.key` unless the name says certificate, public/signing key or Diffie-Hellman parameters and does not say key or private (`ca-key.pem` is a CA\'s private key) — `cert.pem`, `ca-bundle.pem`, `intermediate.pem`, `repo-signing.key`, `dhparam.pem`, `dh2048.pem`, `ffdhe2048.pem`), key stores (`*.p12`, `*.pfx`), `.npmrc`, `.yarnrc`, `.yarnrc.yml`, `.pypirc`, `pip.conf`/`pip.ini`, `.netrc` (by their content, see below), `.git-credentials`, `.pgpass`, `.vault-token`, `.my.cnf`, `.s3cfg`, Docker\'s `.docker/config.json` and `.dockercfg`, podman\'s `containers/auth.json`, kubeadm\'s `/etc/kubernetes/admin.conf`, kubeconfigs (`kubeconfig`, `*.kubeconfig`, `.kube/config`), and the `.aws/` and `.ssh/` directories — as a source, or as the destination of a source that is not a public key, `known_hosts` or `config` (`COPY ssh_keys/ /root/.ssh/`, `COPY kubeconfig /root/.kube/config`, `COPY docker-config.json /root/.docker/config.json`). The destination is read after ARG/ENV substitution, as COPY expands it (`ENV AWS_SHARED_CREDENTIALS_FILE=/root/.aws/credentials` then `COPY ci/creds $AWS_SHARED_CREDENTIALS_FILE`, `ARG KC=/root/.kube/config` then `COPY ci/kc ${KC}`). A file copied to where a credential-file variable points is a credential file too — `GOOGLE_APPLICATION_CREDENTIALS` (a Google Cloud service-account key), `AWS_SHARED_CREDENTIALS_FILE`, `AWS_CONFIG_FILE`, `HF_TOKEN_PATH` (a Hugging Face token) or `KUBECONFIG`: a destination written as the variable alone (`COPY key.json $GOOGLE_APPLICATION_CREDENTIALS`, whatever its value, also one the base image sets), or a destination that an ENV of the stage (or of a stage it builds on; the value the image ends with, resolved through ARG/ENV, a relative one from the stage\'s last WORKDIR) points the variable at (`COPY sa.json /app/sa.json` with `ENV GOOGLE_APPLICATION_CREDENTIALS=/app/sa.json`, also `COPY sa.json /app/`); a folder copied whole with that file inside it (`COPY keys/ /srv/keys/` with `ENV GOOGLE_APPLICATION_CREDENTIALS=/srv/keys/gcp.json`) only when the build context holds the file and its ignore file does not leave it out (the file may as well be mounted there at run time, on a volume such as linuxserver\'s `/config`), and without a fix (the folder\'s other files are needed). The AWS config file (`AWS_CONFIG_FILE`\'s, or a file copied to `~/.aws/config` under another name) is judged by its content, as below: it usually holds profiles and regions only, and counts when it holds `aws_secret_access_key` or `aws_session_token`. Globs count when they name such files (`*.pem`, `.env*`, `.npmrc*`). A file the build context\'s ignore file leaves out is not sent to the builder and is not reported (a glob then copies nothing, a name fails with "not found", as Docker\'s CopyIgnoredFile build check says): the ignore file is `<Dockerfile>.dockerignore` beside the Dockerfile, else `.dockerignore` at the context\'s root, matched as BuildKit matches it; a name counts as left out when a line excludes it, a glob when every file it matches there is excluded (one that matches nothing there is reported); the context is each context of the compose services that build the Dockerfile (every one must leave it out), else the Dockerfile\'s folder or the first folder above it (up to four, not past the repository root) that has the file (the Dockerfile\'s folder when none has it); an ONBUILD trigger\'s copy (a child image\'s context) is always reported. `.npmrc`, `.yarnrc`, `.yarnrc.yml`, `.pypirc`, `pip.conf`/`pip.ini` and `.netrc` (also `_netrc`) are judged by their content — also a file copied under another name to a destination with one of these names, read in the destination\'s format (`COPY ci/npmrc /root/.npmrc`, `COPY config/yarnrc.yml /app/.yarnrc.yml`, `COPY ci/netrc /root/.netrc`, `COPY pip.conf.ci /etc/pip.conf`; a destination that ends with `/` is a folder, where the file keeps its own name) — since most hold settings only (`audit = false`, a registry URL): each is read in the build context — the contexts of the compose services that build the Dockerfile, each of them; else the Dockerfile\'s folder or the first folder above it (up to four, not past the repository root) that has the file — and reported as an error only when it holds a credential: in `.npmrc` (npm\'s "Auth related configuration", which pnpm reads too) `_auth`, `_authToken` or `_password`, scoped to a registry (`//npm.pkg.github.com/:_authToken=…`) or not, an inline client `key`, or a URL with a password (`registry=https://user:pass@…`); in Yarn 1\'s `.yarnrc` (`key "value"` lines, as `yarn config set` writes them; a line written with `=` too) npm\'s auth keys written into it, `_authToken`, `_auth` or `_password`, scoped to a registry (`"//registry.npmjs.org/:_authToken" "…"`) or not (a token written there is in the file whether or not Yarn sends it), or a URL with a password in a value (`always-auth true`, `registry`, `email`, `username` are settings); in Yarn Berry\'s `.yarnrc.yml` `npmAuthToken` or `npmAuthIdent`, at the top level, under a scope (`npmScopes.<name>`) or a registry (`npmRegistries.<url>`), or a URL with a password in any value; in `.pypirc` a `password`; in `pip.conf`/`pip.ini` an index URL with a password (`index-url`, `extra-index-url` and its continuation lines, any setting); in `.netrc` a `password` or `account` token. The message names the setting, never its value. No credential: a value that is only references to environment variables (`_authToken=${NPM_TOKEN}`, `npmAuthToken: ${NPM_TOKEN}`, which npm, pnpm and Yarn replace when they read the file; a fallback, `${NPM_TOKEN:-…}` or `${NPM_TOKEN-…}`, is judged as the value it gives: the image keeps the instruction to read NPM_TOKEN, not the token — the token itself must then come as a build secret, not an ARG or ENV, which DF020 reports), an empty value, a stand-in (`<token>`, `YOUR_TOKEN_HERE`, `npm_xxxx…`), and `certfile`/`keyfile`, which name files (a copied key file is judged by its own name). When the file is not in the workspace (a CI step writes it before the build), cannot be read, or is copied by an ONBUILD trigger (a child image\'s context), its content is not known: reported as a warning that it may hold credentials. A glob that names one of them (`.npmrc*`, `*.npmrc`, `.yarnrc*`, `.pypirc*`, `pip.*`: its literal part holds the name) is judged on every file it matches there (`.npmrc.ci` too; each in its own name\'s format when it has one, so `.yarnrc*` reads `.yarnrc` as Yarn 1\'s and `.yarnrc.yml` as Berry\'s), and as unknown when it matches none; `*` and `.*` do not name them (whole-context copies are DR003\'s). Every stage is judged, ONBUILD triggers too: a builder stage\'s layers stay in the build cache and are pushed with `--cache-to … mode=max` or built with `--target`. A file a COPY here-document writes (`COPY <<EOF /root/.npmrc`; several, or one into a folder, `COPY <<.npmrc /root/`, are named after their delimiters) is judged by its body, which the Dockerfile holds: the formats above by the same reading (a `${…}` reference is none), `.git-credentials` by a URL with a literal password or a token as its user, Docker\'s `.docker/config.json` and podman\'s `containers/auth.json` by a literal `auth`, `identitytoken` or `registrytoken`, any file by a PEM private key\'s header; reported with no fix (review 56c). `COPY --from=…` (not the build context) and URL sources are not judged; a source from an unresolvable variable is unknown. The message names the file, never its content.',
    why: 'A file copied into a layer stays in the image for good: a later `RUN rm` only hides it in a newer layer, and anyone who can pull the image (or read the build cache) extracts it with `docker save`. SECURITY-GUIDELINES.md §5: "DO NOT commit secrets" — `git add .env  # Never commit actual .env` — an image is a published artifact just like a commit; "Use environment variables or secrets management".',
    bad: 'FROM node:24-slim\nCOPY .env package.json ./\nCOPY id_rsa /root/.ssh/id_rsa\nRUN git clone git@github.com:acme/private.git',
    good: 'FROM node:24-slim\nCOPY package.json ./\nRUN --mount=type=ssh git clone git@github.com:acme/private.git\n# .env is provided at run time (compose env_file / environment), keys through build secrets',
    fix: '"Stop copying <file>" removes that source from the instruction (the whole instruction when it is its only source), keeping the other sources, the JSON form and the continuation lines. Not safe: the build or the application may read the file — provide it through `RUN --mount=type=secret,id=…` (build time), `RUN --mount=type=ssh` (SSH keys) or the container\'s environment/secrets (run time). Not offered for sources written through variables or when a comment lies in the way. An `.npmrc` the build needs can stay with its token as a reference, passed as a build secret: `//registry.npmjs.org/:_authToken=${NPM_TOKEN}` and `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN pnpm install`.',
    guideline: '§5 Secrets Management — "DO NOT commit secrets to version control", "Use environment variables or secrets management"; checklist "Secrets not in version control"',
    equivalents: ['Trivy DS-0031 (secrets passed via build-args or envs or copied secret files; final stage only: a two-argument COPY whose destination is written `$AWS_CONFIG_FILE`, `$GOOGLE_APPLICATION_CREDENTIALS` or `$HF_TOKEN_PATH`, whatever the file, and an ENV or ARG that sets one of these to a path under any COPY\'s destination, compared as written, so `./app/key.json` counts under `COPY /src /app/`. DF021 matches those destinations in every stage (and `AWS_SHARED_CREDENTIALS_FILE`, `KUBECONFIG`), resolves ARG/ENV in destinations, takes a relative ENV path from the WORKDIR, judges an AWS config file by its content, and reports a folder copy only when the build context holds the file; Trivy\'s check does not judge a copied file by its name or content, which DF021 does)', 'gitleaks (npm-access-token, pypi-upload-token) reads `.npmrc` and `.pypirc` contents in the repository, not what the Dockerfile copies', 'KICS and Checkov: no Dockerfile check for copied secret files (their secret scanners read file contents)', 'BuildKit: no build check (see the build secrets guide)'],
    references: [
      'https://docs.docker.com/build/building/secrets/',
      'https://docs.docker.com/reference/dockerfile/#copy',
      'https://docs.docker.com/reference/dockerfile/#run---mounttypessh',
      'https://docs.docker.com/build/concepts/context/#dockerignore-files',
      'https://github.com/aquasecurity/trivy-checks/blob/main/checks/docker/leaked_secrets.rego',
      'https://docs.npmjs.com/cli/configuring-npm/npmrc#auth-related-configuration',
      'https://packaging.python.org/en/latest/specifications/pypirc/',
      'https://yarnpkg.com/configuration/yarnrc',
      'https://classic.yarnpkg.com/en/docs/yarnrc',
      'https://pip.pypa.io/en/stable/topics/configuration/',
      'https://docs.docker.com/reference/build-checks/copy-ignored-file/',
      'https://man7.org/linux/man-pages/man8/sshd.8.html#FILES',
    ],
  },
  check(ctx) {
    const out: Detection<Data>[] = [];
    let contexts: Contexts | undefined;
    for (const stage of ctx.stages) {
      // The stage's ARG/ENV values, applied in order up to the instruction `upTo` (its index), made only when a text to
      // resolve holds a `$`: VariableScope.resolve gives a text without one back as it is, and most sources and destinations have none.
      let scope: VariableScope | undefined;
      let applied = 0;
      const resolve = (text: string, upTo: number): string | null => {
        if (!text.includes('$')) return text;
        scope ??= new VariableScope(ctx, stage);
        while (applied <= upTo) scope.apply(stage.instructions[applied++]);
        return scope.resolve(text);
      };
      // The files the stage's ENV names as credential files (GOOGLE_APPLICATION_CREDENTIALS…), computed when a COPY needs them.
      let targets: Map<string, string> | undefined;
      let workdir = UNKNOWN_WORKDIR;
      // Where a COPY puts a file (its absolute destination, from the WORKDIR) is asked only of the credential files the ENV names.
      const namesFiles = envNamesCredentialFile(ctx, stage);
      for (const s of namesFiles ? stageChain(stage).slice(1).reverse() : []) {
        const parent = new VariableScope(ctx, s);
        for (const w of s.instructions) {
          parent.apply(w);
          if (w.getKeyword() === 'WORKDIR') workdir = workdirAfter(parent, workdir, w);
        }
      }
      for (let k = 0; k < stage.instructions.length; k++) {
        const outer = stage.instructions[k];
        const ins = outer.getKeyword() === 'ONBUILD' ? (outer as Onbuild).getTriggerInstruction() : outer;
        // The WORKDIR's own path, with what the instructions before it declare.
        if (namesFiles && outer.getKeyword() === 'WORKDIR') workdir = workdirAfter({ resolve: (text) => resolve(text, k - 1) }, workdir, outer);
        if (!ins) continue;
        const kw = ins.getKeyword();
        if (kw !== 'COPY' && kw !== 'ADD') continue;
        const flags = (ins as ModifiableInstruction).getFlags?.() ?? [];
        if (flags.some((f) => f.getName() === 'from')) continue;
        const ops = operands(ctx, ins);
        // A here-document's body is in the Dockerfile: read as the build context's file would be (review 56c, L2).
        if (ops === null && kw === 'COPY') heredocCopies(ctx, ins, (text) => (outer === ins ? resolve(text, k) : text.includes('$') ? null : text), out);
        if (!ops || ops.length < 2) continue;
        const sources = ops.length - 1;
        const onbuild = outer !== ins;
        // The destination after ARG/ENV substitution, as COPY expands it ("Environment replacement"); as written when unknown.
        const destWritten = ops[sources].value;
        const destVar = credentialFileVar(destWritten);
        const dest = (onbuild ? (destWritten.includes('$') ? null : destWritten) : resolve(destWritten, k)) ?? destWritten;
        const destIsDir = dest.endsWith('/') || sources > 1;
        const destAbs = !namesFiles || dest.includes('$') ? null : absoluteIn(workdir, dest);
        for (let i = 0; i < sources; i++) {
          const written = ops[i].value;
          if (/^[a-z][a-z0-9+.-]*:\/\//i.test(written) || written.startsWith('git@')) continue;
          const resolved = outer === ins ? resolve(written, k) : written.includes('$') ? null : written;
          if (resolved === null) continue;
          // A file copied to where a credential-file variable points: the destination written as it, or an ENV of the stage naming it.
          let via = destVar;
          if (via === undefined && destAbs !== null && !onbuild) {
            targets ??= credentialFileTargets(ctx, stage);
            const file = destIsDir ? `${destAbs}/${path.posix.basename(resolved.replace(/\/+$/, ''))}` : destAbs;
            via = targets.get(file);
          }
          if (via === undefined && destAbs !== null && !onbuild && !/[*?[]/.test(resolved)) {
            // A folder copied whole with the file inside it: reported when the build context holds that file and sends it (the
            // file may as well be mounted there at run time: `/config` of a volume), an AWS config file only when it holds credentials.
            const inside = [...targets!].find(([file]) => file.startsWith(`${destAbs === '/' ? '' : destAbs}/`));
            if (inside) {
              const within = inside[0].slice(destAbs === '/' ? 1 : destAbs.length + 1);
              const rel = path.posix.join(contextRelative(resolved) || '.', within);
              const where = (contexts ??= contextCandidates(ctx));
              const present = !where.unknown && where.dirs.some((dir) => {
                const r = ignoredIn(ctx, dir, rel);
                return r.present && !r.excluded;
              });
              const holds = present && inside[1] === 'AWS_CONFIG_FILE' ? judgeContent(ctx, { format: 'awsconfig', rel, glob: null }, where) : undefined;
              if (present) {
                if (holds === undefined || typeof holds === 'string') out.push({ range: ops[i].range, data: { instruction: kw, source: written, kind: CREDENTIAL_FILE_VARS[inside[1]], removal: null, via: inside[1], within, ...(holds !== undefined ? { holds } : {}) } });
                continue;
              }
              // No folder that holds the file (a file copied beside it, `COPY .npmrc .netrc sa.json /root/`): judged as any
              // other source below, by its own name and content; it was skipped, and the .npmrc and .netrc went unreported (review 56c).
            }
          }
          const judged = via === 'AWS_CONFIG_FILE' ? (contentJudged(resolved, '/.aws/config') ?? contentJudged(resolved, dest)) : contentJudged(resolved, dest);
          const kind = judged ? (judged.format === 'netrc' ? 'login credentials' : judged.format === 'awsconfig' ? 'cloud credentials' : 'registry credentials') : (secretKindOf(resolved) ?? intoCredentialDir(resolved, dest) ?? (via !== undefined ? CREDENTIAL_FILE_VARS[via] : undefined));
          if (!kind) continue;
          const where = onbuild ? CHILD_CONTEXT : (contexts ??= contextCandidates(ctx));
          // A file whose content decides: read where the build context may be (an ONBUILD trigger's is a child image's).
          const holds = judged ? judgeContent(ctx, judged, where) : undefined;
          if (holds === false) continue;
          // A file judged by its name that the context's ignore file leaves out is not copied (review 43c, notes).
          if (!judged && ignoredByContext(ctx, resolved, where)) continue;
          const removal = written.includes('$') ? null : sources === 1 ? deleteInstructionEdit(ctx, ins).range : (deleteListItemsEdit(ctx, ops.map((o) => o.span), i)?.range ?? null);
          out.push({ range: ops[i].range, ...(holds === null ? { severity: 'warning' as const } : {}), data: { instruction: kw, source: written, kind, removal, ...(holds !== undefined ? { holds } : {}), ...(holds === null && onbuild ? { onbuild: true as const } : {}), ...(via !== undefined ? { via } : {}) } });
        }
      }
    }
    return out;
  },
  message(d) {
    if (d.within !== undefined) {
      return `${d.instruction} puts '${d.source}' into an image layer, and with it '${d.within}', the file ${d.via} names (${d.kind}${d.holds ? `: ${d.holds}` : ''}): anyone with the image can read it even if a later step deletes it; leave it out (.dockerignore) and mount it at run time instead.`;
    }
    if (d.holds === null) return `${d.instruction} puts '${d.source}' into an image layer, and its content is not known here (${d.onbuild ? 'an ONBUILD trigger copies it from the build context of an image built on this one' : 'not found in the build context, or unreadable'}): it may hold ${d.kind}, which anyone with the image could read even if a later step deletes it; make sure it holds none, or pass it as a build secret.`;
    if (d.heredoc) return `${d.instruction} writes '${d.source}' from a here-document (${d.kind}: ${d.holds}) into an image layer, and the Dockerfile holds it too: anyone with the image or the repository can read it; pass it as a build secret (RUN --mount=type=secret) instead.`;
    if (d.holds) return `${d.instruction} puts '${d.source}' (${d.kind}: ${d.holds}) into an image layer, where anyone with the image can read it even if a later step deletes it; pass it as a build secret or at run time instead.`;
    if (d.via) return `${d.instruction} puts '${d.source}' (${d.kind}: the file ${d.via} names) into an image layer, where anyone with the image can read it even if a later step deletes it; pass it as a build secret or mount it at run time instead.`;
    return `${d.instruction} puts '${d.source}' (${d.kind}) into an image layer, where anyone with the image can read it even if a later step deletes it; pass it as a build secret or at run time instead.`;
  },
  fix(ctx, { data }) {
    if (!data.removal) return undefined;
    return { title: `Stop copying ${data.source} into the image`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: data.removal, newText: '' }] }] };
  },
});
