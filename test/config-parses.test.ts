/**
 * Review item 2: the editor parses a config file again only when its text changed — not on a settings change, not when
 * the config is opened, closed or saved unchanged, not on a file event that changed nothing (a config may be 64 MiB:
 * 10 MiB parses in 1-14 s, the server's event loop held).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { allRules } from '../rules';
import { ConfigParses, LOGGED_CONFIG_BYTES } from '../server/src/config-parses';
import { TestClient } from './helpers/lsp-client';
import { tempDir } from './helpers/temp';

const BIG = `rules:\n  DF010: off\n${'# a comment line of the config file, kept for the record\n'.repeat(Math.ceil(LOGGED_CONFIG_BYTES / 57) + 10)}`;

describe('a config file is parsed again only when its text changed (review item 2)', () => {
  it('ConfigParses: the same text is not parsed again; the problems returned are the caller\'s to add to', () => {
    const logs: string[] = [];
    const parses = new ConfigParses(new Set(allRules.map((r) => r.code)), (m) => logs.push(m));
    const a = parses.get('/p/.docker-guardrails.yaml', `${BIG}bad: 1\n`);
    assert.equal(a.problems.length, 1);
    a.problems.push({ message: 'added by the caller', range: a.problems[0].range });
    const b = parses.get('/p/.docker-guardrails.yaml', `${BIG}bad: 1\n`);
    assert.equal(b.problems.length, 1);
    assert.equal(logs.length, 1, logs.join('\n'));
    parses.get('/p/.docker-guardrails.yaml', BIG);
    assert.equal(logs.length, 2);
    parses.forget('/p/.docker-guardrails.yaml');
    parses.get('/p/.docker-guardrails.yaml', BIG);
    assert.equal(logs.length, 3);
  });

  it('ConfigParses keeps a hash and the length of each text, not the text; a change of the same length is parsed again (review 46 leftovers, item 2)', () => {
    const logs: string[] = [];
    const parses = new ConfigParses(new Set(allRules.map((r) => r.code)), (m) => logs.push(m));
    const p = '/p/.docker-guardrails.yaml';
    assert.equal(parses.get(p, BIG).config.rules?.DF010, 'off');
    // Nothing of the text is held: no string as long as it in what the cache keeps.
    const held = [...(parses as unknown as { last: Map<string, Record<string, unknown>> }).last.values()];
    assert.equal(held.length, 1);
    assert.ok(!Object.values(held[0]).some((v) => typeof v === 'string' && v.length >= BIG.length), Object.keys(held[0]).join(', '));
    // The same text: no new parse; a text of the same length that differs (DF010 → DF011): parsed again, once.
    parses.get(p, `${BIG}`.slice(0));
    assert.equal(logs.length, 1, logs.join('\n'));
    const other = BIG.replace('DF010', 'DF011');
    assert.equal(other.length, BIG.length);
    const changed = parses.get(p, other);
    assert.equal(logs.length, 2, logs.join('\n'));
    assert.equal(changed.config.rules?.DF011, 'off');
    assert.equal(changed.config.rules?.DF010, undefined);
    parses.get(p, other);
    assert.equal(logs.length, 2, logs.join('\n'));
  });

  it('server: a settings change, the config opened and closed unchanged, a file event: no new parse; a real change: one', async () => {
    const dir = tempDir('dg-cfg-parses-');
    fs.mkdirSync(path.join(dir, '.git'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM node:22\n');
    const cfg = path.join(dir, '.docker-guardrails.yaml');
    fs.writeFileSync(cfg, BIG);
    const client = new TestClient();
    const parsed = () => client.logs.filter((l) => l.includes('parsed the config file') && l.includes(cfg)).length;
    try {
      await client.initialize([dir]);
      const docUri = URI.file(path.join(dir, 'Dockerfile')).toString();
      await client.until('the Dockerfile analyzed', () => client.latest(docUri) !== undefined);
      assert.ok(!client.latest(docUri)!.diagnostics.some((d) => d.code === 'DF010'), 'the config applies');
      assert.equal(parsed(), 1, client.logs.join('\n'));
      const cfgUri = URI.file(cfg).toString();
      await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
      client.open(cfg, BIG, 'yaml');
      client.close(cfgUri);
      await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: cfgUri, type: 2 }] });
      fs.writeFileSync(cfg, `${BIG}# one more line\n`);
      await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: cfgUri, type: 2 }] });
      await client.until('the changed config parsed', () => parsed() >= 2);
      // What the settings change and the rest would have parsed (after the server asks for the settings) has had time to.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(parsed(), 2, client.logs.filter((l) => l.includes('parsed the config')).join('\n'));
    } finally {
      await client.shutdown();
    }
  });
});
