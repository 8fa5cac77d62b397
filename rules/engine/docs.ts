/** Where each rule's documentation lives online; the same pages are bundled in the extension. */
export const DOCS_BASE_URL = 'https://github.com/docker-guardrails/docker-guardrails/blob/main/docs/rules/';

export function docsUrl(code: string): string {
  return `${DOCS_BASE_URL}${code}.md`;
}
