/**
 * DF010's reading of a glob COPY over the base image's entrypoint script (`COPY *.sh /usr/local/bin/` on postgres) matches
 * only what the build context sends: a file the ignore file leaves out is not matched, and an ignore file that exists but
 * cannot be read leaves what the glob copies not known, read as "may write over" (review52, F3).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { viewOf } from './helpers/fixtures';
import type { WorkspaceView } from '../rules/engine/types';

const DOCKERFILE = 'FROM postgres:16\nCOPY *.sh /usr/local/bin/\n';

function df010(view: WorkspaceView): string[] {
  return analyze(allRules, 'dockerfile', '/w/Dockerfile', DOCKERFILE, view, DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF010').map((f) => f.message);
}

const files = new Map([
  ['/w/Dockerfile', DOCKERFILE],
  ['/w/init.sh', '#!/bin/sh\necho init\n'],
  ['/w/docker-entrypoint.sh', '#!/bin/sh\nexec "$@"\n'],
  ['/w/.dockerignore', 'docker-entrypoint.sh\n'],
]);
const MAY_WRITE = "The final stage has no USER, so the container runs as root: the COPY on line 2 may write over the base image's entrypoint script docker-entrypoint.sh, so whether it still steps down to postgres is not known; add USER postgres (the base image's service user, which owns its data; uid 1000 may not).";

describe('DF010 matches a glob COPY against what the build context sends', () => {
  it('does not match a file the .dockerignore leaves out', () => {
    const messages = df010(viewOf(files, '/w'));
    assert.equal(messages.length, 1);
    assert.match(messages[0], /relies on its entrypoint to step down/);
  });

  it('reads the Dockerfile\'s own ignore file before the context\'s', () => {
    const own = new Map(files);
    own.set('/w/Dockerfile.dockerignore', 'init.sh\n');
    assert.deepEqual(df010(viewOf(own, '/w')), [MAY_WRITE]);
  });

  it('keeps "may write over" when the ignore file exists but cannot be read', () => {
    const view = viewOf(files, '/w');
    const unreadable: WorkspaceView = { ...view, readText: (p) => (p === '/w/.dockerignore' ? undefined : view.readText(p)) };
    assert.deepEqual(df010(unreadable), [MAY_WRITE]);
  });
});
