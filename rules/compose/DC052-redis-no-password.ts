import * as path from 'node:path';
import type { ComposeContext, Service } from '../engine/compose';
import { addToMapEdit, canAddToService, indentUnit } from '../engine/compose-insert';
import { serverEntryRange } from '../engine/compose-lookup';
import type { EnvLookup } from '../engine/env-files';
import { commandWords } from '../engine/compose-values';
import { companionServices } from '../engine/data-volumes';
import { decidedHere, ownCommand, redisFacts, redisFactsAsRun, redisOwnCause, type RedisFamily } from '../engine/redis-config';
import { mergedCommandRange } from '../engine/override-merge';
import { defineRule } from '../engine/rule';
import { generateSecret } from '../engine/secret-gen';
import { appendCommandArgsEdit, flowCommandText, type CommandValue } from '../engine/service-command';
import type { FileChange, Fix, Range, TextEdit } from '../engine/types';
import { ofService, placeOf, type Place } from '../engine/written-in';
import { dotenvTarget, envFileIntoImageNote, fromIncludingProject, moveToDotenvChanges } from './DC040-secret-inline';

const VAR = 'REDIS_PASSWORD';

interface Data {
  service: Service;
  family: RedisFamily;
  server: string;
  /** `--requirepass ""` is written: the password is empty. */
  emptyPassword: boolean;
  /** Bitnami: `ALLOW_EMPTY_PASSWORD=yes` is what turns authentication off. */
  allowEmpty: EnvLookup | null;
  /** How a fix adds the password: append to this `command:`, create a command, or none. */
  plan: { kind: 'append'; command: CommandValue } | { kind: 'create' } | null;
  /** ALLOW_EMPTY_PASSWORD written in an anchor several services merge (`<<: *redis`): where, and who uses it (one finding there). */
  place?: Place;
}

/**
 * The changes that make `${REDIS_PASSWORD}` resolve to a strong password: reuse the one in `.env`, else
 * generate one. For an included file whose including project defines the name (its `.env` wins over the
 * include's env files), that value is reused and no env file changes; none when it is empty or unknown.
 */
export function passwordDotenvChanges(ctx: ComposeContext, name: string): FileChange[] | null {
  const dotenv = ctx.dotenv();
  if (fromIncludingProject(ctx, name)) {
    const value = dotenv?.values.get(name);
    return value === undefined || value === null || value === '' ? null : [];
  }
  const existing = dotenv?.vars.get(name);
  if (existing !== undefined) return existing === '' ? null : moveToDotenvChanges(ctx, name, existing);
  return moveToDotenvChanges(ctx, name, generateSecret(name));
}

/**
 * Whether another default compose file of the project (`docker compose up` reads `compose.yaml` and
 * `compose.override.yaml` together) gives the same service a password: the merged service has it.
 */
function passwordInCompanion(ctx: ComposeContext, service: Service): boolean {
  for (const { ctx: other, service: s } of companionServices(ctx, service)) {
    if (redisFacts(other, s)?.auth === 'yes') return true;
    // An override that only sets the command (no image): the merged service runs that command.
    const command = other.serviceGet(s, 'command');
    if (!command || other.serviceGet(s, 'image')) continue;
    const words = commandWords(other, s.doc, command);
    if (words === null) return true; // interpolated without a value here: not judged
    const at = words.indexOf('--requirepass');
    if (at !== -1 && (words[at + 1] ?? '').replace(/^["']|["']$/g, '') !== '') return true;
  }
  return false;
}

const rule = defineRule<'compose', Data>({
  code: 'DC052',
  name: 'redis-no-password',
  kind: 'compose',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A Redis-family service lets clients in without a password (no `requirepass`, ACL or password variable).',
    what:
      'Flags a Redis-family service (Redis, Valkey, KeyDB, Redis Stack, Bitnami Redis/Valkey; by `image:` or as the base of a built image) that lets clients in without a password: no `--requirepass` on the server\'s command line (string or list form of `command:`/`entrypoint:`, also inside `sh -c "…"`), none in a config file that is bind-mounted from the workspace and given as the server\'s first argument, and none through the image\'s own variables (Bitnami `REDIS_PASSWORD`/`VALKEY_PASSWORD` or `*_PASSWORD_FILE`, where `ALLOW_EMPTY_PASSWORD=yes` turns authentication off; Redis Stack `REDIS_ARGS`). ' +
      'ACL setups (`--aclfile`, `--user`, `aclfile`/`user` in the config) count as authentication. The official image\'s `REDIS_PASSWORD` variable is not read by that image and does not count. A config file that is not in the workspace, a custom entrypoint script, a built image without `command:`, or a password from an unknown variable make the service unknown, not a finding. Through `extends:` (same file or another compose file of the workspace) the image, command, entrypoint and environment are read as Compose merges them: an inherited `--requirepass` counts. A service that writes none of them itself is not reported: the base is, where they are written (when the base is in a file that is not analyzed itself — not named like a compose file, not included and not extended from a default compose file such as `compose.yaml`, e.g. a `common-services.yml` that only `compose.dev.yaml` extends — it is reported on the extending service\'s name instead). No fix edits an inherited command; an own `command:` is created only when none is inherited. With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`, or `docker-compose.override.yml` beside `docker-compose.yml`; Compose merge, https://docs.docker.com/reference/compose-file/merge/) the merged service is judged, from either file: the override\'s `command:` or `entrypoint:` replaces this file\'s whole (`!reset` removes it: the image\'s default command runs), and its `environment:` is merged by key (`NAME: !reset null` and `environment: !reset`/`!override` drop this file\'s entries). The finding is reported in the file that writes the deciding `ALLOW_EMPTY_PASSWORD` entry, else in the file whose command runs (the override when it writes or drops `command:`/`entrypoint:`), and the fix edits that file\'s own command only — no command is created in a file whose `command:` the other file replaces or resets. A service the override resets or replaces whole (`!reset`/`!override` on the service) is judged in the override only; one whose `image:` or `build:` the override writes is judged as written in each file. Where the two files are not merged as one service (the override writes its `image:`, a file another includes or extends, a Swarm stack), not reported when the other default file gives the same service a password, or a command whose password is interpolated without a value here. A `ALLOW_EMPTY_PASSWORD=yes` written in an anchor that several services merge into `environment:` (`x-redis: &redis`, `<<: *redis`; YAML merge keys, https://yaml.org/type/merge.html, as Compose reads them) is reported once, where it is written, with no fix (the anchor is shared), and the message names the services that use it (`in x-redis (used by services \'cache\' and \'sessions\')`).',
    why:
      'The official Redis image turns protected mode off so that other containers can connect; a server without `requirepass` is then open to every container on its networks and to anyone who reaches a published port: they can read, change and delete every key (sessions, queues, cached tokens), and on Redis before 7.0 turn `CONFIG SET dir` + `SAVE` into writing files in the container. SECURITY-GUIDELINES.md §4 Data Security — Redis: "Password Protection – Requires authentication".',
    bad: 'services:\n  cache:\n    image: redis:8.0-alpine',
    good: 'services:\n  cache:\n    image: redis:8.0-alpine\n    command: ["redis-server", "--requirepass", "${REDIS_PASSWORD}"]\n# .env (git-ignored): REDIS_PASSWORD=<generated>   .env.example: REDIS_PASSWORD=',
    fix:
      '"Require a password (REDIS_PASSWORD in .env)" appends `--requirepass ${REDIS_PASSWORD}` to the service\'s `command:` (at the end of the string form; as new items, quoted like the others, in the list form), or creates `command: ["redis-server", "--requirepass", "${REDIS_PASSWORD}"]` (`valkey-server`/`keydb-server` for those images) when the service has neither `command:` nor `entrypoint:`. ' +
      'It then puts a generated 32-character password into the `.env` beside the compose file (keeping a `REDIS_PASSWORD` that is already there), and, as DC040 does, makes sure `.gitignore` ignores `.env` and lists `REDIS_PASSWORD=` in `.env.example`. ' +
      'For a file another compose file `include:`s, that is the include\'s env file, and a `REDIS_PASSWORD` the including project\'s `.env` defines is reused as it is, with no env file changed: Compose interpolates an included file with the including project\'s variables first (compose-go `loader/include.go`, `ApplyInclude`: `environment.Clone().Merge(envFromFile)`), so that value is the one `${REDIS_PASSWORD}` gets (not offered when it is empty or cannot be known). ' +
      'Never applied by fix-all: every client (the app\'s `REDIS_URL`, workers, healthchecks running `redis-cli`) must be given the password too. Not offered for Bitnami and Redis Stack images (set `REDIS_PASSWORD` / `REDIS_ARGS` there), for a command that runs through a shell or a custom entrypoint, for a command from an anchor, alias or `<<` merge, for an explicitly empty `--requirepass ""`, or when the env file it would write is a template (an include\'s `env_file: .env.example`) or a file git tracks (as DC040).',
    guideline: '§4 Data Security — Redis: "Password Protection – Requires authentication"',
    equivalents: ['No compose linter checks this (KICS, Checkov, Trivy and compose-lint have no Redis-authentication query for Compose); Checkov CKV_AWS_31 and KICS "ElastiCache Redis Auth Token Disabled" are the managed-service equivalents'],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#extends',
      'https://redis.io/docs/latest/operate/oss_and_stack/management/security/',
      'https://redis.io/docs/latest/operate/oss_and_stack/management/config/',
      'https://hub.docker.com/_/redis',
      'https://github.com/docker-library/redis/blob/master/docker-entrypoint.sh',
      'https://github.com/bitnami/containers/tree/main/bitnami/redis#setting-the-server-password-on-first-run',
      'https://redis.io/docs/latest/operate/oss_and_stack/install/install-stack/docker/',
      'https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    const atEntry = new Map<string, { finding: { range: Range; data: Data }; users: Set<string> }>();
    for (const service of ctx.services) {
      // With the default override, the merged service (its command and environment as `docker compose up` merges
      // them), reported in the file whose value decides (review 44d, F3).
      const run = redisFactsAsRun(ctx, service);
      if (!run) continue;
      const { facts, view } = run;
      if (facts.auth !== 'no') continue;
      if (!view && passwordInCompanion(ctx, service)) continue;
      const allow = facts.allowEmptyPassword;
      if (!decidedHere(view, allow)) continue;
      // Through `extends:`, settings that are all inherited are reported where they are written (the base).
      if (!view?.merge.inOverride && !redisOwnCause(ctx, service, facts)) continue;
      let range: Range | null = null;
      if (allow && allow.state === 'set') range = allow.env ? allow.env.range : (allow.merged ?? (allow.file ? ctx.rangeOf(allow.file.node) : null));
      if (!range) range = view?.merge.inOverride ? mergedCommandRange(view.merge) : serverEntryRange(ctx, service);
      let plan: Data['plan'] = null;
      if (facts.family === 'official' && !facts.requirepassWritten) {
        // Only a command written here is edited; one is created only where none is written (nor dropped).
        if (facts.commandIsServerArgs && facts.command?.editable && ownCommand(ctx, service, facts.command)) plan = { kind: 'append', command: facts.command };
        else if (facts.defaultCommand && canAddToService(ctx, service) && !ctx.serviceGet(service, 'command') && !ctx.serviceGet(service, 'entrypoint')) plan = { kind: 'create' };
      }
      // An ALLOW_EMPTY_PASSWORD=yes written in an anchor that services merge, with no fix: one finding where it is written.
      const entryKey = !plan && range && allow && allow.state === 'set' && allow.env && allow.env.range === range && !view ? `${range.start.line}:${range.start.character}` : null;
      const seen = entryKey ? atEntry.get(entryKey) : undefined;
      if (seen) {
        seen.users.add(service.name);
        continue;
      }
      out.push({
        range: range ?? ctx.rangeOf(service.nameNode),
        data: { service, family: facts.family, server: facts.server, emptyPassword: facts.requirepassWritten, allowEmpty: allow, plan },
      });
      if (entryKey) atEntry.set(entryKey, { finding: out[out.length - 1], users: new Set([service.name]) });
    }
    for (const { finding, users } of atEntry.values()) {
      const place = placeOf(ctx, finding.range, finding.data.service.name, users);
      if (place.users) finding.data.place = place;
    }
    return out;
  },
  message(d) {
    const name = d.service.name;
    const risk = 'any container on its network, or anyone reaching a published port, can read and change every key';
    if (d.allowEmpty && d.place) return `ALLOW_EMPTY_PASSWORD=yes ${ofService(name, d.place)} turns the password off: ${risk}.`;
    if (d.allowEmpty) return `Service '${name}' sets ALLOW_EMPTY_PASSWORD=yes without a password: ${risk}.`;
    if (d.emptyPassword) return `Service '${name}' sets an empty --requirepass: ${risk}.`;
    return `Service '${name}' runs ${d.server.replace(/-server$/, '')} without a password (no --requirepass): ${risk}.`;
  },
  fix(ctx, { data }): Fix | undefined {
    if (!data.plan) return undefined;
    let edit: TextEdit | undefined;
    if (data.plan.kind === 'append') edit = appendCommandArgsEdit(ctx, data.plan.command, ['--requirepass', `\${${VAR}}`]);
    else edit = addToMapEdit(ctx, data.service.map, [`command: ${flowCommandText([data.server, '--requirepass', `\${${VAR}}`])}`], indentUnit(ctx, data.service));
    if (!edit) return undefined;
    const dotenv = passwordDotenvChanges(ctx, VAR);
    if (!dotenv) return undefined;
    return { title: `Require a password (${VAR} in .env)${envFileIntoImageNote(ctx, dotenvTarget(ctx)?.path ?? path.join(ctx.dir, '.env'))}`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }, ...dotenv] };
  },
});

export default rule;
