import { addToMapEdit, canAddToService, ensureMapPathEdit, indentUnit } from '../engine/compose-insert';
import { getPath, isPartialService, lookupKey, lookupPath, resolvedScalar, RESOURCE_CONSISTENCY_KEYS, type Lookup } from '../engine/compose-lookup';
import type { ComposeContext, Service } from '../engine/compose';
import { defineRule } from '../engine/rule';
import { companionWrites } from '../engine/data-volumes';
import type { Fix, Range } from '../engine/types';
import { defaultMerge, mergedServiceGone, mergedValue, touchRange, type DefaultMerge, type OverrideTouch } from '../engine/override-merge';

interface Data {
  service: Service;
  memory: boolean;
  cpu: boolean;
  /**
   * Set when the default override decides the missing limits (it writes or drops a key of theirs) and the
   * finding is on its line: the key, and whether it writes an unlimited value or drops the base's.
   */
  override?: { key: string; how: 'unlimited' | 'reset' | 'override' };
}

const LIMITS = ['deploy', 'resources', 'limits'];
/** Service-level keys Compose checks against `deploy.resources.limits` (`pids_limit` is DC021's; it counts here too). */
const CHECKED_TWINS = ['mem_limit', 'cpus', 'pids_limit'];
/** Service-level keys of the older spelling (Compose file format 2), which the fix keeps using when the service does. */
const LEGACY_KEYS = ['mem_limit', 'memswap_limit', 'mem_reservation', 'cpus', 'cpu_quota', 'cpu_period', 'cpu_shares', 'cpuset'];

/** A limit value that bounds something: unknown values (unresolved `${VAR}`) count as set; zero and -1 mean unlimited. */
function bounds(found: Lookup): boolean {
  if (found === 'unknown') return true;
  if (!found || !found.entry.value) return false;
  const text = resolvedScalar(found.ctx, found.entry.value);
  if (text === undefined) return false;
  if (text === null) return true;
  const t = text.trim();
  if (t === '') return false;
  const n = Number.parseFloat(t);
  if (Number.isNaN(n)) return true; // an odd spelling: Compose judges it, not this rule
  return n > 0;
}

/** The keys that limit memory and CPU (any one that bounds is a limit). */
const MEMORY_KEYS: readonly (readonly string[])[] = [[...LIMITS, 'memory'], ['mem_limit']];
const CPU_KEYS: readonly (readonly string[])[] = [[...LIMITS, 'cpus'], ['cpus'], ['cpu_quota']];

function memoryLimited(ctx: ComposeContext, service: Service): boolean {
  return bounds(lookupPath(ctx, service, [...LIMITS, 'memory'])) || bounds(lookupKey(ctx, service, 'mem_limit'));
}

function cpuLimited(ctx: ComposeContext, service: Service): boolean {
  return bounds(lookupPath(ctx, service, [...LIMITS, 'cpus'])) || bounds(lookupKey(ctx, service, 'cpus')) || bounds(lookupKey(ctx, service, 'cpu_quota'));
}

/**
 * One kind of limit of a service merged with the default override: whether it is bounded, and the first
 * of its keys the override writes or drops (undefined: the override leaves them all alone, and the base
 * alone decides). Each key is read as one value (mappings such as `deploy` merge key by key, so a limit
 * the override does not write stays the base's).
 */
function mergedLimit(merge: DefaultMerge, keys: readonly (readonly string[])[]): { limited: boolean; touch?: { keys: readonly string[]; touch: OverrideTouch } } {
  let limited = false;
  // Where the finding goes: an unlimited value the override writes, else a drop of a limit the base writes, else any drop.
  let touch: { keys: readonly string[]; touch: OverrideTouch; rank: number } | undefined;
  for (const k of keys) {
    const v = mergedValue(merge, k);
    if (bounds(v.found)) limited = true;
    if (!v.touch) continue;
    const rank = v.touch.value ? 0 : lookupPath(merge.base.ctx, merge.base.service, k) !== undefined ? 1 : 2;
    if (!touch || rank < touch.rank) touch = { keys: k, touch: v.touch, rank };
  }
  return { limited, ...(touch ? { touch: { keys: touch.keys, touch: touch.touch } } : {}) };
}

/**
 * A memory size in bytes as Compose reads it (docker/go-units RAMInBytes: a number, an optional space, then
 * k/m/g/t/p with an optional `i` and `b`, in powers of 1024; a bare number is bytes); undefined when it is
 * not one (an unresolved `${VAR}`, another spelling).
 */
function ramInBytes(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number.parseFloat(m[1]);
  if (!Number.isFinite(n)) return undefined;
  const power = m[2] ? 'kmgtp'.indexOf(m[2].toLowerCase()) + 1 : 0;
  return n * 1024 ** power;
}

/**
 * Whether the service's memory reservation (`mem_reservation`, `deploy.resources.reservations.memory`) allows a
 * limit of `limit`: none, or one no larger. The daemon refuses a container whose limit is below its reservation
 * ("Minimum memory limit can not be less than memory reservation limit", review 39b F6); a reservation that
 * cannot be read counts as too large.
 */
function reservationFits(ctx: ComposeContext, service: Service, limit: string): boolean {
  const max = ramInBytes(limit);
  for (const found of [lookupKey(ctx, service, 'mem_reservation'), lookupPath(ctx, service, ['deploy', 'resources', 'reservations', 'memory'])]) {
    if (found === undefined) continue;
    if (found === 'unknown' || !found.entry.value) return false;
    const text = resolvedScalar(found.ctx, found.entry.value);
    if (text === null || text === undefined) return false;
    const bytes = ramInBytes(text);
    if (bytes === undefined || max === undefined || bytes > max) return false;
  }
  return true;
}

/** A YAML plain scalar for an option value, quoted when it would not read back as the same string. */
function plain(value: string): string {
  return /^[0-9][0-9.]*[a-zA-Z]{0,2}$/.test(value) ? value : `'${value.replace(/'/g, "''")}'`;
}

export default defineRule<'compose', Data>({
  code: 'DC020',
  name: 'resource-limits-missing',
  kind: 'compose',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A service has no memory limit or no CPU limit.',
    what: 'Flags a service with no memory limit or no CPU limit. Memory counts as limited by `deploy.resources.limits.memory` or `mem_limit`; CPU by `deploy.resources.limits.cpus`, `cpus` or `cpu_quota` — read from the service, `<<` merges and `extends:`. Reservations (`deploy.resources.reservations`, `mem_reservation`, `cpu_shares`) are not limits. A value of 0 (or -1) means unlimited and does not count; an unresolvable `${VAR}` counts as a limit (its value is unknown). The finding is on the service name and says which limit is missing. A service with no `image:`, `build:` or `extends:` (an override-file fragment) is not judged. A base file analyzed only because a default compose file\'s services extend it (`extends: {file: common-services.yml}`) is not judged for missing settings: the services that extend it are, on the merged result. With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`; Compose Specification, Merge), each kind of limit the override writes or drops (`mem_limit: 1g`, `cpus: 0`, `deploy: !reset {}`; a mapping such as `deploy` merges key by key, so a limit it does not name stays this file\'s) is judged on the merged service, and a kind it leaves alone is judged here: a limit there clears that part of the finding here; one set to 0 or -1 there, or dropped with `!reset`/`!override`, is reported there, on that line, without a fix. Not so for a service another extends, a file another includes or extends, or a Swarm stack: there this file is judged as written.',
    why: 'Docker sets no memory or CPU ceiling by default: one leaking, looping or compromised container (a crypto-miner is the usual payload) can take all the host\'s memory — the kernel\'s OOM killer then picks its own victims — or all its CPU, starving every other service. SECURITY-GUIDELINES.md §2 Container Runtime Security: "Resource Limits – CPU and memory constraints prevent DoS"; checklist "Resource limits configured".',
    bad: 'services:\n  api:\n    image: ghcr.io/acme/api:2.4.0',
    good: "services:\n  api:\n    image: ghcr.io/acme/api:2.4.0\n    deploy:\n      resources:\n        limits:\n          memory: 512m\n          cpus: '0.5'",
    fix: '"Add resource limits" adds only the missing limits, with the defaults from the settings (`defaultMemoryLimit`, `defaultCpuLimit`; 512m and 0.5 unless changed): under `deploy: resources: limits:`, creating just the levels that are missing (an existing `deploy:` or `resources:` is extended, not duplicated). When the service already uses the older service-level spelling (`mem_limit`, `cpus`, `cpu_quota`, …, or `pids_limit`) and has no `deploy.resources.limits` (of its own, merged or inherited through `extends:`), the missing key is added in that spelling instead (`mem_limit: 512m`, `cpus: 0.5`): Compose refuses a service whose `cpus`, `mem_limit` or `pids_limit` differs from its `deploy.resources.limits` block, and a key absent from that block counts as 0 (`can\'t set distinct values on \'pids_limit\' and \'deploy.resources.limits.pids\'`). Docker Compose applies `deploy.resources.limits` without Swarm. Not offered when a level to extend comes from an anchor, alias, `<<` merge or `extends:`, or is a flow mapping above the limits, nor when the service reserves more memory than the limit it would add (`mem_reservation`, `deploy.resources.reservations.memory`, read as Compose reads sizes; an unreadable one counts as more: the daemon refuses a limit below the reservation), nor when the override file Compose merges (`compose.override.yaml`) writes `deploy`, `cpus`, `mem_limit`, `pids_limit` or `mem_reservation` for the service (the merged service must agree with itself). Never applied by fix-all: a memory limit that is too small gets the container killed (exit code 137) — size it from `docker stats` under real load first. No fix for a limit the default override sets to unlimited or drops: the override may relax it on purpose (a development setup).',
    guideline: '§2 Container Runtime Security — "Resource Limits"; Security Checklist — "Resource limits configured"',
    equivalents: ['KICS "Memory Not Limited" and "Cpus Not Limited" (Docker Compose queries)', 'compose-lint CL-0026 (No resource limits)', 'Checkov CKV_K8S_11/CKV_K8S_13 (CPU/memory limits) for the same control on Kubernetes'],
    references: [
      'https://docs.docker.com/reference/compose-file/deploy/#resources',
      'https://docs.docker.com/reference/compose-file/services/#mem_limit',
      'https://docs.docker.com/reference/compose-file/services/#cpus',
      'https://github.com/compose-spec/compose-go/blob/main/loader/validate.go (checkConsistency: `can\'t set distinct values on \'pids_limit\' and \'deploy.resources.limits.pids\'`, and the same for cpus and mem_limit)',
      'https://docs.docker.com/engine/containers/resource_constraints/',
      'https://docs.kics.io/latest/queries/dockercompose-queries/6b610c50-99fb-4ef0-a5f3-e312fd945bc3/',
      'https://github.com/tmatens/compose-lint/blob/main/docs/rules/CL-0026.md',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    for (const service of ctx.services) {
      // The override Compose merges by default decides a kind of limit when it writes or drops one of its
      // keys: the merged service is judged, on the override's line; the base judges the others alone.
      const merge = defaultMerge(ctx, service);
      if (mergedServiceGone(merge)) continue;
      if (merge?.inOverride) {
        const byLine = new Map<string, { range: Range; data: Data }>();
        for (const [kind, keys] of [['memory', MEMORY_KEYS], ['cpu', CPU_KEYS]] as const) {
          const limit = mergedLimit(merge, keys);
          if (limit.limited || !limit.touch) continue;
          const { touch } = limit.touch;
          const how = touch.value ? 'unlimited' : touch.drops!.tag;
          const key = touch.value ? limit.touch.keys.join('.') : (touch.drops!.key ?? 'service');
          const range = touchRange(ctx, touch, service, true);
          const at = `${range.start.line}:${range.start.character}`;
          const known = byLine.get(at);
          if (known) known.data[kind] = true;
          else byLine.set(at, { range, data: { service, memory: kind === 'memory', cpu: kind === 'cpu', override: { key, how } } });
        }
        out.push(...byLine.values());
        continue;
      }
      if (isPartialService(ctx, service)) continue;
      let memory: boolean;
      let cpu: boolean;
      if (merge) {
        const m = mergedLimit(merge, MEMORY_KEYS);
        const c = mergedLimit(merge, CPU_KEYS);
        memory = !m.limited && !m.touch;
        cpu = !c.limited && !c.touch;
      } else {
        memory = !memoryLimited(ctx, service);
        cpu = !cpuLimited(ctx, service);
      }
      if (!memory && !cpu) continue;
      out.push({ range: ctx.rangeOf(service.nameNode), data: { service, memory, cpu } });
    }
    return out;
  },
  message(d) {
    const what = d.memory && d.cpu ? 'no memory or CPU limit' : d.memory ? 'no memory limit' : 'no CPU limit';
    if (d.override) {
      const o = d.override;
      const how = o.how === 'unlimited' ? `this override sets ${o.key} to 0 or -1 (unlimited)` : o.key === 'service' ? `this override ${o.how === 'reset' ? 'resets' : 'replaces'} the whole service (!${o.how})` : `this override ${o.how === 'reset' ? 'resets' : 'replaces'} ${o.key} (!${o.how})`;
      return `Service '${d.service.name}' has ${what} once merged: ${how}, so one runaway or compromised container can starve the host and every other service.`;
    }
    return `Service '${d.service.name}' has ${what}: one runaway or compromised container can starve the host and every other service.`;
  },
  fix(ctx, { data }): Fix | undefined {
    const { service } = data;
    // What the override sets or drops is left to the user: the override may relax it on purpose (a development setup).
    if (data.override || !canAddToService(ctx, service)) return undefined;
    // A written-but-unlimited value (0, -1) is left to the user: adding the other spelling would conflict with it.
    for (const key of data.memory ? ['mem_limit'] : []) if (ctx.serviceGet(service, key)) return undefined;
    for (const key of data.cpu ? ['cpus', 'cpu_quota'] : []) if (ctx.serviceGet(service, key)) return undefined;
    if (data.memory && getPath(ctx, service.doc, service.map, [...LIMITS, 'memory'])) return undefined;
    if (data.cpu && getPath(ctx, service.doc, service.map, [...LIMITS, 'cpus'])) return undefined;
    const unit = indentUnit(ctx, service);
    const mem = plain(ctx.options.defaultMemoryLimit);
    if (data.memory && !reservationFits(ctx, service, ctx.options.defaultMemoryLimit)) return undefined;
    const cpu = ctx.options.defaultCpuLimit;
    // The override file Compose merges may write limits for the service too: which spelling agrees with them is not known here (review 34, probe r04).
    if (companionWrites(ctx, service, RESOURCE_CONSISTENCY_KEYS)) return undefined;
    // Compose refuses a service whose service-level `cpus`, `mem_limit` or `pids_limit` differs from
    // `deploy.resources.limits` (an absent key there counts as 0: compose-go's checkConsistency), so
    // the limits go where the service already has them: beside a service-level limit only when no
    // limits block exists, here or in what it extends (review 33, probe p13).
    const limits = lookupPath(ctx, service, LIMITS);
    if (limits === 'unknown') return undefined;
    const legacy = !limits && (LEGACY_KEYS.some((k) => ctx.serviceGet(service, k)) || CHECKED_TWINS.some((k) => lookupKey(ctx, service, k) !== undefined));
    let edit;
    if (legacy) {
      const lines: string[] = [];
      if (data.memory) lines.push(`mem_limit: ${mem}`);
      if (data.cpu) lines.push(`cpus: ${plain(cpu)}`);
      edit = addToMapEdit(ctx, service.map, lines, unit);
    } else {
      const leaves: [string, string][] = [];
      if (data.memory) leaves.push(['memory', mem]);
      if (data.cpu) leaves.push(['cpus', `'${cpu.replace(/'/g, "''")}'`]);
      edit = ensureMapPathEdit(ctx, service.doc, service.map, LIMITS, leaves, unit);
    }
    if (!edit) return undefined;
    const what = data.memory && data.cpu ? `memory ${ctx.options.defaultMemoryLimit}, cpus ${cpu}` : data.memory ? `memory ${ctx.options.defaultMemoryLimit}` : `cpus ${cpu}`;
    return { title: `Add resource limits (${what})`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
