import * as path from 'node:path';
import { type Node, type YAMLMap } from 'yaml';
import { isMap, isScalar, isSeq } from '../engine/yaml-guards';
import { scalarString, type ComposeContext, type EnvVar, type Service } from '../engine/compose';
import { ExtendedEnv, lookupKey } from '../engine/compose-lookup';
import { serviceImage } from '../engine/datastores';
import { interpolate } from '../engine/interpolate';
import { isIgnoredByGitignore } from '../engine/repo';
import { defaultPairPartner, topLevelLayers, topLevelValue, touchesTopLevel } from '../engine/override-top-level';
import { defineRule } from '../engine/rule';
import type { FileChange, Fix, TextEdit } from '../engine/types';
import { literalValue } from './DC040-secret-inline';
import { appendLineEdit, appendToMapEdit, mapIndent } from '../engine/yaml-edit';

type Image = 'postgres' | 'mysql' | 'mariadb' | 'mongo';

/**
 * Images whose entrypoint reads `<VAR>_FILE` (docker-library's `file_env`), by repository on Docker Hub,
 * and the secret variables it reads that way.
 */
const IMAGES: Record<string, Image> = {
  postgres: 'postgres',
  'postgis/postgis': 'postgres',
  'timescale/timescaledb': 'postgres',
  'pgvector/pgvector': 'postgres',
  mysql: 'mysql',
  mariadb: 'mariadb',
  mongo: 'mongo',
};

const FILE_VARS: Record<Image, string[]> = {
  postgres: ['POSTGRES_PASSWORD'],
  mysql: ['MYSQL_ROOT_PASSWORD', 'MYSQL_PASSWORD'],
  mariadb: ['MARIADB_ROOT_PASSWORD', 'MARIADB_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'MYSQL_PASSWORD'],
  mongo: ['MONGO_INITDB_ROOT_PASSWORD'],
};

interface Data {
  service: string;
  image: Image;
  name: string;
  env: EnvVar;
}

/** The image a service runs when it is one of the images above (Docker Hub only). */
function fileEnvImage(ctx: ComposeContext, service: Service): Image | undefined {
  const ref = serviceImage(ctx, service);
  if (!ref || ref.registry !== null) return undefined;
  return Object.hasOwn(IMAGES, ref.repository) ? IMAGES[ref.repository] : undefined;
}

/** The value Compose passes for an entry (literal, from `.env`, or a default), or null when unknown. */
function valueOf(ctx: ComposeContext, env: EnvVar): string | null {
  if (env.value === null) return null;
  const vars = ctx.dotenv()?.values;
  return interpolate(env.value, (n) => vars?.get(n)).value;
}

/** Indentation unit of the file: a service's keys relative to its name. */
function indentUnit(ctx: ComposeContext, service: Service): string | undefined {
  const keys = mapIndent(ctx, service.map);
  if (keys === undefined || !service.nameNode.range) return undefined;
  const nameCol = ctx.lines.positionAt(service.nameNode.range[0]).character;
  const unit = keys.length - nameCol;
  return unit > 0 ? ' '.repeat(unit) : undefined;
}

/** The secret's name and file: `postgres_password`, or `<service>_postgres_password` when that is taken by another value. */
function chooseSecret(ctx: ComposeContext, service: Service, name: string, value: string, top: YAMLMap | null): { secret: string; rel: string; abs: string; exists: boolean; declared: boolean } | undefined {
  const candidates = [name.toLowerCase(), `${service.name}_${name}`.toLowerCase().replace(/[^a-z0-9_.-]/g, '_')];
  for (const secret of candidates) {
    // `file:` resolves against the project directory (an included file's may be another folder).
    const rel = `./secrets/${secret}.txt`;
    const abs = path.join(ctx.projectDir, 'secrets', `${secret}.txt`);
    const content = ctx.workspace.readText(abs);
    if (content !== undefined && content.replace(/\r?\n$/, '') !== value) continue;
    // The merged project's definition (the default override may define the secret too, and its `file:` wins): a
    // name it gives another file would hand the service that file's content (review item 2, ovr2).
    const partner = defaultPairPartner(ctx);
    if (partner && touchesTopLevel(partner.other, 'secrets', secret)) {
      const file = topLevelValue(topLevelLayers(ctx, service.doc, 'secrets', secret), ['file']);
      const written = file ? scalarString(file.node) : null;
      if (written === null || path.resolve(ctx.projectDir, written) !== abs) continue;
    }
    let declared = false;
    if (top) {
      const entry = ctx.get(service.doc, top, secret);
      if (entry) {
        const file = entry.value && isMap(entry.value) ? scalarString(ctx.get(service.doc, entry.value, 'file')?.value) : null;
        if (file === null || path.resolve(ctx.projectDir, file) !== abs) continue;
        declared = true;
      }
    }
    return { secret, rel, abs, exists: content !== undefined, declared };
  }
  return undefined;
}

/**
 * Where the variable's name ends as written: after the name itself, inside the quotes of a quoted key
 * (`"POSTGRES_PASSWORD": …`). Undefined when the key is written in another way (escapes, a block
 * scalar), where appending to the text would not append to the name.
 */
function nameContentEnd(ctx: ComposeContext, env: EnvVar): TextEdit['range']['end'] | undefined {
  const start = ctx.lines.offsetAt(env.nameRange.start);
  const end = ctx.lines.offsetAt(env.nameRange.end);
  const written = ctx.text.slice(start, end);
  if (written === env.name) return env.nameRange.end;
  const quote = written[0];
  if ((quote === '"' || quote === "'") && written.length === env.name.length + 2 && written.endsWith(quote) && written.slice(1, -1) === env.name) {
    return ctx.lines.positionAt(end - 1);
  }
  return undefined;
}

function refactorFix(ctx: ComposeContext, service: Service, data: Data): Fix | undefined {
  const env = data.env;
  if (!env.editable || !env.valueRange || env.value === null) return undefined;
  const value = valueOf(ctx, env);
  if (value === null || value === '' || /[\r\n]/.test(value)) return undefined;
  const root = service.doc.contents;
  if (!root || !isMap(root) || root.flow) return undefined;
  // Compose file format 1 and 2.x have no `secrets:`.
  const version = scalarString(ctx.get(service.doc, root, 'version')?.value);
  if (version !== null && /^[12](?:\.|$)/.test(version.trim())) return undefined;
  // A healthcheck or command that reads the variable in the container would lose it.
  const r = service.map.range;
  if (!r) return undefined;
  const serviceText = ctx.text.slice(r[0], r[1]);
  const uses = serviceText.match(new RegExp(`\\$\\$?\\{?${data.name}\\b(?!_FILE)`, 'g')) ?? [];
  const ownUse = env.value.match(new RegExp(`\\$\\{?${data.name}\\b`, 'g'))?.length ?? 0;
  if (uses.length > ownUse) return undefined;
  // An env_file may set the variable too: the entrypoint (docker-library's file_env) then refuses to start, "both
  // POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are set (but are exclusive)" (review 39b, F5).
  if (lookupKey(ctx, service, 'env_file') !== undefined) return undefined;
  const unit = indentUnit(ctx, service);
  if (!unit) return undefined;

  const topEntry = ctx.get(service.doc, root, 'secrets');
  if (topEntry && (!topEntry.own || topEntry.shared || !topEntry.value || !isMap(topEntry.value) || topEntry.value.flow)) return undefined;
  const top = topEntry ? (topEntry.value as YAMLMap) : null;
  const chosen = chooseSecret(ctx, service, data.name, value, top);
  if (!chosen) return undefined;
  const { secret, rel, abs } = chosen;

  const edits: TextEdit[] = [];
  // 1. NAME: value → NAME_FILE: /run/secrets/<secret> (inside the quotes of a quoted key).
  const nameEnd = nameContentEnd(ctx, env);
  if (!nameEnd) return undefined;
  edits.push({ range: { start: nameEnd, end: nameEnd }, newText: '_FILE' });
  edits.push({ range: env.valueRange, newText: `/run/secrets/${secret}` });
  // 2. The service's `secrets:` list.
  const own = ctx.serviceGet(service, 'secrets');
  if (own) {
    if (!own.own || own.shared || !own.value || !isSeq(own.value) || own.value.flow || own.value.items.length === 0) return undefined;
    const listed = own.value.items.some((item) => {
      const n = ctx.resolve(service.doc, item as Node);
      if (n && isScalar(n)) return String(n.value) === secret;
      return !!n && isMap(n) && scalarString(ctx.get(service.doc, n, 'source')?.value) === secret;
    });
    if (!listed) {
      const edit = appendSeqItemEdit(ctx, own.value.items as Node[], secret);
      if (!edit) return undefined;
      edits.push(edit);
    }
  } else {
    const edit = appendToMapEdit(ctx, service.map, ['secrets:', `${unit}- ${secret}`]);
    if (!edit) return undefined;
    edits.push(edit);
  }
  // 3. The top-level `secrets:` with the file.
  if (!chosen.declared) {
    const lines = [`${secret}:`, `${unit}file: ${rel}`];
    const edit = top ? appendToMapEdit(ctx, top, lines) : appendToMapEdit(ctx, root, ['secrets:', ...lines.map((l) => unit + l)]);
    if (!edit) return undefined;
    edits.push(edit);
  }
  const changes: FileChange[] = [{ kind: 'edit', path: ctx.path, edits }];
  // 4. The secret file, and 5. git ignores it.
  if (!chosen.exists) changes.push({ kind: 'create', path: abs, content: value });
  // The committed `.gitignore` files only (isIgnoredByGitignore): a teammate's clone commits what only this one's
  // info/exclude or the user's own ignore file hides.
  if (!isIgnoredByGitignore(ctx.workspace, abs, ctx.dir)) {
    // Beside the `secrets/` folder, so that its `secrets/` line covers it.
    const gitignorePath = path.join(path.dirname(path.dirname(abs)), '.gitignore');
    const gitignore = ctx.workspace.readText(gitignorePath);
    if (gitignore === undefined) changes.push({ kind: 'create', path: gitignorePath, content: 'secrets/\n' });
    else changes.push({ kind: 'edit', path: gitignorePath, edits: [appendLineEdit(gitignore, 'secrets/')] });
  }
  return { title: `Pass ${data.name} as a secret file (${data.name}_FILE)`, safe: false, changes };
}

/** Appends `- text` after the last item of a block sequence, at the items' indentation. */
function appendSeqItemEdit(ctx: ComposeContext, items: Node[], text: string): TextEdit | undefined {
  const first = items[0];
  const last = items[items.length - 1];
  if (!first?.range || !last?.range) return undefined;
  const pos = ctx.lines.positionAt(first.range[0]);
  const before = ctx.lines.lineText(pos.line).slice(0, pos.character);
  const m = /^([ ]*)-[ ]+$/.exec(before);
  if (!m) return undefined;
  let line = ctx.lines.positionAt(last.range[1]).line;
  if (ctx.lines.positionAt(last.range[1]).character === 0 && last.range[1] > last.range[0]) line = ctx.lines.positionAt(last.range[1] - 1).line;
  const at = { line, character: ctx.lines.lineText(line).length };
  return { range: { start: at, end: at }, newText: `${ctx.lines.eol}${m[1]}- ${text}` };
}

export default defineRule<'compose', Data>({
  code: 'DC042',
  name: 'secret-not-file-based',
  kind: 'compose',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: 'A postgres, mysql, mariadb or mongo password is passed in an environment variable, not a file (`<VAR>_FILE`).',
    what: 'Reports a password passed as an environment variable to an image whose entrypoint can read it from a file instead: the official `postgres` image (and `postgis/postgis`, `timescale/timescaledb`, `pgvector/pgvector`, built on it) for `POSTGRES_PASSWORD`, `mysql` for `MYSQL_ROOT_PASSWORD` / `MYSQL_PASSWORD`, `mariadb` for `MARIADB_ROOT_PASSWORD` / `MARIADB_PASSWORD` (and their `MYSQL_*` spellings), `mongo` for `MONGO_INITDB_ROOT_PASSWORD` — whether the value is inline, interpolated from `.env` or passed through. Not reported when `<VAR>_FILE` is set too, nor for an empty value (`- MYSQL_ROOT_PASSWORD=`, `POSTGRES_PASSWORD: ""`, a template to fill in): it passes no password, so there is nothing to move into a file, and the entrypoints treat it as unset (docker-library\'s `file_env` tests `[ "${VAR:-}" ]`; a new database is then not initialized without a switch such as `MARIADB_ALLOW_EMPTY_ROOT_PASSWORD`, `MYSQL_RANDOM_ROOT_PASSWORD` or `POSTGRES_HOST_AUTH_METHOD=trust`, whose empty-password cases DC041 reports). A value written as a variable (`${DB_ROOT_PASSWORD}`) is reported whatever `.env` gives it: the shell that runs Compose may set it. Other registries and vendor images (Bitnami, `mysql/mysql-server`) are not reported: their variables differ. RabbitMQ is left out: its image dropped the `*_FILE` variables. The image may be inherited through `extends:` (same file or another compose file of the workspace), and a `<VAR>_FILE` set in the base counts; a password written in the base is reported there. A service with `extends:` gets no fix: the base may set or read the variable too, and a variable and its `_FILE` form must not both be set.',
    why: 'An environment variable is visible to everything that can inspect the container — `docker inspect`, `docker compose config`, `/proc/<pid>/environ` in the container, crash reports and child processes that inherit it — while a secret file is mounted read-only at `/run/secrets/<name>` and read once by the entrypoint. SECURITY-GUIDELINES.md §5 Secrets Management: "Use environment variables or secrets management: Docker Secrets". Info level: environment variables from a git-ignored `.env` are acceptable; secrets files are the stronger option.',
    bad: 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}',
    good: 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password\n    secrets:\n      - postgres_password\nsecrets:\n  postgres_password:\n    file: ./secrets/postgres_password.txt   # git-ignored',
    fix: '"Pass POSTGRES_PASSWORD as a secret file" renames the variable to `POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password`, adds `postgres_password` to the service\'s `secrets:` (creating the key), declares it under the top-level `secrets:` with `file: ./secrets/postgres_password.txt` (creating the key), creates that file with the value Compose passes today (inline, from `.env` or a default) and makes sure `.gitignore` ignores `secrets/` (judged from the committed `.gitignore` files only, as DC040\'s move to `.env` judges it: a `secrets/` that only `.git/info/exclude` or the user\'s own ignore file hides still gets the line; in no git repository from the `.gitignore` files from the compose file\'s folder down only) — one workspace edit that keeps the password. The secret file and the `.gitignore` that ignores it are in the project directory, where Compose resolves `file:` (for a file another compose file includes, the include\'s `project_directory:`). The name is `<service>_postgres_password` when `postgres_password` is already used for another value — also by the override `docker compose up` merges by default (`compose.override.yaml`), whose definition of the secret is merged over this file\'s (its `file:` would win, or its `!reset` would remove the secret). Only offered where exact: not when the value is unknown, empty or multi-line, sits in an anchor or alias, when `secrets:` is a flow collection or inherited, when the file format is `version: "2.x"`/`"1"` (no secrets), or when the service\'s command or healthcheck reads the variable in the container (it would be gone), nor for a service with an `env_file:` (its own, merged or extended: the file may set the variable too, and the entrypoint refuses to start when both `POSTGRES_PASSWORD` and `POSTGRES_PASSWORD_FILE` are set). Never applied by fix-all: the file must be readable by the container\'s user (a mode of 0644, or owned by it), and the entrypoint reads it only when it initializes an empty data directory.',
    guideline: '§5 Secrets Management — "Docker Secrets" (`docker secret create db_password`); checklist "All secrets configured externally"',
    equivalents: ['compose-lint CL-0020 (partly: literal credentials in environment)', 'Kubernetes linters\' "read-secret-from-env-var" (kube-linter) for the same idea in pods'],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#extends',
      'https://docs.docker.com/compose/how-tos/use-secrets/',
      'https://docs.docker.com/reference/compose-file/secrets/',
      'https://docs.docker.com/reference/compose-file/services/#secrets',
      'https://hub.docker.com/_/postgres',
      'https://hub.docker.com/_/mysql',
      'https://hub.docker.com/_/mariadb',
      'https://hub.docker.com/_/mongo',
      'https://github.com/docker-library/docs/blob/master/rabbitmq/content.md',
    ],
  },
  check(ctx) {
    const out = [];
    const seen = new Set<string>();
    for (const service of ctx.services) {
      const image = fileEnvImage(ctx, service);
      if (!image) continue;
      const envs = ctx.environment(service);
      const names = new Set(envs.map((e) => e.name));
      // Through `extends:` the image may be inherited, and the environment is merged with the base's:
      // a `_FILE` variable set there counts, and no fix is offered (the base may set or use the variable too).
      const extended = ctx.serviceGet(service, 'extends') ? new ExtendedEnv(ctx, service) : null;
      for (const env of envs) {
        if (!FILE_VARS[image].includes(env.name)) continue;
        // An empty value passes no password: nothing to move into a file (the entrypoints treat it as unset and
        // refuse to initialize without one of the ALLOW_EMPTY/RANDOM switches), as DC040 and DC041 skip it.
        if (env.value === '') continue;
        if (names.has(`${env.name}_FILE`)) continue;
        if (extended && extended.get(`${env.name}_FILE`).state !== 'unset') continue;
        const key = `${env.range.start.line}:${env.range.start.character}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ range: env.range, data: { service: service.name, image, name: env.name, env: extended ? { ...env, editable: false } : env } });
      }
    }
    return out;
  },
  secrets(d) {
    const literal = d.env.value === null ? null : literalValue(d.env.value);
    return literal === null ? [] : [literal];
  },
  secretRanges(d) {
    return d.env.value !== null && d.env.valueRange && literalValue(d.env.value) !== null ? [d.env.valueRange] : [];
  },
  message(d) {
    return `${d.name} of service '${d.service}' is passed as an environment variable; the ${d.image} image can read it from a secret file (${d.name}_FILE=/run/secrets/…).`;
  },
  fix(ctx, { data }) {
    const service = ctx.servicesNamed(data.service).find((s) => ctx.environment(s).some((e) => e.range.start.line === data.env.range.start.line));
    if (!service) return undefined;
    return refactorFix(ctx, service, data);
  },
});
