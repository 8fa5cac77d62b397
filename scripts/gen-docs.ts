/**
 * Regenerates docs/rules/<CODE>.md, the README's rule table, the config file's schema and package.json's
 * generated parts (activation events, the rules setting: renderPackageJson) from the registry.
 *   npm run docs            write the files
 *   npm run docs -- --check exit 1 when a generated file is stale (the tests do this too)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules } from '../rules';
import { renderConfigSchema, renderPackageJson, renderRuleMarkdown, renderRuleTable } from '../rules/engine/render-docs';

export const ROOT = path.resolve(__dirname, '../..');
const START = '<!-- rules:start -->';
const END = '<!-- rules:end -->';

/** Every generated file and its expected content. */
export function generated(): Map<string, string> {
  const out = new Map<string, string>();
  for (const rule of allRules) out.set(path.join(ROOT, 'docs/rules', `${rule.code}.md`), renderRuleMarkdown(rule));
  out.set(path.join(ROOT, 'schemas', 'docker-guardrails.schema.json'), renderConfigSchema(allRules));
  const pkgPath = path.join(ROOT, 'package.json');
  out.set(pkgPath, renderPackageJson(fs.readFileSync(pkgPath, 'utf8'), allRules));
  const readmePath = path.join(ROOT, 'README.md');
  const readme = fs.readFileSync(readmePath, 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a === -1 || b === -1) throw new Error('README.md lacks the rules:start/rules:end markers');
  out.set(readmePath, readme.slice(0, a + START.length) + '\n' + renderRuleTable(allRules) + '\n' + readme.slice(b));
  return out;
}

/** Generated docs pages that no longer belong to a rule. */
export function orphans(): string[] {
  const dir = path.join(ROOT, 'docs/rules');
  if (!fs.existsSync(dir)) return [];
  const codes = new Set(allRules.map((r) => `${r.code}.md`));
  return fs.readdirSync(dir).filter((f) => f.endsWith('.md') && !codes.has(f)).map((f) => path.join(dir, f));
}

// Only when run as the script itself: a test bundle that imports this file (test/docs.test.ts) is also its process's
// main module, and wrote the stale files before its check compared them (which then always passed).
if (require.main === module && /gen-docs\.[cm]?js$/.test(process.argv[1] ?? '')) {
  const check = process.argv.includes('--check');
  let stale = 0;
  fs.mkdirSync(path.join(ROOT, 'docs/rules'), { recursive: true });
  fs.mkdirSync(path.join(ROOT, 'schemas'), { recursive: true });
  for (const [file, content] of generated()) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (current === content) continue;
    stale++;
    if (check) console.error(`stale: ${path.relative(ROOT, file)}`);
    else fs.writeFileSync(file, content);
  }
  for (const file of orphans()) {
    stale++;
    if (check) console.error(`orphan: ${path.relative(ROOT, file)}`);
    else fs.unlinkSync(file);
  }
  console.log(check ? (stale ? `${stale} generated file(s) stale: run npm run docs` : 'docs up to date') : `docs: ${stale} file(s) written`);
  process.exitCode = check && stale ? 1 : 0;
}
