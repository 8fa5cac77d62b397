/**
 * A known init (tini, dumb-init, catatonit) in front of an official image's own step-down entrypoint script: it forks and
 * execs the program after its own options, so the script still steps down when it runs the server (review51, finding 4).
 * Read through the options each init documents (initProgram); an option it does not document, one that makes it exit,
 * catatonit's pause mode, no program, or an option-like word that a permuting init would read as its own leave what runs
 * not known — DF010 then reports the stage as running as root, as for any ENTRYPOINT it cannot read, and DC011 reports the
 * service.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { initProgram } from '../rules/engine/entrypoint-step-down';
import { viewOf } from './helpers/fixtures';

function findings(code: string, target: string, text: string) {
  const files = new Map([[target, text]]);
  return analyze(allRules, target.endsWith('Dockerfile') ? 'dockerfile' : 'compose', target, text, viewOf(files), DEFAULT_CONFIG).findings.filter((f) => f.code === code);
}

describe('initProgram reads an init through its documented options', () => {
  it('finds the program after the options and --', () => {
    assert.deepEqual(initProgram(['tini', '--', 'docker-entrypoint.sh']), { index: 2 });
    assert.deepEqual(initProgram(['/sbin/tini', '-s', '-g', '-p', 'SIGKILL', '-e', '143', '-v', '--', 'x.sh', '-c']), { index: 9 });
    assert.deepEqual(initProgram(['tini', '-vvv', '-pSIGTERM', '-e143', 'x.sh']), { index: 4 });
    assert.deepEqual(initProgram(['tini-static', '-gs', '--', 'x.sh']), { index: 3 });
    assert.deepEqual(initProgram(['dumb-init', '-c', '-r', '15:2', '--rewrite=2:15', '--rewrite', '1:0', '--verbose', '--single-child', 'x.sh', '-x']), { index: 9 });
    assert.deepEqual(initProgram(['/usr/bin/dumb-init', '-cvr15:2', 'x.sh']), { index: 2 });
    assert.deepEqual(initProgram(['catatonit', '-g', '--', 'x.sh', '-P']), { index: 3 });
    assert.equal(initProgram(['docker-entrypoint.sh', 'postgres']), undefined);
    assert.equal(initProgram([]), undefined);
  });
  it('leaves what runs not known for an option it does not document, one that exits, pause mode or no program', () => {
    for (const words of [
      ['tini', '-x', '--', 'x.sh'],
      ['tini', '-h'],
      ['tini', '-l', 'x.sh'],
      ['tini', '--version'],
      ['tini', '--'],
      ['tini', '-p'],
      ['dumb-init', '--single', 'x.sh'],
      ['dumb-init', '-V', 'x.sh'],
      ['dumb-init', '--verbose=1', 'x.sh'],
      ['catatonit', '-P', 'x.sh'],
      ['catatonit', '-L'],
    ])
      assert.equal(initProgram(words), null, words.join(' '));
  });
  it('leaves it not known when a permuting init (tini, catatonit) would read a later word as its own option', () => {
    assert.equal(initProgram(['tini', 'x.sh', 'redis-server', '--appendonly', 'yes']), null);
    assert.equal(initProgram(['catatonit', 'x.sh', '-c', 'y']), null);
    // With `--`, or for dumb-init, which stops at the first operand ("+hvVcr:"), they are the program's.
    assert.deepEqual(initProgram(['tini', '--', 'x.sh', '--appendonly', 'yes']), { index: 2 });
    assert.deepEqual(initProgram(['dumb-init', 'x.sh', '--appendonly', 'yes']), { index: 1 });
    assert.deepEqual(initProgram(['tini', 'x.sh', 'redis-server', '-']), { index: 1 });
  });
});

describe('DF010 over an init in front of the base image\'s own entrypoint', () => {
  const df010 = (entrypoint: string, cmd = '["postgres"]') => findings('DF010', '/w/Dockerfile', `FROM postgres:16\nENTRYPOINT ${entrypoint}\nCMD ${cmd}\n`).map((f) => f.severity);

  it('keeps the step-down (info) through a known init and its options', () => {
    for (const ep of ['["tini", "--", "docker-entrypoint.sh"]', '["/usr/bin/dumb-init", "--", "docker-entrypoint.sh"]', '["/usr/bin/tini", "-g", "--", "docker-entrypoint.sh"]', '["catatonit", "--", "/usr/local/bin/docker-entrypoint.sh"]', '["dumb-init", "docker-entrypoint.sh"]'])
      assert.deepEqual(df010(ep), ['info'], ep);
    assert.deepEqual(df010('["tini", "--"]', '["docker-entrypoint.sh", "postgres"]'), ['info']);
  });
  it('reports it as root (warning) when what the init runs is not known or not the server', () => {
    for (const ep of ['["tini", "-x", "--", "docker-entrypoint.sh"]', '["tini", "-h", "docker-entrypoint.sh"]', '["catatonit", "-P", "docker-entrypoint.sh"]', '["dumb-init", "--setsid", "docker-entrypoint.sh"]'])
      assert.deepEqual(df010(ep), ['warning'], ep);
    assert.deepEqual(df010('["tini", "docker-entrypoint.sh"]', '["postgres", "-c", "fsync=off"]'), ['warning']);
    assert.deepEqual(df010('["tini", "--", "docker-entrypoint.sh"]', '["psql"]'), ['warning']);
  });
});

describe('DC011 over an init in front of the image\'s own entrypoint', () => {
  const dc011 = (entrypoint: string, command = '["postgres"]') => findings('DC011', '/w/compose.yaml', `services:\n  db:\n    image: postgres:16\n    entrypoint: ${entrypoint}\n    command: ${command}\n`).length;

  it('keeps the step-down through a known init', () => {
    assert.equal(dc011('["tini", "--", "docker-entrypoint.sh"]'), 0);
    assert.equal(dc011('["/usr/bin/dumb-init", "-c", "--", "docker-entrypoint.sh"]'), 0);
    assert.equal(dc011('["tini", "--"]', '["docker-entrypoint.sh", "postgres"]'), 0);
  });
  it('reports it when the init is not read or the command is not the server', () => {
    assert.equal(dc011('["tini", "-x", "--", "docker-entrypoint.sh"]'), 1);
    assert.equal(dc011('["tini", "docker-entrypoint.sh"]', '["postgres", "-c", "fsync=off"]'), 1);
    assert.equal(dc011('["tini", "--", "docker-entrypoint.sh"]', '["sh", "-c", "postgres"]'), 1);
  });
});
