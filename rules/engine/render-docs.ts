/** Renders the rules' documentation (docs pages, README table, CLI --explain) from the registry. */
import type { Rule } from './rule';

const SEVERITY_LABEL = { error: 'error', warning: 'warning', info: 'info', hint: 'hint' } as const;

function fence(text: string, lang: string): string {
  return '```' + lang + '\n' + text.replace(/\n$/, '') + '\n```';
}

export function renderRuleMarkdown(rule: Rule): string {
  const d = rule.docs;
  const lang = rule.kind === 'dockerfile' ? 'dockerfile' : 'yaml';
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
    `Suppress with \`# docker-guardrails-ignore ${rule.code} -- reason\` on the line above, or set \`"dockerGuardrails.rules": { "${rule.code}": "off" }\`.`,
    '',
  ].join('\n');
}

/** The README's rule table (between the `<!-- rules:start -->` / `<!-- rules:end -->` markers). */
export function renderRuleTable(rules: readonly Rule[]): string {
  const rows = rules.map((r) => {
    const fix = r.fixable === 'never' ? '' : '🔧';
    const first = r.docs.what.split(/(?<=\.)\s/)[0];
    return `| [${r.code}](docs/rules/${r.code}.md) | ${r.name} | ${r.kind === 'dockerfile' ? 'Dockerfile' : r.kind === 'compose' ? 'Compose' : 'both'} | ${SEVERITY_LABEL[r.severity]}${r.optIn ? ' (opt-in)' : ''} | ${fix} | ${first.replace(/\|/g, '\\|')} |`;
  });
  return ['| Code | Name | File | Severity | Fix | What it finds |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

/** Plain-text docs for `--explain` and hovers. */
export function renderRuleText(rule: Rule): string {
  return renderRuleMarkdown(rule).replace(/```\w*\n/g, '').replace(/```/g, '');
}
