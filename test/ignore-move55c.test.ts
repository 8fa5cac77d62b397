/**
 * DG001 on an ignore comment written above a blank line or another comment (review 55c, UX): the comment covers
 * nothing, and the finding of its code just below those lines is evidently the one it was written for. A quick fix
 * moves the comment there, keeping its reason; removing it stays offered, as a quick fix too (fix-all must not
 * delete a suppression and its reason the user meant for that finding).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, applyFix, fixFinding, moreFixesFor } from '../rules';
import { viewOf } from './helpers/fixtures';

type Kind = 'dockerfile' | 'compose';
const pathOf = (kind: Kind) => (kind === 'dockerfile' ? '/ws/Dockerfile' : '/ws/compose.yaml');
const analyzed = (kind: Kind, text: string) => analyze(allRules, kind, pathOf(kind), text, viewOf(new Map([[pathOf(kind), text]]), '/ws'));

/** DG001's fixes on the file: `line: title (safe)` for the fix and each further fix (1-based lines). */
function offered(kind: Kind, text: string): string[] {
  const a = analyzed(kind, text);
  return a.findings
    .filter((f) => f.code === 'DG001')
    .flatMap((f) => [fixFinding(allRules, a.context, f), ...moreFixesFor(allRules, a.context, f)].filter((x) => x !== undefined).map((x) => `${f.range.start.line + 1}: ${x.title} (${x.safe ? 'safe' : 'quick'})`));
}

/** The text after the move fix of the first DG001 finding. */
function moved(kind: Kind, text: string): string {
  const a = analyzed(kind, text);
  const f = a.findings.find((x) => x.code === 'DG001');
  assert.ok(f);
  const [move] = moreFixesFor(allRules, a.context, f);
  assert.ok(move, 'no move fix');
  return applyFix(new Map([[pathOf(kind), text]]), move).get(pathOf(kind))!;
}

const DOCKERFILE = '# docker-guardrails-ignore DF001 -- the tag is chosen by CI\n\nFROM node:latest\nUSER 1000\n';
const COMPOSE = 'services:\n  web:\n    image: nginx:1.28-alpine\n    # docker-guardrails-ignore DC010 -- needs the host devices\n    # (see the runbook)\n\n    privileged: true\n';

describe('DG001 offers to move an ignore comment down onto the finding it was written for (review 55c, UX)', () => {
  it('a Dockerfile: move (quick) and remove (quick); the moved comment keeps its reason and silences the finding', () => {
    assert.deepEqual(offered('dockerfile', DOCKERFILE), ['1: Remove unused ignore comment (quick)', '1: Move the ignore comment directly above line 3 (its DF001 finding) (quick)']);
    const after = moved('dockerfile', DOCKERFILE);
    assert.equal(after, '\n# docker-guardrails-ignore DF001 -- the tag is chosen by CI\nFROM node:latest\nUSER 1000\n');
    const again = analyzed('dockerfile', after);
    assert.deepEqual(again.findings.filter((f) => f.code === 'DG001' || f.code === 'DF001').map((f) => f.code), []);
    assert.deepEqual(again.suppressed.map((s) => [s.finding.code, s.comment.reason]), [['DF001', 'the tag is chosen by CI']]);
  });
  it('a compose file: past a comment and a blank line, with the key\'s indentation', () => {
    assert.deepEqual(offered('compose', COMPOSE), ['4: Remove unused ignore comment (quick)', '4: Move the ignore comment directly above line 7 (its DC010 finding) (quick)']);
    const after = moved('compose', COMPOSE);
    assert.equal(after, 'services:\n  web:\n    image: nginx:1.28-alpine\n    # (see the runbook)\n\n    # docker-guardrails-ignore DC010 -- needs the host devices\n    privileged: true\n');
    assert.deepEqual(analyzed('compose', after).findings.filter((f) => f.code === 'DG001' || f.code === 'DC010').map((f) => f.code), []);
  });
  it('above the other linters\' line pragmas standing directly above the line (they must stay directly above it)', () => {
    const text = '# docker-guardrails-ignore DF001 -- CI picks the tag\n\n# hadolint ignore=DL3007\nFROM node:latest\nUSER 1000\n';
    assert.equal(moved('dockerfile', text), '\n# docker-guardrails-ignore DF001 -- CI picks the tag\n# hadolint ignore=DL3007\nFROM node:latest\nUSER 1000\n');
  });
  it('no move, and a safe removal: more than 3 lines between, no finding of the code there, the comment on a line of its own', () => {
    assert.deepEqual(offered('dockerfile', '# docker-guardrails-ignore DF001\n\n\n\n\nFROM node:latest\nUSER 1000\n'), ['1: Remove unused ignore comment (safe)']);
    assert.deepEqual(offered('dockerfile', '# docker-guardrails-ignore DF001\n\nFROM node:24.11.0-alpine\nUSER 1000\n'), ['1: Remove unused ignore comment (safe)']);
    assert.deepEqual(offered('dockerfile', 'FROM node:24.11.0-alpine\n# docker-guardrails-ignore DF001\nUSER 1000\n\nFROM node:latest\n'), ['2: Remove unused ignore comment (safe)']);
  });
});
