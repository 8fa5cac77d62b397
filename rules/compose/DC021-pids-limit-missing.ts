import { type Scalar } from 'yaml';
import { isScalar } from '../engine/yaml-guards';
import type { Service } from '../engine/compose';
import { addToMapEdit, canAddToService, ensureMapPathEdit, indentUnit, parsedCleanly, replaceScalarEdit } from '../engine/compose-insert';
import { getPath, isOwnEditable, isPartialService, lookupKey, lookupPath, reportNodeOf, resolvedScalar, RESOURCE_CONSISTENCY_KEYS, type Found } from '../engine/compose-lookup';
import { defineRule } from '../engine/rule';
import { companionWrites } from '../engine/data-volumes';
import type { Fix, Range, TextEdit } from '../engine/types';
import { defaultMerge, dropCause, dropText, mergedServiceGone, mergedValue, touchRange, type DropCause } from '../engine/override-merge';

interface Data {
  service: Service;
  /** No limit at all, or a limit of -1 / 0 (unlimited); or the default override drops the base's limit (`!reset`, `!override`) and sets none. */
  problem: 'missing' | 'unlimited' | 'dropped';
  /** For `dropped`: how the override drops it. */
  cause?: DropCause;
  /** The unlimited value when it is written in place (null: inherited or shared, no fix). */
  value: Scalar | null;
  /** The key it is written under. */
  key: 'pids_limit' | 'pids' | null;
}

const LIMITS = ['deploy', 'resources', 'limits'];

/** 'set', 'unlimited', or 'unknown' for a found limit. */
function state(found: Found): 'set' | 'unlimited' | 'unknown' {
  const text = resolvedScalar(found.ctx, found.entry.value);
  if (text === null) return 'unknown';
  if (text === undefined) return found.entry.value ? 'unknown' : 'unlimited';
  const n = Number(text.trim());
  if (!Number.isFinite(n)) return 'unknown';
  return n > 0 ? 'set' : 'unlimited';
}

export default defineRule<'compose', Data>({
  code: 'DC021',
  name: 'pids-limit-missing',
  kind: 'compose',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: 'A service has no process limit (`pids_limit` or `deploy.resources.limits.pids`), or an unlimited one.',
    what: 'Flags a service with no process limit: neither `pids_limit` nor `deploy.resources.limits.pids` (read from the service, `<<` merges and `extends:`), or a limit of `-1` or `0`, which Docker reads as unlimited. A missing limit is reported on the service name; an unlimited value on its line (or on the `<<` key it comes through). An unresolvable `${VAR}` is unknown, not a finding. A service with no `image:`, `build:` or `extends:` (an override-file fragment) is not judged. A base file analyzed only because a default compose file\'s services extend it (`extends: {file: common-services.yml}`) is not judged for missing settings: the services that extend it are, on the merged result. With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`; Compose Specification, Merge), a `pids_limit` or `deploy.resources.limits.pids` the override writes or drops is judged on the merged service: a limit there clears the finding here; `-1`/`0` there is reported there (fixed in place as here, when nothing else limits it), and a limit it drops (`pids_limit: !reset`, `deploy: !reset {}`) is reported there, on that key, without a fix. Not so for a service another extends, a file another includes or extends, or a Swarm stack: there this file is judged as written.',
    why: 'Without a PID limit, a fork bomb or a runaway worker pool in one container exhausts the host\'s process table, and then nothing on the host — other containers, sshd, the Docker daemon — can start a process. It is the process-count side of resource limits. SECURITY-GUIDELINES.md §2 Container Runtime Security: "Resource Limits – CPU and memory constraints prevent DoS"; checklist "Resource limits configured".',
    bad: 'services:\n  worker:\n    image: ghcr.io/acme/worker:3.1.0',
    good: 'services:\n  worker:\n    image: ghcr.io/acme/worker:3.1.0\n    pids_limit: 200',
    fix: '"Add pids_limit: 200" adds the limit from the settings (`defaultPidsLimit`, 200 unless changed): as `pids: 200` inside the service\'s own `deploy.resources.limits:` when it has one, else as `pids_limit: 200` at the end of the service (the two must not disagree, so only one is written). A `-1`/`0` value is replaced in place. Not offered when the value or the mapping to extend comes from an anchor, an alias, a `<<` merge or `extends:` — nor as `pids_limit` beside such a limits block: Compose refuses a service whose `pids_limit` differs from `deploy.resources.limits.pids`, and an absent `pids` counts as 0 — nor when the override file Compose merges (`compose.override.yaml`) writes `deploy`, `cpus`, `mem_limit`, `pids_limit` or `mem_reservation` for the service. Never applied by fix-all: threads count as PIDs, so a JVM, a browser or a database with many connections can need more than the default — check `docker stats` (PIDS column) under load. No fix for a limit the default override drops: the override may relax it on purpose (a development setup).',
    guideline: '§2 Container Runtime Security — "Resource Limits"; Security Checklist — "Resource limits configured"',
    equivalents: ['KICS "Pids Limit Not Set" (Docker Compose query 221e0658-cb2a-44e3-b08a-db96a341d6fa)', 'CIS Docker Benchmark v1.6.0 5.29 "Ensure that the PIDs cgroup limit is used"'],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#pids_limit',
      'https://docs.docker.com/reference/compose-file/deploy/#pids',
      'https://github.com/compose-spec/compose-go/blob/main/loader/validate.go (checkConsistency: `can\'t set distinct values on \'pids_limit\' and \'deploy.resources.limits.pids\'`, and the same for cpus and mem_limit)',
      'https://docs.docker.com/reference/cli/docker/container/run/#pids-limit',
      'https://docs.docker.com/reference/api/engine/version/v1.57/schemas/Limit/ (Pids: 0 means unlimited)',
      'https://docs.kics.io/latest/queries/dockercompose-queries/221e0658-cb2a-44e3-b08a-db96a341d6fa/',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    for (const service of ctx.services) {
      // The override Compose merges by default decides when it writes or drops `pids_limit` or
      // `deploy.resources.limits.pids`: the merged service is judged, on the override's line.
      const merge = defaultMerge(ctx, service);
      if (mergedServiceGone(merge)) continue;
      if (merge) {
        const top = mergedValue(merge, ['pids_limit']);
        const deploy = mergedValue(merge, [...LIMITS, 'pids']);
        if (top.touch || deploy.touch) {
          if (!merge.inOverride || top.found === 'unknown' || deploy.found === 'unknown') continue;
          const merged: [Found, 'pids_limit' | 'pids'][] = [];
          if (top.found) merged.push([top.found, 'pids_limit']);
          if (deploy.found) merged.push([deploy.found, 'pids']);
          if (merged.some(([f]) => state(f) !== 'unlimited')) continue;
          // An unlimited value the override writes (as in a single file: fixed in place), else the drop.
          const written = merged.find(([f]) => f.ctx === ctx);
          if (written) {
            const [found, key] = written;
            const v = found.entry.value;
            const editable = isOwnEditable(ctx, found) && !!v && isScalar(v) && !ctx.isShared(v) && merged.length === 1;
            const range = editable ? ctx.rangeOfPair(found.entry.pair) : ctx.rangeOf(reportNodeOf(found, service));
            out.push({ range, data: { service, problem: 'unlimited', value: editable ? (v as Scalar) : null, key } });
          } else {
            const touch = (top.touch ?? deploy.touch)!;
            out.push({ range: touchRange(ctx, touch, service), data: { service, problem: 'dropped', value: null, key: null, cause: dropCause(touch) } });
          }
          continue;
        }
      }
      const top = lookupKey(ctx, service, 'pids_limit');
      const deploy = lookupPath(ctx, service, [...LIMITS, 'pids']);
      if (top === 'unknown' || deploy === 'unknown') continue;
      const candidates: [Found, 'pids_limit' | 'pids'][] = [];
      if (top) candidates.push([top, 'pids_limit']);
      if (deploy) candidates.push([deploy, 'pids']);
      if (candidates.length > 0) {
        const states = candidates.map(([f]) => state(f));
        if (states.some((s) => s !== 'unlimited')) continue;
        const [found, key] = candidates[0];
        const v = found.entry.value;
        const editable = isOwnEditable(ctx, found) && !!v && isScalar(v) && !ctx.isShared(v) && candidates.length === 1;
        const range = editable ? ctx.rangeOfPair(found.entry.pair) : ctx.rangeOf(reportNodeOf(found, service));
        out.push({ range, data: { service, problem: 'unlimited', value: editable ? (v as Scalar) : null, key } });
        continue;
      }
      if (isPartialService(ctx, service)) continue;
      out.push({ range: ctx.rangeOf(service.nameNode), data: { service, problem: 'missing', value: null, key: null } });
    }
    return out;
  },
  message(d) {
    if (d.problem === 'dropped' && d.cause) return `Service '${d.service.name}' has no process limit once merged: ${dropText(d.cause)} and sets no pids_limit, so a fork bomb in it can exhaust the host's process table.`;
    return d.problem === 'unlimited'
      ? `Service '${d.service.name}' sets an unlimited process count (${d.key} of -1 or 0): a fork bomb in it can exhaust the host's process table.`
      : `Service '${d.service.name}' has no pids_limit: a fork bomb or runaway worker pool in it can exhaust the host's process table.`;
  },
  fix(ctx, { data }): Fix | undefined {
    // What the override drops is left to the user: the override may relax it on purpose (a development setup).
    if (data.problem === 'dropped' || !parsedCleanly(data.service)) return undefined;
    // The override file Compose merges may write limits for the service too (review 34, probe r05).
    if (companionWrites(ctx, data.service, RESOURCE_CONSISTENCY_KEYS)) return undefined;
    const limit = String(ctx.options.defaultPidsLimit);
    let edit: TextEdit | undefined;
    let title = `Add pids_limit: ${limit}`;
    if (data.problem === 'unlimited') {
      if (!data.value) return undefined;
      // `pids_limit: 0` beside a limits block passes Compose's check only because it is 0: a non-zero value
      // there must equal `deploy.resources.limits.pids`, absent counting as 0 (review 34, probe r11).
      if (data.key === 'pids_limit' && lookupPath(ctx, data.service, LIMITS) !== undefined) return undefined;
      edit = replaceScalarEdit(ctx, data.value, limit);
      title = `Set ${data.key}: ${limit}`;
    } else {
      const { service } = data;
      if (!canAddToService(ctx, service)) return undefined;
      const unit = indentUnit(ctx, service);
      // Into the service's own `deploy.resources.limits:` when it has one (ensureMapPathEdit refuses inherited levels).
      // Never `pids_limit` beside limits it cannot edit (merged with `<<`, or inherited through `extends:`):
      // Compose refuses a service whose `pids_limit` differs from `deploy.resources.limits.pids`, and an
      // absent `pids` there counts as 0 (compose-go's checkConsistency; review 33, probe p13).
      const limits = lookupPath(ctx, service, LIMITS);
      if (limits === 'unknown') return undefined;
      if (limits) {
        if (limits.inherited || !getPath(ctx, service.doc, service.map, LIMITS)) return undefined;
        edit = ensureMapPathEdit(ctx, service.doc, service.map, LIMITS, [['pids', limit]], unit);
        if (!edit) return undefined;
        title = `Add deploy.resources.limits.pids: ${limit}`;
      } else edit = addToMapEdit(ctx, service.map, [`pids_limit: ${limit}`], unit);
    }
    if (!edit) return undefined;
    return { title, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
