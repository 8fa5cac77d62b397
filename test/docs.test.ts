/** Generated files (docs pages, README rule table) must match the registry. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules, ruleSummary } from '../rules';
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

  it('the hover\'s line of every rule (ruleSummary) is one sentence that stands alone; docs.summary is set only where the first sentence of why does not (review 42c, item 8)', () => {
    for (const rule of allRules) {
      const line = ruleSummary(rule);
      assert.match(line, /\.$/, rule.code);
      assert.doesNotMatch(line, /\.\s+[A-Z`]/, `${rule.code}: one sentence`);
      // "ADD does more than it says.", "Every RUN adds a layer.": a sentence that needs the next one.
      assert.ok(line.split(/\s+/).length >= 12, `${rule.code}: "${line}" says too little to stand alone; give the rule a docs.summary`);
      if (rule.docs.summary !== undefined) assert.notEqual(rule.docs.summary, rule.docs.why.split(/(?<=\.)\s/)[0], `${rule.code}: the summary repeats the first sentence of why`);
    }
  });
});
