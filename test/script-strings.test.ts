/**
 * stringScriptsOf reads the quoted script of a shell a RUN starts. Its pre-check (a text that may hold `-c` or
 * `--command`) skips the RUNs without one: every way of writing the option that the reading accepts must pass it.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { DockerfileContext } from '../rules/engine/dockerfile';
import { stringScriptsOf } from '../rules/engine/script-strings';
import { DEFAULT_OPTIONS, type WorkspaceView } from '../rules/engine/types';

const workspace = { readText: () => undefined, exists: () => false, listDir: () => [] } as unknown as WorkspaceView;

function strings(run: string): string[] {
  const ctx = new DockerfileContext('/w/Dockerfile', `FROM debian:12\n${run}\n`, workspace, DEFAULT_OPTIONS);
  return ctx.runs().flatMap((r) => stringScriptsOf(r).map((s) => s.source.text));
}

describe('stringScriptsOf: the ways of writing a shell option that starts a script string', () => {
  const read: [string, string][] = [
    ['RUN sh -c "apt-get update"', 'plain -c'],
    ['RUN bash -lc "apt-get update"', 'a cluster ending in c'],
    ['RUN bash -cx "apt-get update"', 'a cluster starting with c'],
    ['RUN bash -euxo pipefail -c "apt-get update"', 'after -o and its value'],
    ['RUN bash -euxc "apt-get update"', 'a long cluster'],
    ['RUN sh "-c" "apt-get update"', 'the option quoted'],
    ["RUN sh '-c' 'apt-get update'", 'the option single-quoted'],
    ['RUN sh -e"c" "apt-get update"', 'a quote inside the option'],
    ['RUN sh \\-c "apt-get update"', 'an escaped dash'],
    ['RUN sh ""-c "apt-get update"', 'an empty string before the option'],
    ['RUN sh -"e"c "apt-get update"', 'a quoted letter inside the cluster'],
    ['RUN su -c "apt-get update"', 'su -c'],
    ['RUN su app -c "apt-get update"', 'su with a user'],
    ['RUN su --command "apt-get update"', "su's --command"],
    ['RUN su -lc "apt-get update"', 'su -lc'],
    ['RUN su "--command" "apt-get update"', "su's --command quoted"],
    ["RUN su --com'mand' \"apt-get update\"", "su's --command with a quote inside"],
    ['RUN sudo -u app sh -c "apt-get update"', 'through sudo'],
    ['RUN set -e; sh -c "apt-get update"', 'a later command'],
    ['RUN true &&\tsh\t-c\t"apt-get update"', 'tabs'],
    ['RUN <<EOF\nsh -c "apt-get update"\nEOF', 'a heredoc script'],
    ['RUN ["/bin/sh", "-c", "bash -c \'apt-get update\'"]', 'an exec-form shell'],
  ];
  for (const [run, what] of read) {
    it(`reads ${what}: ${run.replace(/\n/g, '⏎')}`, () => {
      assert.deepEqual(strings(run), ['apt-get update']);
    });
  }
  const none: [string, string][] = [
    ['RUN apt-get install --no-cache curl', 'no shell'],
    ['RUN pip install --no-cache-dir x && tar -xzcf a.tgz b', 'options with c of other programs'],
    ['RUN sh script.sh -c "apt-get update"', 'a script file given'],
  ];
  for (const [run, what] of none) {
    it(`reads none: ${what}`, () => {
      assert.deepEqual(strings(run), []);
    });
  }
});
