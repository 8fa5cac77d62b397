import type { Node } from 'yaml';
import type { ComposeContext } from './compose';
import { isMap, isScalar } from './yaml-guards';
import type { Range } from './types';

/**
 * Where a value a finding is about is written, when that is not only the service the finding names: the
 * top-level key that holds it (`x-common`, an extension whose anchor the services merge with `<<: *common`),
 * and the services that use it (in file order). Messages name both, so that a reader fixes it where it is
 * written and knows every service it changes (review 42f, item 2).
 */
export interface Place {
  /** The top-level key the value is written under (`x-common`), when it is not inside a service. */
  writtenIn?: string;
  /** Every service that uses the value, when it is written outside them or more than one uses it. */
  users?: string[];
}

/**
 * The place of a value at `range` that the finding reports for `service` and that the services `users`
 * use (as the rule read them: an anchored entry is met once per service that merges or aliases it):
 * nothing when only `service` uses it and it is written in that service's own mapping. `service` comes
 * first among the users (a rule may report a shared value for the data store it configures), then the
 * others in file order.
 */
export function placeOf(ctx: ComposeContext, range: Range, service: string, users: ReadonlySet<string>): Place {
  const at = writtenAt(ctx, ctx.lines.offsetAt(range.start));
  const shared = users.size > 1 || (users.size === 1 && !users.has(service));
  if (!shared && at !== undefined && 'service' in at && at.service === service) return {};
  const seen = new Set<string>([service]);
  const ordered = [service];
  for (const s of ctx.services) {
    if (users.has(s.name) && !seen.has(s.name)) {
      seen.add(s.name);
      ordered.push(s.name);
    }
  }
  if (at !== undefined && 'key' in at) return { writtenIn: at.key, users: ordered };
  return ordered.length > 1 ? { users: ordered } : {};
}

/**
 * How a message names the service a value belongs to: `of service 'web'`, `of service 'web' (also used by
 * 'worker')`, or `in x-common (used by 'webserver' and 2 more services)`. Names only, never a value.
 */
export function ofService(service: string, place: Place | undefined): string {
  if (place?.writtenIn !== undefined) return `in ${place.writtenIn} (used by ${serviceList(place.users ?? [service])})`;
  const others = (place?.users ?? []).filter((u) => u !== service);
  if (others.length === 0) return `of service '${service}'`;
  return `of service '${service}' (also used by ${others.length === 1 ? `'${others[0]}'` : serviceList(others)})`;
}

/** `service 'a'`, `services 'a' and 'b'`, `'a' and 2 more services`. */
function serviceList(names: readonly string[]): string {
  if (names.length === 0) return 'no service';
  if (names.length === 1) return `service '${names[0]}'`;
  if (names.length === 2) return `services '${names[0]}' and '${names[1]}'`;
  return `'${names[0]}' and ${names.length - 1} more services`;
}

/** A span of the file and what is written there: a service's own mapping, or another top-level key's value. */
interface Span {
  start: number;
  end: number;
  at: { service: string } | { key: string };
}

/**
 * The service whose own mapping holds an offset of the file (not one that takes it through an alias
 * or a `<<` merge), or else the top-level key that holds it; undefined outside both. The spans do not
 * overlap: found by binary search in the spans of the file, gathered once per analysis.
 */
function writtenAt(ctx: ComposeContext, offset: number): Span['at'] | undefined {
  const spans = ctx.memo(ctx, 'writtenInSpans', () => writtenSpans(ctx));
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].end <= offset) lo = mid + 1;
    else if (spans[mid].start > offset) hi = mid - 1;
    else return spans[mid].at;
  }
  return undefined;
}

function writtenSpans(ctx: ComposeContext): Span[] {
  const out: Span[] = [];
  for (const doc of ctx.documents) {
    const root = doc.contents;
    if (!root || !isMap(root)) continue;
    for (const pair of root.items) {
      const value = pair.value as Node | null;
      if (!isScalar(pair.key) || !value?.range) continue;
      const key = String(pair.key.value);
      if (key !== 'services' || !isMap(value)) {
        out.push({ start: value.range[0], end: value.range[2], at: { key } });
        continue;
      }
      for (const item of value.items) {
        const map = item.value as Node | null;
        if (isScalar(item.key) && map && isMap(map) && map.range) out.push({ start: map.range[0], end: map.range[2], at: { service: String(item.key.value) } });
      }
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
