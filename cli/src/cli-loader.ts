#!/usr/bin/env node
/**
 * dist/cli.js, the `docker-guardrails` command: loads the CLI's bundle (dist/cli-main.js, built
 * from cli.ts) with the code cache the build made for it, and runs it. Without a usable cache
 * (none was built, another Node, a rebuilt bundle) the bundle is compiled as usual: the cache only
 * saves time, never changes what runs. code-cache.ts says how and why.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CODE_CACHE, loadBundle, MAIN_BUNDLE, readCodeCache } from './code-cache';

const file = path.join(__dirname, MAIN_BUNDLE);
const bytes = fs.readFileSync(file);
const { exports } = loadBundle(file, bytes.toString('utf8'), readCodeCache(path.join(__dirname, CODE_CACHE), bytes));
(exports.main as () => void)();
