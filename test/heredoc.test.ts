/**
 * Review53a F1: a here-document inside a shell script (a `RUN <<EOF` body) is the input of its command (POSIX XCU
 * 2.7.4 Here-Document), not commands of the script. parseShell skips its body and gives it to the command
 * (SimpleCommand.hereDocs); a body a shell reads is a script of its own (stringScriptsOf). No fix — `check --fix` or
 * the LSP's source.fixAll — edits the text a here-document writes.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceEdit } from 'vscode-languageserver-protocol';
import { applyTextEdits } from '../rules';
import { identityOffsets, parseShell } from '../rules/engine/shell';
import { runCli } from './helpers/cli';
import { applyWorkspaceEdit, TestClient } from './helpers/lsp-client';
import { tempFiles } from './helpers/temp';

const read = (text: string) => parseShell({ text, offsets: identityOffsets(text.length) });
const programs = (text: string) => read(text).map((c) => (c.programIndex < 0 ? '' : c.words[c.programIndex].value));

describe('parseShell: here-document bodies are input, not commands (review53a F1)', () => {
  it('skips a body up to its delimiter line, quoted or not, and keeps it on its command', () => {
    const text = "set -e\ncat > /e.sh <<'EOS'\n#!/bin/sh\nexec \"$@\"\nEOS\nchmod +x /e.sh\n";
    assert.deepEqual(programs(text), ['set', 'cat', 'chmod']);
    const doc = read(text)[1].hereDocs?.[0];
    assert.equal(doc?.delimiter, 'EOS');
    assert.equal(doc?.quoted, true);
    assert.equal(doc?.fd, 0);
    assert.equal(doc?.body.text, '#!/bin/sh\nexec "$@"\n');
    assert.equal(doc?.body.offsets[0], text.indexOf('#!/bin/sh'));
    assert.equal(doc?.terminated, true);
    assert.equal(doc?.bodyEnd, text.indexOf('chmod'));
    assert.deepEqual(programs('cat <<EOF\nexit 0\nEOF\nrm x\n'), ['cat', 'rm']);
    assert.equal(read('cat <<EOF\nexit 0\nEOF\n')[0].hereDocs?.[0].quoted, false);
  });

  it('`<<-` strips leading tabs (not blanks) from the delimiter line; `<< WORD` takes the next word', () => {
    assert.deepEqual(programs('tee f <<-EOS >/dev/null\n\texit 0\n\tEOS\nrm x\n'), ['tee', 'rm']);
    // Without `-`, a tabbed delimiter line is body: the body runs to the end.
    assert.deepEqual(programs('tee f <<EOS\n\texit 0\n\tEOS\nrm x\n'), ['tee']);
    assert.deepEqual(programs('tee f <<-EOS\n  exit 0\n  EOS\nEOS\nrm x\n'), ['tee', 'rm']);
    assert.deepEqual(programs('cat << "EOS" > f\nexit 0\nEOS\nrm x\n'), ['cat', 'rm']);
    assert.equal(read('cat << "EOS" > f\nexit 0\nEOS\n')[0].hereDocs?.[0].delimiter, 'EOS');
  });

  it('several bodies follow one another; the rest of the line is read; an IO number is kept; `<<<` is no here-document', () => {
    const cmds = read('cat <<A 3<<B && echo ok; rm y\na-body\nA\nb-body\nB\nrm z\n');
    assert.deepEqual(cmds.map((c) => c.words[c.programIndex].value), ['cat', 'echo', 'rm', 'rm']);
    assert.deepEqual(cmds[0].hereDocs?.map((d) => [d.delimiter, d.fd, d.body.text]), [['A', 0, 'a-body\n'], ['B', 3, 'b-body\n']]);
    assert.deepEqual(programs('cat <<< "exit 0"\nrm x\n'), ['cat', 'rm']);
    assert.equal(read('cat <<< "x"\n')[0].hereDocs, undefined);
  });

  it('an unterminated body runs to the end; a CRLF line ending ends the delimiter line; bad input does not throw', () => {
    const open = read('cat <<EOS\nexit 0\nrm x\n');
    assert.deepEqual(open.map((c) => c.words[0].value), ['cat']);
    assert.equal(open[0].hereDocs?.[0].terminated, false);
    assert.deepEqual(programs('cat <<EOS\r\nexit 0\r\nEOS\r\nrm x\r\n'), ['cat', 'rm']);
    for (const bad of ['cat <<', 'cat <<\n', 'cat << \nx\n', '<<EOS\n', 'cat <<"EOS\nexit\n', 'case x in a) cat <<E;;\nb) exit;;\nE\nesac\n']) assert.doesNotThrow(() => read(bad), bad);
  });
});

describe('parseShell: `<<` in bash arithmetic is a shift, not a here-document (review54a F1)', () => {
  it('reads the lines after `(( x = 1 << 2 ))`, `(( x <<= 1 ))`, `for (( …1<<n… ))` and `$(( 1 << 2 ))` as commands', () => {
    assert.deepEqual(programs('set -e\n(( jobs = 1 << 2 ))\ncurl -k x\n2\nchmod 777 /srv\n'), ['set', 'jobs', 'curl', '2', 'chmod']);
    assert.deepEqual(programs('(( x <<= 1 ))\nrm x\n=\nrm y\n'), ['x', 'rm', '=', 'rm']);
    assert.deepEqual(programs('for (( i = 0; i < 1<<n; i++ )); do echo; done\nn\nrm x\n'), ['', 'i', 'i', 'i++', 'echo', '', 'n', 'rm']);
    assert.deepEqual(programs('if (( (x) << 2 )); then echo; fi\nrm x\n2\n'), ['', 'x', '', 'echo', '', 'rm', '2']);
    assert.deepEqual(programs('echo $(( 1 << 2 ))\nrm x\n2\n'), ['echo', 'rm', '2']);
    for (const c of read('(( x = 1 << 2 ))\nrm x\n2\n')) assert.equal(c.hereDocs, undefined);
  });

  it('a here-document after the arithmetic, or in a subshell `( (…) )`, is still one', () => {
    assert.deepEqual(programs('(( x = 1 << 2 )); cat <<EOS\nexit 0\nEOS\nrm x\n'), ['x', 'cat', 'rm']);
    assert.deepEqual(programs('( (cat <<EOS) )\nexit 0\nEOS\nrm x\n'), ['cat', 'rm']);
    assert.deepEqual(programs('echo ok && (( n < 2 )) && cat <<EOS\nexit 0\nEOS\nrm x\n'), ['echo', 'n', 'cat', 'rm']);
  });
});

// F1's Dockerfile: the first RUN is clean (its cleanup follows the here-documents); the second leaves the lists, and its
// fix goes after the last delimiter line. The texts written into the files must come out of every fix as they were.
const DOCKERFILE = [
  'FROM debian:bookworm-slim',
  'RUN <<EOF',
  'set -e',
  'apt-get update',
  'apt-get install -y --no-install-recommends curl ca-certificates',
  "cat > /usr/local/bin/docker-entrypoint.sh <<'EOS'",
  '#!/bin/sh',
  'set -e',
  'exec "$@"',
  'EOS',
  'tee /usr/local/bin/healthcheck <<-EOS >/dev/null',
  '\t#!/bin/sh',
  '\tcurl -fsS http://localhost/ >/dev/null || exit 1',
  '\texit 0',
  '\tEOS',
  'chmod +x /usr/local/bin/docker-entrypoint.sh /usr/local/bin/healthcheck',
  'rm -rf /var/lib/apt/lists/*',
  'EOF',
  'RUN <<EOF',
  'set -e',
  'apt-get update',
  'apt-get install -y --no-install-recommends git',
  "cat > /usr/local/bin/setup-extras.sh <<'EOS'",
  '#!/bin/sh',
  'apt-get install curl',
  'exit 0',
  'EOS',
  'EOF',
  'USER 1000',
  '',
].join('\n');

const FIXED = DOCKERFILE.replace("apt-get install curl\nexit 0\nEOS\nEOF\n", "apt-get install curl\nexit 0\nEOS\nrm -rf /var/lib/apt/lists/*\nEOF\n");

describe('no fix edits the text a here-document writes (review53a F1)', () => {
  it('check --fix appends the cleanup after the delimiter line and leaves the written files as they were', () => {
    const dir = tempFiles('dg-heredoc-', { Dockerfile: DOCKERFILE });
    fs.mkdirSync(path.join(dir, '.git'));
    const before = runCli(['check', 'Dockerfile', '--format', 'json'], dir);
    const found = (JSON.parse(before.stdout) as { code: string; range: { start: { line: number } } }[]).filter((f) => /^DF03/.test(f.code)).map((f) => `${f.code}:${f.range.start.line + 1}`);
    assert.deepEqual(found, ['DF030:22']);
    runCli(['check', 'Dockerfile', '--fix'], dir);
    assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), FIXED);
  });

  it('over the LSP, source.fixAll does the same', async () => {
    const dir = tempFiles('dg-heredoc-lsp-', { Dockerfile: DOCKERFILE });
    fs.mkdirSync(path.join(dir, '.git'));
    const client = new TestClient();
    try {
      await client.initialize([dir]);
      const uri = client.open(path.join(dir, 'Dockerfile'), DOCKERFILE, 'dockerfile');
      const diags = (await client.diagnostics(uri, 1)).filter((d) => /^DF03/.test(String(d.code)));
      assert.deepEqual(
        diags.map((d) => `${d.code}:${d.range.start.line + 1}`),
        ['DF030:22'],
      );
      const action = await client.resolved((await client.codeActions(uri, [], ['source.fixAll.docker-guardrails']))[0]);
      assert.ok(action?.edit, 'fix-all is offered for the second RUN');
      const out = applyWorkspaceEdit(new Map([[uri, DOCKERFILE]]), action.edit as WorkspaceEdit, (t, e) => applyTextEdits(t, e));
      assert.equal(out.get(uri), FIXED);
    } finally {
      await client.shutdown();
    }
  });
});
