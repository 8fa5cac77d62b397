import * as path from 'node:path';
import type { Instruction } from 'dockerfile-ast';
import { argWords, copySourceOnlyStages, flagNamed, flagsOf, unquote } from '../engine/df-instructions';
import type { DockerfileContext, Stage } from '../engine/dockerfile';
import { dockerignoreFor, isExcluded, matchEntry, MAX_CONTEXT_ENTRIES, mayReincludeBelow, parseDockerignore, type DockerignorePattern, type EntryMatch } from '../engine/dockerignore';
import { isDotenvName } from '../engine/env-files';
import { credentialFileFormat, credentialIn } from '../engine/credential-files';
import { DOCKERFILE_NAME } from '../engine/file-names';
import { buildTargetName, composeFilesAround, otherComposeNames, parsedCompose, parsedDockerfile, servicesBuilding, servicesBuildingIn } from '../engine/relations';
import { listingFact } from '../engine/listing';
import { hasFolder } from '../engine/repo';
import { defineRule } from '../engine/rule';
import { stageChain, stagesItCouldName } from '../engine/stage-scope';
import type { Fix, Range } from '../engine/types';
import { appendLineEdit } from '../engine/yaml-edit';

/** What the context's ignore file must leave out: a name to show, a path to test, the line the fix adds. */
interface Required {
  label: string;
  test: string;
  line: string;
  /** Only required when this path exists in the context (`.git` is there only when the context is a repository root). */
  ifExists?: string;
  /** RUN text that may use what the line excludes (after a `COPY .`, or through a bind mount): `git describe`, `source .env`. */
  usedBy: RegExp;
  /** A credential file found holding a credential (`.npmrc`). */
  credential?: true;
}

const REQUIRED: readonly Required[] = [
  { label: '.git', test: '.git/HEAD', line: '.git', ifExists: '.git', usedBy: /(?:^|[\s/"'=,])\.git\b|\bgit\s/ },
  { label: '.env', test: '.env', line: '**/.env', usedBy: /\.env(?![\w.-])/ },
  { label: '*.pem', test: 'server.pem', line: '**/*.pem', usedBy: /\.pem\b/ },
  { label: '*.key', test: 'server.key', line: '**/*.key', usedBy: /\.key\b/ },
  { label: 'id_rsa*', test: 'id_rsa', line: '**/id_rsa*', usedBy: /id_rsa/ },
];

/**
 * A `.env.<name>` env file in the build context (`.env.local`, `apps/web/.env.production`; not a template
 * such as `.env.example`): as secret as `.env`, and a `.env` line does not exclude it (review 17, probe
 * df-04). The fix adds a line for the file itself (`.env.local` anywhere) rather than `.env.*`, which
 * would take templates out too.
 */
function envVariant(name: string, relPath = name): Required {
  const escaped = name.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
  return { label: name, test: relPath, line: `**/${ignoreLineText(name)}`, usedBy: new RegExp(escaped + '(?![\\w.-])') };
}

/** A path as a .dockerignore line that matches it as written: its pattern characters escaped (review 18, probe 10). */
function ignoreLineText(p: string): string {
  return p.replace(/[[\]*?\\]/g, '\\$&');
}

/**
 * OpenSSH host private keys (`ssh_host_ed25519_key`; sshd(8) FILES: "the private parts of the host keys") found in
 * the context (review 48b, finding 3): required only when one is there, so an ignore file is not asked for a line
 * about files the project does not have. `test` is the path of one found.
 */
const HOST_KEY_NAME = /^ssh_host_[A-Za-z0-9]+_key$/;
function hostKeys(relPath = 'ssh_host_rsa_key'): Required {
  return { label: 'ssh_host_*_key', test: relPath, line: '**/ssh_host_*_key', usedBy: /ssh_host_/ };
}

/**
 * OpenSSH user private keys of the other types, under ssh-keygen's default names (`id_ed25519`, `id_ecdsa`,
 * `id_ecdsa_sk`, `id_ed25519_sk`, `id_dsa`; ssh-keygen(1) FILES), or one named after them (`id_ed25519_deploy`), not
 * `.pub`: the standard `id_rsa*` line leaves them in (review 48b follow-up). Required, one line per type, only when
 * such a key is found, as host keys are. `test` is the path of one found.
 */
const USER_KEY_NAME = /^id_(ed25519|ecdsa|dsa)(?:_sk)?(?:[._-][\w.-]*)?$/;
const USER_KEY_TYPES = ['ed25519', 'ecdsa', 'dsa'] as const;
function userKeys(type: string, relPath = `id_${type}`): Required {
  return { label: `id_${type}*`, test: relPath, line: `**/id_${type}*`, usedBy: new RegExp(`id_${type}`) };
}

/** What a line the fix adds stands for. */
function requiredOfLine(line: string): Required | undefined {
  const known = REQUIRED.find((r) => r.line === line);
  if (known) return known;
  if (line === hostKeys().line) return hostKeys();
  const type = USER_KEY_TYPES.find((t) => userKeys(t).line === line);
  if (type) return userKeys(type);
  // `**/.env.local`, or a path (`services/api/.env.production`).
  const written = line.replace(/^\*\*\//, '').replace(/\\(.)/g, '$1');
  const name = written.slice(written.lastIndexOf('/') + 1);
  if (credentialFileFormat(name)) return { ...credentialFile(name, written), line };
  return name.startsWith('.env.') ? { ...envVariant(name, written), line } : undefined;
}

/**
 * A package manager's or tool's credential file in the build context that holds a credential (`.npmrc` with an
 * `_authToken`, `.yarnrc` (Yarn 1) with one, `.yarnrc.yml` with an `npmAuthToken`, `.pypirc`, `pip.conf`/`pip.ini`, `.netrc`: review 43c,
 * leftovers): `COPY .` puts it in the image. The fix adds a line for its name in any folder, as for `.env.<name>`.
 */
function credentialFile(name: string, relPath = name): Required {
  const escaped = name.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
  return { label: name, test: relPath, line: `**/${ignoreLineText(name)}`, usedBy: new RegExp(`(?:^|[\\s/"'=,])${escaped}(?![\\w.-])`), credential: true };
}

/**
 * Files named like env files that projects commit on purpose, with no secrets in them: dotenv-vault's
 * encrypted `.env.vault` (its key stays outside), and, beside the package.json of a Next.js app (one
 * that depends on `next`), the default values of `.env.development`, `.env.production` and `.env.test`,
 * which `next build` reads (review 18, probe 09; only there: review 19, probes 07-08).
 * https://nextjs.org/docs/app/guides/environment-variables
 */
function committedByConvention(ctx: DockerfileContext, context: string, name: string, relPath: string): boolean {
  if (name === '.env.vault') return true;
  if (!/^\.env\.(?:development|production|test)$/.test(name)) return false;
  const manifest = ctx.workspace.readText(path.join(context, path.posix.dirname(relPath), 'package.json'));
  return manifest !== undefined && /"next"\s*:/.test(manifest);
}

/** Env-file walks by context and ignore text, checked against the listings they read (DiskWorkspace keeps a listing until its folder changes). */
const envWalks = new Map<string, { listings: [string, string[] | undefined][]; found: [string, string][]; credentialFiles: [string, string][]; keys: string[]; userKeyPaths: [string, string][] }>();
const MAX_ENV_WALKS = 64;

/**
 * The `.env.<name>` files of the build context, root and subfolders (`apps/web/.env.local` in a
 * monorepo built from its root: review 18, probe 08), each with its path in the context, in what the
 * ignore file does not already exclude; `.git` aside, at most MAX_CONTEXT_ENTRIES entries looked at.
 * Remembered while every folder listing it read is the same one. Then the credential files there
 * (`.npmrc`, `.yarnrc`, `.yarnrc.yml`, `.pypirc`, `pip.conf`, `pip.ini`, `.netrc`, `_netrc`) that hold a credential.
 */
function envVariantsIn(ctx: DockerfileContext, context: string, ignoreText: string | undefined, patterns: readonly DockerignorePattern[] | undefined): Required[] {
  const ws = ctx.workspace;
  if (!ws.listDir) return [];
  const key = `${context}\u0000${ignoreText ?? ''}`;
  const hit = envWalks.get(key);
  let found: [string, string][];
  let credentialFiles: [string, string][];
  let keys: string[];
  let userKeyPaths: [string, string][];
  if (hit && hit.listings.every(([dir, names]) => ws.listDir!(dir) === names)) ({ found, credentialFiles, keys, userKeyPaths } = hit);
  else {
    found = [];
    credentialFiles = [];
    keys = [];
    userKeyPaths = [];
    const listings: [string, string[] | undefined][] = [];
    const reincludes = patterns?.some((p) => p.negate) ?? false;
    let seen = 0;
    // Each entry is matched once against each pattern, with what its folder's match says of the folders above it
    // (matchEntry): isExcluded matched every entry's parent folders again, per pattern (review 45c, item 4).
    const walk = (dir: string, rel: string, parent: EntryMatch | undefined): void => {
      const names = ws.listDir!(dir);
      listings.push([dir, names]);
      if (names === undefined) return;
      for (const name of names) {
        if (++seen > MAX_CONTEXT_ENTRIES) return;
        const relPath = rel === '' ? name : `${rel}/${name}`;
        if (relPath === '.git') continue;
        const match = patterns === undefined ? undefined : matchEntry(patterns, relPath, parent);
        const excluded = match?.excluded ?? false;
        // An excluded entry is passed over, unless a `!` line may re-include it or something below it (then an
        // excluded folder is looked into); `!README.md` does not make the walk enter `node_modules`.
        if (excluded && (!reincludes || !mayReincludeBelow(patterns!, relPath))) continue;
        const child = path.join(dir, name);
        // Docker sends a symbolic link as a link, never what it points to (review 19, probe 09): a linked
        // folder is not looked into, and a linked env file carries no content of its own (a target outside
        // the context is not sent: review 21, probe 11; one inside is copied under its own name).
        if (ws.isSymbolicLink?.(child)) continue;
        if (name !== '.env' && isDotenvName(name)) {
          if (ws.listDir!(child) === undefined) {
            if (!excluded) found.push([name, relPath]);
            continue;
          }
        }
        if (credentialFileFormat(name) && ws.listDir!(child) === undefined) {
          if (!excluded) credentialFiles.push([name, relPath]);
          continue;
        }
        if (HOST_KEY_NAME.test(name) && ws.listDir!(child) === undefined) {
          if (!excluded) keys.push(relPath);
          continue;
        }
        const userKey = USER_KEY_NAME.exec(name);
        if (userKey && !name.endsWith('.pub') && ws.listDir!(child) === undefined) {
          if (!excluded) userKeyPaths.push([userKey[1], relPath]);
          continue;
        }
        // Folders only: a name without a listing is a file.
        if (ws.listDir!(child) !== undefined) walk(child, relPath, match);
      }
    };
    walk(context, '', undefined);
    envWalks.delete(key);
    envWalks.set(key, { listings, found, credentialFiles, keys, userKeyPaths });
    if (envWalks.size > MAX_ENV_WALKS) envWalks.delete(envWalks.keys().next().value as string);
  }
  const byName = new Map<string, Required>();
  const committed = found.map(([name, relPath]) => committedByConvention(ctx, context, name, relPath));
  const kept = found.filter((_, k) => committed[k]).map(([name]) => name);
  for (const [k, [name, relPath]] of found.entries()) {
    if (committed[k]) continue;
    // A name another folder commits by convention (a Next.js app's `.env.production`) is excluded by its
    // path only, each file on its own line (review 20, probe 13); any other name once, anywhere.
    if (kept.includes(name)) byName.set(relPath, { ...envVariant(name, relPath), label: relPath, line: ignoreLineText(relPath) });
    else if (!byName.has(name)) byName.set(name, envVariant(name, relPath));
  }
  // Credential files are read each time (their content can change while the listings do not); one that holds a credential is required.
  const credentials = new Map<string, Required>();
  for (const [name, relPath] of credentialFiles) {
    if (credentials.has(name)) continue;
    const text = ws.readText(path.join(context, relPath));
    if (text !== undefined && credentialIn(credentialFileFormat(name)!, text)) credentials.set(name, credentialFile(name, relPath));
  }
  const byLabel = (a: Required, b: Required): number => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
  const userKeyLines = USER_KEY_TYPES.flatMap((t) => {
    const first = userKeyPaths.find(([type]) => type === t);
    return first ? [userKeys(t, first[1])] : [];
  });
  return [...[...byName.values()].sort(byLabel), ...userKeyLines, ...(keys.length > 0 ? [hostKeys(keys[0])] : []), ...[...credentials.values()].sort(byLabel)];
}

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
  /**
   * A RUN comes after the whole-context copy (or bind-mounts the context): a build step that may read
   * `.git` (a Makefile's `git describe`, Go's VCS stamping, setuptools-scm), so excluding it may change
   * what the build makes.
   */
  buildMayReadGit: boolean;
  /** Every whole-context copy is in a builder stage that the image only copies from: the files reach its layers and the build cache, not the image. */
  builderOnly?: boolean;
  /** Labels of the missing credential files, each holding a credential (`.npmrc`); never the credential. */
  credentialFiles?: string[];
}

/**
 * `COPY . …`, `ADD ./ …`, `COPY * …`: a source that is the whole build context. Also `..` and `../..`:
 * BuildKit resolves a source inside the context, so `..` at its root is the root (`COPY .. .` copies
 * the whole context; review 17, probe df-01).
 */
function isWholeContext(source: string): boolean {
  if (source === '*' || source === './*') return true;
  // Cleaned as BuildKit cleans a source: `app/..` and `./src/../` are the context too (review 18, probe 11).
  return path.posix.normalize(source).split('/').every((segment) => segment === '' || segment === '.' || segment === '..');
}

/**
 * The stages of the images the builds make: the final stage and those it builds on, or, when compose services build
 * the Dockerfile, the stages their `build.target` names (the final one without a target) and those they build on
 * (review 31, probe 09: `target: dev`).
 */
function builtChain(ctx: DockerfileContext): Stage[] {
  const building = servicesBuilding(ctx.workspace, ctx.path, ctx.options);
  const targets = new Set<Stage>();
  for (const b of building) {
    // `target: ${TARGET:-dev}` as Compose reads it, with the .env of the compose file (review 32, probe 09).
    const name = buildTargetName(b);
    const stage = name ? ctx.stages.find((st) => st.name === name) : undefined;
    if (stage) targets.add(stage);
    else if (ctx.finalStage) targets.add(ctx.finalStage);
  }
  if (targets.size === 0 && ctx.finalStage) targets.add(ctx.finalStage);
  // A stage built on a `FROM name-$ARG` builds on one of the stages it could name (`FROM runtime-$TARGETARCH`: `runtime-amd64`
  // or `runtime-arm64`), so each of those and the stages they build on may be in the image (review 42f, item 1).
  const out = new Set<Stage>();
  const queue = [...targets];
  for (let t = queue.shift(); t; t = queue.shift()) {
    if (out.has(t)) continue;
    const chain = stageChain(t);
    for (const st of chain) out.add(st);
    const root = chain[chain.length - 1];
    if (root.base.kind === 'unknown') queue.push(...stagesItCouldName(ctx, root));
  }
  return [...out];
}

/** The first whole-context COPY/ADD of the Dockerfile (see above), also read by DC040's move to `.env` (review 47a, F1). */
export function wholeContextCopy(ctx: DockerfileContext): { ins: Instruction; range: Range; builderOnly: boolean } | undefined {
  let first: { ins: Instruction; range: Range } | undefined;
  // Whether every whole-context copy is in a builder stage whose layers reach no image (only copied from).
  let builderOnly = true;
  // The builder stages and the stages of the built image, found at the first whole-context copy: most Dockerfiles copy
  // named files only, and then neither is needed.
  let builders: ReadonlySet<Stage> | undefined;
  let finalChain: Stage[] | undefined;
  let inFinal = false;
  for (const stage of ctx.stages) {
    for (const ins of stage.instructions) {
      const kw = ins.getKeyword();
      if (kw !== 'COPY' && kw !== 'ADD') continue;
      if (flagNamed(ins, 'from')) continue; // from another stage, image or named context
      const words = argWords(ctx, ins).filter((w) => !w.heredoc);
      if (words.length < 2) continue;
      const source = words.slice(0, -1).find((w) => isWholeContext(unquote(w.value)));
      if (!source) continue;
      builders ??= copySourceOnlyStages(ctx, { stageCandidates: true });
      finalChain ??= builtChain(ctx);
      const found = { ins, range: { start: ins.getRange().start, end: ctx.lines.positionAt(source.end) } };
      first ??= found;
      // Reported on the first copy in the stages of the image a plain build makes (the final stage and those it
      // builds on) when there is one, else the first whose layers reach an image: the message says the files go
      // into the image, and that is the copy that puts them there (review 29, probe df-04).
      if (finalChain.includes(stage) && !inFinal) {
        first = found;
        inFinal = true;
      } else if (!builders.has(stage) && builderOnly && !inFinal) first = found;
      if (!builders.has(stage)) builderOnly = false;
    }
  }
  return first && { ...first, builderOnly };
}

const SENSITIVE_NAMES = /\.env\b|\.pem\b|\.key\b|id_rsa|id_(?:ed25519|ecdsa|dsa)|ssh_host_|(?:^|[\s/"'])\.git\b|\bgit\s/;

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

/**
 * Names of other Dockerfiles in a folder: the names the walk takes for Dockerfiles (file-names.ts DOCKERFILE_NAME:
 * `Dockerfile-dev`, `tools-Dockerfile`, `tools_Dockerfile`, `api.Dockerfile.prod` as well as `Dockerfile.*`,
 * `*.Dockerfile`, `Containerfile.*`, in any case; review 55c, F3), also those the walk leaves out as other kinds of
 * files (`Dockerfile.template`), not their `.dockerignore` files.
 */
const isDockerfileName = (n: string) => DOCKERFILE_NAME.test(n) && !n.endsWith('.dockerignore');
/** Probed when the workspace cannot list a folder. */
const PROBED_NAMES = ['Dockerfile', 'Containerfile', 'dockerfile', ...['dev', 'development', 'prod', 'production', 'test', 'ci', 'local', 'debug', 'release', 'build', 'base', 'alpine', 'debian', 'ubuntu', 'slim', 'windows', 'arm64', 'gpu', 'cuda', 'worker', 'web', 'api', 'tools'].flatMap((s) => [`Dockerfile.${s}`, `Dockerfile-${s}`, `Containerfile.${s}`, `${s}.Dockerfile`, `${s}.dockerfile`, `${s}-Dockerfile`, `${s}_Dockerfile`])];

/** How many other Dockerfiles are read at most; past that the fix is not safe. */
const MAX_OTHERS = 32;

/**
 * The other Dockerfiles whose build reads `ignorePath` (the `.dockerignore` at the root of `contextDir`):
 * Dockerfiles in the context folder (by the names above) and the Dockerfiles of compose services
 * whose build context is that folder, each unless it has its own `<Dockerfile>.dockerignore`.
 * `probed`: those found by probing well-known names, because the folder could not be listed (then
 * other Dockerfiles there may be missed).
 */
function otherDockerfiles(ctx: DockerfileContext, contextDir: string): { paths: string[]; probed: string[] } {
  const ws = ctx.workspace;
  const found = new Set<string>();
  const entries = ws.listDir?.(contextDir);
  const names = entries ? entries.filter(isDockerfileName) : PROBED_NAMES.filter((n) => ws.exists(path.join(contextDir, n)));
  for (const n of names) found.add(path.join(contextDir, n));
  // Compose services building with this context: compose files beside the context, the Dockerfile, and up to three folders above each.
  for (const compose of composeFilesAround(ws, [contextDir, path.dirname(ctx.path)], ctx.options)) {
    for (const { build } of servicesBuildingIn(compose, 'context', contextDir)) found.add(build.dockerfile);
  }
  found.delete(ctx.path);
  // A Dockerfile with its own ignore file does not read the context's `.dockerignore`.
  const paths = [...found].filter((p) => !ws.exists(`${p}.dockerignore`)).sort();
  return { paths, probed: entries === undefined ? paths.filter((p) => path.dirname(p) === contextDir && names.includes(path.basename(p))) : [] };
}

/**
 * Whether a Dockerfile may need something the added lines exclude: a COPY/ADD (from the build
 * context, not `--from`) whose source the new lines exclude and the old ones did not
 * (`ADD nginx_public_keys.key …`, `COPY .git .git`), or a RUN whose text names such a file or runs
 * git (`RUN git rev-parse …`, `RUN --mount=type=bind,source=.env …`, a file a `COPY .` brought in).
 */
function usesExcluded(other: DockerfileContext, added: readonly Required[], before: readonly DockerignorePattern[], after: readonly DockerignorePattern[]): boolean {
  for (const stage of other.stages) {
    for (const ins of stage.instructions) {
      const kw = ins.getKeyword();
      if (kw !== 'COPY' && kw !== 'ADD' && kw !== 'RUN') continue;
      if (kw !== 'RUN' && flagNamed(ins, 'from')) continue;
      if (kw === 'RUN') {
        const r = ins.getRange();
        const text = other.text.slice(other.offsetAt(r.start), other.offsetAt(r.end));
        if (added.some((a) => a.usedBy.test(text))) return true;
        continue;
      }
      const words = argWords(other, ins).filter((w) => !w.heredoc);
      for (const w of words.slice(0, -1)) {
        const source = unquote(w.value).replace(/^(?:\.\/)+/, '');
        if (source === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(source)) continue;
        // A source built from a variable is judged by its text (`${CERT:-server.pem}`).
        if (source.includes('$') ? added.some((a) => a.usedBy.test(source)) : isExcluded(after, source) && !isExcluded(before, source)) return true;
      }
    }
  }
  return false;
}

/**
 * Why the fix may break another build that reads the same ignore file, or undefined: another
 * Dockerfile of the context needs a file the new lines exclude (or cannot be read), or the context
 * folder could not be listed and holds another Dockerfile by a well-known name.
 */
function sharedContextRisk(ctx: DockerfileContext, d: Data, oldText: string | undefined): string | undefined {
  if (d.ignorePath === `${ctx.path}.dockerignore`) return undefined; // read by this Dockerfile alone
  const contextDir = path.dirname(d.ignorePath);
  const { paths, probed } = otherDockerfiles(ctx, contextDir);
  if (paths.length === 0) return undefined;
  // The folder could not be listed: a Dockerfile found by its name is a sign of others that were not.
  if (probed.length > 0) return probed[0];
  if (paths.length > MAX_OTHERS) return paths[0];
  const added = d.lines.map(requiredOfLine).filter((r): r is Required => r !== undefined);
  const before = parseDockerignore(oldText ?? '');
  const after = parseDockerignore(`${oldText ?? ''}\n${d.lines.join('\n')}`);
  for (const p of paths) {
    const other = parsedDockerfile(ctx.workspace, p, ctx.options);
    if (!other || usesExcluded(other, added, before, after)) return p;
  }
  return undefined;
}


/**
 * The first file of the build context that the added lines would take out of it (excluded by the new
 * lines and not by the old ones), `.git` aside (buildMayReadGit judges that); undefined when none.
 * Such a file is copied into the image today, and may be needed there: a public certificate
 * (`certs/ca-bundle.pem`: review 6, probe df-03), a `.env` the app reads from its folder at start,
 * a TLS key the server loads. `null` when the context cannot be listed whole (unlisted, or larger
 * than MAX_CONTEXT_ENTRIES).
 */
function contextFileExcluded(ctx: DockerfileContext, d: Data, oldText: string | undefined): string | null | undefined {
  const ws = ctx.workspace;
  if (!ws.listDir) return null;
  // The context (d.context is relative to the Dockerfile's folder): not always where the ignore file is (`<Dockerfile>.dockerignore`).
  const contextDir = path.resolve(path.dirname(ctx.path), d.context);
  const before = parseDockerignore(oldText ?? '');
  const after = parseDockerignore(`${oldText ?? ''}\n${d.lines.join('\n')}`);
  // A folder the old lines exclude may hold files they re-include (`certs/` then `!certs/ca-bundle.pem`):
  // looked into when they have a `!` line (review 7, probe 02).
  const reincludes = before.some((p) => p.negate);
  let seen = 0;
  const walk = (dir: string, rel: string): string | null | undefined => {
    const names = ws.listDir!(dir);
    if (names === undefined) return rel === '' ? null : undefined; // a file, not a folder
    for (const name of names) {
      if (++seen > MAX_CONTEXT_ENTRIES) return null;
      const relPath = rel === '' ? name : `${rel}/${name}`;
      if (relPath === '.git') continue;
      const excludedNow = isExcluded(before, relPath);
      if (excludedNow && !reincludes) continue; // not in the context today, nor anything under it
      if (!excludedNow && isExcluded(after, relPath)) return relPath;
      const found = walk(path.join(dir, name), relPath);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(contextDir, '');
}

/**
 * Whether a build step may read the context's `.git`: a RUN after the whole-context copy, or a RUN
 * that bind-mounts the build context. Which tools read it cannot be told from the Dockerfile (a
 * Makefile's `VERSION := $(shell git describe)`, `go build` stamping VCS information, setuptools-scm,
 * a build script): the syncthing and cloudflared images would report no version without it.
 */
function buildMayReadGit(ctx: DockerfileContext, copy: Instruction): boolean {
  const after = copy.getRange().end.line;
  for (const stage of ctx.stages) {
    for (const ins of stage.instructions) {
      if (ins.getKeyword() !== 'RUN') continue;
      if (ins.getRange().start.line > after) return true;
      for (const f of flagsOf(ins)) {
        if (f.getName().toLowerCase() !== 'mount') continue;
        const v = f.getValue() ?? '';
        if (/(?:^|,)type=bind(?:,|$)/.test(v) && !/(?:^|,)from=/.test(v)) return true;
      }
    }
  }
  return false;
}

/** How many folders above the Dockerfile's are looked at for compose files that `docker compose` reads only with `-f`. */
const OTHER_COMPOSE_UP = 3;

/**
 * The build contexts that the other compose files around the Dockerfile give it: files named as compose files that
 * `docker compose` reads only with `-f` (`docker-compose.test.yml`, `docker-compose.prod.yml`: fileKindOf's names, which
 * the CLI and the editor analyze), in the Dockerfile's folder and up to three above, whose services build it. They
 * state the context, where inferredContext only guesses it: example-voting-app's `result/docker-compose.test.yml`
 * builds `./tests/`, so `result/tests/Dockerfile` reads `result/tests/.dockerignore` — Docker reads only the ignore
 * file at the root of the context — even when `result/.dockerignore` exists, which made the context "not known"
 * and, written by this rule's own fix of `result/Dockerfile`, hid the finding in the same `--fix` (review53b, finding 3).
 * None when no folder can be listed.
 */
function contextsOfOtherComposeFiles(ctx: DockerfileContext): string[] {
  const ws = ctx.workspace;
  if (!ws.listDir) return [];
  const out = new Set<string>();
  let dir = path.dirname(ctx.path);
  for (let up = 0; up <= OTHER_COMPOSE_UP; up++) {
    const names = ws.listDir(dir);
    for (const name of names ? listingFact(names, otherComposeNames) : []) {
      const compose = parsedCompose(ws, path.join(dir, name), ctx.options);
      if (compose) for (const { build } of servicesBuildingIn(compose, 'dockerfile', ctx.path)) out.add(build.context);
    }
    if (path.dirname(dir) === dir) break;
    dir = path.dirname(dir);
  }
  return [...out];
}

/** How many folders above the Dockerfile's are looked at for the build context. */
const MAX_CONTEXT_UP = 4;

/**
 * The build context of a Dockerfile that no compose file builds: a folder above it when its own
 * COPY/ADD sources show it (`COPY cmd/loki/loki-docker-config.yaml …` in `cmd/loki/Dockerfile`: built
 * with `docker build -f cmd/loki/Dockerfile .`; or a source missing from its own folder that a folder
 * above has, `COPY go.mod ./` in `build/Dockerfile`), else its own folder; null (unknown) when a folder
 * above it has a `.dockerignore` and its own has none (a repository that keeps one ignore file at its
 * root and builds from there: uptime-kuma's `docker/dockerfile`).
 */
function inferredContext(ctx: DockerfileContext): string | null {
  const dir = path.dirname(ctx.path);
  const ancestors: string[] = [];
  for (let d = path.dirname(dir), i = 0; i < MAX_CONTEXT_UP && d !== path.dirname(d); d = path.dirname(d), i++) {
    ancestors.push(d);
    if (ctx.workspace.exists(path.join(d, '.git'))) break; // the repository root
  }
  if (ancestors.length === 0) return dir;
  const sources: string[] = [];
  for (const stage of ctx.stages) {
    for (const ins of stage.instructions) {
      const kw = ins.getKeyword();
      if ((kw !== 'COPY' && kw !== 'ADD') || flagNamed(ins, 'from')) continue;
      const words = argWords(ctx, ins).filter((w) => !w.heredoc);
      for (const w of words.slice(0, -1)) {
        const src = unquote(w.value).replace(/^(?:\.\/)+/, '');
        if (src === '' || src.includes('$') || /^[a-z][a-z0-9+.-]*:\/\//i.test(src)) continue;
        sources.push(src);
      }
    }
  }
  for (const a of ancestors) {
    const rel = path.relative(a, dir).split(path.sep).join('/');
    if (sources.some((src) => src === rel || src.startsWith(`${rel}/`))) return a;
  }
  // A source that is not in its own folder but is in a folder above (`COPY go.mod go.sum ./` in `build/operator.Dockerfile`
  // of a Go repository: built with `docker build -f build/operator.Dockerfile .`; review 27, probe df-02).
  // Not when its own folder has an ignore file: the folder is then the context it was written for (review 28, probe 08).
  const ownIgnore = ctx.workspace.exists(path.join(dir, '.dockerignore')) || ctx.workspace.exists(`${ctx.path}.dockerignore`);
  if (!ownIgnore) {
    const missingHere = sources.filter((src) => !/[*?[\]]/.test(src) && !src.startsWith('../') && !ctx.workspace.exists(path.join(dir, src)));
    for (const a of ancestors) if (missingHere.some((src) => ctx.workspace.exists(path.join(a, src)))) return a;
  }
  if (!ownIgnore && ancestors.some((a) => ctx.workspace.exists(path.join(a, '.dockerignore')))) return null;
  return dir;
}

export default defineRule<'dockerfile', Data>({
  code: 'DR003',
  name: 'dockerignore-missing-secrets',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'always',
  docs: {
    summary: 'A Dockerfile copies the whole build context while its ignore file does not exclude `.env` files or private keys.',
    what:
      'Flags a Dockerfile that copies the whole build context (`COPY . …`, `ADD ./ …`, `COPY * …`, also `COPY .. …` or `COPY app/.. …`, which BuildKit cleans and resolves inside the context, in any stage, without `--from`) when the context\'s ignore file is missing or does not exclude `.env`, private keys (`*.pem`, `*.key`, `id_rsa*`), each `.env.<name>` env file in the context, at its root or in a folder (`.env.local`, `apps/web/.env.local`, which a `.env` line does not match; looked for in up to 5,000 entries, `.git` and what the ignore file excludes aside; not templates such as `.env.example`, nor the files projects commit by convention: dotenv-vault\'s encrypted `.env.vault`, and beside the package.json of a Next.js app — one that depends on `next` — the defaults in `.env.development`, `.env.production` and `.env.test`, which `next build` reads; symbolic links are not followed, as Docker sends them as links: a linked folder is not looked into, a linked file carries no content of its own), each OpenSSH host private key found the same way (`ssh_host_rsa_key`, `ssh_host_ed25519_key`…, not `.pub`: sshd(8) FILES, "the private parts of the host keys"; asked for only when one is there, with the line `**/ssh_host_*_key`), each OpenSSH user private key of another type than RSA found the same way (ssh-keygen\'s default names `id_ed25519`, `id_ed25519_sk`, `id_ecdsa`, `id_ecdsa_sk`, `id_dsa`, ssh-keygen(1) FILES, and names built on them such as `id_ed25519_deploy`; not `.pub`), which the `id_rsa*` line does not match (asked for only when one is there, one line per type: `**/id_ed25519*`, `**/id_ecdsa*`, `**/id_dsa*`), each credential file found the same way that holds a credential, as DF021 judges it (`.npmrc` with `_authToken`, `_auth` or `_password`, Yarn 1\'s `.yarnrc` with `_authToken`, `_auth` or `_password` (`"//registry.npmjs.org/:_authToken" "…"`), Yarn Berry\'s `.yarnrc.yml` with `npmAuthToken` or `npmAuthIdent`, `.pypirc` with a `password`, pip\'s `pip.conf`/`pip.ini` with an index URL that holds a password, `.netrc`/`_netrc` with a `password`: one that holds only settings or `${NPM_TOKEN}` references is not asked for; the message names the file, never the credential) and — when the context holds a `.git` directory — `.git`. When every whole-context copy is in a builder stage that the image only copies from, the message says the files reach that stage\'s layers and the build cache (pushed with `--cache-to … mode=max`, and in an image built with `--target`), not the final image. A `FROM <name>-$ARG` (`FROM runtime-$TARGETARCH`, the usual way to pick a stage per platform) is read as one of the earlier stages its literal parts could name (`runtime-amd64`, `runtime-arm64`), as DF030 reads it: the image is one of them, and a stage only they copy from is a builder stage; when such a stage is itself only copied from (`FROM build-${TARGETARCH} AS build` and `COPY --from=build`, BuildKit\'s workaround for a `--from` with a variable), the stages it could name are builder stages too; a FROM that is only a variable (`FROM ${BASE}`), or whose literal parts match no earlier stage\'s name (`FROM node:$VERSION`), is still taken to build on any earlier stage. ' +
      'The ignore file is `<Dockerfile>.dockerignore` beside the Dockerfile when it exists, else `.dockerignore` at the root of the context; the context is the one compose files (`compose.yaml`, `docker-compose.yml` … and their overrides `compose.override.yaml` …, which `docker compose` reads by default, in the Dockerfile\'s folder and up to three folders above) give in `build:`; else the one the other compose files there give, those named as compose files that it reads only with `-f` (`docker-compose.test.yml`, `docker-compose.prod.yml`: example-voting-app\'s `result/docker-compose.test.yml` builds `./tests/`, so `result/tests/Dockerfile` reads `result/tests/.dockerignore`, as Docker reads only the ignore file at the root of the context); else a folder above the Dockerfile\'s (up to four, not past the repository root) when its COPY/ADD sources start with the Dockerfile\'s own path from there (`COPY cmd/loki/config.yaml …` in `cmd/loki/Dockerfile`, built with `docker build -f cmd/loki/Dockerfile .`) or when a source it copies is not in the Dockerfile\'s folder but is in that one (`COPY go.mod go.sum ./` in `build/operator.Dockerfile` of a Go module: the nearest such folder); else the Dockerfile\'s folder — unless that folder has no ignore file and a folder above it has a `.dockerignore` (a repository that builds from its root, where it keeps its one ignore file): then the context is not known and nothing is reported. Patterns are evaluated with BuildKit\'s matching, moby/patternmatcher\'s (`**`; a leading `**` with no wildcard after it matches every path that ends so, `**.pem` as `**/*.pem`; a class `[…]` negates with `^` only, so `[!x]` is `!` or `x`, and a POSIX class inside one is its ASCII class, as Go\'s regexp reads patternmatcher\'s expression (`[[:punct:]]env` leaves out `.env`; an unknown name such as `[[:alfa:]]` makes the pattern unreadable); `!` exceptions, last match wins, a directory pattern excludes its content) against files at the context root. Reported on the first such COPY/ADD of the stages a plain build makes the image from (the final stage and those it builds on, through a `FROM <name>-$ARG` each stage it could name), else the first one.',
    why:
      'Everything in the build context that `COPY .` takes ends up in an image layer: a `.env` with production passwords, a TLS private key, an SSH key, or `.git` with its whole history (including secrets committed and "removed" later). Anyone who can pull the image can extract them with `docker save` — the image registry becomes a secret store nobody audits. SECURITY-GUIDELINES.md §5 Secrets Management: "DO NOT commit secrets to version control" — the same goes for images.',
    bad: '# no .dockerignore\nFROM node:22-alpine\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]',
    good: '# .dockerignore: .git  **/.env  **/*.pem  **/*.key  **/id_rsa*\nFROM node:22-alpine\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]',
    fix:
      '"Exclude secrets in .dockerignore" creates `.dockerignore` at the context root with `**/.env`, `**/*.pem`, `**/*.key`, `**/id_rsa*` (and `.git` when the context holds one, and a line such as `**/.env.local` for each `.env.<name>` file found, its pattern characters escaped: not `.env.*`, which would take the templates out too; `**/ssh_host_*_key` when a host private key is found; `**/id_ed25519*`, `**/id_ecdsa*` or `**/id_dsa*` when such a user private key is found; `**/.npmrc` and the like for each credential file that holds a credential — never safe, as the file is in the context today and the build may read it, condition (4) below: pass its credential as a build secret, `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc`), or appends the missing lines to the ignore file that applies (keeping its line endings). The `**/` forms also exclude copies in subfolders. ' +
      'Applied by fix-all (safe) unless a build that reads the same ignore file may need what it would exclude; then it is only offered as a single quick fix. Not safe when (1) the Dockerfile itself names such files or runs git (a `COPY certs/ca.pem …`, `RUN git rev-parse …`); or (2) it adds `.git` and a RUN comes after the whole-context copy (or bind-mounts the context): a build step may read `.git` without naming it (a Makefile\'s `VERSION := $(shell git describe)`, `go build` stamping VCS information, setuptools-scm), and without it syncthing\'s and cloudflared\'s images report no version; or (3) the fix changes the `.dockerignore` at the context root — which every build of that context reads, unless its Dockerfile has its own `<Dockerfile>.dockerignore` — and another Dockerfile of the same context needs a file the new lines exclude: a COPY/ADD (not `--from`) whose source the new lines exclude and the old ones did not (`ADD nginx_public_keys.key …`, `COPY .git …`; a source with a variable counts when its text names such a file), or a RUN that names such a file (or runs git, when `.git` is added); a Dockerfile that cannot be read counts too. (An excluded file is not in the context, so its COPY fails with "not found".) Nor when (4) the new lines would take out of the context a file that is in it today, since the image ships it now and may need it (a public `certs/ca-bundle.pem` the app trusts, a `.env` it reads from its folder, a TLS key the server loads): the context is listed (`.git` aside, and what the old lines already exclude — but folders they exclude are looked into when they have a `!` line, which may re-include a file there), and one that cannot be listed whole (more than 5,000 entries, or a view that cannot list folders) counts too. The other Dockerfiles checked are those in the context folder with a name the tool analyzes as a Dockerfile (`Dockerfile`, `Dockerfile.*`, `Dockerfile-*`, `*.Dockerfile`, `*-Dockerfile`, `*_Dockerfile`, `*.Dockerfile.*`, `Containerfile`, `Containerfile.*`, in any case; also `Dockerfile.template` and such, which the walk leaves out), and the Dockerfiles of compose services (compose files with the default names or an override\'s name — `compose.override.yaml`, `docker-compose.override.yml` — in the context folder, the Dockerfile\'s folder and up to three folders above each, and what they `include:`) whose build context is that folder. When the editor or CLI cannot list the folder, only well-known names (`Dockerfile`, `Containerfile`, `Dockerfile.dev`, `Dockerfile-dev`, `Dockerfile.prod`, `dev.Dockerfile`, `dev-Dockerfile` …) are probed, and finding any of them makes the fix not safe, since others may be missed. Dockerfiles elsewhere built with this folder as context by hand (`docker build -f docker/x.Dockerfile .`) cannot be seen, and a folder copied whole (`COPY certs/ …`) is not looked into. An app that reads `.env` at run time from its own folder must get its settings from `environment:`/`env_file:` instead.',
    guideline: '§5 Secrets Management — "DO NOT commit secrets to version control"; Security Checklist — "Secrets not in version control"',
    equivalents: ['hadolint has no rule for it; Trivy and Checkov scan built images for secrets (trivy image --scanners secret) after the fact; Docker Scout and docker build checks (`SecretsUsedInArgOrEnv`) cover ARG/ENV only'],
    references: [
      'https://docs.docker.com/build/concepts/context/#dockerignore-files',
      'https://man7.org/linux/man-pages/man8/sshd.8.html#FILES',
      'https://man7.org/linux/man-pages/man1/ssh-keygen.1.html#FILES',
      'https://docs.docker.com/build/concepts/context/#filename-and-location',
      'https://docs.docker.com/reference/dockerfile/#copy',
      'https://github.com/moby/patternmatcher',
      'https://pkg.go.dev/regexp/syntax (ASCII character classes: [[:alpha:]] is [A-Za-z], [[:^alpha:]] its complement)',
      'https://docs.docker.com/build/building/best-practices/#exclude-with-dockerignore',
      'https://docs.docker.com/reference/compose-file/build/#context',
    ],
  },
  check(ctx) {
    if (!hasFolder(ctx.path)) return [];
    const copy = wholeContextCopy(ctx);
    if (!copy) return [];
    const dockerfileDir = path.dirname(ctx.path);
    const contexts = [...new Set(servicesBuilding(ctx.workspace, ctx.path, ctx.options).map((b) => b.build.context))];
    if (contexts.length === 0) contexts.push(...contextsOfOtherComposeFiles(ctx));
    if (contexts.length === 0) {
      const inferred = inferredContext(ctx);
      if (inferred === null) return []; // the context is not known: its ignore file cannot be judged
      contexts.push(inferred);
    }
    for (const context of contexts) {
      const ignore = dockerignoreFor(ctx.workspace, ctx.path, context);
      if (ignore.text === undefined && ctx.workspace.exists(ignore.path)) continue; // there, but unreadable (too large): unknown
      const patterns = ignore.text === undefined ? undefined : parseDockerignore(ignore.text);
      const required = [...REQUIRED.filter((r) => !r.ifExists || ctx.workspace.exists(path.join(context, r.ifExists))), ...envVariantsIn(ctx, context, ignore.text, patterns)];
      const missing = patterns === undefined ? required : required.filter((r) => !isExcluded(patterns, r.test));
      if (missing.length === 0) continue;
      const lines = missing.map((r) => r.line);
      const rel = path.relative(dockerfileDir, context).split(path.sep).join('/') || '.';
      const credentialFiles = missing.filter((m) => m.credential).map((m) => m.label);
      return [{ range: copy.range, data: { ignorePath: ignore.path, exists: ignore.text !== undefined, missing: missing.map((m) => m.label), lines, context: rel, referenced: referencesSensitive(ctx, copy.ins), buildMayReadGit: buildMayReadGit(ctx, copy.ins), ...(copy.builderOnly ? { builderOnly: true } : {}), ...(credentialFiles.length > 0 ? { credentialFiles } : {}) } }];
    }
    return [];
  },
  message(d) {
    const where = d.context === '.' ? 'the build context' : `the build context (${d.context})`;
    // A builder stage the image only copies from: its layers stay in the build cache (pushed with --cache-to mode=max) and in an image built with --target.
    const into = d.builderOnly ? "the builder stage's layers and the build cache (not the final image, unless built with --target)" : 'the image';
    const variants = d.missing.filter((m) => m.startsWith('.env.'));
    const creds = d.credentialFiles ?? [];
    if (!d.exists) return `This copies all of ${where}, which has no .dockerignore: .env files${variants.length > 0 ? ` (${variants.join(', ')} is here)` : ''}, private keys (*.pem, *.key, id_rsa*${d.missing.filter((m) => /^id_(?:ed25519|ecdsa|dsa)\*$/.test(m) || m === 'ssh_host_*_key').map((m) => `, ${m}`).join('')})${creds.map((c) => `, ${c} (with a credential)`).join('')}${d.missing.includes('.git') ? ' and .git' : ''} go into ${into}.`;
    return `This copies all of ${where}, and ${path.basename(d.ignorePath)} does not exclude ${d.missing.map((m) => (creds.includes(m) ? `${m} (with a credential)` : m)).join(', ')}: they go into ${into}.`;
  },
  fix(ctx, { data }): Fix | undefined {
    const title = `Exclude secrets in ${path.basename(data.ignorePath)}`;
    const text = data.exists ? ctx.workspace.readText(data.ignorePath) : undefined;
    if (data.exists && text === undefined) return undefined;
    // One `.dockerignore` serves every build of the context: another Dockerfile there may need what it would now exclude.
    // Excluding `.git` may change what a build step makes (a version from `git describe`).
    // A file the image ships today that the new lines would drop (a public ca-bundle.pem, a .env the app reads).
    const safe = !data.referenced && !(data.buildMayReadGit && data.lines.includes('.git')) && sharedContextRisk(ctx, data, text) === undefined && contextFileExcluded(ctx, data, text) === undefined;
    if (text === undefined) return { title, safe, changes: [{ kind: 'create', path: data.ignorePath, content: data.lines.map((l) => `${l}\n`).join('') }] };
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    return { title, safe, changes: [{ kind: 'edit', path: data.ignorePath, edits: [appendLineEdit(text, data.lines.join(eol), eol)] }] };
  },
});
