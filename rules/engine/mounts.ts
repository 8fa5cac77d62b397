/**
 * The workspace file behind a path inside a container: a service's bind mounts (read with
 * `serviceVolumes`, both syntaxes) resolved against the project directory, so rules can read a mounted
 * config file (e.g. `./redis.conf:/usr/local/etc/redis/redis.conf`). Named volumes and sources that
 * cannot be resolved give no host path.
 * https://docs.docker.com/reference/compose-file/services/#volumes
 */
import * as path from 'node:path';
import type { ComposeContext, Service } from './compose';
import { serviceVolumes } from './compose-volumes';

export interface BindMount {
  /** Absolute host path. */
  source: string;
  /** Path inside the container (normalized, no trailing slash). */
  target: string;
}

/** The bind mounts of a service whose host path is known. */
export function bindMounts(ctx: ComposeContext, service: Service): BindMount[] {
  const out: BindMount[] = [];
  for (const m of serviceVolumes(ctx, service)) {
    if (m.type !== 'bind' || !m.source || m.source.value === null || !m.target || m.target.value === null) continue;
    const src = m.source.value.trim();
    if (src.startsWith('~') || /^[A-Za-z]:[\\/]/.test(src) || src.startsWith('\\\\')) continue;
    const target = path.posix.normalize(m.target.value.trim()).replace(/\/+$/, '') || '/';
    out.push({ source: path.resolve(ctx.projectDir, src), target });
  }
  return out;
}

/** The host path behind a container path through the longest matching bind mount, or null when none covers it. */
export function hostPathOf(mounts: readonly BindMount[], containerPath: string): string | null {
  const p = path.posix.normalize(containerPath);
  let best: BindMount | null = null;
  for (const m of mounts) {
    if (p === m.target || p.startsWith(m.target === '/' ? '/' : m.target + '/')) {
      if (!best || m.target.length > best.target.length) best = m;
    }
  }
  if (!best) return null;
  const rest = p.slice(best.target.length).replace(/^\/+/, '');
  return rest ? path.join(best.source, ...rest.split('/')) : best.source;
}
