/**
 * The shell reader and a `case` statement inside a command substitution: the `)` that ends an arm's
 * pattern does not close the `$(` (POSIX XCU 2.6.3 and 2.9.4, case). ollama's Dockerfile picks the Go
 * archive with `$(case $(uname -m) in x86_64) echo amd64 ;; … esac)`; read as closing at `x86_64)`,
 * DF041 named `.tar.gz` as what is piped into tar and put its range on the tail of the line.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { argumentsOf, outputRedirectTarget, parseShell, programName, redirectionWidth } from '../rules/engine/shell';
import { invocation } from '../rules/engine/run-commands';
import { shellTextCloses } from '../rules/engine/shell-check';
import { viewOf } from './helpers/fixtures';

const mapped = (text: string) => ({ text, offsets: Array.from({ length: text.length + 1 }, (_, k) => k) });
/** The commands of a script as their raw words, each followed by the operator that ends it. */
const commands = (text: string) => parseShell(mapped(text)).map((c) => [...c.words.map((w) => w.raw), String(c.next)]);

const OLLAMA = 'curl -fsSL https://golang.org/dl/go${GOVERSION}.linux-$(case $(uname -m) in x86_64) echo amd64 ;; aarch64) echo arm64 ;; esac).tar.gz | tar xz -C /usr/local';

describe('shell reader: case … esac inside $(…)', () => {
  it("ollama's download: the URL is one word, curl is piped into tar", () => {
    assert.deepEqual(commands(OLLAMA), [
      ['curl', '-fsSL', 'https://golang.org/dl/go${GOVERSION}.linux-$(case $(uname -m) in x86_64) echo amd64 ;; aarch64) echo arm64 ;; esac).tar.gz', '|'],
      ['tar', 'xz', '-C', '/usr/local', 'null'],
    ]);
  });

  const whole: [string, string][] = [
    ['`|` between patterns, `(` before one, `;;&`', 'a=$(case "$x" in (a|b) echo ab ;;& *) echo any ;; esac)'],
    ['quoted `)` and `;;` in an arm', 'a=$(case $x in a) echo ")" \';;\' ;; esac)'],
    ['an apostrophe inside double quotes', 'a="$(case $x in a) echo "it\'s" ;; esac)"'],
    ['a pipe and a subshell in an arm', 'a=$(case $x in a) (uname -m) | tr -d l ;; esac)'],
    ['a nested case, patterns on their own lines', 'a=$(case $x in\n  a) case $y in b) echo ab ;; esac ;;\n  *) echo c ;;\nesac)'],
    ['`esac` after the last arm without `;;`', 'a=$(case $x in a) echo a; esac)'],
    ['`case` after `then`', 'a=$(if true; then case $x in a) echo a ;; esac; fi)'],
    ['a comment with a `)` in an arm', 'a=$(case $x in\n  a) echo a ;; # x)\nesac)'],
    ['backticks and ${…} in an arm', 'a=$(case $x in a) echo `uname -m` ${y:-z} ;; esac)'],
    ['`case`, `in` and `esac` as arguments', 'a=$(echo case x in y)'],
    ['arithmetic and subshells', 'a=$(( (1 + 2) * 3 ))$( (cd /x && ls) )'],
  ];
  for (const [name, word] of whole) {
    it(`one word: ${name}`, () => {
      assert.deepEqual(commands(`${word} | wc -c`), [[word, '|'], ['wc', '-c', 'null']]);
      assert.equal(shellTextCloses(word), true);
    });
  }

  it('`esac` as an argument in an arm does not end the case', () => {
    const word = 'a=$(case $x in a) echo esac ;; b) echo b ;; esac)';
    assert.deepEqual(commands(`${word} && b`), [[word, '&&'], ['b', 'null']]);
  });

  it('a case left open leaves the substitution open', () => {
    assert.equal(shellTextCloses('a=$(case $x in a) echo a ;; esac'), false);
    assert.equal(shellTextCloses('a="$(case $x in a) echo a ;; esac)'), false);
    assert.deepEqual(commands('a=$(case $x in a) echo a ;; esac && b | c'), [['a=$(case $x in a) echo a ;; esac && b | c', 'null']]);
  });

  it('DF041 names curl as what is piped into tar, and its range starts at curl', () => {
    const text = `FROM almalinux:8\nARG GOVERSION=1.23.4\nRUN ${OLLAMA}\n`;
    const set = new Map([['/o/Dockerfile', text]]);
    const findings = analyze(allRules, 'dockerfile', '/o/Dockerfile', text, viewOf(set), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF041');
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /^This RUN pipes curl into tar without pipefail: a failed download still fails the step, but with tar's error instead of curl's/);
    assert.deepEqual(findings[0].range, { start: { line: 2, character: 'RUN '.length }, end: { line: 2, character: 'RUN '.length + OLLAMA.length } });
  });
});

describe('shell reader: redirections written without a blank', () => {
  it('an unquoted > or < ends the word before it (POSIX XCU 2.3: an operator delimits a token)', () => {
    assert.deepEqual(commands('curl -fsSL https://x/i.sh>/tmp/i.sh && sh /tmp/i.sh'), [
      ['curl', '-fsSL', 'https://x/i.sh', '>/tmp/i.sh', '&&'],
      ['sh', '/tmp/i.sh', 'null'],
    ]);
    assert.deepEqual(commands('cat<<EOF'), [['cat', '<<EOF', 'null']]);
    assert.deepEqual(commands('echo "a b">out'), [['echo', '"a b"', '>out', 'null']]);
  });

  it('a redirection after a redirection, or after quotes and $(…) holding >, splits too; >| is one operator (review 14, probes 01-03)', () => {
    assert.deepEqual(commands('curl -fsSL https://x/i.sh 2>/dev/null>/tmp/i.sh && sh /tmp/i.sh'), [
      ['curl', '-fsSL', 'https://x/i.sh', '2>/dev/null', '>/tmp/i.sh', '&&'],
      ['sh', '/tmp/i.sh', 'null'],
    ]);
    assert.deepEqual(commands('curl "https://x/$(uname -m 2>/dev/null)/i.sh">/tmp/i.sh'), [['curl', '"https://x/$(uname -m 2>/dev/null)/i.sh"', '>/tmp/i.sh', 'null']]);
    assert.deepEqual(commands('curl -fsSL https://x/i.sh >| /tmp/i.sh && sh /tmp/i.sh'), [
      ['curl', '-fsSL', 'https://x/i.sh', '>|', '/tmp/i.sh', '&&'],
      ['sh', '/tmp/i.sh', 'null'],
    ]);
    assert.deepEqual(commands('echo a 2>|err | cat'), [['echo', 'a', '2>|err', '|'], ['cat', 'null']]);
  });

  it('an IO number or a redirection already begun keeps its word; quoted or substituted > does not split', () => {
    assert.deepEqual(commands('make 2>&1 1>>log 2>/dev/null &>all >>f'), [['make', '2>&1', '1>>log', '2>/dev/null', '&>all', '>>f', 'null']]);
    assert.deepEqual(commands('echo "a>b" \'c<d\' $(echo e>f) x\\>y'), [['echo', '"a>b"', "'c<d'", '$(echo e>f)', 'x\\>y', 'null']]);
  });
});

describe('shell reader: redirections before the command name (POSIX XCU 2.9.1)', () => {
  /** The first command's program and arguments (as written). */
  const read = (text: string) => {
    const cmd = parseShell(mapped(text))[0];
    return { program: programName(cmd), args: argumentsOf(cmd).map((w) => w.raw) };
  };

  // Each operator form, with its target attached and standing alone (the target is then the next word).
  const forms = ['>', '>>', '<', '<>', '>|', '>&', '<&', '&>', '&>>', '<<', '<<-', '<<<', '2>', '2>>', '0<', '3<>', '2>|', '1>&', '0<&', '10>'];
  for (const op of forms) {
    const target = op.endsWith('&') ? '2' : op.startsWith('<<') ? 'EOF' : '/tmp/f';
    it(`\`${op}${target}\` and \`${op} ${target}\` are skipped`, () => {
      assert.deepEqual(read(`${op}${target} curl -fsSL https://x`), { program: 'curl', args: ['-fsSL', 'https://x'] });
      assert.deepEqual(read(`${op} ${target} curl -fsSL https://x`), { program: 'curl', args: ['-fsSL', 'https://x'] });
      const words = parseShell(mapped(`${op} ${target} curl`))[0].words;
      assert.deepEqual([redirectionWidth(words, 0), redirectionWidth(words, 2)], [2, 0]);
      assert.equal(redirectionWidth(parseShell(mapped(`${op}${target}`))[0].words, 0), 1);
    });
  }

  it('several redirections and assignments in any order, quoted targets, `2>&1`, `>&-`', () => {
    assert.deepEqual(read('> /tmp/log 2>&1 A=1 <"/tmp/in put" B=2 2>&- wget -q https://x'), { program: 'wget', args: ['-q', 'https://x'] });
    assert.deepEqual(read("<<'EOF' cat"), { program: 'cat', args: [] });
    assert.deepEqual(read('<<-"EOF" cat'), { program: 'cat', args: [] });
    assert.deepEqual(read('then >/dev/null apt-get install -y curl'), { program: 'apt-get', args: ['install', '-y', 'curl'] });
  });

  it('a command of redirections only has no program (`> f`, `done < f`)', () => {
    assert.equal(parseShell(mapped('> /tmp/f'))[0].programIndex, -1);
    assert.equal(parseShell(mapped('>'))[0].programIndex, -1);
    assert.equal(parseShell(mapped('done < /tmp/list'))[0].programIndex, -1);
  });

  it('no redirection: quoted operators, digits apart from the operator, a word before `>`', () => {
    assert.deepEqual(read("'>' /tmp/f curl"), { program: '>', args: ['/tmp/f', 'curl'] });
    assert.deepEqual(read('"2>" f curl'), { program: '2>', args: ['f', 'curl'] });
    assert.deepEqual(read('\\>f curl'), { program: '>f', args: ['curl'] });
    assert.deepEqual(read('2 > f curl'), { program: '2', args: ['curl'] });
    assert.deepEqual(read('a>b curl'), { program: 'a', args: ['curl'] });
    assert.deepEqual(read('-2>f curl'), { program: '-2', args: ['curl'] });
  });

  it('arguments leave out redirections between the program and its arguments', () => {
    assert.deepEqual(read('chmod 2>/dev/null 777 /srv'), { program: 'chmod', args: ['777', '/srv'] });
    assert.deepEqual(read('curl > /dev/null -fsSL https://x 2>&1'), { program: 'curl', args: ['-fsSL', 'https://x'] });
    assert.deepEqual(read('cat <<< "a b" - <<EOF'), { program: 'cat', args: ['-'] });
  });

  it('wrappers: a redirection among their words is neither an option nor the program', () => {
    const inv = (text: string) => {
      const i = invocation(parseShell(mapped(text))[0]);
      return i && { name: i.name, args: i.args.map((w) => w.raw) };
    };
    assert.deepEqual(inv('sudo >/dev/null apt-get install -y curl'), { name: 'apt-get', args: ['install', '-y', 'curl'] });
    assert.deepEqual(inv('2>&1 sudo -u app > /tmp/log env A=1 curl -k https://x'), { name: 'curl', args: ['-k', 'https://x'] });
    assert.deepEqual(inv('timeout 2>/dev/null 30 >/dev/null wget https://x'), { name: 'wget', args: ['https://x'] });
    assert.equal(inv('sudo > /tmp/log'), null);
  });

  it('a copy of a command read as another program gets its own invocation, not the one kept for the original', () => {
    // DF022 (HEALTHCHECK CMD), package-consumers and dockerfile.ts read `{ ...cmd, programIndex }` copies; invocation keeps
    // its answer in a plain property of the command, which a spread copies.
    const cmd = parseShell(mapped('sudo -u app env A=1 curl -k https://x'))[0];
    assert.equal(invocation(cmd)?.name, 'curl');
    const copy = { ...cmd, programIndex: cmd.words.findIndex((w) => w.raw === 'env') };
    const inv = invocation(copy);
    assert.equal(inv?.name, 'curl');
    assert.equal(inv?.cmd, copy);
    assert.deepEqual(inv?.wrappers, [copy.programIndex]);
    const atCurl = { ...cmd, programIndex: cmd.words.findIndex((w) => w.raw === 'curl') };
    assert.deepEqual(invocation(atCurl)?.wrappers, []);
    // The original's answer is still its own.
    assert.equal(invocation(cmd)?.cmd, cmd);
    assert.deepEqual(invocation(cmd)?.wrappers, [0, 3]);
  });

  it('outputRedirectTarget reads redirections as written: a quoted `>>` or `">"` is an argument', () => {
    const targets = (text: string) => {
      const words = parseShell(mapped(text))[0].words;
      return words.map((_, k) => outputRedirectTarget(words, k)).filter((t) => t !== null);
    };
    assert.deepEqual(targets("echo 'a b' '>>' /etc/sudoers \">\" /x \\> /y"), []);
    assert.deepEqual(targets('echo a >> /etc/sudoers 2>"/tmp/e r" >| /z'), ['/etc/sudoers', '/tmp/e r', '/z']);
  });
});
