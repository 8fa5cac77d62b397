import type { Rule } from '../engine/rule';
import DF001 from './DF001-image-tag-unpinned';
import DF010 from './DF010-runs-as-root';

/** Every Dockerfile rule, listed explicitly (keep sorted by code). */
export const dockerfileRules: Rule<'dockerfile'>[] = [DF001, DF010];
