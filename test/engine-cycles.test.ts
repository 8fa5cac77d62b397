/**
 * The modules that read the shell of RUN lines import one another in one direction only (shell11, 1): shell.ts ←
 * script-structure.ts ← script-reach.ts ← function-calls.ts ← packages.ts ← package-consumers.ts. A cycle builds (the
 * functions are called at run time only) but leaves each module's meaning tied to the other's, and a module-level
 * value read during the other's initialisation would be undefined.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../scripts/gen-docs';

const SHELL_READING = ['shell', 'script-structure', 'script-reach', 'function-calls', 'packages', 'package-consumers', 'script-strings', 'run-commands', 'shell-check'];

/** The engine modules a module imports for their values (`import type` and `type`-only names left out). */
function valueImports(dir: string, name: string): string[] {
  const text = fs.readFileSync(path.join(dir, `${name}.ts`), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^import (type )?\{([^}]*)\} from '\.\/([\w-]+)';$/gm)) {
    if (m[1] || m[2].split(',').every((n) => /^\s*type\s/.test(n) || n.trim() === '')) continue;
    out.push(m[3]);
  }
  return out;
}

describe('engine: no import cycle through the shell-reading modules', () => {
  it('none of them is reached again from its own value imports', () => {
    const dir = path.join(ROOT, 'rules/engine');
    const modules = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    const edges = new Map(modules.map((m) => [m, valueImports(dir, m)]));
    const cycles: string[] = [];
    for (const start of SHELL_READING) {
      const seen = new Set<string>();
      const stack: string[][] = (edges.get(start) ?? []).map((m) => [start, m]);
      while (stack.length > 0) {
        const trail = stack.pop()!;
        const at = trail[trail.length - 1];
        if (at === start) {
          cycles.push(trail.join(' → '));
          continue;
        }
        if (seen.has(at)) continue;
        seen.add(at);
        for (const next of edges.get(at) ?? []) stack.push([...trail, next]);
      }
    }
    assert.deepEqual(cycles, []);
  });
});
