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
    if (SOCKET_DIRS.has(m.hostPath)) return { source: m.hostPath, what: 'directory' };
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
    // `${DOCKER_SOCKET_LOCATION}:/var/run/docker.sock`: the variable names the host's socket; so it
    // does mounted at another path named like it (Hyperledger Fabric's `${DOCKER_SOCK}:/host/var/run/docker.sock`,
    // read through `CORE_VM_ENDPOINT`: review 6, probe dc-05).
    const target = m.target?.value?.trim().replace(/\/+$/, '');
    if (literalTail.replace(/\//g, '').trim() === '' && target !== undefined && (SOCKET_TARGETS.has(target) || SOCKET.test(target))) return { source: src.raw.trim(), what: 'target' };
  }
  return null;
}
