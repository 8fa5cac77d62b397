/**
 * One reading of a compose service's `build.args` (build-args.ts, buildArgsOf / fromWithArgs) for the image a
 * FROM names: the uses of an image another Dockerfile builds on (image-uses.ts, read by DF020/DF030/DF034/DF035
 * fixes) read it as DC004 and the base image of a build (builtBaseLoose) do. Each case is one where image-uses'
 * own reading answered otherwise.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { createContext, DEFAULT_CONFIG, type FileSet } from '../rules';
import type { ComposeContext } from '../rules/engine/compose';
import type { DockerfileContext } from '../rules/engine/dockerfile';
import { imageUses } from '../rules/engine/image-uses';
import { builtBaseLoose } from '../rules/engine/service-image';
import { viewOf } from './helpers/fixtures';

const BASE_DOCKERFILE = 'FROM python:3.13-slim\nENV APP_SIGNING_KEY=sk-0f9e8d7c6b5a4f3e2d1c\nUSER 1000\n';

/** The services whose build is based on the image `base` builds (`image: acme/base:dev`), and whether something could not be read. */
function builtOn(root: string, extra: Record<string, string>): { builtOn: string[]; unknown: boolean } {
  const files: FileSet = new Map([[`${root}/base/Dockerfile`, BASE_DOCKERFILE], ...Object.entries(extra).map(([k, v]) => [`${root}/${k}`, v] as [string, string])]);
  const ctx = createContext('dockerfile', `${root}/base/Dockerfile`, BASE_DOCKERFILE, viewOf(files, root), DEFAULT_CONFIG.options) as DockerfileContext;
  const uses = imageUses(ctx, ctx.stages[0]);
  return { builtOn: [...new Set(uses.builtOn.map((u) => u.service.name))], unknown: uses.unknown };
}

const BASE_SERVICE = 'services:\n  base:\n    build: ./base\n    image: acme/base:dev\n';

describe('image-uses reads build.args as buildArgsOf does', () => {
  it('args a `<<` merge key brings in are passed (they were not read: the FROM kept its default)', () => {
    const r = builtOn('/u1', {
      'compose.yaml': `x-args: &args\n  BASE_IMAGE: acme/base:dev\n${BASE_SERVICE}  reporter:\n    build:\n      context: ./reporter\n      args:\n        <<: *args\n`,
      'reporter/Dockerfile': 'ARG BASE_IMAGE=python:3.13-slim\nFROM ${BASE_IMAGE}\n',
    });
    assert.deepEqual(r, { builtOn: ['reporter'], unknown: false });
  });

  it('an arg written without a value takes the .env value (it stood for any text)', () => {
    const r = builtOn('/u2', {
      'compose.yaml': `${BASE_SERVICE}  reporter:\n    build:\n      context: ./reporter\n      args:\n        - BASE_IMAGE\n`,
      '.env': 'BASE_IMAGE=python:3.13-slim\n',
      'reporter/Dockerfile': 'ARG BASE_IMAGE=acme/base:dev\nFROM ${BASE_IMAGE}\n',
    });
    assert.deepEqual(r, { builtOn: [], unknown: false });
  });

  it('an arg written without a value that the .env does not set may be any value, or none (the default)', () => {
    const r = builtOn('/u2b', {
      'compose.yaml': `${BASE_SERVICE}  reporter:\n    build:\n      context: ./reporter\n      args:\n        BASE_IMAGE:\n`,
      'reporter/Dockerfile': 'ARG BASE_IMAGE=python:3.13-slim\nFROM ${BASE_IMAGE}\n',
    });
    assert.deepEqual(r, { builtOn: ['reporter'], unknown: false });
  });

  it('an empty value replaces the default (BuildKit), it does not fall back to it', () => {
    const r = builtOn('/u3', {
      'compose.yaml': `${BASE_SERVICE}  reporter:\n    build:\n      context: ./reporter\n      args:\n        BASE_IMAGE: ""\n`,
      'reporter/Dockerfile': 'ARG BASE_IMAGE=acme/base:dev\nFROM ${BASE_IMAGE}\n',
    });
    assert.deepEqual(r, { builtOn: [], unknown: false });
  });

  it("a global ARG's default reads another arg the build passes", () => {
    const r = builtOn('/u4', {
      'compose.yaml': `${BASE_SERVICE}  reporter:\n    build:\n      context: ./reporter\n      args:\n        OWNER: acme\n`,
      'reporter/Dockerfile': 'ARG OWNER=library\nARG BASE_IMAGE=${OWNER}/base:dev\nFROM ${BASE_IMAGE}\n',
    });
    assert.deepEqual(r, { builtOn: ['reporter'], unknown: false });
  });

  it('`${VAR:+word}` gives the word when the arg is passed', () => {
    const r = builtOn('/u5', {
      'compose.yaml': `${BASE_SERVICE}  reporter:\n    build:\n      context: ./reporter\n      args:\n        LOCAL: "1"\n`,
      'reporter/Dockerfile': 'ARG LOCAL\nFROM ${LOCAL:+acme/base:dev}\n',
    });
    assert.deepEqual(r, { builtOn: ['reporter'], unknown: false });
  });

  it('args inherited through `extends:` are read (every variable stood for any text)', () => {
    const r = builtOn('/u6', {
      'compose.yaml': `${BASE_SERVICE}  reporter-base:\n    build:\n      context: ./reporter\n      args:\n        BASE_IMAGE: python:3.13-slim\n  reporter:\n    extends: reporter-base\n`,
      'reporter/Dockerfile': 'ARG BASE_IMAGE=acme/base:dev\nFROM ${BASE_IMAGE}\n',
    });
    assert.deepEqual(r, { builtOn: [], unknown: false });
  });

  it("the default override's build.args are merged over the service's (the override's service builds the default file's Dockerfile)", () => {
    const r = builtOn('/u7', {
      'compose.yaml': `${BASE_SERVICE}  reporter:\n    build: ./reporter\n`,
      'compose.override.yaml': 'services:\n  reporter:\n    build:\n      args:\n        BASE_IMAGE: acme/base:dev\n',
      'reporter/Dockerfile': 'ARG BASE_IMAGE=python:3.13-slim\nFROM ${BASE_IMAGE}\n',
    });
    assert.deepEqual(r, { builtOn: ['reporter'], unknown: false });
  });
});

/** The base image builtBaseLoose reads for a compose file's service `app` (text and whether the tag is known). */
function baseOf(root: string, files: Record<string, string>): string | null {
  const set: FileSet = new Map(Object.entries(files).map(([k, v]) => [`${root}/${k}`, v] as [string, string]));
  const ctx = createContext('compose', `${root}/compose.yaml`, files['compose.yaml'], viewOf(set, root), DEFAULT_CONFIG.options) as ComposeContext;
  const loose = builtBaseLoose(ctx, ctx.services.find((s) => s.name === 'app')!);
  return loose ? `${loose.ref.text}${loose.tagKnown ? '' : ' (tag unknown)'}` : null;
}

describe('the base image of a build reads the same args', () => {
  it('`- PG_MAJOR` with the .env setting it builds on that value (it was unknown)', () => {
    assert.equal(baseOf('/b1', {
      'compose.yaml': 'services:\n  app:\n    build:\n      context: .\n      args:\n        - PG_MAJOR\n',
      '.env': 'PG_MAJOR=17\n',
      Dockerfile: 'ARG PG_MAJOR=15\nFROM postgres:${PG_MAJOR}\n',
    }), 'postgres:17');
  });

  it('args merged with `<<` are passed', () => {
    assert.equal(baseOf('/b2', {
      'compose.yaml': 'x-pg: &pg\n  PG_MAJOR: "17"\nservices:\n  app:\n    build:\n      context: .\n      args:\n        <<: *pg\n',
      Dockerfile: 'ARG PG_MAJOR=15\nFROM postgres:${PG_MAJOR}\n',
    }), 'postgres:17');
  });
});
