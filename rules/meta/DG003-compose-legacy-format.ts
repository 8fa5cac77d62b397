import { visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { isAlias, isMap, isScalar } from '../engine/yaml-guards';
import { fileKindOf } from '../engine/analyze';
import { isMergeKey, type ComposeContext } from '../engine/compose';
import { isIncluded } from '../engine/include';
import { defineRule } from '../engine/rule';
import type { Fix, TextEdit } from '../engine/types';

interface Data {
  /** The first top-level service name. */
  service: string;
  /** How many top-level entries are services. */
  count: number;
  doc: Document.Parsed;
}

/** The top-level keys of the Compose Specification (plus `x-*` extensions). */
const SPEC_TOP_LEVEL = new Set(['version', 'name', 'services', 'networks', 'volumes', 'secrets', 'configs', 'include']);

function isSpecKey(key: string): boolean {
  return SPEC_TOP_LEVEL.has(key) || key.startsWith('x-');
}

/**
 * The top-level entries that are Compose v1 services: a document without `services:` whose
 * non-specification top-level keys all hold a mapping with `image:` or `build:`. Undefined when the
 * document is not in that format.
 */
function legacyServices(ctx: ComposeContext, doc: Document.Parsed): Pair[] | undefined {
  const root = doc.contents;
  if (!root || !isMap(root)) return undefined;
  const out: Pair[] = [];
  for (const pair of root.items) {
    if (!isScalar(pair.key) || isMergeKey(pair.key)) return undefined;
    const key = String(pair.key.value);
    if (key === 'services') return undefined;
    if (isSpecKey(key)) continue;
    const value = ctx.resolve(doc, pair.value as Node | null);
    if (!value || !isMap(value)) return undefined;
    if (!ctx.get(doc, value, 'image') && !ctx.get(doc, value, 'build')) return undefined;
    out.push(pair);
  }
  return out.length > 0 ? out : undefined;
}

/** Anchors defined and aliases used inside and outside a range of the document. */
function anchorsCross(doc: Document.Parsed, start: number, end: number): boolean {
  const inside = { anchors: new Set<string>(), aliases: new Set<string>() };
  const outside = { anchors: new Set<string>(), aliases: new Set<string>() };
  visit(doc, {
    Node(_k, n) {
      const at = (n as Node).range?.[0] ?? 0;
      const side = at >= start && at < end ? inside : outside;
      if (isAlias(n)) side.aliases.add(n.source);
      else if ((n as { anchor?: string }).anchor) side.anchors.add((n as { anchor: string }).anchor);
    },
  });
  for (const a of inside.aliases) if (!inside.anchors.has(a)) return true;
  for (const a of outside.aliases) if (inside.anchors.has(a)) return true;
  return false;
}

export default defineRule<'compose', Data>({
  code: 'DG003',
  name: 'compose-legacy-format',
  kind: 'compose',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A compose file is in the Compose v1 format: services at the top level, with no `services:` key.',
    what:
      'Flags a compose file in the Compose v1 format (before 2017): services written at the top level, with no `services:` key (`web: { image: nginx }`). Detection is strict: the file has a compose file name (or another compose file `include:`s it), it has no `services:` key, and every top-level key that is not a Compose Specification top-level element (`version`, `name`, `services`, `networks`, `volumes`, `secrets`, `configs`, `include`, `x-*`) holds a mapping with `image:` or `build:`. Reported once, on the first top-level service.',
    why:
      '`docker compose` (v2) implements the Compose Specification only and does not read the v1 format; Compose v1 (`docker-compose`) stopped receiving updates in July 2023 and is no longer shipped with Docker Desktop. Docker Guardrails does not check services written at the top level either: every rule of this extension is silent on such a file, so its privileged containers, published ports and inline secrets go unreported. Moving the services under `services:` makes the file runnable by current Compose and checked by every rule.',
    bad: 'web:\n  image: nginx:1.27-alpine\n  ports:\n    - "80:80"\nredis:\n  image: redis:7-alpine',
    good: 'services:\n  web:\n    image: nginx:1.27-alpine\n    ports:\n      - "80:80"\n  redis:\n    image: redis:7-alpine',
    fix:
      '"Move the services under services:" inserts a `services:` line before the first top-level service and indents every service entry by two spaces (comments between them too); nothing else changes, so the file is then analyzed like any other. Offered only when it is a plain edit: the document parses without errors, the top level is a block mapping with keys at column 0, the services are consecutive entries, no anchor or alias crosses the moved block, no block scalar states an explicit indentation, and no line ends with a lone CR (a line break for the editor, part of a key for the YAML parser). Not applied by fix-all: v1 semantics differ from v2 (v1 containers are not on a project network, `links`, `net:` and `volumes_from` behave differently), so review the result and run `docker compose config`.',
    guideline: 'Tooling hygiene: files that are not checked must not look checked (supports every guideline section)',
    equivalents: ['docker compose config: "additional properties … not allowed" for top-level services', 'compose-spec JSON schema validation (e.g. dclint schema check)'],
    references: [
      'https://docs.docker.com/compose/releases/migrate/',
      'https://docs.docker.com/reference/compose-file/legacy-versions/',
      'https://docs.docker.com/reference/compose-file/version-and-name/',
      'https://docs.docker.com/reference/compose-file/',
    ],
  },
  check(ctx) {
    if (fileKindOf(ctx.path) !== 'compose' && !isIncluded(ctx)) return [];
    for (const doc of ctx.documents) {
      const services = legacyServices(ctx, doc);
      if (!services) continue;
      const first = services[0];
      return [{ range: ctx.rangeOf(first.key as Node), data: { service: String((first.key as { value: unknown }).value), count: services.length, doc } }];
    }
    return [];
  },
  message() {
    return 'Compose v1 format: services at the top level are not read by docker compose v2 and are not checked.';
  },
  fix(ctx, { data }): Fix | undefined {
    const doc = data.doc;
    const root = doc.contents as YAMLMap | null;
    if (!root || !isMap(root) || root.flow || doc.errors.length > 0) return undefined;
    // A lone CR ends a line for the editor (and these edits) but not for the YAML parser, which reads it
    // as part of a key: indenting by lines would then change the structure (fuzz, seed 1133570420).
    if (/\r(?!\n)/.test(ctx.text)) return undefined;
    const services = legacyServices(ctx, doc);
    if (!services || services.length === 0) return undefined;
    // The services must be consecutive entries of the top-level mapping, keys at column 0.
    const first = root.items.indexOf(services[0]);
    if (services.some((p, i) => root.items[first + i] !== p)) return undefined;
    for (const p of root.items) if (ctx.rangeOf(p.key as Node).start.character !== 0) return undefined;
    const last = services[services.length - 1];
    const start = (services[0].key as Node).range?.[0] ?? 0;
    const endOffset = (last.value as Node | null)?.range?.[1] ?? (last.key as Node).range?.[1] ?? start;
    if (anchorsCross(doc, start, endOffset)) return undefined;
    const firstLine = ctx.lines.positionAt(start).line;
    let lastLine = ctx.lines.positionAt(endOffset).line;
    if (ctx.lines.positionAt(endOffset).character === 0 && lastLine > firstLine) lastLine--;
    const eol = ctx.text.includes('\r\n') ? '\r\n' : '\n';
    const edits: TextEdit[] = [{ range: { start: { line: firstLine, character: 0 }, end: { line: firstLine, character: 0 } }, newText: `services:${eol}` }];
    for (let line = firstLine; line <= lastLine; line++) {
      const text = ctx.lines.lineText(line);
      // A block scalar with an explicit indentation indicator would change its content.
      if (/(?:^|[\s:-])[|>](?:[1-9][+-]?|[+-][1-9])\s*(?:#.*)?$/.test(text)) return undefined;
      if (text.includes('\t')) return undefined;
      if (text.trim() === '') continue;
      edits.push({ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: '  ' });
    }
    return { title: 'Move the services under services:', safe: false, changes: [{ kind: 'edit', path: ctx.path, edits }] };
  },
});
