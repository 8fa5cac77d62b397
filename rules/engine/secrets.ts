import { maskKnownTokens, TOKEN_PREFIX, tokenKind } from './secret-tokens';

/**
 * Shared knowledge of what a credential looks like, used by the Compose (DC040…) and Dockerfile
 * (DF020…) secret rules. Values are never copied into messages: callers report names only.
 */

const CREDENTIAL_WORD = /(?:^|_|-)(?:PASSWORD|PASSWD|PASSPHRASE|PASS|PWD|PW|SECRET|SECRETS|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET_?KEY|AUTH_?KEY|CLIENT_?SECRET|CREDENTIALS?|MASTER_?KEY|ENCRYPTION_?KEY|ENC_KEY|SIGNING_?KEY|HMAC_?KEY|JWT_?KEY|OPENSSL_KEY|APP_KEY|ERLANG_?COOKIE|SERVICE_?ROLE_?KEY|SERVICE_?KEY|LICENSE_?KEY|ENCRYPTION_(?:PRIMARY|DETERMINISTIC)_KEY|ACCOUNT_?KEY|SESSION_?KEY|COOKIE_?KEY)(?:$|_|-)/i;
/**
 * Names that hold a key only when nothing follows: `SSH_KEY`, `DEPLOY_KEY`, `ID_RSA`, npm's `NPM_AUTH`,
 * but not `SSH_KEY_ID`, `DEPLOY_KEY_ID`, `ID_RSA_PUB` (a public key) or `SSH_KEY_FINGERPRINT` (review 14, probe 09).
 */
// An encoding or content suffix still names the key (`SSH_KEY_B64`, `DEPLOY_KEY_BASE64`, `ID_RSA_CONTENT`: review 15, probe 06);
// npm reads its `_auth` setting as NPM_CONFIG__AUTH (probe 11).
const KEY_AT_END = /(?:^|_|-)(?:SSH_?(?:PRIVATE_?)?KEY|DEPLOY_?KEY|ID_(?:RSA|DSA|ECDSA|ED25519)|NPM_?AUTH|NPM_CONFIG__AUTH)(?:_(?:B64|BASE64|ENCODED|CONTENTS?|DATA|PEM|VALUE))?$/i;
/**
 * A personal access token: `PAT` alone or after the name of a forge that issues them (`GH_PAT`, `GITHUB_PAT`,
 * `GITLAB_PAT`, Azure DevOps' `ADO_PAT`/`AZP_PAT`; review 26, probe df-02) — not any `*_PAT`, which also
 * abbreviates "pattern" (`BACKUP_EXCLUDE_PAT: "*.tmp|*.log"`, `exclude_pat`: review 27, probe 06).
 */
const PERSONAL_ACCESS_TOKEN = /^(?:(?:[A-Z0-9]+_)*(?:GH|GITHUB|GL|GITLAB|GITEA|FORGEJO|CODEBERG|BITBUCKET|BB|ADO|AZP|AZDO|AZURE|AZURE_DEVOPS|DEVOPS|VSTS|HF|HUGGINGFACE|DOCKERHUB|DOCKER_HUB|JIRA|ATLASSIAN|CONFLUENCE)_)?PAT$/i;
const COMPACT_CREDENTIAL = /(?:PASSWORD|PASSWD|SECRET|TOKEN|APIKEY|PRIVATEKEY|ACCESSKEY)/i;
/**
 * Names that hold a key or password outright although no credential word above says so: the Azure CLI's and
 * SDKs' storage account key (`AZURE_STORAGE_KEY`; `*ACCOUNT_KEY*` is in CREDENTIAL_WORD), and a Redis-family
 * password under an `*_AUTH` name (langfuse's `REDIS_AUTH`, redis-cli's `REDISCLI_AUTH`, `MASTERAUTH`): not
 * any `*_AUTH`, which also names switches and methods (`BASIC_AUTH=false`, `SMTP_AUTH=login`), and not a
 * switch value under these names (see authSwitch; review 43c, item 4).
 */
const NAMED_KEY = /^(?:AZURE_STORAGE_KEY|(?:[A-Z0-9]+_)*(?:(?:REDIS|REDISCLI|VALKEY|KEYDB|DRAGONFLY|SENTINEL)_?(?:MASTER_?)?AUTH|MASTER_?AUTH))$/i;
/** The `*_AUTH` names of NAMED_KEY (their value is judged: see authSwitch). */
const AUTH_NAME = /AUTH$/i;
/**
 * The identifier half of a key pair, named as such: `*_ACCESS_KEY_ID` (AWS's access key id, which "identifies"
 * the user; the secret access key authenticates), `*_KEY_ID` (a KMS, GPG or JWT key's id), Tencent Cloud's
 * `SecretId` (`*_SECRET_ID`; its SecretKey is the secret). Not HashiCorp Vault's AppRole `secret_id`, which is
 * the AppRole's credential (its `role_id` is the identifier). A real AWS key id (`AKIA…`) is still reported by
 * its format (review 43c, item 3).
 */
const KEY_ID_NAME = /(?:^|_)(?:ACCESS_?KEY_?ID|KEY_?ID|SECRET_?ID)$/i;
const VAULT_SECRET_ID = /(?:^|_)(?:VAULT|APPROLE)(?:_[A-Z0-9]+)*_SECRET_?ID$|^SECRET_?ID$/i;

/** Variables that front-end build tools inline into browser code (see computeIsCredentialName). */
const CLIENT_PUBLIC = /^(?:VITE|NEXT_PUBLIC|REACT_APP|NUXT_PUBLIC|EXPO_PUBLIC|GATSBY|PUBLIC)_/i;

/** Name suffixes that describe a setting about a credential rather than the credential itself. */
// Durations, limits, hashers and endpoints about a credential too (`TOKEN_EXPIRY_SECONDS`, `JWT_SECRET_EXPIRES_IN`,
// `TOKEN_LIMIT`, `PASSWORD_HASHER`, OAuth's `TOKEN_URL`: review 33, probe p21).
const NOT_A_SECRET = /(?:_FILE|_FILES|_FILENAME|_FILEPATH|_PATH|_DIR|_TTL|_EXPIRY|_EXPIRES|_EXPIRATION|_LIFETIME|_TIMEOUT|_LENGTH|_MIN_LENGTH|_ENABLED|_DISABLED|_REQUIRED|_TYPE|_METHOD|_HEADER|_ALGORITHM|_ALG|_ROUNDS|_COST|_URL_PATH|_POLICY|_RESET|_ENDPOINT|_ISSUER|_AUDIENCE|_PREFIX|_LOCATION|_NAME|_NAMES|_USER|_USERS|_USERNAME|_USERNAMES|_SECONDS|_SECS|_MINUTES|_MINS|_HOURS|_DAYS|_EXPIRES_IN|_EXPIRE_IN|_DURATION|_INTERVAL|_LIMIT|_COUNT|_HASHER|_HASHERS|_URL|_URI)$/i;
/**
 * Counts of tokens (a language model's `MAX_INPUT_TOKENS`, `MAX_TOTAL_TOKENS`, `MAX_BATCH_PREFILL_TOKENS`
 * of Hugging Face's text-generation-inference, `MAX_TOKENS`): a number, not a credential (review 33, probe p21).
 */
const TOKEN_COUNT = /^(?:[A-Z0-9]+_)*(?:MAX|MIN|NUM|TOTAL|LIMIT|BUDGET)(?:_[A-Z0-9]+)*_TOKENS$/i;

/** Whether an environment/ARG name is shaped like a credential (`DB_PASSWORD`, `API_KEY`, `GITHUB_TOKEN`…). */
/**
 * A piece every name isCredentialName or isValueJudgedName accepts holds (without case), as a cheap first test of a
 * text that may hold such names (DF020's ENV/ARG instructions): CREDENTIAL_WORD's and COMPACT_CREDENTIAL's words
 * (pass…, pw…, secret, token, credential, cookie, and every `…KEY`), KEY_AT_END's (`…KEY`, `ID_RSA`/`DSA`/`ED25519`,
 * `…AUTH`), PERSONAL_ACCESS_TOKEN's `PAT`, NAMED_KEY's and KEY_OR_AUTH_NAME's `KEY`/`AUTH`. A word added to those
 * must be covered here.
 */
export const CREDENTIAL_NAME_PIECE = /pass|pw|secret|token|credential|cookie|key|rsa|dsa|ed25519|auth|pat/i;

export function isCredentialName(name: string): boolean {
  // Names repeat across files and rules (each variable is asked by several secret rules): the answer
  // depends only on the name.
  const known = credentialNames.get(name);
  if (known !== undefined) return known;
  const answer = computeIsCredentialName(name);
  if (credentialNames.size >= 16384) credentialNames.clear();
  credentialNames.set(name, answer);
  return answer;
}

const credentialNames = new Map<string, boolean>();

function computeIsCredentialName(name: string): boolean {
  if (NOT_A_SECRET.test(name) || TOKEN_COUNT.test(name)) return false;
  if (/^(?:PWD|OLDPWD)$/.test(name)) return false; // the shell's working directory
  if (/^NOPASSWD$/i.test(name)) return false; // sudoers' tag (`%sudo ALL=(ALL) NOPASSWD:ALL`), not a password
  // MinIO's access key is its root user name (the deprecated spelling of MINIO_ROOT_USER); MINIO_SECRET_KEY is the password.
  if (/^MINIO_ACCESS_KEY$/i.test(name)) return false;
  if (KEY_ID_NAME.test(name) && !VAULT_SECRET_ID.test(name)) return false;
  // Front-end build tools compile variables with these prefixes into the code they ship to browsers
  // (Vite's envPrefix VITE_, Next.js NEXT_PUBLIC_, Create React App REACT_APP_, Nuxt NUXT_PUBLIC_,
  // Expo EXPO_PUBLIC_, Gatsby GATSBY_, SvelteKit/Astro PUBLIC_): their keys and tokens are public by
  // design (a browser analytics key, Supabase's anon key). A secret or password under such a name is
  // still one, and now sent to every browser.
  if (CLIENT_PUBLIC.test(name) && !/SECRET|PASSWORD|PASSWD|PRIVATE/i.test(name)) return false;
  return CREDENTIAL_WORD.test(name) || COMPACT_CREDENTIAL.test(name) || KEY_AT_END.test(name) || PERSONAL_ACCESS_TOKEN.test(name) || NAMED_KEY.test(name);
}

/**
 * Generic `*_KEY` / `*_AUTH` names (`OPENAI_KEY`, `SENDGRID_KEY`, `SMTP_AUTH`, `BASIC_AUTH`, and `key`, `auth` alone): BuildKit's
 * SecretsUsedInArgOrEnv reports every name with the token `key` or `auth` at a `_` boundary (its getSecretsRegex:
 * `apikey|auth|credential(s)|key|password|pword|passwd|secret|token`, allow-list `public`), but most such names hold no
 * secret (`PRIMARY_KEY=id`, `SORT_KEY=name`, `REDIS_AUTH=yes`, the python image's `GPG_KEY`, a public key's fingerprint).
 * They count only when their value looks like an issued credential (looksLikeIssuedCredential; review 45b, item 1).
 */
const KEY_OR_AUTH_NAME = /(?:^|_)(?:KEY|AUTH)$/i;
/**
 * `*_KEY` names of data (`PRIMARY_KEY`, `SORT_KEY`, `CACHE_KEY`…), of public material (`*_PUBLIC_KEY`, a GPG or PGP key's
 * fingerprint, Web Push's `VAPID_KEY` public key, reCAPTCHA's `SITE_KEY`, Stripe's `PUBLISHABLE_KEY`, Supabase's `ANON_KEY`,
 * which browsers get by design), never judged by their value; nor Neo4j's `NEO4J_AUTH` (`user/password`), whose password
 * the connection-string reading finds (embedded-secrets.ts).
 */
const NOT_A_KEY_NAME = /^NEO4J_AUTH$|(?:^|_)(?:PUBLIC|PUB|GPG|PGP|GNUPG|FINGERPRINT|KEYRING|VAPID|SITE|PUBLISHABLE|ANON|PRIMARY|FOREIGN|SORT|PARTITION|ROUTING|CACHE|HASH|SHARD|GROUP|ORDER|LOOKUP|INDEX|IDEMPOTENCY|DEDUP|KID|HOST|MESSAGE|TRANSLATION|I18N|LABEL|FIELD|COLUMN|ATTRIBUTE|OBJECT|BUCKET|MAP|CONFIG|SETTING|META|METADATA|QUERY|SEARCH|FILTER|ITEM|RECORD|ROW|TABLE|ENTRY|LIST)_(?:[A-Z0-9]+_)*(?:KEY|AUTH)$/i;

/**
 * Whether a value looks like an issued credential rather than a word, an id or a setting: a known token format
 * (tokenKind: `SG.…` SendGrid, Mailchimp `…-us12`, `sk_live_…`…), or a random string of 16 characters or more
 * drawn from a key's alphabet (letters, digits, `_-+/=.`, no blank) that mixes upper case, lower case and digits,
 * changes between them often (a third of its characters at least) and uses ten different characters or more.
 * Not a path, a URL, a template's stand-in or one character repeated. Hex strings (a GPG fingerprint
 * `0D96DF4D…`, a checksum, a UUID) have no lower and upper case together: they do not count.
 */
export function looksLikeIssuedCredential(value: string): boolean {
  const v = value.trim().replace(/^(["'])(.*)\1$/, '$2');
  if (v.length < 16 || v.length > 512) return false;
  if (tokenKind(v) !== undefined) return true;
  if (!/^[A-Za-z0-9_\-+/=.]+$/.test(v) || isPathLike(v) || isTemplatePlaceholder(v) || isPlaceholderValue(v)) return false;
  if (!/[a-z]/.test(v) || !/[A-Z]/.test(v) || !/[0-9]/.test(v) || new Set(v).size < 10) return false;
  const cls = (c: string) => (/[a-z]/.test(c) ? 1 : /[A-Z]/.test(c) ? 2 : /[0-9]/.test(c) ? 3 : 0);
  const alnum = [...v].map(cls).filter((c) => c !== 0);
  let changes = 0;
  for (let i = 1; i < alnum.length; i++) if (alnum[i] !== alnum[i - 1]) changes++;
  return changes >= alnum.length / 3;
}

/**
 * Whether a name with this value holds a credential: a credential-shaped name (isCredentialName), or a generic
 * `*_KEY`/`*_AUTH` name (KEY_OR_AUTH_NAME, not one of NOT_A_KEY_NAME) whose literal value looks like an issued
 * credential (looksLikeIssuedCredential). `value` null (none written, or not literal): the name alone decides.
 * DF020 and DC040 share this one test (review 45b, item 1).
 */
export function isCredentialNameFor(name: string, value: string | null): boolean {
  if (isCredentialName(name)) return true;
  return value !== null && !/[$`]/.test(value) && isValueJudgedName(name) && looksLikeIssuedCredential(value);
}

/** Whether a name is one of the generic `*_KEY`/`*_AUTH` names whose value decides (see isCredentialNameFor). */
export function isValueJudgedName(name: string): boolean {
  return KEY_OR_AUTH_NAME.test(name) && !NOT_A_KEY_NAME.test(name) && !isCredentialName(name) && !CLIENT_PUBLIC.test(name) && !KEY_ID_NAME.test(name);
}

/**
 * Whether a value under a credential name is a switch or a method rather than a password, for the `*_AUTH`
 * names of NAMED_KEY (`REDIS_AUTH=true`, `REDIS_AUTH=none`, `REDIS_AUTH=required`): a boolean or 0/1
 * (isPlaceholderValue) or a word that says whether or how it authenticates. Other names keep their own readings.
 */
export function authSwitch(name: string, value: string): boolean {
  if (!AUTH_NAME.test(name) || !NAMED_KEY.test(name)) return false;
  const v = value.trim().replace(/^(["'])(.*)\1$/, '$2');
  return isPlaceholderValue(v) || /^(?:none|null|required|optional|enabled|disabled|acl)$/i.test(v);
}

/**
 * Whether `name` is the access-key half of a pair whose other half is named as the secret: `*_ACCESS_KEY` beside
 * `*_SECRET_KEY` (or `*_SECRET_ACCESS_KEY`, `*_ACCESS_SECRET`, `*_ACCESS_KEY_SECRET`) with the same prefix, as
 * Sentry's `AWS_ACCESS_KEY`/`AWS_SECRET_KEY`, dify's `ALIYUN_OSS_ACCESS_KEY`/`ALIYUN_OSS_SECRET_KEY` (an Alibaba
 * Cloud AccessKey pair is an AccessKey ID and an AccessKey secret) or s3cmd's `access_key`/`secret_key`: there
 * the access key is the key's id, the user-name half (MinIO's `MINIO_ACCESS_KEY` is its root user), and the
 * secret key is the secret. `has` tells whether the same environment (or Dockerfile) names a variable. A
 * standalone `*_ACCESS_KEY` (an API's access key) stays a credential (review 43c, item 3).
 */
export function isAccessKeyIdOfPair(name: string, has: (name: string) => boolean): boolean {
  const m = /^(.*?)ACCESS(_?)KEY$/i.exec(name);
  if (!m) return false;
  const [, prefix, sep] = m;
  return [`SECRET${sep}KEY`, `SECRET${sep}ACCESS${sep}KEY`, `ACCESS${sep}SECRET`, `ACCESS${sep}KEY${sep}SECRET`].some((suffix) => {
    const other = prefix + (name === name.toLowerCase() ? suffix.toLowerCase() : suffix);
    return has(other);
  });
}

/**
 * A template's stand-in left in place: `<password>`, `{{db_password}}`, `[secret]`, the tokens install
 * scripts substitute (`__POSTGRES_PASSWORD__`, `%DB_PASS%`, `@SECRET@`, `TO_BE_REPLACED`), a phrase that
 * asks for a value (`your_password_here`, mediacms' `uncomment_and_set_password_here`, `your-secret-key`, `your-secret-key-base-hex-64`,
 * `change-this-password`, `replace_me`, API Platform's `!ChangeThisMercureHubJWTSecretKey!`), or one
 * that says it is not a secret (planka's `notsecretkey`, `insecure-dev-key`, Django's generated
 * `django-insecure-…`), or text that describes the value wanted (DESCRIBED_VALUE). The image or application takes it as written.
 */
const TEMPLATE_PLACEHOLDER = /^(?:<[^<>]*>|\{\{[^{}]*\}\}|\[[^[\]]*\]|__[a-z0-9_]+__|%[a-z0-9_]+%|@[a-z0-9_]+@|to[-_ ]?be[-_ ]?(?:replaced|changed|set|filled)|(?:your|enter|insert|put|change|replace|set|fill|uncomment)(?:[-_ .][a-z0-9]+){0,5}[-_ .](?:here|me|this|it|password|passwd|pass|pwd|secret|key|token)|(?:your|change|replace)(?:me|it|this|password|passwd|pass|pwd|secret|key|token)|your[-_ .](?:[a-z0-9]+[-_ .]){0,7}[a-z0-9]+|!?(?:change|replace)[-_ ]?(?:this|me|it)[a-z0-9_-]*!?|(?:not|no)[-_ ]?(?:a[-_ ]?)?secret(?:[-_ ]?key)?|insecure(?:[-_ ][a-z0-9]+){0,3}|django-insecure-.+)$/i;

/**
 * Text that describes the value to put there instead of being one: words only, one of which says what kind of value
 * (`random`, `long`, `secure`, `strong`, `unique`, `alphanumeric`), the last naming the thing (`string`,
 * `key`, `secret`, `token`, `password`, `value`, `characters`…): sameersbn/docker-gitlab's documented
 * `long-and-random-alphanumeric-string`, `random-string`, `some_random_secret_key` (review 47b, finding 3). A value
 * with a digit or a capital inside a word, or without such a describing word, is not one (`Random-String-9x`, `kX7-random-string`).
 */
const DESCRIBED_VALUE = /^(?:[a-z]+[-_ .]){0,6}(?:random|randomly|long|secure|strong|unique|alphanumeric)(?:[-_ .][a-z]+){0,6}[-_ .](?:string|strings|key|secret|token|password|passphrase|phrase|value|chars|characters|text|hash)$/;

export function isTemplatePlaceholder(value: string): boolean {
  const v = value.trim();
  if (TEMPLATE_PLACEHOLDER.test(v)) return true;
  // One case throughout (all lower or all upper case): mixed case is how generated values look.
  if (v.length > 80 || (v !== v.toLowerCase() && v !== v.toUpperCase())) return false;
  const lower = v.toLowerCase();
  if (!DESCRIBED_VALUE.test(lower)) return false;
  // Two words say what kind only with `random`, `alphanumeric`: `strong_password`, `secure-key` are common passwords (DC041).
  const words = lower.split(/[-_ .]/);
  return words.length > 2 || /^(?:random|randomly|alphanumeric)$/.test(words[0]);
}

/**
 * Values that are obviously not a credential even under a credential-shaped name: empty, a boolean word,
 * a 0/1 switch (docker-socket-proxy's `SECRETS=0`, `AUTH=0` revoke access to an API section: review 13,
 * probe dc-01), or a public key.
 */
export function isPlaceholderValue(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  return /^(?:true|false|yes|no|on|off|null|none|0|1)$/i.test(v) || isPublicKey(v);
}

/** Whether a value is an OpenSSH or PEM public key. */
export function isPublicKey(value: string): boolean {
  return PUBLIC_KEY.test(value.trim());
}

/**
 * An OpenSSH or PEM public key, also an SSH certificate or an authorized_keys line with its options
 * (`no-pty,command="…" ssh-ed25519 AAAA…`: review 16, probe 08): published by design, not a secret
 * (review 15, probe 05: a deploy key's public half under SSH_KEY).
 */
const PUBLIC_KEY = /^["']?(?:(?:[a-z-]+(?:="[^"]*")?,)*[a-z-]+(?:="[^"]*")?\s+)?(?:(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)(?:-cert-v0[01]@openssh\.com)?\s+AAAA|-----BEGIN (?:RSA |EC )?PUBLIC KEY-----)/;

/**
 * Credentials that command-line tools, SDKs and CI systems read from the shell's environment, so a
 * developer or a CI job often has them exported: the AWS CLI and SDKs (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), GitHub's gh and Actions (GH_TOKEN, GITHUB_TOKEN), GitLab's
 * glab and CI (GITLAB_TOKEN, CI_JOB_TOKEN), npm registries (NPM_TOKEN, NODE_AUTH_TOKEN), Azure's
 * EnvironmentCredential (AZURE_CLIENT_SECRET), Terraform's azurerm (ARM_CLIENT_SECRET), Vault
 * (VAULT_TOKEN), libpq (PGPASSWORD), the mysql client (MYSQL_PWD), redis-cli (REDISCLI_AUTH), the
 * OpenAI, Anthropic, Google Gemini and Hugging Face SDKs (OPENAI_API_KEY, ANTHROPIC_API_KEY,
 * GEMINI_API_KEY, GOOGLE_API_KEY, HF_TOKEN, HUGGING_FACE_HUB_TOKEN), sentry-cli (SENTRY_AUTH_TOKEN), doctl
 * (DIGITALOCEAN_ACCESS_TOKEN) and wrangler (CLOUDFLARE_API_TOKEN); and, by prefix, Terraform's host
 * tokens and variables (TF_TOKEN_<host>, TF_VAR_<name>), registry logins in CI (DOCKER_PASSWORD,
 * DOCKERHUB_TOKEN …), and the CLIs of Codecov, Stripe, Twilio, Heroku, Netlify, Vercel, Snyk, Sonar,
 * Pulumi, Hetzner, Linode, PyPI uploads (TWINE_PASSWORD) and cargo, and more AI SDKs (Mistral, Groq,
 * Cohere, Replicate, Together, DeepSeek, OpenRouter, xAI, Perplexity, Azure OpenAI, LangSmith). Compose
 * gives a variable of the shell precedence over `.env`, so `${NAME}` there may not read back what a fix
 * wrote to `.env`. A list, so never complete (any exported name wins): a fix that moves a secret says so.
 */
const SHELL_EXPORTED_CREDENTIALS = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'GH_TOKEN', 'GITHUB_TOKEN', 'GITLAB_TOKEN', 'CI_JOB_TOKEN', 'NPM_TOKEN', 'NODE_AUTH_TOKEN', 'AZURE_CLIENT_SECRET', 'ARM_CLIENT_SECRET', 'VAULT_TOKEN', 'PGPASSWORD', 'MYSQL_PWD', 'REDISCLI_AUTH', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'SENTRY_AUTH_TOKEN', 'DIGITALOCEAN_ACCESS_TOKEN', 'CLOUDFLARE_API_TOKEN']);

/** Names of SHELL_EXPORTED_CREDENTIALS given by prefix (a tool reads a family of them) or by the tool's own prefix. */
const SHELL_EXPORTED_PREFIXES =
  /^(?:TF_TOKEN_|TF_VAR_|AWS_|DOCKER_(?:PASSWORD|TOKEN|AUTH_CONFIG|PAT)$|DOCKERHUB_|CODECOV_TOKEN$|STRIPE_(?:SECRET|API)_KEY$|TWILIO_AUTH_TOKEN$|HEROKU_API_KEY$|NETLIFY_AUTH_TOKEN$|VERCEL_TOKEN$|SNYK_TOKEN$|SONAR_TOKEN$|PULUMI_ACCESS_TOKEN$|HCLOUD_TOKEN$|LINODE_(?:CLI_)?TOKEN$|TWINE_PASSWORD$|CARGO_REGISTRY_TOKEN$|CIRCLE_TOKEN$|BUILDKITE_(?:AGENT_)?TOKEN$|(?:MISTRAL|GROQ|COHERE|TOGETHER|DEEPSEEK|OPENROUTER|XAI|PERPLEXITY|AZURE_OPENAI|LANGSMITH|LANGCHAIN|PINECONE)_API_KEY$|REPLICATE_API_TOKEN$)/;

/** Whether a variable name is a credential commonly exported in developers' shells and CI jobs (see SHELL_EXPORTED_CREDENTIALS). */
export function isShellExportedCredential(name: string): boolean {
  return SHELL_EXPORTED_CREDENTIALS.has(name) || SHELL_EXPORTED_PREFIXES.test(name);
}

/**
 * Whether a command-line option names a credential it is given (`--password`, `--api-token`,
 * `--stripe-key`, ngrok's `--authtoken`, `--access_token`, Go-style `-api-token`, keytool's `-storepass`): the option name
 * without its dashes. Not a switch that turns one off (`--disabled-password`, `--no-password`), a file
 * (`--password-file`), a public key or a key that names data (`--recv-key`, `--routing-key`,
 * `--sort-key`), nor etcd's `--initial-cluster-token` (it authenticates no one).
 */
export function isCredentialOption(name: string): boolean {
  const n = name.toLowerCase();
  if (!CREDENTIAL_OPTION.test(n) || NOT_CREDENTIAL_OPTION.test(n)) return false;
  return true;
}

// keytool's and jarsigner's `-storepass`/`-keypass` (and keytool's `-srcstorepass`, `-destkeypass`…) join the word to `pass`
// (keytool(1): `-storepass[:env|:file] arg`, the `:env`/`:file` forms name where the password is: no such option name).
const CREDENTIAL_OPTION = /^(?:[a-z0-9]+[-_])*(?:password|passwd|pass|passphrase|passout|passin|token|authtoken|authkey|secret|apikey|key|requirepass|masterauth|(?:src|dest)?(?:store|key)pass)$/;
const NOT_CREDENTIAL_OPTION = /(?:^|[-_])(?:disabled?|no|skip|without|ask|prompt|change|reset|random|generate|recv|receive|import|export|fetch|list|show)[-_]|cluster[-_]token$|(?:^|[-_])(?:public|pub|routing|sort|partition|primary|foreign|cache|hash|shard|group|order|lookup|index|idempotency|dedup|kid|host|ssh[-_]host|message|translation|i18n|label|field|column|attribute|attr|object|bucket|map|dict|config|setting|meta|metadata|query|search|filter|item|record|row|table|entry|list|sign[-_]in|redis)[-_]key$|^key$|^(?:disabled?|no)[-_]?password$/;

/**
 * The name of an HTTP header that carries a credential (curl `-H`, wget `--header`): `Authorization`
 * with any scheme, GitLab's `PRIVATE-TOKEN`, and `X-…` headers named for a token, key, secret or auth
 * (`X-JFrog-Art-Api`, `X-Vault-Token`, `X-Registry-Auth`) but not their `-Version`/`-User`/… siblings.
 * DF022 reports the value after it and the dry run masks it; an optional `Bearer`/`Basic`/`token`
 * scheme may follow (CREDENTIAL_HEADER_SCHEME).
 */
export const CREDENTIAL_HEADER_NAME = String.raw`(?:Proxy-)?Authorization:\s*(?:[A-Za-z-]+\s+)?|PRIVATE-TOKEN:|X-(?![A-Za-z-]*-(?:Version|User|Username|Id|Name|Type|Url|Host|Mode|Method):)[A-Za-z-]*(?:Token|Key|Api|Secret|Auth|Authorization|Password)[A-Za-z-]*:`;
export const CREDENTIAL_HEADER_SCHEME = String.raw`\s*(?:(?:Bearer|Basic|token)\s+)?`;

/** A whole header that carries a credential (`Authorization: Bearer x`): its name (with the scheme), then the credential. */
export const HEADER_CREDENTIAL = new RegExp(`^(${CREDENTIAL_HEADER_NAME})${CREDENTIAL_HEADER_SCHEME}(\\S+)\\s*$`, 'i');

/**
 * Whether the word after a credential option is not its value: a path (where a key is, not the key:
 * `--tls-key /certs/server.key`; isPathLike), or the next option (`--gecos`, `-v`). A value like
 * `-Qx8v…` is the credential. Quotes around it are ignored.
 */
export function isPathOrNextOption(value: string): boolean {
  const v = value.replace(/^["']/, '');
  return v.startsWith('--') || isPathLike(v.replace(/["']$/, '')) || /^-[A-Za-z](?:["']?$)/.test(v);
}

/**
 * A value that names a file rather than holding the secret: an absolute path, or one from home, the
 * working directory or a variable (`/var/secrets/google/key.json`, `/run/secrets/jwt.pem`,
 * `~/.config/gcloud/adc.json`, `$HOME/keys/app.key`), made of path characters only and with a folder or
 * a file extension — Google's `GOOGLE_APPLICATION_CREDENTIALS` is the path of a key file (review 39c, item 2.2).
 * A slash and random characters (`/q8Zr2kXv`) is not taken for a path, nor a base64 key: its alphabet
 * holds `/` (a key may start with one) but also `+` and the `=` padding, rare in paths, so a value of that
 * alphabet only with a `+` or a final `=` is a key (with other characters, `/run/secrets/tls_key=`, a path).
 * `openssl rand -base64 32` prints 44 characters ending in `=`, one in 64 of them starting with `/`
 * (review 44b, F5); an Azure Storage account key is 88 ending in `==` (review 43c, leftovers).
 * DF020, DF022 and DC040 all judge paths with this one test.
 */
export function isPathLike(value: string): boolean {
  const m = /^(?:~|\.{1,2}|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)?(\/[\w.\-/+=]+)$/.exec(value);
  if (m === null || (/^[A-Za-z0-9+/]+=*$/.test(value) && /[+=]/.test(value))) return false;
  return /^\/[^/]+\/./.test(m[1]) || /\.[A-Za-z][A-Za-z0-9]{0,5}$/.test(m[1]);
}

/** A `scheme://user:password@` in a value: the scheme, the user, and the password's offsets in the value. */
export interface UrlCredential {
  scheme: string;
  user: string;
  start: number;
  end: number;
}

/**
 * The userinfo of URLs, read as the WHATWG URL Standard's authority state and RFC 3986 §3.2 read an
 * authority: it ends at the first `/`, `?` or `#` (or a blank: the value goes on with other words),
 * the LAST `@` in it ends the userinfo, and the userinfo's first `:` separates the user from the
 * password. So the user may hold an `@` (a mail address: `smtp://me@example.com:pw@mail.example.com`)
 * and the password `@` and `:` (`user:p@ss@host` is the password `p@ss`; `user:pass@host:443@8443` is
 * `pass@host:443`, on host 8443); a bracketed IPv6 host (`@[::1]:5432`) comes after the last `@`. A
 * `${VAR}` (its braces may hold `/`, `:` or blanks) counts as part of the user or the password.
 * `quotes`: a quote ends the authority too (a URL inside a shell word's JSON or quoted text).
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*):\/\/((?:\$\{[^}]*\}|[^\s/?#:$]|\$[A-Za-z_])*):((?:\$\{[^}]*\}|[^\s/?#])*)@/gi;
const URL_USERINFO_QUOTED = /\b([a-z][a-z0-9+.-]*):\/\/((?:\$\{[^}]*\}|[^\s/?#:$'"]|\$[A-Za-z_])*):((?:\$\{[^}]*\}|[^\s/?#'"])*)@/gi;

/**
 * A password with an unencoded `?` or `#` (`postgres://app:pa#ss@db/app`), where URL_USERINFO finds none: libpq reads the
 * userinfo up to the first `@` or `/` (fe-connect.c, conninfo_uri_parse_options; Go's pgx and SQLAlchemy's URLs alike), so
 * both are password characters there, while a WHATWG URL parser would end the authority at them. The password is written
 * in the text either way: it runs from the user's `:` to the first `@`, holds no `/` or blank, and what precedes its first
 * `?`/`#` is no port (`http://localhost:8080?email=ops@example.com` holds none).
 */
const URL_USERINFO_DELIMITED = /\b([a-z][a-z0-9+.-]*):\/\/((?:\$\{[^}]*\}|[^\s/?#:$@]|\$[A-Za-z_])*):((?:\$\{[^}]*\}|[^\s/@?#])*[?#][^\s/@]*)@/gi;
const URL_USERINFO_DELIMITED_QUOTED = /\b([a-z][a-z0-9+.-]*):\/\/((?:\$\{[^}]*\}|[^\s/?#:$@'"]|\$[A-Za-z_])*):((?:\$\{[^}]*\}|[^\s/@?#'"])*[?#][^\s/@'"]*)@/gi;

export function urlCredentials(raw: string, options: { quotes?: boolean } = {}): UrlCredential[] {
  const out: UrlCredential[] = [];
  if (!raw.includes('@') || !raw.includes('://')) return out; // most values are not URLs: no regex run
  const re = options.quotes ? URL_USERINFO_QUOTED : URL_USERINFO;
  re.lastIndex = 0;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const start = m.index + m[0].length - 1 - m[3].length;
    out.push({ scheme: m[1], user: m[2], start, end: start + m[3].length });
  }
  if (!/[?#]/.test(raw)) return out;
  const delimited = options.quotes ? URL_USERINFO_DELIMITED_QUOTED : URL_USERINFO_DELIMITED;
  delimited.lastIndex = 0;
  for (let m = delimited.exec(raw); m; m = delimited.exec(raw)) {
    const start = m.index + m[0].length - 1 - m[3].length;
    // A port before the query or fragment (`host:8080?…@…`), or a URL the first reading read already.
    if (/^[0-9]*[?#]/.test(m[3]) || out.some((c) => c.start <= start + m![3].length && start <= c.end)) continue;
    out.push({ scheme: m[1], user: m[2], start, end: start + m[3].length });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** `scheme://user:password@` in a value (urlCredentials), with the password's offsets in `raw`. */
export function urlPasswords(raw: string): { start: number; end: number }[] {
  // `nulldb://user:pass@…`: Rails' null database adapter, which connects to nothing (the URL asset builds give
  // `assets:precompile`; review 30, probe df-02).
  return urlCredentials(raw).filter((c) => c.scheme.toLowerCase() !== 'nulldb').map(({ start, end }) => ({ start, end }));
}

/**
 * Whether a URL's user, written with no password, is a token rather than a name (`git`, `deploy`): one that looks issued
 * (looksLikeIssuedCredential: a known format, or a random string of 16 characters or more) or GitHub's 40 hexadecimal digits
 * of an OAuth token of the classic format (`https://<token>@github.com/…`, a common way to give git a token).
 */
export function looksLikeTokenUser(user: string): boolean {
  return looksLikeIssuedCredential(user) || /^[0-9a-f]{40}$/i.test(user);
}

/** A URL's authority up to its last `@` (the userinfo), as URL_USERINFO reads one: a user with no `:` is written alone. */
const URL_USER_ONLY = /\b([a-z][a-z0-9+.-]*):\/\/([^\s/?#'"]*)@/gi;

/**
 * The tokens written as a URL's user with no password (`https://<token>@github.com/acme/app.git`): a user that
 * looksLikeTokenUser, not a name (`git@`, `deploy@`) nor a reference (`${GIT_TOKEN}@`). The scheme and the token's
 * offsets in the value, never the token (review 56c, L1). DC040 and DF020 read values with it (connectionPasswords), DF022 a
 * RUN's words.
 */
export function urlTokenUsers(raw: string): { scheme: string; start: number; end: number }[] {
  const out: { scheme: string; start: number; end: number }[] = [];
  if (!raw.includes('@') || !raw.includes('://')) return out;
  URL_USER_ONLY.lastIndex = 0;
  for (let m = URL_USER_ONLY.exec(raw); m; m = URL_USER_ONLY.exec(raw)) {
    const user = m[2];
    if (user.includes(':') || /[$`{}]/.test(user) || !looksLikeTokenUser(user)) continue;
    const start = m.index + m[0].length - 1 - user.length;
    out.push({ scheme: m[1], start, end: start + user.length });
  }
  return out;
}

/** What output shows in place of a secret value. */
export const SECRET_MASK = '********';

/**
 * The text with every secret the value readers recognise whatever name it is under replaced by `mask`:
 * a value of a known credential format anywhere (maskKnownTokens: `ghp_…`, `sk_live_…`, `SG.…`, `AKIA…`),
 * the password of a URL (`scheme://user:<password>@`, urlCredentials; not a `${…}` reference or a `<…>`
 * stand-in), and the value of a generic `*_KEY`/`*_AUTH` name that looks issued (`OPENAI_KEY=…`,
 * isCredentialNameFor). Output only — the engine applies it to every finding's message and every fix's
 * title, the CLI's dry run to every line it prints — so that no output shows such a value, whichever
 * rule's text happens to quote it (a download's URL, an image's tag). Never used to detect.
 */
export function maskSecretValues(text: string, mask: string = SECRET_MASK): string {
  if (!MASK_CANDIDATE.test(text)) return text;
  let out = maskKnownTokens(text, mask);
  if (out.includes('://') && out.includes('@')) {
    const creds = urlCredentials(out, { quotes: true }).filter((c) => c.end > c.start && !/[$`]/.test(out.slice(c.start, c.end)) && !/^<[^<>]*>$/.test(out.slice(c.start, c.end)) && out.slice(c.start, c.end) !== mask);
    for (let i = creds.length - 1; i >= 0; i--) out = out.slice(0, creds[i].start) + mask + out.slice(creds[i].end);
  }
  if (GENERIC_ASSIGNMENT_HINT.test(out)) {
    out = out.replace(GENERIC_ASSIGNMENT, (m, name: string, sep: string, value: string) => (isCredentialNameFor(name, value) && !isCredentialName(name) ? `${name}${sep}${mask}` : m));
  }
  return out;
}

/**
 * What any of maskSecretValues' steps needs in a text, in one pattern: a known format's fixed prefix (maskKnownTokens'
 * own test), a URL's `://`, or GENERIC_ASSIGNMENT_HINT (its `/i` written out: without the `u` flag, `/i` folds no
 * character outside ASCII onto these letters). A text with none is returned after one scan instead of three: nearly
 * every message and title (over the compose corpus, 5 of 8,498 messages had one), and the engine masks every one.
 */
const MASK_CANDIDATE = new RegExp(`${TOKEN_PREFIX.source}|://|(?:[Kk][Ee][Yy]|[Aa][Uu][Tt][Hh])["']?\\s*[:=]`);

/** A generic `*_KEY`/`*_AUTH` name given a value (`OPENAI_KEY=…`, `SMTP_AUTH: "…"`), and a cheap test for one. */
const GENERIC_ASSIGNMENT = /(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*(?:KEY|AUTH))(["']?\s*[:=]\s*["']?)([A-Za-z0-9_\-+/=.]{16,512})(?![A-Za-z0-9_\-+/=.])/gi;
const GENERIC_ASSIGNMENT_HINT = /(?:KEY|AUTH)["']?\s*[:=]/i;
