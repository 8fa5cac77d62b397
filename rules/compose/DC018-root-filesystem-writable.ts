import { type Node, type Scalar } from 'yaml';
import { isScalar, isSeq } from '../engine/yaml-guards';
import type { ComposeContext, Service } from '../engine/compose';
import { addToMapEdit, appendToSeqEdit, canAddToService, indentUnit, parsedCleanly, replaceScalarEdit } from '../engine/compose-insert';
import { isOwnEditable, isPartialService, lookupKey, reportNodeOf, resolvedScalar } from '../engine/compose-lookup';
import * as path from 'node:path';
import { serviceVolumes, type VolumeMount } from '../engine/compose-volumes';
import { effectiveVolumes } from '../engine/override-mounts';
import { composeTag, defaultMerge, dropCause, dropText, mergedServiceGone, overrideAt, touchRange, type DropCause } from '../engine/override-merge';
import type { Found } from '../engine/compose-lookup';
import { defineRule } from '../engine/rule';
import type { Fix, Range, TextEdit } from '../engine/types';

interface Data {
  service: Service;
  /** `read_only` is absent, or set to false; or the default override drops it (`!reset`, `!override`) and sets no true of its own. */
  problem: 'missing' | 'false' | 'dropped';
  /** The `false` scalar when it is written in place (null: inherited or shared, no fix). */
  value: Scalar | null;
  /** For `dropped`: how the override drops it. */
  cause?: DropCause;
}

function isTrueText(text: string): boolean {
  return /^(true|yes|on)$/i.test(text.trim());
}

/** The path of a tmpfs entry (`/tmp`, `/tmp:size=64m,mode=1777`), normalized. */
function tmpfsPath(entry: string): string {
  const p = entry.trim().split(':')[0];
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/**
 * Whether a mount target written with a variable may be `/tmp`: its literal text before the first `$` is
 * all that is known. `/app${FLAGS}` is neither `/tmp` nor under it; `${DIR}`, `/t${X}` and `/tmp${X}` may be
 * `/tmp` (review 45a, item 2).
 */
function mayBeTmp(raw: string): boolean {
  const at = raw.indexOf('$');
  const prefix = (at < 0 ? raw : raw.slice(0, at)).trim();
  // `/tmp` continued by nothing but slashes and dots may still clean to `/tmp` (`/tmp/${X}` with X empty).
  return '/tmp'.startsWith(prefix) || /^\/tmp[/.]*$/.test(prefix);
}

/**
 * Whether `/tmp` already has a mount: a tmpfs entry or a volume targets it (`covered`; `by` names a mount that
 * leaves it as it is without making it writable here: a read-only volume, or one the other file of the default pair
 * writes), or nothing does (`free`). `unknown` when that cannot be told: a tmpfs entry without a value, or a mount
 * target from a variable that may be `/tmp` (`blocker`, as written; Compose refuses two mounts on one target, so no
 * tmpfs is added then). With the default override merged (`compose.override.yaml`), the other file's mounts and
 * `tmpfs:` of the same service count as this file's (review 45e, item 3): they land on the same container.
 */
function tmpCovered(ctx: ComposeContext, service: Service): { state: 'free' } | { state: 'covered'; by?: string } | { state: 'unknown'; blocker: string } {
  const found = lookupKey(ctx, service, 'tmpfs');
  if (found === 'unknown') return { state: 'unknown', blocker: 'the tmpfs: of the service it extends' };
  const merge = defaultMerge(ctx, service);
  // This file's tmpfs: list does not reach the container when it is tagged `!reset` here or the override drops it (mrg6b, item 1).
  const ownDropped = !!found && (tmpfsReset(ctx, found) || (!!merge && !merge.inOverride && !mergedServiceGone(merge) && !!overrideAt(merge, ['tmpfs'])?.drops));
  const tmpfsLists: { found: NonNullable<typeof found>; where: string }[] = found && !ownDropped ? [{ found, where: '' }] : [];
  const mounts: { m: VolumeMount; where: string }[] = [];
  let own = serviceVolumes(ctx, service);
  if (merge && !mergedServiceGone(merge)) {
    const other = merge.inOverride ? merge.base : merge.over;
    const otherName = path.basename(other.ctx.path);
    const touch = overrideAt(merge, ['tmpfs']);
    if (!merge.inOverride && touch?.value) tmpfsLists.push({ found: touch.value, where: ` in ${otherName}` });
    if (merge.inOverride && !touch?.drops) {
      const baseTmpfs = lookupKey(other.ctx, other.service, 'tmpfs');
      if (baseTmpfs === 'unknown') return { state: 'unknown', blocker: `the tmpfs: of the service it extends in ${otherName}` };
      if (baseTmpfs) tmpfsLists.push({ found: baseTmpfs, where: ` in ${otherName}` });
    }
    // The merged service's mounts (effectiveVolumes: less what the override drops or replaces by container path).
    own = effectiveVolumes(ctx, service);
    for (const m of effectiveVolumes(other.ctx, other.service)) mounts.push({ m, where: ` in ${otherName}` });
  }
  mounts.unshift(...own.map((m) => ({ m, where: '' })));
  for (const { found: f, where: w } of tmpfsLists) {
    const v = f.entry.value;
    if (!v) continue;
    const nodes = isSeq(v) ? v.items : [v];
    for (const n of nodes) {
      const text = resolvedScalar(f.ctx, f.ctx.resolve(f.service.doc, n as Node));
      if (text === undefined || text === null) return { state: 'unknown', blocker: `a tmpfs: entry whose value is not known${w}` };
      if (tmpfsPath(text) === '/tmp') return w ? { state: 'covered', by: `a tmpfs: entry${w} mounts it` } : { state: 'covered' };
    }
  }
  let blocker: string | undefined;
  for (const { m, where } of mounts) {
    const target = m.target?.value;
    if (m.target && target === null) {
      if (mayBeTmp(m.target.raw)) blocker ??= `the volume target '${m.target.raw}'${where}`;
      continue;
    }
    if (target && target.replace(/\/+$/, '') === '/tmp') {
      if (m.readOnly !== false) return { state: 'covered', by: `the volume mounted there${where} ${m.readOnly ? 'is read-only' : 'may be read-only'}` };
      return where ? { state: 'covered', by: `a volume${where} is mounted there` } : { state: 'covered' };
    }
  }
  return blocker ? { state: 'unknown', blocker } : { state: 'free' };
}

/**
 * Whether a `tmpfs:` entry is tagged `!reset` where it is written: compose-go's ResetProcessor removes the tagged node
 * whatever its value ("`foo: !reset null` removes foo attribute from merged yaml (value is ignored)",
 * compose-spec/compose-go#552; Compose Specification, Merge › Reset value), so a `/tmp` appended to it never mounts.
 */
function tmpfsReset(ctx: ComposeContext, found: Found): boolean {
  return found.entry.own && !found.inherited && found.ctx === ctx && composeTag(ctx, found.entry.pair) === 'reset';
}

/** The edit appending `/tmp` to a `tmpfs:` list written in `ctx` (a sequence, or a scalar made a flow sequence). */
function appendTmp(ctx: ComposeContext, tmpfs: Found): TextEdit | undefined {
  const v = tmpfs.entry.value;
  if (!isOwnEditable(ctx, tmpfs) || !v || ctx.isShared(v)) return undefined;
  if (isSeq(v)) return appendToSeqEdit(ctx, v, '/tmp');
  if (isScalar(v) && v.range) return replaceScalarEdit(ctx, v, `[${ctx.text.slice(v.range[0], v.range[1])}, /tmp]`);
  return undefined;
}

/**
 * Where the fix puts `/tmp` so that it reaches the merged service (mrg6b, item 1): in this file's `tmpfs:` (`here`:
 * the list, or none yet: a new key), in the default override's `tmpfs: !override [...]` list when the override replaces
 * this file's (Compose Specification, Merge › Replace value: only the override's list remains), or nowhere, with the
 * reason for the title, when the list it would go to is removed: `tmpfs: !reset` in the override or in this file (the
 * tagged value is dropped, so an entry appended to it would not mount either).
 */
function tmpfsPlace(ctx: ComposeContext, service: Service): { here: Found | undefined } | { there: Found } | { none: string } | 'unknown' {
  const tmpfs = lookupKey(ctx, service, 'tmpfs');
  if (tmpfs === 'unknown') return 'unknown';
  const merge = defaultMerge(ctx, service);
  const touch = merge && !merge.inOverride && !mergedServiceGone(merge) ? overrideAt(merge, ['tmpfs']) : undefined;
  if (merge && touch?.drops) {
    const otherName = path.basename(merge.over.ctx.path);
    if (touch.drops.tag === 'override' && touch.value) return { there: touch.value };
    return { none: `${otherName} ${touch.drops.tag === 'reset' ? 'resets' : 'replaces'} tmpfs with !${touch.drops.tag}` };
  }
  if (tmpfs && tmpfsReset(ctx, tmpfs)) return { none: 'this file resets tmpfs with !reset' };
  return { here: tmpfs };
}

export default defineRule<'compose', Data>({
  code: 'DC018',
  name: 'root-filesystem-writable',
  kind: 'compose',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: 'A service\'s root filesystem is writable: no `read_only: true`.',
    what: 'Flags a service without `read_only: true` (missing, or set to false), read from the service, `<<` merges and `extends:`. Missing settings are reported on the service name, `read_only: false` on that line (or on the `<<` key it comes through). A service with no `image:`, `build:` or `extends:` (an override-file fragment) is not judged; `read_only: ${VAR}` without a value is unknown, not a finding. A base file analyzed only because a default compose file\'s services extend it (`extends: {file: common-services.yml}`) is not judged for missing settings: the services that extend it are, on the merged result. With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`; Compose Specification, Merge), a `read_only` the override writes or drops is the one that runs: `read_only: true` there clears the finding here, `read_only: false` there is reported there (fixed in place, as here), and `read_only: !reset` (or a service replaced with `!override` without it) is reported there, on that key, without a fix. Not so for a service another extends, a file another includes or extends, or a Swarm stack: there this file is judged as written.',
    why: 'With a writable root filesystem, an attacker who gets code execution can replace binaries, drop tools and change configuration inside the container. Mounting it read-only leaves only the paths you declare (volumes, `tmpfs`) writable, which also documents where the service writes. SECURITY-GUIDELINES.md §2 Container Runtime Security: "Read-only Root Filesystem – Where applicable".',
    bad: 'services:\n  web:\n    image: nginx:1.28-alpine',
    good: 'services:\n  web:\n    image: nginx:1.28-alpine\n    read_only: true\n    tmpfs:\n      - /tmp\n      - /var/cache/nginx\n      - /run',
    fix: '"Make the root filesystem read-only" adds `read_only: true` at the end of the service (or changes `false` to `true` in place) and makes `/tmp` writable as a tmpfs: a `tmpfs:` key with `- /tmp` is added, or `/tmp` is appended to an existing `tmpfs:` list; nothing is added when a tmpfs entry or a volume already targets `/tmp` — in this file or, for the pair `docker compose up` merges by default, in the other file (`compose.override.yaml` beside `compose.yaml`): its mounts land on the same container — and the title then says why when the edit leaves `/tmp` as it is: "(no tmpfs added for /tmp: a volume in compose.override.yaml is mounted there)", "(no tmpfs added for /tmp: the volume mounted there is read-only)". Nor when that cannot be told: a volume target from a variable without a value that may be `/tmp` (`./site:${SITE_DIR}`, `/t${X}`, `/tmp${X}`; Compose refuses two mounts on one target, so a tmpfs beside it could stop the service from starting), or a tmpfs entry whose value is not known; the title says so then: "Make the root filesystem read-only (no tmpfs added for /tmp: the volume target \'${SITE_DIR}\' may be /tmp)", and `/tmp` stays read-only until you make it writable. A `tmpfs:` list that is removed in the merge gets no `/tmp` either (a `/tmp` appended to it would not mount): the default override\'s `tmpfs: !reset` drops this file\'s list ("(no tmpfs added for /tmp: compose.override.yaml resets tmpfs with !reset)"), and so does the tag on the list where it is written; when the override replaces the list (`tmpfs: !override [/run]`), `/tmp` is appended to the override\'s list instead ("(tmpfs for /tmp in compose.override.yaml)"). A target whose written start rules `/tmp` out (`/app${FLAGS}`: neither `/tmp` nor under it) does not keep the tmpfs out. Named volumes and bind mounts stay writable. Not offered when `read_only`, `tmpfs` or the service comes from an anchor, an alias, a `<<` merge or `extends:`. Never applied by fix-all: most images write somewhere besides `/tmp` at start-up (nginx `/var/cache/nginx` and `/run`, databases their socket directory); run the service, read `docker diff <container>` and add those paths as tmpfs or volumes. No fix for a `read_only` the default override resets or replaces: the override may relax it on purpose (a development setup).',
    guideline: '§2 Container Runtime Security — "Read-only Root Filesystem"',
    equivalents: ['compose-lint CL-0007 (Filesystem Not Read-Only)', 'CIS Docker Benchmark v1.6.0 5.13 "Ensure that the container\'s root filesystem is mounted as read only"', 'Checkov CKV_K8S_22 (read-only root filesystem) for the same control on Kubernetes'],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#read_only',
      'https://docs.docker.com/reference/compose-file/services/#tmpfs',
      'https://docs.docker.com/reference/cli/docker/container/run/#read-only',
      'https://github.com/tmatens/compose-lint/blob/main/docs/rules/CL-0007.md',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    for (const service of ctx.services) {
      // The override Compose merges by default decides when it writes or drops `read_only`: judged there.
      const merge = defaultMerge(ctx, service);
      if (mergedServiceGone(merge)) continue;
      const touch = merge && overrideAt(merge, ['read_only']);
      if (merge && touch && !merge.inOverride) continue;
      if (touch && !touch.value) {
        out.push({ range: touchRange(ctx, touch, service), data: { service, problem: 'dropped', value: null, cause: dropCause(touch) } });
        continue;
      }
      const found = lookupKey(ctx, service, 'read_only');
      if (found === 'unknown') continue;
      if (found) {
        const v = found.entry.value;
        if (!v || !isScalar(v)) continue; // an empty or odd value: Compose rejects it, not this rule's finding
        const text = resolvedScalar(found.ctx, v);
        if (text === null) continue; // interpolation without a value: unknown
        if (v.value === true || (text !== undefined && isTrueText(text))) continue;
        const editable = isOwnEditable(ctx, found) && !ctx.isShared(v);
        out.push({ range: editable ? ctx.rangeOfPair(found.entry.pair) : ctx.rangeOf(reportNodeOf(found, service)), data: { service, problem: 'false', value: editable ? v : null } });
        continue;
      }
      if (isPartialService(ctx, service)) continue;
      out.push({ range: ctx.rangeOf(service.nameNode), data: { service, problem: 'missing', value: null } });
    }
    return out;
  },
  message(d) {
    if (d.problem === 'dropped' && d.cause) return `Service '${d.service.name}' has a writable root filesystem once merged: ${dropText(d.cause)} and sets no read_only: true, so anything that runs in it can rewrite its binaries and configuration.`;
    return d.problem === 'false'
      ? `Service '${d.service.name}' sets read_only: false: anything that runs in it can rewrite its binaries and configuration.`
      : `Service '${d.service.name}' has a writable root filesystem (no read_only: true): anything that runs in it can rewrite its binaries and configuration.`;
  },
  fix(ctx, { data }): Fix | undefined {
    const { service } = data;
    // What the override drops is left to the user: the override may relax it on purpose (a development setup).
    if (data.problem === 'dropped') return undefined;
    if (!parsedCleanly(service) || (data.problem === 'false' && !data.value)) return undefined;
    if (!canAddToService(ctx, service) && data.problem === 'missing') return undefined;
    const unit = indentUnit(ctx, service);
    const edits: TextEdit[] = [];
    const newLines: string[] = [];
    const covered = tmpCovered(ctx, service);
    const changes: Fix['changes'] = [];
    // Why no tmpfs is added although /tmp has no mount: the list it would go to is removed in the merge (mrg6b, item 1).
    let noTmpfs: string | undefined;
    let tmpfsThere: string | undefined;
    if (covered.state === 'free') {
      const place = tmpfsPlace(ctx, service);
      if (place === 'unknown') return undefined;
      if ('none' in place) noTmpfs = place.none;
      else if ('there' in place) {
        // The override's `tmpfs: !override [...]` is the list the merged service mounts: /tmp goes there.
        const over = place.there;
        const edit = appendTmp(over.ctx, over);
        if (!edit) return undefined;
        changes.push({ kind: 'edit', path: over.ctx.path, edits: [edit] });
        tmpfsThere = path.basename(over.ctx.path);
      } else if (!place.here) {
        if (!canAddToService(ctx, service)) return undefined;
        newLines.push('tmpfs:', '  - /tmp');
      } else {
        const edit = appendTmp(ctx, place.here);
        if (!edit) return undefined;
        edits.push(edit); // first: an insert at the same point as the new keys must come before them
      }
    }
    if (data.problem === 'false') {
      const edit = replaceScalarEdit(ctx, data.value!, 'true');
      if (!edit) return undefined;
      edits.push(edit);
      if (newLines.length > 0) {
        const add = addToMapEdit(ctx, service.map, newLines, unit);
        if (!add) return undefined;
        edits.push(add);
      }
    } else {
      const add = addToMapEdit(ctx, service.map, ['read_only: true', ...newLines], unit);
      if (!add) return undefined;
      edits.push(add);
    }
    // A target that may be /tmp keeps the tmpfs out (Compose refuses two mounts on one target): the title says so (review 45a, item 2).
    // A mount the edit leaves as it is (read-only, or written in the other file of the default pair): the title says why nothing is added (review 45e, item 3).
    // A tmpfs: list removed in the merge (`!reset`): nothing to add /tmp to, and the title says so; one the override
    // replaces (`!override`): /tmp goes there, and the title names that file (mrg6b, item 1).
    const title =
      covered.state === 'unknown'
        ? `Make the root filesystem read-only (no tmpfs added for /tmp: ${covered.blocker} may be /tmp)`
        : covered.state === 'free'
          ? noTmpfs
            ? `Make the root filesystem read-only (no tmpfs added for /tmp: ${noTmpfs})`
            : tmpfsThere
              ? `Make the root filesystem read-only (tmpfs for /tmp in ${tmpfsThere})`
              : 'Make the root filesystem read-only (tmpfs for /tmp)'
          : covered.by
            ? `Make the root filesystem read-only (no tmpfs added for /tmp: ${covered.by})`
            : 'Make the root filesystem read-only';
    return { title, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits }, ...changes] };
  },
});
