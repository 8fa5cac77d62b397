/**
 * Fixes that need the network (rules' `asyncFixes`): asked for one finding at a time by the language
 * server's code actions and by `check --fix --registry-lookups`. Never throws: a rule that fails or a
 * registry that does not answer gives no fixes.
 */
import { fixesAllowed, fixWritesSafely, maskedTitle, type AnyContext } from './analyze';
import type { FixServices, Rule } from './rule';
import type { Detection, Finding, Fix } from './types';

export type { FixServices };

/** Whether a finding's rule has fixes that need the registry. */
export function hasAsyncFixes(rules: readonly Rule[], finding: Finding): boolean {
  return typeof rules.find((r) => r.code === finding.code)?.asyncFixes === 'function';
}

/** The rule's network fixes for a finding; `[]` when there are none or the lookup fails. */
export async function asyncFixesFor(rules: readonly Rule[], context: AnyContext, finding: Finding, services: FixServices): Promise<Fix[]> {
  const rule = rules.find((r) => r.code === finding.code);
  if (!rule || !rule.asyncFixes || !fixesAllowed(rule, context)) return [];
  try {
    return ((await (rule.asyncFixes as (c: AnyContext, d: Detection, s: FixServices) => Promise<Fix[]>)(context, finding, services)) ?? []).filter((f) => fixWritesSafely(context, f)).map(maskedTitle);
  } catch {
    return [];
  }
}
