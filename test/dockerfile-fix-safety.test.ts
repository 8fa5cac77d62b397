/**
 * Fix safety of Dockerfile rules whose fixes can break a build they do not see: `safe: false` keeps
 * them out of fix-all and `check --fix` (they stay quick fixes). The fixture tests apply every fix
 * whatever its flag, so the flag is asserted here, on the rules' own fixtures.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { allRules, analyze, applyFix, DEFAULT_CONFIG, fixFinding, moreFixesFor, type FileSet, type WorkspaceView } from '../rules';
import { DiskWorkspace } from '../rules/node/files';
import { buildkitDirectives } from '../rules/engine/directives';
import type { DockerfileContext } from '../rules/engine/dockerfile';
import { analyzeCase, caseRoot, loadCases, viewOf, type FixtureCase } from './helpers/fixtures';
import { tempDir } from './helpers/temp';

/** The safety flag of each fix a rule offers on one fixture case, in the order of the findings' lines: `line:safe` (1-based lines). */
function flagsOf(code: string, name: string, view?: (c: FixtureCase) => WorkspaceView): string[] {
  const c = loadCases(code).find((x) => x.name === name);
  assert.ok(c, `no fixture ${code}/${name}`);
  const analysis = view ? analyze(allRules, c.kind, c.target, c.files.get(c.target) ?? '', view(c), c.config) : analyzeCase(c);
  const out: string[] = [];
  for (const f of analysis.findings.filter((x) => x.code === code).sort((a, b) => a.range.start.line - b.range.start.line)) {
    const fix = fixFinding(allRules, analysis.context, f);
    if (fix) out.push(`${f.range.start.line + 1}:${fix.safe}`);
  }
  return out;
}

const safeOnly = (flags: string[]) => flags.map((f) => f.split(':')[1]);

/**
 * A tar stream's first blocks (what a gzip tar decompresses to): a header for `name` with a valid
 * checksum, then an empty block. `ustar` adds the ustar magic, `mode` a mode field; `signed` writes the
 * checksum as the signed sum of the header bytes, as some old tars did.
 */
function tarHeader(name: string, opts: { ustar?: boolean; mode?: string; signed?: boolean } = {}): Buffer {
  const tar = Buffer.alloc(1024);
  tar.write(name, 0, 'latin1');
  if (opts.mode) tar.write(opts.mode, 100);
  if (opts.ustar) tar.write('ustar', 257);
  tar.write('        ', 148);
  let sum = 0;
  for (let k = 0; k < 512; k++) sum += opts.signed && tar[k] > 127 ? tar[k] - 256 : tar[k];
  tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return tar;
}

describe('DF030/DF036: a cleanup run with sudo is a quick fix only (the sudoers rules may allow the install tool only: review 34, probe sudo30)', () => {
  it('sudo rm -rf /var/lib/apt/lists/*, sudo dnf clean all', () => {
    assert.deepEqual(flagsOf('DF030', 'fires-sudo-user.dockerfile'), ['5:false']);
    assert.deepEqual(flagsOf('DF036', 'fires-sudo-user.dockerfile'), ['6:false']);
  });
});

describe('DF011: "Remove sudo" in front of a program of the same meaning as a builtin stays safe (review 42a, item 1)', () => {
  it('echo without -e or backslashes, test, true, [, printf, a path, sudo\'s own NAME=value words', () => {
    assert.deepEqual(safeOnly(flagsOf('DF011', 'fires-program-named-like-builtin.dockerfile')), ['true', 'true', 'true', 'true', 'true', 'true', 'true']);
  });
});

describe('DF030: removing the apt lists is not safe when a later RUN may install from them', () => {
  it('a stage built on this one installs without its own apt-get update (maybe-finance): certain to break, so no fix at all (review 48b)', () => {
    assert.deepEqual(flagsOf('DF030', 'fires-later-stage-installs.dockerfile'), []);
  });

  it('a later RUN of the stage or of a stage built on it by name installs a named package first: no fix; a conditional, variable, already-installed, ONBUILD or after-a-script install leaves the quick fix (review 48b, finding 1)', () => {
    assert.deepEqual(flagsOf('DF030', 'fires-later-install-proven.dockerfile'), ['25:false', '34:false']);
  });

  it('stages built on this one, directly or through others, run scripts or make that may install (discourse)', () => {
    assert.deepEqual(flagsOf('DF030', 'fires-derived-stage-runs-script.dockerfile'), ['7:false', '20:false']);
  });

  it('a later RUN of the same stage installs without updating (laradock): no fix; a RUN whose later RUNs do not is safe', () => {
    assert.deepEqual(flagsOf('DF030', 'fires-same-stage-install-only.dockerfile'), ['15:true']);
  });

  it('a later stage reads the lists with apt-cache (madison, show); `apt-cache --version` does not (review 8)', () => {
    assert.deepEqual(flagsOf('DF030', 'fires-later-apt-cache.dockerfile'), ['5:false', '15:true', '21:false']);
  });

  it('a later RUN removes or purges packages by name, which needs the lists for a name not installed (review 26); autoremove does not', () => {
    assert.deepEqual(flagsOf('DF030', 'fires-later-apt-remove.dockerfile'), ['6:false', '12:false', '18:true']);
  });

  it('a later `FROM base-${TARGETARCH}` may build on the stage', () => {
    assert.deepEqual(safeOnly(flagsOf('DF030', 'fires-stage-named-by-arg.dockerfile')), ['false', 'false']);
  });

  it('safe when the stages built on it run only known commands, update first, or mount a cache over the lists', () => {
    assert.deepEqual(flagsOf('DF030', 'fires-later-stages-safe.dockerfile'), ['8:true']);
  });

  it('the single-stage shapes stay safe', () => {
    const flags = safeOnly(flagsOf('DF030', 'fires-shapes.dockerfile'));
    assert.equal(flags.length, 8);
    assert.deepEqual(flags.filter((f) => f !== 'true'), []);
  });
});

describe('DF035: --no-cache-dir is not safe on a release whose packaged pip predates it', () => {
  it('Debian 8 and Ubuntu 14.04 stages (and stages built on them) get a quick fix only; bookworm stays safe (moby)', () => {
    assert.deepEqual(flagsOf('DF035', 'fires-old-distro-pip.dockerfile'), ['5:false', '9:false', '13:false', '17:true', '22:false', '26:false', '30:false']);
  });
});

describe('DF034: removing apk update is safe only when every later apk command fetches the index itself', () => {
  it('apk add --no-cache after it: safe; apk upgrade after it: quick fix only (review 10, probe df-08); the `apk add jq` of the sh -c string gets a safe --no-cache (review55a F2)', () => {
    assert.deepEqual(flagsOf('DF034', 'fires-apk-update.dockerfile'), ['4:true', '7:false', '13:false', '13:true', '18:false', '23:false', '25:true', '30:false']);
  });
});

describe('DF030/DF034: the package index is needed by a container that installs as it starts (review 39c)', () => {
  it('DF030: CMD/ENTRYPOINT/HEALTHCHECK that install or read the lists (`sh -c`, shell form), or run a script, also in a stage built on this one; the application itself does not', () => {
    assert.deepEqual(flagsOf('DF030', 'fires-start-command-installs.dockerfile'), ['5:false', '11:false', '17:false', '23:false', '29:false', '36:true']);
  });

  it('DF034: the same for "Remove apk update" and "Add --no-cache" on `apk add --update`', () => {
    assert.deepEqual(flagsOf('DF034', 'fires-start-command-installs.dockerfile'), ['5:false', '11:false', '17:false', '23:false', '30:true']);
  });
});

describe('DF034: "Add --no-cache" on `apk add --update` takes away the index it keeps (review 39c)', () => {
  it('not safe when a later command, RUN or stage built on it may install from it (a script from the PATH, a later command of the RUN, `FROM base`); safe otherwise and without --update', () => {
    assert.deepEqual(flagsOf('DF034', 'fires-update-index-needed-later.dockerfile'), ['7:false', '14:false', '19:true', '27:false', '27:true', '29:true', '34:false']);
  });
});

/** The title and safety flag of each fix a rule offers on one fixture case: `line:safe:title` (1-based lines). */
function fixesOf(code: string, name: string): string[] {
  const c = loadCases(code).find((x) => x.name === name);
  assert.ok(c, `no fixture ${code}/${name}`);
  const analysis = analyzeCase(c);
  return analysis.findings
    .filter((x) => x.code === code)
    .map((f) => ({ f, fix: fixFinding(allRules, analysis.context, f) }))
    .filter((x) => x.fix)
    .map(({ f, fix }) => `${f.range.start.line + 1}:${fix!.safe}:${fix!.title}`);
}

describe('DF020: the image another service runs or another Dockerfile builds on keeps what it lost unseen (review 40b)', () => {
  it('a service that runs the image without building it (another tag of it), or another compose file beside it that runs it (`image: ghcr.io/acme/api:${TAG}`): the move is not safe', () => {
    assert.deepEqual(fixesOf('DF020', 'move-env-image-run-by-another-service'), ['5:false:Move STRIPE_API_KEY to .env (service api; service api names the registry image acme/api:dev, which docker compose push publishes without STRIPE_API_KEY)']);
    assert.deepEqual(fixesOf('DF020', 'move-env-image-run-by-prod-file'), ['5:false:Move STRIPE_API_KEY to .env (service api; service api names the registry image ghcr.io/acme/api:${TAG:-dev}, which docker compose push publishes without STRIPE_API_KEY)']);
  });

  it('a Dockerfile built on the image (`additional_contexts: service:base`, or `FROM ${BASE_IMAGE}` given the image by build.args): the move is not safe', () => {
    assert.deepEqual(fixesOf('DF020', 'move-env-image-built-on-by-context'), ['3:false:Move APP_SIGNING_KEY to .env (service base)']);
    assert.deepEqual(fixesOf('DF020', 'move-env-image-built-on-by-from'), ['3:false:Move APP_SIGNING_KEY to .env (service base; service base names the registry image acme/base:dev, which docker compose push publishes without APP_SIGNING_KEY)']);
  });

  it('a service that sets the name itself (an env_file that sets it, a value in environment:) keeps its value: the ENV is only removed, as a quick fix, and nothing is written to .env (review 40b r1, p23)', () => {
    assert.deepEqual(fixesOf('DF020', 'no-move-env-file-sets-it'), ['5:false:Remove JWT_SECRET from the image (service api sets it)']);
    assert.deepEqual(fixesOf('DF020', 'no-move-compose-sets-it'), ['5:false:Remove DJANGO_SECRET_KEY from the image (service api sets it)']);
  });

  it('an env_file that cannot be read may set it: the move is not safe', () => {
    assert.deepEqual(fixesOf('DF020', 'move-env-env-file-unread'), ['5:false:Move JWT_SECRET to .env (service api)']);
  });

  it('safe when nothing else runs or builds on the image (other images run, another image in another compose file) and the env_file does not set the name', () => {
    assert.deepEqual(fixesOf('DF020', 'move-env-image-used-by-nothing-else'), ['5:true:Move STRIPE_API_KEY to .env (service api)']);
    assert.deepEqual(fixesOf('DF020', 'move-env-to-compose-map'), ['6:true:Move STRIPE_API_KEY to .env (service api)']);
  });
});

describe('DF030/DF034: another Dockerfile built on the image through compose may install from its index (review 40b)', () => {
  it('DF030: `FROM acme/base:local` where a service builds that image, or `FROM base` with `additional_contexts: service:base`: not safe', () => {
    assert.deepEqual(flagsOf('DF030', 'fires-image-built-on-through-compose'), ['3:false']);
    assert.deepEqual(flagsOf('DF030', 'fires-image-built-on-through-context'), ['3:false']);
  });

  it('DF030: a service that only runs the image installs nothing at build time: safe', () => {
    assert.deepEqual(flagsOf('DF030', 'fires-image-run-not-built-on'), ['3:true']);
  });

  it('DF034: `apk add --update` in an image another Dockerfile builds on: "Add --no-cache" is not safe', () => {
    assert.deepEqual(flagsOf('DF034', 'fires-image-built-on-through-compose'), ['3:false']);
  });
});

describe('DF035: a base image built through compose on an old release has a pip without --no-cache-dir (review 40b, p21)', () => {
  it('not safe when the FROM names an image a service builds on debian:jessie, or a `service:` build context that is; safe on a current release', () => {
    assert.deepEqual(flagsOf('DF035', 'fires-base-built-on-old-release'), ['4:false']);
    assert.deepEqual(flagsOf('DF035', 'fires-base-context-on-old-release'), ['4:false']);
    assert.deepEqual(flagsOf('DF035', 'fires-base-built-on-current-release'), ['4:true']);
  });
});

describe('DF040: the exec form is safe only when it runs the same program with the same arguments', () => {
  it('safe for a program on PATH over an image that runs CMD as given (node)', () => {
    assert.deepEqual(flagsOf('DF040', 'fires-crlf.dockerfile'), ['6:true']);
  });

  it('not safe for an ENTRYPOINT (it would start getting CMD and run arguments) or a CMD an ENTRYPOINT receives', () => {
    assert.deepEqual(flagsOf('DF040', 'fires-entrypoint-with-cmd.dockerfile'), ['7:false']);
    assert.deepEqual(flagsOf('DF040', 'fires-shell-form.dockerfile'), ['8:false', '10:false']);
  });

  it('not safe for a CMD given to the entrypoint of a base image that branches on its first argument (redis)', () => {
    assert.deepEqual(flagsOf('DF040', 'fires-base-entrypoint.dockerfile'), ['6:false']);
  });

  it('not safe for a script of the build, which may have no #! line (nopCommerce)', () => {
    assert.deepEqual(flagsOf('DF040', 'fires-script-no-shebang.dockerfile'), ['6:false']);
  });

  it('not safe for a file a RUN writes by path, which may have no #! line (review 6, probe df-02)', () => {
    assert.deepEqual(flagsOf('DF040', 'fires-script-written-by-run.dockerfile'), ['6:false']);
    assert.deepEqual(flagsOf('DF040', 'fires-script-written-relative.dockerfile'), ['7:false'], 'by a relative name (review 7, probe 01)');
  });

  it('no fix when the shell text is more than one simple command, a syntax error or a builtin (review 36, probes p12 and p51)', () => {
    const view: WorkspaceView = { readText: () => undefined, exists: () => false, listDir: () => undefined };
    const fixOf = (cmd: string) => {
      const a = analyze(allRules, 'dockerfile', '/w/Dockerfile', `FROM debian:12-slim\nUSER 1000\nHEALTHCHECK NONE\nCMD ${cmd}\n`, view, DEFAULT_CONFIG);
      const f = a.findings.find((x) => x.code === 'DF040');
      assert.ok(f, `DF040 reports CMD ${cmd}`);
      return fixFinding(allRules, a.context, f);
    };
    const refused = [
      'node server.js &', 'node x & ', 'node x ;;', 'node x ; ;', 'node x )', 'node x }', 'node "x', "node x' y", '(node x', 'node x |', 'node x &&', 'node x ||',
      ';node x', '& node x', 'node x 1>', 'node x >',
      ': x', '. /env', 'break', 'continue', 'eval node x', 'exec', 'exec -a app node', 'exit 0', 'export A=1', 'readonly A', 'return', 'set -e', 'shift', 'times',
      'trap "" TERM', 'unset A', 'alias a=b', 'bg', 'cd /app', 'command node x', 'fc', 'fg', 'getopts a b', 'hash node', 'jobs', 'read x', 'type node', 'ulimit -n',
      'umask 022', 'unalias a', 'wait', 'source /env', 'local a', 'shopt -s x',
    ];
    for (const cmd of refused) assert.equal(fixOf(cmd), undefined, `no fix for CMD ${cmd}`);
    // One plain command, and words that are reserved only where a command starts, stay fixed.
    for (const [cmd, argv] of [['node x', '["node", "x"]'], ['node x   ', '["node", "x"]'], ['node x fi', '["node", "x", "fi"]'], ["node 'a b'", '["node", "a b"]'], ['true', '["true"]']] as const) {
      const fix = fixOf(cmd);
      assert.equal(fix?.safe, true, `CMD ${cmd}`);
      const change = fix.changes[0];
      assert.ok(change.kind === 'edit');
      assert.equal(change.edits[0].newText, argv);
    }
  });
});

describe('DF011: removing sudo is safe only when the environment sudo resets would not change the command', () => {
  it('not safe after an assignment, an ENV or an ARG (sudoers env_reset and secure_path drop them)', () => {
    assert.deepEqual(flagsOf('DF011', 'fires-environment-reset.dockerfile'), ['4:true', '7:false', '11:false', '17:false']);
  });
  it('behind another wrapper: safe when the wrappers pass no assignment on (timeout, xargs, nice), not after env FOO=1', () => {
    assert.deepEqual(flagsOf('DF011', 'fires-behind-wrappers.dockerfile'), ['4:true', '6:true', '8:true', '11:false']);
  });
  it('not safe after an export earlier in the script (export, set -a, declare -x, . file): sudo drops what it exports (review 40, strings helper)', () => {
    assert.deepEqual(flagsOf('DF011', 'fires-exported-before.dockerfile'), ['4:false', '6:false', '9:true']);
  });
  it('never safe inside the script string of a shell (sh -c \'sudo …\'): the outer script gives that shell its environment (review 39c, item 3)', () => {
    assert.deepEqual(flagsOf('DF011', 'fires-in-shell-string.dockerfile'), ['5:false', '7:false', '10:false', '12:false']);
  });
});

describe('DF012: removing EXPOSE 22 is a quick fix only', () => {
  it('docker run -P stops publishing the port, and a git server exposes it for git over SSH (Gogs)', () => {
    assert.deepEqual(safeOnly(flagsOf('DF012', 'fires-final-stage.dockerfile')).filter((f) => f !== 'false'), []);
    assert.ok(flagsOf('DF012', 'fires-final-stage.dockerfile').length > 0, 'the removal is still offered');
  });
});

describe('DF049: removing RUN --security=insecure is a quick fix only', () => {
  it('the step may need what the sandbox blocks (io_uring tests, mounts, systemd)', () => {
    const flags = flagsOf('DF049', 'fires-insecure.dockerfile');
    assert.ok(flags.length > 0, 'the removal is offered');
    assert.deepEqual(safeOnly(flags).filter((f) => f !== 'false'), []);
  });
});

describe('DR003: a .dockerignore shared by other Dockerfiles of the build context is not safe to extend', () => {
  it('not safe when another Dockerfile in the context folder ADDs a file a new line excludes (discourse nginx_public_keys.key)', () => {
    assert.deepEqual(safeOnly(flagsOf('DR003', 'fires-shared-context-other-adds-key')), ['false']);
  });

  it('not safe when another Dockerfile in the context folder runs git and `.git` is added (gitea)', () => {
    assert.deepEqual(safeOnly(flagsOf('DR003', 'fires-shared-context-other-runs-git')), ['false']);
  });

  it('not safe when a compose service with the same build context copies a file a new line excludes', () => {
    assert.deepEqual(safeOnly(flagsOf('DR003', 'fires-shared-context-compose-service')), ['false']);
  });

  it('not safe when that service is written in compose.override.yaml, which docker compose reads by default (review probe pj-05)', () => {
    assert.deepEqual(safeOnly(flagsOf('DR003', 'fires-shared-context-override-service')), ['false']);
  });

  it('safe when the other Dockerfiles need nothing excluded or have their own <Dockerfile>.dockerignore', () => {
    assert.deepEqual(safeOnly(flagsOf('DR003', 'fires-shared-context-safe')), ['true']);
    assert.deepEqual(safeOnly(flagsOf('DR003', 'fires-appends-missing')), ['true']);
  });

  it('not safe when it adds .git and a build step runs after the whole-context copy (a Makefile\'s git describe, Go\'s VCS stamp: syncthing, cloudflared)', () => {
    assert.deepEqual(safeOnly(flagsOf('DR003', 'fires-creates-dockerignore')), ['false']);
    const run = (dockerfile: string, extra: [string, string][] = []) => {
      const files: FileSet = new Map([['/r/Dockerfile', dockerfile], ...extra]);
      const view = viewOf(files, '/r');
      const analysis = analyze(allRules, 'dockerfile', '/r/Dockerfile', dockerfile, view, DEFAULT_CONFIG);
      const f = analysis.findings.find((x) => x.code === 'DR003');
      const fix = f && fixFinding(allRules, analysis.context, f);
      return fix ? `${fix.safe}:${fix.changes[0].kind === 'create' ? fix.changes[0].content.trim().split('\n').join(' ') : ''}` : 'none';
    };
    assert.equal(run('FROM golang:1.27\nWORKDIR /src\nCOPY . .\nRUN make app\n'), 'false:.git **/.env **/*.pem **/*.key **/id_rsa*');
    assert.equal(run('FROM golang:1.27\nWORKDIR /src\nRUN --mount=type=bind,target=/src go build -o /app .\nCOPY . .\n'), 'false:.git **/.env **/*.pem **/*.key **/id_rsa*', 'a bind mount of the context reads it too');
    assert.equal(run('FROM nginx:1.30-alpine\nCOPY . /usr/share/nginx/html\n'), 'true:.git **/.env **/*.pem **/*.key **/id_rsa*', 'nothing runs after the copy');
    // Not a repository root: no .git to exclude, nothing for a build step to miss.
    const sub = new Map([['/r/web/Dockerfile', 'FROM node:24-alpine\nCOPY . .\nRUN npm run build\n']]);
    const a = analyze(allRules, 'dockerfile', '/r/web/Dockerfile', sub.get('/r/web/Dockerfile')!, viewOf(sub, '/r'), DEFAULT_CONFIG);
    const fix = fixFinding(allRules, a.context, a.findings.find((x) => x.code === 'DR003')!)!;
    assert.equal(fix.safe, true);
    assert.deepEqual(fix.changes[0].kind === 'create' && fix.changes[0].content, '**/.env\n**/*.pem\n**/*.key\n**/id_rsa*\n');
  });

  it('a Dockerfile built from a folder above its own: the context its COPY sources show, or no finding when a folder above keeps the .dockerignore (loki, uptime-kuma)', () => {
    const loki: FileSet = new Map([
      ['/r/cmd/loki/Dockerfile', 'FROM golang:1.27 AS build\nWORKDIR /src\nCOPY . .\nRUN make loki\nFROM alpine:3.22\nCOPY --from=build /src/loki /usr/bin/loki\nCOPY cmd/loki/loki-docker-config.yaml /etc/loki/local-config.yaml\n'],
    ]);
    const a = analyze(allRules, 'dockerfile', '/r/cmd/loki/Dockerfile', loki.get('/r/cmd/loki/Dockerfile')!, viewOf(loki, '/r'), DEFAULT_CONFIG);
    const f = a.findings.find((x) => x.code === 'DR003')!;
    assert.match(f.message, /the build context \(\.\.\/\.\.\)/);
    const fix = fixFinding(allRules, a.context, f)!;
    assert.equal(fix.changes[0].kind === 'create' && fix.changes[0].path, '/r/.dockerignore', 'the ignore file at the root of that context');
    loki.set('/r/.dockerignore', '.git\n**/.env\n**/*.pem\n**/*.key\n**/id_rsa*\n');
    const b = analyze(allRules, 'dockerfile', '/r/cmd/loki/Dockerfile', loki.get('/r/cmd/loki/Dockerfile')!, viewOf(loki, '/r'), DEFAULT_CONFIG);
    assert.equal(b.findings.filter((x) => x.code === 'DR003').length, 0, 'that ignore file excludes them');
    const kuma: FileSet = new Map([
      ['/r/docker/dockerfile', 'FROM node:24-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci\n'],
      ['/r/.dockerignore', 'node_modules\n'],
    ]);
    const c = analyze(allRules, 'dockerfile', '/r/docker/dockerfile', kuma.get('/r/docker/dockerfile')!, viewOf(kuma, '/r'), DEFAULT_CONFIG);
    assert.equal(c.findings.filter((x) => x.code === 'DR003').length, 0, 'the context is not known: not judged');
  });

  it('a Dockerfile in a subfolder whose COPY sources are only in a folder above is built from there (review 27, probe df-02)', () => {
    const files: FileSet = new Map([
      ['/r/build/operator.Dockerfile', 'FROM golang:1.24 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /operator ./cmd/operator\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /operator /operator\nENTRYPOINT ["/operator"]\n'],
      ['/r/go.mod', 'module example.com/op\n'],
      ['/r/go.sum', ''],
      ['/r/.env', 'TOKEN=x\n'],
    ]);
    const a = analyze(allRules, 'dockerfile', '/r/build/operator.Dockerfile', files.get('/r/build/operator.Dockerfile')!, viewOf(files, '/r'), DEFAULT_CONFIG);
    const f = a.findings.find((x) => x.code === 'DR003')!;
    assert.match(f.message, /the build context \(\.\.\)/);
    const fix = fixFinding(allRules, a.context, f)!;
    assert.equal(fix.changes[0].kind === 'create' && fix.changes[0].path, '/r/.dockerignore', 'the ignore file the build from the root reads');
    // With an ignore file of its own, its folder is the context it was written for (review 28, probe 08).
    files.set('/r/build/.dockerignore', '.git\n**/.env\n**/*.pem\n**/*.key\n**/id_rsa*\n');
    const b = analyze(allRules, 'dockerfile', '/r/build/operator.Dockerfile', files.get('/r/build/operator.Dockerfile')!, viewOf(files, '/r'), DEFAULT_CONFIG);
    assert.equal(b.findings.filter((x) => x.code === 'DR003').length, 0);
  });

  it('when the workspace cannot list the folder, any other Dockerfile found by a well-known name makes it not safe', () => {
    const unlisted = (c: FixtureCase): WorkspaceView => {
      const { readText, exists } = viewOf(c.files, caseRoot(c));
      return { readText, exists };
    };
    assert.deepEqual(safeOnly(flagsOf('DR003', 'fires-shared-context-safe', unlisted)), ['false']);
    // Nor can it tell whether the new lines would drop a file the image ships today (review 6, probe df-03).
    assert.deepEqual(safeOnly(flagsOf('DR003', 'fires-appends-missing', unlisted)), ['false']);
    assert.deepEqual(safeOnly(flagsOf('DR003', 'fires-appends-missing')), ['true'], 'listed, and nothing in the context is dropped');
  });

  it('DR003 does not follow a symbolic link in the context: Docker sends it as a link (review 19, probe 09)', () => {
    const root = tempDir('dg-dr003-link-');
    try {
      const ctxDir = path.join(root, 'ctx');
      const outside = path.join(root, 'outside');
      fs.mkdirSync(ctxDir);
      fs.mkdirSync(outside);
      fs.writeFileSync(path.join(outside, '.env.local'), 'AWS_SECRET_ACCESS_KEY=outside-not-sent\n');
      fs.symlinkSync(outside, path.join(ctxDir, 'shared'));
      fs.writeFileSync(path.join(ctxDir, '.dockerignore'), '**/.env\n**/*.pem\n**/*.key\n**/id_rsa*\n');
      const dockerfile = path.join(ctxDir, 'Dockerfile');
      fs.writeFileSync(dockerfile, 'FROM alpine:3.22\nCOPY . /srv\nUSER 1000\n');
      const run = () => analyze(allRules, 'dockerfile', dockerfile, fs.readFileSync(dockerfile, 'utf8'), new DiskWorkspace(), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DR003');
      assert.deepEqual(run(), [], 'the .env.local behind the link is not in the context');
      // The same file in a real folder is.
      fs.mkdirSync(path.join(ctxDir, 'real'));
      fs.writeFileSync(path.join(ctxDir, 'real', '.env.local'), 'AWS_SECRET_ACCESS_KEY=inside\n');
      assert.equal(run().length, 1);
      // A linked env file is sent as a link: its target outside the context is not sent (review 21, probe 11).
      fs.rmSync(path.join(ctxDir, 'real'), { recursive: true });
      fs.symlinkSync(path.join(outside, '.env.local'), path.join(ctxDir, '.env.production'));
      assert.deepEqual(run(), []);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('not safe when the new lines would drop a file the context holds today (a public CA bundle the image ships: review 6, probe df-03)', () => {
    assert.deepEqual(flagsOf('DR003', 'fires-context-holds-certificate'), ['5:false']);
    assert.deepEqual(flagsOf('DR003', 'fires-context-reincluded-certificate'), ['5:false'], 're-included by a ! line of the old ignore file (review 7, probe 02)');
    // A `.env.local` the build may read (Next.js reads it at build time): reported, but excluding it is the author's call (review 17, probe df-04).
    assert.deepEqual(flagsOf('DR003', 'fires-context-holds-env-variant'), ['5:false']);
    // One folder down too (a monorepo built from its root: review 18, probe 08).
    assert.deepEqual(flagsOf('DR003', 'fires-env-variant-in-subfolder'), ['5:false']);
  });

  it('a Dockerfile-specific ignore file is read by its Dockerfile alone: another Dockerfile beside it does not matter', () => {
    const files: FileSet = new Map([
      ['/p/Dockerfile', 'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nUSER node\n'],
      ['/p/Dockerfile.dockerignore', 'node_modules\n'],
      ['/p/nginx.Dockerfile', 'FROM nginx:1.28-alpine\nCOPY tls/server.key /etc/nginx/server.key\n'],
    ]);
    const analysis = analyze(allRules, 'dockerfile', '/p/Dockerfile', files.get('/p/Dockerfile')!, viewOf(files), DEFAULT_CONFIG);
    const f = analysis.findings.find((x) => x.code === 'DR003')!;
    const fix = fixFinding(allRules, analysis.context, f)!;
    assert.equal(fix.title, 'Exclude secrets in Dockerfile.dockerignore');
    assert.equal(fix.safe, true);
  });
});

describe('DF010: the image\'s own user is offered besides uid 1000', () => {
  const titles = (text: string) => {
    const set: FileSet = new Map([['/d/Dockerfile', text]]);
    const analysis = analyze(allRules, 'dockerfile', '/d/Dockerfile', text, viewOf(set), DEFAULT_CONFIG);
    const f = analysis.findings.find((x) => x.code === 'DF010');
    assert.ok(f, 'DF010 fires');
    return [fixFinding(allRules, analysis.context, f), ...moreFixesFor(allRules, analysis.context, f)].filter((x) => !!x).map((x) => `${x.title}:${x.safe}`);
  };

  it('a user the final stage (or a stage it builds on) creates with useradd or adduser: the last one, by its first operand (saleor, PostHog)', () => {
    assert.deepEqual(titles('FROM python:3.13-slim\nRUN groupadd -r saleor && useradd -r -g saleor saleor\nCOPY . /app\nCMD ["gunicorn", "app"]\n'), ['Run as USER 1000:false', 'Run as USER saleor:false']);
    assert.deepEqual(titles('FROM node:24-alpine AS base\nRUN addgroup -S app && adduser -S -G app -h /home/app -s /bin/sh app\nFROM base\nCOPY . /app\nCMD ["node", "/app/server.js"]\n'), ['Run as USER 1000:false', 'Run as USER app:false']);
    assert.deepEqual(titles('FROM debian:12-slim\nRUN useradd --uid 10001 --home-dir /srv --shell /usr/sbin/nologin svc\nUSER root\nCMD ["/srv/run"]\n'), ['Run as USER 1000:false', 'Run as USER svc:false']);
  });

  it('"Run as USER <name>" applied: the USER line is the image\'s user, DF010 is gone and nothing else changes', () => {
    const text = 'FROM python:3.13-slim\nRUN groupadd -r saleor && useradd -r -g saleor saleor\nCOPY . /app\nCMD ["gunicorn", "app"]\n';
    const set: FileSet = new Map([['/d/Dockerfile', text]]);
    const before = analyze(allRules, 'dockerfile', '/d/Dockerfile', text, viewOf(set), DEFAULT_CONFIG);
    const finding = before.findings.find((x) => x.code === 'DF010')!;
    const fix = moreFixesFor(allRules, before.context, finding).find((x) => x.title === 'Run as USER saleor');
    assert.ok(fix, 'the fix is offered');
    const after = applyFix(set, fix).get('/d/Dockerfile')!;
    assert.equal(after, 'FROM python:3.13-slim\nRUN groupadd -r saleor && useradd -r -g saleor saleor\nCOPY . /app\nUSER saleor\nCMD ["gunicorn", "app"]\n');
    const again = analyze(allRules, 'dockerfile', '/d/Dockerfile', after, viewOf(new Map([['/d/Dockerfile', after]])), DEFAULT_CONFIG);
    const others = (a: typeof before) => a.findings.filter((x) => x.code !== 'DF010').map((x) => `${x.code}@${x.range.start.line}`);
    assert.deepEqual(again.findings.filter((x) => x.code === 'DF010'), [], 'DF010 is gone');
    // The inserted line shifts the findings below it by one.
    assert.deepEqual(others(again), others(before).map((k) => k.replace(/@(\d+)$/, (_m, l: string) => `@${Number(l) >= 3 ? Number(l) + 1 : l}`)));
    assert.deepEqual(again.failures, []);
  });

  it('none when the name is a variable, or only a builder stage creates one', () => {
    assert.deepEqual(titles('FROM debian:12-slim\nARG NAME=app\nRUN useradd "$NAME"\nCMD ["/srv/run"]\n'), ['Run as USER 1000:false']);
    assert.deepEqual(titles('FROM debian:12-slim AS build\nRUN useradd builder\nFROM debian:12-slim\nCOPY --from=build /out /out\nCMD ["/out/run"]\n'), ['Run as USER 1000:false']);
  });
});

describe('DF039: a merge is not safe when the first RUN may install a new copy of a program the second runs', () => {
  it('nor when the first RUN points /bin/sh at bash (review 10, probe df-05)', () => {
    assert.deepEqual(flagsOf('DF039', 'fires-replaces-bin-sh.dockerfile'), ['6:false', '13:false', '18:false']);
  });

  it('nor when each RUN\'s shell reads startup files: a login or interactive SHELL, or ENV BASH_ENV (review 13, probes df-01 and df-02)', () => {
    assert.deepEqual(flagsOf('DF039', 'fires-startup-files.dockerfile'), ['8:false', '10:false', '17:false', '24:false', '30:true', '38:false', '44:false', '51:false', '56:false']);
  });

  it('nor when the first RUN runs a builtin that changes the shell through `command` (`command umask 0077`, `command . file`); `command -v` changes nothing (review 33, probes p42, p43); `command . file` last is not merged at all (task exit0: the sourced file may set -e, ignored before `&&`)', () => {
    assert.deepEqual(flagsOf('DF039', 'fires-command-builtin.dockerfile'), ['5:false', '17:false', '21:false', '27:false', '34:false', '40:true']);
  });

  it('pip3 upgrading pip, npm installing npm, a version manager (n lts), a use inside $(…): the merged shell would run the copy it hashed first (review 6 df-01, review 7 probe 03); safe when the program never ran before', () => {
    assert.deepEqual(flagsOf('DF039', 'fires-reinstalls-program.dockerfile'), ['5:true', '7:false', '12:false', '18:false', '23:false', '29:true']);
  });
});

describe('DF015: ADD → COPY is safe only for a source that is not a tar archive by content (review 13, probe df-03)', () => {
  /** DF015's findings on `text` written as `dir`/Dockerfile, each as `line:severity:safe` (`none` without a fix). */
  const df015In = (dir: string, text: string) => {
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, text);
    const analysis = analyze(allRules, 'dockerfile', file, text, new DiskWorkspace(), DEFAULT_CONFIG);
    const found = analysis.findings.filter((f) => f.code === 'DF015').map((f) => {
      const fix = fixFinding(allRules, analysis.context, f);
      return `${f.range.start.line + 1}:${f.severity}:${fix ? fix.safe : 'none'}`;
    });
    return { analysis, found };
  };
  it('reads the sources in the build context: an archive named like a plain file is reported as one; a file not found is judged by its name', () => {
    const dir = tempDir('dg-df015-');
    try {
      // A gzip tar: a header with a valid checksum (a gzip of anything else is copied as it is: review 34).
      fs.writeFileSync(path.join(dir, 'rootfs'), zlib.gzipSync(tarHeader('etc/os-release')));
      fs.writeFileSync(path.join(dir, 'blob'), Buffer.from([0x00, 0x01, 0x02, 0x03]));
      fs.writeFileSync(path.join(dir, 'notes'), 'plain text\n');
      fs.mkdirSync(path.join(dir, 'conf'));
      fs.writeFileSync(path.join(dir, 'conf', 'app.ini'), '[app]\n');
      // A text that starts with `BZh` is no bzip2 stream (review 14, probe 06); an Alpine .apk is a gzip tar, even unseen (probe 04).
      fs.writeFileSync(path.join(dir, 'bzh-notes'), 'BZh is the first word of these notes\n');
      const text = ['FROM alpine:3.22', 'ADD rootfs /opt/', 'ADD blob /opt/', 'ADD notes /opt/', 'ADD conf /etc/app/', 'ADD missing /opt/', 'ADD missing.yml /opt/', 'ADD bzh-notes /opt/', 'ADD pkg/app-1.0-r0.apk /tmp/', 'USER 1000', ''].join('\n');
      const { analysis, found } = df015In(dir, text);
      assert.deepEqual(found, ['2:info:none', '3:warning:false', '4:warning:true', '5:warning:true', '6:warning:false', '7:warning:true', '8:warning:true', '9:warning:false']);
      assert.match(analysis.findings.find((f) => f.code === 'DF015')!.message, /ADD extracts the local archive rootfs/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an ONBUILD trigger runs with a child build\'s context: a source found here says nothing about it (review 39c, item 1.4)', () => {
    const dir = tempDir('dg-df015-onbuild-');
    try {
      fs.writeFileSync(path.join(dir, 'bundle'), 'plain text here\n');
      const text = ['FROM alpine:3.22', 'ADD bundle /opt/app/', 'ONBUILD ADD bundle /opt/app/', 'ONBUILD ADD app.conf /etc/app/', 'USER 1000', ''].join('\n');
      assert.deepEqual(df015In(dir, text).found, ['2:warning:true', '3:warning:false', '4:warning:true']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a gzip stream that holds no tar is copied as it is: ADD of a gzipped SQL dump is COPY (review 33, probe p30)', () => {
    const dir = tempDir('dg-df015-gz-');
    try {
      const sql = Array.from({ length: 60 }, (_, i) => `INSERT INTO seeds (id, name) VALUES (${i}, 'seed number ${i}');`).join('\n');
      fs.writeFileSync(path.join(dir, 'seed.sql.gz'), zlib.gzipSync(Buffer.from(sql)));
      // A gzip tar whatever its name: a 512-byte ustar header with a valid checksum, padded with NUL bytes.
      fs.writeFileSync(path.join(dir, 'rootfs.sql.gz'), zlib.gzipSync(tarHeader('etc/app.conf', { ustar: true })));
      // A valid tar header (its checksum matches) under a plain .gz name: extracted.
      fs.writeFileSync(path.join(dir, 'v7.gz'), zlib.gzipSync(tarHeader('etc/app.conf', { mode: '0000644\0' })));
      // A short gzip of text, and a binary one, both holding no tar (review 34, probes a15b, a15c).
      fs.writeFileSync(path.join(dir, 'short.gz'), zlib.gzipSync(Buffer.from('SELECT 1;\n')));
      fs.writeFileSync(path.join(dir, 'blob.gz'), zlib.gzipSync(Buffer.from(Array.from({ length: 3000 }, (_, k) => (k * 7919) % 251))));
      // A tar whose checksum is the signed sum of its header (old tars; Go's archive/tar accepts it: review 35, probe d15b).
      fs.writeFileSync(path.join(dir, 'signed.bin'), zlib.gzipSync(tarHeader('caf\u00e9.conf', { signed: true })));
      // A tar named like text, reached by a glob or by a path with a leading `/` (relative to the context: probe d15d).
      fs.writeFileSync(path.join(dir, 'vendor.txt'), zlib.gzipSync(tarHeader('vendor/lib.js')));
      fs.writeFileSync(path.join(dir, 'readme.txt'), 'plain text\n');
      const text = ['FROM postgres:17-bookworm', 'ADD seed.sql.gz /docker-entrypoint-initdb.d/', 'ADD rootfs.sql.gz /', 'ADD missing.sql.gz /docker-entrypoint-initdb.d/', 'ADD dump.tar.gz /srv/', 'ADD v7.gz /', 'ADD short.gz /tmp/', 'ADD blob.gz /tmp/', 'ADD signed.bin /', 'ADD /vendor.txt /srv/', 'ADD *.txt /opt/', ''].join('\n');
      const { found } = df015In(dir, text);
      // Found and text inside: a safe COPY; a tar inside: extracted (information); not found: COPY, not safe (it may hold a tar).
      assert.deepEqual(found, ['2:warning:true', '3:info:none', '4:warning:false', '5:info:none', '6:info:none', '7:warning:true', '8:warning:true', '9:info:none', '10:info:none', '11:warning:false']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('looks only in the context a compose service names: a folder of the same name outside it says nothing (review 14, probe 05)', () => {
    const dir = tempDir('dg-df015-ctx-');
    try {
      fs.mkdirSync(path.join(dir, 'docker'));
      fs.mkdirSync(path.join(dir, 'rootfs'));
      fs.writeFileSync(path.join(dir, 'rootfs', 'etc.conf'), 'x\n');
      fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  app:\n    build:\n      context: ./docker\n');
      const text = 'FROM alpine:3.22\nADD rootfs /\nUSER 1000\n';
      const file = path.join(dir, 'docker', 'Dockerfile');
      fs.writeFileSync(file, text);
      const analysis = analyze(allRules, 'dockerfile', file, text, new DiskWorkspace(), DEFAULT_CONFIG);
      const f = analysis.findings.find((x) => x.code === 'DF015')!;
      assert.equal(fixFinding(allRules, analysis.context, f)?.safe, false, 'rootfs is not found in ./docker: it may be an archive');
      // Two services build it from two contexts: a folder in one, a gzip tar in the other (review 15, probe 08).
      fs.mkdirSync(path.join(dir, 'docker', 'rootfs'));
      fs.mkdirSync(path.join(dir, 'other'));
      fs.writeFileSync(path.join(dir, 'other', 'rootfs'), zlib.gzipSync(tarHeader('etc/app.conf')));
      fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  app:\n    build:\n      context: ./docker\n  other:\n    build:\n      context: ./other\n      dockerfile: ../docker/Dockerfile\n');
      const both = analyze(allRules, 'dockerfile', file, text, new DiskWorkspace(), DEFAULT_CONFIG);
      const f2 = both.findings.find((x) => x.code === 'DF015')!;
      assert.equal(f2.severity, 'info', 'reported as the archive one build unpacks');
      assert.equal(fixFinding(allRules, both.context, f2), undefined);
      // A service whose context is interpolated may build it from anywhere (review 16, probe 07).
      fs.rmSync(path.join(dir, 'other', 'rootfs'));
      fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  app:\n    build:\n      context: ./docker\n  other:\n    build:\n      context: ${OTHER_CONTEXT:-./other}\n      dockerfile: ../docker/Dockerfile\n');
      const unknown = analyze(allRules, 'dockerfile', file, text, new DiskWorkspace(), DEFAULT_CONFIG);
      const f3 = unknown.findings.find((x) => x.code === 'DF015')!;
      assert.equal(fixFinding(allRules, unknown.context, f3)?.safe, false, 'rootfs is a folder in ./docker, unknown in the other context');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Parser directives are read as BuildKit reads them (review 36, probes p47 and p48)', () => {
  const view: WorkspaceView = { readText: () => undefined, exists: () => false, listDir: () => undefined };
  const run = (text: string) => analyze(allRules, 'dockerfile', '/w/Dockerfile', text, view, DEFAULT_CONFIG);
  it('buildkitDirectives: the first line that is no known directive ends them; a name seen twice stops there, and BuildKit refuses it', () => {
    assert.deepEqual(buildkitDirectives('# foo=bar\n# escape=`\nFROM x\n'), { lines: 0, escape: '\\', valid: true });
    assert.deepEqual(buildkitDirectives('# syntax=docker/dockerfile:1\n# check=skip=all\n#\t eScApE = ` \r\nFROM x\n'), { lines: 3, escape: '`', valid: true });
    assert.deepEqual(buildkitDirectives('\uFEFF# escape=`\nFROM x\n'), { lines: 1, escape: '`', valid: true });
    assert.deepEqual(buildkitDirectives('\n# escape=`\nFROM x\n'), { lines: 0, escape: '\\', valid: true });
    assert.deepEqual(buildkitDirectives('# my build\n# escape=`\nFROM x\n'), { lines: 0, escape: '\\', valid: true });
    assert.deepEqual(buildkitDirectives('# my-dir=x\n# escape=`\n'), { lines: 0, escape: '\\', valid: true });
    // A name given twice, or an escape other than \ or `, is an error in BuildKit: the file does not build.
    assert.deepEqual(buildkitDirectives('# escape=\\\n# escape=`\n'), { lines: 1, escape: '\\', valid: false });
    assert.deepEqual(buildkitDirectives('# syntax=a\n# SYNTAX=b\n# escape=`\n'), { lines: 1, escape: '\\', valid: false });
    assert.deepEqual(buildkitDirectives('# escape=x\nFROM x\n'), { lines: 1, escape: '\\', valid: false });
    assert.deepEqual(buildkitDirectives('\u00A0# escape=`\nFROM x\n'), { lines: 1, escape: '`', valid: true });
  });
  it('the escape directive after an unknown one is a comment: the parse continues lines at a backslash', () => {
    const a = run('# foo=bar\n# escape=`\nFROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n      curl \\\n && rm -rf /var/lib/apt/lists/*\n');
    assert.equal((a.context as DockerfileContext).escapeChar, '\\');
    assert.deepEqual(a.findings.filter((f) => f.code === 'DF030'), []);
  });
  it('no fix at all for a file the library reads with another escape character than BuildKit (a no-break space before `# escape=``)', () => {
    const a = run('\u00A0# escape=`\nFROM debian:12-slim\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\n');
    const ctx = a.context as DockerfileContext;
    assert.equal(ctx.escapeAsBuildkit, false);
    const fixable = a.findings.filter((f) => f.code === 'DF033' || f.code === 'DF039');
    assert.ok(fixable.length > 0, 'still reported');
    for (const f of a.findings) {
      assert.equal(fixFinding(allRules, a.context, f), undefined, `${f.code} offers no fix`);
      assert.deepEqual(moreFixesFor(allRules, a.context, f), []);
    }
  });
});
