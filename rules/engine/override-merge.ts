/**
 * What the override file `docker compose` merges by default (`compose.override.yaml` beside
 * `compose.yaml`, or a `docker-compose.override.yml` variant: defaultComposePair) removes from a service
 * of the default file before it merges: the `!reset` and `!override` YAML tags of the Compose
 * Specification (Merge › "Reset value" and "Replace value",
 * https://docs.docker.com/reference/compose-file/merge/). Without a tag a sequence such as `ports:` is
 * appended to the base's, so the base's entries stay; `!reset` (whatever value it is given, `[]` or
 * `null`) removes the attribute, `!override` replaces it with the override's value. compose-go's
 * ResetProcessor (loader/reset.go) records the path of every node tagged `!reset` or `!override` and
 * deletes those paths from the model merged so far before it merges the override (loader/loader.go).
 */
import { type Node, type Pair } from 'yaml';
import { isAlias, isMap, isScalar } from './yaml-guards';
import type { ComposeContext, Service } from './compose';
import { extendedService, isSwarmStack } from './compose-lookup';
import { includersOfContext, isExtendedBase } from './include';
import { defaultComposePair, parsedCompose } from './relations';

/** The Compose tag written on a pair's value (`!reset`, `!override`), or undefined (no tag, another tag, an alias). */
export function composeTag(ctx: ComposeContext, pair: Pair): 'reset' | 'override' | undefined {
  const key = pair.key as Node | null;
  const value = pair.value as Node | null;
  // A tag reached through an alias or a `<<` merge is not read: compose-go maps such paths its own way.
  if (!key?.range || !value?.range || isAlias(value)) return undefined;
  const tag = value.tag;
  if (tag !== '!reset' && tag !== '!override') return undefined;
  // The yaml library also reads `!<!reset>` as `!reset`; compose-go compares the tag as written.
  const written = ctx.text.slice(key.range[1], value.range[0]);
  return new RegExp(`(?:^|[\\s:])${tag}(?!\\S)`).test(written) ? (tag === '!reset' ? 'reset' : 'override') : undefined;
}

/**
 * The services of this file whose `key` the default override file resets or replaces (`!reset`,
 * `!override` written on the key's value, on the service or on `services`: `all`), read once per file.
 * Null when this is not the default file, there is no override, or it cannot be read or does not
 * parse cleanly (Compose refuses it).
 */
function overrideTagsDrop(ctx: ComposeContext, key: string): { all: boolean; names: Set<string> } | null {
  return ctx.memo(ctx, `override-tags:${key}`, () => {
    const { main, override } = ctx.memo(ctx, 'default-compose-pair', () => defaultComposePair(ctx.workspace, ctx.dir));
    if (ctx.path !== main || override === undefined) return null;
    const other = parsedCompose(ctx.workspace, override, ctx.options);
    if (!other || other.documents.some((d) => d.errors.length > 0)) return null;
    let all = false;
    const names = new Set<string>();
    for (const doc of other.documents) {
      const root = doc.contents;
      if (!root || !isMap(root)) continue;
      for (const top of root.items) {
        if (!isScalar(top.key) || top.key.value !== 'services') continue;
        if (composeTag(other, top)) all = true;
        const services = top.value as Node | null;
        if (!services || !isMap(services)) continue;
        for (const s of services.items) {
          if (!isScalar(s.key)) continue;
          const map = s.value as Node | null;
          const dropped = !!composeTag(other, s) || (!!map && isMap(map) && map.items.some((p) => isScalar(p.key) && p.key.value === key && composeTag(other, p) !== undefined));
          if (dropped) names.add(String(s.key.value));
        }
      }
    }
    return all || names.size > 0 ? { all, names } : null;
  });
}

/**
 * Whether another service may run with this service's settings through `extends:`: one of this file
 * extends it (or extends what cannot be read), or the file is the `extends:` base of another compose file
 * (isExtendedBase).
 */
export function mayBeExtended(ctx: ComposeContext, service: Service): boolean {
  // Once per file: the names its services extend within it (null: one extends what cannot be read), and whether another file extends it.
  const { names, base } = ctx.memo(ctx, 'extended-in-file', () => {
    const found = new Set<string>();
    let unknown = false;
    for (const s of ctx.services) {
      const b = extendedService(ctx, s);
      if (b === 'unknown') unknown = true;
      else if (b !== undefined && b.ctx.path === ctx.path) found.add(b.service.name);
    }
    return { names: unknown ? null : found, base: isExtendedBase(ctx.workspace, ctx.path, ctx.options) };
  });
  return base || names === null || names.has(service.name);
}

/**
 * Whether a service of the default compose file loses this file's `key` (e.g. `ports`) when Compose
 * merges the default override over it: the override writes `!reset` or `!override` on the key, the
 * service or `services`. The value written here then never takes effect, and an edit to it would not
 * either. Kept false (judged as written) wherever the value may still be used: a service that another
 * extends (compose-go resolves `extends:` within each file before it merges the override, so the copy
 * keeps it), a file that another includes (an `include:` reads the listed files only, not their
 * override: loader/include.go) or another file extends, and a Swarm stack (`docker stack deploy` reads
 * the files named with `-c` only).
 */
export function droppedByDefaultOverride(ctx: ComposeContext, service: Service, key: string): boolean {
  // Per service name: services that are aliases of one another (`b: *a`) share a mapping but not a name.
  return ctx.memo(service.nameNode, `dropped-by-override:${key}`, () => {
    const tags = overrideTagsDrop(ctx, key);
    if (!tags || !(tags.all || tags.names.has(service.name))) return false;
    if (isSwarmStack(ctx) || mayBeExtended(ctx, service)) return false;
    // null: the search for includers failed, so whether one includes the file is not known.
    const includers = includersOfContext(ctx);
    return includers !== null && includers.length === 0;
  });
}
