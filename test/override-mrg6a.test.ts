/**
 * Review mrg6a: the default override pair (compose.yaml + compose.override.yaml) read as Compose merges it.
 * Item 3: DC051's finding caused by the override lands in the override, where the change is made, and names both files.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyzeCase, loadCases } from './helpers/fixtures';

function findings(code: string, name: string) {
  const c = loadCases(code).find((x) => x.name === name)!;
  return analyzeCase(c).findings.filter((f) => f.code === code).map((f) => ({ line: f.range.start.line, character: f.range.start.character, message: f.message }));
}

describe('DC051 with the default override pair (review mrg6a, item 3)', () => {
  it('reports credentials an env_file: !reset drops on that key in the override, naming both files', () => {
    assert.deepEqual(findings('DC051', 'default-override-env-file-reset-override'), [
      {
        line: 5,
        character: 4,
        message:
          "Service 'mongo' runs MongoDB without authentication: with no MONGO_INITDB_ROOT_USERNAME and MONGO_INITDB_ROOT_PASSWORD the image does not start mongod with --auth, so any container on its network, or anyone reaching a published port, can read, change and delete every database. compose.override.yaml resets env_file (!reset), dropping the credentials that compose.yaml sets.",
      },
    ]);
    assert.deepEqual(findings('DC051', 'default-override-env-file-reset'), []);
  });

  it('judges the image the override writes with the merged environment, on that image: line', () => {
    const got = findings('DC051', 'default-override-image');
    assert.deepEqual(got.map((f) => f.line), [3, 8]);
    assert.ok(got.every((f) => f.message.endsWith(' The image is the one compose.override.yaml sets, which replaces the image: of compose.yaml when Compose merges the two.')), JSON.stringify(got));
    assert.match(got[1].message, /turns Elasticsearch security off with xpack\.security\.enabled=false/);
  });
});

describe('DC011 with the default override pair (review mrg6a, item 5)', () => {
  it("judges the override's image with the default file's command (the merged service)", () => {
    assert.deepEqual(findings('DC011', 'default-override-image-base-command'), [
      {
        line: 2,
        character: 2,
        message: "Service 'db' has no user: and the command compose.yaml gives it bypasses the entrypoint with which image 'postgres:17' steps down to a non-root user, so it runs as root; set user: postgres (the image's own user, which owns its data directory) or keep the image's entrypoint.",
      },
    ]);
  });
});
