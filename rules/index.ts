/** The engine's public surface for the server, the CLI and the tests. */
export * from './engine/types';
export { analyze, runRules, fixFinding, fixesAllowed, fixWritesSafely, moreFixesFor, secretsOf, secretRangesOf, fileKindOf, fileKindIn, createContext, effectiveSeverity, DEFAULT_CONFIG, IGNORE_UNUSED_CODE, CONFIG_INVALID_CODE, severityCodes, type EngineConfig, type Analysis, type AnyContext, type Suppressed } from './engine/analyze';
export { onlyCommentChanged } from './engine/comment-edit';
export { applyTextEdits, applyFix, fixesConflict, isSensitivePath, fixIsSensitive, type FileSet } from './engine/edits';
export { chooseFixes, fixInRounds, MAX_FIX_ROUNDS } from './engine/fix-rounds';
export { docsUrl, DOCS_BASE_URL } from './engine/docs';
export { LineIndex } from './engine/text';
export { allRules, ruleByCode } from './registry';
export type { Rule, FixServices } from './engine/rule';
export { asyncFixesFor, hasAsyncFixes } from './engine/async-fixes';
export { findIgnoreComments, ignoreLineEdit, ignoreFileEdit, suppressionLine, type IgnoreComment } from './engine/suppress';
export { renderRuleMarkdown, renderRuleText, renderRuleTable, ruleSummary } from './engine/render-docs';
export { NAME_GLOBS } from './engine/file-names';
export { parseConfig, findConfigPath, applyConfigOptions, keyLike, isMemoryLimit, isCpuLimit, isPidsLimit, CONFIG_FILE_NAMES, type ConfigFile, type LoadedConfig, type ConfigProblem } from './engine/config';
export { includedFiles, includersOf, isIncludedComposePath, rootCandidates } from './engine/include';
export { extendersOf } from './engine/compose-lookup';
export { filesRead } from './engine/relations';
