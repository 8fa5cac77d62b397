import { defineRule } from '../engine/rule';
import { isUnder } from '../engine/compose-volumes';
import { mergedServiceGone, defaultMerge } from '../engine/override-merge';
import { effectiveDevices, effectiveVolumes } from '../engine/override-mounts';

/** Host areas whose mount hands the container host-level secrets or control, and what they hold. */
const AREAS: Record<string, string> = {
  '/': 'the whole host file system',
  '/etc': 'host configuration and credentials (shadow, sudoers, SSH host keys, TLS keys)',
  '/proc': 'every host process, its environment (secrets) and kernel tunables',
  '/sys': 'kernel, device and cgroup interfaces of the host',
  '/root': "root's home (SSH keys, cloud credentials, shell history)",
  '/boot': 'the kernel and boot loader',
  '/dev': 'every host device node',
  '/dev/shm': "the host's shared memory (as with ipc: host)",
  '/var/lib/docker': "Docker's state: every container's files, logs and configuration, environment variables included",
};

/** What an area holds, in a few words (for paths inside it). */
const AREA_SHORT: Record<string, string> = {
  '/etc': 'host configuration',
  '/proc': 'host processes and kernel',
  '/sys': 'host kernel and devices',
  '/root': "root's home",
  '/boot': 'kernel and boot loader',
  '/var/lib/docker': "Docker's state",
};

/** Areas that are flagged with everything under them. `/`, `/dev` and `/dev/shm` only as themselves. */
const TREES = ['/etc', '/proc', '/sys', '/root', '/boot', '/var/lib/docker'];
const EXACT = ['/', '/dev', '/dev/shm'];

/**
 * Files under /etc that carry no secret and are commonly shared read-only with containers (time zone,
 * host identity, name resolution, public CA certificates, the world-readable user database).
 */
const HARMLESS_READ_ONLY = [
  '/etc/localtime',
  '/etc/timezone',
  '/etc/hostname',
  '/etc/machine-id',
  '/etc/os-release',
  '/etc/resolv.conf',
  '/etc/hosts',
  '/etc/passwd',
  '/etc/group',
  '/etc/ssl/certs',
  '/etc/ca-certificates',
  '/etc/ca-certificates.conf',
  '/etc/pki/ca-trust',
  '/etc/pki/tls/certs',
];

/** Host devices that give raw access to storage, memory or the kernel (a container escape on their own). */
const DANGEROUS_DEVICES: [RegExp, string][] = [
  [/^\/dev$/, 'every host device'],
  [/^\/dev\/(?:[sh]d[a-z]|x?vd[a-z]|nvme\d|mmcblk\d|md\d|md\/|loop|dm-\d|mapper\/|disk\/|zfs$|rbd\d|nbd\d|sr\d)/, 'raw access to a host disk'],
  [/^\/dev\/(?:mem|kmem|port)$/, 'raw access to host memory'],
  [/^\/dev\/(?:kmsg$|cpu\/)/, 'access to the host kernel'],
];

/** Virtual devices that only act inside the container's own namespaces. */
const BENIGN_DEVICES = new Set(['/dev/net/tun']);

type Data =
  | {
      kind: 'mount';
      service: string;
      hostPath: string;
      /** The sensitive area the path is (or lies under). */
      area: string;
      readOnly: boolean;
      namedVolume: string | null;
      /** A harmless file (time zone, CA certificates…) that is flagged only because it is mounted writable. */
      writableHarmless: boolean;
    }
  | {
      kind: 'device';
      service: string;
      hostPath: string;
      /** Why the device is dangerous, or null for other host hardware (camera, sound, serial, GPU…). */
      danger: string | null;
    };

/**
 * The sensitive area a mounted host path exposes, or null: the area itself or a path inside a tree, or
 * a folder above an area (`/var` and `/var/lib` hold `/var/lib/docker`; `/` is an area of its own, and
 * `/dev` holds `/dev/shm`): the mount exposes the area with everything else in it (review 42e, item 10).
 * Other folders under `/var` (`/var/log`, `/var/lib/mysql`) hold no area and are not findings.
 */
function sensitiveArea(hostPath: string, readOnly: boolean | null): string | null {
  for (const dir of EXACT) if (hostPath === dir) return dir;
  for (const dir of TREES) {
    if (!isUnder(hostPath, dir)) continue;
    // A harmless file is a finding only when it is certainly writable (an unknown mode is not a finding).
    if (readOnly !== false && HARMLESS_READ_ONLY.some((h) => isUnder(hostPath, h))) return null;
    return dir;
  }
  for (const dir of [...TREES, ...EXACT]) if (isUnder(dir, hostPath)) return dir;
  return null;
}

export default defineRule<'compose', Data>({
  code: 'DC014',
  name: 'sensitive-host-path-mounted',
  kind: 'compose',
  severity: 'warning',
  fixable: 'never',
  docs: {
    summary: 'A service mounts a sensitive host path (`/`, `/etc`, `/proc`, `/sys`, `/root`, `/var/lib/docker`…) or a host device.',
    what:
      'Flags a service that mounts a sensitive host path: the host root `/`, `/etc`, `/proc`, `/sys`, `/root`, `/boot` or `/var/lib/docker` (or anything under them, or a folder above them: `/var` and `/var/lib` hold `/var/lib/docker`), the whole `/dev`, or `/dev/shm`; and host devices given with `devices:`. ' +
      'Other folders under `/var` (`/var/log`, `/var/lib/mysql`, `/var/www`) are not flagged: they hold none of these. ' +
      'Short and long volume syntax, mounts that come through an alias or a `<<` merge (reported on the alias or the merge key) and bind-backed named volumes (`driver_opts: { o: bind, device: /etc }` (defined in this file or, with the override `docker compose up` merges by default, in either file of the pair: the merged project\'s definition, the override\'s options merged over this file\'s, `!reset`/`!override` honoured)) are read, after interpolation with the `.env` beside the compose file; a path whose value is unknown is not a finding. Read-only mounts are flagged too (reading /etc/shadow or /root/.ssh is the harm), ' +
      'except files under /etc that hold no secret and are commonly shared read-only: `/etc/localtime`, `/etc/timezone`, `/etc/hostname`, `/etc/machine-id`, `/etc/os-release`, `/etc/resolv.conf`, `/etc/hosts`, `/etc/passwd`, `/etc/group` and the public CA certificates (`/etc/ssl/certs`, `/etc/ca-certificates`, `/etc/pki/ca-trust`, `/etc/pki/tls/certs`). Mounted writable they are flagged: the container could rewrite the host\'s file. ' +
      'Other paths under /dev mounted as volumes are not flagged: a device node is usable only with the device-cgroup access that `devices:` grants. The Docker socket and the directories that hold an engine\'s socket (`/var/run`, `/run`, `/run/podman`, `/run/user/<uid>`…) are DC013\'s. ' +
      'Devices: raw disks, memory and kernel devices (`/dev/sda`, `/dev/nvme0n1`, `/dev/loop*`, `/dev/mapper/*`, `/dev/mem`, `/dev/kmsg`, …) and the whole `/dev` are warnings; other host hardware (camera, sound, serial, GPU) is reported as information to review; `/dev/net/tun` and CDI device names (`nvidia.com/gpu=all`) are not flagged. ' +
      'With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`; Compose Specification, Merge), the service is judged as it runs, each mount and device in the file that writes it: the override\'s are the service\'s too (reported there), one it writes at the same container path replaces this file\'s (Compose merges `volumes` by target and `devices` by container path: `/etc/localtime:/etc/localtime:ro` there clears a writable one here), and a list it resets or replaces (`!reset`, `!override`) drops this file\'s; entries of a `!reset` list in the override are no entries. Not so for a service another extends, a file another includes or extends, or a Swarm stack: there this file is judged as written.',
    why: 'A bind mount of a system path hands the container the host\'s secrets and controls: /etc holds password hashes, sudoers and SSH host keys (writable: a new root account), /proc exposes every host process and its environment, /sys and /dev the kernel and hardware, /root the administrator\'s keys, /var/lib/docker every other container\'s files and configuration. A raw disk device bypasses every file permission on the host. Root in the container (the default) can use all of it, so the container boundary is gone. SECURITY-GUIDELINES.md §2 asks that containers get no host-level privileges ("No Privileged Containers — Never use `--privileged` flag"), and a mount of the host\'s system paths hands over what `--privileged` would; the CIS Docker Benchmark, which the guidelines list among their references, has the check itself (v1.6.0 5.6, "Ensure sensitive host system directories are not mounted on containers").',
    bad: 'services:\n  agent:\n    image: ghcr.io/acme/agent:1.4\n    volumes:\n      - /:/host:ro\n      - /etc:/host/etc\n    devices:\n      - /dev/sda:/dev/sda',
    good: 'services:\n  agent:\n    image: ghcr.io/acme/agent:1.4\n    volumes:\n      - ./agent.conf:/etc/agent/agent.conf:ro\n      - /etc/localtime:/etc/localtime:ro\n      - agent-data:/var/lib/agent\nvolumes:\n  agent-data:',
    fix: 'No automatic fix: which part of the host the service really needs is a design decision. Mount only the file or directory it needs, read-only, from a project path or a named volume; copy configuration into the image at build time. Monitoring agents that must read /proc or /sys of the host are the usual reviewed exception: disable the finding on that line with a reason.',
    guideline: '§2 Container Runtime Security — "No Privileged Containers"; CIS Docker Benchmark v1.6.0 5.6 "Ensure sensitive host system directories are not mounted on containers" (listed in the guidelines\' references)',
    equivalents: [
      'KICS "Volume Has Sensitive Host Directory" (Docker Compose query)',
      'compose-lint CL-0013 (sensitive host path mounted) and CL-0016 (dangerous host devices)',
      'CIS Docker Benchmark v1.6.0 5.6 "Ensure sensitive host system directories are not mounted on containers" and 5.18 "Ensure that host devices are not directly exposed to containers"',
    ],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#volumes',
      'https://docs.docker.com/reference/compose-file/services/#devices',
      'https://docs.docker.com/reference/compose-file/volumes/',
      'https://docs.docker.com/engine/storage/bind-mounts/',
      'https://docs.kics.io/latest/queries/dockercompose-queries/1c1325ff-831d-43a1-973e-839ae57dfcc0',
    ],
  },
  check(ctx) {
    const out = [];
    for (const service of ctx.services) {
      // The override Compose merges by default (compose.override.yaml): the service is judged as merged,
      // each finding in the file that writes it (mounts and devices by container path).
      if (mergedServiceGone(defaultMerge(ctx, service))) continue;
      for (const m of effectiveVolumes(ctx, service)) {
        if (m.hostPath === null) continue;
        const area = sensitiveArea(m.hostPath, m.readOnly);
        if (!area) continue;
        out.push({
          range: m.reportRange,
          data: {
            kind: 'mount' as const,
            service: service.name,
            hostPath: m.hostPath,
            area,
            readOnly: m.readOnly === true,
            namedVolume: m.namedVolume,
            writableHarmless: HARMLESS_READ_ONLY.some((h) => isUnder(m.hostPath!, h)),
          },
        });
      }
      for (const d of effectiveDevices(ctx, service)) {
        if (d.hostPath === null || BENIGN_DEVICES.has(d.hostPath)) continue;
        const danger = DANGEROUS_DEVICES.find(([re]) => re.test(d.hostPath!))?.[1] ?? null;
        out.push({
          range: d.reportRange,
          severity: danger ? undefined : ('info' as const),
          data: { kind: 'device' as const, service: service.name, hostPath: d.hostPath, danger },
        });
      }
    }
    return out;
  },
  message(d) {
    if (d.kind === 'device') {
      return d.danger
        ? `Service '${d.service}' is given host device ${d.hostPath}: ${d.danger}, which bypasses the container boundary.`
        : `Service '${d.service}' is given host device ${d.hostPath}: the container drives host hardware directly; keep it only if the service needs it.`;
    }
    const via = d.namedVolume ? ` through volume '${d.namedVolume}'` : '';
    const ro = d.readOnly ? ', read-only' : '';
    if (d.writableHarmless) return `Service '${d.service}' mounts host file ${d.hostPath}${via} writable: the container can rewrite the host's copy; mount it read-only (:ro).`;
    if (d.hostPath === '/dev/shm') return `Service '${d.service}' mounts host path /dev/shm${via}: it shares ${AREAS['/dev/shm']}; give the container its own with shm_size instead.`;
    if (d.hostPath === d.area) return `Service '${d.service}' mounts host path ${d.hostPath}${via}${ro}: it exposes ${AREAS[d.area]} to the container.`;
    // A folder above the area (`/var` holds `/var/lib/docker`).
    if (isUnder(d.area, d.hostPath)) return `Service '${d.service}' mounts host path ${d.hostPath}${via}${ro}, which holds ${d.area} (${AREA_SHORT[d.area]}): the container can ${d.readOnly ? 'read' : 'read and change'} what the host keeps there.`;
    return `Service '${d.service}' mounts host path ${d.hostPath}${via}${ro}, inside ${d.area} (${AREA_SHORT[d.area]}): the container can ${d.readOnly ? 'read' : 'read and change'} what the host keeps there.`;
  },
});
