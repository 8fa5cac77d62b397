/** Generated files (docs pages, README rule table) must match the registry. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, parseDocument } from 'yaml';
import { allRules, exampleLang, firstSentence, renderRuleTable, ruleWhyLine } from '../rules';
import { renderConfigSchema } from '../rules/engine/render-docs';
import { writeSarif } from '../cli/src/format';
import { generated, orphans, ROOT } from '../scripts/gen-docs';
import { analyze, DEFAULT_CONFIG } from '../rules';
import { fileKindOf } from '../rules/engine/analyze';
import { MIN_MAX_FILE_SIZE, parseConfig } from '../rules/engine/config';
import { normalizeSettings } from '../server/src/settings';
import { viewOf } from './helpers/fixtures';

/** The longest a rule's docs.summary may be: one line of a table, a schema tooltip, a SARIF shortDescription. */
const SUMMARY_MAX = 120;

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

  it('every rule has a docs.summary: one plain sentence of at most 120 characters saying what it flags, no code span left open (review 44c leftover: README rows of up to 3,700 characters)', () => {
    assert.equal(firstSentence('Flags `COPY . …` and `ADD ./ …` in a stage. More.'), 'Flags `COPY . …` and `ADD ./ …` in a stage.');
    for (const rule of allRules) {
      const s: unknown = rule.docs.summary;
      assert.equal(typeof s, 'string', `${rule.code}: no docs.summary`);
      const summary = s as string;
      assert.ok(summary.length > 0 && summary.length <= SUMMARY_MAX, `${rule.code}: ${summary.length} characters: ${summary}`);
      assert.equal(summary, summary.trim(), `${rule.code}: white space around the summary`);
      assert.doesNotMatch(summary, /\n/, `${rule.code}: one line`);
      assert.match(summary, /^[A-Z`.]/, `${rule.code}: starts a sentence: ${summary}`);
      assert.match(summary, /\.$/, `${rule.code}: ends with a full stop: ${summary}`);
      // One sentence: none ends before the last `.` (a `.` inside a code span ends none), and no full stop and capital inside.
      assert.equal(firstSentence(summary), summary, `${rule.code}: more than one sentence: ${summary}`);
      assert.doesNotMatch(summary.replace(/`[^`]*`/g, '``'), /[.!?]\s+[A-Z]/, `${rule.code}: more than one sentence: ${summary}`);
      assert.equal((summary.match(/`/g) ?? []).length % 2, 0, `${rule.code}: a code span left open: ${summary}`);
      // Plain: no Markdown links or emphasis, which the schema tooltip and SARIF's plain text would show raw.
      assert.doesNotMatch(summary.replace(/`[^`]*`/g, '``'), /\]\(|\*\*|__|<[a-z]/, `${rule.code}: not plain text: ${summary}`);
      // Whether the rule is on by default is said where the severity is (the table's column, the schema's suffix).
      assert.doesNotMatch(summary, /off unless enabled|opt-in/i, `${rule.code}: says the rule is off, which the severity already does`);
    }
  });

  it('the README rule table, the config schema and SARIF\'s shortDescription give each rule\'s docs.summary (review 44c leftover; SARIF 2.1.0: shortDescription is "a single sentence", fullDescription the details)', () => {
    const rows = renderRuleTable(allRules).split('\n').slice(2);
    assert.equal(rows.length, allRules.length);
    for (const [i, row] of rows.entries()) {
      const rule = allRules[i];
      assert.ok(row.startsWith(`| [${rule.code}]`), row);
      assert.ok(row.endsWith(` | ${rule.docs.summary.replace(/\|/g, '\\|')} |`), `${rule.code}: ${row.slice(0, 200)}`);
      assert.ok(row.length <= 250, `${rule.code}: a row of ${row.length} characters`);
    }
    const schema = JSON.parse(renderConfigSchema(allRules)) as { properties: { rules: { properties: Record<string, { description: string }> } } };
    // DG002 is not set under `rules` (the config file reports such an entry: review 45d, item 11): not in the schema.
    assert.equal(schema.properties.rules.properties.DG002, undefined);
    for (const rule of allRules.filter((r) => r.code !== 'DG002')) {
      assert.equal(schema.properties.rules.properties[rule.code].description, `${rule.code} ${rule.name}: ${rule.docs.summary}${rule.optIn ? ' (off unless enabled)' : ''}`);
    }
    let out = '';
    writeSarif([], allRules, '0.0.0', (chunk) => (out += chunk));
    const sarifRules = (JSON.parse(out) as { runs: { tool: { driver: { rules: { id: string; shortDescription: { text: string } }[] } } }[] }).runs[0].tool.driver.rules;
    assert.deepEqual(
      sarifRules.map((r) => [r.id, r.shortDescription.text]),
      allRules.map((r) => [r.code, r.docs.summary]),
    );
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

describe('README statements that the code or the world can make false (review 46b, findings 5 and 6)', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  it('--eol-date: the count of catalog lines with a release day is the bundled one', () => {
    const catalog = JSON.parse(fs.readFileSync(path.join(ROOT, 'rules/data/eol-catalog.json'), 'utf8')) as { images: Record<string, { lines?: { released?: string }[] }> };
    const lines = Object.values(catalog.images).flatMap((i) => i.lines ?? []);
    const m = /known for few lines: (\d+) of (\d+) today/.exec(readme);
    assert.ok(m, 'README says how many lines have a release day');
    assert.deepEqual([Number(m[1]), Number(m[2])], [lines.filter((l) => l.released !== undefined).length, lines.length]);
    assert.ok(!/never targets a line released after the analysis date\)/.test(readme), 'no unqualified "never"');
  });
  it('the GitHub Actions workflow uses current action majors and a Node.js LTS line that is not past its end of life', () => {
    const workflow = /### In GitHub Actions\n+```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    assert.match(workflow, /actions\/checkout@v6\b/);
    assert.match(workflow, /actions\/setup-node@v6\b/);
    assert.match(workflow, /github\/codeql-action\/upload-sarif@v4\b/); // v3 is deprecated in December 2026
    assert.match(workflow, /node-version: (?:22|24)\b/); // Node 20 reached its end of life on 2026-04-30
  });
});

describe('README: examples and lists as the code reads them (review 46b, findings 7, 8 and 9)', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  it('the suppression example suppresses something with each of its codes (no DG001)', () => {
    const block = /```dockerfile\n(# docker-guardrails-ignore [\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(block, 'the example is there');
    const file = '/readme/Dockerfile';
    const findings = analyze(allRules, 'dockerfile', file, block, viewOf(new Map([[file, block]]), '/readme'), DEFAULT_CONFIG).findings;
    assert.deepEqual(findings.filter((f) => f.code === 'DG001').map((f) => f.message), []);
  });
  it('the compose names are written as the code reads them: a part after `compose` is joined by `.`, `_` or `-`', () => {
    assert.match(readme, /`compose\[\._-\]\*\.yaml`, `docker-compose\[\._-\]\*\.yml`/);
    assert.ok(!/`compose\*\.yaml`|`docker-compose\*\.yml`/.test(readme));
    for (const name of ['compose.yaml', 'compose-dev.yaml', 'compose_dev.yml', 'docker-compose.yml', 'docker-compose.prod.yaml', 'api.compose.yaml', 'api-compose.yml']) assert.equal(fileKindOf(`/w/${name}`), 'compose', name);
    for (const name of ['docker-compose2.yml', 'composeprod.yaml']) assert.notEqual(fileKindOf(`/w/${name}`), 'compose', name);
  });
  it('the JSON fields are all documented', () => {
    const sentence = /JSON has one object per finding with ([\s\S]*?)\(null when none is offered/.exec(readme)?.[1] ?? '';
    for (const key of ['code', 'name', 'severity', 'message', 'file', 'range', 'docs', 'fix']) assert.ok(sentence.includes(`\`${key}\``), key);
  });
  it('maxFileSize has the same lower bound in the config file, its schema and the editor setting', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { minimum?: number }> } } };
    assert.equal(pkg.contributes.configuration.properties['dockerGuardrails.maxFileSize'].minimum, MIN_MAX_FILE_SIZE);
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/docker-guardrails.schema.json'), 'utf8')) as { properties: Record<string, { minimum?: number }> };
    assert.equal(schema.properties.maxFileSize.minimum, MIN_MAX_FILE_SIZE);
    const parse = (v: string) => parseConfig('/p/.docker-guardrails.yaml', `maxFileSize: ${v}\n`, new Set());
    assert.equal(parse('1023').problems.length, 1);
    assert.equal(parse('1024').problems.length, 0);
    assert.equal(parse('1024').config.maxFileSize, 1024);
    const warned: string[] = [];
    assert.equal(normalizeSettings({ maxFileSize: 10 }, (m) => warned.push(m)).maxFileSize, 2 * 1024 * 1024);
    assert.match(warned[0] ?? '', /maxFileSize is ignored: it must be a number of bytes, at least 1024/);
    assert.equal(normalizeSettings({ maxFileSize: 4096 }).maxFileSize, 4096);
  });
  it('README states the bound', () => {
    assert.match(readme, /\| `dockerGuardrails\.maxFileSize` \| `2097152` \| [^|]*At least 1024/);
  });
});
