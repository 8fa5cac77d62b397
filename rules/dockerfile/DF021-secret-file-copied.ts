import type { Instruction, JSONInstruction, ModifiableInstruction, Onbuild } from 'dockerfile-ast';
import { defineRule } from '../engine/rule';
import type { DockerfileContext } from '../engine/dockerfile';
import { deleteInstructionEdit, deleteListItemsEdit, type Span } from '../engine/run-commands';
import { VariableScope } from '../engine/stage-scope';
import type { Detection, Range } from '../engine/types';

type SecretKind = 'env file' | 'private key' | 'key store' | 'registry credentials' | 'login credentials' | 'cloud credentials' | 'cluster credentials' | 'SSH directory';

interface Data {
  instruction: 'COPY' | 'ADD';
  /** The source as written. */
  source: string;
  kind: SecretKind;
  /** The text to delete to stop copying it (the whole instruction when it is the only source); null when not exact. */
  removal: Range | null;
}

const ENV_TEMPLATE = /^\.env\.(?:example|sample|template|dist|defaults|schema|tpl|local\.example)$/i;
/**
 * Names of `.pem` files that hold public material: certificates (an intermediate, a chain, a CA
 * bundle) and Diffie-Hellman parameters (`dhparam.pem`, `dh2048.pem`, certbot's `ssl-dhparams.pem`,
 * RFC 7919's published `ffdhe2048.pem` groups: review 33, probe p28).
 */
const CERT_WORDS = /(?:cert|chain|(?:^|[-_.])ca(?:[-_.]|$)|bundle|pub(?:lic)?|root|trust|crt|intermediate|(?:^|[-_.])(?:dh(?:[-_]?params?)?\d*|ffdhe\d+)(?:[-_.]|$))/i;
/** Words of a `.pem` name that say it holds a key (`ca-key`, `cert_and_key`, `server.key`, `dh-private`). */
// Joined too: `certkey.pem`, `privcert.pem`, `cert+key.pem` (review 35, probe d21).
const KEY_WORDS = /key|priv/i;
const PUBLIC_KEY_WORDS = /(?:gpg|pgp|signing|release|archive|keyring|pub(?:lic)?|apt|repo)/i;

/** What kind of secret a copied path (or glob) names, from its last segment and its directories. */
export function secretKindOf(path: string): SecretKind | undefined {
  const p = path.replace(/\\/g, '/').replace(/\/+$/, '');
  const segments = p.split('/');
  const base = segments[segments.length - 1];
  const dirs = segments.slice(0, -1);
  if (dirs.includes('.aws') || base === '.aws') return 'cloud credentials';
  if (base === '.ssh') return 'SSH directory';
  if (base === '.env' || base === '.env*' || (/^\.env\.[^*]+$/.test(base) && !ENV_TEMPLATE.test(base))) return 'env file';
  if (/(?:^|[-_.])id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?(?:[._-][\w.-]*)?$/.test(base) && !base.endsWith('.pub')) return 'private key';
  if (dirs.includes('.ssh') && !base.endsWith('.pub') && !/^(?:known_hosts|config|authorized_keys)$/.test(base)) return 'private key';
  // A name that says key or private is a key, whatever else it says (`ca-key.pem`, cfssl's and Docker's CA key;
  // `intermediate-key.pem`, `cert_and_key.pem`: review 34, probe k21); public keys excepted.
  if (/\.pem$/i.test(base) && KEY_WORDS.test(base.replace(/\.pem$/i, '')) && !/pub(?:lic)?/i.test(base)) return 'private key';
  if (/\.pem$/i.test(base) && !CERT_WORDS.test(base.replace(/\.pem$/i, ''))) return 'private key';
  if (/\.key$/i.test(base) && !PUBLIC_KEY_WORDS.test(base)) return 'private key';
  if (/\.(?:p12|pfx)$/i.test(base)) return 'key store';
  if (base === '.npmrc' || base === '.pypirc') return 'registry credentials';
  if (base === '.netrc' || base === '_netrc' || base === '.git-credentials') return 'login credentials';
  // libpq's password file, Vault's token helper file, Docker's registry logins (review 8, probe df-05).
  if (base === '.pgpass' || base === '.vault-token' || base === '.my.cnf' || base === '.s3cfg') return 'login credentials';
  // podman/skopeo/buildah registry logins; kubeadm's cluster-admin kubeconfig (review 10, probe 14).
  if (base === 'auth.json' && dirs[dirs.length - 1] === 'containers') return 'registry credentials';
  if (base === 'admin.conf' && dirs[dirs.length - 1] === 'kubernetes') return 'cluster credentials';
  if (base === '.dockercfg' || (base === 'config.json' && dirs[dirs.length - 1] === '.docker')) return 'registry credentials';
  // A kubeconfig holds the cluster's address and the user's token or client key.
  if (/^(?:[\w.-]+[-_.])?kubeconfig(?:\.ya?ml)?$/i.test(base) || (base === 'config' && dirs[dirs.length - 1] === '.kube') || base === '.kube') return 'cluster credentials';
  return undefined;
}

/** A source copied into `~/.ssh/` or `~/.aws/` (`COPY ssh_keys/ /root/.ssh/`), unless it is a public or non-secret file there. */
function intoCredentialDir(source: string, dest: string): SecretKind | undefined {
  const base = source.replace(/\/+\.?$/, '').split('/').pop() ?? '';
  if (/\.pub$|^(?:known_hosts|config|authorized_keys)$/.test(base)) return undefined;
  const d = dest.replace(/\\/g, '/');
  if (/(?:^|\/)\.ssh(?:\/|$)/.test(d)) return /(?:^|\/)\.ssh\/(?:known_hosts|config|authorized_keys)$/.test(d) ? undefined : 'SSH directory';
  if (/(?:^|\/)\.aws(?:\/|$)/.test(d)) return /(?:^|\/)\.aws\/config$/.test(d) ? undefined : 'cloud credentials';
  if (/(?:^|\/)\.kube\/config$/.test(d)) return 'cluster credentials';
  if (/(?:^|\/)\.docker\/config\.json$/.test(d)) return 'registry credentials';
  if (/(?:^|\/)(?:\.pgpass|\.vault-token|\.netrc|\.git-credentials|\.my\.cnf|\.s3cfg)$/.test(d)) return 'login credentials';
  if (/(?:^|\/)containers\/auth\.json$/.test(d)) return 'registry credentials';
  if (/(?:^|\/)(?:\.kube\/config|etc\/kubernetes\/admin\.conf)$/.test(d)) return 'cluster credentials';
  return undefined;
}

/** The sources of a COPY/ADD as written (JSON strings or words), with the destination last; null for heredoc copies. */
function operands(ctx: DockerfileContext, ins: Instruction): { value: string; span: Span; range: Range }[] | null {
  const json = (ins as JSONInstruction).getJSONStrings?.() ?? [];
  if (json.length > 0) {
    return json.map((s) => {
      const r = s.getRange();
      return { value: ctx.jsonStringValue(s), span: { start: ctx.offsetAt(r.start), end: ctx.offsetAt(r.end) }, range: r };
    });
  }
  const args = ins.getArguments();
  if (args.some((a) => a.getValue().startsWith('<<'))) return null;
  return args.map((a) => {
    const r = a.getRange();
    return { value: a.getValue(), span: { start: ctx.offsetAt(r.start), end: ctx.offsetAt(r.end) }, range: r };
  });
}

export default defineRule<'dockerfile', Data>({
  code: 'DF021',
  name: 'secret-file-copied',
  kind: 'dockerfile',
  severity: 'error',
  fixable: 'sometimes',
  docs: {
    what: 'Flags COPY and ADD instructions that copy a secret file from the build context into an image layer: `.env` and `.env.<name>` (not `.env.example`/`.sample`/`.template`/`.dist`), private keys (`id_rsa`, `id_ed25519`, `deploy_id_rsa`… but not `*.pub`; files in `.ssh/`; `*.pem` and `*.key` unless the name says certificate, public/signing key or Diffie-Hellman parameters and does not say key or private (`ca-key.pem` is a CA\'s private key) — `cert.pem`, `ca-bundle.pem`, `intermediate.pem`, `repo-signing.key`, `dhparam.pem`, `dh2048.pem`, `ffdhe2048.pem`), key stores (`*.p12`, `*.pfx`), `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, `.pgpass`, `.vault-token`, `.my.cnf`, `.s3cfg`, Docker\'s `.docker/config.json` and `.dockercfg`, podman\'s `containers/auth.json`, kubeadm\'s `/etc/kubernetes/admin.conf`, kubeconfigs (`kubeconfig`, `*.kubeconfig`, `.kube/config`), and the `.aws/` and `.ssh/` directories — as a source, or as the destination of a source that is not a public key, `known_hosts` or `config` (`COPY ssh_keys/ /root/.ssh/`, `COPY kubeconfig /root/.kube/config`, `COPY docker-config.json /root/.docker/config.json`). Globs count when they name such files (`*.pem`, `.env*`). Every stage is judged, ONBUILD triggers too: a builder stage\'s layers stay in the build cache and are pushed with `--cache-to … mode=max` or built with `--target`. `COPY --from=…` (not the build context), URL sources and heredoc copies are not judged; a source from an unresolvable variable is unknown. The message names the file, never its content.',
    why: 'A file copied into a layer stays in the image for good: a later `RUN rm` only hides it in a newer layer, and anyone who can pull the image (or read the build cache) extracts it with `docker save`. SECURITY-GUIDELINES.md §5: "DO NOT commit secrets" — `git add .env  # Never commit actual .env` — an image is a published artifact just like a commit; "Use environment variables or secrets management".',
    bad: 'COPY .env package.json ./\nCOPY id_rsa /root/.ssh/id_rsa\nRUN git clone git@github.com:acme/private.git',
    good: 'COPY package.json ./\nRUN --mount=type=ssh git clone git@github.com:acme/private.git\n# .env is provided at run time (compose env_file / environment), keys through build secrets',
    fix: '"Stop copying <file>" removes that source from the instruction (the whole instruction when it is its only source), keeping the other sources, the JSON form and the continuation lines. Not safe: the build or the application may read the file — provide it through `RUN --mount=type=secret,id=…` (build time), `RUN --mount=type=ssh` (SSH keys) or the container\'s environment/secrets (run time). Not offered for sources written through variables or when a comment lies in the way.',
    guideline: '§5 Secrets Management — "DO NOT commit secrets to version control", "Use environment variables or secrets management"; checklist "Secrets not in version control"',
    equivalents: ['Trivy DS-0031 (secrets passed via build-args or envs or copied secret files)', 'KICS and Checkov: no Dockerfile check for copied secret files (their secret scanners read file contents)', 'BuildKit: no build check (see the build secrets guide)'],
    references: [
      'https://docs.docker.com/build/building/secrets/',
      'https://docs.docker.com/reference/dockerfile/#copy',
      'https://docs.docker.com/reference/dockerfile/#run---mounttypessh',
      'https://docs.docker.com/build/concepts/context/#dockerignore-files',
      'https://github.com/aquasecurity/trivy-checks/blob/main/checks/docker/leaked_secrets.rego',
    ],
  },
  check(ctx) {
    const out: Detection<Data>[] = [];
    for (const stage of ctx.stages) {
      const scope = new VariableScope(ctx, stage);
      for (const outer of stage.instructions) {
        const ins = outer.getKeyword() === 'ONBUILD' ? (outer as Onbuild).getTriggerInstruction() : outer;
        scope.apply(outer);
        if (!ins) continue;
        const kw = ins.getKeyword();
        if (kw !== 'COPY' && kw !== 'ADD') continue;
        const flags = (ins as ModifiableInstruction).getFlags?.() ?? [];
        if (flags.some((f) => f.getName() === 'from')) continue;
        const ops = operands(ctx, ins);
        if (!ops || ops.length < 2) continue;
        const sources = ops.length - 1;
        for (let i = 0; i < sources; i++) {
          const written = ops[i].value;
          if (/^[a-z][a-z0-9+.-]*:\/\//i.test(written) || written.startsWith('git@')) continue;
          const resolved = outer === ins ? scope.resolve(written) : written.includes('$') ? null : written;
          if (resolved === null) continue;
          const kind = secretKindOf(resolved) ?? intoCredentialDir(resolved, ops[sources].value);
          if (!kind) continue;
          const removal = written.includes('$') ? null : sources === 1 ? deleteInstructionEdit(ctx, ins).range : (deleteListItemsEdit(ctx, ops.map((o) => o.span), i)?.range ?? null);
          out.push({ range: ops[i].range, data: { instruction: kw, source: written, kind, removal } });
        }
      }
    }
    return out;
  },
  message(d) {
    return `${d.instruction} puts '${d.source}' (${d.kind}) into an image layer, where anyone with the image can read it even if a later step deletes it; pass it as a build secret or at run time instead.`;
  },
  fix(ctx, { data }) {
    if (!data.removal) return undefined;
    return { title: `Stop copying ${data.source} into the image`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: data.removal, newText: '' }] }] };
  },
});
