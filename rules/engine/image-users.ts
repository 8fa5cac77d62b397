/**
 * What images do about their user, known from their Dockerfiles: the non-root user some run as by
 * default, and the official images whose entrypoint starts as root and steps down to the service's
 * own user. DC011 judges compose services with it, DF010 the base images of Dockerfiles.
 */
import { isWindowsImage, officialImageName, type ImageRef } from './image';

/** A version tag's numbers (`2.4`, `2.4.1-alpine` → [2, 4]), or null for other tags. */
function versionOf(tag: string | null): number[] | null {
  if (tag === null || tag === 'latest') return null;
  const m = /^v?(\d+)(?:\.(\d+))?/.exec(tag);
  return m ? [Number(m[1]), Number(m[2] ?? 0)] : null;
}

/** At least version `min` ([major, minor]); no tag, `latest` or a non-version tag counts as current. */
export function atLeast(tag: string | null, min: [number, number]): boolean {
  const v = versionOf(tag);
  if (!v) return true;
  return v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);
}

/**
 * SQL Server 2019 or later (`2019-latest`, `2022-CU14-ubuntu-22.04`, `2025-latest`), or `latest`/no tag (a digest alone is not
 * known); not the 2019 previews (`-CTP…`, `-RC…`), which were not read.
 */
function mssqlNonRoot(r: ImageRef): boolean {
  if (r.tag === null) return !r.digest;
  if (r.tag === 'latest') return true;
  const m = /^(\d{4})-(.*)$/.exec(r.tag);
  return !!m && Number(m[1]) >= 2019 && !/(?:^|-)(?:CTP|RC)/i.test(m[2]);
}

/** At least version `min` ([major, minor, patch]) in a `1.0.7`-style tag; `latest` and no tag (without a digest) count as current. */
function atLeastPatch(r: ImageRef, min: [number, number, number]): boolean {
  if (r.tag === null) return !r.digest;
  if (r.tag === 'latest') return true;
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(r.tag);
  if (!m) return false;
  const v = [Number(m[1]), Number(m[2]), Number(m[3])];
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i] > min[i];
  return true;
}

/**
 * Images whose Dockerfile ends with a non-root USER, so the container runs as that user by default.
 * Matched on `registry/repository` (registry empty for Docker Hub; official images without `library/` or a per-architecture namespace such as `arm64v8/`).
 */
/** Microsoft's .NET Linux images, as imageKey names them (the .NET Framework and Windows tags are Windows images). */
const DOTNET_LINUX = /^mcr\.microsoft\.com\/dotnet\/(?:nightly\/)?(?:aspnet|runtime|runtime-deps|sdk)$/;

/**
 * `user`: the non-root user the image runs as; `uid`: that user's uid when the Dockerfile (or the vendor's documentation)
 * gives it and `user` is a name. A numeric `user` is its own uid (userUid).
 */
const NON_ROOT_IMAGES: { match: RegExp; when?: (ref: ImageRef) => boolean; user: string; uid?: number }[] = [
  // Official images (docker-library / the vendors' official-images Dockerfiles).
  { match: /^\/(?:elasticsearch|kibana|logstash)$/, user: '1000' },
  { match: /^\/memcached$/, user: 'memcache' },
  { match: /^\/haproxy$/, when: (r) => atLeast(r.tag, [2, 4]), user: 'haproxy' },
  { match: /^\/adminer$/, user: 'adminer' },
  { match: /^\/solr$/, user: 'solr' },
  { match: /^\/sonarqube$/, user: 'sonarqube' },
  // emqx/emqx-docker (the official emqx image), 4.3 to 5.8: `USER emqx` (uid 1000) before the entrypoint (review 39c, item 2.1).
  { match: /^\/emqx$/, user: 'emqx', uid: 1000 },
  // groovy/docker-groovy (the official groovy image): `USER groovy` (jdk8…), `USER 1000:1000` for the user groovy (groovy-4/…).
  { match: /^\/groovy$/, user: 'groovy', uid: 1000 },
  // Kong/docker-kong Dockerfile.apk (the official kong image): `USER kong`.
  { match: /^\/kong$/, user: 'kong' },
  // Vendor images.
  { match: /^docker\.elastic\.co\/(?:elasticsearch\/elasticsearch|kibana\/kibana|logstash\/logstash)(?:-oss)?$/, user: '1000' },
  { match: /^\/opensearchproject\/opensearch(?:-dashboards)?$/, user: '1000' },
  { match: /^\/grafana\/grafana(?:-oss|-enterprise)?$/, user: '472' },
  // grafana/loki cmd/loki/Dockerfile: `USER 10001` (non-root since grafana/loki#1706, Loki 1.5; review 13, probe dc-05).
  { match: /^\/grafana\/loki$/, when: (r) => atLeast(r.tag, [1, 5]), user: '10001' },
  // CM2Walki/steamcmd: the default tags (`latest`, `steam`, `bookworm`, `trixie`) end with USER steam; the `*root` tags run as root (review 27, probe df-01).
  { match: /^\/cm2network\/steamcmd$/, when: (r) => !/root/i.test(r.tag ?? ''), user: 'steam' },
  // grafana/tempo cmd/tempo/Dockerfile: `USER 10001:10001` (Tempo 2.0 and later).
  { match: /^\/grafana\/tempo$/, when: (r) => atLeast(r.tag, [2, 0]), user: '10001' },
  // open-telemetry/opentelemetry-collector-releases distributions/*/Dockerfile: `USER ${USER_UID}:${USER_GID}`, ARG USER_UID=10001.
  { match: /^(?:ghcr\.io\/open-telemetry\/opentelemetry-collector-releases|\/otel)\/opentelemetry-collector(?:-contrib|-k8s|-otlp)?$/, user: '10001' },
  { match: /^(?:quay\.io)?\/prom\/|^quay\.io\/prometheus\//, user: 'nobody' },
  { match: /^\/bitnami\//, user: '1001' },
  { match: /^gcr\.io\/distroless\//, when: (r) => /(?:^|-)nonroot$/.test(r.tag ?? ''), user: 'nonroot' },
  { match: /^cgr\.dev\/chainguard\//, user: 'nonroot' },
  { match: /^\/nginxinc\/nginx-unprivileged$/, user: '101' },
  { match: /^\/dpage\/pgadmin4$/, user: 'pgadmin' },
  { match: /^\/mailhog\/mailhog$/, user: 'mailhog' },
  { match: /^\/selenium\//, user: 'seluser' },
  // Also from n8n's own registry and GitHub's (review 26, probe dc-02).
  // `node`: the node image's user, uid 1000.
  { match: /^(?:docker\.n8n\.io)?\/n8nio\/n8n$|^ghcr\.io\/n8n-io\/n8n$/, user: 'node', uid: 1000 },
  // node-red/node-red-docker: `adduser -h /usr/src/node-red -D -H node-red -u 1000`.
  { match: /^\/nodered\/node-red$/, user: 'node-red', uid: 1000 },
  { match: /^\/apache\/nifi$/, user: 'nifi' },
  { match: /^\/confluentinc\/cp-/, when: (r) => atLeast(r.tag, [6, 0]), user: 'appuser' },
  // jenkinsci/docker debian/Dockerfile: `ARG uid=1000` … `useradd … -u ${uid} … ${user}` ("Jenkins is run with user `jenkins`, uid = 1000").
  { match: /^\/jenkins\/jenkins$/, user: 'jenkins', uid: 1000 },
  { match: /^\/codercom\/code-server$/, user: 'coder' },
  // Review 24, probe dc-02: zabbix/zabbix-docker's images end with `USER 1997`; prometheus-community's
  // exporters with `USER nobody` (postgres_exporter's Dockerfile); nginx/nginx-prometheus-exporter with
  // `USER 1001:1001`; Red Hat's (sclorg) PostgreSQL images with `USER 26`.
  { match: /^\/zabbix\/zabbix-/, user: '1997' },
  { match: /^(?:quay\.io)?\/prometheuscommunity\//, user: 'nobody' },
  { match: /^\/nginx\/nginx-prometheus-exporter$/, user: '1001' },
  // FlareSolverr's Dockerfile: `USER flaresolverr` (also under its older ngosang/ name).
  { match: /^(?:ghcr\.io)?\/flaresolverr\/flaresolverr$|^\/ngosang\/flaresolverr$/, user: 'flaresolverr' },
  { match: /^(?:registry\.redhat\.io\/rhel\d+|quay\.io\/sclorg)\/postgresql-\d+(?:-c\d+s)?$/, user: '26' },
  // mamba-org/micromamba-docker: `USER $MAMBA_USER` (mambauser, uid 57439) after setting up /opt/conda for it (review 24, probe df-02).
  { match: /^\/mambaorg\/micromamba$/, user: 'mambauser' },
  // coder/coder scripts/Dockerfile (ghcr.io/coder/coder): `USER 1000:1000`.
  { match: /^ghcr\.io\/coder\/coder$/, user: '1000' },
  // apache/tika-docker minimal/Dockerfile and full/Dockerfile (apache/tika, `latest` and `-full` tags): `USER $UID_GID` with the
  // global `ARG UID_GID="35002:35002"` redeclared in the final stage. 2.5.0.2 fixed builds that ran as root (CHANGES.md, TIKA-3912):
  // from 2.6 on, and `latest`/`latest-full` (review 41c, item 5).
  { match: /^\/apache\/tika$/, when: (r) => atLeast(r.tag, [2, 6]), user: '35002' },
  // gotenberg/gotenberg build/Dockerfile, every final stage: `USER gotenberg` (uid 1001).
  { match: /^\/gotenberg\/gotenberg$/, user: 'gotenberg' },
  // Zenika/alpine-chrome Dockerfile (Docker Hub and gcr.io/zenika-hub): `USER chrome`.
  { match: /^(?:\/zenika|gcr\.io\/zenika-hub)\/alpine-chrome$/, user: 'chrome' },
  // provectus/kafka-ui kafka-ui-api/Dockerfile: `USER kafkaui`.
  { match: /^\/provectuslabs\/kafka-ui$/, user: 'kafkaui' },
  // dragonflydb/dragonfly tools/packaging/Dockerfile.ubuntu-prod: `USER dfly` (uid 999).
  { match: /^(?:docker\.dragonflydb\.io)?\/dragonflydb\/dragonfly$/, user: 'dfly' },
  // curl/curl-container's Dockerfile: `USER curl_user`.
  { match: /^\/curlimages\/curl$/, user: 'curl_user' },
  // umami-software/umami Dockerfile, runner stage: `USER nextjs`.
  { match: /^(?:ghcr\.io|docker\.umami\.is)\/umami-software\/umami$/, user: 'nextjs' },
  // ocurrent/docker-base-images (the ocaml/opam images): the default user is `opam`, with sudo.
  { match: /^\/ocaml\/opam$/, user: 'opam' },
  { match: /^quay\.io\/keycloak\/keycloak$/, user: '1000' },
  // keycloak/keycloak-containers server/Dockerfile (the deprecated Docker Hub image): `USER 1000`.
  { match: /^\/jboss\/keycloak$/, user: '1000' },
  // goauthentik/authentik Dockerfile, final stage: `USER 1000`.
  { match: /^ghcr\.io\/goauthentik\/server$/, user: '1000' },
  // baserow/baserow backend/Dockerfile, production target (`local`, `prod`): `USER $UID:$GID` with `ARG UID="9999"`.
  { match: /^\/baserow\/backend$/, user: '9999' },
  { match: /^\/gitea\/gitea$/, when: (r) => /rootless/.test(r.tag ?? ''), user: 'git' },
  { match: /^\/sonatype\/nexus3$/, user: 'nexus' },
  { match: /^(?:ghcr\.io)?\/browserless\//, user: 'blessuser' },
  { match: /^\/(?:amancevice|apache)\/superset$/, user: 'superset' },
  { match: /^\/ipfs\/(?:kubo|go-ipfs)$/, user: 'ipfs' },
  { match: /^\/jenkins\/(?:inbound-agent|agent)$/, user: 'jenkins' },
  { match: /^(?:quay\.io)?\/jupyter\//, user: 'jovyan' },
  { match: /^\/trinodb\/trino$/, user: 'trino' },
  { match: /^\/rocketchat\/rocket\.chat$/, user: 'rocketchat' },
  { match: /^\/apache\/nifi-registry$/, user: 'nifi' },
  { match: /^docker\.elastic\.co\/apm\/apm-server$/, user: 'apm-server' },
  { match: /^(?:\/jeffail|ghcr\.io\/benthosdev)\/benthos$/, user: 'benthos' },
  // Review 43c, item 2. mastodon/mastodon Dockerfile and streaming/Dockerfile: `USER mastodon` (uid 991) in the final stage
  // (images on ghcr.io and, as before, tootsuite/ on Docker Hub).
  { match: /^(?:ghcr\.io\/mastodon|\/tootsuite)\/mastodon(?:-streaming)?$/, user: 'mastodon' },
  // langfuse/langfuse web/Dockerfile `USER nextjs`, worker/Dockerfile `USER expressjs` (uid 1001), version 3.
  { match: /^\/langfuse\/langfuse(?:-worker)?$/, when: (r) => atLeast(r.tag, [3, 0]), user: '1001' },
  // plausible/analytics Dockerfile: `USER 999` (also the community edition's image).
  { match: /^\/plausible\/analytics$/, when: (r) => atLeast(r.tag, [2, 0]), user: '999' },
  { match: /^ghcr\.io\/plausible\/community-edition$/, user: '999' },
  // Review 47b, item 4 (each upstream Dockerfile read). outline/outline Dockerfile, runner stage: `adduser --uid 1001 --ingroup
  // nodejs nodejs` and `USER nodejs`, its data directory /var/lib/outline/data owned by it.
  { match: /^\/outlinewiki\/outline$/, user: 'nodejs', uid: 1001 },
  // requarks/wiki dev/build/Dockerfile (Wiki.js 2.x, and the 3.x image): `USER node`, the node image's user (uid 1000). The
  // 1.x images are not known (not read).
  { match: /^(?:ghcr\.io)?\/requarks\/wiki$/, when: (r) => atLeast(r.tag, [2, 0]), user: 'node', uid: 1000 },
  // drakkan/sftpgo Dockerfile (the official image, also on ghcr.io), v2.0 on: `useradd … --uid 1000 sftpgo` and `USER 1000:1000`
  // (docker/README.md: "The SFTPGo images run using `1000` as uid and gid"); before v2 an entrypoint stepped down with gosu.
  { match: /^(?:ghcr\.io)?\/drakkan\/sftpgo$/, when: (r) => atLeast(r.tag, [2, 0]), user: '1000' },
  // SQL Server 2019 and later run as the non-root user `mssql` (uid 10001) by default; 2017 images run as root. Microsoft's
  // maintainers: microsoft/mssql-docker#549 ("We have decided to run this as a non-root user by default"), the containers
  // print "SQL Server 2019 will run as non-root by default. This container is running as user mssql" (#783, #943 for 2025);
  // uid 10001: microsoft/mssql-docker linux/preview/examples/mssql-server-linux-non-root/Dockerfile-2019, MicrosoftDocs/sql-docs#4285.
  { match: /^mcr\.microsoft\.com\/mssql\/server$/, when: mssqlNonRoot, user: 'mssql', uid: 10001 },
  // Azure SQL Edge prints "Azure SQL Edge will run as non-root by default. This container is running as user mssql" (1.0.7,
  // orbstack/orbstack#1071; `latest`, the last release): earlier tags are not known.
  { match: /^mcr\.microsoft\.com\/azure-sql-edge$/, when: (r) => atLeastPatch(r, [1, 0, 7]), user: 'mssql', uid: 10001 },
  // apache/airflow Dockerfile (the production image, 2.0 on), final stage: `adduser … "airflow" --uid "${AIRFLOW_UID}" --gid "0"`
  // and `USER ${AIRFLOW_UID}`, with `ARG AIRFLOW_UID="50000"` (apache/airflow#18747 kept it; docs "Allowing arbitrary user to run the
  // container"). uid 1000 would not own /opt/airflow or /home/airflow.
  { match: /^\/apache\/airflow$/, when: (r) => atLeast(r.tag, [2, 0]), user: 'airflow', uid: 50000 },
  // kestra-io/kestra Dockerfile: `useradd -m -g kestra kestra` (no fixed uid) and `USER kestra`; its docs run it with `--user=root`
  // only to reach the Docker socket.
  { match: /^\/kestra\/kestra$/, user: 'kestra' },
  // influxdata/influxdata-docker influxdb/1.11/Dockerfile and 1.12/Dockerfile (the official influxdb 1.x image from 1.11.7,
  // docker-library/official-images#17791): `USER influxdb` (addgroup/adduser --uid 1500), ENTRYPOINT /entrypoint.sh, which steps
  // down with nothing. The 1.8 and older tags run as root (their entrypoint.sh ends with `exec "$@"`, or `exec $GOSU_CMD "$@"` with
  // no gosu unless INFLUXDB_RUNAS_USER_ID is set); the Enterprise -data and -meta tags are not read; 2.x steps down (STEP_DOWN_IMAGES) (stepdown3, item 4).
  { match: /^\/influxdb$/, when: (r) => versionOf(r.tag) !== null && atLeast(r.tag, [1, 11]) && !atLeast(r.tag, [2, 0]) && !/data|meta/.test(r.tag ?? ''), user: 'influxdb', uid: 1500 },
  // ClickHouse/ClickHouse docker/server/Dockerfile.distroless (the `-distroless` tags): `USER 101:101`, the clickhouse user, with
  // `clickhouse docker-init` as ENTRYPOINT (the other tags step down: STEP_DOWN_IMAGES).
  { match: /^\/(?:clickhouse|clickhouse\/clickhouse-server)$/, when: (r) => /distroless/.test(r.tag ?? ''), user: '101' },
  // dotnet/dotnet-docker src/runtime-deps/*/*-chiseled*/ and (8.0 on) *-distroless*/: `USER $APP_UID` (the `app` user,
  // uid 1654; 64198 in the 6.0 and 7.0 chiseled images). Their other Linux tags run as root: see dotnetAppUser.
  { match: DOTNET_LINUX, when: (r) => /chiseled/.test(r.tag ?? '') || (/distroless/.test(r.tag ?? '') && atLeast(r.tag, [8, 0])), user: 'app' },
];

/**
 * Whether an image is one of Microsoft's .NET 8+ Linux images (`mcr.microsoft.com/dotnet/aspnet`, `runtime`,
 * `runtime-deps`, `sdk`; also from `dotnet/nightly/`) that run as root but define the non-root user `app`
 * and its uid in `ENV APP_UID=1654` ("New non-root 'app' user in Linux images", .NET 8 Preview 1; the .NET 8.0
 * container images announcement: "opt into this new user by adding the line `USER $APP_UID`"). A tag that
 * names no version (a digest alone) is not known to be 8 or later; no tag is `latest`. Windows tags are not.
 */
export function dotnetAppUser(ref: ImageRef): boolean {
  if (ref.registry?.toLowerCase() !== 'mcr.microsoft.com' || !DOTNET_LINUX.test(`mcr.microsoft.com/${ref.repository}`) || isWindowsImage(ref)) return false;
  if (ref.tag === null) return !ref.digest;
  return ref.tag === 'latest' || (versionOf(ref.tag) !== null && atLeast(ref.tag, [8, 0]));
}

/**
 * Whether a user (USER, `user:`; the part before `:`) is root: `root`, or uid 0 written with any
 * number of zeros (`0`, `00`, `0000:0`: runc reads a numeric user with strconv.Atoi, review 36, probe c1).
 */
export function isRootUser(value: string): boolean {
  const user = value.split(':')[0].trim();
  return user === 'root' || /^0+$/.test(user);
}

/** An image whose entrypoint steps down to `user` when the container runs its server. */
export interface StepDown {
  match: RegExp;
  when?: (ref: ImageRef) => boolean;
  user: string;
  /** Whether the command the container runs is the server (then the entrypoint steps down). */
  server: (words: string[]) => boolean;
  /** What steps down, for messages, when it is not the entrypoint's gosu/su-exec. */
  tool?: string;
  /**
   * The image's own ENTRYPOINT script (`docker-entrypoint.sh`, copied to /usr/local/bin; or its absolute path, clickhouse's
   * `/entrypoint.sh`): an `entrypoint:` that names it keeps the step-down (review 36, probe p50).
   */
  entrypoint?: string;
  /**
   * That entrypoint, run with no arguments at all, starts the server and steps down (cassandra's `[ "$#" -eq 0 ]` becomes
   * `cassandra -f`; ClickHouse's `[[ $# -lt 1 ]]` runs `clickhouse su … clickhouse-server`). An `entrypoint:` clears the image's
   * CMD (Compose: "If entrypoint is non-null, Compose ignores any default command from the image"; a Dockerfile ENTRYPOINT resets
   * the base image's CMD), so `entrypoint: ["/entrypoint.sh"]` alone gives it none. The others (redis, postgres, mysql…) then
   * run `exec "$@"` with nothing: no server, as root.
   */
  serverWithoutArgs?: true;
  /**
   * Other paths of that script in some tags, for the reference asked about: links an official Dockerfile makes to it (mysql 8.0's
   * `RUN ln -s usr/local/bin/docker-entrypoint.sh /entrypoint.sh # backwards compat`, dropped in 8.4). An `entrypoint:` or ENTRYPOINT
   * naming one runs the same script (review53b, finding 8).
   */
  aliases?: (ref: ImageRef) => readonly string[];
  /** The aliases for the reference stepDown was asked about (factsOf). */
  entrypointAliases?: readonly string[];
}

/**
 * Whether a word that starts an `entrypoint:` or a Dockerfile ENTRYPOINT names the image's own entrypoint script as its
 * official Dockerfile does (`docker-entrypoint.sh`, copied to /usr/local/bin, also by that path; clickhouse's and redmine's
 * absolute path): DC011 and DF010 (entrypoint-step-down.ts) then keep its step-down.
 */
export function namesImageEntrypoint(word: string, sd: StepDown): boolean {
  return sd.entrypoint !== undefined && (word === sd.entrypoint || (!sd.entrypoint.startsWith('/') && word === `/usr/local/bin/${sd.entrypoint}`) || !!sd.entrypointAliases?.includes(word));
}

/**
 * Official images whose entrypoint starts as root only to prepare the data directory and then steps
 * down to the service's own user (`gosu`/`su-exec`) before the server starts — when the container runs
 * the server (the image's default command, a flag, or the server's name). Images built on them
 * (postgis, timescaledb, pgvector, valkey) use the same entrypoint.
 */
const STEP_DOWN_IMAGES: StepDown[] = [
  // tensorchord's pgvecto-rs and VectorChord images are built FROM the official postgres image (review 9, probe dc-05).
  // Immich's database image is built FROM pgvector/pgvector, and its entrypoint ends with `exec docker-entrypoint.sh "$@"` (review 26).
  { match: /^\/(?:postgres|postgis\/postgis|timescale\/timescaledb|pgvector\/pgvector|tensorchord\/pgvecto-rs|tensorchord\/vchord-postgres)$|^ghcr\.io\/immich-app\/postgres$/, user: 'postgres', server: (w) => flag(w) || w[0] === 'postgres', entrypoint: 'docker-entrypoint.sh' },
  { match: /^\/redis$/, user: 'redis', server: (w) => flag(w) || w[0] === 'redis-server' || w[0].endsWith('.conf'), entrypoint: 'docker-entrypoint.sh' },
  { match: /^\/valkey\/valkey$/, user: 'valkey', server: (w) => flag(w) || w[0] === 'valkey-server' || w[0].endsWith('.conf'), entrypoint: 'docker-entrypoint.sh' },
  // docker-library/mysql 8.0/Dockerfile.oracle and 8.0/Dockerfile.debian: `RUN ln -s usr/local/bin/docker-entrypoint.sh /entrypoint.sh #
  // backwards compat` (8.4/Dockerfile.oracle has no such link; the 5.7 Dockerfiles do not agree: not counted).
  { match: /^\/mysql$/, user: 'mysql', server: (w) => flag(w) || w[0] === 'mysqld', entrypoint: 'docker-entrypoint.sh', aliases: (r) => (/^8\.0(?:[.-]|$)/.test(r.tag ?? '') ? ['/entrypoint.sh'] : []) },
  { match: /^\/percona$/, user: 'mysql', server: (w) => flag(w) || w[0] === 'mysqld' },
  { match: /^\/mariadb$/, user: 'mysql', server: (w) => flag(w) || w[0] === 'mariadbd' || w[0] === 'mysqld', entrypoint: 'docker-entrypoint.sh' },
  { match: /^\/mongo$/, user: 'mongodb', server: (w) => flag(w) || w[0].startsWith('mongo'), entrypoint: 'docker-entrypoint.sh' },
  { match: /^\/rabbitmq$/, user: 'rabbitmq', server: (w) => w[0].startsWith('rabbitmq'), entrypoint: 'docker-entrypoint.sh' },
  { match: /^\/zookeeper$/, user: 'zookeeper', server: (w) => w[0] === 'zkServer.sh' },
  { match: /^\/couchdb$/, user: 'couchdb', server: (w) => /(?:^|\/)couchdb$/.test(w[0]) },
  { match: /^\/neo4j$/, user: 'neo4j', server: (w) => w[0] === 'neo4j' },
  { match: /^\/ghost$/, user: 'node', server: (w) => /^node\b.*current\/index\.js/.test(w.join(' ')), entrypoint: 'docker-entrypoint.sh' },
  { match: /^\/influxdb$/, when: (r) => atLeast(r.tag, [2, 0]), user: 'influxdb', server: () => true },
  // docker-library/cassandra docker-entrypoint.sh (ENTRYPOINT, CMD ["cassandra", "-f"]): no arguments or a first one starting with
  // `-` become `cassandra -f …`, then `if [ "$1" = 'cassandra' -a "$(id -u)" = '0' ]`: chown of /var/lib/cassandra, /var/log/cassandra
  // and the config, and `exec gosu cassandra "$BASH_SOURCE" "$@"` (useradd --uid=999 cassandra). Since docker-library/cassandra#48
  // (January 2016), in every branch then built (2.1 on; 2.0's entrypoint never stepped down); review 48a, finding 3.
  { match: /^\/cassandra$/, when: (r) => atLeast(r.tag, [2, 1]), user: 'cassandra', server: (w) => flag(w) || w[0] === 'cassandra', entrypoint: 'docker-entrypoint.sh', serverWithoutArgs: true },
  // ClickHouse/ClickHouse docker/server/entrypoint.sh (ENTRYPOINT ["/entrypoint.sh"], no CMD; also the official `clickhouse` image
  // and the older yandex/clickhouse-server): as root, USER/GROUP become the clickhouse user's uid and gid (101), the data, log
  // and tmp directories are chowned to them, and with no arguments or a first one starting with `--` it runs `exec /usr/bin/clickhouse
  // su "${USER}:${GROUP}" /usr/bin/clickhouse-server …` (`exec $gosu …` with gosu="gosu $USER:$GROUP" in older tags, since
  // ClickHouse/ClickHouse#3195, 18.14); any other command runs as root (`exec "$@"`). Not the `-distroless` tags (NON_ROOT_IMAGES).
  {
    match: /^\/(?:clickhouse|clickhouse\/clickhouse-server|yandex\/clickhouse-server)$/,
    when: (r) => atLeast(r.tag, [18, 14]) && !/distroless/.test(r.tag ?? ''),
    user: 'clickhouse',
    server: (w) => w[0].startsWith('--'),
    tool: 'clickhouse su (gosu in older tags)',
    entrypoint: '/entrypoint.sh',
    serverWithoutArgs: true,
  },
  // docker-library/redmine docker-entrypoint.sh (COPY docker-entrypoint.sh /, ENTRYPOINT ["/docker-entrypoint.sh"], CMD ["rails",
  // "server", "-b", "0.0.0.0"]): with `rails` or `rake` first and uid 0 it fixes the permissions of config, log, files… and runs
  // `exec gosu redmine "$BASH_SOURCE" "$@"` (the 2015–2019 scripts: `set -- gosu redmine "$@"` for rails|rake|passenger); anything
  // else runs as root (`exec "$@"`). `bundle exec` counts only since docker-library/redmine#386 (August 2025): not counted, older
  // tags do not step down for it (stepdown3, item 4).
  { match: /^\/redmine$/, user: 'redmine', server: (w) => w[0] === 'rails' || w[0] === 'rake', entrypoint: '/docker-entrypoint.sh' },
  // mosquitto.conf(5) `user`: "When run as root, change to this user … on startup. Defaults to mosquitto" (review 10).
  { match: /^\/eclipse-mosquitto$/, user: 'mosquitto', server: (w) => /(?:^|\/)mosquitto$/.test(w[0]), tool: "the broker's own user setting" },
];

/** The command starts with a flag: these entrypoints put the server's name in front of it. */
function flag(words: string[]): boolean {
  return words[0].startsWith('-');
}

function imageKey(ref: ImageRef): string {
  const official = officialImageName(ref);
  return official !== null ? `/${official}` : `${ref.registry ?? ''}/${ref.repository}`;
}

/**
 * What the tables say of an image reference: the non-root user it runs as, or the step-down entry of
 * its entrypoint. Remembered per reference text (which fixes registry, repository and tag): the same
 * few images come back in every service and every analysis, and each miss tests about 60 patterns.
 */
interface ImageFacts {
  nonRoot: string | undefined;
  uid: number | undefined;
  stepDown: StepDown | undefined;
  /** userKnownForImage's answer, once asked (DF010 asks it of every final stage's base; the other readers never). */
  known?: boolean;
}
const imageFacts = new Map<string, ImageFacts>();
const MAX_IMAGE_FACTS = 1000;

function factsOf(ref: ImageRef): ImageFacts {
  let facts = imageFacts.get(ref.text);
  if (!facts) {
    const key = imageKey(ref);
    const entry = NON_ROOT_IMAGES.find((e) => e.match.test(key) && (!e.when || e.when(ref)));
    facts = {
      nonRoot: entry?.user,
      uid: entry ? (entry.uid ?? userUid(entry.user)) : undefined,
      stepDown: withAliases(STEP_DOWN_IMAGES.find((e) => e.match.test(key) && (!e.when || e.when(ref))), ref),
    };
    if (imageFacts.size >= MAX_IMAGE_FACTS) imageFacts.clear();
    imageFacts.set(ref.text, facts);
  }
  return facts;
}

/** A step-down entry with the aliases of its entrypoint script for a reference (StepDown.aliases), when it has any. */
function withAliases(sd: StepDown | undefined, ref: ImageRef): StepDown | undefined {
  const aliases = sd?.aliases?.(ref);
  return sd && aliases && aliases.length > 0 ? { ...sd, entrypointAliases: aliases } : sd;
}

/** Whether the tables know the image's user for some of its tags (`cm2network/steamcmd:root` is known to run as root). */
export function userKnownForImage(ref: ImageRef): boolean {
  const facts = factsOf(ref);
  if (facts.known === undefined) {
    const key = imageKey(ref);
    facts.known = NON_ROOT_IMAGES.some((e) => e.match.test(key)) || STEP_DOWN_IMAGES.some((e) => e.match.test(key));
  }
  return facts.known;
}

/** The non-root user an image runs as by default (its Dockerfile ends with that USER), or undefined. */
export function nonRootUser(ref: ImageRef): string | undefined {
  return factsOf(ref).nonRoot;
}

/** A numeric user's uid (`1000`, `10001:10001`), or undefined for a name. */
function userUid(user: string): number | undefined {
  const m = /^(\d+)(?::\d+)?$/.exec(user);
  return m ? Number(m[1]) : undefined;
}

/**
 * The non-root user an image runs as by default when that user is not uid 1000 or its uid is not known (`mssql`, uid 10001;
 * `nodejs`, 1001; `grafana`'s 472), else undefined. A fix that sets uid 1000 instead of a root user would take from the process
 * the files the image gave its own user (SQL Server's /var/opt/mssql, outline's data directory): DC011 and DF010 offer none
 * there and name this user (review 47b, item 4).
 */
export function ownUserNot1000(ref: ImageRef): string | undefined {
  const facts = factsOf(ref);
  return facts.nonRoot !== undefined && facts.uid !== 1000 ? facts.nonRoot : undefined;
}

/**
 * Whether a tag names at least version `min`: a major-only tag (`3`, `3-management`) carries the newest release of that major, so
 * its major decides; no tag, `latest` or a non-version tag count as current (atLeast); a digest without a tag does not (any build).
 */
function taggedAtLeast(r: ImageRef, min: [number, number]): boolean {
  if (r.tag === null) return !r.digest;
  const major = /^v?(\d+)(?:-|$)/.exec(r.tag);
  return major ? Number(major[1]) >= min[0] : atLeast(r.tag, min);
}

/**
 * The default command (CMD) of images whose step-down entrypoint an `entrypoint:` without `command:` leaves with no arguments, as
 * their official Dockerfiles write it, for the tags where it is known: docker-library/postgres (`CMD ["postgres"]`) and
 * docker-library/mysql (`CMD ["mysqld"]`, 5.6 to 9.x) in every tag; docker-library/redis `CMD ["redis-server"]` (the published
 * images' "Default Command" in docker-library/repo-info repos/redis/remote, 4.0 in 2017 to 8.x); valkey-io/valkey-container
 * Dockerfile.template `CMD ["valkey-server"]` (every tag, 7.2 on); docker-library/mongo `CMD ["mongod"]` (2.2/Dockerfile to
 * Dockerfile-linux.template; the Windows tags run `mongod --bind_ip_all`: none); docker-library/rabbitmq `CMD ["rabbitmq-server"]`
 * (3.6/debian/Dockerfile to Dockerfile-ubuntu.template and Dockerfile-alpine.template, 3.6 on); MariaDB/mariadb-docker
 * `CMD ["mysqld"]` from 10.0 to 10.5 (10.0/Dockerfile to 10.5/Dockerfile; 5.5 not read), and `CMD ["mariadbd"]` from 10.6 (update.sh: `sed -i -e
 * '/^CMD/s/mysqld/mariadbd/'` for every version but 10.4 and 10.5), but only in the 11+ tags and the 10 and 10.6–10.11 major or
 * major.minor tags, which carry the last build: a 10.6.x patch tag built before that change may say `mysqld` (not known: none); the `-ubi`
 * tags are built from another Dockerfile (not read: none). Only the official images themselves (an image built on them may set
 * its own), never a Windows tag or a digest without a tag (any build; review53b, finding 5; entry3, item 1).
 */
const DEFAULT_COMMANDS: Record<string, (r: ImageRef) => readonly string[] | undefined> = {
  '/postgres': () => ['postgres'],
  '/mysql': () => ['mysqld'],
  '/redis': (r) => (taggedAtLeast(r, [4, 0]) ? ['redis-server'] : undefined),
  '/valkey/valkey': (r) => (r.tag !== null || !r.digest ? ['valkey-server'] : undefined),
  '/mongo': (r) => (r.tag !== null || !r.digest ? ['mongod'] : undefined),
  '/rabbitmq': (r) => (taggedAtLeast(r, [3, 6]) ? ['rabbitmq-server'] : undefined),
  '/mariadb': (r) => {
    if (/ubi/.test(r.tag ?? '') || (r.tag === null && r.digest)) return undefined;
    const v = versionOf(r.tag);
    // A major-only tag (`10`, `10-jammy`) carries the newest release of that major (10.11).
    if (v === null || v[0] >= 11 || /^10(?:-|$)/.test(r.tag ?? '')) return ['mariadbd'];
    // The 5.5 Dockerfiles were not read: none.
    if (v[0] < 10) return undefined;
    if (v[1] < 6) return ['mysqld'];
    return /^10\.\d+(?:-[a-z]+)?$/.test(r.tag ?? '') && v[1] <= 11 ? ['mariadbd'] : undefined;
  },
};

/** The default command of an image whose entrypoint steps down, when it is known for its tag (DEFAULT_COMMANDS), or undefined. */
export function imageDefaultCommand(ref: ImageRef): readonly string[] | undefined {
  const key = imageKey(ref);
  return Object.hasOwn(DEFAULT_COMMANDS, key) && !isWindowsImage(ref) ? DEFAULT_COMMANDS[key](ref) : undefined;
}

/** How an image's entrypoint steps down from root to the service's own user, or undefined. */
export function stepDown(ref: ImageRef): StepDown | undefined {
  return factsOf(ref).stepDown;
}
