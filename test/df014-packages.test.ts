/**
 * DF014's package form (review 47b, R2): the message names the download's host and file and the installer, and never
 * a URL's user or password (the host is read after the authority's last `@`).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { viewOf } from './helpers/fixtures';

function df014(text: string): string[] {
  const path = '/p/Dockerfile';
  return analyze(allRules, 'dockerfile', path, text, viewOf(new Map([[path, text]])), DEFAULT_CONFIG)
    .findings.filter((f) => f.code === 'DF014')
    .map((f) => f.message);
}

describe('DF014 downloaded packages', () => {
  it('names the host, the file and the installer, without the URL credentials', () => {
    const [m, ...rest] = df014('FROM debian:12-slim\nRUN curl -fsSLo /tmp/u.deb https://deploy:s3cr3tpw@pkgs.example.com:8443/u.deb && apt-get install -y /tmp/u.deb\n');
    assert.equal(rest.length, 0);
    assert.match(m, /downloaded with curl from pkgs\.example\.com:8443 to \/tmp\/u\.deb is installed with apt-get install/);
    assert.doesNotMatch(m, /s3cr3tpw|deploy/);
  });

  it('names what rpm and dnf fetch themselves, and suggests their own signature settings', () => {
    const [rpm, dnf] = df014('FROM rockylinux:9\nRUN rpm -ivh https://u:pw@repo.example.org/a/x-1.0.rpm?sig=1\nRUN dnf install -y https://repo.example.org/b/y-2.0.rpm\n');
    assert.match(rpm, /A package that rpm downloads from repo\.example\.org \(x-1\.0\.rpm\) is installed with rpm -ivh/);
    assert.doesNotMatch(rpm, /u:pw|pw@/);
    assert.match(dnf, /A package that dnf downloads from repo\.example\.org \(y-2\.0\.rpm\) is installed with dnf install/);
    assert.match(dnf, /localpkg_gpgcheck=1/);
  });
});
