/**
 * Docker's built-in `host` network named through a service's `networks:` (Compose Specification,
 * networks, "host or none": `networks: { hostnet: { external: true, name: host } }`): the container gets
 * the host's network stack, as with `network_mode: host` (DC012 reports it; the port rules skip such a
 * service, since Docker ignores its `ports:`; DC031 counts it as a client outside the compose network).
 */
import type { Node, Pair } from 'yaml';
import { isAlias, isMap, isScalar, isSeq } from './yaml-guards';
import { isMergeKey, isTrue, type ComposeContext, type Service } from './compose';
import { reportRangeFor, resolveScalar } from './compose-values';
import { topLevelLayers, topLevelValue } from './override-top-level';
import type { Range } from './types';

/** A value Compose reads as true: `true`, or what interpolates to it. */
function readsTrue(ctx: ComposeContext, doc: Service['doc'], node: Node | null): boolean {
  if (isTrue(node)) return true;
  const v = resolveScalar(ctx, doc, node);
  return !!v && v.value !== null && /^(?:true|yes|on)$/i.test(v.value.trim());
}

/**
 * The existing Docker network that an external network of the file's top-level `networks:` names: its
 * `name:` (after interpolation), the legacy `external: { name: … }` (compose-go's relocateExternalName),
 * or else its key (an external network is not scoped with the project's name), read from the merged project's
 * definition (with the default override, either file of the pair may define it). Null for a network the
 * project creates, or when the name is unknown. A network that is not external is created by Compose:
 * one with `name: host` is refused by current Compose releases (the existing `host` network lacks
 * Compose's labels: docker/compose's resolveOrCreateNetwork), so it is not the host's network.
 */
function externalNetworkName(ctx: ComposeContext, doc: Service['doc'], key: string): { name: string; interpolated: boolean } | null {
  // The merged project's definition: with the default override, either file may define the network (topLevelLayers).
  const layers = topLevelLayers(ctx, doc, 'networks', key);
  if (layers.length === 0) return null;
  const external = topLevelValue(layers, ['external']);
  if (!external) return null;
  const legacyForm = !!external.node && isMap(external.node);
  if (!legacyForm && !readsTrue(external.layer.ctx, external.layer.doc, external.node)) return null;
  const named = topLevelValue(layers, ['name']) ?? (legacyForm ? topLevelValue(layers, ['external', 'name']) : undefined);
  if (!named) return { name: key, interpolated: false };
  const v = resolveScalar(named.layer.ctx, named.layer.doc, named.node);
  return v && v.value !== null ? { name: v.value.trim(), interpolated: !v.literal } : null;
}

/**
 * The entries of a service's `networks:` (list or map form) that attach it to Docker's built-in `host`
 * network: a network the file defines with the name `host` (Compose Specification, networks, "host or
 * none": `networks: { hostnet: { external: true, name: host } }`). The container then gets the host's
 * network stack, as with `network_mode: host`. Reported on the entry (or the alias or `<<` key it comes through).
 */
export function hostNetworkEntries(ctx: ComposeContext, service: Service): { range: Range; network: string; interpolated: boolean }[] {
  const entry = ctx.serviceGet(service, 'networks');
  if (!entry || !entry.value) return [];
  const doc = service.doc;
  const named: { network: string; interpolated: boolean; written: Node; pair?: Pair }[] = [];
  if (isSeq(entry.value)) {
    for (const item of entry.value.items) {
      const v = resolveScalar(ctx, doc, item as Node);
      if (v && v.value !== null) named.push({ network: v.value.trim(), interpolated: !v.literal, written: item as Node });
    }
  } else if (isMap(entry.value)) {
    for (const pair of entry.value.items) {
      if (!isScalar(pair.key) || isMergeKey(pair.key) || pair.key.value === null) continue;
      named.push({ network: String(pair.key.value), interpolated: false, written: pair.key as Node, pair });
    }
  }
  const out: { range: Range; network: string; interpolated: boolean }[] = [];
  for (const n of named) {
    const docker = externalNetworkName(ctx, doc, n.network);
    if (docker?.name !== 'host') continue;
    // A map entry is reported from its key to its value (`hostnet: {}`), a list item as written.
    const range = n.pair && entry.own && !isAlias(entry.pair.value) ? ctx.rangeOfPair(n.pair) : reportRangeFor(ctx, entry, n.written);
    out.push({ range, network: n.network, interpolated: n.interpolated || docker.interpolated });
  }
  return out;
}
