/**
 * onlyCommentChanged: an edit that other files' analyses cannot see (the inside of one YAML comment), for
 * the language server's fan-out (review 41b, items 2 and 3). When unsure it says no.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { onlyCommentChanged } from '../rules';

const ROOT = 'include:\n  - a/compose.yaml # the database\nservices:\n  web:\n    image: nginx:1.27\n    # ports come later\n';

describe('onlyCommentChanged', () => {
  it('is true for typing, deleting or replacing inside a trailing or whole-line comment', () => {
    assert.equal(onlyCommentChanged(ROOT, ROOT), true);
    assert.equal(onlyCommentChanged(ROOT, ROOT.replace('the database', 'the databases')), true);
    assert.equal(onlyCommentChanged(ROOT, ROOT.replace('# the database', '#')), true);
    assert.equal(onlyCommentChanged(ROOT, ROOT.replace('ports come later', 'ports: see below')), true);
    assert.equal(onlyCommentChanged(ROOT + '#', ROOT + '#x'), true, 'at the end of a text without a final line break');
    assert.equal(onlyCommentChanged('a: 1 # c\r\n', 'a: 1 # cd\r\n'), true);
  });

  it('is false when the edit reaches outside the comment, or the text around it changes', () => {
    assert.equal(onlyCommentChanged(ROOT, ROOT.replace(' # the database', '')), false, 'the # removed');
    assert.equal(onlyCommentChanged(ROOT, ROOT.replace('compose.yaml # the', 'compose.yml # the')), false);
    assert.equal(onlyCommentChanged(ROOT, ROOT.replace('# ports come later', '# ports come\n    # later')), false, 'a line break added');
    assert.equal(onlyCommentChanged(ROOT, ROOT.replace('# ports come later\n', '')), false, 'a comment line removed');
    assert.equal(onlyCommentChanged(ROOT, ROOT.replace('# the database', '#the database\n')), false);
    assert.equal(onlyCommentChanged(ROOT, ROOT.replace('nginx:1.27', 'nginx:1.27 #')), false, 'a comment started');
    assert.equal(onlyCommentChanged('a: 1 #c\n', 'a: 1 c\n'), false);
  });

  it('is false where # is text: quoted and block scalars, a plain scalar', () => {
    assert.equal(onlyCommentChanged('a: "x # y"\n', 'a: "x # yz"\n'), false);
    assert.equal(onlyCommentChanged("a: 'x # y'\n", "a: 'x # yz'\n"), false);
    assert.equal(onlyCommentChanged('a: |\n  # not a comment\n  x\n', 'a: |\n  # not a comment!\n  x\n'), false);
    assert.equal(onlyCommentChanged('command: >\n  run # all\n', 'command: >\n  run # al\n'), false);
    assert.equal(onlyCommentChanged('a: b#c\n', 'a: b#cd\n'), false);
    assert.equal(onlyCommentChanged('a: b\n  # c\n', 'a: b\n  # cd\n'), true, 'a comment line inside a mapping value');
  });
});
