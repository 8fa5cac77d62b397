import * as path from 'node:path';
import type { WorkspaceView } from '../../rules/engine/types';

/**
 * A workspace of `files` (absolute POSIX paths to texts) whose folder listings are indexed once, so that the work a test
 * counts is the analysis', not the view's; `links` are the paths that are symbolic links.
 */
export function indexedView(files: ReadonlyMap<string, string>, links: ReadonlySet<string> = new Set()): WorkspaceView {
  const dirs = new Map<string, Set<string>>();
  for (const f of files.keys()) {
    for (let p = f; p !== '/'; p = path.posix.dirname(p)) {
      const parent = path.posix.dirname(p);
      if (!dirs.has(parent)) dirs.set(parent, new Set());
      dirs.get(parent)!.add(path.posix.basename(p));
    }
  }
  return {
    readText: (p) => files.get(p),
    exists: (p) => files.has(p) || dirs.has(p),
    listDir: (dir) => (dirs.has(dir) ? [...dirs.get(dir)!] : undefined),
    isSymbolicLink: (p) => links.has(p),
  };
}
