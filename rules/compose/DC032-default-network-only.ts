import { type Document, type Node, type Scalar, type YAMLMap } from 'yaml';
import { isMap, isScalar, isSeq } from '../engine/yaml-guards';
import { isMergeKey, type ComposeContext, type Service } from '../engine/compose';
import { addToMapEdit, canAddToService, indentUnit, isEditableScalar, parsedCleanly, replaceScalarEdit } from '../engine/compose-insert';
import { resolveScalar } from '../engine/compose-values';
import { isPartialService } from '../engine/compose-lookup';
import { includesOf, includeTree, inclusionOf, projectFiles, surelyIncludedBy } from '../engine/include';
import { defaultPairPartner } from '../engine/override-top-level';
import { defineRule } from '../engine/rule';
import type { Fix, Range, TextEdit } from '../engine/types';
import { defaultMerge, dropCause, dropText, mergedServiceGone, overrideAt, touchRange, type DefaultMerge, type DropCause } from '../engine/override-merge';

interface Data {
  service: string;
  doc: Document.Parsed;
  /** The default override drops the default file's `networks` or `network_mode` (`!reset`, `!override`), which leaves the merged service on the default network only: reported there, without a fix. */
  dropped?: DropCause;
}

/** The network name the fix creates. */
const NETWORK = 'backend';

/**
 * How a service's `networks:` leaves it on the project's default network only: `absent` (no `networks:`),
 * `named` (it names `default` and nothing else, list or map form: the scalars that name it are given),
 * `empty` (an empty list or mapping, which Compose treats as absent: compose-go attaches a service with no
 * network to `default`). Null when it names another network, or a name that cannot be read (a variable
 * without a value, a `<<` merge inside the mapping, an empty value).
 */
type DefaultOnly = { how: 'absent' } | { how: 'named'; names: Scalar[] } | { how: 'empty' };

function defaultOnly(ctx: ComposeContext, s: Service): DefaultOnly | null {
  const entry = ctx.serviceGet(s, 'networks');
  if (!entry) return { how: 'absent' };
  const value = entry.value;
  if (!value || !(isSeq(value) || isMap(value))) return null;
  if (value.items.length === 0) return { how: 'empty' };
  const names: Scalar[] = [];
  if (isSeq(value)) {
    for (const item of value.items) {
      const v = resolveScalar(ctx, s.doc, item as Node);
      if (!v || v.value?.trim() !== 'default') return null;
      names.push(v.node);
    }
  } else {
    for (const pair of value.items) {
      if (!isScalar(pair.key) || isMergeKey(pair.key) || String(pair.key.value) !== 'default') return null;
      names.push(pair.key);
    }
  }
  return { how: 'named', names };
}

/**
 * Services of one document that are on the project's default network only (no `networks:`, or one that
 * names only `default`), without `network_mode:`, and complete (not `extends:`, not partial).
 */
function servicesOnDefault(ctx: ComposeContext, doc: Document.Parsed): Service[] {
  return ctx.services.filter((s) => s.doc === doc && !ctx.serviceGet(s, 'network_mode') && !ctx.serviceGet(s, 'extends') && !isPartialService(ctx, s) && defaultOnly(ctx, s) !== null);
}

/**
 * How the default override (compose.override.yaml, merged by `docker compose up`) leaves a service of
 * the default file: `networks` are merged by name (compose-go's mergeNetworks reads both as mappings and
 * merges them), so the merged service is on `default` only when neither file names another network;
 * `network_mode` is a scalar, the override's replaces the default file's; `!reset`/`!override` drop the
 * default file's value. `here`: the default file's service alone decides (the override drops nothing
 * and adds only `default`), judged in the default file as written; `dropped`: the merged service is on
 * the default network only because the override drops a value of the default file (judged in the
 * override, on the tag's key); `elsewhere`: the merged service is not on the default network only.
 */
function mergedNetworks(merge: DefaultMerge): { how: 'here' } | { how: 'elsewhere' } | { how: 'dropped'; range: Range; cause: DropCause } {
  const { base, over } = merge;
  const mode = overrideAt(merge, ['network_mode']);
  const nets = overrideAt(merge, ['networks']);
  if (mode?.value) return { how: 'elsewhere' };
  if (!mode?.drops && base.ctx.serviceGet(base.service, 'network_mode')) return { how: 'elsewhere' };
  if (nets?.value && defaultOnly(over.ctx, over.service) === null) return { how: 'elsewhere' };
  if (!nets?.drops && defaultOnly(base.ctx, base.service) === null) return { how: 'elsewhere' };
  const by = nets?.drops ? nets : mode?.drops ? mode : undefined;
  if (!by) return { how: 'here' };
  return { how: 'dropped', range: touchRange(over.ctx, by, over.service), cause: dropCause(by)! };
}

/**
 * The complete services of one document that may be on the project's default network: all but those
 * whose `network_mode:` puts them elsewhere (the host's stack, none, or another container's namespace,
 * which they share with it: no network stands between them). `networks:` lists are not read (a list
 * may name `default`).
 */
function defaultNetworkMembers(ctx: ComposeContext, doc: Document.Parsed): Service[] {
  return ctx.services.filter((s) => s.doc === doc && !ctx.serviceGet(s, 'network_mode') && !isPartialService(ctx, s));
}

/**
 * How many services of the project may be on its default network beside one document's (defaultNetworkMembers):
 * with the default override merged (defaultPairPartner), the merged project's — a service only the other file
 * defines counts (review item 4, ovr2: one the override adds is a neighbour of the default file's), one the override
 * resets (`!reset`) does not, and a `network_mode` either file gives the merged service takes it off the default
 * network (the override's replaces this file's; `!reset`/`!override` drop it).
 */
function defaultNetworkCount(ctx: ComposeContext, doc: Document.Parsed): number {
  const partner = defaultPairPartner(ctx);
  if (!partner) return defaultNetworkMembers(ctx, doc).length;
  let n = 0;
  const here = new Set<string>();
  for (const s of ctx.services) {
    if (s.doc !== doc) continue;
    here.add(s.name);
    const merge = defaultMerge(ctx, s);
    if (merge ? mergedOnDefault(merge) : !ctx.serviceGet(s, 'network_mode') && !isPartialService(ctx, s)) n++;
  }
  for (const t of partner.other.services) {
    if (here.has(t.name) || ctx.servicesNamed(t.name).length > 0) continue;
    // A service only the other file defines: complete (an image, a build or an `extends:`), not on another network_mode.
    const { other } = partner;
    if (other.serviceGet(t, 'network_mode') || !['image', 'build', 'extends'].some((k) => other.serviceGet(t, k))) continue;
    here.add(t.name);
    n++;
  }
  return n;
}

/** Whether a service of the default pair, merged, may be on the project's default network: it exists, is complete, and no `network_mode` takes it elsewhere. */
function mergedOnDefault(merge: DefaultMerge): boolean {
  if (mergedServiceGone(merge)) return false;
  const { base, over } = merge;
  const mode = overrideAt(merge, ['network_mode']);
  if (mode?.value) return false;
  if (!mode?.drops && base.ctx.serviceGet(base.service, 'network_mode')) return false;
  const complete = (c: ComposeContext, s: Service) => ['image', 'build', 'extends'].some((k) => c.serviceGet(s, k));
  return (!merge.whole && complete(base.ctx, base.service)) || complete(over.ctx, over.service);
}

/**
 * How many complete services the other files of the file's `include:` project define (0 without include): those of
 * the project's root (when it is not this file) and of every file of its include tree but this one (projectFiles).
 */
function projectNeighbours(ctx: ComposeContext): number {
  const inc = inclusionOf(ctx);
  // A file that no file includes and that includes none is a project of its own (most files): its tree is empty.
  if (!inc && includesOf(ctx, ctx.dir).length === 0) return 0;
  const root = inc ? inc.root : ctx;
  const tree = treeCounts(root, ctx.workspace);
  let n = tree.total - (tree.byPath.get(ctx.path) ?? 0);
  if (root.path !== ctx.path) n += root.services.filter((s) => !isPartialService(root, s)).length;
  return n;
}

/**
 * The complete services of each file of a root's include tree, counted once per tree and analysis (includeTree's own
 * memo: by root context). Every file of a project asks for the whole project's count: counted per file, with each file
 * of the tree asking whether it is included (isPartialService → includersOf), a project of N files cost N² (review
 * 45c leftovers, item 3). A file the tree's root surely includes (surelyIncludedBy) is no fragment of an override
 * (isPartialService: an included file is an application of its own), so its count is that of its services with an
 * `image:`, `build:` or `extends:`, which depends on its parse alone and is counted once per parse.
 */
function treeCounts(root: ComposeContext, ws: ComposeContext['workspace']): { total: number; byPath: Map<string, number> } {
  const hit = treeCountMemo.get(root);
  if (hit && hit.ws === ws) return hit;
  const byPath = new Map<string, number>();
  let total = 0;
  for (const { ctx: file } of includeTree(root, ws)) {
    const n = surelyIncludedBy(root, file.path) ? completeServices(file) : file.services.filter((s) => !isPartialService(file, s)).length;
    byPath.set(file.path, n);
    total += n;
  }
  const made = { ws, total, byPath };
  treeCountMemo.set(root, made);
  return made;
}

const treeCountMemo = new WeakMap<ComposeContext, { ws: ComposeContext['workspace']; total: number; byPath: Map<string, number> }>();

/** By parse (its services list, shared by every context reading it): how many services have an `image:`, `build:` or `extends:`. */
const completeCounts = new WeakMap<readonly Service[], number>();

function completeServices(ctx: ComposeContext): number {
  let n = completeCounts.get(ctx.services);
  if (n === undefined) completeCounts.set(ctx.services, (n = ctx.services.filter((s) => ['image', 'build', 'extends'].some((k) => ctx.serviceGet(s, k))).length));
  return n;
}

export default defineRule<'compose', Data>({
  code: 'DC032',
  name: 'default-network-only',
  kind: 'compose',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: 'A service is on the project\'s `default` network only: no `networks:` or `network_mode:`, or only `default`.',
    what: 'Flags a service that sets neither `networks:` nor `network_mode:`, so Compose attaches it to the project\'s `default` network, which every service of the file (and anything later added to the project) shares; also one whose `networks:` names only `default` (`networks: [default]`, `- default`, `default: {}`: the same network, written out) or is empty (`networks: []`, which Compose treats as absent). A service that names `default` beside another network, or a network name that cannot be read (a variable without a value), is not flagged. Reported on the service name. Services that `extends:` another, and partial services of override files, are not judged; nor is a file with a single service (the default network is per project, so it has no neighbour to be isolated from), or whose other services all set `network_mode:` (the host\'s network, none, or another container\'s namespace: they are not on the default network, and one that shares a service\'s namespace has no network between them to isolate). Files joined by a top-level `include:` form one project whose services share one default network: the project is judged as a whole (a file with one service that another file of the project includes is judged), and each finding is reported in the file where the service is written. A base file analyzed only because a default compose file\'s services extend it (`extends: {file: common-services.yml}`) is not judged for missing settings: the services that extend it are, on the merged result. With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`; Compose Specification, Merge), the service is judged as it runs: `networks` are merged by name (a network the override names clears the finding here), the override\'s `network_mode` replaces this file\'s, and where the override resets or replaces (`!reset`, `!override`) the service\'s `networks` or `network_mode` and so leaves it on the default network only, the finding is reported there, on the key the tag is written on (judged with this file\'s services as neighbours). The merged project\'s services are the neighbours: a service the override adds (an `image:`, `build:` or `extends:`, no `network_mode:`) shares the default network with this file\'s, one it resets (`!reset`) or moves off with `network_mode:` does not, and a `network_mode` of this file it resets puts the service back on it; in the override, the default file\'s services are its added services\' neighbours. Not so for a service another extends, a file another includes or extends, or a Swarm stack: there this file is judged as written.',
    why: 'On the shared default network every container can reach every other container on every port: a compromised web front end talks straight to the database and the cache. SECURITY-GUIDELINES.md §3: "Custom Bridge Network – services isolated from external networks" and "Network Policies – restrict inter-service communication". Naming networks is the first step: services that need each other share a network, the rest do not (e.g. `frontend` for proxy + API, `backend` for API + database).',
    bad: 'services:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n  db:\n    image: postgres:17-alpine',
    good: 'services:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n    networks:\n      - backend\n  db:\n    image: postgres:17-alpine\n    networks:\n      - backend\nnetworks:\n  backend:\n    driver: bridge',
    fix: '"Attach every service to a named bridge network" adds a top-level `networks: { backend: { driver: bridge } }` and `networks: [backend]` (in block style) to every service of the file, in one edit (`backend-2`, then `-3`…, when the other file of the default pair defines a network named `backend`: Compose merges top-level networks by name, so an `external` or `internal` one there would become the network added here) — the same connectivity as the default network, now named, so you can split it further; a service that names `default` gets `backend` in its place (`networks: [default]` becomes `networks: [backend]`), so that every service that was on the default network is on `backend` together. Offered only when no service of the file sets `network_mode:`, every `networks:` of the file names only `default` and belongs to a service flagged here (not one that `extends:` another), none is empty, and there is no top-level `networks:` (otherwise which service belongs where is your design decision; moving only some services off `default` would cut them off from the others), when the file is not part of an `include:` project (a network defined in two of its files would conflict), when the default override writes `networks` or `network_mode` for none of the file\'s services, and when the other file of the default pair defines no service this file does not (it would stay on the default network, cut off from the services moved to `backend`) (Compose merges the override\'s networks with the ones added here, and `!reset`/`!override` there would drop them: the design spans both files), and when every service can be edited in place (no anchors, aliases or merges, no YAML errors). No fix for a finding in the override: what it drops is its author\'s call. Not applied by fix-all: it changes the network containers are attached to (external tools that connect to `<project>_default` must follow).',
    guideline: '§3 Network Security — "Custom Bridge Network", "Network Policies"',
    equivalents: ['KICS "Networks Not Set" (Docker Compose query)', 'Checkov: no equivalent for compose', 'compose-lint: none'],
    references: ['https://docs.docker.com/compose/how-tos/networking/', 'https://docs.docker.com/reference/compose-file/services/#networks', 'https://docs.docker.com/reference/compose-file/networks/', 'https://docs.docker.com/reference/compose-file/include/'],
  },
  check(ctx) {
    const out = [];
    // Services of files joined by `include:` share the project's default network with this file's: counted only when
    // the document's own are too few to have neighbours.
    let others: number | undefined;
    for (const doc of ctx.documents) {
      // A lone service has no neighbour to be isolated from (the default network is per project);
      // neither has one whose only companions use `network_mode:` (the host's network, another's namespace).
      const own = defaultNetworkCount(ctx, doc);
      if (own < 2 && own + (others ??= projectNeighbours(ctx)) < 2) continue;
      for (const service of servicesOnDefault(ctx, doc)) {
        // With the default override merged over it, the merged service is judged (an override that names a
        // network for it clears the finding here; one that drops its networks is reported there).
        const merge = defaultMerge(ctx, service);
        if (merge && (mergedServiceGone(merge) || mergedNetworks(merge).how !== 'here')) continue;
        out.push({ range: ctx.rangeOf(service.nameNode), data: { service: service.name, doc } });
      }
    }
    // In the default override: the services whose `networks`/`network_mode` of the default file it drops, leaving them
    // on the default network only (judged with the default file's neighbours).
    for (const service of ctx.services) {
      const merge = defaultMerge(ctx, service);
      if (!merge?.inOverride || mergedServiceGone(merge)) continue;
      const { base } = merge;
      if (base.ctx.serviceGet(base.service, 'extends') || isPartialService(base.ctx, base.service)) continue;
      if (defaultNetworkCount(base.ctx, base.service.doc) + projectNeighbours(base.ctx) < 2) continue;
      const judged = mergedNetworks(merge);
      if (judged.how === 'dropped') out.push({ range: judged.range, data: { service: service.name, doc: service.doc, dropped: judged.cause } });
    }
    return out;
  },
  message(d) {
    if (d.dropped) return `Service '${d.service}' is only on the project's default network once merged: ${dropText(d.dropped)}, so it shares the network every service is on; attach it to named networks that only the services it talks to join.`;
    return `Service '${d.service}' is only on the project's default network, which every service shares; attach it to named networks that only the services it talks to join.`;
  },
  fix(ctx, { data }): Fix | undefined {
    // What the override drops is left to the user: the override may relax it on purpose (a development setup).
    if (data.dropped) return undefined;
    // One fix for the whole document, the same for each of its findings: computed once per analysis (each
    // computation reads every service: asked for every finding, a file of hundreds of services took seconds; review 40c).
    return ctx.memo(data.doc, 'DC032.fix', () => attachAllFix(ctx, data.doc));
  },
});

/** "Attach every service to a named bridge network" for one document, or undefined where that is not exact. */
function attachAllFix(ctx: ComposeContext, doc: Document.Parsed): Fix | undefined {
  // A network named in two files of one `include:` project is a conflict: the design is the author's.
  if (projectFiles(ctx).length > 0) return undefined;
  const root = doc.contents;
  if (!root || !isMap(root) || root.flow || doc.errors.length > 0) return undefined;
  if ((root as YAMLMap).get('networks', true) !== undefined) return undefined;
  const targets = servicesOnDefault(ctx, doc);
  if (targets.length === 0) return undefined;
  // Every service on the default network moves with the others, or none does: a service that uses
  // `network_mode:`, or names networks and is not moved (another network besides `default`, an `extends:`),
  // leaves the fix to the author.
  const all = ctx.services.filter((s) => s.doc === doc);
  if (all.some((s) => ctx.serviceGet(s, 'network_mode') || (ctx.serviceGet(s, 'networks') && !targets.includes(s)))) return undefined;
  // A service whose networks the default override writes or drops: the edit here would not be what runs
  // (`!override`, `!reset` undo it; a network named there joins it), so the design spans two files.
  if (all.some((s) => {
    const merge = defaultMerge(ctx, s);
    return merge !== undefined && (overrideAt(merge, ['networks']) !== undefined || overrideAt(merge, ['network_mode']) !== undefined);
  })) return undefined;
  // A service only the other file of the default pair defines stays on the default network: moving this file's
  // services off it would cut them off from it (review item 4, ovr2).
  const partner = defaultPairPartner(ctx);
  if (partner?.other.services.some((t) => ctx.servicesNamed(t.name).length === 0)) return undefined;
  // The other file's top-level networks are merged with the one added here by name (a `backend` it defines as
  // external or internal would become this network): the new network takes a name it does not define (review 44d, item 2).
  const network = networkName(partner ? topLevelNames(partner.other, 'networks') : new Set());
  const unit = indentUnit(ctx, targets[0]);
  const edits: TextEdit[] = [];
  for (const s of targets) {
    if (!canAddToService(ctx, s) || !parsedCleanly(s)) return undefined;
    const on = defaultOnly(ctx, s);
    if (on?.how === 'absent') {
      const edit = addToMapEdit(ctx, s.map, ['networks:', `  - ${network}`], unit);
      if (!edit) return undefined;
      edits.push(edit);
      continue;
    }
    // `networks: [default]`: the name is replaced where it is written (no alias, anchor, merge or variable).
    const entry = ctx.serviceGet(s, 'networks');
    if (on?.how !== 'named' || !entry?.own || entry.shared) return undefined;
    for (const name of on.names) {
      if (!isEditableScalar(ctx, name) || name.value !== 'default') return undefined;
      const edit = replaceScalarEdit(ctx, name, network);
      if (!edit) return undefined;
      edits.push(edit);
    }
  }
  const top = addToMapEdit(ctx, root as YAMLMap, ['networks:', `  ${network}:`, '    driver: bridge'], unit);
  if (!top) return undefined;
  edits.push(top);
  return { title: 'Attach every service to a named bridge network', safe: false, changes: [{ kind: 'edit', path: ctx.path, edits }] };
}

/** The names a compose file declares under a top-level section (`networks:`), in any of its documents. */
function topLevelNames(ctx: ComposeContext, section: string): Set<string> {
  const out = new Set<string>();
  for (const doc of ctx.documents) {
    const root = doc.contents;
    const top = root && isMap(root) ? ctx.get(doc, root, section)?.value : undefined;
    if (top && isMap(top)) for (const p of top.items) if (isScalar(p.key)) out.add(String(p.key.value));
  }
  return out;
}

/** The fix's network name: `backend`, or `backend-2`, `backend-3`… when the other file of the default pair defines it. */
function networkName(taken: Set<string>): string {
  let name = NETWORK;
  for (let i = 2; taken.has(name); i++) name = `${NETWORK}-${i}`;
  return name;
}
