/**
 * The server links each rule code to its online docs page (the diagnostics' codeDescription, the hover's
 * "Documentation" link); in the editor the links open the page bundled with the extension instead, so they
 * work offline (and in restricted networks). No `vscode` import, so that the tests can read it.
 */
import { DOCS_BASE_URL } from '../../rules/engine/docs';

/** The command that shows a rule's bundled page in a Markdown preview ("Show documentation for CODE"). */
export const SHOW_DOCS_COMMAND = 'dockerGuardrails.showRuleDocs';

const ONLINE_DOCS_LINK = new RegExp(`\\]\\(${DOCS_BASE_URL.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}([A-Z]{2}[0-9]{3})\\.md\\)`, 'g');

/**
 * Markdown with each link to an online rule page (`[Documentation](https://…/docs/rules/DF015.md)`) made a
 * link that runs SHOW_DOCS_COMMAND for the code: the page the menu's "Show documentation" opens. The text
 * that shows it must trust that one command (MarkdownString.isTrusted's enabledCommands).
 */
export function offlineDocsLinks(markdown: string): string {
  return markdown.replace(ONLINE_DOCS_LINK, (_link, code: string) => `](command:${SHOW_DOCS_COMMAND}?${encodeURIComponent(JSON.stringify([code]))})`);
}
