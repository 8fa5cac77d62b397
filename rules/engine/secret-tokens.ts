/**
 * Values shaped like a known kind of credential (the formats the issuers document and secret
 * scanners match). Used by DF020/DF022; callers report the kind, never the value.
 */

const TOKENS: { kind: string; re: RegExp }[] = [
  { kind: 'AWS access key id', re: /(?:^|[^A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/ },
  { kind: 'GitHub token', re: /(?:^|[^A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}(?![A-Za-z0-9])/ },
  { kind: 'GitHub token', re: /(?:^|[^A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255}/ },
  { kind: 'GitLab token', re: /(?:^|[^A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}/ },
  { kind: 'Slack token', re: /(?:^|[^A-Za-z0-9_])xox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: 'npm token', re: /(?:^|[^A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/ },
  { kind: 'private key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/ },
];

/** The kind of known credential a value contains (`GitHub token`…), or undefined. */
export function tokenKind(value: string): string | undefined {
  if (value.length < 20) return undefined;
  return TOKENS.find((t) => t.re.test(value))?.kind;
}

/** The same formats, anywhere in a text (global, without the leading character the tests above match). */
const TOKEN_ANYWHERE = /(?<![A-Za-z0-9_])(?:(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])/g;

/** The text with every value of a known credential format replaced by `mask` (display only). */
export function maskKnownTokens(text: string, mask: string): string {
  return text.replace(TOKEN_ANYWHERE, mask);
}
