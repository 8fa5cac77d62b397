/**
 * Helpers for the Dockerfile rules that read instruction arguments (DF002–DF004, DF011, DF012,
 * DF015, DF016, DF045–DF047): ARG/ENV resolution at a line, stage chains, the words of ADD/COPY/
 * EXPOSE with their document offsets, what a `COPY --from` value names, file modes, and the user a
 * RUN runs as. Everything here reads the parsed context; nothing re-parses the file.
 */
import type { Flag, Heredoc, Instruction, JSONInstruction, ModifiableInstruction, Onbuild } from 'dockerfile-ast';
import type { BaseImage, DockerfileContext, Stage } from './dockerfile';
import { officialImageName, parseImageRef, type ImageRef } from './image';
import { isRootUser } from './image-users';
import { mountOptions } from './packages';
import { namedBuildContexts, namedContextKey } from './relations';
import { stageChain, stagesItCouldName, stagesNameCouldBe } from './stage-scope';
import { MAX_EXPANDED_LENGTH } from './expansion';

/**
 * The instructions of the file with one of these keywords, stage by stage in order, an ONBUILD trigger in place of its
 * ONBUILD (`onbuild`: it runs in the build of an image built on this one, with that build's context).
 */
export function instructionsNamed(ctx: DockerfileContext, keywords: readonly string[]): { ins: Instruction; stage: Stage; onbuild: boolean }[] {
  const out: { ins: Instruction; stage: Stage; onbuild: boolean }[] = [];
  for (const stage of ctx.stages) {
    for (const ins of stage.instructions) {
      const kw = ins.getKeyword();
      if (keywords.includes(kw)) out.push({ ins, stage, onbuild: false });
      else if (kw === 'ONBUILD') {
        const t = (ins as Onbuild).getTriggerInstruction();
        if (t && keywords.includes(t.getKeyword())) out.push({ ins: t, stage, onbuild: true });
      }
    }
  }
  return out;
}

/**
 * Resolves `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}` in a value with the ARG/ENV definitions visible at
 * a line (stage-local ARG and ENV, and global ARGs re-declared in the stage). Null when a variable
 * has no known value, or a value still holds a variable.
 */
export function resolveAt(ctx: DockerfileContext, value: string, line: number, depth = 0): string | null {
  if (!value.includes('$')) return value;
  let unknown = false;
  // The length of the result so far; a substitution that would make it longer than MAX_EXPANDED_LENGTH
  // makes the value unknown (review 41a, F7).
  let length = value.length;
  const out = value.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (m: string, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    if (unknown) return '';
    const name = braced ?? bare!;
    const v = ctx.ast.resolveVariable(name, line);
    const set = typeof v === 'string';
    const empty = !set || v === '';
    let r: string;
    if (op === ':-' || op === '-') r = (op === ':-' ? empty : !set) ? (word ?? '') : (v as string);
    else if (op === ':+' || op === '+') r = (op === ':+' ? !empty : set) ? (word ?? '') : '';
    else if (!set) {
      unknown = true;
      return '';
    } else r = v as string;
    length += r.length - m.length;
    if (length > MAX_EXPANDED_LENGTH && r.length > m.length) {
      unknown = true;
      return '';
    }
    return r;
  });
  if (unknown) return null;
  // An ARG default that refers to earlier ARGs (`ARG URL=https://…/$VERSION/…`): resolve those too.
  if (out.includes('$')) return depth < 4 && out !== value ? resolveAt(ctx, out, line, depth + 1) : null;
  return out;
}

export function flagsOf(ins: Instruction): Flag[] {
  return typeof (ins as ModifiableInstruction).getFlags === 'function' ? (ins as ModifiableInstruction).getFlags() : [];
}

export function flagNamed(ins: Instruction, name: string): Flag | undefined {
  return flagsOf(ins).find((f) => f.getName().toLowerCase() === name);
}

/** One argument of an instruction: its value (quotes of a JSON string removed) and document offsets. */
export interface ArgWord {
  value: string;
  start: number;
  end: number;
  /** The word is a heredoc marker such as `<<EOF`. */
  heredoc: boolean;
}

/** The value of a JSON string as written (dockerfile-ast's getJSONValue drops blanks inside strings). */
function jsonValue(ctx: DockerfileContext, s: ReturnType<JSONInstruction['getJSONStrings']>[number]): string {
  const r = s.getRange();
  const raw = ctx.text.slice(ctx.offsetAt(r.start), ctx.offsetAt(r.end));
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v === 'string') return v;
  } catch {
    // A string broken by a continuation: fall back to the library's reading.
  }
  return s.getJSONValue();
}

/**
 * The arguments of an instruction after its flags, in order, for the shell form (words split on
 * blanks, continuations skipped, heredoc bodies left out) and the JSON form (`["a b", "/dst/"]`).
 */
export function argWords(ctx: DockerfileContext, ins: Instruction): readonly ArgWord[] {
  // Several rules read the same COPY, ADD, ENTRYPOINT or CMD (DF010, DF015, DR003): read once per instruction and
  // analysis, in a map that lives as long as the context (a WeakMap keyed by every instruction of every parse cost
  // its set per instruction, and the collector's work on its entries).
  const memo = ctx.fact(ARG_WORDS, newArgWordsMemo);
  let words = memo.get(ins);
  if (words === undefined) memo.set(ins, (words = readArgWords(ctx, ins)));
  return words;
}

const ARG_WORDS = Symbol('argWords');
const newArgWordsMemo = (): Map<Instruction, readonly ArgWord[]> => new Map();

function readArgWords(ctx: DockerfileContext, ins: Instruction): ArgWord[] {
  const strings = typeof (ins as JSONInstruction).getJSONStrings === 'function' ? (ins as JSONInstruction).getJSONStrings() : [];
  if (strings.length > 0) {
    return strings.map((s) => {
      const r = s.getRange();
      return { value: jsonValue(ctx, s), start: ctx.offsetAt(r.start), end: ctx.offsetAt(r.end), heredoc: false };
    });
  }
  const withHeredocs = ins as unknown as { getHeredocs?: () => Heredoc[] };
  const heredocs = typeof withHeredocs.getHeredocs === 'function' ? withHeredocs.getHeredocs() : [];
  let bodyStart = Infinity;
  for (const h of heredocs) {
    const c = h.getContentRange();
    const start = c ? ctx.offsetAt(c.start) : ctx.offsetAt({ line: h.getStartRange().start.line + 1, character: 0 });
    bodyStart = Math.min(bodyStart, start);
  }
  const out: ArgWord[] = [];
  for (const a of ins.getArguments()) {
    const r = a.getRange();
    const start = ctx.offsetAt(r.start);
    if (start >= bodyStart) break;
    const v = a.getValue();
    // A line continuation that the library reports as an argument.
    if (v === ctx.escapeChar && /^[ \t]*\r?\n/.test(ctx.text.slice(ctx.offsetAt(r.end), ctx.offsetAt(r.end) + 4))) continue;
    out.push({ value: v, start, end: ctx.offsetAt(r.end), heredoc: /^<<-?['"]?[A-Za-z_]/.test(v) });
  }
  return out;
}

/** A flag word without its quote characters, as BuildKit's flag splitting reads it (`"composer":2` → `composer:2`). */
export function stripQuotes(s: string): string {
  return s.includes('"') || s.includes("'") ? s.replace(/["']/g, '') : s;
}

/** Removes one pair of surrounding quotes (ADD/COPY arguments go through the Dockerfile's word processing). */
export function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) return s.slice(1, -1);
  return s;
}

/**
 * Official Docker Hub images (the `library/` namespace): a bare `COPY --from=<name>` naming one of
 * these is read as the image, not as a misspelt stage. Source: https://hub.docker.com/u/library and
 * https://github.com/docker-library/official-images/tree/master/library.
 */
export const OFFICIAL_IMAGE_NAMES: ReadonlySet<string> = new Set([
  'adminer', 'aerospike', 'almalinux', 'alpine', 'alt', 'amazoncorretto', 'amazonlinux', 'api-firewall', 'arangodb', 'archlinux',
  'backdrop', 'bash', 'bonita', 'buildpack-deps', 'busybox', 'caddy', 'cassandra', 'centos', 'chronograf', 'cirros', 'clearlinux',
  'clickhouse', 'clojure', 'composer', 'convertigo', 'couchbase', 'couchdb', 'crate', 'dart', 'debian', 'docker', 'drupal',
  'eclipse-mosquitto', 'eclipse-temurin', 'eggdrop', 'elasticsearch', 'elixir', 'emqx', 'erlang', 'fedora', 'flink', 'fluentd',
  'friendica', 'gazebo', 'gcc', 'geonetwork', 'ghost', 'golang', 'gradle', 'groovy', 'haproxy', 'haskell', 'haxe', 'hello-world',
  'hitch', 'httpd', 'hylang', 'ibm-semeru-runtimes', 'ibmjava', 'influxdb', 'irssi', 'jetty', 'jenkins', 'joomla', 'jruby', 'julia',
  'kapacitor', 'kibana', 'kong', 'krakend', 'lighttpd', 'liquibase', 'logstash', 'mageia', 'mariadb', 'matomo', 'maven',
  'mediawiki', 'memcached', 'mongo', 'mongo-express', 'monica', 'mono', 'mysql', 'nats', 'neo4j', 'neurodebian', 'nextcloud',
  'nginx', 'node', 'notary', 'odoo', 'open-liberty', 'openjdk', 'oraclelinux', 'orientdb', 'percona', 'perl', 'photon', 'php',
  'php-zendserver', 'phpmyadmin', 'plone', 'postfixadmin', 'postgres', 'pypy', 'python', 'r-base', 'rabbitmq', 'rakudo-star',
  'redis', 'redmine', 'registry', 'rethinkdb', 'rocket.chat', 'rockylinux', 'ros', 'ruby', 'rust', 'sapmachine', 'satosa',
  'silverpeas', 'sl', 'solr', 'sonarqube', 'spiped', 'storm', 'swift', 'swipl', 'teamspeak', 'telegraf', 'tomcat', 'tomee',
  'traefik', 'ubuntu', 'unit', 'varnish', 'websphere-liberty', 'wordpress', 'xwiki', 'yourls', 'znc', 'zookeeper',
]);

/** What the value of `COPY --from=` names. */
export type CopyFromTarget =
  | { kind: 'stage'; stage: Stage }
  /** The COPY's own stage (by name or index): a circular dependency. */
  | { kind: 'self' }
  /** A stage defined after the COPY's stage. */
  | { kind: 'later'; stage: Stage }
  /** A numeric index with no stage. */
  | { kind: 'bad-index'; index: number }
  /**
   * An image reference (`nginx:1.28`, `ghcr.io/acme/tool`, an official image name); `context` when the
   * name is a build context compose gives as `docker-image://<ref>`, which is then the image pulled.
   */
  | { kind: 'image'; ref: ImageRef; context?: string }
  /** A bare name that is neither a stage nor a known image: a typo, a removed stage, or a named build context given on the command line. */
  | { kind: 'unknown-name'; name: string }
  /** A build context a compose service building the Dockerfile names (`build.additional_contexts`). */
  | { kind: 'context'; name: string }
  /** Holds a variable (BuildKit does not expand variables in `--from`): not judged. */
  | { kind: 'variable' };

export function copyFromTarget(ctx: DockerfileContext, stage: Stage, value: string): CopyFromTarget {
  // BuildKit strips the quotes of a flag's value, wherever they are (`--from="quay.io/x/tool:1.0"`,
  // `--from="composer":2`: review 18, probe 02; review 19, probe 01).
  const v = stripQuotes(value.trim());
  if (v.includes('$')) return { kind: 'variable' };
  if (/^\d+$/.test(v)) {
    const index = Number(v);
    if (index === stage.index) return { kind: 'self' };
    const target = ctx.stages[index];
    if (!target) return { kind: 'bad-index', index };
    return index < stage.index ? { kind: 'stage', stage: target } : { kind: 'later', stage: target };
  }
  const lower = v.toLowerCase();
  if (stage.name === lower) return { kind: 'self' };
  // The nearest earlier stage of that name (BuildKit rejects duplicate names; pick the latest one before).
  for (let i = stage.index - 1; i >= 0; i--) {
    if (ctx.stages[i].name === lower) return { kind: 'stage', stage: ctx.stages[i] };
  }
  const later = ctx.stages.find((s) => s.index > stage.index && s.name === lower);
  if (later) return { kind: 'later', stage: later };
  const named = namedContextTarget(ctx, v);
  if (named) return named;
  const ref = parseImageRef(v);
  if (ref && (/[:/@.]/.test(v) || OFFICIAL_IMAGE_NAMES.has(officialImageName(ref) ?? ''))) return { kind: 'image', ref };
  return { kind: 'unknown-name', name: v };
}

/** Per analysis (DockerfileContext.fact): the build contexts compose services give the Dockerfile (namedBuildContexts). */
const NAMED_CONTEXTS = Symbol('namedContexts');

function namedContextsOf(ctx: DockerfileContext): ReadonlyMap<string, string[]> {
  return ctx.fact(NAMED_CONTEXTS, readNamedContexts);
}

function readNamedContexts(ctx: DockerfileContext): ReadonlyMap<string, string[]> {
  return namedBuildContexts(ctx.workspace, ctx.path, ctx.options);
}

/**
 * What a name (a FROM image, a `--from` value) is when the compose services that build the Dockerfile
 * give a build context of that name: the image a `docker-image://` context pulls, else the context
 * (a folder, a URL, another target). Undefined when no such context is given.
 */
export function namedContextTarget(ctx: DockerfileContext, name: string): { kind: 'image'; ref: ImageRef; context: string } | { kind: 'context'; name: string } | undefined {
  const contexts = namedContextsOf(ctx);
  if (contexts.size === 0) return undefined;
  const values = contexts.get(namedContextKey(name));
  if (!values) return undefined;
  // Each build may give another value; the first that names an image is judged (the others are the compose file's).
  for (const value of values) {
    const m = /^docker-image:\/\/(.+)$/i.exec(value.trim());
    const ref = m ? parseImageRef(m[1]) : null;
    if (ref) return { kind: 'image', ref, context: value.trim() };
  }
  return { kind: 'context', name };
}

/**
 * Whether a stage is not built as written: a compose build context replaces the whole stage (a context
 * named like the stage), or stands for the image its FROM names (`FROM node` with `additional_contexts:
 * {node: …}`). Rules that judge the base image (its end of life, its size) do not judge it then.
 */
export function stageBaseIsContext(ctx: DockerfileContext, stage: Stage): boolean {
  if (stage.name !== null && namedContextTarget(ctx, stage.name) !== undefined) return true;
  return stage.base.kind === 'image' && namedContextTarget(ctx, stage.base.ref.text) !== undefined;
}

/**
 * The image a stage builds on as the build sees it: the one its FROM names, or the image of a
 * `docker-image://` build context that stands for that name or replaces the stage (with the context);
 * null when the base is no image (another stage, an unresolved ARG) or a context that is no image (a folder).
 */
export function stageBaseImage(ctx: DockerfileContext, stage: Stage): { ref: ImageRef; context?: string } | null {
  if (stage.base.kind !== 'image') return null;
  const replaced = stage.name !== null ? namedContextTarget(ctx, stage.name) : undefined;
  const named = replaced ?? namedContextTarget(ctx, stage.base.ref.text);
  if (!named) return { ref: stage.base.ref };
  return named.kind === 'image' ? { ref: named.ref, context: named.context } : null;
}

/** Per analysis (DockerfileContext.fact): the stages copySourceOnlyStages found, without and with `stageCandidates`. */
const COPY_SOURCE_ONLY = Symbol('copySourceOnly');
const COPY_SOURCE_ONLY_BY_CANDIDATES = Symbol('copySourceOnlyByCandidates');
const readCopySourceOnly = (ctx: DockerfileContext) => computeCopySourceOnly(ctx, false);
const readCopySourceOnlyByCandidates = (ctx: DockerfileContext) => computeCopySourceOnly(ctx, true);

/**
 * The stages whose layers reach no image, only files copied out of them (builder stages): each is not
 * the last stage, no stage builds on it (`FROM <stage>`, also through other stages), and a later stage
 * copies from it (`COPY --from=<stage>`, `RUN --mount=…,from=<stage>`); and the stages that only such
 * stages build on. What such a stage leaves in its
 * layers (package lists, caches) stays in the build cache. A stage that nothing names may be built on
 * its own with `--target`, so it is not one; nor is any stage when a `--from` value is nothing but a
 * variable (it may name any), while `--from=build-$TARGETARCH` names the stages its literal parts match
 * (stagesFromCouldName); nor one that a later FROM whose base is not known may name: any earlier stage,
 * or, with `stageCandidates`, only the stages a `FROM name-$ARG` could name by its literal parts
 * (`FROM runtime-$TARGETARCH`: `runtime-amd64`, `runtime-arm64`; stagesItCouldName, as DF030 reads a later
 * FROM) when there are such stages, and those they build on — unless every stage that may build on it is
 * itself a builder: the per-arch stages under `FROM build-$TARGETARCH AS build`, when `build` is only copied from
 * (the form BuildKit's error for `COPY --from=build-$TARGETARCH` asks for; review 44b, F1). DR003 reads it so
 * (review 42f, item 1), and so do the package-cache rules DF030, DF031, DF034, DF035 and DF036 (misc item 3).
 */
export function copySourceOnlyStages(ctx: DockerfileContext, options: { stageCandidates?: boolean } = {}): ReadonlySet<Stage> {
  return options.stageCandidates ? ctx.fact(COPY_SOURCE_ONLY_BY_CANDIDATES, readCopySourceOnlyByCandidates) : ctx.fact(COPY_SOURCE_ONLY, readCopySourceOnly);
}

function computeCopySourceOnly(ctx: DockerfileContext, stageCandidates: boolean): ReadonlySet<Stage> {
  const none: ReadonlySet<Stage> = new Set();
  if (ctx.stages.length < 2) return none;
  const builtOn = new Set<Stage>();
  // The stages that may build on each stage: those whose FROM names it, and those whose FROM is not known and may name
  // it — a `FROM name-$ARG` (with stageCandidates) the stages its literal parts match, any other unknown base every
  // earlier stage. A stage is grown into a builder only when all of them are builders (review 44b, F1: the per-arch
  // `build-amd64` under `FROM build-$TARGETARCH AS build`, only copied from, is one; `runtime-amd64` under a final
  // `FROM runtime-$TARGETARCH` is not, whatever else builds on it).
  const mayBuildOn = new Map<Stage, Stage[]>();
  const addChild = (base: Stage, child: Stage) => {
    const list = mayBuildOn.get(base);
    if (list) list.push(child);
    else mayBuildOn.set(base, [child]);
  };
  for (const s of ctx.stages) {
    for (const ancestor of stageChain(s).slice(1)) builtOn.add(ancestor);
    if (s.base.kind === 'stage') addChild(s.base.stage, s);
    if (s.base.kind !== 'unknown') continue;
    // A `FROM name-$ARG` whose literal parts match earlier stages' names names one of them (review 42f, item 1).
    const candidates = stageCandidates ? stagesItCouldName(ctx, s) : [];
    for (const c of candidates) {
      addChild(c, s);
      for (const st of stageChain(c)) builtOn.add(st);
    }
    if (candidates.length > 0) continue;
    // A base that cannot be resolved (`FROM ${BASE}`) may name any earlier stage: each may be built on.
    // An unresolved base of the builder itself changes nothing about the stages after it (review 13, probe df-06).
    for (const earlier of ctx.stages) {
      if (earlier.index >= s.index) continue;
      builtOn.add(earlier);
      addChild(earlier, s);
    }
  }
  const copied = new Set<Stage>();
  for (const stage of ctx.stages) {
    for (const ins of stage.instructions) {
      const keyword = ins.getKeyword();
      const values: string[] = [];
      if (keyword === 'COPY') {
        const v = flagNamed(ins, 'from')?.getValue();
        if (v) values.push(v);
      } else if (keyword === 'RUN') {
        for (const f of flagsOf(ins)) {
          if (f.getName().toLowerCase() !== 'mount') continue;
          const from = mountOptions(f.getValue() ?? '').get('from');
          if (from !== undefined) values.push(from);
        }
      }
      for (const v of values) {
        const target = copyFromTarget(ctx, stage, v);
        if (target.kind === 'variable') {
          const candidates = stagesFromCouldName(ctx, stage, v);
          if (candidates === 'any') return none;
          for (const c of candidates) copied.add(c);
        }
        if (target.kind === 'stage') copied.add(target.stage);
      }
    }
  }
  const out = new Set<Stage>();
  for (const s of copied) if (!s.isFinal && !builtOn.has(s)) out.add(s);
  // A stage that only such stages build on reaches no image either (linkding's `build-deps`, the base of
  // `compile-icu`, which is only copied from): its layers are theirs.
  for (let grew = out.size > 0; grew; ) {
    grew = false;
    for (const s of ctx.stages) {
      if (s.isFinal || out.has(s)) continue;
      const children = mayBuildOn.get(s) ?? [];
      if (children.length > 0 && children.every((c) => out.has(c))) {
        out.add(s);
        grew = true;
      }
    }
  }
  return out;
}

/**
 * The earlier stages a `--from` value with a variable may name. BuildKit does not expand it (since
 * moby/buildkit#6153 it fails: "variable expansion is not supported for --from"); Buildah and Podman expand
 * ARGs there. So, as FROM reads a name: a value that the global ARG defaults make an earlier stage's name
 * is that stage; else the stages whose names its literal parts match (`build-$TARGETARCH`: `build-amd64`,
 * `build-arm64`; stagesNameCouldBe); none when it matches none (`$REGISTRY/tool:1` names an image, not a stage);
 * 'any' for a value that is nothing but a variable (`--from=$SRC` may name any stage).
 */
function stagesFromCouldName(ctx: DockerfileContext, stage: Stage, value: string): Stage[] | 'any' {
  const v = stripQuotes(value.trim());
  const resolved = ctx.resolveGlobal(v)?.toLowerCase();
  const named = resolved ? ctx.stages.find((s) => s.index < stage.index && s.name === resolved) : undefined;
  if (named) return [named];
  if (/^\$(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)$/.test(v)) return 'any';
  return stagesNameCouldBe(ctx, v, stage.index);
}

/**
 * Every image a Dockerfile pulls: FROM bases (all stages), external `COPY --from=` images and the
 * images a `RUN --mount=…,from=<image>` mounts, with where they are written.
 */
export interface PulledImage {
  ref: ImageRef;
  /** Document offsets of the reference as written (the FROM image, the `--from` value, or the mount's `from=` value). */
  start: number;
  end: number;
  source: 'from' | 'copy-from' | 'mount-from';
  /** The reference text came (partly) from ARG defaults. */
  viaArg: boolean;
  /** The `docker-image://` build context, given by compose, that the written name stands for: `ref` is its image. */
  context?: string;
  /** start/end are the reference as written; false when they are the whole flag (a mount whose value is not written as it reads). */
  exact: boolean;
  stage: Stage;
}

/** pulledImages' answer per analysis (DockerfileContext.fact: build contexts come from its workspace): DF001, DF002 and DF004 each ask it. */
const PULLED_IMAGES = Symbol('pulledImages');

export function pulledImages(ctx: DockerfileContext): readonly PulledImage[] {
  return ctx.fact(PULLED_IMAGES, readPulledImages);
}

function readPulledImages(ctx: DockerfileContext): PulledImage[] {
  const out: PulledImage[] = [];
  for (const stage of ctx.stages) {
    if (stage.base.kind === 'image') {
      const r = stage.from.getImageRange();
      // `FROM node` with a build context named `node` builds on the context (review 18, probe 03), also
      // when an ARG names it (`FROM ${BASE}`: review 19, probe 03); a context named like the stage
      // replaces the whole stage, whose base is then never pulled (probe 05).
      const named = namedContextTarget(ctx, stage.base.ref.text);
      const replaced = stage.name !== null && namedContextTarget(ctx, stage.name) !== undefined;
      if (r && named?.kind !== 'context' && !replaced) {
        const ref = named ? named.ref : stage.base.ref;
        out.push({ ref, start: ctx.offsetAt(r.start), end: ctx.offsetAt(r.end), source: 'from', viaArg: stage.base.viaArg, ...(named ? { context: named.context } : {}), exact: true, stage });
      }
    }
    for (const ins of stage.instructions) {
      const keyword = ins.getKeyword();
      if (keyword !== 'COPY' && keyword !== 'RUN') continue;
      // Most COPY and RUN instructions have no `--from`/`--mount` flag: their flags are not parsed then.
      // An instruction continued over lines may split the flag's name (`--mo\` + `unt=…`: review 22, probe 05): always parsed
      // (asked first: a RUN continued over lines finds its first line break long before the end it would search to for the flag).
      const r = ins.getRange();
      const written = ctx.text.slice(ctx.offsetAt(r.start), ctx.offsetAt(r.end));
      if (!written.includes('\n') && !written.includes(keyword === 'COPY' ? '-from' : '-mount')) continue;
      if (keyword === 'COPY') {
        const from = flagNamed(ins, 'from');
        const value = from?.getValue();
        const vr = from?.getValueRange();
        if (!value || !vr) continue;
        const target = copyFromTarget(ctx, stage, value);
        if (target.kind !== 'image') continue;
        // The reference inside the quotes, when the value is quoted whole; quotes inside it leave no exact place for a pin.
        const quoted = unquote(value) !== value ? 1 : 0;
        const start = ctx.offsetAt(vr.start) + quoted;
        const end = ctx.offsetAt(vr.end) - quoted;
        out.push({ ref: target.ref, start, end, source: 'copy-from', viaArg: false, ...(target.context ? { context: target.context } : {}), exact: ctx.text.slice(start, end) === stripQuotes(value), stage });
      } else if (keyword === 'RUN') {
        for (const f of flagsOf(ins)) {
          if (f.getName().toLowerCase() !== 'mount') continue;
          const from = mountFromOption(ctx, f);
          if (!from) continue;
          const target = copyFromTarget(ctx, stage, from.value);
          if (target.kind !== 'image') continue;
          out.push({ ref: target.ref, start: from.start, end: from.end, source: 'mount-from', viaArg: false, ...(target.context ? { context: target.context } : {}), exact: from.exact, stage });
        }
      }
    }
  }
  return out;
}

/** How a message names where a pulled image is written. */
export function pulledImageLabel(source: PulledImage['source']): string {
  return source === 'copy-from' ? 'COPY --from image' : source === 'mount-from' ? 'RUN --mount image' : 'Image';
}

/** What a message adds about where a pulled image's reference comes from: an ARG default, or a build context compose gives. */
export function pulledImageVia(d: { viaArg: boolean; context?: string }): string {
  if (d.context) return ` (the build context ${d.context} that compose gives it)`;
  return d.viaArg ? ' (from the ARG default)' : '';
}

/**
 * The `from=` option of a `--mount` flag (`type=bind,from=composer:2,source=…`) with its document
 * offsets, quotes excluded; the last one when it is given twice, as BuildKit reads it. Fields may be
 * quoted as CSV fields (`"from=quay.io/x:1"`). When the flag's value is not written as it reads (a line
 * continuation inside it: review 18, probe 01), the offsets are the flag's and `exact` is false.
 */
function mountFromOption(ctx: DockerfileContext, flag: Flag): { value: string; start: number; end: number; exact: boolean } | null {
  const value = flag.getValue();
  const vr = flag.getValueRange();
  if (!value || !vr) return null;
  const base = ctx.offsetAt(vr.start);
  const exact = ctx.text.slice(base, ctx.offsetAt(vr.end)) === value;
  let found: { value: string; start: number; end: number; exact: boolean } | null = null;
  let at = 0;
  for (const part of value.split(',')) {
    // A field quoted whole (`"from=…"`), or its value quoted (`from="…"`).
    const fieldQuoted = /^\s*(["'])(.*)\1\s*$/.exec(part);
    const field = fieldQuoted ? fieldQuoted[2] : part;
    const fieldAt = at + (fieldQuoted ? part.indexOf(fieldQuoted[1]) + 1 : 0);
    const eq = field.indexOf('=');
    if (eq !== -1 && field.slice(0, eq).trim().toLowerCase() === 'from') {
      const raw = field.slice(eq + 1);
      const lead = raw.length - raw.trimStart().length;
      const written = raw.trim();
      const quoted = /^(["'])(.*)\1$/.exec(written);
      const inner = stripQuotes(quoted ? quoted[2] : written);
      const start = base + fieldAt + eq + 1 + lead + (quoted ? 1 : 0);
      if (!inner) found = null;
      else if (exact && ctx.text.slice(start, start + inner.length) === inner) found = { value: inner, start, end: start + inner.length, exact: true };
      else {
        const fr = flag.getRange();
        found = { value: inner, start: ctx.offsetAt(fr.start), end: ctx.offsetAt(fr.end), exact: false };
      }
    }
    at += part.length + 1;
  }
  // The whole value quoted (`--mount="type=bind,target=/x,from=node"`): read without its quotes, reported on the flag.
  if (!found && (value.includes('"') || value.includes("'"))) {
    const from = mountOptions(stripQuotes(value)).get('from');
    const fr = flag.getRange();
    if (from) found = { value: from, start: ctx.offsetAt(fr.start), end: ctx.offsetAt(fr.end), exact: false };
  }
  return found;
}

/** `registry/path` of an image with Docker Hub spelled out (`node` → `docker.io/library/node`). */
export function imagePath(ref: ImageRef): string {
  const registry = (ref.registry ?? 'docker.io').toLowerCase();
  const repo = registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  return `${registry}/${repo}`;
}

/** Normalizes an allow-list entry: lower case, no scheme, no trailing slash, Docker Hub aliases → `docker.io`. */
export function normalizeRegistryEntry(entry: string): string {
  let e = entry.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/\/+$/, '');
  const slash = e.indexOf('/');
  const host = slash === -1 ? e : e.slice(0, slash);
  if (host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'hub.docker.com' || host === 'registry.hub.docker.com') {
    e = 'docker.io' + (slash === -1 ? '' : e.slice(slash));
  }
  return e;
}

/** Whether an image is allowed by an entry: a host (`ghcr.io`, `*.corp.example`), a host and path prefix (`ghcr.io/acme`), or `*` (any). */
export function registryAllows(entry: string, ref: ImageRef): boolean {
  const e = normalizeRegistryEntry(entry);
  if (e === '') return false;
  // `*` allows every registry, as in hadolint's trustedRegistries (DL3026; review 45b, item 10).
  if (e === '*') return true;
  const p = imagePath(ref);
  if (e.startsWith('*.')) {
    const host = p.slice(0, p.indexOf('/'));
    return host.endsWith(e.slice(1));
  }
  return p === e || p.startsWith(e + '/');
}

/** Local file names ADD may unpack as a tar archive (Docker decides by content; the name is the only hint a linter has). */
const ARCHIVE_NAME = /\.(?:tar|tgz|taz|tbz|tbz2|tb2|txz|tlz|tzst|tz|gz|bz2|xz|lz|lzma|zst|zstd|z)$/i;

/**
 * A compressed file named for what it holds that is no tar (`seed.sql.gz`, `GeoLite2-City.mmdb.gz`):
 * ADD unpacks a local file only when its decompressed stream is a tar archive (moby's archive
 * detection), and copies anything else as it is, compressed (review 33, probe p30).
 */
const COMPRESSED_PLAIN_FILE = /\.(?:sql|json|jsonl|ndjson|csv|tsv|txt|log|xml|ya?ml|html?|js|css|md|mmdb|dat|bin|img|iso|pdf|svg|wasm)\.(?:gz|bz2|xz|lz|lzma|zst|zstd|z)$/i;

export function looksLikeArchive(name: string): boolean {
  const n = name.replace(/\/+$/, '');
  return ARCHIVE_NAME.test(n) && !COMPRESSED_PLAIN_FILE.test(n);
}

/** Whether a glob source could match an archive by name (`*`, `dist/*`, `*.tar.gz`, `pkg-?`). */
export function globMayMatchArchive(pattern: string): boolean {
  if (!/[*?[]/.test(pattern)) return false;
  const last = pattern.replace(/\/+$/, '').split('/').pop() ?? '';
  if (/[*?\]]$/.test(last)) return true; // the end of the name is free
  return looksLikeArchive(last);
}

export type AddSourceKind = 'local' | 'archive' | 'url' | 'git' | 'heredoc' | 'unknown';

/** Classifies an ADD source as the Dockerfile reference describes (http(s)/git@ prefixes, Git addresses, local paths). */
export function addSourceKind(value: string): AddSourceKind {
  const v = unquote(value);
  if (v.startsWith('<<')) return 'heredoc';
  if (v.includes('$')) return 'unknown';
  if (/^git@/i.test(v) || /^git:\/\//i.test(v) || /^ssh:\/\//i.test(v)) return 'git';
  if (/^https?:\/\//i.test(v)) {
    const path = v.replace(/#.*$/, '');
    return /\.git\/?$/i.test(path) || /^https?:\/\/[^/]+\/[^#]*\.git#/i.test(v) ? 'git' : 'url';
  }
  if (looksLikeArchive(v) || globMayMatchArchive(v)) return 'archive';
  return 'local';
}

/** A Git source pinned to a full commit in its URL fragment (`repo.git#<40 hex>`). */
export function gitPinnedByCommit(value: string): boolean {
  const frag = /#([^:]*)/.exec(unquote(value));
  return !!frag && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i.test(frag[1]);
}

/**
 * Whether a chmod-style mode makes a path writable by others: octal with the others' write bit
 * (`777`, `0666`, `-R 777`), or a symbolic clause giving `w` to `o` or `a` (`a+w`, `o=rwx`, `ugo+rwx`)
 * or the owner's permissions (`go=u`, livebook's `chmod -R go=u /app`).
 * Modes with the sticky bit (`1777`, `+t`) are shared temporary directories by design and are not
 * reported — unless `recursive` (`chmod -R 1777 dir`): the mode then also goes on every file below,
 * where the sticky bit protects nothing (review 41c, item 7). `+w` without who follows the umask
 * (usually 022) and is not reported either.
 */
export function isWorldWritableMode(mode: string, recursive = false): boolean {
  const m = mode.trim();
  // Octal: GNU chmod takes any number of digits up to the value 07777 (`00755`, `0000777`: gnulib
  // mode_compile); more is an invalid mode, which changes nothing.
  if (/^[0-7]+$/.test(m)) {
    const value = parseInt(m, 8);
    return value <= 0o7777 && (value & 0o2) !== 0 && (recursive || (value & 0o1000) === 0);
  }
  if (!/^[ugoa]*(?:[-+=][rwxXstugo]*)+(?:,[ugoa]*(?:[-+=][rwxXstugo]*)+)*$/.test(m)) return false;
  let writable = false;
  let sticky = false;
  for (const clause of m.split(',')) {
    const who = /^[ugoa]*/.exec(clause)![0];
    const ops = clause.slice(who.length);
    const othersNamed = who.includes('o') || who.includes('a');
    for (const op of ops.matchAll(/([-+=])([rwxXstugo]*)/g)) {
      if (op[2].includes('t') && op[1] !== '-') sticky = true;
      if (!othersNamed) continue;
      // `go=u` copies the owner's permissions, which include write for the files the owner (root) wrote.
      if ((op[1] === '+' || op[1] === '=') && (op[2].includes('w') || op[2] === 'u')) writable = true;
      if (op[1] === '-' && op[2].includes('w')) writable = false;
    }
  }
  return writable && (recursive || !sticky);
}

/** Official images whose default user is not root (their Dockerfiles end with a non-root USER). */
const NON_ROOT_OFFICIAL = new Set(['sonarqube', 'solr', 'odoo', 'kibana', 'logstash', 'elasticsearch', 'jenkins', 'neo4j', 'couchbase', 'rocket.chat', 'node-red', 'jetty', 'open-liberty', 'websphere-liberty']);

/** An official image whose default user is not root (`sonarqube`, `solr:8.11`…; see NON_ROOT_OFFICIAL). */
export function officialImageRunsAsNonRoot(ref: ImageRef): boolean {
  return NON_ROOT_OFFICIAL.has(officialImageName(ref) ?? '');
}

export type RunUser = 'root' | 'non-root' | 'unknown';

function userValueKind(ctx: DockerfileContext, ins: Instruction): RunUser {
  const raw = ins.getArgumentsContent();
  if (raw === null) return 'unknown';
  const value = resolveAt(ctx, raw.trim(), ins.getRange().start.line);
  if (value === null) return 'unknown';
  return isRootUser(value) ? 'root' : 'non-root';
}

/**
 * The user an instruction of a stage runs as: the last USER before it in the stage, else the user the
 * stage inherits (an earlier stage's last USER, or the base image's default). Base images are known
 * to default to root only for `scratch` and official images (minus the few that switch user).
 */
const userInstructions = new WeakMap<Stage, Instruction[]>();

/** The USER instructions of a stage, in order (computed once per parsed stage). */
function usersOf(stage: Stage): Instruction[] {
  let users = userInstructions.get(stage);
  if (!users) {
    users = stage.instructions.filter((i) => i.getKeyword() === 'USER');
    userInstructions.set(stage, users);
  }
  return users;
}

export function userAt(ctx: DockerfileContext, stage: Stage, ins: Instruction): RunUser {
  const line = ins.getRange().start.line;
  let current: Stage | undefined = stage;
  let limit = line;
  for (let depth = 0; current && depth < 64; depth++) {
    const users = usersOf(current);
    for (let i = users.length - 1; i >= 0; i--) {
      if (users[i].getRange().start.line < limit) return userValueKind(ctx, users[i]);
    }
    const base: BaseImage = current.base;
    if (base.kind === 'stage') {
      current = base.stage;
      limit = Infinity;
      continue;
    }
    if (base.kind === 'scratch') return 'root';
    if (base.kind === 'image') {
      const official = officialImageName(base.ref) ?? '';
      if (OFFICIAL_IMAGE_NAMES.has(official) && !NON_ROOT_OFFICIAL.has(official)) return 'root';
    }
    return 'unknown';
  }
  return 'unknown';
}

/** The keyword as the file writes it (`ADD`, `add`): new keywords follow the same case. */
export function keywordCase(written: string, keyword: string): string {
  return written === written.toLowerCase() ? keyword.toLowerCase() : keyword.toUpperCase();
}

/**
 * Whether an ENV or ARG instruction may have a property (dockerfile-ast's getProperties) whose name or value holds a
 * match of `pattern`, judged from the instruction's text without asking for its properties (their first reading is
 * most of what a rule that only looks for a few names pays). Conservative: true whenever the text cannot tell.
 * dockerfile-ast makes each name and value of the text between the instruction's start and end, dropping only
 * enclosing quotes, leading blanks and a `#` comment at the end, unless the text holds the escape character (an
 * escaped character, a continued line or a comment line inside it) or a carriage return not followed by a line feed
 * (which its readings take apart from other characters): without either, every name and value is one piece of
 * that text, so a `pattern` that matches text anywhere (no anchors, no look-around) and finds nothing in it finds
 * nothing in them. With either, the answer is true (the properties must be read).
 */
export function mayHoldPropertyText(ctx: DockerfileContext, ins: Instruction, pattern: RegExp): boolean {
  const range = ins.getRange();
  const start = ctx.offsetAt(range.start);
  const end = ctx.offsetAt(range.end);
  const text = ctx.text;
  // Searched in the instruction's own text: a search of the whole text from `start` read the rest of the file for
  // each instruction that has neither character (quadratic in a file of many ENV lines).
  const written = text.slice(start, end);
  if (written.includes(ctx.escapeChar)) return true;
  // The character after a carriage return is read in the whole text (a return that ends the instruction's text).
  for (let cr = written.indexOf('\r'); cr !== -1; cr = written.indexOf('\r', cr + 1)) if (text.charCodeAt(start + cr + 1) !== 10) return true;
  return pattern.test(written);
}
