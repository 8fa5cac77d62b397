/** Documentation shared by DF005 and DC004 (image-end-of-life). */
import { EOL_CATALOG_CHECKED } from './eol';

export const EOL_DOCS = {
  why: 'A release line past its end of life gets no more security fixes from its project: every vulnerability found after that date stays open in the image (the runtime, the database, the distribution\'s packages), and rebuilding does not help because no fixed version is published for that line. SECURITY-GUIDELINES.md §1 asks for regularly updated base images ("Regular Updates") and for vulnerability scanning ("Vulnerability Scanning") — a scanner can only report what an EOL line will never fix.',
  guideline: '§1 Image Security — "Regular Updates", "Vulnerability Scanning"; Dependency Security — "Regular Updates"',
  equivalents: [
    'Trivy (reports an OS image whose distribution release is no longer supported: "The OS version is no more supported")',
    'xeol (end-of-life scanner for container images, data from endoflife.date)',
    'Docker Scout policy "No outdated base images" (a newer base exists; not end of life as such)',
  ],
  references: [
    'https://github.com/nodejs/Release#release-schedule',
    'https://devguide.python.org/versions/',
    'https://www.postgresql.org/support/versioning/',
    'https://endoflife.date/',
  ],
};

export const EOL_WHAT_COMMON = `The line is read from the tag: \`node:16.20.2-alpine\` is line 16, \`debian:buster-slim\` is Debian 10, \`python:2\` is 2.7 (a major whose last line is frozen). Dates come from the bundled catalog \`rules/data/eol-catalog.json\` (checked ${EOL_CATALOG_CHECKED}; each line records its EOL date, the project's own release/support page and when it was checked) and are judged against the analysis date. Covered: node, python, postgres, redis, mysql, mariadb, mongo, debian, ubuntu, alpine, golang, eclipse-temurin, openjdk (feature releases, and the image's own builds of 8, 11, 17 and 21, which ended while those releases go on elsewhere), php, ruby, rust (from 1.60: only the latest stable release is supported, so a line ends when the next ships, every six weeks; no line is known to be supported today, so no fix), nginx, tomcat, centos (every line has ended and the image is deprecated: the message says where to go, with no fix), and Microsoft's .NET images (\`mcr.microsoft.com/dotnet/sdk\`, \`aspnet\`, \`runtime\`, \`runtime-deps\`, and the older \`dotnet/core/*\` names: .NET 8 and 9 ended on 2026-11-10). The official images are recognized however Docker Hub is named (\`node\`, \`library/node\`, \`docker.io/library/node\`) and through the registries that mirror them (\`mirror.gcr.io/library/node\`, \`public.ecr.aws/docker/library/node\`) and in their per-architecture copies (\`arm64v8/node\`, \`amd64/python\`, …: the same image built for one architecture, with the same tags; docker-library/official-images, "Architectures other than amd64?"); a move keeps that namespace. Conservative: a tag the catalog does not know is never reported — moving tags (\`node:lts\`, \`python:3\`, \`postgres:latest\`, no tag), unknown lines, LTS lines whose end is only "at least" a date, and lines whose end is announced but not dated.`;

export const EOL_FIX = 'The quick fix "Move to <image>:<tag>" rewrites the tag to the oldest line of the same image that is newer and still supported on the analysis date, keeping the variant (`node:16-alpine` → `node:22-alpine`, `debian:buster-slim` → `debian:bookworm-slim`; an `-alpine3.18` pin becomes `-alpine`). It is a major upgrade (a new runtime, a database needing a dump/restore or pg_upgrade), so it is never applied by fix-all or `check --fix`. Not offered when the variant is not known to exist for newer lines (OS codenames, date stamps, windowsservercore), when the reference carries a digest, when it is not written literally (ARG, `${…}`), or for the deprecated `openjdk` image.';
