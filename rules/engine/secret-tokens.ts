/**
 * Values shaped like a known kind of credential (the formats the issuers document and secret
 * scanners match). Used by DF020/DF022, and by the CLI's dry run to mask them; callers report the
 * kind, never the value.
 */

/** Each format: the token itself, and what may not touch it on either side (so a longer word is not one). */
const FORMATS: { kind: string; body: string; notBefore: string; notAfter?: string }[] = [
  { kind: 'AWS access key id', body: '(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}', notBefore: '[A-Z0-9]', notAfter: '[A-Z0-9]' },
  { kind: 'GitHub token', body: 'gh[pousr]_[A-Za-z0-9]{36,255}', notBefore: '[A-Za-z0-9_]', notAfter: '[A-Za-z0-9]' },
  { kind: 'GitHub token', body: 'github_pat_[A-Za-z0-9_]{22,255}', notBefore: '[A-Za-z0-9_]' },
  { kind: 'GitLab token', body: 'glpat-[A-Za-z0-9_-]{20,}', notBefore: '[A-Za-z0-9_]' },
  { kind: 'Slack token', body: 'xox[abposr]-[A-Za-z0-9-]{10,}', notBefore: '[A-Za-z0-9_]' },
  { kind: 'npm token', body: 'npm_[A-Za-z0-9]{36}', notBefore: '[A-Za-z0-9_]', notAfter: '[A-Za-z0-9]' },
  // Stripe's live secret and restricted keys (docs.stripe.com/keys: `sk_live_`, `rk_live_`; review 16, probe 05).
  { kind: 'Stripe secret key', body: '[sr]k_live_[A-Za-z0-9]{24,}', notBefore: '[A-Za-z0-9_]', notAfter: '[A-Za-z0-9]' },
];

const bounded = (f: (typeof FORMATS)[number]) => `(?<!${f.notBefore})${f.body}${f.notAfter ? `(?!${f.notAfter})` : ''}`;

const TOKENS: { kind: string; re: RegExp }[] = [
  ...FORMATS.map((f) => ({ kind: f.kind, re: new RegExp(bounded(f)) })),
  { kind: 'private key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/ },
];

/** The kind of known credential a value contains (`GitHub token`…), or undefined. */
export function tokenKind(value: string): string | undefined {
  if (value.length < 20) return undefined;
  return TOKENS.find((t) => t.re.test(value))?.kind;
}

/** The first value of a known credential format in a text (or a private key's header), with its kind and offsets. */
export function knownTokenIn(text: string): { kind: string; start: number; end: number } | undefined {
  // Most words hold no token: one test for the formats' fixed prefixes before the exact readings.
  if (text.length < 20 || !TOKEN_PREFIX.test(text)) return undefined;
  for (const f of TOKENS) {
    const m = f.re.exec(text);
    if (m) return { kind: f.kind, start: m.index, end: m.index + m[0].length };
  }
  return undefined;
}

/** The fixed start of every format of TOKENS (a format added there needs its prefix here). */
const TOKEN_PREFIX = /AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|npm_|[sr]k_live_|PRIVATE KEY/;

/** The same formats, anywhere in a text. */
const TOKEN_ANYWHERE = new RegExp(FORMATS.map(bounded).join('|'), 'g');

/** The text with every value of a known credential format replaced by `mask` (display only). */
export function maskKnownTokens(text: string, mask: string): string {
  return text.replace(TOKEN_ANYWHERE, mask);
}
