import { type Node } from 'yaml';
import { isMap, isScalar, isSeq } from '../engine/yaml-guards';
import { scalarString, type Service } from '../engine/compose';
import { interpolate } from '../engine/interpolate';
import { defineRule } from '../engine/rule';
import type { Range } from '../engine/types';
import { ofService, placeOf, type Place } from '../engine/written-in';

interface Data {
  service: string;
  /** The variable or label name (not a secret). */
  name: string;
  kind: 'origin-list' | 'allow-all' | 'traefik-label';
  /** Where the `*` came from: written in the file, a `${VAR:-*}` default, or the `.env` file. */
  source: 'literal' | 'default' | 'dotenv';
  /** An `environment:` entry written outside the service's own mapping or used by several services (an anchor merged with `<<`): where, and who uses it. */
  place?: Place;
}

/** Names of settings that list the origins allowed to make cross-origin requests (any prefix: `APP_CORS_ORIGIN`, `SCHEMA_REGISTRY_ACCESS_CONTROL_ALLOW_ORIGIN`). */
const ORIGIN_LIST = /(?:^|_)(?:CORS_(?:ALLOWED_|ALLOW_)?ORIGINS?|CORS_(?:ALLOWED_)?ORIGIN_(?:WHITELIST|PATTERNS?)|CORS_ALLOW_ORIGIN_PATTERNS?|CORS_DOMAINS?|ALLOWED_ORIGINS?|ALLOW_ORIGINS?|ACCESS_CONTROL_ALLOW_ORIGINS?)$/i;
/** Boolean switches that allow every origin (django-cors-headers and similar). */
const ALLOW_ALL = /(?:^|_)CORS_(?:ORIGIN_ALLOW_ALL|ALLOW_ALL_ORIGINS|ALLOW_ALL)$/i;
/** Traefik's CORS middleware option, in a label. */
const TRAEFIK_ORIGIN_LIST = /^traefik\.http\.middlewares\.[^.]+\.headers\.accesscontrolalloworiginlist$/i;

/** Whether an origin list contains the `*` wildcard as one of its entries (`*`, `*,https://a`, `["*"]`). */
export function hasWildcardOrigin(value: string): boolean {
  const inner = value.trim().replace(/^\[(.*)\]$/s, '$1');
  return inner
    .split(/[\s,;|]+/)
    .map((s) => s.trim().replace(/^["'](.*)["']$/, '$1'))
    .some((s) => s === '*');
}

function isTrueText(value: string): boolean {
  return /^(?:true|yes|on|1)$/i.test(value.trim());
}

export default defineRule<'compose', Data>({
  code: 'DC054',
  name: 'cors-wildcard',
  kind: 'compose',
  severity: 'info',
  fixable: 'never',
  docs: {
    summary: 'A service\'s CORS configuration allows every origin (`*` in an allowed-origins variable, an allow-all switch…).',
    what:
      'Flags a service whose CORS configuration allows every origin: an environment variable that lists allowed origins — `CORS_ORIGIN(S)`, `CORS_ALLOWED_ORIGINS`, `CORS_ALLOW_ORIGIN(S)`, `ALLOWED_ORIGINS`, `ACCESS_CONTROL_ALLOW_ORIGIN`, `CORS_ORIGIN_WHITELIST`, `CORS_DOMAINS`, also with a prefix such as `APP_` or `SCHEMA_REGISTRY_` — whose value is `*` or contains `*` as one entry (`*,https://a.example`, `["*"]`), a switch such as `CORS_ORIGIN_ALLOW_ALL` / `CORS_ALLOW_ALL_ORIGINS` set to true, or a Traefik `headers.accesscontrolalloworiginlist` label set to `*`. ' +
      'Values are read after interpolation: `${CORS_ORIGIN:-*}` ships `*`, and `${CORS_ORIGIN}` is resolved from the `.env` beside the compose file; an unresolved variable is not a finding. Subdomain patterns (`https://*.example.com`) are not flagged. Values in `env_file:` files are not read. ' +
      'The variables a `<<` merge key brings into `environment:` are read as Compose reads them (YAML merge keys: the keys written in the mapping win, then the merged maps in order, an earlier one over a later one): a setting written in an anchor that several services merge (`x-env: &env`, `<<: *env`) or share through an alias is reported once, where it is written, and the message names it and the services that use it (`CORS_ALLOWED_ORIGINS in x-env (used by services \'api\' and \'worker\')`).',
    why:
      'With `Access-Control-Allow-Origin: *` any website a user visits can call the API from their browser and read the responses: internal tools, APIs that trust the network they are on, and — when the framework reflects the origin for credentialed requests — the user\'s own session become readable by third-party pages. SECURITY-GUIDELINES.md §7 Authentication & Authorization: "CORS Configuration – Restrict cross-origin requests".',
    bad: 'services:\n  api:\n    image: ghcr.io/acme/api:2.0.0\n    environment:\n      CORS_ORIGIN: "*"',
    good: 'services:\n  api:\n    image: ghcr.io/acme/api:2.0.0\n    environment:\n      CORS_ORIGIN: https://app.example.com',
    fix: 'No automatic fix: which origins should be allowed (the front-end\'s URL, per environment) is only known to you. Replace `*` with the exact origins, e.g. `CORS_ORIGIN: ${FRONTEND_URL}` with the URL in `.env`.',
    guideline: '§7 Authentication & Authorization — "CORS Configuration – Restrict cross-origin requests"',
    equivalents: ['No compose linter checks this (KICS, Checkov, Trivy and compose-lint read no application settings); PSRule for Azure "Azure.APIM.CORSPolicy" flags the same wildcard in API Management CORS policies'],
    references: [
      'https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Access-Control-Allow-Origin',
      'https://owasp.org/www-community/attacks/CORS_OriginHeaderScrutiny',
      'https://cheatsheetseries.owasp.org/cheatsheets/HTML5_Security_Cheat_Sheet.html#cross-origin-resource-sharing',
      'https://doc.traefik.io/traefik/middlewares/http/headers/#accesscontrolalloworiginlist',
      'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.CORSPolicy',
      'https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/',
      'https://docs.docker.com/reference/compose-file/fragments/',
      'https://yaml.org/type/merge.html',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    const dotenv = ctx.dotenv()?.values;
    const resolve = (raw: string): { value: string; source: Data['source'] } | null => {
      const r = interpolate(raw, (n) => dotenv?.get(n));
      if (r.value === null) return null;
      return { value: r.value, source: !r.hasVariables ? 'literal' : r.usedDefaultsOnly ? 'default' : 'dotenv' };
    };
    const push = (service: Service, range: Range, name: string, kind: Data['kind'], source: Data['source']) => out.push({ range, data: { service: service.name, name, kind, source } });

    // An entry several services read (an anchor merged with `<<: *env`, or an aliased `environment:`) is one finding, where it is written.
    const envFindings = new Map<string, { finding: { range: Range; data: Data }; users: Set<string> }>();
    for (const service of ctx.services) {
      for (const env of ctx.environment(service)) {
        if (env.value === null) continue;
        const listName = ORIGIN_LIST.test(env.name);
        const allName = ALLOW_ALL.test(env.name);
        if (!listName && !allName) continue;
        const r = resolve(env.value);
        if (!r) continue;
        const kind = listName && hasWildcardOrigin(r.value) ? 'origin-list' : allName && isTrueText(r.value) ? 'allow-all' : null;
        if (!kind) continue;
        const at = `${env.range.start.line}:${env.range.start.character}`;
        const seen = envFindings.get(at);
        if (seen) {
          seen.users.add(service.name);
          continue;
        }
        push(service, env.range, env.name, kind, r.source);
        envFindings.set(at, { finding: out[out.length - 1], users: new Set([service.name]) });
      }
      // Traefik labels (map or list form).
      const labels = ctx.serviceGet(service, 'labels');
      if (!labels?.value) continue;
      const report = (node: Node, pairRange: Range | null): Range => (labels.own ? (pairRange ?? ctx.rangeOf(node)) : ctx.rangeOf(labels.reportNode));
      if (isMap(labels.value)) {
        for (const pair of labels.value.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : null;
          if (!key || !TRAEFIK_ORIGIN_LIST.test(key)) continue;
          const raw = scalarString(ctx.resolve(service.doc, pair.value as Node));
          const r = raw === null ? null : resolve(raw);
          if (r && hasWildcardOrigin(r.value)) push(service, report(pair.key as Node, ctx.rangeOfPair(pair)), key, 'traefik-label', r.source);
        }
      } else if (isSeq(labels.value)) {
        for (const item of labels.value.items) {
          const node = ctx.resolve(service.doc, item as Node);
          const raw = scalarString(node);
          if (!node || raw === null) continue;
          const eq = raw.indexOf('=');
          if (eq === -1 || !TRAEFIK_ORIGIN_LIST.test(raw.slice(0, eq).trim())) continue;
          const r = resolve(raw.slice(eq + 1));
          if (r && hasWildcardOrigin(r.value)) push(service, report(item as Node, null), raw.slice(0, eq).trim(), 'traefik-label', r.source);
        }
      }
    }
    for (const { finding, users } of envFindings.values()) {
      const place = placeOf(ctx, finding.range, finding.data.service, users);
      if (place.users) finding.data.place = place;
    }
    return out;
  },
  message(d) {
    const from = d.source === 'default' ? ' (the default of its ${…})' : d.source === 'dotenv' ? ' (from .env)' : '';
    if (d.place) {
      const where = `${d.name} ${ofService(d.service, d.place)}`;
      if (d.kind === 'allow-all') return `${where} is set to true${from}: every website may make cross-origin requests to it; list the allowed origins instead.`;
      return `${where} allows every origin${from} ('*'): any website can call it from a visitor's browser and read the responses; list the allowed origins instead.`;
    }
    if (d.kind === 'allow-all') return `Service '${d.service}' sets ${d.name} to true${from}: every website may make cross-origin requests to it; list the allowed origins instead.`;
    return `Service '${d.service}' allows every origin in ${d.name}${from} ('*'): any website can call it from a visitor's browser and read the responses; list the allowed origins instead.`;
  },
});
