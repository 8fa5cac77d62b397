/** Generated files (docs pages, README rule table) must match the registry. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generated, orphans, ROOT } from '../scripts/gen-docs';

describe('generated docs', () => {
  it('docs/rules/*.md and the README rule table are up to date (run `npm run docs`)', () => {
    const stale: string[] = [];
    for (const [file, content] of generated()) {
      const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
      if (current !== content) stale.push(path.relative(ROOT, file));
    }
    assert.deepEqual(stale, []);
    assert.deepEqual(orphans().map((f) => path.relative(ROOT, f)), []);
  });
});
