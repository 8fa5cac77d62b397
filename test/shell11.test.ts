/**
 * shell11: the shell-reading leftovers. 2: a script string's positional parameters are the operands its shell is given
 * after `$0`'s name (`sh -c 'apt-get install -y "$@"' sh curl`, POSIX sh -c; bash's -c).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { DockerfileContext } from '../rules/engine/dockerfile';
import { stringScriptsOf } from '../rules/engine/script-strings';
import { DEFAULT_OPTIONS, type WorkspaceView } from '../rules/engine/types';
import { dockerfileFindingsWithFixes } from './helpers/fixtures';

const workspace = { readText: () => undefined, exists: () => false, listDir: () => [] } as unknown as WorkspaceView;

/** The words (values) of each command of the script strings of a RUN. */
function stringWords(run: string): string[][] {
  const ctx = new DockerfileContext('/w/Dockerfile', `FROM debian:12\n${run}\n`, workspace, DEFAULT_OPTIONS);
  return ctx.runs().flatMap((r) => stringScriptsOf(r).flatMap((s) => s.commands.map((c) => c.words.map((w) => w.value))));
}

const findings = dockerfileFindingsWithFixes;

describe('script strings: the operands after `$0` are the string\'s positional parameters', () => {
  const read: [string, string[][]][] = [
    [`RUN sh -c 'apt-get install -y "$@"' sh curl wget`, [['apt-get', 'install', '-y', 'curl', 'wget']]],
    [`RUN bash -c 'apt-get install -y "$@"' bash curl`, [['apt-get', 'install', '-y', 'curl']]],
    [`RUN sh -c 'apt-get install -y "$2" "$1"' _ curl wget`, [['apt-get', 'install', '-y', 'wget', 'curl']]],
    [`RUN sh -c 'apt-get install -y \${1+"$@"}' _ curl`, [['apt-get', 'install', '-y', 'curl']]],
    [`RUN sh -c 'apt-get install -y $@' _ curl "wget"`, [['apt-get', 'install', '-y', 'curl', 'wget']]],
    [`RUN sh -c 'set -e; "$@"' _ apt-get install -y curl`, [['set', '-e'], ['apt-get', 'install', '-y', 'curl']]],
    [`RUN sh -c 'apt-get install -y "$@"' _`, [['apt-get', 'install', '-y', '"$@"']]],
  ];
  for (const [run, words] of read) {
    it(`reads ${run}`, () => {
      assert.deepEqual(stringWords(run).map((c) => c.map((w) => (w === '$@' ? '"$@"' : w))), words);
    });
  }
  for (const run of [
    `RUN sh -c 'apt-get install -y "$*"' _ curl wget`,
    `RUN sh -c 'echo $#; apt-get install -y "$@"' _ curl`,
    `RUN sh -c 'shift; apt-get install -y "$@"' _ x curl`,
    `RUN sh -c 'set -- wget; apt-get install -y "$@"' _ curl`,
    `RUN sh -c 'apt-get install -y "$0" "$1"' curl wget`,
    `RUN sh -c 'apt-get install -y pkg-$1' _ curl`,
    `RUN sh -c 'apt-get install -y "$2"' _ curl`,
    `RUN sh -c 'apt-get install -y $1' _ 'curl wget'`,
    `RUN sh -c 'apt-get install -y $1' _ 'lib*'`,
    `RUN sh -c 'i() { apt-get install -y "$@"; }; i wget' _ curl`,
    `RUN sh -c 'X="$1" apt-get install -y curl' _ 1`,
    `RUN su -c 'apt-get install -y "$@"' app curl`,
  ]) {
    it(`does not read ${run}`, () => {
      assert.deepEqual(stringWords(run), []);
    });
  }
  it('DF030 and DF031 see the install of `sh -c \'apt-get install -y "$@"\' sh curl`', () => {
    const text = `FROM debian:12-slim\nRUN apt-get update && sh -c 'apt-get install -y "$@"' sh curl\n`;
    assert.equal(findings(text, 'DF030').length, 1);
    assert.equal(findings(text, 'DF031').length, 1);
    assert.equal(findings(text, 'DF033').length, 0);
  });
  it('DF035 sees `bash -c \'pip install "$@"\' _ flask`', () => {
    assert.equal(findings(`FROM python:3.12-slim\nRUN bash -c 'pip install "$@"' _ flask\n`, 'DF035').length, 1);
  });
  it('an option among the operands counts: `sh -c \'apt-get install --no-install-recommends "$@"\' _ -y curl` assumes yes', () => {
    const text = `FROM debian:12-slim\nRUN apt-get update && sh -c 'apt-get install --no-install-recommends "$@"' _ -y curl && rm -rf /var/lib/apt/lists/*\n`;
    assert.equal(findings(text, 'DF032').length, 0);
    assert.equal(findings(text, 'DF031').length, 0);
  });
});

describe('DF035: an environment change counts where it runs, and not after its subshell ends (shell11, 3)', () => {
  for (const run of [
    "f() { unset PIP_NO_CACHE_DIR; }; export PIP_NO_CACHE_DIR=1; f; sh -c 'pip install flask'",
    'f() { unset PIP_NO_CACHE_DIR; }; export PIP_NO_CACHE_DIR=1; f; pip install flask',
    '( export PIP_NO_CACHE_DIR=1 ); pip install flask',
    "( export PIP_NO_CACHE_DIR=1 ); sh -c 'pip install flask'",
    'export PIP_NO_CACHE_DIR=1 | cat; pip install flask',
    'export PIP_NO_CACHE_DIR=1 & pip install flask',
    '{ export PIP_NO_CACHE_DIR=1; } & wait; pip install flask',
    'f() { ( export PIP_NO_CACHE_DIR=1 ); }; f; pip install flask',
    "f() { :; }; sh -c 'export PIP_NO_CACHE_DIR=1'; pip install flask",
  ]) {
    it(`${run}: reported`, () => {
      assert.equal(findings(`FROM python:3.12-slim\nRUN ${run}\n`, 'DF035').length, 1);
    });
  }
  for (const run of [
    "export PIP_NO_CACHE_DIR=1; f() { unset PIP_NO_CACHE_DIR; }; sh -c 'pip install flask'",
    '(export PIP_NO_CACHE_DIR=1; pip install flask)',
    'export PIP_NO_CACHE_DIR=1 && pip install flask &',
    'f() { export PIP_NO_CACHE_DIR=1; }; f; pip install flask',
    'export PIP_NO_CACHE_DIR=1; ( unset PIP_NO_CACHE_DIR ); pip install flask',
    'f() { :; }; export PIP_NO_CACHE_DIR=1; ( unset PIP_NO_CACHE_DIR ); pip install flask',
  ]) {
    it(`${run}: silent`, () => {
      assert.equal(findings(`FROM python:3.12-slim\nRUN ${run}\n`, 'DF035').length, 0);
    });
  }
});

describe('a `return` that surely runs ends its function: the rest of the body never runs (shell11, 5)', () => {
  for (const run of [
    'f() { return; pip install flask; }; f',
    'f() { return 0; pip install flask; }; f',
    'f() { echo start; return; pip install flask; }; f; pip install --no-cache-dir x',
    'f() { export PIP_NO_CACHE_DIR=1; }; f; pip install flask',
  ]) {
    it(`${run}: silent`, () => {
      assert.equal(findings(`FROM python:3.12-slim\nRUN ${run}\n`, 'DF035').length, 0);
    });
  }
  for (const run of [
    'f() { true && return; pip install flask; }; f',
    'f() { if [ -f /x ]; then return; fi; pip install flask; }; f',
    'f() { return | cat; pip install flask; }; f',
    'f() { pip install flask; return; }; f',
    'f() { { return; }; pip install flask; }; f',
  ]) {
    it(`${run}: reported`, () => {
      assert.equal(findings(`FROM python:3.12-slim\nRUN ${run}\n`, 'DF035').length, 1);
    });
  }
  it('DF030: a cleanup after a `return` does not run', () => {
    const run = 'f() { apt-get install -y --no-install-recommends curl; return; rm -rf /var/lib/apt/lists/*; }; apt-get update && f';
    assert.equal(findings(`FROM debian:12-slim\nRUN ${run}\n`, 'DF030').length, 1);
  });
});

describe('an install in a background job not waited for: no foreground cleanup counts after it (shell11, 4)', () => {
  const cases: [string, string, string][] = [
    ['python:3.12-slim', 'pip install flask & rm -rf /root/.cache/pip', 'DF035'],
    ['python:3.12-slim', 'pip install flask & pip cache purge', 'DF035'],
    ['alpine:3.21', 'apk add curl & rm -rf /var/cache/apk/*', 'DF034'],
    ['fedora:41', 'dnf install -y curl & dnf clean all', 'DF036'],
  ];
  for (const [image, run, code] of cases) {
    it(`${run}: ${code} reported`, () => {
      assert.equal(findings(`FROM ${image}\nRUN ${run}\n`, code).length, 1);
    });
    it(`${run.replace(' & ', ' & wait; ')}: silent`, () => {
      assert.equal(findings(`FROM ${image}\nRUN ${run.replace(' & ', ' & wait; ')}\n`, code).length, 0);
    });
  }
  it('DF036: the clean appended after a background install is a quick fix', () => {
    const [f] = findings('FROM fedora:41\nRUN dnf install -y curl & echo started\n', 'DF036');
    assert.ok(f?.fix);
    assert.equal(f.fix.safe, false);
  });
  it('DF036 control: a foreground install keeps the fix safe', () => {
    const [f] = findings('FROM fedora:41\nRUN dnf install -y curl; echo started\n', 'DF036');
    assert.ok(f?.fix);
    assert.equal(f.fix.safe, true);
  });
});
