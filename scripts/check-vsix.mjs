// Checks the packaged .vsix: under 2 MB, and only the bundles, README, LICENSE and the manifest.
//   node scripts/check-vsix.mjs [file.vsix]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

const file = process.argv[2] ?? 'docker-guardrails.vsix';
const size = fs.statSync(file).size;
const listing = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n');
const allowed = new Set(['extension.vsixmanifest', '[Content_Types].xml', 'extension/package.json', 'extension/readme.md', 'extension/LICENSE.txt', 'extension/dist/extension.js', 'extension/dist/server.js', 'extension/schemas/docker-guardrails.schema.json']);
const unexpected = listing.filter((f) => !allowed.has(f));
const missing = [...allowed].filter((f) => !listing.includes(f));
console.log(`${file}: ${(size / 1024).toFixed(1)} KiB, ${listing.length} files`);
if (size >= 2 * 1024 * 1024) console.error(`too large: ${size} bytes (limit 2 MB)`);
if (unexpected.length) console.error(`unexpected files: ${unexpected.join(', ')}`);
if (missing.length) console.error(`missing files: ${missing.join(', ')}`);
process.exitCode = size < 2 * 1024 * 1024 && !unexpected.length && !missing.length ? 0 : 1;
