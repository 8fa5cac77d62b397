/**
 * "Ignore CODE for this line" (ignoreLineEdit) and the reader of ignore comments (findIgnoreComments,
 * suppressionLine) agree, and the comment never changes what the file means (review 43b, items 1, 2, 6
 * and 8): each case applies the edit, parses the file again — the YAML data, or the Dockerfile without its
 * comment lines (heredoc bodies included, whose `#` lines are not comments) — and analyzes it again.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { DockerfileParser } from 'dockerfile-ast';
import { allRules, analyze, applyTextEdits, ignoreFileEdit, ignoreLineEdit, type Analysis, type Finding } from '../rules';
import { viewOf } from './helpers/fixtures';

type Kind = 'dockerfile' | 'compose';

const pathOf = (kind: Kind) => (kind === 'dockerfile' ? '/ws/Dockerfile' : '/ws/compose.yaml');

function run(kind: Kind, text: string): Analysis {
  const p = pathOf(kind);
  return analyze(allRules, kind, p, text, viewOf(new Map([[p, text]]), '/ws'));
}

/** What the file means: the YAML data (and that it parses), or the Dockerfile's lines less its comment lines. */
function meaning(kind: Kind, text: string): unknown {
  if (kind === 'compose') {
    const docs = parseAllDocuments(text);
    assert.ok(Array.isArray(docs));
    for (const d of docs) assert.deepEqual(d.errors.map((e) => e.message), [], text);
    return docs.map((d) => d.toJS());
  }
  const comments = new Set(DockerfileParser.parse(text).getComments().map((c) => c.getRange().start.line));
  return text.split('\n').filter((_l, i) => !comments.has(i));
}

const at = (f: Finding) => `${f.code}@${f.range.start.line}`;

/**
 * Applies "Ignore CODE for this line" to the finding of `code` that starts on `line` (0-based), checks that
 * the file means the same, that exactly that finding is now suppressed (by the new comment) and nothing
 * else changed, and returns the new text.
 */
function ignoreAndCheck(kind: Kind, text: string, code: string, line: number): string {
  const before = run(kind, text);
  const finding = before.findings.find((f) => f.code === code && f.range.start.line === line);
  assert.ok(finding, `no ${code} on line ${line}: ${before.findings.map(at).join(' ')}`);
  const edit = ignoreLineEdit(before.context, code, line);
  assert.ok(edit, 'a line ignore is offered');
  const after = applyTextEdits(text, [edit]);
  assert.deepEqual(meaning(kind, after), meaning(kind, text), `the ignore comment changed the file:\n${after}`);
  const again = run(kind, after);
  const shift = (f: Finding) => (f.range.start.line >= edit.range.start.line && edit.newText.endsWith('\n') ? f.range.start.line - 1 : f.range.start.line);
  const remaining = again.findings.filter((f) => f.code !== 'DG001').map((f) => `${f.code}@${shift(f)}`);
  const expected = before.findings.filter((f) => f !== finding).map(at);
  assert.deepEqual(remaining.sort(), expected.sort(), `only the ${code} finding on line ${line} is suppressed:\n${after}`);
  assert.deepEqual(again.findings.filter((f) => f.code === 'DG001').map(at), [], 'the comment is used');
  assert.ok(again.suppressed.some((s) => s.finding.code === code), 'suppressed by an ignore comment');
  return after;
}

const REDIS = (command: string) => `services:\n  cache:\n    image: redis:7.4-alpine\n${command}`;

describe('"Ignore CODE for this line" in a compose file', () => {
  it('puts the comment above the key of a folded block scalar the finding starts in, not inside it (item 1)', () => {
    const text = REDIS('    command: >\n      redis-server\n      --appendonly yes\n      --requirepass hunter2hunter2\n');
    const after = ignoreAndCheck('compose', text, 'DC040', 6);
    assert.equal(after, REDIS('    # docker-guardrails-ignore DC040\n    command: >\n      redis-server\n      --appendonly yes\n      --requirepass hunter2hunter2\n'));
  });

  it('above the key of a multi-line plain or double-quoted scalar', () => {
    const plain = REDIS('    command: redis-server\n      --appendonly yes\n      --requirepass hunter2hunter2\n');
    assert.ok(ignoreAndCheck('compose', plain, 'DC040', 5).includes('    # docker-guardrails-ignore DC040\n    command: redis-server\n'));
    const quoted = REDIS('    command: "redis-server\n      --appendonly yes\n      --requirepass hunter2hunter2"\n');
    assert.ok(ignoreAndCheck('compose', quoted, 'DC040', 5).includes('    # docker-guardrails-ignore DC040\n    command: "redis-server\n'));
    // The value on the lines below its key: the comment goes between the key and the scalar.
    const below = REDIS('    command:\n      redis-server\n      --requirepass hunter2hunter2\n');
    assert.ok(ignoreAndCheck('compose', below, 'DC040', 5).includes('    command:\n      # docker-guardrails-ignore DC040\n      redis-server\n'));
  });

  it('above the sequence item of a literal `sh -c` script (a comment there would join the continued line)', () => {
    const text = REDIS('    entrypoint: ["sh", "-c"]\n    command:\n      - |\n        exec redis-server \\\n          --requirepass hunter2hunter2\n');
    const after = ignoreAndCheck('compose', text, 'DC040', 7);
    assert.ok(after.includes('    command:\n      # docker-guardrails-ignore DC040\n      - |\n'), after);
  });

  it('a comment above the key covers its scalar, and only the findings of its codes that start there', () => {
    const text = REDIS('    # docker-guardrails-ignore DC040\n    command: >\n      redis-server\n      --requirepass hunter2hunter2\n    environment:\n      API_TOKEN: tok_abcdefgh12345\n');
    const a = run('compose', text);
    assert.deepEqual(a.suppressed.map((s) => at(s.finding)), ['DC040@6']);
    assert.deepEqual(a.findings.filter((f) => f.code === 'DC040').map(at), ['DC040@8'], 'the other key of the service keeps its finding');
  });

  it('above a yamllint disable-line comment, which must stay directly above its line (item 6)', () => {
    const text = 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      # yamllint disable-line rule:quoted-strings\n      - 8080:80\n';
    const after = ignoreAndCheck('compose', text, 'DC030', 5);
    assert.ok(after.includes('    ports:\n      # docker-guardrails-ignore DC030\n      # yamllint disable-line rule:quoted-strings\n      - 8080:80\n'), after);
  });

  it("adds a separate comment instead of a code under another comment's reason; joins a comment without one (item 8)", () => {
    const svc = '  web:\n    image: nginx:1.27\n    cap_add: [NET_ADMIN]\n';
    const withReason = `services:\n  # docker-guardrails-ignore DC015 -- needs NET_ADMIN for the VPN\n${svc}`;
    const before = run('compose', withReason);
    const code = before.findings.find((f) => f.range.start.line === 2 && f.code !== 'DG001')?.code;
    assert.ok(code, before.findings.map(at).join(' '));
    const after = ignoreAndCheck('compose', withReason, code, 2);
    assert.equal(after, `services:\n  # docker-guardrails-ignore ${code}\n  # docker-guardrails-ignore DC015 -- needs NET_ADMIN for the VPN\n${svc}`);
    const without = `services:\n  # docker-guardrails-ignore DC015\n${svc}`;
    assert.equal(ignoreAndCheck('compose', without, code, 2), `services:\n  # docker-guardrails-ignore DC015,${code}\n${svc}`);
    // The file-level ignore likewise.
    const fileWide = (comment: string) => run('compose', `${comment}\nservices:\n${svc}`).context;
    assert.deepEqual(ignoreFileEdit(fileWide('# docker-guardrails-ignore-file DC015 -- VPN sidecars'), code), { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `# docker-guardrails-ignore-file ${code}\n` });
    assert.equal(ignoreFileEdit(fileWide('# docker-guardrails-ignore-file DC015'), code).newText, `,${code}`);
  });
});

describe('"Ignore CODE for this line" in a Dockerfile', () => {
  const HEREDOC = 'RUN <<EOF\nset -e\napt-get update && apt-get install -y --no-install-recommends \\\n  curl && pip install \\\n  flask\nrm -rf /var/lib/apt/lists/*\nEOF\nUSER 1000\n';

  it('puts the comment above a RUN whose heredoc body the finding starts in (item 2)', () => {
    const text = `FROM python:3.12-slim\n${HEREDOC}`;
    const after = ignoreAndCheck('dockerfile', text, 'DF035', 4);
    assert.equal(after, `FROM python:3.12-slim\n# docker-guardrails-ignore DF035\n${HEREDOC}`);
  });

  it('keeps the comment in a continued RUN, where BuildKit strips comment lines', () => {
    const text = 'FROM python:3.12-slim\nRUN apt-get update && \\\n    pip install flask\nUSER 1000\n';
    const after = ignoreAndCheck('dockerfile', text, 'DF035', 2);
    assert.equal(after, 'FROM python:3.12-slim\nRUN apt-get update && \\\n    # docker-guardrails-ignore DF035\n    pip install flask\nUSER 1000\n');
  });

  it('above a hadolint ignore pragma, which applies only to the line directly below it (item 6)', () => {
    const text = 'FROM python:3.12-slim\n# hadolint ignore=DL3013\nRUN pip install flask\nUSER 1000\n';
    const after = ignoreAndCheck('dockerfile', text, 'DF035', 2);
    assert.equal(after, 'FROM python:3.12-slim\n# docker-guardrails-ignore DF035\n# hadolint ignore=DL3013\nRUN pip install flask\nUSER 1000\n');
  });

  it('offers no line ignore on a parser directive (a comment above it would end the directives)', () => {
    const a = run('dockerfile', '# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nUSER 1000\n');
    assert.equal(ignoreLineEdit(a.context, 'DF001', 0), undefined);
    assert.ok(ignoreLineEdit(a.context, 'DF001', 1));
  });
});
