import { type Node, type YAMLMap } from 'yaml';
import { isSeq } from '../engine/yaml-guards';
import type { ComposeContext, Service } from '../engine/compose';
import { isTrue } from '../engine/compose';
import { extendsChain, isAnalyzedBase, isExtendsOnlyBase, isPartialService, lookupKey } from '../engine/compose-lookup';
import { reportRangeFor, resolveScalar, seqItems } from '../engine/compose-values';
import { defineRule } from '../engine/rule';
import type { Fix, TextEdit } from '../engine/types';
import { appendToMapEdit } from '../engine/yaml-edit';
import { defaultMerge, dropCause, dropText, mergedServiceGone, mergedValue, overrideAt, touchRange, type DropCause } from '../engine/override-merge';

/** Capabilities that give a container host-level power, with what each one allows. */
const DANGEROUS: Record<string, string> = {
  ALL: 'every capability, almost as much as privileged: true',
  SYS_ADMIN: 'mount, namespaces and much more: the classic container escape',
  SYS_MODULE: 'loading kernel modules into the host kernel',
  SYS_RAWIO: 'raw I/O ports and memory of the host',
  SYS_PTRACE: 'tracing processes and reading their memory',
  SYS_BOOT: 'rebooting the host or loading another kernel',
  SYS_TIME: "setting the host's clock",
  DAC_READ_SEARCH: 'reading any file regardless of permissions, and opening host files by handle (the "shocker" escape)',
  NET_ADMIN: 'reconfiguring interfaces, routes and firewall rules, and sniffing traffic',
  MAC_ADMIN: 'changing the AppArmor/SELinux policy',
  MAC_OVERRIDE: 'bypassing the AppArmor/SELinux policy',
  BPF: 'loading BPF programs into the host kernel',
  PERFMON: 'kernel performance monitoring, which leaks kernel memory layout',
  SYSLOG: 'reading and clearing the kernel log (kernel addresses)',
};

/**
 * A capability name as Docker reads it: upper case, without the `CAP_` prefix. `ALL` is only `ALL`
 * itself (Docker rejects `CAP_ALL` as an unknown capability).
 */
function normalizeCapability(name: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return upper;
  const bare = upper.replace(/^CAP_/, '');
  return bare === 'ALL' ? upper : bare;
}

type DropState =
  /** No `cap_drop` at all. */
  | { state: 'absent' }
  /** `cap_drop` inherited through a `<<` merge, without ALL: an own `cap_drop: [ALL]` overrides it. */
  | { state: 'inherited' }
  /** `cap_drop` written in the service without ALL. */
  | { state: 'own'; editable: boolean }
  | { state: 'all' }
  /** An item's value is unknown (it could be ALL), or the value is not a list. */
  | { state: 'unknown' };

type Data =
  | { problem: 'dangerous-cap'; service: string; capability: string }
  | {
      problem: 'no-drop-all';
      service: string;
      drop: DropState['state'];
      /** Where the fix edits: the service mapping (append `cap_drop: [ALL]`), or the service's own `cap_drop` list (add ALL); null: no exact edit. */
      target: { append: YAMLMap } | { list: Node } | null;
      /** The default override drops the base's `cap_drop` (`!reset`, `!override`) and drops no ALL of its own. */
      cause?: DropCause;
    };

function dropState(ctx: ComposeContext, service: Service): DropState {
  const entry = ctx.serviceGet(service, 'cap_drop');
  if (!entry || entry.value === null) return entry && entry.own ? { state: 'unknown' } : { state: 'absent' };
  const values: (string | null)[] = [];
  if (isSeq(entry.value)) {
    for (const item of seqItems(ctx, service.doc, entry)?.items ?? []) values.push(resolveScalar(ctx, service.doc, item.node)?.value ?? null);
  } else {
    const v = resolveScalar(ctx, service.doc, entry.value);
    if (!v) return { state: 'unknown' };
    values.push(v.value);
  }
  if (values.some((v) => v !== null && normalizeCapability(v) === 'ALL')) return { state: 'all' };
  if (values.some((v) => v === null) || !isSeq(entry.value)) return { state: 'unknown' };
  if (!entry.own) return { state: 'inherited' };
  return { state: 'own', editable: !entry.shared };
}

/**
 * The drop state through `extends:`: `cap_drop` is a sequence, which Compose combines with the base
 * service's, so an ALL dropped in a base counts; a base's list without ALL makes an absent own list
 * 'inherited' (an own `cap_drop: [ALL]` is combined with it). Unknown when a base cannot be read.
 */
function chainDropState(ctx: ComposeContext, service: Service): DropState {
  const own = dropState(ctx, service);
  if (own.state === 'all' || own.state === 'unknown') return own;
  const { chain, unknown } = extendsChain(ctx, service);
  let some = false;
  for (const level of chain.slice(1)) {
    const base = dropState(level.ctx, level.service);
    if (base.state === 'all' || base.state === 'unknown') return base;
    if (base.state !== 'absent') some = true;
  }
  if (unknown) return { state: 'unknown' };
  return own.state === 'absent' && some ? { state: 'inherited' } : own;
}

/** Adds `ALL` to a block or flow sequence written in the file. */
function addToSeqEdit(ctx: ComposeContext, seq: Node): TextEdit | undefined {
  if (!isSeq(seq) || !seq.range || seq.items.length === 0) return undefined;
  const last = seq.items[seq.items.length - 1] as Node;
  const lastEnd = last.range?.[1];
  if (lastEnd === undefined) return undefined;
  if (seq.flow) {
    const at = ctx.lines.positionAt(lastEnd);
    return { range: { start: at, end: at }, newText: ', ALL' };
  }
  const first = seq.items[0] as Node;
  if (!first.range) return undefined;
  const firstPos = ctx.lines.positionAt(first.range[0]);
  const before = ctx.lines.lineText(firstPos.line).slice(0, firstPos.character);
  const m = /^([ ]*)-[ ]+$/.exec(before);
  if (!m) return undefined;
  let line = ctx.lines.positionAt(lastEnd).line;
  if (ctx.lines.positionAt(lastEnd).character === 0 && lastEnd > 0) line = ctx.lines.positionAt(lastEnd - 1).line;
  const at = { line, character: ctx.lines.lineText(line).length };
  return { range: { start: at, end: at }, newText: `${ctx.lines.eol}${m[1]}- ALL` };
}

export default defineRule<'compose', Data>({
  code: 'DC015',
  name: 'capabilities-not-dropped',
  kind: 'compose',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A service adds a dangerous capability with `cap_add`, or does not drop them all with `cap_drop: [ALL]`.',
    what:
      'Flags, as a warning, each dangerous capability a service adds with `cap_add`: `ALL`, `SYS_ADMIN`, `SYS_MODULE`, `SYS_RAWIO`, `SYS_PTRACE`, `SYS_BOOT`, `SYS_TIME`, `DAC_READ_SEARCH`, `NET_ADMIN`, `MAC_ADMIN`, `MAC_OVERRIDE`, `BPF`, `PERFMON`, `SYSLOG` (written with or without `CAP_`, in any case; an entry that comes through an alias or a `<<` merge is reported on the alias or the merge key). ' +
      'And, as information, once per service, a service that does not drop every capability with `cap_drop: [ALL]` (the finding is on the `cap_drop` key when there is one, else on the service name). ' +
      'Values are read after interpolation with the `.env` beside the compose file; an unknown value is never a finding (a `cap_drop` item whose value is unknown may be ALL). Privileged services are left to DC010: `privileged: true` grants every capability whatever `cap_drop` says. Capabilities that are in Docker\'s default set or harmless (`NET_BIND_SERVICE`, `CHOWN`, `NET_RAW`, …) are not flagged when added. Through `extends:` (same file, or another compose file of the workspace) `cap_drop` and `cap_add` are combined with the base service\'s, as Compose combines sequences: an `ALL` dropped in the base counts, a dangerous `cap_add` is reported once, where it is written (on the extending service\'s name when the base is in a file that is not analyzed itself — not named like a compose file, not included and not extended from a default compose file such as `compose.yaml`), and an inherited `privileged: true` leaves the service to DC010. When the base drops only some capabilities, the fix adds an own `cap_drop: [ALL]` (Compose combines it with the base\'s list); the base is never edited from here. In a base file analyzed only because a default compose file\'s services extend it (`common-services.yml`), a missing `cap_drop` is not reported: the services that extend it are. Nor is it for an override fragment (a service with no `image:`, `build:` or `extends:`, or one merged with `-f` over the default compose file beside it), as for DC016, DC018 and DC020–DC023: the complete service is judged where it is defined. ' +
      'The override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`; Compose Specification, Merge) is the exception: with it the service is judged as it runs, from either file. `privileged` is the override\'s when it writes or resets it; its `cap_add` and `cap_drop` entries are appended to this file\'s (compose-go makes the lists unique), and `!reset`/`!override` there drops this file\'s list. So a `cap_drop` with ALL there clears the finding here, and a `cap_add: !reset []` there removes this file\'s dangerous entries (its own entries are reported there); a `cap_drop` it resets or replaces without ALL is reported there, on that key, without a fix; a `cap_drop` there without ALL leaves this file\'s list to decide. Not so for a service another extends, a file another includes or extends, or a Swarm stack: there this file is judged as written.',
    why: 'Docker starts containers with 14 capabilities (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW, MKNOD, …) that most services never use and that an attacker chains into escapes; dropping ALL and adding back only what is needed is the least-privilege baseline (CIS Docker Benchmark v1.6.0 5.4). The dangerous capabilities go much further: SYS_ADMIN, SYS_MODULE or DAC_READ_SEARCH alone are known container escapes, and ALL is nearly `privileged: true`. SECURITY-GUIDELINES.md §2: "No Privileged Containers"; §2 asks that services run without root\'s powers (uid 1000).',
    bad: 'services:\n  vpn:\n    image: ghcr.io/acme/vpn:2.1\n    cap_add:\n      - SYS_ADMIN\n      - NET_ADMIN',
    good: 'services:\n  vpn:\n    image: ghcr.io/acme/vpn:2.1\n    cap_drop: [ALL]\n    cap_add:\n      # docker-guardrails-ignore DC015 -- reviewed: the VPN manages its tunnel interface\n      - NET_ADMIN\n    devices:\n      - /dev/net/tun',
    fix: '"Drop all capabilities" adds `cap_drop: [ALL]` at the end of the service (or `ALL` to its existing `cap_drop` list, block or flow; or an own `cap_drop: [ALL]` when the list is inherited through `<<`, which overrides it). `cap_add` still applies after the drop, so capabilities the service adds explicitly stay. Not safe: images whose entrypoint changes users or file ownership (postgres, redis, nginx, …) need some defaults back (`CHOWN`, `SETUID`, `SETGID`, `DAC_OVERRIDE`, `FOWNER`), so start the service and add back what its logs ask for. Not offered when the service or its `cap_drop` lies in an anchor or alias, or is a flow mapping, or while the file has YAML syntax errors. Dangerous `cap_add` entries have no automatic fix: whether the service really needs them is a design decision. No fix for a `cap_drop` the default override resets or replaces: the override may relax it on purpose (a development setup).',
    guideline: '§2 Container Runtime Security — "No Privileged Containers", "Run as Non-root User"',
    equivalents: [
      'KICS "Container Capabilities Unrestricted" (Docker Compose query)',
      'compose-lint CL-0006 (no cap_drop: [ALL]) and, for the added capabilities, CL-0024 (host code execution: ALL, SYS_ADMIN, SYS_MODULE, SYS_RAWIO, as in this page\'s example), CL-0011 (strong host-adjacent), CL-0027 (bounded grant), CL-0028 (host-reaching), CL-0029 (host availability) and CL-0030 (host disclosure); older compose-lint releases had CL-0011 alone (Dangerous Capabilities Added)',
      'CIS Docker Benchmark v1.6.0 5.4 "Ensure that Linux kernel capabilities are restricted within containers"',
    ],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#extends',
      'https://docs.docker.com/reference/compose-file/services/#cap_add',
      'https://docs.docker.com/reference/compose-file/services/#cap_drop',
      'https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities',
      'https://man7.org/linux/man-pages/man7/capabilities.7.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html',
    ],
  },
  check(ctx) {
    const out = [];
    for (const service of ctx.services) {
      // The service as `docker compose` runs it with the default override merged: `privileged` is the
      // override's when it writes or drops it; `cap_add`/`cap_drop` lists are appended (and made unique:
      // compose-go's EnforceUnicity), unless the override drops the base's with `!reset`/`!override`.
      const merge = defaultMerge(ctx, service);
      if (mergedServiceGone(merge)) continue;
      const privileged = merge ? mergedValue(merge, ['privileged']).found : lookupKey(ctx, service, 'privileged');
      if (privileged && privileged !== 'unknown' && isTrue(privileged.entry.value)) continue;
      const addTouch = merge && overrideAt(merge, ['cap_add']);
      // This file's `cap_add` entries never run when the override drops them (in the override: a `!reset` list is no list).
      const addDropped = !!addTouch && (merge.inOverride ? !addTouch.value : !!addTouch.drops);
      const add = addDropped ? undefined : ctx.serviceGet(service, 'cap_add');
      for (const item of seqItems(ctx, service.doc, add)?.items ?? []) {
        const v = resolveScalar(ctx, service.doc, item.node)?.value;
        if (v === null || v === undefined) continue;
        const capability = normalizeCapability(v);
        if (!Object.prototype.hasOwnProperty.call(DANGEROUS, capability)) continue;
        out.push({ range: reportRangeFor(ctx, add!, item.written), data: { problem: 'dangerous-cap' as const, service: service.name, capability } });
      }
      // A dangerous cap_add inherited from a base in a file that is not analyzed itself: reported here, on the name.
      for (const level of addDropped ? [] : extendsChain(ctx, service).chain.slice(1)) {
        if (isAnalyzedBase(ctx, level)) continue;
        const baseAdd = level.ctx.serviceGet(level.service, 'cap_add');
        for (const item of seqItems(level.ctx, level.service.doc, baseAdd)?.items ?? []) {
          const v = resolveScalar(level.ctx, level.service.doc, item.node)?.value;
          if (v === null || v === undefined) continue;
          const capability = normalizeCapability(v);
          if (!Object.prototype.hasOwnProperty.call(DANGEROUS, capability)) continue;
          out.push({ range: ctx.rangeOf(service.nameNode), data: { problem: 'dangerous-cap' as const, service: service.name, capability } });
        }
      }
      // The default override decides when it drops the base's `cap_drop` or drops ALL itself (or what cannot be read): judged there.
      const dropTouch = merge && overrideAt(merge, ['cap_drop']);
      if (merge && dropTouch) {
        const own = dropTouch.value ? dropState(dropTouch.value.ctx, dropTouch.value.service) : undefined;
        const decides = !!dropTouch.drops || own?.state === 'all' || own?.state === 'unknown';
        if (decides && !merge.inOverride) continue;
        if (merge.inOverride && dropTouch.drops) {
          if (privileged !== 'unknown' && own?.state !== 'all' && own?.state !== 'unknown') {
            out.push({ range: touchRange(ctx, dropTouch, service), severity: 'info' as const, data: { problem: 'no-drop-all' as const, service: service.name, drop: own ? own.state : 'absent', target: null, cause: dropCause(dropTouch) } });
          }
          continue;
        }
      }
      // A base file analyzed only for its `extends:` users: a missing cap_drop is judged on the services that run it.
      if (isExtendsOnlyBase(ctx)) continue;
      // An override fragment (no image, build or extends; or merged over the default file with -f): the
      // complete service is judged where it is defined, as DC016, DC018 and DC020–DC023 do (what the
      // default override drops is judged above).
      if (isPartialService(ctx, service)) continue;
      const drop = privileged === 'unknown' ? ({ state: 'unknown' } as const) : chainDropState(ctx, service);
      if (drop.state === 'all' || drop.state === 'unknown') continue;
      const dropEntry = ctx.serviceGet(service, 'cap_drop');
      const range = dropEntry ? (dropEntry.own ? ctx.rangeOf(dropEntry.pair.key as Node) : ctx.rangeOf(dropEntry.reportNode)) : ctx.rangeOf(service.nameNode);
      let target: { append: YAMLMap } | { list: Node } | null = null;
      if ((drop.state === 'absent' || drop.state === 'inherited') && !ctx.isShared(service.map)) target = { append: service.map };
      else if (drop.state === 'own' && drop.editable && dropEntry?.value) target = { list: dropEntry.value };
      out.push({ range, severity: 'info' as const, data: { problem: 'no-drop-all' as const, service: service.name, drop: drop.state, target } });
    }
    return out;
  },
  message(d) {
    if (d.problem === 'dangerous-cap') return `Service '${d.service}' adds capability ${d.capability}: ${DANGEROUS[d.capability]}.`;
    if (d.cause) return `Service '${d.service}' ${d.drop === 'absent' ? "keeps Docker's default capabilities" : 'drops only some capabilities'} once merged: ${dropText(d.cause)} and drops no ALL of its own; drop them all with cap_drop: [ALL] and add back only what it needs.`;
    return d.drop === 'absent'
      ? `Service '${d.service}' keeps Docker's default capabilities; drop them all with cap_drop: [ALL] and add back only what it needs.`
      : `Service '${d.service}' drops only some capabilities; drop them all with cap_drop: [ALL] and add back only what it needs.`;
  },
  fix(ctx, { data }): Fix | undefined {
    if (data.problem !== 'no-drop-all' || !data.target) return undefined;
    const edit: TextEdit | undefined = 'append' in data.target ? appendToMapEdit(ctx, data.target.append, ['cap_drop: [ALL]']) : addToSeqEdit(ctx, data.target.list);
    if (!edit) return undefined;
    return { title: 'Drop all capabilities (cap_drop: [ALL])', safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
