/**
 * includersOf and extendingRoot remember, across analyses, the files none of whose root candidates (the default and
 * production compose names in the file's folder and the three above) holds a file (include.ts noRootCandidates, a
 * relations.ts KnownMissing), for as long as the disk view can vouch for it (DiskWorkspace.readStamp). A root that
 * appears must still be seen, whichever way it appears: an editor's document that is not on the disk, a file the watcher
 * reports, other workspace folders; and each analysis must record the same paths as read (the server analyzes the file
 * again when one of them changes).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { extendingRoot, includersOf } from '../rules/engine/include';
import { analysisWorkspace, filesRead } from '../rules/engine/relations';
import { DiskWorkspace } from '../rules/node/files';
import { tempFiles } from './helpers/temp';

const WEB = 'services:\n  web:\n    image: nginx:1.27\n    environment:\n      API_TOKEN: ${TOKEN}\n';
const INCLUDES = 'include:\n  - web.yaml\n';
const EXTENDS = 'services:\n  site:\n    extends:\n      file: web.yaml\n      service: web\n';

/** One analysis' includers and extending root of `file`, and the paths the analysis recorded as read. */
function roots(ws: DiskWorkspace, file: string): { includers: string[]; extending: string | null; read: string[] } {
  const view = analysisWorkspace(ws);
  const includers = includersOf(view, file).map((i) => i.root.path);
  const extending = extendingRoot(view, file);
  return { includers, extending, read: [...filesRead({ workspace: view })].sort() };
}

describe('includersOf and extendingRoot across analyses (no root candidate around a file)', () => {
  it('records the same reads each time, and sees a root an editor opens, one the watcher reports, and other folders', () => {
    const top = tempFiles('dg-roots-', { 'app/web/web.yaml': WEB });
    const dir = path.join(top, 'app', 'web');
    const file = path.join(dir, 'web.yaml');
    const open = new Map<string, string>();
    let folders = [path.join(top, 'app')];
    const ws = new DiskWorkspace((p) => open.get(p), undefined, () => folders);
    const first = roots(ws, file);
    assert.deepEqual([first.includers, first.extending], [[], null]);
    assert.ok(first.read.includes(path.join(dir, 'compose.yaml')) && first.read.includes(path.join(top, 'docker-compose.prod.yml')), 'every candidate, here and above, is read');
    assert.ok(!first.read.includes(file), 'the file is no candidate of itself');
    assert.deepEqual(roots(ws, file), first, 'the same answers and the same reads from what was remembered');

    // A document opened in the editor, not on the disk (no watcher event): found, and forgotten once closed.
    const inEditor = path.join(dir, 'compose.yaml');
    open.set(inEditor, INCLUDES);
    assert.deepEqual(roots(ws, file).includers, [inEditor]);
    open.set(inEditor, EXTENDS);
    assert.equal(roots(ws, file).extending, inEditor);
    open.delete(inEditor);
    assert.deepEqual(roots(ws, file), first);

    // Written on the disk: found once the watcher's event reaches the view, and gone once it is deleted.
    const onDisk = path.join(dir, 'docker-compose.yml');
    fs.writeFileSync(onDisk, INCLUDES);
    ws.invalidatePaths([onDisk]);
    assert.deepEqual(roots(ws, file).includers, [onDisk]);
    fs.unlinkSync(onDisk);
    ws.invalidate(onDisk);
    assert.deepEqual(roots(ws, file), first);

    // Outside the workspace folder: not read; a root once the folders change.
    const outside = path.join(top, 'compose.prod.yaml');
    fs.writeFileSync(outside, 'include:\n  - app/web/web.yaml\n');
    assert.deepEqual(roots(ws, file).includers, []);
    folders = [top];
    assert.deepEqual(roots(ws, file).includers, [outside]);
    folders = [path.join(top, 'app')];
    assert.deepEqual(roots(ws, file).includers, []);
  });

  it('a variable of the including project interpolates the file once a root that includes it is opened in the editor', () => {
    const sub = tempFiles('dg-roots-', { 'web/web.yaml': 'services:\n  web:\n    image: ${IMAGE}\n', '.env': 'IMAGE=nginx:latest\n' });
    const file = path.join(sub, 'web', 'web.yaml');
    const open = new Map<string, string>();
    const ws = new DiskWorkspace((p) => open.get(p), undefined, () => [sub]);
    const dc001 = () => analyze(allRules, 'compose', file, fs.readFileSync(file, 'utf8'), ws, DEFAULT_CONFIG).findings.some((f) => f.code === 'DC001');
    assert.equal(dc001(), false, 'not included: ${IMAGE} is unset, no image to judge');
    assert.equal(dc001(), false);
    open.set(path.join(sub, 'compose.yaml'), 'include:\n  - web/web.yaml\n');
    assert.equal(dc001(), true, "the root's .env gives nginx:latest");
    open.clear();
    assert.equal(dc001(), false, 'closed without saving');
  });
});
