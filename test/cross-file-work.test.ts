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
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Session } from 'node:inspector/promises';
import * as path from 'node:path';
import { allRules, analyze } from '../rules';
import type { WorkspaceView } from '../rules/engine/types';

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
  /** Calls of the named functions. */
  calls: Map<string, number>;
  findings: number;
}

async function counted(session: Session, names: readonly string[], run: () => number): Promise<Work> {
  await session.post('Profiler.takePreciseCoverage'); // resets the counters
  const findings = run();
  const { result } = await session.post('Profiler.takePreciseCoverage');
  let js = 0;
  const calls = new Map(names.map((n) => [n, 0]));
  for (const script of result) {
    if (!script.url.includes(__filename.split(/[\\/]/).pop()!)) continue;
    for (const fn of script.functions) {
      for (const r of fn.ranges) js += r.count;
      if (calls.has(fn.functionName)) calls.set(fn.functionName, calls.get(fn.functionName)! + fn.ranges[0].count);
    }
  }
  return { js, calls, findings };
}

/** Review 45c's monorepo shape: N services each building ./svcI (a Dockerfile and a .dockerignore each). */
function monorepo(n: number): { files: Map<string, string>; dockerfiles: string[] } {
  const root = `/m${n}`;
  const files = new Map<string, string>();
  const dockerfiles: string[] = [];
  let compose = 'services:\n';
  for (let i = 0; i < n; i++) {
    compose += `  svc${i}:\n    build:\n      context: ./svc${i}\n      args:\n        VERSION: "1.${i}"\n    environment:\n      PORT: "80"\n`;
    const dockerfile = `${root}/svc${i}/Dockerfile`;
    files.set(dockerfile, 'FROM node:20-alpine\nARG VERSION\nWORKDIR /app\nCOPY package.json .\nRUN npm ci\nCOPY . .\nUSER node\nCMD ["node", "index.js"]\n');
    files.set(`${root}/svc${i}/.dockerignore`, 'node_modules\n.env\n.git\n');
    dockerfiles.push(dockerfile);
  }
  files.set(`${root}/compose.yaml`, compose);
  files.set(`${root}/.git/HEAD`, 'ref: refs/heads/main\n');
  return { files, dockerfiles };
}

async function withCoverage(run: (session: Session) => Promise<void>): Promise<void> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    await run(session);
    await session.post('Profiler.stopPreciseCoverage');
  } finally {
    session.disconnect();
  }
}

describe('cross-file work (review 45c)', () => {
  it('a monorepo: analyzing the Dockerfiles of N services that each build one is linear in N (item 1)', async (t) => {
    await withCoverage(async (session) => {
      const workOf = (n: number) => {
        const { files, dockerfiles } = monorepo(n);
        const view = mapView(files);
        return counted(session, ['computeBuildOf'], () => {
          let findings = 0;
          for (const p of dockerfiles) findings += analyze(allRules, 'dockerfile', p, files.get(p)!, view).findings.length;
          return findings;
        });
      };
      await workOf(20); // compiles what the runs use, so that both sizes count the same kind of work
      const small = await workOf(150);
      const large = await workOf(300);
      assert.equal(large.findings, 2 * small.findings);
      const js = large.js / small.js;
      const report = `JavaScript ${small.js} → ${large.js} (×${js.toFixed(2)}), computeBuildOf ${small.calls.get('computeBuildOf')} → ${large.calls.get('computeBuildOf')}`;
      t.diagnostic(report);
      assert.ok(js < 2.5, `quadratic work: ${report}`);
      // Its own service's build, for each Dockerfile (a few rules ask; buildOf keeps it per analysis): not every service's.
      assert.ok(large.calls.get('computeBuildOf')! <= 2 * 300, `build paths computed per service per Dockerfile: ${report}`);
    });
  });

  it('an include: project: analyzing its N files is about linear in N, not cubic (item 5)', async (t) => {
    await withCoverage(async (session) => {
      const workOf = (n: number) => {
        const root = `/i${n}`;
        const files = new Map<string, string>();
        let compose = 'include:\n';
        for (let i = 0; i < n; i++) {
          compose += `  - inc/f${i}.yaml\n`;
          files.set(`${root}/inc/f${i}.yaml`, `services:\n  s${i}:\n    image: nginx:1.25\n`);
        }
        files.set(`${root}/compose.yaml`, `${compose}services:\n  app:\n    image: nginx:1.25\n`);
        const view = mapView(files);
        return counted(session, ['includesOf'], () => {
          let findings = 0;
          for (const [p, text] of files) findings += analyze(allRules, 'compose', p, text, view).findings.length;
          return findings;
        });
      };
      await workOf(10);
      const small = await workOf(60);
      const large = await workOf(120);
      assert.ok(large.findings > 1.9 * small.findings, `findings: ${small.findings}, ${large.findings}`);
      const js = large.js / small.js;
      const report = `JavaScript ${small.js} → ${large.js} (×${js.toFixed(2)}), includesOf ${small.calls.get('includesOf')} → ${large.calls.get('includesOf')}`;
      t.diagnostic(report);
      // Each file's analysis still counts the project's N services (DC032): N² calls of small functions, well under the tree walks.
      assert.ok(js < 3, `work superlinear in the project: ${report}`);
    });
  });
});
