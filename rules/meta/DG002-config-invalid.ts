import { defineRule } from '../engine/rule';

/**
 * Problems in `.docker-guardrails.yaml` are reported with this code on the config file itself (by
 * the language server) and as an error by the CLI (exit 2). They come from `parseConfig`, not from a
 * check over Dockerfiles or compose files, so `check` is empty.
 */
export default defineRule<'any', { message: string }>({
  code: 'DG002',
  name: 'config-invalid',
  kind: 'any',
  severity: 'error',
  fixable: 'never',
  docs: {
    summary: '`.docker-guardrails.yaml` is invalid: bad YAML, an unknown key or rule code, or a value of the wrong type.',
    what: 'Reports a `.docker-guardrails.yaml` that cannot be used as written: invalid YAML, an unknown key, an unknown rule code, a severity other than error/warning/info/hint/off, a value of the wrong type, or a glob of `include`, `exclude` or `productionGlobs` that minimatch reads otherwise than it looks: a `[` that no `]` closes (read as a literal `[`), a `{a,b` or `@(a|b` list left open (literal characters), a character class with no member (`[z-a]`: the pattern matches nothing), a pattern that starts with `#` (a comment), a `\\` between names (minimatch reads `\\` as an escape, never as a path separator: a Windows path such as `services\\api\\Dockerfile` matches nothing; write `/`), or one longer than 65,536 characters (not applied). A lone `{`, `}` or `]` and a `{x}` without a comma are literal characters, as in bash, and not reported. The same globs in the VS Code settings are reported in the output channel. The parts of the file that are valid still apply.',
    why: 'A config file that is silently ignored is worse than none: the team believes a rule is off (or on) while the editor and CI disagree. Every problem is shown on the line that has it.',
    bad: 'rules:\n  DF010: disabled\n  DF999: off',
    good: 'rules:\n  DF010: off',
    fix: 'No automatic fix: the right value is the author\'s decision. The message names the allowed values.',
    guideline: 'Tooling hygiene: one configuration for editor and CI',
    equivalents: ['hadolint: config file validation errors', 'ESLint: "Invalid configuration" errors'],
    references: ['https://github.com/hadolint/hadolint#configure'],
    suppress: 'Not suppressed by an ignore comment or a `rules` setting (in the config file itself, or `"dockerGuardrails.rules"`): that would hide that the configuration is not applied as written (an entry `DG002: off` under the config file\'s `rules` is itself reported). Correct the file; the CLI stops with exit code 2 on it.',
  },
  check() {
    return [];
  },
  message(d) {
    return d.message;
  },
});
