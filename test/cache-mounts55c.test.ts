/**
 * Package-cache rules and build cache mounts (review 55c, F4): where a tool's cache may be in a cache or tmpfs mount
 * of the RUN, the flag that turns the cache off would turn that build cache off too, so it is no safe fix there. The
 * fixture tests apply every fix whatever its flag: the flags are asserted here, on the rules' own fixtures.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { fixFlagsOf } from './helpers/fix-flags';

const flagsOf = fixFlagsOf;

describe('DF035: --no-cache-dir is no safe fix where pip\'s cache may be in a build cache the RUN mounts (review 55c, F4)', () => {
  it('the cache surely outside every mount (PIP_CACHE_DIR or XDG_CACHE_HOME elsewhere, a USER other than root and a mount in /root): safe', () => {
    assert.deepEqual(flagsOf('DF035', 'fires-cache-outside-mount.dockerfile'), ['7:true', '14:true', '19:true', '25:true']);
  });
  it('the folder not known (ARG without default, a shell variable, a user\'s home, PIP_CONFIG_FILE) or a mount inside it: a quick fix only', () => {
    assert.deepEqual(flagsOf('DF035', 'fires-cache-maybe-in-mount.dockerfile'), ['8:false', '13:false', '17:false', '22:false', '27:false']);
  });
});

describe('DF034: --no-cache is no safe fix where apk\'s cache may be in a build cache the RUN mounts (review 55c, F4)', () => {
  it('--cache-dir outside the mount: safe; a mount inside it, or any mount without --cache-dir (/etc/apk/cache may point into it): a quick fix only', () => {
    assert.deepEqual(flagsOf('DF034', 'fires-cache-dir-outside-mount.dockerfile'), ['6:true', '9:false', '13:false']);
  });
});

describe('DF036: the clean is no safe fix over a build cache mounted inside a cache folder, and none where the install names its own (review 55c, F4)', () => {
  it('--setopt=cachedir / zypper -C elsewhere: no fix; a mount inside /var/cache/dnf: a quick fix only', () => {
    assert.deepEqual(flagsOf('DF036', 'fires-own-cache-dir-or-mount-inside.dockerfile'), ['7:none', '9:false', '13:none']);
  });
});
