/**
 * What the .vmx language features share: the key catalog, loaded on first use (it is ~200 KB of
 * data; activation must not pay for it), and parsed documents cached per editor version (owned by
 * the document-analysis host, analysis/host.ts).
 */
import * as vscode from 'vscode';

export const VMX_LANGUAGE = 'vmx';
export const VMX_SELECTOR: vscode.DocumentSelector = { language: VMX_LANGUAGE };

export type CatalogModule = typeof import('../../core/vmx/catalog');

let catalogPromise: Promise<CatalogModule> | undefined;

/** The catalog module. esbuild turns the dynamic import into a lazy initialiser in the bundle. */
export function catalog(): Promise<CatalogModule> {
  catalogPromise ??= import('../../core/vmx/catalog');
  return catalogPromise;
}

/** Parsed documents come from the document-analysis host: one parse per version for every feature. */
export type { VmxDocumentCache } from '../analysis/host';

/** A 0-based line/column range from core → vscode.Range. */
export function toRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** Escapes text for a Markdown hover (VS Code's own set plus `|` for table cells and `<`). */
export function mdEscape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-!~|<>]/g, '\\$&').replace(/\r?\n/g, ' ');
}

/** Markdown inline code that survives backticks in the text. */
export function mdCode(text: string, inTable = false): string {
  const t = inTable ? text.replace(/\|/g, '\\|') : text;
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}
