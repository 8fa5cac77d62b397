/**
 * listingFact (rules/engine/listing.ts) keeps an answer read from a folder's listing with the listing's array, so
 * that the analyses of the files of one folder share it (DR003's other compose files, DC040's sibling YAML files and
 * start scripts). The answer must last exactly as long as the listing: a file added to the folder (the watcher's
 * event reaches the disk view, which lists the folder again) must be seen by the next analysis.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { listingFact } from '../rules/engine/listing';
import { DiskWorkspace } from '../rules/node/files';
import { tempFiles } from './helpers/temp';

describe('listingFact', () => {
  it('reads a listing once per array, and a new array (the folder listed again) afresh', () => {
    let calls = 0;
    const yamls = (names: readonly string[]) => {
      calls++;
      return names.filter((n) => n.endsWith('.yml'));
    };
    const listing = ['b.yml', 'Dockerfile', 'a.yml'];
    assert.deepEqual(listingFact(listing, yamls), ['b.yml', 'a.yml']);
    assert.equal(listingFact(listing, yamls), listingFact(listing, yamls), 'the same answer for the same listing');
    assert.equal(calls, 1);
    assert.deepEqual(listingFact([...listing, 'c.yml'], yamls), ['b.yml', 'a.yml', 'c.yml']);
    assert.equal(calls, 2);
    // Another reader of the same listing has its own answer.
    assert.deepEqual(
      listingFact(listing, (names) => names.length),
      3,
    );
  });

  it('DR003 sees a docker-compose.test.yml written into the folder after earlier analyses (one disk view)', () => {
    const dir = tempFiles('dg-listing-', {
      'app/Dockerfile': 'FROM node:22-slim\nCOPY . /app\nCMD ["node", "/app/main.js"]\n',
      'app/.dockerignore': '**/.env\n**/*.pem\n**/*.key\n**/id_rsa*\n',
      'app/tests/Dockerfile': 'FROM node:22-slim\nCOPY . /app\nCMD ["/app/tests.sh"]\n',
    });
    const ws = new DiskWorkspace();
    const tests = path.join(dir, 'app/tests/Dockerfile');
    const dr003 = () => analyze(allRules, 'dockerfile', tests, fs.readFileSync(tests, 'utf8'), ws, DEFAULT_CONFIG).findings.filter((f) => f.code === 'DR003').length;
    // A folder above has an ignore file and this one has none: the context is not known, nothing reported.
    assert.equal(dr003(), 0);
    assert.equal(dr003(), 0);
    const compose = path.join(dir, 'app/docker-compose.test.yml');
    fs.writeFileSync(compose, 'services:\n  sut:\n    build: ./tests/\n');
    ws.invalidatePaths([compose]);
    assert.equal(dr003(), 1, 'the new compose file gives the context (app/tests), which has no ignore file');
    fs.unlinkSync(compose);
    ws.invalidatePaths([compose]);
    assert.equal(dr003(), 0, 'and once it is gone, the context is not known again');
  });
});
