/**
 * Quick fixes whose edit does what the title says, no less and no more (review 45a): DC012's removal of
 * `network_mode: host` binds the `ports:` Docker ignored until then; DC018 says when it adds no tmpfs.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, applyFix, fixFinding, type Finding } from '../rules';
import { analyzeCase, loadCases } from './helpers/fixtures';
import { reindent } from '../rules/engine/compose-insert';

/** The findings of `codes` that are warnings or errors, by code and message (lines move with the edits). */
function exposures(findings: Finding[], codes: string[]): string[] {
  return findings.filter((f) => codes.includes(f.code) && f.severity !== 'info').map((f) => `${f.code} ${f.message}`).sort();
}

describe('DC012 "Remove network_mode: host" on a service with ports: (review 45a, item 1)', () => {
  const c = loadCases('DC012').find((x) => x.name === 'fires-host-network-with-ports.yaml')!;

  it('binds the ports Docker ignored under host networking, and names the ones it cannot bind', () => {
    const analysis = analyzeCase(c);
    const titles = analysis.findings.filter((f) => f.code === 'DC012').map((f) => fixFinding(allRules, analysis.context, f)?.title);
    assert.deepEqual(titles, [
      "Remove network_mode: host and bind ports '5432:5432', '8080:8080', '[::]:9000-9001:9000-9001/udp' and '7000' to the loopback address (127.0.0.1, ::1)",
      "Remove network_mode: host and bind port '0.0.0.0:4000:4000' to 127.0.0.1 (port '3000:3000' will be published on every interface)",
      'Remove network_mode: host',
    ]);
  });

  it('adds no DC030 or DC031 warning when re-analyzed', () => {
    const analysis = analyzeCase(c);
    const before = exposures(analysis.findings, ['DC030', 'DC031']);
    for (const f of analysis.findings.filter((x) => x.code === 'DC012')) {
      const fix = fixFinding(allRules, analysis.context, f);
      if (!fix) continue;
      const after = exposures(analyzeCase(c, applyFix(c.files, fix)).findings, ['DC030', 'DC031']);
      assert.deepEqual(after, before, `${fix.title}: new exposures`);
    }
  });
});

describe('DC012 "Remove network_mode: host": ports of the other file of the default override pair (review 45e, item 5)', () => {
  const titles = (name: string) => {
    const c = loadCases('DC012').find((x) => x.name === name)!;
    const analysis = analyzeCase(c);
    return analysis.findings.filter((f) => f.code === 'DC012').map((f) => fixFinding(allRules, analysis.context, f));
  };

  it('names the ports compose.override.yaml appends (unsafe)', () => {
    const fixes = titles('override-ports-in-override');
    assert.deepEqual(fixes.map((f) => f?.title), ["Remove network_mode: host and bind port '8080:80' to 127.0.0.1 (port '3000:3000' of compose.override.yaml will be published on every interface)"]);
    assert.equal(fixes[0]?.safe, false);
  });

  it('in the override, names compose.yaml\'s ports unless the override drops them', () => {
    const fixes = titles('override-ports-in-base');
    assert.deepEqual(fixes.map((f) => f?.title), ["Remove network_mode: host (port '8080:80' of compose.yaml will be published on every interface)", 'Remove network_mode: host']);
    assert.ok(fixes.every((f) => f?.safe === false));
  });
});

describe('DC018 "Make the root filesystem read-only" with a volume target from a variable (review 45a, item 2)', () => {
  it('adds the tmpfs when the target\'s written start rules /tmp out, and says so when it does not', () => {
    const c = loadCases('DC018').find((x) => x.name === 'fires-variable-volume-target.yaml')!;
    const analysis = analyzeCase(c);
    const titles = analysis.findings.filter((f) => f.code === 'DC018').map((f) => fixFinding(allRules, analysis.context, f)?.title);
    assert.deepEqual(titles, [
      'Make the root filesystem read-only (tmpfs for /tmp)',
      "Make the root filesystem read-only (no tmpfs added for /tmp: the volume target '${APP_CODE_PATH_CONTAINER}${APP_CODE_CONTAINER_FLAG}' may be /tmp)",
      "Make the root filesystem read-only (no tmpfs added for /tmp: the volume target '${SITE_DIR}' may be /tmp)",
      "Make the root filesystem read-only (no tmpfs added for /tmp: the volume target '/t${X}' may be /tmp)",
      "Make the root filesystem read-only (no tmpfs added for /tmp: the volume target '/tmp${X}' may be /tmp)",
      'Make the root filesystem read-only (tmpfs for /tmp)',
    ]);
  });
});

describe('DC018 "Make the root filesystem read-only" with the default override\'s mounts (review 45e, item 3)', () => {
  it('adds no tmpfs where the other file of the pair mounts (or may mount) /tmp, and the title says why in every case', () => {
    const titlesOf = (name: string) => {
      const c = loadCases('DC018').find((x) => x.name === name)!;
      const analysis = analyzeCase(c);
      return analysis.findings.filter((f) => f.code === 'DC018').map((f) => fixFinding(allRules, analysis.context, f)?.title);
    };
    assert.deepEqual(titlesOf('default-override-tmp-mount'), [
      'Make the root filesystem read-only (no tmpfs added for /tmp: a volume in compose.override.yaml is mounted there)',
      "Make the root filesystem read-only (no tmpfs added for /tmp: the volume target '${DIR}' in compose.override.yaml may be /tmp)",
      'Make the root filesystem read-only (no tmpfs added for /tmp: a tmpfs: entry in compose.override.yaml mounts it)',
      'Make the root filesystem read-only (no tmpfs added for /tmp: the volume mounted there is read-only)',
      'Make the root filesystem read-only (tmpfs for /tmp)',
    ]);
    assert.deepEqual(titlesOf('default-override-base-tmp-mount'), ['Make the root filesystem read-only (no tmpfs added for /tmp: a volume in compose.yaml is mounted there)']);
  });
});

describe('new block sequences follow an indentless file (review 45a, item 4)', () => {
  it('reindent moves a sequence under a key to the key\'s column, with its items\' deeper lines, and only there', () => {
    const lines = ['volumes:', '  - /tmp', '  - /run', 'read_only: true', 'deploy:', '  labels:', '    - a'];
    assert.deepEqual(reindent(lines, '    ', true), ['volumes:', '- /tmp', '- /run', 'read_only: true', 'deploy:', '    labels:', '    - a']);
    assert.deepEqual(reindent(['volumes:', '  - type: bind', '    source: ./a', 'x: 1'], '  ', true), ['volumes:', '- type: bind', '  source: ./a', 'x: 1']);
    assert.deepEqual(reindent(lines, '  ', false), lines);
  });
});
