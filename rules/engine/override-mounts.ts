/**
 * A service's mounts (`volumes:`) and host devices (`devices:`) as they take effect once Compose merges
 * the default override (defaultMerge) over the default compose file, each reported in the file where it
 * is written.
 *
 * The Compose Specification (Merge, https://docs.docker.com/reference/compose-file/merge/): sequences
 * are appended, but `volumes` entries are unique by their container path (`target`) and `devices` by
 * theirs, so an override entry with the same container path replaces the base's; `!reset` and
 * `!override` on the key (or on the service, or on `services`) drop the base's list. compose-go appends
 * the lists (override.Merge) and then keeps one entry per key (override/uncity.go, EnforceUnicity: the
 * later entry replaces the earlier; `volumeIndexer` reads a volume's target, `deviceMappingIndexer` the
 * device's container path: `HOST:CONTAINER[:PERMISSIONS]`, or the one path written).
 */
import type { ComposeContext, Service } from './compose';
import { serviceDevices, serviceVolumes, type DeviceMapping, type VolumeMount } from './compose-volumes';
import { defaultMerge, mergedServiceGone, overrideAt, type DefaultMerge } from './override-merge';

/** The key compose-go merges a volume by: its target as written after interpolation; null when unknown. */
function volumeKey(m: VolumeMount): string | null {
  return m.target?.value?.trim() ?? null;
}

/** The key compose-go merges a device by: the container path (`HOST:CONTAINER`), or the one path written (`/dev/fuse`); null when unknown. */
function deviceKey(d: DeviceMapping): string | null {
  return (d.target ?? d.source)?.value?.trim() ?? null;
}

/**
 * The entries of this file's service that take effect once merged, from a reader of one file's list:
 * - no default merge: all of them (judged as written);
 * - the merged service does not exist (`!reset` on it or on `services`): none;
 * - in the override: none when its list is under `!reset` (a value under `!reset` is no value), else all
 *   (the override's entries are merged last: they always take effect);
 * - in the default file: none when the override drops the list (`!reset`, `!override`, on the key, the
 *   service or `services`), else those whose key no entry of the override's list has (an entry whose
 *   key is unknown here, a variable without a value, is kept: it is judged as written).
 */
function effective<T>(ctx: ComposeContext, service: Service, key: 'volumes' | 'devices', read: (ctx: ComposeContext, service: Service) => T[], keyOf: (item: T) => string | null): T[] {
  const merge = defaultMerge(ctx, service);
  if (!merge) return read(ctx, service);
  if (mergedServiceGone(merge)) return [];
  const touch = overrideAt(merge, [key]);
  if (merge.inOverride) return touch && !touch.value ? [] : read(ctx, service);
  if (touch?.drops) return [];
  if (!touch?.value) return read(ctx, service);
  const replaced = new Set(read(touch.value.ctx, touch.value.service).map(keyOf).filter((k): k is string => k !== null));
  return read(ctx, service).filter((item) => {
    const k = keyOf(item);
    return k === null || !replaced.has(k);
  });
}

/** The mounts of this file's service that take effect once the default override is merged (all of them without one). */
export function effectiveVolumes(ctx: ComposeContext, service: Service): VolumeMount[] {
  return effective(ctx, service, 'volumes', serviceVolumes, volumeKey);
}

/** The device mappings of this file's service that take effect once the default override is merged (all of them without one). */
export function effectiveDevices(ctx: ComposeContext, service: Service): DeviceMapping[] {
  return effective(ctx, service, 'devices', serviceDevices, deviceKey);
}

/**
 * Every mount the merged service has, written in either file of the default pair (this file's service
 * alone without a default merge): for a judgement about the service as a whole (DC017 reads whether it
 * mounts the Docker API socket).
 */
export function mergedVolumes(ctx: ComposeContext, service: Service): VolumeMount[] {
  const merge: DefaultMerge | undefined = defaultMerge(ctx, service);
  if (!merge) return serviceVolumes(ctx, service);
  if (mergedServiceGone(merge)) return [];
  return [...effectiveVolumes(merge.base.ctx, merge.base.service), ...effectiveVolumes(merge.over.ctx, merge.over.service)];
}
