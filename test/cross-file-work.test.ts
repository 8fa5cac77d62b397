/**
 * Work that reads other files stays linear in the project, counted rather than timed (like fix-work.test.ts: V8's
 * precise coverage of this bundle, in process, so that a busy machine cannot fail it). Review 45c (adversarial
 * performance), cross-file findings:
 * - item 1, a monorepo: one compose file with N services each building its own Dockerfile. Every Dockerfile's
 *   analysis asks which services build it (servicesBuilding: DF044, DR003, DF001, DF015…), and each used to compute
 *   the build paths of every service of the compose file (computeBuildOf), since the compose file's context is made
 *   anew for each analysis: N × N. The paths a service's `build:` writes without a variable are now indexed once per
 *   parse (and project folder), so analyzing the N Dockerfiles costs about twice the work at twice the services,
 *   and computeBuildOf runs about once per Dockerfile (its own service), not N times.
 * - item 5, an `include:` project of N files (one service each): DC032 counts the services of every file of the
 *   project (projectNeighbours), asking of each whether its file is included (isPartialService → includersOf), and
 *   includersOf revalidated its memo by reading every file of the tree again: N² per analysis, N³ for the project.
 *   The tree and an index of what it includes are now made once per root and analysis.
 * - item 4, DR003's walk of the build context: with any `!` line in `.dockerignore` it walked every excluded folder
 *   (`node_modules` for `!README.md`), matching each entry against each pattern and each of its parent folders. A folder
 *   that no `!` line can re-include anything in is now passed over, each entry is matched once per pattern (its
 *   folder's answer carries the parents'), and the patterns are matched from the last (the last match decides).
 *   Those must give exactly patternmatcher's answers: checked against the forward algorithm on random paths.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { allRules, analyze } from '../rules';
import { analysisWorkspace, servicesBuilding } from '../rules/engine/relations';
import type { WorkspaceView } from '../rules/engine/types';
import { counted } from './helpers/coverage';
import { isExcluded, matchEntry, mayReincludeBelow, parseDockerignore, type DockerignorePattern, type EntryMatch } from '../rules/engine/dockerignore';

/** An in-memory workspace whose every question is a map lookup (the fixtures' viewOf scans every file per question). */
function mapView(files: Map<string, string>): WorkspaceView {
  const dirs = new Map<string, Set<string>>();
  for (const p of files.keys()) {
    let child = p;
    for (let dir = path.posix.dirname(p); ; child = dir, dir = path.posix.dirname(dir)) {
      let names = dirs.get(dir);
      if (!names) dirs.set(dir, (names = new Set()));
      names.add(path.posix.basename(child));
      if (dir === '/') break;
    }
  }
  const listings = new Map([...dirs].map(([d, names]) => [d, [...names]]));
  return {
    readText: (p) => files.get(p),
    exists: (p) => files.has(p) || listings.has(p),
    listDir: (dir) => listings.get(dir),
  };
}

interface Work {
  /** Function calls and block executions of this bundle (precise coverage). */
  js: number;
  /** Calls of the function named. */
  calls: number;
  findings: number;
}

/** The work of `run` (which returns its findings' count), with the calls of the functions named `name`. */
async function countedWork(run: () => number, name: string): Promise<Work> {
  const { value: findings, js, calls } = await counted(__filename, run, (fn) => fn === name);
  return { js, calls, findings };
}

/** Review 45c's monorepo shape: N services each building ./svcI (a Dockerfile and a .dockerignore each). */
function monorepo(n: number, contextOf = (i: number) => `./svc${i}`, root = `/m${n}`): { files: Map<string, string>; dockerfiles: string[] } {
  const files = new Map<string, string>();
  const dockerfiles: string[] = [];
  let compose = 'services:\n';
  for (let i = 0; i < n; i++) {
    compose += `  svc${i}:\n    build:\n      context: ${contextOf(i)}\n      args:\n        VERSION: "1.${i}"\n    environment:\n      PORT: "80"\n`;
    const dockerfile = `${root}/svc${i}/Dockerfile`;
    files.set(dockerfile, 'FROM node:20-alpine\nARG VERSION\nWORKDIR /app\nCOPY package.json .\nRUN npm ci\nCOPY . .\nUSER node\nCMD ["node", "index.js"]\n');
    files.set(`${root}/svc${i}/.dockerignore`, 'node_modules\n.env\n.git\n');
    dockerfiles.push(dockerfile);
  }
  files.set(`${root}/compose.yaml`, compose);
  files.set(`${root}/.git/HEAD`, 'ref: refs/heads/main\n');
  return { files, dockerfiles };
}

/** Review 45c's c_include shape: compose.yaml includes inc/f0.yaml … inc/f(N-1).yaml, one service each. */
function includeProject(root: string, n: number): { files: Map<string, string> } {
  const files = new Map<string, string>();
  let compose = 'include:\n';
  for (let i = 0; i < n; i++) {
    compose += `  - inc/f${i}.yaml\n`;
    files.set(`${root}/inc/f${i}.yaml`, `services:\n  s${i}:\n    image: nginx:1.25\n`);
  }
  files.set(`${root}/compose.yaml`, `${compose}services:\n  app:\n    image: nginx:1.25\n`);
  return { files };
}

describe('cross-file work (review 45c)', () => {
  it('a monorepo: analyzing the Dockerfiles of N services that each build one is linear in N (item 1)', async (t) => {
    {
      const workOf = (n: number) => {
        const { files, dockerfiles } = monorepo(n);
        const view = mapView(files);
        return countedWork(() => {
          let findings = 0;
          for (const p of dockerfiles) findings += analyze(allRules, 'dockerfile', p, files.get(p)!, view).findings.length;
          return findings;
        }, 'computeBuildOf');
      };
      await workOf(20); // compiles what the runs use, so that both sizes count the same kind of work
      const small = await workOf(150);
      const large = await workOf(300);
      assert.equal(large.findings, 2 * small.findings);
      const js = large.js / small.js;
      const report = `JavaScript ${small.js} → ${large.js} (×${js.toFixed(2)}), computeBuildOf ${small.calls} → ${large.calls}`;
      t.diagnostic(report);
      assert.ok(js < 2.5, `quadratic work: ${report}`);
      // Its own service's build, for each Dockerfile (a few rules ask; buildOf keeps it per analysis): not every service's.
      assert.ok(large.calls <= 2 * 300, `build paths computed per service per Dockerfile: ${report}`);
    }
  });

  it('a monorepo whose build paths read a variable: each Dockerfile\'s analysis does not interpolate every service (leftover item 4)', (t) => {
    // Each service's build paths are resolved (path.resolve) when they are computed: counted for the whole run.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodePath = require('node:path') as typeof import('node:path');
    const workOf = (n: number) => {
      const { files, dockerfiles } = monorepo(n, (i) => `\${ROOT:-.}/svc${i}`, `/v${n}`);
      files.set(`/v${n}/.env`, 'ROOT=.\n');
      files.set(`/v${n}/.env.example`, 'ROOT=.\n');
      const view = mapView(files);
      const resolve = nodePath.resolve;
      let resolves = 0;
      nodePath.resolve = (...args: string[]) => {
        resolves++;
        return resolve(...args);
      };
      let findings = 0;
      try {
        for (const p of dockerfiles) findings += analyze(allRules, 'dockerfile', p, files.get(p)!, view).findings.length;
      } finally {
        nodePath.resolve = resolve;
      }
      return { findings, resolves };
    };
    const small = workOf(150);
    const large = workOf(300);
    assert.equal(large.findings, 2 * small.findings);
    const report = `path.resolve calls ${small.resolves} → ${large.resolves} (×${(large.resolves / small.resolves).toFixed(2)})`;
    t.diagnostic(report);
    assert.ok(large.resolves / small.resolves < 2.5 && large.resolves < 30 * 300, `build paths resolved per service per Dockerfile: ${report}`);
  });

  it('the index of build paths that read a variable follows the .env they read (leftover item 4)', () => {
    const compose = 'services:\n  api:\n    build:\n      context: ${ROOT:-.}/api\n  web:\n    build: ./web\n';
    const viewWith = (env: string | undefined) => mapView(new Map([['/e/compose.yaml', compose], ...(env === undefined ? [] : [['/e/.env', env] as [string, string]])]));
    const building = (view: WorkspaceView, dockerfile: string) => servicesBuilding(analysisWorkspace(view), dockerfile).map((b) => b.service.name);
    // The same compose text (one parse, one index) read with .env files that give ROOT other values, and none.
    assert.deepEqual(building(viewWith('ROOT=a\n'), '/e/a/api/Dockerfile'), ['api']);
    assert.deepEqual(building(viewWith('ROOT=b\n'), '/e/a/api/Dockerfile'), []);
    assert.deepEqual(building(viewWith('ROOT=b\n'), '/e/b/api/Dockerfile'), ['api']);
    assert.deepEqual(building(viewWith(undefined), '/e/api/Dockerfile'), ['api']);
    assert.deepEqual(building(viewWith('OTHER=1\n'), '/e/api/Dockerfile'), ['api']);
    assert.deepEqual(building(viewWith('ROOT=\n'), '/e/api/Dockerfile'), ['api'], 'empty: the default');
    assert.deepEqual(building(viewWith('ROOT=./x\n'), '/e/api/Dockerfile'), []);
    assert.deepEqual(building(viewWith('ROOT=./x\n'), '/e/x/api/Dockerfile'), ['api']);
    assert.deepEqual(building(viewWith('ROOT=a\n'), '/e/web/Dockerfile'), ['web']);
  });

  it('an include: project: analyzing its N files is about linear in N, not cubic (item 5)', async (t) => {
    {
      const workOf = (n: number) => {
        const { files } = includeProject(`/i${n}`, n);
        const view = mapView(files);
        return countedWork(() => {
          let findings = 0;
          for (const [p, text] of files) findings += analyze(allRules, 'compose', p, text, view).findings.length;
          return findings;
        }, 'includesOf');
      };
      await workOf(10);
      const small = await workOf(60);
      const large = await workOf(120);
      assert.ok(large.findings > 1.9 * small.findings, `findings: ${small.findings}, ${large.findings}`);
      const js = large.js / small.js;
      const report = `JavaScript ${small.js} → ${large.js} (×${js.toFixed(2)}), includesOf ${small.calls} → ${large.calls}`;
      t.diagnostic(report);
      // Each file's analysis still counts the project's N services (DC032): N² calls of small functions, well under the tree walks.
      assert.ok(js < 3, `work superlinear in the project: ${report}`);
    }
  });

  it('an include: project: DC032 counts the project\'s services once per tree, not asking of each file whether it is included (leftover item 3)', (t) => {
    // Whether a file is included (isPartialService → includersOf) reads the root candidates of its folder, among
    // them inc/compose.yaml (absent): asked of every file of the project by every file's analysis, N² reads.
    const workOf = (n: number) => {
      const root = `/p${n}`;
      const { files } = includeProject(root, n);
      const view = mapView(files);
      let candidateReads = 0;
      const counting: WorkspaceView = {
        ...view,
        readText: (p) => {
          if (p === `${root}/inc/compose.yaml`) candidateReads++;
          return view.readText(p);
        },
      };
      let findings = 0;
      for (const [p, text] of files) findings += analyze(allRules, 'compose', p, text, counting).findings.filter((f) => f.code === 'DC032').length;
      return { findings, candidateReads };
    };
    const small = workOf(60);
    const large = workOf(120);
    // Every service of the project is on the default network only: one finding each.
    assert.equal(small.findings, 61);
    assert.equal(large.findings, 121);
    const report = `reads of inc/compose.yaml: ${small.candidateReads} → ${large.candidateReads}`;
    t.diagnostic(report);
    // A few per file (its own analysis asks), not one per file of the project per file.
    assert.ok(large.candidateReads <= 4 * 121 && large.candidateReads <= 2.5 * small.candidateReads, report);
  });

  it('DR003 does not walk a folder the .dockerignore excludes when no ! line can re-include anything in it (item 4)', () => {
    const regexTests = (modules: number): number => {
      const root = `/d${modules}`;
      const files = new Map<string, string>([
        [`${root}/Dockerfile`, 'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "index.js"]\n'],
        [`${root}/.dockerignore`, 'node_modules\n.git\n*.md\n!README.md\n'],
        [`${root}/README.md`, '# app\n'],
        [`${root}/src/.env.local`, 'A=1\n'],
        [`${root}/.git/HEAD`, 'ref: refs/heads/main\n'],
      ]);
      for (let i = 0; i < 50; i++) files.set(`${root}/src/m${i % 5}/f${i}.js`, '');
      for (let i = 0; i < modules; i++) files.set(`${root}/node_modules/p${i % 40}/lib/f${i}.js`, '');
      const view = mapView(files);
      const saved = RegExp.prototype.test;
      let n = 0;
      RegExp.prototype.test = function (this: RegExp, s: string) {
        n++;
        return saved.call(this, s);
      };
      let findings: string[];
      try {
        findings = analyze(allRules, 'dockerfile', `${root}/Dockerfile`, files.get(`${root}/Dockerfile`)!, view).findings.map((f) => f.code);
      } finally {
        RegExp.prototype.test = saved;
      }
      assert.ok(findings.includes('DR003'), findings.join(', '));
      return n;
    };
    regexTests(100);
    const small = regexTests(1000);
    const large = regexTests(2000);
    // Before: ~4 patterns × ~4 folders deep for each of the 1,000 more files in node_modules.
    assert.ok(large - small < 200, `regular-expression tests: ${small} → ${large}`);
  });

  it("the walk's matching gives patternmatcher's answers exactly (item 4)", () => {
    /** The forward algorithm as it was (patternmatcher's order): each pattern against the path and each parent folder. */
    const reference = (patterns: readonly DockerignorePattern[], rel: string): boolean => {
      const parts = rel.split('/');
      let matched = false;
      for (const p of patterns) {
        if (!p.re || p.negate !== matched) continue;
        let match = p.re.test(rel);
        for (let i = 1; !match && i < parts.length; i++) match = p.re.test(parts.slice(0, i).join('/'));
        if (match) matched = !p.negate;
      }
      return matched;
    };
    let seed = 45;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const names = ['a', 'b', 'node_modules', '.env', 'x.md', 'README.md', 'lib'];
    const globs = ['a', 'b', 'a/b', '*', '*.md', '**/b', 'a/**', '**/*.md', 'node_modules', 'lib/*', '?', 'a/*/b', 'README.md', '.env*', '**'];
    for (let round = 0; round < 300; round++) {
      const lines: string[] = [];
      for (let k = rand(6) + 1; k > 0; k--) lines.push(`${rand(3) === 0 ? '!' : ''}${globs[rand(globs.length)]}`);
      const patterns = parseDockerignore(lines.join('\n'));
      // Random paths, walked as the context walk does: each entry with its folder's match.
      const walk = (rel: string, parent: EntryMatch | undefined, depth: number): void => {
        for (const name of names) {
          const entry = rel === '' ? name : `${rel}/${name}`;
          const expected = reference(patterns, entry);
          assert.equal(isExcluded(patterns, entry), expected, `${lines.join(' | ')}: ${entry}`);
          const match = matchEntry(patterns, entry, parent);
          assert.equal(match.excluded, expected, `${lines.join(' | ')}: ${entry} (walk)`);
          if (depth < 3 && rand(3) === 0) walk(entry, match, depth + 1);
          // A folder the walk passes over: everything below it is excluded.
          if (expected && !mayReincludeBelow(patterns, entry)) {
            for (const below of ['a', 'x.md/README.md', 'b/c/README.md']) assert.ok(reference(patterns, `${entry}/${below}`), `${lines.join(' | ')}: ${entry}/${below}`);
          }
        }
      };
      walk('', undefined, 0);
    }
  });
});
