/**
 * DF035 reads pip's configuration files (rules/engine/pip-config.ts): a file that puts the cache in a folder the RUN
 * mounts as a build cache, or that disables the cache, leaves nothing to fix; one pip reads but whose content is not
 * known here makes --no-cache-dir a quick fix where the RUN mounts a cache. DF036 reads dnf.conf the same way for its
 * clean. The fixture tests apply every fix whatever its flag: the flags are asserted here.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { fixFlagsOf } from './helpers/fix-flags';

const flagsOf = (name: string, code = 'DF035') => fixFlagsOf(code, name);

describe('DF035 reads pip\'s configuration files', () => {
  it('a file pip reads but that cannot be read here, under a cache mount: a quick fix; the folder known outside every mount, or no mount: safe', () => {
    assert.deepEqual(flagsOf('fires-config-not-known.dockerfile'), ['8:false', '14:false', '19:false', '24:false', '29:true', '37:true', '42:true']);
  });
  it('a file that puts the cache in the mounted folder (pip config set, printf, tee, here-documents, PIP_CONFIG_FILE): silent', () => {
    assert.deepEqual(flagsOf('silent-config-cache-in-mount.dockerfile'), []);
  });
  it('a file of the build context copied into the image, read there: silent', () => {
    assert.deepEqual(flagsOf('silent-config-copied-from-context'), []);
  });
  it('a file that disables the cache (no-cache-dir true or false): silent', () => {
    assert.deepEqual(flagsOf('silent-config-disables-cache.dockerfile'), []);
  });
});

describe('DF036 reads dnf.conf for a cache folder', () => {
  it('dnf.conf written with cachedir, or with a content not known, under a cache mount: the clean is a quick fix; without a mount, or another setting: safe', () => {
    assert.deepEqual(flagsOf('fires-config-may-move-cache.dockerfile', 'DF036'), ['8:false', '13:false', '18:true', '23:true']);
  });
  it('a configuration folder of the build context copied whole, whose dnf.conf sets cachedir, under a cache mount: a quick fix', () => {
    assert.deepEqual(flagsOf('fires-config-folder-copied', 'DF036'), ['7:false']);
  });
});
