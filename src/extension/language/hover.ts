/** Hover on .vmx keys (catalog entry) and values (what the value means). */
import * as vscode from 'vscode';
import { parseLine } from '../../core/vmx/document';
import { keyMarkdown, valueMarkdown } from './describe';
import { catalog, type VmxDocumentCache } from './shared';

export class VmxHoverProvider implements vscode.HoverProvider {
  constructor(private readonly cache: VmxDocumentCache) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const l = parseLine(document.lineAt(position.line).text);
    if (l.keyStart < 0) return undefined;
    const col = position.character;
    const key = l.text.slice(l.keyStart, l.keyEnd);

    const onKey = col >= l.keyStart && col <= l.keyEnd;
    // The value, with its quotes (hovering a quote counts).
    const valueFrom = l.valueStart >= 0 ? (l.quoted ? l.valueStart - 1 : l.valueStart) : -1;
    const valueTo = l.valueStart >= 0 ? (l.quoted ? l.valueEnd + 1 : l.valueEnd) : -1;
    const onValue = valueFrom >= 0 && col >= valueFrom && col <= valueTo && valueTo > valueFrom;
    if (!onKey && !onValue) return undefined;

    const cat = await catalog();
    const match = cat.lookupKey(key);
    if (!match) return undefined;

    const doc = this.cache.get(document);
    const value = l.valueStart >= 0 ? doc.decodeValue(l.text.slice(l.valueStart, l.valueEnd)) : undefined;
    if (onKey) {
      const range = new vscode.Range(position.line, l.keyStart, position.line, l.keyEnd);
      return new vscode.Hover(keyMarkdown(cat, match, { key, currentValue: value }), range);
    }
    const md = valueMarkdown(cat, match, key, value ?? '');
    if (!md) return undefined;
    return new vscode.Hover(md, new vscode.Range(position.line, valueFrom, position.line, valueTo));
  }
}
