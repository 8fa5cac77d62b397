/**
 * The EOL catalog (rules/data/eol-catalog.json) is data: every entry must be well-formed (dates parse,
 * sources are URLs, lines sorted), and the "oldest supported line" computation is checked against
 * fixed dates so these tests keep their meaning as time passes. Also DC060's companion-file rule.
 */
import { afterEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import catalogData from '../rules/data/eol-catalog.json';
import { compareLines, eolDistributions, eolImages, eolMove, eolMoveTitle, eolStatus, eolToday, isSupported, judgeImage, lineOfTag, oldestSupportedAfter, setEolClockForTests, EOL_CATALOG_CHECKED } from '../rules/engine/eol';
import { catalogEntry, catalogImages, CATALOG_CHECKED } from '../rules/engine/catalog';
import { parseImageRef } from '../rules/engine/image';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding, moreFixesFor as moreFixes } from '../rules';
import { viewOf } from './helpers/fixtures';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
function validDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

describe('EOL catalog data', () => {
  it('is documented and dated', () => {
    const raw = catalogData as unknown as { $comment?: string; checked?: string };
    assert.ok(raw.$comment && raw.$comment.includes('Refreshing the EOL catalog'), 'the $comment points to the README section');
    assert.ok(raw.checked && validDate(raw.checked));
  });

  it('covers the images the rules promise', () => {
    for (const name of ['node', 'python', 'postgres', 'redis', 'mysql', 'mariadb', 'mongo', 'debian', 'ubuntu', 'alpine', 'golang', 'eclipse-temurin', 'openjdk', 'php', 'ruby', 'nginx']) {
      assert.ok(eolImages()[name], `${name} is in the catalog`);
    }
  });

  for (const [name, image] of Object.entries(eolImages())) {
    it(`${name}: every line is well-formed and the lines are sorted`, () => {
      assert.ok(Array.isArray(image.variants) && image.variants.every((v) => v === '' || /^-[a-z0-9.-]+$/.test(v)), 'variants are tag suffixes');
      assert.ok(image.lines.length > 0);
      if (image.deprecated) {
        assert.ok(validDate(image.deprecated.since), `${name}: deprecated.since is a date`);
        assert.equal(new URL(image.deprecated.source).protocol, 'https:', `${name}: deprecated.source is an https URL`);
      }
      const aliases = new Set<string>();
      for (const l of image.lines) {
        assert.match(l.line, /^\d+(\.\d+)*$/, `${name} ${l.line}: a line is a version`);
        assert.ok(l.eol === null || validDate(l.eol), `${name} ${l.line}: eol is a date (YYYY-MM-DD) or null`);
        assert.ok(validDate(l.checked), `${name} ${l.line}: checked is a date`);
        assert.ok(l.released === undefined || (validDate(l.released) && l.released <= l.checked && (l.eol === null || l.released <= l.eol)), `${name} ${l.line}: released is a date before it was checked and before its end`);
        assert.ok(l.checked <= EOL_CATALOG_CHECKED, `${name} ${l.line}: checked no later than the catalog`);
        const url = new URL(l.source);
        assert.equal(url.protocol, 'https:', `${name} ${l.line}: the source is an https URL`);
        for (const a of l.aliases ?? []) {
          assert.ok(!aliases.has(a), `${name}: alias ${a} is unique`);
          aliases.add(a);
          assert.ok(!image.lines.some((x) => x.line === a), `${name}: alias ${a} is not also a line`);
        }
      }
      for (let i = 1; i < image.lines.length; i++) {
        assert.ok(compareLines(image.lines[i - 1].line, image.lines[i].line) < 0, `${name}: ${image.lines[i - 1].line} before ${image.lines[i].line}`);
      }
    });
  }
});

describe('EOL catalog distributions (releases other images name: review 48b, finding 6)', () => {
  for (const [name, d] of Object.entries(eolDistributions())) {
    it(`${name}: every line is well-formed, dated from an https source and sorted`, () => {
      assert.ok(d.name && d.lines.length > 0);
      for (const l of d.lines) {
        assert.match(l.line, /^\d+(\.\d+)*$/);
        assert.ok(l.eol === null || validDate(l.eol), `${name} ${l.line}: eol is a date or null`);
        assert.ok(validDate(l.checked) && l.checked <= EOL_CATALOG_CHECKED, `${name} ${l.line}: checked is a date no later than the catalog`);
        assert.equal(new URL(l.source).protocol, 'https:');
      }
      for (let i = 1; i < d.lines.length; i++) assert.ok(compareLines(d.lines[i - 1].line, d.lines[i].line) < 0);
    });
  }
  it('are no images: `rhel:7` is not judged', () => {
    assert.equal(eolImages().rhel, undefined);
    assert.equal(judgeImage(parseImageRef('rhel:7')!, '2026-12-06'), undefined);
  });
});

describe('EOL judgement on fixed dates', () => {
  afterEach(() => setEolClockForTests(undefined));

  it('the oldest supported newer line depends on the date', () => {
    assert.equal(oldestSupportedAfter('node', '16', '2026-11-28')?.line, '22', 'Node 20 ended 2026-04-30');
    assert.equal(oldestSupportedAfter('node', '16', '2025-06-01')?.line, '20');
    assert.equal(oldestSupportedAfter('node', '16', '2027-05-01')?.line, '24');
    assert.equal(oldestSupportedAfter('node', '23', '2026-11-28')?.line, '24', 'never a downgrade');
    assert.equal(oldestSupportedAfter('python', '3.7', '2026-11-28')?.line, '3.11');
    assert.equal(oldestSupportedAfter('postgres', '12', '2026-11-01')?.line, '14');
    assert.equal(oldestSupportedAfter('postgres', '12', '2026-11-28')?.line, '15');
    assert.equal(oldestSupportedAfter('debian', '10', '2026-11-28')?.line, '12');
    assert.equal(oldestSupportedAfter('golang', '1.16', '2026-11-28')?.line, '1.26');
    assert.equal(oldestSupportedAfter('mysql', '5.7', '2026-11-28')?.line, '8.4');
    assert.equal(oldestSupportedAfter('nope', '1', '2026-11-28'), undefined);
  });

  it('matches tags to lines: versions, patch versions, variants, codenames, frozen majors', () => {
    assert.equal(lineOfTag('node', '16.20.2-alpine3.18')?.line.line, '16');
    assert.equal(lineOfTag('postgres', '9.6.24')?.line.line, '9.6');
    assert.equal(lineOfTag('postgres', '9')?.line.line, '9.6');
    assert.equal(lineOfTag('python', '2-slim')?.line.line, '2.7');
    assert.equal(lineOfTag('debian', 'buster-20240612-slim')?.line.line, '10');
    assert.equal(lineOfTag('node', 'gallium')?.line.line, '16');
    assert.equal(lineOfTag('golang', '1.2'), undefined, '1.2 is not 1.20');
    assert.equal(lineOfTag('python', '3'), undefined, 'a moving major');
    assert.equal(lineOfTag('python', '3.8rc1'), undefined, 'a pre-release suffix without a dash');
    assert.equal(lineOfTag('node', 'lts-alpine'), undefined);
  });

  it('judges references on the analysis date, and moving tags never', () => {
    const j = (s: string, today: string) => judgeImage(parseImageRef(s)!, today);
    assert.equal(j('node:20', '2026-04-30'), undefined, 'the EOL day itself is still supported');
    assert.equal(j('node:20', '2026-05-01')?.target, '22');
    assert.equal(j('node:16-alpine', '2026-11-28')?.target, '22-alpine');
    assert.equal(j('debian:buster-slim', '2026-11-28')?.target, 'bookworm-slim');
    assert.equal(j('node:16-alpine3.18', '2026-11-28')?.target, '22-alpine');
    assert.equal(j('node:16-bookworm', '2026-11-28')?.target, null, 'a codename variant no newer line is known to publish');
    assert.equal(j('node:16-bullseye', '2026-11-28')?.target, '22', 'an ended codename is dropped for the image\'s current Debian (review 43d, item 2)');
    assert.equal(j('openjdk:16', '2026-11-28')?.target, null);
    for (const moving of ['node:lts', 'node', 'node:latest', 'python:3', 'postgres:latest', 'redis:7', 'mysql:8', 'alpine:edge']) assert.equal(j(moving, '2026-11-28'), undefined, moving);
    assert.equal(j('ghcr.io/acme/node:16', '2026-11-28'), undefined, 'not an official image');
  });

  it('hands out each finding as an object of its own (callers extend it in place; the answer is remembered)', () => {
    const first = judgeImage(parseImageRef('node:16-alpine')!, '2026-11-28')!;
    Object.assign(first, { target: 'changed', ref: 'node:16-alpine' });
    const again = judgeImage(parseImageRef('node:16-alpine')!, '2026-11-28')!;
    assert.notEqual(again, first);
    assert.equal(again.target, '22-alpine');
    assert.equal('ref' in again, false);
  });

  it('judges centos (all lines ended, the image deprecated: advice, no fix) and tomcat (review 9 misses)', () => {
    const j = (s: string) => judgeImage(parseImageRef(s)!, '2026-12-05');
    const centos = j('centos:8')!;
    assert.equal(centos.eol, '2021-12-31');
    assert.equal(centos.target, null);
    assert.match(eolStatus(centos), /deprecated on Docker Hub and CentOS Linux has ended; move to CentOS Stream/);
    assert.equal(j('centos:7.9.2009')?.eol, '2024-06-30');
    assert.equal(j('tomcat:8.5')?.target, '9.0');
    assert.equal(j('tomcat:8.5.100-jdk17')?.target, '9.0-jdk17');
    assert.equal(j('tomcat:8.5-jdk17-temurin-jammy')?.target, null, 'a variant not known for newer lines');
    assert.equal(j('tomcat:9.0'), undefined, 'no end announced');
    assert.equal(j('tomcat:10.0.27')?.target, '10.1');
    // Review 10 (probes 15, 16).
    assert.equal(j('tomcat:10.0-jdk8')?.target, null, 'Tomcat 10.1 has no Java 8 images');
    assert.equal(j('tomcat:7')?.line, '7.0');
    assert.equal(j('public.ecr.aws/docker/library/tomcat:8.5')?.repository, 'public.ecr.aws/docker/library/tomcat', 'a mirror keeps its registry in the move (review 10, probe df-06)');
    assert.equal(j('tomcat:8')?.line, '8.5');
    for (const tag of ['centos7', 'centos7.9.2009', 'centos8']) assert.ok(j(`centos:${tag}`), tag);
    assert.equal(j('centos:centos7.9.2009')?.line, '7');
  });

  it('judges Bitnami packagings by the product\'s lines and bitnamilegacy as frozen (review 43d, item 9)', () => {
    const j = (s: string, today = '2026-12-06') => judgeImage(parseImageRef(s)!, today);
    const pg = j('bitnami/postgresql:14.10.0-debian-11-r3')!;
    assert.equal(pg.ended, 'os', 'Debian 11 (2026-08-31) ended before postgres 14 (2026-11-12)');
    assert.deepEqual(pg.lineEnded, { line: '14', eol: '2026-11-12' });
    assert.equal(pg.target, null, 'no move: Bitnami publishes no versioned bitnami/* tags');
    assert.equal(j('bitnami/mongodb:4.4.10-debian-10-r0')?.ended, 'line');
    assert.equal(j('bitnami/redis:8.2'), undefined, 'a supported line');
    assert.equal(j('bitnami/kafka:3.5'), undefined, 'a product the catalog has no lines for');
    const legacy = j('bitnamilegacy/postgresql:11.20.0')!;
    assert.equal(legacy.ended, 'repository');
    assert.deepEqual(legacy.lineEnded, { line: '11', eol: '2023-11-09' });
    assert.match(eolStatus(legacy), /^is in Bitnami's legacy repository, which gets no updates since 2025-08-28: .*\(postgres 11 itself ended on 2023-11-09\)\. Move to a maintained image/);
    assert.equal(j('bitnamilegacy/kafka:3.5')?.ended, 'repository', 'whatever the product');
    assert.equal(j('bitnamilegacy/redis:7.4', '2025-08-28'), undefined, 'not before the move');
    assert.equal(j('ghcr.io/bitnami/postgresql:11'), undefined, 'another registry');
  });

  it('dates Elastic images by their minor release, as Elastic\'s end-of-life table does (review 44b, F2)', () => {
    const j = (s: string, today: string) => judgeImage(parseImageRef(s)!, today);
    const es71 = j('docker.elastic.co/elasticsearch/elasticsearch:7.1.1', '2026-12-06')!;
    assert.equal(es71.line, '7.1');
    assert.equal(eolStatus(es71).startsWith('is on Elasticsearch 7.1, which reached end of life on 2020-11-20'), true, eolStatus(es71));
    assert.equal(j('logstash:7.17.29', '2026-12-06')?.eol, '2026-01-15', '7.17, the last 7.x minor, has the extended date');
    assert.equal(j('logstash:7.17.29', '2026-01-15'), undefined, 'supported on its last day');
    // A past run reproduced: old minors are reported on the dates they had ended by.
    assert.equal(j('docker.elastic.co/elasticsearch/elasticsearch:7.1.1', '2023-01-01')?.eol, '2020-11-20');
    assert.equal(j('elasticsearch:7.1.1', '2020-11-20'), undefined, '7.1 was supported on 2020-11-20');
    // The advice names no release that did not exist on the analysis date (8.0 came out on 2022-02-10).
    assert.doesNotMatch(eolStatus(j('kibana:6.2.4', '2021-06-01')!), /8\.x|9\.x|8\.19/);
    assert.equal(j('kibana:6.2.4', '2021-06-01')?.eol, '2019-08-06');
    assert.equal(j('kibana:7.16.3', '2023-06-07'), undefined);
    assert.equal(j('kibana:7.16.3', '2023-06-08')?.line, '7.16');
    assert.equal(j('elasticsearch:8.2.3', '2023-10-27')?.eol, '2023-10-26');
    // Minors whose end is not confirmed are never reported.
    assert.equal(j('elasticsearch:8.3.3', '2026-12-06'), undefined);
    assert.equal(j('elasticsearch:5.6.16', '2026-12-06'), undefined);
    for (const name of ['elasticsearch', 'kibana', 'logstash']) assert.deepEqual(lineOfTag(name, '7')?.line.line, undefined, `${name}: no line covers a whole major`);
  });

  it('does not tell Bitnami\'s 2025-08-28 change as past with an earlier analysis date (review 44b, F3)', () => {
    const j = (s: string, today: string) => judgeImage(parseImageRef(s)!, today);
    const before = j('bitnami/rabbitmq:3.12.13-debian-12-r1', '2025-01-01')!;
    assert.equal(before.line, '3.12', 'RabbitMQ 3.12 ended on 2024-05-31: reported');
    assert.equal(before.target, null);
    assert.doesNotMatch(eolStatus(before), /2025-08-28|bitnamilegacy|stopped/);
    assert.match(eolStatus(before), /Move to a Bitnami image of a supported line\.$/);
    assert.doesNotMatch(before.noFix ?? '', /2025-08-28|bitnamilegacy/);
    // The day of the change itself is still before it (bitnamilegacy/* is reported from the next day too).
    assert.doesNotMatch(eolStatus(j('bitnami/rabbitmq:3.12.13-debian-12-r1', '2025-08-28')!), /2025-08-28/);
    const after = j('bitnami/rabbitmq:3.12.13-debian-12-r1', '2025-08-29')!;
    assert.match(eolStatus(after), /Bitnami stopped publishing versioned bitnami\/\* tags on 2025-08-28/);
  });

  it('judges the distribution in the tag of any official image (no fix outside the catalog), Temurin\'s alpine-3.21 too', () => {
    const j = (s: string) => judgeImage(parseImageRef(s)!, '2026-12-06');
    const haproxy = j('haproxy:2.8-alpine3.19')!;
    assert.equal(haproxy.ended, 'os');
    assert.equal(haproxy.target, null);
    assert.equal(eolMove(haproxy), '');
    assert.equal(j('arm64v8/haproxy:2.8-bullseye')?.os?.line, '11', 'a per-architecture copy of an official image');
    assert.equal(j('haproxy:3.2-alpine3.22'), undefined);
    assert.equal(j('acme/haproxy:2.8-alpine3.19'), undefined, 'not an official image');
    assert.equal(j('buildpack-deps:bullseye'), undefined, 'a tag that is only the codename names no variant (as for catalog images)');
    assert.equal(j('eclipse-temurin:21-jdk-alpine-3.21')?.target, '21-jdk-alpine');
    assert.equal(j('eclipse-temurin:21-jre-alpine-3.22'), undefined);
  });

  it('judges CUDA and ROCm images by the OS their tag or name names, on that OS line\'s dates (review 48b, finding 6)', () => {
    const j = (s: string, today = '2026-12-06') => judgeImage(parseImageRef(s)!, today);
    const cuda = j('nvidia/cuda:11.3.1-devel-centos7')!;
    assert.equal(cuda.ended, 'os');
    assert.deepEqual([cuda.line, cuda.eol, cuda.target, cuda.lineEnded], ['7', '2024-06-30', null, null], 'the CentOS 7 line as the centos image dates it; no fix; the CUDA version is not judged');
    assert.equal(eolStatus(cuda), "is built on CentOS Linux 7 (the tag's -centos7 part), which reached end of life on 2024-06-30 and gets no more security fixes. Move to a tag on a supported OS.");
    assert.equal(eolMove(cuda), '', 'no tag of the same CUDA version is known to exist on a supported OS');
    assert.equal(j('nvidia/cuda:11.3.1-devel-centos7', '2024-06-30'), undefined, 'supported on its last day');
    const rocm = j('rocm/dev-centos-7:6.1.1-complete')!;
    assert.equal(eolStatus(rocm), "is built on CentOS Linux 7 (the image name's dev-centos-7 part), which reached end of life on 2024-06-30 and gets no more security fixes. Move to a rocm/dev-* image of a supported OS.");
    assert.equal(j('rocm/dev-centos-7')?.eol, '2024-06-30', 'the name says the OS whatever the tag, none included');
    assert.equal(j('nvcr.io/nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu18.04')?.eol, '2023-05-31', 'NGC, and the Ubuntu 18.04 standard support end the ubuntu image has');
    assert.equal(j('nvcr.io/nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu18.04')?.repository, 'nvcr.io/nvidia/cuda');
    assert.equal(j('nvidia/cuda:12.4.0-devel-ubi7')?.eol, '2024-06-30');
    assert.equal(j('nvidia/cuda:12.8.1-devel-ubi8'), undefined, 'RHEL 8 maintenance runs to 2029-05-31');
    assert.equal(j('nvidia/cuda:12.8.1-devel-ubi8', '2029-05-31'), undefined);
    assert.equal(j('nvidia/cuda:12.8.1-devel-ubi8', '2029-06-01')?.os?.name, 'Red Hat Enterprise Linux 8');
    for (const s of ['nvidia/cuda:12.8.1-devel-ubuntu22.04', 'nvidia/cuda:12.8.1-base-rockylinux8', 'nvidia/cuda:12.8.1-base-amzn2023', 'rocm/dev-almalinux-8:6.2', 'rocm/dev-ubuntu-24.04', 'acme/cuda:11.3.1-devel-centos7', 'ghcr.io/nvidia/cuda:11.3.1-devel-centos7', 'nvidia/cuda:centos7', 'nvidia/cuda:11.3.1-centos7-devel']) {
      assert.equal(j(s), undefined, s);
    }
  });

  it('judges Red Hat\'s UBI repositories by the RHEL release their path names, on the rhel dates', () => {
    const j = (s: string, today = '2026-12-06') => judgeImage(parseImageRef(s)!, today);
    const ubi7 = j('registry.access.redhat.com/ubi7/ubi:7.9-1445')!;
    assert.equal(ubi7.ended, 'os');
    assert.deepEqual([ubi7.line, ubi7.eol, ubi7.target, ubi7.lineEnded], ['7', '2024-06-30', null, null], 'RHEL 7 Maintenance Support 2 ended on 2024-06-30; no fix');
    assert.equal(eolStatus(ubi7), "is built on Red Hat Enterprise Linux 7 (the repository's ubi7 part), which reached end of life on 2024-06-30 and gets no more security fixes. Move to a UBI 8 image (ubi8/…).");
    assert.equal(eolMove(ubi7), '');
    assert.equal(j('registry.access.redhat.com/ubi7/ubi', '2024-06-30'), undefined, 'supported on its last day');
    for (const s of ['redhat/ubi7:7.9', 'docker.io/redhat/ubi7-minimal', 'registry.access.redhat.com/ubi7/ubi-minimal', 'registry.access.redhat.com/ubi7', 'registry.redhat.io/ubi7', 'registry.redhat.io/ubi7-init:7.9', 'registry.access.redhat.com/ubi7/python-38', 'ubi7', 'ubi7-minimal:7.9', 'ubi7/ubi-micro']) {
      assert.equal(j(s)?.eol, '2024-06-30', s);
    }
    assert.equal(j('registry.redhat.io/ubi7-init:7.9')?.os?.namedBy, "the repository's ubi7-init part");
    // ubi8/nodejs-18: only the RHEL release is judged, not the Node.js 18 Application Stream (its own life cycle, not in the catalog).
    assert.equal(j('registry.access.redhat.com/ubi8/nodejs-18:1-130'), undefined, 'RHEL 8 maintenance runs to 2029-05-31');
    assert.equal(j('registry.access.redhat.com/ubi8/nodejs-18:1-130', '2029-05-31'), undefined);
    const node18 = j('registry.access.redhat.com/ubi8/nodejs-18:1-130', '2029-06-01')!;
    assert.equal(eolStatus(node18), "is built on Red Hat Enterprise Linux 8 (the repository's ubi8 part), which reached end of life on 2029-05-31 and gets no more security fixes. Move to a UBI 9 image (ubi9/…).");
    assert.equal(j('registry.access.redhat.com/ubi9/ubi-micro', '2029-06-01'), undefined);
    assert.equal(j('redhat/ubi9', '2032-06-01')?.advice, 'move to a UBI image of a supported release', 'no newer release the catalog dates');
    for (const s of ['quay.io/ubi7/ubi', 'ghcr.io/redhat/ubi7', 'redhat/ubi7-custom', 'registry.access.redhat.com/ubi7-custom', 'acme/ubi7', 'ubi7/nodejs-18', 'registry.access.redhat.com/rhel7', 'registry.access.redhat.com/ubi', 'rhel:7']) {
      assert.equal(j(s), undefined, s);
    }
  });

  it('judges NVIDIA\'s CUDA+OpenGL and OpenGL images by the OS their tag ends with, as CUDA\'s', () => {
    const j = (s: string, today = '2026-12-06') => judgeImage(parseImageRef(s)!, today);
    const gl = j('nvidia/cudagl:11.4.0-devel-ubuntu18.04')!;
    assert.deepEqual([gl.ended, gl.line, gl.eol, gl.target], ['os', '18.04', '2023-05-31', null]);
    assert.equal(eolStatus(gl), "is built on Ubuntu 18.04 (the tag's -ubuntu18.04 part), which reached end of life on 2023-05-31 and gets no more security fixes. Move to a tag on a supported OS.");
    assert.equal(j('nvcr.io/nvidia/cudagl:11.4.2-base-centos8')?.eol, '2021-12-31');
    assert.equal(j('nvidia/opengl:1.0-glvnd-devel-ubuntu18.04')?.eol, '2023-05-31');
    assert.equal(j('nvidia/opengl:base-centos7')?.eol, '2024-06-30');
    assert.equal(j('nvidia/opengl:1.2-glvnd-runtime-ubuntu20.04', '2025-05-31'), undefined, 'supported on its last day');
    assert.equal(j('nvidia/opengl:1.2-glvnd-runtime-ubuntu20.04', '2025-06-01')?.eol, '2025-05-31');
    for (const s of ['nvidia/cudagl:11.4.2-devel', 'nvidia/opengl:1.2-glvnd-runtime-ubuntu22.04', 'nvidia/opengl:1.2-glvnd-devel', 'acme/cudagl:11.4.0-devel-ubuntu18.04', 'nvidia/vulkan:1.3-ubuntu18.04']) {
      assert.equal(j(s), undefined, s);
    }
  });

  it('judges Microsoft\'s .NET images on mcr.microsoft.com by their .NET release (review 8: OrchardCore on 7.0)', () => {
    const j = (s: string, today = '2026-12-05') => judgeImage(parseImageRef(s)!, today);
    const aspnet7 = j('mcr.microsoft.com/dotnet/aspnet:7.0')!;
    assert.equal(eolStatus(aspnet7), 'is on .NET 7.0, which reached end of life on 2024-05-14 and gets no more security fixes.');
    assert.equal(aspnet7.repository, 'mcr.microsoft.com/dotnet/aspnet', 'the move names the registry it keeps');
    assert.equal(aspnet7.target, '10.0');
    assert.equal(j('mcr.microsoft.com/dotnet/sdk:8.0.404-alpine3.20')?.target, '10.0-alpine');
    assert.equal(j('mcr.microsoft.com/dotnet/sdk:8.0', '2026-11-10'), undefined, '.NET 8 is supported through 2026-11-10');
    assert.equal(j('mcr.microsoft.com/dotnet/runtime:8.0-bookworm-slim')?.target, null, 'no Debian images from .NET 10 on');
    const core = j('mcr.microsoft.com/dotnet/core/sdk:3.1')!;
    assert.equal(core.line, '3.1');
    assert.equal(core.target, null, 'dotnet/core/* got no tags after 3.1 (review 9, probe 11)');
    assert.match(eolStatus(core), /Newer lines are published as mcr\.microsoft\.com\/dotnet\/sdk \(for example mcr\.microsoft\.com\/dotnet\/sdk:10\.0\)\.$/);
    assert.equal(j('mcr.microsoft.com/dotnet/aspnet:10.0'), undefined);
    assert.equal(j('dotnet/aspnet:7.0'), undefined, 'not on Docker Hub');
    assert.equal(j('mcr.microsoft.com/dotnet/framework/aspnet:4.8'), undefined, '.NET Framework is not in the catalog');
  });

  it('says when only the image\'s builds of a line ended (openjdk 8, 11, 17, 21), and what to use instead of a given-up image', () => {
    const j = (s: string) => judgeImage(parseImageRef(s)!, '2026-12-04')!;
    assert.match(eolStatus(j('openjdk:11-jdk-slim')), /^is on the openjdk image's 11 builds, which ended on 2022-08-19: it gets no more security fixes \(openjdk 11 itself is maintained in other images\)\. The openjdk image is deprecated on Docker Hub; move to a maintained JDK image such as eclipse-temurin\.$/);
    assert.equal(j('openjdk:17-alpine').eol, '2022-03-22');
    assert.equal(j('openjdk:21').eol, '2024-03-19');
    assert.match(eolStatus(j('openjdk:16')), /^is on openjdk 16, which reached end of life on 2021-09-14 and gets no more security fixes\. The openjdk image is deprecated/);
    assert.equal(eolStatus(j('node:16-alpine')), 'is on node 16, which reached end of life on 2023-09-11 and gets no more security fixes.');
  });

  it('judges the distribution a tag\'s variant names, and reports the earlier end (review 43d, item 2)', () => {
    const j = (s: string) => judgeImage(parseImageRef(s)!, '2026-12-06');
    const node = j('node:22-bullseye')!;
    assert.equal(node.ended, 'os');
    assert.equal(node.target, '22');
    assert.equal(`${eolStatus(node)}${eolMove(node)}`, "is built on Debian 11 (bullseye), which reached end of life on 2026-08-31 and gets no more security fixes. Move to node:22 (the image's current Debian; node 22 is supported until 2027-04-30), or to node:26, the newest.");
    assert.equal(eolMoveTitle(node), 'Move to node:22 (current Debian)');
    assert.equal(j('python:3.12-slim-bullseye')?.target, '3.12-slim');
    assert.equal(j('python:3.12-alpine3.20')?.target, '3.12-alpine');
    assert.equal(j('postgres:17-alpine3.21')?.eol, '2026-11-01');
    assert.equal(j('golang:1.26-buster')?.target, '1.26');
    assert.equal(j('python:3-slim-buster')?.target, '3-slim', 'a moving tag on an ended distribution');
    const both = j('node:16-buster')!;
    assert.equal(both.ended, 'line', 'node 16 ended first');
    assert.match(eolStatus(both), /^is on node 16, which reached end of life on 2023-09-11 and gets no more security fixes; its Debian 10 \(buster\) base ended too, on 2024-06-30\.$/);
    const pg = j('postgres:14-alpine3.21')!;
    assert.equal(pg.ended, 'os', 'Alpine 3.21 ended before postgres 14');
    assert.match(eolStatus(pg), /\(postgres 14 ended too, on 2026-11-12\)\.$/);
    assert.equal(pg.target, '15-alpine');
    assert.equal(j('mcr.microsoft.com/dotnet/aspnet:8.0-bullseye-slim')?.target, null, '.NET 10 publishes no Debian slim variant');
    for (const ok of ['node:22-bookworm', 'python:3.12-alpine3.22', 'node:22-trixie-slim', 'python:3.12-slim']) assert.equal(j(ok), undefined, ok);
    assert.equal(j('debian:bullseye-slim')?.ended, 'line', 'a distribution image is judged by its own line');
  });

  it('says when the line it moves to ends soon, and offers the newest line too (review 43d, item 5)', () => {
    const j = (s: string) => judgeImage(parseImageRef(s)!, '2026-12-06')!;
    const php = j('php:7.4-apache');
    assert.equal(eolMove(php), ' Move to php:8.2-apache, the oldest supported line, supported until 2026-12-31, or to php:8.5-apache, the newest.');
    assert.equal(php.newest, '8.5-apache');
    const py = j('python:3.7-slim');
    assert.equal(eolMove(py), ' Move to python:3.11-slim, the oldest supported line.', 'python 3.11 ends in October 2027: not soon');
    assert.equal(py.newest, null);
    const files = new Map([['/m/Dockerfile', 'FROM php:7.4-apache\nFROM python:3.7-slim\n']]);
    setEolClockForTests('2026-12-06');
    const a = analyze(allRules, 'dockerfile', '/m/Dockerfile', files.get('/m/Dockerfile')!, viewOf(files), DEFAULT_CONFIG);
    const titles = a.findings.filter((f) => f.code === 'DF005').map((f) => [fixFinding(allRules, a.context, f)!, ...moreFixes(allRules, a.context, f)].map((x) => `${x.title}:${x.safe}`));
    assert.deepEqual(titles, [['Move to php:8.2-apache (oldest supported line):false', 'Move to php:8.5-apache (newest supported line):false'], ['Move to python:3.11-slim (oldest supported line):false']]);
  });

  it('reports every tag of a deprecated image, and the lines added after review 43d (item 4)', () => {
    const j = (s: string) => judgeImage(parseImageRef(s)!, '2026-12-06');
    const ea = j('openjdk:27-ea-jdk')!;
    assert.equal(ea.ended, 'image');
    assert.match(eolStatus(ea), /^is a tag of the openjdk image, which publishes only early-access builds after 2022-07-31: none is supported for production or gets security fixes\. The openjdk image is deprecated on Docker Hub/);
    assert.equal(j('openjdk:25')?.eol, '2026-03-17');
    assert.equal(j('openjdk:26')?.eol, '2026-09-30');
    assert.equal(j('eclipse-temurin:26-jdk')?.target, '27-jdk');
    assert.equal(j('rust:1.99-slim')?.target, '1.100-slim');
    assert.equal(j('rust:1.100'), undefined, 'the latest stable release');
    assert.equal(j('mysql:9.6')?.target, '9.7');
    assert.equal(j('mariadb:12.2')?.target, '12.3');
    for (const ok of ['mysql:9.7', 'mariadb:12.3', 'redis:8.4', 'redis:8.6', 'redis:8.10-alpine', 'eclipse-temurin:27-jre']) assert.equal(j(ok), undefined, ok);
  });

  it('uses the injected clock, else the real date', () => {
    setEolClockForTests('2030-01-02T10:00:00Z');
    assert.equal(eolToday(), '2030-01-02');
    setEolClockForTests(undefined);
    assert.equal(eolToday(), new Date().toISOString().slice(0, 10));
  });
});

describe('DC060 and companion compose files', () => {
  const base = 'services:\n  db:\n    image: postgres:16\n';
  const run = (files: Record<string, string>) => {
    const set = new Map(Object.entries(files));
    return analyze(allRules, 'compose', '/p/compose.yaml', set.get('/p/compose.yaml')!, viewOf(set), { rules: {}, options: { trustedRegistries: [], productionGlobs: [], defaultMemoryLimit: '512m', defaultCpuLimit: '0.5', defaultPidsLimit: 200, eolDate: null } }).findings.filter((f) => f.code === 'DC060');
  };
  it('reports a data store whose volumes are nowhere', () => {
    assert.equal(run({ '/p/compose.yaml': base }).length, 1);
  });
  it('stays silent when compose.override.yaml gives the service its volumes', () => {
    assert.equal(run({ '/p/compose.yaml': base, '/p/compose.override.yaml': 'services:\n  db:\n    volumes:\n      - db-data:/var/lib/postgresql/data\nvolumes:\n  db-data:\n' }).length, 0);
  });
});

describe('image catalog pins and the EOL data', () => {
  afterEach(() => setEolClockForTests(undefined));
  const official = (image: string) => parseImageRef(image)!;

  it('every pin of the image catalog is on a supported line on the date both catalogs were checked', () => {
    setEolClockForTests(CATALOG_CHECKED);
    for (const [image, entry] of Object.entries(catalogImages())) {
      for (const tag of [entry.tag, entry.minimal]) {
        if (tag === null) continue;
        const line = lineOfTag(image, tag);
        assert.ok(!line || isSupported(line.line, CATALOG_CHECKED), `${image}:${tag} is past its end of life (${line?.line.eol}) on ${CATALOG_CHECKED}`);
      }
      assert.deepEqual(catalogEntry(official(image), eolToday()), entry, `${image}: the pins are used as written`);
    }
  });

  it('a pin whose line has reached its end of life since moves to the oldest supported line after it, variant kept', () => {
    let moved = 0;
    for (const [image, entry] of Object.entries(catalogImages())) {
      const pinned = lineOfTag(image, entry.tag);
      if (!pinned || pinned.line.eol === null) continue;
      const after = new Date(new Date(`${pinned.line.eol}T00:00:00Z`).getTime() + 86_400_000).toISOString().slice(0, 10);
      setEolClockForTests(after);
      const now = catalogEntry(official(image), eolToday());
      const next = oldestSupportedAfter(image, pinned.line.line, after);
      if (!next) {
        assert.equal(now, undefined, `${image}: no supported line is known on ${after}, so nothing to pin`);
        continue;
      }
      moved++;
      assert.equal(now?.tag, `${next.line}${pinned.suffix}`, `${image} on ${after}`);
      if (entry.minimal !== null) assert.equal(now?.minimal, `${next.line}${lineOfTag(image, entry.minimal)!.suffix}`, `${image} minimal on ${after}`);
      for (const tag of [now!.tag, now!.minimal]) if (tag !== null) assert.ok(isSupported(lineOfTag(image, tag)!.line, after), `${image}:${tag} on ${after}`);
    }
    assert.ok(moved >= 3, `pins with an announced end of life are checked (${moved})`);
  });

  it('images whose maintainers support only the newest minor are pinned to their major line (a minor pin would stop getting fixes at the next release)', () => {
    // traefik SECURITY.md: "Each version is supported until the next one is released"; caddy SECURITY.md: 2.x.
    for (const [image, major] of [['traefik', 'v3'], ['caddy', '2']]) {
      const entry = catalogImages()[image];
      assert.equal(entry.tag, major, `${image} is pinned to ${entry.tag}`);
      const files = new Map([['/t/compose.yaml', `services:\n  proxy:\n    image: ${image}\n`]]);
      const a = analyze(allRules, 'compose', '/t/compose.yaml', files.get('/t/compose.yaml')!, viewOf(files), DEFAULT_CONFIG);
      const fix = fixFinding(allRules, a.context, a.findings.find((f) => f.code === 'DC001')!)!;
      assert.equal(fix.title, `Pin to ${image}:${major}`);
    }
  });

  it('DC001/DF001 pin first to the newest supported line (what latest named when the data was checked), then to the catalog line; never in fix-all', () => {
    setEolClockForTests(CATALOG_CHECKED);
    const pins = (rule: string, a: ReturnType<typeof analyze>) =>
      a.findings.filter((f) => f.code === rule).map((f) => [fixFinding(allRules, a.context, f)!, ...moreFixes(allRules, a.context, f)].map((fix) => `${fix.title}:${fix.safe}`));
    const compose = new Map([['/d/compose.yaml', 'services:\n  db:\n    image: mysql\n  cache:\n    image: redis:latest\n  web:\n    image: nginx\n  proxy:\n    image: traefik\n']]);
    const a = analyze(allRules, 'compose', '/d/compose.yaml', compose.get('/d/compose.yaml')!, viewOf(compose), DEFAULT_CONFIG);
    // mysql: 9.7 LTS is what latest named when checked (9.0-9.6 innovation lines have ended), then the catalog's 8.4 LTS (review 43d, item 4).
    assert.deepEqual(pins('DC001', a), [['Pin to mysql:9.7:false', 'Pin to mysql:8.4:false'], ['Pin to redis:8.10:false', 'Pin to redis:8.0:false'], ['Pin to nginx:1.31:false', 'Pin to nginx:1.30:false'], ['Pin to traefik:v3:false']]);
    const df = new Map([['/d/Dockerfile', 'FROM postgres\nFROM node:latest\nFROM alpine\nFROM debian\n']]);
    const b = analyze(allRules, 'dockerfile', '/d/Dockerfile', df.get('/d/Dockerfile')!, viewOf(df), DEFAULT_CONFIG);
    assert.deepEqual(pins('DF001', b), [['Pin to postgres:18:false', 'Pin to postgres:17:false'], ['Pin to node:26:false', 'Pin to node:24:false'], ['Pin to alpine:3.24:false', 'Pin to alpine:3.22:false'], ['Pin to debian:trixie:false']]);
    // Each first pin is the newest line the EOL data knows that is supported that day.
    for (const [image, tag] of [['postgres', '18'], ['node', '26'], ['alpine', '3.24'], ['nginx', '1.31'], ['mysql', '9.7'], ['mariadb', '12.3'], ['redis', '8.10']]) {
      const supported = eolImages()[image].lines.filter((l) => isSupported(l, eolToday()));
      assert.equal(supported.at(-1)!.line, tag, `${image}: the newest supported line`);
    }
  });

  it('pins images outside the EOL data to lines supported when the catalog was checked (review 43d, item 3)', () => {
    setEolClockForTests(CATALOG_CHECKED);
    const files = new Map([['/c/compose.yaml', 'services:\n  mq:\n    image: rabbitmq\n  nc:\n    image: nextcloud\n  wp:\n    image: wordpress:latest\n']]);
    const a = analyze(allRules, 'compose', '/c/compose.yaml', files.get('/c/compose.yaml')!, viewOf(files), DEFAULT_CONFIG);
    const titles = a.findings.filter((f) => f.code === 'DC001' || f.code === 'DC003').map((f) => `${f.code} ${fixFinding(allRules, a.context, f)?.title}`);
    // RabbitMQ supports only the latest minor (4.1 ended 2026-01-30), Nextcloud a major for a year (31 ended 2026-02, 32 2026-09), WordPress only the latest release.
    assert.deepEqual(titles, ['DC001 Pin to rabbitmq:4.2', 'DC003 Use rabbitmq:4.2-alpine', 'DC001 Pin to nextcloud:33', 'DC001 Pin to wordpress:7']);
  });

  it('DC001 never pins a line that DC004 reports (golang:latest in 2030)', () => {
    const line = eolImages().golang.lines.find((l) => l.line === catalogImages().golang.tag)!;
    assert.ok(line, 'the golang pin is a line of the EOL data');
    setEolClockForTests('2030-01-01');
    const files = new Map([['/g/compose.yaml', 'services:\n  build:\n    image: golang:latest\n']]);
    const a = analyze(allRules, 'compose', '/g/compose.yaml', files.get('/g/compose.yaml')!, viewOf(files), { ...DEFAULT_CONFIG });
    const finding = a.findings.find((f) => f.code === 'DC001')!;
    const fix = fixFinding(allRules, a.context, finding);
    const today = eolToday();
    const pinnedTo = fix ? /golang:(\S+)/.exec(fix.title)![1] : undefined;
    if (pinnedTo !== undefined) assert.ok(isSupported(lineOfTag('golang', pinnedTo)!.line, today), `golang:${pinnedTo} is supported on ${today}`);
    else assert.ok(!eolImages().golang.lines.some((l) => isSupported(l, today)), 'no fix only when no golang line is supported');
  });
});

describe('compose build args select the base image (review 43d, item 6)', () => {
  afterEach(() => setEolClockForTests('2026-11-28'));
  const DF = 'ARG NODE_VERSION=16\nFROM node:${NODE_VERSION}-alpine\nUSER node\n';
  const run = (kind: 'compose' | 'dockerfile', target: string, files: Map<string, string>, code: string) => {
    const a = analyze(allRules, kind, target, files.get(target)!, viewOf(files), DEFAULT_CONFIG);
    return a.findings.filter((f) => f.code === code).map((f) => {
      const fix = fixFinding(allRules, a.context, f);
      return { line: f.range.start.line + 1, message: f.message, fix: fix ? `${fix.title}:${fix.safe}` : null };
    });
  };

  it('DC004 names the FROM, the Dockerfile and the arg, and its fix sets the arg (never safe)', () => {
    setEolClockForTests('2026-11-28');
    const files = new Map([
      ['/p/app/Dockerfile', 'ARG NODE_VERSION=22\nFROM node:${NODE_VERSION}-alpine\n'],
      ['/p/compose.yaml', 'services:\n  app:\n    build:\n      context: ./app\n      args:\n        - NODE_VERSION=16.20.2\n'],
    ]);
    assert.deepEqual(run('compose', '/p/compose.yaml', files, 'DC004'), [{
      line: 6,
      message: "Service 'app' builds app/Dockerfile, whose FROM node:${NODE_VERSION}-alpine names 'node:16.20.2-alpine' with the build arg NODE_VERSION: it is on node 16, which reached end of life on 2023-09-11 and gets no more security fixes. Move to node:22-alpine, the oldest supported line (NODE_VERSION: 22).",
      fix: 'Set build arg NODE_VERSION to 22 (node:22-alpine, oldest supported line):false',
    }]);
  });

  it('DC004: the value that wins is judged where it is written (the default override, extends:)', () => {
    const files = new Map([
      ['/o/Dockerfile', DF],
      ['/o/compose.yaml', 'services:\n  app:\n    build:\n      context: .\n      args:\n        NODE_VERSION: "14"\n  base:\n    build:\n      context: .\n      args:\n        NODE_VERSION: "14"\n  job:\n    extends: base\n    build:\n      args:\n        NODE_VERSION: "22"\n'],
      ['/o/compose.override.yaml', 'services:\n  app:\n    build:\n      args:\n        NODE_VERSION: "22"\n'],
    ]);
    // app's 14 is replaced by the override's 22; job passes its own 22 (base's 14 is reported on base, once).
    assert.deepEqual(run('compose', '/o/compose.yaml', files, 'DC004').map((f) => f.line), [11]);
    files.set('/o/compose.override.yaml', 'services:\n  app:\n    build:\n      args:\n        NODE_VERSION: "18"\n');
    assert.deepEqual(run('compose', '/o/compose.override.yaml', files, 'DC004').map((f) => f.line), [5], 'the override builds the default file\'s Dockerfile with 18');
    assert.deepEqual(run('compose', '/o/compose.yaml', files, 'DC004').map((f) => f.line), [11]);
  });

  it('DF005: a default every compose build overrides is reported only when something may build the Dockerfile otherwise, and says so', () => {
    const files = new Map([
      ['/m/Dockerfile', DF],
      ['/m/compose.yaml', 'services:\n  app:\n    build:\n      context: .\n      args:\n        NODE_VERSION: "22"\n'],
      ['/m/Makefile', 'test:\n\tnpm test\n'],
    ]);
    assert.deepEqual(run('dockerfile', '/m/Dockerfile', files, 'DF005'), [], 'a Makefile that builds no image');
    files.set('/m/Makefile', 'image:\n\tdocker build -t acme/app .\n');
    assert.deepEqual(run('dockerfile', '/m/Dockerfile', files, 'DF005').map((f) => f.message), [
      "Image 'node:16-alpine' (from the ARG default, which every compose service building this Dockerfile overrides with the build arg NODE_VERSION; Makefile may build it without) is on node 16, which reached end of life on 2023-09-11 and gets no more security fixes. Move to node:22-alpine, the oldest supported line, supported until 2027-04-30, or to node:26-alpine, the newest.",
    ]);
    files.delete('/m/Makefile');
    files.set('/m/compose.yaml', 'services:\n  app:\n    build:\n      context: .\n      args:\n        NODE_VERSION: "22"\n  other:\n    build: .\n');
    assert.deepEqual(run('dockerfile', '/m/Dockerfile', files, 'DF005').map((f) => f.message), [
      "Image 'node:16-alpine' (from the ARG default) is on node 16, which reached end of life on 2023-09-11 and gets no more security fixes. Move to node:22-alpine, the oldest supported line, supported until 2027-04-30, or to node:26-alpine, the newest.",
    ], 'a service that passes nothing builds the default');
  });
});
