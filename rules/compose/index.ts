import type { Rule } from '../engine/rule';
import DC010 from './DC010-privileged';
import DC040 from './DC040-secret-inline';

/** Every Compose rule, listed explicitly (keep sorted by code). */
export const composeRules: Rule<'compose'>[] = [DC010, DC040];
