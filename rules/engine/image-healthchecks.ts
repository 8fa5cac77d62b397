/**
 * Images whose own Dockerfile declares a HEALTHCHECK, which a container of the image (or an image
 * built on it) inherits. DC022 and DF044 read it; each entry was checked in the image's published
 * Dockerfile (the sources are in DC022's references). Only images whose Dockerfile was read are listed.
 */
import { officialImageName, type ImageRef } from './image';
import { atLeast } from './image-users';

const IMAGES_WITH_HEALTHCHECK = new Set([
  'mysql/mysql-server',
  'pihole/pihole',
  'vaultwarden/server',
  'itzg/minecraft-server',
  'ghcr.io/open-webui/open-webui',
  'louislam/uptime-kuma',
  'syncthing/syncthing',
  'jellyfin/jellyfin',
  'gotify/server',
  'matrixdotorg/synapse',
  'esphome/esphome',
  'outlinewiki/outline',
  // Kong/docker-kong Dockerfile.apk (the official kong image): HEALTHCHECK … CMD kong-health.
  'kong',
  // goauthentik/authentik Dockerfile: HEALTHCHECK … CMD ["ak", "healthcheck"].
  'ghcr.io/goauthentik/server',
  // baserow/baserow backend/Dockerfile, production target: HEALTHCHECK … CMD [… "backend-healthcheck"].
  'baserow/backend',
  // axllent/mailpit Dockerfile: HEALTHCHECK --interval=15s CMD /mailpit readyz.
  'axllent/mailpit',
  // woodpecker-ci/woodpecker docker/Dockerfile.server.* and .agent.*: HEALTHCHECK CMD ["/bin/woodpecker-server"|"/bin/woodpecker-agent", "ping"].
  'woodpeckerci/woodpecker-server',
  'woodpeckerci/woodpecker-agent',
  // ESPHome publishes the same image on GitHub's registry.
  'ghcr.io/esphome/esphome',
  // google/cadvisor deploy/Dockerfile: HEALTHCHECK … CMD curl -f http://localhost:8080/healthz.
  'gcr.io/cadvisor/cadvisor',
  'google/cadvisor',
  // qdm12/gluetun Dockerfile: HEALTHCHECK … CMD /gluetun-entrypoint healthcheck.
  'qmcgaw/gluetun',
  'ghcr.io/qdm12/gluetun',
  // plexinc/pms-docker Dockerfile: HEALTHCHECK … CMD /healthcheck.sh.
  'plexinc/pms-docker',
  // dragonflydb/dragonfly tools/packaging/Dockerfile.ubuntu-prod: HEALTHCHECK CMD /usr/local/bin/healthcheck.sh.
  'docker.dragonflydb.io/dragonflydb/dragonfly',
  'dragonflydb/dragonfly',
  // immich-app/base-images postgres/Dockerfile: HEALTHCHECK … CMD /usr/local/bin/healthcheck.sh.
  'ghcr.io/immich-app/postgres',
]);

/**
 * Images that declare a HEALTHCHECK for some tags only: from a release on (a version tag below it has none;
 * `latest`, no tag or another tag counts as current), or not in their build-tool variants.
 */
const IMAGES_WITH_HEALTHCHECK_WHEN = new Map<string, (tag: string | null) => boolean>([
  // paperless-ngx/paperless-ngx Dockerfile: HEALTHCHECK … CMD [ "curl", "-fs", "-S", "--max-time", "2", "http://localhost:8000" ],
  // added by PR #5199 (January 2024, after 2.2); from 2.4, the first release certain to have it (review 27, probe 07).
  ['ghcr.io/paperless-ngx/paperless-ngx', (tag) => atLeast(tag, [2, 4])],
  ['paperlessngx/paperless-ngx', (tag) => atLeast(tag, [2, 4])],
  // php/frankenphp Dockerfile: HEALTHCHECK CMD curl -f http://localhost:2019/metrics (added by PR #208, before 1.0; review 30,
  // probe df-01); not its static builder images (`static-builder-musl`: review 31, probe 13) — the `builder-php8.x`
  // images are built on the stage that declares it (review 32, probe 10).
  ['dunglas/frankenphp', (tag) => !/static-builder/i.test(tag ?? '') && atLeast(tag, [1, 0])],
]);

/** Whether an image declares its own HEALTHCHECK (matched on `registry/repository`, the registry left out for Docker Hub). */
export function declaresHealthcheck(ref: ImageRef): boolean {
  const name = officialImageName(ref) ?? (ref.registry === null ? ref.repository : `${ref.registry}/${ref.repository}`);
  if (IMAGES_WITH_HEALTHCHECK.has(name)) return true;
  const when = IMAGES_WITH_HEALTHCHECK_WHEN.get(name);
  return when !== undefined && when(ref.tag);
}
