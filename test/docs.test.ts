/** Generated files (docs pages, README rule table) must match the registry. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, parseDocument } from 'yaml';
import { allRules, exampleLang, firstSentence, renderRuleTable, ruleWhyLine } from '../rules';
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

  it('the hover\'s line of every rule (ruleWhyLine) is one sentence that stands alone; docs.whySummary is set only where the first sentence of why does not (review 42c, item 8)', () => {
    for (const rule of allRules) {
      const line = ruleWhyLine(rule);
      assert.match(line, /\.$/, rule.code);
      assert.doesNotMatch(line, /\.\s+[A-Z`]/, `${rule.code}: one sentence`);
      // "ADD does more than it says.", "Every RUN adds a layer.": a sentence that needs the next one.
      assert.ok(line.split(/\s+/).length >= 12, `${rule.code}: "${line}" says too little to stand alone; give the rule a docs.whySummary`);
      if (rule.docs.whySummary !== undefined) assert.notEqual(rule.docs.whySummary, firstSentence(rule.docs.why), `${rule.code}: the whySummary repeats the first sentence of why`);
    }
  });

  it('the README rule table gives each rule\'s first sentence whole: a `.` inside a code span ends none (review 44c, item 7: DR003\'s row stopped at `COPY .`)', () => {
    assert.equal(firstSentence('Flags `COPY . …` and `ADD ./ …` in a stage. More.'), 'Flags `COPY . …` and `ADD ./ …` in a stage.');
    const rows = renderRuleTable(allRules).split('\n').slice(2);
    assert.equal(rows.length, allRules.length);
    for (const row of rows) {
      const what = row.split(' | ').slice(5).join(' | ');
      assert.equal((what.match(/`/g) ?? []).length % 2, 0, `an open code span: ${row.slice(0, 200)}`);
      assert.match(what, /\. \|$/, `not a whole sentence: ${row.slice(0, 200)}`);
    }
    const dr003 = rows.find((r) => r.startsWith('| [DR003]'))!;
    assert.match(dr003, /ignore file is missing or does not exclude/);
  });

  it('each page\'s example fences name the language the example is written in (review 44c, item 9: DG001\'s Dockerfile and DR002\'s file listing were fenced as yaml)', () => {
    for (const rule of allRules) {
      const lang = exampleLang(rule);
      for (const text of [rule.docs.bad, rule.docs.good]) {
        if (lang === 'yaml') {
          const doc = parseDocument(text);
          // DG004's example is a compose file with a YAML syntax error, on purpose.
          if (!(rule.code === 'DG004' && text === rule.docs.bad)) assert.deepEqual(doc.errors.map((e) => e.message), [], `${rule.code}: fenced as yaml but not YAML`);
          assert.ok(isMap(doc.contents), `${rule.code}: fenced as yaml but not a YAML mapping: ${text.slice(0, 80)}`);
        } else if (lang === 'dockerfile') {
          const first = text.split('\n').find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
          assert.match(first ?? '', /^\s*(FROM|RUN|ARG|ENV|COPY|ADD|USER|WORKDIR|CMD|ENTRYPOINT|EXPOSE|HEALTHCHECK|LABEL|SHELL|ONBUILD|STOPSIGNAL|VOLUME|MAINTAINER)\b/i, `${rule.code}: fenced as dockerfile but not a Dockerfile`);
        }
      }
    }
  });
});
