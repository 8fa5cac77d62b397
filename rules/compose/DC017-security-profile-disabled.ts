import { type Node, type Pair, type YAMLSeq } from 'yaml';
import { isSeq } from '../engine/yaml-guards';
import type { ComposeContext, Service } from '../engine/compose';
import { deleteSeqItemEdit, parsedCleanly } from '../engine/compose-insert';
import { securityOpts } from '../engine/compose-lookup';
import { engineApiExposure } from '../engine/docker-socket';
import { defineRule } from '../engine/rule';
import type { Fix, Range } from '../engine/types';
import { deletePairEdit } from '../engine/yaml-edit';
import { defaultMerge, mergedServiceGone, overrideAt } from '../engine/override-merge';
import { mergedVolumes } from '../engine/override-mounts';

type Profile = 'seccomp' | 'apparmor' | 'label' | 'systempaths';

interface Data {
  service: string;
  profile: Profile;
  /** The entry as written (e.g. `seccomp=unconfined`), for the fix title. */
  text: string;
  /** Where the entry can be removed: null when it is inherited or shared (no fix). */
  edit: { service: Service; pair: Pair; seq: YAMLSeq; index: number } | null;
  /** The service mounts the Docker API socket (no fix for `label:disable`: on SELinux hosts it is how the container reaches the socket). */
  socket: boolean;
}

/** Whether an option disables a confinement profile, as the Docker daemon reads it. */
function disabledProfile(name: string, value: string | null): Profile | null {
  if ((name === 'seccomp' || name === 'apparmor' || name === 'systempaths') && value === 'unconfined') return name;
  if (name === 'label' && value === 'disable') return 'label';
  return null;
}

/** Whether a service mounts the Docker API socket or the directory that holds it (as DC013 reads them), written in either file of the default pair. */
function mountsDockerSocket(ctx: ComposeContext, service: Service): boolean {
  return mergedVolumes(ctx, service).some((m) => engineApiExposure(m) !== null);
}

/**
 * The profiles a later entry sets again, which the Docker daemon reads last-wins: `seccomp` and
 * `apparmor` (moby's parseSecurityOpt assigns the profile for each entry in turn, and Compose passes the
 * list in order), so an earlier `seccomp:unconfined` followed by `seccomp:./profile.json` is not in
 * effect. `label` options accumulate (`disable` among them turns labeling off whatever follows) and
 * `systempaths=unconfined` has no other value: neither is undone by a later entry.
 */
const LAST_WINS = new Set(['seccomp', 'apparmor']);

/** The names of the last-wins profiles a `security_opt` list sets with an entry that can be read (an unknown entry sets none). */
function profilesSet(ctx: ComposeContext, service: Service, list: Node | null): Set<string> {
  return new Set(securityOpts(ctx, service.doc, list).items.filter((i) => LAST_WINS.has(i.name)).map((i) => i.name));
}

const WHAT: Record<Profile, string> = {
  seccomp: 'runs without the seccomp filter: every system call (mount, kexec_load, bpf, keyctl, …) reaches the host kernel',
  apparmor: 'runs without its AppArmor profile: the mandatory access control that confines files, mounts and /proc writes is off',
  label: 'runs with SELinux labeling disabled: the container process is not confined by type enforcement',
  systempaths: 'runs with /proc and /sys unmasked (systempaths=unconfined): the kernel files Docker hides or makes read-only (/proc/kcore, /proc/keys, /proc/sys, /proc/sysrq-trigger, /sys/firmware, …) are open to it',
};

export default defineRule<'compose', Data>({
  code: 'DC017',
  name: 'security-profile-disabled',
  kind: 'compose',
  severity: 'error',
  fixable: 'sometimes',
  docs: {
    summary: 'A service\'s `security_opt` turns off seccomp, AppArmor or SELinux confinement, or Docker\'s /proc and /sys masks.',
    what: 'Flags a `security_opt:` entry that turns a kernel confinement profile off: `seccomp:unconfined`, `apparmor:unconfined`, `label:disable` or `systempaths:unconfined` (which lifts the masks and read-only mounts Docker puts on /proc and /sys), also written with `=` (`seccomp=unconfined`), in the service or through a `<<` merge of an anchored block (then reported on the merge key) or an alias. A custom profile (`seccomp:./profile.json`, `apparmor:my-profile`) and SELinux label options that keep confinement (`label:type:svirt_apache_t`) are not flagged; entries whose value is an unresolvable `${VAR}` are unknown, not findings. Entries inherited through `extends:` are reported on the service that writes them. The Docker daemon reads the last `seccomp` and the last `apparmor` entry: one that a later entry sets again (`seccomp:unconfined` followed by `seccomp:./profile.json`) is not in effect and not reported; `label` options accumulate (`label:disable` stays whatever follows) and `systempaths=unconfined` has no other value. With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`; Compose Specification, Merge), the override\'s `security_opt` entries are appended to this file\'s (and reported there; a `seccomp` or `apparmor` entry there replaces this file\'s), and a `security_opt` it resets or replaces (`!reset`, `!override`) drops this file\'s entries: they never take effect and are not reported (nor are the entries of a `!reset` list in the override). Not so for a service another extends, a file another includes or extends, or a Swarm stack: there this file is judged as written.',
    why: 'Docker confines every container with a default seccomp filter (it blocks about 44 dangerous system calls), an AppArmor profile or SELinux labels. Turning them off removes the layers that stop many container escapes even when the process is root, so a kernel bug or a stray capability becomes a host compromise. SECURITY-GUIDELINES.md §2 Container Runtime Security ("No Privileged Containers") — disabling the profiles is most of what `--privileged` does.',
    whySummary: 'Turning off seccomp, AppArmor or SELinux confinement removes the layers that stop many container escapes, so a kernel bug or a stray capability becomes a host compromise.',
    bad: 'services:\n  browser:\n    image: ghcr.io/acme/renderer:1.4.0\n    security_opt:\n      - seccomp:unconfined',
    good: 'services:\n  browser:\n    image: ghcr.io/acme/renderer:1.4.0\n    security_opt:\n      - seccomp:./seccomp-renderer.json   # the default profile plus the one call it needs',
    fix: '"Remove seccomp:unconfined" deletes the entry\'s line (its comment included) or, in a flow sequence, the entry and its comma; when it is the only entry the whole `security_opt:` key is removed. Docker\'s default profile then applies again. Not offered when the entry comes from an anchor, an alias, a `<<` merge or `extends:` (remove it where it is written) or when the service mapping is a flow mapping. If the program really needs a blocked system call, write a custom seccomp profile that allows only that call instead; a nested sandbox (rootless BuildKit, bubblewrap) that needs `systempaths=unconfined` is better run as a non-root user, as BuildKit\'s rootless guide advises. The fix is not marked safe, so fix-all and `check --fix` never apply it; it is offered as a quick fix only: the profile comes back and blocks what the program may need (a browser\'s sandbox setup, ptrace for a debugger, a mount), so check the service afterwards. `label:disable` is not offered for removal at all when the service mounts the Docker API socket (`docker.sock`, `podman.sock`, or a directory that holds one, as DC013 reads them: `/var/run`, `/run`, `/run/podman`, `/run/user/<uid>`…; in either file of the default pair): on an SELinux host the socket is labeled for the daemon and a confined container cannot connect to it, so `label:disable` is how such a service (mailcow\'s dockerapi, ofelia) reaches the API, and on a host without SELinux the option does nothing — removing it either breaks the service or changes nothing. The risk there is the socket itself (DC013).',
    guideline: '§2 Container Runtime Security — "No Privileged Containers"',
    equivalents: ['KICS "Default Seccomp Profile Disabled" (Docker Compose query 404fde2c-bc4b-4371-9747-7054132ac953): a `security_opt` entry containing `seccomp:unconfined`; it does not read the `seccomp=unconfined` spelling, `apparmor:unconfined`, `label:disable` or `systempaths:unconfined`', 'compose-lint CL-0009 (Security profile disabled; it cites CIS 5.2, 5.3 and 5.22)', 'CIS Docker Benchmark v1.6.0 5.22 "Ensure that the default seccomp profile is not Disabled", 5.2 "Ensure that, if applicable, an AppArmor Profile is enabled" and 5.3 "Ensure that, if applicable, SELinux security options are set"', 'KICS "Security Opt Not Set" (Docker Compose query 610e266e-6c12-4bca-9925-1ed0cd29742b) is only related: it checks that `security_opt` exists'],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#security_opt',
      'https://docs.docker.com/engine/security/seccomp/',
      'https://docs.docker.com/engine/security/apparmor/',
      'https://docs.docker.com/reference/cli/docker/container/run/#security-opt',
      'https://github.com/moby/buildkit/blob/master/docs/rootless.md ("systempaths=unconfined … disables the masks for the /proc mount in the container and potentially allows reading and writing dangerous kernel files")',
      'https://github.com/dpw/selinux-dockersock (SELinux denies a confined container the Docker socket; label=disable or a policy module is the way around)',
      'https://github.com/tmatens/compose-lint/blob/main/docs/rules/CL-0009.md',
      'https://docs.kics.io/latest/queries/dockercompose-queries/610e266e-6c12-4bca-9925-1ed0cd29742b/',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    for (const service of ctx.services) {
      // The override Compose merges by default drops this file's `security_opt` (`!reset`, `!override`):
      // the entries written here never take effect (in the override: a `!reset` list is no list).
      const merge = defaultMerge(ctx, service);
      if (mergedServiceGone(merge)) continue;
      const touch = merge && overrideAt(merge, ['security_opt']);
      if (touch && (merge.inOverride ? !touch.value : touch.drops)) continue;
      const entry = ctx.serviceGet(service, 'security_opt');
      if (!entry || !entry.value) continue;
      const { items } = securityOpts(ctx, service.doc, entry.value);
      const written = entry.own && !entry.shared;
      // The override's entries are appended to this file's (Compose Specification, Merge): a profile it
      // sets again comes later and is the one in effect.
      const setLater = !merge || merge.inOverride || !touch?.value ? new Set<string>() : profilesSet(touch.value.ctx, touch.value.service, touch.value.entry.value);
      for (const [i, item] of items.entries()) {
        const profile = disabledProfile(item.name, item.value);
        if (!profile) continue;
        // A later entry of the same last-wins profile (in this list, or appended by the override) replaces this one.
        if (LAST_WINS.has(item.name) && (setLater.has(item.name) || items.slice(i + 1).some((later) => later.name === item.name))) continue;
        const inPlace = written && item.node === item.scalar && !ctx.isShared(item.scalar);
        const range = inPlace ? ctx.rangeOf(item.scalar) : entry.own && !entry.shared ? ctx.rangeOf(item.node) : ctx.rangeOf(entry.reportNode);
        const seq = entry.value;
        const edit = inPlace && isSeq(seq) && !ctx.isShared(seq) ? { service, pair: entry.pair, seq, index: item.index } : null;
        const socket = profile === 'label' && edit !== null && mountsDockerSocket(ctx, service);
        out.push({ range, data: { service: service.name, profile, text: `${item.name}${item.value === null ? '' : `:${item.value}`}`, edit, socket } });
      }
    }
    return out;
  },
  message(d) {
    return `Service '${d.service}' ${WHAT[d.profile]}.`;
  },
  fix(ctx, { data }): Fix | undefined {
    const e = data.edit;
    if (!e || data.socket || !parsedCleanly(e.service)) return undefined;
    const edit = e.seq.items.length === 1 ? deletePairEdit(ctx, e.service.map, e.pair) : deleteSeqItemEdit(ctx, e.seq, e.index);
    if (!edit) return undefined;
    // Not safe: the program may need what the profile blocks (a browser sandbox, a debugger, a mount).
    return { title: `Remove ${data.text}`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
