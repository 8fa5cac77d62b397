/**
 * DC033 remembers which production glob a path matches per options object (globMatching's answers): an answer must
 * follow the options it was read with, never a path's earlier answer under other globs or another base.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_OPTIONS } from '../rules';
import type { RuleOptions } from '../rules/engine/types';
import { viewOf } from './helpers/fixtures';

const PORTS = 'services:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n    ports: ["127.0.0.1:8080:8080"]\n';

const dc033 = (file: string, options: RuleOptions) =>
  analyze(allRules, 'compose', file, PORTS, viewOf(new Map([[file, PORTS]])), { rules: {}, options }).findings.filter((f) => f.code === 'DC033').map((f) => f.message);

describe('DC033: remembered glob answers follow the options', () => {
  it('another options object with other globs gets its own answer for the same path', () => {
    const prod: RuleOptions = { ...DEFAULT_OPTIONS, eolDate: null };
    const none: RuleOptions = { ...DEFAULT_OPTIONS, productionGlobs: ['*.staging.*'], eolDate: null };
    assert.equal(dc033('/p/compose.prod.yaml', prod).length, 1);
    assert.equal(dc033('/p/compose.prod.yaml', none).length, 0);
    assert.equal(dc033('/p/compose.prod.yaml', prod).length, 1);
  });

  it('the same options object given other globs, or another base, is matched again', () => {
    const options: RuleOptions = { ...DEFAULT_OPTIONS, eolDate: null };
    assert.equal(dc033('/q/compose.prod.yaml', options).length, 1);
    options.productionGlobs = ['*.staging.*'];
    assert.equal(dc033('/q/compose.prod.yaml', options).length, 0);
    options.productionGlobs = ['deploy/*.yaml'];
    options.productionGlobsBase = '/q';
    assert.equal(dc033('/q/deploy/a.yaml', options).length, 1);
    options.productionGlobsBase = '/elsewhere';
    assert.equal(dc033('/q/deploy/a.yaml', options).length, 0);
  });

  it('the message names the glob of these options', () => {
    const first: RuleOptions = { ...DEFAULT_OPTIONS, productionGlobs: ['*.prod.*'], eolDate: null };
    const second: RuleOptions = { ...DEFAULT_OPTIONS, productionGlobs: ['compose.*.yaml'], eolDate: null };
    assert.match(dc033('/r/compose.prod.yaml', first)[0], /matches '\*\.prod\.\*'/);
    assert.match(dc033('/r/compose.prod.yaml', second)[0], /matches 'compose\.\*\.yaml'/);
  });
});
