/** Renders the rules' documentation (docs pages, README table, CLI --explain) from the registry. */
import { CONFIG_INVALID_CODE, severityCodes } from './analyze';
import { NAME_GLOBS } from './file-names';
import { MIN_MAX_FILE_SIZE } from './config';
import type { Rule } from './rule';

const SEVERITY_LABEL = { error: 'error', warning: 'warning', info: 'info', hint: 'hint' } as const;

function fence(text: string, lang: string): string {
  return '```' + lang + '\n' + text.replace(/\n$/, '') + '\n```';
}

/**
 * The first sentence of a docs text: up to the first `.` that ends a sentence, i.e. one followed by white space
 * and outside a code span (`` `COPY . …` `` ends none: review 44c, item 7, where the README row of DR003 stopped
 * inside the span). The whole text when no such `.` comes.
 */
export function firstSentence(text: string): string {
  let ticks = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '`') ticks++;
    else if (c === '.' && ticks % 2 === 0 && /\s/.test(text[i + 1] ?? '')) return text.slice(0, i + 1);
  }
  return text;
}

/** The language of a rule page's example fences: the docs' own `exampleLang`, else the rule's file kind's. */
export function exampleLang(rule: Rule): string {
  return rule.docs.exampleLang ?? (rule.kind === 'dockerfile' ? 'dockerfile' : 'yaml');
}

export function renderRuleMarkdown(rule: Rule): string {
  const d = rule.docs;
  const lang = exampleLang(rule);
  const file = rule.kind === 'dockerfile' ? 'Dockerfile' : rule.kind === 'compose' ? 'Compose file' : 'Dockerfile and Compose file';
  const fix = rule.fixable === 'never' ? 'no' : rule.fixable === 'always' ? 'yes' : 'in some cases';
  return [
    `# ${rule.code} ${rule.name}`,
    '',
    `| | |`,
    `|---|---|`,
    `| File | ${file} |`,
    `| Default severity | ${SEVERITY_LABEL[rule.severity]}${rule.optIn ? ' (off unless enabled)' : ''} |`,
    `| Quick fix | ${fix} |`,
    `| Guideline | ${d.guideline} |`,
    '',
    '## What it does',
    '',
    d.what,
    '',
    '## Why is this bad?',
    '',
    d.why,
    '',
    '## Example',
    '',
    fence(d.bad, lang),
    '',
    'Use instead:',
    '',
    fence(d.good, lang),
    '',
    '## Fix',
    '',
    d.fix,
    '',
    '## Equivalent checks in other tools',
    '',
    ...d.equivalents.map((e) => `- ${e}`),
    '',
    '## References',
    '',
    ...d.references.map((r) => `- ${r}`),
    '',
    d.suppress ?? `Suppress with \`# docker-guardrails-ignore ${rule.code} -- reason\` on the line above, or set \`"dockerGuardrails.rules": { "${rule.code}": "off" }\`.`,
    '',
  ].join('\n');
}

/** The README's rule table (between the `<!-- rules:start -->` / `<!-- rules:end -->` markers): a row per rule, with its docs' `summary`. */
export function renderRuleTable(rules: readonly Rule[]): string {
  const rows = rules.map((r) => {
    const fix = r.fixable === 'never' ? '' : '🔧';
    return `| [${r.code}](docs/rules/${r.code}.md) | ${r.name} | ${r.kind === 'dockerfile' ? 'Dockerfile' : r.kind === 'compose' ? 'Compose' : 'both'} | ${SEVERITY_LABEL[r.severity]}${r.optIn ? ' (opt-in)' : ''} | ${fix} | ${r.docs.summary.replace(/\|/g, '\\|')} |`;
  });
  return ['| Code | Name | File | Severity | Fix | What it finds |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

/** Why a rule's findings matter, in one sentence (the hover's line): its docs' `whySummary`, else the first sentence of `why`. */
export function ruleWhyLine(rule: Rule): string {
  return rule.docs.whySummary ?? firstSentence(rule.docs.why);
}

/** Plain-text docs for `--explain` and hovers. */
export function renderRuleText(rule: Rule): string {
  return renderRuleMarkdown(rule).replace(/```\w*\n/g, '').replace(/```/g, '');
}

/**
 * package.json with its generated parts: the `workspaceContains:` activation events are the engine's
 * file names (NAME_GLOBS, which the client's document selector uses too), after the `onLanguage:` events;
 * the `dockerGuardrails.rules` setting accepts the codes whose severity a setting changes (severityCodes:
 * VS Code flags any other key, a typo included). Everything else is kept as written.
 */
export function renderPackageJson(text: string, rules: readonly Rule[]): string {
  const pkg = JSON.parse(text) as { activationEvents?: string[]; contributes?: { configuration?: { properties?: Record<string, Record<string, unknown>> } } };
  const events = (pkg.activationEvents ?? []).filter((e) => !e.startsWith('workspaceContains:'));
  const languages = events.filter((e) => e.startsWith('onLanguage:'));
  pkg.activationEvents = [...languages, ...NAME_GLOBS.map((g) => `workspaceContains:${g}`), ...events.filter((e) => !languages.includes(e))];
  const setting = pkg.contributes?.configuration?.properties?.['dockerGuardrails.rules'];
  if (!setting) throw new Error('package.json lacks the dockerGuardrails.rules setting');
  setting.propertyNames = { enum: severityCodes(rules) };
  return JSON.stringify(pkg, null, 2) + '\n';
}

/** JSON Schema of `.docker-guardrails.yaml`, generated from the registry (rule codes and their docs). */
export function renderConfigSchema(rules: readonly Rule[]): string {
  const severity = { type: 'string', enum: ['error', 'warning', 'info', 'hint', 'off'] };
  const ruleProps: Record<string, unknown> = {};
  // DG002 is not set in `rules` (the file reports the entry: review 45d, item 11), as the setting's schema leaves it out.
  for (const r of rules) if (r.code !== CONFIG_INVALID_CODE) ruleProps[r.code] = { ...severity, description: `${r.code} ${r.name}: ${r.docs.summary}${r.optIn ? ' (off unless enabled)' : ''}` };
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/docker-guardrails/docker-guardrails/blob/main/schemas/docker-guardrails.schema.json',
    title: 'Docker Guardrails configuration (.docker-guardrails.yaml)',
    description: 'The nearest .docker-guardrails.yaml up from a file applies to it; it wins over VS Code settings for every key it sets. The CLI reads the same file.',
    type: 'object',
    additionalProperties: false,
    properties: {
      rules: { type: 'object', description: 'Severity per rule code; `off` disables a rule, and naming an opt-in rule with a severity turns it on.', properties: ruleProps, additionalProperties: false },
      trustedRegistries: { type: 'array', items: { type: 'string' }, description: 'Registries images may come from (DF004); empty means the rule is inactive, and `*` allows any. Docker Hub is docker.io.' },
      productionGlobs: { type: 'array', items: { type: 'string' }, description: 'Globs of production compose files (DC033): a glob without `/` matches the file name, one with `/` the path from this file\'s folder (from the current folder for `check --config FILE`). Default: ["*[._-]prod[._-]*", "prod[._-]*", "*[._-]production[._-]*", "production[._-]*"], prod or production as a word of the file name.' },
      resourceLimits: {
        type: 'object',
        description: 'Limits the DC020/DC021 fixes add.',
        additionalProperties: false,
        properties: { memory: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?[bkmgBKMG]?$' }, cpus: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$' }, pids: { type: 'integer', exclusiveMinimum: 0 } },
      },
      maxFileSize: { type: 'number', minimum: MIN_MAX_FILE_SIZE, description: `Files larger than this many bytes are not analyzed (at least ${MIN_MAX_FILE_SIZE}, as for the dockerGuardrails.maxFileSize setting).` },
      include: { type: 'array', items: { type: 'string' }, description: 'Globs of the files the CLI\'s walk and the workspace scan analyze, relative to this file\'s folder (to the current folder for `check --config FILE`); empty: every file. Read as a .dockerignore: in order, the last matching pattern decides, `!glob` leaves out, `./` is dropped, a folder covers what is below it; minimatch globs with `dot: true`.' },
      exclude: { type: 'array', items: { type: 'string' }, description: 'Globs of the files the CLI\'s walk and the workspace scan skip, relative to this file\'s folder (to the current folder for `check --config FILE`). Read as a .dockerignore: in order, the last matching pattern decides, `!glob` takes a file back (`["vendor/**", "!vendor/acme/**"]`), `./` is dropped, a folder covers what is below it (`vendor`); minimatch globs with `dot: true`.' },
    },
  };
  return JSON.stringify(schema, null, 2) + '\n';
}
