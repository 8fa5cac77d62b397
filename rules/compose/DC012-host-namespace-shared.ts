import * as path from 'node:path';
import type { Pair, YAMLMap } from 'yaml';
import { defineRule } from '../engine/rule';
import type { ComposeContext, Service } from '../engine/compose';
import { serviceScalar } from '../engine/compose-values';
import { extendedService, isSwarmStack } from '../engine/compose-lookup';
import { bindToLoopbackEdit, describeMapping, hostIpKind, portsOf } from '../engine/compose-ports';
import type { TextEdit } from '../engine/types';
import { hostNetworkEntries } from '../engine/host-network';
import { deletePairEdit } from '../engine/yaml-edit';
import { defaultMerge, mergedServiceGone, overrideAt } from '../engine/override-merge';

/** Service keys that share a host namespace when set to `host`, and what the namespace isolates. */
const NAMESPACE_KEYS = {
  network_mode: 'network',
  pid: 'process (PID)',
  ipc: 'IPC',
  uts: 'UTS (hostname)',
  userns_mode: 'user',
  cgroup: 'cgroup',
} as const;

type NamespaceKey = keyof typeof NAMESPACE_KEYS;

/** What becomes of a service's `ports:` once `network_mode: host` is gone (Docker ignores them under host networking). */
interface PortsAfter {
  /** Edits binding this service's own mappings that would listen on every interface to the loopback address (DC030's edit). */
  edits: TextEdit[];
  /** Those mappings as written, and the addresses they are bound to. */
  bound: string[];
  addresses: Set<string>;
  /**
   * Mappings that would be published on every interface (or may be) and cannot be rebound here: inherited, an alias or
   * anchor, a variable, a Swarm stack, the other file of the default override pair. `file`: the file that writes the
   * mapping, relative to this one's folder, when it is not this file (mrg6b, item 4).
   */
  left: { mapping: string; file?: string }[];
  /** Some of `left` (or the ports of a base that cannot be read) may be published: their host IP or port is not known. */
  maybe: boolean;
  /** The service extends one that cannot be read: its ports are not known. */
  unknownBase: boolean;
}

/**
 * The ports a service publishes once host networking is removed, bound to 127.0.0.1 where the edit is exact
 * (review 45a, item 1): under `network_mode: host` Docker ignores `ports:` (the host network driver's documentation),
 * so removing the line alone would publish them on every interface through Docker's NAT rules, which bypass ufw.
 */
function portsAfterHostNetwork(ctx: ComposeContext, service: Service): PortsAfter {
  const out: PortsAfter = { edits: [], bound: [], addresses: new Set(), left: [], maybe: false, unknownBase: false };
  // docker stack deploy ignores a host IP: every published port is on every interface of every node.
  const stack = isSwarmStack(ctx);
  const visit = (c: ComposeContext, s: Service, own: boolean, depth: number) => {
    for (const m of portsOf(c, s)?.mappings ?? []) {
      const kind = hostIpKind(m);
      if (kind === 'loopback' || (kind === 'specific' && !stack)) continue;
      const r = own && kind === 'all' && !stack ? bindToLoopbackEdit(c, m) : undefined;
      if (r) {
        out.edits.push(r.edit);
        out.bound.push(describeMapping(m));
        out.addresses.add(r.address);
      } else {
        out.left.push({ mapping: describeMapping(m), ...(c.path === ctx.path ? {} : { file: path.relative(ctx.dir, c.path).split(path.sep).join('/') }) });
        if (kind !== 'all' && !stack) out.maybe = true;
      }
    }
    // `extends:` appends the base's ports to the service's own (Compose Specification, Merge): they are published too.
    const base = depth < 8 ? extendedService(c, s) : 'unknown';
    if (base === 'unknown') out.unknownBase = true;
    else if (base) visit(base.ctx, base.service, false, depth + 1);
  };
  visit(ctx, service, true, 0);
  // The other file of the default override pair: `docker compose up` appends its `ports:` to this file's (Compose
  // Specification, Merge), and this edit cannot reach them (review 45e, item 5). In the override, the base's ports
  // run unless the override drops them (`ports: !reset []`, `!override`).
  const merge = defaultMerge(ctx, service);
  if (merge && !mergedServiceGone(merge)) {
    if (!merge.inOverride) visit(merge.over.ctx, merge.over.service, false, 0);
    else if (!overrideAt(merge, ['ports'])?.drops) visit(merge.base.ctx, merge.base.service, false, 0);
  }
  const seen = new Set<string>();
  out.left = out.left.filter((l) => {
    const key = `${l.file ?? ''}\u0000${l.mapping}`;
    return !seen.has(key) && !!seen.add(key);
  });
  return out;
}

function quotedList(items: string[]): string {
  return andList(items.map((i) => `'${i}'`));
}

function andList(q: string[]): string {
  return q.length === 1 ? q[0] : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

/**
 * The ports left as written, grouped by the file that writes them, this file's first and unnamed, another's named:
 * "port '3000:3000' of compose.override.yaml" (mrg6b, item 4: the edit is to this file, so a port it cannot reach says
 * where it is written).
 */
function leftPorts(left: PortsAfter['left']): string {
  const byFile = new Map<string, string[]>();
  for (const l of [...left].sort((a, b) => (a.file === undefined ? 0 : 1) - (b.file === undefined ? 0 : 1))) {
    const key = l.file ?? '';
    const list = byFile.get(key);
    if (list) list.push(l.mapping);
    else byFile.set(key, [l.mapping]);
  }
  return andList([...byFile].map(([file, ms]) => `${ms.length === 1 ? 'port' : 'ports'} ${quotedList(ms)}${file ? ` of ${file}` : ''}`));
}

interface Data {
  service: string;
  key: NamespaceKey;
  /** The value was written through `${…}` (it resolved to `host`). */
  interpolated: boolean;
  /** The entry as written in the service (null when inherited or shared through an anchor: no fix). */
  map: YAMLMap | null;
  pair: Pair | null;
  /** Host networking through `networks:` (key `network_mode`): the service's network, which the file defines as Docker's `host` network. */
  network?: string;
}

export default defineRule<'compose', Data>({
  code: 'DC012',
  name: 'host-namespace-shared',
  kind: 'compose',
  severity: 'error',
  fixable: 'sometimes',
  docs: {
    summary: 'A service shares a namespace with the host: network, PID, IPC, UTS, user or cgroup (`network_mode: host`…).',
    what: 'Flags a service that shares a namespace with the host: `network_mode: host`, `pid: host`, `ipc: host`, `uts: host`, `userns_mode: host` or `cgroup: host`. Values are read after interpolation with the `.env` beside the compose file (`${NET:-host}` counts as `host`); a variable whose value is unknown is not a finding. A setting that comes through a `<<` merge is reported on the merge key. Other values (`service:vpn`, `container:…`, `shareable`, `private`) are not flagged. With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`; Compose Specification, Merge), the value that runs is judged: a key the override writes replaces this file\'s (`network_mode: service:vpn` there clears `network_mode: host` here; `host` there is reported there), and `!reset` there removes it (a value under `!reset` is no value). Not so for a service another extends, a file another includes or extends, or a Swarm stack: there this file is judged as written. Host networking written through `networks:` is flagged too, on the service\'s entry (list or map form): an external network that the file\'s top-level `networks:` names `host` (with the override `docker compose up` merges by default, the merged project\'s `networks:`: either file of the pair may define it, the override\'s settings merged over this file\'s, `!reset`/`!override` honoured) — `hostnet: { external: true, name: host }`, the Compose Specification\'s own spelling for Docker\'s built-in host network, the legacy `external: { name: host }`, or a network keyed `host` with `external: true` (an external network keeps its key as its name). A network that is not external is one the project creates and is not flagged (keyed `host`, it is the project\'s own `<project>_host`; with `name: host`, current Compose releases refuse to start, since the existing `host` network is not theirs); nor is the built-in `none` network (no network at all). This form is judged in the file that writes the entry, against that file\'s top-level `networks:`.',
    why: 'Namespaces are what separate a container from the host. With the host\'s network namespace the container sees every host interface, reaches services bound to 127.0.0.1 and can sniff traffic; with the host PID namespace it sees and signals every host process and reads their environment (secrets) through /proc; with the host IPC namespace it attaches to host shared memory; with the host UTS namespace it can rename the host; `userns_mode: host` switches user-namespace remapping off, so root in the container is root on the host again. SECURITY-GUIDELINES.md §3 asks for services isolated on a custom bridge network, and §2 for containers that do not get host-level privileges ("No Privileged Containers").',
    whySummary: 'Sharing a host namespace takes down the wall between container and host: with the host\'s network, PID or IPC namespace the container reaches services bound to 127.0.0.1, sees and signals every host process (and reads their secrets through /proc) or attaches to host shared memory.',
    bad: 'services:\n  app:\n    image: nginx:1.28-alpine\n    network_mode: host\n    pid: host',
    good: 'services:\n  app:\n    image: nginx:1.28-alpine\n    networks: [frontend]\n    ports:\n      - "127.0.0.1:8080:80"\nnetworks:\n  frontend:',
    fix: '"Remove <key>: host" deletes the line, so the service gets its own namespace again. Not offered when the setting comes from an anchor or alias (the edit would change every service that uses it: remove it at the anchor), when it is written in a flow mapping, or when it is the service\'s only key, or while the file has YAML syntax errors. Not a safe fix (a quick fix only, never applied by fix-all or `check --fix`): what shares a host namespace usually needs it. Without `pid: host` a monitoring agent (node-exporter, the Zabbix agent) stops seeing the host\'s processes; without `network_mode: host` the service no longer listens on the host\'s interfaces itself, so check how other services and clients reach it. Under host networking Docker ignores the service\'s `ports:` (the host network driver\'s documentation: the publish options "are ignored"); without it Docker publishes them, and a mapping without a host IP listens on every interface through Docker\'s own NAT rules, which bypass host firewalls such as ufw (DC030). So the same edit binds each such mapping of the service to 127.0.0.1 (`::1` for an IPv6 wildcard), with DC030\'s own edit (quotes, long syntax, ranges kept), and the title says so: "Remove network_mode: host and bind port \'5432:5432\' to 127.0.0.1". A mapping that edit cannot reach — inherited through `extends:` or a `<<` merge, written in the other file of the default override pair (`docker compose up` appends the `ports:` of `compose.override.yaml` to those of `compose.yaml`; in the override, those of `compose.yaml` run unless the override drops them with `!reset` or `!override`), an alias or an anchor, a host part from a variable, or any port of a Swarm stack (`docker stack deploy` ignores a host IP) — is left as written, and the title names it: "(port \'5432:5432\' will be published on every interface)", with the file that writes it when that is not the edited file: "(port \'3000:3000\' of compose.override.yaml will be published on every interface)". Publish only the ports clients need. Not offered in that override when the default compose file sets the same key to `host`: without the line, that value runs. No fix for host networking through `networks:`: the network\'s definition is shared by every service that names it, and which network the service joins instead is a design decision.',
    guideline: '§3 Network Security — "Custom Bridge Network"; §2 Container Runtime Security — "No Privileged Containers"',
    equivalents: [
      'KICS "Shared Host Network Namespace", "Host Namespace is Shared", "Shared Host IPC Namespace", "Shared Host User Namespace" (Docker Compose queries)',
      'compose-lint CL-0008 (network_mode: host) and CL-0010 (pid/ipc/uts/userns_mode: host)',
      'CIS Docker Benchmark v1.6.0 5.10, 5.16, 5.17, 5.21, 5.31: "Ensure that the host\'s network / process / IPC / UTS / user namespaces are not shared"',
    ],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#network_mode',
      'https://docs.docker.com/reference/compose-file/services/#pid',
      'https://docs.docker.com/reference/compose-file/services/#ipc',
      'https://docs.docker.com/reference/compose-file/services/#uts',
      'https://docs.docker.com/reference/compose-file/services/#userns_mode',
      'https://docs.docker.com/reference/compose-file/services/#cgroup',
      'https://docs.docker.com/engine/network/drivers/host/',
      'https://github.com/compose-spec/compose-spec/blob/main/06-networks.md#host-or-none',
      'https://docs.docker.com/engine/security/userns-remap/',
    ],
  },
  check(ctx) {
    const out = [];
    for (const service of ctx.services) {
      const merge = defaultMerge(ctx, service);
      if (mergedServiceGone(merge)) continue;
      for (const key of Object.keys(NAMESPACE_KEYS) as NamespaceKey[]) {
        // The override Compose merges by default writes or drops the key: its value is the one that runs (judged there).
        const touch = merge && overrideAt(merge, [key]);
        if (touch && (!merge.inOverride || !touch.value)) continue;
        const found = serviceScalar(ctx, service, key);
        if (!found || found.value.value === null || found.value.value.trim() !== 'host') continue;
        const { entry } = found;
        const own = entry.own && !entry.shared;
        out.push({
          range: entry.own ? ctx.rangeOfPair(entry.pair) : ctx.rangeOf(entry.reportNode),
          data: { service: service.name, key, interpolated: !found.value.literal, map: own ? service.map : null, pair: own ? entry.pair : null },
        });
      }
      // Docker's host network named in `networks:` (no fix: the network's definition is the file's, and which network the service needs instead is a design decision).
      for (const use of hostNetworkEntries(ctx, service)) {
        out.push({ range: use.range, data: { service: service.name, key: 'network_mode' as const, interpolated: use.interpolated, map: null, pair: null, network: use.network } });
      }
    }
    return out;
  },
  message(d) {
    const via = d.interpolated ? ' (after interpolation)' : '';
    if (d.network !== undefined) return `Service '${d.service}' shares the host's network namespace: its network '${d.network}' is Docker's host network (name: host${d.interpolated ? ', after interpolation' : ''}); the container is no longer isolated from the host there.`;
    return `Service '${d.service}' shares the host's ${NAMESPACE_KEYS[d.key]} namespace (${d.key}: host${via}); the container is no longer isolated from the host there.`;
  },
  fix(ctx, { data }) {
    if (!data.map || !data.pair) return undefined;
    // In the override Compose merges by default, the base's value takes over without the line: no use when it is host too.
    const service = ctx.serviceWithMap(data.map);
    const merge = service && defaultMerge(ctx, service);
    if (merge?.inOverride && !merge.whole && serviceScalar(merge.base.ctx, merge.base.service, data.key)?.value.value?.trim() === 'host') return undefined;
    const edit = deletePairEdit(ctx, data.map, data.pair);
    if (!edit) return undefined;
    let title = `Remove ${data.key}: host`;
    const edits = [edit];
    if (data.key === 'network_mode' && service) {
      // Without host networking Docker publishes the `ports:` it ignored until now, on every interface unless bound.
      const after = portsAfterHostNetwork(ctx, service);
      if (after.bound.length > 0) {
        edits.push(...after.edits);
        const to = after.addresses.size === 1 ? [...after.addresses][0] : `the loopback address (${[...after.addresses].join(', ')})`;
        title += ` and bind ${after.bound.length === 1 ? 'port' : 'ports'} ${quotedList(after.bound)} to ${to}`;
      }
      if (after.left.length > 0) title += ` (${leftPorts(after.left)} ${after.maybe ? 'may' : 'will'} be published on every interface)`;
      else if (after.unknownBase) title += ' (the ports of the service it extends may be published on every interface)';
    }
    return { title, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits }] };
  },
});
