import { type Node, type Pair, type YAMLMap } from 'yaml';
import { isMap, isScalar, isSeq } from '../engine/yaml-guards';
import { isMergeKey, isTrue, type ComposeContext, type Service } from '../engine/compose';
import { extendedService, lookupKey } from '../engine/compose-lookup';
import { replaceScalarEdit } from '../engine/compose-insert';
import { resolveScalar } from '../engine/compose-values';
import { defineRule } from '../engine/rule';
import { deletePairEdit } from '../engine/yaml-edit';
import { defaultMerge, mergedServiceGone, overrideAt } from '../engine/override-merge';

/**
 * Whether a service would still get a `privileged` setting (of any value, or one that cannot be read)
 * without its own `privileged:` line: from a mapping merged with `<<` (YAML merge: own keys win, so
 * the merged value takes over when the own key goes) or from the service it `extends:` (Compose
 * merges the extended service's keys under the service's own).
 */
function inheritsPrivileged(ctx: ComposeContext, service: Service, map: YAMLMap): boolean {
  for (const pair of map.items) {
    if (!isMergeKey(pair.key)) continue;
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const src of sources) {
      const target = ctx.resolve(service.doc, src as Node | null);
      if (!target || !isMap(target) || ctx.get(service.doc, target, 'privileged', 1)) return true;
    }
  }
  // In the override Compose merges by default, the base's value takes over without the line.
  const merge = defaultMerge(ctx, service);
  if (merge?.inOverride && !merge.whole && lookupKey(merge.base.ctx, merge.base.service, 'privileged') !== undefined) return true;
  const base = extendedService(ctx, service);
  if (base === undefined) return false;
  return base === 'unknown' || lookupKey(base.ctx, base.service, 'privileged') !== undefined;
}

interface Data {
  service: string;
  /** The entry as written in the service (null when it is inherited through an anchor/merge: no fix). */
  map: YAMLMap | null;
  pair: Pair | null;
}

/**
 * `privileged: ${PRIVILEGED:-true}`, or `${PRIVILEGED}` that the `.env` sets to true: Compose
 * interpolates the value before reading it as a boolean.
 */
function interpolatesToTrue(ctx: ComposeContext, service: Service, node: Node | null): boolean {
  const v = resolveScalar(ctx, service.doc, node);
  return !!v && !v.literal && v.value !== null && /^(?:true|yes|on)$/i.test(v.value.trim());
}

export default defineRule<'compose', Data>({
  code: 'DC010',
  name: 'privileged',
  kind: 'compose',
  severity: 'error',
  fixable: 'sometimes',
  docs: {
    summary: 'A service runs with `privileged: true` (also written through interpolation or a `<<` merge).',
    what: 'Flags a service with `privileged: true` (also written through interpolation, `privileged: ${PRIVILEGED:-true}`, or `${PRIVILEGED}` that the `.env` sets to true), also when the setting comes through a `<<` merge of an anchored block (the finding is then reported on the merge key). With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`; Compose Specification, Merge), the value that runs is judged: a `privileged:` the override writes replaces this file\'s (`privileged: false` there clears the finding here; `privileged: true` there is reported there), and `privileged: !reset` there removes it (a value under `!reset` is no value). Not so for a service another extends, a file another includes or extends, or a Swarm stack: there this file is judged as written.',
    why: 'A privileged container gets every Linux capability, all host devices and no seccomp/AppArmor confinement: root in it is root on the host, and escaping is trivial. SECURITY-GUIDELINES.md §2: "No Privileged Containers – never use `--privileged`". Grant the one capability the service needs with `cap_add` instead.',
    bad: 'services:\n  app:\n    image: nginx:1.28-alpine\n    privileged: true',
    good: 'services:\n  app:\n    image: nginx:1.28-alpine\n    cap_drop: [ALL]',
    fix: '"Remove privileged: true" deletes the line. Not offered when the setting is inherited from an anchor (the edit would change every service that uses it: remove it at the anchor) or, when nothing is inherited, written in a flow mapping. When the service also inherits `privileged` — through a `<<` merge key (own keys override merged ones, so without its line the merged value takes over) or from the service it `extends:` (the extending service\'s value overrides the base\'s) — deleting the line would leave it privileged: the fix is then "Set privileged: false", which overrides the inherited value. If the service really needs a device or capability, add that one explicitly afterwards. Neither fix is marked safe, so fix-all and `check --fix` never apply them; they are offered as quick fixes only: taking the privileges away changes what the container can do, and services that need them stop working (docker:dind, containers that manage the host\'s iptables/netfilter, VPN servers such as strongSwan, kernel NFS servers) — review each service, as for removing `network_mode: host` (DC012). In that override, when the default compose file writes `privileged` too, deleting the line would let that value run: the fix is then "Set privileged: false" as well.',
    guideline: '§2 Container Runtime Security — "No Privileged Containers"',
    equivalents: ['KICS "Privileged Containers Enabled" (Docker Compose query)', 'compose-lint CL-0002'],
    references: ['https://docs.docker.com/reference/compose-file/services/#privileged', 'https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities', 'https://docs.docker.com/reference/compose-file/merge/', 'https://yaml.org/type/merge.html'],
  },
  check(ctx) {
    const out = [];
    for (const service of ctx.services) {
      // The override Compose merges by default writes or drops `privileged`: its value is the one that runs (judged there).
      const merge = defaultMerge(ctx, service);
      if (mergedServiceGone(merge)) continue;
      const touch = merge && overrideAt(merge, ['privileged']);
      if (touch && (!merge.inOverride || !touch.value)) continue;
      const entry = ctx.serviceGet(service, 'privileged');
      if (!entry || !(isTrue(entry.value) || interpolatesToTrue(ctx, service, entry.value))) continue;
      const own = entry.own && !entry.shared;
      out.push({
        range: entry.own ? ctx.rangeOfPair(entry.pair) : ctx.rangeOf(entry.reportNode),
        data: { service: service.name, map: own ? service.map : null, pair: own ? entry.pair : null },
      });
    }
    return out;
  },
  message(d) {
    return `Service '${d.service}' runs privileged: it gets every capability and all host devices, so root in the container is root on the host.`;
  },
  fix(ctx, { data }) {
    if (!data.map || !data.pair) return undefined;
    const service = ctx.serviceWithMap(data.map);
    if (!service) return undefined;
    if (inheritsPrivileged(ctx, service, data.map)) {
      // Without its own line the service would take the inherited value: override it instead.
      const value = data.pair.value;
      if (!isScalar(value) || ctx.isShared(value)) return undefined;
      const edit = replaceScalarEdit(ctx, value, 'false');
      if (!edit) return undefined;
      // Not safe: the container loses devices and capabilities it may need (as removing the line).
      return { title: 'Set privileged: false (overrides the inherited privileged)', safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
    }
    const edit = deletePairEdit(ctx, data.map, data.pair);
    if (!edit) return undefined;
    // Not safe: services such as docker:dind or iptables/VPN/NFS containers stop working without it.
    return { title: 'Remove privileged: true', safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
