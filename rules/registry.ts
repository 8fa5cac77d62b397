import { composeRules } from './compose';
import { dockerfileRules } from './dockerfile';
import type { Rule } from './engine/rule';
import DG001 from './meta/DG001-ignore-unused';
import DG002 from './meta/DG002-config-invalid';
import DG003 from './meta/DG003-compose-legacy-format';
import DG004 from './meta/DG004-compose-yaml-invalid';

/**
 * The registry: every rule, by code. Codes are public contracts: stable and never reused.
 * Codes are two capitals and three digits, so code-unit order is their order (localeCompare would
 * give the same, but its first call loads ICU's collator: 9 ms of every CLI and server start).
 */
export const allRules: readonly Rule[] = [...(dockerfileRules as Rule[]), ...(composeRules as Rule[]), DG001 as Rule, DG002 as Rule, DG003 as Rule, DG004 as Rule].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

const byCode = new Map(allRules.map((r) => [r.code, r]));

export function ruleByCode(code: string): Rule | undefined {
  return byCode.get(code);
}
