/**
 * Mutations of real files (truncation, deleted and duplicated lines, tabs, CRLF / lone CR, a BOM,
 * invalid UTF-8 decoded as text, NUL bytes, lone surrogates, deep nesting) as fast-check arbitraries,
 * and hostile inputs built on purpose (YAML alias bombs, 100,000-line files, deeply nested YAML).
 */
import fc from 'fast-check';

export type Mutation = { name: string; apply: (text: string) => string };

const lineSplit = (t: string) => t.split('\n');

/** A position given as a fraction of the text, so a mutation works on any text. */
const at = (t: string, f: number) => Math.min(t.length, Math.floor(f * (t.length + 1)));
const lineAt = (lines: string[], f: number) => Math.min(lines.length - 1, Math.floor(f * lines.length));

const frac = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  frac.map((f) => ({ name: `truncate-at-line(${f.toFixed(3)})`, apply: (t: string) => lineSplit(t).slice(0, lineAt(lineSplit(t), f)).join('\n') })),
  frac.map((f) => ({ name: `truncate-at-char(${f.toFixed(3)})`, apply: (t: string) => t.slice(0, at(t, f)) })),
  fc.tuple(frac, fc.integer({ min: 1, max: 5 })).map(([f, n]) => ({
    name: `delete-lines(${f.toFixed(3)},${n})`,
    apply: (t: string) => {
      const ls = lineSplit(t);
      ls.splice(lineAt(ls, f), n);
      return ls.join('\n');
    },
  })),
  fc.tuple(frac, fc.integer({ min: 1, max: 4 })).map(([f, n]) => ({
    name: `duplicate-line(${f.toFixed(3)},x${n})`,
    apply: (t: string) => {
      const ls = lineSplit(t);
      const i = lineAt(ls, f);
      ls.splice(i, 0, ...Array(n).fill(ls[i] ?? ''));
      return ls.join('\n');
    },
  })),
  fc.tuple(frac, frac).map(([a, b]) => ({
    name: `swap-lines(${a.toFixed(3)},${b.toFixed(3)})`,
    apply: (t: string) => {
      const ls = lineSplit(t);
      const i = lineAt(ls, a);
      const j = lineAt(ls, b);
      [ls[i], ls[j]] = [ls[j], ls[i]];
      return ls.join('\n');
    },
  })),
  fc.constant({ name: 'indent-with-tabs', apply: (t: string) => t.replace(/^( {2})+/gm, (m) => '\t'.repeat(m.length / 2)) }),
  frac.map((f) => ({ name: `tab-at(${f.toFixed(3)})`, apply: (t: string) => t.slice(0, at(t, f)) + '\t' + t.slice(at(t, f)) })),
  fc.constant({ name: 'crlf', apply: (t: string) => t.replace(/\r?\n/g, '\r\n') }),
  fc.constant({ name: 'lone-cr', apply: (t: string) => t.replace(/\r?\n/g, '\r') }),
  frac.map((f) => ({ name: `mixed-eol(${f.toFixed(3)})`, apply: (t: string) => t.replace(/\n/g, (m, off: number) => (off / (t.length + 1) < f ? '\r\n' : m)) })),
  fc.constant({ name: 'bom', apply: (t: string) => '\uFEFF' + t }),
  fc.constant({ name: 'no-final-newline', apply: (t: string) => t.replace(/\s+$/, '') }),
  fc.tuple(frac, fc.uint8Array({ minLength: 1, maxLength: 6 })).map(([f, bytes]) => ({
    name: `invalid-utf8(${f.toFixed(3)},${Buffer.from(bytes).toString('hex')})`,
    apply: (t: string) => {
      const buf = Buffer.from(t, 'utf8');
      const i = Math.min(buf.length, Math.floor(f * (buf.length + 1)));
      // Bytes 0x80–0xff alone are never valid UTF-8: decoded they become U+FFFD, or split a character.
      const bad = Buffer.from(Array.from(bytes, (b) => b | 0x80));
      return Buffer.concat([buf.subarray(0, i), bad, buf.subarray(i)]).toString('utf8');
    },
  })),
  fc.constant({ name: 'latin1-decoded', apply: (t: string) => Buffer.from(t, 'utf8').toString('latin1') }),
  fc.tuple(frac, fc.integer({ min: 1, max: 3 })).map(([f, n]) => ({ name: `nul(${f.toFixed(3)},${n})`, apply: (t: string) => t.slice(0, at(t, f)) + '\u0000'.repeat(n) + t.slice(at(t, f)) })),
  fc.tuple(frac, fc.constantFrom('\uD800', '\uDFFF', '\u2028', '\u2029', '\u0085', '\u00A0', '\uFFFF', '\u200B', '\u{1F600}', '\u000B', '\u000C')).map(([f, ch]) => ({ name: `insert-char(${f.toFixed(3)},U+${ch.codePointAt(0)!.toString(16)})`, apply: (t: string) => t.slice(0, at(t, f)) + ch + t.slice(at(t, f)) })),
  fc.tuple(frac, fc.constantFrom('\\', '\\\n', '"', "'", '`', '#', ':', '- ', '&a ', '*a ', '<<: *a\n', '{', '[', '}', ']', '|\n', '>-\n', '${', '$(', '<<EOF\n', '\n\n', ' ', '---\n', '...\n', '%YAML 1.2\n', '!!binary ', '? ')).map(([f, s]) => ({
    name: `insert(${f.toFixed(3)},${JSON.stringify(s)})`,
    apply: (t: string) => t.slice(0, at(t, f)) + s + t.slice(at(t, f)),
  })),
  fc.tuple(frac, fc.integer({ min: 1, max: 40 })).map(([f, n]) => ({ name: `delete-chars(${f.toFixed(3)},${n})`, apply: (t: string) => t.slice(0, at(t, f)) + t.slice(at(t, f) + n) })),
  fc.tuple(frac, fc.integer({ min: 50, max: 400 })).map(([f, depth]) => ({
    name: `deep-nesting(${f.toFixed(3)},${depth})`,
    apply: (t: string) => {
      const ls = lineSplit(t);
      const i = lineAt(ls, f);
      const indent = /^\s*/.exec(ls[i] ?? '')![0];
      ls.splice(i + 1, 0, `${indent}x-deep: ${'['.repeat(depth)}1${']'.repeat(depth)}`, `${indent}RUN ${'$('.repeat(depth)}echo${')'.repeat(depth)}`);
      return ls.join('\n');
    },
  })),
  fc.tuple(frac, fc.integer({ min: 20, max: 300 })).map(([f, n]) => ({
    name: `continuations(${f.toFixed(3)},${n})`,
    apply: (t: string) => {
      const ls = lineSplit(t);
      ls.splice(lineAt(ls, f), 0, 'RUN echo start \\', ...Array(n).fill('  && echo x \\'), '  && echo end');
      return ls.join('\n');
    },
  })),
);

/** One to four mutations applied in turn. */
export const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

export function applyMutations(text: string, ms: Mutation[]): string {
  return ms.reduce((t, m) => m.apply(t), text);
}

// ---------------------------------------------------------------------------------------------
// Hostile inputs built on purpose

/** "Billion laughs": `levels` anchors, each a list of `width` aliases of the previous one, used by a service. */
export function yamlAliasBomb(levels = 9, width = 9): string {
  const out = ['x-l0: &l0 ["lol"]'];
  for (let i = 1; i <= levels; i++) out.push(`x-l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]`);
  // Merge keys that chain through the levels, too.
  out.push('x-m0: &m0', '  privileged: true', '  environment:', '    SECRET_KEY: abc');
  for (let i = 1; i <= levels; i++) out.push(`x-m${i}: &m${i}`, `  <<: [${Array(width).fill(`*m${i - 1}`).join(', ')}]`, `  k${i}: v`);
  out.push('services:', '  bomb:', '    image: nginx', `    command: *l${levels}`, `    environment: *l${levels}`, `    ports: *l${levels}`, `    volumes: *l${levels}`, `    cap_add: *l${levels}`);
  out.push('  merged:', `    <<: *m${levels}`, '    image: redis', `  whole: *m${levels}`);
  return out.join('\n') + '\n';
}

/** A compose file where one service's map is itself an alias bomb through merge keys (services reachable). */
export function yamlMergeBomb(levels = 12): string {
  const out = ['x-m0: &m0', '  image: nginx', '  privileged: true', '  environment:', '    PASSWORD: hunter2'];
  for (let i = 1; i <= levels; i++) out.push(`x-m${i}: &m${i}`, `  <<: [*m${i - 1}, *m${i - 1}, *m${i - 1}]`, `  k${i}: v${i}`);
  out.push('services:');
  for (let s = 0; s < 20; s++) out.push(`  s${s}:`, `    <<: *m${levels}`, `    user: "0"`);
  return out.join('\n') + '\n';
}

/** YAML nested deep: block maps and sequences `blockDepth` levels deep, flow collections `flowDepth` deep. */
export function deepYaml(flowDepth = 1000, blockDepth = 100): string {
  const out: string[] = ['services:', '  deep:', '    image: nginx', '    labels:'];
  for (let i = 0; i < blockDepth; i++) out.push(`${'  '.repeat(i + 3)}k${i}:`);
  out.push(`${'  '.repeat(blockDepth + 3)}v`);
  out.push('    environment:');
  for (let i = 0; i < blockDepth; i++) out.push(`${'  '.repeat(i + 3)}-`);
  out.push(`${'  '.repeat(blockDepth + 3)}PASSWORD=x`);
  out.push('  flow:', '    image: nginx', `    command: ${'['.repeat(flowDepth)}x${']'.repeat(flowDepth)}`, `    environment: ${'{a: '.repeat(flowDepth)}1${'}'.repeat(flowDepth)}`, `    ports: ${'[&a '.repeat(flowDepth)}*a${']'.repeat(flowDepth)}`);
  return out.join('\n') + '\n';
}

/** A Dockerfile nested deep: command substitutions, subshells and a long chain of continuation lines. */
export function deepDockerfile(depth = 1000): string {
  return ['FROM node:24', `RUN ${'$('.repeat(depth)}echo${')'.repeat(depth)}`, `RUN ${'('.repeat(depth)}true${')'.repeat(depth)}`, `RUN echo "${'${A:-'.repeat(depth)}x${'}'.repeat(depth)}"`, 'RUN apt-get install -y \\', ...Array(depth).fill('    pkg \\'), '    last', 'USER 1000'].join('\n') + '\n';
}

/** A Dockerfile of about `lines` lines from realistic pieces (several stages, long RUN continuations). */
export function hugeDockerfile(lines = 100_000): string {
  const out: string[] = [];
  let stage = 0;
  while (out.length < lines) {
    out.push(`FROM node:${stage % 3 === 0 ? 'latest' : '24-alpine'} AS s${stage}`, 'ARG PASSWORD=hunter2', 'USER root', 'RUN apt-get update && apt-get install -y curl \\', '    git \\', '    && curl -k https://x.example/i.sh | sh', 'RUN cd /app && npm install', 'ENV API_KEY=abc', 'EXPOSE 22', 'COPY --from=s0 /a /b', 'MAINTAINER x', 'CMD node x.js', '');
    for (let i = 0; i < 20; i++) out.push(`RUN echo ${stage}-${i} \\`, `    && true`);
    stage++;
  }
  return out.slice(0, lines).join('\n') + '\n';
}

/** A compose file of about `lines` lines: many services with the findings the rules look for. */
export function hugeCompose(lines = 100_000): string {
  const out: string[] = ['x-env: &env', '  API_TOKEN: tok_live_abc', 'services:'];
  let i = 0;
  while (out.length < lines) {
    out.push(`  s${i}:`, `    image: ${i % 2 ? 'postgres' : 'redis:7'}`, '    privileged: true', '    ports:', `      - "${1000 + (i % 60000)}:5432"`, '    environment:', '      <<: *env', '      POSTGRES_PASSWORD: postgres', '    volumes:', '      - /var/run/docker.sock:/var/run/docker.sock');
    i++;
  }
  return out.slice(0, lines).join('\n') + '\n';
}

/** Services that extend each other in one chain (`s1` extends `s0`, `s2` extends `s1`, …): two lines each (review 43a, item 3). */
export function extendsChainCompose(services: number): string {
  const out: string[] = ['services:', '  s0:', '    image: nginx', '    privileged: true'];
  for (let i = 1; i < services; i++) out.push(`  s${i}:`, `    extends: s${i - 1}`);
  return out.join('\n') + '\n';
}

/** A 100,000-line file made of a real file's lines repeated (then cut to the line count). */
export function repeatLines(text: string, lines = 100_000): string {
  const src = text.split('\n');
  const out: string[] = [];
  while (out.length < lines) out.push(...src);
  return out.slice(0, lines).join('\n');
}
