import type { Node, Pair, YAMLMap, YAMLSeq } from 'yaml';
import { isAlias, isMap } from '../engine/yaml-guards';
import { isMergeKey, isTrue, type ComposeContext, type Entry, type Service } from '../engine/compose';
import { deleteSeqItemEdit } from '../engine/compose-insert';
import { hasSyntaxErrors, reportRangeFor, resolveScalar, seqItems } from '../engine/compose-values';
import { defineRule } from '../engine/rule';
import type { Fix, Range } from '../engine/types';
import { deletePairEdit } from '../engine/yaml-edit';

/** BuildKit's entitlement for build steps outside the sandbox (moby/buildkit util/entitlements). */
const INSECURE = 'security.insecure';

interface Data {
  service: string;
  /** `privileged`: `build.privileged: true`; `entitlement`: `security.insecure` listed in `build.entitlements`. */
  via: 'privileged' | 'entitlement';
  /** What an exact edit removes, when the setting is written in place (null: inherited, aliased, anchored: no fix). */
  edit: { build: YAMLMap; pair: Pair; seq: YAMLSeq | null; index: number } | null;
}

/** `privileged: true`, or a value that interpolates to true (`${BUILD_PRIVILEGED:-true}`): Compose reads the value after interpolation. */
function readsTrue(ctx: ComposeContext, service: Service, node: Node | null): boolean {
  if (isTrue(node)) return true;
  const v = resolveScalar(ctx, service.doc, node);
  return !!v && !v.literal && v.value !== null && /^(?:true|yes|on)$/i.test(v.value.trim());
}

/**
 * Whether an edit of the service's own `build:` removes the setting from what Compose builds with:
 * not when the service `extends:` another (the base's build settings are merged under its own) or the
 * build mapping merges another with `<<` (the merged key would take over).
 */
function editable(ctx: ComposeContext, service: Service, build: Entry, inner: Entry): boolean {
  if (!build.own || build.shared || !inner.own || inner.shared || !build.value || !isMap(build.value)) return false;
  if (ctx.serviceGet(service, 'extends') || build.value.items.some((p) => isMergeKey(p.key))) return false;
  return !ctx.isShared(build.value) && !hasSyntaxErrors(ctx);
}

/** Where a finding about a key inside `build:` is reported: the `build:` alias or `<<` key it comes through, else the key itself. */
function rangeInBuild(ctx: ComposeContext, build: Entry, inner: Entry, written: Node | null): Range {
  if (!build.own || isAlias(build.pair.value as Node | null)) return reportRangeFor(ctx, build, null);
  return reportRangeFor(ctx, inner, written);
}

export default defineRule<'compose', Data>({
  code: 'DC019',
  name: 'build-privileged',
  kind: 'compose',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A service\'s `build:` sets `privileged: true` or asks for the `security.insecure` entitlement.',
    what: 'Flags a service whose `build:` sets `privileged: true` (also written through interpolation, `${BUILD_PRIVILEGED:-true}`) or lists `security.insecure` in `entitlements:`. Either makes Compose ask BuildKit for the `security.insecure` entitlement (as `docker buildx build --allow security.insecure`), which lets the build\'s `RUN --security=insecure` steps run outside the build sandbox: it is the compose side of DF049, which reports those steps in the Dockerfile. Reported on the setting, or on the alias or `<<` merge key it comes through. The other BuildKit entitlements are not flagged: `network.host` (also what `build.network: host` asks for) gives build steps the host\'s network, not privileges, and Docker Engine\'s builder grants it by default; `device` entitlements give a step a named CDI device. This is a rule of its own rather than part of DC010: `privileged:` of the service gives the running container every privilege, `build.privileged` the build steps that ask for it on the machine that builds.',
    why: 'BuildKit runs each RUN step in a sandbox, with the capabilities Docker gives a container. The `security.insecure` entitlement lifts it for the steps that ask (`RUN --security=insecure`): they get every capability and the host\'s devices, as `docker run --privileged` would, on the machine that builds (a developer\'s laptop or a shared CI builder), so whatever such a step runs — a downloaded script, a dependency\'s install hook — can mount host devices and escape to the builder. Set in the compose file, the entitlement is granted to every build of the service, whatever its Dockerfile or a custom `# syntax=` frontend asks for; the builder honours it when it was started to allow it (`--allow-insecure-entitlement security.insecure`, or `"security-insecure": true` under `builder.entitlements` in Docker Engine\'s daemon.json). SECURITY-GUIDELINES.md §2 Container Runtime Security — "No Privileged Containers — Never use `--privileged` flag": this is the build-time form of it, as for DF049.',
    whySummary: '`build.privileged` and the `security.insecure` entitlement let the build steps that ask for it run outside BuildKit\'s sandbox, with every capability and the host\'s devices, so whatever such a step runs (a downloaded script, a dependency\'s install hook) can take over the machine that builds.',
    bad: 'services:\n  app:\n    build:\n      context: .\n      privileged: true\n    image: ghcr.io/acme/app:1.4.2',
    good: 'services:\n  app:\n    build:\n      context: .\n    image: ghcr.io/acme/app:1.4.2\n# tests that need mounts, io_uring or systemd run in CI with the privileges they need, not in the image build',
    fix: '"Remove privileged: true from build" deletes the line; "Remove security.insecure from build.entitlements" deletes the entry (the whole `entitlements:` key when it is the only one). Not offered when the setting comes through an alias, an anchor or a `<<` merge, when the build mapping merges another with `<<` or the service `extends:` another (the inherited build settings would take over), when the line cannot be removed on its own (a flow mapping, the only key of `build:`), or while the file has YAML syntax errors. Not marked safe, so fix-all and `check --fix` never apply them; they are offered as quick fixes only: a step that uses `RUN --security=insecure` (DF049) then fails to build, so move what needs those privileges out of the image build.',
    guideline: '§2 Container Runtime Security — "No Privileged Containers" (its build-time form, as DF049)',
    equivalents: ['SonarSource S6502 for the Dockerfile form (`RUN --security=insecure`, DF049)', 'KICS, Checkov and compose-lint have no check for the compose `build:` keys'],
    references: [
      'https://docs.docker.com/reference/compose-file/build/#privileged',
      'https://docs.docker.com/reference/compose-file/build/#entitlements',
      'https://docs.docker.com/reference/cli/docker/buildx/build/#allow',
      'https://docs.docker.com/reference/dockerfile/#run---security',
      'https://github.com/moby/buildkit/blob/master/util/entitlements/entitlements.go',
      'https://github.com/docker/compose/blob/main/pkg/compose/build.go',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    for (const service of ctx.services) {
      const build = ctx.serviceGet(service, 'build');
      if (!build?.value || !isMap(build.value)) continue;
      const buildMap = build.value;
      const privileged = ctx.get(service.doc, buildMap, 'privileged');
      if (privileged && readsTrue(ctx, service, privileged.value)) {
        const edit = editable(ctx, service, build, privileged) ? { build: buildMap, pair: privileged.pair, seq: null, index: -1 } : null;
        out.push({ range: rangeInBuild(ctx, build, privileged, null), data: { service: service.name, via: 'privileged', edit } });
      }
      const entitlements = ctx.get(service.doc, buildMap, 'entitlements');
      const list = seqItems(ctx, service.doc, entitlements);
      if (!entitlements || !list) continue;
      list.items.forEach((item, index) => {
        if (resolveScalar(ctx, service.doc, item.node)?.value?.trim() !== INSECURE) return;
        const edit = !item.shared && editable(ctx, service, build, entitlements) ? { build: buildMap, pair: entitlements.pair, seq: list.seq, index } : null;
        out.push({ range: rangeInBuild(ctx, build, entitlements, item.written), data: { service: service.name, via: 'entitlement', edit } });
      });
    }
    return out;
  },
  message(d) {
    const what = d.via === 'privileged' ? 'builds with privileged: true' : 'grants its build the security.insecure entitlement';
    return `Service '${d.service}' ${what}: build steps that ask for it (RUN --security=insecure) run outside BuildKit's sandbox, with the privileges of docker run --privileged on the machine that builds.`;
  },
  fix(ctx, { data }): Fix | undefined {
    if (!data.edit) return undefined;
    const { build, pair, seq, index } = data.edit;
    // One entry among others: remove it; the only one: remove the whole `entitlements:` key.
    const edit = seq && seq.items.length > 1 ? deleteSeqItemEdit(ctx, seq, index) : deletePairEdit(ctx, build, pair);
    if (!edit) return undefined;
    const title = data.via === 'privileged' ? 'Remove privileged: true from build' : `Remove ${INSECURE} from build.entitlements`;
    // Not safe: a step that uses RUN --security=insecure no longer builds.
    return { title, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
