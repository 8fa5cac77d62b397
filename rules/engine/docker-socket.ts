/**
 * Mounts that expose a container engine's API (the Docker socket, Podman's Docker-compatible socket,
 * the Windows named pipe, or the host directory that holds the socket). DC013 reports them; DC017
 * keeps `label:disable` on the services that have one (on SELinux hosts it is how they reach it).
 */
import type { VolumeMount } from './compose-volumes';

/**
 * Host paths of container-engine API sockets: Docker's (any location: rootless, Desktop, `.raw`), Podman's
 * Docker-compatible one, and the container runtimes' own (containerd's `containerd.sock`, also k3s's;
 * CRI-O's `crio.sock`): each API starts containers with any privilege (review 36, probe p26).
 */
const SOCKET = /\/(?:docker\.sock(?:\.raw)?|podman\.sock|containerd\.sock|crio\.sock)$/;
/** The container runtimes' sockets (not the Docker API): named so in messages. */
export const RUNTIME_SOCKET = /\/(?:containerd|crio)\.sock$/;
/** The directories that hold the Docker socket on Linux hosts. */
const SOCKET_DIRS = new Set(['/var/run', '/run']);

/**
 * Other host directories that hold an engine API socket this module recognizes, at its standard place
 * (review 42e, item 10), with `/var/run` read as `/run` (its link on current distributions): Podman's
 * (`/run/podman/podman.sock`), the container runtimes' (`/run/containerd/containerd.sock`,
 * `/run/k3s/containerd/containerd.sock`, `/run/crio/crio.sock`), and a user's runtime directory, which
 * holds a rootless Docker daemon's socket (`/run/user/<uid>/docker.sock`) or a rootless Podman
 * service's (`/run/user/<uid>/podman/podman.sock`); also `/run/user`, which holds every user's, and
 * `/run/k3s`. A folder inside them (`/run/user/1000/pulse`) is not one.
 */
const OTHER_SOCKET_DIRS = /^\/run\/(?:podman|containerd|crio|k3s(?:\/containerd)?|user(?:\/[^/]+(?:\/podman)?)?)$/;

/** `$XDG_RUNTIME_DIR` alone (or its `podman` folder) when its value is not known: the user's runtime directory. */
const RUNTIME_DIR_VARIABLE = /^\$(?:XDG_RUNTIME_DIR|\{XDG_RUNTIME_DIR(?::?[-?+][^}]*)?\})(?:\/podman)?\/?$/;

/** Whether a host path (normalized) is a directory that holds an engine API socket. */
function isSocketDir(hostPath: string): boolean {
  return SOCKET_DIRS.has(hostPath) || OTHER_SOCKET_DIRS.test(hostPath.replace(/^\/var\/run(?=\/)/, '/run'));
}
/** Docker Engine's named pipe on Windows hosts (`\\.\pipe\docker_engine`). */
const WINDOWS_PIPE = /^[\\/]{2}\.[\\/]pipe[\\/]docker_engine$/i;

/** Where programs in a container look for the Docker socket (the Docker CLI and SDKs' default `unix:///var/run/docker.sock`). */
const SOCKET_TARGETS = new Set(['/var/run/docker.sock', '/run/docker.sock']);

/**
 * What a mount exposes of the engine's API (`socket`: the socket or pipe; `directory`: the folder that
 * holds it; `target`: an unknown host path, a variable alone, mounted where the Docker socket is
 * looked for), or null.
 */
export function engineApiExposure(m: VolumeMount): { source: string; what: 'socket' | 'directory' | 'target' } | null {
  const src = m.source;
  if (src?.value && WINDOWS_PIPE.test(src.value.trim())) return { source: src.value.trim(), what: 'socket' };
  if (m.hostPath !== null) {
    if (SOCKET.test(m.hostPath)) return { source: m.hostPath, what: 'socket' };
    if (isSocketDir(m.hostPath)) return { source: m.hostPath, what: 'directory' };
    return null;
  }
  if (!src) return null;
  // A path under the user's home, which Compose expands (`~/.docker/run/docker.sock`: Docker Desktop on
  // macOS; `~/.colima/default/docker.sock`: review 36, probe p56).
  const home = src.value?.trim();
  if (home !== undefined && m.type === 'bind' && /^~[\\/]/.test(home) && SOCKET.test(home)) return { source: home, what: 'socket' };
  // The path depends on a variable whose value is unknown (`${XDG_RUNTIME_DIR}/docker.sock`): the
  // literal file name written after it still says what is mounted.
  if (src.value === null && m.type !== 'volume') {
    const literalTail = src.raw.replace(/\$\{[^}]*\}|\$[A-Za-z_]\w*/g, '/').trim();
    if (SOCKET.test(literalTail)) return { source: src.raw.trim(), what: 'socket' };
    if (RUNTIME_DIR_VARIABLE.test(src.raw.trim())) return { source: src.raw.trim(), what: 'directory' };
    // `${DOCKER_SOCKET_LOCATION}:/var/run/docker.sock`: the variable names the host's socket; so it
    // does mounted at another path named like it (Hyperledger Fabric's `${DOCKER_SOCK}:/host/var/run/docker.sock`,
    // read through `CORE_VM_ENDPOINT`: review 6, probe dc-05).
    const target = m.target?.value?.trim().replace(/\/+$/, '');
    if (literalTail.replace(/\//g, '').trim() === '' && target !== undefined && (SOCKET_TARGETS.has(target) || SOCKET.test(target))) return { source: src.raw.trim(), what: 'target' };
  }
  return null;
}
