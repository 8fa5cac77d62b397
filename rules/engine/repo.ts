import * as path from 'node:path';
import ignore from 'ignore';
import type { WorkspaceView } from './types';

/**
 * Whether git would ignore a file, judged from the `.gitignore` files between the file and the
 * repository root (the nearest directory holding `.git`, else the file-system root). Uses the
 * `ignore` package, which implements gitignore's matching rules. Deeper files override shallower
 * ones, as in git (a later negation re-includes).
 */
export function isGitIgnored(ws: WorkspaceView, filePath: string): boolean {
  const dirs: string[] = [];
  let dir = path.dirname(filePath);
  for (let i = 0; i < 64; i++) {
    dirs.push(dir);
    if (ws.exists(path.join(dir, '.git'))) break;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // From the root down: a deeper .gitignore's verdict (ignore or re-include) wins.
  let ignored = false;
  for (let i = dirs.length - 1; i >= 0; i--) {
    const text = ws.readText(path.join(dirs[i], '.gitignore'));
    if (text === undefined) continue;
    const rel = path.relative(dirs[i], filePath).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    const result = ignore().add(text).test(rel);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}
