import type { ComposeContext } from './compose';
import type { DockerfileContext } from './dockerfile';
import type { ImageRef } from './image';
import type { Detection, Fix, Range, RuleDocs, Severity } from './types';

/** `any` rules read both kinds of file (the engine's own meta rules, such as unused ignores). */
export type RuleKind = 'dockerfile' | 'compose' | 'any';

export type ContextFor<K> = K extends 'dockerfile' ? DockerfileContext : K extends 'compose' ? ComposeContext : DockerfileContext | ComposeContext;

/**
 * A rule: metadata and docs, then three separate steps (after biome's run / diagnostic / action):
 * `check` finds and returns plain data, `message` explains one finding from that data, and `fix`
 * edits from that same data — never from the message text.
 */
export interface Rule<K extends RuleKind = RuleKind, D = any> {
  /** Stable public code, e.g. `DF001`. Never reused. */
  code: string;
  /** Kebab-case name of the bad pattern, e.g. `image-tag-unpinned`. */
  name: string;
  kind: K;
  severity: Severity;
  /** Off unless enabled in settings or the config file. */
  optIn?: boolean;
  /** Whether a fix exists: always, for some findings, or never. */
  fixable: 'always' | 'sometimes' | 'never';
  docs: RuleDocs;
  check(ctx: ContextFor<K>): Detection<D>[];
  message(data: D): string;
  /**
   * The secret values a finding is about, as written in the file (never shown: output that prints the
   * file's text, `--fix-dry-run`'s diff, masks every copy of them). For rules that report secrets.
   */
  secrets?(data: D): string[];
  /**
   * Where those values are written in the finding's file, when the rule knows it exactly (the value's
   * range, over several lines for a continued or folded value). Output that prints the file's lines
   * masks these ranges, and the text in them as written (`\$` escapes, quotes), wherever it shows it.
   * A rule that reports a secret on a command line gives its place (`-p<value>`): a value that reads
   * as a word (`-psnipeit`) is masked elsewhere only where it stands alone (cli/src/secret-values.ts).
   */
  secretRanges?(data: D): Range[];
  fix?(ctx: ContextFor<K>, detection: Detection<D>): Fix | undefined;
  /**
   * Further fixes offered for a finding after `fix` (e.g. one that fixes every finding of the file in
   * one workspace edit). Never applied by fix-all; computed from the context, never from the message.
   */
  moreFixes?(ctx: ContextFor<K>, detection: Detection<D>): Fix[];
  /**
   * Fixes that need the network (a digest or the tags of an image from its registry). Called only when
   * the user allowed registry lookups and the workspace is trusted; never by fix-all. Must resolve
   * (never reject) and return `[]` when the registry gives no answer.
   */
  asyncFixes?(ctx: ContextFor<K>, detection: Detection<D>, services: FixServices): Promise<Fix[]>;
}

/** What `asyncFixes` may use. The registry answers `undefined` when it cannot (offline, denied, timeout). */
export interface FixServices {
  registry: {
    /** The digest `image:tag` points to (the index digest for multi-platform images). */
    resolveDigest(ref: ImageRef): Promise<string | undefined>;
    /** The repository's tags. */
    listTags(ref: ImageRef): Promise<string[] | undefined>;
  };
}

/** Identity helper that keeps the rule's data type `D` linked between its three functions. */
export function defineRule<K extends RuleKind, D>(rule: Rule<K, D>): Rule<K, D> {
  return rule;
}
