/**
 * The open documents' analysis queue breathes (review 45c, item 6): K open compose documents changed at once (what a
 * workspace-wide Replace All or a rename across open files sends) became ready in the same turn of the event loop and
 * were analyzed back to back, so a hover sent once the first new diagnostics arrived was answered only after the last
 * document's. Now one document is analyzed per turn and the requests read in between are answered first. Ordering, not
 * timing: the hover's answer must come before the last document's diagnostics.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { TestClient } from './helpers/lsp-client';
import { tempFiles } from './helpers/temp';

const K = 10;
const SERVICES = 100;

function compose(j: number, tag: string): string {
  let t = 'services:\n';
  for (let k = 0; k < SERVICES; k++) {
    t += `  app${k}:\n    image: myorg/app${k}:1.${j}\n    ports:\n      - "${8000 + k}:80"\n    environment:\n      LOG_LEVEL: ${tag}\n      DB_HOST: db\n    volumes:\n      - ./data${k}:/data\n    restart: unless-stopped\n`;
  }
  return t;
}

describe('open documents changed at once', () => {
  it('a hover sent once the first of them is published is answered before the last is', async () => {
    const files: Record<string, string> = { '.git/HEAD': 'ref: refs/heads/main\n' };
    for (let j = 0; j < K; j++) files[`p${j}/compose.yaml`] = compose(j, 'info');
    const dir = tempFiles('server-queue-', files);
    const client = new TestClient();
    try {
      await client.initialize([dir]);
      const uris = [...Array(K).keys()].map((j) => client.open(path.join(dir, `p${j}`, 'compose.yaml'), compose(j, 'info'), 'dockercompose'));
      for (const uri of uris) await client.diagnostics(uri, 1, 60_000);
      for (const [j, uri] of uris.entries()) client.change(uri, [{ text: compose(j, 'debug') }]);
      const changed = () => client.published.filter((p) => p.version === 2 && uris.includes(p.uri)).length;
      await client.until('the first document analyzed again', () => changed() > 0, 60_000);
      let publishedBefore = -1;
      await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: uris[K - 1] }, position: { line: 1, character: 3 } }).then(() => {
        publishedBefore = changed();
      });
      await client.until('every document analyzed again', () => changed() === K, 60_000);
      assert.ok(publishedBefore < K, `the hover was answered after all ${K} documents' diagnostics`);
      // Every document got its new version's diagnostics exactly once.
      for (const uri of uris) assert.equal(client.published.filter((p) => p.uri === uri && p.version === 2).length, 1, uri);
    } finally {
      await client.shutdown();
    }
  });
});
