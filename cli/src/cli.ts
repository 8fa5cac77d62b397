#!/usr/bin/env node
/**
 * docker-guardrails CLI: the same engine as the editor, for CI.
 *   docker-guardrails check [paths…] [--format text|json|sarif] [--fail-on error|warning|info]
 * Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or I/O error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { allRules, analyze, DEFAULT_CONFIG, fileKindOf, type Finding, type Severity } from '../../rules';
import { DiskWorkspace, findFiles, readForAnalysis, type FoundFile } from '../../rules/node/files';
import { formatJson, formatSarif, formatText, type FileResult } from './format';

const USAGE = `Usage: docker-guardrails check [paths…] [options]

Analyzes Dockerfiles and Docker Compose files (directories are walked; node_modules, .git and
files ignored by .gitignore are skipped).

Options:
  --format text|json|sarif   output format (default: text)
  --fail-on error|warning|info
                             exit 1 when a finding at or above this severity exists (default: error)
  --output FILE              write the report to FILE instead of standard output
  -h, --help                 show this help
  --version                  print the version

Exit codes: 0 no finding at or above --fail-on; 1 such findings; 2 usage or I/O error.
`;

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };

export class UsageError extends Error {}

interface Options {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  failOn: Severity;
  output?: string;
}

function parse(argv: string[]): Options | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        'fail-on': { type: 'string', default: 'error' },
        output: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (values.version) return 'version';
  const [command, ...paths] = positionals;
  if (command !== 'check') throw new UsageError(command ? `unknown command '${command}'` : 'missing command');
  const format = values.format as string;
  if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`--format must be text, json or sarif (got '${format}')`);
  const failOn = values['fail-on'] as string;
  if (failOn !== 'error' && failOn !== 'warning' && failOn !== 'info') throw new UsageError(`--fail-on must be error, warning or info (got '${failOn}')`);
  return { paths: paths.length > 0 ? paths : ['.'], format, failOn, output: values.output as string | undefined };
}

/** Resolves the command line's paths to the files to analyze. Throws for a path that does not exist. */
function collect(paths: string[]): FoundFile[] {
  const seen = new Set<string>();
  const out: FoundFile[] = [];
  for (const p of paths) {
    const abs = path.resolve(p);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      throw new Error(`${p}: no such file or directory`);
    }
    const found: FoundFile[] = st.isDirectory() ? findFiles(abs) : [{ path: abs, kind: fileKindOf(abs) ?? guessKind(abs) }];
    for (const f of found) {
      if (seen.has(f.path)) continue;
      seen.add(f.path);
      out.push(f);
    }
  }
  return out;
}

/** A file named explicitly is analyzed even with an unusual name: YAML as compose, anything else as a Dockerfile. */
function guessKind(p: string): FoundFile['kind'] {
  return /\.ya?ml$/i.test(p) ? 'compose' : 'dockerfile';
}

export function run(argv: string[], write: (s: string) => void = (s) => process.stdout.write(s), writeErr: (s: string) => void = (s) => process.stderr.write(s)): number {
  let opts: ReturnType<typeof parse>;
  try {
    opts = parse(argv);
  } catch (e) {
    writeErr(`docker-guardrails: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    write(USAGE);
    return 0;
  }
  if (opts === 'version') {
    write(`${VERSION}\n`);
    return 0;
  }
  let files: FoundFile[];
  try {
    files = collect(opts.paths);
  } catch (e) {
    writeErr(`docker-guardrails: ${(e as Error).message}\n`);
    return 2;
  }
  const workspace = new DiskWorkspace();
  const results: FileResult[] = [];
  const cwd = process.cwd();
  for (const f of files) {
    const read = readForAnalysis(f.path);
    const display = path.relative(cwd, f.path) || f.path;
    if (!read.ok) {
      if (read.reason === 'too-large' || read.reason === 'binary') results.push({ path: f.path, display, findings: [], skipped: read.reason });
      else {
        writeErr(`docker-guardrails: cannot read ${display} (${read.reason})\n`);
        return 2;
      }
      continue;
    }
    const analysis = analyze(allRules, f.kind, f.path, read.text, workspace, DEFAULT_CONFIG);
    for (const failure of analysis.failures) writeErr(`docker-guardrails: internal error in ${failure.code} on ${display}\n`);
    results.push({ path: f.path, display, findings: analysis.findings, suppressed: analysis.suppressed });
  }
  const report = opts.format === 'json' ? formatJson(results) : opts.format === 'sarif' ? formatSarif(results, allRules, VERSION) : formatText(results);
  if (opts.output) {
    try {
      fs.writeFileSync(opts.output, report);
    } catch (e) {
      writeErr(`docker-guardrails: cannot write ${opts.output}: ${(e as Error).message}\n`);
      return 2;
    }
  } else write(report);
  const threshold = RANK[opts.failOn];
  const failing = results.some((r) => r.findings.some((f: Finding) => RANK[f.severity] >= threshold));
  return failing ? 1 : 0;
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

if (require.main === module) {
  let code: number;
  try {
    code = run(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`docker-guardrails: ${(e as Error).message}\n`);
    code = 2;
  }
  // Let stdout drain before exiting (large SARIF reports through a pipe).
  process.exitCode = code;
}
