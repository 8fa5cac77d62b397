/**
 * Messages that name the right cause and the right service or stage: DC011 when a data store runs as
 * root only because the service's `entrypoint:` or `command:` bypasses its step-down; DC041 for a
 * password an anchor shares between the database and its clients, or that clients are given too; DC060 and DC053 on what loses the
 * data; DC022 on what it read; DF010 for a root user inherited from another stage.
 */
import { describe, it } from 'node:test';
import { parseConfig } from '../rules/engine/config';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { viewOf } from './helpers/fixtures';
import { trustsWithoutPassword } from '../rules/engine/postgres-auth';
import { parseImageRef } from '../rules/engine/image';
import { isCredentialName } from '../rules/engine/secrets';
import { composeDotenv, dotenvStatements, dotenvValues } from '../rules/engine/interpolate';
import { dotenvValueOffsets, ownSecretWeakReason, weakReason } from '../rules/compose/DC041-weak-or-default-password';

/**
 * The messages of one rule's findings when `target` is analyzed among `files` (a map of path → text, or one compose
 * text); `repoRoot`: the folder whose `.git` exists (by default none: in no git repository).
 */
function messagesOf(code: string, files: Map<string, string> | string, target = '/m/compose.yaml', repoRoot?: string): string[] {
  const set = typeof files === 'string' ? new Map([[target, files]]) : files;
  const kind = target.endsWith('Dockerfile') ? 'dockerfile' : 'compose';
  return analyze(allRules, kind, target, set.get(target)!, viewOf(set, repoRoot), DEFAULT_CONFIG).findings.filter((f) => f.code === code).map((f) => f.message);
}

/** The same, by the service each message names (`Service 'x' …` or `… of service 'x'`). */
function messagesByService(code: string, files: Map<string, string> | string, target?: string): Record<string, string> {
  return Object.fromEntries(messagesOf(code, files, target).map((m) => [/[Ss]ervice '([^']+)'/.exec(m)![1], m]));
}

describe('messages name the cause', () => {
  it('say when the service bypasses the step-down of a known image, and only then', () => {
    const text = [
      'services:',
      '  shell:',
      '    image: valkey/valkey:8.0-alpine',
      '    command: [sh, -c, "valkey-server --save 60 1"]',
      '  script:',
      '    image: redis:7.4-alpine',
      '    entrypoint: ["/bin/sh", "/redis-conf.sh"]',
      '  app:',
      '    image: ghcr.io/acme/app:1.0',
      '',
    ].join('\n');
    const messages = messagesByService('DC011', text);
    assert.match(messages.shell, /its own command bypasses the entrypoint with which image 'valkey\/valkey:8.0-alpine' steps down/);
    assert.match(messages.script, /its own entrypoint bypasses the entrypoint with which image 'redis:7.4-alpine' steps down/);
    assert.match(messages.app, /is not known to switch to a non-root user/);
  });

  it('DC013 says a rootless daemon\'s socket gives its user\'s rights, not the host (review 27, probe dc-05)', () => {
    const text = 'services:\n  a:\n    image: traefik:v3.6\n    volumes:\n      - /run/user/1000/docker.sock:/var/run/docker.sock:ro\n  b:\n    image: traefik:v3.6\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n';
    const m = messagesByService('DC013', text);
    assert.match(m.a, /a rootless daemon's: whoever controls the container controls that daemon, every container it runs and everything its user can do\.$/);
    assert.match(m.b, /controls the Docker daemon, and so the host\.$/);
    // Root's runtime folder is not a rootless daemon's; a rootless Podman service's is (review 28, probes 10 and 11).
    const more = messagesByService('DC013', 'services:\n  root:\n    image: traefik:v3.6\n    volumes:\n      - /run/user/0/docker.sock:/var/run/docker.sock\n  podman:\n    image: traefik:v3.6\n    volumes:\n      - ${XDG_RUNTIME_DIR}/podman/podman.sock:/var/run/docker.sock\n');
    assert.match(more.root, /and so the host\.$/);
    assert.match(more.podman, /a rootless daemon's/);
  });

  it('DC013 names a container runtime\'s socket as such, and the service a socket is taken from with volumes_from (review 36, probes p26, p57)', () => {
    const m = messagesByService('DC013', 'services:\n  k3s:\n    image: ghcr.io/acme/x:1.0.0\n    volumes:\n      - /run/k3s/containerd/containerd.sock:/run/containerd/containerd.sock\n  agent:\n    image: ghcr.io/acme/x:1.0.0\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n  worker:\n    image: ghcr.io/acme/x:1.0.0\n    volumes_from: [agent]\n');
    assert.match(m.k3s, /mounts the container runtime socket \/run\/k3s\/containerd\/containerd\.sock: whoever controls the container can start containers with any privilege, and so controls the host\.$/);
    assert.match(m.worker, /^Service 'worker' mounts the Docker API socket \/var\/run\/docker\.sock \(taken from service 'agent' with volumes_from\):/);
  });

  it('DF015 reports a URL that a later RUN verifies as information, and says so (review 29, probe df-02)', () => {
    // The RUN names both files and its check can fail the build; a check of another file, or one with `|| true`, is no check of these (review 31, probes 07-08).
    const text = 'FROM alpine:3.22\nADD https://example.com/tool.tar.gz /tmp/\nADD https://example.com/SHA256SUMS /tmp/\nRUN cd /tmp && grep tool.tar.gz SHA256SUMS | sha256sum -c -\nADD https://example.com/other.bin /opt/\nRUN sha256sum -c /etc/other.sums\nADD https://example.com/third.bin /opt/third.bin\nRUN sha256sum -c third.sums || true # third.bin\n';
    const files = new Map([['/m/Dockerfile', text]]);
    const found = analyze(allRules, 'dockerfile', '/m/Dockerfile', text, viewOf(files), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF015');
    assert.deepEqual(found.map((f) => `${f.range.start.line}:${f.severity}`), ['1:info', '2:info', '4:warning', '6:warning']);
    assert.match(found[0].message, /a later RUN checks a checksum or signature/);
    assert.match(found[2].message, /its content is never verified/);
  });

  it('DF047: a bare name that is no stage is a warning that may name a locally built image; copying from the stage itself stays an error (review 29, probe df-03)', () => {
    const text = 'FROM rust:1.84 AS build\nCOPY --from=relay-builder /out/relay /usr/bin/relay\nCOPY --from=build /x /y\n';
    const files = new Map([['/m/Dockerfile', text]]);
    const found = analyze(allRules, 'dockerfile', '/m/Dockerfile', text, viewOf(files), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF047');
    assert.deepEqual(found.map((f) => `${f.range.start.line}:${f.severity}`), ['1:warning', '2:error']);
    assert.match(found[0].message, /uses a local image named 'relay-builder' if one was built before, else tries to pull docker\.io\/library\/relay-builder, which fails unless an official image has that name/);
    // A name close to a stage's is a likely typo: an error (review 31, probe 10).
    const typo = 'FROM golang:1.25 AS build\nRUN go build -o /out/app .\nFROM alpine:3.22\nCOPY --from=builder /out/app /app\n';
    const t = analyze(allRules, 'dockerfile', '/m/Dockerfile', typo, viewOf(new Map([['/m/Dockerfile', typo]])), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF047');
    assert.deepEqual(t.map((f) => f.severity), ['error']);
    assert.match(t[0].message, /close to the stage 'build': a typo\? As written the build needs a build context named 'builder' \(--build-context, or bake's contexts\) or an image of that name\./);
  });

  it('DC060 says how a volume at a parent misses the data: the image\'s own VOLUME gets an anonymous volume over it (review 31, probe 05)', () => {
    const m = messagesOf('DC060', 'services:\n  db:\n    image: postgres:16\n    volumes:\n      - pg:/var/lib/postgresql\nvolumes:\n  pg:\n');
    assert.equal(m.length, 1);
    assert.match(m[0], /\(the volume at \/var\/lib\/postgresql does not hold it: the image declares its own volume at \/var\/lib\/postgresql\/data, and Docker mounts an anonymous volume there, over the one at \/var\/lib\/postgresql\)/);
  });

  it('DF015 counts a later check only when it can fail the build and names the file in the commands that lead to it (review 32, probes 05-07)', () => {
    const severities = (run: string) => {
      const text = `FROM alpine:3.22\nADD https://example.com/tool-1.2.tar.gz /tmp/\nADD https://example.com/plugin-1.0.tar.gz /tmp/\n${run}\n`;
      return analyze(allRules, 'dockerfile', '/m/Dockerfile', text, viewOf(new Map([['/m/Dockerfile', text]])), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF015').map((f) => f.severity);
    };
    const sum = 'echo "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  /tmp/tool-1.2.tar.gz" | sha256sum -c -';
    assert.deepEqual(severities(`RUN ${sum} || { echo "mismatch" >&2; exit 1; }`), ['info', 'warning'], 'a group that exits fails the build');
    assert.deepEqual(severities(`RUN ${sum} | tee /tmp/check.log`), ['warning', 'warning'], 'tee sets the pipe status');
    assert.deepEqual(severities(`RUN if ! ${sum}; then echo bad; fi`), ['warning', 'warning'], 'a condition');
    assert.deepEqual(severities(`RUN ${sum}; tar xzf /tmp/tool-1.2.tar.gz -C /opt`), ['warning', 'warning'], 'without set -e, the last command decides');
    assert.deepEqual(severities(`RUN ${sum} && tar xzf /tmp/tool-1.2.tar.gz -C /opt && tar xzf /tmp/plugin-1.0.tar.gz -C /opt`), ['info', 'warning'], 'plugin is named after the check only');
  });

  it('DF010 says "most likely" when the base image is not an official one, whose user it does not know (review 27, probe df-01)', () => {
    const of = (text: string) => messagesOf('DF010', new Map([['/m/Dockerfile', text]]), '/m/Dockerfile');
    assert.deepEqual(of('FROM ghcr.io/acme/base:1.0\nCMD ["app"]\n'), [
      "The final stage has no USER and its base image 'ghcr.io/acme/base:1.0' is not known to set a non-root one, so the container most likely runs as root; add a non-root USER (uid 1000), or check the base image's user.",
    ]);
    assert.deepEqual(of('FROM debian:bookworm-slim\nCMD ["app"]\n'), ['The final stage has no USER, so the container runs as root; add a non-root USER (uid 1000).']);
    // Images the catalogue knows to run as root for these tags (review 28, probe 12).
    for (const base of ['cm2network/steamcmd:root', 'grafana/loki:1.4.1']) assert.deepEqual(of(`FROM ${base}\nCMD ["app"]\n`), ['The final stage has no USER, so the container runs as root; add a non-root USER (uid 1000).'], base);
  });

  it('DF010 counts only a step-down to a non-root user, and names the tool the ENTRYPOINT or CMD calls (review 45b, item 7)', () => {
    const of = (text: string) => {
      const files = new Map([['/m/Dockerfile', text]]);
      return analyze(allRules, 'dockerfile', '/m/Dockerfile', text, viewOf(files), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF010').map((f) => `${f.severity}: ${f.message}`);
    };
    const noUser = 'warning: The final stage has no USER, so the container runs as root; add a non-root USER (uid 1000).';
    const install = 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gosu && rm -rf /var/lib/apt/lists/*\n';
    for (const last of ['ENTRYPOINT ["gosu", "root", "node", "server.js"]', 'ENTRYPOINT ["su-exec", "0:0", "node", "server.js"]', 'ENTRYPOINT ["gosu", "0"]', 'ENTRYPOINT ["gosu"]', 'CMD ["gosu", "root", "node", "server.js"]', 'ENTRYPOINT ["setpriv", "--init-groups", "node", "server.js"]', 'CMD runuser -u root -- node server.js']) {
      assert.deepEqual(of(`${install}${last}\n`), [noUser], last);
    }
    assert.deepEqual(of(`${install}ENTRYPOINT ["su-exec", "app:app", "node", "server.js"]\n`), ['info: The final stage has no USER: the container starts as root and relies on its entrypoint to step down with su-exec; check that the long-running process does, or set a non-root USER.']);
    assert.deepEqual(of(`${install}CMD ["setpriv", "--reuid=1000", "--regid=1000", "--init-groups", "server"]\n`), ['info: The final stage has no USER: the container starts as root and its CMD steps down with setpriv; check that the long-running process does, or set a non-root USER.']);
    // An entrypoint script may call the installed tool: still a step-down, as before.
    assert.deepEqual(of(`${install}ENTRYPOINT ["docker-entrypoint.sh"]\n`), ['info: The final stage has no USER: the container starts as root and relies on its entrypoint to step down with gosu; check that the long-running process does, or set a non-root USER.']);
  });

  it('DF010 judges an entrypoint script read from the build context as the ENTRYPOINT itself: only a switch to a non-root user, in the exec (or last) call, steps down', () => {
    const dockerfile = 'FROM debian:12\nRUN apt-get update && apt-get install -y gosu && rm -rf /var/lib/apt/lists/*\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["app"]\n';
    const of = (script: string) => {
      const files = new Map([['/m/Dockerfile', dockerfile], ['/m/entrypoint.sh', `#!/bin/sh\nset -e\nchown -R app /data\n${script}\n`]]);
      return analyze(allRules, 'dockerfile', '/m/Dockerfile', dockerfile, viewOf(files), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF010').map((f) => `${f.severity}: ${f.message}`);
    };
    const noUser = 'warning: The final stage has no USER, so the container runs as root; add a non-root USER (uid 1000).';
    const root = ['exec gosu root "$@"', 'exec setpriv --init-groups "$@"', 'exec su-exec 0:0 "$@"', 'exec gosu 0 "$@"', 'exec runuser -u root -- "$@"', 'exec gosu', 'exec chroot --userspec=0:0 / "$@"', 'gosu app /usr/local/bin/migrate\nexec gosu root "$@"', 'gosu root true'];
    for (const script of root) assert.deepEqual(of(script), [noUser], script);
    const info = (tool: string) => `info: The final stage has no USER: the container starts as root and relies on its entrypoint to step down with ${tool}; check that the long-running process does, or set a non-root USER.`;
    const down: [string, string][] = [
      ['exec gosu app "$@"', 'gosu'],
      ['exec su-exec 1000:1000 "$@"', 'su-exec'],
      ['exec setpriv --reuid=1000 --regid=1000 --init-groups "$@"', 'setpriv'],
      ['exec gosu "$APP_USER" "$@"', 'gosu'],
      ['exec su-exec ${PUID}:${PGID} "$@"', 'su-exec'],
      ['exec chroot --userspec=app / "$@"', 'chroot --userspec'],
      ['gosu root chown -R app /data\nexec s6-setuidgid app "$@"', 's6-setuidgid'],
      ['if [ "$1" = app ]; then exec gosu app "$@"; fi\nexec "$@"', 'gosu'],
    ];
    for (const [script, tool] of down) assert.deepEqual(of(script), [info(tool)], script);
  });

  it('DF037 tells how to pin a pip VCS URL: with a ref (review 45b, item 5)', () => {
    const text = 'FROM python:3.13-slim\nRUN pip install --no-cache-dir flask git+https://github.com/org/repo.git#egg=repo\nRUN pip install --no-cache-dir flask\n';
    const found = analyze(allRules, 'dockerfile', '/m/Dockerfile', text, viewOf(new Map([['/m/Dockerfile', text]])), { ...DEFAULT_CONFIG, rules: { DF037: 'info' } }).findings.filter((f) => f.code === 'DF037');
    assert.deepEqual(found.map((f) => f.message), [
      "'pip install' installs 2 packages without a version (flask, git+https://github.com/org/repo.git#egg=repo); pin them (name==version, or url@<tag or commit> for a VCS URL).",
      "'pip install' installs a package without a version (flask); pin it (name==version).",
    ]);
  });

  it('DC011 says that a linuxserver.io image runs its application as PUID/PGID and its init as root (review 17, probe dc-03)', () => {
    const text = 'services:\n  sonarr:\n    image: lscr.io/linuxserver/sonarr:4.0.15\n    environment:\n      - PUID=1000\n      - PGID=1000\n  radarr:\n    image: linuxserver/radarr:5.2\n';
    const messages = messagesByService('DC011', text);
    for (const m of [messages.sonarr, messages.radarr]) {
      assert.match(m, /starts its init as root, which runs the application as the PUID\/PGID user/);
      assert.doesNotMatch(m, /most likely runs as root/);
    }
    // wireguard and fail2ban run their services as root (review 18, probe 14).
    const root = messagesByService('DC011', 'services:\n  vpn:\n    image: lscr.io/linuxserver/wireguard:1.0.20250521\n    environment:\n      - PUID=1000\n');
    assert.match(root.vpn, /is not known to switch to a non-root user, so it most likely runs as root/);
    const swag = messagesByService('DC011', 'services:\n  proxy:\n    image: lscr.io/linuxserver/swag:4.1.1\n');
    assert.match(swag.proxy, /most likely runs as root/, 'swag runs fail2ban as root (review 19, probe 14)');
    const le = messagesByService('DC011', 'services:\n  proxy:\n    image: linuxserver/letsencrypt:1.11.0\n');
    assert.match(le.proxy, /most likely runs as root/, 'letsencrypt, swag under its former name (review 20, probe 12)');
  });

  it('DC016 in a Swarm stack says that docker stack deploy ignores security_opt and where to set it instead (review 17, probe dc-04)', () => {
    const text = 'services:\n  web:\n    image: nginx:1.30-alpine\n    deploy:\n      placement:\n        constraints: [node.role == manager]\n';
    const [message] = messagesOf('DC016', text, '/m/docker-stack.yml');
    assert.match(message, /docker stack deploy ignores security_opt: set "no-new-privileges": true in the daemon.json of every node/);
    const [plain] = messagesOf('DC016', 'services:\n  web:\n    image: nginx:1.30-alpine\n');
    assert.match(plain, /does not set no-new-privileges:true in security_opt/);
  });

  it('DC053 says that a crash or a kill loses the writes since the last snapshot, not a stop (Redis saves on SIGTERM)', () => {
    const text = 'services:\n  cache:\n    image: redis:8.0-alpine\n    volumes:\n      - redis-data:/data\nvolumes:\n  redis-data:\n';
    const [message] = messagesOf('DC053', text);
    assert.match(message, /lost if Redis crashes or is killed/);
    assert.doesNotMatch(message, /stops/);
  });

  it('DC041 names the data store when an anchor gives the same password to it and to its clients', () => {
    const text = 'x-env: &env\n  POSTGRES_PASSWORD: postgres\n  POSTGRES_USER: app\nservices:\n  web:\n    image: ghcr.io/acme/web:1.0\n    environment:\n      <<: *env\n  db:\n    image: postgres:17\n    environment:\n      <<: *env\n';
    const dc041 = messagesOf('DC041', text);
    assert.equal(dc041.length, 1);
    // Named first among the services that use the anchor, after where it is written (review 42f, item 2).
    assert.match(dc041[0], /in x-env \(used by services 'db' and 'web'\)/);
  });

  it('DC041 reports a weak password on the data store, not again on clients given it to connect; a MariaDB image\'s MYSQL_* password is MariaDB\'s', () => {
    const text = [
      'services:',
      '  db:',
      '    image: mariadb:11.8',
      '    environment:',
      '      MYSQL_USER: shop',
      '      MYSQL_PASSWORD: shop',
      '  app:',
      '    image: ghcr.io/acme/shop:2.0',
      '    environment:',
      '      MYSQL_USER: shop',
      '      MYSQL_PASSWORD: shop',
      '  reports:',
      '    image: ghcr.io/acme/reports:1.0',
      '    environment:',
      '      MYSQL_PASSWORD: hunter2',
      '',
    ].join('\n');
    const byService = messagesByService('DC041', text);
    assert.deepEqual(Object.keys(byService).sort(), ['db', 'reports'], 'the client with the store\'s password is not reported again; one with another weak password is');
    assert.match(byService.db, /^MariaDB password MYSQL_PASSWORD of service 'db' is the same as its user name/);
    assert.match(byService.reports, /^MySQL password MYSQL_PASSWORD of service 'reports' is shorter than 12 characters/);
  });

  it('DC041 reads images built on MariaDB as MariaDB: jc21/mariadb-aria\'s weak password is reported once, on the store, as MariaDB\'s (review 43c, item 8)', () => {
    const text = [
      'services:',
      '  app:',
      '    image: jc21/nginx-proxy-manager:2.12.3',
      '    environment:',
      '      DB_MYSQL_HOST: "db"',
      '      DB_MYSQL_USER: "npm"',
      '      DB_MYSQL_PASSWORD: "npm"',
      '  app2:',
      '    image: ghcr.io/acme/app:1.0.0',
      '    environment:',
      '      DB_HOST: db',
      '      DB_USER: npm',
      '      DB_PASS: "npm"',
      '  db:',
      '    image: jc21/mariadb-aria:10.11.5',
      '    environment:',
      "      MYSQL_ROOT_PASSWORD: 'Zx81kqPw0rdLong2'",
      "      MYSQL_DATABASE: 'npm'",
      "      MYSQL_USER: 'npm'",
      "      MYSQL_PASSWORD: 'npm'",
      '  galera:',
      '    image: bitnami/mariadb-galera:11.4',
      '    environment:',
      '      MARIADB_USER: shop',
      '      MARIADB_PASSWORD: shop',
      '  shop:',
      '    image: ghcr.io/acme/shop:2.0',
      '    environment:',
      '      DB_HOST: galera',
      '      DB_USER: shop',
      '      DB_PASSWORD: shop',
      '  alpine:',
      '    image: yobasystems/alpine-mariadb:11.4',
      '    environment:',
      '      MYSQL_USER: wiki',
      '      MYSQL_PASSWORD: wiki',
      '',
    ].join('\n');
    const byService = messagesByService('DC041', text);
    assert.deepEqual(Object.keys(byService).sort(), ['alpine', 'db', 'galera'], 'the clients given the store\'s password are not reported again');
    assert.match(byService.db, /^MariaDB password MYSQL_PASSWORD of service 'db' is the same as its user name/);
    assert.match(byService.galera, /^MariaDB password MARIADB_PASSWORD of service 'galera' is the same as its user name/);
    assert.match(byService.alpine, /^MariaDB password MYSQL_PASSWORD of service 'alpine' is the same as its user name/);
  });

  it('DC041 calls another image\'s secret a secret (not a password of a product), says why it is weak, and never shows the value', () => {
    const text = [
      'services:',
      '  web:',
      '    image: ghcr.io/acme/web:1.0',
      '    environment:',
      '      ENCRYPTION_KEY: "0000000000000000000000000000000000000000000000000000000000000000"',
      '      NEXTAUTH_SECRET: mysecret',
      '  olap:',
      '    image: clickhouse/clickhouse-server:25.3',
      '    environment:',
      '      CLICKHOUSE_USER: clickhouse',
      '      CLICKHOUSE_PASSWORD: clickhouse',
      '',
    ].join('\n');
    const messages = messagesOf('DC041', text);
    assert.equal(messages.length, 3);
    assert.match(messages[0], /^Secret ENCRYPTION_KEY of service 'web' is one character repeated; use a long random value \(the same in every service that shares it\)\.$/);
    assert.match(messages[1], /^Secret NEXTAUTH_SECRET of service 'web' is a common, easily guessed value;/);
    assert.match(messages[2], /^Password CLICKHOUSE_PASSWORD of service 'olap' is the same as its user name; use a long random password/);
    for (const m of messages) assert.doesNotMatch(m, /0000|mysecret|clickhouse;/);
  });

  it('DC041 says when a postgres image predates the password requirement, and which tags do', () => {
    const [message] = messagesOf('DC041', 'services:\n  db:\n    image: postgres:9.5.6-alpine\n');
    assert.match(message, /^PostgreSQL service 'db' runs 'postgres:9\.5\.6-alpine', whose entrypoint predates February 2020 and, with no POSTGRES_PASSWORD set, trusts every connection/);
    const old = (tag: string) => trustsWithoutPassword(parseImageRef(`postgres:${tag}`)!);
    for (const tag of ['9.5.6-alpine', '9.5.20', '9.6.16', '9.4.25', '10.11', '11.6-alpine', '12.1', '9.3', '9.3.25', '8.4']) assert.equal(old(tag), true, tag);
    for (const tag of ['9.5.21', '9.6', '9', '10', '12', '12.2', '13.0', '13.3-alpine', '17', 'latest', 'alpine']) assert.equal(old(tag), false, tag);
    assert.equal(trustsWithoutPassword(parseImageRef('postgis/postgis:9.5-2.5')!), false, 'another repository');
  });

  it('DC031 reports a data store port bound to 127.0.0.1 as information, one on every interface as a warning', () => {
    const text = 'services:\n  db:\n    image: postgres:17\n    ports:\n      - "127.0.0.1:5432:5432"\n      - "5433:5432"\n';
    const found = analyze(allRules, 'compose', '/m/compose.yaml', text, viewOf(new Map([['/m/compose.yaml', text]])), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DC031');
    assert.deepEqual(found.map((f) => [f.range.start.line, f.severity]), [[4, 'info'], [5, 'warning']]);
    assert.match(found[0].message, /to every local user and process of the host/);
  });

  it('DC031 in a Swarm stack: 127.0.0.1 is ignored there, so the port is a warning on every node (review 33, probe p12)', () => {
    const text = 'services:\n  db:\n    image: postgres:17\n    ports:\n      - "127.0.0.1:5432:5432"\n    deploy:\n      placement:\n        constraints: [node.role == manager]\n';
    const found = analyze(allRules, 'compose', '/m/docker-stack.yml', text, viewOf(new Map([['/m/docker-stack.yml', text]])), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DC031');
    assert.deepEqual(found.map((f) => [f.range.start.line, f.severity]), [[4, 'warning']]);
    assert.match(found[0].message, /on every interface of every node/);
    assert.doesNotMatch(found[0].message, /127\.0\.0\.1 if/);
  });

  it('DC060 says what loses the data: down then up (re-creating by up keeps anonymous volumes), a restart for a tmpfs', () => {
    const text = 'services:\n  db:\n    image: postgres:17\n  cache:\n    image: redis:7.4\n    tmpfs:\n      - /data\n  app:\n    image: ghcr.io/acme/app:1.0\n';
    const byService = messagesByService('DC060', text);
    assert.match(byService.db, /'docker compose down' then 'up' starts it empty/);
    assert.doesNotMatch(byService.db, /re-creating/);
    assert.match(byService.cache, /every restart of the container loses it/);
  });

  it("DC060 names the directory --dir moves Redis' files to, and says the service's settings put them there", () => {
    const text = 'services:\n  cache:\n    image: redis:7.4\n    command: redis-server --dir /var/lib/redis --appendonly yes\n    volumes:\n      - cache:/data\nvolumes:\n  cache:\n';
    const byService = messagesByService('DC060', text);
    assert.match(byService.cache, /keeps its data in \/var\/lib\/redis, which is not mounted from a volume \(the volume at \/data is not where the service's own settings put its data\)/);
  });

  it('DC022 says whether it read the Dockerfile or only knows the image by name', () => {
    const files = new Map([
      ['/h/compose.yaml', 'services:\n  web:\n    image: ghcr.io/acme/web:1.0\n  api:\n    build: ./api\n'],
      ['/h/api/Dockerfile', 'FROM node:24-alpine\nCMD ["node", "server.js"]\n'],
    ]);
    const byService = messagesByService('DC022', files, '/h/compose.yaml');
    assert.match(byService.web, /no healthcheck \(and image 'ghcr\.io\/acme\/web:1\.0' is not known to declare one\)/);
    assert.match(byService.api, /no healthcheck \(and the Dockerfile it builds declares no HEALTHCHECK\)/);
  });

  it('DF010 says the final stage inherits USER root, not that it has no USER', () => {
    const text = 'FROM debian:trixie-slim AS base\nUSER root\nRUN apt-get update\n\nFROM base\nCOPY app /app\nCMD ["/app/run"]\n';
    const df010 = messagesOf('DF010', text, '/d/Dockerfile');
    assert.equal(df010.length, 1);
    assert.match(df010[0], /has no USER of its own and inherits USER root from the stage it builds on/);
  });
  it('DR003 says a builder-only whole-context copy reaches the builder layers and the cache, not the image (review 9 probe df-04)', () => {
    const builder = 'FROM maven:3.9-eclipse-temurin-21 AS build\nCOPY . /src\nRUN mvn -f /src package\n\nFROM eclipse-temurin:21-jre\nCOPY --from=build /src/target/app.jar /app.jar\nUSER 1000\nCMD ["java", "-jar", "/app.jar"]\n';
    const [inBuilder] = messagesOf('DR003', new Map([['/d/Dockerfile', builder]]), '/d/Dockerfile');
    assert.match(inBuilder, /go into the builder stage's layers and the build cache \(not the final image, unless built with --target\)\.$/);
    const final = 'FROM node:24-alpine\nCOPY . /app\nUSER 1000\nCMD ["node", "/app/server.js"]\n';
    assert.match(messagesOf('DR003', new Map([['/d/Dockerfile', final]]), '/d/Dockerfile')[0], /go into the image\.$/);
    // The builder's own base unresolved changes nothing: no later stage can build on it (review 13, probe df-06).
    const unresolved = 'FROM ${BASE_REGISTRY}/${BASE_IMAGE}:${BASE_TAG} AS builder\nWORKDIR /app\nCOPY . .\nRUN npm ci\n\nFROM node:24-alpine\nUSER 1000\nCOPY --from=builder /app/node_modules /app/node_modules\n';
    assert.match(messagesOf('DR003', new Map([['/d/Dockerfile', unresolved]]), '/d/Dockerfile')[0], /go into the builder stage's layers/);
    // A later stage whose base is unresolved may build on the builder: the files may reach the image.
    const later = 'FROM node:24 AS builder\nCOPY . /app\nRUN npm ci\n\nFROM ${FINAL_BASE}\nUSER 1000\nCOPY --from=builder /app/node_modules /app/node_modules\n';
    assert.match(messagesOf('DR003', new Map([['/d/Dockerfile', later]]), '/d/Dockerfile')[0], /go into the image\.$/);
  });
  it('DR003 reads a final FROM runtime-$TARGETARCH as one of the stages it could name: builder-only when none of them holds the copy (review 42f, item 1)', () => {
    const dr003 = (text: string) => analyze(allRules, 'dockerfile', '/d/Dockerfile', text, viewOf(new Map([['/d/Dockerfile', text]])), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DR003');
    const stages = (runtimeAmd64: string[]) => [
      'FROM golang:1.25 AS build-amd64', 'WORKDIR /src', 'COPY . .', 'RUN go build -o /out/app .',
      'FROM golang:1.25 AS build-arm64', 'WORKDIR /src', 'COPY . .', 'RUN GOARCH=arm64 go build -o /out/app .',
      ...runtimeAmd64,
      'FROM debian:bookworm-slim AS runtime-arm64', 'COPY --from=build-arm64 /out/app /bin/app',
      'FROM runtime-$TARGETARCH', 'USER 1000', 'ENTRYPOINT ["/bin/app"]', '',
    ].join('\n');
    // ollama's per-arch layout: both runtimes only copy from the builds.
    const [builder] = dr003(stages(['FROM debian:bookworm-slim AS runtime-amd64', 'COPY --from=build-amd64 /out/app /bin/app']));
    assert.match(builder.message, /go into the builder stage's layers and the build cache \(not the final image, unless built with --target\)\.$/);
    assert.equal(builder.range.start.line, 2);
    // A runtime the final stage may be that copies the context itself: the image, reported at that copy.
    const [own] = dr003(stages(['FROM debian:bookworm-slim AS runtime-amd64', 'COPY . /app', 'COPY --from=build-amd64 /out/app /bin/app']));
    assert.match(own.message, /go into the image\.$/);
    assert.equal(own.range.start.line, 9);
    // A runtime built on a build stage holds its layers.
    assert.match(dr003(stages(['FROM build-amd64 AS runtime-amd64']))[0].message, /go into the image\.$/);
    // A candidate whose only child is a builder stage is still a base of the image, not a builder itself.
    const candidateWithBuilder = 'FROM debian:bookworm-slim AS runtime-amd64\nCOPY . /app\nFROM runtime-amd64 AS build\nRUN make\nFROM runtime-$TARGETARCH\nCOPY --from=build /out /out\n';
    assert.match(dr003(candidateWithBuilder)[0].message, /go into the image\.$/);
    // Reported at the copy of a stage the image may be built from, not at an earlier one only `--target` builds.
    const lint = 'FROM golang:1.25 AS lint\nCOPY . .\nRUN go vet ./...\nFROM debian:bookworm-slim AS runtime-amd64\nCOPY . /app\nFROM debian:bookworm-slim AS runtime-arm64\nCOPY . /app\nFROM runtime-$TARGETARCH\nUSER 1000\n';
    assert.deepEqual(dr003(lint).map((f) => [f.range.start.line, /go into the image\.$/.test(f.message)]), [[4, true]]);
    // A FROM that is only a variable may still build on any earlier stage.
    assert.match(dr003(stages(['FROM debian:bookworm-slim AS runtime-amd64', 'COPY --from=build-amd64 /out/app /bin/app']).replace('FROM runtime-$TARGETARCH', 'FROM ${RUNTIME}'))[0].message, /go into the image\.$/);
  });
  it('DR003 reads the per-arch stages under FROM build-${TARGETARCH} AS build, only copied from, as builder stages (review 44b, F1)', () => {
    const dr003 = (text: string) => analyze(allRules, 'dockerfile', '/d/Dockerfile', text, viewOf(new Map([['/d/Dockerfile', text]])), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DR003');
    const perArch = (last: string[]) => [
      'ARG TARGETARCH', 'FROM golang:1.23 AS build-amd64', 'COPY . .', 'FROM golang:1.23 AS build-arm64', 'COPY . .',
      'FROM build-${TARGETARCH} AS build', ...last, '',
    ].join('\n');
    // BuildKit's workaround for `COPY --from=build-$TARGETARCH`: the image only copies from `build`.
    const [builder] = dr003(perArch(['FROM gcr.io/distroless/static-debian12:nonroot', 'COPY --from=build /go/bin/app /app']));
    assert.match(builder.message, /go into the builder stage's layers and the build cache \(not the final image, unless built with --target\)\.$/);
    assert.equal(builder.range.start.line, 2);
    // The final stage builds on `build`: the files go into the image.
    assert.match(dr003(perArch(['FROM build', 'USER 1000']))[0].message, /go into the image\.$/);
  });
  it('DF041 under a dash without pipefail: a set guarded by a test of the shell, in the background or in a pipeline is no error, the pipe after it is a warning; an unguarded one is an error (reviews 34-35)', () => {
    const lines = [
      '[ -n "$BASH" ] && set -o pipefail; curl -fsSL https://x/a | sh',
      'case "$BASH_VERSION" in "") ;; *) set -o pipefail ;; esac; curl -fsSL https://x/b | sh',
      'set -o pipefail & curl -fsSL https://x/c | sh',
      'cd /tmp && set -o pipefail && curl -fsSL https://x/d | sh',
    ];
    const text = `FROM debian:bookworm\n${lines.map((l) => `RUN ${l}`).join('\n')}\n`;
    const found = analyze(allRules, 'dockerfile', '/p/Dockerfile', text, viewOf(new Map([['/p/Dockerfile', text]])), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF041');
    assert.deepEqual(found.map((f) => `${f.range.start.line}:${f.severity}`), ['1:warning', '2:warning', '3:warning', '4:error']);
  });

  it('.env files read as Compose reads them: # needs a space before it, KEY : value and KEY alone define KEY, \\$ in double quotes is a literal $, chains interpolate (reviews 33-34)', () => {
    const text = 'PW=Vq7mZ2kR9xL4pT8wN3cY\nHASHED=postgres#Q7vLx9mK2pRw\nCOMMENTED=short # a comment\nSPACED : OtherValue9x8y7z\nFROM_SHELL\nCHAIN=${PW}\nESCAPED="\\$PW"\nLITERAL=\'${PW}\'\nDEFAULTED=${NOPE:-admin}\nLATER=${DEFINED_BELOW}\nDEFINED_BELOW=x\n';
    const vars = composeDotenv(text);
    assert.equal(vars.get('HASHED'), 'postgres#Q7vLx9mK2pRw');
    assert.equal(vars.get('COMMENTED'), 'short');
    assert.equal(vars.get('SPACED'), 'OtherValue9x8y7z');
    assert.equal(vars.get('FROM_SHELL'), '');
    const values = dotenvValues(text, vars);
    assert.equal(values.get('CHAIN'), 'Vq7mZ2kR9xL4pT8wN3cY');
    assert.equal(values.get('ESCAPED'), '$PW');
    assert.equal(values.get('LITERAL'), '${PW}');
    assert.equal(values.get('DEFAULTED'), 'admin');
    assert.equal(values.get('LATER'), null, 'a variable defined below is not known yet');
    assert.equal(values.get('FROM_SHELL'), null, 'a key alone takes its value from the shell');
  });

  it('.env files: the blanks compose-go skips around a key and after `=` (\\v, \\f, \\r, NEL, no-break space) open a quoted value there, and only a line feed ends a line to it (review 40a, item 7)', () => {
    const blanks = ['\u00a0', '\v', '\f', '\u0085', '\r', ' \t\u00a0\v'];
    const text = blanks.map((b, i) => `K${i}=${b}"-----BEGIN KEY-----\nINNER${i}=shop\n-----END KEY-----"\n`).join('') + '\u00a0\vTZ\u00a0=\fUTC\u00a0\nA=1\rB=2\nexport\tC=3\n';
    const statements = dotenvStatements(text);
    assert.deepEqual(statements.map((s) => s.key), ['K0', 'K1', 'K2', 'K3', 'K4', 'K5', 'TZ', 'A', 'C']);
    assert.ok(statements.slice(0, 6).every((s) => s.multiline && s.quote === '"' && s.value === '-----BEGIN KEY-----\nINNER' + s.key.slice(1) + '=shop\n-----END KEY-----'));
    assert.equal(statements[6].value, 'UTC');
    assert.equal(statements[6].line, 19, 'a lone \\r is a line break to the editor');
    assert.deepEqual([statements[7].value, statements[7].multiline], ['1\rB=2', true], 'a lone \\r ends no line to Compose');
    assert.equal(statements[8].line, 22, 'lines counted as the editor counts them');
  });

  it('.env files: a quoted value over several lines is one variable, its lines no variables; a # after a tab starts a comment; a byte order mark and an unterminated quote as compose-go reads them (review 39)', () => {
    const text = '\uFEFFA=1\r\nJWT_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\r\nMIIEvQIBADANBg\r\nLOOKS_LIKE=assignment\r\n-----END PRIVATE KEY-----"  # c\r\nB=\'one\nSHOP_OPEN\ntwo\'\nC=3\t# tab comment\nD="no closing quote\nE=5\n';
    const statements = dotenvStatements(text);
    assert.deepEqual(statements.map((s) => [s.key, s.line, s.multiline]), [['A', 0, false], ['JWT_PRIVATE_KEY', 1, true], ['B', 5, true], ['C', 8, false], ['D', 9, true]]);
    const key = statements[1];
    assert.equal(text.slice(key.valueStart, key.valueEnd), '"-----BEGIN PRIVATE KEY-----\r\nMIIEvQIBADANBg\r\nLOOKS_LIKE=assignment\r\n-----END PRIVATE KEY-----"');
    assert.equal(key.value, '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\nLOOKS_LIKE=assignment\n-----END PRIVATE KEY-----');
    assert.equal(text.slice(statements[3].valueStart, statements[3].valueEnd), '3');
    const vars = composeDotenv(text);
    assert.deepEqual([...vars.keys()], ['A', 'JWT_PRIVATE_KEY', 'B', 'C', 'D'], 'no phantom variable from the lines of a quoted value; none after an unterminated quote (Compose rejects the file)');
    assert.equal(vars.get('B'), 'one\nSHOP_OPEN\ntwo');
    assert.equal(vars.get('C'), '3');
    assert.equal(dotenvValues(text, vars).get('LOOKS_LIKE'), undefined);
    // DC041 edits a value in place only where it is one line.
    const env = 'K="a\nPOSTGRES_PASSWORD=inside"\nPOSTGRES_PASSWORD=postgres # c\n';
    const at = dotenvValueOffsets(env, 'POSTGRES_PASSWORD');
    assert.deepEqual(at && env.slice(at[0], at[1]), 'postgres');
    assert.equal(dotenvValueOffsets(env, 'K'), undefined);
  });

  it('DR002 says when git ignores the folder the template goes to, where no .gitignore line can re-include it (review 39)', () => {
    const files = (gitignore: string, env = 'secrets/db.env') => new Map([['/m/compose.yaml', `services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    env_file: ${env}\n`], ['/m/.gitignore', gitignore], [`/m/${env}`, 'DB_PASSWORD=abc\n']]);
    // In the repository /m (DR002 judges nothing in no repository).
    const dr002 = (set: Map<string, string>) => messagesOf('DR002', set, undefined, '/m');
    const ignoredFolder = /Git ignores its folder: add the template with git add -f\.$/;
    assert.match(dr002(files('secrets/\n'))[0], ignoredFolder);
    // A `!` in the folder's own .gitignore cannot re-include a file of an ignored folder (gitignore(5)).
    assert.match(dr002(new Map([...files('secrets/\n'), ['/m/secrets/.gitignore', '!db.env.example\n']]))[0], ignoredFolder);
    assert.match(dr002(files('*\n!.gitignore\n!compose.yaml\n'))[0], ignoredFolder, '`*` ignores the folder too');
    assert.match(dr002(files('secrets/db.env\n'))[0], /so others know what to set\.$/);
    // `*` with exceptions beside the file: the fix re-includes the template (fixture fires-template-ignored-by-star), so no such words.
    assert.match(dr002(files('*\n!.gitignore\n!compose.yaml\n', 'db.env'))[0], /so others know what to set\.$/);
  });

  it('credential names: keys under a prefix that front-end tools ship to browsers are public; a secret or password there is still one; the sudoers NOPASSWD tag is not a password', () => {
    for (const name of ['VITE_AMPLITUDE_API_KEY', 'NEXT_PUBLIC_SUPABASE_ANON_KEY', 'REACT_APP_MAPS_TOKEN', 'NOPASSWD']) assert.equal(isCredentialName(name), false, name);
    // The name of a file that holds the secret (faasd's basic-auth plugin: pass_filename=basic-auth-password).
    for (const name of ['pass_filename', 'TOKEN_FILEPATH', 'SECRET_FILES']) assert.equal(isCredentialName(name), false, name);
    // Counts, durations, limits, hashers and endpoints (review 33, probe p21).
    for (const name of ['MAX_INPUT_TOKENS', 'MAX_TOTAL_TOKENS', 'MAX_BATCH_PREFILL_TOKENS', 'MAX_TOKENS', 'TOKEN_EXPIRY_SECONDS', 'JWT_SECRET_EXPIRES_IN', 'TOKEN_URL', 'PASSWORD_HASHER', 'TOKEN_LIMIT']) assert.equal(isCredentialName(name), false, name);
    for (const name of ['API_TOKENS', 'GITHUB_TOKEN', 'JWT_SECRET', 'ACCESS_TOKEN_SECRET']) assert.equal(isCredentialName(name), true, name);
    for (const name of ['NEXT_PUBLIC_STRIPE_SECRET_KEY', 'VITE_DB_PASSWORD', 'API_KEY', 'INITIAL_ADMIN_PW']) assert.equal(isCredentialName(name), true, name);
    // Review 6 (probes dc-02, dc-07): Supabase's service-role key, MaxMind's license key, Rails' encryption keys.
    for (const name of ['SUPABASE_SERVICE_ROLE_KEY', 'SERVICE_ROLE_KEY', 'SUPABASE_SERVICE_KEY', 'GEOLITE_LICENSE_KEY', 'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY']) assert.equal(isCredentialName(name), true, name);
  });
  it('DF001 tells to pin by digest an image that publishes no version tags (distroless, Chainguard)', () => {
    const text = 'FROM golang:1.25 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\nUSER 65532\nCMD ["/app"]\n';
    const df001 = messagesOf('DF001', text, '/d/Dockerfile');
    assert.equal(df001.length, 1);
    assert.match(df001[0], /publishes no version tags, so pin it by digest/);
    assert.match(messagesOf('DF001', 'FROM node\nUSER node\n', '/e/Dockerfile')[0], /; pin a version\.$/);
  });
  it('DF010 on an image built on an official data store that steps down by itself is info and says so; another command on it is a warning (review probe df-03)', () => {
    const text = 'FROM rabbitmq:4.1-alpine\nRUN rabbitmq-plugins enable --offline rabbitmq_management\n';
    const found = analyze(allRules, 'dockerfile', '/r/Dockerfile', text, viewOf(new Map([['/r/Dockerfile', text]])), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF010');
    assert.deepEqual(found.map((f) => f.severity), ['info']);
    assert.match(found[0].message, /relies on its entrypoint to step down with su-exec/);
    const other = 'FROM postgres:17\nCOPY migrate.py /migrate.py\nCMD ["python3", "/migrate.py"]\n';
    const warn = analyze(allRules, 'dockerfile', '/q/Dockerfile', other, viewOf(new Map([['/q/Dockerfile', other]])), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF010');
    assert.deepEqual(warn.map((f) => f.severity), ['warning']);
  });
  it('DF041 names the producer that can fail (not an echo before it) and advises ash on a stage named through alpine-$TARGETARCH (review probe df-04, moby/buildkit)', () => {
    const text = 'ARG ALPINE_VERSION=3.22\nFROM alpine:${ALPINE_VERSION} AS alpine-amd64\nFROM alpine:${ALPINE_VERSION} AS alpine-arm64\nFROM alpine-$TARGETARCH AS alpinebase\n\nFROM alpinebase AS rootless\nRUN adduser -D -u 1000 user \\\n  && echo user:100000:65536 | tee /etc/subuid | tee /etc/subgid\nUSER 1000:1000\nENTRYPOINT ["/bin/true"]\n';
    const df041 = messagesOf('DF041', text, '/b/Dockerfile');
    assert.equal(df041.length, 1);
    assert.match(df041[0], /pipes tee into tee without pipefail: the step's status is tee's, so a failure of tee can go unnoticed; add SHELL \["\/bin\/ash", "-eo", "pipefail", "-c"\]/);
  });
  it('DF041 says what is wrong with a heredoc fed through cat to sh -o pipefail on an old dash, names the program after a leading redirection, and says which RUNs a dash pipefail SHELL fails (review 46 leftovers, item 3)', () => {
    const dash = '/bin/sh here is dash, which has no pipefail before Debian 13 and Ubuntu 25.04 ("Illegal option -o pipefail")';
    // `<<EOF cat | sh -o pipefail`: the step fails (the error); `cat` of a heredoc is no producer that can fail (it was "pipes <<EOF into sh").
    const fed = 'FROM debian:bookworm\nRUN <<EOF cat | sh -o pipefail\napt-get update\nEOF\nUSER 1000\n';
    assert.deepEqual(messagesOf('DF041', fed, '/h/Dockerfile'), [`This RUN fails: ${dash}; feed the heredoc to bash -o pipefail instead.`]);
    // A leading redirection is not the program: `2>/dev/null curl … | tar` pipes curl into tar.
    const redirected = 'FROM alpine:3.22\nRUN 2>/dev/null curl -fsSL https://example.com/a.tgz | tar -xz\nUSER 1000\n';
    assert.match(messagesOf('DF041', redirected, '/i/Dockerfile')[0], /^This RUN pipes curl into tar without pipefail/);
    // The SHELL: exec-form RUNs and shebang heredocs do not go through it; the message is no longer than it was.
    const shell = 'FROM debian:bookworm\nSHELL ["/bin/sh", "-o", "pipefail", "-c"]\nRUN apt-get update\nUSER 1000\n';
    const [m] = messagesOf('DF041', shell, '/j/Dockerfile');
    assert.equal(m, `Every RUN this SHELL runs fails: ${dash}; use SHELL ["/bin/bash", "-o", "pipefail", "-c"] instead.`);
    assert.ok(m.length <= `This SHELL makes every RUN under it fail: ${dash}; use SHELL ["/bin/bash", "-o", "pipefail", "-c"] instead.`.length);
  });
  it('DF041 by the pipe\'s last command: a check of the pipe is not reported, a download into a decompressor or compressed tar is info, tar without compression and grep say what they catch, and a script\'s worst pipe is the one reported (review 47b, item 1)', () => {
    const runs = [
      'grep " node-v24.tar.xz\\$" SHASUMS256.txt | sha256sum -c -',
      'curl -fsSL https://x/a.tgz | tar -xz -C /opt',
      'wget -qO- https://x/b.tar.xz | tar xJf - --strip 1',
      'curl -fsSL https://x/c.gz | gunzip > /c',
      'curl -fsSL https://x/d.tar | tar -x',
      'php -m | grep -q imagick',
      'tar -cz -C /src . | tar -xz -C /dst',
      'curl -fsSL https://x/e.gz | gzip -dcf > /e',
      'curl -fsSL https://x/f.tgz | tar -xzf /tmp/other.tgz',
      'php -m | grep -r memcached',
      'curl -fsSL https://x/g.tgz | tar -xz && curl -fsSL https://x/install.sh | sh',
    ];
    const text = `FROM debian:trixie\n${runs.map((r) => `RUN ${r}`).join('\n')}\nUSER 1000\n`;
    const found = analyze(allRules, 'dockerfile', '/r/Dockerfile', text, viewOf(new Map([['/r/Dockerfile', text]])), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF041');
    const tail = '; add SHELL ["/bin/bash", "-o", "pipefail", "-c"] before it';
    const any = (from: string, to: string) => `This RUN pipes ${from} into ${to} without pipefail: the step's status is ${to}'s, so a failure of ${from} can go unnoticed${tail} (/bin/sh may be dash, which has no pipefail before Debian 13).`;
    const closed = (from: string, to: string) => `This RUN pipes ${from} into ${to} without pipefail: a failed download still fails the step, but with ${to}'s error instead of ${from}'s${tail} to see the real cause (/bin/sh may be dash, which has no pipefail before Debian 13).`;
    const empty = (from: string, to: string) => `This RUN pipes ${from} into ${to} without pipefail: ${to} fails the step when ${from} prints nothing, but a failure of ${from} after it printed part of its output can go unnoticed${tail} (/bin/sh may be dash, which has no pipefail before Debian 13).`;
    assert.deepEqual(
      found.map((f) => [f.range.start.line, f.range.start.character, f.severity, f.message]),
      [
        [2, 4, 'info', closed('curl', 'tar')],
        [3, 4, 'info', closed('wget', 'tar')],
        [4, 4, 'info', closed('curl', 'gunzip')],
        [5, 4, 'warning', empty('curl', 'tar')],
        [6, 4, 'warning', empty('php', 'grep')],
        [7, 4, 'warning', empty('tar', 'tar')],
        [8, 4, 'warning', any('curl', 'gzip')],
        [9, 4, 'warning', any('curl', 'tar')],
        [10, 4, 'warning', any('php', 'grep')],
        [11, 44, 'warning', any('curl', 'sh')],
      ],
    );
  });
  it('DF041 on an old dash: `sh -o pipefail -c` fails the RUN as a heredoc fed to it does, and with `|| true` after it the message says the script never runs (review 46a, item 6)', () => {
    const dash = '/bin/sh here is dash, which has no pipefail before Debian 13 and Ubuntu 25.04 ("Illegal option -o pipefail")';
    const c = 'FROM debian:12\nRUN sh -o pipefail -c "curl -fsSL https://example.com/a | tar -xz -C /opt"\nUSER 1000\n';
    assert.deepEqual(messagesOf('DF041', c, '/k/Dockerfile'), [`This RUN fails: ${dash}; run the script with bash -o pipefail instead.`]);
    const skipped = 'FROM debian:12\nRUN <<EOF sh -o pipefail || true\ncurl -fsSL https://example.com/a | tar -xz -C /opt\nEOF\nUSER 1000\n';
    assert.deepEqual(messagesOf('DF041', skipped, '/l/Dockerfile'), [`This RUN's script never runs (the || after it hides the error): ${dash}; feed the heredoc to bash -o pipefail instead.`]);
  });
  it('DC011 names the file whose command bypasses the step-down when it is not the file reported; DC060 says when the override drops RABBITMQ_NODENAME (review 46 leftovers, item 4)', () => {
    const files = new Map([
      ['/o/compose.yaml', 'services:\n  db:\n    image: postgres:16\n    command: ["bash", "-c", "exec postgres"]\n  own:\n    image: postgres:16\n'],
      ['/o/compose.override.yaml', 'services:\n  db:\n    image: postgres:17\n  own:\n    image: postgres:17\n    command: ["sh", "-c", "sleep infinity"]\n'],
    ]);
    const dc011 = messagesByService('DC011', files, '/o/compose.override.yaml');
    assert.match(dc011.db, /^Service 'db' has no user: and the command compose\.yaml gives it bypasses the entrypoint with which image 'postgres:17' steps down/);
    // Written in the file reported: its own, as before.
    assert.match(dc011.own, /^Service 'own' has no user: and its own command bypasses the entrypoint/);
    const rabbit = new Map([
      ['/r/compose.yaml', 'services:\n  mq:\n    image: rabbitmq:4.2\n    environment:\n      RABBITMQ_NODENAME: rabbit@mq\n    volumes:\n      - mq-data:/var/lib/rabbitmq\n  other:\n    image: rabbitmq:4.2\n    volumes:\n      - other-data:/var/lib/rabbitmq\nvolumes:\n  mq-data:\n  other-data:\n'],
      ['/r/compose.override.yaml', 'services:\n  mq:\n    environment:\n      RABBITMQ_NODENAME: !reset null\n  other:\n    environment:\n      RABBITMQ_DEFAULT_USER: app\n'],
    ]);
    const dc060 = messagesByService('DC060', rabbit, '/r/compose.yaml');
    assert.match(dc060.mq, /^RabbitMQ service 'mq' keeps its data in a volume at \/var\/lib\/rabbitmq, but without a fixed node name \(compose\.override\.yaml drops the RABBITMQ_NODENAME set here\): RabbitMQ names/);
    // Nothing dropped (this file never named the node): as before.
    assert.match(dc060.other, /but without a fixed node name: RabbitMQ names/);
  });
  it('DF015 names the host and the file name of an ADD URL only: no user-info, other path segments, query or fragment (review 46 leftovers, item 5)', () => {
    const text = [
      'FROM alpine:3.22',
      'ADD https://user:Tok3nValue_x9@example.com:8443/private-Seg_77/dl/tool.tar.gz?X-Amz-Signature=SigValue_42#frag /tmp/',
      'ADD https://example.com/ /tmp/index.html',
      'ADD https://oauth2:glpat-Value_55@gitlab.com/group-Seg_88/repo.git#main /src',
      'ADD git@github.com:moby/buildkit.git#v0.12 /bk',
      'USER 1000',
      '',
    ].join('\n');
    const messages = messagesOf('DF015', text, '/u/Dockerfile');
    assert.deepEqual(messages, [
      'ADD downloads tool.tar.gz from example.com:8443 without --checksum, so its content is never verified. Add --checksum=sha256:<digest>.',
      'ADD downloads a file from example.com without --checksum, so its content is never verified. Add --checksum=sha256:<digest>.',
      'ADD clones the repository repo.git from gitlab.com without --checksum: the branch or tag can move. Pin the commit with --checksum=<commit sha>.',
      'ADD clones the repository buildkit.git from github.com without --checksum: the branch or tag can move. Pin the commit with --checksum=<commit sha>.',
    ]);
    for (const m of messages) assert.doesNotMatch(m, /Tok3n|Seg_|SigValue|glpat|frag|user|oauth2|\/dl\//);
  });
  it('DF010 does not call an ENV value an ARG default (USER $APP_USER with ENV APP_USER=root)', () => {
    const text = 'FROM debian:trixie-slim\nENV APP_USER=root\nUSER $APP_USER\nCMD ["/app/run"]\n';
    const df010 = messagesOf('DF010', text, '/d/Dockerfile');
    assert.equal(df010.length, 1);
    assert.match(df010[0], /USER \$APP_USER, which its ARG or ENV value makes root, .*give the variable a non-root uid/);
    assert.doesNotMatch(df010[0], /ARG default/);
  });
  it('DF011 does not call sudo -u <user> redundant: it runs the step as that user (discourse: sudo -u discourse bundle install)', () => {
    const text = 'FROM debian:trixie-slim\nRUN useradd -m app\nRUN sudo -u app bundle install\nRUN sudo --user=app -H make\nRUN sudo -E make install\nRUN sudo apt-get clean\n';
    const messages = messagesOf('DF011', new Map([['/m/Dockerfile', text]]), '/m/Dockerfile');
    assert.deepEqual(messages, [
      'sudo -u app in RUN runs this step as app; use USER app for it (or setpriv/gosu) and keep sudo and its sudoers grant out of the image.',
      'sudo -u app in RUN runs this step as app; use USER app for it (or setpriv/gosu) and keep sudo and its sudoers grant out of the image.',
      'sudo in RUN as root only changes the environment (its options); run the command without sudo, setting what it needs with ENV or export.',
      'sudo in RUN is redundant: the step already runs as root. Remove it.',
    ]);
  });
  it('DF041 advises what works on the base: a bash SHELL on Debian (dash has no pipefail before Debian 13), an ash SHELL on Alpine (no bash), set -o pipefail under bash', () => {
    const tail = (text: string) => messagesOf('DF041', new Map([['/m/Dockerfile', text]]), '/m/Dockerfile').map((m) => m.split('; ')[1]);
    assert.deepEqual(tail('FROM debian:bookworm-slim\nRUN curl -fsSL https://example.com/x.sh | sh\n'), ['add SHELL ["/bin/bash", "-o", "pipefail", "-c"] before it (/bin/sh may be dash, which has no pipefail before Debian 13).']);
    assert.deepEqual(tail('FROM node:24-alpine AS base\nFROM base\nRUN wget -qO- https://example.com/x.sh | sh\n'), ['add SHELL ["/bin/ash", "-eo", "pipefail", "-c"] before it (the image has no bash).']);
    assert.deepEqual(tail('FROM rockylinux:9\nRUN curl -fsSL https://example.com/x.sh | sh\n'), ['start the script with set -o pipefail.']);
  });
  it('DR001 says "with the secrets it holds" (error) only when the env file holds a credential; settings only are a warning', () => {
    const compose = 'services:\n  web:\n    image: nginx:${NGINX_TAG}\n';
    const run = (env: string) => {
      const set = new Map([['/m/compose.yaml', compose], ['/m/.env', env], ['/m/.git/HEAD', 'ref: refs/heads/main\n']]);
      return analyze(allRules, 'compose', '/m/compose.yaml', compose, viewOf(set), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DR001').map((f) => `${f.severity}: ${f.message}`);
    };
    assert.deepEqual(run('NGINX_TAG=1.27-alpine\nCOMPOSE_PROJECT_NAME=demo\n'), ["warning: '.env' (read for ${…} interpolation) is not ignored by .gitignore: it holds no credential yet, but the next `git add` commits it with whatever is added to it."]);
    assert.deepEqual(run('NGINX_TAG=1.27-alpine\nAPI_TOKEN=tok_live_0123456789\n'), ["error: '.env' (read for ${…} interpolation) is not ignored by .gitignore: the next `git add` commits it, with the secrets it holds."]);
  });
  it('DF015 does not call a glob an archive: it may match one (mastodon: ADD Gemfile* …)', () => {
    const text = 'FROM ruby:3.4-slim\nADD Gemfile* /app/\nADD vendor.tar.gz /opt/\nUSER 1000\n';
    assert.deepEqual(messagesOf('DF015', new Map([['/m/Dockerfile', text]]), '/m/Dockerfile'), [
      'ADD would extract any tar archive that Gemfile* matches; if it matches only plain files, use COPY, which adds them as they are.',
      'ADD extracts the local archive vendor.tar.gz into the image; keep ADD only if extraction is intended (use COPY to add the file as-is).',
    ]);
  });
  it('DF041 reports set -o pipefail where /bin/sh is a dash without it (Debian 12, Ubuntu 24.04): the build stops there', () => {
    const run = (text: string) => analyze(allRules, 'dockerfile', '/m/Dockerfile', text, viewOf(new Map([['/m/Dockerfile', text]])), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF041').map((f) => `${f.severity}:${f.range.start.line}`);
    const set = 'RUN set -o pipefail && curl -fsSL https://example.com/x.tgz | tar -xz\n';
    assert.deepEqual(run(`FROM python:3.12-slim-bookworm\n${set}`), ['error:1']);
    assert.deepEqual(run(`FROM ubuntu:24.04\n${set}`), ['error:1']);
    assert.deepEqual(run(`FROM debian:12-slim\nRUN <<EOF\nset -eo pipefail\ncurl -fsSL https://example.com/x.tgz | tar -xz\nEOF\n`), ['error:2']);
    // Debian 13, a bash SHELL, an unknown base, or /bin/sh pointed at bash: fine.
    assert.deepEqual(run(`FROM debian:trixie-slim\n${set}`), []);
    assert.deepEqual(run(`FROM debian:12\nSHELL ["/bin/bash", "-c"]\n${set}`), []);
    assert.deepEqual(run(`FROM ghcr.io/acme/base:1.0\n${set}`), []);
    assert.deepEqual(run(`FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n${set}`), []);
    assert.match(messagesOf('DF041', new Map([['/m/Dockerfile', `FROM node:20-bookworm\n${set}`]]), '/m/Dockerfile')[0], /^set -o pipefail stops this build: \/bin\/sh here is dash/);
  });
  it('DF003 names the tools the file runs that the suggested minimal variant lacks (opengpts: wget and a curl healthcheck on python:3.11-slim)', () => {
    const msg = (text: string) => messagesOf('DF003', new Map([['/m/Dockerfile', text]]), '/m/Dockerfile')[0];
    assert.match(msg('FROM python:3.11\nRUN wget -q https://example.com/x.tgz\nHEALTHCHECK CMD curl -f http://localhost:8000/health\nCMD ["python", "app.py"]\n'), /use its minimal variant python:3\.11-slim \(it has no curl or wget, which this file runs: install them there\)\.$/);
    // Alpine's BusyBox has wget; a tool the file installs is there.
    assert.match(msg('FROM node:24\nRUN wget -q https://example.com/x.tgz\nCMD ["node", "server.js"]\n'), /use its minimal variant node:24-alpine\.$/);
    assert.match(msg('FROM python:3.11\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    curl && rm -rf /var/lib/apt/lists/*\nHEALTHCHECK CMD curl -f http://localhost/\nCMD ["python", "app.py"]\n'), /use its minimal variant python:3\.11-slim\.$/);
    // php's Alpine images install curl themselves (review 24, probe df-01); git they do not.
    assert.match(msg('FROM php:8.3-fpm\nRUN curl -fsSL -o /usr/local/bin/x https://example.com/x && chmod +x /usr/local/bin/x\nUSER www-data\n'), /use its minimal variant php:8\.3-fpm-alpine\.$/);
    assert.match(msg('FROM php:8.3-fpm\nRUN curl -fsSL https://example.com/x -o x && git clone https://example.com/r.git\nUSER www-data\n'), /php:8\.3-fpm-alpine \(it has no git, which this file runs: install it there\)\.$/);
  });
});


describe('DF050 (passwordless sudo)', () => {
  const dockerfile = 'FROM debian:trixie-slim\nRUN useradd -m dev && echo "%sudo ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/dev\nUSER dev\n';
  const findings = (target: string) => analyze(allRules, 'dockerfile', target, dockerfile, viewOf(new Map([[target, dockerfile]])), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF050');
  it('names a group grant by its members', () => {
    const [f] = findings('/m/Dockerfile');
    assert.match(f.message, /^This RUN gives the members of group sudo passwordless sudo for every command: any process running as a member of group sudo becomes root/);
    assert.equal(f.severity, 'warning');
  });
  it('is info in a dev container, whose image is for a developer\'s editor, and says to keep the grant out of images that ship', () => {
    const [f] = findings('/m/.devcontainer/Dockerfile');
    assert.equal(f.severity, 'info');
    assert.match(f.message, /keep the grant out of images you ship\.$/);
  });
});

describe('DC041 placeholders (review 6, probe dc-07)', () => {
  it('template stand-ins and values that say they are not secret are placeholders; random values are not', () => {
    for (const v of ['your-secret-key-base-hex-64', 'your-encrpytion-primary-key', '!ChangeThisMercureHubJWTSecretKey!', 'notsecretkey', 'not-a-secret', 'insecure-dev-key', 'django-insecure-5x!k2q9v0w$z7c3b8n1m4l6j0h2g5f8d1s3a7p9o0i2u4y6t8r0e']) {
      assert.equal(ownSecretWeakReason(v, null), 'placeholder', v);
      assert.equal(weakReason(v, null), 'placeholder', v);
    }
    for (const v of ['Xq7vR2pL9kW3mN8s', 'yourself-4f9a2c7e1b8d', 'n0tS3cr3t-but-random-9c2e']) assert.equal(ownSecretWeakReason(v, null), null, v);
  });
});

describe('DF020 on a global ARG (review 6, probe df-08)', () => {
  const messages = (text: string) => analyze(allRules, 'dockerfile', '/m/Dockerfile', text, viewOf(new Map([['/m/Dockerfile', text]])), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF020').map((f) => f.message);
  it('one nothing reads is in the Dockerfile only, not in the image history', () => {
    assert.deepEqual(messages('ARG MYSQL_ROOT_PASSWORD=changeme\nFROM mysql:8.4\nCOPY ./init /docker-entrypoint-initdb.d\n'), ['ARG MYSQL_ROOT_PASSWORD writes a secret into the Dockerfile as its default, and no stage reads it; remove it.']);
  });
  it('one a stage declares again reaches its build: recorded in the history', () => {
    const [m] = messages('ARG DB_PASSWORD=changeme\nFROM alpine:3.22\nARG DB_PASSWORD\nRUN ./init.sh\n');
    assert.match(m, /^ARG DB_PASSWORD passes a secret as a build argument: its value is recorded in the image history/);
  });
});

describe('DF003 advice (review 6, probe df-07)', () => {
  const message = (text: string) => analyze(allRules, 'dockerfile', '/m/Dockerfile', text, viewOf(new Map([['/m/Dockerfile', text]])), DEFAULT_CONFIG).findings.find((f) => f.code === 'DF003')?.message;
  it('says that Alpine has no apt-get when the file installs Debian packages', () => {
    assert.match(message('FROM postgres:17\nRUN apt-get update && apt-get install -y --no-install-recommends postgresql-17-pgvector && rm -rf /var/lib/apt/lists/*\n')!, /postgres:17-alpine \(it has no apt-get: the packages this file installs with it need their Alpine apk names\)\.$/);
    assert.doesNotMatch(message('FROM postgres:17\nCOPY init.sql /docker-entrypoint-initdb.d/\n')!, /apt-get/);
  });
});

describe('DC030 in a Swarm stack (review 24, probe dc-04)', () => {
  const messages = (ports: string) => {
    const text = `services:\n  grafana:\n    image: grafana/grafana:12.0.0\n    ports:\n${ports}`;
    return analyze(allRules, 'compose', '/m/docker-stack.yml', text, viewOf(new Map([['/m/docker-stack.yml', text]])), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DC030').map((f) => f.message);
  };
  it('says a port published in host mode listens on the nodes that run the tasks, not through the routing mesh', () => {
    const [host] = messages('      - target: 3000\n        published: 3000\n        mode: host\n');
    assert.match(host, /published in host mode by a Swarm stack, where docker stack deploy ignores any host IP: it listens on every interface of each node that runs a task of the service;/);
    assert.ok(!host.includes('routing mesh'), host);
  });
  it('says the routing mesh publishes an ingress port on every node', () => {
    for (const ports of ['      - "3000:3000"\n', '      - target: 3000\n        published: 3000\n        mode: ingress\n']) {
      assert.match(messages(ports)[0], /the routing mesh listens on every interface of every node;/);
    }
  });
});

describe('DC041 client copies (review 25, probes 14-16)', () => {
  const reported = (text: string) => analyze(allRules, 'compose', '/m/compose.yaml', text, viewOf(new Map([['/m/compose.yaml', text]])), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DC041').map((f) => /(?:password|Password) (\S+) of service/.exec(f.message)?.[1]);
  const db = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: app\n';
  it('a copy named for a driver, a data source or a store, or a bare PASSWORD, is the store\'s finding only', () => {
    const clients = '  sonarqube:\n    image: sonarqube:25.1.0.102122-community\n    environment:\n      SONAR_JDBC_USERNAME: app\n      SONAR_JDBC_PASSWORD: app\n  api:\n    image: ghcr.io/acme/api:1.0\n    environment:\n      SPRING_DATASOURCE_USERNAME: app\n      SPRING_DATASOURCE_PASSWORD: app\n  odoo:\n    image: odoo:18.0\n    environment:\n      USER: app\n      PASSWORD: app\n  paperless:\n    image: ghcr.io/paperless-ngx/paperless-ngx:2.14\n    environment:\n      PAPERLESS_DBUSER: app\n      PAPERLESS_DBPASS: app\n';
    assert.deepEqual(reported(db + clients), ['POSTGRES_PASSWORD']);
  });
  it('a broker\'s own password that shares the value is judged on its own', () => {
    const mq = '  mq:\n    image: icr.io/ibm-messaging/mq:9.4.1.0-r1\n    environment:\n      MQ_ADMIN_USER: app\n      MQ_ADMIN_PASSWORD: app\n';
    assert.deepEqual(reported(db + mq), ['POSTGRES_PASSWORD', 'MQ_ADMIN_PASSWORD']);
  });
});

describe('config problems (DG002) lie inside the config text (review 40c, item 4)', () => {
  it('an error at the end of the file is reported at its end, not past it', () => {
    for (const text of ['rules: [', 'rules:\n  DF010: "off', 'rules: {\n', 'exclude:\n  - "a']) {
      const { problems } = parseConfig('/p/.docker-guardrails.yaml', text, new Set(['DF010']));
      assert.ok(problems.length > 0, JSON.stringify(text));
      const lines = text.split('\n');
      for (const pr of problems) {
        for (const pos of [pr.range.start, pr.range.end]) {
          assert.ok(pos.line < lines.length && pos.character <= lines[pos.line].length, `${JSON.stringify(text)}: ${JSON.stringify(pr.range)}`);
        }
      }
    }
  });
});


describe('resource limits in the config file', () => {
  it('a limit of zero, a fraction of a process or a size without digits is refused; valid ones are kept', () => {
    const parse = (limits: string) => parseConfig('/p/.docker-guardrails.yaml', `resourceLimits:\n${limits}`, new Set());
    for (const bad of ['  memory: "0"\n', '  memory: lots\n', '  cpus: "0"\n', '  cpus: "-1"\n', '  pids: 1.5\n', '  pids: 0\n']) {
      const { config, problems } = parse(bad);
      assert.equal(problems.length, 1, bad);
      assert.deepEqual(config.resourceLimits, {}, bad);
    }
    assert.deepEqual(parse('  memory: 1.5g\n  cpus: "0.25"\n  pids: 64\n'), { path: '/p/.docker-guardrails.yaml', config: { resourceLimits: { memory: '1.5g', cpus: '0.25', pids: 64 } }, problems: [] });
  });
});

describe('editor-only settings in the config file', () => {
  it('registry and enable are refused with why, not as unknown keys (review 41a, F9.5)', () => {
    const { problems } = parseConfig('/p/.docker-guardrails.yaml', 'registry:\n  lookups: true\nenable: false\n', new Set());
    assert.equal(problems.length, 2);
    assert.match(problems[0].message, /`registry` \(`registry.lookups`\) is a VS Code setting only/);
    assert.match(problems[1].message, /`enable` is a VS Code setting only/);
    assert.ok(problems.every((p) => !/Unknown key/.test(p.message)));
  });

  it('a key named as a member every JavaScript object has is an unknown key, not an editor-only setting', () => {
    const { problems } = parseConfig('/p/.docker-guardrails.yaml', 'constructor: 1\n__proto__: {}\ntoString: x\n', new Set());
    assert.equal(problems.length, 3);
    for (const p of problems) assert.match(p.message, /^Unknown key `(constructor|__proto__|toString)`/);
  });
});

describe('messages of review 42a', () => {
  const dockerfile = (text: string, code: string) => messagesOf(code, new Map([['/m/Dockerfile', text]]), '/m/Dockerfile');

  it('DF040 names cmd /S /C, the default shell of a Windows image, and no SIGTERM there (item 4)', () => {
    const windows = dockerfile('# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD C:\\app\\run.exe --port 80\n', 'DF040');
    assert.deepEqual(windows, ["CMD uses shell form: it runs under cmd /S /C, the default shell of this Windows image, so the container's main process is cmd with the program as its child; use the JSON exec form to run the program itself."]);
    const broken = dockerfile("FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCMD ['run.exe']\n", 'DF040');
    assert.match(broken[0], /through cmd \/S \/C, the default shell of this Windows image/);
    assert.doesNotMatch(broken[0], /SIGTERM|\/bin\/sh/);
    const linux = dockerfile('FROM alpine:3.22\nCMD run --port 80\n', 'DF040');
    assert.match(linux[0], /runs under \/bin\/sh -c, which gets docker stop's SIGTERM/);
  });

  it('DF011 says why sudo in front of a builtin is not simply removed (item 1)', () => {
    const m = dockerfile('FROM fedora:42\nRUN sudo cd /tmp && make\n', 'DF011');
    assert.deepEqual(m, ['sudo in RUN is redundant (the step already runs as root), but removing it changes the step: sudo runs cd as a separate program (or fails where there is none), while without sudo the shell runs its own cd; decide which the step needs, then drop sudo.']);
  });

  it('DF015 reads -e among the options of an exec-form RUN\'s shell as set -e: a check before `;` then fails the build (item 2)', () => {
    const severities = (run: string) => {
      const text = `FROM alpine:3.22\nADD https://example.com/tool-1.2.tar.gz /tmp/\n${run}\n`;
      return analyze(allRules, 'dockerfile', '/m/Dockerfile', text, viewOf(new Map([['/m/Dockerfile', text]])), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF015').map((f) => f.severity);
    };
    const script = JSON.stringify("echo '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  /tmp/tool-1.2.tar.gz' | sha256sum -c -; tar xzf /tmp/tool-1.2.tar.gz -C /opt");
    assert.deepEqual(severities(`RUN ["sh", "-e", "-c", ${script}]`), ['info']);
    assert.deepEqual(severities(`RUN ["bash", "-euxo", "pipefail", "-c", ${script}]`), ['info']);
    assert.deepEqual(severities(`RUN ["bash", "-o", "errexit", "-c", ${script}]`), ['info']);
    assert.deepEqual(severities(`RUN ["bash", "-o", "pipefail", "-c", ${script}]`), ['warning'], 'without -e, the last command decides');
    assert.deepEqual(severities(`RUN ["sh", "-c", ${script}]`), ['warning']);
  });

  it('DF010 says a `${VAR:-0}` fallback is root when nothing gives the variable a value (item 3)', () => {
    const m = dockerfile('FROM python:3.13-slim\nARG APP_UID\nUSER ${APP_UID:-0}\nCMD ["python"]\n', 'DF010');
    assert.deepEqual(m, ['The final stage switches to USER ${APP_UID:-0} (root unless APP_UID has a value, which nothing in the Dockerfile gives it; only an ENV of the base image could), so the container most likely runs as root; make the fallback a non-root uid (1000).']);
    const inherited = dockerfile('FROM node:24-alpine AS base\nUSER ${UID-root}\nFROM base\nCMD ["node"]\n', 'DF010');
    assert.deepEqual(inherited, ['The final stage has no USER of its own and inherits USER ${UID-root} (root unless UID has a value, which nothing in the Dockerfile gives it; only an ENV of the base image could) from the stage it builds on, so the container most likely runs as root; make the fallback a non-root uid (1000).']);
  });
});

describe('the default override (review 42b, item 1)', () => {
  const base = 'services:\n  web:\n    image: ghcr.io/acme/app:1.0.0\n    read_only: true\n    mem_limit: 256m\n    cpus: 0.5\n    pids_limit: 100\n    security_opt: [no-new-privileges:true]\n    cap_drop: [ALL]\n';
  const override = 'services:\n  web:\n    read_only: !reset true\n    mem_limit: 0\n    cpus: !reset\n    pids_limit: !reset\n    security_opt: !override [seccomp=./seccomp.json]\n    cap_drop: !reset []\n';
  const files = new Map([['/m/compose.yaml', base], ['/m/compose.override.yaml', override]]);
  const at = (code: string) => messagesOf(code, files, '/m/compose.override.yaml');

  it('says what the override drops or sets unlimited, not what its tagged value would say alone', () => {
    assert.deepEqual(at('DC018'), ["Service 'web' has a writable root filesystem once merged: this override resets read_only (!reset) and sets no read_only: true, so anything that runs in it can rewrite its binaries and configuration."]);
    assert.deepEqual(at('DC020'), [
      "Service 'web' has no memory limit once merged: this override sets mem_limit to 0 or -1 (unlimited), so one runaway or compromised container can starve the host and every other service.",
      "Service 'web' has no CPU limit once merged: this override resets cpus (!reset), so one runaway or compromised container can starve the host and every other service.",
    ]);
    assert.deepEqual(at('DC021'), ["Service 'web' has no process limit once merged: this override resets pids_limit (!reset) and sets no pids_limit, so a fork bomb in it can exhaust the host's process table."]);
    assert.deepEqual(at('DC016'), ["Service 'web' runs without no-new-privileges once merged: this override replaces security_opt (!override) and sets no no-new-privileges:true, so its processes can gain privileges through setuid binaries and file capabilities."]);
    assert.deepEqual(at('DC015'), ["Service 'web' keeps Docker's default capabilities once merged: this override resets cap_drop (!reset) and drops no ALL of its own; drop them all with cap_drop: [ALL] and add back only what it needs."]);
    // compose.yaml's own settings are what the override drops: nothing is reported there.
    for (const code of ['DC015', 'DC016', 'DC018', 'DC020', 'DC021']) assert.deepEqual(messagesOf(code, files, '/m/compose.yaml'), [], code);
  });
});

describe('data stores without authentication, database connections without TLS (review 42e, items 4-5)', () => {
  /** [line, severity, message] of one rule's findings in one compose text. */
  function found(code: string, text: string, others: Record<string, string> = {}): [number, string, string][] {
    const files = new Map([['/m/compose.yaml', text], ...Object.entries(others).map(([p, t]): [string, string] => [`/m/${p}`, t])]);
    return analyze(allRules, 'compose', '/m/compose.yaml', text, viewOf(files), DEFAULT_CONFIG)
      .findings.filter((f) => f.code === code)
      .map((f) => [f.range.start.line, f.severity, f.message]);
  }

  it('DC055 is a warning when the connection leaves the project or a server that turns TLS off publishes a port, information when it stays on this host', () => {
    const text =
      'services:\n  api:\n    image: ghcr.io/acme/api:1.0\n    environment:\n' +
      '      OUT_URL: postgres://app:Zq8Secret1@db.example.com/app?sslmode=disable\n' +
      '      IN_URL: postgres://app:Zq8Secret1@db/app?sslmode=disable\n' +
      '      HOST_URL: postgres://app:Zq8Secret1@host.docker.internal/app?sslmode=disable\n' +
      '      SHARED_URL: postgres://app:Zq8Secret1@central-db/app?sslmode=disable\n' +
      '      PGSSLMODE: disable\n' +
      '  db:\n    image: postgres:17\n    command: ["postgres", "-c", "ssl=off"]\n' +
      '  open:\n    image: postgres:17\n    command: ["-c", "ssl=off"]\n    ports:\n      - "5433:5432"\n' +
      '  local:\n    image: postgres:17\n    command: ["-c", "ssl=off"]\n    ports:\n      - "127.0.0.1:5434:5432"\n';
    const f = found('DC055', text);
    assert.deepEqual(f.map(([line, severity]) => [line, severity]), [[4, 'warning'], [5, 'info'], [6, 'info'], [7, 'info'], [8, 'info'], [11, 'info'], [14, 'warning'], [19, 'info']]);
    assert.match(f[0][2], /at 'db\.example\.com' with sslmode=disable \(OUT_URL\): that host is no service of this project/);
    assert.match(f[1][2], /PostgreSQL service 'db' with sslmode=disable \(IN_URL\): unencrypted, though it stays on the compose network of this host/);
    assert.match(f[2][2], /on the Docker host \('host\.docker\.internal'\)/);
    assert.match(f[3][2], /'central-db' is no service of this project \(a container on a shared network/);
    assert.match(f[4][2], /with PGSSLMODE=disable: the host is not written here/);
    assert.match(f[6][2], /turns TLS off for every client with -c ssl=off and publishes port '5433:5432'/);
    assert.ok(f.every(([, , m]) => !m.includes('Zq8Secret1')), 'a message holds the password');
  });

  it('DC055 never takes a part of a password for the host: an @ after the authority makes the host unknown', () => {
    for (const url of ['postgres://app:Zq8/Secret@db.example.com/app?sslmode=disable', 'postgres://app:a@Zq8Secret/x@db.example.com/app?sslmode=disable']) {
      const f = found('DC055', `services:\n  api:\n    image: ghcr.io/acme/api:1.0\n    environment:\n      URL: ${url}\n`);
      assert.deepEqual(f.map(([line, severity]) => [line, severity]), [[4, 'info']], url);
      assert.match(f[0][2], /the host is not written here/);
      assert.ok(!/Zq8|Secret/.test(f[0][2]), f[0][2]);
    }
  });

  it('DC055 reads the host of PGSSLMODE and of an application\'s …_SSLMODE from the variable beside it; a service of another compose file of the project, and a links alias, are services', () => {
    const text =
      'services:\n  api:\n    image: ghcr.io/acme/api:1.0\n    environment:\n      PGHOST: pg.example.com\n      PGSSLMODE: disable\n' +
      '  worker:\n    image: ghcr.io/acme/worker:1.0\n    environment:\n      DB_HOST: shared-db\n      DB_SSLMODE: disable\n' +
      '  linked:\n    image: ghcr.io/acme/worker:1.0\n    links: ["shared-db:warehouse"]\n    environment:\n      URL: postgres://w@warehouse/w?sslmode=disable\n';
    const override = 'services:\n  shared-db:\n    image: postgres:17\n';
    assert.deepEqual(
      found('DC055', text, { 'compose.override.yaml': override }).map(([line, severity, m]) => [line, severity, /PostgreSQL service '(?:shared-db|warehouse)'/.test(m) || /at 'pg\.example\.com'/.test(m)]),
      [[5, 'warning', true], [10, 'info', true], [15, 'info', true]],
    );
  });

  it('DC051 is a warning, as DC052 for Redis, whether or not a port is published, and names the setting, never a value', () => {
    const text =
      'services:\n  mongo:\n    image: mongo:8.0\n  published:\n    image: mongo:8.0\n    ports:\n      - "127.0.0.1:27017:27017"\n' +
      '  es:\n    image: elasticsearch:8.15.0\n    environment:\n      ELASTIC_PASSWORD: Zq8Secret1\n      xpack.security.enabled: "false"\n' +
      '  bitnami:\n    image: bitnami/mongodb:8.0\n    environment:\n      - MONGODB_USERNAME=app\n      - ALLOW_EMPTY_PASSWORD=yes\n';
    const f = found('DC051', text);
    assert.deepEqual(f.map(([line, severity]) => [line, severity]), [[2, 'warning'], [4, 'warning'], [11, 'warning'], [16, 'warning']]);
    assert.match(f[0][2], /runs MongoDB without authentication: with no MONGO_INITDB_ROOT_USERNAME and MONGO_INITDB_ROOT_PASSWORD the image does not start mongod with --auth/);
    assert.match(f[2][2], /turns Elasticsearch security off with xpack\.security\.enabled=false/);
    assert.match(f[3][2], /sets ALLOW_EMPTY_PASSWORD=yes and no password/);
    assert.ok(f.every(([, , m]) => !m.includes('Zq8Secret1')));
  });
});

describe('messages of review 43c', () => {
  const findings = (text: string, code: string) =>
    analyze(allRules, 'dockerfile', '/m/Dockerfile', text, viewOf(new Map([['/m/Dockerfile', text]])), DEFAULT_CONFIG).findings.filter((f) => f.code === code);
  const withEntrypoint = (entrypoint: string, env = '') => `FROM node:22-alpine\nRUN apk add --no-cache dumb-init tini\n${env}USER node\nENTRYPOINT ${entrypoint}\nCMD node server.js --keepAliveTimeout 110000\n`;

  it('DF040: an init that signals the whole process group gets the program SIGTERM through the shell: information, and said so (item 6)', () => {
    for (const [entrypoint, init] of [['["dumb-init", "--"]', 'dumb-init'], ['["/usr/bin/dumb-init", "-r", "15:2", "--"]', 'dumb-init'], ['["/sbin/tini", "-g", "--"]', 'tini']]) {
      const [f] = findings(withEntrypoint(entrypoint), 'DF040');
      assert.equal(f.severity, 'info', entrypoint);
      assert.equal(f.message, `CMD uses shell form: the ENTRYPOINT's ${init} runs it under /bin/sh -c; ${init} passes docker stop's SIGTERM to the whole process group, so the program gets it, but the exec form runs it without the shell in between.`);
    }
    // Signals to the direct child only: the shell gets SIGTERM and does not pass it on.
    for (const [entrypoint, env] of [['["dumb-init", "-c", "--"]', ''], ['["dumb-init", "-r", "15:2", "--single-child"]', ''], ['["dumb-init", "--"]', 'ENV DUMB_INIT_SETSID=0\n'], ['["tini", "--"]', ''], ['["tini", "-p", "-g"]', '']]) {
      const [f] = findings(withEntrypoint(entrypoint, env), 'DF040');
      assert.equal(f.severity, 'warning', entrypoint + env);
      assert.match(f.message, /runs under \/bin\/sh -c, which gets docker stop's SIGTERM and does not pass it on/);
    }
  });
});

describe('DC060 names the file whose volume definition makes it a tmpfs (review 44d, item 5)', () => {
  const base = 'services:\n  db:\n    image: postgres:17\n    volumes:\n      - dbdata:/var/lib/postgresql/data\n  app:\n    image: nginx:1.30\nvolumes:\n  dbdata:\n';
  it('the override, when its definition adds type: tmpfs to a plain one here', () => {
    const override = 'volumes:\n  dbdata:\n    driver_opts:\n      type: tmpfs\n      device: tmpfs\n';
    const [m] = messagesOf('DC060', new Map([['/m/compose.yaml', base], ['/m/compose.override.yaml', override]]));
    assert.match(m, /named volume dbdata, whose top-level definition in compose\.override\.yaml makes it a tmpfs/);
    assert.match(m, /Drop type: tmpfs from the definition of dbdata in compose\.override\.yaml,/);
  });
  it('no file named when the definition is in the file reported', () => {
    const own = base.replace('  dbdata:\n', '  dbdata:\n    driver_opts:\n      type: tmpfs\n      device: tmpfs\n');
    const [m] = messagesOf('DC060', new Map([['/m/compose.yaml', own], ['/m/compose.override.yaml', 'services:\n  app:\n    environment:\n      TZ: UTC\n']]));
    assert.match(m, /named volume dbdata, whose top-level definition makes it a tmpfs/);
    assert.match(m, /Drop type: tmpfs from the definition of dbdata, or/);
  });
});

describe('DG001 says why a code of the other file kind suppresses nothing (review 44d, item 4)', () => {
  it('a Dockerfile rule in a compose file, a compose file rule in a Dockerfile', () => {
    const compose = 'services:\n  cache:\n    image: redis:7.4\n    # docker-guardrails-ignore DF022\n    command: redis-server --appendonly yes\n    volumes:\n      - r:/data\nvolumes:\n  r:\n';
    assert.deepEqual(messagesOf('DG001', compose), ['DF022 in this ignore comment is a Dockerfile rule, which never runs on a compose file, so it suppresses nothing here; remove it.']);
    const dockerfile = 'FROM alpine:3.22\n# docker-guardrails-ignore DG004\nRUN echo hi\nUSER 1000\n';
    assert.deepEqual(messagesOf('DG001', new Map([['/m/Dockerfile', dockerfile]]), '/m/Dockerfile'), ['DG004 in this ignore comment is a compose file rule, which never runs on a Dockerfile, so it suppresses nothing here; remove it.']);
  });
});

describe('DF051 (no FROM; review 46b, finding 1)', () => {
  const run = (dockerfile: string) => analyze(allRules, 'dockerfile', '/m/Dockerfile', dockerfile, viewOf(new Map([['/m/Dockerfile', dockerfile]])), DEFAULT_CONFIG).findings;
  it('says a file with no FROM does not build, and still reports its secrets without their values', () => {
    const findings = run('MAINTAINER Jane Doe <jane@example.com>\nENV API_KEY=sk_live_abcdef1234567890XYZ\n');
    const df051 = findings.find((f) => f.code === 'DF051');
    assert.match(df051?.message ?? '', /^This Dockerfile has no FROM instruction, so it does not build .*before the first MAINTAINER/);
    const df020 = findings.find((f) => f.code === 'DF020');
    assert.match(df020?.message ?? '', /^ENV API_KEY writes a secret into the Dockerfile, before its first FROM/);
    assert.ok(findings.every((f) => !f.message.includes('sk_live')));
  });
  it('names the instruction that comes before the first FROM', () => {
    const [f] = run('ARG BASE=alpine:3.22\nENV APP_MODE=production\nFROM ${BASE}\nUSER 1000\nCMD ["./server"]\n').filter((x) => x.code === 'DF051');
    assert.match(f.message, /^ENV comes before the first FROM: a Dockerfile must begin with FROM/);
  });
  it('never quotes a first word that is no Dockerfile instruction (a secret on its own line); a list of names is no Dockerfile', () => {
    // Only text, no instruction (a list of file names under a Dockerfile's name): not reported (review 47b, finding 8).
    assert.deepEqual(run('docker-library+postgres__15__alpine3.23__Dockerfile\nother__Dockerfile\n').filter((x) => x.code === 'DF051'), []);
    const [f] = run('POSTGRES_PASSWORD_hunter2\nRUN make\n').filter((x) => x.code === 'DF051');
    assert.match(f.message, /^This Dockerfile has no FROM instruction, so it does not build .*before the first line, which is no Dockerfile instruction\./);
    const [g] = run('hunter2secretvalue\nFROM alpine:3.22\nUSER 1000\n').filter((x) => x.code === 'DF051');
    assert.match(g.message, /^A line that is no Dockerfile instruction comes before the first FROM/);
    assert.ok(!/hunter2/i.test(g.message) && !/POSTGRES/i.test(f.message));
  });
});
