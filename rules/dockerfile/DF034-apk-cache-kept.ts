import { copySourceOnlyStages } from '../engine/df-instructions';
import { defineRule } from '../engine/rule';
import type { SimpleCommand } from '../engine/shell';
import { covers, hasOption, insertAfterAction, mountsCacheOver, packageCommandAt, packageCommands, packageCommandsOf, removes, removesDir, shellCommandsOf, toolRange, type PackageCommand } from '../engine/packages';
import { deleteCommandEdit } from '../engine/run-commands';
import { buildsOn } from '../engine/stage-scope';
import type { DockerfileContext } from '../engine/dockerfile';
import type { Fix } from '../engine/types';

interface Data {
  /** Offset of the `apk` word, to find the command again for the fix. */
  toolOffset: number;
  /** `--update`/`-U` is written: the index is fetched into the cache. */
  updates: boolean;
  /** An `apk update` (it writes the index into the cache), not an `apk add`. */
  update?: boolean;
}

const CACHE = '/var/cache/apk';

function cleansCache(cmd: SimpleCommand): boolean {
  if (removes(cmd, (p) => removesDir(p, CACHE))) return true;
  if (cmd.programIndex < 0) return false;
  const words = cmd.words.slice(cmd.programIndex).map((w) => w.value);
  return words[0].replace(/^.*\//, '') === 'apk' && words.includes('cache') && (words.includes('clean') || words.includes('purge'));
}

function keepsCache(pc: PackageCommand): boolean {
  if (pc.action === 'add' && hasOption(pc, 'no-cache')) return false;
  // `--no-network` downloads nothing (a virtual package over what is already installed): no cache to keep.
  if (hasOption(pc, 'no-network')) return false;
  if (mountsCacheOver(pc.run, (t) => covers(t, CACHE) || covers(t, '/etc/apk/cache'))) return false;
  // `apk add … && rm -rf /var/cache/apk/*` later in the same RUN leaves nothing in the layer.
  if (shellCommandsOf(pc.run).some((cmd) => cmd.start > pc.command.start && cleansCache(cmd))) return false;
  return true;
}

/**
 * "Remove apk update": deletes the command from its `&&` chain. Safe only when every later apk command
 * of the script is an `apk add` that fetches the index itself (`--no-cache`, `--update`): another
 * (`apk add` without it, `apk upgrade`) needs the index `apk update` wrote, which an Alpine image does not ship.
 */
/** A RUN that runs a script or program given by path (`sh /tmp/x.sh`, `./install`, `. /opt/env.sh`). */
const RUNS_A_SCRIPT = /(?:^|[\s;&|(])(?:(?:sh|bash|ash|dash|\.|source)\s+(?:-\w+\s+)*[^\s-][^\s]*|\.{0,2}\/[\w./-]+)(?=\s|$|[;&|)])/m;

function dropUpdateFix(ctx: DockerfileContext, pc: PackageCommand): Fix | undefined {
  const script = pc.script;
  if (script.json || script.heredoc || pc.command.words.slice(0, pc.command.programIndex).some((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.raw))) return undefined;
  const edit = deleteCommandEdit(ctx, script.commands, pc.commandIndex);
  if (!edit) return undefined;
  const later = packageCommandsOf(ctx, pc.run).filter((o) => o.family === 'apk' && o.command.start > pc.command.start);
  const fetchesOwnIndex = (o: PackageCommand) => o.action === 'add' && hasOption(o, 'no-cache', 'U', 'update', 'update-cache');
  // apk where the package reader does not see it (`sh -c 'apk add jq'`): counted in the text (review 11, probe 10).
  const runEnd = ctx.offsetAt(pc.run.instruction.getRange().end);
  const mentions = (text: string) => (text.match(/(?:^|[\s;&|('"`])apk\s/g) ?? []).length;
  const seenHere = mentions(ctx.text.slice(pc.command.end, runEnd)) === later.length;
  // A later RUN that relied on the index this one left (`RUN apk upgrade`, `RUN apk add jq`): review 11, probe 11.
  // Later RUNs of this stage and of the stages built on it start from its filesystem.
  const stage = pc.run.stage;
  // ONBUILD triggers run in every child image (review 12, probe 07).
  const laterRuns = ctx.runs().filter((r) => ctx.offsetAt(r.instruction.getRange().start) >= runEnd && (!stage || !r.stage || r.stage === stage || buildsOn(r.stage, stage)));
  const laterRunsFine = laterRuns.every((r) => {
    const r0 = ctx.offsetAt(r.instruction.getRange().start);
    const text = ctx.text.slice(r0, ctx.offsetAt(r.instruction.getRange().end));
    const apks = packageCommandsOf(ctx, r).filter((o) => o.family === 'apk');
    if (mentions(text) !== apks.length) return false;
    // A script the Dockerfile does not show may run apk (`RUN sh /tmp/install-tools.sh`: review 12, probe 06).
    if (RUNS_A_SCRIPT.test(text)) return false;
    const firstUpdate = apks.findIndex((o) => o.action === 'update');
    return apks.every((o, i) => (firstUpdate !== -1 && i > firstUpdate) || o.action === 'update' || fetchesOwnIndex(o) || o.action === 'del');
  });
  const safe = later.length > 0 && later.every(fetchesOwnIndex) && seenHere && laterRunsFine;
  return { title: 'Remove apk update', safe, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
}

export default defineRule<'dockerfile', Data>({
  code: 'DF034',
  name: 'apk-cache-kept',
  kind: 'dockerfile',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    what: 'Flags `apk add` (any stage but a builder stage whose layers reach no image is skipped: one that a later stage only copies from (`COPY --from=`, `RUN --mount=…,from=`), that no stage builds on (`FROM <stage>`) but other such stages (linkding\'s `build-deps`, built on only by `compile-icu`, which is only copied from) and that is not the last (as hadolint\'s DL3009 skips it); a stage nothing names may be built with `--target` and is judged; any RUN form, ONBUILD included; `--no-cache` may stand before or after `add`) without `--no-cache`. Silent for `apk add --no-network` (nothing is downloaded, e.g. the `.rundeps` virtual package of the official images) and when the same RUN removes the cache after it (`rm -rf /var/cache/apk/*`, `apk cache clean`/`purge`) or mounts a cache or tmpfs over `/var/cache/apk` (or `/etc/apk/cache`), since then nothing stays in the layer. Also flags `apk update` itself, unless the same RUN removes the cache after it or mounts one over it: it writes the index into `/var/cache/apk` whatever the `apk add --no-cache` after it does (crowdsec, opengist; hadolint DL3019 discussion).',
    why: 'Without `--no-cache`, apk keeps the downloaded package index (and, with `--update`/`-U`, the refreshed index) in `/var/cache/apk` in the image layer: megabytes that the running container never uses. `--no-cache` fetches the index to a temporary place and removes it, replacing the old `apk update … && rm -rf /var/cache/apk/*` dance. SECURITY-GUIDELINES.md §6 "Clean up – remove unnecessary packages" and §1 "Use Alpine Linux" (keep the minimal base minimal).',
    bad: 'FROM alpine:3.22\nRUN apk add curl',
    good: 'FROM alpine:3.22\nRUN apk add --no-cache curl',
    fix: '"Add --no-cache" inserts `--no-cache` right after `add` (as a JSON string in exec-form RUN). An existing `--update`/`-U` stays (it is redundant with `--no-cache` but harmless). Safe. For `apk update`, "Remove apk update" deletes it from its `&&` chain: safe when every later apk command of the RUN fetches the index itself (`apk add --no-cache` or `--update`), no apk runs where it cannot be read (`sh -c \'apk add …\'`), and no later RUN uses the index without fetching its own (`RUN apk upgrade`, `RUN apk add jq`); otherwise a quick fix only, since an Alpine image ships no index and those commands need the one `apk update` fetched.',
    guideline: '§6 Image Build Security — "Clean up – remove unnecessary packages"; §1 Image Security — "Use Alpine Linux"',
    equivalents: ['hadolint DL3019 (use the --no-cache switch)', 'Trivy DS-0025 (\'apk add\' is missing \'--no-cache\')', 'KICS "Apk Add Using Local Cache Path"'],
    references: [
      'https://github.com/hadolint/hadolint/wiki/DL3019',
      'https://github.com/gliderlabs/docker-alpine/blob/master/docs/usage.md#disabling-cache',
      'https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper',
      'https://github.com/aquasecurity/trivy-checks/blob/main/checks/docker/missing_apk_no_cache.rego',
      'https://docs.kics.io/latest/queries/dockerfile-queries/ae9c56a6-3ed1-4ac0-9b54-31267f51151d',
    ],
  },
  check(ctx) {
    const out = [];
    const builders = copySourceOnlyStages(ctx);
    for (const pc of packageCommands(ctx)) {
      if (pc.family !== 'apk' || (pc.action !== 'add' && pc.action !== 'update')) continue;
      if (pc.run.stage && builders.has(pc.run.stage)) continue;
      if (!keepsCache(pc)) continue;
      // `apk update` writes the index into the cache whatever the `apk add` after it says (review 10, probe df-08).
      if (pc.action === 'update') out.push({ range: toolRange(ctx, pc), data: { toolOffset: pc.toolWord.start, updates: true, update: true } });
      else out.push({ range: toolRange(ctx, pc), data: { toolOffset: pc.toolWord.start, updates: hasOption(pc, 'U', 'update', 'update-cache') } });
    }
    return out;
  },
  message(d) {
    if (d.update) return "'apk update' writes the package index to /var/cache/apk in this layer; drop it and use 'apk add --no-cache', which fetches the index without keeping it.";
    return d.updates
      ? "'apk add --update' without --no-cache keeps the refreshed package index in /var/cache/apk in this layer; use --no-cache instead."
      : "'apk add' without --no-cache keeps the package index in /var/cache/apk in this layer; add --no-cache.";
  },
  fix(ctx, { data }) {
    const pc = packageCommandAt(ctx, data.toolOffset);
    if (!pc) return undefined;
    if (data.update) return dropUpdateFix(ctx, pc);
    const edit = insertAfterAction(ctx, pc, '--no-cache');
    if (!edit) return undefined;
    return { title: 'Add --no-cache', safe: true, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
