import { isReverseProxy } from '../engine/service-image';
import * as path from 'node:path';
import { Minimatch } from 'minimatch';
import { type Node } from 'yaml';
import { isSeq } from '../engine/yaml-guards';
import type { ComposeContext } from '../engine/compose';
import { includersOf, includersOfContext } from '../engine/include';
import { defineRule } from '../engine/rule';
import { MAX_GLOB_LENGTH } from '../engine/scope';
import type { RuleOptions } from '../engine/types';

interface Data {
  service: string;
  /** The glob of `productionGlobs` the file name matched. */
  glob: string;
  /** The `ports:` key comes through a `<<` merge key. */
  inherited: boolean;
}

/**
 * The first production glob the compose file matches. A glob without `/` is matched against the file
 * name (`*[._-]prod[._-]*` matches `docker-compose.prod.yml`), a glob with `/` against the path from the
 * globs' base (`productionGlobsBase`; `**` spans directories); matching ignores case.
 */
const compiled = new Map<string, Minimatch>();

/**
 * A glob compiled once per process (compiling dominated this rule's time). `fromBase`: matched against the path from
 * the globs' base, as written (`./` and `/` in front dropped); else against the whole path, with any folders above
 * it (a `**` path segment put in front).
 */
function matcher(g: string, fromBase: boolean): Minimatch {
  const key = `${fromBase ? 'b' : 'w'}${g}`;
  let m = compiled.get(key);
  if (!m) {
    let pattern = g;
    if (g.includes('/')) pattern = fromBase ? g.replace(/^(?:\.?\/)+/, '') : !g.startsWith('/') && !g.startsWith('**') ? `**/${g}` : g;
    m = new Minimatch(pattern, { matchBase: !g.includes('/'), nocase: true, dot: true });
    compiled.set(key, m);
  }
  return m;
}

/**
 * A glob without `/` against the file name: minimatch's `matchBase` tests the path's last segment against the glob, which
 * is what its regular expression does on the name, at a tenth of the cost of `match()` (which splits and walks the
 * path): a CLI run asks each default glob once per file (four globs × 644 files: 11.5 → 1.2 ms).
 */
const nameRegExps = new Map<string, RegExp | false>();

function nameMatches(g: string, p: string): boolean {
  let re = nameRegExps.get(g);
  if (re === undefined) {
    // A negated (`!…`) or comment (`#…`) glob: match() reads those itself.
    const m = new Minimatch(g, { nocase: true, dot: true });
    re = m.negate || m.comment || m.empty ? false : m.makeRe();
    nameRegExps.set(g, re);
  }
  return re === false ? matcher(g, false).match(p) : re.test(p.slice(p.lastIndexOf('/') + 1));
}

export function productionGlobOf(ctx: ComposeContext): string | undefined {
  return globMatching(ctx, ctx.path) ?? productionIncluder(ctx);
}

/** Whether a glob matches a path, remembered per glob (every analysis of a file asks again; a match costs microseconds). */
const matches = new Map<string, Map<string, boolean>>();

/**
 * globMatching's answers by options, then path (null: no glob matches). The answer reads nothing but the path and the
 * options' globs and base (no file): it holds while the options object does (a new configuration is a new object), and
 * is dropped when the options get another list of globs or another base.
 */
const answers = new WeakMap<RuleOptions, { globs: RuleOptions['productionGlobs']; base: string | undefined; byPath: Map<string, string | null> }>();

function globMatching(ctx: ComposeContext, filePath: string): string | undefined {
  const { options } = ctx;
  let known = answers.get(options);
  if (!known || known.globs !== options.productionGlobs || known.base !== options.productionGlobsBase) {
    answers.set(options, (known = { globs: options.productionGlobs, base: options.productionGlobsBase, byPath: new Map() }));
  }
  let answer = known.byPath.get(filePath);
  if (answer === undefined) {
    answer = matchingGlob(ctx, filePath) ?? null;
    if (known.byPath.size >= 4096) known.byPath.clear();
    known.byPath.set(filePath, answer);
  }
  return answer ?? undefined;
}

function matchingGlob(ctx: ComposeContext, filePath: string): string | undefined {
  const whole = filePath.includes('\\') ? filePath.split('\\').join('/') : filePath;
  // A glob with `/` is matched against the path from the globs' base (the config file's or workspace folder), never the
  // folders above it: the result must not depend on where the repository is checked out (review 45d, item 6).
  const base = ctx.options.productionGlobsBase;
  const fromBase = base === undefined ? undefined : path.relative(base, filePath).split(path.sep).join('/');
  for (const glob of ctx.options.productionGlobs ?? []) {
    // A glob minimatch refuses (too long: DG002 on the config, a log line for the setting) is skipped, not thrown.
    if (typeof glob !== 'string' || glob.trim() === '' || glob.trim().length > MAX_GLOB_LENGTH) continue;
    const g = glob.trim();
    const relative = fromBase !== undefined && g.includes('/');
    // The remembered answers of a glob are per path as matched: a path from the base and a whole path apart.
    const p = relative ? `\0${fromBase}` : whole;
    let byPath = matches.get(g);
    if (!byPath) {
      if (matches.size >= 64) matches.clear();
      matches.set(g, (byPath = new Map()));
    }
    let hit = byPath.get(p);
    if (hit === undefined) {
      hit = relative ? matcher(g, true).match(fromBase) : g.includes('/') ? matcher(g, false).match(p) : nameMatches(g, p);
      if (byPath.size >= 4096) byPath.clear();
      byPath.set(p, hit);
    }
    if (hit) return g;
  }
  return undefined;
}

/** A file that a production compose file `include:`s (directly or through another) is production too. */
function productionIncluder(ctx: ComposeContext): string | undefined {
  // Searched once per analysis (the file's .env and project directory ask too); a search that threw is
  // run again here so that the rule fails as it would on its own.
  for (const inc of includersOfContext(ctx) ?? includersOf(ctx.workspace, ctx.path, ctx.options)) {
    const g = globMatching(ctx, inc.parent.path) ?? globMatching(ctx, inc.root.path);
    if (g !== undefined) return g;
  }
  return undefined;
}

export default defineRule<'compose', Data>({
  code: 'DC033',
  name: 'ports-in-production-file',
  kind: 'compose',
  severity: 'warning',
  fixable: 'never',
  docs: {
    summary: 'A service other than the reverse proxy publishes ports in a production compose file (`productionGlobs`).',
    what: 'Flags every service with a non-empty `ports:` in a compose file whose name matches one of the production globs (option `productionGlobs`, default `["*[._-]prod[._-]*", "prod[._-]*", "*[._-]production[._-]*", "production[._-]*"]`: `prod` or `production` as a word of the name, as in `docker-compose.prod.yml`, `docker-compose-prod.yml`, `compose.production.yaml`, `prod.compose.yaml`, `production.yml`, `docker-compose.prod.override.yml`, but not `docker-compose.producer.yml`, `docker-compose.products.yml` or `compose.reproducible.yaml`). A glob without `/` is matched against the file name, a glob with `/` against the path from the folder of the config file that sets it (from the current folder for `check --config FILE`, from the workspace folder for the `dockerGuardrails.productionGlobs` setting), never the folders above it, so the result does not depend on where the repository is checked out (e.g. `deploy/*.yaml`, `**/deploy/**`); case is ignored. A file that a production compose file pulls in with a top-level `include:` (directly or through another included file) is production too. Every published port counts, whatever its host IP: in production, traffic should enter through the reverse proxy only. `expose:` is not publishing and is not reported. The reverse proxy itself is not flagged: a service that runs a reverse proxy or web server is where the ports belong — its image is one, by the last part of its repository name (nginx, nginx-proxy, openresty, traefik, caddy, haproxy, envoy, httpd, kong…, and the SNI proxy sniproxy), or, for a service with `build:`, the base image of the Dockerfile it builds is one (the stage named by `build.target`, else the last stage, followed through `FROM <earlier stage>`; the Dockerfile must be in the workspace): a `build: ./proxy` of `FROM nginx:1.29-alpine` is the proxy, a build of `FROM node:22-alpine` is reported. DC030 and DC034 recognise the proxy the same way.',
    why: 'SECURITY-GUIDELINES.md §3 Network Security: "No Port Exposure in Production – Use reverse proxy for external access". A port published by a service in production bypasses the proxy\'s TLS, authentication, rate limiting and logging, and Docker\'s own rules bypass the host firewall. The reverse proxy (Traefik, Caddy, nginx) is the one service that publishes 80/443 and reaches the others over the compose network — declare it in a file the globs do not match, or disable this finding for that one service with a severity override.',
    whySummary: 'In production, traffic should enter through the reverse proxy only: a port a service publishes itself bypasses the proxy\'s TLS, authentication, rate limiting and logging, and Docker\'s rules bypass the host firewall.',
    bad: '# docker-compose.prod.yml\nservices:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n    ports:\n      - "8080:8080"',
    good: '# docker-compose.prod.yml\nservices:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n    expose: ["8080"]\n    labels:\n      traefik.http.routers.api.rule: Host(`api.example.com`)',
    fix: 'No automatic fix: routing traffic through a reverse proxy is a design change (a proxy service, its TLS certificates, routing labels or configuration). Put the proxy in front, give the services `expose:` instead of `ports:`, and keep `ports:` for local work in a `compose.override.yaml`, which `docker compose` reads by default in development but a production deployment (`-f compose.yaml -f compose.prod.yaml`) does not.',
    guideline: '§3 Network Security — "No Port Exposure in Production – Use reverse proxy for external access"',
    equivalents: ['No direct equivalent (other tools do not know which files are for production); closest: compose-lint CL-0005 and KICS "Container Traffic Not Bound To Host Interface"'],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#ports',
      'https://docs.docker.com/reference/compose-file/services/#expose',
      'https://docs.docker.com/compose/how-tos/production/',
      'https://docs.docker.com/compose/how-tos/multiple-compose-files/merge/',
      'https://github.com/isaacs/minimatch#readme',
      'https://docs.docker.com/reference/compose-file/include/',
      'https://docs.docker.com/reference/compose-file/build/#target',
    ],
  },
  check(ctx) {
    const glob = productionGlobOf(ctx);
    if (glob === undefined) return [];
    const out = [];
    const seen = new Set<string>();
    for (const service of ctx.services) {
      const entry = ctx.serviceGet(service, 'ports');
      if (!entry || !entry.value) continue;
      if (!isSeq(entry.value) || entry.value.items.length === 0) continue;
      // The reverse proxy itself is what publishes ports in production: by its image or the base of the Dockerfile it
      // builds, as DC030 and DC034 read it (dc030).
      if (isReverseProxy(ctx, service)) continue;
      const range = ctx.rangeOf(entry.own ? (entry.pair.key as Node) : entry.reportNode);
      // A service that is an alias of another (`b: *a`) shares its text: report it once.
      const key = `${range.start.line}:${range.start.character}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ range, data: { service: service.name, glob, inherited: !entry.own } });
    }
    return out;
  },
  message(d) {
    return `Service '${d.service}' publishes ports in a production compose file (matches '${d.glob}'); expose it through the reverse proxy instead.`;
  },
});
