import { type Scalar, type YAMLMap } from 'yaml';
import { isMap, isScalar } from '../engine/yaml-guards';
import type { ComposeContext, Service } from '../engine/compose';
import { addToMapEdit, canAddToService, ensureMapPathEdit, indentUnit, parsedCleanly, replaceScalarEdit } from '../engine/compose-insert';
import { extendedService, getPath, isOwnEditable, isPartialService, lookupKey, reportNodeOf, resolvedScalar } from '../engine/compose-lookup';
import { defineRule } from '../engine/rule';
import type { Fix, Range, TextEdit } from '../engine/types';
import { defaultMerge, dropCause, dropText, mergedServiceGone, overrideAt, touchRange, type DefaultMerge, type DropCause } from '../engine/override-merge';

interface Data {
  service: Service;
  /** No `logging:`; json-file (explicit or the daemon default) without `max-size`; or driver `none`. */
  problem: 'missing' | 'no-max-size' | 'none';
  /** The default override drops the base's logging settings (`!reset`, `!override`): how, for the message (no fix). */
  cause?: DropCause;
  /** The service's own `logging:` mapping when a fix may edit it, else null. */
  logging: YAMLMap | null;
  /** The `driver:` scalar as written (for `none` and to know whether a driver is set). */
  driver: Scalar | null;
}

const MAX_SIZE = '"10m"';
const MAX_FILE = '"3"';

/** A logging mapping's driver and `options.max-size` as written (undefined: not set; null: interpolated without a value). */
interface LoggingView {
  driver: string | null | undefined;
  maxSize: string | null | undefined;
}

/**
 * The logging settings a service gets from the service it `extends:` (and further up): compose-go
 * merges the two `logging:` mappings key by key when they name the same driver or one names none
 * (mergeLogging), and the service's own mapping replaces the base's when the drivers differ. Undefined
 * when no base sets logging; 'unknown' when a base cannot be read.
 */
function baseLogging(ctx: ComposeContext, service: Service, depth = 0): LoggingView | 'unknown' | undefined {
  if (depth > 8) return 'unknown';
  const base = extendedService(ctx, service);
  if (base === undefined) return undefined;
  if (base === 'unknown') return 'unknown';
  const found = lookupKey(base.ctx, base.service, 'logging');
  if (found === 'unknown') return 'unknown';
  if (!found) return undefined;
  const map = found.entry.value;
  if (!map || !isMap(map)) return 'unknown';
  return mergeLogging(loggingView(found.ctx, found.service, map), baseLogging(found.ctx, found.service, depth + 1));
}

/** The driver and `options.max-size` a `logging:` mapping writes. */
function loggingView(ctx: ComposeContext, service: Service, map: YAMLMap): LoggingView {
  const driver = ctx.get(service.doc, map, 'driver');
  const maxSize = getPath(ctx, service.doc, map, ['options', 'max-size']);
  return { driver: driver ? resolvedScalar(ctx, driver.value) : undefined, maxSize: maxSize ? resolvedScalar(ctx, maxSize.value) : undefined };
}

/**
 * The logging a service runs with when the default override decides it: it writes a driver or
 * `options.max-size`, or drops the base's logging (or a part of it) with `!reset`/`!override`. Undefined
 * when it leaves both alone (the base alone decides, and the override's own `logging:` adds only other
 * options); null when there is no logging at all; `touch` is where the override decides.
 */
function overrideLogging(merge: DefaultMerge): { view: LoggingView | 'unknown' | null; touch: NonNullable<ReturnType<typeof overrideAt>> } | undefined {
  const logging = overrideAt(merge, ['logging']);
  if (!logging) return undefined;
  const driver = overrideAt(merge, ['logging', 'driver']);
  const maxSize = overrideAt(merge, ['logging', 'options', 'max-size']);
  const touch = [logging, driver, maxSize].find((t) => t?.drops) ?? driver ?? maxSize;
  if (!touch) return undefined;
  const map = logging.value?.entry.value;
  const own = map && isMap(map) ? loggingView(merge.over.ctx, merge.over.service, map) : logging.value ? 'unknown' : undefined;
  if (own === 'unknown') return { view: 'unknown', touch };
  if (logging.drops) return { view: own ?? null, touch };
  // The base's logging (through `extends:`), less what the override drops below `logging`.
  const found = lookupKey(merge.base.ctx, merge.base.service, 'logging');
  if (found === 'unknown') return { view: 'unknown', touch };
  let base: LoggingView | 'unknown' | undefined;
  if (found) {
    const baseMap = found.entry.value;
    base = baseMap && isMap(baseMap) ? mergeLogging(loggingView(found.ctx, found.service, baseMap), baseLogging(found.ctx, found.service)) : 'unknown';
  }
  if (base && base !== 'unknown') base = { driver: driver?.drops ? undefined : base.driver, maxSize: maxSize?.drops ? undefined : base.maxSize };
  return { view: own ? mergeLogging(own, base) : (base ?? null), touch };
}

/** `own` merged over `base` as compose-go's mergeLogging does. */
function mergeLogging(own: LoggingView, base: LoggingView | 'unknown' | undefined): LoggingView | 'unknown' {
  if (base === undefined) return own;
  if (own.driver !== undefined && base !== 'unknown' && base.driver !== undefined && own.driver?.trim() !== base.driver?.trim()) return own;
  if (base === 'unknown') return own.maxSize !== undefined && own.driver !== undefined ? own : 'unknown';
  return { driver: own.driver !== undefined ? own.driver : base.driver, maxSize: own.maxSize !== undefined ? own.maxSize : base.maxSize };
}

export default defineRule<'compose', Data>({
  code: 'DC023',
  name: 'logging-unbounded',
  kind: 'compose',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: 'A service\'s logs are unbounded (no `logging:`, `json-file` without `max-size`) or thrown away (`driver: none`).',
    what: 'Flags a service whose container logs have no size bound or are thrown away: no `logging:` at all (Docker\'s default `json-file` driver keeps logs without limit), `logging:` with the `json-file` driver (written or, with no `driver:`, the daemon default) and no `options.max-size` (or `max-size: -1`), or `driver: none`. The `local` driver (rotates by default), remote drivers (syslog, journald, fluentd, gelf, awslogs, …) and values that are unresolvable `${VAR}`s are not flagged. Read from the service, `<<` merges and `extends:` (merged as Compose merges them: the two `logging:` mappings key by key when they name the same driver or one names none, so a base\'s `max-size` stays when the service adds `max-file`; the service\'s own mapping alone when it names another driver); a missing `logging:` is reported on the service name, the others on the `logging:` key or the `driver: none` line. Services with no `image:`, `build:` or `extends:` (override-file fragments) are skipped. A base file analyzed only because a default compose file\'s services extend it (`extends: {file: common-services.yml}`) is not judged for missing settings: the services that extend it are, on the merged result. With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`; Compose Specification, Merge), the two `logging:` mappings are merged the same way; when the override writes the driver or `max-size`, or drops this file\'s logging (`!reset`, `!override`), the merged logging is judged there: bounded logs there clear the finding here, `driver: none` or an unbounded json-file there is reported there (fixed on the override\'s mapping), and a logging it drops is reported there, on that key, without a fix. An override that writes other options only (`max-file`) leaves this file to decide. Not so for a service another extends, a file another includes or extends, or a Swarm stack: there this file is judged as written.',
    why: 'Unbounded json-file logs grow until the host disk is full (a chatty or attacked service can do it in hours), and then every container on the host fails to write; `driver: none` throws the container\'s output away, so there is nothing to investigate after an incident. SECURITY-GUIDELINES.md "Audit Logging" (container logs are the audit trail: `docker-compose logs`, shipped to syslog) and Security Checklist "Logging configured" / Production "Logs monitored for anomalies".',
    bad: 'services:\n  api:\n    image: ghcr.io/acme/api:2.4.0',
    good: 'services:\n  api:\n    image: ghcr.io/acme/api:2.4.0\n    logging:\n      driver: json-file\n      options:\n        max-size: "10m"\n        max-file: "3"',
    fix: '"Bound the logs (json-file, 10m × 3)" adds, in block style, `logging:` with `driver: json-file` and `options: max-size: "10m", max-file: "3"` at the end of the service; to an existing `logging:` it adds only the missing options (and `driver: json-file` when no driver is written); `driver: none` becomes `json-file` with those options. Option values are quoted: log options are strings. Not offered when `logging:` comes from an anchor, an alias, a `<<` merge or `extends:`. Not applied by fix-all: an explicit `driver: json-file` overrides a daemon-wide driver from daemon.json (e.g. syslog, as the guidelines suggest) — if the host ships logs centrally, configure rotation there instead and leave the service alone. No fix for a logging the default override drops: the override may relax it on purpose (a development setup).',
    guideline: '"Audit Logging" — Container Logs; Security Checklist — "Logging configured"',
    equivalents: ['compose-lint CL-0014 (Logging driver set to none; this rule also flags unbounded json-file logs)', 'CIS Docker Benchmark v1.6.0 "Ensure centralized and remote logging is configured" (a daemon item)'],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#logging',
      'https://docs.docker.com/engine/logging/drivers/json-file/',
      'https://docs.docker.com/engine/logging/drivers/local/',
      'https://docs.docker.com/engine/logging/configure/',
      'https://github.com/tmatens/compose-lint/blob/main/docs/rules/CL-0014.md',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    for (const service of ctx.services) {
      // The override Compose merges by default decides when it writes the driver or `max-size`, or drops the
      // base's logging: the merged service is judged, on the override's line.
      const merge = defaultMerge(ctx, service);
      if (mergedServiceGone(merge)) continue;
      const decided = merge && overrideLogging(merge);
      if (merge && decided && !merge.inOverride) continue;
      if (merge?.inOverride && !decided) {
        // The base alone decides (what this override's logging adds is neither the driver nor max-size).
        continue;
      }
      if (decided && decided.view === null) {
        out.push({ range: touchRange(ctx, decided.touch, service), data: { service, problem: 'missing', logging: null, driver: null, cause: dropCause(decided.touch) } });
        continue;
      }
      const found = lookupKey(ctx, service, 'logging');
      if (found === 'unknown') continue;
      if (!found) {
        if (isPartialService(ctx, service)) continue;
        out.push({ range: ctx.rangeOf(service.nameNode), data: { service, problem: 'missing', logging: null, driver: null } });
        continue;
      }
      const map = found.entry.value;
      if (!map || !isMap(map)) continue;
      const doc = found.service.doc;
      const driverEntry = found.ctx.get(doc, map, 'driver');
      // What Compose runs: this mapping merged over the one of the service it extends (and, in the override, over the base's).
      const merged = decided ? decided.view! : mergeLogging(loggingView(found.ctx, found.service, map), baseLogging(found.ctx, found.service));
      if (merged === 'unknown') continue;
      const driver = merged.driver;
      if (driver === null) continue; // unknown
      const editable = isOwnEditable(ctx, found) && !ctx.isShared(map) && !map.flow;
      const driverNode = driverEntry?.value && isScalar(driverEntry.value) && driverEntry.own && !driverEntry.shared ? driverEntry.value : null;
      const name = driver?.trim();
      if (name === 'none') {
        const inPlace = editable && driverNode && driverEntry;
        out.push({
          range: inPlace ? ctx.rangeOfPair(driverEntry.pair) : ctx.rangeOf(reportNodeOf(found, service)),
          data: { service, problem: 'none', logging: editable ? map : null, driver: driverNode },
        });
        continue;
      }
      if (name !== undefined && name !== 'json-file') continue; // local rotates by default; other drivers ship the logs away
      const v = merged.maxSize;
      if (v === null || (v !== undefined && v.trim() !== '-1' && v.trim() !== '')) continue;
      out.push({ range: ctx.rangeOf(reportNodeOf(found, service)), data: { service, problem: 'no-max-size', logging: editable ? map : null, driver: driverNode } });
    }
    return out;
  },
  message(d) {
    if (d.cause) return `Service '${d.service.name}' has no logging limits once merged: ${dropText(d.cause)} and sets none of its own, so Docker's default json-file log grows until the host disk is full.`;
    if (d.problem === 'none') return `Service '${d.service.name}' discards its logs (logging driver none): nothing is left to investigate after an incident.`;
    if (d.problem === 'no-max-size') return `Service '${d.service.name}' logs with json-file and no max-size: its log file grows until the host disk is full.`;
    return `Service '${d.service.name}' has no logging limits: Docker's default json-file log grows until the host disk is full.`;
  },
  fix(ctx, { data }): Fix | undefined {
    const { service } = data;
    // What the override drops is left to the user: the override may relax it on purpose (a development setup).
    if (data.cause || !parsedCleanly(service)) return undefined;
    const title = 'Bound the logs (json-file, 10m × 3)';
    const unit = indentUnit(ctx, service);
    if (data.problem === 'missing') {
      if (!canAddToService(ctx, service)) return undefined;
      const edit = addToMapEdit(ctx, service.map, ['logging:', '  driver: json-file', '  options:', `    max-size: ${MAX_SIZE}`, `    max-file: ${MAX_FILE}`], unit);
      return edit ? { title, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] } : undefined;
    }
    const map = data.logging;
    if (!map || map.items.length === 0) return undefined;
    const edits: TextEdit[] = [];
    if (data.problem === 'none') {
      if (!data.driver) return undefined;
      const edit = replaceScalarEdit(ctx, data.driver, 'json-file');
      if (!edit) return undefined;
      edits.push(edit);
    }
    const leaves: [string, string][] = [];
    const size = getPath(ctx, service.doc, map, ['options', 'max-size']);
    if (size) {
      // `max-size: -1` (or empty) is replaced in place.
      if (!size.own || size.shared || !size.value || !isScalar(size.value)) return undefined;
      const edit = replaceScalarEdit(ctx, size.value, MAX_SIZE);
      if (!edit) return undefined;
      edits.push(edit);
    } else leaves.push(['max-size', MAX_SIZE]);
    if (!getPath(ctx, service.doc, map, ['options', 'max-file'])) leaves.push(['max-file', MAX_FILE]);
    if (leaves.length > 0) {
      const edit = ensureMapPathEdit(ctx, service.doc, map, ['options'], leaves, unit);
      if (!edit) return undefined;
      edits.push(edit);
    }
    if (data.problem === 'no-max-size' && !ctx.get(service.doc, map, 'driver')) {
      // After the options: both may insert at the end of the mapping, and the deeper lines must come first.
      const edit = addToMapEdit(ctx, map, ['driver: json-file'], unit);
      if (!edit) return undefined;
      edits.push(edit);
    }
    return { title, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits }] };
  },
});
