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
  // SendGrid's API keys: `SG.`, a 22-character key id, `.`, a 43-character secret (gitleaks' sendgrid-api-token, KICS
  // passwords_and_secrets "SendGrid API Key"; review 45b, item 1).
  { kind: 'SendGrid API key', body: 'SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}', notBefore: '[A-Za-z0-9_]', notAfter: '[A-Za-z0-9_-]' },
  // Mailchimp's API keys: 32 hex digits, `-us`, the data center's number (gitleaks' mailchimp-api-key, KICS "MailChimp API Key").
  { kind: 'Mailchimp API key', body: '[0-9a-f]{32}-us[0-9]{1,2}', notBefore: '[A-Za-z0-9_-]', notAfter: '[A-Za-z0-9]' },
  // Mailgun's private API keys in their legacy format: `key-` and 32 hex digits (gitleaks' mailgun-private-api-token, SonarSource's
  // S6723 "Mailgun Primary Key"); not its public validation key, `pubkey-…` (a letter before `key-`), which is public by design.
  { kind: 'Mailgun API key', body: 'key-[0-9a-f]{32}', notBefore: '[A-Za-z0-9_-]', notAfter: '[A-Za-z0-9]' },
];

const bounded = (f: (typeof FORMATS)[number]) => `(?<!${f.notBefore})${f.body}${f.notAfter ? `(?!${f.notAfter})` : ''}`;

const TOKENS: { kind: string; all: RegExp }[] = [
  ...FORMATS.map((f) => ({ kind: f.kind, all: new RegExp(bounded(f), 'g') })),
  { kind: 'private key', all: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/g },
];

/** The kind of known credential a value contains (`GitHub token`…), or undefined. */
export function tokenKind(value: string): string | undefined {
  if (value.length < 20) return undefined;
  return knownTokenIn(value)?.kind;
}

/**
 * A value of a format that is a stand-in, not a credential: the part after the format's fixed prefix
 * mostly x's or one character over and over (`sk_live_xxxxxxxxxxxxxxxxxxxxxxxx`, `ghp_000…`: what
 * a README or a template writes; review 21, probe 10), or an AWS key id ending in `EXAMPLE` (AWS's
 * documentation keys, `AKIAIOSFODNN7EXAMPLE`: gitleaks' aws-access-token rule allows `.+EXAMPLE$`).
 */
export function isStandInToken(token: string): boolean {
  if (/^(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]*EXAMPLE$/.test(token)) return true;
  const body = token.replace(FIXED_PREFIX, '').replace(/[^A-Za-z0-9]/g, '');
  if (body === '') return true;
  return (body.match(/x/gi)?.length ?? 0) / body.length >= 0.6 || /^(.)\1*$/i.test(body);
}

/** The first value of a known credential format in a text (or a private key's header), with its kind and offsets; stand-ins (isStandInToken) are passed over. */
export function knownTokenIn(text: string): { kind: string; start: number; end: number } | undefined {
  // Most words hold no token: one test for the formats' fixed prefixes before the exact readings.
  if (text.length < 20 || !TOKEN_PREFIX.test(text)) return undefined;
  for (const f of TOKENS) {
    f.all.lastIndex = 0;
    for (let m = f.all.exec(text); m; m = f.all.exec(text)) {
      if (f.kind === 'private key' || !isStandInToken(m[0])) return { kind: f.kind, start: m.index, end: m.index + m[0].length };
    }
  }
  return undefined;
}

/** The fixed start of each format (what isStandInToken does not judge). */
const FIXED_PREFIX = /^(?:AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|npm_|[sr]k_live_|SG\.|key-)/;

/** The fixed start of every format of TOKENS (a format added there needs its prefix here; maskSecretValues' MASK_CANDIDATE is made of it). */
export const TOKEN_PREFIX = /AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|npm_|[sr]k_live_|SG\.|-us[0-9]|key-|PRIVATE KEY/;

/** The same formats, anywhere in a text. */
const TOKEN_ANYWHERE = new RegExp(FORMATS.map(bounded).join('|'), 'g');

/** The text with every value of a known credential format replaced by `mask` (display only). */
export function maskKnownTokens(text: string, mask: string): string {
  // Most texts (a finding's message, a fix's title) hold no token: one test for the fixed prefixes first.
  if (text.length < 20 || !TOKEN_PREFIX.test(text)) return text;
  return text.replace(TOKEN_ANYWHERE, mask);
}
