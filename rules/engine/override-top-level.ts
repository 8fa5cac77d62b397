/**
 * A top-level resource (`volumes:`, `networks:` …) as `docker compose up` sees it when it merges the default
 * override (`compose.override.yaml` beside `compose.yaml`: defaultComposePair) over the default file: one
 * project, whose top-level mappings are merged like the services (Compose Specification, Merge: a mapping
 * "gets merged by adding missing entries and merging the conflicting ones"; compose-go's override.Merge walks
 * the whole model, `volumes.<name>.driver_opts` included). A service of either file may therefore mount a
 * named volume, or join a network, that only the other file defines, and the override may change or remove
 * (`!reset`, `!override`: loader/reset.go) a definition of the default file.
 *
 * Kept to this file alone (judged as written) where the two files are not merged as one project: the default
 * file when another file includes it (an `include:` reads the listed file, not its override: loader/include.go)
 * or extends it, or when it is a Swarm stack (`docker stack deploy` reads the `-c` files only); and when the
 * other file does not parse cleanly (Compose refuses it).
 */
import { type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { isMap, isScalar } from './yaml-guards';
import type { ComposeContext } from './compose';
import { isSwarmStack } from './compose-lookup';
import { includersOfContext, isExtendedBase } from './include';
import { composeTag, defaultPairFile } from './override-merge';

/** The other file of the default pair, merged with this one as one project, and whether this file is the override. */
export function defaultPairPartner(ctx: ComposeContext): { other: ComposeContext; inOverride: boolean } | undefined {
  return ctx.memoWith(ctx, 'default-pair-partner', undefined, computeDefaultPairPartner);
}

function computeDefaultPairPartner(ctx: ComposeContext): { other: ComposeContext; inOverride: boolean } | undefined {
  const pair = defaultPairFile(ctx);
  if (!pair) return undefined;
  const { other, inOverride } = pair;
  const base = inOverride ? other : ctx;
  if (isSwarmStack(base) || isExtendedBase(base.workspace, base.path, base.options)) return undefined;
  const includers = includersOfContext(base);
  if (includers === null || includers.length > 0) return undefined;
  return { other, inOverride };
}

/** One file's definition of a top-level resource: the mapping as written (null: `name:` with no value). */
export interface TopLevelLayer {
  ctx: ComposeContext;
  doc: Document.Parsed;
  def: YAMLMap | null;
}

/** The pairs of `section` and of `name` under it in one file (the first document that writes `section`). */
function definitionPairs(ctx: ComposeContext, section: string, name: string): { doc?: Document.Parsed; section?: Pair; def?: Pair } {
  for (const doc of ctx.documents) {
    const root = doc.contents;
    if (!root || !isMap(root)) continue;
    const top = ctx.get(doc, root, section);
    if (!top) continue;
    const map = top.value;
    const def = map && isMap(map) ? ctx.get(doc, map, name) : undefined;
    return { doc, section: top.own ? top.pair : undefined, def: def?.pair ? def.pair : undefined };
  }
  return {};
}

/** Whether a file writes a definition of `name` under its top-level `section`, or tags the whole section (`!reset`, `!override`). */
export function touchesTopLevel(ctx: ComposeContext, section: string, name: string): boolean {
  const pairs = definitionPairs(ctx, section, name);
  return !!pairs.def || (!!pairs.section && composeTag(ctx, pairs.section) !== undefined);
}

function layerOf(ctx: ComposeContext, section: string, name: string): TopLevelLayer | undefined {
  const found = definitionPairs(ctx, section, name);
  if (!found.doc || !found.def) return undefined;
  const value = ctx.resolve(found.doc, found.def.value as Node | null);
  return { ctx, doc: found.doc, def: value && isMap(value) ? value : null };
}

/**
 * The definitions of a top-level resource that the merged project combines, in merge order (the default file's,
 * then the override's): this file's alone without a default merge (defaultPairPartner). A `!reset` on the
 * override's `section` or on its definition removes the default file's (and the override's own, reset, is no
 * definition); `!override` replaces it with the override's. `doc` is the document the analyzed file reads it from.
 */
export function topLevelLayers(ctx: ComposeContext, doc: Document.Parsed, section: string, name: string): TopLevelLayer[] {
  const own = (): TopLevelLayer[] => {
    const root = doc.contents;
    if (!root || !isMap(root)) return [];
    const top = ctx.get(doc, root, section)?.value;
    const def = top && isMap(top) ? ctx.get(doc, top, name) : undefined;
    if (!def) return [];
    return [{ ctx, doc, def: def.value && isMap(def.value) ? def.value : null }];
  };
  const partner = defaultPairPartner(ctx);
  if (!partner) return own();
  const base = partner.inOverride ? partner.other : ctx;
  const over = partner.inOverride ? ctx : partner.other;
  const baseLayer = partner.inOverride ? layerOf(base, section, name) : own()[0];
  const overLayer = partner.inOverride ? own()[0] : layerOf(over, section, name);
  const pairs = definitionPairs(over, section, name);
  let tag: 'reset' | 'override' | undefined;
  for (const pair of [pairs.section, pairs.def]) {
    tag = pair ? composeTag(over, pair) : undefined;
    if (tag) break;
  }
  if (tag === 'reset') return [];
  if (tag === 'override') return overLayer ? [overLayer] : [];
  return [baseLayer, overLayer].filter((l): l is TopLevelLayer => l !== undefined);
}

/**
 * The value at `keys` (e.g. `['driver_opts', 'type']`) of a merged top-level definition (topLevelLayers): the last
 * definition that writes it wins (mappings are merged key by key, a scalar is replaced); `!reset` on a key of the
 * override removes the default file's value, `!override` keeps only the override's. Undefined when no definition
 * writes it; `node` is null for an empty value.
 */
export function topLevelValue(layers: readonly TopLevelLayer[], keys: readonly string[]): { layer: TopLevelLayer; node: Node | null } | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    let map: YAMLMap | null = layer.def;
    for (let k = 0; k < keys.length && map; k++) {
      const entry = layer.ctx.get(layer.doc, map, keys[k]);
      if (!entry) break;
      const tag = entry.own ? composeTag(layer.ctx, entry.pair) : undefined;
      if (tag === 'reset') return undefined;
      if (k === keys.length - 1) {
        // An empty value without a tag keeps the earlier file's (compose-go's mergeYaml skips nil).
        if ((entry.value === null || (isScalar(entry.value) && entry.value.value === null)) && !tag) break;
        return { layer, node: entry.value };
      }
      if (tag === 'override') {
        const inner = entry.value && isMap(entry.value) ? entry.value : null;
        const rest = inner ? topLevelValue([{ ...layer, def: inner }], keys.slice(k + 1)) : undefined;
        return rest;
      }
      map = entry.value && isMap(entry.value) ? entry.value : null;
    }
  }
  return undefined;
}
