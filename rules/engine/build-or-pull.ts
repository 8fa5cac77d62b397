/**
 * Which image runs for a service with both `build:` and `image:` (the two written in one file, or merged from the
 * default override): Compose Build Specification, "Using build and image"
 * (https://docs.docker.com/reference/compose-file/build/#using-build-and-image): "If pull_policy is missing from the
 * service definition, Compose attempts to pull the image first and then builds from source if the image isn't found in
 * the registry or platform cache"; `pull_policy: build` always builds. DC004 and DC041 judge an official image's name
 * (one that can always be pulled) as the image that runs unless the build always runs (review 46a, item 5).
 */
import type { ComposeContext, Service } from './compose';
import { lookupKey, resolvedScalar } from './compose-lookup';
import { defaultMerge, overrideAt } from './override-merge';

/**
 * Whether the service (merged with the default override) builds and its `pull_policy` is `build`: the build always
 * runs, the `image:` only names it. The override's `pull_policy`/`build:` win over the default file's; a dropped one
 * (`!reset`) does not count.
 */
export function buildAlwaysRuns(ctx: ComposeContext, service: Service): boolean {
  const merge = defaultMerge(ctx, service);
  const here = (key: string) => {
    const l = lookupKey(ctx, service, key);
    return l === undefined || l === 'unknown' ? undefined : l;
  };
  let policy: string | null | undefined;
  let builds: boolean;
  if (!merge) {
    const p = here('pull_policy');
    policy = p ? resolvedScalar(p.ctx, p.entry.value) : undefined;
    builds = here('build')?.entry.value != null;
  } else {
    const base = (key: string) => {
      if (merge.whole) return undefined;
      const l = lookupKey(merge.base.ctx, merge.base.service, key);
      return l === undefined || l === 'unknown' ? undefined : l;
    };
    const overPolicy = overrideAt(merge, ['pull_policy']);
    const overBuild = overrideAt(merge, ['build']);
    if (overPolicy?.value) policy = resolvedScalar(overPolicy.value.ctx, overPolicy.value.entry.value);
    else if (!overPolicy?.drops) {
      const b = base('pull_policy');
      policy = b ? resolvedScalar(b.ctx, b.entry.value) : undefined;
    }
    builds = !!overBuild?.value || (!overBuild?.drops && base('build')?.entry.value != null);
  }
  return builds && policy === 'build';
}
