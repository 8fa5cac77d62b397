/**
 * entry3: DC011's default command for more images (item 1), DF010's note about a compose service that builds another stage
 * (item 2), DC040's message naming the services that load the .env whole (item 3), and POSIX bracket classes in .dockerignore
 * (item 4).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding } from '../rules';
import { isExcluded, parseDockerignore } from '../rules/engine/dockerignore';
import { viewOf } from './helpers/fixtures';

function findingsOf(code: string, files: Map<string, string>, target: string) {
  const analysis = analyze(allRules, target.endsWith('Dockerfile') ? 'dockerfile' : 'compose', target, files.get(target)!, viewOf(files), DEFAULT_CONFIG);
  return analysis.findings.filter((f) => f.code === code).map((f) => ({ message: f.message, line: f.range.start.line, fix: fixFinding(allRules, analysis.context, f) }));
}

describe('entry3 item 1: DC011 adds the default command of more official images', () => {
  it('through a sh -c wrapper of the image entrypoint too, with the tag deciding', () => {
    const text = 'services:\n  cache:\n    image: redis:7.4\n    entrypoint: ["/bin/sh", "-c", "exec docker-entrypoint.sh \\"$$@\\"", "--"]\n  old:\n    image: mariadb:10.4\n    entrypoint: ["docker-entrypoint.sh"]\n  win:\n    image: mongo:7.0-windowsservercore-ltsc2022\n    entrypoint: ["docker-entrypoint.sh"]\n';
    const found = findingsOf('DC011', new Map([['/w/compose.yaml', text]]), '/w/compose.yaml');
    assert.deepEqual(found.map((f) => f.fix?.title), ['Add command: ["redis-server"], the image\'s default command', 'Add command: ["mysqld"], the image\'s default command']);
  });
});

describe("entry3 item 4: .dockerignore POSIX classes, read as Go's regexp reads patternmatcher's expression", () => {
  const excluded = (text: string, path: string): boolean => isExcluded(parseDockerignore(text), path);
  it('[[:alpha:]], [[:digit:]], [[:punct:]] and the others are their ASCII classes', () => {
    assert.equal(excluded('[[:digit:]]*.log\n', '2024.log'), true);
    assert.equal(excluded('[[:digit:]]*.log\n', 'app.log'), false);
    assert.equal(excluded('[[:digit:]]*.log\n', ':x.log'), false);
    assert.equal(excluded('id_[[:alpha:]]sa\n', 'id_rsa'), true);
    assert.equal(excluded('id_[[:alpha:]]sa\n', 'id_:sa'), false);
    assert.equal(excluded('[[:punct:]]env\n', '.env'), true);
    assert.equal(excluded('[[:punct:]]env\n', 'xenv'), false);
    assert.equal(excluded('[[:upper:][:digit:]_]*\n', 'README'), true);
    assert.equal(excluded('[[:upper:][:digit:]_]*\n', '_x'), true);
    assert.equal(excluded('[[:upper:][:digit:]_]*\n', 'readme'), false);
    assert.equal(excluded('x[[:space:]]y\n', 'x y'), true);
    assert.equal(excluded('[[:xdigit:]][[:xdigit:]]\n', 'fF'), true);
    assert.equal(excluded('[[:xdigit:]][[:xdigit:]]\n', 'fg'), false);
  });
  it('a negated class ([:^digit:]) and a negated bracket ([^[:digit:]]) match the others, and a - after a class is itself', () => {
    assert.equal(excluded('[[:^digit:]]*\n', 'a1'), true);
    assert.equal(excluded('[[:^digit:]]*\n', '1a'), false);
    assert.equal(excluded('[^[:digit:]]*\n', 'a1'), true);
    assert.equal(excluded('[^[:digit:]]*\n', '1a'), false);
    assert.equal(excluded('[[:digit:]-]x\n', '-x'), true);
    assert.equal(excluded('[[:digit:]-]x\n', '5x'), true);
    assert.equal(excluded('[[:digit:]-]x\n', 'ax'), false);
  });
  it('an unknown class name or a class left open is not read (Go: invalid character class range, missing ])', () => {
    for (const bad of ['[[:alfa:]]x', '[[:constructor:]]x', '[[:alpha:]']) assert.equal(parseDockerignore(`${bad}\n`)[0].re, null, bad);
    // Not a POSIX class where no `:]` follows: `[` and `:` are themselves.
    assert.equal(excluded('[[:a]x\n', ':x'), true);
    assert.equal(excluded('[[:a]x\n', 'bx'), false);
  });
  it('DR003 no longer lists .env as copied when [[:punct:]]env leaves it out', () => {
    const files = new Map([['/w/Dockerfile', 'FROM alpine:3.20\nUSER 1000\nCOPY . /app\n'], ['/w/.dockerignore', '[[:punct:]]env\n*.pem\n*.key\nid_[[:alpha:]]sa*\n'], ['/w/.env', 'A=1\n']]);
    assert.deepEqual(findingsOf('DR003', files, '/w/Dockerfile').map((f) => f.message), []);
  });
});

describe('entry3 item 3: DC040\'s message says which other services load the .env whole', () => {
  const PASSWORD = 'Vq8rT2mZp4kL9sXw';
  const DB = `  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${PASSWORD}\n`;
  const web = (name: string, envFile = '.env') => `  ${name}:\n    image: node:22-alpine\n    env_file: ${envFile}\n`;
  const messages = (compose: string) => {
    const files = new Map([['/p/compose.yaml', compose], ['/p/.env', 'PORT=3000\n'], ['/p/.gitignore', '.env\n']]);
    return analyze(allRules, 'compose', '/p/compose.yaml', compose, viewOf(files, '/p'), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DC040').map((f) => f.message);
  };
  const BASE = "'POSTGRES_PASSWORD' of service 'db' is a secret written into the compose file; move it to a git-ignored .env.";
  it('one, several (three named, the others counted), one whose path is not known here', () => {
    assert.deepEqual(messages(`services:\n${web('web')}${DB}`), [`${BASE} Service 'web' loads .env whole as env_file, so a value moved there reaches its containers too.`]);
    assert.deepEqual(messages(`services:\n${web('a')}${web('b', '[./.env]')}${web('c')}${web('d')}${web('e')}${DB}`), [`${BASE} Services 'a', 'b', 'c' and 2 more load .env whole as env_file, so a value moved there reaches their containers too.`]);
    assert.deepEqual(messages(`services:\n${web('web', '${PWD}/.env')}${DB}`), [`${BASE} Service 'web' (env_file: \${PWD}/.env) loads an env file that may be .env, so a value moved there may reach its containers too.`]);
  });
  it('not for the service that owns the secret (or one that extends it), nor when no other service loads it; never the value', () => {
    assert.deepEqual(messages(`services:\n${DB}    env_file: .env\n`), [BASE]);
    assert.deepEqual(messages(`services:\n${web('web', 'web.env')}${DB}`), [BASE]);
    assert.deepEqual(messages(`services:\n${DB}  replica:\n    extends: db\n    env_file: .env\n`), [BASE]);
    for (const m of messages(`services:\n${web('web')}${DB}`)) assert.equal(m.includes(PASSWORD), false);
  });
});

describe('entry3 item 2: DF010 says when a compose service builds another stage than the final one', () => {
  const DOCKERFILE = 'FROM golang:1.22 AS builder\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n\nFROM builder AS dev-envs\nCMD ["sleep", "infinity"]\n';
  const messages = (files: [string, string][]) => findingsOf('DF010', new Map([['/w/app/Dockerfile', DOCKERFILE], ...files]), '/w/app/Dockerfile').map((f) => f.message);
  const BASE = 'The final stage has no USER, so the container runs as root; add a non-root USER (uid 1000).';
  it("names the service, its compose file and the stage it builds, with that stage's line", () => {
    assert.deepEqual(messages([['/w/app/compose.yaml', 'services:\n  backend:\n    build:\n      context: .\n      target: builder\n']]), [
      `${BASE} Compose service 'backend' (compose.yaml) builds stage 'builder' (line 1) as its build.target, not this final stage: a USER here does not reach it; set it in that stage too (DC011 reports the service there).`,
    ]);
    assert.deepEqual(messages([['/w/compose.yaml', 'services:\n  api:\n    build:\n      context: app\n      target: ${TARGET:-builder}\n  dev:\n    build:\n      context: app\n      target: dev-envs\n']]), [
      `${BASE} Compose service 'api' (../compose.yaml) builds stage 'builder' (line 1) as its build.target, not this final stage: a USER here does not reach it; set it in that stage too (DC011 reports the service there).`,
    ]);
  });
  it('says nothing for the final stage as target, no target, a target not known or naming no stage', () => {
    for (const target of ['dev-envs', '${TARGET}', 'nothing']) assert.deepEqual(messages([['/w/app/compose.yaml', `services:\n  backend:\n    build:\n      context: .\n      target: ${target}\n`]]), [BASE], target);
    assert.deepEqual(messages([['/w/app/compose.yaml', 'services:\n  backend:\n    build: .\n']]), [BASE]);
  });
});
