/**
 * The workspace config file, `.docker-guardrails.yaml` (or `.yml`): the nearest one in the file's
 * directory or above wins, like `.hadolint.yaml`. The editor and the CLI read the same file.
 *
 * Precedence (documented in the README): the config file wins over VS Code settings for every key
 * it sets; settings fill in the keys it does not set. The file is what CI uses, so the editor gives
 * the answers CI will give.
 */
import * as path from 'node:path';
import { parseDocument, type Node } from 'yaml';
import { LineIndex } from './text';
import { isMap, isScalar, isSeq } from './yaml-guards';
import { SEVERITIES, type Range, type RuleOptions, type SeveritySetting, type WorkspaceView } from './types';
import { CONFIG_INVALID_CODE } from './analyze';
import { globProblem } from './scope';

export const CONFIG_FILE_NAMES = ['.docker-guardrails.yaml', '.docker-guardrails.yml'];

/** What a config file may set; every key optional. */
export interface ConfigFile {
  rules?: Record<string, SeveritySetting>;
  trustedRegistries?: string[];
  productionGlobs?: string[];
  resourceLimits?: { memory?: string; cpus?: string; pids?: number };
  maxFileSize?: number;
  include?: string[];
  exclude?: string[];
}

export interface ConfigProblem {
  message: string;
  range: Range;
}

export interface LoadedConfig {
  path: string;
  config: ConfigFile;
  problems: ConfigProblem[];
}

/**
 * The limits the DC020/DC021 fixes write, as Compose reads them (`deploy.resources.limits`, `pids_limit`):
 * a memory size (bytes, or with a unit b/k/m/g: `512m`, `1.5g`) and a number of CPUs, both above zero (zero
 * means no limit to Docker), and a whole number of processes above zero. The config file and the editor's
 * settings are checked alike.
 */
export function isMemoryLimit(value: string): boolean {
  return /^\d+(?:\.\d+)?[bkmg]?$/i.test(value) && parseFloat(value) > 0;
}
export function isCpuLimit(value: string): boolean {
  return /^\d+(?:\.\d+)?$/.test(value) && parseFloat(value) > 0;
}
export function isPidsLimit(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/**
 * Settings of the editor that a file in the repository may not set, and why (a line copied from VS Code's
 * settings otherwise read as an unknown key: review 41a, F9.5).
 */
const EDITOR_ONLY: Record<string, string> = {
  registry:
    '`registry` (`registry.lookups`) is a VS Code setting only: a file in the repository cannot make the tool call image registries (in CI, `check --fix --registry-lookups` asks for them). Remove the key.',
  enable: '`enable` is a VS Code setting only; in this file turn rules off one by one under `rules:` (`DF010: off`). Remove the key.',
  eol:
    '`eol` (`eol.date`, the analysis date of the end-of-life rules) is a VS Code setting only, and `--eol-date` the CLI\'s option: a date written in the repository would keep DF005/DC004 from ever reporting a line that ends after it, for everyone. Remove the key.',
};

/**
 * The smallest `maxFileSize` the config file and the editor setting accept (review 46b, finding 9: the setting's schema said
 * 1024, the config file took any positive number, and `maxFileSize: 1` committed to a repository silenced every rule).
 */
export const MIN_MAX_FILE_SIZE = 1024;

const KEYS = new Set(['rules', 'trustedRegistries', 'productionGlobs', 'resourceLimits', 'maxFileSize', 'include', 'exclude']);

/**
 * A key as a problem quotes it: only when it reads as a key (a name or rule code, short). Anything else
 * is not quoted: a file given as the config that is not one (`--config .env`) would have its lines,
 * secret values included, printed in the error (review 39, item 5).
 */
export function keyLike(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.-]{0,39}$/.test(key);
}

/**
 * A YAML error's message, without the text it may quote from the file: the source of a token the lexer
 * did not read (`Not a YAML token: …`, which the composer repeats in quotes), a block scalar header's
 * extra characters, a tag that is not a name.
 */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0].replace(/: "(?:[^"\\]|\\.)*"$/, '');
  const quoted = /^(Not a YAML token|Block scalar header includes extra characters|Unresolved tag): (.*)$/.exec(first);
  if (!quoted) return first;
  return quoted[1] === 'Unresolved tag' && keyLike(quoted[2].replace(/^!+/, '')) ? first : quoted[1];
}

/** Parses a config file's text. Never throws: problems are returned with their ranges. */
export function parseConfig(filePath: string, text: string, knownCodes: ReadonlySet<string>): LoadedConfig {
  const problems: ConfigProblem[] = [];
  // Positions as the editor counts them, inside the text: an error at the end of the file is reported at its end
  // (the parser's offsets may run past it: `rules: [` at the last line; review 40c, item 4).
  const lines = new LineIndex(text);
  const rangeOf = (node: Node | null | undefined): Range => {
    const r = node?.range;
    if (!r) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return lines.rangeOf(r[0], r[1]);
  };
  const config: ConfigFile = {};
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors) problems.push({ message: `Invalid YAML: ${yamlMessage(e.message)}`, range: lines.rangeOf(e.pos[0], e.pos[1]) });
  // A syntax error is reported, and what the parser recovered around it still applies (DG002: "the
  // parts of the file that are valid still apply"): typing `DF003: [` must not drop the whole file.
  const root = doc.contents as Node | null;
  if (root === null || (isScalar(root) && root.value === null)) return { path: filePath, config, problems };
  if (!isMap(root)) {
    problems.push({ message: 'The config file must be a mapping (e.g. `rules: { DF010: error }`).', range: rangeOf(root) });
    return { path: filePath, config, problems };
  }
  // A key whose entries are all commented out (`exclude:` then `#  - vendor/**`) holds null: empty, not an error
  // (review 45d, item 9).
  const isNull = (node: Node | null) => node === null || (isScalar(node) && node.value === null);
  const strings = (node: Node | null, key: string): string[] | undefined => {
    if (isNull(node)) return [];
    if (!isSeq(node) || !node.items.every((i) => isScalar(i) && typeof i.value === 'string')) {
      problems.push({ message: `\`${key}\` must be a list of strings.`, range: rangeOf(node) });
      return undefined;
    }
    return node.items.map((i) => String((i as { value: unknown }).value));
  };
  for (const pair of root.items) {
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const value = pair.value as Node | null;
    if (Object.hasOwn(EDITOR_ONLY, key)) {
      problems.push({ message: EDITOR_ONLY[key], range: rangeOf(keyNode) });
      continue;
    }
    if (!KEYS.has(key)) {
      const what = keyLike(key) ? `Unknown key \`${key}\`` : 'A key that is not a name (its text is not shown)';
      problems.push({ message: `${what}; known keys: ${[...KEYS].join(', ')}.`, range: rangeOf(keyNode) });
      continue;
    }
    switch (key) {
      case 'rules': {
        if (isNull(value)) {
          config.rules = {};
          break;
        }
        if (!isMap(value)) {
          problems.push({ message: '`rules` must map rule codes to a severity, e.g. `rules: { DF010: off }`.', range: rangeOf(value ?? keyNode) });
          break;
        }
        const rules: Record<string, SeveritySetting> = {};
        for (const p of value.items) {
          const codeNode = p.key as Node | null;
          const code = isScalar(codeNode) ? String(codeNode.value).toUpperCase() : '';
          const sevNode = p.value as Node | null;
          const sev = isScalar(sevNode) ? String(sevNode.value) : '';
          if (!knownCodes.has(code)) {
            const written = isScalar(codeNode) ? String(codeNode.value) : '';
            problems.push({ message: keyLike(written) ? `\`${written}\` is not a Docker Guardrails rule code.` : 'A key under `rules` that is not a rule code (its text is not shown); keys are rule codes such as DF010.', range: rangeOf(codeNode) });
            continue;
          }
          // DG002 is not set here: a config file's problems are always reported, so the entry does nothing (review 45d,
          // item 11; the rules setting says the same in the output channel).
          if (code === CONFIG_INVALID_CODE) {
            problems.push({ message: `The severity of ${code} is not set in \`rules\`: a config file's problems are always reported. Remove the entry.`, range: rangeOf(codeNode) });
            continue;
          }
          if (sev !== 'off' && !(SEVERITIES as readonly string[]).includes(sev)) {
            problems.push({ message: `Severity of ${code} must be one of error, warning, info, hint, off.`, range: rangeOf(sevNode ?? codeNode) });
            continue;
          }
          rules[code] = sev as SeveritySetting;
        }
        config.rules = rules;
        break;
      }
      case 'trustedRegistries':
      case 'productionGlobs':
      case 'include':
      case 'exclude': {
        const list = strings(value, key);
        if (list) config[key] = list;
        // A glob minimatch reads otherwise than meant (an unclosed `[`…) is applied as read, and said so on its entry.
        if (list && key !== 'trustedRegistries' && isSeq(value)) {
          value.items.forEach((item, i) => {
            const problem = globProblem(list[i], key !== 'productionGlobs');
            if (problem) problems.push({ message: `This \`${key}\` glob ${problem}`, range: rangeOf(item as Node) });
          });
        }
        break;
      }
      case 'maxFileSize': {
        if (!isScalar(value) || typeof value.value !== 'number' || !(value.value >= MIN_MAX_FILE_SIZE)) problems.push({ message: `\`maxFileSize\` must be a number of bytes, at least ${MIN_MAX_FILE_SIZE}, as for the dockerGuardrails.maxFileSize setting (a smaller cap leaves every file unanalyzed).`, range: rangeOf(value ?? keyNode) });
        else config.maxFileSize = value.value;
        break;
      }
      case 'resourceLimits': {
        if (isNull(value)) {
          config.resourceLimits = {};
          break;
        }
        if (!isMap(value)) {
          problems.push({ message: '`resourceLimits` must be a mapping with `memory`, `cpus` and/or `pids`.', range: rangeOf(value ?? keyNode) });
          break;
        }
        const limits: NonNullable<ConfigFile['resourceLimits']> = {};
        for (const p of value.items) {
          const k = isScalar(p.key) ? String(p.key.value) : '';
          const v = p.value as Node | null;
          if (k === 'memory' && isScalar(v) && isMemoryLimit(String(v.value))) limits.memory = String(v.value);
          else if (k === 'cpus' && isScalar(v) && isCpuLimit(String(v.value))) limits.cpus = String(v.value);
          else if (k === 'pids' && isScalar(v) && isPidsLimit(v.value)) limits.pids = v.value;
          else problems.push({ message: `${keyLike(k) ? `\`resourceLimits.${k}\`` : 'A key of `resourceLimits` (its text is not shown)'} is not valid (memory like "512m", cpus like "0.5", pids a positive whole number).`, range: rangeOf((p.key as Node) ?? v) });
        }
        config.resourceLimits = limits;
        break;
      }
    }
  }
  return { path: filePath, config, problems };
}

/**
 * The nearest config file for a file: its directory, then each parent (bounded), within `roots` when given, and
 * never above the repository root (the first folder up that holds `.git`, a folder or a file), as git looks for
 * `.gitignore` files: a config in a runner's home or a shared parent folder does not change a repository's results
 * unseen (review 45d, item 4). `isLink` tells a config that is a symbolic link, for a view that does not see links.
 */
export function findConfigPath(ws: WorkspaceView, filePath: string, roots?: string[], isLink?: (p: string) => boolean): string | undefined {
  let dir = path.dirname(filePath);
  for (let i = 0; i < 64; i++) {
    for (const name of CONFIG_FILE_NAMES) {
      const p = path.join(dir, name);
      // A symbolic link is the config of its folder, which the caller does not follow (a view that hides links would
      // otherwise let a config further up apply: review 45d, item 5).
      if (isLink?.(p) || ws.exists(p)) return p;
    }
    if (roots && roots.some((r) => dir === r)) return undefined;
    if (ws.exists(path.join(dir, '.git'))) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

/** Rule options with a config file's values applied. */
export function applyConfigOptions(base: RuleOptions, file: ConfigFile): RuleOptions {
  return {
    ...base,
    ...(file.trustedRegistries ? { trustedRegistries: file.trustedRegistries } : {}),
    ...(file.productionGlobs ? { productionGlobs: file.productionGlobs } : {}),
    ...(file.resourceLimits?.memory ? { defaultMemoryLimit: file.resourceLimits.memory } : {}),
    ...(file.resourceLimits?.cpus ? { defaultCpuLimit: file.resourceLimits.cpus } : {}),
    ...(file.resourceLimits?.pids ? { defaultPidsLimit: file.resourceLimits.pids } : {}),
  };
}
