import type { Alias, Node, YAMLError } from 'yaml';
import { isAlias, isMap, isPair, isScalar, isSeq } from '../engine/yaml-guards';
import { MAX_MERGE_DEPTH, type ComposeContext } from '../engine/compose';
import { defineRule } from '../engine/rule';

interface Data {
  /** The yaml library's error code (`BAD_INDENT`, `MISSING_CHAR`…). */
  code: string;
  /** What is wrong, in words that never quote the file (a secret may sit next to the error). */
  problem: string;
}

/** The code of a `<<` merge chain deeper than the engine follows (MAX_MERGE_DEPTH). */
const MERGE_TOO_DEEP = 'MERGE_TOO_DEEP';

/** At most this many errors per file: a file that is not YAML at all produces one per line. */
const MAX_REPORTED = 10;

/** The yaml library's error codes, described. */
const PROBLEMS: Record<string, string> = {
  BAD_INDENT: 'the indentation does not match the structure (a key or item out of line, or a flow collection not closed)',
  TAB_AS_INDENT: 'a tab is used as indentation, which YAML does not allow',
  MISSING_CHAR: 'a closing quote or bracket is missing',
  UNEXPECTED_TOKEN: 'a character or token is not allowed here',
  BLOCK_AS_IMPLICIT_KEY: 'a block value is used as a key',
  MULTILINE_IMPLICIT_KEY: 'a key runs over more than one line',
  KEY_OVER_1024_CHARS: 'a key is longer than 1024 characters',
  BLOCK_IN_FLOW: 'a block collection is written inside a flow collection',
  BAD_SCALAR_START: 'a plain value starts with a reserved character (quote it)',
  BAD_DQ_ESCAPE: 'a double-quoted value has an invalid escape',
  BAD_ALIAS: 'an alias is malformed',
  BAD_DIRECTIVE: 'a directive is malformed',
  BAD_PROP_ORDER: 'an anchor or tag is in the wrong place',
  MULTIPLE_ANCHORS: 'a node has more than one anchor',
  MULTIPLE_TAGS: 'a node has more than one tag',
  ALIAS_PROPS: 'an alias has an anchor or a tag',
  IMPOSSIBLE: 'the text cannot be read as YAML',
};

/**
 * An error the yaml library raises where libyaml and go-yaml (Compose's parsers) read the text: flow
 * content or a quoted scalar continued at a lower indentation, a tab inside a flow collection (review
 * 11, probe 01). Told apart from a real unclosed bracket or quote by its closing character later in the text.
 */
function stricterThanCompose(text: string, e: YAMLError): boolean {
  let closer: string | undefined;
  if (e.code === 'BAD_INDENT' && /^Flow (sequence|mapping)/.test(e.message)) closer = e.message.startsWith('Flow sequence') ? ']' : '}';
  else if (e.code === 'MISSING_CHAR' && /^Missing closing ("|')quote/.test(e.message)) closer = e.message.includes('"quote') ? '"' : "'";
  if (!closer) return false;
  // The closer must come before the next line that starts a key or an item: one after them belongs to
  // something else, and the collection or quote is really left open (review 12, probes 01, 02).
  const after = text.slice(e.pos[0]);
  const at = after.indexOf(closer, 1);
  if (at === -1) return false;
  return !/\n[ \t]*(?:[A-Za-z0-9_.-]+[ \t]*:(?:[ \t]|$)|- )/m.test(after.slice(0, at));
}

/**
 * Up to this many keys, duplicateKeys compares a mapping's names in a list rather than a set: each name is a fresh
 * string, and for a few names comparing them costs less than hashing each one.
 */
const SMALL_MAPPING = 8;

/** Whether `name` was seen before in its mapping; if not, it is noted. */
function seenBefore(seen: string[] | Set<string>, name: string): boolean {
  if (Array.isArray(seen)) {
    if (seen.includes(name)) return true;
    seen.push(name);
    return false;
  }
  if (seen.has(name)) return true;
  seen.add(name);
  return false;
}

/**
 * The second and later writings of a key in one mapping (`environment:` twice in a service). YAML
 * requires keys to be unique; go-yaml, Compose's parser, refuses such a file ("mapping key
 * "environment" already defined at line 5"), where the parser here, read leniently, keeps both (review
 * 33, probes p15, p16). Merge keys (`<<`) are left alone. Aliases are not followed.
 */
function duplicateKeys(text: string, root: unknown, found: (key: Node) => void, alias: (node: Alias) => void): void {
  const walk = (n: unknown): void => {
    // Most nodes are scalars (the values of nearly every key and item): one test answers them, not four.
    if (isScalar(n)) return;
    if (isAlias(n)) alias(n);
    else if (isMap(n)) {
      // A mapping of one key has no duplicate: nothing is kept for it. Most mappings of a compose file are small.
      const count = n.items.length;
      const seen: string[] | Set<string> | null = count > 1 ? (count > SMALL_MAPPING ? new Set() : []) : null;
      for (const item of n.items) {
        const key = item.key;
        if (seen && isScalar(key) && key.value !== '<<' && key.range) {
          // go-yaml compares keys as written (a plain key's text, a quoted key's string): `1` and `01`,
          // `3.1` and `3.10`, `null` and `~` are different keys to it (review 34, probes g08-g12).
          const name = key.type === 'PLAIN' ? text.slice(key.range[0], key.range[1]) : String(key.value);
          if (seenBefore(seen, name)) found(key);
        }
        if (isAlias(key)) alias(key);
        walk(item.value);
      }
    } else if (isSeq(n)) for (const item of n.items) walk(item);
    else if (isPair(n)) walk(n.value);
  };
  walk(root);
}

function problemOf(e: YAMLError): string {
  return PROBLEMS[e.code] ?? 'the text cannot be read as YAML here';
}

export default defineRule<'compose', Data>({
  code: 'DG004',
  name: 'compose-yaml-invalid',
  kind: 'compose',
  severity: 'warning',
  fixable: 'never',
  docs: {
    summary: 'A compose file has a YAML syntax error, a key written twice, an undefined alias or a too-deep `<<` merge chain.',
    what: 'Reports the YAML syntax errors of a compose file, where the parser finds them (an unclosed flow sequence `ports: [ "8080:80"`, a tab used as indentation, keys out of line, a missing closing quote), and a key written twice in the same mapping (two `environment:` keys in a service: YAML requires unique keys and go-yaml refuses the file with "mapping key … already defined"; merge keys `<<` excepted), and an alias to an anchor that is not defined before it (`image: *app_image` when the anchor is `&app-image`: go-yaml refuses the file with "unknown anchor … referenced", where this parser leaves the value empty), and a chain of `<<` merge keys deeper than 1,000 mappings (Compose reads it; here the merges beyond are not read, so the services that reach them are judged without the keys they merge: reported on the `<<` key where reading stopped, never silent), at most ten per file. The message names the kind of error and never quotes the file. The other rules still report what they can read of a broken file. A warning, not an error: the parser used here is stricter than the ones Compose uses (libyaml\'s port go-yaml) in a few layouts — flow content or a quoted value continued at a lower indentation, a tab inside a flow collection — so a document whose error is one of these (its closing bracket or quote comes later) is not reported.',
    why: '`docker compose` refuses to load a file that is not valid YAML, so the file cannot be deployed; and what the rules of this extension read from a broken file is only the part the parser could recover, so a misplaced line can hide a privileged service or an inline secret from them. Without this finding a CI run of `check` passes a file that cannot run (review 10, probe dc-06).',
    bad: 'services:\n  web:\n    image: nginx:1.30-alpine\n    ports: [ "127.0.0.1:8080:80"',
    good: 'services:\n  web:\n    image: nginx:1.30-alpine\n    ports: [ "127.0.0.1:8080:80" ]',
    fix: 'No automatic fix: which structure was meant is not known. Fix the line and run `docker compose config`.',
    guideline: 'Tooling hygiene: files that are not checked must not look checked (supports every guideline section)',
    equivalents: ['docker compose config (fails to load the file)', 'yamllint syntax errors', 'dclint (reports files it cannot parse)'],
    references: ['https://eemeli.org/yaml/#errors', 'https://yaml.org/spec/1.2.2/', 'https://docs.docker.com/reference/cli/docker/compose/config/'],
  },
  check(ctx: ComposeContext) {
    const out = [];
    for (const doc of ctx.documents) {
      // The follow-up errors of such a case are not errors for Compose either: the document is left alone.
      if (doc.errors.some((e) => stricterThanCompose(ctx.text, e))) continue;
      for (const e of doc.errors) {
        if (out.length >= MAX_REPORTED) return out;
        const start = Math.min(Math.max(e.pos[0], 0), ctx.text.length);
        const end = Math.min(Math.max(e.pos[1], start), ctx.text.length);
        out.push({ range: ctx.lines.rangeOf(start, end), data: { code: e.code, problem: problemOf(e) } });
      }
      duplicateKeys(
        ctx.text,
        doc.contents,
        (key) => {
          if (out.length < MAX_REPORTED) out.push({ range: ctx.lines.rangeOf(key.range![0], key.range![1]), data: { code: 'DUPLICATE_KEY', problem: 'a key is written a second time in the same mapping (go-yaml, which Compose uses, refuses it: "mapping key already defined")' } });
        },
        // An alias to an anchor defined nowhere before it (`image: *app_image` after `&app-image`): go-yaml refuses the file
        // ("unknown anchor … referenced"), where the parser here leaves the value empty (review 39b).
        (alias) => {
          if (out.length < MAX_REPORTED && alias.range && ctx.resolve(doc, alias) === null) out.push({ range: ctx.lines.rangeOf(alias.range[0], alias.range[1]), data: { code: 'UNKNOWN_ANCHOR', problem: 'an alias refers to an anchor that is not defined before it (go-yaml, which Compose uses, refuses it: "unknown anchor referenced")' } });
        },
      );
    }
    // A chain of `<<` merges deeper than the engine follows (review 41a, F4): not an error for Compose,
    // but the services that reach it are read without the keys it merges; said, never silent.
    for (const via of ctx.mergesCutShort()) {
      if (out.length >= MAX_REPORTED) break;
      out.push({ range: ctx.rangeOf(via.key as Node), data: { code: MERGE_TOO_DEEP, problem: `merge keys (<<) are nested more than ${MAX_MERGE_DEPTH} deep here` } });
    }
    return out;
  },
  message(d) {
    if (d.code === MERGE_TOO_DEEP) return `YAML merge chain too deep to read (${d.code}): ${d.problem}; the merges beyond are not read, so the checks of the services that reach them miss the keys they merge (docker compose reads them).`;
    return `YAML syntax error (${d.code}): ${d.problem}. docker compose will most likely refuse this file, and the other checks read only the part that parses.`;
  },
});
