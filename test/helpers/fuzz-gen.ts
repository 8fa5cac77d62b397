/**
 * fast-check generators of structured Dockerfiles and compose files, built from realistic pieces
 * (what the rules look at, written the many ways people write it), plus small workspaces around them
 * (`.env`, `.gitignore`, `.dockerignore`, a Dockerfile a service builds).
 */
import fc from 'fast-check';
import type { Case } from './fuzz-props';

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const joinLines = (eol: string) => (parts: string[]) => parts.join(eol);

// ---------------------------------------------------------------------------------------------
// Dockerfiles

const IMAGE_NAMES = ['node', 'python', 'ubuntu', 'debian', 'alpine', 'golang', 'nginx', 'postgres', 'redis', 'busybox', 'ghcr.io/acme/app', 'registry.example.com:5000/team/img', 'mcr.microsoft.com/dotnet/sdk', 'scratch', 'quay.io/x/y', 'library/node', 'docker.io/library/python', 'rockylinux/rockylinux', 'fedora', 'opensuse/leap', 'ubi8/ubi-minimal', 'constructor', '__proto__'];
const TAGS = ['', ':latest', ':24', ':24-alpine', ':3.12-slim', ':22.04', ':bookworm', ':1.27', ':17-alpine', ':${TAG}', ':$VERSION', ':${VERSION:-1.0}', ':3', ':stable'];
const DIGEST = '@sha256:' + 'ab'.repeat(32);
// Names every JavaScript object has (`constructor`, `__proto__`, `toString`…) in every place a table is looked up by what
// the user wrote: an object literal used as a table answered for them (16 rules threw on `RUN constructor …`).
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
const WORDS = ['app', 'build', 'base', 'deps', 'runtime', 'final', 'builder', 'test', '__proto__'];

const image = fc.tuple(pick(...IMAGE_NAMES), pick(...TAGS), fc.boolean()).map(([n, t, d]) => (n === 'scratch' ? n : n + t + (d ? DIGEST : '')));
const imageOrArg = fc.oneof({ weight: 5, arbitrary: image }, { weight: 1, arbitrary: pick('${BASE}', '$BASE_IMAGE', '${BASE:-node:20}', 'build', 'base') });

const pkg = pick('curl', 'git', 'ca-certificates', 'build-essential', 'python3', 'openssl=3.0.2-0ubuntu1', 'vim', 'sudo', 'wget', 'bash', 'tzdata', 'libpq-dev', 'nodejs=18.*', 'gcc');
const pkgs = fc.array(pkg, { minLength: 0, maxLength: 4 }).map((xs) => xs.join(' '));
const url = pick('https://example.com/install.sh', 'http://get.example.io', 'https://user:pa55w0rd@git.example.com/x.git', 'https://raw.githubusercontent.com/a/b/main/setup.sh', '"$URL"', 'https://deb.nodesource.com/setup_20.x');

const shellCmd = fc.oneof(
  fc.tuple(pick('apt-get', 'apt'), pick('update', 'install -y', 'install', 'install -y --no-install-recommends', 'dist-upgrade -y', 'upgrade -y', '-qq install -y'), pkgs).map(([a, b, c]) => `${a} ${b} ${c}`.trim()),
  pkgs.map((p) => `apk add ${p}`),
  pkgs.map((p) => `apk add --no-cache ${p}`),
  pick('apk update', 'apk upgrade'),
  pkgs.map((p) => `pip install ${p}`),
  pick('pip install -r requirements.txt', 'pip3 install --no-cache-dir flask==3.0.0', 'python -m pip install --upgrade pip', 'pip install --user .'),
  fc.tuple(pick('curl -fsSL', 'curl -sk', 'curl --insecure', 'wget -qO-', 'wget --no-check-certificate -O -', 'curl'), url, pick('| sh', '| bash', '| sudo bash -', '| bash -s -- -y', '> /tmp/x.sh', '-o /tmp/x')).map(([a, b, c]) => `${a} ${b} ${c}`),
  pick('rm -rf /var/lib/apt/lists/*', 'apt-get clean', 'yum install -y httpd', 'dnf install -y git && dnf clean all', 'microdnf install -y shadow-utils', 'zypper install -y curl', 'yum clean all'),
  pick('npm install', 'npm ci', 'npm install -g yarn', 'yarn install --frozen-lockfile', 'npm config set //registry.npmjs.org/:_authToken npm_abcdefghijklmnopqrstuvwxyz0123456789'),
  pick('chmod 777 /app', 'chmod -R a+rwx /data', 'chmod 0755 /usr/local/bin/x', 'chown -R 1000:1000 /app'),
  pick('cd /app', 'cd ..', 'mkdir -p /app && cd /app', 'sudo make install', 'make', 'useradd -m app', 'echo "root:toor" | chpasswd'),
  pick('docker login -u me -p s3cretpass registry.example.com', 'mysql -uroot -psecret < schema.sql', 'git config --global http.sslVerify false', 'export NODE_TLS_REJECT_UNAUTHORIZED=0', 'git clone https://github.com/a/b.git', 'sshpass -p hunter2 ssh host'),
  fc.tuple(pick(...PROTOTYPE_NAMES), pick('', ' install -y curl', ' apt-get install -y vim', ' --help')).map(([a, b]) => a + b),
  pick('set -o pipefail', 'set -eux', 'true', 'echo "a | b"', "echo 'quoted && ; |'", 'echo $((1+2))', 'for i in 1 2; do echo $i; done', 'if [ -f x ]; then rm x; fi', 'ls | grep x', '$(echo hi)', '`echo hi`'),
);

const sep = pick(' && ', ' ; ', ' || ', ' | ', ' &&\\\n    ', ' \\\n && ', ' && \\\n  ', ' \\\n\t&& ', '\\\n');
const shellScript = fc.tuple(shellCmd, fc.array(fc.tuple(sep, shellCmd), { maxLength: 4 })).map(([first, rest]) => first + rest.map(([s, c]) => s + c).join(''));

const runInstr = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(pick('RUN ', 'RUN --mount=type=cache,target=/var/cache/apt ', 'RUN --mount=type=secret,id=tok ', 'run ', 'RUN\t', 'RUN --network=none ', 'RUN --security=insecure ', 'RUN --security=insecure\t--network=none '), shellScript).map(([a, b]) => a + b) },
  { weight: 1, arbitrary: fc.tuple(shellCmd, fc.boolean()).map(([c, sh]) => (sh ? `RUN ["/bin/sh", "-c", ${JSON.stringify(c)}]` : `RUN [${c.split(' ').slice(0, 4).map((w) => JSON.stringify(w)).join(', ')}]`)) },
  { weight: 1, arbitrary: fc.tuple(pick('EOF', 'SCRIPT', '-EOT'), fc.array(shellCmd, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([tag, cmds, bash]) => `RUN ${bash ? 'bash ' : ''}<<${tag}\n${cmds.join('\n')}\n${tag.replace(/^-/, '')}`) },
  { weight: 1, arbitrary: fc.tuple(shellCmd, shellCmd).map(([a, b]) => `RUN ${a} \\\n    # a comment inside\n    && ${b}`) },
  { weight: 1, arbitrary: pick('RUN apt-get update && apt-get install -y curl', 'RUN apt-get update \\\n && apt-get install -y --no-install-recommends git \\\n && rm -rf /var/lib/apt/lists/*', 'RUN echo one\nRUN echo two\nRUN echo three', 'RUN apt-get update\nRUN apt-get install -y curl', 'RUN pip install flask && \\\n    apk add curl') },
);

const secretName = pick('PASSWORD', 'DB_PASSWORD', 'API_KEY', 'GITHUB_TOKEN', 'NPM_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'SECRET_KEY_BASE', 'PASSWORD_FILE', 'DB_USER', 'APP_ENV', 'NODE_ENV', 'PATH', 'PRIVATE_KEY', 'credentials', 'constructor');
const secretValue = pick('', 'hunter2', '"s3cr3t value"', "'single'", '${OTHER}', 'ghp_' + 'a'.repeat(36), 'AKIA' + 'B'.repeat(16), 'production', '/run/secrets/x', '$HOME/bin:$PATH', '"-----BEGIN RSA PRIVATE KEY-----"');

const userInstr = pick('USER root', 'USER 0', 'USER 1000', 'USER app', 'USER 1000:1000', 'USER root:root', 'USER ${UID}', 'USER nobody', 'USER $USER');
const copyInstr = fc.oneof(
  pick('COPY . .', 'COPY package*.json ./', 'COPY --chown=1000:1000 . /app', 'COPY .env /app/.env', 'COPY id_rsa /root/.ssh/id_rsa', 'COPY ["a b", "/c/"]', 'ADD app.tar.gz /app/', 'ADD https://example.com/x.tgz /tmp/', 'ADD . /app', 'ADD --chmod=755 run.sh /', 'COPY --chmod=777 x /x', 'COPY <<EOF /etc/conf\nkey=value\nEOF'),
  fc.tuple(pick(...WORDS, '0', '1', '5', 'nginx:latest', 'missing'), pick('/out', '/app/dist', '/usr/local/bin/x')).map(([from, p]) => `COPY --from=${from} ${p} ${p}`),
);

const otherInstr = fc.oneof(
  pick('EXPOSE 22', 'EXPOSE 80 443', 'EXPOSE 8080/tcp', 'EXPOSE 2222', 'EXPOSE ${PORT}', 'EXPOSE 22/udp'),
  pick('WORKDIR /app', 'WORKDIR app', 'WORKDIR ../x', 'WORKDIR $HOME', 'WORKDIR "/a b"'),
  pick('CMD ["node", "server.js"]', 'CMD node server.js', 'CMD ["sh", "-c", "echo hi"]', 'ENTRYPOINT ["/entry.sh"]', 'ENTRYPOINT exec java -jar app.jar', 'CMD'),
  pick('HEALTHCHECK CMD curl -f http://localhost/ || exit 1', 'HEALTHCHECK NONE', 'HEALTHCHECK --interval=30s CMD ["true"]'),
  pick('MAINTAINER someone <a@b.c>', 'LABEL maintainer="a@b.c"', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'SHELL ["powershell", "-Command"]', 'STOPSIGNAL SIGTERM', 'VOLUME /data', 'ONBUILD RUN apt-get update', 'ONBUILD COPY . .'),
  fc.tuple(pick('ENV', 'ARG'), secretName, secretValue).map(([k, n, v]) => (v === '' ? `${k} ${n}` : `${k} ${n}=${v}`)),
  fc.tuple(secretName, secretValue).map(([n, v]) => `ENV ${n} ${v || 'x'}`),
  pick('ENV A=1 B=2 \\\n    C=3', 'ENV DEBIAN_FRONTEND=noninteractive', 'ARG DEBIAN_FRONTEND=noninteractive', 'ENV PATH=/x:$PATH'),
);

const comment = pick('# a comment', '# docker-guardrails-ignore DF001', '# docker-guardrails-ignore DF010,DF044 -- reason', '# docker-guardrails-ignore-file DF039', '# docker-guardrails-ignore', '# docker-guardrails-ignore XX999', '#', '# syntax=docker/dockerfile:1', '');

const instruction = fc.oneof({ weight: 6, arbitrary: runInstr }, { weight: 2, arbitrary: userInstr }, { weight: 3, arbitrary: copyInstr }, { weight: 5, arbitrary: otherInstr }, { weight: 2, arbitrary: comment });

const fromInstr = fc.tuple(pick('FROM', 'from', 'FROM --platform=$BUILDPLATFORM', 'FROM --platform=linux/amd64'), imageOrArg, fc.option(pick(...WORDS), { nil: undefined })).map(([f, img, as]) => `${f} ${img}${as ? ` AS ${as}` : ''}`);

const stage = fc.tuple(fromInstr, fc.array(instruction, { maxLength: 8 })).map(([f, body]) => [f, ...body].join('\n'));

/** A Dockerfile: optional parser directives and global ARGs, then 1–4 stages; LF or CRLF. */
export const dockerfileText = fc
  .tuple(
    fc.array(pick('# syntax=docker/dockerfile:1', '# escape=`', '# check=skip=all', 'ARG BASE=node:20', 'ARG TAG=latest', 'ARG VERSION', 'ARG BASE_IMAGE=python:3.12@' + DIGEST.slice(1)), { maxLength: 3 }),
    fc.array(stage, { minLength: 1, maxLength: 4 }),
    pick('\n', '\n', '\n', '\r\n'),
    fc.boolean(),
  )
  .chain(([head, stages, eol, trailing]) =>
    // Ways people write the same Dockerfile: lower-case keywords, indented instructions, spaces after a continuation.
    fc.record({ lower: fc.boolean(), indent: fc.boolean(), spaceAfterEscape: fc.boolean() }, { requiredKeys: [] }).map((st) => {
      let lines = [...head, ...stages].join('\n').split('\n');
      if (st.lower) lines = lines.map((l) => l.replace(/^(FROM|RUN|USER|COPY|ADD|ENV|ARG|EXPOSE|WORKDIR|CMD|ENTRYPOINT)\b/, (k) => k.toLowerCase()));
      if (st.indent) lines = lines.map((l) => (/^[A-Za-z]/.test(l) && !/^(FROM|from)\b/.test(l) && !/^(EOF|SCRIPT|EOT)$/.test(l) ? `  ${l}` : l));
      if (st.spaceAfterEscape) lines = lines.map((l) => l.replace(/\\$/, '\\  '));
      return lines.join('\n').replace(/\n/g, eol) + (trailing ? eol : '');
    }),
  );

// ---------------------------------------------------------------------------------------------
// Compose files

const envName = pick('POSTGRES_INITDB_ARGS', 'POSTGRES_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'MYSQL_PASSWORD', 'MONGO_INITDB_ROOT_PASSWORD', 'REDIS_PASSWORD', 'API_TOKEN', 'SECRET_KEY', 'AWS_SECRET_ACCESS_KEY', 'DATABASE_URL', 'GF_SECURITY_ADMIN_PASSWORD', 'POSTGRES_HOST_AUTH_METHOD', 'POSTGRES_USER', 'CORS_ORIGIN', 'CORS_ALLOWED_ORIGINS', 'NODE_ENV', 'PASSWORD_FILE', 'RABBITMQ_DEFAULT_PASS', 'MINIO_ROOT_PASSWORD', 'DB_PASSWORD', 'constructor', 'toString');
const envValue = pick('--auth=md5', '"--auth-host=password --data-checksums"', 'hunter2', 'postgres', 'password', 'changeme', 'root', 'admin', 'Tr0ub4dor&3-horse', '"quoted: value"', "'single quoted'", '${DB_PASSWORD}', '${DB_PASSWORD:-hunter2}', '${DB_PASSWORD-default}', '${X:?required}', 'postgres://app:s3cret@db:5432/app', 'mongodb://root:example@mongo/', 'trust', 'md5', '"*"', '*', '', 'null', '~', '123456', 'true', '"multi\\nline"', '|\n        block\n        text', '$$escaped', 'ghp_' + 'x'.repeat(36));

const envBlock = (indent: string) =>
  fc.oneof(
    fc.array(fc.tuple(envName, envValue), { minLength: 1, maxLength: 5 }).map((xs) => `${indent}environment:\n` + xs.map(([k, v]) => `${indent}  ${k}: ${v}`).join('\n')),
    fc.array(fc.tuple(envName, envValue, pick('=', '=', '')), { minLength: 1, maxLength: 5 }).map((xs) => `${indent}environment:\n` + xs.map(([k, v, eq]) => `${indent}  - ${eq ? `${k}=${v.replace(/^['"]|['"]$/g, '')}` : k}`).join('\n')),
    fc.array(fc.tuple(envName, envValue), { minLength: 1, maxLength: 3 }).map((xs) => `${indent}environment: { ${xs.map(([k, v]) => `${k}: ${v.includes('\n') ? 'x' : v}`).join(', ')} }`),
    pick(`${indent}environment: *env`, `${indent}environment:\n${indent}  <<: *env\n${indent}  EXTRA: "1"`, `${indent}env_file: .env`, `${indent}env_file:\n${indent}  - .env\n${indent}  - path: ./other.env\n${indent}    required: false`),
  );

const portsBlock = (indent: string) =>
  fc.oneof(
    fc.array(pick('"80:80"', '8080:80', '"127.0.0.1:5432:5432"', '5432:5432', '6379:6379', '"0.0.0.0:27017:27017"', '3000', '"22:22"', '443:443/tcp', '"[::]:80:80"', '9000-9010:9000-9010', '${PORT}:80', '"${HOST_IP:-127.0.0.1}:3306:3306"', '53:53/udp'), { minLength: 1, maxLength: 3 }).map((xs) => `${indent}ports:\n` + xs.map((x) => `${indent}  - ${x}`).join('\n')),
    fc.tuple(pick(80, 5432, 22, 8080, 6379), pick('', '127.0.0.1', '0.0.0.0'), pick('', 'ingress', 'host')).map(([p, ip, mode]) => `${indent}ports:\n${indent}  - target: ${p}\n${indent}    published: "${p}"${ip ? `\n${indent}    host_ip: ${ip}` : ''}${mode ? `\n${indent}    mode: ${mode}` : ''}\n${indent}    protocol: tcp`),
    pick(`${indent}ports: ["80:80", "5432:5432"]`, `${indent}ports: *ports`, `${indent}expose:\n${indent}  - "3000"`),
  );

const volumesBlock = (indent: string) =>
  fc.oneof(
    fc.array(pick('/var/run/docker.sock:/var/run/docker.sock', '/var/run/docker.sock:/var/run/docker.sock:ro', './data:/data', 'db-data:/var/lib/postgresql/data', '/:/host', '/etc:/etc:ro', '/proc:/host/proc', '~/.ssh:/root/.ssh', '${PWD}:/app', '/home:/home:rw'), { minLength: 1, maxLength: 3 }).map((xs) => `${indent}volumes:\n` + xs.map((x) => `${indent}  - ${x}`).join('\n')),
    pick('/var/run/docker.sock', '/etc', './app').map((src) => `${indent}volumes:\n${indent}  - type: bind\n${indent}    source: ${src}\n${indent}    target: /mnt\n${indent}    read_only: true`),
  );

const serviceImage = pick('constructor', '__proto__:toString', 'postgres:17-alpine', 'postgres:13-alpine', 'postgres:16', 'mysql:8', 'mariadb:11', 'mongo:7', 'redis', 'redis:7-alpine', 'bitnami/redis:latest', 'nginx:latest', 'node:20', 'ghcr.io/acme/api:1.2.3', 'portainer/portainer-ce', 'grafana/grafana', 'rabbitmq:3-management', 'minio/minio', 'busybox@sha256:' + 'ab'.repeat(32), '${IMAGE}', 'python:3.12-slim', 'traefik:v3', 'elasticsearch:8.15.0');

const serviceExtra = (i: string) =>
  fc.oneof(
    pick(`${i}privileged: true`, `${i}privileged: "true"`, `${i}privileged: false`, `${i}user: root`, `${i}user: "0:0"`, `${i}user: "1000:1000"`, `${i}user: \${UID}`, `${i}read_only: true`, `${i}read_only: false`),
    pick(`${i}network_mode: host`, `${i}pid: host`, `${i}ipc: host`, `${i}userns_mode: host`, `${i}uts: host`, `${i}network_mode: "service:db"`),
    pick(`${i}cap_add:\n${i}  - SYS_ADMIN\n${i}  - NET_ADMIN`, `${i}cap_add: [ALL]`, `${i}cap_add: [constructor, __proto__]`, `${i}cap_drop:\n${i}  - ALL`, `${i}cap_drop: [ALL]`),
    pick(`${i}security_opt:\n${i}  - no-new-privileges:true`, `${i}security_opt:\n${i}  - seccomp:unconfined\n${i}  - apparmor=unconfined`, `${i}security_opt: ["no-new-privileges"]`, `${i}security_opt:\n${i}  - label:disable`),
    pick(`${i}healthcheck:\n${i}  test: ["CMD", "curl", "-f", "http://localhost"]\n${i}  interval: 30s`, `${i}healthcheck:\n${i}  disable: true`, `${i}healthcheck:\n${i}  test: ["NONE"]`),
    pick(`${i}deploy:\n${i}  resources:\n${i}    limits:\n${i}      memory: 512m\n${i}      cpus: "0.5"\n${i}      pids: 100`, `${i}deploy:\n${i}  replicas: 2`, `${i}deploy:\n${i}  resources:\n${i}    reservations:\n${i}      memory: 128m`, `${i}mem_limit: 1g\n${i}cpus: 1.5`, `${i}pids_limit: 100`, `${i}pids_limit: -1`, `${i}deploy: *deploy`),
    pick(`${i}logging:\n${i}  driver: json-file`, `${i}logging:\n${i}  driver: json-file\n${i}  options:\n${i}    max-size: 10m\n${i}    max-file: "3"`, `${i}logging:\n${i}  driver: none`),
    pick(`${i}command: redis-server --requirepass secretpass --appendonly yes`, `${i}command: ["redis-server", "--appendonly", "no"]`, `${i}command: postgres -c password_encryption=md5`, `${i}command: >\n${i}  redis-server\n${i}  --save 60 1`, `${i}entrypoint: ["sh", "-c", "exec x"]`),
    pick(`${i}build: .`, `${i}build: ./app`, `${i}build:\n${i}  context: ./app\n${i}  dockerfile: Dockerfile\n${i}  args:\n${i}    NPM_TOKEN: npm_abcdefghijklmnopqrstuvwxyz012345\n${i}    VERSION: "1"`, `${i}build:\n${i}  context: .\n${i}  args:\n${i}    - API_KEY=abc123def456\n${i}    - PLAIN`, `${i}build: ../../outside`),
    pick(`${i}secrets:\n${i}  - db_password`, `${i}depends_on:\n${i}  - db`, `${i}restart: unless-stopped`, `${i}labels:\n${i}  traefik.enable: "true"`, `${i}<<: *defaults`, `${i}extends:\n${i}  service: base`),
  );

const service = fc
  .tuple(pick('db', 'app', 'web', 'redis', 'cache', 'api', 'proxy', 'x-svc', 'svc_1', '"quoted"', 'a b', 'constructor', '__proto__'), fc.option(serviceImage, { nil: undefined }), fc.uniqueArray(fc.oneof(envBlock('    '), portsBlock('    '), volumesBlock('    '), serviceExtra('    ')), { maxLength: 6, selector: (b) => /^\s*([^:\s]+)/.exec(b)?.[1] }), fc.boolean())
  .map(([name, img, blocks, anchored]) => `  ${name}:${anchored ? ' &svc' : ''}\n` + [img ? `    image: ${img}` : '', ...blocks].filter(Boolean).join('\n'));

const header = pick(
  '',
  "version: '3.8'",
  'name: demo',
  'x-env: &env\n  POSTGRES_PASSWORD: example\n  API_TOKEN: tok_live_abc',
  'x-defaults: &defaults\n  restart: always\n  privileged: true\n  environment:\n    SECRET_KEY: supersecret',
  'x-ports: &ports\n  - "5432:5432"',
  'x-deploy: &deploy\n  resources:\n    limits:\n      memory: 1g',
  '# docker-guardrails-ignore-file DC001',
  '# docker-guardrails-ignore DC010 -- on purpose',
);

const footer = pick('', 'volumes:\n  db-data:', 'secrets:\n  db_password:\n    file: ./secrets/db_password.txt', 'networks:\n  default:\n    name: x', 'volumes:\n  db-data: {}\nsecrets:\n  s:\n    environment: S');

/** Ways people write the same compose file: trailing comments, 4-space indentation, quoted keys. */
const composeStyle = fc.record({ comments: fc.boolean(), indent4: fc.boolean(), quoteKeys: fc.boolean() }, { requiredKeys: [] });

function restyleCompose(text: string, st: { comments?: boolean; indent4?: boolean; quoteKeys?: boolean }): string {
  let lines = text.split('\n');
  if (st.indent4) lines = lines.map((l) => l.replace(/^ +/, (m) => m + m));
  if (st.quoteKeys) lines = lines.map((l) => l.replace(/^(\s+)([A-Z][A-Z0-9_]*):(?= |$)/, '$1"$2":'));
  // A comment after a value (not inside a block scalar's text: only on lines that hold a key or an item).
  if (st.comments) lines = lines.map((l) => (/^\s*(- |[A-Za-z_"][^:]*:)/.test(l) && !/[|>]-?$/.test(l) ? `${l} # note` : l));
  return lines.join('\n');
}

/** A compose file: optional header (version, anchors), 1–4 services, optional top-level sections; LF or CRLF. */
export const composeText = fc
  .tuple(fc.array(header, { maxLength: 2 }), fc.uniqueArray(service, { minLength: 1, maxLength: 4, selector: (s) => s.split(':')[0] }), footer, pick('\n', '\n', '\n', '\r\n'), fc.boolean(), fc.boolean(), composeStyle)
  .map(([head, services, foot, eol, trailing, multiDoc, style]) => {
    let t = restyleCompose([...head, 'services:', ...services, foot].filter((x) => x !== '').join('\n'), style);
    if (multiDoc) t = `---\n${t}\n---\nservices:\n  extra:\n    image: nginx`;
    return t.replace(/\n/g, eol) + (trailing ? eol : '');
  });

// ---------------------------------------------------------------------------------------------
// Workspaces

const ROOT = '/ws';

const sideFiles = fc.record({
  env: fc.option(pick('', 'POSTGRES_PASSWORD=old\n', 'API_TOKEN=abc\nEXISTING=1', '# comment only\n', 'A=1\r\nB=2\r\n', "Q='multi\nline'\n"), { nil: undefined }),
  gitignore: fc.option(pick('', 'node_modules\n', '.env\n', '*.env', '!.env\n', 'dist'), { nil: undefined }),
  envExample: fc.option(pick('', 'POSTGRES_PASSWORD=\n', 'X=1'), { nil: undefined }),
  dockerignore: fc.option(pick('', '.git\n', '.env\n*.pem\n', '**\n!src'), { nil: undefined }),
  git: fc.boolean(),
  appDockerfile: fc.option(dockerfileText, { nil: undefined }),
  composeName: pick('compose.yaml', 'docker-compose.yml', 'docker-compose.prod.yml', 'compose.override.yaml'),
});

function withSides(target: string, text: string, s: { env?: string; gitignore?: string; envExample?: string; dockerignore?: string; git: boolean }, extra: [string, string][] = []): Map<string, string | undefined> {
  const files = new Map<string, string | undefined>([[target, text]]);
  if (s.env !== undefined) files.set(`${ROOT}/.env`, s.env);
  if (s.gitignore !== undefined) files.set(`${ROOT}/.gitignore`, s.gitignore);
  if (s.envExample !== undefined) files.set(`${ROOT}/.env.example`, s.envExample);
  if (s.dockerignore !== undefined) files.set(`${ROOT}/.dockerignore`, s.dockerignore);
  for (const [p, t] of extra) files.set(p, t);
  return files;
}

/** A compose file in a workspace with some of `.env`, `.gitignore`, `.env.example` and a built Dockerfile. */
export const composeCase: fc.Arbitrary<Case> = fc.tuple(composeText, sideFiles).map(([text, s]) => {
  const target = `${ROOT}/${s.composeName}`;
  const extra: [string, string][] = s.appDockerfile ? [[`${ROOT}/app/Dockerfile`, s.appDockerfile], [`${ROOT}/Dockerfile`, s.appDockerfile]] : [];
  return { kind: 'compose', target, files: withSides(target, text, s, extra), repoRoot: s.git ? ROOT : undefined };
});

/** A Dockerfile in a workspace with some of `.dockerignore`, `.gitignore` and a compose file that builds it. */
export const dockerfileCase: fc.Arbitrary<Case> = fc.tuple(dockerfileText, sideFiles, fc.option(composeText, { nil: undefined }), pick('Dockerfile', 'app/Dockerfile', 'api.Dockerfile', 'Containerfile')).map(([text, s, compose, name]) => {
  const target = `${ROOT}/${name}`;
  const extra: [string, string][] = compose ? [[`${ROOT}/compose.yaml`, compose]] : [];
  return { kind: 'dockerfile', target, files: withSides(target, text, s, extra), repoRoot: s.git ? ROOT : undefined };
});

/** Random text (any characters, Dockerfile and YAML punctuation favoured), analyzed as either kind. */
export const randomTextCase: fc.Arbitrary<Case> = fc
  .tuple(
    fc.oneof(
      fc.string({ maxLength: 300, unit: 'binary' }),
      fc.string({ maxLength: 300, unit: fc.constantFrom(...'FROM RUN\n\r\t \\:-[]{}&*!|>#"\'`$=@%,?<'.split(''), 'FROM ', 'RUN ', '<<EOF\n', 'EOF\n', 'services:\n', '  a:\n', '    image: ', '- ', '&a ', '*a', '<<: *a\n', '${', '}', '\\\n') }),
      fc.string({ maxLength: 200, unit: 'grapheme' }),
    ),
    fc.boolean(),
  )
  .map(([text, compose]) => {
    const target = compose ? `${ROOT}/compose.yaml` : `${ROOT}/Dockerfile`;
    return { kind: compose ? 'compose' : 'dockerfile', target, files: new Map([[target, text]]) };
  });

export { joinLines };
