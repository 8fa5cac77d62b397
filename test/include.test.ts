/**
 * Compose `include:` (rules/engine/include.ts): the entries as the Compose Specification writes them,
 * the bounded reverse lookup (which roots include a file), the kind of an included YAML file, and the
 * `.env` that interpolates an included file.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, fileKindIn, fixFinding, type FileSet } from '../rules';
import { ComposeContext } from '../rules/engine/compose';
import { includedFiles, includersOf, includesOf, inclusionOf, projectFiles } from '../rules/engine/include';
import { envFileRefs, envFileUses } from '../rules/engine/env-files';
import { extendsChain } from '../rules/engine/compose-lookup';
import { bindMounts } from '../rules/engine/mounts';
import { buildOf, parsedCompose, servicesBuilding } from '../rules/engine/relations';
import { DEFAULT_OPTIONS } from '../rules/engine/types';
import { viewOf } from './helpers/fixtures';

function ctxOf(files: FileSet, p: string): ComposeContext {
  return new ComposeContext(p, files.get(p) ?? '', viewOf(files), DEFAULT_OPTIONS);
}

describe('compose include', () => {
  it('reads the short and long syntax (path list, project_directory, env_file string or list)', () => {
    const files: FileSet = new Map([
      [
        '/w/compose.yaml',
        'include:\n  - db/database.yml\n  - path: [a/compose.yaml, a/override.yaml]\n    project_directory: .\n    env_file: [a/one.env, a/two.env]\n  - path: ${X}/c.yaml\n',
      ],
    ]);
    const root = ctxOf(files, '/w/compose.yaml');
    const entries = includesOf(root, root.dir);
    assert.deepEqual(
      entries.map((e) => ({ files: e.files, projectDir: e.projectDir, envFiles: e.envFiles })),
      [
        { files: ['/w/db/database.yml'], projectDir: '/w/db', envFiles: [] },
        { files: ['/w/a/compose.yaml', '/w/a/override.yaml'], projectDir: '/w', envFiles: ['/w/a/one.env', '/w/a/two.env'] },
      ],
    );
  });

  it('finds the roots that include a file, nested includes too, and cuts cycles', () => {
    const files: FileSet = new Map([
      ['/w/compose.yaml', 'include:\n  - stack/stack.yml\nservices:\n  api:\n    image: a\n'],
      ['/w/stack/stack.yml', 'include:\n  - ../db/database.yml\n  - ../compose.yaml\nservices: {}\n'],
      ['/w/db/database.yml', 'services:\n  db:\n    image: postgres\n'],
      ['/w/other.yml', 'services: {}\n'],
    ]);
    const ws = viewOf(files);
    const found = includersOf(ws, '/w/db/database.yml');
    assert.deepEqual(found.map((i) => [i.parent.path, i.root.path]), [['/w/stack/stack.yml', '/w/compose.yaml']]);
    assert.equal(includersOf(ws, '/w/other.yml').length, 0);
    assert.equal(fileKindIn(ws, '/w/db/database.yml'), 'compose');
    assert.equal(fileKindIn(ws, '/w/other.yml'), undefined);
    assert.deepEqual(includedFiles(ws, '/w/compose.yaml'), ['/w/stack/stack.yml', '/w/db/database.yml']);
    assert.deepEqual(projectFiles(ctxOf(files, '/w/db/database.yml')).map((c) => c.path), ['/w/compose.yaml', '/w/stack/stack.yml']);
  });

  it('is bounded on hostile input (self-include, many entries)', () => {
    const many = Array.from({ length: 2000 }, (_, i) => `  - f${i}.yml`).join('\n');
    const files: FileSet = new Map([
      ['/h/compose.yaml', `include:\n  - compose.yaml\n${many}\n`],
      ...Array.from({ length: 2000 }, (_, i) => [`/h/f${i}.yml`, 'include:\n  - compose.yaml\nservices: {}\n'] as [string, string]),
    ]);
    const t = performance.now();
    assert.ok(includedFiles(viewOf(files), '/h/compose.yaml').length <= 257);
    // f0.yml includes it back (a cycle), but only default-named files are searched as roots.
    assert.deepEqual(includersOf(viewOf(files), '/h/compose.yaml'), []);
    assert.equal(includersOf(viewOf(files), '/h/f7.yml')[0]?.root.path, '/h/compose.yaml');
    assert.ok(performance.now() - t < 2000);
  });

  it('follows changes of the including file (memo by text)', () => {
    const files: FileSet = new Map([
      ['/m/compose.yaml', 'include:\n  - db.yml\n'],
      ['/m/db.yml', 'services: {}\n'],
    ]);
    assert.equal(includersOf(viewOf(files), '/m/db.yml').length, 1);
    files.set('/m/compose.yaml', 'services: {}\n');
    assert.equal(includersOf(viewOf(files), '/m/db.yml').length, 0);
  });

  it('picks the first root when several include a file (nearest directory first)', () => {
    const files: FileSet = new Map([
      ['/r/compose.yaml', 'include:\n  - shared/db.yml\n'],
      ['/r/shared/compose.yaml', 'include:\n  - path: db.yml\n    env_file: app.env\n'],
      ['/r/shared/db.yml', 'services: {}\n'],
    ]);
    const all = includersOf(viewOf(files), '/r/shared/db.yml');
    assert.deepEqual(all.map((i) => i.root.path), ['/r/shared/compose.yaml', '/r/compose.yaml']);
    // Asked again (the memo's answer, with contexts made for the asking view), the same inclusions.
    const ws = viewOf(files);
    const again = includersOf(ws, '/r/shared/db.yml');
    assert.deepEqual(again.map((i) => [i.parent.path, i.root.path, i.entry.envFiles]), all.map((i) => [i.parent.path, i.root.path, i.entry.envFiles]));
    assert.ok(again.every((i) => i.parent.workspace === ws && i.root.workspace === ws));
    assert.deepEqual(inclusionOf(ctxOf(files, '/r/shared/db.yml'))?.entry.envFiles, ['/r/shared/app.env']);
  });

  it('resolves build contexts and env_file entries of an included file against its project_directory', () => {
    const files: FileSet = new Map([
      ['/l/docker-compose.yml', 'include:\n  - path: adminer/compose.yml\n    project_directory: .\n  - db/compose.yml\n'],
      ['/l/adminer/compose.yml', 'services:\n  adminer:\n    build: ./adminer\n    env_file: adminer/defaults.env\n'],
      ['/l/db/compose.yml', 'services:\n  db:\n    build: .\n'],
    ]);
    const adminer = ctxOf(files, '/l/adminer/compose.yml');
    assert.equal(adminer.projectDir, '/l');
    assert.equal(buildOf(adminer, adminer.services[0])?.dockerfile, '/l/adminer/Dockerfile');
    assert.deepEqual(envFileRefs(adminer, adminer.services[0]).map((r) => r.path), ['/l/adminer/defaults.env']);
    const db = ctxOf(files, '/l/db/compose.yml');
    assert.equal(buildOf(db, db.services[0])?.dockerfile, '/l/db/Dockerfile');
    assert.deepEqual(servicesBuilding(viewOf(files), '/l/adminer/Dockerfile').map((b) => b.service.name), ['adminer']);
  });

  it('resolves extends: {file:} and bind mounts of an included file against its project_directory, and a base file\'s own extends against its folder', () => {
    const files: FileSet = new Map([
      ['/x/compose.yaml', 'include:\n  - path: app/app.yml\n    project_directory: .\n'],
      ['/x/app/app.yml', 'services:\n  web:\n    extends:\n      file: common/base.yml\n      service: web\n    volumes:\n      - ./conf/web.conf:/etc/web.conf:ro\n'],
      // Where the app's folder would put them: not what Compose reads.
      ['/x/app/common/base.yml', 'services:\n  web:\n    image: wrong:1\n'],
      ['/x/common/base.yml', 'services:\n  web:\n    extends:\n      file: deeper.yml\n      service: web\n'],
      ['/x/common/deeper.yml', 'services:\n  web:\n    image: busybox:1.37\n'],
      ['/x/deeper.yml', 'services:\n  web:\n    image: wrong:2\n'],
    ]);
    const ws = viewOf(files);
    const app = ctxOf(files, '/x/app/app.yml');
    assert.equal(app.projectDir, '/x');
    const chain = extendsChain(app, app.services[0]);
    assert.equal(chain.unknown, false);
    assert.deepEqual(chain.chain.map((l) => l.ctx.path), ['/x/app/app.yml', '/x/common/base.yml', '/x/common/deeper.yml']);
    assert.deepEqual(bindMounts(app, app.services[0]), [{ source: '/x/conf/web.conf', target: '/etc/web.conf' }]);
    assert.deepEqual(includedFiles(ws, '/x/compose.yaml'), ['/x/app/app.yml', '/x/common/base.yml', '/x/common/deeper.yml']);
    assert.equal(fileKindIn(ws, '/x/common/base.yml'), 'compose');
    assert.equal(fileKindIn(ws, '/x/app/common/base.yml'), undefined);
  });

  it('follows an extends: {file:} chain of 16 files (compose-go follows any; four hops silenced every per-service rule: review 41a, item 7)', () => {
    const n = 17;
    const files: FileSet = new Map(
      Array.from({ length: n }, (_, i): [string, string] => [
        i === 0 ? '/e/compose.yaml' : `/e/c${i}.yaml`,
        `services:\n  s${i}:\n${i < n - 1 ? `    extends: {file: c${i + 1}.yaml, service: s${i + 1}}\n` : '    image: nginx:1.30-alpine\n    privileged: true\n'}`,
      ]),
    );
    const root = ctxOf(files, '/e/compose.yaml');
    const chain = extendsChain(root, root.services[0]);
    assert.equal(chain.unknown, false);
    assert.equal(chain.chain.length, n);
    assert.equal(fileKindIn(viewOf(files), `/e/c${n - 1}.yaml`), 'compose', 'the last base is analyzed where privileged: is written');
  });

  it('resolves the include: of an included file against its project_directory, as compose-go\'s resource loader does', () => {
    const files: FileSet = new Map([
      ['/n/compose.yaml', 'include:\n  - path: apps/app.yml\n    project_directory: .\n'],
      ['/n/apps/app.yml', 'include:\n  - path: db/db.yml\n    env_file: db/db.env\n  - path: cache/cache.yml\n    project_directory: cache\n'],
      ['/n/db/db.yml', 'services:\n  db:\n    image: postgres:17\n'],
      ['/n/db/db.env', 'X=1\n'],
      ['/n/cache/cache.yml', 'services:\n  cache:\n    image: redis:8\n'],
      // Where the app's own folder would put them: not what Compose reads.
      ['/n/apps/db/db.yml', 'services:\n  db:\n    image: wrong:1\n'],
      ['/n/apps/db/db.env', 'X=2\n'],
      ['/n/apps/cache/cache.yml', 'services:\n  cache:\n    image: wrong:2\n'],
    ]);
    const ws = viewOf(files);
    assert.deepEqual(includedFiles(ws, '/n/compose.yaml'), ['/n/apps/app.yml', '/n/db/db.yml', '/n/cache/cache.yml']);
    const db = ctxOf(files, '/n/db/db.yml');
    assert.equal(inclusionOf(db)?.parent.path, '/n/apps/app.yml');
    assert.equal(inclusionOf(db)?.root.path, '/n/compose.yaml');
    assert.deepEqual(inclusionOf(db)?.entry.envFiles, ['/n/db/db.env']);
    assert.equal(ctxOf(files, '/n/cache/cache.yml').projectDir, '/n/cache');
    assert.equal(inclusionOf(ctxOf(files, '/n/apps/db/db.yml')), undefined);
    assert.equal(fileKindIn(ws, '/n/apps/db/db.yml'), undefined);
    assert.deepEqual(envFileUses(ctxOf(files, '/n/apps/app.yml')).map((u) => u.path), ['/n/db/db.env']);
    assert.deepEqual(projectFiles(db).map((c) => c.path), ['/n/compose.yaml', '/n/apps/app.yml', '/n/cache/cache.yml']);
  });

  it('interpolates an included file with the .env of its project directory or the include env_file, under the root project\'s .env', () => {
    const files: FileSet = new Map([
      ['/p/compose.yaml', 'include:\n  - db/database.yml\n  - path: cache/cache.yml\n    env_file: [cache/a.env, cache/b.env]\n'],
      ['/p/.env', 'WHO=root\nTAG=1.30\n'],
      ['/p/db/database.yml', 'services: {}\n'],
      ['/p/db/.env', 'WHO=db\nDB_ONLY=${TAG}-db\n'],
      ['/p/cache/cache.yml', 'services: {}\n'],
      ['/p/cache/.env', 'WHO=cache-dotenv\n'],
      ['/p/cache/a.env', 'WHO=a\nONLY_A=1\nTAG=a\n'],
      ['/p/cache/b.env', 'WHO=b\nFROM_B="${TAG}-${ONLY_A}"\n'],
    ]);
    assert.equal(ctxOf(files, '/p/compose.yaml').dotenv()?.vars.get('WHO'), 'root');
    // compose-go ApplyInclude: environment.Clone().Merge(envFromFile) — the root's names win, the
    // include's env files add the others, and read the root's variables first in their own ${…}.
    const db = ctxOf(files, '/p/db/database.yml').dotenv();
    assert.equal(db?.vars.get('WHO'), 'root');
    assert.equal(db?.values.get('WHO'), 'root');
    assert.equal(db?.holders.get('WHO'), '/p/.env');
    assert.equal(db?.values.get('DB_ONLY'), '1.30-db');
    assert.equal(db?.holders.get('DB_ONLY'), '/p/db/.env');
    assert.equal(db?.own?.path, '/p/db/.env');
    assert.deepEqual([...(db?.own?.vars.keys() ?? [])], ['WHO', 'DB_ONLY']);
    assert.equal(db?.own?.fromInclude, false);
    const cache = ctxOf(files, '/p/cache/cache.yml').dotenv();
    assert.equal(cache?.vars.get('WHO'), 'root');
    assert.equal(cache?.values.get('TAG'), '1.30');
    assert.equal(cache?.vars.get('ONLY_A'), '1');
    assert.equal(cache?.values.get('FROM_B'), '1.30-1');
    assert.equal(cache?.holders.get('FROM_B'), '/p/cache/b.env');
    assert.equal(cache?.own?.path, '/p/cache/a.env');
    assert.equal(cache?.own?.vars.get('WHO'), 'b');
    assert.equal(cache?.own?.fromInclude, true);
  });

  it('interpolates a nested include with each level\'s env files under the levels above (root first)', () => {
    const files: FileSet = new Map([
      ['/q/compose.yaml', 'include:\n  - path: mid/mid.yml\n    env_file: mid/mid.env\n'],
      ['/q/.env', 'A=root\n'],
      ['/q/mid/mid.yml', 'include:\n  - path: leaf/leaf.yml\n'],
      ['/q/mid/mid.env', 'A=mid\nB=mid\n'],
      ['/q/mid/leaf/leaf.yml', 'services: {}\n'],
      ['/q/mid/leaf/.env', 'A=leaf\nB=leaf\nC=leaf-${B}\n'],
    ]);
    const leaf = ctxOf(files, '/q/mid/leaf/leaf.yml');
    const env = leaf.dotenv();
    assert.deepEqual(Object.fromEntries(env?.values ?? []), { A: 'root', B: 'mid', C: 'leaf-mid' });
    assert.deepEqual(Object.fromEntries(env?.holders ?? []), { A: '/q/.env', B: '/q/mid/mid.env', C: '/q/mid/leaf/.env' });
    assert.equal(ctxOf(files, '/q/mid/mid.yml').dotenv()?.values.get('B'), 'mid');
    assert.equal(ctxOf(files, '/q/mid/mid.yml').dotenv()?.values.get('A'), 'root');
  });

  it('analyzes extends: {file:} bases of a root as compose files (through includes and base chains), not those of other files', () => {
    const ext = (file: string) => `services:\n  a:\n    extends:\n      file: ${file}\n      service: a\n`;
    const files: FileSet = new Map([
      ['/e/compose.yaml', `include:\n  - app/app.yml\n${ext('common-services.yml')}`],
      ['/e/common-services.yml', ext('deeper.yml')],
      ['/e/deeper.yml', ext('common-services.yml')],
      ['/e/app/app.yml', ext('app-base.yml')],
      ['/e/app/app-base.yml', 'services:\n  a:\n    image: busybox:1.37\n'],
      ['/e/dev/compose.dev.yaml', ext('fragments.yml')],
      ['/e/dev/fragments.yml', 'services:\n  a:\n    image: busybox:1.37\n'],
    ]);
    const ws = viewOf(files);
    for (const p of ['/e/common-services.yml', '/e/deeper.yml', '/e/app/app-base.yml']) assert.equal(fileKindIn(ws, p), 'compose', p);
    assert.equal(fileKindIn(ws, '/e/dev/fragments.yml'), undefined);
    assert.deepEqual(includedFiles(ws, '/e/compose.yaml'), ['/e/app/app.yml', '/e/common-services.yml', '/e/app/app-base.yml', '/e/deeper.yml']);
    assert.deepEqual(includedFiles(ws, '/e/dev/compose.dev.yaml'), []);
    // Memoized by text: the root no longer extends it.
    files.set('/e/compose.yaml', 'include:\n  - app/app.yml\nservices:\n  a:\n    image: busybox:1.37\n');
    assert.equal(fileKindIn(ws, '/e/common-services.yml'), undefined);
    assert.equal(fileKindIn(ws, '/e/app/app-base.yml'), 'compose');
  });

  it('finds include: and extends: {file:} keys behind escapes, split words and deeper lines (the text pre-filter never hides one)', () => {
    const base = 'services:\n  a:\n    image: busybox:1.37\n';
    const cases: [string, string][] = [
      ['"incl\\x75de":\n  - b.yml\n', '/p1/b.yml'],
      ['"inc\\\n  lude":\n  - b.yml\n', '/p2/b.yml'],
      ['services:\n  a:\n    "ext\\u0065nds": {file: b.yml, service: a}\n', '/p3/b.yml'],
      ['services:\n  web:\n    image: x\n  a:\n    extends: web\n  b:\n    extends: # comment\n      file: b.yml\n      service: a\n', '/p4/b.yml'],
      ["services:\n  web:\n    image: x\n  a:\n    extends: web\n  b:\n    'extends': &e {file: b.yml, service: a}\n  c:\n    extends: *e\n", '/p5/b.yml'],
    ];
    for (const [i, [root, expected]] of cases.entries()) {
      const dir = `/p${i + 1}`;
      const files: FileSet = new Map([
        [`${dir}/compose.yaml`, root],
        [`${dir}/b.yml`, base],
      ]);
      const ws = viewOf(files);
      assert.equal(fileKindIn(ws, `${dir}/b.yml`), 'compose', root);
      assert.deepEqual(includedFiles(ws, `${dir}/compose.yaml`), [expected], root);
    }
    // A service extended by name, and "included" as a word of a comment, name no file.
    const plain: FileSet = new Map([
      ['/q/compose.yaml', '# the volumes included below\nservices:\n  web:\n    image: x\n  a:\n    extends: web\n  b:\n    - extends: web # same file\n'],
      ['/q/b.yml', base],
    ]);
    assert.deepEqual(includedFiles(viewOf(plain), '/q/compose.yaml'), []);
    assert.equal(fileKindIn(viewOf(plain), '/q/b.yml'), undefined);
  });

  it('DC040/DC041 fixes write to the env file Compose reads for an included file (the last env_file), never a .env it does not read', () => {
    const files: FileSet = new Map([
      ['/p/compose.yaml', 'include:\n  - path: db/database.yml\n    env_file: [conf/a.env, conf/b.env]\n'],
      ['/p/db/database.yml', 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: "s3cr3t-Pa55word!"\n'],
      ['/p/conf/a.env', 'A=1\n'],
      ['/p/conf/b.env', 'B=1\n'],
    ]);
    const ws = viewOf(files);
    const a = analyze(allRules, 'compose', '/p/db/database.yml', files.get('/p/db/database.yml')!, ws, DEFAULT_CONFIG);
    const finding = a.findings.find((f) => f.code === 'DC040');
    assert.ok(finding);
    const fix = fixFinding(allRules, a.context, finding);
    assert.equal(fix?.title, 'Move POSTGRES_PASSWORD to ../conf/b.env');
    assert.deepEqual(fix?.changes.map((c) => c.path).sort(), ['/p/conf/.gitignore', '/p/conf/b.env', '/p/conf/b.env.example', '/p/db/database.yml']);
  });
});

describe('an include: project analyzed file by file (review 41b, item 2)', () => {
  const n = 110;
  const files: FileSet = new Map();
  files.set('/w/compose.yaml', `include:\n${Array.from({ length: n }, (_, i) => `  - s${i}/compose.yaml\n`).join('')}`);
  for (let i = 0; i < n; i++) files.set(`/w/s${i}/compose.yaml`, `services:\n  svc${i}:\n    image: ghcr.io/acme/s${i}:1.0.0\n`);
  const view = viewOf(files);
  const scan = () => {
    for (const [p, text] of files) analyze(allRules, 'compose', p, text!, view, DEFAULT_CONFIG);
  };

  it('keeps the parses of the include tree from one analysis to the next (each analysis parsed the 110 files again)', () => {
    scan();
    const before = parsedCompose(view, '/w/s0/compose.yaml')!.documents;
    scan();
    assert.equal(parsedCompose(view, '/w/s0/compose.yaml')!.documents, before, 'the parse of s0/compose.yaml was made again');
  });
});
