/**
 * Preloaded into the language server (and the CLI) by test/containment.test.ts with `node --require`:
 * records every attempt to open a network socket, start a process, or read a file, as JSON lines in
 * the file named by DG_CONTAIN_LOG. Calls still go through (the test asserts on the record).
 */
/* global require, process, URL, Buffer */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload for `node --require` */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const LOG = process.env.DG_CONTAIN_LOG;
const append = fs.appendFileSync.bind(fs);
let busy = false;
function record(kind, what, detail) {
  // Writing the record goes through fs itself: do not record (or recurse into) our own calls.
  if (!LOG || busy) return;
  busy = true;
  try {
    append(LOG, JSON.stringify({ kind, what, detail: detail === undefined ? undefined : String(detail).slice(0, 500), pid: process.pid }) + '\n');
  } catch {
    /* never break the process under test */
  } finally {
    busy = false;
  }
}
function wrap(obj, name, kind, describe) {
  const orig = obj && obj[name];
  if (typeof orig !== 'function') return;
  obj[name] = function (...args) {
    let detail;
    try {
      detail = describe ? describe(...args) : undefined;
    } catch {
      detail = '?';
    }
    record(kind, name, detail);
    return orig.apply(this, args);
  };
}
const arg0 = (a) => (typeof a === 'object' && a !== null ? JSON.stringify(a) : a);
const pathOf = (p) => (typeof p === 'number' ? `fd:${p}` : p instanceof URL ? p.pathname : Buffer.isBuffer(p) ? p.toString() : String(p));

// Network: outgoing connections, servers, UDP, HTTP(S)/2 clients.
const net = require('node:net');
wrap(net.Socket.prototype, 'connect', 'network', arg0);
wrap(net, 'createServer', 'network');
wrap(net, 'connect', 'network', arg0);
wrap(net, 'createConnection', 'network', arg0);
wrap(net.Server.prototype, 'listen', 'network', arg0);
const dgram = require('node:dgram');
wrap(dgram, 'createSocket', 'network', arg0);
for (const mod of ['node:http', 'node:https']) {
  const m = require(mod);
  wrap(m, 'request', 'network', arg0);
  wrap(m, 'get', 'network', arg0);
  wrap(m, 'createServer', 'network');
}
wrap(require('node:http2'), 'connect', 'network', arg0);
wrap(require('node:tls'), 'connect', 'network', arg0);
const dns = require('node:dns');
wrap(dns, 'lookup', 'network', arg0);
wrap(dns, 'resolve', 'network', arg0);
if (typeof globalThis.fetch === 'function') {
  const f = globalThis.fetch;
  globalThis.fetch = function (...args) {
    record('network', 'fetch', arg0(args[0]));
    return f.apply(this, args);
  };
}

// Processes.
const cp = require('node:child_process');
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) wrap(cp, name, 'process', (cmd, a) => `${cmd} ${Array.isArray(a) ? a.join(' ') : ''}`);
const workers = require('node:worker_threads');
if (workers.Worker) {
  const W = workers.Worker;
  workers.Worker = class extends W {
    constructor(file, opts) {
      record('worker', 'Worker', pathOf(file));
      super(file, opts);
    }
  };
}

// File reads (and directory listings, and existence checks, recorded apart).
for (const name of ['readFileSync', 'openSync', 'readdirSync', 'createReadStream', 'readFile', 'open', 'readdir', 'opendirSync', 'opendir', 'realpathSync', 'readlinkSync']) wrap(fs, name, 'read', (p) => pathOf(p));
for (const name of ['readFile', 'open', 'readdir', 'opendir']) wrap(fs.promises, name, 'read', (p) => pathOf(p));
for (const name of ['statSync', 'lstatSync', 'existsSync', 'accessSync', 'stat', 'lstat', 'access']) wrap(fs, name, 'stat', (p) => pathOf(p));
for (const name of ['writeFileSync', 'writeFile', 'mkdirSync', 'rmSync', 'unlinkSync', 'renameSync']) wrap(fs, name, 'write', (p) => pathOf(p));

record('preload', 'loaded', path.basename(process.argv[1] || ''));
