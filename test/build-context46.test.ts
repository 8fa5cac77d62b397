/**
 * Review 46a, item 2: a COPY/ADD source is resolved inside the build context, `..` clamped at its root as BuildKit
 * cleans it (docker/docs#19500: `COPY ../bin/file.go` copies `<context>/bin/file.go`; the Dockerfile reference, COPY:
 * "The path must be inside the build context; you can't use COPY ../something"), so DF010 and DF021 never read a file
 * outside the project through `COPY ../outside/x` (nor does DF015, which shares the resolver).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { runCli } from './helpers/cli';
import { tempDir } from './helpers/temp';

/** A folder `proj` (a repository root) with these files, beside a folder `outside` with those. */
function layout(proj: Record<string, string>, outside: Record<string, string>): string {
  const root = tempDir('dg-ctx46-');
  fs.mkdirSync(path.join(root, 'proj', '.git'), { recursive: true });
  for (const [dir, files] of [['proj', proj], ['outside', outside]] as const) {
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, dir, name)), { recursive: true });
      fs.writeFileSync(path.join(root, dir, name), content);
    }
  }
  return path.join(root, 'proj');
}

const GOSU_SCRIPT = '#!/bin/sh\nexec gosu app "$@"\n';
const DF010_FILE = 'FROM debian:12-slim\nCOPY ../outside/entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["/usr/local/bin/entrypoint.sh"]\nCMD ["app"]\n';
const DF021_FILE = 'FROM node:22-slim\nCOPY ../outside/.npmrc /root/.npmrc\nUSER node\n';
const TOKEN_NPMRC = '//registry.npmjs.org/:_authToken=npm_ctx46AbCdEfGhIjKlMnOpQrStUvWxYz0123\n';

/** A gzip'ed tar archive (one ustar header, its checksum right, and an empty end): ADD unpacks it. */
const TAR_GZ = (() => {
  const header = Buffer.alloc(512);
  header.write('x', 0);
  header.write('0000644\u0000', 100);
  header.write('ustar\u000000', 257);
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148);
  return zlib.gzipSync(Buffer.concat([header, Buffer.alloc(1024)]));
})();

const lines = (out: string, code: string) => out.split('\n').filter((l) => l.includes(` ${code} `));

describe('COPY ../x is read inside the build context (review 46a, item 2)', () => {
  it('DF010: a script outside the project does not decide; the one at the clamped path does', () => {
    const proj = layout({ Dockerfile: DF010_FILE }, { 'entrypoint.sh': GOSU_SCRIPT });
    const outsideOnly = lines(runCli(['check', 'Dockerfile'], proj).stdout, 'DF010');
    assert.equal(outsideOnly.length, 1);
    assert.match(outsideOnly[0], /warning DF010 .*runs as root/, 'the outside script (gosu) was read');
    // BuildKit copies <context>/outside/entrypoint.sh: that file decides.
    fs.mkdirSync(path.join(proj, 'outside'));
    fs.writeFileSync(path.join(proj, 'outside', 'entrypoint.sh'), GOSU_SCRIPT);
    const clamped = lines(runCli(['check', 'Dockerfile'], proj).stdout, 'DF010');
    assert.equal(clamped.length, 1);
    assert.match(clamped[0], /info DF010 .*step down with gosu/);
  });

  it('DF021: an .npmrc outside the project is not read; the one at the clamped path is', () => {
    const proj = layout({ Dockerfile: DF021_FILE }, { '.npmrc': TOKEN_NPMRC });
    const outsideOnly = lines(runCli(['check', 'Dockerfile'], proj).stdout, 'DF021');
    assert.ok(outsideOnly.every((l) => !/_authToken/.test(l)), `read outside the project: ${outsideOnly.join('\n')}`);
    fs.mkdirSync(path.join(proj, 'outside'));
    fs.writeFileSync(path.join(proj, 'outside', '.npmrc'), TOKEN_NPMRC);
    const clamped = lines(runCli(['check', 'Dockerfile'], proj).stdout, 'DF021');
    assert.equal(clamped.length, 1);
    assert.match(clamped[0], /error DF021 .*registry credentials: _authToken/);
  });

  it('DF015: a gzip file outside the project does not make ADD ../outside/x an archive; the one at the clamped path does', () => {
    const proj = layout({ Dockerfile: 'FROM alpine:3.22\nADD ../outside/data.bin /srv/\nUSER 1000\n' }, {});
    fs.mkdirSync(path.join(proj, '..', 'outside'), { recursive: true });
    fs.writeFileSync(path.join(proj, '..', 'outside', 'data.bin'), TAR_GZ);
    const outsideOnly = lines(runCli(['check', 'Dockerfile'], proj).stdout, 'DF015');
    assert.equal(outsideOnly.length, 1);
    // Not found in the context: a local file ADD copies (the warning), not an archive it unpacks (the info).
    assert.match(outsideOnly[0], /warning DF015 ADD of local files/, 'the outside file was read as an archive');
    fs.mkdirSync(path.join(proj, 'outside'));
    fs.writeFileSync(path.join(proj, 'outside', 'data.bin'), TAR_GZ);
    const clamped = lines(runCli(['check', 'Dockerfile'], proj).stdout, 'DF015');
    assert.equal(clamped.length, 1);
    assert.match(clamped[0], /info DF015 /);
  });
});
