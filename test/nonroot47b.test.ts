/**
 * Review 47b, item 4: images that run as their own non-root user (SQL Server 2019+, outline, Wiki.js, SFTPGo) are not
 * reported by DC011/DF010, and a root user written over one whose user is not uid 1000 gets no uid-1000 fix: the
 * message names the image's own user instead.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding, type Finding } from '../rules';
import { viewOf } from './helpers/fixtures';
import { parseImageRef } from '../rules/engine/image';
import * as imageUsers from '../rules/engine/image-users';

/** One rule's findings when `target` is analyzed among `files`, each with the fix the rule offers (or undefined). */
function findingsOf(code: string, target: string, files: Map<string, string>): (Finding & { fix: ReturnType<typeof fixFinding> })[] {
  const kind = target.endsWith('Dockerfile') ? 'dockerfile' : 'compose';
  const analysis = analyze(allRules, kind, target, files.get(target)!, viewOf(files), DEFAULT_CONFIG);
  return analysis.findings.filter((f) => f.code === code).map((f) => ({ ...f, fix: fixFinding(allRules, analysis.context, f) }));
}

describe('review 47b, item 4: images with their own non-root user', () => {
  it('knows the user of SQL Server by release (2019 on: mssql; 2017 and the 2019 previews: not known), of SFTPGo and Wiki.js from 2, of Azure SQL Edge from 1.0.7', () => {
    const user = (text: string) => imageUsers.nonRootUser(parseImageRef(text)!);
    assert.equal(user('mcr.microsoft.com/mssql/server:2019-latest'), 'mssql');
    assert.equal(user('mcr.microsoft.com/mssql/server:2022-CU14-ubuntu-22.04'), 'mssql');
    assert.equal(user('mcr.microsoft.com/mssql/server'), 'mssql');
    assert.equal(user('mcr.microsoft.com/mssql/server:2017-latest'), undefined);
    assert.equal(user('mcr.microsoft.com/mssql/server:2019-RC1-ubuntu'), undefined);
    assert.equal(user('mcr.microsoft.com/mssql/server@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'), undefined);
    assert.equal(user('mcr.microsoft.com/azure-sql-edge:1.0.7'), 'mssql');
    assert.equal(user('mcr.microsoft.com/azure-sql-edge:1.0.10'), 'mssql');
    assert.equal(user('mcr.microsoft.com/azure-sql-edge:1.0.4'), undefined);
    assert.equal(user('drakkan/sftpgo:v2.6-alpine'), '1000');
    assert.equal(user('drakkan/sftpgo:v1.2.2'), undefined);
    assert.equal(user('requarks/wiki:2'), 'node');
    assert.equal(user('requarks/wiki:1.0.117'), undefined);
    assert.equal(user('outlinewiki/outline:0.82.0'), 'nodejs');
    // The user's uid decides whether uid 1000 is the image's own user.
    const own = (text: string) => imageUsers.ownUserNot1000(parseImageRef(text)!);
    assert.equal(own('mcr.microsoft.com/mssql/server:2022-latest'), 'mssql');
    assert.equal(own('outlinewiki/outline'), 'nodejs');
    assert.equal(own('grafana/grafana:11.3.0'), '472');
    assert.equal(own('drakkan/sftpgo:v2-alpine'), undefined);
    assert.equal(own('requarks/wiki:2'), undefined);
    assert.equal(own('jenkins/jenkins:lts'), undefined);
    assert.equal(own('docker.elastic.co/elasticsearch/elasticsearch:8.15.0'), undefined);
    assert.equal(own('node:24'), undefined);
  });

  it('DC011 names the image\'s own user for a root user: over it, and offers no uid-1000 fix: only removing the line', () => {
    const text = 'services:\n  db:\n    image: mcr.microsoft.com/mssql/server:2022-latest\n    user: root\n  ci:\n    image: jenkins/jenkins:lts\n    user: root\n  merged:\n    <<: {user: "2000"}\n    image: mcr.microsoft.com/mssql/server:2022-latest\n    user: root\n';
    const findings = findingsOf('DC011', '/m/compose.yaml', new Map([['/m/compose.yaml', text]]));
    const db = findings.find((f) => f.message.startsWith("Service 'db'"))!;
    const ci = findings.find((f) => f.message.startsWith("Service 'ci'"))!;
    const merged = findings.find((f) => f.message.startsWith("Service 'merged'"))!;
    assert.equal(db.message, "Service 'db' runs as user root (root), while its image runs as its own non-root user mssql; remove the user: or set it to mssql (uid 1000 would not own the image's files).");
    // Removing the line lets the image's USER (mssql) apply (review s29, stepdown item 2); never uid 1000.
    assert.equal(db.fix?.title, "Remove user: root: the image runs as 'mssql'");
    assert.equal(db.fix?.safe, false);
    assert.equal(ci.message, "Service 'ci' runs as user root (root), overriding the non-root user jenkins its image runs as; remove the user: to run as that user.");
    assert.equal(ci.fix?.title, "Remove user: root: the image runs as 'jenkins'");
    // A << merge would give another user: without the line: no removal, and no uid-1000 fix for mssql.
    assert.equal(merged.fix, undefined);
  });

  it('DC011 on a built Dockerfile that switches to root over such a base names the base\'s user, without a fix', () => {
    const files = new Map([
      ['/m/compose.yaml', 'services:\n  db:\n    build: ./db\n'],
      ['/m/db/Dockerfile', 'FROM mcr.microsoft.com/mssql/server:2022-latest\nUSER root\nRUN apt-get update\n'],
    ]);
    const [db] = findingsOf('DC011', '/m/compose.yaml', files);
    assert.equal(db.message, "Service 'db' has no user: and the Dockerfile it builds switches to root over its base image's own non-root user mssql; switch back to that user there (USER mssql) after what needs root.");
    assert.equal(db.fix, undefined);
  });

  it('DF010 names the base image\'s own user for USER root over it, and offers no USER 1000', () => {
    const own = 'FROM mcr.microsoft.com/mssql/server:2022-latest\nUSER root\nRUN apt-get update\n';
    const [f] = findingsOf('DF010', '/d/Dockerfile', new Map([['/d/Dockerfile', own]]));
    assert.equal(f.message, "The final stage switches to USER root, so the container runs as root; switch back to the base image's own non-root user mssql (USER mssql) after what needs root.");
    assert.equal(f.fix, undefined);
    const inherited = 'FROM mcr.microsoft.com/mssql/server:2022-latest AS base\nUSER root\nRUN apt-get update\n\nFROM base\nCOPY a /a\n';
    const [g] = findingsOf('DF010', '/e/Dockerfile', new Map([['/e/Dockerfile', inherited]]));
    assert.match(g.message, /inherits USER root from the stage it builds on, so the container runs as root; switch back to the base image's own non-root user mssql \(USER mssql\) after what needs root\.$/);
    assert.equal(g.fix, undefined);
  });
});
