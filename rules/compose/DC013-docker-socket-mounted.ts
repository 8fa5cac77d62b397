import type { Node } from 'yaml';
import { defineRule } from '../engine/rule';
import { isAlias, isSeq } from '../engine/yaml-guards';
import type { ComposeContext, Service } from '../engine/compose';
import { type VolumeMount } from '../engine/compose-volumes';
import { lookupKey, resolvedScalar } from '../engine/compose-lookup';
import { engineApiExposure, RUNTIME_SOCKET } from '../engine/docker-socket';
import { defaultMerge, mergedServiceGone, overrideAt } from '../engine/override-merge';
import { effectiveVolumes, mergedVolumes } from '../engine/override-mounts';
import { defaultPairPartner } from '../engine/override-top-level';

interface Data {
  service: string;
  /** What is mounted, as Compose resolves it (or as written when a variable in it is unknown). */
  source: string;
  /** `socket`: the API socket itself; `directory`: the host directory that holds it (`/var/run`, `/run`, `/run/podman`, `/run/user/<uid>`…); `target`: an unknown path mounted at the socket's path in the container; `use_api_socket`: Compose mounts the socket itself. */
  what: 'socket' | 'directory' | 'target' | 'use_api_socket';
  readOnly: boolean;
  /** Where it is mounted in the container (as Compose resolves it), when known. */
  target: string | null;
  /** The mount comes from a named volume whose definition binds the host path. */
  namedVolume: string | null;
  /** The mount is another service's, taken with `volumes_from:` (its name). */
  from?: string;
}

/**
 * The engine API mounts a service takes from other services of the file with `volumes_from:` (`agent`,
 * `agent:ro`; not `container:…`, which names a container outside the file), followed through their own
 * `volumes_from:`, and where each entry is written (review 36, probe p57).
 */
function inheritedExposures(ctx: ComposeContext, service: Service): { node: Node; from: string; mount: VolumeMount; found: NonNullable<ReturnType<typeof engineApiExposure>> }[] {
  const out: { node: Node; from: string; mount: VolumeMount; found: NonNullable<ReturnType<typeof engineApiExposure>> }[] = [];
  const entry = ctx.serviceGet(service, 'volumes_from');
  for (const { name, item } of volumesFrom(ctx, service)) {
    const seen = new Set<string>([service.name]);
    const queue = [name];
    while (queue.length > 0 && seen.size < 16) {
      const current = queue.shift()!;
      if (seen.has(current)) continue;
      seen.add(current);
      // The service of the project: with the default override merged, either file may define it (review item 3, ovr2).
      const source = projectService(ctx, current);
      if (!source) continue;
      for (const mount of mergedVolumes(source.ctx, source.service)) {
        const found = engineApiExposure(mount);
        if (found) out.push({ node: (isAlias(item) || !entry?.own ? entry!.reportNode : item) as Node, from: name, mount, found });
      }
      queue.push(...mergedVolumesFrom(source.ctx, source.service));
    }
  }
  return out;
}

/**
 * A service of the project by name: this file's, else, with the default override merged (defaultPairPartner), the
 * other file's (a service the override adds, or one only the default file defines).
 */
function projectService(ctx: ComposeContext, name: string): { ctx: ComposeContext; service: Service } | undefined {
  const here = ctx.servicesNamed(name)[0];
  if (here) return { ctx, service: here };
  const other = defaultPairPartner(ctx)?.other;
  const there = other?.servicesNamed(name)[0];
  return other && there ? { ctx: other, service: there } : undefined;
}

/** The services the merged service's `volumes_from:` names, written in either file of the default pair (this file's alone without a default merge). */
function mergedVolumesFrom(ctx: ComposeContext, service: Service): string[] {
  const merge = defaultMerge(ctx, service);
  if (!merge) return volumesFrom(ctx, service).map((f) => f.name);
  if (mergedServiceGone(merge)) return [];
  return [...volumesFrom(merge.base.ctx, merge.base.service), ...volumesFrom(merge.over.ctx, merge.over.service)].map((f) => f.name);
}

/** The services a service's `volumes_from:` names (`agent`, `agent:ro`; not `container:…`), with the entries naming them. */
function volumesFrom(ctx: ComposeContext, service: Service): { name: string; item: Node }[] {
  // The default override drops the list (`!reset`, `!override`; in the override: a `!reset` list is no list).
  const merge = defaultMerge(ctx, service);
  const touch = merge && overrideAt(merge, ['volumes_from']);
  if (merge && touch && (merge.inOverride ? !touch.value : touch.drops)) return [];
  const list = ctx.resolve(service.doc, ctx.serviceGet(service, 'volumes_from')?.value);
  if (!list || !isSeq(list)) return [];
  const out: { name: string; item: Node }[] = [];
  for (const item of list.items) {
    const name = resolvedScalar(ctx, ctx.resolve(service.doc, item as Node))?.trim().split(':')[0];
    if (name && name !== 'container') out.push({ name, item: item as Node });
  }
  return out;
}

/** What a socket directory holds, for the message, by its path (`/var/run` read as `/run`). */
function directoryHolds(source: string): 'docker' | 'podman' | 'runtime' | 'users' | 'user' {
  const p = source.replace(/^\/var\/run(?=\/|$)/, '/run');
  if (p === '/run') return 'docker';
  if (p === '/run/podman') return 'podman';
  if (p === '/run/user') return 'users';
  if (/^\/run\/(?:containerd|crio|k3s)(?:\/|$)/.test(p)) return 'runtime';
  // `/run/user/<uid>`, its `podman` folder, `$XDG_RUNTIME_DIR`.
  return 'user';
}

/**
 * The socket of a rootless Docker daemon or Podman service: under a user's runtime directory
 * (docs.docker.com/engine/security/rootless/; Podman's `$XDG_RUNTIME_DIR/podman/podman.sock`: review 28,
 * probe 11). Not uid 0's, which is root's (probe 10).
 */
const ROOTLESS_SOCKET = /^(?:\/var)?\/run\/user\/(?!0\/)[^/]+\/(?:docker\.sock|podman\/podman\.sock)$|^\$\{?XDG_RUNTIME_DIR\}?\/(?:docker\.sock|podman\/podman\.sock)$/;

export default defineRule<'compose', Data>({
  code: 'DC013',
  name: 'docker-socket-mounted',
  kind: 'compose',
  severity: 'error',
  fixable: 'never',
  docs: {
    summary: 'A service mounts a container engine\'s API socket (`docker.sock`…) or its folder, or sets `use_api_socket: true`.',
    what: 'Flags a service that mounts the Docker Engine API socket: `/var/run/docker.sock`, `/run/docker.sock`, any other `docker.sock` (rootless `$XDG_RUNTIME_DIR/docker.sock`, Docker Desktop\'s `docker.sock.raw`), Podman\'s Docker-compatible `podman.sock`, a container runtime\'s own socket (containerd\'s `containerd.sock`, also k3s\'s `/run/k3s/containerd/containerd.sock`; CRI-O\'s `crio.sock`: each starts containers with any privilege), a socket under the user\'s home (`~/.docker/run/docker.sock`, Docker Desktop on macOS; Colima\'s `~/.colima/default/docker.sock`), the Windows pipe `\\\\.\\pipe\\docker_engine`, or the host directory that holds one of these sockets at its usual place (`/var/run`, `/run`; Podman\'s `/run/podman`; containerd\'s `/run/containerd`, k3s\'s `/run/k3s/containerd`, CRI-O\'s `/run/crio`; a user\'s runtime directory `/run/user/<uid>` or `$XDG_RUNTIME_DIR`, where a rootless Docker daemon keeps its socket, and its `podman` folder; `/run/user` itself and `/run/k3s`; each also under `/var/run`), but not a folder inside one (`/run/user/1000/pulse`). Also `use_api_socket: true` (Compose then gives the container the Engine API socket through a proxied socket, and the CLI\'s registry credentials; also inherited through `extends:`, reported on the service name then). Short and long volume syntax, mounts that come through an alias or a `<<` merge (reported on the alias or the merge key), bind-backed named volumes (`driver_opts: { o: bind, device: /var/run }` (defined in this file or, with the override `docker compose up` merges by default, in either file of the pair: the merged project\'s definition, the override\'s options merged over this file\'s, `!reset`/`!override` honoured)), and read-only mounts are all flagged; so is a service that takes such a mount from another service of the file with `volumes_from:` (`agent`, `agent:ro`, followed through that service\'s own `volumes_from:`; reported on the entry) — with the override `docker compose up` merges by default, a service of the merged project: one either file defines, with the mounts and `volumes_from:` both files give it (less what the override resets or replaces). Paths are read after interpolation with the `.env` beside the compose file; when a variable in the path is unknown, the file name written after it (`${XDG_RUNTIME_DIR}/docker.sock`) still counts, `${XDG_RUNTIME_DIR}` alone counts as a user\'s runtime directory, and an unknown variable alone mounted at `/var/run/docker.sock` or `/run/docker.sock` (`${DOCKER_SOCKET_LOCATION}:/var/run/docker.sock`) is reported too: that is where the Docker CLI and SDKs look for the socket; so is one mounted at another path named like the socket (`${DOCKER_SOCK}:/host/var/run/docker.sock`, which Hyperledger Fabric\'s peers reach through `CORE_VM_ENDPOINT`) — as a warning, since the host path is not known. With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`; Compose Specification, Merge), the service is judged as it runs, each mount in the file that writes it: the override\'s mounts are the service\'s too (reported there), one it writes at the same container path replaces this file\'s (Compose merges `volumes` by target: a socket mount the override replaces is not reported here), a `volumes` or `volumes_from` it resets or replaces (`!reset`, `!override`) drops this file\'s, and a `use_api_socket` it writes or resets replaces this file\'s; entries of a `!reset` list in the override are no entries. Not so for a service another extends, a file another includes or extends, or a Swarm stack: there this file is judged as written.',
    why: 'Whoever can talk to the Docker socket controls the Docker daemon, which runs as root: one `docker run --privileged -v /:/host` from inside the container and the whole host is taken. `:ro` does not help: it makes the socket file read-only, not the API behind it. A compromised dashboard, CI runner or reverse proxy with the socket is a compromised host. A rootless daemon\'s socket (`/run/user/<uid>/docker.sock`, `$XDG_RUNTIME_DIR/docker.sock`) gives its user\'s rights instead, which the message says: every container of that daemon and everything the user can do. SECURITY-GUIDELINES.md §2 forbids giving containers host-level privileges ("No Privileged Containers"); the socket is a more direct route to the same thing.',
    bad: 'services:\n  traefik:\n    image: traefik:v3.4\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro',
    good: 'services:\n  socket-proxy:\n    image: tecnativa/docker-socket-proxy:0.3\n    environment:\n      CONTAINERS: 1   # read-only access to the container list only\n    volumes:\n      # docker-guardrails-ignore DC013 -- the one reviewed exception: a proxy that allows only GET /containers\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n  traefik:\n    image: traefik:v3.4\n    command: --providers.docker.endpoint=tcp://socket-proxy:2375',
    fix: 'No automatic fix: the service presumably uses the API, and what to give it instead is a design decision. Remove the mount, or put a filtering proxy (such as tecnativa/docker-socket-proxy) in front of the socket that allows only the API calls the service needs, keep that proxy on an internal network, and disable this finding on that one line with a reason.',
    guideline: '§2 Container Runtime Security — "No Privileged Containers"',
    equivalents: ['KICS "Docker Socket Mounted In Container" (Docker Compose query)', 'compose-lint CL-0001', 'CIS Docker Benchmark v1.6.0 5.32 "Ensure that the Docker socket is not mounted inside any containers"'],
    references: [
      'https://docs.docker.com/engine/security/#docker-daemon-attack-surface',
      'https://docs.docker.com/reference/compose-file/services/#volumes',
      'https://docs.docker.com/reference/compose-file/services/#use_api_socket',
      'https://docs.docker.com/reference/compose-file/volumes/',
      'https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html',
    ],
  },
  check(ctx) {
    const out = [];
    for (const service of ctx.services) {
      // The override Compose merges by default (compose.override.yaml): the service is judged as merged,
      // each finding in the file that writes it (effectiveVolumes: mounts by container path).
      const merge = defaultMerge(ctx, service);
      if (mergedServiceGone(merge)) continue;
      // `use_api_socket: true`: Compose gives the container the Engine API socket (and the CLI's registry credentials) itself.
      // A value the override writes or drops replaces this file's: judged there (a value under `!reset` is no value).
      const apiTouch = merge && overrideAt(merge, ['use_api_socket']);
      const apiHere = !apiTouch || (merge.inOverride && apiTouch.value !== undefined);
      const api = apiHere ? lookupKey(ctx, service, 'use_api_socket') : undefined;
      if (api && api !== 'unknown' && resolvedScalar(api.ctx, api.entry.value)?.trim().toLowerCase() === 'true') {
        const at = api.ctx === ctx && !api.inherited ? ctx.rangeOf(api.entry.reportNode) : ctx.rangeOf(service.nameNode);
        out.push({ range: at, data: { service: service.name, source: 'use_api_socket: true', what: 'use_api_socket' as const, readOnly: false, target: null, namedVolume: null } });
      }
      for (const m of effectiveVolumes(ctx, service)) {
        const found = engineApiExposure(m);
        if (!found) continue;
        // An unknown host path is most likely the socket, not certainly: a warning.
        out.push({ range: m.reportRange, ...(found.what === 'target' ? { severity: 'warning' as const } : {}), data: { service: service.name, source: found.source, what: found.what, readOnly: m.readOnly === true, target: m.target?.value?.trim() ?? null, namedVolume: m.namedVolume } });
      }
      for (const x of inheritedExposures(ctx, service)) {
        out.push({ range: ctx.rangeOf(x.node), ...(x.found.what === 'target' ? { severity: 'warning' as const } : {}), data: { service: service.name, source: x.found.source, what: x.found.what, readOnly: x.mount.readOnly === true, target: x.mount.target?.value?.trim() ?? null, namedVolume: x.mount.namedVolume, from: x.from } });
      }
    }
    return out;
  },
  message(d) {
    if (d.what === 'use_api_socket') return `Service '${d.service}' sets use_api_socket: true, so Compose gives it the Docker Engine API socket: whoever controls the container controls the Docker daemon, and so the host.`;
    const via = (d.namedVolume ? ` through volume '${d.namedVolume}'` : '') + (d.from ? ` (taken from service '${d.from}' with volumes_from)` : '');
    const ro = d.readOnly ? ' (read-only does not limit the API)' : '';
    if (d.what === 'target') {
      const at = d.target ?? '/var/run/docker.sock';
      const where = /^\/(?:var\/)?run\/docker\.sock$/.test(at) ? 'where Docker clients look for the Docker API socket' : 'a path named like the Docker API socket';
      return `Service '${d.service}' mounts ${d.source}${via} at ${at}, ${where}${ro}: if it is the socket, whoever controls the container controls the Docker daemon, and so the host.`;
    }
    // A rootless daemon's socket (`/run/user/1000/docker.sock`, `$XDG_RUNTIME_DIR/docker.sock`): the daemon runs as
    // that user, so its API gives that user's rights, not root on the host (review 27, probe dc-05).
    if (d.what === 'socket' && ROOTLESS_SOCKET.test(d.source)) {
      return `Service '${d.service}' mounts the Docker API socket ${d.source}${via}${ro}, a rootless daemon's: whoever controls the container controls that daemon, every container it runs and everything its user can do.`;
    }
    if (d.what === 'socket' && RUNTIME_SOCKET.test(d.source)) {
      return `Service '${d.service}' mounts the container runtime socket ${d.source}${via}${ro}: whoever controls the container can start containers with any privilege, and so controls the host.`;
    }
    if (d.what === 'socket') return `Service '${d.service}' mounts the Docker API socket ${d.source}${via}${ro}: whoever controls the container controls the Docker daemon, and so the host.`;
    const dir = `Service '${d.service}' mounts the host directory ${d.source}${via}`;
    switch (directoryHolds(d.source)) {
      case 'podman':
        return `${dir}, which holds Podman's Docker-compatible API socket${ro}: whoever controls the container controls the Podman service, and so the host.`;
      case 'runtime':
        return `${dir}, which holds a container runtime socket${ro}: whoever controls the container can start containers with any privilege, and so controls the host.`;
      case 'users':
        return `${dir}, which holds every user's runtime directory, with the API socket of any rootless Docker or Podman daemon${ro}: whoever controls the container controls those daemons, every container they run and everything their users can do.`;
      case 'user':
        return `${dir}, which holds a user's rootless Docker or Podman API socket when such a daemon runs${ro}: whoever controls the container controls that daemon, every container it runs and everything its user can do.`;
      default:
        return `${dir}, which holds the Docker API socket${ro}: whoever controls the container controls the Docker daemon, and so the host.`;
    }
  },
});
