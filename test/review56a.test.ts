/**
 * Wrong safe fixes found by review 56a of the package rules' shell reading (script strings, here-documents, command
 * substitutions).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding } from '../rules';
import { viewOf } from './helpers/fixtures';

function analyzed(text: string) {
  return analyze(allRules, 'dockerfile', '/w/Dockerfile', text, viewOf(new Map([['/w/Dockerfile', text]])), DEFAULT_CONFIG);
}

/** DF030's finding on the RUN at `line` (0-based) and its fix. */
function listsFinding(text: string, line?: number) {
  const a = analyzed(text);
  const f = a.findings.find((x) => x.code === 'DF030' && (line === undefined || x.range.start.line === line));
  return { finding: f, fix: f && fixFinding(allRules, a.context, f) };
}

describe('DF030: removing the lists is not safe before a later RUN that installs in a command substitution or a shell-read here-document (review 56a, F1)', () => {
  const listsFix = (later: string) => listsFinding(`FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n${later}\nUSER 1000\n`, 1).fix;
  for (const later of [
    'RUN out=$(apt-get install -y --no-install-recommends git) && echo "$out"',
    'RUN echo "installed: $(apt-get install -y --no-install-recommends git)"',
    'RUN echo `apt-get install -y --no-install-recommends git`',
    'RUN V="$(apt-get install -y --no-install-recommends git 2>&1 | tail -n 1)"',
    "RUN <<EOF\nset -e\nbash <<'EOS'\napt-get install -y --no-install-recommends git\nEOS\nEOF",
    "RUN <<EOF\nset -e\ncat <<'EOS' | sh\napt-get install -y --no-install-recommends git\nEOS\nEOF",
    // Unquoted delimiter with a backslash: the body is not read, so the shell that reads it may install.
    'RUN <<EOF\nset -e\nsh <<EOS\napt-get install -y --no-install-recommends \\\n  git\nEOS\nEOF',
  ]) {
    it(`${later.replace(/\n/g, '⏎')}: not safe`, () => {
      assert.equal(listsFix(later)?.safe, false);
    });
  }
  it('a CMD whose sh -c script installs in a command substitution makes the fix not safe', () => {
    assert.equal(listsFix('CMD ["sh", "-c", "v=$(apt-get install -y git) && exec sleep infinity"]')?.safe, false);
  });
  it('control: substitutions and here-documents that install nothing, or update first, keep the fix safe', () => {
    assert.equal(listsFix('RUN ARCH="$(dpkg --print-architecture)" && echo "$ARCH" && N=`nproc` && echo $N')?.safe, true);
    assert.equal(listsFix("RUN <<EOF\nset -e\nbash <<'EOS'\napt-get update\napt-get install -y --no-install-recommends git\nrm -rf /var/lib/apt/lists/*\nEOS\nEOF")?.safe, true);
    assert.equal(listsFix('RUN x=$(apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*)')?.safe, true);
  });
});

describe('DF030: an install in a script string or here-document run through sudo gets `sudo rm` (review 56a, F2)', () => {
  for (const run of [
    "RUN sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends curl'",
    'RUN sudo -E bash -c "apt-get update && apt-get install -y --no-install-recommends curl"',
    "RUN <<EOF\nset -e\nsudo bash <<'EOS'\napt-get update\napt-get install -y --no-install-recommends curl\nEOS\nEOF",
    // Read in the order its shell runs it (a function in the RUN).
    "RUN log() { echo \"$*\"; }; log start; sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends curl'",
  ]) {
    it(`${run.replace(/\n/g, '⏎')}: the cleanup is sudo rm, a quick fix`, () => {
      const { finding, fix } = listsFinding(`FROM debian:12-slim\nUSER app\n${run}\n`);
      assert.ok(finding, 'DF030 reported');
      assert.match(finding.message, /\(sudo rm -rf \/var\/lib\/apt\/lists\/\*\)/);
      assert.equal(fix?.safe, false);
      const texts = fix!.changes.flatMap((c) => (c.kind === 'edit' ? c.edits.map((e) => e.newText) : []));
      assert.ok(texts.some((t) => t.includes('sudo rm -rf /var/lib/apt/lists/*')), texts.join('|'));
    });
  }
});

describe('DF034: a later apk in a command substitution needs the index (review 56a, F1)', () => {
  it('"Add --no-cache" on apk add --update is not safe before `$(…)` that runs apk add without --no-cache', () => {
    const text = 'FROM alpine:3.20\nRUN apk add --update curl && v="$(echo "$(apk add jq)")" && echo "$v"\nUSER 1000\n';
    const a = analyzed(text);
    const f = a.findings.find((x) => x.code === 'DF034' && x.range.start.character === 4);
    assert.ok(f, 'DF034 on apk add --update');
    assert.equal(fixFinding(allRules, a.context, f)?.safe, false);
  });
});

describe('DF036: an install in `sudo sh -c` gets `sudo <tool> clean all` (review 56a, F2)', () => {
  it("RUN sudo sh -c 'dnf install -y curl' as USER app: the appended clean runs with sudo", () => {
    const text = "FROM fedora:40\nUSER app\nRUN sudo sh -c 'dnf install -y curl'\n";
    const a = analyzed(text);
    const f = a.findings.find((x) => x.code === 'DF036');
    assert.ok(f, 'DF036 reported');
    assert.match(f.message, /append 'sudo dnf clean all'/);
    const fix = fixFinding(allRules, a.context, f);
    assert.equal(fix?.safe, false);
    assert.ok(fix!.changes.some((c) => c.kind === 'edit' && c.edits.some((e) => e.newText.includes('sudo dnf clean all'))));
  });
});

describe('DF035: PIP_NO_CACHE_DIR as the prefix of one call covers only that call (review 56a, F3)', () => {
  const df035 = (run: string) => analyzed(`FROM python:3.12-slim\n${run}\n`).findings.filter((x) => x.code === 'DF035').length;
  it('f() { pip install flask; }; PIP_NO_CACHE_DIR=1 f; f: the second call keeps the cache', () => {
    assert.equal(df035('RUN f() { pip install flask; }; PIP_NO_CACHE_DIR=1 f; f'), 1);
    assert.equal(df035('RUN f() { pip install flask; }; f; PIP_NO_CACHE_DIR=1 f'), 1);
  });
  it('control: every call with the prefix, or an export before them, is silent', () => {
    assert.equal(df035('RUN f() { pip install flask; }; PIP_NO_CACHE_DIR=1 f'), 0);
    assert.equal(df035('RUN f() { pip install flask; }; PIP_NO_CACHE_DIR=1 f && PIP_NO_CACHE_DIR=1 f'), 0);
    assert.equal(df035('RUN f() { pip install flask; }; export PIP_NO_CACHE_DIR=1; f; f'), 0);
    assert.equal(df035("RUN f() { pip install flask; }; eval 'export PIP_NO_CACHE_DIR=1'; f; PIP_NO_CACHE_DIR=1 f"), 0);
  });
});

describe('DF035: `env PIP_NO_CACHE_DIR=1 sh -c …` passes the variable to the shell (review 56a, F4)', () => {
  const df035 = (run: string) => analyzed(`FROM python:3.12-slim\n${run}\n`).findings.filter((x) => x.code === 'DF035').length;
  it("env PIP_NO_CACHE_DIR=1 sh -c 'pip install flask' is silent", () => {
    assert.equal(df035("RUN env PIP_NO_CACHE_DIR=1 sh -c 'pip install flask'"), 0);
    assert.equal(df035("RUN env -u HOME PIP_NO_CACHE_DIR=off bash -c 'pip install flask'"), 0);
  });
  it('control: env with another variable still keeps the cache', () => {
    assert.equal(df035("RUN env PIP_INDEX_URL=https://pypi.org/simple sh -c 'pip install flask'"), 1);
  });
});
