/**
 * DF010 and DC011 over a Dockerfile that may change its base image's own step-down entrypoint script (an ENV PATH in front
 * of a folder a COPY fills, a COPY over the script, a `RUN sed -i` on it): the message says what was found — the
 * instruction, its line, the script — from the finding's data, not that the image "bypasses" the entrypoint nor that the
 * user is the one the entrypoint steps down to (entry2, item 4). The other messages stay as they were.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { viewOf } from './helpers/fixtures';

function messagesOf(code: string, files: Map<string, string>, target: string): string[] {
  return analyze(allRules, target.endsWith('Dockerfile') ? 'dockerfile' : 'compose', target, files.get(target)!, viewOf(files), DEFAULT_CONFIG).findings.filter((f) => f.code === code).map((f) => f.message);
}

const SED = 'FROM redis:7.4\nRUN sed -i s/gosu/true/ /usr/local/bin/docker-entrypoint.sh\nCMD ["redis-server"]\n';
const COPY_FROM = 'FROM redis:7.4\nCOPY --from=busybox:1.36 /bin/sh /usr/local/bin/docker-entrypoint.sh\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["redis-server"]\n';
const PATH_FIRST = 'FROM redis:7.4\nENV PATH=/app/bin:$PATH\nCOPY bin/ /app/bin/\nCMD ["redis-server"]\n';
const ROOT_USER_SED = 'FROM postgres:16\nUSER root\nRUN sed -i s/gosu/true/ /usr/local/bin/docker-entrypoint.sh\nCMD ["postgres"]\n';
const OTHER_COMMAND = 'FROM redis:7.4\nCMD ["sh", "-c", "redis-server"]\n';

describe('DF010 says what changes the base image\'s entrypoint script', () => {
  const df010 = (text: string) => messagesOf('DF010', new Map([['/w/Dockerfile', text]]), '/w/Dockerfile');

  it('names the RUN, the COPY --from and the ENV PATH with their lines', () => {
    assert.deepEqual(df010(SED), [
      "The final stage has no USER, so the container runs as root: the RUN on line 2 may change the base image's entrypoint script docker-entrypoint.sh, so whether it still steps down to redis is not known; add USER redis (the base image's service user, which owns its data; uid 1000 may not).",
    ]);
    assert.deepEqual(df010(COPY_FROM), [
      "The final stage has no USER, so the container runs as root: the COPY on line 2 may write over the base image's entrypoint script docker-entrypoint.sh, so whether it still steps down to redis is not known; add USER redis (the base image's service user, which owns its data; uid 1000 may not).",
    ]);
    assert.deepEqual(df010(PATH_FIRST), [
      "The final stage has no USER, so the container runs as root: the COPY on line 3 may put a docker-entrypoint.sh of its own in a folder that the ENV PATH on line 2 puts on the PATH, where the base image's entrypoint script docker-entrypoint.sh is looked up, so whether it still steps down to redis is not known; add USER redis (the base image's service user, which owns its data; uid 1000 may not).",
    ]);
    assert.deepEqual(df010(ROOT_USER_SED), [
      "The final stage switches to USER root, so the container runs as root: the RUN on line 3 may change the base image's entrypoint script docker-entrypoint.sh, so whether it still steps down to postgres is not known; use USER postgres (the base image's service user, which owns its data; uid 1000 may not).",
    ]);
  });

  it('names it when a wrapper script the context holds execs that entrypoint', () => {
    const files = new Map([
      ['/w/Dockerfile', 'FROM postgres:16-alpine\nRUN sed -i s/su-exec/true/ /usr/local/bin/docker-entrypoint.sh\nCOPY wrapper.sh /usr/local/bin/wrapper.sh\nENTRYPOINT ["wrapper.sh"]\nCMD ["postgres"]\n'],
      ['/w/wrapper.sh', '#!/bin/sh\nset -e\nexec docker-entrypoint.sh "$@"\n'],
    ]);
    assert.deepEqual(messagesOf('DF010', files, '/w/Dockerfile'), [
      "The final stage has no USER, so the container runs as root: the RUN on line 2 may change the base image's entrypoint script docker-entrypoint.sh, so whether it still steps down to postgres is not known; add USER postgres (the base image's service user, which owns its data; uid 1000 may not).",
    ]);
  });

  it('keeps the step-down wording when the image does not reach it for another reason', () => {
    assert.deepEqual(df010(OTHER_COMMAND), [
      "The final stage has no USER, so the container runs as root; add USER redis (the user the base image's entrypoint steps down to only when it runs the server, which owns its data; uid 1000 may not).",
    ]);
  });
});

describe('DC011 says what changes the built Dockerfile\'s base entrypoint script', () => {
  it('names it for the inherited and the redeclared entrypoint, and says "bypasses" only for another command', () => {
    const files = new Map([
      ['/w/compose.yaml', 'services:\n  edited:\n    build: ./sed\n  overwritten:\n    build: ./copy-from\n  shadowed:\n    build: ./path\n  other:\n    build: ./other\n'],
      ['/w/sed/Dockerfile', SED],
      ['/w/copy-from/Dockerfile', COPY_FROM],
      ['/w/path/Dockerfile', PATH_FIRST],
      ['/w/other/Dockerfile', OTHER_COMMAND],
    ]);
    assert.deepEqual(messagesOf('DC011', files, '/w/compose.yaml'), [
      "Service 'edited' has no user: and in the Dockerfile it builds the RUN on line 2 may change the base image's entrypoint script docker-entrypoint.sh, so whether that entrypoint still steps down to its own user redis is not known, and the service is taken to run as root; set USER redis there or user: redis here.",
      "Service 'overwritten' has no user: and in the Dockerfile it builds the COPY on line 2 may write over the base image's entrypoint script docker-entrypoint.sh, so whether that entrypoint still steps down to its own user redis is not known, and the service is taken to run as root; set USER redis there or user: redis here.",
      "Service 'shadowed' has no user: and in the Dockerfile it builds the COPY on line 3 may put a docker-entrypoint.sh of its own in a folder that the ENV PATH on line 2 puts on the PATH, where the base image's entrypoint script docker-entrypoint.sh is looked up, so whether that entrypoint still steps down to its own user redis is not known, and the service is taken to run as root; set USER redis there or user: redis here.",
      "Service 'other' has no user: and the Dockerfile it builds bypasses the entrypoint with which its base image steps down to its own user redis, so it runs as root; set USER redis there or user: redis here.",
    ]);
  });
});

describe('DF010 over a variable FROM whose stages change the entrypoint script at different lines', () => {
  it('reports as before, without naming the line', () => {
    const text = [
      'FROM redis:7.4 AS runtime-amd64',
      'RUN sed -i s/gosu/true/ /usr/local/bin/docker-entrypoint.sh',
      '',
      'FROM redis:7.4 AS runtime-arm64',
      'RUN echo arm64 > /etc/arch',
      'RUN sed -i s/gosu/true/ /usr/local/bin/docker-entrypoint.sh',
      '',
      'FROM runtime-$TARGETARCH',
      'CMD ["redis-server"]',
      '',
    ].join('\n');
    assert.deepEqual(messagesOf('DF010', new Map([['/w/Dockerfile', text]]), '/w/Dockerfile'), [
      "The final stage has no USER, so the container runs as root; add USER redis (the user the base image's entrypoint steps down to only when it runs the server, which owns its data; uid 1000 may not).",
    ]);
  });
});
